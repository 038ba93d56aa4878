//! Producing frames into the send region: automatic control frames first (pong, Close reply,
//! keep-alive ping), then the application's control messages, then its data messages, each
//! frame streamed from its buffer or `OnMsgTxData`; and completing each message exactly once.

use super::super::consts::*;
use super::super::global::{self, Held};
use super::super::handle::{Conn, Msg, Ws};
use super::super::hooks;
use super::super::state::{Code8, MsgState, TxProgress, WsState, CONN_CLOSE_REQUESTED};
use super::super::types::{DEF_FAIL, DEF_OK};
use super::io::flush;
use super::{mask_key, signal_waiters};
use crate::proto::bytes;
use crate::proto::close::payload_code;
use crate::proto::frame::{Opcode, MAX_HEADER_LEN};
use crate::proto::mask::Masker;
use crate::proto::session::{header_len, MAX_CONTROL_FRAME};

/// Fills the send region when empty (control frames first), then sends it.
// Out of line: one copy for the turn, its end of stream and a blocking send (its frame on the
// send hooks' stack path is within the budget: scripts/footprint.sh).
#[inline(never)]
pub(super) fn produce_and_flush(
    h: &mut Held,
    c: Conn,
    now: u32,
    only: Option<Msg>,
) -> Result<bool, Code8> {
    let mut moved = false;
    for _ in 0..4 {
        let Some((s, _)) = h.conn_ws(c) else {
            return Ok(moved);
        };
        if s.buf.tx_is_empty() {
            // The send-stall clock runs only while bytes wait: from now, if these wait (in a
            // pass's turn and in a blocking send beside the engine task alike).
            s.clock_ms = now;
            // The region drained: the messages whose last frames it held are sent.
            if let Some(w) = s.ws {
                while let Some(m) = take_finishing(h, w) {
                    complete_msg(h, c, m, HTTPc_ERR_NONE);
                    // A blocking send's own message is done: what its completion hook queued
                    // (the same object sent again, too) is the engine's.
                    if only.is_some() {
                        return Ok(moved);
                    }
                }
            }
            if !produce(h, c, now, only).map_err(|Fault| Code8::new(HTTPc_ERR_WEBSOCK_FAULT))? {
                return Ok(moved);
            }
        }
        if flush(h, c, now).map_err(Code8::new)? {
            moved = true;
            // (A keep-alive ping waiting behind these bytes: its pong timer starts again.)
            if let Some(ws) = h.ws_of(c) {
                ws.session.tx_progress(now);
            }
        }
        if h.conn(c).is_none_or(|s| !s.buf.tx_is_empty()) {
            return Ok(moved);
        }
    }
    Ok(moved)
}

/// The random source failed (`HTTPc_ERR_WEBSOCK_FAULT`): the one error of producing frames.
/// (Zero-sized: a `Result<bool, Fault>` comes back in a register, not through memory.)
struct Fault;

/// What producing a frame did: Ok(false) when nothing was written.
type Produced = Result<bool, Fault>;

/// Frames written into the send region before one write, at most.
const BATCH_FRAMES: u32 = 32;

/// Writes the next frames into the send region, behind any still pending, while one more
/// control frame (the largest that must fit whole) has room (an empty region always has): small
/// messages then leave together, in one write. Ok(false) when nothing was written.
// Inlined into `produce_and_flush`, its one caller: measured smaller in every build, and the
// two frames as one are smaller than the two were (M4 144 -> 128 B, M0 168 -> 136 B).
#[inline(always)]
fn produce(h: &mut Held, c: Conn, now: u32, only: Option<Msg>) -> Produced {
    // (The count tells too whether any was: one value kept across the loop, not two.)
    let mut written = 0;
    while written < BATCH_FRAMES && may_produce(h, c, only) && produce_one(h, c, now)? {
        written += 1;
    }
    Ok(written > 0)
}

/// Whether `produce_one` may write a frame now: a whole control frame still has room and
/// something waits (a control frame owed, a message queued or under way); with `only` (a
/// blocking send's own message, see `send_now`), as long as that message heads the queue. One
/// lookup, where `produce_one` would make several to find nothing: the common end of a batch.
fn may_produce(h: &mut Held, c: Conn, only: Option<Msg>) -> bool {
    h.conn_ws(c).is_some_and(|(s, ws)| {
        // (Not once a hook asked for the close: no message hook runs after that.)
        !s.flags.has(CONN_CLOSE_REQUESTED)
            && s.buf.tx_room() >= MAX_CONTROL_FRAME
            && (ws.head.is_some() || ws.session.has_pending_control())
            && only.is_none_or(|m| ws.head == Some(m))
    })
}

/// Writes the next frame (or frame piece) into the send region. Ok(false) when nothing to send.
fn produce_one(h: &mut Held, c: Conn, now: u32) -> Produced {
    // 1. Payload of a frame already started (one-frame messages stream through the region):
    // the queue's head, the data message under way (see `start_frame`).
    let head = h.ws_of(c).and_then(|ws| ws.head);
    let frame = match head.filter(|&m| h.msg(m).is_some_and(|ms| single_frame_left(ms) > 0)) {
        Some(cur) => Frame::Payload(cur, 0),
        None => next_frame(h, c, now)?,
    };
    // (One call of `produce_payload` and of `fail_frame`, for every case.)
    let frame = match frame {
        Frame::Payload(m, at) => produce_payload(h, c, m, at, now),
        f => f,
    };
    match frame {
        Frame::Fail(m) => {
            fail_frame(h, c, m);
            Ok(true)
        }
        Frame::Done(any) => Ok(any),
        Frame::Payload(..) => Ok(true),
    }
}

/// What [`next_frame`] did.
enum Frame {
    /// A whole frame written (true), or nothing.
    Done(bool),
    /// The header of a one-frame message's frame is written, this many bytes (for a fragment:
    /// room kept for its header): its payload follows.
    Payload(Msg, usize),
    /// The message cannot be sent (the session is past sending): it fails (one call of
    /// `fail_frame` for every such case).
    Fail(Msg),
}

/// A new frame, its payload not under way: steps 2 to 4 of [`produce_one`].
fn next_frame(h: &mut Held, c: Conn, now: u32) -> Result<Frame, Fault> {
    let port = global::engine_port();
    let Some((s, ws)) = h.conn_ws(c) else {
        return Ok(Frame::Done(false));
    };
    // 2. Automatic control frames: pong, Close reply or failure Close, keep-alive ping.
    if ws.session.has_pending_control() {
        let key = mask_key(port).ok_or(Fault)?;
        let (received, out) = s.buf.parked_and_tx_region();
        let written = ws.session.poll_control(key, now, received, out);
        // A ping's payload is done with once the frame is made; a Close's stays (its reason is
        // for OnClose).
        if ws.session.close_received().is_none() {
            s.buf.unpark();
        }
        if let Some(n) = written {
            s.buf.tx_queue(0, n);
            return Ok(Frame::Done(true));
        }
    }
    // 3. Application pings and pongs go ahead of data, and of a Close queued before them; the
    // Close keeps its place among data messages (no data may follow a Close: what was queued
    // before it leaves first, as legacy's queue), and goes once it heads the queue.
    let head = ws.head;
    let (mut m, mut control) = (head, None);
    while let Some(x) = m {
        let Some(ms) = h.msg(x) else { break };
        match u32::from(ms.msg_type) {
            HTTPc_WEBSOCK_MSG_TYPE_PING | HTTPc_WEBSOCK_MSG_TYPE_PONG => {
                control = Some(x);
                break;
            }
            HTTPc_WEBSOCK_MSG_TYPE_CLOSE if m == head => control = Some(x),
            _ => {}
        }
        m = ms.next;
    }
    // 4. Else the data message under way, or the next one: the queue's head either way (a
    // data message is only started at the head, with no ping or pong queued, and leaves the
    // queue with its last frame; control messages queued meanwhile come behind it).
    let Some(cur) = control.or(head) else {
        return Ok(Frame::Done(false));
    };
    start_frame(h, c, cur)
}

/// Starts the next frame of message `m`: the first frame, or the next fragment, of a data
/// message; the one whole frame of an application control message (close, ping, pong), its
/// payload copied by `produce_payload` as a data message's (the room for a whole control frame
/// is there: see `may_produce`).
fn start_frame(h: &mut Held, c: Conn, m: Msg) -> Result<Frame, Fault> {
    let port = global::engine_port();
    let Some(ms) = h.msg(m) else {
        return Ok(Frame::Done(false));
    };
    // (The control types' values are their wire opcodes, with the control bit.)
    let control = ms.msg_type & 0x08 != 0;
    if let Some(ws) = h.ws_of(c).filter(|ws| ws.session.may_send().is_err()) {
        // A message that can no longer leave (our Close is out, or the session failed) fails
        // before any more of its hooks (OnMsgTxInit, the next fragment's OnMsgTxData), once
        // the messages before it still leaving (their last bytes in the send region)
        // completed: completions keep the queue's order.
        if ws.finishing.is_some() {
            return Ok(Frame::Done(false));
        }
        return Ok(Frame::Fail(m));
    }
    if !control {
        let Some(ms) = h.msg(m) else {
            return Ok(Frame::Done(false));
        };
        // First call: OnMsgTxInit may replace the length.
        if ms.progress == TxProgress::Fresh {
            ms.progress = TxProgress::Initialised;
            let hook = ms.on_tx_init;
            if let Some(len) = hooks::on_tx_init(h, hook, c.ptr(), m.ptr()) {
                if let Some(ms) = h.msg(m) {
                    // The hook's length replaces the given one, but never beyond a buffer the
                    // application lent with its own length: we would read past it.
                    if ms.data.is_null() || len <= ms.len {
                        ms.len = len;
                    }
                }
            }
        }
    }
    let Some((s, ws, ms)) = h.conn_ws_msg(c, m) else {
        return Ok(Frame::Done(false));
    };
    // OnMsgTxInit asked for the close: no more hooks, nothing more of the message (it fails
    // with the others queued when the next pass closes), and no mask drawn for it.
    if s.flags.has(CONN_CLOSE_REQUESTED) {
        return Ok(Frame::Done(false));
    }
    let key = mask_key(port).ok_or(Fault)?;
    // (A fragment's payload is masked from the start of its frame too.)
    ws.masker = Masker::new(key);
    if ms.len == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED {
        // Fragmented: each OnMsgTxData call is one frame, its header written once the hook's
        // count is known (see `produce_payload`); 0 ends the message.
        return Ok(Frame::Payload(m, MAX_HEADER_LEN));
    }
    // A Close's payload is judged again as the frame is made: the application's buffer is
    // read now, not when it was queued. An invalid one never reaches the wire: the message
    // fails. (The five types' values are their wire opcodes.)
    if Opcode::from_u8(ms.msg_type) == Opcode::Close
        && payload_code(ms.data.get(0, ms.len as usize)).is_err()
    {
        return Ok(Frame::Fail(m));
    }
    // One frame: its payload goes after its header, which `produce_payload` writes.
    Ok(Frame::Payload(m, header_len(u64::from(ms.len))))
}

/// Payload bytes of a started one-frame message still to produce (0 for a fragmented one).
fn single_frame_left(ms: &MsgState) -> u32 {
    if ms.progress == TxProgress::Started && ms.len != HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED {
        ms.len.saturating_sub(ms.sent)
    } else {
        0
    }
}

/// A frame of `m` cannot be encoded (the session is past sending): it fails.
fn fail_frame(h: &mut Held, c: Conn, m: Msg) {
    let Some(w) = h.ws_obj(c) else { return };
    dequeue(h, w, m);
    complete_msg(h, c, m, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE);
}

/// The frame of `m` is all in the send region: the message is done once it is flushed.
fn last_frame_written(h: &mut Held, c: Conn, m: Msg) {
    let Some(w) = h.ws_obj(c) else { return };
    dequeue(h, w, m);
    finish_on_flush(h, w, m);
}

/// `m` (out of the queue) completes when the send region drains, after the messages already
/// waiting for that: a chain through `next`, from `finishing`.
fn finish_on_flush(h: &mut Held, w: Ws, m: Msg) {
    append(h, w, m, Chain::Finishing);
}

/// The first message waiting for the send region to drain, taken off that chain.
pub(super) fn take_finishing(h: &mut Held, w: Ws) -> Option<Msg> {
    let m = h.state::<_, WsState>(w)?.finishing?;
    let next = h.msg(m).and_then(|ms| ms.next.take());
    if let Some(ws) = h.state::<_, WsState>(w) {
        ws.finishing = next;
    }
    Some(m)
}

/// Copies (or asks the hook for) the next payload piece of message `m` into the send region at
/// byte `at`, masks it, and queues it with the header before it: of the current single frame
/// (its header, when just written, the `at` bytes before), or one whole frame of a fragmented
/// message (`at` is `MAX_HEADER_LEN`: its header, its length known only once the hook gave its
/// bytes, is written in place right before them: no copy of them).
fn produce_payload(h: &mut Held, c: Conn, m: Msg, at: usize, now: u32) -> Frame {
    let Some((s, _, ms)) = h.conn_ws_msg(c, m) else {
        return Frame::Done(false);
    };
    let fragment = ms.len == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;
    // Behind frames still pending, a fragment moves down to meet them (see below).
    let behind = !s.buf.tx_is_empty();
    let room = s.buf.tx_region().len().saturating_sub(at);
    let want = if fragment {
        room
    } else {
        // (Not `single_frame_left`: a message's first piece comes before it is `Started`.)
        (ms.len.saturating_sub(ms.sent) as usize).min(room)
    };
    // (A control message's payload is never the hook's: NULL only when empty; a fragmented
    // message's always is.)
    let produced = if !ms.data.is_null() || ms.msg_type & 0x08 != 0 {
        s.buf.tx_copy_in(at, ms.data.get(ms.sent as usize, want))
    } else {
        // As legacy, the hook is offered the whole room, and what it gives beyond the message's
        // length is not sent.
        let (hook, p) = (ms.on_tx_data, s.buf.tx_region_ptr(at));
        let n = hooks::on_tx_data(h, hook, c.ptr(), m.ptr(), p.cast(), room as u32);
        // `HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED` is "nothing yet" here too (http-c.h), never
        // a count: clamped, it would send whatever the region held as the message's bytes.
        // No fragment then; asked again after the next received data.
        if fragment && n == Some(HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED) {
            return Frame::Done(false);
        }
        n.filter(|&n| n != HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED)
            .map_or(0, |n| (n as usize).min(want))
    };
    // Looked up again: the hook may have used the API. (It asked for the close: what it gave
    // is not sent, see `start_frame`.)
    let Some((s, ws, ms)) = h
        .conn_ws_msg(c, m)
        .filter(|(s, ..)| !s.flags.has(CONN_CLOSE_REQUESTED))
    else {
        return Frame::Done(false);
    };
    let end = at + produced;
    // Where the frame's bytes start in the region: its header right before its payload,
    // written now for a message's first frame and each fragment (its length known only once
    // the hook gave its bytes: no copy of them); a one-frame message's later pieces have none.
    let mut start = 0;
    let first = ms.progress != TxProgress::Started;
    if fragment || first {
        let len = if fragment { produced as u32 } else { ms.len };
        start = at - header_len(u64::from(len));
        let opcode = if first {
            // (The five types' values are their wire opcodes.)
            Opcode::from_u8(ms.msg_type)
        } else {
            Opcode::Continuation
        };
        let out = s.buf.tx_region().get_mut(start..).unwrap_or(&mut []);
        // (A fragmented message ends with its empty frame.)
        let (fin, key) = (!fragment || produced == 0, ws.masker.key());
        // (A control frame is refused here when it may no longer go.)
        if ws
            .session
            .encode_frame(opcode, fin, u64::from(len), key, out)
            .is_err()
        {
            return Frame::Fail(m);
        }
        ms.progress = TxProgress::Started;
        if opcode == Opcode::Close {
            // Its payload is here, whole (no hook): our Close is sent.
            ws.session.mark_close_sent(now);
        }
    }
    let region = s.buf.tx_region();
    ws.masker.apply(region.get_mut(at..end).unwrap_or(&mut []));
    if behind && start > 0 {
        // No gap may stay between the pending bytes and this frame's header: moved down by
        // the header's spare bytes (a byte loop, only for a fragment written behind others).
        let len = bytes::move_to_front(region, start, end);
        s.buf.tx_queue(0, len);
    } else {
        s.buf.tx_queue(start, end);
    }
    ms.sent = ms.sent.saturating_add(produced as u32);
    // (A fragmented message ends with its empty frame.)
    let last = if fragment {
        produced == 0
    } else {
        single_frame_left(ms) == 0
    };
    if last {
        last_frame_written(h, c, m);
    }
    Frame::Done(end > 0)
}

/// Appends `m` (out of any queue, its `next` cleared) to the queue of WebSocket `w`, after the
/// last message: found by walking (no tail pointer is kept; a queue holds the few messages in
/// flight).
pub(crate) fn enqueue(h: &mut Held, w: Ws, m: Msg) {
    append(h, w, m, Chain::Queue);
}

/// Which chain through the messages' `next` of a WebSocket: its queue (`head`), or the
/// messages waiting for the send region to drain (`finishing`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chain {
    Queue,
    Finishing,
}

/// The first message of `chain`.
fn first(ws: &mut WsState, chain: Chain) -> &mut Option<Msg> {
    if chain == Chain::Finishing {
        &mut ws.finishing
    } else {
        &mut ws.head
    }
}

/// Appends `m` to `chain` of WebSocket `w`. A walk stops at an object that is no longer a
/// valid message: appending there cuts it off, as `dequeue` does.
fn append(h: &mut Held, w: Ws, m: Msg, chain: Chain) {
    let mut last = None;
    let mut p = h.state::<_, WsState>(w).and_then(|ws| *first(ws, chain));
    while let Some(next) = p.and_then(|x| h.msg(x)).map(|ms| ms.next) {
        last = p;
        p = next;
    }
    relink(h, w, last, Some(m), chain);
}

/// Unlinks `m` from the queue of WebSocket `w` (it stays `used` until completed). A queue
/// broken by an object that is no longer a valid message is cut there, so a walk always ends.
pub(super) fn dequeue(h: &mut Held, w: Ws, m: Msg) {
    let mut prev: Option<Msg> = None;
    let mut p = h.state::<_, WsState>(w).and_then(|ws| ws.head);
    while let Some(x) = p {
        let Some(next) = h.msg(x).map(|ms| ms.next) else {
            // Nothing after `x` is reachable any more.
            relink(h, w, prev, None, Chain::Queue);
            return;
        };
        if x == m {
            relink(h, w, prev, next, Chain::Queue);
            if let Some(ms) = h.msg(m) {
                ms.next = None;
            }
            return;
        }
        prev = Some(x);
        p = next;
    }
}

/// Makes `to` follow `prev` (or head `chain`).
fn relink(h: &mut Held, w: Ws, prev: Option<Msg>, to: Option<Msg>, chain: Chain) {
    match prev {
        Some(pv) => {
            if let Some(pv) = h.msg(pv) {
                pv.next = to;
            }
        }
        None => {
            if let Some(ws) = h.state::<_, WsState>(w) {
                *first(ws, chain) = to;
            }
        }
    }
}

/// Finishes one message: exactly one completion per send; sent when `err` is
/// `HTTPc_ERR_NONE` (every failure has its cause).
pub(super) fn complete_msg(h: &mut Held, c: Conn, m: Msg, err: HTTPc_ERR) {
    let Some(ms) = h.msg(m) else {
        return;
    };
    if !ms.used {
        return;
    }
    ms.used = false;
    ms.wait.finish(err);
    let ok = err == HTTPc_ERR_NONE;
    ms.next = None;
    let hook = ms.on_tx_complete;
    signal_waiters();
    hooks::on_tx_complete(
        h,
        hook,
        c.ptr(),
        m.ptr(),
        if ok { DEF_OK } else { DEF_FAIL },
    );
}
