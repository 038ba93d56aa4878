/*
 * test_live.c: end-to-end checks of the httpc-ws C API against the real Python `websockets`
 * echo server (tests/servers/echo_server.py) on 127.0.0.1, through the example POSIX port.
 *
 *     test_live [--task | --poll] ws://127.0.0.1:PORT
 *
 * HTTPc_Init succeeds once per process and fixes the mode, so one run tests one mode:
 *   --task (default)  the library's engine task (a pthread created by the port's TaskCreate);
 *                     every hook runs in that thread
 *   --poll            no engine task: this program calls HTTPc_TaskHandler() from its wait
 *                     loops (and the blocking calls drive the engine themselves)
 *
 * Output: one line per check, "ok N - name" or "not ok N - name: details", then
 * "P passed, F failed". Exit status 0 only when every check passed.
 *
 * Every wait is bounded (nanosleep loop with a deadline); a wait that runs out fails its check.
 * Shared state written by the hooks is protected by one mutex, never held across an API call
 * (a hook may run in the engine thread while the test thread is inside the library).
 *
 * Run by ctest as: tests/c/run_with_echo_server.sh test_live --task ws://127.0.0.1:@PORT@
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nanosleep, clock_gettime under -std=c99 */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http-c.h"
#include "httpc_port_posix.h"

/* ------------------------------------------------------------------------------------------ */
/* Configuration                                                                              */
/* ------------------------------------------------------------------------------------------ */

#define LIVE_CONN_BUF_LEN      4096u          /* Connection buffer: large messages stream.    */
#define LIVE_MSG_MAX        1048576u          /* Largest echo (1 MiB).                        */
#define LIVE_RX_CAP   (LIVE_MSG_MAX + 64u)    /* Receive copy, with room to detect extra.     */
#define LIVE_NBR_SLOTS            3u          /* Simultaneous connections.                    */
#define LIVE_WAIT_MS          10000u          /* Default bound of every wait.                 */
#define LIVE_BIG_WAIT_MS      20000u          /* Bound for the 1 MiB echoes.                  */
#define LIVE_SETTLE_MS          200u          /* "Nothing more happens" observation window.   */
#define LIVE_USER_BUF_LEN        64u          /* Buffer handed back by OnMsgRxInit.           */
#define LIVE_USER_BUF_GUARD      16u          /* Guard bytes after it (must stay untouched).  */
#define LIVE_GUARD_BYTE        0xA5u
#define LIVE_MULTI_ROUNDS        50u

static const HTTPc_CFG Live_Cfg = {
    0u,        /* TaskDly_ms                                                                   */
    8u,        /* MsgQ_Size (also bounds concurrent upgrades)                                  */
    5000u,     /* ConnConnectTimeout_ms                                                        */
    30u,       /* ConnInactivityTimeout_s                                                      */
    DEF_FALSE, /* ConnIsKeepAlive                                                              */
};

static const HTTP_TASK_CFG Live_TaskCfg = {
    20u,       /* Prio (ignored by the POSIX port)                                             */
    65536u,    /* StkSizeBytes                                                                 */
    NULL,      /* StkPtr                                                                       */
};

/* ------------------------------------------------------------------------------------------ */
/* Shared state                                                                               */
/* ------------------------------------------------------------------------------------------ */

/* Everything the hooks record about one connection (protected by Live_Mutex). */
typedef struct live_ev {
    int                      ConnectN;        /* OnConnect calls                               */
    CPU_BOOLEAN              ConnectStatus;
    int                      ConnCloseN;      /* connection OnClose calls                      */
    HTTPc_CONN_CLOSE_STATUS  ConnCloseStatus;
    HTTPc_ERR                ConnCloseErr;
    unsigned                 ConnCloseSeq;
    int                      OpenN;           /* WebSocket OnOpen calls                        */
    int                      WsCloseN;        /* WebSocket OnClose calls                       */
    HTTPc_WEBSOCK_CLOSE_CODE WsCloseCode;
    char                     WsCloseReason[HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN + 1u];
    unsigned                 WsCloseReasonLen;
    unsigned                 WsCloseSeq;
    int                      ErrN;            /* WebSocket OnErr calls                         */
    HTTPc_ERR                LastErr;
    int                      PongN;
    char                     Pong[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN + 1u];
    unsigned                 PongLen;
    int                      RxInitN;         /* OnMsgRxInit calls                             */
    int                      RxCompleteN;     /* OnMsgRxComplete calls                         */
    int                      RxDataN;         /* OnMsgRxData calls                             */
    HTTPc_WEBSOCK_MSG_TYPE   RxType;          /* type given to OnMsgRxInit                     */
    CPU_INT32U               RxInitLen;       /* msg_len given to OnMsgRxInit                  */
    int                      RxTypeMismatch;  /* OnMsgRxData with another type than RxInit's   */
    unsigned                 RxMaxChunk;
    size_t                   RxLen;           /* bytes copied to RxBuf                         */
    int                      RxOverflow;
    int                      ProtoHdrN;       /* Sec-WebSocket-Protocol seen by RESP_HDR_HOOK  */
    char                     ProtoHdr[64];
    unsigned                 ProtoHdrLen;
    int                      TransCompleteN;
    int                      TransErrN;
} LIVE_EV;

/* Completions of one message object. */
typedef struct live_tx {
    int         N;
    CPU_BOOLEAN Status;
    pthread_t   Thread;                       /* where the last completion ran                 */
} LIVE_TX;

/* One connection with its objects. */
typedef struct live_slot {
    unsigned              Idx;
    HTTPc_CONN_OBJ        Conn;
    HTTPc_REQ_OBJ         Req;
    HTTPc_RESP_OBJ        Resp;
    HTTPc_WEBSOCK_OBJ     Ws;
    HTTPc_WEBSOCK_MSG_OBJ Msg;                /* data messages                                 */
    HTTPc_WEBSOCK_MSG_OBJ CtlMsg;             /* control messages (ping, close)                */
    CPU_CHAR              ConnBuf[LIVE_CONN_BUF_LEN];
    CPU_CHAR              CtlBuf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    int                   Opened;             /* ConnOpen succeeded; not yet seen closing      */
    unsigned char        *TxBuf;              /* LIVE_MSG_MAX bytes                            */
    /* Written by the hooks (Live_Mutex): */
    LIVE_EV               Ev;
    LIVE_TX               MsgTx;
    LIVE_TX               CtlTx;
    unsigned char        *RxBuf;              /* LIVE_RX_CAP bytes                             */
    unsigned char        *RxUserBuf;          /* non-NULL: OnMsgRxInit selects buffer mode     */
    int                   FragCalls;          /* OnMsgTxData calls (fragmented send)           */
    int                   FragBadLen;
} LIVE_SLOT;

static pthread_mutex_t Live_Mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned        Live_Seq;              /* event order (Live_Mutex)                      */
static LIVE_SLOT       Live_Slots[LIVE_NBR_SLOTS];
static int             Live_PollMode;
static CPU_CHAR        Live_Host[64];
static NET_PORT_NBR    Live_Port;

static char Live_Detail[1024];
static int  Live_DetailSet;

#define LOCK()   (void)pthread_mutex_lock(&Live_Mutex)
#define UNLOCK() (void)pthread_mutex_unlock(&Live_Mutex)

/* A check's assertion: record the first failure (with the line) and fail the check. */
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            Live_Fail(__LINE__, __VA_ARGS__);                                                  \
            return 0;                                                                          \
        }                                                                                      \
    } while (0)

