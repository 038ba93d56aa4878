//! `HTTPc_PortSet`, `HTTPc_Init`, `HTTPc_TaskHandler`, the engine task and the blocking wait
//! every blocking API call uses.

use core::ffi::c_void;

use super::consts::*;
use super::engine;
use super::ffi::{Call, ErrOut};
use super::global::{self, Alone, Held, Lock};
use super::objects::{HTTPc_CFG, HTTP_TASK_CFG};
use super::port::{HTTPc_PORT, HTTPc_PORT_WAIT_ENTRY, HTTPc_PORT_WAIT_FOREVER, Port};
use super::types::*;
use super::wait::MAX_WAIT_ENTRIES;

/// Registers the port (copied). Call once, before `HTTPc_Init()`.
///
/// Errors: `HTTPc_ERR_NULL_PTR` (p_port), `HTTPc_ERR_INIT` (already initialised),
/// `HTTPc_ERR_INIT_PORT_INVALID` (a required callback is NULL, or Lock/Unlock or
/// OsWait/OsSignal given alone, TaskCreate without Lock, Wait and Wake, or Watch without
/// Wait).
///
/// # Safety
/// `p_port` is NULL or points to a valid `HTTPc_PORT`; `p_err` is NULL or writable. Not
/// thread-safe: call before any other task uses the library.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_PortSet(p_port: *const HTTPc_PORT, p_err: *mut HTTPc_ERR) {
    // SAFETY: this function's contract: valid or NULL pointers, called before any other task
    // uses the library (so without the lock, which belongs to the port being set).
    let (out, raw, mut alone) = unsafe { (ErrOut::new(p_err), p_port.as_ref(), Alone::assume()) };
    let r = match raw {
        None => Err(HTTPc_ERR_NULL_PTR),
        Some(_) if alone.held().g().initialised => Err(HTTPc_ERR_INIT),
        Some(raw) if !Port::accepts(raw) => Err(HTTPc_ERR_INIT_PORT_INVALID),
        Some(raw) => {
            alone.set_port(Some(raw));
            Ok(())
        }
    };
    out.result(&r);
}

/// Initialises the library once. With a port `TaskCreate` hook it creates the engine task
/// (`p_task_cfg` gives its priority and stack); otherwise the application calls
/// `HTTPc_TaskHandler()` from its own loop. `p_mem_seg` is ignored (no heap is used).
///
/// Errors: `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_INIT` (second call), `HTTPc_ERR_INIT_PORT_MISSING`,
/// `HTTPc_ERR_INIT_PORT_INVALID` (the random source failed), `HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID`,
/// `HTTPc_ERR_CFG_TASK_DLY_INVALID`, `HTTPc_ERR_CFG_TASK_PTR_NULL`, `HTTPc_ERR_INIT_TASK_CREATE`,
/// `HTTPc_ERR_FEATURE_DIS` (a port with `TaskCreate` in a build without the engine task).
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
    // SAFETY: this function's contract: valid or NULL pointers; the configuration is copied
    // before the call returns.
    let (call, cfg) = unsafe { (Call::enter(p_err), p_cfg.as_ref()) };
    call.run_uninitialised(|h| init(h, cfg, p_task_cfg));
}

