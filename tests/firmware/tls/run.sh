#!/usr/bin/env bash
# wss:// on the MCU: boots the TLS test firmware (httpc_ws_firmware_tls.elf: Cortex-M4, QEMU
# mps2-an386, LAN9118 + lwIP + ports/mbedtls + mbedTLS 2.28) against real TLS WebSocket servers
# on 127.0.0.1, checks the refusals, and reports flash, RAM and handshake time.
#
#   tests/firmware/tls/run.sh [--build-dir DIR]      configure + build DIR (default build-tlsfw-m4:
#                                                    M4 toolchain, lwIP and mbedTLS fetched once
#                                                    into .cache/), then run
#   tests/firmware/tls/run.sh --elf FILE [--machine M]   run an image already built (ctest does)
#
# The runs (each one QEMU boot; a throw-away PKI from tests/tls/gen_certs.sh; three Python
# `websockets` servers over TLS from tests/tls/servers.py, certificates: server.pem (CN and SAN
# localhost, by the test CA), unknown.pem (by an unrelated CA), expired.pem (2020)):
#
#   echo             the echo sequence of app_echo.c over wss:// (cn=localhost, the test CA,
#                    the wall clock set from the host's clock): handshake time in QEMU
#   echo-icount      the same under -icount shift=0 (one instruction per virtual ns): the
#                    handshake's CPU cost in instructions, independent of the host's speed
#   wrong-name       cn=wrong.example: refused, MBEDTLS_X509_BADCERT_CN_MISMATCH
#   unknown-ca       the unknown.pem server: refused, MBEDTLS_X509_BADCERT_NOT_TRUSTED
#   expired          the expired.pem server: refused, MBEDTLS_X509_BADCERT_EXPIRED
#   no-clock         no now= (the clock reads 1970): refused, MBEDTLS_X509_BADCERT_FUTURE
#   small-arena      an arena of 3/4 of the echo run's high-water mark: the connection runs out of
#                    arena, fails cleanly and gives everything back
#
# Every run also checks that the connection gave back every arena byte it took, and the image is
# checked for a heap (no malloc/calloc/free/_sbrk may be linked). Then the report:
# flash and static RAM by part (fw_sizes.py on the image's map file), the arena's and the stack's
# high-water marks, handshake times. Logs: target/firmware-tls/.
#
# Exit status: 0 when every run passed; 1 otherwise; 77 (ctest skip) when qemu-system-arm,
# openssl or the Python venv with websockets (scripts/setup.sh) is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

ELF=
BUILD_DIR=
MACHINE=mps2-an386
while [ $# -gt 0 ]; do
    case "$1" in
        --elf) ELF=$2; shift 2 ;;
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --machine) MACHINE=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
log() { printf '[fw-tls] %s\n' "$*"; }
START=$SECONDS

PY="$ROOT/.venv/bin/python"
QEMU=$(command -v qemu-system-arm || true)
missing=()
[ -n "$QEMU" ] || missing+=("qemu-system-arm (apt-get install qemu-system-arm)")
command -v openssl >/dev/null || missing+=("openssl (apt-get install openssl)")
"$PY" -c 'import websockets' >/dev/null 2>&1 || missing+=("$PY with websockets (scripts/setup.sh)")
if [ "${#missing[@]}" -gt 0 ]; then
    log "skipped: missing ${missing[*]}"
    exit 77
fi

