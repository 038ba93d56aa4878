//! `HTTPc_WebSockClr/SetParam/Upgrade/Send/FmtCloseMsg` and `HTTPc_WebSockMsgClr/SetParam`.

use core::ffi::c_void;
use core::ptr::null_mut;

use super::conn::ready;
use super::consts::*;
use super::engine;
use super::global::{self, Lock};
use super::objects::*;
use super::param::{fn_param, read_param};
use super::state::{self, ConnState, MsgState, Phase, ReqState, WsState};
use super::task::{block_until, can_block, set_outcome, set_result, wake_engine};
use super::types::*;
use crate::proto::close;
use crate::proto::handshake::{Key, OfferedProtocols, RequestWriter, WriteError};

/// Blocking send wait (legacy value).
const TRANS_WAIT_MS: u32 = 30_000;

/// A blocking upgrade waits this much past the transaction deadline, which the engine enforces
/// and reports itself.
const BLOCK_WAIT_SLACK_MS: u32 = 1_000;

/// Resets a WebSocket object: all hooks NULL, default limits. Keeps `UserDataPtr`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_WEBSOCK_IS_USED`.
///
/// # Safety
/// `p_ws_obj` is NULL or a valid WebSocket object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_WebSockClr(p_ws_obj: *mut HTTPc_WEBSOCK_OBJ, p_err: *mut HTTPc_ERR) {
    let _lock = Lock::take();
    let r = ready(p_ws_obj.cast(), p_ws_obj.cast()).and_then(|()| {
        // SAFETY: non-NULL object; lock held.
        unsafe { state::reinit(p_ws_obj, HTTPc_ERR_WEBSOCK_IS_USED, |s| WsState::clear(s)) }
    });
    set_result(p_err, r);
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
    let _lock = Lock::take();
    // SAFETY: lock held; pointers as documented.
    set_result(p_err, unsafe { ws_set_param(p_ws_obj, type_, p_param) });
}

/// `HTTPc_WebSockSetParam` under the lock.
///
/// # Safety
/// Lock held; valid or NULL pointers.
unsafe fn ws_set_param(
    p_ws_obj: *mut HTTPc_WEBSOCK_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
) -> Result<(), HTTPc_ERR> {
    ready(p_ws_obj.cast(), p_param)?;
    // SAFETY: non-NULL object; lock held.
    let w = unsafe { state::get_idle::<_, WsState>(p_ws_obj, HTTPc_ERR_WEBSOCK_IS_USED)? };
    // SAFETY: in every arm `p_param` is of the parameter's type (API contract).
    unsafe {
        match type_ {
            HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN => w.on_open = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE => w.on_close = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR => w.on_err = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG => w.on_pong = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT => w.on_rx_init = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA => w.on_rx_data = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE => w.on_rx_complete = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX => {
                w.cfg.max_message_len = read_param(p_param);
                w.rx_len_max_set = true;
            }
            HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS => {
                w.cfg.ping_interval_ms = read_param(p_param)
            }
            HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS => w.cfg.pong_timeout_ms = read_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS => {
                w.cfg.close_timeout_ms = read_param(p_param)
            }
            HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS => w.tx_stall_ms = read_param(p_param),
            _ => return Err(HTTPc_ERR_PARAM_INVALID),
        }
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
    let _lock = Lock::take();
    let r = ready(p_msg_obj.cast(), p_msg_obj.cast()).and_then(|()| {
        // SAFETY: non-NULL object; lock held.
        unsafe {
            state::reinit(p_msg_obj, HTTPc_ERR_WEBSOCK_MSG_IS_USED, |s| {
                MsgState::clear(s)
            })?
        };
        // SAFETY: valid object, just cleared.
        unsafe { (*p_msg_obj).UserDataPtr = null_mut() };
        Ok(())
    });
    set_result(p_err, r);
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
    let _lock = Lock::take();
    // SAFETY: lock held; pointers as documented.
    set_result(p_err, unsafe { msg_set_param(p_msg_obj, type_, p_param) });
}

/// `HTTPc_WebSockMsgSetParam` under the lock.
///
/// # Safety
/// Lock held; valid or NULL pointers.
unsafe fn msg_set_param(
    p_msg_obj: *mut HTTPc_WEBSOCK_MSG_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
) -> Result<(), HTTPc_ERR> {
    ready(p_msg_obj.cast(), p_param)?;
    // SAFETY: non-NULL object; lock held.
    let m = unsafe { state::get_idle::<_, MsgState>(p_msg_obj, HTTPc_ERR_WEBSOCK_MSG_IS_USED)? };
    // SAFETY: in every arm `p_param` is of the parameter's type (API contract).
    unsafe {
        match type_ {
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA => (*p_msg_obj).UserDataPtr = p_param,
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_INIT => m.on_tx_init = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA => m.on_tx_data = fn_param(p_param),
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE => m.on_tx_complete = fn_param(p_param),
            _ => return Err(HTTPc_ERR_PARAM_INVALID),
        }
    }
    Ok(())
}

fn write_err(e: WriteError) -> HTTPc_ERR {
    match e {
        WriteError::BufferFull => HTTPc_ERR_TRANS_TX_BUF_FULL,
        WriteError::InvalidTarget => HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID,
        WriteError::InvalidHeader => HTTPc_ERR_REQ_HDR_INVALID,
        WriteError::ForbiddenHeader => HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED,
    }
}

/// Bytes of `len` at `p` (empty for NULL or 0).
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes that outlive the use.
unsafe fn bytes<'a>(p: *const CPU_CHAR, len: usize) -> &'a [u8] {
    if p.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: per the caller's contract.
        unsafe { core::slice::from_raw_parts(p.cast(), len) }
    }
}

