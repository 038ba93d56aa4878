//! Frame headers of RFC 6455 §5.2: encoding (client frames, always masked, minimal length form)
//! and incremental decoding (server frames) with every stateless check of §5.
//!
//! The stateful checks (a continuation without a started message, a new data frame inside a
//! fragmented message, message size limits) belong to the session, which sees frame sequences.
//! Payloads are not handled here: the session streams them.

/// The longest header: 2 fixed bytes, 8 bytes of extended length, 4 bytes of masking key.
pub const MAX_HEADER_LEN: usize = 14;

/// The longest control-frame payload (§5.5).
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// A frame opcode. Any 4-bit value decodes: the reserved ones keep their raw value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    /// 0x0: continues a fragmented data message.
    Continuation,
    /// 0x1: first frame of a text message.
    Text,
    /// 0x2: first frame of a binary message.
    Binary,
    /// 0x8: close.
    Close,
    /// 0x9: ping.
    Ping,
    /// 0xA: pong.
    Pong,
    /// 0x3–0x7 and 0xB–0xF: reserved, always a protocol error on receipt.
    Reserved(u8),
}

impl Opcode {
    /// Decodes the low 4 bits of `raw`.
    pub const fn from_u8(raw: u8) -> Self {
        match raw & 0x0F {
            0x0 => Opcode::Continuation,
            0x1 => Opcode::Text,
            0x2 => Opcode::Binary,
            0x8 => Opcode::Close,
            0x9 => Opcode::Ping,
            0xA => Opcode::Pong,
            other => Opcode::Reserved(other),
        }
    }

    /// The 4-bit wire value.
    pub const fn to_u8(self) -> u8 {
        match self {
            Opcode::Continuation => 0x0,
            Opcode::Text => 0x1,
            Opcode::Binary => 0x2,
            Opcode::Close => 0x8,
            Opcode::Ping => 0x9,
            Opcode::Pong => 0xA,
            Opcode::Reserved(raw) => raw & 0x0F,
        }
    }

    /// Close, ping and pong (and the reserved control range 0xB–0xF).
    pub const fn is_control(self) -> bool {
        self.to_u8() & 0x08 != 0
    }
}

/// A decoded or to-be-encoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Final fragment of a message.
    pub fin: bool,
    /// RSV1..RSV3 as the low 3 bits (RSV1 = 0b100).
    pub rsv: u8,
    /// The opcode.
    pub opcode: Opcode,
    /// The masking key, present on client-to-server frames.
    pub mask: Option<[u8; 4]>,
    /// Payload length.
    pub len: u64,
}

/// A header that breaks RFC 6455 §5 on its own, whatever came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// An RSV bit is set; we negotiate no extension. The value is the RSV bits (RSV1 = 0b100).
    ReservedBits(u8),
    /// An opcode from the reserved ranges.
    ReservedOpcode(u8),
    /// A control frame longer than 125 bytes.
    ControlTooLong,
    /// A control frame without FIN.
    ControlFragmented,
    /// A masked frame from the server (§5.1: the client must fail the connection).
    MaskedFrame,
    /// A 64-bit length with its most significant bit set.
    LengthOverflow,
}

impl core::fmt::Display for FrameError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FrameError::ReservedBits(bits) => write!(f, "reserved bits {bits:#05b} set"),
            FrameError::ReservedOpcode(op) => write!(f, "reserved opcode {op:#x}"),
            FrameError::ControlTooLong => f.write_str("control frame longer than 125 bytes"),
            FrameError::ControlFragmented => f.write_str("fragmented control frame"),
            FrameError::MaskedFrame => f.write_str("masked frame from the server"),
            FrameError::LengthOverflow => f.write_str("64-bit length with the top bit set"),
        }
    }
}

/// The output buffer is shorter than [`FrameHeader::encoded_len`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferTooSmall;

impl FrameHeader {
    /// Bytes the header takes on the wire (2 to 14).
    pub const fn encoded_len(&self) -> usize {
        let ext = if self.len <= 125 {
            0
        } else if self.len <= 0xFFFF {
            2
        } else {
            8
        };
        let mask = if self.mask.is_some() { 4 } else { 0 };
        2 + ext + mask
    }

