//! `HTTPc_ConnClr`, `HTTPc_ConnSetParam`, `HTTPc_ConnOpen`, `HTTPc_ConnClose`.

use core::ffi::c_void;

use super::app::AppBytes;
use super::connbuf::ConnBuf;
use super::consts::*;
use super::engine::wake_engine;
use super::ffi::{may_block, need, span_ms, Call, Param};
use super::global::Held;
use super::handle::{meets, Conn, Obj};
use super::objects::*;
use super::state::{ConnState, Phase, CONN_KEEP_ALIVE, CONN_PERSISTENT};
use super::types::*;
use super::wait::{self, block_until, Until};

/// Blocking `HTTPc_ConnOpen` wait (legacy value).
const CONNECT_WAIT_MS: u32 = 10_000;

/// Resets a connection object to defaults (timeouts and keep-alive from `HTTPc_CFG`, port 80,
/// no callbacks). Keeps `UserDataPtr`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_CONN_IS_USED`.
///
/// # Safety
/// `p_conn_obj` is NULL or a valid connection object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ConnClr(p_conn_obj: *mut HTTPc_CONN_OBJ, p_err: *mut HTTPc_ERR) {
    // SAFETY: this function's contract: `p_err` is NULL or writable (what `Call::enter`
    // needs), `p_conn_obj` NULL or a connection object that stays valid while the library uses
    // it (what `Obj::from_api` needs).
    let (call, conn) = unsafe { (Call::enter(p_err), Obj::from_api(p_conn_obj)) };
    call.run(|h| {
        let cfg = h.g().cfg;
        let c = need(conn)?;
        // An object that says it is open but is not in the engine's list (a copy of an open
        // connection, or one that went out of scope open) is not: cleared like an idle one.
        // (One closing is in use while the engine runs its close hooks, only then: outside the
        // engine, a closing object is a copy taken during them.)
        if !h.listed(c) {
            let in_engine = h.g().in_engine;
            if let Some(s) = h
                .conn(c)
                .filter(|s| s.phase != Phase::Closing || !in_engine)
            {
                s.phase = Phase::Idle;
            }
        }
        let s = h.reinit::<_, ConnState>(c, HTTPc_ERR_CONN_IS_USED)?;
        s.connect_timeout_ms = cfg.ConnConnectTimeout_ms;
        s.inactivity_s = cfg.ConnInactivityTimeout_s;
        s.flags.set(CONN_KEEP_ALIVE, cfg.ConnIsKeepAlive == DEF_YES);
        Ok(())
    });
}

/// Sets one connection parameter (before `HTTPc_ConnOpen`). Callback parameters take the
/// function pointer itself as `p_param`, as in the legacy API.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_CONN_IS_USED`,
/// `HTTPc_ERR_PARAM_INVALID` (unknown type, a type for another object, or a cleared object
/// expected), `HTTPc_ERR_CONN_PARAM_PORT_INVALID` (port 0), `HTTPc_ERR_FEATURE_DIS`
/// (`HTTPc_PARAM_TYPE_PERSISTENT` without `HTTPc_CFG_PERSISTENT_EN`).
///
/// # Safety
/// Valid or NULL pointers; `p_param` points to a value of the type the parameter takes.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ConnSetParam(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_err` NULL or writable, `p_conn_obj` NULL or a
    // connection object that stays valid while the library uses it, `p_param` NULL or what the
    // parameter type says (a value of its type, or the callback itself): what `Call::enter`,
    // `Obj::from_api` and `Param::new` need.
    let (call, conn, param) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_conn_obj),
            Param::new(p_param),
        )
    };
    call.run(|h| set_param(h, need(conn)?, type_, need(param)?));
}

