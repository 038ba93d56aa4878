/*
 * test_http_live.c: HTTPc_ReqSend end to end against a real HTTP/1.1 server (the Python
 * standard library's, tests/servers/http_server.py) on 127.0.0.1, through the example POSIX
 * port, written as a legacy application writes it.
 *
 *     test_http_live [--task | --poll] 127.0.0.1:PORT [127.0.0.1:AIO_PORT [127.0.0.1:NGINX_PORT]]
 *
 * PORT is tests/servers/http_server.py (the standard library's server); AIO_PORT, when given,
 * tests/servers/aio_server.py (aiohttp): 100 keep-alive requests on one connection, a 10 MiB
 * streamed download and upload (HTTPC_WS_BIG_MIB=N for N MiB, e.g. under valgrind), then a
 * WebSocket upgrade and an echo on that same connection; then two faults (a reset mid-body, a
 * server that stops reading an upload). NGINX_PORT, when given, is Debian's nginx in front of
 * the aiohttp server: the same sequence through a production server ("-": skipped, no nginx).
 *
 * One run tests one mode (HTTPc_Init fixes it): --task, the engine thread runs every hook;
 * --poll, this program calls HTTPc_TaskHandler() from its wait loops (blocking calls drive the
 * engine themselves).
 *
 * Output: "ok N - name" or "not ok N - name: details" per check, then "P passed, F failed".
 * Exit status 0 when every check passed, 77 (skipped) when the library was built without
 * plain requests (cargo feature `http`): HTTPc_ReqSend answers HTTPc_ERR_FEATURE_DIS. The form
 * checks (POST /form, which the server parses with Python's standard library and answers with
 * what it parsed) are skipped, with a note, when it was built without `form`.
 *
 * Run by ctest as:
 *   tests/c/run_with_echo_server.sh test_http_live --task 127.0.0.1:@HTTP_PORT@ 127.0.0.1:@AIO_PORT@
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nanosleep, clock_gettime under -std=c99 */
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http-c.h"
#include "http-c_websock.h"
#include "httpc_port_posix.h"

#define T_BUF_LEN      1024u   /* Connection buffer: bodies stream through it.            */
#define T_BODY_CAP   131072u   /* Largest response body a check keeps.                    */
#define T_WAIT_MS     10000u   /* Bound of every wait.                                    */
#define T_BIG_LEN    100000u   /* /big/N: a body of 98 connection buffers.                */

static const HTTPc_CFG T_Cfg = { 0u, 8u, 5000u, 30u, DEF_FALSE };
static const HTTP_TASK_CFG T_TaskCfg = { 20u, 65536u, NULL };

static int T_Poll;
static int T_Passed;
static int T_Failed;

/* Which server the checks of the aiohttp sequence go to (their names say it). */
static const char *T_Via = "";

static void check(int ok, const char *name, const char *fmt, ...)
{
    static int n;
    const char *via = strncmp(name, "aiohttp: ", 9) == 0 || strncmp(name, "faults: ", 8) == 0 ? T_Via : "";
    n++;
    if (ok) {
        T_Passed++;
        printf("ok %d - %s%s%s\n", n, via, *via != '\0' ? " | " : "", name);
    } else {
        va_list ap;
        T_Failed++;
        printf("not ok %d - %s%s%s: ", n, via, *via != '\0' ? " | " : "", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
}

/* ---- What the hooks record (they may run in the engine thread: one mutex) -------------- */

static pthread_mutex_t T_Mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned char   T_Body[T_BODY_CAP];
static size_t          T_BodyLen;
static int             T_BodyLast;      /* Calls with last_chunk == DEF_YES.                */
static unsigned long   T_BodyTotal;     /* Every body byte, kept or not (large bodies).     */
static unsigned long   T_BodySum;       /* Their sum mod 2^32, as /sink computes it.        */
static int             T_Done;          /* OnTransComplete calls.                           */
static int             T_DoneOk;        /* ... with DEF_OK.                                 */
static int             T_Errs;          /* OnErr calls.                                     */
static HTTPc_ERR       T_LastErr;
static int             T_Closed;        /* Connection OnClose calls.                        */
static HTTPc_CONN_CLOSE_STATUS T_CloseStatus;
static char            T_ServerHdr[64]; /* The Server header, from the header hook.         */

/* The request body the body hook gives: `T_TxData` in pieces of `T_TxPiece` bytes, each
 * written into the buffer it is offered, except the last one (pointed at, as an application
 * that keeps its own data does). */
static const unsigned char *T_TxData;
static size_t               T_TxLen;
static size_t               T_TxPos;
static size_t               T_TxPiece;

static void reset(void)
{
    pthread_mutex_lock(&T_Mutex);
    T_BodyLen = 0u;
    T_BodyLast = 0;
    T_BodyTotal = 0u;
    T_BodySum = 0u;
    T_Done = T_DoneOk = T_Errs = T_Closed = 0;
    T_LastErr = HTTPc_ERR_NONE;
    T_ServerHdr[0] = '\0';
    T_TxPos = 0u;
    pthread_mutex_unlock(&T_Mutex);
}

static CPU_INT32U on_body_rx(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTP_CONTENT_TYPE t,
                             void *p_data, CPU_INT16U len, CPU_BOOLEAN last)
{
    (void)c;
    (void)r;
    (void)t;
    pthread_mutex_lock(&T_Mutex);
    if (p_data != NULL && T_BodyLen + len <= T_BODY_CAP) {
        memcpy(T_Body + T_BodyLen, p_data, len);
        T_BodyLen += len;
    }
    if (p_data != NULL) {
        CPU_INT16U k;
        for (k = 0u; k < len; k++) {
            T_BodySum = (T_BodySum + ((const unsigned char *)p_data)[k]) & 0xFFFFFFFFul;
        }
        T_BodyTotal += len;
    }
    if (last == DEF_YES) {
        T_BodyLast++;
    }
    pthread_mutex_unlock(&T_Mutex);
    return len;
}

static CPU_BOOLEAN on_body_tx(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, void **p_data,
                              CPU_CHAR *p_buf, CPU_INT16U buf_len, CPU_INT16U *p_data_len)
{
    size_t      n;
    CPU_BOOLEAN last;

    (void)c;
    (void)r;
    pthread_mutex_lock(&T_Mutex);
    n = T_TxLen - T_TxPos;
    if (n > T_TxPiece) {
        n = T_TxPiece;
    }
    last = (T_TxPos + n == T_TxLen) ? DEF_YES : DEF_NO;
    if (last == DEF_YES) {
        *p_data = (void *)(T_TxData + T_TxPos); /* The last piece from our own memory. */
    } else {
        if (n > buf_len) {
            n = buf_len;
            last = DEF_NO;
        }
        memcpy(p_buf, T_TxData + T_TxPos, n);
    }
    T_TxPos += n;
    *p_data_len = (CPU_INT16U)n;
    pthread_mutex_unlock(&T_Mutex);
    return last;
}

static void on_resp_hdr(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTP_HDR_FIELD field,
                        CPU_CHAR *p_val, CPU_INT16U len)
{
    (void)c;
    (void)r;
    if (field == HTTP_HDR_FIELD_SERVER && len < sizeof T_ServerHdr) {
        pthread_mutex_lock(&T_Mutex);
        memcpy(T_ServerHdr, p_val, len);
        T_ServerHdr[len] = '\0';
        pthread_mutex_unlock(&T_Mutex);
    }
}

static void on_complete(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_RESP_OBJ *resp,
                        CPU_BOOLEAN status)
{
    (void)c;
    (void)r;
    (void)resp;
    pthread_mutex_lock(&T_Mutex);
    T_Done++;
    if (status == DEF_OK) {
        T_DoneOk++;
    }
    pthread_mutex_unlock(&T_Mutex);
}

static void on_err(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_ERR err)
{
    (void)c;
    (void)r;
    pthread_mutex_lock(&T_Mutex);
    T_Errs++;
    T_LastErr = err;
    pthread_mutex_unlock(&T_Mutex);
}

static void on_close(HTTPc_CONN_OBJ *c, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)c;
    (void)err;
    pthread_mutex_lock(&T_Mutex);
    T_Closed++;
    T_CloseStatus = status;
    pthread_mutex_unlock(&T_Mutex);
}

/* ---- Waiting ------------------------------------------------------------------------------ */

static unsigned long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
}

