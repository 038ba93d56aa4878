//! The upgrade's response read by the handshake's own parser
//! ([`crate::proto::handshake::ResponseParser`], through the session): builds without the
//! plain-request client. (With it, that client's engine reads the response: see `super`.)

use super::super::super::consts::*;
use super::super::super::global::Held;
use super::super::super::handle::{ptr_or_null, Conn};
use super::super::super::hooks;
use super::super::super::state::{
    Phase, ReqState, CONN_BODY_SIZED, CONN_BODY_UNBOUNDED, CONN_SERVER_CLOSES,
};
use super::super::close::teardown;
use super::super::io::{flush, receive};
use super::super::TURNS_PER_PASS;
use super::{consumed_hdr, drop_extra, end, handshake_err};
use crate::proto::handshake::ParseEvent;
use crate::proto::http::names::{
    header_index, HDR_CONNECTION, HDR_CONTENT_LENGTH, HDR_TRANSFER_ENCODING,
};
use crate::proto::http::{list_contains_ci, parse_decimal, TOKEN_CLOSE};

/// What one parsed piece of the response asks for, once the borrows of the buffer are over.
enum Step {
    /// Need more bytes.
    More,
    /// The status line.
    Status(u16),
    /// A header: its dictionary field ([`hook_field`]), its value (a pointer into the buffer, valid until the
    /// next receive), and what it says about the body.
    Header {
        field: Option<HTTP_HDR_FIELD>,
        value: *mut u8,
        len: u16,
        body: Body,
    },
    /// The head is complete.
    Done(u16),
}

/// What a header says about the body of the response.
enum Body {
    /// Nothing.
    Unchanged,
    /// `Content-Length`: this many bytes, or None when the value is not a number.
    Len(Option<u32>),
    /// `Transfer-Encoding`: a body we cannot delimit.
    Unbounded,
    /// `Connection: close`: the server closes the connection after the response.
    Closes,
}

/// The transaction's turn. The whole transaction has a deadline, blocking or not: a server
/// that answers slowly, or not at all, or sends an endless body, cannot hold the connection.
// Out of line: its own frame on the upgrade path, not the dispatcher's largest (stack).
#[inline(never)]
pub(in super::super) fn io(h: &mut Held, c: Conn, now: u32) -> u32 {
    // Every end of the transaction leaves through here: one call of `end`.
    match turn(h, c, now) {
        Ok(wait) => wait,
        Err(e) => {
            end(h, c, e.upgraded, e.err);
            e.wait
        }
    }
}

/// How the turn ends the transaction: [`end`] with these, then sleep for `wait`.
struct Ended {
    upgraded: bool,
    err: HTTPc_ERR,
    wait: u32,
}

/// The transaction failed with `err` (the connection closes).
fn failed(err: HTTPc_ERR) -> Ended {
    Ended {
        upgraded: false,
        err,
        wait: u32::MAX,
    }
}

/// [`io`] but for the end of the transaction.
fn turn(h: &mut Held, c: Conn, now: u32) -> Result<u32, Ended> {
    let Some(s) = h.conn(c) else {
        return Ok(u32::MAX);
    };
    // A pass that comes after the deadline (a late application loop, a debugger halt) still
    // reads what the server sent before it: only a transaction that this turn did not end
    // times out. (Not a request still to write: nothing more of it goes out once late.)
    let left = s.trans_left(now);
    if left.is_none() && s.phase == Phase::UpgradeTx {
        return Err(failed(HTTPc_ERR_CONN_SIGNAL_TIMEOUT));
    }
    let wait = exchange(h, c, now, left.unwrap_or(0))?;
    // (`u32::MAX`: the exchange closed the connection, whose objects are the application's
    // again after its `OnClose`: not read then.)
    if left.is_none() && wait != u32::MAX && h.conn(c).is_some_and(|s| s.late_unfinished(now)) {
        return Err(failed(HTTPc_ERR_CONN_SIGNAL_TIMEOUT));
    }
    Ok(wait)
}

/// The turn proper; `left`: the time to the transaction's deadline (0: passed).
fn exchange(h: &mut Held, c: Conn, now: u32, left: u32) -> Result<u32, Ended> {
    for _ in 0..TURNS_PER_PASS {
        let Some(s) = h.conn(c) else {
            return Ok(u32::MAX);
        };
        if s.phase == Phase::UpgradeTx {
            if let Err(e) = flush(h, c, now) {
                return Err(failed(e));
            }
            let Some(s) = h.conn(c) else {
                return Ok(u32::MAX);
            };
            if !s.buf.tx_is_empty() {
                // The socket is full: wait for write readiness (or the deadline).
                return Ok(left);
            }
            s.request_sent();
            continue;
        }
        if s.phase == Phase::Discard {
            // Skip what we have of the refused response's body.
            let skip = (s.buf.rx_data().len() as u32).min(s.body_left);
            s.buf.rx_consume(skip as usize);
            s.body_left -= skip;
            if s.body_left == 0 {
                // Bytes after the refusal, nobody asked for: the refusal is reported, then the
                // connection closes (the next response would start inside them), as after a
                // plain response.
                let extra = drop_extra(s);
                // (The close at the next pass, at once.)
                return Err(Ended {
                    upgraded: false,
                    err: HTTPc_ERR_NONE,
                    wait: if extra { 0 } else { u32::MAX },
                });
            }
        }
        let got = match receive(h, c, false) {
            Ok(got) => got,
            Err(e) => {
                return Err(failed(e));
            }
        };
        if h.conn(c).is_some_and(|s| s.phase == Phase::Discard) {
            if !got {
                return Ok(left);
            }
            continue;
        }
        // Parse every complete line we have.
        loop {
            let Some((s, ws)) = h.conn_ws(c) else {
                return Ok(u32::MAX);
            };
            let input = s.buf.rx_data();
            let (used, event) = match ws.session.read_handshake(input, now) {
                Ok(parsed) => parsed,
                Err(e) => {
                    return Err(failed(handshake_err(e)));
                }
            };
            let step = match event {
                None => Step::More,
                Some(ParseEvent::Status { code, .. }) => Step::Status(code),
                Some(ParseEvent::Header { name, value }) => Step::Header {
                    field: hook_field(name),
                    // The value stays where it is in the buffer during the hook call.
                    value: s
                        .buf
                        .rx_ptr(value.as_ptr() as usize - input.as_ptr() as usize),
                    len: value.len() as u16,
                    body: match header_index(name) {
                        HDR_CONTENT_LENGTH => Body::Len(parse_decimal(value)),
                        HDR_TRANSFER_ENCODING => Body::Unbounded,
                        HDR_CONNECTION if list_contains_ci(value, &TOKEN_CLOSE) => Body::Closes,
                        _ => Body::Unchanged,
                    },
                },
                Some(ParseEvent::Done { code }) => Step::Done(code),
            };
            s.buf.rx_consume(used);
            match step {
                // An empty line before the status line, skipped: the next line at once.
                Step::More if used > 0 => {}
                Step::More => {
                    if s.buf.rx_full() {
                        // A line longer than the receive region.
                        return Err(failed(HTTPc_ERR_RESP_HDR_TOO_LARGE));
                    }
                    break;
                }
                Step::Status(code) => {
                    s.body_left = 0;
                    s.flags.set(
                        CONN_BODY_UNBOUNDED | CONN_BODY_SIZED | CONN_SERVER_CLOSES,
                        false,
                    );
                    if let Some(resp) = s.resp {
                        // As legacy's status line: no content type (the headers do not set it
                        // here).
                        resp.reset(h, HTTP_CONTENT_TYPE_NONE);
                        resp.set_status(h, status_code_from_number(code), 1);
                    }
                }
                Step::Header {
                    field,
                    value,
                    len,
                    body,
                } => {
                    let resp = s.resp;
                    match body {
                        Body::Unchanged => {}
                        Body::Len(n) => {
                            match n {
                                Some(n) => {
                                    s.body_left = n;
                                    s.flags.set(CONN_BODY_SIZED, true);
                                }
                                None => s.flags.set(CONN_BODY_UNBOUNDED, true),
                            }
                            // As legacy: the last header's value, 0 when it is not a number.
                            if let Some(resp) = resp {
                                resp.set_content_len(h, n.unwrap_or(0));
                            }
                        }
                        Body::Unbounded => s.flags.set(CONN_BODY_UNBOUNDED, true),
                        Body::Closes => s.flags.set(CONN_SERVER_CLOSES, true),
                    }
                    let req = h.conn(c).and_then(|s| s.req);
                    let hook = req
                        .and_then(|r| h.state::<_, ReqState>(r))
                        .and_then(|r| r.on_hdr_rx)
                        .filter(|_| cfg!(feature = "hdr-rx"));
                    if let Some(field) = field.filter(|&f| !consumed_hdr(f)) {
                        hooks::on_resp_hdr(
                            h,
                            hook,
                            c.ptr(),
                            ptr_or_null(req),
                            field,
                            value.cast(),
                            len,
                        );
                    }
                }
                Step::Done(101) => {
                    return Err(Ended {
                        upgraded: true,
                        err: HTTPc_ERR_NONE,
                        wait: 0,
                    });
                }
                Step::Done(code) => {
                    // A bodiless status has no body, whatever its headers say; without a
                    // length, any other response has one until the server closes (RFC 9112
                    // §6.3).
                    if code < 200 || code == 204 || code == 304 {
                        s.body_left = 0;
                        s.flags.set(CONN_BODY_UNBOUNDED, false);
                    } else if !s.flags.has(CONN_BODY_SIZED) {
                        s.flags.set(CONN_BODY_UNBOUNDED, true);
                    }
                    if s.flags.any(CONN_BODY_UNBOUNDED | CONN_SERVER_CLOSES) {
                        // The server closes, or a body we cannot delimit: report the refusal,
                        // then close (legacy: `NO_PERSISTENT` after `Connection: close`).
                        let status = if s.flags.has(CONN_SERVER_CLOSES) {
                            HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT
                        } else {
                            HTTPc_CONN_CLOSE_STATUS_SERVER
                        };
                        end(h, c, false, HTTPc_ERR_NONE);
                        teardown(h, c, status, HTTPc_ERR_NONE);
                        return Ok(u32::MAX);
                    }
                    s.skip_body();
                    break;
                }
            }
        }
        if !got {
            return Ok(left);
        }
    }
    // Out of turns with the socket still giving: the last bytes read wait in the region
    // (which may be full, so no read readiness would call us back): the next pass at once.
    Ok(0)
}

/// A response header's dictionary field, for the header hook (which skips the headers
/// [`consumed_hdr`] lists). Without `HTTPc_CFG_HDR_RX_EN` there is no hook and the name is not
/// looked up: not even the table of names is linked.
fn hook_field(name: &[u8]) -> Option<HTTP_HDR_FIELD> {
    if !cfg!(feature = "hdr-rx") {
        return None;
    }
    hdr_field_from_name(name)
}
