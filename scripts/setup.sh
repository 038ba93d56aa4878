#!/usr/bin/env bash
# Install everything the project needs on a fresh machine of this kind (Debian bookworm, root).
# Every step is skipped when already done, so a second run takes about a second.
#
# Usage: scripts/setup.sh [--autobahn] [--venv-only]
#   --autobahn   also install Autobahn|Testsuite (tests/conformance/install.sh)
#   --venv-only  only create/refresh the Python 3 venv at .venv (used by install.sh)
#
# Environment: PYTHON3 (default: python3) is the interpreter the .venv is made from.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf '[setup] %s\n' "$*"; }

AUTOBAHN=0
VENV_ONLY=0
for arg in "$@"; do
    case "$arg" in
        --autobahn) AUTOBAHN=1 ;;
        --venv-only) VENV_ONLY=1 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# ---------------------------------------------------------------------------------------------
# Pins
APT_PACKAGES=(cmake ninja-build clang libclang-rt-14-dev gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm valgrind)
RUST_TARGETS=(thumbv7em-none-eabihf thumbv7m-none-eabi thumbv6m-none-eabi)
RUST_COMPONENTS=(clippy rustfmt)
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

setup_rust() {
    local have t c
    have=$(rustup target list --installed)
    for t in "${RUST_TARGETS[@]}"; do
        if grep -qx "$t" <<<"$have"; then
            log "rustup: target $t installed (skip)"
        else
            log "rustup target add $t"
            rustup target add "$t"
        fi
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
if [ "$VENV_ONLY" = 1 ]; then
    setup_venv
    exit 0
fi
setup_apt
setup_rust
setup_venv
if [ "$AUTOBAHN" = 1 ]; then
    "$ROOT/tests/conformance/install.sh"
fi
log "done in $((SECONDS - START)) s"
