//! The library state kept inside the application's objects, and the one place that turns an
//! object pointer into that state.
//!
//! Each `*_OBJ` has a `Reserved` array of pointer-sized words; the matching state struct lives
//! there. Compile-time asserts below prove it fits (size and alignment) on every target we
//! build, so the header's sizes hold on 32- and 64-bit alike. A magic number set by the
//! `*Clr` functions tells a cleared object from garbage.

use core::ffi::c_void;
use core::mem::{align_of, size_of};
use core::ptr::null_mut;

use super::consts::*;
use super::objects::*;
use super::port::Io;
use super::types::*;
use crate::proto::mask::Masker;
use crate::proto::session::{Config, Session, MAX_CONTROL_FRAME};

pub(crate) const CONN_MAGIC: u32 = 0x4854_4343; // "HTCC"
pub(crate) const REQ_MAGIC: u32 = 0x4854_4352; // "HTCR"
pub(crate) const WS_MAGIC: u32 = 0x4854_4357; // "HTCW"
pub(crate) const MSG_MAGIC: u32 = 0x4854_434D; // "HTCM"

/// Default of `HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS`: as long as the legacy transaction
/// wait, so a peer that only reads slowly is not cut off, while one that stopped is.
pub(crate) const TX_STALL_TIMEOUT_MS_DFLT: u32 = 30_000;

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
    /// Sending the upgrade request.
    UpgradeTx,
    /// Reading the upgrade response.
    UpgradeRx,
    /// Skipping the body of a refused upgrade's response (`Content-Length` bytes).
    Discard,
    /// WebSocket open (or closing).
    WebSock,
}

/// Connection state, in `HTTPc_CONN_OBJ::Reserved`.
#[repr(C)]
pub(crate) struct ConnState {
    pub magic: u32,
    pub phase: Phase,
    pub no_block: bool,
    pub persistent: bool,
    pub keep_alive: bool,
    pub is_websocket: bool,
    pub close_requested: bool,
    /// Status and error the engine reports when it performs a requested close.
    pub close_req_status: HTTPc_CONN_CLOSE_STATUS,
    pub close_req_err: HTTPc_ERR,
    /// `HTTPc_PARAM_TYPE_SERVER_PORT` was set (else 80, or 443 with TLS settings).
    pub port_set: bool,
    /// A blocking `HTTPc_ConnOpen` waits for this.
    pub open_done: bool,
    pub port: u16,
    pub connect_timeout_ms: u16,
    pub inactivity_s: u16,
    pub buf_len: u16,
    /// Received bytes not yet consumed: `buf[rx_start..rx_end]`.
    pub rx_start: u16,
    pub rx_end: u16,
    /// Bytes waiting to be sent: `buf[tx_start..tx_end]`.
    pub tx_start: u16,
    pub tx_end: u16,
    pub err: HTTPc_ERR,
    pub close_status: HTTPc_CONN_CLOSE_STATUS,
    /// When the connect, or the upgrade transaction, started: their deadlines run from here.
    pub started_ms: u32,
    /// `HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS`: the upgrade transaction's deadline.
    pub trans_timeout_ms: u32,
    /// Last time the send path moved a byte or had nothing to send (the stall deadline's start).
    pub tx_progress_ms: u32,
    /// The readiness last handed to the port's `Watch` (0: none, or not watched).
    pub watched: u8,
    /// Body bytes of a refused upgrade's response still to skip.
    pub body_left: u32,
    /// That body has no length (chunked, or until close): the connection cannot be reused.
    pub body_unbounded: bool,
    pub handle: *mut c_void,
    pub host: *const CPU_CHAR,
    pub host_len: u16,
    pub secure_cn: *const CPU_CHAR,
    pub trust: NET_SOCK_SECURE_TRUST_FNCT,
    pub on_connect: HTTPc_CONNECT_CALLBACK,
    pub on_close: HTTPc_CONN_CLOSE_CALLBACK,
    pub buf: *mut u8,
    pub next: *mut HTTPc_CONN_OBJ,
    pub req: *mut HTTPc_REQ_OBJ,
    pub resp: *mut HTTPc_RESP_OBJ,
    pub ws: *mut HTTPc_WEBSOCK_OBJ,
}

