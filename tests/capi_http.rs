//! `HTTPc_ReqSend` (issue #17) through the C API with the scripted port (`tests/support`):
//! the request bytes on the wire for each method and body mode, the response delivered to the
//! response object and hooks for each framing (length, chunked, until close, none), split at
//! every byte, the connection kept or closed as legacy does, and hostile responses refused
//! with their `HTTPc_ERR_*` and nothing delivered lost.
// The C constants' own names, matched in patterns.
#![allow(non_upper_case_globals)]

mod support;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ffi::c_void;
use std::ptr::null_mut;

use httpc_ws::capi::http_req::HTTPc_ReqSend;
use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_REQ_NO_BLOCK;

/// One answer of the request-body hook.
#[derive(Clone)]
enum Piece {
    /// Written into the buffer it was offered, with the "last" answer.
    Buf(Vec<u8>, bool),
    /// Pointed at in the hook's own (leaked, static) memory.
    Own(&'static [u8], bool),
}

#[derive(Default)]
struct Body {
    /// What the request-body hook gives, one per call.
    tx: VecDeque<Piece>,
    /// `buf_len` offered at each request-body hook call.
    offered: Vec<u16>,
    /// Each response-body hook call: data, last flag, content type.
    rx: Vec<(Vec<u8>, bool, HTTP_CONTENT_TYPE)>,
    /// Most bytes the response-body hook takes per call (None: all).
    take: Option<usize>,
    /// Calls to refuse (take nothing) before taking again.
    refuse: u32,
    /// The response-body hook calls `HTTPc_ConnClose` from its last call.
    close_on_last: bool,
}

thread_local! {
    static BODY: RefCell<Body> = RefCell::new(Body::default());
}

fn body<R>(f: impl FnOnce(&mut Body) -> R) -> R {
    BODY.with(|b| f(&mut b.borrow_mut()))
}

unsafe extern "C" fn on_body_tx(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    let piece = body(|b| {
        b.offered.push(buf_len);
        b.tx.pop_front()
    });
    let (len, last) = match piece {
        None => (0, true),
        Some(Piece::Buf(bytes, last)) => {
            let n = bytes.len().min(usize::from(buf_len));
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p_buf.cast::<u8>(), n) };
            (bytes.len(), last)
        }
        Some(Piece::Own(bytes, last)) => {
            unsafe { *p_data = bytes.as_ptr().cast_mut().cast() };
            (bytes.len(), last)
        }
    };
    unsafe { *p_data_len = len as u16 };
    if last {
        DEF_YES
    } else {
        DEF_NO
    }
}

unsafe extern "C" fn on_body_rx(
    c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    content_type: HTTP_CONTENT_TYPE,
    p_data: *mut c_void,
    data_len: CPU_INT16U,
    last: CPU_BOOLEAN,
) -> CPU_INT32U {
    let data = if p_data.is_null() {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(p_data.cast::<u8>(), usize::from(data_len)) }.to_vec()
    };
    body(|b| {
        if b.refuse > 0 {
            b.refuse -= 1;
            return 0;
        }
        let n = b.take.map_or(data.len(), |t| t.min(data.len()));
        b.rx.push((data[..n].to_vec(), last == DEF_YES, content_type));
        if b.close_on_last && last == DEF_YES {
            let mut err = 0;
            unsafe { HTTPc_ConnClose(c, HTTPc_FLAG_NONE, &mut err) };
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        n as u32
    })
}

fn req_param<T>(o: &Objs, t: HTTPc_PARAM_TYPE, v: &mut T) -> HTTPc_ERR {
    let mut err = 0;
    unsafe { HTTPc_ReqSetParam(o.req, t, (v as *mut T).cast(), &mut err) };
    err
}

fn req_hook(o: &Objs, t: HTTPc_PARAM_TYPE, f: *mut c_void) {
    let mut err = 0;
    unsafe { HTTPc_ReqSetParam(o.req, t, f, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
}

/// A connected connection (`persistent` or not) with the request hooks set, its socket
/// scripted to answer with `response` (released at once: it is read after the request went).
fn connected(
    host: &str,
    buf_len: u16,
    persistent: bool,
    response: &[u8],
) -> (Objs, std::rc::Rc<Sock>) {
    body(|b| *b = Body::default());
    let o = Objs::new(0, buf_len, 0, host.as_bytes());
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    sock.push_reply(response);
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        if persistent {
            set_conn_param::<CPU_BOOLEAN>(&o, HTTPc_PARAM_TYPE_PERSISTENT, DEF_YES);
        }
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        let mut err = 0;
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(
        e,
        Ev::Connect { ok: true, .. }
    ))));
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_RESP_BODY_HOOK,
        on_body_rx as *mut c_void,
    );
    (o, sock)
}

fn send(o: &Objs, method: HTTP_METHOD, path: &str, flags: HTTPc_FLAGS) -> (CPU_BOOLEAN, HTTPc_ERR) {
    o.req_send(method, path, flags)
}

/// Sends a non-blocking GET and pumps until the connection's `OnClose`.
fn get_until_closed(o: &Objs) {
    assert_eq!(
        send(o, HTTP_METHOD_GET, "/", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert!(o.pump_until(50, 1, || has(o, |e| matches!(e, Ev::ConnClose { .. }))));
}

/// Sends a non-blocking request and pumps until its `OnTransComplete`.
fn transact(o: &Objs, method: HTTP_METHOD, path: &str) {
    assert_eq!(send(o, method, path, NB), (DEF_FAIL, HTTPc_ERR_NONE));
    assert!(
        o.pump_until(50, 1, || has(o, |e| matches!(e, Ev::TransComplete { .. }))),
        "no completion: {:#?}",
        world(|w| w.events())
    );
}

/// Sets a table parameter of `o`'s request: `entries`, as an `HTTPc_PARAM_TBL`.
fn set_table<T>(o: &Objs, t: HTTPc_PARAM_TYPE, entries: &mut [T]) -> HTTPc_ERR {
    let mut tbl = HTTPc_PARAM_TBL {
        TblPtr: entries.as_mut_ptr().cast(),
        EntryNbr: entries.len() as u16,
    };
    req_param(o, t, &mut tbl)
}

/// Sets a table parameter (see [`set_table`]), then sends a non-blocking `method` to `/`: the
/// error `HTTPc_ReqSend` gave.
fn send_with_table<T>(
    o: &Objs,
    t: HTTPc_PARAM_TYPE,
    entries: &mut [T],
    method: HTTP_METHOD,
) -> HTTPc_ERR {
    assert_eq!(set_table(o, t, entries), HTTPc_ERR_NONE);
    send(o, method, "/", NB).1
}

/// The request's `OnErr` said `err`.
fn assert_trans_err(o: &Objs, err: HTTPc_ERR) {
    assert!(
        has(o, |e| matches!(e, Ev::TransErr { err: r, .. } if *r == err)),
        "{:#?}",
        events(o)
    );
}

/// Pumps until the connection ended; its `OnClose` said `status` and `err`.
fn assert_closes(o: &Objs, status: HTTPc_CONN_CLOSE_STATUS, err: HTTPc_ERR) {
    assert!(o.pump_until(10, 1, || o.ended()), "{:#?}", events(o));
    assert!(
        has(
            o,
            |e| matches!(e, Ev::ConnClose { status: s, err: r, .. } if *s == status && *r == err)
        ),
        "{:#?}",
        events(o)
    );
}

fn events(o: &Objs) -> Vec<Ev> {
    let id = o.id();
    o.since_open(|log| log.iter().filter(|e| e.conn() == id).cloned().collect())
}

/// Clears the WebSocket object and sends its upgrade on `o`'s connection (non-blocking:
/// accepted).
fn upgrade_nb(o: &Objs) {
    let mut err = 0;
    unsafe {
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
    }
    assert_eq!(err, HTTPc_ERR_NONE);
}

fn wire(sock: &Sock) -> String {
    String::from_utf8_lossy(&sock.tx.borrow()).into_owned()
}

fn resp(o: &Objs) -> (HTTP_STATUS_CODE, HTTP_PROTOCOL_VER, HTTP_CONTENT_TYPE, u32) {
    let r = unsafe { &*o.resp };
    // Never NULL: an application that prints it stays safe.
    assert!(!r.ReasonPhrasePtr.is_null());
    assert_eq!(unsafe { *r.ReasonPhrasePtr }, 0);
    (r.StatusCode, r.ProtocolVer, r.ContentType, r.ContentLen)
}

fn rx_body() -> Vec<u8> {
    body(|b| b.rx.iter().flat_map(|(d, _, _)| d.clone()).collect())
}

fn status_of(code: u16) -> HTTP_STATUS_CODE {
    httpc_ws::capi::consts::status_code_from_number(code)
}

#[test]
fn get_with_length_body_then_legacy_close() {
    let _g = setup();
    let response = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\
Server: t\r\n\r\n{\"ok\":true}";
    let (o, sock) = connected("api.test", 512, false, response);
    transact(&o, HTTP_METHOD_GET, "/v1/status");
    assert_eq!(
        wire(&sock),
        "GET /v1/status HTTP/1.1\r\nHost: api.test\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(
        resp(&o),
        (
            status_of(200),
            HTTP_PROTOCOL_VER_1_1,
            HTTP_CONTENT_TYPE_JSON,
            11
        )
    );
    assert_eq!(rx_body(), b"{\"ok\":true}");
    // The last piece says so; nothing is called after it for a body of known length.
    assert_eq!(
        body(|b| b.rx.last().map(|r| (r.1, r.2))),
        Some((true, HTTP_CONTENT_TYPE_JSON))
    );
    let ev = events(&o);
    // Only the headers the library does not read itself reach the header hook.
    let hdrs: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            Ev::RespHdr { field, value, .. } => Some((*field, value.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(hdrs, vec![(HTTP_HDR_FIELD_SERVER, b"t".to_vec())]);
    // Legacy order: the completion, then the close of a connection that is not persistent.
    let tail: Vec<_> = ev
        .iter()
        .filter(|e| {
            matches!(
                e,
                Ev::TransComplete { .. } | Ev::ConnClose { .. } | Ev::TransErr { .. }
            )
        })
        .cloned()
        .collect();
    assert_eq!(
        tail,
        vec![
            Ev::TransComplete {
                conn: o.id(),
                status: status_of(200),
                ok: true
            },
            Ev::ConnClose {
                conn: o.id(),
                status: HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT,
                err: HTTPc_ERR_NONE
            },
        ]
    );
}

#[test]
fn every_split_of_a_chunked_response_delivers_the_same_body() {
    let _g = setup();
    let response: &[u8] = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\
Content-Type: text/plain\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nX-T: 1\r\n\r\n";
    for chunk in [1usize, 2, 3, 7, 64] {
        let (o, sock) = connected("c.test", 256, false, response);
        sock.rx_policy.borrow_mut().max_chunk = chunk;
        transact(&o, HTTP_METHOD_GET, "/c");
        assert_eq!(rx_body(), b"hello world!", "split {chunk}");
        assert_eq!(resp(&o).0, status_of(201));
        assert_eq!(resp(&o).2, HTTP_CONTENT_TYPE_PLAIN);
        // Chunked: every data call says "not last", then one empty call says "last".
        let calls = body(|b| b.rx.clone());
        assert!(calls[..calls.len() - 1]
            .iter()
            .all(|c| !c.1 && !c.0.is_empty()));
        assert_eq!(calls.last().map(|c| (c.0.len(), c.1)), Some((0, true)));
        // As legacy, each chunk in one call, however it arrived.
        let pieces: Vec<&[u8]> = calls.iter().map(|c| &c.0[..]).collect();
        assert_eq!(
            pieces,
            [&b"hello"[..], b" ", b"world!", b""],
            "split {chunk}"
        );
        assert!(o.pump_until(10, 1, || o.ended()));
    }
}

#[test]
fn a_chunk_larger_than_the_buffer_goes_a_full_buffer_at_a_time() {
    let _g = setup();
    // 300 bytes in one chunk, a 256-byte buffer: legacy offered what the full buffer held,
    // then the rest once all of it was in.
    let mut response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n".to_vec();
    response.extend_from_slice(&BIG);
    response.extend_from_slice(b"\r\n2\r\nok\r\n0\r\n\r\n");
    for chunk in [1usize, 7, 64, 1000] {
        let (o, sock) = connected("big.test", 256, false, &response);
        sock.rx_policy.borrow_mut().max_chunk = chunk;
        transact(&o, HTTP_METHOD_GET, "/big");
        let sizes: Vec<usize> = body(|b| b.rx.iter().map(|c| c.0.len()).collect());
        assert_eq!(sizes, [256, 44, 2, 0], "split {chunk}");
        let mut all = BIG.to_vec();
        all.extend_from_slice(b"ok");
        assert_eq!(rx_body(), all, "split {chunk}");
        assert!(o.pump_until(10, 1, || o.ended()));
    }
}

/// 300 bytes, byte i = i % 251: more than a 256-byte buffer holds.
static BIG: [u8; 300] = {
    let mut a = [0u8; 300];
    let mut i = 0;
    while i < a.len() {
        a[i] = (i % 251) as u8;
        i += 1;
    }
    a
};

#[test]
fn post_body_from_the_buffer_and_from_the_hooks_memory() {
    let _g = setup();
    let response = b"HTTP/1.1 204 No Content\r\n\r\n";
    let (o, sock) = connected("p.test", 256, false, response);
    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_OCTET_STREAM;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t),
        HTTPc_ERR_NONE
    );
    // 300 bytes: more than the 256-byte buffer, from the hook's own memory in one answer.
    let big: &'static [u8] = &BIG;
    let mut len: CPU_INT32U = 5 + 300;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &mut len),
        HTTPc_ERR_NONE
    );
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
        on_body_tx as *mut c_void,
    );
    body(|b| {
        b.tx.push_back(Piece::Buf(b"abcde".to_vec(), false));
        b.tx.push_back(Piece::Own(big, false));
    });
    transact(&o, HTTP_METHOD_POST, "/upload");
    let tx = sock.tx.borrow().clone();
    let head = b"POST /upload HTTP/1.1\r\nHost: p.test\r\nConnection: close\r\n\
Content-Type: application/octet-stream\r\nContent-Length: 305\r\n\r\n";
    assert_eq!(&tx[..head.len()], head);
    assert_eq!(&tx[head.len()..head.len() + 5], b"abcde");
    assert_eq!(&tx[head.len() + 5..], big);
    // The hook was offered the whole buffer each time, and not called once the length went.
    assert_eq!(body(|b| b.offered.clone()), vec![256, 256]);
    assert_eq!(resp(&o).0, status_of(204));
    assert!(rx_body().is_empty());
}

/// A non-persistent connection whose request has a text/plain body (the server answers 200
/// with no body).
fn text_body_conn(
    host: &str,
    persistent: bool,
    len: Option<u32>,
    chunk: bool,
) -> (Objs, std::rc::Rc<Sock>) {
    let response: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let (o, sock) = connected(host, 256, persistent, response);
    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_PLAIN;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t),
        HTTPc_ERR_NONE
    );
    if let Some(mut l) = len {
        assert_eq!(
            req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &mut l),
            HTTPc_ERR_NONE
        );
    }
    if chunk {
        let mut on: CPU_BOOLEAN = DEF_YES;
        assert_eq!(
            req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CHUNK, &mut on),
            HTTPc_ERR_NONE
        );
    }
    (o, sock)
}

/// `text_body_conn` with the scripted request-body hook (`Body::tx`) set.
fn body_conn(
    host: &str,
    persistent: bool,
    len: Option<u32>,
    chunk: bool,
) -> (Objs, std::rc::Rc<Sock>) {
    chunked_conn_with(host, persistent, len, chunk, on_body_tx as *mut c_void)
}

/// `text_body_conn` with `hook` as the request-body hook (chunked when `chunk`).
fn chunked_conn_with(
    host: &str,
    persistent: bool,
    len: Option<u32>,
    chunk: bool,
    hook: *mut c_void,
) -> (Objs, std::rc::Rc<Sock>) {
    let (o, sock) = text_body_conn(host, persistent, len, chunk);
    req_hook(&o, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, hook);
    (o, sock)
}

#[test]
fn chunked_request_body_in_legacys_fixed_width() {
    let _g = setup();
    let (o, sock) = body_conn("k.test", false, None, true);
    body(|b| {
        b.tx.push_back(Piece::Buf(b"hello ".to_vec(), false));
        b.tx.push_back(Piece::Own(b"world", true));
    });
    transact(&o, HTTP_METHOD_PUT, "/k");
    // A 256-byte buffer: sizes in 3 hex digits, as legacy (HTTP_StrSizeHexDigReq(256)).
    assert_eq!(
        wire(&sock),
        "PUT /k HTTP/1.1\r\nHost: k.test\r\nConnection: close\r\nContent-Type: text/plain\r\n\
Transfer-Encoding: chunked\r\n\r\n006\r\nhello \r\n005\r\nworld\r\n000\r\n\r\n"
    );
    // Offered the buffer after room for the size line.
    assert_eq!(body(|b| b.offered.clone()), vec![251, 251]);
}

#[test]
fn only_def_yes_turns_chunking_on() {
    let _g = setup();
    let (o, sock) = text_body_conn("k2.test", false, Some(5), false);
    // Legacy tests `== DEF_YES`: 2 is DEF_NO there, and the length is used.
    let mut two: CPU_BOOLEAN = 2;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CHUNK, &mut two),
        HTTPc_ERR_NONE
    );
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
        on_body_tx as *mut c_void,
    );
    body(|b| b.tx.push_back(Piece::Buf(b"hello".to_vec(), true)));
    transact(&o, HTTP_METHOD_PUT, "/k");
    assert_eq!(
        wire(&sock),
        "PUT /k HTTP/1.1\r\nHost: k2.test\r\nConnection: close\r\nContent-Type: text/plain\r\n\
Content-Length: 5\r\n\r\nhello"
    );
}

