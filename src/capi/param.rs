//! Reading `void *p_param` values of the `*SetParam` functions.

use core::ffi::c_void;
use core::mem::size_of;

/// Reads a `T` from the parameter pointer (any alignment).
///
/// # Safety
/// `p` is non-NULL and points to a readable `T`.
pub(crate) unsafe fn read_param<T: Copy>(p: *mut c_void) -> T {
    // SAFETY: per the caller's contract.
    unsafe { p.cast::<T>().read_unaligned() }
}

/// Reinterprets the parameter pointer itself as a callback (legacy: callbacks are passed as
/// `(void *)fn`).
///
/// # Safety
/// `F` is an `Option<unsafe extern "C" fn(..)>` and `p` is NULL or a function of that type.
pub(crate) unsafe fn fn_param<F: Copy>(p: *mut c_void) -> F {
    const { assert!(size_of::<*mut c_void>() >= 1) };
    debug_assert_eq!(size_of::<F>(), size_of::<*mut c_void>());
    // SAFETY: `Option<fn>` has the size and niche of a pointer; NULL maps to None.
    unsafe { core::mem::transmute_copy::<*mut c_void, F>(&p) }
}