impl ConnState {
    /// Writes a cleared state at `p`, in place: the area is zeroed, which makes every `bool`
    /// false, every number 0, every pointer NULL and every callback `None`, then the fields
    /// whose cleared value is something else are set. (The compiler builds a whole struct
    /// value on the stack and copies it.) Cleared values that are zero: not blocking, not
    /// persistent, no keep-alive, not a WebSocket, no close requested, no port set, not
    /// opened, no buffer (length 0, both regions empty), not started, no body left (bounded),
    /// no handle, host, TLS name or trust callback, no callbacks, not linked to anything.
    ///
    /// # Safety
    /// `p` is valid for writes and aligned.
    pub(crate) unsafe fn clear(p: *mut Self) {
        // SAFETY: per the caller's contract; fields are written through the raw place, and the
        // zeroed bytes are a valid value for every field not written here.
        unsafe {
            p.write_bytes(0, 1);
            (*p).magic = CONN_MAGIC;
            (*p).phase = Phase::Idle;
            (*p).close_req_status = HTTPc_CONN_CLOSE_STATUS_APP;
            (*p).close_req_err = HTTPc_ERR_NONE;
            (*p).port = 80;
            (*p).connect_timeout_ms = 2000;
            (*p).trans_timeout_ms = HTTPc_TASK_TIMEOUT_MS_TRANS_DFLT;
            (*p).inactivity_s = 30;
            (*p).err = HTTPc_ERR_NONE;
            (*p).close_status = HTTPc_CONN_CLOSE_STATUS_NONE;
        }
    }

    /// Bytes of the buffer set aside for sending once the WebSocket is open; the rest receives.
    pub(crate) fn tx_cap(&self) -> u16 {
        // At least one whole control frame: a pong or a Close reply that echoes 125 bytes
        // must never be dropped for want of room.
        (self.buf_len / 4).max(MAX_CONTROL_FRAME as u16)
    }

    /// First byte of the receive region (which starts at 0) past its end: the send region.
    // Out of line: the engine needs it in many places.
    #[inline(never)]
    pub(crate) fn rx_cap(&self) -> u16 {
        self.buf_len.saturating_sub(self.tx_cap())
    }

