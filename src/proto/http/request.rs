//! The pure request-side helpers of plain requests (issue #17), each writing byte for byte
//! what the legacy client wrote:
//! - [`url_encode`] / [`url_encoded_len`]: percent-encoding as legacy `HTTP_URL_EncodeStr`
//!   (`http.c`), for query strings and form fields;
//! - [`chunk_header`], [`CHUNK_END`], [`last_chunk`], [`hex_digits`]: the framing of a chunked
//!   request body as legacy `http-c_req.c` writes it;
//! - [`form_pair`], [`part_head`], [`form_close`] and [`FORM_BOUNDARY`]: the pieces of a form
//!   body (`application/x-www-form-urlencoded` and `multipart/form-data`) as legacy
//!   `HTTPcReq_FormApp` / `HTTPcReq_FormMultipart` write them, written into a [`Window`] that
//!   counts them (the `Content-Length`) and keeps any part of the bytes, so a form streams
//!   through a buffer of any size from the same description that measured it.
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

// ----- Forms ---------------------------------------------------------------------------------

/// The multipart boundary legacy uses for every form (`HTTPc_STR_BOUNDARY`, `http-c_req.h`).
pub const FORM_BOUNDARY: &[u8] = b"rgifovj80325n";

/// The request's `Content-Type` value for a multipart body, as legacy's header writer makes it
/// for `HTTP_CONTENT_TYPE_MULTIPART_FORM` (the type, `; boundary=`, [`FORM_BOUNDARY`]).
pub const MULTIPART_CONTENT_TYPE: &[u8] = b"multipart/form-data; boundary=rgifovj80325n";

/// The CRLF after each part's value.
pub const PART_END: &[u8] = b"\r\n";

/// Where the pieces of a form go, and their count: the first `skip` bytes written into it are
/// dropped, the next ones fill `out` until it is full, the rest are dropped; all are counted
/// ([`total`](Self::total)). Written piece by piece from the same description with a growing
/// `skip`, a form of any length streams through a small buffer; over no buffer
/// ([`measure`](Self::measure)) it only counts: the `Content-Length`. (One concrete sink, not a
/// trait: its writers call it directly.)
pub struct Window<'a> {
    out: &'a mut [u8],
    skip: u32,
    /// Bytes written into the window so far (dropped ones included); `None` past `u32::MAX` (a
    /// `Content-Length` it cannot announce).
    pos: Option<u32>,
    /// Bytes of `out` written.
    n: usize,
}

impl<'a> Window<'a> {
    /// A window over `out` that starts `skip` bytes into what is written.
    pub fn new(out: &'a mut [u8], skip: u32) -> Window<'a> {
        Window {
            out,
            skip,
            pos: Some(0),
            n: 0,
        }
    }

    /// A window over nothing: it only counts.
    pub fn measure() -> Window<'static> {
        Window::new(&mut [], 0)
    }

    /// Bytes of `out` written.
    pub fn written(&self) -> usize {
        self.n
    }

    /// `out` is full: nothing more is written.
    pub fn full(&self) -> bool {
        self.n >= self.out.len()
    }

    /// The length of all that was written so far (dropped bytes included); `None` once it
    /// passed `u32::MAX`.
    pub fn total(&self) -> Option<u32> {
        self.pos
    }

    /// Counts `n` bytes that are not written through the window (a value a hook gives, in a
    /// measure).
    pub fn add(&mut self, n: u32) {
        self.pos = self.pos.and_then(|p| p.checked_add(n));
    }

    /// Counts `len` bytes: where they start (`None`: past `u32::MAX`).
    fn advance(&mut self, len: usize) -> Option<u32> {
        let at = self.pos;
        self.pos = at.and_then(|p| p.checked_add(u32::try_from(len).ok()?));
        at
    }

    /// `b` as it is.
    pub fn raw(&mut self, b: &[u8]) {
        let Some(at) = self.advance(b.len()) else {
            return;
        };
        // The part of `b` in the window (none when it all lies before `skip`).
        if let Some(src) = b.get(self.skip.saturating_sub(at) as usize..) {
            self.n += bytes::copy(self.out.get_mut(self.n..).unwrap_or_default(), src);
        }
    }

    /// `b` percent-encoded (legacy `HTTP_URL_EncodeStr`, as [`url_encode`]): each byte through
    /// [`raw`](Self::raw), which counts it and keeps what lies in the window.
    pub fn encoded(&mut self, b: &[u8]) {
        for &c in b {
            // One call for either form: `c`, or `%XX`.
            let pct = [b'%', hex_digit(c >> 4, true), hex_digit(c, true)];
            let one = [c];
            self.raw(if unreserved(c) { &one } else { &pct });
        }
    }
}

