#!/usr/bin/env bash
# Runs every test of httpc-ws, the same way CI does (.ci/run calls this and nothing else).
#
#   scripts/test.sh            everything
#   scripts/test.sh --quick    skip the slow steps (conformance, fuzzing, Miri, sanitizers)
#
# Installs what it needs first (scripts/setup.sh --autobahn: apt packages, rustup targets,
# cbindgen, the Python venv, the Autobahn suite). Every step runs even when an earlier one
# failed; the script ends with "N passed, N failed" and exits non-zero if any step failed.
# Every server a step starts listens on 127.0.0.1 and is stopped by its PID.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

QUICK=0
case "${1:-}" in
    --quick) QUICK=1 ;;
    "") ;;
    -h | --help)
        sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "test.sh: unknown argument $1" >&2
        exit 2
        ;;
esac

JOBS=2
PASSED=0
FAILED=0
FAILED_STEPS=()
LOG_DIR="$ROOT/target/test-logs"
mkdir -p "$LOG_DIR"
START_ALL=$SECONDS

# step NAME COMMAND...: runs one check, records pass/fail and its wall time.
step() {
    local name=$1
    shift
    local start=$SECONDS
    printf '\n=== %s\n' "$name"
    if "$@"; then
        PASSED=$((PASSED + 1))
        printf '=== %s: PASS (%d s)\n' "$name" $((SECONDS - start))
    else
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("$name")
        printf '=== %s: FAIL (%d s)\n' "$name" $((SECONDS - start))
    fi
}

clock_wrap_tests() {
    local start
    for start in 0xFFFFF448 0x7FFFFC18; do
        HTTPC_TEST_CLOCK0=$start cargo test --quiet --test capi_clock --test capi_liveness \
            --test capi_http_liveness --test capi_api --test capi_http || return 1
    done
}

cmake_build_and_test() {
    local dir=$1 compiler=$2 generator=$3
    cmake -S . -B "$dir" -G "$generator" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$compiler" \
        -DCMAKE_CXX_COMPILER="$([ "$compiler" = clang ] && echo clang++ || echo g++)" >/dev/null &&
        cmake --build "$dir" --parallel "$JOBS" &&
        ctest --test-dir "$dir" --output-on-failure -j "$JOBS"
}

# Plain requests (cargo features `http`, `chunk-tx`, `form`, in the default set): the default
# builds above already ran the scripted C-API tests and the C live test against http.server,
# aiohttp and nginx in both execution models (ctest test_http_live_*), and the ASan step runs
# them again. Here: the build without the WebSocket client, the REST example, and the live test
# under valgrind.
WS_ONLY_FEATURES=websocket,blocking,task,hdr-rx,hdr-tx,query-str,persistent
HTTP_ONLY_FEATURES=blocking,task,hdr-rx,hdr-tx,query-str,persistent,http,chunk-tx,form
# The integration tests under the WebSocket-only and the smallest profiles (each test names the
# features it needs in Cargo.toml, required-features; the rest run).
profile_tests() {
    cargo test --no-default-features --features "$WS_ONLY_FEATURES" --tests &&
        cargo test --no-default-features --features websocket --tests
}

plain_http() {
    local vg=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
    local servers=(127.0.0.1:@HTTP_PORT@ 127.0.0.1:@AIO_PORT@ 127.0.0.1:@NGINX_PORT@) mode
    cargo test --no-default-features --features "$HTTP_ONLY_FEATURES" --test capi_http_liveness \
        --test capi_form &&
        cargo clippy --no-default-features --features "$HTTP_ONLY_FEATURES" --all-targets -- -D warnings &&
        tests/c/run_with_echo_server.sh build-ci-gcc/c_examples/rest_client 127.0.0.1 @HTTP_PORT@ ||
        return 1
    # 1 MiB instead of 10 for the large bodies under valgrind.
    for mode in --poll --task; do
        HTTPC_WS_BIG_MIB=1 tests/c/run_with_echo_server.sh "${vg[@]}" \
            build-ci-gcc/tests/c/test_http_live "$mode" "${servers[@]}" || return 1
    done
}

