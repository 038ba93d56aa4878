//! Session tests, grouped by state. Server frames are built by hand (unmasked); client frames
//! are decoded with a server-side decoder and unmasked.
use super::*;
use crate::proto::close::CloseError;
use crate::proto::frame::{FrameError, FrameHeader, MAX_HEADER_LEN};
use crate::proto::handshake::{Key, RequestWriter};
use crate::proto::mask::Masker;
use proptest::prelude::*;
use std::vec;
use std::vec::Vec;

const NONCE: [u8; 16] = *b"the sample nonce";

/// An owned copy of an event, so a test can collect a whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Start(MessageKind, Option<u32>),
    Data(Vec<u8>),
    End,
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(u16, Vec<u8>),
    Failed(ProtocolError),
}

fn server_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let h = FrameHeader {
        fin,
        rsv: 0,
        opcode: Opcode::from_u8(opcode),
        mask: None,
        len: payload.len() as u64,
    };
    let mut out = [0u8; MAX_HEADER_LEN];
    let n = h.encode(&mut out).unwrap();
    let mut v = out[..n].to_vec();
    v.extend_from_slice(payload);
    v
}

fn response_for(key: &Key) -> Vec<u8> {
    let mut r = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ".to_vec();
    r.extend_from_slice(&key.expected_accept());
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn open_session(cfg: Config) -> Session {
    let mut s = Session::new(cfg);
    let key = Key::from_random(NONCE);
    s.begin_handshake(key.accept_digest(), OfferedProtocols::new())
        .unwrap();
    let resp = response_for(&key);
    let mut rest: &[u8] = &resp;
    loop {
        let (n, ev) = s.read_handshake(rest, 0).unwrap();
        rest = &rest[n..];
        if let Some(ParseEvent::Done { code }) = ev {
            assert_eq!(code, 101);
            break;
        }
    }
    assert!(rest.is_empty());
    assert_eq!(s.state(), State::Open);
    s
}

/// Feeds `input` in pieces of `chunk` bytes, keeping unconsumed bytes like a real receive
/// buffer, and takes at most `take` payload bytes per Data event.
fn run(s: &mut Session, input: &[u8], chunk: usize, take: usize) -> Vec<Ev> {
    let mut events = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0;
    loop {
        if fed < input.len() {
            let end = (fed + chunk).min(input.len());
            buf.extend_from_slice(&input[fed..end]);
            fed = end;
        }
        loop {
            let (n, ev) = s.read(&buf, 0);
            let (owned, data_taken) = match ev {
                RxEvent::None => (None, 0),
                RxEvent::MessageStart { kind, len } => (Some(Ev::Start(kind, len)), 0),
                RxEvent::Data { bytes, .. } => {
                    let t = take.min(bytes.len());
                    (Some(Ev::Data(bytes[..t].to_vec())), t)
                }
                RxEvent::MessageEnd => (Some(Ev::End), 0),
                RxEvent::Ping(p) => (Some(Ev::Ping(p.to_vec())), 0),
                RxEvent::Pong(p) => (Some(Ev::Pong(p.to_vec())), 0),
                RxEvent::Close { code, reason } => (Some(Ev::Close(code, reason.to_vec())), 0),
                RxEvent::Failed(e) => (Some(Ev::Failed(e)), 0),
            };
            if data_taken > 0 {
                s.consume_data(data_taken);
            }
            buf.drain(..n + data_taken);
            match owned {
                Some(e) => events.push(e),
                None if n > 0 => {}
                None => break,
            }
        }
        if fed >= input.len() {
            // One more pass in case the last bytes completed something without new input.
            let (_, ev) = s.read(&buf, 0);
            assert_eq!(ev, RxEvent::None);
            break;
        }
    }
    merge_data(events)
}

/// Joins adjacent Data events, so runs with different chunkings compare equal.
fn merge_data(events: Vec<Ev>) -> Vec<Ev> {
    let mut out: Vec<Ev> = Vec::new();
    for e in events {
        if let (Some(Ev::Data(prev)), Ev::Data(more)) = (out.last_mut(), &e) {
            prev.extend_from_slice(more);
            continue;
        }
        out.push(e);
    }
    out
}

/// Decodes the client frames in `wire` (masked), returning (header, unmasked payload).
fn decode_client(wire: &[u8]) -> Vec<(FrameHeader, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = wire;
    while !rest.is_empty() {
        let (n, h) = HeaderDecoder::accepting_masked().feed(rest).unwrap();
        let h = h.expect("complete header");
        rest = &rest[n..];
        let len = h.len as usize;
        let mut payload = rest[..len].to_vec();
        apply_mask(h.mask.expect("client frames are masked"), 0, &mut payload);
        rest = &rest[len..];
        out.push((h, payload));
    }
    out
}

/// What a caller keeps for `poll_control`: the payload of the last Ping or Close in `events`.
fn kept(events: &[Ev]) -> Vec<u8> {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            Ev::Ping(p) => Some(p.clone()),
            Ev::Close(1005, _) => Some(Vec::new()),
            Ev::Close(code, reason) => Some([&code.to_be_bytes()[..], reason].concat()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The automatic control frames now owed, `received` being what the caller kept.
fn control_frames(s: &mut Session, now: u32, received: &[u8]) -> Vec<(FrameHeader, Vec<u8>)> {
    let mut wire = Vec::new();
    let mut out = [0u8; MAX_CONTROL_FRAME];
    while let Some(n) = s.poll_control([1, 2, 3, 4], now, received, &mut out) {
        wire.extend_from_slice(&out[..n]);
    }
    decode_client(&wire)
}

fn failed_with(s: &mut Session, input: &[u8], error: ProtocolError, code: u16) {
    let events = run(s, input, input.len().max(1), usize::MAX);
    assert_eq!(events.last(), Some(&Ev::Failed(error)), "{events:?}");
    assert_eq!(error.close_code(), code);
    let frames = control_frames(s, 0, &kept(&events));
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].0.opcode, Opcode::Close);
    assert_eq!(frames[0].1, code.to_be_bytes().to_vec());
    assert_eq!(s.failure(), Some(error));
    // Anything after the failure is ignored.
    let late = server_frame(true, 1, b"late");
    let (n, ev) = s.read(&late, 0);
    assert_eq!((n, ev), (6, RxEvent::None));
}

// ===== Idle and Handshaking =====

#[test]
fn handshake_with_rfc_key_opens() {
    let s = open_session(Config::DEFAULT);
    assert_eq!(s.state(), State::Open);
}

#[test]
fn second_handshake_is_refused() {
    let mut s = open_session(Config::DEFAULT);
    let key = Key::from_random(NONCE);
    assert_eq!(
        s.begin_handshake(key.accept_digest(), OfferedProtocols::new()),
        Err(SendError::AlreadyStarted)
    );
}

#[test]
fn nothing_can_be_sent_before_open() {
    let mut s = Session::new(Config::DEFAULT);
    let mut out = [0u8; MAX_CONTROL_FRAME];
    assert_eq!(
        s.encode_frame(Opcode::Text, true, 1, [0; 4], &mut out),
        Err(SendError::NotOpen)
    );
    assert_eq!(
        s.encode_control(Opcode::Ping, b"", [0; 4], 0, &mut out),
        Err(SendError::NotOpen)
    );
    // And received bytes are ignored.
    assert_eq!(s.read(b"\x81\x01a", 0), (3, RxEvent::None));
}

#[test]
fn frames_in_the_same_read_as_the_response_are_kept() {
    let mut s = Session::new(Config::DEFAULT);
    let key = Key::from_random(NONCE);
    s.begin_handshake(key.accept_digest(), OfferedProtocols::new())
        .unwrap();
    let mut input = response_for(&key);
    let head_len = input.len();
    input.extend_from_slice(&server_frame(true, 1, b"hi"));
    let mut pos = 0;
    loop {
        let (n, ev) = s.read_handshake(&input[pos..], 0).unwrap();
        pos += n;
        if matches!(ev, Some(ParseEvent::Done { .. })) {
            break;
        }
    }
    assert_eq!(pos, head_len);
    let events = run(&mut s, &input[pos..], 64, usize::MAX);
    assert_eq!(
        events,
        vec![
            Ev::Start(MessageKind::Text, Some(2)),
            Ev::Data(b"hi".to_vec()),
            Ev::End
        ]
    );
}

#[test]
fn refused_or_broken_handshake_closes() {
    let mut s = Session::new(Config::DEFAULT);
    let key = Key::from_random(NONCE);
    s.begin_handshake(key.accept_digest(), OfferedProtocols::new())
        .unwrap();
    let resp = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
    let mut rest: &[u8] = resp;
    loop {
        let (n, ev) = s.read_handshake(rest, 0).unwrap();
        rest = &rest[n..];
        if let Some(ParseEvent::Done { code }) = ev {
            assert_eq!(code, 403);
            break;
        }
    }
    assert_eq!(s.state(), State::Closed);

    let mut s = Session::new(Config::DEFAULT);
    s.begin_handshake(key.accept_digest(), OfferedProtocols::new())
        .unwrap();
    let bad = b"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n";
    let mut rest: &[u8] = bad;
    let err = loop {
        match s.read_handshake(rest, 0) {
            Ok((n, _)) => rest = &rest[n..],
            Err(e) => break e,
        }
    };
    assert_eq!(err, HandshakeError::AcceptMismatch);
    assert_eq!(s.state(), State::Closed);
}

#[test]
fn request_and_session_agree_on_the_key() {
    let key = Key::from_random(NONCE);
    assert_eq!(key.as_bytes(), b"dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(&key.expected_accept(), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    let mut buf = [0u8; 256];
    let mut w = RequestWriter::new(&mut buf);
    w.start(b"example.com", 80, false, b"/chat", b"", &key)
        .unwrap();
    let n = w.finish().unwrap();
    let text = core::str::from_utf8(&buf[..n]).unwrap();
    assert!(text.contains("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"));
}

// ===== Open: receiving =====

#[test]
fn rfc_examples_received() {
    let mut s = open_session(Config::DEFAULT);
    let mut input = Vec::new();
    input.extend_from_slice(&[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    input.extend_from_slice(&[0x01, 0x03, 0x48, 0x65, 0x6c]);
    input.extend_from_slice(&[0x80, 0x02, 0x6c, 0x6f]);
    input.extend_from_slice(&[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    let events = run(&mut s, &input, input.len(), usize::MAX);
    assert_eq!(
        events,
        vec![
            Ev::Start(MessageKind::Text, Some(5)),
            Ev::Data(b"Hello".to_vec()),
            Ev::End,
            Ev::Start(MessageKind::Text, None),
            Ev::Data(b"Hello".to_vec()),
            Ev::End,
            Ev::Ping(b"Hello".to_vec()),
        ]
    );
    let frames = control_frames(&mut s, 0, &kept(&events));
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].0.opcode, Opcode::Pong);
    assert_eq!(frames[0].1, b"Hello".to_vec());
    let pong = [0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    let events = run(&mut s, &pong, pong.len(), usize::MAX);
    assert_eq!(events, vec![Ev::Pong(b"Hello".to_vec())]);
}

/// A control frame's length in the 16- or 64-bit form (not minimal, but within §5.5's 125
/// bytes) is read like any other, as legacy read it; over 125 in any form fails with 1002.
#[test]
fn control_frames_are_bounded_by_their_decoded_length() {
    let mut s = open_session(Config::DEFAULT);
    let mut ping16 = vec![0x89, 126, 0, 5];
    ping16.extend_from_slice(b"hello");
    assert_eq!(s.read(&ping16, 0), (ping16.len(), RxEvent::Ping(b"hello")));
    let mut pong64 = vec![0x8A, 127, 0, 0, 0, 0, 0, 0, 0, 2];
    pong64.extend_from_slice(b"hi");
    assert_eq!(s.read(&pong64, 0), (pong64.len(), RxEvent::Pong(b"hi")));
    let mut long = vec![0x89, 126, 0, 126];
    long.extend_from_slice(&[b'x'; 126]);
    let (_, ev) = s.read(&long, 0);
    assert_eq!(
        ev,
        RxEvent::Failed(ProtocolError::Frame(FrameError::ControlTooLong))
    );
    assert_eq!(
        ProtocolError::Frame(FrameError::ControlTooLong).close_code(),
        1002
    );
}

#[test]
fn control_payloads_are_taken_whole_and_a_ping_supersedes_the_pong_owed() {
    let mut s = open_session(Config::DEFAULT);
    let ping = server_frame(true, 9, b"first");
    // Until the whole payload is there, only the header is consumed.
    assert_eq!(s.read(&ping[..4], 0), (2, RxEvent::None));
    assert_eq!(s.read(&ping[2..6], 0), (0, RxEvent::None));
    assert_eq!(s.read(&ping[2..], 0), (5, RxEvent::Ping(b"first")));
    // Their pong is read while ours is owed (the caller keeps the ping's payload).
    let pong = server_frame(true, 10, b"theirs");
    assert_eq!(s.read(&pong, 0), (pong.len(), RxEvent::Pong(b"theirs")));
    assert!(s.pong_owed());
    let frames = control_frames(&mut s, 0, b"first");
    assert_eq!(frames.len(), 1);
    assert_eq!(
        (frames[0].0.opcode, frames[0].1.as_slice()),
        (Opcode::Pong, &b"first"[..])
    );
    assert!(!s.pong_owed());
    // A second ping before the first pong went out: one pong, echoing the latest.
    let one = server_frame(true, 9, b"one");
    let (_, ev) = s.read(&one, 0);
    assert_eq!(ev, RxEvent::Ping(b"one"));
    let two = server_frame(true, 9, b"two");
    let (_, ev) = s.read(&two, 0);
    assert_eq!(ev, RxEvent::Ping(b"two"));
    let frames = control_frames(&mut s, 0, b"two");
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].1, b"two".to_vec());
    // A Close ends the owed pong: the reply is the Close alone.
    let three = server_frame(true, 9, b"three");
    let (_, ev) = s.read(&three, 0);
    assert_eq!(ev, RxEvent::Ping(b"three"));
    let bye = server_frame(true, 8, b"\x03\xe8bye");
    let (_, ev) = s.read(&bye, 0);
    assert_eq!(
        ev,
        RxEvent::Close {
            code: 1000,
            reason: b"bye"
        }
    );
    assert!(!s.pong_owed());
    let frames = control_frames(&mut s, 0, b"\x03\xe8bye");
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].0.opcode, Opcode::Close);
    assert_eq!(frames[0].1, b"\x03\xe8bye".to_vec());
}

fn sample_stream() -> Vec<u8> {
    let mut input = Vec::new();
    input.extend(server_frame(true, 2, &[0xAB; 300]));
    input.extend(server_frame(false, 1, "κόσ".as_bytes()));
    input.extend(server_frame(true, 9, b"ping-in-the-middle"));
    input.extend(server_frame(false, 0, "με".as_bytes()));
    input.extend(server_frame(true, 0, b""));
    input.extend(server_frame(true, 1, b""));
    input.extend(server_frame(true, 2, &[7u8; 70000]));
    input.extend(server_frame(true, 10, b""));
    input.extend(server_frame(true, 8, b"\x03\xe8done"));
    input
}

#[test]
fn every_split_and_partial_consumption_gives_the_same_events() {
    let input = sample_stream();
    let whole = run(
        &mut open_session(Config::DEFAULT),
        &input,
        input.len(),
        usize::MAX,
    );
    assert_eq!(whole.len(), 15, "{whole:?}");
    assert_eq!(whole.last(), Some(&Ev::Close(1000, b"done".to_vec())));
    for (chunk, take) in [
        (1, usize::MAX),
        (1, 1),
        (2, 3),
        (7, 1000),
        (13, 5),
        (4096, 17),
    ] {
        let got = run(&mut open_session(Config::DEFAULT), &input, chunk, take);
        assert_eq!(got, whole, "chunk {chunk} take {take}");
    }
}

#[test]
fn every_split_point_of_small_stream() {
    let mut input = Vec::new();
    input.extend(server_frame(false, 1, "héllo ".as_bytes()));
    input.extend(server_frame(true, 9, b"p"));
    input.extend(server_frame(true, 0, "wörld".as_bytes()));
    let whole = run(
        &mut open_session(Config::DEFAULT),
        &input,
        input.len(),
        usize::MAX,
    );
    for cut in 0..=input.len() {
        let mut s = open_session(Config::DEFAULT);
        let mut got = run(&mut s, &input[..cut], cut.max(1), usize::MAX);
        got.extend(run(&mut s, &input[cut..], input.len(), usize::MAX));
        assert_eq!(merge_data(got), whole, "cut {cut}");
    }
}

#[test]
fn empty_close_is_reported_as_1005_and_answered_empty() {
    let mut s = open_session(Config::DEFAULT);
    let events = run(&mut s, &server_frame(true, 8, b""), 16, usize::MAX);
    assert_eq!(events, vec![Ev::Close(1005, Vec::new())]);
    assert_eq!(s.state(), State::Closing);
    let frames = control_frames(&mut s, 0, &kept(&events));
    assert_eq!(frames.len(), 1);
    assert_eq!((frames[0].0.opcode, frames[0].1.len()), (Opcode::Close, 0));
    assert_eq!(s.state(), State::Closed);
    assert!(s.close_handshake_done());
}

#[test]
fn server_close_is_echoed_and_blocks_sends() {
    let mut s = open_session(Config::DEFAULT);
    let events = run(
        &mut s,
        &server_frame(true, 8, b"\x0f\xa0app"),
        64,
        usize::MAX,
    );
    assert_eq!(events, vec![Ev::Close(4000, b"app".to_vec())]);
    assert_eq!(s.close_received(), Some(4000));
    let mut out = [0u8; MAX_CONTROL_FRAME];
    assert_eq!(
        s.encode_frame(Opcode::Text, true, 1, [0; 4], &mut out),
        Err(SendError::Closing)
    );
    // The reply echoes code and reason (as the legacy client did), masked as one payload.
    let frames = control_frames(&mut s, 0, &kept(&events));
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].0.opcode, Opcode::Close);
    assert_eq!(frames[0].1, b"\x0f\xa0app".to_vec());
}

