//! The C API called from Rust with a scripted Rust port (`tests/support`): objects in
//! application-owned storage (boxed zeroed memory and statics), every hook, several
//! connections in the engine's list, queued messages in all three send modes, the close paths,
//! NULL and invalid arguments. Small on purpose: these also run under Miri
//! (`scripts/miri.sh`).

mod support;

use httpc_ws::capi::http_req::HTTPc_ReqSend;
use std::ffi::c_void;
use std::ptr::{addr_of_mut, null_mut};

use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_WEBSOCK_NO_BLOCK;

fn client_frames(sock: &Sock) -> Vec<ClientFrame> {
    check_client_stream(&sock.tx.borrow()).expect("client stream")
}

/// Opcode, FIN and payload length of each frame.
fn frame_shapes(frames: &[ClientFrame]) -> Vec<(u8, bool, usize)> {
    frames
        .iter()
        .map(|f| (f.opcode, f.fin, f.payload.len()))
        .collect()
}

#[test]
fn init_sequence_reports_each_error() {
    let _g = setup();
    let log = INIT_LOG.get().expect("initialised");
    for (what, got, want) in log {
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn echo_session_with_client_close() {
    let _g = setup();
    let o = Objs::new(2, 512, 0, b"echo.test");
    let srv = [frame(true, OP_TEXT, b"hi"), frame(true, OP_PING, b"p")].concat();
    let sock = open_ws(&o, "echo.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"ok")));
    sock.push(Gate::ClientClose, Item::Eof);
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        let hello = b"hello";
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(hello),
                5,
                NB,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        assert!(o.pump_until(20, 0, || summary(&o, false).completions.len() == 1));
        assert_eq!(
            o.send(
                1,
                HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                Some(&CLOSE_1000),
                5,
                NB,
                &mut err
            ),
            DEF_OK
        );
    }
    assert!(o.pump_until(40, 0, || o.ended()));
    let s = summary(&o, true);
    assert_eq!(
        s.messages,
        vec![(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"hi".to_vec())]
    );
    assert_eq!(s.ws_close, Some((1000, b"ok".to_vec())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    assert!(s.completions.iter().all(|(_, ok)| *ok));
    assert!(s.errs.is_empty());
    let frames = client_frames(&sock);
    let ops: Vec<u8> = frames.iter().map(|f| f.opcode).collect();
    assert_eq!(ops, vec![OP_TEXT, OP_PONG, OP_CLOSE]);
    assert_eq!(frames[0].payload, b"hello");
    assert_eq!(frames[1].payload, b"p");
    assert_eq!(frames[2].payload, CLOSE_1000);
    drop(o);
    check_port().unwrap();
}

/// Pumps until the connection ended, then returns its checked summary.
fn finish(o: &Objs) -> Summary {
    assert!(
        o.pump_until(200, 10, || o.ended()),
        "connection did not end"
    );
    summary(o, true)
}

#[test]
fn null_and_invalid_arguments() {
    let _g = setup();
    let o = Objs::new(1, 512, 0, b"args.test");
    let mut err = 0;
    let mut dummy: u32 = 1;
    let p = (&mut dummy as *mut u32).cast::<c_void>();
    unsafe {
        // NULL objects.
        HTTPc_ConnClr(null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_ConnSetParam(null_mut(), HTTPc_PARAM_TYPE_SERVER_PORT, p, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_ReqClr(null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_ReqSetParam(null_mut(), HTTPc_PARAM_TYPE_REQ_HDR_HOOK, p, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_WebSockClr(null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_WebSockSetParam(null_mut(), HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, p, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_WebSockMsgClr(null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_WebSockMsgSetParam(
            null_mut(),
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA,
            p,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        HTTPc_ConnClose(null_mut(), 0, &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        let host = o.host.as_ptr().cast_mut().cast();
        assert_eq!(
            HTTPc_ConnOpen(null_mut(), o.buf.cast(), 512, host, 9, 0, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        let path = b"/".as_ptr().cast_mut().cast();
        assert_eq!(
            HTTPc_WebSockUpgrade(null_mut(), o.req, o.resp, o.ws, path, 1, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        // A NULL request comes after the connection's checks (legacy's order), and this
        // connection object was never cleared.
        assert_eq!(
            HTTPc_WebSockUpgrade(o.conn, null_mut(), o.resp, o.ws, path, 1, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        assert_eq!(
            HTTPc_WebSockUpgrade(o.conn, o.req, o.resp, o.ws, null_mut(), 1, NB, &mut err),
            DEF_FAIL
        );
        // The connection's checks come before the path's, as legacy's order has them: this
        // connection object was never cleared (a bad path on an open connection: below).
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        assert_eq!(
            HTTPc_WebSockSend(null_mut(), o.msgs[0], 1, null_mut(), 0, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        assert_eq!(
            HTTPc_WebSockSend(o.conn, null_mut(), 1, null_mut(), 0, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        assert_eq!(
            HTTPc_WebSockFmtCloseMsg(1000, null_mut(), null_mut(), 10, &mut err),
            0
        );
        assert_eq!(err, HTTPc_ERR_NULL_PTR);
        // NULL p_err is tolerated.
        HTTPc_ConnClr(null_mut(), null_mut());
        HTTPc_WebSockSend(null_mut(), null_mut(), 1, null_mut(), 0, NB, null_mut());
        // NULL p_param.
        HTTPc_ConnClr(o.conn, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_ConnSetParam(o.conn, HTTPc_PARAM_TYPE_SERVER_PORT, null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NULL_PTR);

        // Objects never cleared (zeroed storage) are refused, not trusted.
        HTTPc_ReqSetParam(o.req, HTTPc_PARAM_TYPE_REQ_HDR_HOOK, p, &mut err);
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        HTTPc_WebSockSetParam(o.ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, p, &mut err);
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        HTTPc_WebSockMsgSetParam(
            o.msgs[0],
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA,
            p,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        assert_eq!(
            HTTPc_WebSockSend(o.conn, o.msgs[0], 1, null_mut(), 0, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        let fresh = Objs::new(0, 256, 0, b"x");
        assert_eq!(fresh.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_CONN_INVALID_STATE);
        HTTPc_ConnClose(fresh.conn, 0, &mut err);
        assert_eq!(err, HTTPc_ERR_CONN_IS_RELEASED);

        // Parameter values and types.
        HTTPc_ConnSetParam(o.conn, 9999, p, &mut err);
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        HTTPc_ConnSetParam(o.conn, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, p, &mut err);
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        let mut port0: u16 = 0;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_SERVER_PORT,
            (&mut port0 as *mut u16).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_CONN_PARAM_PORT_INVALID);
        HTTPc_ReqClr(o.req, &mut err);
        // Plain-request parameters: only with plain requests built in (cargo feature `http`),
        // forms with `form`.
        HTTPc_ReqSetParam(o.req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, p, &mut err);
        let plain = if cfg!(feature = "http") {
            HTTPc_ERR_NONE
        } else {
            HTTPc_ERR_FEATURE_DIS
        };
        assert_eq!(err, plain);
        let mut form = HTTPc_PARAM_TBL {
            TblPtr: null_mut(),
            EntryNbr: 0,
        };
        HTTPc_ReqSetParam(
            o.req,
            HTTPc_PARAM_TYPE_REQ_FORM_TBL,
            (&mut form as *mut HTTPc_PARAM_TBL).cast(),
            &mut err,
        );
        let forms = if cfg!(feature = "form") {
            HTTPc_ERR_NONE
        } else {
            HTTPc_ERR_FEATURE_DIS
        };
        assert_eq!(err, forms);
        HTTPc_ReqClr(o.req, &mut err);
        // The HTTPc_Form* functions check their pointers only when forms are built in.
        httpc_ws::capi::form::HTTPc_FormAddKeyVal(null_mut(), null_mut(), &mut err);
        let form_fn = if cfg!(feature = "form") {
            HTTPc_ERR_NULL_PTR
        } else {
            HTTPc_ERR_FEATURE_DIS
        };
        assert_eq!(err, form_fn);
        let n = httpc_ws::capi::form::HTTPc_FormAppFmt(null_mut(), 0, null_mut(), 0, &mut err);
        assert_eq!((n, err), (0, form_fn));
        HTTPc_ReqSetParam(o.req, 9999, p, &mut err);
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        // A NULL table with entries, and one not aligned for its entries: refused (never read).
        let words = [0usize; 8];
        let odd = words
            .as_ptr()
            .cast::<u8>()
            .wrapping_add(1)
            .cast_mut()
            .cast();
        for ptr in [null_mut(), odd] {
            let mut tbl = HTTPc_PARAM_TBL {
                TblPtr: ptr,
                EntryNbr: 2,
            };
            HTTPc_ReqSetParam(
                o.req,
                HTTPc_PARAM_TYPE_REQ_HDR_TBL,
                (&mut tbl as *mut HTTPc_PARAM_TBL).cast(),
                &mut err,
            );
            assert_eq!(err, HTTPc_ERR_REQ_PARAM_HDR_INVALID_TBL_PTR);
        }
        HTTPc_WebSockClr(o.ws, &mut err);
        HTTPc_WebSockSetParam(o.ws, 9999, p, &mut err);
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);
        HTTPc_WebSockMsgClr(o.msgs[0], &mut err);
        HTTPc_WebSockMsgSetParam(o.msgs[0], HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, p, &mut err);
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID);

        // ConnOpen argument checks, in the documented order.
        let host = o.host.as_ptr().cast_mut().cast();
        assert_eq!(
            HTTPc_ConnOpen(o.conn, o.buf.cast(), 255, host, 9, 0, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_CFG_INVALID_BUF_LEN);
        assert_eq!(
            HTTPc_ConnOpen(o.conn, o.buf.cast(), 512, null_mut(), 9, 0, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID);
        assert_eq!(
            HTTPc_ConnOpen(o.conn, o.buf.cast(), 512, host, 0, 0, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_CONN_PARAM_CLOSE_CALLBACK_INVALID);
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK,
            on_conn_close as *mut c_void,
            &mut err,
        );
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_CONN_PARAM_CONNECT_CALLBACK_INVALID);
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK,
            on_connect as *mut c_void,
            &mut err,
        );
        let mut zero16: u16 = 0;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_CONNECT_TIMEOUT,
            (&mut zero16 as *mut u16).cast(),
            &mut err,
        );
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_CONN_PARAM_CONNECT_TIMEOUT_INVALID);
        let mut t: u16 = 500;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_CONNECT_TIMEOUT,
            (&mut t as *mut u16).cast(),
            &mut err,
        );
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_INACTIVITY_TIMEOUT,
            (&mut zero16 as *mut u16).cast(),
            &mut err,
        );
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_CONN_PARAM_INACTIVITY_TIMEOUT_INVALID);

        // Upgrade and send on a connection that is not open / not a WebSocket.
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
        // An empty path too: the connection's state is checked first, as legacy did.
        assert_eq!(
            HTTPc_WebSockUpgrade(o.conn, o.req, o.resp, o.ws, path, 0, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
        // NULL request or response objects too (legacy looked at them only later, in its
        // HTTPc_ReqSetParam and HTTPc_ReqSend); a missing OnOpen wins over them as well.
        for (req, resp) in [(null_mut(), o.resp), (o.req, null_mut())] {
            assert_eq!(
                HTTPc_WebSockUpgrade(o.conn, req, resp, o.ws, path, 1, NB, &mut err),
                DEF_FAIL
            );
            assert_eq!(err, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
        }
        assert_eq!(
            HTTPc_WebSockUpgrade(o.conn, o.req, o.resp, null_mut(), path, 1, 0, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
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
        assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_CONN);
        HTTPc_ConnClose(o.conn, 0, &mut err);
        assert_eq!(err, HTTPc_ERR_CONN_IS_RELEASED);
    }
    assert!(world(|w| w
        .log
        .borrow()
        .iter()
        .all(|e| matches!(e, Ev::Opened { .. }))));
    drop(o);
    check_port().unwrap();
}

#[test]
fn fmt_close_msg() {
    let _g = setup();
    let mut buf = [0u8; 130];
    let mut err = 0;
    let p: *mut CPU_CHAR = buf.as_mut_ptr().cast();
    unsafe {
        let n = HTTPc_WebSockFmtCloseMsg(1000, c"bye".as_ptr().cast_mut(), p, 130, &mut err);
        assert_eq!((n, err), (5, HTTPc_ERR_NONE));
        assert_eq!(std::slice::from_raw_parts(p.cast::<u8>(), 5), &CLOSE_1000);
        let n = HTTPc_WebSockFmtCloseMsg(4999, null_mut(), p, 2, &mut err);
        assert_eq!((n, err), (2, HTTPc_ERR_NONE));
        // In place: the reason already sits after the code's two bytes (the arguments overlap;
        // Miri runs this test).
        let mut place = *b"..bye\0";
        let q: *mut CPU_CHAR = place.as_mut_ptr().cast();
        let n = HTTPc_WebSockFmtCloseMsg(1000, q.add(2), q, 6, &mut err);
        assert_eq!((n, err), (5, HTTPc_ERR_NONE));
        assert_eq!(&place[..5], &CLOSE_1000);
        for bad in [0u16, 999, 1004, 1005, 1006, 1015, 2999, 5000] {
            let n = HTTPc_WebSockFmtCloseMsg(bad, null_mut(), p, 130, &mut err);
            assert_eq!(
                (n, err),
                (0, HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE),
                "code {bad}"
            );
        }
        // Buffer one byte short; reason of 124 bytes; reason not UTF-8.
        let n = HTTPc_WebSockFmtCloseMsg(1000, c"bye".as_ptr().cast_mut(), p, 4, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN));
        let mut long = vec![b'a'; 124];
        long.push(0);
        let n = HTTPc_WebSockFmtCloseMsg(1000, long.as_mut_ptr().cast(), p, 130, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN));
        long[123] = 0;
        let n = HTTPc_WebSockFmtCloseMsg(1000, long.as_mut_ptr().cast(), p, 130, &mut err);
        assert_eq!((n, err), (125, HTTPc_ERR_NONE));
        let n = HTTPc_WebSockFmtCloseMsg(1000, c"\xff".as_ptr().cast_mut(), p, 130, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM));
        // The checks' order: the code before anything (the buffer pointer too, as legacy),
        // the room before the reason's bytes.
        let n = HTTPc_WebSockFmtCloseMsg(1005, null_mut(), null_mut(), 130, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE));
        let n = HTTPc_WebSockFmtCloseMsg(1000, null_mut(), null_mut(), 130, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_NULL_PTR));
        let n = HTTPc_WebSockFmtCloseMsg(1005, c"\xff".as_ptr().cast_mut(), p, 2, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE));
        let n = HTTPc_WebSockFmtCloseMsg(1000, c"\xff".as_ptr().cast_mut(), p, 2, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN));
        let n = HTTPc_WebSockFmtCloseMsg(1000, c"\xff".as_ptr().cast_mut(), p, 3, &mut err);
        assert_eq!((n, err), (0, HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM));
    }
}

#[test]
fn send_argument_checks_on_open_websocket() {
    let _g = setup();
    let o = Objs::new(2, 512, 0, b"send.test");
    let _sock = open_ws(&o, "send.test", b"", 0);
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        let m = o.msgs[0];
        // Unknown type; control payload over 125; invalid close payload; NULL data without hook.
        assert_eq!(o.send(0, 3, Some(b"x"), 1, NB, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM);
        let big = [0u8; 126];
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_PING,
                Some(&big),
                126,
                NB,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                Some(&[0x03, 0xED]),
                2,
                NB,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                Some(&[0x03]),
                1,
                NB,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE);
        let mut bare = 0;
        HTTPc_WebSockMsgClr(o.msgs[1], &mut bare);
        assert_eq!(
            o.send(1, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, None, 4, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID);
        HTTPc_WebSockMsgSetParam(
            o.msgs[1],
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE,
            on_tx_complete as *mut c_void,
            &mut bare,
        );
        assert_eq!(
            o.send(1, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, None, 4, NB, &mut err),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID);
        assert_eq!(
            o.send(
                1,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                Some(b"x"),
                STALL,
                NB,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID);
        // A control message (or an unknown type) of that length is too long first, as legacy
        // found it (its length check came before the hook's).
        for t in [HTTPc_WEBSOCK_MSG_TYPE_PING, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, 3] {
            assert_eq!(o.send(1, t, Some(b"x"), STALL, NB, &mut err), DEF_FAIL);
            assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM, "type {t}");
        }
        // A queued message is "used" until it completes: no re-send, no clear, no set-param.
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"one"),
                3,
                NB,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"two"),
                3,
                NB,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_MSG_IS_USED);
        HTTPc_WebSockMsgClr(m, &mut err);
        assert_eq!(err, HTTPc_ERR_WEBSOCK_MSG_IS_USED);
        HTTPc_WebSockMsgSetParam(
            m,
            HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA,
            m.cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_MSG_IS_USED);
        // The open connection and WebSocket are in use too.
        HTTPc_ConnClr(o.conn, &mut err);
        assert_eq!(err, HTTPc_ERR_CONN_IS_USED);
        HTTPc_WebSockClr(o.ws, &mut err);
        assert_eq!(err, HTTPc_ERR_WEBSOCK_IS_USED);
        let mut p: u16 = 81;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_SERVER_PORT,
            (&mut p as *mut u16).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_CONN_IS_USED);
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET);
        for (req, resp) in [(null_mut(), o.resp), (o.req, null_mut())] {
            let path = c"/".as_ptr().cast_mut();
            assert_eq!(
                HTTPc_WebSockUpgrade(o.conn, req, resp, o.ws, path, 1, NB, &mut err),
                DEF_FAIL
            );
            assert_eq!(err, HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET);
        }
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_CONN_IS_USED);
    }
    assert!(o.pump_until(10, 0, || summary(&o, false).completions.len() == 1));
    unsafe {
        // As legacy: no data pointer needs OnMsgTxData whatever the length, so an empty ping
        // (or close) goes with a non-NULL pointer.
        for t in [HTTPc_WEBSOCK_MSG_TYPE_PING, HTTPc_WEBSOCK_MSG_TYPE_CLOSE] {
            assert_eq!(o.send(1, t, None, 0, NB, &mut err), DEF_FAIL);
            assert_eq!(
                err, HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID,
                "type {t}"
            );
        }
        let ping = HTTPc_WEBSOCK_MSG_TYPE_PING;
        assert_eq!(o.send(1, ping, Some(b""), 0, NB, &mut err), DEF_OK);
        // Completed: usable again.
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"two"),
                3,
                NB,
                &mut err
            ),
            DEF_OK
        );
    }
    let mut o = o;
    assert!(o.release());
    let s = summary(&o, true);
    assert_eq!(s.completions.len(), 3);
    drop(o);
    check_port().unwrap();
}

/// A message source for the hook send modes.
fn src(data: &[u8], chunks: &[u32], init_len: Option<u32>, send_len: u32) -> MsgSrc {
    MsgSrc {
        data: data.to_vec(),
        chunks: chunks.to_vec(),
        init_len,
        send_len,
        ..MsgSrc::default()
    }
}

#[test]
fn a_fragmented_message_behind_a_batched_frame_follows_it_without_a_gap() {
    let _g = setup();
    // 2048-byte buffer: room for several frames in one write.
    let o = Objs::new(3, 2048, 0, b"batch.test");
    let sock = open_ws(&o, "batch.test", b"", 0);
    let before = sock.sends.borrow().len();
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.msg_setup(1, Some(src(b"abcdefgh", &[3, 5, 9], None, 0))),
            HTTPc_ERR_NONE
        );
        assert_eq!(o.msg_setup(2, None), HTTPc_ERR_NONE);
        let bin = HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME;
        assert_eq!(
            o.send(0, bin, Some(b"0123456789"), 10, NB, &mut err),
            DEF_OK
        );
        let text = HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME;
        assert_eq!(o.send(1, text, None, STALL, NB, &mut err), DEF_OK);
        assert_eq!(
            o.send(2, bin, Some(b"9876543210"), 10, NB, &mut err),
            DEF_OK
        );
    }
    assert!(o.pump_until(60, 1, || summary(&o, false).completions.len() == 3));
    let s = summary(&o, false);
    assert!(s.completions.iter().all(|(_, ok)| *ok), "{s:?}");
    let frames = client_frames(&sock);
    let shape = frame_shapes(&frames);
    assert_eq!(
        shape,
        vec![
            (OP_BIN, true, 10),
            (OP_TEXT, false, 3),
            (OP_CONT, false, 5),
            (OP_CONT, true, 0),
            (OP_BIN, true, 10),
        ]
    );
    assert_eq!(frames[1].payload, b"abc");
    assert_eq!(frames[2].payload, b"defgh");
    // All in one write: the fragments' headers (written before the hook's bytes) moved down
    // to follow the frame before them; the stream parses, so no gap was left.
    let sends = sock.sends.borrow()[before..].to_vec();
    assert_eq!(sends, [16 + 9 + 11 + 6 + 16]);
    drop(o);
    check_port().unwrap();
}

#[test]
fn send_modes_buffer_hook_and_fragmented() {
    let _g = setup();
    // 256-byte buffer: the send region is 64 bytes, so 150-byte messages stream through it.
    let o = Objs::new(6, 256, 0, b"modes.test");
    let sock = open_ws(&o, "modes.test", b"", 0);
    let long: Vec<u8> = (0..150u32).map(|i| b'a' + (i % 26) as u8).collect();
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        // Known length through the hook, with "nothing yet" (0) once.
        assert_eq!(
            o.msg_setup(1, Some(src(&long, &[40, 0, 200], None, 150))),
            HTTPc_ERR_NONE
        );
        // Fragmented: 3 bytes, "nothing yet", 5 bytes, then 0 = end.
        assert_eq!(
            o.msg_setup(2, Some(src(b"abcdefgh", &[3, STALL, 5, 9], None, 0))),
            HTTPc_ERR_NONE
        );
        // OnMsgTxInit replaces the length (4 of the 8 bytes).
        assert_eq!(
            o.msg_setup(3, Some(src(b"12345678", &[], Some(4), 8))),
            HTTPc_ERR_NONE
        );
        assert_eq!(o.msg_setup(4, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(5, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                Some(&long),
                150,
                NB,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(
            o.send(1, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, None, 150, NB, &mut err),
            DEF_OK
        );
        assert_eq!(
            o.send(
                2,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                None,
                STALL,
                NB,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(
            o.send(3, HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, None, 8, NB, &mut err),
            DEF_OK
        );
        // Control messages go ahead of queued data.
        assert_eq!(
            o.send(4, HTTPc_WEBSOCK_MSG_TYPE_PING, Some(b"pp"), 2, NB, &mut err),
            DEF_OK
        );
        assert_eq!(
            o.send(5, HTTPc_WEBSOCK_MSG_TYPE_PONG, None, 0, NB, &mut err),
            DEF_OK
        );
    }
    // ("Nothing yet" from the fragment hook: it is asked again on a later pass.)
    assert!(o.pump_until(60, 1, || summary(&o, false).completions.len() == 6));
    sock.push_now(&frame(true, OP_PONG, b"pp"));
    assert!(o.pump_until(10, 1, || !summary(&o, false).pongs.is_empty()));
    let s = summary(&o, false);
    assert!(s.completions.iter().all(|(_, ok)| *ok), "{s:?}");
    assert_eq!(s.pongs, vec![b"pp".to_vec()]);
    let frames = client_frames(&sock);
    let shape = frame_shapes(&frames);
    assert_eq!(
        shape,
        vec![
            (OP_PING, true, 2),
            (OP_PONG, true, 0),
            (OP_BIN, true, 150),
            (OP_TEXT, true, 150),
            (OP_TEXT, false, 3),
            (OP_CONT, false, 5),
            (OP_CONT, true, 0),
            (OP_BIN, true, 4),
        ]
    );
    assert_eq!(frames[2].payload, long);
    assert_eq!(frames[3].payload, long);
    assert_eq!(frames[4].payload, b"abc");
    assert_eq!(frames[5].payload, b"defgh");
    assert_eq!(frames[7].payload, b"1234");
    let mut o = o;
    assert!(o.release());
    drop(o);
    check_port().unwrap();
}

#[test]
fn receive_streaming_with_partial_takes() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"rx.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Stream(vec![1, 0, 2, u32::MAX]));
    let srv = [
        frame(true, OP_TEXT, "héllo".as_bytes()),
        frame(false, OP_BIN, b"ab"),
        frame(true, OP_PING, b"x"),
        frame(false, OP_CONT, b"cd"),
        frame(true, OP_CONT, b"e"),
        frame(true, OP_PONG, b"y"),
        close_frame(1001, b"going"),
    ]
    .concat();
    let sock = open_ws(&o, "rx.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(
        s.messages,
        vec![
            (
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                "héllo".as_bytes().to_vec()
            ),
            (HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, b"abcde".to_vec()),
        ]
    );
    assert_eq!(s.pongs, vec![b"y".to_vec()]);
    assert_eq!(s.ws_close, Some((1001, b"going".to_vec())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    let rx_inits: Vec<u32> = world(|w| {
        w.log
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Ev::RxInit { len, .. } => Some(*len),
                _ => None,
            })
            .collect()
    });
    assert_eq!(rx_inits, vec![6, HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED]);
    let frames = client_frames(&sock);
    let ops: Vec<(u8, Vec<u8>)> = frames.into_iter().map(|f| (f.opcode, f.payload)).collect();
    assert_eq!(
        ops,
        vec![
            (OP_PONG, b"x".to_vec()),
            // The reply echoes the server's code and reason (legacy).
            (OP_CLOSE, b"\x03\xe9going".to_vec())
        ]
    );
    drop(o);
    check_port().unwrap();
}

#[test]
fn receive_buffer_mode_and_size_limit() {
    let _g = setup();
    let o = Objs::new(0, 256, 16, b"buf.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, 10));
    let srv = [
        frame(true, OP_BIN, b"0123456789"),
        frame(false, OP_TEXT, b"abcdefgh"),
        frame(true, OP_CONT, b"ijklmnopq"), // 17 bytes in all: over the 16-byte limit
    ]
    .concat();
    let sock = world(|w| w.expect_connect("buf.test", ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes([response_101(b""), srv].concat()),
    );
    sock.push(Gate::ClientClose, Item::Eof);
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(16), HTTPc_ERR_NONE);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert!(o.pump_until(5, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
        o.upgrade(NB, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let s = finish(&o);
    assert_eq!(s.messages.len(), 1, "{s:?}");
    assert_eq!(
        world(|w| w.rx_snaps.borrow().clone()),
        vec![b"0123456789".to_vec()]
    );
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG]);
    assert_eq!(s.ws_close.as_ref().map(|c| c.0), Some(1009));
    // The connection's OnClose carries the error that failed it.
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_NONE,
            HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG
        ))
    );
    let frames = client_frames(&sock);
    assert_eq!(
        frames.last().map(|f| f.payload.clone()),
        Some(1009u16.to_be_bytes().to_vec())
    );
    drop(o);
    check_port().unwrap();
}

#[test]
fn protocol_violation_fails_the_connection() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"bad.test");
    // A masked frame from the server.
    let srv = [0x81u8, 0x81, 1, 2, 3, 4, b'x' ^ 1];
    let sock = open_ws(&o, "bad.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME]);
    assert_eq!(s.ws_close, Some((1002, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_NONE,
            HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME
        ))
    );
    let frames = client_frames(&sock);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].payload, 1002u16.to_be_bytes());
    drop(o);
    check_port().unwrap();
}

/// The server's Close (or a ping) and its end of stream right behind the 101: it only
/// half-closed, so
/// the reply still goes out before the connection ends (it used to end without one, RFC 6455
/// §5.5.1).
#[test]
fn a_close_or_ping_with_the_servers_fin_is_still_answered() {
    for (server, op) in [
        (close_frame(1000, b"bye"), OP_CLOSE),
        (frame(true, OP_PING, b"p"), OP_PONG),
    ] {
        let _g = setup();
        let o = Objs::new(0, 256, 0, b"fin2.test");
        // Right behind the 101, in the same read as it.
        let sock = open_ws_then(&o, "fin2.test", &server, 0, &[Item::Eof]);
        let s = finish(&o);
        let frames = client_frames(&sock);
        assert_eq!(frames.len(), 1, "{op}: {frames:?}");
        assert_eq!(frames[0].opcode, op);
        if op == OP_CLOSE {
            assert_eq!(s.ws_close, Some((1000, b"bye".to_vec())));
        }
        drop(o);
        check_port().unwrap();
    }
}

#[test]
fn server_close_then_send_is_refused() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"sc.test");
    let sock = open_ws(&o, "sc.test", &close_frame(1000, b""), 0);
    assert!(o.pump_until(10, 0, || !client_frames(&sock).is_empty()));
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"late"),
                4,
                NB,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE);
    }
    sock.push_now(&[]);
    sock.push(Gate::Now, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.ws_close, Some((1000, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    drop(o);
    check_port().unwrap();
}

/// Opens a WebSocket on `o` whose socket then takes nothing for its next `sends` send calls,
/// with every message object of `o` cleared.
fn open_ws_taking_nothing(o: &Objs, host: &str, sends: usize) -> std::rc::Rc<Sock> {
    let sock = open_ws(o, host, b"", 0);
    sock.tx_policy
        .borrow_mut()
        .steps
        .extend(std::iter::repeat_n(Step::WouldBlock, sends));
    for i in 0..o.msgs.len() {
        assert_eq!(unsafe { o.msg_setup(i, None) }, HTTPc_ERR_NONE);
    }
    sock
}

#[test]
fn app_close_fails_queued_messages() {
    let _g = setup();
    let o = Objs::new(3, 256, 0, b"app.test");
    // The socket takes nothing: messages stay queued.
    let _sock = open_ws_taking_nothing(&o, "app.test", 8);
    let mut err = 0;
    unsafe {
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"a"),
                1,
                NB,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(
            o.send(1, HTTPc_WEBSOCK_MSG_TYPE_PING, None, 0, NB, &mut err),
            DEF_OK
        );
        assert_eq!(
            o.send(
                2,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                Some(b"b"),
                1,
                NB,
                &mut err
            ),
            DEF_OK
        );
        HTTPc_TaskHandler();
        HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let s = summary(&o, true);
    assert_eq!(s.completions.len(), 3);
    assert!(s.completions.iter().all(|(_, ok)| !ok));
    assert_eq!(s.ws_close, Some((1006, Vec::new())));
    // Legacy's order: the WebSocket OnClose, then the messages it left fail, then the
    // connection OnClose.
    let order: Vec<&str> = o.since_open(|log| {
        log.iter()
            .filter(|e| e.conn() == o.id())
            .filter_map(|e| match e {
                Ev::Close { .. } => Some("ws close"),
                Ev::TxComplete { .. } => Some("tx complete"),
                Ev::ConnClose { .. } => Some("conn close"),
                _ => None,
            })
            .collect()
    });
    assert_eq!(
        order,
        [
            "ws close",
            "tx complete",
            "tx complete",
            "tx complete",
            "conn close"
        ]
    );
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE))
    );
    // Every message object is free again.
    for m in &o.msgs {
        unsafe { HTTPc_WebSockMsgClr(*m, &mut err) };
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    drop(o);
    check_port().unwrap();
}

