//! The engine: one pass over every open connection. Each connection moves through its stages,
//! one module each: `connect` (TCP), `upgrade` (the opening handshake), then `ws` (the open
//! WebSocket: `rx` delivers frames to the hooks, `tx` produces frames from the queue), and
//! `close` (every way a connection ends). `io` moves bytes between the socket and the
//! connection buffer.
//!
//! Everything runs under the lock, with the [`Held`] token: state is borrowed from it and hooks
//! take it, so no state reference outlives a hook call (see `global.rs`).

mod close;
mod connect;
#[cfg(feature = "http")]
mod http;
mod io;
mod rx;
mod tx;
mod upgrade;
mod ws;

pub(crate) use close::{request_close, teardown};
pub(crate) use tx::enqueue;

use super::global::{self, Held};
use super::handle::{Conn, Msg};
use super::port::{HTTPc_PORT_WAIT_ENTRY, HTTPc_PORT_WAIT_RD, HTTPc_PORT_WAIT_WR, Port};
use super::state::{ConnState, Phase, CONN_CLOSE_REQUESTED, TXN_RX_EOF, WS_RX_EOF};
use crate::proto::session::State;

/// Most loop turns one connection gets per pass, so one busy peer cannot starve the others.
const TURNS_PER_PASS: u32 = 64;

/// How soon data an `OnMsgRxData` or response-body hook refused (took none of), or a send or
/// request-body hook that gave nothing, is asked again (nothing else would wake us for it).
const RX_RETRY_MS: u32 = 5;

/// Wakes the API calls blocked on an outcome (engine task mode). Without blocking calls
/// (`HTTPc_CFG_MODE_BLOCK_EN` off) nothing ever waits.
fn signal_waiters() {
    if !cfg!(feature = "blocking") {
        return;
    }
    if let Some(p) = global::port() {
        p.os_signal();
    }
}

/// Wakes the engine after an API call queued work (also when the call came from a hook of the
/// pass that runs: that pass then asks for the next one at once).
pub(crate) fn wake_engine(h: &mut Held) {
    h.g().woken = true;
    if let Some(p) = global::port() {
        p.wake();
    }
}

/// A fresh masking key from the port's random source.
fn mask_key(port: &Port) -> Option<[u8; 4]> {
    let mut key = [0u8; 4];
    port.random(&mut key).then_some(key)
}

/// One pass over every connection. Returns how long the caller may sleep (ms) before the next
/// pass, `u32::MAX` when nothing is timed, 0 when a hook queued work meanwhile (a send, a
/// close). Not re-entered from a hook (`in_engine`).
pub(crate) fn run_pass(h: &mut Held) -> u32 {
    let Some(port) = global::port() else {
        return u32::MAX;
    };
    let g = h.g();
    if g.in_engine || !g.initialised {
        return 0;
    }
    g.in_engine = true;
    g.woken = false;
    let now = port.now_ms();
    let mut sleep = u32::MAX;
    let mut c = g.conns;
    while let Some(x) = c {
        // Read `next` first: the connection may leave the list during its turn.
        c = h.next(x);
        sleep = sleep.min(process(h, port, x, now));
    }
    let g = h.g();
    g.in_engine = false;
    if g.woken {
        return 0;
    }
    sleep
}

/// Sends, from the thread of a blocking API call, its message `m` queued on `c`, while an
/// engine task sleeps (the caller holds the lock, so no pass runs). Only when `m` is alone in
/// the queue: the hooks that run here are its own (the hooks of other messages run in the
/// engine's task, as legacy ran every hook). Hooks run as in a pass (`in_engine`: a hook's
/// blocking call is refused, a close it asks for is left to the engine), and nothing is torn
/// down here: a socket error is left for the engine's next pass. True when the engine must
/// look: bytes or messages still wait (it must now watch for write readiness), the socket
/// failed, or the connection is closing (its close timer now runs, and only a pass ends it).
pub(crate) fn send_now(h: &mut Held, c: Conn, m: Msg) -> bool {
    let Some(port) = global::port() else {
        return true;
    };
    let alone = h
        .ws_of(c)
        .is_some_and(|ws| ws.head == Some(m) && ws.finishing.is_none())
        && h.msg(m).is_some_and(|ms| ms.next.is_none());
    if !alone {
        return true;
    }
    let g = h.g();
    if g.in_engine {
        return true;
    }
    g.in_engine = true;
    let now = port.now_ms();
    let sent = tx::produce_and_flush(h, c, now, Some(m));
    h.g().in_engine = false;
    let left = h.conn_ws(c).is_none_or(|(s, ws)| {
        s.flags.has(CONN_CLOSE_REQUESTED)
            || !s.buf.tx_is_empty()
            || ws.head.is_some()
            || ws.finishing.is_some()
            || ws.session.state() != State::Open
    });
    sent.is_err() || left
}

