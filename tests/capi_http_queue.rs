//! The persistent-connection request queue traced callback by callback against legacy's
//! `HTTPcConn_TransProcess` / `HTTPcConn_Close` (http-c_conn.c) and `HTTPcTask` (http-c_task.c),
//! poll model, scripted port. Each request object has a name; every `OnTransComplete`, `OnErr`
//! and the connection's `OnClose` is logged in order with whether the request object was in use
//! at that moment (probed with `HTTPc_ReqSetParam`, which answers `HTTPc_ERR_REQ_IS_USED`).
#![allow(non_upper_case_globals)]

mod support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;

use httpc_ws::capi::http_req::HTTPc_ReqSend;
use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_REQ_NO_BLOCK;

#[derive(Clone)]
enum Act {
    /// Send this request again (same object), non-blocking, to this path.
    Resend(&'static str),
    /// Send another named request, non-blocking.
    SendOther(&'static str, &'static str),
    /// `HTTPc_ConnClose`.
    Close,
    /// `HTTPc_ConnClose`, then send another named request.
    CloseThenSend(&'static str, &'static str),
    /// Send two other named requests, non-blocking, one after the other.
    SendTwo([(&'static str, &'static str); 2]),
}

#[derive(Default)]
struct Q {
    log: Vec<String>,
    names: HashMap<usize, &'static str>,
    resps: HashMap<usize, usize>,
    reqs: HashMap<&'static str, usize>,
    conn: usize,
    /// One-shot actions, keyed by (request name, "TC" | "ERR").
    acts: HashMap<(&'static str, &'static str), Act>,
    /// Errors the actions' calls returned.
    act_errs: Vec<String>,
    /// Chunked request-body hook: answers (bytes, last), one per call.
    body: Vec<(usize, bool)>,
}

thread_local! {
    static QS: RefCell<Q> = RefCell::new(Q::default());
}

fn q<R>(f: impl FnOnce(&mut Q) -> R) -> R {
    QS.with(|s| f(&mut s.borrow_mut()))
}

fn probe(r: *mut HTTPc_REQ_OBJ) -> &'static str {
    let mut err = 0;
    unsafe {
        HTTPc_ReqSetParam(
            r,
            HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
            q_err as *mut c_void,
            &mut err,
        )
    };
    match err {
        HTTPc_ERR_NONE => "free",
        HTTPc_ERR_REQ_IS_USED => "used",
        _ => "?",
    }
}

fn run_act(name: &'static str, kind: &'static str) {
    let Some(act) = q(|s| s.acts.remove(&(name, kind))) else {
        return;
    };
    let conn = q(|s| s.conn) as *mut HTTPc_CONN_OBJ;
    let mut err = 0;
    let what = match act {
        Act::Resend(p) => {
            send_raw(conn, name, p, NB, &mut err);
            format!("{name} resend {p}")
        }
        Act::SendOther(other, p) => {
            send_raw(conn, other, p, NB, &mut err);
            format!("{other} sent {p}")
        }
        Act::Close => {
            unsafe { HTTPc_ConnClose(conn, HTTPc_FLAG_NONE, &mut err) };
            "ConnClose".to_string()
        }
        Act::SendTwo([(first, p1), (second, p2)]) => {
            send_raw(conn, first, p1, NB, &mut err);
            q(|s| s.act_errs.push(format!("{first} sent {p1}: {err}")));
            send_raw(conn, second, p2, NB, &mut err);
            format!("{second} sent {p2}")
        }
        Act::CloseThenSend(other, p) => {
            unsafe { HTTPc_ConnClose(conn, HTTPc_FLAG_NONE, &mut err) };
            q(|s| s.act_errs.push(format!("ConnClose: {err}")));
            send_raw(conn, other, p, NB, &mut err);
            format!("{other} sent {p}")
        }
    };
    q(|s| s.act_errs.push(format!("{what}: {err}")));
}

unsafe extern "C" fn q_complete(
    _c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    _resp: *mut HTTPc_RESP_OBJ,
    ok: CPU_BOOLEAN,
) {
    let name = q(|s| s.names[&(r as usize)]);
    let st = probe(r);
    q(|s| {
        s.log.push(format!(
            "{name} TC({}) {st}",
            if ok == DEF_OK { "OK" } else { "FAIL" }
        ))
    });
    run_act(name, "TC");
}

