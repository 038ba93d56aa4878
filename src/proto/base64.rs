//! Standard base64 (RFC 4648 §4, with padding), one character at a time, for the handshake's
//! fixed-size values: the 16-byte key nonce and the 20-byte SHA-1 digest.
//!
//! Hand-written (not the `base64` crate) so the firmware build has no panic path and no
//! general-purpose engine it does not need.

/// The base64 character of the low 6 bits of `v` (computed: smaller than a 64-byte table).
fn sextet(v: u32) -> u8 {
    // `v & 63 < 64`, so the cast cannot truncate.
    let v = (v & 63) as u8;
    match v {
        0..=25 => b'A' + v,
        26..=51 => b'a' + (v - 26),
        52..=61 => b'0' + (v - 52),
        62 => b'+',
        _ => b'/',
    }
}

/// Character `j` of the base64 text of `input` (`=` for padding, also past the end):
/// computed from the input alone, so a caller can build or compare a fixed-size text without
/// a buffer.
pub fn char_at(input: &[u8], j: usize) -> u8 {
    // Quad `j / 4` encodes input bytes `3 * (j / 4)..`; character `j % 4` is its sextet
    // `j % 4`. A sextet that starts past the input's last bit is padding.
    let (at, k) = (3 * (j / 4), j % 4);
    if at + k * 6 / 8 >= input.len() {
        return b'=';
    }
    let byte = |i: usize| u32::from(input.get(at + i).copied().unwrap_or(0));
    let group = (byte(0) << 16) | (byte(1) << 8) | byte(2);
    sextet(group >> (18 - 6 * (k & 3)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use proptest::prelude::*;

    /// The whole text, character by character: `4 * ceil(len / 3)` of them.
    fn encode(input: &[u8]) -> std::vec::Vec<u8> {
        (0..input.len().div_ceil(3) * 4)
            .map(|j| char_at(input, j))
            .collect()
    }

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
            assert_eq!(encode(input), want.as_bytes());
        }
    }

    #[test]
    fn past_the_end_is_padding() {
        assert_eq!(char_at(b"f", 4), b'=');
        assert_eq!(char_at(b"", 0), b'=');
        assert_eq!(char_at(b"foo", 100), b'=');
    }

    proptest! {
        #[test]
        fn equals_the_base64_crate(input in prop::collection::vec(any::<u8>(), 0..64)) {
            let want = base64::engine::general_purpose::STANDARD.encode(&input);
            prop_assert_eq!(encode(&input), want.as_bytes());
        }
    }
}
