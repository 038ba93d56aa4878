/*
 * adv_client.c: client side of the adversarial (hostile-server) liveness cases.
 *
 *     adv_client --mode poll|task --case NAME --url ws://127.0.0.1:PORT/PATH [--block]
 *                [--watchdog-ms N] [--poll-cap-ms N]
 *
 * Runs one case against tests/adversarial/server.py (started with the same --case by run.py)
 * and prints ONE line of JSON on stdout with everything it observed: every hook call in order,
 * the result of every API call, per-send completion counts, the time and CPU marks, and the
 * port-call counters. It judges nothing: run.py holds the expectations.
 *
 *   --mode poll   no engine task: this program calls HTTPc_TaskHandler() and then sleeps for
 *                 the time it returned (capped at --poll-cap-ms, default 50 ms), so a library
 *                 that tells the truth about its deadlines costs no CPU while it waits
 *   --mode task   the library's engine task (a pthread); this program sleeps on a condition
 *                 variable the hooks signal (woken at least every 100 ms, and for its own
 *                 timed actions)
 *   --block       blocking API calls (open, upgrade, sends) instead of the NO_BLOCK flags
 *
 * Times are ms since the program started (CLOCK_MONOTONIC); CPU is user+sys of the whole
 * process (getrusage RUSAGE_SELF, every thread). A mark samples both: "connect_call",
 * "upgrade_call", "open" (first OnOpen), "stall" (the last time the socket went from taking
 * bytes to refusing them, seen through a wrapper around the port's Send), "close_call" (just
 * before the application's Close / HTTPc_ConnClose), "first_err" (first WebSocket OnErr) and
 * "end" (the last connection OnClose, OnConnect(DEF_FAIL) or failed blocking call that ended a
 * connection). elapsed_ms and cpu_ms run from the case's trigger mark to "end".
 *
 * A watchdog (--watchdog-ms, default 20000) prints the JSON with "result":"timeout" and exits 3
 * if the case has not ended by then, even when a blocking call never returns.
 *
 * Exit status: 0 the case ended (whatever happened), 3 watchdog, 2 usage or setup error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nanosleep, clock_gettime, pthread_condattr_setclock under -std=c99 */
#endif

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http-c.h"
#include "http-c_websock.h"
#include "httpc_port_posix.h"

/* Library timeouts for the test (short, so that every case ends within a few seconds). */
#define ADV_CLOSE_TIMEOUT_MS      1000u
#define ADV_TX_STALL_TIMEOUT_MS   1500u
#define ADV_TRANS_TIMEOUT_MS      2000u
#define ADV_CONNECT_TIMEOUT_MS    1000u
#define ADV_PING_INTERVAL_MS       300u
#define ADV_PONG_TIMEOUT_MS        700u
/* Cases where the close timeout must be the only deadline in play raise the stall timeout. */
#define ADV_TX_STALL_LONG_MS      5000u

#define ADV_MAX_SLOTS                2
#define ADV_NQ                       4       /* data messages in flight per connection          */
#define ADV_FILL_LEN             16384u      /* "fill" message: 16 KiB binary                   */
#define ADV_TRICKLE_LEN             32u      /* "trickle" message: 32 bytes of text              */
#define ADV_TRICKLE_MS             100.0     /* one trickle message this often                   */
#define ADV_CONN_BUF_LEN          4096u
#define ADV_MAX_EVENTS            6000
#define ADV_MAX_API               6000
#define ADV_MAX_SENDS            20000
#define ADV_MAX_RX                  64
#define ADV_RX_KEEP                 64u      /* bytes of each received message kept for the JSON */
#define ADV_STALL_DETECT_MS        200.0     /* send path "blocked" after this long refusing     */
#define ADV_SETTLE_MS              300.0     /* watch for late or duplicate hooks after the end  */
#define ADV_REFUSED_CLOSE_MS       300.0     /* close a connection left open by a refused upgrade */
#define ADV_BLOCK_FAIL_GRACE_MS    500.0     /* failed blocking call: wait this long for OnClose */
#define ADV_TASK_CAP_MS            100.0
#define ADV_WATCHDOG_MS_DFLT     20000.0
#define ADV_POLL_CAP_MS_DFLT        50.0

/* ------------------------------------------------------------------------------------------ */
/* Cases (client side; the server side is in server.py, the expectations in run.py)          */
/* ------------------------------------------------------------------------------------------ */

typedef enum { TX_NONE, TX_FILL, TX_TRICKLE } ADV_TX;

typedef enum {
    MARK_CONNECT_CALL,
    MARK_UPGRADE_CALL,
    MARK_OPEN,
    MARK_STALL,
    MARK_CLOSE_CALL,
    MARK_FIRST_ERR,
    MARK_END,
    MARK_NBR
} ADV_MARK_ID;

static const char *const Adv_MarkNames[MARK_NBR] = {
    "connect_call", "upgrade_call", "open", "stall", "close_call", "first_err", "end"
};

typedef struct adv_case {
    const char *Name;
    int         Slots;                 /* connections                                           */
    ADV_TX      Tx;                    /* what the client sends once open                       */
    double      CloseAfterOpenMs;      /* send a Close (1000) this long after OnOpen; < 0 never */
    int         CloseWhenStalled;      /* send the Close once the send path has been blocked    */
    double      ConnCloseAfterUpgMs;   /* HTTPc_ConnClose this long after the upgrade; < 0 never */
    CPU_INT32U  TxStallMs;
    CPU_INT32U  PingMs;                /* 0: no keep-alive pings                                */
    CPU_INT32U  PongMs;
    CPU_INT08U  MsgQSize;
    ADV_MARK_ID Trigger;               /* elapsed_ms / cpu_ms run from this mark to "end"       */
} ADV_CASE;

#define STALL  ADV_TX_STALL_TIMEOUT_MS
#define LSTALL ADV_TX_STALL_LONG_MS
#define PING   ADV_PING_INTERVAL_MS
#define PONG   ADV_PONG_TIMEOUT_MS

static const ADV_CASE Adv_Cases[] = {
    /* name                       slots tx          close@open stalled connclose stall  ping  pong  msgq trigger */
    { "stall_then_ping",             1, TX_FILL,       -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_STALL },
    { "stall_then_violation",        1, TX_FILL,       -1.0,   0,      -1.0,  LSTALL,   0,    0, 4, MARK_FIRST_ERR },
    { "stall_while_closing",         1, TX_FILL,       -1.0,   1,      -1.0,  LSTALL,   0,    0, 4, MARK_CLOSE_CALL },
    { "stall_pong_timeout",          1, TX_FILL,       -1.0,   0,      -1.0,  LSTALL, PING, PONG, 4, MARK_OPEN },
    { "trickle_handshake",           1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "silent_upgrade",              1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "trickle_frame",               1, TX_NONE,     1000.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_CLOSE_CALL },
    { "never_answers_close",         1, TX_NONE,        0.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_CLOSE_CALL },
    { "close_no_fin",                1, TX_NONE,        0.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_CLOSE_CALL },
    { "server_close_no_fin",         1, TX_NONE,       -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_OPEN },
    { "server_close_then_flood",     1, TX_NONE,       -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_OPEN },
    { "reset_mid_frame",             1, TX_FILL,       -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_OPEN },
    { "half_close",                  1, TX_TRICKLE,    -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_OPEN },
    { "ping_flood",                  1, TX_TRICKLE,    -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_OPEN },
    { "upgrade_plus_frames",         1, TX_NONE,       -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "huge_content_length",         1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "huge_content_length_overflow",1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "long_header_line",            1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "many_headers",                1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "eof_during_upgrade",          1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "bad_accept",                  1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_UPGRADE_CALL },
    { "close_during_upgrade",        1, TX_NONE,      100.0,   0,     300.0,  STALL,    0,    0, 4, MARK_CLOSE_CALL },
    { "frame_len_overflow",          1, TX_NONE,       -1.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_OPEN },
    { "pong_timeout",                1, TX_NONE,       -1.0,   0,      -1.0,  STALL, PING, PONG, 4, MARK_OPEN },
    { "connect_timeout",             1, TX_NONE,      100.0,   0,      -1.0,  STALL,    0,    0, 4, MARK_CONNECT_CALL },
    { "msgq_size_bound",             2, TX_NONE,        0.0,   0,      -1.0,  STALL,    0,    0, 1, MARK_UPGRADE_CALL },
};

#undef STALL
#undef LSTALL
#undef PING
#undef PONG

/* ------------------------------------------------------------------------------------------ */
/* Recorded state (all of it under Adv_Mutex, a leaf lock never held across an API call)     */
/* ------------------------------------------------------------------------------------------ */

