#!/usr/bin/env bash
# Soak test of httpc-ws: many WebSockets, many random messages, checked echoes, RSS over time,
# first against a well-behaved echo server, then against one that injects faults.
#
#   scripts/soak.sh [options] [-- extra soak_client options]
#
# Builds tests/soak/soak_client (cmake into build-soak, or the given --build-dir), starts
# tests/soak/soak_server.py on 127.0.0.1 (.venv python), runs the client, stops the server by
# its PID on every exit path (normal end, failure, INT/TERM/HUP), checks the client's result and
# the server's statistics against each other, and prints a report ending in PASS or FAIL.
#
# Phases (both by default): "plain" (no faults), then "faults" (--faults, every --fault-every
# messages per connection). See tests/soak/README.md for what is measured and checked.
#
# Options:
#   --conns N          connections (default 64; --smoke: 8)
#   --msgs N           echoed messages per connection (default 10000; --smoke: 300)
#   --faults LIST      fault kinds for the fault phase, comma-separated, from reset,stall,badframe
#                      (default: all three)
#   --fault-every N    a fault every N messages (default 500; --smoke: 50)
#   --fault-scope S    count messages per connection (conn, default) or over all (global)
#   --stall-ms MS      length of a stall fault (default 2000; --smoke: 1000)
#   --smoke            the short version for CI (8 x 300 messages, then with faults; < 60 s)
#   --no-faults        the plain phase only
#   --faults-only      the fault phase only
#   --build-dir DIR    build (incrementally) and use DIR instead of build-soak
#   --client PATH      use this soak_client binary, build nothing
#   --time-limit S     kill a client still running after S s (default 1800; --smoke: 120)
#   --log-dir DIR      keep the logs there (default: a temporary directory, removed on PASS)
#   -h, --help
#
# Exit status: 0 PASS, 1 FAIL, 2 usage, 77 skipped (no .venv: run scripts/setup.sh).
# Environment: SOAK_JOBS (build parallelism, default 2).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/servers.sh
. "$ROOT/scripts/lib/servers.sh"

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
log() { printf '[soak] %s\n' "$*" >&2; }
die() { printf 'soak.sh: %s\n' "$*" >&2; exit 2; }

conns='' msgs='' faults='reset,stall,badframe' fault_every='' fault_scope=conn stall_ms=''
smoke=0 run_plain=1 run_faults=1 build_dir='' client='' time_limit='' log_dir=''
client_extra=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --conns) conns=${2:?--conns needs a value}; shift 2 ;;
        --msgs) msgs=${2:?--msgs needs a value}; shift 2 ;;
        --faults) faults=${2:?--faults needs a value}; shift 2 ;;
        --fault-every) fault_every=${2:?--fault-every needs a value}; shift 2 ;;
        --fault-scope) fault_scope=${2:?--fault-scope needs a value}; shift 2 ;;
        --stall-ms) stall_ms=${2:?--stall-ms needs a value}; shift 2 ;;
        --smoke) smoke=1; shift ;;
        --no-faults) run_faults=0; shift ;;
        --faults-only) run_plain=0; shift ;;
        --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
        --client) client=${2:?--client needs a value}; shift 2 ;;
        --time-limit) time_limit=${2:?--time-limit needs a value}; shift 2 ;;
        --log-dir) log_dir=${2:?--log-dir needs a value}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        --) shift; client_extra=("$@"); break ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
if [ "$smoke" = 1 ]; then
    : "${conns:=8}" "${msgs:=300}" "${fault_every:=50}" "${stall_ms:=1000}" "${time_limit:=120}"
fi
: "${conns:=64}" "${msgs:=10000}" "${fault_every:=500}" "${stall_ms:=2000}" "${time_limit:=1800}"
for v in conns msgs fault_every stall_ms time_limit; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v//_/-}: '${!v}' is not a number"
done
[ "$run_plain" = 1 ] || [ "$run_faults" = 1 ] || die "--no-faults and --faults-only exclude each other"
[ "$run_faults" = 0 ] || [ "$fault_every" -gt 0 ] || die "--fault-every must be > 0 for the fault phase"

if [ ! -x "$SERVERS_PYTHON" ]; then
    log "skipped: no $SERVERS_PYTHON (run scripts/setup.sh)"
    exit 77
fi

# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------
if [ -z "$client" ]; then
    build_dir=${build_dir:-$ROOT/build-soak}
    if [ ! -f "$build_dir/CMakeCache.txt" ]; then
        gen=()
        if command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); fi
        log "configuring $build_dir"
        cmake -S "$ROOT" -B "$build_dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release >&2
    fi
    log "building soak_client in $build_dir"
    cmake --build "$build_dir" --target soak_client -j "${SOAK_JOBS:-2}" >&2
    client="$build_dir/tests/soak/soak_client"
fi
[ -x "$client" ] || die "no soak_client at $client"

# --------------------------------------------------------------------------------------------
# Logs, traps
# --------------------------------------------------------------------------------------------
remove_logs=0
if [ -z "$log_dir" ]; then
    log_dir=$(mktemp -d "${TMPDIR:-/tmp}/httpc-ws-soak.XXXXXX")
    remove_logs=1
else
    mkdir -p "$log_dir"
fi
client_pid=''
on_exit() {
    if [ -n "$client_pid" ] && kill -0 "$client_pid" 2>/dev/null; then
        kill -TERM "$client_pid" 2>/dev/null || true
    fi
    stop_servers
}
trap on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# --------------------------------------------------------------------------------------------
# One phase
# --------------------------------------------------------------------------------------------
report=()
overall=0

start_soak_server() { # NAME SERVER_ARGS... ; sets server_port
    local name=$1 i pid
    shift
    rm -f "$log_dir/$name.port" "$log_dir/$name.stats.json"
    "$SERVERS_PYTHON" "$ROOT/tests/soak/soak_server.py" --port 0 --port-file "$log_dir/$name.port" \
        --stats-file "$log_dir/$name.stats.json" "$@" 2>"$log_dir/$name.server.log" &
    pid=$!
    servers_register_pid "$pid"
    server_port=''
    for ((i = 0; i < 200; i++)); do # 10 s
        if [ -s "$log_dir/$name.port" ]; then
            server_port=$(<"$log_dir/$name.port")
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$server_port" ]; then
        log "soak server did not start:"
        cat "$log_dir/$name.server.log" >&2 || true
        return 1
    fi
    log "soak server pid $pid on 127.0.0.1:$server_port ($*)"
}

# Flattened server statistics into the associative array S (a.b for nested objects).
read_server_stats() {
    local file=$1 k v
    S=()
    [ -s "$file" ] || return 1
    while IFS='=' read -r k v; do
        S[$k]=$v
    done < <("$SERVERS_PYTHON" - "$file" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k, v in sorted(d.items()):
    if isinstance(v, dict):
        for k2, v2 in sorted(v.items()):
            print(f"{k}.{k2}={v2}")
    else:
        print(f"{k}={v}")
EOF
    )
}

