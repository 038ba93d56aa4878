//! The library state kept inside the application's objects.
//!
//! Each `*_OBJ` has a `Reserved` array of pointer-sized words; the matching state struct lives
//! there (reached only through `handle.rs`). Compile-time asserts below prove it fits (size and alignment) on every target we
//! build, so the header's sizes hold on 32- and 64-bit alike. A magic number set by the
//! `*Clr` functions tells a cleared object from garbage.

use core::ffi::c_void;
use core::mem::{align_of, offset_of, size_of};

use super::app::{AppBuf, AppBytes, AppForm, AppPath, AppTable};
use super::connbuf::ConnBuf;
use super::consts::*;
use super::global::Held;
use super::handle::{Conn, Msg, Obj, Req, Resp, Ws};
use super::objects::*;
use super::port::Io;
use super::types::*;
use crate::proto::http::ResponseParser;
use crate::proto::mask::Masker;
use crate::proto::session::{Config, Session};

mod clearing;
mod flag_bits;
mod wait_slot;
pub(crate) use flag_bits::*;
pub(crate) use wait_slot::WaitSlot;

pub(crate) const CONN_MAGIC: u32 = 0x4854_4343; // "HTCC"
pub(crate) const REQ_MAGIC: u32 = 0x4854_4352; // "HTCR"
pub(crate) const WS_MAGIC: u32 = 0x4854_4357; // "HTCW"
pub(crate) const MSG_MAGIC: u32 = 0x4854_434D; // "HTCM"

/// Default of `HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS`: as long as the legacy transaction
/// wait, so a peer that only reads slowly is not cut off, while one that stopped is.
pub(crate) const TX_STALL_TIMEOUT_MS_DFLT: u32 = 30_000;

/// An `HTTPc_ERR` or `HTTPc_CONN_CLOSE_STATUS` kept in one byte (a word each would make
/// `HTTPc_CONN_OBJ` 12 bytes larger): every value the library produces is below 256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code8(u8);

// The largest error code (status codes end at 4).
const _: () = assert!(HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW == 238);

impl Code8 {
    pub(crate) const fn new(code: u32) -> Self {
        Code8(code as u8)
    }

    pub(crate) const fn get(self) -> u32 {
        self.0 as u32
    }
}

/// Where a connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Cleared or released: not in the engine's list.
    Idle,
    /// `HTTPc_ConnOpen` queued it; the engine has not called `Connect` yet.
    OpenQueued,
    /// `Connect` returned "in progress".
    Connecting,
    /// TCP up, no WebSocket yet.
    Connected,
    /// A request head is being written during an API call (its hooks may run): no other
    /// transaction may start on the connection until the call ends.
    Head,
    /// Sending the upgrade request.
    UpgradeTx,
    /// Reading the upgrade response.
    UpgradeRx,
    /// Skipping the body of a refused upgrade's response (`Content-Length` bytes).
    Discard,
    /// WebSocket open (or closing).
    WebSock,
    /// Sending a plain request (`HTTPc_ReqSend`): its head, then its body.
    ReqTx,
    /// Reading a plain request's response: its head, then its body.
    ReqRx,
    /// Closed, its close hooks running (the request's, the WebSocket's, the messages'): still
    /// in use, as legacy's connection was until its `OnClose`, which comes once `Idle`.
    Closing,
}

