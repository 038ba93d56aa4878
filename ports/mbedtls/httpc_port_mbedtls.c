/*
 * httpc_port_mbedtls.c: TLS (mbedTLS 2.28) around any HTTPc_PORT. See httpc_port_mbedtls.h and
 * README.md (readiness translation, sizing).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "httpc_port_mbedtls.h"

#include <string.h>

#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h" /* MBEDTLS_ERR_NET_* codes only (no sockets used) */
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
#include "mbedtls/memory_buffer_alloc.h"
#endif

/* Session states. */
#define ST_FREE            0u
#define ST_PLAIN_CONNECT   1u /* no TLS: inner connect in progress */
#define ST_PLAIN           2u /* no TLS: connected, pass-through */
#define ST_TCP_CONNECT     3u /* TLS: inner connect in progress */
#define ST_HANDSHAKE       4u /* TLS: handshake stepped from ConnectPoll */
#define ST_OPEN            5u /* TLS: application data */
#define ST_FAILED          6u /* TLS: fatal error; only Close remains */

#define RD HTTPc_PORT_WAIT_RD
#define WR HTTPc_PORT_WAIT_WR

static const unsigned char Pers[] = "httpc-ws tls";

/* ----- Bio: the inner port as mbedTLS's transport ------------------------------------------ */

/* Follows the TLS record framing of the bytes handed to mbedTLS, so that an end of stream can be
 * told apart: between records (a peer that closes without close_notify) or inside one
 * (truncation). */
static void track_records(HTTPc_PORT_TLS_SESS *s, const unsigned char *p, size_t n)
{
  while (n > 0u) {
    if (s->BodyLeft > 0u) {
      size_t take = (n < s->BodyLeft) ? n : (size_t)s->BodyLeft;
      s->BodyLeft -= (CPU_INT32U)take;
      p += take;
      n -= take;
    } else {
      s->Hdr[s->HdrHave++] = *p++;
      n--;
      if (s->HdrHave == 5u) {
        s->BodyLeft = ((CPU_INT32U)s->Hdr[3] << 8) | s->Hdr[4];
        s->HdrHave = 0u;
      }
    }
  }
}

static int bio_send(void *p, const unsigned char *buf, size_t len)
{
  HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)p;
  HTTPc_PORT *in = &s->LayerPtr->Inner;
  CPU_INT32U n = (len > 0x7FFFFFFFu) ? 0x7FFFFFFFu : (CPU_INT32U)len;
  CPU_INT32S r = in->Send(in->Ctx, s->InnerHandle, buf, n);

  if (r > 0) {
    return (int)r;
  }
  if (r == 0 || r == HTTPc_PORT_WOULD_BLOCK) {
    return MBEDTLS_ERR_SSL_WANT_WRITE;
  }
  if (r == HTTPc_PORT_CLOSED) {
    s->Eof |= 2u; /* the peer is gone (reset, or shut its read side) */
    return MBEDTLS_ERR_NET_CONN_RESET;
  }
  s->IoErr = 1u;
  return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *p, unsigned char *buf, size_t len)
{
  HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)p;
  HTTPc_PORT *in = &s->LayerPtr->Inner;
  CPU_INT32U n = (len > s->RxBudget) ? s->RxBudget : (CPU_INT32U)len;
  CPU_INT32S r;

  if (n == 0u) {
    /* This call's input budget is spent (mbedTLS loops over records that carry no data, such
     * as warning alerts, without returning): back to the engine, whose deadlines then run;
     * the next call goes on where this one stopped. */
    return MBEDTLS_ERR_SSL_WANT_READ;
  }
  r = in->Recv(in->Ctx, s->InnerHandle, buf, n);
  if (r > 0) {
    s->RxBudget -= (CPU_INT32U)r;
    track_records(s, buf, (size_t)r);
    return (int)r;
  }
  if (r == 0 || r == HTTPc_PORT_WOULD_BLOCK) {
    return MBEDTLS_ERR_SSL_WANT_READ;
  }
  if (r == HTTPc_PORT_CLOSED) {
    s->Eof |= 1u;
    return 0; /* end of stream */
  }
  s->IoErr = 1u;
  return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ----- Readiness translation ---------------------------------------------------------------- */