    /// The socket handle changed (a new one, or NULL once closed): the port's watch of the
    /// old one is gone with it, so nothing is watched for the new one yet.
    pub(crate) fn set_handle(&mut self, handle: *mut c_void) {
        self.handle = handle;
        self.watched = 0;
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
    /// A blocking upgrade waits for this; `ok` says whether a whole response came.
    pub done: bool,
    pub ok: bool,
    pub err: HTTPc_ERR,
    pub hdr_nbr: u16,
    pub hdr_tbl: *const HTTPc_HDR,
    pub on_hdr_tx: HTTPc_REQ_HDR_HOOK,
    pub on_hdr_rx: HTTPc_RESP_HDR_HOOK,
    pub on_complete: HTTPc_COMPLETE_CALLBACK,
    pub on_err: HTTPc_TRANS_ERR_CALLBACK,
    pub query_nbr: u16,
    pub query_tbl: *const HTTPc_KEY_VAL,
}

impl ReqState {
    /// Writes a cleared state at `p`, in place (see [`ConnState::clear`]). Cleared values that
    /// are zero: not used, blocking, not done, not ok, no header table, query table or hooks.
    ///
    /// # Safety
    /// `p` is valid for writes and aligned.
    pub(crate) unsafe fn clear(p: *mut Self) {
        // SAFETY: per the caller's contract; fields are written through the raw place, and the
        // zeroed bytes are a valid value for every field not written here.
        unsafe {
            p.write_bytes(0, 1);
            (*p).magic = REQ_MAGIC;
            (*p).err = HTTPc_ERR_NONE;
        }
    }
}

/// Receive-side delivery of the current message.
#[derive(Clone, Copy)]
pub(crate) struct RxDelivery {
    pub msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    /// Buffer mode: the application's buffer, its capacity and the bytes written so far.
    pub buf: *mut u8,
    pub cap: u32,
    pub off: u32,
    /// A fragmented message in buffer mode without `RX_MSG_LEN_MAX`: each fragment is written
    /// at offset 0, bounded by its own length, as legacy did (what a legacy application sized
    /// its buffer for).
    pub per_fragment: bool,
}

/// WebSocket state, in `HTTPc_WEBSOCK_OBJ::Reserved`.
#[repr(C)]
pub(crate) struct WsState {
    pub magic: u32,
    pub used: bool,
    pub open_notified: bool,
    pub close_notified: bool,
    pub cfg: Config,
    pub session: Session,
    pub on_open: HTTPc_WEBSOCK_ON_OPEN,
    pub on_close: HTTPc_WEBSOCK_ON_CLOSE,
    pub on_err: HTTPc_WEBSOCK_ON_ERR,
    pub on_pong: HTTPc_WEBSOCK_ON_PONG,
    pub on_rx_init: HTTPc_WEBSOCK_ON_RX_INIT,
    pub on_rx_data: HTTPc_WEBSOCK_ON_RX_DATA,
    pub on_rx_complete: HTTPc_WEBSOCK_ON_RX_COMPLETE,
    /// Messages waiting, in order.
    pub head: *mut HTTPc_WEBSOCK_MSG_OBJ,
    pub tail: *mut HTTPc_WEBSOCK_MSG_OBJ,
    /// The data message whose frames are going out.
    pub cur: *mut HTTPc_WEBSOCK_MSG_OBJ,
    /// The message whose last bytes sit in the send region: done once they are flushed.
    pub finishing: *mut HTTPc_WEBSOCK_MSG_OBJ,
    /// Payload bytes of the current (single) frame still to produce.
    pub frame_left: u32,
    /// The fragment hook said "nothing yet": do not ask the port for write readiness.
    pub tx_stalled: bool,
    /// `OnMsgRxData` took nothing last time: retry on a timer.
    pub rx_paused: bool,
    /// `HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS` (0: none).
    pub tx_stall_ms: u32,
    /// The application set `HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX`: its buffer-mode buffers
    /// hold that much, so fragments may be appended.
    pub rx_len_max_set: bool,
    pub masker: Masker,
    pub rx: RxDelivery,
    /// The error that ended the WebSocket (for OnClose bookkeeping).
    pub err: HTTPc_ERR,
}

impl WsState {
    /// Writes a cleared state at `p`, in place (see [`ConnState::clear`]): default limits, a
    /// new session. Cleared values that are zero: not used, nothing notified, no hooks, no
    /// queued, current or finishing message, nothing stalled or paused, no receive delivery.
    ///
    /// # Safety
    /// `p` is valid for writes and aligned.
    pub(crate) unsafe fn clear(p: *mut Self) {
        // SAFETY: per the caller's contract; fields are written through the raw place, and the
        // zeroed bytes are a valid value for every field not written here.
        unsafe {
            p.write_bytes(0, 1);
            (*p).magic = WS_MAGIC;
            (*p).cfg = Config::DEFAULT;
            (*p).tx_stall_ms = TX_STALL_TIMEOUT_MS_DFLT;
            core::ptr::addr_of_mut!((*p).session).write(Session::new(Config::DEFAULT));
            core::ptr::addr_of_mut!((*p).masker).write(Masker::new([0; 4]));
            (*p).err = HTTPc_ERR_NONE;
        }
    }
}

/// Message state, in `HTTPc_WEBSOCK_MSG_OBJ::Reserved`.
#[repr(C)]
pub(crate) struct MsgState {
    pub magic: u32,
    /// Queued or being sent (set by `HTTPc_WebSockSend` itself: no race).
    pub used: bool,
    pub no_block: bool,
    /// A blocking send waits for this.
    pub done: bool,
    pub ok: bool,
    pub init_called: bool,
    /// At least one frame of this message went out (fragmented mode).
    pub started: bool,
    pub msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    pub len: u32,
    /// Payload bytes produced so far.
    pub sent: u32,
    pub err: HTTPc_ERR,
    pub data: *const u8,
    pub conn: *mut HTTPc_CONN_OBJ,
    pub next: *mut HTTPc_WEBSOCK_MSG_OBJ,
    pub on_tx_init: HTTPc_WEBSOCK_ON_TX_INIT,
    pub on_tx_data: HTTPc_WEBSOCK_ON_TX_DATA,
    pub on_tx_complete: HTTPc_WEBSOCK_ON_TX_COMPLETE,
}

impl MsgState {
    /// Writes a cleared state at `p`, in place (see [`ConnState::clear`]). Cleared values that
    /// are zero: not used, blocking, not done, not ok, nothing started, type 0, no length, data,
    /// connection, successor or hooks.
    ///
    /// # Safety
    /// `p` is valid for writes and aligned.
    pub(crate) unsafe fn clear(p: *mut Self) {
        // SAFETY: per the caller's contract; fields are written through the raw place, and the
        // zeroed bytes are a valid value for every field not written here.
        unsafe {
            p.write_bytes(0, 1);
            (*p).magic = MSG_MAGIC;
            (*p).err = HTTPc_ERR_NONE;
        }
    }
}

macro_rules! assert_fits {
    ($state:ty, $obj:ty, $words:expr) => {
        const _: () = assert!(size_of::<$state>() <= $words * size_of::<usize>());
        const _: () = assert!(align_of::<$state>() <= align_of::<usize>());
        const _: () = assert!(size_of::<$obj>() == (1 + $words) * size_of::<usize>());
    };
}
assert_fits!(ConnState, HTTPc_CONN_OBJ, HTTPc_CONN_OBJ_RESERVED_WORDS);
assert_fits!(ReqState, HTTPc_REQ_OBJ, HTTPc_REQ_OBJ_RESERVED_WORDS);
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
/// above) and that `State` is only ever written there by this module.
pub(crate) unsafe trait Holds<State> {
    /// Pointer to the reserved area of `obj`.
    ///
    /// # Safety
    /// `obj` points to a live object (its contents may be uninitialised).
    unsafe fn reserved(obj: *mut Self) -> *mut State;
    /// The magic a cleared `State` carries.
    const MAGIC: u32;
    /// Reads the magic without forming a reference to the state.
    ///
    /// # Safety
    /// `obj` must point to a live object.
    unsafe fn magic(obj: *mut Self) -> u32 {
        // SAFETY: every state struct is `repr(C)` with a `u32` magic as its first field, and
        // `Reserved` is an array of words, so the read is aligned.
        unsafe { core::ptr::addr_of!((*Self::reserved(obj).cast::<MagicFirst>()).magic).read() }
    }
}

/// The common prefix of every state struct: see `Holds::magic`.
#[repr(C)]
struct MagicFirst {
    magic: u32,
}

macro_rules! holds {
    ($obj:ty, $state:ty, $magic:expr) => {
        // SAFETY: size and alignment are asserted by `assert_fits!` above.
        unsafe impl Holds<$state> for $obj {
            unsafe fn reserved(obj: *mut Self) -> *mut $state {
                // SAFETY: `obj` is live (caller); no reference is formed, so the storage may
                // be uninitialised.
                unsafe { core::ptr::addr_of_mut!((*obj).Reserved).cast::<$state>() }
            }
            const MAGIC: u32 = $magic;
        }
    };
}
holds!(HTTPc_CONN_OBJ, ConnState, CONN_MAGIC);
holds!(HTTPc_REQ_OBJ, ReqState, REQ_MAGIC);
holds!(HTTPc_WEBSOCK_OBJ, WsState, WS_MAGIC);
holds!(HTTPc_WEBSOCK_MSG_OBJ, MsgState, MSG_MAGIC);

/// The state of a cleared object, or None when `obj` was never cleared (or is garbage).
///
/// # Safety
/// `obj` must be non-NULL and point to a live object. The returned reference must not be held
/// across a call into application code (a callback may reach the same state through the API).
#[inline(never)]
pub(crate) unsafe fn get<'a, O: Holds<S>, S>(obj: *mut O) -> Option<&'a mut S> {
    // SAFETY: the caller guarantees `obj` is live; the magic read touches the first word only.
    if unsafe { O::magic(obj) } != O::MAGIC {
        return None;
    }
    // SAFETY: the magic says a whole `S` was written there by `init`.
    Some(unsafe { &mut *O::reserved(obj) })
}

/// A state whose object the engine may be using.
pub(crate) trait Busy {
    /// The object is in use: its settings may not change.
    fn busy(&self) -> bool;
}

impl Busy for ConnState {
    fn busy(&self) -> bool {
        self.is_open()
    }
}

impl Busy for ReqState {
    fn busy(&self) -> bool {
        self.used
    }
}

impl Busy for WsState {
    fn busy(&self) -> bool {
        self.used
    }
}

impl Busy for MsgState {
    fn busy(&self) -> bool {
        self.used
    }
}

/// The state of a cleared object that is not in use, for the calls that change its settings:
/// `HTTPc_ERR_PARAM_INVALID` when it was never cleared, `busy_err` when it is in use.
///
/// # Safety
/// As for [`get`].
pub(crate) unsafe fn get_idle<'a, O: Holds<S>, S: Busy>(
    obj: *mut O,
    busy_err: HTTPc_ERR,
) -> Result<&'a mut S, HTTPc_ERR> {
    // SAFETY: per the caller's contract.
    match unsafe { get::<O, S>(obj) } {
        None => Err(HTTPc_ERR_PARAM_INVALID),
        Some(s) if s.busy() => Err(busy_err),
        Some(s) => Ok(s),
    }
}