# ASan + UBSan over every C test and example (clang), and proof the runtime is linked.
sanitizers() {
    local syms
    cmake -S . -B build-ci-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
        -DCMAKE_CXX_COMPILER=clang++ -DHTTPC_WS_SANITIZE=address,undefined >/dev/null || return 1
    cmake --build build-ci-asan --parallel "$JOBS" || return 1
    # The whole symbol list first: `nm | grep -q` can die of SIGPIPE under pipefail.
    syms=$(nm build-ci-asan/tests/c/test_scripted) || return 1
    grep -q __asan_init <<<"$syms" || { echo "ASan runtime not linked"; return 1; }
    grep -q __ubsan_handle <<<"$syms" || { echo "UBSan runtime not linked"; return 1; }
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-ci-asan --output-on-failure -j "$JOBS"
}

# valgrind memcheck over the scripted tests and the live tests in both modes. The engine task
# is a detached thread that lives until exit, so its stack is "possibly lost" by design: only
# definite and indirect leaks count.
valgrind_memcheck() {
    local vg=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
    local dir=build-ci-gcc
    "${vg[@]}" "$dir/tests/c/test_scripted" &&
        tests/c/run_with_echo_server.sh "${vg[@]}" "$dir/tests/c/test_live" --poll "ws://127.0.0.1:@PORT@" &&
        tests/c/run_with_echo_server.sh "${vg[@]}" "$dir/tests/c/test_live" --task "ws://127.0.0.1:@PORT@" &&
        tests/c/run_with_echo_server.sh "${vg[@]}" "$dir/c_examples/echo_client" "ws://127.0.0.1:@PORT@/echo" hello
}

# The hostile-server liveness cases (tests/adversarial) under valgrind, both execution models:
# the same assertions (error and close code, deadline, no busy wait, every message completed
# once), timing windows widened for valgrind's slowdown. The CPU limit is 20 % here, not the
# native 5 %: valgrind makes the real work in a wait about 25 times dearer (half_close, a send
# every 100 ms: 0.2 % natively, 4-5.7 % under valgrind), while a busy loop still shows near 100 %.
adversarial_valgrind() {
    .venv/bin/python tests/adversarial/run.py --client build-ci-gcc/tests/adversarial/adv_client \
        --wrap "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect" \
        --slack 8 --cpu-limit 20 -j 2
}

# Cortex-M cross build with a toolchain file, then its ctest (the test firmware in QEMU talking
# to the real echo server on 127.0.0.1 through the board's UART, and over Ethernet + lwIP; the
# mem* link check). lwIP is downloaded once into .cache/lwip (HTTPC_WS_FETCH_LWIP asks for it).
# The M4 build compiles the lwIP port as a static library against that lwIP
# (HTTPC_WS_LWIP_TARGET); the others compile its source into the image.
firmware() {
    local core=$1 extra=()
    [ "$core" = m4 ] && extra=(-DHTTPC_WS_LWIP_TARGET=httpc_ws_lwip)
    cmake -S . -B "build-ci-$core" -G Ninja -DCMAKE_TOOLCHAIN_FILE="cmake/arm-none-eabi-cortex-$core.cmake" \
        -DHTTPC_WS_FETCH_LWIP=ON -DHTTPC_WS_LWIP_FETCH_DIR="$ROOT/.cache/lwip" "${extra[@]}" >/dev/null &&
        cmake --build "build-ci-$core" --parallel "$JOBS" &&
        ctest --test-dir "build-ci-$core" --output-on-failure
}

# cargo build --release for one Cortex-M target of rust-toolchain.toml. A target whose prebuilt
# standard library rustup could not install (scripts/setup.sh warns) is built with core compiled
# from rust-src instead (-Zbuild-std, allowed on the stable toolchain by RUSTC_BOOTSTRAP=1): the
# library still has to compile for it.
cargo_build_target() {
    local t=$1
    if rustup target list --installed | grep -qx "$t"; then
        cargo build --locked --release --target "$t"
    else
        echo "test.sh: no prebuilt standard library for $t installed: building core from rust-src"
        RUSTC_BOOTSTRAP=1 cargo build --locked --release --lib --target "$t" -Zbuild-std=core \
            --target-dir "$ROOT/target/build-std"
    fi
}

# The minimum supported Rust version (Cargo.toml's rust-version) builds the library: the host and
# the smallest Cortex-M target.
msrv_build() {
    local msrv
    msrv=$(scripts/setup.sh --print-msrv-toolchain) || return 1
    cargo "+$msrv" build --locked --lib --release --target-dir "$ROOT/target/msrv" &&
        cargo "+$msrv" build --locked --lib --release --target thumbv6m-none-eabi --target-dir "$ROOT/target/msrv"
}