/* What the inner socket must be waited for, given what the engine waits for on the wrapped
 * handle (EngWant) and what mbedTLS is blocked on. */
static CPU_INT08U inner_want(const HTTPc_PORT_TLS_SESS *s)
{
  CPU_INT08U w = 0u;

  switch (s->State) {
  case ST_HANDSHAKE:
    return (s->EngWant != 0u) ? (s->HsWant != 0u ? s->HsWant : WR) : 0u;
  case ST_OPEN:
    if ((s->EngWant & RD) != 0u) {
      w |= (s->RxWant != 0u) ? s->RxWant : RD;
    }
    if ((s->EngWant & WR) != 0u) {
      w |= (s->TxWant != 0u) ? s->TxWant : WR;
    }
    return w;
  default: /* plain, inner connect in progress, failed: as the engine asks */
    return s->EngWant;
  }
}

/* Plaintext (or a whole record) already inside mbedTLS: no socket event will announce it. */
static int ready_now(HTTPc_PORT_TLS_SESS *s)
{
  return s->State == ST_OPEN && (s->EngWant & RD) != 0u &&
         (mbedtls_ssl_get_bytes_avail(&s->Ssl) > 0u || mbedtls_ssl_check_pending(&s->Ssl) != 0);
}

/* The inner port's watch of a session, brought up to what TLS now waits for. Only from the
 * engine's thread of control (ConnectPoll, Watch, Wait), as PORTING.md promises the inner port:
 * a Send from a task making a blocking HTTPc_WebSockSend only records what it waits for, and
 * the engine's next Wait (woken when bytes are left) brings every session's watch up to date. */
static void sync_watch(HTTPc_PORT_TLS_SESS *s)
{
  HTTPc_PORT *in = &s->LayerPtr->Inner;
  CPU_INT08U w;

  if (in->Watch == NULL || s->InnerHandle == NULL) {
    return;
  }
  w = inner_want(s);
  if (w != s->InnerWant) {
    s->InnerWant = w;
    in->Watch(in->Ctx, s->InnerHandle, w);
  }
}

/* ----- Certificate verdict ------------------------------------------------------------------ */

