//! [`Flags8`], a byte of booleans, and the bits of the states' flag bytes: each boolean a bit,
//! so that the objects the application allocates per connection stay at legacy's size
//! (`scripts/footprint.sh` checks one WebSocket's five objects against 428 B).

/// Booleans packed in one byte, each a bit the owner names with a constant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flags8(u8);

impl Flags8 {
    /// All clear.
    pub(crate) const NONE: Flags8 = Flags8(0);

    /// True when every bit of `bits` is set.
    #[inline]
    pub(crate) const fn has(self, bits: u8) -> bool {
        self.0 & bits == bits
    }

    /// True when any bit of `bits` is set.
    #[inline]
    #[cfg_attr(feature = "http", allow(dead_code))] // (the upgrade's own reader)
    pub(crate) const fn any(self, bits: u8) -> bool {
        self.0 & bits != 0
    }

    /// Sets (`on`) or clears the bits of `bits`.
    #[inline]
    pub(crate) fn set(&mut self, bits: u8, on: bool) {
        if on {
            self.0 |= bits;
        } else {
            self.0 &= !bits;
        }
    }
}

/// `ConnState::flags`: `HTTPc_ConnOpen` was called with `HTTPc_FLAG_CONN_NO_BLOCK`.
pub(crate) const CONN_NO_BLOCK: u8 = 1;
/// `ConnState::flags`: `HTTPc_PARAM_TYPE_PERSISTENT` was set.
pub(crate) const CONN_PERSISTENT: u8 = 2;
/// `ConnState::flags`: `HTTPc_CFG::ConnIsKeepAlive` (TCP keep-alive for the port) at clear.
pub(crate) const CONN_KEEP_ALIVE: u8 = 4;
/// `ConnState::flags`: the upgrade succeeded (until the next open).
pub(crate) const CONN_WEBSOCKET: u8 = 8;
/// `ConnState::flags`: `HTTPc_ConnClose` (or a failure) asked the engine to close it.
pub(crate) const CONN_CLOSE_REQUESTED: u8 = 16;
// (The three below: the upgrade's own reader, built without `http`, whose parser tells.)
/// `ConnState::flags`: the refused upgrade's body has no length (chunked, until close, or a
/// `Content-Length` that is not a number): the connection cannot be reused.
#[cfg_attr(feature = "http", allow(dead_code))]
pub(crate) const CONN_BODY_UNBOUNDED: u8 = 32;
/// `ConnState::flags`: the refused upgrade's response says `Connection: close`.
#[cfg_attr(feature = "http", allow(dead_code))]
pub(crate) const CONN_SERVER_CLOSES: u8 = 64;
/// `ConnState::flags`: the refused upgrade's response gave its body's length.
#[cfg_attr(feature = "http", allow(dead_code))]
pub(crate) const CONN_BODY_SIZED: u8 = 128;

/// `WsState::flags`: attached to a connection by an upgrade, until the WebSocket ends.
pub(crate) const WS_USED: u8 = 1;
/// `WsState::flags`: `OnOpen` was called.
pub(crate) const WS_OPEN_NOTIFIED: u8 = 2;
/// `WsState::flags`: no `OnClose` is owed any more: it was called, or the WebSocket never
/// opened for the application (a close its upgrade's `OnTransComplete` asked for came first).
pub(crate) const WS_CLOSE_NOTIFIED: u8 = 4;
// (8: free.)
/// `WsState::flags`: `OnMsgRxData` took nothing last time: retry on a timer.
pub(crate) const WS_RX_PAUSED: u8 = 16;
/// `WsState::flags`: the engine is in this WebSocket's turn: a message a hook queues now is
/// produced before the turn ends, so the engine needs no wake for it.
pub(crate) const WS_IN_TURN: u8 = 32;
/// `WsState::flags`: the server closed TCP while `OnMsgRxData` held back buffered bytes: they
/// are offered again (nothing more is received) until taken or the close timeout ends it.
pub(crate) const WS_RX_EOF: u8 = 64;

/// `ReqState::params`: a body parameter was set (`HTTPc_FLAG_REQ_BODY_PRESENT` in legacy).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const REQ_BODY_PRESENT: u8 = 1;
/// `ReqState::params`: `HTTPc_PARAM_TYPE_REQ_BODY_CHUNK`: the body goes out chunked.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const REQ_CHUNKED: u8 = 2;

/// `ReqState::txn`, chunked: the CRLF that ends the chunk whose data is going out is owed.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const TXN_CHUNK_END_OWED: u8 = 1;
/// `ReqState::txn`: the body hook said it gave the last piece (chunked), or all of the body
/// went (standard).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const TXN_BODY_DONE: u8 = 2;
/// `ReqState::txn`: the server keeps the connection after the response.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const TXN_KEEP_ALIVE: u8 = 4;
/// `ReqState::txn`: the server closed its side: what is buffered is still parsed and
/// delivered, nothing more is received.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const TXN_RX_EOF: u8 = 8;
/// `ReqState::txn`: the body hook was told `last_chunk` (else the end tells it with an empty
/// call).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const TXN_LAST_TOLD: u8 = 16;
/// `ReqState::txn`: nothing of the request went out yet (see `engine::http::closed_before`).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) const TXN_UNSENT: u8 = 32;

#[cfg(test)]
mod tests {
    use super::Flags8;

    #[test]
    fn bits_are_independent() {
        let mut f = Flags8::NONE;
        f.set(1, true);
        f.set(4, true);
        assert!(f.has(1) && f.has(4) && f.has(5) && !f.has(2) && !f.has(3));
        f.set(1, false);
        assert!(!f.has(1) && f.has(4));
        f.set(4, true);
        assert!(f.has(4), "setting a set bit keeps it");
        f.set(0x80, true);
        f.set(4, false);
        assert_eq!(f, {
            let mut g = Flags8::default();
            g.set(0x80, true);
            g
        });
    }
}
