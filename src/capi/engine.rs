//! The engine: one pass over every open connection — connect, send the upgrade request, read the
//! response, then move WebSocket frames both ways and run the application's hooks.
//!
//! Runs with the library lock held. State references are short-lived: every call into the
//! application (a hook may call the API on the same objects) happens with no Rust reference to
//! library state alive, and state is looked up again afterwards.

use core::ffi::c_void;
use core::ptr::null_mut;

use super::consts::*;
use super::global::{self, globals};
use super::objects::*;
use super::port::{
    HTTPc_PORT_SECURE_CFG, HTTPc_PORT_WAIT_ENTRY, HTTPc_PORT_WAIT_RD, HTTPc_PORT_WAIT_WR, Io, Port,
};
use super::state::{self, rx_err, tx_err, ConnState, MsgState, Phase, ReqState, WsState};
use super::types::*;
use crate::proto::frame::{Opcode, MAX_HEADER_LEN};
use crate::proto::handshake::{HandshakeError, ParseEvent};
use crate::proto::mask::Masker;
use crate::proto::session::{elapsed_ms, MessageKind, ProtocolError, RxEvent, TimerEvent};
use crate::proto::{bytes, close, frame::FrameError};

/// Most loop turns one connection gets per pass, so one busy peer cannot starve the others.
const TURNS_PER_PASS: u32 = 64;

/// How soon data an `OnMsgRxData` hook refused, or a send hook that gave nothing, is asked
/// again (nothing else would wake us for it).
const RX_RETRY_MS: u32 = 5;

// ----- Small accessors (no reference outlives the statement that uses it) --------------------

unsafe fn conn<'a>(c: *mut HTTPc_CONN_OBJ) -> Option<&'a mut ConnState> {
    // SAFETY: callers pass listed (live) connections.
    unsafe { state::get(c) }
}

/// The state behind an attached object's pointer (NULL: none). Attached objects stay live
/// while attached (API contract). Reached through its own pointer, never through the
/// connection state, so a connection reference the caller holds stays valid.
unsafe fn attached<'a, O: state::Holds<S>, S>(obj: *mut O) -> Option<&'a mut S> {
    if obj.is_null() {
        return None;
    }
    // SAFETY: live while attached (see above).
    unsafe { state::get(obj) }
}

/// The WebSocket state of a connection, looked up without forming a connection reference.
unsafe fn ws_of<'a>(c: *mut HTTPc_CONN_OBJ) -> Option<&'a mut WsState> {
    // SAFETY: callers pass listed (live) connections.
    unsafe { attached(state::conn_links(c).1) }
}

/// The WebSocket state of a connection whose state the caller holds as `s`.
unsafe fn ws_in<'a>(s: &ConnState) -> Option<&'a mut WsState> {
    // SAFETY: see `attached`.
    unsafe { attached(s.ws) }
}

/// The WebSocket state behind a pointer copied from the connection before hooks ran.
unsafe fn ws_at<'a>(ws: *mut HTTPc_WEBSOCK_OBJ) -> Option<&'a mut WsState> {
    // SAFETY: see `attached`.
    unsafe { attached(ws) }
}

/// The request state of a connection whose state the caller holds as `s`.
unsafe fn req_in<'a>(s: &ConnState) -> Option<&'a mut ReqState> {
    // SAFETY: see `attached`.
    unsafe { attached(s.req) }
}

unsafe fn msg<'a>(m: *mut HTTPc_WEBSOCK_MSG_OBJ) -> Option<&'a mut MsgState> {
    if m.is_null() {
        return None;
    }
    // SAFETY: queued messages are live until completed.
    unsafe { state::get(m) }
}

/// `buf[from..to]` of the connection buffer, empty when out of range.
#[inline(never)]
unsafe fn buf_range<'a>(c: &ConnState, from: usize, to: usize) -> &'a mut [u8] {
    // SAFETY: see `buffer`.
    unsafe { buffer(c) }.get_mut(from..to).unwrap_or(&mut [])
}

/// The whole connection buffer as a slice.
unsafe fn buffer<'a>(c: &ConnState) -> &'a mut [u8] {
    if c.buf.is_null() {
        return &mut [];
    }
    // SAFETY: `buf`/`buf_len` come from `HTTPc_ConnOpen`, where the application lent us the
    // buffer for the connection's lifetime; nothing else writes it while we hold the lock.
    unsafe { core::slice::from_raw_parts_mut(c.buf, usize::from(c.buf_len)) }
}

fn signal_waiters() {
    if let Some(p) = global::port() {
        p.os_signal();
    }
}

fn map_handshake_err(e: HandshakeError) -> HTTPc_ERR {
    match e {
        HandshakeError::StatusLineMalformed => HTTPc_ERR_RESP_FORMAT_INVALID,
        HandshakeError::VersionInvalid => HTTPc_ERR_RESP_PROTOCOL_VER_INVALID,
        HandshakeError::StatusCodeInvalid => HTTPc_ERR_RESP_STATUS_CODE_INVALID,
        HandshakeError::HeaderMalformed => HTTPc_ERR_RESP_HDR_MALFORMED,
        HandshakeError::HeaderTooLarge => HTTPc_ERR_RESP_HDR_TOO_LARGE,
        HandshakeError::UpgradeMissing => HTTPc_ERR_RESP_WEBSOCK_UPGRADE_INVALID,
        HandshakeError::ConnectionMissing => HTTPc_ERR_RESP_WEBSOCK_CONN_INVALID,
        HandshakeError::AcceptMissing | HandshakeError::AcceptMismatch => {
            HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID
        }
        HandshakeError::ExtensionNotOffered => HTTPc_ERR_RESP_WEBSOCK_EXT_INVALID,
        HandshakeError::ProtocolNotOffered => HTTPc_ERR_RESP_WEBSOCK_PROTOCOL_INVALID,
    }
}

/// The legacy error for a protocol violation by the server.
pub(crate) fn map_protocol_err(e: ProtocolError) -> HTTPc_ERR {
    match e {
        ProtocolError::Frame(FrameError::ReservedBits(bits)) => {
            if bits & 0b100 != 0 {
                HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_1_SET
            } else if bits & 0b010 != 0 {
                HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_2_SET
            } else {
                HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_3_SET
            }
        }
        ProtocolError::Frame(FrameError::ReservedOpcode(_)) => HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE,
        ProtocolError::Frame(FrameError::ControlTooLong) => {
            HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_TOO_LONG
        }
        ProtocolError::Frame(FrameError::ControlFragmented) => {
            HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_FRAGMENTED
        }
        ProtocolError::Frame(FrameError::MaskedFrame) => HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME,
        // Legacy name for a 64-bit length it could not represent.
        ProtocolError::Frame(FrameError::LengthOverflow) => HTTPc_ERR_WEBSOCK_INVALID_RX_LEN,
        ProtocolError::MessageTooBig => HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG,
        ProtocolError::UnexpectedContinuation | ProtocolError::ExpectedContinuation => {
            HTTPc_ERR_WEBSOCK_RX_FRAG_FRAME_SEQUENCE_INVALID
        }
        ProtocolError::Close(close::CloseError::InvalidReason) | ProtocolError::InvalidUtf8 => {
            HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID
        }
        ProtocolError::Close(_) => HTTPc_ERR_WEBSOCK_RX_CLOSE_CODE_INVALID,
    }
}

// ----- The pass ------------------------------------------------------------------------------