/// Connection state, in `HTTPc_CONN_OBJ::Reserved`.
#[repr(C)]
pub(crate) struct ConnState {
    pub magic: u32,
    pub phase: Phase,
    /// `CONN_*` flags.
    pub flags: Flags8,
    /// The readiness last handed to the port's `Watch` (0: none, or not watched).
    pub watched: u8,
    /// Status and error the engine reports when it performs a requested close.
    pub close_req_status: Code8,
    pub close_req_err: Code8,
    /// How the connection ended (a blocking open reports `err`).
    pub err: Code8,
    /// `HTTPc_PARAM_TYPE_SERVER_PORT`; 0 (never valid there): not set, see `server_port`.
    pub port: u16,
    pub connect_timeout_ms: u16,
    pub inactivity_s: u16,
    /// When the connect, or the transaction, started: their deadlines run from here. Once the
    /// WebSocket is open (neither runs then), the last time its send path moved a byte or had
    /// nothing to send: the send-stall deadline's start.
    pub clock_ms: u32,
    /// `HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS`: the transaction's deadline.
    pub trans_timeout_ms: u32,
    /// Body bytes of a refused upgrade's response still to skip (see `CONN_BODY_UNBOUNDED`);
    /// of a plain request's body still to send.
    pub body_left: u32,
    /// The application's buffer (`HTTPc_ConnOpen`) and its cursors.
    pub buf: ConnBuf,
    pub handle: *mut c_void,
    /// The host name (NUL-terminated; its length without the NUL for the `Host` header).
    pub host: AppBytes,
    pub secure_cn: *const CPU_CHAR,
    pub trust: NET_SOCK_SECURE_TRUST_FNCT,
    pub on_connect: HTTPc_CONNECT_CALLBACK,
    pub on_close: HTTPc_CONN_CLOSE_CALLBACK,
    /// The next connection in the engine's list.
    pub next: Option<Conn>,
    /// Plain requests waiting for the one in progress to end, in order (linked through their
    /// `next`).
    pub queue: Option<Req>,
    /// The objects attached by `HTTPc_WebSockUpgrade` or `HTTPc_ReqSend`.
    pub req: Option<Req>,
    pub resp: Option<Resp>,
    pub ws: Option<Ws>,
}

impl ConnState {
    /// The socket handle changed (a new one, or NULL once closed): the port's watch of the
    /// old one is gone with it, so nothing is watched for the new one yet.
    pub(crate) fn set_handle(&mut self, handle: *mut c_void) {
        self.handle = handle;
        self.watched = 0;
    }

    // ----- Transitions: every change of `phase` is one of these ----------------------------

    /// `HTTPc_ConnOpen`: queued for the engine, with the buffer and host it lent.
    pub(crate) fn queue_open(&mut self, buf: ConnBuf, host: AppBytes, no_block: bool) {
        self.buf = buf;
        self.host = host;
        self.flags.set(CONN_NO_BLOCK, no_block);
        self.flags.set(CONN_WEBSOCKET, false);
        self.err = Code8::new(HTTPc_ERR_NONE);
        self.phase = Phase::OpenQueued;
    }

    /// `Connect` returned "in progress" with `handle`.
    pub(crate) fn connecting(&mut self, handle: *mut c_void) {
        self.set_handle(handle);
        self.phase = Phase::Connecting;
    }

    /// The connect succeeded. (A failed one ends as any connection: `teardown`.)
    pub(crate) fn connect_done(&mut self) {
        self.phase = Phase::Connected;
    }

    /// The engine is to close it (`HTTPc_ConnClose`, or a failure found between passes) with
    /// `status` and `err`, at its next pass. A second request decides the status, as legacy's
    /// close message did; an error already asked for stays (legacy's `ErrCode`).
    pub(crate) fn ask_close(&mut self, status: HTTPc_CONN_CLOSE_STATUS, err: HTTPc_ERR) {
        if !self.flags.has(CONN_CLOSE_REQUESTED) || self.close_req_err.get() == HTTPc_ERR_NONE {
            self.close_req_err = Code8::new(err);
        }
        self.flags.set(CONN_CLOSE_REQUESTED, true);
        self.close_req_status = Code8::new(status);
    }

    /// An API call writes a request head on the connected connection (its hooks may run).
    pub(crate) fn head_writing(&mut self) {
        if self.phase == Phase::Connected {
            self.phase = Phase::Head;
        }
    }

    /// The head is written, or its writing failed: connected again (the call arms the
    /// transaction next, or reports the error).
    pub(crate) fn head_written(&mut self) {
        if self.phase == Phase::Head {
            self.phase = Phase::Connected;
        }
    }

