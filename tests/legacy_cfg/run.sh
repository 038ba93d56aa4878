#!/usr/bin/env bash
# The legacy http-c_cfg.h switches pick the library's cargo features (cmake/HttpcWsLegacyCfg.cmake),
# and the library built that way answers HTTPc_ERR_FEATURE_DIS for exactly the switches that
# are off (tests/capi_profile.rs), for three configurations: blocking calls and the response-header
# hook off; every legacy switch off (HTTPc_ReqSend stays, as in legacy); that and our own
# HTTPc_CFG_HTTP_EN off too (the smallest WebSocket profile). A fourth, without the WebSocket
# client, checks the features only.
#
#   tests/legacy_cfg/run.sh            (from anywhere; uses a temporary build directory)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/httpc-ws-legacy-cfg.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

# cfg_header FILE OFF_SWITCHES...: an http-c_cfg.h as a legacy project keeps it (the template's
# switches), with the named ones DEF_DISABLED.
cfg_header() {
    local file=$1 sw v
    shift
    {
        echo "#ifndef HTTPc_CFG_MODULE_PRESENT"
        echo "#define HTTPc_CFG_MODULE_PRESENT"
        for sw in ARG_CHK_EXT MODE_ASYNC_TASK MODE_BLOCK PERSISTENT CHUNK_TX QUERY_STR HDR_RX HDR_TX \
            FORM USER_DATA WEBSOCKET; do
            v=DEF_ENABLED
            case " $* " in *" $sw "*) v=DEF_DISABLED ;; esac
            printf '#define  HTTPc_CFG_%-20s %s    /* See Note #1. */\n' "${sw}_EN" "$v"
        done
        # Not a legacy switch: only a header that wants plain requests out has it.
        case " $* " in *" HTTP "*) echo "#define  HTTPc_CFG_HTTP_EN             DEF_DISABLED" ;; esac
        echo "#endif"
    } >"$file"
}

# modules NAME DIR TASK SIGNAL WEBSOCK: an application of that build that includes http-c.h
# without its http-c_cfg.h (the definitions the library's CMake target gives it, from the
# configure log) sees legacy's module switches as the build has them (1 defined, 0 not).
modules() {
    local name=$1 dir=$2 defs=() d
    for d in $(sed -n 's/^-- httpc-ws: header definitions for this build: //p' "$dir/configure.log" | tr ';' ' '); do
        defs+=("-D$d")
    done
    printf '#include "http-c.h"\n#if defined(HTTPc_TASK_MODULE_EN) != WANT_TASK || defined(HTTPc_SIGNAL_TASK_MODULE_EN) != WANT_SIGNAL || defined(HTTPc_WEBSOCK_MODULE_EN) != WANT_WEBSOCK\n#error module switches differ from the build\n#endif\n' |
        cc -std=c99 -Wall -Wextra -Werror -fsyntax-only -I"$ROOT/include" "${defs[@]}" \
            -DWANT_TASK="$3" -DWANT_SIGNAL="$4" -DWANT_WEBSOCK="$5" -x c - ||
        { echo "legacy_cfg: $name: module switches (${defs[*]}) are not TASK=$3 SIGNAL=$4 WEBSOCK=$5" >&2; return 1; }
    echo "legacy_cfg: $name: http-c.h without http-c_cfg.h: TASK=$3 SIGNAL=$4 WEBSOCK=$5 (${defs[*]:-no definitions})"
}

# check NAME EXPECTED_FEATURES OFF_SWITCHES...
check() {
    local name=$1 want=$2 dir=$work/$1 line
    shift 2
    mkdir -p "$dir"
    cfg_header "$dir/http-c_cfg.h" "$@"
    cmake -S "$ROOT" -B "$dir/build" -G Ninja -DHTTPC_WS_BUILD_TESTS=OFF -DHTTPC_WS_BUILD_EXAMPLES=OFF \
        -DHTTPC_WS_CFG_HEADER="$dir/http-c_cfg.h" >"$dir/configure.log"
    line=$(grep -o -m1 'cargo rustc[^"]*--target-dir [^ ]*[^&]*' "$dir/build/build.ninja")
    local expect="--no-default-features --features $want"
    [ -n "$want" ] || expect="--no-default-features"
    case "$line " in
        *"$expect "*) [ -n "$want" ] || [[ "$line" != *"--features"* ]] ;;
        *)
            echo "legacy_cfg: $name: expected $expect in: $line" >&2
            return 1
            ;;
    esac
    echo "legacy_cfg: $name: http-c_cfg.h -> $expect"
    modules "$name" "$dir" "${MODULES[@]}"
    [ -n "${FEATURES_ONLY:-}" ] && return 0
    (cd "$ROOT" && cargo test --quiet --locked --no-default-features --features "$want" --test capi_profile)
}

check_features_only() {
    FEATURES_ONLY=1 check "$@"
}

