/*
 * tls_client: the TLS layer's test client (ports/mbedtls around the POSIX port).
 *
 *   tls_client [options] HOST PORT PATH
 *     --ca FILE          CA certificates (PEM) for the layer's config
 *     --cn NAME          HTTPc_PARAM_TYPE_SECURE_COMMON_NAME
 *     --trust MODE       HTTPc_PARAM_TYPE_SECURE_TRUST_CALLBACK answering accept | refuse
 *     --plain            no TLS settings at all (ws:// through the wrapped port)
 *     --poll             no engine task: HTTPc_TaskHandler() from main, non-blocking
 *                        ConnOpen/upgrade (hooks), blocking sends run the engine themselves
 *     --no-watch         hide the inner port's Watch (Wait gets entry lists)
 *     --chaos            put a shim between the layer and the POSIX port that makes a third of
 *                        the Send/Recv calls WOULD_BLOCK and cuts the others to 1..700 bytes
 *                        (partial I/O everywhere: handshake, records, blocked writes)
 *     --sizes A,B,...    echo one message per size, text and binary alternately (default
 *                        5,125,126,1000,16384,70000,300000)
 *     --wait-close       after the upgrade send nothing, wait for the connection to end
 *     --seed N           seed of the chaos shim's generator
 *     --mfl CODE         ask for a maximum fragment length (1: 512 .. 4: 4096, RFC 6066)
 *     --expect EVENTS    exit 0 only if the hook log equals EVENTS
 * Prints "EVENTS: <hook log>" and "TLS: last_err=... verify_flags=...". Without --expect, exit
 * 0 when every echo matched and the close was 1000 (or, with --wait-close, when it ended).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http-c.h"
#include "http-c_websock.h"
#include "httpc_port_mbedtls.h"
#include "httpc_port_posix.h"

#define RX_MAX (512u * 1024u)
#define TIMEOUT_MS 15000u

static pthread_mutex_t Mu = PTHREAD_MUTEX_INITIALIZER;
static char Events[2048];
static volatile int Connected, ConnectDone, Opened, RxDone, ConnClosed, WsClosed, Failed;
static unsigned RxType;
static size_t RxLen;
static unsigned char RxBuf[RX_MAX];
static unsigned CloseCode;
static int TrustAccept;
static int Poll;
static int WaitClose;

static HTTPc_PORT_TLS Tls;
static HTTPc_PORT_TLS_SESS Sessions[2];
static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ Req;
static HTTPc_RESP_OBJ Resp;
static HTTPc_WEBSOCK_OBJ Ws;
static HTTPc_WEBSOCK_MSG_OBJ Msg;
static CPU_CHAR ConnBuf[8192];

static void ev(const char *fmt, ...)
{
  va_list ap;
  size_t l;
  pthread_mutex_lock(&Mu);
  l = strlen(Events);
  if (l > 0u && l < sizeof Events - 1u) {
    Events[l++] = ' ';
    Events[l] = '\0';
  }
  va_start(ap, fmt);
  vsnprintf(Events + l, sizeof Events - l, fmt, ap);
  va_end(ap);
  pthread_mutex_unlock(&Mu);
}

static unsigned long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
}

static void idle(void)
{
  struct timespec ts = {0, 1000000L};
  if (Poll) {
    CPU_INT32U next = HTTPc_TaskHandler();
    if (next == 0u) {
      return;
    }
  }
  nanosleep(&ts, NULL);
}

static int wait_for(volatile int *flag, unsigned long timeout_ms)
{
  unsigned long t0 = now_ms();
  while (!*flag) {
    if (now_ms() - t0 > timeout_ms) {
      return 0;
    }
    idle();
  }
  return 1;
}

/* ----- hooks ----- */
static CPU_BOOLEAN on_trust(void *p_cert, NET_SOCK_SECURE_UNTRUSTED_REASON reason)
{
  ev("trust:%u%s", (unsigned)reason, p_cert != NULL ? "" : "(nocert)");
  return TrustAccept ? DEF_YES : DEF_NO;
}
static void on_connect(HTTPc_CONN_OBJ *c, CPU_BOOLEAN ok)
{
  (void)c;
  ev("connect:%u", (unsigned)ok);
  Connected = (ok == DEF_OK);
  ConnectDone = 1;
}
static void on_conn_close(HTTPc_CONN_OBJ *c, HTTPc_CONN_CLOSE_STATUS st, HTTPc_ERR err)
{
  (void)c;
  ev("conn_close:%u:%u", (unsigned)st, (unsigned)err);
  ConnClosed = 1;
  ConnectDone = 1;
}
static void on_trans_err(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_ERR err)
{
  (void)c;
  (void)r;
  ev("trans_err:%u", (unsigned)err);
  Failed = 1;
}
static void on_trans_complete(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_RESP_OBJ *resp, CPU_BOOLEAN ok)
{
  (void)c;
  (void)r;
  ev("trans_complete:%u:%u", (unsigned)ok, (unsigned)resp->StatusCode);
  if (ok != DEF_OK || resp->StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) {
    Failed = 1;
  }
}
static void on_open(HTTPc_CONN_OBJ *c)
{
  (void)c;
  ev("open");
  Opened = 1;
}
static void on_rx_init(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_TYPE t, CPU_INT32U len, void **p_data)
{
  (void)c;
  (void)len;
  *p_data = NULL;
  pthread_mutex_lock(&Mu);
  RxType = t;
  RxLen = 0u;
  pthread_mutex_unlock(&Mu);
}
static CPU_INT32U on_rx_data(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_TYPE t, void *p, CPU_INT16U n)
{
  (void)c;
  (void)t;
  pthread_mutex_lock(&Mu);
  if (RxLen + n <= RX_MAX) {
    memcpy(RxBuf + RxLen, p, n);
  }
  RxLen += n;
  pthread_mutex_unlock(&Mu);
  return n;
}
static void on_rx_complete(HTTPc_CONN_OBJ *c)
{
  (void)c;
  if (WaitClose) {
    ev("rx:%u", (unsigned)RxLen);
  }
  RxDone = 1;
}
static void on_ws_err(HTTPc_CONN_OBJ *c, HTTPc_ERR err)
{
  (void)c;
  ev("ws_err:%u", (unsigned)err);
}
static void on_ws_close(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_CLOSE_CODE code, HTTPc_WEBSOCK_CLOSE_REASON *r)
{
  (void)c;
  (void)r;
  ev("ws_close:%u", (unsigned)code);
  CloseCode = code;
  WsClosed = 1;
}