#if defined(__GNUC__)
static void Live_Fail(int line, const char *p_fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
static void Live_Fail(int line, const char *p_fmt, ...)
{
    va_list args;
    int     n;

    if (Live_DetailSet) {
        return;
    }
    Live_DetailSet = 1;
    n = snprintf(Live_Detail, sizeof(Live_Detail), "line %d: ", line);
    if ((n < 0) || ((size_t)n >= sizeof(Live_Detail))) {
        return;
    }
    va_start(args, p_fmt);
    (void)vsnprintf(&Live_Detail[n], sizeof(Live_Detail) - (size_t)n, p_fmt, args);
    va_end(args);
}

/* A hook as the legacy API's void *p_param (ISO C has no function-to-object pointer cast). */
typedef void (*LIVE_FN)(void);
static void *Live_Fn(LIVE_FN fn)
{
    void *p;

    memcpy(&p, &fn, sizeof(p));
    return p;
}
#define FN(f) Live_Fn((LIVE_FN)(f))

/* ------------------------------------------------------------------------------------------ */
/* Hooks                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static LIVE_SLOT *Live_SlotOf(HTTPc_CONN_OBJ *p_conn)
{
    return (LIVE_SLOT *)p_conn->UserDataPtr;
}

static void Live_OnConnect(HTTPc_CONN_OBJ *p_conn, CPU_BOOLEAN open_status)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    LOCK();
    s->Ev.ConnectN++;
    s->Ev.ConnectStatus = open_status;
    UNLOCK();
}

static void Live_OnConnClose(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS close_status, HTTPc_ERR err)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    LOCK();
    s->Ev.ConnCloseN++;
    s->Ev.ConnCloseStatus = close_status;
    s->Ev.ConnCloseErr    = err;
    s->Ev.ConnCloseSeq    = ++Live_Seq;
    UNLOCK();
}

static void Live_OnTransComplete(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_RESP_OBJ *p_resp, CPU_BOOLEAN status)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    (void)p_req;
    (void)p_resp;
    (void)status;
    LOCK();
    s->Ev.TransCompleteN++;
    UNLOCK();
}

static void Live_OnTransErr(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_ERR err)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    (void)p_req;
    (void)err;
    LOCK();
    s->Ev.TransErrN++;
    UNLOCK();
}

static void Live_OnRespHdr(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTP_HDR_FIELD hdr_field,
                           CPU_CHAR *p_hdr_val, CPU_INT16U val_len)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);
    size_t     n = val_len;

    (void)p_req;
    if (hdr_field != HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL) {
        return;
    }
    if (n >= sizeof(s->Ev.ProtoHdr)) {
        n = sizeof(s->Ev.ProtoHdr) - 1u;
    }
    LOCK();
    s->Ev.ProtoHdrN++;
    if ((p_hdr_val != NULL) && (n > 0u)) {
        memcpy(s->Ev.ProtoHdr, p_hdr_val, n);
    }
    s->Ev.ProtoHdr[n]  = '\0';
    s->Ev.ProtoHdrLen  = val_len;
    UNLOCK();
}

static void Live_OnOpen(HTTPc_CONN_OBJ *p_conn)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    LOCK();
    s->Ev.OpenN++;
    UNLOCK();
}

static void Live_OnWsClose(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE close_code, HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    LIVE_SLOT *s   = Live_SlotOf(p_conn);
    size_t     len = 0u;

    LOCK();
    if ((p_reason != NULL) && (p_reason->DataPtr != NULL)) {
        len = p_reason->Len;
        if (len > HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN) {
            len = HTTPc_WEBSOCK_MAX_CLOSE_REASON_LEN;
        }
        memcpy(s->Ev.WsCloseReason, p_reason->DataPtr, len);
    }
    s->Ev.WsCloseReason[len] = '\0';
    s->Ev.WsCloseReasonLen   = (p_reason != NULL) ? p_reason->Len : 0u;
    s->Ev.WsCloseCode        = close_code;
    s->Ev.WsCloseN++;
    s->Ev.WsCloseSeq = ++Live_Seq;
    UNLOCK();
}

static void Live_OnErr(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    LOCK();
    s->Ev.ErrN++;
    s->Ev.LastErr = err;
    UNLOCK();
}

static void Live_OnPong(HTTPc_CONN_OBJ *p_conn, CPU_CHAR *p_data, CPU_INT16U data_len)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);
    size_t     n = data_len;

    if (n > HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN) {
        n = HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN;
    }
    LOCK();
    s->Ev.PongN++;
    if ((p_data != NULL) && (n > 0u)) {
        memcpy(s->Ev.Pong, p_data, n);
    }
    s->Ev.Pong[n]  = '\0';
    s->Ev.PongLen  = data_len;
    UNLOCK();
}

static void Live_OnMsgRxInit(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, CPU_INT32U msg_len, void **p_data)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    LOCK();
    s->Ev.RxInitN++;
    s->Ev.RxType    = msg_type;
    s->Ev.RxInitLen = msg_len;
    s->Ev.RxLen     = 0u;
    /* Buffer mode only for a message that fits (the library trusts us for msg_len bytes, or
     * for the configured maximum when the length is not known). */
    if ((s->RxUserBuf != NULL) &&
        ((msg_len == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED) || (msg_len <= LIVE_USER_BUF_LEN))) {
        *p_data = s->RxUserBuf;
    } else {
        *p_data = NULL;
    }
    UNLOCK();
}

static CPU_INT32U Live_OnMsgRxData(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, void *p_data, CPU_INT16U data_len)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);
    size_t     room;
    size_t     n;

    LOCK();
    s->Ev.RxDataN++;
    if (msg_type != s->Ev.RxType) {
        s->Ev.RxTypeMismatch++;
    }
    if (data_len > s->Ev.RxMaxChunk) {
        s->Ev.RxMaxChunk = data_len;
    }
    room = LIVE_RX_CAP - s->Ev.RxLen;
    n    = (data_len < room) ? data_len : room;
    if (n > 0u) {
        memcpy(&s->RxBuf[s->Ev.RxLen], p_data, n);
    }
    s->Ev.RxLen += n;
    if (n < data_len) {
        s->Ev.RxOverflow = 1;
    }
    UNLOCK();
    return data_len;
}

static void Live_OnMsgRxComplete(HTTPc_CONN_OBJ *p_conn)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);

    LOCK();
    s->Ev.RxCompleteN++;
    UNLOCK();
}

/* 1: the control message's completion queues the slot's data message (non-blocking), once;
 * 2: it sends the control message itself again (non-blocking), once. */
static int Live_ChainArmed;

static void Live_OnMsgTxComplete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN status)
{
    LIVE_TX   *t = (LIVE_TX *)p_msg->UserDataPtr;
    LIVE_SLOT *s = Live_SlotOf(p_conn);
    HTTPc_ERR  err;

    if (t == NULL) {
        return;
    }
    LOCK();
    t->N++;
    t->Status = status;
    t->Thread = pthread_self();
    UNLOCK();
    if (p_msg == &s->CtlMsg) {
        switch (__atomic_exchange_n(&Live_ChainArmed, 0, __ATOMIC_SEQ_CST)) {
        case 1:
            (void)HTTPc_WebSockSend(p_conn, &s->Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)s->TxBuf, 7u,
                                    HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
            break;
        case 2:
            (void)HTTPc_WebSockSend(p_conn, &s->CtlMsg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, s->CtlBuf, 5u,
                                    HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
            break;
        default:
            break;
        }
    }
}

static const char *const Live_FragChunks[3] = { "alpha-", "beta-", "gamma" };

static CPU_INT32U Live_OnMsgTxData(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_CHAR *p_buf, CPU_INT32U buf_len)
{
    LIVE_SLOT *s = Live_SlotOf(p_conn);
    int        idx;
    size_t     len;

    (void)p_msg;
    LOCK();
    idx = s->FragCalls++;
    UNLOCK();
    if (idx >= 3) {
        return 0u;                               /* end of the message                        */
    }
    len = strlen(Live_FragChunks[idx]);
    if (len > buf_len) {
        LOCK();
        s->FragBadLen++;
        UNLOCK();
        return 0u;
    }
    memcpy(p_buf, Live_FragChunks[idx], len);
    return (CPU_INT32U)len;
}

/* ------------------------------------------------------------------------------------------ */
/* Waiting                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static unsigned long Live_NowMs(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((unsigned long)ts.tv_sec * 1000ul) + ((unsigned long)ts.tv_nsec / 1000000ul);
}

static void Live_SleepMs(unsigned long ms)
{
    struct timespec ts;

    ts.tv_sec  = (time_t)(ms / 1000ul);
    ts.tv_nsec = (long)(ms % 1000ul) * 1000000L;
    while ((nanosleep(&ts, &ts) != 0) && (errno == EINTR)) {
        ;
    }
}

/* One idle step: run an engine pass when there is no engine task, then sleep a little. */
static void Live_Idle(void)
{
    unsigned long ms = 1u;

    if (Live_PollMode) {
        CPU_INT32U next_ms = HTTPc_TaskHandler();

        ms = (next_ms < 2u) ? (unsigned long)next_ms : 2u;
    }
    if (ms > 0u) {
        Live_SleepMs(ms);
    }
}

/* Wait until *p >= target (a counter written by a hook), at most timeout_ms. */
static int Live_WaitGe(const int *p, int target, unsigned long timeout_ms)
{
    unsigned long start = Live_NowMs();
    int           v;

    for (;;) {
        LOCK();
        v = *p;
        UNLOCK();
        if (v >= target) {
            return 1;
        }
        if ((Live_NowMs() - start) >= timeout_ms) {
            return 0;
        }
        Live_Idle();
    }
}

/* Let the engine run for ms (to see that nothing more happens). */
static void Live_Settle(unsigned long ms)
{
    unsigned long start = Live_NowMs();

    while ((Live_NowMs() - start) < ms) {
        Live_Idle();
    }
}

static void Live_Snap(LIVE_SLOT *s, LIVE_EV *p_ev)
{
    LOCK();
    *p_ev = s->Ev;
    UNLOCK();
}

/* ------------------------------------------------------------------------------------------ */
/* Connections                                                                                */
/* ------------------------------------------------------------------------------------------ */

static void Live_ResetRx(LIVE_SLOT *s)
{
    LOCK();
    s->Ev.RxInitN        = 0;
    s->Ev.RxCompleteN    = 0;
    s->Ev.RxDataN        = 0;
    s->Ev.RxType         = 0u;
    s->Ev.RxInitLen      = 0u;
    s->Ev.RxTypeMismatch = 0;
    s->Ev.RxMaxChunk     = 0u;
    s->Ev.RxLen          = 0u;
    s->Ev.RxOverflow     = 0;
    s->MsgTx.N           = 0;
    s->MsgTx.Status      = DEF_FAIL;
    s->CtlTx.N           = 0;
    s->CtlTx.Status      = DEF_FAIL;
    UNLOCK();
}

/* Close a connection still open from an earlier (failed) check. */
static void Live_Cleanup(LIVE_SLOT *s)
{
    HTTPc_ERR err;
    LIVE_EV   ev;

    if (!s->Opened) {
        return;
    }
    Live_Snap(s, &ev);
    if (ev.ConnCloseN == 0) {
        HTTPc_ConnClose(&s->Conn, HTTPc_FLAG_NONE, &err);
        if (!Live_WaitGe(&s->Ev.ConnCloseN, 1, LIVE_WAIT_MS)) {
            fprintf(stderr, "# cleanup: connection %u did not report OnClose\n", s->Idx);
        }
    }
    s->Opened = 0;
}

static void Live_CleanupAll(void)
{
    unsigned i;

    for (i = 0u; i < LIVE_NBR_SLOTS; i++) {
        Live_Cleanup(&Live_Slots[i]);
    }
}

/* Clear every object of the slot, reset the recorded events, set every hook. */
static int Live_Prepare(LIVE_SLOT *s, NET_PORT_NBR port)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN persistent = DEF_YES;
    size_t      k;
    static const HTTPc_PARAM_TYPE ws_types[] = {
        HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN,
        HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE,
        HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR,
        HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG,
        HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT,
        HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,
        HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE,
    };
    void *ws_fns[sizeof(ws_types) / sizeof(ws_types[0])];

    Live_Cleanup(s);

    LOCK();
    memset(&s->Ev, 0, sizeof(s->Ev));
    s->MsgTx.N      = 0;
    s->CtlTx.N      = 0;
    s->RxUserBuf    = NULL;
    s->FragCalls    = 0;
    s->FragBadLen   = 0;
    UNLOCK();

    s->Conn.UserDataPtr = s;
    HTTPc_ConnClr(&s->Conn, &err);
    CHECK(err == HTTPc_ERR_NONE, "HTTPc_ConnClr: err %u", (unsigned)err);
    CHECK(s->Conn.UserDataPtr == s, "HTTPc_ConnClr did not keep UserDataPtr");
    HTTPc_ReqClr(&s->Req, &err);
    CHECK(err == HTTPc_ERR_NONE, "HTTPc_ReqClr: err %u", (unsigned)err);
    HTTPc_WebSockClr(&s->Ws, &err);
    CHECK(err == HTTPc_ERR_NONE, "HTTPc_WebSockClr: err %u", (unsigned)err);
    HTTPc_WebSockMsgClr(&s->Msg, &err);
    CHECK(err == HTTPc_ERR_NONE, "HTTPc_WebSockMsgClr: err %u", (unsigned)err);
    HTTPc_WebSockMsgClr(&s->CtlMsg, &err);
    CHECK(err == HTTPc_ERR_NONE, "HTTPc_WebSockMsgClr: err %u", (unsigned)err);
    memset(&s->Resp, 0, sizeof(s->Resp));

    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err);
    CHECK(err == HTTPc_ERR_NONE, "ConnSetParam(SERVER_PORT): err %u", (unsigned)err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_PERSISTENT, &persistent, &err);
    CHECK(err == HTTPc_ERR_NONE, "ConnSetParam(PERSISTENT): err %u", (unsigned)err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, FN(Live_OnConnClose), &err);
    CHECK(err == HTTPc_ERR_NONE, "ConnSetParam(CONN_CLOSE_CALLBACK): err %u", (unsigned)err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, FN(Live_OnConnect), &err);
    CHECK(err == HTTPc_ERR_NONE, "ConnSetParam(CONN_CONNECT_CALLBACK): err %u", (unsigned)err);

    HTTPc_ReqSetParam(&s->Req, HTTPc_PARAM_TYPE_RESP_HDR_HOOK, FN(Live_OnRespHdr), &err);
    CHECK(err == HTTPc_ERR_NONE, "ReqSetParam(RESP_HDR_HOOK): err %u", (unsigned)err);
    HTTPc_ReqSetParam(&s->Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, FN(Live_OnTransComplete), &err);
    CHECK(err == HTTPc_ERR_NONE, "ReqSetParam(TRANS_COMPLETE_CALLBACK): err %u", (unsigned)err);
    HTTPc_ReqSetParam(&s->Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, FN(Live_OnTransErr), &err);
    CHECK(err == HTTPc_ERR_NONE, "ReqSetParam(TRANS_ERR_CALLBACK): err %u", (unsigned)err);

    ws_fns[0] = FN(Live_OnOpen);
    ws_fns[1] = FN(Live_OnWsClose);
    ws_fns[2] = FN(Live_OnErr);
    ws_fns[3] = FN(Live_OnPong);
    ws_fns[4] = FN(Live_OnMsgRxInit);
    ws_fns[5] = FN(Live_OnMsgRxData);
    ws_fns[6] = FN(Live_OnMsgRxComplete);
    for (k = 0u; k < sizeof(ws_types) / sizeof(ws_types[0]); k++) {
        HTTPc_WebSockSetParam(&s->Ws, ws_types[k], ws_fns[k], &err);
        CHECK(err == HTTPc_ERR_NONE, "WebSockSetParam(%u): err %u", (unsigned)ws_types[k], (unsigned)err);
    }

    HTTPc_WebSockMsgSetParam(&s->Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, &s->MsgTx, &err);
    CHECK(err == HTTPc_ERR_NONE, "WebSockMsgSetParam(USER_DATA): err %u", (unsigned)err);
    HTTPc_WebSockMsgSetParam(&s->Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, FN(Live_OnMsgTxComplete), &err);
    CHECK(err == HTTPc_ERR_NONE, "WebSockMsgSetParam(ON_TX_COMPLETE): err %u", (unsigned)err);
    HTTPc_WebSockMsgSetParam(&s->CtlMsg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, &s->CtlTx, &err);
    CHECK(err == HTTPc_ERR_NONE, "WebSockMsgSetParam(USER_DATA): err %u", (unsigned)err);
    HTTPc_WebSockMsgSetParam(&s->CtlMsg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, FN(Live_OnMsgTxComplete), &err);
    CHECK(err == HTTPc_ERR_NONE, "WebSockMsgSetParam(ON_TX_COMPLETE): err %u", (unsigned)err);
    CHECK(s->Msg.UserDataPtr == &s->MsgTx, "MSG_USER_DATA did not set UserDataPtr");
    return 1;
}