/// An application Close keeps its place in the queue: the data queued before it leaves first
/// and completes (legacy's queue is in order; no data may follow a Close), while a ping queued
/// after it still goes ahead of the data.
#[test]
fn app_close_leaves_after_the_data_queued_before_it() {
    let _g = setup();
    let o = Objs::new(4, 256, 0, b"order.test");
    // The socket takes nothing at first: everything is queued before a frame is produced.
    let sock = open_ws_taking_nothing(&o, "order.test", 2);
    let mut err = 0;
    unsafe {
        let sends: [(HTTPc_WEBSOCK_MSG_TYPE, &[u8]); 4] = [
            (HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"last words"),
            (HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, b"\x01\x02"),
            (HTTPc_WEBSOCK_MSG_TYPE_CLOSE, &CLOSE_1000),
            (HTTPc_WEBSOCK_MSG_TYPE_PING, b"p"),
        ];
        for (i, (t, data)) in sends.iter().enumerate() {
            assert_eq!(
                o.send(i, *t, Some(data), data.len() as u32, NB, &mut err),
                DEF_OK
            );
            assert_eq!(err, HTTPc_ERR_NONE);
        }
    }
    assert!(o.pump_until(20, 1, || client_frames(&sock)
        .iter()
        .any(|f| f.opcode == OP_CLOSE)));
    sock.push_now(&close_frame(1000, b""));
    sock.push(Gate::Now, Item::Eof);
    let s = finish(&o);
    let frames = client_frames(&sock);
    let ops: Vec<u8> = frames.iter().map(|f| f.opcode).collect();
    assert_eq!(ops, vec![OP_PING, OP_TEXT, OP_BIN, OP_CLOSE]);
    assert_eq!(frames[1].payload, b"last words");
    assert_eq!(frames[3].payload, CLOSE_1000);
    assert_eq!(s.completions.len(), 4);
    assert!(s.completions.iter().all(|(_, ok)| *ok), "{s:?}");
    assert_eq!(s.ws_close, Some((1000, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    drop(o);
    check_port().unwrap();
}

/// A connection that was a WebSocket, reopened without `HTTPc_ConnClr` and closed again, does
/// not reach its old WebSocket object, which another connection may have upgraded with since.
#[test]
fn a_reopened_connection_lets_its_old_websocket_go() {
    let _g = setup();
    let a = Objs::new(1, 256, 0, b"old.test");
    let sock_a = open_ws(&a, "old.test", &close_frame(1000, b""), 0);
    sock_a.push(Gate::ClientClose, Item::Eof);
    let s = finish(&a);
    assert_eq!(s.ws_close, Some((1000, Vec::new())));
    // B upgrades with A's WebSocket object.
    let b = Objs::new(0, 256, 0, b"new.test");
    let sock_b = world(|w| w.expect_connect("new.test", ConnectMode::Ok));
    sock_b.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(b.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(b.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(b.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert!(b.pump_until(10, 0, || has(&b, |e| matches!(
            e,
            Ev::Connect { ok: true, .. }
        ))));
        HTTPc_WebSockUpgrade(
            b.conn,
            b.req,
            b.resp,
            a.ws,
            b"/chat".as_ptr().cast_mut().cast(),
            5,
            HTTPc_FLAG_WEBSOCK_NO_BLOCK,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(b.pump_until(20, 0, || has(&b, |e| matches!(e, Ev::Open { .. }))));
    // A reopens (no HTTPc_ConnClr) and closes before any request.
    world(|w| w.expect_connect("old.test", ConnectMode::Ok));
    unsafe {
        assert_eq!(a.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(a.pump_until(10, 0, || has(&a, |e| matches!(
        e,
        Ev::Connect { ok: true, .. }
    ))));
    unsafe { HTTPc_ConnClose(a.conn, HTTPc_FLAG_NONE, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    assert!(a.pump_until(10, 0, || a.ended()));
    // Only A's connection closed: B's WebSocket got no OnClose, and still sends.
    let ws_closes = world(|w| {
        w.events()
            .iter()
            .filter(|e| matches!(e, Ev::Close { .. }))
            .count()
    });
    assert_eq!(ws_closes, 1, "only A's first WebSocket closed");
    assert!(!b.ended());
    unsafe {
        assert_eq!(a.msg_setup(0, None), HTTPc_ERR_NONE);
        let ok = HTTPc_WebSockSend(
            b.conn,
            a.msgs[0],
            HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
            b"still".as_ptr().cast_mut().cast(),
            5,
            HTTPc_FLAG_WEBSOCK_NO_BLOCK,
            &mut err,
        );
        assert_eq!((ok, err), (DEF_OK, HTTPc_ERR_NONE));
    }
    assert!(b.pump_until(10, 0, || !client_frames(&sock_b).is_empty()));
    unsafe { HTTPc_ConnClose(b.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(b.pump_until(10, 0, || b.ended()));
    drop(a);
    drop(b);
    check_port().unwrap();
}

#[test]
fn hooks_reenter_the_api() {
    let _g = setup();
    let o = Objs::new(2, 256, 0, b"re.test");
    world(|w| {
        w.echo_msg.set(o.msgs[0]);
        w.close_msg.set(o.msgs[1]);
        // Echo from the first OnMsgRxComplete, start the close from the echo's completion,
        // and close the connection from the WebSocket OnClose.
        w.reactions.borrow_mut().extend([
            (Hook::RxComplete, 0, Act::Echo),
            (Hook::TxComplete, 0, Act::SendClose),
            (Hook::Close, 0, Act::ConnClose),
        ]);
    });
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
    }
    let sock = open_ws(&o, "re.test", &frame(true, OP_TEXT, b"ping me"), 0);
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.completions.len(), 2);
    assert!(s.completions.iter().all(|(_, ok)| *ok));
    assert_eq!(s.ws_close, Some((1000, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    let reactions = world(|w| w.reaction_errs.borrow().clone());
    assert_eq!(reactions[0], (Act::Echo, HTTPc_ERR_NONE, DEF_OK));
    assert_eq!(reactions[1], (Act::SendClose, HTTPc_ERR_NONE, DEF_OK));
    // ConnClose from OnClose: the connection is already being released.
    assert_eq!(reactions[2].0, Act::ConnClose);
    let ops: Vec<u8> = client_frames(&sock).iter().map(|f| f.opcode).collect();
    assert_eq!(ops, vec![OP_TEXT, OP_CLOSE]);
    drop(o);
    check_port().unwrap();
}

/// A PING queued behind a CLOSE that heads the queue (both from the hooks of one message)
/// goes first, as control frames go ahead of the queue: accepted, it is sent, never failed
/// after the Close.
#[test]
fn a_ping_queued_behind_a_close_goes_ahead_of_it() {
    let _g = setup();
    let o = Objs::new(2, 256, 0, b"pingclose.test");
    world(|w| {
        w.echo_msg.set(o.msgs[0]);
        w.close_msg.set(o.msgs[1]);
        w.reactions.borrow_mut().extend([
            (Hook::RxData, 0, Act::SendClose),
            (Hook::RxComplete, 0, Act::Ping),
        ]);
    });
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
    }
    let sock = open_ws(&o, "pingclose.test", &frame(true, OP_TEXT, b"go"), 0);
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    let reactions = world(|w| w.reaction_errs.borrow().clone());
    assert_eq!(reactions[0], (Act::SendClose, HTTPc_ERR_NONE, DEF_OK));
    assert_eq!(reactions[1], (Act::Ping, HTTPc_ERR_NONE, DEF_OK));
    let frames = client_frames(&sock);
    let ops: Vec<u8> = frames.iter().map(|f| f.opcode).collect();
    assert_eq!(ops, vec![OP_PING, OP_CLOSE]);
    assert_eq!(frames[0].payload, b"echo");
    assert_eq!(s.completions.len(), 2);
    assert!(
        s.completions.iter().all(|(_, ok)| *ok),
        "{:?}",
        s.completions
    );
    drop(o);
    check_port().unwrap();
}

/// A reconnect from the WebSocket's `OnClose` (the connection's own close still to come) is
/// refused with `HTTPc_ERR_CONN_IS_USED`, as legacy's connection stayed in use until its
/// `OnClose`: reopened there, the old connection's `OnClose` came after the new open. From the
/// connection's `OnClose` the reconnect works.
#[test]
fn a_reconnect_waits_for_the_connections_own_on_close() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"rc.test");
    world(|w| {
        w.reopen.set((o.buf, o.buf_len, c"rc.test".as_ptr().cast()));
        w.reactions.borrow_mut().extend([
            (Hook::Close, 0, Act::Reopen),
            (Hook::ConnClose, 0, Act::Reopen),
        ]);
    });
    let _sock = open_ws(&o, "rc.test", b"", 0);
    unsafe { assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE) };
    let _next = world(|w| w.expect_connect("rc.test", ConnectMode::Ok));
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    assert!(o.pump_until(10, 0, || { world(|w| w.reaction_errs.borrow().len()) == 2 }));
    let reactions = world(|w| w.reaction_errs.borrow().clone());
    assert_eq!(reactions[0].0, Act::Reopen);
    assert_eq!(
        reactions[0].1, HTTPc_ERR_CONN_IS_USED,
        "from the WebSocket's OnClose"
    );
    assert_eq!(reactions[1].0, Act::Reopen);
    assert_eq!(
        reactions[1].1, HTTPc_ERR_NONE,
        "from the connection's OnClose"
    );
    // The old connection's close, then the new connection's connect: in that order.
    assert!(o.pump_until(10, 0, || world(|w| w
        .events()
        .iter()
        .filter(|e| matches!(e, Ev::Connect { .. }))
        .count()
        == 2)));
    let order: Vec<&str> = world(|w| w.events())
        .iter()
        .filter_map(|e| match e {
            Ev::ConnClose { .. } => Some("close"),
            Ev::Connect { .. } => Some("connect"),
            _ => None,
        })
        .collect();
    assert_eq!(order, vec!["connect", "close", "connect"]);
    close_and_check(o);
}

/// A retry from `OnConnect(DEF_FAIL)` (the usual reaction to a failed connect) is accepted:
/// the failed connection is free again before that hook, as legacy released it first.
#[test]
fn a_failed_connect_can_be_retried_from_its_on_connect() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"retry.test");
    world(|w| {
        w.reopen
            .set((o.buf, o.buf_len, c"retry.test".as_ptr().cast()));
        w.reactions
            .borrow_mut()
            .push((Hook::Connect, 0, Act::Reopen));
        w.expect_connect("retry.test", ConnectMode::LaterFail(1));
    });
    let _second = world(|w| w.expect_connect("retry.test", ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let oks = || -> Vec<bool> {
        world(|w| w.events())
            .iter()
            .filter_map(|e| match e {
                Ev::Connect { ok, .. } => Some(*ok),
                _ => None,
            })
            .collect()
    };
    assert!(o.pump_until(30, 10, || oks().len() == 2));
    assert_eq!(oks(), vec![false, true]);
    let reactions = world(|w| w.reaction_errs.borrow().clone());
    assert_eq!(reactions[0].0, Act::Reopen);
    assert_eq!(reactions[0].1, HTTPc_ERR_NONE);
    close_and_check(o);
}

/// A connect still in progress that the application closes: its `OnConnect(DEF_FAIL)` comes
/// with the connection still in use (its `OnClose(APP)` follows), so a retry from there is
/// refused and one from `OnClose` goes through, in that order.
#[test]
fn a_connect_the_application_closed_is_retried_from_its_on_close() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"cc.test");
    world(|w| {
        w.reopen.set((o.buf, o.buf_len, c"cc.test".as_ptr().cast()));
        w.reactions.borrow_mut().extend([
            (Hook::Connect, 0, Act::Reopen),
            (Hook::ConnClose, 0, Act::Reopen),
        ]);
        w.expect_connect("cc.test", ConnectMode::Never);
    });
    let _second = world(|w| w.expect_connect("cc.test", ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    o.pump_until(2, 0, || false);
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    let log = || -> Vec<String> {
        world(|w| w.events())
            .iter()
            .filter_map(|e| match e {
                Ev::ConnClose { status, .. } => Some(format!("OnClose({status})")),
                Ev::Connect { ok, .. } => Some(format!("OnConnect({ok})")),
                _ => None,
            })
            .collect()
    };
    assert!(o.pump_until(10, 0, || log().len() == 3), "{:?}", log());
    assert_eq!(
        log(),
        vec![
            "OnConnect(false)".to_string(),
            format!("OnClose({HTTPc_CONN_CLOSE_STATUS_APP})"),
            "OnConnect(true)".to_string()
        ]
    );
    let reactions = world(|w| w.reaction_errs.borrow().clone());
    assert_eq!(
        reactions[0].1, HTTPc_ERR_CONN_IS_USED,
        "from OnConnect(DEF_FAIL)"
    );
    assert_eq!(reactions[1].1, HTTPc_ERR_NONE, "from OnClose(APP)");
    close_and_check(o);
}

thread_local! {
    /// Where `ws_on_close_copying` copies the connection object.
    static CONN_COPY: std::cell::Cell<*mut HTTPc_CONN_OBJ> = const { std::cell::Cell::new(std::ptr::null_mut()) };
}

/// A WebSocket `OnClose` that copies its connection object (still closing then).
unsafe extern "C" fn ws_on_close_copying(
    p_conn: *mut HTTPc_CONN_OBJ,
    _code: HTTPc_WEBSOCK_CLOSE_CODE,
    _reason: *mut HTTPc_WEBSOCK_CLOSE_REASON,
) {
    let copy = CONN_COPY.with(|c| c.get());
    // A byte copy (the object has padding; a typed copy would read it).
    unsafe {
        std::ptr::copy_nonoverlapping(
            p_conn.cast::<u8>(),
            copy.cast::<u8>(),
            size_of::<HTTPc_CONN_OBJ>(),
        )
    };
}

/// A copy of a connection object taken in one of its close hooks looks closing, but once the
/// hooks are over it is a copy like any other: `HTTPc_ConnClr` clears it.
#[test]
fn a_copy_taken_during_the_close_hooks_can_be_cleared_afterwards() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"cp.test");
    let copy = Box::into_raw(Objs::zeroed_obj::<HTTPc_CONN_OBJ>());
    CONN_COPY.with(|c| c.set(copy));
    let sock = world(|w| w.expect_connect("cp.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        HTTPc_WebSockSetParam(
            o.ws,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE,
            ws_on_close_copying as *mut c_void,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
        assert_eq!(o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(20, 0, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
    assert!(o.pump_until(10, 0, || o.ended()));
    unsafe { HTTPc_ConnClr(copy, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE, "HTTPc_ConnClr of the copy");
    drop(unsafe { Box::from_raw(copy) });
    drop(o);
    check_port().unwrap();
}

#[test]
fn a_reply_queued_before_a_bad_frame_leaves_before_the_close() {
    let _g = setup();
    // A buffer with room for several frames: the echo is written while delivery goes on.
    let o = Objs::new(1, 2048, 0, b"order.test");
    world(|w| {
        w.echo_msg.set(o.msgs[0]);
        w.reactions
            .borrow_mut()
            .push((Hook::RxComplete, 0, Act::Echo));
    });
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
    }
    // One read brings a text message, a frame with RSV2 set (no extension allows it) and a
    // ping: the echo goes out, then the Close 1002; the ping is not answered.
    let bad = [0x80 | 0x20 | OP_TEXT, 2, b'h', b'i'];
    let srv = [
        frame(true, OP_TEXT, b"ping me"),
        bad.to_vec(),
        frame(true, OP_PING, b"p"),
    ]
    .concat();
    let sock = open_ws(&o, "order.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1002, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.completions.len(), 1);
    assert!(s.completions.iter().all(|(_, ok)| *ok), "{s:?}");
    let frames = client_frames(&sock);
    let ops: Vec<u8> = frames.iter().map(|f| f.opcode).collect();
    assert_eq!(ops, vec![OP_TEXT, OP_CLOSE]);
    assert_eq!(frames[0].payload, b"echo");
    assert_eq!(frames[1].payload, 1002u16.to_be_bytes());
    drop(o);
    check_port().unwrap();
}

#[test]
fn one_message_object_echoes_messages_that_arrive_together() {
    let _g = setup();
    // As legacy (its send step ran before each received message was delivered): a reply
    // queued from OnMsgRxComplete is sent, and its object free again, before the next message
    // is delivered, so an application with one message object can answer each.
    let o = Objs::new(1, 2048, 0, b"one.test");
    world(|w| {
        w.echo_msg.set(o.msgs[0]);
        w.reactions.borrow_mut().extend([
            (Hook::RxComplete, 0, Act::Echo),
            (Hook::RxComplete, 1, Act::Echo),
            (Hook::RxComplete, 2, Act::Echo),
        ]);
    });
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
    }
    let one = frame(true, OP_TEXT, b"one");
    let srv = [one.clone(), one.clone(), one].concat();
    let sock = open_ws(&o, "one.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    assert!(o.pump_until(40, 0, || summary(&o, false).completions.len() == 3));
    let reactions = world(|w| w.reaction_errs.borrow().clone());
    assert_eq!(reactions.len(), 3);
    for r in &reactions {
        assert_eq!(*r, (Act::Echo, HTTPc_ERR_NONE, DEF_OK));
    }
    let frames = client_frames(&sock);
    assert_eq!(frame_shapes(&frames), vec![(OP_TEXT, true, 4); 3]);
    drop(o);
    check_port().unwrap();
}

#[test]
fn conn_close_from_a_hook_is_deferred() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"defer.test");
    world(|w| {
        w.reactions
            .borrow_mut()
            .push((Hook::RxInit, 0, Act::ConnClose))
    });
    let srv = [frame(true, OP_TEXT, b"a"), frame(true, OP_TEXT, b"b")].concat();
    let _sock = open_ws(&o, "defer.test", &srv, 0);
    let s = finish(&o);
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE))
    );
    assert_eq!(s.ws_close, Some((1006, Vec::new())));
    assert_eq!(
        world(|w| w.reaction_errs.borrow().clone()),
        vec![(Act::ConnClose, HTTPc_ERR_NONE, DEF_OK)]
    );
    drop(o);
    check_port().unwrap();
}

#[test]
fn conn_close_from_a_hook_stops_delivery_even_at_the_end_of_the_stream() {
    let _g = setup();
    // Two messages and the FIN in one burst; the first message's OnMsgRxComplete closes:
    // the second is not delivered, and the close is the application's, not the server's.
    let o = Objs::new(0, 256, 0, b"stop.test");
    world(|w| {
        w.reactions
            .borrow_mut()
            .push((Hook::RxComplete, 0, Act::ConnClose))
    });
    let srv = [frame(true, OP_TEXT, b"a"), frame(true, OP_TEXT, b"b")].concat();
    let sock = open_ws(&o, "stop.test", &srv, 0);
    sock.push(Gate::Now, Item::Eof);
    let s = finish(&o);
    assert_eq!(
        s.messages,
        vec![(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"a".to_vec())]
    );
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE))
    );
    drop(o);
    check_port().unwrap();
}

/// A message queued before a hook closed the connection in the same pass is not sent after
/// the close (it went out, and completed `DEF_OK`, behind the application's back): it fails
/// with the close, and nothing more reaches the wire.
#[test]
fn no_message_goes_out_once_a_hook_asked_for_the_close() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"late.test");
    let sock = open_ws(&o, "late.test", b"", 0);
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"late"),
                4,
                NB,
                &mut err
            ),
            DEF_OK
        );
    }
    world(|w| {
        w.reactions
            .borrow_mut()
            .push((Hook::RxComplete, 0, Act::ConnClose))
    });
    // The server's message and the queued one meet in one pass.
    sock.push_now(&frame(true, OP_TEXT, b"a"));
    let s = finish(&o);
    assert!(
        client_frames(&sock).is_empty(),
        "{:?}",
        client_frames(&sock)
    );
    assert_eq!(s.completions, vec![(o.msgs[0] as usize, false)]);
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE))
    );
    drop(o);
    check_port().unwrap();
}

