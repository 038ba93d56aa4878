//! A plain request's transaction (`HTTPc_ReqSend`): send the head the API wrote and the body
//! from the body hook (as is, or chunked), then read the response (status and headers into
//! the response object and the header hook, the body through the body hook), and end the
//! transaction: the connection stays for the next request, or closes when it is not
//! persistent or the server said so. In builds with plain requests the WebSocket upgrade's
//! response is read here too (its checks in `upgrade.rs`).
//!
//! Beside it: `body_tx` (the request body), `form_body` (a form's), `resp_err` (the error a
//! refused response ends with).

use super::super::consts::*;
use super::super::global::{self, Held};
use super::super::handle::{ptr_or_null, Conn};
use super::super::hooks;
use super::super::port::Io;
use super::super::request::start_queued;
use super::super::state::{
    rx_err, ConnState, Phase, ReqState, WsState, CONN_CLOSE_REQUESTED, CONN_PERSISTENT,
    TXN_KEEP_ALIVE, TXN_LAST_TOLD, TXN_RX_EOF, TXN_UNSENT, WS_USED,
};
use super::super::types::{DEF_NO, DEF_YES};
use super::close::{fail, teardown};
use super::io::{blank, flush, receive};
use super::upgrade::{self, consumed_hdr};
use super::{signal_waiters, RX_RETRY_MS, TURNS_PER_PASS};
use crate::proto::http::content_type::content_type_value;
use crate::proto::http::names::HDR_CONTENT_LENGTH;
#[cfg(feature = "hdr-rx")]
use crate::proto::http::names::{HDR_CONNECTION, HDR_TRANSFER_ENCODING};
use crate::proto::http::{eq_ci, Event, Framing, ResponseParser};
mod body_tx;
#[cfg(feature = "form")]
mod form_body;
mod resp_err;
use body_tx::{produce, Tx};
use resp_err::resp_err;

/// Longest response line, and head, the parser accepts: as legacy, a line is bounded by the
/// receive region alone (a longer one fills it: `HTTPc_ERR_RESP_HDR_TOO_LARGE`); the head as a
/// whole by the parser's 16-bit count, against a server that never ends it.
const MAX_LINE: usize = u16::MAX as usize;
const MAX_HEAD: usize = u16::MAX as usize;

/// Line-end bytes (CR, LF) a server may send between responses, dropped before a request.
const BLANK_MAX: u32 = 16;

/// The transaction's turn. It has a deadline, blocking or not: a server that answers slowly,
/// not at all, or with an endless body cannot hold the connection.
// Out of line: its own frame on the request path, not the dispatcher's largest (stack).
#[inline(never)]
pub(super) fn io(h: &mut Held, c: Conn, now: u32) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    // A pass that comes after the deadline (a late application loop, a debugger halt) still
    // reads what the server sent before it: only a transaction that this turn did not end
    // times out. (Not a request still to write: nothing more of it goes out once late.)
    let left = s.trans_left(now);
    let late = left.is_none();
    let wait = if late && sending(s.phase) {
        0
    } else {
        turn(h, c, now, left.unwrap_or(0))
    };
    // (`u32::MAX`: the turn ended the transaction, perhaps the connection with it, whose
    // objects are the application's again after its `OnClose`: not read then.)
    if late && wait != u32::MAX && h.conn(c).is_some_and(|s| s.late_unfinished(now)) {
        end(h, c, Err(HTTPc_ERR_CONN_SIGNAL_TIMEOUT));
        return u32::MAX;
    }
    wait
}

