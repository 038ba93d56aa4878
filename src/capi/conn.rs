//! `HTTPc_ConnClr`, `HTTPc_ConnSetParam`, `HTTPc_ConnOpen`, `HTTPc_ConnClose`.

use core::ffi::c_void;
use core::ptr::null_mut;

use super::consts::*;
use super::engine;
use super::global::{self, globals, Lock};
use super::objects::*;
use super::param::{fn_param, read_param};
use super::state::{self, ConnState, Phase};
use super::task::{block_until, can_block, set_result, wake_engine};
use super::types::*;

/// Blocking `HTTPc_ConnOpen` wait (legacy value).
const CONNECT_WAIT_MS: u32 = 10_000;

/// Common entry checks, in the legacy order: initialised, then `a` and `b` non-NULL (calls
/// with one pointer to check pass it twice).
#[inline(never)]
pub(crate) fn ready(a: *const c_void, b: *const c_void) -> Result<(), HTTPc_ERR> {
    // SAFETY: read of a `bool`; the lock is held by every caller.
    if !unsafe { globals() }.initialised {
        Err(HTTPc_ERR_INIT_NOT_COMPLETED)
    } else if a.is_null() || b.is_null() {
        Err(HTTPc_ERR_NULL_PTR)
    } else {
        Ok(())
    }
}

/// Resets a connection object to defaults (timeouts and keep-alive from `HTTPc_CFG`, port 80,
/// no callbacks). Keeps `UserDataPtr`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_CONN_IS_USED`.
///
/// # Safety
/// `p_conn_obj` is NULL or a valid connection object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ConnClr(p_conn_obj: *mut HTTPc_CONN_OBJ, p_err: *mut HTTPc_ERR) {
    let _lock = Lock::take();
    let r = ready(p_conn_obj.cast(), p_conn_obj.cast()).and_then(|()| {
        // SAFETY: non-NULL object; lock held.
        unsafe {
            state::reinit(p_conn_obj, HTTPc_ERR_CONN_IS_USED, |s| {
                // SAFETY: `s` is the object's state place; lock held.
                let cfg = globals().cfg;
                ConnState::clear(s);
                (*s).connect_timeout_ms = cfg.ConnConnectTimeout_ms;
                (*s).inactivity_s = cfg.ConnInactivityTimeout_s;
                (*s).keep_alive = cfg.ConnIsKeepAlive == DEF_YES;
            })
        }
    });
    set_result(p_err, r);
}

/// Sets one connection parameter (before `HTTPc_ConnOpen`). Callback parameters take the
/// function pointer itself as `p_param`, as in the legacy API.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_CONN_IS_USED`,
/// `HTTPc_ERR_PARAM_INVALID` (unknown type, a type for another object, or a cleared object
/// expected), `HTTPc_ERR_CONN_PARAM_PORT_INVALID` (port 0).
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
    let _lock = Lock::take();
    // SAFETY: lock held; pointers as documented.
    set_result(p_err, unsafe { conn_set_param(p_conn_obj, type_, p_param) });
}

