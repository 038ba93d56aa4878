//! Every way a connection ends: a WebSocket error reported, the transport lost, a timer run
//! out, a close the API asked for; and the one teardown they all end in.

use super::super::consts::*;
use super::super::global::{self, Held};
use super::super::handle::{ptr_or_null, Conn};
use super::super::hooks;
use super::super::objects::HTTPc_WEBSOCK_CLOSE_REASON;
use super::super::state::{
    Code8, Phase, ReqState, WsState, CONN_CLOSE_REQUESTED, CONN_NO_BLOCK, WS_CLOSE_NOTIFIED,
    WS_IN_TURN, WS_OPEN_NOTIFIED, WS_USED,
};
use super::super::types::DEF_FAIL;
use super::io::{blank, receive};
use super::signal_waiters;
use super::tx::{complete_msg, dequeue, take_finishing};
use crate::proto::close;

/// Reports a WebSocket error through `OnErr`.
pub(super) fn ws_error(h: &mut Held, c: Conn, err: HTTPc_ERR) {
    let on_err = h.ws_of(c).and_then(|ws| {
        if ws.err.get() == HTTPc_ERR_NONE {
            ws.err = Code8::new(err);
        }
        ws.on_err
    });
    hooks::on_ws_err(h, on_err, c.ptr(), err);
}

/// The socket failed or closed under an open WebSocket: the `OnClose` status and error its
/// [`ws_end`] reports (the error reported first through `OnErr` when the application did not
/// expect the end).
pub(super) fn ws_transport_lost(
    h: &mut Held,
    c: Conn,
    err: HTTPc_ERR,
) -> (HTTPc_CONN_CLOSE_STATUS, HTTPc_ERR) {
    // The connection was already ending: the server's Close arrived (servers often close TCP
    // right after it, before our reply could leave), or we failed it (the error was reported).
    let (ending, closing) = h.ws_of(c).map_or((None, false), |ws| {
        let s = &ws.session;
        // (A finished closing handshake is a received Close too.)
        let ending = s.close_received().is_some() || s.failure().is_some();
        // (Not ending: so only the application can have decided the close.)
        (ending.then_some(ws.err.get()), s.close_started())
    });
    // The connection's OnClose status, as legacy reports it once the WebSocket is open: SERVER
    // (with no error) only when the server closed TCP; NONE otherwise, the error telling a
    // failure from a clean close.
    match ending {
        Some(reported) => (HTTPc_CONN_CLOSE_STATUS_NONE, reported),
        None => {
            // Unexpected for the application (queued messages fail): its WebSocket OnErr says
            // so. Not once it sent its Close: a server that closes TCP then (before our frame
            // or instead of a reply) ends the closing handshake, as in legacy, which reported
            // no error for it; a socket error still is one.
            if !(closing && err == HTTPc_ERR_CONN_SOCK_CLOSED) {
                ws_error(h, c, err);
            }
            if err == HTTPc_ERR_CONN_SOCK_CLOSED {
                (HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE)
            } else {
                (HTTPc_CONN_CLOSE_STATUS_NONE, err)
            }
        }
    }
}

/// Ends the WebSocket: `err` reported through `OnErr` first when `report`, then socket closed,
/// queued messages failed, `OnClose` hooks called with `status`.
pub(super) fn ws_end(
    h: &mut Held,
    c: Conn,
    status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
    report: bool,
) {
    if report {
        ws_error(h, c, err);
    }
    if let Some(ws) = h.ws_of(c) {
        // (The end of the engine's turn too: nothing reads the objects after `OnClose`.)
        ws.flags.set(WS_IN_TURN, false);
        ws.session.transport_closed();
    }
    teardown(h, c, status, err);
}

/// An open connection between transactions: the server closing it ends it now, `OnClose`
/// with `HTTPc_CONN_CLOSE_STATUS_SERVER`, as legacy's check of every idle loop did (not by the
/// next request); bytes nobody asked for end it too (`HTTPc_ERR_RESP_RX_DATA_LEN_INVALID`: the
/// next response would start inside them).
pub(super) fn idle(h: &mut Held, c: Conn) -> u32 {
    let (status, err) = match receive(h, c, false) {
        Ok(false) => return u32::MAX,
        // (Empty lines after the last body: dropped.)
        Ok(true) if cfg!(feature = "http") && h.conn(c).is_some_and(|s| blank(s.buf.rx_data())) => {
            if let Some(s) = h.conn(c) {
                s.buf.rx_clear();
            }
            return u32::MAX;
        }
        Ok(true) => (
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
            HTTPc_ERR_RESP_RX_DATA_LEN_INVALID,
        ),
        Err(HTTPc_ERR_CONN_SOCK_CLOSED) => (HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE),
        Err(e) => (HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL, e),
    };
    teardown(h, c, status, err);
    u32::MAX
}