/// One pair of an `application/x-www-form-urlencoded` body as legacy `HTTPcReq_FormApp`
/// writes it: key and value percent-encoded, `=` between them, `&` after it when `more` pairs
/// follow.
pub fn form_pair(s: &mut Window<'_>, key: &[u8], value: &[u8], more: bool) {
    s.encoded(key);
    s.raw(b"=");
    s.encoded(value);
    if more {
        s.raw(b"&");
    }
}

/// The head of one part of a `multipart/form-data` body as legacy `HTTPcReq_FormMultipart`
/// writes it: the delimiter (`--` [`FORM_BOUNDARY`] CRLF), `Content-Disposition: form-data;
/// name="…"` with the name percent-encoded (legacy encodes it, `"` included), `; filename="…"`
/// (percent-encoded too) for a file, CRLF, `Content-Type: …` CRLF when a type is given, then the
/// empty line. The value follows, then [`PART_END`].
pub fn part_head(
    s: &mut Window<'_>,
    name: &[u8],
    filename: Option<&[u8]>,
    content_type: Option<&[u8]>,
) {
    // `--` FORM_BOUNDARY CRLF, then the header (one literal: fewer calls in the firmware).
    s.raw(b"--rgifovj80325n\r\nContent-Disposition: form-data; name=\"");
    s.encoded(name);
    if let Some(f) = filename {
        s.raw(b"\"; filename=\"");
        s.encoded(f);
    }
    s.raw(b"\"\r\n");
    if let Some(t) = content_type {
        s.raw(b"Content-Type: ");
        s.raw(t);
        s.raw(b"\r\n");
    }
    s.raw(b"\r\n");
}

/// The close delimiter that ends a `multipart/form-data` body: `--` [`FORM_BOUNDARY`] `--`
/// CRLF.
pub fn form_close(s: &mut Window<'_>) {
    s.raw(b"--rgifovj80325n--\r\n");
}

