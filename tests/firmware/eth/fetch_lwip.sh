#!/usr/bin/env bash
# Brings lwIP's sources into DIR for the Ethernet test firmware image. tests/firmware/CMakeLists.txt
# calls it at configure time only when asked to (-DHTTPC_WS_FETCH_LWIP=ON), with DIR =
# HTTPC_WS_LWIP_FETCH_DIR (default <build>/_deps/lwip; scripts/test.sh gives .cache/lwip,
# git-ignored, shared by its build directories). A second call finds the sources and returns.
#
#   tests/firmware/eth/fetch_lwip.sh DIR
#
# Where from: Debian's source package `lwip` (bookworm: 2.1.3+dfsg1), taken with apt-get source
# from a private apt state under DIR (no change to the system's apt configuration, no root
# needed). The upstream tarball is pinned by its SHA-256, so any Debian revision of the same
# upstream release works and anything else fails loudly. The result is DIR/lwip-2.1.3/.
# A machine without network: unpack lwIP 2.1.3 yourself and configure with
# -DHTTPC_WS_LWIP_DIR=/path/to/lwip-2.1.3.
set -euo pipefail

LWIP_VERSION=2.1.3
ORIG=lwip_${LWIP_VERSION}+dfsg1.orig.tar.xz
ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
if [ -f "$DIR/lwip-$LWIP_VERSION/src/core/tcp.c" ]; then
    exit 0
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
APT=$DIR/apt
mkdir -p "$APT/sources" "$APT/lists/partial" "$APT/cache/archives/partial" "$DIR/download"
cat >"$APT/sources/debian-src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APT/sources"
      -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "Debug::NoLocking=1"
      -o "APT::Sandbox::User=$(id -un)")
if [ ! -f "$DIR/download/$ORIG" ]; then
    apt-get "${opts[@]}" -q update >"$APT/update.log" 2>&1 || { cat "$APT/update.log" >&2; exit 1; }
    (cd "$DIR/download" && apt-get "${opts[@]}" -q source --download-only lwip) >"$APT/source.log" 2>&1 ||
        { cat "$APT/source.log" >&2; exit 1; }
fi
echo "$ORIG_SHA256  $DIR/download/$ORIG" | sha256sum -c --quiet - ||
    { echo "fetch_lwip.sh: $ORIG is not the pinned lwIP $LWIP_VERSION" >&2; exit 1; }
tar -xJf "$DIR/download/$ORIG" -C "$DIR"
[ -f "$DIR/lwip-$LWIP_VERSION/src/core/tcp.c" ] || { echo "fetch_lwip.sh: unexpected tarball layout" >&2; exit 1; }
rm -rf "$APT"
echo "fetch_lwip.sh: lwIP $LWIP_VERSION in $DIR/lwip-$LWIP_VERSION"