/* Blocking connect to the echo server. */
static int Live_Connect(LIVE_SLOT *s)
{
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;

    ok = HTTPc_ConnOpen(&s->Conn, s->ConnBuf, (CPU_INT16U)sizeof(s->ConnBuf),
                        Live_Host, (CPU_INT16U)strlen(Live_Host), HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE),
          "HTTPc_ConnOpen(%s:%u): returned %u, err %u", Live_Host, (unsigned)Live_Port, (unsigned)ok, (unsigned)err);
    s->Opened = 1;
    return 1;
}

/* Blocking upgrade on `path`; expects 101 and OnOpen. */
static int Live_Upgrade(LIVE_SLOT *s, const char *path)
{
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    LIVE_EV     ev;

    ok = HTTPc_WebSockUpgrade(&s->Conn, &s->Req, &s->Resp, &s->Ws, (CPU_CHAR *)path,
                              (CPU_INT16U)strlen(path), HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE),
          "HTTPc_WebSockUpgrade(%s): returned %u, err %u", path, (unsigned)ok, (unsigned)err);
    CHECK(s->Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS,
          "upgrade %s: StatusCode index %u, expected %u (101)", path,
          (unsigned)s->Resp.StatusCode, (unsigned)HTTP_STATUS_SWITCHING_PROTOCOLS);
    CHECK(Live_WaitGe(&s->Ev.OpenN, 1, LIVE_WAIT_MS), "upgrade %s: OnOpen not called within %u ms", path, LIVE_WAIT_MS);
    Live_Snap(s, &ev);
    CHECK(ev.OpenN == 1, "upgrade %s: OnOpen called %d times", path, ev.OpenN);
    return 1;
}

static int Live_OpenWs(LIVE_SLOT *s, const char *path)
{
    if (!Live_Prepare(s, Live_Port)) {
        return 0;
    }
    if (!Live_Connect(s)) {
        return 0;
    }
    return Live_Upgrade(s, path);
}

