//! Every legacy µC/HTTP-client enum and `#define` the C API exposes, with its exact legacy name
//! and number, plus a few small pure helpers over the HTTP tables.
//!
//! Owns: the C enum typedefs (as fixed-width integer aliases, never Rust enums: a value coming
//! from C is decoded, not trusted), every `HTTPc_*` and `HTTP_*` constant, and the header-field
//! and status-code lookups. Does not own: the Micrium base types and `DEF_*` (see `types`), the
//! object structs and callback typedefs (other `capi` files).
//!
//! cbindgen turns each `pub const` here into a `#define` in `include/http-c.h` and each `///`
//! line into its comment, so the docs below are the header docs.
//!
//! Numbering rules:
//! - Legacy numbers never move. Enum-typed values are C enum *indices* (`HTTP_STATUS_OK` is 4,
//!   not 200; use [`status_code_from_number`]).
//! - `HTTPc_ERR_NONE` is 1, not 0. Zero is not a valid `HTTPc_ERR`.
//! - Codes the legacy could not report are new numbers in unused slots of the matching legacy
//!   range; each says "New" in its doc.
//! - Legacy quirk kept as is: `HTTPc_ERR_FAMILY_MASK` (0xC0) has no named family for 0xC0, so
//!   every code from 192 up (the whole WebSocket range, and the new RESP codes 192..=195) masks
//!   to 0xC0 rather than to `HTTPc_ERR_TRANS_FAMILY`.
//!
//! The `HTTP_*` items (shared with µC/HTTP-server through Micrium's `http.h`) sit behind
//! `cfg(not(HTTP_MODULE_PRESENT))`. That cfg is never set for Rust builds, so the items always
//! exist here; cbindgen maps it (see `cbindgen.toml` `[defines]`) to
//! `#if !defined(HTTP_MODULE_PRESENT)`, so the header skips them when the application already
//! included Micrium's `http.h`, which defines the same names with the same values.
#![allow(unexpected_cfgs)]

use super::types::{CPU_INT08U, CPU_INT16U, CPU_INT32U, DEF_INT_32U_MAX_VAL, NET_PORT_NBR};
use crate::proto::http::names::LEGACY_HEADERS;
use crate::proto::http::{lookup_ci, nth_name};

// ------------------------------------------------------------------------------------------
// Flags
// ------------------------------------------------------------------------------------------

/// Bit set of API option flags (`HTTPc_FLAG_*`).
pub type HTTPc_FLAGS = CPU_INT08U;

/// No option.
pub const HTTPc_FLAG_NONE: HTTPc_FLAGS = 0x00;
/// `HTTPc_ConnOpen`/`HTTPc_ConnClose`: return at once, report through callbacks (0x20).
pub const HTTPc_FLAG_CONN_NO_BLOCK: HTTPc_FLAGS = 0x20;
/// `HTTPc_ReqSend`: return at once, report through callbacks (0x01).
pub const HTTPc_FLAG_REQ_NO_BLOCK: HTTPc_FLAGS = 0x01;
/// `HTTPc_WebSockUpgrade`/`HTTPc_WebSockSend`: return at once (= `HTTPc_FLAG_REQ_NO_BLOCK`).
pub const HTTPc_FLAG_WEBSOCK_NO_BLOCK: HTTPc_FLAGS = HTTPc_FLAG_REQ_NO_BLOCK;

// ------------------------------------------------------------------------------------------
// Parameter types (C enum indices)
// ------------------------------------------------------------------------------------------

/// Which parameter a `HTTPc_*SetParam` call sets (legacy C enum; values are its indices).
pub type HTTPc_PARAM_TYPE = CPU_INT32U;

/// ConnSetParam: server port, `p_param` is `NET_PORT_NBR *`.
pub const HTTPc_PARAM_TYPE_SERVER_PORT: HTTPc_PARAM_TYPE = 0;
/// ConnSetParam: persistent connection, `p_param` is `CPU_BOOLEAN *`.
pub const HTTPc_PARAM_TYPE_PERSISTENT: HTTPc_PARAM_TYPE = 1;
/// ConnSetParam: connect timeout in ms, `p_param` is `CPU_INT16U *`.
pub const HTTPc_PARAM_TYPE_CONNECT_TIMEOUT: HTTPc_PARAM_TYPE = 2;
/// ConnSetParam: inactivity timeout in s, `p_param` is `CPU_INT16U *`.
pub const HTTPc_PARAM_TYPE_INACTIVITY_TIMEOUT: HTTPc_PARAM_TYPE = 3;
/// ConnSetParam: TLS server common name, `p_param` is the `CPU_CHAR *` string itself.
pub const HTTPc_PARAM_TYPE_SECURE_COMMON_NAME: HTTPc_PARAM_TYPE = 4;
/// ConnSetParam: TLS trust callback, `p_param` is the `NET_SOCK_SECURE_TRUST_FNCT` itself.
pub const HTTPc_PARAM_TYPE_SECURE_TRUST_CALLBACK: HTTPc_PARAM_TYPE = 5;
/// Not settable (`HTTPc_ERR_PARAM_INVALID`): write the connection's `UserDataPtr` directly.
pub const HTTPc_PARAM_TYPE_USER_DATA: HTTPc_PARAM_TYPE = 6;
/// ReqSetParam: query-string table, `p_param` is `HTTPc_PARAM_TBL *` of `HTTPc_KEY_VAL`.
pub const HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL: HTTPc_PARAM_TYPE = 7;
/// ReqSetParam: query-string hook, `p_param` is the `HTTPc_REQ_QUERY_STR_HOOK` itself.
pub const HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK: HTTPc_PARAM_TYPE = 8;
/// ReqSetParam: extra request headers, `p_param` is `HTTPc_PARAM_TBL *` of `HTTPc_HDR`.
pub const HTTPc_PARAM_TYPE_REQ_HDR_TBL: HTTPc_PARAM_TYPE = 9;
/// ReqSetParam: mark the request as a WebSocket upgrade (used by `HTTPc_WebSockUpgrade`).
pub const HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET: HTTPc_PARAM_TYPE = 10;
/// ReqSetParam: request-header hook, `p_param` is the `HTTPc_REQ_HDR_HOOK` itself.
pub const HTTPc_PARAM_TYPE_REQ_HDR_HOOK: HTTPc_PARAM_TYPE = 11;
/// ReqSetParam: form table, `p_param` is `HTTPc_PARAM_TBL *` of `HTTPc_FORM_TBL_FIELD`.
pub const HTTPc_PARAM_TYPE_REQ_FORM_TBL: HTTPc_PARAM_TYPE = 12;
/// ReqSetParam: body content type, `p_param` is `HTTP_CONTENT_TYPE *`.
pub const HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE: HTTPc_PARAM_TYPE = 13;
/// ReqSetParam: body length, `p_param` is `CPU_INT32U *`.
pub const HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN: HTTPc_PARAM_TYPE = 14;
/// ReqSetParam: chunked body, `p_param` is `CPU_BOOLEAN *`.
pub const HTTPc_PARAM_TYPE_REQ_BODY_CHUNK: HTTPc_PARAM_TYPE = 15;
/// ReqSetParam: body hook, `p_param` is the `HTTPc_REQ_BODY_HOOK` itself.
pub const HTTPc_PARAM_TYPE_REQ_BODY_HOOK: HTTPc_PARAM_TYPE = 16;
/// Not settable (`HTTPc_ERR_PARAM_INVALID`): write the request's `UserDataPtr` directly.
pub const HTTPc_PARAM_TYPE_REQ_USER_DATA: HTTPc_PARAM_TYPE = 17;
/// ReqSetParam: response-header hook, `p_param` is the `HTTPc_RESP_HDR_HOOK` itself.
pub const HTTPc_PARAM_TYPE_RESP_HDR_HOOK: HTTPc_PARAM_TYPE = 18;
/// ReqSetParam: response-body hook, `p_param` is the `HTTPc_RESP_BODY_HOOK` itself.
pub const HTTPc_PARAM_TYPE_RESP_BODY_HOOK: HTTPc_PARAM_TYPE = 19;
/// ReqSetParam: transaction-complete callback, `p_param` is the `HTTPc_COMPLETE_CALLBACK` itself.
pub const HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK: HTTPc_PARAM_TYPE = 20;
/// ReqSetParam: transaction-error callback, `p_param` is the `HTTPc_TRANS_ERR_CALLBACK` itself.
pub const HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK: HTTPc_PARAM_TYPE = 21;
/// ConnSetParam: connect callback, `p_param` is the `HTTPc_CONNECT_CALLBACK` itself.
pub const HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK: HTTPc_PARAM_TYPE = 22;
/// ConnSetParam: connection-close callback, `p_param` is the `HTTPc_CONN_CLOSE_CALLBACK` itself.
pub const HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK: HTTPc_PARAM_TYPE = 23;
/// WebSockSetParam: `OnOpen`, `p_param` is the `HTTPc_WEBSOCK_ON_OPEN` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN: HTTPc_PARAM_TYPE = 24;
/// WebSockSetParam: `OnClose`, `p_param` is the `HTTPc_WEBSOCK_ON_CLOSE` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE: HTTPc_PARAM_TYPE = 25;
/// WebSockSetParam: `OnErr`, `p_param` is the `HTTPc_WEBSOCK_ON_ERR` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR: HTTPc_PARAM_TYPE = 26;
/// WebSockSetParam: `OnPong`, `p_param` is the `HTTPc_WEBSOCK_ON_PONG` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG: HTTPc_PARAM_TYPE = 27;
/// WebSockSetParam: `OnMsgRxInit`, `p_param` is the `HTTPc_WEBSOCK_ON_RX_INIT` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT: HTTPc_PARAM_TYPE = 28;
/// WebSockSetParam: `OnMsgRxData`, `p_param` is the `HTTPc_WEBSOCK_ON_RX_DATA` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA: HTTPc_PARAM_TYPE = 29;
/// WebSockSetParam: `OnMsgRxComplete`, `p_param` is the `HTTPc_WEBSOCK_ON_RX_COMPLETE` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE: HTTPc_PARAM_TYPE = 30;
/// Not settable (`HTTPc_ERR_PARAM_INVALID`): write the WebSocket's `UserDataPtr` directly.
pub const HTTPc_PARAM_TYPE_WEBSOCK_USER_DATA: HTTPc_PARAM_TYPE = 31;
/// WebSockMsgSetParam: user data, `p_param` is the `void *` stored in `UserDataPtr`.
pub const HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA: HTTPc_PARAM_TYPE = 32;
/// WebSockMsgSetParam: `OnMsgTxInit`, `p_param` is the `HTTPc_WEBSOCK_ON_TX_INIT` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_INIT: HTTPc_PARAM_TYPE = 33;
/// WebSockMsgSetParam: `OnMsgTxData`, `p_param` is the `HTTPc_WEBSOCK_ON_TX_DATA` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA: HTTPc_PARAM_TYPE = 34;
/// WebSockMsgSetParam: `OnMsgTxComplete`, `p_param` is the `HTTPc_WEBSOCK_ON_TX_COMPLETE` itself.
pub const HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE: HTTPc_PARAM_TYPE = 35;
/// httpc-ws (new): largest message accepted, bytes (`CPU_INT32U *`); a larger one is refused
/// with close code 1009. Also bounds the buffer handed back by `OnMsgRxInit` for a fragmented
/// message. Default 2^32-1, which counts as not set for that buffer (each fragment is then
/// written at offset 0, as legacy). A single frame of 2^32-1 bytes always fails with 1009
/// (`HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG`): `OnMsgRxInit` could not tell its length from
/// "fragmented".
pub const HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX: HTTPc_PARAM_TYPE = 36;
/// httpc-ws (new): send a keep-alive ping after this many ms without receiving (`CPU_INT32U *`;
/// 0, the default: never; every interval while the peer stays silent). Spans over 2^30 - 1 ms
/// (12.4 days), this one and the four below, are taken as that.
pub const HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS: HTTPc_PARAM_TYPE = 37;
/// httpc-ws (new): fail with `HTTPc_ERR_WEBSOCK_PONG_TIMEOUT` when a keep-alive ping gets no pong
/// within this many ms (`CPU_INT32U *`; 0, the default: never).
pub const HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS: HTTPc_PARAM_TYPE = 38;
/// httpc-ws (new): from the moment the close is decided (our Close queued, the server's Close
/// received, or a failure), drop the connection if it is still up this many ms later
/// (`CPU_INT32U *`; default 5000; 0: wait for the server forever, but close TCP once Close
/// frames went both ways, or our failure Close has left).
pub const HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS: HTTPc_PARAM_TYPE = 39;
/// httpc-ws (new): end the WebSocket when bytes wait to be sent and the socket has taken none
/// for this many ms (the server stopped reading): `OnErr(HTTPc_ERR_CONN_SOCK_TX)`, close code
/// 1006 (`CPU_INT32U *`; default 30000; 0: wait forever).
pub const HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS: HTTPc_PARAM_TYPE = 40;
/// httpc-ws (new), ConnSetParam: a whole transaction (an upgrade or a plain request), from the
/// request to the end of the response, blocking or not, must finish within this many ms or fail with
/// `HTTPc_ERR_CONN_SIGNAL_TIMEOUT` (`CPU_INT32U *`; default 30000, the legacy
/// `HTTPc_TASK_TIMEOUT_MS_TRANS_DFLT`; 0 is refused).
pub const HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS: HTTPc_PARAM_TYPE = 41;

