//! Forms (`HTTPc_PARAM_TYPE_REQ_FORM_TBL`, cargo feature `form`) through the C API with the
//! scripted port (`tests/support`): the exact bytes of urlencoded and multipart bodies on the
//! wire (key/value pairs, values and files from their hooks), their `Content-Length`, forms
//! larger than the connection buffer, every check of the table in legacy's order, hooks that
//! break their word, and the five `HTTPc_Form*` functions.
//!
//! The expected bytes are written out by hand from legacy `http-c_req.c` (`HTTPcReq_FormApp`,
//! `HTTPcReq_FormMultipart`, the boundary `rgifovj80325n` of `http-c_req.h`), never computed
//! with the library's own helpers.
// The C constants' own names, matched in patterns.
#![allow(non_upper_case_globals)]

mod support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr::null_mut;

use httpc_ws::capi::form::*;
use httpc_ws::capi::http_req::HTTPc_ReqSend;
use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_REQ_NO_BLOCK;
const OK_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// ----- What the value hooks give -------------------------------------------------------------

/// How a value hook misbehaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lie {
    /// Gives its data honestly (the data may be longer than the declared length).
    No,
    /// Says "done" after its first piece.
    EarlyDone,
    /// Reports one byte more than it was offered.
    OverOffer,
    /// Honest, but says "done" with 2, not DEF_YES (any answer but DEF_NO is "done" to legacy).
    DoneAsTwo,
}

/// One value hook's data, keyed by the object it belongs to.
#[derive(Clone)]
struct Src {
    data: Vec<u8>,
    /// Most bytes per call.
    piece: usize,
    pos: usize,
    /// Calls that give nothing (and say "not done") first.
    stall: u32,
    lie: Lie,
    /// `buf_len` of each call.
    offered: Vec<u16>,
}

thread_local! {
    static SRC: RefCell<HashMap<usize, Src>> = RefCell::new(HashMap::new());
}

fn src(obj: usize, data: &[u8], piece: usize) {
    SRC.with(|m| {
        m.borrow_mut().insert(
            obj,
            Src {
                data: data.to_vec(),
                piece,
                pos: 0,
                stall: 0,
                lie: Lie::No,
                offered: Vec::new(),
            },
        )
    });
}

fn with_src<R>(obj: usize, f: impl FnOnce(&mut Src) -> R) -> R {
    SRC.with(|m| {
        f(m.borrow_mut()
            .get_mut(&obj)
            .expect("a source for this object"))
    })
}

/// Both hooks: the next piece of the object's data, written into the buffer.
unsafe fn give(obj: usize, buf: *mut CPU_CHAR, buf_len: u16, p_len: *mut u16) -> CPU_BOOLEAN {
    let (n, done) = with_src(obj, |s| {
        s.offered.push(buf_len);
        if s.stall > 0 {
            s.stall -= 1;
            return (0, None);
        }
        let n = s.piece.min(usize::from(buf_len)).min(s.data.len() - s.pos);
        unsafe { std::ptr::copy_nonoverlapping(s.data[s.pos..].as_ptr(), buf.cast(), n) };
        s.pos += n;
        match s.lie {
            Lie::No => (n, (s.pos == s.data.len()).then_some(DEF_YES)),
            Lie::DoneAsTwo => (n, (s.pos == s.data.len()).then_some(2)),
            Lie::EarlyDone => (n, Some(DEF_YES)),
            Lie::OverOffer => (usize::from(buf_len) + 1, None),
        }
    });
    unsafe { *p_len = n as u16 };
    done.unwrap_or(DEF_NO)
}

