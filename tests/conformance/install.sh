#!/usr/bin/env bash
# Install Autobahn|Testsuite (Python 2.7 code) for tests/conformance/run.sh.
# Every step is skipped when already done. See shared conformance.md for why it is done this way:
#   1. Python 2.7 (+ -dev, wsaccel builds from source) from Debian bullseye, whose apt source is
#      pinned low (Pin-Priority 100) so nothing else is ever taken from it;
#   2. virtualenv<20.22 in the Python 3 .venv (Python 3's venv cannot make a 2.7 environment);
#   3. a 2.7 virtualenv at .cache/autobahn-venv27 with exact pins.
# Usage: tests/conformance/install.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

log() { printf '[autobahn-install] %s\n' "$*"; }

VENV3="$ROOT/.venv"
VENV27="$ROOT/.cache/autobahn-venv27"
BULLSEYE_SOURCES=/etc/apt/sources.list.d/debian-bullseye-py27.sources
BULLSEYE_PREFS=/etc/apt/preferences.d/debian-bullseye-py27
APT_PY27=(python2.7 python2.7-dev)
PY27_DEB_VERSION=2.7.18-8+deb11u1 # bullseye main (frozen since its last point release)

# virtualenv (and its dependencies) inside the Python 3 .venv.
VIRTUALENV_PINS=(virtualenv==20.21.1 distlib==0.4.4 filelock==3.32.7 platformdirs==3.11.0)

# The 2.7 environment: the pins of conformance.md, then every dependency they pull in, pinned too.
PY27_PINS=(
    setuptools==44.0.0 txaio==2.1.0 incremental==16.10.1 pyOpenSSL==19.1.0 cryptography==3.3.2
    Twisted==19.10.0 zope.interface==4.6.0 jinja2==2.11.3 markupsafe==1.1.1 Werkzeug==1.0.1
    klein==17.10.0 service_identity==18.1.0 unittest2==1.1.0 six==1.16.0
    "autobahn[accelerate,twisted]==0.10.9" autobahntestsuite==25.10.1
    # what those pull in (pip freeze of a working environment), pinned as well
    attrs==21.4.0 Automat==22.10.0 cffi==1.15.1 constantly==15.1.0 enum34==1.1.10 hyperlink==21.0.0
    idna==2.10 ipaddress==1.0.23 linecache2==1.0.0 pyasn1==0.5.1 pyasn1-modules==0.3.0
    pycparser==2.21 PyHamcrest==1.10.1 traceback2==1.4.0 typing==3.10.0.0 ujson==2.0.3 wsaccel==0.6.6
)

START=$SECONDS
apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

# -- 1. Python 2.7 from bullseye -------------------------------------------------------------------
missing=()
for p in "${APT_PY27[@]}"; do apt_installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -eq 0 ] && [ -x /usr/bin/python2.7 ]; then
    log "python2.7 from bullseye installed (skip)"
else
    if [ ! -f "$BULLSEYE_SOURCES" ]; then
        log "adding apt source $BULLSEYE_SOURCES"
        cat >"$BULLSEYE_SOURCES" <<'EOF'
# Added by httpc-ws tests/conformance/install.sh: Python 2.7 for Autobahn|Testsuite.
# Pinned low in /etc/apt/preferences.d/debian-bullseye-py27: nothing else is taken from it.
Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    fi
    if [ ! -f "$BULLSEYE_PREFS" ]; then
        log "pinning bullseye low in $BULLSEYE_PREFS"
        cat >"$BULLSEYE_PREFS" <<'EOF'
# Added by httpc-ws tests/conformance/install.sh.
Package: *
Pin: release n=bullseye
Pin-Priority: 100
EOF
    fi
    log "apt-get update; apt-get install ${APT_PY27[*]/%/=$PY27_DEB_VERSION}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${APT_PY27[@]/%/=$PY27_DEB_VERSION}"
fi
if ! command -v gcc >/dev/null; then
    log "gcc missing (wsaccel builds from source): apt-get install gcc"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc
fi

# -- 2. virtualenv in the Python 3 .venv -----------------------------------------------------------
if [ ! -x "$VENV3/bin/python" ]; then
    log ".venv missing: scripts/setup.sh --venv-only"
    "$ROOT/scripts/setup.sh" --venv-only
fi
if [ "$("$VENV3/bin/python" -m virtualenv --version 2>/dev/null | cut -d' ' -f2)" = "20.21.1" ]; then
    log ".venv: virtualenv 20.21.1 installed (skip)"
else
    log ".venv: pip install ${VIRTUALENV_PINS[*]}"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV3/bin/pip" install -q "${VIRTUALENV_PINS[@]}"
fi

# -- 3. the 2.7 environment ------------------------------------------------------------------------
want=$(printf '%s\n' "${PY27_PINS[@]}" | sha256sum | cut -d' ' -f1)
stamp="$VENV27/.pins.sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV27/bin/wstest" ] \
    && "$VENV27/bin/python" -c 'import autobahntestsuite' 2>/dev/null; then
    log ".cache/autobahn-venv27 up to date (skip)"
else
    log "creating .cache/autobahn-venv27 (virtualenv -p /usr/bin/python2.7)"
    rm -rf "$VENV27"
    mkdir -p "$ROOT/.cache"
    "$VENV3/bin/python" -m virtualenv -q -p /usr/bin/python2.7 "$VENV27"
    log "pip install (python 2.7): ${#PY27_PINS[@]} pinned packages"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_PYTHON_VERSION_WARNING=1 \
        "$VENV27/bin/pip" install -q "${PY27_PINS[@]}"
    "$VENV27/bin/python" -c 'import autobahntestsuite, autobahn, wsaccel; print("[autobahn-install] autobahntestsuite %s / autobahn %s / wsaccel ok" % (autobahntestsuite.__version__, autobahn.__version__))'
    echo "$want" >"$stamp"
fi
log "done in $((SECONDS - START)) s"