/// Closes a connection on behalf of an API call. Only the engine's thread of control may close
/// sockets (the engine task waits on them outside the lock), so with an engine task — or from
/// inside a hook — the close is handed to the engine; otherwise it happens here and now.
/// Returns true when it went to an engine task from outside a hook: the caller may wait for
/// it.
pub(crate) fn request_close(
    h: &mut Held,
    c: Conn,
    status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
) -> bool {
    if global::port().is_none() {
        return false;
    }
    // Recorded either way: a close the library asked for and this one meet as in task mode
    // (the last status, the first error).
    if let Some(s) = h.conn(c) {
        s.ask_close(status, err);
    }
    let g = h.g();
    let in_engine = g.in_engine;
    if !g.in_task_mode() && !in_engine {
        // The hooks of the teardown run as the engine's do: their blocking calls are refused
        // (the engine would run nested in a half-finished teardown), their closes handed on.
        g.in_engine = true;
        teardown(h, c, status, err);
        h.g().in_engine = false;
        return false;
    }
    super::wake_engine(h);
    !in_engine
}

/// Closes a connection whose transaction failed with `err`: `OnClose` says SERVER when the
/// server dropped TCP, as legacy's, ERR_INTERNAL otherwise.
pub(super) fn fail(h: &mut Held, c: Conn, err: HTTPc_ERR) {
    let status = if err == HTTPc_ERR_CONN_SOCK_CLOSED {
        HTTPc_CONN_CLOSE_STATUS_SERVER
    } else {
        HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL
    };
    teardown(h, c, status, err);
}

/// Closes the connection for good: socket, queued messages, pending transaction, hooks, list.
pub(crate) fn teardown(h: &mut Held, c: Conn, status: HTTPc_CONN_CLOSE_STATUS, err: HTTPc_ERR) {
    let port = global::engine_port();
    let Some(s) = h.conn(c) else {
        return;
    };
    if matches!(s.phase, Phase::Idle | Phase::Closing) {
        return;
    }
    // A close still pending (`HTTPc_ConnClose`, or one the library asked for) is the status
    // whatever else ends the connection (a transaction's end, a failure, the server's close),
    // as legacy's close message overwrote it; the error stays the first one.
    let (status, err) = if s.flags.has(CONN_CLOSE_REQUESTED) {
        let first = if err == HTTPc_ERR_NONE {
            s.close_req_err.get()
        } else {
            err
        };
        (s.close_req_status.get(), first)
    } else {
        (status, err)
    };
    let handle = s.handle;
    // A received Close's payload, parked in the connection buffer: its reason is for OnClose.
    let parked = s.buf.parked_raw();
    let phase = s.closed(err);
    // A connection that never opened: the open failed, for a blocking `HTTPc_ConnOpen` that
    // reads it (one that opened keeps its close's error: none for a clean close).
    if matches!(phase, Phase::OpenQueued | Phase::Connecting) && err == HTTPc_ERR_NONE {
        s.err = Code8::new(HTTPc_ERR_CONN_SOCK_CONNECT);
    }
    let on_close = s.on_close;
    let on_connect = if s.flags.has(CONN_NO_BLOCK) {
        s.on_connect
    } else {
        None
    };
    // From here on hooks run: the attached objects are reached through the handles taken now,
    // so a hook that clears the connection object cannot hide them. They are let go: reopened,
    // the connection must not reach an object another connection may use by then (its engine
    // passes would read a request object reused elsewhere).
    let (req, resp, ws) = (s.req.take(), s.resp.take(), s.ws.take());
    #[cfg(feature = "http")]
    let queue = s.queue.take();
    h.list_remove(c);
    // The socket, once no state reference is alive (the port's `Close` may call the API).
    if !handle.is_null() {
        port.close(handle);
    }

    if matches!(
        phase,
        Phase::UpgradeTx | Phase::UpgradeRx | Phase::Discard | Phase::ReqTx | Phase::ReqRx
    ) {
        let req_err = if err == HTTPc_ERR_NONE {
            HTTPc_ERR_CONN_SOCK_CLOSED
        } else {
            err
        };
        // Legacy `HTTPcConn_Close` on a pending request, in both modes: OnTransComplete(DEF_FAIL)
        // then OnErr (HTTPc_ERR_CONN_SOCK_CLOSED when the application closed).
        if let Some((req, end)) =
            req.and_then(|q| h.state::<_, ReqState>(q).map(|r| (q, r.end(req_err, true))))
        {
            end.report_closed(h, c.ptr(), req, ptr_or_null(resp), req_err);
        }
        if let Some(w) = ws.and_then(|w| h.state::<_, WsState>(w)) {
            w.flags.set(WS_USED, false);
        }
    }

    if let Some(w) = ws.filter(|_| cfg!(feature = "websocket")) {
        // WebSocket OnClose, once per opened WebSocket; then the messages it leaves fail, as
        // legacy ordered them.
        if let Some(st) = h.state::<_, WsState>(w) {
            if st.flags.has(WS_OPEN_NOTIFIED) && !st.flags.has(WS_CLOSE_NOTIFIED) {
                st.flags.set(WS_CLOSE_NOTIFIED, true);
                // No reason, as legacy: NULL without a code (an empty Close, no Close at all),
                // else the payload after the code, still in the application's connection
                // buffer during the call (empty for a code alone).
                let none = (core::ptr::null_mut(), 0);
                let (code, (at, len)) = match st.session.close_received() {
                    Some(close::NO_STATUS) => (close::NO_STATUS, none),
                    Some(code) => (code, (parked.0.wrapping_add(2), parked.1.saturating_sub(2))),
                    None => match st.session.failure() {
                        Some(f) => (f.close_code(), none),
                        None => (close::ABNORMAL, none),
                    },
                };
                let mut reason = HTTPc_WEBSOCK_CLOSE_REASON {
                    DataPtr: at.cast(),
                    Len: len as u8,
                };
                let hook = st.on_close;
                hooks::on_ws_close(h, hook, c.ptr(), code, &mut reason);
            }
        }
        // Every message still queued fails, exactly once.
        let fail_err = if err == HTTPc_ERR_NONE {
            HTTPc_ERR_WEBSOCK_SEND_ERROR
        } else {
            err
        };
        while let Some(st) = h.state::<_, WsState>(w) {
            let head = st.head;
            let Some(m) = take_finishing(h, w).or(head) else {
                break;
            };
            dequeue(h, w, m);
            complete_msg(h, c, m, fail_err);
        }
        // Free for the next upgrade only now: cleared from a hook above, it would have lost
        // its queue before every message completed. (Unless a hook above upgraded another
        // connection with it: that cleared the flags, `WS_CLOSE_NOTIFIED` with them.)
        if let Some(st) = h.state::<_, WsState>(w) {
            if st.flags.has(WS_CLOSE_NOTIFIED) {
                st.flags.set(WS_USED, false);
            }
        }
    }

    signal_waiters();
    let connecting = matches!(phase, Phase::OpenQueued | Phase::Connecting);
    // A connect that failed never opened: no OnClose (legacy). One the application closed
    // gets the OnClose(APP) its HTTPc_ConnClose promises (legacy finished the connect first).
    let failed_connect = connecting && status != HTTPc_CONN_CLOSE_STATUS_APP;
    if connecting {
        // A connect that failed is free again before its OnConnect(DEF_FAIL), as legacy
        // released it first: a retry from that hook is the usual reaction. Not one the
        // application closed: its OnClose(APP) is still to come.
        if failed_connect {
            release(h, c);
        }
        hooks::on_connect(h, on_connect, c.ptr(), DEF_FAIL);
    }
    // The requests waiting their turn (never beside a WebSocket: an upgrade waits for none to
    // be queued) fail before OnClose, or after OnConnect when the connect did not finish, as
    // when it fails.
    #[cfg(feature = "http")]
    fail_queue(h, c, queue, !connecting);
    // A connect that failed had its last hook: its object is the application's again (reopened
    // from it, or freed), never read after it.
    if failed_connect {
        return;
    }
    // Free again: reopened from its OnClose (the legacy reconnect), it starts afresh.
    release(h, c);
    // The last hook: nothing reads the objects after it (the application may free them).
    hooks::on_conn_close(h, on_close, c.ptr(), status, err);
}