#[test]
fn persistent_connection_carries_several_requests() {
    let _g = setup();
    let one = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none";
    let (o, sock) = connected("keep.test", 512, true, one);
    // Legacy's read-only `Method_reserved`: unknown once cleared, then the method last sent.
    assert_eq!(unsafe { (*o.req).Method_reserved }, HTTP_METHOD_UNKNOWN);
    transact(&o, HTTP_METHOD_GET, "/1");
    assert_eq!(unsafe { (*o.req).Method_reserved }, HTTP_METHOD_GET);
    assert_eq!(wire(&sock), "GET /1 HTTP/1.1\r\nHost: keep.test\r\n\r\n");
    assert!(!o.ended(), "a persistent connection stays open");
    // The second request on the same connection.
    world(|w| w.log.borrow_mut().push(Ev::Opened { conn: o.id() }));
    body(|b| b.rx.clear());
    sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntwo");
    transact(&o, HTTP_METHOD_DELETE, "/2");
    assert!(wire(&sock).ends_with("DELETE /2 HTTP/1.1\r\nHost: keep.test\r\n\r\n"));
    assert_eq!(unsafe { (*o.req).Method_reserved }, HTTP_METHOD_DELETE);
    assert_eq!(rx_body(), b"two");
    // The server said close: legacy closes with status NO_PERSISTENT (`http-c_resp.c`).
    assert_closes(&o, HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT, HTTPc_ERR_NONE);
}

#[test]
fn body_delimited_by_the_close_and_head_without_body() {
    let _g = setup();
    // The close's status as after any whole response: `NO_PERSISTENT` on a connection that is
    // not persistent (legacy set it when the request was prepared) or after the server's
    // `Connection: close` (legacy set it at that header), else `SERVER`.
    for (persistent, head, status) in [
        (
            false,
            &b"HTTP/1.0 200 OK\r\n\r\n"[..],
            HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT,
        ),
        (
            true,
            b"HTTP/1.0 200 OK\r\n\r\n",
            HTTPc_CONN_CLOSE_STATUS_SERVER,
        ),
        (
            true,
            b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n",
            HTTPc_CONN_CLOSE_STATUS_SERVER,
        ),
        (
            true,
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
            HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT,
        ),
    ] {
        let response = [head, b"all of it"].concat();
        let (o, sock) = connected("eof.test", 256, persistent, &response);
        sock.push(Gate::SentMoreThan(0), Item::Eof);
        transact(&o, HTTP_METHOD_GET, "/");
        assert_eq!(rx_body(), b"all of it");
        let ver = if head.starts_with(b"HTTP/1.0") {
            HTTP_PROTOCOL_VER_1_0
        } else {
            HTTP_PROTOCOL_VER_1_1
        };
        assert_eq!(resp(&o).1, ver, "{head:?}");
        assert_eq!(completions(&o), vec![true], "{head:?}");
        assert_closes(&o, status, HTTPc_ERR_NONE);
    }

    // HEAD: the length is reported, no body is read.
    let (o, _sock) = connected(
        "head.test",
        256,
        false,
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
    );
    transact(&o, HTTP_METHOD_HEAD, "/big");
    assert_eq!(resp(&o).3, 1000);
    assert!(rx_body().is_empty());
    assert!(has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })));
}

/// A response that has no body whatever its headers say may carry the framing headers a GET
/// would have got (RFC 9112 §6.1: `gzip, chunked` for one), and a client ignores both in a 2xx
/// to CONNECT (RFC 9110 §9.3.6): each completes at its empty line, the connection kept.
#[test]
fn bodiless_responses_complete_whatever_their_framing_headers() {
    let _g = setup();
    for (method, response) in [
        (
            HTTP_METHOD_HEAD,
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"[..],
        ),
        (
            HTTP_METHOD_HEAD,
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n",
        ),
        (
            HTTP_METHOD_GET,
            b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        ),
        (
            HTTP_METHOD_GET,
            b"HTTP/1.1 204 No Content\r\nContent-Length: zero\r\n\r\n",
        ),
        (
            HTTP_METHOD_CONNECT,
            b"HTTP/1.1 200 Connection established\r\nContent-Length: 0\r\n\
Transfer-Encoding: chunked\r\n\r\n",
        ),
    ] {
        let path = if method == HTTP_METHOD_CONNECT {
            "h:1"
        } else {
            "/"
        };
        let (o, _sock) = connected("te.test", 256, true, response);
        transact(&o, method, path);
        assert_eq!(
            completions(&o),
            vec![true],
            "{response:?}: {:?}",
            events(&o)
        );
        assert!(
            !has(&o, |e| matches!(e, Ev::ConnClose { .. })),
            "{response:?}"
        );
        close_and_check(o);
    }
}

/// A pass that comes after the transaction's deadline (a late application loop) still reads
/// the response that came in time; when that completes the transaction and closes the
/// connection (not persistent), its `OnClose` is the last hook: the application may free the
/// objects there, and the late pass must not read them after it (Miri checks).
#[test]
fn a_late_pass_that_closes_the_connection_leaves_its_objects_alone() {
    let _g = setup();
    let mut o = Objs::new(0, 256, 0, b"late.test");
    let sock = world(|w| w.expect_connect("late.test", ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        set_conn_param::<CPU_INT32U>(&o, HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, 1000);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(
        e,
        Ev::Connect { ok: true, .. }
    ))));
    free_objects_in(Hook::ConnClose, std::ptr::null_mut());
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    // This pass writes the request; the answer comes 100 ms later, the next pass 5 s later.
    unsafe { HTTPc_TaskHandler() };
    world(|w| w.now.set(w.now.get().wrapping_add(100)));
    sock.push_now(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    world(|w| w.now.set(w.now.get().wrapping_add(4900)));
    unsafe { HTTPc_TaskHandler() };
    let (done, ended) = (completions(&o), o.ended());
    o.refill_freed(false);
    assert_eq!(done, vec![true]);
    assert!(ended);
    drop(o);
    check_port().unwrap();
}

#[test]
fn body_hook_that_takes_less_is_offered_the_rest_again() {
    let _g = setup();
    let (o, _sock) = connected(
        "slow.test",
        256,
        false,
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
    );
    body(|b| {
        b.take = Some(3);
        b.refuse = 2;
    });
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(rx_body(), b"0123456789");
    // "Last" (legacy's `last_chunk`) says the offered data reaches the end of the body. It all
    // arrived in one read, so every offer reaches the end: "last" each time (legacy offers
    // again what was not taken, flag included).
    let lasts: Vec<bool> = body(|b| b.rx.iter().map(|c| c.1).collect());
    assert_eq!(lasts, vec![true, true, true, true]);
}

/// A body hook that takes a fixed piece per call is offered the rest at once, in the same
/// pass: only a hook that took nothing waits for the retry timer (a 600-byte body taken 8
/// bytes at a time once needed a pass, 5 ms apart, per piece).
#[test]
fn a_body_hook_that_takes_pieces_gets_the_rest_in_the_same_pass() {
    let _g = setup();
    let mut response = b"HTTP/1.1 200 OK\r\nContent-Length: 600\r\n\r\n".to_vec();
    response.extend((0..600).map(|i| b'a' + (i % 26) as u8));
    let (o, _sock) = connected("pieces.test", 1024, false, &response);
    body(|b| b.take = Some(8));
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    // The clock stands still: no retry timer can run out.
    assert!(
        o.pump_until(4, 0, || has(&o, |e| matches!(e, Ev::TransComplete { .. }))),
        "{:#?}",
        events(&o)
    );
    assert_eq!(rx_body(), &response[response.len() - 600..]);
    assert_eq!(body(|b| b.rx.len()), 75);
}

/// A hostile or broken response: the transaction fails with `err`, legacy's order of hooks
/// (OnErr, OnTransComplete(DEF_FAIL), OnClose), and the body delivered before stays delivered.
fn refused(response: &[u8], err: HTTPc_ERR, status: HTTPc_CONN_CLOSE_STATUS, delivered: &[u8]) {
    let (o, sock) = connected("bad.test", 256, true, response);
    sock.push(Gate::Now, Item::Eof);
    transact(&o, HTTP_METHOD_GET, "/");
    assert!(o.pump_until(10, 1, || o.ended()));
    let ev: Vec<_> = events(&o)
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                Ev::TransComplete { .. } | Ev::ConnClose { .. } | Ev::TransErr { .. }
            )
        })
        .collect();
    assert_eq!(
        ev.len(),
        3,
        "{ev:?} for {:?}",
        String::from_utf8_lossy(response)
    );
    assert_eq!(
        ev[0],
        Ev::TransErr { conn: o.id(), err },
        "{:?}",
        String::from_utf8_lossy(response)
    );
    assert!(matches!(ev[1], Ev::TransComplete { ok: false, .. }));
    assert_eq!(
        ev[2],
        Ev::ConnClose {
            conn: o.id(),
            status,
            err
        }
    );
    assert_eq!(rx_body(), delivered);
}

#[test]
fn hostile_responses_are_refused_with_their_error() {
    let _g = setup();
    let internal = HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL;
    for (response, err) in [
        (
            &b"HTTP/1.1 2000 OK\r\n\r\n"[..],
            HTTPc_ERR_RESP_STATUS_CODE_INVALID,
        ),
        (
            b"HTTP/2.0 200 OK\r\n\r\n",
            HTTPc_ERR_RESP_PROTOCOL_VER_INVALID,
        ),
        // Legacy reads the version first: garbage is 181, as legacy reports it.
        (b"garbage\r\n\r\n", HTTPc_ERR_RESP_PROTOCOL_VER_INVALID),
        (b"HTTP/1.1 200\x00OK\r\n\r\n", HTTPc_ERR_RESP_FORMAT_INVALID),
        (
            b"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
            HTTPc_ERR_RESP_HDR_MALFORMED,
        ),
        (
            b"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
            HTTPc_ERR_RESP_HDR_MALFORMED,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            HTTPc_ERR_RESP_HDR_INVALID,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            HTTPc_ERR_RESP_CONTENT_LEN_INVALID,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            HTTPc_ERR_RESP_CONTENT_LEN_INVALID,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            HTTPc_ERR_RESP_CHUNK_INVALID,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n",
            HTTPc_ERR_RESP_CHUNK_INVALID,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
            HTTPc_ERR_RESP_HDR_INVALID,
        ),
    ] {
        refused(response, err, internal, b"");
    }
    // A header line longer than the buffer.
    let mut long = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 400));
    long.extend_from_slice(b"\r\n\r\n");
    refused(&long, HTTPc_ERR_RESP_HDR_TOO_LARGE, internal, b"");
    // Truncated: the server closes mid-body; what came is delivered, the rest is an error.
    refused(
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        HTTPc_ERR_CONN_SOCK_CLOSED,
        HTTPc_CONN_CLOSE_STATUS_SERVER,
        b"abc",
    );
    refused(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
        HTTPc_ERR_CONN_SOCK_CLOSED,
        HTTPc_CONN_CLOSE_STATUS_SERVER,
        b"abc",
    );
    // Nothing at all.
    refused(
        b"",
        HTTPc_ERR_CONN_SOCK_CLOSED,
        HTTPc_CONN_CLOSE_STATUS_SERVER,
        b"",
    );
}

/// An interim response followed by the server's close fails the request, and the response
/// object shows no status: interim lines never reach it.
#[test]
fn an_interim_status_alone_leaves_the_response_object_unknown() {
    let _g = setup();
    for interim in [
        &b"HTTP/1.1 100 Continue\r\n\r\n"[..],
        b"HTTP/1.0 103 Early Hints\r\nLink: x\r\n\r\n",
    ] {
        let (o, sock) = connected("interim.test", 256, true, interim);
        sock.push(Gate::Now, Item::Eof);
        transact(&o, HTTP_METHOD_GET, "/");
        assert!(o.pump_until(10, 1, || o.ended()));
        assert_eq!(completions(&o), vec![false]);
        assert_eq!(
            resp(&o),
            (
                HTTP_STATUS_UNKNOWN,
                HTTP_PROTOCOL_VER_UNKNOWN,
                HTTP_CONTENT_TYPE_NONE,
                0
            )
        );
    }
}

#[test]
fn bytes_after_the_response_close_a_persistent_connection() {
    let _g = setup();
    let (o, _sock) = connected(
        "extra.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
    );
    transact(&o, HTTP_METHOD_GET, "/");
    // The response itself is whole and delivered; the connection cannot be trusted after it.
    assert_eq!(rx_body(), b"ok");
    assert!(has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })));
    assert_closes(
        &o,
        HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
        HTTPc_ERR_RESP_RX_DATA_LEN_INVALID,
    );
}

/// Empty lines after a body (some servers send a CRLF after it) are no data nobody asked for:
/// with the response, while the connection is idle, or just before the next request goes out,
/// they are dropped and the connection serves the next request (they used to close it with
/// `HTTPc_ERR_RESP_RX_DATA_LEN_INVALID`).
#[test]
fn empty_lines_after_a_body_keep_the_connection() {
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    for when in [
        "with the response",
        "while idle",
        "before the next request",
        "a CR before it, its LF with the response",
    ] {
        let _g = setup();
        let first = if when == "with the response" {
            [&ok[..], b"\r\n"].concat()
        } else {
            ok.to_vec()
        };
        let (o, sock) = connected("crlf.test", 256, true, &first);
        transact(&o, HTTP_METHOD_GET, "/1");
        match when {
            "while idle" => {
                sock.push_now(b"\r\n");
                let _ = o.pump_until(5, 1, || false);
            }
            // Not read before the request starts: found by the check before its first byte.
            "before the next request" => sock.push_now(b"\r\n"),
            "a CR before it, its LF with the response" => sock.push_now(b"\r"),
            _ => {}
        }
        assert!(!o.ended(), "{when}: {:#?}", events(&o));
        let lf = if when.starts_with("a CR") { "\n" } else { "" };
        let two = format!("{lf}HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
        sock.push_reply(two.as_bytes());
        assert_eq!(
            send(&o, HTTP_METHOD_GET, "/2", NB).1,
            HTTPc_ERR_NONE,
            "{when}"
        );
        assert!(o.pump_until(20, 1, || completions(&o).len() == 2), "{when}");
        assert_eq!(completions(&o), vec![true, true], "{when}");
        assert_eq!(rx_body(), b"oktwo", "{when}");
        assert!(!o.ended(), "{when}");
    }
}

/// Up to 16 line-end bytes waiting before a request are dropped (MIGRATION.md); more are bytes
/// nobody asked for: the request is not sent and the connection closes.
#[test]
fn sixteen_line_end_bytes_before_a_request_are_dropped_more_close() {
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    for n in [16, 18] {
        let _g = setup();
        let (o, sock) = connected("crlf16.test", 256, true, ok);
        transact(&o, HTTP_METHOD_GET, "/1");
        sock.push_now(&b"\r\n".repeat(n / 2));
        sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
        assert_eq!(send(&o, HTTP_METHOD_GET, "/2", NB).1, HTTPc_ERR_NONE);
        assert!(o.pump_until(20, 1, || completions(&o).len() == 2), "{n}");
        if n == 16 {
            assert_eq!(completions(&o), vec![true, true]);
            assert!(!o.ended());
        } else {
            assert_eq!(completions(&o), vec![true, false]);
            assert_closes(
                &o,
                HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
                HTTPc_ERR_RESP_RX_DATA_LEN_INVALID,
            );
        }
    }
}

/// A refused upgrade's body followed by an empty line: the line is dropped whether it came with
/// the body or later, while the connection is idle (with the body it used to close the
/// connection, later not: the outcome hung on how the bytes were cut).
#[test]
fn an_empty_line_after_a_refused_upgrade_keeps_the_connection_however_it_arrives() {
    for with_body in [true, false] {
        let _g = setup();
        let (o, sock) = connected("refused.test", 512, true, b"");
        let refusal = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno";
        if with_body {
            sock.push_reply(&[&refusal[..], b"\r\n"].concat());
        } else {
            sock.push_reply(refusal);
        }
        upgrade_nb(&o);
        let complete = |o: &Objs| has(o, |e| matches!(e, Ev::TransComplete { .. }));
        assert!(o.pump_until(20, 1, || complete(&o)));
        if !with_body {
            sock.push_now(b"\r\n");
        }
        assert!(
            !o.pump_until(10, 1, || o.ended()),
            "{with_body}: {:#?}",
            events(&o)
        );
        assert_eq!(unsafe { (*o.resp).StatusCode }, HTTP_STATUS_UNAUTHORIZED);
    }
}

/// An empty line the server sent after a plain response, read only once the upgrade that
/// follows on the kept connection is out: skipped before its 101, which opens the WebSocket.
#[test]
fn an_empty_line_after_a_plain_response_does_not_break_the_upgrade_after_it() {
    let _g = setup();
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let (o, sock) = connected("rest-then-ws.test", 512, true, ok);
    transact(&o, HTTP_METHOD_GET, "/login");
    assert!(!o.ended());
    sock.push_now(b"\r\n");
    sock.push_reply(&response_101(b""));
    upgrade_nb(&o);
    let opened = |o: &Objs| has(o, |e| matches!(e, Ev::Open { .. }));
    assert!(o.pump_until(20, 1, || opened(&o) || o.ended()));
    assert!(opened(&o), "{:#?}", events(&o));
}

/// A 101 answering a plain request is followed by the new protocol's bytes: the connection
/// closes as documented, `OnClose(NO_PERSISTENT)`, not as an error over those bytes.
#[test]
fn a_101_to_a_plain_request_with_bytes_after_it_closes_as_documented() {
    let _g = setup();
    let (o, _sock) = connected(
        "sw.test",
        256,
        true,
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\nfoo bytes",
    );
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(completions(&o), vec![true]);
    assert_eq!(
        unsafe { (*o.resp).StatusCode },
        HTTP_STATUS_SWITCHING_PROTOCOLS
    );
    assert_closes(&o, HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT, HTTPc_ERR_NONE);
}

/// A proxy's `200 Connection Established` to CONNECT (no length) completes the request at once,
/// and the connection stays: it is the tunnel now (it used to wait for a body until the
/// deadline; legacy took it as empty too).
#[test]
fn a_2xx_to_connect_completes_at_once() {
    let _g = setup();
    let (o, sock) = connected(
        "proxy.test",
        256,
        true,
        b"HTTP/1.1 200 Connection Established\r\n\r\n",
    );
    transact(&o, HTTP_METHOD_CONNECT, "example.com:443");
    assert_eq!(completions(&o), vec![true]);
    assert!(wire(&sock).starts_with("CONNECT example.com:443 HTTP/1.1\r\n"));
    assert!(!o.ended());
}

#[test]
fn request_checks_in_legacys_order() {
    let _g = setup();
    let (o, _sock) = connected("chk.test", 256, false, b"");
    let null_path = unsafe {
        let mut err = 0;
        HTTPc_ReqSend(
            o.conn,
            o.req,
            o.resp,
            HTTP_METHOD_POST,
            null_mut(),
            0,
            NB,
            &mut err,
        );
        err
    };
    assert_eq!(null_path, HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID);
    // The valid method was stored before the path failed, as legacy did.
    assert_eq!(unsafe { (*o.req).Method_reserved }, HTTP_METHOD_POST);
    assert_eq!(
        send(&o, HTTP_METHOD_UNKNOWN, "/", NB).1,
        HTTPc_ERR_REQ_PARAM_METHOD_INVALID
    );
    assert_eq!(send(&o, 99, "/", NB).1, HTTPc_ERR_REQ_PARAM_METHOD_INVALID);
    let null_conn = unsafe {
        let mut err = 0;
        let p = "/";
        HTTPc_ReqSend(
            null_mut(),
            o.req,
            o.resp,
            HTTP_METHOD_GET,
            p.as_ptr().cast_mut().cast(),
            1,
            NB,
            &mut err,
        );
        err
    };
    assert_eq!(null_conn, HTTPc_ERR_NULL_PTR);
    // A body: its type must be one legacy knows, its length set (or chunked), a hook to give it.
    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_UNKNOWN;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t),
        HTTPc_ERR_NONE
    );
    assert_eq!(
        send(&o, HTTP_METHOD_POST, "/", NB).1,
        HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID
    );
    t = HTTP_CONTENT_TYPE_JSON;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t),
        HTTPc_ERR_NONE
    );
    assert_eq!(
        send(&o, HTTP_METHOD_POST, "/", NB).1,
        HTTPc_ERR_REQ_PARAM_CONTENT_LEN_INVALID
    );
    let mut len: CPU_INT32U = 4;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &mut len),
        HTTPc_ERR_NONE
    );
    assert_eq!(
        send(&o, HTTP_METHOD_POST, "/", NB).1,
        HTTPc_ERR_REQ_PARAM_BODY_INVALID
    );
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
        on_body_tx as *mut c_void,
    );
    assert_eq!(
        send(&o, HTTP_METHOD_TRACE, "/", NB).1,
        HTTPc_ERR_REQ_PARAM_BODY_INVALID
    );
    // A header the library writes itself.
    let mut host_hdr = HTTPc_HDR {
        HdrField: HTTP_HDR_FIELD_HOST,
        ValPtr: b"x".as_ptr().cast_mut().cast(),
        ValLen: 1,
    };
    assert_eq!(
        send_with_table(
            &o,
            HTTPc_PARAM_TYPE_REQ_HDR_TBL,
            std::slice::from_mut(&mut host_hdr),
            HTTP_METHOD_POST
        ),
        HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED
    );
    // Nothing went out.
    assert!(!has(&o, |e| matches!(
        e,
        Ev::TransComplete { .. } | Ev::TransErr { .. }
    )));
}