    /// `HTTPc_WebSockUpgrade`: the request (`len` bytes) is in the buffer, the objects are
    /// attached; the transaction's deadline runs from `now`.
    pub(crate) fn upgrade_queued(&mut self, req: Req, resp: Resp, ws: Ws, len: usize, now: u32) {
        self.req = Some(req);
        self.resp = Some(resp);
        self.ws = Some(ws);
        self.buf.rx_clear();
        self.buf.tx_queue_whole(len);
        self.clock_ms = now;
        self.phase = Phase::UpgradeTx;
    }

    /// `HTTPc_ReqSend`: the request head (`len` bytes) is in the buffer, the request and
    /// response are attached; the transaction's deadline runs from `now`.
    pub(crate) fn request_queued(&mut self, req: Req, resp: Resp, len: usize, now: u32) {
        self.req = Some(req);
        self.resp = Some(resp);
        self.ws = None;
        self.buf.rx_clear();
        self.buf.tx_queue_whole(len);
        self.clock_ms = now;
        self.phase = Phase::ReqTx;
    }

    /// The request is sent: the response is read into the emptied buffer (all of it for a
    /// plain request; the WebSocket keeps its split from the start).
    pub(crate) fn request_sent(&mut self) {
        self.buf.reset();
        self.phase = if self.phase == Phase::ReqTx {
            #[cfg(feature = "http")]
            self.buf.reset_rx_whole();
            Phase::ReqRx
        } else {
            Phase::UpgradeRx
        };
    }

    /// A plain request's transaction ended with a whole response: the connection is free for
    /// the next one.
    #[cfg(feature = "http")]
    pub(crate) fn response_done(&mut self) {
        self.buf.reset();
        self.phase = Phase::Connected;
    }

    /// The time left before the transaction's deadline (`HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS`
    /// from its start), None once it passed.
    pub(crate) fn trans_left(&self, now: u32) -> Option<u32> {
        let elapsed = crate::proto::session::elapsed_ms(now, self.clock_ms);
        self.trans_timeout_ms
            .checked_sub(elapsed)
            .filter(|&l| l > 0)
    }

    /// After a late pass's turn: the transaction is still under way with its deadline passed,
    /// and no close a hook asked for comes first; it times out. (A pass that comes after the
    /// deadline still reads what the server sent before it.)
    pub(crate) fn late_unfinished(&self, now: u32) -> bool {
        self.in_transaction()
            && !self.flags.has(CONN_CLOSE_REQUESTED)
            && self.trans_left(now).is_none()
    }

    /// A request transaction (upgrade or plain) is under way, or its head being written.
    pub(crate) fn in_transaction(&self) -> bool {
        matches!(
            self.phase,
            Phase::Head
                | Phase::UpgradeTx
                | Phase::UpgradeRx
                | Phase::Discard
                | Phase::ReqTx
                | Phase::ReqRx
        )
    }

    /// An upgrade's request is out and its response not all read (its head being written
    /// does not count: that happens within the upgrade call).
    pub(crate) fn in_upgrade(&self) -> bool {
        matches!(
            self.phase,
            Phase::UpgradeTx | Phase::UpgradeRx | Phase::Discard
        )
    }

    /// A refused upgrade's head is read: its body (`body_left` bytes) is skipped.
    pub(crate) fn skip_body(&mut self) {
        self.phase = Phase::Discard;
    }

    /// 101 and every check passed: the connection is a WebSocket.
    pub(crate) fn upgraded(&mut self) {
        self.flags.set(CONN_WEBSOCKET, true);
        self.buf.tx_clear();
        self.phase = Phase::WebSock;
    }

    /// The upgrade did not happen: the WebSocket is detached; after a whole refusal the
    /// connection is usable again.
    pub(crate) fn not_upgraded(&mut self, reusable: bool) {
        self.ws = None;
        if reusable {
            self.buf.rx_clear();
            self.phase = Phase::Connected;
        }
    }