typedef struct adv_stats {
    unsigned long SendCalls, SendBytes, SendWouldBlock, SendClosed, SendErr;
    unsigned long RecvCalls, RecvBytes, RecvWouldBlock, RecvClosed, RecvErr;
    unsigned long WaitCalls, WaitZero, ConnectCalls, ConnectPollCalls;
    unsigned long Passes, PassZero;    /* HTTPc_TaskHandler() calls, and those that returned 0   */
} ADV_STATS;

typedef struct adv_sample {
    int       Set;
    double    T;
    double    Cpu;
    ADV_STATS Stats;
} ADV_SAMPLE;

typedef enum {
    EV_CONNECT, EV_CONN_CLOSE, EV_TRANS_COMPLETE, EV_REQ_ERR, EV_OPEN, EV_WS_ERR, EV_WS_CLOSE,
    EV_TX_COMPLETE, EV_RX, EV_PONG
} ADV_EV_KIND;

static const char *const Adv_EvNames[] = {
    "connect", "conn_close", "trans_complete", "req_err", "open", "ws_err", "ws_close",
    "tx_complete", "rx", "pong"
};

typedef struct adv_event {
    double      T;
    int         Slot;
    ADV_EV_KIND Kind;
    long        A;
    long        B;
} ADV_EVENT;

typedef struct adv_api {
    double      T0;       /* call started                                                     */
    double      T;        /* call returned (-1: still in it, e.g. a blocking call that hangs)  */
    int         Slot;
    const char *Call;
    int         Ret;      /* -1 while in the call                                              */
    unsigned    Err;
    int         Block;
    long        Arg;      /* message type, parameter type... (-1: none)                        */
} ADV_API;

typedef struct adv_send {
    int      Slot;
    int      Type;
    int      Block;
    int      Accepted;    /* non-blocking: returned DEF_OK; blocking: the call was made        */
    int      Returned;    /* blocking: the call returned                                       */
    int      Hooks;       /* OnMsgTxComplete calls                                             */
    int      LastStatus;
} ADV_SEND;

typedef struct adv_rx {
    int      Slot;
    int      Type;
    unsigned Len;
    unsigned Kept;
    char     Data[ADV_RX_KEEP];
} ADV_RX;

typedef struct adv_msg {
    HTTPc_WEBSOCK_MSG_OBJ Obj;
    int                   Slot;
    int                   Busy;
    int                   CurSend;   /* index into Adv.Sends, -1: none yet                      */
} ADV_MSG;

typedef struct adv_slot {
    int               Idx;
    HTTPc_CONN_OBJ    Conn;
    HTTPc_REQ_OBJ     Req;
    HTTPc_RESP_OBJ    Resp;
    HTTPc_WEBSOCK_OBJ Ws;
    ADV_MSG           Data[ADV_NQ];
    ADV_MSG           Ctl;
    CPU_CHAR          ConnBuf[ADV_CONN_BUF_LEN];
    CPU_CHAR          CloseBuf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    CPU_INT16U        CloseLen;

    /* Written by hooks. */
    int        ConnectN;
    int        ConnectStatus;
    int        ConnCloseN;
    int        OpenN;
    double     OpenT;
    int        TransCompleteN;
    unsigned   RespStatus;
    double     TransCompleteT;
    int        ReqErrN;
    int        WsErrN;
    int        WsCloseN;
    int        TxFailN;             /* failed completions, failed blocking sends              */
    int        TxRefused;           /* a non-blocking send was refused: stop sending           */
    ADV_SAMPLE End;                 /* latest "this connection ended" sample                   */
    ADV_RX     RxCur;
    int        RxActive;

    /* Main thread only. */
    int        OpenCalled;
    int        OpenedBlocking;      /* blocking ConnOpen returned DEF_OK                        */
    int        OpenFailed;          /* ConnOpen refused, or blocking ConnOpen failed            */
    int        UpgradeCalled;
    double     UpgradeT;
    int        UpgradeApiRefused;   /* non-blocking upgrade refused by the API: close the conn */
    int        UpgradeBlockFailed;
    double     BlockFailT;
    int        BlockRefused;        /* blocking upgrade: whole non-101 response                */
    double     BlockRefusedT;
    int        CloseSent;
    int        ConnCloseCalled;
    double     LastTrickleT;
    int        Finished;
} ADV_SLOT;

static struct {
    pthread_mutex_t Mutex;
    pthread_cond_t  Cond;                 /* hooks -> main thread (task mode)                   */
    pthread_cond_t  WdCond;               /* main thread -> watchdog                            */

    const ADV_CASE *Case;
    int             PollMode;
    int             Block;
    double          WatchdogMs;
    double          PollCapMs;
    char            Host[64];
    CPU_INT16U      Port;
    const char     *Path;

    struct timespec Start;
    double          StartCpu;

    ADV_SLOT        Slots[ADV_MAX_SLOTS];
    ADV_STATS       Stats;
    ADV_SAMPLE      Marks[MARK_NBR];

    /* Send path as seen by the Send wrapper. */
    int             SendProgressSeen;
    int             SendBlocked;
    double          BlockedSinceT;

    ADV_EVENT      *Events;
    int             EventN;
    long            EventsDropped;
    ADV_API        *Api;
    int             ApiN;
    long            ApiDropped;
    ADV_SEND       *Sends;
    int             SendN;
    long            SendsDropped;
    ADV_RX          Rx[ADV_MAX_RX];
    int             RxN;
    long            RxCount;
    long            Pongs;
    long            ParamRefused;

    int             Done;                 /* main loop finished                                 */
    int             Printed;
} Adv;

static HTTPc_PORT Adv_PortOrig;           /* the POSIX port, wrapped for the counters           */

/* ADV_CLOCK0 (env): the library's clock reads this at its first call, then runs on with the
 * POSIX one (a tick counter about to wrap, say). */
static CPU_INT32U  Adv_ClockOffset;
static int         Adv_ClockSet;
static CPU_INT32U  Adv_PortTimeGet(void *p_ctx)
{
    CPU_INT32U  t = Adv_PortOrig.TimeGet_ms(p_ctx);
    const char *p_env;

    if (!Adv_ClockSet) {
        Adv_ClockSet = 1;
        p_env = getenv("ADV_CLOCK0");
        if (p_env != NULL) {
            Adv_ClockOffset = (CPU_INT32U)strtoul(p_env, NULL, 0) - t;
            fprintf(stderr, "adv: library clock starts at %lu\n", (unsigned long)(t + Adv_ClockOffset));
        }
    }
    return t + Adv_ClockOffset;
}
static char       Adv_FillBuf[ADV_FILL_LEN];
static char       Adv_TrickleBuf[ADV_TRICKLE_LEN];

#define LOCK()   (void)pthread_mutex_lock(&Adv.Mutex)
#define UNLOCK() (void)pthread_mutex_unlock(&Adv.Mutex)

/* ------------------------------------------------------------------------------------------ */
/* Time, CPU, samples                                                                         */
/* ------------------------------------------------------------------------------------------ */

static double Adv_Now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((double)(ts.tv_sec - Adv.Start.tv_sec) * 1000.0) +
           ((double)(ts.tv_nsec - Adv.Start.tv_nsec) / 1e6);
}

static double Adv_CpuMs(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return 0.0;
    }
    return ((double)ru.ru_utime.tv_sec * 1000.0) + ((double)ru.ru_utime.tv_usec / 1000.0) +
           ((double)ru.ru_stime.tv_sec * 1000.0) + ((double)ru.ru_stime.tv_usec / 1000.0);
}

/* Lock held. */
static void Adv_TakeSample(ADV_SAMPLE *p)
{
    p->Set   = 1;
    p->T     = Adv_Now();
    p->Cpu   = Adv_CpuMs();
    p->Stats = Adv.Stats;
}

/* Lock held. `last`: overwrite an earlier sample (else keep the first). */
static void Adv_Mark(ADV_MARK_ID id, int last)
{
    if (!Adv.Marks[id].Set || last) {
        Adv_TakeSample(&Adv.Marks[id]);
    }
}

/* Lock held: this connection ended now (the latest such moment wins). */
static void Adv_EndCandidate(ADV_SLOT *s, const ADV_SAMPLE *p)
{
    if (!s->End.Set || (p->T > s->End.T)) {
        s->End = *p;
    }
}

static void Adv_SleepMs(double ms)
{
    struct timespec ts;

    if (ms <= 0.0) {
        return;
    }
    ts.tv_sec  = (time_t)(ms / 1000.0);
    ts.tv_nsec = (long)((ms - ((double)ts.tv_sec * 1000.0)) * 1e6);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec  += 1;
        ts.tv_nsec -= 1000000000L;
    }
    while ((nanosleep(&ts, &ts) != 0) && (errno == EINTR)) {
        ;
    }
}