unsafe extern "C" fn q_err(_c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ, err: HTTPc_ERR) {
    let name = q(|s| s.names[&(r as usize)]);
    let st = probe(r);
    q(|s| s.log.push(format!("{name} ERR({err}) {st}")));
    run_act(name, "ERR");
}

unsafe extern "C" fn q_close(
    c: *mut HTTPc_CONN_OBJ,
    status: HTTPc_CONN_CLOSE_STATUS,
    err: HTTPc_ERR,
) {
    q(|s| s.log.push(format!("CLOSE({status},{err})")));
    unsafe { on_conn_close(c, status, err) };
}

unsafe extern "C" fn q_body_tx(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    _buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    let (n, last) = q(|s| {
        if s.body.is_empty() {
            (0, true)
        } else {
            s.body.remove(0)
        }
    });
    unsafe {
        std::ptr::write_bytes(p_buf.cast::<u8>(), b'x', n);
        *p_data_len = n as u16;
    }
    if last {
        DEF_YES
    } else {
        DEF_NO
    }
}

/// A named request object (and its response object), cleared, with the logging callbacks.
fn new_req(name: &'static str) -> *mut HTTPc_REQ_OBJ {
    let r = Box::into_raw(Objs::zeroed_obj::<HTTPc_REQ_OBJ>());
    let resp = Box::into_raw(Objs::zeroed_obj::<HTTPc_RESP_OBJ>());
    let mut err = 0;
    unsafe {
        HTTPc_ReqClr(r, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        for (t, f) in [
            (
                HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
                q_complete as *mut c_void,
            ),
            (HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, q_err as *mut c_void),
        ] {
            HTTPc_ReqSetParam(r, t, f, &mut err);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
    }
    q(|s| {
        s.names.insert(r as usize, name);
        s.resps.insert(r as usize, resp as usize);
        s.reqs.insert(name, r as usize);
    });
    r
}

fn req(name: &'static str) -> *mut HTTPc_REQ_OBJ {
    q(|s| s.reqs[name]) as *mut HTTPc_REQ_OBJ
}

/// Makes `name`'s body chunked, from [`q_body_tx`].
fn chunked_body(name: &'static str) {
    let r = req(name);
    let mut err = 0;
    unsafe {
        let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_PLAIN;
        HTTPc_ReqSetParam(
            r,
            HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE,
            (&mut t as *mut HTTP_CONTENT_TYPE).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        let mut yes: CPU_BOOLEAN = DEF_YES;
        HTTPc_ReqSetParam(
            r,
            HTTPc_PARAM_TYPE_REQ_BODY_CHUNK,
            (&mut yes as *mut CPU_BOOLEAN).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_ReqSetParam(
            r,
            HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
            q_body_tx as *mut c_void,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
    }
}

fn send_raw(
    conn: *mut HTTPc_CONN_OBJ,
    name: &'static str,
    path: &'static str,
    flags: HTTPc_FLAGS,
    err: &mut HTTPc_ERR,
) -> CPU_BOOLEAN {
    let (r, resp) = q(|s| {
        let r = s.reqs[name];
        (r, s.resps[&r])
    });
    unsafe {
        HTTPc_ReqSend(
            conn,
            r as *mut HTTPc_REQ_OBJ,
            resp as *mut HTTPc_RESP_OBJ,
            HTTP_METHOD_GET,
            path.as_ptr().cast_mut().cast(),
            path.len() as u16,
            flags,
            err,
        )
    }
}

fn send(o: &Objs, name: &'static str, path: &'static str) -> HTTPc_ERR {
    let mut err = 0;
    send_raw(o.conn, name, path, NB, &mut err);
    err
}

fn log() -> Vec<String> {
    q(|s| s.log.clone())
}

/// A connected connection (persistent or not) with the logging OnClose.
fn connected(host: &str, persistent: bool) -> (Objs, std::rc::Rc<Sock>) {
    connected_t(host, persistent, 0)
}

fn connected_t(host: &str, persistent: bool, timeout_ms: u32) -> (Objs, std::rc::Rc<Sock>) {
    QS.with(|s| *s.borrow_mut() = Q::default());
    let o = Objs::new(0, 512, 0, host.as_bytes());
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        if persistent {
            set_conn_param::<CPU_BOOLEAN>(&o, HTTPc_PARAM_TYPE_PERSISTENT, DEF_YES);
        }
        if timeout_ms > 0 {
            set_conn_param::<CPU_INT32U>(&o, HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, timeout_ms);
        }
        let mut err = 0;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK,
            q_close as *mut c_void,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(
        e,
        Ev::Connect { ok: true, .. }
    ))));
    q(|s| s.conn = o.conn as usize);
    (o, sock)
}

/// Closes every connection still open among `objs`, runs the engine until all ended, and
/// checks the port's books.
fn close_all(objs: Vec<Objs>) {
    let mut err = 0;
    for o in objs.iter().filter(|o| !o.ended()) {
        unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    }
    assert!(objs[0].pump_until(10, 0, || objs.iter().all(|o| o.ended())));
    drop(objs);
    check_port().unwrap();
}

fn wire(sock: &Sock) -> String {
    String::from_utf8_lossy(&sock.tx.borrow()).into_owned()
}

fn requests_sent(sock: &Sock) -> Vec<String> {
    wire(sock)
        .split("\r\n")
        .filter(|l| l.ends_with(" HTTP/1.1"))
        .map(|l| l.split(' ').nth(1).unwrap_or("").to_string())
        .collect()
}

const OK1: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA";

/// Answers each request as it goes out with `answers[i]` (None: leave it unanswered), pumping
/// until the connection ended or `max` passes.
fn serve(o: &Objs, sock: &Sock, answers: &[Option<&[u8]>], max: u32) {
    let mut answered = 0;
    for _ in 0..max {
        if o.ended() {
            break;
        }
        let n = requests_sent(sock).len();
        while answered < n && answered < answers.len() {
            match answers[answered] {
                Some(a) if a == b"EOF" => sock.push(Gate::Now, Item::Eof),
                Some(a) => sock.push_now(a),
                None => {}
            }
            answered += 1;
        }
        o.pump_until(1, 10, || false);
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

// 1. Three requests queued; each OnTransComplete(DEF_OK) in send order, the request free in it
//    (legacy: HTTPcConn_ReqRemove before OnTransComplete, http-c_conn.c COMPLETED state).
#[test]
fn q1_three_in_order() {
    let _g = setup();
    let (o, sock) = connected("q1.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
    assert_eq!(send(&o, "r2", "/2"), HTTPc_ERR_NONE);
    assert_eq!(send(&o, "r3", "/3"), HTTPc_ERR_NONE);
    // HTTPc_ReqClr on a queued request: legacy HTTPc_REQ_IS_USED (IN_USE set by HTTPc_ReqSend).
    let mut err = 0;
    unsafe { HTTPc_ReqClr(req("r2"), &mut err) };
    assert_eq!(err, HTTPc_ERR_REQ_IS_USED);
    serve(
        &o,
        &sock,
        &[
            Some(OK1),
            Some(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1\r\n\r\nB"),
            Some(OK1),
        ],
        40,
    );
    assert_eq!(requests_sent(&sock), s(&["/1", "/2", "/3"]));
    assert_eq!(
        log(),
        s(&["r1 TC(OK) free", "r2 TC(OK) free", "r3 TC(OK) free"])
    );
    assert!(!o.ended());
}

// 2b. The server closes in the middle of r2's response: r2 OnErr(SOCK_CLOSED) then
//     OnTransComplete(FAIL); r3 (queued) OnTransComplete(FAIL) then OnErr(SOCK_CLOSED), in use
//     during both; OnClose(SERVER, SOCK_CLOSED).
#[test]
fn q2_server_close_mid_queue() {
    let _g = setup();
    let (o, sock) = connected("q2.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    for (n, p) in [("r1", "/1"), ("r2", "/2"), ("r3", "/3")] {
        assert_eq!(send(&o, n, p), HTTPc_ERR_NONE);
    }
    serve(
        &o,
        &sock,
        &[
            Some(OK1),
            Some(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nAB"),
            None,
        ],
        20,
    );
    sock.push(Gate::Now, Item::Eof);
    o.pump_until(20, 10, || o.ended());
    assert_eq!(requests_sent(&sock), s(&["/1", "/2"]));
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            "r2 ERR(106) used",
            "r2 TC(FAIL) free",
            "r3 TC(FAIL) used",
            "r3 ERR(106) used",
            "CLOSE(2,106)",
        ])
    );
}

// 2c. Timeout on r2 (transaction deadline): r2 OnErr(SIGNAL_TIMEOUT), TC(FAIL); r3 fails with the
//     close.
#[test]
fn q2_timeout_mid_queue() {
    let _g = setup();
    let (o, sock) = connected_t("q2t.test", true, 200);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    for (n, p) in [("r1", "/1"), ("r2", "/2"), ("r3", "/3")] {
        assert_eq!(send(&o, n, p), HTTPc_ERR_NONE, "{n}");
    }
    serve(&o, &sock, &[Some(OK1), None, None], 60);
    assert_eq!(requests_sent(&sock), s(&["/1", "/2"]));
    let l = log();
    assert_eq!(
        l,
        s(&[
            "r1 TC(OK) free",
            &format!("r2 ERR({HTTPc_ERR_CONN_SIGNAL_TIMEOUT}) used"),
            "r2 TC(FAIL) free",
            "r3 TC(FAIL) used",
            "r3 ERR(106) used",
            &format!("CLOSE(1,{HTTPc_ERR_CONN_SIGNAL_TIMEOUT})"),
        ])
    );
}

// 2d. r2's chunked body hook gives an empty chunk that is not the last
//     (HTTPc_ERR_REQ_BODY_CHUNK_INVALID, http-c_req.c:3194-3197).
#[test]
fn q2_body_hook_error_mid_queue() {
    let _g = setup();
    let (o, sock) = connected("q2b.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    chunked_body("r2");
    q(|s| s.body = vec![(0, false)]);
    for (n, p) in [("r1", "/1"), ("r2", "/2"), ("r3", "/3")] {
        assert_eq!(send(&o, n, p), HTTPc_ERR_NONE, "{n}");
    }
    serve(&o, &sock, &[Some(OK1), None, None], 30);
    let e = HTTPc_ERR_REQ_BODY_CHUNK_INVALID;
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            &format!("r2 ERR({e}) used"),
            "r2 TC(FAIL) free",
            "r3 TC(FAIL) used",
            "r3 ERR(106) used",
            &format!("CLOSE(1,{e})"),
        ])
    );
}

// 3. HTTPc_ConnClose with r1 in flight and r2, r3 queued (legacy HTTPcConn_Close: the list in
//    order, OnTransComplete(FAIL) then OnErr(SOCK_CLOSED) each, in use during both; OnClose(APP)
//    once, with ErrCode NONE from HTTPcConn_TransParamReset).
#[test]
fn q3_conn_close_with_queue() {
    let _g = setup();
    let (o, sock) = connected("q3.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    for (n, p) in [("r1", "/1"), ("r2", "/2"), ("r3", "/3")] {
        assert_eq!(send(&o, n, p), HTTPc_ERR_NONE, "{n}");
    }
    o.pump_until(3, 1, || false);
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    o.pump_until(10, 1, || o.ended());
    let _ = sock;
    assert_eq!(
        log(),
        s(&[
            "r1 TC(FAIL) used",
            "r1 ERR(106) used",
            "r2 TC(FAIL) used",
            "r2 ERR(106) used",
            "r3 TC(FAIL) used",
            "r3 ERR(106) used",
            "CLOSE(4,1)",
        ])
    );
}

// 3b. HTTPc_ConnClose from r1's OnTransComplete(OK) with r2, r3 queued: neither is sent, both fail
//     with the close, OnClose(APP, NONE).
#[test]
fn q3_conn_close_from_on_trans_complete() {
    let _g = setup();
    let (o, sock) = connected("q3b.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    q(|s| s.acts.insert(("r1", "TC"), Act::Close));
    for (n, p) in [("r1", "/1"), ("r2", "/2"), ("r3", "/3")] {
        assert_eq!(send(&o, n, p), HTTPc_ERR_NONE, "{n}");
    }
    serve(&o, &sock, &[Some(OK1), Some(OK1), Some(OK1)], 30);
    assert_eq!(requests_sent(&sock), s(&["/1"]));
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            "r2 TC(FAIL) used",
            "r2 ERR(106) used",
            "r3 TC(FAIL) used",
            "r3 ERR(106) used",
            "CLOSE(4,1)",
        ])
    );
}

// 5. A connection that is not persistent, a second request sent while the first runs: legacy
//    queues it (HTTPcConn_ReqAdd), the first goes with Connection: close, then HTTPcConn_Close
//    fails the second: TC(FAIL), OnErr(SOCK_CLOSED); OnClose(NO_PERSISTENT, NONE).
#[test]
fn q5_not_persistent_second_request() {
    let _g = setup();
    let (o, sock) = connected("q5.test", false);
    for n in ["r1", "r2"] {
        new_req(n);
    }
    assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
    assert_eq!(send(&o, "r2", "/2"), HTTPc_ERR_NONE);
    serve(&o, &sock, &[Some(OK1), Some(OK1)], 30);
    assert_eq!(requests_sent(&sock), s(&["/1"]));
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            "r2 TC(FAIL) used",
            "r2 ERR(106) used",
            "CLOSE(3,1)"
        ])
    );
}

// 6. Re-send from its own OnTransComplete with others queued: legacy posts it to the task queue
//    and HTTPcConn_ReqAdd appends it behind r2, r3.
#[test]
fn q6_resend_from_on_trans_complete_goes_last() {
    let _g = setup();
    let (o, sock) = connected("q6.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    q(|s| s.acts.insert(("r1", "TC"), Act::Resend("/1b")));
    for (n, p) in [("r1", "/1"), ("r2", "/2"), ("r3", "/3")] {
        assert_eq!(send(&o, n, p), HTTPc_ERR_NONE, "{n}");
    }
    serve(&o, &sock, &[Some(OK1), Some(OK1), Some(OK1), Some(OK1)], 40);
    assert_eq!(requests_sent(&sock), s(&["/1", "/2", "/3", "/1b"]));
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            "r2 TC(OK) free",
            "r3 TC(OK) free",
            "r1 TC(OK) free"
        ])
    );
    assert_eq!(q(|s| s.act_errs.clone()), s(&["r1 resend /1b: 1"]));
}

