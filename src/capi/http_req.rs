//! `HTTPc_ReqSend`: a plain HTTP request on an open connection (feature `http`), checked as
//! legacy's `HTTPc_ReqSend` and `HTTPcReq_Prepare` check it, its head written into the
//! connection buffer during the call, then sent and answered by the engine
//! (`engine/http.rs`).

use super::app::AppBytes;
use super::consts::*;
use super::engine::wake_engine;
use super::ffi::{may_block, need, Call};
use super::global::Held;
use super::handle::{apart, Obj};
use super::objects::*;
use super::request::{enqueue, in_conn_buf, plain_head, start_plain, Send};
use super::state::{Phase, ReqState, CONN_CLOSE_REQUESTED, CONN_PERSISTENT, CONN_WEBSOCKET};
use super::types::*;
use super::wait;

/// Sends a plain HTTP request (`method` on `p_resource_path`) on an open connection and reads
/// its response: status and headers into `p_resp_obj` and the response-header hook, the body
/// through the response-body hook. The request body comes from the body hook
/// (`HTTPc_PARAM_TYPE_REQ_BODY_HOOK`), sized by `HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN` or sent
/// chunked (`HTTPc_PARAM_TYPE_REQ_BODY_CHUNK`). Blocking: returns DEF_OK once a whole response
/// arrived (whatever its status). Non-blocking (`HTTPc_FLAG_REQ_NO_BLOCK`, needs
/// `OnTransComplete` and `OnErr`): returns DEF_FAIL with `HTTPc_ERR_NONE` once handed to the
/// engine. A connection that is not persistent is closed after the response, as legacy does.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_REQ_IS_USED`,
/// `HTTPc_ERR_REQ_PARAM_METHOD_INVALID`, `HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID`,
/// `HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID`, `HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID`,
/// `HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID`, `HTTPc_ERR_REQ_PARAM_CONTENT_LEN_INVALID`,
/// `HTTPc_ERR_REQ_PARAM_BODY_INVALID` (a body without a body hook, or on TRACE/CONNECT),
/// `HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED`, `HTTPc_ERR_REQ_HDR_INVALID`,
/// `HTTPc_ERR_REQ_HDR_CREATE` (a header whose value pointer is NULL),
/// `HTTPc_ERR_TRANS_TX_BUF_FULL` (the head, query string included, does not fit the connection
/// buffer), `HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID` (the connection's host cannot go in
/// `Host`), `HTTPc_ERR_CONN_IS_RELEASED` (the connection is neither open nor opening),
/// `HTTPc_ERR_CONN_IS_USED` (another transaction runs on it), `HTTPc_ERR_PARAM_INVALID` (an
/// object never cleared), `HTTPc_ERR_FEATURE_DIS` (built without plain requests, or blocking
/// with an engine task but no wait hook), `HTTPc_ERR_CONN_INVALID_STATE` (blocking from a
/// hook), `HTTPc_ERR_CONN_SIGNAL_TIMEOUT`, and in blocking mode the `HTTPc_ERR_RESP_*` and
/// `HTTPc_ERR_CONN_SOCK_*` errors of the transaction.
///
/// # Safety
/// Valid or NULL pointers; the objects stay valid until the transaction ends, the path (and
/// the header and query tables) until the head is written: during the call, or, for a request
/// that waits behind another or for the connect, until its turn comes (as legacy's task read
/// them).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn HTTPc_ReqSend(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_req_obj: *mut HTTPc_REQ_OBJ,
    p_resp_obj: *mut HTTPc_RESP_OBJ,
    method: HTTP_METHOD,
    p_resource_path: *mut CPU_CHAR,
    resource_path_len: CPU_INT16U,
    flags: HTTPc_FLAGS,
    p_err: *mut HTTPc_ERR,
) -> CPU_BOOLEAN {
    let no_block = flags & HTTPc_FLAG_REQ_NO_BLOCK != 0;
    // SAFETY: this function's contract: the objects stay valid until the transaction ends,
    // the path until the head is written.
    let (call, conn, req, resp, path) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_conn_obj),
            Obj::from_api(p_req_obj),
            Obj::from_api(p_resp_obj),
            AppBytes::new(p_resource_path, u32::from(resource_path_len)),
        )
    };
    let ok = call.run(|h| {
        let send = Send {
            conn: need(conn)?,
            req: need(req)?,
            resp: need(resp)?,
            method,
            path,
            no_block,
        };
        if !cfg!(feature = "http") {
            return Err(HTTPc_ERR_FEATURE_DIS);
        }
        req_send(h, send)
    });
    // Legacy: a non-blocking request returns DEF_FAIL with no error once handed over.
    CPU_BOOLEAN::from(ok && !no_block)
}

