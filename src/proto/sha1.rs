//! SHA-1 (FIPS 180-4), only for `Sec-WebSocket-Accept` (RFC 6455 §4.2.2), where it is a
//! fingerprint, not a security function.
//!
//! A small rolled-loop implementation rather than the `sha1_smol` crate: a fraction of its
//! flash on Cortex-M and no panic path. Input is at most a few dozen bytes, so speed is moot.

/// Incremental SHA-1.
#[derive(Clone, Debug)]
pub struct Sha1 {
    state: [u32; 5],
    block: [u8; 64],
    block_len: usize,
    total_len: u64,
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
            block: [0; 64],
            block_len: 0,
            total_len: 0,
        }
    }

    /// Adds bytes.
    pub fn update(&mut self, data: &[u8]) {
        for &b in data {
            if let Some(slot) = self.block.get_mut(self.block_len) {
                *slot = b;
            }
            self.block_len += 1;
            if self.block_len == 64 {
                self.compress();
                self.block_len = 0;
            }
        }
        self.total_len = self.total_len.wrapping_add(data.len() as u64);
    }

    /// The 20-byte digest.
    pub fn digest(mut self) -> [u8; 20] {
        let bits = self.total_len.wrapping_mul(8);
        self.update(&[0x80]);
        while self.block_len != 56 {
            self.update(&[0]);
        }
        self.update(&bits.to_be_bytes());
        let mut out = [0u8; 20];
        for (i, word) in self.state.iter().enumerate() {
            for (k, b) in word.to_be_bytes().into_iter().enumerate() {
                if let Some(slot) = out.get_mut(i * 4 + k) {
                    *slot = b;
                }
            }
        }
        out
    }

    fn compress(&mut self) {
        // A rolling 16-word message schedule: 64 bytes of stack instead of 320.
        let mut w = [0u32; 16];
        for (t, slot) in w.iter_mut().enumerate() {
            let byte = |k: usize| self.block.get(t * 4 + k).copied().unwrap_or(0);
            *slot = u32::from_be_bytes([byte(0), byte(1), byte(2), byte(3)]);
        }
        let [mut a, mut b, mut c, mut d, mut e] = self.state;
        for t in 0..80usize {
            let wt = if t < 16 {
                w.get(t).copied().unwrap_or(0)
            } else {
                let at = |k: usize| w.get((t + k) & 15).copied().unwrap_or(0);
                // w[t-3] ^ w[t-8] ^ w[t-14] ^ w[t-16], indices mod 16.
                let x = (at(13) ^ at(8) ^ at(2) ^ at(0)).rotate_left(1);
                if let Some(slot) = w.get_mut(t & 15) {
                    *slot = x;
                }
                x
            };
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
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
        for (s, v) in self.state.iter_mut().zip([a, b, c, d, e]) {
            *s = s.wrapping_add(v);
        }
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