/// Writes one `HTTPc_HDR` through the writer.
///
/// # Safety
/// `h` points to a valid header whose value has `ValLen` bytes.
unsafe fn write_hdr(w: &mut RequestWriter<'_>, h: *const HTTPc_HDR) -> Result<(), HTTPc_ERR> {
    // SAFETY: per the caller's contract.
    let h = unsafe { *h };
    let name = hdr_field_name(h.HdrField).ok_or(HTTPc_ERR_REQ_HDR_INVALID)?;
    // SAFETY: the application's value of `ValLen` bytes.
    let value = unsafe { bytes(h.ValPtr, usize::from(h.ValLen)) };
    w.header(name, value).map_err(write_err)
}

/// Copies `part` just before `buf[*at..]` and moves `at` back to its start:
/// `HTTPc_ERR_REQ_QUERY_STR_CREATE` when it does not fit.
fn prepend(buf: &mut [u8], at: &mut usize, part: &[u8]) -> Result<(), HTTPc_ERR> {
    for &b in part.iter().rev() {
        *at = at.checked_sub(1).ok_or(HTTPc_ERR_REQ_QUERY_STR_CREATE)?;
        if let Some(d) = buf.get_mut(*at) {
            *d = b;
        }
    }
    Ok(())
}

/// Writes the upgrade request into the connection buffer: its length; the subprotocols it
/// offers go to `offered`. Kept out of line so that its writer is off the stack while the
/// handshake state is set up.
///
/// # Safety
/// Lock held; `c` and `r` are the states of `p_conn_obj` and `p_req_obj` (read before the
/// header hook runs, not after: the hook may reach them through the API).
#[inline(never)]
unsafe fn write_request(
    c: *const ConnState,
    r: *const ReqState,
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_req_obj: *mut HTTPc_REQ_OBJ,
    path: &[u8],
    key: &Key,
    offered: &mut OfferedProtocols,
) -> Result<usize, HTTPc_ERR> {
    // SAFETY: per the caller's contract; not used once the hook has been called.
    let (c, r) = unsafe { (&*c, &*r) };
    // SAFETY: the application lent the buffer at `HTTPc_ConnOpen`; it is idle now.
    let buf = unsafe { core::slice::from_raw_parts_mut(c.buf, usize::from(c.buf_len)) };
    // Query string from the table, as given: assembled backwards at the end of the connection
    // buffer (not on the stack), then copied into the request line by the writer.
    let mut split = buf.len();
    let query_nbr = if cfg!(feature = "query-str") {
        usize::from(r.query_nbr)
    } else {
        0
    };
    for i in (0..query_nbr).rev() {
        // SAFETY: the table has `query_nbr` entries whose key and value are the application's
        // (API contract).
        let (k, v) = unsafe {
            let kv = *r.query_tbl.add(i);
            (
                bytes(kv.KeyPtr, usize::from(kv.KeyLen)),
                bytes(kv.ValPtr, usize::from(kv.ValLen)),
            )
        };
        prepend(buf, &mut split, v)?;
        if !v.is_empty() {
            prepend(buf, &mut split, b"=")?;
        }
        prepend(buf, &mut split, k)?;
        if i > 0 {
            prepend(buf, &mut split, b"&")?;
        }
    }
    let (buf, query) = buf
        .split_at_mut_checked(split)
        .ok_or(HTTPc_ERR_REQ_QUERY_STR_CREATE)?;
    // SAFETY: host string of `host_len` bytes (ConnOpen contract).
    let host = unsafe { bytes(c.host, usize::from(c.host_len)) };
    let secure = c.trust.is_some() || !c.secure_cn.is_null();
    let mut w = RequestWriter::new(buf);
    w.start(host, c.port, secure, path, query, key)
        .map_err(write_err)?;
    let hdr_nbr = if cfg!(feature = "hdr-tx") {
        usize::from(r.hdr_nbr)
    } else {
        0
    };
    for i in 0..hdr_nbr {
        // SAFETY: the table has `hdr_nbr` entries (API contract).
        unsafe { write_hdr(&mut w, r.hdr_tbl.add(i))? };
    }
    if let Some(hook) = r.on_hdr_tx.filter(|_| cfg!(feature = "hdr-tx")) {
        // As legacy: called until it says it gave the last header, each call giving one (the
        // last one too); no header is HTTPc_ERR_REQ_HDR_INVALID. A hook that never says
        // "last" fills the buffer: HTTPc_ERR_TRANS_TX_BUF_FULL ends it.
        loop {
            let mut h: *mut HTTPc_HDR = null_mut();
            // SAFETY: application hook with its objects and a live out-pointer.
            let last = unsafe { hook(p_conn_obj, p_req_obj, &mut h) };
            if h.is_null() {
                return Err(HTTPc_ERR_REQ_HDR_INVALID);
            }
            // SAFETY: the hook's header.
            unsafe { write_hdr(&mut w, h)? };
            if last == DEF_YES {
                break;
            }
        }
    }
    *offered = w.offered();
    w.finish().map_err(write_err)
}

