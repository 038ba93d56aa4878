//! `HTTPc_PortSet`, `HTTPc_Init`, `HTTPc_TaskHandler`, the engine task and the blocking wait
//! every blocking API call uses.

use core::ffi::c_void;

use super::consts::*;
use super::engine;
use super::global::{self, globals, Lock};
use super::objects::{HTTPc_CFG, HTTP_TASK_CFG};
use super::port::{HTTPc_PORT, HTTPc_PORT_WAIT_ENTRY, HTTPc_PORT_WAIT_FOREVER, Port};
use super::types::*;

/// Sockets listed in one `Wait` call when the port has no `Watch`; while more need waiting
/// on, the engine polls every millisecond (a port with `Watch` sleeps with any number).
const MAX_WAIT_ENTRIES: usize = 16;

/// The wait list of a blocking call in poll mode: a static rather than a local, because that
/// call sits on the deepest stack path (a blocking upgrade driving the engine).
struct WaitEntries(core::cell::UnsafeCell<[HTTPc_PORT_WAIT_ENTRY; MAX_WAIT_ENTRIES]>);

// SAFETY: only used by `block_until` in poll mode, under the library lock.
unsafe impl Sync for WaitEntries {}

static POLL_WAIT_ENTRIES: WaitEntries = WaitEntries(core::cell::UnsafeCell::new(
    [HTTPc_PORT_WAIT_ENTRY {
        Handle: core::ptr::null_mut(),
        Want: 0,
    }; MAX_WAIT_ENTRIES],
));

/// Writes `err` through `p_err` when the caller gave one (a NULL `p_err` is tolerated).
// Not inlined: every export ends in it, and a call is smaller than the test and store.
#[inline(never)]
pub(crate) fn set_err(p_err: *mut HTTPc_ERR, err: HTTPc_ERR) {
    if !p_err.is_null() {
        // SAFETY: non-NULL `p_err` is the caller's error variable (API contract).
        unsafe { p_err.write(err) };
    }
}

/// Writes the outcome of an API call through `p_err`: `HTTPc_ERR_NONE` for success.
#[inline(always)]
pub(crate) fn set_result(p_err: *mut HTTPc_ERR, r: Result<(), HTTPc_ERR>) {
    set_err(
        p_err,
        match r {
            Ok(()) => HTTPc_ERR_NONE,
            Err(e) => e,
        },
    );
}

/// Writes the outcome of an API call that returns a value through `p_err` and gives the value
/// to return: `Ok(v)` is `HTTPc_ERR_NONE` and `v`, an error is that error and 0 (`DEF_FAIL`).
#[inline(always)]
pub(crate) fn set_outcome(p_err: *mut HTTPc_ERR, r: Result<u32, HTTPc_ERR>) -> u32 {
    match r {
        Ok(v) => {
            set_err(p_err, HTTPc_ERR_NONE);
            v
        }
        Err(e) => {
            set_err(p_err, e);
            0
        }
    }
}

/// Registers the port (copied). Call once, before `HTTPc_Init()`.
///
/// Errors: `HTTPc_ERR_NULL_PTR` (p_port), `HTTPc_ERR_INIT` (already initialised),
/// `HTTPc_ERR_INIT_PORT_INVALID` (a required callback is NULL, or Lock/Unlock or
/// OsWait/OsSignal given alone, or TaskCreate without Lock and Wait).
///
/// # Safety
/// `p_port` is NULL or points to a valid `HTTPc_PORT`; `p_err` is NULL or writable. Not
/// thread-safe: call before any other task uses the library.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_PortSet(p_port: *const HTTPc_PORT, p_err: *mut HTTPc_ERR) {
    if p_port.is_null() {
        return set_err(p_err, HTTPc_ERR_NULL_PTR);
    }
    // SAFETY: single-threaded by contract (before init).
    let g = unsafe { globals() };
    if g.initialised {
        return set_err(p_err, HTTPc_ERR_INIT);
    }
    // SAFETY: non-NULL, valid by contract; only read.
    let raw = unsafe { &*p_port };
    if !Port::accepts(raw) {
        return set_err(p_err, HTTPc_ERR_INIT_PORT_INVALID);
    }
    // SAFETY: single-threaded before init (contract above); no port reference is alive.
    unsafe { global::set_port(raw) };
    set_err(p_err, HTTPc_ERR_NONE);
}

/// Initialises the library once. With a port `TaskCreate` hook it creates the engine task
/// (`p_task_cfg` gives its priority and stack); otherwise the application calls
/// `HTTPc_TaskHandler()` from its own loop. `p_mem_seg` is ignored (no heap is used).
///
/// Errors: `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_INIT` (second call), `HTTPc_ERR_INIT_PORT_MISSING`,
/// `HTTPc_ERR_INIT_PORT_INVALID` (the random source failed), `HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID`,
/// `HTTPc_ERR_CFG_TASK_DLY_INVALID`, `HTTPc_ERR_CFG_TASK_PTR_NULL`, `HTTPc_ERR_INIT_TASK_CREATE`.
///
/// # Safety
/// `p_cfg` and `p_task_cfg` are NULL or valid; `p_err` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_Init(
    p_cfg: *const HTTPc_CFG,
    p_task_cfg: *const HTTP_TASK_CFG,
    p_mem_seg: *mut MEM_SEG,
    p_err: *mut HTTPc_ERR,
) {
    let _ = p_mem_seg;
    // SAFETY: pointers as documented; single-threaded by contract.
    set_result(p_err, unsafe { init(p_cfg, p_task_cfg) });
}

/// `HTTPc_Init`.
///
/// # Safety
/// As for `HTTPc_Init`.
unsafe fn init(p_cfg: *const HTTPc_CFG, p_task_cfg: *const HTTP_TASK_CFG) -> Result<(), HTTPc_ERR> {
    if p_cfg.is_null() {
        return Err(HTTPc_ERR_NULL_PTR);
    }
    // SAFETY: single-threaded by contract (init runs before any engine task).
    let g = unsafe { globals() };
    if g.initialised {
        return Err(HTTPc_ERR_INIT);
    }
    let port = global::port().ok_or(HTTPc_ERR_INIT_PORT_MISSING)?;
    // SAFETY: non-NULL, valid by contract; copied.
    let cfg = unsafe { *p_cfg };
    if cfg.MsgQ_Size == 0 {
        return Err(HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID);
    }
    if cfg.TaskDly_ms > 20 {
        return Err(HTTPc_ERR_CFG_TASK_DLY_INVALID);
    }
    // No weak fallback: a random source that does not deliver stops us here.
    let mut probe = [0u8; 16];
    if !port.random(&mut probe) {
        return Err(HTTPc_ERR_INIT_PORT_INVALID);
    }
    g.cfg = cfg;
    if port.has_task() {
        if !cfg!(feature = "task") {
            // Built for the poll model only: the port must not ask for a task.
            return Err(HTTPc_ERR_FEATURE_DIS);
        }
        if p_task_cfg.is_null() {
            return Err(HTTPc_ERR_CFG_TASK_PTR_NULL);
        }
        g.task_mode = true;
        g.initialised = true;
        if !port.task_create(engine_task, p_task_cfg) {
            g.task_mode = false;
            g.initialised = false;
            return Err(HTTPc_ERR_INIT_TASK_CREATE);
        }
    } else {
        g.initialised = true;
    }
    Ok(())
}

/// httpc-ws extension, for test programs that run many cases in one process: returns the
/// library to its state before `HTTPc_PortSet()`, so that the next case registers its own port
/// (a scripted one, say) and calls `HTTPc_Init()` again. Legacy `HTTPc_Init` works once per
/// boot; firmware never needs this.
///
/// Errors: `HTTPc_ERR_CONN_IS_USED` (a connection is still open: end every one first, its
/// `OnClose` or failed open seen), `HTTPc_ERR_CONN_INVALID_STATE` (called from a hook),
/// `HTTPc_ERR_FEATURE_DIS` (an engine task runs and cannot be stopped: test in the poll
/// model).
///
/// # Safety
/// Not thread-safe, like `HTTPc_PortSet`: no other task may use the library meanwhile.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_Reset(p_err: *mut HTTPc_ERR) {
    let (task_mode, in_engine, open) = {
        // SAFETY: single-threaded by contract; the reference ends before `reset`.
        let g = unsafe { globals() };
        (g.in_task_mode(), g.in_engine, !g.conns.is_null())
    };
    let r = if task_mode {
        Err(HTTPc_ERR_FEATURE_DIS)
    } else if in_engine {
        Err(HTTPc_ERR_CONN_INVALID_STATE)
    } else if open {
        Err(HTTPc_ERR_CONN_IS_USED)
    } else {
        // SAFETY: single-threaded by contract; no port or globals reference is alive.
        unsafe { global::reset() };
        Ok(())
    };
    set_result(p_err, r);
}