thread_local! {
    /// `OnValTx` closes its connection (`HTTPc_ConnClose`, non-blocking) when called.
    static CLOSE_IN_HOOK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

unsafe extern "C" fn on_val_tx(
    c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    obj: *mut HTTPc_KEY_VAL_EXT,
    buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    if CLOSE_IN_HOOK.with(|f| f.replace(false)) {
        let mut err = 0;
        unsafe { HTTPc_ConnClose(c, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    }
    unsafe { give(obj as usize, buf, buf_len, p_len) }
}

unsafe extern "C" fn on_file_tx(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    obj: *mut HTTPc_MULTIPART_FILE,
    buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    unsafe { give(obj as usize, buf, buf_len, p_len) }
}

// ----- Building tables as an application does ------------------------------------------------

fn leak<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

fn text(s: &[u8]) -> *mut CPU_CHAR {
    Box::leak(s.to_vec().into_boxed_slice()).as_mut_ptr().cast()
}

/// One form field, as the test describes it.
enum F {
    Kv(&'static [u8], &'static [u8]),
    /// Key, the value the hook gives, its piece size.
    Ext(&'static [u8], Vec<u8>, usize),
    /// Name, file name, content type, the content the hook gives, its piece size.
    File(
        &'static [u8],
        &'static [u8],
        HTTP_CONTENT_TYPE,
        Vec<u8>,
        usize,
    ),
}

/// The field's object, registered with its hook's source; and its table entry made by the
/// `HTTPc_FormAdd*` function of its type.
fn entry(f: F) -> HTTPc_FORM_TBL_FIELD {
    let mut e = HTTPc_FORM_TBL_FIELD {
        Type: 99,
        FieldObjPtr: null_mut(),
    };
    let mut err = 0;
    match f {
        F::Kv(k, v) => unsafe {
            let kv = leak(HTTPc_KEY_VAL {
                KeyPtr: text(k),
                KeyLen: k.len() as u16,
                ValPtr: text(v),
                ValLen: v.len() as u16,
            });
            HTTPc_FormAddKeyVal(&mut e, kv, &mut err);
        },
        F::Ext(k, data, piece) => unsafe {
            let kv = leak(HTTPc_KEY_VAL_EXT {
                KeyPtr: text(k),
                KeyLen: k.len() as u16,
                OnValTx: Some(on_val_tx),
                ValLen: data.len() as u32,
            });
            src(kv as usize, &data, piece);
            HTTPc_FormAddKeyValExt(&mut e, kv, &mut err);
        },
        F::File(name, file_name, t, data, piece) => unsafe {
            let f = leak(HTTPc_MULTIPART_FILE {
                NamePtr: text(name),
                NameLen: name.len() as u16,
                FileNamePtr: text(file_name),
                FileNameLen: file_name.len() as u16,
                FileLen: data.len() as u32,
                ContentType: t,
                OnFileTx: Some(on_file_tx),
            });
            src(f as usize, &data, piece);
            HTTPc_FormAddFile(&mut e, f, &mut err);
        },
    }
    assert_eq!(err, HTTPc_ERR_NONE);
    e
}

/// A leaked table of these fields.
fn table(fields: Vec<F>) -> &'static mut [HTTPc_FORM_TBL_FIELD] {
    Box::leak(
        fields
            .into_iter()
            .map(entry)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

/// Sets the form table (and its content type) on the request.
fn set_form(o: &Objs, t: HTTP_CONTENT_TYPE, tbl: *mut HTTPc_FORM_TBL_FIELD, n: u16) {
    let mut t = t;
    assert_eq!(
        req_param(o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t),
        HTTPc_ERR_NONE
    );
    let mut p = HTTPc_PARAM_TBL {
        TblPtr: tbl.cast(),
        EntryNbr: n,
    };
    assert_eq!(
        req_param(o, HTTPc_PARAM_TYPE_REQ_FORM_TBL, &mut p),
        HTTPc_ERR_NONE
    );
}

// ----- The connection, as in tests/capi_http.rs ----------------------------------------------

fn req_param<T>(o: &Objs, t: HTTPc_PARAM_TYPE, v: &mut T) -> HTTPc_ERR {
    let mut err = 0;
    unsafe { HTTPc_ReqSetParam(o.req, t, (v as *mut T).cast(), &mut err) };
    err
}

/// A connected connection that is not persistent, its socket scripted to answer `response`.
fn connected(host: &str, buf_len: u16, response: &[u8]) -> (Objs, std::rc::Rc<Sock>) {
    connected_as(host, buf_len, false, response)
}

fn connected_as(
    host: &str,
    buf_len: u16,
    persistent: bool,
    response: &[u8],
) -> (Objs, std::rc::Rc<Sock>) {
    SRC.with(|m| m.borrow_mut().clear());
    let o = Objs::new(0, buf_len, 0, host.as_bytes());
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    sock.push_reply(response);
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        if persistent {
            let mut yes: CPU_BOOLEAN = DEF_YES;
            let mut err = 0;
            HTTPc_ConnSetParam(
                o.conn,
                HTTPc_PARAM_TYPE_PERSISTENT,
                (&mut yes as *mut CPU_BOOLEAN).cast(),
                &mut err,
            );
            assert_eq!(err, HTTPc_ERR_NONE);
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
    (o, sock)
}

fn send(o: &Objs, method: HTTP_METHOD, path: &str, flags: HTTPc_FLAGS) -> (CPU_BOOLEAN, HTTPc_ERR) {
    o.req_send(method, path, flags)
}

/// Sends a non-blocking POST and pumps until its `OnTransComplete`.
fn transact(o: &Objs, path: &str) {
    assert_eq!(
        send(o, HTTP_METHOD_POST, path, NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert!(
        o.pump_until(200, 1, || has(o, |e| matches!(e, Ev::TransComplete { .. }))),
        "no completion: {:#?}",
        world(|w| w.events())
    );
}

fn wire(sock: &Sock) -> Vec<u8> {
    sock.tx.borrow().clone()
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The head legacy writes for a POST with a body of this type and length.
fn head(path: &str, host: &str, content_type: &str, len: usize) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
Content-Type: {content_type}\r\nContent-Length: {len}\r\n\r\n"
    )
    .into_bytes()
}

/// Legacy's `HTTP_URL_EncodeStr`, written out for the expectations.
fn enc(s: &[u8]) -> String {
    s.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

const MULTIPART: &str = "multipart/form-data; boundary=rgifovj80325n";
const APP_FORM: &str = "application/x-www-form-urlencoded";

/// One multipart part as legacy writes it.
fn part(name: &[u8], file: Option<(&[u8], Option<&str>)>, value: &[u8]) -> Vec<u8> {
    let mut p = format!(
        "--rgifovj80325n\r\nContent-Disposition: form-data; name=\"{}\"",
        enc(name)
    );
    if let Some((file_name, t)) = file {
        p += &format!("; filename=\"{}\"", enc(file_name));
        p += "\r\n";
        if let Some(t) = t {
            p += &format!("Content-Type: {t}\r\n");
        }
    } else {
        p += "\r\n";
    }
    p += "\r\n";
    let mut p = p.into_bytes();
    p.extend_from_slice(value);
    p.extend_from_slice(b"\r\n");
    p
}

const CLOSE: &[u8] = b"--rgifovj80325n--\r\n";

fn pattern(n: usize, seed: u32) -> Vec<u8> {
    (0..n as u32)
        .map(|i| ((i * 7 + seed) % 251) as u8)
        .collect()
}

fn completed_ok(o: &Objs) -> bool {
    has(o, |e| matches!(e, Ev::TransComplete { ok: true, .. }))
}

// ----- The bytes on the wire -----------------------------------------------------------------

#[test]
fn urlencoded_form_on_the_wire() {
    let _g = setup();
    let (o, sock) = connected("form.test", 512, OK_RESPONSE);
    let tbl = table(vec![
        F::Kv(b"user name", "Jöhn & co=1".as_bytes()),
        F::Kv(b"x", b""),
        F::Kv(b"a.b-c~d_e", b"1+1/2?"),
    ]);
    // A length and the chunk flag set before do not apply to a form (legacy: its length
    // replaces them); no body hook is needed.
    let mut len: CPU_INT32U = 5;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &mut len),
        HTTPc_ERR_NONE
    );
    let mut yes: CPU_BOOLEAN = DEF_YES;
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CHUNK, &mut yes),
        HTTPc_ERR_NONE
    );
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, tbl.as_mut_ptr(), 3);
    transact(&o, "/f");
    let body = b"user%20name=J%C3%B6hn%20%26%20co%3D1&x=&a.b-c~d_e=1%2B1%2F2%3F";
    let mut want = head("/f", "form.test", APP_FORM, body.len());
    want.extend_from_slice(body);
    assert_eq!(show(&wire(&sock)), show(&want));
    assert!(completed_ok(&o));
}

#[test]
fn multipart_form_on_the_wire() {
    let _g = setup();
    let (o, sock) = connected("mp.test", 512, OK_RESPONSE);
    let ext = b"0123456789".to_vec();
    let png = b"\x89PNG\r\n\x1a\n".to_vec();
    let tbl = table(vec![
        F::Kv(b"name", b"value 1\r\n--x"),
        F::Ext(b"ext key", ext.clone(), 3),
        F::File(
            b"upload",
            b"photo 1.png",
            HTTP_CONTENT_TYPE_PNG,
            png.clone(),
            4,
        ),
        F::File(
            b"raw",
            b"r\"q\".bin",
            HTTP_CONTENT_TYPE_UNKNOWN,
            b"abc".to_vec(),
            9,
        ),
        F::File(
            b"form",
            b"f",
            HTTP_CONTENT_TYPE_MULTIPART_FORM,
            b"".to_vec(),
            9,
        ),
    ]);
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 5);
    transact(&o, "/upload");
    let mut body = Vec::new();
    body.extend(part(b"name", None, b"value 1\r\n--x"));
    body.extend(part(b"ext key", None, &ext));
    body.extend(part(
        b"upload",
        Some((b"photo 1.png", Some("image/png"))),
        &png,
    ));
    body.extend(part(b"raw", Some((b"r\"q\".bin", None)), b"abc"));
    // A part's type from legacy's dictionary: no boundary parameter there.
    body.extend(part(
        b"form",
        Some((b"f", Some("multipart/form-data"))),
        b"",
    ));
    body.extend_from_slice(CLOSE);
    let mut want = head("/upload", "mp.test", MULTIPART, body.len());
    want.extend_from_slice(&body);
    assert_eq!(show(&wire(&sock)), show(&want));
    assert!(completed_ok(&o));
    // The value hook gave its 10 bytes in pieces of 3, offered what the buffer had left but
    // the CRLF after the value; the empty file's hook was still asked once.
    let ext_obj = tbl[1].FieldObjPtr as usize;
    let calls = with_src(ext_obj, |s| s.offered.clone());
    assert_eq!(calls.len(), 4, "{calls:?}");
    let empty = with_src(tbl[4].FieldObjPtr as usize, |s| s.offered.len());
    assert_eq!(empty, 1);
}

#[test]
fn forms_larger_than_the_buffer_stream_through_it() {
    let _g = setup();
    let big_value: Vec<u8> = (0..1500u32).map(|i| b" az&=%"[i as usize % 6]).collect();
    let kv_value = pattern(700, 3);
    let file = pattern(5000, 11);
    let ext = pattern(900, 5);
    let kv_static: &'static [u8] = Box::leak(kv_value.clone().into_boxed_slice());
    let big_static: &'static [u8] = Box::leak(big_value.clone().into_boxed_slice());
    for buf_len in [256u16, 257, 333, 512, 1024] {
        // Urlencoded: one pair of 1500 bytes (encoded: 3100), more than the buffer.
        let (o, sock) = connected("big.test", buf_len, OK_RESPONSE);
        let tbl = table(vec![F::Kv(b"k", big_static), F::Kv(b"t", b"end")]);
        set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, tbl.as_mut_ptr(), 2);
        transact(&o, "/a");
        let body = format!("k={}&t=end", enc(&big_value)).into_bytes();
        let mut want = head("/a", "big.test", APP_FORM, body.len());
        want.extend_from_slice(&body);
        assert_eq!(wire(&sock), want, "urlencoded through {buf_len} bytes");
        assert!(completed_ok(&o));

        // Multipart: a 700-byte value from the table, a file of 5000 and a value of 900 from
        // their hooks (pieces of 512 and 300).
        let (o, sock) = connected("big.test", buf_len, OK_RESPONSE);
        let tbl = table(vec![
            F::Kv(b"kv", kv_static),
            F::File(
                b"f",
                b"big.bin",
                HTTP_CONTENT_TYPE_OCTET_STREAM,
                file.clone(),
                512,
            ),
            F::Ext(b"e", ext.clone(), 300),
        ]);
        set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 3);
        transact(&o, "/m");
        let mut body = Vec::new();
        body.extend(part(b"kv", None, &kv_value));
        body.extend(part(
            b"f",
            Some((b"big.bin", Some("application/octet-stream"))),
            &file,
        ));
        body.extend(part(b"e", None, &ext));
        body.extend_from_slice(CLOSE);
        let mut want = head("/m", "big.test", MULTIPART, body.len());
        want.extend_from_slice(&body);
        assert_eq!(wire(&sock), want, "multipart through {buf_len} bytes");
        assert!(completed_ok(&o));
        // Never offered more than the buffer, less the CRLF that follows the value.
        let offered = with_src(tbl[1].FieldObjPtr as usize, |s| s.offered.clone());
        assert!(
            offered.iter().all(|&n| n > 0 && n <= buf_len - 2),
            "{offered:?}"
        );
    }
}

