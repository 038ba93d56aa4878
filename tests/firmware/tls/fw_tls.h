/*
 * fw_tls.h: the TLS side of the TLS test firmware (httpc_ws_firmware_tls.elf): ports/mbedtls
 * wrapped around the lwIP port, its storage (layer, one session slot, the mbedTLS arena), the
 * wall clock mbedTLS checks certificate dates against, and the measurements the image reports.
 * eth/port_eth.c calls fw_tls_wrap() and fw_tls_report() when built with FW_TLS.
 *
 * Boot arguments (semihosting command line, see main.c), besides cn=NAME:
 *
 *   ca=PATH      the trusted CA certificate(s), PEM, read from the host file PATH through
 *                semihosting at boot (on a board: a const array in flash). Absent: nothing is
 *                trusted, every certificate is refused.
 *   now=EPOCH    sets the wall clock (seconds since 1970, UTC), as SNTP or an RTC would on a
 *                board; it then advances with the SysTick. Absent: the clock reads 1970, every
 *                certificate is "not yet valid" and refused.
 *   arena=N      hand only the first N bytes of the arena to the layer (default: all of it,
 *                FW_TLS_ARENA_SIZE): checks that a measured high-water mark is enough.
 *   verify=HEX   mode=refuse: MBEDTLS_X509_BADCERT_* flags that must be in the verification
 *                result.
 *   fail=alloc   mode=refuse: the connection must fail because the arena ran out (with a small
 *                arena=), not because of the certificate (fail=cert, the default).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_TLS_H
#define FW_TLS_H

#include <stdint.h>

#include "http-c.h"

/* The arena every mbedTLS allocation comes from (a static array). */
#ifndef FW_TLS_ARENA_SIZE
#define FW_TLS_ARENA_SIZE 12288u
#endif

/* 1 if `word` is one of the arguments above (and takes it). */
int fw_tls_arg(const char *word);
/* Replaces *p_port (the lwIP port) by the TLS layer around it; exits the image on failure. */
void fw_tls_wrap(HTTPc_PORT *p_port);
/* Prints the TLS lines of the report: handshake timing and bytes, the arena's high-water mark,
 * the stack's, the last verification result. */
void fw_tls_report(void);
/* For mode=refuse: the layer's last mbedTLS error and verification flags, the flags wanted. */
int fw_tls_last_err(void);
uint32_t fw_tls_last_verify_flags(void);
uint32_t fw_tls_verify_want(void);
int fw_tls_expect_alloc_failure(void);
uint32_t fw_tls_alloc_failures(void);
/* 1 when every arena byte taken since HTTPc_PortTls_Init has been given back. */
int fw_tls_arena_back_to_init(void);

/* tls_platform.c: the wall clock and mbedTLS's platform hooks. */
void fw_tls_platform_init(void);
void fw_tls_clock_set(uint32_t epoch_s);
int fw_tls_clock_is_set(void);

#endif