static void idle(void)
{
    struct timespec ts = { 0, 1000000L };
    if (T_Poll) {
        (void)HTTPc_TaskHandler();
    }
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int wait_ge(const int *p, int target)
{
    unsigned long start = now_ms();
    for (;;) {
        int v;
        pthread_mutex_lock(&T_Mutex);
        v = *p;
        pthread_mutex_unlock(&T_Mutex);
        if (v >= target) {
            return 1;
        }
        if (now_ms() - start >= T_WAIT_MS) {
            return 0;
        }
        idle();
    }
}

/* ---- The application's objects ------------------------------------------------------------ */

static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ  Req;
static HTTPc_RESP_OBJ Resp;
static CPU_CHAR       ConnBuf[T_BUF_LEN];
static char           Host[64];
static CPU_INT16U     Port;

static int conn_open(CPU_BOOLEAN persistent)
{
    HTTPc_ERR  err;
    NET_PORT_NBR port = Port;

    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &persistent, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)(uintptr_t)on_close,
                       &err);
    if (HTTPc_ConnOpen(&Conn, ConnBuf, T_BUF_LEN, Host, (CPU_INT16U)strlen(Host),
                       HTTPc_FLAG_NONE, &err) != DEF_OK) {
        printf("# HTTPc_ConnOpen: err %u\n", (unsigned)err);
        return 0;
    }
    return 1;
}

/* Clears the request and sets the hooks every request here uses. */
static void req_clear(void)
{
    HTTPc_ERR err;

    HTTPc_ReqClr(&Req, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_RESP_BODY_HOOK, (void *)(uintptr_t)on_body_rx, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_RESP_HDR_HOOK, (void *)(uintptr_t)on_resp_hdr, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, (void *)(uintptr_t)on_complete,
                      &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, (void *)(uintptr_t)on_err, &err);
}

static CPU_BOOLEAN send_req(HTTP_METHOD method, const char *path, HTTPc_FLAGS flags,
                            HTTPc_ERR *p_err)
{
    reset();
    return HTTPc_ReqSend(&Conn, &Req, &Resp, method, (CPU_CHAR *)path, (CPU_INT16U)strlen(path),
                         flags, p_err);
}

static int body_is(const void *want, size_t len)
{
    int same;
    pthread_mutex_lock(&T_Mutex);
    same = (T_BodyLen == len) && memcmp(T_Body, want, len) == 0;
    pthread_mutex_unlock(&T_Mutex);
    return same;
}

/* ---- The checks --------------------------------------------------------------------------- */

static unsigned char Big[T_BIG_LEN];

static void persistent_blocking(void)
{
    HTTPc_ERR       err;
    CPU_BOOLEAN     ok;
    HTTP_CONTENT_TYPE ctype;
    CPU_INT32U      len;
    CPU_BOOLEAN     yes = DEF_YES;
    static unsigned char up[3000];
    static HTTPc_KEY_VAL kv[2];
    HTTPc_PARAM_TBL tbl;
    size_t          i;

    if (!conn_open(DEF_YES)) {
        check(0, "open a persistent connection", "HTTPc_ConnOpen failed");
        return;
    }
    req_clear();
    ok = send_req(HTTP_METHOD_GET, "/hello", HTTPc_FLAG_NONE, &err);
    if (err == HTTPc_ERR_FEATURE_DIS) {
        printf("# skipped: the library was built without plain requests (cargo feature http)\n");
        exit(77);
    }
    check(ok == DEF_OK && err == HTTPc_ERR_NONE && Resp.StatusCode == HTTP_STATUS_OK &&
              Resp.ContentType == HTTP_CONTENT_TYPE_PLAIN && Resp.ContentLen == 5u &&
              body_is("hello", 5u) && T_BodyLast == 1,
          "GET /hello (blocking): 200 text/plain, 5-byte body, one last call",
          "ok %u err %u status %u type %u len %u body %zu last %d", (unsigned)ok, (unsigned)err,
          (unsigned)Resp.StatusCode, (unsigned)Resp.ContentType, (unsigned)Resp.ContentLen,
          T_BodyLen, T_BodyLast);
    check(strncmp(T_ServerHdr, "BaseHTTP", 8) == 0, "the Server header reaches the header hook",
          "'%s'", T_ServerHdr);

    /* POST, a 3000-byte body sized by Content-Length, given in 700-byte pieces. */
    for (i = 0u; i < sizeof up; i++) {
        up[i] = (unsigned char)(i * 7u);
    }
    T_TxData = up;
    T_TxLen = sizeof up;
    T_TxPiece = 700u;
    req_clear();
    ctype = HTTP_CONTENT_TYPE_OCTET_STREAM;
    len = sizeof up;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &len, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)(uintptr_t)on_body_tx, &err);
    ok = send_req(HTTP_METHOD_POST, "/echo", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && Resp.StatusCode == HTTP_STATUS_OK && body_is(up, sizeof up),
          "POST /echo: a 3000-byte body by Content-Length comes back", "ok %u err %u body %zu",
          (unsigned)ok, (unsigned)err, T_BodyLen);

    /* PUT, the same body chunked. */
    req_clear();
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CHUNK, &yes, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)(uintptr_t)on_body_tx, &err);
    ok = send_req(HTTP_METHOD_PUT, "/echo", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && Resp.StatusCode == HTTP_STATUS_OK && body_is(up, sizeof up),
          "PUT /echo: the same body chunked comes back", "ok %u err %u body %zu", (unsigned)ok,
          (unsigned)err, T_BodyLen);

    /* A chunked response. */
    req_clear();
    ok = send_req(HTTP_METHOD_GET, "/chunked", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && body_is("chunked body, in pieces", 23u) && T_BodyLast == 1,
          "GET /chunked: the chunks reassembled, one last call", "ok %u err %u body %zu last %d",
          (unsigned)ok, (unsigned)err, T_BodyLen, T_BodyLast);

    /* A query table, percent-encoded as legacy (a value-less key has no '='). */
    req_clear();
    kv[0].KeyPtr = (CPU_CHAR *)"a b";
    kv[0].KeyLen = 3u;
    kv[0].ValPtr = (CPU_CHAR *)"c&d=e";
    kv[0].ValLen = 5u;
    kv[1].KeyPtr = (CPU_CHAR *)"flag";
    kv[1].KeyLen = 4u;
    kv[1].ValPtr = NULL;
    kv[1].ValLen = 0u;
    tbl.TblPtr = kv;
    tbl.EntryNbr = 2u;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL, &tbl, &err);
    ok = send_req(HTTP_METHOD_GET, "/query", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && body_is("a%20b=c%26d%3De&flag", 20u),
          "GET /query: the table percent-encoded", "ok %u err %u body '%.*s'", (unsigned)ok,
          (unsigned)err, (int)T_BodyLen, (const char *)T_Body);

    /* HEAD: the length, no body. */
    req_clear();
    ok = send_req(HTTP_METHOD_HEAD, "/hello", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && Resp.ContentLen == 5u && T_BodyLen == 0u,
          "HEAD /hello: Content-Length 5, no body", "ok %u err %u len %u body %zu", (unsigned)ok,
          (unsigned)err, (unsigned)Resp.ContentLen, T_BodyLen);

    /* A 404 is a whole response: DEF_OK, the status tells. */
    req_clear();
    ok = send_req(HTTP_METHOD_DELETE, "/status/404", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && Resp.StatusCode == HTTP_STATUS_NOT_FOUND && body_is("status 404", 10u),
          "DELETE /status/404: DEF_OK, status 404", "ok %u err %u status %u", (unsigned)ok,
          (unsigned)err, (unsigned)Resp.StatusCode);

    /* A body of 98 connection buffers, streamed through the body hook. */
    for (i = 0u; i < T_BIG_LEN; i++) {
        Big[i] = (unsigned char)(i % 251u);
    }
    req_clear();
    ok = send_req(HTTP_METHOD_GET, "/big/100000", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && body_is(Big, T_BIG_LEN) && T_BodyLast == 1,
          "GET /big/100000: streamed through a 1 KiB buffer", "ok %u err %u body %zu",
          (unsigned)ok, (unsigned)err, T_BodyLen);

    check(T_Closed == 0, "the persistent connection stayed open", "closed %d", T_Closed);
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    check(err == HTTPc_ERR_NONE, "HTTPc_ConnClose", "err %u", (unsigned)err);
}

static void not_persistent_non_blocking(void)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;

    if (!conn_open(DEF_NO)) {
        check(0, "open a connection", "HTTPc_ConnOpen failed");
        return;
    }
    req_clear();
    ok = send_req(HTTP_METHOD_GET, "/hello", HTTPc_FLAG_REQ_NO_BLOCK, &err);
    check(ok == DEF_FAIL && err == HTTPc_ERR_NONE, "GET /hello (non-blocking) is handed over",
          "ok %u err %u", (unsigned)ok, (unsigned)err);
    check(wait_ge(&T_DoneOk, 1) && body_is("hello", 5u), "OnTransComplete(DEF_OK) with the body",
          "done %d ok %d body %zu", T_Done, T_DoneOk, T_BodyLen);
    check(wait_ge(&T_Closed, 1) && T_CloseStatus == HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT,
          "then OnClose(NO_PERSISTENT): the connection was not persistent", "closed %d status %u",
          T_Closed, (unsigned)T_CloseStatus);
}

static void body_until_close(void)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;

    if (!conn_open(DEF_YES)) {
        check(0, "open a connection", "HTTPc_ConnOpen failed");
        return;
    }
    req_clear();
    ok = send_req(HTTP_METHOD_GET, "/close", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && body_is("until close", 11u) && T_BodyLast == 1,
          "GET /close: a body delimited by the close", "ok %u err %u body %zu", (unsigned)ok,
          (unsigned)err, T_BodyLen);
    check(wait_ge(&T_Closed, 1) && T_CloseStatus == HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT,
          "then OnClose(NO_PERSISTENT): the server said Connection: close", "closed %d status %u",
          T_Closed, (unsigned)T_CloseStatus);
}

/* ---- Against aiohttp: REST calls then a WebSocket on one connection ------------------------ */