/// `HTTPc_ConnSetParam` under the lock.
fn set_param(h: &mut Held, c: Conn, type_: HTTPc_PARAM_TYPE, p: Param) -> Result<(), HTTPc_ERR> {
    let s = h.idle::<_, ConnState>(c, HTTPc_ERR_CONN_IS_USED)?;
    match type_ {
        HTTPc_PARAM_TYPE_SERVER_PORT => match p.get::<NET_PORT_NBR>() {
            0 => return Err(HTTPc_ERR_CONN_PARAM_PORT_INVALID),
            port => s.port = port,
        },
        HTTPc_PARAM_TYPE_PERSISTENT if !cfg!(feature = "persistent") => {
            return Err(HTTPc_ERR_FEATURE_DIS)
        }
        HTTPc_PARAM_TYPE_PERSISTENT => {
            // Legacy: only DEF_YES sets it; nothing clears it.
            if p.get::<CPU_BOOLEAN>() == DEF_YES {
                s.flags.set(CONN_PERSISTENT, true);
            }
        }
        HTTPc_PARAM_TYPE_CONNECT_TIMEOUT => s.connect_timeout_ms = p.get(),
        HTTPc_PARAM_TYPE_INACTIVITY_TIMEOUT => s.inactivity_s = p.get(),
        HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS => match span_ms(p) {
            0 => return Err(HTTPc_ERR_PARAM_INVALID),
            ms => s.trans_timeout_ms = ms,
        },
        HTTPc_PARAM_TYPE_SECURE_COMMON_NAME => s.secure_cn = p.ptr().cast(),
        HTTPc_PARAM_TYPE_SECURE_TRUST_CALLBACK => s.trust = p.callback(),
        HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK => s.on_connect = p.callback(),
        HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK => s.on_close = p.callback(),
        _ => return Err(HTTPc_ERR_PARAM_INVALID),
    }
    Ok(())
}

