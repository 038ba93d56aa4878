//! The library's global state (the port, the configuration, the list of open connections) and
//! the lock that guards it and every object the engine touches.
//!
//! No atomics are needed (Cortex-M0 has no compare-and-swap): with several tasks the port's
//! recursive lock serialises everything; without a lock hook the application promises a single
//! thread of control (bare metal, or one RTOS task).

use core::cell::UnsafeCell;
use core::ptr::null_mut;

use super::objects::{HTTPc_CFG, HTTPc_CONN_OBJ};
use super::port::{HTTPc_PORT, Port};

pub(crate) struct Globals {
    pub initialised: bool,
    /// An engine task exists: blocking calls wait for it instead of driving the engine.
    pub task_mode: bool,
    pub cfg: HTTPc_CFG,
    /// Head of the engine's list of open connections.
    pub conns: *mut HTTPc_CONN_OBJ,
    /// The engine is running on this thread of control (callbacks may call the API).
    pub in_engine: bool,
}

struct Shared(UnsafeCell<Globals>);

// SAFETY: all access goes through `with`/`lock`, serialised by the port's lock (or, without
// one, by the application's promise of a single thread of control).
unsafe impl Sync for Shared {}

impl Globals {
    /// An engine task runs. Always false in a build without the `task` feature (`HTTPc_Init`
    /// refuses a task there), which lets the compiler drop every task-only path.
    pub fn in_task_mode(&self) -> bool {
        cfg!(feature = "task") && self.task_mode
    }

    /// The state before `HTTPc_Init`.
    const fn new() -> Globals {
        Globals {
            initialised: false,
            task_mode: false,
            cfg: HTTPc_CFG {
                TaskDly_ms: 0,
                MsgQ_Size: 0,
                ConnConnectTimeout_ms: 2000,
                ConnInactivityTimeout_s: 30,
                ConnIsKeepAlive: 0,
            },
            conns: null_mut(),
            in_engine: false,
        }
    }
}

static GLOBALS: Shared = Shared(UnsafeCell::new(Globals::new()));

/// Raw access to the globals.
///
/// # Safety
/// The caller holds the library lock (see [`Lock`]) or runs before any task exists, and does
/// not keep the reference across a call into application code.
pub(crate) unsafe fn globals<'a>() -> &'a mut Globals {
    // SAFETY: serialised by the caller as documented.
    unsafe { &mut *GLOBALS.0.get() }
}

/// The registered port, kept apart from [`Globals`] so that shared references to it may live
/// across calls that take the globals mutably.
struct PortCell(UnsafeCell<Option<Port>>);

// SAFETY: written only by `HTTPc_PortSet` before `HTTPc_Init` (single-threaded by contract),
// read-only afterwards.
unsafe impl Sync for PortCell {}

static PORT: PortCell = PortCell(UnsafeCell::new(None));

/// The registered port, if any.
pub(crate) fn port() -> Option<&'static Port> {
    // SAFETY: read-only after `HTTPc_PortSet`, which runs before any other use (see `PortCell`).
    unsafe { (*PORT.0.get()).as_ref() }
}

/// Registers a copy of the port `raw`, which [`Port::accepts`] approved.
///
/// # Safety
/// Single-threaded, before `HTTPc_Init`, with no reference from [`port`] alive.
pub(crate) unsafe fn set_port(raw: &HTTPc_PORT) {
    // SAFETY: see above.
    unsafe { *PORT.0.get() = Some(Port::new(*raw)) };
}

/// Back to the state before `HTTPc_PortSet`: no port, not initialised, no connection.
///
/// # Safety
/// Single-threaded (no engine task, no other caller), with no reference from [`port`] or
/// [`globals`] alive.
pub(crate) unsafe fn reset() {
    // SAFETY: see above.
    unsafe {
        *GLOBALS.0.get() = Globals::new();
        *PORT.0.get() = None;
    }
}

/// Holds the library lock for its lifetime.
pub(crate) struct Lock(());

impl Lock {
    pub(crate) fn take() -> Lock {
        if let Some(p) = port() {
            p.lock();
        }
        Lock(())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The port cannot change while the library is in use (`HTTPc_PortSet` refuses after
        // `HTTPc_Init`), so this is the port that was locked.
        if let Some(p) = port() {
            p.unlock();
        }
    }
}

/// Adds `conn` to the engine's list (if absent).
///
/// # Safety
/// Lock held; `conn` is a live, cleared connection object.
pub(crate) unsafe fn list_add(conn: *mut HTTPc_CONN_OBJ) {
    // SAFETY: lock held (caller).
    let g = unsafe { globals() };
    let mut p = g.conns;
    while !p.is_null() {
        if p == conn {
            return;
        }
        // SAFETY: every listed connection is live and cleared (invariant of the list).
        p = match unsafe { super::state::get::<_, super::state::ConnState>(p) } {
            Some(s) => s.next,
            None => null_mut(),
        };
    }
    // SAFETY: caller guarantees a live, cleared object.
    if let Some(s) = unsafe { super::state::get::<_, super::state::ConnState>(conn) } {
        s.next = g.conns;
        g.conns = conn;
    }
}

/// Removes `conn` from the engine's list.
///
/// # Safety
/// Lock held; `conn` is live.
pub(crate) unsafe fn list_remove(conn: *mut HTTPc_CONN_OBJ) {
    // SAFETY: lock held (caller).
    let g = unsafe { globals() };
    // SAFETY: listed connections are live and cleared.
    let next_of = |p: *mut HTTPc_CONN_OBJ| unsafe {
        super::state::get::<_, super::state::ConnState>(p).map_or(null_mut(), |s| s.next)
    };
    if g.conns == conn {
        g.conns = next_of(conn);
    } else {
        let mut p = g.conns;
        while !p.is_null() {
            let n = next_of(p);
            if n == conn {
                // SAFETY: `p` is listed, so live and cleared.
                if let Some(s) = unsafe { super::state::get::<_, super::state::ConnState>(p) } {
                    s.next = next_of(conn);
                }
                break;
            }
            p = n;
        }
    }
    // SAFETY: caller guarantees `conn` is live.
    if let Some(s) = unsafe { super::state::get::<_, super::state::ConnState>(conn) } {
        s.next = null_mut();
    }
}

/// Connections in the middle of an upgrade transaction (request out, response not complete).
///
/// # Safety
/// Lock held; no reference to a listed connection's state is alive.
pub(crate) unsafe fn upgrades_in_progress() -> usize {
    use super::state::{ConnState, Phase};
    let mut n = 0;
    // SAFETY: lock held (caller).
    let mut c = unsafe { globals() }.conns;
    while !c.is_null() {
        // SAFETY: listed connections are live and cleared; the reference ends this turn.
        let Some(s) = (unsafe { super::state::get::<_, ConnState>(c) }) else {
            break;
        };
        if matches!(
            s.phase,
            Phase::UpgradeTx | Phase::UpgradeRx | Phase::Discard
        ) {
            n += 1;
        }
        c = s.next;
    }
    n
}