/// One pass over every connection. Returns how long the caller may sleep (ms) before the next
/// pass, `u32::MAX` when nothing is timed.
///
/// # Safety
/// Lock held. Not re-entered from a callback (guarded by `in_engine`).
pub(crate) unsafe fn run_pass() -> u32 {
    // SAFETY: lock held (caller).
    let g = unsafe { globals() };
    let Some(port) = global::port() else {
        return u32::MAX;
    };
    if g.in_engine || !g.initialised {
        return 0;
    }
    g.in_engine = true;
    let now = port.now_ms();
    let mut sleep = u32::MAX;
    let mut c = g.conns;
    while !c.is_null() {
        // Read `next` first: the connection may leave the list during its turn.
        // SAFETY: listed connections are live.
        let next = unsafe { conn(c) }.map_or(null_mut(), |s| s.next);
        // SAFETY: lock held; `c` is listed.
        let wait = unsafe { process(port, c, now) };
        sleep = sleep.min(wait);
        c = next;
    }
    // SAFETY: lock held.
    unsafe { globals() }.in_engine = false;
    sleep
}

/// What the engine waits for on a connection's socket. By construction this is exactly what
/// can unblock it: write readiness only while bytes wait in the send region (or the connect is
/// in progress), read readiness only while the receive region has room (a full region, held
/// by an application that refused data, is retried on a timer instead: a socket that stays
/// readable must not wake us in a loop).
fn wanted(s: &ConnState) -> u8 {
    let mut want = match s.phase {
        Phase::Connecting => HTTPc_PORT_WAIT_WR,
        Phase::UpgradeRx | Phase::Discard | Phase::WebSock
            if s.rx_start > 0 || s.rx_end < s.rx_cap() =>
        {
            HTTPc_PORT_WAIT_RD
        }
        _ => 0,
    };
    if s.tx_end > s.tx_start {
        want |= HTTPc_PORT_WAIT_WR;
    }
    want
}

/// The sockets to wait on, as returned by [`wait_entries`].
pub(crate) struct WaitList {
    /// Entries written.
    pub len: usize,
    /// More sockets needed waiting on than fit: the caller must poll instead of sleeping.
    pub overflow: bool,
}

/// Readiness the engine waits for. With a port `Watch` each change is handed to the port and no
/// entry is written (any number of connections); otherwise one entry per socket that needs
/// waiting on, into `out`.
///
/// # Safety
/// Lock held.
pub(crate) unsafe fn wait_entries(port: &Port, out: &mut [HTTPc_PORT_WAIT_ENTRY]) -> WaitList {
    let watch = port.has_watch();
    let mut list = WaitList {
        len: 0,
        overflow: false,
    };
    // SAFETY: lock held.
    let mut c = unsafe { globals() }.conns;
    while !c.is_null() {
        // SAFETY: listed.
        let Some(s) = (unsafe { conn(c) }) else { break };
        if !s.handle.is_null() {
            let want = wanted(s);
            if watch {
                if want != s.watched {
                    s.watched = want;
                    port.watch(s.handle, want);
                }
            } else if want != 0 {
                match out.get_mut(list.len) {
                    Some(slot) => {
                        *slot = HTTPc_PORT_WAIT_ENTRY {
                            Handle: s.handle,
                            Want: want,
                        };
                        list.len += 1;
                    }
                    None => list.overflow = true,
                }
            }
        }
        c = s.next;
    }
    list
}

/// One connection's turn. Returns how long it may wait.
// Out of line: measured smaller than inlined into `run_pass` (less register pressure).
#[inline(never)]
unsafe fn process(port: &Port, c: *mut HTTPc_CONN_OBJ, now: u32) -> u32 {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return u32::MAX;
    };
    if s.close_requested {
        let (status, err) = (s.close_req_status, s.close_req_err);
        // SAFETY: lock held, listed.
        unsafe { teardown(port, c, status, err) };
        return u32::MAX;
    }
    match s.phase {
        // SAFETY: lock held, `c` listed (every arm).
        Phase::OpenQueued => unsafe { start_connect(port, c, now) },
        // SAFETY: lock held, `c` listed.
        Phase::Connecting => unsafe { poll_connect(port, c, now) },
        Phase::Connected | Phase::Idle => u32::MAX,
        // SAFETY: lock held, `c` listed.
        Phase::UpgradeTx | Phase::UpgradeRx | Phase::Discard => unsafe { upgrade_io(port, c, now) },
        // SAFETY: lock held, `c` listed.
        Phase::WebSock => unsafe { ws_io(port, c, now) },
    }
}

// ----- Connecting ----------------------------------------------------------------------------

unsafe fn start_connect(port: &Port, c: *mut HTTPc_CONN_OBJ, now: u32) -> u32 {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return u32::MAX;
    };
    s.started_ms = now;
    let secure_cfg = HTTPc_PORT_SECURE_CFG {
        CommonNamePtr: if s.secure_cn.is_null() {
            s.host
        } else {
            s.secure_cn
        },
        TrustCallback: s.trust,
    };
    let secure = (s.trust.is_some() || !s.secure_cn.is_null()).then_some(&secure_cfg);
    let mut handle: *mut c_void = null_mut();
    let io = port.connect(
        s.host,
        s.port,
        u32::from(s.connect_timeout_ms),
        secure,
        s.inactivity_s,
        s.keep_alive,
        &mut handle,
    );
    match io {
        Io::Done(_) => {
            s.set_handle(handle);
            // SAFETY: lock held.
            unsafe { connected(c, true) };
            u32::MAX
        }
        Io::WouldBlock => {
            s.set_handle(handle);
            s.phase = Phase::Connecting;
            u32::from(s.connect_timeout_ms)
        }
        Io::Closed | Io::Failed => {
            if !handle.is_null() {
                port.close(handle);
            }
            s.set_handle(null_mut());
            s.err = HTTPc_ERR_CONN_SOCK_CONNECT;
            // SAFETY: lock held.
            unsafe { connected(c, false) };
            u32::MAX
        }
    }
}

unsafe fn poll_connect(port: &Port, c: *mut HTTPc_CONN_OBJ, now: u32) -> u32 {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return u32::MAX;
    };
    let elapsed = elapsed_ms(now, s.started_ms);
    let timeout = u32::from(s.connect_timeout_ms);
    match port.connect_poll(s.handle) {
        Io::Done(_) => {
            // SAFETY: lock held.
            unsafe { connected(c, true) };
            u32::MAX
        }
        Io::WouldBlock if elapsed < timeout => timeout - elapsed,
        _ => {
            port.close(s.handle);
            s.set_handle(null_mut());
            s.err = HTTPc_ERR_CONN_SOCK_CONNECT;
            // SAFETY: lock held.
            unsafe { connected(c, false) };
            u32::MAX
        }
    }
}

/// The connect finished: report it. A failed connection leaves the list without `OnClose`
/// (legacy behaviour: it never opened).
unsafe fn connected(c: *mut HTTPc_CONN_OBJ, ok: bool) {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return;
    };
    let notify = if s.no_block { s.on_connect } else { None };
    s.open_done = true;
    if ok {
        s.phase = Phase::Connected;
    } else {
        s.phase = Phase::Idle;
        // SAFETY: lock held.
        unsafe { global::list_remove(c) };
    }
    signal_waiters();
    if let Some(f) = notify {
        // SAFETY: application callback with its own connection object.
        unsafe { f(c, if ok { DEF_OK } else { DEF_FAIL }) };
    }
}

// ----- Sending bytes -------------------------------------------------------------------------

