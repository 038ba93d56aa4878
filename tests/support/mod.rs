//! Shared helpers for the C-API tests (`tests/capi_*.rs`) and the `capi_script` fuzz target
//! (which includes this file with `#[path]`).
//!
//! - A scripted, deterministic port: every `HTTPc_PORT` callback is an `extern "C"` function
//!   here. Each socket is a [`Sock`] with a server side (bytes released by gates: right away,
//!   after the upgrade request, after N client frames, after the client's Close), a receive and
//!   a send policy (chunk size, seeded would-block storms, explicit steps, a fault at a byte
//!   offset), and counters (Close calls, I/O after Close). A fake clock advances only when a
//!   test says so or when the library sleeps in the port's `Wait`.
//! - A recorder: every application hook appends an [`Ev`] to one log; [`check_conn`] verifies
//!   the callback rules on it (nothing after the connection's OnClose, WebSocket OnClose once
//!   per OnOpen, every queued message completed exactly once).
//! - Owned, zeroed application objects ([`Objs`]), freed only once the library let go of them.
//!
//! State lives in a thread-local [`World`]; library calls are serialised by [`serial`], since
//! the library itself is single-instance per process. Hooks never panic (a panic cannot unwind
//! through `extern "C"`): they record, and the tests assert afterwards.
#![allow(dead_code, non_snake_case, clippy::missing_safety_doc)]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::ffi::c_void;
use std::ptr::{null_mut, without_provenance_mut};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

pub use httpc_ws::capi::conn::*;
pub use httpc_ws::capi::consts::*;
use httpc_ws::capi::http_req::HTTPc_ReqSend;
pub use httpc_ws::capi::objects::*;
pub use httpc_ws::capi::port::*;
pub use httpc_ws::capi::req::*;
pub use httpc_ws::capi::task::*;
pub use httpc_ws::capi::types::*;
pub use httpc_ws::capi::websock::*;
use httpc_ws::proto::frame::{HeaderDecoder, Opcode};
use httpc_ws::proto::handshake::Key;
use httpc_ws::proto::mask::apply_mask;

/// The 16 bytes the port's `Random` returns for a 16-byte request (the handshake nonce), so the
/// expected `Sec-WebSocket-Accept` is known in advance.
pub const NONCE: [u8; 16] = *b"httpc-ws testing";

/// The host every fixture connects to unless told otherwise.
pub const HOST: &[u8] = b"example.test\0";

// =============================================================================================
// Serialisation and one-time initialisation
// =============================================================================================

static SERIAL: Mutex<()> = Mutex::new(());

/// Serialises library use across the test threads of one binary (a failed test poisons
/// nothing: the guard is recovered).
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sockets the port handed out and the library has not closed yet, across the test threads of
/// one binary. Each test thread has its own world, and socket handles are numbered from 1 in
/// each: a connection a test leaves open would reach the next test's sockets through its
/// handle (a flaky failure, depending on which test runs next).
static OPEN_SOCKETS: AtomicUsize = AtomicUsize::new(0);

/// What `HTTPc_PortSet`/`HTTPc_Init` returned during the one-time initialisation, in order:
/// (what was tried, error returned, error expected).
pub static INIT_LOG: OnceLock<Vec<(&'static str, HTTPc_ERR, HTTPc_ERR)>> = OnceLock::new();

/// The port every test uses.
pub fn test_port() -> HTTPc_PORT {
    HTTPc_PORT {
        Ctx: without_provenance_mut(0x5eed),
        Connect: Some(port_connect),
        ConnectPoll: Some(port_connect_poll),
        Send: Some(port_send),
        Recv: Some(port_recv),
        Close: Some(port_close),
        Random: Some(port_random),
        TimeGet_ms: Some(port_time),
        Wait: Some(port_wait),
        Wake: Some(port_wake),
        TaskCreate: None,
        Lock: Some(port_lock),
        Unlock: Some(port_unlock),
        OsWait: None,
        OsSignal: None,
        Watch: None,
    }
}

/// The library configuration every test uses.
pub fn test_cfg() -> HTTPc_CFG {
    HTTPc_CFG {
        TaskDly_ms: 0,
        MsgQ_Size: 4,
        ConnConnectTimeout_ms: 1000,
        ConnInactivityTimeout_s: 30,
        ConnIsKeepAlive: DEF_NO,
    }
}

/// Registers the port and initialises the library once per process, first walking the
/// initialisation error paths (recorded in [`INIT_LOG`]). Call with [`serial`] held.
pub fn ensure_init() {
    INIT_LOG.get_or_init(|| {
        let mut log = Vec::new();
        let mut err: HTTPc_ERR = 0;
        let cfg = test_cfg();
        let port = test_port();
        unsafe {
            let mut conn = Objs::zeroed_obj::<HTTPc_CONN_OBJ>();
            HTTPc_ConnClr(&mut *conn, &mut err);
            log.push(("ConnClr before init", err, HTTPc_ERR_INIT_NOT_COMPLETED));
            HTTPc_Init(&cfg, null_mut::<HTTP_TASK_CFG>(), null_mut(), &mut err);
            log.push(("Init without a port", err, HTTPc_ERR_INIT_PORT_MISSING));
            HTTPc_PortSet(std::ptr::null(), &mut err);
            log.push(("PortSet(NULL)", err, HTTPc_ERR_NULL_PTR));
            let mut bad = port;
            bad.Recv = None;
            HTTPc_PortSet(&bad, &mut err);
            log.push(("PortSet without Recv", err, HTTPc_ERR_INIT_PORT_INVALID));
            let mut bad = port;
            bad.Unlock = None;
            HTTPc_PortSet(&bad, &mut err);
            log.push(("PortSet with Lock alone", err, HTTPc_ERR_INIT_PORT_INVALID));
            let mut bad = port;
            bad.TaskCreate = Some(port_task_create);
            bad.Wait = None;
            HTTPc_PortSet(&bad, &mut err);
            log.push((
                "PortSet with TaskCreate, no Wait",
                err,
                HTTPc_ERR_INIT_PORT_INVALID,
            ));
            let mut bad = port;
            bad.TaskCreate = Some(port_task_create);
            bad.Wake = None;
            HTTPc_PortSet(&bad, &mut err);
            log.push((
                "PortSet with TaskCreate, no Wake",
                err,
                HTTPc_ERR_INIT_PORT_INVALID,
            ));
            HTTPc_PortSet(&port, &mut err);
            log.push(("PortSet", err, HTTPc_ERR_NONE));
            HTTPc_Init(std::ptr::null(), std::ptr::null(), null_mut(), &mut err);
            log.push(("Init(NULL)", err, HTTPc_ERR_NULL_PTR));
            let mut c = cfg;
            c.MsgQ_Size = 0;
            HTTPc_Init(&c, std::ptr::null(), null_mut(), &mut err);
            log.push((
                "Init with MsgQ_Size 0",
                err,
                HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID,
            ));
            let mut c = cfg;
            c.TaskDly_ms = 21;
            HTTPc_Init(&c, std::ptr::null(), null_mut(), &mut err);
            log.push((
                "Init with TaskDly_ms 21",
                err,
                HTTPc_ERR_CFG_TASK_DLY_INVALID,
            ));
            world(|w| w.random_fails.set(true));
            HTTPc_Init(&cfg, std::ptr::null(), null_mut(), &mut err);
            world(|w| w.random_fails.set(false));
            log.push((
                "Init with a failing Random",
                err,
                HTTPc_ERR_INIT_PORT_INVALID,
            ));
            HTTPc_Init(&cfg, std::ptr::null(), null_mut(), &mut err);
            log.push(("Init", err, HTTPc_ERR_NONE));
            HTTPc_Init(&cfg, std::ptr::null(), null_mut(), &mut err);
            log.push(("second Init", err, HTTPc_ERR_INIT));
            HTTPc_PortSet(&port, &mut err);
            log.push(("PortSet after Init", err, HTTPc_ERR_INIT));
            // A NULL p_err is tolerated everywhere.
            HTTPc_Init(&cfg, std::ptr::null(), null_mut(), null_mut());
            Objs::free_obj(conn);
        }
        log
    });
}

// =============================================================================================
// The world: clock, randomness, sockets, the event log
// =============================================================================================

/// Which application hook an event came from (for reactions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hook {
    Connect,
    ConnClose,
    TransComplete,
    TransErr,
    RespHdr,
    ReqHdr,
    Open,
    Close,
    Err,
    Pong,
    RxInit,
    RxData,
    RxComplete,
    TxInit,
    TxData,
    TxComplete,
}

/// One recorded hook call (or test-side marker). `conn`/`msg` are object addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    Connect {
        conn: usize,
        ok: bool,
    },
    ConnClose {
        conn: usize,
        status: HTTPc_CONN_CLOSE_STATUS,
        err: HTTPc_ERR,
    },
    TransComplete {
        conn: usize,
        status: HTTP_STATUS_CODE,
        ok: bool,
    },
    TransErr {
        conn: usize,
        err: HTTPc_ERR,
    },
    RespHdr {
        conn: usize,
        field: HTTP_HDR_FIELD,
        value: Vec<u8>,
    },
    ReqHdr {
        conn: usize,
    },
    Open {
        conn: usize,
    },
    Close {
        conn: usize,
        code: u16,
        reason: Vec<u8>,
        /// The reason's `DataPtr` was NULL.
        reason_null: bool,
    },
    Err {
        conn: usize,
        err: HTTPc_ERR,
    },
    Pong {
        conn: usize,
        data: Vec<u8>,
    },
    RxInit {
        conn: usize,
        msg_type: HTTPc_WEBSOCK_MSG_TYPE,
        len: u32,
    },
    RxData {
        conn: usize,
        data: Vec<u8>,
    },
    RxComplete {
        conn: usize,
    },
    TxInit {
        conn: usize,
        msg: usize,
    },
    TxData {
        conn: usize,
        msg: usize,
        /// The room offered (`buf_len`).
        offered: u32,
        n: u32,
    },
    TxComplete {
        conn: usize,
        msg: usize,
        ok: bool,
    },
    /// Test side: `HTTPc_WebSockSend` queued `msg` (DEF_OK, non-blocking, or a blocking send
    /// that reached the queue).
    Queued {
        conn: usize,
        msg: usize,
    },
    /// Test side: a (re)open of `conn` starts a new epoch of its callbacks.
    Opened {
        conn: usize,
    },
}

impl Ev {
    /// The connection an event belongs to.
    pub fn conn(&self) -> usize {
        match *self {
            Ev::Connect { conn, .. }
            | Ev::ConnClose { conn, .. }
            | Ev::TransComplete { conn, .. }
            | Ev::TransErr { conn, .. }
            | Ev::RespHdr { conn, .. }
            | Ev::ReqHdr { conn }
            | Ev::Open { conn }
            | Ev::Close { conn, .. }
            | Ev::Err { conn, .. }
            | Ev::Pong { conn, .. }
            | Ev::RxInit { conn, .. }
            | Ev::RxData { conn, .. }
            | Ev::RxComplete { conn }
            | Ev::TxInit { conn, .. }
            | Ev::TxData { conn, .. }
            | Ev::TxComplete { conn, .. }
            | Ev::Queued { conn, .. }
            | Ev::Opened { conn } => conn,
        }
    }
}

