//! Close codes and Close-frame payloads (RFC 6455 §5.5.1, §7.4).
//!
//! Which codes may appear on the wire, how a received payload is judged, and how ours is built.

use super::bytes;
use super::utf8::Utf8Validator;

/// 1000: normal closure.
pub const NORMAL: u16 = 1000;
/// 1001: going away.
pub const GOING_AWAY: u16 = 1001;
/// 1002: protocol error.
pub const PROTOCOL_ERROR: u16 = 1002;
/// 1003: a data type we cannot accept.
pub const UNSUPPORTED_DATA: u16 = 1003;
/// 1005: no status code was present. Reported locally, never sent.
pub const NO_STATUS: u16 = 1005;
/// 1006: the connection closed without a Close frame. Reported locally, never sent.
pub const ABNORMAL: u16 = 1006;
/// 1007: payload inconsistent with its type (invalid UTF-8 in a text message).
pub const INVALID_PAYLOAD: u16 = 1007;
/// 1008: policy violation.
pub const POLICY_VIOLATION: u16 = 1008;
/// 1009: message too big.
pub const MESSAGE_TOO_BIG: u16 = 1009;
/// 1011: unexpected condition.
pub const INTERNAL_ERROR: u16 = 1011;

/// The longest close reason: a control payload of 125 bytes minus the 2-byte code.
pub const MAX_REASON_LEN: usize = 123;

/// True for codes an endpoint may put on the wire: 1000–1003, 1007–1014 and 3000–4999.
/// 1004 is reserved; 1005, 1006 and 1015 are for local reporting only.
pub const fn is_valid_wire_code(code: u16) -> bool {
    // 3000..=4999, or 1000..=1014 minus 1004..=1006 (bit i of 0x7F8F: code 1000 + i).
    let low = code.wrapping_sub(1000);
    code.wrapping_sub(3000) < 2000 || (low < 15 && (0x7F8F >> low) & 1 != 0)
}

/// What is wrong with a received (or caller-built) Close payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseError {
    /// A 1-byte payload: a code needs two.
    Truncated,
    /// A code outside [`is_valid_wire_code`].
    InvalidCode(u16),
    /// The reason is not valid UTF-8.
    InvalidReason,
    /// Longer than a control frame allows.
    TooLong,
}

impl CloseError {
    /// The close code a receiver fails the connection with.
    pub const fn close_code(self) -> u16 {
        match self {
            CloseError::InvalidReason => INVALID_PAYLOAD,
            _ => PROTOCOL_ERROR,
        }
    }
}

impl core::fmt::Display for CloseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CloseError::Truncated => f.write_str("close payload of 1 byte"),
            CloseError::InvalidCode(code) => write!(f, "invalid close code {code}"),
            CloseError::InvalidReason => f.write_str("close reason is not valid UTF-8"),
            CloseError::TooLong => f.write_str("close payload longer than 125 bytes"),
        }
    }
}

/// Judges a Close payload: an empty one means "no status" (1005, empty reason); otherwise a
/// valid wire code and a UTF-8 reason. Returns the code and the reason bytes.
#[inline]
pub fn parse_payload(payload: &[u8]) -> Result<(u16, &[u8]), CloseError> {
    let code = payload_code(payload)?;
    Ok((code, payload.get(2..).unwrap_or(&[])))
}

/// [`parse_payload`]'s judgement, the code only (the reason is whatever follows it).
pub(crate) fn payload_code(payload: &[u8]) -> Result<u16, CloseError> {
    match payload {
        [] => Ok(NO_STATUS),
        [_] => Err(CloseError::Truncated),
        [hi, lo, reason @ ..] => {
            if reason.len() > MAX_REASON_LEN {
                return Err(CloseError::TooLong);
            }
            let code = u16::from_be_bytes([*hi, *lo]);
            if !is_valid_wire_code(code) {
                return Err(CloseError::InvalidCode(code));
            }
            check_reason(reason)?;
            Ok(code)
        }
    }
}

/// A whole reason must be UTF-8.
#[inline(always)]
fn check_reason(reason: &[u8]) -> Result<(), CloseError> {
    let mut utf8 = Utf8Validator::new();
    utf8.feed(reason)
        .and_then(|()| utf8.finish())
        .map_err(|_| CloseError::InvalidReason)
}