#[test]
fn empty_forms() {
    let _g = setup();
    // Urlencoded: an empty body, announced (legacy's length underflowed).
    let (o, sock) = connected("e.test", 256, OK_RESPONSE);
    let tbl = table(vec![]);
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, tbl.as_mut_ptr(), 0);
    transact(&o, "/e");
    assert_eq!(show(&wire(&sock)), show(&head("/e", "e.test", APP_FORM, 0)));
    assert!(completed_ok(&o));
    // Multipart, with a NULL table of no entries (legacy accepts it): the close delimiter, the
    // 19 bytes legacy announced (and never sent).
    let (o, sock) = connected("e.test", 256, OK_RESPONSE);
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, null_mut(), 0);
    transact(&o, "/e");
    let mut want = head("/e", "e.test", MULTIPART, 19);
    want.extend_from_slice(CLOSE);
    assert_eq!(show(&wire(&sock)), show(&want));
    assert!(completed_ok(&o));
}

#[test]
fn a_hook_with_nothing_yet_is_asked_again() {
    let _g = setup();
    let (o, sock) = connected("s.test", 256, OK_RESPONSE);
    let tbl = table(vec![F::Ext(b"v", b"late value".to_vec(), 4)]);
    with_src(tbl[0].FieldObjPtr as usize, |s| s.stall = 3);
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 1);
    transact(&o, "/s");
    let mut body = part(b"v", None, b"late value");
    body.extend_from_slice(CLOSE);
    let mut want = head("/s", "s.test", MULTIPART, body.len());
    want.extend_from_slice(&body);
    assert_eq!(show(&wire(&sock)), show(&want));
    let calls = with_src(tbl[0].FieldObjPtr as usize, |s| s.offered.len());
    assert_eq!(calls, 3 + 3);
}

