//! The user-supplied port: sockets, readiness wait, randomness, clock and optional OS hooks.
//!
//! The application fills one `HTTPc_PORT` and registers it with `HTTPc_PortSet()` before
//! `HTTPc_Init()`. The library copies it and calls nothing else of the platform. TLS lives
//! inside the socket callbacks. This file is the only place that calls port callbacks.

use core::ffi::c_void;

use super::objects::HTTP_TASK_CFG;
use super::types::*;

/// Port result: success (connect done).
pub const HTTPc_PORT_OK: CPU_INT32S = 0;
/// Port result: nothing can be done now (would block, connect in progress, transient error).
pub const HTTPc_PORT_WOULD_BLOCK: CPU_INT32S = -1;
/// Port result: the peer closed the connection (orderly end of stream, or reset).
pub const HTTPc_PORT_CLOSED: CPU_INT32S = -2;
/// Port result: a fatal error on this socket.
pub const HTTPc_PORT_ERR: CPU_INT32S = -3;

/// Readiness wanted for one socket in a `Wait` call: read.
pub const HTTPc_PORT_WAIT_RD: CPU_INT08U = 0x01;
/// Readiness wanted for one socket in a `Wait` call: write (or connect completion).
pub const HTTPc_PORT_WAIT_WR: CPU_INT08U = 0x02;

/// TLS settings handed to `Connect` when the connection is secure.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_PORT_SECURE_CFG {
    /// Expected server name (`HTTPc_PARAM_TYPE_SECURE_COMMON_NAME`, else the host name).
    pub CommonNamePtr: *const CPU_CHAR,
    /// Called by the port's TLS code for an untrusted certificate.
    pub TrustCallback: NET_SOCK_SECURE_TRUST_FNCT,
}

/// One socket in a `Wait` call.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_PORT_WAIT_ENTRY {
    /// The handle `Connect` returned.
    pub Handle: *mut c_void,
    /// `HTTPc_PORT_WAIT_RD` and/or `HTTPc_PORT_WAIT_WR`.
    pub Want: CPU_INT08U,
}

/// Open a TCP (or TLS) connection to `p_host` (NUL-terminated) and `port`, without blocking
/// longer than `timeout_ms`. Store a handle in `*p_handle`. Return `HTTPc_PORT_OK` when
/// connected, `HTTPc_PORT_WOULD_BLOCK` when the connect is in progress (the library then calls
/// `ConnectPoll`), or `HTTPc_PORT_ERR`. The socket must be non-blocking afterwards.
pub type HTTPc_PORT_CONNECT = Option<
    unsafe extern "C" fn(
        p_ctx: *mut c_void,
        p_host: *const CPU_CHAR,
        port: CPU_INT16U,
        timeout_ms: CPU_INT32U,
        p_secure: *const HTTPc_PORT_SECURE_CFG,
        inactivity_s: CPU_INT16U,
        keep_alive: CPU_BOOLEAN,
        p_handle: *mut *mut c_void,
    ) -> CPU_INT32S,
>;
/// Is the connect started by `Connect` done? `HTTPc_PORT_OK`, `HTTPc_PORT_WOULD_BLOCK` (not
/// yet) or `HTTPc_PORT_ERR`.
pub type HTTPc_PORT_CONNECT_POLL =
    Option<unsafe extern "C" fn(p_ctx: *mut c_void, handle: *mut c_void) -> CPU_INT32S>;
/// Send up to `len` bytes without blocking: return how many were taken (≥ 1), or
/// `HTTPc_PORT_WOULD_BLOCK`, `HTTPc_PORT_CLOSED` or `HTTPc_PORT_ERR`.
pub type HTTPc_PORT_SEND = Option<
    unsafe extern "C" fn(
        p_ctx: *mut c_void,
        handle: *mut c_void,
        p_data: *const CPU_INT08U,
        len: CPU_INT32U,
    ) -> CPU_INT32S,
>;
/// Receive up to `len` bytes without blocking: return how many arrived (≥ 1), or
/// `HTTPc_PORT_WOULD_BLOCK`, `HTTPc_PORT_CLOSED` (end of stream) or `HTTPc_PORT_ERR`.
pub type HTTPc_PORT_RECV = Option<
    unsafe extern "C" fn(
        p_ctx: *mut c_void,
        handle: *mut c_void,
        p_buf: *mut CPU_INT08U,
        len: CPU_INT32U,
    ) -> CPU_INT32S,
>;
/// Close the socket and release the handle. Called exactly once per successful `Connect`.
pub type HTTPc_PORT_CLOSE = Option<unsafe extern "C" fn(p_ctx: *mut c_void, handle: *mut c_void)>;
/// Fill `len` bytes with cryptographically strong randomness (masks and handshake keys).
/// Return DEF_OK, or DEF_FAIL when none is available (the operation then fails).
pub type HTTPc_PORT_RANDOM = Option<
    unsafe extern "C" fn(
        p_ctx: *mut c_void,
        p_buf: *mut CPU_INT08U,
        len: CPU_INT32U,
    ) -> CPU_BOOLEAN,
>;
/// A monotonic millisecond clock (wrapping at 2^32 is fine).
pub type HTTPc_PORT_TIME_MS = Option<unsafe extern "C" fn(p_ctx: *mut c_void) -> CPU_INT32U>;
/// Optional. Sleep until one of the sockets is ready as asked, `Wake` is called, or
/// `timeout_ms` passes (`HTTPc_PORT_WAIT_FOREVER`: no timeout). Without it the engine polls.
pub type HTTPc_PORT_WAIT = Option<
    unsafe extern "C" fn(
        p_ctx: *mut c_void,
        p_entries: *const HTTPc_PORT_WAIT_ENTRY,
        nbr_entries: CPU_INT16U,
        timeout_ms: CPU_INT32U,
    ),
>;
/// Optional. Make a `Wait` in progress (in another task) return now; remembered if none is.
pub type HTTPc_PORT_WAKE = Option<unsafe extern "C" fn(p_ctx: *mut c_void)>;
/// Optional. Create the engine task running `entry(p_arg)` forever, with the legacy task
/// configuration. Return DEF_OK on success. Without it the application calls
/// `HTTPc_TaskHandler()` from its own loop.
pub type HTTPc_PORT_TASK_CREATE = Option<
    unsafe extern "C" fn(
        p_ctx: *mut c_void,
        entry: Option<unsafe extern "C" fn(p_arg: *mut c_void)>,
        p_arg: *mut c_void,
        p_task_cfg: *const HTTP_TASK_CFG,
    ) -> CPU_BOOLEAN,
>;
/// Optional (required with a task or several API-calling tasks). Take / release the library
/// lock. It must be recursive: callbacks run with it held and may call the API.
pub type HTTPc_PORT_LOCK = Option<unsafe extern "C" fn(p_ctx: *mut c_void)>;
/// Optional (required for blocking calls with an engine task). Called with the lock held once:
/// release it, sleep until `OsSignal` or `timeout_ms`, take it again (a condition variable).
/// Spurious returns are fine.
pub type HTTPc_PORT_OS_WAIT =
    Option<unsafe extern "C" fn(p_ctx: *mut c_void, timeout_ms: CPU_INT32U)>;
/// Optional. Wake every caller blocked in `OsWait`.
pub type HTTPc_PORT_OS_SIGNAL = Option<unsafe extern "C" fn(p_ctx: *mut c_void)>;
/// Optional (with `Wait`): readiness kept per socket by the port, for any number of
/// connections. The engine calls it whenever what it waits for on `handle` changes (`want`:
/// `HTTPc_PORT_WAIT_RD` and/or `HTTPc_PORT_WAIT_WR`, 0 for nothing), and then calls `Wait`
/// with no entries: `Wait` must then wait on every socket as last watched (like epoll, or a
/// select set the port keeps). `Close` forgets the handle. Called only from the engine's
/// thread of control (the engine task, or `HTTPc_TaskHandler()`, blocking calls and
/// `HTTPc_ConnClose` in poll mode), like `Close`: with one task the port needs no lock for its
/// watch set; a poll-model port used from several tasks guards it (the POSIX port does). Without it the
/// engine lists the sockets in each `Wait` call, at most 16, and polls every millisecond
/// while more connections need waiting on.
pub type HTTPc_PORT_WATCH =
    Option<unsafe extern "C" fn(p_ctx: *mut c_void, handle: *mut c_void, want: CPU_INT08U)>;

/// `Wait` timeout meaning "until something happens".
pub const HTTPc_PORT_WAIT_FOREVER: CPU_INT32U = 0xFFFF_FFFF;

/// The port: everything the library needs from the platform. Required: `Connect`, `Send`,
/// `Recv`, `Close`, `Random`, `TimeGet_ms`. Unused optional members must be NULL.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HTTPc_PORT {
    /// Passed as `p_ctx` to every callback.
    pub Ctx: *mut c_void,
    /// Required.
    pub Connect: HTTPc_PORT_CONNECT,
    /// Required when `Connect` may return `HTTPc_PORT_WOULD_BLOCK`.
    pub ConnectPoll: HTTPc_PORT_CONNECT_POLL,
    /// Required.
    pub Send: HTTPc_PORT_SEND,
    /// Required.
    pub Recv: HTTPc_PORT_RECV,
    /// Required.
    pub Close: HTTPc_PORT_CLOSE,
    /// Required: there is no weak fallback.
    pub Random: HTTPc_PORT_RANDOM,
    /// Required.
    pub TimeGet_ms: HTTPc_PORT_TIME_MS,
    /// Optional readiness wait.
    pub Wait: HTTPc_PORT_WAIT,
    /// Optional wake of `Wait`.
    pub Wake: HTTPc_PORT_WAKE,
    /// Optional engine-task creation.
    pub TaskCreate: HTTPc_PORT_TASK_CREATE,
    /// Optional recursive lock.
    pub Lock: HTTPc_PORT_LOCK,
    /// Optional unlock (with `Lock`).
    pub Unlock: HTTPc_PORT_LOCK,
    /// Optional blocking-call wait.
    pub OsWait: HTTPc_PORT_OS_WAIT,
    /// Optional blocking-call signal (with `OsWait`).
    pub OsSignal: HTTPc_PORT_OS_SIGNAL,
    /// Optional per-socket readiness (with `Wait`).
    pub Watch: HTTPc_PORT_WATCH,
}

/// What a socket call came back with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Io {
    /// Bytes moved (≥ 1), or connect done (0).
    Done(usize),
    /// Try again later.
    WouldBlock,
    /// The peer closed.
    Closed,
    /// Fatal.
    Failed,
}

fn io_from(ret: CPU_INT32S) -> Io {
    match ret {
        n if n >= 0 => Io::Done(usize::try_from(n).unwrap_or(0)),
        HTTPc_PORT_WOULD_BLOCK => Io::WouldBlock,
        HTTPc_PORT_CLOSED => Io::Closed,
        _ => Io::Failed,
    }
}

/// Calls port member `$m` with the port's context and `$args`: None when it is not set.
macro_rules! port_call {
    ($self:ident . $m:ident ( $($arg:expr),* )) => {
        match $self.raw.$m {
            // SAFETY: `f` is the application's port callback, of the type `HTTPc_PORT`
            // declares for this member (`HTTPc_PortSet` copied and checked the port), called
            // with its own context and arguments valid for the call: handles its `Connect`
            // returned (not yet closed), and pointer/length pairs of live library memory or
            // locals (PORTING.md states the contract of each member).
            Some(f) => Some(unsafe { f($self.raw.Ctx, $($arg),*) }),
            None => None,
        }
    };
}

/// A validated copy of the application's port: the required callbacks are known present.
#[derive(Clone, Copy)]
pub(crate) struct Port {
    raw: HTTPc_PORT,
}

impl Port {
    /// Whether the application's port is usable: the required members are present,
    /// `Lock`/`Unlock` and `OsWait`/`OsSignal` come in pairs, `TaskCreate` comes with `Lock`,
    /// `Wait` and `Wake` (an engine task that cannot be woken would sleep through the API
    /// calls that queue its work), and `Watch` with `Wait`.
    pub(crate) fn accepts(raw: &HTTPc_PORT) -> bool {
        // (One test after another, each leaving at the first failure: the compiler turns the
        // combined boolean expression into selects over every member.)
        if raw.Connect.is_none()
            || raw.Send.is_none()
            || raw.Recv.is_none()
            || raw.Close.is_none()
            || raw.Random.is_none()
            || raw.TimeGet_ms.is_none()
        {
            return false;
        }
        if raw.Lock.is_some() != raw.Unlock.is_some()
            || raw.OsWait.is_some() != raw.OsSignal.is_some()
        {
            return false;
        }
        if raw.TaskCreate.is_some()
            && (raw.Lock.is_none() || raw.Wait.is_none() || raw.Wake.is_none())
        {
            return false;
        }
        raw.Watch.is_none() || raw.Wait.is_some()
    }

    /// A copy of a port that [`accepts`](Self::accepts) approved.
    pub(crate) fn new(raw: HTTPc_PORT) -> Port {
        Port { raw }
    }

    /// No port: what the library holds before `HTTPc_PortSet` (every member unset).
    pub(crate) const NONE: Port = Port {
        raw: HTTPc_PORT {
            Ctx: core::ptr::null_mut(),
            Connect: None,
            ConnectPoll: None,
            Send: None,
            Recv: None,
            Close: None,
            Random: None,
            TimeGet_ms: None,
            Wait: None,
            Wake: None,
            TaskCreate: None,
            Lock: None,
            Unlock: None,
            OsWait: None,
            OsSignal: None,
            Watch: None,
        },
    };

    /// A port was registered ([`Port::accepts`] requires `Connect`; [`Port::NONE`] lacks it).
    pub(crate) fn is_registered(&self) -> bool {
        self.raw.Connect.is_some()
    }

    pub(crate) fn has_task(&self) -> bool {
        self.raw.TaskCreate.is_some()
    }

    pub(crate) fn has_os_wait(&self) -> bool {
        self.raw.OsWait.is_some()
    }

    pub(crate) fn has_wait(&self) -> bool {
        self.raw.Wait.is_some()
    }

    pub(crate) fn has_watch(&self) -> bool {
        self.raw.Watch.is_some()
    }

    /// Tells a watching port what the engine now waits for on `handle`.
    pub(crate) fn watch(&self, handle: *mut c_void, want: u8) {
        port_call!(self.Watch(handle, want));
    }

    /// Starts a connection. `host` must be NUL-terminated.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn connect(
        &self,
        host: *const CPU_CHAR,
        port: u16,
        timeout_ms: u32,
        secure: Option<&HTTPc_PORT_SECURE_CFG>,
        inactivity_s: u16,
        keep_alive: bool,
        handle: &mut *mut c_void,
    ) -> Io {
        let p_secure = secure.map_or(core::ptr::null(), |s| s as *const _);
        let keep_alive = CPU_BOOLEAN::from(keep_alive);
        let ret = port_call!(self.Connect(
            host,
            port,
            timeout_ms,
            p_secure,
            inactivity_s,
            keep_alive,
            handle
        ));
        io_from(ret.unwrap_or(HTTPc_PORT_ERR))
    }

    pub(crate) fn connect_poll(&self, handle: *mut c_void) -> Io {
        io_from(port_call!(self.ConnectPoll(handle)).unwrap_or(HTTPc_PORT_ERR))
    }

    /// `send` of `len` bytes at `p` (the connection buffer, readable for the call): no
    /// reference to the library's state lives across the port's `Send`, which may call the API
    /// (PORTING.md).
    pub(crate) fn send_raw(&self, handle: *mut c_void, p: *const u8, len: usize) -> Io {
        let len32 = u32::try_from(len).unwrap_or(u32::MAX);
        let ret = port_call!(self.Send(handle, p, len32));
        match io_from(ret.unwrap_or(HTTPc_PORT_ERR)) {
            // Nothing taken is "try later", not progress: the engine must not spin on it.
            Io::Done(0) if len != 0 => Io::WouldBlock,
            // A port claiming more than it was given is treated as having taken it all.
            Io::Done(n) => Io::Done(n.min(len)),
            other => other,
        }
    }

    /// `recv` into a buffer of the library's own (a plain request's check for a close before
    /// it goes out).
    #[cfg(feature = "http")]
    pub(crate) fn recv(&self, handle: *mut c_void, buf: &mut [u8]) -> Io {
        self.recv_raw(handle, buf.as_mut_ptr(), buf.len())
    }

    /// `recv` into `len` bytes at `p` (the connection buffer, writable for the call), as
    /// `send_raw`.
    pub(crate) fn recv_raw(&self, handle: *mut c_void, p: *mut u8, len: usize) -> Io {
        let len32 = u32::try_from(len).unwrap_or(u32::MAX);
        let ret = port_call!(self.Recv(handle, p, len32));
        match io_from(ret.unwrap_or(HTTPc_PORT_ERR)) {
            Io::Done(0) => Io::WouldBlock,
            Io::Done(n) if n > len => Io::Failed,
            other => other,
        }
    }

    pub(crate) fn close(&self, handle: *mut c_void) {
        port_call!(self.Close(handle));
    }

    /// Fills `buf` with randomness; false when the source failed.
    pub(crate) fn random(&self, buf: &mut [u8]) -> bool {
        let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        port_call!(self.Random(buf.as_mut_ptr(), len)) == Some(DEF_OK)
    }

    // Out of line: called from the engine's pass, the blocking wait and the calls that queue
    // work.
    #[inline(never)]
    pub(crate) fn now_ms(&self) -> u32 {
        port_call!(self.TimeGet_ms()).unwrap_or(0)
    }

    pub(crate) fn wait(&self, entries: &[HTTPc_PORT_WAIT_ENTRY], timeout_ms: u32) {
        let n = u16::try_from(entries.len()).unwrap_or(u16::MAX);
        port_call!(self.Wait(entries.as_ptr(), n, timeout_ms));
    }

    pub(crate) fn wake(&self) {
        port_call!(self.Wake());
    }

    pub(crate) fn task_create(
        &self,
        entry: unsafe extern "C" fn(*mut c_void),
        task_cfg: *const HTTP_TASK_CFG,
    ) -> bool {
        let arg = core::ptr::null_mut();
        port_call!(self.TaskCreate(Some(entry), arg, task_cfg)) == Some(DEF_OK)
    }

    pub(crate) fn lock(&self) {
        port_call!(self.Lock());
    }

    pub(crate) fn unlock(&self) {
        port_call!(self.Unlock());
    }

    /// Called with the library lock held once.
    pub(crate) fn os_wait(&self, timeout_ms: u32) {
        port_call!(self.OsWait(timeout_ms));
    }

    pub(crate) fn os_signal(&self) {
        port_call!(self.OsSignal());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A member of each type, only ever tested against NULL.
    unsafe extern "C" fn connect(
        _: *mut c_void,
        _: *const CPU_CHAR,
        _: CPU_INT16U,
        _: CPU_INT32U,
        _: *const HTTPc_PORT_SECURE_CFG,
        _: CPU_INT16U,
        _: CPU_BOOLEAN,
        _: *mut *mut c_void,
    ) -> CPU_INT32S {
        HTTPc_PORT_ERR
    }
    unsafe extern "C" fn handle_op(_: *mut c_void, _: *mut c_void) -> CPU_INT32S {
        HTTPc_PORT_ERR
    }
    unsafe extern "C" fn send(_: *mut c_void, _: *mut c_void, _: *const u8, _: u32) -> i32 {
        HTTPc_PORT_ERR
    }
    unsafe extern "C" fn recv(_: *mut c_void, _: *mut c_void, _: *mut u8, _: u32) -> i32 {
        HTTPc_PORT_ERR
    }
    unsafe extern "C" fn close(_: *mut c_void, _: *mut c_void) {}
    unsafe extern "C" fn random(_: *mut c_void, _: *mut u8, _: u32) -> CPU_BOOLEAN {
        0
    }
    unsafe extern "C" fn time(_: *mut c_void) -> CPU_INT32U {
        0
    }
    unsafe extern "C" fn wait(_: *mut c_void, _: *const HTTPc_PORT_WAIT_ENTRY, _: u16, _: u32) {}
    unsafe extern "C" fn ctx_op(_: *mut c_void) {}
    unsafe extern "C" fn task(
        _: *mut c_void,
        _: Option<unsafe extern "C" fn(*mut c_void)>,
        _: *mut c_void,
        _: *const HTTP_TASK_CFG,
    ) -> CPU_BOOLEAN {
        0
    }
    unsafe extern "C" fn os_wait(_: *mut c_void, _: CPU_INT32U) {}
    unsafe extern "C" fn watch(_: *mut c_void, _: *mut c_void, _: CPU_INT08U) {}

    /// `accepts` against its rule written as one boolean expression, over every combination of
    /// members given and missing (the context pointer plays no part).
    #[test]
    fn accepts_follows_the_rule_for_every_combination_of_members() {
        for bits in 0u32..1 << 15 {
            let given = |i: u32| bits & (1 << i) != 0;
            let raw = HTTPc_PORT {
                Ctx: core::ptr::null_mut(),
                Connect: given(0).then_some(connect as _),
                ConnectPoll: given(1).then_some(handle_op as _),
                Send: given(2).then_some(send as _),
                Recv: given(3).then_some(recv as _),
                Close: given(4).then_some(close as _),
                Random: given(5).then_some(random as _),
                TimeGet_ms: given(6).then_some(time as _),
                Wait: given(7).then_some(wait as _),
                Wake: given(8).then_some(ctx_op as _),
                TaskCreate: given(9).then_some(task as _),
                Lock: given(10).then_some(ctx_op as _),
                Unlock: given(11).then_some(ctx_op as _),
                OsWait: given(12).then_some(os_wait as _),
                OsSignal: given(13).then_some(ctx_op as _),
                Watch: given(14).then_some(watch as _),
            };
            let required = given(0) && given(2) && given(3) && given(4) && given(5) && given(6);
            let pairs = given(10) == given(11) && given(12) == given(13);
            let task = !given(9) || (given(10) && given(7) && given(8));
            let watch = !given(14) || given(7);
            assert_eq!(
                Port::accepts(&raw),
                required && pairs && task && watch,
                "{bits:#06x}"
            );
        }
    }
}