/// Sends what waits in `buf[tx_start..tx_end]`. Ok(true) when bytes moved (the send-stall
/// clock restarts at `now`).
unsafe fn flush(port: &Port, c: *mut HTTPc_CONN_OBJ, now: u32) -> Result<bool, HTTPc_ERR> {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    let mut moved = false;
    while s.tx_end > s.tx_start {
        // SAFETY: see `buffer`.
        let pending: &[u8] =
            unsafe { buf_range(s, usize::from(s.tx_start), usize::from(s.tx_end)) };
        if pending.is_empty() {
            // Out of the buffer (`tx_end > tx_start` here).
            return Err(HTTPc_ERR_WEBSOCK_FAULT);
        }
        match port.send(s.handle, pending) {
            Io::Done(n) => {
                s.tx_start += n as u16;
                s.tx_progress_ms = now;
                moved = true;
            }
            Io::WouldBlock => return Ok(moved),
            io => return Err(tx_err(io)),
        }
    }
    s.tx_start = 0;
    s.tx_end = 0;
    Ok(moved)
}

/// Receives into the free space after `buf[rx_start..rx_end]` (within the receive region),
/// compacting first. Ok(true) when bytes arrived.
unsafe fn receive(port: &Port, c: *mut HTTPc_CONN_OBJ) -> Result<bool, HTTPc_ERR> {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    // SAFETY: see `buffer`.
    let buf = unsafe { buffer(s) };
    if s.rx_start > 0 {
        let kept = bytes::move_to_front(buf, usize::from(s.rx_start), usize::from(s.rx_end));
        s.rx_end = kept as u16;
        s.rx_start = 0;
    }
    // SAFETY: see `buffer`.
    let space = unsafe { buf_range(s, usize::from(s.rx_end), usize::from(s.rx_cap())) };
    if space.is_empty() {
        return Ok(false);
    }
    match port.recv(s.handle, space) {
        Io::Done(n) => {
            s.rx_end += n as u16;
            Ok(true)
        }
        Io::WouldBlock => Ok(false),
        io => Err(rx_err(io)),
    }
}

// ----- The upgrade ---------------------------------------------------------------------------

unsafe fn upgrade_io(port: &Port, c: *mut HTTPc_CONN_OBJ, now: u32) -> u32 {
    // The whole transaction has a deadline, blocking or not: a server that answers slowly, or
    // not at all, or sends an endless body, cannot hold the connection.
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return u32::MAX;
    };
    let elapsed = elapsed_ms(now, s.started_ms);
    if elapsed >= s.trans_timeout_ms {
        // SAFETY: lock held.
        unsafe { upgrade_end(port, c, false, HTTPc_ERR_CONN_SIGNAL_TIMEOUT) };
        return u32::MAX;
    }
    let left = s.trans_timeout_ms - elapsed;
    for _ in 0..TURNS_PER_PASS {
        // SAFETY: listed.
        let Some(s) = (unsafe { conn(c) }) else {
            return u32::MAX;
        };
        if s.phase == Phase::UpgradeTx {
            // SAFETY: lock held.
            match unsafe { flush(port, c, now) } {
                Err(e) => {
                    // SAFETY: lock held.
                    unsafe { upgrade_end(port, c, false, e) };
                    return u32::MAX;
                }
                Ok(_) => {
                    // SAFETY: listed.
                    let Some(s) = (unsafe { conn(c) }) else {
                        return u32::MAX;
                    };
                    if s.tx_end > s.tx_start {
                        // The socket is full: wait for write readiness (or the deadline).
                        return left;
                    }
                    s.phase = Phase::UpgradeRx;
                    s.rx_start = 0;
                    s.rx_end = 0;
                }
            }
            continue;
        }
        let limit = s.rx_cap();
        if s.phase == Phase::Discard {
            // Skip what we have of the refused response's body.
            let have = u32::from(s.rx_end - s.rx_start);
            let skip = have.min(s.body_left);
            s.rx_start += skip as u16;
            s.body_left -= skip;
            if s.body_left == 0 {
                s.rx_start = 0;
                s.rx_end = 0;
                // SAFETY: lock held.
                unsafe { upgrade_end(port, c, false, HTTPc_ERR_NONE) };
                return u32::MAX;
            }
        }
        // SAFETY: lock held.
        let got = match unsafe { receive(port, c) } {
            Ok(got) => got,
            Err(e) => {
                // SAFETY: lock held.
                unsafe { upgrade_end(port, c, false, e) };
                return u32::MAX;
            }
        };
        // SAFETY: listed.
        if unsafe { conn(c) }.is_some_and(|s| s.phase == Phase::Discard) {
            if !got {
                break;
            }
            continue;
        }
        // Parse every complete line we have.
        loop {
            // SAFETY: listed.
            let Some(s) = (unsafe { conn(c) }) else {
                return u32::MAX;
            };
            // SAFETY: see `buffer`.
            let input: &[u8] =
                unsafe { buf_range(s, usize::from(s.rx_start), usize::from(s.rx_end)) };
            let base = input.as_ptr();
            // SAFETY: a connection in the upgrade phases has a live WebSocket object.
            let Some(ws) = (unsafe { ws_in(s) }) else {
                return u32::MAX;
            };
            let parsed = ws.session.read_handshake(input, now);
            let (used, event) = match parsed {
                Err(e) => {
                    // SAFETY: lock held.
                    unsafe { upgrade_end(port, c, false, map_handshake_err(e)) };
                    return u32::MAX;
                }
                Ok((used, event)) => (used, event),
            };
            s.rx_start += used as u16;
            match event {
                None => {
                    if s.rx_end >= limit && s.rx_start == 0 {
                        // A line longer than the receive region.
                        // SAFETY: lock held.
                        unsafe { upgrade_end(port, c, false, HTTPc_ERR_RESP_HDR_TOO_LARGE) };
                        return u32::MAX;
                    }
                    break;
                }
                Some(ParseEvent::Status { code, .. }) => {
                    s.body_left = 0;
                    s.body_unbounded = false;
                    if !s.resp.is_null() {
                        // SAFETY: the application lent `resp` for this transaction; every
                        // field is set.
                        unsafe {
                            s.resp.write(HTTPc_RESP_OBJ {
                                ProtocolVer: HTTP_PROTOCOL_VER_1_1,
                                StatusCode: status_code_from_number(code),
                                ReasonPhrasePtr: core::ptr::null(),
                                ContentType: HTTP_CONTENT_TYPE_UNKNOWN,
                                ContentLen: 0,
                            })
                        };
                    }
                }
                Some(ParseEvent::Header { name, value }) => {
                    if name.eq_ignore_ascii_case(b"content-length") {
                        match parse_len(value) {
                            Some(len) => s.body_left = len,
                            None => s.body_unbounded = true,
                        }
                        if !s.resp.is_null() {
                            // SAFETY: the application lent `resp` for this transaction.
                            unsafe { (*s.resp).ContentLen = s.body_left };
                        }
                    } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                        s.body_unbounded = true;
                    }
                    // SAFETY: the request is live while attached.
                    let hook = unsafe { req_in(s) }
                        .and_then(|r| r.on_hdr_rx)
                        .filter(|_| cfg!(feature = "hdr-rx"));
                    let field = hdr_field_from_name(name).filter(|&f| !consumed_hdr(f));
                    if let (Some(f), Some(field)) = (hook, field) {
                        let offset = value.as_ptr() as usize - base as usize;
                        let len = value.len() as u16;
                        let req = s.req;
                        // The value stays where it is in the buffer during the call.
                        let p = s.buf.wrapping_add(usize::from(s.rx_start) - used + offset);
                        // SAFETY: application hook; the pointer addresses `len` bytes of the
                        // connection buffer, valid for the call.
                        unsafe { f(c, req, field, p.cast(), len) };
                    }
                }
                Some(ParseEvent::Done { code: 101 }) => {
                    // SAFETY: lock held.
                    unsafe { upgrade_end(port, c, true, HTTPc_ERR_NONE) };
                    return 0;
                }
                Some(ParseEvent::Done { .. }) => {
                    if s.body_unbounded {
                        // A body we cannot delimit: report the refusal, then close.
                        // SAFETY: lock held.
                        unsafe { upgrade_end(port, c, false, HTTPc_ERR_NONE) };
                        // SAFETY: lock held, listed.
                        unsafe {
                            teardown(port, c, HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE)
                        };
                        return u32::MAX;
                    }
                    s.phase = Phase::Discard;
                    break;
                }
            }
        }
        if !got {
            break;
        }
    }
    left
}