/// How `Connect` behaves for a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectMode {
    /// Connected at once.
    Ok,
    /// In progress; `ConnectPoll` says OK after this many polls.
    Later(u32),
    /// `Connect` fails.
    Fail,
    /// In progress, then `ConnectPoll` fails after this many polls.
    LaterFail(u32),
    /// In progress forever (the connect timeout must end it).
    Never,
}

/// An explicit outcome for one socket call (used before the default policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Move at most this many bytes (0: would block).
    Take(usize),
    WouldBlock,
    Closed,
    Err,
    /// Return 0 (outside the port contract, which says ≥ 1 or a negative code).
    Zero,
}

/// When a piece of the server's output is released to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Right away.
    Now,
    /// Once the whole upgrade request was sent.
    Request,
    /// Once this many client frames were sent.
    Frames(usize),
    /// Once the client sent more than this many bytes in all: a reply, which a server cannot
    /// send before the request it answers.
    SentMoreThan(usize),
    /// Once the client's Close frame was sent.
    ClientClose,
}

/// A piece of the server's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Bytes(Vec<u8>),
    /// End of stream (Recv returns CLOSED once everything before it was read).
    Eof,
}

/// One direction's I/O policy.
#[derive(Debug, Clone)]
pub struct IoPolicy {
    /// Most bytes per call (0: unlimited).
    pub max_chunk: usize,
    /// Per-mille chance that a would-block storm starts at a call.
    pub storm_per_mille: u32,
    /// Longest storm (calls that would block in a row).
    pub storm_max: u32,
    /// Seed of the storm generator.
    pub seed: u64,
    /// Fail once this many bytes have moved: (offset, HTTPc_PORT_CLOSED or HTTPc_PORT_ERR).
    pub fault_at: Option<(usize, CPU_INT32S)>,
    /// Explicit outcomes, used first.
    pub steps: VecDeque<Step>,
}

impl Default for IoPolicy {
    fn default() -> Self {
        IoPolicy {
            max_chunk: 0,
            storm_per_mille: 0,
            storm_max: 0,
            seed: 1,
            fault_at: None,
            steps: VecDeque::new(),
        }
    }
}

/// A client frame the server side decoded (unmasked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFrame {
    pub fin: bool,
    pub opcode: u8,
    pub payload: Vec<u8>,
    pub masked: bool,
}

/// What [`parse_client`] found: the request head (None while incomplete), the complete frames,
/// the bytes of a trailing incomplete frame.
pub type ClientParse = (Option<Vec<u8>>, Vec<ClientFrame>, usize);

/// Decodes the client's byte stream: the HTTP request head, then masked frames. Returns the
/// request head (None while incomplete), the complete frames and the count of trailing bytes of
/// an incomplete frame; Err on a frame a server would reject.
pub fn parse_client(tx: &[u8]) -> Result<ClientParse, String> {
    let Some(end) = tx.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok((None, Vec::new(), 0));
    };
    let head = tx[..end + 4].to_vec();
    let mut rest = &tx[end + 4..];
    let mut frames = Vec::new();
    loop {
        let mut dec = HeaderDecoder::accepting_masked();
        let (used, hdr) = dec
            .feed(rest)
            .map_err(|e| format!("client frame header: {e}"))?;
        let Some(h) = hdr else {
            return Ok((Some(head), frames, rest.len()));
        };
        let len = usize::try_from(h.len).map_err(|_| "huge client frame".to_string())?;
        if rest.len() < used + len {
            return Ok((Some(head), frames, rest.len()));
        }
        let mut payload = rest[used..used + len].to_vec();
        if let Some(key) = h.mask {
            apply_mask(key, 0, &mut payload);
        }
        frames.push(ClientFrame {
            fin: h.fin,
            opcode: h.opcode.to_u8(),
            payload,
            masked: h.mask.is_some(),
        });
        rest = &rest[used + len..];
    }
}

/// One scripted socket.
pub struct Sock {
    /// Handle value (1-based index into `World::socks`), 0 until `Connect` used the script.
    pub id: Cell<usize>,
    pub connect: ConnectMode,
    pub polls: Cell<u32>,
    /// Server output not yet released, in order (a closed gate holds back what follows).
    pub pending: RefCell<VecDeque<(Gate, Item)>>,
    /// Released server bytes not yet received.
    pub rx: RefCell<VecDeque<u8>>,
    pub eof: Cell<bool>,
    pub rx_policy: RefCell<IoPolicy>,
    pub tx_policy: RefCell<IoPolicy>,
    rx_storm: Cell<u32>,
    tx_storm: Cell<u32>,
    /// Bytes received by the client so far.
    pub received: Cell<usize>,
    /// Every byte the client sent.
    pub tx: RefCell<Vec<u8>>,
    /// Each send that moved bytes: how many, and from where (the address).
    pub sends: RefCell<Vec<usize>>,
    pub sends_from: RefCell<Vec<usize>>,
    /// Each receive that moved bytes: where to (the address) and how many.
    pub recvs: RefCell<Vec<(usize, usize)>>,
    /// `Close` calls for this socket.
    pub closes: Cell<u32>,
    /// Send/Recv/ConnectPoll calls after `Close`.
    pub after_close: Cell<u32>,
    /// Send/Recv calls before the connect completed.
    pub before_connected: Cell<u32>,
    pub connected: Cell<bool>,
    /// The port reported a fault (CLOSED/ERR) for this socket.
    pub faulted: Cell<Option<CPU_INT32S>>,
}

impl Sock {
    /// Server frames decoded from what the client sent so far.
    pub fn client(&self) -> Result<ClientParse, String> {
        parse_client(&self.tx.borrow())
    }

    /// Releases gated server output whose gate is open.
    fn release(&self) {
        if self.pending.borrow().is_empty() {
            return;
        }
        let (head, frames) = match self.client() {
            Ok((h, f, _)) => (h.is_some(), f),
            Err(_) => (false, Vec::new()),
        };
        let mut pending = self.pending.borrow_mut();
        while let Some((gate, _)) = pending.front() {
            let open = match *gate {
                Gate::Now => true,
                Gate::Request => head,
                Gate::Frames(n) => frames.len() >= n,
                Gate::SentMoreThan(n) => self.tx.borrow().len() > n,
                Gate::ClientClose => frames.iter().any(|f| f.opcode == 8),
            };
            if !open {
                break;
            }
            let (_, item) = pending.pop_front().expect("front exists");
            match item {
                Item::Bytes(b) => self.rx.borrow_mut().extend(b),
                Item::Eof => self.eof.set(true),
            }
        }
    }

    /// Queues server output behind a gate.
    pub fn push(&self, gate: Gate, item: Item) {
        self.pending.borrow_mut().push_back((gate, item));
        self.release();
    }

    /// Server bytes released right away.
    pub fn push_now(&self, bytes: &[u8]) {
        self.push(Gate::Now, Item::Bytes(bytes.to_vec()));
    }

    /// A server's reply to the client's next bytes: released once the client sends anything
    /// after this call (an HTTP response comes after its request's first byte, never before).
    pub fn push_reply(&self, bytes: &[u8]) {
        let sent = self.tx.borrow().len();
        self.push(Gate::SentMoreThan(sent), Item::Bytes(bytes.to_vec()));
    }
}

/// Per-message data source for `OnMsgTxInit` / `OnMsgTxData` (found through `UserDataPtr`).
#[derive(Debug, Clone, Default)]
pub struct MsgSrc {
    /// The payload the hook produces.
    pub data: Vec<u8>,
    pub pos: usize,
    /// Cyclic sizes: for a known length, the most bytes per call (0 = "nothing yet");
    /// fragmented, one frame per entry (`STALL` = "nothing yet"). Empty: as much as fits.
    pub chunks: Vec<u32>,
    pub step: usize,
    /// What `OnMsgTxInit` returns (None: the length given to `HTTPc_WebSockSend`).
    pub init_len: Option<u32>,
    /// Length given to `HTTPc_WebSockSend` (for `OnMsgTxInit`).
    pub send_len: u32,
}

/// "Nothing yet" for a fragmented message's `OnMsgTxData`.
pub const STALL: u32 = HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;

/// How the application receives messages.
#[derive(Debug, Clone)]
pub enum RxMode {
    /// `OnMsgRxData` takes bytes per the cyclic plan (`u32::MAX`: all; 0: none this time).
    Stream(Vec<u32>),
    /// `OnMsgRxInit` hands this buffer (copy mode); `OnMsgRxComplete` snapshots its first
    /// `len` bytes into `World::rx_snaps`.
    Buffer(*mut u8, usize),
}

/// A reaction: when `hook` is called the `nth` time (0-based, counted per world), do `act`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// `HTTPc_ConnClose` on the hook's connection.
    ConnClose,
    /// Queue the world's echo message (non-blocking) with "echo" as text.
    Echo,
    /// Queue a Close(1000) with the world's close message.
    SendClose,
    /// Queue a PING ("echo") with the world's echo message (non-blocking).
    Ping,
    /// From `OnMsgRxData`: send the bytes it got on with the world's echo message, as they
    /// are (their pointer into the connection buffer; non-blocking).
    EchoInPlace,
    /// `HTTPc_ReqClr` on the world's `clr_req`, `HTTPc_WebSockMsgClr` on its `clr_msg` (each
    /// when set): an application recycling its objects from a hook.
    Clear,
    /// `HTTPc_ConnOpen` (non-blocking) of the hook's connection with the world's `reopen`
    /// buffer and host: an application reconnecting from a hook.
    Reopen,
}

/// The thread-local state of the port and the application.
pub struct World {
    pub now: Cell<u32>,
    /// Most the clock moves in one `Wait` (the library sleeping).
    pub wait_step_max: Cell<u32>,
    /// The clock stands still: `Wait` does not move it either (a port whose tick is stuck).
    pub frozen: Cell<bool>,
    rng: Cell<u64>,
    pub random_fails: Cell<bool>,
    /// Scripts for the next sockets, per host (`""`: any host).
    pub next_socks: RefCell<BTreeMap<String, VecDeque<Rc<Sock>>>>,
    /// Every socket `Connect` produced, by id - 1.
    pub socks: RefCell<Vec<Rc<Sock>>>,
    pub log: RefCell<Vec<Ev>>,
    pub lock_depth: Cell<i32>,
    /// Hooks that ran without the library lock held.
    pub hooks_unlocked: Cell<u32>,
    pub unlock_underflow: Cell<u32>,
    pub waits: Cell<u32>,
    /// The last `Wait`'s entries: (socket id, readiness wanted).
    pub last_wait: RefCell<Vec<(usize, u8)>>,
    pub wakes: Cell<u32>,
    /// A `Wake` came after the last `Wait` (the application's next wait would return at once).
    pub wake_pending: Cell<bool>,
    pub connect_calls: Cell<u32>,
    pub rx_mode: RefCell<RxMode>,
    pub rx_step: Cell<usize>,
    /// Buffer-mode receive buffer contents at each `OnMsgRxComplete`.
    pub rx_snaps: RefCell<Vec<Vec<u8>>>,
    pub msg_srcs: RefCell<Vec<MsgSrc>>,
    pub reactions: RefCell<Vec<(Hook, u32, Act)>>,
    pub hook_counts: RefCell<BTreeMap<Hook, u32>>,
    pub echo_msg: Cell<*mut HTTPc_WEBSOCK_MSG_OBJ>,
    pub close_msg: Cell<*mut HTTPc_WEBSOCK_MSG_OBJ>,
    /// The objects [`Act::Clear`] clears.
    pub clr_req: Cell<*mut HTTPc_REQ_OBJ>,
    pub clr_msg: Cell<*mut HTTPc_WEBSOCK_MSG_OBJ>,
    /// The buffer (pointer, length) and NUL-terminated host [`Act::Reopen`] opens with.
    pub reopen: Cell<(*mut u8, u16, *const u8)>,
    /// Results of API calls made by reactions (for the checks).
    pub reaction_errs: RefCell<Vec<(Act, HTTPc_ERR, CPU_BOOLEAN)>>,
    /// Extra request header the request hook adds (name field, value).
    pub req_hdr: RefCell<Option<(HTTP_HDR_FIELD, Vec<u8>)>>,
}

/// The fake clock's reading at the start of each test: 1000, or `HTTPC_TEST_CLOCK0` (a clock
/// about to wrap, say) to run every test against another start.
pub fn clock0() -> u32 {
    std::env::var("HTTPC_TEST_CLOCK0")
        .ok()
        .and_then(|v| {
            let v = v.trim();
            match v.strip_prefix("0x") {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => v.parse().ok(),
            }
        })
        .unwrap_or(1_000)
}

impl World {
    fn new() -> Self {
        World {
            now: Cell::new(clock0()),
            wait_step_max: Cell::new(100),
            frozen: Cell::new(false),
            rng: Cell::new(0x9E37_79B9_7F4A_7C15),
            random_fails: Cell::new(false),
            next_socks: RefCell::new(BTreeMap::new()),
            socks: RefCell::new(Vec::new()),
            log: RefCell::new(Vec::new()),
            lock_depth: Cell::new(0),
            hooks_unlocked: Cell::new(0),
            unlock_underflow: Cell::new(0),
            waits: Cell::new(0),
            last_wait: RefCell::new(Vec::new()),
            wakes: Cell::new(0),
            wake_pending: Cell::new(false),
            connect_calls: Cell::new(0),
            rx_mode: RefCell::new(RxMode::Stream(Vec::new())),
            rx_step: Cell::new(0),
            rx_snaps: RefCell::new(Vec::new()),
            msg_srcs: RefCell::new(Vec::new()),
            reactions: RefCell::new(Vec::new()),
            hook_counts: RefCell::new(BTreeMap::new()),
            echo_msg: Cell::new(null_mut()),
            close_msg: Cell::new(null_mut()),
            clr_req: Cell::new(null_mut()),
            reopen: Cell::new((null_mut(), 0, std::ptr::null())),
            clr_msg: Cell::new(null_mut()),
            reaction_errs: RefCell::new(Vec::new()),
            req_hdr: RefCell::new(None),
        }
    }

    /// Forgets everything (a new test or fuzz run). The lock depth is kept: it must be 0.
    pub fn reset(&self) {
        let fresh = World::new();
        self.now.set(fresh.now.get());
        self.wait_step_max.set(fresh.wait_step_max.get());
        self.frozen.set(false);
        self.rng.set(fresh.rng.get());
        self.random_fails.set(false);
        self.next_socks.replace(BTreeMap::new());
        self.socks.replace(Vec::new());
        self.log.replace(Vec::new());
        self.hooks_unlocked.set(0);
        self.unlock_underflow.set(0);
        self.waits.set(0);
        self.last_wait.replace(Vec::new());
        self.wakes.set(0);
        self.wake_pending.set(false);
        self.connect_calls.set(0);
        self.rx_mode.replace(RxMode::Stream(Vec::new()));
        self.rx_step.set(0);
        self.rx_snaps.replace(Vec::new());
        self.msg_srcs.replace(Vec::new());
        self.reactions.replace(Vec::new());
        self.hook_counts.replace(BTreeMap::new());
        self.echo_msg.set(null_mut());
        self.close_msg.set(null_mut());
        self.clr_req.set(null_mut());
        self.clr_msg.set(null_mut());
        self.reopen.set((null_mut(), 0, std::ptr::null()));
        self.reaction_errs.replace(Vec::new());
        self.req_hdr.replace(None);
    }

