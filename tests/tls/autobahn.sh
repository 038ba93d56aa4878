#!/usr/bin/env bash
# Autobahn|Testsuite (fuzzing server) over wss://: the fuzzing server in TLS mode with a throw-away
# CA, the driver c_examples/autobahn_client.c built with AUTOBAHN_TLS (POSIX port wrapped in ports/mbedtls), cases 1-10
# (12.*/13.* excluded: 301 cases), gate as tests/conformance/run.sh: every case OK/INFORMATIONAL.
#
#   tests/tls/autobahn.sh DRIVER [MODE_FLAGS...]      e.g. build/tls/autobahn_tls_client --blocking
#   AUTOBAHN_TLS_MODES="blocking:--blocking task-handler:--task-handler" (default) runs each mode
#
# Needs tests/conformance/install.sh to have been run (.cache/autobahn-venv27); installs nothing.
# Outputs: target/conformance-tls/{reports/,summary.txt,*.log}
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DRIVER=${1:?usage: autobahn.sh DRIVER}
PY27="$ROOT/.cache/autobahn-venv27/bin/python"
PY3="$ROOT/.venv/bin/python"
OUT="$ROOT/target/conformance-tls"
MODES=${AUTOBAHN_TLS_MODES:-"blocking:--blocking task-handler:--task-handler"}
[ -x "$PY27" ] || { echo "autobahn.sh: missing $PY27 (run tests/conformance/install.sh)" >&2; exit 3; }

. "$ROOT/scripts/lib/servers.sh"
PKI=$(mktemp -d)
trap 'stop_servers; rm -rf "$PKI"' EXIT
"$ROOT/tests/tls/gen_certs.sh" "$PKI" >/dev/null
mkdir -p "$OUT"
rm -rf "$OUT/reports"
cat >"$OUT/spec.json" <<JSON
{"url": "wss://127.0.0.1:0", "key": "$PKI/server.key", "cert": "$PKI/server.pem",
 "outdir": "$OUT/reports", "cases": ["*"], "exclude-cases": ["12.*", "13.*"],
 "exclude-agent-cases": {}}
JSON
rm -f "$OUT/port"
"$PY27" "$ROOT/tests/conformance/fuzzingserver.py" "$OUT/spec.json" --port-file "$OUT/port" >"$OUT/fuzzingserver.log" 2>&1 &
servers_register_pid $!
for _ in $(seq 300); do [ -s "$OUT/port" ] && break; sleep 0.1; done
[ -s "$OUT/port" ] || { echo "autobahn.sh: fuzzing server did not start" >&2; tail "$OUT/fuzzingserver.log" >&2; exit 1; }
PORT=$(tr -d '\n' <"$OUT/port")
echo "[autobahn-tls] fuzzing server on wss://127.0.0.1:$PORT"
RUNS=()
for m in $MODES; do
    name=${m%%:*}; flags=${m#*:}; flags=${flags//,/ }
    agent="httpc-ws-tls-$name"
    t0=$SECONDS; rc=0
    # shellcheck disable=SC2086
    timeout -k 10 1800 "$DRIVER" --ca "$PKI/ca.pem" --cn localhost $flags "wss://127.0.0.1:$PORT" "$agent" \
        >"$OUT/driver-$name.log" 2>&1 || rc=$?
    echo "[autobahn-tls] mode $name: driver exited $rc after $((SECONDS - t0)) s"
    RUNS+=(--run "$name" "$agent" "$rc")
done
stop_servers
"$PY3" "$ROOT/tests/conformance/summarize.py" "$OUT/reports/index.json" "${RUNS[@]}" \
    --expect-count 301 --out "$OUT/summary.txt"