/// Another request and response object pair, cleared, with the response-body hook: raw
/// pointers, as a C application holds them (the library keeps them while a request is queued),
/// freed when dropped (after the connection let go of them).
struct Extra {
    req: *mut HTTPc_REQ_OBJ,
    resp: *mut HTTPc_RESP_OBJ,
}

impl Drop for Extra {
    fn drop(&mut self) {
        // SAFETY (test): allocated by `extra_req`, no longer used by the library.
        unsafe {
            drop(Box::from_raw(self.req));
            drop(Box::from_raw(self.resp));
        }
    }
}

fn extra_req() -> Extra {
    let x = Extra {
        req: Box::into_raw(Objs::zeroed_obj::<HTTPc_REQ_OBJ>()),
        resp: Box::into_raw(Objs::zeroed_obj::<HTTPc_RESP_OBJ>()),
    };
    let mut err = 0;
    unsafe {
        HTTPc_ReqClr(x.req, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        for (t, f) in [
            (HTTPc_PARAM_TYPE_RESP_BODY_HOOK, on_body_rx as *mut c_void),
            (
                HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
                on_trans_complete as *mut c_void,
            ),
            (
                HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
                on_trans_err as *mut c_void,
            ),
        ] {
            HTTPc_ReqSetParam(x.req, t, f, &mut err);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
    }
    x
}

fn send_with(o: &Objs, x: &Extra, path: &'static str) -> (CPU_BOOLEAN, HTTPc_ERR) {
    let mut err = 0;
    let ok = unsafe {
        HTTPc_ReqSend(
            o.conn,
            x.req,
            x.resp,
            HTTP_METHOD_GET,
            path.as_ptr().cast_mut().cast(),
            path.len() as u16,
            NB,
            &mut err,
        )
    };
    (ok, err)
}

fn completions(o: &Objs) -> Vec<bool> {
    events(o)
        .iter()
        .filter_map(|e| match e {
            Ev::TransComplete { ok, .. } => Some(*ok),
            _ => None,
        })
        .collect()
}

/// A request sent right after a non-blocking `HTTPc_ConnOpen`, before `OnConnect`: queued
/// until the connect is done, as legacy's task queue took it; when the connect fails, the
/// request fails after `OnConnect(DEF_FAIL)` with `OnErr(HTTPc_ERR_CONN_IS_RELEASED)`, as
/// legacy's task refused it then.
#[test]
fn a_request_sent_during_the_connect_waits_for_it() {
    let _g = setup();
    for (mode, host) in [
        (ConnectMode::Later(3), "later.test"),
        (ConnectMode::LaterFail(2), "fails.test"),
        (ConnectMode::Fail, "refused.test"),
        // Closed by the application during the connect: as a failed connect.
        (ConnectMode::Never, "closed.test"),
    ] {
        body(|b| *b = Body::default());
        let o = Objs::new(0, 256, 0, host.as_bytes());
        let sock = world(|w| w.expect_connect(host, mode));
        sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        unsafe {
            assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
            assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
            let mut err = 0;
            assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        req_hook(
            &o,
            HTTPc_PARAM_TYPE_RESP_BODY_HOOK,
            on_body_rx as *mut c_void,
        );
        // Before the engine ran at all, and so before OnConnect.
        assert!(!has(&o, |e| matches!(e, Ev::Connect { .. })));
        assert_eq!(
            send(&o, HTTP_METHOD_GET, "/early", NB),
            (DEF_FAIL, HTTPc_ERR_NONE)
        );
        // Its object is in use meanwhile.
        assert_eq!(
            send(&o, HTTP_METHOD_GET, "/again", NB),
            (DEF_FAIL, HTTPc_ERR_REQ_IS_USED)
        );
        if mode == ConnectMode::Later(3) {
            // The pass that completes the connect asks for another at once: no socket event
            // would announce the request waiting to start.
            let mut sleep = u32::MAX;
            for _ in 0..10 {
                if has(&o, |e| matches!(e, Ev::Connect { .. })) {
                    break;
                }
                sleep = unsafe { HTTPc_TaskHandler() };
            }
            assert!(has(&o, |e| matches!(e, Ev::Connect { ok: true, .. })));
            assert_eq!(sleep, 0);
        }
        if mode == ConnectMode::Never {
            // A few passes: the connect is under way.
            let _ = o.pump_until(3, 1, || false);
            let mut err = 0;
            unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        let done = |o: &Objs| {
            has(o, |e| {
                matches!(e, Ev::TransComplete { .. } | Ev::TransErr { .. })
            })
        };
        assert!(
            o.pump_until(50, 1, || done(&o)),
            "{mode:?}: {:#?}",
            events(&o)
        );
        let ev = events(&o);
        if mode == ConnectMode::Later(3) {
            assert_eq!(
                wire(&sock),
                format!("GET /early HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
            );
            assert_eq!(completions(&o), vec![true]);
            assert_eq!(rx_body(), b"ok");
            // Not persistent: closed after the response.
            assert!(o.pump_until(10, 1, || o.ended()));
        } else {
            // OnConnect(DEF_FAIL), then the request's OnErr alone; nothing was sent. Closed by
            // the application, the connection's OnClose(APP) follows (its HTTPc_ConnClose
            // promises one).
            let shape: Vec<String> = ev
                .iter()
                .filter(|e| !matches!(e, Ev::Opened { .. }))
                .map(|e| format!("{e:?}"))
                .collect();
            let kinds: Vec<&str> = ev
                .iter()
                .filter_map(|e| match e {
                    Ev::Connect { ok: false, .. } => Some("connect failed"),
                    Ev::TransErr {
                        err: HTTPc_ERR_CONN_IS_RELEASED,
                        ..
                    } => Some("request released"),
                    Ev::ConnClose {
                        status: HTTPc_CONN_CLOSE_STATUS_APP,
                        err: HTTPc_ERR_NONE,
                        ..
                    } => Some("closed by the application"),
                    Ev::Opened { .. } => None,
                    _ => Some("other"),
                })
                .collect();
            let mut want = vec!["connect failed", "request released"];
            if mode == ConnectMode::Never {
                want.push("closed by the application");
            }
            assert_eq!(kinds, want, "{mode:?}: {shape:?}");
            assert!(completions(&o).is_empty(), "{mode:?}: {shape:?}");
            assert!(sock.tx.borrow().is_empty());
            // The request is free again.
            assert_eq!(
                send(&o, HTTP_METHOD_GET, "/late", NB),
                (DEF_FAIL, HTTPc_ERR_CONN_IS_RELEASED)
            );
        }
        drop(o);
        check_port().unwrap();
    }
}

/// A host length counted with `sizeof` (the NUL included): the `Host` header ends at the NUL,
/// as the port's connect reads the name (legacy sent the NUL in the header).
#[test]
fn host_and_header_lengths_that_count_the_nul() {
    let _g = setup();
    body(|b| *b = Body::default());
    let o = Objs::new(0, 256, 0, b"nul.test");
    let sock = world(|w| w.expect_connect("nul.test", ConnectMode::Ok));
    sock.push_reply(b"HTTP/1.1 204 No Content\r\n\r\n");
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        let ok = HTTPc_ConnOpen(
            o.conn,
            o.buf.cast(),
            o.buf_len,
            o.host.as_ptr().cast_mut().cast(),
            o.host.len() as u16,
            HTTPc_FLAG_NONE,
            &mut err,
        );
        assert_eq!((ok, err), (DEF_OK, HTTPc_ERR_NONE));
    }
    world(|w| w.log.borrow_mut().push(Ev::Opened { conn: o.id() }));
    // A header value counted the same way ends at its NUL too.
    let value = b"text/plain\0";
    let mut accept = HTTPc_HDR {
        HdrField: HTTP_HDR_FIELD_ACCEPT,
        ValPtr: value.as_ptr().cast_mut().cast(),
        ValLen: value.len() as u16,
    };
    assert_eq!(
        set_table(
            &o,
            HTTPc_PARAM_TYPE_REQ_HDR_TBL,
            std::slice::from_mut(&mut accept)
        ),
        HTTPc_ERR_NONE
    );
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(
        wire(&sock),
        "GET / HTTP/1.1\r\nHost: nul.test\r\nConnection: close\r\nAccept: text/plain\r\n\r\n"
    );
    assert_eq!(completions(&o), vec![true]);
    assert!(o.pump_until(10, 1, || o.ended()));
    drop(o);
    check_port().unwrap();
}

/// With TLS settings, port 80 means 443, as legacy moved its default port (80, set or not) to
/// the secure one: the `Host` header then carries no port; another port is kept.
#[test]
fn tls_settings_move_port_80_to_443() {
    let _g = setup();
    for (port, host_hdr) in [(80u16, "tls.test"), (8443, "tls.test:8443")] {
        body(|b| *b = Body::default());
        let o = Objs::new(0, 256, 0, b"tls.test");
        let sock = world(|w| w.expect_connect("tls.test", ConnectMode::Ok));
        sock.push_reply(b"HTTP/1.1 204 No Content\r\n\r\n");
        let mut err = 0;
        unsafe {
            assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
            let mut p: NET_PORT_NBR = port;
            HTTPc_ConnSetParam(
                o.conn,
                HTTPc_PARAM_TYPE_SERVER_PORT,
                (&mut p as *mut NET_PORT_NBR).cast(),
                &mut err,
            );
            assert_eq!(err, HTTPc_ERR_NONE);
            HTTPc_ConnSetParam(
                o.conn,
                HTTPc_PARAM_TYPE_SECURE_COMMON_NAME,
                o.host.as_ptr().cast_mut().cast(),
                &mut err,
            );
            assert_eq!(err, HTTPc_ERR_NONE);
            assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
            assert_eq!(o.open(HTTPc_FLAG_NONE, &mut err), DEF_OK);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        transact(&o, HTTP_METHOD_GET, "/");
        assert_eq!(
            wire(&sock),
            format!("GET / HTTP/1.1\r\nHost: {host_hdr}\r\nConnection: close\r\n\r\n")
        );
        assert!(o.pump_until(10, 1, || o.ended()));
        drop(o);
        check_port().unwrap();
    }
}

/// A persistent connection whose server closes TCP right behind a response (no
/// `Connection: close`): the response completes, then `OnClose(SERVER)`, as legacy's check of
/// the idle connection reported it, also when the close is read before the response is done.
#[test]
fn a_server_close_right_behind_the_response() {
    let _g = setup();
    let (o, sock) = connected(
        "eof.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    sock.push(Gate::Now, Item::Eof);
    // The body hook refuses at first: the close is read while the response is not done yet.
    body(|b| b.refuse = 2);
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(completions(&o), vec![true]);
    assert_eq!(rx_body(), b"ok");
    assert_closes(&o, HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE);
}

/// A blocking request sent while a slow connect is still under way waits for the connect as
/// well as for its own transaction: a connect that takes longer than the transaction timeout
/// (within its own timeout) is no reason to give up and close the connection.
#[test]
fn a_blocking_request_behind_a_slow_connect_waits_for_it() {
    let _g = setup();
    body(|b| *b = Body::default());
    let o = Objs::new(0, 256, 0, b"slow.test");
    // The engine polls a connect in progress every 100 ms: about 3 s.
    let sock = world(|w| w.expect_connect("slow.test", ConnectMode::Later(30)));
    sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        set_conn_param::<CPU_INT16U>(&o, HTTPc_PARAM_TYPE_CONNECT_TIMEOUT, 5000);
        set_conn_param::<CPU_INT32U>(&o, HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, 1000);
        let mut err = 0;
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_RESP_BODY_HOOK,
        on_body_rx as *mut c_void,
    );
    let started = world(|w| w.now.get());
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/slow", HTTPc_FLAG_NONE),
        (DEF_OK, HTTPc_ERR_NONE),
        "{:#?}",
        events(&o)
    );
    let took = world(|w| w.now.get()).wrapping_sub(started);
    assert!(took >= 2500, "the connect took {took} ms");
    assert!(has(&o, |e| matches!(e, Ev::Connect { ok: true, .. })));
    assert_eq!(rx_body(), b"ok");
    assert!(o.pump_until(10, 1, || o.ended()));
    drop(o);
    check_port().unwrap();
}

/// A query pair the hook gives: its key, and its value unless none.
type Pair = (&'static [u8], Option<&'static [u8]>);

thread_local! {
    /// The pairs the query-string hook gives, one per call, each with its "last" answer (None:
    /// the hook gives no pair).
    static QUERY: RefCell<VecDeque<(Option<Pair>, CPU_BOOLEAN)>> =
        const { RefCell::new(VecDeque::new()) };
    /// The pair the hook last pointed at (it must stay valid while the request is written).
    static QUERY_PAIR: RefCell<HTTPc_KEY_VAL> = const {
        RefCell::new(HTTPc_KEY_VAL {
            KeyPtr: null_mut(),
            KeyLen: 0,
            ValPtr: null_mut(),
            ValLen: 0,
        })
    };
}

unsafe extern "C" fn on_query_tx(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    p_kvp: *mut *mut HTTPc_KEY_VAL,
) -> CPU_BOOLEAN {
    let (pair, last) = QUERY
        .with(|q| q.borrow_mut().pop_front())
        .unwrap_or((None, DEF_YES));
    if let Some((k, v)) = pair {
        QUERY_PAIR.with(|p| {
            let mut p = p.borrow_mut();
            *p = HTTPc_KEY_VAL {
                KeyPtr: k.as_ptr().cast_mut().cast(),
                KeyLen: k.len() as u16,
                ValPtr: v.map_or(null_mut(), |v| v.as_ptr().cast_mut().cast()),
                ValLen: v.map_or(0, |v| v.len() as u16),
            };
            unsafe { *p_kvp = &mut *p };
        });
    }
    last
}

/// The query-string hook, as legacy calls it: one pair per call, percent-encoded, until it
/// answers anything but DEF_NO (legacy's loop ran `while (done == DEF_NO)`: 2 is "last" too);
/// a call that gives no pair fails the request with `HTTPc_ERR_REQ_QUERY_STR_INVALID`.
#[test]
fn query_string_hook_pairs_until_it_says_last() {
    let _g = setup();
    let (o, sock) = connected("q.test", 256, false, b"HTTP/1.1 204 No Content\r\n\r\n");
    QUERY.with(|q| {
        *q.borrow_mut() = VecDeque::from([
            (Some((&b"a"[..], Some(&b"1"[..]))), DEF_NO),
            (Some((&b"b c"[..], Some(&b"d&"[..]))), DEF_NO),
            (Some((&b"flag"[..], None)), 2),
        ])
    });
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK,
        on_query_tx as *mut c_void,
    );
    transact(&o, HTTP_METHOD_GET, "/q");
    assert_eq!(
        wire(&sock),
        "GET /q?a=1&b%20c=d%26&flag HTTP/1.1\r\nHost: q.test\r\nConnection: close\r\n\r\n"
    );
    assert!(QUERY.with(|q| q.borrow().is_empty()));
    assert!(o.pump_until(10, 1, || o.ended()));
    drop(o);
    // No pair: the request fails before anything is sent.
    let (o, sock) = connected("q.test", 256, false, b"HTTP/1.1 204 No Content\r\n\r\n");
    QUERY.with(|q| *q.borrow_mut() = VecDeque::from([(None, DEF_NO)]));
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK,
        on_query_tx as *mut c_void,
    );
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/q", NB),
        (DEF_FAIL, HTTPc_ERR_REQ_QUERY_STR_INVALID)
    );
    assert!(wire(&sock).is_empty());
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    drop(o);
    check_port().unwrap();
}

#[test]
fn requests_on_a_persistent_connection_wait_their_turn_in_order() {
    let _g = setup();
    let responses: [&[u8]; 3] = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nB\r\n0\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nC",
    ];
    // The responses arrive one by one, each once its request went out.
    let (o, sock) = connected("q.test", 256, true, b"");
    let r2 = extra_req();
    let r3 = extra_req();
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/1", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert_eq!(send_with(&o, &r2, "/2"), (DEF_FAIL, HTTPc_ERR_NONE));
    assert_eq!(send_with(&o, &r3, "/3"), (DEF_FAIL, HTTPc_ERR_NONE));
    // A queued request is in use.
    assert_eq!(send_with(&o, &r2, "/2").1, HTTPc_ERR_REQ_IS_USED);
    for (i, resp) in responses.iter().enumerate() {
        assert!(o.pump_until(20, 1, || wire(&sock).matches("HTTP/1.1\r\n").count() > i));
        sock.push_now(resp);
        assert!(
            o.pump_until(20, 1, || completions(&o).len() == i + 1),
            "{:#?}",
            events(&o)
        );
    }
    assert_eq!(
        wire(&sock),
        "GET /1 HTTP/1.1\r\nHost: q.test\r\n\r\nGET /2 HTTP/1.1\r\nHost: q.test\r\n\r\n\
GET /3 HTTP/1.1\r\nHost: q.test\r\n\r\n"
    );
    assert_eq!(completions(&o), vec![true, true, true]);
    assert_eq!(rx_body(), b"ABC");
    assert_eq!(unsafe { (*r3.resp).StatusCode }, status_of(201));
    assert!(!o.ended());
}