/// `HTTPc_ConnSetParam` under the lock.
///
/// # Safety
/// Lock held; valid or NULL pointers.
unsafe fn conn_set_param(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
) -> Result<(), HTTPc_ERR> {
    ready(p_conn_obj.cast(), p_param)?;
    // SAFETY: non-NULL object; lock held.
    let s = unsafe { state::get_idle::<_, ConnState>(p_conn_obj, HTTPc_ERR_CONN_IS_USED)? };
    // SAFETY: in every arm `p_param` points to the parameter's type (API contract).
    unsafe {
        match type_ {
            HTTPc_PARAM_TYPE_SERVER_PORT => match read_param::<NET_PORT_NBR>(p_param) {
                0 => return Err(HTTPc_ERR_CONN_PARAM_PORT_INVALID),
                port => {
                    s.port = port;
                    s.port_set = true;
                }
            },
            HTTPc_PARAM_TYPE_PERSISTENT if !cfg!(feature = "persistent") => {
                return Err(HTTPc_ERR_FEATURE_DIS)
            }
            HTTPc_PARAM_TYPE_PERSISTENT => {
                // Legacy: only DEF_YES sets it; nothing clears it.
                if read_param::<CPU_BOOLEAN>(p_param) == DEF_YES {
                    s.persistent = true;
                }
            }
            HTTPc_PARAM_TYPE_CONNECT_TIMEOUT => s.connect_timeout_ms = read_param(p_param),
            HTTPc_PARAM_TYPE_INACTIVITY_TIMEOUT => s.inactivity_s = read_param(p_param),
            HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS => match read_param::<CPU_INT32U>(p_param) {
                0 => return Err(HTTPc_ERR_PARAM_INVALID),
                ms => s.trans_timeout_ms = ms,
            },
            HTTPc_PARAM_TYPE_SECURE_COMMON_NAME => s.secure_cn = p_param.cast(),
            HTTPc_PARAM_TYPE_SECURE_TRUST_CALLBACK => s.trust = fn_param(p_param),
            HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK => s.on_connect = fn_param(p_param),
            HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK => s.on_close = fn_param(p_param),
            _ => return Err(HTTPc_ERR_PARAM_INVALID),
        }
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
    let _lock = Lock::take();
    let no_block = flags & HTTPc_FLAG_CONN_NO_BLOCK != 0;
    // SAFETY: lock held; pointers as documented.
    let r = unsafe {
        conn_open(
            p_conn_obj,
            p_buf,
            buf_len,
            p_hostname_str,
            hostname_str_len,
            no_block,
        )
    };
    // Legacy: a non-blocking open returns DEF_FAIL with no error once queued.
    let ok = r.is_ok() && !no_block;
    set_result(p_err, r);
    CPU_BOOLEAN::from(ok)
}

/// `HTTPc_ConnOpen` under the lock: queued (non-blocking) or connected (blocking), or the
/// error.
///
/// # Safety
/// Lock held once; as for `HTTPc_ConnOpen`.
unsafe fn conn_open(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_hostname_str: *mut CPU_CHAR,
    hostname_str_len: CPU_INT16U,
    no_block: bool,
) -> Result<(), HTTPc_ERR> {
    ready(p_conn_obj.cast(), p_buf.cast())?;
    if buf_len < HTTPc_BUF_LEN_MIN {
        return Err(HTTPc_ERR_CFG_INVALID_BUF_LEN);
    }
    if p_hostname_str.is_null() || hostname_str_len == 0 {
        return Err(HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID);
    }
    if !no_block {
        // SAFETY: lock held.
        unsafe { can_block()? };
    }
    // SAFETY: non-NULL object; lock held.
    let Some(s) = (unsafe { state::get::<_, ConnState>(p_conn_obj) }) else {
        return Err(HTTPc_ERR_CONN_INVALID_STATE);
    };
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
    if !s.port_set {
        // Legacy: the default port follows the TLS settings.
        let secure = s.trust.is_some() || !s.secure_cn.is_null();
        s.port = if secure {
            HTTP_DFLT_PORT_NBR_SECURE
        } else {
            HTTP_DFLT_PORT_NBR
        };
    }
    s.buf = p_buf.cast();
    s.buf_len = buf_len;
    s.host = p_hostname_str;
    s.host_len = hostname_str_len;
    s.no_block = no_block;
    s.is_websocket = false;
    s.open_done = false;
    s.err = HTTPc_ERR_NONE;
    s.close_status = HTTPc_CONN_CLOSE_STATUS_NONE;
    s.phase = Phase::OpenQueued;
    // SAFETY: lock held; cleared object.
    unsafe { global::list_add(p_conn_obj) };
    wake_engine();
    if no_block {
        return Ok(());
    }
    // SAFETY: lock held once, not in a hook (checked).
    let done = unsafe {
        block_until(CONNECT_WAIT_MS, &mut || {
            state::get::<_, ConnState>(p_conn_obj).is_none_or(|s| s.open_done)
        })
    };
    // SAFETY: valid object.
    let Some(s) = (unsafe { state::get::<_, ConnState>(p_conn_obj) }) else {
        return Err(HTTPc_ERR_CONN_INVALID_STATE);
    };
    if !done {
        // SAFETY: lock held once; the connection is listed.
        unsafe { engine::give_up(p_conn_obj, null_mut()) };
        return Err(HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    }
    if s.phase == Phase::Connected {
        Ok(())
    } else if s.err == HTTPc_ERR_NONE {
        Err(HTTPc_ERR_CONN_SOCK_CONNECT)
    } else {
        Err(s.err)
    }
}

/// Closes the connection now: the socket is closed without a WebSocket Close frame (use
/// `HTTPc_WebSockSend` with a CLOSE message for a clean close). Unlike the legacy code, queued
/// messages complete with DEF_FAIL and an open WebSocket gets `OnClose` (1006) before the
/// connection's `OnClose` (status APP). From inside a hook the close happens when the hook
/// returns.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_CONN_IS_RELEASED`.
///
/// # Safety
/// Valid or NULL pointers.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ConnClose(
    p_conn_obj: *mut HTTPc_CONN_OBJ,
    flags: HTTPc_FLAGS,
    p_err: *mut HTTPc_ERR,
) {
    let _lock = Lock::take();
    let r = ready(p_conn_obj.cast(), p_conn_obj.cast()).and_then(|()| {
        // Legacy: no HTTPc_ConnClose without HTTPc_CFG_PERSISTENT_EN, and none but the
        // non-blocking one without HTTPc_CFG_MODE_BLOCK_EN.
        if !cfg!(feature = "persistent")
            || (!cfg!(feature = "blocking") && flags & HTTPc_FLAG_CONN_NO_BLOCK == 0)
        {
            return Err(HTTPc_ERR_FEATURE_DIS);
        }
        // SAFETY: non-NULL object; lock held.
        if !unsafe { state::get::<_, ConnState>(p_conn_obj) }.is_some_and(|s| s.is_open()) {
            return Err(HTTPc_ERR_CONN_IS_RELEASED);
        }
        // SAFETY: lock held once; listed connection.
        unsafe { engine::close_from_api(p_conn_obj, HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE) };
        Ok(())
    });
    set_result(p_err, r);
}
