//! Re-entry matrix: every public `HTTPc_*` call (blocking and non-blocking) from inside every
//! hook the library invokes, in the poll model. Each cell: the call returns at once (no wait
//! on the engine it runs in), then the connection ends, every accepted transaction and message
//! ends exactly once, no hook comes after the connection's OnClose, the port's books balance.
#![allow(non_snake_case, non_upper_case_globals, clippy::missing_safety_doc)]

mod support;

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::ptr::null_mut;
use std::rc::Rc;

use httpc_ws::capi::form::*;
use httpc_ws::capi::http_req::HTTPc_ReqSend;
use support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum T {
    H(Hook),
    QueryTx,
    BodyTx,
    BodyRx,
    /// A port callback (the call is made on the main connection).
    Port(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    ConnOpenSelf,
    ConnOpenOther,
    ConnClose,
    ConnClr,
    ConnSetParam,
    ReqClr,
    ReqSetParam,
    ReqSendSelf,
    ReqSendOther,
    Upgrade,
    UpgradeOther,
    WsClr,
    WsSetParam,
    WsSendNew,
    WsSendMsg0,
    WsMsgClr0,
    WsMsgSetParam0,
    FmtClose,
    TaskHandler,
    Init,
    Reset,
    PortSet,
    FormAdd,
}

const CALLS: &[(Call, bool)] = &[
    (Call::ConnOpenSelf, false),
    (Call::ConnOpenSelf, true),
    (Call::ConnOpenOther, false),
    (Call::ConnOpenOther, true),
    (Call::ConnClose, false),
    (Call::ConnClose, true),
    (Call::ConnClr, false),
    (Call::ConnSetParam, false),
    (Call::ReqClr, false),
    (Call::ReqSetParam, false),
    (Call::ReqSendSelf, false),
    (Call::ReqSendSelf, true),
    (Call::ReqSendOther, false),
    (Call::ReqSendOther, true),
    (Call::Upgrade, false),
    (Call::Upgrade, true),
    (Call::UpgradeOther, false),
    (Call::UpgradeOther, true),
    (Call::WsClr, false),
    (Call::WsSetParam, false),
    (Call::WsSendNew, false),
    (Call::WsSendNew, true),
    (Call::WsSendMsg0, false),
    (Call::WsSendMsg0, true),
    (Call::WsMsgClr0, false),
    (Call::WsMsgSetParam0, false),
    (Call::FmtClose, false),
    (Call::TaskHandler, false),
    (Call::Init, false),
    (Call::Reset, false),
    (Call::PortSet, false),
    (Call::FormAdd, false),
];

/// The objects the calls use (raw pointers: the hooks reach them).
#[derive(Clone, Copy)]
struct Ptrs {
    conn: *mut HTTPc_CONN_OBJ,
    req: *mut HTTPc_REQ_OBJ,
    resp: *mut HTTPc_RESP_OBJ,
    ws: *mut HTTPc_WEBSOCK_OBJ,
    msg0: *mut HTTPc_WEBSOCK_MSG_OBJ,
    msg1: *mut HTTPc_WEBSOCK_MSG_OBJ,
    buf: *mut u8,
    buf_len: u16,
    host: *const u8,
    host_len: u16,
    conn2: *mut HTTPc_CONN_OBJ,
    buf2: *mut u8,
    buf2_len: u16,
    host2: *const u8,
    host2_len: u16,
    req2: *mut HTTPc_REQ_OBJ,
    resp2: *mut HTTPc_RESP_OBJ,
    ws2: *mut HTTPc_WEBSOCK_OBJ,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TEv {
    Complete(usize, bool),
    Err(usize, HTTPc_ERR),
}

struct Cell0 {
    target: Cell<Option<T>>,
    call: Cell<Call>,
    blocking: Cell<bool>,
    done: Cell<bool>,
    result: Cell<Option<(CPU_BOOLEAN, HTTPc_ERR, u32)>>,
    ptrs: Cell<Option<Ptrs>>,
    tlog: RefCell<Vec<TEv>>,
    /// Transactions accepted (request pointers), by the driver or a reaction.
    accepted: RefCell<Vec<usize>>,
    /// Messages accepted by a reaction's send (pointers).
    reopened_self: Cell<bool>,
    opened_other: Cell<bool>,
    body_tx_left: Cell<u32>,
    /// The driver's own operations are blocking (they run the engine, and so the hooks).
    drv_blocking: Cell<bool>,
    /// The length of the event log when the call returned.
    log_at_call: Cell<usize>,
}

thread_local! {
    static C: Cell0 = const { Cell0 {
        target: Cell::new(None),
        call: Cell::new(Call::TaskHandler),
        blocking: Cell::new(false),
        done: Cell::new(false),
        result: Cell::new(None),
        ptrs: Cell::new(None),
        tlog: RefCell::new(Vec::new()),
        accepted: RefCell::new(Vec::new()),
        reopened_self: Cell::new(false),
        opened_other: Cell::new(false),
        body_tx_left: Cell::new(0),
        drv_blocking: Cell::new(false),
        log_at_call: Cell::new(0),
    } };
}

fn cx<R>(f: impl FnOnce(&Cell0) -> R) -> R {
    C.with(f)
}

static HELLO: &[u8] = b"hello";

unsafe fn do_call(p: Ptrs) -> (CPU_BOOLEAN, HTTPc_ERR) {
    let (call, blocking) = cx(|c| (c.call.get(), c.blocking.get()));
    let mut err: HTTPc_ERR = 0xFFFF;
    let mut ok = DEF_OK;
    let cflag = if blocking {
        HTTPc_FLAG_NONE
    } else {
        HTTPc_FLAG_CONN_NO_BLOCK
    };
    let rflag = if blocking {
        HTTPc_FLAG_NONE
    } else {
        HTTPc_FLAG_REQ_NO_BLOCK
    };
    unsafe {
        match call {
            Call::ConnOpenSelf => {
                let before = world(|w| w.log.borrow().len());
                ok = HTTPc_ConnOpen(
                    p.conn,
                    p.buf.cast(),
                    p.buf_len,
                    p.host.cast_mut().cast(),
                    p.host_len,
                    cflag,
                    &mut err,
                );
                if err == HTTPc_ERR_NONE || err == HTTPc_ERR_CONN_SOCK_CONNECT {
                    cx(|c| c.reopened_self.set(true));
                    world(|w| {
                        w.log.borrow_mut().insert(
                            before,
                            Ev::Opened {
                                conn: p.conn as usize,
                            },
                        )
                    });
                }
            }
            Call::ConnOpenOther => {
                let before = world(|w| w.log.borrow().len());
                ok = HTTPc_ConnOpen(
                    p.conn2,
                    p.buf2.cast(),
                    p.buf2_len,
                    p.host2.cast_mut().cast(),
                    p.host2_len,
                    cflag,
                    &mut err,
                );
                if err == HTTPc_ERR_NONE || err == HTTPc_ERR_CONN_SOCK_CONNECT {
                    cx(|c| c.opened_other.set(true));
                    world(|w| {
                        w.log.borrow_mut().insert(
                            before,
                            Ev::Opened {
                                conn: p.conn2 as usize,
                            },
                        )
                    });
                }
            }
            Call::ConnClose => HTTPc_ConnClose(p.conn, cflag, &mut err),
            Call::ConnClr => HTTPc_ConnClr(p.conn, &mut err),
            Call::ConnSetParam => {
                let mut v: u16 = 5;
                HTTPc_ConnSetParam(
                    p.conn,
                    HTTPc_PARAM_TYPE_INACTIVITY_TIMEOUT,
                    (&mut v as *mut u16).cast(),
                    &mut err,
                )
            }
            Call::ReqClr => HTTPc_ReqClr(p.req, &mut err),
            Call::ReqSetParam => HTTPc_ReqSetParam(
                p.req,
                HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
                t_complete as *mut c_void,
                &mut err,
            ),
            Call::ReqSendSelf | Call::ReqSendOther => {
                let (r, rs) = if call == Call::ReqSendSelf {
                    (p.req, p.resp)
                } else {
                    (p.req2, p.resp2)
                };
                ok = HTTPc_ReqSend(
                    p.conn,
                    r,
                    rs,
                    HTTP_METHOD_GET,
                    b"/again".as_ptr().cast_mut().cast(),
                    6,
                    rflag,
                    &mut err,
                );
                if err == HTTPc_ERR_NONE {
                    cx(|c| c.accepted.borrow_mut().push(r as usize));
                }
            }
            Call::Upgrade | Call::UpgradeOther => {
                let (r, rs, w) = if call == Call::Upgrade {
                    (p.req, p.resp, p.ws)
                } else {
                    (p.req2, p.resp2, p.ws2)
                };
                ok = HTTPc_WebSockUpgrade(
                    p.conn,
                    r,
                    rs,
                    w,
                    b"/chat".as_ptr().cast_mut().cast(),
                    5,
                    rflag,
                    &mut err,
                );
                if err == HTTPc_ERR_NONE {
                    cx(|c| c.accepted.borrow_mut().push(r as usize));
                }
            }
            Call::WsClr => HTTPc_WebSockClr(p.ws, &mut err),
            Call::WsSetParam => {
                let mut v: u32 = 1000;
                HTTPc_WebSockSetParam(
                    p.ws,
                    HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS,
                    (&mut v as *mut u32).cast(),
                    &mut err,
                )
            }
            Call::WsSendNew | Call::WsSendMsg0 => {
                let m = if call == Call::WsSendNew {
                    p.msg1
                } else {
                    p.msg0
                };
                let before = world(|w| w.log.borrow().len());
                ok = HTTPc_WebSockSend(
                    p.conn,
                    m,
                    HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                    HELLO.as_ptr().cast_mut().cast(),
                    5,
                    rflag,
                    &mut err,
                );
                let queued = if blocking {
                    ok == DEF_OK
                        || err == HTTPc_ERR_CONN_SIGNAL_TIMEOUT
                        || world(|w| {
                            w.log.borrow()[before..].iter().any(
                                |e| matches!(e, Ev::TxComplete { msg, .. } if *msg == m as usize),
                            )
                        })
                } else {
                    ok == DEF_OK
                };
                if queued {
                    world(|w| {
                        w.log.borrow_mut().insert(
                            before,
                            Ev::Queued {
                                conn: p.conn as usize,
                                msg: m as usize,
                            },
                        )
                    });
                }
            }
            Call::WsMsgClr0 => HTTPc_WebSockMsgClr(p.msg0, &mut err),
            Call::WsMsgSetParam0 => HTTPc_WebSockMsgSetParam(
                p.msg0,
                HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE,
                on_tx_complete as *mut c_void,
                &mut err,
            ),
            Call::FmtClose => {
                let mut b = [0u8; 16];
                HTTPc_WebSockFmtCloseMsg(
                    1000,
                    c"x".as_ptr().cast_mut(),
                    b.as_mut_ptr().cast(),
                    16,
                    &mut err,
                );
            }
            Call::TaskHandler => {
                err = HTTPc_TaskHandler();
            }
            Call::Init => {
                let cfg = test_cfg();
                HTTPc_Init(&cfg, std::ptr::null(), null_mut(), &mut err)
            }
            Call::Reset => HTTPc_Reset(&mut err),
            Call::PortSet => {
                let port = test_port();
                HTTPc_PortSet(&port, &mut err)
            }
            Call::FormAdd => {
                let mut tbl: [HTTPc_FORM_TBL_FIELD; 1] = std::mem::zeroed();
                let mut kv = HTTPc_KEY_VAL {
                    KeyPtr: c"k".as_ptr().cast_mut(),
                    KeyLen: 1,
                    ValPtr: c"v".as_ptr().cast_mut(),
                    ValLen: 1,
                };
                HTTPc_FormAddKeyVal(tbl.as_mut_ptr(), &mut kv, &mut err)
            }
        }
    }
    (ok, err)
}

/// A hook ran: the cell's call, once, from the target hook on the main connection.
fn fire(t: T, conn: *mut HTTPc_CONN_OBJ) {
    let Some(p) = cx(|c| c.ptrs.get()) else {
        return;
    };
    if conn != p.conn {
        return;
    }
    let go = cx(|c| c.target.get() == Some(t) && !c.done.get());
    if !go {
        return;
    }
    cx(|c| c.done.set(true));
    let t0 = world(|w| w.now.get());
    let (ok, err) = unsafe { do_call(p) };
    cx(|c| c.log_at_call.set(world(|w| w.events().len())));
    let dt = world(|w| w.now.get()).wrapping_sub(t0);
    cx(|c| c.result.set(Some((ok, err, dt))));
}

unsafe extern "C" fn t_complete(
    c: *mut HTTPc_CONN_OBJ,
    r: *mut HTTPc_REQ_OBJ,
    _resp: *mut HTTPc_RESP_OBJ,
    ok: CPU_BOOLEAN,
) {
    cx(|x| {
        x.tlog
            .borrow_mut()
            .push(TEv::Complete(r as usize, ok == DEF_OK))
    });
    fire(T::H(Hook::TransComplete), c);
}

unsafe extern "C" fn t_err(c: *mut HTTPc_CONN_OBJ, r: *mut HTTPc_REQ_OBJ, err: HTTPc_ERR) {
    cx(|x| x.tlog.borrow_mut().push(TEv::Err(r as usize, err)));
    fire(T::H(Hook::TransErr), c);
}

static mut QKV: HTTPc_KEY_VAL = HTTPc_KEY_VAL {
    KeyPtr: null_mut(),
    KeyLen: 0,
    ValPtr: null_mut(),
    ValLen: 0,
};

unsafe extern "C" fn q_hook(
    c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    p_kvp: *mut *mut HTTPc_KEY_VAL,
) -> CPU_BOOLEAN {
    unsafe {
        QKV = HTTPc_KEY_VAL {
            KeyPtr: c"q".as_ptr().cast_mut(),
            KeyLen: 1,
            ValPtr: c"1".as_ptr().cast_mut(),
            ValLen: 1,
        };
        *p_kvp = &raw mut QKV;
    }
    fire(T::QueryTx, c);
    DEF_YES
}

unsafe extern "C" fn b_tx(
    c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _p_data: *mut *mut c_void,
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_len: *mut CPU_INT16U,
) -> CPU_BOOLEAN {
    fire(T::BodyTx, c);
    let left = cx(|x| x.body_tx_left.get());
    let n = left.min(u32::from(buf_len)).min(2);
    unsafe {
        for i in 0..n as usize {
            *p_buf.cast::<u8>().add(i) = b'x';
        }
        *p_len = n as u16;
    }
    cx(|x| x.body_tx_left.set(left - n));
    if left - n == 0 {
        DEF_YES
    } else {
        DEF_NO
    }
}

unsafe extern "C" fn b_rx(
    c: *mut HTTPc_CONN_OBJ,
    _r: *mut HTTPc_REQ_OBJ,
    _t: HTTP_CONTENT_TYPE,
    _p: *mut c_void,
    len: CPU_INT16U,
    _last: CPU_BOOLEAN,
) -> CPU_INT32U {
    fire(T::BodyRx, c);
    u32::from(len)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scen {
    Ws,
    WsErr,
    Http { persistent: bool },
    HttpErr,
}

const WS_TARGETS: &[Hook] = &[
    Hook::Connect,
    Hook::ReqHdr,
    Hook::RespHdr,
    Hook::TransComplete,
    Hook::Open,
    Hook::RxInit,
    Hook::RxData,
    Hook::RxComplete,
    Hook::Pong,
    Hook::TxInit,
    Hook::TxData,
    Hook::TxComplete,
    Hook::Close,
    Hook::ConnClose,
];

fn req_hooks(req: *mut HTTPc_REQ_OBJ) {
    let mut err = 0;
    unsafe {
        HTTPc_ReqSetParam(
            req,
            HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
            t_complete as *mut c_void,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_ReqSetParam(
            req,
            HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK,
            t_err as *mut c_void,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
    }
}

/// Runs one cell; Err(description) when a rule broke.
fn run_cell(scen: Scen, target: T, call: Call, blocking: bool) -> Result<String, String> {
    world(|w| w.reset());
    cx(|c| {
        c.target.set(Some(target));
        c.call.set(call);
        c.blocking.set(blocking);
        c.done.set(false);
        c.result.set(None);
        c.tlog.borrow_mut().clear();
        c.accepted.borrow_mut().clear();
        c.reopened_self.set(false);
        c.opened_other.set(false);
        c.body_tx_left.set(6);
    });
    CUSTOM_REACT.with(|r| *r.borrow_mut() = Some(std::rc::Rc::new(|h, c| fire(T::H(h), c))));
    PORT_REACT.with(|r| {
        *r.borrow_mut() = Some(std::rc::Rc::new(|name| {
            if let Some(p) = cx(|c| c.ptrs.get()) {
                fire(T::Port(name), p.conn);
            }
        }))
    });
    let host = match scen {
        Scen::Ws | Scen::WsErr => "ws.test",
        _ => "http.test",
    };
    let mut o = Objs::new(2, 512, 0, host.as_bytes());
    let mut o2 = Objs::new(1, 512, 0, b"other.test");
    let sock = world(|w| w.expect_connect(host, ConnectMode::Ok));
    // Spare sockets: a reopen from a hook, the second connection.
    let _spare = world(|w| w.expect_connect(host, ConnectMode::Ok));
    let _other = world(|w| w.expect_connect("other.test", ConnectMode::Ok));
    world(|w| *w.req_hdr.borrow_mut() = Some((HTTP_HDR_FIELD_COOKIE, b"a=b".to_vec())));
    match scen {
        Scen::Ws => {
            let mut b = response_101(b"Server: t\r\n");
            b.extend(frame(true, 1, b"hi"));
            b.extend(frame(true, 9, b"p"));
            b.extend(frame(true, 0xA, b"q"));
            sock.push(Gate::Request, Item::Bytes(b));
            sock.push(Gate::Frames(2), Item::Bytes(close_frame(1000, b"bye")));
            sock.push(Gate::ClientClose, Item::Eof);
        }
        Scen::WsErr => {
            let mut b = response_101(b"");
            b.extend(frame(true, 3, b"bad"));
            sock.push(Gate::Request, Item::Bytes(b));
        }
        Scen::Http { .. } => {
            sock.push(
                Gate::SentMoreThan(0),
                Item::Bytes(
                    b"HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
                ),
            );
        }
        Scen::HttpErr => {
            sock.push(
                Gate::SentMoreThan(0),
                Item::Bytes(b"garbage\r\n\r\n".to_vec()),
            );
        }
    }
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        req_hooks(o.req);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        assert_eq!(
            o.msg_setup(
                0,
                Some(MsgSrc {
                    data: HELLO.to_vec(),
                    init_len: Some(5),
                    send_len: 5,
                    ..Default::default()
                })
            ),
            HTTPc_ERR_NONE
        );
        assert_eq!(o.msg_setup(1, None), HTTPc_ERR_NONE);
        assert_eq!(o2.conn_setup(true), HTTPc_ERR_NONE);
        HTTPc_ReqClr(o2.req, &mut err);
        req_hooks(o2.req);
        HTTPc_WebSockClr(o2.ws, &mut err);
        for (t, f) in [
            (HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, on_open as *mut c_void),
            (HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, on_close as *mut c_void),
        ] {
            HTTPc_WebSockSetParam(o2.ws, t, f, &mut err);
        }
        let mut ms: u32 = 500;
        HTTPc_ConnSetParam(
            o.conn,
            HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS,
            (&mut ms as *mut u32).cast(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
        if let Scen::Http { persistent: true } = scen {
            let mut v: CPU_BOOLEAN = DEF_YES;
            HTTPc_ConnSetParam(
                o.conn,
                HTTPc_PARAM_TYPE_PERSISTENT,
                (&mut v as *mut CPU_BOOLEAN).cast(),
                &mut err,
            );
            assert_eq!(err, HTTPc_ERR_NONE);
        }
        if matches!(scen, Scen::Http { .. } | Scen::HttpErr) {
            let mut e = 0;
            HTTPc_ReqSetParam(
                o.req,
                HTTPc_PARAM_TYPE_REQ_QUERY_STR_HOOK,
                q_hook as *mut c_void,
                &mut e,
            );
            assert_eq!(e, HTTPc_ERR_NONE);
            let mut ct: HTTP_CONTENT_TYPE = HTTP_CONTENT_TYPE_PLAIN;
            HTTPc_ReqSetParam(
                o.req,
                HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE,
                (&mut ct as *mut HTTP_CONTENT_TYPE).cast(),
                &mut e,
            );
            let mut cl: CPU_INT32U = 6;
            HTTPc_ReqSetParam(
                o.req,
                HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN,
                (&mut cl as *mut CPU_INT32U).cast(),
                &mut e,
            );
            HTTPc_ReqSetParam(
                o.req,
                HTTPc_PARAM_TYPE_REQ_BODY_HOOK,
                b_tx as *mut c_void,
                &mut e,
            );
            assert_eq!(e, HTTPc_ERR_NONE);
            HTTPc_ReqSetParam(
                o.req,
                HTTPc_PARAM_TYPE_RESP_BODY_HOOK,
                b_rx as *mut c_void,
                &mut e,
            );
            assert_eq!(e, HTTPc_ERR_NONE);
        }
        let host_c = o.host.clone();
        let host2_c = o2.host.clone();
        cx(|c| {
            c.ptrs.set(Some(Ptrs {
                conn: o.conn,
                req: o.req,
                resp: o.resp,
                ws: o.ws,
                msg0: o.msgs[0],
                msg1: o.msgs[1],
                buf: o.buf,
                buf_len: o.buf_len,
                host: o.host.as_ptr(),
                host_len: (host_c.len() - 1) as u16,
                conn2: o2.conn,
                buf2: o2.buf,
                buf2_len: o2.buf_len,
                host2: o2.host.as_ptr(),
                host2_len: (host2_c.len() - 1) as u16,
                req2: o2.req,
                resp2: o2.resp,
                ws2: o2.ws,
            }))
        });
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let t_connect = world(|w| w.now.get());
    o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Connect { .. })));
    let _ = t_connect;
    // The driver's operation (tolerant: a hook may have done something else already).
    let mut drv_err = 0;
    let drv_b = cx(|c| c.drv_blocking.get());
    let dflag = if drv_b {
        HTTPc_FLAG_NONE
    } else {
        HTTPc_FLAG_WEBSOCK_NO_BLOCK
    };
    let drv_problems: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let timed = |what: &str, t0: u32, ok: CPU_BOOLEAN, e: HTTPc_ERR| {
        let dt = world(|w| w.now.get()).wrapping_sub(t0);
        if drv_b && dt > 3000 {
            drv_problems.borrow_mut().push(format!(
                "driver's blocking {what} took {dt} ms (err {e}, ok {ok})"
            ));
        }
    };
    unsafe {
        match scen {
            Scen::Ws | Scen::WsErr => {
                let t0 = world(|w| w.now.get());
                let ok = o.upgrade(dflag, &mut drv_err);
                timed("upgrade", t0, ok, drv_err);
                let tl = cx(|c| c.tlog.borrow().clone());
                if !drv_b && (ok == DEF_OK || drv_err == HTTPc_ERR_NONE) {
                    cx(|c| c.accepted.borrow_mut().push(o.req as usize));
                }
                if drv_b {
                    // The blocking call's answer against its own transaction's end.
                    let first = tl.iter().find_map(|e| match e {
                        TEv::Complete(r, k) if *r == o.req as usize => Some(*k),
                        _ => None,
                    });
                    if first == Some(true) && drv_err != HTTPc_ERR_NONE
                        || first == Some(false) && drv_err == HTTPc_ERR_NONE
                    {
                        drv_problems.borrow_mut().push(format!("blocking upgrade answered {drv_err}, its OnTransComplete said {first:?}"));
                    }
                }
                o.pump_until(20, 0, || {
                    has(&o, |e| matches!(e, Ev::Open { .. })) || o.ended()
                });
                let before = world(|w| w.log.borrow().len());
                let t0 = world(|w| w.now.get());
                let ok = HTTPc_WebSockSend(
                    o.conn,
                    o.msgs[0],
                    HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                    null_mut(),
                    5,
                    dflag,
                    &mut drv_err,
                );
                timed("send", t0, ok, drv_err);
                let queued = ok == DEF_OK
                    || drv_b
                        && (drv_err == HTTPc_ERR_CONN_SIGNAL_TIMEOUT
                            || world(|w| {
                                w.log.borrow()[before..].iter().any(|e| matches!(e, Ev::TxComplete { msg, .. } if *msg == o.msgs[0] as usize))
                            }));
                if queued {
                    world(|w| {
                        w.log.borrow_mut().insert(
                            before,
                            Ev::Queued {
                                conn: o.id(),
                                msg: o.msgs[0] as usize,
                            },
                        )
                    });
                }
                if drv_b {
                    let comp = world(|w| {
                        w.log.borrow()[before..].iter().find_map(|e| match e {
                            Ev::TxComplete { msg, ok, .. } if *msg == o.msgs[0] as usize => {
                                Some(*ok)
                            }
                            _ => None,
                        })
                    });
                    if comp == Some(true) && ok != DEF_OK || comp == Some(false) && ok == DEF_OK {
                        drv_problems.borrow_mut().push(format!("blocking send answered {ok}/{drv_err}, its OnMsgTxComplete said {comp:?}"));
                    }
                }
            }
            Scen::Http { .. } | Scen::HttpErr => {
                let rf = if drv_b {
                    HTTPc_FLAG_NONE
                } else {
                    HTTPc_FLAG_REQ_NO_BLOCK
                };
                let t0 = world(|w| w.now.get());
                let ok = HTTPc_ReqSend(
                    o.conn,
                    o.req,
                    o.resp,
                    HTTP_METHOD_POST,
                    b"/x".as_ptr().cast_mut().cast(),
                    2,
                    rf,
                    &mut drv_err,
                );
                timed("request", t0, ok, drv_err);
                let tl = cx(|c| c.tlog.borrow().clone());
                if !drv_b && (ok == DEF_OK || drv_err == HTTPc_ERR_NONE) {
                    cx(|c| c.accepted.borrow_mut().push(o.req as usize));
                }
                if drv_b {
                    let first = tl.iter().find_map(|e| match e {
                        TEv::Complete(r, k) if *r == o.req as usize => Some(*k),
                        _ => None,
                    });
                    if first == Some(true) && drv_err != HTTPc_ERR_NONE
                        || first == Some(false) && drv_err == HTTPc_ERR_NONE
                    {
                        drv_problems.borrow_mut().push(format!("blocking request answered {drv_err}, its OnTransComplete said {first:?}"));
                    }
                }
            }
        }
    }
    // Run until both connections end or a long while passed (30 s of fake time).
    let ended_all =
        |o: &Objs, o2: &Objs| o.ended() && (!cx(|c| c.opened_other.get()) || o2.ended());
    let mut rounds = 0;
    while !o.pump_until(600, 50, || ended_all(&o, &o2)) && rounds < 3 {
        // End what is left as an application would (a hook may reopen it once).
        rounds += 1;
        unsafe {
            if !o.ended() {
                HTTPc_ConnClose(o.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
            }
            if cx(|c| c.opened_other.get()) && !o2.ended() {
                HTTPc_ConnClose(o2.conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
            }
        }
    }
    CUSTOM_REACT.with(|r| *r.borrow_mut() = None);
    PORT_REACT.with(|r| *r.borrow_mut() = None);
    cx(|c| c.target.set(None));
    let res = cx(|c| c.result.get());
    let mut problems = drv_problems.into_inner();
    let res_s = match res {
        None => "not reached".to_string(),
        Some((ok, e, dt)) => {
            if dt > 100 {
                problems.push(format!(
                    "the call took {dt} ms of fake time (waited from a hook)"
                ));
            }
            format!("ok={ok} err={e}")
        }
    };
    if !o.ended() {
        problems.push("main connection did not end".into());
    }
    if cx(|c| c.opened_other.get()) && !o2.ended() {
        problems.push("second connection did not end".into());
    }
    let log = world(|w| w.events());
    // The epochs of the main connection (a reopen from a hook starts a second one).
    let markers: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Ev::Opened { conn } if *conn == o.id()))
        .map(|(i, _)| i)
        .collect();
    for (k, &m) in markers.iter().enumerate() {
        let end = markers.get(k + 1).copied().unwrap_or(log.len());
        let _ = m;
        if let Err(e) = check_conn(&log[..end], o.id(), true) {
            problems.push(format!("epoch {k}: {e}"));
        }
    }
    // A close asked for from a hook: no message or body hook of the connection after it
    // (MIGRATION.md), until a reopen from a hook starts another epoch.
    let closed = cx(|c| c.call.get() == Call::ConnClose && c.done.get());
    if closed && matches!(res, Some((_, HTTPc_ERR_NONE, _))) {
        let from = cx(|c| c.log_at_call.get()).min(log.len());
        let after = log[from..]
            .iter()
            .take_while(|e| !matches!(e, Ev::Opened { .. }))
            .filter(|e| e.conn() == o.id())
            .find(|e| {
                matches!(
                    e,
                    Ev::RxInit { .. } | Ev::RxData { .. } | Ev::TxInit { .. } | Ev::TxData { .. }
                )
            });
        if let Some(e) = after {
            problems.push(format!("{e:?} after HTTPc_ConnClose from a hook"));
        }
    }
    if cx(|c| c.opened_other.get()) {
        if let Err(e) = check_conn(&log, o2.id(), true) {
            problems.push(format!("other: {e}"));
        }
    }
    // Transactions: each accepted one ends with exactly one OnTransComplete, OnErr at most once.
    let tlog = cx(|c| c.tlog.borrow().clone());
    let accepted = cx(|c| c.accepted.borrow().clone());
    let mut by_req: std::collections::BTreeMap<usize, (u32, u32)> = Default::default();
    for &r in &accepted {
        by_req.entry(r).or_default();
    }
    let mut accepted_n: std::collections::BTreeMap<usize, u32> = Default::default();
    for &r in &accepted {
        *accepted_n.entry(r).or_default() += 1;
    }
    for e in &tlog {
        match e {
            TEv::Complete(r, _) => by_req.entry(*r).or_default().0 += 1,
            TEv::Err(r, _) => by_req.entry(*r).or_default().1 += 1,
        }
    }
    for (r, (comp, errs)) in &by_req {
        let n = accepted_n.get(r).copied().unwrap_or(0);
        if drv_b && *r == o.req as usize && n == 0 {
            // The driver's blocking transaction: its hooks are optional (legacy: OnErr on a
            // failure, both when its connection closed under it), but never twice.
            if *comp > 1 || *errs > 1 {
                problems.push(format!(
                    "blocking request {r:#x}: OnTransComplete {comp}, OnErr {errs}"
                ));
            }
            continue;
        }
        if *comp != n {
            problems.push(format!(
                "request {r:#x}: accepted {n}, OnTransComplete {comp}"
            ));
        }
        if *errs > n {
            problems.push(format!("request {r:#x}: accepted {n}, OnErr {errs}"));
        }
    }
    let released = o.release() && o2.release();
    if !released {
        problems.push("objects not released".into());
    }
    if let Err(e) = check_port() {
        problems.push(format!("port: {e}"));
    }
    let _ = sock;
    drop(o);
    drop(o2);
    if problems.is_empty() {
        Ok(res_s)
    } else {
        Err(format!(
            "{res_s}: {}\n   tlog {tlog:?}\n   log {:?}",
            problems.join("; "),
            log
        ))
    }
}

fn matrix(scen: Scen, targets: &[T]) -> (usize, Vec<String>, Vec<String>) {
    let drv_b = std::env::var("REENTRY_DRV_BLOCKING").is_ok();
    cx(|c| c.drv_blocking.set(drv_b));
    let mut n = 0;
    let mut bad = Vec::new();
    let mut table = Vec::new();
    for &t in targets {
        for &(call, blocking) in CALLS {
            n += 1;
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_cell(scen, t, call, blocking)
            }));
            let line = match r {
                Ok(Ok(s)) => format!(
                    "{scen:?} {t:?} {call:?} {}: {s}",
                    if blocking { "B" } else { "NB" }
                ),
                Ok(Err(e)) => {
                    let l = format!(
                        "FAIL {scen:?} {t:?} {call:?} {}: {e}",
                        if blocking { "B" } else { "NB" }
                    );
                    bad.push(l.clone());
                    l
                }
                Err(_) => {
                    let l = format!(
                        "PANIC {scen:?} {t:?} {call:?} {}",
                        if blocking { "B" } else { "NB" }
                    );
                    bad.push(l.clone());
                    l
                }
            };
            table.push(line);
        }
    }
    (n, bad, table)
}

fn report(name: &str, (n, bad, table): (usize, Vec<String>, Vec<String>)) {
    let out = std::env::var("REENTRY_OUT").unwrap_or_else(|_| "/tmp/reentry".into());
    std::fs::write(format!("{out}-{name}.txt"), table.join("\n")).ok();
    eprintln!("{name}: {n} cells, {} failing", bad.len());
    for b in &bad {
        eprintln!("{b}");
    }
    assert!(
        bad.is_empty(),
        "{name}: {} of {n} cells broke a rule",
        bad.len()
    );
}

#[test]
fn reentry_matrix_websocket() {
    let _g = setup();
    let t: Vec<T> = WS_TARGETS.iter().map(|&h| T::H(h)).collect();
    report("ws", matrix(Scen::Ws, &t));
}

#[test]
fn reentry_matrix_websocket_err() {
    let _g = setup();
    report(
        "wserr",
        matrix(
            Scen::WsErr,
            &[T::H(Hook::Err), T::H(Hook::Close), T::H(Hook::ConnClose)],
        ),
    );
}

/// The hooks a plain request runs, in order.
const HTTP_HOOKS: [T; 8] = [
    T::H(Hook::Connect),
    T::H(Hook::ReqHdr),
    T::QueryTx,
    T::BodyTx,
    T::H(Hook::RespHdr),
    T::BodyRx,
    T::H(Hook::TransComplete),
    T::H(Hook::ConnClose),
];

#[test]
fn reentry_matrix_http() {
    let _g = setup();
    report(
        "http-np",
        matrix(Scen::Http { persistent: false }, &HTTP_HOOKS),
    );
}

#[test]
fn reentry_matrix_http_persistent() {
    let _g = setup();
    report(
        "http-p",
        matrix(Scen::Http { persistent: true }, &HTTP_HOOKS),
    );
}

#[test]
fn reentry_matrix_http_err() {
    let _g = setup();
    report(
        "httperr",
        matrix(
            Scen::HttpErr,
            &[
                T::H(Hook::TransErr),
                T::H(Hook::TransComplete),
                T::H(Hook::ConnClose),
            ],
        ),
    );
}

#[test]
fn reentry_matrix_port_callbacks() {
    let _g = setup();
    let t = [
        T::Port("port_connect"),
        T::Port("port_send"),
        T::Port("port_recv"),
        T::Port("port_close"),
    ];
    report("port-ws", matrix(Scen::Ws, &t));
    report("port-http", matrix(Scen::Http { persistent: true }, &t));
}

/// A port callback that calls the API (as an application's TLS trust callback, which the port
/// calls inside `Connect`/`ConnectPoll`, may): `HTTPc_ConnClose` from inside `Send`, `Recv`,
/// `Connect`. Native runs pass; under Miri (`cargo +nightly miri test --test capi_reentry
/// port_reenters`) each is Undefined Behavior: the engine holds a `&mut` to the connection's
/// state across the port call, and the API call makes a second one.
fn port_cell(name: &'static str, scen: Scen) {
    let _g = setup();
    let r = run_cell(scen, T::Port(name), Call::ConnClose, false);
    assert!(r.is_ok(), "{r:?}");
}

#[test]
fn port_reenters_from_send() {
    port_cell("port_send", Scen::Ws);
}

#[test]
fn port_reenters_from_recv() {
    port_cell("port_recv", Scen::Http { persistent: true });
}

#[test]
fn port_reenters_from_connect() {
    port_cell("port_connect", Scen::Ws);
}

/// The control: the same call from a hook is clean under Miri.
#[test]
fn hook_reenters_from_rx_data() {
    let _g = setup();
    let r = run_cell(Scen::Ws, T::H(Hook::RxData), Call::ConnClose, false);
    assert!(r.is_ok(), "{r:?}");
}

fn conn_events(o: &Objs) -> Vec<Ev> {
    let id = o.id();
    world(|w| w.events())
        .into_iter()
        .filter(|e| e.conn() == id)
        .collect()
}

/// The application closes the connection from inside `Connect` (a trust callback that rejects
/// the certificate and closes), and the connect fails. The close must be carried out (or
/// dropped), not left pending on the idle connection: the next open of the object must connect
/// and serve a request as any other, without an `OnClose(APP)` nobody asked for.
#[test]
fn a_close_asked_during_a_failing_connect_does_not_outlive_it() {
    let _g = setup();
    let o = Objs::new(0, 512, 0, b"cfail.test");
    world(|w| w.expect_connect("cfail.test", ConnectMode::Fail));
    let conn = o.conn;
    let armed = Rc::new(Cell::new(true));
    let a = armed.clone();
    PORT_REACT.with(|r| {
        *r.borrow_mut() = Some(Rc::new(move |which| {
            if which == "port_connect" && a.replace(false) {
                let mut e = 0;
                unsafe { HTTPc_ConnClose(conn, HTTPc_FLAG_CONN_NO_BLOCK, &mut e) };
                assert_eq!(e, HTTPc_ERR_NONE, "the close from Connect was refused");
            }
        }))
    });
    let mut err = 0;
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(10, 0, || o.ended()));
    PORT_REACT.with(|r| *r.borrow_mut() = None);
    assert!(!armed.get(), "Connect was not called");
    let first = conn_events(&o);

    // Open the same object again: this connect succeeds.
    let sock = world(|w| w.expect_connect("cfail.test", ConnectMode::Ok));
    unsafe { assert_eq!(o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err), DEF_FAIL) };
    assert_eq!(err, HTTPc_ERR_NONE);
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
    let send = o.req_send(HTTP_METHOD_GET, "/after", HTTPc_FLAG_REQ_NO_BLOCK);
    sock.push(
        Gate::Request,
        Item::Bytes(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()),
    );
    o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::TransComplete { .. })));
    let second: Vec<Ev> =
        o.since_open(|l| l.iter().filter(|e| e.conn() == o.id()).cloned().collect());
    assert!(
        send == (DEF_FAIL, HTTPc_ERR_NONE)
            && second.iter().any(|e| matches!(e, Ev::Connect { ok: true, .. }))
            && second.iter().any(|e| matches!(e, Ev::TransComplete { ok: true, .. }))
            && !second.iter().any(|e| matches!(
                e,
                Ev::ConnClose { status: HTTPc_CONN_CLOSE_STATUS_APP, .. }
            )),
        "the reopened connection is not usable: send {send:?}\nfirst open: {first:#?}\nsecond open: {second:#?}"
    );
    // The close the call accepted is the library's own rule for a connect the application
    // closed (engine/close.rs `teardown`): `OnConnect(DEF_FAIL)`, then `OnClose(APP)`.
    assert!(
        first.iter().any(|e| matches!(
            e,
            Ev::ConnClose {
                status: HTTPc_CONN_CLOSE_STATUS_APP,
                ..
            }
        )),
        "the accepted close got no OnClose(APP): {first:#?}"
    );
    let mut o = o;
    o.release();
}
