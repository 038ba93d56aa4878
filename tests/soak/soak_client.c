/*
 * soak_client.c: soak test of httpc-ws through its C API, in engine-task mode (the library's
 * own engine thread, created by the example POSIX port), against one WebSocket echo server.
 *
 *     soak_client [options] ws://HOST:PORT[/PATH]
 *
 * Opens C connections (--conns, default 64), each a WebSocket, and sends M messages on each
 * (--msgs, default 10000): random sizes skewed small (80 % in 0..1 KiB, 15 % up to 8 KiB, 4 %
 * up to --max-size, default 64 KiB, 1 % frame-length edges such as 125/126/65535/65536),
 * random types (binary, and text that is valid UTF-8 with 2-, 3- and 4-byte sequences). At
 * most --window messages (default 4) are in flight per connection: each is queued with a
 * non-blocking HTTPc_WebSockSend and its OnMsgTxComplete is awaited before its message object
 * and payload buffer are reused.
 *
 * Every echo is checked against a per-connection FIFO of (type, length, 64-bit hash) of what
 * was sent; echoes are received in streaming mode (OnMsgRxInit / OnMsgRxData /
 * OnMsgRxComplete) and hashed as they arrive, so large messages need no receive buffer.
 *
 * When a connection ends before its M echoes (the server injected a fault), the messages of
 * that connection whose completion was DEF_FAIL or whose echo never came are counted as
 * "failed by fault" (legitimate), the connection is reopened and continues until M echoes have
 * arrived on it. What must never happen, and makes the run fail:
 *   lost        a message whose OnMsgTxComplete had not come when its connection's OnClose did
 *               (the library promises exactly one completion per send, before OnClose)
 *   duplicated  a second OnMsgTxComplete for one send
 *   mismatched  an echo whose type, length or content differs from the FIFO's head, or an
 *               echo that nothing was waiting for
 *   hung        a connection without progress (echo, completion, open, close) for
 *               --hang-timeout seconds (default 20)
 *   accounting  sent != echoed + failed-by-fault, or sent != completions (+ lost)
 *
 * The main thread never polls: it sleeps on a condition variable, woken by the hooks when a
 * connection must be reopened, and once a second to sample VmRSS from /proc/self/status and
 * print a progress line. The hooks run in the library's engine thread and queue the next
 * sends from there (OnOpen, OnMsgTxComplete, OnMsgRxComplete).
 *
 * Output: a config line, one progress line per second, then a summary (messages/s, MB/s,
 * RSS min/max/last and the RSS series) and a machine-readable line
 *     SOAK_RESULT key=value ...
 * Exit status: 0 pass, 1 fail, 2 usage or setup error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clock_gettime, pthread_mutexattr_settype under -std=c99 */
#endif

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http-c.h"
#include "httpc_port_posix.h"

/* ------------------------------------------------------------------------------------------ */
/* Limits and defaults                                                                        */
/* ------------------------------------------------------------------------------------------ */

#define SOAK_WINDOW_MAX        64u
#define SOAK_CONNS_MAX       4096u
#define SOAK_MAX_SIZE_MAX  (16u * 1024u * 1024u)
#define SOAK_ERR_KINDS         24u         /* distinct error / close codes tallied             */
#define SOAK_REPORT_MISMATCH   10u         /* mismatches described in full                     */
#define SOAK_RETRY_MS         200u         /* reopen delay after a failed connect / upgrade    */
#define SOAK_SETTLE_MS        300u         /* after the end: watch for late completions        */
#define SOAK_SERIES_POINTS     90u         /* RSS series printed at most this many points      */

static const HTTP_TASK_CFG Soak_TaskCfg = {
    20u,       /* Prio (ignored by the POSIX port)                                             */
    65536u,    /* StkSizeBytes                                                                 */
    NULL,      /* StkPtr: the port allocates the stack                                         */
};

/* ------------------------------------------------------------------------------------------ */
/* Options                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static struct {
    unsigned      Conns;
    unsigned long Msgs;
    unsigned      Window;
    unsigned long MaxSize;
    unsigned      BufLen;
    uint64_t      Seed;
    unsigned      HangS;
    unsigned long MaxRssGrowthKiB;            /* 0: report only                              */
    int           Quiet;
    char          Host[256];
    NET_PORT_NBR  Port;
    char          Path[256];
} Opt;

/* ------------------------------------------------------------------------------------------ */
/* Hash: FNV-1a 64 on four interleaved lanes (byte i goes to lane i % 4), folded at the end.   */
/* Streaming: any split of the bytes gives the same value.                                     */
/* ------------------------------------------------------------------------------------------ */

#define FNV_OFFSET 0xCBF29CE484222325ull
#define FNV_PRIME  0x00000100000001B3ull

typedef struct soak_hash {
    uint64_t H[4];
    uint64_t N;
} SOAK_HASH;

static void Hash_Init(SOAK_HASH *p)
{
    unsigned i;

    for (i = 0u; i < 4u; i++) {
        p->H[i] = FNV_OFFSET ^ (uint64_t)i;
    }
    p->N = 0u;
}

static void Hash_Update(SOAK_HASH *p, const unsigned char *d, size_t len)
{
    size_t   i = 0u;
    uint64_t h0;
    uint64_t h1;
    uint64_t h2;
    uint64_t h3;

    while ((i < len) && (((p->N + i) & 3u) != 0u)) {
        unsigned lane = (unsigned)((p->N + i) & 3u);

        p->H[lane] = (p->H[lane] ^ d[i]) * FNV_PRIME;
        i++;
    }
    h0 = p->H[0];
    h1 = p->H[1];
    h2 = p->H[2];
    h3 = p->H[3];
    for (; (i + 4u) <= len; i += 4u) {
        h0 = (h0 ^ d[i])      * FNV_PRIME;
        h1 = (h1 ^ d[i + 1u]) * FNV_PRIME;
        h2 = (h2 ^ d[i + 2u]) * FNV_PRIME;
        h3 = (h3 ^ d[i + 3u]) * FNV_PRIME;
    }
    p->H[0] = h0;
    p->H[1] = h1;
    p->H[2] = h2;
    p->H[3] = h3;
    for (; i < len; i++) {
        unsigned lane = (unsigned)((p->N + i) & 3u);

        p->H[lane] = (p->H[lane] ^ d[i]) * FNV_PRIME;
    }
    p->N += len;
}

static uint64_t Hash_Final(const SOAK_HASH *p)
{
    uint64_t h = FNV_OFFSET;
    uint64_t words[5];
    unsigned w;
    unsigned b;

    words[0] = p->H[0];
    words[1] = p->H[1];
    words[2] = p->H[2];
    words[3] = p->H[3];
    words[4] = p->N;
    for (w = 0u; w < 5u; w++) {
        for (b = 0u; b < 8u; b++) {
            h = (h ^ ((words[w] >> (8u * b)) & 0xFFu)) * FNV_PRIME;
        }
    }
    return h;
}

/* ------------------------------------------------------------------------------------------ */
/* Random payloads (xorshift64*, one generator per connection)                                */
/* ------------------------------------------------------------------------------------------ */

