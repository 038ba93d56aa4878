//! `HTTPc_WebSockClr/SetParam/Upgrade/Send/FmtCloseMsg` and `HTTPc_WebSockMsgClr/SetParam`.

use core::ffi::c_void;

use super::app::{out_bytes, AppBytes};
use super::consts::*;
use super::engine;
use super::engine::wake_engine;
use super::ffi::{may_block, need, span_ms, Call, Param};
use super::global::{self, Held};
use super::handle::{apart, meets, Conn, Msg, Obj, Req, Ws};
use super::objects::*;
use super::request::{in_conn_buf, start_upgrade, Upgrade};
use super::state::{
    MsgState, Phase, ReqState, TxProgress, WsState, CONN_CLOSE_REQUESTED, CONN_WEBSOCKET,
    WS_IN_TURN, WS_USED,
};
use super::types::*;
use super::wait::{self, block_until, Until};
use crate::proto::close;

/// Blocking send wait (legacy value).
const TRANS_WAIT_MS: u32 = 30_000;

/// The WebSocket client is built in (cargo feature `websocket`, legacy
/// `HTTPc_CFG_WEBSOCKET_EN`): without it every `HTTPc_WebSock*` call answers
/// `HTTPc_ERR_FEATURE_DIS` and the WebSocket code is not linked.
fn websocket() -> Result<(), HTTPc_ERR> {
    if cfg!(feature = "websocket") {
        Ok(())
    } else {
        Err(HTTPc_ERR_FEATURE_DIS)
    }
}

/// Resets a WebSocket object: all hooks NULL, default limits. Keeps `UserDataPtr`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_WEBSOCK_IS_USED`.
///
/// # Safety
/// `p_ws_obj` is NULL or a valid WebSocket object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_WebSockClr(p_ws_obj: *mut HTTPc_WEBSOCK_OBJ, p_err: *mut HTTPc_ERR) {
    // SAFETY: this function's contract: `p_err` is NULL or writable (what `Call::enter`
    // needs), `p_ws_obj` NULL or a WebSocket object that stays valid while the library uses it
    // (what `Obj::from_api` needs).
    let (call, ws) = unsafe { (Call::enter(p_err), Obj::from_api(p_ws_obj)) };
    call.run(|h| {
        websocket()?;
        h.reinit::<_, WsState>(need(ws)?, HTTPc_ERR_WEBSOCK_IS_USED)?;
        Ok(())
    });
}