#[test]
fn queued_requests_fail_once_when_the_connection_closes() {
    let _g = setup();
    let (o, _sock) = connected("qc.test", 256, true, b"");
    let r2 = extra_req();
    let r3 = extra_req();
    // What an earlier response left in the queued requests' response objects: reset when
    // they fail before their turn, as at their turn.
    for x in [&r2, &r3] {
        unsafe {
            (*x.resp).StatusCode = HTTP_STATUS_OK;
            (*x.resp).ProtocolVer = HTTP_PROTOCOL_VER_1_1;
            (*x.resp).ContentLen = 99;
            (*x.resp).ReasonPhrasePtr = null_mut();
        }
    }
    assert_eq!(send(&o, HTTP_METHOD_GET, "/a", NB).1, HTTPc_ERR_NONE);
    assert_eq!(send_with(&o, &r2, "/b").1, HTTPc_ERR_NONE);
    assert_eq!(send_with(&o, &r3, "/c").1, HTTPc_ERR_NONE);
    // The request object is in use, the other one queued: neither may change.
    let mut err = 0;
    unsafe { HTTPc_ReqClr(r2.req, &mut err) };
    assert_eq!(err, HTTPc_ERR_REQ_IS_USED);
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(o.pump_until(10, 1, || o.ended()));
    assert_eq!(completions(&o), vec![false, false, false]);
    let errs = events(&o)
        .iter()
        .filter(|e| {
            matches!(
                e,
                Ev::TransErr {
                    err: HTTPc_ERR_CONN_SOCK_CLOSED,
                    ..
                }
            )
        })
        .count();
    assert_eq!(errs, 3);
    for x in [&r2, &r3] {
        let r = unsafe { &*x.resp };
        assert_eq!(
            (r.StatusCode, r.ProtocolVer, r.ContentLen),
            (HTTP_STATUS_UNKNOWN, HTTP_PROTOCOL_VER_UNKNOWN, 0)
        );
        assert!(!r.ReasonPhrasePtr.is_null());
    }
    // All free again.
    unsafe { HTTPc_ReqClr(r2.req, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
}

#[test]
fn request_on_a_busy_or_closed_connection() {
    let _g = setup();
    let (o, sock) = connected("busy.test", 256, true, b"");
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/a", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    // The first is under way: the request object is in use.
    assert_eq!(send(&o, HTTP_METHOD_GET, "/b", NB).1, HTTPc_ERR_REQ_IS_USED);
    // Closed by the application: the pending request fails once, as legacy.
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(o.pump_until(10, 1, || o.ended()));
    assert!(has(&o, |e| matches!(
        e,
        Ev::TransComplete { ok: false, .. }
    )));
    assert!(has(&o, |e| matches!(
        e,
        Ev::TransErr {
            err: HTTPc_ERR_CONN_SOCK_CLOSED,
            ..
        }
    )));
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/c", NB).1,
        HTTPc_ERR_CONN_IS_RELEASED
    );
    drop(sock);

    // Behind an upgrade there is no turn to wait for.
    let (o, _sock) = connected("up.test", 256, true, b"");
    upgrade_nb(&o);
    let r2 = extra_req();
    assert_eq!(send_with(&o, &r2, "/x").1, HTTPc_ERR_CONN_IS_USED);
}

#[test]
fn blocking_request_in_the_poll_model() {
    let _g = setup();
    let (o, _sock) = connected(
        "blk.test",
        256,
        true,
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope",
    );
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/missing", 0),
        (DEF_OK, HTTPc_ERR_NONE)
    );
    assert_eq!(resp(&o).0, status_of(404));
    assert_eq!(rx_body(), b"nope");
}

#[test]
fn websocket_upgrade_after_rest_requests_on_one_connection() {
    let _g = setup();
    let (o, sock) = connected(
        "mix.test",
        512,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    transact(&o, HTTP_METHOD_POST, "/login");
    assert_eq!(rx_body(), b"ok");
    assert!(!o.ended());
    // The same connection and request object, now for the upgrade.
    sock.push_reply(&response_101(b""));
    upgrade_nb(&o);
    assert!(o.pump_until(20, 1, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    let wire = wire(&sock);
    let second = wire
        .find("GET /chat")
        .expect("the upgrade request follows the first");
    assert!(wire[..second].starts_with("POST /login HTTP/1.1\r\n"));
    assert!(wire[second..].contains("\r\nUpgrade: websocket\r\n"));
}

unsafe extern "C" fn no_header(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    p_hdr: *mut *mut HTTPc_HDR,
) -> CPU_BOOLEAN {
    unsafe { *p_hdr = null_mut() };
    DEF_YES
}

#[test]
fn a_queued_request_that_fails_at_its_turn_closes_the_connection_as_legacy() {
    let _g = setup();
    let (o, _sock) = connected(
        "qf.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    let r2 = extra_req();
    let r3 = extra_req();
    let mut err = 0;
    unsafe {
        HTTPc_ReqSetParam(
            r2.req,
            HTTPc_PARAM_TYPE_REQ_HDR_HOOK,
            no_header as *mut c_void,
            &mut err,
        )
    };
    assert_eq!(err, HTTPc_ERR_NONE);
    assert_eq!(send(&o, HTTP_METHOD_GET, "/a", NB).1, HTTPc_ERR_NONE);
    assert_eq!(send_with(&o, &r2, "/b").1, HTTPc_ERR_NONE);
    assert_eq!(send_with(&o, &r3, "/c").1, HTTPc_ERR_NONE);
    assert!(o.pump_until(20, 1, || o.ended()));
    let tail: Vec<_> = events(&o)
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                Ev::TransComplete { .. } | Ev::TransErr { .. } | Ev::ConnClose { .. }
            )
        })
        .collect();
    let id = o.id();
    assert_eq!(
        tail,
        vec![
            Ev::TransComplete {
                conn: id,
                status: status_of(200),
                ok: true
            },
            // Their response objects are reset (the test zeroed them): no status.
            Ev::TransErr {
                conn: id,
                err: HTTPc_ERR_REQ_HDR_INVALID
            },
            Ev::TransComplete {
                conn: id,
                status: HTTP_STATUS_UNKNOWN,
                ok: false
            },
            Ev::TransComplete {
                conn: id,
                status: HTTP_STATUS_UNKNOWN,
                ok: false
            },
            Ev::TransErr {
                conn: id,
                err: HTTPc_ERR_CONN_SOCK_CLOSED
            },
            Ev::ConnClose {
                conn: id,
                status: HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
                err: HTTPc_ERR_REQ_HDR_INVALID
            },
        ]
    );
}

/// The transaction-ending events of `o`, in order.
fn finals(o: &Objs) -> Vec<Ev> {
    events(o)
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                Ev::TransComplete { .. } | Ev::ConnClose { .. } | Ev::TransErr { .. }
            )
        })
        .collect()
}

#[test]
fn the_servers_close_waits_for_what_the_body_hook_held_back() {
    let _g = setup();
    let cases: [(&[u8], &[u8]); 3] = [
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789",
            b"0123456789",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            b"hello",
        ),
        (b"HTTP/1.0 200 OK\r\n\r\nall of it", b"all of it"),
    ];
    for (response, body_want) in cases {
        let (o, sock) = connected("held.test", 256, false, response);
        sock.push(Gate::Now, Item::Eof);
        body(|b| b.take = Some(3));
        transact(&o, HTTP_METHOD_GET, "/");
        assert!(o.pump_until(20, 1, || o.ended()));
        assert_eq!(
            rx_body(),
            body_want,
            "{:?}",
            String::from_utf8_lossy(response)
        );
        assert_eq!(completions(&o), vec![true], "{:?}", finals(&o));
        // Exactly one call says "last", the final one.
        let lasts: Vec<bool> = body(|b| b.rx.iter().map(|c| c.1).collect());
        assert_eq!(lasts.last(), Some(&true));
    }
}

#[test]
fn every_body_ends_with_a_last_call_even_an_empty_one() {
    let _g = setup();
    for (method, response) in [
        (
            HTTP_METHOD_GET,
            &b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"[..],
        ),
        (HTTP_METHOD_GET, b"HTTP/1.1 204 No Content\r\n\r\n"),
        (
            HTTP_METHOD_HEAD,
            b"HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n",
        ),
        (
            HTTP_METHOD_GET,
            b"HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n",
        ),
    ] {
        let (o, _sock) = connected("last.test", 256, false, response);
        transact(&o, method, "/");
        let calls = body(|b| b.rx.iter().map(|c| (c.0.len(), c.1)).collect::<Vec<_>>());
        assert_eq!(
            calls,
            vec![(0, true)],
            "{:?}",
            String::from_utf8_lossy(response)
        );
    }
}

#[test]
fn an_idle_connection_the_server_closes_is_reported_at_once() {
    let _g = setup();
    let (o, sock) = connected(
        "idle.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    transact(&o, HTTP_METHOD_GET, "/1");
    assert!(!o.ended());
    // While idle: the server closes (legacy's check of each idle loop: OnClose(SERVER)).
    sock.push(Gate::Now, Item::Eof);
    assert!(o.pump_until(10, 1, || o.ended()));
    assert_eq!(
        finals(&o).last(),
        Some(&Ev::ConnClose {
            conn: o.id(),
            status: HTTPc_CONN_CLOSE_STATUS_SERVER,
            err: HTTPc_ERR_NONE
        })
    );
    // Bytes nobody asked for (a stale 408) close it too, instead of becoming the next
    // response.
    let (o, sock) = connected(
        "stale.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    transact(&o, HTTP_METHOD_GET, "/1");
    sock.push_now(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n");
    assert!(o.pump_until(10, 1, || o.ended()));
    assert_eq!(
        finals(&o).last(),
        Some(&Ev::ConnClose {
            conn: o.id(),
            status: HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
            err: HTTPc_ERR_RESP_RX_DATA_LEN_INVALID
        })
    );
}

/// A request-header hook that sends another request on its connection, once.
struct Nested {
    req: *mut HTTPc_REQ_OBJ,
    resp: *mut HTTPc_RESP_OBJ,
    flags: HTTPc_FLAGS,
    result: Option<(CPU_BOOLEAN, HTTPc_ERR)>,
}

thread_local! {
    static NESTED: RefCell<Option<Nested>> = const { RefCell::new(None) };
}

unsafe extern "C" fn hdr_hook_sends(
    c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    p_hdr: *mut *mut HTTPc_HDR,
) -> CPU_BOOLEAN {
    thread_local! {
        static ACCEPT: RefCell<HTTPc_HDR> = const {
            RefCell::new(HTTPc_HDR {
                HdrField: HTTP_HDR_FIELD_ACCEPT,
                ValPtr: b"*/*".as_ptr().cast_mut().cast(),
                ValLen: 3,
            })
        };
    }
    let todo = NESTED.with(|n| {
        n.borrow()
            .as_ref()
            .filter(|n| n.result.is_none())
            .map(|n| (n.req, n.resp, n.flags))
    });
    if let Some((req, resp, flags)) = todo {
        let path = "/nested";
        let mut err = 0;
        let ok = unsafe {
            HTTPc_ReqSend(
                c,
                req,
                resp,
                HTTP_METHOD_GET,
                path.as_ptr().cast_mut().cast(),
                path.len() as u16,
                flags,
                &mut err,
            )
        };
        NESTED.with(|n| {
            if let Some(n) = n.borrow_mut().as_mut() {
                n.result = Some((ok, err));
            }
        });
    }
    // The header stays valid after the call: thread-local storage of this test thread.
    unsafe { *p_hdr = ACCEPT.with(|a| a.as_ptr()) };
    DEF_YES
}

#[test]
fn a_hook_writing_the_head_cannot_start_another_transaction_on_its_connection() {
    let _g = setup();
    for flags in [0, NB] {
        let (o, sock) = connected(
            "nest.test",
            256,
            true,
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst",
        );
        let r2 = extra_req();
        NESTED.with(|n| {
            *n.borrow_mut() = Some(Nested {
                req: r2.req,
                resp: r2.resp,
                flags,
                result: None,
            })
        });
        req_hook(
            &o,
            HTTPc_PARAM_TYPE_REQ_HDR_HOOK,
            hdr_hook_sends as *mut c_void,
        );
        transact(&o, HTTP_METHOD_GET, "/outer");
        let nested = NESTED.with(|n| n.borrow_mut().take().and_then(|n| n.result));
        // Blocking from a hook: refused as from any hook; non-blocking: the connection is
        // taken by the head being written.
        let want = if flags == 0 {
            HTTPc_ERR_CONN_INVALID_STATE
        } else {
            HTTPc_ERR_CONN_IS_USED
        };
        assert_eq!(nested, Some((DEF_FAIL, want)));
        assert_eq!(
            wire(&sock),
            "GET /outer HTTP/1.1\r\nHost: nest.test\r\nAccept: */*\r\n\r\n"
        );
        assert_eq!(rx_body(), b"first");
    }
}

#[test]
fn the_whole_buffer_receives_the_response() {
    let _g = setup();
    // A 200-byte header line in a 256-byte buffer (the WebSocket's three quarters would be
    // 125 bytes).
    let mut r = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
    r.extend(std::iter::repeat_n(b'a', 200));
    r.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\nok");
    let (o, _sock) = connected("whole.test", 256, false, &r);
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(completions(&o), vec![true], "{:?}", finals(&o));
    assert_eq!(rx_body(), b"ok");
}

#[test]
fn paths_as_legacy_measured_them_and_other_request_targets() {
    let _g = setup();
    // A length that counts the NUL (sizeof-style): the path ends at the NUL, as Str_Len_N.
    let (o, sock) = connected(
        "path.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    transact(&o, HTTP_METHOD_GET, "/index.html\0");
    assert!(wire(&sock).starts_with("GET /index.html HTTP/1.1\r\n"));
    // OPTIONS * and an absolute URI (a proxy) are request targets too.
    world(|w| w.log.borrow_mut().push(Ev::Opened { conn: o.id() }));
    sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    transact(&o, HTTP_METHOD_OPTIONS, "*");
    assert!(wire(&sock).contains("OPTIONS * HTTP/1.1\r\n"));
    // A target with a space or a CR would split the request: refused.
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/a b", NB).1,
        HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID
    );
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/a\r\nX: y", NB).1,
        HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID
    );
}

/// Strings end at their NUL, within their length, as legacy measured them (`Str_Len_N`): a
/// path, a query value or a header value that ends before the connection buffer is sent,
/// whatever length it was passed with (here one reaching into the buffer). Only one read
/// inside the buffer, its NUL included, is refused: the head is written over it.
#[test]
fn strings_ending_before_the_connection_buffer_are_sent_whatever_their_length() {
    let _g = setup();
    for (case, lead, nul_at) in [
        ("path", 64u16, 2usize),
        ("query", 64, 1),
        ("header", 64, 1),
        // The NUL is the buffer's first byte: read in the buffer, refused.
        ("path", 2, 2),
        ("query", 1, 1),
        ("header", 1, 1),
    ] {
        let mut o = Objs::new(0, lead + 256, 0, b"nul.test");
        // The application's bytes, right before the connection buffer.
        let (mem, mem_len) = (o.buf, o.buf_len);
        o.buf = unsafe { mem.add(usize::from(lead)) };
        o.buf_len = 256;
        let text: &[u8] = if case == "path" { b"/x" } else { b"v" };
        unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), mem, nul_at) };
        let refused = usize::from(lead) <= nul_at;
        if !refused {
            unsafe { *mem.add(nul_at) = 0 };
        }
        let sock = world(|w| w.expect_connect("nul.test", ConnectMode::Ok));
        sock.push_reply(b"HTTP/1.1 204 No Content\r\n\r\n");
        let mut err = 0;
        unsafe {
            assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
            assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
            assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        }
        assert!(o.pump_until(10, 0, || has(&o, |e| matches!(
            e,
            Ev::Connect { ok: true, .. }
        ))));
        let mut kv = [HTTPc_KEY_VAL {
            KeyPtr: b"k".as_ptr().cast_mut().cast(),
            KeyLen: 1,
            ValPtr: mem.cast(),
            ValLen: 100,
        }];
        let mut hdr = [HTTPc_HDR {
            HdrField: HTTP_HDR_FIELD_ACCEPT,
            ValPtr: mem.cast(),
            ValLen: 100,
        }];
        let err = match case {
            "path" => unsafe {
                HTTPc_ReqSend(
                    o.conn,
                    o.req,
                    o.resp,
                    HTTP_METHOD_GET,
                    mem.cast(),
                    128,
                    NB,
                    &mut err,
                );
                err
            },
            "query" => send_with_table(
                &o,
                HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL,
                &mut kv,
                HTTP_METHOD_GET,
            ),
            _ => send_with_table(&o, HTTPc_PARAM_TYPE_REQ_HDR_TBL, &mut hdr, HTTP_METHOD_GET),
        };
        let expected = match case {
            _ if !refused => HTTPc_ERR_NONE,
            "path" => HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID,
            "query" => HTTPc_ERR_REQ_QUERY_STR_INVALID,
            _ => HTTPc_ERR_REQ_HDR_INVALID,
        };
        // (Everything is checked once the connection ended and `o` has its own buffer back.)
        let done = err == HTTPc_ERR_NONE
            && o.pump_until(50, 1, || {
                has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. }))
            });
        let head = wire(&sock);
        let mut close_err = 0;
        unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut close_err) };
        let ended = o.pump_until(10, 1, || o.ended());
        (o.buf, o.buf_len) = (mem, mem_len);
        drop(o);
        assert!(ended);
        assert_eq!(err, expected, "{case}, lead {lead}");
        if !refused {
            let want = match case {
                "path" => "GET /x HTTP/1.1\r\n",
                "query" => "GET /?k=v HTTP/1.1\r\n",
                _ => "\r\nAccept: v\r\n",
            };
            assert!(done && head.contains(want), "{case}: {head:?}");
        }
        check_port().unwrap();
    }
}

/// A body hook that writes into the buffer it was offered and points `*p_data` at it.
unsafe extern "C" fn body_points_into_buffer(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    let data = b"in the buffer";
    assert!(usize::from(buf_len) >= data.len() + 3);
    unsafe {
        // Written 3 bytes in, pointed at there: the library must move it, not read it as
        // the application's own memory while it writes the buffer.
        std::ptr::copy_nonoverlapping(data.as_ptr(), p_buf.cast::<u8>().add(3), data.len());
        *p_data = p_buf.add(3).cast();
        *p_data_len = data.len() as u16;
    }
    DEF_YES
}

#[test]
fn a_body_pointed_at_inside_the_connection_buffer_is_moved_not_aliased() {
    let _g = setup();
    let (o, sock) = connected("alias.test", 256, false, b"HTTP/1.1 204 No Content\r\n\r\n");
    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_PLAIN;
    let mut len: CPU_INT32U = 13;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t),
        HTTPc_ERR_NONE
    );
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &mut len),
        HTTPc_ERR_NONE
    );
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
        body_points_into_buffer as *mut c_void,
    );
    transact(&o, HTTP_METHOD_POST, "/");
    assert!(
        wire(&sock).ends_with("\r\n\r\nin the buffer"),
        "{:?}",
        wire(&sock)
    );
    assert_eq!(completions(&o), vec![true]);
}

/// The server answers and closes its side at once (its FIN right behind the response): the
/// request queued behind is never written to the closed connection (a POST reported as failed
/// must not have reached the server), as legacy checked the socket first; it fails with
/// `HTTPc_ERR_CONN_SOCK_CLOSED`.
#[test]
fn a_request_queued_behind_a_response_and_the_servers_fin_is_not_sent() {
    let _g = setup();
    let one = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none";
    let (o, sock) = connected("fin.test", 512, true, one);
    sock.push(Gate::Now, Item::Eof);
    second_fails_unsent(&o, &sock, HTTPc_ERR_CONN_SOCK_CLOSED);
}

/// Bytes that came after a response and before the next request went out cannot be that
/// request's response (a stale `408`, the tail of a broken response): the queued request is
/// never sent and fails with `HTTPc_ERR_RESP_RX_DATA_LEN_INVALID`, the connection closes (as
/// such bytes close an idle one); it used to take them as its response.
#[test]
fn bytes_before_a_queued_request_went_out_fail_it_unsent() {
    let one = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none";
    let stale = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n";
    // (Empty lines in front of it hide nothing.)
    for blank in [&b""[..], b"\r\n\r\n"] {
        let _g = setup();
        let server = [&one[..], blank, stale].concat();
        let (o, sock) = connected("stale2.test", 512, true, &server);
        // One read takes the first response alone: the stale one waits in the socket.
        sock.rx_policy.borrow_mut().max_chunk = one.len();
        second_fails_unsent(&o, &sock, HTTPc_ERR_RESP_RX_DATA_LEN_INVALID);
    }
}

/// Sends `/1` and queues `/2` behind it on `o`: the first completes, the second fails with
/// `err` and never reaches the wire; the connection ends.
fn second_fails_unsent(o: &Objs, sock: &Sock, err: HTTPc_ERR) {
    let r2 = extra_req();
    assert_eq!(send(o, HTTP_METHOD_GET, "/1", NB).1, HTTPc_ERR_NONE);
    assert_eq!(send_with(o, &r2, "/2").1, HTTPc_ERR_NONE);
    assert!(o.pump_until(20, 1, || o.ended()), "{:#?}", events(o));
    assert!(wire(sock).contains("GET /1 "));
    assert!(!wire(sock).contains("GET /2 "), "{:?}", wire(sock));
    assert!(has(
        o,
        |e| matches!(e, Ev::TransErr { err: x, .. } if *x == err)
    ));
    assert_eq!(completions(o), vec![true, false]);
    // Its response object was reset, not given someone else's response.
    assert_eq!(unsafe { (*r2.resp).StatusCode }, HTTP_STATUS_UNKNOWN);
}

/// A request on a connection whose WebSocket ended (its `OnClose` came) is refused as on any
/// closed connection, `HTTPc_ERR_CONN_IS_RELEASED` (legacy's `HTTPcConn_ReqAdd`), not as busy.
#[test]
fn a_request_after_the_websocket_ended_finds_the_connection_released() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"wsdone.test");
    let _sock = open_ws(&o, "wsdone.test", b"", 0);
    assert_eq!(send(&o, HTTP_METHOD_GET, "/", NB).1, HTTPc_ERR_CONN_IS_USED);
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    assert!(o.pump_until(10, 0, || o.ended()));
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/", NB).1,
        HTTPc_ERR_CONN_IS_RELEASED
    );
}

/// A response object over the connection's or the request's state, or in the connection
/// buffer, is refused (`HTTPc_ERR_PARAM_INVALID`) before the request is marked in use; the
/// request then goes out with a proper one.
#[test]
fn a_response_object_overlapping_another_object_or_the_buffer_is_refused() {
    let _g = setup();
    let (o, sock) = connected("ovl.test", 256, false, b"HTTP/1.1 204 No Content\r\n\r\n");
    let overlapping: [*mut HTTPc_RESP_OBJ; 4] = unsafe {
        [
            o.conn.cast(),
            o.conn.cast::<u8>().add(40).cast(),
            o.req.cast::<u8>().add(56).cast(),
            o.buf.add(64 + o.buf.align_offset(8)).cast(),
        ]
    };
    for resp in overlapping {
        let mut err = 0;
        unsafe {
            HTTPc_ReqSend(
                o.conn,
                o.req,
                resp,
                HTTP_METHOD_GET,
                b"/".as_ptr().cast_mut().cast(),
                1,
                NB,
                &mut err,
            )
        };
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID, "response at {resp:p}");
    }
    assert!(wire(&sock).is_empty(), "nothing sent");
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(completions(&o), vec![true]);
}

/// A chunked body hook that writes in front of the region it was offered (where the chunk's
/// size line goes), still inside the connection buffer, and points `*p_data` there.
unsafe extern "C" fn body_points_before_its_offer(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    _buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    let data = b"in the buffer";
    unsafe {
        // A 256-byte buffer: the size line takes 3 + 2 bytes, `p_buf` is 5 bytes in.
        let at = p_buf.sub(4).cast::<u8>();
        std::ptr::copy(data.as_ptr(), at, data.len());
        *p_data = at.cast();
        *p_data_len = data.len() as u16;
    }
    DEF_YES
}

#[test]
fn a_chunk_pointed_at_in_front_of_its_offer_is_moved_before_the_size_line_is_written() {
    let _g = setup();
    let hook = body_points_before_its_offer as *mut c_void;
    let (o, sock) = chunked_conn_with("front.test", false, None, true, hook);
    transact(&o, HTTP_METHOD_PUT, "/f");
    // The size line was written over the data's first bytes before they were moved.
    assert!(
        wire(&sock).ends_with("\r\n\r\n00d\r\nin the buffer\r\n000\r\n\r\n"),
        "{:?}",
        wire(&sock)
    );
    assert_eq!(completions(&o), vec![true]);
}

#[test]
fn an_upgrade_waits_for_no_queue_it_would_jump() {
    let _g = setup();
    let (o, _sock) = connected("jump.test", 256, true, b"");
    let r2 = extra_req();
    unsafe { assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE) };
    let upgrade = || unsafe {
        let mut err = 0;
        let ws_req = Box::into_raw(Objs::zeroed_obj::<HTTPc_REQ_OBJ>());
        HTTPc_ReqClr(ws_req, &mut err);
        let path = b"/chat";
        HTTPc_WebSockUpgrade(
            o.conn,
            ws_req,
            o.resp,
            o.ws,
            path.as_ptr().cast_mut().cast(),
            5,
            HTTPc_FLAG_WEBSOCK_NO_BLOCK,
            &mut err,
        );
        drop(Box::from_raw(ws_req));
        err
    };
    // A request in flight has the connection (legacy queued the upgrade behind it).
    assert_eq!(send(&o, HTTP_METHOD_GET, "/a", NB).1, HTTPc_ERR_NONE);
    assert_eq!(upgrade(), HTTPc_ERR_CONN_IS_USED);
    // Requests wait for their turn: the upgrade may not take the connection before them.
    assert_eq!(send_with(&o, &r2, "/b").1, HTTPc_ERR_NONE);
    assert_eq!(upgrade(), HTTPc_ERR_CONN_IS_USED);
    // The queued request's objects are this test's: the connection lets go of them first.
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(o.pump_until(10, 1, || o.ended()));
}

thread_local! {
    /// `ContentLen` read from the response object at each header hook call.
    static LEN_AT_HDR: RefCell<(*const HTTPc_RESP_OBJ, Vec<(HTTP_HDR_FIELD, u32)>)> =
        const { RefCell::new((std::ptr::null(), Vec::new())) };
}

unsafe extern "C" fn on_resp_hdr_len(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    field: HTTP_HDR_FIELD,
    _p: *mut CPU_CHAR,
    _n: CPU_INT16U,
) {
    LEN_AT_HDR.with(|l| {
        let mut l = l.borrow_mut();
        let len = unsafe { (*l.0).ContentLen };
        l.1.push((field, len));
    });
}

#[test]
fn content_len_is_set_at_its_header_line_as_legacy() {
    let _g = setup();
    let response = b"HTTP/1.1 200 OK\r\nServer: a\r\nContent-Length: 2\r\nDate: d\r\n\r\nok";
    let (o, _sock) = connected("len.test", 256, false, response);
    LEN_AT_HDR.with(|l| *l.borrow_mut() = (o.resp.cast_const(), Vec::new()));
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_RESP_HDR_HOOK,
        on_resp_hdr_len as *mut c_void,
    );
    transact(&o, HTTP_METHOD_GET, "/");
    let seen = LEN_AT_HDR.with(|l| l.borrow().1.clone());
    assert_eq!(
        seen,
        vec![(HTTP_HDR_FIELD_SERVER, 0), (HTTP_HDR_FIELD_DATE, 2)]
    );
    assert_eq!(resp(&o).3, 2);
}

#[test]
fn an_interim_responses_headers_reach_neither_the_hook_nor_the_object() {
    let _g = setup();
    let response = b"HTTP/1.1 103 Early Hints\r\nServer: x\r\nContent-Type: text/plain\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    let (o, _sock) = connected("early.test", 256, false, response);
    transact(&o, HTTP_METHOD_GET, "/");
    let hdrs = events(&o)
        .iter()
        .filter(|e| matches!(e, Ev::RespHdr { .. }))
        .count();
    assert_eq!(hdrs, 0);
    assert_eq!(
        resp(&o),
        (
            status_of(200),
            HTTP_PROTOCOL_VER_1_1,
            HTTP_CONTENT_TYPE_NONE,
            2
        )
    );
    assert_eq!(
        body(|b| b.rx.iter().map(|c| c.2).collect::<Vec<_>>()),
        vec![HTTP_CONTENT_TYPE_NONE]
    );
    assert_eq!(rx_body(), b"hi");
}

#[test]
fn a_hook_that_closes_the_connection_is_the_last_one_called() {
    let _g = setup();
    // The whole response comes in one read: what follows the hook's close is not delivered,
    // and the transaction fails as legacy failed the requests of a connection it closed.
    let response = b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nContent-Length: 2\r\n\r\nok";
    let (o, _sock) = connected("close.test", 256, false, response);
    world(|w| {
        w.reactions
            .borrow_mut()
            .push((Hook::RespHdr, 0, Act::ConnClose))
    });
    get_until_closed(&o);
    let ev = events(&o);
    let hdrs = ev
        .iter()
        .filter(|e| matches!(e, Ev::RespHdr { .. }))
        .count();
    assert_eq!(hdrs, 1, "{ev:#?}");
    assert_eq!(rx_body(), b"", "{ev:#?}");
    // Legacy's order for the requests of a connection it closes: the completion, then OnErr.
    assert_eq!(
        finals(&o),
        vec![
            Ev::TransComplete {
                conn: o.id(),
                status: status_of(200),
                ok: false
            },
            Ev::TransErr {
                conn: o.id(),
                err: HTTPc_ERR_CONN_SOCK_CLOSED
            },
            Ev::ConnClose {
                conn: o.id(),
                status: HTTPc_CONN_CLOSE_STATUS_APP,
                err: HTTPc_ERR_NONE
            },
        ]
    );
}

thread_local! {
    /// What the recycling header hook's calls got.
    static REUSE_ERRS: RefCell<Vec<HTTPc_ERR>> = const { RefCell::new(Vec::new()) };
}

/// A request-header hook that tries to clear its own request and send it again, then gives
/// one header.
unsafe extern "C" fn reusing_header(
    c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    h: *mut *mut HTTPc_HDR,
) -> CPU_BOOLEAN {
    static mut RESP: std::mem::MaybeUninit<HTTPc_RESP_OBJ> = std::mem::MaybeUninit::zeroed();
    let (mut e1, mut e2) = (0, 0);
    // SAFETY (test): the library's objects and out-parameter; RESP is this hook's alone.
    unsafe {
        HTTPc_ReqClr(r, &mut e1);
        HTTPc_ReqSend(
            c,
            r,
            (&raw mut RESP).cast(),
            HTTP_METHOD_GET,
            c"/again".as_ptr().cast_mut(),
            6,
            NB,
            &mut e2,
        );
        *h = cookie_header();
    }
    REUSE_ERRS.with(|x| x.borrow_mut().extend([e1, e2]));
    DEF_YES
}

