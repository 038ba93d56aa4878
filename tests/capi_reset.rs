//! `HTTPc_Reset` (an httpc-ws extension for test programs): one process runs several cases,
//! each with its own port and configuration. Its own test binary: it re-initialises the
//! library, which the other test binaries initialise once.

mod support;

use std::ptr::null_mut;
use support::*;

/// A second port: the same scripted sockets, but a random source that counts its calls, so the
/// test can tell which port the library uses.
static SECOND_PORT_RANDOM_CALLS: std::sync::atomic::AtomicU32 =
    std::sync::atomic::AtomicU32::new(0);

unsafe extern "C" fn counting_random(
    ctx: *mut std::ffi::c_void,
    p_buf: *mut CPU_INT08U,
    len: CPU_INT32U,
) -> CPU_BOOLEAN {
    SECOND_PORT_RANDOM_CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    unsafe { port_random(ctx, p_buf, len) }
}

/// What a watching port was told, in order: (handle, readiness wanted).
static WATCHED: std::sync::Mutex<Vec<(usize, u8)>> = std::sync::Mutex::new(Vec::new());

unsafe extern "C" fn recording_watch(
    _ctx: *mut std::ffi::c_void,
    handle: *mut std::ffi::c_void,
    want: CPU_INT08U,
) {
    WATCHED.lock().unwrap().push((handle as usize, want));
}

fn last_watched(handle: usize) -> Option<u8> {
    let w = WATCHED.lock().unwrap();
    w.iter()
        .rev()
        .find(|(h, _)| *h == handle)
        .map(|&(_, want)| want)
}

#[test]
fn reset_between_cases_with_different_ports() {
    let _g = setup();
    let mut err = 0;

    // Case 1: an open connection refuses the reset.
    let o = Objs::new(0, 256, 0, b"one.test");
    let _sock = world(|w| w.expect_connect("one.test", ConnectMode::Ok));
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert!(o.pump_until(5, 0, || world(|w| !w.log.borrow().is_empty())));
        HTTPc_Reset(&mut err);
    }
    assert_eq!(err, HTTPc_ERR_CONN_IS_USED);
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(o.pump_until(5, 0, || o.ended()));
    drop(o);
    check_port().unwrap();

    // Between cases: the reset succeeds, the library is back before HTTPc_PortSet.
    unsafe { HTTPc_Reset(&mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
    let cfg = test_cfg();
    unsafe {
        HTTPc_Init(&cfg, null_mut::<HTTP_TASK_CFG>(), null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_INIT_PORT_MISSING);
        let mut conn = Objs::zeroed_obj::<HTTPc_CONN_OBJ>();
        HTTPc_ConnClr(&mut *conn, &mut err);
        assert_eq!(err, HTTPc_ERR_INIT_NOT_COMPLETED);
    }

    // Case 2: another port and configuration (MsgQ_Size 1), used from now on.
    let mut port = test_port();
    port.Random = Some(counting_random);
    let mut cfg2 = test_cfg();
    cfg2.MsgQ_Size = 1;
    unsafe {
        HTTPc_PortSet(&port, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_Init(&cfg2, null_mut::<HTTP_TASK_CFG>(), null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_Init(&cfg2, null_mut::<HTTP_TASK_CFG>(), null_mut(), &mut err);
        assert_eq!(err, HTTPc_ERR_INIT);
    }
    world(|w| w.reset());
    let before = SECOND_PORT_RANDOM_CALLS.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        before >= 1,
        "HTTPc_Init probes the new port's random source"
    );
    let o = Objs::new(0, 256, 0, b"two.test");
    let sock = world(|w| w.expect_connect("two.test", ConnectMode::Ok));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert!(o.pump_until(5, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
        assert_eq!(o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    // The handshake key came from the second port's random source.
    assert!(SECOND_PORT_RANDOM_CALLS.load(std::sync::atomic::Ordering::Relaxed) > before);
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(o.pump_until(5, 0, || o.ended()));
    drop(o);
    check_port().unwrap();
    unsafe { HTTPc_Reset(&mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);

    // Case 3: the poll model with a watching port. Each HTTPc_TaskHandler() pass leaves the
    // port's interests current, so an application that sleeps in the port's Wait after it is
    // woken only by what the engine waits for: write readiness while connecting, then read
    // readiness alone once the WebSocket is open (a stale write interest would wake it at
    // once, again and again).
    let mut port = test_port();
    port.Watch = Some(recording_watch);
    unsafe {
        HTTPc_PortSet(&port, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
        HTTPc_Init(
            &test_cfg(),
            null_mut::<HTTP_TASK_CFG>(),
            null_mut(),
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    world(|w| w.reset());
    let o = Objs::new(0, 256, 0, b"three.test");
    let sock = world(|w| w.expect_connect("three.test", ConnectMode::Later(3)));
    sock.push(Gate::Request, Item::Bytes(response_101(b"")));
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        HTTPc_TaskHandler();
    }
    let handle = sock.id.get();
    assert_eq!(last_watched(handle), Some(HTTPc_PORT_WAIT_WR), "connecting");
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
    unsafe {
        assert_eq!(o.upgrade(HTTPc_FLAG_WEBSOCK_NO_BLOCK, &mut err), DEF_FAIL);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Open { .. }))));
    unsafe { HTTPc_TaskHandler() };
    assert_eq!(
        last_watched(handle),
        Some(HTTPc_PORT_WAIT_RD),
        "open and idle"
    );
    unsafe { HTTPc_ConnClose(o.conn, HTTPc_FLAG_NONE, &mut err) };
    assert!(o.pump_until(5, 0, || o.ended()));
    drop(o);
    check_port().unwrap();
    unsafe { HTTPc_Reset(&mut err) };
    assert_eq!(err, HTTPc_ERR_NONE);
}
