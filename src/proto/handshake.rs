//! The client side of the RFC 6455 opening handshake (§4.1, §4.2.2).
//!
//! This module owns:
//! - [`Key`]: the `Sec-WebSocket-Key` nonce and the `Sec-WebSocket-Accept` value it implies;
//! - [`RequestWriter`]: writes the HTTP/1.1 upgrade request into a caller buffer;
//! - [`OfferedProtocols`]: a borrow-free record of the subprotocols the request offered;
//! - [`ResponseParser`]: an incremental, line-at-a-time parser and validator of the server's
//!   response head.
//!
//! No I/O, no heap, no panics: every length is checked and every error is a value.

use super::base64;
use super::http::names::{
    header_index, HDR_ACCEPT, HDR_CONNECTION, HDR_CONTENT_LENGTH, HDR_EXTENSIONS, HDR_HOST,
    HDR_KEY, HDR_PROTOCOL, HDR_TRANSFER_ENCODING, HDR_UPGRADE, HDR_VERSION, TOKEN_UPGRADE,
};
use super::http::request::{hex_digit, unreserved};
use super::http::{
    ascii_set, eq_ci, in_set, is_token, list_contains_ci, list_next, parse_field, parse_status,
    take_line, trim_ows, AsciiSet, LineError,
};
use super::sha1;
use core::borrow::BorrowMut;
use core::fmt;

/// The GUID that RFC 6455 §1.3 appends to the key before hashing.
pub const GUID: &[u8; 36] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The GUID as the SHA-1 words that follow a key ([`sha1::tail_words`]).
static GUID_WORDS: [u32; 10] = sha1::tail_words(GUID);

/// A `Sec-WebSocket-Key`: base64 of 16 caller-supplied random bytes (24 ASCII chars).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Key([u8; 24]);

impl Key {
    /// Encodes 16 random bytes (the caller's RNG; RFC 6455 §4.1 wants them fresh per
    /// connection) as a key.
    pub fn from_random(bytes: [u8; 16]) -> Key {
        // base64 of 16 bytes with padding is exactly 24 characters. (Each written once: no
        // zeroed array first.)
        Key(core::array::from_fn(|j| base64::char_at(&bytes, j)))
    }

    /// The 24 ASCII characters sent in `Sec-WebSocket-Key`.
    pub fn as_bytes(&self) -> &[u8; 24] {
        &self.0
    }

    /// SHA-1(key + GUID): the 20 bytes whose base64 `Sec-WebSocket-Accept` must be. The
    /// parser keeps these rather than the 28 characters (8 bytes less in every session).
    #[inline(never)] // the SHA-1 state lives only here, not in the callers' frames
    pub fn accept_digest(&self) -> [u8; 20] {
        sha1::digest_head_tail(&self.0, &GUID_WORDS)
    }

    /// base64(SHA-1(key + GUID)), 28 ASCII chars: what `Sec-WebSocket-Accept` must be.
    pub fn expected_accept(&self) -> [u8; 28] {
        accept_text(&self.accept_digest())
    }
}

/// The `Sec-WebSocket-Accept` text of a digest ([`Key::accept_digest`]): base64 of 20 bytes
/// with padding is exactly 28 characters.
fn accept_text(digest: &[u8; 20]) -> [u8; 28] {
    core::array::from_fn(|j| base64::char_at(digest, j))
}

/// True when `value` is the `Sec-WebSocket-Accept` text of `digest` (compared character by
/// character as it is computed: no copy of the text).
fn is_accept_text(digest: &[u8; 20], value: &[u8]) -> bool {
    value.len() == 28
        && value
            .iter()
            .enumerate()
            .all(|(j, &c)| c == base64::char_at(digest, j))
}

// ---------------------------------------------------------------------------------------------
// Byte helpers (the HTTP ones are shared with plain requests: `super::http`)
// ---------------------------------------------------------------------------------------------

/// 32-bit FNV-1a, folded to 16 bits (xor of the halves).
fn fnv1a16(data: &[u8]) -> u16 {
    let mut h = 0x811c_9dc5_u32;
    for &b in data {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    // `h >> 16 ^ h` keeps the low 16 bits of each half mixed; the cast takes them.
    ((h >> 16) ^ h) as u16
}

// ---------------------------------------------------------------------------------------------
// Offered subprotocols
// ---------------------------------------------------------------------------------------------

/// Maximum number of distinct subprotocol tokens remembered exactly.
const MAX_OFFERED: usize = 4;

/// Subprotocols offered in the request (from caller `Sec-WebSocket-Protocol` headers),
/// remembered without borrowing so the session can keep them for the whole handshake.
///
/// Stores a 16-bit hash (FNV-1a, folded) of each OWS-trimmed token (compared case-sensitively,
/// as RFC 6455 §4.1 requires), up to 4 distinct tokens; beyond that an overflow flag is set and
/// [`contains`](Self::contains) accepts any token. (Small: it lives in every session during the
/// handshake.) A hash collision (at most 4 in 65 536 for an unoffered token) can make it look
/// offered; that only weakens a server-misbehaviour check, never memory safety.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OfferedProtocols {
    hashes: [u16; MAX_OFFERED],
    count: u8,
    overflow: bool,
}

impl OfferedProtocols {
    /// No protocols offered.
    pub const fn new() -> Self {
        OfferedProtocols {
            hashes: [0; MAX_OFFERED],
            count: 0,
            overflow: false,
        }
    }

    /// Records every non-empty element of a comma-separated `Sec-WebSocket-Protocol` value.
    /// Duplicates are stored once.
    pub fn add_list(&mut self, mut comma_list: &[u8]) {
        while let Some(token) = list_next(&mut comma_list) {
            if self.stored_contains(token) {
                continue;
            }
            match self.hashes.get_mut(usize::from(self.count)) {
                Some(slot) => {
                    *slot = fnv1a16(token);
                    self.count = self.count.saturating_add(1);
                }
                None => self.overflow = true,
            }
        }
    }

    /// True when nothing was offered (a server must then not select a protocol).
    pub fn is_empty(&self) -> bool {
        self.count == 0 && !self.overflow
    }

    /// True when `token` (OWS-trimmed, case-sensitive) was offered, or when more tokens were
    /// offered than can be remembered (then any non-empty token is accepted).
    pub fn contains(&self, token: &[u8]) -> bool {
        let token = trim_ows(token);
        if token.is_empty() {
            return false;
        }
        self.overflow || self.stored_contains(token)
    }

    fn stored_contains(&self, token: &[u8]) -> bool {
        let h = fnv1a16(token);
        self.hashes
            .get(..usize::from(self.count))
            .unwrap_or_default()
            .contains(&h)
    }
}

// ---------------------------------------------------------------------------------------------
// Request writer
// ---------------------------------------------------------------------------------------------

/// Errors writing the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteError {
    /// The caller's buffer cannot hold the request.
    BufferFull,
    /// Empty path, or a path/query with bytes not allowed in a request line (CR, LF, SP, NUL,
    /// other CTLs, '#'). Also returned for calls out of order (see [`RequestWriter`]).
    InvalidTarget,
    /// A host that is neither a registered name, an IPv4 address nor an IPv6 address (bare
    /// or in brackets): empty, or with bytes that would change the authority.
    InvalidHost,
    /// A caller header with an invalid name (empty, not an HTTP token) or value (CR, LF, NUL).
    InvalidHeader,
    /// A caller header the library writes itself or forbids: `Host`, `Connection`, `Upgrade`,
    /// `Sec-WebSocket-Key`, `Sec-WebSocket-Version`, `Sec-WebSocket-Accept`,
    /// `Sec-WebSocket-Extensions` (no extension is implemented, so none may be offered), and
    /// `Content-Length` / `Transfer-Encoding` (a request body would swallow the first frames).
    /// Case-insensitive.
    ForbiddenHeader,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteError::BufferFull => "request buffer too small",
            WriteError::InvalidTarget => "invalid path or query",
            WriteError::InvalidHost => "invalid host",
            WriteError::InvalidHeader => "invalid header name or value",
            WriteError::ForbiddenHeader => "header is written by the library or forbidden",
        })
    }
}

/// `websocket`, the token a 101's `Upgrade` must list, NUL-terminated for `list_contains_ci`
/// (`upgrade`, the one its `Connection` must list, is [`TOKEN_UPGRADE`], from the header
/// list).
static TOKEN_WEBSOCKET: [u8; 10] = *b"websocket\0";

/// A header a caller may not supply: `Host`, `Connection`, `Upgrade`, the
/// `Sec-WebSocket-Key`/`-Version` the writer writes itself, `Sec-WebSocket-Accept`,
/// `Sec-WebSocket-Extensions`, `Content-Length`, `Transfer-Encoding` (`Sec-WebSocket-Protocol`
/// may come, and is recorded).
fn reserved_header(index: usize) -> bool {
    matches!(
        index,
        HDR_UPGRADE
            | HDR_CONNECTION
            | HDR_ACCEPT
            | HDR_EXTENSIONS
            | HDR_HOST
            | HDR_KEY
            | HDR_VERSION
            | HDR_CONTENT_LENGTH
            | HDR_TRANSFER_ENCODING
    )
}

/// A byte that may never appear in a request line or Host value: CTLs, SP, DEL.
fn is_ctl_or_sp(b: u8) -> bool {
    b <= b' ' || b == 0x7f
}

/// Path and query: no CTL/SP/DEL (request splitting) and no '#' (RFC 6455 §3 forbids
/// fragments). Bytes >= 0x80 pass: percent-encoding is the caller's job and they cannot
/// break the request framing.
fn target_part_ok(s: &[u8]) -> bool {
    s.iter().all(|&b| !is_ctl_or_sp(b) && b != b'#')
}

/// Host bytes of a reg-name or IPv4 address: visible ASCII without the URI delimiters that
/// would change the authority. The port is passed separately, so ':' is refused too; it
/// would otherwise yield two ports.
const HOST_BYTES: AsciiSet = ascii_set(&[(b'!', b'~')], b"/?#@:[]\\");
/// Inside the brackets of an IPv6 literal.
const IPV6_BYTES: AsciiSet = ascii_set(
    &[
        (b'0', b'9'),
        (b'a', b'f'),
        (b'A', b'F'),
        (b':', b':'),
        (b'.', b'.'),
    ],
    b"",
);