/// `HTTPc_Init` under the lock.
fn init(
    h: &mut Held,
    cfg: Option<&HTTPc_CFG>,
    p_task_cfg: *const HTTP_TASK_CFG,
) -> Result<(), HTTPc_ERR> {
    // Legacy's order: done already, the configuration, then the task's.
    let g = h.g();
    if g.initialised {
        return Err(HTTPc_ERR_INIT);
    }
    let cfg = cfg.ok_or(HTTPc_ERR_NULL_PTR)?;
    let port = global::port().ok_or(HTTPc_ERR_INIT_PORT_MISSING)?;
    if cfg.MsgQ_Size == 0 {
        return Err(HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID);
    }
    // (The poll model has no task: its configuration may be NULL.)
    if port.has_task() && p_task_cfg.is_null() {
        return Err(HTTPc_ERR_CFG_TASK_PTR_NULL);
    }
    if cfg.TaskDly_ms > 20 {
        return Err(HTTPc_ERR_CFG_TASK_DLY_INVALID);
    }
    // Copied before the port is called (its Random may touch the application's object; the
    // copy is read only once initialised). Field by field: a whole-struct copy is one 8-byte
    // access, for which the compiler aligns the globals to 8 bytes, padding static RAM.
    g.cfg = HTTPc_CFG {
        TaskDly_ms: cfg.TaskDly_ms,
        MsgQ_Size: cfg.MsgQ_Size,
        ConnConnectTimeout_ms: cfg.ConnConnectTimeout_ms,
        ConnInactivityTimeout_s: cfg.ConnInactivityTimeout_s,
        ConnIsKeepAlive: cfg.ConnIsKeepAlive,
    };
    // No weak fallback: a random source that does not deliver stops us here.
    let mut probe = [0u8; 16];
    if !port.random(&mut probe) {
        return Err(HTTPc_ERR_INIT_PORT_INVALID);
    }
    if port.has_task() {
        if !cfg!(feature = "task") {
            // Built for the poll model only: the port must not ask for a task.
            return Err(HTTPc_ERR_FEATURE_DIS);
        }
        g.task_mode = true;
        g.initialised = true;
        if !port.task_create(engine_task, p_task_cfg) {
            let g = h.g();
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
    // SAFETY: this function's contract: single-threaded, `p_err` NULL or writable.
    let (out, mut alone) = unsafe { (ErrOut::new(p_err), Alone::assume()) };
    let g = alone.held().g();
    let r = if g.in_task_mode() {
        Err(HTTPc_ERR_FEATURE_DIS)
    } else if g.in_engine {
        Err(HTTPc_ERR_CONN_INVALID_STATE)
    } else if g.conns.is_some() {
        Err(HTTPc_ERR_CONN_IS_USED)
    } else {
        alone.set_port(None);
        Ok(())
    };
    out.result(&r);
}

/// Runs one engine pass over every connection (bare-metal or application-loop mode: no engine
/// task). All hooks run inside this call. Returns how many milliseconds the caller may sleep
/// before the next pass (`HTTPc_PORT_WAIT_FOREVER`: nothing is pending but the sockets; 0: a
/// hook queued work, call again at once). With an engine task it does nothing (the task runs
/// the passes, and the hooks must run there) and returns `HTTPc_PORT_WAIT_FOREVER`. Called
/// from a hook (or a port callback) it does nothing either: the pass that runs the hook is not
/// re-entered, and it returns 0 (do not loop on it there: the pass goes on once the hook
/// returns).
///
/// # Safety
/// Call from one task at a time unless the port has a lock.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_TaskHandler() -> CPU_INT32U {
    let mut lock = Lock::take();
    let h = lock.held();
    let g = h.g();
    // (Initialised means a port is registered: `HTTPc_Init` needs one, and registering
    // another returns the library to its state before `HTTPc_Init`.)
    if !g.initialised || g.in_task_mode() {
        return HTTPc_PORT_WAIT_FOREVER;
    }
    let port = global::engine_port();
    let sleep = engine::run_pass(h);
    if port.has_watch() {
        // The application may sleep in the port's `Wait` next: hand it what each socket now
        // waits for (a stale interest, say write readiness left from the connect, would wake
        // it at once, over and over).
        engine::wait_entries(h, port, &mut []);
    }
    sleep
}

/// The engine task: a pass, then sleep in the port's `Wait` until a socket is ready, an API
/// call wakes us, or a timer is due.
extern "C" fn engine_task(_arg: *mut c_void) {
    let Some(port) = global::port() else { return };
    let mut entries = [HTTPc_PORT_WAIT_ENTRY {
        Handle: core::ptr::null_mut(),
        Want: 0,
    }; MAX_WAIT_ENTRIES];
    loop {
        let (sleep, list, dly) = {
            let mut lock = Lock::take();
            let h = lock.held();
            let sleep = engine::run_pass(h);
            let list = engine::wait_entries(h, port, &mut entries);
            (sleep, list, h.g().cfg.TaskDly_ms)
        };
        let timeout = if list.overflow { sleep.min(1) } else { sleep };
        port.wait(entries.get(..list.len).unwrap_or(&[]), timeout);
        if dly > 0 {
            port.wait(&[], u32::from(dly));
        }
    }
}
