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
///
/// The discriminants are the wire values (all reserved values share the tag 3), so the
/// conversions are a tag load and a compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Opcode {
    /// 0x0: continues a fragmented data message.
    Continuation = 0x0,
    /// 0x1: first frame of a text message.
    Text = 0x1,
    /// 0x2: first frame of a binary message.
    Binary = 0x2,
    /// 0x8: close.
    Close = 0x8,
    /// 0x9: ping.
    Ping = 0x9,
    /// 0xA: pong.
    Pong = 0xA,
    /// 0x3–0x7 and 0xB–0xF: reserved, always a protocol error on receipt.
    Reserved(u8) = 0x3,
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
        let (ext, len7) = if self.len <= 125 {
            (0, self.len as u8)
        } else if self.len <= 0xFFFF {
            (2, 126)
        } else {
            (8, 127)
        };
        let (mask_bit, key) = match self.mask {
            Some(key) => (0x80, key),
            None => (0, [0; 4]),
        };
        let n = 2 + ext + usize::from(mask_bit >> 5);
        let dst = out.get_mut(..n).ok_or(BufferTooSmall)?;
        let len = self.len.to_be_bytes();
        for (i, slot) in dst.iter_mut().enumerate() {
            *slot = match i {
                0 => (self.fin as u8) << 7 | ((self.rsv & 0x07) << 4) | self.opcode.to_u8(),
                1 => mask_bit | len7,
                // The last `ext` bytes of the big-endian length, then the key. The masks only
                // spare the bounds checks: the indexes are in range.
                _ if i < 2 + ext => len.get((i + 6 - ext) & 7).copied().unwrap_or(0),
                _ => key.get((i - 2 - ext) & 3).copied().unwrap_or(0),
            };
        }
        Ok(n)
    }
}

/// Incremental header decoder: feed it bytes split anywhere; it reports the header once complete.
///
/// Checks fail fast: RSV bits, opcode and the mask bit are judged as soon as the first two bytes
/// are in, before the rest arrives; FIN and the length of control frames once the header is.
///
/// `MASKED`: masked frames are accepted (a server's view, for tests and tools); a client's
/// decoder (the default) refuses them, a check the compiler then sees as constant.
///
/// Byte at a time with a small accumulator: the first two bytes are kept, the extended length
/// and the masking key are shifted in as they arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderDecoder<const MASKED: bool = false> {
    /// Bytes of the current header received so far.
    have: u8,
    /// Header length implied by the first two bytes (valid once `have >= 2`).
    need: u8,
    /// Where the masking key (if any) starts: the end of the extended length.
    key_at: u8,
    b0: u8,
    b1: u8,
    /// Extended length, high and low 32 bits (no u64 field: the session stays 4-aligned).
    len_hi: u32,
    len_lo: u32,
    /// Masking key, big-endian.
    key: u32,
}

impl Default for HeaderDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl HeaderDecoder {
    /// A decoder for frames from a server: masked frames are an error.
    pub const fn new() -> Self {
        Self::fresh()
    }
}

impl HeaderDecoder<true> {
    /// A decoder that also accepts masked frames (a server's view; used by tests and tools).
    pub const fn accepting_masked() -> Self {
        Self::fresh()
    }
}

impl<const MASKED: bool> HeaderDecoder<MASKED> {
    const fn fresh() -> Self {
        HeaderDecoder {
            have: 0,
            need: 0,
            key_at: 0,
            b0: 0,
            b1: 0,
            len_hi: 0,
            len_lo: 0,
            key: 0,
        }
    }

    /// True when part of a header has been fed but not yet completed.
    pub const fn is_partial(&self) -> bool {
        self.have != 0
    }

    /// Checks that need only the first two bytes.
    fn check_first_two(&self) -> Result<(), FrameError> {
        let (b0, b1) = (self.b0, self.b1);
        let rsv = (b0 >> 4) & 0x07;
        if rsv != 0 {
            return Err(FrameError::ReservedBits(rsv));
        }
        let op = b0 & 0x0F;
        // 0x3–0x7 and 0xB–0xF.
        if op & 0x07 >= 3 {
            return Err(FrameError::ReservedOpcode(op));
        }
        if b1 & 0x80 != 0 && !MASKED {
            return Err(FrameError::MaskedFrame);
        }
        Ok(())
    }

    /// Takes one header byte; true when the header is complete.
    #[inline(never)]
    fn push(&mut self, b: u8) -> Result<bool, FrameError> {
        let at = self.have;
        self.have = at.wrapping_add(1);
        match at {
            0 => self.b0 = b,
            1 => {
                self.b1 = b;
                self.check_first_two()?;
                let short = b & 0x7F;
                self.len_hi = 0;
                self.len_lo = u32::from(short);
                // 126: 2 bytes of extended length, 127: 8 (the 7-bit value is then cleared).
                let ext = if short < 126 {
                    0
                } else {
                    self.len_lo = 0;
                    2 + (short & 1) * 6
                };
                // (b >> 5) & 4: 4 more bytes when the mask bit is set.
                self.key_at = 2 + ext;
                self.need = 2 + ext + ((b >> 5) & 4);
            }
            // The extended length ends where the key (if any) starts. (A client's decoder never
            // reads a key: a masked frame failed at byte 1, and is not fed again.)
            _ if !MASKED || at < self.key_at => {
                self.len_hi = (self.len_hi << 8) | (self.len_lo >> 24);
                self.len_lo = (self.len_lo << 8) | u32::from(b);
            }
            _ => self.key = (self.key << 8) | u32::from(b),
        }
        Ok(self.have == self.need)
    }

