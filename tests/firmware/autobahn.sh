#!/usr/bin/env bash
# Autobahn|Testsuite client driver on the MCU: boots the httpc-ws firmware example in QEMU once
# per session (mode=autobahn). A valid --mode command of tests/conformance/run.sh, which appends
# the URL and the agent:
#
#   tests/conformance/run.sh --mode mcu-m4="tests/firmware/autobahn.sh --elf build-m4/tests/firmware/httpc_ws_firmware.elf"
#   tests/conformance/run.sh --mode mcu-m4-eth="tests/firmware/autobahn.sh --net eth --elf build-m4/tests/firmware/httpc_ws_firmware_eth.elf"
#
#   tests/firmware/autobahn.sh [--net uart|eth] [--elf FILE] [--machine M] [--cases LIST]
#                              [--case-timeout S] [--jobs N] ws://127.0.0.1:PORT AGENT
#
#   --net uart|eth     uart (default): the board's UART attached to a TCP connection to the
#                      fuzzing server; eth: the LAN9118 on QEMU's user-mode network (slirp, no
#                      host forwarding), the firmware's lwIP connecting to 10.0.2.2:PORT, which
#                      slirp turns into a connection to 127.0.0.1:PORT
#   --elf FILE         firmware image (default build-m4/tests/firmware/httpc_ws_firmware.elf,
#                      or httpc_ws_firmware_eth.elf with --net eth)
#   --machine M        QEMU machine (default: mps2-an386 for an image built for Cortex-M4, else
#                      mps2-an385)
#   --cases LIST       case numbers to run, e.g. 1-246,301 (default: all, 1..count)
#   --case-timeout S   limit of one boot (default 180 s; the firmware gives up at S-5)
#   --jobs N           boots at once (default 1)
#
# Boots: /getCaseCount (its "AB-TEXT N" line is the count), /runCase?case=N&agent=AGENT for each
# case, /updateReports?agent=AGENT. Per-case wall times go to target/conformance/mcu-times-AGENT.txt.
# Exit 0 once the reports were updated (whatever the cases did), 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=qemu_net.sh
. "$ROOT/tests/firmware/qemu_net.sh"
ELF=
NET=uart
MACHINE=
CASES=
CASE_TIMEOUT=180
JOBS=1
while [ $# -gt 2 ]; do
    case "$1" in
        --elf) ELF=$2; shift 2 ;;
        --net) NET=$2; shift 2 ;;
        --machine) MACHINE=$2; shift 2 ;;
        --cases) CASES=$2; shift 2 ;;
        --case-timeout) CASE_TIMEOUT=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        *) echo "autobahn.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ $# -ne 2 ]; then
    sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
URL=$1
AGENT=$2
if ! [[ "$URL" =~ ^ws://127\.0\.0\.1:([0-9]+)/?$ ]]; then
    echo "autobahn.sh: want ws://127.0.0.1:PORT, got $URL" >&2
    exit 2
fi
PORT=${BASH_REMATCH[1]}
case "$NET" in
    uart) ELF=${ELF:-$ROOT/build-m4/tests/firmware/httpc_ws_firmware.elf} ;;
    eth) ELF=${ELF:-$ROOT/build-m4/tests/firmware/httpc_ws_firmware_eth.elf} ;;
    *) echo "autobahn.sh: --net uart|eth, not $NET" >&2; exit 2 ;;
esac
[ -f "$ELF" ] || { echo "autobahn.sh: no firmware image $ELF (build the cross build first)" >&2; exit 2; }
qemu_net "$NET" "$PORT"
if [ -z "$MACHINE" ]; then
    if arm-none-eabi-readelf -A "$ELF" 2>/dev/null | grep 'Tag_CPU_arch: v7E-M' >/dev/null; then
        MACHINE=mps2-an386
    else
        MACHINE=mps2-an385
    fi
fi
QEMU=$(command -v qemu-system-arm) || { echo "autobahn.sh: qemu-system-arm missing" >&2; exit 2; }