/// Writes the upgrade request and arms the connection, request and WebSocket for it. Kept out
/// of line so its locals (key, parser set-up) are off the stack during the blocking wait that
/// follows.
///
/// # Safety
/// Lock held; every pointer is a valid, cleared object; the path holds its length in bytes.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn start_upgrade(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_req_obj: *mut HTTPc_REQ_OBJ,
    p_resp_obj: *mut HTTPc_RESP_OBJ,
    p_ws_obj: *mut HTTPc_WEBSOCK_OBJ,
    p_resource_path: *mut CPU_CHAR,
    resource_path_len: CPU_INT16U,
    no_block: bool,
) -> Result<(), HTTPc_ERR> {
    // SAFETY: the application's path of `resource_path_len` bytes.
    let path = unsafe { bytes(p_resource_path, usize::from(resource_path_len)) };
    // The header hook may run in `write_request` and reach these states through the API: only
    // raw pointers are passed; the states are fetched again at the end.
    // SAFETY: lock held; valid objects.
    let (Some(c), Some(r)) = (unsafe {
        (
            state::get::<_, ConnState>(p_conn_obj),
            state::get::<_, ReqState>(p_req_obj),
        )
    }) else {
        return Err(HTTPc_ERR_PARAM_INVALID);
    };
    let (c, r): (*const ConnState, *const ReqState) = (c, r);
    let port = global::port().ok_or(HTTPc_ERR_INIT_NOT_COMPLETED)?;
    let mut nonce = [0u8; 16];
    if !port.random(&mut nonce) {
        return Err(HTTPc_ERR_WEBSOCK_FAULT);
    }
    let key = Key::from_random(nonce);
    let mut offered = OfferedProtocols::new();
    // SAFETY: lock held; the states of these objects, not used after this call.
    let len = unsafe { write_request(c, r, p_conn_obj, p_req_obj, path, &key, &mut offered)? };
    // SAFETY: fetched again after the hook; valid objects; lock held.
    let (Some(c), Some(r), Some(w)) = (unsafe {
        (
            state::get::<_, ConnState>(p_conn_obj),
            state::get::<_, ReqState>(p_req_obj),
            state::get::<_, WsState>(p_ws_obj),
        )
    }) else {
        return Err(HTTPc_ERR_PARAM_INVALID);
    };
    let cfg = w.cfg;
    w.session.reset(cfg);
    if w.session.begin_handshake(&key, offered).is_err() {
        return Err(HTTPc_ERR_WEBSOCK_FAULT);
    }
    w.used = true;
    w.open_notified = false;
    w.close_notified = false;
    w.err = HTTPc_ERR_NONE;
    w.head = null_mut();
    w.tail = null_mut();
    w.cur = null_mut();
    w.finishing = null_mut();
    w.frame_left = 0;
    r.used = true;
    r.done = false;
    r.ok = false;
    r.no_block = no_block;
    r.err = HTTPc_ERR_NONE;
    // SAFETY: the application's response object.
    unsafe {
        (*p_resp_obj).ProtocolVer = HTTP_PROTOCOL_VER_UNKNOWN;
        (*p_resp_obj).StatusCode = HTTP_STATUS_UNKNOWN;
        (*p_resp_obj).ReasonPhrasePtr = core::ptr::null();
        (*p_resp_obj).ContentType = HTTP_CONTENT_TYPE_UNKNOWN;
        (*p_resp_obj).ContentLen = 0;
    }
    c.req = p_req_obj;
    c.resp = p_resp_obj;
    c.ws = p_ws_obj;
    c.tx_start = 0;
    c.tx_end = len as u16;
    c.rx_start = 0;
    c.rx_end = 0;
    // The transaction's deadline runs from here, blocking or not.
    c.started_ms = port.now_ms();
    c.phase = Phase::UpgradeTx;
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
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR` (any object or the path — the
/// legacy code crashed), `HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID`,
/// `HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET`, `HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED`,
/// `HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID`,
/// `HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID`, `HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID`,
/// `HTTPc_ERR_REQ_IS_USED`, `HTTPc_ERR_WEBSOCK_IS_USED`, `HTTPc_ERR_PARAM_INVALID` (an object
/// never cleared), `HTTPc_ERR_TRANS_TX_BUF_FULL`, `HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED`,
/// `HTTPc_ERR_REQ_HDR_INVALID`, `HTTPc_ERR_REQ_QUERY_STR_CREATE`, `HTTPc_ERR_WEBSOCK_FAULT` (the
/// random source failed), `HTTPc_ERR_FEATURE_DIS`, `HTTPc_ERR_CONN_INVALID_STATE`,
/// `HTTPc_ERR_CONN_SIGNAL_TIMEOUT`, and in blocking mode the `HTTPc_ERR_RESP_*` and
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
    let _lock = Lock::take();
    let no_block = flags & HTTPc_FLAG_WEBSOCK_NO_BLOCK != 0;
    // SAFETY: lock held; pointers as documented.
    let r = unsafe {
        ws_upgrade(
            p_conn_obj,
            p_req_obj,
            p_resp_obj,
            p_ws_obj,
            p_resource_path,
            resource_path_len,
            no_block,
        )
    };
    // Legacy: a non-blocking upgrade returns DEF_FAIL with no error once sent to the engine.
    let ok = r.is_ok() && !no_block;
    set_result(p_err, r);
    CPU_BOOLEAN::from(ok)
}

/// `HTTPc_WebSockUpgrade` under the lock: sent to the engine (non-blocking) or a whole
/// response received (blocking), or the error.
///
/// # Safety
/// Lock held once; as for `HTTPc_WebSockUpgrade`.
unsafe fn ws_upgrade(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_req_obj: *mut HTTPc_REQ_OBJ,
    p_resp_obj: *mut HTTPc_RESP_OBJ,
    p_ws_obj: *mut HTTPc_WEBSOCK_OBJ,
    p_resource_path: *mut CPU_CHAR,
    resource_path_len: CPU_INT16U,
    no_block: bool,
) -> Result<(), HTTPc_ERR> {
    ready(p_conn_obj.cast(), p_req_obj.cast())?;
    ready(p_resp_obj.cast(), p_ws_obj.cast())?;
    ready(p_resource_path.cast(), p_resource_path.cast())?;
    if resource_path_len == 0 {
        return Err(HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID);
    }
    if !no_block {
        // SAFETY: lock held.
        unsafe { can_block()? };
    }
    // Legacy: `MsgQ_Size` handshake blocks, so at most that many upgrades at once. Counted
    // before any state reference is formed (the count walks every connection).
    // SAFETY: lock held; no state reference is alive yet.
    let (busy, limit) = unsafe {
        (
            global::upgrades_in_progress(),
            usize::from(global::globals().cfg.MsgQ_Size),
        )
    };
    if busy >= limit {
        return Err(HTTPc_ERR_WEBSOCK_REQ_MEM_ERR);
    }
    // SAFETY: non-NULL objects; lock held. The three states live in distinct objects.
    let (c, r, w) = unsafe {
        (
            state::get::<_, ConnState>(p_conn_obj),
            state::get::<_, ReqState>(p_req_obj),
            state::get::<_, WsState>(p_ws_obj),
        )
    };
    let (Some(c), Some(r), Some(w)) = (c, r, w) else {
        return Err(HTTPc_ERR_PARAM_INVALID);
    };
    if c.is_websocket {
        return Err(HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET);
    }
    if c.phase != Phase::Connected {
        return Err(HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
    }
    if r.used {
        return Err(HTTPc_ERR_REQ_IS_USED);
    }
    if w.used {
        return Err(HTTPc_ERR_WEBSOCK_IS_USED);
    }
    let trans_timeout_ms = c.trans_timeout_ms;
    if no_block {
        if w.on_open.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID);
        }
        if r.on_complete.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID);
        }
        if r.on_err.is_none() {
            return Err(HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID);
        }
    }
    // SAFETY: lock held; the objects were checked above.
    unsafe {
        start_upgrade(
            p_conn_obj,
            p_req_obj,
            p_resp_obj,
            p_ws_obj,
            p_resource_path,
            resource_path_len,
            no_block,
        )?
    };
    wake_engine();
    if no_block {
        return Ok(());
    }
    // SAFETY: lock held once; not in a hook (checked).
    // The engine ends the transaction at its deadline; this wait only backs it up.
    let done = unsafe {
        block_until(
            trans_timeout_ms.saturating_add(BLOCK_WAIT_SLACK_MS),
            &mut || state::get::<_, ReqState>(p_req_obj).is_none_or(|r| r.done),
        )
    };
    if !done {
        // SAFETY: lock held once; the connection is listed.
        unsafe { engine::give_up(p_conn_obj, null_mut()) };
        return Err(HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    }
    // SAFETY: valid object.
    match unsafe { state::get::<_, ReqState>(p_req_obj) } {
        Some(r) if r.ok => Ok(()),
        Some(r) => Err(r.err),
        None => Err(HTTPc_ERR_PARAM_INVALID),
    }
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
/// fragmented message, one frame per `OnMsgTxData` call. Control messages go out ahead of
/// queued data. Non-blocking (`HTTPc_FLAG_WEBSOCK_NO_BLOCK`, needs `OnMsgTxComplete`): returns
/// DEF_OK once queued. Blocking: returns DEF_OK once the last byte was handed to the socket.
/// `OnMsgTxComplete`, when set, is called exactly once either way.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_WEBSOCK_INVALID_CONN`
/// (not an open WebSocket), `HTTPc_ERR_WEBSOCK_INVALID_TX_STATE` (closing),
/// `HTTPc_ERR_WEBSOCK_MSG_IS_USED`, `HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID`,
/// `HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID`, `HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM`,
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
    let _lock = Lock::take();
    // SAFETY: lock held; pointers as documented.
    let r = unsafe { ws_send(p_conn_obj, p_msg_obj, msg_type, p_data, payload_len, flags) };
    let ok = r.is_ok();
    set_result(p_err, r);
    CPU_BOOLEAN::from(ok)
}