    /// Feeds bytes up to the end of a header: how many were consumed and whether the header
    /// is now complete (then [`HeaderDecoder::header`] and friends describe it until the next
    /// byte is fed).
    pub(crate) fn feed_raw(&mut self, input: &[u8]) -> Result<(usize, bool), FrameError> {
        let mut used = 0;
        for &b in input {
            used += 1;
            if self.push(b)? {
                self.have = 0;
                if self.len_hi >> 31 != 0 {
                    return Err(FrameError::LengthOverflow);
                }
                if self.b0 & 0x08 != 0 {
                    if self.b0 & 0x80 == 0 {
                        return Err(FrameError::ControlFragmented);
                    }
                    // The decoded length: a short payload in the 16- or 64-bit form is one
                    // (RFC 6455 §5.5 bounds the payload, as legacy checked it).
                    if self.len_hi != 0 || self.len_lo > MAX_CONTROL_PAYLOAD as u32 {
                        return Err(FrameError::ControlTooLong);
                    }
                }
                return Ok((used, true));
            }
        }
        Ok((used, false))
    }

    /// The last completed header's FIN bit.
    pub(crate) const fn fin(&self) -> bool {
        self.b0 & 0x80 != 0
    }

    /// The last completed header's opcode.
    pub(crate) const fn opcode(&self) -> Opcode {
        Opcode::from_u8(self.b0)
    }

    /// The last completed header's opcode, as the 4-bit wire value.
    pub(crate) const fn raw_opcode(&self) -> u8 {
        self.b0 & 0x0F
    }

    /// The last completed header's payload length, if it fits in 32 bits.
    pub(crate) const fn len32(&self) -> Option<u32> {
        if self.len_hi == 0 {
            Some(self.len_lo)
        } else {
            None
        }
    }

    /// The last completed header.
    fn header(&self) -> FrameHeader {
        FrameHeader {
            fin: self.fin(),
            rsv: (self.b0 >> 4) & 0x07,
            opcode: self.opcode(),
            mask: if self.b1 & 0x80 != 0 {
                Some(self.key.to_be_bytes())
            } else {
                None
            },
            len: (u64::from(self.len_hi) << 32) | u64::from(self.len_lo),
        }
    }

    /// Feeds bytes. Returns how many were consumed (never more than the header needs) and the
    /// header once complete; the decoder is then reset for the next frame. After an error the
    /// decoder must not be fed again (the connection is failed).
    pub fn feed(&mut self, input: &[u8]) -> Result<(usize, Option<FrameHeader>), FrameError> {
        let (used, complete) = self.feed_raw(input)?;
        Ok((used, if complete { Some(self.header()) } else { None }))
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
    fn encode_writes_fin_reserved_bits_and_opcode_in_the_first_byte() {
        // (An extension would set the reserved bits; the client never does, the API may.)
        for rsv in 0..8u8 {
            for fin in [false, true] {
                let h = FrameHeader {
                    rsv,
                    ..hdr(fin, Opcode::Ping, None, 3)
                };
                let mut out = [0u8; MAX_HEADER_LEN];
                assert_eq!(h.encode(&mut out), Ok(2));
                assert_eq!(
                    out[..2],
                    [u8::from(fin) << 7 | rsv << 4 | 0x9, 3],
                    "{rsv} {fin}"
                );
            }
        }
    }

    #[test]
    fn a_header_fed_in_pieces_is_partial_until_complete() {
        let bytes = [0x82, 0x7E, 0x01, 0x00];
        let mut d = HeaderDecoder::new();
        assert!(!d.is_partial());
        for (i, b) in bytes.iter().enumerate() {
            let (used, h) = d.feed(core::slice::from_ref(b)).unwrap();
            assert_eq!(used, 1);
            let last = i + 1 == bytes.len();
            assert_eq!(h.is_some(), last);
            assert_eq!(d.is_partial(), !last, "after byte {i}");
        }
    }

    #[test]
    fn errors_describe_themselves() {
        use std::string::ToString;
        let errors = [
            FrameError::ReservedBits(4),
            FrameError::ReservedOpcode(3),
            FrameError::ControlTooLong,
            FrameError::ControlFragmented,
            FrameError::MaskedFrame,
            FrameError::LengthOverflow,
        ];
        let texts: Vec<_> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(texts[0], "reserved bits 0b100 set");
        assert_eq!(texts[1], "reserved opcode 0x3");
        for (i, t) in texts.iter().enumerate() {
            assert!(!t.is_empty() && !texts[..i].contains(t), "{t}");
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
        let cases: [(&[u8], FrameError); 11] = [
            (&[0xC1, 0x00], FrameError::ReservedBits(4)),
            (&[0xA1, 0x00], FrameError::ReservedBits(2)),
            (&[0x91, 0x00], FrameError::ReservedBits(1)),
            (&[0x83, 0x00], FrameError::ReservedOpcode(3)),
            (&[0x8B, 0x00], FrameError::ReservedOpcode(0xB)),
            (&[0x89, 0x7E, 0x00, 0x7E], FrameError::ControlTooLong),
            (
                &[0x8A, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x7E],
                FrameError::ControlTooLong,
            ),
            (
                &[0x88, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0],
                FrameError::ControlTooLong,
            ),
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
        // A control frame's bound is on its decoded length: a short payload in the 16- or
        // 64-bit form is accepted (the minimal-length rule binds the sender; legacy took them).
        for bytes in [
            &[0x89, 0x7E, 0x00, 0x05][..],
            &[0x8A, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x7D],
            &[0x88, 0x7E, 0x00, 0x02],
        ] {
            let mut d = HeaderDecoder::new();
            assert_eq!(d.feed_raw(bytes), Ok((bytes.len(), true)), "{bytes:02x?}");
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
