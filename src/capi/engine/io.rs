//! Moving bytes between the socket and the connection buffer.

use super::super::consts::*;
use super::super::global::{self, Held};
use super::super::handle::Conn;
use super::super::port::Io;
use super::super::state::{rx_err, tx_err, Code8, Phase};

/// Sends what waits in the send region. Ok(true) when bytes moved (the send-stall clock
/// restarts at `now`).
#[inline(always)]
pub(super) fn flush(h: &mut Held, c: Conn, now: u32) -> Result<bool, HTTPc_ERR> {
    flush8(h, c, now).map_err(Code8::get)
}

/// [`flush`], its error in a byte: the result comes back in a register, not through memory.
#[inline(never)]
fn flush8(h: &mut Held, c: Conn, now: u32) -> Result<bool, Code8> {
    let port = global::engine_port();
    let mut moved = false;
    loop {
        // No state reference lives across the port call: the port (a TLS trust callback in it)
        // may call the API, which reaches the same state.
        let Some(s) = h.conn(c) else {
            return Ok(moved);
        };
        if s.buf.tx_is_empty() {
            return Ok(moved);
        }
        let handle = s.handle;
        let (p, len) = s.buf.tx_pending_raw();
        let io = port.send_raw(handle, p, len);
        let Some(s) = h.conn(c) else {
            return Ok(moved);
        };
        match io {
            Io::Done(n) => {
                s.buf.tx_advance(n);
                // The send-stall clock (an open WebSocket's; a transaction's deadline runs
                // from its start).
                if s.phase == Phase::WebSock {
                    s.clock_ms = now;
                }
                moved = true;
            }
            Io::WouldBlock => return Ok(moved),
            io => return Err(Code8::new(tx_err(io))),
        }
    }
}

/// Receives into the free end of the receive region (compacted first). Ok(true) when bytes
/// arrived. With `sink`, bytes may be received only to be dropped (see `ConnBuf::rx_space`).
#[inline(always)]
pub(super) fn receive(h: &mut Held, c: Conn, sink: bool) -> Result<bool, HTTPc_ERR> {
    receive8(h, c, sink).map_err(Code8::get)
}

/// [`receive`], its error in a byte (as [`flush8`]).
#[inline(never)]
fn receive8(h: &mut Held, c: Conn, sink: bool) -> Result<bool, Code8> {
    let port = global::engine_port();
    let Some(s) = h.conn(c) else {
        return Ok(false);
    };
    let handle = s.handle;
    let (p, len, keep) = s.buf.rx_space_raw(sink);
    if len == 0 {
        return Ok(false);
    }
    // (As in `flush`: no state reference across the port call.)
    match port.recv_raw(handle, p, len) {
        Io::Done(n) => {
            if keep {
                if let Some(s) = h.conn(c) {
                    s.buf.rx_commit(n);
                }
            }
            Ok(true)
        }
        Io::WouldBlock => Ok(false),
        io => Err(Code8::new(rx_err(io))),
    }
}

/// Bytes that are nothing but line ends (CR, LF): what some servers send after a body, harmless
/// between responses (the parser skips such lines before a status line).
pub(super) fn blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\r' || b == b'\n')
}