/* Lock held: wait on Adv.Cond for at most ms. */
static void Adv_CondWaitMs(pthread_cond_t *p_cond, double ms)
{
    struct timespec deadline;
    long            add_ns;

    if (ms < 0.0) {
        ms = 0.0;
    }
    (void)clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)(ms / 1000.0);
    add_ns = (long)((ms - ((double)(time_t)(ms / 1000.0) * 1000.0)) * 1e6);
    deadline.tv_nsec += add_ns;
    while (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec  += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    (void)pthread_cond_timedwait(p_cond, &Adv.Mutex, &deadline);
}

/* ------------------------------------------------------------------------------------------ */
/* Recording helpers (lock held)                                                              */
/* ------------------------------------------------------------------------------------------ */

static void Adv_Event(int slot, ADV_EV_KIND kind, long a, long b)
{
    ADV_EVENT *e;

    if (Adv.Printed) {
        return;                                   /* A hook after the report: not recorded.  */
    }
    if (Adv.EventN >= ADV_MAX_EVENTS) {
        Adv.EventsDropped++;
        return;
    }
    e       = &Adv.Events[Adv.EventN++];
    e->T    = Adv_Now();
    e->Slot = slot;
    e->Kind = kind;
    e->A    = a;
    e->B    = b;
}

/* An API call starts: returns its record's index (-1: no room). */
static int Adv_ApiBegin(int slot, const char *p_call, long arg)
{
    ADV_API *a;

    if (Adv.Printed) {
        return -1;
    }
    if (Adv.ApiN >= ADV_MAX_API) {
        Adv.ApiDropped++;
        return -1;
    }
    a        = &Adv.Api[Adv.ApiN];
    a->T0    = Adv_Now();
    a->T     = -1.0;
    a->Slot  = slot;
    a->Call  = p_call;
    a->Ret   = -1;
    a->Err   = 0u;
    a->Block = Adv.Block;
    a->Arg   = arg;
    return Adv.ApiN++;
}

/* The API call returned. */
static void Adv_ApiEnd(int idx, int ret, HTTPc_ERR err)
{
    if ((idx < 0) || Adv.Printed) {
        return;
    }
    Adv.Api[idx].T   = Adv_Now();
    Adv.Api[idx].Ret = ret;
    Adv.Api[idx].Err = (unsigned)err;
}

static void Adv_ApiRec(int slot, const char *p_call, int ret, HTTPc_ERR err, long arg)
{
    Adv_ApiEnd(Adv_ApiBegin(slot, p_call, arg), ret, err);
}

static void Adv_Signal(void)
{
    (void)pthread_cond_broadcast(&Adv.Cond);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON output                                                                                */
/* ------------------------------------------------------------------------------------------ */

static void Adv_JsonStr(FILE *f, const char *p, size_t len)
{
    size_t i;

    fputc('"', f);
    for (i = 0u; i < len; i++) {
        unsigned char c = (unsigned char)p[i];

        if ((c == '"') || (c == '\\')) {
            fputc('\\', f);
            fputc((int)c, f);
        } else if ((c < 0x20u) || (c >= 0x7Fu)) {
            fprintf(f, "\\u%04x", (unsigned)c);
        } else {
            fputc((int)c, f);
        }
    }
    fputc('"', f);
}

static void Adv_JsonStats(FILE *f, const ADV_STATS *p)
{
    fprintf(f,
            "{\"send_calls\":%lu,\"send_bytes\":%lu,\"send_wouldblock\":%lu,\"send_closed\":%lu,"
            "\"send_err\":%lu,\"recv_calls\":%lu,\"recv_bytes\":%lu,\"recv_wouldblock\":%lu,"
            "\"recv_closed\":%lu,\"recv_err\":%lu,\"wait_calls\":%lu,\"wait_zero\":%lu,"
            "\"connect_calls\":%lu,\"connect_poll_calls\":%lu,\"passes\":%lu,\"pass_zero\":%lu}",
            p->SendCalls, p->SendBytes, p->SendWouldBlock, p->SendClosed, p->SendErr,
            p->RecvCalls, p->RecvBytes, p->RecvWouldBlock, p->RecvClosed, p->RecvErr,
            p->WaitCalls, p->WaitZero, p->ConnectCalls, p->ConnectPollCalls, p->Passes, p->PassZero);
}

static void Adv_StatsDiff(const ADV_STATS *a, const ADV_STATS *b, ADV_STATS *d)
{
    d->SendCalls        = b->SendCalls - a->SendCalls;
    d->SendBytes        = b->SendBytes - a->SendBytes;
    d->SendWouldBlock   = b->SendWouldBlock - a->SendWouldBlock;
    d->SendClosed       = b->SendClosed - a->SendClosed;
    d->SendErr          = b->SendErr - a->SendErr;
    d->RecvCalls        = b->RecvCalls - a->RecvCalls;
    d->RecvBytes        = b->RecvBytes - a->RecvBytes;
    d->RecvWouldBlock   = b->RecvWouldBlock - a->RecvWouldBlock;
    d->RecvClosed       = b->RecvClosed - a->RecvClosed;
    d->RecvErr          = b->RecvErr - a->RecvErr;
    d->WaitCalls        = b->WaitCalls - a->WaitCalls;
    d->WaitZero         = b->WaitZero - a->WaitZero;
    d->ConnectCalls     = b->ConnectCalls - a->ConnectCalls;
    d->ConnectPollCalls = b->ConnectPollCalls - a->ConnectPollCalls;
    d->Passes           = b->Passes - a->Passes;
    d->PassZero         = b->PassZero - a->PassZero;
}

/* Completions one send got: the hook calls; a blocking send that returned without any hook
 * call counts its return as the one completion report. */
static int Adv_Completions(const ADV_SEND *p)
{
    if (p->Block && (p->Hooks == 0) && p->Returned) {
        return 1;
    }
    return p->Hooks;
}

/* Lock held. Prints the one JSON line. */
static void Adv_PrintJson(const char *p_result)
{
    FILE             *f = stdout;
    const ADV_SAMPLE *trig = &Adv.Marks[Adv.Case->Trigger];
    const ADV_SAMPLE *end  = &Adv.Marks[MARK_END];
    int               i;
    int               first;
    long              accepted = 0;
    long              ok = 0;
    long              fail = 0;

    if (Adv.Printed) {
        return;
    }
    Adv.Printed = 1;

    fprintf(f, "{\"case\":\"%s\",\"mode\":\"%s\",\"block\":%s,\"result\":\"%s\"", Adv.Case->Name,
            Adv.PollMode ? "poll" : "task", Adv.Block ? "true" : "false", p_result);
    fprintf(f,
            ",\"settings\":{\"close_timeout_ms\":%u,\"tx_stall_timeout_ms\":%u,\"trans_timeout_ms\":%u,"
            "\"connect_timeout_ms\":%u,\"ping_interval_ms\":%u,\"pong_timeout_ms\":%u,\"msgq_size\":%u,"
            "\"poll_cap_ms\":%.0f,\"watchdog_ms\":%.0f}",
            ADV_CLOSE_TIMEOUT_MS, (unsigned)Adv.Case->TxStallMs, ADV_TRANS_TIMEOUT_MS,
            ADV_CONNECT_TIMEOUT_MS, (unsigned)Adv.Case->PingMs, (unsigned)Adv.Case->PongMs,
            (unsigned)Adv.Case->MsgQSize, Adv.PollCapMs, Adv.WatchdogMs);
    fprintf(f, ",\"trigger\":\"%s\"", Adv_MarkNames[Adv.Case->Trigger]);
    if (trig->Set && end->Set) {
        ADV_STATS d;

        fprintf(f, ",\"elapsed_ms\":%.1f,\"cpu_ms\":%.2f", end->T - trig->T, end->Cpu - trig->Cpu);
        Adv_StatsDiff(&trig->Stats, &end->Stats, &d);
        fputs(",\"port_window\":", f);
        Adv_JsonStats(f, &d);
    } else {
        fputs(",\"elapsed_ms\":null,\"cpu_ms\":null,\"port_window\":null", f);
    }
    fprintf(f, ",\"wall_ms\":%.1f,\"cpu_total_ms\":%.2f", Adv_Now(), Adv_CpuMs() - Adv.StartCpu);

    fputs(",\"marks\":{", f);
    first = 1;
    for (i = 0; i < MARK_NBR; i++) {
        if (!Adv.Marks[i].Set) {
            continue;
        }
        fprintf(f, "%s\"%s\":{\"t\":%.1f,\"cpu\":%.2f}", first ? "" : ",", Adv_MarkNames[i],
                Adv.Marks[i].T, Adv.Marks[i].Cpu - Adv.StartCpu);
        first = 0;
    }
    fputc('}', f);

    fputs(",\"events\":[", f);
    for (i = 0; i < Adv.EventN; i++) {
        const ADV_EVENT *e = &Adv.Events[i];

        fprintf(f, "%s{\"t\":%.1f,\"c\":%d,\"ev\":\"%s\"", (i == 0) ? "" : ",", e->T, e->Slot,
                Adv_EvNames[e->Kind]);
        switch (e->Kind) {
            case EV_CONNECT:
                fprintf(f, ",\"status\":%ld", e->A);
                break;
            case EV_CONN_CLOSE:
                fprintf(f, ",\"status\":%ld,\"err\":%ld", e->A, e->B);
                break;
            case EV_TRANS_COMPLETE:
                fprintf(f, ",\"status\":%ld,\"resp_status\":%ld", e->A, e->B);
                break;
            case EV_REQ_ERR:
            case EV_WS_ERR:
                fprintf(f, ",\"err\":%ld", e->A);
                break;
            case EV_WS_CLOSE:
                fprintf(f, ",\"code\":%ld,\"reason_len\":%ld", e->A, e->B);
                break;
            case EV_TX_COMPLETE:
                fprintf(f, ",\"send\":%ld,\"status\":%ld", e->A, e->B);
                break;
            case EV_RX:
                fprintf(f, ",\"type\":%ld,\"len\":%ld", e->A, e->B);
                break;
            case EV_PONG:
                fprintf(f, ",\"len\":%ld", e->A);
                break;
            case EV_OPEN:
            default:
                break;
        }
        fputc('}', f);
    }
    fprintf(f, "],\"events_dropped\":%ld", Adv.EventsDropped);

    fputs(",\"api\":[", f);
    for (i = 0; i < Adv.ApiN; i++) {
        const ADV_API *a = &Adv.Api[i];

        fprintf(f, "%s{\"t0\":%.1f,\"t\":%.1f,\"c\":%d,\"call\":\"%s\",\"ret\":%d,\"err\":%u,\"block\":%s,\"arg\":%ld}",
                (i == 0) ? "" : ",", a->T0, a->T, a->Slot, a->Call, a->Ret, a->Err,
                a->Block ? "true" : "false", a->Arg);
    }
    fprintf(f, "],\"api_dropped\":%ld", Adv.ApiDropped);

    fputs(",\"completions\":[", f);
    first = 1;
    for (i = 0; i < Adv.SendN; i++) {
        const ADV_SEND *p = &Adv.Sends[i];

        if (!p->Accepted) {
            continue;
        }
        accepted++;
        if (p->Hooks > 0) {
            if (p->LastStatus == DEF_OK) {
                ok++;
            } else {
                fail++;
            }
        }
        fprintf(f, "%s%d", first ? "" : ",", Adv_Completions(p));
        first = 0;
    }
    fprintf(f, "],\"msgs_sent\":%ld,\"msgs_ok\":%ld,\"msgs_failed\":%ld,\"sends_dropped\":%ld",
            accepted, ok, fail, Adv.SendsDropped);

    fputs(",\"rx\":[", f);
    for (i = 0; i < Adv.RxN; i++) {
        const ADV_RX *r = &Adv.Rx[i];

        fprintf(f, "%s{\"c\":%d,\"type\":%d,\"len\":%u,\"data\":", (i == 0) ? "" : ",", r->Slot,
                r->Type, r->Len);
        Adv_JsonStr(f, r->Data, r->Kept);
        fputc('}', f);
    }
    fprintf(f, "],\"rx_count\":%ld,\"pongs\":%ld,\"param_refused\":%ld", Adv.RxCount, Adv.Pongs,
            Adv.ParamRefused);

    fputs(",\"resp_status\":[", f);
    for (i = 0; i < Adv.Case->Slots; i++) {
        fprintf(f, "%s%u", (i == 0) ? "" : ",", (unsigned)Adv.Slots[i].Resp.StatusCode);
    }
    fputs("],\"port\":", f);
    Adv_JsonStats(f, &Adv.Stats);
    fputs("}\n", f);
    fflush(f);
}

/* ------------------------------------------------------------------------------------------ */
/* Port wrappers (counters, and the "stall" mark)                                            */
/* ------------------------------------------------------------------------------------------ */

static CPU_INT32S Adv_PortConnect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port, CPU_INT32U timeout_ms,
                                  const HTTPc_PORT_SECURE_CFG *p_secure, CPU_INT16U inactivity_s,
                                  CPU_BOOLEAN keep_alive, void **p_handle)
{
    CPU_INT32S r = Adv_PortOrig.Connect(p_ctx, p_host, port, timeout_ms, p_secure, inactivity_s,
                                        keep_alive, p_handle);

    LOCK();
    Adv.Stats.ConnectCalls++;
    UNLOCK();
    return r;
}

