//! `HTTPc_ReqClr` and `HTTPc_ReqSetParam`: the upgrade request's extra headers and hooks.

use core::ffi::c_void;

use super::conn::ready;
use super::consts::*;
use super::global::Lock;
use super::objects::*;
use super::param::{fn_param, read_param};
use super::state::{self, ReqState};
use super::task::set_result;

/// Resets a request object. Keeps `UserDataPtr`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_REQ_IS_USED`.
///
/// # Safety
/// `p_req_obj` is NULL or a valid request object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ReqClr(p_req_obj: *mut HTTPc_REQ_OBJ, p_err: *mut HTTPc_ERR) {
    let _lock = Lock::take();
    let r = ready(p_req_obj.cast(), p_req_obj.cast()).and_then(|()| {
        // SAFETY: non-NULL object; lock held.
        unsafe { state::reinit(p_req_obj, HTTPc_ERR_REQ_IS_USED, |s| ReqState::clear(s)) }
    });
    set_result(p_err, r);
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
    // SAFETY: lock held; pointers as documented.
    set_result(p_err, unsafe { req_set_param(p_req_obj, type_, p_param) });
}

/// `HTTPc_ReqSetParam` under the lock.
///
/// # Safety
/// Lock held; valid or NULL pointers.
unsafe fn req_set_param(
    p_req_obj: *mut HTTPc_REQ_OBJ,
    type_: HTTPc_PARAM_TYPE,
    p_param: *mut c_void,
) -> Result<(), HTTPc_ERR> {
    ready(p_req_obj.cast(), p_param)?;
    // SAFETY: non-NULL object; lock held.
    let r = unsafe { state::get_idle::<_, ReqState>(p_req_obj, HTTPc_ERR_REQ_IS_USED)? };
    // SAFETY: in every arm `p_param` points to the parameter's type (API contract).
    unsafe {
        match type_ {
            HTTPc_PARAM_TYPE_REQ_HDR_TBL | HTTPc_PARAM_TYPE_REQ_HDR_HOOK
                if !cfg!(feature = "hdr-tx") =>
            {
                return Err(HTTPc_ERR_FEATURE_DIS)
            }
            HTTPc_PARAM_TYPE_RESP_HDR_HOOK if !cfg!(feature = "hdr-rx") => {
                return Err(HTTPc_ERR_FEATURE_DIS)
            }
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL if !cfg!(feature = "query-str") => {
                return Err(HTTPc_ERR_FEATURE_DIS)
            }
            HTTPc_PARAM_TYPE_REQ_HDR_TBL => {
                let tbl: HTTPc_PARAM_TBL = read_param(p_param);
                if tbl.TblPtr.is_null() && tbl.EntryNbr > 0 {
                    return Err(HTTPc_ERR_REQ_PARAM_HDR_INVALID_TBL_PTR);
                }
                r.hdr_tbl = tbl.TblPtr.cast();
                r.hdr_nbr = tbl.EntryNbr;
            }
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL => {
                let tbl: HTTPc_PARAM_TBL = read_param(p_param);
                if tbl.TblPtr.is_null() && tbl.EntryNbr > 0 {
                    return Err(HTTPc_ERR_REQ_PARAM_QUERY_STR_TBL_INVALID);
                }
                r.query_tbl = tbl.TblPtr.cast();
                r.query_nbr = tbl.EntryNbr;
            }
            HTTPc_PARAM_TYPE_REQ_HDR_HOOK => r.on_hdr_tx = fn_param(p_param),
            HTTPc_PARAM_TYPE_RESP_HDR_HOOK => r.on_hdr_rx = fn_param(p_param),
            HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK => r.on_complete = fn_param(p_param),
            HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK => r.on_err = fn_param(p_param),
            HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET => {}
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK
            | HTTPc_PARAM_TYPE_REQ_FORM_TBL
            | HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE
            | HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN
            | HTTPc_PARAM_TYPE_REQ_BODY_CHUNK
            | HTTPc_PARAM_TYPE_REQ_BODY_HOOK
            | HTTPc_PARAM_TYPE_RESP_BODY_HOOK => return Err(HTTPc_ERR_FEATURE_DIS),
            _ => return Err(HTTPc_ERR_PARAM_INVALID),
        }
    }
    Ok(())
}
