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
#   start_nginx_proxy VAR UPSTREAM_PORT
#                           Debian's nginx in front of a server (see the function)
#   servers_register_pid PID
#                           record a server started some other way, so stop_servers stops it
#   stop_servers            SIGTERM every recorded PID, wait up to 5 s each, then SIGKILL; wait
#                           for them; remove nginx's temporary prefixes; idempotent (safe to
#                           call twice)
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
# Temporary prefixes of servers that keep files while they run (nginx), removed by stop_servers.
if [ -z "${SERVERS_DIRS+x}" ]; then
    SERVERS_DIRS=()
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

# start_nginx_proxy VAR UPSTREAM_PORT: Debian's nginx on 127.0.0.1 in front of the HTTP server
# listening on UPSTREAM_PORT (keep-alive to both sides, bodies streamed both ways, WebSocket
# upgrades passed through, `/count` answered by nginx itself with the requests the client's
# connection carried), from a temporary prefix; its PID recorded like the others.
start_nginx_proxy() {
    local var=${1:?usage: start_nginx_proxy VAR UPSTREAM_PORT} up=${2:?upstream port}
    local nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
    if [ ! -x "$nginx" ]; then
        servers_log "no nginx ($nginx): install nginx-light (scripts/setup.sh does)"
        return 1
    fi
    local dir port pid i
    dir=$(mktemp -d "${TMPDIR:-/tmp}/httpc-ws-nginx.XXXXXX")
    port=$("$SERVERS_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    SERVERS_DIRS+=("$dir")
    mkdir -p "$dir/logs" "$dir/tmp"
    cat >"$dir/nginx.conf" <<NGINX_CONF
worker_processes 1;
error_log stderr warn;
pid $dir/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    client_max_body_size 0;
    keepalive_requests 1000;
    upstream app { server 127.0.0.1:$up; keepalive 8; }
    server {
        listen 127.0.0.1:$port;
        location = /count { default_type text/plain; return 200 "\$connection_requests"; }
        location /ws {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection "upgrade";
        }
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_request_buffering off;
            proxy_buffering off;
        }
    }
}
NGINX_CONF
    "$nginx" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
    pid=$!
    servers_register_pid "$pid"
    for ((i = 0; i < 200; i++)); do # 10 s
        if "$SERVERS_PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            printf -v "$var" '%s' "$port"
            export "${var?}"
            servers_log "nginx pid $pid listening on 127.0.0.1:$port in front of :$up (\$$var)"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    servers_log "nginx (pid $pid) did not listen"
    return 1
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
    local pid i dir
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
    for dir in ${SERVERS_DIRS[@]+"${SERVERS_DIRS[@]}"}; do
        rm -rf "$dir"
    done
    SERVERS_DIRS=()
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