/// Writes a Close payload (code in network order, then the reason) into `out`; returns its
/// length. The code must be a valid wire code and the reason at most 123 bytes of UTF-8.
pub fn write_payload(code: u16, reason: &[u8], out: &mut [u8]) -> Result<usize, CloseError> {
    if !is_valid_wire_code(code) {
        return Err(CloseError::InvalidCode(code));
    }
    if reason.len() > MAX_REASON_LEN {
        return Err(CloseError::TooLong);
    }
    // The room first: a reason that does not fit is too long whatever its bytes.
    let n = 2 + reason.len();
    let (head, tail) = out
        .get_mut(..n)
        .and_then(|dst| dst.split_first_chunk_mut::<2>())
        .ok_or(CloseError::TooLong)?;
    check_reason(reason)?;
    *head = code.to_be_bytes();
    bytes::copy(tail, reason);
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_code_ranges() {
        for code in 0u16..=u16::MAX {
            let want = (1000..=1003).contains(&code)
                || (1007..=1014).contains(&code)
                || (3000..=4999).contains(&code);
            assert_eq!(is_valid_wire_code(code), want, "{code}");
        }
        for code in [1004, 1005, 1006, 1015, 999, 1016, 2999, 5000, 0, 65535] {
            assert!(!is_valid_wire_code(code), "{code}");
        }
    }

    #[test]
    fn parse_empty_is_no_status() {
        assert_eq!(parse_payload(&[]), Ok((NO_STATUS, &[][..])));
    }

    #[test]
    fn parse_valid_with_reason() {
        assert_eq!(parse_payload(b"\x03\xe8bye"), Ok((1000, &b"bye"[..])));
        assert_eq!(parse_payload(b"\x0b\xb8"), Ok((3000, &b""[..])));
    }

    #[test]
    fn parse_rejects_bad_payloads_with_the_right_code() {
        let truncated = parse_payload(&[0x03]).unwrap_err();
        assert_eq!(truncated, CloseError::Truncated);
        assert_eq!(truncated.close_code(), PROTOCOL_ERROR);
        let reserved = parse_payload(&[0x03, 0xED]).unwrap_err();
        assert_eq!(reserved, CloseError::InvalidCode(1005));
        assert_eq!(reserved.close_code(), PROTOCOL_ERROR);
        let bad_utf8 = parse_payload(&[0x03, 0xE8, 0xCE, 0xBA, 0xE1, 0xBD]).unwrap_err();
        assert_eq!(bad_utf8, CloseError::InvalidReason);
        assert_eq!(bad_utf8.close_code(), INVALID_PAYLOAD);
    }

    #[test]
    fn parse_bounds_the_reason_at_123_bytes() {
        // The largest a control frame carries is accepted; one byte more (only reachable by a
        // caller of this API, not from a frame) is refused, whatever the bytes are.
        let mut payload = [b'x'; 126];
        payload[..2].copy_from_slice(&1000u16.to_be_bytes());
        assert_eq!(parse_payload(&payload[..125]), Ok((1000, &payload[2..125])));
        assert_eq!(parse_payload(&payload), Err(CloseError::TooLong));
        assert_eq!(payload_code(&payload[..125]), Ok(1000));
    }

    #[test]
    fn write_round_trips_and_checks() {
        let mut out = [0u8; 125];
        let n = write_payload(1001, b"away", &mut out).unwrap();
        assert_eq!(&out[..n], b"\x03\xe9away");
        assert_eq!(parse_payload(&out[..n]), Ok((1001, &b"away"[..])));
        assert_eq!(
            write_payload(1005, b"", &mut out),
            Err(CloseError::InvalidCode(1005))
        );
        assert_eq!(
            write_payload(1000, &[b'x'; 124], &mut out),
            Err(CloseError::TooLong)
        );
        assert_eq!(
            write_payload(1000, &[0xFF], &mut out),
            Err(CloseError::InvalidReason)
        );
        let mut small = [0u8; 3];
        assert_eq!(
            write_payload(1000, b"ab", &mut small),
            Err(CloseError::TooLong)
        );
        assert_eq!(write_payload(1000, &[b'x'; 123], &mut out), Ok(125));
    }
}
