# shellcheck shell=bash
# Test servers for httpc-ws: start them on 127.0.0.1, stop them by PID on every exit path.
#
# Source it from a bash script (works under `set -euo pipefail`):
#
#     . "$ROOT/scripts/lib/servers.sh"
#     servers_install_trap              # stop_servers on EXIT (keeps an EXIT trap already set)
#     start_echo_server ECHO_PORT       # exports ECHO_PORT=<port>, PID in SERVERS_PIDS
#     ./my_test "ws://127.0.0.1:$ECHO_PORT/echo"
#
# Functions:
#   start_echo_server VAR   start tests/servers/echo_server.py (.venv python) with
#                           --port 0 --port-file, wait up to 10 s for the port file, export the
#                           port as $VAR and the PID as ${VAR}_PID; the PID is also recorded
#   start_http_server VAR   the same for tests/servers/http_server.py (plain HTTP/1.1)
#   start_aio_server VAR    the same for tests/servers/aio_server.py (aiohttp: keep-alive REST
#                           and a WebSocket route on the same connections)
#   servers_register_pid PID
#                           record a server started some other way, so stop_servers stops it
#   stop_servers            SIGTERM every recorded PID, wait up to 5 s each, then SIGKILL; wait
#                           for them; idempotent (safe to call twice)
#   servers_install_trap    trap stop_servers on EXIT, and turn INT/TERM/HUP into an exit (so the
#                           EXIT trap runs). An EXIT trap that is already set is kept and run
#                           after stop_servers.
#
# Combining with your own trap: either set your trap first and then call servers_install_trap
# (it chains: `stop_servers; <your trap>`), or call stop_servers from your own trap yourself:
#     trap 'stop_servers; rm -rf "$tmpdir"' EXIT
# Note that a later plain `trap ... EXIT` replaces the whole EXIT trap, stop_servers included.
# Bash runs a signal trap only once the foreground command in progress ends: to stop promptly on
# SIGTERM during a long step, run it in the background and `wait` for it (as tests/conformance/run.sh
# does).

SERVERS_LIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVERS_PYTHON=${SERVERS_PYTHON:-$SERVERS_LIB_ROOT/.venv/bin/python}
if [ -z "${SERVERS_PIDS+x}" ]; then
    SERVERS_PIDS=()
fi

servers_log() { printf '[servers] %s\n' "$*" >&2; }

servers_register_pid() {
    SERVERS_PIDS+=("$1")
}

start_echo_server() {
    servers_start_python echo "$SERVERS_LIB_ROOT/tests/servers/echo_server.py" "$@"
}

start_http_server() {
    servers_start_python http "$SERVERS_LIB_ROOT/tests/servers/http_server.py" "$@"
}

start_aio_server() {
    servers_start_python aio "$SERVERS_LIB_ROOT/tests/servers/aio_server.py" "$@"
}

servers_start_python() {
    local name=$1 script=$2 var=${3:?usage: start_${1}_server VAR}
    if [ ! -x "$SERVERS_PYTHON" ]; then
        servers_log "no $SERVERS_PYTHON: run scripts/setup.sh first"
        return 1
    fi
    local dir pid port='' i
    dir=$(mktemp -d "${TMPDIR:-/tmp}/httpc-ws-$name.XXXXXX")
    "$SERVERS_PYTHON" "$script" --port 0 --port-file "$dir/port" &
    pid=$!
    servers_register_pid "$pid"
    for ((i = 0; i < 200; i++)); do # 200 x 0.05 s = 10 s
        if [ -s "$dir/port" ]; then
            port=$(<"$dir/port")
            break
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            servers_log "$name server (pid $pid) exited before listening"
            rm -rf "$dir"
            return 1
        fi
        sleep 0.05
    done
    rm -rf "$dir"
    if [ -z "$port" ]; then
        servers_log "$name server (pid $pid) did not listen within 10 s"
        return 1
    fi
    printf -v "$var" '%s' "$port"
    printf -v "${var}_PID" '%s' "$pid"
    export "${var?}" "${var}_PID"
    servers_log "$name server pid $pid listening on 127.0.0.1:$port (\$$var)"
}

stop_servers() {
    local pid i
    for pid in ${SERVERS_PIDS[@]+"${SERVERS_PIDS[@]}"}; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for ((i = 0; i < 100; i++)); do # 5 s
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.05
            done
            if kill -0 "$pid" 2>/dev/null; then
                servers_log "pid $pid still running after SIGTERM: SIGKILL"
                kill -KILL "$pid" 2>/dev/null || true
            fi
            servers_log "stopped pid $pid"
        fi
        wait "$pid" 2>/dev/null || true
    done
    SERVERS_PIDS=()
}

servers_install_trap() {
    local existing=''
    local current
    current=$(trap -p EXIT)
    if [ -n "$current" ]; then
        # `trap -p` prints: trap -- 'COMMANDS' EXIT (quoted for reuse): let the shell unquote it.
        eval "set -- $current"
        existing=$3
    fi
    case "$existing" in
        stop_servers*) return 0 ;; # already installed
    esac
    if [ -n "$existing" ]; then
        # shellcheck disable=SC2064
        trap "stop_servers; $existing" EXIT
    else
        trap stop_servers EXIT
    fi
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
