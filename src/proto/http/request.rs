//! The pure request-side helpers of plain requests (issue #17), each writing byte for byte
//! what the legacy client wrote:
//! - [`url_encode`] / [`url_encoded_len`]: percent-encoding as legacy `HTTP_URL_EncodeStr`
//!   (`http.c`), for query strings and form fields;
//! - [`chunk_header`], [`CHUNK_END`], [`last_chunk`], [`hex_digits`]: the framing of a chunked
//!   request body as legacy `http-c_req.c` writes it.
//!
//! Each writes into a caller buffer and says how much it wrote, or `None` when it does not fit.

use crate::proto::bytes;

/// The bytes legacy copies as they are: ASCII letters and digits, `.`, `-`, `~`, `_` (the
/// RFC 3986 unreserved set). Every other byte, space and `+` included, becomes `%XX`.
pub(crate) fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'~' | b'_')
}

/// The hex digit of `n & 15`, upper or lower case: no table.
pub(crate) fn hex_digit(n: u8, upper: bool) -> u8 {
    let n = n & 15;
    n + if n < 10 {
        b'0'
    } else if upper {
        b'A' - 10
    } else {
        b'a' - 10
    }
}

/// The length [`url_encode`] gives `src`: 3 per byte it encodes, 1 per other.
pub fn url_encoded_len(src: &[u8]) -> usize {
    src.iter().fold(0usize, |n, &b| {
        n.saturating_add(if unreserved(b) { 1 } else { 3 })
    })
}

/// Percent-encodes `src` at the start of `dst` as legacy `HTTP_URL_EncodeStr` does: the
/// unreserved bytes are copied, every other byte is `%` and two upper-case hex digits (space is
/// `%20`; a NUL is `%00`, the length decides, not a terminator). Returns the length written;
/// `None`, with nothing written, when `dst` is shorter (legacy: `DEF_FAIL`, length 0). No NUL
/// is appended, as in legacy.
pub fn url_encode(src: &[u8], dst: &mut [u8]) -> Option<usize> {
    let len = url_encoded_len(src);
    if len > dst.len() {
        return None;
    }
    let mut out = dst.iter_mut();
    for &b in src {
        if unreserved(b) {
            *out.next()? = b;
        } else {
            for c in [b'%', hex_digit(b >> 4, true), hex_digit(b, true)] {
                *out.next()? = c;
            }
        }
    }
    Some(len)
}

/// The hex digits `n` needs, at least 1 (legacy `HTTP_StrSizeHexDigReq`). The legacy client
/// writes every chunk size with `hex_digits(buffer length)` digits: a fixed width lets it
/// reserve the header in front of data the application writes straight into the buffer.
pub fn hex_digits(n: u32) -> usize {
    // At most 8: the cast is exact.
    (32 - n.leading_zeros()).div_ceil(4).max(1) as usize
}

/// Writes the chunk header `<size>\r\n` at the start of `out`: `size` in lower-case hex,
/// zero-padded to `width` digits (more when it needs them), as legacy's
/// `HTTP_ChunkTransferWrSize`. Returns the length written; `None`, with nothing written, when
/// `out` is too short.
///
/// A size of 0 is the last chunk ([`last_chunk`]): never write a header for an empty piece of
/// data. Legacy did when its last `OnBodyTx` call returned no data, and its body then ended
/// twice.
pub fn chunk_header(size: u32, width: usize, out: &mut [u8]) -> Option<usize> {
    let digits = hex_digits(size).max(width);
    let (head, tail) = out.split_at_mut_checked(digits)?;
    put(tail, CHUNK_END)?;
    for (i, d) in head.iter_mut().rev().enumerate() {
        let shift = u32::try_from(i).unwrap_or(u32::MAX).saturating_mul(4);
        // `& 15` in hex_digit keeps the nibble; the cast drops only bits it clears anyway.
        *d = hex_digit(size.checked_shr(shift).unwrap_or(0) as u8, false);
    }
    Some(digits.saturating_add(CHUNK_END.len()))
}

/// The CRLF after each chunk's data.
pub const CHUNK_END: &[u8] = b"\r\n";

/// Writes the last chunk and the empty trailer section, `width` zeros (at least one) then
/// `\r\n\r\n`: what legacy writes after the last data chunk's [`CHUNK_END`]. Returns the length
/// written; `None` when `out` is too short (what was written is then scratch).
pub fn last_chunk(width: usize, out: &mut [u8]) -> Option<usize> {
    let n = chunk_header(0, width, out)?;
    put(out.get_mut(n..)?, CHUNK_END)?;
    Some(n.saturating_add(CHUNK_END.len()))
}

