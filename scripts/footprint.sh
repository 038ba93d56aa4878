#!/usr/bin/env bash
# Footprint of httpc-ws on Cortex-M, measured and budgeted.
#
#   scripts/footprint.sh [--no-stack] [--flash-budget-warn] [--flash-ceiling BYTES]
#                        [--no-default-features] [--features LIST]
#
# --no-default-features / --features LIST measure another feature set of the library (the
# http-c_cfg.h switches, Cargo.toml); the stack run is skipped then (the echo test needs the
# default features) and the 12 KB budget is reported, not enforced (--flash-ceiling still is).
# For Cortex-M4F (thumbv7em-none-eabihf) and Cortex-M0 (thumbv6m-none-eabi), at opt-level z
# (cargo profile release) and s (profile release-s):
#   flash (.text + .rodata) and RAM (.data + .bss) that the library adds to a linked firmware:
#     tests/firmware/footprint/fp_main.c linked twice, without and with a call of every
#     HTTPc_* function (same start-up code, port stubs, object storage and the application's own
#     memcpy/memmove/memset/memcmp calls in both), difference taken; -nostdlib -lc -lgcc,
#     --gc-sections. The archive is used as CMake installs it: compiler_builtins' mem* symbols
#     made local (cmake/mem-symbols.txt), so memcpy/memset are newlib's, in both images, and do
#     not count as the library's (only the __aeabi_mem* entry points its code calls do: its own
#     forwarding ones, src/capi/aeabi_mem.rs, and newlib's 4-byte __aeabi_memcpy);
#   for comparison, the flash of the protocol core and opening handshake alone (no C API, no
#     engine): tests/firmware/footprint/core, a Rust probe that drives one client session
#     through httpc_ws::proto (the library built with its websocket feature alone, as a
#     firmware using the core would; host, port, path and subprotocol opaque to the compiler),
#     linked into the same base image (informational, not budgeted);
#   sizeof of every public object on the 32-bit target (tests/firmware/footprint/fp_sizes.c);
#   the deepest stack of one HTTPc_TaskHandler() pass and of each API call: the firmware example
#     (linked against that library build) runs its echo test in QEMU against the real Python
#     echo server, then its REST test (HTTPc_ReqSend) against the aiohttp server, with stack
#     painting (tests/firmware/run.sh --stack); --no-stack skips it.
# Checks (exit 1 when one fails; every measurement is printed first):
#   - the complete library on thumbv7em at opt-level z adds at most 12 KB (12288 B) of flash
#     (--flash-budget-warn: reported, not enforced); with --flash-ceiling, at most BYTES, enforced
#     either way (a regression guard while the budget is not met);
#   - no pass or API call of that build goes deeper than 700 B of stack (issue #14: the
#     deepest stack may not grow; about 584 B measured, the rest is room for an interrupt
#     frame landing at the deepest point: 32 B, the test firmware stacking no FP context,
#     tests/firmware/startup.c);
#   - the library's static RAM (.data + .bss) is at most 208 B on every core and level (issue
#     #14: it may not grow), in any feature set;
#   - the objects of one WebSocket (connection, request, response, WebSocket, one message) take
#     at most 428 B on the 32-bit targets, what legacy's five take (issue #14);
#   - the C library's __aeabi_memset/__aeabi_memmove are not linked (src/capi/aeabi_mem.rs);
#   - no heap symbol (malloc, free, calloc, realloc, _sbrk, __rust_alloc, __rust_dealloc,
#     __rust_realloc, __rust_alloc_zeroed, __rdl_*, __rg_*) is linked in any build;
#   - the thumbv7em release built with --features panic-link-check links: its panic handler
#     calls an undefined symbol, so any panic path left in the code fails the link.
# Outputs (git-ignored): target/footprint/ (images, maps, per-symbol lists symbols-*.txt,
# summary.txt).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

