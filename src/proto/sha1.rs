//! SHA-1 (FIPS 180-4), only for `Sec-WebSocket-Accept` (RFC 6455 §4.2.2), where it is a
//! fingerprint, not a security function.
//!
//! A small rolled-loop implementation rather than the `sha1_smol` crate: a fraction of its
//! flash on Cortex-M and no panic path. One shot over two byte strings (the key and the GUID):
//! each block's words are computed from the message bytes as the block is hashed, so no block
//! buffer is filled or cleared (no `memset` is linked for it). Input is a few dozen bytes, so
//! speed is moot.

const INIT: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// The SHA-1 digest of `a` followed by `b`.
pub fn digest(a: &[u8], b: &[u8]) -> [u8; 20] {
    let len = a.len() + b.len();
    // The message, the 0x80 byte, zeros, and the 64-bit bit count end on a block boundary.
    let blocks = (len + 8) / 64 + 1;
    let end = blocks * 64;
    // The bit count, as two 32-bit halves (a 64-bit shift is a library call on Cortex-M).
    let count = [(len >> 29) as u32, (len as u32) << 3];
    let byte = |i: usize| -> u8 {
        if let Some(&x) = a.get(i) {
            x
        } else if let Some(&x) = b.get(i.wrapping_sub(a.len())) {
            x
        } else if i == len {
            0x80
        } else if i + 8 >= end {
            // One byte of the big-endian bit count (`i - (end - 8) < 8`): truncating cast.
            let k = (i + 8 - end) & 7;
            (count.get(k / 4).copied().unwrap_or(0) >> (24 - 8 * (k % 4))) as u8
        } else {
            0
        }
    };
    let mut state = INIT;
    let mut w = [0u32; 16];
    for block in 0..blocks {
        let at = block * 64;
        compress(&mut state, &mut w, |j| {
            // Big-endian: the word's first byte is its most significant.
            (at + 4 * j..at + 4 * j + 4).fold(0, |x, k| x << 8 | u32::from(byte(k)))
        });
    }
    output(&state)
}

/// The words that follow a 24-byte message head in its first block, for [`digest_head_tail`]:
/// a 36-byte `tail` (big-endian words), then the 0x80 byte that starts the padding. Computed
/// at compile time: the handshake's tail is its GUID.
pub const fn tail_words(tail: &[u8; 36]) -> [u32; 10] {
    // Nine words of the tail; the tenth keeps the padding's first byte.
    let mut w = [0x8000_0000u32; 10];
    let (mut rest, mut out): (&[u8], &mut [u32]) = (tail, &mut w);
    while let ([a, b, c, d, more @ ..], [x, others @ ..]) = (rest, out) {
        *x = u32::from_be_bytes([*a, *b, *c, *d]);
        (rest, out) = (more, others);
    }
    w
}

/// [`digest`] of a 24-byte `head` followed by a 36-byte tail given as its [`tail_words`]: the
/// `Sec-WebSocket-Accept` digest of a key. The 60 bytes and their padding fill two blocks, the
/// second one fixed (zeros and the bit count, 480): no byte-by-byte padding logic.
pub fn digest_head_tail(head: &[u8; 24], tail: &[u32; 10]) -> [u8; 20] {
    let mut state = INIT;
    let mut w = [0u32; 16];
    for block in 0..2 {
        compress(&mut state, &mut w, |j| match (block, j) {
            (0, 0..=5) => head
                .get(4 * j..4 * j + 4)
                .unwrap_or_default()
                .iter()
                .fold(0, |x, &b| x << 8 | u32::from(b)),
            (0, _) => tail.get(j - 6).copied().unwrap_or(0),
            (_, 15) => 480,
            _ => 0,
        });
    }
    output(&state)
}

/// The digest's 20 bytes: the state's words, big-endian.
fn output(state: &[u32; 5]) -> [u8; 20] {
    // Truncating cast: one byte of a word.
    core::array::from_fn(|i| (state.get(i / 4).copied().unwrap_or(0) >> (24 - 8 * (i % 4))) as u8)
}

/// One block, whose word `j` (0 to 15) is `word(j)`: each is taken as its round comes and
/// the schedule rolls in `w` (no block of words is built first and copied in).
fn compress(state: &mut [u32; 5], w: &mut [u32; 16], word: impl Fn(usize) -> u32) {
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    for t in 0..80usize {
        let at = |w: &[u32; 16], k: usize| w.get((t + k) % 16).copied().unwrap_or(0);
        // W[t]: the block's word, then W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16], rotated, each
        // in the slot of the one 16 before it.
        let wt = if t < 16 {
            word(t)
        } else {
            (at(w, 13) ^ at(w, 8) ^ at(w, 2) ^ at(w, 0)).rotate_left(1)
        };
        if let Some(slot) = w.get_mut(t % 16) {
            *slot = wt;
        }
        let (f, k) = match t {
            // Ch and Maj in their shorter equivalent forms.
            0..=19 => (d ^ (b & (c ^ d)), 0x5A82_7999),
            20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
            40..=59 => ((b & c) | (d & (b | c)), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let temp = a
            .rotate_left(5)
            .wrapping_add(f)
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(wt);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }
    for (s, x) in state.iter_mut().zip([a, b, c, d, e]) {
        *s = s.wrapping_add(x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(d: [u8; 20]) -> std::string::String {
        d.iter().map(|b| std::format!("{b:02x}")).collect()
    }

    #[test]
    fn fips_vectors() {
        assert_eq!(
            hex(digest(b"ab", b"c")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(digest(b"", b"")),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(
            hex(digest(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                b""
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn every_length_up_to_three_blocks() {
        // Every padding case: the 0x80 byte and the length in the same block or the next one.
        let data: std::vec::Vec<u8> = (0..=192u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..=data.len() {
            let input = &data[..n];
            let want = sha1_smol::Sha1::from(input).digest().bytes();
            assert_eq!(digest(&input[..n / 2], &input[n / 2..]), want, "length {n}");
            assert_eq!(digest(input, b""), want, "length {n}, one part");
            assert_eq!(digest(b"", input), want, "length {n}, other part");
        }
    }

    #[test]
    fn head_and_tail_words_are_the_whole_message() {
        let tail = *b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
        let words = tail_words(&tail);
        for n in 0..=255u8 {
            let head: [u8; 24] =
                core::array::from_fn(|i| n.wrapping_mul(31).wrapping_add(i as u8 * 7));
            let mut all = head.to_vec();
            all.extend_from_slice(&tail);
            let want = sha1_smol::Sha1::from(&all).digest().bytes();
            assert_eq!(digest_head_tail(&head, &words), want, "head {n}");
        }
    }

    proptest! {
        #[test]
        fn head_tail_equals_sha1_smol(head in prop::array::uniform24(any::<u8>()), tail in prop::collection::vec(any::<u8>(), 36)) {
            let mut all = head.to_vec();
            all.extend_from_slice(&tail);
            let want = sha1_smol::Sha1::from(&all).digest().bytes();
            let tail: [u8; 36] = tail.try_into().unwrap();
            prop_assert_eq!(digest_head_tail(&head, &tail_words(&tail)), want);
        }

        #[test]
        fn equals_sha1_smol(input in prop::collection::vec(any::<u8>(), 0..200), cut in 0usize..200) {
            let cut = cut.min(input.len());
            let want = sha1_smol::Sha1::from(&input).digest().bytes();
            prop_assert_eq!(digest(&input[..cut], &input[cut..]), want);
        }
    }
}