/// Sets one WebSocket hook (`HTTPc_PARAM_TYPE_WEBSOCK_ON_*`, the function pointer itself as
/// `p_param`) or limit (`HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX`, `…_PING_INTERVAL_MS`,
/// `…_PONG_TIMEOUT_MS`, `…_CLOSE_TIMEOUT_MS`, `…_TX_STALL_TIMEOUT_MS`, each a `CPU_INT32U *`).
/// Before the upgrade.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_WEBSOCK_IS_USED`,
/// `HTTPc_ERR_PARAM_INVALID`.
///
/// # Safety
/// Valid or NULL pointers; `p_param` of the parameter's type.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_WebSockSetParam(
    p_ws_obj: *mut HTTPc_WEBSOCK_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_err` NULL or writable, `p_ws_obj` NULL or a
    // WebSocket object that stays valid while the library uses it, `p_param` NULL or what the
    // parameter type says (the hook itself, or a `CPU_INT32U *`).
    let (call, ws, param) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_ws_obj),
            Param::new(p_param),
        )
    };
    call.run(|h| {
        websocket()?;
        ws_set_param(h, need(ws)?, type_, need(param)?)
    });
}

/// `HTTPc_WebSockSetParam` under the lock.
fn ws_set_param(h: &mut Held, ws: Ws, type_: HTTPc_PARAM_TYPE, p: Param) -> Result<(), HTTPc_ERR> {
    let w = h.idle::<_, WsState>(ws, HTTPc_ERR_WEBSOCK_IS_USED)?;
    match type_ {
        HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN => w.on_open = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE => w.on_close = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR => w.on_err = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG => w.on_pong = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT => w.on_rx_init = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA => w.on_rx_data = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE => w.on_rx_complete = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX => {
            w.session.config_mut().max_message_len = p.get();
        }
        HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS => w.tx_stall_ms = span_ms(p),
        t @ (HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS
        | HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS
        | HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS) => {
            let (ms, cfg) = (span_ms(p), w.session.config_mut());
            match t {
                HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS => cfg.ping_interval_ms = ms,
                HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS => cfg.pong_timeout_ms = ms,
                _ => cfg.close_timeout_ms = ms,
            }
        }
        _ => return Err(HTTPc_ERR_PARAM_INVALID),
    }
    Ok(())
}

/// Resets a message object (hooks NULL, `UserDataPtr` NULL).
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_WEBSOCK_MSG_IS_USED`.
///
/// # Safety
/// `p_msg_obj` is NULL or a valid message object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_WebSockMsgClr(
    p_msg_obj: *mut HTTPc_WEBSOCK_MSG_OBJ,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_err` is NULL or writable (what `Call::enter`
    // needs), `p_msg_obj` NULL or a message object that stays valid while the library uses it
    // (what `Obj::from_api` needs).
    let (call, msg) = unsafe { (Call::enter(p_err), Obj::from_api(p_msg_obj)) };
    call.run(|h| {
        websocket()?;
        let m = need(msg)?;
        h.reinit::<_, MsgState>(m, HTTPc_ERR_WEBSOCK_MSG_IS_USED)?;
        m.set_user_data(h, core::ptr::null_mut());
        Ok(())
    });
}

/// Sets a message parameter: `HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA` (the pointer itself),
/// `…_MSG_ON_TX_INIT`, `…_MSG_ON_TX_DATA`, `…_MSG_ON_TX_COMPLETE`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_WEBSOCK_MSG_IS_USED`,
/// `HTTPc_ERR_PARAM_INVALID`.
///
/// # Safety
/// Valid or NULL pointers.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_WebSockMsgSetParam(
    p_msg_obj: *mut HTTPc_WEBSOCK_MSG_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_err` NULL or writable, `p_msg_obj` NULL or a
    // message object that stays valid while the library uses it, `p_param` NULL or what the
    // parameter type says (the user data or hook pointer itself).
    let (call, msg, param) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_msg_obj),
            Param::new(p_param),
        )
    };
    call.run(|h| {
        websocket()?;
        msg_set_param(h, need(msg)?, type_, need(param)?)
    });
}

/// `HTTPc_WebSockMsgSetParam` under the lock.
fn msg_set_param(
    h: &mut Held,
    msg: Msg,
    type_: HTTPc_PARAM_TYPE,
    p: Param,
) -> Result<(), HTTPc_ERR> {
    let m = h.idle::<_, MsgState>(msg, HTTPc_ERR_WEBSOCK_MSG_IS_USED)?;
    match type_ {
        HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA => msg.set_user_data(h, p.ptr()),
        HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_INIT => m.on_tx_init = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA => m.on_tx_data = p.callback(),
        HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE => m.on_tx_complete = p.callback(),
        _ => return Err(HTTPc_ERR_PARAM_INVALID),
    }
    Ok(())
}

/// Upgrades an open connection to a WebSocket (RFC 6455 opening handshake). Always GET.
/// Blocking: returns DEF_OK when a whole response arrived — check `p_resp_obj->StatusCode ==
/// HTTP_STATUS_SWITCHING_PROTOCOLS` (a refused upgrade, e.g. 403, also returns DEF_OK, as in
/// the legacy code). A 101 that fails the handshake checks (Accept, Upgrade, Connection, an
/// extension or subprotocol we did not offer) returns DEF_FAIL with the `HTTPc_ERR_RESP_*` error
/// and closes the connection. Non-blocking (`HTTPc_FLAG_WEBSOCK_NO_BLOCK`): returns DEF_FAIL with
/// `HTTPc_ERR_NONE` once sent to the engine; `OnTransComplete` (or the request `OnErr`) then
/// `OnOpen` follow. The request headers (table and hook) are written during this call.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR` (any object: the legacy code
/// crashed), `HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID` (also a NULL path, as legacy),
/// `HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET`, `HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED`,
/// `HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID`,
/// `HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID`, `HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID`,
/// `HTTPc_ERR_REQ_IS_USED`, `HTTPc_ERR_WEBSOCK_IS_USED`, `HTTPc_ERR_PARAM_INVALID` (an object
/// never cleared), `HTTPc_ERR_TRANS_TX_BUF_FULL`, `HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED`,
/// `HTTPc_ERR_REQ_HDR_INVALID`, `HTTPc_ERR_REQ_HDR_CREATE`,
/// `HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID` (the host cannot go in `Host`),
/// `HTTPc_ERR_WEBSOCK_FAULT` (the random source failed), `HTTPc_ERR_FEATURE_DIS`,
/// `HTTPc_ERR_CONN_INVALID_STATE`, `HTTPc_ERR_CONN_SIGNAL_TIMEOUT`, and in blocking mode the `HTTPc_ERR_RESP_*` and
/// `HTTPc_ERR_CONN_SOCK_*` errors of the transaction.
///
/// # Safety
/// Valid or NULL pointers; the objects stay valid while the WebSocket lives.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn HTTPc_WebSockUpgrade(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_req_obj: *mut HTTPc_REQ_OBJ,
    p_resp_obj: *mut HTTPc_RESP_OBJ,
    p_ws_obj: *mut HTTPc_WEBSOCK_OBJ,
    p_resource_path: *mut CPU_CHAR,
    resource_path_len: CPU_INT16U,
    flags: HTTPc_FLAGS,
    p_err: *mut HTTPc_ERR,
) -> CPU_BOOLEAN {
    let no_block = flags & HTTPc_FLAG_WEBSOCK_NO_BLOCK != 0;
    // SAFETY: this function's contract: the objects stay valid while the WebSocket lives, the
    // path during the call.
    let (call, conn, req, resp, ws, path) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_conn_obj),
            Obj::from_api(p_req_obj),
            Obj::from_api(p_resp_obj),
            Obj::from_api(p_ws_obj),
            AppBytes::new(p_resource_path, u32::from(resource_path_len)),
        )
    };
    let ok = call.run(|h| {
        websocket()?;
        let conn = need(conn)?;
        upgradable(h, conn, ws, no_block)?;
        let req = need(req)?;
        request_free(h, req)?;
        let up = Upgrade {
            conn,
            req,
            // (Legacy's `HTTPc_ReqSend` met a NULL response only now.)
            resp: need(resp)?,
            ws: need(ws)?,
            path,
            no_block,
        };
        ws_upgrade(h, up)
    });
    // Legacy: a non-blocking upgrade returns DEF_FAIL with no error once sent to the engine.
    CPU_BOOLEAN::from(ok && !no_block)
}