/// A request is in use while its header hook runs, as legacy's was (its task wrote the head
/// of a request already marked): the hook can neither clear it nor send it again, and the
/// request goes on.
#[test]
fn a_request_header_hook_cannot_recycle_its_request() {
    let _g = setup();
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let (o, sock) = connected("reuse.test", 256, false, response);
    REUSE_ERRS.with(|x| x.borrow_mut().clear());
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_HDR_HOOK,
        reusing_header as *mut c_void,
    );
    get_until_closed(&o);
    assert_eq!(
        REUSE_ERRS.with(|x| x.borrow().clone()),
        vec![HTTPc_ERR_REQ_IS_USED, HTTPc_ERR_REQ_IS_USED]
    );
    assert_eq!(completions(&o), vec![true]);
    assert_eq!(rx_body(), b"ok");
    assert!(wire(&sock).starts_with("GET / HTTP/1.1\r\n"));
    assert!(wire(&sock).contains("\r\nCookie: a=b\r\n"));
    drop(o);
    check_port().unwrap();
}

/// A body hook that calls `HTTPc_ConnClose` from its last call (`last_chunk = DEF_YES`): as in
/// legacy, whose close message came before the transaction's completion, the transaction fails
/// as every request of a connection the application closes (`OnTransComplete(DEF_FAIL)`, then
/// `OnErr(HTTPc_ERR_CONN_SOCK_CLOSED)`), then `OnClose(APP)`, persistent or not. Content-Length,
/// chunked and close-delimited bodies alike; the body was delivered whole all the same.
#[test]
fn a_close_from_the_last_body_call_fails_the_transaction_as_legacy() {
    let _g = setup();
    let bodies: [(&[u8], bool); 3] = [
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world!",
            false,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nhello world!\r\n0\r\n\r\n",
            false,
        ),
        // The last call comes with the server's close (the body ends there).
        (b"HTTP/1.0 200 OK\r\n\r\nhello world!", true),
    ];
    for (response, eof) in bodies {
        for persistent in [true, false] {
            let (o, sock) = connected("lastclose.test", 256, persistent, response);
            if eof {
                sock.push(Gate::Now, Item::Eof);
            }
            body(|b| b.close_on_last = true);
            get_until_closed(&o);
            let ev = events(&o);
            assert_eq!(
                finals(&o),
                vec![
                    Ev::TransComplete {
                        conn: o.id(),
                        status: status_of(200),
                        ok: false
                    },
                    Ev::TransErr {
                        conn: o.id(),
                        err: HTTPc_ERR_CONN_SOCK_CLOSED
                    },
                    Ev::ConnClose {
                        conn: o.id(),
                        status: HTTPc_CONN_CLOSE_STATUS_APP,
                        err: HTTPc_ERR_NONE
                    },
                ],
                "persistent {persistent}: {ev:#?}"
            );
            assert_eq!(rx_body(), b"hello world!");
            drop(o);
            check_port().unwrap();
        }
    }
}

/// `HTTPc_ConnClose` from the hooks that end a transaction whose connection closes anyway
/// (not persistent, the server's `Connection: close`, a failed response): `OnClose` says
/// `APP`, as legacy's close message overwrote the status; the error stays the failure's.
#[test]
fn a_close_from_the_ending_hooks_is_reported_as_the_applications() {
    let _g = setup();
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".as_slice();
    let server_close = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    let broken = b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n".as_slice();
    let cases: [(&[u8], bool, Hook, HTTPc_ERR); 4] = [
        (ok, false, Hook::TransComplete, HTTPc_ERR_NONE),
        (server_close, true, Hook::TransComplete, HTTPc_ERR_NONE),
        (
            broken,
            true,
            Hook::TransComplete,
            HTTPc_ERR_RESP_CONTENT_LEN_INVALID,
        ),
        (
            broken,
            true,
            Hook::TransErr,
            HTTPc_ERR_RESP_CONTENT_LEN_INVALID,
        ),
    ];
    for (response, persistent, hook, err) in cases {
        let (o, _sock) = connected("endclose.test", 256, persistent, response);
        world(|w| {
            w.hook_counts.borrow_mut().clear();
            *w.reactions.borrow_mut() = vec![(hook, 0, Act::ConnClose)];
        });
        get_until_closed(&o);
        let ev = events(&o);
        assert_eq!(
            finals(&o).last(),
            Some(&Ev::ConnClose {
                conn: o.id(),
                status: HTTPc_CONN_CLOSE_STATUS_APP,
                err
            }),
            "{hook:?} persistent {persistent}: {ev:#?}"
        );
        // One completion, as the transaction ended before the close.
        assert_eq!(completions(&o).len(), 1, "{ev:#?}");
        drop(o);
        check_port().unwrap();
    }
}

#[test]
fn header_lines_are_bounded_by_the_buffer_alone() {
    let _g = setup();
    // A 1 100-byte header line, and a 12 KB head, in a 4 KB buffer: legacy parsed a line at a
    // time, bounded by the buffer only.
    let mut r = b"HTTP/1.1 200 OK\r\nSet-Cookie: ".to_vec();
    r.extend(std::iter::repeat_n(b'a', 1100));
    r.extend_from_slice(b"\r\n");
    for i in 0..24 {
        r.extend_from_slice(format!("X-Pad-{i:02}: ").as_bytes());
        r.extend(std::iter::repeat_n(b'b', 500));
        r.extend_from_slice(b"\r\n");
    }
    r.extend_from_slice(b"Content-Length: 2\r\n\r\nok");
    let (o, _sock) = connected("long.test", 4096, false, &r);
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(completions(&o), vec![true], "{:?}", finals(&o));
    assert_eq!(rx_body(), b"ok");
}

#[test]
fn a_close_after_the_last_chunk_ends_the_body() {
    let _g = setup();
    // The server closes after `0\r\n` without the empty line that ends the trailers: every
    // body byte came, so the response ends (legacy ended it at the last chunk).
    let response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n";
    let (o, sock) = connected("chunk-eof.test", 256, true, response);
    sock.push(Gate::Now, Item::Eof);
    transact(&o, HTTP_METHOD_GET, "/");
    assert_eq!(completions(&o), vec![true], "{:?}", finals(&o));
    assert_eq!(rx_body(), b"hi");
    assert_eq!(body(|b| b.rx.last().map(|c| c.1)), Some(true));
}

#[test]
fn a_blocking_requests_result_survives_a_hook_that_clears_the_request() {
    let _g = setup();
    // Not persistent: OnClose(NO_PERSISTENT) runs in the pass that ends the transaction, and
    // the application recycles the request there (legacy had removed it already).
    let (o, _sock) = connected(
        "recycle.test",
        256,
        false,
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    world(|w| {
        w.clr_req.set(o.req);
        w.reactions
            .borrow_mut()
            .push((Hook::ConnClose, 0, Act::Clear));
    });
    assert_eq!(send(&o, HTTP_METHOD_GET, "/", 0), (DEF_OK, HTTPc_ERR_NONE));
    assert_eq!(rx_body(), b"ok");
    assert_eq!(
        world(|w| w.reaction_errs.borrow().clone()),
        vec![(Act::Clear, HTTPc_ERR_NONE, DEF_OK)]
    );
}

#[test]
fn plain_requests_in_progress_leave_msgq_size_to_the_upgrades() {
    let _g = setup();
    // As many plain requests waiting for their responses as `MsgQ_Size` allows upgrades:
    // legacy's pool held handshakes only, so an upgrade still finds its place.
    let limit = usize::from(test_cfg().MsgQ_Size);
    let busy: Vec<_> = (0..limit)
        .map(|i| {
            let (o, sock) = connected(&format!("rest{i}.test"), 256, true, b"");
            assert_eq!(
                send(&o, HTTP_METHOD_GET, "/", NB),
                (DEF_FAIL, HTTPc_ERR_NONE)
            );
            (o, sock)
        })
        .collect();
    assert!(busy[0].0.pump_until(10, 1, || busy
        .iter()
        .all(|(_, s)| !s.tx.borrow().is_empty())));
    let (o, _sock) = connected("ws.test", 256, true, &response_101(b""));
    upgrade_nb(&o);
    assert!(o.pump_until(20, 1, || has(&o, |e| matches!(e, Ev::Open { .. }))));
}

#[test]
fn an_ipv6_host_goes_in_brackets_and_a_bad_host_is_named_by_the_request() {
    let _g = setup();
    let (o, sock) = connected(
        "2001:db8::1",
        256,
        false,
        b"HTTP/1.1 204 No Content\r\n\r\n",
    );
    transact(&o, HTTP_METHOD_GET, "/v6");
    assert!(
        wire(&sock).starts_with("GET /v6 HTTP/1.1\r\nHost: [2001:db8::1]\r\n"),
        "{}",
        wire(&sock)
    );
    // Names that cannot go in `Host` (legacy left them to the name resolution, then sent them
    // as they were): each request says why it cannot be written.
    for host in ["fe80::1%eth0", "a b", "user@h", "h:80", "[::1"] {
        let (o, _sock) = connected(host, 256, true, b"");
        assert_eq!(
            send(&o, HTTP_METHOD_GET, "/", NB).1,
            HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID,
            "{host}"
        );
    }
}

fn upgrade_to(o: &Objs, path: &str) -> HTTPc_ERR {
    let mut err = 0;
    unsafe {
        HTTPc_WebSockUpgrade(
            o.conn,
            o.req,
            o.resp,
            o.ws,
            path.as_ptr().cast_mut().cast(),
            path.len() as u16,
            NB,
            &mut err,
        )
    };
    err
}

#[test]
fn an_upgrade_takes_an_absolute_http_uri_as_rfc_6455_allows() {
    let _g = setup();
    let (o, sock) = connected("proxy.test", 512, true, &response_101(b""));
    unsafe { assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE) };
    // A relative path is not a resource name.
    assert_eq!(
        upgrade_to(&o, "chat"),
        HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID
    );
    assert_eq!(
        upgrade_to(&o, "ftp://srv.example/ws"),
        HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID
    );
    assert_eq!(upgrade_to(&o, "HTTP://srv.example/ws"), HTTPc_ERR_NONE);
    assert!(o.pump_until(20, 1, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    assert!(wire(&sock).starts_with("GET HTTP://srv.example/ws HTTP/1.1\r\n"));
}

#[test]
fn a_null_header_value_and_a_query_too_long_for_the_buffer() {
    let _g = setup();
    let (o, sock) = connected("q.test", 256, true, b"");
    // A header whose value pointer is NULL, whatever its length: legacy's copy failed on it.
    for len in [0u16, 3] {
        let mut hdr = HTTPc_HDR {
            HdrField: HTTP_HDR_FIELD_ACCEPT,
            ValPtr: null_mut(),
            ValLen: len,
        };
        assert_eq!(
            set_table(
                &o,
                HTTPc_PARAM_TYPE_REQ_HDR_TBL,
                std::slice::from_mut(&mut hdr)
            ),
            HTTPc_ERR_NONE
        );
        assert_eq!(
            send(&o, HTTP_METHOD_GET, "/", NB).1,
            HTTPc_ERR_REQ_HDR_CREATE,
            "{len}"
        );
    }
    assert_eq!(req_setup_again(&o), HTTPc_ERR_NONE);
    // A query string that does not fit the buffer: the head does not fit, as for a long path.
    let mut pairs: Vec<HTTPc_KEY_VAL> = (0..40)
        .map(|_| HTTPc_KEY_VAL {
            KeyPtr: b"k".as_ptr().cast_mut().cast(),
            KeyLen: 1,
            ValPtr: b"vvvvvvvv".as_ptr().cast_mut().cast(),
            ValLen: 8,
        })
        .collect();
    assert_eq!(
        send_with_table(
            &o,
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL,
            &mut pairs,
            HTTP_METHOD_GET
        ),
        HTTPc_ERR_TRANS_TX_BUF_FULL
    );
    // Nothing went out, the connection is still open.
    assert!(sock.tx.borrow().is_empty());
    assert!(!o.ended());
}

/// Header and query strings (and their tables) inside the connection buffer would be read
/// while the head is written over them (legacy sent them corrupted): refused,
/// `HTTPc_ERR_REQ_HDR_INVALID` / `HTTPc_ERR_REQ_QUERY_STR_INVALID` (a table:
/// `HTTPc_ERR_PARAM_INVALID`, as an object there), nothing sent; the same strings elsewhere go.
#[test]
fn head_strings_inside_the_connection_buffer_are_refused() {
    let _g = setup();
    let (o, sock) = connected("inbuf.test", 512, true, b"HTTP/1.1 204 No Content\r\n\r\n");
    // A string and a table in the buffer's last bytes (the head is written from its start).
    let in_buf = unsafe { o.buf.add(400) };
    unsafe { std::ptr::copy_nonoverlapping(b"text/x".as_ptr(), in_buf, 6) };
    let mut hdr = HTTPc_HDR {
        HdrField: HTTP_HDR_FIELD_ACCEPT,
        ValPtr: in_buf.cast(),
        ValLen: 6,
    };
    assert_eq!(
        send_with_table(
            &o,
            HTTPc_PARAM_TYPE_REQ_HDR_TBL,
            std::slice::from_mut(&mut hdr),
            HTTP_METHOD_GET
        ),
        HTTPc_ERR_REQ_HDR_INVALID
    );
    assert_eq!(req_setup_again(&o), HTTPc_ERR_NONE);
    let mut pair = HTTPc_KEY_VAL {
        KeyPtr: b"k".as_ptr().cast_mut().cast(),
        KeyLen: 1,
        ValPtr: in_buf.cast(),
        ValLen: 6,
    };
    assert_eq!(
        send_with_table(
            &o,
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL,
            std::slice::from_mut(&mut pair),
            HTTP_METHOD_GET
        ),
        HTTPc_ERR_REQ_QUERY_STR_INVALID
    );
    // The table itself in the buffer.
    assert_eq!(req_setup_again(&o), HTTPc_ERR_NONE);
    let tbl_in_buf = unsafe { o.buf.add(448 + o.buf.add(448).align_offset(8)) };
    unsafe {
        std::ptr::write(
            tbl_in_buf.cast::<HTTPc_KEY_VAL>(),
            HTTPc_KEY_VAL {
                KeyPtr: b"k".as_ptr().cast_mut().cast(),
                KeyLen: 1,
                ValPtr: b"v".as_ptr().cast_mut().cast(),
                ValLen: 1,
            },
        )
    };
    let mut tbl = HTTPc_PARAM_TBL {
        TblPtr: tbl_in_buf.cast(),
        EntryNbr: 1,
    };
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL, &mut tbl),
        HTTPc_ERR_NONE
    );
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/", NB).1,
        HTTPc_ERR_PARAM_INVALID
    );
    assert!(sock.tx.borrow().is_empty(), "nothing went out");
    // The same value from the application's own memory goes.
    assert_eq!(req_setup_again(&o), HTTPc_ERR_NONE);
    hdr.ValPtr = b"text/x".as_ptr().cast_mut().cast();
    assert_eq!(
        send_with_table(
            &o,
            HTTPc_PARAM_TYPE_REQ_HDR_TBL,
            std::slice::from_mut(&mut hdr),
            HTTP_METHOD_GET
        ),
        HTTPc_ERR_NONE
    );
    assert!(o.pump_until(20, 1, || completions(&o) == vec![true]));
    assert!(
        wire(&sock).contains("Accept: text/x\r\n"),
        "{}",
        wire(&sock)
    );
}

/// Clears the request again and sets its response-body hook.
fn req_setup_again(o: &Objs) -> HTTPc_ERR {
    let err = unsafe { o.req_setup() };
    req_hook(
        o,
        HTTPc_PARAM_TYPE_RESP_BODY_HOOK,
        on_body_rx as *mut c_void,
    );
    err
}