#[test]
fn a_form_on_a_queued_request() {
    let _g = setup();
    let (o, sock) = connected_as("q.test", 256, true, b"");
    let mut err = 0;
    // The first request (a GET) holds the connection; the form request waits its turn.
    assert_eq!(
        send(&o, HTTP_METHOD_GET, "/1", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    let req2 = Objs::zeroed_obj::<HTTPc_REQ_OBJ>();
    let resp2 = Objs::zeroed_obj::<HTTPc_RESP_OBJ>();
    let (req2, resp2) = (Box::into_raw(req2), Box::into_raw(resp2));
    unsafe {
        HTTPc_ReqClr(req2, &mut err);
        for (t, f) in [
            (
                HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
                on_done as *mut c_void,
            ),
            (
                HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
                on_failed as *mut c_void,
            ),
        ] {
            HTTPc_ReqSetParam(req2, t, f, &mut err);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        let tbl = table(vec![F::Kv(b"q", b"1 2")]);
        let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_APP_FORM;
        HTTPc_ReqSetParam(
            req2,
            HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE,
            (&mut t as *mut HTTP_CONTENT_TYPE).cast(),
            &mut err,
        );
        let mut p = HTTPc_PARAM_TBL {
            TblPtr: tbl.as_mut_ptr().cast(),
            EntryNbr: 1,
        };
        HTTPc_ReqSetParam(
            req2,
            HTTPc_PARAM_TYPE_REQ_FORM_TBL,
            (&mut p as *mut HTTPc_PARAM_TBL).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        let path = "/2";
        let ok = HTTPc_ReqSend(
            o.conn,
            req2,
            resp2,
            HTTP_METHOD_POST,
            path.as_ptr().cast_mut().cast(),
            2,
            NB,
            &mut err,
        );
        assert_eq!((ok, err), (DEF_FAIL, HTTPc_ERR_NONE));
    }
    // One response at a time: bytes after a response close a persistent connection.
    sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(o.pump_until(200, 1, || has(&o, |e| matches!(
        e,
        Ev::TransComplete { .. }
    ))));
    sock.push_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(o.pump_until(200, 1, || QUEUED.with(|q| !q.borrow().0.is_empty())));
    let w = show(&wire(&sock));
    let form =
        "POST /2 HTTP/1.1\r\nHost: q.test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
Content-Length: 7\r\n\r\nq=1%202";
    assert!(
        w.ends_with(form),
        "{w}\n{:?}\n{:#?}",
        QUEUED.with(|q| q.borrow().clone()),
        world(|w| w.events())
    );
    assert_eq!(QUEUED.with(|q| q.borrow().clone()), (vec![DEF_OK], vec![]));
}

thread_local! {
    /// The queued request's completions (DEF_OK or not) and errors.
    static QUEUED: RefCell<(Vec<CPU_BOOLEAN>, Vec<HTTPc_ERR>)> = const {
        RefCell::new((Vec::new(), Vec::new()))
    };
}

unsafe extern "C" fn on_done(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _resp: *mut HTTPc_RESP_OBJ,
    ok: CPU_BOOLEAN,
) {
    QUEUED.with(|q| q.borrow_mut().0.push(ok));
}

unsafe extern "C" fn on_failed(_c: *mut HTTPc_CONN_OBJ, _r: *mut HTTPc_REQ_OBJ, err: HTTPc_ERR) {
    QUEUED.with(|q| q.borrow_mut().1.push(err));
}

// ----- The checks ----------------------------------------------------------------------------

#[test]
fn form_checks_in_legacys_order() {
    let _g = setup();
    let (o, sock) = connected("chk.test", 256, b"");
    let kv = table(vec![F::Kv(b"k", b"v")]);
    let mut p = HTTPc_PARAM_TBL {
        TblPtr: kv.as_mut_ptr().cast(),
        EntryNbr: 1,
    };
    assert_eq!(
        req_param(&o, HTTPc_PARAM_TYPE_REQ_FORM_TBL, &mut p),
        HTTPc_ERR_NONE
    );
    let post = |o: &Objs| send(o, HTTP_METHOD_POST, "/", NB).1;
    // No content type: not one legacy's dictionary knows.
    assert_eq!(post(&o), HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID);
    // A known type, but not a form's.
    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_JSON;
    req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t);
    assert_eq!(post(&o), HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID);
    // A NULL table with entries.
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, null_mut(), 2);
    assert_eq!(post(&o), HTTPc_ERR_REQ_PARAM_FORM_FIELD_TBL_INVALID);
    // Urlencoded forms take key/value pairs only: refused by type, whatever the object.
    let ext = table(vec![F::Ext(b"e", b"x".to_vec(), 1)]);
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, ext.as_mut_ptr(), 1);
    assert_eq!(post(&o), HTTPc_ERR_FORM_TYPE_INVALID);
    let file = table(vec![
        F::Kv(b"k", b"v"),
        F::File(b"f", b"n", HTTP_CONTENT_TYPE_PLAIN, b"x".to_vec(), 1),
    ]);
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, file.as_mut_ptr(), 2);
    assert_eq!(post(&o), HTTPc_ERR_FORM_TYPE_INVALID);
    let null_ext = Box::leak(Box::new([HTTPc_FORM_TBL_FIELD {
        Type: HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT,
        FieldObjPtr: null_mut(),
    }]));
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, null_ext.as_mut_ptr(), 1);
    assert_eq!(post(&o), HTTPc_ERR_FORM_TYPE_INVALID);
    // Multipart: an unknown type; a NULL object.
    let bad = Box::leak(Box::new([HTTPc_FORM_TBL_FIELD {
        Type: 3,
        FieldObjPtr: kv[0].FieldObjPtr,
    }]));
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, bad.as_mut_ptr(), 1);
    assert_eq!(post(&o), HTTPc_ERR_FORM_TYPE_INVALID);
    set_form(
        &o,
        HTTP_CONTENT_TYPE_MULTIPART_FORM,
        null_ext.as_mut_ptr(),
        1,
    );
    assert_eq!(post(&o), HTTPc_ERR_REQ_PARAM_FORM_FIELD_NULL_PTR);
    // NULL strings with a length, NULL hooks (legacy dereferenced them).
    let null_key = leak(HTTPc_KEY_VAL {
        KeyPtr: null_mut(),
        KeyLen: 3,
        ValPtr: text(b"v"),
        ValLen: 1,
    });
    let no_hook = leak(HTTPc_KEY_VAL_EXT {
        KeyPtr: text(b"k"),
        KeyLen: 1,
        OnValTx: None,
        ValLen: 1,
    });
    let no_file_hook = leak(HTTPc_MULTIPART_FILE {
        NamePtr: text(b"f"),
        NameLen: 1,
        FileNamePtr: text(b"f"),
        FileNameLen: 1,
        FileLen: 1,
        ContentType: HTTP_CONTENT_TYPE_PLAIN,
        OnFileTx: None,
    });
    let null_file_name = leak(HTTPc_MULTIPART_FILE {
        NamePtr: text(b"f"),
        NameLen: 1,
        FileNamePtr: null_mut(),
        FileNameLen: 2,
        FileLen: 1,
        ContentType: HTTP_CONTENT_TYPE_PLAIN,
        OnFileTx: Some(on_file_tx),
    });
    for (kind, obj) in [
        (HTTPc_FORM_FIELD_TYPE_KEY_VAL, null_key.cast::<c_void>()),
        (HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT, no_hook.cast()),
        (HTTPc_FORM_FIELD_TYPE_FILE, no_file_hook.cast()),
        (HTTPc_FORM_FIELD_TYPE_FILE, null_file_name.cast()),
    ] {
        let t = Box::leak(Box::new([HTTPc_FORM_TBL_FIELD {
            Type: kind,
            FieldObjPtr: obj,
        }]));
        set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, t.as_mut_ptr(), 1);
        assert_eq!(
            post(&o),
            HTTPc_ERR_REQ_PARAM_FORM_FIELD_NULL_PTR,
            "type {kind}"
        );
    }
    // A NULL value of length 0 is an empty value, as legacy read it.
    let empty = leak(HTTPc_KEY_VAL {
        KeyPtr: text(b"k"),
        KeyLen: 1,
        ValPtr: null_mut(),
        ValLen: 0,
    });
    let t = Box::leak(Box::new([HTTPc_FORM_TBL_FIELD {
        Type: HTTPc_FORM_FIELD_TYPE_KEY_VAL,
        FieldObjPtr: empty.cast(),
    }]));
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, t.as_mut_ptr(), 1);
    // (Checked up to the method: TRACE refuses any body.)
    assert_eq!(
        send(&o, HTTP_METHOD_TRACE, "/", NB).1,
        HTTPc_ERR_REQ_PARAM_BODY_INVALID
    );
    // A form longer than a Content-Length can say.
    let huge = table(vec![F::File(
        b"f",
        b"n",
        HTTP_CONTENT_TYPE_PLAIN,
        b"x".to_vec(),
        1,
    )]);
    unsafe { (*huge[0].FieldObjPtr.cast::<HTTPc_MULTIPART_FILE>()).FileLen = u32::MAX - 100 };
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, huge.as_mut_ptr(), 1);
    assert_eq!(post(&o), HTTPc_ERR_REQ_PARAM_FORM_FIELD_INVALID_LEN);
    // Nothing went out.
    assert!(wire(&sock).is_empty());
    assert!(!has(&o, |e| matches!(
        e,
        Ev::TransComplete { .. } | Ev::TransErr { .. }
    )));
}