/// Host: a reg-name / IPv4 (see [`HOST_BYTES`]), or an IPv6 literal, bracketed or bare (as a
/// socket API takes it: [`RequestWriter::line_end`] adds the brackets): two ':' outside brackets
/// make it one, so the rest must be hex digits, ':' and '.' (an embedded IPv4). A zone
/// (`%eth0`) is not taken: RFC 6874 would need it percent-encoded in `Host`.
/// Returns whether the host is valid, and then whether it is a bare IPv6 literal. (A '['
/// without its ']' has a byte outside either set.)
#[inline(always)]
fn host_form(host: &[u8], bare_v6_ok: bool) -> Option<bool> {
    let (set, s, bare_v6) = match host {
        [b'[', inner @ .., b']'] => (&IPV6_BYTES, inner, false),
        _ if bare_v6_ok && has_two_colons(host) => (&IPV6_BYTES, host, true),
        _ => (&HOST_BYTES, host, false),
    };
    (!s.is_empty() && s.iter().all(|&b| in_set(set, b))).then_some(bare_v6)
}

/// `Host`'s value in four parts: `[`, the host (checked, see [`host_form`]), `]` (brackets
/// only around a bare IPv6 address), then `:port` (written at the end of `port_text`) unless
/// the port is the scheme default (80 for `!secure`, 443 for `secure`). None: not a valid host.
/// (`host_line` builds the same parts itself: through here it measured 8 B more.)
#[cfg_attr(any(feature = "query-str", feature = "hdr-tx"), allow(dead_code))]
#[inline(always)]
fn host_value<'a>(
    host: &'a [u8],
    port: u16,
    secure: bool,
    bare_v6_ok: bool,
    port_text: &'a mut [u8; 6],
) -> Option<[&'a [u8]; 4]> {
    let bare_v6 = host_form(host, bare_v6_ok)?;
    let mut first = port_text.len();
    if port != if secure { 443 } else { 80 } {
        first = decimal(u32::from(port), port_text);
    }
    let (open, close): (&[u8], &[u8]) = if bare_v6 { (b"[", b"]") } else { (b"", b"") };
    Some([
        open,
        host,
        close,
        port_text.get(first..).unwrap_or_default(),
    ])
}

/// Every IPv6 address has two ':' at least (`::` included); a `host:port` has one.
// Byte loops, not `contains`: that links core's word-wise memchr, 368 B on Cortex-M4.
#[allow(clippy::manual_contains)]
fn has_two_colons(host: &[u8]) -> bool {
    let mut rest = host.iter();
    // The second search goes on where the first stopped.
    rest.any(|&b| b == b':') && rest.any(|&b| b == b':')
}

/// Writes `n` in decimal at the end of `out`, which has room for one byte more than the
/// digits (a 16-bit port in 6 bytes, a 32-bit length in 11), and returns the index of the
/// byte just before them (left as it was: room for a prefix). Shared by `Host`'s port and a
/// plain request's `Content-Length`.
pub(crate) fn decimal(mut n: u32, out: &mut [u8]) -> usize {
    let mut before = 0;
    // The loop ends at an index `i >= 1`, before `out[0]`.
    for (i, d) in out.iter_mut().enumerate().rev() {
        // `n % 10 < 10`, so the cast cannot truncate.
        *d = b'0' + (n % 10) as u8;
        before = i - 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    before
}

#[cfg(test)]
fn host_ok(host: &[u8]) -> bool {
    host_form(host, true).is_some()
}

/// Writes the upgrade request into a caller buffer.
///
/// Call [`start`](Self::start) once, then [`header`](Self::header) any number of times, then
/// [`finish`](Self::finish) (which consumes the writer; read [`offered`](Self::offered)
/// first). `header` or `finish` before a successful `start`, or a second `start`, returns
/// [`WriteError::InvalidTarget`].
///
/// Every call is all-or-nothing: on error nothing of that call is counted in
/// [`len`](Self::len) (bytes past `len()` in the buffer are scratch), so the first `len()`
/// bytes are always whole CRLF-terminated lines.
///
/// The writer holds the offered protocols itself (`O` = [`OfferedProtocols`]) or borrows the
/// caller's (`O` = `&mut OfferedProtocols`, see [`resume_into`](RequestWriter::resume_into)): a
/// caller that writes the request in several steps then keeps one record and the writer stays
/// four words on its stack.
#[derive(Debug)]
pub struct RequestWriter<'b, O = OfferedProtocols> {
    buf: &'b mut [u8],
    len: usize,
    offered: O,
}

impl<'b> RequestWriter<'b> {
    /// A writer over `buf`, nothing written yet.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self::at(buf, 0, OfferedProtocols::new())
    }

    /// A writer continuing a request whose first `len` bytes (whole lines, from an earlier
    /// writer's [`len`](Self::len)) are already in `buf`, having offered `offered`.
    pub fn resume(buf: &'b mut [u8], len: usize, offered: OfferedProtocols) -> Self {
        Self::at(buf, len, offered)
    }
}

impl<'b, 'o> RequestWriter<'b, &'o mut OfferedProtocols> {
    /// As [`RequestWriter::resume`] (`len` 0: a new request), recording offered protocols in
    /// `offered` instead of in the writer.
    pub fn resume_into(buf: &'b mut [u8], len: usize, offered: &'o mut OfferedProtocols) -> Self {
        Self::at(buf, len, offered)
    }
}

impl<'b, O> RequestWriter<'b, O> {
    /// The writer after `len` bytes of `buf` (clamped), its record of offered protocols `offered`.
    fn at(buf: &'b mut [u8], len: usize, offered: O) -> Self {
        RequestWriter {
            len: len.min(buf.len()),
            buf,
            offered,
        }
    }
}