static NET_SOCK_SECURE_UNTRUSTED_REASON reason_of(HTTPc_PORT_TLS_SESS *s, uint32_t flags, void **pp_cert)
{
  const mbedtls_x509_crt *peer = NULL;

#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
  peer = mbedtls_ssl_get_peer_cert(&s->Ssl);
#else
  (void)s;
#endif
  *pp_cert = (void *)peer;
  if ((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0u) {
    if (peer != NULL && peer->next == NULL && peer->subject_raw.len == peer->issuer_raw.len &&
        memcmp(peer->subject_raw.p, peer->issuer_raw.p, peer->subject_raw.len) == 0) {
      return NET_SOCK_SECURE_SELF_SIGNED;
    }
    return NET_SOCK_SECURE_UNTRUSTED_BY_CA;
  }
  if ((flags & MBEDTLS_X509_BADCERT_EXPIRED) != 0u) {
    return NET_SOCK_SECURE_EXPIRE_DATE;
  }
  if ((flags & MBEDTLS_X509_BADCERT_FUTURE) != 0u) {
    return NET_SOCK_SECURE_INVALID_DATE;
  }
  return NET_SOCK_SECURE_UNKNOWN;
}

/* 0: the certificate is accepted. A name mismatch is always fatal (see README.md); any other
 * failure goes to the trust callback (none: refused). */
static int verdict(HTTPc_PORT_TLS_SESS *s)
{
  uint32_t flags = mbedtls_ssl_get_verify_result(&s->Ssl);
  void *p_cert;
  NET_SOCK_SECURE_UNTRUSTED_REASON reason;

  s->LayerPtr->LastVerifyFlags = (CPU_INT32U)flags;
  if (flags == 0u) {
    return 0;
  }
  if ((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0u || s->TrustFnct == NULL) {
    return -1;
  }
  reason = reason_of(s, flags, &p_cert);
  return (s->TrustFnct(p_cert, reason) != DEF_NO) ? 0 : -1;
}

/* ----- Wrapped socket calls ----------------------------------------------------------------- */

static void sess_release(HTTPc_PORT_TLS_SESS *s)
{
  if (s->Secure != 0u) {
    mbedtls_ssl_free(&s->Ssl);
  }
  s->State = ST_FREE;
  s->InnerHandle = NULL;
}

static CPU_INT32S tls_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port, CPU_INT32U timeout_ms,
                              const struct HTTPc_PORT_SECURE_CFG *p_secure, CPU_INT16U inactivity_s,
                              CPU_BOOLEAN keep_alive, void **p_handle)
{
  HTTPc_PORT_TLS *t = (HTTPc_PORT_TLS *)p_ctx;
  HTTPc_PORT_TLS_SESS *s = NULL;
  CPU_INT16U i;
  CPU_INT32S r;
  int ret;

  for (i = 0u; i < t->NbrSess; i++) {
    if (t->Sess[i].State == ST_FREE) {
      s = &t->Sess[i];
      break;
    }
  }
  if (s == NULL) {
    return HTTPc_PORT_ERR; /* out of session slots (HTTPC_PORT_TLS_CFG.NbrSessions) */
  }
  memset(s, 0, offsetof(HTTPc_PORT_TLS_SESS, Ssl));
  s->LayerPtr = t;
  s->Secure = (p_secure != NULL) ? 1u : 0u;
  if (s->Secure != 0u) {
    const char *name = (p_secure->CommonNamePtr != NULL) ? (const char *)p_secure->CommonNamePtr
                                                         : (const char *)p_host;
    /* An IPv6 address comes bracketed ("[::1]", as in a URL): the name checked against the
     * certificate is the address itself. (mbedTLS sends it as SNI as well: its API ties the
     * two; set HTTPc_PARAM_TYPE_SECURE_COMMON_NAME to the certificate's DNS name instead.) */
    char bare[64];
    size_t len = strlen(name);
    if ((len >= 2u) && (name[0] == '[') && (name[len - 1u] == ']') && (len - 2u < sizeof(bare))) {
      memcpy(bare, name + 1, len - 2u);
      bare[len - 2u] = '\0';
      name = bare;
    }
    mbedtls_ssl_init(&s->Ssl);
    ret = mbedtls_ssl_setup(&s->Ssl, &t->Conf);
    if (ret == 0) {
      ret = mbedtls_ssl_set_hostname(&s->Ssl, name); /* SNI and the name verified */
    }
    if (ret != 0) {
      t->LastErr = ret;
      mbedtls_ssl_free(&s->Ssl);
      s->State = ST_FREE;
      return HTTPc_PORT_ERR;
    }
    mbedtls_ssl_set_bio(&s->Ssl, s, bio_send, bio_recv, NULL);
    s->TrustFnct = p_secure->TrustCallback;
  }
  s->State = ST_PLAIN_CONNECT; /* reserve the slot while the inner Connect runs */
  /* The inner port sees a plain connection: TLS is this layer's job. */
  r = t->Inner.Connect(t->Inner.Ctx, p_host, port, timeout_ms, NULL, inactivity_s, keep_alive, &s->InnerHandle);
  if (r != HTTPc_PORT_OK && r != HTTPc_PORT_WOULD_BLOCK) {
    if (s->InnerHandle != NULL) {
      /* A handle the failed Connect produced is closed all the same, as the engine does. */
      t->Inner.Close(t->Inner.Ctx, s->InnerHandle);
    }
    sess_release(s);
    return HTTPc_PORT_ERR;
  }
  if (r == HTTPc_PORT_WOULD_BLOCK && t->Inner.ConnectPoll == NULL) {
    t->Inner.Close(t->Inner.Ctx, s->InnerHandle);
    sess_release(s);
    return HTTPc_PORT_ERR;
  }
  *p_handle = s;
  if (s->Secure == 0u) {
    s->State = (r == HTTPc_PORT_OK) ? ST_PLAIN : ST_PLAIN_CONNECT;
    return r;
  }
  s->State = (r == HTTPc_PORT_OK) ? ST_HANDSHAKE : ST_TCP_CONNECT;
  return HTTPc_PORT_WOULD_BLOCK; /* the handshake runs from ConnectPoll */
}

static CPU_INT32S tls_connect_poll(void *p_ctx, void *handle)
{
  HTTPc_PORT_TLS *t = (HTTPc_PORT_TLS *)p_ctx;
  HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)handle;
  CPU_INT32S r = HTTPc_PORT_WOULD_BLOCK;
  int ret;

  switch (s->State) {
  case ST_PLAIN:
    return HTTPc_PORT_OK;
  case ST_PLAIN_CONNECT:
    r = t->Inner.ConnectPoll(t->Inner.Ctx, s->InnerHandle);
    if (r == HTTPc_PORT_OK) {
      s->State = ST_PLAIN;
    }
    return r;
  case ST_TCP_CONNECT:
    r = t->Inner.ConnectPoll(t->Inner.Ctx, s->InnerHandle);
    if (r == HTTPc_PORT_WOULD_BLOCK) {
      return r;
    }
    if (r != HTTPc_PORT_OK) {
      s->State = ST_FAILED;
      return HTTPc_PORT_ERR;
    }
    s->State = ST_HANDSHAKE;
    /* fall through */
  case ST_HANDSHAKE:
    s->RxBudget = HTTPC_PORT_TLS_RX_BUDGET;
    ret = mbedtls_ssl_handshake(&s->Ssl);
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
      s->HsWant = (ret == MBEDTLS_ERR_SSL_WANT_READ) ? RD : WR;
      r = HTTPc_PORT_WOULD_BLOCK;
    } else if (ret != 0) {
      t->LastErr = ret;
      s->State = ST_FAILED;
      r = HTTPc_PORT_ERR;
    } else if (verdict(s) != 0) {
      t->LastErr = MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
      (void)mbedtls_ssl_send_alert_message(&s->Ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                           MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
      s->State = ST_FAILED;
      r = HTTPc_PORT_ERR;
    } else {
      s->State = ST_OPEN;
      r = HTTPc_PORT_OK;
    }
    sync_watch(s);
    return r;
  case ST_OPEN:
    return HTTPc_PORT_OK;
  default:
    return HTTPc_PORT_ERR;
  }
}

