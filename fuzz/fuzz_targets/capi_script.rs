//! capi_script: the C API as a whole, driven by a fuzzed script.
//!
//! The port is the scripted Rust port of `tests/support` (extern "C" callbacks, fake clock):
//! its Recv returns the bytes the script pushed (after a valid 101 response, or a fuzzed
//! handshake), in script-chosen chunk sizes, and its Send accepts script-chosen partial counts,
//! would-blocks or errors. Between them the script calls the API: `HTTPc_WebSockSend` in all
//! three modes (buffer, `OnMsgTxData` with a known length, fragmented with
//! `HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED`), blocking or not, PING/PONG, CLOSE built with
//! `HTTPc_WebSockFmtCloseMsg`, `HTTPc_ConnClose`, `HTTPc_TaskHandler` passes, clock steps;
//! hooks may re-enter the API (echo, close, ConnClose).
//!
//! Input layout: 4 header bytes (mode flags, buffer size, reactions, timers), then one op per
//! byte followed by its arguments (see `Op`).
//!
//! Invariants checked on every run (`tests/support::check_conn`, `check_port`,
//! `check_client_stream`): no crash (ASan); no hook after the connection's OnClose (or after
//! OnConnect(DEF_FAIL)); WebSocket OnClose once per OnOpen, before the connection's OnClose;
//! every queued message completed exactly once; text delivered in streaming mode is UTF-8;
//! the port's Close once per socket and no I/O after it; the lock balanced and held in hooks;
//! the client's bytes are a well-formed masked frame stream with nothing after its Close. Then
//! every object is cleared (`*Clr` must succeed: nothing left in use) and a second, clean
//! session runs on the same objects.
#![no_main]

use std::ffi::c_void;

use httpc_ws_fuzz::input::Reader;
use httpc_ws_fuzz::support::*;
use libfuzzer_sys::fuzz_target;

const HOST: &str = "fuzz.test";
/// Message objects the script's ops use.
const NMSGS: usize = 5;
/// Plus two the hooks' reactions use (echo, close): never given hooks or data sources by the
/// ops, so their sends lend exactly the bytes they announce.
const ALL_MSGS: usize = NMSGS + 2;
const RX_BUF: usize = 512;

/// A payload pool: ASCII (valid UTF-8) so text messages stay text.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

fn step(r: &mut Reader<'_>) -> Step {
    match r.u8() % 8 {
        0 => Step::WouldBlock,
        1 => Step::Closed,
        2 => Step::Err,
        _ => Step::Take(1 + usize::from(r.u8() % 64)),
    }
}

fn msg_type(r: &mut Reader<'_>) -> HTTPc_WEBSOCK_MSG_TYPE {
    if r.bool() {
        HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME
    } else {
        HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME
    }
}

fn flags(r: &mut Reader<'_>) -> HTTPc_FLAGS {
    // Mostly non-blocking; a blocking send drives the engine itself.
    if r.u8().is_multiple_of(8) {
        HTTPc_FLAG_NONE
    } else {
        HTTPc_FLAG_WEBSOCK_NO_BLOCK
    }
}

/// Payloads the script lent the library: alive until the run ends.
struct Arena(Vec<Box<[u8]>>);

impl Arena {
    fn keep(&mut self, v: Vec<u8>) -> &'static [u8] {
        let b = v.into_boxed_slice();
        // SAFETY (fuzz harness): the box stays in the arena until the run's objects are gone.
        let s: &'static [u8] = unsafe { std::slice::from_raw_parts(b.as_ptr(), b.len()) };
        self.0.push(b);
        s
    }
}

fn setup_objects(o: &Objs, max_msg: u32, timers: [u32; 3]) {
    unsafe {
        assert_eq!(
            o.conn_setup(true),
            HTTPc_ERR_NONE,
            "ConnClr/SetParam: still in use?"
        );
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE, "ReqClr: still in use?");
        assert_eq!(
            o.ws_setup(max_msg),
            HTTPc_ERR_NONE,
            "WebSockClr: still in use?"
        );
        for (t, v) in [
            HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS,
            HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS,
            HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS,
        ]
        .into_iter()
        .zip(timers)
        {
            let mut v = v;
            let mut err = 0;
            HTTPc_WebSockSetParam(o.ws, t, (&mut v as *mut u32).cast::<c_void>(), &mut err);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        for i in 0..ALL_MSGS {
            assert_eq!(
                o.msg_setup(i, None),
                HTTPc_ERR_NONE,
                "MsgClr {i}: still in use?"
            );
        }
    }
}

