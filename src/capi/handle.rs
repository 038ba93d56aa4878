//! Handles to the application's objects, and the one place that turns them into references to
//! the library state inside them (and to the public fields the library writes).
//!
//! An [`Obj`] is a non-NULL object pointer the application gave us. Making one is `unsafe`
//! (the application promises the object stays valid while the library uses it: the API
//! contract); using one is not. Its state is reached only through the lock token
//! ([`Held`]), which checks the object was cleared (its magic) and, for the objects attached
//! to a connection, that they still are (the lookup goes through the connection's own link).
//! The states of several objects at once come from `two`/`three`, which need objects of
//! different kinds; public fields (a response, a message's user data) from [`Obj::fields`].

use core::ptr::NonNull;

use super::consts::*;
use super::global::Held;
use super::objects::*;
use super::state::{ConnState, Holds, MsgState, ReqState, WsState};
use super::types::CPU_INT32U;

/// A live application object of type `O`.
#[repr(transparent)]
pub(crate) struct Obj<O>(NonNull<O>);

impl<O> Clone for Obj<O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O> Copy for Obj<O> {}
impl<O> PartialEq for Obj<O> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<O> Eq for Obj<O> {}

/// A connection.
pub(crate) type Conn = Obj<HTTPc_CONN_OBJ>;
/// A request.
pub(crate) type Req = Obj<HTTPc_REQ_OBJ>;
/// A response (public fields, no library state).
pub(crate) type Resp = Obj<HTTPc_RESP_OBJ>;
/// A WebSocket.
pub(crate) type Ws = Obj<HTTPc_WEBSOCK_OBJ>;
/// An outgoing message.
pub(crate) type Msg = Obj<HTTPc_WEBSOCK_MSG_OBJ>;

impl<O> Obj<O> {
    /// The handle of an object pointer from the application; None for NULL.
    ///
    /// # Safety
    /// `p` is NULL or points to an `O` that stays valid for as long as the library may use it
    /// (until it is cleared again, its connection closed or its send completed: the API
    /// contract), and is not moved meanwhile.
    pub(crate) unsafe fn from_api(p: *mut O) -> Option<Self> {
        NonNull::new(p).map(Obj)
    }

    /// The pointer, for the application's hooks and for comparisons.
    pub(crate) fn ptr(self) -> *mut O {
        self.0.as_ptr()
    }

    /// The object's bytes, as (address, size), to check that objects lie apart.
    pub(crate) fn span(self) -> Span {
        (self.ptr() as usize, size_of::<O>())
    }
}

/// Whether the application's objects of one call (`spans`, see [`Obj::span`]) and the byte
/// range `buf` (the connection buffer) share no byte: the library keeps its state in each object
/// and writes the buffer, so two that overlap would overwrite each other (state read back as a
/// pointer, or two `&mut` to the same bytes).
// (An empty span meets nothing: a buffer not lent yet, an empty table or payload, whatever
// its pointer.)
pub(crate) fn apart(spans: &[Span], buf: Span) -> bool {
    let mut rest = spans;
    while let [x, tail @ ..] = rest {
        if meets(*x, buf) || tail.iter().any(|y| meets(*x, *y)) {
            return false;
        }
        rest = tail;
    }
    true
}

/// Where bytes lie: (address, length), as `Obj::span` and `ConnBuf::span` give them.
pub(crate) type Span = (usize, usize);

/// Whether two byte ranges share a byte (empty ones meet nothing): the application's bytes
/// the library reads against the connection buffer it writes, or two objects.
// Out of line: one copy for every aliasing check.
#[inline(never)]
pub(crate) fn meets((a, n): Span, (b, m): Span) -> bool {
    n > 0 && m > 0 && a < b.saturating_add(m) && b < a.saturating_add(n)
}

/// The WebSocket a connection's state links to (one function, so that `conn_ws` and
/// `conn_ws_msg` share their code).
fn ws_link(s: &ConnState) -> Option<Ws> {
    s.ws
}

/// Null for none: what hooks receive.
pub(crate) fn ptr_or_null<O>(o: Option<Obj<O>>) -> *mut O {
    o.map_or(core::ptr::null_mut(), Obj::ptr)
}

/// An application object that starts with fields the library writes for the application to
/// read (`Fields`), holding no library state.
///
/// # Safety
/// Implementors guarantee that `Fields` is laid out at the start of the object and ends before
/// its reserved area (where `Held::state` lends the library state), if it has one.
pub(crate) unsafe trait Public {
    /// The object's public part.
    type Fields;
}

// SAFETY: a response object is all public fields, and has no reserved area.
unsafe impl Public for HTTPc_RESP_OBJ {
    type Fields = HTTPc_RESP_OBJ;
}

/// The public fields a request object starts with.
#[repr(C)]
pub(crate) struct ReqPublic {
    pub UserDataPtr: *mut core::ffi::c_void,
    pub Method_reserved: CPU_INT32U,
}

// SAFETY: `ReqPublic` is the request object's first two fields, as laid out there, and ends
// before `Reserved` (asserted below).
unsafe impl Public for HTTPc_REQ_OBJ {
    type Fields = ReqPublic;
}
const _: () = assert!(
    core::mem::offset_of!(HTTPc_REQ_OBJ, UserDataPtr)
        == core::mem::offset_of!(ReqPublic, UserDataPtr)
        && core::mem::offset_of!(HTTPc_REQ_OBJ, Method_reserved)
            == core::mem::offset_of!(ReqPublic, Method_reserved)
        && core::mem::offset_of!(HTTPc_REQ_OBJ, Reserved) >= core::mem::size_of::<ReqPublic>()
);

impl Req {
    /// Sets its `Method_reserved` (legacy's read-only field of the method last sent).
    pub(crate) fn set_method(self, h: &mut Held, m: HTTP_METHOD) {
        self.fields(h).Method_reserved = m;
    }

    /// Its `Method_reserved`.
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) fn method(self, h: &mut Held) -> HTTP_METHOD {
        self.fields(h).Method_reserved
    }
}

// SAFETY: `UserDataPtr` is the message object's first field and ends before `Reserved`
// (asserted below).
unsafe impl Public for HTTPc_WEBSOCK_MSG_OBJ {
    type Fields = *mut core::ffi::c_void;
}
const _: () = assert!(
    core::mem::offset_of!(HTTPc_WEBSOCK_MSG_OBJ, UserDataPtr) == 0
        && core::mem::offset_of!(HTTPc_WEBSOCK_MSG_OBJ, Reserved)
            >= core::mem::size_of::<*mut core::ffi::c_void>()
);

impl<O: Public> Obj<O> {
    /// The object's public fields, for as long as the token is lent.
    pub(crate) fn fields(self, _h: &mut Held) -> &mut O::Fields {
        // SAFETY: a live object (`Obj` contract), aligned as every C object pointer is, that
        // starts with its `Fields` (`Public`), which only ever hold values of their types (the
        // application's, or ours). They are outside the reserved area, so no library state
        // reference overlaps them, and the reference borrows the token: no other reference to
        // them can be made while it lives, and it ends before the next hook call, in which the
        // application may read them.
        unsafe { &mut *self.ptr().cast::<O::Fields>() }
    }
}

/// What `HTTPc_RESP_OBJ.ReasonPhrasePtr` always points to: an empty string (never NULL: an
/// application that prints or compares it stays safe).
pub(crate) const NO_REASON: *const core::ffi::c_char = c"".as_ptr();

impl Resp {
    /// Resets the response object (its fields are public, the application reads them) for a
    /// request that starts, or fails before its turn: no status, no length, an empty reason,
    /// `ContentType` as given.
    pub(crate) fn reset(self, h: &mut Held, content_type: HTTP_CONTENT_TYPE) {
        *self.fields(h) = HTTPc_RESP_OBJ {
            ProtocolVer: HTTP_PROTOCOL_VER_UNKNOWN,
            StatusCode: HTTP_STATUS_UNKNOWN,
            ReasonPhrasePtr: NO_REASON,
            ContentType: content_type,
            ContentLen: 0,
        };
    }

    /// Sets its status line: `StatusCode` and `ProtocolVer` (1.1, or 1.0 when `minor` is 0).
    pub(crate) fn set_status(self, h: &mut Held, code: HTTP_STATUS_CODE, minor: u8) {
        let ver = if minor == 0 {
            HTTP_PROTOCOL_VER_1_0
        } else {
            HTTP_PROTOCOL_VER_1_1
        };
        let r = self.fields(h);
        r.StatusCode = code;
        r.ProtocolVer = ver;
    }

    /// Sets its `ContentType`.
    #[cfg(feature = "http")]
    pub(crate) fn set_content_type(self, h: &mut Held, t: HTTP_CONTENT_TYPE) {
        self.fields(h).ContentType = t;
    }

    /// Sets its `ContentLen`.
    pub(crate) fn set_content_len(self, h: &mut Held, len: u32) {
        self.fields(h).ContentLen = len;
    }
}

impl Msg {
    /// Sets its `UserDataPtr` (`HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA`; NULL on clear).
    pub(crate) fn set_user_data(self, h: &mut Held, p: *mut core::ffi::c_void) {
        *self.fields(h) = p;
    }
}

impl Held {
    /// The state of a cleared object; None when it was never cleared (or holds garbage).
    // Out of line: called from every API function and engine stage.
    #[inline(never)]
    pub(crate) fn state<O: Holds<S>, S>(&mut self, o: Obj<O>) -> Option<&mut S> {
        let p = O::reserved(o.ptr());
        // SAFETY: the object is live (`Obj` contract) and `Holds` says its reserved area fits
        // an `S` whose first field is the `u32` magic: the read touches that word only, which
        // every object has (possibly uninitialised garbage, read as a plain integer). The
        // reference is formed only when the magic says `clear` wrote a whole `S` there, and
        // it borrows `self`, so it ends before the next hook or state access.
        unsafe {
            if p.cast::<u32>().read() != O::MAGIC {
                return None;
            }
            Some(&mut *p)
        }
    }

    /// A cleared connection's state.
    pub(crate) fn conn(&mut self, c: Conn) -> Option<&mut ConnState> {
        self.state(c)
    }

    /// A message's state.
    pub(crate) fn msg(&mut self, m: Msg) -> Option<&mut MsgState> {
        self.state(m)
    }

    /// The WebSocket object attached to `c`.
    pub(crate) fn ws_obj(&mut self, c: Conn) -> Option<Ws> {
        self.conn(c).and_then(|s| s.ws)
    }

    /// The state of the WebSocket attached to `c`.
    pub(crate) fn ws_of(&mut self, c: Conn) -> Option<&mut WsState> {
        let w = self.ws_obj(c)?;
        self.state(w)
    }

    /// The states of `a` and of an object of another kind that `b` finds from it (or names),
    /// together.
    fn two<OA: Holds<A>, A, OB: Holds<B>, B>(
        &mut self,
        a: Obj<OA>,
        b: impl FnOnce(&A) -> Option<Obj<OB>>,
    ) -> Option<(&mut A, &mut B)> {
        const { assert!(OA::MAGIC != OB::MAGIC) };
        let sa = self.state(a)?;
        let b = b(sa)?;
        let sa: *mut A = sa;
        let sb: *mut B = self.state(b)?;
        // SAFETY: the states of two live objects of different kinds (their magics differ,
        // asserted above), so two separate application objects (the API contract): the
        // references do not overlap. Each was checked above, and both borrows end with the one
        // of `self` that the signature ties them to.
        unsafe { Some((&mut *sa, &mut *sb)) }
    }

    /// The states of `a`, of an object of another kind that `b` finds from it, and of an
    /// object `c` of a third kind, together.
    fn three<OA: Holds<A>, A, OB: Holds<B>, B, OC: Holds<C>, C>(
        &mut self,
        a: Obj<OA>,
        b: impl FnOnce(&A) -> Option<Obj<OB>>,
        c: Obj<OC>,
    ) -> Option<(&mut A, &mut B, &mut C)> {
        const { assert!(OA::MAGIC != OB::MAGIC && OA::MAGIC != OC::MAGIC && OB::MAGIC != OC::MAGIC) };
        let sc: *mut C = self.state(c)?;
        let (sa, sb) = self.two(a, b)?;
        let (sa, sb): (*mut A, *mut B) = (sa, sb);
        // SAFETY: as in `two`: three objects of three different kinds, each checked above.
        unsafe { Some((&mut *sa, &mut *sb, &mut *sc)) }
    }

    /// The states of a connection and of the WebSocket attached to it, together.
    pub(crate) fn conn_ws(&mut self, c: Conn) -> Option<(&mut ConnState, &mut WsState)> {
        self.two(c, ws_link)
    }

    /// The states of a connection and of the request attached to it, together.
    #[cfg(feature = "http")]
    pub(crate) fn conn_req(&mut self, c: Conn) -> Option<(&mut ConnState, &mut ReqState)> {
        self.two(c, |s: &ConnState| s.req)
    }

    /// The state of the request attached to `c`.
    pub(crate) fn req_of(&mut self, c: Conn) -> Option<&mut ReqState> {
        let r = self.conn(c)?.req?;
        self.state(r)
    }