static CPU_INT32S Adv_PortConnectPoll(void *p_ctx, void *handle)
{
    CPU_INT32S r = Adv_PortOrig.ConnectPoll(p_ctx, handle);

    LOCK();
    Adv.Stats.ConnectPollCalls++;
    UNLOCK();
    return r;
}

static CPU_INT32S Adv_PortSend(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    CPU_INT32S r = Adv_PortOrig.Send(p_ctx, handle, p_data, len);

    LOCK();
    Adv.Stats.SendCalls++;
    if (r > 0) {
        Adv.Stats.SendBytes += (unsigned long)r;
        Adv.SendProgressSeen = 1;
        Adv.SendBlocked      = 0;
    } else if ((r == 0) || (r == HTTPc_PORT_WOULD_BLOCK)) {
        Adv.Stats.SendWouldBlock++;
        if (!Adv.SendBlocked) {
            Adv.SendBlocked   = 1;
            Adv.BlockedSinceT = Adv_Now();
            if (Adv.SendProgressSeen) {
                Adv_Mark(MARK_STALL, 1);      /* the last progress -> blocked transition wins */
            }
        }
    } else if (r == HTTPc_PORT_CLOSED) {
        Adv.Stats.SendClosed++;
    } else {
        Adv.Stats.SendErr++;
    }
    UNLOCK();
    return r;
}

static CPU_INT32S Adv_PortRecv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    CPU_INT32S r = Adv_PortOrig.Recv(p_ctx, handle, p_buf, len);

    LOCK();
    Adv.Stats.RecvCalls++;
    if (r > 0) {
        Adv.Stats.RecvBytes += (unsigned long)r;
    } else if ((r == 0) || (r == HTTPc_PORT_WOULD_BLOCK)) {
        Adv.Stats.RecvWouldBlock++;
    } else if (r == HTTPc_PORT_CLOSED) {
        Adv.Stats.RecvClosed++;
    } else {
        Adv.Stats.RecvErr++;
    }
    UNLOCK();
    return r;
}

static void Adv_PortWait(void *p_ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr_entries,
                         CPU_INT32U timeout_ms)
{
    LOCK();
    Adv.Stats.WaitCalls++;
    if (timeout_ms == 0u) {
        Adv.Stats.WaitZero++;
    }
    UNLOCK();
    Adv_PortOrig.Wait(p_ctx, p_entries, nbr_entries, timeout_ms);
}

