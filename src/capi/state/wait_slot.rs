//! [`WaitSlot`]: where a blocking call's result waits for it. Legacy's blocking calls slept on
//! a semaphore and then read flags its `*Clr` functions left alone; ours read the object's
//! state after an engine pass, and the hooks of that pass (`OnClose`, `OnOpen`,
//! `OnMsgTxComplete`) may clear the object or start its next operation first. The slot is
//! armed when a blocking operation starts, written when that operation ends, and kept by
//! `*Clr` (`Held::reinit`) and by non-blocking operations, so the result reaches its call.

use super::Code8;
use crate::capi::consts::{HTTPc_ERR, HTTPc_ERR_NONE};

/// A blocking call's result (zeroed: no call waits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaitSlot {
    state: SlotState,
    err: Code8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum SlotState {
    /// No blocking call waits (the cleared value: zero).
    Idle = 0,
    /// A blocking call waits for its operation to end.
    Pending = 1,
    /// Its operation ended with `err`; the call has not read it yet.
    Done = 2,
}

impl WaitSlot {
    /// An operation starts: a blocking one arms the slot; a non-blocking one leaves it alone
    /// (a hook may start one on the same object before the blocking call read its result).
    pub(crate) fn arm(&mut self, blocking: bool) {
        if blocking {
            self.state = SlotState::Pending;
            self.err = Code8::new(HTTPc_ERR_NONE);
        }
    }

    /// The operation ended with `err`: kept for the call waiting on it, if any.
    pub(crate) fn finish(&mut self, err: HTTPc_ERR) {
        if self.state == SlotState::Pending {
            self.state = SlotState::Done;
            self.err = Code8::new(err);
        }
    }

    /// A blocking call still waits for its operation.
    pub(crate) fn pending(&self) -> bool {
        self.state == SlotState::Pending
    }

    /// The ended operation's error, once, for the call that waited on it.
    pub(crate) fn take(&mut self) -> Option<HTTPc_ERR> {
        let done = self.state == SlotState::Done;
        self.state = SlotState::Idle;
        done.then_some(self.err.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::consts::HTTPc_ERR_CONN_SOCK_CLOSED;

    fn idle() -> WaitSlot {
        WaitSlot {
            state: SlotState::Idle,
            err: Code8::new(HTTPc_ERR_NONE),
        }
    }

    #[test]
    fn a_blocking_operation_gets_its_own_result_once() {
        let mut w = idle();
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
        let mut w = idle();
        w.arm(false);
        assert!(!w.pending());
        w.finish(HTTPc_ERR_CONN_SOCK_CLOSED);
        assert_eq!(w.take(), None);
        // Re-armed by the next blocking operation, the earlier result is gone.
        w.arm(true);
        w.finish(HTTPc_ERR_NONE);
        assert_eq!(w.take(), Some(HTTPc_ERR_NONE));
    }
}
