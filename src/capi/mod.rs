//! The legacy `HTTPc_*` C API over the protocol core.
#![allow(unsafe_code)]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

pub mod consts;
pub mod types;