/// One query parameter written at the start of `out`, byte for byte as
/// [`RequestWriter::query_pair`](crate::proto::handshake::RequestWriter::query_pair) writes it
/// (`?` before the first one, `&` before the others, the key, `=value` when a value is given,
/// both percent-encoded), through a [`Window`]: a firmware with forms links one encoder. Returns
/// its length; `None` (what was written is scratch) when it does not fit.
pub fn query_param(
    out: Option<&mut [u8]>,
    first: bool,
    key: &[u8],
    value: Option<&[u8]>,
) -> Option<usize> {
    let mut w = Window::new(out?, 0);
    w.raw(if first { b"?" } else { b"&" });
    w.encoded(key);
    if let Some(v) = value {
        w.raw(b"=");
        w.encoded(v);
    }
    // All of it written: nothing dropped past the end of `out`.
    w.total().filter(|&n| n as usize == w.written())?;
    Some(w.written())
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

    /// Everything written into a sink, the long way (a window that starts at 0 and never
    /// fills).
    fn whole(write: &dyn Fn(&mut Window<'_>)) -> Vec<u8> {
        let mut out = vec![0u8; 4096];
        let mut w = Window::new(&mut out, 0);
        write(&mut w);
        let n = w.written();
        assert!(n < 4096);
        out.truncate(n);
        out
    }

    // Expectations derived by hand from legacy HTTPcReq_FormApp: key and value through
    // HTTP_URL_EncodeStr, '=' between, '&' before every pair but the first.
    #[test]
    fn form_pairs_match_legacy() {
        let two = whole(&|w| {
            form_pair(w, b"user name", b"J\xc3\xb6hn & co=1", true);
            form_pair(w, b"x", b"", false);
        });
        assert_eq!(two, b"user%20name=J%C3%B6hn%20%26%20co%3D1&x=");
        let mut m = Window::measure();
        form_pair(&mut m, b"user name", b"J\xc3\xb6hn & co=1", true);
        form_pair(&mut m, b"x", b"", false);
        assert_eq!(m.total(), Some(two.len() as u32));
    }

    // Expectations derived by hand from legacy HTTPcReq_FormMultipart: "--" boundary CRLF,
    // "Content-Disposition" ": " "form-data" "; " "name" "=\"" encoded name "\"", for a file
    // "; " "filename" "=\"" encoded file name "\"", CRLF, for a known type "Content-Type: "
    // type CRLF, CRLF; after the value CRLF; after the last part "--" boundary "--" CRLF.
    #[test]
    fn multipart_pieces_match_legacy() {
        let part = whole(&|w| part_head(w, b"a b", None, None));
        assert_eq!(
            part,
            b"--rgifovj80325n\r\nContent-Disposition: form-data; name=\"a%20b\"\r\n\r\n"
        );
        let file = whole(&|w| part_head(w, b"up", Some(b"my \"f\".png"), Some(b"image/png")));
        assert_eq!(
            file,
            &b"--rgifovj80325n\r\nContent-Disposition: form-data; name=\"up\"; \
filename=\"my%20%22f%22.png\"\r\nContent-Type: image/png\r\n\r\n"[..]
        );
        assert_eq!(whole(&|w| form_close(w)), b"--rgifovj80325n--\r\n");
        assert_eq!(PART_END, b"\r\n");
        assert_eq!(
            MULTIPART_CONTENT_TYPE,
            b"multipart/form-data; boundary=rgifovj80325n"
        );
        // The literals that spell the boundary out spell FORM_BOUNDARY.
        assert_eq!(FORM_BOUNDARY, b"rgifovj80325n");
        assert!(part.starts_with(b"--rgifovj80325n\r\n"));
    }

    /// A form written in windows of every start and size gives the same bytes as written
    /// whole, and its measure is their length.
    #[test]
    fn windows_cut_the_same_bytes_anywhere() {
        let write = |w: &mut Window<'_>| {
            part_head(w, b"k\x00y", Some(b"f/n"), Some(b"text/plain"));
            w.raw(b"value\r\n");
            w.encoded(b"%&= ~");
            form_pair(w, b"a", b"b c", true);
            form_close(w);
        };
        let mut all = vec![0u8; 512];
        let mut w = Window::new(&mut all, 0);
        write(&mut w);
        let len = w.written();
        all.truncate(len);
        let mut m = Window::measure();
        write(&mut m);
        assert_eq!(m.total(), Some(len as u32));
        for size in [1usize, 2, 3, 7, 64, 1000] {
            let mut got = Vec::new();
            loop {
                let mut out = vec![0u8; size];
                let mut w = Window::new(&mut out, got.len() as u32);
                write(&mut w);
                let n = w.written();
                assert_eq!(w.full(), n == size);
                got.extend_from_slice(&out[..n]);
                if n < size {
                    break;
                }
            }
            assert_eq!(got, all, "windows of {size}");
        }
        // Starting anywhere, one byte at a time.
        for skip in 0..=len + 2 {
            let mut one = [0u8; 1];
            let mut w = Window::new(&mut one, skip as u32);
            write(&mut w);
            let n = w.written();
            assert_eq!(
                one.get(..n),
                all.get(skip..skip + 1).or(Some(&[])),
                "at {skip}"
            );
        }
    }

    /// `query_param` writes what the request writer's `query_pair` writes, and fails where it
    /// fails (a buffer one byte short).
    fn query_param_as_the_request_writer(key: &[u8], value: Option<&[u8]>, first: bool) {
        use crate::proto::handshake::RequestWriter;
        let mut want = [0u8; 512];
        let mut w = RequestWriter::new(&mut want);
        w.line_start(b"GET", b"/").unwrap();
        let start = w.len();
        w.query_pair(first, key, value).unwrap();
        let n = w.len() - start;
        let mut got = [0u8; 512];
        assert_eq!(query_param(Some(&mut got), first, key, value), Some(n));
        assert_eq!(got[..n], want[start..start + n]);
        // Exactly the room it needs, and a byte less.
        assert_eq!(query_param(Some(&mut got[..n]), first, key, value), Some(n));
        if n > 0 {
            assert_eq!(
                query_param(Some(&mut got[..n - 1]), first, key, value),
                None
            );
        }
    }

    #[test]
    fn query_param_matches_the_request_writer() {
        let cases: [(&[u8], Option<&[u8]>); 5] = [
            (b"q", Some(b"a b&c=d")),
            (b"k\x00/\xff", None),
            (b"", Some(b"")),
            (b"x.y-z~_", Some(b"%")),
            (b"", None),
        ];
        for (key, value) in cases {
            for first in [true, false] {
                query_param_as_the_request_writer(key, value, first);
            }
        }
        assert_eq!(query_param(None, true, b"k", None), None);
    }

    proptest::proptest! {
        /// Any bytes in the key and value (every byte the encoder tells apart).
        #[test]
        fn query_param_matches_the_request_writer_on_any_bytes(
            key in proptest::collection::vec(proptest::num::u8::ANY, 0..24),
            value in proptest::option::of(proptest::collection::vec(proptest::num::u8::ANY, 0..24)),
            first in proptest::bool::ANY,
        ) {
            query_param_as_the_request_writer(&key, value.as_deref(), first);
        }
    }

    #[test]
    fn measure_says_none_past_u32() {
        let mut m = Window::measure();
        m.add(u32::MAX - 1);
        m.raw(b"x");
        assert_eq!(m.total(), Some(u32::MAX));
        m.raw(b"");
        assert_eq!(m.total(), Some(u32::MAX));
        m.encoded(b" ");
        assert_eq!(m.total(), None);
        m.add(0);
        assert_eq!(m.total(), None);
    }
}