/// A close a hook asks for during a pass is performed by the very next pass: the pass that ran
/// the hook asks to be called again at once (an application that sleeps what
/// `HTTPc_TaskHandler` returns would otherwise keep the connection until some unrelated
/// event).
#[test]
fn a_close_asked_for_by_a_hook_makes_the_pass_return_zero() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"rerun.test");
    let sock = open_ws(&o, "rerun.test", b"", 0);
    // Open and idle: the socket is all the engine waits for.
    let idle = unsafe { HTTPc_TaskHandler() };
    assert_ne!(idle, 0, "an idle pass");
    world(|w| {
        w.reactions
            .borrow_mut()
            .push((Hook::RxComplete, 0, Act::ConnClose))
    });
    sock.push_now(&frame(true, OP_TEXT, b"a"));
    let ret = unsafe { HTTPc_TaskHandler() };
    assert!(has(&o, |e| matches!(e, Ev::RxComplete { .. })));
    assert!(!o.ended(), "closed within the hook's own pass");
    assert_eq!(ret, 0, "the pass whose hook asked for the close");
    unsafe { HTTPc_TaskHandler() };
    assert!(o.ended(), "the next pass performs the close");
    assert_eq!(
        summary(&o, true).conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE))
    );
    drop(o);
    check_port().unwrap();
}