// ------------------------------------------------------------------------------------------
// Connection state and close status (C enum values)
// ------------------------------------------------------------------------------------------

/// Connection state (legacy C enum). The family is `state & HTTPc_CONN_STATE_FAMILY_MASK`.
pub type HTTPc_CONN_STATE = CPU_INT32U;

/// Mask that selects the state family (bits 7..5).
pub const HTTPc_CONN_STATE_FAMILY_MASK: HTTPc_CONN_STATE = 0xE0;
/// Family of the flow states (0..=9).
pub const HTTPc_CONN_STATE_FLOW_FAMILY: HTTPc_CONN_STATE = 0x00;
/// Family of the request-emission states (32..).
pub const HTTPc_CONN_STATE_REQ_FAMILY: HTTPc_CONN_STATE = 0x20;
/// Family of the response-parsing states (64..).
pub const HTTPc_CONN_STATE_RESP_FAMILY: HTTPc_CONN_STATE = 0x40;
/// Family of the upgraded-WebSocket states (96..).
pub const HTTPc_CONN_STATE_WEBSOCK_FAMILY: HTTPc_CONN_STATE = 0x60;

/// Flow: no state (cleared or closed connection).
pub const HTTPc_CONN_STATE_NONE: HTTPc_CONN_STATE = 0;
/// Flow: unknown state.
pub const HTTPc_CONN_STATE_UNKNOWN: HTTPc_CONN_STATE = 1;
/// Flow: validating the next request's parameters.
pub const HTTPc_CONN_STATE_PARAM_VALIDATE: HTTPc_CONN_STATE = 2;
/// Flow: connecting.
pub const HTTPc_CONN_STATE_CONNECT: HTTPc_CONN_STATE = 3;
/// Flow: transaction completed.
pub const HTTPc_CONN_STATE_COMPLETED: HTTPc_CONN_STATE = 4;
/// Flow: closing the connection.
pub const HTTPc_CONN_STATE_CLOSE: HTTPc_CONN_STATE = 5;
/// Flow: error being handled.
pub const HTTPc_CONN_STATE_ERR: HTTPc_CONN_STATE = 6;
/// Flow: upgrade accepted, `OnOpen` pending.
pub const HTTPc_CONN_STATE_WEBSOCK_INIT: HTTPc_CONN_STATE = 7;
/// Flow: WebSocket closing (reports `OnClose`, then closes the connection).
pub const HTTPc_CONN_STATE_WEBSOCK_CLOSE: HTTPc_CONN_STATE = 8;
/// Flow: WebSocket error being handled (reports `OnErr`).
pub const HTTPc_CONN_STATE_WEBSOCK_ERR: HTTPc_CONN_STATE = 9;

/// Request: method.
pub const HTTPc_CONN_STATE_REQ_LINE_METHOD: HTTPc_CONN_STATE = 32;
/// Request: URI.
pub const HTTPc_CONN_STATE_REQ_LINE_URI: HTTPc_CONN_STATE = 33;
/// Request: query string.
pub const HTTPc_CONN_STATE_REQ_LINE_QUERY_STR: HTTPc_CONN_STATE = 34;
/// Request: protocol version.
pub const HTTPc_CONN_STATE_REQ_LINE_PROTO_VER: HTTPc_CONN_STATE = 35;
/// Request: `Host` header.
pub const HTTPc_CONN_STATE_REQ_HDR_HOST: HTTPc_CONN_STATE = 36;
/// Request: `Content-Type` header.
pub const HTTPc_CONN_STATE_REQ_HDR_CONTENT_TYPE: HTTPc_CONN_STATE = 37;
/// Request: `Content-Length` header.
pub const HTTPc_CONN_STATE_REQ_HDR_CONTENT_LEN: HTTPc_CONN_STATE = 38;
/// Request: `Transfer-Encoding` header.
pub const HTTPc_CONN_STATE_REQ_HDR_TRANSFER_ENCODE: HTTPc_CONN_STATE = 39;
/// Request: `Connection` header.
pub const HTTPc_CONN_STATE_REQ_HDR_CONN: HTTPc_CONN_STATE = 40;
/// Request: `Upgrade` header.
pub const HTTPc_CONN_STATE_REQ_HDR_UPGRADE: HTTPc_CONN_STATE = 41;
/// Request: `Sec-WebSocket-*` headers.
pub const HTTPc_CONN_STATE_REQ_HDR_WEBSOCKET: HTTPc_CONN_STATE = 42;
/// Request: application headers.
pub const HTTPc_CONN_STATE_REQ_HDR_EXT: HTTPc_CONN_STATE = 43;
/// Request: end of the header block.
pub const HTTPc_CONN_STATE_REQ_HDR_LAST: HTTPc_CONN_STATE = 44;
/// Request: body.
pub const HTTPc_CONN_STATE_REQ_BODY: HTTPc_CONN_STATE = 45;
/// Request: body data.
pub const HTTPc_CONN_STATE_REQ_BODY_DATA: HTTPc_CONN_STATE = 46;
/// Request: chunk size.
pub const HTTPc_CONN_STATE_REQ_BODY_DATA_CHUNK_SIZE: HTTPc_CONN_STATE = 47;
/// Request: chunk data.
pub const HTTPc_CONN_STATE_REQ_BODY_DATA_CHUNK_DATA: HTTPc_CONN_STATE = 48;
/// Request: chunk end.
pub const HTTPc_CONN_STATE_REQ_BODY_DATA_CHUNK_END: HTTPc_CONN_STATE = 49;
/// Request: URL-encoded form.
pub const HTTPc_CONN_STATE_REQ_BODY_FORM_APP: HTTPc_CONN_STATE = 50;
/// Request: multipart boundary.
pub const HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_BOUNDARY: HTTPc_CONN_STATE = 51;
/// Request: multipart `Content-Disposition`.
pub const HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_HDR_CONTENT_DISPO: HTTPc_CONN_STATE = 52;
/// Request: multipart `Content-Type`.
pub const HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_HDR_CONTENT_TYPE: HTTPc_CONN_STATE = 53;
/// Request: multipart data.
pub const HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_DATA: HTTPc_CONN_STATE = 54;
/// Request: multipart data end.
pub const HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_DATA_END: HTTPc_CONN_STATE = 55;
/// Request: final multipart boundary.
pub const HTTPc_CONN_STATE_REQ_BODY_FORM_MULTIPART_BOUNDARY_END: HTTPc_CONN_STATE = 56;
/// Request: fully sent.
pub const HTTPc_CONN_STATE_REQ_END: HTTPc_CONN_STATE = 57;

/// Response: waiting for it.
pub const HTTPc_CONN_STATE_RESP_INIT: HTTPc_CONN_STATE = 64;
/// Response: status line.
pub const HTTPc_CONN_STATE_RESP_STATUS_LINE: HTTPc_CONN_STATE = 65;
/// Response: headers.
pub const HTTPc_CONN_STATE_RESP_HDR: HTTPc_CONN_STATE = 66;
/// Response: body.
pub const HTTPc_CONN_STATE_RESP_BODY: HTTPc_CONN_STATE = 67;
/// Response: chunk size.
pub const HTTPc_CONN_STATE_RESP_BODY_CHUNK_SIZE: HTTPc_CONN_STATE = 68;
/// Response: chunk data.
pub const HTTPc_CONN_STATE_RESP_BODY_CHUNK_DATA: HTTPc_CONN_STATE = 69;
/// Response: CRLF after a chunk.
pub const HTTPc_CONN_STATE_RESP_BODY_CHUNK_CRLF: HTTPc_CONN_STATE = 70;
/// Response: last chunk.
pub const HTTPc_CONN_STATE_RESP_BODY_CHUNK_LAST: HTTPc_CONN_STATE = 71;
/// Response: complete.
pub const HTTPc_CONN_STATE_RESP_COMPLETED: HTTPc_CONN_STATE = 72;

/// WebSocket: upgraded and open, frames flow both ways.
pub const HTTPc_CONN_STATE_WEBSOCK_RXTX: HTTPc_CONN_STATE = 96;

/// Why a connection closed, as given to the connection `OnClose` callback (legacy C enum).
pub type HTTPc_CONN_CLOSE_STATUS = CPU_INT32U;

/// Not closed.
pub const HTTPc_CONN_CLOSE_STATUS_NONE: HTTPc_CONN_CLOSE_STATUS = 0;
/// Closed after an internal error (see the `err` argument).
pub const HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL: HTTPc_CONN_CLOSE_STATUS = 1;
/// Closed by the server.
pub const HTTPc_CONN_CLOSE_STATUS_SERVER: HTTPc_CONN_CLOSE_STATUS = 2;
/// Closed because the connection is not persistent.
pub const HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT: HTTPc_CONN_CLOSE_STATUS = 3;
/// Closed by the application (`HTTPc_ConnClose`).
pub const HTTPc_CONN_CLOSE_STATUS_APP: HTTPc_CONN_CLOSE_STATUS = 4;

// ------------------------------------------------------------------------------------------
// Errors
// ------------------------------------------------------------------------------------------

/// Error code written through every `p_err` (legacy C enum). Success is `HTTPc_ERR_NONE` (1).
pub type HTTPc_ERR = CPU_INT32U;

/// Mask that selects the error family (bits 7..6).
pub const HTTPc_ERR_FAMILY_MASK: HTTPc_ERR = 0xC0;
/// Family of the init, configuration and generic errors (0..=63).
pub const HTTPc_ERR_INIT_CFG_FAMILY: HTTPc_ERR = 0x00;
/// Family of the connection errors (64..=127).
pub const HTTPc_ERR_CONN_FAMILY: HTTPc_ERR = 0x40;
/// Family of the transaction errors (128..=191; codes from 192 up mask to 0xC0).
pub const HTTPc_ERR_TRANS_FAMILY: HTTPc_ERR = 0x80;

