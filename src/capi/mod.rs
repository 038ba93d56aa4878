//! The legacy `HTTPc_*` C API over the protocol core.
//!
//! The only module allowed `unsafe`, and only at the boundary: the exports (`ffi.rs` turns
//! their pointer arguments into handles and reports through `p_err`), the port and hook calls
//! (`port.rs`, `hooks.rs`), the application's memory (`app.rs`, `connbuf.rs`) and the state
//! inside its objects (`handle.rs`, `state.rs`), and the C library's fill and move entry
//! points (`aeabi_mem.rs`, assembly). Everything else is safe code that holds the
//! lock token (`global::Held`).
//!
//! Layout: `types`/`consts` (Micrium names and numbers), `objects` (application-owned
//! objects, hooks), `port` (the user-supplied platform), `state` (library state inside the
//! objects), `global` (the lock and its token), `engine/` (the per-connection state machine,
//! by stage), `wait` (blocking calls), `request` (the request head), and one file per API
//! group: `task`, `conn`, `req`, `http_req`, `form`, `websock`.
#![allow(unsafe_code)]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod consts;
pub mod types;

mod aeabi_mem;
mod app;
pub mod conn;
mod connbuf;
mod engine;
mod ffi;
pub mod form;
mod global;
mod handle;
mod hooks;
pub mod http_req;
pub mod objects;
pub mod port;
pub mod req;
mod request;
mod state;
pub mod task;
mod wait;
pub mod websock;
