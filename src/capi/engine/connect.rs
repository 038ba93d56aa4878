//! Connecting: `Connect`, then `ConnectPoll` until done or the connect timeout.

use core::ffi::c_void;
use core::ptr::null_mut;

use super::super::consts::*;
use super::super::global::Held;
use super::super::handle::Conn;
use super::super::hooks;
use super::super::port::{HTTPc_PORT_SECURE_CFG, Io, Port};
use super::super::state::{Code8, CONN_CLOSE_REQUESTED, CONN_KEEP_ALIVE, CONN_NO_BLOCK};
use super::super::types::{DEF_FAIL, DEF_OK};
use super::signal_waiters;
use crate::proto::session::elapsed_ms;

/// While a connect is in progress `ConnectPoll` is called at least this often, readiness or
/// not: a port may move on to the next address of a name when one stays silent (PORTING.md).
const CONNECT_POLL_MS: u32 = 100;

/// Starts the connect of a queued connection.
pub(super) fn start(h: &mut Held, port: &Port, c: Conn, now: u32) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
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
    let mut handle: *mut c_void = null_mut();
    // No state reference lives across `Connect`: a TLS port calls the application's trust
    // callback from it, which may call the API.
    let io = port.connect(
        host,
        server_port,
        u32::from(connect_ms),
        secure,
        inactivity_s,
        keep_alive,
        &mut handle,
    );
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    match io {
        Io::Done(_) => {
            s.set_handle(handle);
            connected(h, c, true)
        }
        Io::WouldBlock => {
            s.connecting(handle);
            u32::from(s.connect_timeout_ms).min(CONNECT_POLL_MS)
        }
        Io::Closed | Io::Failed => {
            if !handle.is_null() {
                port.close(handle);
            }
            connect_failed(h, port, c)
        }
    }
}

/// Asks the port whether the connect in progress is done.
pub(super) fn poll(h: &mut Held, port: &Port, c: Conn, now: u32) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    let elapsed = elapsed_ms(now, s.clock_ms);
    let timeout = u32::from(s.connect_timeout_ms);
    let handle = s.handle;
    // (As in `start`: the trust callback may run in `ConnectPoll`.)
    match port.connect_poll(handle) {
        Io::Done(_) => connected(h, c, true),
        Io::WouldBlock if elapsed < timeout => (timeout - elapsed).min(CONNECT_POLL_MS),
        _ => {
            port.close(handle);
            connect_failed(h, port, c)
        }
    }
}

/// The connect failed. A close the application asked for during the port call (a socket
/// callback, or the trust callback a TLS port calls from `Connect` / `ConnectPoll`, may call
/// the API) is carried out as one asked between passes (`OnConnect(DEF_FAIL)`, then the
/// `OnClose(APP)` the close promises), not left pending on the idle connection.
fn connect_failed(h: &mut Held, port: &Port, c: Conn) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    // (The port closed its handle, if any.)
    s.set_handle(null_mut());
    s.err = Code8::new(HTTPc_ERR_CONN_SOCK_CONNECT);
    if s.flags.has(CONN_CLOSE_REQUESTED) {
        let (status, err) = (s.close_req_status.get(), s.close_req_err.get());
        super::teardown(h, port, c, status, err);
        return u32::MAX;
    }
    connected(h, c, false)
}

/// The connect finished: report it. A failed connection leaves the list without `OnClose`
/// (legacy behaviour: it never opened). Returns how long the engine may sleep: not at all when
/// requests sent during the connect wait to start (no socket event would announce them).
fn connected(h: &mut Held, c: Conn, ok: bool) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    let notify = if s.flags.has(CONN_NO_BLOCK) {
        s.on_connect
    } else {
        None
    };
    s.connect_done(ok);
    // Requests a non-blocking open let through fail with it, after OnConnect (legacy order).
    #[cfg(feature = "http")]
    let queue = if ok { None } else { s.queue.take() };
    if !ok {
        h.list_remove(c);
    }
    signal_waiters();
    hooks::on_connect(h, notify, c.ptr(), if ok { DEF_OK } else { DEF_FAIL });
    #[cfg(feature = "http")]
    {
        super::close::fail_queue(h, c, queue, false);
        if h.conn(c).is_some_and(|s| s.queue.is_some()) {
            return 0;
        }
    }
    u32::MAX
}
