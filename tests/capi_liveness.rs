//! Liveness through the C API with the scripted port (`tests/support`): a server that stops
//! reading, answers slowly or never. Every wait ends at its deadline with the right error and
//! close code, every queued message completes exactly once (`check_conn`), and while nothing
//! can progress `HTTPc_TaskHandler()` never asks to be called again at once (the busy spin of
//! an owed control frame behind a full socket).

mod support;

use std::ptr::null_mut;

use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_WEBSOCK_NO_BLOCK;

/// Payload of the data messages: larger than the 64-byte send region, so part of it sits
/// blocked in the region.
static DATA: [u8; 200] = [0x5A; 200];

fn summary(o: &Objs) -> Summary {
    support::summary(o, true)
}

fn now() -> u32 {
    world(|w| w.now.get())
}

/// Connects and upgrades `o` (non-blocking) on a socket whose server answers with a 101, after
/// `params` ran on the cleared objects.
fn open_ws(o: &Objs, host: &str, params: impl FnOnce(&Objs)) -> std::rc::Rc<Sock> {
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        params(o);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert!(o.pump_until(10, 0, || has(o, |e| matches!(e, Ev::Connect { .. }))));
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(20, 0, || has(o, |e| matches!(e, Ev::Open { .. }))));
    sock
}

/// From now on the socket takes nothing (the server stopped reading, its window is full).
fn stop_reading(sock: &Sock) {
    let mut p = sock.tx_policy.borrow_mut();
    p.steps = std::iter::repeat_n(Step::WouldBlock, 1_000_000).collect();
}

/// Queues data message `i` (non-blocking) and runs a pass: part of it is now stuck.
fn send_data(o: &Objs, i: usize) {
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(i, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.send(
                i,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                Some(&DATA),
                DATA.len() as u32,
                NB,
                &mut err
            ),
            DEF_OK
        );
    }
}

/// Runs passes, advancing the clock by what each pass asked for (at most `step`), until the
/// connection ended. Every pass must ask for a sleep: 0 means "call me again at once", a spin
/// when nothing can progress. Returns the passes run.
fn run_to_end(o: &Objs, step: u32, max_passes: u32) -> u32 {
    for pass in 0..max_passes {
        if o.ended() {
            return pass;
        }
        let sleep = unsafe { HTTPc_TaskHandler() };
        if o.ended() {
            return pass + 1;
        }
        assert!(
            sleep > 0,
            "pass {pass} asked to run again at once: a busy spin"
        );
        world(|w| w.now.set(w.now.get().wrapping_add(sleep.min(step))));
    }
    panic!("the connection did not end within {max_passes} passes");
}

#[test]
fn owed_pong_behind_a_full_socket_neither_spins_nor_hangs() {
    let _g = setup();
    let o = Objs::new(2, 256, 0, b"stall.test");
    let sock = open_ws(&o, "stall.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS, 2000)
    });
    stop_reading(&sock);
    send_data(&o, 0);
    send_data(&o, 1);
    unsafe { HTTPc_TaskHandler() };
    sock.push_now(&frame(true, OP_PING, b"are you there"));
    let start = now();
    let passes = run_to_end(&o, 10_000, 50);
    let elapsed = now().wrapping_sub(start);
    assert!(
        (2000..2100).contains(&elapsed),
        "ended after {elapsed} ms, deadline 2000"
    );
    // No pass polled: each one slept until the deadline or an event.
    assert!(passes <= 4, "{passes} passes for one deadline");
    let s = summary(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_CONN_SOCK_TX]);
    assert_eq!(s.ws_close, Some((1006, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_CONN_SOCK_TX))
    );
    assert_eq!(s.completions.len(), 2);
    assert!(s.completions.iter().all(|&(_, ok)| !ok));
    check_port().unwrap();
}