/// Success.
pub const HTTPc_ERR_NONE: HTTPc_ERR = 1;
/// A required pointer argument is NULL.
pub const HTTPc_ERR_NULL_PTR: HTTPc_ERR = 2;
/// The requested feature is not available in this build or configuration.
pub const HTTPc_ERR_FEATURE_DIS: HTTPc_ERR = 3;
/// `HTTPc_Init` was already called.
pub const HTTPc_ERR_INIT: HTTPc_ERR = 10;
/// `HTTPc_Init` has not completed.
pub const HTTPc_ERR_INIT_NOT_COMPLETED: HTTPc_ERR = 11;
/// Invalid task argument at init.
pub const HTTPc_ERR_INIT_TASK_INVALID_ARG: HTTPc_ERR = 12;
/// Task memory allocation failed at init.
pub const HTTPc_ERR_INIT_TASK_MEM_ALLOC: HTTPc_ERR = 13;
/// Task creation failed at init.
pub const HTTPc_ERR_INIT_TASK_CREATE: HTTPc_ERR = 14;
/// Message-queue creation failed at init.
pub const HTTPc_ERR_INIT_MSG_Q: HTTPc_ERR = 15;
/// New: no port was registered before `HTTPc_Init`.
pub const HTTPc_ERR_INIT_PORT_MISSING: HTTPc_ERR = 16;
/// New: a required port callback (connect, send, recv, close, random or clock) is NULL.
pub const HTTPc_ERR_INIT_PORT_INVALID: HTTPc_ERR = 17;
/// Invalid connection timeout in the configuration (legacy: never produced).
pub const HTTPc_ERR_CFG_CONN_TIMEOUT_INVALID: HTTPc_ERR = 20;
/// `HTTPc_CFG.MsgQ_Size` is 0.
pub const HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID: HTTPc_ERR = 21;
/// The task configuration pointer is NULL.
pub const HTTPc_ERR_CFG_TASK_PTR_NULL: HTTPc_ERR = 22;
/// `HTTPc_CFG.TaskDly_ms` exceeds `HTTPc_TASK_DLY_MS_MAX`.
pub const HTTPc_ERR_CFG_TASK_DLY_INVALID: HTTPc_ERR = 23;
/// The connection buffer is shorter than `HTTPc_BUF_LEN_MIN`.
pub const HTTPc_ERR_CFG_INVALID_BUF_LEN: HTTPc_ERR = 24;
/// Unknown or unsettable `HTTPc_PARAM_TYPE` for this object.
pub const HTTPc_ERR_PARAM_INVALID: HTTPc_ERR = 30;
/// Invalid form field type.
pub const HTTPc_ERR_FORM_TYPE_INVALID: HTTPc_ERR = 40;
/// Invalid form field.
pub const HTTPc_ERR_FORM_FIELD_INVALID: HTTPc_ERR = 41;
/// Form creation failed.
pub const HTTPc_ERR_FORM_CREATE: HTTPc_ERR = 42;
/// Form buffer too small.
pub const HTTPc_ERR_FORM_BUF_LEN_INVALID: HTTPc_ERR = 43;
/// Message pool creation failed at init.
pub const HTTPc_ERR_MSG_INIT_POOL_FAULT: HTTPc_ERR = 50;
/// WebSocket handshake-request pool creation failed at init.
pub const HTTPc_ERR_WEBSOCK_REQ_INIT_POOL_FAULT: HTTPc_ERR = 51;

/// Invalid server address (legacy: never produced).
pub const HTTPc_ERR_CONN_PARAM_ADDR_INVALID: HTTPc_ERR = 64;
/// Invalid address family (legacy: never produced).
pub const HTTPc_ERR_CONN_PARAM_ADDR_FAMILY_INVALID: HTTPc_ERR = 65;
/// Hostname is NULL or has length 0.
pub const HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID: HTTPc_ERR = 66;
/// Invalid server port (legacy: never produced).
pub const HTTPc_ERR_CONN_PARAM_PORT_INVALID: HTTPc_ERR = 67;
/// Invalid persistence parameter (legacy: never produced).
pub const HTTPc_ERR_CONN_PARAM_PERSISTENT_INVALID: HTTPc_ERR = 68;
/// Connect timeout is 0.
pub const HTTPc_ERR_CONN_PARAM_CONNECT_TIMEOUT_INVALID: HTTPc_ERR = 69;
/// Inactivity timeout is 0.
pub const HTTPc_ERR_CONN_PARAM_INACTIVITY_TIMEOUT_INVALID: HTTPc_ERR = 70;
/// Non-blocking open without a connect callback.
pub const HTTPc_ERR_CONN_PARAM_CONNECT_CALLBACK_INVALID: HTTPc_ERR = 71;
/// Open without a connection-close callback (it is mandatory).
pub const HTTPc_ERR_CONN_PARAM_CLOSE_CALLBACK_INVALID: HTTPc_ERR = 72;
/// Invalid connection error callback (legacy: never produced).
pub const HTTPc_ERR_CONN_PARAM_ERR_CALLBACK_INVALID: HTTPc_ERR = 73;
/// Invalid WebSocket object (legacy: never produced).
pub const HTTPc_ERR_CONN_PARAM_WEBSOCK_OBJ_INVALID: HTTPc_ERR = 74;
/// The task message queue is full.
pub const HTTPc_ERR_MSG_Q_FULL: HTTPc_ERR = 80;
/// Posting to the task message queue failed.
pub const HTTPc_ERR_MSG_Q_SIGNAL_FAULT: HTTPc_ERR = 81;
/// The task message queue is empty (internal).
pub const HTTPc_ERR_MSG_Q_EMPTY: HTTPc_ERR = 82;
/// Creating a blocking-call signal failed.
pub const HTTPc_ERR_CONN_SIGNAL_CREATE: HTTPc_ERR = 90;
/// Deleting a blocking-call signal failed.
pub const HTTPc_ERR_CONN_SIGNAL_DEL: HTTPc_ERR = 91;
/// A blocking call timed out.
pub const HTTPc_ERR_CONN_SIGNAL_TIMEOUT: HTTPc_ERR = 92;
/// Waiting on a blocking-call signal failed.
pub const HTTPc_ERR_CONN_SIGNAL_FAULT: HTTPc_ERR = 93;
/// The connection is already connected.
pub const HTTPc_ERR_CONN_IS_CONNECT: HTTPc_ERR = 94;
/// The connection is open or in use.
pub const HTTPc_ERR_CONN_IS_USED: HTTPc_ERR = 95;
/// The connection is not open.
pub const HTTPc_ERR_CONN_IS_RELEASED: HTTPc_ERR = 96;
/// The connection is in an invalid state for this operation.
pub const HTTPc_ERR_CONN_INVALID_STATE: HTTPc_ERR = 97;
/// Socket open failed (legacy: never produced).
pub const HTTPc_ERR_CONN_SOCK_OPEN: HTTPc_ERR = 100;
/// Resolving, connecting or the TLS handshake failed.
pub const HTTPc_ERR_CONN_SOCK_CONNECT: HTTPc_ERR = 101;
/// Transient send failure (retried).
pub const HTTPc_ERR_CONN_SOCK_TX: HTTPc_ERR = 102;
/// Fatal send failure.
pub const HTTPc_ERR_CONN_SOCK_TX_FATAL: HTTPc_ERR = 103;
/// Transient receive failure (retried).
pub const HTTPc_ERR_CONN_SOCK_RX: HTTPc_ERR = 104;
/// Fatal receive failure.
pub const HTTPc_ERR_CONN_SOCK_RX_FATAL: HTTPc_ERR = 105;
/// The peer closed the TCP connection.
pub const HTTPc_ERR_CONN_SOCK_CLOSED: HTTPc_ERR = 106;
/// Closing the socket failed.
pub const HTTPc_ERR_CONN_SOCK_CLOSE_FATAL: HTTPc_ERR = 107;
/// Waiting for socket readiness failed.
pub const HTTPc_ERR_CONN_SOCK_SEL: HTTPc_ERR = 108;
/// Generic socket fault (legacy: never produced).
pub const HTTPc_ERR_CONN_SOCK_FAULT: HTTPc_ERR = 109;
/// Waking the task failed.
pub const HTTPc_ERR_CONN_SOCK_ABORT_FAILED: HTTPc_ERR = 110;