    /// The states of a connection, of the WebSocket attached to it and of one of its
    /// messages, together.
    pub(crate) fn conn_ws_msg(
        &mut self,
        c: Conn,
        m: Msg,
    ) -> Option<(&mut ConnState, &mut WsState, &mut MsgState)> {
        self.three(c, ws_link, m)
    }

    /// The states of a WebSocket and of one of its messages, together.
    pub(crate) fn ws_msg(&mut self, w: Ws, m: Msg) -> Option<(&mut WsState, &mut MsgState)> {
        self.two(w, |_: &WsState| Some(m))
    }

    // ----- The engine's list of open connections -----------------------------------------

    /// The connection listed after `c`.
    pub(crate) fn next(&mut self, c: Conn) -> Option<Conn> {
        self.conn(c).and_then(|s| s.next)
    }

    /// Whether `c` is in the list: an open connection. (A copy of one, made by the
    /// application, carries its state but is not: never closed nor left busy on that state.)
    pub(crate) fn listed(&mut self, c: Conn) -> bool {
        let mut p = self.g().conns;
        while let Some(x) = p {
            if x == c {
                return true;
            }
            p = self.next(x);
        }
        false
    }

    /// Adds `c` (cleared) to the list, if absent.
    pub(crate) fn list_add(&mut self, c: Conn) {
        if self.listed(c) {
            return;
        }
        let head = self.g().conns;
        if let Some(s) = self.conn(c) {
            s.next = head;
            self.g().conns = Some(c);
        }
    }

    /// Removes `c` from the list.
    pub(crate) fn list_remove(&mut self, c: Conn) {
        let after = self.next(c);
        if self.g().conns == Some(c) {
            self.g().conns = after;
        } else {
            let mut p = self.g().conns;
            while let Some(x) = p {
                let n = self.next(x);
                if n == Some(c) {
                    if let Some(s) = self.conn(x) {
                        s.next = after;
                    }
                    break;
                }
                p = n;
            }
        }
        if let Some(s) = self.conn(c) {
            s.next = None;
        }
    }

    /// Connections in the middle of an upgrade transaction (request out, response not
    /// complete). Plain requests do not count: legacy's pool held handshakes only.
    pub(crate) fn upgrades_in_progress(&mut self) -> usize {
        let mut n = 0;
        let mut p = self.g().conns;
        while let Some(c) = p {
            let Some(s) = self.conn(c) else { break };
            if s.in_upgrade() {
                n += 1;
            }
            p = s.next;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::{apart, meets};

    #[test]
    fn ranges_meet_when_they_share_a_byte_and_empty_ones_never() {
        assert!(meets((100, 10), (109, 1)));
        assert!(meets((109, 1), (100, 10)));
        assert!(!meets((100, 10), (110, 5)));
        assert!(!meets((110, 5), (100, 10)));
        assert!(meets((100, 10), (50, 200)));
        // Empty: a 0-byte payload or string inside the buffer reads nothing from it.
        assert!(!meets((100, 10), (105, 0)));
        assert!(!meets((105, 0), (100, 10)));
        // At the top of the address space the ends saturate instead of wrapping to 0.
        assert!(meets((usize::MAX - 4, 10), (usize::MAX - 1, 1)));
        assert!(!meets((usize::MAX - 4, 10), (0, 4)));
    }

    #[test]
    fn apart_objects_may_touch_but_not_share_a_byte() {
        let none = (0, 0);
        // Adjacent: apart.
        assert!(apart(&[(100, 96), (196, 120), (316, 20)], none));
        // The last byte of one is the first of the next, or one inside another.
        assert!(!apart(&[(100, 96), (195, 120)], none));
        assert!(!apart(&[(100, 96), (140, 20)], none));
        assert!(!apart(&[(140, 20), (100, 96)], none));
        // The same object twice.
        assert!(!apart(&[(100, 96), (200, 20), (100, 96)], none));
        // The buffer: before, after and around the objects.
        assert!(apart(&[(100, 96)], (1000, 256)));
        assert!(apart(&[(1000, 96)], (744, 256)));
        assert!(!apart(&[(1000, 96)], (745, 256)));
        assert!(!apart(&[(2000, 96), (1100, 20)], (1000, 256)));
        // A buffer not lent yet (address 0, empty) meets nothing.
        assert!(apart(&[(100, 96), (300, 20)], none));
        assert!(apart(&[], (1000, 256)));
    }
}
