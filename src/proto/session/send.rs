//! The sending side of a session: headers of the caller's frames, checked against its state
//! and the fragment sequence; the automatic control frames (pong, Close reply, keep-alive
//! ping); our Close, the send half of the closing handshake.

use super::*;

impl Session {
    /// Encodes the header of one outgoing frame, masked with `key`, into `out` (at least
    /// [`crate::proto::frame::MAX_HEADER_LEN`] bytes), checking that the frame is legal now. Data frames
    /// start a message with `Some(kind)` and continue it with `None`; FIN ends it.
    /// The caller then sends `len` payload bytes masked with `key` (see [`crate::proto::mask::Masker`]).
    pub fn encode_frame(
        &mut self,
        opcode: Opcode,
        fin: bool,
        len: u64,
        key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        let op = self.check_send(opcode, fin, len)?;
        let n =
            encode_header(op | (fin as u8) << 7, key, len, out).ok_or(SendError::ControlTooLong)?;
        // check_send let through data opcodes and the three control ones only.
        if op & 0x08 == 0 {
            self.tx_fragmented = !fin;
        }
        Ok(n)
    }

    /// Whether frames may still go (open, no Close sent, received or owed); why not if not.
    #[inline(always)]
    pub fn may_send(&self) -> Result<(), SendError> {
        if !matches!(self.state, State::Open | State::Closing) {
            return Err(SendError::NotOpen);
        }
        // (A received Close is enough too: it left our Close owed or sent, or the session
        // closed.)
        if self.close_sent || self.pending_close != 0 {
            return Err(SendError::Closing);
        }
        Ok(())
    }

    /// Whether a frame may go now; its wire opcode if so.
    fn check_send(&self, opcode: Opcode, fin: bool, len: u64) -> Result<u8, SendError> {
        self.may_send()?;
        // The wire value: the tag itself for every opcode but the reserved ones.
        let op = match opcode {
            Opcode::Continuation => OP_CONTINUATION,
            Opcode::Text => OP_TEXT,
            Opcode::Binary => OP_BINARY,
            Opcode::Close => OP_CLOSE,
            Opcode::Ping => OP_PING,
            Opcode::Pong => OP_PONG,
            Opcode::Reserved(_) => return Err(SendError::FragmentSequence),
        };
        let bad_sequence = if op & 0x08 != 0 {
            // Ping, pong, close.
            if !fin || len > MAX_CONTROL_PAYLOAD as u64 {
                return Err(SendError::ControlTooLong);
            }
            false
        } else {
            // A continuation needs a message in progress; text or binary needs none.
            (op == 0) != self.tx_fragmented
        };
        if bad_sequence {
            Err(SendError::FragmentSequence)
        } else {
            Ok(op)
        }
    }

    /// Encodes a whole application control frame (ping, pong or close) with its masked payload
    /// into `out` (at least [`MAX_CONTROL_FRAME`] bytes). A Close payload must be empty or a
    /// valid code plus UTF-8 reason; sending it starts the closing handshake.
    // Out of line, as `read`: the C API sends control frames through its one-frame data path.
    #[inline(never)]
    pub fn encode_control(
        &mut self,
        opcode: Opcode,
        payload: &[u8],
        key: [u8; 4],
        now_ms: u32,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        // Opcode::is_control, without the conversion.
        let control = match opcode {
            Opcode::Close | Opcode::Ping | Opcode::Pong => true,
            Opcode::Reserved(raw) => raw & 0x08 != 0,
            _ => false,
        };
        if !control {
            return Err(SendError::FragmentSequence);
        }
        let is_close = opcode == Opcode::Close;
        if is_close {
            // (An empty payload passes: no status.)
            close::payload_code(payload).map_err(SendError::InvalidClose)?;
        }
        // encode_frame checks the length (at most 125) and that the frame may go now.
        let n = self.encode_frame(opcode, true, payload.len() as u64, key, out)?;
        let n = put_payload(n, key, payload, out).ok_or(SendError::ControlTooLong)?;
        if is_close {
            self.mark_close_sent(now_ms);
        }
        Ok(n)
    }

    /// Our Close went out (its whole frame is written): the closing handshake's send side.
    pub fn mark_close_sent(&mut self, now_ms: u32) {
        self.close_sent = true;
        self.begin_close(now_ms);
        self.pending_ping = false;
        self.pong_owed = false;
        self.state = if self.close_received != 0 {
            State::Closed
        } else {
            State::Closing
        };
    }

    /// True when [`Session::poll_control`] has a frame to send.
    pub const fn has_pending_control(&self) -> bool {
        self.pending_close != 0 || self.pong_owed || self.pending_ping
    }

    /// The next automatic control frame (pong, our Close reply or failure Close, keep-alive
    /// ping), complete and masked with `key`, written into `out` (at least
    /// [`MAX_CONTROL_FRAME`] bytes). `received` is the payload of the last Ping or Close
    /// received (its [`RxEvent`]), which the pong and the Close reply echo. Call it between
    /// frames: control frames go out before any further data, even between the fragments of a
    /// message.
    pub fn poll_control(
        &mut self,
        key: [u8; 4],
        now_ms: u32,
        received: &[u8],
        out: &mut [u8],
    ) -> Option<usize> {
        let code;
        let (op, payload): (u8, &[u8]) = if self.pong_owed {
            self.pong_owed = false;
            (OP_PONG, received)
        } else if self.pending_close != 0 {
            let c = core::mem::take(&mut self.pending_close);
            self.mark_close_sent(now_ms);
            code = c.to_be_bytes();
            if self.close_received == c && (self.failure.is_none() || c == close::NO_STATUS) {
                // The reply echoes the server's whole Close, code and reason, as the legacy
                // client did (RFC 6455 §5.5.1 allows it): the caller kept it. An empty
                // Close (the only source of 1005 here) is answered empty, failure or not.
                (OP_CLOSE, received)
            } else {
                // A failure Close carries the bare code.
                (OP_CLOSE, &code)
            }
        } else if self.pending_ping {
            self.pending_ping = false;
            (OP_PING, &[])
        } else {
            return None;
        };
        let n = encode_header(0x80 | op, key, payload.len() as u64, out)?;
        put_payload(n, key, payload, out)
    }
}

/// The length of the masked header of a frame of `len` payload bytes (see `encode_header`):
/// 6 bytes, and 2 or 8 of extended length.
pub const fn header_len(len: u64) -> usize {
    if len > 0xFFFF {
        14
    } else if len > 125 {
        8
    } else {
        6
    }
}

/// Encodes a masked frame header in the minimal length form (§5.2); None if `out` is too
/// small.
/// `b0` is the first byte: FIN and the opcode.
fn encode_header(b0: u8, key: [u8; 4], len: u64, out: &mut [u8]) -> Option<usize> {
    let ext = header_len(len) - 6;
    // 126 announces 16 bits of length, 127 64 bits.
    let len7 = if ext == 0 {
        len as u8
    } else {
        126 + (ext >> 3) as u8
    };
    let (head, rest) = out.get_mut(..6 + ext)?.split_first_chunk_mut::<2>()?;
    *head = [b0, 0x80 | len7];
    // The extended length (none, 16 or 64 bits, big-endian), then the key.
    let (ext_len, mask) = rest.split_last_chunk_mut::<4>()?;
    *mask = key;
    let mut rest_len = len;
    for b in ext_len.iter_mut().rev() {
        *b = rest_len as u8;
        rest_len >>= 8;
    }
    Some(6 + ext)
}

/// Puts `payload`, masked, after the `n`-byte header in `out`; the frame length, None if `out`
/// is too small.
#[inline(always)]
fn put_payload(n: usize, key: [u8; 4], payload: &[u8], out: &mut [u8]) -> Option<usize> {
    let end = n + payload.len();
    let body = out.get_mut(n..end)?;
    super::super::bytes::copy(body, payload);
    apply_mask(key, 0, body);
    Some(end)
}
