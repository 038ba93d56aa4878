#!/usr/bin/env bash
# TLS layer tests (ports/mbedtls) against real TLS peers on 127.0.0.1, with a throw-away CA.
#
#   tests/tls/run.sh [--asan] [--valgrind] [--autobahn] [--no-node]
#
#   (default)   build tls_client, run the echo tests (Python websockets, Node ws) and the bad
#               cases, in task/blocking, poll/non-blocking and entry-list Wait (no Watch) modes,
#               asserting the hook log (order included) and the layer's mbedTLS error.
#   --asan      build with -fsanitize=address,undefined (and run everything with it)
#   --valgrind  also run a subset under valgrind (memcheck)
#   --autobahn  also run Autobahn|Testsuite over wss:// (tests/tls/autobahn.sh; cases 1-10)
#   --no-node   skip the Node `ws` peer
#
# Installs nothing. Prints what is missing and exits 3 when a prerequisite is absent:
#   C compiler (cc), libmbedtls-dev (2.28), openssl CLI, .venv/bin/python with websockets,
#   node + ws (in $NODE_WS_DIR, default .cache/tls-node/node_modules), valgrind for --valgrind,
#   .cache/autobahn-venv27 for --autobahn (tests/conformance/install.sh).
# libhttpc_ws.a is built with `cargo rustc --release --crate-type staticlib` when missing.
# Outputs: target/tls/ (binaries, logs).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
ASAN=0 VALGRIND=0 AUTOBAHN=0 NODE=1
for a in "$@"; do
    case "$a" in
        --asan) ASAN=1 ;; --valgrind) VALGRIND=1 ;; --autobahn) AUTOBAHN=1 ;; --no-node) NODE=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $a" >&2; exit 2 ;;
    esac
done
log() { printf '[tls] %s\n' "$*"; }
OUT="$ROOT/target/tls"
PY="$ROOT/.venv/bin/python"
NODE_WS_DIR=${NODE_WS_DIR:-$ROOT/.cache/tls-node/node_modules}
CC=${CC:-cc}

# -- prerequisites ---------------------------------------------------------------------------------
missing=()
command -v "$CC" >/dev/null || missing+=("C compiler ($CC): apt-get install gcc")
command -v openssl >/dev/null || missing+=("openssl CLI: apt-get install openssl")
if ! printf '#include <mbedtls/ssl.h>\nint main(void){mbedtls_ssl_context s; mbedtls_ssl_init(&s); return 0;}\n' |
     "$CC" -x c - -o /dev/null -lmbedtls -lmbedx509 -lmbedcrypto >/dev/null 2>&1; then
    missing+=("mbedTLS headers/libraries: apt-get install libmbedtls-dev (2.28.x)")
fi
if ! "$PY" -c 'import websockets' >/dev/null 2>&1; then
    missing+=(".venv with websockets: scripts/setup.sh --venv-only (tests/requirements.txt: websockets==17.4)")
fi
if [ "$NODE" = 1 ]; then
    command -v node >/dev/null || missing+=("node (Node.js 18+): apt-get install nodejs")
    [ -f "$NODE_WS_DIR/ws/package.json" ] ||
        missing+=("Node ws 8.23.0 (not in $NODE_WS_DIR): npm install --prefix $ROOT/.cache/tls-node ws@8.23.0 (or set NODE_WS_DIR; --no-node skips)")
fi
[ "$VALGRIND" = 0 ] || command -v valgrind >/dev/null || missing+=("valgrind: apt-get install valgrind")
[ "$AUTOBAHN" = 0 ] || [ -x "$ROOT/.cache/autobahn-venv27/bin/python" ] ||
    missing+=("Autobahn|Testsuite: tests/conformance/install.sh")
if [ "${#missing[@]}" -gt 0 ]; then
    log "MISSING prerequisites:"
    for m in "${missing[@]}"; do log "  - $m"; done
    exit 3
fi

