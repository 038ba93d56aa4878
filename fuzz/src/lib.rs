//! Helpers shared by the fuzz targets: a byte reader that turns the fuzzer's input into
//! decisions, server-frame builders, and (from `tests/support`) the scripted port and recorder
//! used by the C-API target and the crate's C-API tests.
#![allow(clippy::missing_safety_doc)]

pub mod input;

#[path = "../../tests/support/mod.rs"]
pub mod support;