/// While our pong waits behind a full socket, reading goes on (the ping's payload waits in the
/// connection buffer, not in the way): the messages after the ping are delivered, a later ping
/// replaces the payload to echo, and once the socket drains one pong goes out, echoing it.
#[test]
fn data_is_delivered_while_a_pong_waits_and_the_latest_ping_is_echoed() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"owed.test");
    let sock = open_ws(&o, "owed.test", |_| {});
    stop_reading(&sock);
    send_data(&o, 0);
    unsafe { HTTPc_TaskHandler() };
    let stream = [
        frame(true, OP_PING, b"first"),
        frame(true, OP_TEXT, b"hello"),
        frame(true, OP_PING, b"second"),
        frame(true, OP_TEXT, b"world"),
    ]
    .concat();
    sock.push_now(&stream);
    for _ in 0..5 {
        unsafe { HTTPc_TaskHandler() };
    }
    let texts = |o: &Objs| {
        support::summary(o, false)
            .messages
            .iter()
            .map(|(_, m)| m.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&o), vec![b"hello".to_vec(), b"world".to_vec()]);
    let sent = check_client_stream(&sock.tx.borrow()).expect("client stream");
    assert!(sent.iter().all(|f| f.opcode != OP_PONG), "{sent:?}");
    // The socket drains: the message, then one pong with the latest payload.
    sock.tx_policy.borrow_mut().steps.clear();
    assert!(o.pump_until(20, 0, || {
        check_client_stream(&sock.tx.borrow()).is_ok_and(|f| f.len() == 2)
    }));
    let sent = check_client_stream(&sock.tx.borrow()).expect("client stream");
    assert_eq!(
        (sent[0].opcode, sent[0].payload.len()),
        (OP_BIN, DATA.len())
    );
    assert_eq!(
        (sent[1].opcode, &sent[1].payload[..]),
        (OP_PONG, &b"second"[..])
    );
    unsafe { HTTPc_TaskHandler() };
    assert_eq!(check_client_stream(&sock.tx.borrow()).unwrap().len(), 2);
    assert!(!o.ended());
}

#[test]
fn default_send_stall_deadline_is_30_s() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"stall30.test");
    let sock = open_ws(&o, "stall30.test", |_| {});
    stop_reading(&sock);
    send_data(&o, 0);
    let start = now();
    run_to_end(&o, 60_000, 50);
    let elapsed = now().wrapping_sub(start);
    assert!(
        (30_000..30_100).contains(&elapsed),
        "ended after {elapsed} ms"
    );
    assert_eq!(summary(&o).errs, vec![HTTPc_ERR_CONN_SOCK_TX]);
    check_port().unwrap();
}

#[test]
fn close_timeout_runs_from_the_close_call_while_the_frame_cannot_leave() {
    let _g = setup();
    let o = Objs::new(2, 256, 0, b"close.test");
    let sock = open_ws(&o, "close.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, 1000)
    });
    stop_reading(&sock);
    send_data(&o, 0);
    unsafe { HTTPc_TaskHandler() };
    let start = now();
    unsafe { o.queue_close(1) };
    run_to_end(&o, 10_000, 50);
    let elapsed = now().wrapping_sub(start);
    assert!((1000..1100).contains(&elapsed), "ended after {elapsed} ms");
    let s = summary(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_CLOSE_TIMEOUT]);
    assert_eq!(s.ws_close, Some((1006, Vec::new())));
    assert_eq!(s.completions.len(), 2);
    assert!(s.completions.iter().all(|&(_, ok)| !ok));
    check_port().unwrap();
}

/// No close timeout (0): once Close frames went both ways the library closes TCP itself, as
/// soon as its reply has left (a full socket holds it until then), rather than wait forever
/// for a server that keeps the connection open.
#[test]
fn no_close_timeout_closes_once_the_reply_has_left() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"zero.test");
    let sock = open_ws(&o, "zero.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, 0)
    });
    // The socket takes nothing for a while: the reply waits in the send region.
    sock.tx_policy
        .borrow_mut()
        .steps
        .extend([Step::WouldBlock; 5]);
    sock.push_now(&close_frame(1000, b"bye"));
    run_to_end(&o, 10, 50);
    let s = summary(&o);
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    assert_eq!(s.ws_close, Some((1000, b"bye".to_vec())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    // The reply went out whole before the socket closed.
    let frames = check_client_stream(&sock.tx.borrow()).expect("client stream");
    assert_eq!(frames.last().map(|f| f.opcode), Some(OP_CLOSE));
    check_port().unwrap();
}

#[test]
fn protocol_error_behind_a_full_socket_ends_at_the_close_timeout() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"viol.test");
    let sock = open_ws(&o, "viol.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, 1000)
    });
    stop_reading(&sock);
    send_data(&o, 0);
    unsafe { HTTPc_TaskHandler() };
    let start = now();
    sock.push_now(&frame(true, 0x3, b""));
    run_to_end(&o, 10_000, 50);
    let elapsed = now().wrapping_sub(start);
    assert!((1000..1100).contains(&elapsed), "ended after {elapsed} ms");
    let s = summary(&o);
    // The failure is reported once; the close timeout ends the wait with it.
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE]);
    assert_eq!(s.ws_close, Some((1002, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_NONE,
            HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE
        ))
    );
    assert_eq!(s.completions, vec![(s.completions[0].0, false)]);
    check_port().unwrap();
}

