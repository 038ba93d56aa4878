//! The protocol core: framing, masking, UTF-8, close codes, the opening handshake and the
//! session state machine of an RFC 6455 client.
//!
//! Everything here is `#![forbid(unsafe_code)]`, allocation-free and panic-free on every path
//! that peer bytes or caller arguments reach. Nothing here does I/O or reads a clock: time and
//! randomness are arguments.
#![forbid(unsafe_code)]

pub mod base64;
pub mod bytes;
pub mod close;
pub mod frame;
pub mod handshake;
pub mod http;
pub mod mask;
pub mod session;
pub mod sha1;
pub mod utf8;
