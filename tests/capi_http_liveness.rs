//! Liveness of plain requests (`HTTPc_ReqSend`) with the scripted port (`tests/support`): a
//! server that never answers, one that trickles an endless body, a body hook that never takes
//! and one that never gives. Each transaction ends at its deadline
//! (`HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS`) with `HTTPc_ERR_CONN_SIGNAL_TIMEOUT`, in legacy's hook
//! order, whatever the peer or the application does, and the engine sleeps meanwhile
//! instead of spinning.
// The C constants' own names, matched in patterns.
#![allow(non_upper_case_globals)]

mod support;

use std::ffi::c_void;

use support::*;

/// The transaction deadline these tests set (ms).
const DEADLINE_MS: u32 = 1000;

/// A connected, persistent connection with a 1 s transaction deadline and the request hooks.
fn connected(host: &str) -> (Objs, std::rc::Rc<Sock>) {
    let o = Objs::new(0, 256, 0, host.as_bytes());
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        let mut yes: CPU_BOOLEAN = DEF_YES;
        let mut ms: CPU_INT32U = DEADLINE_MS;
        for (t, p) in [
            (
                HTTPc_PARAM_TYPE_PERSISTENT,
                (&mut yes as *mut CPU_BOOLEAN).cast::<c_void>(),
            ),
            (
                HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS,
                (&mut ms as *mut CPU_INT32U).cast(),
            ),
        ] {
            HTTPc_ConnSetParam(o.conn, t, p, &mut err);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(
        e,
        Ev::Connect { ok: true, .. }
    ))));
    (o, sock)
}

fn send(o: &Objs, method: HTTP_METHOD, flags: HTTPc_FLAGS) -> (CPU_BOOLEAN, HTTPc_ERR) {
    let path = "/slow";
    o.req_send(method, path, flags)
}

fn now() -> u32 {
    world(|w| w.now.get())
}

/// Runs engine passes, each followed by the sleep the engine asked for (capped at 50 ms of
/// fake time), until the connection ended. Returns the passes run; fails past `max`.
fn run_until_ended(o: &Objs, max: u32) -> u32 {
    for pass in 0..max {
        if o.ended() {
            return pass;
        }
        let sleep = unsafe { HTTPc_TaskHandler() };
        world(|w| w.now.set(w.now.get().wrapping_add(sleep.clamp(1, 50))));
    }
    panic!(
        "still open after {max} passes: {:#?}",
        world(|w| w.events())
    );
}

/// The transaction failed at its deadline, in legacy's order (`OnTransComplete` for a
/// non-blocking request only), and the connection closed.
fn ended_at_deadline(o: &Objs, started: u32, blocking: bool) {
    let id = o.id();
    let tail: Vec<_> = o.since_open(|log| {
        log.iter()
            .filter(|e| e.conn() == id)
            .filter(|e| {
                matches!(
                    e,
                    Ev::TransErr { .. } | Ev::TransComplete { .. } | Ev::ConnClose { .. }
                )
            })
            .cloned()
            .collect()
    });
    let tail: Vec<_> = tail
        .into_iter()
        .filter(|e| !blocking || !matches!(e, Ev::TransComplete { .. }))
        .collect();
    let non_blocking = tail
        .iter()
        .any(|e| matches!(e, Ev::TransComplete { ok: false, .. }));
    assert_eq!(non_blocking, !blocking, "{tail:#?}");
    assert!(
        matches!(
            (tail.first(), tail.last()),
            (
                Some(Ev::TransErr {
                    err: HTTPc_ERR_CONN_SIGNAL_TIMEOUT,
                    ..
                }),
                Some(Ev::ConnClose {
                    status: HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
                    err: HTTPc_ERR_CONN_SIGNAL_TIMEOUT,
                    ..
                })
            )
        ) && tail.len() == 2 + usize::from(!blocking),
        "{tail:#?}"
    );
    let took = now().wrapping_sub(started);
    assert!(
        (DEADLINE_MS..=DEADLINE_MS + 60).contains(&took),
        "ended {took} ms after the request, deadline {DEADLINE_MS} ms"
    );
}

#[test]
fn a_server_that_never_answers_ends_at_the_deadline_without_spinning() {
    let _g = setup();
    let (o, _sock) = connected("silent.test");
    let started = now();
    assert_eq!(
        send(&o, HTTP_METHOD_GET, HTTPc_FLAG_REQ_NO_BLOCK).1,
        HTTPc_ERR_NONE
    );
    // Nothing arrives: the engine waits for the socket or the deadline, a few passes in all.
    // Each pass here sleeps what the engine asked, at most 50 ms: 20 passes for the second.
    let passes = run_until_ended(&o, 200);
    assert!(passes <= 25, "{passes} passes for one silent second");
    ended_at_deadline(&o, started, false);
}

#[test]
fn an_endless_trickled_body_ends_at_the_deadline_and_keeps_what_came() {
    let _g = setup();
    let (o, sock) = connected("trickle.test");
    let mut body = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..20_000 {
        body.extend_from_slice(b"1\r\nx\r\n");
    }
    sock.push_reply(&body);
    // A few bytes per receive, fake time moving on: the server never ends the body.
    sock.rx_policy.borrow_mut().max_chunk = 8;
    let started = now();
    assert_eq!(
        send(&o, HTTP_METHOD_GET, HTTPc_FLAG_REQ_NO_BLOCK).1,
        HTTPc_ERR_NONE
    );
    for _ in 0..5000 {
        if o.ended() {
            break;
        }
        unsafe { HTTPc_TaskHandler() };
        world(|w| w.now.set(w.now.get().wrapping_add(1)));
    }
    assert!(o.ended(), "the endless body outlived its deadline");
    ended_at_deadline(&o, started, false);
}

unsafe extern "C" fn take_nothing(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _t: HTTP_CONTENT_TYPE,
    _p: *mut c_void,
    _len: CPU_INT16U,
    _last: CPU_BOOLEAN,
) -> CPU_INT32U {
    0
}

unsafe extern "C" fn give_nothing(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _p_data: *mut *mut c_void,
    _p_buf: *mut CPU_CHAR,
    _buf_len: CPU_INT16U,
    p_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    unsafe { *p_len = 0 };
    DEF_NO
}

fn set(o: &Objs, t: HTTPc_PARAM_TYPE, p: *mut c_void) {
    let mut err = 0;
    unsafe { HTTPc_ReqSetParam(o.req, t, p, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
}

#[test]
fn a_body_hook_that_never_takes_is_asked_again_on_a_timer_until_the_deadline() {
    let _g = setup();
    let (o, sock) = connected("full.test");
    sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    set(
        &o,
        HTTPc_PARAM_TYPE_RESP_BODY_HOOK,
        take_nothing as *mut c_void,
    );
    let started = now();
    assert_eq!(
        send(&o, HTTP_METHOD_GET, HTTPc_FLAG_REQ_NO_BLOCK).1,
        HTTPc_ERR_NONE
    );
    // Retried every few ms (the engine asks to sleep, it does not spin): a bounded number of
    // passes for the whole second.
    let passes = run_until_ended(&o, 2000);
    assert!(passes <= 400, "{passes} passes");
    ended_at_deadline(&o, started, false);
}

#[test]
fn a_request_body_hook_that_never_gives_is_asked_again_on_a_timer_until_the_deadline() {
    let _g = setup();
    let (o, _sock) = connected("empty.test");
    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_PLAIN;
    let mut len: CPU_INT32U = 10;
    set(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE,
        (&mut t as *mut HTTP_CONTENT_TYPE).cast(),
    );
    set(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN,
        (&mut len as *mut CPU_INT32U).cast(),
    );
    set(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
        give_nothing as *mut c_void,
    );
    let started = now();
    assert_eq!(
        send(&o, HTTP_METHOD_POST, HTTPc_FLAG_REQ_NO_BLOCK).1,
        HTTPc_ERR_NONE
    );
    let passes = run_until_ended(&o, 2000);
    assert!(passes <= 400, "{passes} passes");
    ended_at_deadline(&o, started, false);
}

#[test]
fn a_blocking_request_to_a_silent_server_returns_the_timeout() {
    let _g = setup();
    let (o, _sock) = connected("blk.test");
    let started = now();
    // The poll model: the blocking call drives the engine itself while it waits.
    assert_eq!(
        send(&o, HTTP_METHOD_GET, 0),
        (DEF_FAIL, HTTPc_ERR_CONN_SIGNAL_TIMEOUT)
    );
    ended_at_deadline(&o, started, true);
}

/// Built without the WebSocket client (legacy `HTTPc_CFG_WEBSOCKET_EN` off): every
/// `HTTPc_WebSock*` call and the upgrade parameter answer `HTTPc_ERR_FEATURE_DIS`, as legacy's
/// switch did, while plain requests work; the handshake's response headers are the
/// application's then (legacy read them only with its WebSocket module).
#[cfg(not(feature = "websocket"))]
#[test]
fn without_the_websocket_client_its_calls_answer_feature_dis() {
    let _g = setup();
    let (o, sock) = connected("plain.test");
    sock.push_reply(
        b"HTTP/1.1 204 No Content\r\nUpgrade: h2c\r\nSec-WebSocket-Version: 13\r\n\
Content-Length: 0\r\n\r\n",
    );
    let mut err = 0;
    unsafe {
        HTTPc_WebSockClr(o.ws, &mut err);
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        HTTPc_WebSockMsgClr(
            o.msgs.first().copied().unwrap_or(std::ptr::null_mut()),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        assert_eq!(o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        let mut buf = [0u8; 8];
        HTTPc_WebSockFmtCloseMsg(
            1000,
            std::ptr::null_mut(),
            buf.as_mut_ptr().cast(),
            8,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        HTTPc_WebSockSetParam(
            o.ws,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN,
            on_open as *mut c_void,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        let ok = HTTPc_WebSockSend(
            o.conn,
            o.msgs.first().copied().unwrap_or(std::ptr::null_mut()),
            HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
            buf.as_mut_ptr().cast(),
            1,
            HTTPc_FLAG_WEBSOCK_NO_BLOCK,
            &mut err,
        );
        assert_eq!((ok, err), (DEF_FAIL, HTTPc_ERR_FEATURE_DIS));
        let mut yes: CPU_BOOLEAN = DEF_YES;
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_REQ_UPGRADE_WEBSOCKET,
            (&mut yes as *mut CPU_BOOLEAN).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
    }
    assert_eq!(send(&o, HTTP_METHOD_GET, 0), (DEF_OK, HTTPc_ERR_NONE));
    let fields: Vec<HTTP_HDR_FIELD> = world(|w| w.events())
        .iter()
        .filter_map(|e| match e {
            Ev::RespHdr { field, .. } => Some(*field),
            _ => None,
        })
        .collect();
    assert_eq!(
        fields,
        [HTTP_HDR_FIELD_UPGRADE, HTTP_HDR_FIELD_WEBSOCKET_VERSION]
    );
}