OUT="$ROOT/target/firmware-tls"
mkdir -p "$OUT"
rm -f "$OUT"/*.log

# -- the image --------------------------------------------------------------------------------------
if [ -z "$ELF" ]; then
    BUILD_DIR=${BUILD_DIR:-$ROOT/build-tlsfw-m4}
    log "configure + build $BUILD_DIR (lwIP and mbedTLS sources: $ROOT/.cache)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/arm-none-eabi-cortex-m4.cmake" \
        -DHTTPC_WS_FETCH_LWIP=ON -DHTTPC_WS_LWIP_FETCH_DIR="$ROOT/.cache/lwip" -DHTTPC_WS_LWIP_TARGET=httpc_ws_lwip \
        -DHTTPC_WS_FETCH_MBEDTLS=ON -DHTTPC_WS_MBEDTLS_FETCH_DIR="$ROOT/.cache/mbedtls" >"$OUT/build.log" 2>&1 &&
        cmake --build "$BUILD_DIR" --parallel 2 --target httpc_ws_firmware_tls >>"$OUT/build.log" 2>&1 ||
        { tail -n 40 "$OUT/build.log" >&2; log "build failed (${OUT#"$ROOT"/}/build.log)"; exit 1; }
    ELF="$BUILD_DIR/tests/firmware/httpc_ws_firmware_tls.elf"
fi
[ -f "$ELF" ] || { log "no firmware image $ELF"; exit 2; }
MAP="${ELF%.elf}.map"

# -- PKI and servers ----------------------------------------------------------------------------------
# shellcheck source=../../../scripts/lib/servers.sh
. "$ROOT/scripts/lib/servers.sh"
# shellcheck source=../qemu_net.sh
. "$ROOT/tests/firmware/qemu_net.sh"
PKI=$(mktemp -d "${TMPDIR:-/tmp}/httpc-ws-fwtls.XXXXXX")
QEMU_PID=
cleanup() {
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill -TERM "$QEMU_PID" 2>/dev/null || true
        wait "$QEMU_PID" 2>/dev/null || true
    fi
    stop_servers
    rm -rf "$PKI"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

"$ROOT/tests/tls/gen_certs.sh" "$PKI" >/dev/null
declare -A PORTS
start() { # NAME CERT
    local pf="$PKI/port.$1" i
    "$PY" "$ROOT/tests/tls/servers.py" echo --cert "$PKI/$2.pem" --key "$PKI/$2.key" --port-file "$pf" \
        >"$OUT/server-$1.log" 2>&1 &
    servers_register_pid $!
    for ((i = 0; i < 200; i++)); do [ -s "$pf" ] && break; sleep 0.05; done
    [ -s "$pf" ] || { log "server $1 did not start"; cat "$OUT/server-$1.log" >&2; exit 1; }
    PORTS[$1]=$(tr -d '\n' <"$pf")
}
start good server
start unknown unknown
start expired expired
log "TLS servers on 127.0.0.1: good=${PORTS[good]} unknown=${PORTS[unknown]} expired=${PORTS[expired]}"

# -- boots ------------------------------------------------------------------------------------------
metric() { # LOG KEY: a value of the firmware's TLS-METRIC lines
    { grep '^TLS-METRIC ' "$OUT/$1.log" || true; } | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
PASS=0 FAIL=0
RESULTS=()
NOW=$(date +%s)
# boot NAME SERVER "QEMU options" KEY=VALUE...: one boot; passes on exit 0 with "RESULT: PASS" and
# the arena back to its state after Init.
boot() {
    local name=$1 srv=$2 qopts=$3 semi a rc=0 t0 live_end live_init
    shift 3
    qemu_net eth "${PORTS[$srv]}"
    semi="enable=on,target=native$(sh_arg httpc_ws_firmware_tls)$(sh_arg "port=${PORTS[$srv]}")$NET_SEMI"
    for a in "$@"; do semi+=$(sh_arg "$a"); done
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086 # qopts: QEMU options as words
    timeout --kill-after=5 60 "$QEMU" -M "$MACHINE" $qopts -nographic -monitor none "${NET_ARGS[@]}" \
        -semihosting-config "$semi" -kernel "$ELF" </dev/null >"$OUT/$name.log" 2>&1 &
    QEMU_PID=$!
    wait "$QEMU_PID" || rc=$?
    QEMU_PID=
    live_end=$(metric "$name" arena_live_end)
    live_init=$(metric "$name" arena_live_init)
    if [ "$rc" = 0 ] && grep -q '^RESULT: PASS' "$OUT/$name.log" && [ -n "$live_end" ] && [ "$live_end" = "$live_init" ]; then
        PASS=$((PASS + 1)); RESULTS+=("PASS  $name ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)")
    else
        FAIL=$((FAIL + 1)); RESULTS+=("FAIL  $name (exit $rc, arena live at the end ${live_end:-?} B, after Init ${live_init:-?} B; see ${OUT#"$ROOT"/}/$name.log)")
        grep -v '^check .* ok$' "$OUT/$name.log" | sed "s/^/  $name| /" >&2 || true
    fi
}
COMMON=(ca="$PKI/ca.pem" cn=localhost)
boot echo good "" mode=echo path=/echo "${COMMON[@]}" now="$NOW"
boot echo-icount good "-icount shift=0" mode=echo path=/echo "${COMMON[@]}" now="$NOW"
boot wrong-name good "" mode=refuse ca="$PKI/ca.pem" cn=wrong.example now="$NOW" verify=0x4
boot unknown-ca unknown "" mode=refuse "${COMMON[@]}" now="$NOW" verify=0x8
boot expired expired "" mode=refuse "${COMMON[@]}" now="$NOW" verify=0x1
boot no-clock good "" mode=refuse "${COMMON[@]}" verify=0x200
small=$(metric echo arena_high)
small=$(( ${small:-10240} * 3 / 4 ))
boot small-arena good "" mode=refuse "${COMMON[@]}" now="$NOW" fail=alloc arena="$small"
stop_servers

# No heap: nothing in the image may come from the C library's allocator (mbedTLS allocates from
# the arena only, the rest allocates nothing).
NM=$(command -v arm-none-eabi-nm || true)
if [ -n "$NM" ]; then
    heap=$("$NM" "$ELF" | awk '$3 ~ /^(_?malloc|_?calloc|_?realloc|_?free|_malloc_r|_calloc_r|_free_r|_sbrk|_sbrk_r)$/ { print $3 }' | tr '\n' ' ')
    if [ -z "$heap" ]; then
        PASS=$((PASS + 1)); RESULTS+=("PASS  no heap: no malloc/calloc/free/_sbrk in the image")
    else
        FAIL=$((FAIL + 1)); RESULTS+=("FAIL  no heap: the image links $heap")
    fi
fi

# -- report -----------------------------------------------------------------------------------------
echo
log "image: ${ELF#"$ROOT"/}"
"$PY" "$ROOT/tests/firmware/tls/fw_sizes.py" --map "$MAP" | sed 's/^/  /'
high=0
for n in echo echo-icount wrong-name unknown-ca expired no-clock; do # small-arena: starved on purpose
    v=$(metric "$n" arena_high)
    if [ -n "$v" ] && [ "$v" -gt "$high" ]; then high=$v; fi
done
hs=$(metric echo handshake_ms)
open=$(metric echo ws_open_ms)
tcp=$(metric echo tcp_ms)
cpu=$(metric echo hs_cpu_ticks)
icpu=$(metric echo-icount hs_cpu_ticks)
istep=$(metric echo-icount hs_step_max_ticks)
minstr() { awk -v t="${1:-0}" -v d="$2" 'BEGIN { printf "%.2f", t * 40 / d }'; } # 25 MHz ticks -> 40 insns
log "handshake in QEMU (host speed): TCP connect ${tcp:-?} ms, TLS done ${hs:-?} ms," \
    "WebSocket open ${open:-?} ms after the TCP connect call; TLS CPU $(( ${cpu:-0} / 25000 )) ms"
if [ -n "$icpu" ]; then
    log "handshake CPU cost (-icount shift=0): $(minstr "$icpu" 1e6) M instructions" \
        "(~$(minstr "$icpu" 100e6) s at 100 M instructions/s);" \
        "the longest single step (one ConnectPoll): $(minstr "$istep" 1e6) M"
fi
log "arena high-water mark: $high B of the $(metric echo arena_given) B arena (max over the runs that did" \
    "not starve it; record buffers in $(metric echo in_buffer) + out $(metric echo out_buffer) B);" \
    "stack peak: $(metric echo stack_peak) B of $(metric echo stack_size) B"
log "static storage of the layer: HTTPc_PORT_TLS $(metric echo sizeof_layer) B," \
    "one HTTPc_PORT_TLS_SESS $(metric echo sizeof_session) B"
printf '%s\n' "${RESULTS[@]}"
log "$PASS passed, $FAIL failed, $((SECONDS - START)) s"
[ "$FAIL" = 0 ]
