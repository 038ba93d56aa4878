//! A plain request's body, sent after its head: from the body hook as is (the announced
//! length) or chunked (legacy's fixed-width sizes), or a form's (`form_body.rs`).

use super::super::super::app::AppBytes;
use super::super::super::consts::*;
use super::super::super::global::Held;
use super::super::super::handle::{meets, Conn};
use super::super::super::hooks;
use super::super::super::state::{ReqState, REQ_CHUNKED, TXN_BODY_DONE, TXN_CHUNK_END_OWED};
#[cfg(feature = "form")]
use super::form_body::produce_form;
use super::upgrading;
use crate::proto::http::request::{chunk_header, hex_digits, last_chunk, CHUNK_END};

/// What the body producer did.
pub(super) enum Tx {
    /// Bytes are in the send region.
    Queued,
    /// The body hook gave nothing this time: asked again shortly.
    Stalled,
    /// The whole request is out.
    Done,
}

/// Puts the next piece of the body into the (empty) buffer. As legacy: without chunking the
/// hook is called until the announced length went out; chunked, each call is one chunk, its
/// size written in legacy's fixed width (the hex digits of the buffer length), and the hook
/// says which is the last.
pub(super) fn produce(h: &mut Held, c: Conn) -> Result<Tx, HTTPc_ERR> {
    let Some(s) = h.conn(c) else {
        return Ok(Tx::Done);
    };
    if upgrading(s) {
        // The upgrade's request is its head alone.
        return Ok(Tx::Done);
    }
    let (req, body_left) = (s.req, s.body_left);
    let width = hex_digits(s.buf.len() as u32);
    let Some(r) = req.and_then(|r| h.state::<_, ReqState>(r)) else {
        return Ok(Tx::Done);
    };
    #[cfg(feature = "form")]
    if r.form.is_set() {
        // Once all of it went out the form is done (every form but an empty table has bytes in
        // its last step; see the step index in `produce_form`).
        if body_left == 0 {
            return Ok(Tx::Done);
        }
        return produce_form(h, c);
    }
    // 1. The rest of what the hook pointed at in its own memory.
    let src = r.body_src;
    let off = r.body_src_off as usize;
    if off < src.all().len() {
        let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
        let n = s.buf.copy_in(0, src.get(off, usize::MAX));
        s.buf.tx_queue_span(0, n);
        if let Some(r) = h.req_of(c) {
            r.body_src_off += n as u32;
        }
        return Ok(Tx::Queued);
    }
    // 2. The CRLF after a chunk's data, and after the last one the last chunk.
    if r.txn.has(TXN_CHUNK_END_OWED) {
        r.txn.set(TXN_CHUNK_END_OWED, false);
        let mut tail = [0u8; 2 + 8 + 4];
        let mut n = put(&mut tail, 0, CHUNK_END)?;
        if r.txn.has(TXN_BODY_DONE) {
            n += tail
                .get_mut(n..)
                .and_then(|t| last_chunk(width, t))
                .ok_or(HTTPc_ERR_REQ_BODY_CHUNK_PREPARE)?;
        }
        return Ok(queue(h, c, tail.get(..n).unwrap_or_default()));
    }
    if r.txn.has(TXN_BODY_DONE) || (!r.params.has(REQ_CHUNKED) && body_left == 0) {
        return Ok(Tx::Done);
    }
    // 3. The hook, offered the buffer (after room for the chunk header when chunked).
    let (chunked, hook) = (r.params.has(REQ_CHUNKED), r.on_body_tx);
    let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    let start = if chunked { width + CHUNK_END.len() } else { 0 };
    let room = u16::try_from(s.buf.len().saturating_sub(start)).unwrap_or(u16::MAX);
    let p = s.buf.ptr_at(start);
    let req = req.ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    let piece = hooks::on_body_tx(h, hook, c.ptr(), req.ptr(), p, room)
        .ok_or(HTTPc_ERR_REQ_PARAM_BODY_INVALID)?;
    let len = piece.len;
    // Written in the buffer: no more than offered (legacy: HTTPc_ERR_REQ_BODY_CHUNK_INVALID).
    if piece.own.is_none() && len > room {
        return Err(HTTPc_ERR_REQ_BODY_CHUNK_INVALID);
    }
    if chunked {
        if len == 0 {
            // Legacy: an empty chunk that is not the last is an error (it would end the body);
            // the last one alone is the end of the body.
            if !piece.last {
                return Err(HTTPc_ERR_REQ_BODY_CHUNK_INVALID);
            }
            if let Some(r) = h.req_of(c) {
                r.txn.set(TXN_BODY_DONE, true);
            }
            let mut end = [0u8; 8 + 4];
            let n = last_chunk(width, &mut end).ok_or(HTTPc_ERR_REQ_BODY_CHUNK_PREPARE)?;
            return Ok(queue(h, c, end.get(..n).unwrap_or_default()));
        }
    } else {
        if len == 0 {
            return Ok(Tx::Stalled);
        }
        let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
        // More than announced would corrupt the connection (legacy's error too).
        if u32::from(len) > s.body_left {
            return Err(HTTPc_ERR_REQ_BODY_CHUNK_INVALID);
        }
        s.body_left -= u32::from(len);
    }
    let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    let (copied, src) = match piece.own {
        // Pointed into the connection buffer (at bytes it wrote there): moved to where the
        // data goes, never read as the application's memory while the buffer is written.
        Some(own) if meets(s.buf.span(), (own.ptr() as usize, usize::from(len))) => {
            let from = s
                .buf
                .offset_of(own.ptr().cast())
                .ok_or(HTTPc_ERR_REQ_BODY_CHUNK_INVALID)?;
            let n = s.buf.move_within(from, start, usize::from(len));
            if n < usize::from(len) {
                return Err(HTTPc_ERR_REQ_BODY_CHUNK_INVALID);
            }
            (n, AppBytes::NONE)
        }
        // Copied out of the application's memory, now and in the passes that follow.
        Some(own) => (s.buf.copy_in(start, own.all()), own),
        None => (usize::from(len), AppBytes::NONE),
    };
    if chunked {
        // The size line goes in front only now: data the hook pointed at in front of the
        // region it was offered (where the line goes) has been moved out of the way first.
        let mut head = [0u8; 8 + 2];
        let n = chunk_header(u32::from(len), width, &mut head)
            .filter(|&n| n == start)
            .ok_or(HTTPc_ERR_REQ_BODY_CHUNK_PREPARE)?;
        s.buf.copy_in(0, head.get(..n).unwrap_or_default());
    }
    s.buf
        .tx_queue_span(if chunked { 0 } else { start }, start + copied);
    if let Some(r) = h.req_of(c) {
        r.body_src = src;
        r.body_src_off = copied as u32;
        if chunked {
            r.txn.set(TXN_CHUNK_END_OWED, true);
            r.txn.set(TXN_BODY_DONE, piece.last);
        }
    }
    Ok(Tx::Queued)
}

/// Queues `bytes` (library framing) as the whole send region.
#[inline(always)]
fn queue(h: &mut Held, c: Conn, bytes: &[u8]) -> Tx {
    if let Some(s) = h.conn(c) {
        let n = s.buf.copy_in(0, bytes);
        s.buf.tx_queue_span(0, n);
    }
    Tx::Queued
}

/// Copies `src` to `out[at..]`: its length, or `HTTPc_ERR_REQ_BODY_CHUNK_PREPARE` when it
/// does not fit.
fn put(out: &mut [u8], at: usize, src: &[u8]) -> Result<usize, HTTPc_ERR> {
    let dst = out
        .get_mut(at..at + src.len())
        .ok_or(HTTPc_ERR_REQ_BODY_CHUNK_PREPARE)?;
    Ok(crate::proto::bytes::copy(dst, src))
}
