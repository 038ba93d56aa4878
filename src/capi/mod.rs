//! The legacy `HTTPc_*` C API over the protocol core.
//!
//! The only module allowed `unsafe`; every block says why it is sound. Layout: `types`/`consts`
//! (Micrium names and numbers), `objects` (application-owned objects, hooks), `port` (the
//! user-supplied platform), `state` (library state inside the objects), `global` (the lock and
//! the connection list), `engine` (the per-connection state machine), and one file per API
//! group: `task`, `conn`, `req`, `websock`.
#![allow(unsafe_code)]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod consts;
pub mod types;

pub mod conn;
mod engine;
mod global;
pub mod objects;
mod param;
pub mod port;
pub mod req;
mod state;
pub mod task;
pub mod websock;
