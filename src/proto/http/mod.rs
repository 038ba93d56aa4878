//! HTTP/1.1 for plain requests (issue #17), sans I/O.
//!
//! This module owns:
//! - the pieces every response head in this crate is read with: the line tokenizer
//!   ([`take_line`]), the status-line and header-line parsers, the case-insensitive name lookup
//!   in a packed name list and the token-list helpers. The WebSocket handshake's
//!   `ResponseParser` uses them too, so the firmware carries one copy;
//! - [`response`]: the incremental, zero-copy response parser ([`ResponseParser`]), and
//!   `chunk_size`, the chunk-size line it reads a chunked body by;
//! - [`request`]: the pure request-side helpers (percent-encoding as legacy
//!   `HTTP_URL_EncodeStr`, chunk framing as the legacy client writes it).
//!
//! No I/O, no heap, no panics: every length is checked and every error is a value.

mod chunk_size;
pub mod content_type;
pub mod names;
pub mod request;
pub mod response;
#[cfg(test)]
mod tests;
#[cfg(all(test, feature = "websocket"))]
mod upgrade_mode_tests;

pub use content_type::{content_type, media_type_name, ContentType};
pub use response::{Error, Event, Framing, ResponseParser};

// ---------------------------------------------------------------------------------------------
// Bytes and tokens
// ---------------------------------------------------------------------------------------------

/// A set of ASCII bytes: bit `b % 32` of word `b / 32` is set when `b` is in it (one table
/// lookup per byte, smaller than the comparisons on Cortex-M).
pub(crate) type AsciiSet = [u32; 4];

/// The set of the bytes in the inclusive `ranges`, less those in `except`.
pub(crate) const fn ascii_set(ranges: &[(u8, u8)], except: &[u8]) -> AsciiSet {
    [
        set_word(ranges, except, 0),
        set_word(ranges, except, 32),
        set_word(ranges, except, 64),
        set_word(ranges, except, 96),
    ]
}

/// The word of [`ascii_set`] for bytes `base..base + 32`.
const fn set_word(mut ranges: &[(u8, u8)], mut except: &[u8], base: u8) -> u32 {
    let mut bits = 0u32;
    while let [(lo, hi), rest @ ..] = ranges {
        let mut i = 0;
        while i < 32 {
            if base + i >= *lo && base + i <= *hi {
                bits |= 1 << i;
            }
            i += 1;
        }
        ranges = rest;
    }
    while let [b, rest @ ..] = except {
        if *b >= base && *b - base < 32 {
            bits &= !(1 << (*b - base));
        }
        except = rest;
    }
    bits
}

/// True when `b` is in `set` (never for bytes above 127).
#[inline(always)]
pub(crate) fn in_set(set: &AsciiSet, b: u8) -> bool {
    set.get(usize::from(b >> 5))
        .is_some_and(|w| (w >> (b & 31)) & 1 != 0)
}

/// RFC 9110 `tchar`: digits, letters and ``!#$%&'*+-.^_`|~``.
const TCHAR_BITS: AsciiSet = ascii_set(
    &[
        (b'0', b'9'),
        (b'A', b'Z'),
        (b'a', b'z'),
        (b'!', b'!'),
        (b'#', b'\''),
        (b'*', b'+'),
        (b'-', b'.'),
        (b'^', b'`'),
        (b'|', b'|'),
        (b'~', b'~'),
    ],
    b"",
);

/// True when `s` is a non-empty RFC 9110 token.
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| tchar(b))
}

/// True when `b` is an RFC 9110 `tchar`.
// Always inlined, here and below: on Cortex-M at opt-level z a call costs more than the test.
#[inline(always)]
pub(crate) fn tchar(b: u8) -> bool {
    in_set(&TCHAR_BITS, b)
}

/// True for a control byte other than HTAB, and for DEL: never allowed in a reason phrase, a
/// field value or a quoted-string (RFC 9110 §5.5, §5.6.4; RFC 9112 §4).
#[inline(always)]
pub(crate) fn is_ctl(b: u8) -> bool {
    (b < b' ' && b != b'\t') || b == 0x7f
}

/// True when `s` holds a byte [`is_ctl`] refuses.
#[inline(always)]
pub(crate) fn has_ctl(s: &[u8]) -> bool {
    for &b in s {
        if is_ctl(b) {
            return true;
        }
    }
    false
}