/* Is the slot an open WebSocket with nothing gone wrong? */
static int Live_IsHealthy(LIVE_SLOT *s)
{
    LIVE_EV ev;

    if (!s->Opened) {
        return 0;
    }
    Live_Snap(s, &ev);
    return (ev.OpenN == 1) && (ev.ConnCloseN == 0) && (ev.WsCloseN == 0) && (ev.ErrN == 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Content                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Random-ish bytes: any byte for binary; for text, valid UTF-8 mixing 1- to 4-byte sequences
 * (so that multi-byte characters straddle the receive chunks). Exactly len bytes. */
static void Live_Gen(unsigned char *p, size_t len, uint32_t seed, int text)
{
    uint32_t x = (seed * 2654435761u) ^ 0x9E3779B9u;
    size_t   i = 0u;

    while (i < len) {
        uint32_t r;
        size_t   left = len - i;

        x = (x * 1103515245u) + 12345u;
        r = x >> 8;
        if (!text) {
            p[i++] = (unsigned char)(r & 0xFFu);
        } else if (((r & 15u) == 0u) && (left >= 3u)) {          /* U+20AC € */
            p[i++] = 0xE2u;
            p[i++] = 0x82u;
            p[i++] = 0xACu;
        } else if (((r & 15u) == 1u) && (left >= 2u)) {          /* U+00E9 é */
            p[i++] = 0xC3u;
            p[i++] = 0xA9u;
        } else if (((r & 15u) == 2u) && (left >= 4u)) {          /* U+1F600 */
            p[i++] = 0xF0u;
            p[i++] = 0x9Fu;
            p[i++] = 0x98u;
            p[i++] = 0x80u;
        } else {
            p[i++] = (unsigned char)(0x20u + ((r >> 4) % 95u));
        }
    }
}

static const char *Live_TypeName(HTTPc_WEBSOCK_MSG_TYPE t)
{
    switch (t) {
    case HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME: return "text";
    case HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME: return "binary";
    default:                              return "other";
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Echo of one message, verified                                                              */
/* ------------------------------------------------------------------------------------------ */

/* Prepare s->TxBuf and the receive state for one echo of len bytes. */
static void Live_EchoArm(LIVE_SLOT *s, HTTPc_WEBSOCK_MSG_TYPE type, size_t len, uint32_t seed)
{
    Live_Gen(s->TxBuf, len, seed, type == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME);
    Live_ResetRx(s);
}

static int Live_EchoSend(LIVE_SLOT *s, HTTPc_WEBSOCK_MSG_TYPE type, size_t len, int no_block)
{
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;

    ok = HTTPc_WebSockSend(&s->Conn, &s->Msg, type, (CPU_CHAR *)s->TxBuf, (CPU_INT32U)len,
                           no_block ? HTTPc_FLAG_WEBSOCK_NO_BLOCK : HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "conn %u: HTTPc_WebSockSend(%s, %zu B, %s): returned %u, err %u",
          s->Idx, Live_TypeName(type), len, no_block ? "NO_BLOCK" : "blocking", (unsigned)ok, (unsigned)err);
    return 1;
}

/* After the echo arrived: exactly one message of the right type, length and bytes, and exactly
 * one successful completion of the send. */
static int Live_EchoVerify(LIVE_SLOT *s, HTTPc_WEBSOCK_MSG_TYPE type, size_t len, const char *what)
{
    LIVE_EV ev;
    LIVE_TX tx;
    size_t  diff = 0u;
    int     same;

    LOCK();
    ev = s->Ev;
    tx = s->MsgTx;
    same = (ev.RxLen == len) && ((len == 0u) || (memcmp(s->RxBuf, s->TxBuf, len) == 0));
    if (!same) {
        size_t n = (ev.RxLen < len) ? ev.RxLen : len;

        while ((diff < n) && (s->RxBuf[diff] == s->TxBuf[diff])) {
            diff++;
        }
    }
    UNLOCK();

    CHECK(ev.ErrN == 0, "%s: OnErr called (err %u)", what, (unsigned)ev.LastErr);
    CHECK((ev.WsCloseN == 0) && (ev.ConnCloseN == 0), "%s: connection closed (WebSocket code %u, conn status %u err %u)",
          what, (unsigned)ev.WsCloseCode, (unsigned)ev.ConnCloseStatus, (unsigned)ev.ConnCloseErr);
    CHECK((ev.RxInitN == 1) && (ev.RxCompleteN == 1), "%s: %d OnMsgRxInit / %d OnMsgRxComplete calls, expected 1/1",
          what, ev.RxInitN, ev.RxCompleteN);
    CHECK(ev.RxType == type, "%s: echo came back as %s (type %u), sent %s", what, Live_TypeName(ev.RxType),
          (unsigned)ev.RxType, Live_TypeName(type));
    CHECK(ev.RxTypeMismatch == 0, "%s: OnMsgRxData got another type than OnMsgRxInit", what);
    CHECK(ev.RxInitLen == (CPU_INT32U)len, "%s: OnMsgRxInit msg_len %lu, expected %zu (single frame)", what,
          (unsigned long)ev.RxInitLen, len);
    CHECK(!ev.RxOverflow && (ev.RxLen == len), "%s: received %zu bytes, sent %zu", what, ev.RxLen, len);
    CHECK(same, "%s: echo differs from what was sent at byte %zu", what, diff);
    CHECK(ev.RxMaxChunk <= LIVE_CONN_BUF_LEN, "%s: OnMsgRxData chunk of %u bytes, larger than the %u-byte connection buffer",
          what, ev.RxMaxChunk, LIVE_CONN_BUF_LEN);
    CHECK((len <= LIVE_CONN_BUF_LEN) || (ev.RxDataN > 1), "%s: %zu bytes in %d OnMsgRxData calls", what, len, ev.RxDataN);
    CHECK(tx.N == 1, "%s: OnMsgTxComplete called %d times, expected exactly 1", what, tx.N);
    CHECK(tx.Status == DEF_OK, "%s: OnMsgTxComplete status %u, expected DEF_OK", what, (unsigned)tx.Status);
    return 1;
}

static int Live_Echo(LIVE_SLOT *s, HTTPc_WEBSOCK_MSG_TYPE type, size_t len, int no_block, uint32_t seed)
{
    unsigned long timeout = (len > 65536u) ? LIVE_BIG_WAIT_MS : LIVE_WAIT_MS;
    LIVE_EV       ev;

    Live_EchoArm(s, type, len, seed);
    if (!Live_EchoSend(s, type, len, no_block)) {
        return 0;
    }
    if (!Live_WaitGe(&s->Ev.RxCompleteN, 1, timeout)) {
        Live_Snap(s, &ev);
        CHECK(0, "no complete echo within %lu ms (OnMsgRxInit %d, OnMsgRxData %d, %zu of %zu bytes, OnErr %d err %u, "
                 "closed %d)", timeout, ev.RxInitN, ev.RxDataN, ev.RxLen, len, ev.ErrN, (unsigned)ev.LastErr, ev.ConnCloseN);
    }
    CHECK(Live_WaitGe(&s->MsgTx.N, 1, LIVE_WAIT_MS), "OnMsgTxComplete not called within %u ms", LIVE_WAIT_MS);
    Live_Settle(10u);                            /* a second completion would show up here    */
    return Live_EchoVerify(s, type, len, "echo");
}

/* ------------------------------------------------------------------------------------------ */
/* Checks                                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef struct live_echo_arg {
    HTTPc_WEBSOCK_MSG_TYPE Type;
    size_t                 Len;
    int                    NoBlock;
} LIVE_ECHO_ARG;

/* Echo of one size, on a connection kept open across the series (reopened if broken). */
static int Check_EchoSize(const void *p_arg)
{
    const LIVE_ECHO_ARG *a = (const LIVE_ECHO_ARG *)p_arg;
    LIVE_SLOT           *s = &Live_Slots[0];

    if (!Live_IsHealthy(s)) {
        if (!Live_OpenWs(s, "/echo")) {
            return 0;
        }
    }
    return Live_Echo(s, a->Type, a->Len, a->NoBlock, (uint32_t)(a->Len * 7u + a->Type + (a->NoBlock ? 1000u : 0u)));
}

/* Fragmented send: payload_len NOT_DEFINED, OnMsgTxData gives 3 chunks then 0. */
static int Check_FragmentedSend(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    const char *expect = "alpha-beta-gamma";
    size_t      len = strlen(expect);
    int         frag_calls;
    int         frag_bad;

    (void)p_arg;
    if (!Live_OpenWs(s, "/echo")) {
        return 0;
    }
    HTTPc_WebSockMsgSetParam(&s->Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA, FN(Live_OnMsgTxData), &err);
    CHECK(err == HTTPc_ERR_NONE, "WebSockMsgSetParam(ON_TX_DATA): err %u", (unsigned)err);
    Live_ResetRx(s);
    memcpy(s->TxBuf, expect, len);               /* what the echo is compared with            */

    ok = HTTPc_WebSockSend(&s->Conn, &s->Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, NULL,
                           HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED, HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "HTTPc_WebSockSend(fragmented): returned %u, err %u",
          (unsigned)ok, (unsigned)err);
    CHECK(Live_WaitGe(&s->Ev.RxCompleteN, 1, LIVE_WAIT_MS), "no echo within %u ms", LIVE_WAIT_MS);
    CHECK(Live_WaitGe(&s->MsgTx.N, 1, LIVE_WAIT_MS), "OnMsgTxComplete not called within %u ms", LIVE_WAIT_MS);
    Live_Settle(10u);
    LOCK();
    frag_calls = s->FragCalls;
    frag_bad   = s->FragBadLen;
    UNLOCK();
    CHECK(frag_bad == 0, "OnMsgTxData offered a buffer too small for a 6-byte chunk");
    CHECK(frag_calls == 4, "OnMsgTxData called %d times, expected 4 (3 chunks, then 0)", frag_calls);
    return Live_EchoVerify(s, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, len, "fragmented echo");
}

/* Fill the user buffer and its guard. */
static void Live_UserBufArm(unsigned char *buf)
{
    memset(buf, (int)LIVE_GUARD_BYTE, LIVE_USER_BUF_LEN + LIVE_USER_BUF_GUARD);
}

static int Live_UserBufVerify(const unsigned char *buf, const char *expect)
{
    size_t len = strlen(expect);
    size_t i;

    CHECK(memcmp(buf, expect, len) == 0, "buffer holds \"%.*s\", expected \"%s\"", (int)len, (const char *)buf, expect);
    for (i = len; i < LIVE_USER_BUF_LEN + LIVE_USER_BUF_GUARD; i++) {
        CHECK(buf[i] == LIVE_GUARD_BYTE, "byte %zu of the buffer written (0x%02x) past the %zu-byte message%s", i,
              (unsigned)buf[i], len, (i >= LIVE_USER_BUF_LEN) ? " and past the buffer's end" : "");
    }
    return 1;
}

static unsigned char Live_UserBuf[LIVE_USER_BUF_LEN + LIVE_USER_BUF_GUARD];

/* Buffer mode, single frame: OnMsgRxInit hands a buffer; no OnMsgRxData. */
static int Check_RxBufferSingle(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    const char *msg = "hello, buffer mode";
    size_t      len = strlen(msg);
    LIVE_EV     ev;

    (void)p_arg;
    if (!Live_Prepare(s, Live_Port)) {
        return 0;
    }
    Live_UserBufArm(Live_UserBuf);
    LOCK();
    s->RxUserBuf = Live_UserBuf;
    UNLOCK();
    if (!Live_Connect(s) || !Live_Upgrade(s, "/echo")) {
        return 0;
    }
    Live_ResetRx(s);
    memcpy(s->TxBuf, msg, len);
    ok = HTTPc_WebSockSend(&s->Conn, &s->Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)s->TxBuf,
                           (CPU_INT32U)len, HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "HTTPc_WebSockSend: returned %u, err %u", (unsigned)ok, (unsigned)err);
    CHECK(Live_WaitGe(&s->Ev.RxCompleteN, 1, LIVE_WAIT_MS), "no OnMsgRxComplete within %u ms", LIVE_WAIT_MS);
    Live_Settle(10u);
    Live_Snap(s, &ev);
    CHECK(ev.ErrN == 0, "OnErr called (err %u)", (unsigned)ev.LastErr);
    CHECK((ev.RxInitN == 1) && (ev.RxCompleteN == 1), "%d OnMsgRxInit / %d OnMsgRxComplete, expected 1/1",
          ev.RxInitN, ev.RxCompleteN);
    CHECK(ev.RxType == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, "message type %u, expected text", (unsigned)ev.RxType);
    CHECK(ev.RxInitLen == (CPU_INT32U)len, "OnMsgRxInit msg_len %lu, expected %zu", (unsigned long)ev.RxInitLen, len);
    CHECK(ev.RxDataN == 0, "OnMsgRxData called %d times in buffer mode", ev.RxDataN);
    LOCK();
    ok = (CPU_BOOLEAN)Live_UserBufVerify(Live_UserBuf, msg);
    UNLOCK();
    return ok;
}

/* Buffer mode, the server's 3-frame message on /fragmented. */
static int Check_RxBufferFragmented(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_INT32U  max_len = LIVE_USER_BUF_LEN;
    LIVE_EV     ev;
    int         ok;

    (void)p_arg;
    if (!Live_Prepare(s, Live_Port)) {
        return 0;
    }
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX, &max_len, &err);
    CHECK(err == HTTPc_ERR_NONE, "WebSockSetParam(RX_MSG_LEN_MAX): err %u", (unsigned)err);
    Live_UserBufArm(Live_UserBuf);
    LOCK();
    s->RxUserBuf = Live_UserBuf;
    UNLOCK();
    if (!Live_Connect(s) || !Live_Upgrade(s, "/fragmented")) {
        return 0;
    }
    CHECK(Live_WaitGe(&s->Ev.RxCompleteN, 1, LIVE_WAIT_MS), "no OnMsgRxComplete within %u ms", LIVE_WAIT_MS);
    Live_Settle(10u);
    Live_Snap(s, &ev);
    CHECK(ev.ErrN == 0, "OnErr called (err %u)", (unsigned)ev.LastErr);
    CHECK((ev.WsCloseN == 0) && (ev.ConnCloseN == 0), "connection closed (WebSocket code %u)", (unsigned)ev.WsCloseCode);
    CHECK((ev.RxInitN == 1) && (ev.RxCompleteN == 1), "%d OnMsgRxInit / %d OnMsgRxComplete, expected 1/1",
          ev.RxInitN, ev.RxCompleteN);
    CHECK(ev.RxType == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, "message type %u, expected text", (unsigned)ev.RxType);
    CHECK(ev.RxInitLen == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED,
          "OnMsgRxInit msg_len %lu for a fragmented message, expected HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED",
          (unsigned long)ev.RxInitLen);
    CHECK(ev.RxDataN == 0, "OnMsgRxData called %d times in buffer mode", ev.RxDataN);
    LOCK();
    ok = Live_UserBufVerify(Live_UserBuf, "frag-ment-ed");
    UNLOCK();
    return ok;
}

/* Application ping "abc" -> OnPong("abc"). */
static int Check_PingPong(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    LIVE_EV     ev;
    LIVE_TX     tx;

    (void)p_arg;
    if (!Live_OpenWs(s, "/echo")) {
        return 0;
    }
    Live_ResetRx(s);
    memcpy(s->CtlBuf, "abc", 3u);
    ok = HTTPc_WebSockSend(&s->Conn, &s->CtlMsg, HTTPc_WEBSOCK_MSG_TYPE_PING, s->CtlBuf, 3u, HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "HTTPc_WebSockSend(PING): returned %u, err %u", (unsigned)ok, (unsigned)err);
    CHECK(Live_WaitGe(&s->Ev.PongN, 1, LIVE_WAIT_MS), "OnPong not called within %u ms", LIVE_WAIT_MS);
    Live_Settle(50u);
    LOCK();
    ev = s->Ev;
    tx = s->CtlTx;
    UNLOCK();
    CHECK(ev.PongN == 1, "OnPong called %d times", ev.PongN);
    CHECK((ev.PongLen == 3u) && (memcmp(ev.Pong, "abc", 3u) == 0), "OnPong payload \"%s\" (%u bytes), expected \"abc\"",
          ev.Pong, ev.PongLen);
    CHECK((tx.N == 1) && (tx.Status == DEF_OK), "ping: OnMsgTxComplete called %d times, status %u", tx.N, (unsigned)tx.Status);
    CHECK(ev.ErrN == 0, "OnErr called (err %u)", (unsigned)ev.LastErr);
    CHECK(ev.RxInitN == 0, "a data message arrived (%d OnMsgRxInit)", ev.RxInitN);
    return 1;
}

/* /server-ping: the server pings right after open; the library pongs by itself. */
static int Check_ServerPing(const void *p_arg)
{
    LIVE_SLOT *s = &Live_Slots[0];
    LIVE_EV    ev;

    (void)p_arg;
    if (!Live_OpenWs(s, "/server-ping")) {
        return 0;
    }
    /* The server's ping precedes the echo on the wire: once the echo is in, the ping was read. */
    if (!Live_Echo(s, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 32u, 0, 4242u)) {
        return 0;
    }
    Live_Settle(LIVE_SETTLE_MS);
    Live_Snap(s, &ev);
    CHECK((ev.WsCloseN == 0) && (ev.ConnCloseN == 0), "connection closed after the server's ping (code %u, status %u)",
          (unsigned)ev.WsCloseCode, (unsigned)ev.ConnCloseStatus);
    CHECK(ev.ErrN == 0, "OnErr called (err %u)", (unsigned)ev.LastErr);
    CHECK(ev.PongN == 0, "OnPong called for the server's ping (%d)", ev.PongN);
    return Live_Echo(s, HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, 300u, 0, 4243u);
}

/* /subprotocol with Sec-WebSocket-Protocol: chat from an HTTPc_HDR table. */
static CPU_CHAR     Live_ChatVal[] = "chat";
static HTTPc_HDR    Live_ChatHdr;
static HTTPc_PARAM_TBL Live_ChatTbl;

static int Check_Subprotocol(const void *p_arg)
{
    LIVE_SLOT *s = &Live_Slots[0];
    HTTPc_ERR  err = 0u;
    LIVE_EV    ev;

    (void)p_arg;
    if (!Live_Prepare(s, Live_Port)) {
        return 0;
    }
    Live_ChatHdr.HdrField = HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL;
    Live_ChatHdr.ValPtr   = Live_ChatVal;
    Live_ChatHdr.ValLen   = (CPU_INT16U)strlen(Live_ChatVal);
    Live_ChatTbl.TblPtr   = &Live_ChatHdr;
    Live_ChatTbl.EntryNbr = 1u;
    HTTPc_ReqSetParam(&s->Req, HTTPc_PARAM_TYPE_REQ_HDR_TBL, &Live_ChatTbl, &err);
    CHECK(err == HTTPc_ERR_NONE, "ReqSetParam(REQ_HDR_TBL): err %u", (unsigned)err);
    if (!Live_Connect(s) || !Live_Upgrade(s, "/subprotocol")) {
        return 0;
    }
    Live_Snap(s, &ev);
    CHECK(ev.ProtoHdrN == 1, "RESP_HDR_HOOK saw Sec-WebSocket-Protocol %d times, expected once", ev.ProtoHdrN);
    CHECK((ev.ProtoHdrLen == 4u) && (strcmp(ev.ProtoHdr, "chat") == 0), "RESP_HDR_HOOK saw \"%s\" (%u bytes), expected \"chat\"",
          ev.ProtoHdr, ev.ProtoHdrLen);
    return Live_Echo(s, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 10u, 0, 77u);
}

/* /reject: 403; the blocking upgrade still returns DEF_OK (legacy), no OnOpen. */
static int Check_Reject(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    LIVE_EV     ev;

    (void)p_arg;
    if (!Live_Prepare(s, Live_Port) || !Live_Connect(s)) {
        return 0;
    }
    ok = HTTPc_WebSockUpgrade(&s->Conn, &s->Req, &s->Resp, &s->Ws, (CPU_CHAR *)"/reject", 7u, HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "HTTPc_WebSockUpgrade(/reject): returned %u, err %u, expected DEF_OK, NONE",
          (unsigned)ok, (unsigned)err);
    CHECK(s->Resp.StatusCode == HTTP_STATUS_FORBIDDEN, "StatusCode index %u, expected %u (HTTP_STATUS_FORBIDDEN)",
          (unsigned)s->Resp.StatusCode, (unsigned)HTTP_STATUS_FORBIDDEN);
    Live_Settle(LIVE_SETTLE_MS);
    Live_Snap(s, &ev);
    CHECK(ev.OpenN == 0, "OnOpen called %d times for a refused upgrade", ev.OpenN);
    CHECK(ev.WsCloseN == 0, "WebSocket OnClose called for a refused upgrade (code %u)", (unsigned)ev.WsCloseCode);
    /* The server's refusal says "Connection: close": the library closes the connection after
     * the transaction, OnClose(NO_PERSISTENT) as legacy's response parser set it; it is
     * released then. */
    CHECK(Live_WaitGe(&s->Ev.ConnCloseN, 1, LIVE_WAIT_MS), "connection OnClose not called within %u ms", LIVE_WAIT_MS);
    s->Opened = 0;
    Live_Snap(s, &ev);
    CHECK(ev.ConnCloseStatus == HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT,
          "connection OnClose status %u, expected NO_PERSISTENT (%u)", (unsigned)ev.ConnCloseStatus,
          (unsigned)HTTPc_CONN_CLOSE_STATUS_NO_PERSISTENT);
    HTTPc_ConnClose(&s->Conn, HTTPc_FLAG_NONE, &err);
    CHECK(err == HTTPc_ERR_CONN_IS_RELEASED, "HTTPc_ConnClose after the server's close: err %u, expected %u",
          (unsigned)err, (unsigned)HTTPc_ERR_CONN_IS_RELEASED);
    CHECK(ev.WsCloseN == 0, "WebSocket OnClose called for a refused upgrade (code %u)", (unsigned)ev.WsCloseCode);
    return 1;
}

/* Expect WebSocket OnClose(code[, reason]) then connection OnClose(status, NONE), once each. */
static int Live_ExpectClosed(LIVE_SLOT *s, HTTPc_WEBSOCK_CLOSE_CODE code, const char *reason, HTTPc_CONN_CLOSE_STATUS status)
{
    LIVE_EV ev;

    CHECK(Live_WaitGe(&s->Ev.ConnCloseN, 1, LIVE_WAIT_MS), "connection OnClose not called within %u ms", LIVE_WAIT_MS);
    s->Opened = 0;
    Live_Settle(20u);
    Live_Snap(s, &ev);
    CHECK(ev.WsCloseN == 1, "WebSocket OnClose called %d times, expected 1", ev.WsCloseN);
    CHECK(ev.ConnCloseN == 1, "connection OnClose called %d times, expected 1", ev.ConnCloseN);
    CHECK(ev.WsCloseCode == code, "WebSocket OnClose code %u, expected %u", (unsigned)ev.WsCloseCode, (unsigned)code);
    if (reason != NULL) {
        CHECK((ev.WsCloseReasonLen == strlen(reason)) && (strcmp(ev.WsCloseReason, reason) == 0),
              "WebSocket OnClose reason \"%s\" (%u bytes), expected \"%s\"", ev.WsCloseReason, ev.WsCloseReasonLen, reason);
    }
    CHECK(ev.WsCloseSeq < ev.ConnCloseSeq, "connection OnClose came before the WebSocket OnClose");
    CHECK(ev.ConnCloseStatus == status, "connection OnClose status %u, expected %u", (unsigned)ev.ConnCloseStatus,
          (unsigned)status);
    CHECK(ev.ConnCloseErr == HTTPc_ERR_NONE, "connection OnClose err %u, expected HTTPc_ERR_NONE", (unsigned)ev.ConnCloseErr);
    return 1;
}

/* Clean close from the client: Close 1000 "bye". */
static int Check_ClientClose(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    CPU_INT16U  len;
    LIVE_EV     ev;

    (void)p_arg;
    if (!Live_OpenWs(s, "/echo")) {
        return 0;
    }
    len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"bye", s->CtlBuf,
                                   (CPU_INT16U)sizeof(s->CtlBuf), &err);
    CHECK((len == 5u) && (err == HTTPc_ERR_NONE), "HTTPc_WebSockFmtCloseMsg: returned %u, err %u", (unsigned)len, (unsigned)err);
    ok = HTTPc_WebSockSend(&s->Conn, &s->CtlMsg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, s->CtlBuf, len, HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "HTTPc_WebSockSend(CLOSE): returned %u, err %u", (unsigned)ok, (unsigned)err);
    if (!Live_ExpectClosed(s, HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, NULL, HTTPc_CONN_CLOSE_STATUS_NONE)) {
        return 0;
    }
    Live_Snap(s, &ev);
    CHECK(ev.ErrN == 0, "OnErr called (err %u)", (unsigned)ev.LastErr);
    return 1;
}

/* Clean close from the server: /close-after-first. */
static int Check_ServerClose(const void *p_arg)
{
    LIVE_SLOT *s = &Live_Slots[0];
    LIVE_EV    ev;
    int        same;

    (void)p_arg;
    if (!Live_OpenWs(s, "/close-after-first")) {
        return 0;
    }
    Live_EchoArm(s, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 20u, 99u);
    if (!Live_EchoSend(s, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 20u, 0)) {
        return 0;
    }
    CHECK(Live_WaitGe(&s->Ev.RxCompleteN, 1, LIVE_WAIT_MS), "no echo within %u ms", LIVE_WAIT_MS);
    LOCK();
    ev   = s->Ev;
    same = (ev.RxLen == 20u) && (memcmp(s->RxBuf, s->TxBuf, 20u) == 0);
    UNLOCK();
    CHECK(same, "echo differs (%zu bytes)", ev.RxLen);
    if (!Live_ExpectClosed(s, HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, "bye", HTTPc_CONN_CLOSE_STATUS_NONE)) {
        return 0;
    }
    Live_Snap(s, &ev);
    CHECK(ev.ErrN == 0, "OnErr called (err %u)", (unsigned)ev.LastErr);
    return 1;
}

/* HTTPc_ConnClose on an open WebSocket: OnClose(1006), then connection OnClose(APP). */
static int Check_ConnCloseOpen(const void *p_arg)
{
    LIVE_SLOT *s = &Live_Slots[0];
    HTTPc_ERR  err = 0u;

    (void)p_arg;
    if (!Live_OpenWs(s, "/echo")) {
        return 0;
    }
    if (!Live_Echo(s, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 5u, 0, 5u)) {
        return 0;
    }
    HTTPc_ConnClose(&s->Conn, HTTPc_FLAG_NONE, &err);
    CHECK(err == HTTPc_ERR_NONE, "HTTPc_ConnClose: err %u", (unsigned)err);
    return Live_ExpectClosed(s, HTTPc_WEBSOCK_CLOSE_CODE_ABNORMAL_CLOSURE, NULL, HTTPc_CONN_CLOSE_STATUS_APP);
}

/* The POSIX port's Wait, wrapped: once armed, the engine task is held up 1.5 s after the wake
 * that brought it out (starved by higher-priority work, as on a busy RTOS). Task mode only. */
static HTTPc_PORT Live_RealPort;
static int        Live_StallArmed;

static void Live_StallingWait(void *p_ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr_entries,
                              CPU_INT32U timeout_ms)
{
    Live_RealPort.Wait(p_ctx, p_entries, nbr_entries, timeout_ms);
    if (__atomic_exchange_n(&Live_StallArmed, 0, __ATOMIC_SEQ_CST) != 0) {
        Live_Settle(1500u);
    }
}

/* HTTPc_ConnClose (blocking) while the engine task is held up past the call's 1 s wait: the
 * call says so (HTTPc_ERR_CONN_SIGNAL_TIMEOUT: the objects are still in use), and the close
 * comes when the engine runs again, OnClose with it. Returning HTTPc_ERR_NONE there let an
 * application free objects the engine was about to use. */
static int Check_ConnCloseStalledEngine(const void *p_arg)
{
    LIVE_SLOT *s = &Live_Slots[0];
    HTTPc_ERR  err = 0u;
    LIVE_EV    ev;

    (void)p_arg;
    if (Live_PollMode) {
        return 1;                                /* no engine task to hold up                 */
    }
    if (!Live_OpenWs(s, "/echo")) {
        return 0;
    }
    __atomic_store_n(&Live_StallArmed, 1, __ATOMIC_SEQ_CST);
    HTTPc_ConnClose(&s->Conn, HTTPc_FLAG_NONE, &err);
    Live_Snap(s, &ev);
    CHECK(err == HTTPc_ERR_CONN_SIGNAL_TIMEOUT, "HTTPc_ConnClose with the engine held up: err %u, expected "
          "HTTPc_ERR_CONN_SIGNAL_TIMEOUT (%u)", (unsigned)err, (unsigned)HTTPc_ERR_CONN_SIGNAL_TIMEOUT);
    CHECK(ev.ConnCloseN == 0, "OnClose already called when HTTPc_ConnClose timed out");
    return Live_ExpectClosed(s, HTTPc_WEBSOCK_CLOSE_CODE_ABNORMAL_CLOSURE, NULL, HTTPc_CONN_CLOSE_STATUS_APP);
}

/* The port's Random, wrapped: once armed, its next call fails (a failing hardware RNG). */
static int Live_RandomFailArmed;

static CPU_BOOLEAN Live_Random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    if (__atomic_exchange_n(&Live_RandomFailArmed, 0, __ATOMIC_SEQ_CST) != 0) {
        return DEF_FAIL;
    }
    return Live_RealPort.Random(p_ctx, p_buf, len);
}

