#!/usr/bin/env bash
# Run Autobahn|Testsuite (fuzzing server mode, i.e. it tests a *client*) against one or more
# client drivers, and gate on the result.
#
# Usage:
#   tests/conformance/run.sh [--deflate] DRIVER_CMD...
#   tests/conformance/run.sh [--deflate] --mode NAME=CMD [--mode NAME=CMD ...]
#
#   A driver is a program that takes `ws://127.0.0.1:PORT` and an agent name as its LAST TWO
#   arguments and speaks the Autobahn client protocol: /getCaseCount, /runCase?case=N&agent=A for
#   each case (echo every message, same type, until the connection closes), /updateReports?agent=A.
#   It should exit 0 once it has updated the reports, whatever the cases did.
#   --mode NAME=CMD   CMD is a shell command line (run from the repository root, URL and agent
#                     appended); agent name httpc-ws-NAME. Repeat for several modes: all run
#                     against one fuzzing server, one after the other.
#   DRIVER_CMD...     a single driver given as separate words: mode "default".
#   --deflate         run only the permessage-deflate cases (12.*, 13.*; 216 of them) instead of
#                     the 301 others; gate: every case UNIMPLEMENTED, drivers exit 0.
#   --exclude PAT --expect N
#                     also exclude cases matching PAT (repeatable, e.g. '9.*'); the gate then wants
#                     N cases. Reports and summary go to a separate "subset" suite, so a subset run
#                     never overwrites the full run's results.
#
# Example:
#   tests/conformance/run.sh --mode blocking="build/c_examples/autobahn_client --blocking" \
#                            --mode nonblocking="build/c_examples/autobahn_client --task-handler"
#   tests/conformance/run.sh --mode ref=".venv/bin/python tests/conformance/reference_driver.py"
#
# Installs the suite if missing (tests/conformance/install.sh), starts the fuzzing server on a
# free port on 127.0.0.1 (and nothing else: see fuzzingserver.py), runs each mode, stops the
# server by PID on every exit path, then tests/conformance/summarize.py prints a table per category
# and mode, writes it to target/conformance/summary.txt (summary-deflate.txt with --deflate), lists
# every case that is not OK/INFORMATIONAL, and sets the exit status: 0 only when every case of
# every mode is OK or INFORMATIONAL in both behavior and behaviorClose, there are 301 cases, and
# every driver exited 0.
# Outputs (git-ignored): target/conformance/{reports/<suite>/,summary*.txt,*.log,spec-*.json}
# Environment: CONFORMANCE_DRIVER_TIMEOUT (seconds per mode, default 1800).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

log() { printf '[conformance] %s\n' "$*"; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

DEFLATE=0
MODE_NAMES=()
MODE_CMDS=()
add_mode() {
    local spec=$1 name cmd n
    case "$spec" in
        *=*) ;;
        *) echo "run.sh: --mode wants NAME=CMD, got: $spec" >&2; exit 2 ;;
    esac
    name=${spec%%=*}
    cmd=${spec#*=}
    if ! [[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] || [ -z "$cmd" ]; then
        echo "run.sh: bad --mode '$spec' (NAME: letters, digits, . _ -; CMD not empty)" >&2
        exit 2
    fi
    for n in ${MODE_NAMES[@]+"${MODE_NAMES[@]}"}; do
        if [ "$n" = "$name" ]; then echo "run.sh: mode $name given twice" >&2; exit 2; fi
    done
    MODE_NAMES+=("$name")
    MODE_CMDS+=("$cmd")
}
EXCLUDES=()
EXPECT_OVERRIDE=
while [ $# -gt 0 ]; do
    case "$1" in
        --deflate) DEFLATE=1; shift ;;
        --exclude) [ $# -ge 2 ] || { echo "run.sh: --exclude needs a pattern" >&2; exit 2; }
                   EXCLUDES+=("$2"); shift 2 ;;
        --expect) [ $# -ge 2 ] || { echo "run.sh: --expect needs a count" >&2; exit 2; }
                  EXPECT_OVERRIDE=$2; shift 2 ;;
        --mode) [ $# -ge 2 ] || { echo "run.sh: --mode needs NAME=CMD" >&2; exit 2; }
                add_mode "$2"; shift 2 ;;
        --mode=*) add_mode "${1#--mode=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ $# -gt 0 ]; then
    words=$(printf '%q ' "$@")
    add_mode "default=${words% }"
fi
if [ "${#MODE_NAMES[@]}" -eq 0 ]; then
    usage >&2
    exit 2
fi

T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

OUT="$ROOT/target/conformance"
if [ "$DEFLATE" = 1 ]; then
    SUITE=deflate; SUFFIX=-deflate; EXPECT=216
else
    SUITE=core; SUFFIX=; EXPECT=301
fi
if [ "${#EXCLUDES[@]}" -gt 0 ]; then
    [ -n "$EXPECT_OVERRIDE" ] || { echo "run.sh: --exclude needs --expect N" >&2; exit 2; }
    SUITE=$SUITE-subset; SUFFIX=$SUFFIX-subset
fi
[ -z "$EXPECT_OVERRIDE" ] || EXPECT=$EXPECT_OVERRIDE
REPORTS_REL="./target/conformance/reports/$SUITE"
SPEC="$OUT/spec-$SUITE.json"
PY3="$ROOT/.venv/bin/python"
PY27="$ROOT/.cache/autobahn-venv27/bin/python"
DRIVER_TIMEOUT=${CONFORMANCE_DRIVER_TIMEOUT:-1800}