// 6b. Re-send from OnErr: in use (legacy: OnErr in the ERR state, before HTTPcConn_ReqRemove).
//     Re-send from OnTransComplete(FAIL) of a failed request: queued behind r3, then failed by
//     the close with it (legacy: its message is taken before the CLOSE state runs).
#[test]
fn q6_resend_from_on_err_and_failed_on_trans_complete() {
    let _g = setup();
    let (o, sock) = connected("q6b.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    q(|s| {
        s.acts.insert(("r2", "ERR"), Act::Resend("/2err"));
        s.acts.insert(("r2", "TC"), Act::Resend("/2tc"));
    });
    for (n, p) in [("r1", "/1"), ("r2", "/2"), ("r3", "/3")] {
        assert_eq!(send(&o, n, p), HTTPc_ERR_NONE, "{n}");
    }
    serve(&o, &sock, &[Some(OK1), Some(b"EOF"), None], 40);
    assert_eq!(requests_sent(&sock), s(&["/1", "/2"]));
    assert_eq!(
        q(|s| s.act_errs.clone()),
        s(&[
            &format!("r2 resend /2err: {HTTPc_ERR_REQ_IS_USED}"),
            "r2 resend /2tc: 1"
        ])
    );
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            "r2 ERR(106) used",
            "r2 TC(FAIL) free",
            "r3 TC(FAIL) used",
            "r3 ERR(106) used",
            "r2 TC(FAIL) used",
            "r2 ERR(106) used",
            "CLOSE(2,106)",
        ])
    );
}

// 6c. Another request sent from a failing request's OnErr: queued, then failed by the close.
#[test]
fn q6_other_request_from_on_err() {
    let _g = setup();
    let (o, sock) = connected("q6c.test", true);
    for n in ["r1", "r2"] {
        new_req(n);
    }
    q(|s| s.acts.insert(("r1", "ERR"), Act::SendOther("r2", "/2")));
    assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
    serve(&o, &sock, &[Some(b"EOF")], 40);
    assert_eq!(requests_sent(&sock), s(&["/1"]));
    assert_eq!(q(|s| s.act_errs.clone()), s(&["r2 sent /2: 1"]));
    assert_eq!(
        log(),
        s(&[
            "r1 ERR(106) used",
            "r1 TC(FAIL) free",
            "r2 TC(FAIL) used",
            "r2 ERR(106) used",
            "CLOSE(2,106)"
        ])
    );
}

// 8. The server closes the kept connection while idle (keep-alive timeout): legacy's task sees it
//    in PARAM_VALIDATE (HTTPcSock_IsRxClosed) at once: OnClose(SERVER, NONE); a later
//    non-blocking HTTPc_ReqSend returns DEF_FAIL/HTTPc_ERR_NONE and the task calls
//    OnErr(HTTPc_ERR_CONN_IS_RELEASED) (http-c_task.c:259-265).
#[test]
fn q8_idle_close_then_send() {
    let _g = setup();
    let (o, sock) = connected("q8.test", true);
    new_req("r1");
    new_req("r2");
    assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
    serve(&o, &sock, &[Some(OK1)], 10);
    sock.push(Gate::Now, Item::Eof);
    o.pump_until(10, 10, || o.ended());
    let mut err = 0;
    let ok = send_raw(o.conn, "r2", "/2", NB, &mut err);
    o.pump_until(5, 10, || false);
    let st = probe(req("r2"));
    q(|s| s.log.push(format!("send -> ({ok},{err}) r2 {st}")));
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            "CLOSE(2,1)",
            &format!("send -> (0,{HTTPc_ERR_CONN_IS_RELEASED}) r2 free")
        ])
    );
}

// 9. r2 queued behind r1; the server's FIN comes right behind r1's response. Legacy: r1
//    completes; PARAM_VALIDATE finds the socket closed (HTTPcSock_IsRxClosed, http-c_conn.c
//    TransProcess PARAM_VALIDATE) with r2 at the list head: ErrCode NONE, CloseStatus SERVER,
//    COMPLETED: r2 removed, OnTransComplete(stale success), no OnErr; OnClose(SERVER, NONE).
//    (a) the FIN read with the response, (b) read at r2's turn.
#[test]
fn q9_fin_behind_response_with_queue() {
    // (a) the FIN read with the response, (b) at r2's turn.
    for (host, next_read) in [("q9.test", false), ("q9b.test", true)] {
        let _g = setup();
        let (o, sock) = connected(host, true);
        new_req("r1");
        new_req("r2");
        if next_read {
            sock.rx_policy.borrow_mut().max_chunk = OK1.len();
        }
        assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
        assert_eq!(send(&o, "r2", "/2"), HTTPc_ERR_NONE);
        sock.push_reply(OK1);
        sock.push(Gate::SentMoreThan(0), Item::Eof);
        o.pump_until(20, 10, || o.ended());
        assert_eq!(requests_sent(&sock), s(&["/1"]), "{host}");
        assert_eq!(
            log(),
            s(&[
                "r1 TC(OK) free",
                "r2 ERR(106) used",
                "r2 TC(FAIL) free",
                "CLOSE(2,1)"
            ]),
            "{host}"
        );
    }
}

// 10. r1's response says Connection: close, r2 queued: legacy TO_CLOSE from the header
//     (http-c_resp.c:654-655), HTTPcConn_Close fails r2; OnClose(NO_PERSISTENT, NONE).
#[test]
fn q10_connection_close_response_with_queue() {
    let _g = setup();
    let (o, sock) = connected("q10.test", true);
    new_req("r1");
    new_req("r2");
    assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
    assert_eq!(send(&o, "r2", "/2"), HTTPc_ERR_NONE);
    serve(
        &o,
        &sock,
        &[Some(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nA",
        )],
        20,
    );
    assert_eq!(requests_sent(&sock), s(&["/1"]));
    assert_eq!(
        log(),
        s(&[
            "r1 TC(OK) free",
            "r2 TC(FAIL) used",
            "r2 ERR(106) used",
            "CLOSE(3,1)"
        ])
    );
}

