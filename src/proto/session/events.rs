//! What a session reports and refuses: the events of received bytes ([`RxEvent`]; [`RxMark`]
//! for a caller that consumes its input before acting), peer violations with their close codes
//! ([`ProtocolError`]), refused sends ([`SendError`]), expired timers ([`TimerEvent`]), and the
//! two kinds of data message.

use super::super::close::{self, CloseError};
use super::super::frame::{FrameError, Opcode};
#[allow(unused_imports)] // (doc links)
use super::{Config, Session};
use super::{OP_BINARY, OP_TEXT};

/// The type of a data message.
// (The discriminants are the wire opcodes of a message's first frame, which the C API's
// message types are too: the conversions are no code.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum MessageKind {
    /// UTF-8 text.
    Text = OP_TEXT,
    /// Binary data.
    Binary = OP_BINARY,
}

impl MessageKind {
    /// The opcode of a message's first frame.
    pub const fn opcode(self) -> Opcode {
        match self {
            MessageKind::Text => Opcode::Text,
            MessageKind::Binary => Opcode::Binary,
        }
    }
}

/// A peer violation; the connection is failed with [`ProtocolError::close_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    /// A header that breaks §5 on its own.
    Frame(FrameError),
    /// A continuation frame with no fragmented message open.
    UnexpectedContinuation,
    /// A new text or binary frame while a fragmented message is open.
    ExpectedContinuation,
    /// A malformed Close payload.
    Close(CloseError),
    /// A text message that is not UTF-8 (checked as each byte arrives).
    InvalidUtf8,
    /// A message larger than [`Config::max_message_len`].
    MessageTooBig,
}

impl ProtocolError {
    /// The close code we send: 1002, 1007 or 1009.
    pub const fn close_code(self) -> u16 {
        match self {
            ProtocolError::InvalidUtf8 | ProtocolError::Close(CloseError::InvalidReason) => {
                close::INVALID_PAYLOAD
            }
            ProtocolError::MessageTooBig => close::MESSAGE_TOO_BIG,
            _ => close::PROTOCOL_ERROR,
        }
    }
}

impl core::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ProtocolError::Frame(e) => e.fmt(f),
            ProtocolError::UnexpectedContinuation => f.write_str("continuation without a message"),
            ProtocolError::ExpectedContinuation => {
                f.write_str("new message inside a fragmented one")
            }
            ProtocolError::Close(e) => e.fmt(f),
            ProtocolError::InvalidUtf8 => f.write_str("text message is not valid UTF-8"),
            ProtocolError::MessageTooBig => f.write_str("message exceeds the size limit"),
        }
    }
}

/// What one [`Session::read`] call found.
#[derive(Debug, PartialEq, Eq)]
pub enum RxEvent<'a> {
    /// Nothing complete yet: feed more bytes.
    None,
    /// The first frame of a data message. `len` is its length when that frame is also the last.
    MessageStart {
        /// Text or binary.
        kind: MessageKind,
        /// Whole-message length, when known (a single-frame message).
        len: Option<u32>,
    },
    /// Payload of the current message: these bytes sit in the caller's input right after the
    /// bytes reported consumed. Text is already validated. The caller must report with
    /// [`Session::consume_data`] how many it took, and present the rest again later.
    Data {
        /// Text or binary.
        kind: MessageKind,
        /// The payload bytes (a slice of the caller's input).
        bytes: &'a [u8],
    },
    /// The current message is complete.
    MessageEnd,
    /// A ping arrived; a pong with the same payload is owed (the latest ping wins): keep the
    /// payload for [`Session::poll_control`].
    Ping(&'a [u8]),
    /// A pong arrived.
    Pong(&'a [u8]),
    /// The server's Close arrived (code 1005 when it had no payload). Our reply is queued unless
    /// we had already sent our Close. Further input is ignored.
    Close {
        /// The code received, or 1005.
        code: u16,
        /// The UTF-8 reason (the payload after the code: keep the whole payload for
        /// [`Session::poll_control`], whose reply echoes it).
        reason: &'a [u8],
    },
    /// The server broke the protocol: our Close with `error.close_code()` is queued and further
    /// input is ignored.
    Failed(ProtocolError),
}

/// An [`RxEvent`] without its borrow of the input: where its payload lies instead. A data
/// payload is the `len` bytes after the consumed ones, a control frame's payload the last
/// `len` bytes consumed (a Close's: 0 for no status, else the code and the reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RxMark {
    None,
    MessageStart { kind: MessageKind, len: Option<u32> },
    Data { kind: MessageKind, len: usize },
    MessageEnd,
    Ping(usize),
    Pong(usize),
    Close(usize),
    Failed(ProtocolError),
}

/// A call the session cannot accept in its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The handshake was already started (or the session is past it).
    AlreadyStarted,
    /// The session is not open.
    NotOpen,
    /// Our Close went out, or the server's Close arrived: no more data or pings.
    Closing,
    /// A control frame payload over 125 bytes.
    ControlTooLong,
    /// A continuation frame with no message started, or a new message inside a fragmented one.
    FragmentSequence,
    /// A Close payload that is not a valid code plus UTF-8 reason.
    InvalidClose(CloseError),
}

impl core::fmt::Display for SendError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SendError::AlreadyStarted => f.write_str("handshake already started"),
            SendError::NotOpen => f.write_str("session is not open"),
            SendError::Closing => f.write_str("session is closing"),
            SendError::ControlTooLong => f.write_str("control payload over 125 bytes"),
            SendError::FragmentSequence => f.write_str("invalid fragment sequence"),
            SendError::InvalidClose(e) => e.fmt(f),
        }
    }
}

/// A timer that ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerEvent {
    /// No pong came within [`Config::pong_timeout_ms`] of a keep-alive ping.
    PongTimeout,
    /// The close was decided [`Config::close_timeout_ms`] ago (see [`Session::begin_close`]) and
    /// the transport is still up. If the close handshake is complete this is just the end of the
    /// wait; otherwise it is an error (the server never answered, or our Close could not even
    /// be written).
    CloseTimeout,
}