/// Clears `obj` with `clear` (given the state's place) unless it holds a state that is in use
/// (`busy_err`).
///
/// # Safety
/// `obj` must be non-NULL and point to a live object; lock held. `clear` writes a whole valid
/// state at the place it is given.
pub(crate) unsafe fn reinit<O: Holds<S>, S: Busy>(
    obj: *mut O,
    busy_err: HTTPc_ERR,
    clear: impl FnOnce(*mut S),
) -> Result<(), HTTPc_ERR> {
    // SAFETY: per the caller's contract.
    if unsafe { get::<O, S>(obj) }.is_some_and(|s| s.busy()) {
        return Err(busy_err);
    }
    // SAFETY: live object, not in use; `reserved` fits `S` (asserted).
    clear(unsafe { O::reserved(obj) });
    Ok(())
}

/// The request and WebSocket objects a connection is attached to, read through raw pointers:
/// no reference to the connection state is formed, so one the caller holds stays valid.
///
/// # Safety
/// `obj` must be non-NULL and point to a live object.
pub(crate) unsafe fn conn_links(
    obj: *mut HTTPc_CONN_OBJ,
) -> (*mut HTTPc_REQ_OBJ, *mut HTTPc_WEBSOCK_OBJ) {
    // SAFETY: the caller guarantees `obj` is live; the magic read touches the first word only.
    if unsafe { <HTTPc_CONN_OBJ as Holds<ConnState>>::magic(obj) } != CONN_MAGIC {
        return (null_mut(), null_mut());
    }
    // SAFETY: the magic says a whole `ConnState` is there; fields are read by value through
    // raw pointers.
    unsafe {
        let st = <HTTPc_CONN_OBJ as Holds<ConnState>>::reserved(obj);
        (
            core::ptr::addr_of!((*st).req).read(),
            core::ptr::addr_of!((*st).ws).read(),
        )
    }
}

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
mod tests {
    use super::*;
    use std::format;