static int Live_FaultTxInitN;
static int Live_FaultTxDataN;

/* OnMsgTxInit: holds the calling task (and the library) while the server's Close arrives, then
 * makes the masking key of this message's frame fail. */
static CPU_INT32U Live_OnTxInitFault(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg)
{
    (void)p_conn;
    (void)p_msg;
    (void)__atomic_add_fetch(&Live_FaultTxInitN, 1, __ATOMIC_SEQ_CST);
    Live_SleepMs(400u);
    __atomic_store_n(&Live_RandomFailArmed, 1, __ATOMIC_SEQ_CST);
    return 5u;
}

static CPU_INT32U Live_OnTxDataCount(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_CHAR *p_buf,
                                     CPU_INT32U buf_len)
{
    (void)p_conn;
    (void)p_msg;
    (void)__atomic_add_fetch(&Live_FaultTxDataN, 1, __ATOMIC_SEQ_CST);
    if (buf_len >= 5u) {
        memcpy(p_buf, "hello", 5u);
    }
    return 5u;
}

/* A blocking send whose first frame could not be made (the random source failed once, after
 * OnMsgTxInit) and whose retry by the engine task comes after the server's Close: the message
 * fails (HTTPc_ERR_WEBSOCK_INVALID_TX_STATE) without its OnMsgTxData being asked for bytes
 * that can never be sent (a frame that may no longer go is refused before its payload). */