/* ------------------------------------------------------------------------------------------ */
/* Hooks                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static ADV_SLOT *Adv_SlotOf(HTTPc_CONN_OBJ *p_conn)
{
    return (ADV_SLOT *)p_conn->UserDataPtr;
}

static void Adv_OnConnect(HTTPc_CONN_OBJ *p_conn, CPU_BOOLEAN open_status)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    LOCK();
    Adv_Event(s->Idx, EV_CONNECT, (long)open_status, 0);
    s->ConnectN++;
    s->ConnectStatus = (int)open_status;
    if (open_status != DEF_OK) {
        ADV_SAMPLE smp;

        Adv_TakeSample(&smp);
        Adv_EndCandidate(s, &smp);
    }
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnConnClose(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS close_status, HTTPc_ERR err)
{
    ADV_SLOT  *s = Adv_SlotOf(p_conn);
    ADV_SAMPLE smp;

    LOCK();
    Adv_Event(s->Idx, EV_CONN_CLOSE, (long)close_status, (long)err);
    s->ConnCloseN++;
    Adv_TakeSample(&smp);
    Adv_EndCandidate(s, &smp);
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnTransComplete(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_RESP_OBJ *p_resp,
                                CPU_BOOLEAN status)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    (void)p_req;
    LOCK();
    Adv_Event(s->Idx, EV_TRANS_COMPLETE, (long)status, (p_resp != NULL) ? (long)p_resp->StatusCode : -1L);
    s->TransCompleteN++;
    s->RespStatus     = (p_resp != NULL) ? (unsigned)p_resp->StatusCode : 0u;
    s->TransCompleteT = Adv_Now();
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnTransErr(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_ERR err)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    (void)p_req;
    LOCK();
    Adv_Event(s->Idx, EV_REQ_ERR, (long)err, 0);
    s->ReqErrN++;
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnOpen(HTTPc_CONN_OBJ *p_conn)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    LOCK();
    Adv_Event(s->Idx, EV_OPEN, 0, 0);
    if (s->OpenN++ == 0) {
        s->OpenT = Adv_Now();
    }
    Adv_Mark(MARK_OPEN, 0);
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnWsErr(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    LOCK();
    Adv_Event(s->Idx, EV_WS_ERR, (long)err, 0);
    s->WsErrN++;
    Adv_Mark(MARK_FIRST_ERR, 0);
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnWsClose(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE close_code,
                          HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    LOCK();
    Adv_Event(s->Idx, EV_WS_CLOSE, (long)close_code, (p_reason != NULL) ? (long)p_reason->Len : -1L);
    s->WsCloseN++;
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnPong(HTTPc_CONN_OBJ *p_conn, CPU_CHAR *p_data, CPU_INT16U data_len)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    (void)p_data;
    LOCK();
    Adv.Pongs++;
    if (Adv.Pongs <= 20) {
        Adv_Event(s->Idx, EV_PONG, (long)data_len, 0);
    }
    UNLOCK();
}

static void Adv_OnMsgRxInit(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, CPU_INT32U msg_len,
                            void **p_data)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    (void)msg_len;
    *p_data = NULL;                                  /* Streaming: data comes to OnMsgRxData. */
    LOCK();
    memset(&s->RxCur, 0, sizeof(s->RxCur));
    s->RxCur.Slot = s->Idx;
    s->RxCur.Type = (int)msg_type;
    s->RxActive   = 1;
    UNLOCK();
}

static CPU_INT32U Adv_OnMsgRxData(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, void *p_data,
                                  CPU_INT16U data_len)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);
    unsigned  room;
    unsigned  n;

    (void)msg_type;
    LOCK();
    room = ADV_RX_KEEP - s->RxCur.Kept;
    n    = (data_len < room) ? (unsigned)data_len : room;
    if ((n > 0u) && (p_data != NULL)) {
        memcpy(&s->RxCur.Data[s->RxCur.Kept], p_data, n);
        s->RxCur.Kept += n;
    }
    s->RxCur.Len += data_len;
    UNLOCK();
    return data_len;
}

static void Adv_OnMsgRxComplete(HTTPc_CONN_OBJ *p_conn)
{
    ADV_SLOT *s = Adv_SlotOf(p_conn);

    LOCK();
    Adv.RxCount++;
    if (Adv.RxCount <= 200) {
        Adv_Event(s->Idx, EV_RX, (long)s->RxCur.Type, (long)s->RxCur.Len);
    }
    if (Adv.RxN < ADV_MAX_RX) {
        Adv.Rx[Adv.RxN++] = s->RxCur;
    }
    s->RxActive = 0;
    Adv_Signal();
    UNLOCK();
}

static void Adv_OnMsgTxComplete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN status)
{
    ADV_MSG *m = (ADV_MSG *)p_msg->UserDataPtr;
    int      slot = (m != NULL) ? m->Slot : -1;

    (void)p_conn;
    LOCK();
    if ((m != NULL) && (m->CurSend >= 0) && (m->CurSend < Adv.SendN)) {
        ADV_SEND *p = &Adv.Sends[m->CurSend];

        p->Hooks++;
        p->LastStatus = (int)status;
        Adv_Event(slot, EV_TX_COMPLETE, (long)m->CurSend, (long)status);
        m->Busy = 0;
        if ((status != DEF_OK) && (slot >= 0)) {
            Adv.Slots[slot].TxFailN++;
        }
    } else {
        Adv_Event(slot, EV_TX_COMPLETE, -1L, (long)status);   /* unknown message: a bug      */
    }
    Adv_Signal();
    UNLOCK();
}

/* ------------------------------------------------------------------------------------------ */
/* Watchdog                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static void *Adv_Watchdog(void *p_arg)
{
    (void)p_arg;
    LOCK();
    while (!Adv.Done) {
        double left = Adv.WatchdogMs - Adv_Now();

        if (left <= 0.0) {
            if (!Adv.Printed) {
                Adv_TakeSample(&Adv.Marks[MARK_END]);
                Adv_PrintJson("timeout");
            }
            UNLOCK();
            fflush(stdout);
            _exit(3);
        }
        Adv_CondWaitMs(&Adv.WdCond, (left > 1000.0) ? 1000.0 : left);
    }
    UNLOCK();
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Setup                                                                                      */
/* ------------------------------------------------------------------------------------------ */

typedef void (*ADV_FN)(void);

/* A hook as the legacy API's void *p_param (no function-to-object pointer cast). */
static void *Adv_Fn(ADV_FN fn)
{
    void *p;

    memcpy(&p, &fn, sizeof(p));
    return p;
}
#define FN(f) Adv_Fn((ADV_FN)(f))

static void Adv_Die(const char *p_fmt, ...)
{
    va_list args;

    fputs("adv_client: ", stderr);
    va_start(args, p_fmt);
    vfprintf(stderr, p_fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(2);
}

/* Record a setup call's error; a refused parameter is noted but does not stop the case (the
 * library may not know a new parameter yet). */
static void Adv_SetupRec(int slot, const char *p_call, long type, HTTPc_ERR err)
{
    LOCK();
    Adv_ApiRec(slot, p_call, (err == HTTPc_ERR_NONE) ? 1 : 0, err, type);
    if (err != HTTPc_ERR_NONE) {
        Adv.ParamRefused++;
    }
    UNLOCK();
    if (err != HTTPc_ERR_NONE) {
        fprintf(stderr, "adv_client: %s(type %ld) refused: err %u\n", p_call, type, (unsigned)err);
    }
}

static void Adv_MsgInit(ADV_SLOT *s, ADV_MSG *m)
{
    HTTPc_ERR err;

    m->Slot    = s->Idx;
    m->Busy    = 0;
    m->CurSend = -1;
    HTTPc_WebSockMsgClr(&m->Obj, &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_WebSockMsgClr failed: err %u", (unsigned)err);
    }
    HTTPc_WebSockMsgSetParam(&m->Obj, HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, m, &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_WebSockMsgSetParam(USER_DATA) failed: err %u", (unsigned)err);
    }
    HTTPc_WebSockMsgSetParam(&m->Obj, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, FN(Adv_OnMsgTxComplete), &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_WebSockMsgSetParam(ON_TX_COMPLETE) failed: err %u", (unsigned)err);
    }
}

static void Adv_SlotInit(ADV_SLOT *s, int idx)
{
    const ADV_CASE *c = Adv.Case;
    HTTPc_ERR       err;
    CPU_BOOLEAN     persistent = DEF_YES;
    NET_PORT_NBR    port = Adv.Port;
    CPU_INT16U      connect_ms = (CPU_INT16U)ADV_CONNECT_TIMEOUT_MS;
    CPU_INT32U      trans_ms = ADV_TRANS_TIMEOUT_MS;
    CPU_INT32U      close_ms = ADV_CLOSE_TIMEOUT_MS;
    CPU_INT32U      stall_ms = c->TxStallMs;
    CPU_INT32U      ping_ms = c->PingMs;
    CPU_INT32U      pong_ms = c->PongMs;
    int             k;

    s->Idx = idx;
    HTTPc_ConnClr(&s->Conn, &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_ConnClr failed: err %u", (unsigned)err);
    }
    s->Conn.UserDataPtr = s;
    HTTPc_ReqClr(&s->Req, &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_ReqClr failed: err %u", (unsigned)err);
    }
    HTTPc_WebSockClr(&s->Ws, &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_WebSockClr failed: err %u", (unsigned)err);
    }
    for (k = 0; k < ADV_NQ; k++) {
        Adv_MsgInit(s, &s->Data[k]);
    }
    Adv_MsgInit(s, &s->Ctl);

    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err);
    Adv_SetupRec(idx, "ConnSetParam", HTTPc_PARAM_TYPE_SERVER_PORT, err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_PERSISTENT, &persistent, &err);
    Adv_SetupRec(idx, "ConnSetParam", HTTPc_PARAM_TYPE_PERSISTENT, err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_CONNECT_TIMEOUT, &connect_ms, &err);
    Adv_SetupRec(idx, "ConnSetParam", HTTPc_PARAM_TYPE_CONNECT_TIMEOUT, err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, &trans_ms, &err);
    Adv_SetupRec(idx, "ConnSetParam", HTTPc_PARAM_TYPE_TRANS_TIMEOUT_MS, err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, FN(Adv_OnConnClose), &err);
    Adv_SetupRec(idx, "ConnSetParam", HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, err);
    HTTPc_ConnSetParam(&s->Conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, FN(Adv_OnConnect), &err);
    Adv_SetupRec(idx, "ConnSetParam", HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, err);

    HTTPc_ReqSetParam(&s->Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, FN(Adv_OnTransComplete), &err);
    Adv_SetupRec(idx, "ReqSetParam", HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, err);
    HTTPc_ReqSetParam(&s->Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, FN(Adv_OnTransErr), &err);
    Adv_SetupRec(idx, "ReqSetParam", HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, err);

    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, FN(Adv_OnOpen), &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, FN(Adv_OnWsClose), &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, FN(Adv_OnWsErr), &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG, FN(Adv_OnPong), &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, FN(Adv_OnMsgRxInit), &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, FN(Adv_OnMsgRxData), &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, FN(Adv_OnMsgRxComplete), &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, &close_ms, &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, err);
    HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS, &stall_ms, &err);
    Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_TX_STALL_TIMEOUT_MS, err);
    if (ping_ms > 0u) {
        HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS, &ping_ms, &err);
        Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS, err);
        HTTPc_WebSockSetParam(&s->Ws, HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS, &pong_ms, &err);
        Adv_SetupRec(idx, "WebSockSetParam", HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS, err);
    }

    err = HTTPc_ERR_NONE;
    s->CloseLen = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, "bye", s->CloseBuf,
                                           (CPU_INT16U)sizeof(s->CloseBuf), &err);
    if ((s->CloseLen == 0u) || (err != HTTPc_ERR_NONE)) {
        Adv_Die("HTTPc_WebSockFmtCloseMsg failed: err %u", (unsigned)err);
    }
}