/// Invalid buffer length for the transaction.
pub const HTTPc_ERR_TRANS_BUF_LEN_INVALID: HTTPc_ERR = 128;
/// The transmit buffer is full.
pub const HTTPc_ERR_TRANS_TX_BUF_FULL: HTTPc_ERR = 129;
/// More received data is needed (internal).
pub const HTTPc_ERR_TRANS_RX_MORE_DATA_REQUIRED: HTTPc_ERR = 130;
/// The request object is in use.
pub const HTTPc_ERR_REQ_IS_USED: HTTPc_ERR = 131;
/// Invalid request method.
pub const HTTPc_ERR_REQ_PARAM_METHOD_INVALID: HTTPc_ERR = 140;
/// Resource path is NULL or empty.
pub const HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID: HTTPc_ERR = 141;
/// Invalid body content type.
pub const HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID: HTTPc_ERR = 142;
/// Invalid body content length.
pub const HTTPc_ERR_REQ_PARAM_CONTENT_LEN_INVALID: HTTPc_ERR = 143;
/// Invalid body parameters.
pub const HTTPc_ERR_REQ_PARAM_BODY_INVALID: HTTPc_ERR = 144;
/// Invalid query-string table.
pub const HTTPc_ERR_REQ_PARAM_QUERY_STR_TBL_INVALID: HTTPc_ERR = 145;
/// Invalid header table pointer.
pub const HTTPc_ERR_REQ_PARAM_HDR_INVALID_TBL_PTR: HTTPc_ERR = 146;
/// The application set a header the library owns (`Host`, or `Connection` on an upgrade).
pub const HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED: HTTPc_ERR = 147;
/// Invalid form field table.
pub const HTTPc_ERR_REQ_PARAM_FORM_FIELD_TBL_INVALID: HTTPc_ERR = 148;
/// A form field with a NULL object, hook, or string pointer whose length is not 0 (legacy
/// never produced it: it dereferenced the pointer).
pub const HTTPc_ERR_REQ_PARAM_FORM_FIELD_NULL_PTR: HTTPc_ERR = 149;
/// A form whose length does not fit a `Content-Length` (more than 4 GiB; legacy never produced
/// it).
pub const HTTPc_ERR_REQ_PARAM_FORM_FIELD_INVALID_LEN: HTTPc_ERR = 150;
/// Non-blocking request without a transaction-error callback.
pub const HTTPc_ERR_REQ_PARAM_ERR_CALLBACK_INVALID: HTTPc_ERR = 151;
/// Non-blocking request without a transaction-complete callback.
pub const HTTPc_ERR_REQ_PARAM_TRANS_COMPLETE_CALLBACK_INVALID: HTTPc_ERR = 152;
/// Non-blocking upgrade without a WebSocket `OnOpen` callback.
pub const HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID: HTTPc_ERR = 153;
/// Invalid WebSocket receive callback (legacy: never produced).
pub const HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_RX_CALLBACK_INVALID: HTTPc_ERR = 154;
/// Building the request line failed.
pub const HTTPc_ERR_REQ_LINE_CREATE: HTTPc_ERR = 160;
/// Building the query string failed.
pub const HTTPc_ERR_REQ_QUERY_STR_CREATE: HTTPc_ERR = 161;
/// Invalid query string.
pub const HTTPc_ERR_REQ_QUERY_STR_INVALID: HTTPc_ERR = 162;
/// Building the request headers failed.
pub const HTTPc_ERR_REQ_HDR_CREATE: HTTPc_ERR = 163;
/// Invalid request header.
pub const HTTPc_ERR_REQ_HDR_INVALID: HTTPc_ERR = 164;
/// Building the form body failed.
pub const HTTPc_ERR_REQ_FORM_CREATE: HTTPc_ERR = 165;
/// Preparing the body failed (legacy: never produced).
pub const HTTPc_ERR_REQ_BODY_PREPARE: HTTPc_ERR = 166;
/// Preparing a body chunk failed.
pub const HTTPc_ERR_REQ_BODY_CHUNK_PREPARE: HTTPc_ERR = 167;
/// Invalid body chunk.
pub const HTTPc_ERR_REQ_BODY_CHUNK_INVALID: HTTPc_ERR = 168;
/// No body present (legacy: never produced).
pub const HTTPc_ERR_REQ_BODY_NOT_PRESENT: HTTPc_ERR = 169;
/// Malformed response.
pub const HTTPc_ERR_RESP_FORMAT_INVALID: HTTPc_ERR = 180;
/// Unsupported HTTP version in the status line.
pub const HTTPc_ERR_RESP_PROTOCOL_VER_INVALID: HTTPc_ERR = 181;
/// Invalid status code in the status line.
pub const HTTPc_ERR_RESP_STATUS_CODE_INVALID: HTTPc_ERR = 182;
/// Invalid reason phrase in the status line.
pub const HTTPc_ERR_RESP_REASON_PHRASE_INVALID: HTTPc_ERR = 183;
/// Invalid header value (for example a `Connection` or `Upgrade` value not understood).
pub const HTTPc_ERR_RESP_HDR_INVALID: HTTPc_ERR = 184;
/// Malformed header line.
pub const HTTPc_ERR_RESP_HDR_MALFORMED: HTTPc_ERR = 185;
/// Invalid `Content-Type`.
pub const HTTPc_ERR_RESP_CONTENT_TYPE_INVALID: HTTPc_ERR = 186;
/// Invalid `Content-Length`.
pub const HTTPc_ERR_RESP_CONTENT_LEN_INVALID: HTTPc_ERR = 187;
/// Invalid chunked encoding.
pub const HTTPc_ERR_RESP_CHUNK_INVALID: HTTPc_ERR = 188;
/// Invalid received data length (legacy: never produced).
pub const HTTPc_ERR_RESP_RX_DATA_LEN_INVALID: HTTPc_ERR = 189;
/// New: the response header block does not fit in the connection buffer.
pub const HTTPc_ERR_RESP_HDR_TOO_LARGE: HTTPc_ERR = 190;
/// New: upgrade response without `Upgrade: websocket` (missing or another value).
pub const HTTPc_ERR_RESP_WEBSOCK_UPGRADE_INVALID: HTTPc_ERR = 191;
/// New: upgrade response without `Connection: Upgrade`.
pub const HTTPc_ERR_RESP_WEBSOCK_CONN_INVALID: HTTPc_ERR = 192;
/// New: upgrade response whose `Sec-WebSocket-Accept` is missing or does not match the key.
pub const HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID: HTTPc_ERR = 193;
/// New: upgrade response selecting an extension the client did not offer.
pub const HTTPc_ERR_RESP_WEBSOCK_EXT_INVALID: HTTPc_ERR = 194;
/// New: upgrade response selecting a subprotocol the client did not offer.
pub const HTTPc_ERR_RESP_WEBSOCK_PROTOCOL_INVALID: HTTPc_ERR = 195;

/// Invalid `HTTPc_WebSockSend` arguments (message type, or control payload over 125 bytes).
pub const HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM: HTTPc_ERR = 200;
/// The connection is not an upgraded WebSocket.
pub const HTTPc_ERR_WEBSOCK_INVALID_CONN: HTTPc_ERR = 201;
/// The connection is already a WebSocket.
pub const HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET: HTTPc_ERR = 202;
/// The connection is not connected.
pub const HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED: HTTPc_ERR = 203;
/// Invalid transmit length (legacy: never produced).
pub const HTTPc_ERR_WEBSOCK_INVALID_TX_LEN: HTTPc_ERR = 204;
/// Received a 64-bit frame length that does not fit in 32 bits.
pub const HTTPc_ERR_WEBSOCK_INVALID_RX_LEN: HTTPc_ERR = 205;
/// Invalid WebSocket state (legacy: never produced).
pub const HTTPc_ERR_WEBSOCK_INVALID_STATE: HTTPc_ERR = 206;
/// Invalid transmit state (internal).
pub const HTTPc_ERR_WEBSOCK_INVALID_TX_STATE: HTTPc_ERR = 207;
/// Invalid receive state (internal).
pub const HTTPc_ERR_WEBSOCK_INVALID_RX_STATE: HTTPc_ERR = 208;
/// Invalid opcode for transmission.
pub const HTTPc_ERR_WEBSOCK_INVALID_OPCODE: HTTPc_ERR = 209;
/// Generic WebSocket fault.
pub const HTTPc_ERR_WEBSOCK_FAULT: HTTPc_ERR = 210;
/// Transmit queue empty (legacy: never produced).
pub const HTTPc_ERR_WEBSOCK_TX_MSG_Q_EMPTY: HTTPc_ERR = 211;
/// The WebSocket object is in use (legacy: coded but unreachable).
pub const HTTPc_ERR_WEBSOCK_IS_USED: HTTPc_ERR = 212;
/// The handshake request is in use (legacy: never produced).
pub const HTTPc_ERR_WEBSOCK_REQ_IS_USED: HTTPc_ERR = 213;
/// The message object is queued or being sent.
pub const HTTPc_ERR_WEBSOCK_MSG_IS_USED: HTTPc_ERR = 214;
/// Close code not allowed in a Close frame.
pub const HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE: HTTPc_ERR = 215;
/// Close reason too long (over 123 bytes) or buffer too small.
pub const HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN: HTTPc_ERR = 216;
/// WebSocket message queue full (legacy: never produced).
pub const HTTPc_ERR_WEBSOCK_MSG_Q_FULL: HTTPc_ERR = 217;
/// WebSocket message queue fault (legacy: never produced).
pub const HTTPc_ERR_WEBSOCK_MSG_Q_SIGNAL_FAULT: HTTPc_ERR = 218;
/// Protocol error: received RSV1 set without a negotiated extension.
pub const HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_1_SET: HTTPc_ERR = 219;
/// Protocol error: received RSV2 set.
pub const HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_2_SET: HTTPc_ERR = 220;
/// Protocol error: received RSV3 set.
pub const HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_3_SET: HTTPc_ERR = 221;
/// Protocol error: received a control frame longer than 125 bytes.
pub const HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_TOO_LONG: HTTPc_ERR = 222;
/// Protocol error: received a fragmented control frame.
pub const HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_FRAGMENTED: HTTPc_ERR = 223;
/// Protocol error: received an unknown opcode.
pub const HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE: HTTPc_ERR = 224;
/// Protocol error: continuation frame out of sequence.
pub const HTTPc_ERR_WEBSOCK_RX_FRAG_FRAME_SEQUENCE_INVALID: HTTPc_ERR = 225;
/// Protocol error: received an invalid close code.
pub const HTTPc_ERR_WEBSOCK_RX_CLOSE_CODE_INVALID: HTTPc_ERR = 226;
/// No handshake-request slot left.
pub const HTTPc_ERR_WEBSOCK_REQ_MEM_ERR: HTTPc_ERR = 227;
/// Base64 encoding of the handshake key failed.
pub const HTTPc_ERR_WEBSOCK_BASE64_ENCODE_FAIL: HTTPc_ERR = 228;
/// SHA-1 of the handshake key failed.
pub const HTTPc_ERR_WEBSOCK_SHA1_ENCODE_FAIL: HTTPc_ERR = 229;
/// `p_data` is NULL and the message has no `OnMsgTxData` hook.
pub const HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID: HTTPc_ERR = 230;
/// Non-blocking send without an `OnMsgTxComplete` hook.
pub const HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID: HTTPc_ERR = 231;
/// The message could not be sent (connection closed or failed first).
pub const HTTPc_ERR_WEBSOCK_SEND_ERROR: HTTPc_ERR = 232;
/// New, protocol error: the server sent a masked frame (RFC 6455 section 5.1).
pub const HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME: HTTPc_ERR = 233;
/// New: a text message or close reason is not valid UTF-8 (the close code is 1007).
pub const HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID: HTTPc_ERR = 234;
/// New: a received message exceeds the configured maximum (the close code is 1009).
pub const HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG: HTTPc_ERR = 235;
/// New: the server did not answer our Close frame in time.
pub const HTTPc_ERR_WEBSOCK_CLOSE_TIMEOUT: HTTPc_ERR = 236;
/// New: no Pong arrived in time after a keep-alive Ping.
pub const HTTPc_ERR_WEBSOCK_PONG_TIMEOUT: HTTPc_ERR = 237;
/// New: the buffer given by `OnMsgRxInit` is too small for the message.
pub const HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW: HTTPc_ERR = 238;

// ------------------------------------------------------------------------------------------
// Form fields
// ------------------------------------------------------------------------------------------

/// What an `HTTPc_FORM_TBL_FIELD` points to (legacy C enum; values are its indices).
pub type HTTPc_FORM_FIELD_TYPE = CPU_INT32U;

/// An `HTTPc_KEY_VAL`: a key and its value.
pub const HTTPc_FORM_FIELD_TYPE_KEY_VAL: HTTPc_FORM_FIELD_TYPE = 0;
/// An `HTTPc_KEY_VAL_EXT`: a key, its value given by the `OnValTx` hook (multipart only).
pub const HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT: HTTPc_FORM_FIELD_TYPE = 1;
/// An `HTTPc_MULTIPART_FILE`: a file given by the `OnFileTx` hook (multipart only).
pub const HTTPc_FORM_FIELD_TYPE_FILE: HTTPc_FORM_FIELD_TYPE = 2;

// ------------------------------------------------------------------------------------------
// WebSocket opcodes, message types, close codes
// ------------------------------------------------------------------------------------------

/// WebSocket frame opcode (RFC 6455 section 5.2).
pub type HTTPc_WEBSOCK_OPCODE = CPU_INT08U;

/// Continuation frame.
pub const HTTPc_WEBSOCK_OPCODE_CONTINUATION_FRAME: HTTPc_WEBSOCK_OPCODE = 0x0;
/// Text frame.
pub const HTTPc_WEBSOCK_OPCODE_TXT_FRAME: HTTPc_WEBSOCK_OPCODE = 0x1;
/// Binary frame.
pub const HTTPc_WEBSOCK_OPCODE_BIN_FRAME: HTTPc_WEBSOCK_OPCODE = 0x2;
/// Close frame.
pub const HTTPc_WEBSOCK_OPCODE_CLOSE: HTTPc_WEBSOCK_OPCODE = 0x8;
/// Ping frame.
pub const HTTPc_WEBSOCK_OPCODE_PING: HTTPc_WEBSOCK_OPCODE = 0x9;
/// Pong frame.
pub const HTTPc_WEBSOCK_OPCODE_PONG: HTTPc_WEBSOCK_OPCODE = 0xA;
/// No opcode (not an RFC 6455 value; internal "none").
pub const HTTPc_WEBSOCK_OPCODE_NONE: HTTPc_WEBSOCK_OPCODE = 0xFF;

/// Message type of `HTTPc_WebSockSend` and the receive hooks (legacy C enum; = the opcodes).
pub type HTTPc_WEBSOCK_MSG_TYPE = CPU_INT32U;

