#!/usr/bin/env bash
# The loopback echo benchmark (issue #15; bench/README.md): builds the echo server, the
# reference clients and the httpc-ws clients, runs the matrix with server and client pinned to
# one CPU, prints a markdown report and writes it to reports/bench-<date>.md (and .json).
#
#   scripts/bench.sh                 the full matrix, 5 runs per cell (median)
#   scripts/bench.sh --runs N        N runs per cell
#   scripts/bench.sh --smoke         one short run of every client and row (CI: proves it works)
#
# More options, passed to bench/run.py:
#   --clients raw,tungstenite,wslay,httpc-poll,httpc-task,httpc-blocking   (a subset)
#   --rows REGEX[,REGEX]   rows whose name matches, e.g. '^64 B'
#   --cpu N                the CPU to pin to (default: the last one)
#   --no-count             skip the perf/strace counting runs
#   --port-rev REV         build the httpc-ws clients with ports/posix/httpc_port_posix.c as it
#                          was at git revision REV (before/after comparisons of the port)
#
# Installs what it needs when missing (Debian: libwslay-dev, linux-perf, strace). Builds with
# -j2. The echo server listens on 127.0.0.1 only, on a port the system picks, and is stopped
# at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SMOKE=0
PORT_REV=""
RUN_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1; RUN_ARGS+=(--smoke) ;;
        --runs | --clients | --rows | --cpu | --timeout) RUN_ARGS+=("$1" "${2:?$1 needs a value}"); shift ;;
        --no-count) RUN_ARGS+=(--no-count) ;;
        --port-rev) PORT_REV=${2:?--port-rev needs a revision}; shift ;;
        -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[bench] %s\n' "$*" >&2; }
START=$SECONDS

# --- what the benchmark needs --------------------------------------------------------------
need=()
dpkg-query -W -f='${Status}' libwslay-dev 2>/dev/null | grep -q 'install ok installed' || need+=(libwslay-dev)
command -v perf >/dev/null || need+=(linux-perf)
command -v strace >/dev/null || need+=(strace)
command -v taskset >/dev/null || need+=(util-linux)
if [ "${#need[@]}" -gt 0 ]; then
    log "apt: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- build ---------------------------------------------------------------------------------
BUILD="$ROOT/build-bench"
mkdir -p "$BUILD"
log "cargo rustc --release --crate-type staticlib (libhttpc_ws.a, as CMake builds it: LTO)"
cargo rustc --locked --release --lib --crate-type staticlib -j 2 --quiet
log "cargo build --release (bench/: echo server, tungstenite and raw clients)"
cargo build --locked --release -j 2 --quiet --manifest-path bench/Cargo.toml

PORT_SRC=ports/posix/httpc_port_posix.c
PORT_LABEL="ports/posix (work tree)"
if [ -n "$PORT_REV" ]; then
    PORT_SRC="$BUILD/httpc_port_posix.$PORT_REV.c"
    git show "$PORT_REV:ports/posix/httpc_port_posix.c" >"$PORT_SRC"
    PORT_LABEL="ports/posix at $(git rev-parse --short "$PORT_REV")"
fi
CC=${CC:-cc}
CFLAGS=(-std=c99 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Iports/posix -Ibench/c)
log "$CC: httpc_bench (httpc-ws, $PORT_LABEL), wslay_bench"
"$CC" "${CFLAGS[@]}" bench/c/httpc_bench.c "$PORT_SRC" target/release/libhttpc_ws.a \
    -lpthread -ldl -lm -o "$BUILD/httpc_bench"
"$CC" "${CFLAGS[@]}" bench/c/wslay_bench.c -lwslay -o "$BUILD/wslay_bench"
log "built in $((SECONDS - START)) s"

# --- run -----------------------------------------------------------------------------------
mkdir -p reports
SUFFIX=""
if [ "$SMOKE" = 1 ]; then SUFFIX=-smoke; fi
OUT="reports/bench-$(date +%Y%m%d-%H%M%S)$SUFFIX.md"
CC="$CC" python3 bench/run.py --wsbench bench/target/release/wsbench --httpc "$BUILD/httpc_bench" \
    --wslay "$BUILD/wslay_bench" --port-label "$PORT_LABEL" --out "$OUT" "${RUN_ARGS[@]}"
log "report: $OUT (raw numbers: ${OUT%.md}.json); total $((SECONDS - START)) s"
