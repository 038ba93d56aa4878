//! The application-allocated objects, configuration structs and callback typedefs of the
//! legacy API, with their exact C names.
//!
//! Objects are opaque storage the application owns (usually `static`): a writable `UserDataPtr`
//! and a reserved area sized in pointer-sized words, so one header is right on 32- and 64-bit
//! targets. The library keeps its state there; `state.rs` asserts at compile time that it fits.

use core::ffi::c_void;

use super::consts::*;
use super::types::*;

/// Words of library state in a connection object.
pub const HTTPc_CONN_OBJ_RESERVED_WORDS: usize = 23;
/// Words of library state in a request object.
pub const HTTPc_REQ_OBJ_RESERVED_WORDS: usize = 28;
/// Words of library state in a WebSocket object (it holds the protocol session).
pub const HTTPc_WEBSOCK_OBJ_RESERVED_WORDS: usize = 36;
/// Words of library state in a WebSocket message object.
pub const HTTPc_WEBSOCK_MSG_OBJ_RESERVED_WORDS: usize = 10;

/// A connection. Allocate it (zeroed or not), then `HTTPc_ConnClr()` before first use.
#[repr(C)]
pub struct HTTPc_CONN_OBJ {
    /// Free for the application: the library never reads or writes it.
    pub UserDataPtr: *mut c_void,
    /// Library state; do not touch.
    pub Reserved: [usize; HTTPc_CONN_OBJ_RESERVED_WORDS],
}

/// A request: a WebSocket upgrade or a plain request. `HTTPc_ReqClr()` before first use.
#[repr(C)]
pub struct HTTPc_REQ_OBJ {
    /// Free for the application.
    pub UserDataPtr: *mut c_void,
    /// Read-only: the `HTTP_METHOD` of the request last sent (`HTTP_METHOD_GET` for an
    /// upgrade; as legacy, a valid method is kept even when `HTTPc_ReqSend` then fails a later
    /// check), `HTTP_METHOD_UNKNOWN` after `HTTPc_ReqClr()`. Legacy's `Method_reserved`,
    /// which its own example hooks read; legacy's other `*_reserved` fields are not kept.
    /// (32-bit whatever the size of a C enum, as `HTTPc_RESP_OBJ`'s enum fields.)
    pub Method_reserved: CPU_INT32U,
    /// Library state; do not touch.
    pub Reserved: [usize; HTTPc_REQ_OBJ_RESERVED_WORDS],
}

/// A WebSocket. `HTTPc_WebSockClr()` before first use.
#[repr(C)]
pub struct HTTPc_WEBSOCK_OBJ {
    /// Free for the application.
    pub UserDataPtr: *mut c_void,
    /// Library state; do not touch.
    pub Reserved: [usize; HTTPc_WEBSOCK_OBJ_RESERVED_WORDS],
}

/// One outgoing WebSocket message. `HTTPc_WebSockMsgClr()` before first use; reusable once its
/// send has completed.
#[repr(C)]
pub struct HTTPc_WEBSOCK_MSG_OBJ {
    /// Free for the application (also settable with `HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA`).
    pub UserDataPtr: *mut c_void,
    /// Library state; do not touch.
    pub Reserved: [usize; HTTPc_WEBSOCK_MSG_OBJ_RESERVED_WORDS],
}

