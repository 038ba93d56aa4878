//! `HTTPc_ReqClr` and `HTTPc_ReqSetParam`: the upgrade request's extra headers and hooks.

use core::ffi::c_void;

use super::app::AppTable;
use super::consts::*;
use super::ffi::{need, Call, Param};
use super::global::Held;
use super::handle::{Obj, Req};
use super::objects::*;
use super::state::{ReqState, REQ_BODY_PRESENT, REQ_CHUNKED};
use super::types::{CPU_BOOLEAN, DEF_YES};

/// Resets a request object (`Method_reserved`: `HTTP_METHOD_UNKNOWN`). Keeps `UserDataPtr`.
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_REQ_IS_USED`.
///
/// # Safety
/// `p_req_obj` is NULL or a valid request object; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_ReqClr(p_req_obj: *mut HTTPc_REQ_OBJ, p_err: *mut HTTPc_ERR) {
    // SAFETY: this function's contract: `p_err` is NULL or writable (what `Call::enter`
    // needs), `p_req_obj` NULL or a request object that stays valid while the library uses it
    // (what `Obj::from_api` needs).
    let (call, req) = unsafe { (Call::enter(p_err), Obj::from_api(p_req_obj)) };
    call.run(|h| {
        let req = need(req)?;
        h.reinit::<_, ReqState>(req, HTTPc_ERR_REQ_IS_USED)?;
        req.set_method(h, HTTP_METHOD_UNKNOWN);
        Ok(())
    });
}

/// Sets one request parameter. For a WebSocket upgrade: `HTTPc_PARAM_TYPE_REQ_HDR_TBL`
/// (`HTTPc_PARAM_TBL *` of `HTTPc_HDR`, e.g. Sec-WebSocket-Protocol or Origin),
/// `HTTPc_PARAM_TYPE_REQ_HDR_HOOK`, `HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL` (`HTTPc_PARAM_TBL *` of
/// `HTTPc_KEY_VAL`, percent-encoded as legacy), `HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK`,
/// `HTTPc_PARAM_TYPE_RESP_HDR_HOOK`,
/// `HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK`, `HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK`,
/// `HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET` (accepted, no effect). For a plain request
/// (`HTTPc_ReqSend`, feature `http`) also the body parameters, `HTTPc_PARAM_TYPE_RESP_BODY_HOOK`
/// and (feature `form`) `HTTPc_PARAM_TYPE_REQ_FORM_TBL` (`HTTPc_PARAM_TBL *` of
/// `HTTPc_FORM_TBL_FIELD`).
///
/// Errors: `HTTPc_ERR_INIT_NOT_COMPLETED`, `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_REQ_IS_USED`,
/// `HTTPc_ERR_FEATURE_DIS` (a parameter of a feature not built in), `HTTPc_ERR_PARAM_INVALID`,
/// `HTTPc_ERR_REQ_PARAM_HDR_INVALID_TBL_PTR`, `HTTPc_ERR_REQ_PARAM_QUERY_STR_TBL_INVALID` (a
/// NULL or misaligned table with entries).
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
    // SAFETY: this function's contract; a table stays valid, with every entry's strings,
    // until the upgrade has been sent.
    let (call, req, param) = unsafe {
        (
            Call::enter(p_err),
            Obj::from_api(p_req_obj),
            Param::new(p_param),
        )
    };
    call.run(|h| set_param(h, need(req)?, type_, need(param)?));
}

/// `HTTPc_ReqSetParam` under the lock.
fn set_param(h: &mut Held, req: Req, type_: HTTPc_PARAM_TYPE, p: Param) -> Result<(), HTTPc_ERR> {
    let r = h.idle::<_, ReqState>(req, HTTPc_ERR_REQ_IS_USED)?;
    match type_ {
        HTTPc_PARAM_TYPE_REQ_HDR_TBL | HTTPc_PARAM_TYPE_REQ_HDR_HOOK
            if !cfg!(feature = "hdr-tx") =>
        {
            return Err(HTTPc_ERR_FEATURE_DIS)
        }
        HTTPc_PARAM_TYPE_RESP_HDR_HOOK if !cfg!(feature = "hdr-rx") => {
            return Err(HTTPc_ERR_FEATURE_DIS)
        }
        HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL | HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK
            if !cfg!(feature = "query-str") =>
        {
            return Err(HTTPc_ERR_FEATURE_DIS)
        }
        // As legacy, a table replaces the hook and the hook the table.
        HTTPc_PARAM_TYPE_REQ_HDR_TBL => {
            r.hdr_tbl = p.table().ok_or(HTTPc_ERR_REQ_PARAM_HDR_INVALID_TBL_PTR)?;
            r.on_hdr_tx = None;
        }
        HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL => {
            r.query_tbl = p.table().ok_or(HTTPc_ERR_REQ_PARAM_QUERY_STR_TBL_INVALID)?;
            r.on_query_tx = None;
        }
        HTTPc_PARAM_TYPE_REQ_HDR_HOOK => {
            r.on_hdr_tx = p.callback();
            r.hdr_tbl = AppTable::EMPTY;
        }
        HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK => {
            r.on_query_tx = p.callback();
            r.query_tbl = AppTable::EMPTY;
        }
        HTTPc_PARAM_TYPE_RESP_HDR_HOOK => r.on_hdr_rx = p.callback(),
        HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK => r.on_complete = p.callback(),
        HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK => r.on_err = p.callback(),
        HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET if !cfg!(feature = "websocket") => {
            return Err(HTTPc_ERR_FEATURE_DIS)
        }
        HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET => {}
        // Plain requests (`HTTPc_ReqSend`). As legacy: a content type, length or chunk flag
        // says a body is present; the body itself comes from the body hook.
        HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE if cfg!(feature = "http") => {
            // A C enum: one byte where enums are short, an int otherwise. Every value is
            // below 256, so its first byte is the value on the little-endian targets we build.
            r.content_type = p.get::<u8>();
            r.params.set(REQ_BODY_PRESENT, true);
        }
        HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN if cfg!(feature = "http") => {
            r.content_len = p.get();
            r.params.set(REQ_BODY_PRESENT, true);
        }
        HTTPc_PARAM_TYPE_REQ_BODY_CHUNK if cfg!(feature = "chunk-tx") => {
            // Legacy only ever sets the flag, and only for DEF_YES (DEF_NO leaves an earlier
            // DEF_YES in place; any other value is DEF_NO).
            if p.get::<CPU_BOOLEAN>() == DEF_YES {
                r.params.set(REQ_CHUNKED, true);
            }
            r.params.set(REQ_BODY_PRESENT, true);
        }
        HTTPc_PARAM_TYPE_REQ_BODY_HOOK if cfg!(feature = "http") => r.on_body_tx = p.callback(),
        HTTPc_PARAM_TYPE_RESP_BODY_HOOK if cfg!(feature = "http") => r.on_body_rx = p.callback(),
        // As legacy: the table is kept as given (checked when the request is sent), and says a
        // body is present.
        HTTPc_PARAM_TYPE_REQ_FORM_TBL if cfg!(feature = "form") => {
            r.form = p.form_table();
            r.params.set(REQ_BODY_PRESENT, true);
        }
        HTTPc_PARAM_TYPE_REQ_FORM_TBL
        | HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE
        | HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN
        | HTTPc_PARAM_TYPE_REQ_BODY_CHUNK
        | HTTPc_PARAM_TYPE_REQ_BODY_HOOK
        | HTTPc_PARAM_TYPE_RESP_BODY_HOOK => return Err(HTTPc_ERR_FEATURE_DIS),
        _ => return Err(HTTPc_ERR_PARAM_INVALID),
    }
    Ok(())
}
