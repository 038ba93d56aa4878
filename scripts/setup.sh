#!/usr/bin/env bash
# Install everything the project needs on a fresh machine of this kind (Debian bookworm, root).
# Every step is skipped when already done, so a second run takes about a second.
#
# Usage: scripts/setup.sh [--autobahn] [--venv-only] [--print-msrv-toolchain]
#   --autobahn   also install Autobahn|Testsuite (tests/conformance/install.sh)
#   --venv-only  only create/refresh the Python 3 venv at .venv (used by install.sh)
#   --print-msrv-toolchain  print the rustup toolchain of Cargo.toml's rust-version and exit
#
# Rust: the toolchain of rust-toolchain.toml (installed if missing; then never downloaded again),
# its components and the Cortex-M targets below, and the minimum supported version (Cargo.toml's
# rust-version, minimal profile) that scripts/test.sh builds the library with.
#
# Environment: PYTHON3 (default: python3) is the interpreter the .venv is made from.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf '[setup] %s\n' "$*"; }

AUTOBAHN=0
VENV_ONLY=0
PRINT_MSRV=0
for arg in "$@"; do
    case "$arg" in
        --autobahn) AUTOBAHN=1 ;;
        --venv-only) VENV_ONLY=1 ;;
        --print-msrv-toolchain) PRINT_MSRV=1 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# ---------------------------------------------------------------------------------------------
# Pins
APT_PACKAGES=(cmake ninja-build make pkgconf clang libclang-rt-14-dev gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm valgrind libmbedtls-dev openssl nginx-light)
# The TLS tests' Node peer (tests/tls/node_echo.js), installed under .cache (never committed).
NODE_WS_VERSION=8.23.0
# The same lists as rust-toolchain.toml (which rustup installs from when the toolchain is new).
RUST_TARGETS=(thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabi thumbv7em-none-eabihf
              thumbv8m.base-none-eabi thumbv8m.main-none-eabi thumbv8m.main-none-eabihf)
RUST_COMPONENTS=(clippy rustfmt)
# The minimum supported Rust version builds the library for the host and this target.
MSRV_TARGETS=(thumbv6m-none-eabi)
CBINDGEN_VERSION=0.29.4
PYTHON3=${PYTHON3:-python3}
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/tests/requirements.txt"

apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep '^install ok installed$' >/dev/null; }

setup_apt() {
    local missing=() p
    for p in "${APT_PACKAGES[@]}"; do
        apt_installed "$p" || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        log "apt: all ${#APT_PACKAGES[@]} packages installed (skip)"
        return
    fi
    log "apt: missing ${missing[*]}: apt-get update + install"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# rust-version "1.88" is the toolchain 1.88.0.
msrv_toolchain() {
    local v
    v=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml")
    [ -n "$v" ] || { echo "setup.sh: no rust-version in Cargo.toml" >&2; return 1; }
    [[ "$v" =~ ^[0-9]+\.[0-9]+$ ]] && v=$v.0
    echo "$v"
}

setup_rust() {
    local have t c msrv missing=()
    # The pinned toolchain (rust-toolchain.toml): installed once, with its components and targets.
    if ! RUSTUP_AUTO_INSTALL=0 rustc --version >/dev/null 2>&1; then
        log "rustup toolchain install (rust-toolchain.toml)"
        rustup toolchain install
    fi
    log "rust: $(RUSTUP_AUTO_INSTALL=0 rustc --version)"
    have=$(rustup target list --installed)
    for t in "${RUST_TARGETS[@]}"; do
        if grep -qx "$t" <<<"$have"; then
            log "rustup: target $t installed (skip)"
        else
            log "rustup target add $t"
            # A distribution server without this target's standard library must not stop the
            # setup: scripts/test.sh then builds core from rust-src for it (-Zbuild-std).
            if ! out=$(RUST_BACKTRACE=0 rustup target add "$t" 2>&1); then
                grep -m 3 -E '^error|Caused by|status code' <<<"$out" | sed 's/^/[setup]   /'
                missing+=("$t")
            fi
        fi
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "WARNING: no prebuilt standard library for ${missing[*]}; adding rust-src (scripts/test.sh builds core for it)"
        if ! rustup component list --installed | grep -q '^rust-src'; then
            rustup component add rust-src
        fi
    fi
    msrv=$(msrv_toolchain)
    if rustup toolchain list | grep -q "^$msrv-"; then
        log "rustup: MSRV toolchain $msrv installed (skip)"
    else
        log "rustup toolchain install $msrv --profile minimal (Cargo.toml rust-version)"
        rustup toolchain install "$msrv" --profile minimal --no-self-update
    fi
    have=$(rustup target list --installed --toolchain "$msrv")
    for t in "${MSRV_TARGETS[@]}"; do
        grep -qx "$t" <<<"$have" || rustup target add --toolchain "$msrv" "$t"
    done
    have=$(rustup component list --installed)
    for c in "${RUST_COMPONENTS[@]}"; do
        if grep -q "^$c" <<<"$have"; then
            log "rustup: component $c installed (skip)"
        else
            log "rustup component add $c"
            rustup component add "$c"
        fi
    done
    if [ "$(cbindgen --version 2>/dev/null || true)" = "cbindgen $CBINDGEN_VERSION" ]; then
        log "cbindgen $CBINDGEN_VERSION installed (skip)"
    else
        log "cargo install cbindgen --version $CBINDGEN_VERSION --locked"
        cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --force
    fi
}

setup_node_ws() {
    local dir="$ROOT/.cache/tls-node"
    if [ "$(cat "$dir/node_modules/ws/package.json" 2>/dev/null | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')" = "$NODE_WS_VERSION" ]; then
        log "npm: ws $NODE_WS_VERSION installed in .cache/tls-node (skip)"
        return
    fi
    log "npm install ws@$NODE_WS_VERSION into .cache/tls-node"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" "ws@$NODE_WS_VERSION"
}

setup_venv() {
    local stamp="$VENV/.requirements.sha256" want
    want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
    if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
            log ".venv: up to date with tests/requirements.txt (skip)"
            return
        fi
    else
        log "creating .venv with $PYTHON3 ($("$PYTHON3" --version 2>&1))"
        rm -rf "$VENV"
        "$PYTHON3" -m venv "$VENV"
    fi
    log ".venv: pip install -r tests/requirements.txt"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/pip" install -q -r "$REQUIREMENTS"
    echo "$want" >"$stamp"
    "$VENV/bin/python" -c 'import websockets, websocket; print("[setup] .venv: websockets", websockets.__version__, "/ websocket-client", websocket.__version__)'
}

START=$SECONDS
if [ "$PRINT_MSRV" = 1 ]; then
    msrv_toolchain
    exit
fi
if [ "$VENV_ONLY" = 1 ]; then
    setup_venv
    exit 0
fi
setup_apt
setup_rust
setup_venv
setup_node_ws
if [ "$AUTOBAHN" = 1 ]; then
    "$ROOT/tests/conformance/install.sh"
fi
log "done in $((SECONDS - START)) s"