/// A hook that breaks its word fails the transaction as legacy's request errors did.
#[test]
fn hooks_that_break_their_word() {
    let _g = setup();
    for (lie, extra) in [
        (Lie::No, true),
        (Lie::EarlyDone, false),
        (Lie::OverOffer, false),
    ] {
        let (o, _sock) = connected("lie.test", 256, OK_RESPONSE);
        let tbl = table(vec![F::Ext(b"v", b"0123456789".to_vec(), 4)]);
        with_src(tbl[0].FieldObjPtr as usize, |s| {
            s.lie = lie;
            if extra {
                // More data than the declared length.
                s.data.extend_from_slice(b"!!");
            }
        });
        set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 1);
        transact(&o, "/lie");
        assert!(
            has(&o, |e| matches!(
                e,
                Ev::TransErr {
                    err: HTTPc_ERR_REQ_FORM_CREATE,
                    ..
                }
            )),
            "{lie:?}: {:#?}",
            world(|w| w.events())
        );
        assert!(has(&o, |e| matches!(
            e,
            Ev::TransComplete { ok: false, .. }
        )));
        assert!(o.pump_until(10, 1, || o.ended()));
        assert!(has(&o, |e| matches!(
            e,
            Ev::ConnClose {
                status: HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
                err: HTTPc_ERR_REQ_FORM_CREATE,
                ..
            }
        )));
    }
}

/// A form string inside the connection buffer would be read while the body is written over it:
/// the transaction fails with `HTTPc_ERR_REQ_FORM_CREATE` before any of the body goes out.
#[test]
fn a_form_string_inside_the_connection_buffer_fails_the_request() {
    let _g = setup();
    let (o, sock) = connected("inbuf.test", 512, OK_RESPONSE);
    let tbl = table(vec![F::Kv(b"key", b"value")]);
    let in_buf = unsafe { o.buf.add(480) };
    unsafe {
        std::ptr::copy_nonoverlapping(b"value".as_ptr(), in_buf, 5);
        (*tbl[0].FieldObjPtr.cast::<HTTPc_KEY_VAL>()).ValPtr = in_buf.cast();
    }
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, tbl.as_mut_ptr(), 1);
    transact(&o, "/inbuf");
    assert!(has(&o, |e| matches!(
        e,
        Ev::TransErr {
            err: HTTPc_ERR_REQ_FORM_CREATE,
            ..
        }
    )));
    assert!(
        !show(&wire(&sock)).contains("key="),
        "{}",
        show(&wire(&sock))
    );
    assert!(o.pump_until(10, 1, || o.ended()));
}

/// As legacy (`!= DEF_NO`), a value hook's answer other than DEF_NO means "done": one that
/// says so with 2 ends its value, and the request completes.
#[test]
fn any_answer_but_def_no_ends_a_value() {
    let _g = setup();
    let (o, _sock) = connected("two.test", 256, OK_RESPONSE);
    let tbl = table(vec![F::Ext(b"v", b"0123456789".to_vec(), 4)]);
    with_src(tbl[0].FieldObjPtr as usize, |s| s.lie = Lie::DoneAsTwo);
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 1);
    transact(&o, "/two");
    assert!(
        has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })),
        "{:#?}",
        world(|w| w.events())
    );
    assert!(!has(&o, |e| matches!(e, Ev::TransErr { .. })));
}

