//! RFC 6455 §5.3 payload masking: XOR with a 4-byte key, a machine word at a time.
//!
//! Owns [`apply_mask`] (one call, any starting position in the frame) and [`Masker`] (the same
//! over a frame delivered in chunks). Masking and unmasking are the same operation.

#![forbid(unsafe_code)]

use core::mem::size_of;

/// Bytes per word of the fast loop. A multiple of 4, so every word sees the key in the
/// same rotation.
const WORD: usize = size_of::<usize>();

/// XOR `buf` with the 4-byte masking `key`, where `buf[0]` is payload byte number `phase` of the frame
/// (only `phase % 4` matters): buf[i] ^= key[(phase + i) % 4].
pub fn apply_mask(key: [u8; 4], phase: usize, buf: &mut [u8]) {
    // Rotate so that key byte 0 lines up with buf[0]; after that the pattern is periodic
    // from the start of `buf`, whatever its address.
    // Done on a u32 (little-endian view: rotating bytes left is rotating bits right) so that
    // no slice-rotation bounds assertion is involved. `% 4 * 8` keeps the cast lossless.
    let shift = (phase % 4 * 8) as u32;
    let mut key = u32::from_le_bytes(key).rotate_right(shift);

    // The key repeated over a word: the 4 key bytes in memory order, as a native u32, times
    // 1 (32-bit) or 0x1_0000_0001 (64-bit), which repeats them whatever the byte order.
    let pattern = (u32::from_ne_bytes(key.to_le_bytes()) as usize)
        .wrapping_mul(usize::MAX / u32::MAX as usize);

    // The whole-word loop needs no alignment: from_ne_bytes on a byte array compiles to a
    // word load where the target allows unaligned access, and to byte loads where it doesn't.
    let mut words = buf.chunks_exact_mut(WORD);
    for chunk in &mut words {
        // Always Some: every chunk is exactly WORD bytes; this just gets the array type.
        if let Some(word) = chunk.first_chunk_mut::<WORD>() {
            *word = (usize::from_ne_bytes(*word) ^ pattern).to_ne_bytes();
        }
    }
    // Tail (< WORD bytes) starts at a multiple of WORD, hence of 4: key phase 0 again. The low
    // byte of `key` is the next key byte.
    for b in words.into_remainder() {
        *b ^= key as u8;
        key = key.rotate_right(8);
    }
}

/// Streaming masker for one frame: remembers the key and the position across chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Masker {
    /// The frame's masking key.
    key: [u8; 4],
    /// Payload bytes processed so far, modulo 4.
    phase: u8,
}

impl Masker {
    /// A masker at the start of a frame's payload, for the masking `key`.
    pub const fn new(key: [u8; 4]) -> Self {
        Self { key, phase: 0 }
    }

    /// Mask (or unmask: XOR is its own inverse) the next chunk of the payload, in place.
    pub fn apply(&mut self, buf: &mut [u8]) {
        apply_mask(self.key, usize::from(self.phase), buf);
        // Only the length modulo 4 matters; `% 4` keeps the cast lossless.
        let advance = (buf.len() % 4) as u8;
        self.phase = (self.phase + advance) % 4;
    }

    /// The masking key of this frame.
    pub fn key(&self) -> [u8; 4] {
        self.key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    fn reference(key: [u8; 4], phase: usize, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b ^= key[(phase + i) % 4];
        }
    }

    #[test]
    fn rfc6455_hello_example() {
        // RFC 6455 §5.7: a single-frame masked text message containing "Hello".
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let mut buf = *b"Hello";
        apply_mask(key, 0, &mut buf);
        assert_eq!(buf, [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
        let mut m = Masker::new(key);
        m.apply(&mut buf);
        assert_eq!(&buf, b"Hello");
        assert_eq!(m.key(), key);
    }

    #[test]
    fn phase_and_edge_cases() {
        let key = [1, 2, 4, 8];
        let mut empty: [u8; 0] = [];
        apply_mask(key, 3, &mut empty);
        let mut buf = [0u8; 6];
        // Large phases: only phase % 4 matters.
        apply_mask(key, usize::MAX, &mut buf); // usize::MAX % 4 == 3
        assert_eq!(buf, [8, 1, 2, 4, 8, 1]);
        let mut buf = [0u8; 6];
        apply_mask(key, 6, &mut buf);
        assert_eq!(buf, [4, 8, 1, 2, 4, 8]);
        assert_eq!(Masker::default(), Masker::new([0; 4]));
        // Empty chunks don't move the phase.
        let mut m = Masker::new(key);
        m.apply(&mut []);
        let mut one = [0u8];
        m.apply(&mut one);
        assert_eq!(one, [1]);
        m.apply(&mut []);
        m.apply(&mut one);
        assert_eq!(one, [1 ^ 2]);
    }

    #[test]
    fn all_small_lengths_offsets_phases() {
        let key = [0xA5, 0x3C, 0x0F, 0xF0];
        let src: Vec<u8> = (0..80u8).map(|i| i.wrapping_mul(37)).collect();
        for off in 0..WORD {
            for len in 0..(src.len() - off) {
                for phase in 0..8 {
                    let mut a = src.clone();
                    let mut b = src.clone();
                    apply_mask(key, phase, &mut a[off..off + len]);
                    reference(key, phase, &mut b[off..off + len]);
                    assert_eq!(a, b, "off {off} len {len} phase {phase}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn prop_word_equals_bytewise(
            key in any::<[u8; 4]>(),
            phase in 0usize..16,
            data in proptest::collection::vec(any::<u8>(), 0..300 + 2 * WORD),
            len in 0usize..300,
            offset in 0usize..2 * WORD,
        ) {
            let offset = offset.min(data.len());
            let len = len.min(data.len() - offset);
            let mut fast = data.clone();
            let mut slow = data.clone();
            apply_mask(key, phase, &mut fast[offset..offset + len]);
            reference(key, phase, &mut slow[offset..offset + len]);
            // Also checks that bytes outside the sub-slice are untouched.
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn prop_masker_chunking_equals_whole(
            key in any::<[u8; 4]>(),
            data in proptest::collection::vec(any::<u8>(), 0..300),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..10),
        ) {
            let mut whole = data.clone();
            apply_mask(key, 0, &mut whole);

            let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(data.len() + 1)).collect();
            cuts.sort_unstable();
            let mut chunked = data.clone();
            let mut m = Masker::new(key);
            let mut start = 0;
            for end in cuts.into_iter().chain(core::iter::once(data.len())) {
                m.apply(&mut chunked[start..end]);
                start = end;
            }
            prop_assert_eq!(chunked, whole);
            prop_assert_eq!(m.key(), key);
        }

        #[test]
        fn prop_twice_is_identity(
            key in any::<[u8; 4]>(),
            phase in any::<usize>(),
            data in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let mut buf = data.clone();
            apply_mask(key, phase, &mut buf);
            apply_mask(key, phase, &mut buf);
            prop_assert_eq!(buf, data);
        }
    }
}