#[test]
fn several_connections_share_the_engine() {
    let _g = setup();
    let hosts = ["one.test", "two.test", "three.test"];
    let objs: Vec<Objs> = hosts
        .iter()
        .map(|h| Objs::new(1, 256, 0, h.as_bytes()))
        .collect();
    let socks: Vec<_> = objs
        .iter()
        .zip(hosts)
        .map(|(o, h)| open_ws(o, h, &frame(true, OP_TEXT, h.as_bytes()), 0))
        .collect();
    let mut err = 0;
    // Remove the middle one from the list first, then the others keep working.
    unsafe { HTTPc_ConnClose(objs[1].conn, HTTPc_FLAG_NONE, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    for (i, o) in objs.iter().enumerate() {
        if i == 1 {
            continue;
        }
        unsafe {
            assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
            assert_eq!(
                o.send(
                    0,
                    HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                    Some(b"hey"),
                    3,
                    NB,
                    &mut err
                ),
                DEF_OK
            );
        }
    }
    assert!(objs[0].pump_until(20, 0, || {
        [0, 2]
            .iter()
            .all(|&i| summary(&objs[i], false).completions.len() == 1)
    }));
    for (i, (o, h)) in objs.iter().zip(hosts).enumerate() {
        let s = summary(o, i == 1);
        assert_eq!(
            s.messages,
            vec![(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, h.as_bytes().to_vec())]
        );
        if i != 1 {
            assert_eq!(client_frames(&socks[i])[0].payload, b"hey");
        }
    }
    // Then the head of the list (the newest) and the tail.
    for i in [2, 0] {
        unsafe { HTTPc_ConnClose(objs[i].conn, HTTPc_FLAG_NONE, &mut err) };
        assert_eq!(err, HTTPc_ERR_NONE);
        assert!(summary(&objs[i], true).conn_close.is_some());
    }
    drop(objs);
    check_port().unwrap();
}

#[test]
fn handshake_refused_and_invalid() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"hs.test");
    // 1. A 403: the transaction completes with the status; the connection stays usable.
    let sock = world(|w| w.expect_connect("hs.test", ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes(
            b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n"
                .to_vec(),
        ),
    );
    let mut err = 0;
    unsafe {
        o.connect_nb();
        o.upgrade(NB, &mut err);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::TransComplete { .. }))));
    let s = summary(&o, false);
    assert_eq!(s.trans_complete, Some(status_code_from_number(403)));
    assert!(!s.opened);
    assert_eq!(unsafe { (*o.resp).ContentLen }, 0);
    // As legacy's status line left it: the upgrade does not read Content-Type (MIGRATION.md;
    // legacy's header parser then set it).
    assert_eq!(unsafe { (*o.resp).ContentType }, HTTP_CONTENT_TYPE_NONE);
    // On the open connection, a NULL path is a bad path, as legacy's `HTTPc_ReqSend` (which its
    // upgrade calls) said.
    unsafe {
        HTTPc_WebSockUpgrade(o.conn, o.req, o.resp, o.ws, null_mut(), 1, NB, &mut err);
    }
    assert_eq!(err, HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID);
    // 2. Upgrade again on the same connection; this time the Accept is wrong.
    let mut bad = response_101(b"");
    let at = bad
        .windows(4)
        .position(|w| w == b"pt: ")
        .expect("accept header")
        + 4;
    bad[at] ^= 1;
    sock.push_now(&bad);
    unsafe {
        HTTPc_ReqClr(o.req, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        HTTPc_WebSockClr(o.ws, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        world(|w| w.log.borrow_mut().push(Ev::Opened { conn: o.id() }));
        o.upgrade(NB, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let s = finish(&o);
    assert_eq!(s.trans_err, Some(HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID));
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
            HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID
        ))
    );
    drop(o);
    check_port().unwrap();
}

/// A refused upgrade's end: `OnTransComplete` with `code`, then the connection's `OnClose` with
/// `status` and no error (after the application's close when the connection stayed usable).
fn refusal_ended(o: &Objs, code: u16, status: HTTPc_CONN_CLOSE_STATUS) {
    if status == HTTPc_CONN_CLOSE_STATUS_APP {
        let _ = o.pump_until(5, 1, || o.ended());
        assert!(!o.ended(), "{code}: the connection stays usable");
        let mut err = 0;
        unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let s = finish(o);
    assert_eq!(s.trans_complete, Some(status_code_from_number(code)));
    assert_eq!(s.conn_close, Some((status, HTTPc_ERR_NONE)), "{code}");
    assert!(!s.opened);
}

#[test]
fn refused_upgrade_content_length_not_a_number() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"cl.test");
    let sock = world(|w| w.expect_connect("cl.test", ConnectMode::Ok));
    // The last Content-Length is not a number: the body cannot be skipped (the connection
    // closes) and the response's ContentLen is 0, as legacy's parse of it gave.
    sock.push(
        Gate::Request,
        Item::Bytes(
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 7\r\nContent-Length: x\r\n\r\n".to_vec(),
        ),
    );
    let mut err = 0;
    unsafe {
        o.connect_nb();
        o.upgrade(NB, &mut err);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::TransComplete { .. }))));
    assert_eq!(unsafe { (*o.resp).ContentLen }, 0);
    refusal_ended(&o, 403, HTTPc_CONN_CLOSE_STATUS_SERVER);
    drop(o);
    check_port().unwrap();
}

/// A refused upgrade whose server closes after the response (`Connection: close`: legacy's
/// `NO_PERSISTENT`), or whose body has no length (it runs until the server closes, RFC 9112
/// §6.3): the refusal is reported, then the connection closes; a bodiless status (204) keeps
/// it, even with a length.
#[test]
fn refused_upgrade_that_ends_the_connection() {
    let _g = setup();
    let cases: [(&[u8], u16, Option<HTTPc_CONN_CLOSE_STATUS>); 5] = [
        (
            b"HTTP/1.1 403 Forbidden\r\nConnection: Keep-Alive, close\r\nContent-Length: 3\r\n\r\nno!",
            403,
            Some(HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT),
        ),
        (
            b"HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain\r\n\r\nuntil the close",
            426,
            Some(HTTPc_CONN_CLOSE_STATUS_SERVER),
        ),
        // (A bodiless status has no body, whatever its framing headers say.)
        (b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 204, None),
        (
            b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
            304,
            None,
        ),
        (
            b"HTTP/1.1 404 Not Found\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nno",
            404,
            None,
        ),
    ];
    for (response, code, closed) in cases {
        let o = Objs::new(0, 256, 0, b"rc.test");
        let sock = world(|w| w.expect_connect("rc.test", ConnectMode::Ok));
        sock.push(Gate::Request, Item::Bytes(response.to_vec()));
        let mut err = 0;
        unsafe {
            o.connect_nb();
            o.upgrade(NB, &mut err);
        }
        assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::TransComplete { .. }))));
        refusal_ended(&o, code, closed.unwrap_or(HTTPc_CONN_CLOSE_STATUS_APP));
        drop(o);
        check_port().unwrap();
    }
}

/// Bytes after a refused upgrade's response, in the same read: the refusal is reported, then
/// the connection closes with `HTTPc_ERR_RESP_RX_DATA_LEN_INVALID` (the next response would
/// start inside them), as after a plain response.
#[test]
fn bytes_after_a_refused_upgrade_close_the_connection() {
    let _g = setup();
    for (response, code) in [
        (
            &b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\nGARBAGE"[..],
            403,
        ),
        (
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!GARBAGE",
            404,
        ),
        (b"HTTP/1.1 204 No Content\r\n\r\nX", 204),
    ] {
        let o = Objs::new(0, 256, 0, b"extra.test");
        let sock = world(|w| w.expect_connect("extra.test", ConnectMode::Ok));
        sock.push(Gate::Request, Item::Bytes(response.to_vec()));
        let mut err = 0;
        unsafe {
            o.connect_nb();
            o.upgrade(NB, &mut err);
        }
        let s = finish(&o);
        assert_eq!(s.trans_complete, Some(status_code_from_number(code)));
        assert!(!s.opened);
        assert_eq!(
            s.conn_close,
            Some((
                HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
                HTTPc_ERR_RESP_RX_DATA_LEN_INVALID
            )),
            "{code}"
        );
        drop(o);
        check_port().unwrap();
    }
}

/// The application's `HTTPc_ConnClose` meets the close the library asked for after bytes that
/// followed a refused upgrade (from the `OnTransComplete` hook, or from the application once
/// the transaction completed, before the engine's next pass): `OnClose` says APP, as its
/// close is the last one asked for, with the library's error, the first one. The same in
/// both cases (the direct close of the poll model once gave the library's status).
#[test]
fn an_application_close_after_a_refused_upgrades_extra_bytes_keeps_their_error() {
    let _g = setup();
    for from_hook in [true, false] {
        let o = Objs::new(0, 256, 0, b"extra2.test");
        let sock = world(|w| w.expect_connect("extra2.test", ConnectMode::Ok));
        sock.push(
            Gate::Request,
            Item::Bytes(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\nGARBAGE".to_vec()),
        );
        world(|w| {
            w.hook_counts.borrow_mut().clear();
            *w.reactions.borrow_mut() = if from_hook {
                vec![(Hook::TransComplete, 0, Act::ConnClose)]
            } else {
                Vec::new()
            };
        });
        let mut err = 0;
        unsafe {
            o.connect_nb();
            o.upgrade(NB, &mut err);
        }
        assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::TransComplete { .. }))));
        if !from_hook && !o.ended() {
            unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        let s = finish(&o);
        assert_eq!(
            s.conn_close,
            Some((
                HTTPc_CONN_CLOSE_STATUS_APP,
                HTTPc_ERR_RESP_RX_DATA_LEN_INVALID
            )),
            "from hook: {from_hook}"
        );
        drop(o);
        check_port().unwrap();
    }
}

/// A refused upgrade whose whole body is there at once, longer than one pass reads: the pass
/// that runs out of turns asks for the next at once (the receive region it leaves full would
/// wake no read readiness), so the body is skipped without waiting, and the refusal reported.
#[test]
fn refused_upgrade_with_a_long_body_is_skipped_without_waiting() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"long.test");
    let sock = world(|w| w.expect_connect("long.test", ConnectMode::Ok));
    let mut response = b"HTTP/1.1 404 Not Found\r\nContent-Length: 100000\r\n\r\n".to_vec();
    response.resize(response.len() + 100_000, b'x');
    sock.push(Gate::Request, Item::Bytes(response));
    let mut err = 0;
    unsafe {
        o.connect_nb();
        o.upgrade(NB, &mut err);
    }
    assert_eq!(err, HTTPc_ERR_NONE);
    // Each pass is followed by the sleep it asked for (at most 1 s).
    let start = world(|w| w.now.get());
    for _ in 0..1000 {
        let sleep = unsafe { HTTPc_TaskHandler() };
        if has(&o, |e| {
            matches!(e, Ev::TransComplete { .. } | Ev::TransErr { .. })
        }) {
            break;
        }
        world(|w| w.now.set(w.now.get().wrapping_add(sleep.min(1000))));
    }
    let waited = world(|w| w.now.get()).wrapping_sub(start);
    assert!(waited < 100, "the body took {waited} ms of sleeps to skip");
    refusal_ended(&o, 404, HTTPc_CONN_CLOSE_STATUS_APP);
    drop(o);
    check_port().unwrap();
}

/// A ping an application queues from the `OnMsgTxData` of a fragmented message that then says
/// "nothing yet" leaves at once: that answer does not strand what the hook itself queued.
#[test]
fn a_ping_queued_by_a_stalled_fragment_hook_leaves_without_waiting() {
    let _g = setup();
    let o = Objs::new(2, 256, 0, b"stalled.test");
    let sock = open_ws(&o, "stalled.test", b"", 0);
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.msg_setup(1, Some(src(b"ab", &[STALL], None, 0))),
            HTTPc_ERR_NONE
        );
    }
    world(|w| {
        w.echo_msg.set(o.msgs[0]);
        w.reactions.borrow_mut().push((Hook::TxData, 0, Act::Ping));
    });
    unsafe {
        assert_eq!(
            o.send(
                1,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                None,
                STALL,
                NB,
                &mut err
            ),
            DEF_OK
        );
    }
    // No data comes in; each pass sleeps what it asked (at most 1 s).
    let start = world(|w| w.now.get());
    let pinged = || {
        check_client_stream(&sock.tx.borrow()).is_ok_and(|f| f.iter().any(|f| f.opcode == OP_PING))
    };
    for _ in 0..20 {
        let sleep = unsafe { HTTPc_TaskHandler() };
        if pinged() {
            break;
        }
        world(|w| w.now.set(w.now.get().wrapping_add(sleep.min(1000))));
    }
    let waited = world(|w| w.now.get()).wrapping_sub(start);
    assert!(pinged(), "the ping never left");
    assert!(waited <= 10, "the ping waited {waited} ms");
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    drop(o);
    check_port().unwrap();
}

#[test]
fn request_headers_and_response_header_hook() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"hdr.test");
    world(|w| {
        *w.req_hdr.borrow_mut() = Some((HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL, b"chat".to_vec()))
    });
    let sock = world(|w| w.expect_connect("hdr.test", ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes(response_101(b"Sec-WebSocket-Protocol: chat\r\n")),
    );
    let mut err = 0;
    unsafe {
        o.connect_nb();
        o.upgrade(NB, &mut err);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    let head = sock.client().unwrap().0.expect("request sent");
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("GET /chat HTTP/1.1\r\n"), "{head}");
    assert!(
        head.contains("\r\nSec-WebSocket-Protocol: chat\r\n"),
        "{head}"
    );
    let key = std::str::from_utf8(Key::from_random(NONCE).as_bytes())
        .unwrap()
        .to_string();
    assert!(
        head.contains(&format!("\r\nSec-WebSocket-Key: {key}\r\n")),
        "{head}"
    );
    let hdrs: Vec<(HTTP_HDR_FIELD, Vec<u8>)> = world(|w| {
        w.log
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Ev::RespHdr { field, value, .. } => Some((*field, value.clone())),
                _ => None,
            })
            .collect()
    });
    assert!(
        hdrs.contains(&(HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL, b"chat".to_vec())),
        "{hdrs:?}"
    );
    // As legacy: the headers the library consumes itself never reach the hook.
    for consumed in [
        HTTP_HDR_FIELD_UPGRADE,
        HTTP_HDR_FIELD_CONN,
        HTTP_HDR_FIELD_WEBSOCKET_ACCEPT,
    ] {
        assert!(hdrs.iter().all(|(f, _)| *f != consumed), "{hdrs:?}");
    }
    drop(o);
    check_port().unwrap();
}

/// The subprotocols the header hook offers are remembered across its calls: a server that
/// selects one it did not offer fails the upgrade (RFC 6455 §4.1), one it did is accepted
/// (above).
#[test]
fn a_subprotocol_the_hook_did_not_offer_fails_the_upgrade() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"proto.test");
    world(|w| {
        *w.req_hdr.borrow_mut() = Some((HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL, b"chat".to_vec()))
    });
    let sock = world(|w| w.expect_connect("proto.test", ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes(response_101(b"Sec-WebSocket-Protocol: superchat\r\n")),
    );
    let mut err = 0;
    unsafe {
        o.connect_nb();
        o.upgrade(NB, &mut err);
    }
    assert_eq!(err, HTTPc_ERR_NONE);
    let s = finish(&o);
    assert!(!s.opened);
    assert_eq!(s.trans_err, Some(HTTPc_ERR_RESP_WEBSOCK_PROTOCOL_INVALID));
    drop(o);
    check_port().unwrap();
}