/* mbedTLS error after Send/Recv → port result. */
static CPU_INT32S io_result(HTTPc_PORT_TLS_SESS *s, int ret)
{
  if (s->IoErr != 0u) {
    s->LayerPtr->LastErr = ret;
    s->State = ST_FAILED;
    return HTTPc_PORT_ERR;
  }
  if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
    return HTTPc_PORT_CLOSED;
  }
  if (ret == MBEDTLS_ERR_NET_CONN_RESET && (s->Eof & 2u) != 0u) {
    return HTTPc_PORT_CLOSED; /* a write found the peer gone */
  }
  if ((ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF) && (s->Eof & 1u) != 0u && s->HdrHave == 0u &&
      s->BodyLeft == 0u) {
    return HTTPc_PORT_CLOSED; /* end of stream between records (no close_notify) */
  }
  s->LayerPtr->LastErr = (ret == 0) ? MBEDTLS_ERR_SSL_CONN_EOF : ret; /* alert, bad record, truncation */
  s->State = ST_FAILED;
  return HTTPc_PORT_ERR;
}

/* Output mbedTLS queued on its own (an alert answering something a Recv read, e.g.
 * no_renegotiation after a HelloRequest) and could not flush: mbedtls_ssl_write() would flush
 * it and then report NEW bytes as written (2.28's retry rule), so flush it first with a
 * zero-length write. Returns 0 (nothing left), an mbedTLS WANT_* code, or an error. Only when
 * no record of ours is pending (TxPending): then out_left is ours. */
static int flush_queued(HTTPc_PORT_TLS_SESS *s)
{
  static const unsigned char none[1] = {0u};

  if (s->TxPending != 0u || s->Ssl.out_left == 0u) {
    return 0;
  }
  return mbedtls_ssl_write(&s->Ssl, none, 0u);
}

/* n bytes of the caller's were taken: nothing of ours is pending any more. */
static CPU_INT32S tx_taken(HTTPc_PORT_TLS_SESS *s, size_t n)
{
  s->TxPending = 0u;
  s->TxSealed = 0u;
  s->TxWant = 0u;
  return (CPU_INT32S)n;
}

static CPU_INT32S tls_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
  HTTPc_PORT_TLS *t = (HTTPc_PORT_TLS *)p_ctx;
  HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)handle;
  size_t n;
  int max;
  int ret;

  if (s->Secure == 0u) {
    return t->Inner.Send(t->Inner.Ctx, s->InnerHandle, p_data, len);
  }
  if (s->State != ST_OPEN) {
    return (s->State == ST_FAILED) ? HTTPc_PORT_ERR : HTTPc_PORT_WOULD_BLOCK;
  }
  ret = flush_queued(s);
  if (ret != 0) {
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ) {
      s->TxWant = (ret == MBEDTLS_ERR_SSL_WANT_READ) ? RD : WR;
      return HTTPc_PORT_WOULD_BLOCK;
    }
    if (ret < 0) {
      return io_result(s, ret);
    }
  }
  if (s->TxPending != 0u) {
    /* mbedTLS holds a record of these bytes: call again with the same arguments. The engine
     * always resends from the first byte it has not been told was taken. */
    if (len < s->TxPending) {
      s->State = ST_FAILED;
      return HTTPc_PORT_ERR;
    }
    n = s->TxPending;
    if (s->TxSealed != 0u && s->Ssl.out_left == 0u) {
      /* The record left meanwhile: a Recv that answered the peer (the no_renegotiation alert
       * after a HelloRequest) flushed mbedTLS's output first, and never sent the alert. Writing
       * again would encrypt these bytes into a second record. */
      return tx_taken(s, n);
    }
  } else {
    max = mbedtls_ssl_get_max_out_record_payload(&s->Ssl);
    n = len;
    if (max > 0 && n > (size_t)max) {
      n = (size_t)max;
    }
  }
  ret = mbedtls_ssl_write(&s->Ssl, p_data, n);
  if (ret > 0) {
    return tx_taken(s, (size_t)ret);
  }
  if (ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ) {
    s->TxPending = (CPU_INT32U)n;
    /* WANT_WRITE with output left, once the handshake is over (no renegotiation): the record
     * of these bytes is sealed, only its sending is pending. */
    s->TxSealed = (CPU_INT08U)(ret == MBEDTLS_ERR_SSL_WANT_WRITE && s->Ssl.out_left != 0u &&
                               s->Ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER);
    s->TxWant = (ret == MBEDTLS_ERR_SSL_WANT_READ) ? RD : WR;
    return HTTPc_PORT_WOULD_BLOCK;
  }
  return io_result(s, ret);
}

static CPU_INT32S tls_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
  HTTPc_PORT_TLS *t = (HTTPc_PORT_TLS *)p_ctx;
  HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)handle;
  CPU_INT08U extra = 0u;
  int ret;

  if (s->Secure == 0u) {
    return t->Inner.Recv(t->Inner.Ctx, s->InnerHandle, p_buf, len);
  }
  if (s->State != ST_OPEN) {
    return (s->State == ST_FAILED) ? HTTPc_PORT_ERR : HTTPc_PORT_WOULD_BLOCK;
  }
  /* Queued output first (see flush_queued); reading goes on whatever it gives, so that a peer
   * that only reads after writing cannot deadlock us, but then we also wait for writability. */
  ret = flush_queued(s);
  if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
    extra = WR;
  } else if (ret < 0 && ret != MBEDTLS_ERR_SSL_WANT_READ) {
    return io_result(s, ret);
  }
  s->RxBudget = HTTPC_PORT_TLS_RX_BUDGET;
  ret = mbedtls_ssl_read(&s->Ssl, p_buf, len);
  if (ret == 0 && (s->Eof & 1u) == 0u) {
    /* Empty application-data records (mbedTLS returns 0 after two in a row; senders use them
     * against CBC IV prediction) with the socket still open: nothing to read yet, not an end. */
    ret = MBEDTLS_ERR_SSL_WANT_READ;
  }
  if (ret > 0) {
    /* Reading went on beside output still queued: what comes next is waited for as well. */
    s->RxWant = (CPU_INT08U)(RD | extra);
    return (CPU_INT32S)ret;
  }
  if (ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ) {
    s->RxWant = (CPU_INT08U)(((ret == MBEDTLS_ERR_SSL_WANT_WRITE) ? WR : RD) | extra);
    return HTTPc_PORT_WOULD_BLOCK;
  }
  return io_result(s, ret);
}

