//! The raw reference client: the least work a WebSocket client can do, so every other client
//! is reported as a percentage of it. The masked frame is built once (fixed masking key,
//! payload masked in advance), `depth` copies of it side by side; each read takes whatever the
//! socket holds (up to 256 KiB) and counts the complete echo frames in it (header parsed,
//! payload skipped, not copied or checked beyond its length), and one write sends as many
//! frames as echoes came back. No UTF-8 check, no per-frame mask, no message buffer.

use crate::{fail, raw_handshake, ClientArgs, Clock};
use std::io::{Read, Write};

const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// One client frame: FIN, opcode, masked length, the key, the masked payload.
fn frame(text: bool, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(payload.len() + 14);
    f.push(if text { 0x81 } else { 0x82 });
    let n = payload.len();
    if n < 126 {
        f.push(0x80 | n as u8);
    } else if n <= 0xFFFF {
        f.push(0x80 | 126);
        f.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        f.push(0x80 | 127);
        f.extend_from_slice(&(n as u64).to_be_bytes());
    }
    f.extend_from_slice(&MASK);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    f
}

/// Counts complete server frames across reads: the header is gathered byte by byte, the
/// payload skipped.
struct Echoes {
    opcode: u8,
    size: usize,
    hdr: [u8; 10],
    hdr_len: usize,
    left: usize, // payload bytes of the current frame still to skip
    in_payload: bool,
}

impl Echoes {
    fn header_need(&self) -> usize {
        if self.hdr_len < 2 {
            return 2;
        }
        match self.hdr[1] & 0x7F {
            126 => 4,
            127 => 10,
            _ => 2,
        }
    }

    /// Consumes `buf`; returns how many frames it completed.
    fn feed(&mut self, mut buf: &[u8]) -> u64 {
        let mut done = 0;
        while !buf.is_empty() {
            if self.in_payload {
                let n = self.left.min(buf.len());
                self.left -= n;
                buf = &buf[n..];
                if self.left == 0 {
                    self.in_payload = false;
                    done += 1;
                }
                continue;
            }
            self.hdr[self.hdr_len] = buf[0];
            self.hdr_len += 1;
            buf = &buf[1..];
            if self.hdr_len < self.header_need() {
                continue;
            }
            if self.hdr[0] != 0x80 | self.opcode || self.hdr[1] & 0x80 != 0 {
                fail(&format!("unexpected frame header {:02x} {:02x}", self.hdr[0], self.hdr[1]));
            }
            let len = match self.hdr[1] & 0x7F {
                126 => u16::from_be_bytes([self.hdr[2], self.hdr[3]]) as usize,
                127 => u64::from_be_bytes(self.hdr[2..10].try_into().unwrap()) as usize,
                n => n as usize,
            };
            if len != self.size {
                fail(&format!("echo of {len} bytes, sent {}", self.size));
            }
            self.hdr_len = 0;
            if len == 0 {
                done += 1;
            } else {
                self.left = len;
                self.in_payload = true;
            }
        }
        done
    }
}

pub fn run(a: &ClientArgs) {
    let mut s = a.connect();
    raw_handshake(&mut s, &a.host, a.port);

    let one = frame(a.text, &a.payload());
    let depth = a.depth.max(1);
    let batch: Vec<u8> = one.repeat(depth);
    let total = a.total();
    let mut echoes = Echoes {
        opcode: if a.text { 1 } else { 2 },
        size: a.size,
        hdr: [0; 10],
        hdr_len: 0,
        left: 0,
        in_payload: false,
    };
    let mut buf = vec![0u8; 256 * 1024];
    let mut sent = 0u64;
    let mut received = 0u64;
    let mut clock = Clock::new(a.warmup);

    let first = total.min(depth as u64);
    s.write_all(&batch[..one.len() * first as usize])
        .unwrap_or_else(|e| fail(&format!("write: {e}")));
    sent += first;

    while received < total {
        let n = match s.read(&mut buf) {
            Ok(0) => fail("the server closed the connection"),
            Ok(n) => n,
            Err(e) => fail(&format!("read: {e}")),
        };
        let k = echoes.feed(&buf[..n]);
        for _ in 0..k {
            received += 1;
            clock.echoed(received);
        }
        let more = k.min(total - sent);
        if more > 0 {
            s.write_all(&batch[..one.len() * more as usize])
                .unwrap_or_else(|e| fail(&format!("write: {e}")));
            sent += more;
        }
    }
    clock.report(a.count);

    // Close 1000, masked; then read until the server's Close or the end of the stream.
    let code = 1000u16.to_be_bytes();
    let close = [0x88, 0x82, MASK[0], MASK[1], MASK[2], MASK[3], code[0] ^ MASK[0], code[1] ^ MASK[1]];
    let _ = s.write_all(&close);
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 || buf[..n].contains(&0x88) {
            break;
        }
    }
}
