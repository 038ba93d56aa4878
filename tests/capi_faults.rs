//! Fault injection through the C API: a deterministic, seeded port (`tests/support`) that moves
//! one byte per call, returns would-block in seeded storms, and drops the connection (CLOSED or
//! ERR) at every byte offset of a scripted session - the handshake response, frames both ways,
//! the closing handshake - on the receive side and on the send side. For every offset the run
//! must end with the right `HTTPc_ERR_*`, the right close and error callbacks, every queued
//! message completed exactly once, the socket closed exactly once, and nothing left in use
//! (the next run re-sends every message object on the same objects).

mod support;

use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_WEBSOCK_NO_BLOCK;

/// How the port moves bytes in one run.
#[derive(Debug, Clone, Copy)]
struct Io {
    chunk: usize,
    storm_per_mille: u32,
    seed: u64,
}

const BYTEWISE: Io = Io {
    chunk: 1,
    storm_per_mille: 0,
    seed: 1,
};

/// Which side fails, where and how.
#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    Rx(usize, CPU_INT32S),
    Tx(usize, CPU_INT32S),
}

/// What a run did.
struct Run {
    summary: Summary,
    rx_total: usize,
    tx: Vec<u8>,
    queued_after_open: bool,
    /// The application's `HTTPc_WebSockSend(CLOSE)` was accepted.
    close_sent: bool,
}

/// The server side of the scripted session.
fn script(sock: &Sock) {
    sock.push(
        Gate::Request,
        Item::Bytes(
            [
                response_101(b""),
                frame(true, OP_PING, b"p1"),
                frame(true, OP_TEXT, b"hi"),
            ]
            .concat(),
        ),
    );
    let big: Vec<u8> = (0..130u8).collect();
    sock.push(Gate::Frames(2), Item::Bytes(frame(true, OP_BIN, &big)));
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"bye")));
    sock.push(Gate::ClientClose, Item::Eof);
}

const FRAGS: &[u8] = b"fragmented-msg!!";

/// One scripted session on `o` with `io` and `fault`. Once the server's first message arrived
/// (after its ping) the client sends four messages (text from a buffer, binary through the
/// hook with a known length, a fragmented text, a ping) and a Close when the fourth completes.
fn run(o: &Objs, io: Io, fault: Fault) -> Run {
    world(|w| w.reset());
    let sock = world(|w| w.expect_connect("faults.test", ConnectMode::Ok));
    script(&sock);
    for (policy, which) in [(&sock.rx_policy, 0), (&sock.tx_policy, 1)] {
        let mut p = policy.borrow_mut();
        p.max_chunk = io.chunk;
        p.storm_per_mille = io.storm_per_mille;
        p.storm_max = 6;
        p.seed = io.seed.wrapping_mul(2).wrapping_add(which) | 1;
        p.fault_at = match (fault, which) {
            (Fault::Rx(at, code), 0) | (Fault::Tx(at, code), 1) => Some((at, code)),
            _ => None,
        };
    }
    world(|w| {
        w.close_msg.set(o.msgs[4]);
        w.reactions
            .borrow_mut()
            .push((Hook::TxComplete, 3, Act::SendClose));
    });
    let mut err = 0;
    let mut queued_after_open = false;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE, "objects still in use");
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE, "request still in use");
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE, "WebSocket still in use");
        let bin: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(7)).collect();
        assert_eq!(
            o.msg_setup(0, None),
            HTTPc_ERR_NONE,
            "message 0 still in use"
        );
        assert_eq!(
            o.msg_setup(
                1,
                Some(MsgSrc {
                    data: bin,
                    chunks: vec![33, 0, 70],
                    send_len: 100,
                    ..MsgSrc::default()
                })
            ),
            HTTPc_ERR_NONE
        );
        assert_eq!(
            o.msg_setup(
                2,
                Some(MsgSrc {
                    data: FRAGS.to_vec(),
                    chunks: vec![7, STALL, 9, 1],
                    ..MsgSrc::default()
                })
            ),
            HTTPc_ERR_NONE
        );
        assert_eq!(o.msg_setup(3, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(4, None), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_TaskHandler();
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
        let first_msg = |o: &Objs| {
            world(|w| {
                w.log
                    .borrow()
                    .iter()
                    .any(|e| matches!(e, Ev::RxComplete { conn } if *conn == o.id()))
            })
        };
        let _ = o.pump_until(20_000, 0, || first_msg(o) || o.ended());
        if first_msg(o) && !o.ended() {
            queued_after_open = true;
            for (i, t, data, len) in [
                (0, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, Some(&b"hello"[..]), 5),
                (1, HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, None, 100),
                (2, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, None, STALL),
                (3, HTTPc_WEBSOCK_MSG_TYPE_PING, Some(&b"cp"[..]), 2),
            ] {
                assert_eq!(
                    o.send(i, t, data, len, NB, &mut err),
                    DEF_OK,
                    "send {i}: {err}"
                );
            }
        }
    }
    assert!(
        o.pump_until(50_000, 0, || o.ended()),
        "{fault:?} {io:?}: did not end"
    );
    let log = world(|w| w.events());
    let summary = match check_conn(&log, o.id(), true) {
        Ok(s) => s,
        Err(e) => panic!("{fault:?} {io:?}: {e}\n{log:#?}"),
    };
    if let Err(e) = check_port() {
        panic!("{fault:?} {io:?}: {e}");
    }
    let tx = sock.tx.borrow().clone();
    if let Err(e) = check_client_stream(&tx) {
        panic!("{fault:?} {io:?}: client stream: {e}");
    }
    let close_sent = world(|w| {
        w.reaction_errs
            .borrow()
            .iter()
            .any(|&(act, err, _)| act == Act::SendClose && err == HTTPc_ERR_NONE)
    });
    Run {
        summary,
        rx_total: sock.received.get(),
        tx,
        queued_after_open,
        close_sent,
    }
}

/// The error the library must report for a port failure code on one side.
fn side_err(code: CPU_INT32S, rx: bool) -> HTTPc_ERR {
    match (code, rx) {
        (c, _) if c == HTTPc_PORT_CLOSED => HTTPc_ERR_CONN_SOCK_CLOSED,
        (_, true) => HTTPc_ERR_CONN_SOCK_RX_FATAL,
        (_, false) => HTTPc_ERR_CONN_SOCK_TX_FATAL,
    }
}

fn assert_clean(r: &Run, what: &str) {
    let s = &r.summary;
    assert!(s.opened, "{what}: not opened");
    assert!(s.errs.is_empty(), "{what}: errors {:?}", s.errs);
    assert_eq!(s.ws_close, Some((1000, b"bye".to_vec())), "{what}");
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE)),
        "{what}"
    );
    assert_eq!(s.completions.len(), 5, "{what}");
    assert!(
        s.completions.iter().all(|(_, ok)| *ok),
        "{what}: {:?}",
        s.completions
    );
    assert_eq!(
        s.messages,
        vec![
            (HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"hi".to_vec()),
            (HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, (0..130u8).collect()),
        ],
        "{what}"
    );
    // The server's ping was answered before anything else went out.
    let (_, frames, _) = parse_client(&r.tx).unwrap();
    assert_eq!(
        frames.first().map(|f| (f.opcode, f.payload.clone())),
        Some((OP_PONG, b"p1".to_vec())),
        "{what}"
    );
}

/// A dropped handshake: the transaction fails with `err` (OnErr, then OnTransComplete
/// (DEF_FAIL)), the connection closes with it (status SERVER when the server closed, as
/// legacy), and the WebSocket never opened.
fn assert_handshake_failed(r: &Run, err: HTTPc_ERR, what: &str) {
    let s = &r.summary;
    assert!(!s.opened, "{what}: opened");
    assert_eq!(s.trans_err, Some(err), "{what}");
    assert!(
        s.trans_fail_completed,
        "{what}: no OnTransComplete(DEF_FAIL)"
    );
    let status = if err == HTTPc_ERR_CONN_SOCK_CLOSED {
        HTTPc_CONN_CLOSE_STATUS_SERVER
    } else {
        HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL
    };
    assert_eq!(s.conn_close, Some((status, err)), "{what}");
    assert!(
        s.ws_close.is_none() && s.completions.is_empty() && s.queued == 0,
        "{what}"
    );
}

/// A connection dropped while open: one OnErr, WebSocket OnClose 1006, connection OnClose as
/// legacy reports it (SERVER with no error when the peer closed, NONE with the error for a
/// fatal socket error), every queued message completed once. Once the application had sent its
/// Close, the peer closing TCP ends the closing handshake: no OnErr then (legacy gave none).
fn assert_dropped(r: &Run, err: HTTPc_ERR, what: &str) {
    let s = &r.summary;
    assert!(s.opened, "{what}: not opened");
    let closing = r.close_sent && err == HTTPc_ERR_CONN_SOCK_CLOSED;
    let errs = if closing { vec![] } else { vec![err] };
    assert_eq!(s.errs, errs, "{what}");
    assert_eq!(s.ws_close, Some((1006, Vec::new())), "{what}");
    let close = if err == HTTPc_ERR_CONN_SOCK_CLOSED {
        (HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE)
    } else {
        (HTTPc_CONN_CLOSE_STATUS_NONE, err)
    };
    assert_eq!(s.conn_close, Some(close), "{what}");
    if r.queued_after_open {
        assert!(s.completions.len() >= 4, "{what}: {:?}", s.completions);
    }
}

/// The lengths the sweeps walk over, from a clean run.
struct Shape {
    head: usize,
    rx_total: usize,
    request: usize,
    tx_total: usize,
}

fn shape(o: &Objs) -> Shape {
    let r = run(o, ios()[0], Fault::None);
    assert_clean(&r, "clean run");
    let (head, frames, partial) = parse_client(&r.tx).unwrap();
    assert_eq!(partial, 0);
    let ops: Vec<u8> = frames.iter().map(|f| f.opcode).collect();
    assert_eq!(
        ops.iter().filter(|&&op| op == OP_PONG).count(),
        1,
        "{ops:?}"
    );
    assert_eq!(ops.last(), Some(&OP_CLOSE));
    let data: Vec<u8> = frames
        .iter()
        .filter(|f| f.opcode == OP_TEXT || f.opcode == OP_CONT)
        .flat_map(|f| f.payload.clone())
        .collect();
    assert_eq!(data, [&b"hello"[..], FRAGS].concat());
    Shape {
        head: response_101(b"").len(),
        rx_total: r.rx_total,
        request: head.unwrap().len(),
        tx_total: r.tx.len(),
    }
}

/// Offsets to try: all of them natively, a few under Miri.
fn offsets(total: usize, marks: &[usize]) -> Vec<usize> {
    if cfg!(miri) {
        let mut v: Vec<usize> = marks
            .iter()
            .flat_map(|&m| [m.saturating_sub(1), m])
            .collect();
        v.push(0);
        v.sort_unstable();
        v.dedup();
        v
    } else {
        (0..=total).collect()
    }
}

fn ios() -> Vec<Io> {
    if cfg!(miri) {
        // Whole chunks (the fault offset still cuts them exactly): far fewer engine passes.
        return vec![Io {
            chunk: 0,
            storm_per_mille: 0,
            seed: 1,
        }];
    }
    vec![
        BYTEWISE,
        Io {
            chunk: 1,
            storm_per_mille: 300,
            seed: 7,
        },
        Io {
            chunk: 0,
            storm_per_mille: 500,
            seed: 11,
        },
    ]
}

#[test]
fn receive_side_drops_at_every_offset() {
    let _g = serial();
    ensure_init();
    let o = Objs::new(5, 256, 0, b"faults.test");
    let sh = shape(&o);
    for io in ios() {
        for code in [HTTPc_PORT_CLOSED, HTTPc_PORT_ERR] {
            let err = side_err(code, true);
            for k in offsets(sh.rx_total, &[sh.head, sh.rx_total]) {
                let io = Io {
                    seed: io.seed.wrapping_add(k as u64),
                    ..io
                };
                let what = format!("rx drop at {k}/{} ({code}, {io:?})", sh.rx_total);
                let r = run(&o, io, Fault::Rx(k, code));
                if k < sh.head {
                    assert_handshake_failed(&r, err, &what);
                } else if k < sh.rx_total {
                    assert_dropped(&r, err, &what);
                } else {
                    assert_clean(&r, &what);
                }
            }
        }
    }
    // A fresh session on the same objects still works.
    assert_clean(&run(&o, ios()[0], Fault::None), "after the sweep");
}

#[test]
fn send_side_drops_at_every_offset() {
    let _g = serial();
    ensure_init();
    let o = Objs::new(5, 256, 0, b"faults.test");
    let sh = shape(&o);
    for io in ios() {
        for code in [HTTPc_PORT_CLOSED, HTTPc_PORT_ERR] {
            let err = side_err(code, false);
            for k in offsets(sh.tx_total, &[sh.request, sh.tx_total]) {
                let io = Io {
                    seed: io.seed.wrapping_add(k as u64),
                    ..io
                };
                let what = format!("tx drop at {k}/{} ({code}, {io:?})", sh.tx_total);
                let r = run(&o, io, Fault::Tx(k, code));
                if k < sh.request {
                    assert_handshake_failed(&r, err, &what);
                } else if k < sh.tx_total {
                    assert_dropped(&r, err, &what);
                } else {
                    assert_clean(&r, &what);
                }
            }
        }
    }
    assert_clean(&run(&o, ios()[0], Fault::None), "after the sweep");
}

/// Every byte of the response head replaced by NUL (never valid in a head) fails the upgrade
/// with an `HTTPc_ERR_RESP_*` error; a changed `Sec-WebSocket-Accept` character fails it with
/// `HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID`. Blocking upgrade: the error comes back from the call.
#[test]
fn corrupted_handshake_response() {
    let _g = serial();
    ensure_init();
    let o = Objs::new(0, 256, 0, b"resp.test");
    let head = response_101(b"");
    let accept_at = head.windows(4).position(|w| w == b"pt: ").unwrap() + 4;
    let mut cases: Vec<(Vec<u8>, Option<HTTPc_ERR>)> = Vec::new();
    let step = if cfg!(miri) { 37 } else { 1 };
    for i in (0..head.len()).step_by(step) {
        let mut bad = head.clone();
        bad[i] = 0;
        // Without its last LF the head never ends: the blocking upgrade times out.
        let want = (i == head.len() - 1).then_some(HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
        cases.push((bad, want));
    }
    for i in (accept_at..accept_at + 28).step_by(if cfg!(miri) { 9 } else { 1 }) {
        let mut bad = head.clone();
        bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
        cases.push((bad, Some(HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID)));
    }
    for (resp, want) in cases {
        world(|w| w.reset());
        let sock = world(|w| w.expect_connect("resp.test", ConnectMode::Ok));
        sock.push(Gate::Request, Item::Bytes(resp.clone()));
        {
            let mut p = sock.rx_policy.borrow_mut();
            p.max_chunk = 3;
            p.storm_per_mille = 200;
            p.storm_max = 4;
        }
        let mut err = 0;
        let ok = unsafe {
            assert_eq!(o.conn_setup(false), HTTPc_ERR_NONE);
            assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
            assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
            assert_eq!(o.open(0, &mut err), DEF_OK);
            o.upgrade(0, &mut err)
        };
        let what = format!("{:?}", String::from_utf8_lossy(&resp));
        assert_eq!(ok, DEF_FAIL, "{what}");
        match want {
            Some(e) => assert_eq!(err, e, "{what}"),
            None => assert!(
                (HTTPc_ERR_RESP_FORMAT_INVALID..=HTTPc_ERR_RESP_WEBSOCK_PROTOCOL_INVALID)
                    .contains(&err),
                "{what}: {err}"
            ),
        }
        let log = world(|w| w.events());
        let s = check_conn(&log, o.id(), true).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(!s.opened);
        assert_eq!(
            s.conn_close,
            Some((HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL, err)),
            "{what}"
        );
        check_port().unwrap_or_else(|e| panic!("{what}: {e}"));
    }
}

/// Connect failures: OnConnect(DEF_FAIL) and never OnClose; the port's Close exactly for the
/// sockets that were handed out (an in-progress connect that fails or times out).
#[test]
fn connect_failures() {
    let _g = serial();
    ensure_init();
    let o = Objs::new(0, 256, 0, b"conn.test");
    let cases = [
        (ConnectMode::Fail, 0),
        (ConnectMode::LaterFail(1), 1),
        (ConnectMode::LaterFail(4), 1),
        (ConnectMode::Never, 1),
    ];
    for (mode, closes) in cases {
        world(|w| w.reset());
        world(|w| w.expect_connect("conn.test", mode));
        let mut err = 0;
        unsafe {
            assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
            assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        assert!(o.pump_until(100, 50, || o.ended()), "{mode:?}");
        let log = world(|w| w.events());
        let s = check_conn(&log, o.id(), true).unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert_eq!(s.connect, Some(false), "{mode:?}");
        assert!(s.conn_close.is_none(), "{mode:?}");
        let n: u32 = world(|w| w.socks.borrow().iter().map(|s| s.closes.get()).sum());
        assert_eq!(n, closes, "{mode:?}");
        check_port().unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        // Blocking: the same failure comes back from the call.
        world(|w| w.expect_connect("conn.test", mode));
        unsafe {
            assert_eq!(o.conn_setup(false), HTTPc_ERR_NONE);
            assert_eq!(o.open(0, &mut err), DEF_FAIL, "{mode:?}");
        }
        assert_eq!(err, HTTPc_ERR_CONN_SOCK_CONNECT, "{mode:?}");
        check_port().unwrap_or_else(|e| panic!("{mode:?}: {e}"));
    }
}

/// A port whose Send returns 0 (outside the contract, which says ≥ 1 or a negative code, but
/// what a port wrapping a BSD-style `send` on a full buffer may do) must not make one engine
/// pass call it without bound: Recv already treats 0 as would-block. Here Send returns 0 for
/// its next 5000 calls; one `HTTPc_TaskHandler` pass should try at most a few times.
#[test]
fn send_returning_zero_does_not_spin() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"zero.test");
    let sock = world(|w| w.expect_connect("zero.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        HTTPc_TaskHandler();
        o.upgrade(NB, &mut err);
    }
    assert!(o.pump_until(10, 0, || world(|w| w
        .log
        .borrow()
        .iter()
        .any(|e| matches!(e, Ev::Open { .. })))));
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"hello"),
                5,
                NB,
                &mut err
            ),
            DEF_OK
        );
    }
    let zeros = 5000;
    sock.tx_policy
        .borrow_mut()
        .steps
        .extend(std::iter::repeat_n(Step::Zero, zeros));
    unsafe { HTTPc_TaskHandler() };
    let calls = zeros - sock.tx_policy.borrow().steps.len();
    // Also the same for Recv, which is already defensive (control).
    sock.rx_policy
        .borrow_mut()
        .steps
        .extend(std::iter::repeat_n(Step::Zero, zeros));
    unsafe { HTTPc_TaskHandler() };
    let rx_calls = zeros - sock.rx_policy.borrow().steps.len();
    sock.tx_policy.borrow_mut().steps.clear();
    sock.rx_policy.borrow_mut().steps.clear();
    assert!(
        rx_calls <= 64,
        "Recv returning 0 was called {rx_calls} times in one pass"
    );
    assert!(
        calls <= 64,
        "Send returning 0 was called {calls} times in one pass"
    );
}