#[test]
fn a_send_stall_after_a_protocol_error_ends_with_that_error() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"stall2.test");
    let sock = open_ws(&o, "stall2.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS, 1000);
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, 5000);
    });
    stop_reading(&sock);
    send_data(&o, 0);
    unsafe { HTTPc_TaskHandler() };
    sock.push_now(&frame(true, 0x3, b""));
    let start = now();
    run_to_end(&o, 10_000, 50);
    // The stall (1 s, before the close timeout) ends it, with the error already reported.
    let elapsed = now().wrapping_sub(start);
    assert!(elapsed < 1100, "ended after {elapsed} ms");
    let s = summary(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE]);
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_NONE,
            HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE
        ))
    );
    check_port().unwrap();
}

#[test]
fn a_message_queued_when_the_connection_fails_completes_without_its_hooks() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"queued.test");
    let sock = open_ws(&o, "queued.test", |_| {});
    let src = MsgSrc {
        data: b"abcd".to_vec(),
        init_len: Some(4),
        send_len: 4,
        ..MsgSrc::default()
    };
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, Some(src)), HTTPc_ERR_NONE);
        // The violation is in before the pass that would start the message.
        sock.push_now(&frame(true, 0x3, b""));
        let bin = HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME;
        assert_eq!(o.send(0, bin, None, 4, NB, &mut err), DEF_OK);
    }
    run_to_end(&o, 10_000, 50);
    let log = world(|w| w.events());
    assert!(
        !log.iter()
            .any(|e| matches!(e, Ev::TxInit { .. } | Ev::TxData { .. })),
        "{log:#?}"
    );
    let s = summary(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE]);
    assert_eq!(s.completions.len(), 1);
    assert!(!s.completions[0].1);
    check_port().unwrap();
}

#[test]
fn after_a_protocol_error_a_server_that_keeps_tcp_open_ends_with_that_error() {
    let _g = setup();
    // At the close timeout; without one (0), once our Close has left: nothing else would end
    // the wait for the server.
    for (close_timeout, window) in [(1000, 1000..1100), (0, 0..100)] {
        after_a_protocol_error(close_timeout, window);
    }
}

fn after_a_protocol_error(close_timeout: u32, window: std::ops::Range<u32>) {
    let o = Objs::new(0, 256, 0, b"keep.test");
    let sock = open_ws(&o, "keep.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, close_timeout)
    });
    // A masked frame fails the connection; our Close leaves; the server answers with its own
    // Close (not read: RFC 6455 §7.1.7) and never closes TCP.
    sock.push_now(&[0x81, 0x81, 1, 2, 3, 4, b'x' ^ 1]);
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1002, b"")));
    let start = now();
    run_to_end(&o, 10_000, 50);
    let elapsed = now().wrapping_sub(start);
    assert!(
        window.contains(&elapsed),
        "close timeout {close_timeout}: ended after {elapsed} ms"
    );
    let s = summary(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME]);
    assert_eq!(s.ws_close, Some((1002, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_NONE,
            HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME
        ))
    );
    let frames = check_client_stream(&sock.tx.borrow()).expect("client stream");
    assert_eq!(frames.last().map(|f| f.opcode), Some(OP_CLOSE));
    check_port().unwrap();
}