STACK=1
FEATURE_ARGS=()
CUSTOM=0
FLASH_ENFORCED=1
CEILING=
while [ $# -gt 0 ]; do
    case "$1" in
        --no-stack) STACK=0; shift ;;
        # The 12 KB flash budget is not met yet (29.0 KB today, 17.2 KB for the smallest profile): scripts/test.sh passes this so CI
        # keeps enforcing the heap, panic-path and stack checks while the figure is reported.
        --flash-budget-warn) FLASH_ENFORCED=0; shift ;;
        --flash-ceiling) CEILING=$2; shift 2 ;;
        --no-default-features) FEATURE_ARGS+=(--no-default-features); CUSTOM=1; shift ;;
        --features) FEATURE_ARGS+=(--features "$2"); CUSTOM=1; shift 2 ;;
        -h|--help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "footprint.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

if [ "$CUSTOM" = 1 ]; then
    STACK=0
    FLASH_ENFORCED=0
fi

BUDGET_FLASH=12288
BUDGET_STACK=700
BUDGET_RAM=208
BUDGET_WS_OBJECTS=428
# Cargo's target directory (CARGO_TARGET_DIR is honoured, so parallel work can keep its own).
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET_DIR/footprint
LIB_TARGET_DIR=$TARGET_DIR
if [ "$CUSTOM" = 1 ]; then
    # Another feature set: its own outputs and cargo directory (the default one stays as it is).
    OUT=$TARGET_DIR/footprint-features
    LIB_TARGET_DIR=$TARGET_DIR/footprint-features/cargo
fi
FW=$ROOT/tests/firmware
MEM_SYMBOLS=$ROOT/cmake/mem-symbols.txt
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
say() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }

for tool in cargo arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-nm arm-none-eabi-objcopy; do
    command -v "$tool" >/dev/null || { echo "footprint.sh: $tool not found" >&2; exit 2; }
done

FAILS=()
fail() { FAILS+=("$*"); say "FAIL: $*"; }

cflags_for() {
    case "$1" in
        m4) echo "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
        m0) echo "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft" ;;
    esac
}
target_for() { case "$1" in m4) echo thumbv7em-none-eabihf ;; m0) echo thumbv6m-none-eabi ;; esac; }
machine_for() { case "$1" in m4) echo mps2-an386 ;; m0) echo mps2-an385 ;; esac; }
profile_for() { case "$1" in z) echo release ;; s) echo release-s ;; esac; }

# strip_mem IN.a OUT.a: the archive as CMake builds it for a bare-metal target: compiler_builtins'
# memcpy/memset/__aeabi_mem* made local, so that the C library's are linked, and the LLVM
# bitcode of its members removed.
strip_mem() {
    arm-none-eabi-objcopy --localize-symbols="$MEM_SYMBOLS" --remove-section=.llvmbc \
        --remove-section=.llvmcmd "$1" "$2"
}

# link OUT.elf LIB|"" DEFINES... -- SOURCES...
link() {
    local elf=$1 lib=$2 core=$3
    shift 3
    local defs=() srcs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do defs+=("$1"); shift; done
    shift
    srcs=("$@")
    # shellcheck disable=SC2046
    arm-none-eabi-gcc $(cflags_for "$core") -std=c99 -O2 -ffreestanding -ffunction-sections -fdata-sections \
        -Wall -Wextra -Werror -I"$ROOT/include" -I"$FW" -I"$ROOT/c_examples/common" ${defs[@]+"${defs[@]}"} \
        -nostdlib -nostartfiles -T"$FW/mps2.ld" -Wl,--gc-sections -Wl,--no-warn-execstack \
        -Wl,-Map="${elf%.elf}.map" -o "$elf" "${srcs[@]}" ${lib:+"$lib"} -lc -lgcc
}

# sec ELF NAME: size of one output section (0 if absent)
sec() { arm-none-eabi-size -A "$1" | awk -v s="$2" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }'; }

