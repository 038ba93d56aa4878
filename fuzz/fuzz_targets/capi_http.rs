//! capi_http: plain requests (`HTTPc_ReqSend`) through the C API, driven by a fuzzed script.
//!
//! The port is the scripted Rust port of `tests/support`: its Recv returns the bytes the script
//! pushed (raw fuzz bytes, or one of a few well-formed responses so that scripts reach deep
//! states), in script-chosen chunks, would-blocks, closes and errors. Between them the script
//! sends requests on up to three request objects (non-blocking, so several queue on the
//! persistent connection; sometimes blocking, which drives the engine itself), with a body by
//! length or chunked from a body hook that gives script-chosen pieces, runs engine passes,
//! moves the clock, and closes the connection. The response-body hook takes script-chosen
//! amounts (none at times).
//!
//! Input layout: 2 header bytes (persistent and buffer size; body-hook policy), then one op per
//! byte followed by its arguments (see `run`).
//!
//! Invariants: no crash (ASan); every request handed to the engine ends exactly once — a
//! non-blocking one with exactly one `OnTransComplete`, at most one `OnErr` and only with
//! `DEF_FAIL` — and no body hook or completion runs for a request that is not in flight; once
//! the connection is closed and the engine idle, every request object can be cleared (nothing
//! left in use).
#![no_main]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ffi::c_void;

use httpc_ws::capi::http_req::HTTPc_ReqSend;
use httpc_ws_fuzz::input::Reader;
use httpc_ws_fuzz::support::*;
use libfuzzer_sys::fuzz_target;

const HOST: &str = "fuzz.test";
const NREQ: usize = 3;

/// Per request object: what its hooks saw.
#[derive(Default, Debug)]
struct Seen {
    /// Handed to the engine (non-blocking accepted, or blocking that reached the engine).
    started: u32,
    complete: u32,
    complete_ok: u32,
    errs: u32,
    /// A hook ran while the request was not in flight.
    stray: bool,
    in_flight: bool,
}

#[derive(Default)]
struct Script {
    seen: BTreeMap<usize, Seen>,
    /// Body-hook pieces (length; 0 ends a chunked body), consumed in order.
    tx_pieces: Vec<u16>,
    /// Bytes the response-body hook takes per call (0: none), cycled.
    rx_takes: Vec<u8>,
    rx_calls: usize,
}

thread_local! {
    static S: RefCell<Script> = RefCell::new(Script::default());
}

fn with<R>(f: impl FnOnce(&mut Script) -> R) -> R {
    S.with(|s| f(&mut s.borrow_mut()))
}

fn seen<R>(r: *mut HTTPc_REQ_OBJ, f: impl FnOnce(&mut Seen) -> R) -> R {
    with(|s| f(s.seen.entry(r as usize).or_default()))
}

unsafe extern "C" fn on_complete(
    _c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    _resp: *mut HTTPc_RESP_OBJ,
    ok: CPU_BOOLEAN,
) {
    seen(r, |s| {
        s.stray |= !s.in_flight;
        s.in_flight = false;
        s.complete += 1;
        s.complete_ok += u32::from(ok == DEF_OK);
    });
}

unsafe extern "C" fn on_err(_c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ, _e: HTTPc_ERR) {
    // Legacy's orders: OnErr before OnTransComplete when the transaction fails, after it when
    // the application closes the connection: checked at the end by count.
    seen(r, |s| s.errs += 1);
}

unsafe extern "C" fn on_body_tx(
    _c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    _p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    seen(r, |s| s.stray |= !s.in_flight);
    let n = with(|s| {
        if s.tx_pieces.is_empty() {
            0
        } else {
            s.tx_pieces.remove(0)
        }
    });
    let n = n.min(buf_len);
    // SAFETY (fuzz): the library offered `buf_len` bytes at `p_buf` for this call.
    unsafe {
        std::ptr::write_bytes(p_buf.cast::<u8>(), b'b', usize::from(n));
        *p_len = n;
    }
    if n == 0 {
        DEF_YES
    } else {
        DEF_NO
    }
}

unsafe extern "C" fn on_body_rx(
    _c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    _t: HTTP_CONTENT_TYPE,
    p_data: *mut c_void,
    len: CPU_INT16U,
    _last: CPU_BOOLEAN,
) -> CPU_INT32U {
    seen(r, |s| s.stray |= !s.in_flight);
    if !p_data.is_null() && len > 0 {
        // SAFETY (fuzz): `len` readable bytes for the call (ASan checks it).
        let _ = unsafe { std::ptr::read_volatile(p_data.cast::<u8>().add(usize::from(len) - 1)) };
    }
    let take = with(|s| {
        s.rx_calls += 1;
        let i = s.rx_calls % s.rx_takes.len().max(1);
        s.rx_takes.get(i).copied().unwrap_or(255)
    });
    u32::from(len).min(if take == 255 {
        u32::MAX
    } else {
        u32::from(take)
    })
}

/// Well-formed responses a script may push, so that it gets past the status line often.
const RESPONSES: [&[u8]; 6] = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"HTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.0 200 OK\r\n\r\nuntil close",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
];

fn step(r: &mut Reader<'_>) -> Step {
    match r.u8() % 8 {
        0 => Step::WouldBlock,
        1 => Step::Closed,
        2 => Step::Err,
        _ => Step::Take(1 + usize::from(r.u8() % 64)),
    }
}

fn set(req: *mut HTTPc_REQ_OBJ, t: HTTPc_PARAM_TYPE, p: *mut c_void) {
    let mut err = 0;
    // SAFETY (fuzz): a live request object; `p` is what the parameter type takes.
    unsafe { HTTPc_ReqSetParam(req, t, p, &mut err) };
}

fn run(data: &[u8], o: &Objs, reqs: &mut [Box<HTTPc_REQ_OBJ>], resps: &mut [Box<HTTPc_RESP_OBJ>]) {
    let mut r = Reader::new(data);
    let h0 = r.u8();
    let h1 = r.u8();
    with(|s| {
        s.rx_takes = (0..4)
            .map(|i| [255, 0, 1, 7][usize::from((h1 >> (2 * i)) & 3)])
            .collect()
    });
    let sock = world(|w| w.expect_connect(HOST, ConnectMode::Ok));
    let mut err = 0;
    // SAFETY (fuzz): this run's own objects.
    unsafe {
        o.conn_setup(true);
        let mut persistent: CPU_BOOLEAN = if h0 & 1 != 0 { DEF_YES } else { DEF_NO };
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_PERSISTENT,
            (&mut persistent as *mut u8).cast(),
            &mut err,
        );
        let mut ms: CPU_INT32U = 2000;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS,
            (&mut ms as *mut u32).cast(),
            &mut err,
        );
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
    }
    o.pump_until(5, 0, || false);
    for req in reqs.iter_mut() {
        let p: *mut HTTPc_REQ_OBJ = &mut **req;
        // SAFETY (fuzz): a live request object.
        unsafe { HTTPc_ReqClr(p, &mut err) };
        set(
            p,
            HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
            on_complete as *mut c_void,
        );
        set(
            p,
            HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
            on_err as *mut c_void,
        );
        set(
            p,
            HTTPc_PARAM_TYPE_RESP_BODY_HOOK,
            on_body_rx as *mut c_void,
        );
        set(p, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, on_body_tx as *mut c_void);
    }
    let mut ops = 0;
    while !r.is_empty() && ops < 64 {
        ops += 1;
        match r.u8() % 10 {
            0 | 1 => {
                let i = usize::from(r.u8()) % NREQ;
                let req: *mut HTTPc_REQ_OBJ = &mut *reqs[i];
                let resp: *mut HTTPc_RESP_OBJ = &mut *resps[i];
                let sel = r.u8();
                let method = HTTP_METHOD::from(sel % 9);
                if sel & 0x10 != 0 {
                    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_PLAIN;
                    set(
                        req,
                        HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE,
                        (&mut t as *mut u32).cast(),
                    );
                    if sel & 0x20 != 0 {
                        let mut yes: CPU_BOOLEAN = DEF_YES;
                        set(
                            req,
                            HTTPc_PARAM_TYPE_REQ_BODY_CHUNK,
                            (&mut yes as *mut u8).cast(),
                        );
                    } else {
                        let mut len: CPU_INT32U = u32::from(r.u8());
                        set(
                            req,
                            HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN,
                            (&mut len as *mut u32).cast(),
                        );
                    }
                    let n = usize::from(r.u8() % 4);
                    let pieces: Vec<u16> = (0..n).map(|_| u16::from(r.u8())).collect();
                    with(|s| s.tx_pieces.extend(pieces));
                }
                let blocking = sel & 0xC0 == 0xC0;
                let flags = if blocking { 0 } else { HTTPc_FLAG_REQ_NO_BLOCK };
                let path = b"/fuzz?x=1";
                let (before, completed, errs) = seen(req, |s| (s.in_flight, s.complete, s.errs));
                seen(req, |s| s.in_flight = true);
                // SAFETY (fuzz): live objects; the path outlives the transaction (static).
                let ok = unsafe {
                    HTTPc_ReqSend(
                        o.conn,
                        req,
                        resp,
                        method,
                        path.as_ptr().cast_mut().cast(),
                        path.len() as u16,
                        flags,
                        &mut err,
                    )
                };
                seen(req, |s| {
                    if blocking {
                        // Its outcome is the return value; a close during the wait may also
                        // have completed it once (legacy's HTTPcConn_Close does).
                        assert!(
                            s.complete - completed <= 1 && s.errs - errs <= 1,
                            "blocking request ended twice: {s:?}"
                        );
                        s.complete = completed;
                        s.errs = errs;
                        s.in_flight = before;
                    } else if ok == DEF_FAIL && err == HTTPc_ERR_NONE {
                        s.started += 1;
                    } else {
                        s.in_flight = before;
                    }
                });
            }
            2 | 3 => {
                let bytes: Vec<u8> = if r.bool() {
                    RESPONSES[usize::from(r.u8()) % RESPONSES.len()].to_vec()
                } else {
                    let n = usize::from(r.u8() % 96);
                    (0..n).map(|_| r.u8()).collect()
                };
                sock.push_now(&bytes);
            }
            4 => {
                let st = step(&mut r);
                sock.rx_policy.borrow_mut().steps.push_back(st);
            }
            5 => {
                let st = step(&mut r);
                sock.tx_policy.borrow_mut().steps.push_back(st);
            }
            6 | 7 => {
                // SAFETY (fuzz): the engine pass of the poll model.
                unsafe { HTTPc_TaskHandler() };
                let ms = u32::from(r.u8()) * 8;
                world(|w| w.now.set(w.now.get().wrapping_add(ms)));
            }
            8 => sock.push(Gate::Now, Item::Eof),
            _ => {
                // SAFETY (fuzz): a live connection object.
                unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
            }
        }
    }
    // The end: closed by the application, the engine run until idle.
    // SAFETY (fuzz): a live connection object.
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    for _ in 0..20 {
        // SAFETY (fuzz): the poll model's engine pass.
        unsafe { HTTPc_TaskHandler() };
        world(|w| w.now.set(w.now.get().wrapping_add(100)));
    }
    for (i, req) in reqs.iter_mut().enumerate() {
        let p: *mut HTTPc_REQ_OBJ = &mut **req;
        // SAFETY (fuzz): a live request object.
        unsafe { HTTPc_ReqClr(p, &mut err) };
        assert_eq!(
            err, HTTPc_ERR_NONE,
            "request {i} still in use after the close"
        );
        seen(p, |s| {
            assert!(!s.stray, "request {i}: a hook after its end: {s:?}");
            assert_eq!(s.complete, s.started, "request {i}: completions: {s:?}");
            assert!(
                s.errs <= s.complete - s.complete_ok,
                "request {i}: OnErr without a failure: {s:?}"
            );
        });
    }
}

fuzz_target!(|data: &[u8]| {
    let _g = serial();
    ensure_init();
    world(|w| w.reset());
    with(|s| *s = Script::default());
    let buf_len = [256u16, 300, 1024][usize::from(data.first().copied().unwrap_or(0) >> 1) % 3];
    let o = Objs::new(0, buf_len, 0, HOST.as_bytes());
    let mut reqs: Vec<Box<HTTPc_REQ_OBJ>> = (0..NREQ).map(|_| Objs::zeroed_obj()).collect();
    let mut resps: Vec<Box<HTTPc_RESP_OBJ>> = (0..NREQ).map(|_| Objs::zeroed_obj()).collect();
    run(data, &o, &mut reqs, &mut resps);
});
