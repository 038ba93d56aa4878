//! The open WebSocket's turn: receive and deliver, produce and send, until nothing moves or
//! the turn budget runs out; then the timers (pong, close, send stall) and how long to sleep.

use super::super::consts::*;
use super::super::global::Held;
use super::super::handle::Conn;
use super::super::state::{CONN_CLOSE_REQUESTED, WS_IN_TURN, WS_RX_EOF, WS_RX_PAUSED};
use super::close::{ws_end, ws_transport_lost};
use super::io::receive;
use super::rx::deliver;
use super::tx::produce_and_flush;
use super::{RX_RETRY_MS, TURNS_PER_PASS};
use crate::proto::session::{elapsed_ms, TimerEvent};

// Out of line: measured smaller than inlined into `run_pass` (less register pressure).
#[inline(never)]
pub(super) fn io(h: &mut Held, c: Conn, now: u32) -> u32 {
    let closed = set_in_turn(h, c, true);
    match turn(h, c, now, closed) {
        Ok(wait) => {
            set_in_turn(h, c, false);
            wait
        }
        // The WebSocket ends: one call of `ws_end`, which ends the turn's mark too (once the
        // connection's `OnClose` ran, its objects are the application's again, never read
        // after it).
        Err(end) => {
            let (status, err, report) = match end {
                Ending::Lost(e) => {
                    let (status, err) = ws_transport_lost(h, c, e);
                    (status, err, false)
                }
                Ending::Timer(err, report) => (HTTPc_CONN_CLOSE_STATUS_NONE, err, report),
            };
            ws_end(h, c, status, err, report);
            u32::MAX
        }
    }
}

/// How a turn ends the WebSocket.
enum Ending {
    /// The transport was lost with this error.
    Lost(HTTPc_ERR),
    /// A timer ran out: this error, reported through `OnErr` when true.
    Timer(HTTPc_ERR, bool),
}

/// Marks the turn; returns whether the server's Close had come by then.
fn set_in_turn(h: &mut Held, c: Conn, on: bool) -> bool {
    let Some(ws) = h.ws_of(c) else {
        return false;
    };
    ws.flags.set(WS_IN_TURN, on);
    ws.session.close_received().is_some()
}

/// After the server's orderly close: whether bytes `OnMsgRxData` held back (it took nothing)
/// are still buffered and the close timeout, from that close, has not run out. They are
/// offered again on the retry timer, as a pause promises; the close is reported once they
/// are taken (with the server's Close among them, a clean one).
fn held_at_eof(h: &mut Held, c: Conn, now: u32) -> bool {
    let Some((s, ws)) = h.conn_ws(c) else {
        return false;
    };
    if !ws.flags.has(WS_RX_PAUSED) || s.buf.rx_data().is_empty() {
        return false;
    }
    if !ws.flags.has(WS_RX_EOF) {
        ws.flags.set(WS_RX_EOF, true);
        // (The send-stall clock is not needed any more: nothing is produced from here on.)
        s.clock_ms = now;
    }
    // (0: no close timeout, as everywhere else: they are offered until taken.)
    let limit = ws.session.config().close_timeout_ms;
    limit == 0 || elapsed_ms(now, s.clock_ms) < limit
}

