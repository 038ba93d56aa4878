//! Incremental, fail-fast UTF-8 validation of text message payloads (RFC 6455 §5.6, §8.1).
//!
//! Owns [`Utf8Validator`], a small range-check state machine that checks UTF-8 as the payload
//! arrives in arbitrary pieces (fragments and reads), and reports an error on the first byte at
//! which the text can no longer be valid, so the caller can fail the connection (close code
//! 1007) without waiting for the rest of the message. The state is one byte; there are no
//! tables. On hosted targets the valid prefix of each piece is skipped with
//! `core::str::from_utf8` first (speed over flash).

#![forbid(unsafe_code)]

use core::fmt;

/// The bytes are not valid UTF-8 (or a sequence was left incomplete at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Error;

impl fmt::Display for Utf8Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid UTF-8")
    }
}

// State: bits 0-1 are the continuation bytes still needed; for the next one, bits 2-3 raise the
// lowest allowed byte from 80 by 10 per step, bits 4-5 lower the highest from BF by 10 per
// step. That is exactly what rejects overlong forms (E0 80..9F, F0 80..8F), surrogates
// (ED A0..BF) and code points above U+10FFFF (F4 90..BF) on the second byte of a sequence.
/// At a character boundary (also the initial state).
const S_ACCEPT: u8 = 0;
/// Failed; absorbing: need 3 with the range B0..8F, which no byte is in.
const S_REJECT: u8 = 0x3F;
/// After E0: A0..BF, then one more.
const S_E0: u8 = 2 | (2 << 2);
/// After ED: 80..9F, then one more.
const S_ED: u8 = 2 | (2 << 4);
/// After F0: 90..BF, then two more.
const S_F0: u8 = 3 | (1 << 2);
/// After F4: 80..8F, then two more.
const S_F4: u8 = 3 | (3 << 4);

/// The state after a lead byte E0..=F4 (a table: smaller than the comparisons).
const LEAD_E0_F4: [u8; 21] = [
    S_E0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, S_ED, 2, 2, // E0..=EF
    S_F0, 3, 3, 3, S_F4, // F0..=F4
];

/// Bytes skipped per step of the ASCII fast path (a machine word).
const BLOCK: usize = core::mem::size_of::<usize>();
/// High bit of every byte of a block: zero after masking means the block is all ASCII.
const HIGH_BITS: usize = usize::from_ne_bytes([0x80; BLOCK]);

/// One step of the state machine.
#[inline(always)]
fn step(state: u8, byte: u8) -> u8 {
    let need = state & 3;
    if need != 0 {
        let lo = 0x80 + ((state << 2) & 0x30);
        let hi = 0xBF - (state & 0x30);
        return if byte >= lo && byte <= hi {
            need - 1
        } else {
            S_REJECT
        };
    }
    match byte {
        0x00..=0x7F => S_ACCEPT,
        0xC2..=0xDF => 1,
        _ => LEAD_E0_F4
            .get(usize::from(byte.wrapping_sub(0xE0)))
            .copied()
            .unwrap_or(S_REJECT),
    }
}

/// Incremental UTF-8 validator: feed the text in pieces, then call [`finish`](Self::finish).
///
/// Errors are reported by the [`feed`](Self::feed) call containing the first byte at which the
/// input stops being a prefix of valid UTF-8 (overlong forms, surrogates, code points above
/// U+10FFFF, stray continuation bytes and truncated sequences followed by anything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Utf8Validator {
    /// State of the range-check machine (see `step`). `Default` gives `S_ACCEPT` (0).
    state: u8,
}

impl Utf8Validator {
    /// A validator at the start of a text (a character boundary).
    pub const fn new() -> Self {
        Self { state: S_ACCEPT }
    }