# added_symbols BASE_SYMS ELF OUT: per-symbol sizes of what ELF has beyond the base image (an
# alias, a second name at the same address such as __aeabi_memset4, is listed once).
added_symbols() {
    arm-none-eabi-nm --size-sort -S -C -r -t d "$2" |
        awk 'NR == FNR { base[$0] = 1; next } { name = $4; for (i = 5; i <= NF; i++) name = name " " $i }
             !(name in base) && !($1 in seen) { seen[$1] = 1; printf "%6d %s %s\n", $2 + 0, $3, name }' "$1" - >"$3"
}

# check_no_heap ELF WHAT: fails the run when ELF links a heap symbol.
check_no_heap() {
    local heap
    heap=$(arm-none-eabi-nm "$1" | awk '{ print $NF }' | grep -E "$HEAP_RE" || true)
    if [ -n "$heap" ]; then
        fail "$2 links heap symbols: $(echo $heap)"
    fi
}

# check_mem_entries ELF WHAT: fails the run when the library's zeroing or moving pulled in the C
# library's own __aeabi_memset/__aeabi_memmove (src/capi/aeabi_mem.rs forwards them to memset and
# memmove, which every firmware has).
check_mem_entries() {
    local extra
    extra=$(arm-none-eabi-nm "$1" | awk '$2 == "T" && $3 ~ /^__aeabi_mem(set|move)[48]?$/ { print $3 }')
    if [ -n "$extra" ]; then
        fail "$2 links the C library's $(echo $extra)"
    fi
}

HEAP_RE='^(malloc|free|calloc|realloc|_malloc_r|_free_r|_sbrk|sbrk|__rust_alloc|__rust_dealloc|__rust_realloc|__rust_alloc_zeroed|__rdl_[a-z_]*|__rg_[a-z_]*|__rust_alloc_error_handler)$'

say "httpc-ws footprint ($(date -u +%Y-%m-%dT%H:%MZ), $(rustc --version), $(arm-none-eabi-gcc --version | head -n 1))"
if [ "$CUSTOM" = 1 ]; then
    say "library features: cargo ${FEATURE_ARGS[*]} (budgets reported, not enforced; no stack run)"
fi
say ""

