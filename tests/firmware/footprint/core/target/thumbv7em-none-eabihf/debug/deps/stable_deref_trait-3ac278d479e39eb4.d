/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/stable_deref_trait-3ac278d479e39eb4.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/stable_deref_trait-1.2.1/src/lib.rs

/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/libstable_deref_trait-3ac278d479e39eb4.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/stable_deref_trait-1.2.1/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/stable_deref_trait-1.2.1/src/lib.rs:
