//! How a blocking API call waits for the engine: with an engine task it sleeps in the port's
//! `OsWait` (the engine signals every outcome); without one it drives the engine itself.

use super::consts::*;
use super::engine::{self, request_close};
use super::global::{self, Held};
use super::handle::{Conn, Msg, Req};
use super::port::HTTPc_PORT_WAIT_ENTRY;
use super::state::{Phase, ReqState, CONN_CLOSE_REQUESTED};

/// A blocking transaction (upgrade or request) waits this much past its deadline, which the
/// engine enforces and reports itself.
const BLOCK_WAIT_SLACK_MS: u32 = 1_000;

/// Sockets listed in one `Wait` call when the port has no `Watch`; while more need waiting
/// on, the engine polls every millisecond (a port with `Watch` sleeps with any number).
pub(crate) const MAX_WAIT_ENTRIES: usize = 16;

/// The wait list of a blocking call in poll mode: a static rather than a local, because that
/// call sits on the deepest stack path (a blocking upgrade driving the engine).
struct WaitEntries(core::cell::UnsafeCell<[HTTPc_PORT_WAIT_ENTRY; MAX_WAIT_ENTRIES]>);

// SAFETY: only used by `block_until` in poll mode, under the library lock (a `Held` is
// required), and poll mode has a single thread of control.
unsafe impl Sync for WaitEntries {}

static POLL_WAIT_ENTRIES: WaitEntries = WaitEntries(core::cell::UnsafeCell::new(
    [HTTPc_PORT_WAIT_ENTRY {
        Handle: core::ptr::null_mut(),
        Want: 0,
    }; MAX_WAIT_ENTRIES],
));

/// Ok when a blocking call can wait here: the `blocking` feature is built in, the call does
/// not come from a hook (the engine is on this stack), and with an engine task the port has
/// `OsWait`.
pub(crate) fn can_block(h: &mut Held) -> Result<(), HTTPc_ERR> {
    if !cfg!(feature = "blocking") {
        // HTTPc_CFG_MODE_BLOCK_EN off: every blocking call is refused here, so the waits
        // that follow it are not linked.
        return Err(HTTPc_ERR_FEATURE_DIS);
    }
    let g = h.g();
    if g.in_engine {
        return Err(HTTPc_ERR_CONN_INVALID_STATE);
    }
    match global::port() {
        Some(p) if g.in_task_mode() && !p.has_os_wait() => Err(HTTPc_ERR_FEATURE_DIS),
        Some(_) => Ok(()),
        None => Err(HTTPc_ERR_INIT_NOT_COMPLETED),
    }
}

/// What a blocking call waits for (a value rather than a closure: no vtable per call site).
#[derive(Clone, Copy)]
pub(crate) enum Until {
    /// The connection's open ended (connected or failed).
    Opened(Conn),
    /// The connection is closed.
    Closed(Conn),
    /// The request's transaction ended.
    TransDone(Req),
    /// The message's send completed.
    Sent(Msg),
}

impl Until {
    /// Whether it happened (or its object is gone: nothing left to wait for).
    fn reached(self, h: &mut Held) -> bool {
        match self {
            Until::Opened(c) => h.conn(c).is_none_or(|s| s.open_done()),
            // Done once the engine performed the close (which clears the request), also when
            // a hook of that close reopened the connection.
            Until::Closed(c) => h
                .conn(c)
                .is_none_or(|s| s.phase == Phase::Idle || !s.flags.has(CONN_CLOSE_REQUESTED)),
            Until::TransDone(r) => h.state::<_, ReqState>(r).is_none_or(|r| !r.wait.pending()),
            Until::Sent(m) => h.msg(m).is_none_or(|ms| !ms.wait.pending()),
        }
    }
}

/// Blocks until `until` happened or `timeout_ms` passed; returns whether it happened.
#[inline(never)]
pub(crate) fn block_until(h: &mut Held, timeout_ms: u32, until: Until) -> bool {
    let reached = wait_for(h, timeout_ms, until);
    if !h.g().in_task_mode() {
        // The application's loop sleeps next for what its last `HTTPc_TaskHandler` said, from
        // before the timers this call's passes armed (a keep-alive ping, a deadline), and this
        // call's waits took the wake that would have told it: its next wait returns at once.
        engine::wake_engine(h);
    }
    reached
}