/// Text message.
pub const HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME: HTTPc_WEBSOCK_MSG_TYPE = 1;
/// Binary message.
pub const HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME: HTTPc_WEBSOCK_MSG_TYPE = 2;
/// Close frame (build its payload with `HTTPc_WebSockFmtCloseMsg`).
pub const HTTPc_WEBSOCK_MSG_TYPE_CLOSE: HTTPc_WEBSOCK_MSG_TYPE = 8;
/// Ping frame.
pub const HTTPc_WEBSOCK_MSG_TYPE_PING: HTTPc_WEBSOCK_MSG_TYPE = 9;
/// Pong frame (unsolicited Pongs are allowed).
pub const HTTPc_WEBSOCK_MSG_TYPE_PONG: HTTPc_WEBSOCK_MSG_TYPE = 10;

/// WebSocket close status code (RFC 6455 section 7.4). 1004 is reserved and has no name.
pub type HTTPc_WEBSOCK_CLOSE_CODE = CPU_INT16U;

/// No close code (not an RFC 6455 value; internal "none").
pub const HTTPc_WEBSOCK_CLOSE_CODE_NONE: HTTPc_WEBSOCK_CLOSE_CODE = 0;
/// 1000: normal closure.
pub const HTTPc_WEBSOCK_CLOSE_CODE_NORMAL: HTTPc_WEBSOCK_CLOSE_CODE = 1000;
/// 1001: endpoint going away.
pub const HTTPc_WEBSOCK_CLOSE_CODE_GOING_AWAY: HTTPc_WEBSOCK_CLOSE_CODE = 1001;
/// 1002: protocol error.
pub const HTTPc_WEBSOCK_CLOSE_CODE_PROTOCOL_ERR: HTTPc_WEBSOCK_CLOSE_CODE = 1002;
/// 1003: data type not accepted.
pub const HTTPc_WEBSOCK_CLOSE_CODE_DATA_TYPE_NOT_ALLOWED: HTTPc_WEBSOCK_CLOSE_CODE = 1003;
/// 1005: no status code was present. Never sent in a Close frame; invalid if received.
pub const HTTPc_WEBSOCK_CLOSE_CODE_NO_STATUS_RCVD: HTTPc_WEBSOCK_CLOSE_CODE = 1005;
/// 1006: closed without a Close frame. Never sent in a Close frame; invalid if received.
pub const HTTPc_WEBSOCK_CLOSE_CODE_ABNORMAL_CLOSURE: HTTPc_WEBSOCK_CLOSE_CODE = 1006;
/// 1007: data inconsistent with the message type (for example invalid UTF-8).
pub const HTTPc_WEBSOCK_CLOSE_CODE_DATA_TYPE_ERR: HTTPc_WEBSOCK_CLOSE_CODE = 1007;
/// 1008: policy violation.
pub const HTTPc_WEBSOCK_CLOSE_CODE_POLICY_VIOLATION: HTTPc_WEBSOCK_CLOSE_CODE = 1008;
/// 1009: message too big to process.
pub const HTTPc_WEBSOCK_CLOSE_CODE_MSG_TOO_BIG: HTTPc_WEBSOCK_CLOSE_CODE = 1009;
/// 1010: the client expected an extension the server did not negotiate.
pub const HTTPc_WEBSOCK_CLOSE_CODE_INVALID_EXT: HTTPc_WEBSOCK_CLOSE_CODE = 1010;
/// 1011: the server hit an unexpected condition.
pub const HTTPc_WEBSOCK_CLOSE_CODE_UNEXPECTED_CONDITION: HTTPc_WEBSOCK_CLOSE_CODE = 1011;
/// New, 1012 (IANA registry): the service is restarting.
pub const HTTPc_WEBSOCK_CLOSE_CODE_SERVICE_RESTART: HTTPc_WEBSOCK_CLOSE_CODE = 1012;
/// New, 1013 (IANA registry): try again later.
pub const HTTPc_WEBSOCK_CLOSE_CODE_TRY_AGAIN_LATER: HTTPc_WEBSOCK_CLOSE_CODE = 1013;
/// New, 1014 (IANA registry): bad gateway.
pub const HTTPc_WEBSOCK_CLOSE_CODE_BAD_GATEWAY: HTTPc_WEBSOCK_CLOSE_CODE = 1014;
/// 1015: TLS handshake failure. Never sent in a Close frame; invalid if received.
pub const HTTPc_WEBSOCK_CLOSE_CODE_TLS_HANDSHAKE: HTTPc_WEBSOCK_CLOSE_CODE = 1015;

// ------------------------------------------------------------------------------------------
// WebSocket lengths and handshake
// ------------------------------------------------------------------------------------------

/// Message length "not known yet": the message is streamed as fragments (`DEF_INT_32U_MAX_VAL`).
pub const HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED: CPU_INT32U = DEF_INT_32U_MAX_VAL;
/// Smallest payload of a frame with a 7-bit length.
pub const HTTPc_WEBSOCK_SMALL_FRAME_MIN_LEN: CPU_INT32U = 0;
/// Largest payload of a frame with a 7-bit length.
pub const HTTPc_WEBSOCK_SMALL_FRAME_MAX_LEN: CPU_INT32U = 125;
/// Smallest payload of a frame with a 16-bit length.
pub const HTTPc_WEBSOCK_NORMAL_FRAME_MIN_LEN: CPU_INT32U = 126;
/// Largest payload of a frame with a 16-bit length.
pub const HTTPc_WEBSOCK_NORMAL_FRAME_MAX_LEN: CPU_INT32U = 65_535;
/// 7-bit length code announcing a 16-bit length.
pub const HTTPc_WEBSOCK_NORMAL_FRAME_CODE: CPU_INT32U = 126;
/// Smallest payload of a frame with a 64-bit length.
pub const HTTPc_WEBSOCK_LONG_FRAME_MIN_LEN: CPU_INT32U = 65_536;
/// Largest payload this library sends or accepts in one frame (lengths are 32-bit).
pub const HTTPc_WEBSOCK_LONG_FRAME_MAX_LEN: CPU_INT32U = DEF_INT_32U_MAX_VAL;
/// 7-bit length code announcing a 64-bit length.
pub const HTTPc_WEBSOCK_LONG_FRAME_CODE: CPU_INT32U = 127;
/// Largest control-frame (Close, Ping, Pong) payload.
pub const HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN: CPU_INT32U = 125;
/// Length of the close code at the start of a Close payload.
pub const HTTPc_WEBSOCK_CLOSE_CODE_LEN: CPU_INT32U = 2;
/// Largest close reason (125 - 2 bytes).
pub const HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN: CPU_INT32U = 123;
/// Smallest frame header (no extended length, no mask).
pub const HTTPc_WEBSOCK_MIN_HEADER_LEN: CPU_INT32U = 2;
/// Largest frame header (64-bit length and mask).
pub const HTTPc_WEBSOCK_MAX_HEADER_LEN: CPU_INT32U = 14;
/// The only protocol version spoken (`Sec-WebSocket-Version: 13`).
pub const HTTPc_WEBSOCK_PROTOCOL_VERSION_13: CPU_INT32U = 13;
/// Length of the raw `Sec-WebSocket-Key` nonce.
pub const HTTPc_WEBSOCK_KEY_LEN: CPU_INT32U = 16;
/// Size of the base64 key with its NUL (24 + 1).
pub const HTTPc_WEBSOCK_KEY_ENCODED_LEN: CPU_INT32U = 25;
/// Length of the SHA-1 digest behind `Sec-WebSocket-Accept`.
pub const HTTPc_WEBSOCK_KEY_HASH_LEN: CPU_INT32U = 20;
/// Size of the base64 accept value with its NUL (28 + 1).
pub const HTTPc_WEBSOCK_KEY_HASH_ENCODED_LEN: CPU_INT32U = 29;
/// Size of `HTTPc_WEBSOCK_GUID_STRING` with its NUL (36 + 1), as legacy's
/// `sizeof(HTTPc_WEBSOCK_GUID_STRING)`.
pub const HTTPc_WEBSOCK_GUID_STRING_LEN: CPU_INT32U = 37;
/// Length of `HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR` without its NUL (2).
pub const HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR_LEN: CPU_INT32U = 2;
/// Length of the key and the GUID concatenated before hashing, without NULs (24 + 36).
pub const HTTPc_WEBSOCK_KEY_PRE_HASH_LEN: CPU_INT32U = 60;

/// The RFC 6455 handshake GUID. In C: the string macro `HTTPc_WEBSOCK_GUID_STRING`, hand-written
/// in `cbindgen.toml` (cbindgen cannot emit string constants).
pub const HTTPc_WEBSOCK_GUID_STRING: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// `"13"`. In C: the string macro `HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR`, hand-written in
/// `cbindgen.toml`.
pub const HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR: &str = "13";

// ------------------------------------------------------------------------------------------
// Limits and default timeouts
// ------------------------------------------------------------------------------------------

/// Smallest connection buffer accepted by `HTTPc_ConnOpen`.
pub const HTTPc_BUF_LEN_MIN: CPU_INT16U = 256;
/// Largest `HTTPc_CFG.TaskDly_ms`.
pub const HTTPc_TASK_DLY_MS_MAX: CPU_INT32U = 20;
/// How long a blocking `HTTPc_ConnOpen` waits for the connection, in ms.
pub const HTTPc_TASK_TIMEOUT_MS_CONN_CONNECT_DFLT: CPU_INT32U = 10_000;
/// How long a blocking `HTTPc_ConnClose` waits for the close, in ms.
pub const HTTPc_TASK_TIMEOUT_MS_CONN_CLOSE_DFLT: CPU_INT32U = 100;
/// How long a blocking `HTTPc_ReqSend`/`HTTPc_WebSockUpgrade`/`HTTPc_WebSockSend` waits, in ms.
pub const HTTPc_TASK_TIMEOUT_MS_TRANS_DFLT: CPU_INT32U = 30_000;

// ------------------------------------------------------------------------------------------
// Shared HTTP definitions (Micrium `http.h`)
// ------------------------------------------------------------------------------------------

#[cfg(not(HTTP_MODULE_PRESENT))]
pub use http::*;

/// httpc-ws (new): `Origin`, for `HTTPc_HDR` tables and the response-header hook. The legacy
/// `HTTP_HDR_FIELD` enum has no member for it, so a browser-style origin could not be sent; the
/// value follows the last legacy member and is defined even next to Micrium's `http.h`.
pub const HTTP_HDR_FIELD_ORIGIN: u32 = 53;

/// The `http.h` items; see the module docs for the `cfg`.
#[cfg(not(HTTP_MODULE_PRESENT))]
pub mod http {
    use super::NET_PORT_NBR;

    /// Default HTTP server port.
    pub const HTTP_DFLT_PORT_NBR: NET_PORT_NBR = 80;
    /// Default HTTPS server port (used when TLS is configured).
    pub const HTTP_DFLT_PORT_NBR_SECURE: NET_PORT_NBR = 443;

    /// Request method (legacy C enum index).
    pub type HTTP_METHOD = u32;

    /// `GET`.
    pub const HTTP_METHOD_GET: HTTP_METHOD = 0;
    /// `POST`.
    pub const HTTP_METHOD_POST: HTTP_METHOD = 1;
    /// `HEAD`.
    pub const HTTP_METHOD_HEAD: HTTP_METHOD = 2;
    /// `PUT`.
    pub const HTTP_METHOD_PUT: HTTP_METHOD = 3;
    /// `DELETE`.
    pub const HTTP_METHOD_DELETE: HTTP_METHOD = 4;
    /// `OPTIONS`.
    pub const HTTP_METHOD_OPTIONS: HTTP_METHOD = 5;
    /// `TRACE`.
    pub const HTTP_METHOD_TRACE: HTTP_METHOD = 6;
    /// `CONNECT`.
    pub const HTTP_METHOD_CONNECT: HTTP_METHOD = 7;
    /// Unknown method.
    pub const HTTP_METHOD_UNKNOWN: HTTP_METHOD = 8;