static int Check_FaultedStartThenServerClose(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    int         attempt;
    int         init_n;
    int         data_n;

    (void)p_arg;
    if (Live_PollMode) {
        return 1;                                /* the retry is the engine task's            */
    }
    for (attempt = 0; attempt < 5; attempt++) {
        if (!Live_OpenWs(s, "/close-after-delay")) {
            return 0;
        }
        HTTPc_WebSockMsgSetParam(&s->CtlMsg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_INIT, FN(Live_OnTxInitFault), &err);
        CHECK(err == HTTPc_ERR_NONE, "WebSockMsgSetParam(ON_TX_INIT): err %u", (unsigned)err);
        HTTPc_WebSockMsgSetParam(&s->CtlMsg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA, FN(Live_OnTxDataCount), &err);
        CHECK(err == HTTPc_ERR_NONE, "WebSockMsgSetParam(ON_TX_DATA): err %u", (unsigned)err);
        __atomic_store_n(&Live_FaultTxInitN, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&Live_FaultTxDataN, 0, __ATOMIC_SEQ_CST);
        /* The server closes 0.2 s after the open: meanwhile, a blocking send of 5 bytes from the
         * hook, its OnMsgTxInit holding the library 0.4 s. */
        ok = HTTPc_WebSockSend(&s->Conn, &s->CtlMsg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, NULL, 5u, HTTPc_FLAG_NONE, &err);
        init_n = __atomic_load_n(&Live_FaultTxInitN, __ATOMIC_SEQ_CST);
        data_n = __atomic_load_n(&Live_FaultTxDataN, __ATOMIC_SEQ_CST);
        __atomic_store_n(&Live_RandomFailArmed, 0, __ATOMIC_SEQ_CST);
        if (init_n == 0) {
            /* The server's Close was handled first (the send refused): once more. */
            (void)Live_ExpectClosed(s, HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, "bye", HTTPc_CONN_CLOSE_STATUS_NONE);
            Live_DetailSet = 0;
            Live_CleanupAll();
            continue;
        }
        CHECK((ok == DEF_FAIL) && (err == HTTPc_ERR_WEBSOCK_INVALID_TX_STATE),
              "blocking send: returned %u, err %u, expected DEF_FAIL, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE (%u)",
              (unsigned)ok, (unsigned)err, (unsigned)HTTPc_ERR_WEBSOCK_INVALID_TX_STATE);
        CHECK(data_n == 0, "OnMsgTxData called %d time(s) for a message refused once the server's Close came "
              "(its frame may no longer go)", data_n);
        return Live_ExpectClosed(s, HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, "bye", HTTPc_CONN_CLOSE_STATUS_NONE);
    }
    CHECK(0, "the server's Close came before the send in all %d attempts", attempt);
    return 0;
}