static uint64_t Rng_Next(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t Rng_Below(uint64_t *s, uint64_t n)   /* uniform enough for n << 2^64 */
{
    return (n == 0u) ? 0u : (Rng_Next(s) >> 11) % n;
}

/* Message length: mostly small, some large, a few frame-length edges. */
static uint32_t Soak_PickLen(uint64_t *rng, uint32_t max)
{
    static const uint32_t edges[] = { 0u, 1u, 125u, 126u, 127u, 1023u, 1024u, 65535u, 65536u, 65537u };
    unsigned pct = (unsigned)Rng_Below(rng, 100u);
    uint32_t lo;
    uint32_t hi;

    if (pct == 0u) {
        for (;;) {
            uint32_t e = edges[Rng_Below(rng, sizeof(edges) / sizeof(edges[0]))];

            if (e <= max) {
                return e;
            }
        }
    }
    if (pct < 81u) {
        lo = 0u;
        hi = 1024u;
    } else if (pct < 96u) {
        lo = 1025u;
        hi = 8192u;
    } else {
        lo = 8193u;
        hi = max;
    }
    if (hi > max) {
        hi = max;
    }
    if (lo > hi) {
        lo = 0u;
    }
    return lo + (uint32_t)Rng_Below(rng, (uint64_t)(hi - lo) + 1u);
}

static void Soak_FillBinary(uint64_t *rng, unsigned char *p, size_t len)
{
    size_t i = 0u;

    while (i < len) {
        uint64_t r = Rng_Next(rng);
        size_t   n = ((len - i) < 8u) ? (len - i) : 8u;

        memcpy(&p[i], &r, n);
        i += n;
    }
}

/* Exactly len bytes of valid UTF-8: 1- to 4-byte sequences, no surrogates, nothing > U+10FFFF. */
static void Soak_FillText(uint64_t *rng, unsigned char *p, size_t len)
{
    size_t i = 0u;

    while (i < len) {
        size_t   left = len - i;
        uint64_t r    = Rng_Next(rng);
        unsigned pick = (unsigned)(r & 15u);
        unsigned w    = (pick < 8u) ? 1u : (pick < 11u) ? 2u : (pick < 14u) ? 3u : 4u;
        uint32_t cp;

        r >>= 8;
        if (w > left) {
            w = (unsigned)left;
        }
        switch (w) {
            case 1u:
                cp = (uint32_t)(r % 0x80u);
                p[i] = (unsigned char)cp;
                break;
            case 2u:
                cp = 0x80u + (uint32_t)(r % (0x800u - 0x80u));
                p[i]      = (unsigned char)(0xC0u | (cp >> 6));
                p[i + 1u] = (unsigned char)(0x80u | (cp & 0x3Fu));
                break;
            case 3u:
                cp = 0x800u + (uint32_t)(r % (0x10000u - 0x800u - 0x800u));
                if (cp >= 0xD800u) {
                    cp += 0x800u;                    /* skip the surrogates D800..DFFF     */
                }
                p[i]      = (unsigned char)(0xE0u | (cp >> 12));
                p[i + 1u] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
                p[i + 2u] = (unsigned char)(0x80u | (cp & 0x3Fu));
                break;
            default:
                cp = 0x10000u + (uint32_t)(r % 0x100000u);
                p[i]      = (unsigned char)(0xF0u | (cp >> 18));
                p[i + 1u] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
                p[i + 2u] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
                p[i + 3u] = (unsigned char)(0x80u | (cp & 0x3Fu));
                break;
        }
        i += w;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* State                                                                                      */
/* ------------------------------------------------------------------------------------------ */

typedef enum soak_st {
    ST_CLOSED = 0,   /* not open; reopened by the main thread at ReopenAtMs                     */
    ST_OPENING,      /* HTTPc_ConnOpen queued, upgrade under way                                */
    ST_OPEN,         /* WebSocket open, messages flowing                                        */
    ST_CLOSING,      /* our Close 1000 was queued after the last echo                           */
    ST_DONE          /* M echoes, connection closed                                             */
} SOAK_ST;

typedef struct soak_conn SOAK_CONN;

typedef struct soak_slot {
    HTTPc_WEBSOCK_MSG_OBJ Msg;
    SOAK_CONN            *Conn;
    unsigned char        *Buf;             /* --max-size bytes, kept until the completion     */
    int                   Busy;            /* sent, completion not yet seen                   */
} SOAK_SLOT;

typedef struct soak_exp {
    uint64_t               Hash;
    uint32_t               Len;
    HTTPc_WEBSOCK_MSG_TYPE Type;
    uint64_t               Seq;            /* per-connection message number                   */
} SOAK_EXP;

struct soak_conn {
    unsigned              Idx;
    HTTPc_CONN_OBJ        Conn;
    HTTPc_REQ_OBJ         Req;
    HTTPc_RESP_OBJ        Resp;
    HTTPc_WEBSOCK_OBJ     Ws;
    HTTPc_WEBSOCK_MSG_OBJ CtlMsg;          /* the final Close                                 */
    CPU_CHAR              CtlBuf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    int                   CtlBusy;
    CPU_CHAR             *ConnBuf;
    SOAK_SLOT             Slots[SOAK_WINDOW_MAX];
    SOAK_EXP              Fifo[SOAK_WINDOW_MAX];
    unsigned              FifoHead;
    unsigned              FifoLen;
    unsigned              BusySlots;
    SOAK_ST               State;
    int                   InPump;
    uint64_t              Rng;
    uint64_t              Seq;
    unsigned long         Echoed;          /* echoes received (matched + mismatched)          */
    unsigned long         Opens;
    unsigned long         ConnEnds;        /* connection ends before the M echoes             */
    unsigned long         ReopenAtMs;
    unsigned long         LastProgressMs;
    HTTPc_WEBSOCK_CLOSE_CODE LastCloseCode;
    /* The message being received. */
    SOAK_HASH             RxHash;
    HTTPc_WEBSOCK_MSG_TYPE RxType;
    CPU_INT32U            RxHdrLen;
    int                   RxActive;
};

typedef struct soak_tally {
    unsigned long Key;
    unsigned long N;
} SOAK_TALLY;

typedef struct soak_stats {
    uint64_t Sent;             /* HTTPc_WebSockSend accepted                                  */
    uint64_t TxOk;             /* OnMsgTxComplete(DEF_OK)                                     */
    uint64_t TxFail;           /* OnMsgTxComplete(DEF_FAIL)                                   */
    uint64_t TxDup;            /* a second completion for one send                            */
    uint64_t TxLost;           /* no completion by the connection's OnClose                   */
    uint64_t Matched;
    uint64_t Mismatched;       /* includes Unexpected                                         */
    uint64_t Unexpected;       /* an echo with nothing in the FIFO                            */
    uint64_t FailedByFault;    /* sent, no echo: the connection died first                    */
    uint64_t BytesEchoed;      /* payload bytes of matched echoes                             */
    uint64_t BytesSent;        /* payload bytes accepted by HTTPc_WebSockSend                 */
    uint64_t SendRefused;      /* HTTPc_WebSockSend returned an error (not sent)              */
    unsigned long Opens;       /* OnOpen                                                      */
    unsigned long ConnEnds;    /* connection closed before its M echoes (a fault)             */
    unsigned long ConnectFail; /* OnConnect(DEF_FAIL) or HTTPc_ConnOpen error                 */
    unsigned long UpgradeErr;  /* upgrade call refused, OnTransErr, or not a 101              */
    unsigned long ClrErr;      /* HTTPc_*Clr / SetParam errors while reopening                */
    unsigned long FinalCloseOk;   /* our final Close answered: OnClose(1000)                  */
    unsigned long FinalCloseOther;
    unsigned long Hung;
    SOAK_TALLY    WsErr[SOAK_ERR_KINDS];     /* OnErr codes                                   */
    SOAK_TALLY    CloseCode[SOAK_ERR_KINDS]; /* WebSocket OnClose codes before the M echoes   */
    SOAK_TALLY    SendErr[SOAK_ERR_KINDS];   /* HTTPc_WebSockSend errors                      */
    SOAK_TALLY    UpgErr[SOAK_ERR_KINDS];    /* upgrade errors                                */
} SOAK_STATS;

static pthread_mutex_t Soak_Mtx;               /* recursive; hooks hold it while they work   */
static pthread_cond_t  Soak_Cond;              /* main thread sleeps here                    */
static SOAK_CONN      *Soak_Conns;
static SOAK_STATS      St;
static unsigned        Soak_Done;              /* connections in ST_DONE                     */

#define LOCK()   (void)pthread_mutex_lock(&Soak_Mtx)
#define UNLOCK() (void)pthread_mutex_unlock(&Soak_Mtx)

static unsigned long Soak_NowMs(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((unsigned long)ts.tv_sec * 1000ul) + ((unsigned long)ts.tv_nsec / 1000000ul);
}

static void Soak_Tally(SOAK_TALLY *p_tbl, unsigned long key)
{
    unsigned i;

    for (i = 0u; i < SOAK_ERR_KINDS; i++) {
        if ((p_tbl[i].N != 0u) && (p_tbl[i].Key == key)) {
            p_tbl[i].N++;
            return;
        }
        if (p_tbl[i].N == 0u) {
            p_tbl[i].Key = key;
            p_tbl[i].N   = 1u;
            return;
        }
    }
    p_tbl[SOAK_ERR_KINDS - 1u].N++;              /* full: lumped into the last entry          */
}

static unsigned long Soak_TallyGet(const SOAK_TALLY *p_tbl, unsigned long key)
{
    unsigned i;

    for (i = 0u; i < SOAK_ERR_KINDS; i++) {
        if ((p_tbl[i].N != 0u) && (p_tbl[i].Key == key)) {
            return p_tbl[i].N;
        }
    }
    return 0u;
}

static void Soak_TallyPrint(const char *p_name, const SOAK_TALLY *p_tbl)
{
    unsigned i;
    int      any = 0;

    printf("%s:", p_name);
    for (i = 0u; i < SOAK_ERR_KINDS; i++) {
        if (p_tbl[i].N != 0u) {
            printf(" %lu=%lu", p_tbl[i].Key, p_tbl[i].N);
            any = 1;
        }
    }
    printf("%s\n", any ? "" : " none");
}

#if defined(__GNUC__)
static void Soak_Die(const char *p_fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#endif
static void Soak_Die(const char *p_fmt, ...)
{
    va_list args;

    fflush(stdout);
    fputs("soak_client: error: ", stderr);
    va_start(args, p_fmt);
    vfprintf(stderr, p_fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(2);
}

/* A hook as the legacy API's void *p_param (ISO C has no function-to-object pointer cast). */
typedef void (*SOAK_FN)(void);
static void *Soak_Fn(SOAK_FN fn)
{
    void *p;

    memcpy(&p, &fn, sizeof(p));
    return p;
}
#define FN(f) Soak_Fn((SOAK_FN)(f))

static SOAK_CONN *Soak_ConnOf(HTTPc_CONN_OBJ *p_conn)
{
    return (SOAK_CONN *)p_conn->UserDataPtr;
}

/* ------------------------------------------------------------------------------------------ */
/* Sending (called with Soak_Mtx held, from the engine thread's hooks)                        */
/* ------------------------------------------------------------------------------------------ */

static void Soak_SendFinalClose(SOAK_CONN *c)
{
    HTTPc_ERR   err = HTTPc_ERR_NONE;
    CPU_INT16U  len;
    CPU_BOOLEAN ok;

    len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"soak done", c->CtlBuf,
                                   (CPU_INT16U)sizeof(c->CtlBuf), &err);
    c->State   = ST_CLOSING;
    c->CtlBusy = 1;
    ok = DEF_FAIL;
    if ((len != 0u) && (err == HTTPc_ERR_NONE)) {
        ok = HTTPc_WebSockSend(&c->Conn, &c->CtlMsg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, c->CtlBuf, len,
                               HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    }
    if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        c->CtlBusy = 0;
        Soak_Tally(St.SendErr, err);
        HTTPc_ConnClose(&c->Conn, HTTPc_FLAG_CONN_NO_BLOCK, &err);   /* OnClose follows         */
    }
}

/* Queue messages until the window is full. */
static void Soak_Pump(SOAK_CONN *c)
{
    if (c->InPump) {                               /* a hook called from inside HTTPc_WebSockSend */
        return;
    }
    c->InPump = 1;
    while ((c->State == ST_OPEN) && (c->FifoLen < Opt.Window) &&
           ((c->Echoed + c->FifoLen) < Opt.Msgs)) {
        SOAK_SLOT             *s = NULL;
        SOAK_EXP              *e;
        SOAK_HASH              h;
        HTTPc_WEBSOCK_MSG_TYPE type;
        uint32_t               len;
        unsigned               k;
        HTTPc_ERR              err = HTTPc_ERR_NONE;
        CPU_BOOLEAN            ok;

        for (k = 0u; k < Opt.Window; k++) {
            if (!c->Slots[k].Busy) {
                s = &c->Slots[k];
                break;
            }
        }
        if (s == NULL) {
            break;                                 /* every object waits for its completion    */
        }
        len  = Soak_PickLen(&c->Rng, (uint32_t)Opt.MaxSize);
        type = ((Rng_Next(&c->Rng) & 1u) != 0u) ? HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME : HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME;
        if (type == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME) {
            Soak_FillText(&c->Rng, s->Buf, len);
        } else {
            Soak_FillBinary(&c->Rng, s->Buf, len);
        }
        Hash_Init(&h);
        Hash_Update(&h, s->Buf, len);

        e = &c->Fifo[(c->FifoHead + c->FifoLen) % SOAK_WINDOW_MAX];
        e->Hash = Hash_Final(&h);
        e->Len  = len;
        e->Type = type;
        e->Seq  = c->Seq;
        c->FifoLen++;
        s->Busy = 1;
        c->BusySlots++;

        ok = HTTPc_WebSockSend(&c->Conn, &s->Msg, type, (CPU_CHAR *)s->Buf, len, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
        if ((ok != DEF_OK) || (err != HTTPc_ERR_NONE)) {
            /* Not sent (the connection is ending): undo, the close hooks follow. */
            c->FifoLen--;
            if (s->Busy) {
                s->Busy = 0;
                c->BusySlots--;
            }
            St.SendRefused++;
            Soak_Tally(St.SendErr, err);
            break;
        }
        c->Seq++;
        St.Sent++;
        St.BytesSent += len;
    }
    if ((c->State == ST_OPEN) && (c->Echoed >= Opt.Msgs) && (c->FifoLen == 0u) && (c->BusySlots == 0u)) {
        Soak_SendFinalClose(c);
    }
    c->InPump = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Hooks (engine thread)                                                                      */
/* ------------------------------------------------------------------------------------------ */

static void Soak_Reopen(SOAK_CONN *c, unsigned long delay_ms)
{
    c->State      = ST_CLOSED;
    c->ReopenAtMs = Soak_NowMs() + delay_ms;
    (void)pthread_cond_signal(&Soak_Cond);
}

static void Soak_OnConnect(HTTPc_CONN_OBJ *p_conn, CPU_BOOLEAN open_status)
{
    SOAK_CONN  *c   = Soak_ConnOf(p_conn);
    HTTPc_ERR   err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;

    LOCK();
    if (open_status != DEF_OK) {
        St.ConnectFail++;
        Soak_Reopen(c, SOAK_RETRY_MS);             /* no OnClose for a connect that failed     */
        UNLOCK();
        return;
    }
    ok = HTTPc_WebSockUpgrade(&c->Conn, &c->Req, &c->Resp, &c->Ws, (CPU_CHAR *)Opt.Path,
                              (CPU_INT16U)strlen(Opt.Path), HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    (void)ok;                                      /* DEF_FAIL + HTTPc_ERR_NONE: queued         */
    if (err != HTTPc_ERR_NONE) {
        St.UpgradeErr++;
        Soak_Tally(St.UpgErr, err);
        HTTPc_ConnClose(&c->Conn, HTTPc_FLAG_CONN_NO_BLOCK, &err);   /* OnClose reopens it      */
    }
    UNLOCK();
}

static void Soak_OnTransComplete(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_RESP_OBJ *p_resp, CPU_BOOLEAN status)
{
    SOAK_CONN *c   = Soak_ConnOf(p_conn);
    HTTPc_ERR  err = HTTPc_ERR_NONE;

    (void)p_req;
    LOCK();
    if ((status != DEF_OK) || (p_resp == NULL) || (p_resp->StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS)) {
        St.UpgradeErr++;
        Soak_Tally(St.UpgErr, (p_resp != NULL) ? 100000ul + p_resp->StatusCode : 100000ul);
        HTTPc_ConnClose(&c->Conn, HTTPc_FLAG_CONN_NO_BLOCK, &err);
    }
    UNLOCK();
}

static void Soak_OnTransErr(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_ERR err)
{
    (void)p_conn;
    (void)p_req;
    LOCK();
    St.UpgradeErr++;                               /* the connection's OnClose follows         */
    Soak_Tally(St.UpgErr, err);
    UNLOCK();
}

static void Soak_OnOpen(HTTPc_CONN_OBJ *p_conn)
{
    SOAK_CONN *c = Soak_ConnOf(p_conn);

    LOCK();
    St.Opens++;
    c->Opens++;
    c->State          = ST_OPEN;
    c->RxActive       = 0;
    c->LastProgressMs = Soak_NowMs();
    Soak_Pump(c);
    UNLOCK();
}

static void Soak_OnErr(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    (void)p_conn;
    LOCK();
    Soak_Tally(St.WsErr, err);
    UNLOCK();
}

static void Soak_OnWsClose(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE close_code, HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    SOAK_CONN *c = Soak_ConnOf(p_conn);

    (void)p_reason;
    LOCK();
    c->LastCloseCode = close_code;
    if (c->State != ST_CLOSING) {
        Soak_Tally(St.CloseCode, close_code);
    }
    UNLOCK();
}

/* The connection is gone: settle its messages, then reopen it or call it done. */
static void Soak_OnConnClose(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS close_status, HTTPc_ERR err)
{
    SOAK_CONN *c = Soak_ConnOf(p_conn);
    unsigned   k;

    (void)close_status;
    (void)err;
    LOCK();
    /* Every send must have completed before this hook (exactly once, DEF_FAIL if unsent). */
    for (k = 0u; k < Opt.Window; k++) {
        if (c->Slots[k].Busy) {
            St.TxLost++;
            c->Slots[k].Busy = 0;
            fprintf(stderr, "soak_client: conn %u: a message had no OnMsgTxComplete when OnClose came\n", c->Idx);
        }
    }
    c->BusySlots = 0u;
    if (c->CtlBusy) {
        St.TxLost++;
        c->CtlBusy = 0;
        fprintf(stderr, "soak_client: conn %u: the Close message had no OnMsgTxComplete when OnClose came\n", c->Idx);
    }
    St.FailedByFault += c->FifoLen;                /* sent, never echoed: the connection died   */
    c->FifoLen  = 0u;
    c->FifoHead = 0u;
    c->RxActive = 0;
    c->LastProgressMs = Soak_NowMs();

    if (c->Echoed >= Opt.Msgs) {
        if (c->State == ST_CLOSING && c->LastCloseCode == HTTPc_WEBSOCK_CLOSE_CODE_NORMAL) {
            St.FinalCloseOk++;
        } else {
            St.FinalCloseOther++;
        }
        c->State = ST_DONE;
        Soak_Done++;
        (void)pthread_cond_signal(&Soak_Cond);
    } else {
        unsigned long delay = (c->State == ST_OPENING) ? SOAK_RETRY_MS : 0u;

        if (c->State != ST_OPENING) {
            St.ConnEnds++;
            c->ConnEnds++;
        }
        Soak_Reopen(c, delay);
    }
    UNLOCK();
}

static void Soak_OnMsgTxComplete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN status)
{
    SOAK_CONN *c = Soak_ConnOf(p_conn);

    LOCK();
    if (p_msg == &c->CtlMsg) {
        if (!c->CtlBusy) {
            St.TxDup++;
        }
        c->CtlBusy = 0;
        UNLOCK();
        return;
    }
    {
        SOAK_SLOT *s = (SOAK_SLOT *)p_msg->UserDataPtr;

        if ((s == NULL) || (s->Conn != c) || !s->Busy) {
            St.TxDup++;
            fprintf(stderr, "soak_client: conn %u: OnMsgTxComplete(%u) for a message not in flight\n", c->Idx,
                    (unsigned)status);
        } else {
            s->Busy = 0;
            c->BusySlots--;
            if (status == DEF_OK) {
                St.TxOk++;
            } else {
                St.TxFail++;
            }
        }
    }
    c->LastProgressMs = Soak_NowMs();
    Soak_Pump(c);
    UNLOCK();
}

static void Soak_OnMsgRxInit(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, CPU_INT32U msg_len, void **p_data)
{
    SOAK_CONN *c = Soak_ConnOf(p_conn);

    *p_data = NULL;                                /* streaming: chunks come to OnMsgRxData     */
    LOCK();
    Hash_Init(&c->RxHash);
    c->RxType   = msg_type;
    c->RxHdrLen = msg_len;
    c->RxActive = 1;
    UNLOCK();
}

static CPU_INT32U Soak_OnMsgRxData(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, void *p_data, CPU_INT16U data_len)
{
    SOAK_CONN *c = Soak_ConnOf(p_conn);

    LOCK();
    if (msg_type != c->RxType) {
        c->RxType = 0xFFFFu;                       /* reported as a type mismatch              */
    }
    Hash_Update(&c->RxHash, (const unsigned char *)p_data, data_len);
    UNLOCK();
    return data_len;
}

static void Soak_OnMsgRxComplete(HTTPc_CONN_OBJ *p_conn)
{
    SOAK_CONN *c = Soak_ConnOf(p_conn);
    uint64_t   hash;
    uint64_t   len;

    LOCK();
    hash = Hash_Final(&c->RxHash);
    len  = c->RxHash.N;
    c->LastProgressMs = Soak_NowMs();
    if (!c->RxActive || (c->FifoLen == 0u)) {
        St.Unexpected++;
        St.Mismatched++;
        if (St.Mismatched <= SOAK_REPORT_MISMATCH) {
            fprintf(stderr, "soak_client: conn %u: unexpected echo (%s, %" PRIu64 " B): nothing in flight\n", c->Idx,
                    (c->RxType == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME) ? "text" : "binary", len);
        }
    } else {
        SOAK_EXP *e  = &c->Fifo[c->FifoHead];
        int       ok = (e->Type == c->RxType) && (e->Len == len) && (e->Hash == hash) &&
                       ((c->RxHdrLen == HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED) || (c->RxHdrLen == len));

        if (ok) {
            St.Matched++;
            St.BytesEchoed += len;
        } else {
            St.Mismatched++;
            if (St.Mismatched <= SOAK_REPORT_MISMATCH) {
                fprintf(stderr,
                        "soak_client: conn %u: echo of message #%" PRIu64 " differs: sent type %u, %u B, hash %016" PRIx64
                        "; got type %u, %" PRIu64 " B (header %lu), hash %016" PRIx64 "\n",
                        c->Idx, e->Seq, (unsigned)e->Type, (unsigned)e->Len, e->Hash, (unsigned)c->RxType, len,
                        (unsigned long)c->RxHdrLen, hash);
            }
        }
        c->FifoHead = (c->FifoHead + 1u) % SOAK_WINDOW_MAX;
        c->FifoLen--;
        c->Echoed++;
    }
    c->RxActive = 0;
    Soak_Pump(c);
    UNLOCK();
}

/* ------------------------------------------------------------------------------------------ */
/* Opening (main thread, Soak_Mtx NOT held: the hooks take it under the library lock)          */
/* ------------------------------------------------------------------------------------------ */

#define SOAK_TRY(call, what)                                                                   \
    do {                                                                                       \
        err = HTTPc_ERR_NONE;                                                                  \
        call;                                                                                  \
        if (err != HTTPc_ERR_NONE) {                                                           \
            p_what = (what);                                                                   \
            goto fail;                                                                         \
        }                                                                                      \
    } while (0)

static int Soak_Open(SOAK_CONN *c)
{
    static const struct {
        HTTPc_PARAM_TYPE Type;
        int              Idx;
    } ws_hooks[] = {
        { HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, 0 },           { HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, 1 },
        { HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, 2 },            { HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, 3 },
        { HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, 4 },    { HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, 5 },
    };
    void        *fns[6];
    HTTPc_ERR    err = HTTPc_ERR_NONE;
    const char  *p_what = "";
    CPU_BOOLEAN  persistent = DEF_YES;
    NET_PORT_NBR port = Opt.Port;
    size_t       k;

    fns[0] = FN(Soak_OnOpen);
    fns[1] = FN(Soak_OnWsClose);
    fns[2] = FN(Soak_OnErr);
    fns[3] = FN(Soak_OnMsgRxInit);
    fns[4] = FN(Soak_OnMsgRxData);
    fns[5] = FN(Soak_OnMsgRxComplete);

    SOAK_TRY(HTTPc_ConnClr(&c->Conn, &err), "HTTPc_ConnClr");
    c->Conn.UserDataPtr = c;
    SOAK_TRY(HTTPc_ConnSetParam(&c->Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err), "ConnSetParam(SERVER_PORT)");
    SOAK_TRY(HTTPc_ConnSetParam(&c->Conn, HTTPc_PARAM_TYPE_PERSISTENT, &persistent, &err), "ConnSetParam(PERSISTENT)");
    SOAK_TRY(HTTPc_ConnSetParam(&c->Conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, FN(Soak_OnConnect), &err),
             "ConnSetParam(CONNECT_CALLBACK)");
    SOAK_TRY(HTTPc_ConnSetParam(&c->Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, FN(Soak_OnConnClose), &err),
             "ConnSetParam(CLOSE_CALLBACK)");
    SOAK_TRY(HTTPc_ReqClr(&c->Req, &err), "HTTPc_ReqClr");
    c->Req.UserDataPtr = c;
    SOAK_TRY(HTTPc_ReqSetParam(&c->Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, FN(Soak_OnTransComplete), &err),
             "ReqSetParam(TRANS_COMPLETE_CALLBACK)");
    SOAK_TRY(HTTPc_ReqSetParam(&c->Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, FN(Soak_OnTransErr), &err),
             "ReqSetParam(TRANS_ERR_CALLBACK)");
    SOAK_TRY(HTTPc_WebSockClr(&c->Ws, &err), "HTTPc_WebSockClr");
    c->Ws.UserDataPtr = c;
    for (k = 0u; k < sizeof(ws_hooks) / sizeof(ws_hooks[0]); k++) {
        SOAK_TRY(HTTPc_WebSockSetParam(&c->Ws, ws_hooks[k].Type, fns[ws_hooks[k].Idx], &err), "WebSockSetParam");
    }

    err = HTTPc_ERR_NONE;
    (void)HTTPc_ConnOpen(&c->Conn, c->ConnBuf, (CPU_INT16U)Opt.BufLen, (CPU_CHAR *)Opt.Host,
                         (CPU_INT16U)strlen(Opt.Host), HTTPc_FLAG_CONN_NO_BLOCK, &err);
    if (err != HTTPc_ERR_NONE) {                   /* DEF_FAIL + HTTPc_ERR_NONE: queued         */
        LOCK();
        St.ConnectFail++;
        Soak_Tally(St.UpgErr, 200000ul + err);
        UNLOCK();
        return 0;
    }
    return 1;

fail:
    LOCK();
    St.ClrErr++;
    if (St.ClrErr <= SOAK_REPORT_MISMATCH) {
        fprintf(stderr, "soak_client: conn %u: %s failed while reopening: err %u\n", c->Idx, p_what, (unsigned)err);
    }
    UNLOCK();
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* RSS                                                                                        */
/* ------------------------------------------------------------------------------------------ */

static unsigned long Soak_RssKiB(const char *p_key)
{
    FILE         *f = fopen("/proc/self/status", "r");
    char          line[256];
    unsigned long v = 0u;
    size_t        n = strlen(p_key);

    if (f == NULL) {
        return 0u;
    }
    while (fgets(line, (int)sizeof(line), f) != NULL) {
        if ((strncmp(line, p_key, n) == 0) && (line[n] == ':')) {
            v = strtoul(&line[n + 1u], NULL, 10);
            break;
        }
    }
    (void)fclose(f);
    return v;
}

/* ------------------------------------------------------------------------------------------ */
/* Command line                                                                               */
/* ------------------------------------------------------------------------------------------ */

static void Soak_Usage(FILE *f)
{
    fprintf(f,
            "usage: soak_client [options] ws://HOST:PORT[/PATH]\n"
            "  --conns N          connections (default 64)\n"
            "  --msgs N           echoed messages per connection (default 10000)\n"
            "  --window N         messages in flight per connection, 1..%u (default 4)\n"
            "  --max-size BYTES   largest message (default 65536, at most %u)\n"
            "  --buf BYTES        connection buffer, %u..65535 (default 16384)\n"
            "  --seed N           random seed (default 1)\n"
            "  --hang-timeout S   fail when a connection makes no progress for S s (default 20)\n"
            "  --max-rss-growth KIB  fail when RSS grows by more than KIB after the first 10 %%\n"
            "                     of the run (default 0: report only)\n"
            "  --quiet            no per-second progress lines\n",
            SOAK_WINDOW_MAX, SOAK_MAX_SIZE_MAX, HTTPc_BUF_LEN_MIN);
}

static unsigned long Soak_Num(const char *p_opt, const char *p_val, unsigned long lo, unsigned long hi)
{
    char         *p_end;
    unsigned long v;

    if (p_val == NULL) {
        Soak_Die("%s needs a value", p_opt);
    }
    errno = 0;
    v     = strtoul(p_val, &p_end, 10);
    if ((p_end == p_val) || (*p_end != '\0') || (errno != 0) || (v < lo) || (v > hi)) {
        Soak_Die("%s: '%s' is not a number in %lu..%lu", p_opt, p_val, lo, hi);
    }
    return v;
}

static void Soak_ParseUrl(const char *p_url)
{
    const char   *p = p_url;
    const char   *p_colon;
    const char   *p_slash;
    char         *p_end;
    unsigned long port;
    size_t        host_len;

    if (strncmp(p, "ws://", 5u) != 0) {
        Soak_Die("'%s': the URL must be ws://HOST:PORT[/PATH]", p_url);
    }
    p      += 5;
    p_colon = strchr(p, ':');
    if (p_colon == NULL) {
        Soak_Die("'%s': no port", p_url);
    }
    host_len = (size_t)(p_colon - p);
    if ((host_len == 0u) || (host_len >= sizeof(Opt.Host))) {
        Soak_Die("'%s': bad host", p_url);
    }
    memcpy(Opt.Host, p, host_len);
    Opt.Host[host_len] = '\0';
    errno = 0;
    port  = strtoul(p_colon + 1, &p_end, 10);
    if ((p_end == p_colon + 1) || (errno != 0) || (port == 0u) || (port > 65535u) ||
        ((*p_end != '\0') && (*p_end != '/'))) {
        Soak_Die("'%s': bad port", p_url);
    }
    Opt.Port = (NET_PORT_NBR)port;
    p_slash  = p_end;
    if (*p_slash == '\0') {
        p_slash = "/";
    }
    if (strlen(p_slash) >= sizeof(Opt.Path)) {
        Soak_Die("'%s': path too long", p_url);
    }
    strcpy(Opt.Path, p_slash);
}

static void Soak_Args(int argc, char **argv)
{
    const char *p_url = NULL;
    int         i;

    Opt.Conns   = 64u;
    Opt.Msgs    = 10000u;
    Opt.Window  = 4u;
    Opt.MaxSize = 65536u;
    Opt.BufLen  = 16384u;
    Opt.Seed    = 1u;
    Opt.HangS   = 20u;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;

        if (strcmp(a, "--conns") == 0) {
            Opt.Conns = (unsigned)Soak_Num(a, v, 1u, SOAK_CONNS_MAX);
            i++;
        } else if (strcmp(a, "--msgs") == 0) {
            Opt.Msgs = Soak_Num(a, v, 1u, 4000000000ul);
            i++;
        } else if (strcmp(a, "--window") == 0) {
            Opt.Window = (unsigned)Soak_Num(a, v, 1u, SOAK_WINDOW_MAX);
            i++;
        } else if (strcmp(a, "--max-size") == 0) {
            Opt.MaxSize = Soak_Num(a, v, 0u, SOAK_MAX_SIZE_MAX);
            i++;
        } else if (strcmp(a, "--buf") == 0) {
            Opt.BufLen = (unsigned)Soak_Num(a, v, HTTPc_BUF_LEN_MIN, 65535u);
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            Opt.Seed = (uint64_t)Soak_Num(a, v, 0u, 0xFFFFFFFFul);
            i++;
        } else if (strcmp(a, "--hang-timeout") == 0) {
            Opt.HangS = (unsigned)Soak_Num(a, v, 1u, 3600u);
            i++;
        } else if (strcmp(a, "--max-rss-growth") == 0) {
            Opt.MaxRssGrowthKiB = Soak_Num(a, v, 0u, 0xFFFFFFFFul);
            i++;
        } else if (strcmp(a, "--quiet") == 0) {
            Opt.Quiet = 1;
        } else if ((strcmp(a, "-h") == 0) || (strcmp(a, "--help") == 0)) {
            Soak_Usage(stdout);
            exit(0);
        } else if ((p_url == NULL) && (strncmp(a, "ws://", 5u) == 0)) {
            p_url = a;
        } else {
            Soak_Usage(stderr);
            exit(2);
        }
    }
    if (p_url == NULL) {
        Soak_Usage(stderr);
        exit(2);
    }
    Soak_ParseUrl(p_url);
}

/* ------------------------------------------------------------------------------------------ */
/* Report                                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef struct soak_series {
    unsigned long *V;
    size_t         N;
    size_t         Cap;
} SOAK_SERIES;

static void Series_Add(SOAK_SERIES *p, unsigned long v)
{
    if (p->N == p->Cap) {
        size_t         cap = (p->Cap == 0u) ? 256u : (p->Cap * 2u);
        unsigned long *nv  = (unsigned long *)realloc(p->V, cap * sizeof(*nv));

        if (nv == NULL) {
            return;                                /* keep what we have                        */
        }
        p->V   = nv;
        p->Cap = cap;
    }
    p->V[p->N++] = v;
}

static void Soak_Progress(unsigned long t_ms, const SOAK_STATS *s, const SOAK_STATS *prev, unsigned long dt_ms,
                          unsigned open, unsigned done, unsigned long rss)
{
    double dt = (dt_ms > 0u) ? ((double)dt_ms / 1000.0) : 1.0;

    printf("[%5lus] echoed %" PRIu64 " (%.0f/s, %.1f MB/s) sent %" PRIu64 " in-flight %" PRIu64
           " open %u done %u/%u conn-ends %lu failed-by-fault %" PRIu64 " lost %" PRIu64 " dup %" PRIu64
           " mismatched %" PRIu64 " rss %lu KiB\n",
           t_ms / 1000u, s->Matched + s->Mismatched, (double)(s->Matched - prev->Matched) / dt,
           (double)(s->BytesEchoed - prev->BytesEchoed) / dt / 1e6, s->Sent,
           s->Sent - (s->Matched + s->Mismatched - s->Unexpected) - s->FailedByFault, open, done, Opt.Conns,
           s->ConnEnds, s->FailedByFault, s->TxLost, s->TxDup, s->Mismatched, rss);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    HTTPc_PORT          port;
    HTTPc_CFG           cfg;
    HTTPc_ERR           err = HTTPc_ERR_NONE;
    pthread_mutexattr_t mattr;
    pthread_condattr_t  cattr;
    SOAK_SERIES         rss = { NULL, 0u, 0u };
    SOAK_STATS          prev;
    SOAK_STATS          fin;
    unsigned long       start_ms;
    unsigned long       end_ms;
    unsigned long       next_tick;
    unsigned long       last_tick;
    unsigned long       rss_min = 0u;
    unsigned long       rss_max = 0u;
    unsigned long       rss_warm = 0u;
    unsigned long       rss_growth = 0u;
    unsigned            i;
    unsigned            k;
    int                 hung = 0;
    int                 fail = 0;
    uint64_t            accounted;
    double              secs;

    Soak_Args(argc, argv);

    if ((pthread_mutexattr_init(&mattr) != 0) || (pthread_mutexattr_settype(&mattr, PTHREAD_MUTEX_RECURSIVE) != 0) ||
        (pthread_mutex_init(&Soak_Mtx, &mattr) != 0)) {
        Soak_Die("cannot create the mutex");
    }
    (void)pthread_mutexattr_destroy(&mattr);
    if ((pthread_condattr_init(&cattr) != 0) || (pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC) != 0) ||
        (pthread_cond_init(&Soak_Cond, &cattr) != 0)) {
        Soak_Die("cannot create the condition variable");
    }
    (void)pthread_condattr_destroy(&cattr);

    Soak_Conns = (SOAK_CONN *)calloc(Opt.Conns, sizeof(SOAK_CONN));
    if (Soak_Conns == NULL) {
        Soak_Die("out of memory");
    }

    /* ---------------------------------- PORT AND INIT ---------------------------------- */
    memset(&cfg, 0, sizeof(cfg));
    cfg.TaskDly_ms              = 0u;
    cfg.MsgQ_Size               = 255u;          /* also the bound on upgrades at once        */
    cfg.ConnConnectTimeout_ms   = 5000u;
    cfg.ConnInactivityTimeout_s = 30u;
    cfg.ConnIsKeepAlive         = DEF_FALSE;
    HTTPc_PortPosix_Get(&port, DEF_YES);           /* engine task                               */
    HTTPc_PortSet(&port, &err);
    if (err != HTTPc_ERR_NONE) {
        Soak_Die("HTTPc_PortSet: err %u", (unsigned)err);
    }
    HTTPc_Init(&cfg, &Soak_TaskCfg, DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        Soak_Die("HTTPc_Init: err %u", (unsigned)err);
    }

    for (i = 0u; i < Opt.Conns; i++) {
        SOAK_CONN *c = &Soak_Conns[i];

        c->Idx     = i;
        c->Rng     = (Opt.Seed * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)(i + 1u) * 0xD1B54A32D192ED03ull);
        if (c->Rng == 0u) {
            c->Rng = 1u;
        }
        c->ConnBuf = (CPU_CHAR *)malloc(Opt.BufLen);
        if (c->ConnBuf == NULL) {
            Soak_Die("out of memory");
        }
        memset(c->ConnBuf, 0, Opt.BufLen);         /* touched now: RSS growth is not ours      */
        HTTPc_WebSockMsgClr(&c->CtlMsg, &err);
        if (err == HTTPc_ERR_NONE) {
            HTTPc_WebSockMsgSetParam(&c->CtlMsg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, FN(Soak_OnMsgTxComplete), &err);
        }
        if (err != HTTPc_ERR_NONE) {
            Soak_Die("message object setup: err %u", (unsigned)err);
        }
        for (k = 0u; k < Opt.Window; k++) {
            SOAK_SLOT *s = &c->Slots[k];

            s->Conn = c;
            s->Buf  = (unsigned char *)malloc((Opt.MaxSize > 0u) ? Opt.MaxSize : 1u);
            if (s->Buf == NULL) {
                Soak_Die("out of memory");
            }
            memset(s->Buf, 0, (Opt.MaxSize > 0u) ? Opt.MaxSize : 1u);
            HTTPc_WebSockMsgClr(&s->Msg, &err);
            if (err == HTTPc_ERR_NONE) {
                HTTPc_WebSockMsgSetParam(&s->Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, s, &err);
            }
            if (err == HTTPc_ERR_NONE) {
                HTTPc_WebSockMsgSetParam(&s->Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, FN(Soak_OnMsgTxComplete), &err);
            }
            if (err != HTTPc_ERR_NONE) {
                Soak_Die("message object setup: err %u", (unsigned)err);
            }
        }
    }

    printf("soak_client: ws://%s:%u%s conns %u msgs/conn %lu window %u max-size %lu buf %u seed %" PRIu64
           " hang-timeout %u s (engine task)\n",
           Opt.Host, (unsigned)Opt.Port, Opt.Path, Opt.Conns, Opt.Msgs, Opt.Window, Opt.MaxSize, Opt.BufLen, Opt.Seed,
           Opt.HangS);
    fflush(stdout);

    start_ms  = Soak_NowMs();
    last_tick = start_ms;
    next_tick = start_ms + 1000u;
    memset(&prev, 0, sizeof(prev));
    LOCK();
    for (i = 0u; i < Opt.Conns; i++) {
        Soak_Conns[i].State          = ST_CLOSED;
        Soak_Conns[i].ReopenAtMs     = start_ms;
        Soak_Conns[i].LastProgressMs = start_ms;
    }
    UNLOCK();
    Series_Add(&rss, Soak_RssKiB("VmRSS"));

    /* ------------------------------------- MAIN LOOP ----------------------------------- */
    for (;;) {
        unsigned long now = Soak_NowMs();
        unsigned long wake;
        int           work = 0;

        /* (Re)open what is due, one at a time, without holding Soak_Mtx across the API. */
        for (i = 0u; i < Opt.Conns; i++) {
            SOAK_CONN *c = &Soak_Conns[i];
            int        due;

            LOCK();
            due = (c->State == ST_CLOSED) && ((long)(now - c->ReopenAtMs) >= 0);
            if (due) {
                c->State = ST_OPENING;
            }
            UNLOCK();
            if (due && !Soak_Open(c)) {
                LOCK();
                Soak_Reopen(c, SOAK_RETRY_MS);
                UNLOCK();
            }
        }

        now = Soak_NowMs();
        if ((long)(now - next_tick) >= 0) {
            SOAK_STATS    snap;
            unsigned      open = 0u;
            unsigned      done;
            unsigned long v = Soak_RssKiB("VmRSS");

            Series_Add(&rss, v);
            LOCK();
            snap = St;
            done = Soak_Done;
            for (i = 0u; i < Opt.Conns; i++) {
                SOAK_CONN *c = &Soak_Conns[i];

                if ((c->State == ST_OPEN) || (c->State == ST_CLOSING)) {
                    open++;
                }
                if ((c->State != ST_DONE) && ((now - c->LastProgressMs) > ((unsigned long)Opt.HangS * 1000u))) {
                    if (!hung) {
                        fprintf(stderr,
                                "soak_client: conn %u HUNG: no progress for %lu ms (state %d, echoed %lu/%lu, "
                                "in flight %u, objects busy %u, opens %lu, ends %lu)\n",
                                c->Idx, now - c->LastProgressMs, (int)c->State, c->Echoed, Opt.Msgs, c->FifoLen,
                                c->BusySlots, c->Opens, c->ConnEnds);
                    }
                    hung = 1;
                    St.Hung++;
                }
            }
            UNLOCK();
            if (!Opt.Quiet) {
                Soak_Progress(now - start_ms, &snap, &prev, now - last_tick, open, done, v);
            }
            prev      = snap;
            last_tick = now;
            next_tick += 1000u;
            if ((long)(now - next_tick) >= 0) {
                next_tick = now + 1000u;             /* we overslept: do not catch up         */
            }
        }
        if (hung) {
            break;
        }

        /* Sleep until a hook asks for something, the next reopen, or the next tick. */
        LOCK();
        if (Soak_Done == Opt.Conns) {
            UNLOCK();
            break;
        }
        wake = next_tick;
        now  = Soak_NowMs();
        for (i = 0u; i < Opt.Conns; i++) {
            const SOAK_CONN *c = &Soak_Conns[i];

            if (c->State == ST_CLOSED) {
                if ((long)(now - c->ReopenAtMs) >= 0) {
                    work = 1;
                } else if ((long)(c->ReopenAtMs - wake) < 0) {
                    wake = c->ReopenAtMs;
                }
            }
        }
        if (!work && ((long)(wake - now) > 0)) {
            struct timespec ts;

            ts.tv_sec  = (time_t)(wake / 1000u);
            ts.tv_nsec = (long)(wake % 1000u) * 1000000L;
            (void)pthread_cond_timedwait(&Soak_Cond, &Soak_Mtx, &ts);
        }
        UNLOCK();
    }
    end_ms = Soak_NowMs();

    /* Late completions (a duplicate after OnClose, say) would show up here. */
    if (!hung) {
        struct timespec ts;

        ts.tv_sec  = SOAK_SETTLE_MS / 1000u;
        ts.tv_nsec = (long)(SOAK_SETTLE_MS % 1000u) * 1000000L;
        while ((nanosleep(&ts, &ts) != 0) && (errno == EINTR)) {
            ;
        }
    }
    Series_Add(&rss, Soak_RssKiB("VmRSS"));

    /* ------------------------------------- SUMMARY ------------------------------------- */
    LOCK();
    fin = St;
    UNLOCK();
    secs = (double)(end_ms - start_ms) / 1000.0;
    if (secs <= 0.0) {
        secs = 0.001;
    }
    for (i = 0u; i < rss.N; i++) {
        if ((i == 0u) || (rss.V[i] < rss_min)) {
            rss_min = rss.V[i];
        }
        if (rss.V[i] > rss_max) {
            rss_max = rss.V[i];
        }
    }
    /* Growth after warm-up: from the sample at 10 % of the run (at least 2 s in) to the max after it. */
    if (rss.N > 0u) {
        size_t w = rss.N / 10u;
        size_t j;

        if (w < 2u) {
            w = (rss.N > 2u) ? 2u : (rss.N - 1u);
        }
        rss_warm = rss.V[w];
        for (j = w; j < rss.N; j++) {
            if ((rss.V[j] > rss_warm) && ((rss.V[j] - rss_warm) > rss_growth)) {
                rss_growth = rss.V[j] - rss_warm;
            }
        }
    }

    accounted = fin.Matched + (fin.Mismatched - fin.Unexpected) + fin.FailedByFault;
    printf("---- summary ----\n");
    printf("elapsed %.1f s, %u connections x %lu messages, window %u, max size %lu B, buffer %u B\n", secs, Opt.Conns,
           Opt.Msgs, Opt.Window, Opt.MaxSize, Opt.BufLen);
    printf("throughput: %.0f messages/s echoed, %.2f MB/s payload each way (%.1f MB echoed)\n",
           (double)fin.Matched / secs, (double)fin.BytesEchoed / secs / 1e6, (double)fin.BytesEchoed / 1e6);
    printf("sent %" PRIu64 " (%.1f MB), completed OK %" PRIu64 ", completed FAIL %" PRIu64 ", send refused %" PRIu64 "\n",
           fin.Sent, (double)fin.BytesSent / 1e6, fin.TxOk, fin.TxFail, fin.SendRefused);
    printf("echoes matched %" PRIu64 ", mismatched %" PRIu64 " (unexpected %" PRIu64 "), failed by fault %" PRIu64 "\n",
           fin.Matched, fin.Mismatched, fin.Unexpected, fin.FailedByFault);
    printf("connections: opens %lu, ends before done %lu, connect failures %lu, upgrade errors %lu, reopen errors %lu, "
           "final close 1000 %lu / other %lu\n",
           fin.Opens, fin.ConnEnds, fin.ConnectFail, fin.UpgradeErr, fin.ClrErr, fin.FinalCloseOk, fin.FinalCloseOther);
    Soak_TallyPrint("close codes before done (OnClose)", fin.CloseCode);
    Soak_TallyPrint("OnErr codes", fin.WsErr);
    Soak_TallyPrint("send errors", fin.SendErr);
    Soak_TallyPrint("upgrade errors (1000xx: HTTP status index, 2000xx: ConnOpen err)", fin.UpgErr);
    printf("RSS KiB: min %lu max %lu last %lu, growth after warm-up %lu (from %lu), VmHWM %lu\n", rss_min, rss_max,
           (rss.N > 0u) ? rss.V[rss.N - 1u] : 0u, rss_growth, rss_warm, Soak_RssKiB("VmHWM"));
    {
        size_t step = (rss.N + SOAK_SERIES_POINTS - 1u) / SOAK_SERIES_POINTS;
        size_t j;

        if (step == 0u) {
            step = 1u;
        }
        printf("RSS series KiB (every %zu s):", step);
        for (j = 0u; j < rss.N; j += step) {
            printf(" %lu", rss.V[j]);
        }
        printf("\n");
    }

    printf("lost=%" PRIu64 " duplicated=%" PRIu64 " mismatched=%" PRIu64 "\n", fin.TxLost, fin.TxDup, fin.Mismatched);
    if ((fin.TxLost != 0u) || (fin.TxDup != 0u) || (fin.Mismatched != 0u)) {
        printf("FAIL: lost, duplicated or mismatched messages\n");
        fail = 1;
    }
    if (hung) {
        printf("FAIL: a connection hung (no progress for %u s)\n", Opt.HangS);
        fail = 1;
    }
    if (!hung && (accounted != fin.Sent)) {
        printf("FAIL: accounting: sent %" PRIu64 " != echoed %" PRIu64 " + failed by fault %" PRIu64 "\n", fin.Sent,
               fin.Matched + fin.Mismatched - fin.Unexpected, fin.FailedByFault);
        fail = 1;
    }
    if (!hung && ((fin.TxOk + fin.TxFail + fin.TxLost) != fin.Sent)) {
        printf("FAIL: accounting: sent %" PRIu64 " != completions %" PRIu64 " + lost %" PRIu64 "\n", fin.Sent,
               fin.TxOk + fin.TxFail, fin.TxLost);
        fail = 1;
    }
    if (!hung && (fin.Matched + fin.Mismatched - fin.Unexpected) != ((uint64_t)Opt.Conns * Opt.Msgs)) {
        printf("FAIL: %" PRIu64 " echoes, expected %" PRIu64 "\n", fin.Matched + fin.Mismatched - fin.Unexpected,
               (uint64_t)Opt.Conns * Opt.Msgs);
        fail = 1;
    }
    if ((Opt.MaxRssGrowthKiB != 0u) && (rss_growth > Opt.MaxRssGrowthKiB)) {
        printf("FAIL: RSS grew by %lu KiB after warm-up (limit %lu)\n", rss_growth, Opt.MaxRssGrowthKiB);
        fail = 1;
    }

    printf("SOAK_RESULT pass=%d secs=%.1f conns=%u msgs=%lu sent=%" PRIu64 " tx_ok=%" PRIu64 " tx_fail=%" PRIu64
           " lost=%" PRIu64 " duplicated=%" PRIu64 " matched=%" PRIu64 " mismatched=%" PRIu64 " failed_by_fault=%" PRIu64
           " msgs_per_s=%.0f mb_per_s=%.2f opens=%lu conn_ends=%lu close_1002=%lu close_1006=%lu hung=%d"
           " rss_min_kib=%lu rss_max_kib=%lu rss_last_kib=%lu rss_growth_kib=%lu\n",
           fail ? 0 : 1, secs, Opt.Conns, Opt.Msgs, fin.Sent, fin.TxOk, fin.TxFail, fin.TxLost, fin.TxDup, fin.Matched,
           fin.Mismatched, fin.FailedByFault, (double)fin.Matched / secs, (double)fin.BytesEchoed / secs / 1e6, fin.Opens,
           fin.ConnEnds, Soak_TallyGet(fin.CloseCode, 1002u), Soak_TallyGet(fin.CloseCode, 1006u), hung, rss_min,
           rss_max, (rss.N > 0u) ? rss.V[rss.N - 1u] : 0u, rss_growth);
    printf("%s\n", fail ? "RESULT: FAIL" : "RESULT: PASS");
    fflush(stdout);
    free(rss.V);
    /* The engine thread still runs (the library has no de-init): leave the objects alone. */
    return fail ? 1 : 0;
}