    /// The connection ends with `err` (the socket is already closed): back to idle. Returns
    /// the phase it was in.
    pub(crate) fn closed(&mut self, err: HTTPc_ERR) -> Phase {
        self.set_handle(core::ptr::null_mut());
        self.flags.set(CONN_CLOSE_REQUESTED, false);
        self.err = Code8::new(err);
        self.buf.reset();
        core::mem::replace(&mut self.phase, Phase::Closing)
    }

    /// The open ended (a blocking `HTTPc_ConnOpen` waits for this): connected, failed, or
    /// connected and closed since.
    pub(crate) fn open_done(&self) -> bool {
        !matches!(self.phase, Phase::OpenQueued | Phase::Connecting)
    }

    /// The server's port: `HTTPc_PARAM_TYPE_SERVER_PORT`, else 80, or 443 with TLS settings
    /// (legacy: the default follows them, and 80 counts as the default).
    pub(crate) fn server_port(&self) -> u16 {
        match self.port {
            // Port 80 with TLS settings is 443 too: legacy's default was 80 whether set or not,
            // and it moved it to 443 for a secure connection.
            0 | HTTP_DFLT_PORT_NBR if self.is_secure() => HTTP_DFLT_PORT_NBR_SECURE,
            0 => HTTP_DFLT_PORT_NBR,
            port => port,
        }
    }

    /// TLS settings were given: the connection is secure.
    pub(crate) fn is_secure(&self) -> bool {
        self.trust.is_some() || !self.secure_cn.is_null()
    }

    pub(crate) fn is_open(&self) -> bool {
        self.phase != Phase::Idle
    }
}

/// Request state, in `HTTPc_REQ_OBJ::Reserved`.
#[repr(C)]
pub(crate) struct ReqState {
    pub magic: u32,
    pub used: bool,
    pub no_block: bool,
    /// The transaction ended (its end was reported).
    pub done: bool,
    /// A blocking call's result: whether a whole response came (`HTTPc_ERR_NONE`) or what
    /// ended the transaction (kept by `HTTPc_ReqClr`).
    pub wait: WaitSlot,
    // (The bytes the engine tests most lie near the start, where Thumb's 16-bit loads reach.)
    /// The transaction's `TXN_*` flags.
    pub txn: Flags8,
    /// `REQ_*` flags (a plain request): a body parameter was set, the body goes out chunked.
    pub params: Flags8,
    pub content_type: u8,
    /// The response's `Content-Type`, for the body hook.
    pub content_type_rx: u8,
    pub hdr_tbl: AppTable<HTTPc_HDR>,
    pub query_tbl: AppTable<HTTPc_KEY_VAL>,
    pub on_hdr_tx: HTTPc_REQ_HDR_HOOK,
    pub on_query_tx: HTTPc_REQ_QUERY_STR_HOOK,
    pub on_hdr_rx: HTTPc_RESP_HDR_HOOK,
    pub on_complete: HTTPc_COMPLETE_CALLBACK,
    pub on_err: HTTPc_TRANS_ERR_CALLBACK,
    // A plain request (`HTTPc_ReqSend`): its body, and the response body hook. (Its method
    // is the object's public `Method_reserved`.)
    pub content_len: u32,
    pub on_body_tx: HTTPc_REQ_BODY_HOOK,
    pub on_body_rx: HTTPc_RESP_BODY_HOOK,
    /// `HTTPc_PARAM_TYPE_REQ_FORM_TBL`: the body is this form (`form.rs`), and the step the
    /// engine is sending.
    pub form: AppForm,
    // The plain request's transaction, while it runs.
    /// Body bytes the hook pointed at in its own memory, being copied out piece by piece.
    pub body_src: AppBytes,
    /// How much of `body_src` went into the buffer; for a form, how much of the current
    /// step (`form.step`) did.
    pub body_src_off: u32,
    /// The response's parser.
    pub parser: ResponseParser,
    /// Body bytes the body hook left in the buffer (offered again).
    pub rx_held: u16,
    /// A request waiting in its connection's queue: what `HTTPc_ReqSend` was given, and the
    /// request after it.
    pub path: AppPath,
    pub resp: Option<Resp>,
    pub next: Option<Req>,
}

