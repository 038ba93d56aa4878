//! [`WaitSlot`]: where a blocking call's result waits for it. Legacy's blocking calls slept on
//! a semaphore and then read flags its `*Clr` functions left alone; ours read the object's
//! state after an engine pass, and the hooks of that pass (`OnClose`, `OnOpen`,
//! `OnMsgTxComplete`) may clear the object or start its next operation first. The slot is
//! armed when a blocking operation starts, written when that operation ends, and kept by
//! `*Clr` (`Held::reinit`) and by non-blocking operations, so the result reaches its call.

use crate::capi::consts::HTTPc_ERR;

/// A blocking call's result, in one byte (the objects keep legacy's size): 0 when no call
/// waits (the cleared value), [`PENDING`] while one waits for its operation, else the error
/// the operation ended with (`HTTPc_ERR_*` values are 1..=238).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaitSlot(u8);

const IDLE: u8 = 0;
const PENDING: u8 = u8::MAX;

impl WaitSlot {
    /// No call waits: the value `*Clr` writes (zero, as the rest of a cleared state).
    pub(crate) const CLEARED: WaitSlot = WaitSlot(IDLE);

    /// An operation starts: a blocking one arms the slot; a non-blocking one leaves it alone
    /// (a hook may start one on the same object before the blocking call read its result).
    pub(crate) fn arm(&mut self, blocking: bool) {
        if blocking {
            self.0 = PENDING;
        }
    }

    /// The operation ended with `err`: kept for the call waiting on it, if any.
    pub(crate) fn finish(&mut self, err: HTTPc_ERR) {
        if self.0 == PENDING {
            // Every error code fits a byte and is neither 0 nor 255 (see the type).
            self.0 = err as u8;
        }
    }

    /// A blocking call still waits for its operation.
    pub(crate) fn pending(&self) -> bool {
        self.0 == PENDING
    }

    /// The ended operation's error, once, for the call that waited on it.
    pub(crate) fn take(&mut self) -> Option<HTTPc_ERR> {
        let v = core::mem::replace(&mut self.0, IDLE);
        (v != IDLE && v != PENDING).then_some(HTTPc_ERR::from(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::consts::{HTTPc_ERR_CONN_SOCK_CLOSED, HTTPc_ERR_NONE};

    #[test]
    fn a_blocking_operation_gets_its_own_result_once() {
        let mut w = WaitSlot(IDLE);
        w.arm(true);
        assert!(w.pending());
        w.finish(HTTPc_ERR_CONN_SOCK_CLOSED);
        assert!(!w.pending());
        // A non-blocking operation started from a hook, and its end, change nothing.
        w.arm(false);
        w.finish(HTTPc_ERR_NONE);
        assert_eq!(w.take(), Some(HTTPc_ERR_CONN_SOCK_CLOSED));
        assert_eq!(w.take(), None, "read once");
    }

    #[test]
    fn non_blocking_operations_leave_an_idle_slot_idle() {
        let mut w = WaitSlot(IDLE);
        w.arm(false);
        assert!(!w.pending());
        w.finish(HTTPc_ERR_CONN_SOCK_CLOSED);
        assert_eq!(w.take(), None);
        // Re-armed by the next blocking operation, the earlier result is gone.
        w.arm(true);
        w.finish(HTTPc_ERR_NONE);
        assert_eq!(w.take(), Some(HTTPc_ERR_NONE));
        // Every error code round-trips.
        for err in 1..=238 {
            w.arm(true);
            w.finish(err);
            assert_eq!(w.take(), Some(err));
        }
    }
}