static void Adv_ParseUrl(const char *p_url)
{
    const char   *p;
    size_t        host_len;
    char         *p_end;
    unsigned long port;

    if (strncmp(p_url, "ws://", 5u) != 0) {
        Adv_Die("'%s': the URL must start with ws://", p_url);
    }
    p        = p_url + 5;
    host_len = strcspn(p, ":/");
    if ((host_len == 0u) || (host_len >= sizeof(Adv.Host))) {
        Adv_Die("'%s': bad host", p_url);
    }
    memcpy(Adv.Host, p, host_len);
    Adv.Host[host_len] = '\0';
    if (strcmp(Adv.Host, "127.0.0.1") != 0) {
        Adv_Die("'%s': the adversarial cases only run against 127.0.0.1", p_url);
    }
    p += host_len;
    if (*p != ':') {
        Adv_Die("'%s': a port is required", p_url);
    }
    p++;
    errno = 0;
    port  = strtoul(p, &p_end, 10);
    if ((p_end == p) || (errno != 0) || (port == 0ul) || (port > 65535ul) ||
        ((*p_end != '\0') && (*p_end != '/'))) {
        Adv_Die("'%s': bad port", p_url);
    }
    Adv.Port = (CPU_INT16U)port;
    Adv.Path = (*p_end == '\0') ? "/" : p_end;
}

/* ------------------------------------------------------------------------------------------ */
/* Client actions (main thread, lock NOT held)                                                */
/* ------------------------------------------------------------------------------------------ */

static void Adv_Open(ADV_SLOT *s)
{
    HTTPc_ERR   err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    HTTPc_FLAGS flags = Adv.Block ? HTTPc_FLAG_NONE : HTTPc_FLAG_CONN_NO_BLOCK;

    int         api;

    LOCK();
    if (s->Idx == 0) {
        Adv_Mark(MARK_CONNECT_CALL, 0);
    }
    api = Adv_ApiBegin(s->Idx, "ConnOpen", -1L);
    UNLOCK();
    s->OpenCalled = 1;
    ok = HTTPc_ConnOpen(&s->Conn, s->ConnBuf, (CPU_INT16U)sizeof(s->ConnBuf), Adv.Host,
                        (CPU_INT16U)strlen(Adv.Host), flags, &err);
    LOCK();
    Adv_ApiEnd(api, (int)ok, err);
    if (Adv.Block) {
        if (ok == DEF_OK) {
            s->OpenedBlocking = 1;
        } else {
            ADV_SAMPLE smp;

            s->OpenFailed = 1;
            Adv_TakeSample(&smp);
            Adv_EndCandidate(s, &smp);
        }
    } else if (err != HTTPc_ERR_NONE) {          /* Refused: no OnConnect will come.          */
        ADV_SAMPLE smp;

        s->OpenFailed = 1;
        Adv_TakeSample(&smp);
        Adv_EndCandidate(s, &smp);
    }
    UNLOCK();
}

static void Adv_Upgrade(ADV_SLOT *s)
{
    HTTPc_ERR   err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    HTTPc_FLAGS flags = Adv.Block ? HTTPc_FLAG_NONE : HTTPc_FLAG_WEBSOCK_NO_BLOCK;

    int         api;

    LOCK();
    Adv_Mark(MARK_UPGRADE_CALL, 0);
    s->UpgradeT = Adv_Now();
    api = Adv_ApiBegin(s->Idx, "WebSockUpgrade", -1L);
    UNLOCK();
    s->UpgradeCalled = 1;
    ok = HTTPc_WebSockUpgrade(&s->Conn, &s->Req, &s->Resp, &s->Ws, (CPU_CHAR *)Adv.Path,
                              (CPU_INT16U)strlen(Adv.Path), flags, &err);
    LOCK();
    Adv_ApiEnd(api, (int)ok, err);
    if (Adv.Block) {
        if (ok != DEF_OK) {
            ADV_SAMPLE smp;

            s->UpgradeBlockFailed = 1;
            s->BlockFailT         = Adv_Now();
            Adv_TakeSample(&smp);
            Adv_EndCandidate(s, &smp);
        } else if (s->Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) {
            s->BlockRefused  = 1;
            s->BlockRefusedT = Adv_Now();
        }
    } else if (err != HTTPc_ERR_NONE) {
        s->UpgradeApiRefused = 1;
    }
    UNLOCK();
}

static void Adv_ConnClose(ADV_SLOT *s, int mark)
{
    HTTPc_ERR err = HTTPc_ERR_NONE;
    int       api;

    LOCK();
    if (mark) {
        Adv_Mark(MARK_CLOSE_CALL, 0);
    }
    api = Adv_ApiBegin(s->Idx, "ConnClose", -1L);
    UNLOCK();
    s->ConnCloseCalled = 1;
    HTTPc_ConnClose(&s->Conn, HTTPc_FLAG_CONN_NO_BLOCK, &err);
    LOCK();
    Adv_ApiEnd(api, 1, err);
    UNLOCK();
}

/* One HTTPc_WebSockSend, with its completion bookkeeping. Returns the API result. */
static CPU_BOOLEAN Adv_Send(ADV_SLOT *s, ADV_MSG *m, HTTPc_WEBSOCK_MSG_TYPE type, CPU_CHAR *p_data,
                            CPU_INT32U len)
{
    HTTPc_ERR   err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    HTTPc_FLAGS flags = Adv.Block ? HTTPc_FLAG_NONE : HTTPc_FLAG_WEBSOCK_NO_BLOCK;
    int         idx = -1;
    int         api;

    LOCK();
    if (type == HTTPc_WEBSOCK_MSG_TYPE_CLOSE) {
        Adv_Mark(MARK_CLOSE_CALL, 0);
    }
    if (Adv.SendN < ADV_MAX_SENDS) {
        ADV_SEND *p;

        idx         = Adv.SendN++;
        p           = &Adv.Sends[idx];
        p->Slot     = s->Idx;
        p->Type     = (int)type;
        p->Block    = Adv.Block;
        p->Accepted = Adv.Block;      /* blocking: the call itself reports (see Adv_Completions) */
    } else {
        Adv.SendsDropped++;
    }
    m->CurSend = idx;
    m->Busy    = 1;
    api        = Adv_ApiBegin(s->Idx, "WebSockSend", (long)type);
    UNLOCK();

    ok = HTTPc_WebSockSend(&s->Conn, &m->Obj, type, p_data, len, flags, &err);

    LOCK();
    Adv_ApiEnd(api, (int)ok, err);
    if (Adv.Block) {
        if (idx >= 0) {
            Adv.Sends[idx].Returned = 1;
        }
        m->Busy = 0;
        if ((ok != DEF_OK) && (s->ConnCloseN > 0)) {
            ADV_SAMPLE smp;                     /* The failed call ended the connection.      */

            Adv_TakeSample(&smp);
            Adv_EndCandidate(s, &smp);
        }
        if (ok != DEF_OK) {
            s->TxFailN++;
        }
    } else if (ok == DEF_OK) {
        if (idx >= 0) {
            Adv.Sends[idx].Accepted = 1;
        }
    } else {
        m->Busy = 0;                            /* Refused: no completion will come.          */
        s->TxRefused = 1;                       /* (e.g. the server's Close is being handled)  */
        if (idx >= 0) {
            Adv.Sends[idx].Accepted = 0;
        }
    }
    UNLOCK();
    return ok;
}