OUT=$ROOT/target/conformance
mkdir -p "$OUT"
TIMES=$OUT/mcu-times-$AGENT.txt
WORK=$(mktemp -d "${TMPDIR:-/tmp}/httpc-ws-ab.XXXXXX")
PIDS=()
cleanup() {
    local pid
    for pid in ${PIDS[@]+"${PIDS[@]}"}; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM


# boot PATH LOG: one QEMU session of the firmware on PATH.
boot() {
    local path=$1 log=$2 semi
    semi="enable=on,target=native$(sh_arg httpc_ws_firmware)$(sh_arg mode=autobahn)"
    semi+="$(sh_arg "path=$path")$(sh_arg "port=$PORT")$(sh_arg "timeout=$((CASE_TIMEOUT - 5))")"
    semi+=$NET_SEMI
    timeout --kill-after=5 "$CASE_TIMEOUT" "$QEMU" -M "$MACHINE" -nographic -monitor none "${NET_ARGS[@]}" \
        -semihosting-config "$semi" -kernel "$ELF" </dev/null >"$log" 2>&1
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

T0=$(now)
echo "autobahn.sh: $ELF on $MACHINE over $NET, agent $AGENT, server port $PORT"
if ! boot /getCaseCount "$WORK/count.log"; then
    cat "$WORK/count.log" >&2
    echo "autobahn.sh: the /getCaseCount boot failed" >&2
    exit 1
fi
COUNT=$(sed -n 's/^AB-TEXT \([0-9][0-9]*\).*/\1/p' "$WORK/count.log" | head -n 1)
[ -n "$COUNT" ] || { cat "$WORK/count.log" >&2; echo "autobahn.sh: no case count" >&2; exit 1; }

LIST=()
if [ -z "$CASES" ]; then
    CASES="1-$COUNT"
fi
IFS=, read -r -a parts <<<"$CASES"
for part in "${parts[@]}"; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then
        for ((n = BASH_REMATCH[1]; n <= BASH_REMATCH[2] && n <= COUNT; n++)); do LIST+=("$n"); done
    elif [[ "$part" =~ ^[0-9]+$ ]] && [ "$part" -le "$COUNT" ]; then
        LIST+=("$part")
    else
        echo "autobahn.sh: bad --cases part '$part'" >&2; exit 2
    fi
done
echo "autobahn.sh: $COUNT cases on the server, running ${#LIST[@]}, $JOBS at a time"

: >"$TIMES"
run_case() {
    local n=$1 t rc=0
    t=$(now)
    boot "/runCase?case=$n&agent=$AGENT" "$WORK/case-$n.log" || rc=$?
    if [ "$rc" != 0 ] && grep -q '^AB: HTTPc_ConnOpen failed' "$WORK/case-$n.log"; then
        # The firmware never reached the server: its TCP connect through QEMU's network failed
        # (seen once in 900 boots under load, refused at once). The server has no record of the
        # case, so it is run again, once, and said so.
        echo "case $n: the TCP connect failed, running the case again" >&2
        tail -n 2 "$WORK/case-$n.log" >&2
        rc=0
        boot "/runCase?case=$n&agent=$AGENT" "$WORK/case-$n.log" || rc=$?
    fi
    printf 'case %s: %s s, exit %s, %s%s\n' "$n" "$(since "$t")" "$rc" \
        "$(grep -m1 '^AB: session ended' "$WORK/case-$n.log" | sed 's/^AB: //')" \
        "$(grep -m1 '^ETH: ' "$WORK/case-$n.log" | sed 's/^ETH: /; /')" >>"$TIMES"
    if [ "$rc" != 0 ]; then
        echo "case $n: firmware exit $rc" >&2
        tail -n 5 "$WORK/case-$n.log" >&2
    fi
}
running=0
for n in "${LIST[@]}"; do
    if [ "$JOBS" -le 1 ]; then
        run_case "$n"
    else
        run_case "$n" &
        PIDS+=($!)
        running=$((running + 1))
        if [ "$running" -ge "$JOBS" ]; then
            wait -n || true
            running=$((running - 1))
        fi
    fi
    if (( n % 25 == 0 )); then echo "autobahn.sh: case $n done after $(since "$T0") s"; fi
done
wait || true
PIDS=()

if ! boot "/updateReports?agent=$AGENT" "$WORK/update.log"; then
    cat "$WORK/update.log" >&2
    echo "autobahn.sh: the /updateReports boot failed" >&2
    exit 1
fi
sort -t' ' -k2,2n "$TIMES" -o "$TIMES"
echo "autobahn.sh: ${#LIST[@]} cases in $(since "$T0") s (per-case times: ${TIMES#"$ROOT"/})"
awk '{ t = $3 + 0; s += t; if (t > m) { m = t; c = $2 } } END { if (NR) printf "autobahn.sh: mean %.2f s per boot, slowest case %s %.1f s\n", s / NR, c, m }' "$TIMES"
