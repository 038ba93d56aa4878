//! handshake_parser: `ResponseParser` fed arbitrary bytes in arbitrary chunks, the way a client
//! feeds it: an accumulating receive buffer that keeps unconsumed bytes.
//!
//! Input layout: one config byte (line/head limits, offered subprotocols), a chunk plan, then
//! the response bytes.
//!
//! Invariants:
//! - no panic; events borrow only from the buffer they were parsed from;
//! - the result (events, then Done / error / "need more") does not depend on the chunking: the
//!   run is compared with a one-shot run;
//! - a caller buffer of `max_line + 2` bytes always suffices (the parser decides by then);
//! - errors are sticky;
//! - never `Done { code: 101 }` unless the head (re-parsed independently here) has exactly one
//!   `Sec-WebSocket-Accept` with the right value, an `Upgrade` listing `websocket` and a
//!   `Connection` listing `upgrade`.
#![no_main]

use httpc_ws::proto::handshake::{
    HandshakeError, Key, OfferedProtocols, ParseEvent, ResponseParser,
};
use httpc_ws_fuzz::input::{Plan, Reader};
use libfuzzer_sys::fuzz_target;

const NONCE: [u8; 16] = *b"httpc-ws fuzzing";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Status(u16, Vec<u8>),
    Header(Vec<u8>, Vec<u8>),
    Done(u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Done,
    Error(HandshakeError),
    NeedMore,
}

struct Limits {
    max_line: usize,
    max_head: usize,
    offered: &'static [&'static [u8]],
}

fn limits(sel: u8) -> Limits {
    let max_line = match sel & 3 {
        0 => 1024,
        1 => 64,
        2 => 8,
        _ => 200,
    };
    let max_head = match (sel >> 2) & 3 {
        0 => 8192,
        1 => 256,
        2 => 40,
        _ => 0,
    };
    let offered: &'static [&'static [u8]] = match (sel >> 4) & 3 {
        0 => &[],
        1 => &[b"chat"],
        2 => &[b"chat, superchat", b"v2.proto"],
        _ => &[b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"i"],
    };
    Limits {
        max_line,
        max_head,
        offered,
    }
}

fn parser(l: &Limits) -> ResponseParser {
    let mut offered = OfferedProtocols::new();
    for p in l.offered {
        offered.add_list(p);
    }
    ResponseParser::new(Key::from_random(NONCE).accept_digest(), offered, l.max_line, l.max_head)
}

/// Feeds `input` in chunks; returns the events, how it ended and how many bytes the head took.
fn drive(l: &Limits, input: &[u8], chunks: &mut Plan) -> (Vec<Ev>, End, usize) {
    let mut p = parser(l);
    let mut events = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0usize;
    let mut consumed = 0usize;
    loop {
        let start = buf.as_ptr() as usize;
        let end = start + buf.len();
        let within = |s: &[u8]| {
            let a = s.as_ptr() as usize;
            s.is_empty() || (a >= start && a + s.len() <= end)
        };
        match p.feed(&buf) {
            Err(e) => {
                // Sticky.
                assert_eq!(p.feed(&buf), Err(e));
                assert_eq!(p.feed(b"\r\n"), Err(e));
                return (events, End::Error(e), consumed);
            }
            Ok((0, None)) => {
                assert!(
                    buf.len() < l.max_line + 2,
                    "undecided with {} bytes buffered (max_line {})",
                    buf.len(),
                    l.max_line
                );
                if fed >= input.len() {
                    return (events, End::NeedMore, consumed);
                }
                let n = chunks.chunk(input.len() - fed);
                buf.extend_from_slice(&input[fed..fed + n]);
                fed += n;
            }
            Ok((used, None)) => {
                // Only an empty line before the status line is consumed without an event.
                assert!(events.is_empty() && buf[..used] == *b"\r\n");
                consumed += used;
                buf.drain(..used);
            }
            Ok((used, Some(ev))) => {
                assert!(used > 0 && used <= buf.len());
                let owned = match ev {
                    ParseEvent::Status { code, reason } => {
                        assert!(within(reason));
                        assert!((100..=599).contains(&code));
                        Ev::Status(code, reason.to_vec())
                    }
                    ParseEvent::Header { name, value } => {
                        assert!(within(name) && within(value));
                        assert!(!name.is_empty());
                        Ev::Header(name.to_vec(), value.to_vec())
                    }
                    ParseEvent::Done { code } => Ev::Done(code),
                };
                consumed += used;
                buf.drain(..used);
                let done = matches!(owned, Ev::Done(_));
                events.push(owned);
                if done {
                    assert!(p.is_done());
                    assert_eq!(p.feed(b"HTTP/1.1 200 OK\r\n"), Ok((0, None)));
                    return (events, End::Done, consumed);
                }
            }
        }
    }
}

fn trim(v: &[u8]) -> &[u8] {
    let mut v = v;
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

fn list_has(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| trim(t).eq_ignore_ascii_case(token))
}

/// An independent check of an accepted head.
fn check_accepted(head: &[u8]) {
    let expected = Key::from_random(NONCE).expected_accept();
    // Every line, the empty last one included, ends with CRLF.
    let text = head
        .strip_suffix(b"\r\n")
        .expect("head ends with an empty line");
    let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    let status = lines.next().expect("status line");
    assert!(status.starts_with(b"HTTP/1.1 101"), "status {status:?}");
    let (mut accepts, mut upgrade, mut connection) = (0, false, false);
    for line in lines {
        let line = line.strip_suffix(b"\r").expect("CRLF line ends");
        let colon = line.iter().position(|&b| b == b':').expect("header colon");
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        if name.eq_ignore_ascii_case(b"Sec-WebSocket-Accept") {
            accepts += 1;
            assert_eq!(
                value,
                &expected[..],
                "accepted a wrong Sec-WebSocket-Accept"
            );
        } else if name.eq_ignore_ascii_case(b"Upgrade") {
            upgrade |= list_has(value, b"websocket");
        } else if name.eq_ignore_ascii_case(b"Connection") {
            connection |= list_has(value, b"upgrade");
        }
    }
    assert_eq!(
        accepts, 1,
        "accepted with {accepts} Sec-WebSocket-Accept headers"
    );
    assert!(upgrade, "accepted without Upgrade: websocket");
    assert!(connection, "accepted without Connection: upgrade");
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let l = limits(r.u8());
    let mut chunks = Plan::read(&mut r);
    let input = r.rest();
    let split = drive(&l, input, &mut chunks);
    let whole = drive(&l, input, &mut Plan::constant(0xFF));
    assert_eq!(split, whole, "the result depends on the chunking");
    let (events, end, consumed) = whole;
    if end == End::Done && events.last() == Some(&Ev::Done(101)) {
        check_accepted(&input[..consumed]);
    }
});
