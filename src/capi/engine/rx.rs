//! Delivering received frames to the application: `OnMsgRxInit`, then the payload into its
//! buffer (buffer mode) or through `OnMsgRxData` (streaming, with backpressure), then
//! `OnMsgRxComplete`; pongs to `OnPong`; protocol violations to `OnErr`.

use super::super::app::{AppBuf, RxBound};
use super::super::consts::*;
use super::super::global::Held;
use super::super::handle::{apart, meets, Conn, Span, Ws};
use super::super::hooks;
use super::super::state::{WsState, CONN_CLOSE_REQUESTED, WS_RX_PAUSED};
use super::close::ws_error;
use crate::proto::close::CloseError;
use crate::proto::frame::FrameError;
use crate::proto::session::{MessageKind, ProtocolError, RxMark};

/// What [`deliver`] achieved.
pub(super) struct Delivered {
    /// Bytes were consumed.
    pub moved: bool,
    /// Everything buffered was delivered (or the application refused more): only new input
    /// can make progress. Otherwise a whole message or control frame went out and more may
    /// be buffered: deliver again before the next receive.
    pub starved: bool,
}

/// Whether `span` meets a message object queued on WebSocket `w`, or waiting for the send
/// region to drain: the library's state of each is in it. (A walk stops at an object that is no
/// longer a valid message, as every walk of the queue.)
fn meets_queued(h: &mut Held, w: Ws, span: Span) -> bool {
    let Some(st) = h.state::<_, WsState>(w) else {
        return false;
    };
    for first in [st.head, st.finishing] {
        let mut m = first;
        while let Some(x) = m {
            if meets(x.span(), span) {
                return true;
            }
            m = h.msg(x).and_then(|ms| ms.next);
        }
    }
    false
}

/// Delivers received frames to the hooks. Err(()) when the connection ended.
pub(super) fn deliver(h: &mut Held, c: Conn, now: u32) -> Result<Delivered, ()> {
    let mut moved = false;
    // A local failure leaves the loop with its error (one call of `fail_local`).
    let err = loop {
        let Some((s, ws)) = h.conn_ws(c) else {
            return Err(());
        };
        if s.flags.has(CONN_CLOSE_REQUESTED) {
            // A hook asked for the close: nothing more reaches the hooks; the next pass
            // performs it.
            return Ok(Delivered {
                moved,
                starved: true,
            });
        }
        let (used, mark) = ws.session.read_marked(s.buf.rx_data(), now);
        s.buf.rx_consume(used);
        if used > 0 {
            moved = true;
        }
        match mark {
            RxMark::None => {
                return Ok(Delivered {
                    moved,
                    starved: true,
                })
            }
            RxMark::MessageStart {
                len: Some(HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED),
                ..
            } => {
                // A single frame of 2^32-1 bytes: `OnMsgRxInit` could not tell its length from
                // "fragmented" (whose buffer-mode bound is per fragment): too big, 1009.
                break HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG;
            }
            RxMark::MessageStart { kind, len } => {
                let msg_type = msg_type(kind);
                // Buffer mode may write: a single frame's length; for a fragmented message the
                // limit the application set, else each fragment at offset 0 (as legacy). (Set
                // to 2^32-1, the default, it counts as not set: no buffer is that large.)
                let max = ws.session.config().max_message_len;
                let bound = match len {
                    Some(l) => RxBound::Len(l),
                    None if max != u32::MAX => RxBound::Len(max),
                    None => RxBound::PerFragment,
                };
                ws.rx_buf = AppBuf::NONE;
                let hook = ws.on_rx_init;
                let legacy_len = len.unwrap_or(HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED);
                if let Some(buf) = hooks::on_rx_init(h, hook, c.ptr(), msg_type, legacy_len, bound)
                {
                    if let Some(ws) = h.ws_of(c) {
                        ws.rx_buf = buf;
                    }
                }
            }
            RxMark::Data { kind, len } => {
                if let Some((frame_len, left)) = ws.session.rx_frame_progress() {
                    if frame_len == left {
                        ws.rx_buf.fragment_starts(frame_len);
                    }
                }
                let (msg_type, hook) = (msg_type(kind), ws.on_rx_data);
                let taken = if !ws.rx_buf.is_null() {
                    // Never over the connection buffer (the bytes being copied) or the objects
                    // whose state is in use here: the connection, the WebSocket, the messages
                    // queued on it.
                    let (rest, w) = (ws.rx_buf.rest_span(), s.ws);
                    let objects = [c.span(), w.map(|w| w.span()).unwrap_or_default(), rest];
                    let over = !apart(&objects, s.buf.span())
                        || w.is_some_and(|w| meets_queued(h, w, rest));
                    let Some((s, ws)) = h.conn_ws(c) else {
                        return Err(());
                    };
                    let data = s.buf.rx_data().get(..len).unwrap_or(&[]);
                    if over || !ws.rx_buf.append(data) {
                        // The application's buffer is too small (or lies over them): fail with
                        // 1009.
                        ws.session.consume_data(0);
                        break HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW;
                    }
                    len
                } else if hook.is_some() {
                    let offered = len.min(usize::from(u16::MAX));
                    let p = s.buf.rx_ptr(0);
                    let n = hooks::on_rx_data(h, hook, c.ptr(), msg_type, p.cast(), offered as u16);
                    n.map_or(0, |n| (n as usize).min(offered))
                } else {
                    len
                };
                // Looked up again: the hook may have used the API.
                let Some((s, ws)) = h.conn_ws(c) else {
                    return Err(());
                };
                ws.session.consume_data(taken);
                s.buf.rx_consume(taken);
                if taken == 0 {
                    // Backpressure: the application took nothing; try again shortly.
                    ws.flags.set(WS_RX_PAUSED, true);
                    return Ok(Delivered {
                        moved,
                        starved: true,
                    });
                }
                ws.flags.set(WS_RX_PAUSED, false);
                moved = true;
            }
            RxMark::MessageEnd => {
                let hook = ws.on_rx_complete;
                hooks::on_rx_complete(h, hook, c.ptr());
                // Give a reply queued by the hook a chance to leave before later frames (which
                // may fail the connection) are read.
                return Ok(Delivered {
                    moved: true,
                    starved: false,
                });
            }
            // Let the pong go out before the next frame is read: each ping gets its own pong
            // unless the socket cannot keep up (then the latest wins). Its payload is parked
            // for the pong to echo.
            RxMark::Ping(len) => {
                if ws.session.pong_owed() {
                    s.buf.park(len);
                }
                return Ok(Delivered {
                    moved: true,
                    starved: false,
                });
            }
            RxMark::Pong(len) => {
                // Its payload, the last bytes consumed, through a pointer made from the buffer
                // itself (not from a shared slice of it): the hook may write through it.
                let p = s.buf.rx_ptr(0).wrapping_sub(len);
                let hook = ws.on_pong;
                hooks::on_pong(h, hook, c.ptr(), p.cast(), len as u16);
            }
            // Our reply (if owed) is queued; OnClose comes when the transport goes. The payload
            // is parked for both.
            RxMark::Close(len) => s.buf.park(len),
            RxMark::Failed(e) => ws_error(h, c, protocol_err(e)),
        }
    };
    fail_local(h, c, err, now);
    Ok(Delivered {
        moved: true,
        starved: false,
    })
}

