//! Large messages through a small connection buffer, with the scripted port (`tests/support`):
//! frames many times the receive region arrive whole in buffer mode, checked as they arrive
//! (UTF-8 split between reads, fragments and the buffer's bounds); and a message leaves in large
//! writes, its frame borrowing the idle receive region, while what the server sends meanwhile
//! is still read and answered without touching the bytes waiting to go; small messages queued
//! together leave in one write, completed in order, and fail each exactly once if it breaks.

mod support;

use support::*;

const NB: HTTPc_FLAGS = HTTPc_FLAG_WEBSOCK_NO_BLOCK;

fn finish(o: &Objs) -> Summary {
    assert!(
        o.pump_until(400, 10, || o.ended()),
        "connection did not end"
    );
    summary(o, true)
}

/// Asserts `got == want` without printing kilobytes: the lengths and the first difference.
fn same(got: &[Vec<u8>], want: &[Vec<u8>]) {
    assert_eq!(got.len(), want.len(), "message count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let diff = g.iter().zip(w.iter()).position(|(a, b)| a != b);
        assert!(
            g.len() == w.len() && diff.is_none(),
            "message {i}: {} bytes, want {}, first difference at {diff:?}",
            g.len(),
            w.len()
        );
    }
}

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Text of `n` bytes mixing 1-, 2-, 3- and 4-byte UTF-8 sequences, so that reads split them.
fn mixed_text(n: usize) -> Vec<u8> {
    let pieces = ["a", "é", "€", "𝄞", "z"];
    let mut v = Vec::new();
    let mut i = 0;
    while v.len() + 4 <= n {
        v.extend_from_slice(pieces[i % pieces.len()].as_bytes());
        i += 1;
    }
    v.resize(n, b'.');
    v
}