/// What the engine waits for on a connection's socket. By construction this is exactly what
/// can unblock it: write readiness only while bytes wait in the send region (or the connect is
/// in progress), read readiness only while the receive region has room (a full region, held
/// by an application that refused data, is retried on a timer instead: a socket that stays
/// readable must not wake us in a loop). Once the server's Close came (`sink`), what arrives is
/// read to be dropped into the free send region when the receive region has no room
/// (`io::receive`): its end of the stream must wake us.
fn wanted(s: &ConnState, rx_eof: bool, sink: bool) -> u8 {
    let room = s.buf.rx_has_room() || sink && s.buf.tx_room() > 0;
    let mut want = if reads(s.phase, room, rx_eof) {
        HTTPc_PORT_WAIT_RD
    } else if s.phase == Phase::Connecting {
        HTTPc_PORT_WAIT_WR
    } else {
        0
    };
    if !s.buf.tx_is_empty() {
        want |= HTTPc_PORT_WAIT_WR;
    }
    want
}

/// Whether a connection in `phase` is read: an idle connection too (a server that closes it,
/// or sends what nobody asked for, is noticed then, not by the next request; legacy checked
/// each loop), while there is `room` to receive into, until the end of the stream was seen (a
/// closed socket stays readable).
fn reads(phase: Phase, room: bool, rx_eof: bool) -> bool {
    matches!(
        phase,
        Phase::UpgradeRx | Phase::Discard | Phase::WebSock | Phase::Connected | Phase::ReqRx
    ) && room
        && !rx_eof
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
pub(crate) fn wait_entries(
    h: &mut Held,
    port: &Port,
    out: &mut [HTTPc_PORT_WAIT_ENTRY],
) -> WaitList {
    let watch = port.has_watch();
    let mut list = WaitList {
        len: 0,
        overflow: false,
    };
    let mut c = h.g().conns;
    while let Some(x) = c {
        let rx_eof = cfg!(feature = "http") && h.req_of(x).is_some_and(|r| r.txn.has(TXN_RX_EOF))
            || cfg!(feature = "websocket") && h.ws_of(x).is_some_and(|w| w.flags.has(WS_RX_EOF));
        let sink = cfg!(feature = "websocket")
            && h.ws_of(x)
                .is_some_and(|w| w.session.close_received().is_some());
        let Some(s) = h.conn(x) else { break };
        c = s.next;
        if s.handle.is_null() {
            continue;
        }
        let want = wanted(s, rx_eof, sink);
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
    list
}

/// One connection's turn. Returns how long it may wait.
// Out of line: measured smaller than inlined into `run_pass` (less register pressure).
#[inline(never)]
fn process(h: &mut Held, port: &Port, c: Conn, now: u32) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    if s.flags.has(CONN_CLOSE_REQUESTED) {
        let (status, err) = (s.close_req_status.get(), s.close_req_err.get());
        teardown(h, c, status, err);
        return u32::MAX;
    }
    match s.phase {
        Phase::OpenQueued | Phase::Connecting => connect::step(h, port, c, now),
        // Requests queued during the connect start now.
        #[cfg(feature = "http")]
        Phase::Connected if s.queue.is_some() => {
            http::start_next(h, c);
            0
        }
        Phase::Connected => close::idle(h, c),
        // Only during an API call, which holds the lock: never seen by a pass.
        Phase::Head | Phase::Idle | Phase::Closing => u32::MAX,
        // Without the WebSocket client (feature `websocket`) no connection gets here.
        Phase::UpgradeTx | Phase::UpgradeRx | Phase::Discard if cfg!(feature = "websocket") => {
            upgrade::io(h, c, now)
        }
        Phase::WebSock if cfg!(feature = "websocket") => ws::io(h, c, now),
        Phase::UpgradeTx | Phase::UpgradeRx | Phase::Discard | Phase::WebSock => u32::MAX,
        #[cfg(feature = "http")]
        Phase::ReqTx | Phase::ReqRx => http::io(h, c, now),
        #[cfg(not(feature = "http"))]
        Phase::ReqTx | Phase::ReqRx => u32::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_is_read_while_it_has_room_until_its_end_of_stream() {
        for phase in [
            Phase::UpgradeRx,
            Phase::Discard,
            Phase::WebSock,
            Phase::Connected,
            Phase::ReqRx,
        ] {
            assert!(reads(phase, true, false), "{phase:?}");
            assert!(!reads(phase, false, false), "{phase:?}: no room");
            assert!(!reads(phase, true, true), "{phase:?}: end of stream seen");
        }
        for phase in [
            Phase::Idle,
            Phase::OpenQueued,
            Phase::Connecting,
            Phase::Head,
            Phase::UpgradeTx,
            Phase::ReqTx,
            Phase::Closing,
        ] {
            assert!(!reads(phase, true, false), "{phase:?}");
        }
    }
}
