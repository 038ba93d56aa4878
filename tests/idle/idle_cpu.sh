#!/usr/bin/env bash
# Idle CPU of the library with 1, 16, 64 and 256 open WebSocket connections, engine task and
# poll mode, against the real echo server on 127.0.0.1 (tests/c/run_with_echo_server.sh).
#
#   tests/idle/idle_cpu.sh PATH/TO/idle_cpu [SECONDS]
#
# Each run fails above 1 % CPU while idle (idle_cpu --max-pct 1). Exit 77: no .venv (skip).
set -euo pipefail
prog=${1:?usage: idle_cpu.sh PATH/TO/idle_cpu [SECONDS]}
secs=${2:-2}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ulimit -n 4096 2>/dev/null || true
rc=0
for n in 1 16 64 256; do
    for mode in task poll; do
        flag=()
        [ "$mode" = poll ] && flag=(--poll)
        "$root/tests/c/run_with_echo_server.sh" "$prog" --url "ws://127.0.0.1:@PORT@/echo" \
            --conns "$n" --seconds "$secs" --max-pct 1 "${flag[@]}" || rc=$?
        [ "$rc" = 77 ] && exit 77
        [ "$rc" = 0 ] || break 2
    done
done
exit "$rc"
