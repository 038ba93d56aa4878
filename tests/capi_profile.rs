//! The legacy compile-time configuration as cargo features (`blocking`, `task`, `hdr-rx`,
//! `hdr-tx`, `query-str`, `persistent`): each switch answers `HTTPc_ERR_FEATURE_DIS` where the
//! legacy client did when it is off, and works when it is on; and a whole non-blocking
//! WebSocket session runs in every profile. `scripts/test.sh` runs this file with the default
//! features (all on) and with `--no-default-features` (the smallest profile: poll model,
//! non-blocking calls only, no header hooks, no query table, no `HTTPc_ConnClose`).

mod support;

use std::ffi::c_void;
use std::ptr::null_mut;
use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_WEBSOCK_NO_BLOCK;

/// What a switch answers: `HTTPc_ERR_FEATURE_DIS` when its feature is off, `ok` otherwise.
fn expect(on: bool, ok: HTTPc_ERR) -> HTTPc_ERR {
    if on {
        ok
    } else {
        HTTPc_ERR_FEATURE_DIS
    }
}

/// Sets an empty table (`HTTPc_PARAM_TBL` with no entries) as request parameter `t`.
fn set_empty_table(o: &Objs, t: HTTPc_PARAM_TYPE) -> HTTPc_ERR {
    let mut tbl = HTTPc_PARAM_TBL {
        TblPtr: null_mut(),
        EntryNbr: 0,
    };
    let mut err = 0;
    let p_tbl = (&mut tbl as *mut HTTPc_PARAM_TBL).cast::<c_void>();
    unsafe { HTTPc_ReqSetParam(o.req, t, p_tbl, &mut err) };
    err
}

unsafe extern "C" fn no_hdr(
    _c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _h: *mut *mut HTTPc_HDR,
) -> CPU_BOOLEAN {
    DEF_YES
}

#[test]
fn request_and_connection_switches() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"sw.test");
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        HTTPc_ReqClr(o.req, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(
            set_empty_table(&o, HTTPc_PARAM_TYPE_REQ_HDR_TBL),
            expect(cfg!(feature = "hdr-tx"), HTTPc_ERR_NONE)
        );
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_REQ_HDR_HOOK,
            no_hdr as *mut c_void,
            &mut err,
        );
        assert_eq!(err, expect(cfg!(feature = "hdr-tx"), HTTPc_ERR_NONE));
        HTTPc_ReqClr(o.req, &mut err);
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_RESP_HDR_HOOK,
            on_resp_hdr as *mut c_void,
            &mut err,
        );
        assert_eq!(err, expect(cfg!(feature = "hdr-rx"), HTTPc_ERR_NONE));
        assert_eq!(
            set_empty_table(&o, HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL),
            expect(cfg!(feature = "query-str"), HTTPc_ERR_NONE)
        );
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK,
            no_hdr as *mut c_void,
            &mut err,
        );
        assert_eq!(err, expect(cfg!(feature = "query-str"), HTTPc_ERR_NONE));
        // Plain requests (`http`) and their chunked bodies (`chunk-tx`, HTTPc_CFG_CHUNK_TX_EN).
        let mut len: CPU_INT32U = 1;
        let p_len = (&mut len as *mut CPU_INT32U).cast::<c_void>();
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN,
            p_len,
            &mut err,
        );
        assert_eq!(err, expect(cfg!(feature = "http"), HTTPc_ERR_NONE));
        let mut chunk: CPU_BOOLEAN = DEF_YES;
        let p_chunk = (&mut chunk as *mut CPU_BOOLEAN).cast::<c_void>();
        HTTPc_ReqSetParam(o.req, HTTPc_PARAM_TYPE_REQ_BODY_CHUNK, p_chunk, &mut err);
        assert_eq!(err, expect(cfg!(feature = "chunk-tx"), HTTPc_ERR_NONE));
        HTTPc_ReqClr(o.req, &mut err);
        let mut yes: CPU_BOOLEAN = DEF_YES;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_PERSISTENT,
            (&mut yes as *mut CPU_BOOLEAN).cast(),
            &mut err,
        );
        assert_eq!(err, expect(cfg!(feature = "persistent"), HTTPc_ERR_NONE));
        // A blocking open: refused without `blocking`; with it, the connect fails at once here
        // (the scripted socket refuses), which proves the call got past the switch.
        let _sock = world(|w| w.expect_connect("sw.test", ConnectMode::Fail));
        let ok = o.open(HTTPc_FLAG_NONE, &mut err);
        assert_eq!(ok, DEF_FAIL);
        assert_eq!(
            err,
            expect(cfg!(feature = "blocking"), HTTPc_ERR_CONN_SOCK_CONNECT)
        );
        // Closing a connection that is not open: released, unless HTTPc_ConnClose is off
        // (no `persistent`), or only its non-blocking form is there (no `blocking`).
        HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err);
        let blocking_close = cfg!(feature = "persistent") && cfg!(feature = "blocking");
        assert_eq!(err, expect(blocking_close, HTTPc_ERR_CONN_IS_RELEASED));
        HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert_eq!(
            err,
            expect(cfg!(feature = "persistent"), HTTPc_ERR_CONN_IS_RELEASED)
        );
    }
}