static unsigned long T_GenLeft;   /* Bytes the generator body hook still gives.          */
static unsigned long T_GenAt;     /* Bytes it gave (its pattern's phase).                */
static unsigned long T_GenSum;    /* Their sum mod 2^32.                                 */

/* A body produced on the fly (a large upload from flash or a sensor): byte i = i % 251. */
static CPU_BOOLEAN on_body_gen(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, void **p_data, CPU_CHAR *p_buf,
                               CPU_INT16U buf_len, CPU_INT16U *p_data_len)
{
    CPU_INT16U n = buf_len;
    CPU_INT16U k;

    (void)c;
    (void)r;
    (void)p_data;
    if ((unsigned long)n > T_GenLeft) {
        n = (CPU_INT16U)T_GenLeft;
    }
    for (k = 0u; k < n; k++) {
        unsigned char b = (unsigned char)((T_GenAt + k) % 251u);
        p_buf[k] = (CPU_CHAR)b;
        T_GenSum = (T_GenSum + b) & 0xFFFFFFFFul;
    }
    T_GenAt += n;
    T_GenLeft -= n;
    *p_data_len = n;
    return DEF_NO;
}

static HTTPc_WEBSOCK_OBJ     Ws;
static HTTPc_WEBSOCK_MSG_OBJ WsMsg;
static int                   T_WsOpen;
static int                   T_WsRx;     /* Whole messages received.                     */
static char                  T_WsData[64];
static size_t                T_WsLen;

static void ws_on_open(HTTPc_CONN_OBJ *c)
{
    (void)c;
    pthread_mutex_lock(&T_Mutex);
    T_WsOpen++;
    pthread_mutex_unlock(&T_Mutex);
}

static void ws_on_rx_init(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_TYPE t, CPU_INT32U len, void **p_data)
{
    (void)c;
    (void)t;
    (void)len;
    *p_data = NULL; /* Streaming: the data comes through ws_on_rx_data. */
}

static CPU_INT32U ws_on_rx_data(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_TYPE t, void *p_data,
                                CPU_INT16U len)
{
    (void)c;
    (void)t;
    pthread_mutex_lock(&T_Mutex);
    if (T_WsLen + len <= sizeof T_WsData) {
        memcpy(T_WsData + T_WsLen, p_data, len);
        T_WsLen += len;
    }
    pthread_mutex_unlock(&T_Mutex);
    return len;
}

static void ws_on_rx_complete(HTTPc_CONN_OBJ *c)
{
    (void)c;
    pthread_mutex_lock(&T_Mutex);
    T_WsRx++;
    pthread_mutex_unlock(&T_Mutex);
}

static void rest_then_websocket(const char *host, CPU_INT16U port, unsigned long big)
{
    HTTPc_ERR     err;
    CPU_BOOLEAN   ok;
    CPU_BOOLEAN   yes = DEF_YES;
    NET_PORT_NBR  p = port;
    HTTP_CONTENT_TYPE ctype = HTTP_CONTENT_TYPE_OCTET_STREAM;
    CPU_INT32U    len;
    int           i;
    int           all_ok = 1;
    char          want[32];

    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &p, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &yes, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)(uintptr_t)on_close, &err);
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, T_BUF_LEN, (CPU_CHAR *)host, (CPU_INT16U)strlen(host),
                        HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK, "aiohttp: open a persistent connection", "err %u", (unsigned)err);
    if (ok != DEF_OK) {
        return;
    }
    /* 100 keep-alive requests: the server counts them on its side of the connection. */
    for (i = 1; i <= 100 && all_ok; i++) {
        req_clear();
        ok = send_req(HTTP_METHOD_GET, "/count", HTTPc_FLAG_NONE, &err);
        snprintf(want, sizeof want, "%d", i);
        all_ok = ok == DEF_OK && body_is(want, strlen(want));
    }
    check(all_ok && T_Closed == 0, "aiohttp: 100 keep-alive requests on one connection",
          "request %d: ok %u err %u body '%.*s' closed %d", i - 1, (unsigned)ok, (unsigned)err,
          (int)T_BodyLen, (const char *)T_Body, T_Closed);

    /* A streamed download, chunked, through the 1 KiB buffer. */
    req_clear();
    snprintf(want, sizeof want, "/stream/%lu", big);
    ok = send_req(HTTP_METHOD_GET, want, HTTPc_FLAG_NONE, &err);
    {
        unsigned long sum = 0u, k;
        for (k = 0u; k < big; k++) {
            sum = (sum + (k % 251u)) & 0xFFFFFFFFul;
        }
        check(ok == DEF_OK && T_BodyTotal == big && T_BodySum == sum && T_BodyLast == 1,
              "aiohttp: a streamed download, every byte through the body hook",
              "ok %u err %u bytes %lu of %lu sum %lu of %lu last %d", (unsigned)ok, (unsigned)err,
              T_BodyTotal, big, T_BodySum, sum, T_BodyLast);
    }

    /* A streamed upload produced by the body hook, sized by Content-Length. */
    req_clear();
    T_GenLeft = big;
    T_GenAt = 0u;
    T_GenSum = 0u;
    len = (CPU_INT32U)big;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &len, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)(uintptr_t)on_body_gen, &err);
    ok = send_req(HTTP_METHOD_POST, "/sink", HTTPc_FLAG_NONE, &err);
    snprintf(want, sizeof want, "%lu %lu", big, T_GenSum);
    check(ok == DEF_OK && body_is(want, strlen(want)), "aiohttp: a streamed upload arrives whole",
          "ok %u err %u server '%.*s' sent '%s'", (unsigned)ok, (unsigned)err, (int)T_BodyLen,
          (const char *)T_Body, want);

    /* Then the WebSocket, on the same connection (what an earlier run through another server
     * recorded is forgotten first). */
    pthread_mutex_lock(&T_Mutex);
    T_WsOpen = 0;
    T_WsRx = 0;
    T_WsLen = 0u;
    pthread_mutex_unlock(&T_Mutex);
    HTTPc_WebSockClr(&Ws, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)(uintptr_t)ws_on_open, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT,
                          (void *)(uintptr_t)ws_on_rx_init, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,
                          (void *)(uintptr_t)ws_on_rx_data, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE,
                          (void *)(uintptr_t)ws_on_rx_complete, &err);
    req_clear();
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)"/ws", 3u, HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS && wait_ge(&T_WsOpen, 1),
          "aiohttp: the upgrade to WebSocket on the same connection", "ok %u err %u status %u",
          (unsigned)ok, (unsigned)err, (unsigned)Resp.StatusCode);
    HTTPc_WebSockMsgClr(&WsMsg, &err);
    ok = HTTPc_WebSockSend(&Conn, &WsMsg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"after REST",
                           10u, HTTPc_FLAG_NONE, &err);
    check(ok == DEF_OK && wait_ge(&T_WsRx, 1) && T_WsLen == 10u && memcmp(T_WsData, "after REST", 10u) == 0,
          "aiohttp: a WebSocket echo after the REST calls", "ok %u err %u got '%.*s'", (unsigned)ok,
          (unsigned)err, (int)T_WsLen, T_WsData);
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    check(err == HTTPc_ERR_NONE, "aiohttp: HTTPc_ConnClose", "err %u", (unsigned)err);
}

