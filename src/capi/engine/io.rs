//! Moving bytes between the socket and the connection buffer.

use super::super::consts::*;
use super::super::global::Held;
use super::super::handle::Conn;
use super::super::port::{Io, Port};
use super::super::state::{rx_err, tx_err, Phase};

/// Sends what waits in the send region. Ok(true) when bytes moved (the send-stall clock
/// restarts at `now`).
pub(super) fn flush(h: &mut Held, port: &Port, c: Conn, now: u32) -> Result<bool, HTTPc_ERR> {
    let Some(s) = h.conn(c) else {
        return Ok(false);
    };
    let mut moved = false;
    while !s.buf.tx_is_empty() {
        match port.send(s.handle, s.buf.tx_pending()) {
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
            io => return Err(tx_err(io)),
        }
    }
    Ok(moved)
}

/// Receives into the free end of the receive region (compacted first). Ok(true) when bytes
/// arrived. With `sink`, bytes may be received only to be dropped (see `ConnBuf::rx_space`).
pub(super) fn receive(h: &mut Held, port: &Port, c: Conn, sink: bool) -> Result<bool, HTTPc_ERR> {
    let Some(s) = h.conn(c) else {
        return Ok(false);
    };
    let handle = s.handle;
    let (space, keep) = s.buf.rx_space(sink);
    if space.is_empty() {
        return Ok(false);
    }
    match port.recv(handle, space) {
        Io::Done(n) => {
            if keep {
                s.buf.rx_commit(n);
            }
            Ok(true)
        }
        Io::WouldBlock => Ok(false),
        io => Err(rx_err(io)),
    }
}

/// Bytes that are nothing but line ends (CR, LF): what some servers send after a body, harmless
/// between responses (the parser skips such lines before a status line).
pub(super) fn blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\r' || b == b'\n')
}