#[test]
fn failure_close_carries_the_bare_code_even_after_a_server_close_reason() {
    // A server Close whose reason is not UTF-8: we fail with 1007, and send only the code.
    let mut s = open_session(Config::DEFAULT);
    run(
        &mut s,
        &server_frame(true, 8, b"\x03\xe8\xff"),
        64,
        usize::MAX,
    );
    let frames = control_frames(&mut s, 0, b"\x03\xe8\xff");
    assert_eq!(frames[0].1, 1007u16.to_be_bytes().to_vec());
}

#[test]
fn valid_and_invalid_received_close_codes() {
    for code in [
        1000u16, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999,
    ] {
        let mut s = open_session(Config::DEFAULT);
        let events = run(
            &mut s,
            &server_frame(true, 8, &code.to_be_bytes()),
            8,
            usize::MAX,
        );
        assert_eq!(events, vec![Ev::Close(code, Vec::new())], "{code}");
    }
    for code in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
        let mut s = open_session(Config::DEFAULT);
        failed_with(
            &mut s,
            &server_frame(true, 8, &code.to_be_bytes()),
            ProtocolError::Close(CloseError::InvalidCode(code)),
            1002,
        );
    }
}

#[test]
fn bad_input_classes_fail_with_their_close_code() {
    use FrameError::*;
    let cases: Vec<(Vec<u8>, ProtocolError, u16)> = vec![
        (
            vec![0xC1, 0x00],
            ProtocolError::Frame(ReservedBits(4)),
            1002,
        ),
        (
            vec![0xB1, 0x00],
            ProtocolError::Frame(ReservedBits(3)),
            1002,
        ),
        (
            vec![0x83, 0x00],
            ProtocolError::Frame(ReservedOpcode(3)),
            1002,
        ),
        (
            vec![0x8F, 0x00],
            ProtocolError::Frame(ReservedOpcode(15)),
            1002,
        ),
        (
            vec![0x89, 0x7E, 0x00, 0x7E],
            ProtocolError::Frame(ControlTooLong),
            1002,
        ),
        (
            vec![0x09, 0x00],
            ProtocolError::Frame(ControlFragmented),
            1002,
        ),
        (
            vec![0x81, 0x81, 1, 2, 3, 4, 0x61],
            ProtocolError::Frame(MaskedFrame),
            1002,
        ),
        (
            vec![0x82, 0x7F, 0xFF, 0, 0, 0, 0, 0, 0, 0],
            ProtocolError::Frame(LengthOverflow),
            1002,
        ),
        (
            server_frame(true, 0, b"x"),
            ProtocolError::UnexpectedContinuation,
            1002,
        ),
        (
            [server_frame(false, 1, b"a"), server_frame(true, 2, b"b")].concat(),
            ProtocolError::ExpectedContinuation,
            1002,
        ),
        // Out of sequence is 1002 whatever the length, one above any limit (2^32) too.
        (
            vec![0x80, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0],
            ProtocolError::UnexpectedContinuation,
            1002,
        ),
        (
            [
                server_frame(false, 2, b"abc"),
                vec![0x82, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0],
            ]
            .concat(),
            ProtocolError::ExpectedContinuation,
            1002,
        ),
        (
            server_frame(true, 8, b"\x03"),
            ProtocolError::Close(CloseError::Truncated),
            1002,
        ),
        (
            server_frame(true, 8, b"\x03\xe8\xff"),
            ProtocolError::Close(CloseError::InvalidReason),
            1007,
        ),
        (
            server_frame(true, 1, b"\xce\xba\xff"),
            ProtocolError::InvalidUtf8,
            1007,
        ),
        (
            server_frame(true, 1, b"\xce"),
            ProtocolError::InvalidUtf8,
            1007,
        ),
        (
            [
                server_frame(false, 1, b"\xe2\x82"),
                server_frame(true, 0, b""),
            ]
            .concat(),
            ProtocolError::InvalidUtf8,
            1007,
        ),
    ];
    for (input, error, code) in cases {
        let mut s = open_session(Config::DEFAULT);
        failed_with(&mut s, &input, error, code);
    }
}