#[test]
fn keepalive_ping_that_cannot_leave_still_times_out() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"ping.test");
    let sock = open_ws(&o, "ping.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS, 500);
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS, 300);
    });
    stop_reading(&sock);
    send_data(&o, 0);
    let start = now();
    run_to_end(&o, 10_000, 50);
    let elapsed = now().wrapping_sub(start);
    assert!((800..900).contains(&elapsed), "ended after {elapsed} ms");
    assert_eq!(summary(&o).errs, vec![HTTPc_ERR_WEBSOCK_PONG_TIMEOUT]);
    check_port().unwrap();
}

/// A server that reads a long one-frame message steadily (64 bytes per write) and answers a ping
/// at once: the keep-alive ping decided while the frame streams leaves after it (a frame is
/// never cut), and its pong timer runs from the last bytes of ours ahead of it, not from the
/// decision: the upload is not failed for the time it takes.
#[test]
fn keepalive_ping_behind_a_long_frame_the_server_reads_does_not_time_out() {
    let _g = setup();
    static LONG: [u8; 100_000] = [0x42; 100_000];
    let o = Objs::new(1, 1024, 0, b"upload.test");
    let sock = open_ws(&o, "upload.test", |o| {
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS, 1000);
        set_ws_param(o, HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS, 1000);
    });
    // The server answers our ping, the second frame, at once.
    sock.push(Gate::Frames(2), Item::Bytes(frame(true, OP_PONG, b"")));
    sock.tx_policy.borrow_mut().steps = (0..200_000)
        .flat_map(|_| [Step::Take(64), Step::WouldBlock])
        .collect();
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        let len = LONG.len() as u32;
        let sent = o.send(
            0,
            HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
            Some(&LONG),
            len,
            NB,
            &mut err,
        );
        assert_eq!(sent, DEF_OK);
    }
    let start = now();
    let done = || has(&o, |e| matches!(e, Ev::TxComplete { .. })) || o.ended();
    assert!(o.pump_until(2000, 100, done));
    // (2.5 s at this pace: longer than the ping interval and the pong timeout together.)
    assert!(now().wrapping_sub(start) > 2000);
    assert!(!o.ended(), "{:#?}", world(|w| w.events()));
    let frames = check_client_stream(&sock.tx.borrow()).expect("client stream");
    let ops: Vec<u8> = frames.iter().map(|f| f.opcode).collect();
    assert_eq!(ops, [OP_BIN, OP_PING]);
    // Its pong is reported, and the connection closes normally.
    sock.tx_policy.borrow_mut().steps.clear();
    assert!(o.pump_until(10, 100, || has(&o, |e| matches!(e, Ev::Pong { .. }))));
    close_and_check(o);
}

/// A non-blocking upgrade whose server never answers, or answers a byte at a time: the
/// transaction deadline ends both.
#[test]
fn non_blocking_upgrade_has_a_deadline() {
    for trickle in [false, true] {
        let _g = setup();
        let o = Objs::new(0, 256, 0, b"slow.test");
        let (sock, start) = upgrade_with_deadline(&o, "slow.test", 2000);
        unsafe {
            if trickle {
                // One byte of the response every 100 ms: it would take 12.9 s.
                let mut response = response_101(b"").into_iter();
                for _ in 0..100 {
                    if o.ended() {
                        break;
                    }
                    let sleep = HTTPc_TaskHandler();
                    assert!(sleep > 0, "a busy spin");
                    world(|w| w.now.set(w.now.get().wrapping_add(sleep.min(100))));
                    if let Some(b) = response.next() {
                        sock.push_now(&[b]);
                    }
                }
            } else {
                run_to_end(&o, 10_000, 20);
            }
            let elapsed = now().wrapping_sub(start);
            assert!((2000..=2100).contains(&elapsed), "ended after {elapsed} ms");
        }
        let s = summary(&o);
        assert_eq!(s.trans_err, Some(HTTPc_ERR_CONN_SIGNAL_TIMEOUT));
        assert_eq!(
            s.conn_close,
            Some((
                HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
                HTTPc_ERR_CONN_SIGNAL_TIMEOUT
            ))
        );
        assert!(!s.opened);
        drop(o);
        check_port().unwrap();
    }
}