/// Copies all of `src` to the start of `out`, or nothing when it does not fit.
fn put(out: &mut [u8], src: &[u8]) -> Option<()> {
    (out.len() >= src.len()).then(|| {
        bytes::copy(out, src);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;
    use std::vec::Vec;

    fn enc(src: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; url_encoded_len(src)];
        assert_eq!(url_encode(src, &mut out), Some(out.len()));
        out
    }

    // Expectations derived by hand from legacy HTTP_URL_EncodeStr: ASCII_IsAlphaNum plus
    // '.', '-', '~', '_' copied; everything else through HTTP_CharToStrHex ('%', high nibble,
    // low nibble, 'A'..'F' upper case).
    #[test]
    fn url_encode_matches_legacy() {
        assert_eq!(enc(b""), b"");
        assert_eq!(enc(b"abcXYZ019"), b"abcXYZ019");
        assert_eq!(enc(b".-~_"), b".-~_");
        assert_eq!(enc(b"a b"), b"a%20b");
        assert_eq!(enc(b"a+b"), b"a%2Bb");
        assert_eq!(enc(b"100%"), b"100%25");
        assert_eq!(
            enc(b"!*'();:@&=$,/?#[]"),
            b"%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%2F%3F%23%5B%5D"
        );
        assert_eq!(enc(b"\"<>\\^`{|}"), b"%22%3C%3E%5C%5E%60%7B%7C%7D");
        assert_eq!(enc(b"\0\t\r\n\x7f"), b"%00%09%0D%0A%7F");
        assert_eq!(enc("é€".as_bytes()), b"%C3%A9%E2%82%AC");
        assert_eq!(enc(&[0x80, 0xff]), b"%80%FF");
    }

    #[test]
    fn url_encode_every_byte() {
        for b in 0..=255u8 {
            let plain = b.is_ascii_alphanumeric() || b"-._~".contains(&b);
            let out = enc(&[b]);
            if plain {
                assert_eq!(out, [b]);
            } else {
                assert_eq!(out, std::format!("%{b:02X}").into_bytes());
            }
        }
    }

    #[test]
    fn url_encode_buffer_bounds() {
        let mut buf = [b'#'; 8];
        // "a b" needs 5: exactly 5 fits, 4 does not and leaves the buffer untouched.
        assert_eq!(url_encode(b"a b", &mut buf[..5]), Some(5));
        assert_eq!(&buf[..5], b"a%20b");
        let mut buf = [b'#'; 4];
        assert_eq!(url_encode(b"a b", &mut buf), None);
        assert_eq!(&buf, b"####");
        assert_eq!(url_encode(b"", &mut []), Some(0));
        assert_eq!(url_encoded_len(b"a b/"), 8);
    }

    // Legacy HTTP_StrSizeHexDigReq's table.
    #[test]
    fn hex_digits_matches_legacy() {
        for (n, d) in [
            (0, 1),
            (0xf, 1),
            (0x10, 2),
            (0xff, 2),
            (0x100, 3),
            (1024, 3),
            (0xfff, 3),
            (0x1000, 4),
            (0xffff, 4),
            (0x10000, 5),
            (0xfffff, 5),
            (0x100000, 6),
            (0xffffff, 6),
            (0x1000000, 7),
            (0xfffffff, 7),
            (0x10000000, 8),
            (u32::MAX, 8),
        ] {
            assert_eq!(hex_digits(n), d, "{n:#x}");
        }
    }

    fn header(size: u32, width: usize) -> Vec<u8> {
        let mut out = vec![0u8; 16];
        let n = chunk_header(size, width, &mut out).unwrap();
        out.truncate(n);
        out
    }

    // Legacy: Str_FmtNbr_Int32U(size, nbr_dig_max, 16, '0', lower case) then CRLF, with
    // nbr_dig_max = HTTP_StrSizeHexDigReq(BufLen); the body ends with CRLF, then the
    // zero-size chunk in the same width, then CRLF.
    #[test]
    fn chunk_framing_matches_legacy() {
        let width = hex_digits(1024);
        assert_eq!(header(0x1f, width), b"01f\r\n");
        assert_eq!(header(0x3ff, width), b"3ff\r\n");
        assert_eq!(header(0xabc, width), b"abc\r\n");
        assert_eq!(header(0x1234, width), b"1234\r\n", "wider than the width");
        assert_eq!(header(5, 0), b"5\r\n");
        assert_eq!(header(0, 0), b"0\r\n");
        assert_eq!(header(u32::MAX, 2), b"ffffffff\r\n");
        assert_eq!(header(1, 10), b"0000000001\r\n");
        let mut out = [0u8; 16];
        assert_eq!(last_chunk(width, &mut out), Some(7));
        assert_eq!(&out[..7], b"000\r\n\r\n");
        assert_eq!(last_chunk(0, &mut out), Some(5));
        assert_eq!(&out[..5], b"0\r\n\r\n");
        assert_eq!(CHUNK_END, b"\r\n");
    }

    #[test]
    fn chunk_framing_buffer_bounds() {
        let mut out = [b'#'; 5];
        assert_eq!(chunk_header(0x1f, 3, &mut out), Some(5));
        let mut out = [b'#'; 4];
        assert_eq!(chunk_header(0x1f, 3, &mut out), None);
        assert_eq!(&out, b"####", "nothing written");
        let mut out = [b'#'; 2];
        assert_eq!(chunk_header(0, 3, &mut out), None);
        let mut out = [0u8; 6];
        assert_eq!(last_chunk(3, &mut out), None);
        assert_eq!(last_chunk(usize::MAX, &mut out), None);
        assert_eq!(chunk_header(1, usize::MAX, &mut out), None);
    }
}