/* ----- chaos shim ----- */
static HTTPc_PORT Posix;
static unsigned long long Rng = 88172645463325252ull;
static CPU_INT32U rnd(CPU_INT32U n)
{
  Rng ^= Rng << 13;
  Rng ^= Rng >> 7;
  Rng ^= Rng << 17;
  return (CPU_INT32U)(Rng % n);
}
static CPU_INT32S chaos_send(void *ctx, void *h, const CPU_INT08U *p, CPU_INT32U len)
{
  (void)ctx;
  if (rnd(3u) == 0u) {
    return HTTPc_PORT_WOULD_BLOCK;
  }
  if (len > 1u) {
    len = 1u + rnd(len < 700u ? len : 700u);
  }
  return Posix.Send(Posix.Ctx, h, p, len);
}
static CPU_INT32S chaos_recv(void *ctx, void *h, CPU_INT08U *p, CPU_INT32U len)
{
  (void)ctx;
  if (rnd(3u) == 0u) {
    return HTTPc_PORT_WOULD_BLOCK;
  }
  if (len > 1u) {
    len = 1u + rnd(len < 700u ? len : 700u);
  }
  return Posix.Recv(Posix.Ctx, h, p, len);
}

static unsigned char *read_file(const char *path, size_t *p_len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *b;
  long n;
  if (f == NULL) {
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b = malloc((size_t)n + 1u);
  if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(b);
    return NULL;
  }
  fclose(f);
  b[n] = '\0';
  *p_len = (size_t)n + 1u; /* PEM: the NUL is part of the buffer */
  return b;
}