# -- install (quick when already done) ------------------------------------------------------------
"$ROOT/tests/conformance/install.sh"

# -- cleanup on every exit path -------------------------------------------------------------------
# shellcheck source=../../scripts/lib/servers.sh
. "$ROOT/scripts/lib/servers.sh"
DRIVER_PID=
TAIL_PID=
cleanup() {
    local pid
    for pid in $DRIVER_PID $TAIL_PID; do
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping pid $pid"
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    DRIVER_PID= TAIL_PID=
    stop_servers
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# -- spec and server ------------------------------------------------------------------------------
mkdir -p "$OUT"
rm -rf "$OUT/reports/$SUITE"
"$PY3" - "$ROOT/tests/conformance/spec.json" "$SPEC" "$DEFLATE" "$REPORTS_REL" "${EXCLUDES[@]}" <<'EOF'
import json, sys
template, out, deflate, outdir, *excludes = sys.argv[1:]
spec = json.loads(open(template).read().replace("{PORT}", "0"))  # 0: fuzzingserver.py picks one
spec["outdir"] = outdir
if deflate == "1":
    spec["cases"] = ["12.*", "13.*"]
    spec["exclude-cases"] = []
spec["exclude-cases"] = spec["exclude-cases"] + excludes
with open(out, "w") as f:
    json.dump(spec, f, indent=3)
    f.write("\n")
EOF
log "spec $SPEC: cases $("$PY3" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["cases"], "excluding", s["exclude-cases"])' "$SPEC")"

PORT_FILE="$OUT/fuzzingserver$SUFFIX.port"
SERVER_LOG="$OUT/fuzzingserver$SUFFIX.log"
rm -f "$PORT_FILE"
"$PY27" "$ROOT/tests/conformance/fuzzingserver.py" "$SPEC" --port-file "$PORT_FILE" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
servers_register_pid "$SERVER_PID"
log "fuzzing server pid $SERVER_PID starting (log $SERVER_LOG)"
PORT=
for ((i = 0; i < 600; i++)); do # 30 s
    if [ -s "$PORT_FILE" ]; then PORT=$(<"$PORT_FILE"); break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "fuzzing server exited before listening:"; tail -n 20 "$SERVER_LOG" >&2; exit 1
    fi
    sleep 0.05
done
[ -n "$PORT" ] || { log "fuzzing server did not listen within 30 s"; exit 1; }
for ((i = 0; ; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
    if [ "$i" -ge 100 ]; then log "127.0.0.1:$PORT does not accept connections"; exit 1; fi
    sleep 0.05
done
LISTENERS=$(ss -ltnpH | grep "pid=$SERVER_PID," | awk '{print $4}' | sort -u)
log "fuzzing server listens on: $(echo $LISTENERS)"
if [ "$LISTENERS" != "127.0.0.1:$PORT" ]; then
    log "fuzzing server must listen on 127.0.0.1:$PORT only"; exit 1
fi
URL="ws://127.0.0.1:$PORT"
log "server ready after $(elapsed "$T0") s"

# -- drivers --------------------------------------------------------------------------------------
RUN_ARGS=()
for idx in "${!MODE_NAMES[@]}"; do
    name=${MODE_NAMES[$idx]}
    cmd=${MODE_CMDS[$idx]}
    agent="httpc-ws-$name"
    dlog="$OUT/driver-$name$SUFFIX.log"
    log "mode $name: $cmd $URL $agent (log $dlog)"
    t=$(date +%s.%N)
    : >"$dlog"
    # In the background + wait, so that a signal is handled at once (the trap stops it).
    # shellcheck disable=SC2016
    timeout -k 10 "$DRIVER_TIMEOUT" bash -c "$cmd"' "$@"' driver "$URL" "$agent" >"$dlog" 2>&1 &
    DRIVER_PID=$!
    tail -n +1 -f --pid="$DRIVER_PID" "$dlog" | sed -u "s/^/  [$name] /" &
    TAIL_PID=$!
    rc=0
    wait "$DRIVER_PID" || rc=$?
    wait "$TAIL_PID" 2>/dev/null || true
    DRIVER_PID= TAIL_PID=
    if [ "$rc" = 124 ]; then log "mode $name: driver timed out after $DRIVER_TIMEOUT s"; fi
    log "mode $name: driver exited $rc after $(elapsed "$t") s"
    RUN_ARGS+=(--run "$name" "$agent" "$rc")
done

stop_servers

# -- summary and gate -----------------------------------------------------------------------------
gate=0
"$PY3" "$ROOT/tests/conformance/summarize.py" "$ROOT/${REPORTS_REL#./}/index.json" "${RUN_ARGS[@]}" \
    --expect-count "$EXPECT" --out "$OUT/summary$SUFFIX.txt" $([ "$DEFLATE" = 1 ] && echo --deflate) || gate=$?
log "summary written to ${OUT#"$ROOT"/}/summary$SUFFIX.txt; reports in ${REPORTS_REL#./}/"
log "wall time: $(elapsed "$T0") s (${#MODE_NAMES[@]} mode(s), suite $SUITE)"
if [ "$gate" != 0 ]; then
    log "GATE FAILED"
    exit 1
fi
log "GATE PASSED"