/* Faults: a reset in the middle of a body; a server that stops reading during an upload. */
static void faults(const char *host, CPU_INT16U port)
{
    HTTPc_ERR     err;
    CPU_BOOLEAN   ok;
    CPU_BOOLEAN   yes = DEF_YES;
    NET_PORT_NBR  p = port;
    CPU_INT32U    deadline = 2000u;
    HTTP_CONTENT_TYPE ctype = HTTP_CONTENT_TYPE_OCTET_STREAM;
    CPU_INT32U    len;
    unsigned long start;
    unsigned long k;
    int           prefix = 1;

    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &p, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &yes, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, &deadline, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)(uintptr_t)on_close, &err);
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, T_BUF_LEN, (CPU_CHAR *)host, (CPU_INT16U)strlen(host),
                        HTTPc_FLAG_NONE, &err);
    if (ok != DEF_OK) {
        check(0, "faults: open a connection", "err %u", (unsigned)err);
        return;
    }
    req_clear();
    ok = send_req(HTTP_METHOD_GET, "/reset", HTTPc_FLAG_NONE, &err);
    for (k = 0u; k < T_BodyLen; k++) {
        prefix &= T_Body[k] == (unsigned char)(k % 251u);
    }
    check(ok == DEF_FAIL && (err == HTTPc_ERR_CONN_SOCK_CLOSED || err == HTTPc_ERR_CONN_SOCK_RX_FATAL) &&
              prefix && T_BodyLen <= 1000u && wait_ge(&T_Closed, 1),
          "faults: a reset in the middle of a body fails the request, keeps what came, closes",
          "ok %u err %u body %zu prefix %d closed %d", (unsigned)ok, (unsigned)err, T_BodyLen,
          prefix, T_Closed);

    reset();
    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &p, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, &deadline, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)(uintptr_t)on_close, &err);
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, T_BUF_LEN, (CPU_CHAR *)host, (CPU_INT16U)strlen(host),
                        HTTPc_FLAG_NONE, &err);
    if (ok != DEF_OK) {
        check(0, "faults: open a second connection", "err %u", (unsigned)err);
        return;
    }
    req_clear();
    T_GenLeft = 64ul * 1048576ul; /* More than the socket buffers hold. */
    T_GenAt = 0u;
    T_GenSum = 0u;
    len = (CPU_INT32U)T_GenLeft;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &len, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)(uintptr_t)on_body_gen, &err);
    start = now_ms();
    ok = send_req(HTTP_METHOD_POST, "/stall", HTTPc_FLAG_NONE, &err);
    check(ok == DEF_FAIL && err == HTTPc_ERR_CONN_SIGNAL_TIMEOUT && now_ms() - start < 5000u &&
              wait_ge(&T_Closed, 1),
          "faults: a server that stops reading an upload: the transaction deadline ends it",
          "ok %u err %u after %lu ms, %lu bytes given, closed %d", (unsigned)ok, (unsigned)err,
          now_ms() - start, T_GenAt, T_Closed);
}

/* ---- A connection reopened from the hooks of its own close -------------------------------- */

static const char  *T_ReopenHost;
static NET_PORT_NBR T_ReopenPort;
static int          T_Connected;   /* OnConnect(DEF_OK) calls.                               */
static int          T_Reopened;    /* Reopens done from the connection's OnClose.            */
static int          T_ReopenArmed; /* The next OnClose reopens.                              */
static HTTPc_ERR    T_EarlyReopen; /* HTTPc_ConnOpen's answer in OnTransComplete(DEF_FAIL).  */

static CPU_BOOLEAN reopen_open(HTTPc_ERR *p_err);

/* The legacy reconnect: the connection's OnClose reopens it (once armed). */
static void reopen_on_close(HTTPc_CONN_OBJ *c, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    HTTPc_ERR open_err;
    int       armed;

    on_close(c, status, err);
    pthread_mutex_lock(&T_Mutex);
    armed = T_ReopenArmed;
    T_ReopenArmed = 0;
    pthread_mutex_unlock(&T_Mutex);
    if (armed && reopen_open(&open_err)) {
        pthread_mutex_lock(&T_Mutex);
        T_Reopened++;
        pthread_mutex_unlock(&T_Mutex);
    }
}

static void reopen_on_connect(HTTPc_CONN_OBJ *c, CPU_BOOLEAN ok)
{
    (void)c;
    pthread_mutex_lock(&T_Mutex);
    T_Connected += ok == DEF_OK;
    pthread_mutex_unlock(&T_Mutex);
}

/* Opens Conn (non-blocking, persistent) on the host and port of the reopen case. */
static CPU_BOOLEAN reopen_open(HTTPc_ERR *p_err)
{
    CPU_BOOLEAN yes = DEF_YES;

    HTTPc_ConnClr(&Conn, p_err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &T_ReopenPort, p_err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &yes, p_err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK,
                       (void *)(uintptr_t)reopen_on_close, p_err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK,
                       (void *)(uintptr_t)reopen_on_connect, p_err);
    (void)HTTPc_ConnOpen(&Conn, ConnBuf, T_BUF_LEN, (CPU_CHAR *)T_ReopenHost,
                         (CPU_INT16U)strlen(T_ReopenHost), HTTPc_FLAG_CONN_NO_BLOCK, p_err);
    return *p_err == HTTPc_ERR_NONE;
}

/* The request the close cut short tries to reopen the connection: refused, as in legacy (the
 * connection is in use until its own OnClose). */
static void reopen_on_complete(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_RESP_OBJ *resp,
                               CPU_BOOLEAN status)
{
    HTTPc_ERR err = HTTPc_ERR_NONE;

    on_complete(c, r, resp, status);
    if (status == DEF_FAIL) {
        (void)HTTPc_ConnOpen(&Conn, ConnBuf, T_BUF_LEN, (CPU_CHAR *)T_ReopenHost,
                             (CPU_INT16U)strlen(T_ReopenHost), HTTPc_FLAG_CONN_NO_BLOCK, &err);
        pthread_mutex_lock(&T_Mutex);
        T_EarlyReopen = err;
        pthread_mutex_unlock(&T_Mutex);
    }
}

/* HTTPc_ConnClose of a connection whose close hooks reopen it returns once the close is done,
 * not after its 1 s backstop (it waited for the connection to be idle, which the reopened one
 * never is). */
static void reopen_from_close(const char *host, CPU_INT16U port)
{
    HTTPc_ERR     err;
    CPU_BOOLEAN   ok;
    unsigned long start;
    unsigned long took;
    CPU_INT32U    len = 5u;
    HTTP_CONTENT_TYPE ctype = HTTP_CONTENT_TYPE_OCTET_STREAM;

    T_ReopenHost = host;
    T_ReopenPort = port;
    T_Connected = T_Reopened = 0;
    T_EarlyReopen = HTTPc_ERR_NONE;
    T_ReopenArmed = 0;
    reset();
    if (!reopen_open(&err) || !wait_ge(&T_Connected, 1)) {
        check(0, "reopen: open a connection", "err %u", (unsigned)err);
        return;
    }
    req_clear();
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK,
                      (void *)(uintptr_t)reopen_on_complete, &err);
    T_GenLeft = len;
    T_GenAt = 0u;
    T_GenSum = 0u;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &len, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)(uintptr_t)on_body_gen, &err);
    ok = send_req(HTTP_METHOD_POST, "/stall", HTTPc_FLAG_REQ_NO_BLOCK, &err);
    check(ok == DEF_FAIL && err == HTTPc_ERR_NONE, "reopen: POST /stall (non-blocking) is handed over",
          "ok %u err %u", (unsigned)ok, (unsigned)err);
    start = now_ms();
    while (now_ms() - start < 100u) {
        idle();
    }
    pthread_mutex_lock(&T_Mutex);
    T_ReopenArmed = 1;
    pthread_mutex_unlock(&T_Mutex);
    start = now_ms();
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    took = now_ms() - start;
    check(err == HTTPc_ERR_NONE && took < 500u && wait_ge(&T_Reopened, 1) && wait_ge(&T_Closed, 1) &&
              wait_ge(&T_Connected, 2),
          "reopen: HTTPc_ConnClose returns at once when the close's hooks reopen the connection",
          "err %u after %lu ms, reopened %d closed %d connected %d", (unsigned)err, took, T_Reopened,
          T_Closed, T_Connected);
    check(T_EarlyReopen == HTTPc_ERR_CONN_IS_USED,
          "reopen: refused from the request's OnTransComplete(DEF_FAIL), before the OnClose",
          "err %u", (unsigned)T_EarlyReopen);
    reset();
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    check(err == HTTPc_ERR_NONE && wait_ge(&T_Closed, 1) &&
              T_CloseStatus == HTTPc_CONN_CLOSE_STATUS_APP,
          "reopen: the reopened connection closes too", "err %u closed %d status %u",
          (unsigned)err, T_Closed, (unsigned)T_CloseStatus);
}