    /// Writes the header into `out` using the minimal length form (§5.2): 7-bit up to 125,
    /// 16-bit up to 65535, 64-bit above. Returns the header length.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let mut bytes = [0u8; MAX_HEADER_LEN];
        let fin = if self.fin { 0x80 } else { 0 };
        let mask_bit = if self.mask.is_some() { 0x80 } else { 0 };
        let mut n = 2;
        bytes[0] = fin | ((self.rsv & 0x07) << 4) | self.opcode.to_u8();
        if self.len <= 125 {
            bytes[1] = mask_bit | self.len as u8;
        } else if self.len <= 0xFFFF {
            bytes[1] = mask_bit | 126;
            let [hi, lo] = (self.len as u16).to_be_bytes();
            bytes[2] = hi;
            bytes[3] = lo;
            n = 4;
        } else {
            bytes[1] = mask_bit | 127;
            for (slot, b) in bytes.iter_mut().skip(2).zip(self.len.to_be_bytes()) {
                *slot = b;
            }
            n = 10;
        }
        if let Some(key) = self.mask {
            for (slot, b) in bytes.iter_mut().skip(n).zip(key) {
                *slot = b;
            }
            n += 4;
        }
        let dst = out.get_mut(..n).ok_or(BufferTooSmall)?;
        let src = bytes.get(..n).ok_or(BufferTooSmall)?;
        super::bytes::copy(dst, src);
        Ok(n)
    }
}

/// Incremental header decoder: feed it bytes split anywhere; it reports the header once complete.
///
/// Checks fail fast: RSV bits, opcode, FIN on control frames, the mask bit and the 7-bit length
/// of control frames are judged as soon as the first two bytes are in, before the rest arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderDecoder {
    bytes: [u8; MAX_HEADER_LEN],
    have: u8,
    accept_masked: bool,
}

impl Default for HeaderDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl HeaderDecoder {
    /// A decoder for frames from a server: masked frames are an error.
    pub const fn new() -> Self {
        HeaderDecoder {
            bytes: [0; MAX_HEADER_LEN],
            have: 0,
            accept_masked: false,
        }
    }

    /// A decoder that also accepts masked frames (a server's view; used by tests and tools).
    pub const fn accepting_masked() -> Self {
        HeaderDecoder {
            bytes: [0; MAX_HEADER_LEN],
            have: 0,
            accept_masked: true,
        }
    }

    /// True when part of a header has been fed but not yet completed.
    pub const fn is_partial(&self) -> bool {
        self.have != 0
    }