/// Response headers the library reads itself: like legacy, the application's header hook does
/// not see them (nor `Origin`, which legacy does not know).
fn consumed_hdr(field: HTTP_HDR_FIELD) -> bool {
    matches!(
        field,
        HTTP_HDR_FIELD_CONTENT_TYPE
            | HTTP_HDR_FIELD_CONTENT_LEN
            | HTTP_HDR_FIELD_CONN
            | HTTP_HDR_FIELD_TRANSFER_ENCODING
            | HTTP_HDR_FIELD_UPGRADE
            | HTTP_HDR_FIELD_WEBSOCKET_ACCEPT
            | HTTP_HDR_FIELD_WEBSOCKET_VERSION
            | HTTP_HDR_FIELD_ORIGIN
    )
}

/// A `Content-Length` value: digits only, at most `u32::MAX`.
fn parse_len(value: &[u8]) -> Option<u32> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u32, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        } else {
            None
        }
    })
}

/// The upgrade transaction ends. `err` NONE: a whole response arrived; `upgraded` (101): the
/// connection becomes a WebSocket, otherwise the upgrade was refused: the transaction still
/// succeeds (legacy), the status tells the application. Else the upgrade failed (socket error
/// or a response that fails the handshake): reported on the request, the connection closed.
unsafe fn upgrade_end(port: &Port, c: *mut HTTPc_CONN_OBJ, upgraded: bool, err: HTTPc_ERR) {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return;
    };
    let ok = err == HTTPc_ERR_NONE;
    let (req, resp) = (s.req, s.resp);
    if upgraded {
        s.is_websocket = true;
        s.phase = Phase::WebSock;
        s.tx_start = 0;
        s.tx_end = 0;
    } else {
        if ok {
            s.phase = Phase::Connected;
            s.rx_start = 0;
            s.rx_end = 0;
        }
        // SAFETY: live while attached.
        if let Some(ws) = unsafe { ws_in(s) } {
            ws.used = false;
        }
        s.ws = null_mut();
    }
    // SAFETY: live while attached.
    let hooks = unsafe { req_in(s) }.map_or((None, None), |r| {
        r.used = false;
        r.done = true;
        r.ok = ok;
        r.err = err;
        (if r.no_block { r.on_complete } else { None }, r.on_err)
    });
    if !ok {
        // Legacy order: the request's OnErr (blocking calls too), then OnTransComplete(DEF_FAIL)
        // (non-blocking), then the connection's OnClose: SERVER when the server dropped TCP.
        if let Some(f) = hooks.1 {
            // SAFETY: application callback.
            unsafe { f(c, req, err) };
        }
        if let Some(f) = hooks.0 {
            // SAFETY: application callback with its own objects.
            unsafe { f(c, req, resp, DEF_FAIL) };
        }
        let status = if err == HTTPc_ERR_CONN_SOCK_CLOSED {
            HTTPc_CONN_CLOSE_STATUS_SERVER
        } else {
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL
        };
        // SAFETY: lock held, listed.
        unsafe { teardown(port, c, status, err) };
        return;
    }
    signal_waiters();
    if let Some(f) = hooks.0 {
        // SAFETY: application callback with its own objects.
        unsafe { f(c, req, resp, DEF_OK) };
    }
    if upgraded {
        // SAFETY: live (looked up again after the hook).
        let on_open = unsafe { ws_of(c) }.and_then(|ws| {
            ws.open_notified = true;
            ws.on_open
        });
        if let Some(f) = on_open {
            // SAFETY: application callback.
            unsafe { f(c) };
        }
    }
}

// ----- The WebSocket -------------------------------------------------------------------------

/// A fresh masking key from the port's random source.
fn mask_key(port: &Port) -> Option<[u8; 4]> {
    let mut key = [0u8; 4];
    port.random(&mut key).then_some(key)
}

// Out of line: measured smaller than inlined into `run_pass` (less register pressure).
#[inline(never)]
unsafe fn ws_io(port: &Port, c: *mut HTTPc_CONN_OBJ, now: u32) -> u32 {
    // The send-stall clock runs only while bytes wait: it starts with this pass if none did.
    // SAFETY: listed.
    if let Some(s) = unsafe { conn(c) } {
        if s.tx_end == s.tx_start {
            s.tx_progress_ms = now;
        }
    }
    let mut busy = true;
    for _ in 0..TURNS_PER_PASS {
        let mut progress = false;
        // Receive and deliver.
        // SAFETY: lock held.
        match unsafe { receive(port, c) } {
            Ok(got) => progress |= got,
            Err(e) => {
                // SAFETY: lock held.
                unsafe { ws_transport_lost(port, c, e) };
                return u32::MAX;
            }
        }
        // SAFETY: lock held.
        match unsafe { deliver(c, now) } {
            Ok(moved) => progress |= moved,
            Err(()) => return u32::MAX,
        }
        // Send.
        // SAFETY: lock held.
        match unsafe { produce_and_flush(port, c, now) } {
            Ok(moved) => progress |= moved,
            Err(e) => {
                // SAFETY: lock held.
                unsafe { ws_transport_lost(port, c, e) };
                return u32::MAX;
            }
        }
        if !progress {
            busy = false;
            break;
        }
    }
    // Timers.
    // SAFETY: live while the connection is a WebSocket.
    let Some(ws) = (unsafe { ws_of(c) }) else {
        return u32::MAX;
    };
    match ws.session.poll_timers(now) {
        Some(TimerEvent::PongTimeout) => {
            // SAFETY: lock held.
            unsafe {
                ws_end(
                    port,
                    c,
                    HTTPc_CONN_CLOSE_STATUS_NONE,
                    HTTPc_ERR_WEBSOCK_PONG_TIMEOUT,
                    true,
                )
            };
            return u32::MAX;
        }
        Some(TimerEvent::CloseTimeout) => {
            let done = ws.session.close_handshake_done();
            let err = if done {
                HTTPc_ERR_NONE
            } else {
                HTTPc_ERR_WEBSOCK_CLOSE_TIMEOUT
            };
            // SAFETY: lock held.
            unsafe { ws_end(port, c, HTTPc_CONN_CLOSE_STATUS_NONE, err, !done) };
            return u32::MAX;
        }
        None => {}
    }
    let mut wait = ws.session.next_timeout(now).unwrap_or(u32::MAX);
    // SAFETY: listed (no hook ran since the timers).
    let Some(s) = (unsafe { conn(c) }) else {
        return u32::MAX;
    };
    let tx_blocked = s.tx_end > s.tx_start;
    if tx_blocked && ws.tx_stall_ms != 0 {
        // Bytes wait and the socket took none for this long: the server stopped reading.
        let stalled = elapsed_ms(now, s.tx_progress_ms);
        if stalled >= ws.tx_stall_ms {
            // SAFETY: lock held.
            unsafe {
                ws_end(
                    port,
                    c,
                    HTTPc_CONN_CLOSE_STATUS_NONE,
                    HTTPc_ERR_CONN_SOCK_TX,
                    true,
                )
            };
            return u32::MAX;
        }
        wait = wait.min(ws.tx_stall_ms - stalled);
    }
    if busy {
        // The turn budget ran out with work left: another pass right away.
        return 0;
    }
    // Liveness: nothing more can happen now. A blocked send waits for write readiness (see
    // `wanted`), input for read readiness, both bounded by the deadlines above. What no socket
    // event announces is retried on a short timer: data the application refused, and a send
    // whose hook gave nothing while the region is empty.
    let producible = ws.session.has_pending_control()
        || ((!ws.head.is_null() || !ws.cur.is_null()) && !ws.tx_stalled);
    if ws.rx_paused || (!tx_blocked && producible) {
        wait = wait.min(RX_RETRY_MS);
    }
    wait
}