    /// Response status (legacy C enum index, NOT the numeric code: 101 is 1, 200 is 4).
    pub type HTTP_STATUS_CODE = u32;

    /// 100 Continue.
    pub const HTTP_STATUS_CONTINUE: HTTP_STATUS_CODE = 0;
    /// 101 Switching Protocols (a successful WebSocket upgrade).
    pub const HTTP_STATUS_SWITCHING_PROTOCOLS: HTTP_STATUS_CODE = 1;
    /// 102 Processing.
    pub const HTTP_STATUS_PROCESSING: HTTP_STATUS_CODE = 2;
    /// 103 Early Hints.
    pub const HTTP_STATUS_EARLY_HINTS: HTTP_STATUS_CODE = 3;
    /// 200 OK.
    pub const HTTP_STATUS_OK: HTTP_STATUS_CODE = 4;
    /// 201 Created.
    pub const HTTP_STATUS_CREATED: HTTP_STATUS_CODE = 5;
    /// 202 Accepted.
    pub const HTTP_STATUS_ACCEPTED: HTTP_STATUS_CODE = 6;
    /// 203 Non-Authoritative Information.
    pub const HTTP_STATUS_NON_AUTHORITATIVE_INFORMATION: HTTP_STATUS_CODE = 7;
    /// 204 No Content.
    pub const HTTP_STATUS_NO_CONTENT: HTTP_STATUS_CODE = 8;
    /// 205 Reset Content.
    pub const HTTP_STATUS_RESET_CONTENT: HTTP_STATUS_CODE = 9;
    /// 206 Partial Content.
    pub const HTTP_STATUS_PARTIAL_CONTENT: HTTP_STATUS_CODE = 10;
    /// 207 Multi-Status.
    pub const HTTP_STATUS_MULTI_STATUS: HTTP_STATUS_CODE = 11;
    /// 208 Already Reported.
    pub const HTTP_STATUS_ALREADY_REPORTED: HTTP_STATUS_CODE = 12;
    /// 226 IM Used.
    pub const HTTP_STATUS_IM_USED: HTTP_STATUS_CODE = 13;
    /// 300 Multiple Choices.
    pub const HTTP_STATUS_MULTIPLE_CHOICES: HTTP_STATUS_CODE = 14;
    /// 301 Moved Permanently.
    pub const HTTP_STATUS_MOVED_PERMANENTLY: HTTP_STATUS_CODE = 15;
    /// 302 Found.
    pub const HTTP_STATUS_FOUND: HTTP_STATUS_CODE = 16;
    /// 303 See Other.
    pub const HTTP_STATUS_SEE_OTHER: HTTP_STATUS_CODE = 17;
    /// 304 Not Modified.
    pub const HTTP_STATUS_NOT_MODIFIED: HTTP_STATUS_CODE = 18;
    /// 305 Use Proxy.
    pub const HTTP_STATUS_USE_PROXY: HTTP_STATUS_CODE = 19;
    /// 306 Switch Proxy (no longer used by HTTP).
    pub const HTTP_STATUS_SWITCH_PROXY: HTTP_STATUS_CODE = 20;
    /// 307 Temporary Redirect.
    pub const HTTP_STATUS_TEMPORARY_REDIRECT: HTTP_STATUS_CODE = 21;
    /// 308 Permanent Redirect.
    pub const HTTP_STATUS_PERMANENT_REDIRECT: HTTP_STATUS_CODE = 22;
    /// 400 Bad Request.
    pub const HTTP_STATUS_BAD_REQUEST: HTTP_STATUS_CODE = 23;
    /// 401 Unauthorized.
    pub const HTTP_STATUS_UNAUTHORIZED: HTTP_STATUS_CODE = 24;
    /// 403 Forbidden (the legacy table has no 402).
    pub const HTTP_STATUS_FORBIDDEN: HTTP_STATUS_CODE = 25;
    /// 404 Not Found.
    pub const HTTP_STATUS_NOT_FOUND: HTTP_STATUS_CODE = 26;
    /// 405 Method Not Allowed.
    pub const HTTP_STATUS_METHOD_NOT_ALLOWED: HTTP_STATUS_CODE = 27;
    /// 406 Not Acceptable.
    pub const HTTP_STATUS_NOT_ACCEPTABLE: HTTP_STATUS_CODE = 28;
    /// 407 Proxy Authentication Required.
    pub const HTTP_STATUS_PROXY_AUTHENTICATION_REQUIRED: HTTP_STATUS_CODE = 29;
    /// 408 Request Timeout.
    pub const HTTP_STATUS_REQUEST_TIMEOUT: HTTP_STATUS_CODE = 30;
    /// 409 Conflict.
    pub const HTTP_STATUS_CONFLICT: HTTP_STATUS_CODE = 31;
    /// 410 Gone.
    pub const HTTP_STATUS_GONE: HTTP_STATUS_CODE = 32;
    /// 411 Length Required.
    pub const HTTP_STATUS_LENGTH_REQUIRED: HTTP_STATUS_CODE = 33;
    /// 412 Precondition Failed.
    pub const HTTP_STATUS_PRECONDITION_FAILED: HTTP_STATUS_CODE = 34;
    /// 413 Request Entity Too Large.
    pub const HTTP_STATUS_REQUEST_ENTITY_TOO_LARGE: HTTP_STATUS_CODE = 35;
    /// 414 Request-URI Too Long.
    pub const HTTP_STATUS_REQUEST_URI_TOO_LONG: HTTP_STATUS_CODE = 36;
    /// 415 Unsupported Media Type.
    pub const HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE: HTTP_STATUS_CODE = 37;
    /// 416 Requested Range Not Satisfiable.
    pub const HTTP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE: HTTP_STATUS_CODE = 38;
    /// 417 Expectation Failed.
    pub const HTTP_STATUS_EXPECTATION_FAILED: HTTP_STATUS_CODE = 39;
    /// 421 Misdirected Request.
    pub const HTTP_STATUS_MISDIRECTED_REQUEST: HTTP_STATUS_CODE = 40;
    /// 422 Unprocessable Entity.
    pub const HTTP_STATUS_UNPROCESSABLE_ENTITY: HTTP_STATUS_CODE = 41;
    /// 423 Locked.
    pub const HTTP_STATUS_LOCKED: HTTP_STATUS_CODE = 42;
    /// 424 Failed Dependency.
    pub const HTTP_STATUS_FAILED_DEPENDENCY: HTTP_STATUS_CODE = 43;
    /// 426 Upgrade Required.
    pub const HTTP_STATUS_UPGRADE_REQUIRED: HTTP_STATUS_CODE = 44;
    /// 428 Precondition Required.
    pub const HTTP_STATUS_PRECONDITION_REQUIRED: HTTP_STATUS_CODE = 45;
    /// 429 Too Many Requests.
    pub const HTTP_STATUS_TOO_MANY_REQUESTS: HTTP_STATUS_CODE = 46;
    /// 431 Request Header Fields Too Large.
    pub const HTTP_STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE: HTTP_STATUS_CODE = 47;
    /// 451 Unavailable For Legal Reasons.
    pub const HTTP_STATUS_UNAVAILABLE_FOR_LEGAL_REASONS: HTTP_STATUS_CODE = 48;
    /// 500 Internal Server Error.
    pub const HTTP_STATUS_INTERNAL_SERVER_ERR: HTTP_STATUS_CODE = 49;
    /// 501 Not Implemented.
    pub const HTTP_STATUS_NOT_IMPLEMENTED: HTTP_STATUS_CODE = 50;
    /// 502 Bad Gateway.
    pub const HTTP_STATUS_BAD_GATEWAY: HTTP_STATUS_CODE = 51;
    /// 503 Service Unavailable.
    pub const HTTP_STATUS_SERVICE_UNAVAILABLE: HTTP_STATUS_CODE = 52;
    /// 504 Gateway Timeout.
    pub const HTTP_STATUS_GATEWAY_TIMEOUT: HTTP_STATUS_CODE = 53;
    /// 505 HTTP Version Not Supported.
    pub const HTTP_STATUS_HTTP_VERSION_NOT_SUPPORTED: HTTP_STATUS_CODE = 54;
    /// 506 Variant Also Negotiates.
    pub const HTTP_STATUS_VARIANT_ALSO_NEGOTIATES: HTTP_STATUS_CODE = 55;
    /// 507 Insufficient Storage.
    pub const HTTP_STATUS_INSUFFICIENT_STORAGE: HTTP_STATUS_CODE = 56;
    /// 508 Loop Detected.
    pub const HTTP_STATUS_LOOP_DETECTED: HTTP_STATUS_CODE = 57;
    /// 510 Not Extended.
    pub const HTTP_STATUS_NOT_EXTENDED: HTTP_STATUS_CODE = 58;
    /// 511 Network Authentication Required.
    pub const HTTP_STATUS_NETWORK_AUTHENTICATION_REQUIRED: HTTP_STATUS_CODE = 59;
    /// Any status code not listed above (402, 418, 425, …).
    pub const HTTP_STATUS_UNKNOWN: HTTP_STATUS_CODE = 60;

    /// Header field (legacy C enum index; `UNKNOWN` is 0 here, unlike the other HTTP enums).
    pub type HTTP_HDR_FIELD = u32;

