//! Tests of the object states: `*Clr` writes every cleared value over garbage.

use super::*;
use core::ptr::null_mut;
use std::format;

/// Garbage in every reserved word, as in an object that was never zeroed.
const JUNK: usize = usize::from_ne_bytes([0xA5; size_of::<usize>()]);

#[test]
fn clear_writes_every_cleared_value_over_garbage() {
    let mut conn = HTTPc_CONN_OBJ {
        UserDataPtr: null_mut(),
        Reserved: [JUNK; HTTPc_CONN_OBJ_RESERVED_WORDS],
    };
    let mut req = HTTPc_REQ_OBJ {
        UserDataPtr: null_mut(),
        Method_reserved: 0xA5A5_A5A5,
        Reserved: [JUNK; HTTPc_REQ_OBJ_RESERVED_WORDS],
    };
    let mut ws = HTTPc_WEBSOCK_OBJ {
        UserDataPtr: null_mut(),
        Reserved: [JUNK; HTTPc_WEBSOCK_OBJ_RESERVED_WORDS],
    };
    let mut msg = HTTPc_WEBSOCK_MSG_OBJ {
        UserDataPtr: null_mut(),
        Reserved: [JUNK; HTTPc_WEBSOCK_MSG_OBJ_RESERVED_WORDS],
    };
    // SAFETY: this test's own objects, live locals that outlive their handles and are
    // used by nothing else (no other token reaches them).
    let (mut h, co, ro, wo, mo) = unsafe {
        (
            Held::single_threaded(),
            Obj::from_api(&raw mut conn).unwrap(),
            Obj::from_api(&raw mut req).unwrap(),
            Obj::from_api(&raw mut ws).unwrap(),
            Obj::from_api(&raw mut msg).unwrap(),
        )
    };
    let c = h.reinit::<_, ConnState>(co, 0).unwrap();
    assert_eq!(c.phase, Phase::Idle);
    assert_eq!(c.flags, Flags8::NONE);
    assert!(c.open_done());
    assert_eq!(c.close_req_status.get(), HTTPc_CONN_CLOSE_STATUS_APP);
    assert_eq!(c.close_req_err.get(), HTTPc_ERR_NONE);
    assert_eq!(
        (c.server_port(), c.connect_timeout_ms, c.inactivity_s),
        (80, 2000, 30)
    );
    assert!(c.buf.len() == 0 && c.buf.rx_data().is_empty() && c.buf.tx_is_empty());
    assert_eq!(c.err.get(), HTTPc_ERR_NONE);
    assert_eq!((c.clock_ms, c.body_left), (0, 0));
    assert!(c.handle.is_null() && c.host.is_null() && c.secure_cn.is_null());
    assert!(c.trust.is_none() && c.on_connect.is_none() && c.on_close.is_none());
    assert!(c.next.is_none() && c.req.is_none());
    assert!(c.resp.is_none() && c.ws.is_none());

    let r = h.reinit::<_, ReqState>(ro, 0).unwrap();

    assert!(!r.used && !r.no_block && !r.done);
    assert!(!r.wait.pending() && r.wait.take().is_none());
    assert_eq!((r.hdr_tbl.len(), r.query_tbl.len()), (0, 0));
    assert!(r.on_hdr_tx.is_none() && r.on_hdr_rx.is_none());
    assert!(r.on_complete.is_none() && r.on_err.is_none());
    assert!(!r.form.is_set() && r.form.len() == 0);

    let w = h.reinit::<_, WsState>(wo, 0).unwrap();

    assert_eq!(w.flags, Flags8::NONE);
    assert_eq!(*w.session.config(), Config::DEFAULT);
    assert_eq!(
        format!("{:?}", w.session),
        format!("{:?}", Session::new(Config::DEFAULT))
    );
    assert!(w.on_open.is_none() && w.on_close.is_none() && w.on_err.is_none());
    assert!(w.on_pong.is_none() && w.on_rx_init.is_none());
    assert!(w.on_rx_data.is_none() && w.on_rx_complete.is_none());
    assert!(w.head.is_none());
    assert!(w.finishing.is_none());
    assert_eq!(w.masker, Masker::new([0; 4]));
    assert!(w.rx_buf.is_null());
    assert_eq!(w.err.get(), HTTPc_ERR_NONE);

    let m = h.reinit::<_, MsgState>(mo, 0).unwrap();

    assert!(!m.used && m.progress == TxProgress::Fresh);
    assert_eq!((m.msg_type, m.len, m.sent), (0, 0, 0));
    assert!(!m.wait.pending() && m.wait.take().is_none());
    assert!(m.data.is_null() && m.next.is_none());
    assert!(m.on_tx_init.is_none() && m.on_tx_data.is_none() && m.on_tx_complete.is_none());
}
