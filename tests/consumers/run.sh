#!/usr/bin/env bash
# Out-of-tree consumers of httpc-ws, built the ways users build it. None touches the network: the
# whole run is in a network namespace of its own when the kernel allows it (unshare -n), and cargo
# is told --offline (the crates come from the local registry cache, as after any cargo build).
#
#   tests/consumers/run.sh [--jobs N]
#
# The files git tracks (or would) are copied into target/consumers/src first, and the consumers
# use that copy: they see what a user's checkout holds and nothing else, and the copy must be
# unchanged at the end (nothing is written into the source tree). The consumers' CMakeLists.txt
# are a few lines each; toolchains/ holds plain vendor-style toolchain files that know nothing of
# httpc-ws.
#
#   host_subdir       add_subdirectory(httpc-ws EXCLUDE_FROM_ALL), host compiler: links
#                     httpc_ws::port_posix and runs; no example or test target of httpc-ws is
#                     defined (PROJECT_IS_TOP_LEVEL), cargo's output is under the consumer's build
#                     directory; the uC/TCP-IP port also compiles as a static library when given
#                     include directories (HTTPC_WS_UCTCPIP_INCLUDE_DIRS, tests/c's stubs)
#   cross_subdir      the same, cross, with vendor-cortex-{m0,m4f,m4-softfp,m33}.cmake: the Rust
#                     target derived from each (checked against the expected one), a firmware
#                     image linked with newlib (check_mem.sh: every mem* from the application or
#                     newlib); an explicit HTTPC_WS_RUST_TARGET that contradicts the compiler
#                     must fail at configure, and so must a target rustup has not installed (the
#                     message names the rustup command); HTTPC_WS_CARGO_PROFILE/_FEATURES/
#                     _NO_DEFAULT_FEATURES reach cargo
#   install           host, Cortex-M3 (cmake/arm-none-eabi-cortex-m3.cmake) and Cortex-M4F
#                     (vendor file) builds installed into one prefix: the files they share are
#                     identical, nothing of one build is overwritten by another
#   find_package      find_package(httpc_ws COMPONENTS port_posix) from that prefix, host: builds
#                     and runs (also from a C++-only project: find_package_cxx);
#                     find_package_fw: M4F links a firmware image; M0 must fail at configure
#                     (the prefix has no thumbv6m-none-eabi build)
#   pkg_config        cc -static app_host.c $(pkg-config --static --cflags --libs
#                     httpc_ws_port_posix): links and runs
#   archive_reindexed the installed M4F archive: LTO-built (no libcore member), no LLVM bitcode,
#                     its index intact after arm-none-eabi-ranlib
#   micrium_layout    a Micrium project's include path (the real uC-HTTP root after httpc-ws's
#                     include directory, docs/MICRIUM_BUILD.md), as a subproject and with
#                     find_package: <Client/Source/http-c.h> is httpc-ws's (skipped without
#                     the Micrium sources, MICRIUM_DIR)
#   makefile          make (cargo, objcopy, arm-none-eabi-gcc), check_mem.sh on its map
#
# Outputs under target/consumers/ (logs: target/consumers/*.log). Ends with
# "consumers: N passed, N failed"; exit status 0 when all passed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JOBS=2
while [ $# -gt 0 ]; do
    case "$1" in
        --jobs) JOBS=$2; shift 2 ;;
        -h|--help) sed -n '2,41p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

# No network from here on (re-run inside a new network namespace when permitted).
if [ -z "${HTTPC_WS_CONSUMERS_NETNS:-}" ] && unshare -n true 2>/dev/null; then
    exec unshare -n env HTTPC_WS_CONSUMERS_NETNS=1 "$0" --jobs "$JOBS"
fi
export CARGO_NET_OFFLINE=true RUSTUP_AUTO_INSTALL=0
[ -n "${HTTPC_WS_CONSUMERS_NETNS:-}" ] && echo "consumers: no network (own network namespace)"

OUT=$ROOT/target/consumers
SRC=$OUT/src
TC=$SRC/tests/consumers/toolchains
mkdir -p "$OUT"
PASSED=0
FAILED=0
FAILED_NAMES=()

# check NAME COMMAND...: one consumer check, output in $OUT/NAME.log.
check() {
    local name=$1 log="$OUT/$1.log"
    shift
    if "$@" >"$log" 2>&1; then
        PASSED=$((PASSED + 1))
        printf '  PASS  %s\n' "$name"
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("$name")
        printf '  FAIL  %s (log: %s)\n' "$name" "${log#"$ROOT"/}"
        tail -n 25 "$log" | sed 's/^/        /'
    fi
}

# The source snapshot: what git tracks or would track, as in a user's checkout.
rm -rf "$SRC"
mkdir -p "$SRC"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$SRC" || { echo "run.sh: snapshot failed"; exit 1; }
manifest() { (cd "$SRC" && find . -printf '%p %s %T@\n' | sort); }
manifest >"$OUT/src.before"