    /// Feed the next bytes. Fails on the FIRST byte that can no longer start or continue a
    /// valid sequence (overlong forms like C0/C1 and E0 80..9F, surrogates ED A0..BF,
    /// values > U+10FFFF i.e. F4 90.. and F5..FF, unexpected continuation bytes, a lead byte
    /// where a continuation is required). Once failed it stays failed.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), Utf8Error> {
        // Hosted targets skip the valid prefix with core's validator (built at full
        // optimisation, several words per step: 2-3 times faster than the loop below at
        // opt-level z); bare-metal ones keep to the loop, which costs about 850 B less flash.
        let rest = if cfg!(not(target_os = "none")) && self.state == S_ACCEPT {
            let valid = core::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
            bytes.get(valid..).unwrap_or(&[])
        } else {
            bytes
        };
        self.feed_machine(rest)
    }

    /// [`feed`](Self::feed) through the state machine alone (with its one-word ASCII skip).
    fn feed_machine(&mut self, bytes: &[u8]) -> Result<(), Utf8Error> {
        let mut state = self.state;
        let mut rest = bytes;
        while state != S_REJECT {
            // Fast path: whole words of ASCII at a boundary leave the state unchanged.
            if state == S_ACCEPT {
                while let Some((block, tail)) = rest.split_first_chunk::<BLOCK>() {
                    if usize::from_ne_bytes(*block) & HIGH_BITS != 0 {
                        break;
                    }
                    rest = tail;
                }
            }
            let Some((&b, tail)) = rest.split_first() else {
                break;
            };
            rest = tail;
            state = step(state, b);
        }
        self.state = state;
        if state == S_REJECT {
            Err(Utf8Error)
        } else {
            Ok(())
        }
    }

    /// End of the text: Err if a multi-byte sequence is incomplete (or if already failed).
    pub fn finish(&self) -> Result<(), Utf8Error> {
        if self.state == S_ACCEPT {
            Ok(())
        } else {
            Err(Utf8Error)
        }
    }

    /// True when not in the middle of a multi-byte sequence and not failed.
    pub fn is_boundary(&self) -> bool {
        self.state == S_ACCEPT
    }

    /// Start over for a new text, forgetting any error.
    pub fn reset(&mut self) {
        self.state = S_ACCEPT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::string::{String, ToString};
    use std::vec::Vec;

    fn validate(bytes: &[u8]) -> Result<(), Utf8Error> {
        let mut v = Utf8Validator::new();
        v.feed(bytes)?;
        v.finish()
    }

    /// Bytes that can never start a sequence.
    fn is_invalid_lead(b: u8) -> bool {
        matches!(b, 0x80..=0xC1 | 0xF5..=0xFF)
    }

    /// Index of the byte at which a fail-fast validator must report the error, or `None` if
    /// the input is valid or only truncated at the end.
    ///
    /// `from_utf8`'s `error_len` is the length of the maximal valid-prefix subpart at
    /// `valid_up_to`: when that subpart starts with a valid lead byte, the offending byte is the
    /// one right after it; when the byte at `valid_up_to` is itself not a lead byte, it is that
    /// byte (and `error_len` is 1).
    fn detect_index(whole: &[u8]) -> Option<usize> {
        let e = core::str::from_utf8(whole).err()?;
        let n = e.error_len()?;
        let vu = e.valid_up_to();
        if is_invalid_lead(whole[vu]) {
            assert_eq!(n, 1);
            Some(vu)
        } else {
            Some(vu + n)
        }
    }

    /// Feeds `whole` split at `cuts` (sorted, within bounds) and checks the outcome against
    /// `core::str::from_utf8`, including which piece reports the error.
    fn check_chunks(whole: &[u8], cuts: &[usize]) -> Result<(), TestCaseError> {
        let expected_ok = core::str::from_utf8(whole).is_ok();
        let detect = detect_index(whole);
        let mut v = Utf8Validator::new();
        let mut reference = Utf8Validator::new();
        let mut bare = Utf8Validator::new();
        let mut start = 0;
        let mut failed_piece: Option<(usize, usize)> = None;
        for &end in cuts.iter().chain(core::iter::once(&whole.len())) {
            let piece = &whole[start..end];
            if failed_piece.is_none() {
                if v.feed(piece).is_err() {
                    failed_piece = Some((start, end));
                } else {
                    // No error so far: at a boundary exactly when the prefix is valid.
                    prop_assert_eq!(v.is_boundary(), core::str::from_utf8(&whole[..end]).is_ok());
                }
            } else {
                // Stays failed.
                prop_assert!(v.feed(piece).is_err());
            }
            // The bare-metal path (the machine alone) ends in the same state.
            let _ = bare.feed_machine(piece);
            prop_assert_eq!(v, bare);
            // The block fast path must leave exactly the state of the plain per-byte DFA.
            for &b in piece {
                let _ = reference.feed(&[b]);
            }
            prop_assert_eq!(v, reference);
            start = end;
        }
        prop_assert_eq!(v.finish().is_ok(), expected_ok);
        match (detect, failed_piece) {
            (Some(d), Some((s, e))) => {
                prop_assert!(s <= d && d < e, "detect {} not in {}..{}", d, s, e)
            }
            (None, None) => {}
            (d, f) => prop_assert!(false, "detect {:?} vs failing piece {:?}", d, f),
        }
        Ok(())
    }

    fn check_every_split(whole: &[u8]) -> Result<(), TestCaseError> {
        check_chunks(whole, &[])?;
        for cut in 0..=whole.len() {
            check_chunks(whole, &[cut])?;
        }
        Ok(())
    }

    fn check_byte_by_byte(whole: &[u8]) -> Result<(), TestCaseError> {
        let mut v = Utf8Validator::new();
        let mut first_fail = None;
        for (i, b) in whole.iter().enumerate() {
            if v.feed(core::slice::from_ref(b)).is_err() && first_fail.is_none() {
                first_fail = Some(i);
            }
        }
        prop_assert_eq!(first_fail, detect_index(whole));
        prop_assert_eq!(v.finish().is_ok(), core::str::from_utf8(whole).is_ok());
        if let Err(e) = core::str::from_utf8(whole) {
            if e.error_len().is_none() {
                prop_assert_eq!(first_fail, None);
                prop_assert!(v.finish().is_err());
            }
        }
        Ok(())
    }

    const VALID: &[&[u8]] = &[
        b"",
        b"Hello-\xC2\xB5@\xC3\x9F\xC3\xB6\xC3\xA4\xC3\xBC\xC3\xA0\xC3\xA1-UTF-8!!",
        // "κόσμε" (Autobahn 6.2.x / 6.3.x)
        b"\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5",
        b"\x00",
        b"\x7F",
        b"\xC2\x80",         // U+0080, first 2-byte
        b"\xDF\xBF",         // U+07FF, last 2-byte
        b"\xE0\xA0\x80",     // U+0800, first 3-byte
        b"\xED\x9F\xBF",     // U+D7FF, just below surrogates
        b"\xEE\x80\x80",     // U+E000, just above surrogates
        b"\xEF\xBF\xBD",     // U+FFFD
        b"\xEF\xBF\xBE",     // U+FFFE (noncharacter, still valid)
        b"\xEF\xBF\xBF",     // U+FFFF
        b"\xEF\xB7\x90",     // U+FDD0 (noncharacter)
        b"\xF0\x90\x80\x80", // U+10000, first 4-byte
        b"\xF1\x80\x80\x80",
        b"\xF3\xBF\xBF\xBF",
        b"\xF4\x8F\xBF\xBF", // U+10FFFF, max code point
        b"\xF0\x9F\x98\x80 smile",
    ];

    /// (bytes, index of the first byte a fail-fast validator must reject; None = truncated).
    const INVALID: &[(&[u8], Option<usize>)] = &[
        // Unexpected continuation bytes (6.6.x/6.7.x).
        (b"\x80", Some(0)),
        (b"\xBF", Some(0)),
        (b"\x80\xBF", Some(0)),
        (b"ab\x80cd", Some(2)),
        (b"\xC2\x80\x80", Some(2)),
        // Lead byte where a continuation is required.
        (b"\xC2\x41", Some(1)),
        (b"\xC2\xC2\x80", Some(1)),
        (b"\xE1\x80\x41", Some(2)),
        (b"\xF1\x80\x80\xF1", Some(3)),
        // Overlong forms (6.11.x-6.13.x): '/' and the maximal overlongs.
        (b"\xC0\xAF", Some(0)),
        (b"\xC0\x80", Some(0)),
        (b"\xC1\xBF", Some(0)),
        (b"\xE0\x80\xAF", Some(1)),
        (b"\xE0\x9F\xBF", Some(1)),
        (b"\xF0\x80\x80\xAF", Some(1)),
        (b"\xF0\x8F\xBF\xBF", Some(1)),
        // Surrogates, single and paired (6.14.x-6.15.x).
        (b"\xED\xA0\x80", Some(1)),
        (b"\xED\xAD\xBF", Some(1)),
        (b"\xED\xBF\xBF", Some(1)),
        (b"\xED\xA0\x80\xED\xB0\x80", Some(1)),
        (b"\xED\xAF\xBF\xED\xBF\xBF", Some(1)),
        // Above U+10FFFF.
        (b"\xF4\x90\x80\x80", Some(1)),
        (b"\xF4\xBF\xBF\xBF", Some(1)),
        (b"\xF5\x80\x80\x80", Some(0)),
        (b"\xF7\xBF\xBF\xBF", Some(0)),
        // 5- and 6-byte forms (6.3.x, 6.8.x, 6.9.x).
        (b"\xF8\x88\x80\x80\x80", Some(0)),
        (b"\xFB\xBF\xBF\xBF\xBF", Some(0)),
        (b"\xFC\x84\x80\x80\x80\x80", Some(0)),
        (b"\xFD\xBF\xBF\xBF\xBF\xBF", Some(0)),
        (b"\xF8\x80\x80\x80\xAF", Some(0)),
        (b"\xFC\x80\x80\x80\x80\xAF", Some(0)),
        // Impossible bytes (6.10.x).
        (b"\xFE", Some(0)),
        (b"\xFF", Some(0)),
        (b"\xFE\xFE\xFF\xFF", Some(0)),
        // 6.3.1: "κόσμε", a surrogate (ED A0 80), then "edited".
        (
            b"\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xED\xA0\x80edited",
            Some(12),
        ),
        // Truncated at the end (6.16.x-6.20.x): feed passes, finish fails.
        (b"\xC2", None),
        (b"\xDF", None),
        (b"\xE0", None),
        (b"\xE0\xA0", None),
        (b"\xED\x9F", None),
        (b"\xF0", None),
        (b"\xF0\x90", None),
        (b"\xF0\x90\x80", None),
        (b"\xF4", None),
        (b"\xF4\x8F\xBF", None),
        (b"abc\xE1\x80", None),
    ];

    #[test]
    fn valid_vectors() {
        for v in VALID {
            assert!(core::str::from_utf8(v).is_ok(), "{v:x?}");
            assert_eq!(validate(v), Ok(()), "{v:x?}");
            check_every_split(v).unwrap();
            check_byte_by_byte(v).unwrap();
        }
    }

    #[test]
    fn invalid_vectors() {
        for &(bytes, at) in INVALID {
            assert!(core::str::from_utf8(bytes).is_err(), "{bytes:x?}");
            assert_eq!(detect_index(bytes), at, "{bytes:x?}");
            assert_eq!(validate(bytes), Err(Utf8Error), "{bytes:x?}");
            let mut v = Utf8Validator::new();
            let fed = v.feed(bytes);
            assert_eq!(fed.is_err(), at.is_some(), "{bytes:x?}");
            assert_eq!(v.finish(), Err(Utf8Error));
            check_every_split(bytes).unwrap();
            check_byte_by_byte(bytes).unwrap();
        }
    }

    #[test]
    fn every_code_point_boundary() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            assert_eq!(validate(s.as_bytes()), Ok(()), "{c:?}");
        }
        for s in 0xD800u32..=0xDFFF {
            // CESU-style encoding of a surrogate.
            let b = [
                0xE0 | (s >> 12) as u8,
                0x80 | ((s >> 6) & 0x3F) as u8,
                0x80 | (s & 0x3F) as u8,
            ];
            assert_eq!(validate(&b), Err(Utf8Error), "{s:x}");
        }
    }

    #[test]
    fn all_two_byte_sequences_match_std() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let whole = [a, b];
                assert_eq!(
                    validate(&whole).is_ok(),
                    core::str::from_utf8(&whole).is_ok()
                );
                check_byte_by_byte(&whole).unwrap();
            }
        }
    }

    /// Autobahn 6.4.1-6.4.4: "κόσμε" + F4 90 80 80 + "edited", sent in pieces. The error must be
    /// reported on the piece holding F4 90, before the rest arrives.
    #[test]
    fn autobahn_6_4_fail_fast() {
        const HEAD: &[u8] = b"\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5";
        // 6.4.1
        let mut v = Utf8Validator::new();
        assert_eq!(v.feed(HEAD), Ok(()));
        assert_eq!(v.feed(b"\xF4\x90\x80\x80"), Err(Utf8Error));
        assert_eq!(v.feed(b"edited"), Err(Utf8Error));
        // 6.4.2
        let mut v = Utf8Validator::new();
        assert_eq!(v.feed(HEAD), Ok(()));
        assert_eq!(v.feed(b"\xF4"), Ok(()));
        assert!(!v.is_boundary());
        assert_eq!(v.feed(b"\x90"), Err(Utf8Error));
        assert_eq!(v.feed(b"\x80\x80edited"), Err(Utf8Error));
        // 6.4.3 / 6.4.4: same as 6.4.1 / 6.4.2 with the pieces in separate frames.
        let mut v = Utf8Validator::new();
        assert_eq!(
            v.feed(b"\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xF4"),
            Ok(())
        );
        assert_eq!(v.feed(b"\x90\x80\x80edited"), Err(Utf8Error));
    }

    #[test]
    fn fails_on_0x90_fed_alone() {
        let mut v = Utf8Validator::new();
        assert_eq!(v.feed(&[0xF4]), Ok(()));
        assert_eq!(v.feed(&[0x90]), Err(Utf8Error));
    }

    #[test]
    fn sticky_failure_and_reset() {
        let mut v = Utf8Validator::new();
        assert!(v.is_boundary());
        assert_eq!(v.feed(b"\xFF"), Err(Utf8Error));
        assert!(!v.is_boundary());
        assert_eq!(v.feed(b""), Err(Utf8Error));
        assert_eq!(
            v.feed(b"plain ascii text, long enough for blocks"),
            Err(Utf8Error)
        );
        assert_eq!(v.finish(), Err(Utf8Error));
        v.reset();
        assert_eq!(v, Utf8Validator::new());
        assert_eq!(v, Utf8Validator::default());
        assert_eq!(v.feed(b"ok"), Ok(()));
        assert_eq!(v.finish(), Ok(()));
    }

    #[test]
    fn boundary_tracking() {
        let mut v = Utf8Validator::new();
        assert_eq!(v.feed(b"\xF0\x9F"), Ok(()));
        assert!(!v.is_boundary());
        assert_eq!(v.finish(), Err(Utf8Error));
        assert_eq!(v.feed(b"\x98"), Ok(()));
        assert!(!v.is_boundary());
        assert_eq!(v.feed(b"\x80"), Ok(()));
        assert!(v.is_boundary());
        assert_eq!(v.finish(), Ok(()));
        assert_eq!(v.feed(b""), Ok(()));
        assert!(v.is_boundary());
    }

    #[test]
    fn fast_path_edges() {
        // A bad or multi-byte byte at every position of a buffer longer than several blocks,
        // and a sequence straddling block boundaries.
        for len in 0..40 {
            for pos in 0..len {
                let mut buf: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                buf[pos] = 0xFF;
                check_chunks(&buf, &[]).unwrap();
                buf[pos] = 0xC3;
                check_chunks(&buf, &[]).unwrap();
                let mut s = String::from_utf8(std::vec![b'x'; pos]).unwrap();
                s.push('\u{1F600}');
                s.push_str("tail after emoji, more than one block");
                check_every_split(s.as_bytes()).unwrap();
            }
        }
    }

    // The table-driven DFA this validator replaced (Björn Höhrmann's layout: 12 byte classes,
    // 9 states), kept as the reference the range-check machine must match exactly.
    // Byte classes. The split of 80..BF into three ranges, and of the lead bytes into
    // E0 / ED / F0 / F4 / the rest, is exactly what is needed to reject overlong forms,
    // surrogates and code points above U+10FFFF on the second byte of a sequence.
    /// 00..7F.
    const C_ASCII: u8 = 0;
    /// 80..8F.
    const C_CONT_LO: u8 = 1;
    /// 90..9F.
    const C_CONT_MID: u8 = 2;
    /// A0..BF.
    const C_CONT_HI: u8 = 3;
    /// C0, C1 (always overlong), F5..FF (above U+10FFFF, or 5/6-byte forms).
    const C_BAD: u8 = 4;
    /// C2..DF: lead of a 2-byte sequence.
    const C_L2: u8 = 5;
    /// E0: 3-byte lead, second byte must be A0..BF (else overlong).
    const C_E0: u8 = 6;
    /// E1..EC, EE, EF: 3-byte lead, any continuation.
    const C_L3: u8 = 7;
    /// ED: 3-byte lead, second byte must be 80..9F (else a surrogate).
    const C_ED: u8 = 8;
    /// F0: 4-byte lead, second byte must be 90..BF (else overlong).
    const C_F0: u8 = 9;
    /// F1..F3: 4-byte lead, any continuation.
    const C_L4: u8 = 10;
    /// F4: 4-byte lead, second byte must be 80..8F (else above U+10FFFF).
    const C_F4: u8 = 11;
    /// Number of byte classes; states are stored pre-multiplied by it.
    const NCLASS: u8 = 12;

    /// Byte -> class. 256 entries so that lookup by a `u8` needs no bounds check.
    #[rustfmt::skip]
    const CLASS: [u8; 256] = {
        const A: u8 = C_ASCII;
        const L: u8 = C_CONT_LO;
        const M: u8 = C_CONT_MID;
        const H: u8 = C_CONT_HI;
        const X: u8 = C_BAD;
        const B: u8 = C_L2;
        const Z: u8 = C_E0;
        const T: u8 = C_L3;
        const D: u8 = C_ED;
        const F: u8 = C_F0;
        const Q: u8 = C_L4;
        const G: u8 = C_F4;
        [
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 00
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 10
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 20
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 30
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 40
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 50
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 60
            A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, // 70
            L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, // 80
            M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, // 90
            H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, // A0
            H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, // B0
            X, X, B, B, B, B, B, B, B, B, B, B, B, B, B, B, // C0
            B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, // D0
            Z, T, T, T, T, T, T, T, T, T, T, T, T, D, T, T, // E0
            F, Q, Q, Q, G, X, X, X, X, X, X, X, X, X, X, X, // F0
        ]
    };

    // DFA states, pre-multiplied by NCLASS so that `state + class` indexes TRANS directly.
    /// At a character boundary (also the initial state).
    const R_ACCEPT: u8 = 0;
    /// Failed; absorbing.
    const R_REJECT: u8 = NCLASS;
    /// One more continuation byte (80..BF) needed.
    const R_NEED1: u8 = 2 * NCLASS;
    /// Two more continuation bytes needed.
    const R_NEED2: u8 = 3 * NCLASS;
    /// After E0: A0..BF, then one more.
    const R_E0: u8 = 4 * NCLASS;
    /// After ED: 80..9F, then one more.
    const R_ED: u8 = 5 * NCLASS;
    /// Three more continuation bytes needed.
    const R_NEED3: u8 = 6 * NCLASS;
    /// After F0: 90..BF, then two more.
    const R_F0: u8 = 7 * NCLASS;
    /// After F4: 80..8F, then two more.
    const R_F4: u8 = 8 * NCLASS;

    /// Size of the transition table: 9 states x 12 classes = 108 used, padded to a power of two
    /// so that the index can be masked instead of bounds-checked.
    const TRANS_LEN: usize = 128;

    // Every `state + class` must land inside the table (checked at compile time).
    const _: () = assert!(R_F4 as usize + NCLASS as usize <= TRANS_LEN);

    /// `TRANS[state + class]` is the next state. Padding entries reject.
    #[rustfmt::skip]
    const TRANS: [u8; TRANS_LEN] = {
        const A: u8 = R_ACCEPT;
        const R: u8 = R_REJECT;
        const N1: u8 = R_NEED1;
        const N2: u8 = R_NEED2;
        const N3: u8 = R_NEED3;
        const E0: u8 = R_E0;
        const ED: u8 = R_ED;
        const F0: u8 = R_F0;
        const F4: u8 = R_F4;
        [
        //  00-7F 80-8F 90-9F A0-BF  bad   C2-DF  E0    E1-EF  ED    F0    F1-F3  F4
            A,    R,    R,    R,     R,    N1,    E0,   N2,    ED,   F0,   N3,    F4, // ACCEPT
            R,    R,    R,    R,     R,    R,     R,    R,     R,    R,    R,     R,  // REJECT
            R,    A,    A,    A,     R,    R,     R,    R,     R,    R,    R,     R,  // NEED1
            R,    N1,   N1,   N1,    R,    R,     R,    R,     R,    R,    R,     R,  // NEED2
            R,    R,    R,    N1,    R,    R,     R,    R,     R,    R,    R,     R,  // E0
            R,    N1,   N1,   R,     R,    R,     R,    R,     R,    R,    R,     R,  // ED
            R,    N2,   N2,   N2,    R,    R,     R,    R,     R,    R,    R,     R,  // NEED3
            R,    R,    N2,   N2,    R,    R,     R,    R,     R,    R,    R,     R,  // F0
            R,    N2,   R,    R,     R,    R,     R,    R,     R,    R,    R,     R,  // F4
            // padding up to TRANS_LEN
            R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R, R,
        ]
    };

    /// One DFA step.
    fn ref_step(state: u8, byte: u8) -> u8 {
        // Both lookups are provably in bounds (u8 index into 256 entries; masked index into a
        // power-of-two table), so neither compiles to a check. `state + class` is at most
        // 8 * 12 + 11 = 107, so the mask never changes a real index.
        let class = CLASS.get(usize::from(byte)).copied().unwrap_or(C_BAD);
        let index = (usize::from(state) + usize::from(class)) & (TRANS_LEN - 1);
        TRANS.get(index).copied().unwrap_or(R_REJECT)
    }

    #[test]
    fn reference_tables_are_consistent() {
        let states = [
            R_ACCEPT, R_REJECT, R_NEED1, R_NEED2, R_E0, R_ED, R_NEED3, R_F0, R_F4,
        ];
        for (i, s) in states.iter().enumerate() {
            assert_eq!(usize::from(*s), i * usize::from(NCLASS));
        }
        assert!(states
            .iter()
            .all(|&s| usize::from(s) + usize::from(NCLASS) <= 9 * 12));
        assert!(TRANS.iter().all(|t| states.contains(t)));
        assert!(CLASS.iter().all(|&c| c < NCLASS));
        assert!(TRANS[usize::from(R_REJECT)..][..usize::from(NCLASS)]
            .iter()
            .all(|&t| t == R_REJECT));
        assert!(TRANS[9 * 12..].iter().all(|&t| t == R_REJECT));
        assert_eq!(Utf8Error.to_string(), "invalid UTF-8");
    }

    /// Every state of the range-check machine, every byte: the same transition as the
    /// reference DFA (so both accept, reject and stay incomplete on exactly the same inputs).
    #[test]
    fn step_matches_reference_dfa_exhaustively() {
        let map = |r: u8| match r {
            R_ACCEPT => S_ACCEPT,
            R_REJECT => S_REJECT,
            R_NEED1 => 1,
            R_NEED2 => 2,
            R_NEED3 => 3,
            R_E0 => S_E0,
            R_ED => S_ED,
            R_F0 => S_F0,
            R_F4 => S_F4,
            _ => unreachable!(),
        };
        let states = [
            R_ACCEPT, R_REJECT, R_NEED1, R_NEED2, R_E0, R_ED, R_NEED3, R_F0, R_F4,
        ];
        let mapped: Vec<u8> = states.iter().map(|&r| map(r)).collect();
        for (i, a) in mapped.iter().enumerate() {
            for b in &mapped[i + 1..] {
                assert_ne!(a, b, "two reference states share one state");
            }
        }
        for &r in &states {
            for b in 0..=255u8 {
                assert_eq!(
                    step(map(r), b),
                    map(ref_step(r, b)),
                    "state {r} byte {b:#04x}"
                );
                // Through the public API too (the word fast path included).
                let mut v = Utf8Validator { state: map(r) };
                let ok = v.feed(&[b]).is_ok();
                assert_eq!(v.state, map(ref_step(r, b)));
                assert_eq!(ok, ref_step(r, b) != R_REJECT);
            }
        }
    }

    /// Valid text with a bias towards the encoding-length edges, then some corruption.
    fn corrupted_text() -> impl Strategy<Value = Vec<u8>> {
        let edge_char = prop_oneof![
            any::<char>(),
            proptest::sample::select(std::vec![
                '\u{0}',
                '\u{7F}',
                '\u{80}',
                '\u{7FF}',
                '\u{800}',
                '\u{D7FF}',
                '\u{E000}',
                '\u{FFFD}',
                '\u{FFFF}',
                '\u{10000}',
                '\u{10FFFF}',
                'a',
                'é',
                '€',
                '𝄞',
            ]),
        ];
        (
            proptest::collection::vec(edge_char, 0..24),
            proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
            any::<prop::sample::Index>(),
            any::<bool>(),
        )
            .prop_map(|(chars, edits, cut, truncate)| {
                let s: String = chars.into_iter().collect();
                let mut bytes = s.into_bytes();
                if !bytes.is_empty() {
                    for (at, byte) in edits {
                        let i = at.index(bytes.len());
                        bytes[i] = byte;
                    }
                    if truncate {
                        bytes.truncate(cut.index(bytes.len() + 1));
                    }
                }
                bytes
            })
    }

    fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..48),
            // Mostly-ASCII, to reach the fast path with some high bytes sprinkled in.
            proptest::collection::vec(prop_oneof![8 => 0x20u8..0x7F, 1 => 0x80u8..=0xFF], 0..64),
            corrupted_text(),
        ]
    }

    proptest! {
        #[test]
        fn prop_random_bytes_every_split(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
            check_every_split(&bytes)?;
            check_byte_by_byte(&bytes)?;
        }

        #[test]
        fn prop_corrupted_text_every_split(bytes in corrupted_text()) {
            check_every_split(&bytes)?;
            check_byte_by_byte(&bytes)?;
        }

        #[test]
        fn prop_random_chunkings(
            bytes in any_bytes(),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
            cuts.sort_unstable();
            check_chunks(&bytes, &cuts)?;
            check_byte_by_byte(&bytes)?;
        }

        /// Long, mostly-ASCII input in few pieces, so that the 8-byte fast path runs with
        /// multi-byte sequences straddling block edges.
        #[test]
        fn prop_mostly_ascii_fast_path(
            bytes in proptest::collection::vec(
                prop_oneof![12 => 0x20u8..0x7F, 1 => 0x80u8..=0xFF, 1 => 0xC2u8..=0xF4],
                0..200,
            ),
            cut in any::<prop::sample::Index>(),
        ) {
            check_chunks(&bytes, &[])?;
            check_chunks(&bytes, &[cut.index(bytes.len() + 1)])?;
        }

        #[test]
        fn prop_valid_strings_accepted(s in any::<String>(), cut in any::<prop::sample::Index>()) {
            let bytes = s.as_bytes();
            prop_assert_eq!(validate(bytes), Ok(()));
            check_chunks(bytes, &[cut.index(bytes.len() + 1)])?;
        }
    }
}