/// Strips leading optional whitespace (SP / HTAB).
pub(crate) fn trim_start_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

/// Trims optional whitespace (SP / HTAB) on both sides.
pub(crate) fn trim_ows(s: &[u8]) -> &[u8] {
    let mut s = trim_start_ows(s);
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// The next non-empty, OWS-trimmed element of a comma-separated list; `list` is advanced past
/// it (and its comma). Empty elements are skipped, as RFC 9110 §5.6.1.2 asks of recipients.
pub(crate) fn list_next<'a>(list: &mut &'a [u8]) -> Option<&'a [u8]> {
    while !list.is_empty() {
        let mut element: &[u8] = list;
        let mut rest: &[u8] = &[];
        if let Some(end) = list.iter().position(|&b| b == b',') {
            if let (Some(e), Some(r)) = (list.get(..end), list.get(end + 1..)) {
                (element, rest) = (e, r);
            }
        }
        let element = trim_ows(element);
        *list = rest;
        if !element.is_empty() {
            return Some(element);
        }
    }
    None
}

/// The `Connection` option that ends the connection after the response (a static, not a
/// literal: see `response.rs`). For the upgrade's own reader, built without `http`.
#[cfg_attr(feature = "http", allow(dead_code))]
pub(crate) static TOKEN_CLOSE: [u8; 6] = *b"close\0";

/// True when the comma-separated `list` has an element equal to `token` (ASCII
/// case-insensitive). `token` ends with a NUL (see [`eq_ci`]).
pub(crate) fn list_contains_ci(mut list: &[u8], token: &[u8]) -> bool {
    while let Some(e) = list_next(&mut list) {
        if eq_ci(token, e) {
            return true;
        }
    }
    false
}

/// True when `s` equals `token` (ASCII case-insensitive); `token` ends with a NUL, a
/// one-entry [`lookup_ci`] table: the crate compares names in one place.
pub(crate) fn eq_ci(token: &[u8], s: &[u8]) -> bool {
    lookup_ci(token, s) == 0
}

/// The index of `name` (compared ASCII case-insensitively) in `names`, a list of names each
/// followed by a NUL; the number of names when it is not there. One packed string
/// rather than a table of slices: no pointer table in flash, and the one name compare of the
/// crate.
pub(crate) fn lookup_ci(names: &[u8], name: &[u8]) -> usize {
    let mut index = 0;
    let mut at = 0;
    let mut same = true;
    for &k in names {
        if k == 0 {
            if same && at == name.len() {
                return index;
            }
            index += 1;
            at = 0;
            same = true;
        } else {
            same &= name.get(at).is_some_and(|b| b.eq_ignore_ascii_case(&k));
            at += 1;
        }
    }
    index
}