thread_local! {
    /// Where `resend_elsewhere` sends the request again: (connection, path).
    static RESEND: std::cell::Cell<(*mut HTTPc_CONN_OBJ, &'static str)> =
        const { std::cell::Cell::new((null_mut(), "")) };
    static RESP_OF: std::cell::Cell<*mut HTTPc_RESP_OBJ> = const { std::cell::Cell::new(null_mut()) };
    /// What `probe_req` found in each hook: the hook, and `HTTPc_ReqSetParam`'s answer.
    static PROBES: RefCell<Vec<(&'static str, HTTPc_ERR)>> = const { RefCell::new(Vec::new()) };
}

/// Asks whether the request is in use from inside one of its hooks: a harmless
/// `HTTPc_ReqSetParam` (`OnErr` set to what it is) answers `HTTPc_ERR_REQ_IS_USED` if so.
unsafe fn probe_req(hook: &'static str, p_req: *mut HTTPc_REQ_OBJ) {
    PROBES.with(|p| p.borrow_mut().push((hook, unsafe { set_err_probe(p_req) })));
}

/// Sets `err_probe` as the request's `OnErr`: the error.
unsafe fn set_err_probe(p_req: *mut HTTPc_REQ_OBJ) -> HTTPc_ERR {
    let mut e = 0;
    let f = err_probe as *mut c_void;
    unsafe { HTTPc_ReqSetParam(p_req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, f, &mut e) };
    e
}

unsafe extern "C" fn err_probe(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_req: *mut HTTPc_REQ_OBJ,
    err: HTTPc_ERR,
) {
    unsafe {
        on_trans_err(p_conn, p_req, err);
        probe_req("OnErr", p_req);
    }
}

unsafe extern "C" fn complete_probe(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_req: *mut HTTPc_REQ_OBJ,
    p_resp: *mut HTTPc_RESP_OBJ,
    ok: CPU_BOOLEAN,
) {
    unsafe {
        on_trans_complete(p_conn, p_req, p_resp, ok);
        probe_req("OnTransComplete", p_req);
    }
}

fn probes() -> Vec<(&'static str, HTTPc_ERR)> {
    PROBES.with(|p| p.borrow_mut().drain(..).collect())
}

/// `OnErr` that records the failure, then tries to send the same request again on another
/// connection: refused, the request is still in use during its `OnErr` (legacy).
unsafe extern "C" fn resend_in_err(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_req: *mut HTTPc_REQ_OBJ,
    err: HTTPc_ERR,
) {
    unsafe { on_trans_err(p_conn, p_req, err) };
    let e = unsafe { resend(p_req) };
    PROBES.with(|p| p.borrow_mut().push(("OnErr resend", e)));
}

/// `OnTransComplete` that records the outcome, then sends the same request again on another
/// connection: it is free again there (legacy).
unsafe extern "C" fn resend_on_complete(
    p_conn: *mut HTTPc_CONN_OBJ,
    p_req: *mut HTTPc_REQ_OBJ,
    p_resp: *mut HTTPc_RESP_OBJ,
    ok: CPU_BOOLEAN,
) {
    unsafe { on_trans_complete(p_conn, p_req, p_resp, ok) };
    if ok == DEF_FAIL {
        let e = unsafe { resend(p_req) };
        PROBES.with(|p| p.borrow_mut().push(("OnTransComplete resend", e)));
    }
}

/// `HTTPc_ReqSend` of `p_req` as `RESEND` says, non-blocking: its error.
unsafe fn resend(p_req: *mut HTTPc_REQ_OBJ) -> HTTPc_ERR {
    let (other, path) = RESEND.with(|r| r.get());
    let resp = RESP_OF.with(|r| r.get());
    let mut e = 0;
    unsafe {
        HTTPc_ReqSend(
            other,
            p_req,
            resp,
            HTTP_METHOD_GET,
            path.as_ptr().cast_mut().cast(),
            path.len() as u16,
            NB,
            &mut e,
        )
    };
    e
}

#[test]
fn a_failed_request_is_in_use_in_its_on_err_and_free_in_its_on_trans_complete() {
    let _g = setup();
    // The first connection's response is cut short: OnErr cannot send the request again (in
    // use), OnTransComplete(DEF_FAIL) sends it on the second connection. The first
    // connection's close must leave that new transaction alone: it completes there, once.
    let (o2, s2) = connected("second.test", 256, true, b"");
    let (o1, s1) = connected(
        "first.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
    );
    s1.push(Gate::Request, Item::Eof);
    RESEND.with(|r| r.set((o2.conn, "/again")));
    RESP_OF.with(|r| r.set(o1.resp));
    req_hook(
        &o1,
        HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
        resend_in_err as *mut c_void,
    );
    req_hook(
        &o1,
        HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
        resend_on_complete as *mut c_void,
    );
    probes();
    assert_eq!(
        send(&o1, HTTP_METHOD_GET, "/", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert!(o1.pump_until(50, 1, || has(&o1, |e| matches!(e, Ev::ConnClose { .. }))));
    assert_eq!(
        probes(),
        vec![
            ("OnErr resend", HTTPc_ERR_REQ_IS_USED),
            ("OnTransComplete resend", HTTPc_ERR_NONE)
        ]
    );
    assert!(o2.pump_until(20, 1, || wire(&s2).contains("GET /again ")));
    // The first connection reported its failure once: OnErr, OnTransComplete(DEF_FAIL).
    let first: Vec<_> = finals(&o1);
    assert_eq!(
        first
            .iter()
            .filter(|e| matches!(e, Ev::TransErr { .. } | Ev::TransComplete { .. }))
            .count(),
        2,
        "{first:#?}"
    );
    s2.push_now(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert!(o2.pump_until(50, 1, || has(&o2, |e| matches!(
        e,
        Ev::TransComplete { .. }
    ))));
    assert_eq!(completions(&o2), vec![true]);
}

/// Sets the probing hooks on the request and sends it (non-blocking), the probes emptied.
fn send_probed(o: &Objs) {
    req_hook(
        o,
        HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
        err_probe as *mut c_void,
    );
    let complete = complete_probe as *mut c_void;
    req_hook(o, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, complete);
    probes();
    assert_eq!(
        send(o, HTTP_METHOD_GET, "/", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
}

#[test]
fn a_request_cut_short_by_its_connection_is_in_use_in_both_hooks() {
    let _g = setup();
    // No response: the application closes the connection under the pending request. Legacy's
    // HTTPcConn_Close ran OnTransComplete(DEF_FAIL) and OnErr before it freed the request.
    let (o, s) = connected("cut.test", 256, true, b"");
    send_probed(&o);
    assert!(o.pump_until(20, 1, || wire(&s).contains("GET / ")));
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(o.pump_until(20, 1, || o.ended()));
    assert_eq!(
        probes(),
        vec![
            ("OnTransComplete", HTTPc_ERR_REQ_IS_USED),
            ("OnErr", HTTPc_ERR_REQ_IS_USED)
        ]
    );
    // Free once the hooks are over.
    assert_eq!(unsafe { set_err_probe(o.req) }, HTTPc_ERR_NONE);
}

#[test]
fn a_request_that_failed_on_its_own_connection_is_free_in_on_trans_complete_only() {
    let _g = setup();
    // A response the parser refuses: OnErr (in use), then OnTransComplete(DEF_FAIL) (free).
    let (o, _s) = connected(
        "bad.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
    );
    send_probed(&o);
    assert!(o.pump_until(20, 1, || o.ended()));
    assert_eq!(
        probes(),
        vec![
            ("OnErr", HTTPc_ERR_REQ_IS_USED),
            ("OnTransComplete", HTTPc_ERR_NONE)
        ]
    );
}

// ----- Rows of docs/MIGRATION.md pinned through the C API -----

thread_local! {
    /// (p_data was NULL, *p_data_len was 0) at each entry of `entry_probe_tx`.
    static TX_HOOK_ENTRIES: RefCell<Vec<(bool, u16)>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn entry_probe_tx(
    c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    TX_HOOK_ENTRIES.with(|v| {
        v.borrow_mut()
            .push(unsafe { ((*p_data).is_null(), *p_data_len) })
    });
    unsafe { on_body_tx(c, r, p_data, p_buf, buf_len, p_data_len) }
}

/// MIGRATION "A header value with CR or LF": HTTPc_ERR_REQ_HDR_INVALID, nothing sent.
#[test]
fn header_value_with_cr_or_lf_is_refused() {
    let _g = setup();
    for v in [&b"a\r\nX-Evil: 1"[..], b"a\nb", b"a\rb"] {
        let (o, sock) = connected("crlf.test", 256, false, b"");
        let mut h = HTTPc_HDR {
            HdrField: HTTP_HDR_FIELD_COOKIE,
            ValPtr: v.as_ptr().cast_mut().cast(),
            ValLen: v.len() as u16,
        };
        assert_eq!(
            send_with_table(
                &o,
                HTTPc_PARAM_TYPE_REQ_HDR_TBL,
                std::slice::from_mut(&mut h),
                HTTP_METHOD_GET
            ),
            HTTPc_ERR_REQ_HDR_INVALID,
            "{v:?}"
        );
        assert!(wire(&sock).is_empty());
    }
}

/// MIGRATION "Chunked with a content length set": only Transfer-Encoding: chunked.
#[test]
fn chunked_with_a_content_length_sends_only_chunked() {
    let _g = setup();
    let (o, sock) = body_conn("cl.test", false, Some(11), true);
    body(|b| b.tx.push_back(Piece::Buf(b"hello world".to_vec(), true)));
    transact(&o, HTTP_METHOD_POST, "/c");
    let w = wire(&sock);
    assert!(w.contains("Transfer-Encoding: chunked\r\n"), "{w}");
    assert!(!w.to_ascii_lowercase().contains("content-length"), "{w}");
}

/// MIGRATION: with a buffer under 4096 B, a chunk the hook points at in its own memory is at
/// most 4095 bytes; past it HTTPc_ERR_REQ_BODY_CHUNK_PREPARE.
#[test]
fn a_chunk_past_the_fixed_width_is_chunk_prepare() {
    let _g = setup();
    static MAX: [u8; 4095] = [b'x'; 4095];
    static OVER: [u8; 4096] = [b'y'; 4096];
    let (o, sock) = body_conn("w1.test", false, None, true);
    body(|b| b.tx.push_back(Piece::Own(&MAX, true)));
    transact(&o, HTTP_METHOD_POST, "/ok");
    assert!(
        has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })),
        "{:#?}",
        events(&o)
    );
    assert!(wire(&sock).contains("\r\nfff\r\n"));
    let (o, _sock) = body_conn("w2.test", false, None, true);
    body(|b| b.tx.push_back(Piece::Own(&OVER, true)));
    transact(&o, HTTP_METHOD_POST, "/over");
    assert_trans_err(&o, HTTPc_ERR_REQ_BODY_CHUNK_PREPARE);
    assert!(has(&o, |e| matches!(
        e,
        Ev::TransComplete { ok: false, .. }
    )));
}

/// MIGRATION "A chunked body whose hook ends with 0 bytes and DEF_YES": one last chunk.
#[test]
fn chunked_end_with_zero_bytes_writes_one_terminator() {
    let _g = setup();
    let (o, sock) = body_conn("z.test", false, None, true);
    body(|b| {
        b.tx.push_back(Piece::Buf(b"hello".to_vec(), false));
        b.tx.push_back(Piece::Buf(Vec::new(), true));
    });
    transact(&o, HTTP_METHOD_POST, "/z");
    let w = wire(&sock);
    assert!(w.ends_with("\r\n\r\n005\r\nhello\r\n000\r\n\r\n"), "{w:?}");
    assert_eq!(w.matches("000\r\n").count(), 1, "{w:?}");
}

/// A chunked body hook that gives 0 bytes and returns 2 (neither `DEF_YES` nor `DEF_NO`).
unsafe extern "C" fn chunk_hook_nothing_returns_2(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _p_data: *mut *mut c_void,
    _p_buf: *mut CPU_CHAR,
    _buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    unsafe { *p_data_len = 0 };
    2
}

/// MIGRATION "A chunked body hook that gives 0 bytes and returns neither `DEF_YES` nor
/// `DEF_NO`": the request fails as for `DEF_NO`, and no empty chunk (the body's end for the
/// server) is sent.
#[test]
fn chunk_hook_with_nothing_and_neither_yes_nor_no_fails_the_request() {
    let _g = setup();
    let hook = chunk_hook_nothing_returns_2 as *mut c_void;
    let (o, sock) = chunked_conn_with("two.test", false, None, true, hook);
    transact(&o, HTTP_METHOD_POST, "/2");
    assert_eq!(completions(&o), vec![false]);
    assert_trans_err(&o, HTTPc_ERR_REQ_BODY_CHUNK_INVALID);
    let w = wire(&sock);
    assert!(w.ends_with("Transfer-Encoding: chunked\r\n\r\n"), "{w:?}");
}

/// MIGRATION "The body hook returns 0 bytes (not chunked)": asked again, the body goes.
#[test]
fn body_hook_with_nothing_yet_is_asked_again() {
    let _g = setup();
    let (o, sock) = body_conn("again.test", false, Some(5), false);
    body(|b| {
        b.tx.push_back(Piece::Buf(Vec::new(), false));
        b.tx.push_back(Piece::Buf(Vec::new(), false));
        b.tx.push_back(Piece::Buf(b"hello".to_vec(), true));
    });
    transact(&o, HTTP_METHOD_POST, "/a");
    assert!(
        wire(&sock).ends_with("Content-Length: 5\r\n\r\nhello"),
        "{}",
        wire(&sock)
    );
    assert_eq!(body(|b| b.offered.len()), 3);
    assert!(has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })));
}

/// MIGRATION "A request object sent again without setting REQ_BODY_CONTENT_LEN again": the
/// same length again. And "The body hook's *p_data and *p_data_len on entry: NULL and 0".
#[test]
fn resend_keeps_the_length_and_hook_entry_is_null_zero() {
    let _g = setup();
    static OWN: [u8; 3] = *b"xyz";
    let (o, sock) = body_conn("re.test", true, Some(5), false);
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
        entry_probe_tx as *mut c_void,
    );
    TX_HOOK_ENTRIES.with(|v| v.borrow_mut().clear());
    body(|b| {
        b.tx.push_back(Piece::Own(&OWN, false));
        b.tx.push_back(Piece::Buf(b"ab".to_vec(), true));
    });
    transact(&o, HTTP_METHOD_POST, "/1");
    assert!(has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })));
    world(|w| w.log.borrow_mut().push(Ev::Opened { conn: o.id() }));
    sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    body(|b| b.tx.push_back(Piece::Buf(b"12345".to_vec(), true)));
    transact(&o, HTTP_METHOD_POST, "/2");
    let w = wire(&sock);
    assert!(w.ends_with("Content-Length: 5\r\n\r\n12345"), "{w:?}");
    assert!(
        has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })),
        "{:#?}",
        events(&o)
    );
    let entries = TX_HOOK_ENTRIES.with(|v| v.borrow().clone());
    assert_eq!(entries, vec![(true, 0); 3]);
}

/// MIGRATION "A body on TRACE or CONNECT": HTTPc_ERR_REQ_PARAM_BODY_INVALID (CONNECT half).
#[test]
fn a_body_on_connect_is_refused() {
    let _g = setup();
    let (o, sock) = body_conn("conn.test", false, Some(5), false);
    assert_eq!(
        send(&o, HTTP_METHOD_CONNECT, "example.test:443", NB).1,
        HTTPc_ERR_REQ_PARAM_BODY_INVALID
    );
    assert!(wire(&sock).is_empty());
}

/// MIGRATION "Upgrade or Connection: upgrade in a plain response (h2c)": ignored, with the
/// WebSocket client built in.
#[test]
fn an_h2c_offer_in_a_plain_response_is_ignored() {
    let _g = setup();
    let (o, _sock) = connected(
        "h2c.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nContent-Length: 2\r\n\r\nok",
    );
    transact(&o, HTTP_METHOD_GET, "/");
    assert!(
        has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })),
        "{:#?}",
        events(&o)
    );
    assert_eq!(rx_body(), b"ok");
    assert!(!o.ended());
}

/// MIGRATION: a status code legacy's list does not know is delivered (HTTP_STATUS_UNKNOWN);
/// a Content-Type it does not know (or only a prefix of a known one) is UNKNOWN, delivered;
/// an empty header value reaches the header hook with length 0; a control byte in a header the
/// application never sees refuses the whole response (HDR_MALFORMED); `TE, close` closes.
#[test]
fn unknown_status_and_type_empty_value_control_byte() {
    let _g = setup();
    let (o, _sock) = connected(
        "teapot.test",
        256,
        false,
        b"HTTP/1.1 418 I'm a teapot\r\nContent-Type: application/json-patch+json\r\nServer:\r\nContent-Length: 2\r\n\r\nok",
    );
    transact(&o, HTTP_METHOD_GET, "/");
    assert!(
        has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })),
        "{:#?}",
        events(&o)
    );
    let r = resp(&o);
    assert_eq!(
        (r.0, r.2, r.3),
        (HTTP_STATUS_UNKNOWN, HTTP_CONTENT_TYPE_UNKNOWN, 2)
    );
    assert_eq!(rx_body(), b"ok");
    let hdrs: Vec<_> = events(&o)
        .iter()
        .filter_map(|e| match e {
            Ev::RespHdr { field, value, .. } => Some((*field, value.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(hdrs, vec![(HTTP_HDR_FIELD_SERVER, Vec::new())]);
    // A control byte in a header nobody reads.
    let (o, _sock) = connected(
        "ctl.test",
        256,
        false,
        b"HTTP/1.1 200 OK\r\nX-Nobody-Knows: a\x01b\r\nContent-Length: 0\r\n\r\n",
    );
    transact(&o, HTTP_METHOD_GET, "/");
    assert_trans_err(&o, HTTPc_ERR_RESP_HDR_MALFORMED);
    // `TE, close`: closes, NO_PERSISTENT (legacy read the first token only and refused it).
    let (o, _sock) = connected(
        "tok.test",
        256,
        true,
        b"HTTP/1.1 200 OK\r\nConnection: TE, close\r\nContent-Length: 0\r\n\r\n",
    );
    transact(&o, HTTP_METHOD_GET, "/");
    assert!(
        has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })),
        "{:#?}",
        events(&o)
    );
    assert_closes(&o, HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT, HTTPc_ERR_NONE);
}

thread_local! {
    /// The objects `close_then_upgrade` uses, and the upgrade's error it saw.
    static CLOSE_THEN_UPGRADE: std::cell::Cell<(*const Objs, HTTPc_ERR)> =
        const { std::cell::Cell::new((std::ptr::null(), 0)) };
}

/// `OnTransComplete` that closes the connection, then asks for an upgrade on it.
unsafe extern "C" fn close_then_upgrade(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _p: *mut HTTPc_RESP_OBJ,
    _status: CPU_BOOLEAN,
) {
    let (o, _) = CLOSE_THEN_UPGRADE.with(|c| c.get());
    if o.is_null() {
        // Called again: for an upgrade that was accepted, then failed by the close.
        return;
    }
    let o = unsafe { &*o };
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    let e = upgrade_to(o, "/chat");
    CLOSE_THEN_UPGRADE.with(|c| c.set((std::ptr::null(), e)));
}

#[test]
fn an_upgrade_asked_after_a_pending_close_is_refused_by_the_call() {
    let _g = setup();
    // Legacy's task ran the close message first; the upgrade's request then found the
    // connection released. Here the call says so, and nothing more goes on the wire.
    let (o, sock) = connected(
        "closing.test",
        512,
        true,
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    unsafe { assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE) };
    CLOSE_THEN_UPGRADE.with(|c| c.set((&o as *const Objs, 0)));
    req_hook(
        &o,
        HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
        close_then_upgrade as *mut c_void,
    );
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert!(o.pump_until(20, 1, || o.ended()));
    assert_eq!(
        CLOSE_THEN_UPGRADE.with(|c| c.get().1),
        HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED
    );
    assert!(!wire(&sock).contains("GET /chat"), "{}", wire(&sock));
    assert!(!has(&o, |e| matches!(e, Ev::Open { .. })));
}