declare -A FLASH RAM TEXT RODATA DATA BSS STACKMAX CORE_FLASH
for core in m4 m0; do
    target=$(target_for "$core")
    for opt in z s; do
        profile=$(profile_for "$opt")
        echo "footprint.sh: cargo rustc --lib --crate-type staticlib --target $target --profile $profile" >&2
        cargo rustc --quiet --locked --lib --crate-type staticlib --target "$target" --profile "$profile" \
            ${FEATURE_ARGS[@]+"${FEATURE_ARGS[@]}"} --target-dir "$LIB_TARGET_DIR"
        lib_built=$LIB_TARGET_DIR/$target/$profile/libhttpc_ws.a
        lib=$OUT/libhttpc_ws-$core-$opt.a
        strip_mem "$lib_built" "$lib"
        base=$OUT/fp-$core-$opt-base.elf
        full=$OUT/fp-$core-$opt-full.elf
        common=("$FW/startup.c" "$FW/semihost.c" "$FW/fwlib.c" "$FW/footprint/fp_main.c")
        link "$base" "" "$core" -DFP_WITH_LIB=0 -- "${common[@]}"
        link "$full" "$lib" "$core" -DFP_WITH_LIB=1 -- "${common[@]}"
        k="$core-$opt"
        TEXT[$k]=$(( $(sec "$full" .text) - $(sec "$base" .text) ))
        RODATA[$k]=$(( $(sec "$full" .rodata) - $(sec "$base" .rodata) ))
        DATA[$k]=$(( $(sec "$full" .data) - $(sec "$base" .data) ))
        BSS[$k]=$(( $(sec "$full" .bss) - $(sec "$base" .bss) ))
        FLASH[$k]=$(( TEXT[$k] + RODATA[$k] ))
        RAM[$k]=$(( DATA[$k] + BSS[$k] ))
        # Per-symbol sizes of what the library added (symbols absent from the base image).
        arm-none-eabi-nm --size-sort -S -C "$base" | awk '{ print $4 }' | sort -u >"$OUT/base-$k.syms"
        added_symbols "$OUT/base-$k.syms" "$full" "$OUT/symbols-$k.txt"
        check_no_heap "$full" "$core opt-level $opt"
        check_mem_entries "$full" "$core opt-level $opt"
        # The protocol core and handshake alone (no C API): the probe crate in
        # tests/firmware/footprint/core, same profile, linked into the same base image.
        (cd "$FW/footprint/core" && cargo build --quiet --target "$target" --profile "$profile" \
            --target-dir "$TARGET_DIR/footprint-core")
        core_lib=$OUT/libhttpc_ws_footprint_core-$core-$opt.a
        strip_mem "$TARGET_DIR/footprint-core/$target/$profile/libhttpc_ws_footprint_core.a" "$core_lib"
        core_elf=$OUT/fp-$core-$opt-core.elf
        link "$core_elf" "$core_lib" "$core" -DFP_WITH_LIB=0 -DFP_WITH_CORE=1 -- "${common[@]}"
        # The probe's own driver function is the application's code, not the library's.
        driver=$(arm-none-eabi-nm -S -t d "$core_elf" | awk '$4 == "fp_core_client" { print $2 + 0 }')
        CORE_FLASH[$k]=$(( $(sec "$core_elf" .text) + $(sec "$core_elf" .rodata) - $(sec "$base" .text) - $(sec "$base" .rodata) - ${driver:-0} ))
        added_symbols "$OUT/base-$k.syms" "$core_elf" "$OUT/symbols-core-$k.txt"
        check_no_heap "$core_elf" "$core opt-level $opt (core alone)"
        # The stack: the firmware example against this build of the library.
        STACKMAX[$k]=-
        if [ "$STACK" = 1 ]; then
            fw=$OUT/fw-$k.elf
            link "$fw" "$lib" "$core" -- "$FW/startup.c" "$FW/board_mps2.c" "$FW/semihost.c" "$FW/fwlib.c" "$FW/fwcheck.c" "$FW/fwpump.c" \
                "$FW/port_uart.c" "$FW/wiretap.c" "$FW/stackmeter.c" "$FW/main.c" "$FW/app_echo.c" \
                "$FW/app_rest.c" "$FW/app_perf.c" "$FW/port_loop.c" "$FW/app_autobahn.c" "$ROOT/c_examples/common/autobahn_echo.c"
            rc=0
            # The WebSocket echo sequence, then the REST-then-WebSocket one (HTTPc_ReqSend).
            "$ROOT/tests/firmware/run.sh" --elf "$fw" --machine "$(machine_for "$core")" --stack \
                --log "$OUT/stack-$k.log" >/dev/null 2>&1 || rc=$?
            if [ "$rc" = 0 ]; then
                "$ROOT/tests/firmware/run.sh" --elf "$fw" --machine "$(machine_for "$core")" --stack \
                    --server aio --log "$OUT/stack-rest-$k.log" >/dev/null 2>&1 || rc=$?
                grep '^STACK HTTPc_ReqSend' "$OUT/stack-rest-$k.log" >>"$OUT/stack-$k.log" || true
            fi
            if [ "$rc" = 77 ]; then
                say "stack $k: skipped (no QEMU or no Python venv)"
            elif [ "$rc" != 0 ]; then
                fail "stack $k: the firmware echo or REST test failed (exit $rc, logs target/footprint/stack-*$k.log)"
            else
                STACKMAX[$k]=$(awk '/^STACK HTTPc_/ { v = $(NF - 2) + 0; if (v > m) m = v } END { print m + 0 }' "$OUT/stack-$k.log")
            fi
        fi
    done
done

