//! A form request's body (`HTTPc_PARAM_TYPE_REQ_FORM_TBL`): the steps `form.rs` lays out,
//! written into the send region as room allows, with the value hooks writing in place.

use super::super::super::consts::*;
use super::super::super::form::{step, steps};
use super::super::super::global::Held;
use super::super::super::handle::Conn;
use super::super::super::hooks;
use super::super::super::state::{ReqState, CONN_CLOSE_REQUESTED};
use super::Tx;
use crate::proto::http::request::{Window, PART_END};

/// Puts the next piece of a form body into the (empty) buffer: the steps of `form.rs` from
/// where the last pass stopped (step `form.step`, `body_src_off` bytes into it), as much as fits.
/// A hook writes its value straight into the buffer, offered the room left but for the CRLF
/// that follows the value, so the part ends in the pass where the hook says it gave all. Until
/// it says so it is called again once what is buffered went out, as legacy did; more than
/// offered, more than the value's length, or "all" before the whole value is
/// `HTTPc_ERR_REQ_FORM_CREATE`. What goes out is exactly the announced `Content-Length` (a
/// table changed since it was measured: `HTTPc_ERR_REQ_FORM_CREATE`).
pub(super) fn produce_form(h: &mut Held, c: Conn) -> Result<Tx, HTTPc_ERR> {
    let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    let (req, cap) = (s.req.ok_or(HTTPc_ERR_CONN_INVALID_STATE)?, s.buf.len());
    let r = h
        .state::<_, ReqState>(req)
        .ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    let form = r.form;
    let multipart = HTTP_CONTENT_TYPE::from(r.content_type) == HTTP_CONTENT_TYPE_MULTIPART_FORM;
    let (mut ix, mut off) = (usize::from(form.step), r.body_src_off);
    let total = steps(&form, multipart);
    let mut fill = 0usize;
    let mut stalled = false;
    while ix < total {
        let Ok(step) = step(&form, multipart, ix) else {
            return Err(HTTPc_ERR_REQ_FORM_CREATE);
        };
        let fixed = step.fixed_len().ok_or(HTTPc_ERR_REQ_FORM_CREATE)?;
        if off < fixed {
            let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
            if step.reads_from(s.buf.span()) {
                return Err(HTTPc_ERR_REQ_FORM_CREATE);
            }
            let mut w = Window::new(s.buf.whole().get_mut(fill..).unwrap_or_default(), off);
            step.write_fixed(&mut w);
            fill += w.written();
            off += w.written() as u32;
            if off < fixed {
                break; // The buffer is full.
            }
        }
        if let Some(v) = step.hook() {
            let room = cap.saturating_sub(fill);
            if room <= PART_END.len() {
                break; // Sent first.
            }
            let offer = u16::try_from(room - PART_END.len()).unwrap_or(u16::MAX);
            let p = h
                .conn(c)
                .ok_or(HTTPc_ERR_CONN_INVALID_STATE)?
                .buf
                .ptr_at(fill);
            let (done, wrote) =
                hooks::on_form_val_tx(h, v.hook, c.ptr(), req.ptr(), v.obj, p, offer)
                    .ok_or(HTTPc_ERR_REQ_FORM_CREATE)?;
            if h.conn(c).is_none_or(|s| s.flags.has(CONN_CLOSE_REQUESTED)) {
                // The hook asked for the close: no more hooks, the next turn performs it.
                return Ok(Tx::Queued);
            }
            let so_far = (off - fixed)
                .checked_add(u32::from(wrote))
                .filter(|&n| wrote <= offer && n <= v.len && (!done || n == v.len))
                .ok_or(HTTPc_ERR_REQ_FORM_CREATE)?;
            fill += usize::from(wrote);
            off = fixed + so_far;
            if !done {
                stalled = fill == 0;
                break;
            }
            let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
            fill += s.buf.copy_in(fill, PART_END);
        }
        ix += 1;
        off = 0;
    }
    if let Some(r) = h.state::<_, ReqState>(req) {
        // `ix <= total <= u16::MAX + 1` (a table has at most u16::MAX entries, plus the
        // close): only the end of a 65 535-entry multipart form wraps, and `body_left` is 0
        // then, which ends the form before the step is read again.
        r.form.step = ix as u16;
        r.body_src_off = off;
    }
    let s = h.conn(c).ok_or(HTTPc_ERR_CONN_INVALID_STATE)?;
    let n = fill as u32;
    if n > s.body_left || (ix >= total && n < s.body_left) {
        return Err(HTTPc_ERR_REQ_FORM_CREATE);
    }
    s.body_left -= n;
    match (fill, ix >= total) {
        (0, true) => Ok(Tx::Done),
        (0, false) if stalled => Ok(Tx::Stalled),
        // Nothing fits a buffer this small.
        (0, false) => Err(HTTPc_ERR_TRANS_BUF_LEN_INVALID),
        _ => {
            s.buf.tx_queue_span(0, fill);
            Ok(Tx::Queued)
        }
    }
}