/// Reports a WebSocket error through `OnErr`.
unsafe fn ws_error(c: *mut HTTPc_CONN_OBJ, err: HTTPc_ERR) {
    // SAFETY: live.
    let on_err = unsafe { ws_of(c) }.and_then(|ws| {
        if ws.err == HTTPc_ERR_NONE {
            ws.err = err;
        }
        ws.on_err
    });
    if let Some(f) = on_err {
        // SAFETY: application callback.
        unsafe { f(c, err) };
    }
}

/// The socket failed or closed under us.
unsafe fn ws_transport_lost(port: &Port, c: *mut HTTPc_CONN_OBJ, err: HTTPc_ERR) {
    // The connection was already ending: the server's Close arrived (servers often close TCP
    // right after it, before our reply could leave), or we failed it (the error was reported).
    // SAFETY: live.
    let ending = unsafe { ws_of(c) }.and_then(|ws| {
        let s = &ws.session;
        (s.close_handshake_done() || s.close_received().is_some() || s.failure().is_some())
            .then_some(ws.err)
    });
    // The connection's OnClose status, as legacy reports it once the WebSocket is open: SERVER
    // (with no error) only when the server closed TCP; NONE otherwise, the error telling a
    // failure from a clean close.
    let (status, err) = match ending {
        Some(reported) => (HTTPc_CONN_CLOSE_STATUS_NONE, reported),
        None => {
            // Unexpected for the application (queued messages fail): its WebSocket OnErr says so.
            // SAFETY: lock held.
            unsafe { ws_error(c, err) };
            if err == HTTPc_ERR_CONN_SOCK_CLOSED {
                (HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE)
            } else {
                (HTTPc_CONN_CLOSE_STATUS_NONE, err)
            }
        }
    };
    // SAFETY: lock held.
    unsafe { ws_end(port, c, status, err, false) };
}

/// Ends the WebSocket: `err` reported through `OnErr` first when `report`, then socket closed,
/// queued messages failed, `OnClose` hooks called with `status`.
unsafe fn ws_end(
    port: &Port,
    c: *mut HTTPc_CONN_OBJ,
    status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
    report: bool,
) {
    if report {
        // SAFETY: lock held.
        unsafe { ws_error(c, err) };
    }
    // SAFETY: live.
    if let Some(ws) = unsafe { ws_of(c) } {
        ws.session.transport_closed();
    }
    // SAFETY: lock held.
    unsafe { teardown(port, c, status, err) };
}

/// Delivers received frames to the hooks. Err(()) when the connection ended.
unsafe fn deliver(c: *mut HTTPc_CONN_OBJ, now: u32) -> Result<bool, ()> {
    let mut moved = false;
    loop {
        // SAFETY: listed.
        let Some(s) = (unsafe { conn(c) }) else {
            return Err(());
        };
        // SAFETY: see `buffer`.
        let input: &[u8] = unsafe { buf_range(s, usize::from(s.rx_start), usize::from(s.rx_end)) };
        let ws_p = s.ws;
        // SAFETY: live.
        let Some(ws) = (unsafe { ws_in(s) }) else {
            return Err(());
        };
        let (used, event) = ws.session.read(input, now);
        s.rx_start += used as u16;
        if used > 0 {
            moved = true;
            ws.tx_stalled = false;
        }
        // Turn the event into plain values, ending every borrow before calling out.
        enum Act {
            Nothing,
            Start(MessageKind, Option<u32>),
            Data(*mut u8, usize),
            End,
            Pong(*mut u8, usize),
            Close,
            Failed(ProtocolError),
        }
        let act = match event {
            RxEvent::None => Act::Nothing,
            RxEvent::MessageStart { kind, len } => Act::Start(kind, len),
            RxEvent::Data { bytes, .. } => Act::Data(bytes.as_ptr().cast_mut(), bytes.len()),
            RxEvent::MessageEnd => Act::End,
            // Let the pong go out before the next frame is read: each ping gets its own pong
            // unless the socket cannot keep up (then the latest wins).
            RxEvent::Ping(_) => return Ok(true),
            RxEvent::Pong(p) => Act::Pong(p.as_ptr().cast_mut(), p.len()),
            RxEvent::Close { .. } => Act::Close,
            RxEvent::Failed(e) => Act::Failed(e),
        };
        match act {
            Act::Nothing => return Ok(moved),
            Act::Start(kind, len) => {
                let msg_type = match kind {
                    MessageKind::Text => HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                    MessageKind::Binary => HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                };
                let max = ws.cfg.max_message_len;
                let appended = ws.rx_len_max_set;
                ws.rx = state::RxDelivery {
                    msg_type,
                    buf: null_mut(),
                    cap: 0,
                    off: 0,
                    per_fragment: false,
                };
                let hook = ws.on_rx_init;
                if let Some(f) = hook {
                    let mut p: *mut c_void = null_mut();
                    let legacy_len = len.unwrap_or(HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED);
                    // SAFETY: application hook; `p` is a live local.
                    unsafe { f(c, msg_type, legacy_len, &mut p) };
                    // SAFETY: live.
                    if let Some(ws) = unsafe { ws_at(ws_p) } {
                        if !p.is_null() {
                            ws.rx.buf = p.cast();
                            // A single frame: its length. Fragmented: appended up to the limit
                            // the application set, else one fragment at a time (see
                            // `RxDelivery::per_fragment`).
                            match len {
                                Some(l) => ws.rx.cap = l,
                                None if appended => ws.rx.cap = max,
                                None => ws.rx.per_fragment = true,
                            }
                        }
                    }
                }
            }
            Act::Data(ptr, len) => {
                if ws.rx.per_fragment {
                    if let Some((frame_len, left)) = ws.session.rx_frame_progress() {
                        if frame_len == left {
                            // A new fragment starts over at offset 0, sized by itself.
                            ws.rx.off = 0;
                            ws.rx.cap = frame_len;
                        }
                    }
                }
                let rx = ws.rx;
                let hook = ws.on_rx_data;
                let taken = if !rx.buf.is_null() {
                    let room = rx.cap.saturating_sub(rx.off) as usize;
                    if len > room {
                        // The application's buffer is too small: fail with 1009.
                        ws.session.consume_data(0);
                        // SAFETY: lock held.
                        unsafe { fail_local(c, HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW, now) };
                        return Ok(true);
                    }
                    // SAFETY: `ptr..ptr+len` is in the connection buffer; the destination has
                    // `room >= len` bytes by the application's promise at OnMsgRxInit.
                    unsafe {
                        core::ptr::copy_nonoverlapping(ptr, rx.buf.add(rx.off as usize), len)
                    };
                    ws.rx.off += len as u32;
                    len
                } else if let Some(f) = hook {
                    let offered = len.min(usize::from(u16::MAX));
                    // SAFETY: application hook; the chunk is valid for the call.
                    let n = unsafe { f(c, rx.msg_type, ptr.cast(), offered as u16) };
                    (n as usize).min(offered)
                } else {
                    len
                };
                // SAFETY: live (the hook may not release it; the engine owns teardown).
                let Some(ws) = (unsafe { ws_at(ws_p) }) else {
                    return Err(());
                };
                ws.session.consume_data(taken);
                // SAFETY: listed.
                let Some(s) = (unsafe { conn(c) }) else {
                    return Err(());
                };
                s.rx_start += taken as u16;
                if taken == 0 {
                    // Backpressure: the application took nothing; try again shortly.
                    ws.rx_paused = true;
                    return Ok(moved);
                }
                ws.rx_paused = false;
                moved = true;
            }
            Act::End => {
                let hook = ws.on_rx_complete;
                if let Some(f) = hook {
                    // SAFETY: application hook.
                    unsafe { f(c) };
                }
                // Give a reply queued by the hook a chance to leave before later frames (which
                // may fail the connection) are read.
                return Ok(true);
            }
            Act::Pong(ptr, len) => {
                let hook = ws.on_pong;
                if let Some(f) = hook {
                    // SAFETY: application hook; the payload lives in the WebSocket object.
                    unsafe { f(c, ptr.cast(), len as u16) };
                }
            }
            Act::Close => {
                // Our reply (if owed) is queued; OnClose comes when the transport goes.
            }
            Act::Failed(e) => {
                // SAFETY: lock held.
                unsafe { ws_error(c, map_protocol_err(e)) };
            }
        }
    }
}

