//! One WebSocket client session driven through `httpc_ws::proto` only: what a Rust firmware
//! using the protocol core directly would link. `fp_core_client` is called by
//! tests/firmware/footprint/fp_main.c (FP_WITH_CORE=1) and never run: it only has to be
//! linked, with inputs the compiler cannot see through.
#![no_std]
#![deny(unsafe_code)]

use httpc_ws::proto::frame::Opcode;
use httpc_ws::proto::handshake::Key;
use httpc_ws::proto::handshake::{OfferedProtocols, RequestWriter};
use httpc_ws::proto::mask::Masker;
use httpc_ws::proto::session::{Config, RxEvent, Session};

/// Writes the upgrade request into `io`, then treats `io[..rx_len]` as what the server sent:
/// the response, then frames, echoing each data message and closing at the end; frames to
/// send are encoded into `out`. Returns a number derived from everything, so nothing is
/// optimised away. (Both buffers come from the C side, static there: a local one would be
/// zeroed with `memset`, the probe's own cost, not the protocol core's.)
// The only `unsafe`-class item: an exported, unmangled symbol for the C side to call.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn fp_core_client(
    io: &mut [u8; 2048],
    out: &mut [u8; 256],
    rx_len: u32,
    seed: u32,
    now: u32,
) -> u32 {
    let mut acc = 0u32;
    let key = Key::from_random(nonce(seed));
    let mut session = Session::new(Config::DEFAULT);
    // The request's host, path and subprotocol are the application's (not constants the
    // compiler could fold into the writer): taken from `out`, their lengths and the port
    // from `seed`, as opaque to the compiler as the library probe's arguments.
    let mut names = [0u8; 64];
    let (h, p, v) = (
        seed as usize & 15,
        (seed >> 4) as usize & 15,
        (seed >> 8) as usize & 15,
    );
    names.copy_from_slice(out.get(..64).unwrap_or(&[0; 64]));
    let host = names.get(..h).unwrap_or_default();
    let path = names.get(16..16 + p).unwrap_or_default();
    let protocol = names.get(32..32 + v).unwrap_or_default();
    let Some((req_len, offered)) =
        write_request(io, &key, host, (seed >> 16) as u16, path, protocol)
    else {
        return 1;
    };
    acc = acc.wrapping_add(req_len as u32);
    if session
        .begin_handshake(key.accept_digest(), offered)
        .is_err()
    {
        return 3;
    }
    let end = (rx_len as usize).min(io.len());
    let mut at = 0usize;
    // The response head.
    loop {
        let input = io.get(at..end).unwrap_or(&[]);
        match session.read_handshake(input, now) {
            Ok((used, Some(ev))) => {
                at += used;
                if matches!(ev, httpc_ws::proto::handshake::ParseEvent::Done { .. }) {
                    break;
                }
            }
            Ok((_, None)) | Err(_) => return 4,
        }
    }
    // Frames: echo data (masked), answer pings (queued by the session), then close.
    let mut masker = Masker::new(seed.to_be_bytes());
    // The last Ping's or Close's payload, for the pong or the reply to echo.
    let mut kept: &[u8] = &[];
    while at < end {
        let input = io.get(at..end).unwrap_or(&[]);
        let (used, ev) = session.read(input, now);
        at += used;
        match ev {
            RxEvent::None => break,
            RxEvent::Data { bytes, .. } => {
                let n = bytes.len().min(out.len());
                if let (Some(dst), Some(src)) = (out.get_mut(..n), bytes.get(..n)) {
                    dst.copy_from_slice(src);
                    masker.apply(dst);
                    acc = acc.wrapping_add(u32::from(dst.first().copied().unwrap_or(0)));
                }
                session.consume_data(n);
                at += n;
            }
            RxEvent::MessageStart { len, .. } => {
                if let Ok(h) = session.encode_frame(
                    Opcode::Binary,
                    true,
                    u64::from(len.unwrap_or(0)),
                    masker.key(),
                    out,
                ) {
                    acc = acc.wrapping_add(h as u32);
                }
            }
            RxEvent::Ping(p) => kept = p,
            RxEvent::Pong(p) => acc = acc.wrapping_add(p.len() as u32),
            RxEvent::Close { code, reason } => {
                kept = reason;
                acc = acc.wrapping_add(u32::from(code));
            }
            RxEvent::Failed(e) => acc = acc.wrapping_add(u32::from(e.close_code())),
            RxEvent::MessageEnd => acc = acc.wrapping_add(1),
        }
        if let Some(n) = session.poll_control(masker.key(), now, kept, out) {
            acc = acc.wrapping_add(n as u32);
        }
    }
    if let Ok(n) = session.encode_control(Opcode::Close, &[3, 232], masker.key(), now, out) {
        acc = acc.wrapping_add(n as u32);
    }
    if let Some(t) = session.poll_timers(now) {
        acc = acc.wrapping_add(t as u32);
    }
    acc.wrapping_add(session.next_timeout(now).unwrap_or(0))
}

/// The upgrade request, written into `io`: its length and the protocols it offers. Out of
/// line: the request writer is generic, so its code is instantiated in this crate and would
/// otherwise be inlined into `fp_core_client`, whose size footprint.sh leaves out.
#[inline(never)]
fn write_request(
    io: &mut [u8],
    key: &Key,
    host: &[u8],
    port: u16,
    path: &[u8],
    protocol: &[u8],
) -> Option<(usize, OfferedProtocols)> {
    let mut w = RequestWriter::new(io);
    w.start(host, port, false, path, b"", key).ok()?;
    w.header(b"Sec-WebSocket-Protocol", protocol).ok()?;
    let offered = w.offered();
    Some((w.finish().ok()?, offered))
}

/// A 16-byte nonce from `seed` (its four bytes, repeated).
fn nonce(seed: u32) -> [u8; 16] {
    let bytes = seed.to_le_bytes();
    let mut n = [0u8; 16];
    for (i, b) in n.iter_mut().enumerate() {
        *b = bytes[i % 4];
    }
    n
}