say "Flash and RAM the library adds to a linked firmware (bytes; every HTTPc_* function referenced):"
say ""
say "| core (Rust target)               | opt | flash = .text + .rodata | RAM = .data + .bss | deepest stack |"
say "|----------------------------------|-----|-------------------------|--------------------|---------------|"
for core in m4 m0; do
    if [ "$core" = m4 ]; then name="Cortex-M4F (thumbv7em-none-eabihf)"; else name="Cortex-M0 (thumbv6m-none-eabi)"; fi
    for opt in z s; do
        k="$core-$opt"
        say "$(printf '| %-32s | %-3s | %5d = %5d + %5d     | %4d = %4d + %4d   | %13s |' \
            "$name" "$opt" "${FLASH[$k]}" "${TEXT[$k]}" "${RODATA[$k]}" "${RAM[$k]}" "${DATA[$k]}" "${BSS[$k]}" "${STACKMAX[$k]}")"
    done
done
say ""

say "Of which the protocol core and opening handshake alone (httpc_ws::proto, no C API and no engine;"
say "one client session driven by tests/firmware/footprint/core, the library built with its websocket"
say "feature alone; mem* from newlib as above, the probe's own driver function excluded):"
say ""
for core in m4 m0; do
    for opt in z s; do
        k="$core-$opt"
        say "$(printf '  %-3s opt-level %s: %5d B flash' "$core" "$opt" "${CORE_FLASH[$k]}")"
    done
done
say ""

# sizeof on the 32-bit target.
arm-none-eabi-gcc $(cflags_for m4) -std=c99 -O0 -S -I"$ROOT/include" -o "$OUT/fp_sizes.s" "$FW/footprint/fp_sizes.c"
say "sizeof on the 32-bit targets (arm-none-eabi-gcc, identical for M0 and M4):"
awk '/^fp_sizeof_/ { name = substr($1, 11); sub(":", "", name) } /\.word/ && name != "" { printf "  %-28s %5d\n", name, $2; name = "" }' \
    "$OUT/fp_sizes.s" | tee -a "$SUMMARY"
# One WebSocket: its connection, request, response, WebSocket and one message object.
WS_OBJECTS=$(awk '/^fp_sizeof_/ { name = substr($1, 11); sub(":", "", name) }
    /\.word/ && name ~ /^HTTPc_(CONN|REQ|RESP|WEBSOCK|WEBSOCK_MSG)_OBJ$/ { s += $2; name = "" }
    END { print s + 0 }' "$OUT/fp_sizes.s")
say "  one WebSocket's five objects: $WS_OBJECTS B (legacy: 428 B; budget $BUDGET_WS_OBJECTS B)"
say ""

if [ "$STACK" = 1 ] && [ -f "$OUT/stack-m4-z.log" ]; then
    say "Stack depth per call, Cortex-M4F opt-level z (painting in QEMU; includes the echo test's hooks,"
    say "the port callbacks and an interrupt frame when one hit at the deepest point):"
    grep '^STACK' "$OUT/stack-m4-z.log" | sed 's/^STACK /  /' | tee -a "$SUMMARY"
    say ""
fi

say "Largest symbols the library adds (Cortex-M4F, opt-level z; all in target/footprint/symbols-m4-z.txt):"
head -n 30 "$OUT/symbols-m4-z.txt" | sed 's/^/  /' | tee -a "$SUMMARY"
say ""
say "By origin (Cortex-M4F, opt-level z):"
awk '{ n = $3; for (i = 4; i <= NF; i++) n = n " " $i
       if (n ~ /^(memcpy|memset|memmove|memcmp|bcmp|strlen|__aeabi_mem)/) g = "mem* entry points the library calls (__aeabi_mem*: src/capi/aeabi_mem.rs and newlib __aeabi_memcpy)"
       else if (n ~ /^compiler_builtins/ || n ~ /^__aeabi_/) g = "compiler_builtins / libgcc (__aeabi_* arithmetic)"
       else if (n ~ /^core::/ || n ~ /^<core::/) g = "core (formatting, slices, ...)"
       else if (n ~ /heapless/) g = "heapless"
       else if (n ~ /httpc_ws::proto/) g = "httpc_ws::proto (core + handshake)"
       else if (n ~ /httpc_ws::capi/) g = "httpc_ws::capi (C API, engine)"
       else if (n ~ /^HTTPc_/) g = "HTTPc_* exports"
       else if (n ~ /^OUTLINED_FUNCTION/) g = "LLVM machine-outlined fragments"
       else g = "other"
       s[g] += $1 }
     END { for (g in s) printf "  %6d  %s\n", s[g], g }' "$OUT/symbols-m4-z.txt" | sort -rn | tee -a "$SUMMARY"
