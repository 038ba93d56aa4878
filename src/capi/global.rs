//! The library lock, the token that proves it is held, and what it guards: the globals (the
//! configuration, the list of open connections) and, through [`Held`]'s accessors in
//! `handle.rs`, the state inside every object.
//!
//! No atomics are needed (Cortex-M0 has no compare-and-swap): with several tasks the port's
//! recursive lock serialises everything; without a lock hook the application promises a single
//! thread of control (bare metal, or one RTOS task).

use core::cell::UnsafeCell;
use core::marker::PhantomData;

use super::handle::Conn;
use super::objects::HTTPc_CFG;
use super::port::{HTTPc_PORT, Port};

pub(crate) struct Globals {
    pub initialised: bool,
    /// An engine task exists: blocking calls wait for it instead of driving the engine.
    pub task_mode: bool,
    pub cfg: HTTPc_CFG,
    /// Head of the engine's list of open connections.
    pub conns: Option<Conn>,
    /// The engine is running on this thread of control (callbacks may call the API).
    pub in_engine: bool,
    /// Work was queued (the engine woken) since the pass began: a hook's send or close during
    /// the pass must not wait for an unrelated event, so that pass asks for another at once.
    pub woken: bool,
}

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
            conns: None,
            in_engine: false,
            woken: false,
        }
    }
}

struct Shared(UnsafeCell<Globals>);

// SAFETY: only reached through `Held::g`, and a `Held` exists only while the lock is held
// (or, without a lock hook, on the application's single thread of control).
unsafe impl Sync for Shared {}

static GLOBALS: Shared = Shared(UnsafeCell::new(Globals::new()));

/// Proof that the library lock is held: only [`Lock::take`] makes one. Zero-sized and neither
/// `Send` nor `Sync`, so it cannot leave the thread that locked.
///
/// Every accessor of library state borrows it mutably, and every call into the application
/// (`hooks.rs`) takes `&mut Held` too: the borrow checker therefore rejects any state
/// reference held across a hook, where the application may reach the same state through the
/// API. A hook that calls the API takes the (recursive) lock again and gets its own `Held`.
pub(crate) struct Held {
    _not_send: PhantomData<*mut ()>,
}

impl Held {
    /// A token for a unit test's own objects.
    ///
    /// # Safety
    /// Only the test's own objects are reached through it.
    #[cfg(test)]
    pub(crate) unsafe fn single_threaded() -> Held {
        Held {
            _not_send: PhantomData,
        }
    }

    /// The globals.
    pub(crate) fn g(&mut self) -> &mut Globals {
        // SAFETY: `self` proves the lock is held, and the returned borrow of `self` ends
        // before any other state reference or hook call can use the token.
        unsafe { &mut *GLOBALS.0.get() }
    }
}

/// The registered port, kept apart from [`Globals`] so that shared references to it may live
/// across calls that take the globals mutably. None registered is [`Port::NONE`] (no `Connect`,
/// which a registered port always has), not an `Option`: its tag would cost a word of static
/// RAM.
struct PortCell(UnsafeCell<Port>);

// SAFETY: written only by `HTTPc_PortSet`/`HTTPc_Reset`, before `HTTPc_Init` or after every
// connection ended (single-threaded by their contracts), read-only otherwise.
unsafe impl Sync for PortCell {}

static PORT: PortCell = PortCell(UnsafeCell::new(Port::NONE));

/// The registered port, if any.
pub(crate) fn port() -> Option<&'static Port> {
    let port = engine_port();
    port.is_registered().then_some(port)
}

/// The port, for the engine (which runs only once one is registered): [`Port::NONE`], whose
/// calls do nothing, before that. Read here rather than handed down each engine stage: a
/// `&Port` argument becomes the fields it reaches, loaded at every call site.
pub(crate) fn engine_port() -> &'static Port {
    // SAFETY: read-only after `HTTPc_PortSet`, which runs before any other use (see `PortCell`).
    unsafe { &*PORT.0.get() }
}

/// The library used by one thread of control alone, with no lock: `HTTPc_PortSet` before
/// `HTTPc_Init`, and `HTTPc_Reset` with no connection open. They change the port itself, so
/// cannot lock through it.
pub(crate) struct Alone(Held);

impl Alone {
    /// # Safety
    /// Single-threaded, by the calling function's contract: no engine task, no other caller,
    /// no other `Held` and no reference from [`port`] alive.
    pub(crate) unsafe fn assume() -> Alone {
        Alone(Held {
            _not_send: PhantomData,
        })
    }

    /// The token.
    pub(crate) fn held(&mut self) -> &mut Held {
        &mut self.0
    }

    /// Registers a copy of `raw` (which [`Port::accepts`] approved), or none, and returns the
    /// globals to their state before `HTTPc_Init`.
    pub(crate) fn set_port(&mut self, raw: Option<&HTTPc_PORT>) {
        *self.0.g() = Globals::new();
        // SAFETY: `assume`'s contract: nothing else uses the library, and no reference from
        // `port` is alive.
        unsafe { *PORT.0.get() = raw.map_or(Port::NONE, |raw| Port::new(*raw)) };
    }
}

/// Holds the library lock for its lifetime and lends the [`Held`] token.
pub(crate) struct Lock {
    held: Held,
}

impl Lock {
    // Out of line, as the release: every export and engine pass takes it.
    #[inline(never)]
    pub(crate) fn take() -> Lock {
        // (No port registered: `Port::NONE` has no `Lock`, nothing is called.)
        engine_port().lock();
        Lock {
            held: Held {
                _not_send: PhantomData,
            },
        }
    }

    /// The token, for as long as the lock is held.
    pub(crate) fn held(&mut self) -> &mut Held {
        &mut self.held
    }
}

impl Drop for Lock {
    #[inline(never)]
    fn drop(&mut self) {
        // The port cannot change while the library is in use (`HTTPc_PortSet` refuses after
        // `HTTPc_Init`), so this is the port that was locked.
        engine_port().unlock();
    }
}
