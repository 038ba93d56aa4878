//! Header names: legacy's header dictionary, and the one list a build looks received and
//! caller header names up in.
//!
//! The handshake and the plain-HTTP response parser each need a few names (`Upgrade`,
//! `Content-Length`, …). Built with a legacy header hook (`hdr-rx` or `hdr-tx`), the firmware
//! carries legacy's whole dictionary anyway, and they look their names up in it; built without,
//! a short list of just those names is linked instead. The indexes of the names they need are
//! found at compile time ([`index_of`]), so their code is the same either way.

/// Legacy's header dictionary (`http_dict.c`): the standard name of every named
/// `HTTP_HDR_FIELD` (all but `UNKNOWN`), each followed by a NUL, in enum order
/// (`HTTP_HDR_FIELD_CONTENT_TYPE`, 1, first). One packed string, not a table of slices: a third
/// of the flash on a 32-bit target.
pub static LEGACY_HEADERS: &[u8] = DICT;

const DICT: &[u8] = b"\
    Content-Type\0\
    Content-Length\0\
    Content-Disposition\0\
    Host\0\
    Location\0\
    Connection\0\
    Transfer-Encoding\0\
    Accept\0\
    Accept-Charset\0\
    Accept-Encoding\0\
    Accept-Language\0\
    Accept-Ranges\0\
    Age\0\
    Allow\0\
    Authorization\0\
    Content-Encoding\0\
    Content-Language\0\
    Content-Location\0\
    Content-MD5\0\
    Content-Range\0\
    Cookie\0\
    Cookie2\0\
    Date\0\
    ETag\0\
    Expect\0\
    Expires\0\
    From\0\
    If-Modified-Since\0\
    If-Match\0\
    If-None-Match\0\
    If-Range\0\
    If-Unmodified-Since\0\
    Last-Modified\0\
    Range\0\
    Referer\0\
    Retry-After\0\
    Server\0\
    Set-Cookie\0\
    Set-Cookie2\0\
    TE\0\
    Trailer\0\
    Upgrade\0\
    User-Agent\0\
    Vary\0\
    Via\0\
    Warning\0\
    WWW-Authenticate\0\
    Sec-WebSocket-Key\0\
    Sec-WebSocket-Accept\0\
    Sec-WebSocket-Version\0\
    Sec-WebSocket-Protocol\0\
    Sec-WebSocket-Extensions\0\
    Origin\0";

/// The list [`index_of`] and the lookups search: legacy's dictionary when a header hook links
/// it anyway.
#[cfg(any(feature = "hdr-rx", feature = "hdr-tx"))]
pub(crate) static HEADER_NAMES: &[u8] = LEGACY_HEADERS;

/// The list [`index_of`] and the lookups search: without the header hooks, only the names the
/// library reads in a response or writes itself (the handshake's first, then the framing).
#[cfg(not(any(feature = "hdr-rx", feature = "hdr-tx")))]
pub(crate) static HEADER_NAMES: &[u8] = b"upgrade\0connection\0sec-websocket-accept\0\
sec-websocket-extensions\0sec-websocket-protocol\0host\0sec-websocket-key\0sec-websocket-version\0\
content-length\0transfer-encoding\0";

/// The index of `name` in [`HEADER_NAMES`] (ASCII case-insensitive), at compile time; the
/// number of names when it is not there (the constants below are checked against that). The
/// compile-time twin of [`super::lookup_ci`], which stays a plain loop: as a `const fn` like
/// this one it links 28 B more.
const fn index_of(name: &[u8]) -> usize {
    let mut rest = HEADER_NAMES;
    let (mut index, mut want, mut same) = (0, name, true);
    while let [k, tail @ ..] = rest {
        if *k == 0 {
            if same && want.is_empty() {
                return index;
            }
            index += 1;
            want = name;
            same = true;
        } else if let [b, more @ ..] = want {
            same = same && b.eq_ignore_ascii_case(k);
            want = more;
        } else {
            same = false;
        }
        rest = tail;
    }
    index
}

/// The entry at `index` of [`HEADER_NAMES`] with its NUL (a one-name list for the list
/// helpers), at compile time; empty when there is none.
const fn entry(index: usize) -> &'static [u8] {
    let mut from = HEADER_NAMES;
    let (mut rest, mut len, mut n) = (HEADER_NAMES, 0, 0);
    while let [k, tail @ ..] = rest {
        len += 1;
        rest = tail;
        if *k == 0 {
            if n == index {
                if let Some((name, _)) = from.split_at_checked(len) {
                    return name;
                }
                return &[];
            }
            n += 1;
            from = tail;
            len = 0;
        }
    }
    &[]
}

