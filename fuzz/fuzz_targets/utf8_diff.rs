//! utf8_diff: `Utf8Validator` against `core::str::from_utf8`.
//!
//! Input layout: a chunk plan, then the text (at most 1 KiB is checked at every split).
//!
//! Invariants, with `f` the index of the first byte at which the input stops being a prefix of
//! valid UTF-8 (None when it never does):
//! - fed whole, or in two pieces at every split point, or in fuzz-chosen pieces, or byte by
//!   byte: `finish()` succeeds exactly when `from_utf8` does;
//! - the first failing `feed` is the one whose piece contains byte `f` (fail fast, never
//!   early), and once failed the validator stays failed;
//! - between pieces, `is_boundary()` says whether the prefix fed so far is complete UTF-8.
#![no_main]

use httpc_ws::proto::utf8::Utf8Validator;
use httpc_ws_fuzz::input::{Plan, Reader};
use libfuzzer_sys::fuzz_target;

/// Index of the first byte that makes the input not a prefix of any valid UTF-8.
fn first_bad(data: &[u8]) -> Option<usize> {
    match core::str::from_utf8(data) {
        Ok(_) => None,
        Err(e) => {
            let v = e.valid_up_to();
            match e.error_len() {
                // Truncated at the end: still a prefix of valid UTF-8.
                None => None,
                Some(l) => {
                    // `l` bytes starting at `v` form the maximal invalid subpart. If they are a
                    // proper prefix of a valid sequence, the byte after them is the bad one;
                    // otherwise (an invalid lead or stray continuation) the first one is.
                    let head = &data[v..v + l];
                    let prefix_ok = core::str::from_utf8(head)
                        .err()
                        .is_some_and(|e| e.error_len().is_none());
                    Some(if prefix_ok { v + l } else { v })
                }
            }
        }
    }
}

/// Feeds `data` cut at `cuts` (ascending, inside 0..=len) and checks every invariant.
fn check_pieces(data: &[u8], cuts: &[usize], bad: Option<usize>) {
    let mut v = Utf8Validator::new();
    let mut start = 0usize;
    let mut failed = false;
    for &end in cuts.iter().chain(core::iter::once(&data.len())) {
        let piece = &data[start..end];
        let r = v.feed(piece);
        if failed {
            assert!(r.is_err(), "recovered after a failure");
        } else {
            let bad_here = bad.is_some_and(|f| f >= start && f < end);
            assert_eq!(
                r.is_err(),
                bad_here,
                "piece {start}..{end}: feed {:?}, first bad byte {bad:?}",
                r
            );
            failed = r.is_err();
            if !failed {
                let complete = core::str::from_utf8(&data[..end]).is_ok();
                assert_eq!(v.is_boundary(), complete, "is_boundary after {end} bytes");
            }
        }
        start = end;
    }
    assert_eq!(
        v.finish().is_ok(),
        core::str::from_utf8(data).is_ok(),
        "finish disagrees with from_utf8"
    );
    if failed {
        assert!(
            v.feed(b"a").is_err() && v.finish().is_err(),
            "failure is not sticky"
        );
    }
}

fuzz_target!(|input: &[u8]| {
    let mut r = Reader::new(input);
    let mut plan = Plan::read(&mut r);
    let data = r.rest();
    let bad = first_bad(data);
    if let Some(f) = bad {
        // Self-check of `first_bad`: everything before it is a valid prefix.
        let before = core::str::from_utf8(&data[..f]);
        assert!(before.is_ok() || before.is_err_and(|e| e.error_len().is_none()));
    }

    // Whole.
    check_pieces(data, &[], bad);

    // Fuzz-chosen pieces.
    let mut cuts = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        at += plan.chunk(data.len() - at);
        if at < data.len() {
            cuts.push(at);
        }
    }
    check_pieces(data, &cuts, bad);

    // Two pieces at every split, and byte by byte (bounded so each run stays fast).
    if data.len() <= 1024 {
        for i in 0..=data.len() {
            check_pieces(data, &[i], bad);
        }
        let every: Vec<usize> = (1..data.len()).collect();
        check_pieces(data, &every, bad);
    }

    // A reset validator forgets a failure.
    let mut v = Utf8Validator::new();
    let _ = v.feed(data);
    v.reset();
    assert!(v.feed("é".as_bytes()).is_ok() && v.finish().is_ok());
});