/// A local failure (not the server's fault as such): fail the connection with 1009 and report.
unsafe fn fail_local(c: *mut HTTPc_CONN_OBJ, err: HTTPc_ERR, now: u32) {
    // SAFETY: live.
    if let Some(ws) = unsafe { ws_of(c) } {
        ws.session.fail_with(ProtocolError::MessageTooBig, now);
    }
    // SAFETY: lock held.
    unsafe { ws_error(c, err) };
}

/// Fills the send region when empty (control frames first), then sends it.
unsafe fn produce_and_flush(
    port: &Port,
    c: *mut HTTPc_CONN_OBJ,
    now: u32,
) -> Result<bool, HTTPc_ERR> {
    let mut moved = false;
    for _ in 0..4 {
        // SAFETY: listed.
        let Some(s) = (unsafe { conn(c) }) else {
            return Ok(moved);
        };
        if s.tx_end == s.tx_start {
            // The region drained: the message whose tail it held is sent.
            // SAFETY: live.
            let finishing = unsafe { ws_in(s) }.map_or(null_mut(), |ws| {
                core::mem::replace(&mut ws.finishing, null_mut())
            });
            if !finishing.is_null() {
                // SAFETY: lock held.
                unsafe { complete_msg(c, finishing, true, HTTPc_ERR_NONE) };
            }
            // SAFETY: lock held.
            if !unsafe { produce(port, c, now)? } {
                return Ok(moved);
            }
        }
        // SAFETY: lock held.
        let sent = unsafe { flush(port, c, now)? };
        moved |= sent;
        // SAFETY: listed.
        let Some(s) = (unsafe { conn(c) }) else {
            return Ok(moved);
        };
        if s.tx_end > s.tx_start {
            return Ok(moved);
        }
    }
    Ok(moved)
}

/// Writes the next frame (or frame piece) into the send region. Ok(false) when nothing to send.
// Out of line: measured smaller than inlined into `run_pass` (less register pressure).
#[inline(never)]
unsafe fn produce(port: &Port, c: *mut HTTPc_CONN_OBJ, now: u32) -> Result<bool, HTTPc_ERR> {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    let region_start = usize::from(s.rx_cap());
    // SAFETY: see `buffer`.
    let region = unsafe { buf_range(s, region_start, usize::from(s.buf_len)) };
    // SAFETY: live.
    let Some(ws) = (unsafe { ws_in(s) }) else {
        return Ok(false);
    };

    // 1. Payload of a frame already started (one-frame messages stream through the region).
    if ws.frame_left > 0 && !ws.cur.is_null() {
        let cur = ws.cur;
        // SAFETY: lock held.
        return unsafe { produce_payload(c, cur, 0) };
    }
    // 2. Automatic control frames: pong, Close reply or failure Close, keep-alive ping.
    if ws.session.has_pending_control() {
        let Some(key) = mask_key(port) else {
            return Err(HTTPc_ERR_WEBSOCK_FAULT);
        };
        if let Some(n) = ws.session.poll_control(key, now, region) {
            s.tx_start = region_start as u16;
            s.tx_end = (region_start + n) as u16;
            return Ok(true);
        }
    }
    // 3. Application control messages go ahead of data.
    let mut m = ws.head;
    while !m.is_null() {
        // SAFETY: queued messages are live.
        let Some(ms) = (unsafe { msg(m) }) else { break };
        let next = ms.next;
        if is_control_type(ms.msg_type) {
            // The key first: if the random source fails, the message is still queued and the
            // teardown that follows completes it like every other.
            let Some(key) = mask_key(port) else {
                return Err(HTTPc_ERR_WEBSOCK_FAULT);
            };
            // SAFETY: lock held.
            unsafe { dequeue(ws, m) };
            // SAFETY: queued → live.
            let Some(ms) = (unsafe { msg(m) }) else { break };
            let payload: &[u8] = if ms.data.is_null() || ms.len == 0 {
                &[]
            } else {
                // SAFETY: the application lent `len` bytes at `data` until completion.
                unsafe { core::slice::from_raw_parts(ms.data, ms.len as usize) }
            };
            let opcode = Opcode::from_u8(ms.msg_type as u8);
            // SAFETY: live.
            let Some(ws) = (unsafe { ws_in(s) }) else {
                return Ok(false);
            };
            match ws.session.encode_control(opcode, payload, key, now, region) {
                Ok(n) => {
                    s.tx_start = region_start as u16;
                    s.tx_end = (region_start + n) as u16;
                    ws.finishing = m;
                    return Ok(true);
                }
                Err(_) => {
                    // SAFETY: lock held.
                    unsafe { complete_msg(c, m, false, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE) };
                    return Ok(true);
                }
            }
        }
        m = next;
    }
    // 4. The current data message, or the next one.
    // SAFETY: live.
    let Some(ws) = (unsafe { ws_in(s) }) else {
        return Ok(false);
    };
    let cur = if ws.cur.is_null() { ws.head } else { ws.cur };
    if cur.is_null() {
        return Ok(false);
    }
    ws.cur = cur;
    // SAFETY: lock held.
    unsafe { start_data_frame(port, c, cur) }
}

fn is_control_type(t: HTTPc_WEBSOCK_MSG_TYPE) -> bool {
    matches!(
        t,
        HTTPc_WEBSOCK_MSG_TYPE_CLOSE | HTTPc_WEBSOCK_MSG_TYPE_PING | HTTPc_WEBSOCK_MSG_TYPE_PONG
    )
}