impl ReqState {
    /// A transaction starts (or is queued): in use, not ended, no error yet; a blocking one
    /// arms the slot its call waits on.
    pub(crate) fn start(&mut self, no_block: bool) {
        self.used = true;
        self.done = false;
        self.no_block = no_block;
        self.wait.arm(!no_block);
    }

    /// The transaction ends with `err` (`HTTPc_ERR_NONE`: a whole response arrived): the
    /// request is done. Returns the hooks to report it through (none when it had ended
    /// already), whose report frees the request: `OnTransComplete` only for a non-blocking
    /// request, unless `any_mode` (a closing connection tells every request it cuts short, as
    /// legacy `HTTPcConn_Close`).
    pub(crate) fn end(&mut self, err: HTTPc_ERR, any_mode: bool) -> ReqEnd {
        let notify = !self.done;
        self.done = true;
        self.wait.finish(err);
        if !notify {
            return ReqEnd {
                on_complete: None,
                on_err: None,
            };
        }
        ReqEnd {
            on_complete: if self.no_block || any_mode {
                self.on_complete
            } else {
                None
            },
            on_err: self.on_err,
        }
    }
}

/// The hooks a request's end is reported through ([`ReqState::end`]): by [`ReqEnd::report`]
/// at the end of a transaction, in `HTTPcConn_Close`'s order by a closing connection. The
/// report also frees the request, at legacy's point: it must be made.
#[derive(Clone, Copy)]
#[must_use]
pub(crate) struct ReqEnd {
    pub on_complete: HTTPc_COMPLETE_CALLBACK,
    pub on_err: HTTPc_TRANS_ERR_CALLBACK,
}

/// WebSocket state, in `HTTPc_WEBSOCK_OBJ::Reserved`.
#[repr(C)]
pub(crate) struct WsState {
    pub magic: u32,
    /// `WS_*` flags.
    pub flags: Flags8,
    /// The error that ended the WebSocket, the first `OnErr` reported (for OnClose
    /// bookkeeping; `HTTPc_ERR_NONE` while none was).
    pub err: Code8,
    pub masker: Masker,
    pub session: Session,
    pub on_open: HTTPc_WEBSOCK_ON_OPEN,
    pub on_close: HTTPc_WEBSOCK_ON_CLOSE,
    pub on_err: HTTPc_WEBSOCK_ON_ERR,
    pub on_pong: HTTPc_WEBSOCK_ON_PONG,
    pub on_rx_init: HTTPc_WEBSOCK_ON_RX_INIT,
    pub on_rx_data: HTTPc_WEBSOCK_ON_RX_DATA,
    pub on_rx_complete: HTTPc_WEBSOCK_ON_RX_COMPLETE,
    /// Messages waiting, in order.
    pub head: Option<Msg>,
    /// The first of the messages whose last bytes sit in the send region (a chain through
    /// their `next`): done once the region is flushed.
    pub finishing: Option<Msg>,
    /// `HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS` (0: none).
    pub tx_stall_ms: u32,
    /// The message being received, in buffer mode: the application's buffer (NULL: streaming
    /// through `OnMsgRxData`).
    pub rx_buf: AppBuf,
}

/// How far the sending of a message got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum TxProgress {
    /// Queued, nothing done yet.
    Fresh = 0,
    /// `OnMsgTxInit` was called (it is called once).
    Initialised,
    /// At least one frame of this message went out.
    Started,
}