/// Clears message `i` of any data source and `OnMsgTxInit` (a hook length larger than a lent
/// buffer would be the application's bug). A message still in use stays as it is.
fn plain(o: &Objs, i: usize) {
    let _ = unsafe { o.msg_setup(i, None) };
}

/// Re-registers message `i` with a data source (only when it is free).
fn with_src(o: &Objs, i: usize, src: MsgSrc) -> bool {
    unsafe { o.msg_setup(i, Some(src)) == HTTPc_ERR_NONE }
}

fn run_script(data: &[u8]) {
    let mut r = Reader::new(data);
    let mode = r.u8();
    let buf_len = 256 + u16::from(r.u8()) * 4;
    let react = r.u8();
    let timer_sel = r.u8();
    let buffer_mode = mode & 1 != 0;
    let fuzzed_handshake = mode & 2 != 0;
    let connect_later = mode & 4 != 0;
    let max_msg = if buffer_mode {
        RX_BUF as u32
    } else if mode & 8 != 0 {
        200
    } else {
        0
    };
    let timers = if timer_sel & 1 != 0 {
        [
            u32::from(timer_sel >> 1 & 7) * 40,
            u32::from(timer_sel >> 4 & 3) * 30,
            u32::from(timer_sel >> 6) * 100,
        ]
    } else {
        [0, 0, 5000]
    };

    let o = Objs::new(ALL_MSGS, buf_len, RX_BUF, HOST.as_bytes());
    let mut arena = Arena(Vec::new());
    world(|w| {
        if buffer_mode {
            *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, 8);
        } else {
            *w.rx_mode.borrow_mut() = RxMode::Stream(vec![u32::MAX, 1, 0, 7]);
        }
        w.echo_msg.set(o.msgs[NMSGS]);
        w.close_msg.set(o.msgs[NMSGS + 1]);
        if react != 0 {
            let hook = [
                Hook::Open,
                Hook::RxInit,
                Hook::RxData,
                Hook::RxComplete,
                Hook::TxComplete,
                Hook::TxData,
                Hook::Pong,
                Hook::Err,
                Hook::Close,
                Hook::TransComplete,
                Hook::RespHdr,
                Hook::Connect,
            ][usize::from(react & 15) % 12];
            let act = [Act::ConnClose, Act::Echo, Act::SendClose][usize::from(react >> 4 & 3) % 3];
            w.reactions
                .borrow_mut()
                .push((hook, u32::from(react >> 6), act));
        }
    });
    let sock = world(|w| {
        w.expect_connect(
            HOST,
            if connect_later {
                ConnectMode::Later(2)
            } else {
                ConnectMode::Ok
            },
        )
    });
    if !fuzzed_handshake {
        sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    }
    setup_objects(&o, max_msg, timers);
    let mut err = 0;
    unsafe {
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let mut upgraded = false;
    let mut ops = 0;
    while !r.is_empty() && ops < 256 {
        ops += 1;
        // The upgrade goes out as soon as the connection is up.
        if !upgraded
            && world(|w| {
                w.log
                    .borrow()
                    .iter()
                    .any(|e| matches!(e, Ev::Connect { ok: true, .. }))
            })
        {
            upgraded = true;
            unsafe { o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err) };
        }
        match r.u8() % 18 {
            0 | 1 => unsafe {
                HTTPc_TaskHandler();
            },
            2 => {
                let n = usize::from(r.u8());
                let bytes = r.bytes(n);
                sock.push_now(bytes);
            }
            3 | 4 => {
                let b = r.u8();
                let fin = b & 0x80 != 0;
                let opcode = [0u8, 1, 2, 8, 9, 10, 3, 0xB][usize::from(b & 7)];
                let len = match b >> 3 & 7 {
                    0..=4 => usize::from(r.u8() % 64),
                    5 => 125 + usize::from(r.u8() % 4),
                    6 => 300,
                    _ => 70_000,
                };
                let payload = if opcode == 8 && len >= 2 {
                    let mut p = [1000u16, 1001, 1002, 1005, 1011, 3000, 999, 4999]
                        [usize::from(r.u8() % 8)]
                    .to_be_bytes()
                    .to_vec();
                    p.extend(pattern(len.min(125) - 2));
                    p
                } else if len > 1000 {
                    pattern(len)
                } else {
                    let mut p = r.bytes(len).to_vec();
                    if b & 0x40 == 0 {
                        // Mostly valid text.
                        p = pattern(len);
                    }
                    p
                };
                sock.push_now(&frame(fin, opcode, &payload));
            }
            5 => {
                let s = step(&mut r);
                sock.rx_policy.borrow_mut().steps.push_back(s);
            }
            6 => {
                let s = step(&mut r);
                sock.tx_policy.borrow_mut().steps.push_back(s);
            }
            7 => {
                let (a, b) = (r.u8(), r.u8());
                sock.rx_policy.borrow_mut().max_chunk = usize::from(a % 17);
                sock.tx_policy.borrow_mut().max_chunk = usize::from(b % 17);
            }
            8 => {
                let ms = u32::from(r.u16());
                world(|w| w.now.set(w.now.get().wrapping_add(ms)));
                unsafe { HTTPc_TaskHandler() };
            }
            9 => {
                // Buffer mode.
                let i = r.below(NMSGS);
                let t = msg_type(&mut r);
                let len = usize::from(r.u16() % 700);
                let f = flags(&mut r);
                let payload = arena.keep(pattern(len));
                plain(&o, i);
                unsafe { o.send(i, t, Some(payload), len as u32, f, &mut err) };
            }
            10 => {
                // OnMsgTxData with a known length; OnMsgTxInit may change it.
                let i = r.below(NMSGS);
                let t = msg_type(&mut r);
                let len = u32::from(r.u16() % 700);
                let chunks = vec![u32::from(r.u8()), u32::from(r.u8() % 4), 500];
                let init_len = r.u8().is_multiple_of(4).then(|| u32::from(r.u8()));
                let f = flags(&mut r);
                let src = MsgSrc {
                    data: pattern(len as usize + 300),
                    chunks,
                    init_len,
                    send_len: len,
                    ..MsgSrc::default()
                };
                if with_src(&o, i, src) {
                    unsafe { o.send(i, t, None, len, f, &mut err) };
                }
            }
            11 => {
                // Fragmented: one frame per OnMsgTxData call, STALL = "nothing yet".
                let i = r.below(NMSGS);
                let t = msg_type(&mut r);
                let n = usize::from(r.u8() % 6);
                let chunks: Vec<u32> = (0..n)
                    .map(|_| match r.u8() % 5 {
                        0 => STALL,
                        _ => u32::from(r.u8()),
                    })
                    .chain([0])
                    .collect();
                let f = flags(&mut r);
                let src = MsgSrc {
                    data: pattern(1200),
                    chunks,
                    ..MsgSrc::default()
                };
                if with_src(&o, i, src) {
                    unsafe { o.send(i, t, None, STALL, f, &mut err) };
                }
            }
            12 => {
                let i = r.below(NMSGS);
                let t = if r.bool() {
                    HTTPc_WEBSOCK_MSG_TYPE_PING
                } else {
                    HTTPc_WEBSOCK_MSG_TYPE_PONG
                };
                let len = usize::from(r.u8() % 130);
                let f = flags(&mut r);
                let payload = arena.keep(pattern(len));
                plain(&o, i);
                unsafe { o.send(i, t, Some(payload), len as u32, f, &mut err) };
            }
            13 => {
                // CLOSE built by HTTPc_WebSockFmtCloseMsg.
                let i = r.below(NMSGS);
                let code =
                    [1000u16, 1001, 1003, 1008, 3000, 4999, 1005, 0][usize::from(r.u8() % 8)];
                let reason_len = usize::from(r.u8() % 130);
                let mut reason = pattern(reason_len);
                reason.push(0);
                let reason = arena.keep(reason);
                let out = arena.keep(vec![0u8; 125]);
                let n = unsafe {
                    HTTPc_WebSockFmtCloseMsg(
                        code,
                        reason.as_ptr().cast_mut().cast(),
                        out.as_ptr().cast_mut().cast(),
                        125,
                        &mut err,
                    )
                };
                let f = flags(&mut r);
                plain(&o, i);
                unsafe {
                    o.send(
                        i,
                        HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                        Some(&out[..usize::from(n)]),
                        u32::from(n),
                        f,
                        &mut err,
                    )
                };
            }
            14 => unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) },
            15 => sock.push(Gate::Now, Item::Eof),
            16 => {
                let (a, b) = (r.u8(), r.u8());
                for (p, v) in [(&sock.rx_policy, a), (&sock.tx_policy, b)] {
                    let mut p = p.borrow_mut();
                    p.storm_per_mille = u32::from(v) * 3;
                    p.storm_max = 5;
                    p.seed = u64::from(v) | 1;
                }
            }
            _ => {
                // Odd arguments: unknown types, NULL data with a length and no data source.
                let i = r.below(NMSGS);
                let t = r.u32() % 12;
                let len = u32::from(r.u8());
                let data = if r.bool() { Some(&b"xy"[..]) } else { None };
                let len = if data.is_some() { len.min(2) } else { len };
                // (An OnMsgTxInit left from an earlier op would announce more than "xy".)
                plain(&o, i);
                unsafe { o.send(i, t, data, len, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err) };
                world(|w| w.random_fails.set(r.u8() == 0xEE));
            }
        }
    }
    world(|w| w.random_fails.set(false));
    // Let the engine settle, then close whatever is left.
    let _ = o.pump_until(40, 10, || o.ended());
    let mut o = o;
    assert!(o.release(), "the library did not release the connection");

    let log = world(|w| w.events());
    if std::env::var_os("CAPI_SCRIPT_DEBUG").is_some() {
        // Replaying one input: show what happened.
        for e in &log {
            eprintln!("  {e:?}");
        }
        eprintln!(
            "  client frames: {:?}",
            parse_client(&sock.tx.borrow()).map(|(_, f, p)| {
                (
                    f.iter()
                        .map(|f| (f.opcode, f.fin, f.payload.len()))
                        .collect::<Vec<_>>(),
                    p,
                )
            })
        );
    }
    if let Err(e) = check_conn(&log, o.id(), true) {
        panic!("callback rules: {e}\n{log:#?}");
    }
    if let Err(e) = check_port() {
        panic!("port rules: {e}");
    }
    if let Err(e) = check_client_stream(&sock.tx.borrow()) {
        panic!("client stream: {e}");
    }
    drop(sock);

    // Second session on the same objects: everything must be free again.
    second_session(&o);
    drop(o);
    drop(arena);
}