    /// Header length implied by the first two bytes (valid once `have >= 2`).
    fn needed(&self) -> usize {
        let b1 = self.bytes[1];
        let ext = match b1 & 0x7F {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let mask = if b1 & 0x80 != 0 { 4 } else { 0 };
        2 + ext + mask
    }

    /// Checks that need only the first two bytes.
    fn check_first_two(&self) -> Result<(), FrameError> {
        let [b0, b1, ..] = self.bytes;
        let rsv = (b0 >> 4) & 0x07;
        if rsv != 0 {
            return Err(FrameError::ReservedBits(rsv));
        }
        let opcode = Opcode::from_u8(b0);
        if let Opcode::Reserved(raw) = opcode {
            return Err(FrameError::ReservedOpcode(raw));
        }
        if opcode.is_control() {
            if b0 & 0x80 == 0 {
                return Err(FrameError::ControlFragmented);
            }
            if usize::from(b1 & 0x7F) > MAX_CONTROL_PAYLOAD {
                return Err(FrameError::ControlTooLong);
            }
        }
        if b1 & 0x80 != 0 && !self.accept_masked {
            return Err(FrameError::MaskedFrame);
        }
        Ok(())
    }

    /// Feeds bytes. Returns how many were consumed (never more than the header needs) and the
    /// header once complete; the decoder is then reset for the next frame. After an error the
    /// decoder must not be fed again (the connection is failed).
    pub fn feed(&mut self, input: &[u8]) -> Result<(usize, Option<FrameHeader>), FrameError> {
        let mut used = 0;
        for &b in input {
            let have = usize::from(self.have);
            let limit = if have >= 2 {
                self.needed()
            } else {
                MAX_HEADER_LEN
            };
            if have >= limit {
                break;
            }
            if let Some(slot) = self.bytes.get_mut(have) {
                *slot = b;
            }
            self.have += 1;
            used += 1;
            if self.have == 2 {
                self.check_first_two()?;
            }
            if usize::from(self.have) >= 2 && usize::from(self.have) == self.needed() {
                break;
            }
        }
        if usize::from(self.have) >= 2 && usize::from(self.have) == self.needed() {
            let header = self.finish()?;
            self.have = 0;
            return Ok((used, Some(header)));
        }
        Ok((used, None))
    }

    fn finish(&self) -> Result<FrameHeader, FrameError> {
        let [b0, b1, rest @ ..] = self.bytes;
        let (len, after) = match b1 & 0x7F {
            126 => {
                let [h, l, ..] = rest;
                (u64::from(u16::from_be_bytes([h, l])), 2)
            }
            127 => {
                let [a, b, c, d, e, f, g, h, ..] = rest;
                let len = u64::from_be_bytes([a, b, c, d, e, f, g, h]);
                if len >> 63 != 0 {
                    return Err(FrameError::LengthOverflow);
                }
                (len, 8)
            }
            short => (u64::from(short), 0),
        };
        let mask = if b1 & 0x80 != 0 {
            let mut key = [0u8; 4];
            for (k, b) in key.iter_mut().zip(rest.iter().skip(after)) {
                *k = *b;
            }
            Some(key)
        } else {
            None
        };
        Ok(FrameHeader {
            fin: b0 & 0x80 != 0,
            rsv: (b0 >> 4) & 0x07,
            opcode: Opcode::from_u8(b0),
            mask,
            len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    fn decode_all(bytes: &[u8]) -> Result<(usize, Option<FrameHeader>), FrameError> {
        HeaderDecoder::accepting_masked().feed(bytes)
    }

    fn hdr(fin: bool, opcode: Opcode, mask: Option<[u8; 4]>, len: u64) -> FrameHeader {
        FrameHeader {
            fin,
            rsv: 0,
            opcode,
            mask,
            len,
        }
    }

    // RFC 6455 §5.7 examples.
    #[test]
    fn rfc_examples_decode() {
        let unmasked_hello = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        let (n, h) = HeaderDecoder::new().feed(&unmasked_hello).unwrap();
        assert_eq!(n, 2);
        assert_eq!(h, Some(hdr(true, Opcode::Text, None, 5)));

        let masked_hello = [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        let (n, h) = decode_all(&masked_hello).unwrap();
        assert_eq!(n, 6);
        assert_eq!(
            h,
            Some(hdr(true, Opcode::Text, Some([0x37, 0xfa, 0x21, 0x3d]), 5))
        );

        let first_fragment = [0x01, 0x03, 0x48, 0x65, 0x6c];
        let (_, h) = HeaderDecoder::new().feed(&first_fragment).unwrap();
        assert_eq!(h, Some(hdr(false, Opcode::Text, None, 3)));
        let last_fragment = [0x80, 0x02, 0x6c, 0x6f];
        let (_, h) = HeaderDecoder::new().feed(&last_fragment).unwrap();
        assert_eq!(h, Some(hdr(true, Opcode::Continuation, None, 2)));

        let ping = [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        let (_, h) = HeaderDecoder::new().feed(&ping).unwrap();
        assert_eq!(h, Some(hdr(true, Opcode::Ping, None, 5)));

        let bin256 = [0x82, 0x7E, 0x01, 0x00];
        let (n, h) = HeaderDecoder::new().feed(&bin256).unwrap();
        assert_eq!((n, h), (4, Some(hdr(true, Opcode::Binary, None, 256))));

        let bin64k = [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0];
        let (n, h) = HeaderDecoder::new().feed(&bin64k).unwrap();
        assert_eq!((n, h), (10, Some(hdr(true, Opcode::Binary, None, 65536))));
    }

    #[test]
    fn rfc_example_encode_masked_hello_header() {
        let h = hdr(true, Opcode::Text, Some([0x37, 0xfa, 0x21, 0x3d]), 5);
        let mut out = [0u8; MAX_HEADER_LEN];
        let n = h.encode(&mut out).unwrap();
        assert_eq!(&out[..n], &[0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d]);
    }

    #[test]
    fn length_boundaries_use_minimal_form() {
        let cases: [(u64, usize, u8); 7] = [
            (0, 2, 0),
            (125, 2, 125),
            (126, 4, 126),
            (65535, 4, 126),
            (65536, 10, 127),
            (u32::MAX as u64, 10, 127),
            ((1u64 << 63) - 1, 10, 127),
        ];
        for (len, want_len, code) in cases {
            let h = hdr(true, Opcode::Binary, Some([1, 2, 3, 4]), len);
            let mut out = [0u8; MAX_HEADER_LEN];
            let n = h.encode(&mut out).unwrap();
            assert_eq!(n, want_len + 4, "len {len}");
            assert_eq!(h.encoded_len(), n);
            assert_eq!(out[1], 0x80 | code, "len {len}");
            let (used, back) = decode_all(&out[..n]).unwrap();
            assert_eq!((used, back), (n, Some(h)));
        }
    }

    #[test]
    fn encode_reports_short_buffer_at_every_length() {
        let h = hdr(true, Opcode::Binary, Some([9, 9, 9, 9]), 70000);
        for size in 0..h.encoded_len() {
            let mut out = [0u8; MAX_HEADER_LEN];
            assert_eq!(h.encode(&mut out[..size]), Err(BufferTooSmall));
        }
    }

    #[test]
    fn stateless_violations() {
        let cases: [(&[u8], FrameError); 9] = [
            (&[0xC1, 0x00], FrameError::ReservedBits(4)),
            (&[0xA1, 0x00], FrameError::ReservedBits(2)),
            (&[0x91, 0x00], FrameError::ReservedBits(1)),
            (&[0x83, 0x00], FrameError::ReservedOpcode(3)),
            (&[0x8B, 0x00], FrameError::ReservedOpcode(0xB)),
            (&[0x89, 0x7E], FrameError::ControlTooLong),
            (&[0x09, 0x00], FrameError::ControlFragmented),
            (&[0x81, 0x80], FrameError::MaskedFrame),
            (
                &[0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1],
                FrameError::LengthOverflow,
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(HeaderDecoder::new().feed(bytes), Err(want), "{bytes:02x?}");
        }
    }

    #[test]
    fn fails_fast_on_first_two_bytes() {
        // A 64-bit-length header with RSV1: the error comes after 2 bytes, not 10.
        let mut d = HeaderDecoder::new();
        assert_eq!(d.feed(&[0xC2]), Ok((1, None)));
        assert_eq!(d.feed(&[0x7F]), Err(FrameError::ReservedBits(4)));
    }

    #[test]
    fn control_frame_at_limit_is_fine() {
        let (_, h) = HeaderDecoder::new().feed(&[0x89, 125]).unwrap();
        assert_eq!(h, Some(hdr(true, Opcode::Ping, None, 125)));
    }

    #[test]
    fn opcode_round_trip() {
        for raw in 0u8..16 {
            assert_eq!(Opcode::from_u8(raw).to_u8(), raw);
            assert_eq!(Opcode::from_u8(raw).is_control(), raw >= 8);
        }
    }

    proptest! {
        #[test]
        fn split_anywhere_equals_whole(
            fin in any::<bool>(),
            op in prop::sample::select(&[0u8, 1, 2, 8, 9, 10][..]),
            key in any::<Option<[u8; 4]>>(),
            len in prop_oneof![0u64..130, 65530u64..65540, any::<u32>().prop_map(u64::from)],
            cuts in prop::collection::vec(0usize..15, 0..6),
        ) {
            let opcode = Opcode::from_u8(op);
            let len = if opcode.is_control() { len % 126 } else { len };
            let h = FrameHeader { fin: fin || opcode.is_control(), rsv: 0, opcode, mask: key, len };
            let mut out = [0u8; MAX_HEADER_LEN];
            let n = h.encode(&mut out).unwrap();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(n)).collect();
            cuts.push(0);
            cuts.push(n);
            cuts.sort_unstable();
            let mut d = HeaderDecoder::accepting_masked();
            let mut got = None;
            for w in cuts.windows(2) {
                let (used, res) = d.feed(&out[w[0]..w[1]]).unwrap();
                prop_assert_eq!(used, w[1] - w[0]);
                if res.is_some() { got = res; }
            }
            prop_assert_eq!(got, Some(h));
        }

        #[test]
        fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..32)) {
            let mut d = HeaderDecoder::new();
            let mut rest: &[u8] = &bytes;
            while !rest.is_empty() {
                match d.feed(rest) {
                    Ok((used, _)) => { prop_assert!(used > 0); rest = &rest[used..]; }
                    Err(_) => break,
                }
            }
        }
    }
}
