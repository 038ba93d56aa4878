/*
 * httpc_port_mbedtls.h: a TLS layer (mbedTLS 2.28) that wraps any HTTPc_PORT and presents a port.
 *
 *     static HTTPc_PORT_TLS        tls;                 (layer state: static storage)
 *     static HTTPc_PORT_TLS_SESS   sessions[4];         (one per simultaneous connection)
 *     HTTPc_PORT_TLS_CFG cfg = { 0 };
 *     HTTPc_PORT inner, outer;
 *     HTTPc_PortPosix_Get(&inner, DEF_YES);            (or lwIP, µC/TCP-IP, your own)
 *     cfg.InnerPortPtr = &inner;
 *     cfg.CaPtr = ca_pem; cfg.CaLen = sizeof ca_pem;   (PEM: include the final NUL; or DER)
 *     cfg.SessionsPtr = sessions; cfg.NbrSessions = 4;
 *     if (HTTPc_PortTls_Init(&tls, &cfg, &outer) != 0) ...
 *     HTTPc_PortSet(&outer, &err);                     (nothing else changes)
 *
 * Connections without TLS settings (p_secure == NULL) pass straight through to the inner port
 * (they use a session slot too). See README.md for the readiness rules and sizing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HTTPC_PORT_MBEDTLS_H
#define HTTPC_PORT_MBEDTLS_H

#include <stddef.h>

#include "http-c.h"

#if !defined(MBEDTLS_CONFIG_FILE)
#include "mbedtls/config.h"
#else
#include MBEDTLS_CONFIG_FILE
#endif
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ssl.h"
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"

#if MBEDTLS_VERSION_MAJOR != 2
#error "ports/mbedtls is written for mbedTLS 2.x (2.28 LTS); 3.x renamed the private fields it reads"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Largest number of entries one wrapped Wait() call translates (the engine lists at most 16). */
#define HTTPC_PORT_TLS_WAIT_MAX 16u

/* Error codes of HTTPc_PortTls_Init() (0: success; mbedTLS's own negative codes otherwise). */
#define HTTPC_PORT_TLS_ERR_ARG     (-1)  /* NULL or inconsistent configuration */
#define HTTPC_PORT_TLS_ERR_RANDOM  (-2)  /* the inner port's Random failed: no weak fallback */

/* Most bytes one Recv or ConnectPoll call takes from the inner socket: mbedTLS consumes records
 * that carry no data (warning alerts, empty records) in a loop of its own, and a peer sending
 * them without end would otherwise hold the call, and the engine, past every deadline. Two
 * maximum-size records: a legitimate call never needs more. */
#ifndef HTTPC_PORT_TLS_RX_BUDGET
#define HTTPC_PORT_TLS_RX_BUDGET 34816u
#endif

/* One connection. Application storage, given to the layer as an array; do not touch. */
typedef struct HTTPc_PORT_TLS_SESS {
  struct HTTPc_PORT_TLS *LayerPtr;
  void *InnerHandle;
  CPU_INT08U State;       /* HTTPC_PORT_TLS_ST_* (source file) */
  CPU_INT08U Secure;      /* TLS on this handle */
  CPU_INT08U EngWant;     /* what the engine last watched on this handle */
  CPU_INT08U InnerWant;   /* what this layer last watched on the inner handle */
  CPU_INT08U HsWant;      /* handshake: direction mbedTLS waits for */
  CPU_INT08U TxWant;      /* Send blocked: RD/WR bits mbedTLS waits for (0: none) */
  CPU_INT08U RxWant;      /* Recv blocked: RD/WR bits mbedTLS waits for (0: none) */
  CPU_INT08U Eof;         /* 1: the inner Recv reported end of stream; 2: the inner Send CLOSED */
  CPU_INT08U IoErr;       /* the inner Send/Recv reported HTTPc_PORT_ERR */
  CPU_INT08U HdrHave;     /* record-boundary tracking of the bytes handed to mbedTLS */
  CPU_INT08U Hdr[5];
  CPU_INT08U TxSealed;    /* the pending record is encrypted in mbedTLS's output: any flush sends it */
  CPU_INT32U BodyLeft;
  CPU_INT32U TxPending;   /* length of a record mbedTLS holds unsent (same-arguments rule) */
  CPU_INT32U RxBudget;    /* bytes the inner Recv may still give within this Recv/ConnectPoll */
  NET_SOCK_SECURE_TRUST_FNCT TrustFnct;
  mbedtls_ssl_context Ssl;
} HTTPc_PORT_TLS_SESS;

typedef struct HTTPc_PORT_TLS_CFG {
  /* The port to wrap. Copied by Init: it must be complete then (HTTPc_PortPosix_Get etc.). */
  const HTTPc_PORT *InnerPortPtr;
  /* Trusted CA certificates: PEM (the buffer must end with '\0', counted in CaLen) or DER.
   * Parsed (copied) by Init; the buffer may go afterwards. */
  const unsigned char *CaPtr;
  size_t CaLen;
  /* Connection slots (plain connections take one too). */
  HTTPc_PORT_TLS_SESS *SessionsPtr;
  CPU_INT16U NbrSessions;
  /* Optional arena for every mbedTLS allocation (MBEDTLS_MEMORY_BUFFER_ALLOC_C builds only;
   * NULL: the platform allocator). Init fails with HTTPC_PORT_TLS_ERR_ARG when an arena is
   * given but the mbedTLS build lacks MBEDTLS_MEMORY_BUFFER_ALLOC_C. */
  unsigned char *ArenaPtr;
  size_t ArenaLen;
  /* MBEDTLS_SSL_MAX_FRAG_LEN_NONE (0, default) or _512/_1024/_2048/_4096: asks the server for
   * smaller records (RFC 6066), if the mbedTLS build has MBEDTLS_SSL_MAX_FRAGMENT_LENGTH. */
  unsigned char MaxFragLenCode;
} HTTPc_PORT_TLS_CFG;

typedef struct HTTPc_PORT_TLS {
  HTTPc_PORT Inner;
  HTTPc_PORT_TLS_SESS *Sess;
  CPU_INT16U NbrSess;
  CPU_INT08U Ready;
  CPU_INT08U ArenaUsed;
  /* Diagnostics, for logs and tests: the last mbedTLS error code of a failed handshake or
   * Send/Recv (0: none), and the verification flags (MBEDTLS_X509_BADCERT_*) of the last
   * handshake that reached certificate verification. */
  int LastErr;
  CPU_INT32U LastVerifyFlags;
  mbedtls_ssl_config Conf;
  mbedtls_x509_crt Ca;
  mbedtls_ctr_drbg_context Drbg;
} HTTPc_PORT_TLS;

/*
 * Set the layer up and fill *p_port_out with the wrapped port (Ctx = p_tls). Seeds the DRBG
 * from the inner port's Random only. Returns 0, HTTPC_PORT_TLS_ERR_* or an mbedTLS error
 * (CA parse failure, for example). Call before HTTPc_PortSet()/HTTPc_Init().
 */
int HTTPc_PortTls_Init(HTTPc_PORT_TLS *p_tls, const HTTPc_PORT_TLS_CFG *p_cfg, HTTPc_PORT *p_port_out);

/* Release everything (after the library stopped using the port). */
void HTTPc_PortTls_Free(HTTPc_PORT_TLS *p_tls);

#ifdef __cplusplus
}
#endif

#endif /* HTTPC_PORT_MBEDTLS_H */
