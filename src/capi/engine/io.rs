//! Moving bytes between the socket and the connection buffer.

use super::super::consts::*;
use super::super::global::Held;
use super::super::handle::Conn;
use super::super::port::{Io, Port};
use super::super::state::{rx_err, tx_err};

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
                s.tx_progress_ms = now;
                moved = true;
            }
            Io::WouldBlock => return Ok(moved),
            io => return Err(tx_err(io)),
        }
    }
    Ok(moved)
}

/// What one [`receive`] did.
pub(super) struct Received {
    /// Bytes arrived.
    pub got: bool,
    /// The socket has nothing more for now: it gave less than there was room for, or would
    /// block. Asking again before its next readiness would cost a call that returns nothing.
    pub drained: bool,
}

/// Receives into the free end of the receive region (compacted first).
pub(super) fn receive(h: &mut Held, port: &Port, c: Conn) -> Result<Received, HTTPc_ERR> {
    let none = Received {
        got: false,
        drained: false,
    };
    let Some(s) = h.conn(c) else {
        return Ok(none);
    };
    let handle = s.handle;
    let space = s.buf.rx_space();
    let room = space.len();
    if room == 0 {
        return Ok(none);
    }
    match port.recv(handle, space) {
        Io::Done(n) => {
            s.buf.rx_commit(n);
            Ok(Received {
                got: true,
                drained: n < room,
            })
        }
        Io::WouldBlock => Ok(Received {
            got: false,
            drained: true,
        }),
        io => Err(rx_err(io)),
    }
}