/// A request-header hook that gives no header fails the upgrade with
/// `HTTPc_ERR_REQ_HDR_INVALID`, whatever it returns (legacy `HTTPcReq_HdrExtHook`); so does
/// one that gives a misaligned entry (never read: a reference to it would be UB).
#[test]
fn request_header_hook_giving_no_header_is_invalid() {
    let _g = setup();
    unsafe extern "C" fn no_header(
        _c: *mut HTTPc_CONN_OBJ,
        _r: *mut HTTPc_REQ_OBJ,
        _h: *mut *mut HTTPc_HDR,
    ) -> CPU_BOOLEAN {
        DEF_YES
    }
    unsafe extern "C" fn misaligned_header(
        _c: *mut HTTPc_CONN_OBJ,
        _r: *mut HTTPc_REQ_OBJ,
        h: *mut *mut HTTPc_HDR,
    ) -> CPU_BOOLEAN {
        // A well-formed entry one byte off its alignment: read, it would be sent.
        static mut BYTES: [u64; 8] = [0; 8];
        let entry = HTTPc_HDR {
            HdrField: HTTP_HDR_FIELD_COOKIE,
            ValPtr: c"a=b".as_ptr().cast_mut(),
            ValLen: 3,
        };
        // SAFETY: BYTES holds 64 bytes, the entry fits from offset 1; `h` is the library's
        // out-parameter.
        unsafe {
            let at = (&raw mut BYTES).cast::<u8>().add(1).cast::<HTTPc_HDR>();
            at.write_unaligned(entry);
            *h = at;
        }
        DEF_YES
    }
    type Hook = unsafe extern "C" fn(
        *mut HTTPc_CONN_OBJ,
        *mut HTTPc_REQ_OBJ,
        *mut *mut HTTPc_HDR,
    ) -> CPU_BOOLEAN;
    for hook in [no_header as Hook, misaligned_header as Hook] {
        let o = Objs::new(0, 512, 0, b"nohdr.test");
        let _sock = world(|w| w.expect_connect("nohdr.test", ConnectMode::Ok));
        assert_eq!(
            upgrade_with_header_hook(&o, hook as *mut c_void),
            (DEF_FAIL, HTTPc_ERR_REQ_HDR_INVALID)
        );
        drop(o);
        check_port().unwrap();
    }
}

/// Sets `o` up with `hook` as its request-header hook, connects it and starts a non-blocking
/// upgrade (its socket expected by the caller): what the upgrade call gave.
fn upgrade_with_header_hook(o: &Objs, hook: *mut c_void) -> (CPU_BOOLEAN, HTTPc_ERR) {
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        HTTPc_ReqSetParam(o.req, HTTPc_PARAM_TYPE_REQ_HDR_HOOK, hook, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert!(o.pump_until(5, 0, || has(o, |e| matches!(
            e,
            Ev::Connect { ok: true, .. }
        ))));
        let ok = o.upgrade(NB, &mut err);
        (ok, err)
    }
}

thread_local! {
    /// The WebSocket the reusing header hook below tries to clear, and what its calls got.
    static REUSE: std::cell::RefCell<(usize, Vec<HTTPc_ERR>)> =
        const { std::cell::RefCell::new((0, Vec::new())) };
}

/// A request-header hook that tries to recycle the objects of the upgrade it is part of (the
/// request and the WebSocket), then gives one header.
unsafe extern "C" fn reusing_header(
    _c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    h: *mut *mut HTTPc_HDR,
) -> CPU_BOOLEAN {
    let ws = REUSE.with(|x| x.borrow().0) as *mut HTTPc_WEBSOCK_OBJ;
    let (mut e1, mut e2) = (0, 0);
    // SAFETY (test): the library's objects and out-parameter.
    unsafe {
        HTTPc_ReqClr(r, &mut e1);
        HTTPc_WebSockClr(ws, &mut e2);
        *h = cookie_header();
    }
    REUSE.with(|x| x.borrow_mut().1.extend([e1, e2]));
    DEF_YES
}

/// The request and the WebSocket of an upgrade are in use while its header hook runs, as
/// legacy's were (it marked them before its task wrote the request): the hook can neither
/// clear them nor start them elsewhere, and the upgrade goes on.
#[test]
fn an_upgrade_header_hook_cannot_recycle_its_own_objects() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"reuse.test");
    REUSE.with(|x| *x.borrow_mut() = (o.ws as usize, Vec::new()));
    let sock = world(|w| w.expect_connect("reuse.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    assert_eq!(
        upgrade_with_header_hook(&o, reusing_header as *mut c_void),
        (DEF_FAIL, HTTPc_ERR_NONE)
    );
    let mut err = 0;
    assert_eq!(
        REUSE.with(|x| x.borrow().1.clone()),
        vec![HTTPc_ERR_REQ_IS_USED, HTTPc_ERR_WEBSOCK_IS_USED]
    );
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    let head = sock.client().unwrap().0.expect("request sent");
    assert!(String::from_utf8(head)
        .unwrap()
        .contains("\r\nCookie: a=b\r\n"));
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    drop(o);
    check_port().unwrap();
}

/// `HTTPc_ConnClose` from the upgrade's `OnTransComplete`: the WebSocket never opens for the
/// application, neither `OnOpen` nor its `OnClose`: the connection's `OnClose(APP)` alone, as
/// legacy's close message came before its step that called `OnOpen`.
#[test]
fn a_close_from_the_upgrades_on_trans_complete_comes_before_on_open() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"cct.test");
    CUSTOM_REACT.with(|c| {
        *c.borrow_mut() = Some(std::rc::Rc::new(|hook, conn| {
            if hook == Hook::TransComplete {
                let mut err = 0;
                unsafe { HTTPc_ConnClose(conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err) };
            }
        }))
    });
    let sock = world(|w| w.expect_connect("cct.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        o.connect_nb();
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
    }
    assert_eq!(err, HTTPc_ERR_NONE);
    let ended = o.pump_until(50, 0, || o.ended());
    CUSTOM_REACT.with(|c| *c.borrow_mut() = None);
    assert!(ended);
    assert!(has(&o, |e| matches!(e, Ev::TransComplete { ok: true, .. })));
    assert!(!has(&o, |e| matches!(
        e,
        Ev::Open { .. } | Ev::Close { .. }
    )));
    assert!(has(&o, |e| matches!(
        e,
        Ev::ConnClose { status, err, .. }
            if *status == HTTPc_CONN_CLOSE_STATUS_APP && *err == HTTPc_ERR_NONE
    )));
    // The WebSocket object is free again, for the next upgrade.
    unsafe { HTTPc_WebSockClr(o.ws, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    drop(o);
    check_port().unwrap();
}

/// A blocking `HTTPc_WebSockSend` queued behind a non-blocking message returns when its own
/// message is sent, with its result (legacy woke it at the first message's completion, through
/// the connection's one semaphore, and returned `HTTPc_ERR_WEBSOCK_SEND_ERROR` while its
/// message stayed queued and went later).
#[test]
fn a_blocking_send_behind_a_queued_message_returns_its_own_result() {
    let _g = setup();
    let o = Objs::new(2, 512, 0, b"bsq.test");
    let sock = open_ws(&o, "bsq.test", b"", 0);
    let mut err = 0;
    let ok = unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        let text = HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME;
        assert_eq!(o.send(0, text, Some(b"first"), 5, NB, &mut err), DEF_OK);
        o.send(1, text, Some(b"second"), 6, 0, &mut err)
    };
    assert_eq!((ok, err), (DEF_OK, HTTPc_ERR_NONE));
    let frames = sock.client().unwrap().1;
    let payloads: Vec<&[u8]> = frames.iter().map(|f| &f.payload[..]).collect();
    assert_eq!(payloads, [&b"first"[..], b"second"]);
    close_and_check(o);
}

/// The objects of a connection are the application's again once its last hook ran (its
/// `OnClose`; `OnConnect(DEF_FAIL)` for a connect that failed): an RTOS task woken by that hook
/// may free them at once. Freed in the hook here, for each way a connection ends in a pass: the
/// library must not read them after it (Miri checks every access).
#[test]
fn the_objects_may_be_freed_in_the_last_hook() {
    let _g = setup();
    // The server's Close, the server dropping TCP, a protocol error (each then the end of
    // the stream).
    let server_close = close_frame(1000, b"");
    for (what, server) in [
        ("the server's Close", &server_close[..]),
        ("TCP dropped", &[][..]),
        ("a protocol error", &[0x83, 0x00][..]),
    ] {
        let mut o = Objs::new(0, 512, 0, b"free.test");
        free_objects_in(Hook::ConnClose, o.ws);
        let _sock = open_ws_then(&o, "free.test", server, 0, &[Item::Eof]);
        let ended = o.pump_until(50, 1, || o.ended());
        o.refill_freed(true);
        assert!(ended, "{what}");
        drop(o);
        check_port().unwrap();
    }
    // A connect that failed: its OnConnect(DEF_FAIL) is its last hook.
    let mut o = Objs::new(0, 512, 0, b"nofree.test");
    free_objects_in(Hook::Connect, std::ptr::null_mut());
    world(|w| w.expect_connect("nofree.test", ConnectMode::Fail));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
    }
    let ended = o.pump_until(10, 1, || o.ended());
    o.refill_freed(false);
    assert!(ended);
    drop(o);
    check_port().unwrap();
}

use httpc_ws::proto::handshake::Key;

#[test]
fn connect_outcomes() {
    let _g = setup();
    let cases = [
        (ConnectMode::Fail, false, 0u32),
        (ConnectMode::Later(3), true, 1),
        (ConnectMode::LaterFail(2), false, 1),
        (ConnectMode::Never, false, 1),
    ];
    for (mode, ok, closes) in cases {
        world(|w| w.reset());
        let o = Objs::new(0, 256, 0, b"c.test");
        world(|w| w.expect_connect("c.test", mode));
        let mut err = 0;
        unsafe {
            assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
            assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        // 100 ms per pass: the 1000 ms connect timeout passes within the pump.
        assert!(
            o.pump_until(30, 100, || has(&o, |e| matches!(e, Ev::Connect { .. }))),
            "{mode:?}"
        );
        let s = summary(&o, !ok);
        assert_eq!(s.connect, Some(ok), "{mode:?}");
        assert!(s.conn_close.is_none(), "{mode:?}");
        let socks = world(|w| w.socks.borrow().clone());
        if ok {
            drop(o);
            assert_eq!(
                summary_of_last(),
                Some((HTTPc_CONN_CLOSE_STATUS_APP, HTTPc_ERR_NONE))
            );
        } else {
            drop(o);
        }
        assert_eq!(
            socks.iter().map(|s| s.closes.get()).sum::<u32>(),
            closes,
            "{mode:?}"
        );
        check_port().unwrap();
    }
}

fn summary_of_last() -> Option<(HTTPc_CONN_CLOSE_STATUS, HTTPc_ERR)> {
    world(|w| {
        w.log.borrow().iter().rev().find_map(|e| match e {
            Ev::ConnClose { status, err, .. } => Some((*status, *err)),
            _ => None,
        })
    })
}

#[test]
fn blocking_calls() {
    let _g = setup();
    let o = Objs::new(2, 256, 0, b"blk.test");
    let sock = world(|w| w.expect_connect("blk.test", ConnectMode::Later(2)));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(false), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_NONE, &mut err), DEF_OK);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        // The response comes after a wait (the first reads would block).
        sock.rx_policy
            .borrow_mut()
            .steps
            .extend([Step::WouldBlock, Step::WouldBlock]);
        assert_eq!(o.upgrade(HTTPc_FLAG_NONE, &mut err), DEF_OK);
        assert_eq!(err, HTTPc_ERR_NONE);
        // Poll model: the call ran the engine and its waits took the wakes; the application's
        // next wait returns at once, so that its next pass sees the timers the call armed.
        assert!(world(|w| w.wake_pending.get()));
        assert_eq!((*o.resp).StatusCode, HTTP_STATUS_SWITCHING_PROTOCOLS);
        // The reason phrase is not kept, but the pointer is never NULL.
        assert_eq!(std::ffi::CStr::from_ptr((*o.resp).ReasonPhrasePtr), c"");
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        // Blocking send: done when it returns.
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"sync"),
                4,
                0,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(client_frames(&sock)[0].payload, b"sync");
        // A blocking send the peer never takes: the connection drops during the wait.
        sock.tx_policy
            .borrow_mut()
            .steps
            .extend([Step::WouldBlock, Step::WouldBlock, Step::Err]);
        assert_eq!(
            o.send(
                1,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                Some(b"lost"),
                4,
                0,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_CONN_SOCK_TX_FATAL);
    }
    let s = summary(&o, true);
    assert_eq!(s.errs, vec![HTTPc_ERR_CONN_SOCK_TX_FATAL]);
    assert_eq!(
        s.conn_close.map(|c| c.1),
        Some(HTTPc_ERR_CONN_SOCK_TX_FATAL)
    );
    assert_eq!(
        s.completions,
        vec![(o.msgs[0] as usize, true), (o.msgs[1] as usize, false)]
    );
    // A blocking open whose connect fails.
    world(|w| w.expect_connect("blk.test", ConnectMode::Fail));
    unsafe {
        assert_eq!(o.conn_setup(false), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_NONE, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_CONN_SOCK_CONNECT);
    }
    drop(o);
    check_port().unwrap();
}

#[test]
fn timers_ping_pong_and_close_timeout() {
    let _g = setup();
    // Keep-alive ping, then no pong: pong timeout.
    let o = Objs::new(1, 256, 0, b"t.test");
    let sock = world(|w| w.expect_connect("t.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        set_ws_param(&o, HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS, 100);
        set_ws_param(&o, HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS, 50);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert!(o.pump_until(5, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
        o.upgrade(NB, &mut err);
    }
    let s = finish(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_PONG_TIMEOUT]);
    assert_eq!(s.ws_close, Some((1006, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_WEBSOCK_PONG_TIMEOUT))
    );
    assert_eq!(client_frames(&sock)[0].opcode, OP_PING);
    drop(o);

    // Our Close, never answered: close timeout (5 s by default).
    world(|w| w.reset());
    let o = Objs::new(1, 256, 0, b"t.test");
    let _sock = open_ws(&o, "t.test", b"", 0);
    unsafe { o.queue_close(0) };
    assert!(o.pump_until(100, 100, || o.ended()));
    let s = summary(&o, true);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_CLOSE_TIMEOUT]);
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_NONE,
            HTTPc_ERR_WEBSOCK_CLOSE_TIMEOUT
        ))
    );
    drop(o);
    check_port().unwrap();
}

#[test]
fn random_source_failure_fails_the_upgrade() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"rnd.test");
    world(|w| w.expect_connect("rnd.test", ConnectMode::Ok));
    let mut err = 0;
    unsafe {
        o.connect_nb();
        world(|w| w.random_fails.set(true));
        assert_eq!(o.upgrade(NB, &mut err), DEF_FAIL);
        world(|w| w.random_fails.set(false));
        assert_eq!(err, HTTPc_ERR_WEBSOCK_FAULT);
        // Nothing was taken: the same objects upgrade fine afterwards... on a fresh socket.
        HTTPc_WebSockClr(o.ws, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_ReqClr(o.req, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    drop(o);
    check_port().unwrap();
}

#[test]
fn objects_reusable_after_clear() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"again.test");
    for round in 0..2 {
        let sock = open_ws(&o, "again.test", &frame(true, OP_TEXT, b"r"), 0);
        sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"")));
        sock.push(Gate::ClientClose, Item::Eof);
        let mut err = 0;
        unsafe {
            assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE, "round {round}");
            assert_eq!(
                o.send(
                    0,
                    HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                    Some(&CLOSE_1000),
                    5,
                    NB,
                    &mut err
                ),
                DEF_OK
            );
        }
        let s = finish(&o);
        assert_eq!(s.messages.len(), 1);
        assert_eq!(s.completions, vec![(o.msgs[0] as usize, true)]);
        assert_eq!(
            s.conn_close,
            Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
        );
    }
    drop(o);
    check_port().unwrap();
}

// Objects in static storage, as a C application would have them.
static mut S_CONN: HTTPc_CONN_OBJ = HTTPc_CONN_OBJ {
    UserDataPtr: null_mut(),
    Reserved: [0; HTTPc_CONN_OBJ_RESERVED_WORDS],
};
static mut S_REQ: HTTPc_REQ_OBJ = HTTPc_REQ_OBJ {
    UserDataPtr: null_mut(),
    Method_reserved: 0,
    Reserved: [0; HTTPc_REQ_OBJ_RESERVED_WORDS],
};
static mut S_WS: HTTPc_WEBSOCK_OBJ = HTTPc_WEBSOCK_OBJ {
    UserDataPtr: null_mut(),
    Reserved: [0; HTTPc_WEBSOCK_OBJ_RESERVED_WORDS],
};
static mut S_MSG: HTTPc_WEBSOCK_MSG_OBJ = HTTPc_WEBSOCK_MSG_OBJ {
    UserDataPtr: null_mut(),
    Reserved: [0; HTTPc_WEBSOCK_MSG_OBJ_RESERVED_WORDS],
};
static mut S_RESP: HTTPc_RESP_OBJ = HTTPc_RESP_OBJ {
    ProtocolVer: 0,
    StatusCode: 0,
    ReasonPhrasePtr: std::ptr::null(),
    ContentType: 0,
    ContentLen: 0,
};
static mut S_BUF: [u8; 256] = [0; 256];

#[test]
fn static_objects() {
    let _g = setup();
    let sock = world(|w| w.expect_connect("static.test", ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes([response_101(b""), frame(true, OP_BIN, b"\x00\x01")].concat()),
    );
    sock.push(Gate::ClientClose, Item::Bytes(close_frame(1000, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    let (conn, req, ws, msg, resp, buf) = (
        addr_of_mut!(S_CONN),
        addr_of_mut!(S_REQ),
        addr_of_mut!(S_WS),
        addr_of_mut!(S_MSG),
        addr_of_mut!(S_RESP),
        addr_of_mut!(S_BUF).cast::<u8>(),
    );
    let mut err = 0;
    unsafe {
        (*conn).UserDataPtr = conn.cast();
        HTTPc_ConnClr(conn, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(
            (*conn).UserDataPtr,
            conn.cast(),
            "ConnClr keeps UserDataPtr"
        );
        HTTPc_ConnSetParam(
            conn,
            HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK,
            on_conn_close as *mut c_void,
            &mut err,
        );
        let host = b"static.test\0";
        assert_eq!(
            HTTPc_ConnOpen(
                conn,
                buf.cast(),
                256,
                host.as_ptr().cast_mut().cast(),
                11,
                0,
                &mut err
            ),
            DEF_OK
        );
        HTTPc_ReqClr(req, &mut err);
        HTTPc_WebSockClr(ws, &mut err);
        HTTPc_WebSockSetParam(
            ws,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN,
            on_open as *mut c_void,
            &mut err,
        );
        HTTPc_WebSockSetParam(
            ws,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE,
            on_close as *mut c_void,
            &mut err,
        );
        HTTPc_WebSockSetParam(
            ws,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,
            on_rx_data as *mut c_void,
            &mut err,
        );
        HTTPc_WebSockSetParam(
            ws,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT,
            on_rx_init as *mut c_void,
            &mut err,
        );
        HTTPc_WebSockSetParam(
            ws,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE,
            on_rx_complete as *mut c_void,
            &mut err,
        );
        let path = b"/s";
        assert_eq!(
            HTTPc_WebSockUpgrade(
                conn,
                req,
                resp,
                ws,
                path.as_ptr().cast_mut().cast(),
                2,
                0,
                &mut err
            ),
            DEF_OK
        );
        HTTPc_WebSockMsgClr(msg, &mut err);
        // An empty CLOSE: any non-NULL pointer (NULL needs OnMsgTxData, as legacy).
        let none: [u8; 0] = [];
        assert_eq!(
            HTTPc_WebSockSend(
                conn,
                msg,
                HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                none.as_ptr().cast_mut().cast(),
                0,
                0,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        for _ in 0..20 {
            HTTPc_TaskHandler();
        }
    }
    let log = world(|w| w.events());
    let s = check_conn(&log, conn as usize, true).unwrap();
    assert_eq!(
        s.messages,
        vec![(HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, vec![0, 1])]
    );
    assert_eq!(s.ws_close, Some((1000, Vec::new())));
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    unsafe { HTTPc_ConnClose(conn, 0, &mut err) };
    assert_eq!(err, HTTPc_ERR_CONN_IS_RELEASED);
    check_port().unwrap();
}

/// Regression (found by `capi_script`): a queued control message must complete (DEF_FAIL)
/// when the random source fails as its frame is built. The engine dequeued it before asking
/// for the mask key, so the failure left it neither queued nor in flight: no OnMsgTxComplete
/// ever, and the message object stayed "used" for good.
#[test]
fn control_message_completes_when_the_random_source_fails() {
    let _g = setup();
    let o = Objs::new(2, 256, 0, b"rndctl.test");
    let _sock = open_ws(&o, "rndctl.test", b"", 0);
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.send(0, HTTPc_WEBSOCK_MSG_TYPE_PING, Some(b"xy"), 2, NB, &mut err),
            DEF_OK
        );
        assert_eq!(
            o.send(
                1,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"data"),
                4,
                NB,
                &mut err
            ),
            DEF_OK
        );
        world(|w| w.random_fails.set(true));
        HTTPc_TaskHandler();
        world(|w| w.random_fails.set(false));
    }
    let log = world(|w| w.events());
    let s = check_conn(&log, o.id(), true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_FAULT]);
    assert_eq!(s.completions.len(), 2);
    for m in &o.msgs {
        unsafe { HTTPc_WebSockMsgClr(*m, &mut err) };
        assert_eq!(err, HTTPc_ERR_NONE, "message still in use");
    }
    drop(o);
    check_port().unwrap();
}

/// Buffer mode, a fragmented message, no `RX_MSG_LEN_MAX`: as the legacy client, each fragment
/// is written at offset 0 and never more than its own length, so a buffer sized for the largest
/// fragment (what a legacy application sized for) is never overrun. The 8-byte buffer is an
/// allocation of exactly 8 bytes (Miri runs this test).
#[test]
fn buffer_mode_fragments_without_a_limit_land_at_offset_zero() {
    let _g = setup();
    let o = Objs::new(0, 256, 8, b"frag.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, 8));
    let srv = [
        frame(false, OP_BIN, b"abcdefgh"),
        frame(true, OP_CONT, b"ijklmn"),
        close_frame(1000, b""),
    ]
    .concat();
    let sock = open_ws(&o, "frag.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    assert_eq!(
        world(|w| w.rx_snaps.borrow().clone()),
        vec![b"ijklmngh".to_vec()]
    );
    let rx_inits: Vec<u32> = world(|w| {
        w.log
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Ev::RxInit { len, .. } => Some(*len),
                _ => None,
            })
            .collect()
    });
    assert_eq!(rx_inits, vec![HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED]);
    drop(o);
    check_port().unwrap();
}

/// Buffer mode: a buffer `OnMsgRxInit` points inside the connection buffer (the bytes being
/// copied), or inside the connection or WebSocket object (the library's state), is refused as
/// one too small, `HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW` and 1009: the copy used to alias them
/// (server bytes written over the state, or a copy onto itself).
#[test]
fn a_receive_buffer_over_the_connection_buffer_or_an_object_is_refused() {
    for target in 0..3 {
        let _g = setup();
        let o = Objs::new(0, 256, 8, b"alias.test");
        let p: *mut u8 = match target {
            0 => unsafe { o.buf.add(200) },
            1 => unsafe { o.conn.cast::<u8>().add(16) },
            _ => unsafe { o.ws.cast::<u8>().add(16) },
        };
        world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(p, 8));
        let srv = frame(true, OP_BIN, b"ZZZZZZZZ");
        let sock = open_ws(&o, "alias.test", &srv, 0);
        sock.push(Gate::ClientClose, Item::Eof);
        let s = finish(&o);
        assert_eq!(
            s.errs,
            vec![HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW],
            "target {target}"
        );
        assert!(world(|w| w.rx_snaps.borrow().is_empty()), "target {target}");
        drop(o);
        check_port().unwrap();
    }
}

/// Buffer mode: a buffer `OnMsgRxInit` points over a message object queued on the WebSocket
/// (its state is in the object: a server's bytes there became its lengths and pointers, and
/// the library read past the payload they described) is refused as the others above.
#[test]
fn a_receive_buffer_over_a_queued_message_is_refused() {
    let _g = setup();
    let o = Objs::new(2, 256, 8, b"alias3.test");
    let queued = o.msgs[1].cast::<u8>();
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(unsafe { queued.add(8) }, 8));
    let sock = open_ws(&o, "alias3.test", b"", 0);
    // The socket takes nothing meanwhile: the first message's frame waits, the second is
    // queued behind it.
    sock.tx_policy
        .borrow_mut()
        .steps
        .extend(std::iter::repeat_n(Step::WouldBlock, 50));
    let big = vec![7u8; 2000];
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        let bin = HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME;
        assert_eq!(o.send(0, bin, Some(&big), 2000, NB, &mut err), DEF_OK);
        assert_eq!(
            o.send(1, bin, Some(b"0123456789abcdef"), 16, NB, &mut err),
            DEF_OK
        );
    }
    o.pump_until(3, 1, || false);
    sock.push_now(&frame(true, OP_BIN, b"ZZZZZZZZ"));
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW]);
    // Each message completes once (the connection failed before they went).
    assert_eq!(s.completions.len(), 2, "{:?}", s.completions);
    assert!(world(|w| w.rx_snaps.borrow().is_empty()));
    drop(o);
    check_port().unwrap();
}

/// Buffer mode: a buffer that starts in the application's own memory and runs into the
/// connection buffer (`OnMsgRxInit` was told 20 bytes; the last 12 of them are the connection
/// buffer's) is refused before a byte is written, however the message arrives: in one read, or
/// three bytes at a time (docs/MIGRATION.md: "fails with 1009 and
/// `HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW` before a byte is written").
#[test]
fn a_receive_buffer_running_into_the_connection_buffer_is_refused_before_any_write() {
    for chunk in [0usize, 3] {
        let _g = setup();
        let mut o = Objs::new(0, 320, 8, b"alias2.test");
        // The connection gets the last 256 of the 320 bytes; the receive buffer starts 8 bytes
        // before them.
        let (whole, whole_len) = (o.buf, o.buf_len);
        o.buf = unsafe { whole.add(64) };
        o.buf_len = 256;
        unsafe { std::ptr::write_bytes(whole, b'.', 64) };
        world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(unsafe { whole.add(56) }, 20));
        let sock = world(|w| w.expect_connect("alias2.test", ConnectMode::Ok));
        sock.rx_policy.borrow_mut().max_chunk = chunk;
        let mut bytes = response_101(b"");
        bytes.extend_from_slice(&frame(true, OP_BIN, b"ABCDEFGHIJKLMNOPQRST"));
        sock.push(Gate::Request, Item::Bytes(bytes));
        sock.push(Gate::ClientClose, Item::Eof);
        unsafe {
            assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
            assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
            assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
            let mut err = 0;
            o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
            assert_eq!(err, HTTPc_ERR_NONE);
            o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Connect { .. })));
            o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err);
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        let ended = o.pump_until(200, 10, || o.ended());
        let before = unsafe { std::slice::from_raw_parts(whole.add(56), 8) }.to_vec();
        // (The objects free the whole buffer: given back before any assertion can fail.)
        (o.buf, o.buf_len) = (whole, whole_len);
        assert!(ended, "chunk {chunk}: connection did not end");
        let s = summary(&o, true);
        drop(o);
        assert_eq!(
            s.errs,
            vec![HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW],
            "chunk {chunk}"
        );
        assert_eq!(
            String::from_utf8_lossy(&before),
            "........",
            "chunk {chunk}: written before the refusal"
        );
        check_port().unwrap();
    }
}

/// Sending on, as they are, the bytes `OnMsgRxData` got (their pointer into the connection
/// buffer, which the library overwrites) is refused with `HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM`:
/// copying them into the send region would copy the buffer onto itself. Copied out first,
/// they go.
#[test]
fn sending_received_bytes_in_place_is_refused() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"inplace.test");
    world(|w| {
        w.echo_msg.set(o.msgs[0]);
        w.reactions
            .borrow_mut()
            .push((Hook::RxData, 0, Act::EchoInPlace));
    });
    unsafe { assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE) };
    let sock = open_ws(&o, "inplace.test", &frame(true, OP_BIN, b"hello"), 0);
    assert!(o.pump_until(10, 1, || has(&o, |e| matches!(e, Ev::RxComplete { .. }))));
    assert_eq!(
        world(|w| w.reaction_errs.borrow().clone()),
        vec![(
            Act::EchoInPlace,
            HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM,
            DEF_FAIL
        )]
    );
    // Nothing but the upgrade went out.
    assert!(client_frames(&sock).is_empty());
    let mut err = 0;
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    drop(o);
    check_port().unwrap();
}

/// After `OnMsgTxData` said "nothing yet", the engine asks again within a few milliseconds:
/// a pass returns a short sleep (an engine task sleeping for `u32::MAX` left a blocking send
/// waiting on that message hanging until something else woke it), and the message completes
/// without any other event.
#[test]
fn nothing_yet_from_the_tx_hook_is_asked_again_on_a_short_timer() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"again.test");
    let sock = open_ws(&o, "again.test", b"", 0);
    let mut err = 0;
    unsafe {
        assert_eq!(
            o.msg_setup(0, Some(src(b"abcdef", &[STALL, 3, STALL, 3, 9], None, 0))),
            HTTPc_ERR_NONE
        );
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                None,
                HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED,
                NB,
                &mut err
            ),
            DEF_OK
        );
    }
    // The sleeps of the passes that left the message waiting on its hook.
    let mut sleeps = Vec::new();
    for _ in 0..10 {
        let wait = unsafe { HTTPc_TaskHandler() };
        if summary(&o, false).completions.len() == 1 {
            break;
        }
        sleeps.push(wait);
        world(|w| w.now.set(w.now.get().wrapping_add(wait.min(1000))));
    }
    assert!(
        !sleeps.is_empty() && sleeps.iter().all(|&w| w <= 5),
        "a pass after \"nothing yet\" sleeps at most 5 ms: {sleeps:?}"
    );
    assert_eq!(summary(&o, false).completions.len(), 1, "{sleeps:?}");
    let payload: Vec<u8> = client_frames(&sock)
        .iter()
        .flat_map(|f| f.payload.clone())
        .collect();
    assert_eq!(payload, b"abcdef");
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    drop(o);
    check_port().unwrap();
}

/// A known-length message whose `OnMsgTxData` answers `HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED`
/// ("nothing yet", http-c.h) is asked again: that answer is never a byte count (taken as one,
/// whatever the send region held went out as the message).
#[test]
fn not_defined_from_a_known_length_tx_hook_is_nothing_yet() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"later.test");
    let sock = open_ws(&o, "later.test", b"", 0);
    let mut err = 0;
    unsafe {
        assert_eq!(
            o.msg_setup(0, Some(src(b"abcdefgh", &[STALL, 100], None, 8))),
            HTTPc_ERR_NONE
        );
        assert_eq!(
            o.send(0, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, None, 8, NB, &mut err),
            DEF_OK
        );
    }
    assert!(o.pump_until(20, 5, || summary(&o, false).completions.len() == 1));
    let frames = client_frames(&sock);
    assert_eq!(
        frames.last().map(|f| f.payload.clone()),
        Some(b"abcdefgh".to_vec())
    );
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    drop(o);
    check_port().unwrap();
}

/// A single frame of 2^32-1 bytes: its length is the value `OnMsgRxInit` takes for
/// "fragmented" (where buffer mode's bound is each fragment's own length), so it cannot be
/// announced: it fails with 1009 before `OnMsgRxInit`, nothing is written into the 8-byte
/// buffer (Miri runs this test too).
#[test]
fn a_frame_whose_length_is_the_fragmented_sentinel_is_too_big() {
    let _g = setup();
    let o = Objs::new(0, 256, 8, b"huge.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, 8));
    let mut srv = vec![0x82, 127];
    srv.extend_from_slice(&u64::from(u32::MAX).to_be_bytes());
    srv.extend_from_slice(&[b'x'; 64]);
    let sock = open_ws(&o, "huge.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG]);
    assert_eq!(s.ws_close.as_ref().map(|c| c.0), Some(1009));
    assert!(!has(&o, |e| matches!(e, Ev::RxInit { .. })));
    assert_eq!(
        client_frames(&sock).last().map(|f| f.payload.clone()),
        Some(1009u16.to_be_bytes().to_vec())
    );
    drop(o);
    check_port().unwrap();
}

/// A blocking upgrade that fails calls the request's `OnErr` too, before the connection's
/// `OnClose` and before the call returns, and no `OnTransComplete` (legacy, blocking mode).
#[test]
fn failed_blocking_upgrade_calls_on_err() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"bad101.test");
    let sock = world(|w| w.expect_connect("bad101.test", ConnectMode::Ok));
    sock.push(
        Gate::Request,
        Item::Bytes(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n"
                .to_vec(),
        ),
    );
    let mut err = 0;
    unsafe {
        o.connect_nb();
        assert_eq!(o.upgrade(0, &mut err), DEF_FAIL);
    }
    assert_eq!(err, HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID);
    let s = summary(&o, true);
    assert_eq!(s.trans_err, Some(HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID));
    assert!(!s.trans_fail_completed);
    assert_eq!(
        s.conn_close,
        Some((
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
            HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID
        ))
    );
    drop(o);
    check_port().unwrap();
}

/// A failed non-blocking upgrade: `OnErr`, then `OnTransComplete(DEF_FAIL)`, then the
/// connection's `OnClose` (legacy order); a server that drops TCP makes it status SERVER.
#[test]
fn failed_non_blocking_upgrade_hook_order() {
    for (reply, err, status) in [
        (
            &b"ICY 200 OK\r\n\r\n"[..],
            HTTPc_ERR_RESP_PROTOCOL_VER_INVALID,
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
        ),
        (
            &b"HTTP/1.1 10"[..],
            HTTPc_ERR_CONN_SOCK_CLOSED,
            HTTPc_CONN_CLOSE_STATUS_SERVER,
        ),
    ] {
        let _g = setup();
        let o = Objs::new(0, 256, 0, b"order.test");
        let sock = world(|w| w.expect_connect("order.test", ConnectMode::Ok));
        sock.push(Gate::Request, Item::Bytes(reply.to_vec()));
        sock.push(Gate::Request, Item::Eof);
        let mut e = 0;
        unsafe {
            o.connect_nb();
            o.upgrade(NB, &mut e);
        }
        assert!(o.pump_until(20, 10, || o.ended()));
        let log = world(|w| w.events());
        let pos = |f: &dyn Fn(&Ev) -> bool| log.iter().position(f).expect("event");
        let on_err = pos(&|e| matches!(e, Ev::TransErr { .. }));
        let on_fail = pos(&|e| matches!(e, Ev::TransComplete { ok: false, .. }));
        let on_close = pos(&|e| matches!(e, Ev::ConnClose { .. }));
        assert!(on_err < on_fail && on_fail < on_close, "{log:#?}");
        let s = summary(&o, true);
        assert_eq!(s.trans_err, Some(err));
        assert_eq!(s.conn_close, Some((status, err)));
        drop(o);
        check_port().unwrap();
    }
}

