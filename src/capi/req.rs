//! `HTTPc_ReqClr` and `HTTPc_ReqSetParam`: the upgrade request's extra headers and hooks.

use core::ffi::c_void;

use super::conn::ready;
use super::consts::*;
use super::global::Lock;
use super::objects::*;
use super::param::{fn_param, read_param};
use super::state::{self, ReqState};
use super::task::set_err;

/// Resets a request object. Keeps `UserDataPtr`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_REQ_IS_USED`.
///
/// # Safety
/// `p_req_obj` is NULL or a valid request object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ReqClr(p_req_obj: *mut HTTPc_REQ_OBJ, p_err: *mut HTTPc_ERR) {
    let _lock = Lock::take();
    if let Err(e) = ready(p_req_obj.cast()) {
        return set_err(p_err, e);
    }
    // SAFETY: non-NULL object; lock held.
    if unsafe { state::get::<_, ReqState>(p_req_obj) }.is_some_and(|r| r.used) {
        return set_err(p_err, HTTPc_ERR_REQ_IS_USED);
    }
    // SAFETY: valid object, not in use.
    unsafe { state::init(p_req_obj, ReqState::cleared()) };
    set_err(p_err, HTTPc_ERR_NONE);
}

/// Sets one request parameter. For a WebSocket upgrade: `HTTPc_PARAM_TYPE_REQ_HDR_TBL`
/// (`HTTPc_PARAM_TBL *` of `HTTPc_HDR`, e.g. Sec-WebSocket-Protocol or Origin),
/// `HTTPc_PARAM_TYPE_REQ_HDR_HOOK`, `HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL` (`HTTPc_PARAM_TBL *` of
/// `HTTPc_KEY_VAL`, written as given, without percent-encoding), `HTTPc_PARAM_TYPE_RESP_HDR_HOOK`,
/// `HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK`, `HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK`,
/// `HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET` (accepted, no effect). Body, form and query-hook
/// parameters belong to plain HTTP requests, which this library does not make.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_REQ_IS_USED`,
/// `HTTPc_ERR_FEATURE_DIS` (plain-HTTP parameters), `HTTPc_ERR_PARAM_INVALID`.
///
/// # Safety
/// Valid or NULL pointers; tables stay valid until the upgrade has been sent.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ReqSetParam(
    p_req_obj: *mut HTTPc_REQ_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
    p_err: *mut HTTPc_ERR,
) {
    let _lock = Lock::take();
    if let Err(e) = ready(p_req_obj.cast()).and_then(|()| ready(p_param)) {
        return set_err(p_err, e);
    }
    // SAFETY: non-NULL object; lock held.
    let Some(r) = (unsafe { state::get::<_, ReqState>(p_req_obj) }) else {
        return set_err(p_err, HTTPc_ERR_PARAM_INVALID);
    };
    if r.used {
        return set_err(p_err, HTTPc_ERR_REQ_IS_USED);
    }
    // SAFETY: in every arm `p_param` points to the parameter's type (API contract).
    let result = unsafe {
        match type_ {
            HTTPc_PARAM_TYPE_REQ_HDR_TBL => {
                let tbl: HTTPc_PARAM_TBL = read_param(p_param);
                if tbl.TblPtr.is_null() && tbl.EntryNbr > 0 {
                    Err(HTTPc_ERR_REQ_PARAM_HDR_INVALID_TBL_PTR)
                } else {
                    r.hdr_tbl = tbl.TblPtr.cast();
                    r.hdr_nbr = tbl.EntryNbr;
                    Ok(())
                }
            }
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL => {
                let tbl: HTTPc_PARAM_TBL = read_param(p_param);
                if tbl.TblPtr.is_null() && tbl.EntryNbr > 0 {
                    Err(HTTPc_ERR_REQ_PARAM_QUERY_STR_TBL_INVALID)
                } else {
                    r.query_tbl = tbl.TblPtr.cast();
                    r.query_nbr = tbl.EntryNbr;
                    Ok(())
                }
            }
            HTTPc_PARAM_TYPE_REQ_HDR_HOOK => {
                r.on_hdr_tx = fn_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_RESP_HDR_HOOK => {
                r.on_hdr_rx = fn_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK => {
                r.on_complete = fn_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK => {
                r.on_err = fn_param(p_param);
                Ok(())
            }
            HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET => Ok(()),
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK
            | HTTPc_PARAM_TYPE_REQ_FORM_TBL
            | HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE
            | HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN
            | HTTPc_PARAM_TYPE_REQ_BODY_CHUNK
            | HTTPc_PARAM_TYPE_REQ_BODY_HOOK
            | HTTPc_PARAM_TYPE_RESP_BODY_HOOK => Err(HTTPc_ERR_FEATURE_DIS),
            _ => Err(HTTPc_ERR_PARAM_INVALID),
        }
    };
    set_err(p_err, result.err().unwrap_or(HTTPc_ERR_NONE));
}