/// A value hook that closes its connection: no hook is called after it, and the request ends
/// once.
#[test]
fn a_hook_that_closes_the_connection_is_the_last_one_called() {
    let _g = setup();
    let (o, _sock) = connected("cl.test", 256, OK_RESPONSE);
    let tbl = table(vec![
        F::Ext(b"a", b"first value".to_vec(), 64),
        F::Ext(b"b", b"second".to_vec(), 4),
    ]);
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 2);
    CLOSE_IN_HOOK.with(|f| f.set(true));
    assert_eq!(
        send(&o, HTTP_METHOD_POST, "/cl", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert!(
        o.pump_until(50, 1, || o.ended()),
        "{:#?}",
        world(|w| w.events())
    );
    let calls = |i: usize| with_src(tbl[i].FieldObjPtr as usize, |s| s.offered.len());
    assert_eq!((calls(0), calls(1)), (1, 0));
    let completions = world(|w| w.events())
        .iter()
        .filter(|e| matches!(e, Ev::TransComplete { .. }))
        .cloned()
        .collect::<Vec<_>>();
    assert!(
        matches!(completions[..], [Ev::TransComplete { ok: false, .. }]),
        "{completions:?}"
    );
}

/// Entries written by an application compiled where enums are one byte: only the first byte
/// of `Type` and of a file's `ContentType` is theirs, the rest is padding.
#[test]
fn short_enum_fields_are_read_by_their_first_byte() {
    let _g = setup();
    let (o, sock) = connected("se.test", 256, OK_RESPONSE);
    let tbl = table(vec![
        F::Kv(b"k", b"v"),
        F::File(b"f", b"n", HTTP_CONTENT_TYPE_PLAIN, b"x".to_vec(), 1),
    ]);
    tbl[0].Type |= 0xA5A5_A500;
    tbl[1].Type |= 0x5A5A_5A00;
    unsafe { (*tbl[1].FieldObjPtr.cast::<HTTPc_MULTIPART_FILE>()).ContentType |= 0xEEEE_EE00 };
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 2);
    transact(&o, "/se");
    let mut body = part(b"k", None, b"v");
    body.extend(part(b"f", Some((b"n", Some("text/plain"))), b"x"));
    body.extend_from_slice(CLOSE);
    let mut want = head("/se", "se.test", MULTIPART, body.len());
    want.extend_from_slice(&body);
    assert_eq!(show(&wire(&sock)), show(&want));
}

/// Legacy's header writer adds its boundary to every multipart `Content-Type`, a body from
/// the body hook too.
#[test]
fn a_multipart_body_from_the_body_hook_is_announced_with_legacys_boundary() {
    let _g = setup();
    let (o, sock) = connected("bh.test", 256, OK_RESPONSE);
    let mut t: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_MULTIPART_FORM;
    req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &mut t);
    let mut len: CPU_INT32U = 3;
    req_param(&o, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &mut len);
    let mut err = 0;
    unsafe {
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
            on_body_tx as *mut c_void,
            &mut err,
        )
    };
    assert_eq!(err, HTTPc_ERR_NONE);
    transact(&o, "/bh");
    let mut want = head("/bh", "bh.test", MULTIPART, 3);
    want.extend_from_slice(b"abc");
    assert_eq!(show(&wire(&sock)), show(&want));
}

unsafe extern "C" fn on_body_tx(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    _buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    unsafe {
        std::ptr::copy_nonoverlapping(b"abc".as_ptr(), p_buf.cast(), 3);
        *p_data_len = 3;
    }
    DEF_YES
}

// ----- The HTTPc_Form* functions -------------------------------------------------------------

