#!/usr/bin/env bash
# Regenerate the C headers from the Rust sources with cbindgen:
#   include/http-c.h          from src/capi/ (cbindgen.toml)
#   include/http-c_websock.h  a shim that includes http-c.h (cbindgen-websock.toml)
#
# Usage:
#   scripts/gen_headers.sh           write both headers
#   scripts/gen_headers.sh --check   generate into a temporary directory and fail, showing the
#                                    diff, if a committed header is stale
#
# The input is src/capi/mod.rs (cbindgen follows its `mod` declarations), not the whole crate:
# with `--crate httpc-ws` every `pub const` of src/proto would leak into the header.
#
# cbindgen is pinned to exactly 0.29.4 because other releases format the output differently.
# Set CBINDGEN=/path/to/cbindgen to use a binary that is not on PATH.
set -euo pipefail

CBINDGEN_VERSION="0.29.4"
CBINDGEN="${CBINDGEN:-cbindgen}"

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
}

check=0
case "${1:-}" in
    "") ;;
    --check) check=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v "$CBINDGEN" >/dev/null 2>&1; then
    echo "error: cbindgen not found (looked for '$CBINDGEN')." >&2
    echo "Install the pinned version with:" >&2
    echo "    cargo install cbindgen --version $CBINDGEN_VERSION --locked" >&2
    exit 1
fi
found="$("$CBINDGEN" --version 2>/dev/null | head -n 1 | awk '{print $2}' || true)"
if [ "$found" != "$CBINDGEN_VERSION" ]; then
    echo "error: cbindgen $CBINDGEN_VERSION is required, found '${found:-unknown}'." >&2
    echo "Other versions format the headers differently, so the committed headers would churn." >&2
    echo "Install the pinned version with:" >&2
    echo "    cargo install cbindgen --version $CBINDGEN_VERSION --locked" >&2
    echo "or point CBINDGEN at such a binary." >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Warnings that are expected, filtered so that real ones stand out:
# - the Micrium base types are excluded from generation and hand-written in `after_includes`;
# - private items are never meant for the header;
# - the two string constants are hand-written in `after_includes` (cbindgen cannot emit them).
benign_warnings='^WARN: (Can'"'"'t find (CPU_[A-Z0-9]+|NET_PORT_NBR|NET_SOCK_SECURE_[A-Z_]+|MEM_SEG|HTTP_TASK_CFG|HTTPc_CFG|HTTP_(METHOD|STATUS_CODE|HDR_FIELD|CONTENT_TYPE|PROTOCOL_VER))\. |Skip [^ ]+ - \(not `(pub|no_mangle)`\)|Skipping [^ ]+ - \(not `no_mangle`, and has no `export_name` attribute\)|Skip [^ ]+::HTTPc_WEBSOCK_(GUID_STRING|PROTOCOL_VERSION_13_STR) - \(Unsupported literal)'

# run_cbindgen CONFIG INPUT OUTPUT
run_cbindgen() {
    local log="$tmp/cbindgen.log"
    if ! "$CBINDGEN" --config "$1" --output "$3" "$2" 2>"$log"; then
        cat "$log" >&2
        echo "error: cbindgen failed for $3" >&2
        exit 1
    fi
    if grep -Ev "$benign_warnings" "$log" | grep . >/dev/null; then
        echo "cbindgen warnings for $3:" >&2
        grep -Ev "$benign_warnings" "$log" >&2
    fi
}

mkdir -p "$tmp/include"
run_cbindgen cbindgen.toml src/capi/mod.rs "$tmp/include/http-c.h"
run_cbindgen cbindgen-websock.toml /dev/null "$tmp/include/http-c_websock.h"

headers=(include/http-c.h include/http-c_websock.h)

if [ "$check" -eq 1 ]; then
    stale=0
    for h in "${headers[@]}"; do
        if [ ! -f "$h" ]; then
            echo "error: $h is missing." >&2
            stale=1
        elif ! diff -u "$h" "$tmp/$h"; then
            stale=1
        fi
    done
    if [ "$stale" -ne 0 ]; then
        echo "error: the committed headers are stale; run scripts/gen_headers.sh and commit the result." >&2
        exit 1
    fi
    echo "headers up to date: ${headers[*]}"
else
    mkdir -p include
    for h in "${headers[@]}"; do
        cp "$tmp/$h" "$h"
    done
    echo "wrote ${headers[*]}"
fi