# rust-toolchain.toml pins the toolchain: it resolves without the network (nothing downloaded) and
# is the one cargo runs.
toolchain_pinned() {
    local want have
    want=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
    if unshare -n true 2>/dev/null; then
        unshare -n env RUSTUP_AUTO_INSTALL=0 rustup show >/dev/null || return 1
    fi
    have=$(RUSTUP_AUTO_INSTALL=0 rustc --version) || return 1
    echo "rust-toolchain.toml: $want; rustc here: $have"
    [[ "$have" == "rustc $want "* ]]
}

# Autobahn inside the firmware (one QEMU boot per case), all 301 cases, strict gate: the Ethernet
# image (LAN9118 + lwIP on QEMU's user-mode network), fast enough for category 9's 16 MiB
# messages within their time limits (the UART image's ~20 KB/s is not).
conformance_mcu() {
    tests/conformance/run.sh \
        --mode mcu-m4-eth="tests/firmware/autobahn.sh --net eth --elf build-ci-m4/tests/firmware/httpc_ws_firmware_eth.elf"
}

# Every cargo-fuzz target for a few seconds on its committed seeds (a long campaign:
# docs/FUZZING.md).
fuzz_briefly() {
    scripts/fuzz.sh 10
}

# The C-API layer's Rust tests under Miri (Stacked Borrows): casts of application-owned storage,
# callbacks that re-enter the API, the connection list, queued messages.
miri_capi() {
    if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep '^miri' >/dev/null; then
        rustup component add miri rust-src --toolchain nightly || return 1
    fi
    cargo +nightly miri test --test capi_api &&
        cargo +nightly miri test --test capi_http &&
        cargo +nightly miri test --test capi_large_messages &&
        cargo +nightly miri test --test capi_reentry -- port_reenters_ hook_reenters_ &&
        cargo +nightly miri test --lib -- capi::connbuf:: capi::app:: capi::state::
}

conformance() {
    local driver="$ROOT/build-ci-gcc/c_examples/autobahn_client"
    tests/conformance/run.sh --mode blocking="$driver --blocking" --mode nonblocking="$driver --task-handler"
}

conformance_deflate() {
    local driver="$ROOT/build-ci-gcc/c_examples/autobahn_client"
    tests/conformance/run.sh --deflate --mode blocking="$driver --blocking"
}

step "setup (scripts/setup.sh --autobahn)" scripts/setup.sh --autobahn
step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy --all-targets -D warnings" cargo clippy --all-targets -- -D warnings
step "cargo test" cargo test
# Every timer against a tick counter about to wrap (2^32 - 3 s, and 2^31 - 1 s): the liveness,
# clock and API tests again with the fake clock starting there.
step "cargo test, the clock about to wrap (HTTPC_TEST_CLOCK0)" clock_wrap_tests
step "headers are up to date (scripts/gen_headers.sh --check)" scripts/gen_headers.sh --check
step "rust-toolchain.toml: the pinned toolchain, offline" toolchain_pinned
step "cargo build --release --target thumbv7em-none-eabihf" cargo build --release --target thumbv7em-none-eabihf
step "cargo build --release --target thumbv6m-none-eabi" cargo build --release --target thumbv6m-none-eabi
step "cargo build --release --target thumbv7m-none-eabi" cargo build --release --target thumbv7m-none-eabi
for t in thumbv7em-none-eabi thumbv8m.base-none-eabi thumbv8m.main-none-eabi thumbv8m.main-none-eabihf; do
    step "cargo build --release --target $t" cargo_build_target "$t"
done
step "MSRV (Cargo.toml rust-version): the library builds, host and thumbv6m-none-eabi" msrv_build
step "offline build from a vendored directory outside the repository (scripts/offline_build.sh)" \
    scripts/offline_build.sh
step "CMake + ctest, gcc, Ninja" cmake_build_and_test build-ci-gcc gcc Ninja
step "CMake + ctest, clang, Makefiles" cmake_build_and_test build-ci-clang clang "Unix Makefiles"
step "plain HTTP requests: the build without the WebSocket client, the REST example, the live test vs http.server, aiohttp and nginx under valgrind" \
    plain_http
