//! `HTTPc_ConnClr`, `HTTPc_ConnSetParam`, `HTTPc_ConnOpen`, `HTTPc_ConnClose`.

use core::ffi::c_void;

use super::consts::*;
use super::engine;
use super::global::{self, globals, Lock};
use super::objects::*;
use super::param::{fn_param, read_param};
use super::state::{self, ConnState, Phase};
use super::task::{block_until, can_block, set_err, wake_engine};
use super::types::*;

/// Blocking `HTTPc_ConnOpen` wait (legacy value).
const CONNECT_WAIT_MS: u32 = 10_000;

/// Common entry checks: initialised and a non-NULL object.
pub(crate) fn ready(p: *const c_void) -> Result<(), HTTPc_ERR> {
    // SAFETY: read of a `bool`; the lock is held by every caller.
    if !unsafe { globals() }.initialised {
        return Err(HTTPc_ERR_INIT_NOT_COMPLETED);
    }
    if p.is_null() {
        return Err(HTTPc_ERR_NULL_PTR);
    }
    Ok(())
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
    if let Err(e) = ready(p_conn_obj.cast()) {
        return set_err(p_err, e);
    }
    // SAFETY: non-NULL object (checked); lock held.
    if let Some(s) = unsafe { state::get::<_, ConnState>(p_conn_obj) } {
        if s.is_open() {
            return set_err(p_err, HTTPc_ERR_CONN_IS_USED);
        }
    }
    // SAFETY: lock held.
    let cfg = unsafe { globals() }.cfg;
    let mut s = ConnState::cleared();
    s.connect_timeout_ms = cfg.ConnConnectTimeout_ms;
    s.inactivity_s = cfg.ConnInactivityTimeout_s;
    s.keep_alive = cfg.ConnIsKeepAlive == DEF_YES;
    // SAFETY: valid object, not in use.
    unsafe { state::init(p_conn_obj, s) };
    set_err(p_err, HTTPc_ERR_NONE);
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
    if let Err(e) = ready(p_conn_obj.cast()).and_then(|()| ready(p_param)) {
        return set_err(p_err, e);
    }
    // SAFETY: non-NULL object; lock held.
    let Some(s) = (unsafe { state::get::<_, ConnState>(p_conn_obj) }) else {
        return set_err(p_err, HTTPc_ERR_PARAM_INVALID);
    };
    if s.is_open() {
        return set_err(p_err, HTTPc_ERR_CONN_IS_USED);
    }
    // SAFETY: in every arm `p_param` points to the parameter's type (API contract).
    let result = unsafe {
        match type_ {
            HTTPc_PARAM_TYPE_SERVER_PORT => match read_param::<NET_PORT_NBR>(p_param) {
                0 => Err(HTTPc_ERR_CONN_PARAM_PORT_INVALID),
                port => {
                    s.port = port;
                    s.port_set = true;
                    Ok(())
                }
            },
            HTTPc_PARAM_TYPE_PERSISTENT => {
                // Legacy: only DEF_YES sets it; nothing clears it.
                if read_param::<CPU_BOOLEAN>(p_param) == DEF_YES {
                    s.persistent = true;
                }
                Ok(())
            }
            HTTPc_PARAM_TYPE_CONNECT_TIMEOUT => {
                s.connect_timeout_ms = read_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_INACTIVITY_TIMEOUT => {
                s.inactivity_s = read_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_SECURE_COMMON_NAME => {
                s.secure_cn = p_param.cast();
                Ok(())
            }
            HTTPc_PARAM_TYPE_SECURE_TRUST_CALLBACK => {
                s.trust = fn_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK => {
                s.on_connect = fn_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK => {
                s.on_close = fn_param(p_param);
                Ok(())
            }
            _ => Err(HTTPc_ERR_PARAM_INVALID),
        }
    };
    set_err(p_err, result.err().unwrap_or(HTTPc_ERR_NONE));
}

/// Opens the connection to `p_hostname_str` (NUL-terminated; `hostname_str_len` is its length
/// for the `Host` header). `p_buf`/`buf_len` (≥ 256 bytes) is the connection's working buffer
/// for its whole life: a quarter sends, the rest receives. The connection `OnClose` callback
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
    let checked = ready(p_conn_obj.cast())
        .and_then(|()| ready(p_buf as *const c_void))
        .and_then(|()| {
            if buf_len < HTTPc_BUF_LEN_MIN {
                Err(HTTPc_ERR_CFG_INVALID_BUF_LEN)
            } else if p_hostname_str.is_null() || hostname_str_len == 0 {
                Err(HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID)
            } else if no_block {
                Ok(())
            } else {
                // SAFETY: lock held.
                unsafe { can_block() }
            }
        });
    if let Err(e) = checked {
        set_err(p_err, e);
        return DEF_FAIL;
    }
    // SAFETY: non-NULL object; lock held.
    let Some(s) = (unsafe { state::get::<_, ConnState>(p_conn_obj) }) else {
        set_err(p_err, HTTPc_ERR_CONN_INVALID_STATE);
        return DEF_FAIL;
    };
    let invalid = if s.is_open() {
        Some(HTTPc_ERR_CONN_IS_USED)
    } else if s.on_close.is_none() {
        Some(HTTPc_ERR_CONN_PARAM_CLOSE_CALLBACK_INVALID)
    } else if no_block && s.on_connect.is_none() {
        Some(HTTPc_ERR_CONN_PARAM_CONNECT_CALLBACK_INVALID)
    } else if s.connect_timeout_ms == 0 {
        Some(HTTPc_ERR_CONN_PARAM_CONNECT_TIMEOUT_INVALID)
    } else if s.inactivity_s == 0 {
        Some(HTTPc_ERR_CONN_PARAM_INACTIVITY_TIMEOUT_INVALID)
    } else {
        None
    };
    if let Some(e) = invalid {
        set_err(p_err, e);
        return DEF_FAIL;
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
        set_err(p_err, HTTPc_ERR_NONE);
        return DEF_FAIL;
    }
    // SAFETY: lock held once, not in a hook (checked).
    let done = unsafe {
        block_until(CONNECT_WAIT_MS, &mut || {
            state::get::<_, ConnState>(p_conn_obj).is_none_or(|s| s.open_done)
        })
    };
    // SAFETY: valid object.
    let Some(s) = (unsafe { state::get::<_, ConnState>(p_conn_obj) }) else {
        set_err(p_err, HTTPc_ERR_CONN_INVALID_STATE);
        return DEF_FAIL;
    };
    if !done {
        // SAFETY: lock held once; the connection is listed.
        return unsafe { engine::give_up(p_conn_obj, p_err) };
    }
    if s.phase == Phase::Connected {
        set_err(p_err, HTTPc_ERR_NONE);
        DEF_OK
    } else {
        set_err(
            p_err,
            if s.err == HTTPc_ERR_NONE {
                HTTPc_ERR_CONN_SOCK_CONNECT
            } else {
                s.err
            },
        );
        DEF_FAIL
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
    let _ = flags;
    let _lock = Lock::take();
    if let Err(e) = ready(p_conn_obj.cast()) {
        return set_err(p_err, e);
    }
    // SAFETY: non-NULL object; lock held.
    let Some(s) = (unsafe { state::get::<_, ConnState>(p_conn_obj) }) else {
        return set_err(p_err, HTTPc_ERR_CONN_IS_RELEASED);
    };
    if !s.is_open() {
        return set_err(p_err, HTTPc_ERR_CONN_IS_RELEASED);
    }
    let _ = s;
    // SAFETY: lock held once; listed connection.
    unsafe { engine::close_from_api(p_conn_obj, HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE) };
    set_err(p_err, HTTPc_ERR_NONE);
}