/// The turn itself; returns how long the engine may sleep for this connection, or how the
/// WebSocket ends. Once the server's Close came (`closed`, as the turn starts), bytes are
/// received only to be dropped when the receive region has no room left (see `receive`).
fn turn(h: &mut Held, c: Conn, now: u32, closed: bool) -> Result<u32, Ending> {
    let mut busy = true;
    // Every message already buffered is delivered before the next receive. (A short read is
    // no sign that the socket is drained: a TLS layer returns one record at a time.)
    let mut starved = true;
    for _ in 0..TURNS_PER_PASS {
        let mut progress = false;
        if starved {
            let eof = h.ws_of(c).is_some_and(|w| w.flags.has(WS_RX_EOF));
            let got = if eof {
                Err(HTTPc_ERR_CONN_SOCK_CLOSED)
            } else {
                receive(h, c, closed)
            };
            match got {
                Ok(got) => progress |= got,
                Err(e) => {
                    // What came before the end of the stream (with the 101, or left by the
                    // last pass's budget) is delivered first: a server's last messages and its
                    // Close are not lost with the connection.
                    while deliver(h, c, now).is_ok_and(|d| !d.starved) {}
                    if h.conn(c).is_some_and(|s| s.flags.has(CONN_CLOSE_REQUESTED)) {
                        // A close a hook asked for meanwhile comes first: the next pass.
                        return Ok(0);
                    }
                    if e == HTTPc_ERR_CONN_SOCK_CLOSED && held_at_eof(h, c, now) {
                        return Ok(RX_RETRY_MS);
                    }
                    if e == HTTPc_ERR_CONN_SOCK_CLOSED {
                        // The server only half-closed: it can still read the reply to its
                        // Close (or ping) that came with its end of stream (RFC 6455 §5.5.1).
                        // As much as the socket takes now; the connection ends either way.
                        let _ = produce_and_flush(h, c, now, None);
                    }
                    return Err(Ending::Lost(e));
                }
            }
        }
        match deliver(h, c, now) {
            Ok(d) => {
                progress |= d.moved;
                starved = d.starved || !d.moved;
            }
            Err(()) => return Ok(u32::MAX),
        }
        if h.conn(c).is_none_or(|s| s.flags.has(CONN_CLOSE_REQUESTED)) {
            // A hook asked for the close: no more hooks (no message produced, none completed);
            // the next pass performs it.
            return Ok(0);
        }
        match produce_and_flush(h, c, now, None) {
            Ok(moved) => progress |= moved,
            Err(e) => return Err(Ending::Lost(e.get())),
        }
        if !progress {
            busy = false;
            break;
        }
    }
    // Timers.
    let Some((s, ws)) = h.conn_ws(c) else {
        return Ok(u32::MAX);
    };
    // No close timeout (0): nothing would bound the wait for the server to close TCP once
    // Close frames went both ways, so the close is ours once our reply has left.
    let untimed_end = ws.session.closed_untimed() && s.buf.tx_is_empty();
    let event = if untimed_end {
        Some(TimerEvent::CloseTimeout)
    } else {
        ws.session.poll_timers(now)
    };
    let mut timed_out = match event {
        Some(TimerEvent::PongTimeout) => Some(HTTPc_ERR_WEBSOCK_PONG_TIMEOUT),
        Some(TimerEvent::CloseTimeout) if ws.session.close_handshake_done() => Some(HTTPc_ERR_NONE),
        Some(TimerEvent::CloseTimeout) => Some(HTTPc_ERR_WEBSOCK_CLOSE_TIMEOUT),
        None => None,
    };
    let mut wait = ws.session.next_timeout(now).unwrap_or(u32::MAX);
    let tx_blocked = !s.buf.tx_is_empty();
    if tx_blocked && ws.tx_stall_ms != 0 {
        // Bytes wait and the socket took none for this long: the server stopped reading.
        let stalled = elapsed_ms(now, s.clock_ms);
        if stalled >= ws.tx_stall_ms {
            timed_out = timed_out.or(Some(HTTPc_ERR_CONN_SOCK_TX));
        }
        wait = wait.min(ws.tx_stall_ms.saturating_sub(stalled));
    }
    if let Some(err) = timed_out {
        // Once we failed the connection (its error reported) no reply is read (RFC 6455
        // §7.1.7): a timer ends it with that error, not a second one.
        let (err, report) = if ws.session.failure().is_some() {
            (ws.err.get(), false)
        } else {
            (err, err != HTTPc_ERR_NONE)
        };
        return Err(Ending::Timer(err, report));
    }
    if busy {
        // The turn budget ran out with work left: another pass right away.
        return Ok(0);
    }
    // Liveness: nothing more can happen now. A blocked send waits for write readiness (see
    // `wanted`), input for read readiness, both bounded by the deadlines above. What no socket
    // event announces is retried on a short timer: data the application refused, and a send
    // whose hook gave nothing ("nothing yet": no write readiness is asked for it, and an engine
    // task would otherwise sleep with a blocking send waiting on it).
    let producible = ws.session.has_pending_control() || ws.head.is_some();
    if ws.flags.has(WS_RX_PAUSED) || (!tx_blocked && producible) {
        wait = wait.min(RX_RETRY_MS);
    }
    Ok(wait)
}
