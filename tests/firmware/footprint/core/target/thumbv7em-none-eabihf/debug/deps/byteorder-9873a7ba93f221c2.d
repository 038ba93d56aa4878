/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/byteorder-9873a7ba93f221c2.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/byteorder-1.5.0/src/lib.rs

/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/libbyteorder-9873a7ba93f221c2.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/byteorder-1.5.0/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/byteorder-1.5.0/src/lib.rs:
