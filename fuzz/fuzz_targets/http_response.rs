//! http_response: `proto::http::ResponseParser` (plain requests) fed arbitrary bytes in
//! arbitrary chunks, the way an engine feeds it: an accumulating receive buffer that keeps the
//! unconsumed bytes; then `eof()` when the config asks for it.
//!
//! Input layout: one config byte (line/head limits, request was HEAD, call eof), a chunk
//! plan, then the response bytes.
//!
//! Invariants:
//! - no panic; events borrow only from the buffer they were parsed from; `Data` is a
//!   non-empty prefix of it and its length is what was consumed;
//! - the result (events with adjacent `Data` joined, then End / error / "need more", and the
//!   bytes left) does not depend on the chunking: the run is compared with a one-shot run;
//! - a caller buffer of `max_line + 2` bytes always suffices (the parser decides by then);
//! - errors are sticky; after `End` the parser is done and any further byte is an error;
//! - the body agrees with the framing: exactly `n` bytes for `Length(n)`, none for `NoBody`.
#![no_main]

use httpc_ws::proto::http::{Error, Event, Framing, ResponseParser};
use httpc_ws_fuzz::input::{Plan, Reader};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Status(u16, u8, Vec<u8>),
    Header(Vec<u8>, Vec<u8>),
    Interim,
    Head(Framing, bool),
    Data(Vec<u8>),
    Trailer(Vec<u8>, Vec<u8>),
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Done,
    Error(Error),
    NeedMore,
}

struct Config {
    max_line: usize,
    max_head: usize,
    head_request: bool,
    eof: bool,
}

fn config(sel: u8) -> Config {
    Config {
        max_line: match sel & 3 {
            0 => 1024,
            1 => 64,
            2 => 8,
            _ => 200,
        },
        max_head: match (sel >> 2) & 3 {
            0 => 8192,
            1 => 256,
            2 => 40,
            _ => 0,
        },
        head_request: sel & 0x10 != 0,
        eof: sel & 0x20 != 0,
    }
}

/// Feeds `input` in chunks; returns the events, how it ended and the bytes left over.
fn drive(c: &Config, input: &[u8], chunks: &mut Plan) -> (Vec<Ev>, End, Vec<u8>) {
    let mut p = ResponseParser::new(c.max_line, c.max_head, c.head_request);
    let mut events: Vec<Ev> = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0usize;
    let end = loop {
        let range = buf.as_ptr_range();
        let within =
            |s: &[u8]| s.is_empty() || (range.contains(&s.as_ptr()) && s.len() <= buf.len());
        match p.feed(&buf) {
            Err(e) => {
                assert_eq!(p.feed(&buf), Err(e));
                assert_eq!(p.feed(b"\r\n"), Err(e));
                assert_eq!(p.eof(), Err(e));
                break End::Error(e);
            }
            Ok((0, None)) => {
                assert!(
                    buf.len() < c.max_line + 2,
                    "undecided with {} bytes buffered (max_line {})",
                    buf.len(),
                    c.max_line
                );
                if fed < input.len() {
                    let n = chunks.chunk(input.len() - fed);
                    buf.extend_from_slice(&input[fed..fed + n]);
                    fed += n;
                    continue;
                }
                if !c.eof {
                    break End::NeedMore;
                }
                match p.eof() {
                    Ok(Some(Event::End)) => {
                        events.push(Ev::End);
                        break End::Done;
                    }
                    Ok(other) => panic!("eof gave {other:?} before the end"),
                    Err(e) => {
                        assert_eq!(e, Error::Truncated);
                        assert_eq!(p.eof(), Err(e));
                        break End::Error(e);
                    }
                }
            }
            Ok((used, ev)) => {
                assert!(used <= buf.len());
                let mut done = false;
                let owned = ev.map(|ev| match ev {
                    Event::Status {
                        code,
                        minor,
                        reason,
                    } => {
                        assert!(within(reason) && (100..=599).contains(&code) && minor <= 1);
                        Ev::Status(code, minor, reason.to_vec())
                    }
                    Event::Header { name, value } => {
                        assert!(within(name) && within(value) && !name.is_empty());
                        Ev::Header(name.to_vec(), value.to_vec())
                    }
                    Event::Interim => Ev::Interim,
                    Event::Head {
                        framing,
                        keep_alive,
                    } => Ev::Head(framing, keep_alive),
                    Event::Data(d) => {
                        assert!(!d.is_empty() && d.as_ptr() == buf.as_ptr() && d.len() == used);
                        Ev::Data(d.to_vec())
                    }
                    Event::Trailer { name, value } => {
                        assert!(within(name) && within(value) && !name.is_empty());
                        Ev::Trailer(name.to_vec(), value.to_vec())
                    }
                    Event::End => {
                        done = true;
                        Ev::End
                    }
                });
                match (events.last_mut(), owned) {
                    (Some(Ev::Data(prev)), Some(Ev::Data(more))) => prev.extend_from_slice(&more),
                    (_, Some(ev)) => events.push(ev),
                    (_, None) => assert!(used > 0, "no progress reported as progress"),
                }
                buf.drain(..used);
                if done {
                    assert!(p.is_done());
                    assert_eq!(p.feed(b""), Ok((0, None)));
                    assert_eq!(p.eof(), Ok(None));
                    let mut after = p;
                    assert_eq!(after.feed(b"x"), Err(Error::DataAfterEnd));
                    break End::Done;
                }
            }
        }
    };
    buf.extend_from_slice(&input[fed..]);
    (events, end, buf)
}

/// The body must agree with the framing the head announced.
fn check_body(events: &[Ev], end: &End) {
    let Some(at) = events.iter().position(|e| matches!(e, Ev::Head(..))) else {
        return;
    };
    let body: usize = events[at..]
        .iter()
        .map(|e| match e {
            Ev::Data(d) => d.len(),
            _ => 0,
        })
        .sum();
    match events[at] {
        Ev::Head(Framing::NoBody, _) => assert_eq!(body, 0),
        Ev::Head(Framing::Length(n), _) => {
            assert!(body <= n as usize);
            if *end == End::Done {
                assert_eq!(body, n as usize);
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let c = config(r.u8());
    let mut chunks = Plan::read(&mut r);
    let input = r.rest();
    let split = drive(&c, input, &mut chunks);
    let whole = drive(&c, input, &mut Plan::constant(0xFF));
    assert_eq!(split, whole, "the result depends on the chunking");
    check_body(&whole.0, &whole.1);
});
