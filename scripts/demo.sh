#!/usr/bin/env bash
# End-to-end demo of httpc-ws from a fresh checkout:
#   1. scripts/setup.sh (toolchains, .venv with the Python WebSocket server; skips what is done)
#   2. CMake configure + build, Release, in build/ (cargo builds the Rust library)
#   3. start the echo server on 127.0.0.1 (scripts/lib/servers.sh)
#   4. build/c_examples/echo_client ws://127.0.0.1:PORT/echo "Hello, httpc-ws" "second message"
#   5. stop the server by PID (also on failure or Ctrl-C)
# Exits non-zero if any step fails.
#
# Usage: scripts/demo.sh
# Environment: CMAKE_GENERATOR (e.g. Ninja) picks the generator of a new build/ directory;
#              DEMO_JOBS (default 2) is the build parallelism.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

step() { printf '\n[demo] %s\n' "$*"; }

case "${1:-}" in
    -h | --help)
        sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    "") ;;
    *)
        echo "demo.sh: no arguments expected" >&2
        exit 2
        ;;
esac

step "scripts/setup.sh"
scripts/setup.sh

step "cmake configure (Release, build/)"
# (Examples on explicitly: a build/ configured before without them, as the README's install
# line does, keeps that choice in its cache.)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHTTPC_WS_BUILD_EXAMPLES=ON

step "cmake build"
start=$SECONDS
cmake --build build --parallel "${DEMO_JOBS:-2}"
echo "[demo] build took $((SECONDS - start)) s"

# shellcheck source=lib/servers.sh
. "$ROOT/scripts/lib/servers.sh"
servers_install_trap

step "start the echo server"
start_echo_server ECHO_PORT

step "echo_client ws://127.0.0.1:$ECHO_PORT/echo"
rc=0
build/c_examples/echo_client "ws://127.0.0.1:$ECHO_PORT/echo" "Hello, httpc-ws" "second message" || rc=$?

step "stop the echo server"
stop_servers

if [ "$rc" -ne 0 ]; then
    echo "[demo] FAILED: echo_client exited with $rc" >&2
    exit "$rc"
fi
echo "[demo] OK"