#[test]
fn form_add_functions_check_the_object_as_legacy() {
    let _g = setup();
    let mut e = HTTPc_FORM_TBL_FIELD {
        Type: 77,
        FieldObjPtr: null_mut(),
    };
    let mut err = 0;
    let kv = leak(HTTPc_KEY_VAL {
        KeyPtr: text(b"k"),
        KeyLen: 1,
        ValPtr: null_mut(),
        ValLen: 0,
    });
    let ext = leak(HTTPc_KEY_VAL_EXT {
        KeyPtr: text(b"k"),
        KeyLen: 1,
        OnValTx: None,
        ValLen: 0,
    });
    let file = leak(HTTPc_MULTIPART_FILE {
        NamePtr: text(b"n"),
        NameLen: 1,
        FileNamePtr: null_mut(),
        FileNameLen: 0,
        FileLen: 0,
        ContentType: 0,
        OnFileTx: Some(on_file_tx),
    });
    unsafe {
        HTTPc_FormAddKeyVal(null_mut(), kv, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_FormAddKeyVal(&mut e, null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        // A NULL value, a NULL hook, a NULL file name: legacy's HTTPc_ERR_FORM_FIELD_INVALID,
        // the entry untouched.
        HTTPc_FormAddKeyVal(&mut e, kv, &mut err);
        assert_eq!(err, HTTPc_ERR_FORM_FIELD_INVALID);
        HTTPc_FormAddKeyValExt(&mut e, ext, &mut err);
        assert_eq!(err, HTTPc_ERR_FORM_FIELD_INVALID);
        HTTPc_FormAddFile(&mut e, file, &mut err);
        assert_eq!(err, HTTPc_ERR_FORM_FIELD_INVALID);
        HTTPc_FormAddFile(&mut e, null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        assert_eq!((e.Type, e.FieldObjPtr), (77, null_mut()));
        (*kv).ValPtr = text(b"");
        HTTPc_FormAddKeyVal(&mut e, kv, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(
            (e.Type, e.FieldObjPtr),
            (HTTPc_FORM_FIELD_TYPE_KEY_VAL, kv.cast())
        );
        (*ext).OnValTx = Some(on_val_tx);
        HTTPc_FormAddKeyValExt(&mut e, ext, &mut err);
        assert_eq!(
            (err, e.Type, e.FieldObjPtr),
            (
                HTTPc_ERR_NONE,
                HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT,
                ext.cast()
            )
        );
        (*file).FileNamePtr = text(b"f");
        HTTPc_FormAddFile(&mut e, file, &mut err);
        assert_eq!(
            (err, e.Type, e.FieldObjPtr),
            (HTTPc_ERR_NONE, HTTPc_FORM_FIELD_TYPE_FILE, file.cast())
        );
        // A NULL p_err is tolerated.
        HTTPc_FormAddFile(&mut e, file, null_mut());
    }
    // A table entry or an object one byte off its alignment is taken for a NULL one: never
    // written or read (a fault on Cortex-M0), the bytes around untouched.
    let mut bytes = [0xEEu8; 2 * size_of::<HTTPc_FORM_TBL_FIELD>() + 1];
    let base = bytes.as_mut_ptr();
    let off = (1..size_of::<usize>())
        .find(|&k| {
            !(base.wrapping_add(k) as usize).is_multiple_of(align_of::<HTTPc_FORM_TBL_FIELD>())
        })
        .unwrap_or(1);
    let odd_entry = base.wrapping_add(off).cast::<HTTPc_FORM_TBL_FIELD>();
    let mut kv_bytes = [0u8; size_of::<HTTPc_KEY_VAL>() + size_of::<usize>()];
    let odd_kv = kv_bytes
        .as_mut_ptr()
        .wrapping_add(1)
        .cast::<HTTPc_KEY_VAL>();
    unsafe {
        HTTPc_FormAddKeyVal(odd_entry, kv, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_FormAddKeyVal(&mut e, odd_kv, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_FormAddKeyValExt(odd_entry, ext, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_FormAddFile(odd_entry, file, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
    }
    assert!(bytes.iter().all(|&b| b == 0xEE));
    assert_eq!(
        (e.Type, e.FieldObjPtr),
        (HTTPc_FORM_FIELD_TYPE_FILE, file.cast())
    );
}

#[test]
fn form_fmt_functions_write_what_a_request_sends() {
    let _g = setup();
    let tbl = table(vec![F::Kv(b"a b", b"c&d"), F::Kv(b"e", b"\xff")]);
    let mut buf = [0xEEu8; 256];
    let mut err = 0;
    let n =
        unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 256, tbl.as_mut_ptr(), 2, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    assert_eq!(show(&buf[..n as usize]), "a%20b=c%26d&e=%FF");
    let n = unsafe {
        HTTPc_FormMultipartFmt(buf.as_mut_ptr().cast(), 256, tbl.as_mut_ptr(), 2, &mut err)
    };
    assert_eq!(err, HTTPc_ERR_NONE);
    let mut want = part(b"a b", None, b"c&d");
    want.extend(part(b"e", None, b"\xff"));
    want.extend_from_slice(CLOSE);
    assert_eq!(show(&buf[..n as usize]), show(&want));
    // Exactly as long as the buffer is fine; one byte short writes nothing.
    let len = want.len() as u16;
    let mut small = vec![0xEEu8; usize::from(len)];
    let n = unsafe {
        HTTPc_FormMultipartFmt(
            small.as_mut_ptr().cast(),
            len,
            tbl.as_mut_ptr(),
            2,
            &mut err,
        )
    };
    assert_eq!((n, err), (u32::from(len), HTTPc_ERR_NONE));
    let mut small = vec![0xEEu8; usize::from(len)];
    let n = unsafe {
        HTTPc_FormMultipartFmt(
            small.as_mut_ptr().cast(),
            len - 1,
            tbl.as_mut_ptr(),
            2,
            &mut err,
        )
    };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_BUF_LEN_INVALID));
    assert!(small.iter().all(|&b| b == 0xEE));
    // Empty tables: nothing, and the close delimiter alone.
    let n =
        unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 256, tbl.as_mut_ptr(), 0, &mut err) };
    assert_eq!((n, err), (0, HTTPc_ERR_NONE));
    let n = unsafe {
        HTTPc_FormMultipartFmt(buf.as_mut_ptr().cast(), 256, tbl.as_mut_ptr(), 0, &mut err)
    };
    assert_eq!((&buf[..n as usize], err), (CLOSE, HTTPc_ERR_NONE));
    // A hook's field cannot be formatted (legacy: HTTPc_ERR_FORM_TYPE_INVALID); NULLs.
    let ext = table(vec![F::Kv(b"k", b"v"), F::Ext(b"e", b"x".to_vec(), 1)]);
    let n =
        unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 256, ext.as_mut_ptr(), 2, &mut err) };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_TYPE_INVALID));
    let n = unsafe {
        HTTPc_FormMultipartFmt(buf.as_mut_ptr().cast(), 256, ext.as_mut_ptr(), 2, &mut err)
    };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_TYPE_INVALID));
    let n = unsafe { HTTPc_FormAppFmt(null_mut(), 256, tbl.as_mut_ptr(), 2, &mut err) };
    assert_eq!((n, err), (0, HTTPc_ERR_NULL_PTR));
    let n = unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 256, null_mut(), 0, &mut err) };
    assert_eq!((n, err), (0, HTTPc_ERR_NULL_PTR));
    // An entry whose object is NULL, or not aligned for its type (a C object always is): refused
    // (legacy dereferenced both), never read.
    let words = [0usize; 8];
    let odd = words.as_ptr().cast::<u8>().wrapping_add(1).cast_mut();
    for obj in [null_mut(), odd.cast()] {
        let entry = Box::leak(Box::new([HTTPc_FORM_TBL_FIELD {
            Type: HTTPc_FORM_FIELD_TYPE_KEY_VAL,
            FieldObjPtr: obj,
        }]));
        let n = unsafe {
            HTTPc_FormAppFmt(
                buf.as_mut_ptr().cast(),
                256,
                entry.as_mut_ptr(),
                1,
                &mut err,
            )
        };
        assert_eq!((n, err), (0, HTTPc_ERR_FORM_FIELD_INVALID));
    }
    // A misaligned table: no valid entry.
    let n = unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 256, odd.cast(), 1, &mut err) };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_TYPE_INVALID));
}