/// The transaction's turn proper; `left`: the time to its deadline (0: passed).
fn turn(h: &mut Held, c: Conn, now: u32, left: u32) -> u32 {
    for _ in 0..TURNS_PER_PASS {
        let Some(s) = h.conn(c) else {
            return u32::MAX;
        };
        // (An upgrade's read goes on, as legacy's: its hooks run, its result stands.)
        let up = upgrading(s);
        if s.flags.has(CONN_CLOSE_REQUESTED) && !up {
            // A hook asked for the close: the next pass performs it, no more hooks before.
            return 0;
        }
        if sending(s.phase) {
            // (An upgrade's request goes out as legacy's did, without this check.)
            if let Some(e) = (!up).then(|| closed_before(h, c)).flatten() {
                let conn = if e == HTTPc_ERR_CONN_SOCK_CLOSED {
                    Ok(Some((HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE)))
                } else {
                    Err(e)
                };
                end_as(h, c, e, conn);
                return u32::MAX;
            }
            if let Err(e) = flush(h, c, now) {
                end(h, c, Err(e));
                return u32::MAX;
            }
            if h.conn(c).is_some_and(|s| !s.buf.tx_is_empty()) {
                // The socket is full: wait for write readiness (or the deadline).
                return left;
            }
            match produce(h, c) {
                Ok(Tx::Queued) => continue,
                Ok(Tx::Stalled) => return left.min(RX_RETRY_MS),
                Ok(Tx::Done) => {
                    response_starts(h, c);
                    continue;
                }
                Err(e) => {
                    end(h, c, Err(e));
                    return u32::MAX;
                }
            }
        }
        // Once the server closed, what is buffered is still parsed (and held bytes offered
        // again) before its close decides.
        let eof = h.req_of(c).is_some_and(|r| r.txn.has(TXN_RX_EOF));
        let got = if eof {
            false
        } else {
            match receive(h, c, false) {
                Ok(got) => got,
                Err(HTTPc_ERR_CONN_SOCK_CLOSED) => {
                    if let Some(r) = h.req_of(c) {
                        r.txn.set(TXN_RX_EOF, true);
                    }
                    true
                }
                Err(e) => {
                    end(h, c, Err(e));
                    return u32::MAX;
                }
            }
        };
        let rx = match parse(h, c, now) {
            Ok(Rx::More) if h.req_of(c).is_some_and(|r| r.txn.has(TXN_RX_EOF)) => {
                // Everything buffered is parsed: the close ends a body delimited by it, and
                // cuts anything else short.
                let eof = h.req_of(c).map(|r| (r.parser.eof(), r.parser.closes()));
                let Some((Ok(Some(Event::End)), closes)) = eof else {
                    end(h, c, Err(HTTPc_ERR_CONN_SOCK_CLOSED));
                    return u32::MAX;
                };
                finish_body(h, c);
                if h.conn(c).is_some_and(|s| s.flags.has(CONN_CLOSE_REQUESTED)) {
                    // A close that last call asked for comes first, as in `parse`.
                    return 0;
                }
                // A whole response, as any other: `NO_PERSISTENT` on a connection that is not
                // persistent or after `Connection: close`, else the server's close.
                Rx::End {
                    keep: !closes,
                    extra: false,
                }
            }
            Ok(rx) => rx,
            Err(e) => {
                end(h, c, Err(e));
                return u32::MAX;
            }
        };
        match rx {
            Rx::More => {}
            Rx::Paused => return left.min(RX_RETRY_MS),
            Rx::Over(wait) => return wait,
            Rx::End { keep, extra } => {
                // The server's close, seen with the response, closes the connection after it.
                let eof = h.req_of(c).is_some_and(|r| r.txn.has(TXN_RX_EOF));
                let close = after_response(h, c, keep, extra, eof);
                end(h, c, Ok(close));
                return u32::MAX;
            }
        }
        if !got {
            return left;
        }
    }
    // Out of turns with the socket still giving. An upgrade's last bytes read wait in its
    // region (which may be full, so no read readiness would call us back): the next pass at
    // once.
    if h.conn(c).is_some_and(|s| upgrading(s)) {
        0
    } else {
        left
    }
}

/// The request is being sent (a plain one, or with the WebSocket client an upgrade's).
fn sending(phase: Phase) -> bool {
    phase == Phase::ReqTx || cfg!(feature = "websocket") && phase == Phase::UpgradeTx
}

/// The transaction is a WebSocket upgrade's: its response is read here too, with the
/// handshake's checks and legacy's handling of a refusal (`upgrade`). (Never without the
/// WebSocket client.)
fn upgrading(s: &ConnState) -> bool {
    cfg!(feature = "websocket") && s.ws.is_some()
}

/// Before the first byte of a request goes out (once per request): whether the server already
/// closed the connection, its FIN unread since the last response (on a kept connection, the
/// server's idle close), or sent bytes nobody asked for (a `408` before its close, the tail
/// of a broken response). The request is then never sent, as legacy checked the socket for a
/// close first (`HTTPcSock_IsRxClosed`): a request that fails must not have reached a server (a
/// POST retried would run twice), and bytes that came before it cannot be its response (as
/// on an idle connection: `HTTPc_ERR_RESP_RX_DATA_LEN_INVALID`).
fn closed_before(h: &mut Held, c: Conn) -> Option<HTTPc_ERR> {
    let port = global::engine_port();
    let r = h.req_of(c).filter(|r| r.txn.has(TXN_UNSENT))?;
    r.txn.set(TXN_UNSENT, false);
    let handle = h.conn(c)?.handle;
    let mut early = [0u8; 1];
    // (Empty lines after the last body are harmless: read and dropped, a few of them; more
    // are bytes nobody asked for too.)
    // (One read past them: more than `BLANK_MAX` close the connection.)
    for _ in 0..=BLANK_MAX {
        match port.recv(handle, &mut early) {
            Io::WouldBlock => return None,
            Io::Done(_) if blank(&early) => {}
            Io::Done(_) => break,
            io => return Some(rx_err(io)),
        }
    }
    Some(HTTPc_ERR_RESP_RX_DATA_LEN_INVALID)
}

/// The request is out: the response is read from a fresh buffer with a fresh parser.
fn response_starts(h: &mut Held, c: Conn) {
    let up = h.conn(c).is_some_and(|s| upgrading(s));
    let method = h.conn(c).and_then(|s| s.req).map_or(0, |q| q.method(h));
    if let Some(r) = h.req_of(c) {
        r.rx_held = 0;
        r.txn.set(TXN_RX_EOF, false);
        r.txn.set(TXN_LAST_TOLD, false);
        r.parser = ResponseParser::new(MAX_LINE, MAX_HEAD, method == HTTP_METHOD_HEAD)
            .for_connect(method == HTTP_METHOD_CONNECT)
            .for_upgrade(up);
    }
    if let Some(s) = h.conn(c) {
        s.body_left = 0;
        s.request_sent();
    }
}

/// What parsing the buffered response bytes came to.
enum Rx {
    /// Everything buffered is used: receive more.
    More,
    /// The body hook took nothing: asked again shortly. (Also: a hook asked for the close.)
    Paused,
    /// The response is complete: `keep`, the server keeps the connection; `extra`, bytes
    /// followed the response (nobody asked for them: the connection cannot be trusted).
    End { keep: bool, extra: bool },
    /// An upgrade's transaction ended ([`upgrade`]): sleep for this long.
    Over(u32),
}

/// Parses what the buffer holds: each head line, and each piece of body offered to the body
/// hook (what it does not take stays in the buffer and is offered again).
fn parse(h: &mut Held, c: Conn, now: u32) -> Result<Rx, HTTPc_ERR> {
    loop {
        let Some((s, r)) = h.conn_req(c) else {
            return Ok(Rx::More);
        };
        let up = upgrading(s);
        // A hook asked for the close: nothing more reaches the hooks; the close woke the
        // engine, whose next pass performs it and fails the transaction, even from the last
        // body call, as legacy's close message came before its transaction completed.
        if s.flags.has(CONN_CLOSE_REQUESTED) && !up {
            return Ok(Rx::Paused);
        }
        // Body bytes held (a piece the parser counted, or what the hook left of it) are offered
        // before anything else: again at once while it takes some (a hook that takes a fixed
        // piece per call), shortly when it took none.
        let held = usize::from(r.rx_held);
        if held > 0 {
            let taken = offer_body(h, c, held);
            if let Some(r) = h.req_of(c) {
                r.rx_held -= taken as u16;
            }
            if taken == 0 {
                return Ok(Rx::Paused);
            }
            continue;
        }
        let (req, resp) = (s.req, s.resp);
        let input = s.buf.rx_data();
        // As legacy: a chunk goes to the body hook whole once all of it is buffered, or what
        // the buffer holds of it once the buffer is full.
        if r.parser.chunk_incomplete(input.len()) && !s.buf.rx_full() {
            return Ok(Rx::More);
        }
        let base = input.as_ptr() as usize;
        let (used, event) = r.parser.feed(input).map_err(resp_err)?;
        let step = match event {
            // A line longer than the receive region can never complete.
            None if used == 0 && s.buf.rx_full() => return Err(HTTPc_ERR_RESP_HDR_TOO_LARGE),
            None if used == 0 => return Ok(Rx::More),
            None => Step::Skip,
            // An interim status line is skipped too: the response object shows the final one.
            Some(Event::Status { .. }) if r.parser.interim() => Step::Skip,
            Some(Event::Status { code, minor, .. }) => Step::Status(code, minor),
            // An interim head's headers are skipped with it: nothing of them reaches the
            // hook or the response object.
            Some(Event::Header { .. }) if r.parser.interim() => Step::Skip,
            Some(Event::Header { name, value }) => {
                let index = r.parser.name_index();
                let field = hook_field_at(index);
                // With the header hook the name was looked up already: its field tells.
                let is_ctype = !up
                    && if cfg!(feature = "hdr-rx") {
                        field == Some(HTTP_HDR_FIELD_CONTENT_TYPE)
                    } else {
                        eq_ci(b"content-type\0", name)
                    };
                let ctype = is_ctype.then(|| content_type_value(value));
                if let Some(t) = ctype {
                    r.content_type_rx = t;
                }
                let at = value.as_ptr() as usize - base;
                Step::Header {
                    field,
                    value: s.buf.rx_ptr(at),
                    len: value.len() as u16,
                    ctype,
                    // An upgrade's response object shows the length at its header alone.
                    length: (!up || index == HDR_CONTENT_LENGTH)
                        .then(|| r.parser.content_length().unwrap_or(0)),
                    // The handshake's checks, for a 101.
                    check: (up && r.parser.status() == 101).then_some((index, at)),
                }
            }
            Some(Event::Head {
                framing,
                keep_alive,
            }) => Step::Head(framing, keep_alive),
            Some(Event::Data(bytes)) => Step::Data(bytes.len()),
            Some(Event::Interim | Event::Trailer { .. }) => Step::Skip,
            Some(Event::End) => Step::End,
        };
        let keep = r.txn.has(TXN_KEEP_ALIVE);
        let hook = r.on_hdr_rx.filter(|_| cfg!(feature = "hdr-rx"));
        match step {
            Step::Skip => s.buf.rx_consume(used),
            Step::Status(code, minor) => {
                s.buf.rx_consume(used);
                if let Some(resp) = resp {
                    if up {
                        // As legacy's status line: no content type (the headers do not set
                        // it in an upgrade's response).
                        resp.reset(h, HTTP_CONTENT_TYPE_NONE);
                    }
                    resp.set_status(h, status_code_from_number(code), minor);
                }
            }
            Step::Header {
                field,
                value,
                len,
                ctype,
                length,
                check,
            } => {
                if let Some((index, at)) = check {
                    upgrade::check_header(h, c, index, at, usize::from(len))?;
                }
                // As legacy, `ContentLen` is set at its header line: the hooks of later
                // lines see it.
                if let (Some(resp), Some(length)) = (resp, length) {
                    resp.set_content_len(h, length);
                }
                // The value stays where it is in the buffer during the hook call.
                if let Some(t) = ctype {
                    if let Some(resp) = resp {
                        resp.set_content_type(h, HTTP_CONTENT_TYPE::from(t));
                    }
                }
                if let Some(field) = field.filter(|&f| !consumed_hdr(f)) {
                    let rp = ptr_or_null(req);
                    hooks::on_resp_hdr(h, hook, c.ptr(), rp, field, value.cast(), len);
                }
                consume(h, c, used);
            }
            Step::Head(framing, keep_alive) => {
                s.buf.rx_consume(used);
                if up {
                    let code = r.parser.status();
                    if let Some(wait) = upgrade::head_end(h, c, now, code, framing, keep_alive)? {
                        return Ok(Rx::Over(wait));
                    }
                    continue;
                }
                r.txn.set(TXN_KEEP_ALIVE, keep_alive);
                s.body_left = match framing {
                    Framing::Length(n) => n,
                    _ => 0,
                };
            }
            // The parser counted the piece: held, it is offered at the top of the loop (as
            // what the hook leaves of it is, again).
            // (A refused upgrade's body is skipped.)
            Step::Data(n) if up => s.buf.rx_consume(n),
            Step::Data(n) => r.rx_held = n as u16,
            Step::End => {
                s.buf.rx_consume(used);
                if up {
                    return Ok(Rx::Over(upgrade::refused(h, c)));
                }
                // (Empty lines a server sends after a body are harmless: the next status line
                // may follow them, as the parser allows.)
                let extra = !blank(s.buf.rx_data());
                finish_body(h, c);
                // (A close its last call asked for comes first, as above.)
                if h.conn(c).is_some_and(|s| s.flags.has(CONN_CLOSE_REQUESTED)) {
                    return Ok(Rx::Paused);
                }
                return Ok(Rx::End { keep, extra });
            }
        }
    }
}

/// A response header's dictionary field, for the header hook (as `upgrade::hook_field`), from
/// the index of its name the parser found ([`ResponseParser::name_index`]: with the hook built
/// in, the parser's list is legacy's dictionary, in field order from 1; the name is not looked
/// up twice). Without `HTTPc_CFG_HDR_RX_EN` none: there is no hook.
fn hook_field_at(index: usize) -> Option<HTTP_HDR_FIELD> {
    let index = index as HTTP_HDR_FIELD;
    (cfg!(feature = "hdr-rx") && index < HTTP_HDR_FIELD_ORIGIN).then_some(index + 1)
}

// The parser's list is legacy's dictionary when the header hook is built in.
#[cfg(feature = "hdr-rx")]
const _: () = assert!(
    HDR_CONTENT_LENGTH + 1 == HTTP_HDR_FIELD_CONTENT_LEN as usize
        && HDR_TRANSFER_ENCODING + 1 == HTTP_HDR_FIELD_TRANSFER_ENCODING as usize
        && HDR_CONNECTION + 1 == HTTP_HDR_FIELD_CONN as usize
);

/// One parsed piece of the response, once the borrow of the buffer is over.
enum Step {
    Skip,
    Status(u16, u8),
    Header {
        field: Option<HTTP_HDR_FIELD>,
        value: *mut u8,
        len: u16,
        ctype: Option<u8>,
        /// `Content-Length` so far, for the response object (None: not set at this line).
        length: Option<u32>,
        /// For an upgrade's 101: the index of the name and where the value is in the receive
        /// region, for the handshake's checks.
        check: Option<(usize, usize)>,
    },
    Head(Framing, bool),
    Data(usize),
    End,
}

fn consume(h: &mut Held, c: Conn, n: usize) {
    if let Some(s) = h.conn(c) {
        s.buf.rx_consume(n);
    }
}

/// Offers the first `n` buffered bytes (body) to the body hook, consumes what it took and
/// returns that. Without a hook the body is dropped, as legacy does. `last` (legacy's
/// `last_chunk`) is set on the piece that completes a body of known length.
fn offer_body(h: &mut Held, c: Conn, n: usize) -> usize {
    let Some(s) = h.conn(c) else {
        return n;
    };
    let n = n.min(usize::from(u16::MAX)).min(s.buf.rx_data().len());
    let (req, p, body_left) = (s.req, s.buf.rx_ptr(0), s.body_left);
    let Some(r) = req.and_then(|r| h.state::<_, ReqState>(r)) else {
        return n;
    };
    let hook = r.on_body_rx;
    let t = r.content_type_rx;
    let last = if body_left != 0 && n as u32 == body_left {
        r.txn.set(TXN_LAST_TOLD, true);
        DEF_YES
    } else {
        DEF_NO
    };
    let rp = ptr_or_null(req);
    let taken = match hooks::on_body_rx(h, hook, c.ptr(), rp, t.into(), p.cast(), n as u16, last) {
        Some(t) => (t as usize).min(n),
        None => n,
    };
    if let Some(s) = h.conn(c) {
        s.buf.rx_consume(taken);
        s.body_left = s.body_left.saturating_sub(taken as u32);
    }
    taken
}

/// The end of a body the hook did not see end (chunked, or delimited by the close): legacy's
/// last call, with no data.
fn finish_body(h: &mut Held, c: Conn) {
    let Some(s) = h.conn(c) else { return };
    let req = s.req;
    let Some(r) = req.and_then(|r| h.state::<_, ReqState>(r)) else {
        return;
    };
    let (hook, t) = (r.on_body_rx, r.content_type_rx);
    // Once per response, as legacy's last call: unless a piece already said it was the last
    // (a body of known length), an empty one does (chunked, until the close, or none at all).
    if r.txn.has(TXN_LAST_TOLD) {
        return;
    }
    r.txn.set(TXN_LAST_TOLD, true);
    let rp = ptr_or_null(req);
    hooks::on_body_rx(
        h,
        hook,
        c.ptr(),
        rp,
        t.into(),
        core::ptr::null_mut(),
        0,
        DEF_YES,
    );
}

/// The transaction ends: `Ok(close)` a whole response (the connection then closes with that
/// status, or stays for the next request), `Err` a failure (the connection closes). Legacy's
/// order: the request's `OnErr` on failure, `OnTransComplete` (non-blocking), then the
/// connection's `OnClose` when it closes; a blocking caller wakes last.
fn end(h: &mut Held, c: Conn, result: Result<Option<Close>, HTTPc_ERR>) {
    end_as(h, c, result.err().unwrap_or(HTTPc_ERR_NONE), result);
}

/// `end` with the request's error apart from how the connection ends: a request the server's
/// close (read before its first byte went out) fails with `HTTPc_ERR_CONN_SOCK_CLOSED` while
/// the connection ends as an idle one the server closed, `OnClose(SERVER, HTTPc_ERR_NONE)`
/// (legacy `HTTPcConn_TransProcess`, PARAM_VALIDATE: `ErrCode` NONE, SERVER).
fn end_as(h: &mut Held, c: Conn, err: HTTPc_ERR, conn: Result<Option<Close>, HTTPc_ERR>) {
    let Some(s) = h.conn(c) else {
        return;
    };
    // Detached before its hooks run: one that sends the request again (on another
    // connection) must not see this connection's teardown end it a second time.
    let (req, resp) = (s.req.take(), s.resp);
    if err == HTTPc_ERR_NONE {
        s.response_done();
    }
    // An upgrade's transaction ends here only when it fails (as `upgrade::end` then): its
    // WebSocket is detached and free.
    if let Some(ws) = s.ws.take().filter(|_| cfg!(feature = "websocket")) {
        if let Some(w) = h.state::<_, WsState>(ws) {
            w.flags.set(WS_USED, false);
        }
    }
    if let Some((req, hooks)) =
        req.and_then(|q| h.state::<_, ReqState>(q).map(|r| (q, r.end(err, false))))
    {
        hooks.report(h, c.ptr(), req, ptr_or_null(resp), err);
    }
    match conn {
        Ok(None) => {
            signal_waiters();
            start_next(h, c);
        }
        Ok(Some((status, err))) => teardown(h, c, status, err),
        Err(e) => fail(h, c, e),
    }
}

/// How a connection closes after its transaction: the status and error `OnClose` reports.
type Close = (HTTPc_CONN_CLOSE_STATUS, HTTPc_ERR);

/// How a connection ends after a whole response: open for the next request when persistent
/// and the server keeps it; else closed with legacy's status, `NO_PERSISTENT`, whether we asked
/// for the close or the server's `Connection: close` did, `SERVER` when the server closed TCP
/// with the response (`eof`) without saying so. Bytes after the response close a persistent
/// connection with `HTTPc_ERR_RESP_RX_DATA_LEN_INVALID`: the next response would start in the
/// middle of them.
fn after_response(h: &mut Held, c: Conn, keep: bool, extra: bool, eof: bool) -> Option<Close> {
    let persistent = h.conn(c).is_some_and(|s| s.flags.has(CONN_PERSISTENT));
    if !persistent || !keep {
        // Closed whatever follows (after a 101, the new protocol's bytes).
        Some((HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT, HTTPc_ERR_NONE))
    } else if extra {
        Some((
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
            HTTPc_ERR_RESP_RX_DATA_LEN_INVALID,
        ))
    } else if eof {
        Some((HTTPc_CONN_CLOSE_STATUS_SERVER, HTTPc_ERR_NONE))
    } else {
        None
    }
}

/// The next request of the connection's queue, now that it is free. One that fails before
/// anything was sent (a hook's header, a head too long for the buffer) is reported as legacy
/// reported request errors: `OnErr`, `OnTransComplete(DEF_FAIL)`, then the connection closes
/// and the rest of the queue fails with it.
pub(super) fn start_next(h: &mut Held, c: Conn) {
    // The close a hook asked for comes first; the queue fails with it. And a request the last
    // one's OnTransComplete sent on the free connection has it now: the queue waits for its end
    // (legacy started each request after the one before completed).
    if h.conn(c)
        .is_none_or(|s| s.flags.has(CONN_CLOSE_REQUESTED) || s.phase != Phase::Connected)
    {
        return;
    }
    let Err((req, err)) = start_queued(h, c) else {
        return;
    };
    let Some(r) = h.state::<_, ReqState>(req) else {
        return;
    };
    let resp = ptr_or_null(r.resp);
    r.end(err, false).report(h, c.ptr(), req, resp, err);
    teardown(h, c, HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL, err);
}