say ""

# Budgets.
if [ "${FLASH[m4-z]}" -gt "$BUDGET_FLASH" ]; then
    if [ "$FLASH_ENFORCED" = 1 ]; then
        fail "thumbv7em opt-level z: the library adds ${FLASH[m4-z]} B of flash, over the $BUDGET_FLASH B budget"
    else
        say "OVER BUDGET (not enforced, --flash-budget-warn): thumbv7em opt-level z adds ${FLASH[m4-z]} B of flash, budget $BUDGET_FLASH B"
    fi
fi
if [ -n "$CEILING" ] && [ "${FLASH[m4-z]}" -gt "$CEILING" ]; then
    fail "thumbv7em opt-level z: the library adds ${FLASH[m4-z]} B of flash, over the $CEILING B regression ceiling"
fi
if [ "$STACK" = 1 ] && [ "${STACKMAX[m4-z]}" != - ] && [ "${STACKMAX[m4-z]}" -gt "$BUDGET_STACK" ]; then
    fail "thumbv7em opt-level z: deepest stack ${STACKMAX[m4-z]} B, over the $BUDGET_STACK B budget"
fi

if [ "$WS_OBJECTS" -eq 0 ] || [ "$WS_OBJECTS" -gt "$BUDGET_WS_OBJECTS" ]; then
    fail "one WebSocket's objects take $WS_OBJECTS B on the 32-bit targets, over the $BUDGET_WS_OBJECTS B budget"
fi
for k in m4-z m4-s m0-z m0-s; do
    if [ "${RAM[$k]}" -gt "$BUDGET_RAM" ]; then
        fail "$k: the library adds ${RAM[$k]} B of static RAM, over the $BUDGET_RAM B budget"
    fi
done

# Panic paths: the panic handler of this build references an undefined symbol.
echo "footprint.sh: cargo rustc --lib --crate-type staticlib --release --target thumbv7em-none-eabihf --features panic-link-check" >&2
PCT=$TARGET_DIR/panic-link-check
if cargo rustc --quiet --locked --lib --crate-type staticlib --release --target thumbv7em-none-eabihf --features panic-link-check --target-dir "$PCT" &&
    strip_mem "$PCT/thumbv7em-none-eabihf/release/libhttpc_ws.a" "$OUT/libhttpc_ws-panic-check.a" &&
    link "$OUT/fp-m4-z-panic-check.elf" "$OUT/libhttpc_ws-panic-check.a" m4 -DFP_WITH_LIB=1 -- \
        "$FW/startup.c" "$FW/semihost.c" "$FW/fwlib.c" "$FW/footprint/fp_main.c" 2>"$OUT/panic-check.log"; then
    say "panic-link-check: the thumbv7em release links with the undefined panic symbol: no panic path"
else
    fail "panic-link-check: link failed, a panic path is linked (see target/footprint/panic-check.log)"
    sed 's/^/  /' "$OUT/panic-check.log" | head -n 20 | tee -a "$SUMMARY"
fi

say ""
if [ "${#FAILS[@]}" -gt 0 ]; then
    say "footprint: ${#FAILS[@]} check(s) failed"
    exit 1
fi
say "footprint: all checks passed"