/// `HTTPc_WebSockSend` under the lock: queued (non-blocking) or sent (blocking), or the error.
///
/// # Safety
/// Lock held once; as for `HTTPc_WebSockSend`.
unsafe fn ws_send(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_msg_obj: *mut HTTPc_WEBSOCK_MSG_OBJ,
    msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    p_data: *mut CPU_CHAR,
    payload_len: CPU_INT32U,
    flags: HTTPc_FLAGS,
) -> Result<(), HTTPc_ERR> {
    let no_block = flags & HTTPc_FLAG_WEBSOCK_NO_BLOCK != 0;
    ready(p_conn_obj.cast(), p_msg_obj.cast())?;
    // SAFETY: non-NULL objects; lock held.
    let (c, m) = unsafe {
        (
            state::get::<_, ConnState>(p_conn_obj),
            state::get::<_, MsgState>(p_msg_obj),
        )
    };
    let Some(m) = m else {
        return Err(HTTPc_ERR_PARAM_INVALID);
    };
    let Some(c) = c.filter(|c| c.is_websocket && c.phase == Phase::WebSock && !c.ws.is_null())
    else {
        return Err(HTTPc_ERR_WEBSOCK_INVALID_CONN);
    };
    let ws_obj = c.ws;
    let has_data = !p_data.is_null();
    let defined = payload_len != HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;
    let data: &[u8] = if has_data && defined && payload_len <= 125 {
        // SAFETY: the application's `payload_len` bytes (only read for control messages).
        unsafe { bytes(p_data, payload_len as usize) }
    } else {
        &[]
    };
    if m.used {
        return Err(HTTPc_ERR_WEBSOCK_MSG_IS_USED);
    }
    if no_block && m.on_tx_complete.is_none() {
        return Err(HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID);
    }
    if (!has_data && payload_len > 0 || !defined) && m.on_tx_data.is_none() {
        return Err(HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID);
    }
    check_tx(msg_type, data, payload_len, has_data || payload_len == 0)?;
    if !no_block {
        // SAFETY: lock held.
        unsafe { can_block()? };
    }
    // SAFETY: the connection's WebSocket object is live while it is a WebSocket.
    let Some(w) = (unsafe { state::get::<_, WsState>(ws_obj) }) else {
        return Err(HTTPc_ERR_WEBSOCK_INVALID_CONN);
    };
    if w.session.close_sent()
        || w.session.close_received().is_some()
        || w.session.failure().is_some()
    {
        return Err(HTTPc_ERR_WEBSOCK_INVALID_TX_STATE);
    }
    m.used = true;
    m.no_block = no_block;
    m.done = false;
    m.ok = false;
    m.init_called = false;
    m.started = false;
    m.msg_type = msg_type;
    m.len = payload_len;
    m.sent = 0;
    m.err = HTTPc_ERR_NONE;
    m.data = p_data.cast_const().cast();
    m.conn = p_conn_obj;
    m.next = null_mut();
    // Append to the queue.
    if w.tail.is_null() {
        w.head = p_msg_obj;
    } else if let Some(t) =
        // SAFETY: the tail is a queued, live message.
        unsafe { state::get::<_, MsgState>(w.tail) }
    {
        t.next = p_msg_obj;
    }
    w.tail = p_msg_obj;
    w.tx_stalled = false;
    if msg_type == HTTPc_WEBSOCK_MSG_TYPE_CLOSE {
        // The close is decided now: its timeout runs even if the frame cannot leave yet.
        if let Some(port) = global::port() {
            w.session.begin_close(port.now_ms());
        }
    }
    wake_engine();
    if no_block {
        return Ok(());
    }
    // SAFETY: lock held once; not in a hook (checked).
    let done = unsafe {
        block_until(TRANS_WAIT_MS, &mut || {
            state::get::<_, MsgState>(p_msg_obj).is_none_or(|m| m.done)
        })
    };
    if !done {
        // SAFETY: lock held once; the connection is listed.
        unsafe { engine::give_up(p_conn_obj, null_mut()) };
        return Err(HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    }
    // SAFETY: valid object.
    match unsafe { state::get::<_, MsgState>(p_msg_obj) } {
        Some(m) if m.ok => Ok(()),
        Some(m) if m.err == HTTPc_ERR_NONE => Err(HTTPc_ERR_WEBSOCK_SEND_ERROR),
        Some(m) => Err(m.err),
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
    let _lock = Lock::take();
    // SAFETY: lock held; pointers as documented.
    let r = unsafe { fmt_close_msg(close_code, p_reason, p_buf, buf_len) };
    set_outcome(p_err, r) as CPU_INT16U
}

/// `HTTPc_WebSockFmtCloseMsg` under the lock: the payload length, or the error (and 0).
///
/// # Safety
/// As for `HTTPc_WebSockFmtCloseMsg`.
unsafe fn fmt_close_msg(
    close_code: HTTPc_WEBSOCK_CLOSE_CODE,
    p_reason: *mut CPU_CHAR,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
) -> Result<u32, HTTPc_ERR> {
    ready(p_buf.cast(), p_buf.cast())?;
    // Reason length, bounded: never scan further than one byte past the limit.
    let mut reason_len = 0usize;
    if !p_reason.is_null() {
        // SAFETY: NUL-terminated per contract; we stop at the NUL or at 124 bytes.
        while reason_len <= close::MAX_REASON_LEN && unsafe { *p_reason.add(reason_len) } != 0 {
            reason_len += 1;
        }
    }
    if !close::is_valid_wire_code(close_code) {
        return Err(HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE);
    }
    if reason_len > close::MAX_REASON_LEN || usize::from(buf_len) < 2 + reason_len {
        return Err(HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN);
    }
    // SAFETY: `reason_len` bytes were just read; the buffer holds `buf_len` bytes.
    let (reason, out) = unsafe {
        (
            bytes(p_reason, reason_len),
            core::slice::from_raw_parts_mut(p_buf.cast::<u8>(), usize::from(buf_len)),
        )
    };
    match close::write_payload(close_code, reason, out) {
        Ok(n) => Ok(n as u32),
        Err(close::CloseError::InvalidReason) => Err(HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM),
        Err(_) => Err(HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN),
    }
}
