#!/usr/bin/env bash
# Runs the C-API tests and the protocol core's unit tests under Miri (nightly).
#
#   scripts/miri.sh            # capi_api + proto lib tests (Stacked Borrows, Miri's default)
#   scripts/miri.sh --faults   # also tests/capi_faults.rs (offsets reduced under cfg(miri))
#
# Environment:
#   MIRIFLAGS       extra Miri flags, e.g. MIRIFLAGS=-Zmiri-tree-borrows for the Tree Borrows
#                   model instead of Stacked Borrows.
#   PROPTEST_CASES  proptest cases per property in the proto tests (default here: 4).
#
# Every suite runs even when an earlier one fails; the exit status is non-zero when any failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "miri.sh: the nightly toolchain is required (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^miri'; then
    echo "miri.sh: installing the miri component" >&2
    rustup component add miri rust-src --toolchain nightly || exit 2
fi

export PROPTEST_CASES=${PROPTEST_CASES:-4}
flags=${MIRIFLAGS:-}
failed=()

run() {
    local name=$1
    shift
    echo "== $name: cargo +nightly miri test $*"
    if ! "$@"; then
        failed+=("$name")
    fi
}

run capi_api env MIRIFLAGS="$flags" cargo +nightly miri test --test capi_api
if [ "${1:-}" = "--faults" ]; then
    run capi_faults env MIRIFLAGS="$flags" cargo +nightly miri test --test capi_faults
fi
# proptest's failure persistence looks up the working directory: no isolation for these.
run proto env MIRIFLAGS="$flags -Zmiri-disable-isolation" cargo +nightly miri test --lib proto

if [ ${#failed[@]} -gt 0 ]; then
    echo "== Miri: FAILED: ${failed[*]}"
    exit 1
fi
echo "== Miri: all suites passed"