/// Legacy's first checks of an upgrade, on the connection and the WebSocket's `OnOpen`: they
/// come before the request and response are looked at (NULL ones included), as legacy reached
/// those only in the `HTTPc_ReqSetParam` and `HTTPc_ReqSend` it called next.
fn upgradable(h: &mut Held, conn: Conn, ws: Option<Ws>, no_block: bool) -> Result<(), HTTPc_ERR> {
    // (A copy of an open connection object carries its state but is not in the engine's
    // list: not connected.)
    let listed = h.listed(conn);
    let c = h.conn(conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let busy = c.queue.is_some() || c.in_transaction();
    if c.flags.has(CONN_WEBSOCKET) {
        return Err(HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET);
    }
    // (A close asked for and not yet carried out, from a hook or before the engine task's
    // turn, leaves nothing to upgrade: legacy's close message came first.)
    if !listed || c.phase != Phase::Connected && !busy || c.flags.has(CONN_CLOSE_REQUESTED) {
        return Err(HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
    }
    if no_block {
        let w = h
            .state::<_, WsState>(need(ws)?)
            .ok_or(HTTPc_ERR_PARAM_INVALID)?;
        if w.on_open.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID);
        }
    }
    Ok(())
}

/// Legacy's next checks of an upgrade, those of its `HTTPc_ReqSetParam` (the request in use)
/// and of its handshake block (one free), before its `HTTPc_ReqSend` met a NULL response.
fn request_free(h: &mut Held, req: Req) -> Result<(), HTTPc_ERR> {
    if h.state::<_, ReqState>(req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?
        .used
    {
        return Err(HTTPc_ERR_REQ_IS_USED);
    }
    // Legacy: `MsgQ_Size` handshake blocks, so at most that many upgrades at once.
    if h.upgrades_in_progress() >= usize::from(h.g().cfg.MsgQ_Size) {
        return Err(HTTPc_ERR_WEBSOCK_REQ_MEM_ERR);
    }
    Ok(())
}

/// `HTTPc_WebSockUpgrade` under the lock: sent to the engine (non-blocking) or a whole
/// response received (blocking), or the error.
fn ws_upgrade(h: &mut Held, up: Upgrade) -> Result<(), HTTPc_ERR> {
    let buf = h.conn(up.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?.buf.span();
    let r = h
        .state::<_, ReqState>(up.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // The objects, and the tables the head is read from while the buffer is written.
    let spans = [
        up.conn.span(),
        up.req.span(),
        up.resp.span(),
        up.ws.span(),
        r.hdr_tbl.span(),
        r.query_tbl.span(),
    ];
    if !apart(&spans, buf) {
        return Err(HTTPc_ERR_PARAM_INVALID);
    }
    let c = h.conn(up.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // A transaction in progress, or plain requests waiting for their turn, go first (the
    // upgrade would take the connection).
    let busy = c.queue.is_some() || c.in_transaction();
    let r = h
        .state::<_, ReqState>(up.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let (on_complete, on_err) = (r.on_complete, r.on_err);
    let w = h
        .state::<_, WsState>(up.ws)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let ws_used = w.flags.has(WS_USED);
    // Legacy's checks, in its order, after those of `upgradable` and `request_free`: the path
    // (its `HTTPc_ReqSend`).
    // The method is set here, whatever fails next, as legacy's upgrade (a GET request through
    // `HTTPc_ReqSend`) set it before its path check.
    up.req.set_method(h, HTTP_METHOD_GET);
    // (A path inside the connection buffer would be overwritten by the request it goes in.)
    if up.path.is_empty() || in_conn_buf(h, up.conn, &up.path) {
        return Err(HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID);
    }
    // Ours: what legacy let through to fail later (or to crash).
    may_block(h, up.no_block)?;
    if busy {
        return Err(HTTPc_ERR_CONN_IS_USED);
    }
    if ws_used {
        return Err(HTTPc_ERR_WEBSOCK_IS_USED);
    }
    if up.no_block {
        if on_complete.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID);
        }
        if on_err.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID);
        }
    }
    start_upgrade(h, &up)?;
    wake_engine(h);
    if up.no_block {
        return Ok(());
    }
    wait::transaction(h, up.conn, up.req, 0)
}

/// Checks a message's type, length and payload before it is queued.
fn check_tx(
    msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    data: &[u8],
    len: u32,
    has_data: bool,
) -> Result<(), HTTPc_ERR> {
    match msg_type {
        HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME | HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME => Ok(()),
        HTTPc_WEBSOCK_MSG_TYPE_CLOSE
        | HTTPc_WEBSOCK_MSG_TYPE_PING
        | HTTPc_WEBSOCK_MSG_TYPE_PONG => {
            if len as usize > HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN as usize || (len > 0 && !has_data) {
                return Err(HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM);
            }
            if msg_type == HTTPc_WEBSOCK_MSG_TYPE_CLOSE && !data.is_empty() {
                close::parse_payload(data).map_err(|_| HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE)?;
            }
            Ok(())
        }
        _ => Err(HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM),
    }
}

/// Queues one message: text or binary data, or a close, ping or pong (≤ 125 bytes; a Close
/// payload must be a valid code and UTF-8 reason, see `HTTPc_WebSockFmtCloseMsg`). Data comes
/// from `p_data` (kept by the application until completion), or — when `p_data` is NULL — from
/// the message's `OnMsgTxData` hook; `payload_len == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED` sends a
/// fragmented message, one frame per `OnMsgTxData` call. Pings and pongs go out ahead of
/// queued data; a Close keeps its place behind it. Non-blocking (`HTTPc_FLAG_WEBSOCK_NO_BLOCK`, needs `OnMsgTxComplete`): returns
/// DEF_OK once queued. Blocking: returns DEF_OK once the last byte was handed to the socket.
/// `OnMsgTxComplete`, when set, is called exactly once either way.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_WEBSOCK_INVALID_CONN`
/// (not an open WebSocket), `HTTPc_ERR_WEBSOCK_INVALID_TX_STATE` (closing: a Close queued, sent or received),
/// `HTTPc_ERR_WEBSOCK_MSG_IS_USED`, `HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID`,
/// `HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID`, `HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM` (also:
/// `p_data` inside the connection buffer, e.g. bytes `OnMsgRxData` got: copy them out first),
/// `HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE`, `HTTPc_ERR_PARAM_INVALID` (message never cleared),
/// `HTTPc_ERR_FEATURE_DIS`, `HTTPc_ERR_CONN_INVALID_STATE` (blocking from a hook),
/// `HTTPc_ERR_CONN_SIGNAL_TIMEOUT`, and when the connection ends first `HTTPc_ERR_WEBSOCK_SEND_ERROR`
/// or the connection's error.
///
/// # Safety
/// Valid or NULL pointers; `p_data` (when given) holds `payload_len` bytes until completion.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_WebSockSend(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_msg_obj: *mut HTTPc_WEBSOCK_MSG_OBJ,
    msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    p_data: *mut CPU_CHAR,
    payload_len: CPU_INT32U,
    flags: HTTPc_FLAGS,
    p_err: *mut HTTPc_ERR,
) -> CPU_BOOLEAN {
    let defined = payload_len != HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;
    // SAFETY: this function's contract: `p_data` (when given, with a defined length) holds
    // `payload_len` bytes until completion.
    let (call, conn, msg, data) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_conn_obj),
            Obj::from_api(p_msg_obj),
            if defined {
                AppBytes::new(p_data, payload_len)
            } else {
                AppBytes::NONE
            },
        )
    };
    let has_data = !p_data.is_null();
    let ok = call.run(|h| {
        websocket()?;
        let (c, m) = (need(conn)?, need(msg)?);
        let tx = Tx {
            msg_type,
            data,
            has_data,
            len: payload_len,
            no_block: flags & HTTPc_FLAG_WEBSOCK_NO_BLOCK != 0,
        };
        ws_send(h, c, m, tx)
    });
    CPU_BOOLEAN::from(ok)
}

/// What `HTTPc_WebSockSend` was asked to send.
struct Tx {
    msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    data: AppBytes,
    has_data: bool,
    len: u32,
    no_block: bool,
}

/// `HTTPc_WebSockSend` under the lock: queued (non-blocking) or sent (blocking), or the error.
fn ws_send(h: &mut Held, c: Conn, m: Msg, tx: Tx) -> Result<(), HTTPc_ERR> {
    // (A copy of an open connection object carries its state but is not in the engine's list:
    // no WebSocket.)
    let listed = h.listed(c);
    let s = h
        .conn(c)
        .filter(|s| listed && s.flags.has(CONN_WEBSOCKET) && s.phase == Phase::WebSock);
    // Data inside the connection buffer (bytes an OnMsgRxData got, sent on as they are) is the
    // library's to overwrite: never copied from, as it would overlap what it is copied into.
    if s.as_ref()
        .is_some_and(|s| meets(s.buf.span(), tx.data.span()))
    {
        return Err(HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM);
    }
    let buf = s.as_ref().map(|s| s.buf.span()).unwrap_or_default();
    let conn_ws = s.and_then(|s| s.ws);
    let ms = h.msg(m).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let w = conn_ws.ok_or(HTTPc_ERR_WEBSOCK_INVALID_CONN)?;
    // (The payload too: read while the library's state in the objects is written.)
    if !apart(&[c.span(), w.span(), m.span(), tx.data.span()], buf) {
        return Err(HTTPc_ERR_PARAM_INVALID);
    }
    let defined = tx.len != HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;
    // Only read for control messages (at most 125 bytes).
    let ctrl_payload = if tx.len <= 125 { tx.data.all() } else { &[] };
    if ms.used {
        return Err(HTTPc_ERR_WEBSOCK_MSG_IS_USED);
    }
    if tx.no_block && ms.on_tx_complete.is_none() {
        return Err(HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID);
    }
    // Legacy: no data pointer needs `OnMsgTxData`, whatever the length.
    let no_hook = ms.on_tx_data.is_none();
    if !tx.has_data && no_hook {
        return Err(HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID);
    }
    check_tx(
        tx.msg_type,
        ctrl_payload,
        tx.len,
        tx.has_data || tx.len == 0,
    )?;
    // Ours, after legacy's checks: an undefined length needs it too (only the hook can
    // deliver such a message; a control message's was refused above as too long, as legacy).
    if !defined && no_hook {
        return Err(HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID);
    }
    may_block(h, tx.no_block)?;
    let (ws, ms) = h.ws_msg(w, m).ok_or(HTTPc_ERR_WEBSOCK_INVALID_CONN)?;
    // Closing (a Close sent, received or owed) or failed; once the application queued its
    // Close, data or a second Close behind it could never leave (a ping or pong still goes
    // ahead of it).
    let jumps = matches!(
        tx.msg_type,
        HTTPc_WEBSOCK_MSG_TYPE_PING | HTTPc_WEBSOCK_MSG_TYPE_PONG
    );
    if ws.session.may_send().is_err() || (ws.session.close_started() && !jumps) {
        return Err(HTTPc_ERR_WEBSOCK_INVALID_TX_STATE);
    }
    let in_turn = ws.flags.has(WS_IN_TURN);
    ms.used = true;
    ms.progress = TxProgress::Fresh;
    // (check_tx let through the five types only: their values are the wire opcodes.)
    ms.msg_type = tx.msg_type as u8;
    ms.len = tx.len;
    ms.sent = 0;
    ms.wait.arm(!tx.no_block);
    ms.data = tx.data;
    ms.next = None;
    if tx.msg_type == HTTPc_WEBSOCK_MSG_TYPE_CLOSE {
        // The close is decided now: its timeout runs even if the frame cannot leave yet.
        if let Some(port) = global::port() {
            ws.session.begin_close(port.now_ms());
        }
    }
    engine::enqueue(h, w, m);
    // A blocking call beside an engine task sends what it can itself (the engine is asleep: we
    // hold the lock) and wakes the engine only when something is left for it: the common case
    // costs no task switch at all. A hook in this WebSocket's turn needs no wake either: the
    // turn produces the message before it ends.
    if tx.no_block {
        if !in_turn {
            wake_engine(h);
        }
    } else if !h.g().in_task_mode() || engine::send_now(h, c, m) {
        wake_engine(h);
    }
    if tx.no_block {
        return Ok(());
    }
    let done = block_until(h, TRANS_WAIT_MS, Until::Sent(m));
    if !done {
        return Err(wait::give_up(h, c));
    }
    // The send's own result, even if a completion hook cleared or resent the message.
    match h.msg(m).and_then(|ms| ms.wait.take()) {
        Some(HTTPc_ERR_NONE) => Ok(()),
        Some(err) => Err(err),
        None => Err(HTTPc_ERR_CONN_SIGNAL_TIMEOUT),
    }
}