static void tls_close(void *p_ctx, void *handle)
{
  HTTPc_PORT_TLS *t = (HTTPc_PORT_TLS *)p_ctx;
  HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)handle;

  if (s->Secure != 0u && s->State == ST_OPEN) {
    /* One try, never waits. With output still pending, mbedTLS's first call only flushes it
     * (and returns 0 without queueing the alert): then the alert needs a second call. */
    int pending = s->Ssl.out_left != 0u;
    if (mbedtls_ssl_close_notify(&s->Ssl) == 0 && pending && s->Ssl.out_left == 0u) {
      (void)mbedtls_ssl_close_notify(&s->Ssl);
    }
  }
  t->Inner.Close(t->Inner.Ctx, s->InnerHandle); /* forgets the inner watch too */
  sess_release(s);
}

static void tls_watch(void *p_ctx, void *handle, CPU_INT08U want)
{
  HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)handle;

  (void)p_ctx;
  s->EngWant = want;
  sync_watch(s);
}

static void tls_wait(void *p_ctx, const struct HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr_entries,
                     CPU_INT32U timeout_ms)
{
  HTTPc_PORT_TLS *t = (HTTPc_PORT_TLS *)p_ctx;
  HTTPc_PORT_WAIT_ENTRY in[HTTPC_PORT_TLS_WAIT_MAX];
  CPU_INT16U n = 0u;
  CPU_INT16U i;

  /* The engine calls Wait without the library lock, and a task making a blocking
   * HTTPc_WebSockSend may call Send meanwhile (holding that lock): the session bookkeeping
   * below takes the lock too, so it never runs beside a Send. Not held while sleeping. */
  if (t->Inner.Lock != NULL) {
    t->Inner.Lock(t->Inner.Ctx);
  }
  if (t->Inner.Watch == NULL) {
    /* List mode: this call's entries are all the engine waits for; a session it no longer
     * lists (e.g. its application pauses reading) must not keep an old wish, or plaintext
     * buffered inside mbedTLS would make every wait a zero timeout (a busy loop). */
    for (i = 0u; i < t->NbrSess; i++) {
      t->Sess[i].EngWant = 0u;
    }
  }
  if (nbr_entries == 0u) {
    /* Watch mode (or nothing to wait on): bring every inner watch up to date first, since a
     * Send/Recv may have changed the direction TLS is blocked on. */
    for (i = 0u; i < t->NbrSess; i++) {
      HTTPc_PORT_TLS_SESS *s = &t->Sess[i];
      if (s->State != ST_FREE) {
        sync_watch(s);
        if (ready_now(s)) {
          timeout_ms = 0u;
        }
      }
    }
  } else {
    for (i = 0u; i < nbr_entries; i++) {
      HTTPc_PORT_TLS_SESS *s = (HTTPc_PORT_TLS_SESS *)p_entries[i].Handle;
      s->EngWant = p_entries[i].Want;
      if (ready_now(s)) {
        timeout_ms = 0u;
      }
      if (n < HTTPC_PORT_TLS_WAIT_MAX) {
        in[n].Handle = s->InnerHandle;
        in[n].Want = inner_want(s);
        n++;
      } else if (timeout_ms > 1u) {
        timeout_ms = 1u; /* more than fit: poll */
      }
    }
  }
  if (t->Inner.Unlock != NULL) {
    t->Inner.Unlock(t->Inner.Ctx);
  }
  t->Inner.Wait(t->Inner.Ctx, (n > 0u) ? in : NULL, n, timeout_ms);
}

