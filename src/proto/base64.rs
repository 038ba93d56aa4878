//! Standard base64 (RFC 4648 §4, with padding), encode only, for the handshake's fixed-size
//! values: the 16-byte key nonce and the 20-byte SHA-1 digest.
//!
//! Hand-written (not the `base64` crate) so the firmware build has no panic path and no
//! general-purpose engine it does not need.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn sextet(v: u32) -> u8 {
    // `v & 63` is always a valid index; `get` keeps the no-panic lint honest.
    ALPHABET.get((v & 63) as usize).copied().unwrap_or(b'=')
}

/// Encodes `input` into `out`; `out` must hold `4 * ceil(input.len() / 3)` bytes (extra bytes
/// are left as they are). Returns the encoded length.
pub fn encode(input: &[u8], out: &mut [u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < input.len() {
        let left = input.len() - i;
        let byte = |k: usize| u32::from(input.get(i + k).copied().unwrap_or(0));
        let v = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        i += 3;
        let quad = [
            sextet(v >> 18),
            sextet(v >> 12),
            if left > 1 { sextet(v >> 6) } else { b'=' },
            if left > 2 { sextet(v) } else { b'=' },
        ];
        for (slot, b) in out.iter_mut().skip(n).zip(quad) {
            *slot = b;
        }
        n += 4;
    }
    n.min(out.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use proptest::prelude::*;

    #[test]
    fn rfc4648_vectors() {
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (input, want) in cases {
            let mut out = [0u8; 8];
            let n = encode(input, &mut out);
            assert_eq!(&out[..n], want.as_bytes());
        }
    }

    proptest! {
        #[test]
        fn equals_the_base64_crate(input in prop::collection::vec(any::<u8>(), 0..64)) {
            let mut out = [0u8; 88];
            let n = encode(&input, &mut out);
            let want = base64::engine::general_purpose::STANDARD.encode(&input);
            prop_assert_eq!(&out[..n], want.as_bytes());
        }
    }
}
