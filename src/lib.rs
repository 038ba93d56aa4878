//! httpc-ws: a drop-in replacement for the WebSocket part of the Micrium µC/HTTP-client.
//!
//! Two layers, kept apart on purpose:
//! - [`proto`]: a pure, sans-I/O RFC 6455 client engine. `no_std`, no heap, no `unsafe`, no
//!   callbacks. Bytes in, events and bytes out; the caller supplies time and randomness.
//! - `capi`: the legacy `HTTPc_*` C API over that engine, with the user-supplied port. It is the
//!   only module that may use `unsafe`, and every block carries a `// SAFETY:` note.
//!
//! MSRV: 1.88 (heapless 0.9.4).
#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

#[cfg(any(test, not(target_os = "none")))]
extern crate std;

pub mod capi;
pub mod proto;

/// Bare-metal panic handler. Nothing in the library is meant to panic (the lints above deny
/// the usual sources); this only exists because `no_std` targets need one. With the
/// `panic-link-check` feature it calls a symbol that is defined nowhere, so a firmware link
/// fails if any panic path survived optimisation.
#[cfg(all(target_os = "none", not(test)))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    #[cfg(feature = "panic-link-check")]
    {
        extern "C" {
            fn httpc_ws_panic_path_is_linked() -> !;
        }
        // SAFETY: deliberately undefined; the link fails before this can run.
        #[allow(unsafe_code)]
        unsafe {
            httpc_ws_panic_path_is_linked()
        }
    }
    #[cfg(not(feature = "panic-link-check"))]
    loop {
        core::hint::spin_loop();
    }
}