/* ----- Forwarded members -------------------------------------------------------------------- */

#define INNER(p) (&((HTTPc_PORT_TLS *)(p))->Inner)

static CPU_BOOLEAN fw_random(void *p, CPU_INT08U *b, CPU_INT32U l) { return INNER(p)->Random(INNER(p)->Ctx, b, l); }
static CPU_INT32U fw_time(void *p) { return INNER(p)->TimeGet_ms(INNER(p)->Ctx); }
static void fw_wake(void *p) { INNER(p)->Wake(INNER(p)->Ctx); }
static void fw_lock(void *p) { INNER(p)->Lock(INNER(p)->Ctx); }
static void fw_unlock(void *p) { INNER(p)->Unlock(INNER(p)->Ctx); }
static void fw_os_wait(void *p, CPU_INT32U t) { INNER(p)->OsWait(INNER(p)->Ctx, t); }
static void fw_os_signal(void *p) { INNER(p)->OsSignal(INNER(p)->Ctx); }
static CPU_BOOLEAN fw_task_create(void *p, void (*entry)(void *), void *arg, const HTTP_TASK_CFG *cfg)
{
  return INNER(p)->TaskCreate(INNER(p)->Ctx, entry, arg, cfg);
}

/* The DRBG's only entropy source: the inner port's Random. */
static int entropy_from_port(void *p, unsigned char *out, size_t len)
{
  HTTPc_PORT *in = INNER(p);
  while (len > 0u) {
    CPU_INT32U n = (len > 0x10000u) ? 0x10000u : (CPU_INT32U)len;
    if (in->Random(in->Ctx, out, n) != DEF_OK) {
      return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    }
    out += n;
    len -= n;
  }
  return 0;
}

