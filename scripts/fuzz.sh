#!/usr/bin/env bash
# Builds and runs every cargo-fuzz target briefly (or a long campaign), one target at a time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 15: the six targets take about 90 s in total (plus the
# build). Each target runs on the corpus fuzz/corpus/<target> (the committed seed-* files plus
# whatever earlier runs added; only seed-* files are tracked). Prints, per target, the execs,
# exec/s, edge coverage ("cov") and features ("ft") from libFuzzer's final stats, and exits
# non-zero when a target crashed, leaked or timed out (the reproducer is in
# fuzz/artifacts/<target>/; replay it with `cargo +nightly fuzz run <target> <file>`). Logs go to
# fuzz/target/fuzz-logs/<target>-<time>-<pid>.log.
#
# Environment: FUZZ_JOBS is not supported on purpose (2 cores: one target at a time);
# FUZZ_ARGS adds libFuzzer flags (e.g. FUZZ_ARGS=-max_len=4096).
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(rx_session handshake_parser http_response utf8_diff capi_script capi_http)

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"

secs=${1:-15}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: the nightly toolchain is required (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! cargo fuzz --version 2>/dev/null | grep -F "$CARGO_FUZZ_VERSION" >/dev/null; then
    echo "fuzz.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

echo "== building ${targets[*]}"
for t in "${targets[@]}"; do
    cargo +nightly fuzz build "$t"
done

logdir="$root/fuzz/target/fuzz-logs"
mkdir -p "$logdir"
status=0
results=()
for t in "${targets[@]}"; do
    log="$logdir/$t-$(date +%Y%m%d-%H%M%S)-$$.log"
    mkdir -p "corpus/$t"
    echo "== $t: ${secs}s (log: $log)"
    rc=0
    # shellcheck disable=SC2086
    cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
        ${FUZZ_ARGS:-} >"$log" 2>&1 || rc=$?
    execs=$(LC_ALL=C sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(LC_ALL=C sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -aE '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    verdict=ok
    if [ "$rc" -ne 0 ]; then
        verdict="FAILED (exit $rc)"
        status=1
        grep -aE 'panicked at|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY|Test unit written' "$log" \
            | head -8 | sed 's/^/    /'
    fi
    results+=("$(printf '%-18s execs %-10s exec/s %-7s cov %-6s ft %-7s corpus %-6s %s' \
        "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict")")
done

echo "== results (${secs}s per target)"
printf '%s\n' "${results[@]}"
exit $status