configure() { cmake -G Ninja "$@"; }
build() { cmake --build "$1" --parallel "$JOBS"; }

# rust_target BUILD: the Rust target CMake chose (from the configure log in BUILD/configure.log).
rust_target() { sed -n 's/^-- httpc-ws: Rust target \([^ ]*\) .*/\1/p' "$1/configure.log"; }

host_subdir() {
    local b=$OUT/host_subdir
    rm -rf "$b"
    mkdir -p "$b"
    configure -S "$SRC/tests/consumers/host_subdir" -B "$b" \
        "-DHTTPC_WS_UCTCPIP_INCLUDE_DIRS=$SRC/tests/c/ucos_stubs" >"$b/configure.log" 2>&1 ||
        { cat "$b/configure.log"; return 1; }
    grep '^-- httpc-ws' "$b/configure.log"
    build "$b" || return 1
    "$b/app" || return 1
    # Subproject manners: no examples or tests, cargo output under the consumer's build tree.
    for t in echo_client test_scripted adv_client httpc_ws_firmware; do
        if cmake --build "$b" --target "$t" >/dev/null 2>&1; then
            echo "httpc-ws defined $t as a subproject"; return 1
        fi
    done
    [ -f "$b/httpc_ws_cargo/release/libhttpc_ws.a" ] || { echo "no library under $b/httpc_ws_cargo"; return 1; }
    # The uC/TCP-IP port as a static library (include directories given).
    cmake --build "$b" --target httpc_ws_port_uctcpip || return 1
    [ -f "$b/httpc_ws/ports/uctcpip/libhttpc_ws_port_uctcpip.a" ] || { echo "no uC/TCP-IP port archive"; return 1; }
}

# cross_subdir TOOLCHAIN EXPECTED_RUST_TARGET
cross_subdir() {
    local tc=$1 want=$2 b=$OUT/cross_subdir-$1 got
    rm -rf "$b"
    mkdir -p "$b"
    configure -S "$SRC/tests/consumers/cross_subdir" -B "$b" \
        "-DCMAKE_TOOLCHAIN_FILE=$TC/vendor-$tc.cmake" >"$b/configure.log" 2>&1 ||
        { cat "$b/configure.log"; return 1; }
    got=$(rust_target "$b")
    echo "vendor-$tc.cmake -> Rust target $got"
    [ "$got" = "$want" ] || { echo "expected $want"; return 1; }
    build "$b" || return 1
    arm-none-eabi-readelf -A "$b"/fw* | grep -E 'Tag_CPU_name|Tag_ABI_VFP_args' || true
    bash "$SRC/tests/firmware/check_mem.sh" --map "$b/fw.map" --memset-from app_fw
}

# A Rust target rustup has not installed is a configure error that names the command to run.
target_not_installed() {
    local b=$OUT/target_not_installed t=riscv32imc-unknown-none-elf log
    rm -rf "$b"
    if (cd "$SRC" && rustup target list --installed) | grep -qx "$t"; then
        echo "SKIP: $t is installed here"; return 0
    fi
    if log=$(configure -S "$SRC/tests/consumers/host_subdir" -B "$b" "-DHTTPC_WS_RUST_TARGET=$t" 2>&1); then
        echo "$log"; echo "configure succeeded with a target that is not installed"; return 1
    fi
    echo "$log" | grep -A6 "CMake Error"
    grep -q "rustup target add $t" <<<"$log"
}

# The cargo options reach cargo: profile, features (M0 firmware, release-s, only `persistent`).
cargo_options() {
    local b=$OUT/cargo_options
    rm -rf "$b"
    configure -S "$SRC/tests/consumers/cross_subdir" -B "$b" \
        "-DCMAKE_TOOLCHAIN_FILE=$TC/vendor-cortex-m0.cmake" -DHTTPC_WS_CARGO_PROFILE=release-s \
        -DHTTPC_WS_CARGO_NO_DEFAULT_FEATURES=ON -DHTTPC_WS_CARGO_FEATURES=persistent >/dev/null &&
        build "$b" || return 1
    cat "$b/httpc_ws/httpc_ws_cargo_command.txt"
    grep -q -- "--profile release-s .*--no-default-features --features persistent" \
        "$b/httpc_ws/httpc_ws_cargo_command.txt" &&
        [ -f "$b/httpc_ws_cargo/thumbv6m-none-eabi/release-s/libhttpc_ws.a" ]
}

