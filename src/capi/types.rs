//! Micrium base scalar types (µC/CPU, µC/LIB, µC/TCP-IP) as Rust aliases, for the `HTTPc_*`
//! signatures.
//!
//! Owns: the aliases `CPU_*`, `NET_PORT_NBR`, `MEM_SEG`, `NET_SOCK_SECURE_*`, and the `DEF_*`
//! constants for internal use. Does not own: any `HTTPc_*` or `HTTP_*` name (see `consts`).
//!
//! None of these items is emitted by cbindgen: `cbindgen.toml` excludes them. The generated
//! `http-c.h` defines them in a hand-written `after_includes` block instead, each group only when
//! the application has not already included the Micrium header that owns it (keyed on that
//! header's include guard: `CPU_MODULE_PRESENT`, `LIB_DEF_MODULE_PRESENT`,
//! `LIB_MEM_MODULE_PRESENT`, `NET_TYPE_MODULE_PRESENT`, `NET_SOCK_MODULE_PRESENT`). Keep that
//! block and this file in step; `tests/c/test_constants.c` checks the C side.

use core::ffi::c_void;

/// 8-bit character (`char`).
pub type CPU_CHAR = core::ffi::c_char;
/// 8-bit boolean: `DEF_NO`/`DEF_FALSE`/`DEF_FAIL` (0) or `DEF_YES`/`DEF_TRUE`/`DEF_OK` (1).
pub type CPU_BOOLEAN = u8;
/// 8-bit unsigned integer.
pub type CPU_INT08U = u8;
/// 16-bit unsigned integer.
pub type CPU_INT16U = u16;
/// 32-bit unsigned integer.
pub type CPU_INT32U = u32;
/// 16-bit signed integer.
pub type CPU_INT16S = i16;
/// 32-bit signed integer.
pub type CPU_INT32S = i32;

/// Transport-layer port number, host order (µC/TCP-IP `net_type.h`).
pub type NET_PORT_NBR = u16;

/// µC/LIB memory segment. Opaque here: only pointers to it cross the API (`HTTPc_Init`), and
/// the C header declares it as the incomplete `struct mem_seg`, like µC/LIB does.
#[repr(C)]
pub struct MEM_SEG {
    _private: [u8; 0],
}

/// Why a TLS peer certificate is not trusted (µC/TCP-IP `net_sock.h`, a C enum there).
pub type NET_SOCK_SECURE_UNTRUSTED_REASON = u32;
/// The certificate chain does not lead to a trusted CA.
pub const NET_SOCK_SECURE_UNTRUSTED_BY_CA: NET_SOCK_SECURE_UNTRUSTED_REASON = 0;
/// The certificate has expired.
pub const NET_SOCK_SECURE_EXPIRE_DATE: NET_SOCK_SECURE_UNTRUSTED_REASON = 1;
/// The certificate dates are invalid (for example not yet valid).
pub const NET_SOCK_SECURE_INVALID_DATE: NET_SOCK_SECURE_UNTRUSTED_REASON = 2;
/// The certificate is self-signed.
pub const NET_SOCK_SECURE_SELF_SIGNED: NET_SOCK_SECURE_UNTRUSTED_REASON = 3;
/// Any other reason.
pub const NET_SOCK_SECURE_UNKNOWN: NET_SOCK_SECURE_UNTRUSTED_REASON = 4;

/// TLS trust callback: given the certificate and the reason it is untrusted, return `DEF_YES`
/// to accept the peer anyway or `DEF_NO` to reject it.
pub type NET_SOCK_SECURE_TRUST_FNCT =
    Option<unsafe extern "C" fn(*mut c_void, NET_SOCK_SECURE_UNTRUSTED_REASON) -> CPU_BOOLEAN>;

/// Boolean false.
pub const DEF_FALSE: CPU_BOOLEAN = 0;
/// Boolean true.
pub const DEF_TRUE: CPU_BOOLEAN = 1;
/// Boolean no.
pub const DEF_NO: CPU_BOOLEAN = 0;
/// Boolean yes.
pub const DEF_YES: CPU_BOOLEAN = 1;
/// Feature disabled.
pub const DEF_DISABLED: CPU_BOOLEAN = 0;
/// Feature enabled.
pub const DEF_ENABLED: CPU_BOOLEAN = 1;
/// Operation failed (the `CPU_BOOLEAN` return of `HTTPc_ConnOpen`, `HTTPc_WebSockSend`, …).
pub const DEF_FAIL: CPU_BOOLEAN = 0;
/// Operation succeeded.
pub const DEF_OK: CPU_BOOLEAN = 1;
/// Largest `CPU_INT08U`.
pub const DEF_INT_08U_MAX_VAL: CPU_INT08U = u8::MAX;
/// Largest `CPU_INT16U`.
pub const DEF_INT_16U_MAX_VAL: CPU_INT16U = u16::MAX;
/// Largest `CPU_INT32U`.
pub const DEF_INT_32U_MAX_VAL: CPU_INT32U = u32::MAX;

#[cfg(test)]
mod test {
    use super::*;
    use core::mem::{align_of, size_of};

    #[test]
    fn widths_match_the_micrium_template_port() {
        assert_eq!(size_of::<CPU_CHAR>(), 1);
        assert_eq!(size_of::<CPU_BOOLEAN>(), 1);
        assert_eq!(size_of::<CPU_INT08U>(), 1);
        assert_eq!(size_of::<CPU_INT16U>(), 2);
        assert_eq!(size_of::<CPU_INT32U>(), 4);
        assert_eq!(size_of::<CPU_INT16S>(), 2);
        assert_eq!(size_of::<CPU_INT32S>(), 4);
        assert_eq!(size_of::<NET_PORT_NBR>(), 2);
        assert_eq!(size_of::<NET_SOCK_SECURE_UNTRUSTED_REASON>(), 4);
        assert_eq!(size_of::<MEM_SEG>(), 0);
        // A nullable function pointer: NULL is `None`, same size as a plain pointer.
        assert_eq!(
            size_of::<NET_SOCK_SECURE_TRUST_FNCT>(),
            size_of::<*mut c_void>()
        );
        assert_eq!(
            align_of::<NET_SOCK_SECURE_TRUST_FNCT>(),
            align_of::<*mut c_void>()
        );
    }

    #[test]
    fn def_values() {
        assert_eq!((DEF_NO, DEF_FALSE, DEF_FAIL, DEF_DISABLED), (0, 0, 0, 0));
        assert_eq!((DEF_YES, DEF_TRUE, DEF_OK, DEF_ENABLED), (1, 1, 1, 1));
        assert_eq!(DEF_INT_08U_MAX_VAL, 255);
        assert_eq!(DEF_INT_16U_MAX_VAL, 65_535);
        assert_eq!(DEF_INT_32U_MAX_VAL, 4_294_967_295);
    }

    #[test]
    fn untrusted_reasons_are_the_net_sock_enum_indices() {
        assert_eq!(
            [
                NET_SOCK_SECURE_UNTRUSTED_BY_CA,
                NET_SOCK_SECURE_EXPIRE_DATE,
                NET_SOCK_SECURE_INVALID_DATE,
                NET_SOCK_SECURE_SELF_SIGNED,
                NET_SOCK_SECURE_UNKNOWN,
            ],
            [0, 1, 2, 3, 4]
        );
    }
}