/* Parses HOST:PORT into `host` (at most `len` bytes with its NUL) and `*p_port`. */
static int parse_addr(const char *addr, char *host, size_t len, CPU_INT16U *p_port)
{
    const char *colon = strrchr(addr, ':');

    if (colon == NULL || (size_t)(colon - addr) >= len) {
        return 0;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    *p_port = (CPU_INT16U)atoi(colon + 1);
    return 1;
}

/* ---- Forms ------------------------------------------------------------------------------- */

#define T_EXT_LEN   3000u   /* A value from OnValTx, in 700-byte pieces.                     */
#define T_FILE_LEN  5000u   /* A file from OnFileTx, in 900-byte pieces.                     */
#define T_LONG_LEN  3000u   /* An urlencoded value longer than the connection buffer.        */

/* What a value hook gives: its data, and how far it got (the hooks run in the engine thread in
 * task mode: under the mutex). */
struct t_src {
    const unsigned char *data;
    size_t               len;
    size_t               pos;
    size_t               piece;
    int                  calls;
};

static struct t_src T_ExtSrc;
static struct t_src T_FileSrc;

static CPU_BOOLEAN give(struct t_src *s, CPU_CHAR *p_buf, CPU_INT16U buf_len, CPU_INT16U *p_len_wr)
{
    size_t      n;
    CPU_BOOLEAN done;

    pthread_mutex_lock(&T_Mutex);
    n = s->len - s->pos;
    if (n > s->piece) {
        n = s->piece;
    }
    if (n > buf_len) {
        n = buf_len;
    }
    memcpy(p_buf, s->data + s->pos, n);
    s->pos += n;
    s->calls++;
    *p_len_wr = (CPU_INT16U)n;
    done = (s->pos == s->len) ? DEF_YES : DEF_NO;
    pthread_mutex_unlock(&T_Mutex);
    return done;
}

static CPU_BOOLEAN on_val_tx(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_KEY_VAL_EXT *kv,
                             CPU_CHAR *p_buf, CPU_INT16U buf_len, CPU_INT16U *p_len_wr)
{
    (void)c;
    (void)r;
    (void)kv;
    return give(&T_ExtSrc, p_buf, buf_len, p_len_wr);
}

static CPU_BOOLEAN on_file_tx(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_MULTIPART_FILE *f,
                              CPU_CHAR *p_buf, CPU_INT16U buf_len, CPU_INT16U *p_len_wr)
{
    (void)c;
    (void)r;
    (void)f;
    return give(&T_FileSrc, p_buf, buf_len, p_len_wr);
}

/* Appends `len` bytes to `out` at `*at` (the expected answers are built with it). */
static void put(unsigned char *out, size_t *at, const void *p, size_t len)
{
    memcpy(out + *at, p, len);
    *at += len;
}

static void put_str(unsigned char *out, size_t *at, const char *s)
{
    put(out, at, s, strlen(s));
}

#define APP_FMT "user%20name=J%C3%B6hn%20%26%20co%3D1&empty="

static void forms(void)
{
    static HTTPc_KEY_VAL        kv[3];
    static HTTPc_KEY_VAL_EXT    ext;
    static HTTPc_MULTIPART_FILE file;
    static HTTPc_FORM_TBL_FIELD app_tbl[3];
    static HTTPc_FORM_TBL_FIELD mp_tbl[3];
    static CPU_CHAR             long_val[T_LONG_LEN];
    static unsigned char        ext_data[T_EXT_LEN];
    static unsigned char        file_data[T_FILE_LEN];
    static unsigned char        want[T_LONG_LEN + T_EXT_LEN + T_FILE_LEN + 256u];
    static char                 fmt[256];
    HTTPc_PARAM_TBL             tbl;
    HTTP_CONTENT_TYPE           ctype;
    HTTPc_ERR                   err;
    CPU_BOOLEAN                 ok;
    CPU_INT32U                  n;
    size_t                      at;
    size_t                      i;
    int                         len;

    /* An urlencoded form: characters legacy percent-encodes, an empty value, and a value of
     * 3000 bytes (about 4000 encoded) through the 1 KiB connection buffer. */
    kv[0].KeyPtr = (CPU_CHAR *)"user name";
    kv[0].KeyLen = 9u;
    kv[0].ValPtr = (CPU_CHAR *)"J\xc3\xb6hn & co=1";
    kv[0].ValLen = 12u;
    kv[1].KeyPtr = (CPU_CHAR *)"empty";
    kv[1].KeyLen = 5u;
    kv[1].ValPtr = (CPU_CHAR *)"";
    kv[1].ValLen = 0u;
    for (i = 0u; i < T_LONG_LEN; i++) {
        long_val[i] = (CPU_CHAR)((i % 7u == 6u) ? ' ' : (i % 11u == 10u) ? '&' : 'a' + (int)(i % 26u));
    }
    kv[2].KeyPtr = (CPU_CHAR *)"long";
    kv[2].KeyLen = 4u;
    kv[2].ValPtr = long_val;
    kv[2].ValLen = (CPU_INT16U)T_LONG_LEN;
    for (i = 0u; i < 3u; i++) {
        HTTPc_FormAddKeyVal(&app_tbl[i], &kv[i], &err);
    }
    if (err == HTTPc_ERR_FEATURE_DIS) {
        printf("# forms skipped: the library was built without forms (cargo feature form)\n");
        return;
    }
    check(err == HTTPc_ERR_NONE && app_tbl[2].Type == HTTPc_FORM_FIELD_TYPE_KEY_VAL &&
              app_tbl[2].FieldObjPtr == &kv[2],
          "HTTPc_FormAddKeyVal fills the table", "err %u", (unsigned)err);

    /* HTTPc_FormAppFmt writes what the request sends (the first two pairs). */
    n = HTTPc_FormAppFmt(fmt, (CPU_INT16U)sizeof fmt, app_tbl, 2u, &err);
    check(err == HTTPc_ERR_NONE && n == strlen(APP_FMT) && memcmp(fmt, APP_FMT, n) == 0,
          "HTTPc_FormAppFmt: legacy's percent-encoding", "err %u n %u '%.*s'", (unsigned)err,
          (unsigned)n, (int)n, fmt);

    if (!conn_open(DEF_YES)) {
        check(0, "open a persistent connection", "HTTPc_ConnOpen failed");
        return;
    }
    req_clear();
    ctype = HTTP_CONTENT_TYPE_APP_FORM;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    tbl.TblPtr = app_tbl;
    tbl.EntryNbr = 3u;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_FORM_TBL, &tbl, &err);
    check(err == HTTPc_ERR_NONE, "HTTPc_PARAM_TYPE_REQ_FORM_TBL", "err %u", (unsigned)err);
    ok = send_req(HTTP_METHOD_POST, "/form", HTTPc_FLAG_NONE, &err);
    at = 0u;
    put_str(want, &at, "app\nuser name=J\xc3\xb6hn & co=1\nempty=\nlong=");
    put(want, &at, long_val, T_LONG_LEN);
    put(want, &at, "\n", 1u);
    check(ok == DEF_OK && Resp.StatusCode == HTTP_STATUS_OK && body_is(want, at),
          "POST /form urlencoded (blocking): the server's parse_qsl gets every pair back",
          "ok %u err %u status %u body '%.*s'", (unsigned)ok, (unsigned)err,
          (unsigned)Resp.StatusCode, (int)(T_BodyLen < 200u ? T_BodyLen : 200u),
          (const char *)T_Body);

    /* A multipart form, non-blocking: a key/value pair, a 3000-byte value from OnValTx and a
     * 5000-byte file from OnFileTx, through the 1 KiB buffer. */
    for (i = 0u; i < T_EXT_LEN; i++) {
        ext_data[i] = (unsigned char)(i * 13u + 1u);
    }
    for (i = 0u; i < T_FILE_LEN; i++) {
        file_data[i] = (unsigned char)(i % 251u);
    }
    pthread_mutex_lock(&T_Mutex);
    T_ExtSrc.data = ext_data;
    T_ExtSrc.len = T_EXT_LEN;
    T_ExtSrc.pos = 0u;
    T_ExtSrc.piece = 700u;
    T_ExtSrc.calls = 0;
    T_FileSrc.data = file_data;
    T_FileSrc.len = T_FILE_LEN;
    T_FileSrc.pos = 0u;
    T_FileSrc.piece = 900u;
    T_FileSrc.calls = 0;
    pthread_mutex_unlock(&T_Mutex);
    kv[0].KeyPtr = (CPU_CHAR *)"field";
    kv[0].KeyLen = 5u;
    kv[0].ValPtr = (CPU_CHAR *)"value 1";
    kv[0].ValLen = 7u;
    ext.KeyPtr = (CPU_CHAR *)"ext";
    ext.KeyLen = 3u;
    ext.OnValTx = on_val_tx;
    ext.ValLen = T_EXT_LEN;
    file.NamePtr = (CPU_CHAR *)"upload";
    file.NameLen = 6u;
    file.FileNamePtr = (CPU_CHAR *)"data.bin";
    file.FileNameLen = 8u;
    file.FileLen = T_FILE_LEN;
    file.ContentType = HTTP_CONTENT_TYPE_OCTET_STREAM;
    file.OnFileTx = on_file_tx;
    HTTPc_FormAddKeyVal(&mp_tbl[0], &kv[0], &err);
    HTTPc_FormAddKeyValExt(&mp_tbl[1], &ext, &err);
    HTTPc_FormAddFile(&mp_tbl[2], &file, &err);
    check(err == HTTPc_ERR_NONE && mp_tbl[1].Type == HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT &&
              mp_tbl[2].Type == HTTPc_FORM_FIELD_TYPE_FILE,
          "HTTPc_FormAddKeyValExt, HTTPc_FormAddFile", "err %u", (unsigned)err);
    req_clear();
    ctype = HTTP_CONTENT_TYPE_MULTIPART_FORM;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    tbl.TblPtr = mp_tbl;
    tbl.EntryNbr = 3u;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_FORM_TBL, &tbl, &err);
    ok = send_req(HTTP_METHOD_POST, "/form", HTTPc_FLAG_REQ_NO_BLOCK, &err);
    check(ok == DEF_FAIL && err == HTTPc_ERR_NONE, "POST /form multipart (non-blocking) is handed over",
          "ok %u err %u", (unsigned)ok, (unsigned)err);
    at = 0u;
    put_str(want, &at, "multipart\nfield|-|-|7\nvalue 1\n");
    len = snprintf(fmt, sizeof fmt, "ext|-|-|%u\n", (unsigned)T_EXT_LEN);
    put(want, &at, fmt, (size_t)len);
    put(want, &at, ext_data, T_EXT_LEN);
    len = snprintf(fmt, sizeof fmt, "\nupload|data.bin|application/octet-stream|%u\n",
                   (unsigned)T_FILE_LEN);
    put(want, &at, fmt, (size_t)len);
    put(want, &at, file_data, T_FILE_LEN);
    put(want, &at, "\n", 1u);
    check(wait_ge(&T_DoneOk, 1) && Resp.StatusCode == HTTP_STATUS_OK && body_is(want, at),
          "OnTransComplete(DEF_OK): the server's multipart parse gets every part back",
          "done %d ok %d status %u body %zu '%.*s'", T_Done, T_DoneOk, (unsigned)Resp.StatusCode,
          T_BodyLen, (int)(T_BodyLen < 200u ? T_BodyLen : 200u), (const char *)T_Body);
    pthread_mutex_lock(&T_Mutex);
    check(T_ExtSrc.pos == T_EXT_LEN && T_ExtSrc.calls >= 5 && T_FileSrc.pos == T_FILE_LEN &&
              T_FileSrc.calls >= 6,
          "the value and file hooks gave everything, in pieces", "ext %zu/%d file %zu/%d",
          T_ExtSrc.pos, T_ExtSrc.calls, T_FileSrc.pos, T_FileSrc.calls);
    pthread_mutex_unlock(&T_Mutex);

    check(T_Closed == 0, "the persistent connection stayed open", "closed %d", T_Closed);
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
}