# An explicit Rust target that contradicts the compiler is a configure error.
cross_contradiction() {
    local b=$OUT/cross_contradiction
    rm -rf "$b"
    if configure -S "$SRC/tests/consumers/cross_subdir" -B "$b" \
        "-DCMAKE_TOOLCHAIN_FILE=$TC/vendor-cortex-m0.cmake" -DHTTPC_WS_RUST_TARGET=thumbv7em-none-eabihf; then
        echo "configure succeeded: an M0 compiler with HTTPC_WS_RUST_TARGET=thumbv7em-none-eabihf"
        return 1
    fi
}

PFX=$OUT/prefix
# install_build NAME ARGS...: configure, build and install httpc-ws itself (top level) into $PFX.
install_build() {
    local name=$1 b=$OUT/install-$1
    shift
    rm -rf "$b"
    configure -S "$SRC" -B "$b" -DHTTPC_WS_BUILD_TESTS=OFF -DHTTPC_WS_BUILD_EXAMPLES=OFF "$@" &&
        build "$b" && cmake --install "$b" --prefix "$PFX" &&
        (cd "$PFX" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$OUT/install-$name.sums"
}

install_prefix() {
    rm -rf "$PFX"
    install_build host || return 1
    install_build m3 "-DCMAKE_TOOLCHAIN_FILE=$SRC/cmake/arm-none-eabi-cortex-m3.cmake" || return 1
    install_build m4f "-DCMAKE_TOOLCHAIN_FILE=$TC/vendor-cortex-m4f.cmake" || return 1
    # Every file an earlier install wrote is still there, unchanged (shared files identical).
    local f
    for f in host m3; do
        if ! (cd "$PFX" && sha256sum --quiet -c "$OUT/install-$f.sums"); then
            echo "a later install changed files of the $f install"; return 1
        fi
    done
    (cd "$PFX" && find . -type f | sort)
    for t in x86_64-unknown-linux-gnu thumbv7m-none-eabi thumbv7em-none-eabihf; do
        [ -f "$PFX/lib/httpc_ws/$t/libhttpc_ws.a" ] || { echo "no $t library"; return 1; }
        [ -f "$PFX/lib/cmake/httpc_ws/$t/httpc_ws-targets.cmake" ] || { echo "no $t config"; return 1; }
        [ -f "$PFX/lib/pkgconfig/httpc_ws-$t.pc" ] || { echo "no $t .pc"; return 1; }
    done
}

find_package_host() {
    local b=$OUT/find_package
    rm -rf "$b"
    configure -S "$SRC/tests/consumers/find_package" -B "$b" "-DCMAKE_PREFIX_PATH=$PFX" &&
        build "$b" && "$b/app"
}

# The same from a C++-only project (project(... CXX)): the package enables C itself.
find_package_cxx() {
    local b=$OUT/find_package_cxx
    rm -rf "$b"
    configure -S "$SRC/tests/consumers/find_package_cxx" -B "$b" "-DCMAKE_PREFIX_PATH=$PFX" &&
        build "$b" && "$b/app"
}

find_package_fw() {
    local b=$OUT/find_package_fw-m4f
    rm -rf "$b"
    configure -S "$SRC/tests/consumers/find_package_fw" -B "$b" "-DCMAKE_PREFIX_PATH=$PFX" \
        "-DCMAKE_TOOLCHAIN_FILE=$TC/vendor-cortex-m4f.cmake" &&
        build "$b" &&
        bash "$SRC/tests/firmware/check_mem.sh" --map "$b/fw.map" --memset-from app_fw
}

# An M0 project given a prefix without a thumbv6m-none-eabi build must fail at configure, and
# say so.
find_package_m0_refused() {
    local b=$OUT/find_package_fw-m0 log
    rm -rf "$b"
    if log=$(configure -S "$SRC/tests/consumers/find_package_fw" -B "$b" "-DCMAKE_PREFIX_PATH=$PFX" \
        "-DCMAKE_TOOLCHAIN_FILE=$TC/vendor-cortex-m0.cmake" 2>&1); then
        echo "$log"; echo "configure succeeded: an M0 project accepted a prefix without thumbv6m"
        return 1
    fi
    echo "$log" | grep -A6 "holds httpc-ws"
    grep -q "thumbv6m-none-eabi" <<<"$log"
}

pkg_config_static() {
    local b=$OUT/pkg_config flags
    rm -rf "$b"
    mkdir -p "$b"
    export PKG_CONFIG_PATH=$PFX/lib/pkgconfig
    pkg-config --print-errors --exists httpc_ws_port_posix || return 1
    echo "pkg-config --libs httpc_ws: $(pkg-config --libs httpc_ws)"
    flags=$(pkg-config --static --cflags --libs httpc_ws_port_posix) || return 1
    echo "pkg-config --static --cflags --libs httpc_ws_port_posix: $flags"
    if grep -q -- '-lgcc_s' <<<"$flags"; then echo "-lgcc_s in the flags"; return 1; fi
    # shellcheck disable=SC2086
    cc -static -o "$b/app" "$SRC/tests/consumers/common/app_host.c" $flags && "$b/app"
}

# The installed Cortex-M4F archive as a firmware team handles it: built with the profile's LTO
# (the crate and libcore in one member), no LLVM bitcode left in any member, and still indexed
# after the team's own ranlib (a binutils with an older LLVM plugin emptied the index of
# bitcode members).
archive_reindexed() {
    local lib=$PFX/lib/httpc_ws/thumbv7em-none-eabihf/libhttpc_ws.a b=$OUT/archive_reindexed
    local before after members
    rm -rf "$b"
    mkdir -p "$b"
    [ -f "$lib" ] || { echo "no $lib"; return 1; }
    members=$(arm-none-eabi-ar t "$lib")
    if grep -q '^core-' <<<"$members"; then echo "libcore is a member of its own: built without LTO"; return 1; fi
    [ "$(grep -c '^httpc_ws-' <<<"$members")" = 1 ] || { echo "not one httpc_ws member"; return 1; }
    if arm-none-eabi-objdump -h "$lib" 2>/dev/null | grep -q '\.llvmbc'; then
        echo "a member still holds LLVM bitcode"; return 1
    fi
    cp "$lib" "$b/libhttpc_ws.a"
    before=$(arm-none-eabi-nm --print-armap "$b/libhttpc_ws.a" 2>/dev/null | grep -c '^HTTPc_[A-Za-z]* in ')
    arm-none-eabi-ranlib "$b/libhttpc_ws.a" || return 1
    after=$(arm-none-eabi-nm --print-armap "$b/libhttpc_ws.a" 2>/dev/null | grep -c '^HTTPc_[A-Za-z]* in ')
    echo "HTTPc_* in the archive index: $before installed, $after after ranlib"
    [ "$before" -ge 20 ] && [ "$after" = "$before" ]
}

# A Micrium project's layout (micrium_layout): the real uC-HTTP root on the include path after
# httpc-ws's, a file that includes the client header by its legacy path only must get httpc-ws's
# (an imported target's include directory is -isystem by default, searched after every -I: the
# legacy header was found, compiled unnoticed against legacy's objects). Subproject, and from
# the install (HTTPC_WS_FROM_PREFIX). Skipped without the Micrium sources.
MICRIUM=${MICRIUM_DIR:-$ROOT/../shared/micrium}
micrium_layout() {
    local b=$OUT/micrium_layout-$1
    shift
    rm -rf "$b"
    if [ ! -f "$MICRIUM/uC-HTTP/Common/http.h" ]; then
        echo "SKIP: no Micrium sources at $MICRIUM (set MICRIUM_DIR)"; return 0
    fi
    configure -S "$SRC/tests/consumers/micrium_layout" -B "$b" "-DMICRIUM_DIR=$MICRIUM" "$@" &&
        build "$b" && "$b/app"
}

makefile() {
    local b=$OUT/makefile
    rm -rf "$b"
    make -C "$SRC/tests/consumers/makefile" "OUT=$b" &&
        bash "$SRC/tests/firmware/check_mem.sh" --map "$b/fw.map" --memset-from app_fw
}

echo "consumers: source snapshot in ${SRC#"$ROOT"/}, outputs in ${OUT#"$ROOT"/}"
check host_subdir host_subdir
check cross_subdir-cortex-m0 cross_subdir cortex-m0 thumbv6m-none-eabi
check cross_subdir-cortex-m4f cross_subdir cortex-m4f thumbv7em-none-eabihf
check cross_subdir-cortex-m4-softfp cross_subdir cortex-m4-softfp thumbv7em-none-eabi
check cross_subdir-cortex-m33 cross_subdir cortex-m33 thumbv8m.main-none-eabihf
check cross_contradiction cross_contradiction
check cargo_options cargo_options
check target_not_installed target_not_installed
check install install_prefix
check find_package find_package_host
check micrium_layout-subdir micrium_layout subdir
check micrium_layout-find_package micrium_layout find_package "-DCMAKE_PREFIX_PATH=$PFX" -DHTTPC_WS_FROM_PREFIX=ON
check find_package_cxx find_package_cxx
check find_package_fw-m4f find_package_fw
check find_package_fw-m0-refused find_package_m0_refused
check pkg_config_static pkg_config_static
check archive_reindexed archive_reindexed
check makefile makefile

manifest >"$OUT/src.after"
if diff -u "$OUT/src.before" "$OUT/src.after" >"$OUT/src.diff"; then
    PASSED=$((PASSED + 1))
    echo "  PASS  nothing written into the source tree"
else
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("source tree written")
    echo "  FAIL  the builds wrote into the source tree:"
    sed 's/^/        /' "$OUT/src.diff" | head -n 30
fi

echo "consumers: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
