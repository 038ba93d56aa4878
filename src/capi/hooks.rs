//! Safe calls into the application's hooks.
//!
//! Every wrapper takes `&mut Held`: while a hook runs the token is lent to it, so no reference
//! to library state can be alive across the call (the borrow checker rejects one). A hook may
//! call the API on the same objects; that call takes the recursive lock and its own token.
//! Each wrapper returns None when the hook is not set.

use core::ffi::c_void;
use core::ptr::null_mut;

#[cfg(feature = "http")]
use super::app::AppBytes;
#[cfg(feature = "form")]
use super::app::ValHook;
use super::app::{AppBuf, Entry, RxBound};
use super::consts::*;
use super::global::Held;
use super::handle::Req;
use super::objects::*;
use super::state::{ReqEnd, ReqState};
use super::types::*;

macro_rules! hooks {
    ($(
        $(#[$doc:meta])*
        $name:ident: $ty:ty = ($($arg:ident: $at:ty),*) -> $ret:ty;
    )*) => {$(
        $(#[$doc])*
        pub(crate) fn $name(_h: &mut Held, f: $ty, $($arg: $at),*) -> Option<$ret> {
            let f = f?;
            // SAFETY: `f` is the application's hook, registered for this object with the
            // matching type (the `*SetParam` contract; a form value hook is its object's
            // `OnValTx` or `OnFileTx`, called as a `ValHook`, see there). Its object arguments
            // are live application objects (`Obj` contract; a form object: the form table's),
            // every other pointer addresses live memory for the call's duration (references:
            // live locals), as the hook's documentation states. No library state reference is
            // alive: `_h` is lent to this call.
            Some(unsafe { f($($arg),*) })
        }
    )*};
}

hooks! {
    /// Connection opened (DEF_OK) or failed (DEF_FAIL).
    on_connect: HTTPc_CONNECT_CALLBACK = (c: *mut HTTPc_CONN_OBJ, ok: CPU_BOOLEAN) -> ();
    /// Connection closed.
    on_conn_close: HTTPc_CONN_CLOSE_CALLBACK =
        (c: *mut HTTPc_CONN_OBJ, status: HTTPc_CONN_CLOSE_STATUS, err: HTTPc_ERR) -> ();
    /// Transaction complete.
    on_trans_complete: HTTPc_COMPLETE_CALLBACK = (c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ,
        resp: *mut HTTPc_RESP_OBJ, ok: CPU_BOOLEAN) -> ();
    /// Transaction failed.
    on_trans_err: HTTPc_TRANS_ERR_CALLBACK =
        (c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ, err: HTTPc_ERR) -> ();
    /// One response header, its value in the connection buffer for the call.
    on_resp_hdr: HTTPc_RESP_HDR_HOOK = (c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ,
        field: HTTP_HDR_FIELD, val: *mut CPU_CHAR, len: CPU_INT16U) -> ();
    /// The WebSocket is open.
    on_open: HTTPc_WEBSOCK_ON_OPEN = (c: *mut HTTPc_CONN_OBJ) -> ();
    /// The WebSocket closed (a received reason in the connection buffer for the call).
    on_ws_close: HTTPc_WEBSOCK_ON_CLOSE = (c: *mut HTTPc_CONN_OBJ, code: HTTPc_WEBSOCK_CLOSE_CODE,
        reason: *mut HTTPc_WEBSOCK_CLOSE_REASON) -> ();
    /// A WebSocket error.
    on_ws_err: HTTPc_WEBSOCK_ON_ERR = (c: *mut HTTPc_CONN_OBJ, err: HTTPc_ERR) -> ();
    /// A pong, its payload in the connection buffer for the call.
    on_pong: HTTPc_WEBSOCK_ON_PONG =
        (c: *mut HTTPc_CONN_OBJ, data: *mut CPU_CHAR, len: CPU_INT16U) -> ();
    /// A chunk of the message being received, in the connection buffer for the call.
    on_rx_data: HTTPc_WEBSOCK_ON_RX_DATA = (c: *mut HTTPc_CONN_OBJ, t: HTTPc_WEBSOCK_MSG_TYPE,
        data: *mut c_void, len: CPU_INT16U) -> CPU_INT32U;
    /// The message being received is complete.
    on_rx_complete: HTTPc_WEBSOCK_ON_RX_COMPLETE = (c: *mut HTTPc_CONN_OBJ) -> ();
    /// A message is about to be sent: its length.
    on_tx_init: HTTPc_WEBSOCK_ON_TX_INIT =
        (c: *mut HTTPc_CONN_OBJ, m: *mut HTTPc_WEBSOCK_MSG_OBJ) -> CPU_INT32U;
    /// Payload bytes into the send region (at most `len`, at `buf`, for the call).
    on_tx_data: HTTPc_WEBSOCK_ON_TX_DATA = (c: *mut HTTPc_CONN_OBJ, m: *mut HTTPc_WEBSOCK_MSG_OBJ,
        buf: *mut CPU_CHAR, len: CPU_INT32U) -> CPU_INT32U;
    /// A send ended.
    on_tx_complete: HTTPc_WEBSOCK_ON_TX_COMPLETE =
        (c: *mut HTTPc_CONN_OBJ, m: *mut HTTPc_WEBSOCK_MSG_OBJ, ok: CPU_BOOLEAN) -> ();
    /// A piece of a response body, in the connection buffer for the call: how much it took.
    #[cfg(feature = "http")]
    #[allow(clippy::too_many_arguments)]
    on_body_rx: HTTPc_RESP_BODY_HOOK = (c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ,
        t: HTTP_CONTENT_TYPE, data: *mut c_void, len: CPU_INT16U, last: CPU_BOOLEAN) -> CPU_INT32U;
    /// A form value hook (`OnValTx` of an `HTTPc_KEY_VAL_EXT`, `OnFileTx` of an
    /// `HTTPc_MULTIPART_FILE`), with its object: up to `buf_len` bytes at `buf`, for the call;
    /// the length written goes to `len`.
    #[cfg(feature = "form")]
    #[allow(clippy::too_many_arguments)]
    form_val_tx: ValHook = (c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ, obj: *mut c_void,
        buf: *mut CPU_CHAR, buf_len: CPU_INT16U, len: &mut CPU_INT16U) -> CPU_BOOLEAN;
}

/// What the request-body hook gave in one call.
#[cfg(feature = "http")]
pub(crate) struct BodyPiece {
    /// Its own memory (`*p_data` set), valid until sent; None: it wrote into the buffer.
    pub own: Option<AppBytes>,
    /// The length it reported.
    pub len: u16,
    /// It said this was the last chunk (chunked mode).
    pub last: bool,
}

/// The request-body hook, once, offered `buf_len` bytes at `buf` (the connection buffer).
#[cfg(feature = "http")]
pub(crate) fn on_body_tx(
    _h: &mut Held,
    f: HTTPc_REQ_BODY_HOOK,
    c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    buf: *mut u8,
    buf_len: u16,
) -> Option<BodyPiece> {
    let f = f?;
    let mut data: *mut c_void = null_mut();
    let mut len: CPU_INT16U = 0;
    // SAFETY: as for the `hooks!` wrappers; `data` and `len` are live locals and `buf` has
    // `buf_len` writable bytes for the call. Memory the hook points `data` at is the
    // application's, `len` bytes valid until they are sent (the hook's contract, as legacy).
    unsafe {
        let last = f(c, r, &mut data, buf.cast(), buf_len, &mut len) == DEF_YES;
        let own = (!data.is_null()).then(|| AppBytes::new(data.cast(), u32::from(len)));
        Some(BodyPiece { own, len, last })
    }
}

#[cfg(feature = "form")]
/// A form value hook (`OnValTx` of an `HTTPc_KEY_VAL_EXT`, `OnFileTx` of an
/// `HTTPc_MULTIPART_FILE`), once, offered `buf_len` bytes at `buf` (the connection buffer):
/// whether it said it gave the whole value (as legacy: any answer but DEF_NO), and how many
/// bytes it reported writing.
pub(crate) fn on_form_val_tx(
    h: &mut Held,
    f: ValHook,
    c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    obj: *mut c_void,
    buf: *mut u8,
    buf_len: u16,
) -> Option<(bool, u16)> {
    let mut len: CPU_INT16U = 0;
    let done = form_val_tx(h, f, c, r, obj, buf.cast(), buf_len, &mut len)? != DEF_NO;
    Some((done, len))
}

/// A request hook that gives one table entry per call (`HTTPc_REQ_HDR_HOOK`,
/// `HTTPc_REQ_QUERY_STR_HOOK`): it points `*p` at the entry, and says whether it was the last.
pub(crate) type EntryHook<T> = Option<
    unsafe extern "C" fn(*mut HTTPc_CONN_OBJ, *mut HTTPc_REQ_OBJ, *mut *mut T) -> CPU_BOOLEAN,
>;

/// The request-header or query-string hook, once: what the entry it gave holds (a header's
/// field and value; a pair's key, and value unless its pointer is NULL; None for no entry) and
/// whether it said it was the last (read as legacy read each hook: [`Entry::LAST_UNLESS_NO`]).
pub(crate) fn on_req_entry<T: Entry>(
    _h: &mut Held,
    f: EntryHook<T>,
    c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
) -> Option<(Option<T::Lent>, bool)> {
    let f = f?;
    let mut p: *mut T = null_mut();
    // SAFETY: as for the `hooks!` wrappers; `p` is a live local. The entry the hook points it
    // at is the application's, valid (with the bytes of its strings) until the request has
    // been written: read at once, and its strings used only while the request is written.
    unsafe {
        let said = f(c, r, &mut p);
        let last = if T::LAST_UNLESS_NO {
            said != DEF_NO
        } else {
            said == DEF_YES
        };
        // A misaligned entry is refused like a NULL one (a reference to it would be UB).
        let p = if p.is_aligned() { p } else { null_mut() };
        Some((p.as_ref().map(|e| e.lend()), last))
    }
}

/// `OnMsgRxInit`: the buffer the application gave for buffer mode (None: streaming),
/// writable as `bound` says.
pub(crate) fn on_rx_init(
    _h: &mut Held,
    f: HTTPc_WEBSOCK_ON_RX_INIT,
    c: *mut HTTPc_CONN_OBJ,
    t: HTTPc_WEBSOCK_MSG_TYPE,
    len: CPU_INT32U,
    bound: RxBound,
) -> Option<AppBuf> {
    let f = f?;
    let mut p: *mut c_void = null_mut();
    // SAFETY: as for the `hooks!` wrappers; `p` is a live local. A buffer set there is the
    // application's, sized as `bound` says (the hook's contract: `len` bytes for a single
    // frame, `RX_MSG_LEN_MAX` when set, else each fragment), valid until `OnMsgRxComplete`.
    unsafe {
        f(c, t, len, &mut p);
        (!p.is_null()).then(|| AppBuf::new(p.cast(), bound))
    }
}

impl ReqEnd {
    /// The end of a transaction, in legacy's order: `OnErr` when it failed (`err` not
    /// `HTTPc_ERR_NONE`), then `OnTransComplete` (DEF_OK when a whole response arrived). As
    /// legacy, the request is still in use during `OnErr` (the API refuses it
    /// `HTTPc_ERR_REQ_IS_USED`) and free during `OnTransComplete` (it may be sent again).
    // Inlined: a frame of its own would sit between the engine and the application's hook,
    // the deepest point of a transaction's end (stack budget).
    #[inline(always)]
    pub(crate) fn report(
        self,
        h: &mut Held,
        c: *mut HTTPc_CONN_OBJ,
        req: Req,
        resp: *mut HTTPc_RESP_OBJ,
        err: HTTPc_ERR,
    ) {
        let ok = err == HTTPc_ERR_NONE;
        if !ok {
            on_trans_err(h, self.on_err, c, req.ptr(), err);
        }
        release(h, req);
        on_trans_complete(
            h,
            self.on_complete,
            c,
            req.ptr(),
            resp,
            CPU_BOOLEAN::from(ok),
        );
    }

    /// A transaction cut short by its connection's close, in legacy `HTTPcConn_Close`'s order:
    /// `OnTransComplete(DEF_FAIL)`, then `OnErr`, the request in use during both.
    #[inline(always)]
    pub(crate) fn report_closed(
        self,
        h: &mut Held,
        c: *mut HTTPc_CONN_OBJ,
        req: Req,
        resp: *mut HTTPc_RESP_OBJ,
        err: HTTPc_ERR,
    ) {
        on_trans_complete(h, self.on_complete, c, req.ptr(), resp, DEF_FAIL);
        on_trans_err(h, self.on_err, c, req.ptr(), err);
        release(h, req);
    }
}

/// The ended request is free again (legacy `HTTPcConn_ReqRemove`).
fn release(h: &mut Held, req: Req) {
    if let Some(r) = h.state::<_, ReqState>(req) {
        r.used = false;
    }
}