    /// Any header not listed below.
    pub const HTTP_HDR_FIELD_UNKNOWN: HTTP_HDR_FIELD = 0;
    /// `Content-Type`.
    pub const HTTP_HDR_FIELD_CONTENT_TYPE: HTTP_HDR_FIELD = 1;
    /// `Content-Length`.
    pub const HTTP_HDR_FIELD_CONTENT_LEN: HTTP_HDR_FIELD = 2;
    /// `Content-Disposition`.
    pub const HTTP_HDR_FIELD_CONTENT_DISPOSITION: HTTP_HDR_FIELD = 3;
    /// `Host`.
    pub const HTTP_HDR_FIELD_HOST: HTTP_HDR_FIELD = 4;
    /// `Location`.
    pub const HTTP_HDR_FIELD_LOCATION: HTTP_HDR_FIELD = 5;
    /// `Connection`.
    pub const HTTP_HDR_FIELD_CONN: HTTP_HDR_FIELD = 6;
    /// `Transfer-Encoding`.
    pub const HTTP_HDR_FIELD_TRANSFER_ENCODING: HTTP_HDR_FIELD = 7;
    /// `Accept`.
    pub const HTTP_HDR_FIELD_ACCEPT: HTTP_HDR_FIELD = 8;
    /// `Accept-Charset`.
    pub const HTTP_HDR_FIELD_ACCEPT_CHARSET: HTTP_HDR_FIELD = 9;
    /// `Accept-Encoding`.
    pub const HTTP_HDR_FIELD_ACCEPT_ENCODING: HTTP_HDR_FIELD = 10;
    /// `Accept-Language`.
    pub const HTTP_HDR_FIELD_ACCEPT_LANGUAGE: HTTP_HDR_FIELD = 11;
    /// `Accept-Ranges`.
    pub const HTTP_HDR_FIELD_ACCEPT_RANGES: HTTP_HDR_FIELD = 12;
    /// `Age`.
    pub const HTTP_HDR_FIELD_AGE: HTTP_HDR_FIELD = 13;
    /// `Allow`.
    pub const HTTP_HDR_FIELD_ALLOW: HTTP_HDR_FIELD = 14;
    /// `Authorization`.
    pub const HTTP_HDR_FIELD_AUTHORIZATION: HTTP_HDR_FIELD = 15;
    /// `Content-Encoding`.
    pub const HTTP_HDR_FIELD_CONTENT_ENCODING: HTTP_HDR_FIELD = 16;
    /// `Content-Language`.
    pub const HTTP_HDR_FIELD_CONTENT_LANGUAGE: HTTP_HDR_FIELD = 17;
    /// `Content-Location`.
    pub const HTTP_HDR_FIELD_CONTENT_LOCATION: HTTP_HDR_FIELD = 18;
    /// `Content-MD5`.
    pub const HTTP_HDR_FIELD_CONTENT_MD5: HTTP_HDR_FIELD = 19;
    /// `Content-Range`.
    pub const HTTP_HDR_FIELD_CONTENT_RANGE: HTTP_HDR_FIELD = 20;
    /// `Cookie`.
    pub const HTTP_HDR_FIELD_COOKIE: HTTP_HDR_FIELD = 21;
    /// `Cookie2`.
    pub const HTTP_HDR_FIELD_COOKIE2: HTTP_HDR_FIELD = 22;
    /// `Date`.
    pub const HTTP_HDR_FIELD_DATE: HTTP_HDR_FIELD = 23;
    /// `ETag`.
    pub const HTTP_HDR_FIELD_ETAG: HTTP_HDR_FIELD = 24;
    /// `Expect`.
    pub const HTTP_HDR_FIELD_EXPECT: HTTP_HDR_FIELD = 25;
    /// `Expires`.
    pub const HTTP_HDR_FIELD_EXPIRES: HTTP_HDR_FIELD = 26;
    /// `From`.
    pub const HTTP_HDR_FIELD_FROM: HTTP_HDR_FIELD = 27;
    /// `If-Modified-Since`.
    pub const HTTP_HDR_FIELD_IF_MODIFIED_SINCE: HTTP_HDR_FIELD = 28;
    /// `If-Match`.
    pub const HTTP_HDR_FIELD_IF_MATCH: HTTP_HDR_FIELD = 29;
    /// `If-None-Match`.
    pub const HTTP_HDR_FIELD_IF_NONE_MATCH: HTTP_HDR_FIELD = 30;
    /// `If-Range`.
    pub const HTTP_HDR_FIELD_IF_RANGE: HTTP_HDR_FIELD = 31;
    /// `If-Unmodified-Since`.
    pub const HTTP_HDR_FIELD_IF_UNMODIFIED_SINCE: HTTP_HDR_FIELD = 32;
    /// `Last-Modified`.
    pub const HTTP_HDR_FIELD_LAST_MODIFIED: HTTP_HDR_FIELD = 33;
    /// `Range`.
    pub const HTTP_HDR_FIELD_RANGE: HTTP_HDR_FIELD = 34;
    /// `Referer`.
    pub const HTTP_HDR_FIELD_REFERER: HTTP_HDR_FIELD = 35;
    /// `Retry-After`.
    pub const HTTP_HDR_FIELD_RETRY_AFTER: HTTP_HDR_FIELD = 36;
    /// `Server`.
    pub const HTTP_HDR_FIELD_SERVER: HTTP_HDR_FIELD = 37;
    /// `Set-Cookie`.
    pub const HTTP_HDR_FIELD_SET_COOKIE: HTTP_HDR_FIELD = 38;
    /// `Set-Cookie2`.
    pub const HTTP_HDR_FIELD_SET_COOKIE2: HTTP_HDR_FIELD = 39;
    /// `TE`.
    pub const HTTP_HDR_FIELD_TE: HTTP_HDR_FIELD = 40;
    /// `Trailer`.
    pub const HTTP_HDR_FIELD_TRAILER: HTTP_HDR_FIELD = 41;
    /// `Upgrade`.
    pub const HTTP_HDR_FIELD_UPGRADE: HTTP_HDR_FIELD = 42;
    /// `User-Agent`.
    pub const HTTP_HDR_FIELD_USER_AGENT: HTTP_HDR_FIELD = 43;
    /// `Vary`.
    pub const HTTP_HDR_FIELD_VARY: HTTP_HDR_FIELD = 44;
    /// `Via`.
    pub const HTTP_HDR_FIELD_VIA: HTTP_HDR_FIELD = 45;
    /// `Warning`.
    pub const HTTP_HDR_FIELD_WARNING: HTTP_HDR_FIELD = 46;
    /// `WWW-Authenticate`.
    pub const HTTP_HDR_FIELD_WWW_AUTHENTICATE: HTTP_HDR_FIELD = 47;
    /// `Sec-WebSocket-Key`.
    pub const HTTP_HDR_FIELD_WEBSOCKET_KEY: HTTP_HDR_FIELD = 48;
    /// `Sec-WebSocket-Accept`.
    pub const HTTP_HDR_FIELD_WEBSOCKET_ACCEPT: HTTP_HDR_FIELD = 49;
    /// `Sec-WebSocket-Version`.
    pub const HTTP_HDR_FIELD_WEBSOCKET_VERSION: HTTP_HDR_FIELD = 50;
    /// `Sec-WebSocket-Protocol`.
    pub const HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL: HTTP_HDR_FIELD = 51;
    /// `Sec-WebSocket-Extensions`.
    pub const HTTP_HDR_FIELD_WEBSOCKET_EXTENSIONS: HTTP_HDR_FIELD = 52;

    /// Body content type (legacy C enum index).
    pub type HTTP_CONTENT_TYPE = u32;

    /// Unknown content type.
    pub const HTTP_CONTENT_TYPE_UNKNOWN: HTTP_CONTENT_TYPE = 0;
    /// No content.
    pub const HTTP_CONTENT_TYPE_NONE: HTTP_CONTENT_TYPE = 1;
    /// `text/html`.
    pub const HTTP_CONTENT_TYPE_HTML: HTTP_CONTENT_TYPE = 2;
    /// `application/octet-stream`.
    pub const HTTP_CONTENT_TYPE_OCTET_STREAM: HTTP_CONTENT_TYPE = 3;
    /// `application/pdf`.
    pub const HTTP_CONTENT_TYPE_PDF: HTTP_CONTENT_TYPE = 4;
    /// `application/zip`.
    pub const HTTP_CONTENT_TYPE_ZIP: HTTP_CONTENT_TYPE = 5;
    /// `image/gif`.
    pub const HTTP_CONTENT_TYPE_GIF: HTTP_CONTENT_TYPE = 6;
    /// `image/jpeg`.
    pub const HTTP_CONTENT_TYPE_JPEG: HTTP_CONTENT_TYPE = 7;
    /// `image/png`.
    pub const HTTP_CONTENT_TYPE_PNG: HTTP_CONTENT_TYPE = 8;
    /// `text/javascript`.
    pub const HTTP_CONTENT_TYPE_JS: HTTP_CONTENT_TYPE = 9;
    /// `text/plain`.
    pub const HTTP_CONTENT_TYPE_PLAIN: HTTP_CONTENT_TYPE = 10;
    /// `text/css`.
    pub const HTTP_CONTENT_TYPE_CSS: HTTP_CONTENT_TYPE = 11;
    /// `application/json`.
    pub const HTTP_CONTENT_TYPE_JSON: HTTP_CONTENT_TYPE = 12;
    /// `application/x-www-form-urlencoded`.
    pub const HTTP_CONTENT_TYPE_APP_FORM: HTTP_CONTENT_TYPE = 13;
    /// `multipart/form-data`.
    pub const HTTP_CONTENT_TYPE_MULTIPART_FORM: HTTP_CONTENT_TYPE = 14;
    /// WebSocket text data (defined by the legacy, unused by the client).
    pub const HTTP_CONTENT_TYPE_WEBSOCK_TXT_DATA: HTTP_CONTENT_TYPE = 15;
    /// WebSocket binary data (defined by the legacy, unused by the client).
    pub const HTTP_CONTENT_TYPE_WEBSOCK_BIN_DATA: HTTP_CONTENT_TYPE = 16;

    /// HTTP version of a response (legacy C enum index).
    pub type HTTP_PROTOCOL_VER = u32;

    /// `HTTP/0.9`.
    pub const HTTP_PROTOCOL_VER_0_9: HTTP_PROTOCOL_VER = 0;
    /// `HTTP/1.0`.
    pub const HTTP_PROTOCOL_VER_1_0: HTTP_PROTOCOL_VER = 1;
    /// `HTTP/1.1`.
    pub const HTTP_PROTOCOL_VER_1_1: HTTP_PROTOCOL_VER = 2;
    /// Unknown version.
    pub const HTTP_PROTOCOL_VER_UNKNOWN: HTTP_PROTOCOL_VER = 3;
}

// ------------------------------------------------------------------------------------------
// Lookups
// ------------------------------------------------------------------------------------------

/// The named fields with their enum value (tests walk the table with it).
#[cfg(test)]
fn hdr_names() -> impl Iterator<Item = (HTTP_HDR_FIELD, &'static [u8])> {
    LEGACY_HEADERS
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .zip(1..)
        .map(|(name, field)| (field, name))
}

/// The standard name of a header field, as sent on the wire (`Connection`,
/// `Sec-WebSocket-Key`, …). `None` for `HTTP_HDR_FIELD_UNKNOWN` and for unknown values.
pub fn hdr_field_name(field: HTTP_HDR_FIELD) -> Option<&'static [u8]> {
    nth_name(LEGACY_HEADERS, usize::try_from(field.checked_sub(1)?).ok()?)
}

/// The header field for a received header name, compared ASCII case-insensitively
/// (`"sec-websocket-accept"` gives `HTTP_HDR_FIELD_WEBSOCKET_ACCEPT`). `None` when the name is
/// not one of the known fields; callers that need the legacy value use
/// `HTTP_HDR_FIELD_UNKNOWN`.
pub fn hdr_field_from_name(name: &[u8]) -> Option<HTTP_HDR_FIELD> {
    // The crate's one name lookup (the fields are numbered from 1, in the table's order).
    let index = lookup_ci(LEGACY_HEADERS, name) as HTTP_HDR_FIELD;
    (index < HTTP_HDR_FIELD_ORIGIN).then_some(index + 1)
}

/// Numeric code of every named `HTTP_STATUS_CODE` (all but `UNKNOWN`), in enum order (the
/// legacy enum is in ascending order: `HTTP_STATUS_CONTINUE` is 0, 100), each as its step from
/// the one before, the first from 100: 60 bytes rather than 120 (every step is under 256).
#[rustfmt::skip]
static STATUS_STEPS: [u8; 60] = [
    0, 1, 1, 1, 97, 1, 1, 1, 1, 1, 1, 1, 1, 18, 74, 1, 1, 1, 1, 1, 1, 1, 1, 92, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 2, 2, 1, 2, 20, 49, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1,
];

/// The `HTTP_STATUS_CODE` enum value for a numeric status from a status line (101 gives
/// `HTTP_STATUS_SWITCHING_PROTOCOLS`, 200 gives `HTTP_STATUS_OK`). Numbers the legacy enum does
/// not list give `HTTP_STATUS_UNKNOWN`.
pub fn status_code_from_number(code: u16) -> HTTP_STATUS_CODE {
    let mut n = 100u16;
    for (i, &step) in STATUS_STEPS.iter().enumerate() {
        n += u16::from(step);
        if n == code {
            // At most 59: the cast is exact.
            return i as HTTP_STATUS_CODE;
        }
    }
    HTTP_STATUS_UNKNOWN
}

