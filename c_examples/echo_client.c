/*
 * echo_client.c: WebSocket echo client on httpc-ws, with the example POSIX port.
 *
 *     echo_client [--poll] ws://HOST[:PORT][/PATH] [message ...]
 *
 * Connects, upgrades, then sends each message argument (or, with none, each line of stdin) as
 * a text message and waits up to 10 s for its echo, printing "> sent" and "< received". It
 * then sends a Close (1000 "bye"), waits for the closing handshake and prints
 * "closed: code N". Exits 0 when every echo matched and the close completed, 1 otherwise.
 *
 * By default the library runs its own engine task (a pthread created through the port). With
 * --poll there is no engine task: this program calls HTTPc_TaskHandler() from its wait loops,
 * and the blocking API calls drive the engine themselves.
 *
 * wss:// goes through the mbedTLS layer (ports/mbedtls) wrapped around the POSIX port, when the
 * example was built with it (CMake does so where mbedTLS is found): give the CA certificate(s)
 * that signed the server's certificate with --ca FILE (PEM). The server name checked and sent
 * as SNI is the URL's host.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nanosleep, clock_gettime under -std=c99 */
#endif

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http-c.h"
#include "http-c_websock.h"
#include "httpc_port_posix.h"
#ifdef ECHO_TLS
#include "httpc_port_mbedtls.h"
#endif

#define ECHO_TIMEOUT_MS      10000u    /* Wait for each echo, and for the close.               */
#define ECHO_CONN_BUF_LEN     4096u    /* The connection's working buffer (TX and RX).         */
#define ECHO_RX_BUF_LEN      65536u    /* Largest echo kept for the comparison.                */
#define ECHO_LINE_LEN_MAX    65536u    /* Largest stdin line.                                  */
#define ECHO_HOST_LEN_MAX      255u

/* ------------------------------------------------------------------------------------------ */
/* Library configuration                                                                      */
/* ------------------------------------------------------------------------------------------ */

static const HTTPc_CFG Echo_Cfg = {
    0u,        /* TaskDly_ms: none, the port's Wait sleeps until there is work.                */
    5u,        /* MsgQ_Size.                                                                   */
    5000u,     /* ConnConnectTimeout_ms.                                                       */
    30u,       /* ConnInactivityTimeout_s.                                                     */
    DEF_FALSE, /* ConnIsKeepAlive.                                                             */
};

static const HTTP_TASK_CFG Echo_TaskCfg = {
    20u,       /* Prio (ignored by the POSIX port).                                            */
    65536u,    /* StkSizeBytes (a minimum for the engine thread's stack).                      */
    NULL,      /* StkPtr: the port allocates the stack.                                        */
};

/* ------------------------------------------------------------------------------------------ */
/* State shared with the hooks (they run in the engine task, or inside HTTPc_TaskHandler())   */
/* ------------------------------------------------------------------------------------------ */

static pthread_mutex_t Echo_Mutex = PTHREAD_MUTEX_INITIALIZER;

static struct {
    int                      Opened;
    int                      RxDone;
    int                      WsClosed;
    int                      ConnClosed;
    HTTPc_WEBSOCK_MSG_TYPE   RxType;
    size_t                   RxLen;
    int                      RxOverflow;
    char                     RxBuf[ECHO_RX_BUF_LEN];
    HTTPc_WEBSOCK_CLOSE_CODE CloseCode;
    char                     CloseReason[HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN + 1u];
    HTTPc_CONN_CLOSE_STATUS  ConnCloseStatus;
    HTTPc_ERR                ConnCloseErr;
} Echo_State;

static HTTPc_CONN_OBJ        Echo_Conn;
static HTTPc_REQ_OBJ         Echo_Req;
static HTTPc_RESP_OBJ        Echo_Resp;
static HTTPc_WEBSOCK_OBJ     Echo_Ws;
static HTTPc_WEBSOCK_MSG_OBJ Echo_Msg;
static CPU_CHAR              Echo_ConnBuf[ECHO_CONN_BUF_LEN];

static int Echo_PollMode = 0;

