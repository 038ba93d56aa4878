#!/usr/bin/env bash
# Runs the C-API tests and the protocol core's unit tests under Miri (nightly).
#
#   scripts/miri.sh    # tests/capi_api.rs, capi_faults.rs (sweeps reduced under
#                      # cfg(miri)), capi_large_messages.rs and a subset of the proto lib
#                      # tests; Stacked Borrows (Miri's default). About 6 minutes once built.
#
# Environment:
#   MIRIFLAGS       extra Miri flags, e.g. MIRIFLAGS=-Zmiri-tree-borrows for the Tree Borrows
#                   model instead of Stacked Borrows.
#   PROPTEST_CASES  proptest cases per property in the proto tests (default here: 4).
#
# The proto lib tests run as a subset: the exhaustive ones (every split point, every code point,
# every two-byte sequence, run_all_ways over long heads, 70 KB proptest inputs) take minutes
# each under Miri even with PROPTEST_CASES=4, so PROTO_SKIP below leaves them out. The protocol
# core is #![forbid(unsafe_code)]; those tests still run natively (cargo test) and the fuzzers
# cover the same ground. MIRI_PROTO_ALL=1 runs them all (expect well over an hour).
#
# Every suite runs even when an earlier one fails; the exit status is non-zero when any failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "miri.sh: the nightly toolchain is required (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep '^miri' >/dev/null; then
    echo "miri.sh: installing the miri component" >&2
    rustup component add miri rust-src --toolchain nightly || exit 2
fi

export PROPTEST_CASES=${PROPTEST_CASES:-4}
flags=${MIRIFLAGS:-}
failed=()

run() {
    local name=$1
    shift
    echo "== $name: $*"
    if ! "$@"; then
        failed+=("$name")
    fi
}

run capi_api env MIRIFLAGS="$flags" cargo +nightly miri test --test capi_api
run capi_faults env MIRIFLAGS="$flags" cargo +nightly miri test --test capi_faults
run capi_large_messages env MIRIFLAGS="$flags" cargo +nightly miri test --test capi_large_messages
# Tests over ~10 s each under Miri (measured; substrings of test names for --skip).
PROTO_SKIP=(
    # handshake: run_all_ways (every split point) over whole responses
    accept_checks buffer_too_small_at_every_length extension_checks
    full_response_all_feeding_strategies garbage_never_panics_or_upgrades header_line_errors
    header_too_large_head header_too_large_line lowercase_names_keep_alive_and_ows
    protocol_checks refused_403_skips_upgrade_checks split_independence status_line_errors
    status_line_without_reason_or_trailing_space upgrade_checks
    writer_output_round_trip_through_parser_key
    # close, mask: every code, every length/offset/phase
    wire_code_ranges all_small_lengths_offsets_phases
    # session: every split, hostile streams, 70 KB proptest messages
    bad_input_classes_fail_with_their_close_code encode_decode_round_trip
    every_split_and_partial_consumption_gives_the_same_events every_split_point_of_small_stream
    hostile_bytes_never_panic server_stream_any_chunking valid_and_invalid_received_close_codes
    # utf8: every code point, every byte pair, every split
    all_two_byte_sequences_match_std every_code_point_boundary fast_path_edges
    prop_corrupted_text_every_split prop_mostly_ascii_fast_path prop_valid_strings_accepted
)
skip_args=()
if [ "${MIRI_PROTO_ALL:-0}" != 1 ]; then
    for t in "${PROTO_SKIP[@]}"; do
        skip_args+=(--skip "$t")
    done
fi
# proptest's failure persistence looks up the working directory: no isolation for these.
run proto env MIRIFLAGS="$flags -Zmiri-disable-isolation" \
    cargo +nightly miri test --lib proto -- "${skip_args[@]}"

if [ ${#failed[@]} -gt 0 ]; then
    echo "== Miri: FAILED: ${failed[*]}"
    exit 1
fi
echo "== Miri: all suites passed"