/// The smallest buffer (256 bytes) still sends every control frame whole: a pong echoing a
/// 125-byte ping and a Close reply echoing a 123-byte reason (the send part is never smaller
/// than one control frame).
#[test]
fn largest_control_frames_fit_the_smallest_buffer() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"ctl.test");
    let ping = [b'p'; 125];
    let reason = [b'r'; 123];
    let srv = [frame(true, OP_PING, &ping), close_frame(1000, &reason)].concat();
    let sock = open_ws(&o, "ctl.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    assert_eq!(s.ws_close, Some((1000, reason.to_vec())));
    let frames = client_frames(&sock);
    let ops: Vec<(u8, usize)> = frames.iter().map(|f| (f.opcode, f.payload.len())).collect();
    assert_eq!(ops, vec![(OP_PONG, 125), (OP_CLOSE, 125)]);
    assert_eq!(frames[0].payload, ping);
    assert_eq!(&frames[1].payload[2..], &reason[..]);
    drop(o);
    check_port().unwrap();
}

#[test]
fn a_101s_header_lines_are_bounded_by_the_buffer_alone() {
    let _g = setup();
    // A 1 100-byte header line and a 12 KB head in a 4 KB buffer: as legacy, only a line that
    // does not fit the buffer is too long.
    let mut extra = b"Set-Cookie: ".to_vec();
    extra.extend(std::iter::repeat_n(b'a', 1100));
    extra.extend_from_slice(b"\r\n");
    for i in 0..24 {
        extra.extend_from_slice(format!("X-Pad-{i:02}: ").as_bytes());
        extra.extend(std::iter::repeat_n(b'b', 500));
        extra.extend_from_slice(b"\r\n");
    }
    let o = Objs::new(0, 4096, 0, b"long101.test");
    let sock = world(|w| w.expect_connect("long101.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(&extra)));
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        let mut err = 0;
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
        assert_eq!(o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(
        o.pump_until(20, 0, || has(&o, |e| matches!(e, Ev::Open { .. }))),
        "{:#?}",
        world(|w| w.events())
    );
}

/// A hook of the pass that ends a blocking call's operation may clear (recycle) its object:
/// the call still returns that operation's result, as legacy's did (it read flags its `*Clr`
/// functions left alone).
#[test]
fn a_blocking_calls_result_survives_a_hook_that_clears_its_object() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"recycle.test");
    let sock = blocking_open(&o, "recycle.test");
    world(|w| {
        w.clr_req.set(o.req);
        w.clr_msg.set(o.msgs[0]);
        w.reactions.borrow_mut().extend([
            (Hook::Open, 0, Act::Clear),
            (Hook::TxComplete, 0, Act::Clear),
        ]);
    });
    let mut err = 0;
    unsafe {
        // OnOpen clears the request: the upgrade still succeeded, the WebSocket stays open.
        assert_eq!(o.upgrade(HTTPc_FLAG_NONE, &mut err), DEF_OK);
        assert_eq!(err, HTTPc_ERR_NONE);
        assert!(!has(&o, |e| matches!(
            e,
            Ev::Close { .. } | Ev::ConnClose { .. }
        )));
        assert_eq!(
            world(|w| w.reaction_errs.borrow().clone()),
            vec![(Act::Clear, HTTPc_ERR_NONE, DEF_OK)]
        );
        // A blocking send that fails; its OnMsgTxComplete(DEF_FAIL) clears the message: the
        // call still reports the failure.
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        sock.tx_policy
            .borrow_mut()
            .steps
            .extend([Step::WouldBlock, Step::Err]);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"lost"),
                4,
                0,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_CONN_SOCK_TX_FATAL);
    }
    assert_eq!(
        summary(&o, true).completions,
        vec![(o.msgs[0] as usize, false)]
    );
}

thread_local! {
    /// What a blocking `HTTPc_ConnOpen` made from `OnClose` answered.
    static REOPEN_ERR: std::cell::Cell<Option<HTTPc_ERR>> = const { std::cell::Cell::new(None) };
}

unsafe extern "C" fn on_close_reopen_blocking(
    p_conn: *mut HTTPc_CONN_OBJ,
    _status: HTTPc_CONN_CLOSE_STATUS,
    _err: HTTPc_ERR,
) {
    let mut buf = [0u8; 256];
    let mut err = 0;
    let host = b"again.test\0";
    unsafe {
        HTTPc_ConnOpen(
            p_conn,
            buf.as_mut_ptr().cast(),
            buf.len() as u16,
            host.as_ptr().cast_mut().cast(),
            10,
            HTTPc_FLAG_NONE,
            &mut err,
        )
    };
    REOPEN_ERR.with(|e| e.set(Some(err)));
}

/// `HTTPc_ConnClose` in the poll model tears the connection down in the call itself: its hooks
/// run as the engine's, so a blocking call from them is refused (it would run the engine
/// nested inside the teardown) as from any hook.
#[test]
fn hooks_of_an_application_close_cannot_block() {
    let _g = setup();
    let o = Objs::new(0, 256, 0, b"nest.test");
    let sock = world(|w| w.expect_connect("nest.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK,
            on_close_reopen_blocking as *mut c_void,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_NONE, &mut err), DEF_OK);
        assert_eq!(o.upgrade(HTTPc_FLAG_NONE, &mut err), DEF_OK);
        HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert_eq!(
        REOPEN_ERR.with(|e| e.get()),
        Some(HTTPc_ERR_CONN_INVALID_STATE)
    );
    drop(o);
}

/// A blocking send whose wait runs out (the peer never reads, the stall timeout is off):
/// the call reports the timeout and the open WebSocket's connection closes with status NONE,
/// as every end of a WebSocket neither side asked for.
#[test]
fn a_blocking_send_that_times_out_closes_an_open_websocket_with_status_none() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"stuck.test");
    let sock = blocking_open(&o, "stuck.test");
    let mut err = 0;
    unsafe {
        set_ws_param(&o, HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS, 0);
        assert_eq!(o.upgrade(HTTPc_FLAG_NONE, &mut err), DEF_OK);
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        sock.tx_policy
            .borrow_mut()
            .steps
            .extend(std::iter::repeat_n(Step::WouldBlock, 100_000));
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"stuck"),
                5,
                0,
                &mut err
            ),
            DEF_FAIL
        );
        assert_eq!(err, HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    }
    let s = summary(&o, true);
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_CONN_SIGNAL_TIMEOUT))
    );
    assert_eq!(s.completions, vec![(o.msgs[0] as usize, false)]);
}

/// A blocking `HTTPc_ConnOpen` of `o` to `host`, whose socket answers the upgrade with a valid
/// 101; the request and WebSocket objects set up, not upgraded yet.
fn blocking_open(o: &Objs, host: &str) -> std::rc::Rc<Sock> {
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(false), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_NONE, &mut err), DEF_OK);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
    }
    sock
}

/// The WebSocket `OnClose` reason for what the server did (`server`, then the end of the
/// stream when `eof`): (code, reason, DataPtr NULL).
fn close_reason(host: &str, server: &[u8], eof: bool) -> (u16, Vec<u8>, bool) {
    let o = Objs::new(0, 256, 0, host.as_bytes());
    let sock = open_ws(&o, host, server, 0);
    if eof {
        sock.push(Gate::Now, Item::Eof);
    }
    assert!(o.pump_until(50, 10, || o.ended()));
    let id = o.id();
    o.since_open(|log| {
        log.iter().find_map(|e| match e {
            Ev::Close {
                conn,
                code,
                reason,
                reason_null,
            } if *conn == id => Some((*code, reason.clone(), *reason_null)),
            _ => None,
        })
    })
    .expect("OnClose")
}

#[test]
fn on_close_reason_pointer_is_null_without_a_code_as_legacy() {
    let _g = setup();
    // An empty Close, a dropped connection, a failed one: NULL (legacy: NULL and 0).
    assert_eq!(
        close_reason("empty.test", &frame(true, 8, b""), true),
        (1005, vec![], true)
    );
    assert_eq!(close_reason("drop.test", b"", true), (1006, vec![], true));
    assert_eq!(
        close_reason("fail.test", &frame(true, 0x3, b""), true),
        (1002, vec![], true)
    );
    // A code: the reason after it, where it is (empty for a code alone).
    assert_eq!(
        close_reason("code.test", &close_frame(1000, b""), true),
        (1000, vec![], false)
    );
    assert_eq!(
        close_reason("bye.test", &close_frame(1001, b"bye"), true),
        (1001, b"bye".to_vec(), false)
    );
}

#[test]
fn what_came_before_the_end_of_the_stream_is_delivered_first() {
    let _g = setup();
    // The 101, a message, the server's Close and its FIN in one burst: the upgrade reads them
    // all, and the end of the stream must not overtake the message or the Close.
    let o = Objs::new(0, 256, 0, b"burst.test");
    let mut server = frame(true, 1, b"last words");
    server.extend_from_slice(&close_frame(1001, b"bye"));
    let sock = open_ws(&o, "burst.test", &server, 0);
    sock.push(Gate::Now, Item::Eof);
    assert!(o.pump_until(50, 10, || o.ended()));
    let s = summary(&o, true);
    assert_eq!(
        s.messages,
        vec![(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"last words".to_vec())]
    );
    assert_eq!(s.ws_close, Some((1001, b"bye".to_vec())));
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_NONE))
    );
    // Without a Close: the messages, then the dropped connection.
    let o = Objs::new(0, 256, 0, b"burst2.test");
    let sock = open_ws(&o, "burst2.test", &frame(true, 2, b"\x01\x02"), 0);
    sock.push(Gate::Now, Item::Eof);
    assert!(o.pump_until(50, 10, || o.ended()));
    let s = summary(&o, true);
    assert_eq!(
        s.messages,
        vec![(HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, vec![1, 2])]
    );
    assert_eq!(s.ws_close.map(|c| c.0), Some(1006));
    assert_eq!(s.errs, vec![HTTPc_ERR_CONN_SOCK_CLOSED]);
}

/// The server's Close while a large message is leaving: its frame is finished and the
/// message completes first, then the one queued behind it fails (it may no longer leave), in
/// queue order.
#[test]
fn completions_keep_the_queue_order_when_the_servers_close_cuts_in() {
    let _g = setup();
    // A 4 KB buffer: the big message's first frame bytes take all but the 512-byte receive
    // reserve (where the Close is read); its 120-byte tail, our Close reply and the next
    // message then fit in one batch.
    let o = Objs::new(2, 4096, 0, b"order.test");
    let sock = open_ws(&o, "order.test", b"", 0);
    let big = vec![7u8; 3700];
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        // The socket takes 100 bytes, then is full for a while: the big frame is under way.
        sock.tx_policy.borrow_mut().steps =
            [Step::Take(100), Step::WouldBlock, Step::WouldBlock].into();
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                Some(&big),
                3700,
                NB,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(
            o.send(
                1,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"after"),
                5,
                NB,
                &mut err
            ),
            DEF_OK
        );
        HTTPc_TaskHandler();
    }
    assert!(
        sock.tx.borrow().len() < 1000,
        "the big message left at once"
    );
    sock.push(Gate::Now, Item::Bytes(close_frame(1001, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    assert!(o.pump_until(200, 1, || o.ended()));
    let frames = check_client_stream(&sock.tx.borrow()).unwrap();
    let frames: Vec<_> = frames.iter().map(|f| (f.opcode, f.payload.len())).collect();
    assert_eq!(frames, vec![(OP_BIN, 3700), (OP_CLOSE, 2)]);
    let done: Vec<(usize, bool)> = o.since_open(|log| {
        log.iter()
            .filter_map(|e| match e {
                Ev::TxComplete { msg, ok, .. } => Some((*msg, *ok)),
                _ => None,
            })
            .collect()
    });
    assert_eq!(
        done,
        vec![(o.msgs[0] as usize, true), (o.msgs[1] as usize, false)]
    );
}

/// A message sent after the application queued its Close could never leave: refused at once
/// with `HTTPc_ERR_WEBSOCK_INVALID_TX_STATE` and no completion (it was accepted, then failed
/// through `OnMsgTxComplete`, so the application saw the error twice).
#[test]
fn a_send_behind_a_queued_close_is_refused_at_once() {
    let _g = setup();
    let o = Objs::new(2, 512, 0, b"afterclose.test");
    let _sock = open_ws(&o, "afterclose.test", b"", 0);
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        assert_eq!(
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                Some(&CLOSE_1000),
                2,
                NB,
                &mut err
            ),
            DEF_OK
        );
        assert_eq!(
            o.send(
                1,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(b"late"),
                4,
                NB,
                &mut err
            ),
            DEF_FAIL
        );
    }
    assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE);
    let _ = o.pump_until(50, 10, || o.ended());
    let late = o.msgs[1] as usize;
    let completions = o.since_open(|log| {
        log.iter()
            .filter(|e| matches!(e, Ev::TxComplete { msg, .. } if *msg == late))
            .count()
    });
    assert_eq!(completions, 0);
}

/// `OnMsgTxData` of a message whose length is known is offered the whole room, as legacy
/// offered it (not just what is left of the message), and what it gives beyond the length is
/// not sent.
#[test]
fn on_msg_tx_data_is_offered_the_whole_room() {
    let _g = setup();
    let o = Objs::new(1, 512, 0, b"room.test");
    let sock = open_ws(&o, "room.test", b"", 0);
    let src = MsgSrc {
        // Twenty bytes ready, ten announced by OnMsgTxInit.
        data: b"0123456789abcdefghij".to_vec(),
        init_len: Some(10),
        send_len: 10,
        ..MsgSrc::default()
    };
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, Some(src)), HTTPc_ERR_NONE);
        let bin = HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME;
        assert_eq!(o.send(0, bin, None, 10, NB, &mut err), DEF_OK);
    }
    assert!(o.pump_until(20, 1, || has(&o, |e| matches!(e, Ev::TxComplete { .. }))));
    let offered: Vec<(u32, u32)> = o.since_open(|log| {
        log.iter()
            .filter_map(|e| match e {
                Ev::TxData { offered, n, .. } => Some((*offered, *n)),
                _ => None,
            })
            .collect()
    });
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert!(offered[0].0 > 10, "{offered:?}");
    assert_eq!(offered[0].1, 20);
    let frames = client_frames(&sock);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].payload, b"0123456789");
}

/// A by-value copy of a connection whose WebSocket is open carries no WebSocket: a message sent
/// on it is refused (`HTTPc_ERR_WEBSOCK_INVALID_CONN`; it was written over the original's
/// pending frames, with the copy's stale cursors) and the original's messages go on.
#[test]
fn a_copy_of_a_websocket_connection_sends_nothing() {
    let _g = setup();
    let o = Objs::new(1, 512, 0, b"wscopy.test");
    let sock = open_ws(&o, "wscopy.test", b"", 0);
    let mut copy = Box::new(std::mem::MaybeUninit::<HTTPc_CONN_OBJ>::uninit());
    let p_copy = copy.as_mut_ptr();
    unsafe { std::ptr::copy_nonoverlapping(o.conn.cast_const(), p_copy, 1) };
    let mut err = 0;
    let data = b"hello";
    assert_eq!(unsafe { o.msg_setup(0, None) }, HTTPc_ERR_NONE);
    unsafe {
        HTTPc_WebSockSend(
            p_copy,
            o.msgs[0],
            HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
            data.as_ptr().cast_mut().cast(),
            5,
            NB,
            &mut err,
        )
    };
    assert_eq!(err, HTTPc_ERR_WEBSOCK_INVALID_CONN);
    // The message is free for the original.
    assert_eq!(
        unsafe {
            o.send(
                0,
                HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                Some(data),
                5,
                NB,
                &mut err,
            )
        },
        DEF_OK
    );
    assert_eq!(err, HTTPc_ERR_NONE);
    assert!(o.pump_until(10, 1, || client_frames(&sock).len() == 1));
    assert_eq!(client_frames(&sock)[0].payload, data);
}