static void Echo_Fail(const char *p_fmt, ...)
{
    va_list args;

    fputs("echo_client: error: ", stderr);
    va_start(args, p_fmt);
    vfprintf(stderr, p_fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

/* ------------------------------------------------------------------------------------------ */
/* Hooks                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void Echo_OnConnClose(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS close_status, HTTPc_ERR err)
{
    (void)p_conn;
    pthread_mutex_lock(&Echo_Mutex);
    Echo_State.ConnClosed      = 1;
    Echo_State.ConnCloseStatus = close_status;
    Echo_State.ConnCloseErr    = err;
    pthread_mutex_unlock(&Echo_Mutex);
}

static void Echo_OnOpen(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    pthread_mutex_lock(&Echo_Mutex);
    Echo_State.Opened = 1;
    pthread_mutex_unlock(&Echo_Mutex);
}

static void Echo_OnMsgRxInit(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, CPU_INT32U msg_len, void **p_data)
{
    (void)p_conn;
    (void)msg_len;
    *p_data = NULL;                              /* Streaming mode: data comes to OnMsgRxData. */
    pthread_mutex_lock(&Echo_Mutex);
    Echo_State.RxType     = msg_type;
    Echo_State.RxLen      = 0u;
    Echo_State.RxOverflow = 0;
    pthread_mutex_unlock(&Echo_Mutex);
}

static CPU_INT32U Echo_OnMsgRxData(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, void *p_data, CPU_INT16U data_len)
{
    size_t room;
    size_t n;

    (void)p_conn;
    (void)msg_type;
    pthread_mutex_lock(&Echo_Mutex);
    room = sizeof(Echo_State.RxBuf) - Echo_State.RxLen;
    n    = (data_len < room) ? data_len : room;
    memcpy(&Echo_State.RxBuf[Echo_State.RxLen], p_data, n);
    Echo_State.RxLen += n;
    if (n < data_len) {
        Echo_State.RxOverflow = 1;
    }
    pthread_mutex_unlock(&Echo_Mutex);
    return data_len;                             /* Everything taken.                          */
}

static void Echo_OnMsgRxComplete(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    pthread_mutex_lock(&Echo_Mutex);
    Echo_State.RxDone = 1;
    pthread_mutex_unlock(&Echo_Mutex);
}

static void Echo_OnPong(HTTPc_CONN_OBJ *p_conn, CPU_CHAR *p_data, CPU_INT16U data_len)
{
    (void)p_conn;
    printf("< pong (%u bytes): %.*s\n", (unsigned)data_len, (int)data_len, p_data);
    fflush(stdout);
}

static void Echo_OnErr(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    (void)p_conn;
    fprintf(stderr, "echo_client: WebSocket error %u\n", (unsigned)err);
}

static void Echo_OnWsClose(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE close_code, HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    size_t len = 0u;

    (void)p_conn;
    pthread_mutex_lock(&Echo_Mutex);
    if ((p_reason != NULL) && (p_reason->DataPtr != NULL)) {
        len = p_reason->Len;
        if (len > HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN) {
            len = HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN;
        }
        memcpy(Echo_State.CloseReason, p_reason->DataPtr, len);
    }
    Echo_State.CloseReason[len] = '\0';
    Echo_State.CloseCode        = close_code;
    Echo_State.WsClosed         = 1;
    pthread_mutex_unlock(&Echo_Mutex);
}

/* ------------------------------------------------------------------------------------------ */
/* Waiting                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static unsigned long Echo_NowMs(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((unsigned long)ts.tv_sec * 1000ul) + ((unsigned long)ts.tv_nsec / 1000000ul);
}

static void Echo_SleepMs(unsigned long ms)
{
    struct timespec ts;

    ts.tv_sec  = (time_t)(ms / 1000ul);
    ts.tv_nsec = (long)(ms % 1000ul) * 1000000L;
    while ((nanosleep(&ts, &ts) != 0) && (errno == EINTR)) {
        ;
    }
}

/* One idle step: run the engine when there is no engine task, then sleep a little. */
static void Echo_Idle(void)
{
    unsigned long ms = 5u;

    if (Echo_PollMode) {
        CPU_INT32U next_ms = HTTPc_TaskHandler();

        ms = (next_ms < 5u) ? (unsigned long)next_ms : 5u;
    }
    if (ms > 0u) {
        Echo_SleepMs(ms);
    }
}

/* Wait until *p_flag is set (by a hook), at most timeout_ms. */
static int Echo_WaitFlag(const int *p_flag, unsigned long timeout_ms)
{
    unsigned long start = Echo_NowMs();
    int           set;

    for (;;) {
        pthread_mutex_lock(&Echo_Mutex);
        set = *p_flag;
        pthread_mutex_unlock(&Echo_Mutex);
        if (set) {
            return 1;
        }
        if ((Echo_NowMs() - start) >= timeout_ms) {
            return 0;
        }
        Echo_Idle();
    }
}

/* ------------------------------------------------------------------------------------------ */
/* URL                                                                                        */
/* ------------------------------------------------------------------------------------------ */

static int         Echo_Secure;               /* wss:// */
static const char *Echo_CaPath;               /* --ca FILE */

static void Echo_ParseUrl(const char *p_url, char *p_host, size_t host_size, CPU_INT16U *p_port, const char **pp_path)
{
    const char   *p;
    const char   *p_host_end;
    const char   *p_next;
    size_t        host_len;
    unsigned long port = 80ul;

    if (strncmp(p_url, "wss://", 6u) == 0) {
#ifdef ECHO_TLS
        if (Echo_CaPath == NULL) {
            Echo_Fail("'%s': wss:// needs TLS trust anchors: give --ca FILE (PEM)", p_url);
        }
        Echo_Secure = 1;
        port        = 443ul;
        p           = p_url + 6;
#else
        Echo_Fail("'%s': wss:// needs TLS, and this build has no mbedTLS layer (ports/mbedtls; "
                  "apt-get install libmbedtls-dev and reconfigure), or use ws://", p_url);
#endif
    } else if (strncmp(p_url, "ws://", 5u) == 0) {
        p = p_url + 5;
    } else {
        Echo_Fail("'%s': the URL must start with ws:// or wss://", p_url);
        return;
    }

    if (*p == '[') {                             /* [IPv6 literal]                            */
        p_host_end = strchr(p, ']');
        if (p_host_end == NULL) {
            Echo_Fail("'%s': missing ']' after the IPv6 address", p_url);
        }
        p++;
        p_next = p_host_end + 1;
    } else {
        p_host_end = p + strcspn(p, ":/?#");
        p_next     = p_host_end;
    }
    host_len = (size_t)(p_host_end - p);
    if (host_len == 0u) {
        Echo_Fail("'%s': no host", p_url);
    }
    if (host_len >= host_size) {
        Echo_Fail("'%s': host name too long", p_url);
    }
    memcpy(p_host, p, host_len);
    p_host[host_len] = '\0';

    p = p_next;
    if (*p == ':') {
        char *p_end;

        p++;
        errno = 0;
        port  = strtoul(p, &p_end, 10);
        if ((p_end == p) || (errno != 0) || (port == 0ul) || (port > 65535ul) ||
            ((*p_end != '\0') && (*p_end != '/') && (*p_end != '?'))) {
            Echo_Fail("'%s': bad port", p_url);
        }
        p = p_end;
    }
    if ((*p != '\0') && (*p != '/') && (*p != '?')) {
        Echo_Fail("'%s': unexpected '%c' after the host", p_url, *p);
    }
    if (*p == '#') {
        Echo_Fail("'%s': fragments are not allowed in a WebSocket URL", p_url);
    }
    *p_port  = (CPU_INT16U)port;
    *pp_path = (*p == '\0') ? "/" : p;
}

/* ------------------------------------------------------------------------------------------ */
/* Exchange                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static void Echo_SendAndCheck(const char *p_text, size_t len)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    int         done;

    if (len > ECHO_RX_BUF_LEN) {
        Echo_Fail("message of %zu bytes is longer than the %u this client compares", len, ECHO_RX_BUF_LEN);
    }

    pthread_mutex_lock(&Echo_Mutex);             /* Reset before sending: the echo may beat   */
    Echo_State.RxDone     = 0;                   /* the return of HTTPc_WebSockSend().        */
    Echo_State.RxLen      = 0u;
    Echo_State.RxOverflow = 0;
    pthread_mutex_unlock(&Echo_Mutex);

    ok = HTTPc_WebSockSend(&Echo_Conn, &Echo_Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                           (CPU_CHAR *)p_text, (CPU_INT32U)len, HTTPc_FLAG_NONE, &err);
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        Echo_Fail("HTTPc_WebSockSend(text) failed: returned %u, err %u", (unsigned)ok, (unsigned)err);
    }
    printf("> %.*s\n", (int)len, p_text);
    fflush(stdout);

    done = Echo_WaitFlag(&Echo_State.RxDone, ECHO_TIMEOUT_MS);
    pthread_mutex_lock(&Echo_Mutex);
    if (!done) {
        pthread_mutex_unlock(&Echo_Mutex);
        Echo_Fail("no echo within %u ms", ECHO_TIMEOUT_MS);
    }
    printf("< %.*s\n", (int)Echo_State.RxLen, Echo_State.RxBuf);
    fflush(stdout);
    if (Echo_State.RxType != HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME) {
        unsigned type = (unsigned)Echo_State.RxType;

        pthread_mutex_unlock(&Echo_Mutex);
        Echo_Fail("the echo is not a text message (type %u)", type);
    }
    if (Echo_State.RxOverflow || (Echo_State.RxLen != len) ||
        (memcmp(Echo_State.RxBuf, p_text, len) != 0)) {
        size_t rx_len = Echo_State.RxLen;

        pthread_mutex_unlock(&Echo_Mutex);
        Echo_Fail("the echo differs from what was sent (%zu bytes sent, %zu received)", len, rx_len);
    }
    pthread_mutex_unlock(&Echo_Mutex);
}