/// Builds a Close payload in `p_buf`: the code in network order, then `p_reason`
/// (NUL-terminated, NULL for none, at most 123 bytes of UTF-8). Returns its length, 0 on error.
/// Unlike the legacy code, `*p_err` is set on success too, every RFC 6455 code that may be sent
/// is accepted (1000–1003, 1007–1014, 3000–4999), and a short buffer is an error, not an
/// underflow.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`,
/// `HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE`, `HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN` (reason too
/// long or buffer too short), `HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM` (reason not UTF-8).
///
/// # Safety
/// `p_reason` is NULL or NUL-terminated; `p_buf` is NULL or writable for `buf_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_WebSockFmtCloseMsg(
    close_code: HTTPc_WEBSOCK_CLOSE_CODE,
    p_reason: *mut CPU_CHAR,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_err: *mut HTTPc_ERR,
) -> CPU_INT16U {
    // The reason is copied out before the output is touched: the two may overlap (a reason
    // formatted in place, after its code).
    let mut copy = [0u8; close::MAX_REASON_LEN + 1];
    // SAFETY: this function's contract: `p_reason` is NULL or NUL-terminated (the copy stops
    // at the NUL, or one byte past the limit), `p_buf` NULL or writable for `buf_len` bytes;
    // the reason's bytes are read (their slice ends) before the output's slice is made.
    let (call, reason, out) = unsafe {
        (
            Call::enter(p_err),
            AppBytes::copy_c_str(p_reason, &mut copy),
            out_bytes(p_buf, buf_len),
        )
    };
    let mut len = 0;
    call.run(|_| {
        websocket()?;
        // Legacy's order: the code, the buffer pointer, the length and room, the reason (the
        // code is write_payload's first check: without a buffer, any other error is the NULL).
        let has_buf = out.is_some();
        match close::write_payload(close_code, reason, out.unwrap_or(&mut [])) {
            Ok(n) => {
                len = n;
                Ok(())
            }
            Err(close::CloseError::InvalidCode(_)) => Err(HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE),
            Err(_) if !has_buf => Err(HTTPc_ERR_NULL_PTR),
            Err(close::CloseError::InvalidReason) => Err(HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM),
            Err(_) => Err(HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN),
        }
    });
    len as CPU_INT16U
}
