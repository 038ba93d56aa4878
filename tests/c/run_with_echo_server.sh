#!/usr/bin/env bash
# Run a program against the Python test servers: the WebSocket echo server
# (tests/servers/echo_server.py), the plain HTTP server (tests/servers/http_server.py) and the
# aiohttp server (tests/servers/aio_server.py).
#
#   tests/c/run_with_echo_server.sh PROGRAM [ARGS...]
#
# Starts each server on 127.0.0.1 with a free port (scripts/lib/servers.sh) when an argument
# names its port: @PORT@ (echo), @HTTP_PORT@, @AIO_PORT@, @NGINX_PORT@ (nginx in front of the
# aiohttp server; where nginx is missing the whole argument becomes "-"), replaced by that
# port. Runs PROGRAM, stops the servers by PID on every exit path (normal end, failure,
# INT/TERM/HUP), and exits with PROGRAM's status.
#
# Exit status: PROGRAM's; 77 (ctest SKIP_RETURN_CODE) when the server cannot run here because
# the .venv is missing (run scripts/setup.sh); 124/137 when PROGRAM overran its time limit.
#
# Environment: HTTPC_WS_TEST_TIMEOUT (seconds, default 60) limits PROGRAM, so that a hung
# program still ends here, before ctest's own TIMEOUT, and the server is still stopped.
set -euo pipefail

if [ "$#" -lt 1 ]; then
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/lib/servers.sh
. "$ROOT/scripts/lib/servers.sh"
servers_install_trap

if [ ! -x "$SERVERS_PYTHON" ]; then
    echo "run_with_echo_server: skipped: no $SERVERS_PYTHON (run scripts/setup.sh)" >&2
    exit 77
fi

# Each server only when an argument asks for its port.
ECHO_PORT='' HTTP_PORT='' AIO_PORT=''
case "$*" in *@PORT@*) start_echo_server ECHO_PORT ;; esac
case "$*" in *@HTTP_PORT@*) start_http_server HTTP_PORT ;; esac
case "$*" in *@AIO_PORT@* | *@NGINX_PORT@*) start_aio_server AIO_PORT ;; esac
# nginx in front of the aiohttp server; where nginx is missing, its argument becomes "-" (the
# program skips that part and says so).
NGINX_ARG=
case "$*" in
    *@NGINX_PORT@*) start_nginx_proxy NGINX_PORT "$AIO_PORT" || NGINX_ARG=- ;;
esac

cmd=()
for arg in "$@"; do
    arg=${arg//@HTTP_PORT@/$HTTP_PORT}
    arg=${arg//@AIO_PORT@/$AIO_PORT}
    case "$arg" in *@NGINX_PORT@*) [ -z "$NGINX_ARG" ] || arg=$NGINX_ARG ;; esac
    arg=${arg//@NGINX_PORT@/${NGINX_PORT:-}}
    cmd+=("${arg//@PORT@/$ECHO_PORT}")
done

echo "run_with_echo_server: ${cmd[*]}" >&2
rc=0
timeout --kill-after=5 "${HTTPC_WS_TEST_TIMEOUT:-60}" "${cmd[@]}" || rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "run_with_echo_server: ${cmd[0]} did not finish within ${HTTPC_WS_TEST_TIMEOUT:-60} s" >&2
fi

stop_servers
exit "$rc"