#ifdef ECHO_TLS
/* Wraps *p_port (the POSIX port) in the mbedTLS layer, trusting the CA certificates of
 * --ca FILE, and replaces it with the wrapped port. */
static void Echo_TlsWrap(HTTPc_PORT *p_port)
{
    static HTTPc_PORT_TLS      tls;
    static HTTPc_PORT_TLS_SESS sessions[2];
    static unsigned char       ca[65536];
    HTTPc_PORT_TLS_CFG         cfg;
    HTTPc_PORT                 inner = *p_port;
    FILE                      *f     = fopen(Echo_CaPath, "rb");
    size_t                     n;
    int                        rc;

    if (f == NULL) {
        Echo_Fail("--ca %s: %s", Echo_CaPath, strerror(errno));
    }
    n = fread(ca, 1u, sizeof(ca) - 1u, f);
    (void)fclose(f);
    if ((n == 0u) || (n == sizeof(ca) - 1u)) {
        Echo_Fail("--ca %s: empty, or larger than %u bytes", Echo_CaPath, (unsigned)(sizeof(ca) - 1u));
    }
    ca[n] = '\0';                                /* PEM: the terminating NUL is counted.      */
    memset(&cfg, 0, sizeof cfg);
    cfg.InnerPortPtr = &inner;
    cfg.CaPtr        = ca;
    cfg.CaLen        = n + 1u;
    cfg.SessionsPtr  = sessions;
    cfg.NbrSessions  = (CPU_INT16U)(sizeof sessions / sizeof sessions[0]);
    rc = HTTPc_PortTls_Init(&tls, &cfg, p_port);
    if (rc != 0) {
        Echo_Fail("HTTPc_PortTls_Init failed: %d (-0x%04x)", rc, (unsigned)-rc);
    }
}
#endif