#[test]
fn a_multipart_form_of_the_most_entries_a_table_holds() {
    let _g = setup();
    // 65 535 entries: with its close delimiter, one step more than a 16-bit index counts.
    let (o, sock) = connected("max.test", 4096, OK_RESPONSE);
    let tbl = table((0..u16::MAX).map(|_| F::Kv(b"k", b"")).collect());
    set_form(
        &o,
        HTTP_CONTENT_TYPE_MULTIPART_FORM,
        tbl.as_mut_ptr(),
        u16::MAX,
    );
    assert_eq!(
        send(&o, HTTP_METHOD_POST, "/max", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert!(
        o.pump_until(20_000, 1, || has(&o, |e| matches!(
            e,
            Ev::TransComplete { .. }
        ))),
        "no completion"
    );
    assert!(completed_ok(&o), "{:?}", finals_of(&o));
    let wire = wire(&sock);
    let part = part(b"k", None, b"");
    let body_len = part.len() * usize::from(u16::MAX) + CLOSE.len();
    let head = head("/max", "max.test", MULTIPART, body_len);
    assert_eq!(wire.len(), head.len() + body_len);
    assert!(wire.starts_with(&head) && wire.ends_with(CLOSE));
}

fn finals_of(o: &Objs) -> Vec<Ev> {
    let id = o.id();
    world(|w| w.events())
        .into_iter()
        .filter(|e| {
            e.conn() == id
                && matches!(
                    e,
                    Ev::TransComplete { .. } | Ev::TransErr { .. } | Ev::ConnClose { .. }
                )
        })
        .collect()
}

// ----- Rows of docs/MIGRATION.md pinned through the C API -----

thread_local! {
    static BODY_HOOK_CALLS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

unsafe extern "C" fn counting_body_hook(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _p_data: *mut *mut c_void,
    _p_buf: *mut CPU_CHAR,
    _buf_len: CPU_INT16U,
    p_data_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    BODY_HOOK_CALLS.with(|c| c.set(c.get() + 1));
    unsafe { *p_data_len = 0 };
    DEF_YES
}

/// MIGRATION "The method": a form is the body of any method but TRACE and CONNECT (PUT here);
/// "BODY_HOOK beside a form: ignored".
#[test]
fn a_form_on_put_with_a_body_hook_beside_it() {
    let _g = setup();
    let (o, sock) = connected("put.test", 256, OK_RESPONSE);
    let tbl = table(vec![F::Kv(b"a", b"b c")]);
    let mut err = 0;
    unsafe {
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
            counting_body_hook as *mut c_void,
            &mut err,
        )
    };
    assert_eq!(err, HTTPc_ERR_NONE);
    BODY_HOOK_CALLS.with(|c| c.set(0));
    set_form(&o, HTTP_CONTENT_TYPE_APP_FORM, tbl.as_mut_ptr(), 1);
    assert_eq!(
        send(&o, HTTP_METHOD_PUT, "/f", NB),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    assert!(o.pump_until(50, 1, || completed_ok(&o)));
    let want = "PUT /f HTTP/1.1\r\nHost: put.test\r\nConnection: close\r\n\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=b%20c";
    assert_eq!(show(&wire(&sock)), want);
    assert_eq!(BODY_HOOK_CALLS.with(|c| c.get()), 0);
}

/// MIGRATION: a multipart file whose FileNamePtr is NULL with length 0: `filename=""` is written
/// and counted.
#[test]
fn a_null_file_name_of_length_0_is_written_and_counted() {
    let _g = setup();
    let (o, sock) = connected("fn.test", 512, OK_RESPONSE);
    let tbl = table(vec![F::File(
        b"f",
        b"",
        HTTP_CONTENT_TYPE_UNKNOWN,
        b"xy".to_vec(),
        9,
    )]);
    unsafe {
        let f = tbl[0].FieldObjPtr.cast::<HTTPc_MULTIPART_FILE>();
        (*f).FileNamePtr = null_mut();
        (*f).FileNameLen = 0;
    }
    set_form(&o, HTTP_CONTENT_TYPE_MULTIPART_FORM, tbl.as_mut_ptr(), 1);
    transact(&o, "/up");
    assert!(completed_ok(&o));
    let mut body = part(b"f", Some((b"", None)), b"xy");
    body.extend_from_slice(b"--rgifovj80325n--\r\n");
    let mut want = head("/up", "fn.test", MULTIPART, body.len());
    want.extend_from_slice(&body);
    assert_eq!(show(&wire(&sock)), show(&want));
}

/// MIGRATION `HTTPc_FormAppFmt`/`HTTPc_FormMultipartFmt`: a NULL key whose length is not 0 is
/// HTTPc_ERR_FORM_FIELD_INVALID; types are checked before any size (several faults: the type
/// error); nothing is written on any error; key names needing 256+ escapes are counted right.
#[test]
fn form_fmt_checks_and_long_escapes() {
    let _g = setup();
    let mut err = 0;
    let null_key = leak(HTTPc_KEY_VAL {
        KeyPtr: null_mut(),
        KeyLen: 3,
        ValPtr: text(b"v"),
        ValLen: 1,
    });
    let null_val = leak(HTTPc_KEY_VAL {
        KeyPtr: text(b"k"),
        KeyLen: 1,
        ValPtr: null_mut(),
        ValLen: 2,
    });
    for obj in [null_key, null_val] {
        let t = Box::leak(Box::new([HTTPc_FORM_TBL_FIELD {
            Type: HTTPc_FORM_FIELD_TYPE_KEY_VAL,
            FieldObjPtr: obj.cast(),
        }]));
        let mut buf = [0xEEu8; 64];
        let n =
            unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 64, t.as_mut_ptr(), 1, &mut err) };
        assert_eq!((n, err), (0, HTTPc_ERR_FORM_FIELD_INVALID));
        let n = unsafe {
            HTTPc_FormMultipartFmt(buf.as_mut_ptr().cast(), 64, t.as_mut_ptr(), 1, &mut err)
        };
        assert_eq!((n, err), (0, HTTPc_ERR_FORM_FIELD_INVALID));
        assert!(buf.iter().all(|&b| b == 0xEE));
    }
    // A good first entry, too big for the buffer, then an entry of the wrong type.
    let mixed = table(vec![
        F::Kv(b"key", b"a long value that does not fit"),
        F::Ext(b"e", b"x".to_vec(), 1),
    ]);
    let mut small = [0xEEu8; 8];
    let n = unsafe {
        HTTPc_FormAppFmt(
            small.as_mut_ptr().cast(),
            8,
            mixed.as_mut_ptr(),
            2,
            &mut err,
        )
    };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_TYPE_INVALID));
    assert!(small.iter().all(|&b| b == 0xEE));
    let n = unsafe {
        HTTPc_FormMultipartFmt(
            small.as_mut_ptr().cast(),
            8,
            mixed.as_mut_ptr(),
            2,
            &mut err,
        )
    };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_TYPE_INVALID));
    assert!(small.iter().all(|&b| b == 0xEE));
    // A key that needs 300 escapes (900 bytes encoded).
    let key: &'static [u8] = Box::leak(vec![0xFFu8; 300].into_boxed_slice());
    let tbl = table(vec![F::Kv(key, b"v")]);
    let mut want = part(key, None, b"v");
    want.extend_from_slice(b"--rgifovj80325n--\r\n");
    let len = want.len();
    let mut buf = vec![0xEEu8; len + 16];
    let n = unsafe {
        HTTPc_FormMultipartFmt(
            buf.as_mut_ptr().cast(),
            len as u16,
            tbl.as_mut_ptr(),
            1,
            &mut err,
        )
    };
    assert_eq!((n as usize, err), (len, HTTPc_ERR_NONE));
    assert_eq!(show(&buf[..len]), show(&want));
    assert!(buf[len..].iter().all(|&b| b == 0xEE));
    let mut buf = vec![0xEEu8; len + 16];
    let n = unsafe {
        HTTPc_FormMultipartFmt(
            buf.as_mut_ptr().cast(),
            (len - 1) as u16,
            tbl.as_mut_ptr(),
            1,
            &mut err,
        )
    };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_BUF_LEN_INVALID));
    assert!(buf.iter().all(|&b| b == 0xEE));
    let n =
        unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 901, tbl.as_mut_ptr(), 1, &mut err) };
    assert_eq!((n, err), (0, HTTPc_ERR_FORM_BUF_LEN_INVALID));
    let n =
        unsafe { HTTPc_FormAppFmt(buf.as_mut_ptr().cast(), 902, tbl.as_mut_ptr(), 1, &mut err) };
    assert_eq!((n, err), (902, HTTPc_ERR_NONE));
}