/* A blocking HTTPc_WebSockSend sends from the calling task only when its message is alone in
 * the queue: a non-blocking message queued before it (the engine held up meanwhile) is sent,
 * and completed, by the engine task, as legacy ran every hook in its task. */
static int Check_BlockingSendLeavesOthersToTheEngine(const void *p_arg)
{
    LIVE_SLOT  *s = &Live_Slots[0];
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    LIVE_TX     data;
    LIVE_TX     ctl;

    (void)p_arg;
    if (Live_PollMode) {
        return 1;                                /* one thread: every hook runs in it         */
    }
    if (!Live_OpenWs(s, "/echo")) {
        return 0;
    }
    Live_ResetRx(s);
    memcpy(s->TxBuf, "first", 5u);
    memcpy(s->CtlBuf, "second", 6u);
    __atomic_store_n(&Live_StallArmed, 1, __ATOMIC_SEQ_CST);
    ok = HTTPc_WebSockSend(&s->Conn, &s->Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)s->TxBuf, 5u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "non-blocking send: returned %u, err %u", (unsigned)ok, (unsigned)err);
    ok = HTTPc_WebSockSend(&s->Conn, &s->CtlMsg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, s->CtlBuf, 6u, HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "blocking send: returned %u, err %u", (unsigned)ok, (unsigned)err);
    CHECK(Live_WaitGe(&s->Ev.RxCompleteN, 2, LIVE_WAIT_MS), "both echoes not back within %u ms", LIVE_WAIT_MS);
    LOCK();
    data = s->MsgTx;
    ctl  = s->CtlTx;
    UNLOCK();
    CHECK((data.N == 1) && (data.Status == DEF_OK) && (ctl.N == 1) && (ctl.Status == DEF_OK),
          "completions: %d (status %u) and %d (status %u)", data.N, (unsigned)data.Status, ctl.N, (unsigned)ctl.Status);
    CHECK(!pthread_equal(data.Thread, pthread_self()),
          "the non-blocking message's OnMsgTxComplete ran in the task of another message's blocking send");
    return 1;
}

/* A message queued (non-blocking) from the completion of a blocking send that ran in the
 * calling task, another object (*p_arg 1) or the same one sent again (2), is sent, and
 * completed, by the engine task: the caller's send stops at its own message. */
static int Check_SendFromCompletionLeftToTheEngine(const void *p_arg)
{
    const int   mode = *(const int *)p_arg;
    LIVE_SLOT  *s = &Live_Slots[0];
    LIVE_TX    *p_tx = (mode == 1) ? &s->MsgTx : &s->CtlTx;
    const int   n = (mode == 1) ? 1 : 2;
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;
    LIVE_TX     tx;

    if (Live_PollMode) {
        return 1;                                /* one thread: every hook runs in it         */
    }
    if (!Live_OpenWs(s, "/echo")) {
        return 0;
    }
    Live_ResetRx(s);
    memcpy(s->TxBuf, "chained", 7u);
    memcpy(s->CtlBuf, "first", 5u);
    __atomic_store_n(&Live_ChainArmed, mode, __ATOMIC_SEQ_CST);
    ok = HTTPc_WebSockSend(&s->Conn, &s->CtlMsg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, s->CtlBuf, 5u, HTTPc_FLAG_NONE, &err);
    CHECK((ok == DEF_OK) && (err == HTTPc_ERR_NONE), "blocking send: returned %u, err %u", (unsigned)ok, (unsigned)err);
    CHECK(Live_WaitGe(&s->Ev.RxCompleteN, 2, LIVE_WAIT_MS), "both echoes not back within %u ms", LIVE_WAIT_MS);
    CHECK(Live_WaitGe(&p_tx->N, n, LIVE_WAIT_MS), "the send queued from the completion never completed");
    LOCK();
    tx = *p_tx;
    UNLOCK();
    CHECK((tx.N == n) && (tx.Status == DEF_OK), "completions: %d, status %u", tx.N, (unsigned)tx.Status);
    CHECK(!pthread_equal(tx.Thread, pthread_self()),
          "the queued send's OnMsgTxComplete ran in the task of the blocking send whose completion queued it");
    return 1;
}

/* A port with no listener on 127.0.0.1: bind an ephemeral port, then close the socket. */
static int Live_FreePort(NET_PORT_NBR *p_port)
{
    struct sockaddr_in addr;
    socklen_t          addr_len = sizeof(addr);
    int                fd;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0, "socket(): %s", strerror(errno));
    memset(&addr, 0, sizeof(addr));
    addr.sin_family      = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port        = 0;
    if ((bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) ||
        (getsockname(fd, (struct sockaddr *)&addr, &addr_len) != 0)) {
        int e = errno;

        (void)close(fd);
        CHECK(0, "bind/getsockname: %s", strerror(e));
    }
    (void)close(fd);
    *p_port = ntohs(addr.sin_port);
    return 1;
}

static int Check_ClosedPortBlocking(const void *p_arg)
{
    LIVE_SLOT   *s = &Live_Slots[0];
    HTTPc_ERR    err = 0u;
    CPU_BOOLEAN  ok;
    NET_PORT_NBR port;
    LIVE_EV      ev;

    (void)p_arg;
    if (!Live_FreePort(&port) || !Live_Prepare(s, port)) {
        return 0;
    }
    ok = HTTPc_ConnOpen(&s->Conn, s->ConnBuf, (CPU_INT16U)sizeof(s->ConnBuf), Live_Host,
                        (CPU_INT16U)strlen(Live_Host), HTTPc_FLAG_NONE, &err);
    if (ok == DEF_OK) {
        s->Opened = 1;
    }
    CHECK((ok == DEF_FAIL) && (err == HTTPc_ERR_CONN_SOCK_CONNECT),
          "HTTPc_ConnOpen(port %u, nothing listening): returned %u, err %u, expected DEF_FAIL, HTTPc_ERR_CONN_SOCK_CONNECT (%u)",
          (unsigned)port, (unsigned)ok, (unsigned)err, (unsigned)HTTPc_ERR_CONN_SOCK_CONNECT);
    Live_Settle(LIVE_SETTLE_MS);
    Live_Snap(s, &ev);
    CHECK(ev.ConnCloseN == 0, "connection OnClose called for a connection that never opened (status %u, err %u)",
          (unsigned)ev.ConnCloseStatus, (unsigned)ev.ConnCloseErr);
    return 1;
}

static int Check_ClosedPortNoBlock(const void *p_arg)
{
    LIVE_SLOT   *s = &Live_Slots[0];
    HTTPc_ERR    err = 0u;
    CPU_BOOLEAN  ok;
    NET_PORT_NBR port;
    LIVE_EV      ev;

    (void)p_arg;
    if (!Live_FreePort(&port) || !Live_Prepare(s, port)) {
        return 0;
    }
    ok = HTTPc_ConnOpen(&s->Conn, s->ConnBuf, (CPU_INT16U)sizeof(s->ConnBuf), Live_Host,
                        (CPU_INT16U)strlen(Live_Host), HTTPc_FLAG_CONN_NO_BLOCK, &err);
    CHECK((ok == DEF_FAIL) && (err == HTTPc_ERR_NONE),
          "HTTPc_ConnOpen(NO_BLOCK): returned %u, err %u, expected DEF_FAIL, HTTPc_ERR_NONE (queued)", (unsigned)ok, (unsigned)err);
    s->Opened = 1;                               /* queued: closed by cleanup if it connects   */
    CHECK(Live_WaitGe(&s->Ev.ConnectN, 1, LIVE_WAIT_MS), "OnConnect not called within %u ms", LIVE_WAIT_MS);
    Live_Settle(LIVE_SETTLE_MS);
    Live_Snap(s, &ev);
    if (ev.ConnectStatus == DEF_FAIL) {
        s->Opened = 0;
    }
    CHECK(ev.ConnectN == 1, "OnConnect called %d times", ev.ConnectN);
    CHECK(ev.ConnectStatus == DEF_FAIL, "OnConnect(%u) for port %u where nothing listens, expected DEF_FAIL",
          (unsigned)ev.ConnectStatus, (unsigned)port);
    CHECK(ev.ConnCloseN == 0, "connection OnClose called for a connection that never opened (status %u, err %u)",
          (unsigned)ev.ConnCloseStatus, (unsigned)ev.ConnCloseErr);
    return 1;
}

/* 3 WebSockets at once, 50 rounds of non-blocking sends on all three, then the three echoes. */
static int Check_Multi(const void *p_arg)
{
    unsigned round;
    unsigned k;
    char     what[64];

    (void)p_arg;
    for (k = 0u; k < LIVE_NBR_SLOTS; k++) {
        if (!Live_OpenWs(&Live_Slots[k], "/echo")) {
            return 0;
        }
    }
    for (round = 0u; round < LIVE_MULTI_ROUNDS; round++) {
        HTTPc_WEBSOCK_MSG_TYPE type[LIVE_NBR_SLOTS];
        size_t                 len[LIVE_NBR_SLOTS];
        unsigned long          start;

        for (k = 0u; k < LIVE_NBR_SLOTS; k++) {
            type[k] = (((round + k) & 1u) != 0u) ? HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME : HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME;
            len[k]  = 1u + (((size_t)round * 131u) + ((size_t)k * 977u)) % 6000u;
            Live_EchoArm(&Live_Slots[k], type[k], len[k], (uint32_t)(round * 3u + k + 5000u));
        }
        for (k = 0u; k < LIVE_NBR_SLOTS; k++) {
            if (!Live_EchoSend(&Live_Slots[k], type[k], len[k], 1)) {
                return 0;
            }
        }
        start = Live_NowMs();
        for (k = 0u; k < LIVE_NBR_SLOTS; k++) {
            unsigned long spent = Live_NowMs() - start;
            unsigned long left  = (spent < LIVE_WAIT_MS) ? (LIVE_WAIT_MS - spent) : 0u;

            CHECK(Live_WaitGe(&Live_Slots[k].Ev.RxCompleteN, 1, left) && Live_WaitGe(&Live_Slots[k].MsgTx.N, 1, 100u),
                  "round %u, conn %u: no echo / completion within %u ms", round, k, LIVE_WAIT_MS);
        }
        for (k = 0u; k < LIVE_NBR_SLOTS; k++) {
            (void)snprintf(what, sizeof(what), "round %u, conn %u", round, k);
            if (!Live_EchoVerify(&Live_Slots[k], type[k], len[k], what)) {
                return 0;
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Runner                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static unsigned Live_N;
static unsigned Live_Passed;
static unsigned Live_Failed;

/* keep: leave the connections open on success (a series sharing one connection). */
static void Live_Run(const char *name, int (*fn)(const void *), const void *p_arg, int keep)
{
    int ok;

    Live_DetailSet = 0;
    Live_Detail[0] = '\0';
    ok = fn(p_arg);
    Live_N++;
    if (ok) {
        Live_Passed++;
        printf("ok %u - %s\n", Live_N, name);
    } else {
        Live_Failed++;
        printf("not ok %u - %s: %s\n", Live_N, name, Live_DetailSet ? Live_Detail : "(no detail)");
    }
    fflush(stdout);
    if (!ok || !keep) {
        Live_CleanupAll();
    }
}

static void Live_Usage(void)
{
    fprintf(stderr, "usage: test_live [--task | --poll] ws://127.0.0.1:PORT\n");
}

/* ws://HOST:PORT[/] */
static int Live_ParseUrl(const char *p_url)
{
    const char   *p;
    const char   *p_colon;
    char         *p_end;
    unsigned long port;
    size_t        host_len;

    if (strncmp(p_url, "ws://", 5u) != 0) {
        return 0;
    }
    p       = p_url + 5;
    p_colon = strchr(p, ':');
    if (p_colon == NULL) {
        return 0;
    }
    host_len = (size_t)(p_colon - p);
    if ((host_len == 0u) || (host_len >= sizeof(Live_Host))) {
        return 0;
    }
    memcpy(Live_Host, p, host_len);
    Live_Host[host_len] = '\0';
    errno = 0;
    port  = strtoul(p_colon + 1, &p_end, 10);
    if ((p_end == p_colon + 1) || (errno != 0) || (port == 0ul) || (port > 65535ul) ||
        ((*p_end != '\0') && (strcmp(p_end, "/") != 0))) {
        return 0;
    }
    Live_Port = (NET_PORT_NBR)port;
    return 1;
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = { 0u, 1u, 125u, 126u, 65535u, 65536u, LIVE_MSG_MAX };
    static const HTTPc_WEBSOCK_MSG_TYPE types[] = { HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME };
    LIVE_ECHO_ARG echo_args[2][2][sizeof(sizes) / sizeof(sizes[0])];
    const char   *p_url = NULL;
    HTTPc_PORT    port;
    HTTPc_ERR     err;
    int           i;
    unsigned      nb;
    unsigned      t;
    unsigned      z;
    char          name[128];
    static const int chain_other = 1;
    static const int chain_same  = 2;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--poll") == 0) {
            Live_PollMode = 1;
        } else if (strcmp(argv[i], "--task") == 0) {
            Live_PollMode = 0;
        } else if ((p_url == NULL) && (strncmp(argv[i], "ws://", 5u) == 0)) {
            p_url = argv[i];
        } else {
            Live_Usage();
            return 2;
        }
    }
    if ((p_url == NULL) || !Live_ParseUrl(p_url)) {
        Live_Usage();
        return 2;
    }
    printf("# test_live: mode %s, server ws://%s:%u\n", Live_PollMode ? "poll (HTTPc_TaskHandler)" : "task (engine thread)",
           Live_Host, (unsigned)Live_Port);
    fflush(stdout);

    for (z = 0u; z < LIVE_NBR_SLOTS; z++) {
        Live_Slots[z].Idx   = z;
        Live_Slots[z].TxBuf = (unsigned char *)malloc(LIVE_MSG_MAX);
        Live_Slots[z].RxBuf = (unsigned char *)malloc(LIVE_RX_CAP);
        if ((Live_Slots[z].TxBuf == NULL) || (Live_Slots[z].RxBuf == NULL)) {
            printf("not ok 1 - setup: out of memory\n0 passed, 1 failed\n");
            return 1;
        }
    }

    HTTPc_PortPosix_Get(&port, Live_PollMode ? DEF_NO : DEF_YES);
    Live_RealPort = port;
    if (!Live_PollMode) {
        port.Wait   = Live_StallingWait;
        port.Random = Live_Random;
    }
    err = 0u;
    HTTPc_PortSet(&port, &err);
    if (err == HTTPc_ERR_NONE) {
        HTTPc_Init(&Live_Cfg, &Live_TaskCfg, DEF_NULL, &err);
    }
    if (err != HTTPc_ERR_NONE) {
        printf("not ok 1 - HTTPc_PortSet + HTTPc_Init: err %u\n0 passed, 1 failed\n", (unsigned)err);
        return 1;
    }

    /* Echo of every size, text and binary, blocking then non-blocking sends. */
    for (nb = 0u; nb < 2u; nb++) {
        for (t = 0u; t < 2u; t++) {
            for (z = 0u; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
                LIVE_ECHO_ARG *a = &echo_args[nb][t][z];

                a->Type    = types[t];
                a->Len     = sizes[z];
                a->NoBlock = (int)nb;
                (void)snprintf(name, sizeof(name), "echo %s %zu B, %s send", Live_TypeName(a->Type), a->Len,
                               nb ? "non-blocking (NO_BLOCK + OnMsgTxComplete)" : "blocking");
                Live_Run(name, Check_EchoSize, a, 1);
            }
        }
        Live_CleanupAll();
    }
    Live_Run("fragmented send (LEN_NOT_DEFINED, OnMsgTxData: 3 chunks then 0) echoes the concatenation",
             Check_FragmentedSend, NULL, 0);
    Live_Run("receive buffer mode (OnMsgRxInit sets *p_data), single-frame message", Check_RxBufferSingle, NULL, 0);
    Live_Run("receive buffer mode, server's fragmented message (/fragmented) -> \"frag-ment-ed\"",
             Check_RxBufferFragmented, NULL, 0);
    Live_Run("application PING \"abc\" -> OnPong(\"abc\")", Check_PingPong, NULL, 0);
    Live_Run("server ping (/server-ping) answered by the library; connection stays up, echoes work",
             Check_ServerPing, NULL, 0);
    Live_Run("subprotocol \"chat\" from an HTTPc_HDR table (/subprotocol): 101, RESP_HDR_HOOK sees \"chat\"",
             Check_Subprotocol, NULL, 0);
    Live_Run("refused upgrade (/reject): DEF_OK, err NONE, HTTP_STATUS_FORBIDDEN, no OnOpen", Check_Reject, NULL, 0);
    Live_Run("clean close from the client (1000 \"bye\"): WebSocket OnClose(1000), then conn OnClose(NONE, NONE) as legacy",
             Check_ClientClose, NULL, 0);
    Live_Run("clean close from the server (/close-after-first): OnClose(1000, \"bye\"), then conn OnClose(NONE, NONE) as legacy",
             Check_ServerClose, NULL, 0);
    Live_Run("HTTPc_ConnClose on an open WebSocket: OnClose(1006), then conn OnClose(APP)", Check_ConnCloseOpen, NULL, 0);
    Live_Run("HTTPc_ConnClose with the engine task held up 1.5 s: HTTPc_ERR_CONN_SIGNAL_TIMEOUT, then OnClose(APP) (task mode)",
             Check_ConnCloseStalledEngine, NULL, 0);
    Live_Run("a blocking send behind a queued non-blocking one leaves that one's hooks to the engine task (task mode)",
             Check_BlockingSendLeavesOthersToTheEngine, NULL, 0);
    Live_Run("a message queued from a blocking send's completion is left to the engine task (task mode)",
             Check_SendFromCompletionLeftToTheEngine, &chain_other, 0);
    Live_Run("the same object sent again from its blocking send's completion is left to the engine task (task mode)",
             Check_SendFromCompletionLeftToTheEngine, &chain_same, 0);
    Live_Run("a blocking send's frame refused after a failed random and the server's Close: no OnMsgTxData (task mode)",
             Check_FaultedStartThenServerClose, NULL, 0);
    Live_Run("connect to a closed port, blocking: DEF_FAIL, HTTPc_ERR_CONN_SOCK_CONNECT, no OnClose",
             Check_ClosedPortBlocking, NULL, 0);
    Live_Run("connect to a closed port, non-blocking: OnConnect(DEF_FAIL), no OnClose", Check_ClosedPortNoBlock, NULL, 0);
    Live_Run("3 simultaneous WebSockets, 50 interleaved non-blocking echoes each", Check_Multi, NULL, 0);

    printf("%u passed, %u failed\n", Live_Passed, Live_Failed);
    fflush(stdout);

    for (z = 0u; z < LIVE_NBR_SLOTS; z++) {
        if (Live_Slots[z].Opened) {
            continue;                            /* hooks may still write there: leave it     */
        }
        LOCK();
        free(Live_Slots[z].TxBuf);
        free(Live_Slots[z].RxBuf);
        Live_Slots[z].TxBuf = NULL;
        Live_Slots[z].RxBuf = NULL;
        UNLOCK();
    }
    return (Live_Failed == 0u) ? 0 : 1;
}
