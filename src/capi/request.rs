//! The request head: written into the connection buffer during `HTTPc_WebSockUpgrade` or
//! `HTTPc_ReqSend` (request line, `Host`, the handshake or body headers, the application's
//! header table and hook, its query table), and the connection, request and WebSocket armed
//! for the transaction the engine then runs (`engine/upgrade.rs`, `engine/http.rs`).

use super::app::{AppBytes, AppPath};
use super::consts::*;
use super::form::form_len;
use super::global::{self, Held};
use super::handle::{meets, Conn, Req, Resp, Ws};
use super::hooks;
use super::port::Port;
#[cfg(feature = "http")]
use super::state::CONN_PERSISTENT;
use super::state::{
    Code8, Flags8, Phase, ReqState, WsState, REQ_BODY_PRESENT, REQ_CHUNKED, TXN_BODY_DONE,
    TXN_CHUNK_END_OWED, TXN_UNSENT, WS_USED,
};
use crate::proto::handshake::{decimal, Key, OfferedProtocols, RequestWriter, WriteError};
use crate::proto::http::names::{
    NAME_CONNECTION, NAME_CONTENT_LENGTH, NAME_CONTENT_TYPE, NAME_TRANSFER_ENCODING,
};
use crate::proto::http::request::{query_param, MULTIPART_CONTENT_TYPE};
use crate::proto::http::response::{VALUE_CHUNKED, VALUE_CLOSE};
use crate::proto::http::{lookup_ci, media_type_name, nth_name};

/// The objects and path of one `HTTPc_WebSockUpgrade`.
pub(crate) struct Upgrade {
    pub conn: Conn,
    pub req: Req,
    pub resp: Resp,
    pub ws: Ws,
    pub path: AppBytes,
    pub no_block: bool,
}

fn write_err(e: WriteError) -> HTTPc_ERR {
    match e {
        WriteError::BufferFull => HTTPc_ERR_TRANS_TX_BUF_FULL,
        WriteError::InvalidTarget => HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID,
        WriteError::InvalidHost => HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID,
        WriteError::InvalidHeader => HTTPc_ERR_REQ_HDR_INVALID,
        WriteError::ForbiddenHeader => HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED,
    }
}

/// What starts the head: the upgrade's request line and handshake headers, or a plain
/// request's line and the headers legacy writes itself.
#[derive(Clone, Copy)]
pub(crate) enum Line<'k> {
    Upgrade(&'k Key),
    Plain(&'k Plain),
}

/// The head of a plain request (`HTTPc_ReqSend`), as legacy writes it.
pub(crate) struct Plain {
    pub method: &'static [u8],
    /// `Connection: close` (the connection is not persistent).
    pub close: bool,
    /// `Content-Type` of a body.
    pub content_type: Option<&'static [u8]>,
    /// `Transfer-Encoding: chunked`.
    pub chunked: bool,
    /// `Content-Length` (None: none).
    pub content_len: Option<u32>,
}

impl Plain {
    /// A header of the application's the library writes itself for this request: legacy
    /// refuses it (`HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED`).
    fn reserves(&self, field: u32) -> bool {
        match field {
            HTTP_HDR_FIELD_HOST => true,
            HTTP_HDR_FIELD_CONN => self.close,
            HTTP_HDR_FIELD_CONTENT_TYPE
            | HTTP_HDR_FIELD_TRANSFER_ENCODING
            | HTTP_HDR_FIELD_CONTENT_LEN => self.content_type.is_some(),
            _ => false,
        }
    }
}

/// Writes the headers legacy writes itself for a plain request, in its order: the
/// connection and body headers.
fn write_plain_headers(
    w: &mut RequestWriter<'_, &mut OfferedProtocols>,
    p: &Plain,
) -> Result<(), WriteError> {
    if p.close {
        w.field(NAME_CONNECTION, VALUE_CLOSE)?;
    }
    if let Some(t) = p.content_type {
        w.field(NAME_CONTENT_TYPE, t)?;
    }
    if p.chunked {
        w.field(NAME_TRANSFER_ENCODING, VALUE_CHUNKED)?;
    } else if let Some(len) = p.content_len {
        let mut digits = [0u8; 11];
        let before = decimal(len, &mut digits);
        w.field(
            NAME_CONTENT_LENGTH,
            digits.get(before + 1..).unwrap_or_default(),
        )?;
    }
    Ok(())
}

/// Where a request being written stands between two calls of the header hook (the hook may
/// use the API, so no borrow of the buffer lives across it). Each writer is rebuilt from it
/// and records offered subprotocols here, by reference: a writer is then four words on the
/// stack, under every hook.
pub(crate) struct Written {
    pub len: usize,
    offered: OfferedProtocols,
    /// A query parameter is in the request line (the next one follows a `&`).
    query_started: bool,
}

impl Written {
    pub(crate) fn new() -> Written {
        Written {
            len: 0,
            offered: OfferedProtocols::new(),
            query_started: false,
        }
    }
}

/// What a head is written for: the connection, the request, and the path.
#[derive(Clone, Copy)]
pub(crate) struct Target {
    pub conn: Conn,
    pub req: Req,
    pub path: AppBytes,
}

/// One piece of a head, in the order they are written.
#[derive(Clone, Copy)]
enum Piece {
    /// The method and the path.
    Start,
    /// One query parameter: its key and value (`=value` when the value pointer is set).
    Query(AppBytes, AppBytes),
    /// The end of the request line, `Host`, the handshake or body headers.
    End,
    /// One application header: a dictionary field and its value.
    Hdr(u32, AppBytes),
    /// The empty line that ends the head.
    Finish,
}

/// Writes one piece of the head, with a writer resumed where the request stands (no borrow of
/// the buffer lives across a hook, which may use the API). Strings end at a NUL within their
/// length (`Str_Len_N`), as legacy; none is read from the buffer the head is written into (see
/// `meets`).
// Out of line: the writer is off the stack while the hooks run.
#[inline(never)]
fn write_piece(
    h: &mut Held,
    t: Target,
    line: Line<'_>,
    at: &mut Written,
    piece: Piece,
) -> Result<(), HTTPc_ERR> {
    let s = h.conn(t.conn);
    if s.is_none() && matches!(piece, Piece::End) {
        return Err(HTTPc_ERR_PARAM_INVALID);
    }
    // As long as the head is being written (a hook may have closed the connection).
    let s = s
        .filter(|s| s.phase == Phase::Head)
        .ok_or(HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED)?;
    let (host, port, secure) = (s.host, s.server_port(), s.is_secure());
    // (Where the buffer lies: no string is read from it, see `meets`.)
    let out = s.buf.span();
    let buf = s.buf.whole();
    let first_query = !at.query_started;
    let mut w = RequestWriter::resume_into(&mut *buf, at.len, &mut at.offered);
    match piece {
        Piece::Start => {
            let method = match line {
                Line::Upgrade(_) => b"GET",
                Line::Plain(p) => p.method,
            };
            // A WebSocket's path is a resource name, or an absolute http(s) URI (RFC 6455
            // §4.1, through a proxy); a plain request's may also be `*` or any absolute URI.
            let path = text(&t.path);
            if matches!(line, Line::Upgrade(_)) && path.first() != Some(&b'/') && !is_http_uri(path)
            {
                return Err(HTTPc_ERR_REQ_PARAM_RESOURCE_PATH_INVALID);
            }
            if HEAD_HOOKS {
                w.line_start(method, path)
            } else {
                // No hook can run before the other pieces: the whole head in this call (an
                // upgrade's in one append).
                at.len = match line {
                    Line::Upgrade(key) if cfg!(feature = "websocket") => {
                        w.upgrade_head(path, host.all(), port, secure, key)
                    }
                    _ => w
                        .line_start(method, path)
                        .and_then(|()| line_end(&mut w, host.all(), port, secure, line))
                        .and_then(|()| w.finish()),
                }
                .map_err(write_err)?;
                return Ok(());
            }
        }
        // (Each switch's arm only where it is built in: the piece is passed by reference, so
        // the compiler cannot see that no caller makes it.)
        Piece::Query(k, v) if cfg!(feature = "query-str") => {
            // (Each on its own: a key and its value may share bytes.)
            let (Some(key), Some(val)) = (k.text_apart(out), v.text_apart(out)) else {
                return Err(HTTPc_ERR_REQ_QUERY_STR_INVALID);
            };
            let value = (!v.is_null()).then_some(val);
            if cfg!(feature = "form") {
                // Through the form's encoder, linked anyway (the same bytes).
                at.len += query_param(buf.get_mut(at.len..), first_query, key, value)
                    .ok_or(HTTPc_ERR_TRANS_TX_BUF_FULL)?;
                at.query_started = true;
                return Ok(());
            }
            // (Its only error: the head does not fit the buffer, as for the rest of the head.)
            w.query_pair(first_query, key, value)
        }
        Piece::End => line_end(&mut w, host.all(), port, secure, line),
        Piece::Hdr(field, value) if cfg!(feature = "hdr-tx") => {
            let name = hdr_field_name(field).ok_or(HTTPc_ERR_REQ_HDR_INVALID)?;
            let text = value.text_apart(out).ok_or(HTTPc_ERR_REQ_HDR_INVALID)?;
            if matches!(line, Line::Plain(p) if p.reserves(field)) {
                return Err(HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED);
            }
            // A NULL value, whatever its length: legacy's copy failed on it.
            if value.is_null() {
                return Err(HTTPc_ERR_REQ_HDR_CREATE);
            }
            let value = text;
            match line {
                // (An upgrade is never written without the WebSocket client: its header checks
                // and subprotocol record are then not linked.)
                Line::Upgrade(_) if cfg!(feature = "websocket") => w.header(name, value),
                _ => w.field(name, value),
            }
        }
        Piece::Query(..) | Piece::Hdr(..) => Ok(()),
        Piece::Finish => {
            at.len = w.finish().map_err(write_err)?;
            return Ok(());
        }
    }
    .map_err(write_err)?;
    at.len = w.len();
    if let Piece::Query(..) = piece {
        at.query_started = true;
    }
    Ok(())
}

/// The end of the request line, `Host`, the handshake or body headers.
#[inline(always)] // one piece of `write_piece`, written where the piece is
fn line_end(
    w: &mut RequestWriter<'_, &mut OfferedProtocols>,
    host: &[u8],
    port: u16,
    secure: bool,
    line: Line<'_>,
) -> Result<(), WriteError> {
    // (`HTTPc_ConnOpen` cut the host at its NUL and checked it.)
    w.line_end(host, port, secure).and_then(|()| match line {
        Line::Upgrade(key) if cfg!(feature = "websocket") => w.handshake_headers(key),
        Line::Plain(p) => write_plain_headers(w, p),
        // Never built without the WebSocket client (see below).
        Line::Upgrade(_) => Ok(()),
    })
}

/// Whether application hooks run while a head is written: the query and header hooks.
/// Without them nothing can look at the head while it is written (nor at the objects), so the
/// guard of `write_request` and the split into pieces are left out.
const HEAD_HOOKS: bool = cfg!(any(feature = "query-str", feature = "hdr-tx"));

/// The string in `b`: its bytes up to a NUL within its length (legacy `Str_Len_N`).
// Out of line: one call at each of its uses.
#[inline(never)]
fn text(b: &AppBytes) -> &[u8] {
    b.text()
}

/// The schemes of an absolute URI an upgrade may target, for [`lookup_ci`].
static HTTP_SCHEMES: [u8; 13] = *b"http:\0https:\0";

/// An absolute `http://` or `https://` URI (the scheme in any case).
fn is_http_uri(path: &[u8]) -> bool {
    let scheme = path.split(|&b| b == b'/').next().unwrap_or_default();
    lookup_ci(&HTTP_SCHEMES, scheme) < 2
        && path.get(scheme.len()..scheme.len() + 2) == Some(&b"//"[..])
}

/// Writes the whole upgrade request into the connection buffer: its length, and the
/// subprotocols it offers.
// Out of line: the hook loop's locals are off the stack while the handshake state is set up
// (the accept value's SHA-1 is the deepest path of a blocking upgrade).
#[inline(never)]
pub(crate) fn write_request(
    h: &mut Held,
    t: Target,
    line: Line<'_>,
    at: &mut Written,
) -> Result<(), HTTPc_ERR> {
    // The hooks called here may use the API, from the caller's context too: meanwhile the
    // connection takes no other transaction (`Phase::Head`), the request is in use (as in
    // legacy, where it was before its hooks ran: not cleared, not sent elsewhere), blocking
    // calls are refused and a close is left to the engine (`in_engine`), as from any hook.
    // (Those two only with hooks: without them nothing could see them.)
    if let Some(s) = h.conn(t.conn) {
        s.head_writing();
    }
    let res = if HEAD_HOOKS {
        let in_engine = core::mem::replace(&mut h.g().in_engine, true);
        let was_used = h
            .state::<_, ReqState>(t.req)
            .map(|r| core::mem::replace(&mut r.used, true));
        let res = write_head_and_hooks(h, t, line, at);
        if let (Some(r), Some(was)) = (h.state::<_, ReqState>(t.req), was_used) {
            r.used = was;
        }
        h.g().in_engine = in_engine;
        res
    } else {
        write_head_and_hooks(h, t, line, at)
    };
    if let Some(s) = h.conn(t.conn) {
        s.head_written();
    }
    res
}

/// `write_request` without its guard: the request line (method, path, the query table and
/// hook), `Host`, the handshake or body headers, the header table and hook, the empty line.
fn write_head_and_hooks(
    h: &mut Held,
    t: Target,
    line: Line<'_>,
    at: &mut Written,
) -> Result<(), HTTPc_ERR> {
    let r = h
        .state::<_, ReqState>(t.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let (tbl, hook) = (r.query_tbl, r.on_query_tx);
    write_piece(h, t, line, at, Piece::Start)?;
    if !HEAD_HOOKS {
        // (The whole head, see `write_piece`.)
        return Ok(());
    }
    if cfg!(feature = "query-str") {
        // The table's pairs, then the hook's. As legacy, the hook is called until it says it
        // gave the last pair, each call giving one; no pair is HTTPc_ERR_REQ_QUERY_STR_INVALID.
        // (One loop for both: one call of the writer.)
        for i in 0.. {
            let (given, last) = match tbl.get(i) {
                Some(pair) => (Some(pair), false),
                None if hook.is_some() => {
                    hooks::on_req_entry(h, hook, t.conn.ptr(), t.req.ptr()).unwrap_or((None, true))
                }
                None => break,
            };
            let (k, v) = given.ok_or(HTTPc_ERR_REQ_QUERY_STR_INVALID)?;
            write_piece(h, t, line, at, Piece::Query(k, v))?;
            if last {
                break;
            }
        }
    }
    let r = h
        .state::<_, ReqState>(t.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let (tbl, hook) = (r.hdr_tbl, r.on_hdr_tx);
    write_piece(h, t, line, at, Piece::End)?;
    if cfg!(feature = "hdr-tx") {
        // The table's headers, then the hook's. As legacy, the hook is called until it says it
        // gave the last header, each call giving one (the last one too); no header is
        // HTTPc_ERR_REQ_HDR_INVALID. A hook that never says "last" fills the buffer:
        // HTTPc_ERR_TRANS_TX_BUF_FULL ends it.
        for i in 0.. {
            let (given, last) = match tbl.get(i) {
                Some(hdr) => (Some(hdr), false),
                None if hook.is_some() => {
                    hooks::on_req_entry(h, hook, t.conn.ptr(), t.req.ptr()).unwrap_or((None, true))
                }
                None => break,
            };
            let (field, value) = given.ok_or(HTTPc_ERR_REQ_HDR_INVALID)?;
            write_piece(h, t, line, at, Piece::Hdr(field, value))?;
            if last {
                break;
            }
        }
    }
    write_piece(h, t, line, at, Piece::Finish)
}

/// Writes the upgrade request and arms the connection, request and WebSocket for it. Kept out
/// of line so its locals (key, writer) are off the stack during the blocking wait that
/// follows.
#[inline(never)]
pub(crate) fn start_upgrade(h: &mut Held, up: &Upgrade) -> Result<(), HTTPc_ERR> {
    let port = global::port().ok_or(HTTPc_ERR_INIT_NOT_COMPLETED)?;
    // (Borrowed where it is returned: not copied out of the `Option`.)
    let key = new_key(port);
    let Some(key) = &key else {
        return Err(HTTPc_ERR_WEBSOCK_FAULT);
    };
    let mut req = Written::new();
    let target = Target {
        conn: up.conn,
        req: up.req,
        path: up.path,
    };
    // The WebSocket is in use while the hooks run (no second upgrade, no clear); without
    // hooks nothing could see it, `arm` marks it. (The method is set: `HTTPc_WebSockUpgrade`
    // did, before its path check.)
    if !HEAD_HOOKS {
        write_request(h, target, Line::Upgrade(key), &mut req)?;
    } else {
        set_ws_used(h, up.ws, true);
        if let Err(e) = write_request(h, target, Line::Upgrade(key), &mut req) {
            set_ws_used(h, up.ws, false);
            return Err(e);
        }
    }
    // The SHA-1 here, beside the calls above and below rather than under them: the deepest
    // stack of the upgrade.
    arm(h, up, key.accept_digest(), &req.offered)?;
    let s = h.conn(up.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // The transaction's deadline runs from here, blocking or not.
    s.upgrade_queued(up.req, up.resp, up.ws, req.len, port.now_ms());
    Ok(())
}

/// Marks the WebSocket in use, or not.
fn set_ws_used(h: &mut Held, ws: Ws, used: bool) {
    if let Some(w) = h.state::<_, WsState>(ws) {
        w.flags.set(WS_USED, used);
    }
}

/// Whether the string `bytes` (what of it is read: up to its NUL) meets `c`'s connection buffer,
/// which requests are written into.
pub(crate) fn in_conn_buf(h: &mut Held, c: Conn, bytes: &AppBytes) -> bool {
    h.conn(c)
        .is_some_and(|s| meets(s.buf.span(), bytes.read_span()))
}

/// A fresh `Sec-WebSocket-Key` from the port's random source.
#[inline(never)]
fn new_key(port: &Port) -> Option<Key> {
    let mut nonce = [0u8; 16];
    port.random(&mut nonce).then(|| Key::from_random(nonce))
}

/// Arms the request and the WebSocket (its session now expects a response carrying
/// `accept_digest`) and resets the response object.
#[inline(never)]
fn arm(
    h: &mut Held,
    up: &Upgrade,
    accept_digest: [u8; 20],
    offered: &OfferedProtocols,
) -> Result<(), HTTPc_ERR> {
    let w = h
        .state::<_, WsState>(up.ws)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let cfg = *w.session.config();
    w.session.reset(cfg);
    if w.session.begin_handshake(accept_digest, *offered).is_err() {
        return Err(HTTPc_ERR_WEBSOCK_FAULT);
    }
    // In use; not notified, stalled, paused or in a turn.
    w.flags = Flags8::NONE;
    w.flags.set(WS_USED, true);
    w.err = Code8::new(HTTPc_ERR_NONE);
    w.head = None;
    w.finishing = None;
    let r = h
        .state::<_, ReqState>(up.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    r.start(up.no_block);
    up.resp.reset(h, HTTP_CONTENT_TYPE_UNKNOWN);
    Ok(())
}

// ----- Plain requests (`HTTPc_ReqSend`) ------------------------------------------------------

/// What `HTTPc_ReqSend` was asked.
pub(crate) struct Send {
    pub conn: Conn,
    pub req: Req,
    pub resp: Resp,
    pub method: HTTP_METHOD,
    pub path: AppBytes,
    pub no_block: bool,
}

/// The request-line names of legacy's methods, in the order of their `HTTP_METHOD` values
/// (0 to 7), each followed by a NUL.
static METHOD_NAMES: &[u8] = b"GET\0POST\0HEAD\0PUT\0DELETE\0OPTIONS\0TRACE\0CONNECT\0";

/// The request-line name of a method legacy accepts (legacy's dictionary lacks OPTIONS, so
/// its requests failed later with `HTTPc_ERR_REQ_LINE_CREATE`; here they work).
pub(crate) fn method_name(method: HTTP_METHOD) -> Option<&'static [u8]> {
    nth_name(METHOD_NAMES, usize::try_from(method).ok()?)
}

/// The head a request gets, from its settings: the checks of legacy's `HTTPc_ReqSend` and
/// `HTTPcReq_Prepare`, in their order.
pub(crate) fn plain_head(
    r: &ReqState,
    method: HTTP_METHOD,
    persistent: bool,
) -> Result<Plain, HTTPc_ERR> {
    let name = method_name(method).ok_or(HTTPc_ERR_REQ_PARAM_METHOD_INVALID)?;
    let mut head = Plain {
        method: name,
        close: !persistent,
        content_type: None,
        chunked: false,
        content_len: None,
    };
    if !r.params.has(REQ_BODY_PRESENT) {
        return Ok(head);
    }
    let t = media_type_name(r.content_type).ok_or(HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID)?;
    let form = cfg!(feature = "form") && r.form.is_set();
    if !form && !r.params.has(REQ_CHUNKED) && r.content_len == 0 {
        return Err(HTTPc_ERR_REQ_PARAM_CONTENT_LEN_INVALID);
    }
    let multipart = HTTP_CONTENT_TYPE::from(r.content_type) == HTTP_CONTENT_TYPE_MULTIPART_FORM;
    if form {
        if !multipart && HTTP_CONTENT_TYPE::from(r.content_type) != HTTP_CONTENT_TYPE_APP_FORM {
            return Err(HTTPc_ERR_REQ_PARAM_CONTENT_TYPE_INVALID);
        }
        if r.form.is_null_with_entries() {
            return Err(HTTPc_ERR_REQ_PARAM_FORM_FIELD_TBL_INVALID);
        }
    }
    // Legacy announced a body on TRACE and CONNECT but never sent it (the server then waited
    // for it), and called a body hook that was not set: both refused here.
    if matches!(method, HTTP_METHOD_TRACE | HTTP_METHOD_CONNECT) || !form && r.on_body_tx.is_none()
    {
        return Err(HTTPc_ERR_REQ_PARAM_BODY_INVALID);
    }
    // As legacy's header writer: a multipart body is announced with legacy's boundary, whether
    // the library writes it (a form) or the body hook does.
    head.content_type = Some(if multipart { MULTIPART_CONTENT_TYPE } else { t });
    if form {
        // As legacy: a form goes by `Content-Length`, computed from its table (chunked
        // transfer and a length set by the application do not apply to it).
        head.content_len = Some(form_len(&r.form, multipart)?);
        return Ok(head);
    }
    head.chunked = r.params.has(REQ_CHUNKED);
    // A chunked body has no length (legacy sent both headers when both were set, which
    // RFC 9112 §6.1 forbids).
    head.content_len = (!r.params.has(REQ_CHUNKED)).then_some(r.content_len);
    Ok(head)
}

/// Writes the head and arms the connection, request and response for the engine. Out of
/// line: the writer's locals are off the stack during the blocking wait that follows.
#[inline(never)]
pub(crate) fn start_plain(h: &mut Held, q: &Send, head: &Plain) -> Result<(), HTTPc_ERR> {
    let port = global::port().ok_or(HTTPc_ERR_INIT_NOT_COMPLETED)?;
    let mut written = Written::new();
    let target = Target {
        conn: q.conn,
        req: q.req,
        path: q.path,
    };
    // Set before the hooks run, as legacy's `HTTPc_ReqSend` did.
    q.req.set_method(h, q.method);
    write_request(h, target, Line::Plain(head), &mut written)?;
    let r = h
        .state::<_, ReqState>(q.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    r.start(q.no_block);
    r.content_type_rx = HTTP_CONTENT_TYPE_NONE as u8;
    r.body_src = AppBytes::NONE;
    r.body_src_off = 0;
    r.form.step = 0;
    r.txn.set(TXN_CHUNK_END_OWED, false);
    r.txn.set(TXN_BODY_DONE, head.content_type.is_none());
    r.txn.set(TXN_UNSENT, true);
    let content_len = head.content_len.unwrap_or(0);
    q.resp.reset(h, HTTP_CONTENT_TYPE_NONE);
    let s = h.conn(q.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // The body still to send (standard mode); the transaction's deadline runs from here.
    s.body_left = content_len;
    s.request_queued(q.req, q.resp, written.len, port.now_ms());
    Ok(())
}

/// Puts a checked request at the end of its connection's queue: the engine writes its head and
/// sends it once the requests before it ended (its hooks then run in the engine, as legacy's
/// did in its task). The path and objects must stay valid until then, as in legacy. Returns
/// how many transactions are ahead of it (the one in progress included).
pub(crate) fn enqueue(h: &mut Held, q: &Send) -> Result<u32, HTTPc_ERR> {
    let r = h
        .state::<_, ReqState>(q.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    r.start(q.no_block);
    r.path = AppPath::new(q.path);
    r.resp = Some(q.resp);
    r.next = None;
    let s = h.conn(q.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let Some(mut at) = s.queue else {
        s.queue = Some(q.req);
        return Ok(1);
    };
    // The tail: a queue only ever holds requests in use, each once (a request is queued only
    // when it is not in use), so the walk ends.
    let mut ahead = 2;
    loop {
        let r = h.state::<_, ReqState>(at).ok_or(HTTPc_ERR_PARAM_INVALID)?;
        match r.next {
            Some(n) => at = n,
            None => {
                r.next = Some(q.req);
                return Ok(ahead);
            }
        }
        ahead += 1;
    }
}

/// Starts the first request of `c`'s queue once the connection is free: its head written, the
/// transaction armed. Err: that request failed before anything was sent (its hooks ran, the
/// error is what legacy reported), it is out of the queue.
#[cfg(feature = "http")]
pub(crate) fn start_queued(h: &mut Held, c: Conn) -> Result<(), (Req, HTTPc_ERR)> {
    let Some(s) = h.conn(c) else { return Ok(()) };
    let (Some(req), persistent) = (s.queue, s.flags.has(CONN_PERSISTENT)) else {
        return Ok(());
    };
    let method = req.method(h);
    let Some(r) = h.state::<_, ReqState>(req) else {
        // Not a request any more: the queue ends here.
        if let Some(s) = h.conn(c) {
            s.queue = None;
        }
        return Ok(());
    };
    // Out of the queue before anything can fail: whatever happens to it, the rest moves up.
    let next = r.next.take();
    let (resp, path, no_block) = (r.resp, r.path.bytes(), r.no_block);
    let head = plain_head(r, method, persistent);
    // Its turn: its response object is reset, also for a request that fails here.
    if let Some(rs) = resp {
        rs.reset(h, HTTP_CONTENT_TYPE_NONE);
    }
    if let Some(s) = h.conn(c) {
        s.queue = next;
    }
    let q = Send {
        conn: c,
        req,
        resp: resp.ok_or((req, HTTPc_ERR_PARAM_INVALID))?,
        method,
        path,
        no_block,
    };
    // (Read where it was returned, not moved out of the `Result`.)
    match &head {
        Ok(head) => start_plain(h, &q, head),
        Err(e) => Err(*e),
    }
    .map_err(|e| (req, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_legacy_values_0_to_7() {
        let want: [&[u8]; 8] = [
            b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"TRACE", b"CONNECT",
        ];
        let values = [
            HTTP_METHOD_GET,
            HTTP_METHOD_POST,
            HTTP_METHOD_HEAD,
            HTTP_METHOD_PUT,
            HTTP_METHOD_DELETE,
            HTTP_METHOD_OPTIONS,
            HTTP_METHOD_TRACE,
            HTTP_METHOD_CONNECT,
        ];
        for (m, name) in values.into_iter().zip(want) {
            assert_eq!(method_name(m), Some(name));
        }
        assert_eq!(method_name(HTTP_METHOD_UNKNOWN), None);
        assert_eq!(method_name(u32::MAX), None);
    }

    #[test]
    fn content_type_names_only_for_body_types() {
        assert_eq!(
            media_type_name(HTTP_CONTENT_TYPE_JSON as u8),
            Some(&b"application/json"[..])
        );
        assert_eq!(
            media_type_name(HTTP_CONTENT_TYPE_MULTIPART_FORM as u8),
            Some(&b"multipart/form-data"[..])
        );
        for t in [
            HTTP_CONTENT_TYPE_UNKNOWN,
            HTTP_CONTENT_TYPE_NONE,
            HTTP_CONTENT_TYPE_WEBSOCK_TXT_DATA,
            HTTP_CONTENT_TYPE_WEBSOCK_BIN_DATA,
        ] {
            assert_eq!(media_type_name(t as u8), None, "{t}");
        }
    }
}
