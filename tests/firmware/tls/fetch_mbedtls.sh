#!/usr/bin/env bash
# Brings mbedTLS's sources into DIR for the TLS test firmware image (httpc_ws_firmware_tls.elf).
# tests/firmware/CMakeLists.txt calls it at configure time only when asked to
# (-DHTTPC_WS_FETCH_MBEDTLS=ON), with DIR = HTTPC_WS_MBEDTLS_FETCH_DIR (default
# <build>/_deps/mbedtls; tests/firmware/tls/run.sh gives .cache/mbedtls, git-ignored). A second
# call finds the sources and returns.
#
#   tests/firmware/tls/fetch_mbedtls.sh DIR
#
# Where from: Debian's source package `mbedtls` (bookworm: 2.28.3-1), taken with apt-get source
# from a private apt state under DIR (no change to the system's apt configuration, no root
# needed; apt checks the .dsc against the signed Sources index and the files against the .dsc).
# The upstream tarball (GitHub's archive of the v2.28.3 tag, commit 8f97ca5) is also pinned by its
# SHA-256 here, so any Debian revision of the same upstream release works and anything else
# fails loudly. The result is DIR/mbedtls-2.28.3/ (the tarball's top directory renamed).
# A machine without network: unpack mbedTLS 2.28.3 yourself and configure with
# -DHTTPC_WS_MBEDTLS_DIR=/path/to/mbedtls-2.28.3.
set -euo pipefail

MBEDTLS_VERSION=2.28.3
ORIG=mbedtls_${MBEDTLS_VERSION}.orig.tar.gz
ORIG_SHA256=3b4953aa55a681e084d31892d9904cc5328d6b4958ea57b90ae4b4f94ae69a8d

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
SRC=mbedtls-$MBEDTLS_VERSION
if [ -f "$DIR/$SRC/library/ssl_tls.c" ]; then
    exit 0
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
APT=$DIR/apt
mkdir -p "$APT/sources" "$APT/lists/partial" "$APT/cache/archives/partial" "$DIR/download"
cat >"$APT/sources/debian-src.sources" <<SRCS
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRCS
opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APT/sources"
      -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "Debug::NoLocking=1"
      -o "APT::Sandbox::User=$(id -un)")
if [ ! -f "$DIR/download/$ORIG" ]; then
    apt-get "${opts[@]}" -q update >"$APT/update.log" 2>&1 || { cat "$APT/update.log" >&2; exit 1; }
    (cd "$DIR/download" && apt-get "${opts[@]}" -q source --download-only mbedtls) >"$APT/source.log" 2>&1 ||
        { cat "$APT/source.log" >&2; exit 1; }
fi
echo "$ORIG_SHA256  $DIR/download/$ORIG" | sha256sum -c --quiet - ||
    { echo "fetch_mbedtls.sh: $ORIG is not the pinned mbedTLS $MBEDTLS_VERSION" >&2; exit 1; }
rm -rf "$DIR/$SRC.tmp"
mkdir "$DIR/$SRC.tmp"
tar -xzf "$DIR/download/$ORIG" -C "$DIR/$SRC.tmp" --strip-components=1
grep -q "MBEDTLS_VERSION_STRING *\"$MBEDTLS_VERSION\"" "$DIR/$SRC.tmp/include/mbedtls/version.h" ||
    { echo "fetch_mbedtls.sh: unexpected tarball layout or version" >&2; exit 1; }
rm -rf "${DIR:?}/$SRC"
mv "$DIR/$SRC.tmp" "$DIR/$SRC"
rm -rf "$APT"
echo "fetch_mbedtls.sh: mbedTLS $MBEDTLS_VERSION in $DIR/$SRC"
