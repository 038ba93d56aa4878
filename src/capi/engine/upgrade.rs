//! The upgrade transaction: send the request the API wrote into the buffer, read and check
//! the response, skip the body of a refused one, and end the transaction. With the
//! plain-request client built in (feature `http`), its engine reads the response (one head
//! reader in the build) and calls on the checks and endings here; without it, the
//! handshake's own parser does (`standalone`).

use super::super::consts::*;
use super::super::global::Held;
use super::super::handle::{ptr_or_null, Conn};
use super::super::hooks;
use super::super::state::{
    ConnState, ReqState, WsState, CONN_CLOSE_REQUESTED, WS_CLOSE_NOTIFIED, WS_OPEN_NOTIFIED,
    WS_USED,
};
use super::close::fail;
#[cfg(feature = "http")]
use super::close::teardown;
use super::io::blank;
use super::signal_waiters;
use crate::proto::handshake::HandshakeError;
#[cfg(feature = "http")]
use crate::proto::http::Framing;

#[cfg(not(feature = "http"))]
mod standalone;
#[cfg(not(feature = "http"))]
pub(super) use standalone::io;

/// The transaction's turn: the plain request's ([`super::http::io`]), which reads the
/// response with the checks below.
#[cfg(feature = "http")]
#[inline(always)]
pub(super) fn io(h: &mut Held, c: Conn, now: u32) -> u32 {
    super::http::io(h, c, now)
}

/// A header of a 101, read by the plain request's parser: the handshake's checks of it
/// (`index`: its name in the crate's list; its value `len` bytes at `at` in the receive
/// region). The session's handshake parser holds what the request offered.
#[cfg(feature = "http")]
pub(super) fn check_header(
    h: &mut Held,
    c: Conn,
    index: usize,
    at: usize,
    len: usize,
) -> Result<(), HTTPc_ERR> {
    let Some((s, ws)) = h.conn_ws(c) else {
        return Ok(());
    };
    let value = s.buf.rx_data().get(at..at + len).unwrap_or_default();
    match ws.session.handshake_checks() {
        Some(checks) => checks.check_header_at(index, value).map_err(handshake_err),
        None => Ok(()),
    }
}

/// The end of the response head (status `code`; `framing` and `keep_alive` as
/// `ResponseParser::for_upgrade` tells them), its blank line consumed. A 101 whose checks
/// pass opens the WebSocket (the bytes after it are its frames); a refusal whose body
/// cannot be delimited, or whose server closes, is reported and the connection closed
/// (legacy: `NO_PERSISTENT` after `Connection: close`). Some(wait) then; None: the
/// refusal's body, if any, is skipped next ([`refused`] at its end).
#[cfg(feature = "http")]
pub(super) fn head_end(
    h: &mut Held,
    c: Conn,
    now: u32,
    code: u16,
    framing: Framing,
    keep_alive: bool,
) -> Result<Option<u32>, HTTPc_ERR> {
    if code == 101 {
        if let Some(ws) = h.ws_of(c) {
            if let Some(checks) = ws.session.handshake_checks() {
                checks.check_end_at().map_err(handshake_err)?;
            }
            ws.session.handshake_opened(now);
        }
        end(h, c, true, HTTPc_ERR_NONE);
        return Ok(Some(0));
    }
    if keep_alive && matches!(framing, Framing::NoBody | Framing::Length(_)) {
        if let Some(s) = h.conn(c) {
            s.skip_body();
        }
        return Ok(None);
    }
    let status = if keep_alive {
        HTTPc_CONN_CLOSE_STATUS_SERVER
    } else {
        HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT
    };
    end(h, c, false, HTTPc_ERR_NONE);
    teardown(h, c, status, HTTPc_ERR_NONE);
    Ok(Some(u32::MAX))
}

/// The refusal's body is skipped: the transaction ends (then sleep for the result). Bytes
/// after it, nobody asked for: the refusal is reported, then the connection closes (the next
/// response would start inside them), as after a plain response (the close at the next
/// pass, at once).
#[cfg(feature = "http")]
pub(super) fn refused(h: &mut Held, c: Conn) -> u32 {
    let Some(s) = h.conn(c) else {
        return u32::MAX;
    };
    let extra = drop_extra(s);
    end(h, c, false, HTTPc_ERR_NONE);
    if extra {
        0
    } else {
        u32::MAX
    }
}

/// The `HTTPc_ERR_*` of a response the handshake's checks refused.
pub(super) fn handshake_err(e: HandshakeError) -> HTTPc_ERR {
    match e {
        HandshakeError::StatusLineMalformed => HTTPc_ERR_RESP_FORMAT_INVALID,
        HandshakeError::VersionInvalid => HTTPc_ERR_RESP_PROTOCOL_VER_INVALID,
        HandshakeError::StatusCodeInvalid => HTTPc_ERR_RESP_STATUS_CODE_INVALID,
        HandshakeError::HeaderMalformed => HTTPc_ERR_RESP_HDR_MALFORMED,
        HandshakeError::HeaderTooLarge => HTTPc_ERR_RESP_HDR_TOO_LARGE,
        HandshakeError::UpgradeMissing => HTTPc_ERR_RESP_WEBSOCK_UPGRADE_INVALID,
        HandshakeError::ConnectionMissing => HTTPc_ERR_RESP_WEBSOCK_CONN_INVALID,
        HandshakeError::AcceptMissing | HandshakeError::AcceptMismatch => {
            HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID
        }
        HandshakeError::ExtensionNotOffered => HTTPc_ERR_RESP_WEBSOCK_EXT_INVALID,
        HandshakeError::ProtocolNotOffered => HTTPc_ERR_RESP_WEBSOCK_PROTOCOL_INVALID,
    }
}

/// Response headers the library reads itself: like legacy, the application's header hook does
/// not see them (nor `Origin`, which legacy does not know). The handshake's only with the
/// WebSocket client built in, as legacy's `HTTPc_WEBSOCK_MODULE_EN` cases.
pub(super) fn consumed_hdr(field: HTTP_HDR_FIELD) -> bool {
    let handshake = matches!(
        field,
        HTTP_HDR_FIELD_UPGRADE | HTTP_HDR_FIELD_WEBSOCKET_ACCEPT | HTTP_HDR_FIELD_WEBSOCKET_VERSION
    );
    matches!(
        field,
        HTTP_HDR_FIELD_CONTENT_TYPE
            | HTTP_HDR_FIELD_CONTENT_LEN
            | HTTP_HDR_FIELD_CONN
            | HTTP_HDR_FIELD_TRANSFER_ENCODING
            | HTTP_HDR_FIELD_ORIGIN
    ) || (handshake && cfg!(feature = "websocket"))
}

/// The upgrade transaction ends. `err` NONE: a whole response arrived; `upgraded` (101): the
/// connection becomes a WebSocket, otherwise the upgrade was refused: the transaction still
/// succeeds (legacy), the status tells the application. Else the upgrade failed (socket error
/// or a response that fails the handshake): reported on the request, the connection closed.
pub(super) fn end(h: &mut Held, c: Conn, upgraded: bool, err: HTTPc_ERR) {
    let Some(s) = h.conn(c) else {
        return;
    };
    let ok = err == HTTPc_ERR_NONE;
    // The request is detached before its hooks run (see `http::end`).
    let (req, resp, ws) = (s.req.take(), s.resp, s.ws);
    if upgraded {
        s.upgraded();
    } else {
        s.not_upgraded(ok);
        if let Some(w) = ws.and_then(|w| h.state::<_, WsState>(w)) {
            w.flags.set(WS_USED, false);
        }
    }
    let hooks = req.and_then(|q| h.state::<_, ReqState>(q).map(|r| (q, r.end(err, false))));
    let cp = c.ptr();
    if ok {
        signal_waiters();
    }
    // Legacy order: the request's OnErr (on failure, blocking calls too), OnTransComplete
    // (non-blocking), then on failure the connection's OnClose.
    if let Some((req, hooks)) = hooks {
        hooks.report(h, cp, req, ptr_or_null(resp), err);
    }
    if !ok {
        fail(h, c, err);
        return;
    }
    // A close `OnTransComplete` asked for comes first: the WebSocket never opens for the
    // application (no `OnOpen`, so no WebSocket `OnClose`: the connection's `OnClose(APP)`
    // alone), as legacy's close message came before its step that called `OnOpen`.
    if upgraded {
        let closing = h.conn(c).is_none_or(|s| s.flags.has(CONN_CLOSE_REQUESTED));
        // Looked up again after the hook. (Never opened: no OnClose is owed either, and the
        // WebSocket is free once the close failed its messages, as one that closed.)
        let on_open = h.ws_of(c).and_then(|ws| {
            let notified = if closing {
                WS_CLOSE_NOTIFIED
            } else {
                WS_OPEN_NOTIFIED
            };
            ws.flags.set(notified, true);
            ws.on_open.filter(|_| !closing)
        });
        hooks::on_open(h, on_open, cp);
    }
}

/// After a refusal's body: drops the bytes behind it, which nobody asked for, and asks for the
/// connection's close when there were any (the next response would start inside them), as
/// after a plain response; whether there were.
fn drop_extra(s: &mut ConnState) -> bool {
    // (Empty lines are dropped, as after a plain response: the same bytes close the connection
    // or not whether they came with the body or later, while it is idle.)
    let extra = !blank(s.buf.rx_data());
    s.buf.rx_clear();
    if extra {
        s.ask_close(
            HTTPc_CONN_CLOSE_STATUS_ERR_INTERNAL,
            HTTPc_ERR_RESP_RX_DATA_LEN_INVALID,
        );
    }
    extra
}