#[test]
fn a_large_frame_arrives_whole_through_a_small_receive_region() {
    let _g = setup();
    let payload = pattern(5000, 3);
    let o = Objs::new(0, 1024, payload.len(), b"large.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, payload.len()));
    let srv = [frame(true, OP_BIN, &payload), close_frame(1000, b"")].concat();
    let sock = open_ws(&o, "large.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    same(
        &world(|w| w.rx_snaps.borrow().clone()),
        std::slice::from_ref(&payload),
    );
    drop(o);
    check_port().unwrap();
}

#[test]
fn text_is_checked_as_it_arrives_across_split_reads() {
    let _g = setup();
    let text = mixed_text(6000);
    let o = Objs::new(0, 600, text.len(), b"utf8.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, text.len()));
    let srv = [frame(true, OP_TEXT, &text), close_frame(1000, b"")].concat();
    let sock = world(|w| w.expect_connect("utf8.test", ConnectMode::Ok));
    // Reads of 777 bytes: sequences split between reads.
    sock.rx_policy.borrow_mut().max_chunk = 777;
    let mut bytes = response_101(b"");
    bytes.extend_from_slice(&srv);
    sock.push(Gate::Request, Item::Bytes(bytes));
    sock.push(Gate::ClientClose, Item::Eof);
    unsafe {
        assert_eq!(o.conn_setup(true), HTTPc_ERR_NONE);
        assert_eq!(o.req_setup(), HTTPc_ERR_NONE);
        assert_eq!(o.ws_setup(0), HTTPc_ERR_NONE);
        let mut err = 0;
        o.open(HTTPc_FLAG_CONN_NO_BLOCK, &mut err);
        assert!(o.pump_until(10, 0, || has(&o, |e| matches!(e, Ev::Connect { .. }))));
        o.upgrade(NB, &mut err);
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let s = finish(&o);
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    same(&world(|w| w.rx_snaps.borrow().clone()), &[text]);
    drop(o);
    check_port().unwrap();
}

#[test]
fn invalid_utf8_late_in_a_large_frame_fails_with_1007() {
    let _g = setup();
    let mut text = mixed_text(4000);
    text[3500] = 0xFF;
    let o = Objs::new(0, 1024, text.len(), b"bad-utf8.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, text.len()));
    let srv = frame(true, OP_TEXT, &text);
    let sock = open_ws(&o, "bad-utf8.test", &srv, 0);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert_eq!(s.errs, vec![HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID]);
    assert!(
        world(|w| w.rx_snaps.borrow().is_empty()),
        "no OnMsgRxComplete for a failed message"
    );
    let frames = check_client_stream(&sock.tx.borrow()).unwrap();
    assert_eq!(
        frames
            .last()
            .map(|f| (f.opcode, f.payload.get(..2).map(<[u8]>::to_vec))),
        Some((OP_CLOSE, Some(1007u16.to_be_bytes().to_vec())))
    );
    drop(o);
    check_port().unwrap();
}

#[test]
fn large_fragments_follow_the_buffer_bounds() {
    let _g = setup();
    // With RX_MSG_LEN_MAX: fragments are appended.
    let (a, b) = (pattern(1500, 1), pattern(2500, 2));
    let o = Objs::new(0, 512, 4000, b"frag-max.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, 4000));
    let srv = [
        frame(false, OP_BIN, &a),
        frame(true, OP_CONT, &b),
        close_frame(1000, b""),
    ]
    .concat();
    let sock = open_ws(&o, "frag-max.test", &srv, 4000);
    sock.push(Gate::ClientClose, Item::Eof);
    let s = finish(&o);
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    same(&world(|w| w.rx_snaps.borrow().clone()), &[[a, b].concat()]);
    drop(o);
    check_port().unwrap();

    // Without it, or set to 2^32-1 (the default: no buffer is that large): each fragment at
    // offset 0, bounded by its own length (as legacy).
    for max in [0, u32::MAX] {
        world(|w| w.rx_snaps.borrow_mut().clear());
        let (a, b) = (pattern(1500, 5), pattern(1000, 6));
        let o = Objs::new(0, 512, 1500, b"frag.test");
        world(|w| *w.rx_mode.borrow_mut() = RxMode::Buffer(o.rx_buf, 1500));
        let srv = [
            frame(false, OP_BIN, &a),
            frame(true, OP_CONT, &b),
            close_frame(1000, b""),
        ]
        .concat();
        let sock = open_ws(&o, "frag.test", &srv, max);
        sock.push(Gate::ClientClose, Item::Eof);
        let s = finish(&o);
        assert!(s.errs.is_empty(), "{max}: {:?}", s.errs);
        let want = [&b[..], &a[1000..]].concat();
        same(&world(|w| w.rx_snaps.borrow().clone()), &[want]);
        drop(o);
        check_port().unwrap();
    }
}

#[test]
fn a_large_message_leaves_in_large_writes() {
    let _g = setup();
    let payload = pattern(20_000, 9);
    let o = Objs::new(1, 8192, 0, b"tx.test");
    let sock = open_ws(&o, "tx.test", b"", 0);
    let before = sock.sends.borrow().len();
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        o.send(
            0,
            HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
            Some(&payload),
            payload.len() as u32,
            NB,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    assert!(o.pump_until(50, 0, || has(&o, |e| matches!(e, Ev::TxComplete { .. }))));
    let sends = sock.sends.borrow()[before..].to_vec();
    // 8192 - 512 (the receive reserve) per write instead of the send quarter's 2048.
    // The header: 2 bytes, 2 of length, 4 of mask.
    assert_eq!(sends, vec![7680, 7680, 20_008 - 2 * 7680], "{sends:?}");
    let frames = check_client_stream(&sock.tx.borrow()).unwrap();
    assert_eq!(frames.len(), 1);
    assert!(frames[0].masked && frames[0].payload == payload);
    drop(o);
    check_port().unwrap();
}

#[test]
fn what_arrives_while_a_large_frame_waits_is_read_without_touching_it() {
    let _g = setup();
    let payload = pattern(30_000, 4);
    let o = Objs::new(1, 4096, 0, b"both.test");
    world(|w| *w.rx_mode.borrow_mut() = RxMode::Stream(Vec::new()));
    let sock = open_ws(&o, "both.test", b"", 0);
    // The socket takes at most 700 bytes per send and often would block: the frame waits in
    // the buffer over many passes while the server pings and sends data.
    {
        let mut tx = sock.tx_policy.borrow_mut();
        tx.max_chunk = 700;
        tx.storm_per_mille = 300;
        tx.storm_max = 3;
        tx.seed = 7;
    }
    let before = sock.sends.borrow().len();
    let incoming = pattern(900, 8);
    for k in 0..4u8 {
        sock.push(
            Gate::Frames(0),
            Item::Bytes(frame(true, OP_PING, &[b'p', k])),
        );
        sock.push(Gate::Frames(0), Item::Bytes(frame(true, OP_BIN, &incoming)));
    }
    let mut err = 0;
    unsafe {
        assert_eq!(o.msg_setup(0, None), HTTPc_ERR_NONE);
        o.send(
            0,
            HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
            Some(&payload),
            payload.len() as u32,
            NB,
            &mut err,
        );
        assert_eq!(err, HTTPc_ERR_NONE);
    }
    let done = o.pump_until(2000, 1, || {
        has(&o, |e| matches!(e, Ev::TxComplete { .. })) && summary(&o, false).messages.len() == 4
    });
    assert!(
        done,
        "sent {} bytes, {:?} frames, events {:?}",
        sock.tx.borrow().len(),
        check_client_stream(&sock.tx.borrow()).map(|f| f
            .iter()
            .map(|f| (f.opcode, f.payload.len()))
            .collect::<Vec<_>>()),
        summary(&o, false).errs
    );
    let frames = check_client_stream(&sock.tx.borrow()).unwrap();
    let data: Vec<_> = frames.iter().filter(|f| f.opcode == OP_BIN).collect();
    assert_eq!(data.len(), 1);
    assert!(
        data[0].payload == payload,
        "the pending frame was overwritten"
    );
    let pongs: Vec<_> = frames
        .iter()
        .filter(|f| f.opcode == OP_PONG)
        .map(|f| f.payload.clone())
        .collect();
    // Each ping gets a pong unless a later one superseded it (RFC 6455 §5.5.3): the last
    // ping's is sent.
    assert!(pongs.iter().all(|p| p.len() == 2 && p[0] == b'p'));
    assert_eq!(pongs.last(), Some(&vec![b'p', 3]));
    let s = summary(&o, false);
    assert!(s.errs.is_empty(), "{:?}", s.errs);
    assert_eq!(s.messages.len(), 4);
    assert!(s.messages.iter().all(|(_, m)| *m == incoming));
    // The frame borrowed the receive region (its first piece started below the send
    // quarter), and what arrived meanwhile was read below it.
    let base = o.buf as usize;
    assert!(
        sock.sends_from.borrow()[before..]
            .iter()
            .any(|&p| p >= base + 512 && p < base + 3072),
        "no frame borrowed the receive region"
    );
    assert!(sock
        .recvs
        .borrow()
        .iter()
        .all(|&(p, n)| p + n <= base + 4096));
    drop(o);
    check_port().unwrap();
}

/// Queues `n` binary messages of `len` bytes each (message object `i`, payload byte `i`),
/// non-blocking, before any pump: the engine sees them all at once. Returns the payloads,
/// which the caller keeps until the messages completed (the library reads them until then).
fn queue_small(o: &Objs, n: usize, len: usize) -> Vec<Vec<u8>> {
    assert_eq!(o.msgs.len(), n);
    let payloads: Vec<Vec<u8>> = (0..n).map(|i| vec![i as u8; len]).collect();
    let mut err = 0;
    for (i, payload) in payloads.iter().enumerate() {
        unsafe {
            assert_eq!(o.msg_setup(i, None), HTTPc_ERR_NONE);
            o.send(
                i,
                HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                Some(payload),
                len as u32,
                NB,
                &mut err,
            );
        }
        assert_eq!(err, HTTPc_ERR_NONE, "message {i}");
    }
    payloads
}

/// The completions of `o`'s message objects, by object number.
fn completed(o: &Objs) -> Vec<(usize, bool)> {
    summary(o, false)
        .completions
        .iter()
        .map(|&(m, ok)| {
            let i = o.msgs.iter().position(|&p| p as usize == m);
            (i.expect("one of the test's message objects"), ok)
        })
        .collect()
}

/// Queues `n` messages of `len` bytes on a fresh connection with a 2048-byte buffer, pumps
/// until all completed, checks they completed in order and went out intact; returns the sizes
/// of the writes that carried them.
fn send_batch(n: usize, len: usize) -> Vec<usize> {
    let _g = setup();
    let o = Objs::new(n, 2048, 0, b"batch.test");
    let sock = open_ws(&o, "batch.test", b"", 0);
    let before = sock.sends.borrow().len();
    let payloads = queue_small(&o, n, len);
    assert!(o.pump_until(50, 0, || summary(&o, false).completions.len() == n));
    assert_eq!(completed(&o), (0..n).map(|i| (i, true)).collect::<Vec<_>>());
    let frames = check_client_stream(&sock.tx.borrow()).unwrap();
    let sent: Vec<Vec<u8>> = frames.iter().map(|f| f.payload.clone()).collect();
    same(&sent, &payloads);
    let sends = sock.sends.borrow()[before..].to_vec();
    drop(o);
    check_port().unwrap();
    sends
}

#[test]
fn small_messages_queued_together_leave_in_one_write() {
    // Each frame: 2 bytes of header, 4 of mask, 10 of payload; all five in one write.
    assert_eq!(send_batch(5, 10), [5 * 16]);
}

#[test]
fn a_batch_that_fits_in_part_leaves_in_order_over_several_writes() {
    // The free send region takes 1536 bytes; a 200-byte frame is 208 with its header. After
    // seven, 80 bytes are left: less than a control frame, so the eighth goes in a second write.
    assert_eq!(send_batch(8, 200), [7 * 208, 208]);
}

#[test]
fn a_connection_lost_during_a_batched_write_fails_each_message_once() {
    let _g = setup();
    let o = Objs::new(3, 2048, 0, b"batch.test");
    let sock = open_ws(&o, "batch.test", b"", 0);
    // The write of all three frames moves 20 bytes, then the socket fails.
    sock.tx_policy.borrow_mut().steps = [Step::Take(20), Step::Err].into();
    let payloads = queue_small(&o, 3, 10);
    let s = finish(&o);
    drop(payloads);
    assert_eq!(completed(&o), vec![(0, false), (1, false), (2, false)]);
    assert_eq!(
        s.conn_close,
        Some((HTTPc_CONN_CLOSE_STATUS_NONE, HTTPc_ERR_CONN_SOCK_TX_FATAL))
    );
    drop(o);
    check_port().unwrap();
}