/// The numeric status for an `HTTP_STATUS_CODE` enum value (`HTTP_STATUS_OK` gives 200).
/// `None` for `HTTP_STATUS_UNKNOWN` and for values outside the enum.
pub fn status_code_to_number(code: HTTP_STATUS_CODE) -> Option<u16> {
    let steps = STATUS_STEPS.get(..=usize::try_from(code).ok()?)?;
    // At most 100 + 60 * 255: no overflow.
    Some(steps.iter().fold(100, |n, &step| n + u16::from(step)))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn hdr_table_covers_every_named_field_once_in_enum_order() {
        assert_eq!(hdr_names().count() as u32, HTTP_HDR_FIELD_ORIGIN);
        assert_eq!(
            HTTP_HDR_FIELD_ORIGIN,
            HTTP_HDR_FIELD_WEBSOCKET_EXTENSIONS + 1
        );
        assert_eq!(hdr_field_name(HTTP_HDR_FIELD_ORIGIN), Some(&b"Origin"[..]));
        assert_eq!(hdr_field_from_name(b"origin"), Some(HTTP_HDR_FIELD_ORIGIN));
        assert_eq!(
            hdr_field_name(HTTP_HDR_FIELD_WEBSOCKET_EXTENSIONS),
            Some(&b"Sec-WebSocket-Extensions"[..])
        );
        assert_eq!(
            hdr_field_name(HTTP_HDR_FIELD_CONTENT_TYPE),
            Some(&b"Content-Type"[..])
        );
        assert!(hdr_names().all(|(_, n)| !n.is_empty() && !n.contains(&0)));
    }

    #[test]
    fn hdr_field_name_known_and_unknown() {
        assert_eq!(
            hdr_field_name(HTTP_HDR_FIELD_CONN),
            Some(&b"Connection"[..])
        );
        assert_eq!(
            hdr_field_name(HTTP_HDR_FIELD_UPGRADE),
            Some(&b"Upgrade"[..])
        );
        assert_eq!(
            hdr_field_name(HTTP_HDR_FIELD_WEBSOCKET_KEY),
            Some(&b"Sec-WebSocket-Key"[..])
        );
        assert_eq!(
            hdr_field_name(HTTP_HDR_FIELD_WEBSOCKET_EXTENSIONS),
            Some(&b"Sec-WebSocket-Extensions"[..])
        );
        assert_eq!(
            hdr_field_name(HTTP_HDR_FIELD_CONTENT_TYPE),
            Some(&b"Content-Type"[..])
        );
        assert_eq!(hdr_field_name(HTTP_HDR_FIELD_UNKNOWN), None);
        assert_eq!(hdr_field_name(54), None);
        assert_eq!(hdr_field_name(u32::MAX), None);
    }

    #[test]
    fn hdr_field_from_name_is_case_insensitive() {
        assert_eq!(
            hdr_field_from_name(b"Connection"),
            Some(HTTP_HDR_FIELD_CONN)
        );
        assert_eq!(
            hdr_field_from_name(b"connection"),
            Some(HTTP_HDR_FIELD_CONN)
        );
        assert_eq!(
            hdr_field_from_name(b"CONNECTION"),
            Some(HTTP_HDR_FIELD_CONN)
        );
        assert_eq!(
            hdr_field_from_name(b"sec-websocket-accept"),
            Some(HTTP_HDR_FIELD_WEBSOCKET_ACCEPT)
        );
        assert_eq!(hdr_field_from_name(b"te"), Some(HTTP_HDR_FIELD_TE));
    }

    #[test]
    fn hdr_field_from_name_needs_the_whole_name() {
        // Not a prefix match (the legacy compared prefixes): these must not resolve.
        assert_eq!(hdr_field_from_name(b"Conn"), None);
        assert_eq!(hdr_field_from_name(b"Connection2"), None);
        assert_eq!(hdr_field_from_name(b"Sec-WebSocket-Key "), None);
        assert_eq!(hdr_field_from_name(b""), None);
        assert_eq!(hdr_field_from_name(b"X-Custom"), None);
        assert_eq!(hdr_field_from_name(&[0xFF, 0xFE]), None);
    }

    #[test]
    fn hdr_name_round_trip() {
        for field in 0..=60 {
            if let Some(name) = hdr_field_name(field) {
                assert_eq!(hdr_field_from_name(name), Some(field));
            }
        }
        // Every entry of the table, both ways, in any case; nothing else.
        let mut named = 0;
        for (field, name) in hdr_names() {
            assert_eq!(hdr_field_name(field), Some(name));
            assert_eq!(hdr_field_from_name(&name.to_ascii_lowercase()), Some(field));
            assert_eq!(hdr_field_from_name(&name.to_ascii_uppercase()), Some(field));
            named += 1;
        }
        assert_eq!(named, HTTP_HDR_FIELD_ORIGIN);
        assert_eq!(hdr_field_name(named + 1), None);
    }

    #[test]
    fn status_table_covers_every_named_code_once_in_enum_order() {
        assert_eq!(STATUS_STEPS.len() as u32, HTTP_STATUS_UNKNOWN);
        // Strictly ascending: every step after the first is at least 1.
        assert!(STATUS_STEPS.iter().skip(1).all(|&s| s > 0));
        assert_eq!(status_code_to_number(HTTP_STATUS_CONTINUE), Some(100));
        assert_eq!(
            status_code_to_number(HTTP_STATUS_NETWORK_AUTHENTICATION_REQUIRED),
            Some(511)
        );
        assert_eq!(status_code_to_number(HTTP_STATUS_FORBIDDEN), Some(403));
    }

    #[test]
    fn status_code_from_number_known() {
        assert_eq!(status_code_from_number(100), HTTP_STATUS_CONTINUE);
        assert_eq!(
            status_code_from_number(101),
            HTTP_STATUS_SWITCHING_PROTOCOLS
        );
        assert_eq!(status_code_from_number(101), 1);
        assert_eq!(status_code_from_number(200), HTTP_STATUS_OK);
        assert_eq!(status_code_from_number(200), 4);
        assert_eq!(status_code_from_number(226), HTTP_STATUS_IM_USED);
        assert_eq!(status_code_from_number(306), HTTP_STATUS_SWITCH_PROXY);
        assert_eq!(status_code_from_number(403), HTTP_STATUS_FORBIDDEN);
        assert_eq!(status_code_from_number(426), HTTP_STATUS_UPGRADE_REQUIRED);
        assert_eq!(
            status_code_from_number(511),
            HTTP_STATUS_NETWORK_AUTHENTICATION_REQUIRED
        );
    }

    #[test]
    fn status_code_from_number_unknown() {
        for n in [
            0,
            1,
            99,
            104,
            199,
            299,
            402,
            418,
            425,
            509,
            512,
            599,
            600,
            999,
            u16::MAX,
        ] {
            assert_eq!(status_code_from_number(n), HTTP_STATUS_UNKNOWN, "{n}");
        }
    }

    #[test]
    fn status_number_round_trip() {
        for n in 0..=u16::MAX {
            let code = status_code_from_number(n);
            match status_code_to_number(code) {
                Some(back) => assert_eq!(back, n),
                None => assert_eq!(code, HTTP_STATUS_UNKNOWN),
            }
        }
        assert_eq!(status_code_to_number(HTTP_STATUS_UNKNOWN), None);
        assert_eq!(status_code_to_number(61), None);
    }

    #[test]
    fn err_families() {
        assert_eq!(
            HTTPc_ERR_NONE & HTTPc_ERR_FAMILY_MASK,
            HTTPc_ERR_INIT_CFG_FAMILY
        );
        assert_eq!(
            HTTPc_ERR_INIT_PORT_INVALID & HTTPc_ERR_FAMILY_MASK,
            HTTPc_ERR_INIT_CFG_FAMILY
        );
        assert_eq!(
            HTTPc_ERR_CONN_SOCK_CLOSED & HTTPc_ERR_FAMILY_MASK,
            HTTPc_ERR_CONN_FAMILY
        );
        assert_eq!(
            HTTPc_ERR_RESP_HDR_TOO_LARGE & HTTPc_ERR_FAMILY_MASK,
            HTTPc_ERR_TRANS_FAMILY
        );
        // Legacy quirk, documented: 192 and up mask to 0xC0, which has no named family.
        assert_eq!(HTTPc_ERR_WEBSOCK_SEND_ERROR & HTTPc_ERR_FAMILY_MASK, 0xC0);
        assert_eq!(
            HTTPc_ERR_RESP_WEBSOCK_CONN_INVALID & HTTPc_ERR_FAMILY_MASK,
            0xC0
        );
    }

    #[test]
    fn conn_state_families() {
        let fam = |s: HTTPc_CONN_STATE| s & HTTPc_CONN_STATE_FAMILY_MASK;
        assert_eq!(
            fam(HTTPc_CONN_STATE_WEBSOCK_ERR),
            HTTPc_CONN_STATE_FLOW_FAMILY
        );
        assert_eq!(fam(HTTPc_CONN_STATE_REQ_END), HTTPc_CONN_STATE_REQ_FAMILY);
        assert_eq!(
            fam(HTTPc_CONN_STATE_RESP_COMPLETED),
            HTTPc_CONN_STATE_RESP_FAMILY
        );
        assert_eq!(
            fam(HTTPc_CONN_STATE_WEBSOCK_RXTX),
            HTTPc_CONN_STATE_WEBSOCK_FAMILY
        );
    }

    #[test]
    fn ws_constants_are_consistent() {
        assert_eq!(HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED, u32::MAX);
        assert_eq!(
            HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN,
            HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN - HTTPc_WEBSOCK_CLOSE_CODE_LEN
        );
        assert_eq!(
            HTTPc_WEBSOCK_NORMAL_FRAME_MIN_LEN,
            HTTPc_WEBSOCK_SMALL_FRAME_MAX_LEN + 1
        );
        assert_eq!(
            HTTPc_WEBSOCK_LONG_FRAME_MIN_LEN,
            HTTPc_WEBSOCK_NORMAL_FRAME_MAX_LEN + 1
        );
        assert_eq!(HTTPc_WEBSOCK_GUID_STRING.len(), 36);
        assert_eq!(
            HTTPc_WEBSOCK_GUID_STRING_LEN as usize,
            HTTPc_WEBSOCK_GUID_STRING.len() + 1
        );
        assert_eq!(
            HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR_LEN as usize,
            HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR.len()
        );
        assert_eq!(
            HTTPc_WEBSOCK_KEY_PRE_HASH_LEN,
            (HTTPc_WEBSOCK_KEY_ENCODED_LEN - 1) + (HTTPc_WEBSOCK_GUID_STRING_LEN - 1)
        );
        // base64 of n bytes is 4 * ceil(n / 3) chars, plus the NUL.
        assert_eq!(
            HTTPc_WEBSOCK_KEY_ENCODED_LEN,
            HTTPc_WEBSOCK_KEY_LEN.div_ceil(3) * 4 + 1
        );
        assert_eq!(
            HTTPc_WEBSOCK_KEY_HASH_ENCODED_LEN,
            HTTPc_WEBSOCK_KEY_HASH_LEN.div_ceil(3) * 4 + 1
        );
        for t in [
            HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
            HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
            HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
            HTTPc_WEBSOCK_MSG_TYPE_PING,
            HTTPc_WEBSOCK_MSG_TYPE_PONG,
        ] {
            assert!(matches!(t, 1 | 2 | 8 | 9 | 10));
        }
        assert_eq!(
            u32::from(HTTPc_WEBSOCK_OPCODE_PONG),
            HTTPc_WEBSOCK_MSG_TYPE_PONG
        );
    }
}