/// The response to a request (a WebSocket upgrade, or a plain request). Public fields, as in the legacy API, except that the
/// three enum-valued fields are declared `CPU_INT32U` rather than `HTTP_PROTOCOL_VER`,
/// `HTTP_STATUS_CODE` and `HTTP_CONTENT_TYPE`: those are C enums in Micrium's `http.h`, one
/// byte wide where enums are short (arm-none-eabi-gcc's default), which would change this
/// struct's layout under the library.
#[repr(C)]
pub struct HTTPc_RESP_OBJ {
    /// HTTP version of the status line, an `HTTP_PROTOCOL_VER` value (`HTTP_PROTOCOL_VER_1_1`).
    pub ProtocolVer: CPU_INT32U,
    /// The status as an `HTTP_STATUS_CODE` enum index (101 is `HTTP_STATUS_SWITCHING_PROTOCOLS`).
    pub StatusCode: CPU_INT32U,
    /// Always an empty string: the reason phrase is not kept (legacy pointed to the standard
    /// phrase of the status, from a kilobyte of strings this library does not link).
    pub ReasonPhrasePtr: *const CPU_CHAR,
    /// An `HTTP_CONTENT_TYPE` value. A plain request's response: its `Content-Type` when
    /// legacy's list knows it, `HTTP_CONTENT_TYPE_UNKNOWN` for another type,
    /// `HTTP_CONTENT_TYPE_NONE` without one, and after an upgrade's response (as legacy).
    pub ContentType: CPU_INT32U,
    /// The response's `Content-Length` (0 when it has none, e.g. a chunked body).
    pub ContentLen: CPU_INT32U,
}

/// Legacy `http-c.h` names the response struct twice (`HTTPc_RESP` and `HTTPc_RESP_OBJ` are one
/// `struct httpc_resp`): applications may use either.
pub type HTTPc_RESP = HTTPc_RESP_OBJ;

/// Run-time configuration given to `HTTPc_Init()`; field order and types as in the legacy API.
///
/// Hand-written in the header (`cbindgen.toml` `after_includes`, same fields) as
/// `typedef struct httpc_cfg {…} HTTPc_CFG`, Micrium's `http-c_type.h` definition, which it
/// yields to: keep the two in step.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_CFG {
    /// Delay at the end of each engine-task loop, ms (≤ 20; 0: none).
    pub TaskDly_ms: CPU_INT08U,
    /// Legacy queue depth; must be > 0. As in the legacy handshake pool, at most this many
    /// upgrades run at once: one more fails with `HTTPc_ERR_WEBSOCK_REQ_MEM_ERR`.
    pub MsgQ_Size: CPU_INT08U,
    /// Default connect timeout of each connection, ms.
    pub ConnConnectTimeout_ms: CPU_INT16U,
    /// Default inactivity timeout of each connection, s (passed to the port).
    pub ConnInactivityTimeout_s: CPU_INT16U,
    /// Default TCP keep-alive of each connection (passed to the port).
    pub ConnIsKeepAlive: CPU_BOOLEAN,
}

/// Engine task configuration: priority, stack size and stack, handed to the port's task hook.
///
/// Hand-written in the header (`cbindgen.toml` `after_includes`, same fields) as
/// `typedef struct http_task_cfg {…} HTTP_TASK_CFG`, Micrium's `http.h` definition, which it
/// yields to: keep the two in step.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTP_TASK_CFG {
    /// Task priority, in the RTOS's terms.
    pub Prio: CPU_INT32U,
    /// Stack size. The legacy code multiplied it by `sizeof(CPU_STK)`; the port decides.
    pub StkSizeBytes: CPU_INT32U,
    /// Stack memory, or NULL to let the port allocate it.
    pub StkPtr: *mut c_void,
}

/// An extra request header: a known field and its value. `HdrField` is declared `CPU_INT32U`,
/// not `HTTP_HDR_FIELD`, for the reason given at `HTTPc_RESP_OBJ`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_HDR {
    /// Which header (an `HTTP_HDR_FIELD_*` value).
    pub HdrField: CPU_INT32U,
    /// Its value (not NUL-terminated).
    pub ValPtr: *mut CPU_CHAR,
    /// Value length.
    pub ValLen: CPU_INT16U,
}

/// A key/value pair: a query-string parameter, or a form field (`HTTPc_FormAddKeyVal`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_KEY_VAL {
    /// Key.
    pub KeyPtr: *mut CPU_CHAR,
    /// Key length.
    pub KeyLen: CPU_INT16U,
    /// Value.
    pub ValPtr: *mut CPU_CHAR,
    /// Value length.
    pub ValLen: CPU_INT16U,
}

