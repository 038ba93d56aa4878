//! The `HTTPc_ERR_*` a refused response ends its transaction with: the parser's fault classes
//! mapped as legacy reported them, looked up in a byte table.

use super::super::super::consts::*;
use crate::proto::http::Error;

/// The `HTTPc_ERR_*` of a refused response, as legacy reported each class of fault.
const fn resp_code(e: Error) -> HTTPc_ERR {
    match e {
        Error::StatusLineMalformed => HTTPc_ERR_RESP_FORMAT_INVALID,
        Error::VersionInvalid => HTTPc_ERR_RESP_PROTOCOL_VER_INVALID,
        Error::StatusCodeInvalid => HTTPc_ERR_RESP_STATUS_CODE_INVALID,
        Error::HeaderMalformed | Error::ObsFold => HTTPc_ERR_RESP_HDR_MALFORMED,
        Error::LineTooLong | Error::HeadTooLarge => HTTPc_ERR_RESP_HDR_TOO_LARGE,
        Error::ContentLengthInvalid | Error::ContentLengthConflict => {
            HTTPc_ERR_RESP_CONTENT_LEN_INVALID
        }
        Error::ContentLengthWithTransferEncoding | Error::TransferEncodingUnsupported => {
            HTTPc_ERR_RESP_HDR_INVALID
        }
        Error::ChunkSizeInvalid | Error::ChunkSizeOverflow | Error::ChunkDelimiterInvalid => {
            HTTPc_ERR_RESP_CHUNK_INVALID
        }
        Error::DataAfterEnd => HTTPc_ERR_RESP_RX_DATA_LEN_INVALID,
        Error::Truncated => HTTPc_ERR_CONN_SOCK_CLOSED,
    }
}

/// [`resp_code`] as a table of bytes indexed by the variant (every code fits a byte): the
/// `match` compiles to a table of words and a longer lookup.
static RESP_CODES: [u8; 16] = resp_codes(&[
    Error::StatusLineMalformed,
    Error::VersionInvalid,
    Error::StatusCodeInvalid,
    Error::HeaderMalformed,
    Error::ObsFold,
    Error::LineTooLong,
    Error::HeadTooLarge,
    Error::ContentLengthInvalid,
    Error::ContentLengthConflict,
    Error::ContentLengthWithTransferEncoding,
    Error::TransferEncodingUnsupported,
    Error::ChunkSizeInvalid,
    Error::ChunkSizeOverflow,
    Error::ChunkDelimiterInvalid,
    Error::DataAfterEnd,
    Error::Truncated,
]);

/// The table of [`RESP_CODES`] from `all` the variants (checked at compile time: each once,
/// each code a byte), packed in a word, as a const fn may not index.
const fn resp_codes(mut all: &[Error]) -> [u8; 16] {
    let (mut packed, mut seen) = (0u128, 0u32);
    while let [e, rest @ ..] = all {
        let (i, code) = (*e as u32, resp_code(*e));
        assert!(i < 16 && seen & (1 << i) == 0 && code <= 0xff);
        packed |= (code as u128) << (8 * i);
        seen |= 1 << i;
        all = rest;
    }
    assert!(seen == 0xffff);
    packed.to_le_bytes()
}

/// [`resp_code`], looked up. (A variant missing from the table's list still fails the
/// response: never `HTTPc_ERR_NONE`.)
pub(super) fn resp_err(e: Error) -> HTTPc_ERR {
    RESP_CODES
        .get(e as usize)
        .map_or(HTTPc_ERR_RESP_FORMAT_INVALID, |&b| HTTPc_ERR::from(b))
}