/// `block_until` without the wake at its end.
fn wait_for(h: &mut Held, timeout_ms: u32, until: Until) -> bool {
    // (Every blocking call comes after `HTTPc_Init`, which needs a registered port.)
    let port = global::engine_port();
    let task_mode = h.g().in_task_mode();
    let start = port.now_ms();
    loop {
        if until.reached(h) {
            return true;
        }
        // (As every deadline: a clock that jumps back reads as no time passed, not as hours.)
        let elapsed = crate::proto::session::elapsed_ms(port.now_ms(), start);
        if elapsed >= timeout_ms {
            // A wait that came back late (a debugger halt, a sleep that overran) judges what
            // one more pass finds, as the engine's own deadlines do: what the socket took or
            // brought meanwhile is not thrown away. (An engine task runs its own passes.)
            if !task_mode {
                engine::run_pass(h);
                return until.reached(h);
            }
            return false;
        }
        let left = timeout_ms - elapsed;
        if task_mode {
            port.os_wait(left);
            continue;
        }
        let sleep = engine::run_pass(h);
        if until.reached(h) {
            return true;
        }
        if port.has_wait() {
            // SAFETY: see `WaitEntries`: `h` proves the lock is held, and nothing else uses the
            // array meanwhile (the port's `Wait` must not call the API: PORTING.md).
            let entries = unsafe { &mut *POLL_WAIT_ENTRIES.0.get() };
            let list = engine::wait_entries(h, port, entries);
            let t = if list.overflow { 1 } else { sleep.min(left) };
            port.wait(entries.get(..list.len).unwrap_or(&[]), t);
        }
    }
}

/// Closes a connection for an API call; with an engine task (and `OsWait`), waits up to 1 s
/// until the engine has done it. `HTTPc_ERR_CONN_SIGNAL_TIMEOUT` when the engine had not by
/// then (held up: the close is still to come, `OnClose` with it, and the objects stay in use
/// until then; legacy stopped in `CPU_SW_EXCEPTION`).
pub(crate) fn close(
    h: &mut Held,
    c: Conn,
    status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
) -> Result<(), HTTPc_ERR> {
    let to_task = request_close(h, c, status, err);
    if cfg!(feature = "blocking")
        && to_task
        && global::engine_port().has_os_wait()
        && !block_until(h, 1000, Until::Closed(c))
    {
        return Err(HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    }
    Ok(())
}

/// A blocking call's wait ran out: close the connection (as the legacy code did when its wait
/// failed), which also completes whatever the call was waiting for; the timeout to report.
/// An open WebSocket's connection closes with status NONE, as every end of one that neither
/// side asked for.
pub(crate) fn give_up(h: &mut Held, c: Conn) -> HTTPc_ERR {
    let status = if h.conn(c).is_some_and(|s| s.phase == Phase::WebSock) {
        HTTPc_CONN_CLOSE_STATUS_NONE
    } else {
        HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL
    };
    // (Its own wait running out too is the same timeout.)
    let _ = close(h, c, status, HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    HTTPc_ERR_CONN_SIGNAL_TIMEOUT
}

/// A blocking transaction (upgrade or plain request) on `c`: waits until the engine ended
/// `req`'s transaction, whose own deadline is the connection's transaction timeout once it
/// started, after `ahead` transactions queued before it and a connect that may still be to
/// come (its timeout). Its outcome: Ok for a whole response, else its error.
pub(crate) fn transaction(h: &mut Held, c: Conn, req: Req, ahead: u32) -> Result<(), HTTPc_ERR> {
    let (trans_timeout_ms, connect_ms) = h.conn(c).map_or((0, 0), |s| {
        (s.trans_timeout_ms, u32::from(s.connect_timeout_ms))
    });
    // The engine ends each transaction at its deadline; this wait only backs it up (so the
    // connect timeout is added whatever the phase: a longer backup costs nothing).
    // A sum, not `saturating_mul`: a checked product needs a 64-bit multiply, a library call on
    // Cortex-M0 (`ahead` is a queue position: a few requests at most).
    let mut all_ms = trans_timeout_ms.saturating_add(connect_ms);
    for _ in 0..ahead {
        all_ms = all_ms.saturating_add(trans_timeout_ms);
    }
    let wait_ms = all_ms.saturating_add(BLOCK_WAIT_SLACK_MS);
    let done = block_until(h, wait_ms, Until::TransDone(req));
    if !done {
        return Err(give_up(h, c));
    }
    // The transaction's own result, even if a hook of the pass that ended it cleared the
    // request or started another with it.
    match h.state::<_, ReqState>(req).and_then(|r| r.wait.take()) {
        Some(HTTPc_ERR_NONE) => Ok(()),
        Some(err) => Err(err),
        None => Err(HTTPc_ERR_PARAM_INVALID),
    }
}