static void Echo_Usage(void)
{
    fprintf(stderr,
            "usage: echo_client [--poll] [--ca FILE] ws[s]://HOST[:PORT][/PATH] [message ...]\n"
            "  Sends each message (or each stdin line when there is none) as a text message,\n"
            "  prints the echo, then closes with 1000 \"bye\".\n"
            "  --poll     no engine task: drive the library with HTTPc_TaskHandler()\n"
            "  --ca FILE  wss://: the PEM CA certificate(s) the server's certificate must chain to\n");
}

int main(int argc, char **argv)
{
    HTTPc_PORT      port;
    HTTPc_ERR       err;
    CPU_BOOLEAN     ok;
    char            host[ECHO_HOST_LEN_MAX + 1u];
    CPU_INT16U      server_port;
    const char     *p_path;
    const char     *p_url = NULL;
    int             first_msg = argc;
    int             i;
    CPU_BOOLEAN     persistent = DEF_YES;
    CPU_CHAR        close_buf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    CPU_INT16U      close_len;
    int             closed;
    HTTPc_WEBSOCK_CLOSE_CODE close_code;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--poll") == 0) {
            Echo_PollMode = 1;
        } else if ((strcmp(argv[i], "--ca") == 0) && (i + 1 < argc)) {
            Echo_CaPath = argv[++i];
        } else if ((strcmp(argv[i], "-h") == 0) || (strcmp(argv[i], "--help") == 0)) {
            Echo_Usage();
            return 0;
        } else {
            p_url     = argv[i];
            first_msg = i + 1;
            break;
        }
    }
    if (p_url == NULL) {
        Echo_Usage();
        return 2;
    }
    Echo_ParseUrl(p_url, host, sizeof(host), &server_port, &p_path);
    if (strlen(p_path) > 0xFFFFu) {
        Echo_Fail("path too long");
    }

    /* ---------------------------------- PORT AND INIT ---------------------------------- */
    HTTPc_PortPosix_Get(&port, Echo_PollMode ? DEF_NO : DEF_YES);