/// One entry of a form table (`HTTPc_PARAM_TYPE_REQ_FORM_TBL`, `HTTPc_FormAppFmt`,
/// `HTTPc_FormMultipartFmt`); fill it with `HTTPc_FormAddKeyVal`, `HTTPc_FormAddKeyValExt` or
/// `HTTPc_FormAddFile`. Same layout as legacy's (where `Type` is a C enum: one byte where
/// enums are short, then padding up to the pointer); the library reads its first byte only.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_FORM_TBL_FIELD {
    /// What `FieldObjPtr` points to: an `HTTPc_FORM_FIELD_TYPE_*` value.
    pub Type: HTTPc_FORM_FIELD_TYPE,
    /// The `HTTPc_KEY_VAL`, `HTTPc_KEY_VAL_EXT` or `HTTPc_MULTIPART_FILE`; it stays valid
    /// until the request has been sent.
    pub FieldObjPtr: *mut c_void,
}

/// A form field whose value the application gives while the form is sent (multipart forms).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_KEY_VAL_EXT {
    /// The field name (percent-encoded in the part's `name="…"`, as legacy).
    pub KeyPtr: *mut CPU_CHAR,
    /// Name length.
    pub KeyLen: CPU_INT16U,
    /// Gives the value, piece by piece.
    pub OnValTx: HTTPc_KEY_VAL_EXT_HOOK,
    /// Value length: exactly this many bytes must come from `OnValTx`.
    pub ValLen: CPU_INT32U,
}

/// A file part of a multipart form, its content given by a hook while the form is sent.
/// `ContentType` is declared `CPU_INT32U`, not `HTTP_CONTENT_TYPE`, for the reason given at
/// `HTTPc_RESP_OBJ`: the layout is legacy's either way (the pointer after it is aligned), and
/// the library reads its first byte only.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_MULTIPART_FILE {
    /// The field name (percent-encoded in `name="…"`, as legacy).
    pub NamePtr: *mut CPU_CHAR,
    /// Name length.
    pub NameLen: CPU_INT16U,
    /// The file name (percent-encoded in `filename="…"`, as legacy).
    pub FileNamePtr: *mut CPU_CHAR,
    /// File name length.
    pub FileNameLen: CPU_INT16U,
    /// File length: exactly this many bytes must come from `OnFileTx`.
    pub FileLen: CPU_INT32U,
    /// An `HTTP_CONTENT_TYPE` value: the part's `Content-Type` when legacy's list knows it
    /// (none for `HTTP_CONTENT_TYPE_UNKNOWN` or `_NONE`).
    pub ContentType: CPU_INT32U,
    /// Gives the file content, piece by piece.
    pub OnFileTx: HTTPc_MULTIPART_FILE_HOOK,
}

/// A table given to a `*_TBL` parameter.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_PARAM_TBL {
    /// First entry.
    pub TblPtr: *mut c_void,
    /// Number of entries.
    pub EntryNbr: CPU_INT16U,
}

/// A Close reason as delivered to `OnClose`: not NUL-terminated, valid during the call only.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_WEBSOCK_CLOSE_REASON {
    /// The UTF-8 reason bytes.
    pub DataPtr: *mut CPU_CHAR,
    /// Their length (≤ 123).
    pub Len: CPU_INT08U,
}

/// Connection opened (`open_status` DEF_OK) or failed (DEF_FAIL).
pub type HTTPc_CONNECT_CALLBACK =
    Option<unsafe extern "C" fn(p_conn: *mut HTTPc_CONN_OBJ, open_status: CPU_BOOLEAN)>;
/// Connection closed; mandatory on every connection, as in the legacy API.
pub type HTTPc_CONN_CLOSE_CALLBACK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        close_status: HTTPc_CONN_CLOSE_STATUS,
        err: HTTPc_ERR,
    ),
>;
/// Declared by the legacy API, never called.
pub type HTTPc_CONN_ERR_CALLBACK =
    Option<unsafe extern "C" fn(p_conn: *mut HTTPc_CONN_OBJ, err: HTTPc_ERR)>;
/// Transaction (upgrade or plain request) complete; `status` DEF_OK when a whole response was
/// received.
pub type HTTPc_COMPLETE_CALLBACK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        p_resp: *mut HTTPc_RESP_OBJ,
        status: CPU_BOOLEAN,
    ),
