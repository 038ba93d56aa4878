/*
 * httpc_bench.c: the httpc-ws client of the benchmark (scripts/bench.sh), in each execution
 * model, over the shipped POSIX port (ports/posix).
 *
 *   httpc_bench --model poll|task|blocking [--conn-buf N] ws://127.0.0.1:PORT/ [common options]
 *
 *   poll      no engine task: the application's loop calls HTTPc_TaskHandler() and sleeps in the
 *             port's Wait (poll() over the sockets the engine watches, and the wake pipe) for
 *             at most the time it returned. Non-blocking sends (HTTPc_FLAG_WEBSOCK_NO_BLOCK),
 *             the next one queued from the OnMsgRxComplete / OnMsgTxComplete hooks.
 *   task      the engine task (port TaskCreate: a pthread), non-blocking sends queued from the
 *             hooks, which run in the engine task; the main thread only waits for the end.
 *   blocking  the engine task runs; the application thread calls HTTPc_WebSockSend without
 *             NO_BLOCK (it returns when the message was handed to the socket) and waits on a
 *             condition variable that OnMsgRxComplete signals for each echo.
 *
 * Connect, upgrade and close are blocking calls in every model. Echoes are received in the
 * library's buffer mode (OnMsgRxInit hands a buffer of the message's length) and checked:
 * type and length. The connection buffer is 65535 bytes (the most HTTPc_ConnOpen takes)
 * unless --conn-buf says otherwise.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <pthread.h>

#include "http-c.h"
#include "http-c_websock.h"
#include "httpc_port_posix.h"

#include "bench_common.h"

#define MODEL_POLL     0
#define MODEL_TASK     1
#define MODEL_BLOCKING 2

#define MSG_POOL_MAX   64u           /* Message objects for the non-blocking models.           */
#define SETUP_TIMEOUT_S 10

static const HTTPc_CFG Bench_Cfg = {
    0u,        /* TaskDly_ms: none.                                                            */
    5u,        /* MsgQ_Size.                                                                   */
    5000u,     /* ConnConnectTimeout_ms.                                                       */
    30u,       /* ConnInactivityTimeout_s.                                                     */
    DEF_FALSE, /* ConnIsKeepAlive.                                                             */
};

static const HTTP_TASK_CFG Bench_TaskCfg = {
    20u,       /* Prio (ignored by the POSIX port).                                            */
    65536u,    /* StkSizeBytes.                                                                */
    NULL,
};

static int                    Model      = -1;
static unsigned               ConnBufLen = 65535u;
static HTTPc_PORT             Port;
static BENCH_ARGS             A;
static HTTPc_WEBSOCK_MSG_TYPE MsgType;
static unsigned char         *Payload;
static unsigned char         *RxBuf;

static HTTPc_CONN_OBJ         Conn;
static HTTPc_REQ_OBJ          Req;
static HTTPc_RESP_OBJ         Resp;
static HTTPc_WEBSOCK_OBJ      Ws;
static HTTPc_WEBSOCK_MSG_OBJ  Msgs[MSG_POOL_MAX];
static HTTPc_WEBSOCK_MSG_OBJ  CloseMsg;
static CPU_CHAR              *ConnBuf;

/* Everything below is shared between the hooks (engine task, or inside HTTPc_TaskHandler) and
 * the main thread, under Mtx. Mtx is never held across an HTTPc_* call. */
static pthread_mutex_t Mtx  = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  Cond = PTHREAD_COND_INITIALIZER;
static struct {
    uint64_t               Sent;
    uint64_t               Received;
    uint64_t               Total;
    unsigned               FreeCnt;
    HTTPc_WEBSOCK_MSG_OBJ *Free[MSG_POOL_MAX];
    int                    Opened;
    int                    ConnClosed;
    int                    Failed;
    HTTPc_WEBSOCK_MSG_TYPE RxType;
    CPU_INT32U             RxLen;      /* From OnMsgRxInit (buffer mode).                      */
    int                    RxStreaming;
    size_t                 RxGot;      /* Streaming mode (a fragmented echo).                  */
    BENCH_CLOCK            Clock;
} S;

static int Bench_Done(void)                  /* Mtx held. */
{
    return (S.Received >= S.Total) || S.Failed || S.ConnClosed;
}

/* Non-blocking models: queue sends while fewer than Depth messages are in flight and a
 * message object is free. Called by the main thread once, then by the hooks. */
