//! rx_session: the receive path of an open `Session` fed arbitrary server bytes.
//!
//! Input layout: one config byte, a chunk plan (how many bytes each socket read delivers), a
//! take plan (how much of each `Data` event the "application" consumes; 0 = none for now), then
//! the server's byte stream.
//!
//! Invariants:
//! - no panic;
//! - `read` never reports more consumed than it was given, and `Data` bytes sit in the caller's
//!   input right after the consumed prefix;
//! - after `Failed` or `Close` nothing more is delivered (every later read is `(len, None)`);
//! - a text message is valid UTF-8 when `MessageEnd` comes, and a single-frame message's
//!   announced length is its length;
//! - the events (with each completed message's data joined) do not depend on how the input was
//!   split or how much each `Data` event consumed: the run is compared with a one-shot run.
#![no_main]

use httpc_ws::proto::frame::FrameHeader;
use httpc_ws::proto::handshake::{Key, OfferedProtocols, ParseEvent};
use httpc_ws::proto::session::{
    Config, MessageKind, ProtocolError, RxEvent, Session, State, MAX_CONTROL_FRAME,
};
use httpc_ws_fuzz::input::{Plan, Reader};
use libfuzzer_sys::fuzz_target;

const NONCE: [u8; 16] = *b"httpc-ws fuzzing";

fn open(cfg: Config) -> Session {
    let mut s = Session::new(cfg);
    let key = Key::from_random(NONCE);
    s.begin_handshake(key.accept_digest(), OfferedProtocols::new())
        .expect("idle session");
    let mut resp = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ".to_vec();
    resp.extend_from_slice(&key.expected_accept());
    resp.extend_from_slice(b"\r\n\r\n");
    let mut rest: &[u8] = &resp;
    loop {
        let (n, ev) = s.read_handshake(rest, 0).expect("valid response");
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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Start(MessageKind, Option<u32>),
    /// A completed message's payload, joined.
    Message(Vec<u8>),
    End,
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(u16, Vec<u8>),
    Failed(ProtocolError),
}

fn config(sel: u8) -> Config {
    let mut cfg = Config::DEFAULT;
    cfg.max_message_len = match sel & 7 {
        0 => 0,
        1 => 1,
        2 => 125,
        3 => 126,
        4 => 65_536,
        5 => u32::from(sel),
        _ => u32::MAX,
    };
    if sel & 0x08 != 0 {
        cfg.ping_interval_ms = 3;
        cfg.pong_timeout_ms = 2;
    }
    if sel & 0x10 != 0 {
        cfg.close_timeout_ms = 1;
    }
    cfg
}

/// Runs the stream through a session: `chunks` says how many bytes each "socket read" appends
/// to the receive buffer, `takes` how much of each Data event is consumed.
fn drive(cfg: Config, stream: &[u8], chunks: &mut Plan, takes: &mut Plan) -> Vec<Ev> {
    let mut s = open(cfg);
    let mut events = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0usize;
    let mut now = 0u32;
    let mut ended = false;
    let mut close_sent = false;
    // The message being received: kind, announced length, bytes consumed so far.
    let mut msg: Option<(MessageKind, Option<u32>, Vec<u8>)> = None;
    let mut out = [0u8; MAX_CONTROL_FRAME];
    // The payload of the last Ping or Close, kept for the pong or reply to echo.
    let mut kept: Vec<u8> = Vec::new();
    loop {
        // One socket read.
        let more = fed < stream.len();
        if more {
            let n = chunks.chunk(stream.len() - fed);
            buf.extend_from_slice(&stream[fed..fed + n]);
            fed += n;
        }
        now = now.wrapping_add(1);
        let _ = s.poll_timers(now);
        // Parse what we have.
        loop {
            let input_ptr = buf.as_ptr() as usize;
            let input_len = buf.len();
            let (used, ev) = s.read(&buf, now);
            assert!(used <= input_len, "consumed {used} of {input_len}");
            if ended {
                assert!(
                    matches!(ev, RxEvent::None),
                    "event after Close/Failed: {ev:?}"
                );
                assert_eq!(used, input_len, "input after the end is not swallowed");
            }
            let owned = match ev {
                RxEvent::None => None,
                RxEvent::MessageStart { kind, len } => {
                    assert!(msg.is_none(), "MessageStart inside a message");
                    msg = Some((kind, len, Vec::new()));
                    Some(Ev::Start(kind, len))
                }
                RxEvent::Data { kind, bytes } => {
                    let at = bytes.as_ptr() as usize;
                    assert_eq!(
                        at,
                        input_ptr + used,
                        "Data does not follow the consumed bytes"
                    );
                    assert!(used + bytes.len() <= input_len, "Data beyond the input");
                    assert!(!bytes.is_empty(), "empty Data event");
                    let (mkind, _, acc) = msg.as_mut().expect("Data outside a message");
                    assert_eq!(*mkind, kind);
                    // Take some (possibly none); with the input exhausted, at least one byte.
                    let b = takes.step();
                    let mut take = if b == 0xFF {
                        bytes.len()
                    } else {
                        usize::from(b % 64).min(bytes.len())
                    };
                    if take == 0 && fed >= stream.len() {
                        take = 1;
                    }
                    acc.extend_from_slice(&bytes[..take]);
                    s.consume_data(take);
                    buf.drain(..used + take);
                    if take == 0 {
                        break; // "the application is busy": read more first
                    }
                    continue;
                }
                RxEvent::MessageEnd => {
                    let (kind, len, acc) = msg.take().expect("MessageEnd outside a message");
                    if kind == MessageKind::Text {
                        assert!(
                            core::str::from_utf8(&acc).is_ok(),
                            "text message is not UTF-8"
                        );
                    }
                    if let Some(len) = len {
                        assert_eq!(acc.len() as u64, u64::from(len), "announced length");
                    }
                    events.push(Ev::Message(acc));
                    Some(Ev::End)
                }
                RxEvent::Ping(p) => {
                    kept = p.to_vec();
                    Some(Ev::Ping(p.to_vec()))
                }
                RxEvent::Pong(p) => Some(Ev::Pong(p.to_vec())),
                RxEvent::Close { code, reason } => {
                    ended = true;
                    msg = None;
                    assert!(
                        core::str::from_utf8(reason).is_ok(),
                        "close reason not UTF-8"
                    );
                    kept = if code == 1005 {
                        Vec::new()
                    } else {
                        [&code.to_be_bytes()[..], reason].concat()
                    };
                    Some(Ev::Close(code, reason.to_vec()))
                }
                RxEvent::Failed(e) => {
                    ended = true;
                    msg = None;
                    Some(Ev::Failed(e))
                }
            };
            buf.drain(..used);
            match owned {
                Some(ev) => events.push(ev),
                None => break,
            }
            // The writer side: automatic control frames go out between events. The first
            // Close we send answers the server's Close (echoing its code, empty for 1005) or
            // carries the failure's code.
            let expect_close: Option<Vec<u8>> = match events.last() {
                Some(Ev::Failed(e)) => Some(e.close_code().to_be_bytes().to_vec()),
                Some(Ev::Close(1005, _)) => Some(Vec::new()),
                // A reply echoes the server's code and reason (as the legacy client did).
                Some(Ev::Close(code, reason)) => {
                    let mut body = code.to_be_bytes().to_vec();
                    body.extend_from_slice(reason);
                    Some(body)
                }
                _ => None,
            };
            while let Some(n) = s.poll_control([1, 2, 3, 4], now, &kept, &mut out) {
                assert!(n <= MAX_CONTROL_FRAME);
                let mut dec = httpc_ws::proto::frame::HeaderDecoder::accepting_masked();
                let (h, hdr) = match dec.feed(&out[..n]) {
                    Ok((h, Some(hdr))) => (h, hdr),
                    other => panic!("bad control frame {other:?}"),
                };
                let FrameHeader {
                    fin,
                    mask,
                    len,
                    opcode,
                    ..
                } = hdr;
                assert!(fin && mask.is_some() && h + len as usize == n);
                let mut payload = out[h..n].to_vec();
                httpc_ws::proto::mask::apply_mask([1, 2, 3, 4], 0, &mut payload);
                if opcode == httpc_ws::proto::frame::Opcode::Pong {
                    assert_eq!(payload, kept, "our pong echoes the latest ping");
                }
                if opcode == httpc_ws::proto::frame::Opcode::Close && !close_sent {
                    close_sent = true;
                    assert_eq!(Some(payload), expect_close.clone(), "our Close frame");
                }
            }
            if expect_close.is_some() {
                assert!(close_sent, "no Close queued after {:?}", events.last());
            }
        }
        if fed >= stream.len() && buf.is_empty() {
            break;
        }
        if !more && fed >= stream.len() {
            // Nothing more will come; whatever is buffered is a partial frame.
            let (used, ev) = s.read(&buf, now);
            assert!(matches!(ev, RxEvent::None), "late event {ev:?}");
            assert!(used <= buf.len());
            break;
        }
    }
    events
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let cfg = config(r.u8());
    let mut chunks = Plan::read(&mut r);
    let mut takes = Plan::read(&mut r);
    let stream = r.rest();
    let split = drive(cfg, stream, &mut chunks, &mut takes);
    let whole = drive(
        cfg,
        stream,
        &mut Plan::constant(0xFF),
        &mut Plan::constant(0xFF),
    );
    assert_eq!(split, whole, "events depend on how the input was split");
});