impl<O: BorrowMut<OfferedProtocols>> RequestWriter<'_, O> {
    /// Writes `GET path[?query] HTTP/1.1`, `Host: host[:port]` (the port is omitted when it is
    /// the scheme default: 80 for `!secure`, 443 for `secure`), `Connection: Upgrade`,
    /// `Upgrade: websocket`, `Sec-WebSocket-Key: …` and `Sec-WebSocket-Version: 13`, each line
    /// ending in CRLF.
    ///
    /// `query` is given without its '?'; empty means no '?'. `host` is a name, IPv4 address or
    /// bracketed IPv6 literal, without port.
    pub fn start(
        &mut self,
        host: &[u8],
        port: u16,
        secure: bool,
        path: &[u8],
        query: &[u8],
        key: &Key,
    ) -> Result<(), WriteError> {
        self.start_line(b"GET", host, port, secure, path, query)?;
        self.handshake_headers(key)
    }

    /// Writes `Connection: Upgrade`, `Upgrade: websocket`, `Sec-WebSocket-Key: …` and
    /// `Sec-WebSocket-Version: 13` after the request line (see [`start`](Self::start)).
    pub fn handshake_headers(&mut self, key: &Key) -> Result<(), WriteError> {
        if self.len == 0 {
            return Err(WriteError::InvalidTarget);
        }
        self.append(&[
            b"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: ",
            key.as_bytes(),
            b"\r\nSec-WebSocket-Version: 13\r\n",
        ])
    }

    /// Writes the request line `method path[?query] HTTP/1.1` and `Host: host[:port]` (as in
    /// [`start`](Self::start), which is this plus the handshake headers), `query` as given.
    pub fn start_line(
        &mut self,
        method: &[u8],
        host: &[u8],
        port: u16,
        secure: bool,
        path: &[u8],
        query: &[u8],
    ) -> Result<(), WriteError> {
        // (The host is checked by `line_end`, before anything is counted.)
        if !target_part_ok(query) || path.first() != Some(&b'/') {
            return Err(WriteError::InvalidTarget);
        }
        self.line_start(method, path)?;
        let mut r = Ok(());
        if !query.is_empty() {
            r = self.append(&[b"?", query]);
        }
        // (A bare IPv6 address is the piecewise writer's: this one takes the URI form, `[…]`.)
        r = r.and_then(|()| self.host_line(host, port, secure, false));
        if r.is_err() {
            // All or nothing: the line is not counted.
            self.len = 0;
        }
        r
    }

    /// Starts a request line piece by piece: `method target` (any target without CTL, SP or
    /// `#`: a path, `*`, an absolute URI; [`start`](Self::start) requires a path). Then
    /// [`query_pair`](Self::query_pair) any number of times, then [`line_end`](Self::line_end);
    /// until then [`len`](Self::len) counts a line that is not whole.
    pub fn line_start(&mut self, method: &[u8], path: &[u8]) -> Result<(), WriteError> {
        if self.len != 0 || path.is_empty() || !target_part_ok(path) {
            return Err(WriteError::InvalidTarget);
        }
        self.append(&[method, b" ", path])
    }

    /// Appends one query parameter to the request line being written, percent-encoded as
    /// legacy's `HTTP_URL_EncodeStr` (see [`url_encode`](super::http::request::url_encode)):
    /// `?` before the first one and `&` before the others, then the key, then `=value` when a
    /// value is given (even empty). All or nothing, like every write.
    pub fn query_pair(
        &mut self,
        first: bool,
        key: &[u8],
        value: Option<&[u8]>,
    ) -> Result<(), WriteError> {
        let mut pos = self.len;
        let buf = &mut *self.buf;
        let mut put = |b: u8| -> Option<()> {
            *buf.get_mut(pos)? = b;
            pos += 1;
            Some(())
        };
        let mut write = || -> Option<()> {
            put(if first { b'?' } else { b'&' })?;
            for (part, at) in [(Some(key), 0), (value, 1)] {
                let Some(part) = part else { continue };
                if at == 1 {
                    put(b'=')?;
                }
                for &b in part {
                    if unreserved(b) {
                        put(b)?;
                    } else {
                        put(b'%')?;
                        put(hex_digit(b >> 4, true))?;
                        put(hex_digit(b, true))?;
                    }
                }
            }
            Some(())
        };
        write().ok_or(WriteError::BufferFull)?;
        self.len = pos;
        Ok(())
    }

    /// Ends the request line (` HTTP/1.1`) and writes `Host: host[:port]`: the port is omitted
    /// when it is the scheme default (80 for `!secure`, 443 for `secure`); a bare IPv6 address
    /// is put in brackets (RFC 3986 §3.2.2).
    pub fn line_end(&mut self, host: &[u8], port: u16, secure: bool) -> Result<(), WriteError> {
        self.host_line(host, port, secure, true)
    }

    /// [`line_end`](Self::line_end), taking a bare IPv6 address only when `bare_v6_ok`.
    // Inlined: `start_line`'s constant `false` leaves the bare form's code out of a firmware
    // that writes whole lines (the protocol core alone).
    #[inline(always)]
    fn host_line(
        &mut self,
        host: &[u8],
        port: u16,
        secure: bool,
        bare_v6_ok: bool,
    ) -> Result<(), WriteError> {
        if self.len == 0 {
            return Err(WriteError::InvalidTarget);
        }
        let bare_v6 = host_form(host, bare_v6_ok).ok_or(WriteError::InvalidHost)?;
        // ':' and the port in decimal, unless it is the scheme default.
        let mut port_text = [b':'; 6];
        let mut first = port_text.len();
        if port != if secure { 443 } else { 80 } {
            first = decimal(u32::from(port), &mut port_text);
        }
        let (open, close): (&[u8], &[u8]) = if bare_v6 { (b"[", b"]") } else { (b"", b"") };
        self.append(&[
            b" HTTP/1.1\r\nHost: ",
            open,
            host,
            close,
            port_text.get(first..).unwrap_or_default(),
            b"\r\n",
        ])
    }

    /// The whole head of an upgrade that carries nothing of the caller's but its target: as
    /// [`line_start`](Self::line_start) with `GET`, [`line_end`](Self::line_end),
    /// [`handshake_headers`](Self::handshake_headers) and [`finish`](Self::finish) in a row,
    /// with their errors, in fewer appends. Returns the request's length.
    // (For the C API's builds without the query and header hooks.)
    #[cfg_attr(any(feature = "query-str", feature = "hdr-tx"), allow(dead_code))]
    pub(crate) fn upgrade_head(
        &mut self,
        path: &[u8],
        host: &[u8],
        port: u16,
        secure: bool,
        key: &Key,
    ) -> Result<usize, WriteError> {
        if self.len != 0 || path.is_empty() || !target_part_ok(path) {
            return Err(WriteError::InvalidTarget);
        }
        // (In three appends of at most six parts, the first one before the host's check as
        // `line_start`'s: its errors in the same order, no larger array on the stack.)
        self.append(&[b"GET ", path])?;
        let mut port_text = [b':'; 6];
        let [open, host, close, port] =
            host_value(host, port, secure, true, &mut port_text).ok_or(WriteError::InvalidHost)?;
        self.append(&[
            b" HTTP/1.1\r\nHost: ",
            open,
            host,
            close,
            port,
            b"\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: ",
        ])?;
        self.append(&[key.as_bytes(), b"\r\nSec-WebSocket-Version: 13\r\n\r\n"])?;
        Ok(self.len)
    }

    /// Writes one header line `name: value` without the handshake's list of forbidden names
    /// (a plain request's caller decides which ones it writes itself). The name must be a
    /// token and the value free of CR, LF and NUL.
    pub fn field(&mut self, name: &[u8], value: &[u8]) -> Result<(), WriteError> {
        if self.len == 0 {
            return Err(WriteError::InvalidTarget);
        }
        if !is_token(name) || value.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(WriteError::InvalidHeader);
        }
        self.append(&[name, b": ", value, b"\r\n"])
    }

    /// Writes one caller header `name: value` (Origin, Sec-WebSocket-Protocol, Authorization,
    /// …). The tokens of a `Sec-WebSocket-Protocol` header are recorded in
    /// [`offered`](Self::offered). `value` is written as given.
    pub fn header(&mut self, name: &[u8], value: &[u8]) -> Result<(), WriteError> {
        let known = header_index(name);
        if self.len != 0 && reserved_header(known) {
            return Err(WriteError::ForbiddenHeader);
        }
        self.field(name, value)?;
        // Recorded only once the header is really part of the request.
        if known == HDR_PROTOCOL {
            self.offered.borrow_mut().add_list(value);
        }
        Ok(())
    }

    /// Writes the terminating empty line and returns the total request length (the request is
    /// the first that many bytes of the buffer). Consumes the writer.
    pub fn finish(mut self) -> Result<usize, WriteError> {
        if self.len == 0 {
            return Err(WriteError::InvalidTarget);
        }
        self.append(&[b"\r\n"])?;
        Ok(self.len)
    }

    /// Appends `parts` after the complete lines and counts them, all or nothing: when they
    /// do not all fit, [`len`](Self::len) is unchanged (the bytes that fitted are scratch).
    #[inline(never)]
    fn append(&mut self, parts: &[&[u8]]) -> Result<(), WriteError> {
        let mut pos = self.len;
        for part in parts {
            for &b in *part {
                *self.buf.get_mut(pos).ok_or(WriteError::BufferFull)? = b;
                pos += 1;
            }
        }
        self.len = pos;
        Ok(())
    }

    /// The subprotocols offered so far; pass them to [`ResponseParser::new`].
    pub fn offered(&self) -> OfferedProtocols {
        *self.offered.borrow()
    }

    /// Bytes of complete lines written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Response parser
// ---------------------------------------------------------------------------------------------

/// Why the server's response head was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeError {
    /// The status line is not shaped `HTTP/x.y SP code [SP reason] CRLF`.
    StatusLineMalformed,
    /// The version is not HTTP/1.1 (HTTP/1.0 cannot upgrade).
    VersionInvalid,
    /// The status code is not 3 digits in 100..=599.
    StatusCodeInvalid,
    /// A header line without colon, with an empty or non-token name, an obs-fold (line starting
    /// with SP/HT), a bare LF, a NUL, or a CR not followed by LF.
    HeaderMalformed,
    /// One line longer than `max_line`, or the head longer than `max_head`.
    HeaderTooLarge,
    /// A 101 without `Upgrade: websocket`.
    UpgradeMissing,
    /// A 101 without a `Connection` header listing `upgrade`.
    ConnectionMissing,
    /// A 101 without `Sec-WebSocket-Accept`.
    AcceptMissing,
    /// `Sec-WebSocket-Accept` differs from the expected value, or appears twice.
    AcceptMismatch,
    /// A non-empty `Sec-WebSocket-Extensions` header: no extension was offered.
    ExtensionNotOffered,
    /// `Sec-WebSocket-Protocol` when none was offered, with a token not offered, with more
    /// (or fewer) than one token, or appearing twice.
    ProtocolNotOffered,
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HandshakeError::StatusLineMalformed => "malformed status line",
            HandshakeError::VersionInvalid => "response is not HTTP/1.1",
            HandshakeError::StatusCodeInvalid => "invalid status code",
            HandshakeError::HeaderMalformed => "malformed header line",
            HandshakeError::HeaderTooLarge => "response head too large",
            HandshakeError::UpgradeMissing => "missing Upgrade: websocket",
            HandshakeError::ConnectionMissing => "missing Connection: upgrade",
            HandshakeError::AcceptMissing => "missing Sec-WebSocket-Accept",
            HandshakeError::AcceptMismatch => "wrong Sec-WebSocket-Accept",
            HandshakeError::ExtensionNotOffered => "server selected an extension not offered",
            HandshakeError::ProtocolNotOffered => "server selected a subprotocol not offered",
        })
    }
}

/// One step of the response head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseEvent<'a> {
    /// The status line. `reason` is the reason phrase (may be empty).
    Status {
        /// Status code, 100..=599.
        code: u16,
        /// Reason phrase as received.
        reason: &'a [u8],
    },
    /// A header line (name and OWS-trimmed value as received), for the caller's header hook.
    /// Every header is reported, including the ones the parser checks itself.
    Header {
        /// Field name as received (compare case-insensitively).
        name: &'a [u8],
        /// Field value, OWS-trimmed.
        value: &'a [u8],
    },
    /// The empty line ending the head. `code == 101`: the upgrade is accepted (every check
    /// passed; otherwise the parser returned an error instead). Any other code: the server
    /// refused the upgrade; the head's syntax was still validated. Bytes after the head are
    /// not consumed (they are frames or body for the caller).
    Done {
        /// The status code of the response.
        code: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Status,
    Headers,
    Done,
    Failed(HandshakeError),
}

/// Incremental parser and validator of the handshake response head.
///
/// Feed it the unconsumed bytes each time; it consumes at most one line per call. The events
/// and the error (if any) depend only on the byte stream, not on how it was split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// (Kept small, 40 bytes: it shares its room with the framing state, see `Session`; hence the
// digest rather than its text, 16-bit limits and one byte of `SEEN_*` bits.)
pub struct ResponseParser {
    /// SHA-1 of the key and GUID ([`Key::accept_digest`]).
    accept_digest: [u8; 20],
    offered: OfferedProtocols,
    max_line: u16,
    max_head: u16,
    /// Head bytes consumed so far.
    consumed: u16,
    state: State,
    code: u16,
    /// The headers a 101 must carry (and may carry once) that came: `SEEN_*` bits.
    seen: u8,
}

const SEEN_UPGRADE: u8 = 1;
const SEEN_CONNECTION: u8 = 2;
const SEEN_ACCEPT: u8 = 4;
const SEEN_PROTOCOL: u8 = 8;

impl ResponseParser {
    /// A parser for the response to a request whose key gives `accept_digest`
    /// ([`Key::accept_digest`]) and which offered `offered`. `max_line` bounds one line
    /// (status or header) without its CRLF, `max_head` bounds the whole head including every
    /// CRLF; e.g. 1024 / 8192 (larger values count as 65 535).
    pub fn new(
        accept_digest: [u8; 20],
        offered: OfferedProtocols,
        max_line: usize,
        max_head: usize,
    ) -> Self {
        ResponseParser {
            accept_digest,
            offered,
            max_line: u16::try_from(max_line).unwrap_or(u16::MAX),
            max_head: u16::try_from(max_head).unwrap_or(u16::MAX),
            consumed: 0,
            state: State::Status,
            code: 0,
            seen: 0,
        }
    }