#[test]
fn utf8_fails_fast_inside_a_frame_split_across_reads() {
    // Autobahn 6.4.1: the invalid F4 90 comes in the first piece; the frame is not complete.
    let payload =
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80\x65\x64\x69\x74\x65\x64";
    let frame = server_frame(true, 1, payload);
    let mut s = open_session(Config::DEFAULT);
    let first = &frame[..2 + 13];
    let events = run(&mut s, first, first.len(), usize::MAX);
    assert_eq!(events.last(), Some(&Ev::Failed(ProtocolError::InvalidUtf8)));
}

#[test]
fn message_too_big_fails_before_the_payload() {
    let cfg = Config {
        max_message_len: 100,
        ..Config::DEFAULT
    };
    let mut s = open_session(cfg);
    failed_with(
        &mut s,
        &[0x82, 0x7E, 0x00, 0x65],
        ProtocolError::MessageTooBig,
        1009,
    );
    let mut s = open_session(cfg);
    let input = [
        server_frame(false, 2, &[0; 60]),
        server_frame(true, 0, &[0; 41]),
    ]
    .concat();
    failed_with(&mut s, &input, ProtocolError::MessageTooBig, 1009);
    let mut s = open_session(cfg);
    let input = [
        server_frame(false, 2, &[0; 60]),
        server_frame(true, 0, &[0; 40]),
    ]
    .concat();
    let events = run(&mut s, &input, 7, usize::MAX);
    assert_eq!(events.last(), Some(&Ev::End));
    // Above 2^32-1 fails whatever the limit.
    let mut s = open_session(Config::DEFAULT);
    failed_with(
        &mut s,
        &[0x82, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0],
        ProtocolError::MessageTooBig,
        1009,
    );
}