/// A by-value copy of an open connection object is not that connection: closing it is
/// `HTTPc_ERR_CONN_IS_RELEASED` (it closed the original's socket, which the engine then closed
/// again), clearing it works, and the original goes on.
#[test]
fn a_copy_of_an_open_connection_is_not_the_connection() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"copy.test");
    let sock = world(|w| w.expect_connect("copy.test", ConnectMode::Ok));
    unsafe { o.connect_nb() };
    // A byte copy, as C's `copy = *p_conn` (the state's padding bytes are uninitialised: the
    // copy is never read as a whole value here).
    let mut copy = Box::new(std::mem::MaybeUninit::<HTTPc_CONN_OBJ>::uninit());
    let p_copy = copy.as_mut_ptr();
    unsafe { std::ptr::copy_nonoverlapping(o.conn.cast_const(), p_copy, 1) };
    let mut err = 0;
    unsafe { HTTPc_ConnClose(p_copy, HTTPc_FLAG_NONE, &mut err) };
    assert_eq!(err, HTTPc_ERR_CONN_IS_RELEASED);
    // Nor can a request or an upgrade start on it (they were accepted, then never served: the
    // request and WebSocket stayed in use for good; a blocking one's timeout closed the
    // original's socket).
    let path = c"/".as_ptr().cast_mut();
    unsafe {
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        HTTPc_ReqSend(
            p_copy,
            o.req,
            o.resp,
            HTTP_METHOD_GET,
            path,
            1,
            NB,
            &mut err,
        );
        // Without plain requests (a WebSocket-only build) the call is refused before it
        // looks at the connection.
        let refused = if cfg!(feature = "http") {
            HTTPc_ERR_CONN_IS_RELEASED
        } else {
            HTTPc_ERR_FEATURE_DIS
        };
        assert_eq!(err, refused);
        HTTPc_WebSockUpgrade(p_copy, o.req, o.resp, o.ws, path, 1, NB, &mut err);
        assert_eq!(err, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
        HTTPc_ReqClr(o.req, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE, "the request is free");
        HTTPc_WebSockClr(o.ws, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE, "the WebSocket is free");
    }
    let _ = o.pump_until(5, 1, || o.ended());
    assert!(!o.ended(), "the original stays open");
    assert_eq!(sock.closes.get(), 0);
    unsafe { HTTPc_ConnClr(p_copy, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    // The original, still open, cannot be cleared; it closes as usual.
    unsafe { HTTPc_ConnClr(o.conn, &mut err) };
    assert_eq!(err, HTTPc_ERR_CONN_IS_USED);
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    assert!(o.pump_until(10, 1, || o.ended()));
    assert_eq!(sock.closes.get(), 1);
    drop(o);
    check_port().unwrap();
}

/// A host name or a path inside the connection buffer would be overwritten by the request
/// written there: refused (`HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID`,
/// `HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID`).
#[test]
fn a_host_or_path_inside_the_connection_buffer_is_refused() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"inbuf.test");
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        std::ptr::copy_nonoverlapping(c"inbuf.test".as_ptr().cast(), o.buf, 11);
        HTTPc_ConnOpen(
            o.conn,
            o.buf.cast(),
            o.buf_len,
            o.buf.cast(),
            10,
            HTTPc_FLAG_CONN_NO_BLOCK,
            &mut err,
        );
    }
    assert_eq!(err, HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID);
    let _sock = world(|w| w.expect_connect("inbuf.test", ConnectMode::Ok));
    unsafe { o.connect_nb() };
    unsafe {
        std::ptr::copy_nonoverlapping(b"/chat".as_ptr(), o.buf.add(100), 5);
        HTTPc_WebSockUpgrade(
            o.conn,
            o.req,
            o.resp,
            o.ws,
            o.buf.add(100).cast(),
            5,
            NB,
            &mut err,
        );
    }
    assert_eq!(err, HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID);
    // The upgrade's GET was set before its path check, as legacy's `HTTPc_ReqSend` set it.
    assert_eq!(unsafe { (*o.req).Method_reserved }, HTTP_METHOD_GET);
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    drop(o);
    check_port().unwrap();
}

/// Objects that share bytes with each other or with the connection buffer (the library keeps
/// its state in each and writes the buffer: a response object over the connection's state
/// turned a cursor into a wild pointer) are refused with `HTTPc_ERR_PARAM_INVALID` before
/// anything is marked in use.
#[test]
fn objects_that_overlap_each_other_or_the_buffer_are_refused() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"ovl.test");
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        HTTPc_ConnOpen(
            o.conn,
            o.conn.cast(),
            o.buf_len,
            c"ovl.test".as_ptr().cast_mut(),
            8,
            HTTPc_FLAG_CONN_NO_BLOCK,
            &mut err,
        );
    }
    assert_eq!(
        err, HTTPc_ERR_PARAM_INVALID,
        "a buffer over the connection object"
    );
    let _sock = world(|w| w.expect_connect("ovl.test", ConnectMode::Ok));
    unsafe { o.connect_nb() };
    let overlapping: [*mut HTTPc_RESP_OBJ; 5] = unsafe {
        [
            o.conn.cast(),
            o.conn.cast::<u8>().add(40).cast(),
            o.req.cast(),
            o.ws.cast::<u8>().add(80).cast(),
            o.buf.add(64 + o.buf.align_offset(8)).cast(),
        ]
    };
    for resp in overlapping {
        unsafe {
            HTTPc_WebSockUpgrade(
                o.conn,
                o.req,
                resp,
                o.ws,
                b"/chat".as_ptr().cast_mut().cast(),
                5,
                NB,
                &mut err,
            );
        }
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID, "response at {resp:p}");
    }
    // A (cleared) request object inside the buffer, too.
    let in_buf: *mut HTTPc_REQ_OBJ = unsafe { o.buf.add(128 + o.buf.align_offset(8)).cast() };
    unsafe {
        HTTPc_ReqClr(in_buf, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_WebSockUpgrade(
            o.conn,
            in_buf,
            o.resp,
            o.ws,
            b"/chat".as_ptr().cast_mut().cast(),
            5,
            NB,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_PARAM_INVALID, "a request in the buffer");
        // Nothing was marked in use: both objects clear, and the connection closes cleanly.
        HTTPc_ReqClr(o.req, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_WebSockClr(o.ws, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err);
    }
    assert!(o.pump_until(10, 0, || o.ended()));
    drop(o);

    // A message object inside the open WebSocket's connection buffer.
    let o = Objs::new(1, 256, 0, b"ovl2.test");
    let _sock = open_ws(&o, "ovl2.test", b"", 0);
    let in_buf: *mut HTTPc_WEBSOCK_MSG_OBJ =
        unsafe { o.buf.add(64 + o.buf.align_offset(8)).cast() };
    unsafe {
        HTTPc_WebSockMsgClr(in_buf, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_WebSockSend(
            o.conn,
            in_buf,
            HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
            b"x".as_ptr().cast_mut().cast(),
            1,
            HTTPc_FLAG_NONE,
            &mut err,
        );
    }
    assert_eq!(err, HTTPc_ERR_PARAM_INVALID, "a message in the buffer");
    // A payload inside the message object (or another of the call's objects): read while
    // the library writes its state there.
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        for payload in [o.msgs[0].cast::<CPU_CHAR>(), o.ws.cast(), o.conn.cast()] {
            HTTPc_WebSockSend(
                o.conn,
                o.msgs[0],
                HTTPc_WEBSOCK_MSG_TYPE_PING,
                payload,
                8,
                NB,
                &mut err,
            );
            assert_eq!(err, HTTPc_ERR_PARAM_INVALID, "a payload over an object");
        }
        // An empty one is over nothing, wherever it points (here: inside an object).
        HTTPc_WebSockSend(
            o.conn,
            o.msgs[0],
            HTTPc_WEBSOCK_MSG_TYPE_PING,
            o.ws.cast::<CPU_CHAR>().add(8),
            0,
            NB,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE, "an empty payload");
    }
    close_and_check(o);
}

/// The same burst to an application that pauses (its `OnMsgRxData` takes nothing once, then
/// everything): the message and the server's Close still come, once it takes them. One that
/// never takes them is ended by the close timeout, from the server's close.
#[test]
fn a_pause_at_the_end_of_the_stream_loses_nothing() {
    let _g = setup();
    let mut server = frame(true, 1, b"last words");
    server.extend_from_slice(&close_frame(1001, b"bye"));
    for (plan, ends_clean) in [(vec![0, u32::MAX], true), (vec![0], false)] {
        world(|w| *w.rx_mode.borrow_mut() = RxMode::Stream(plan.clone()));
        let o = Objs::new(0, 256, 0, b"pause.test");
        let sock = open_ws(&o, "pause.test", &server, 0);
        sock.push(Gate::Now, Item::Eof);
        let start = world(|w| w.now.get());
        // Waiting on the application is a timed retry, not a pass at once.
        let sleep = unsafe { HTTPc_TaskHandler() };
        assert!(o.ended() || (1..=100).contains(&sleep), "{sleep}");
        assert!(o.pump_until(2000, 10, || o.ended()), "{plan:?}");
        let waited = world(|w| w.now.get()).wrapping_sub(start);
        let s = summary(&o, true);
        if ends_clean {
            assert_eq!(
                s.messages,
                vec![(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, b"last words".to_vec())]
            );
            assert_eq!(s.ws_close, Some((1001, b"bye".to_vec())));
            assert!(s.errs.is_empty(), "{:?}", s.errs);
            assert!(waited < 100, "{waited} ms");
        } else {
            assert!(s.messages.is_empty());
            assert_eq!(s.ws_close.map(|c| c.0), Some(1006));
            assert_eq!(s.errs, vec![HTTPc_ERR_CONN_SOCK_CLOSED]);
            // The default close timeout (5 s), not sooner, not much later.
            assert!((5000..5200).contains(&waited), "{waited} ms");
        }
    }
}

// ----- Rows of docs/MIGRATION.md pinned through the C API -----

/// MIGRATION: a 64-bit length with the top bit set is a protocol error, 1002,
/// `HTTPc_ERR_WEBSOCK_INVALID_RX_LEN`.
#[test]
fn a_64_bit_length_with_the_top_bit_set_is_1002() {
    let _g = setup();
    let o = Objs::new(1, 256, 0, b"len63.test");
    let srv = [0x82u8, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1];
    let sock = open_ws(&o, "len63.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_INVALID_RX_LEN]);
    assert_eq!(s.ws_close, Some((1002, Vec::new())));
    let frames = client_frames(&sock);
    assert_eq!(
        frames.last().map(|f| f.payload.clone()),
        Some(1002u16.to_be_bytes().to_vec())
    );
    drop(o);
    check_port().unwrap();
}

/// MIGRATION: a 101 without `Connection: upgrade` (or `Upgrade: websocket, h2c`) fails the
/// upgrade: DEF_FAIL with `…_CONN_INVALID` / `…_UPGRADE_INVALID`, connection closed.
#[test]
fn a_101_without_connection_upgrade_fails_the_upgrade() {
    let _g = setup();
    for (host, resp, want) in [
        (
            "noconn.test",
            [&b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "[..], &accept(), b"\r\n\r\n"].concat(),
            HTTPc_ERR_RESP_WEBSOCK_CONN_INVALID,
        ),
        (
            "h2c.test",
            [&b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket, h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "[..], &accept(), b"\r\n\r\n"].concat(),
            HTTPc_ERR_RESP_WEBSOCK_UPGRADE_INVALID,
        ),
    ] {
        let o = Objs::new(0, 256, 0, host.as_bytes());
        let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
        sock.push(Gate::Request, Item::Bytes(resp));
        let mut err = 0;
        unsafe {
            o.connect_nb();
            assert_eq!(o.upgrade(0, &mut err), DEF_FAIL);
        }
        assert_eq!(err, want, "{host}");
        let s = summary(&o, true);
        assert_eq!(s.conn_close, Some((HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL, want)));
        drop(o);
        check_port().unwrap();
    }
}

/// A fragmented message under way when the server's Close comes: its next fragment, the hook's
/// bytes already given, may no longer go (our Close reply went first); the message fails at
/// once, in the turn (not later with the connection), and no frame of it follows the Close.
#[test]
fn a_fragment_after_the_servers_close_fails_the_message_at_once() {
    let _g = setup();
    let o = Objs::new(1, 512, 0, b"fragclose.test");
    let sock = open_ws(&o, "fragclose.test", b"", 0);
    let mut err = 0;
    unsafe {
        // 3 bytes, "nothing yet" for a while, then 5 bytes (after the Close), then the end.
        let mut chunks = vec![3];
        chunks.extend([STALL; 8]);
        chunks.extend([5, 0]);
        assert_eq!(
            o.msg_setup(0, Some(src(b"abcdefgh", &chunks, None, 0))),
            HTTPc_ERR_NONE
        );
        let text = HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME;
        assert_eq!(o.send(0, text, None, STALL, NB, &mut err), DEF_OK);
    }
    assert!(o.pump_until(20, 1, || client_frames(&sock).len() == 1));
    sock.push_now(&frame(true, OP_CLOSE, &CLOSE_1000));
    assert!(o.pump_until(200, 1, || !summary(&o, false).completions.is_empty()));
    let msg = o.msgs[0] as usize;
    let (fail_at, close_at) = o.since_open(|log| {
        let at = |f: &dyn Fn(&Ev) -> bool| log.iter().position(f);
        (
            at(&|e| matches!(e, Ev::TxComplete { msg: m, ok: false, .. } if *m == msg)),
            at(&|e| matches!(e, Ev::Close { .. })),
        )
    });
    let fail_at = fail_at.expect("the message failed");
    assert!(
        close_at.is_none_or(|c| fail_at < c),
        "{fail_at} {close_at:?}"
    );
    let shape = frame_shapes(&client_frames(&sock));
    assert_eq!(shape.first(), Some(&(OP_TEXT, false, 3)));
    assert!(
        shape.iter().skip(1).all(|&(op, _, _)| op == OP_CLOSE),
        "{shape:?}"
    );
    let _ = o.pump_until(50, 10, || o.ended());
}

/// A queued Close whose payload the application changed before it left (its buffer stays the
/// application's until completion): the payload is judged again when the frame is made. An
/// invalid one never reaches the wire: the message completes with DEF_FAIL, no Close is sent.
fn changed_close(after: &[u8]) {
    let _g = setup();
    let o = Objs::new(1, 512, 64, b"close-rv.test");
    let sock = open_ws(&o, "close-rv.test", b"", 0);
    unsafe { assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE) };
    // The application's buffer: valid when queued, changed before the engine's next turn.
    let mut buf = CLOSE_1000;
    // (One raw pointer for both the library and the change below.)
    let raw = buf.as_mut_ptr();
    let mut err = 0;
    let ok = unsafe {
        o.send_ptr(
            0,
            HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
            raw.cast(),
            CLOSE_1000.len() as u32,
            NB,
            &mut err,
        )
    };
    assert_eq!((ok, err), (DEF_OK, HTTPc_ERR_NONE));
    unsafe { std::ptr::copy_nonoverlapping(after.as_ptr(), raw, after.len()) };
    unsafe { HTTPc_TaskHandler() };
    let frames = sock.client().expect("client stream").1;
    assert!(
        frames.iter().all(|f| f.opcode != OP_CLOSE),
        "an invalid Close payload went out: {frames:?}"
    );
    assert!(has(&o, |e| matches!(e, Ev::TxComplete { ok: false, .. })));
    // The server ends it (every profile: no HTTPc_ConnClose without `persistent`).
    sock.push_now(&close_frame(1000, b""));
    sock.push(Gate::ClientClose, Item::Eof);
    assert!(
        o.pump_until(20, 10, || o.ended()),
        "the connection did not end"
    );
    summary(&o, true);
    drop(sock);
    drop(o);
    check_port().unwrap();
}

#[test]
fn a_close_code_made_invalid_after_queueing_is_not_sent() {
    // Code 0 (not a code that may be sent).
    changed_close(&[0x00, 0x00]);
}

#[test]
fn a_close_reason_made_invalid_utf8_after_queueing_is_not_sent() {
    changed_close(&[0x03, 0xE8, 0xFF]);
}

/// A fragmented message is under way when the server's Close comes: our reply goes out, and
/// the message fails without another `OnMsgTxData` (what the hook would give could never be
/// sent).
#[test]
fn a_fragmented_message_under_way_when_the_server_closes_gets_no_more_data_calls() {
    let _g = setup();
    let o = Objs::new(1, 512, 0, b"frag.test");
    let sock = open_ws(&o, "frag.test", b"", 0);
    // Once the first fragment arrived, the server closes.
    sock.push(Gate::Frames(1), Item::Bytes(close_frame(1000, b"")));
    sock.push(Gate::ClientClose, Item::Eof);
    let mut err = 0;
    unsafe {
        let src = MsgSrc {
            data: vec![b'x'; 64],
            chunks: vec![8, STALL, 8, 8, 8, 8, 8, 0],
            ..Default::default()
        };
        assert_eq!(o.msg_setup(0, Some(src)), HTTPc_ERR_NONE);
        let len = HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;
        let sent = o.send(0, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, None, len, NB, &mut err);
        assert_eq!(sent, DEF_OK);
    }
    assert!(o.pump_until(100, 10, || o.ended()));
    let given: Vec<u32> = o.since_open(|log| {
        log.iter()
            .filter_map(|e| match e {
                Ev::TxData { n, .. } if *n != STALL => Some(*n),
                _ => None,
            })
            .collect()
    });
    let frames = check_client_stream(&sock.tx.borrow()).expect("client stream");
    let ops: Vec<(u8, usize)> = frames.iter().map(|f| (f.opcode, f.payload.len())).collect();
    assert_eq!(ops, [(OP_TEXT, 8), (OP_CLOSE, 2)]);
    assert_eq!(given, [8], "OnMsgTxData after our Close reply");
    let s = summary(&o, true);
    assert_eq!(s.completions.len(), 1);
    assert!(!s.completions[0].1, "the message must fail");
    drop(o);
    check_port().unwrap();
}

/// Empty lines before the 101 (a server's CRLF after an earlier response on the connection) are
/// skipped, as before any status line: the WebSocket opens, in every build (the plain-response
/// parser reads the upgrade's response with plain requests built in, the handshake's own
/// parser without them).
#[test]
fn empty_lines_before_the_101_are_skipped() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"blank101.test");
    let reply = [b"\r\n\r\n".as_slice(), &response_101(b"")].concat();
    // Cut inside the empty lines, so that one arrives alone.
    let (a, b) = reply.split_at(3);
    let items = [Item::Bytes(a.to_vec()), Item::Bytes(b.to_vec())];
    open_ws_answered(&o, "blank101.test", &items, 0);
    assert_eq!(
        unsafe { (*o.resp).StatusCode },
        HTTP_STATUS_SWITCHING_PROTOCOLS
    );
    close_and_check(o);
}