int main(int argc, char **argv)
{
    HTTPc_PORT port;
    HTTPc_ERR  err;
    const char *addr = NULL;
    const char *aio = NULL;
    const char *proxy = NULL;
    char        aio_host[64];
    char        proxy_host[64];
    CPU_INT16U  aio_port = 0u;
    CPU_INT16U  proxy_port = 0u;
    const char *big_env = getenv("HTTPC_WS_BIG_MIB");
    unsigned long big = (big_env != NULL ? strtoul(big_env, NULL, 10) : 10ul) * 1048576ul;
    int        i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--poll") == 0) {
            T_Poll = 1;
        } else if (strcmp(argv[i], "--task") == 0) {
            T_Poll = 0;
        } else if (addr == NULL) {
            addr = argv[i];
        } else if (aio == NULL) {
            aio = argv[i];
        } else {
            proxy = argv[i];
        }
    }
    if (proxy != NULL && strcmp(proxy, "-") == 0) {
        printf("# the part through nginx is skipped: nginx is not installed\n");
        proxy = NULL;
    }
    if (addr == NULL || !parse_addr(addr, Host, sizeof Host, &Port) ||
        (aio != NULL && !parse_addr(aio, aio_host, sizeof aio_host, &aio_port)) ||
        (proxy != NULL && !parse_addr(proxy, proxy_host, sizeof proxy_host, &proxy_port))) {
        fprintf(stderr, "usage: test_http_live [--task | --poll] HOST:PORT [HOST:AIO_PORT [HOST:NGINX_PORT]]\n");
        return 2;
    }
    printf("# test_http_live: mode %s, server http://%s:%u\n", T_Poll ? "poll" : "task", Host,
           (unsigned)Port);

    HTTPc_PortPosix_Get(&port, T_Poll ? DEF_NO : DEF_YES);
    HTTPc_PortSet(&port, &err);
    if (err == HTTPc_ERR_NONE) {
        HTTPc_Init(&T_Cfg, &T_TaskCfg, DEF_NULL, &err);
    }
    if (err != HTTPc_ERR_NONE) {
        printf("not ok 1 - HTTPc_PortSet + HTTPc_Init: err %u\n0 passed, 1 failed\n", (unsigned)err);
        return 1;
    }
    persistent_blocking();
    not_persistent_non_blocking();
    body_until_close();
    forms();
    if (aio != NULL) {
        T_Via = "aiohttp";
        rest_then_websocket(aio_host, aio_port, big);
        faults(aio_host, aio_port);
        reopen_from_close(aio_host, aio_port);
    }
    if (proxy != NULL) {
        T_Via = "nginx";
        rest_then_websocket(proxy_host, proxy_port, big);
        faults(proxy_host, proxy_port);
    }
    printf("%d passed, %d failed\n", T_Passed, T_Failed);
    return T_Failed == 0 ? 0 : 1;
}