>;
/// Transaction (upgrade or plain request) failed.
pub type HTTPc_TRANS_ERR_CALLBACK = Option<
    unsafe extern "C" fn(p_conn: *mut HTTPc_CONN_OBJ, p_req: *mut HTTPc_REQ_OBJ, err: HTTPc_ERR),
>;
/// Query-string hook: points `*p_key_val` at one pair per call (its strings valid until the
/// request is written) and returns anything but DEF_NO with the last one, as legacy read it;
/// a call that gives no pair fails the request with `HTTPc_ERR_REQ_QUERY_STR_INVALID`.
pub type HTTPc_REQ_QUERY_STR_HOOK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        p_key_val: *mut *mut HTTPc_KEY_VAL,
    ) -> CPU_BOOLEAN,
>;
/// Extra request header hook: set `*p_hdr` to a header to add; return DEF_YES when it was the
/// last one (DEF_NO to be called again).
pub type HTTPc_REQ_HDR_HOOK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        p_hdr: *mut *mut HTTPc_HDR,
    ) -> CPU_BOOLEAN,
>;
/// Request body hook (plain requests): either write up to `buf_len` bytes at `p_buf`, or point
/// `*p_data` at the application's own bytes (valid until sent); set `*p_data_len` to the
/// length. Chunked (`HTTPc_PARAM_TYPE_REQ_BODY_CHUNK`): one chunk per call, return DEF_YES
/// with the last one.
pub type HTTPc_REQ_BODY_HOOK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        p_data: *mut *mut c_void,
        p_buf: *mut CPU_CHAR,
        buf_len: CPU_INT16U,
        p_data_len: *mut CPU_INT16U,
    ) -> CPU_BOOLEAN,
>;
/// Response header hook: called for each response header the dictionary knows
/// (e.g. `HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL`); the value is valid during the call only.
pub type HTTPc_RESP_HDR_HOOK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        hdr_field: HTTP_HDR_FIELD,
        p_hdr_val: *mut CPU_CHAR,
        val_len: CPU_INT16U,
    ),
>;
/// Response body hook (plain requests): `data_len` bytes of body at `p_data` (in the
/// connection buffer, for the call); `last_chunk` DEF_YES when they reach the end of the body
/// (a chunked or close-delimited body ends with a call with no data). Returns how many bytes it
/// took; the rest is offered again.
pub type HTTPc_RESP_BODY_HOOK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        content_type: HTTP_CONTENT_TYPE,
        p_data: *mut c_void,
        data_len: CPU_INT16U,
        last_chunk: CPU_BOOLEAN,
    ) -> CPU_INT32U,
>;

/// Gives the value of an `HTTPc_KEY_VAL_EXT` while its form is sent: write up to `buf_len`
/// bytes at `p_buf`, set `*p_len_wr` to how many, return DEF_YES (as legacy, any answer but
/// DEF_NO) once the whole value (`ValLen` bytes in all) was given. Called again (after what it
/// wrote was sent) while it returns DEF_NO; more than `ValLen` in all, or "done" before, fails
/// the request with `HTTPc_ERR_REQ_FORM_CREATE`.
pub type HTTPc_KEY_VAL_EXT_HOOK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        p_key_val_obj: *mut HTTPc_KEY_VAL_EXT,
        p_buf: *mut CPU_CHAR,
        buf_len: CPU_INT16U,
        p_len_wr: *mut CPU_INT16U,
    ) -> CPU_BOOLEAN,
>;
/// Gives the content of an `HTTPc_MULTIPART_FILE` while its form is sent, as
/// `HTTPc_KEY_VAL_EXT_HOOK` gives a value (`FileLen` bytes in all).
pub type HTTPc_MULTIPART_FILE_HOOK = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_req: *mut HTTPc_REQ_OBJ,
        p_file_obj: *mut HTTPc_MULTIPART_FILE,
        p_buf: *mut CPU_CHAR,
        buf_len: CPU_INT16U,
        p_len_wr: *mut CPU_INT16U,
    ) -> CPU_BOOLEAN,
>;