#[test]
fn latest_ping_wins_when_several_wait() {
    let mut s = open_session(Config::DEFAULT);
    let input = [server_frame(true, 9, b"one"), server_frame(true, 9, b"two")].concat();
    let events = run(&mut s, &input, 64, usize::MAX);
    let frames = control_frames(&mut s, 0, &kept(&events));
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].1, b"two".to_vec());
}

// ===== Open: sending =====

#[test]
fn fragment_sequence_is_enforced_and_control_may_interleave() {
    let mut s = open_session(Config::DEFAULT);
    let mut hdr = [0u8; MAX_HEADER_LEN];
    assert_eq!(
        s.encode_frame(Opcode::Continuation, true, 0, [0; 4], &mut hdr),
        Err(SendError::FragmentSequence)
    );
    s.encode_frame(Opcode::Text, false, 3, [0; 4], &mut hdr)
        .unwrap();
    assert!(s.sending_fragmented());
    assert_eq!(
        s.encode_frame(Opcode::Binary, true, 3, [0; 4], &mut hdr),
        Err(SendError::FragmentSequence)
    );
    // A pong owed to the server goes out between the fragments.
    run(&mut s, &server_frame(true, 9, b"x"), 8, usize::MAX);
    assert!(s.has_pending_control());
    let frames = control_frames(&mut s, 0, b"x");
    assert_eq!(frames[0].0.opcode, Opcode::Pong);
    let mut out = [0u8; MAX_CONTROL_FRAME];
    s.encode_control(Opcode::Ping, b"app", [9; 4], 0, &mut out)
        .unwrap();
    s.encode_frame(Opcode::Continuation, true, 0, [0; 4], &mut hdr)
        .unwrap();
    assert!(!s.sending_fragmented());
}

#[test]
fn control_frame_limits_when_sending() {
    let mut s = open_session(Config::DEFAULT);
    let mut out = [0u8; MAX_CONTROL_FRAME];
    assert_eq!(
        s.encode_control(Opcode::Ping, &[0; 126], [0; 4], 0, &mut out),
        Err(SendError::ControlTooLong)
    );
    assert_eq!(
        s.encode_control(Opcode::Close, b"\x03\xed", [0; 4], 0, &mut out),
        Err(SendError::InvalidClose(CloseError::InvalidCode(1005)))
    );
    assert_eq!(
        s.encode_control(Opcode::Close, b"\x03", [0; 4], 0, &mut out),
        Err(SendError::InvalidClose(CloseError::Truncated))
    );
    let n = s
        .encode_control(Opcode::Ping, &[0x55; 125], [1, 2, 3, 4], 0, &mut out)
        .unwrap();
    let frames = decode_client(&out[..n]);
    assert_eq!(frames[0].1, vec![0x55; 125]);
}

#[test]
fn our_close_then_theirs() {
    let mut s = open_session(Config::DEFAULT);
    let mut out = [0u8; MAX_CONTROL_FRAME];
    let n = s
        .encode_control(Opcode::Close, b"\x03\xe8bye", [5; 4], 10, &mut out)
        .unwrap();
    assert_eq!(decode_client(&out[..n])[0].1, b"\x03\xe8bye".to_vec());
    assert_eq!(s.state(), State::Closing);
    let mut hdr = [0u8; MAX_HEADER_LEN];
    assert_eq!(
        s.encode_frame(Opcode::Text, true, 1, [0; 4], &mut hdr),
        Err(SendError::Closing)
    );
    assert_eq!(
        s.encode_control(Opcode::Ping, b"", [0; 4], 0, &mut out),
        Err(SendError::Closing)
    );
    // Data still arriving before the server's Close is delivered.
    let input = [
        server_frame(true, 1, b"late"),
        server_frame(true, 8, b"\x03\xe8"),
    ]
    .concat();
    let events = run(&mut s, &input, 3, usize::MAX);
    assert_eq!(
        events,
        vec![
            Ev::Start(MessageKind::Text, Some(4)),
            Ev::Data(b"late".to_vec()),
            Ev::End,
            Ev::Close(1000, Vec::new())
        ]
    );
    assert_eq!(s.state(), State::Closed);
    assert!(!s.has_pending_control());
}

#[test]
fn close_timeout_after_our_close() {
    let cfg = Config {
        close_timeout_ms: 100,
        ..Config::DEFAULT
    };
    let mut s = open_session(cfg);
    let mut out = [0u8; MAX_CONTROL_FRAME];
    s.encode_control(Opcode::Close, b"", [0; 4], u32::MAX - 10, &mut out)
        .unwrap();
    assert_eq!(s.next_timeout(u32::MAX - 10), Some(100));
    assert_eq!(s.poll_timers(50), None);
    assert_eq!(s.next_timeout(50), Some(39));
    assert_eq!(s.poll_timers(89), Some(TimerEvent::CloseTimeout));
    assert_eq!(s.poll_timers(500), None);
}

/// The close timeout runs from the decision to close, not from the moment the Close frame is
/// written: a server that stops reading cannot hold the connection by keeping our Close out.
#[test]
fn close_timeout_runs_from_the_decision_even_when_the_close_is_never_written() {
    let cfg = Config {
        close_timeout_ms: 100,
        ..Config::DEFAULT
    };
    // A protocol failure at t=1000 (reserved opcode 3): our 1002 is owed but never polled.
    let mut s = open_session(cfg);
    assert!(matches!(
        s.read(&server_frame(true, 3, b""), 1000).1,
        RxEvent::Failed(_)
    ));
    assert!(s.has_pending_control());
    assert_eq!(s.next_timeout(1050), Some(50));
    assert_eq!(s.poll_timers(1099), None);
    assert_eq!(s.poll_timers(1100), Some(TimerEvent::CloseTimeout));
    assert!(!s.close_handshake_done());

    // The server's Close at t=2000: our reply is owed, never written.
    let mut s = open_session(cfg);
    let close = server_frame(true, 8, &[0x03, 0xE8]);
    let (_, ev) = s.read(&close, 2000);
    assert!(matches!(ev, RxEvent::Close { code: 1000, .. }));
    assert_eq!(s.poll_timers(2099), None);
    assert_eq!(s.poll_timers(2100), Some(TimerEvent::CloseTimeout));

    // The application decided at t=3000; writing the frame later does not restart the clock.
    let mut s = open_session(cfg);
    s.begin_close(3000);
    let mut out = [0u8; MAX_CONTROL_FRAME];
    s.encode_control(Opcode::Close, b"", [0; 4], 3080, &mut out)
        .unwrap();
    assert_eq!(s.next_timeout(3080), Some(20));
    assert_eq!(s.poll_timers(3100), Some(TimerEvent::CloseTimeout));

    // A local failure (fail_with) starts it too.
    let mut s = open_session(cfg);
    s.fail_with(ProtocolError::MessageTooBig, 4000);
    assert_eq!(s.poll_timers(4100), Some(TimerEvent::CloseTimeout));
}

/// The pong timer runs from the decision to ping: a ping stuck behind a full socket still
/// times out.
#[test]
fn pong_timeout_runs_even_when_the_ping_is_never_written() {
    let cfg = Config {
        ping_interval_ms: 1000,
        pong_timeout_ms: 300,
        ..Config::DEFAULT
    };
    let mut s = open_session(cfg);
    assert_eq!(s.poll_timers(1000), None);
    assert!(s.has_pending_control());
    // Never polled: the socket is full.
    assert_eq!(s.next_timeout(1000), Some(300));
    assert_eq!(s.poll_timers(1299), None);
    assert_eq!(s.poll_timers(1300), Some(TimerEvent::PongTimeout));
}

