/*
 * mbedtls_config_fw.h: the mbedTLS 2.28 configuration of the TLS test firmware
 * (httpc_ws_firmware_tls.elf, Cortex-M4 on QEMU mps2-an386). Given to every mbedTLS source and to
 * ports/mbedtls as MBEDTLS_CONFIG_FILE. It is complete: mbedTLS's default config.h is not read.
 *
 * What it is: a TLS 1.2 client, one cipher suite (ECDHE-ECDSA-AES128-GCM-SHA256, the suite the
 * test PKI of tests/tls/gen_certs.sh calls for: P-256 keys, ECDSA-SHA256 signatures), X.509 with
 * PEM, and nothing of the platform: no sockets (the port's Send/Recv are the transport), no file
 * system, no timing module, no entropy module (ports/mbedtls seeds its CTR-DRBG from the port's
 * Random), no heap (every allocation comes from the arena given to HTTPc_PortTls_Init, see
 * MBEDTLS_MEMORY_BUFFER_ALLOC_C), no stdio.
 *
 * Record sizes. mbedTLS 2.28 has no handshake-message reassembly over several records and no
 * buffer shrinking unless asked, so:
 *   MBEDTLS_SSL_IN_CONTENT_LEN  must hold the largest record the server sends. The firmware asks
 *                               the server for records of at most this size with the
 *                               max_fragment_length extension (RFC 6066; OpenSSL-based servers such
 *                               as Python's ssl honour it, see ports/mbedtls/README.md), and the
 *                               server's Certificate message (one P-256 leaf here, ~0.5 KB) must
 *                               fit in one record.
 *   MBEDTLS_SSL_OUT_CONTENT_LEN the largest record we send; the layer cuts writes to it.
 * Both default to FW_TLS_CONTENT_LEN (2048; the CMake cache variable HTTPC_WS_FW_TLS_CONTENT_LEN
 * changes it for a measurement: 1024, 2048, 4096, or 16384, which asks for nothing), and the
 * firmware asks for the matching MFL code.
 *
 * Time. MBEDTLS_HAVE_TIME_DATE: certificate dates are checked against the firmware's wall clock,
 * which tls_platform.c keeps (set once from the `now=` boot argument, as SNTP or an RTC would on a
 * board, then advanced by the SysTick). Until it is set the clock reads 1970 and every
 * certificate is "not yet valid" (MBEDTLS_X509_BADCERT_FUTURE): refused, never silently accepted.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_MBEDTLS_CONFIG_H
#define FW_MBEDTLS_CONFIG_H

#include <stddef.h>

#ifndef FW_TLS_CONTENT_LEN
#define FW_TLS_CONTENT_LEN 2048
#endif

/* ---- system ---------------------------------------------------------------------------------- */
#define MBEDTLS_HAVE_ASM              /* bignum multiply-accumulate in Thumb-2 (UMAAL) */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE        /* certificate validity dates are checked */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS  /* no calloc/free/printf/exit from the C library */
#define MBEDTLS_PLATFORM_TIME_ALT     /* mbedtls_platform_set_time(fw_tls_time): the wall clock */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT /* mbedtls_platform_gmtime_r in tls_platform.c */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C /* mbedtls_calloc/free on the caller's arena */

/* With MBEDTLS_PLATFORM_NO_STD_FUNCTIONS, the few C library calls mbedTLS still names are
 * ours (tls_platform.c): snprintf for the X.509 "info" helpers (not linked unless used) and exit,
 * which the arena allocator calls when it finds its headers corrupted. */
int fw_tls_snprintf(char *buf, size_t size, const char *fmt, ...);
void fw_tls_exit(int status);
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO fw_tls_snprintf
#define MBEDTLS_PLATFORM_EXIT_MACRO     fw_tls_exit

/* ---- crypto ---------------------------------------------------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES        /* AES tables in flash, not built in RAM at first use */
#define MBEDTLS_AES_FEWER_TABLES      /* 2 KB of tables instead of 8 KB */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_CTR_DRBG_C            /* seeded by ports/mbedtls from the port's Random */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM        /* fast P-256 reduction: ~1 KB of flash, much faster */
#define MBEDTLS_ECP_WINDOW_SIZE        2  /* small precomputation tables (arena) */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM  0  /* no cached comb table for the base point */
#define MBEDTLS_ECP_MAX_BITS           256
#define MBEDTLS_MPI_MAX_SIZE           32 /* P-256 only (an RSA server needs RSA_C and 256+) */
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C          /* needed by ECDSA */
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* ---- X.509 ----------------------------------------------------------------------------------- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 4
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

/* ---- TLS ------------------------------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* the trust callback gets the peer's certificate */
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_IN_CONTENT_LEN  FW_TLS_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN FW_TLS_CONTENT_LEN
/* No renegotiation (a HelloRequest is answered with a no_renegotiation alert), no session
 * tickets or cache, no DTLS, no TLS 1.0/1.1, no CBC suites, no compression. */

#include "mbedtls/check_config.h"

#endif /* FW_MBEDTLS_CONFIG_H */