/// Runs one engine pass over every connection (bare-metal or application-loop mode: no engine
/// task). All hooks run inside this call. Returns how many milliseconds the caller may sleep
/// before the next pass (`HTTPc_PORT_WAIT_FOREVER`: nothing is pending but the sockets).
///
/// # Safety
/// Call from one task at a time unless the port has a lock.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_TaskHandler() -> CPU_INT32U {
    let _lock = Lock::take();
    // SAFETY: lock held.
    let ready = unsafe { globals() }.initialised;
    if !ready {
        return HTTPc_PORT_WAIT_FOREVER;
    }
    // SAFETY: lock held.
    unsafe { engine::run_pass() }
}

/// The engine task: a pass, then sleep in the port's `Wait` until a socket is ready, an API
/// call wakes us, or a timer is due.
unsafe extern "C" fn engine_task(_arg: *mut c_void) {
    let Some(port) = global::port() else { return };
    let mut entries = [HTTPc_PORT_WAIT_ENTRY {
        Handle: core::ptr::null_mut(),
        Want: 0,
    }; MAX_WAIT_ENTRIES];
    loop {
        let (sleep, list, dly) = {
            let _lock = Lock::take();
            // SAFETY: lock held.
            let sleep = unsafe { engine::run_pass() };
            // SAFETY: lock held.
            let list = unsafe { engine::wait_entries(port, &mut entries) };
            // SAFETY: lock held.
            let dly = unsafe { globals() }.cfg.TaskDly_ms;
            (sleep, list, dly)
        };
        let timeout = if list.overflow { sleep.min(1) } else { sleep };
        port.wait(entries.get(..list.len).unwrap_or(&[]), timeout);
        if dly > 0 {
            port.wait(&[], u32::from(dly));
        }
    }
}

/// Wakes the engine after an API call queued work.
pub(crate) fn wake_engine() {
    if let Some(p) = global::port() {
        p.wake();
    }
}

/// True when a blocking call can wait here: with an engine task the port needs `OsWait`;
/// inside a hook (the engine is on this stack) nothing can wait.
///
/// # Safety
/// Lock held.
pub(crate) unsafe fn can_block() -> Result<(), HTTPc_ERR> {
    if !cfg!(feature = "blocking") {
        // HTTPc_CFG_MODE_BLOCK_EN off: every blocking call is refused here, so the waits
        // that follow it are not linked.
        return Err(HTTPc_ERR_FEATURE_DIS);
    }
    // SAFETY: lock held.
    let g = unsafe { globals() };
    if g.in_engine {
        return Err(HTTPc_ERR_CONN_INVALID_STATE);
    }
    match global::port() {
        Some(p) if g.in_task_mode() && !p.has_os_wait() => Err(HTTPc_ERR_FEATURE_DIS),
        Some(_) => Ok(()),
        None => Err(HTTPc_ERR_INIT_NOT_COMPLETED),
    }
}

/// Blocks (lock held) until `done()` or `timeout_ms`. With an engine task it sleeps in the
/// port's `OsWait`; without one it drives the engine itself. Returns whether `done()` held.
///
/// # Safety
/// Lock held once; `done` must only read library state.
pub(crate) unsafe fn block_until(timeout_ms: u32, done: &mut dyn FnMut() -> bool) -> bool {
    let Some(port) = global::port() else {
        return false;
    };
    // SAFETY: lock held.
    let task_mode = unsafe { globals() }.in_task_mode();
    let start = port.now_ms();
    loop {
        if done() {
            return true;
        }
        let elapsed = port.now_ms().wrapping_sub(start);
        if elapsed >= timeout_ms {
            return false;
        }
        let left = timeout_ms - elapsed;
        if task_mode {
            port.os_wait(left);
        } else {
            // SAFETY: lock held; not inside a hook (checked by `can_block`).
            let sleep = unsafe { engine::run_pass() };
            if done() {
                return true;
            }
            if port.has_wait() {
                // SAFETY: lock held, and poll mode has a single thread of control, so nothing
                // else uses the shared array; the port's `Wait` must not call the API (PORTING.md).
                let entries = unsafe { &mut *POLL_WAIT_ENTRIES.0.get() };
                // SAFETY: lock held.
                let list = unsafe { engine::wait_entries(port, entries) };
                let t = if list.overflow { 1 } else { sleep.min(left) };
                port.wait(entries.get(..list.len).unwrap_or(&[]), t);
            }
        }
    }
}