# Micrium's template enables CHUNK_TX and FORM: the plain-request features come with them.
# MODULES: the module switches (task, signal, websock) an application without the header sees.
MODULES=(1 0 1)
check block_hdr_rx_off task,hdr-tx,query-str,persistent,websocket,chunk-tx,form,http MODE_BLOCK HDR_RX
MODULES=(0 0 0)
check all_off websocket,http MODE_BLOCK MODE_ASYNC_TASK HDR_RX HDR_TX QUERY_STR PERSISTENT CHUNK_TX FORM
check all_off_ws_only websocket MODE_BLOCK MODE_ASYNC_TASK HDR_RX HDR_TX QUERY_STR PERSISTENT CHUNK_TX \
    FORM HTTP
# The template with HTTPc_CFG_HTTP_EN alone off: CHUNK_TX and FORM (on) go with it.
MODULES=(1 1 1)
check_features_only http_off_alone blocking,task,hdr-rx,hdr-tx,query-str,persistent,websocket HTTP
# Without the WebSocket client: the build follows (capi_profile needs it, so only the
# features are checked here; tests/capi_http_liveness.rs covers that build).
MODULES=(1 1 0)
check_features_only no_websocket blocking,task,hdr-rx,hdr-tx,query-str,persistent,chunk-tx,form,http \
    WEBSOCKET
# The header is read, not preprocessed: a switch in a comment is not set (block comments across
# lines, line comments), and one defined twice (under #if / #else) stops the configuration with
# a message, rather than building what the application's compiler does not see.
dir=$work/comments
mkdir -p "$dir"
cfg_header "$dir/http-c_cfg.h" HDR_RX
printf '/* Was:\n#define  HTTPc_CFG_WEBSOCKET_EN  DEF_DISABLED\n */\n// #define HTTPc_CFG_FORM_EN DEF_DISABLED\n' \
    >>"$dir/http-c_cfg.h"
cmake -S "$ROOT" -B "$dir/build" -G Ninja -DHTTPC_WS_BUILD_TESTS=OFF -DHTTPC_WS_BUILD_EXAMPLES=OFF \
    -DHTTPC_WS_CFG_HEADER="$dir/http-c_cfg.h" >"$dir/configure.log"
grep -q -- '--features blocking,task,hdr-tx,query-str,persistent,websocket,chunk-tx,form,http ' \
    "$dir/build/build.ninja" || { echo "legacy_cfg: comments: a commented-out switch was read" >&2; exit 1; }
echo "legacy_cfg: comments: switches in comments are not read"
dir=$work/twice
mkdir -p "$dir"
cfg_header "$dir/http-c_cfg.h"
printf '#if 1\n#define HTTPc_CFG_WEBSOCKET_EN DEF_ENABLED\n#else\n#define HTTPc_CFG_WEBSOCKET_EN DEF_DISABLED\n#endif\n' \
    >>"$dir/http-c_cfg.h"
if cmake -S "$ROOT" -B "$dir/build" -G Ninja -DHTTPC_WS_BUILD_TESTS=OFF -DHTTPC_WS_BUILD_EXAMPLES=OFF \
    -DHTTPC_WS_CFG_HEADER="$dir/http-c_cfg.h" >"$dir/configure.log" 2>&1; then
    echo "legacy_cfg: twice: a switch defined twice was accepted" >&2
    exit 1
fi
grep -q "HTTPc_CFG_WEBSOCKET_EN is defined more than once" "$dir/configure.log" ||
    { echo "legacy_cfg: twice: no message naming the switch" >&2; cat "$dir/configure.log" >&2; exit 1; }
echo "legacy_cfg: twice: a switch defined twice stops the configuration"
# The same switches as CMake options, without an http-c_cfg.h: the application's header still
# follows the build.
dir=$work/options_only
mkdir -p "$dir"
cmake -S "$ROOT" -B "$dir/build" -G Ninja -DHTTPC_WS_BUILD_TESTS=OFF -DHTTPC_WS_BUILD_EXAMPLES=OFF \
    -DHTTPC_WS_CFG_MODE_ASYNC_TASK_EN=OFF -DHTTPC_WS_CFG_WEBSOCKET_EN=OFF >"$dir/configure.log"
modules options_only "$dir" 0 0 0
# Features named directly (comma-separated, as CONFIGURATION.md allows): the three are there.
dir=$work/cargo_features
mkdir -p "$dir"
cmake -S "$ROOT" -B "$dir/build" -G Ninja -DHTTPC_WS_BUILD_TESTS=OFF -DHTTPC_WS_BUILD_EXAMPLES=OFF \
    -DHTTPC_WS_CARGO_NO_DEFAULT_FEATURES=ON -DHTTPC_WS_CARGO_FEATURES=task,websocket,blocking \
    >"$dir/configure.log"
modules cargo_features "$dir" 1 1 1
echo "legacy_cfg: 9 configurations checked"
