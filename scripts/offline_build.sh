#!/usr/bin/env bash
# Offline build of httpc-ws from vendored crates, as a machine without network access does it.
#
#   scripts/offline_build.sh [VENDOR_DIR]
#
# 1. cargo vendor --locked --versioned-dirs VENDOR_DIR (default
#    ${XDG_CACHE_HOME:-~/.cache}/httpc-ws/vendor, OUTSIDE the repository: nothing vendored is
#    ever committed). This is the only step that may use the network (crates.io, through cargo);
#    it is skipped when VENDOR_DIR already matches Cargo.lock (its .cargo-lock.sha256 stamp).
#    VENDOR_DIR/../vendor-config.toml gets the source replacement:
#        [source.crates-io] replace-with = "vendored-sources"
#        [source.vendored-sources] directory = "VENDOR_DIR"
# 2. Without the network (unshare -n, when the kernel allows it) and with an empty CARGO_HOME (no
#    registry cache to fall back on): cargo rustc --offline --locked --config vendor-config.toml,
#    the library for the host and thumbv7em-none-eabihf;
# 3. the same through CMake: HTTPC_WS_CARGO_ARGS="--offline;--config;vendor-config.toml",
#    configure and build a host tree.
# Build outputs go to a temporary directory, removed at the end. Exit 0 when every build passed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

VENDOR=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/httpc-ws/vendor}
mkdir -p "$VENDOR"
VENDOR=$(cd "$VENDOR" && pwd)
case "$VENDOR/" in
    "$ROOT"/*) echo "offline_build.sh: the vendor directory must be outside the repository" >&2; exit 2 ;;
esac
CONFIG=$(dirname "$VENDOR")/vendor-config.toml
WORK=$(mktemp -d "${TMPDIR:-/tmp}/httpc-ws-offline.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log() { printf '[offline] %s\n' "$*"; }

lock_sum=$(sha256sum Cargo.lock | cut -d' ' -f1)
if [ -f "$VENDOR/.cargo-lock.sha256" ] && [ "$(cat "$VENDOR/.cargo-lock.sha256")" = "$lock_sum" ]; then
    log "vendored crates in $VENDOR match Cargo.lock (skip cargo vendor)"
else
    log "cargo vendor --locked --versioned-dirs $VENDOR"
    cargo vendor --locked --versioned-dirs "$VENDOR" >/dev/null
    echo "$lock_sum" >"$VENDOR/.cargo-lock.sha256"
fi
cat >"$CONFIG" <<EOF
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "$VENDOR"
EOF
log "source replacement: $CONFIG"

# offline CMD...: no network (when unshare can take it away), no registry cache.
offline() {
    local env=(env CARGO_HOME="$WORK/cargo-home" CARGO_NET_OFFLINE=true RUSTUP_AUTO_INSTALL=0)
    # rustup still needs its own home: keep RUSTUP_HOME, and the cargo/rustc proxies on PATH.
    mkdir -p "$WORK/cargo-home"
    if unshare -n true 2>/dev/null; then
        unshare -n "${env[@]}" "$@"
    else
        log "(unshare -n not permitted here: offline by cargo's --offline only)"
        "${env[@]}" "$@"
    fi
}

export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
for target in "" thumbv7em-none-eabihf; do
    log "cargo rustc --offline --locked --release --lib --crate-type staticlib ${target:+--target $target}"
    offline cargo rustc --offline --locked --release --lib --crate-type staticlib ${target:+--target "$target"} \
        --config "$CONFIG" --target-dir "$WORK/target" --quiet
done

log "CMake: HTTPC_WS_CARGO_ARGS=--offline;--config;$CONFIG"
offline cmake -S "$ROOT" -B "$WORK/build" -DHTTPC_WS_BUILD_TESTS=OFF -DHTTPC_WS_BUILD_EXAMPLES=OFF \
    "-DHTTPC_WS_CARGO_ARGS=--offline;--config;$CONFIG" >/dev/null
offline cmake --build "$WORK/build" --parallel 2 >/dev/null
[ -f "$WORK/build/httpc_ws_cargo/release/libhttpc_ws.a" ] || { log "no library built"; exit 1; }
log "OK: the library builds offline from $VENDOR"