/// The legacy message type of a received message.
fn msg_type(kind: MessageKind) -> HTTPc_WEBSOCK_MSG_TYPE {
    // (Text 1, binary 2 in both: the wire opcodes.)
    const _: () = assert!(
        MessageKind::Text as u8 as HTTPc_WEBSOCK_MSG_TYPE == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME
            && MessageKind::Binary as u8 as HTTPc_WEBSOCK_MSG_TYPE
                == HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME
    );
    HTTPc_WEBSOCK_MSG_TYPE::from(kind as u8)
}

/// A local failure (not the server's fault as such): fail the connection with 1009 and report.
fn fail_local(h: &mut Held, c: Conn, err: HTTPc_ERR, now: u32) {
    if let Some(ws) = h.ws_of(c) {
        ws.session.fail_with(ProtocolError::MessageTooBig, now);
    }
    ws_error(h, c, err);
}

/// The legacy error for a protocol violation by the server.
fn protocol_err(e: ProtocolError) -> HTTPc_ERR {
    // (In a byte: every error code is below 256, see `Code8`.)
    let code = match e {
        ProtocolError::Frame(FrameError::ReservedBits(bits)) => {
            (if bits & 0b100 != 0 {
                HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_1_SET
            } else if bits & 0b010 != 0 {
                HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_2_SET
            } else {
                HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_3_SET
            }) as u8
        }
        ProtocolError::Frame(FrameError::ReservedOpcode(_)) => {
            HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE as u8
        }
        ProtocolError::Frame(FrameError::ControlTooLong) => {
            HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_TOO_LONG as u8
        }
        ProtocolError::Frame(FrameError::ControlFragmented) => {
            HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_FRAGMENTED as u8
        }
        ProtocolError::Frame(FrameError::MaskedFrame) => HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME as u8,
        // Legacy name for a 64-bit length it could not represent.
        ProtocolError::Frame(FrameError::LengthOverflow) => HTTPc_ERR_WEBSOCK_INVALID_RX_LEN as u8,
        ProtocolError::MessageTooBig => HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG as u8,
        ProtocolError::UnexpectedContinuation | ProtocolError::ExpectedContinuation => {
            HTTPc_ERR_WEBSOCK_RX_FRAG_FRAME_SEQUENCE_INVALID as u8
        }
        ProtocolError::Close(CloseError::InvalidReason) | ProtocolError::InvalidUtf8 => {
            HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID as u8
        }
        ProtocolError::Close(_) => HTTPc_ERR_WEBSOCK_RX_CLOSE_CODE_INVALID as u8,
    };
    HTTPc_ERR::from(code)
}