// ---------------------------------------------------------------------------------------------
// Hostile-server matrix (rd): every response delivered whole, a byte per pass, split in two at
// every point, and cut short by the server's close at every point. The outcome must not depend
// on the split; callbacks come once each, in legacy's order; the body delivered is exactly
// the server's, nothing lost or doubled.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    /// TransErr / TransComplete / ConnClose, in order.
    ends: Vec<Ev>,
    body: Vec<u8>,
    /// Number of body-hook calls flagged last, and whether the final call is one.
    lasts: (usize, bool),
    resp: (HTTP_STATUS_CODE, HTTP_PROTOCOL_VER, HTTP_CONTENT_TYPE, u32),
    hdrs: Vec<(HTTP_HDR_FIELD, Vec<u8>)>,
    /// A second request on a connection left open: its completion and body.
    second: Option<(Vec<bool>, Vec<u8>)>,
}

/// `pieces` are pushed one after the other with `passes` engine passes between them, then the
/// server's close when `eof`.
fn run_hostile(
    pieces: &[&[u8]],
    eof: bool,
    method: HTTP_METHOD,
    persistent: bool,
    buf: u16,
) -> Outcome {
    run_hostile_taking(pieces, eof, method, persistent, buf, None, 0)
}

fn run_hostile_taking(
    pieces: &[&[u8]],
    eof: bool,
    method: HTTP_METHOD,
    persistent: bool,
    buf: u16,
    take: Option<usize>,
    refuse: u32,
) -> Outcome {
    let (o, sock) = connected("rd.test", buf, persistent, b"");
    body(|b| {
        b.take = take;
        b.refuse = refuse;
    });
    let path = if method == HTTP_METHOD_CONNECT {
        "h:1"
    } else {
        "/"
    };
    assert_eq!(send(&o, method, path, NB), (DEF_FAIL, HTTPc_ERR_NONE));
    o.pump_until(3, 1, || false);
    for p in pieces {
        if !p.is_empty() {
            sock.push_now(p);
        }
        o.pump_until(2, 1, || false);
    }
    if eof {
        sock.push(Gate::Now, Item::Eof);
    }
    o.pump_until(400, 5, || {
        o.ended() || (!eof && !completions(&o).is_empty())
    });
    let ev = events(&o);
    let ends: Vec<Ev> = ev
        .iter()
        .filter(|e| {
            matches!(
                e,
                Ev::TransComplete { .. } | Ev::ConnClose { .. } | Ev::TransErr { .. }
            )
        })
        .map(|e| match e.clone() {
            Ev::TransComplete { status, ok, .. } => Ev::TransComplete {
                conn: 0,
                status,
                ok,
            },
            Ev::ConnClose { status, err, .. } => Ev::ConnClose {
                conn: 0,
                status,
                err,
            },
            Ev::TransErr { err, .. } => Ev::TransErr { conn: 0, err },
            e => e,
        })
        .collect();
    let hdrs = ev
        .iter()
        .filter_map(|e| match e {
            Ev::RespHdr { field, value, .. } => Some((*field, value.clone())),
            _ => None,
        })
        .collect();
    let calls = body(|b| b.rx.clone());
    let lasts = (
        calls.iter().filter(|c| c.1).count(),
        calls.last().is_some_and(|c| c.1),
    );
    let out_body = rx_body();
    let resp0 = resp(&o);
    let mut second = None;
    if !o.ended() && completions(&o).len() == 1 {
        body(|b| {
            b.rx.clear();
            b.take = None;
        });
        sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
        let (ok, err) = send(&o, HTTP_METHOD_GET, "/2", NB);
        if err == HTTPc_ERR_NONE {
            o.pump_until(20, 1, || completions(&o).len() >= 2 || o.ended());
        }
        let _ = ok;
        second = Some((completions(&o), rx_body()));
    }
    Outcome {
        ends,
        body: out_body,
        lasts,
        resp: resp0,
        hdrs,
        second,
    }
}

fn hostile_responses() -> Vec<(&'static str, Vec<u8>, bool, HTTP_METHOD)> {
    let g = HTTP_METHOD_GET;
    let v = |s: &str| s.as_bytes().to_vec();
    let mut cases = vec![
        ("100 then CL", v("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), false, g),
        ("two 100s and a 102", v("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\nX: y\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("103 then chunked", v("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nContent-Length: 99\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), false, g),
        ("100 with CRLF before final", v("HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), false, g),
        ("101 to plain", v("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nxyz"), false, g),
        ("HEAD CL", v("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), false, HTTP_METHOD_HEAD),
        ("HEAD chunked", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), false, HTTP_METHOD_HEAD),
        ("204 CL", v("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"), false, g),
        ("304 chunked", v("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"), false, g),
        ("204 with a body anyway", v("HTTP/1.1 204 No Content\r\n\r\nhello"), false, g),
        ("CL leading zeros", v("HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\nabcdefg"), false, g),
        ("CL plus", v("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello"), false, g),
        ("CL spaces", v("HTTP/1.1 200 OK\r\nContent-Length:    5   \r\n\r\nhello"), false, g),
        ("CL inner space", v("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\nhello"), false, g),
        ("CL list equal", v("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"), false, g),
        ("CL dup equal", v("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"), false, g),
        ("CL dup unequal", v("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\nhello"), false, g),
        ("CL long digits", v("HTTP/1.1 200 OK\r\nContent-Length: 000000000000000000000000000000005\r\n\r\nhello"), false, g),
        ("CL huge", v("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nhello"), false, g),
        ("CL 2^32", v("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\nhello"), false, g),
        ("CL empty", v("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\nhello"), false, g),
        ("CL 0 keep", v("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), false, g),
        ("TE gzip, chunked", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), false, g),
        ("TE chunked, identity", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"), false, g),
        ("TE repeated", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), false, g),
        ("TE CHUNKED case", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nok\r\n0\r\n\r\n"), false, g),
        ("TE chunked, (empty elt)", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked,\r\n\r\n2\r\nok\r\n0\r\n\r\n"), false, g),
        ("TE in 1.0", v("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"), true, g),
        ("TE then CL", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n"), false, g),
        ("chunk size zeros", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0005\r\nhello\r\n000\r\n\r\n"), false, g),
        ("chunk ext", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ; a=b ;c=\"q\\\"x\"\r\nhello\r\n0;z\r\n\r\n"), false, g),
        ("chunk size trailing sp", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n"), false, g),
        ("chunk size leading sp", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n"), false, g),
        ("chunk size overflow", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n000000001ffffffff\r\nhello\r\n0\r\n\r\n"), false, g),
        ("chunk size 0x", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"), false, g),
        ("chunk data too long", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n"), false, g),
        ("chunk bare LF", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n"), false, g),
        ("trailers", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\n"), false, g),
        ("trailer fold", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n 2\r\n\r\n"), false, g),
        ("trailer NUL", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: a\0b\r\n\r\n"), false, g),
        ("last chunk then close", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n"), true, g),
        ("bare LF head", v("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"), false, g),
        ("bare LF after status", v("HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nok"), false, g),
        ("bare CR head", v("HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nok"), false, g),
        ("NUL in value", v("HTTP/1.1 200 OK\r\nServer: a\0b\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("obs-text in value", b"HTTP/1.1 200 OK\r\nServer: caf\xe9\xff\r\nContent-Length: 2\r\n\r\nok".to_vec(), false, g),
        ("DEL in value", v("HTTP/1.1 200 OK\r\nServer: a\x7fb\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("space before colon", v("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok"), false, g),
        ("tab before colon", v("HTTP/1.1 200 OK\r\nContent-Length\t: 2\r\n\r\nok"), false, g),
        ("empty name", v("HTTP/1.1 200 OK\r\n: x\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("status 000", v("HTTP/1.1 000 X\r\n\r\n"), false, g),
        ("status 999", v("HTTP/1.1 999 X\r\nContent-Length: 0\r\n\r\n"), false, g),
        ("status 099", v("HTTP/1.1 099 X\r\n\r\n"), false, g),
        ("status 20", v("HTTP/1.1 20 X\r\n\r\n"), false, g),
        ("status 2x0", v("HTTP/1.1 2x0 X\r\n\r\n"), false, g),
        ("status 599", v("HTTP/1.1 599 X\r\nContent-Length: 0\r\n\r\n"), false, g),
        ("status 600", v("HTTP/1.1 600 X\r\nContent-Length: 0\r\n\r\n"), false, g),
        ("no reason", v("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("empty reason", v("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("reason ctl", v("HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("reason obs-text", b"HTTP/1.1 200 \xc3\xa9\r\nContent-Length: 2\r\n\r\nok".to_vec(), false, g),
        ("two spaces", v("HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("lowercase http", v("http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("HTTP/1.2", v("HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("HTTP/1.0 keep-alive", v("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("HTTP/1.0 no CL", v("HTTP/1.0 200 OK\r\n\r\nuntil close"), true, g),
        ("1.1 no CL close", v("HTTP/1.1 200 OK\r\n\r\nuntil close"), true, g),
        ("Connection close CL", v("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("Connection close CL eof", v("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"), true, g),
        ("CL then extra", v("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"), false, g),
        ("CL then extra, eof", v("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"), true, g),
        ("CL then CRLFs", v("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n\r\n"), false, g),
        ("chunked then extra", v("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nX"), false, g),
        ("CONNECT 200 CL", v("HTTP/1.1 200 Connection Established\r\nContent-Length: 5\r\n\r\n"), false, HTTP_METHOD_CONNECT),
        ("CONNECT 407 CL", v("HTTP/1.1 407 Auth\r\nContent-Length: 5\r\n\r\nhello"), false, HTTP_METHOD_CONNECT),
        ("Content-Type variants", v("HTTP/1.1 200 OK\r\nContent-Type: TEXT/HTML ; charset=x\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("obs fold first header", v("HTTP/1.1 200 OK\r\n X: y\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("leading CRLFs before status", v("\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, g),
        ("leading LF before status", v("\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, g),
    ];
    // A body larger than the buffer, chunked and by length, in chunks of odd sizes.
    let mut big = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for (i, n) in [300usize, 1, 255, 256, 257, 17].iter().enumerate() {
        big.extend(format!("{n:x}\r\n").bytes());
        big.extend(std::iter::repeat_n(b'a' + i as u8, *n));
        big.extend(b"\r\n");
    }
    big.extend(b"0\r\n\r\n");
    cases.push(("big chunked", big, false, g));
    let mut bl = b"HTTP/1.1 200 OK\r\nContent-Length: 700\r\n\r\n".to_vec();
    bl.extend((0..700).map(|i| b'a' + (i % 26) as u8));
    cases.push(("big CL", bl, false, g));
    cases
}

fn check_shape(name: &str, how: &str, o: &Outcome) {
    // Exactly one completion, at most one OnErr before it, at most one OnClose after it.
    let tc: Vec<usize> = o
        .ends
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Ev::TransComplete { .. }))
        .map(|(i, _)| i)
        .collect();
    let te: Vec<usize> = o
        .ends
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Ev::TransErr { .. }))
        .map(|(i, _)| i)
        .collect();
    let cc: Vec<usize> = o
        .ends
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Ev::ConnClose { .. }))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(tc.len(), 1, "{name} / {how}: {:?}", o.ends);
    assert!(
        te.len() <= 1 && cc.len() <= 1,
        "{name} / {how}: {:?}",
        o.ends
    );
    if let Some(&e) = te.first() {
        assert!(e < tc[0], "{name} / {how}: {:?}", o.ends);
        assert_eq!(
            cc.len(),
            1,
            "{name} / {how}: an error must close: {:?}",
            o.ends
        );
    }
    if let Some(&c) = cc.first() {
        assert!(c > tc[0], "{name} / {how}: {:?}", o.ends);
    }
    // At most one "last" call, and only the final call.
    assert!(
        o.lasts.0 <= 1 || o.lasts.1,
        "{name} / {how}: lasts {:?}",
        o.lasts
    );
}

/// The ways `bytes` reach the client: a byte per pass, and split in two at every `step`-th
/// byte (after the whole, first, when `whole`).
fn deliveries(bytes: &[u8], step: usize, whole: bool) -> Vec<(String, Vec<&[u8]>)> {
    let mut hows: Vec<(String, Vec<&[u8]>)> = Vec::new();
    if whole {
        hows.push(("whole".into(), vec![bytes]));
    }
    hows.push(("bytewise".into(), bytes.chunks(1).collect()));
    for k in (1..bytes.len()).step_by(step) {
        hows.push((format!("split {k}"), vec![&bytes[..k], &bytes[k..]]));
    }
    hows
}

/// The same outcome but for where the pieces' boundaries put the body hook's "last" calls.
fn same_outcome(a: &Outcome, b: &Outcome) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.lasts = (0, false);
    b.lasts = (0, false);
    a == b
}

/// Prints how many of `runs` went wrong (the first 40) and fails if any did.
fn assert_none(what: &str, runs: usize, wrong: &[String]) {
    eprintln!("{runs} runs, {} {what}", wrong.len());
    for d in wrong.iter().take(40) {
        eprintln!("{d}");
    }
    assert!(wrong.is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "exhaustive: thousands of runs")]
fn hostile_responses_agree_however_split() {
    let _g = setup();
    let mut report = String::new();
    let mut runs = 0;
    let mut diffs = Vec::new();
    for (name, bytes, eof, method) in hostile_responses() {
        for buf in [256u16, 300] {
            let whole = run_hostile(&[&bytes], eof, method, true, buf);
            runs += 1;
            check_shape(name, "whole", &whole);
            report.push_str(&format!(
                "{name:30} buf {buf}: {:?} body {:?} 2nd {:?}\n",
                whole
                    .ends
                    .iter()
                    .map(|e| match e {
                        Ev::TransErr { err, .. } => format!("OnErr({err})"),
                        Ev::TransComplete { ok, status, .. } => format!("Complete({ok},{status})"),
                        Ev::ConnClose { status, err, .. } => format!("Close({status},{err})"),
                        _ => String::new(),
                    })
                    .collect::<Vec<_>>(),
                String::from_utf8_lossy(&whole.body),
                whole.second.as_ref().map(|s| s.0.clone())
            ));
            for (how, pieces) in deliveries(&bytes, 1, false) {
                let o = run_hostile(&pieces, eof, method, true, buf);
                runs += 1;
                check_shape(name, &how, &o);
                if !same_outcome(&o, &whole) {
                    diffs.push(format!(
                        "{name} buf {buf} {how}:\n  whole {whole:?}\n  split {o:?}"
                    ));
                }
            }
        }
    }
    eprintln!("{report}");
    assert_none("differ", runs, &diffs);
}

#[test]
#[cfg_attr(miri, ignore = "exhaustive: thousands of runs")]
fn hostile_responses_cut_by_a_close_at_every_byte() {
    let _g = setup();
    let mut runs = 0;
    let mut bad = Vec::new();
    for (name, bytes, _eof, method) in hostile_responses() {
        let whole = run_hostile(&[&bytes], true, method, true, 256);
        for k in 0..bytes.len() {
            let o = run_hostile(&[&bytes[..k]], true, method, true, 256);
            runs += 1;
            check_shape(name, &format!("cut {k}"), &o);
            // What was delivered is a prefix of what the whole response delivers.
            if !whole.body.starts_with(&o.body)
                && o.ends.iter().all(|e| !matches!(e, Ev::TransErr { .. }))
            {
                bad.push(format!(
                    "{name} cut {k}: body {:?} not a prefix of {:?}",
                    o.body, whole.body
                ));
            }
            if o.second.is_some() {
                bad.push(format!(
                    "{name} cut {k}: connection left open after the close: {:?}",
                    o.ends
                ));
            }
        }
    }
    assert_none("bad", runs, &bad);
}

#[test]
#[cfg_attr(miri, ignore = "exhaustive: thousands of runs")]
fn hostile_responses_with_a_body_hook_that_takes_little() {
    let _g = setup();
    let mut runs = 0;
    let mut diffs = Vec::new();
    for (name, bytes, eof, method) in hostile_responses() {
        let whole = run_hostile(&[&bytes], eof, method, true, 256);
        for (take, refuse) in [(Some(1), 0), (Some(3), 2), (Some(100), 1), (Some(2), 3)] {
            for (how, pieces) in deliveries(&bytes, 7, true) {
                let o = run_hostile_taking(&pieces, eof, method, true, 256, take, refuse);
                runs += 1;
                check_shape(name, &how, &o);
                if !same_outcome(&o, &whole) {
                    diffs.push(format!(
                        "{name} take {take:?}/{refuse} {how}:\n  whole {whole:?}\n  got   {o:?}"
                    ));
                }
            }
        }
    }
    assert_none("differ", runs, &diffs);
}

/// A 2xx to CONNECT makes the connection the tunnel (docs/MIGRATION.md), whatever the proxy's
/// version: tinyproxy and older squids answer `HTTP/1.0 200 Connection established` without
/// `Connection: keep-alive`; the connection must stay open all the same.
#[test]
fn an_http_1_0_proxy_answer_to_connect_keeps_the_tunnel() {
    let _g = setup();
    for answer in [
        &b"HTTP/1.0 200 Connection established\r\nProxy-agent: tinyproxy/1.11\r\n\r\n"[..],
        b"HTTP/1.0 200 Connection established\r\n\r\n",
    ] {
        let (o, _sock) = connected("proxy.test", 256, true, answer);
        transact(&o, HTTP_METHOD_CONNECT, "example.com:443");
        assert_eq!(completions(&o), vec![true]);
        let _ = o.pump_until(5, 1, || o.ended());
        assert!(
            !o.ended(),
            "{}: {:#?}",
            String::from_utf8_lossy(answer),
            events(&o)
        );
    }
}