static void Bench_Pump(void)
{
    for (;;) {
        HTTPc_WEBSOCK_MSG_OBJ *p_msg;
        HTTPc_ERR              err;
        CPU_BOOLEAN            ok;

        pthread_mutex_lock(&Mtx);
        if ((S.Sent >= S.Total) || (S.Sent >= S.Received + A.Depth) || (S.FreeCnt == 0u) || S.Failed) {
            pthread_mutex_unlock(&Mtx);
            return;
        }
        p_msg = S.Free[--S.FreeCnt];
        S.Sent++;
        pthread_mutex_unlock(&Mtx);

        ok = HTTPc_WebSockSend(&Conn, p_msg, MsgType, (CPU_CHAR *)Payload, (CPU_INT32U)A.Size,
                               HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
        if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
            Bench_Fail("HTTPc_WebSockSend(NO_BLOCK): returned %u, err %u", (unsigned)ok, (unsigned)err);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Hooks                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void Bench_OnConnClose(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    (void)status;
    (void)err;
    pthread_mutex_lock(&Mtx);
    S.ConnClosed = 1;
    pthread_cond_broadcast(&Cond);
    pthread_mutex_unlock(&Mtx);
}

static void Bench_OnOpen(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    pthread_mutex_lock(&Mtx);
    S.Opened = 1;
    pthread_cond_broadcast(&Cond);
    pthread_mutex_unlock(&Mtx);
}

static void Bench_OnMsgRxInit(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, CPU_INT32U msg_len, void **p_data)
{
    (void)p_conn;
    S.RxType = type;                         /* Only the hooks touch the Rx* fields.          */
    S.RxLen  = msg_len;
    S.RxGot  = 0u;
    if (msg_len == (CPU_INT32U)A.Size) {
        *p_data       = RxBuf;               /* Buffer mode: the library copies the echo.     */
        S.RxStreaming = 0;
    } else {
        *p_data       = NULL;                /* Fragmented (or wrong): count it streaming.    */
        S.RxStreaming = 1;
    }
}

static CPU_INT32U Bench_OnMsgRxData(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, void *p_data, CPU_INT16U len)
{
    (void)p_conn;
    (void)type;
    (void)p_data;
    S.RxGot += len;
    return len;
}

static void Bench_OnMsgRxComplete(HTTPc_CONN_OBJ *p_conn)
{
    size_t got = S.RxStreaming ? S.RxGot : (size_t)S.RxLen;

    (void)p_conn;
    if ((S.RxType != MsgType) || (got != A.Size)) {
        fprintf(stderr, "bench: echo of type %u, %zu bytes (sent type %u, %zu bytes)\n",
                (unsigned)S.RxType, got, (unsigned)MsgType, A.Size);
        pthread_mutex_lock(&Mtx);
        S.Failed = 1;
        pthread_cond_broadcast(&Cond);
        pthread_mutex_unlock(&Mtx);
        return;
    }
    pthread_mutex_lock(&Mtx);
    S.Received++;
    Bench_ClockEchoed(&S.Clock, S.Received);
    if ((Model == MODEL_BLOCKING) || (S.Received >= S.Total)) {
        pthread_cond_signal(&Cond);          /* No system call when nobody waits.             */
    }
    pthread_mutex_unlock(&Mtx);
    if (Model != MODEL_BLOCKING) {
        Bench_Pump();
    }
}

static void Bench_OnMsgTxComplete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN status)
{
    (void)p_conn;
    pthread_mutex_lock(&Mtx);
    if (status != DEF_OK) {
        S.Failed = 1;
        pthread_cond_broadcast(&Cond);
    }
    S.Free[S.FreeCnt++] = p_msg;
    pthread_mutex_unlock(&Mtx);
    if (status == DEF_OK) {
        Bench_Pump();
    }
}

static void Bench_OnErr(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    (void)p_conn;
    fprintf(stderr, "bench: WebSocket error %u\n", (unsigned)err);
    pthread_mutex_lock(&Mtx);
    S.Failed = 1;
    pthread_cond_broadcast(&Cond);
    pthread_mutex_unlock(&Mtx);
}

static void Bench_OnWsClose(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE code, HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    (void)p_conn;
    (void)code;
    (void)p_reason;
}

/* ------------------------------------------------------------------------------------------ */
/* Waiting                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Poll model: one engine pass, then sleep in the port's Wait for at most what it returned,
 * unless what the caller waits for (*p_flag, or the end of the run) came. */
static void Bench_PollStep(const int *p_flag)
{
    CPU_INT32U ms = HTTPc_TaskHandler();
    int        done;

    pthread_mutex_lock(&Mtx);
    done = (p_flag != NULL) ? (*p_flag || S.Failed || S.ConnClosed) : Bench_Done();
    pthread_mutex_unlock(&Mtx);
    if (!done && (ms != 0u)) {
        Port.Wait(Port.Ctx, NULL, 0u, ms);
    }
}

/* Waits until *p_flag (under Mtx) is set, or the connection ended, at most timeout_s. */
static int Bench_WaitFlag(const int *p_flag, int timeout_s)
{
    double deadline = Bench_Now() + (double)timeout_s;
    int    set;

    for (;;) {
        pthread_mutex_lock(&Mtx);
        set = *p_flag;
        if (!set && (Model != MODEL_POLL) && !S.Failed && !S.ConnClosed) {
            struct timespec ts;

            (void)clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 10000000L;         /* Recheck every 10 ms (deadline, spurious).     */
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec  += 1;
                ts.tv_nsec -= 1000000000L;
            }
            (void)pthread_cond_timedwait(&Cond, &Mtx, &ts);
            set = *p_flag;
        }
        pthread_mutex_unlock(&Mtx);
        if (set) {
            return 1;
        }
        if (Bench_Now() > deadline) {
            return 0;
        }
        if (Model == MODEL_POLL) {
            Bench_PollStep(p_flag);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Main                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static int Bench_Option(int argc, char **argv, int i)
{
    if ((strcmp(argv[i], "--model") == 0) && (i + 1 < argc)) {
        const char *p_m = argv[i + 1];

        Model = (strcmp(p_m, "poll") == 0)     ? MODEL_POLL
              : (strcmp(p_m, "task") == 0)     ? MODEL_TASK
              : (strcmp(p_m, "blocking") == 0) ? MODEL_BLOCKING
                                               : -2;
        if (Model == -2) {
            Bench_Fail("--model %s: poll, task or blocking", p_m);
        }
        return 2;
    }
    if ((strcmp(argv[i], "--conn-buf") == 0) && (i + 1 < argc)) {
        unsigned long n = strtoul(argv[i + 1], NULL, 10);

        if ((n < HTTPc_BUF_LEN_MIN) || (n > 65535ul)) {
            Bench_Fail("--conn-buf %s: %u to 65535", argv[i + 1], (unsigned)HTTPc_BUF_LEN_MIN);
        }
        ConnBufLen = (unsigned)n;
        return 2;
    }
    return 0;
}

#define CHECK(call_desc, err)                                                     \
    do {                                                                          \
        if ((err) != HTTPc_ERR_NONE) {                                            \
            Bench_Fail("%s failed: err %u", (call_desc), (unsigned)(err));        \
        }                                                                         \
    } while (0)

int main(int argc, char **argv)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    CPU_BOOLEAN persistent = DEF_YES;
    CPU_INT16U  server_port;
    CPU_CHAR    close_buf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    CPU_INT16U  close_len;
    char        path[] = "/";
    unsigned    pool;
    unsigned    k;

    Bench_ParseArgs(argc, argv, &A, Bench_Option);
    if (Model < 0) {
        Bench_Fail("--model poll|task|blocking is required");
    }
    if (A.Size > 0xFFFFFFF0u) {
        Bench_Fail("--size too large");
    }
    MsgType = A.Text ? HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME : HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME;
    Payload = Bench_Payload(A.Size);
    RxBuf   = (unsigned char *)malloc(A.Size + 1u);
    ConnBuf = (CPU_CHAR *)malloc(ConnBufLen);
    if ((RxBuf == NULL) || (ConnBuf == NULL)) {
        Bench_Fail("out of memory");
    }
    S.Total = A.Warmup + A.Count;

    HTTPc_PortPosix_Get(&Port, (Model == MODEL_POLL) ? DEF_NO : DEF_YES);
    HTTPc_PortSet(&Port, &err);
    CHECK("HTTPc_PortSet", err);
    HTTPc_Init(&Bench_Cfg, &Bench_TaskCfg, DEF_NULL, &err);
    CHECK("HTTPc_Init", err);

    HTTPc_ConnClr(&Conn, &err);
    CHECK("HTTPc_ConnClr", err);
    HTTPc_ReqClr(&Req, &err);
    CHECK("HTTPc_ReqClr", err);
    HTTPc_WebSockClr(&Ws, &err);
    CHECK("HTTPc_WebSockClr", err);
    HTTPc_WebSockMsgClr(&CloseMsg, &err);
    CHECK("HTTPc_WebSockMsgClr", err);

    pool = (Model == MODEL_BLOCKING) ? 1u : ((2u * A.Depth < MSG_POOL_MAX) ? 2u * A.Depth : MSG_POOL_MAX);
    for (k = 0u; k < pool; k++) {
        HTTPc_WebSockMsgClr(&Msgs[k], &err);
        CHECK("HTTPc_WebSockMsgClr", err);
        if (Model != MODEL_BLOCKING) {
            HTTPc_WebSockMsgSetParam(&Msgs[k], HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE,
                                     (void *)Bench_OnMsgTxComplete, &err);
            CHECK("HTTPc_WebSockMsgSetParam(ON_TX_COMPLETE)", err);
        }
        S.Free[S.FreeCnt++] = &Msgs[k];
    }

    server_port = (CPU_INT16U)A.Port;
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &persistent, &err);
    CHECK("HTTPc_ConnSetParam(PERSISTENT)", err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err);
    CHECK("HTTPc_ConnSetParam(SERVER_PORT)", err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)Bench_OnConnClose, &err);
    CHECK("HTTPc_ConnSetParam(CONN_CLOSE_CALLBACK)", err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)Bench_OnOpen, &err);
    CHECK("ON_OPEN", err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)Bench_OnMsgRxInit, &err);
    CHECK("ON_MSG_RX_INIT", err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, (void *)Bench_OnMsgRxData, &err);
    CHECK("ON_MSG_RX_DATA", err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)Bench_OnMsgRxComplete, &err);
    CHECK("ON_MSG_RX_COMPLETE", err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, (void *)Bench_OnErr, &err);
    CHECK("ON_ERR", err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, (void *)Bench_OnWsClose, &err);
    CHECK("ON_CLOSE", err);

    ok = HTTPc_ConnOpen(&Conn, ConnBuf, (CPU_INT16U)ConnBufLen, A.Host, (CPU_INT16U)strlen(A.Host),
                        HTTPc_FLAG_NONE, &err);
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        Bench_Fail("HTTPc_ConnOpen %s:%u: returned %u, err %u", A.Host, A.Port, (unsigned)ok, (unsigned)err);
    }
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, path, (CPU_INT16U)strlen(path), HTTPc_FLAG_NONE, &err);
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE) || (Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS)) {
        Bench_Fail("HTTPc_WebSockUpgrade: returned %u, err %u, status index %u", (unsigned)ok,
                   (unsigned)err, (unsigned)Resp.StatusCode);
    }
    if (!Bench_WaitFlag(&S.Opened, SETUP_TIMEOUT_S)) {
        Bench_Fail("OnOpen not called");
    }

    /* ------------------------------------ MEASURED ------------------------------------- */
    pthread_mutex_lock(&Mtx);
    Bench_ClockInit(&S.Clock, A.Warmup);
    pthread_mutex_unlock(&Mtx);

    if (Model == MODEL_BLOCKING) {
        for (;;) {
            pthread_mutex_lock(&Mtx);
            while ((S.Sent >= S.Received + A.Depth) && !S.Failed && !S.ConnClosed) {
                pthread_cond_wait(&Cond, &Mtx);
            }
            if ((S.Sent >= S.Total) || S.Failed || S.ConnClosed) {
                pthread_mutex_unlock(&Mtx);
                break;
            }
            S.Sent++;
            pthread_mutex_unlock(&Mtx);
            ok = HTTPc_WebSockSend(&Conn, &Msgs[0], MsgType, (CPU_CHAR *)Payload, (CPU_INT32U)A.Size,
                                   HTTPc_FLAG_NONE, &err);
            if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
                Bench_Fail("HTTPc_WebSockSend: returned %u, err %u", (unsigned)ok, (unsigned)err);
            }
        }
    } else {
        Bench_Pump();
    }
    if (Model == MODEL_POLL) {
        int done = 0;

        while (!done) {
            Bench_PollStep(NULL);
            pthread_mutex_lock(&Mtx);
            done = Bench_Done();
            pthread_mutex_unlock(&Mtx);
        }
    } else {
        pthread_mutex_lock(&Mtx);
        while (!Bench_Done()) {
            pthread_cond_wait(&Cond, &Mtx);
        }
        pthread_mutex_unlock(&Mtx);
    }
    if (S.Failed || (S.Received < S.Total)) {
        Bench_Fail("the run failed after %llu of %llu echoes", (unsigned long long)S.Received,
                   (unsigned long long)S.Total);
    }
    Bench_Report(&S.Clock, A.Count);

    /* -------------------------------------- CLOSE -------------------------------------- */
    err       = HTTPc_ERR_NONE;
    close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, NULL, close_buf,
                                         (CPU_INT16U)sizeof(close_buf), &err);
    CHECK("HTTPc_WebSockFmtCloseMsg", err);
    ok = HTTPc_WebSockSend(&Conn, &CloseMsg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, close_buf, close_len,
                           HTTPc_FLAG_NONE, &err);
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        Bench_Fail("HTTPc_WebSockSend(close): returned %u, err %u", (unsigned)ok, (unsigned)err);
    }
    if (!Bench_WaitFlag(&S.ConnClosed, SETUP_TIMEOUT_S)) {
        Bench_Fail("the connection did not close");
    }
    return 0;
}