fn second_session(o: &Objs) {
    world(|w| w.reset());
    let sock = world(|w| w.expect_connect(HOST, ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes([response_101(b""), frame(true, OP_TEXT, b"again")].concat()),
    );
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    setup_objects(o, 0, [0, 0, 5000]);
    let mut err = 0;
    unsafe {
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_TaskHandler();
        o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let open = || world(|w| w.log.borrow().iter().any(|e| matches!(e, Ev::Open { .. })));
    assert!(o.pump_until(20, 0, open), "second session did not open");
    for i in 0..ALL_MSGS {
        let t = if i == ALL_MSGS - 1 {
            HTTPc_WEBSOCK_MSG_TYPE_CLOSE
        } else {
            HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME
        };
        let data: &[u8] = if i == ALL_MSGS - 1 {
            &CLOSE_1000
        } else {
            b"re-sent"
        };
        let ok = unsafe {
            o.send(
                i,
                t,
                Some(data),
                data.len() as u32,
                HTTPc_FLAG_WEBSOCK_NO_BLOCK,
                &mut err,
            )
        };
        assert_eq!(
            (ok, err),
            (DEF_OK, HTTPc_ERR_NONE),
            "re-send of message {i}"
        );
        unsafe { HTTPc_TaskHandler() };
    }
    assert!(
        o.pump_until(50, 0, || o.ended()),
        "second session did not end"
    );
    let log = world(|w| w.events());
    let s = check_conn(&log, o.id(), true).unwrap_or_else(|e| panic!("second session: {e}"));
    assert!(s.opened && s.errs.is_empty(), "second session: {s:?}");
    assert_eq!(s.completions.len(), ALL_MSGS);
    assert!(
        s.completions.iter().all(|(_, ok)| *ok),
        "second session: {s:?}"
    );
    assert_eq!(s.ws_close, Some((1000, Vec::new())));
    check_port().unwrap_or_else(|e| panic!("second session: {e}"));
}

fuzz_target!(|data: &[u8]| {
    let _g = serial();
    ensure_init();
    for (what, got, want) in INIT_LOG.get().expect("initialised") {
        assert_eq!(got, want, "init: {what}");
    }
    world(|w| w.reset());
    run_script(data);
});
