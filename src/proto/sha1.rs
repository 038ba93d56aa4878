//! SHA-1 (FIPS 180-4), only for `Sec-WebSocket-Accept` (RFC 6455 §4.2.2), where it is a
//! fingerprint, not a security function.
//!
//! A small rolled-loop implementation rather than the `sha1_smol` crate: a fraction of its
//! flash on Cortex-M and no panic path. Input is at most a few dozen bytes, so speed is moot.

/// Incremental SHA-1.
#[derive(Clone, Debug)]
pub struct Sha1 {
    state: [u32; 5],
    /// The block being filled, already as big-endian words (bytes are OR-ed in place, so the
    /// words are zeroed after each compression); also the rolling 16-word message schedule.
    w: [u32; 16],
    /// Bytes hashed so far, low and high word (the length field is 64 bits of bit count; two
    /// words keep the struct 4-aligned, which the Cortex-M memset helpers prefer).
    len: [u32; 2],
}

impl Default for Sha1 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha1 {
    /// A fresh hash.
    pub const fn new() -> Self {
        Sha1 {
            state: [
                0x6745_2301,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ],
            w: [0; 16],
            len: [0; 2],
        }
    }

    /// Adds bytes.
    pub fn update(&mut self, data: &[u8]) {
        for &b in data {
            self.push(b);
        }
    }

    #[inline(always)]
    fn push(&mut self, b: u8) {
        let i = self.len[0] % 64;
        if let Some(w) = self.w.get_mut((i / 4) as usize) {
            *w |= u32::from(b) << (24 - 8 * (i % 4));
        }
        self.len[0] = self.len[0].wrapping_add(1);
        if self.len[0] == 0 {
            self.len[1] = self.len[1].wrapping_add(1);
        }
        if i == 63 {
            self.compress();
        }
    }

    /// The 20-byte digest.
    pub fn digest(mut self) -> [u8; 20] {
        let [lo, hi] = self.len;
        self.update(&[0x80]);
        // The padding zeros are already there: the words are zero past the last byte.
        if self.len[0] % 64 > 56 {
            self.compress();
        }
        // The bit count: the byte count times 8, as 64 bits.
        self.w[14] = (hi << 3) | (lo >> 29);
        self.w[15] = lo << 3;
        self.compress();
        let mut out = [0u8; 20];
        for (i, o) in out.iter_mut().enumerate() {
            let word = self.state.get(i / 4).copied().unwrap_or(0);
            // Truncating cast: one byte of the word.
            *o = (word >> (24 - 8 * (i % 4))) as u8;
        }
        out
    }

    fn compress(&mut self) {
        let [mut a, mut b, mut c, mut d, mut e] = self.state;
        for t in 0..80usize {
            let at = |w: &[u32; 16], k: usize| w.get((t + k) % 16).copied().unwrap_or(0);
            // W[t] is used, and its slot takes W[t + 16] = W[t+13] ^ W[t+8] ^ W[t+2] ^ W[t],
            // rotated (computed in every round: no branch; the last 16 go unused).
            let wt = at(&self.w, 0);
            let next = (at(&self.w, 13) ^ at(&self.w, 8) ^ at(&self.w, 2) ^ wt).rotate_left(1);
            if let Some(slot) = self.w.get_mut(t % 16) {
                *slot = next;
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
        let v = [a, b, c, d, e];
        for i in 0..5 {
            if let (Some(s), Some(x)) = (self.state.get_mut(i), v.get(i)) {
                *s = s.wrapping_add(*x);
            }
        }
        self.w = [0; 16];
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
        let mut h = Sha1::new();
        h.update(b"abc");
        assert_eq!(hex(h.digest()), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hex(Sha1::new().digest()),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        let mut h = Sha1::new();
        h.update(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
        assert_eq!(hex(h.digest()), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    }

    #[test]
    fn every_length_up_to_three_blocks() {
        // Every padding case: the 0x80 byte and the length in the same block or the next one.
        let data: std::vec::Vec<u8> = (0..=192u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..=data.len() {
            let input = &data[..n];
            let mut h = Sha1::new();
            h.update(&input[..n / 2]);
            h.update(&input[n / 2..]);
            let want = sha1_smol::Sha1::from(input).digest().bytes();
            assert_eq!(h.digest(), want, "length {n}");
        }
    }

    #[test]
    fn byte_count_carries_into_the_high_word() {
        let mut h = Sha1::new();
        h.len = [u32::MAX, 0];
        h.update(b"x");
        assert_eq!(h.len, [0, 1]);
    }

    proptest! {
        #[test]
        fn equals_sha1_smol(input in prop::collection::vec(any::<u8>(), 0..200), cut in 0usize..200) {
            let cut = cut.min(input.len());
            let mut h = Sha1::new();
            h.update(&input[..cut]);
            h.update(&input[cut..]);
            let want = sha1_smol::Sha1::from(&input).digest().bytes();
            prop_assert_eq!(h.digest(), want);
        }
    }
}
