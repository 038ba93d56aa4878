//! The upgrade request: written into the connection buffer during `HTTPc_WebSockUpgrade`
//! (request line, `Host`, the handshake headers, the application's header table and hook, its
//! query table), and the connection, request and WebSocket armed for the transaction the
//! engine then runs (`engine/upgrade.rs`).

use super::app::AppBytes;
use super::consts::*;
use super::global::{self, Held};
use super::handle::{Conn, Req, Resp, Ws};
use super::hooks;
use super::objects::HTTPc_RESP_OBJ;
use super::port::Port;
use super::state::{Phase, ReqState, WsState};
use crate::proto::handshake::{Key, OfferedProtocols, RequestWriter, WriteError};

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
        WriteError::InvalidHeader => HTTPc_ERR_REQ_HDR_INVALID,
        WriteError::ForbiddenHeader => HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED,
    }
}

/// Writes one application header (a dictionary field and its value).
fn write_hdr(w: &mut RequestWriter<'_>, field: u32, value: AppBytes) -> Result<(), HTTPc_ERR> {
    let name = hdr_field_name(field).ok_or(HTTPc_ERR_REQ_HDR_INVALID)?;
    w.header(name, value.all()).map_err(write_err)
}

/// Copies `part` just before `buf[*at..]` and moves `at` back to its start:
/// `HTTPc_ERR_REQ_QUERY_STR_CREATE` when it does not fit.
fn prepend(buf: &mut [u8], at: &mut usize, part: &[u8]) -> Result<(), HTTPc_ERR> {
    for &b in part.iter().rev() {
        *at = at.checked_sub(1).ok_or(HTTPc_ERR_REQ_QUERY_STR_CREATE)?;
        if let Some(d) = buf.get_mut(*at) {
            *d = b;
        }
    }
    Ok(())
}

/// Where a request being written stands between two calls of the header hook (the hook may
/// use the API, so no borrow of the buffer lives across it).
struct Written {
    len: usize,
    offered: OfferedProtocols,
}

/// The request line, the handshake headers and the header table.
// Out of line: its writer and query assembly are off the stack while the hook runs.
#[inline(never)]
fn write_head(h: &mut Held, up: &Upgrade, key: &Key, at: &mut Written) -> Result<(), HTTPc_ERR> {
    let r = h
        .state::<_, ReqState>(up.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let (hdr_tbl, query_tbl) = (r.hdr_tbl, r.query_tbl);
    let s = h.conn(up.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let (host, port, secure) = (s.host, s.port, s.is_secure());
    let buf = s.buf.whole();
    // Query string from the table, as given: assembled backwards at the end of the connection
    // buffer (not on the stack), then copied into the request line by the writer.
    let mut split = buf.len();
    let query_nbr = if cfg!(feature = "query-str") {
        query_tbl.len()
    } else {
        0
    };
    for i in (0..query_nbr).rev() {
        let Some((k, v)) = query_tbl.key_val(i) else {
            break;
        };
        prepend(buf, &mut split, v.all())?;
        if !v.all().is_empty() {
            prepend(buf, &mut split, b"=")?;
        }
        prepend(buf, &mut split, k.all())?;
        if i > 0 {
            prepend(buf, &mut split, b"&")?;
        }
    }
    let (buf, query) = buf
        .split_at_mut_checked(split)
        .ok_or(HTTPc_ERR_REQ_QUERY_STR_CREATE)?;
    let mut w = RequestWriter::new(buf);
    w.start(host.all(), port, secure, up.path.all(), query, key)
        .map_err(write_err)?;
    let hdr_nbr = if cfg!(feature = "hdr-tx") {
        hdr_tbl.len()
    } else {
        0
    };
    for i in 0..hdr_nbr {
        let (field, value) = hdr_tbl.hdr(i).ok_or(HTTPc_ERR_REQ_HDR_INVALID)?;
        write_hdr(&mut w, field, value)?;
    }
    at.len = w.len();
    at.offered = w.offered();
    Ok(())
}

/// The connection buffer holding the request being written, as long as the connection still
/// waits for its upgrade (the header hook may have closed it).
fn request_buf(h: &mut Held, c: Conn) -> Result<&mut [u8], HTTPc_ERR> {
    let s = h
        .conn(c)
        .filter(|s| s.phase == Phase::Connected)
        .ok_or(HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED)?;
    Ok(s.buf.whole())
}

/// Writes one header the hook gave, with a writer resumed where the request stood.
// Out of line, and referenced only where the header hook is built in (`hdr-tx`).
#[inline(never)]
fn write_hook_hdr(
    h: &mut Held,
    c: Conn,
    at: &mut Written,
    field: u32,
    value: AppBytes,
) -> Result<(), HTTPc_ERR> {
    let mut w = RequestWriter::resume(request_buf(h, c)?, at.len, at.offered);
    write_hdr(&mut w, field, value)?;
    at.len = w.len();
    at.offered = w.offered();
    Ok(())
}

/// Writes the whole upgrade request into the connection buffer: its length, and the
/// subprotocols it offers.
// Out of line: the hook loop's locals are off the stack while the handshake state is set up
// (the accept value's SHA-1 is the deepest path of a blocking upgrade).
#[inline(never)]
fn write_request(h: &mut Held, up: &Upgrade, key: &Key, at: &mut Written) -> Result<(), HTTPc_ERR> {
    write_head(h, up, key, at)?;
    let hook = h
        .state::<_, ReqState>(up.req)
        .and_then(|r| r.on_hdr_tx)
        .filter(|_| cfg!(feature = "hdr-tx"));
    if hook.is_some() {
        // As legacy: called until it says it gave the last header, each call giving one (the
        // last one too); no header is HTTPc_ERR_REQ_HDR_INVALID. A hook that never says
        // "last" fills the buffer: HTTPc_ERR_TRANS_TX_BUF_FULL ends it.
        loop {
            let (given, last) =
                hooks::on_req_hdr(h, hook, up.conn.ptr(), up.req.ptr()).unwrap_or((None, true));
            let (field, value) = given.ok_or(HTTPc_ERR_REQ_HDR_INVALID)?;
            write_hook_hdr(h, up.conn, at, field, value)?;
            if last {
                break;
            }
        }
    }
    at.len = RequestWriter::resume(request_buf(h, up.conn)?, at.len, at.offered)
        .finish()
        .map_err(write_err)?;
    Ok(())
}

/// Writes the upgrade request and arms the connection, request and WebSocket for it. Kept out
/// of line so its locals (key, writer) are off the stack during the blocking wait that
/// follows.
#[inline(never)]
pub(crate) fn start_upgrade(h: &mut Held, up: &Upgrade) -> Result<(), HTTPc_ERR> {
    let port = global::port().ok_or(HTTPc_ERR_INIT_NOT_COMPLETED)?;
    let key = new_key(port).ok_or(HTTPc_ERR_WEBSOCK_FAULT)?;
    let mut req = Written {
        len: 0,
        offered: OfferedProtocols::new(),
    };
    write_request(h, up, &key, &mut req)?;
    arm(h, up, &key, &req.offered)?;
    let s = h.conn(up.conn).ok_or(HTTPc_ERR_PARAM_INVALID)?;
    // The transaction's deadline runs from here, blocking or not.
    s.upgrade_queued(up.req, up.resp, up.ws, req.len, port.now_ms());
    Ok(())
}

/// A fresh `Sec-WebSocket-Key` from the port's random source.
#[inline(never)]
fn new_key(port: &Port) -> Option<Key> {
    let mut nonce = [0u8; 16];
    port.random(&mut nonce).then(|| Key::from_random(nonce))
}

/// Arms the request and the WebSocket (its session now expects the response to `key`) and
/// resets the response object.
#[inline(never)]
fn arm(h: &mut Held, up: &Upgrade, key: &Key, offered: &OfferedProtocols) -> Result<(), HTTPc_ERR> {
    let w = h
        .state::<_, WsState>(up.ws)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    let cfg = *w.session.config();
    w.session.reset(cfg);
    if w.session.begin_handshake(key, *offered).is_err() {
        return Err(HTTPc_ERR_WEBSOCK_FAULT);
    }
    w.used = true;
    w.open_notified = false;
    w.close_notified = false;
    w.err = HTTPc_ERR_NONE;
    w.head = None;
    w.tail = None;
    w.cur = None;
    w.finishing = None;
    w.frame_left = 0;
    let r = h
        .state::<_, ReqState>(up.req)
        .ok_or(HTTPc_ERR_PARAM_INVALID)?;
    r.used = true;
    r.done = false;
    r.ok = false;
    r.no_block = up.no_block;
    r.err = HTTPc_ERR_NONE;
    up.resp.set(
        h,
        HTTPc_RESP_OBJ {
            ProtocolVer: HTTP_PROTOCOL_VER_UNKNOWN,
            StatusCode: HTTP_STATUS_UNKNOWN,
            ReasonPhrasePtr: core::ptr::null(),
            ContentType: HTTP_CONTENT_TYPE_UNKNOWN,
            ContentLen: 0,
        },
    );
    Ok(())
}
