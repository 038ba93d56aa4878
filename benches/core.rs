//! Throughput of the protocol core's hot paths, as a plain bench binary (no harness):
//!
//!     cargo bench --bench core
//!
//! Each case runs for about half a second after a warm-up and reports MB/s (best of 5 runs).
//! Host numbers; on a Cortex-M the ratios between cases are what carries over.

use std::hint::black_box;
use std::time::{Duration, Instant};

use httpc_ws::proto::frame::{FrameHeader, Opcode, MAX_HEADER_LEN};
use httpc_ws::proto::handshake::{Key, OfferedProtocols, ParseEvent};
use httpc_ws::proto::mask::apply_mask;
use httpc_ws::proto::session::{Config, RxEvent, Session};
use httpc_ws::proto::utf8::Utf8Validator;

/// Runs `f` (which processes `bytes` bytes) repeatedly; returns the best MB/s of 5 runs.
fn measure(bytes: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    let mut best = 0.0f64;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_millis(100) {
            f();
            n += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        best = best.max(n as f64 * bytes as f64 / secs / 1e6);
    }
    best
}

fn mask_bytewise(key: [u8; 4], buf: &mut [u8]) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b ^= key[i % 4];
    }
}

fn open_session() -> Session {
    let mut s = Session::new(Config::DEFAULT);
    let key = Key::from_random(*b"the sample nonce");
    s.begin_handshake(key.accept_digest(), OfferedProtocols::new())
        .unwrap();
    let mut resp = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ".to_vec();
    resp.extend_from_slice(&key.expected_accept());
    resp.extend_from_slice(b"\r\n\r\n");
    let mut rest: &[u8] = &resp;
    loop {
        let (n, ev) = s.read_handshake(rest, 0).unwrap();
        rest = &rest[n..];
        if let Some(ParseEvent::Done { .. }) = ev {
            break;
        }
    }
    s
}

/// Server frames carrying `payload` in frames of `frame_len` bytes (one message).
fn server_stream(opcode: u8, payload: &[u8], frame_len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = payload.chunks(frame_len).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let h = FrameHeader {
            fin: i + 1 == chunks.len(),
            rsv: 0,
            opcode: Opcode::from_u8(if i == 0 { opcode } else { 0 }),
            mask: None,
            len: chunk.len() as u64,
        };
        let mut hdr = [0u8; MAX_HEADER_LEN];
        let n = h.encode(&mut hdr).unwrap();
        out.extend_from_slice(&hdr[..n]);
        out.extend_from_slice(chunk);
    }
    out
}

/// Feeds `stream` through a session in reads of `read_len` bytes; returns payload bytes seen.
fn receive(stream: &[u8], read_len: usize) -> usize {
    let mut s = open_session();
    let mut seen = 0;
    for piece in stream.chunks(read_len) {
        let mut rest = piece;
        loop {
            let (n, ev) = s.read(rest, 0);
            let taken = match ev {
                RxEvent::Data { bytes, .. } => bytes.len(),
                RxEvent::None => {
                    rest = &rest[n..];
                    break;
                }
                _ => 0,
            };
            s.consume_data(taken);
            seen += taken;
            rest = &rest[n + taken..];
        }
        assert!(rest.is_empty());
    }
    seen
}

fn main() {
    const LEN: usize = 1 << 20;
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let mut buf: Vec<u8> = (0..LEN + 3).map(|i| i as u8).collect();

    println!("{:<48}{:>9}", "case", "MB/s");
    let word = measure(LEN, || apply_mask(key, 1, black_box(&mut buf[3..])));
    println!("{:<48}{word:9.0}", "mask 1 MiB, word at a time (unaligned)");
    let byte = measure(LEN, || mask_bytewise(key, black_box(&mut buf[3..])));
    println!("{:<48}{byte:9.0}", "mask 1 MiB, byte-wise reference");

    let ascii: Vec<u8> = (0..LEN).map(|i| b'a' + (i % 26) as u8).collect();
    let mixed: Vec<u8> = "κόσμε € 😀 abc ".repeat(LEN / 24).into_bytes();
    let v = measure(ascii.len(), || {
        let mut u = Utf8Validator::new();
        u.feed(black_box(&ascii)).unwrap();
    });
    println!("{:<48}{v:9.0}", "UTF-8 validate 1 MiB ASCII");
    let v = measure(mixed.len(), || {
        let mut u = Utf8Validator::new();
        u.feed(black_box(&mixed)).unwrap();
    });
    println!("{:<48}{v:9.0}", "UTF-8 validate 1 MiB mixed scripts");
    let v = measure(mixed.len(), || {
        black_box(core::str::from_utf8(black_box(&mixed)).is_ok());
    });
    println!(
        "{:<48}{v:9.0}",
        "  core::str::from_utf8, same input (reference)"
    );

    let payload: Vec<u8> = (0..LEN).map(|i| i as u8).collect();
    for (what, opcode, data, frame_len, read_len) in [
        (
            "binary, 1 frame, 16 KiB reads",
            2u8,
            &payload,
            LEN,
            16 << 10,
        ),
        (
            "binary, 64 B frames, 16 KiB reads",
            2,
            &payload,
            64,
            16 << 10,
        ),
        (
            "text (ASCII), 1 frame, 16 KiB reads",
            1,
            &ascii,
            LEN,
            16 << 10,
        ),
        ("binary, 1 frame, 1 KiB reads", 2, &payload, LEN, 1 << 10),
    ] {
        let stream = server_stream(opcode, data, frame_len);
        let v = measure(data.len(), || {
            assert_eq!(receive(black_box(&stream), read_len), data.len());
        });
        println!("{:<48}{v:9.0}", format!("receive 1 MiB {what}"));
    }

    let mut out = [0u8; MAX_HEADER_LEN];
    let h = FrameHeader {
        fin: true,
        rsv: 0,
        opcode: Opcode::Binary,
        mask: Some(key),
        len: 70_000,
    };
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_millis(300) {
        black_box(h.encode(black_box(&mut out)).unwrap());
        n += 1;
    }
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    println!("{:<48}{ns:9.1} ns", "encode one frame header");
}