    /// xorshift64*.
    pub fn rand(&self) -> u64 {
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Adds a socket script for the next `Connect` to `host` (`""`: any host).
    pub fn expect_connect(&self, host: &str, connect: ConnectMode) -> Rc<Sock> {
        let sock = Rc::new(Sock {
            id: Cell::new(0),
            connect,
            polls: Cell::new(0),
            pending: RefCell::new(VecDeque::new()),
            rx: RefCell::new(VecDeque::new()),
            eof: Cell::new(false),
            rx_policy: RefCell::new(IoPolicy::default()),
            tx_policy: RefCell::new(IoPolicy::default()),
            rx_storm: Cell::new(0),
            tx_storm: Cell::new(0),
            received: Cell::new(0),
            tx: RefCell::new(Vec::new()),
            sends: RefCell::new(Vec::new()),
            sends_from: RefCell::new(Vec::new()),
            recvs: RefCell::new(Vec::new()),
            closes: Cell::new(0),
            after_close: Cell::new(0),
            before_connected: Cell::new(0),
            connected: Cell::new(false),
            faulted: Cell::new(None),
        });
        self.next_socks
            .borrow_mut()
            .entry(host.to_string())
            .or_default()
            .push_back(sock.clone());
        sock
    }

    /// The socket with this handle.
    pub fn sock(&self, handle: *mut c_void) -> Option<Rc<Sock>> {
        let id = handle as usize;
        self.socks.borrow().get(id.checked_sub(1)?).cloned()
    }

    /// Registers a message data source; returns the `UserDataPtr` value that finds it.
    pub fn add_src(&self, src: MsgSrc) -> *mut c_void {
        let mut srcs = self.msg_srcs.borrow_mut();
        srcs.push(src);
        without_provenance_mut(srcs.len())
    }

    /// A copy of the log.
    pub fn events(&self) -> Vec<Ev> {
        self.log.borrow().clone()
    }

    fn record(&self, ev: Ev) {
        self.log.borrow_mut().push(ev);
    }
}

thread_local! {
    static WORLD: World = World::new();
}

/// Runs `f` with this thread's world.
pub fn world<R>(f: impl FnOnce(&World) -> R) -> R {
    WORLD.with(f)
}

// =============================================================================================
// The port
// =============================================================================================

/// One step of a direction's policy: Some(outcome) when it overrides the default.
fn policy_step(policy: &RefCell<IoPolicy>, storm: &Cell<u32>, moved: usize) -> Result<usize, i32> {
    let mut p = policy.borrow_mut();
    if let Some((at, code)) = p.fault_at {
        if moved >= at {
            return Err(code);
        }
    }
    let mut limit = usize::MAX;
    if let Some(step) = p.steps.pop_front() {
        match step {
            Step::Take(0) | Step::WouldBlock => return Err(HTTPc_PORT_WOULD_BLOCK),
            Step::Take(n) => limit = n,
            Step::Closed => return Err(HTTPc_PORT_CLOSED),
            Step::Err => return Err(HTTPc_PORT_ERR),
            Step::Zero => return Err(0),
        }
    } else {
        if storm.get() > 0 {
            storm.set(storm.get() - 1);
            return Err(HTTPc_PORT_WOULD_BLOCK);
        }
        if p.storm_per_mille > 0 {
            let mut x = p.seed;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            p.seed = x;
            if (x % 1000) < u64::from(p.storm_per_mille) {
                storm.set((x >> 32) as u32 % p.storm_max.max(1));
                return Err(HTTPc_PORT_WOULD_BLOCK);
            }
        }
    }
    if p.max_chunk > 0 {
        limit = limit.min(p.max_chunk);
    }
    if let Some((at, _)) = p.fault_at {
        limit = limit.min(at - moved);
    }
    Ok(limit)
}

fn hook_guard(w: &World) {
    if w.lock_depth.get() <= 0 {
        w.hooks_unlocked.set(w.hooks_unlocked.get() + 1);
    }
}

pub unsafe extern "C" fn port_connect(
    _ctx: *mut c_void,
    p_host: *const CPU_CHAR,
    _port: CPU_INT16U,
    _timeout_ms: CPU_INT32U,
    _p_secure: *const HTTPc_PORT_SECURE_CFG,
    _inactivity_s: CPU_INT16U,
    _keep_alive: CPU_BOOLEAN,
    p_handle: *mut *mut c_void,
) -> CPU_INT32S {
    port_react("port_connect");
    let host = unsafe { std::ffi::CStr::from_ptr(p_host) }
        .to_string_lossy()
        .into_owned();
    world(|w| {
        w.connect_calls.set(w.connect_calls.get() + 1);
        let script = {
            let mut next = w.next_socks.borrow_mut();
            next.get_mut(&host)
                .and_then(|q| q.pop_front())
                .or_else(|| next.get_mut("").and_then(|q| q.pop_front()))
        };
        let Some(script) = script else {
            return HTTPc_PORT_ERR;
        };
        let mode = script.connect;
        if mode == ConnectMode::Fail {
            return HTTPc_PORT_ERR;
        }
        let mut socks = w.socks.borrow_mut();
        let id = socks.len() + 1;
        script.id.set(id);
        script.connected.set(mode == ConnectMode::Ok);
        socks.push(script);
        unsafe { *p_handle = without_provenance_mut(id) };
        OPEN_SOCKETS.fetch_add(1, Ordering::Relaxed);
        if mode == ConnectMode::Ok {
            HTTPc_PORT_OK
        } else {
            HTTPc_PORT_WOULD_BLOCK
        }
    })
}

pub unsafe extern "C" fn port_connect_poll(_ctx: *mut c_void, handle: *mut c_void) -> CPU_INT32S {
    world(|w| {
        let Some(s) = w.sock(handle) else {
            return HTTPc_PORT_ERR;
        };
        if s.closes.get() > 0 {
            s.after_close.set(s.after_close.get() + 1);
        }
        s.polls.set(s.polls.get() + 1);
        match s.connect {
            ConnectMode::Later(n) if s.polls.get() >= n => {
                s.connected.set(true);
                HTTPc_PORT_OK
            }
            ConnectMode::LaterFail(n) if s.polls.get() >= n => HTTPc_PORT_ERR,
            ConnectMode::Ok => HTTPc_PORT_OK,
            _ => HTTPc_PORT_WOULD_BLOCK,
        }
    })
}

/// A test's own reaction to a port callback (an application whose port calls the API): the
/// callback's name. Runs before the callback does its work, no world borrow held.
pub type PortReact = std::rc::Rc<dyn Fn(&'static str)>;

thread_local! {
    pub static PORT_REACT: RefCell<Option<PortReact>> = const { RefCell::new(None) };
}

fn port_react(which: &'static str) {
    let f = PORT_REACT.with(|c| c.borrow().clone());
    if let Some(f) = f {
        f(which);
    }
}

pub unsafe extern "C" fn port_send(
    _ctx: *mut c_void,
    handle: *mut c_void,
    p_data: *const CPU_INT08U,
    len: CPU_INT32U,
) -> CPU_INT32S {
    port_react("port_send");
    world(|w| {
        let Some(s) = w.sock(handle) else {
            return HTTPc_PORT_ERR;
        };
        if s.closes.get() > 0 {
            s.after_close.set(s.after_close.get() + 1);
        }
        if !s.connected.get() {
            s.before_connected.set(s.before_connected.get() + 1);
        }
        let sent = s.tx.borrow().len();
        let limit = match policy_step(&s.tx_policy, &s.tx_storm, sent) {
            Ok(l) => l,
            Err(code) => {
                if code < 0 && code != HTTPc_PORT_WOULD_BLOCK {
                    s.faulted.set(Some(code));
                }
                return code;
            }
        };
        let n = (len as usize).min(limit).min(i32::MAX as usize);
        if n == 0 {
            return HTTPc_PORT_WOULD_BLOCK;
        }
        let data = unsafe { std::slice::from_raw_parts(p_data, n) };
        s.tx.borrow_mut().extend_from_slice(data);
        s.sends.borrow_mut().push(data.len());
        s.sends_from.borrow_mut().push(data.as_ptr() as usize);
        s.release();
        n as CPU_INT32S
    })
}

pub unsafe extern "C" fn port_recv(
    _ctx: *mut c_void,
    handle: *mut c_void,
    p_buf: *mut CPU_INT08U,
    len: CPU_INT32U,
) -> CPU_INT32S {
    port_react("port_recv");
    world(|w| {
        let Some(s) = w.sock(handle) else {
            return HTTPc_PORT_ERR;
        };
        if s.closes.get() > 0 {
            s.after_close.set(s.after_close.get() + 1);
        }
        if !s.connected.get() {
            s.before_connected.set(s.before_connected.get() + 1);
        }
        s.release();
        let limit = match policy_step(&s.rx_policy, &s.rx_storm, s.received.get()) {
            Ok(l) => l,
            Err(code) => {
                if code < 0 && code != HTTPc_PORT_WOULD_BLOCK {
                    s.faulted.set(Some(code));
                }
                return code;
            }
        };
        let mut rx = s.rx.borrow_mut();
        if rx.is_empty() {
            if s.eof.get() {
                s.faulted.set(Some(HTTPc_PORT_CLOSED));
                return HTTPc_PORT_CLOSED;
            }
            return HTTPc_PORT_WOULD_BLOCK;
        }
        let n = (len as usize)
            .min(limit)
            .min(rx.len())
            .min(i32::MAX as usize);
        if n == 0 {
            return HTTPc_PORT_WOULD_BLOCK;
        }
        let out = unsafe { std::slice::from_raw_parts_mut(p_buf, n) };
        let (a, b) = rx.as_slices();
        let na = a.len().min(n);
        out[..na].copy_from_slice(&a[..na]);
        out[na..].copy_from_slice(&b[..n - na]);
        rx.drain(..n);
        s.received.set(s.received.get() + n);
        s.recvs.borrow_mut().push((p_buf as usize, n));
        n as CPU_INT32S
    })
}

pub unsafe extern "C" fn port_close(_ctx: *mut c_void, handle: *mut c_void) {
    port_react("port_close");
    world(|w| {
        if let Some(s) = w.sock(handle) {
            if s.closes.get() == 0 {
                OPEN_SOCKETS.fetch_sub(1, Ordering::Relaxed);
            }
            s.closes.set(s.closes.get() + 1);
        }
    })
}

pub unsafe extern "C" fn port_random(
    _ctx: *mut c_void,
    p_buf: *mut CPU_INT08U,
    len: CPU_INT32U,
) -> CPU_BOOLEAN {
    world(|w| {
        if w.random_fails.get() {
            return DEF_FAIL;
        }
        let out = unsafe { std::slice::from_raw_parts_mut(p_buf, len as usize) };
        if out.len() == NONCE.len() {
            out.copy_from_slice(&NONCE);
        } else {
            for b in out.iter_mut() {
                *b = w.rand() as u8;
            }
        }
        DEF_OK
    })
}

pub unsafe extern "C" fn port_time(_ctx: *mut c_void) -> CPU_INT32U {
    world(|w| w.now.get())
}

pub unsafe extern "C" fn port_wait(
    _ctx: *mut c_void,
    _p_entries: *const HTTPc_PORT_WAIT_ENTRY,
    _nbr_entries: CPU_INT16U,
    timeout_ms: CPU_INT32U,
) {
    let entries = if _p_entries.is_null() {
        &[][..]
    } else {
        // SAFETY: the library hands `_nbr_entries` entries for the duration of the call.
        unsafe { std::slice::from_raw_parts(_p_entries, usize::from(_nbr_entries)) }
    };
    // The library sleeps: let fake time pass (at least 1 ms so blocking calls time out).
    world(|w| {
        let wanted = entries.iter().map(|e| (e.Handle as usize, e.Want));
        w.last_wait.replace(wanted.collect());
        w.waits.set(w.waits.get() + 1);
        w.wake_pending.set(false);
        let step = timeout_ms.clamp(1, w.wait_step_max.get().max(1));
        if !w.frozen.get() {
            w.now.set(w.now.get().wrapping_add(step));
        }
    })
}

pub unsafe extern "C" fn port_wake(_ctx: *mut c_void) {
    world(|w| {
        w.wakes.set(w.wakes.get() + 1);
        w.wake_pending.set(true);
    });
}

pub unsafe extern "C" fn port_lock(_ctx: *mut c_void) {
    world(|w| w.lock_depth.set(w.lock_depth.get() + 1));
}

pub unsafe extern "C" fn port_unlock(_ctx: *mut c_void) {
    world(|w| {
        if w.lock_depth.get() <= 0 {
            w.unlock_underflow.set(w.unlock_underflow.get() + 1);
        }
        w.lock_depth.set(w.lock_depth.get() - 1);
    });
}

pub unsafe extern "C" fn port_task_create(
    _ctx: *mut c_void,
    _entry: Option<unsafe extern "C" fn(*mut c_void)>,
    _p_arg: *mut c_void,
    _cfg: *const HTTP_TASK_CFG,
) -> CPU_BOOLEAN {
    DEF_FAIL
}

// =============================================================================================
// Application hooks
// =============================================================================================

fn counted(w: &World, hook: Hook) -> Option<Act> {
    hook_guard(w);
    LAST_HOOK.with(|l| l.set(Some(hook)));
    let n = {
        let mut counts = w.hook_counts.borrow_mut();
        let c = counts.entry(hook).or_insert(0);
        *c += 1;
        *c - 1
    };
    w.reactions
        .borrow()
        .iter()
        .find(|(h, nth, _)| *h == hook && *nth == n)
        .map(|(_, _, a)| *a)
}

/// A test's own reaction to every hook call (after the hook recorded it, no world borrow
/// held): the hook and its connection.
pub type CustomReact = std::rc::Rc<dyn Fn(Hook, *mut HTTPc_CONN_OBJ)>;

thread_local! {
    static LAST_HOOK: Cell<Option<Hook>> = const { Cell::new(None) };
    pub static CUSTOM_REACT: RefCell<Option<CustomReact>> = const { RefCell::new(None) };
}

/// From the application's `hook` (the last one a connection gets: its `OnClose`, or
/// `OnConnect` for a connect that failed), frees the connection object and `ws` (when not
/// NULL), once, as an RTOS application may as soon as that hook ran (another task, woken by
/// it, returns from the function whose stack held them): the library must not touch either
/// again (Miri tells). The test then gives the `Objs` fresh ones ([`Objs::refill_freed`]).
pub fn free_objects_in(hook: Hook, ws: *mut HTTPc_WEBSOCK_OBJ) {
    let done = std::rc::Rc::new(Cell::new(false));
    CUSTOM_REACT.with(|r| {
        *r.borrow_mut() = Some(std::rc::Rc::new(move |h, p_conn| {
            if h == hook && !done.replace(true) {
                // SAFETY (test): both were made by `Objs::new` (Box::into_raw), and the
                // library is done with them after this hook.
                unsafe {
                    drop(Box::from_raw(p_conn));
                    if !ws.is_null() {
                        drop(Box::from_raw(ws));
                    }
                }
            }
        }))
    });
}

/// Runs the test's own reaction, if any, for `hook` on `p_conn`.
pub fn custom_react(hook: Hook, p_conn: *mut HTTPc_CONN_OBJ) {
    let f = CUSTOM_REACT.with(|c| c.borrow().clone());
    if let Some(f) = f {
        f(hook, p_conn);
    }
}

/// Runs a reaction (no world borrow is held: the API may call hooks again).
unsafe fn react(act: Option<Act>, p_conn: *mut HTTPc_CONN_OBJ) {
    if let Some(hook) = LAST_HOOK.with(|l| l.take()) {
        custom_react(hook, p_conn);
    }
    let Some(act) = act else { return };
    let mut err: HTTPc_ERR = 0;
    let mut ok = DEF_OK;
    match act {
        Act::ConnClose => unsafe { HTTPc_ConnClose(p_conn, HTTPc_FLAG_NONE, &mut err) },
        Act::Echo => {
            let m = world(|w| w.echo_msg.get());
            (ok, err) = queue_msg(p_conn, m, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"echo");
        }
        Act::Ping => {
            let m = world(|w| w.echo_msg.get());
            (ok, err) = queue_msg(p_conn, m, HTTPc_WEBSOCK_MSG_TYPE_PING, b"echo");
        }
        Act::SendClose => {
            let m = world(|w| w.close_msg.get());
            (ok, err) = queue_msg(p_conn, m, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, &CLOSE_1000);
        }
        // (Sent by `on_rx_data` itself: it has the bytes.)
        Act::EchoInPlace => {}
        Act::Reopen => {
            let (buf, len, host) = world(|w| w.reopen.get());
            let host_len = unsafe { std::ffi::CStr::from_ptr(host.cast()) }.count_bytes();
            unsafe {
                HTTPc_ConnOpen(
                    p_conn,
                    buf.cast(),
                    len,
                    host.cast_mut().cast(),
                    host_len as u16,
                    HTTPc_FLAG_CONN_NO_BLOCK,
                    &mut err,
                )
            };
        }
        Act::Clear => {
            let (r, m) = world(|w| (w.clr_req.get(), w.clr_msg.get()));
            if !r.is_null() {
                unsafe { HTTPc_ReqClr(r, &mut err) };
            }
            if !m.is_null() {
                // (A refused HTTPc_ReqClr keeps its error.)
                let mut msg_err = 0;
                unsafe { HTTPc_WebSockMsgClr(m, &mut msg_err) };
                if r.is_null() || err == HTTPc_ERR_NONE {
                    err = msg_err;
                }
            }
        }
    }
    world(|w| w.reaction_errs.borrow_mut().push((act, err, ok)));
}

/// A reaction's non-blocking send of `payload` with message `m` (when set), recorded as queued.
unsafe fn queue_msg(
    p_conn: *mut HTTPc_CONN_OBJ,
    m: *mut HTTPc_WEBSOCK_MSG_OBJ,
    t: HTTPc_WEBSOCK_MSG_TYPE,
    payload: &'static [u8],
) -> (CPU_BOOLEAN, HTTPc_ERR) {
    let mut err = 0;
    if m.is_null() {
        return (DEF_OK, err);
    }
    let ok = unsafe {
        HTTPc_WebSockSend(
            p_conn,
            m,
            t,
            payload.as_ptr().cast_mut().cast(),
            payload.len() as u32,
            HTTPc_FLAG_WEBSOCK_NO_BLOCK,
            &mut err,
        )
    };
    if ok == DEF_OK {
        world(|w| {
            w.record(Ev::Queued {
                conn: p_conn as usize,
                msg: m as usize,
            })
        });
    }
    (ok, err)
}

/// A Close(1000, "bye") payload.
pub const CLOSE_1000: [u8; 5] = [0x03, 0xE8, b'b', b'y', b'e'];

pub unsafe extern "C" fn on_connect(p_conn: *mut HTTPc_CONN_OBJ, open_status: CPU_BOOLEAN) {
    let act = world(|w| {
        w.record(Ev::Connect {
            conn: p_conn as usize,
            ok: open_status == DEF_OK,
        });
        counted(w, Hook::Connect)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_conn_close(
    p_conn: *mut HTTPc_CONN_OBJ,
    close_status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
) {
    let act = world(|w| {
        w.record(Ev::ConnClose {
            conn: p_conn as usize,
            status: close_status,
            err,
        });
        counted(w, Hook::ConnClose)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_trans_complete(
    p_conn: *mut HTTPc_CONN_OBJ,
    _p_req: *mut HTTPc_REQ_OBJ,
    p_resp: *mut HTTPc_RESP_OBJ,
    status: CPU_BOOLEAN,
) {
    let code = if p_resp.is_null() {
        u32::MAX
    } else {
        unsafe { (*p_resp).StatusCode }
    };
    let act = world(|w| {
        w.record(Ev::TransComplete {
            conn: p_conn as usize,
            status: code,
            ok: status == DEF_OK,
        });
        counted(w, Hook::TransComplete)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_trans_err(
    p_conn: *mut HTTPc_CONN_OBJ,
    _p_req: *mut HTTPc_REQ_OBJ,
    err: HTTPc_ERR,
) {
    let act = world(|w| {
        w.record(Ev::TransErr {
            conn: p_conn as usize,
            err,
        });
        counted(w, Hook::TransErr)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_resp_hdr(
    p_conn: *mut HTTPc_CONN_OBJ,
    _p_req: *mut HTTPc_REQ_OBJ,
    hdr_field: HTTP_HDR_FIELD,
    p_hdr_val: *mut CPU_CHAR,
    val_len: CPU_INT16U,
) {
    let value = if p_hdr_val.is_null() {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(p_hdr_val.cast::<u8>(), usize::from(val_len)) }.to_vec()
    };
    let act = world(|w| {
        w.record(Ev::RespHdr {
            conn: p_conn as usize,
            field: hdr_field,
            value,
        });
        counted(w, Hook::RespHdr)
    });
    unsafe { react(act, p_conn) };
}

thread_local! {
    static REQ_HDR: RefCell<Option<(HTTPc_HDR, Vec<u8>)>> = const { RefCell::new(None) };
}

/// A header entry for request-header hooks to give: `Cookie: a=b` (static, never written by
/// the library).
pub fn cookie_header() -> *mut HTTPc_HDR {
    static mut ENTRY: HTTPc_HDR = HTTPc_HDR {
        HdrField: HTTP_HDR_FIELD_COOKIE,
        ValPtr: c"a=b".as_ptr().cast_mut(),
        ValLen: 3,
    };
    &raw mut ENTRY
}

pub unsafe extern "C" fn on_req_hdr(
    p_conn: *mut HTTPc_CONN_OBJ,
    _p_req: *mut HTTPc_REQ_OBJ,
    p_hdr: *mut *mut HTTPc_HDR,
) -> CPU_BOOLEAN {
    let hdr = world(|w| {
        w.record(Ev::ReqHdr {
            conn: p_conn as usize,
        });
        hook_guard(w);
        w.req_hdr.borrow().clone()
    });
    custom_react(Hook::ReqHdr, p_conn);
    if let Some((field, value)) = hdr {
        REQ_HDR.with(|slot| {
            let mut slot = slot.borrow_mut();
            let (h, v) = slot.insert((
                HTTPc_HDR {
                    HdrField: field,
                    ValPtr: null_mut(),
                    ValLen: value.len() as u16,
                },
                value,
            ));
            h.ValPtr = v.as_mut_ptr().cast();
            unsafe { *p_hdr = h };
        });
    }
    DEF_YES
}

pub unsafe extern "C" fn on_open(p_conn: *mut HTTPc_CONN_OBJ) {
    let act = world(|w| {
        w.record(Ev::Open {
            conn: p_conn as usize,
        });
        counted(w, Hook::Open)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_close(
    p_conn: *mut HTTPc_CONN_OBJ,
    close_code: HTTPc_WEBSOCK_CLOSE_CODE,
    p_reason: *mut HTTPc_WEBSOCK_CLOSE_REASON,
) {
    let (reason, reason_null) = if p_reason.is_null() {
        (vec![0xFF], false) // marks a NULL reason object: a rule break the checks report
    } else {
        let r = unsafe { *p_reason };
        if r.DataPtr.is_null() || r.Len == 0 {
            (Vec::new(), r.DataPtr.is_null())
        } else {
            let bytes = unsafe { std::slice::from_raw_parts(r.DataPtr.cast(), usize::from(r.Len)) };
            let reason = bytes.to_vec();
            unsafe { scribble(r.DataPtr.cast()) };
            (reason, false)
        }
    };
    let act = world(|w| {
        w.record(Ev::Close {
            conn: p_conn as usize,
            code: close_code,
            reason,
            reason_null,
        });
        counted(w, Hook::Close)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_err(p_conn: *mut HTTPc_CONN_OBJ, err: HTTPc_ERR) {
    let act = world(|w| {
        w.record(Ev::Err {
            conn: p_conn as usize,
            err,
        });
        counted(w, Hook::Err)
    });
    unsafe { react(act, p_conn) };
}

/// Writes the byte at `p` back unchanged: an application may write through the non-const
/// pointers these hooks get (NUL-terminate in place, say), so Miri checks that the library
/// lent them writable.
///
/// # Safety
/// `p` points to a readable and writable byte.
unsafe fn scribble(p: *mut u8) {
    unsafe { p.write_volatile(p.read()) };
}

pub unsafe extern "C" fn on_pong(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_data: *mut CPU_CHAR,
    data_len: CPU_INT16U,
) {
    let data = if p_data.is_null() || data_len == 0 {
        Vec::new()
    } else {
        let data =
            unsafe { std::slice::from_raw_parts(p_data.cast::<u8>(), usize::from(data_len)) }
                .to_vec();
        unsafe { scribble(p_data.cast()) };
        data
    };
    let act = world(|w| {
        w.record(Ev::Pong {
            conn: p_conn as usize,
            data,
        });
        counted(w, Hook::Pong)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_rx_init(
    p_conn: *mut HTTPc_CONN_OBJ,
    msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    msg_len: CPU_INT32U,
    p_data: *mut *mut c_void,
) {
    let act = world(|w| {
        w.record(Ev::RxInit {
            conn: p_conn as usize,
            msg_type,
            len: msg_len,
        });
        if let RxMode::Buffer(buf, _) = *w.rx_mode.borrow() {
            unsafe { *p_data = buf.cast() };
        }
        counted(w, Hook::RxInit)
    });
    unsafe { react(act, p_conn) };
}

pub unsafe extern "C" fn on_rx_data(
    p_conn: *mut HTTPc_CONN_OBJ,
    _msg_type: HTTPc_WEBSOCK_MSG_TYPE,
    p_data: *mut c_void,
    data_len: CPU_INT16U,
) -> CPU_INT32U {
    let (take, act) = world(|w| {
        let take = match &*w.rx_mode.borrow() {
            RxMode::Stream(plan) if !plan.is_empty() => {
                let step = w.rx_step.get();
                w.rx_step.set(step + 1);
                plan[step % plan.len()]
            }
            _ => u32::MAX,
        };
        let take = take.min(u32::from(data_len));
        let data = if take == 0 {
            Vec::new()
        } else {
            unsafe { std::slice::from_raw_parts(p_data.cast::<u8>(), take as usize) }.to_vec()
        };
        w.record(Ev::RxData {
            conn: p_conn as usize,
            data,
        });
        (take, counted(w, Hook::RxData))
    });
    if act == Some(Act::EchoInPlace) {
        let m = world(|w| w.echo_msg.get());
        let mut err = 0;
        let ok = unsafe {
            HTTPc_WebSockSend(
                p_conn,
                m,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                p_data.cast(),
                u32::from(data_len),
                HTTPc_FLAG_WEBSOCK_NO_BLOCK,
                &mut err,
            )
        };
        world(|w| {
            w.reaction_errs
                .borrow_mut()
                .push((Act::EchoInPlace, err, ok))
        });
        return take;
    }
    unsafe { react(act, p_conn) };
    take
}

pub unsafe extern "C" fn on_rx_complete(p_conn: *mut HTTPc_CONN_OBJ) {
    let act = world(|w| {
        if let RxMode::Buffer(buf, len) = *w.rx_mode.borrow() {
            let snap = unsafe { std::slice::from_raw_parts(buf, len) }.to_vec();
            w.rx_snaps.borrow_mut().push(snap);
        }
        w.record(Ev::RxComplete {
            conn: p_conn as usize,
        });
        counted(w, Hook::RxComplete)
    });
    unsafe { react(act, p_conn) };
}

fn src_index(p_msg: *mut HTTPc_WEBSOCK_MSG_OBJ) -> Option<usize> {
    let ud = unsafe { (*p_msg).UserDataPtr } as usize;
    ud.checked_sub(1)
}

pub unsafe extern "C" fn on_tx_init(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_ws_msg: *mut HTTPc_WEBSOCK_MSG_OBJ,
) -> CPU_INT32U {
    let (len, act) = world(|w| {
        w.record(Ev::TxInit {
            conn: p_conn as usize,
            msg: p_ws_msg as usize,
        });
        let len = src_index(p_ws_msg)
            .and_then(|i| {
                w.msg_srcs
                    .borrow()
                    .get(i)
                    .map(|s| s.init_len.unwrap_or(s.send_len))
            })
            .unwrap_or(0);
        (len, counted(w, Hook::TxInit))
    });
    unsafe { react(act, p_conn) };
    len
}

pub unsafe extern "C" fn on_tx_data(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_ws_msg: *mut HTTPc_WEBSOCK_MSG_OBJ,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT32U,
) -> CPU_INT32U {
    let (ret, act) = world(|w| {
        let ret = match src_index(p_ws_msg) {
            Some(i) => {
                let mut srcs = w.msg_srcs.borrow_mut();
                match srcs.get_mut(i) {
                    Some(src) => {
                        let chunk = if src.chunks.is_empty() {
                            u32::MAX - 1
                        } else {
                            let c = src.chunks[src.step % src.chunks.len()];
                            src.step += 1;
                            c
                        };
                        if chunk == STALL {
                            STALL
                        } else {
                            let left = src.data.len() - src.pos;
                            let n = left.min(buf_len as usize).min(chunk as usize);
                            if n > 0 {
                                let out = unsafe {
                                    std::slice::from_raw_parts_mut(p_buf.cast::<u8>(), n)
                                };
                                out.copy_from_slice(&src.data[src.pos..src.pos + n]);
                                src.pos += n;
                            }
                            n as u32
                        }
                    }
                    None => 0,
                }
            }
            None => 0,
        };
        w.record(Ev::TxData {
            conn: p_conn as usize,
            msg: p_ws_msg as usize,
            offered: buf_len,
            n: ret,
        });
        (ret, counted(w, Hook::TxData))
    });
    unsafe { react(act, p_conn) };
    ret
}

pub unsafe extern "C" fn on_tx_complete(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_websock_msg: *mut HTTPc_WEBSOCK_MSG_OBJ,
    status: CPU_BOOLEAN,
) {
    let act = world(|w| {
        w.record(Ev::TxComplete {
            conn: p_conn as usize,
            msg: p_websock_msg as usize,
            ok: status == DEF_OK,
        });
        counted(w, Hook::TxComplete)
    });
    unsafe { react(act, p_conn) };
}

// =============================================================================================
// Server output helpers
// =============================================================================================

/// The `Sec-WebSocket-Accept` matching the port's nonce.
pub fn accept() -> [u8; 28] {
    Key::from_random(NONCE).expected_accept()
}

/// A valid 101 response to the port's nonce, with `extra` header lines (each ending CRLF).
pub fn response_101(extra: &[u8]) -> Vec<u8> {
    let mut r = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ".to_vec();
    r.extend_from_slice(&accept());
    r.extend_from_slice(b"\r\n");
    r.extend_from_slice(extra);
    r.extend_from_slice(b"\r\n");
    r
}

/// A server (unmasked) frame.
pub fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![(u8::from(fin) << 7) | (opcode & 0x0F)];
    let n = payload.len();
    if n < 126 {
        v.push(n as u8);
    } else if n <= 0xFFFF {
        v.push(126);
        v.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        v.push(127);
        v.extend_from_slice(&(n as u64).to_be_bytes());
    }
    v.extend_from_slice(payload);
    v
}

/// A server Close frame.
pub fn close_frame(code: u16, reason: &[u8]) -> Vec<u8> {
    let mut p = code.to_be_bytes().to_vec();
    p.extend_from_slice(reason);
    frame(true, 8, &p)
}

/// Opcode helper for readability.
pub const OP_TEXT: u8 = Opcode::Text.to_u8();
pub const OP_BIN: u8 = Opcode::Binary.to_u8();
pub const OP_CONT: u8 = Opcode::Continuation.to_u8();
pub const OP_CLOSE: u8 = Opcode::Close.to_u8();
pub const OP_PING: u8 = Opcode::Ping.to_u8();
pub const OP_PONG: u8 = Opcode::Pong.to_u8();

// =============================================================================================
// Application objects
// =============================================================================================

/// One application's objects, zeroed, owned by the test. Dropping them first makes sure the
/// library let go (`HTTPc_ConnClose`); objects the library may still reach are leaked instead.
pub struct Objs {
    pub conn: *mut HTTPc_CONN_OBJ,
    pub req: *mut HTTPc_REQ_OBJ,
    pub resp: *mut HTTPc_RESP_OBJ,
    pub ws: *mut HTTPc_WEBSOCK_OBJ,
    pub msgs: Vec<*mut HTTPc_WEBSOCK_MSG_OBJ>,
    pub buf: *mut u8,
    pub buf_len: u16,
    pub rx_buf: *mut u8,
    pub rx_buf_len: usize,
    pub host: Vec<u8>,
    /// Set when the library could not be made to release the connection.
    pub leak: bool,
}

impl Objs {
    /// A zeroed object on the heap.
    pub fn zeroed_obj<T>() -> Box<T> {
        // SAFETY (test): every object type is plain data for which all-zero is a valid value.
        unsafe { Box::new(std::mem::zeroed()) }
    }

    pub fn free_obj<T>(b: Box<T>) {
        drop(b);
    }

    /// Fresh objects: `nmsgs` message objects, a `buf_len`-byte connection buffer, a receive
    /// buffer of `rx_buf_len` bytes (for buffer mode), connecting to `host` (no NUL).
    pub fn new(nmsgs: usize, buf_len: u16, rx_buf_len: usize, host: &[u8]) -> Objs {
        fn raw<T>() -> *mut T {
            Box::into_raw(Objs::zeroed_obj::<T>())
        }
        let buf = Box::into_raw(vec![0u8; usize::from(buf_len)].into_boxed_slice()).cast::<u8>();
        let rx_buf = Box::into_raw(vec![0u8; rx_buf_len.max(1)].into_boxed_slice()).cast::<u8>();
        let mut h = host.to_vec();
        h.push(0);
        Objs {
            conn: raw(),
            req: raw(),
            resp: raw(),
            ws: raw(),
            msgs: (0..nmsgs).map(|_| raw()).collect(),
            buf,
            buf_len,
            rx_buf,
            rx_buf_len: rx_buf_len.max(1),
            host: h,
            leak: false,
        }
    }

    /// The address recorded for this connection's events.
    pub fn id(&self) -> usize {
        self.conn as usize
    }

    /// `HTTPc_ConnClr` + the close (and optionally connect) callbacks.
    pub unsafe fn conn_setup(&self, with_connect_cb: bool) -> HTTPc_ERR {
        let mut err = 0;
        unsafe {
            HTTPc_ConnClr(self.conn, &mut err);
            if err != HTTPc_ERR_NONE {
                return err;
            }
            HTTPc_ConnSetParam(
                self.conn,
                HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK,
                on_conn_close as *mut c_void,
                &mut err,
            );
            if err != HTTPc_ERR_NONE {
                return err;
            }
            if with_connect_cb {
                HTTPc_ConnSetParam(
                    self.conn,
                    HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK,
                    on_connect as *mut c_void,
                    &mut err,
                );
            }
        }
        err
    }

    /// `HTTPc_ConnOpen` on this object's buffer and host.
    /// A successful (or queued) open records an `Opened` marker first: a new epoch.
    pub unsafe fn open(&self, flags: HTTPc_FLAGS, err: &mut HTTPc_ERR) -> CPU_BOOLEAN {
        let before = world(|w| w.log.borrow().len());
        let ok = unsafe {
            HTTPc_ConnOpen(
                self.conn,
                self.buf.cast(),
                self.buf_len,
                self.host.as_ptr().cast_mut().cast(),
                (self.host.len() - 1) as u16,
                flags,
                err,
            )
        };
        let started = ok == DEF_OK
            || *err == HTTPc_ERR_NONE
            || *err == HTTPc_ERR_CONN_SOCK_CONNECT
            || *err == HTTPc_ERR_CONN_SIGNAL_TIMEOUT;
        if started {
            world(|w| {
                w.log
                    .borrow_mut()
                    .insert(before, Ev::Opened { conn: self.id() })
            });
        }
        ok
    }

    /// `HTTPc_ReqClr` + the transaction hooks.
    pub unsafe fn req_setup(&self) -> HTTPc_ERR {
        let mut err = 0;
        unsafe {
            HTTPc_ReqClr(self.req, &mut err);
            if err != HTTPc_ERR_NONE {
                return err;
            }
            for (t, f) in [
                (
                    HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
                    on_trans_complete as *mut c_void,
                ),
                (
                    HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
                    on_trans_err as *mut c_void,
                ),
                (HTTPc_PARAM_TYPE_RESP_HDR_HOOK, on_resp_hdr as *mut c_void),
                (HTTPc_PARAM_TYPE_REQ_HDR_HOOK, on_req_hdr as *mut c_void),
            ] {
                // The request-header hook only when the world has a header for it: a hook that
                // gives none fails the request (HTTPc_ERR_REQ_HDR_INVALID, as legacy).
                if t == HTTPc_PARAM_TYPE_REQ_HDR_HOOK && world(|w| w.req_hdr.borrow().is_none()) {
                    continue;
                }
                // A build without the response-header hook (cargo feature hdr-rx off).
                if t == HTTPc_PARAM_TYPE_RESP_HDR_HOOK && !cfg!(feature = "hdr-rx") {
                    continue;
                }
                HTTPc_ReqSetParam(self.req, t, f, &mut err);
                if err != HTTPc_ERR_NONE {
                    return err;
                }
            }
        }
        err
    }

    /// `HTTPc_WebSockClr` + every WebSocket hook (+ a message size limit when non-zero).
    pub unsafe fn ws_setup(&self, max_msg: u32) -> HTTPc_ERR {
        let mut err = 0;
        unsafe {
            HTTPc_WebSockClr(self.ws, &mut err);
            if err != HTTPc_ERR_NONE {
                return err;
            }
            for (t, f) in [
                (HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, on_open as *mut c_void),
                (HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, on_close as *mut c_void),
                (HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, on_err as *mut c_void),
                (HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG, on_pong as *mut c_void),
                (
                    HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT,
                    on_rx_init as *mut c_void,
                ),
                (
                    HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,
                    on_rx_data as *mut c_void,
                ),
                (
                    HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE,
                    on_rx_complete as *mut c_void,
                ),
            ] {
                HTTPc_WebSockSetParam(self.ws, t, f, &mut err);
                if err != HTTPc_ERR_NONE {
                    return err;
                }
            }
            if max_msg > 0 {
                let mut v = max_msg;
                HTTPc_WebSockSetParam(
                    self.ws,
                    HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX,
                    (&mut v as *mut u32).cast(),
                    &mut err,
                );
            }
        }
        err
    }

    /// `HTTPc_WebSockMsgClr` + the three message hooks + a data source (user data).
    pub unsafe fn msg_setup(&self, i: usize, src: Option<MsgSrc>) -> HTTPc_ERR {
        let m = self.msgs[i];
        let mut err = 0;
        unsafe {
            HTTPc_WebSockMsgClr(m, &mut err);
            if err != HTTPc_ERR_NONE {
                return err;
            }
            for (t, f) in [
                (
                    HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE,
                    on_tx_complete as *mut c_void,
                ),
                (
                    HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA,
                    on_tx_data as *mut c_void,
                ),
            ] {
                HTTPc_WebSockMsgSetParam(m, t, f, &mut err);
                if err != HTTPc_ERR_NONE {
                    return err;
                }
            }
            if let Some(src) = src {
                let with_init = src.init_len.is_some();
                let ud = world(|w| w.add_src(src));
                HTTPc_WebSockMsgSetParam(m, HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, ud, &mut err);
                if err == HTTPc_ERR_NONE && with_init {
                    HTTPc_WebSockMsgSetParam(
                        m,
                        HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_INIT,
                        on_tx_init as *mut c_void,
                        &mut err,
                    );
                }
            }
        }
        err
    }

    /// `HTTPc_ReqSend` of `method` on `path`: what it returned, and its error.
    pub fn req_send(
        &self,
        method: HTTP_METHOD,
        path: &str,
        flags: HTTPc_FLAGS,
    ) -> (CPU_BOOLEAN, HTTPc_ERR) {
        let mut err = 0;
        // SAFETY: the objects are this harness's, live while `self` is; the path is borrowed
        // for the call (a non-blocking request copies it into the head before returning).
        let ok = unsafe {
            HTTPc_ReqSend(
                self.conn,
                self.req,
                self.resp,
                method,
                path.as_ptr().cast_mut().cast(),
                path.len() as u16,
                flags,
                &mut err,
            )
        };
        (ok, err)
    }

    /// `HTTPc_WebSockUpgrade` to "/chat".
    pub unsafe fn upgrade(&self, flags: HTTPc_FLAGS, err: &mut HTTPc_ERR) -> CPU_BOOLEAN {
        unsafe {
            HTTPc_WebSockUpgrade(
                self.conn,
                self.req,
                self.resp,
                self.ws,
                b"/chat".as_ptr().cast_mut().cast(),
                5,
                flags,
                err,
            )
        }
    }

    /// `HTTPc_WebSockSend`, recording `Queued` when the message reached the queue. A blocking
    /// send reached it unless it failed with an error that is only raised before queueing.
    pub unsafe fn send(
        &self,
        i: usize,
        msg_type: HTTPc_WEBSOCK_MSG_TYPE,
        data: Option<&[u8]>,
        len: u32,
        flags: HTTPc_FLAGS,
        err: &mut HTTPc_ERR,
    ) -> CPU_BOOLEAN {
        let p = data.map_or(null_mut(), |d| d.as_ptr().cast_mut().cast());
        unsafe { self.send_ptr(i, msg_type, p, len, flags, err) }
    }

    /// [`Objs::send`] with the payload as a raw pointer: for a test that writes into the lent
    /// buffer afterwards through the same pointer (a shared borrow would be invalidated).
    pub unsafe fn send_ptr(
        &self,
        i: usize,
        msg_type: HTTPc_WEBSOCK_MSG_TYPE,
        p: *mut CPU_CHAR,
        len: u32,
        flags: HTTPc_FLAGS,
        err: &mut HTTPc_ERR,
    ) -> CPU_BOOLEAN {
        let m = self.msgs[i];
        let no_block = flags & HTTPc_FLAG_WEBSOCK_NO_BLOCK != 0;
        let before = world(|w| w.log.borrow().len());
        let ok = unsafe { HTTPc_WebSockSend(self.conn, m, msg_type, p, len, flags, err) };
        let queued = if no_block {
            ok == DEF_OK
        } else {
            // Blocking: queued iff it completed during the call or timed out waiting.
            ok == DEF_OK
                || *err == HTTPc_ERR_CONN_SIGNAL_TIMEOUT
                || world(|w| {
                    w.log.borrow()[before..]
                        .iter()
                        .any(|e| matches!(e, Ev::TxComplete { msg, .. } if *msg == m as usize))
                })
        };
        if queued {
            world(|w| {
                let ev = Ev::Queued {
                    conn: self.id(),
                    msg: m as usize,
                };
                // Keep "queued" before its completion in the log.
                let mut log = w.log.borrow_mut();
                log.insert(before, ev);
            });
        }
        ok
    }

    /// Runs `HTTPc_TaskHandler` passes (advancing the clock by `step_ms` after each) until
    /// `done` holds or `max` passes ran. Returns whether `done` held.
    pub fn pump_until(&self, max: u32, step_ms: u32, mut done: impl FnMut() -> bool) -> bool {
        for _ in 0..max {
            if done() {
                return true;
            }
            unsafe { HTTPc_TaskHandler() };
            world(|w| w.now.set(w.now.get().wrapping_add(step_ms)));
        }
        done()
    }

    /// True once this connection's `OnClose` (or `OnConnect(DEF_FAIL)`) was recorded after the
    /// last (re)open.
    pub fn ended(&self) -> bool {
        let id = self.id();
        self.since_open(|log| {
            log.iter().any(|e| match e {
                Ev::ConnClose { conn, .. } => *conn == id,
                Ev::Connect { conn, ok: false } => *conn == id,
                _ => false,
            })
        })
    }

    /// Runs `f` on the events recorded since this connection's last (re)open (all of them
    /// when it never opened).
    pub fn since_open<R>(&self, f: impl FnOnce(&[Ev]) -> R) -> R {
        let id = self.id();
        world(|w| {
            let log = w.log.borrow();
            let start = log
                .iter()
                .rposition(|e| matches!(e, Ev::Opened { conn } if *conn == id))
                .unwrap_or(0);
            f(&log[start..])
        })
    }

    /// Clears the objects with every hook, opens the connection (non-blocking) and runs passes
    /// until its connect succeeded (a scripted socket for the host must be expected).
    pub unsafe fn connect_nb(&self) {
        let mut err = 0;
        unsafe {
            assert_eq!(self.conn_setup(true), HTTPc_ERR_NONE);
            assert_eq!(self.req_setup(), HTTPc_ERR_NONE);
            assert_eq!(self.ws_setup(0), HTTPc_ERR_NONE);
            assert_eq!(self.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        }
        assert_eq!(err, HTTPc_ERR_NONE);
        assert!(self.pump_until(10, 0, || has(self, |e| matches!(
            e,
            Ev::Connect { ok: true, .. }
        ))));
    }

    /// Queues message `i` as a non-blocking Close(1000, "bye"), which must be accepted.
    pub unsafe fn queue_close(&self, i: usize) {
        let mut err = 0;
        unsafe {
            assert_eq!(self.msg_setup(i, None), HTTPc_ERR_NONE);
            assert_eq!(
                self.send(
                    i,
                    HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                    Some(&CLOSE_1000),
                    5,
                    HTTPc_FLAG_WEBSOCK_NO_BLOCK,
                    &mut err
                ),
                DEF_OK
            );
        }
    }

    /// After [`free_objects_in`] freed the connection object (and the WebSocket object when
    /// `ws`): fresh, cleared ones in their place, so that dropping `self` frees what it owns.
    pub fn refill_freed(&mut self, ws: bool) {
        CUSTOM_REACT.with(|r| *r.borrow_mut() = None);
        self.conn = Box::into_raw(Objs::zeroed_obj());
        let mut err = 0;
        unsafe { HTTPc_ConnClr(self.conn, &mut err) };
        assert_eq!(err, HTTPc_ERR_NONE);
        if ws {
            self.ws = Box::into_raw(Objs::zeroed_obj());
        }
    }

    /// Makes sure the library released the connection: closes it if needed, then checks that a
    /// second close says "released". Returns false (and marks the objects leaked) otherwise.
    pub fn release(&mut self) -> bool {
        let mut err = 0;
        unsafe { HTTPc_ConnClose(self.conn, HTTPc_FLAG_NONE, &mut err) };
        unsafe { HTTPc_ConnClose(self.conn, HTTPc_FLAG_NONE, &mut err) };
        let released = err == HTTPc_ERR_CONN_IS_RELEASED;
        if !released {
            self.leak = true;
        }
        released
    }
}

impl Drop for Objs {
    fn drop(&mut self) {
        let initialised = INIT_LOG.get().is_some();
        if initialised && !self.leak && !self.release() {
            self.leak = true;
        }
        if self.leak {
            return; // the library may still reach them
        }
        unsafe {
            drop(Box::from_raw(self.conn));
            drop(Box::from_raw(self.req));
            drop(Box::from_raw(self.resp));
            drop(Box::from_raw(self.ws));
            for m in &self.msgs {
                drop(Box::from_raw(*m));
            }
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                self.buf,
                usize::from(self.buf_len),
            )));
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                self.rx_buf,
                self.rx_buf_len,
            )));
        }
    }
}

// =============================================================================================
// Checks
// =============================================================================================

/// What one connection epoch (from its last open) did, as seen by its hooks.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub connect: Option<bool>,
    pub conn_close: Option<(HTTPc_CONN_CLOSE_STATUS, HTTPc_ERR)>,
    pub trans_complete: Option<HTTP_STATUS_CODE>,
    pub trans_err: Option<HTTPc_ERR>,
    /// `OnTransComplete(DEF_FAIL)` came (legacy: with `OnErr`, for a failed non-blocking
    /// transaction or one pending when the connection closed).
    pub trans_fail_completed: bool,
    pub opened: bool,
    pub ws_close: Option<(u16, Vec<u8>)>,
    pub errs: Vec<HTTPc_ERR>,
    /// (message, ok) in completion order.
    pub completions: Vec<(usize, bool)>,
    pub queued: usize,
    pub pongs: Vec<Vec<u8>>,
    /// Complete received messages: (type, bytes) in streaming mode.
    pub messages: Vec<(HTTPc_WEBSOCK_MSG_TYPE, Vec<u8>)>,
}

/// Checks the callback rules for connection `conn` in `log` (from its last `Opened` marker, or
/// the whole log) and summarises. `finished`: the connection must have ended (so every queued
/// message must have completed).
pub fn check_conn(log: &[Ev], conn: usize, finished: bool) -> Result<Summary, String> {
    let start = log
        .iter()
        .rposition(|e| matches!(e, Ev::Opened { conn: c } if *c == conn))
        .map_or(0, |i| i + 1);
    let evs: Vec<&Ev> = log[start..].iter().filter(|e| e.conn() == conn).collect();
    let mut s = Summary::default();
    let mut ended = false;
    let mut ws_closed = false;
    let mut outstanding: BTreeMap<usize, u32> = BTreeMap::new();
    let mut cur: Option<(HTTPc_WEBSOCK_MSG_TYPE, Vec<u8>)> = None;
    for (i, e) in evs.iter().enumerate() {
        let e = *e;
        // A failed connect ends the connection, but for the requests sent during it (each fails
        // with OnErr(HTTPc_ERR_CONN_IS_RELEASED)) and, when the application closed it, the
        // OnClose(APP) its HTTPc_ConnClose promises.
        let after_failed_connect = s.connect == Some(false)
            && s.conn_close.is_none()
            && match e {
                Ev::ConnClose { status, .. } => *status == HTTPc_CONN_CLOSE_STATUS_APP,
                Ev::TransErr { err, .. } => *err == HTTPc_ERR_CONN_IS_RELEASED,
                _ => false,
            };
        if ended && !after_failed_connect {
            return Err(format!("event #{i} after the connection ended: {e:?}"));
        }
        // After the WebSocket OnClose only the messages it left fail (legacy's order), then
        // the connection closes.
        if ws_closed && !matches!(e, Ev::ConnClose { .. } | Ev::TxComplete { ok: false, .. }) {
            return Err(format!("event #{i} after the WebSocket OnClose: {e:?}"));
        }
        match e {
            Ev::Opened { .. } => {}
            Ev::Connect { ok, .. } => {
                if s.connect.is_some() {
                    return Err("OnConnect twice".into());
                }
                s.connect = Some(*ok);
                if !ok {
                    ended = true;
                }
            }
            Ev::ConnClose { status, err, .. } => {
                s.conn_close = Some((*status, *err));
                ended = true;
            }
            // A transaction ends once: OnTransComplete(DEF_OK), or OnErr with at most one
            // OnTransComplete(DEF_FAIL) beside it (legacy calls both, in either order).
            Ev::TransComplete { status, ok, .. } => {
                if s.trans_complete.is_some() || s.trans_fail_completed {
                    return Err("transaction completed twice".into());
                }
                if *ok {
                    if s.trans_err.is_some() {
                        return Err("OnTransComplete(DEF_OK) after OnErr".into());
                    }
                    s.trans_complete = Some(*status);
                } else {
                    s.trans_fail_completed = true;
                }
            }
            Ev::TransErr { err, .. } => {
                if s.trans_complete.is_some() || s.trans_err.is_some() {
                    return Err("transaction ended twice".into());
                }
                s.trans_err = Some(*err);
            }
            Ev::RespHdr { .. } | Ev::ReqHdr { .. } => {}
            Ev::Open { .. } => {
                if s.opened {
                    return Err("OnOpen twice".into());
                }
                s.opened = true;
            }
            Ev::Close { code, reason, .. } => {
                if !s.opened {
                    return Err("WebSocket OnClose without OnOpen".into());
                }
                if reason == &[0xFF] {
                    return Err("OnClose with a NULL reason".into());
                }
                s.ws_close = Some((*code, reason.clone()));
                ws_closed = true;
            }
            Ev::Err { err, .. } => {
                if !s.opened {
                    return Err(format!("WebSocket OnErr({err}) before OnOpen"));
                }
                s.errs.push(*err);
            }
            Ev::Pong { data, .. } => s.pongs.push(data.clone()),
            Ev::RxInit { msg_type, .. } => {
                if cur.is_some() {
                    return Err("OnMsgRxInit inside a message".into());
                }
                cur = Some((*msg_type, Vec::new()));
            }
            Ev::RxData { data, .. } => match cur.as_mut() {
                Some((_, acc)) => acc.extend_from_slice(data),
                None => return Err("OnMsgRxData outside a message".into()),
            },
            Ev::RxComplete { .. } => match cur.take() {
                Some((t, acc)) => {
                    if t == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME && std::str::from_utf8(&acc).is_err() {
                        // Only meaningful in streaming mode (buffer mode records no data).
                        return Err("text message delivered is not UTF-8".into());
                    }
                    s.messages.push((t, acc));
                }
                None => return Err("OnMsgRxComplete outside a message".into()),
            },
            Ev::TxInit { .. } | Ev::TxData { .. } => {}
            Ev::Queued { msg, .. } => {
                s.queued += 1;
                *outstanding.entry(*msg).or_insert(0) += 1;
                if outstanding[msg] > 1 {
                    return Err(format!("message {msg:#x} queued twice"));
                }
            }
            Ev::TxComplete { msg, ok, .. } => {
                match outstanding.get_mut(msg) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => return Err(format!("completion of {msg:#x} that was not queued")),
                }
                s.completions.push((*msg, *ok));
            }
        }
    }
    if s.trans_fail_completed && s.trans_err.is_none() {
        return Err("OnTransComplete(DEF_FAIL) without OnErr".into());
    }
    if finished {
        if !ended {
            return Err("the connection did not end".into());
        }
        if s.opened && s.conn_close.is_some() && !ws_closed {
            return Err("WebSocket opened but no WebSocket OnClose".into());
        }
        if let Some((m, _)) = outstanding.iter().find(|(_, n)| **n > 0) {
            return Err(format!("message {m:#x} never completed"));
        }
    }
    Ok(s)
}

/// Checks the port rules: Close exactly once per socket that connected or was connecting, no
/// I/O after Close or before connected, lock balanced and held in every hook.
pub fn check_port() -> Result<(), String> {
    world(|w| {
        for s in w.socks.borrow().iter() {
            if s.closes.get() != 1 {
                return Err(format!(
                    "socket {} closed {} times",
                    s.id.get(),
                    s.closes.get()
                ));
            }
            if s.after_close.get() != 0 {
                return Err(format!(
                    "socket {}: {} calls after Close",
                    s.id.get(),
                    s.after_close.get()
                ));
            }
            if s.before_connected.get() != 0 {
                return Err(format!("socket {}: I/O before connected", s.id.get()));
            }
        }
        if w.lock_depth.get() != 0 || w.unlock_underflow.get() != 0 {
            return Err(format!(
                "lock depth {} (underflows {}) after the API returned",
                w.lock_depth.get(),
                w.unlock_underflow.get()
            ));
        }
        if w.hooks_unlocked.get() != 0 {
            return Err(format!(
                "{} hooks ran without the lock",
                w.hooks_unlocked.get()
            ));
        }
        Ok(())
    })
}

/// Checks the client's byte stream as a server would: a request head, then masked frames with
/// legal control frames and fragment sequences, nothing after the Close.
pub fn check_client_stream(tx: &[u8]) -> Result<Vec<ClientFrame>, String> {
    let (head, frames, _partial) = parse_client(tx)?;
    if head.is_none() && !frames.is_empty() {
        return Err("frames without a request".into());
    }
    let mut in_msg = false;
    let mut closed = false;
    for (i, f) in frames.iter().enumerate() {
        if closed {
            return Err(format!("frame #{i} after the client's Close"));
        }
        if !f.masked {
            return Err(format!("frame #{i} is not masked"));
        }
        match f.opcode {
            0 => {
                if !in_msg {
                    return Err(format!("frame #{i}: continuation without a message"));
                }
                in_msg = !f.fin;
            }
            1 | 2 => {
                if in_msg {
                    return Err(format!("frame #{i}: new message inside a fragmented one"));
                }
                in_msg = !f.fin;
            }
            8..=10 => {
                if !f.fin || f.payload.len() > 125 {
                    return Err(format!("frame #{i}: bad control frame"));
                }
                if f.opcode == 8 {
                    closed = true;
                }
            }
            op => return Err(format!("frame #{i}: reserved opcode {op}")),
        }
    }
    Ok(frames)
}

// =============================================================================================
// Per-test helpers shared by the C-API test binaries
// =============================================================================================

/// Per-test setup: the serial lock, the library initialised once, a fresh world.
pub fn setup() -> MutexGuard<'static, ()> {
    let g = serial();
    // (Reported once: the count starts again from 0 for the tests after this one.)
    let left_open = OPEN_SOCKETS.swap(0, Ordering::Relaxed);
    assert_eq!(
        left_open, 0,
        "a test that ran before this one left a connection open: it would reach this test's \
         sockets (end every connection before a test returns)"
    );
    ensure_init();
    world(|w| w.reset());
    g
}

/// Whether an event matching `f` was recorded for `o` since its last (re)open.
pub fn has(o: &Objs, f: impl Fn(&Ev) -> bool) -> bool {
    let id = o.id();
    o.since_open(|log| log.iter().any(|e| e.conn() == id && f(e)))
}

/// Opens `o` (non-blocking) on a socket that answers the upgrade with a valid 101 plus
/// `server` (released once the request went out), and pumps until OnOpen. `max_msg`:
/// `HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX` (0: not set).
/// Ends a test's connection: `HTTPc_ConnClose` (non-blocking), pumped until its `OnClose`, the
/// objects dropped, then the port's books checked (every socket closed once, lock balanced).
pub fn close_and_check(o: Objs) {
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    assert!(
        o.pump_until(10, 0, || o.ended()),
        "the connection did not end"
    );
    drop(o);
    check_port().unwrap();
}

pub fn open_ws(o: &Objs, host: &str, server: &[u8], max_msg: u32) -> std::rc::Rc<Sock> {
    open_ws_then(o, host, server, max_msg, &[])
}

/// [`open_ws`], the server's `then` items released with its 101 (its end of stream, say).
pub fn open_ws_then(
    o: &Objs,
    host: &str,
    server: &[u8],
    max_msg: u32,
    then: &[Item],
) -> std::rc::Rc<Sock> {
    let mut bytes = response_101(b"");
    bytes.extend_from_slice(server);
    let reply: Vec<Item> = std::iter::once(Item::Bytes(bytes))
        .chain(then.iter().cloned())
        .collect();
    open_ws_answered(o, host, &reply, max_msg)
}

/// Connects and upgrades `o` (non-blocking), the server's `reply` to the upgrade's request
/// released with it, item by item: the WebSocket must open.
pub fn open_ws_answered(o: &Objs, host: &str, reply: &[Item], max_msg: u32) -> std::rc::Rc<Sock> {
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    for item in reply {
        sock.push(Gate::Request, item.clone());
    }
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(max_msg), HTTPc_ERR_NONE);
        let mut err = 0;
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert!(o.pump_until(10, 0, || has(o, |e| matches!(e, Ev::Connect { .. }))));
        assert_eq!(o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(20, 0, || has(o, |e| matches!(e, Ev::Open { .. }))));
    sock
}

/// [`check_conn`] over the whole log for `o`, panicking with the log when a rule is broken.
pub fn summary(o: &Objs, finished: bool) -> Summary {
    let log = world(|w| w.events());
    match check_conn(&log, o.id(), finished) {
        Ok(s) => s,
        Err(e) => panic!("{e}\nlog: {log:#?}"),
    }
}

/// `HTTPc_ConnSetParam` with a value of the parameter's type, which must be accepted.
pub fn set_conn_param<T>(o: &Objs, t: HTTPc_PARAM_TYPE, mut v: T) {
    let mut err = 0;
    unsafe { HTTPc_ConnSetParam(o.conn, t, (&mut v as *mut T).cast(), &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
}

/// `HTTPc_WebSockSetParam` with a `CPU_INT32U` value, which must be accepted.
pub fn set_ws_param(o: &Objs, t: HTTPc_PARAM_TYPE, v: u32) {
    let mut v = v;
    let mut err = 0;
    unsafe { HTTPc_WebSockSetParam(o.ws, t, (&mut v as *mut u32).cast(), &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
}