# -- build -----------------------------------------------------------------------------------------
LIB="$ROOT/target/release/libhttpc_ws.a"
# Always through cargo (a no-op when up to date): a library left from an older tree would be
# tested instead of this one.
log "building $LIB (cargo rustc --release --crate-type staticlib, as CMake builds it)"
cargo rustc --release --lib --crate-type staticlib -j1
mkdir -p "$OUT"
FLAGS=(-std=c99 -g -O1 -Wall -Wextra -Werror)
[ "$ASAN" = 0 ] || FLAGS+=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
INC=(-I"$ROOT/include" -I"$ROOT/ports/posix" -I"$ROOT/ports/mbedtls" -I"$ROOT/c_examples/common")
LIBS=("$LIB" -lmbedtls -lmbedx509 -lmbedcrypto -lpthread -ldl -lm)
PORTSRC=("$ROOT/ports/mbedtls/httpc_port_mbedtls.c" "$ROOT/ports/posix/httpc_port_posix.c")
log "building tls_client$([ "$ASAN" = 1 ] && echo ' (ASan+UBSan)')"
"$CC" "${FLAGS[@]}" "${INC[@]}" "$ROOT/tests/tls/tls_client.c" "${PORTSRC[@]}" "${LIBS[@]}" -o "$OUT/tls_client"
"$CC" -std=c99 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror "$ROOT/tests/tls/reneg_server.c" \
    -lmbedtls -lmbedx509 -lmbedcrypto -o "$OUT/reneg_server"
# The example users read (c_examples/echo_client.c) with wss://, as CMake builds it with mbedTLS.
"$CC" "${FLAGS[@]}" -D_GNU_SOURCE -DECHO_TLS "${INC[@]}" "$ROOT/c_examples/echo_client.c" "${PORTSRC[@]}" \
    "${LIBS[@]}" -o "$OUT/echo_client"
if [ "$AUTOBAHN" = 1 ]; then
    "$CC" "${FLAGS[@]/-O1/-O2}" -D_GNU_SOURCE -DAUTOBAHN_TLS "${INC[@]}" "$ROOT/c_examples/autobahn_client.c" \
        "$ROOT/c_examples/common/autobahn_echo.c" "${PORTSRC[@]}" "${LIBS[@]}" -o "$OUT/autobahn_tls_client"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# -- PKI and servers -------------------------------------------------------------------------------
. "$ROOT/scripts/lib/servers.sh"
PKI=$(mktemp -d)
trap 'stop_servers; rm -rf "$PKI"' EXIT
"$ROOT/tests/tls/gen_certs.sh" "$PKI" >/dev/null
declare -A PORTS
start() { # NAME MODE CERT
    local pf="$PKI/port.$1"
    "$PY" "$ROOT/tests/tls/servers.py" "$2" --cert "$PKI/$3.pem" --key "$PKI/$3.key" --port-file "$pf" \
        >"$OUT/server-$1.log" 2>&1 &
    servers_register_pid $!
    wait_port "$1" "$pf"
}
wait_port() {
    local i
    for ((i = 0; i < 200; i++)); do [ -s "$2" ] && break; sleep 0.05; done
    [ -s "$2" ] || { log "server $1 did not start"; cat "$OUT/server-$1.log" >&2; exit 1; }
    PORTS[$1]=$(tr -d '\n' <"$2")
}
start echo echo server
start expired echo expired
start unknown echo unknown
start self echo self
start plain plain server
start alert alert server
start truncate truncate server
start notify close-notify server
start eof eof-clean server
"$OUT/reneg_server" "$PKI/server.pem" "$PKI/server.key" "$PKI/port.reneg" >"$OUT/server-reneg.log" 2>&1 &
servers_register_pid $!
wait_port reneg "$PKI/port.reneg"
if [ "$NODE" = 1 ]; then
    NODE_PATH="$NODE_WS_DIR" node "$ROOT/tests/tls/node_echo.js" "$PKI/server.pem" "$PKI/server.key" "$PKI/port.node" \
        >"$OUT/server-node.log" 2>&1 &
    servers_register_pid $!
    wait_port node "$PKI/port.node"
fi
log "servers: $(for k in "${!PORTS[@]}"; do printf '%s=%s ' "$k" "${PORTS[$k]}"; done)"