/// An unsolicited pong while our keep-alive ping waits behind a full socket is not its
/// answer: the pong timer keeps running (no timer due at once, forever).
#[test]
fn a_pong_before_our_ping_is_written_does_not_answer_it() {
    let cfg = Config {
        ping_interval_ms: 500,
        pong_timeout_ms: 700,
        ..Config::DEFAULT
    };
    let mut s = open_session(cfg);
    assert_eq!(s.poll_timers(500), None);
    assert!(s.has_pending_control());
    s.read(&server_frame(true, 10, b""), 600);
    assert_eq!(s.next_timeout(600), Some(600));
    assert_eq!(s.poll_timers(600), None);
    // (Taken as the answer, the ping interval would be due from 1100 on, forever.)
    assert_eq!(s.next_timeout(1100), Some(100));
    // Written at last: a pong now answers it, and the idle clock runs from that receive.
    let frames = control_frames(&mut s, 700, &[]);
    assert_eq!(frames[0].0.opcode, Opcode::Ping);
    s.read(&server_frame(true, 10, b""), 800);
    assert_eq!(s.next_timeout(800), Some(500));
    assert_eq!(s.poll_timers(1299), None);
    assert!(!s.has_pending_control());
}

/// A ping interval without a pong timeout: nothing waits for the pong, so a peer that never
/// answers still gets a ping every interval (it used to get one, then none).
#[test]
fn keepalive_pings_go_on_without_a_pong_timeout() {
    let cfg = Config {
        ping_interval_ms: 300,
        pong_timeout_ms: 0,
        ..Config::DEFAULT
    };
    let mut s = open_session(cfg);
    for round in 1..=3u32 {
        let due = 300 * round;
        assert_eq!(s.poll_timers(due - 1), None);
        assert!(!s.has_pending_control(), "round {round}");
        assert_eq!(s.poll_timers(due), None);
        let frames = control_frames(&mut s, due, &[]);
        assert_eq!(frames.len(), 1, "round {round}");
        assert_eq!(frames[0].0.opcode, Opcode::Ping);
        assert_eq!(s.next_timeout(due), Some(300), "round {round}");
    }
    // A pong (late) changes nothing: the interval runs from the last receive.
    s.read(&server_frame(true, 10, b""), 1000);
    assert_eq!(s.next_timeout(1000), Some(300));
}

#[test]
fn keepalive_ping_and_pong_timeout() {
    let cfg = Config {
        ping_interval_ms: 1000,
        pong_timeout_ms: 300,
        ..Config::DEFAULT
    };
    let mut s = open_session(cfg);
    assert_eq!(s.next_timeout(0), Some(1000));
    assert_eq!(s.poll_timers(999), None);
    assert!(!s.has_pending_control());
    assert_eq!(s.poll_timers(1000), None);
    let frames = control_frames(&mut s, 1000, &[]);
    assert_eq!(frames[0].0.opcode, Opcode::Ping);
    assert_eq!(s.next_timeout(1100), Some(200));
    // A pong clears it; then the idle clock runs from the last receive.
    s.read(&server_frame(true, 10, b""), 1200);
    assert_eq!(s.poll_timers(1400), None);
    assert_eq!(s.next_timeout(1400), Some(800));
    assert_eq!(s.poll_timers(2200), None);
    control_frames(&mut s, 2200, &[]);
    // Data meanwhile is no pong: the pong timer runs on.
    let data = server_frame(true, 2, b"x");
    assert_eq!(
        s.read(&data, 2400).1,
        RxEvent::MessageStart {
            kind: MessageKind::Binary,
            len: Some(1)
        }
    );
    assert_eq!(s.poll_timers(2499), None);
    assert_eq!(s.poll_timers(2500), Some(TimerEvent::PongTimeout));
}

#[test]
fn transport_loss_ends_the_session() {
    let mut s = open_session(Config::DEFAULT);
    run(&mut s, &server_frame(true, 9, b"x"), 8, usize::MAX);
    s.transport_closed();
    assert_eq!(s.state(), State::Closed);
    assert!(!s.has_pending_control());
    assert_eq!(s.read(b"\x81\x00", 0), (2, RxEvent::None));
}

/// Sends `msg` as fragments of the given sizes (one frame when empty), masking payload chunks
/// as a streaming caller would.
fn encode_message(
    s: &mut Session,
    kind: MessageKind,
    msg: &[u8],
    frags: &[usize],
    key: [u8; 4],
) -> Vec<u8> {
    let mut wire = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut left = msg.len();
    for &f in frags {
        let f = f.min(left);
        sizes.push(f);
        left -= f;
    }
    sizes.push(left);
    let mut pos = 0;
    for (i, &size) in sizes.iter().enumerate() {
        let opcode = if i == 0 {
            kind.opcode()
        } else {
            Opcode::Continuation
        };
        let fin = i + 1 == sizes.len();
        let mut hdr = [0u8; MAX_HEADER_LEN];
        let n = s
            .encode_frame(opcode, fin, size as u64, key, &mut hdr)
            .unwrap();
        wire.extend_from_slice(&hdr[..n]);
        let mut masker = Masker::new(key);
        for piece in msg[pos..pos + size].chunks(7) {
            let mut p = piece.to_vec();
            masker.apply(&mut p);
            wire.extend_from_slice(&p);
        }
        pos += size;
    }
    wire
}

proptest! {
    #[test]
    fn encode_decode_round_trip(
        msg in prop::collection::vec(any::<u8>(), 0..70_000usize),
        frags in prop::collection::vec(0usize..20_000, 0..4),
        key in any::<[u8; 4]>(),
        binary in any::<bool>(),
    ) {
        let mut s = open_session(Config::DEFAULT);
        let kind = if binary { MessageKind::Binary } else { MessageKind::Text };
        let wire = encode_message(&mut s, kind, &msg, &frags, key);
        let frames = decode_client(&wire);
        prop_assert_eq!(frames.len(), frags.len() + 1);
        let mut back = Vec::new();
        for (i, (h, p)) in frames.iter().enumerate() {
            prop_assert_eq!(h.fin, i + 1 == frames.len());
            prop_assert_eq!(h.opcode, if i == 0 { kind.opcode() } else { Opcode::Continuation });
            prop_assert_eq!(h.encoded_len(), 2 + 4 + match h.len { 0..=125 => 0, 126..=65535 => 2, _ => 8 });
            back.extend_from_slice(p);
        }
        prop_assert_eq!(back, msg);
    }

    #[test]
    fn server_stream_any_chunking(
        msgs in prop::collection::vec((any::<bool>(), "[a-zé€😀]{0,40}", prop::collection::vec(0usize..30, 0..3)), 1..6),
        chunk in 1usize..50,
        take in 1usize..50,
    ) {
        let mut input = Vec::new();
        let mut want = Vec::new();
        for (binary, text, frags) in &msgs {
            let bytes = text.as_bytes();
            let kind = if *binary { MessageKind::Binary } else { MessageKind::Text };
            let mut cuts: Vec<usize> = frags.iter().map(|f| (*f).min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut pos = 0;
            for (i, c) in cuts.iter().enumerate() {
                input.extend(server_frame(false, if i == 0 { kind.opcode().to_u8() } else { 0 }, &bytes[pos..*c]));
                pos = *c;
            }
            input.extend(server_frame(true, if cuts.is_empty() { kind.opcode().to_u8() } else { 0 }, &bytes[pos..]));
            want.push(Ev::Start(kind, if cuts.is_empty() { Some(bytes.len() as u32) } else { None }));
            if !bytes.is_empty() { want.push(Ev::Data(bytes.to_vec())); }
            want.push(Ev::End);
        }
        let got = run(&mut open_session(Config::DEFAULT), &input, chunk, take);
        prop_assert_eq!(got, want);
    }

    #[test]
    fn hostile_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), chunk in 1usize..40) {
        let mut s = open_session(Config { max_message_len: 1000, ..Config::DEFAULT });
        let events = run(&mut s, &bytes, chunk, 3);
        let _ = control_frames(&mut s, 0, &kept(&events));
    }
}

#[test]
fn reset_equals_new() {
    let cfg = Config {
        max_message_len: 400,
        ..Config::DEFAULT
    };
    let mut s = open_session(Config::DEFAULT);
    run(&mut s, &server_frame(false, 1, b"abc"), 8, usize::MAX);
    run(&mut s, &server_frame(true, 9, b"p"), 8, usize::MAX);
    // Half a frame header left in the decoder.
    run(
        &mut s,
        &server_frame(true, 2, &[7; 300])[..3],
        8,
        usize::MAX,
    );
    s.reset(cfg);
    // The same afterwards: the same handshake and frames give the same events and state
    // (the decoder's stale fields are overwritten by the first header, before they are read).
    let mut fresh = Session::new(cfg);
    for s in [&mut s, &mut fresh] {
        let key = Key::from_random(NONCE);
        s.begin_handshake(key.accept_digest(), OfferedProtocols::new())
            .unwrap();
        let resp = response_for(&key);
        let mut rest: &[u8] = &resp;
        while !rest.is_empty() {
            let (used, _) = s.read_handshake(rest, 0).unwrap();
            rest = &rest[used..];
        }
    }
    let mut input = server_frame(true, 2, &[7; 300]);
    input.extend(server_frame(true, 1, b"hi"));
    input.extend(server_frame(true, 9, b"p"));
    let got = run(&mut s, &input, 5, usize::MAX);
    assert_eq!(got, run(&mut fresh, &input, 5, usize::MAX));
    assert_eq!(got.len(), 7, "{got:?}");
    assert_eq!(std::format!("{s:?}"), std::format!("{fresh:?}"));
}

#[test]
fn every_protocol_error_maps_to_its_close_code() {
    use crate::proto::close::CloseError;
    let frame_errors = [
        FrameError::ReservedBits(1),
        FrameError::ReservedOpcode(3),
        FrameError::ControlTooLong,
        FrameError::ControlFragmented,
        FrameError::MaskedFrame,
        FrameError::LengthOverflow,
    ];
    for e in frame_errors {
        assert_eq!(ProtocolError::Frame(e).close_code(), 1002, "{e:?}");
    }
    let close_errors = [
        CloseError::Truncated,
        CloseError::InvalidCode(1005),
        CloseError::InvalidReason,
        CloseError::TooLong,
    ];
    for e in close_errors {
        // The same code the Close payload check itself names.
        assert_eq!(
            ProtocolError::Close(e).close_code(),
            e.close_code(),
            "{e:?}"
        );
    }
    assert_eq!(
        ProtocolError::Close(CloseError::InvalidReason).close_code(),
        1007
    );
    assert_eq!(ProtocolError::UnexpectedContinuation.close_code(), 1002);
    assert_eq!(ProtocolError::ExpectedContinuation.close_code(), 1002);
    assert_eq!(ProtocolError::InvalidUtf8.close_code(), 1007);
    assert_eq!(ProtocolError::MessageTooBig.close_code(), 1009);
}

#[test]
fn encoded_headers_are_byte_exact_at_every_length_form() {
    let key = [0xA1, 0xB2, 0xC3, 0xD4];
    let cases: [(u64, &[u8]); 8] = [
        (0, &[0x82, 0x80]),
        (125, &[0x82, 0xFD]),
        (126, &[0x82, 0xFE, 0x00, 0x7E]),
        (0xFFFF, &[0x82, 0xFE, 0xFF, 0xFF]),
        (0x1_0000, &[0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0]),
        (
            u64::from(u32::MAX),
            &[0x82, 0xFF, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF],
        ),
        (1 << 32, &[0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0]),
        (
            0x0123_4567_89AB_CDEF,
            &[0x82, 0xFF, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF],
        ),
    ];
    for (len, head) in cases {
        let mut s = open_session(Config::DEFAULT);
        let mut out = [0x5Au8; MAX_HEADER_LEN + 2];
        let n = s
            .encode_frame(Opcode::Binary, true, len, key, &mut out)
            .unwrap();
        let mut want = head.to_vec();
        want.extend_from_slice(&key);
        assert_eq!(&out[..n], &want[..], "len {len}");
        assert!(out[n..].iter().all(|&b| b == 0x5A), "len {len}");
        // One byte short: refused, nothing written, no fragment started.
        let mut s = open_session(Config::DEFAULT);
        let mut short = vec![0x5Au8; n - 1];
        assert_eq!(
            s.encode_frame(Opcode::Text, false, len, key, &mut short),
            Err(SendError::ControlTooLong),
            "len {len}"
        );
        assert!(!s.sending_fragmented());
    }
    // FIN clear, a continuation and a control opcode.
    let mut s = open_session(Config::DEFAULT);
    let mut out = [0u8; MAX_HEADER_LEN];
    assert_eq!(s.encode_frame(Opcode::Text, false, 3, key, &mut out), Ok(6));
    assert_eq!(out[..2], [0x01, 0x83]);
    assert_eq!(
        s.encode_frame(Opcode::Continuation, true, 0, key, &mut out),
        Ok(6)
    );
    assert_eq!(out[..2], [0x80, 0x80]);
    assert_eq!(
        s.encode_frame(Opcode::Pong, true, 125, key, &mut out),
        Ok(6)
    );
    assert_eq!(out[..2], [0x8A, 0xFD]);
    assert_eq!(
        s.encode_frame(Opcode::Reserved(0xB), true, 0, key, &mut out),
        Err(SendError::FragmentSequence)
    );
    assert_eq!(
        s.encode_frame(Opcode::Reserved(0x3), true, 0, key, &mut out),
        Err(SendError::FragmentSequence)
    );
    assert_eq!(
        s.encode_frame(Opcode::Ping, false, 0, key, &mut out),
        Err(SendError::ControlTooLong)
    );
    assert_eq!(
        s.encode_frame(Opcode::Ping, true, 126, key, &mut out),
        Err(SendError::ControlTooLong)
    );
}