/// A closing connection becomes free (`Idle`) for a new open; one already reopened, or cleared,
/// by a hook of its teardown is left as that hook made it.
fn release(h: &mut Held, c: Conn) {
    if let Some(s) = h.conn(c).filter(|s| s.phase == Phase::Closing) {
        s.phase = Phase::Idle;
    }
}

/// The plain requests that waited for their turn on a connection that closed (`opened`):
/// each fails once, `OnTransComplete(DEF_FAIL)` then `OnErr(HTTPc_ERR_CONN_SOCK_CLOSED)`, as
/// legacy's `HTTPcConn_Close` failed its request list; on one whose connect failed, with
/// `OnErr(HTTPc_ERR_CONN_IS_RELEASED)` alone, as legacy's task refused them then
/// (`HTTPcConn_ReqAdd`). Each link is cut as the walk passes it, so the walk ends even on a
/// broken queue.
#[cfg(feature = "http")]
pub(super) fn fail_queue(
    h: &mut Held,
    c: Conn,
    first: Option<super::super::handle::Req>,
    opened: bool,
) {
    let err = if opened {
        HTTPc_ERR_CONN_SOCK_CLOSED
    } else {
        HTTPc_ERR_CONN_IS_RELEASED
    };
    let mut next = first;
    while let Some(q) = next {
        let Some(r) = h.state::<_, ReqState>(q) else {
            break;
        };
        next = r.next.take();
        if !r.used || r.done {
            continue;
        }
        let (rs, mut end) = (r.resp, r.end(err, opened));
        // Its response never started: reset, not what an earlier request left in it.
        if let Some(rs) = rs {
            rs.reset(h, HTTP_CONTENT_TYPE_NONE);
        }
        let resp = ptr_or_null(rs);
        if !opened {
            end.on_complete = None;
        }
        end.report_closed(h, c.ptr(), q, resp, err);
    }
}