/// Message state, in `HTTPc_WEBSOCK_MSG_OBJ::Reserved`.
#[repr(C)]
pub(crate) struct MsgState {
    pub magic: u32,
    /// Queued or being sent (set by `HTTPc_WebSockSend` itself: no race); a blocking send
    /// waits for it to clear.
    pub used: bool,
    pub progress: TxProgress,
    /// The `HTTPc_WEBSOCK_MSG_TYPE`, one of the five `HTTPc_WebSockSend` accepts: its wire
    /// opcode.
    pub msg_type: u8,
    /// A blocking send's result: `HTTPc_ERR_NONE` when it went out (kept by
    /// `HTTPc_WebSockMsgClr`).
    pub wait: WaitSlot,
    pub len: u32,
    /// Payload bytes produced so far.
    pub sent: u32,
    /// The payload the application lent (NULL: from `OnMsgTxData`).
    pub data: AppBytes,
    pub next: Option<Msg>,
    pub on_tx_init: HTTPc_WEBSOCK_ON_TX_INIT,
    pub on_tx_data: HTTPc_WEBSOCK_ON_TX_DATA,
    pub on_tx_complete: HTTPc_WEBSOCK_ON_TX_COMPLETE,
}

macro_rules! assert_fits {
    ($state:ty, $obj:ty, $words:expr) => {
        assert_fits!($state, $obj, $words, 1);
    };
    // `public`: the words of public fields before the reserved area.
    ($state:ty, $obj:ty, $words:expr, $public:expr) => {
        const _: () = assert!(size_of::<$state>() <= $words * size_of::<usize>());
        const _: () = assert!(align_of::<$state>() <= align_of::<usize>());
        const _: () = assert!(size_of::<$obj>() == ($public + $words) * size_of::<usize>());
    };
}
assert_fits!(ConnState, HTTPc_CONN_OBJ, HTTPc_CONN_OBJ_RESERVED_WORDS);
assert_fits!(ReqState, HTTPc_REQ_OBJ, HTTPc_REQ_OBJ_RESERVED_WORDS, 2);
assert_fits!(WsState, HTTPc_WEBSOCK_OBJ, HTTPc_WEBSOCK_OBJ_RESERVED_WORDS);
assert_fits!(
    MsgState,
    HTTPc_WEBSOCK_MSG_OBJ,
    HTTPc_WEBSOCK_MSG_OBJ_RESERVED_WORDS
);

/// An application object that holds library state of type `State`.
///
/// # Safety
/// Implementors guarantee that `Reserved` is large and aligned enough for `State` (asserted
/// above), that `State` is `repr(C)` with its `u32` magic first, and that `State` is only ever
/// written there by this module (`clear`) and through `Held::state`.
pub(crate) unsafe trait Holds<State> {
    /// The magic a cleared `State` carries.
    const MAGIC: u32;
    /// Where the state of `obj` lives (its `Reserved` area); computed, nothing is read.
    fn reserved(obj: *mut Self) -> *mut State;
}

macro_rules! holds {
    ($obj:ty, $state:ty, $magic:expr) => {
        // SAFETY: size and alignment are asserted by `assert_fits!` above; every state struct
        // is `repr(C)` with `magic: u32` first.
        unsafe impl Holds<$state> for $obj {
            const MAGIC: u32 = $magic;
            fn reserved(obj: *mut Self) -> *mut $state {
                obj.cast::<u8>()
                    .wrapping_add(offset_of!($obj, Reserved))
                    .cast()
            }
        }
    };
}
holds!(HTTPc_CONN_OBJ, ConnState, CONN_MAGIC);
holds!(HTTPc_REQ_OBJ, ReqState, REQ_MAGIC);
holds!(HTTPc_WEBSOCK_OBJ, WsState, WS_MAGIC);
holds!(HTTPc_WEBSOCK_MSG_OBJ, MsgState, MSG_MAGIC);

/// Maps a socket outcome to the legacy error for a receive.
pub(crate) fn rx_err(io: Io) -> HTTPc_ERR {
    match io {
        Io::Closed => HTTPc_ERR_CONN_SOCK_CLOSED,
        _ => HTTPc_ERR_CONN_SOCK_RX_FATAL,
    }
}

/// Maps a socket outcome to the legacy error for a send.
pub(crate) fn tx_err(io: Io) -> HTTPc_ERR {
    match io {
        Io::Closed => HTTPc_ERR_CONN_SOCK_CLOSED,
        _ => HTTPc_ERR_CONN_SOCK_TX_FATAL,
    }
}

#[cfg(test)]
mod tests;