/// Timeouts of 2^30 ms or more (up to `0xFFFFFFFF`, "never" to an application) are taken as
/// 2^30 - 1 ms (12.4 days), which the wrapping 32-bit clock measures even from a late pass:
/// they used to be accepted and never run out. A pass that comes late still ends it.
#[test]
fn a_timeout_of_2_30_ms_or_more_still_runs_out() {
    for (t, late_ms) in [(0x4000_0000u32, 0), (u32::MAX, 0), (u32::MAX, 1_000_000)] {
        let _g = setup();
        let o = Objs::new(0, 256, 0, b"long.test");
        let (_sock, start) = upgrade_with_deadline(&o, "long.test", t);
        // The server never answers; the clock runs on in steps of 2^28 ms, each pass coming
        // `late_ms` after the time it asked for (a sleep rounded up to ticks, or much worse).
        for _ in 0..20 {
            let sleep = unsafe { HTTPc_TaskHandler() };
            if o.ended() {
                break;
            }
            world(|w| {
                w.now
                    .set(w.now.get().wrapping_add(sleep.min(1 << 28) + late_ms))
            });
        }
        assert!(o.ended(), "{t:#x} late {late_ms}");
        let elapsed = now().wrapping_sub(start);
        let want = u32::MAX / 4;
        assert!(
            (want..=want + 20 * late_ms).contains(&elapsed),
            "{t:#x} late {late_ms}: {elapsed}"
        );
        assert_eq!(summary(&o).trans_err, Some(HTTPc_ERR_CONN_SIGNAL_TIMEOUT));
        drop(o);
        check_port().unwrap();
    }
}

/// Connects `o` to `host` with a transaction timeout of `t` ms and starts a non-blocking
/// upgrade: the server socket, and the clock when the upgrade started.
fn upgrade_with_deadline(o: &Objs, host: &str, t: u32) -> (std::rc::Rc<Sock>, u32) {
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        let mut t = t;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS,
            (&mut t as *mut u32).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert!(o.pump_until(10, 0, || has(o, |e| matches!(e, Ev::Connect { .. }))));
        let start = now();
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
        (sock, start)
    }
}

#[test]
fn trans_timeout_zero_is_refused() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"zero.test");
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        let mut t: u32 = 0;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS,
            (&mut t as *mut u32).cast(),
            &mut err,
        );
    }
    assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
}

