#!/usr/bin/env bash
# Boot the httpc-ws firmware example in QEMU against the real Python echo server.
#
#   tests/firmware/run.sh --elf FILE [--net uart|eth] [--machine mps2-an386] [--path /echo]
#                         [--server echo|aio] [--timeout S] [--stack] [--icount] [--log FILE]
#                         [-- KEY=VALUE ...]
#
# Starts tests/servers/echo_server.py (--server echo, the default; the firmware's mode=echo) or
# tests/servers/aio_server.py (--server aio: aiohttp, REST and WebSocket on one connection; the
# firmware's mode=rest) on 127.0.0.1 (scripts/lib/servers.sh, a free port), boots
# `qemu-system-arm -M MACHINE`, semihosting on (the firmware prints through it and exits with its
# status), no monitor, no gdb stub, no display. The network, by --net:
#   uart (default; httpc_ws_firmware.elf): the board's first UART attached to a TCP connection to
#        the server (-serial chardev:net0 -chardev socket,id=net0,host=127.0.0.1,port=N: QEMU
#        connects when the machine starts);
#   eth  (httpc_ws_firmware_eth.elf): the board's LAN9118 on QEMU's user-mode network
#        (-nic user,model=lan9118: slirp, no host forwarding, so it listens nowhere); the
#        firmware's own TCP/IP stack connects to the server at 10.0.2.2:N, which slirp turns into
#        a connection to 127.0.0.1:N.
# The firmware's arguments go through the semihosting command line: mode=echo|rest path=PATH port=N
# (and host=10.0.2.2 with eth), plus --stack (stack=1) and any KEY=VALUE after --. --icount runs
# QEMU with -icount shift=0 (one instruction per virtual nanosecond: mode=perf's measurements).
#
# Exit status: the firmware's (0: every check passed) when it also printed "RESULT: PASS";
# 1 otherwise; 124 when QEMU overran --timeout (default 240 s); 77 (ctest skip) when
# qemu-system-arm or the Python venv (scripts/setup.sh) is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; }

ELF=
NET=uart
MACHINE=mps2-an386
FW_PATH=/echo
SERVER=echo
TIMEOUT=240
STACK=0
ICOUNT=()
LOG=
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --elf) ELF=$2; shift 2 ;;
        --net) NET=$2; shift 2 ;;
        --machine) MACHINE=$2; shift 2 ;;
        --path) FW_PATH=$2; shift 2 ;;
        --server) SERVER=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --stack) STACK=1; shift ;;
        --icount) ICOUNT=(-icount shift=0); shift ;;
        --log) LOG=$2; shift 2 ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
[ -n "$ELF" ] || { usage >&2; exit 2; }
[ -f "$ELF" ] || { echo "run.sh: no firmware image $ELF" >&2; exit 2; }
case "$NET" in uart|eth) ;; *) echo "run.sh: --net uart|eth, not $NET" >&2; exit 2 ;; esac
case "$SERVER" in echo|aio) ;; *) echo "run.sh: --server echo|aio, not $SERVER" >&2; exit 2 ;; esac

QEMU=$(command -v qemu-system-arm || true)
if [ -z "$QEMU" ]; then
    echo "run.sh: skipped: qemu-system-arm is not installed (apt-get install qemu-system-arm)" >&2
    exit 77
fi

# shellcheck source=../../scripts/lib/servers.sh
. "$ROOT/scripts/lib/servers.sh"
# shellcheck source=qemu_net.sh
. "$ROOT/tests/firmware/qemu_net.sh"
if [ ! -x "$SERVERS_PYTHON" ]; then
    echo "run.sh: skipped: no $SERVERS_PYTHON (run scripts/setup.sh)" >&2
    exit 77
fi

QEMU_PID=
OUT=$(mktemp "${TMPDIR:-/tmp}/httpc-ws-fw.XXXXXX")
cleanup() {
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill -TERM "$QEMU_PID" 2>/dev/null || true
        wait "$QEMU_PID" 2>/dev/null || true
    fi
    stop_servers
    rm -f "$OUT"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$SERVER" = aio ]; then
    start_aio_server ECHO_PORT
    FW_MODE=rest
else
    start_echo_server ECHO_PORT
    FW_MODE=echo
fi

SEMI="enable=on,target=native$(sh_arg httpc_ws_firmware)$(sh_arg "mode=$FW_MODE")$(sh_arg "path=$FW_PATH")$(sh_arg "port=$ECHO_PORT")"
[ "$STACK" = 1 ] && SEMI+=$(sh_arg stack=1)
qemu_net "$NET" "$ECHO_PORT"
SEMI+=$NET_SEMI
for a in ${EXTRA[@]+"${EXTRA[@]}"}; do SEMI+=$(sh_arg "$a"); done

CMD=("$QEMU" -M "$MACHINE" -nographic -monitor none ${ICOUNT[@]+"${ICOUNT[@]}"} "${NET_ARGS[@]}"
     -semihosting-config "$SEMI" -kernel "$ELF")
echo "run.sh: ${CMD[*]}" >&2
start=$(date +%s.%N)
# In the background + wait: a signal stops it at once (the trap runs).
timeout --kill-after=5 "$TIMEOUT" "${CMD[@]}" </dev/null >"$OUT" 2>&1 &
QEMU_PID=$!
rc=0
wait "$QEMU_PID" || rc=$?
QEMU_PID=
cat "$OUT"
[ -z "$LOG" ] || cp "$OUT" "$LOG"
echo "run.sh: QEMU exited $rc after $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s" >&2
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "run.sh: the firmware did not finish within $TIMEOUT s" >&2
    exit 124
fi
if [ "$rc" = 0 ] && ! grep -q '^RESULT: PASS' "$OUT"; then
    echo "run.sh: exit status 0 but no 'RESULT: PASS' line" >&2
    exit 1
fi
exit "$rc"