// 11. HTTPc_ConnClose then HTTPc_ReqSend(r2) from r1's OnTransComplete. Legacy: both only post to
//     the task queue (http-c.c:3091, :1318), one message a pass (http-c_task.c:243): the CLOSE
//     runs first (HTTPcConn_Close: the list is empty, OnClose(APP, NONE), IN_USE cleared), then
//     the REQ message finds the connection released: r2's OnErr(HTTPc_ERR_CONN_IS_RELEASED) alone
//     (http-c_task.c:259-265), after OnClose.
#[test]
fn q11_close_then_send_from_on_trans_complete() {
    let _g = setup();
    let (o, sock) = connected("q11.test", true);
    new_req("r1");
    new_req("r2");
    q(|s| s.acts.insert(("r1", "TC"), Act::CloseThenSend("r2", "/2")));
    assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
    serve(&o, &sock, &[Some(OK1), Some(OK1)], 20);
    let st = probe(req("r2"));
    q(|s| s.log.push(format!("r2 {st}")));
    assert_eq!(requests_sent(&sock), s(&["/1"]));
    assert_eq!(log(), s(&["r1 TC(OK) free", "CLOSE(4,1)", "r2 free"]));
    // The error comes from the call (legacy: through OnErr after OnClose, the request left in use).
    assert_eq!(
        q(|s| s.act_errs.clone()),
        s(&[
            "ConnClose: 1",
            &format!("r2 sent /2: {HTTPc_ERR_CONN_IS_RELEASED}")
        ])
    );
}

// 12. HTTPc_ReqSend(r2) then HTTPc_ReqSend(r3) from r1's OnTransComplete, nothing queued. Legacy
//     queues both (http-c_task.c:259-261, http-c_conn.c:735) and starts each after the one
//     before completed (http-c_conn.c:448-503). r2 takes the free connection at once, r3 waits
//     for r2's end (it was started behind r2's back, and both failed with the connection).
#[test]
fn q12_two_sent_from_on_trans_complete_run_in_turn() {
    let _g = setup();
    let (o, sock) = connected("q12.test", true);
    for n in ["r1", "r2", "r3"] {
        new_req(n);
    }
    q(|s| {
        let two = Act::SendTwo([("r2", "/2"), ("r3", "/3")]);
        s.acts.insert(("r1", "TC"), two)
    });
    assert_eq!(send(&o, "r1", "/1"), HTTPc_ERR_NONE);
    serve(&o, &sock, &[Some(OK1), Some(OK1), Some(OK1)], 40);
    assert_eq!(
        q(|s| s.act_errs.clone()),
        s(&["r2 sent /2: 1", "r3 sent /3: 1"])
    );
    assert_eq!(
        log(),
        s(&["r1 TC(OK) free", "r2 TC(OK) free", "r3 TC(OK) free"])
    );
    assert_eq!(requests_sent(&sock), s(&["/1", "/2", "/3"]));
    assert!(!o.ended());
}