/// A whole session with non-blocking calls only, in every profile: upgrade, echo, the client's
/// Close, the server's reply; blocking upgrade and send are refused without `blocking`.
#[test]
fn non_blocking_session_in_every_profile() {
    let _g = setup();
    let o = Objs::new(3, 512, 0, b"nb.test");
    let sock = world(|w| w.expect_connect("nb.test", ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes([response_101(b""), frame(true, OP_TEXT, b"hi")].concat()),
    );
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"ok")));
    sock.push(Gate::ClientClose, Item::Eof);
    let mut err = 0;
    unsafe {
        o.connect_nb();
        if !cfg!(feature = "blocking") {
            assert_eq!(o.upgrade(0, &mut err), DEF_FAIL);
            assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        }
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        if !cfg!(feature = "blocking") {
            assert_eq!(
                o.send(
                    0,
                    HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                    Some(b"x"),
                    1,
                    0,
                    &mut err
                ),
                DEF_FAIL
            );
            assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        }
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
        o.queue_close(1);
    }
    assert!(o.pump_until(40, 0, || o.ended()));
    let s = summary(&o, true);
    assert_eq!(
        s.messages,
        vec![(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"hi".to_vec())]
    );
    assert_eq!(s.ws_close, Some((1000, b"ok".to_vec())));
    assert!(s.errs.is_empty());
    assert_eq!(s.completions.len(), 2);
    drop(o);
    check_port().unwrap();
}

/// The plain-request switches: without `http`, `HTTPc_ReqSend` answers `HTTPc_ERR_FEATURE_DIS`
/// whatever its flags; without `blocking`, a blocking `HTTPc_ReqSend`; without `form`, the form
/// table parameter and the `HTTPc_Form*` calls. A non-blocking request on a connected
/// connection is sent in every profile that has `http`.
#[test]
fn plain_request_switches() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"plain-sw.test");
    let sock = world(|w| w.expect_connect("plain-sw.test", ConnectMode::Ok));
    if cfg!(feature = "http") {
        sock.push_reply(b"HTTP/1.1 204 No Content\r\n\r\n");
    }
    let mut err = 0;
    let path = b"/";
    let send = |flags: HTTPc_FLAGS, err: &mut HTTPc_ERR| unsafe {
        httpc_ws::capi::http_req::HTTPc_ReqSend(
            o.conn,
            o.req,
            o.resp,
            HTTP_METHOD_GET,
            path.as_ptr().cast_mut().cast(),
            1,
            flags,
            err,
        )
    };
    unsafe {
        o.connect_nb();
        assert!(o.pump_until(5, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
        HTTPc_ReqClr(o.req, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(
            set_empty_table(&o, HTTPc_PARAM_TYPE_REQ_FORM_TBL),
            expect(cfg!(feature = "form"), HTTPc_ERR_NONE)
        );
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        let mut buf = [0u8; 16];
        httpc_ws::capi::form::HTTPc_FormAppFmt(
            buf.as_mut_ptr().cast(),
            16,
            null_mut(),
            0,
            &mut err,
        );
        // (An empty table is refused for its NULL pointer when forms are built in.)
        assert_eq!(
            err == HTTPc_ERR_FEATURE_DIS,
            !cfg!(feature = "form"),
            "{err}"
        );
    }
    if !cfg!(feature = "blocking") || !cfg!(feature = "http") {
        assert_eq!(send(HTTPc_FLAG_NONE, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
    }
    let nb = HTTPc_FLAG_REQ_NO_BLOCK;
    if !cfg!(feature = "http") {
        assert_eq!(send(nb, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_FEATURE_DIS);
        assert!(!has(&o, |e| matches!(e, Ev::TransComplete { .. })));
    } else {
        send(nb, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::TransComplete { .. }))));
    }
    // The connection ends in every profile (without `persistent` there is no HTTPc_ConnClose:
    // the server closes it), so that no later test of this binary meets it.
    sock.push(Gate::Now, Item::Eof);
    assert!(o.pump_until(10, 0, || o.ended()));
    drop(o);
    check_port().unwrap();
}

/// A port with a `TaskCreate` hook: without the `task` feature `HTTPc_Init` refuses it (the
/// build is for the poll model); with it the task is created (and a NULL task configuration
/// is refused, as legacy).
#[test]
fn engine_task_switch() {
    let _g = setup();
    let mut err = 0;
    unsafe {
        HTTPc_Reset(&mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        let mut port = test_port();
        port.TaskCreate = Some(port_task_create);
        HTTPc_PortSet(&port, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        let cfg = test_cfg();
        // A NULL task configuration with a port that creates a task: legacy's error, checked
        // first (MIGRATION.md, "HTTPc_Init in the poll model").
        HTTPc_Init(&cfg, null_mut::<HTTP_TASK_CFG>(), null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_CFG_TASK_PTR_NULL);
        let task_cfg = HTTP_TASK_CFG {
            Prio: 1,
            StkSizeBytes: 1024,
            StkPtr: null_mut(),
        };
        HTTPc_Init(&cfg, &task_cfg, null_mut(), &mut err);
        // With the feature, Init gets as far as the port's TaskCreate, which refuses here.
        let want = expect(cfg!(feature = "task"), HTTPc_ERR_INIT_TASK_CREATE);
        assert_eq!(err, want);
        // Back to the scripted poll-model port the other tests of this binary use.
        HTTPc_Reset(&mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_PortSet(&test_port(), &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_Init(&cfg, null_mut::<HTTP_TASK_CFG>(), null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
}