static void Adv_SendClose(ADV_SLOT *s)
{
    s->CloseSent = 1;
    (void)Adv_Send(s, &s->Ctl, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, s->CloseBuf, s->CloseLen);
}

/* ------------------------------------------------------------------------------------------ */
/* The case script                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct adv_view {
    int    ConnectN, ConnectStatus, ConnCloseN, OpenN, TransCompleteN, WsErrN, WsCloseN, TxFailN, TxRefused;
    int    ReqErrN;
    double OpenT, TransCompleteT;
    unsigned RespStatus;
    int    FreeData[ADV_NQ];
    int    Busy;
} ADV_VIEW;

static void Adv_View(const ADV_SLOT *s, ADV_VIEW *v)
{
    int k;

    LOCK();
    v->ConnectN       = s->ConnectN;
    v->ConnectStatus  = s->ConnectStatus;
    v->ConnCloseN     = s->ConnCloseN;
    v->OpenN          = s->OpenN;
    v->OpenT          = s->OpenT;
    v->TransCompleteN = s->TransCompleteN;
    v->TransCompleteT = s->TransCompleteT;
    v->RespStatus     = s->RespStatus;
    v->WsErrN         = s->WsErrN;
    v->WsCloseN       = s->WsCloseN;
    v->TxFailN        = s->TxFailN;
    v->TxRefused      = s->TxRefused;
    v->ReqErrN        = s->ReqErrN;
    v->Busy           = 0;
    for (k = 0; k < ADV_NQ; k++) {
        v->FreeData[k] = !s->Data[k].Busy;
        v->Busy += s->Data[k].Busy;
    }
    UNLOCK();
}

static int Adv_Connected(const ADV_SLOT *s, const ADV_VIEW *v)
{
    if (Adv.Block) {
        return s->OpenedBlocking;
    }
    return (v->ConnectN > 0) && (v->ConnectStatus == DEF_OK);
}

static int Adv_SlotFinished(ADV_SLOT *s, const ADV_VIEW *v, double now)
{
    if (!s->OpenCalled) {
        return 0;
    }
    if (s->OpenFailed || (v->ConnCloseN > 0) || ((v->ConnectN > 0) && (v->ConnectStatus != DEF_OK))) {
        return 1;
    }
    if (s->UpgradeBlockFailed && ((now - s->BlockFailT) >= ADV_BLOCK_FAIL_GRACE_MS)) {
        return 1;                           /* Failed blocking upgrade and no OnClose: done.   */
    }
    return 0;
}

/* The send path has refused bytes for ADV_STALL_DETECT_MS with data messages in flight. */
static int Adv_Stalled(const ADV_VIEW *v, double now)
{
    int stalled;

    LOCK();
    stalled = Adv.SendBlocked && ((now - Adv.BlockedSinceT) >= ADV_STALL_DETECT_MS);
    UNLOCK();
    return stalled && (v->Busy > 0);
}

/* One step of one connection's script. Returns 1 when it called the API. `p_due` is lowered
 * to the time of its next timed action. */
static int Adv_SlotStep(ADV_SLOT *s, double now, double *p_due)
{
    const ADV_CASE *c = Adv.Case;
    ADV_VIEW        v;
    int             k;
    int             i;
    int             all_connected = 1;

    Adv_View(s, &v);
    if (!s->OpenCalled) {
        Adv_Open(s);
        return 1;
    }
    if (s->Finished) {
        return 0;
    }
    if (Adv_SlotFinished(s, &v, now)) {
        s->Finished = 1;
        return 0;
    }
    if (s->UpgradeBlockFailed) {
        double due = s->BlockFailT + ADV_BLOCK_FAIL_GRACE_MS;

        *p_due = (due < *p_due) ? due : *p_due;
        return 0;
    }

    /* Upgrade once every connection of the case is connected (msgq: both at once). */
    if (!s->UpgradeCalled) {
        for (i = 0; i < c->Slots; i++) {
            ADV_VIEW w;

            Adv_View(&Adv.Slots[i], &w);
            if (!Adv_Connected(&Adv.Slots[i], &w) && !Adv.Slots[i].Finished) {
                all_connected = 0;
            }
        }
        if (Adv_Connected(s, &v) && all_connected) {
            if (Adv.Block) {
                Adv_Upgrade(s);
                return 1;
            }
            /* Non-blocking: every slot at once, in slot order, whichever slot's connect came
             * last (msgq: the bound then refuses the later slots, whatever the timing). */
            for (i = 0; i < c->Slots; i++) {
                if (!Adv.Slots[i].UpgradeCalled && !Adv.Slots[i].Finished) {
                    Adv_Upgrade(&Adv.Slots[i]);
                }
            }
            return 1;
        }
        return 0;
    }

    /* Application close during the upgrade. */
    if ((c->ConnCloseAfterUpgMs >= 0.0) && !s->ConnCloseCalled && (v.OpenN == 0)) {
        double due = s->UpgradeT + c->ConnCloseAfterUpgMs;

        if (now >= due) {
            Adv_ConnClose(s, 1);
            return 1;
        }
        *p_due = (due < *p_due) ? due : *p_due;
    }

    /* An upgrade the API refused, or a refused upgrade that left the connection open. */
    if (s->UpgradeApiRefused && !s->ConnCloseCalled) {
        Adv_ConnClose(s, 0);
        return 1;
    }
    if (!s->ConnCloseCalled && (v.OpenN == 0) &&
        (((v.TransCompleteN > 0) && (v.RespStatus != HTTP_STATUS_SWITCHING_PROTOCOLS)) || s->BlockRefused)) {
        double since = s->BlockRefused ? s->BlockRefusedT : v.TransCompleteT;
        double due   = since + ADV_REFUSED_CLOSE_MS;

        if (now >= due) {
            Adv_ConnClose(s, 0);
            return 1;
        }
        *p_due = (due < *p_due) ? due : *p_due;
    }

    /* The open WebSocket. */
    if ((v.OpenN > 0) && (v.ConnCloseN == 0) && !s->CloseSent && !s->ConnCloseCalled) {
        int active = (v.WsErrN == 0) && (v.WsCloseN == 0) && (v.TxFailN == 0) && (v.TxRefused == 0);

        if (c->CloseAfterOpenMs >= 0.0) {
            double due = v.OpenT + c->CloseAfterOpenMs;

            if (now >= due) {
                Adv_SendClose(s);
                return 1;
            }
            *p_due = (due < *p_due) ? due : *p_due;
        }
        if (c->CloseWhenStalled && active) {
            if (Adv_Stalled(&v, now)) {
                Adv_SendClose(s);
                return 1;
            }
            *p_due = (now + 20.0 < *p_due) ? now + 20.0 : *p_due;
        }
        if (active && (c->Tx == TX_FILL)) {
            for (k = 0; k < ADV_NQ; k++) {
                if (v.FreeData[k]) {
                    (void)Adv_Send(s, &s->Data[k], HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, Adv_FillBuf,
                                   ADV_FILL_LEN);
                    return 1;                  /* One per step: the state is looked at again. */
                }
            }
        }
        if (active && (c->Tx == TX_TRICKLE)) {
            double due = s->LastTrickleT + ADV_TRICKLE_MS;

            if (now >= due) {
                for (k = 0; k < ADV_NQ; k++) {
                    if (v.FreeData[k]) {
                        s->LastTrickleT = now;
                        (void)Adv_Send(s, &s->Data[k], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, Adv_TrickleBuf,
                                       ADV_TRICKLE_LEN);
                        return 1;
                    }
                }
            } else {
                *p_due = (due < *p_due) ? due : *p_due;
            }
        }
    }
    return 0;
}