# -- cases -----------------------------------------------------------------------------------------
PASS=0 FAIL=0
RESULTS=()
T_OK="connopen:1:1 open ws_close:1000 conn_close:0:1"
P_OK="connect:1 trans_complete:1:1 open ws_close:1000 conn_close:0:1"
# run_case NAME MODE(task|poll|nowatch) SERVER EXPECTED_EVENTS EXPECTED_LAST_ERR(or -) [client args...]
run_case() {
    local name=$1 mode=$2 srv=$3 exp=$4 lerr=$5 margs=() out rc=0 wrap=()
    shift 5
    case "$mode" in poll) margs=(--poll) ;; nowatch) margs=(--poll --no-watch) ;; esac
    [ "${VG:-0}" = 0 ] || wrap=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite)
    out=$(timeout 120 ${wrap[@]+"${wrap[@]}"} "$OUT/tls_client" "${margs[@]}" "$@" --expect "$exp" \
          "${HOST:-127.0.0.1}" "${PORTS[$srv]}" /echo 2>&1) || rc=$?
    if [ "$rc" = 0 ] && [ "$lerr" != - ] && ! grep -q "last_err=$lerr " <<<"$out"; then rc=1; fi
    if [ "$rc" = 0 ]; then
        PASS=$((PASS + 1)); RESULTS+=("PASS  $mode  $name")
    else
        FAIL=$((FAIL + 1)); RESULTS+=("FAIL  $mode  $name (rc $rc)")
        printf '%s\n' "--- $name [$mode] output:" "$out" >>"$OUT/failures.log"
    fi
}
rm -f "$OUT/failures.log"
CA=(--ca "$PKI/ca.pem")
suite() {
    local m=$1 ok fail pre
    if [ "$m" = task ]; then ok=$T_OK; fail="connopen:0:101"; pre="connopen:1:1 open"
    else ok=$P_OK; fail="connect:0"; pre="connect:1 trans_complete:1:1 open"; fi
    run_case "python echo (CN param)"           "$m" echo "$ok" -0x0000 "${CA[@]}" --cn localhost
    # No COMMON_NAME: the host name given to HTTPc_ConnOpen ("localhost") is checked.
    HOST=localhost run_case "python echo (host name, trust cb)" "$m" echo "$ok" -0x0000 "${CA[@]}" --trust refuse
    [ "$NODE" = 0 ] || run_case "node ws echo"  "$m" node "$ok" -0x0000 "${CA[@]}" --cn localhost
    run_case "python echo, max_fragment_length 512" "$m" echo "$ok" -0x0000 "${CA[@]}" --cn localhost --mfl 1
    [ "$NODE" = 0 ] || run_case "node ws echo, max_fragment_length 512" "$m" node "$ok" -0x0000 "${CA[@]}" --cn localhost --mfl 1
    run_case "plain ws through the layer"       "$m" plain "$ok" -0x0000 --plain
    # --chaos: a third of the inner Send/Recv calls WOULD_BLOCK, the rest cut to 1..700 bytes.
    run_case "python echo, chaos inner I/O"     "$m" echo "$ok" -0x0000 "${CA[@]}" --cn localhost --chaos
    [ "$NODE" = 0 ] || run_case "node ws echo, chaos inner I/O" "$m" node "$ok" -0x0000 "${CA[@]}" --cn localhost --chaos
    run_case "unknown CA accepted, chaos inner I/O" "$m" unknown "trust:0 $ok" -0x0000 "${CA[@]}" --cn localhost --trust accept --chaos
    run_case "wrong name"                       "$m" echo "$fail" -0x2700 "${CA[@]}" --cn wrong.example
    # A bracketed name (an IPv6 address as in a URL, "[::1]") is checked without its brackets.
    run_case "bracketed name checked bare"      "$m" echo "$ok" -0x0000 "${CA[@]}" --cn "[localhost]"
    run_case "wrong name, trust cb accepts"     "$m" echo "$fail" -0x2700 "${CA[@]}" --cn wrong.example --trust accept
    run_case "expired, trust cb refuses"        "$m" expired "trust:1 $fail" -0x2700 "${CA[@]}" --cn localhost --trust refuse
    run_case "expired, no trust cb"             "$m" expired "$fail" -0x2700 "${CA[@]}" --cn localhost
    run_case "unknown CA, trust cb refuses"     "$m" unknown "trust:0 $fail" -0x2700 "${CA[@]}" --cn localhost --trust refuse
    run_case "unknown CA, trust cb accepts"     "$m" unknown "trust:0 $ok" -0x0000 "${CA[@]}" --cn localhost --trust accept
    run_case "self-signed, trust cb refuses"    "$m" self "trust:3 $fail" -0x2700 "${CA[@]}" --cn localhost --trust refuse
    run_case "server not TLS"                   "$m" plain "$fail" - "${CA[@]}" --cn localhost
    run_case "TLS alert mid-message"            "$m" alert "$pre ws_err:105 ws_close:1006 conn_close:0:105" -0x7780 \
        "${CA[@]}" --cn localhost --wait-close
    run_case "truncated record"                 "$m" truncate "$pre ws_err:105 ws_close:1006 conn_close:0:105" -0x7280 \
        "${CA[@]}" --cn localhost --wait-close
    run_case "TLS alert mid-message, chaos"     "$m" alert "$pre ws_err:105 ws_close:1006 conn_close:0:105" -0x7780 \
        "${CA[@]}" --cn localhost --wait-close --chaos
    # mbedTLS server: HelloRequest mid-session; the client's no_renegotiation alert is written
    # from inside a Recv (chaos: that write blocks, Recv wants WRITE, the next Send flushes it).
    for seed in 0 1 2 3; do
        run_case "server HelloRequest mid-session, chaos seed $seed" "$m" reneg "$pre rx:2 ws_close:1000 conn_close:0:1" -0x0000 \
            "${CA[@]}" --cn localhost --wait-close --chaos --seed "$seed"
    done
    run_case "close_notify before WS Close"     "$m" notify "$pre rx:2 ws_err:106 ws_close:1006 conn_close:2:1" -0x0000 \
        "${CA[@]}" --cn localhost --wait-close
    run_case "TCP EOF between records"          "$m" eof "$pre rx:2 ws_err:106 ws_close:1006 conn_close:2:1" -0x0000 \
        "${CA[@]}" --cn localhost --wait-close
}
for m in task poll nowatch; do suite "$m"; done
# echo_example NAME EXPECT_RC ARGS...: the example echo client over wss://, its exit status.
echo_example() {
    local name=$1 want=$2 out rc=0
    shift 2
    out=$(timeout 60 "$OUT/echo_client" "$@" 2>&1) || rc=$?
    if [ "$rc" = "$want" ] && { [ "$want" != 0 ] || grep -q "closed: code 1000" <<<"$out"; }; then
        PASS=$((PASS + 1)); RESULTS+=("PASS  example  $name")
    else
        FAIL=$((FAIL + 1)); RESULTS+=("FAIL  example  $name (rc $rc)")
        printf '%s\n' "--- example $name output:" "$out" >>"$OUT/failures.log"
    fi
}
echo_example "echo_client wss://, engine task" 0 "${CA[@]}" "wss://localhost:${PORTS[echo]}/echo" hello "second message"
echo_example "echo_client wss://, poll" 0 --poll "${CA[@]}" "wss://localhost:${PORTS[echo]}/echo" hello
echo_example "echo_client wss://, unknown CA refused" 1 "${CA[@]}" "wss://localhost:${PORTS[unknown]}/echo" hello
if [ "$VALGRIND" = 1 ]; then
    log "valgrind subset"
    VG=1
    run_case "valgrind: python echo" poll echo "$P_OK" -0x0000 "${CA[@]}" --cn localhost --sizes 5,70000
    run_case "valgrind: python echo, chaos" nowatch echo "$P_OK" -0x0000 "${CA[@]}" --cn localhost --sizes 5,70000 --chaos
    run_case "valgrind: unknown CA accepted" task unknown "trust:0 $T_OK" -0x0000 "${CA[@]}" --cn localhost --trust accept --sizes 5,70000
    run_case "valgrind: TLS alert" poll alert "connect:1 trans_complete:1:1 open ws_err:105 ws_close:1006 conn_close:0:105" -0x7780 \
        "${CA[@]}" --cn localhost --wait-close
    run_case "valgrind: expired refused" poll expired "trust:1 connect:0" -0x2700 "${CA[@]}" --cn localhost --trust refuse
    run_case "valgrind: HelloRequest, chaos" poll reneg "connect:1 trans_complete:1:1 open rx:2 ws_close:1000 conn_close:0:1" \
        -0x0000 "${CA[@]}" --cn localhost --wait-close --chaos --seed 1
    VG=0
fi
stop_servers

printf '%s\n' "${RESULTS[@]}" | tee "$OUT/summary.txt"
log "$PASS passed, $FAIL failed$([ "$ASAN" = 1 ] && echo ' (ASan+UBSan build)')"
[ "$FAIL" = 0 ] || { log "details: ${OUT#"$ROOT"/}/failures.log"; exit 1; }

if [ "$AUTOBAHN" = 1 ]; then
    "$ROOT/tests/tls/autobahn.sh" "$OUT/autobahn_tls_client"
fi