#[test]
fn reserved_opcodes_are_refused_after_the_state_checks_in_the_control_range() {
    let mut out = [0u8; MAX_CONTROL_FRAME];
    let mut s = Session::new(Config::DEFAULT);
    // Not open: the state is judged first, except for opcodes outside the control range.
    assert_eq!(
        s.encode_control(Opcode::Reserved(0xB), b"", [0; 4], 0, &mut out),
        Err(SendError::NotOpen)
    );
    assert_eq!(
        s.encode_control(Opcode::Reserved(0x3), b"", [0; 4], 0, &mut out),
        Err(SendError::FragmentSequence)
    );
    assert_eq!(
        s.encode_control(Opcode::Binary, b"", [0; 4], 0, &mut out),
        Err(SendError::FragmentSequence)
    );
    assert_eq!(
        s.encode_frame(Opcode::Reserved(0x3), true, 0, [0; 4], &mut out),
        Err(SendError::NotOpen)
    );
    // Closing: likewise.
    let mut s = open_session(Config::DEFAULT);
    s.encode_control(Opcode::Close, b"", [0; 4], 0, &mut out)
        .unwrap();
    assert_eq!(
        s.encode_control(Opcode::Reserved(0xF), b"", [0; 4], 0, &mut out),
        Err(SendError::Closing)
    );
    assert_eq!(
        s.encode_control(Opcode::Reserved(0x7), b"", [0; 4], 0, &mut out),
        Err(SendError::FragmentSequence)
    );
    assert_eq!(
        s.encode_frame(Opcode::Reserved(0xB), true, 0, [0; 4], &mut out),
        Err(SendError::Closing)
    );
}

#[test]
fn control_frames_into_short_buffers() {
    let key = [1, 2, 3, 4];
    // encode_control: the header fits but not the payload: refused, the Close not marked sent.
    let mut s = open_session(Config::DEFAULT);
    let mut out = [0u8; 8];
    assert_eq!(
        s.encode_control(Opcode::Close, b"\x03\xe8bye", key, 0, &mut out),
        Err(SendError::ControlTooLong)
    );
    assert!(!s.close_sent());
    assert_eq!(s.state(), State::Open);
    assert_eq!(
        s.encode_control(Opcode::Text, b"", key, 0, &mut out),
        Err(SendError::FragmentSequence)
    );
    assert_eq!(
        s.encode_control(Opcode::Reserved(0xC), b"", key, 0, &mut out),
        Err(SendError::FragmentSequence)
    );
    assert_eq!(
        s.encode_control(Opcode::Close, b"\x03\xe8", key, 0, &mut out),
        Ok(8)
    );
    assert_eq!(out, [0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xe8 ^ 2]);
    assert!(s.close_sent());

    // poll_control: a frame that does not fit is dropped (the flag is taken either way).
    let mut s = open_session(Config::DEFAULT);
    run(&mut s, &server_frame(true, 9, b"ping!"), 64, usize::MAX);
    let mut small = [0u8; 10];
    assert_eq!(s.poll_control(key, 0, b"ping!", &mut small), None);
    assert!(!s.has_pending_control());
    // The echoed Close: code and reason masked as one payload, or nothing when short.
    for (room, want) in [(7usize, None), (10, None), (11, Some(11)), (13, Some(11))] {
        let mut s = open_session(Config::DEFAULT);
        run(
            &mut s,
            &server_frame(true, 8, b"\x0f\xa0app"),
            64,
            usize::MAX,
        );
        let mut out = vec![0u8; room];
        assert_eq!(s.poll_control(key, 7, b"\x0f\xa0app", &mut out), want);
        assert!(s.close_sent());
        assert_eq!(s.state(), State::Closed);
        if want.is_some() {
            assert_eq!(
                out,
                [
                    0x88,
                    0x85,
                    1,
                    2,
                    3,
                    4,
                    0x0f ^ 1,
                    0xa0 ^ 2,
                    b'a' ^ 3,
                    b'p' ^ 4,
                    b'p' ^ 1
                ]
                .iter()
                .chain(&[0u8; 2])
                .copied()
                .take(room)
                .collect::<Vec<u8>>()
            );
        }
    }
    // A keep-alive ping: an empty masked frame.
    let mut s = open_session(Config {
        ping_interval_ms: 10,
        ..Config::DEFAULT
    });
    assert_eq!(s.poll_timers(10), None);
    let mut out = [0u8; 6];
    assert_eq!(s.poll_control(key, 10, &[], &mut out), Some(6));
    assert_eq!(out, [0x89, 0x80, 1, 2, 3, 4]);
}

#[test]
fn a_local_failure_after_the_server_close_keeps_the_reply_bare() {
    for (payload, want) in [
        (&b""[..], &b""[..]),
        (&b"\x03\xe8bye"[..], &b"\x03\xe8"[..]),
    ] {
        let mut s = open_session(Config::DEFAULT);
        run(&mut s, &server_frame(true, 8, payload), 64, usize::MAX);
        s.fail_with(ProtocolError::MessageTooBig, 0);
        assert_eq!(s.failure(), Some(ProtocolError::MessageTooBig));
        let frames = control_frames(&mut s, 0, payload);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].0.opcode, Opcode::Close);
        assert_eq!(frames[0].1, want.to_vec());
    }
}
