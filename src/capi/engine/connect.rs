//! Connecting: `Connect`, then `ConnectPoll` until done or the connect timeout.

use core::ptr::null_mut;

use super::super::consts::*;
use super::super::global::Held;
use super::super::handle::Conn;
use super::super::hooks;
use super::super::port::{HTTPc_PORT_SECURE_CFG, Io, Port};
use super::super::state::{Phase, CONN_KEEP_ALIVE, CONN_NO_BLOCK};
use super::super::types::DEF_OK;
use super::signal_waiters;
use crate::proto::session::elapsed_ms;

/// While a connect is in progress `ConnectPoll` is called at least this often, readiness or
/// not: a port may move on to the next address of a name when one stays silent (PORTING.md).
const CONNECT_POLL_MS: u32 = 100;

/// One step of the connect: `Connect` for a queued connection, else `ConnectPoll` for the one
/// in progress; then what came of it (connected, still in progress, failed or timed out).
pub(super) fn step(h: &mut Held, port: &Port, c: Conn, now: u32) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    let queued = s.phase == Phase::OpenQueued;
    // (A queued connection has none yet; `Connect` gives it.)
    let mut handle = s.handle;
    // No state reference lives across the port call: a TLS port calls the application's
    // trust callback from `Connect` and `ConnectPoll`, which may call the API.
    let io = if queued {
        s.clock_ms = now;
        let secure_cfg = HTTPc_PORT_SECURE_CFG {
            CommonNamePtr: if s.secure_cn.is_null() {
                s.host.ptr()
            } else {
                s.secure_cn
            },
            TrustCallback: s.trust,
        };
        let secure = s.is_secure().then_some(&secure_cfg);
        let (host, server_port, connect_ms, inactivity_s, keep_alive) = (
            s.host.ptr(),
            s.server_port(),
            s.connect_timeout_ms,
            s.inactivity_s,
            s.flags.has(CONN_KEEP_ALIVE),
        );
        port.connect(
            host,
            server_port,
            u32::from(connect_ms),
            secure,
            inactivity_s,
            keep_alive,
            &mut handle,
        )
    } else {
        port.connect_poll(handle)
    };
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    // (Zero right after `Connect`: its own timeout is the port's to keep.)
    let elapsed = elapsed_ms(now, s.clock_ms);
    let timeout = u32::from(s.connect_timeout_ms);
    match io {
        Io::Done(_) => {
            if queued {
                s.set_handle(handle);
            }
            connected(h, c)
        }
        Io::WouldBlock if elapsed < timeout => {
            if queued {
                s.connecting(handle);
            }
            (timeout - elapsed).min(CONNECT_POLL_MS)
        }
        _ => {
            // (A failed `Connect` may have given no handle.)
            if !queued || !handle.is_null() {
                port.close(handle);
            }
            connect_failed(h, c)
        }
    }
}

/// The connect failed: the connection ends as every other one does (`teardown`), which for a
/// connect that did not finish means `OnConnect(DEF_FAIL)` and no `OnClose` (legacy: it never
/// opened), its waiting requests failed after it. A close the application asked for during the
/// port call (a socket callback, or the trust callback a TLS port calls from `Connect` /
/// `ConnectPoll`, may call the API) is carried out with it, as one asked between passes
/// (`OnConnect(DEF_FAIL)`, then the `OnClose(APP)` the close promises); otherwise no error is
/// recorded (a blocking `HTTPc_ConnOpen` reads none as `HTTPc_ERR_CONN_SOCK_CONNECT`).
fn connect_failed(h: &mut Held, c: Conn) -> u32 {
    // (The port closed its handle, if any.)
    if let Some(s) = h.conn(c) {
        s.set_handle(null_mut());
    }
    super::teardown(h, c, HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL, HTTPc_ERR_NONE);
    u32::MAX
}

/// The connect succeeded: report it. Returns how long the engine may sleep: not at all when
/// requests sent during the connect wait to start (no socket event would announce them).
fn connected(h: &mut Held, c: Conn) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    let notify = if s.flags.has(CONN_NO_BLOCK) {
        s.on_connect
    } else {
        None
    };
    s.connect_done();
    signal_waiters();
    hooks::on_connect(h, notify, c.ptr(), DEF_OK);
    if cfg!(feature = "http") && h.conn(c).is_some_and(|s| s.queue.is_some()) {
        return 0;
    }
    u32::MAX
}