static void Adv_Run(void)
{
    const ADV_CASE *c = Adv.Case;
    double          end_t = -1.0;
    int             i;

    for (;;) {
        double     now;
        double     due;
        double     sleep_ms;
        CPU_INT32U next = (CPU_INT32U)HTTPc_PORT_WAIT_FOREVER;
        int        did = 0;
        int        all_finished = 1;

        if (Adv.PollMode) {
            next = HTTPc_TaskHandler();
            LOCK();
            Adv.Stats.Passes++;
            if (next == 0u) {
                Adv.Stats.PassZero++;
            }
            UNLOCK();
        }

        now = Adv_Now();
        due = now + (Adv.PollMode ? Adv.PollCapMs : ADV_TASK_CAP_MS);
        if (end_t < 0.0) {
            for (i = 0; i < c->Slots; i++) {
                did |= Adv_SlotStep(&Adv.Slots[i], now, &due);
                if (!Adv.Slots[i].Finished) {
                    all_finished = 0;
                }
            }
            if (all_finished && !did) {
                /* Every connection ended: "end" is the latest of their end samples. */
                LOCK();
                for (i = 0; i < c->Slots; i++) {
                    const ADV_SAMPLE *e = &Adv.Slots[i].End;

                    if (e->Set && (!Adv.Marks[MARK_END].Set || (e->T > Adv.Marks[MARK_END].T))) {
                        Adv.Marks[MARK_END] = *e;
                    }
                }
                if (!Adv.Marks[MARK_END].Set) {
                    Adv_TakeSample(&Adv.Marks[MARK_END]);
                }
                UNLOCK();
                end_t = now;
            }
        }
        if (end_t >= 0.0) {
            if ((now - end_t) >= ADV_SETTLE_MS) {
                return;
            }
            due = (end_t + ADV_SETTLE_MS < due) ? end_t + ADV_SETTLE_MS : due;
        }

        sleep_ms = due - now;
        if (did) {
            sleep_ms = 0.0;                     /* Let the engine see what we just queued.     */
        }
        if (Adv.PollMode) {
            if ((double)next < sleep_ms) {
                sleep_ms = (double)next;        /* Trust the library's deadline, nothing more. */
            }
            Adv_SleepMs(sleep_ms);
        } else if (sleep_ms > 0.0) {
            LOCK();
            Adv_CondWaitMs(&Adv.Cond, sleep_ms);
            UNLOCK();
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* main                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static void Adv_Usage(void)
{
    size_t i;

    fprintf(stderr,
            "usage: adv_client --mode poll|task --case NAME --url ws://127.0.0.1:PORT/PATH [--block]\n"
            "                  [--watchdog-ms N] [--poll-cap-ms N]\n"
            "cases:");
    for (i = 0u; i < sizeof(Adv_Cases) / sizeof(Adv_Cases[0]); i++) {
        fprintf(stderr, " %s", Adv_Cases[i].Name);
    }
    fputc('\n', stderr);
}

int main(int argc, char **argv)
{
    const char         *p_mode = NULL;
    const char         *p_case = NULL;
    const char         *p_url = NULL;
    HTTPc_PORT          port;
    HTTPc_ERR           err;
    HTTPc_CFG           cfg;
    static const HTTP_TASK_CFG task_cfg = { 20u, 65536u, NULL };
    pthread_condattr_t  cond_attr;
    pthread_t           wd;
    size_t              i;
    int                 a;

    Adv.WatchdogMs = ADV_WATCHDOG_MS_DFLT;
    Adv.PollCapMs  = ADV_POLL_CAP_MS_DFLT;
    for (a = 1; a < argc; a++) {
        if ((strcmp(argv[a], "--mode") == 0) && (a + 1 < argc)) {
            p_mode = argv[++a];
        } else if ((strcmp(argv[a], "--case") == 0) && (a + 1 < argc)) {
            p_case = argv[++a];
        } else if ((strcmp(argv[a], "--url") == 0) && (a + 1 < argc)) {
            p_url = argv[++a];
        } else if (strcmp(argv[a], "--block") == 0) {
            Adv.Block = 1;
        } else if ((strcmp(argv[a], "--watchdog-ms") == 0) && (a + 1 < argc)) {
            Adv.WatchdogMs = atof(argv[++a]);
        } else if ((strcmp(argv[a], "--poll-cap-ms") == 0) && (a + 1 < argc)) {
            Adv.PollCapMs = atof(argv[++a]);
        } else if ((strcmp(argv[a], "-h") == 0) || (strcmp(argv[a], "--help") == 0)) {
            Adv_Usage();
            return 0;
        } else {
            Adv_Usage();
            return 2;
        }
    }
    if ((p_mode == NULL) || (p_case == NULL) || (p_url == NULL)) {
        Adv_Usage();
        return 2;
    }
    if (strcmp(p_mode, "poll") == 0) {
        Adv.PollMode = 1;
    } else if (strcmp(p_mode, "task") != 0) {
        Adv_Die("--mode must be poll or task");
    }
    for (i = 0u; i < sizeof(Adv_Cases) / sizeof(Adv_Cases[0]); i++) {
        if (strcmp(Adv_Cases[i].Name, p_case) == 0) {
            Adv.Case = &Adv_Cases[i];
        }
    }
    if (Adv.Case == NULL) {
        Adv_Usage();
        Adv_Die("unknown case '%s'", p_case);
    }
    if ((Adv.WatchdogMs < 1000.0) || (Adv.PollCapMs < 1.0)) {
        Adv_Die("--watchdog-ms must be >= 1000 and --poll-cap-ms >= 1");
    }
    Adv_ParseUrl(p_url);

    (void)clock_gettime(CLOCK_MONOTONIC, &Adv.Start);
    Adv.StartCpu = Adv_CpuMs();
    Adv.Events   = (ADV_EVENT *)calloc(ADV_MAX_EVENTS, sizeof(ADV_EVENT));
    Adv.Api      = (ADV_API *)calloc(ADV_MAX_API, sizeof(ADV_API));
    Adv.Sends    = (ADV_SEND *)calloc(ADV_MAX_SENDS, sizeof(ADV_SEND));
    if ((Adv.Events == NULL) || (Adv.Api == NULL) || (Adv.Sends == NULL)) {
        Adv_Die("out of memory");
    }
    for (i = 0u; i < ADV_FILL_LEN; i++) {
        Adv_FillBuf[i] = (char)(i & 0xFFu);
    }
    memset(Adv_TrickleBuf, 't', sizeof(Adv_TrickleBuf));

    if ((pthread_mutex_init(&Adv.Mutex, NULL) != 0) || (pthread_condattr_init(&cond_attr) != 0) ||
        (pthread_condattr_setclock(&cond_attr, CLOCK_MONOTONIC) != 0) ||
        (pthread_cond_init(&Adv.Cond, &cond_attr) != 0) || (pthread_cond_init(&Adv.WdCond, &cond_attr) != 0)) {
        Adv_Die("pthread setup failed");
    }
    (void)pthread_condattr_destroy(&cond_attr);
    if (pthread_create(&wd, NULL, Adv_Watchdog, NULL) != 0) {
        Adv_Die("cannot start the watchdog");
    }

    /* The POSIX port, with counting wrappers around its socket calls. */
    HTTPc_PortPosix_Get(&Adv_PortOrig, Adv.PollMode ? DEF_NO : DEF_YES);
    port = Adv_PortOrig;
    if ((port.Connect == NULL) || (port.Send == NULL) || (port.Recv == NULL) || (port.Wait == NULL) ||
        (port.ConnectPoll == NULL)) {
        Adv_Die("HTTPc_PortPosix_Get failed");
    }
    port.Connect     = Adv_PortConnect;
    port.ConnectPoll = Adv_PortConnectPoll;
    port.Send        = Adv_PortSend;
    port.Recv        = Adv_PortRecv;
    port.Wait        = Adv_PortWait;
    port.TimeGet_ms  = Adv_PortTimeGet;
    HTTPc_PortSet(&port, &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_PortSet failed: err %u", (unsigned)err);
    }

    cfg.TaskDly_ms              = 0u;
    cfg.MsgQ_Size               = Adv.Case->MsgQSize;
    cfg.ConnConnectTimeout_ms   = (CPU_INT16U)ADV_CONNECT_TIMEOUT_MS;
    cfg.ConnInactivityTimeout_s = 30u;
    cfg.ConnIsKeepAlive         = DEF_NO;
    HTTPc_Init(&cfg, &task_cfg, DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        Adv_Die("HTTPc_Init failed: err %u", (unsigned)err);
    }

    for (a = 0; a < Adv.Case->Slots; a++) {
        Adv_SlotInit(&Adv.Slots[a], a);
    }

    Adv_Run();

    LOCK();
    Adv.Done = 1;
    (void)pthread_cond_broadcast(&Adv.WdCond);
    Adv_PrintJson("ended");
    UNLOCK();
    (void)pthread_join(wd, NULL);
    /* The record buffers are not freed: with an engine task, a (buggy) late hook could still
     * look at them until the process ends. */
    return 0;
}