#ifdef ECHO_TLS
    if (Echo_Secure) {
        Echo_TlsWrap(&port);                     /* port becomes the TLS layer around it.     */
    }
#endif
    HTTPc_PortSet(&port, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_PortSet failed: err %u", (unsigned)err);
    }
    HTTPc_Init(&Echo_Cfg, &Echo_TaskCfg, DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_Init failed: err %u", (unsigned)err);
    }

    /* ------------------------------------- OBJECTS ------------------------------------- */
    HTTPc_ConnClr(&Echo_Conn, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_ConnClr failed: err %u", (unsigned)err);
    }
    HTTPc_ReqClr(&Echo_Req, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_ReqClr failed: err %u", (unsigned)err);
    }
    HTTPc_WebSockClr(&Echo_Ws, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_WebSockClr failed: err %u", (unsigned)err);
    }
    HTTPc_WebSockMsgClr(&Echo_Msg, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_WebSockMsgClr failed: err %u", (unsigned)err);
    }

    HTTPc_ConnSetParam(&Echo_Conn, HTTPc_PARAM_TYPE_PERSISTENT, &persistent, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_ConnSetParam(PERSISTENT) failed: err %u", (unsigned)err);
    }
    if (Echo_Secure) {
        /* Makes the connection secure: the name checked against the certificate, and SNI. */
        HTTPc_ConnSetParam(&Echo_Conn, HTTPc_PARAM_TYPE_SECURE_COMMON_NAME, host, &err);
        if (err != HTTPc_ERR_NONE) {
            Echo_Fail("HTTPc_ConnSetParam(SECURE_COMMON_NAME) failed: err %u", (unsigned)err);
        }
    }
    HTTPc_ConnSetParam(&Echo_Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_ConnSetParam(SERVER_PORT) failed: err %u", (unsigned)err);
    }
    /* The legacy API passes callbacks through its void *p_param. */
    HTTPc_ConnSetParam(&Echo_Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)Echo_OnConnClose, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo_Fail("HTTPc_ConnSetParam(CONN_CLOSE_CALLBACK) failed: err %u", (unsigned)err);
    }

    {
        static const struct {
            HTTPc_PARAM_TYPE Type;
            const char      *Name;
        } hooks[] = {
            { HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN,           "ON_OPEN" },
            { HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT,    "ON_MSG_RX_INIT" },
            { HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,    "ON_MSG_RX_DATA" },
            { HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, "ON_MSG_RX_COMPLETE" },
            { HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG,           "ON_PONG" },
            { HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR,            "ON_ERR" },
            { HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE,          "ON_CLOSE" },
        };
        void *fns[sizeof(hooks) / sizeof(hooks[0])];
        size_t k;

        fns[0] = (void *)Echo_OnOpen;
        fns[1] = (void *)Echo_OnMsgRxInit;
        fns[2] = (void *)Echo_OnMsgRxData;
        fns[3] = (void *)Echo_OnMsgRxComplete;
        fns[4] = (void *)Echo_OnPong;
        fns[5] = (void *)Echo_OnErr;
        fns[6] = (void *)Echo_OnWsClose;
        for (k = 0u; k < sizeof(hooks) / sizeof(hooks[0]); k++) {
            HTTPc_WebSockSetParam(&Echo_Ws, hooks[k].Type, fns[k], &err);
            if (err != HTTPc_ERR_NONE) {
                Echo_Fail("HTTPc_WebSockSetParam(%s) failed: err %u", hooks[k].Name, (unsigned)err);
            }
        }
    }

    /* ------------------------------- CONNECT AND UPGRADE ------------------------------- */
    ok = HTTPc_ConnOpen(&Echo_Conn, Echo_ConnBuf, (CPU_INT16U)sizeof(Echo_ConnBuf),
                        host, (CPU_INT16U)strlen(host), HTTPc_FLAG_NONE, &err);
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        Echo_Fail("cannot connect to %s port %u: HTTPc_ConnOpen returned %u, err %u",
                  host, (unsigned)server_port, (unsigned)ok, (unsigned)err);
    }

    ok = HTTPc_WebSockUpgrade(&Echo_Conn, &Echo_Req, &Echo_Resp, &Echo_Ws,
                              (CPU_CHAR *)p_path, (CPU_INT16U)strlen(p_path), HTTPc_FLAG_NONE, &err);
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        Echo_Fail("HTTPc_WebSockUpgrade failed: returned %u, err %u", (unsigned)ok, (unsigned)err);
    }
    if (Echo_Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) {
        Echo_Fail("the server refused the upgrade (HTTP_STATUS_CODE index %u, not 101)",
                  (unsigned)Echo_Resp.StatusCode);
    }
    if (!Echo_WaitFlag(&Echo_State.Opened, ECHO_TIMEOUT_MS)) {   /* OnOpen may follow the return. */
        Echo_Fail("OnOpen was not called within %u ms of the upgrade", ECHO_TIMEOUT_MS);
    }
    printf("connected: %s://%s:%u%s%s\n", Echo_Secure ? "wss" : "ws", host, (unsigned)server_port,
           p_path, Echo_PollMode ? " (poll mode)" : "");
    fflush(stdout);

    /* ------------------------------------- MESSAGES ------------------------------------ */
    if (first_msg < argc) {
        for (i = first_msg; i < argc; i++) {
            Echo_SendAndCheck(argv[i], strlen(argv[i]));
        }
    } else {
        char *p_line = (char *)malloc(ECHO_LINE_LEN_MAX + 2u);

        if (p_line == NULL) {
            Echo_Fail("out of memory");
        }
        while (fgets(p_line, (int)(ECHO_LINE_LEN_MAX + 2u), stdin) != NULL) {
            size_t len = strlen(p_line);

            if ((len > 0u) && (p_line[len - 1u] == '\n')) {
                p_line[--len] = '\0';
            } else if (!feof(stdin)) {
                Echo_Fail("stdin line longer than %u bytes", ECHO_LINE_LEN_MAX);
            }
            if ((len > 0u) && (p_line[len - 1u] == '\r')) {
                p_line[--len] = '\0';
            }
            Echo_SendAndCheck(p_line, len);
        }
        free(p_line);
    }

    /* -------------------------------------- CLOSE -------------------------------------- */
    err       = HTTPc_ERR_NONE;                  /* The legacy call left it unset on success. */
    close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, "bye",
                                         close_buf, (CPU_INT16U)sizeof(close_buf), &err);
    if ((close_len == 0u) || (err != HTTPc_ERR_NONE)) {
        Echo_Fail("HTTPc_WebSockFmtCloseMsg failed: returned %u, err %u", (unsigned)close_len, (unsigned)err);
    }
    ok = HTTPc_WebSockSend(&Echo_Conn, &Echo_Msg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                           close_buf, close_len, HTTPc_FLAG_NONE, &err);
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        Echo_Fail("HTTPc_WebSockSend(close) failed: returned %u, err %u", (unsigned)ok, (unsigned)err);
    }

    if (!Echo_WaitFlag(&Echo_State.ConnClosed, ECHO_TIMEOUT_MS)) {
        Echo_Fail("the connection did not close within %u ms of our Close", ECHO_TIMEOUT_MS);
    }
    pthread_mutex_lock(&Echo_Mutex);
    closed     = Echo_State.WsClosed;
    close_code = Echo_State.CloseCode;
    if (closed) {
        printf("closed: code %u%s%s\n", (unsigned)close_code,
               (Echo_State.CloseReason[0] != '\0') ? " reason " : "", Echo_State.CloseReason);
    }
    pthread_mutex_unlock(&Echo_Mutex);
    fflush(stdout);
    if (!closed) {
        Echo_Fail("the connection closed without the WebSocket OnClose hook");
    }
    if (close_code != HTTPc_WEBSOCK_CLOSE_CODE_NORMAL) {
        Echo_Fail("the server closed with code %u, not 1000", (unsigned)close_code);
    }
    return 0;
}