/// The WebSocket is open (called once, after the upgrade completed).
pub type HTTPc_WEBSOCK_ON_OPEN = Option<unsafe extern "C" fn(p_conn: *mut HTTPc_CONN_OBJ)>;
/// The WebSocket closed: the code received (1005 when the Close was empty, 1006 when the
/// connection dropped without one, or the code we failed the connection with) and its reason
/// (valid during the call: it points into the connection buffer).
pub type HTTPc_WEBSOCK_ON_CLOSE = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        close_code: HTTPc_WEBSOCK_CLOSE_CODE,
        p_reason: *mut HTTPc_WEBSOCK_CLOSE_REASON,
    ),
>;
/// A message starts. `msg_len` is its length when it is a single frame, else
/// `HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED`. Setting `*p_data` to a buffer selects buffer mode: the
/// library copies the message there (at most `msg_len` bytes; a fragmented message's fragments
/// are appended up to `HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX` when it is set, else each one is
/// written at offset 0, bounded by its own length, as legacy wrote them) and does not call
/// `OnMsgRxData`.
pub type HTTPc_WEBSOCK_ON_RX_INIT = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        msg_type: HTTPc_WEBSOCK_MSG_TYPE,
        msg_len: CPU_INT32U,
        p_data: *mut *mut c_void,
    ),
>;
/// Streaming receive: a chunk of the current message (valid during the call). Return how many
/// bytes were taken; the rest is offered again with the next data. Returning 0 pauses reception:
/// the bytes are offered again a few milliseconds later (or on an earlier engine pass).
pub type HTTPc_WEBSOCK_ON_RX_DATA = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        msg_type: HTTPc_WEBSOCK_MSG_TYPE,
        p_data: *mut c_void,
        data_len: CPU_INT16U,
    ) -> CPU_INT32U,
>;
/// The current message is complete (and, for text, valid UTF-8).
pub type HTTPc_WEBSOCK_ON_RX_COMPLETE = Option<unsafe extern "C" fn(p_conn: *mut HTTPc_CONN_OBJ)>;
/// Called once before a message is sent; returns the message length (replacing the one given
/// to `HTTPc_WebSockSend`), or `HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED` for a fragmented message.
pub type HTTPc_WEBSOCK_ON_TX_INIT = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_ws_msg: *mut HTTPc_WEBSOCK_MSG_OBJ,
    ) -> CPU_INT32U,
>;
/// Fill `p_buf` (up to `buf_len` bytes) with the next payload bytes; return how many were
/// written. For a fragmented message each call makes one frame and 0 ends the message; return
/// `HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED` for "nothing yet" (httpc-ws extension: asked again a
/// few milliseconds later, as legacy's task asked again after its delay, and on any earlier
/// engine pass). With a known length, 0 means
/// "nothing yet" too, `buf_len` is the whole room (as legacy), and bytes beyond the message's
/// length are not sent.
pub type HTTPc_WEBSOCK_ON_TX_DATA = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_websock_msg: *mut HTTPc_WEBSOCK_MSG_OBJ,
        p_buf: *mut CPU_CHAR,
        buf_len: CPU_INT32U,
    ) -> CPU_INT32U,
>;
/// The message was sent (DEF_OK) or will never be (DEF_FAIL). Called exactly once per send.
pub type HTTPc_WEBSOCK_ON_TX_COMPLETE = Option<
    unsafe extern "C" fn(
        p_conn: *mut HTTPc_CONN_OBJ,
        p_websock_msg: *mut HTTPc_WEBSOCK_MSG_OBJ,
        status: CPU_BOOLEAN,
    ),
>;
/// A WebSocket error (protocol violation by the server, timeout, socket failure).
pub type HTTPc_WEBSOCK_ON_ERR =
    Option<unsafe extern "C" fn(p_conn: *mut HTTPc_CONN_OBJ, err: HTTPc_ERR)>;
/// A pong arrived (payload valid during the call).
pub type HTTPc_WEBSOCK_ON_PONG = Option<
    unsafe extern "C" fn(p_conn: *mut HTTPc_CONN_OBJ, p_data: *mut CPU_CHAR, data_len: CPU_INT16U),
>;