static int echo_one(size_t len, int binary)
{
  static CPU_CHAR buf[RX_MAX];
  HTTPc_ERR err;
  size_t i;
  CPU_BOOLEAN ok;

  for (i = 0; i < len; i++) {
    buf[i] = binary ? (CPU_CHAR)((i * 7u + len) & 0xFFu) : (CPU_CHAR)('a' + (i + len) % 26u);
  }
  RxDone = 0;
  HTTPc_WebSockMsgClr(&Msg, &err);
  ok = HTTPc_WebSockSend(&Conn, &Msg, binary ? HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME : HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                         buf, (CPU_INT32U)len, HTTPc_FLAG_NONE, &err);
  if (ok != DEF_OK || err != HTTPc_ERR_NONE) {
    fprintf(stderr, "send %zu: ok %u err %u\n", len, (unsigned)ok, (unsigned)err);
    return -1;
  }
  if (!wait_for(&RxDone, TIMEOUT_MS)) {
    fprintf(stderr, "no echo of %zu bytes\n", len);
    return -1;
  }
  pthread_mutex_lock(&Mu);
  ok = (RxLen == len && RxType == (binary ? 2u : 1u) && memcmp(RxBuf, buf, len) == 0);
  pthread_mutex_unlock(&Mu);
  if (!ok) {
    fprintf(stderr, "echo of %zu bytes differs (got %zu, type %u)\n", len, RxLen, RxType);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  static const HTTPc_CFG cfg = {0u, 5u, 5000u, 30u, DEF_NO};
  static const HTTP_TASK_CFG task_cfg = {20u, 65536u, NULL};
  const char *ca = NULL, *cn = NULL, *trust = NULL, *expect = NULL;
  const char *sizes = "5,125,126,1000,16384,70000,300000";
  int plain = 0, no_watch = 0, chaos = 0, a, rc = 0, ret, mfl = 0;
  HTTPc_PORT inner, outer;
  HTTPc_PORT_TLS_CFG tcfg;
  unsigned char *ca_buf = NULL;
  size_t ca_len = 0;
  HTTPc_ERR err;
  CPU_BOOLEAN ok, yes = DEF_YES;
  CPU_INT16U port_nbr, tmo = 5000u;
  const char *host, *path;

  for (a = 1; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
    if (!strcmp(argv[a], "--ca") && a + 1 < argc) ca = argv[++a];
    else if (!strcmp(argv[a], "--cn") && a + 1 < argc) cn = argv[++a];
    else if (!strcmp(argv[a], "--trust") && a + 1 < argc) trust = argv[++a];
    else if (!strcmp(argv[a], "--sizes") && a + 1 < argc) sizes = argv[++a];
    else if (!strcmp(argv[a], "--expect") && a + 1 < argc) expect = argv[++a];
    else if (!strcmp(argv[a], "--mfl") && a + 1 < argc) mfl = atoi(argv[++a]);
    else if (!strcmp(argv[a], "--plain")) plain = 1;
    else if (!strcmp(argv[a], "--poll")) Poll = 1;
    else if (!strcmp(argv[a], "--no-watch")) no_watch = 1;
    else if (!strcmp(argv[a], "--chaos")) chaos = 1;
    else if (!strcmp(argv[a], "--seed") && a + 1 < argc) Rng += strtoull(argv[++a], NULL, 10) * 0x9E3779B97F4A7C15ull;
    else if (!strcmp(argv[a], "--wait-close")) WaitClose = 1;
    else {
      fprintf(stderr, "unknown option %s\n", argv[a]);
      return 2;
    }
  }
  if (argc - a != 3) {
    fprintf(stderr, "usage: tls_client [options] HOST PORT PATH\n");
    return 2;
  }
  host = argv[a];
  port_nbr = (CPU_INT16U)atoi(argv[a + 1]);
  path = argv[a + 2];
  TrustAccept = (trust != NULL && !strcmp(trust, "accept"));

  HTTPc_PortPosix_Get(&inner, Poll ? DEF_NO : DEF_YES);
  if (no_watch) {
    inner.Watch = NULL;
  }
  if (chaos) {
    Posix = inner;
    inner.Send = chaos_send;
    inner.Recv = chaos_recv;
  }
  if (ca != NULL && (ca_buf = read_file(ca, &ca_len)) == NULL) {
    fprintf(stderr, "cannot read %s\n", ca);
    return 2;
  }
  memset(&tcfg, 0, sizeof tcfg);
  tcfg.InnerPortPtr = &inner;
  tcfg.CaPtr = ca_buf;
  tcfg.CaLen = ca_len;
  tcfg.SessionsPtr = Sessions;
  tcfg.NbrSessions = 2u;
  tcfg.MaxFragLenCode = (unsigned char)mfl;
  ret = HTTPc_PortTls_Init(&Tls, &tcfg, &outer);
  free(ca_buf); /* parsed: no longer needed */
  if (ret != 0) {
    fprintf(stderr, "HTTPc_PortTls_Init: -0x%04x\n", (unsigned)-ret);
    return 2;
  }
  HTTPc_PortSet(&outer, &err);
  if (err != HTTPc_ERR_NONE) {
    fprintf(stderr, "PortSet %u\n", (unsigned)err);
    return 2;
  }
  HTTPc_Init(&cfg, &task_cfg, NULL, &err);
  if (err != HTTPc_ERR_NONE) {
    fprintf(stderr, "Init %u\n", (unsigned)err);
    return 2;
  }

  HTTPc_ConnClr(&Conn, &err);
  HTTPc_ReqClr(&Req, &err);
  HTTPc_WebSockClr(&Ws, &err);
  HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &yes, &err);
  HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &port_nbr, &err);
  HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONNECT_TIMEOUT, &tmo, &err);
  HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)on_conn_close, &err);
  HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, (void *)on_connect, &err);
  if (!plain && cn != NULL) {
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SECURE_COMMON_NAME, (void *)cn, &err);
    if (err != HTTPc_ERR_NONE) {
      fprintf(stderr, "COMMON_NAME: %u\n", (unsigned)err);
      return 2;
    }
  }
  if (!plain && (trust != NULL || cn == NULL)) {
    /* Without --cn the trust callback is what makes the connection secure. */
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SECURE_TRUST_CALLBACK, (void *)on_trust, &err);
    if (err != HTTPc_ERR_NONE) {
      fprintf(stderr, "TRUST_CALLBACK: %u\n", (unsigned)err);
      return 2;
    }
  }
  HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, (void *)on_trans_err, &err);
  if (Poll) {
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, (void *)on_trans_complete, &err);
  }
  HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)on_open, &err);
  HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)on_rx_init, &err);
  HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, (void *)on_rx_data, &err);
  HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)on_rx_complete, &err);
  HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, (void *)on_ws_err, &err);
  HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, (void *)on_ws_close, &err);

  ok = HTTPc_ConnOpen(&Conn, ConnBuf, sizeof ConnBuf, (CPU_CHAR *)host, (CPU_INT16U)strlen(host),
                      Poll ? HTTPc_FLAG_CONN_NO_BLOCK : HTTPc_FLAG_NONE, &err);
  if (!Poll) {
    ev("connopen:%u:%u", (unsigned)ok, (unsigned)err);
    if (ok != DEF_OK) {
      rc = 1;
      goto done;
    }
  } else {
    if (err != HTTPc_ERR_NONE) {
      ev("connopen:%u:%u", (unsigned)ok, (unsigned)err);
      rc = 1;
      goto done;
    }
    if (!wait_for(&ConnectDone, TIMEOUT_MS) || !Connected) {
      (void)wait_for(&ConnClosed, 1000u);
      rc = 1;
      goto done;
    }
  }

  ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)path, (CPU_INT16U)strlen(path),
                            Poll ? HTTPc_FLAG_WEBSOCK_NO_BLOCK : HTTPc_FLAG_NONE, &err);
  if (err != HTTPc_ERR_NONE || (!Poll && ok != DEF_OK)) {
    ev("upgrade:%u:%u", (unsigned)ok, (unsigned)err);
    rc = 1;
    (void)wait_for(&ConnClosed, 3000u);
    goto done;
  }
  {
    unsigned long t0 = now_ms();
    while (!Opened && !Failed && !ConnClosed && now_ms() - t0 < TIMEOUT_MS) {
      idle();
    }
  }
  if (!Opened) {
    rc = 1;
    (void)wait_for(&ConnClosed, 3000u);
    goto done;
  }

  if (WaitClose) {
    if (!wait_for(&ConnClosed, TIMEOUT_MS)) {
      ev("timeout");
      rc = 1;
    }
    goto done;
  }
  {
    const char *p = sizes;
    int k = 0;
    while (*p != '\0') {
      size_t len = strtoul(p, (char **)&p, 10);
      if (*p == ',') p++;
      if (len > RX_MAX || echo_one(len, k & 1) != 0) {
        rc = 1;
        break;
      }
      k++;
    }
    if (rc == 0) printf("echoed %d messages\n", k);
  }
  {
    CPU_CHAR close_buf[32];
    CPU_INT16U close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"bye", close_buf,
                                                    sizeof close_buf, &err);
    HTTPc_WebSockMsgClr(&Msg, &err);
    ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, close_buf, close_len, HTTPc_FLAG_NONE, &err);
    if (ok != DEF_OK) {
      ev("close_send:%u", (unsigned)err);
    }
    if (!wait_for(&ConnClosed, TIMEOUT_MS)) {
      ev("timeout");
      rc = 1;
    }
    if (CloseCode != 1000u) {
      rc = 1;
    }
  }

done:
  {
    struct timespec ts = {0, 50000000L};
    nanosleep(&ts, NULL); /* let late hooks land in the log */
  }
  pthread_mutex_lock(&Mu);
  printf("EVENTS: %s\n", Events);
  printf("TLS: last_err=-0x%04x verify_flags=0x%lx\n", (unsigned)-Tls.LastErr, (unsigned long)Tls.LastVerifyFlags);
  if (expect != NULL) {
    rc = strcmp(expect, Events) == 0 ? 0 : 1;
    if (rc != 0) {
      printf("EXPECTED: %s\n", expect);
    }
  } else if (WaitClose && ConnClosed) {
    rc = 0;
  }
  pthread_mutex_unlock(&Mu);
  fflush(stdout);
  if (Poll) {
    HTTPc_PortTls_Free(&Tls);
  }
  return rc;
}