/// Entry `n` (from 0) of `names`, a list of names each followed by a NUL (the tables
/// [`lookup_ci`] searches); None past the end. A plain walk: an iterator chain costs more flash.
pub(crate) fn nth_name(names: &'static [u8], n: usize) -> Option<&'static [u8]> {
    let mut left = n;
    let mut start = 0;
    for (i, &b) in names.iter().enumerate() {
        if b == 0 {
            if left == 0 {
                return names.get(start..i);
            }
            left -= 1;
            start = i + 1;
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------------

/// Why a line was refused. The status-line classes are the legacy client's: a first word
/// that is not an accepted `HTTP/1.x` is a version error (garbage such as `ICY 200 OK`
/// included), a missing or bad code a status-code error, anything else a format error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineError {
    /// `window` bytes hold no LF: the line, CRLF included, is longer than `window`.
    TooLong,
    /// A LF without a CR before it, a CR or NUL inside the line; a status line not shaped
    /// `HTTP-version SP code [SP reason]` or with a control byte in the reason; a field line
    /// without colon or whose name is empty or not a token (a space before the colon
    /// included).
    Malformed,
    /// The version is not `HTTP/1.x` with `x` in `min_minor..=1`.
    Version,
    /// The status code is not 3 digits in 100..=599.
    Code,
    /// A field line starting with SP or HTAB: an obs-fold continuation (RFC 9112 §5.2),
    /// refused rather than unfolded.
    ObsFold,
}

/// `1*DIGIT` as a `u32` (a `Content-Length`); None when empty, not all digits, or above
/// `u32::MAX`. The overflow test is a comparison, not `checked_mul`: that needs a 64-bit
/// multiply, a library call on Cortex-M0.
pub(crate) fn parse_decimal(s: &[u8]) -> Option<u32> {
    const TENTH: u32 = u32::MAX / 10;
    const LAST: u32 = u32::MAX % 10;
    if s.is_empty() {
        return None;
    }
    let mut n = 0u32;
    for &b in s {
        let d = u32::from(b.wrapping_sub(b'0'));
        if d > 9 || n > TENTH || (n == TENTH && d > LAST) {
            return None;
        }
        n = n * 10 + d;
    }
    Some(n)
}

/// The first line of `input`: `Ok(Some((line, used)))` with the line without its CRLF and
/// `used` counting the CRLF; `Ok(None)` while `input` holds no LF and fewer than `window`
/// bytes. The LF is only looked for in the first `window` bytes, so the answer does not
/// depend on how the input was split: a caller buffer of `window` bytes always suffices.
pub(crate) fn take_line(input: &[u8], window: usize) -> Result<Option<(&[u8], usize)>, LineError> {
    let searched = input.get(..window).unwrap_or(input);
    let Some(lf) = searched.iter().position(|&b| b == b'\n') else {
        if input.len() >= window {
            return Err(LineError::TooLong);
        }
        return Ok(None);
    };
    let [line @ .., b'\r'] = searched.get(..lf).unwrap_or_default() else {
        return Err(LineError::Malformed);
    };
    if line.iter().any(|&b| b == b'\r' || b == 0) {
        return Err(LineError::Malformed);
    }
    Ok(Some((line, lf.saturating_add(1))))
}

/// `HTTP/1.x SP 3DIGIT [SP reason]` (CRLF already removed) as the code, the minor version
/// and the reason. Leniency: the SP before an empty reason may be missing (`HTTP/1.1 101`),
/// as some servers omit it.
pub(crate) fn parse_status(line: &[u8], min_minor: u8) -> Result<(u16, u8, &[u8]), LineError> {
    if line.is_empty() {
        return Err(LineError::Malformed);
    }
    let mut version = line;
    let mut rest: Option<&[u8]> = None;
    if let Some(sp) = line.iter().position(|&b| b == b' ') {
        if let Some((v, r)) = line.split_at_checked(sp) {
            version = v;
            rest = r.get(1..);
        }
    }
    // `HTTP/1.` and the minor digit, as one word.
    const HTTP_1: u64 = u64::from_le_bytes(*b"HTTP/1.\0");
    let minor = match <[u8; 8]>::try_from(version).map(u64::from_le_bytes) {
        Ok(v) if v & (u64::MAX >> 8) == HTTP_1 => ((v >> 56) as u8).wrapping_sub(b'0'),
        _ => u8::MAX,
    };
    if minor < min_minor || minor > 1 {
        return Err(LineError::Version);
    }
    let Some(mut rest) = rest else {
        return Err(LineError::Malformed);
    };
    // The code runs to the next SP (then the reason follows) or to the end of the line.
    if let [] | [b' ', ..] = rest {
        return Err(LineError::Code);
    }
    let mut code = 0u16;
    let mut digits = 0;
    let reason = loop {
        match rest {
            [] => break rest,
            [b' ', reason @ ..] => break reason,
            [d, tail @ ..] => {
                if !d.is_ascii_digit() || digits == 3 {
                    return Err(LineError::Code);
                }
                code = code * 10 + u16::from(d - b'0');
                digits += 1;
                rest = tail;
            }
        }
    };
    // Fewer than 3 digits make a code below 100.
    if !(100..=599).contains(&code) {
        return Err(LineError::Code);
    }
    // reason-phrase = *( HTAB / SP / VCHAR / obs-text )
    if has_ctl(reason) {
        return Err(LineError::Malformed);
    }
    Ok((code, minor, reason))
}

/// `name ":" OWS value OWS` (CRLF already removed) as the name and the OWS-trimmed value. The
/// value's bytes are not checked here (see [`has_ctl`]).
pub(crate) fn parse_field(line: &[u8]) -> Result<(&[u8], &[u8]), LineError> {
    if let [b' ' | b'\t', ..] = line {
        return Err(LineError::ObsFold);
    }
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(LineError::Malformed)?;
    let name = line.get(..colon).unwrap_or_default();
    if !is_token(name) {
        return Err(LineError::Malformed);
    }
    Ok((
        name,
        trim_ows(line.get(colon.saturating_add(1)..).unwrap_or_default()),
    ))
}