/// Opens the connection to `p_hostname_str` (NUL-terminated; `hostname_str_len` is its length
/// for the `Host` header). `p_buf`/`buf_len` (≥ 256 bytes) is the connection's working buffer
/// for its whole life: a quarter (at least 131 bytes) sends, the rest receives. The connection `OnClose` callback
/// is mandatory; with `HTTPc_FLAG_CONN_NO_BLOCK` so is `OnConnect`, and the call returns
/// DEF_FAIL with `HTTPc_ERR_NONE` once queued (legacy convention). Blocking: DEF_OK when
/// connected (waits up to 10 s).
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_CFG_INVALID_BUF_LEN`,
/// `HTTPc_ERR_PARAM_INVALID` (the buffer over the connection object),
/// `HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID`, `HTTPc_ERR_CONN_IS_USED`,
/// `HTTPc_ERR_CONN_PARAM_CLOSE_CALLBACK_INVALID`, `HTTPc_ERR_CONN_PARAM_CONNECT_CALLBACK_INVALID`,
/// `HTTPc_ERR_CONN_PARAM_CONNECT_TIMEOUT_INVALID`, `HTTPc_ERR_CONN_PARAM_INACTIVITY_TIMEOUT_INVALID`,
/// `HTTPc_ERR_FEATURE_DIS` (blocking with a task but no OsWait hook), `HTTPc_ERR_CONN_INVALID_STATE`
/// (blocking call from inside a hook, or an object never cleared), `HTTPc_ERR_CONN_SOCK_CONNECT`,
/// `HTTPc_ERR_CONN_SIGNAL_TIMEOUT`.
///
/// # Safety
/// Valid or NULL pointers; the buffer, host string and object stay valid until the connection
/// closes.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ConnOpen(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_hostname_str: *mut CPU_CHAR,
    hostname_str_len: CPU_INT16U,
    flags: HTTPc_FLAGS,
    p_err: *mut HTTPc_ERR,
) -> CPU_BOOLEAN {
    let no_block = flags & HTTPc_FLAG_CONN_NO_BLOCK != 0;
    // SAFETY: this function's contract: the object, buffer and host string stay valid until
    // the connection closes.
    let (call, conn, mut buf, host) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_conn_obj),
            Some(ConnBuf::lend(p_buf.cast(), buf_len)),
            AppBytes::new(p_hostname_str, u32::from(hostname_str_len)),
        )
    };
    let ok = call.run(|h| {
        let c = need(conn)?;
        if p_buf.is_null() {
            return Err(HTTPc_ERR_NULL_PTR);
        }
        let buf = buf.take().unwrap_or(ConnBuf::NONE);
        open(h, c, buf, host, no_block)
    });
    // Legacy: a non-blocking open returns DEF_FAIL with no error once queued.
    CPU_BOOLEAN::from(ok && !no_block)
}

/// `HTTPc_ConnOpen` under the lock: queued (non-blocking) or connected (blocking), or the
/// error.
fn open(
    h: &mut Held,
    c: Conn,
    buf: ConnBuf,
    host: AppBytes,
    no_block: bool,
) -> Result<(), HTTPc_ERR> {
    if buf.len() < usize::from(HTTPc_BUF_LEN_MIN) {
        return Err(HTTPc_ERR_CFG_INVALID_BUF_LEN);
    }
    // The buffer is written over: it may not hold the connection's own state.
    if meets(c.span(), buf.span()) {
        return Err(HTTPc_ERR_PARAM_INVALID);
    }
    // `Host` takes the name up to a NUL within its length (a length counted with the NUL
    // works); the port's connect reads it up to its NUL, so the string must have one, as in
    // legacy (a name that cannot go in `Host` fails each request with
    // HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID; legacy, too, left it to the name resolution).
    // (A name inside the buffer, its NUL included, would be overwritten by the first request.)
    let read = host.read_span();
    let host = host.until_nul();
    if host.is_empty() || meets(buf.span(), read) {
        return Err(HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID);
    }
    may_block(h, no_block)?;
    let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    if s.is_open() {
        return Err(HTTPc_ERR_CONN_IS_USED);
    }
    if s.on_close.is_none() {
        return Err(HTTPc_ERR_CONN_PARAM_CLOSE_CALLBACK_INVALID);
    }
    if no_block && s.on_connect.is_none() {
        return Err(HTTPc_ERR_CONN_PARAM_CONNECT_CALLBACK_INVALID);
    }
    if s.connect_timeout_ms == 0 {
        return Err(HTTPc_ERR_CONN_PARAM_CONNECT_TIMEOUT_INVALID);
    }
    if s.inactivity_s == 0 {
        return Err(HTTPc_ERR_CONN_PARAM_INACTIVITY_TIMEOUT_INVALID);
    }
    s.queue_open(buf, host, no_block);
    h.list_add(c);
    wake_engine(h);
    if no_block {
        return Ok(());
    }
    let done = block_until(h, CONNECT_WAIT_MS, Until::Opened(c));
    if !done {
        return Err(wait::give_up(h, c));
    }
    // The connect's outcome, whatever the engine did with the connection since it ended (a
    // request a hook started on it in the same pass, the server's close): still open, or
    // closed cleanly (its OnClose came), it opened; else the error of the connect (see
    // `teardown`) or of the close.
    let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    match s.err.get() {
        _ if s.is_open() => Ok(()),
        HTTPc_ERR_NONE => Ok(()),
        err => Err(err),
    }
}

/// Closes the connection now: the socket is closed without a WebSocket Close frame (use
/// `HTTPc_WebSockSend` with a CLOSE message for a clean close). Unlike the legacy code, queued
/// messages complete with DEF_FAIL and an open WebSocket gets `OnClose` (1006) before the
/// connection's `OnClose` (status APP). From inside a hook the close happens when the hook
/// returns.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_CONN_IS_RELEASED`,
/// `HTTPc_ERR_FEATURE_DIS` (without `HTTPc_CFG_PERSISTENT_EN`), `HTTPc_ERR_CONN_SIGNAL_TIMEOUT`
/// (blocking, with an engine task held up over 1 s: the close still comes, `OnClose` with it;
/// keep the objects until then).
///
/// # Safety
/// Valid or NULL pointers.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ConnClose(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    flags: HTTPc_FLAGS,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_err` NULL or writable, `p_conn_obj` NULL or a
    // connection object that stays valid while the library uses it.
    let (call, conn) = unsafe { (Call::enter(p_err), Obj::from_api(p_conn_obj)) };
    call.run(|h| {
        let c = need(conn)?;
        // Legacy: no HTTPc_ConnClose without HTTPc_CFG_PERSISTENT_EN, and none but the
        // non-blocking one without HTTPc_CFG_MODE_BLOCK_EN.
        if !cfg!(feature = "persistent")
            || (!cfg!(feature = "blocking") && flags & HTTPc_FLAG_CONN_NO_BLOCK == 0)
        {
            return Err(HTTPc_ERR_FEATURE_DIS);
        }
        if !h.conn(c).is_some_and(|s| s.is_open()) || !h.listed(c) {
            return Err(HTTPc_ERR_CONN_IS_RELEASED);
        }
        let closed = wait::close(h, c, HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE);
        // Asked not to block, the call has handed the close over, whatever the wait saw.
        if flags & HTTPc_FLAG_CONN_NO_BLOCK == 0 {
            closed?;
        }
        Ok(())
    });
}