    /// Garbage in every reserved word, as in an object that was never zeroed.
    const JUNK: usize = usize::from_ne_bytes([0xA5; size_of::<usize>()]);

    #[test]
    fn clear_writes_every_cleared_value_over_garbage() {
        let mut conn = HTTPc_CONN_OBJ {
            UserDataPtr: null_mut(),
            Reserved: [JUNK; HTTPc_CONN_OBJ_RESERVED_WORDS],
        };
        let mut req = HTTPc_REQ_OBJ {
            UserDataPtr: null_mut(),
            Reserved: [JUNK; HTTPc_REQ_OBJ_RESERVED_WORDS],
        };
        let mut ws = HTTPc_WEBSOCK_OBJ {
            UserDataPtr: null_mut(),
            Reserved: [JUNK; HTTPc_WEBSOCK_OBJ_RESERVED_WORDS],
        };
        let mut msg = HTTPc_WEBSOCK_MSG_OBJ {
            UserDataPtr: null_mut(),
            Reserved: [JUNK; HTTPc_WEBSOCK_MSG_OBJ_RESERVED_WORDS],
        };
        // SAFETY: live objects of the right types; each state is read after `clear` wrote it.
        let (c, r, w, m) = unsafe {
            ConnState::clear(HTTPc_CONN_OBJ::reserved(&mut conn));
            ReqState::clear(HTTPc_REQ_OBJ::reserved(&mut req));
            WsState::clear(HTTPc_WEBSOCK_OBJ::reserved(&mut ws));
            MsgState::clear(HTTPc_WEBSOCK_MSG_OBJ::reserved(&mut msg));
            (
                get::<_, ConnState>(&mut conn).unwrap(),
                get::<_, ReqState>(&mut req).unwrap(),
                get::<_, WsState>(&mut ws).unwrap(),
                get::<_, MsgState>(&mut msg).unwrap(),
            )
        };

        assert_eq!(c.phase, Phase::Idle);
        assert!(!c.no_block && !c.persistent && !c.keep_alive && !c.is_websocket);
        assert!(!c.close_requested && !c.port_set && !c.open_done && !c.body_unbounded);
        assert_eq!(c.close_req_status, HTTPc_CONN_CLOSE_STATUS_APP);
        assert_eq!(c.close_req_err, HTTPc_ERR_NONE);
        assert_eq!(
            (c.port, c.connect_timeout_ms, c.inactivity_s),
            (80, 2000, 30)
        );
        assert_eq!(
            (c.buf_len, c.rx_start, c.rx_end, c.tx_start, c.tx_end),
            (0, 0, 0, 0, 0)
        );
        assert_eq!(c.err, HTTPc_ERR_NONE);
        assert_eq!(c.close_status, HTTPc_CONN_CLOSE_STATUS_NONE);
        assert_eq!((c.started_ms, c.body_left, c.host_len), (0, 0, 0));
        assert!(c.handle.is_null() && c.host.is_null() && c.secure_cn.is_null());
        assert!(c.trust.is_none() && c.on_connect.is_none() && c.on_close.is_none());
        assert!(c.buf.is_null() && c.next.is_null() && c.req.is_null());
        assert!(c.resp.is_null() && c.ws.is_null());

        assert!(!r.used && !r.no_block && !r.done && !r.ok);
        assert_eq!(r.err, HTTPc_ERR_NONE);
        assert_eq!((r.hdr_nbr, r.query_nbr), (0, 0));
        assert!(r.hdr_tbl.is_null() && r.query_tbl.is_null());
        assert!(r.on_hdr_tx.is_none() && r.on_hdr_rx.is_none());
        assert!(r.on_complete.is_none() && r.on_err.is_none());

        assert!(!w.used && !w.open_notified && !w.close_notified);
        assert_eq!(w.cfg, Config::DEFAULT);
        assert_eq!(
            format!("{:?}", w.session),
            format!("{:?}", Session::new(Config::DEFAULT))
        );
        assert!(w.on_open.is_none() && w.on_close.is_none() && w.on_err.is_none());
        assert!(w.on_pong.is_none() && w.on_rx_init.is_none());
        assert!(w.on_rx_data.is_none() && w.on_rx_complete.is_none());
        assert!(w.head.is_null() && w.tail.is_null() && w.cur.is_null());
        assert!(w.finishing.is_null());
        assert_eq!(w.frame_left, 0);
        assert!(!w.tx_stalled && !w.rx_paused);
        assert_eq!(w.masker, Masker::new([0; 4]));
        assert_eq!((w.rx.msg_type, w.rx.cap, w.rx.off), (0, 0, 0));
        assert!(w.rx.buf.is_null());
        assert_eq!(w.err, HTTPc_ERR_NONE);

        assert!(!m.used && !m.no_block && !m.done && !m.ok && !m.init_called && !m.started);
        assert_eq!((m.msg_type, m.len, m.sent), (0, 0, 0));
        assert_eq!(m.err, HTTPc_ERR_NONE);
        assert!(m.data.is_null() && m.conn.is_null() && m.next.is_null());
        assert!(m.on_tx_init.is_none() && m.on_tx_data.is_none() && m.on_tx_complete.is_none());
    }
}