    /// True once [`ParseEvent::Done`] has been returned.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Consumes at most one complete line from `input` (which starts at the first byte not
    /// yet consumed) and returns `(bytes consumed, event)`.
    ///
    /// `Ok((0, None))` means no complete line is in `input` yet: call again with more bytes
    /// appended. `Ok((2, None))`: an empty line before the status line was skipped (a CRLF a
    /// server sent after an earlier response): call again with the rest. When the line in progress can no longer fit the limits (`input` holds
    /// `max_line + 2` bytes, or the rest of the `max_head` budget, without a LF), the result is
    /// [`HandshakeError::HeaderTooLarge`], so a caller buffer of `max_line + 2` bytes always
    /// suffices.
    ///
    /// After `Done`, every call returns `Ok((0, None))` and consumes nothing (check
    /// [`is_done`](Self::is_done)). After an error, every call returns the same error.
    pub fn feed<'a>(
        &mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<ParseEvent<'a>>), HandshakeError> {
        let result = match self.state {
            State::Done => return Ok((0, None)),
            State::Failed(e) => return Err(e),
            State::Status | State::Headers => self.step(input),
        };
        if let Err(e) = result {
            self.state = State::Failed(e);
        }
        result
    }

    /// [`feed`](Self::feed) without the check of an earlier end or error: for a caller that
    /// stops feeding at either (the session drops the parser then).
    pub(crate) fn step<'a>(
        &mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<ParseEvent<'a>>), HandshakeError> {
        let in_status = matches!(self.state, State::Status);
        let malformed = if in_status {
            HandshakeError::StatusLineMalformed
        } else {
            HandshakeError::HeaderMalformed
        };
        // A LF past this window would make the line or the head too long; deciding from the
        // window alone keeps the result independent of how the input was split.
        let window = usize::from(self.max_line)
            .saturating_add(2)
            .min(usize::from(self.max_head.saturating_sub(self.consumed)));
        let error = |e| match e {
            // An obs-fold (RFC 9112 §5.2) is refused like any other malformed line.
            LineError::Malformed | LineError::ObsFold => malformed,
            LineError::TooLong => HandshakeError::HeaderTooLarge,
            LineError::Version => HandshakeError::VersionInvalid,
            LineError::Code => HandshakeError::StatusCodeInvalid,
        };
        let Some((line, used)) = take_line(input, window).map_err(error)? else {
            return Ok((0, None));
        };
        // (Counted against the head's budget, so that endless ones fail.)
        self.consumed = self
            .consumed
            .saturating_add(u16::try_from(used).unwrap_or(u16::MAX));
        let event = if in_status && line.is_empty() {
            // Empty lines before the status line (a server's CRLF after the response before,
            // on a connection kept) are skipped, as legacy and the plain-response parser do.
            return Ok((used, None));
        } else if in_status {
            // HTTP/1.0 cannot upgrade: only 1.1 is accepted (`min_minor` 1).
            let (code, _, reason) = parse_status(line, 1).map_err(error)?;
            self.code = code;
            self.state = State::Headers;
            ParseEvent::Status { code, reason }
        } else if line.is_empty() {
            if self.code == 101 {
                self.check_end_at()?;
            }
            self.state = State::Done;
            ParseEvent::Done { code: self.code }
        } else {
            let (name, value) = parse_field(line).map_err(error)?;
            if self.code == 101 {
                self.check_header(name, value)?;
            }
            ParseEvent::Header { name, value }
        };
        Ok((used, Some(event)))
    }

    /// Per-header checks of a 101 response (RFC 6455 §4.1, client steps 1-6).
    fn check_header(&mut self, name: &[u8], value: &[u8]) -> Result<(), HandshakeError> {
        self.check_header_at(header_index(name), value)
    }

    /// The end of a 101's head: the headers a 101 must carry came (RFC 6455 §4.1, client
    /// steps 2-4). Also for an engine whose own parser reads the head (the plain-request
    /// engine's, which reads an upgrade's response in builds with both clients): this parser
    /// then holds what the request offered, and only its checks run.
    // (Inlined, as `check_header_at`: the WebSocket-only builds' code stays as it was.)
    #[inline(always)]
    pub(crate) fn check_end_at(&self) -> Result<(), HandshakeError> {
        if self.seen & SEEN_UPGRADE == 0 {
            return Err(HandshakeError::UpgradeMissing);
        }
        if self.seen & SEEN_CONNECTION == 0 {
            return Err(HandshakeError::ConnectionMissing);
        }
        if self.seen & SEEN_ACCEPT == 0 {
            return Err(HandshakeError::AcceptMissing);
        }
        Ok(())
    }

    /// [`Self::check_header`] with the name given by its index in the crate's list
    /// (`header_index`), also for an engine whose own parser reads the head (see
    /// [`Self::check_end_at`]).
    #[inline(always)]
    pub(crate) fn check_header_at(
        &mut self,
        index: usize,
        value: &[u8],
    ) -> Result<(), HandshakeError> {
        let (bit, ok) = match index {
            // Exactly `websocket`: any other value fails (RFC 6455 §4.1, step 2).
            // (The value comes without its surrounding white space.)
            HDR_UPGRADE if !eq_ci(&TOKEN_WEBSOCKET, value) => {
                return Err(HandshakeError::UpgradeMissing);
            }
            HDR_UPGRADE => (SEEN_UPGRADE, true),
            HDR_CONNECTION => (SEEN_CONNECTION, list_contains_ci(value, TOKEN_UPGRADE)),
            HDR_ACCEPT => {
                if self.seen & SEEN_ACCEPT != 0 || !is_accept_text(&self.accept_digest, value) {
                    return Err(HandshakeError::AcceptMismatch);
                }
                (SEEN_ACCEPT, true)
            }
            HDR_EXTENSIONS if !value.is_empty() => {
                return Err(HandshakeError::ExtensionNotOffered);
            }
            HDR_PROTOCOL => {
                let mut rest = value;
                let selected = list_next(&mut rest);
                let ok = self.seen & SEEN_PROTOCOL == 0
                    && list_next(&mut rest).is_none()
                    && selected.is_some_and(|t| self.offered.contains(t));
                if !ok {
                    return Err(HandshakeError::ProtocolNotOffered);
                }
                (SEEN_PROTOCOL, true)
            }
            _ => (0, false),
        };
        // Upgrade and Connection may repeat: one carrying the token is enough.
        if ok {
            self.seen |= bit;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    const NONCE: [u8; 16] = *b"the sample nonce";

    fn sample_key() -> Key {
        Key::from_random(NONCE)
    }

    // ---- Key ------------------------------------------------------------------------------

    #[test]
    fn rfc6455_sample_key_and_accept() {
        let key = sample_key();
        assert_eq!(key.as_bytes(), b"dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(&key.expected_accept(), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn key_of_zero_bytes() {
        let key = Key::from_random([0; 16]);
        assert_eq!(key.as_bytes(), b"AAAAAAAAAAAAAAAAAAAAAA==");
    }

    // ---- OfferedProtocols -----------------------------------------------------------------

    #[test]
    fn offered_protocols_basics() {
        let mut o = OfferedProtocols::new();
        assert!(o.is_empty());
        assert_eq!(o, OfferedProtocols::default());
        o.add_list(b" chat ,\tsuperchat, ,,");
        assert!(!o.is_empty());
        assert!(o.contains(b"chat"));
        assert!(o.contains(b"superchat"));
        assert!(o.contains(b" chat "));
        assert!(!o.contains(b"Chat"), "tokens are case-sensitive");
        assert!(!o.contains(b"mqtt"));
        assert!(!o.contains(b""));
    }

    #[test]
    fn offered_protocols_empty_list_stays_empty() {
        let mut o = OfferedProtocols::new();
        o.add_list(b" , ,");
        assert!(o.is_empty());
    }

    #[test]
    fn offered_protocols_dedup_and_overflow() {
        let mut o = OfferedProtocols::new();
        for _ in 0..20 {
            o.add_list(b"a,b,c,d");
        }
        assert!(!o.contains(b"z"), "4 distinct tokens fit exactly");
        assert!(["a", "b", "c", "d"]
            .iter()
            .all(|t| o.contains(t.as_bytes())));
        o.add_list(b"e");
        assert!(o.contains(b"z"), "overflow accepts any token");
        assert!(!o.contains(b""));
        assert!(!o.is_empty());
    }

    #[test]
    fn known_header_indexes() {
        use super::super::http::names::{HDR_COUNT, HEADER_NAMES};
        assert_eq!(HEADER_NAMES.iter().filter(|&&b| b == 0).count(), HDR_COUNT);
        assert!(TOKEN_UPGRADE.eq_ignore_ascii_case(b"upgrade\0"));
        assert_eq!(&TOKEN_WEBSOCKET, b"websocket\0");
        assert_eq!(header_index(b"upgrade"), HDR_UPGRADE);
        assert_eq!(header_index(b"CONNECTION"), HDR_CONNECTION);
        assert_eq!(header_index(b"sec-websocket-accept"), HDR_ACCEPT);
        assert_eq!(header_index(b"Sec-WebSocket-Extensions"), HDR_EXTENSIONS);
        assert_eq!(header_index(b"Sec-Websocket-Protocol"), HDR_PROTOCOL);
        assert_eq!(header_index(b"Transfer-Encoding"), HDR_TRANSFER_ENCODING);
        assert_eq!(header_index(b"CONTENT-LENGTH"), HDR_CONTENT_LENGTH);
        assert_eq!(header_index(b"host"), HDR_HOST);
        assert_eq!(header_index(b"sec-websocket-key"), HDR_KEY);
        assert_eq!(header_index(b"sec-websocket-VERSION"), HDR_VERSION);
        // Reserved: every name the library writes or reads itself, not the subprotocol.
        for name in [
            &b"Host"[..],
            b"Connection",
            b"Upgrade",
            b"Sec-WebSocket-Key",
            b"Sec-WebSocket-Version",
            b"Sec-WebSocket-Accept",
            b"Sec-WebSocket-Extensions",
            b"Content-Length",
            b"Transfer-Encoding",
        ] {
            assert!(reserved_header(header_index(name)), "{name:?}");
        }
        for name in [
            &b"Sec-WebSocket-Protocol"[..],
            b"Origin",
            b"Authorization",
            b"Cookie",
            b"User-Agent",
            b"Content-Type",
            b"X-Custom",
        ] {
            assert!(!reserved_header(header_index(name)), "{name:?}");
        }
        for miss in [
            &b""[..],
            b"Upgrad",
            b"Upgrades",
            b"Host\0",
            b"X",
            b"Sec-WebSocket-",
        ] {
            assert_eq!(header_index(miss), HDR_COUNT, "{miss:?}");
        }
    }

    // ---- RequestWriter --------------------------------------------------------------------

    #[test]
    fn decimal_leaves_the_byte_before_the_digits() {
        for (n, want) in [(0, "0"), (7, "7"), (443, "443"), (65_535, "65535")] {
            let mut out = [b':'; 6];
            let before = decimal(n, &mut out);
            assert_eq!(&out[before..], std::format!(":{want}").as_bytes());
        }
        let mut out = [0u8; 11];
        let before = decimal(u32::MAX, &mut out);
        assert_eq!((before, &out[1..]), (0, &b"4294967295"[..]));
    }

    fn write_request(
        buf: &mut [u8],
        host: &[u8],
        port: u16,
        secure: bool,
        path: &[u8],
        query: &[u8],
    ) -> Result<usize, WriteError> {
        let mut w = RequestWriter::new(buf);
        w.start(host, port, secure, path, query, &sample_key())?;
        w.finish()
    }

    fn request_str(host: &[u8], port: u16, secure: bool, path: &[u8], query: &[u8]) -> Vec<u8> {
        let mut buf = [0u8; 512];
        let n = write_request(&mut buf, host, port, secure, path, query).unwrap();
        buf[..n].to_vec()
    }

    #[test]
    fn typical_request() {
        let mut buf = [0u8; 512];
        let mut w = RequestWriter::new(&mut buf);
        assert!(w.is_empty());
        w.start(
            b"server.example.com",
            80,
            false,
            b"/chat",
            b"",
            &sample_key(),
        )
        .unwrap();
        w.header(b"Origin", b"http://example.com").unwrap();
        w.header(b"Sec-WebSocket-Protocol", b"chat, superchat")
            .unwrap();
        let offered = w.offered();
        let n = w.finish().unwrap();
        let expected: &[u8] = b"GET /chat HTTP/1.1\r\n\
Host: server.example.com\r\n\
Connection: Upgrade\r\n\
Upgrade: websocket\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Version: 13\r\n\
Origin: http://example.com\r\n\
Sec-WebSocket-Protocol: chat, superchat\r\n\
\r\n";
        assert_eq!(&buf[..n], expected);
        assert!(offered.contains(b"chat") && offered.contains(b"superchat"));
    }

    #[test]
    fn port_elision() {
        let host_line = |port, secure| {
            let req = request_str(b"h", port, secure, b"/", b"");
            let s = std::string::String::from_utf8(req).unwrap();
            std::string::String::from(s.lines().nth(1).unwrap())
        };
        assert_eq!(host_line(80, false), "Host: h");
        assert_eq!(host_line(443, true), "Host: h");
        assert_eq!(host_line(443, false), "Host: h:443");
        assert_eq!(host_line(80, true), "Host: h:80");
        assert_eq!(host_line(8080, false), "Host: h:8080");
        assert_eq!(host_line(0, false), "Host: h:0");
        assert_eq!(host_line(65535, true), "Host: h:65535");
    }

    #[test]
    fn ipv6_host() {
        let req = request_str(b"[::1]", 9001, false, b"/", b"");
        assert!(req.starts_with(b"GET / HTTP/1.1\r\nHost: [::1]:9001\r\n"));
    }

    #[test]
    fn query_appended() {
        let req = request_str(b"h", 80, false, b"/ws/x", b"a=1&b=%20");
        assert!(req.starts_with(b"GET /ws/x?a=1&b=%20 HTTP/1.1\r\n"));
        let req = request_str(b"h", 80, false, b"/ws", b"");
        assert!(req.starts_with(b"GET /ws HTTP/1.1\r\n"));
    }

    /// `host_ok` spelled out by its definition, for the table-driven one to be checked against.
    fn host_ok_by_definition(host: &[u8]) -> bool {
        if host.is_empty() || !host.iter().all(|&b| b.is_ascii_graphic()) {
            return false;
        }
        let v6 = |s: &[u8]| {
            s.iter()
                .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        };
        if let [b'[', inner @ .., b']'] = host {
            return !inner.is_empty() && v6(inner);
        }
        if host[0] != b'[' && host.iter().filter(|&&b| b == b':').count() >= 2 {
            return v6(host);
        }
        !host
            .iter()
            .any(|&b| matches!(b, b'/' | b'?' | b'#' | b'@' | b':' | b'[' | b']' | b'\\'))
    }

    #[test]
    fn host_check_every_byte_and_shape() {
        for b in 0..=255u8 {
            for host in [
                std::vec![b],
                std::vec![b'a', b, b'z'],
                std::vec![b'[', b, b']'],
                std::vec![b'[', b':', b, b':', b']'],
                std::vec![b':', b, b':'],
                std::vec![b'a', b':', b],
            ] {
                assert_eq!(host_ok(&host), host_ok_by_definition(&host), "{host:02x?}");
            }
        }
        assert!(host_ok(b"[::1]") && host_ok(b"[fe80::1.2.3.4]") && host_ok(b"example.com"));
        assert!(!host_ok(b"") && !host_ok(b"[]") && !host_ok(b"[::1") && !host_ok(b"h:80"));
        // A name or IPv4 address with a port is no IPv6 address, hex digits or not.
        assert!(!host_ok(b"192.168.1.10:8080") && !host_ok(b"cafe:80") && !host_ok(b"a:80"));
        // Bare IPv6 addresses, as a socket API takes them; a zone is not taken.
        assert!(
            host_ok(b"::1") && host_ok(b"2001:db8::8:800:200c:417a") && host_ok(b"::ffff:1.2.3.4")
        );
        assert!(!host_ok(b"fe80::1%eth0"));
    }

    #[test]
    fn invalid_targets() {
        let mut buf = [0u8; 512];
        let bad: &[(&[u8], &[u8], &[u8])] = &[
            (b"h", b"", b""),
            (b"h", b"chat", b""),
            (b"h", b"/a b", b""),
            (b"h", b"/a\r\nX: y", b""),
            (b"h", b"/a\n", b""),
            (b"h", b"/a\0", b""),
            (b"h", b"/a\x7f", b""),
            (b"h", b"/a\t", b""),
            (b"h", b"/a#frag", b""),
            (b"h", b"/", b"a b"),
            (b"h", b"/", b"a\r"),
            (b"h", b"/", b"a\n"),
            (b"h", b"/", b"#x"),
        ];
        for &(host, path, query) in bad {
            let mut w = RequestWriter::new(&mut buf);
            assert_eq!(
                w.start(host, 80, false, path, query, &sample_key()),
                Err(WriteError::InvalidTarget),
                "{host:?} {path:?} {query:?}"
            );
            assert_eq!(w.len(), 0);
        }
        let bad_hosts: &[&[u8]] = &[
            b"",
            b"h h",
            b"h\r\nX: y",
            b"h\0",
            b"h:80",
            b"u@h",
            b"h/x",
            b"[]",
            b"[::1",
            b"[zz]",
            b"h\xc3\xa9",
        ];
        for &host in bad_hosts {
            let mut w = RequestWriter::new(&mut buf);
            assert_eq!(
                w.start(host, 80, false, b"/", b"", &sample_key()),
                Err(WriteError::InvalidHost),
                "{host:?}"
            );
            assert_eq!(w.len(), 0);
        }
    }

    #[test]
    fn a_bare_ipv6_host_is_bracketed() {
        // The piecewise writer (the C API's) takes an address as a socket API does, bare.
        let line = |host: &[u8], port| {
            let mut buf = [0u8; 128];
            let mut w = RequestWriter::new(&mut buf);
            w.line_start(b"GET", b"/").unwrap();
            w.line_end(host, port, false).unwrap();
            let n = w.len();
            buf[..n].to_vec()
        };
        assert_eq!(line(b"::1", 80), b"GET / HTTP/1.1\r\nHost: [::1]\r\n");
        assert_eq!(
            line(b"2001:db8::1", 8080),
            b"GET / HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n"
        );
        assert_eq!(
            line(b"[::1]", 8080),
            b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n"
        );
        // The whole-line writer takes the URI form only.
        let mut buf = [0u8; 256];
        let mut w = RequestWriter::new(&mut buf);
        assert_eq!(
            w.start(b"::1", 80, false, b"/", b"", &sample_key()),
            Err(WriteError::InvalidHost)
        );
        assert!(request_str(b"[::1]", 80, false, b"/", b"")
            .starts_with(b"GET / HTTP/1.1\r\nHost: [::1]\r\n"));
    }

    #[test]
    fn out_of_order_calls() {
        let mut buf = [0u8; 512];
        let mut w = RequestWriter::new(&mut buf);
        assert_eq!(w.header(b"Origin", b"x"), Err(WriteError::InvalidTarget));
        w.start(b"h", 80, false, b"/", b"", &sample_key()).unwrap();
        let len = w.len();
        assert_eq!(
            w.start(b"h", 80, false, b"/", b"", &sample_key()),
            Err(WriteError::InvalidTarget)
        );
        assert_eq!(w.len(), len);
        let w = RequestWriter::new(&mut buf);
        assert_eq!(w.finish(), Err(WriteError::InvalidTarget));
    }

    #[test]
    fn forbidden_headers() {
        let mut buf = [0u8; 512];
        let mut w = RequestWriter::new(&mut buf);
        w.start(b"h", 80, false, b"/", b"", &sample_key()).unwrap();
        let len = w.len();
        for name in [
            &b"Host"[..],
            b"host",
            b"CONNECTION",
            b"upgrade",
            b"Sec-WebSocket-Key",
            b"sec-websocket-version",
            b"Sec-WebSocket-Accept",
            b"SEC-WEBSOCKET-EXTENSIONS",
            b"Content-Length",
            b"transfer-encoding",
        ] {
            assert_eq!(
                w.header(name, b"x"),
                Err(WriteError::ForbiddenHeader),
                "{name:?}"
            );
        }
        assert_eq!(w.len(), len);
        // Near misses are fine.
        w.header(b"Hosts", b"x").unwrap();
        w.header(b"Sec-WebSocket-Protocol", b"chat").unwrap();
    }

    #[test]
    fn invalid_headers() {
        let mut buf = [0u8; 512];
        let mut w = RequestWriter::new(&mut buf);
        w.start(b"h", 80, false, b"/", b"", &sample_key()).unwrap();
        let len = w.len();
        let bad: &[(&[u8], &[u8])] = &[
            (b"", b"x"),
            (b"Na me", b"x"),
            (b"Name:", b"x"),
            (b"Na\rme", b"x"),
            (b"N\xc3\xa9", b"x"),
            (b"(x)", b"x"),
            (b"X", b"a\r\nHost: evil"),
            (b"X", b"a\rb"),
            (b"X", b"a\nb"),
            (b"X", b"a\0b"),
        ];
        for &(name, value) in bad {
            assert_eq!(
                w.header(name, value),
                Err(WriteError::InvalidHeader),
                "{name:?} {value:?}"
            );
        }
        assert_eq!(w.len(), len);
        // Empty value, HTAB and obs-text in values are allowed.
        w.header(b"X-Empty", b"").unwrap();
        w.header(b"X-Tab", b"a\tb\xc3\xa9").unwrap();
        // A rejected protocol header is not recorded.
        assert_eq!(
            w.header(b"Sec-WebSocket-Protocol", b"a\rb"),
            Err(WriteError::InvalidHeader)
        );
        assert!(w.offered().is_empty());
    }

    /// Writes the full typical request into a buffer of exactly `cap` bytes.
    fn full_request_in(cap: usize) -> (Result<usize, WriteError>, Vec<u8>) {
        let mut buf = std::vec![0xAAu8; cap];
        let mut committed = 0;
        let result = (|| {
            let mut w = RequestWriter::new(&mut buf);
            let r = (|| {
                w.start(b"example.com", 8443, true, b"/chat", b"v=1", &sample_key())?;
                w.header(b"Origin", b"https://example.com")?;
                w.header(b"Sec-WebSocket-Protocol", b"chat")?;
                Ok(())
            })();
            committed = w.len();
            r?;
            w.finish()
        })();
        let n = match result {
            Ok(n) => n,
            Err(_) => committed,
        };
        let out = buf[..n].to_vec();
        (result, out)
    }

    #[test]
    fn query_pairs_are_percent_encoded_as_legacy_and_all_or_nothing() {
        let mut buf = [0u8; 128];
        let mut w = RequestWriter::new(&mut buf);
        w.line_start(b"GET", b"/q").unwrap();
        w.query_pair(true, b"a b", Some(b"c&d=e/\xff")).unwrap();
        w.query_pair(false, b"flag", None).unwrap();
        w.query_pair(false, b"empty", Some(b"")).unwrap();
        w.query_pair(false, b"ok.-~_Z9", Some(b"+")).unwrap();
        w.line_end(b"h", 80, false).unwrap();
        let n = w.len();
        assert_eq!(
            &buf[..n],
            b"GET /q?a%20b=c%26d%3De%2F%FF&flag&empty=&ok.-~_Z9=%2B HTTP/1.1\r\nHost: h\r\n"
        );
        // A pair that does not fit is not written at all.
        for cap in 0..20 {
            let mut buf = [0u8; 32];
            let mut w = RequestWriter::new(&mut buf[..cap.max(7)]);
            w.line_start(b"GET", b"/q").unwrap();
            let before = w.len();
            let r = w.query_pair(true, b"key", Some(b"v v"));
            if r.is_err() {
                assert_eq!(r, Err(WriteError::BufferFull));
                assert_eq!(w.len(), before, "cap {cap}");
            } else {
                assert_eq!(w.len(), before + b"?key=v%20v".len());
            }
        }
    }

    #[test]
    fn buffer_too_small_at_every_length() {
        let (full, bytes) = full_request_in(1024);
        let full = full.unwrap();
        assert_eq!(bytes.len(), full);
        for cap in 0..full {
            let (r, written) = full_request_in(cap);
            assert_eq!(r, Err(WriteError::BufferFull), "cap {cap}");
            // Only whole lines are counted, and they are a prefix of the real request.
            assert!(written.len() <= cap);
            assert!(bytes.starts_with(&written), "cap {cap}");
            assert!(
                written.is_empty() || written.ends_with(b"\r\n"),
                "cap {cap}"
            );
        }
        let (r, written) = full_request_in(full);
        assert_eq!(r, Ok(full));
        assert_eq!(written, bytes);
    }

    /// `upgrade_head` writes what `line_start` (GET), `line_end`, `handshake_headers` and
    /// `finish` write in a row, with the same result, for every buffer size.
    #[test]
    fn upgrade_head_is_the_piecewise_head() {
        let key = sample_key();
        let piecewise = |buf: &mut [u8], path: &[u8], host: &[u8], port: u16, secure: bool| {
            let mut w = RequestWriter::new(buf);
            w.line_start(b"GET", path)
                .and_then(|()| w.line_end(host, port, secure))
                .and_then(|()| w.handshake_headers(&key))?;
            w.finish()
        };
        let cases: [(&[u8], &[u8], u16, bool); 8] = [
            (b"/chat", b"example.com", 80, false),
            (b"/", b"example.com", 443, true),
            (b"/a?b=c", b"10.0.0.1", 8080, false),
            (b"http://h/x", b"::1", 80, false),
            (b"/x", b"[::1]", 443, false),
            (b"/x", b"bad host", 80, false),
            (b"/x y", b"h", 80, false),
            (b"", b"h", 80, false),
        ];
        for (path, host, port, secure) in cases {
            for cap in 0..=200 {
                let (mut a, mut b) = ([0u8; 200], [0u8; 200]);
                let want = piecewise(&mut a[..cap], path, host, port, secure);
                let got =
                    RequestWriter::new(&mut b[..cap]).upgrade_head(path, host, port, secure, &key);
                assert_eq!(got, want, "{path:?} {host:?} cap {cap}");
                if let Ok(n) = got {
                    assert_eq!(a[..n], b[..n]);
                }
            }
        }
    }

    #[test]
    fn write_error_display() {
        for e in [
            WriteError::BufferFull,
            WriteError::InvalidTarget,
            WriteError::InvalidHeader,
            WriteError::ForbiddenHeader,
        ] {
            assert!(!std::format!("{e}").is_empty());
        }
    }

    // ---- ResponseParser -------------------------------------------------------------------

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Ev {
        Status(u16, Vec<u8>),
        Header(Vec<u8>, Vec<u8>),
        Done(u16),
    }

    fn own(e: ParseEvent<'_>) -> Ev {
        match e {
            ParseEvent::Status { code, reason } => Ev::Status(code, reason.to_vec()),
            ParseEvent::Header { name, value } => Ev::Header(name.to_vec(), value.to_vec()),
            ParseEvent::Done { code } => Ev::Done(code),
        }
    }

    /// Events, final error (if any) and the bytes never consumed (frames after `Done`; the
    /// offending line and everything after it on error).
    type Outcome = (Vec<Ev>, Option<HandshakeError>, Vec<u8>);

    fn parser(offered: &[u8]) -> ResponseParser {
        let mut o = OfferedProtocols::new();
        o.add_list(offered);
        ResponseParser::new(sample_key().accept_digest(), o, 1024, 8192)
    }

    /// Feeds `chunks` in order through an accumulating buffer, as a real caller would.
    fn run_chunks(mut p: ResponseParser, chunks: &[&[u8]]) -> Outcome {
        let all: Vec<u8> = chunks.concat();
        let mut pending: Vec<u8> = Vec::new();
        let mut consumed = 0;
        let mut events = Vec::new();
        let mut error = None;
        'outer: for chunk in chunks {
            pending.extend_from_slice(chunk);
            while !p.is_done() {
                match p.feed(&pending) {
                    Ok((0, None)) => break,
                    Ok((n, ev)) => {
                        assert!(n > 0 && n <= pending.len());
                        // (None: an empty line before the status line, skipped.)
                        events.extend(ev.map(own));
                        pending.drain(..n);
                        consumed += n;
                    }
                    Err(e) => {
                        // Errors are sticky.
                        assert_eq!(p.feed(&pending), Err(e));
                        error = Some(e);
                        break 'outer;
                    }
                }
            }
        }
        if p.is_done() {
            assert_eq!(
                p.feed(&pending),
                Ok((0, None)),
                "nothing consumed after Done"
            );
        }
        (events, error, all[consumed..].to_vec())
    }

    fn run(p: ResponseParser, input: &[u8]) -> Outcome {
        run_chunks(p, &[input])
    }

    fn run_bytewise(p: ResponseParser, input: &[u8]) -> Outcome {
        let chunks: Vec<&[u8]> = input.chunks(1).collect();
        run_chunks(p, &chunks)
    }

    /// Runs every feeding strategy and checks they agree; returns the common outcome.
    fn run_all_ways(p: ResponseParser, input: &[u8]) -> Outcome {
        let whole = run(p, input);
        assert_eq!(run_bytewise(p, input), whole, "byte at a time");
        for split in 0..=input.len() {
            let (a, b) = input.split_at(split);
            assert_eq!(run_chunks(p, &[a, b]), whole, "split at {split}");
        }
        whole
    }

    fn err_of(offered: &[u8], input: &[u8]) -> Option<HandshakeError> {
        run_all_ways(parser(offered), input).1
    }

    const FRAME: &[u8] = b"\x81\x05hello";

    fn good_101() -> Vec<u8> {
        let mut r = b"HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
Sec-WebSocket-Protocol: chat\r\n\
\r\n"
            .to_vec();
        r.extend_from_slice(FRAME);
        r
    }

    #[test]
    fn full_response_all_feeding_strategies() {
        let (events, err, leftover) = run_all_ways(parser(b"chat, superchat"), &good_101());
        assert_eq!(err, None);
        assert_eq!(
            leftover, FRAME,
            "frame bytes after the head are not consumed"
        );
        let h = |n: &[u8], v: &[u8]| Ev::Header(n.to_vec(), v.to_vec());
        assert_eq!(
            events,
            std::vec![
                Ev::Status(101, b"Switching Protocols".to_vec()),
                h(b"Upgrade", b"websocket"),
                h(b"Connection", b"Upgrade"),
                h(b"Sec-WebSocket-Accept", b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                h(b"Sec-WebSocket-Protocol", b"chat"),
                Ev::Done(101),
            ]
        );
    }

    #[test]
    fn feed_consumes_one_line_and_reports_incomplete() {
        let mut p = parser(b"");
        assert_eq!(p.feed(b""), Ok((0, None)));
        assert_eq!(p.feed(b"HTTP/1.1 101 OK\r"), Ok((0, None)));
        assert_eq!(
            p.feed(b"HTTP/1.1 101 OK\r\nUpg"),
            Ok((
                17,
                Some(ParseEvent::Status {
                    code: 101,
                    reason: b"OK"
                })
            ))
        );
        assert!(!p.is_done());
    }

    #[test]
    fn lowercase_names_keep_alive_and_ows() {
        let input = b"HTTP/1.1 101 \r\n\
upgrade: \t WebSocket \r\n\
connection: keep-alive, Upgrade\r\n\
sec-websocket-accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\t\r\n\
sec-websocket-extensions:\r\n\
Sec-WebSocket-Version: 13\r\n\
\r\n";
        let (events, err, leftover) = run_all_ways(parser(b""), input);
        assert_eq!(err, None);
        assert!(leftover.is_empty());
        assert_eq!(events.first(), Some(&Ev::Status(101, Vec::new())));
        assert!(events.contains(&Ev::Header(b"upgrade".to_vec(), b"WebSocket".to_vec())));
        assert_eq!(events.last(), Some(&Ev::Done(101)));
    }

    #[test]
    fn status_line_without_reason_or_trailing_space() {
        let base = good_101();
        let body = &base[base.iter().position(|&b| b == b'\n').unwrap() + 1..];
        for status in [&b"HTTP/1.1 101\r\n"[..], b"HTTP/1.1 101 \r\n"] {
            let mut input = status.to_vec();
            input.extend_from_slice(body);
            let (events, err, _) = run_all_ways(parser(b"chat"), &input);
            assert_eq!(err, None);
            assert_eq!(events.first(), Some(&Ev::Status(101, Vec::new())));
            assert_eq!(events.last(), Some(&Ev::Done(101)));
        }
    }

    #[test]
    fn refused_403_skips_upgrade_checks() {
        let input = b"HTTP/1.1 403 Forbidden\r\n\
Content-Length: 3\r\n\
Sec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Extensions: permessage-deflate\r\n\
Sec-WebSocket-Protocol: x, y\r\n\
\r\nno!";
        let (events, err, leftover) = run_all_ways(parser(b""), input);
        assert_eq!(err, None);
        assert_eq!(
            events.first(),
            Some(&Ev::Status(403, b"Forbidden".to_vec()))
        );
        assert_eq!(events.last(), Some(&Ev::Done(403)));
        assert_eq!(leftover, b"no!");
    }

    #[test]
    fn empty_lines_before_the_status_line_are_skipped_within_the_head_budget() {
        let head = b"HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n";
        let plain = run_all_ways(parser(b""), head);
        let after_blanks = run_all_ways(parser(b""), &[b"\r\n\r\n".as_slice(), head].concat());
        assert_eq!(after_blanks, plain);
        // Endless ones are a head that never ends.
        let (events, err, _) = run(parser(b""), &b"\r\n".repeat(5000));
        assert!(events.is_empty());
        assert_eq!(err, Some(HandshakeError::HeaderTooLarge));
        // A lone LF is not an empty line (the status line's rules).
        let (_, err, _) = run(parser(b""), b"\nHTTP/1.1 101 OK\r\n");
        assert_eq!(err, Some(HandshakeError::StatusLineMalformed));
    }

    #[test]
    fn informational_and_redirect_are_refusals() {
        let (events, err, _) = run_all_ways(parser(b""), b"HTTP/1.1 100 Continue\r\n\r\n");
        assert_eq!(err, None);
        assert_eq!(events.last(), Some(&Ev::Done(100)));
        let (events, err, _) =
            run_all_ways(parser(b""), b"HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n");
        assert_eq!(err, None);
        assert_eq!(events.last(), Some(&Ev::Done(302)));
    }

    #[test]
    fn status_line_errors() {
        use HandshakeError::*;
        let cases: &[(&[u8], HandshakeError)] = &[
            (b" HTTP/1.1 101 OK\r\n", VersionInvalid),
            (b"HTTP/1.1  101 OK\r\n", StatusCodeInvalid),
            (b"HTTP/1.1\t101 OK\r\n", VersionInvalid),
            (b"http/1.1 101 OK\r\n", VersionInvalid),
            (b"HTTP/11 101 OK\r\n", VersionInvalid),
            (b"HTTP/1.1\r\n", StatusLineMalformed),
            (b"HTTP/1.1 \r\n", StatusCodeInvalid),
            (b"ICY 200 OK\r\n", VersionInvalid),
            (b"XYZ 200 OK\r\n", VersionInvalid),
            (b"HTTP/1.1x 101 OK\r\n", VersionInvalid),
            (b"GARBAGE\r\n", VersionInvalid),
            (b"HTTP/1.1 101 OK\n", StatusLineMalformed),
            (b"HTTP/1.1 101 O\rK\r\n", StatusLineMalformed),
            (b"HTTP/1.1 101 O\0K\r\n", StatusLineMalformed),
            (b"HTTP/1.1 101 O\x01K\r\n", StatusLineMalformed),
            (b"HTTP/1.0 101 OK\r\n", VersionInvalid),
            (b"HTTP/2.0 101 OK\r\n", VersionInvalid),
            (b"HTTP/1.1 10 OK\r\n", StatusCodeInvalid),
            (b"HTTP/1.1 1011 OK\r\n", StatusCodeInvalid),
            (b"HTTP/1.1 1x1 OK\r\n", StatusCodeInvalid),
            (b"HTTP/1.1 101x\r\n", StatusCodeInvalid),
            (b"HTTP/1.1 099 OK\r\n", StatusCodeInvalid),
            (b"HTTP/1.1 600 OK\r\n", StatusCodeInvalid),
        ];
        for &(input, e) in cases {
            assert_eq!(
                err_of(b"", input),
                Some(e),
                "{:?}",
                std::string::String::from_utf8_lossy(input)
            );
        }
    }

    /// A 101 head with `extra` header lines inserted before the final empty line.
    fn resp_101(lines: &[&[u8]]) -> Vec<u8> {
        let mut r = b"HTTP/1.1 101 Switching Protocols\r\n".to_vec();
        for l in lines {
            r.extend_from_slice(l);
            r.extend_from_slice(b"\r\n");
        }
        r.extend_from_slice(b"\r\n");
        r
    }

    const UPG: &[u8] = b"Upgrade: websocket";
    const CONN: &[u8] = b"Connection: Upgrade";
    const ACC: &[u8] = b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    #[test]
    fn header_line_errors() {
        use HandshakeError::HeaderMalformed;
        let cases: &[&[u8]] = &[
            b"HTTP/1.1 101 OK\r\nNoColon\r\n\r\n",
            b"HTTP/1.1 101 OK\r\n: empty-name\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nBad Name: x\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nName : x\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nN\xc3\xa9: x\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nX: a\r\n folded\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nX: a\r\n\tfolded\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nX: a\n\r\n",
            b"HTTP/1.1 101 OK\r\nX: a\r\n\n",
            b"HTTP/1.1 101 OK\r\nX: a\0b\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nX: a\rb\r\n\r\n",
            b"HTTP/1.1 101 OK\r\nX: a\r\r\n\r\n",
            b"HTTP/1.1 403 No\r\nBad Name: x\r\n\r\n",
        ];
        for &input in cases {
            assert_eq!(
                err_of(b"", input),
                Some(HeaderMalformed),
                "{:?}",
                std::string::String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn upgrade_checks() {
        use HandshakeError::*;
        assert_eq!(err_of(b"", &resp_101(&[UPG, CONN, ACC])), None);
        assert_eq!(err_of(b"", &resp_101(&[CONN, ACC])), Some(UpgradeMissing));
        assert_eq!(
            err_of(b"", &resp_101(&[b"Upgrade: h2c", CONN, ACC])),
            Some(UpgradeMissing)
        );
        assert_eq!(
            err_of(b"", &resp_101(&[b"Upgrade: websocket2", CONN, ACC])),
            Some(UpgradeMissing)
        );
        // Exactly `websocket` (any case, no other value beside it, in any Upgrade header).
        assert_eq!(
            err_of(b"", &resp_101(&[b"Upgrade: WebSocket", CONN, ACC])),
            None
        );
        for other in [
            &b"Upgrade: websocket, h2c"[..],
            b"Upgrade: h2c, websocket",
            b"Upgrade: websocket,",
        ] {
            assert_eq!(
                err_of(b"", &resp_101(&[other, CONN, ACC])),
                Some(UpgradeMissing)
            );
        }
        assert_eq!(
            err_of(b"", &resp_101(&[UPG, b"Upgrade: foo", CONN, ACC])),
            Some(UpgradeMissing)
        );
        assert_eq!(err_of(b"", &resp_101(&[UPG, ACC])), Some(ConnectionMissing));
        assert_eq!(
            err_of(b"", &resp_101(&[UPG, b"Connection: keep-alive", ACC])),
            Some(ConnectionMissing)
        );
        assert_eq!(
            err_of(b"", &resp_101(&[UPG, b"Connection: upgrades", ACC])),
            Some(ConnectionMissing)
        );
        assert_eq!(
            err_of(
                b"",
                &resp_101(&[UPG, b"Connection: keep-alive, Upgrade", ACC])
            ),
            None
        );
        assert_eq!(
            err_of(
                b"",
                &resp_101(&[UPG, b"Connection: ,keep-alive ,, UPGRADE ,", ACC])
            ),
            None
        );
        assert_eq!(err_of(b"", &resp_101(&[UPG, CONN])), Some(AcceptMissing));
    }

    #[test]
    fn accept_checks() {
        use HandshakeError::AcceptMismatch;
        let wrong: &[&[u8]] = &[
            b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo",
            b"Sec-WebSocket-Accept: S3PPLMBiTxaQ9kYGzzhZRbK+xOo=",
            b"Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==",
            b"Sec-WebSocket-Accept:",
            b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=x",
        ];
        for &a in wrong {
            assert_eq!(
                err_of(b"", &resp_101(&[UPG, CONN, a])),
                Some(AcceptMismatch)
            );
        }
        assert_eq!(
            err_of(b"", &resp_101(&[UPG, CONN, ACC, ACC])),
            Some(AcceptMismatch),
            "a second Accept header"
        );
    }

    #[test]
    fn extension_checks() {
        assert_eq!(
            err_of(
                b"",
                &resp_101(&[
                    UPG,
                    CONN,
                    ACC,
                    b"Sec-WebSocket-Extensions: permessage-deflate"
                ])
            ),
            Some(HandshakeError::ExtensionNotOffered)
        );
        assert_eq!(
            err_of(
                b"",
                &resp_101(&[UPG, CONN, ACC, b"Sec-WebSocket-Extensions:  "])
            ),
            None
        );
    }

    #[test]
    fn protocol_checks() {
        use HandshakeError::ProtocolNotOffered;
        let p = |v: &'static [u8]| -> Vec<u8> {
            let mut l = b"Sec-WebSocket-Protocol: ".to_vec();
            l.extend_from_slice(v);
            l
        };
        let with = |offered: &[u8], lines: &[&[u8]]| {
            let mut all: Vec<&[u8]> = std::vec![UPG, CONN, ACC];
            all.extend_from_slice(lines);
            err_of(offered, &resp_101(&all))
        };
        assert_eq!(with(b"", &[&p(b"chat")]), Some(ProtocolNotOffered));
        assert_eq!(with(b"chat", &[&p(b"mqtt")]), Some(ProtocolNotOffered));
        assert_eq!(with(b"chat", &[&p(b"Chat")]), Some(ProtocolNotOffered));
        assert_eq!(
            with(b"chat,mqtt", &[&p(b"chat, mqtt")]),
            Some(ProtocolNotOffered)
        );
        assert_eq!(with(b"chat", &[&p(b"")]), Some(ProtocolNotOffered));
        assert_eq!(
            with(b"chat", &[&p(b"chat"), &p(b"chat")]),
            Some(ProtocolNotOffered)
        );
        assert_eq!(with(b"chat,mqtt", &[&p(b" mqtt ")]), None);
        assert_eq!(with(b"chat", &[&p(b"chat,")]), None);
        // Not selecting any offered protocol is allowed.
        assert_eq!(with(b"chat", &[]), None);
    }

    #[test]
    fn header_too_large_line() {
        let mut input = b"HTTP/1.1 101 OK\r\nX: ".to_vec();
        input.extend(core::iter::repeat_n(b'a', 100));
        input.extend_from_slice(b"\r\n\r\n");
        let small = |max_line| {
            ResponseParser::new(
                sample_key().accept_digest(),
                OfferedProtocols::new(),
                max_line,
                8192,
            )
        };
        // "X: " + 100 = 103 bytes of content.
        let out = run_all_ways(small(102), &input);
        assert_eq!(out.1, Some(HandshakeError::HeaderTooLarge));
        assert_eq!(out.0.len(), 1, "status line reported before the error");
        let out = run_all_ways(small(103), &input);
        assert_eq!(
            out.1,
            Some(HandshakeError::UpgradeMissing),
            "exactly max_line fits"
        );
        // A never-ending line errors once max_line + 2 bytes are buffered.
        let mut p = small(10);
        assert_eq!(p.feed(b"HTTP/1.1 1"), Ok((0, None)));
        assert_eq!(p.feed(b"HTTP/1.1 10"), Ok((0, None)));
        assert_eq!(p.feed(b"HTTP/1.1 101"), Err(HandshakeError::HeaderTooLarge));
        // The error is sticky.
        assert_eq!(p.feed(b"\r\n"), Err(HandshakeError::HeaderTooLarge));
    }

    #[test]
    fn header_too_large_head() {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for i in 0..40 {
            lines.push(std::format!("X-Filler-{i}: some value here").into_bytes());
        }
        let refs: Vec<&[u8]> = lines.iter().map(|l| l.as_slice()).collect();
        let input = resp_101(&refs);
        let with_head = |max_head| {
            ResponseParser::new(
                sample_key().accept_digest(),
                OfferedProtocols::new(),
                1024,
                max_head,
            )
        };
        let out = run_all_ways(with_head(500), &input);
        assert_eq!(out.1, Some(HandshakeError::HeaderTooLarge));
        // Exactly the head size is enough (then the 101 checks fail, as there are none).
        let out = run_all_ways(with_head(input.len()), &input);
        assert_eq!(out.1, Some(HandshakeError::UpgradeMissing));
        let out = run_all_ways(with_head(input.len() - 1), &input);
        assert_eq!(out.1, Some(HandshakeError::HeaderTooLarge));
    }

    #[test]
    fn after_done_nothing_is_consumed() {
        let mut p = parser(b"chat");
        let input = good_101();
        let mut rest: &[u8] = &input;
        loop {
            let (n, ev) = p.feed(rest).unwrap();
            rest = &rest[n..];
            if let Some(ParseEvent::Done { code }) = ev {
                assert_eq!(code, 101);
                break;
            }
        }
        assert!(p.is_done());
        assert_eq!(rest, FRAME);
        assert_eq!(p.feed(rest), Ok((0, None)));
        assert_eq!(p.feed(b"HTTP/1.1 101 OK\r\n"), Ok((0, None)));
    }

    #[test]
    fn writer_output_round_trip_through_parser_key() {
        // The key the writer sends is the one the parser checks against.
        let key = Key::from_random([7; 16]);
        let mut buf = [0u8; 256];
        let mut w = RequestWriter::new(&mut buf);
        w.start(b"h", 80, false, b"/", b"", &key).unwrap();
        let n = w.finish().unwrap();
        let req = &buf[..n];
        let pos = req
            .windows(key.as_bytes().len())
            .position(|w| w == key.as_bytes());
        assert!(pos.is_some());
        let mut resp = b"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: ".to_vec();
        resp.extend_from_slice(&key.expected_accept());
        resp.extend_from_slice(b"\r\n\r\n");
        let p = ResponseParser::new(key.accept_digest(), OfferedProtocols::new(), 1024, 8192);
        let (events, err, _) = run_all_ways(p, &resp);
        assert_eq!(err, None);
        assert_eq!(events.last(), Some(&Ev::Done(101)));
    }

    #[test]
    fn handshake_error_display() {
        use HandshakeError::*;
        for e in [
            StatusLineMalformed,
            VersionInvalid,
            StatusCodeInvalid,
            HeaderMalformed,
            HeaderTooLarge,
            UpgradeMissing,
            ConnectionMissing,
            AcceptMissing,
            AcceptMismatch,
            ExtensionNotOffered,
            ProtocolNotOffered,
        ] {
            assert!(!std::format!("{e}").is_empty());
        }
    }

    proptest! {
        #[test]
        fn host_check_matches_its_definition(host in proptest::collection::vec(any::<u8>(), 0..12)) {
            prop_assert_eq!(host_ok(&host), host_ok_by_definition(&host));
        }

        #[test]
        fn garbage_never_panics_or_upgrades(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let (events, _, _) = run(parser(b"chat"), &data);
            prop_assert!(!events.contains(&Ev::Done(101)));
            let mut prefixed = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n".to_vec();
            prefixed.extend_from_slice(&data);
            let (events, _, _) = run_bytewise(parser(b"chat"), &prefixed);
            prop_assert!(!events.contains(&Ev::Done(101)));
        }

        #[test]
        fn split_independence(data in proptest::collection::vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(b':'), Just(b' '), Just(b'a')], 0..80),
            cut in 0usize..200) {
            let mut input = b"HTTP/1.1 101 OK\r\n".to_vec();
            input.extend_from_slice(&data);
            let p = ResponseParser::new(sample_key().accept_digest(), OfferedProtocols::new(), 16, 64);
            let whole = run(p, &input);
            let cut = cut.min(input.len());
            let (a, b) = input.split_at(cut);
            prop_assert_eq!(run_chunks(p, &[a, b]), whole.clone());
            prop_assert_eq!(run_bytewise(p, &input), whole);
        }

        #[test]
        fn writer_never_panics(
            host in proptest::collection::vec(any::<u8>(), 0..20),
            path in proptest::collection::vec(any::<u8>(), 0..20),
            name in proptest::collection::vec(any::<u8>(), 0..10),
            value in proptest::collection::vec(any::<u8>(), 0..20),
            port in any::<u16>(),
            cap in 0usize..300,
        ) {
            let mut buf = std::vec![0u8; cap];
            let mut w = RequestWriter::new(&mut buf);
            let _ = w.start(&host, port, port % 2 == 0, &path, b"", &sample_key());
            let _ = w.header(&name, &value);
            let len = w.len();
            prop_assert!(len <= cap);
            if let Ok(n) = w.finish() {
                prop_assert!(n <= cap);
                prop_assert!(buf[..n].ends_with(b"\r\n\r\n"));
            }
        }
    }
}