/// `HTTPc_CFG.MsgQ_Size` (4 in the tests) bounds the upgrades in progress, as the legacy
/// handshake pool did; a finished upgrade frees its place.
#[test]
fn msgq_size_bounds_concurrent_upgrades() {
    let _g = setup();
    let limit = usize::from(test_cfg().MsgQ_Size);
    let hosts: Vec<String> = (0..=limit).map(|i| format!("pool{i}.test")).collect();
    let objs: Vec<Objs> = hosts
        .iter()
        .map(|h| Objs::new(0, 256, 0, h.as_bytes()))
        .collect();
    let socks: Vec<_> = objs
        .iter()
        .zip(&hosts)
        .map(|(o, h)| {
            let sock = world(|w| w.expect_connect(h, ConnectMode::Ok));
            let mut err = 0;
            unsafe {
                assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
                assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
                assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
                o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
            }
            sock
        })
        .collect();
    assert!(objs[0].pump_until(10, 0, || objs
        .iter()
        .all(|o| has(o, |e| matches!(e, Ev::Connect { .. })))));
    let mut err = 0;
    for o in &objs[..limit] {
        assert_eq!(unsafe { o.upgrade(NB, &mut err) }, DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert_eq!(unsafe { objs[limit].upgrade(NB, &mut err) }, DEF_FAIL);
    assert_eq!(err, HTTPc_ERR_WEBSOCK_REQ_MEM_ERR);
    // Legacy's check order with several mistakes at once: OnOpen (non-blocking), the request
    // in use, the handshake blocks, the path.
    let last = &objs[limit];
    let upgrade = |req: *mut HTTPc_REQ_OBJ, path: *mut CPU_CHAR, err: &mut HTTPc_ERR| unsafe {
        HTTPc_WebSockUpgrade(last.conn, req, last.resp, last.ws, path, 5, NB, err)
    };
    let chat: *mut CPU_CHAR = b"/chat".as_ptr().cast_mut().cast();
    let busy_req = objs[0].req;
    upgrade(last.req, null_mut(), &mut err);
    assert_eq!(
        err, HTTPc_ERR_WEBSOCK_REQ_MEM_ERR,
        "the blocks before the path"
    );
    upgrade(busy_req, null_mut(), &mut err);
    assert_eq!(err, HTTPc_ERR_REQ_IS_USED, "the request before the blocks");
    // A NULL response object comes after both (legacy's `HTTPc_ReqSend` met it), a NULL
    // request before them (its `HTTPc_ReqSetParam`).
    let no_resp = |req: *mut HTTPc_REQ_OBJ, err: &mut HTTPc_ERR| unsafe {
        HTTPc_WebSockUpgrade(last.conn, req, null_mut(), last.ws, chat, 5, NB, err)
    };
    no_resp(busy_req, &mut err);
    assert_eq!(
        err, HTTPc_ERR_REQ_IS_USED,
        "the request before the response"
    );
    no_resp(last.req, &mut err);
    assert_eq!(
        err, HTTPc_ERR_WEBSOCK_REQ_MEM_ERR,
        "the blocks before the response"
    );
    no_resp(null_mut(), &mut err);
    assert_eq!(err, HTTPc_ERR_NULL_PTR, "the request first");
    unsafe { HTTPc_WebSockClr(last.ws, &mut err) };
    upgrade(busy_req, null_mut(), &mut err);
    assert_eq!(
        err, HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID,
        "OnOpen before the request"
    );
    for (req, resp) in [(null_mut(), last.resp), (last.req, null_mut())] {
        unsafe { HTTPc_WebSockUpgrade(last.conn, req, resp, last.ws, chat, 5, NB, &mut err) };
        assert_eq!(
            err, HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID,
            "OnOpen before a NULL request or response"
        );
    }
    upgrade(busy_req, chat, &mut err);
    assert_eq!(err, HTTPc_ERR_REQ_PARAM_WEBSOCK_ON_OPEN_CALLBACK_INVALID);
    assert_eq!(unsafe { last.ws_setup(0) }, HTTPc_ERR_NONE);
    // The first one completes: its place is free again.
    socks[0].push_now(&response_101(b""));
    assert!(objs[0].pump_until(10, 0, || has(&objs[0], |e| matches!(e, Ev::Open { .. }))));
    assert_eq!(unsafe { objs[limit].upgrade(NB, &mut err) }, DEF_FAIL);
    assert_eq!(err, HTTPc_ERR_NONE);
    for (o, s) in objs.iter().zip(&socks).skip(1) {
        s.push_now(&response_101(b""));
        assert!(o.pump_until(10, 0, || has(o, |e| matches!(e, Ev::Open { .. }))));
    }
    drop(objs);
    check_port().unwrap();
}

/// `HTTPc_ConnClose` during an upgrade: the request fails with `HTTPc_ERR_CONN_SOCK_CLOSED`,
/// exactly what the legacy `HTTPcConn_Close` reports to a pending request.
#[test]
fn conn_close_during_upgrade_reports_the_legacy_error() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"cc.test");
    let _sock = world(|w| w.expect_connect("cc.test", ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        o.connect_nb();
        o.upgrade(NB, &mut err);
        HTTPc_TaskHandler();
        HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err);
    }
    assert!(o.pump_until(5, 0, || o.ended()));
    let s = summary(&o);
    // Legacy order: OnTransComplete(DEF_FAIL), then OnErr(HTTPc_ERR_CONN_SOCK_CLOSED).
    assert_eq!(s.trans_err, Some(HTTPc_ERR_CONN_SOCK_CLOSED));
    assert!(s.trans_fail_completed);
    let log = world(|w| w.events());
    let complete = log
        .iter()
        .position(|e| matches!(e, Ev::TransComplete { ok: false, .. }));
    let err = log.iter().position(|e| matches!(e, Ev::TransErr { .. }));
    assert!(complete < err, "{log:#?}");
    assert_eq!(s.conn_close.map(|c| c.0), Some(HTTPc_CONN_CLOSE_STATUS_APP));
    check_port().unwrap();
}
