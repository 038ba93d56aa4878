/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/httpc_ws_footprint_core-a82ddebb9166d5df.d: src/lib.rs

/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/libhttpc_ws_footprint_core-a82ddebb9166d5df.rmeta: src/lib.rs

src/lib.rs:
