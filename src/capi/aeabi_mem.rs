//! The ARM EABI filling and moving entry points the compiler calls (`__aeabi_memclr*`,
//! `__aeabi_memset*`, `__aeabi_memmove*`), defined in this object file as local symbols that
//! forward to the C library's `memset` and `memmove`.
//!
//! Why: LLVM lowers every zeroing of a state and every overlapping copy to these entry points.
//! newlib implements `__aeabi_memclr` as a jump into its own `__aeabi_memset` (154 B on
//! Cortex-M4) and `__aeabi_memmove` as a 58-byte routine, while every firmware already links
//! `memset` and `memmove` (C code calls them, GCC emits them). Forwarding costs a few bytes.
//! The symbols are local: they bind only this crate's calls, never the application's, and the
//! library still supplies no `memset`/`memmove` of its own (the C library's are called).
//!
//! Bare-metal ARM only; elsewhere the platform's entry points are used as they are.

// `__aeabi_memclr(dest, n)` is `memset(dest, 0, n)`: the size moves to the third argument;
// `__aeabi_memset(dest, n, c)` is `memset(dest, c, n)`: the last two swap.
// `__aeabi_memmove(dest, src, n)` takes `memmove`'s arguments in its order. The jumps go
// through a register: Thumb-1 (Cortex-M0) has no long unconditional branch. Thumb code (the
// only kind Cortex-M runs), stated rather than assumed from the target.
//
// SAFETY (the `unsafe_code` lint counts assembly): each entry point only moves its arguments
// into `memset`'s or `memmove`'s order and jumps there with the caller's return address;
// r0-r3 are the argument and scratch registers of the AAPCS, nothing else is touched.
#[cfg(all(target_arch = "arm", target_os = "none"))]
core::arch::global_asm!(
    ".syntax unified",
    ".thumb",
    ".section .text.httpc_ws_aeabi_memclr,\"ax\",%progbits",
    ".p2align 2",
    ".type __aeabi_memclr, %function",
    ".thumb_func",
    "__aeabi_memclr:",
    ".thumb_func",
    "__aeabi_memclr4:",
    ".thumb_func",
    "__aeabi_memclr8:",
    "    mov r2, r1",
    "    movs r1, #0",
    "    ldr r3, 1f",
    "    bx r3",
    "1: .word memset",
    ".size __aeabi_memclr, . - __aeabi_memclr",
    ".section .text.httpc_ws_aeabi_memset,\"ax\",%progbits",
    ".p2align 2",
    ".type __aeabi_memset, %function",
    ".thumb_func",
    "__aeabi_memset:",
    ".thumb_func",
    "__aeabi_memset4:",
    ".thumb_func",
    "__aeabi_memset8:",
    "    mov r3, r1",
    "    mov r1, r2",
    "    mov r2, r3",
    "    ldr r3, 1f",
    "    bx r3",
    ".p2align 2",
    "1: .word memset",
    ".size __aeabi_memset, . - __aeabi_memset",
    ".section .text.httpc_ws_aeabi_memmove,\"ax\",%progbits",
    ".p2align 2",
    ".type __aeabi_memmove, %function",
    ".thumb_func",
    "__aeabi_memmove:",
    ".thumb_func",
    "__aeabi_memmove4:",
    ".thumb_func",
    "__aeabi_memmove8:",
    "    ldr r3, 1f",
    "    bx r3",
    "1: .word memmove",
    ".size __aeabi_memmove, . - __aeabi_memmove",
);