int HTTPc_PortTls_Init(HTTPc_PORT_TLS *p_tls, const HTTPc_PORT_TLS_CFG *p_cfg, HTTPc_PORT *p_out)
{
  const HTTPc_PORT *in;
  int ret;
  CPU_INT16U i;

  if (p_tls == NULL || p_cfg == NULL || p_out == NULL || p_cfg->InnerPortPtr == NULL ||
      p_cfg->SessionsPtr == NULL || p_cfg->NbrSessions == 0u) {
    return HTTPC_PORT_TLS_ERR_ARG;
  }
  in = p_cfg->InnerPortPtr;
  if (in->Connect == NULL || in->Send == NULL || in->Recv == NULL || in->Close == NULL || in->Random == NULL ||
      in->TimeGet_ms == NULL) {
    return HTTPC_PORT_TLS_ERR_ARG;
  }
  memset(p_tls, 0, sizeof *p_tls);
  p_tls->Inner = *in;
  p_tls->Sess = p_cfg->SessionsPtr;
  p_tls->NbrSess = p_cfg->NbrSessions;
  for (i = 0u; i < p_tls->NbrSess; i++) {
    memset(&p_tls->Sess[i], 0, sizeof p_tls->Sess[i]);
  }

  if (p_cfg->ArenaPtr != NULL) {
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
    mbedtls_memory_buffer_alloc_init(p_cfg->ArenaPtr, p_cfg->ArenaLen);
    p_tls->ArenaUsed = 1u;
#else
    return HTTPC_PORT_TLS_ERR_ARG;
#endif
  }

  mbedtls_ssl_config_init(&p_tls->Conf);
  mbedtls_x509_crt_init(&p_tls->Ca);
  mbedtls_ctr_drbg_init(&p_tls->Drbg);
  p_tls->Ready = 1u;

  ret = mbedtls_ctr_drbg_seed(&p_tls->Drbg, entropy_from_port, p_tls, Pers, sizeof Pers - 1u);
  if (ret != 0) {
    HTTPc_PortTls_Free(p_tls);
    return (ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED) ? HTTPC_PORT_TLS_ERR_RANDOM : ret;
  }
  if (p_cfg->CaPtr != NULL && p_cfg->CaLen > 0u) {
    ret = mbedtls_x509_crt_parse(&p_tls->Ca, p_cfg->CaPtr, p_cfg->CaLen);
    if (ret != 0) { /* > 0: some certificates of a PEM bundle failed: refuse too */
      HTTPc_PortTls_Free(p_tls);
      return (ret > 0) ? MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT : ret;
    }
  }
  ret = mbedtls_ssl_config_defaults(&p_tls->Conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) {
    HTTPc_PortTls_Free(p_tls);
    return ret;
  }
  /* TLS 1.2 at least: mbedTLS 2.28's default minimum is TLS 1.0 (RFC 8996 deprecates 1.0
   * and 1.1). Also, one write is then always one record (1.0's CBC record splitting would make
   * it two, which the pending-record bookkeeping of tls_send does not expect). */
  mbedtls_ssl_conf_min_version(&p_tls->Conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  /* OPTIONAL: the handshake completes, then the verdict (name, trust callback) decides. */
  mbedtls_ssl_conf_authmode(&p_tls->Conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
  mbedtls_ssl_conf_ca_chain(&p_tls->Conf, &p_tls->Ca, NULL);
  mbedtls_ssl_conf_rng(&p_tls->Conf, mbedtls_ctr_drbg_random, &p_tls->Drbg);
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
  if (p_cfg->MaxFragLenCode != MBEDTLS_SSL_MAX_FRAG_LEN_NONE) {
    ret = mbedtls_ssl_conf_max_frag_len(&p_tls->Conf, p_cfg->MaxFragLenCode);
    if (ret != 0) {
      HTTPc_PortTls_Free(p_tls);
      return ret;
    }
  }
#else
  if (p_cfg->MaxFragLenCode != 0u) {
    HTTPc_PortTls_Free(p_tls);
    return HTTPC_PORT_TLS_ERR_ARG;
  }
#endif

  memset(p_out, 0, sizeof *p_out);
  p_out->Ctx = p_tls;
  p_out->Connect = tls_connect;
  p_out->ConnectPoll = tls_connect_poll;
  p_out->Send = tls_send;
  p_out->Recv = tls_recv;
  p_out->Close = tls_close;
  p_out->Random = fw_random;
  p_out->TimeGet_ms = fw_time;
  p_out->Wait = (in->Wait != NULL) ? tls_wait : NULL;
  p_out->Wake = (in->Wake != NULL) ? fw_wake : NULL;
  p_out->TaskCreate = (in->TaskCreate != NULL) ? fw_task_create : NULL;
  p_out->Lock = (in->Lock != NULL) ? fw_lock : NULL;
  p_out->Unlock = (in->Unlock != NULL) ? fw_unlock : NULL;
  p_out->OsWait = (in->OsWait != NULL) ? fw_os_wait : NULL;
  p_out->OsSignal = (in->OsSignal != NULL) ? fw_os_signal : NULL;
  p_out->Watch = (in->Watch != NULL && in->Wait != NULL) ? tls_watch : NULL;
  return 0;
}

void HTTPc_PortTls_Free(HTTPc_PORT_TLS *p_tls)
{
  CPU_INT16U i;

  if (p_tls == NULL || p_tls->Ready == 0u) {
    return;
  }
  for (i = 0u; i < p_tls->NbrSess; i++) {
    if (p_tls->Sess[i].State != ST_FREE && p_tls->Sess[i].Secure != 0u) {
      mbedtls_ssl_free(&p_tls->Sess[i].Ssl);
      p_tls->Sess[i].State = ST_FREE;
    }
  }
  mbedtls_ssl_config_free(&p_tls->Conf);
  mbedtls_x509_crt_free(&p_tls->Ca);
  mbedtls_ctr_drbg_free(&p_tls->Drbg);
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
  if (p_tls->ArenaUsed != 0u) {
    mbedtls_memory_buffer_alloc_free();
    p_tls->ArenaUsed = 0u;
  }
#endif
  p_tls->Ready = 0u;
}
