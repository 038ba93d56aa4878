#!/usr/bin/env bash
# Which definition each mem* call of a linked Cortex-M image resolved to, from its GNU ld map
# file: the application's or its C library's, never libhttpc_ws.a's (compiler_builtins defines
# memcpy, memset, __aeabi_memcpy4... weakly in the Rust archive; CMakeLists.txt makes them local).
# The same for the arithmetic helpers (__aeabi_uidiv, __aeabi_lmul, __clzsi2...): libgcc's.
#
#   tests/firmware/check_mem.sh --map IMAGE.map [--memset-from REGEX]
#
# Checks, for memcpy memmove memset memcmp bcmp strlen __aeabi_mem* and the arithmetic helpers
# of cmake/mem-symbols.txt:
#   - none is defined globally by an object of libhttpc_ws.a (or any compiler_builtins object);
#   - memcpy is linked, from the C library (libc.a / libc_nano.a: newlib);
#   - at least one __aeabi_mem* function is linked (what the Rust code calls), from the C library;
#   - the library's fills and moves reach memset and memmove themselves: no __aeabi_memset,
#     __aeabi_memclr or __aeabi_memmove is linked from the C library (src/capi/aeabi_mem.rs forwards
#     them), so an application's own memset gets the library's calls too;
#   - with --memset-from, memset comes from the object file whose name matches REGEX (the
#     application's own memset).
# Prints one line per symbol ("symbol <- file"); exit 0 when every check passes, 1 otherwise.
set -euo pipefail

MAP=
MEMSET_FROM=
while [ $# -gt 0 ]; do
    case "$1" in
        --map) MAP=$2; shift 2 ;;
        --memset-from) MEMSET_FROM=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "check_mem.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -f "$MAP" ] || { echo "check_mem.sh: no map file '$MAP'" >&2; exit 2; }

# symbol<TAB>file for every mem* symbol in the memory map (not the discarded sections).
resolved=$(awk '
    /^Linker script and memory map/ { on = 1; next }
    !on { next }
    # An input section: [name] address size file (the name may be on the line before).
    /^ *[^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ { file = $NF; next }
    # A symbol defined in it: address name.
    NF == 2 && $1 ~ /^0x[0-9a-f]+$/ && $2 ~ /^(memcpy|memmove|memset|memcmp|bcmp|strlen|__aeabi_mem[a-z]*[0-9]*|__aeabi_u?[il]?div(mod)?|__aeabi_l(mul|lsl|lsr|asr)|__u?(div|mod)[sd]i3|__udivmoddi4|__muldi3|__c[lt]z[sd]i2|__(ashl|lshr|ashr)di3)$/ {
        printf "%s\t%s\n", $2, file
    }' "$MAP" | sort -u)

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
echo "$MAP:"
if [ -z "$resolved" ]; then
    fail "no mem* symbol in the map"
fi
while IFS=$'\t' read -r sym file; do
    [ -n "$sym" ] || continue
    printf '  %-18s <- %s\n' "$sym" "$file"
    case "$file" in
        *libhttpc_ws*|*compiler_builtins*) fail "$sym comes from the Rust library ($file)" ;;
    esac
done <<<"$resolved"

from() { awk -F '\t' -v s="$1" '$1 == s { print $2 }' <<<"$resolved"; }
is_libc() { [[ "$1" =~ /libc(_nano)?\.a\( ]] || [[ "$1" =~ ^libc(_nano)?\.a\( ]]; }

f=$(from memcpy)
if [ -z "$f" ]; then fail "memcpy is not linked"; elif ! is_libc "$f"; then fail "memcpy is not the C library's: $f"; fi
aeabi=$(awk -F '\t' '$1 ~ /^__aeabi_mem/ { print $2 }' <<<"$resolved")
if [ -z "$aeabi" ]; then
    fail "no __aeabi_mem* function linked (the library calls them)"
else
    while read -r f; do is_libc "$f" || fail "an __aeabi_mem* function is not the C library's: $f"; done <<<"$aeabi"
fi
own=$(awk -F '\t' '$1 ~ /^__aeabi_mem(set|clr|move)[48]?$/ { print $1 }' <<<"$resolved")
[ -z "$own" ] || fail "the C library's $(echo $own) linked: the library's fills and moves bypass memset/memmove"
if [ -n "$MEMSET_FROM" ]; then
    f=$(from memset)
    [[ "$f" =~ $MEMSET_FROM ]] || fail "memset is not the application's ($MEMSET_FROM): ${f:-not linked}"
fi
if [ "$fails" -gt 0 ]; then
    echo "check_mem.sh: $fails check(s) failed"
    exit 1
fi
echo "check_mem.sh: every mem* call goes to the application or its C library"