step "Cortex-M4 firmware (mps2-an386 in QEMU) vs the real server" firmware m4
step "Cortex-M3 firmware (mps2-an385 in QEMU) vs the real server" firmware m3
step "Cortex-M0 firmware build (runs on the an385 model)" firmware m0
# Out-of-tree consumers (tests/consumers): add_subdirectory on the host and cross with vendor-style
# toolchain files (M0, M4F hard, M4 softfp, M33; firmware images linked with newlib), find_package
# with a component after cmake --install, pkg-config --static, a plain Makefile; no network.
step "consumers: add_subdirectory, find_package, pkg-config, Makefile (tests/consumers/run.sh)" \
    tests/consumers/run.sh
# The 12 KB flash budget is reported (not met). The default build is the whole legacy client
# (WebSocket, plain requests, chunked bodies, forms), enforced as a regression ceiling: the
# achieved figure plus 2 % (29 264 B achieved, 2026-12-07: 29 830 B). The WebSocket-only build
# keeps its own ceiling (20 876 B achieved: 21 170 B), and so does the smallest profile
# (17 616 B achieved, 2026-12-08, after the buffer-mode check against queued messages:
# 17 900 B).
step "footprint: no heap, no panic path, stack <= 700 B, static RAM <= 208 B, flash <= 29830 B (12 KB budget reported)" \
    scripts/footprint.sh --flash-budget-warn --flash-ceiling 29830
step "footprint of the WebSocket client without plain requests (default features but http, chunk-tx, form), flash <= 21170 B" \
    scripts/footprint.sh --no-default-features --features "$WS_ONLY_FEATURES" --flash-ceiling 21170
# The smallest useful profile of the legacy switches: poll model, non-blocking calls only, no
# header hooks, no query table, no plain requests (12 KB budget reported, not met yet; 17 900 B
# enforced as a regression ceiling).
step "footprint of the smallest profile (cargo --no-default-features --features websocket), flash <= 17900 B" \
    scripts/footprint.sh --no-default-features --features websocket --flash-budget-warn --flash-ceiling 17900
step "footprint of plain HTTP without the WebSocket client, reported" \
    scripts/footprint.sh --no-default-features --features "$HTTP_ONLY_FEATURES" --flash-budget-warn
# The legacy http-c_cfg.h switches: features derived from an application's header by CMake,
# HTTPc_ERR_FEATURE_DIS exactly for the switches that are off, clippy on the smallest profile.
step "legacy http-c_cfg.h switches (tests/legacy_cfg/run.sh)" tests/legacy_cfg/run.sh
step "cargo clippy -D warnings, smallest profile (--no-default-features --features websocket)" \
    cargo clippy --no-default-features --features websocket --lib --tests -- -D warnings
step "cargo test, WebSocket-only and smallest profiles" profile_tests
if [ "$QUICK" = 0 ]; then
    step "ASan + UBSan: C tests and examples (clang)" sanitizers
    step "valgrind memcheck: scripted and live tests, examples" valgrind_memcheck
    step "valgrind: hostile-server liveness cases, both execution models" adversarial_valgrind
    step "fuzz: every target briefly (scripts/fuzz.sh 10)" fuzz_briefly
    step "Miri: C-API tests (tests/capi_api.rs, capi_http.rs, capi_large_messages.rs) and the C-API layer's own types (lock token, buffers, state)" miri_capi
    step "Autobahn conformance, cases 1-10, both modes" conformance
    step "Autobahn permessage-deflate cases come out UNIMPLEMENTED" conformance_deflate
    step "Autobahn inside the Cortex-M4 firmware over Ethernet + lwIP, cases 1-10" conformance_mcu
    step "TLS (ports/mbedtls): wss:// echo with Python and Node, bad certificates, alerts, truncation; Autobahn 1-10 over wss:// in both modes" \
        tests/tls/run.sh --autobahn
    step "benchmark, smoke mode: every client and row once (scripts/bench.sh --smoke; not a speed gate)" \
        scripts/bench.sh --smoke
    step "wss:// inside the Cortex-M4 firmware: lwIP + mbedTLS in QEMU (tests/firmware/tls/run.sh)" \
        tests/firmware/tls/run.sh --build-dir build-ci-m4-tls
    step "TLS under ASan + UBSan" tests/tls/run.sh --asan
    step "TLS, a subset under valgrind (plain build)" tests/tls/run.sh --valgrind
fi

printf '\n=== total wall time: %d s\n' $((SECONDS - START_ALL))
if [ "$FAILED" -gt 0 ]; then
    printf 'failed steps:\n'
    printf '  %s\n' "${FAILED_STEPS[@]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
