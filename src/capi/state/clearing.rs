//! What `*Clr` writes into an object, and when an object may be cleared or have its settings
//! changed: [`Busy`] (in use by the engine), [`Clear`] (the cleared state, written in place),
//! and `Held::idle` / `Held::reinit`, which the `*Clr` and `*SetParam` exports go through.

use super::*;

/// A state whose object the engine may be using.
pub(crate) trait Busy {
    /// The object is in use: its settings may not change.
    fn busy(&self) -> bool;

    /// Where a blocking call on the object finds its result: `*Clr` keeps it.
    fn wait_slot(&mut self) -> Option<&mut WaitSlot> {
        None
    }
}

impl Busy for ConnState {
    fn busy(&self) -> bool {
        self.is_open()
    }
}

impl Busy for ReqState {
    fn busy(&self) -> bool {
        self.used
    }

    fn wait_slot(&mut self) -> Option<&mut WaitSlot> {
        Some(&mut self.wait)
    }
}

impl Busy for WsState {
    fn busy(&self) -> bool {
        self.flags.has(WS_USED)
    }
}

impl Busy for MsgState {
    fn busy(&self) -> bool {
        self.used
    }

    fn wait_slot(&mut self) -> Option<&mut WaitSlot> {
        Some(&mut self.wait)
    }
}

/// A state `*Clr` writes over whatever the object held.
pub(crate) trait Clear {
    /// Writes a cleared state at `p`, in place.
    ///
    /// # Safety
    /// `p` is valid for writes and aligned, and no reference to it is alive.
    unsafe fn clear(p: *mut Self);
}

/// Implements [`Clear`] for a state: the area is zeroed, which makes every `bool` false, every
/// number 0, every pointer NULL and every callback `None`, then the listed fields, whose cleared
/// value is something else, are written through the raw place (the old bytes are never read or
/// dropped). (Not a whole struct value written at once: the compiler builds it on the stack and
/// copies it.) Each use lists, in its doc, the fields whose cleared value is zero.
macro_rules! clear {
    ($(#[$doc:meta])* $state:ty { $($field:ident: $value:expr),* $(,)? }) => {
        impl Clear for $state {
            $(#[$doc])*
            ///
            /// # Safety
            /// `p` is valid for writes and aligned.
            unsafe fn clear(p: *mut Self) {
                $(let $field = $value;)*
                // SAFETY: per the caller's contract (valid for writes, aligned, no reference
                // alive); every field not listed is one whose cleared value is zero (the
                // impl's doc), so the zeroed bytes are a valid value of it, and the listed
                // ones are written through the raw place before any reference is formed.
                unsafe {
                    p.write_bytes(0, 1);
                    $(core::ptr::addr_of_mut!((*p).$field).write($field);)*
                }
            }
        }
    };
}

clear! {
    /// Writes a cleared state at `p`, in place. Cleared values that are zero: not blocking, not
    /// persistent, no keep-alive, not a WebSocket, no close requested, no port set (the
    /// default), no buffer, not started, no body left,
    /// no handle, host, TLS name or trust callback, no callbacks, not linked to anything.
    ConnState {
        magic: CONN_MAGIC,
        phase: Phase::Idle,
        close_req_status: Code8::new(HTTPc_CONN_CLOSE_STATUS_APP),
        close_req_err: Code8::new(HTTPc_ERR_NONE),
        connect_timeout_ms: 2000,
        trans_timeout_ms: HTTPc_TASK_TIMEOUT_MS_TRANS_DFLT,
        inactivity_s: 30,
        err: Code8::new(HTTPc_ERR_NONE),
    }
}

clear! {
    /// Writes a cleared state at `p`, in place. Cleared values that are zero: not used,
    /// blocking, not done, no header table, query table, form or hooks.
    ReqState {
        magic: REQ_MAGIC,
        parser: ResponseParser::new(0, 0, false),
    }
}

clear! {
    /// Writes a cleared state at `p`, in place: default limits, a new session. Cleared values
    /// that are zero: not used, nothing notified, no hooks, no queued, current or finishing
    /// message, nothing stalled or paused, no receive delivery.
    WsState {
        magic: WS_MAGIC,
        tx_stall_ms: TX_STALL_TIMEOUT_MS_DFLT,
        session: Session::new(Config::DEFAULT),
        masker: Masker::new([0; 4]),
        err: Code8::new(HTTPc_ERR_NONE),
    }
}

clear! {
    /// Writes a cleared state at `p`, in place. Cleared values that are zero: not used, type
    /// 0, no length, data, successor or hooks, no blocking call waiting.
    MsgState {
        magic: MSG_MAGIC,
        progress: TxProgress::Fresh,
    }
}

impl Held {
    /// The state of a cleared object that is not in use, for the calls that change its
    /// settings: `HTTPc_ERR_PARAM_INVALID` when it was never cleared, `busy_err` when it is in
    /// use.
    pub(crate) fn idle<O: Holds<S>, S: Busy>(
        &mut self,
        o: Obj<O>,
        busy_err: HTTPc_ERR,
    ) -> Result<&mut S, HTTPc_ERR> {
        match self.state::<O, S>(o) {
            None => Err(HTTPc_ERR_PARAM_INVALID),
            Some(s) if s.busy() => Err(busy_err),
            Some(s) => Ok(s),
        }
    }

    /// Clears `o` unless it holds a state that is in use (`busy_err`), then lets `set` adjust
    /// the cleared state.
    pub(crate) fn reinit<O: Holds<S>, S: Busy + Clear>(
        &mut self,
        o: Obj<O>,
        busy_err: HTTPc_ERR,
    ) -> Result<&mut S, HTTPc_ERR> {
        // (A cleared slot when there is nothing to keep: then the clear is written once, not
        // once per case.)
        let kept = match self.state::<O, S>(o) {
            Some(s) if s.busy() => return Err(busy_err),
            Some(s) => s.wait_slot().map_or(WaitSlot::CLEARED, |w| *w),
            None => WaitSlot::CLEARED,
        };
        let p = O::reserved(o.ptr());
        // SAFETY: a live object (`Obj` contract) whose reserved area fits `S` (`Holds`), not in
        // use, and no reference to it is alive (the one above ended). Once cleared it holds a
        // whole `S` (as `Held::state` would find by its magic), and the reference borrows
        // `self`, so it ends before the next hook or state access.
        let s = unsafe {
            S::clear(p);
            &mut *p
        };
        // A blocking call may still have to read its result: a hook of the pass that ended
        // the operation cleared the object (see `WaitSlot`).
        if let Some(w) = s.wait_slot() {
            *w = kept;
        }
        Ok(s)
    }
}
