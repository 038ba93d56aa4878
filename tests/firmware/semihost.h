/*
 * semihost.h: Arm semihosting calls (BKPT 0xAB on M-profile) used by the firmware example for its
 * console, its arguments, its exit status, the seed of its test random source and (TLS image) the
 * test CA's file.
 *
 * QEMU runs them on the host with `-semihosting-config enable=on,target=native`. On a board without
 * a debugger attached, BKPT halts (or faults): real firmware would print to a UART instead.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_SEMIHOST_H
#define FW_SEMIHOST_H

#include <stdint.h>

/* Writes len bytes to the host's standard output (SYS_OPEN ":tt" + SYS_WRITE). */
void sh_write(const char *p, uint32_t len);
/* Reads the command line (SYS_GET_CMDLINE) into buf (NUL-terminated); returns 0 on success. */
int sh_cmdline(char *buf, uint32_t size);
/* Reads the whole host file `path` into buf (SYS_OPEN "rb", SYS_FLEN, SYS_READ, SYS_CLOSE);
 * returns its length, or -1 when it cannot be opened or read or is longer than size. */
int sh_read_file(const char *path, void *buf, uint32_t size);
/* Centiseconds since QEMU started (SYS_CLOCK). */
uint32_t sh_clock_cs(void);
/* Seconds since 1970 (SYS_TIME). */
uint32_t sh_time(void);
/* Ends the simulation with exit status `code` (SYS_EXIT_EXTENDED; SYS_EXIT as a fallback). */
void sh_exit(int code) __attribute__((noreturn));

#endif