/// `HTTPc_ReqSend` under the lock: handed to the engine (non-blocking) or a whole response
/// received (blocking), or the error.
fn req_send(h: &mut Held, q: Send) -> Result<(), HTTPc_ERR> {
    let ahead = hand_over(h, &q)?;
    if q.no_block {
        return Ok(());
    }
    wait::transaction(h, q.conn, q.req, ahead)
}

/// Checks the request, writes its head (or queues it behind the one in progress) and wakes the
/// engine: how many requests are ahead. Out of line, so that the head's locals are off the
/// stack during the blocking wait.
#[inline(never)]
fn hand_over(h: &mut Held, q: &Send) -> Result<u32, HTTPc_ERR> {
    let buf = h.conn(q.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?.buf.span();
    let r = h
        .state::<_, ReqState>(q.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // The objects, and the tables the head and body are read from while the buffer is written.
    let spans = [
        q.conn.span(),
        q.req.span(),
        q.resp.span(),
        r.hdr_tbl.span(),
        r.query_tbl.span(),
        r.form.span(),
    ];
    if !apart(&spans, buf) {
        return Err(HTTPc_ERR_PARAM_INVALID);
    }
    if r.used {
        return Err(HTTPc_ERR_REQ_IS_USED);
    }
    let (on_complete, on_err) = (r.on_complete, r.on_err);
    // (The methods with a name, `GET` 0 to `CONNECT` 7: `method_name` answers the same.)
    if q.method > HTTP_METHOD_CONNECT {
        return Err(HTTPc_ERR_REQ_PARAM_METHOD_INVALID);
    }
    // Kept from here on, whatever fails next, as legacy's `HTTPc_ReqSend` stored a valid
    // method before its other checks.
    q.req.set_method(h, q.method);
    // (A path inside the connection buffer would be overwritten by the head it goes in.)
    if q.path.is_empty() || in_conn_buf(h, q.conn, &q.path) {
        return Err(HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID);
    }
    if q.no_block {
        if on_complete.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID);
        }
        if on_err.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID);
        }
    }
    may_block(h, q.no_block)?;
    // (A copy of an open connection object carries its state but is not in the engine's list:
    // released.)
    let listed = h.listed(q.conn);
    let s = h.conn(q.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // Behind a plain request in progress (or waiting), or a connect a non-blocking
    // `HTTPc_ConnOpen` started, a request waits its turn, as in legacy's task queue and request
    // list; an upgrade in progress or an open WebSocket leaves no turn to wait for.
    let behind = matches!(
        s.phase,
        Phase::ReqTx | Phase::ReqRx | Phase::OpenQueued | Phase::Connecting
    ) || s.queue.is_some();
    // (A WebSocket that ended left its connection released: as after a plain close.)
    if s.flags.has(CONN_WEBSOCKET) && s.is_open() || (s.in_transaction() && !behind) {
        return Err(HTTPc_ERR_CONN_IS_USED);
    }
    // (A close the application asked for, still to be carried out by the engine — from a hook —
    // releases the connection as one already done: legacy's close message ran before the
    // request's, whose `HTTPcConn_ReqAdd` then found it released.)
    if !listed || s.phase != Phase::Connected && !behind || s.flags.has(CONN_CLOSE_REQUESTED) {
        return Err(HTTPc_ERR_CONN_IS_RELEASED);
    }
    let persistent = s.flags.has(CONN_PERSISTENT);
    // (No pool bounds plain requests: `MsgQ_Size` counts the upgrades, whose handshakes
    // legacy kept in a pool of that size; its task queue has no counterpart here.)
    let r = h
        .state::<_, ReqState>(q.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // (Read where it was returned, not moved out of the `Result`.)
    let head = &plain_head(r, q.method, persistent);
    let head = head.as_ref().map_err(|&e| e)?;
    let ahead = if behind {
        enqueue(h, q)?
    } else {
        start_plain(h, q, head)?;
        0
    };
    wake_engine(h);
    Ok(ahead)
}