run_phase() { # NAME WITH_FAULTS
    local name=$1 with_faults=$2 rc=0 line kv problems=() sargs=()
    declare -A R=()
    declare -gA S=()
    if [ "$with_faults" = 1 ]; then
        sargs=(--fault-every "$fault_every" --fault-scope "$fault_scope" --faults "$faults" --stall-ms "$stall_ms")
    fi
    printf '\n==== soak phase "%s": %s connections x %s messages%s ====\n' "$name" "$conns" "$msgs" \
        "$([ "$with_faults" = 1 ] && echo ", faults $faults every $fault_every ($fault_scope), stall $stall_ms ms")"
    start_soak_server "$name" ${sargs[@]+"${sargs[@]}"} || { overall=1; report+=("$name: FAIL (server did not start)"); return; }

    # In the background, so that INT/TERM stop it at once (bash runs traps between commands).
    : >"$log_dir/$name.client.log"
    timeout --kill-after=10 "$time_limit" "$client" --conns "$conns" --msgs "$msgs" \
        ${client_extra[@]+"${client_extra[@]}"} "ws://127.0.0.1:$server_port/soak" \
        >"$log_dir/$name.client.log" 2>&1 &
    client_pid=$!
    tail -n +1 -f --pid="$client_pid" "$log_dir/$name.client.log" &
    local tail_pid=$!
    wait "$client_pid" || rc=$?
    client_pid=''
    wait "$tail_pid" || true
    stop_servers
    cat "$log_dir/$name.server.log" >&2 || true

    line=$(grep '^SOAK_RESULT ' "$log_dir/$name.client.log" | tail -n 1 || true)
    for kv in ${line#SOAK_RESULT }; do
        R[${kv%%=*}]=${kv#*=}
    done
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        problems+=("client still running after ${time_limit} s: killed")
    elif [ "$rc" != 0 ]; then
        problems+=("client exit status $rc")
    fi
    [ -n "$line" ] || problems+=("no SOAK_RESULT line from the client")
    if ! read_server_stats "$log_dir/$name.stats.json"; then
        problems+=("no server statistics")
    else
        [ "${S[handler_errors]:-0}" = 0 ] || problems+=("server handler errors: ${S[handler_errors]}")
        [ "${S[server_failed]:-0}" = 0 ] || problems+=("the server failed ${S[server_failed]} connection(s) (client protocol violation?)")
        [ "${S[client_close_codes.1000]:-0}" = "$conns" ] ||
            problems+=("server saw ${S[client_close_codes.1000]:-0} final Close 1000, expected $conns")
        if [ "$with_faults" = 1 ]; then
            local nfaults=$((S[reset] + S[stall] + S[badframe]))
            [ "$nfaults" -gt 0 ] || problems+=("no fault was injected")
            [ "${S[badframe_close_1002]}" = "${S[badframe]}" ] ||
                problems+=("bad frames ${S[badframe]}, answered with Close 1002 only ${S[badframe_close_1002]} (codes: $(grep -o 'badframe_close_codes=[^ ]*' "$log_dir/$name.server.log" || true))")
            if [ -n "$line" ]; then
                [ "${R[close_1002]:-}" = "${S[badframe]}" ] ||
                    problems+=("client OnClose(1002) ${R[close_1002]:-?} times, server sent ${S[badframe]} bad frames")
                [ "${R[close_1006]:-}" = "${S[reset]}" ] ||
                    problems+=("client OnClose(1006) ${R[close_1006]:-?} times, server reset ${S[reset]} connections")
            fi
        elif [ -n "$line" ]; then
            [ "${S[messages]}" = "${R[matched]:-}" ] ||
                problems+=("server echoed ${S[messages]} messages, client matched ${R[matched]:-?}")
            [ "${S[connections]}" = "$conns" ] ||
                problems+=("server saw ${S[connections]} connections, expected $conns (no reconnect without faults)")
        fi
    fi

    local verdict=PASS
    if [ "${#problems[@]}" -gt 0 ] || [ "${R[pass]:-0}" != 1 ]; then
        verdict=FAIL
        overall=1
    fi
    local summary="$name: $verdict"
    if [ -n "$line" ]; then
        summary+=$(printf ' | %s s, %s msg/s, %s MB/s each way | sent %s, echoed %s, failed by fault %s | lost=%s duplicated=%s mismatched=%s | RSS KiB min %s max %s last %s (growth after warm-up %s)' \
            "${R[secs]}" "${R[msgs_per_s]}" "${R[mb_per_s]}" "${R[sent]}" "${R[matched]}" "${R[failed_by_fault]}" \
            "${R[lost]}" "${R[duplicated]}" "${R[mismatched]}" "${R[rss_min_kib]}" "${R[rss_max_kib]}" \
            "${R[rss_last_kib]}" "${R[rss_growth_kib]}")
    fi
    if [ "$with_faults" = 1 ] && [ "${#S[@]}" -gt 0 ]; then
        summary+=$(printf ' | faults: reset %s, stall %s, badframe %s (answered 1002: %s); client reconnects %s' \
            "${S[reset]}" "${S[stall]}" "${S[badframe]}" "${S[badframe_close_1002]}" "${R[conn_ends]:-?}")
    fi
    report+=("$summary")
    local p
    for p in ${problems[@]+"${problems[@]}"}; do
        report+=("    problem: $p")
    done
    grep -E '^RSS series' "$log_dir/$name.client.log" | sed "s/^/    $name /" >>"$log_dir/rss.txt" || true
}

if [ "$run_plain" = 1 ]; then
    run_phase plain 0
fi
if [ "$run_faults" = 1 ]; then
    run_phase faults 1
fi

printf '\n==== soak report (client %s) ====\n' "$client"
for r in "${report[@]}"; do
    printf '%s\n' "$r"
done
[ -s "$log_dir/rss.txt" ] && cat "$log_dir/rss.txt"
if [ "$overall" = 0 ]; then
    [ "$remove_logs" = 1 ] && rm -rf "$log_dir"
    printf 'SOAK: PASS\n'
    exit 0
fi
printf 'logs: %s\nSOAK: FAIL\n' "$log_dir"
exit 1