/// Starts the next frame of data message `m` (the first frame, or the next fragment).
unsafe fn start_data_frame(
    port: &Port,
    c: *mut HTTPc_CONN_OBJ,
    m: *mut HTTPc_WEBSOCK_MSG_OBJ,
) -> Result<bool, HTTPc_ERR> {
    // First call: OnMsgTxInit may replace the length.
    // SAFETY: queued → live.
    let Some(ms) = (unsafe { msg(m) }) else {
        return Ok(false);
    };
    if !ms.init_called {
        ms.init_called = true;
        if let Some(f) = ms.on_tx_init {
            // SAFETY: application hook with its own objects.
            let len = unsafe { f(c, m) };
            // SAFETY: live.
            if let Some(ms) = unsafe { msg(m) } {
                // The hook's length replaces the given one, but never beyond a buffer the
                // application lent with its own length: we would read past it.
                ms.len = if ms.data.is_null() || len <= ms.len {
                    len
                } else {
                    ms.len
                };
            }
        }
    }
    // SAFETY: live.
    let Some(ms) = (unsafe { msg(m) }) else {
        return Ok(false);
    };
    let opcode = if ms.started {
        Opcode::Continuation
    } else if ms.msg_type == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME {
        Opcode::Text
    } else {
        Opcode::Binary
    };
    let Some(key) = mask_key(port) else {
        return Err(HTTPc_ERR_WEBSOCK_FAULT);
    };
    if ms.len == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED {
        // Fragmented: each OnMsgTxData call is one frame; 0 ends the message.
        // SAFETY: lock held.
        return unsafe { produce_fragment(c, m, opcode, key) };
    }
    let len = ms.len;
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    let region_start = usize::from(s.rx_cap());
    // SAFETY: see `buffer`.
    let region = unsafe { buf_range(s, region_start, usize::from(s.buf_len)) };
    // SAFETY: live.
    let Some(ws) = (unsafe { ws_in(s) }) else {
        return Ok(false);
    };
    match ws
        .session
        .encode_frame(opcode, true, u64::from(len), key, region)
    {
        Ok(n) => {
            ws.frame_left = len;
            ws.masker = Masker::new(key);
            // SAFETY: live.
            if let Some(ms) = unsafe { msg(m) } {
                ms.started = true;
            }
            // SAFETY: lock held.
            unsafe { produce_payload(c, m, n) }
        }
        Err(_) => {
            ws.cur = null_mut();
            // SAFETY: lock held.
            unsafe { dequeue(ws, m) };
            // SAFETY: lock held.
            unsafe { complete_msg(c, m, false, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE) };
            Ok(true)
        }
    }
}

/// Copies (or asks the hook for) the next payload piece of the current single frame into the
/// send region after `header_len` bytes of header, masks it, and queues it.
unsafe fn produce_payload(
    c: *mut HTTPc_CONN_OBJ,
    m: *mut HTTPc_WEBSOCK_MSG_OBJ,
    header_len: usize,
) -> Result<bool, HTTPc_ERR> {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    let region_start = usize::from(s.rx_cap());
    let region_len = usize::from(s.buf_len) - region_start;
    // SAFETY: live.
    let Some(ws) = (unsafe { ws_in(s) }) else {
        return Ok(false);
    };
    // SAFETY: live.
    let Some(ms) = (unsafe { msg(m) }) else {
        return Ok(false);
    };
    let room = region_len.saturating_sub(header_len);
    let want = (ws.frame_left as usize).min(room);
    let dst_off = region_start + header_len;
    let produced = if !ms.data.is_null() {
        // SAFETY: the application lent `len` bytes at `data` until completion; `sent + want`
        // stays within them.
        let src = unsafe { core::slice::from_raw_parts(ms.data.add(ms.sent as usize), want) };
        // SAFETY: see `buffer`.
        bytes::copy(unsafe { buf_range(s, dst_off, dst_off + want) }, src);
        want
    } else if let Some(f) = ms.on_tx_data {
        let p = s.buf.wrapping_add(dst_off);
        // SAFETY: application hook writing at most `want` bytes into the send region.
        let n = unsafe { f(c, m, p.cast(), want as u32) };
        (n as usize).min(want)
    } else {
        0
    };
    // SAFETY: listed / live again after the hook.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    // SAFETY: live while the connection is a WebSocket.
    let Some(ws) = (unsafe { ws_in(s) }) else {
        return Ok(false);
    };
    // SAFETY: see `buffer`.
    ws.masker
        .apply(unsafe { buf_range(s, dst_off, dst_off + produced) });
    ws.frame_left -= produced as u32;
    // SAFETY: live.
    if let Some(ms) = unsafe { msg(m) } {
        ms.sent += produced as u32;
    }
    s.tx_start = region_start as u16;
    s.tx_end = (dst_off + produced) as u16;
    if ws.frame_left == 0 {
        ws.cur = null_mut();
        ws.finishing = m;
        // SAFETY: lock held.
        unsafe { dequeue(ws, m) };
    }
    Ok(header_len + produced > 0)
}

/// One frame of a fragmented message from `OnMsgTxData` (0 bytes: the final, empty frame).
unsafe fn produce_fragment(
    c: *mut HTTPc_CONN_OBJ,
    m: *mut HTTPc_WEBSOCK_MSG_OBJ,
    opcode: Opcode,
    key: [u8; 4],
) -> Result<bool, HTTPc_ERR> {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    let region_start = usize::from(s.rx_cap());
    let region_len = usize::from(s.buf_len) - region_start;
    let room = region_len.saturating_sub(MAX_HEADER_LEN);
    let payload_at = region_start + MAX_HEADER_LEN;
    // SAFETY: live.
    let Some(ms) = (unsafe { msg(m) }) else {
        return Ok(false);
    };
    let ret = match ms.on_tx_data {
        Some(f) => {
            let p = s.buf.wrapping_add(payload_at);
            // SAFETY: application hook writing at most `room` bytes into the send region.
            unsafe { f(c, m, p.cast(), room as u32) }
        }
        None => 0,
    };
    if ret == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED {
        // "Nothing yet": no frame now; asked again after the next received data.
        // SAFETY: live.
        if let Some(ws) = unsafe { ws_in(s) } {
            ws.tx_stalled = true;
        }
        return Ok(false);
    }
    let n = (ret as usize).min(room);
    let fin = n == 0;
    // SAFETY: listed / live again after the hook.
    let Some(s) = (unsafe { conn(c) }) else {
        return Ok(false);
    };
    // SAFETY: live while the connection is a WebSocket.
    let Some(ws) = (unsafe { ws_in(s) }) else {
        return Ok(false);
    };
    let mut header = [0u8; MAX_HEADER_LEN];
    match ws
        .session
        .encode_frame(opcode, fin, n as u64, key, &mut header)
    {
        Ok(h) => {
            let start = payload_at - h;
            // SAFETY: see `buffer`.
            bytes::copy(unsafe { buf_range(s, start, payload_at) }, &header);
            // SAFETY: see `buffer`.
            let piece = unsafe { buf_range(s, payload_at, payload_at + n) };
            crate::proto::mask::apply_mask(key, 0, piece);
            s.tx_start = start as u16;
            s.tx_end = (payload_at + n) as u16;
            // SAFETY: live.
            if let Some(ms) = unsafe { msg(m) } {
                ms.started = true;
                ms.sent = ms.sent.saturating_add(n as u32);
            }
            if fin {
                ws.cur = null_mut();
                ws.finishing = m;
                // SAFETY: lock held.
                unsafe { dequeue(ws, m) };
            }
            Ok(true)
        }
        Err(_) => {
            ws.cur = null_mut();
            // SAFETY: lock held.
            unsafe { dequeue(ws, m) };
            // SAFETY: lock held.
            unsafe { complete_msg(c, m, false, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE) };
            Ok(true)
        }
    }
}

/// Unlinks `m` from its WebSocket's queue (it stays `used` until completed).
unsafe fn dequeue(ws: &mut WsState, m: *mut HTTPc_WEBSOCK_MSG_OBJ) {
    let mut prev: *mut HTTPc_WEBSOCK_MSG_OBJ = null_mut();
    let mut p = ws.head;
    while !p.is_null() {
        // SAFETY: queued → live.
        let Some(ps) = (unsafe { msg(p) }) else {
            return;
        };
        let next = ps.next;
        if p == m {
            if prev.is_null() {
                ws.head = next;
            } else if let Some(pv) =
                // SAFETY: queued → live.
                unsafe { msg(prev) }
            {
                pv.next = next;
            }
            if ws.tail == m {
                ws.tail = prev;
            }
            ps.next = null_mut();
            return;
        }
        prev = p;
        p = next;
    }
}