/// A blocking `HTTPc_ConnOpen` whose connection, connected in a pass, is given a request by
/// another connection's `OnConnect` in that same pass: the open succeeded (it used to return
/// `HTTPc_ERR_CONN_SOCK_CONNECT` for a connection the library went on using, its buffer too).
#[test]
fn a_blocking_open_succeeds_when_a_hook_of_the_same_pass_uses_the_connection() {
    thread_local! {
        static TARGET: std::cell::Cell<(*mut HTTPc_CONN_OBJ, *mut HTTPc_REQ_OBJ, *mut HTTPc_RESP_OBJ)> =
            const { std::cell::Cell::new((std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut())) };
        static SENT: std::cell::Cell<HTTPc_ERR> = const { std::cell::Cell::new(0) };
    }
    unsafe extern "C" fn send_on_target(_c: *mut HTTPc_CONN_OBJ, ok: CPU_BOOLEAN) {
        let (conn, req, resp) = TARGET.with(|t| t.get());
        let (path, mut err) = (b"/x", 0);
        if ok == DEF_OK {
            let p = path.as_ptr().cast_mut().cast();
            unsafe { HTTPc_ReqSend(conn, req, resp, HTTP_METHOD_GET, p, 2, NB, &mut err) };
            SENT.with(|s| s.set(err));
        }
    }
    let _g = setup();
    let (target, other) = (
        Objs::new(0, 512, 0, b"c.test"),
        Objs::new(0, 512, 0, b"d.test"),
    );
    world(|w| w.expect_connect("c.test", ConnectMode::Ok));
    world(|w| w.expect_connect("d.test", ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        assert_eq!(target.conn_setup(false), HTTPc_ERR_NONE);
        assert_eq!(target.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(other.conn_setup(true), HTTPc_ERR_NONE);
        let hook = send_on_target as *mut c_void;
        HTTPc_ConnSetParam(
            other.conn,
            HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK,
            hook,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        TARGET.with(|t| t.set((target.conn, target.req, target.resp)));
        // The other one queued first: the target, added last, heads the engine's list, so the
        // pass of the blocking open connects it, then the other, whose OnConnect sends on it.
        assert_eq!(other.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
        let opened = target.open(HTTPc_FLAG_NONE, &mut err);
        assert_eq!(
            SENT.with(|s| s.get()),
            HTTPc_ERR_NONE,
            "the request on the target"
        );
        assert_eq!((opened, err), (DEF_OK, HTTPc_ERR_NONE));
    }
    close_all(vec![other, target]);
}

/// A connection closed in the middle of a request and opened again (without `HTTPc_ConnClr`,
/// which a reconnect does not need) no longer reaches that request: the object is the
/// application's again, here sent on another connection whose response ends with the server's
/// close. The reopened connection, idle, is watched for reads (each pass read the reused
/// request's state through it, which left it unwatched: a server's close went unnoticed).
#[test]
fn a_reopened_connection_lets_go_of_the_request_its_close_failed() {
    let _g = setup();
    let (a, sock_a) = connected("first.test", true);
    new_req("r1");
    assert_eq!(send(&a, "r1", "/1"), HTTPc_ERR_NONE);
    serve(&a, &sock_a, &[None], 3);
    let mut err = 0;
    unsafe { HTTPc_ConnClose(a.conn, HTTPc_FLAG_NONE, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    assert!(a.pump_until(5, 0, || a.ended()));
    // The request on another connection, its response delimited by the server's close.
    let b = Objs::new(0, 512, 0, b"second.test");
    let sock_b = world(|w| w.expect_connect("second.test", ConnectMode::Ok));
    unsafe {
        assert_eq!(b.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(b.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
    }
    assert_eq!(send(&b, "r1", "/b"), HTTPc_ERR_NONE);
    assert!(b.pump_until(10, 0, || !requests_sent(&sock_b).is_empty()));
    sock_b.push_now(b"HTTP/1.1 200 OK\r\n\r\nxyz");
    sock_b.push(Gate::Now, Item::Eof);
    assert!(b.pump_until(20, 0, || b.ended()));
    // The first connection again, idle.
    let sock_a2 = world(|w| w.expect_connect("first.test", ConnectMode::Ok));
    unsafe { assert_eq!(a.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL) };
    let _ = a.pump_until(3, 0, || false);
    assert!(!a.ended());
    // A blocking open of a third connection makes the library wait on every socket.
    let c = Objs::new(0, 512, 0, b"third.test");
    world(|w| w.expect_connect("third.test", ConnectMode::Later(3)));
    unsafe {
        assert_eq!(c.conn_setup(false), HTTPc_ERR_NONE);
        assert_eq!(c.open(HTTPc_FLAG_NONE, &mut err), DEF_OK);
    }
    let watched = world(|w| w.last_wait.borrow().clone());
    let a_id = sock_a2.id.get();
    assert!(
        watched
            .iter()
            .any(|&(id, want)| id == a_id && want & HTTPc_PORT_WAIT_RD != 0),
        "{watched:?}, the reopened connection is socket {a_id}"
    );
    close_all(vec![a, b, c]);
}