/// Number of names in [`HEADER_NAMES`].
#[allow(dead_code)] // used by the check below (the MSRV compiler does not count that) and tests
pub(crate) const HDR_COUNT: usize = index_of(b"");
pub(crate) const HDR_UPGRADE: usize = index_of(b"upgrade");
pub(crate) const HDR_CONNECTION: usize = index_of(b"connection");
pub(crate) const HDR_ACCEPT: usize = index_of(b"sec-websocket-accept");
pub(crate) const HDR_EXTENSIONS: usize = index_of(b"sec-websocket-extensions");
pub(crate) const HDR_PROTOCOL: usize = index_of(b"sec-websocket-protocol");
pub(crate) const HDR_HOST: usize = index_of(b"host");
pub(crate) const HDR_KEY: usize = index_of(b"sec-websocket-key");
pub(crate) const HDR_VERSION: usize = index_of(b"sec-websocket-version");
pub(crate) const HDR_CONTENT_LENGTH: usize = index_of(b"content-length");
pub(crate) const HDR_TRANSFER_ENCODING: usize = index_of(b"transfer-encoding");
// Every name the library needs is in the list (a missing one would be `HDR_COUNT`).
const _: () = assert!(
    HDR_UPGRADE < HDR_COUNT
        && HDR_CONNECTION < HDR_COUNT
        && HDR_ACCEPT < HDR_COUNT
        && HDR_EXTENSIONS < HDR_COUNT
        && HDR_PROTOCOL < HDR_COUNT
        && HDR_HOST < HDR_COUNT
        && HDR_KEY < HDR_COUNT
        && HDR_VERSION < HDR_COUNT
        && HDR_CONTENT_LENGTH < HDR_COUNT
        && HDR_TRANSFER_ENCODING < HDR_COUNT
);

/// `upgrade` with its NUL, as stored in [`HEADER_NAMES`]: the token a 101's `Connection` must
/// list (case-insensitive), not stored a second time.
pub(crate) const TOKEN_UPGRADE: &[u8] = entry(HDR_UPGRADE);

/// `name` as a request head spells it (legacy's case): the bytes of [`HEADER_NAMES`] when the
/// list holds it spelt so (legacy's dictionary, linked with a header hook: not stored a second
/// time), else `name` itself. At compile time.
const fn wire_name(name: &'static [u8]) -> &'static [u8] {
    let listed = entry(index_of(name));
    // The entry must be `name` and its NUL, byte for byte (the short list is lower-case).
    let (mut left, mut want) = (listed, name);
    while let ([a, more @ ..], [b, rest @ ..]) = (left, want) {
        if *a != *b {
            return name;
        }
        (left, want) = (more, rest);
    }
    match (left, listed.split_last()) {
        ([0], Some((_, spelt))) => spelt,
        _ => name,
    }
}

/// The names a plain request's head carries besides the application's.
pub(crate) const NAME_CONNECTION: &[u8] = wire_name(b"Connection");
pub(crate) const NAME_CONTENT_TYPE: &[u8] = wire_name(b"Content-Type");
pub(crate) const NAME_CONTENT_LENGTH: &[u8] = wire_name(b"Content-Length");
pub(crate) const NAME_TRANSFER_ENCODING: &[u8] = wire_name(b"Transfer-Encoding");

/// The index of `name` (ASCII case-insensitive) in [`HEADER_NAMES`], or [`HDR_COUNT`].
#[inline(always)] // callers pass the list to the shared lookup directly
pub(crate) fn header_index(name: &[u8]) -> usize {
    super::lookup_ci(HEADER_NAMES, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_head_names_are_spelt_as_legacy() {
        // (Whether they share the list's bytes is for the linker to show: the footprint.)
        assert_eq!(NAME_CONNECTION, b"Connection");
        assert_eq!(NAME_CONTENT_TYPE, b"Content-Type");
        assert_eq!(NAME_CONTENT_LENGTH, b"Content-Length");
        assert_eq!(NAME_TRANSFER_ENCODING, b"Transfer-Encoding");
    }

    #[test]
    fn a_name_spelt_otherwise_than_in_the_list_stays_itself() {
        for name in [
            &b"CONNECTION"[..],
            b"Connectio",
            b"Connection\0",
            b"X-Unknown",
        ] {
            assert_eq!(wire_name(name), name);
        }
        assert_eq!(wire_name(b""), b"");
    }

    #[test]
    fn request_head_values_are_the_parsers_tokens() {
        assert_eq!(super::super::response::VALUE_CLOSE, b"close");
        assert_eq!(super::super::response::VALUE_CHUNKED, b"chunked");
    }
}