/// Finishes one message: exactly one completion per send.
pub(crate) unsafe fn complete_msg(
    c: *mut HTTPc_CONN_OBJ,
    m: *mut HTTPc_WEBSOCK_MSG_OBJ,
    ok: bool,
    err: HTTPc_ERR,
) {
    // SAFETY: live.
    let Some(ms) = (unsafe { msg(m) }) else {
        return;
    };
    if !ms.used {
        return;
    }
    ms.used = false;
    ms.done = true;
    ms.ok = ok;
    ms.err = err;
    ms.next = null_mut();
    let hook = ms.on_tx_complete;
    signal_waiters();
    if let Some(f) = hook {
        // SAFETY: application hook with its own objects.
        unsafe { f(c, m, if ok { DEF_OK } else { DEF_FAIL }) };
    }
}

/// Closes a connection on behalf of an API call. Only the engine's thread of control may close
/// sockets (the engine task waits on them outside the lock), so with an engine task — or from
/// inside a hook — the close is handed to the engine; with an `OsWait` hook the caller then
/// waits (up to 1 s) until it is done. Otherwise it happens here and now.
///
/// # Safety
/// Lock held once; `c` is listed.
pub(crate) unsafe fn close_from_api(
    c: *mut HTTPc_CONN_OBJ,
    status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
) {
    // SAFETY: lock held.
    let g = unsafe { globals() };
    let (task_mode, in_engine) = (g.in_task_mode(), g.in_engine);
    let Some(port) = global::port() else { return };
    if !task_mode && !in_engine {
        // SAFETY: lock held; the engine is not mid-pass.
        unsafe { teardown(port, c, status, err) };
        return;
    }
    // SAFETY: listed.
    if let Some(s) = unsafe { conn(c) } {
        s.close_requested = true;
        s.close_req_status = status;
        s.close_req_err = err;
    }
    port.wake();
    if cfg!(feature = "blocking") && task_mode && !in_engine && port.has_os_wait() {
        // SAFETY: lock held once (caller); the predicate only reads state.
        unsafe {
            super::task::block_until(1000, &mut || conn(c).is_none_or(|s| s.phase == Phase::Idle));
        }
    }
}

/// A blocking call's wait ran out: close the connection (as the legacy code did when its wait
/// failed), which also completes whatever the call was waiting for, and report the timeout.
///
/// # Safety
/// Lock held once; `c` is listed.
pub(crate) unsafe fn give_up(c: *mut HTTPc_CONN_OBJ, p_err: *mut HTTPc_ERR) -> CPU_BOOLEAN {
    // SAFETY: per the caller's contract.
    unsafe {
        close_from_api(
            c,
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
            HTTPc_ERR_CONN_SIGNAL_TIMEOUT,
        )
    };
    super::task::set_err(p_err, HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    DEF_FAIL
}

/// Closes the connection for good: socket, queued messages, pending transaction, hooks, list.
///
/// # Safety
/// Lock held; `c` is listed.
pub(crate) unsafe fn teardown(
    port: &Port,
    c: *mut HTTPc_CONN_OBJ,
    status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
) {
    // SAFETY: listed.
    let Some(s) = (unsafe { conn(c) }) else {
        return;
    };
    if s.phase == Phase::Idle {
        return;
    }
    let phase = s.phase;
    if !s.handle.is_null() {
        port.close(s.handle);
        s.set_handle(null_mut());
    }
    s.phase = Phase::Idle;
    s.close_requested = false;
    s.err = err;
    s.close_status = status;
    s.rx_start = 0;
    s.rx_end = 0;
    s.tx_start = 0;
    s.tx_end = 0;
    s.open_done = true;
    let on_close = s.on_close;
    let on_connect = if s.no_block { s.on_connect } else { None };
    // From here on hooks run and the list is edited: `s` is not used again, the attached
    // objects are reached through their own pointers.
    let (req, resp, ws_p) = (s.req, s.resp, s.ws);
    // SAFETY: lock held.
    unsafe { global::list_remove(c) };

    if matches!(phase, Phase::UpgradeTx | Phase::UpgradeRx | Phase::Discard) {
        let req_err = if err == HTTPc_ERR_NONE {
            HTTPc_ERR_CONN_SOCK_CLOSED
        } else {
            err
        };
        // Legacy `HTTPcConn_Close` on a pending request, in both modes: OnTransComplete(DEF_FAIL)
        // then OnErr (HTTPc_ERR_CONN_SOCK_CLOSED when the application closed).
        // SAFETY: live while attached (the application keeps attached objects alive).
        let hooks = unsafe { attached(req) }.map_or((None, None), |r: &mut ReqState| {
            r.used = false;
            let notify = !r.done;
            r.done = true;
            r.ok = false;
            r.err = req_err;
            if notify {
                (r.on_complete, r.on_err)
            } else {
                (None, None)
            }
        });
        if let Some(f) = hooks.0 {
            // SAFETY: application hook with its own objects.
            unsafe { f(c, req, resp, DEF_FAIL) };
        }
        if let Some(f) = hooks.1 {
            // SAFETY: application hook.
            unsafe { f(c, req, req_err) };
        }
        // SAFETY: live while attached.
        if let Some(ws) = unsafe { ws_at(ws_p) } {
            ws.used = false;
        }
    }

    // Every message still queued fails, exactly once.
    let fail_err = if err == HTTPc_ERR_NONE {
        HTTPc_ERR_WEBSOCK_SEND_ERROR
    } else {
        err
    };
    // SAFETY: live while attached (re-fetched each turn: hooks run in between).
    while let Some(ws) = unsafe { ws_at(ws_p) } {
        let m = if !ws.finishing.is_null() {
            core::mem::replace(&mut ws.finishing, null_mut())
        } else if !ws.cur.is_null() {
            core::mem::replace(&mut ws.cur, null_mut())
        } else {
            ws.head
        };
        if m.is_null() {
            break;
        }
        // SAFETY: lock held.
        unsafe { dequeue(ws, m) };
        // SAFETY: lock held.
        unsafe { complete_msg(c, m, false, fail_err) };
    }

    // WebSocket OnClose, once per opened WebSocket.
    // SAFETY: live while attached.
    if let Some(ws) = unsafe { ws_at(ws_p) } {
        if ws.open_notified && !ws.close_notified {
            ws.close_notified = true;
            ws.used = false;
            let (code, reason) = match ws.session.close_received() {
                Some((code, reason)) => (code, reason),
                None => match ws.session.failure() {
                    Some(f) => (f.close_code(), &[][..]),
                    None => (close::ABNORMAL, &[][..]),
                },
            };
            let mut reason = HTTPc_WEBSOCK_CLOSE_REASON {
                DataPtr: reason.as_ptr().cast_mut().cast(),
                Len: reason.len() as u8,
            };
            if let Some(f) = ws.on_close {
                // SAFETY: application hook; the reason lives in the WebSocket object. `ws` is
                // not used again.
                unsafe { f(c, code, &mut reason) };
            }
        }
    }

    signal_waiters();
    if matches!(phase, Phase::OpenQueued | Phase::Connecting) {
        if let Some(f) = on_connect {
            // SAFETY: application hook.
            unsafe { f(c, DEF_FAIL) };
        }
        return;
    }
    if let Some(f) = on_close {
        // SAFETY: application hook.
        unsafe { f(c, status, err) };
    }
}
