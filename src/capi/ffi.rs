//! The boundary every `HTTPc_*` export goes through: the lock, the legacy check order, the
//! error out-parameter, and the `void *p_param` values of the `*SetParam` functions.

use core::ffi::c_void;

use super::app::{AppForm, AppTable};
use super::consts::*;
use super::global::{Held, Lock};
use super::objects::*;
use super::types::*;

/// An out-parameter of an export: a `T *` the caller passed for the library to write (the
/// error of every export, the table entry of `HTTPc_FormAdd*`).
pub(crate) struct Out<T: Copy>(*mut T);

/// The caller's `HTTPc_ERR *p_err`.
pub(crate) type ErrOut = Out<HTTPc_ERR>;

impl<T: Copy> Out<T> {
    /// # Safety
    /// `p` is NULL (tolerated: nothing is written) or points to a writable `T`, aligned as
    /// every C `T *` is, that outlives this value.
    pub(crate) unsafe fn new(p: *mut T) -> Out<T> {
        Out(p)
    }

    /// The pointer was NULL.
    pub(crate) fn is_null(&self) -> bool {
        self.0.is_null()
    }

    /// The pointer is aligned for a `T` (a C `T *` always is; a cast byte address may not be).
    pub(crate) fn is_aligned(&self) -> bool {
        self.0.is_aligned()
    }

    /// Writes `v` (when a pointer was given).
    pub(crate) fn write(&self, v: T) {
        if !self.0.is_null() {
            // SAFETY: `new`'s contract: a writable, aligned `T` (a plain C value: the old one
            // needs no drop).
            unsafe { self.0.write(v) };
        }
    }
}

impl ErrOut {
    /// Writes `err` (when a pointer was given).
    // Not inlined: every export ends in it.
    #[inline(never)]
    pub(crate) fn set(&self, err: HTTPc_ERR) {
        self.write(err);
    }

    /// Writes the outcome: `HTTPc_ERR_NONE` for success.
    pub(crate) fn result<T>(&self, r: &Result<T, HTTPc_ERR>) {
        self.set(match r {
            Ok(_) => HTTPc_ERR_NONE,
            Err(e) => *e,
        });
    }
}

/// One API call: its outcome goes to the caller's `p_err`; its body runs under the lock.
pub(crate) struct Call {
    out: ErrOut,
}

impl Call {
    /// An API call that reports through `p_err`.
    ///
    /// # Safety
    /// As for [`ErrOut::new`].
    #[inline(always)]
    pub(crate) unsafe fn enter(p_err: *mut HTTPc_ERR) -> Call {
        Call { out: Out(p_err) }
    }

    /// Takes the lock, runs the call's body after the first legacy check (the library is
    /// initialised), and reports its outcome; whether it succeeded. Inlined into each export;
    /// what every export shares is out of line (`lock_for_call`, `finish`). The outcome reaches
    /// the shared tail as one error code (`HTTPc_ERR_NONE` for success): each exit of the body
    /// sets one register. (A call with a value passes it out through a captured variable.)
    #[inline(always)]
    pub(crate) fn run(self, body: impl FnOnce(&mut Held) -> Result<(), HTTPc_ERR>) -> bool {
        let (mut lock, initialised) = lock_for_call();
        let err = if initialised {
            match body(lock.held()) {
                Ok(()) => HTTPc_ERR_NONE,
                Err(e) => e,
            }
        } else {
            HTTPc_ERR_INIT_NOT_COMPLETED
        };
        self.finish(lock, err)
    }

    /// Reports `err` and releases the lock; whether it is `HTTPc_ERR_NONE`.
    #[inline(never)]
    fn finish(self, lock: Lock, err: HTTPc_ERR) -> bool {
        self.out.set(err);
        drop(lock);
        err == HTTPc_ERR_NONE
    }

    /// Takes the lock, runs the body (no check first: `HTTPc_Init`) and reports its outcome.
    pub(crate) fn run_uninitialised(self, body: impl FnOnce(&mut Held) -> Result<(), HTTPc_ERR>) {
        let mut lock = Lock::take();
        let r = body(lock.held());
        self.out.result(&r);
    }
}

/// The lock, and whether the library is initialised then: every export's first step, one call.
#[inline(never)]
fn lock_for_call() -> (Lock, bool) {
    let mut lock = Lock::take();
    let initialised = lock.held().g().initialised;
    (lock, initialised)
}

/// The second legacy check: a required pointer argument is not NULL.
pub(crate) fn need<T>(o: Option<T>) -> Result<T, HTTPc_ERR> {
    o.ok_or(HTTPc_ERR_NULL_PTR)
}

/// Ok for a call that does not block (`no_block`); for one that does, whether it may
/// ([`can_block`](super::wait::can_block)).
// (One call whatever `no_block` is: the checks after it are not compiled twice, once per
// answer.)
#[inline(always)]
pub(crate) fn may_block(h: &mut Held, no_block: bool) -> Result<(), HTTPc_ERR> {
    if !cfg!(feature = "blocking") {
        // Known here: what follows a refused blocking call is not linked.
        return if no_block {
            Ok(())
        } else {
            Err(HTTPc_ERR_FEATURE_DIS)
        };
    }
    blocking_allowed(h, no_block)
}

/// [`may_block`] with blocking calls built in.
#[inline(never)]
fn blocking_allowed(h: &mut Held, no_block: bool) -> Result<(), HTTPc_ERR> {
    if no_block {
        Ok(())
    } else {
        super::wait::can_block(h)
    }
}

/// A value type a [`Param`] may point to: every bit pattern is a valid value.
///
/// # Safety
/// Implementors are plain integers or structs of integers, pointers and nullable function
/// pointers (NULL is `None`, any other value a function).
pub(crate) unsafe trait ParamValue: Copy {}
// SAFETY: plain integers.
unsafe impl ParamValue for u8 {}
// SAFETY: plain integer.
unsafe impl ParamValue for u16 {}
// SAFETY: plain integer.
unsafe impl ParamValue for u32 {}
// SAFETY: a pointer and an integer.
unsafe impl ParamValue for HTTPc_PARAM_TBL {}
// SAFETY: pointers and integers.
unsafe impl ParamValue for HTTPc_KEY_VAL {}
// SAFETY: a pointer, integers and a nullable function pointer.
unsafe impl ParamValue for HTTPc_KEY_VAL_EXT {}
// SAFETY: pointers, integers and a nullable function pointer.
unsafe impl ParamValue for HTTPc_MULTIPART_FILE {}

/// A callback type a `*SetParam` parameter may carry: a nullable C function pointer.
///
/// # Safety
/// Implementors are `Option<unsafe extern "C" fn(..)>`: pointer-sized, NULL is `None`.
pub(crate) unsafe trait Callback: Copy {}
macro_rules! callbacks {
    ($($t:ty),*) => {$(
        // SAFETY: an `Option` of a C function pointer (see `objects.rs`).
        unsafe impl Callback for $t {}
    )*};
}
callbacks!(
    HTTPc_CONNECT_CALLBACK,
    HTTPc_CONN_CLOSE_CALLBACK,
    HTTPc_COMPLETE_CALLBACK,
    HTTPc_TRANS_ERR_CALLBACK,
    HTTPc_REQ_HDR_HOOK,
    HTTPc_RESP_HDR_HOOK,
    HTTPc_REQ_BODY_HOOK,
    HTTPc_RESP_BODY_HOOK,
    HTTPc_REQ_QUERY_STR_HOOK,
    // Also `HTTPc_WEBSOCK_ON_RX_COMPLETE`: the same type.
    HTTPc_WEBSOCK_ON_OPEN,
    HTTPc_WEBSOCK_ON_CLOSE,
    HTTPc_WEBSOCK_ON_ERR,
    HTTPc_WEBSOCK_ON_PONG,
    HTTPc_WEBSOCK_ON_RX_INIT,
    HTTPc_WEBSOCK_ON_RX_DATA,
    HTTPc_WEBSOCK_ON_TX_INIT,
    HTTPc_WEBSOCK_ON_TX_DATA,
    HTTPc_WEBSOCK_ON_TX_COMPLETE,
    NET_SOCK_SECURE_TRUST_FNCT
);

/// A pointer argument to a value whose type the call fixes (not NULL): the `void *p_param` of
/// a `*SetParam` call, by its parameter type; the object of an `HTTPc_FormAdd*` call.
#[derive(Clone, Copy)]
pub(crate) struct Param(core::ptr::NonNull<c_void>);

/// A time span parameter in milliseconds (a `CPU_INT32U *`), at most 2^30 - 1 (12.4 days): the
/// library's timers measure up to 2^31 - 1 on the port's wrapping 32-bit clock, and a pass that
/// comes late (a sleep rounded up to ticks) must still find a longer span run out, not wrapped.
pub(crate) fn span_ms(p: Param) -> u32 {
    p.get::<u32>().min(u32::MAX / 4)
}

impl Param {
    /// The parameter pointer of a `*SetParam` call, or the object of an `HTTPc_FormAdd*` call;
    /// None for NULL.
    ///
    /// # Safety
    /// `p` is NULL, or points to a readable value of the type the call takes (the parameter
    /// type's, the `HTTPc_FormAdd*` function's: `get` and `table` are called with that type
    /// only; a table's entries and strings stay valid until the request is sent), aligned for
    /// it as every C `T *` is (legacy read it as one: `*(NET_PORT_NBR *)p_param`), or is itself
    /// the callback the parameter type names (`callback` is called with that type only): the
    /// API contract.
    pub(crate) unsafe fn new(p: *mut c_void) -> Option<Param> {
        core::ptr::NonNull::new(p).map(Param)
    }

    /// The pointer itself (user data, a string the application keeps).
    pub(crate) fn ptr(self) -> *mut c_void {
        self.0.as_ptr()
    }

    /// The value it points to: a whole-word load where the type is a word (a byte at a time
    /// on Cortex-M0 when read as if it could be misaligned, 300 B there over the exports).
    pub(crate) fn get<T: ParamValue>(self) -> T {
        // SAFETY: `new`'s contract: a readable, aligned `T`, and any bits are a valid `T`
        // (`ParamValue`).
        unsafe { self.0.as_ptr().cast::<T>().read() }
    }

    /// The `HTTPc_PARAM_TBL` it points to, as a table of `T`; None for a NULL (or misaligned)
    /// table with entries.
    pub(crate) fn table<T: Copy>(self) -> Option<AppTable<T>> {
        let tbl: HTTPc_PARAM_TBL = self.get();
        let ptr = tbl.TblPtr.cast::<T>();
        if (ptr.is_null() || !ptr.is_aligned()) && tbl.EntryNbr > 0 {
            return None;
        }
        // SAFETY: `new`'s contract: a table parameter's entries, and the strings they point
        // to, stay valid until the request has been sent.
        Some(unsafe { AppTable::new(ptr, tbl.EntryNbr) })
    }

    /// The `HTTPc_PARAM_TBL` it points to, as a form table, kept as given (a NULL table with
    /// entries is refused when the request is sent, as legacy).
    pub(crate) fn form_table(self) -> AppForm {
        let tbl: HTTPc_PARAM_TBL = self.get();
        // SAFETY: `new`'s contract: a table parameter's entries, and the objects and strings
        // they point to, stay valid until the request has been sent.
        unsafe { AppForm::new(tbl.TblPtr.cast(), tbl.EntryNbr) }
    }

    /// The pointer as a callback (legacy passes callbacks as `(void *)fn`).
    pub(crate) fn callback<F: Callback>(self) -> F {
        const { assert!(core::mem::size_of::<F>() == core::mem::size_of::<*mut c_void>()) };
        // SAFETY: `F` is a pointer-sized nullable function pointer (`Callback`), and `new`'s
        // contract says the pointer is such a function.
        unsafe { core::mem::transmute_copy::<*mut c_void, F>(&self.ptr()) }
    }
}
