/*
 * test_scripted.c: deterministic, scripted tests of the httpc-ws C API.
 *
 * A fake in-memory port (no sockets, no threads, no engine task): the "server" is a script of
 * byte blocks and wait points; what the client sends is captured and decoded (unmasked) to
 * check it. The clock is fake and only moves when a test moves it (or when a blocking call
 * sleeps in the port's Wait with nothing ready). The engine is driven by HTTPc_TaskHandler()
 * and by the blocking API calls, which drive it themselves in this mode.
 *
 * HTTPc_Init() succeeds once per process, so one main() runs every scenario in sequence, each
 * with fresh objects (static storage, zeroed, then *Clr).
 *
 * Output: "ok N - name" / "not ok N - name: details" per scenario, then "P passed, F failed".
 * Exit code 0 only when every scenario passed. TEST_SCRIPTED_VERBOSE=1 prints each session's
 * event log on stderr.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http-c.h"

/* ------------------------------------------------------------------------------------------ */
/* Failure bookkeeping                                                                        */
/* ------------------------------------------------------------------------------------------ */

static int         T_Num;
static const char *T_Name;
static int         T_Failed;
static char        T_Msg[2048];
static int         T_Passed_Total;
static int         T_Failed_Total;

static void fail_at(int line, const char *fmt, ...)
{
    va_list ap;
    size_t  used;

    if (T_Failed++ > 0) {
        return;                                   /* Keep the first failure only.             */
    }
    used = (size_t)snprintf(T_Msg, sizeof T_Msg, "line %d: ", line);
    if (used >= sizeof T_Msg) {
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(T_Msg + used, sizeof T_Msg - used, fmt, ap);
    va_end(ap);
}

#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fail_at(__LINE__, __VA_ARGS__);                                                   \
        }                                                                                     \
    } while (0)

#define CHECK_ERR(actual, expected)                                                           \
    CHECK((actual) == (expected), "%s: err %u, expected %u (%s)", #actual,                  \
          (unsigned)(actual), (unsigned)(expected), #expected)

#define CHECK_EQ(actual, expected)                                                            \
    CHECK((unsigned long)(actual) == (unsigned long)(expected), "%s = %lu, expected %lu",   \
          #actual, (unsigned long)(actual), (unsigned long)(expected))

static void on_alarm(int sig)
{
    (void)sig;
    printf("not ok %d - %s: hang (watchdog expired)\n", T_Num, T_Name ? T_Name : "?");
    printf("%d passed, %d failed\n", T_Passed_Total, T_Failed_Total + 1);
    fflush(stdout);
    _exit(1);
}

/* Callbacks are registered through `void *p_param` (legacy API). ISO C has no conversion from
 * a function pointer to `void *`; copy the representation instead (POSIX: same size). */
typedef void (*fn_any)(void);
typedef char fn_ptr_size_check[(sizeof(fn_any) == sizeof(void *)) ? 1 : -1];

static void *fn_to_ptr(fn_any f)
{
    void *p;

    memcpy(&p, &f, sizeof p);
    return p;
}
#define FN(f) fn_to_ptr((fn_any)(f))

/* ------------------------------------------------------------------------------------------ */
/* Event log                                                                                  */
/* ------------------------------------------------------------------------------------------ */

#define EV_MAX     256
#define EV_LEN     160

static char Ev[EV_MAX][EV_LEN];
static int  Ev_N;
static int  Ev_Overflow;

static void ev_clear(void)
{
    Ev_N        = 0;
    Ev_Overflow = 0;
}

static void ev_add(const char *fmt, ...)
{
    va_list ap;

    if (Ev_N >= EV_MAX) {
        Ev_Overflow = 1;
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(Ev[Ev_N], EV_LEN, fmt, ap);
    va_end(ap);
    Ev_N++;
}

/* Glob match: '*' matches any run of characters. */
static int glob_match(const char *pat, const char *s)
{
    if (*pat == '\0') {
        return *s == '\0';
    }
    if (*pat == '*') {
        for (;;) {
            if (glob_match(pat + 1, s)) {
                return 1;
            }
            if (*s == '\0') {
                return 0;
            }
            s++;
        }
    }
    return (*s == *pat) && glob_match(pat + 1, s + 1);
}

static void ev_dump(char *out, size_t out_len)
{
    size_t used = 0;
    int    i;

    out[0] = '\0';
    for (i = 0; i < Ev_N && used + 2 < out_len; i++) {
        int n = snprintf(out + used, out_len - used, "%s%s", i ? ", " : "", Ev[i]);
        if (n < 0) {
            break;
        }
        used += (size_t)n;
    }
}

/* exact != 0: the log must be exactly `exp`; else `exp` must appear in order (a subsequence). */
static void expect_events(int line, int exact, const char *const *exp)
{
    int  n = 0;
    int  i;
    int  j;
    int  ok;
    char got[1200];
    char want[1200];
    size_t used = 0;

    while (exp[n] != NULL) {
        n++;
    }
    if (exact) {
        ok = (Ev_N == n) && !Ev_Overflow;
        for (i = 0; ok && i < n; i++) {
            ok = glob_match(exp[i], Ev[i]);
        }
    } else {
        j = 0;
        for (i = 0; i < Ev_N && j < n; i++) {
            if (glob_match(exp[j], Ev[i])) {
                j++;
            }
        }
        ok = (j == n);
    }
    if (!ok) {
        want[0] = '\0';
        for (i = 0; i < n && used + 2 < sizeof want; i++) {
            int k = snprintf(want + used, sizeof want - used, "%s%s", i ? ", " : "", exp[i]);
            if (k < 0) {
                break;
            }
            used += (size_t)k;
        }
        ev_dump(got, sizeof got);
        fail_at(line, "events: expected %s[%s], got [%s]", exact ? "" : "subsequence ", want, got);
    }
}

#define EXPECT_EVENTS(...)     expect_events(__LINE__, 1, (const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_EVENTS_SUB(...) expect_events(__LINE__, 0, (const char *const[]){ __VA_ARGS__, NULL })

static int ev_count(const char *pat)
{
    int i;
    int n = 0;

    for (i = 0; i < Ev_N; i++) {
        if (glob_match(pat, Ev[i])) {
            n++;
        }
    }
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* The scripted server                                                                        */
/* ------------------------------------------------------------------------------------------ */

enum {
    ST_DATA,          /* Bytes the client can read.                                        */
    ST_WAIT_REQ,      /* Until the client has sent the whole upgrade request head.         */
    ST_WAIT_FRAMES,   /* Until the client has sent `n` complete frames after the request. */
    ST_WAIT_GATE,     /* Until the test raised the gate to `n`.                           */
    ST_CLOSED,        /* The server closed: Recv returns HTTPc_PORT_CLOSED from now on.   */
    ST_ERR            /* A socket error: Recv returns HTTPc_PORT_ERR from now on.         */
};

typedef struct {
    int      Kind;
    size_t   Off;     /* ST_DATA: offset in Srv_Bytes.                                      */
    size_t   Len;
    unsigned N;
} STEP;

#define SRV_BYTES_MAX  (256u * 1024u)
#define STEPS_MAX      64
#define CAP_MAX        (512u * 1024u)

static unsigned char Srv_Bytes[SRV_BYTES_MAX];
static size_t        Srv_Len;
static STEP          Steps[STEPS_MAX];
static int           Steps_N;

static const unsigned char Mask_Keys[4][4] = {
    { 0x37u, 0xFAu, 0x21u, 0x3Du },
    { 0xA1u, 0xB2u, 0xC3u, 0xD4u },
    { 0x01u, 0x02u, 0x03u, 0x04u },
    { 0xFFu, 0x80u, 0x7Fu, 0x11u },
};

static const char Nonce[16] = { 't', 'h', 'e', ' ', 's', 'a', 'm', 'p',
                                'l', 'e', ' ', 'n', 'o', 'n', 'c', 'e' };
#define KEY_B64    "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT_B64 "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

typedef struct {
    /* Connect */
    unsigned Connects;
    unsigned Closes;
    int      ConnectFail;
    unsigned ConnectPolls;      /* Connect returns WOULD_BLOCK, then this many polls say so. */
    unsigned ConnectPollsLeft;
    unsigned ConnectPollCalls;
    char     Host[128];
    unsigned Port;
    int      Open;              /* Between Connect and Close.                                */
    int      HandleObj;
    /* Receive */
    size_t   Step;
    size_t   StepOff;
    size_t   RxChunk;           /* Largest Recv result; 0: no limit.                         */
    unsigned Gate;
    unsigned RecvCalls;
    /* Send */
    unsigned char Cap[CAP_MAX];
    size_t   CapLen;
    const unsigned *TxPat;
    size_t   TxPatN;
    size_t   TxPatI;
    int      TxBlock;
    long     TxFailAt;          /* < 0: never.                                               */
    CPU_INT32S TxFailCode;
    unsigned SendCalls;
    /* Random / time */
    unsigned MaskI;
    /* Contract violations seen by the port. */
    unsigned Violations;
    char     Violation[200];
} PORT_STATE;

static PORT_STATE P;

static CPU_INT32U Now_ms = 1000u;       /* The fake clock (never reset: monotonic).           */

static void port_violation(const char *what)
{
    if (P.Violations++ == 0u) {
        (void)snprintf(P.Violation, sizeof P.Violation, "%s", what);
    }
}

static void srv_reset(void)
{
    Srv_Len = 0u;
    Steps_N = 0;
}

static void port_reset(void)
{
    memset(&P, 0, offsetof(PORT_STATE, Cap));
    P.CapLen     = 0u;
    P.TxPat      = NULL;
    P.TxPatN     = 0u;
    P.TxPatI     = 0u;
    P.TxBlock    = 0;
    P.TxFailAt   = -1;
    P.TxFailCode = HTTPc_PORT_ERR;
    P.SendCalls  = 0u;
    P.MaskI      = 0u;
    P.Violations = 0u;
    P.Violation[0] = '\0';
    srv_reset();
}

static STEP *srv_step(int kind)
{
    STEP *s;

    if (Steps_N >= STEPS_MAX) {
        fprintf(stderr, "script too long\n");
        abort();
    }
    s = &Steps[Steps_N++];
    memset(s, 0, sizeof *s);
    s->Kind = kind;
    return s;
}

static void srv_bytes(const void *p, size_t len)
{
    STEP *s;

    if (Srv_Len + len > SRV_BYTES_MAX) {
        fprintf(stderr, "script data too long\n");
        abort();
    }
    if (Steps_N > 0 && Steps[Steps_N - 1].Kind == ST_DATA) {
        s = &Steps[Steps_N - 1];                  /* Contiguous with the previous block.      */
    } else {
        s = srv_step(ST_DATA);
        s->Off = Srv_Len;
    }
    if (len > 0u) {
        memcpy(&Srv_Bytes[Srv_Len], p, len);
    }
    Srv_Len += len;
    s->Len  += len;
}

static void srv_str(const char *s)   { srv_bytes(s, strlen(s)); }
static void srv_wait_req(void)       { (void)srv_step(ST_WAIT_REQ); }
static void srv_wait_frames(unsigned n) { srv_step(ST_WAIT_FRAMES)->N = n; }
static void srv_gate(unsigned n)     { srv_step(ST_WAIT_GATE)->N = n; }
static void srv_closed(void)         { (void)srv_step(ST_CLOSED); }
static void srv_err(void)            { (void)srv_step(ST_ERR); }

static void srv_101(void)
{
    srv_str("HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " ACCEPT_B64 "\r\n"
            "\r\n");
}

/* A server frame. `key` non-NULL: masked (a protocol violation from a server). */
static void srv_frame(int fin, unsigned rsv, unsigned op, const unsigned char *key,
                      const void *payload, size_t len)
{
    unsigned char hdr[14];
    size_t        h = 0u;
    size_t        i;
    const unsigned char *p = (const unsigned char *)payload;

    hdr[h++] = (unsigned char)((fin ? 0x80u : 0u) | ((rsv & 7u) << 4) | (op & 0x0Fu));
    if (len <= 125u) {
        hdr[h++] = (unsigned char)((key ? 0x80u : 0u) | len);
    } else if (len <= 0xFFFFu) {
        hdr[h++] = (unsigned char)((key ? 0x80u : 0u) | 126u);
        hdr[h++] = (unsigned char)(len >> 8);
        hdr[h++] = (unsigned char)len;
    } else {
        hdr[h++] = (unsigned char)((key ? 0x80u : 0u) | 127u);
        for (i = 0u; i < 8u; i++) {
            hdr[h++] = (unsigned char)(((unsigned long long)len >> (56u - 8u * i)) & 0xFFu);
        }
    }
    if (key) {
        memcpy(&hdr[h], key, 4u);
        h += 4u;
    }
    srv_bytes(hdr, h);
    for (i = 0u; i < len; i++) {
        unsigned char b = p[i];
        if (key) {
            b ^= key[i % 4u];
        }
        srv_bytes(&b, 1u);
    }
}

static void srv_close_frame(unsigned code, const char *reason)
{
    unsigned char pl[125];
    size_t        n = 0u;

    pl[n++] = (unsigned char)(code >> 8);
    pl[n++] = (unsigned char)code;
    if (reason) {
        memcpy(&pl[n], reason, strlen(reason));
        n += strlen(reason);
    }
    srv_frame(1, 0u, 8u, NULL, pl, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Decoding what the client sent                                                              */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    int           Fin;
    unsigned      Rsv;
    unsigned      Op;
    int           Masked;
    int           KeyKnown;    /* The key is one our Random handed out.                      */
    unsigned char Key[4];
    unsigned      Len7;        /* The 7-bit length field.                                     */
    size_t        HdrLen;
    size_t        Len;
    size_t        PayOff;      /* Unmasked payload in F_Pay.                                  */
} CFRAME;

#define CFRAMES_MAX 64

static CFRAME        F[CFRAMES_MAX];
static int           F_N;
static int           F_Partial;       /* Trailing bytes that do not make a whole frame.       */
static unsigned char F_Pay[CAP_MAX];

/* Length of the request head (through CRLFCRLF), 0 if incomplete. */
static size_t cap_req_len(void)
{
    size_t i;

    for (i = 0u; i + 4u <= P.CapLen; i++) {
        if (memcmp(&P.Cap[i], "\r\n\r\n", 4u) == 0) {
            return i + 4u;
        }
    }
    return 0u;
}

/* Parses one frame at `off`; returns its total length or 0 if incomplete. */
static size_t cap_frame_at(size_t off, CFRAME *f, int copy, size_t *pay_used)
{
    const unsigned char *b   = &P.Cap[off];
    size_t               avail = P.CapLen - off;
    size_t               h   = 2u;
    unsigned long long   len;
    size_t               i;
    int                  k;

    if (avail < 2u) {
        return 0u;
    }
    f->Fin    = (b[0] & 0x80u) != 0u;
    f->Rsv    = (b[0] >> 4) & 7u;
    f->Op     = b[0] & 0x0Fu;
    f->Masked = (b[1] & 0x80u) != 0u;
    f->Len7   = b[1] & 0x7Fu;
    len       = f->Len7;
    if (f->Len7 == 126u) {
        if (avail < 4u) {
            return 0u;
        }
        len = ((unsigned)b[2] << 8) | b[3];
        h   = 4u;
    } else if (f->Len7 == 127u) {
        if (avail < 10u) {
            return 0u;
        }
        len = 0u;
        for (i = 0u; i < 8u; i++) {
            len = (len << 8) | b[2u + i];
        }
        h = 10u;
    }
    if (f->Masked) {
        if (avail < h + 4u) {
            return 0u;
        }
        memcpy(f->Key, &b[h], 4u);
        h += 4u;
    } else {
        memset(f->Key, 0, 4u);
    }
    if (len > (unsigned long long)(avail - h)) {
        return 0u;
    }
    f->HdrLen   = h;
    f->Len      = (size_t)len;
    f->KeyKnown = 0;
    for (k = 0; k < 4; k++) {
        if (memcmp(f->Key, Mask_Keys[k], 4u) == 0) {
            f->KeyKnown = 1;
        }
    }
    if (copy) {
        f->PayOff = *pay_used;
        for (i = 0u; i < f->Len; i++) {
            F_Pay[*pay_used + i] = (unsigned char)(b[h + i] ^ (f->Masked ? f->Key[i % 4u] : 0u));
        }
        *pay_used += f->Len;
    }
    return h + f->Len;
}

static unsigned cap_count_frames(void)
{
    size_t   off = cap_req_len();
    unsigned n   = 0u;
    CFRAME   f;

    if (off == 0u) {
        return 0u;
    }
    for (;;) {
        size_t used = cap_frame_at(off, &f, 0, NULL);
        if (used == 0u) {
            return n;
        }
        off += used;
        n++;
    }
}

static void cap_decode(void)
{
    size_t off      = cap_req_len();
    size_t pay_used = 0u;

    F_N       = 0;
    F_Partial = 0;
    if (off == 0u) {
        return;
    }
    while (off < P.CapLen && F_N < CFRAMES_MAX) {
        size_t used = cap_frame_at(off, &F[F_N], 1, &pay_used);
        if (used == 0u) {
            F_Partial = 1;
            return;
        }
        off += used;
        F_N++;
    }
}

static const unsigned char *fpay(int i) { return &F_Pay[F[i].PayOff]; }

/* Every client frame must be masked with a key from our Random, with RSV bits clear. */
static void check_frames_wellformed(int line)
{
    int i;

    for (i = 0; i < F_N; i++) {
        if (!F[i].Masked || !F[i].KeyKnown || F[i].Rsv != 0u) {
            fail_at(line, "client frame %d: masked=%d key-from-port=%d rsv=%u", i, F[i].Masked,
                    F[i].KeyKnown, F[i].Rsv);
            return;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The port                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static int wait_satisfied(const STEP *s)
{
    switch (s->Kind) {
    case ST_WAIT_REQ:    return cap_req_len() != 0u;
    case ST_WAIT_FRAMES: return cap_count_frames() >= s->N;
    case ST_WAIT_GATE:   return P.Gate >= s->N;
    default:             return 1;
    }
}

/* Would Recv return anything but WOULD_BLOCK now? */
static int srv_readable(void)
{
    size_t i   = P.Step;
    size_t off = P.StepOff;

    while (i < (size_t)Steps_N) {
        const STEP *s = &Steps[i];
        switch (s->Kind) {
        case ST_DATA:
            if (off < s->Len) {
                return 1;
            }
            i++;
            off = 0u;
            break;
        case ST_CLOSED:
        case ST_ERR:
            return 1;
        default:
            if (!wait_satisfied(s)) {
                return 0;
            }
            i++;
            off = 0u;
            break;
        }
    }
    return 0;
}

static void check_handle(void *handle, const char *who)
{
    static char msg[96];

    if (handle != (void *)&P.HandleObj) {
        (void)snprintf(msg, sizeof msg, "%s: wrong handle", who);
        port_violation(msg);
    }
    if (!P.Open) {
        (void)snprintf(msg, sizeof msg, "%s: called on a closed socket", who);
        port_violation(msg);
    }
}

static CPU_INT32S port_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port,
                               CPU_INT32U timeout_ms, const HTTPc_PORT_SECURE_CFG *p_secure,
                               CPU_INT16U inactivity_s, CPU_BOOLEAN keep_alive, void **p_handle)
{
    (void)p_ctx;
    (void)timeout_ms;
    (void)inactivity_s;
    (void)keep_alive;
    P.Connects++;
    if (p_secure != NULL) {
        port_violation("Connect: TLS settings on a plain connection");
    }
    (void)snprintf(P.Host, sizeof P.Host, "%s", p_host ? p_host : "(null)");
    P.Port = port;
    if (P.Open) {
        port_violation("Connect while a socket is open");
    }
    if (P.ConnectFail) {
        return HTTPc_PORT_ERR;
    }
    *p_handle = (void *)&P.HandleObj;
    P.Open    = 1;
    if (P.ConnectPolls > 0u) {
        P.ConnectPollsLeft = P.ConnectPolls;
        return HTTPc_PORT_WOULD_BLOCK;
    }
    return HTTPc_PORT_OK;
}

static CPU_INT32S port_connect_poll(void *p_ctx, void *handle)
{
    (void)p_ctx;
    check_handle(handle, "ConnectPoll");
    P.ConnectPollCalls++;
    if (P.ConnectPollsLeft > 0u) {
        P.ConnectPollsLeft--;
        return HTTPc_PORT_WOULD_BLOCK;
    }
    return HTTPc_PORT_OK;
}

static CPU_INT32S port_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    size_t n = len;

    (void)p_ctx;
    check_handle(handle, "Send");
    P.SendCalls++;
    if (len == 0u) {
        port_violation("Send with len 0");
        return HTTPc_PORT_WOULD_BLOCK;
    }
    if (P.TxBlock) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    if (P.TxFailAt >= 0) {
        if (P.CapLen >= (size_t)P.TxFailAt) {
            return P.TxFailCode;
        }
        if (P.CapLen + n > (size_t)P.TxFailAt) {
            n = (size_t)P.TxFailAt - P.CapLen;
        }
    }
    if (P.TxPatN > 0u) {
        size_t m = P.TxPat[P.TxPatI++ % P.TxPatN];
        if (n > m) {
            n = m;
        }
    }
    if (P.CapLen + n > CAP_MAX) {
        port_violation("capture buffer full");
        return HTTPc_PORT_ERR;
    }
    memcpy(&P.Cap[P.CapLen], p_data, n);
    P.CapLen += n;
    return (CPU_INT32S)n;
}

static CPU_INT32S port_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    size_t want = len;
    size_t got  = 0u;

    (void)p_ctx;
    check_handle(handle, "Recv");
    P.RecvCalls++;
    if (len == 0u) {
        port_violation("Recv with len 0");
        return HTTPc_PORT_WOULD_BLOCK;
    }
    if (P.RxChunk > 0u && want > P.RxChunk) {
        want = P.RxChunk;
    }
    while (P.Step < (size_t)Steps_N) {
        const STEP *s = &Steps[P.Step];
        if (s->Kind == ST_DATA) {
            size_t n;
            if (got == want) {
                break;
            }
            n = s->Len - P.StepOff;
            if (n > want - got) {
                n = want - got;
            }
            memcpy(p_buf + got, &Srv_Bytes[s->Off + P.StepOff], n);
            got       += n;
            P.StepOff += n;
            if (P.StepOff == s->Len) {
                P.Step++;
                P.StepOff = 0u;
            }
        } else if (s->Kind == ST_CLOSED || s->Kind == ST_ERR) {
            if (got > 0u) {
                break;
            }
            return (s->Kind == ST_CLOSED) ? HTTPc_PORT_CLOSED : HTTPc_PORT_ERR;
        } else {
            if (!wait_satisfied(s)) {
                break;
            }
            P.Step++;
            P.StepOff = 0u;
        }
    }
    return (got > 0u) ? (CPU_INT32S)got : HTTPc_PORT_WOULD_BLOCK;
}

static void port_close(void *p_ctx, void *handle)
{
    (void)p_ctx;
    check_handle(handle, "Close");
    P.Closes++;
    P.Open = 0;
}

static CPU_BOOLEAN port_random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    CPU_INT32U i;

    (void)p_ctx;
    if (len == 16u) {
        memcpy(p_buf, Nonce, 16u);
    } else if (len == 4u) {
        memcpy(p_buf, Mask_Keys[P.MaskI++ % 4u], 4u);
    } else {
        for (i = 0u; i < len; i++) {
            p_buf[i] = (CPU_INT08U)(0x5Au + i);
        }
    }
    return DEF_OK;
}

static CPU_INT32U port_time(void *p_ctx)
{
    (void)p_ctx;
    return Now_ms;
}

/* Used only by blocking calls (they drive the engine in this mode). Ready: return at once.
 * Nothing ready: "sleep", i.e. move the fake clock by the timeout (at least 1 ms). */
static void port_wait(void *p_ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr,
                      CPU_INT32U timeout_ms)
{
    CPU_INT16U i;
    int        ready = 0;

    (void)p_ctx;
    for (i = 0u; i < nbr; i++) {
        if ((p_entries[i].Want & HTTPc_PORT_WAIT_RD) && P.Open && srv_readable()) {
            ready = 1;
        }
        if ((p_entries[i].Want & HTTPc_PORT_WAIT_WR) && P.Open && !P.TxBlock) {
            ready = 1;
        }
    }
    if (!ready) {
        Now_ms += (timeout_ms == HTTPc_PORT_WAIT_FOREVER) ? 1000u : (timeout_ms ? timeout_ms : 1u);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Objects and hooks                                                                          */
/* ------------------------------------------------------------------------------------------ */

#define CONN_BUF_LEN 1024u
#define NMSG         4

static HTTPc_CONN_OBJ        Conn;
static HTTPc_REQ_OBJ         Req;
static HTTPc_RESP_OBJ        Resp;
static HTTPc_WEBSOCK_OBJ     Ws;
static HTTPc_WEBSOCK_MSG_OBJ Msg[NMSG];
static struct {
    CPU_CHAR Pre[64];                   /* Memory of the application's right before it.      */
    CPU_CHAR Buf[CONN_BUF_LEN];
} ConnMem;
#define ConnBuf (ConnMem.Buf)
static CPU_CHAR              Host[] = "server.example.com";
static CPU_CHAR              Path[] = "/chat";
static const char           *MsgName[NMSG] = { "M0", "M1", "M2", "M3" };

static unsigned char Rx_Acc[140000];
static size_t        Rx_Len;
static int           Rx_ConsumeOne;     /* OnMsgRxData takes one byte per call.                 */
static void         *Rx_AppBuf;         /* Non-NULL: OnMsgRxInit hands it (buffer mode).        */
static void         *Plan[4];           /* OnMsgRxInit's *p_data for the first Plan_N messages. */
static int           Plan_N;
static int           Init_N;
static int           RxMax_Force;       /* Set RX_MSG_LEN_MAX even to 0.                        */
static int           Conn_Closed;
static int           Ws_Opened;
static int           Trans_Done;
static unsigned      TxDone[NMSG];
static int           Bad_Args;

/* Fragmented send (OnMsgTxData with an undefined length). */
static const char *Frag_Parts[] = { "Hel", "lo, ", "frag" };
static int         Frag_I;

static void note_conn(const HTTPc_CONN_OBJ *c)
{
    if (c != &Conn) {
        Bad_Args++;
    }
}

static void on_connect(HTTPc_CONN_OBJ *c, CPU_BOOLEAN st)
{
    note_conn(c);
    ev_add("connect(%u)", (unsigned)st);
}

static void on_conn_close(HTTPc_CONN_OBJ *c, HTTPc_CONN_CLOSE_STATUS st, HTTPc_ERR err)
{
    note_conn(c);
    Conn_Closed++;
    ev_add("conn_close(%u,%u)", (unsigned)st, (unsigned)err);
}

static void on_trans(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_RESP_OBJ *rs, CPU_BOOLEAN st)
{
    note_conn(c);
    if (r != &Req || rs != &Resp) {
        Bad_Args++;
    }
    Trans_Done++;
    ev_add("trans(%u)", (unsigned)st);
}

static void on_req_err(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_ERR err)
{
    note_conn(c);
    if (r != &Req) {
        Bad_Args++;
    }
    Trans_Done++;
    ev_add("req_err(%u)", (unsigned)err);
}

static void on_open(HTTPc_CONN_OBJ *c)
{
    note_conn(c);
    Ws_Opened++;
    ev_add("open");
}

static void on_ws_close(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_CLOSE_CODE code,
                        HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    int         len = 0;
    const char *txt = "";

    note_conn(c);
    if (p_reason == NULL) {
        Bad_Args++;
    } else if (p_reason->Len > 0u) {
        if (p_reason->DataPtr == NULL) {
            Bad_Args++;
        } else {
            len = p_reason->Len;
            txt = p_reason->DataPtr;
        }
    }
    ev_add("ws_close(%u,%.*s)", (unsigned)code, len, txt);
}

static void on_ws_err(HTTPc_CONN_OBJ *c, HTTPc_ERR err)
{
    note_conn(c);
    ev_add("ws_err(%u)", (unsigned)err);
}

static void on_pong(HTTPc_CONN_OBJ *c, CPU_CHAR *p, CPU_INT16U len)
{
    note_conn(c);
    ev_add("pong(%.*s)", (int)len, len ? p : "");
}

static void on_rx_init(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_TYPE t, CPU_INT32U len, void **p_data)
{
    note_conn(c);
    if (p_data == NULL) {
        Bad_Args++;
    }
    if ((p_data != NULL) && (*p_data != NULL)) {
        Bad_Args++;                               /* Legacy handed it NULL.                  */
    }
    if (p_data != NULL) {
        *p_data = (Init_N < Plan_N) ? Plan[Init_N] : Rx_AppBuf;
    }
    Init_N++;
    if ((p_data == NULL) || (*p_data == NULL)) {
        Rx_Len = 0u;                              /* Streamed: Rx_Acc holds this message.    */
    }
    ev_add("rx_init(%u,%lu)", (unsigned)t, (unsigned long)len);
}

static CPU_INT32U on_rx_data(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_TYPE t, void *p, CPU_INT16U len)
{
    CPU_INT32U take = len;

    note_conn(c);
    if (Rx_ConsumeOne && take > 1u) {
        take = 1u;
    }
    if (len == 0u || p == NULL) {
        Bad_Args++;
        return 0u;
    }
    if (Rx_Len + take <= sizeof Rx_Acc) {
        memcpy(&Rx_Acc[Rx_Len], p, take);
        Rx_Len += take;
    }
    /* Consecutive data calls are one event (their number depends on the chunking). */
    {
        char e[32];
        (void)snprintf(e, sizeof e, "rx_data(%u)", (unsigned)t);
        if (Ev_N == 0 || strcmp(Ev[Ev_N - 1], e) != 0) {
            ev_add("%s", e);
        }
    }
    return take;
}

static void on_rx_complete(HTTPc_CONN_OBJ *c)
{
    note_conn(c);
    ev_add("rx_complete");
}

static int msg_index(const HTTPc_WEBSOCK_MSG_OBJ *m)
{
    int i;

    for (i = 0; i < NMSG; i++) {
        if (m == &Msg[i]) {
            return i;
        }
    }
    return -1;
}

static void on_tx_complete(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_OBJ *m, CPU_BOOLEAN st)
{
    int i = msg_index(m);

    note_conn(c);
    if (i < 0) {
        Bad_Args++;
        ev_add("tx_done(?,%u)", (unsigned)st);
        return;
    }
    if (m->UserDataPtr != (void *)MsgName[i]) {
        Bad_Args++;
    }
    TxDone[i]++;
    ev_add("tx_done(%s,%u)", MsgName[i], (unsigned)st);
}

static CPU_INT32U on_tx_data_frag(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_OBJ *m, CPU_CHAR *p_buf,
                                  CPU_INT32U buf_len)
{
    size_t n;

    note_conn(c);
    (void)m;
    if (Frag_I >= (int)(sizeof Frag_Parts / sizeof Frag_Parts[0])) {
        return 0u;                                /* End of the message.                       */
    }
    n = strlen(Frag_Parts[Frag_I]);
    if (n > buf_len) {
        Bad_Args++;
        return 0u;
    }
    memcpy(p_buf, Frag_Parts[Frag_I], n);
    Frag_I++;
    return (CPU_INT32U)n;
}

/* ------------------------------------------------------------------------------------------ */
/* Session helpers                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    int        Reuse;           /* Do not zero the objects first (just *Clr).                */
    int        OpenBlocking;
    int        UpgradeBlocking;
    unsigned   ConnectPolls;    /* > 0: Connect would-blocks, ConnectPoll this many times.    */
    CPU_INT32U RxMax;           /* 0: default.                                                */
    CPU_INT32U CloseTimeout;    /* 0: default.                                                */
    CPU_INT32U PingInterval;    /* 0: no keep-alive.                                          */
    CPU_INT32U PongTimeout;     /* 0: none.                                                   */
} SESS;

static void state_reset(void)
{
    ev_clear();
    Rx_Len        = 0u;
    Rx_ConsumeOne = 0;
    Rx_AppBuf     = NULL;
    Plan_N        = 0;
    Init_N        = 0;
    RxMax_Force   = 0;
    Conn_Closed   = 0;
    Ws_Opened     = 0;
    Trans_Done    = 0;
    Bad_Args      = 0;
    Frag_I        = 0;
    memset(TxDone, 0, sizeof TxDone);
}

static void pump(int n)
{
    int i;

    for (i = 0; i < n; i++) {
        (void)HTTPc_TaskHandler();
    }
}

/* Pumps until *flag becomes nonzero (at most `max` passes). */
static int pump_until(const int *flag, int max)
{
    int i;

    for (i = 0; i < max && *flag == 0; i++) {
        (void)HTTPc_TaskHandler();
    }
    return *flag != 0;
}

/* Clears (and unless reusing, zeroes) the objects and registers every hook. */
static void objs_setup(const SESS *o)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN yes = DEF_YES;
    int         i;

    if (!o->Reuse) {
        memset(&Conn, 0, sizeof Conn);
        memset(&Req, 0, sizeof Req);
        memset(&Resp, 0, sizeof Resp);
        memset(&Ws, 0, sizeof Ws);
        memset(Msg, 0, sizeof Msg);
    }
    HTTPc_ConnClr(&Conn, &err);                         CHECK_ERR(err, HTTPc_ERR_NONE);
    HTTPc_ReqClr(&Req, &err);                           CHECK_ERR(err, HTTPc_ERR_NONE);
    HTTPc_WebSockClr(&Ws, &err);                        CHECK_ERR(err, HTTPc_ERR_NONE);
    for (i = 0; i < NMSG; i++) {
        HTTPc_WebSockMsgClr(&Msg[i], &err);             CHECK_ERR(err, HTTPc_ERR_NONE);
        HTTPc_WebSockMsgSetParam(&Msg[i], HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE,
                                 FN(on_tx_complete), &err);
        CHECK_ERR(err, HTTPc_ERR_NONE);
        HTTPc_WebSockMsgSetParam(&Msg[i], HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA,
                                 (void *)MsgName[i], &err);
        CHECK_ERR(err, HTTPc_ERR_NONE);
    }
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &yes, &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, FN(on_conn_close), &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, FN(on_connect), &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, FN(on_trans), &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, FN(on_req_err), &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    {
        static const HTTPc_PARAM_TYPE types[] = {
            HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN,   HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR,    HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,
            HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE,
        };
        void *fns[7];

        fns[0] = FN(on_open);
        fns[1] = FN(on_ws_close);
        fns[2] = FN(on_ws_err);
        fns[3] = FN(on_pong);
        fns[4] = FN(on_rx_init);
        fns[5] = FN(on_rx_data);
        fns[6] = FN(on_rx_complete);
        for (i = 0; i < 7; i++) {
            HTTPc_WebSockSetParam(&Ws, types[i], fns[i], &err);
            CHECK_ERR(err, HTTPc_ERR_NONE);
        }
    }
    if (o->RxMax != 0u || RxMax_Force) {
        CPU_INT32U v = o->RxMax;
        HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_RX_MSG_LEN_MAX, &v, &err);
        CHECK_ERR(err, HTTPc_ERR_NONE);
    }
    if (o->PingInterval != 0u) {
        CPU_INT32U v = o->PingInterval;
        HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_PING_INTERVAL_MS, &v, &err);
        CHECK_ERR(err, HTTPc_ERR_NONE);
    }
    if (o->PongTimeout != 0u) {
        CPU_INT32U v = o->PongTimeout;
        HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_PONG_TIMEOUT_MS, &v, &err);
        CHECK_ERR(err, HTTPc_ERR_NONE);
    }
    if (o->CloseTimeout != 0u) {
        CPU_INT32U v = o->CloseTimeout;
        HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, &v, &err);
        CHECK_ERR(err, HTTPc_ERR_NONE);
    }
}

/* Opens the connection (the port and script are set up by the caller). 1 when connected. */
static int sess_connect(const SESS *o)
{
    HTTPc_ERR   err = 0u;
    CPU_BOOLEAN ok;

    P.ConnectPolls = o->ConnectPolls;
    if (o->OpenBlocking) {
        ok = HTTPc_ConnOpen(&Conn, ConnBuf, CONN_BUF_LEN, Host, (CPU_INT16U)strlen(Host),
                            HTTPc_FLAG_NONE, &err);
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "blocking ConnOpen: ret %u err %u",
              (unsigned)ok, (unsigned)err);
        return ok == DEF_OK;
    }
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, CONN_BUF_LEN, Host, (CPU_INT16U)strlen(Host),
                        HTTPc_FLAG_CONN_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_NONE,
          "non-blocking ConnOpen: ret %u err %u (legacy: DEF_FAIL + NONE once queued)",
          (unsigned)ok, (unsigned)err);
    pump(5 + (int)o->ConnectPolls);
    CHECK(ev_count("connect(1)") == 1, "OnConnect(DEF_OK) not reported once");
    return ev_count("connect(1)") == 1;
}

/* Starts the upgrade; for a non-blocking one pumps until the transaction ends. Returns the
 * blocking call's result (or DEF_OK for a non-blocking one that got OnTransComplete). */
static CPU_BOOLEAN sess_upgrade(const SESS *o, HTTPc_ERR *p_err)
{
    CPU_BOOLEAN ok;

    *p_err = 0u;
    if (o->UpgradeBlocking) {
        return HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, Path, (CPU_INT16U)strlen(Path),
                                    HTTPc_FLAG_NONE, p_err);
    }
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, Path, (CPU_INT16U)strlen(Path),
                              HTTPc_FLAG_WEBSOCK_NO_BLOCK, p_err);
    CHECK(ok == DEF_FAIL && *p_err == HTTPc_ERR_NONE,
          "non-blocking upgrade: ret %u err %u (legacy: DEF_FAIL + NONE once queued)",
          (unsigned)ok, (unsigned)*p_err);
    (void)pump_until(&Trans_Done, 2000);
    pump(3);
    return (ev_count("trans(1)") == 1) ? DEF_OK : DEF_FAIL;
}

/* Fresh objects, connect and upgrade; the script must answer with a 101. 1 when open. */
static int sess_open(const SESS *o)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;

    objs_setup(o);
    if (!sess_connect(o)) {
        return 0;
    }
    ok = sess_upgrade(o, &err);
    if (o->UpgradeBlocking) {
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "blocking upgrade: ret %u err %u",
              (unsigned)ok, (unsigned)err);
        pump(3);
    }
    CHECK(Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS, "StatusCode %u, expected 1",
          (unsigned)Resp.StatusCode);
    CHECK(Ws_Opened == 1, "OnOpen called %d times", Ws_Opened);
    return Ws_Opened == 1;
}

/* End-of-session checks shared by every scenario, then make sure nothing stays open. */
static void sess_end(void)
{
    HTTPc_ERR err;

    CHECK(P.Violations == 0u, "port contract violation: %s (%u in all)", P.Violation,
          P.Violations);
    CHECK(Bad_Args == 0, "%d hook calls with unexpected arguments", Bad_Args);
    CHECK(Ev_Overflow == 0, "event log overflow");
    if (getenv("TEST_SCRIPTED_VERBOSE") != NULL) {
        char d[1200];
        ev_dump(d, sizeof d);
        fprintf(stderr, "# %d: events [%s], sent %lu bytes, Connect %u, Close %u\n", T_Num, d,
                (unsigned long)P.CapLen, P.Connects, P.Closes);
    }
    /* Leave nothing open for the next scenario (only matters after a failure). */
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    if (err == HTTPc_ERR_NONE) {
        pump(3);
    }
    CHECK(P.Closes == P.Connects, "Connect called %u times, Close %u times", P.Connects,
          P.Closes);
}

static void begin(int num, const char *name)
{
    T_Num    = num;
    T_Name   = name;
    T_Failed = 0;
    T_Msg[0] = '\0';
    alarm(60u);
}

static void end(void)
{
    alarm(0u);
    if (T_Failed) {
        printf("not ok %d - %s: %s\n", T_Num, T_Name, T_Msg);
        T_Failed_Total++;
    } else {
        printf("ok %d - %s\n", T_Num, T_Name);
        T_Passed_Total++;
    }
    fflush(stdout);
}

/* Finds header `name` (case-insensitive) in the captured request; copies its value. Returns
 * how many times it appears. */
static int req_header(const char *name, char *val, size_t val_len)
{
    size_t end = cap_req_len();
    size_t pos = 0u;
    size_t nl  = strlen(name);
    int    n   = 0;

    val[0] = '\0';
    /* Skip the request line. */
    while (pos + 1u < end && !(P.Cap[pos] == '\r' && P.Cap[pos + 1u] == '\n')) {
        pos++;
    }
    pos += 2u;
    while (pos + 2u < end) {
        size_t eol = pos;
        while (eol + 1u < end && !(P.Cap[eol] == '\r' && P.Cap[eol + 1u] == '\n')) {
            eol++;
        }
        if (eol - pos > nl && P.Cap[pos + nl] == ':') {
            size_t i;
            int    same = 1;
            for (i = 0u; i < nl; i++) {
                char a = (char)P.Cap[pos + i];
                char b = name[i];
                if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
                if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
                if (a != b) {
                    same = 0;
                }
            }
            if (same) {
                size_t v = pos + nl + 1u;
                size_t k;
                while (v < eol && (P.Cap[v] == ' ' || P.Cap[v] == '\t')) {
                    v++;
                }
                k = eol - v;
                if (k >= val_len) {
                    k = val_len - 1u;
                }
                memcpy(val, &P.Cap[v], k);
                val[k] = '\0';
                n++;
            }
        }
        pos = eol + 2u;
    }
    return n;
}

static int ci_contains(const char *hay, const char *needle)
{
    size_t hl = strlen(hay);
    size_t nl = strlen(needle);
    size_t i;
    size_t j;

    for (i = 0u; i + nl <= hl; i++) {
        for (j = 0u; j < nl; j++) {
            char a = hay[i + j];
            char b = needle[j];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
            if (a != b) {
                break;
            }
        }
        if (j == nl) {
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Scenarios                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* 1. Upgrade success. */
static void t_upgrade_success(void)
{
    SESS      o;
    char      v[128];
    size_t    rl;
    HTTPc_ERR err;

    memset(&o, 0, sizeof o);
    o.ConnectPolls = 2u;                     /* Connect in progress, done on the 3rd poll.   */
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    (void)sess_open(&o);

    CHECK(P.Connects == 1u, "Connect called %u times", P.Connects);
    CHECK(P.ConnectPollCalls == 3u, "ConnectPoll called %u times, expected 3",
          P.ConnectPollCalls);
    CHECK(strcmp(P.Host, Host) == 0 && P.Port == 80u, "Connect(%s, %u)", P.Host, P.Port);
    EXPECT_EVENTS("connect(1)", "trans(1)", "open");
    CHECK(Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS && Resp.StatusCode == 1u,
          "StatusCode %u", (unsigned)Resp.StatusCode);

    /* The request. */
    rl = cap_req_len();
    CHECK(rl > 0u, "no complete request head captured");
    CHECK(rl == P.CapLen, "%lu bytes after the request head", (unsigned long)(P.CapLen - rl));
    CHECK(P.CapLen >= 20u && memcmp(P.Cap, "GET /chat HTTP/1.1\r\n", 20u) == 0,
          "request line: %.30s", (const char *)P.Cap);
    CHECK(req_header("Host", v, sizeof v) == 1 && strcmp(v, "server.example.com") == 0,
          "Host: '%s'", v);
    CHECK(req_header("Upgrade", v, sizeof v) == 1 && ci_contains(v, "websocket"),
          "Upgrade: '%s'", v);
    CHECK(req_header("Connection", v, sizeof v) == 1 && ci_contains(v, "upgrade"),
          "Connection: '%s'", v);
    CHECK(req_header("Sec-WebSocket-Key", v, sizeof v) == 1 && strcmp(v, KEY_B64) == 0,
          "Sec-WebSocket-Key: '%s'", v);
    CHECK(req_header("Sec-WebSocket-Version", v, sizeof v) == 1 && strcmp(v, "13") == 0,
          "Sec-WebSocket-Version: '%s'", v);
    CHECK(req_header("Sec-WebSocket-Extensions", v, sizeof v) == 0, "extension offered");

    /* Abrupt application close of an open WebSocket: OnClose(1006), then conn OnClose(APP). */
    ev_clear();
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    pump(3);
    EXPECT_EVENTS("ws_close(1006,)", "conn_close(4,1)");
    CHECK(P.Closes == 1u, "Close called %u times", P.Closes);
    sess_end();
}

/* 2. Refused upgrade (403 with a body). */
static void t_refused(void)
{
    static const char resp403[] =
        "HTTP/1.1 403 Forbidden\r\n"
        "Content-Type: text/plain\r\n"
        "Content-Length: 9\r\n"
        "\r\n"
        "forbidden";
    SESS        o;
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    int         blocking;

    for (blocking = 0; blocking <= 1; blocking++) {
        memset(&o, 0, sizeof o);
        o.UpgradeBlocking = blocking;
        o.OpenBlocking    = blocking;
        state_reset();
        port_reset();
        srv_wait_req();
        srv_str(resp403);
        objs_setup(&o);
        if (!sess_connect(&o)) {
            break;
        }
        ev_clear();
        ok = sess_upgrade(&o, &err);
        pump(5);
        CHECK(ok == DEF_OK, "[%s] upgrade transaction: DEF_FAIL (err %u), expected DEF_OK",
              blocking ? "blocking" : "non-blocking", (unsigned)err);
        if (blocking) {
            CHECK_ERR(err, HTTPc_ERR_NONE);
            CHECK(Ev_N == 0, "blocking: %d events, first %s", Ev_N, Ev_N ? Ev[0] : "");
        } else {
            EXPECT_EVENTS("trans(1)");
        }
        CHECK(Resp.StatusCode == HTTP_STATUS_FORBIDDEN, "StatusCode %u, expected %u",
              (unsigned)Resp.StatusCode, (unsigned)HTTP_STATUS_FORBIDDEN);
        CHECK(Ws_Opened == 0, "OnOpen called");
        ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"x",
                               1u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
        CHECK(ok == DEF_FAIL, "WebSockSend on a refused upgrade returned DEF_OK");
        CHECK_ERR(err, HTTPc_ERR_WEBSOCK_INVALID_CONN);
        CHECK(TxDone[0] == 0u, "refused send completed");
        /* The connection is still open (plain HTTP): the application closes it. */
        ev_clear();
        HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
        CHECK_ERR(err, HTTPc_ERR_NONE);
        pump(3);
        EXPECT_EVENTS("conn_close(4,1)");
        CHECK(P.Closes == 1u, "Close called %u times", P.Closes);
        sess_end();
    }

    /* The connection stays a usable persistent HTTP/1.1 connection after a refusal (the body
     * is part of the refused response): retrying the upgrade on it (e.g. after a 401) works,
     * however the response arrives. */
    for (blocking = 0; blocking <= 1; blocking++) {
        size_t chunk = blocking ? 5u : 0u;
        int    heads = 0;
        size_t i;

        memset(&o, 0, sizeof o);
        o.OpenBlocking    = 1;
        o.UpgradeBlocking = 1;
        state_reset();
        port_reset();
        P.RxChunk = chunk;
        srv_wait_req();
        srv_str("HTTP/1.1 401 Unauthorized\r\nContent-Length: 24\r\n\r\n"
                "please authenticate now!");
        srv_gate(1u);                             /* The second request.                     */
        srv_101();
        objs_setup(&o);
        if (!sess_connect(&o)) {
            break;
        }
        ok = sess_upgrade(&o, &err);
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE && Resp.StatusCode == HTTP_STATUS_UNAUTHORIZED,
              "[retry, chunk %lu] 401: ret %u err %u status %u", (unsigned long)chunk,
              (unsigned)ok, (unsigned)err, (unsigned)Resp.StatusCode);
        P.Gate = 1u;
        ok = sess_upgrade(&o, &err);
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE &&
                  Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS,
              "[retry, chunk %lu] upgrade after a refusal on the same connection: ret %u err %u "
              "status %u, expected DEF_OK, NONE, 101 (the refused response's body was left "
              "unread)",
              (unsigned long)chunk, (unsigned)ok, (unsigned)err, (unsigned)Resp.StatusCode);
        for (i = 0u; i + 4u <= P.CapLen; i++) {
            heads += memcmp(&P.Cap[i], "\r\n\r\n", 4u) == 0;
        }
        CHECK(heads == 2, "[retry] %d request heads sent, expected 2", heads);
        pump(3);
        CHECK(Ws_Opened == 1, "[retry, chunk %lu] OnOpen called %d times", (unsigned long)chunk,
              Ws_Opened);
        sess_end();
    }
}

/* 3. Handshake failures. */
static void t_bad_handshake(void)
{
    static const struct {
        const char *Name;
        const char *Resp;
        HTTPc_ERR   Err;
    } cases[] = {
        { "wrong Accept",
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
          HTTPc_ERR_RESP_WEBSOCK_ACCEPT_INVALID },
        { "missing Upgrade",
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: " ACCEPT_B64 "\r\n\r\n",
          HTTPc_ERR_RESP_WEBSOCK_UPGRADE_INVALID },
        { "extension",
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: " ACCEPT_B64 "\r\n"
          "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
          HTTPc_ERR_RESP_WEBSOCK_EXT_INVALID },
    };
    SESS        o;
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    size_t      k;
    char        pat[64];

    for (k = 0u; k < sizeof cases / sizeof cases[0]; k++) {
        memset(&o, 0, sizeof o);
        state_reset();
        port_reset();
        srv_wait_req();
        srv_str(cases[k].Resp);
        srv_gate(1u);                            /* Then nothing more: the client must act. */
        objs_setup(&o);
        if (!sess_connect(&o)) {
            break;
        }
        ev_clear();
        (void)sess_upgrade(&o, &err);
        pump(5);
        (void)snprintf(pat, sizeof pat, "req_err(%u)", (unsigned)cases[k].Err);
        {
            char pat2[64];
            (void)snprintf(pat2, sizeof pat2, "conn_close(*,%u)", (unsigned)cases[k].Err);
            /* Legacy order: OnErr, OnTransComplete(DEF_FAIL), then OnClose. */
            expect_events(__LINE__, 1, (const char *const[]){ pat, "trans(0)", pat2, NULL });
        }
        if (T_Failed == 1 && strstr(T_Msg, "events") != NULL) {
            size_t l = strlen(T_Msg);
            (void)snprintf(T_Msg + l, sizeof T_Msg - l, " [case: %s]", cases[k].Name);
        }
        CHECK(Ws_Opened == 0, "[%s] OnOpen called", cases[k].Name);
        CHECK(P.Closes == 1u && P.Connects == 1u, "[%s] Connect %u, Close %u", cases[k].Name,
              P.Connects, P.Closes);
        sess_end();
    }

    /* Truncated response, then the server closes: a socket error, no hang. */
    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    srv_wait_req();
    srv_str("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConn");
    srv_closed();
    objs_setup(&o);
    if (sess_connect(&o)) {
        ev_clear();
        (void)sess_upgrade(&o, &err);
        pump(3);
        EXPECT_EVENTS("req_err(10*)", "trans(0)", "conn_close(*,10*)");
        {
            unsigned e1 = 0u;
            unsigned e2 = 0u;
            if (Ev_N == 2 && sscanf(Ev[0], "req_err(%u)", &e1) == 1 &&
                sscanf(Ev[1], "conn_close(%*u,%u)", &e2) == 1) {
                CHECK(e1 >= HTTPc_ERR_CONN_SOCK_OPEN && e1 <= HTTPc_ERR_CONN_SOCK_ABORT_FAILED &&
                          e1 == e2,
                      "[truncated, non-blocking] req OnErr %u, conn OnClose err %u", e1, e2);
            }
        }
        CHECK(P.Closes == 1u, "[truncated] Close called %u times", P.Closes);
    }
    sess_end();

    /* The same with a blocking call. */
    memset(&o, 0, sizeof o);
    o.OpenBlocking    = 1;
    o.UpgradeBlocking = 1;
    state_reset();
    port_reset();
    srv_wait_req();
    srv_str("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConn");
    srv_closed();
    objs_setup(&o);
    if (sess_connect(&o)) {
        CPU_INT32U t0 = Now_ms;
        ev_clear();
        ok = sess_upgrade(&o, &err);
        CHECK(ok == DEF_FAIL, "[truncated] blocking upgrade returned DEF_OK");
        CHECK(err >= HTTPc_ERR_CONN_SOCK_OPEN && err <= HTTPc_ERR_CONN_SOCK_ABORT_FAILED,
              "[truncated] err %u, expected an HTTPc_ERR_CONN_SOCK_* error", (unsigned)err);
        CHECK(Now_ms - t0 < 1000u, "[truncated] the call waited %lu ms (fake clock)",
              (unsigned long)(Now_ms - t0));
        pump(3);
        /* Blocking: the request OnErr runs too, before OnClose (legacy). */
        EXPECT_EVENTS("req_err(10*)", "conn_close(*,10*)");
        CHECK(Ws_Opened == 0, "[truncated] OnOpen called");
        CHECK(P.Closes == 1u, "[truncated] Close called %u times", P.Closes);
    }
    sess_end();
}

/* 4. A frame in the same read as the 101. */
static void t_extra_bytes(void)
{
    SESS o;

    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    srv_frame(1, 0u, 1u, NULL, "extra bytes", 11u);      /* Same block: same Recv.        */
    (void)sess_open(&o);
    pump(5);
    EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(1,11)", "rx_data(1)",
                  "rx_complete");
    CHECK(Rx_Len == 11u && memcmp(Rx_Acc, "extra bytes", 11u) == 0, "received %lu bytes '%.*s'",
          (unsigned long)Rx_Len, (int)Rx_Len, (const char *)Rx_Acc);
    CHECK(P.RecvCalls > 0u, "no Recv");
    sess_end();
}

/* 5. Fragmented receive, at every split. */
static void t_fragmented_rx(void)
{
    static const size_t chunks[] = { 1u, 2u, 3u, 7u, 0u };
    static const char   whole[]  = "Hello, fragmented w\xC3\xB6rld!";
    size_t              ci;
    int                 one;
    SESS                o;

    for (one = 0; one <= 1; one++) {
        for (ci = 0u; ci < sizeof chunks / sizeof chunks[0]; ci++) {
            memset(&o, 0, sizeof o);
            state_reset();
            port_reset();
            Rx_ConsumeOne = one;
            P.RxChunk     = chunks[ci];
            srv_wait_req();
            srv_101();
            /* "Hello, " | "fragmented w\xC3" | "\xB6rld!": a UTF-8 character split too. */
            srv_frame(0, 0u, 1u, NULL, "Hello, ", 7u);
            srv_frame(0, 0u, 0u, NULL, "fragmented w\xC3", 13u);
            srv_frame(1, 0u, 0u, NULL, "\xB6rld!", 5u);
            (void)sess_open(&o);
            pump(60);
            EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(1,4294967295)",
                          "rx_data(1)", "rx_complete");
            CHECK(Rx_Len == strlen(whole) && memcmp(Rx_Acc, whole, Rx_Len) == 0,
                  "chunk %lu, one-byte hook %d: reassembled %lu bytes '%.*s'",
                  (unsigned long)chunks[ci], one, (unsigned long)Rx_Len, (int)Rx_Len,
                  (const char *)Rx_Acc);
            CHECK(P.CapLen == cap_req_len(), "chunk %lu: the client sent frames",
                  (unsigned long)chunks[ci]);
            sess_end();
            if (T_Failed) {
                return;
            }
        }
    }
}

/* 17. Buffer mode (*p_data from OnMsgRxInit), a fragmented message, into a heap buffer of
 * exactly the size the application has (ASan builds catch one byte past it). Without
 * RX_MSG_LEN_MAX each fragment lands at offset 0 within its own length, as legacy wrote: an
 * 8-byte buffer for fragments of 8 and 6 bytes ends as "ijklmn" over "abcdefgh". With
 * RX_MSG_LEN_MAX 14 and a 14-byte buffer the fragments are appended; one more byte fails with
 * 1009 (HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG: the limit is checked at the frame's header, before
 * any of its bytes is written), nothing written past the buffer. */
static void t_buffer_mode_bounds(void)
{
    static const CPU_INT32U limits[] = { 0u, 14u, 14u };
    static const char *const second[] = { "ijklmn", "ijklmn", "ijklmno" };
    int                      k;

    for (k = 0; k < 3; k++) {
        size_t         cap  = (limits[k] == 0u) ? 8u : limits[k];
        unsigned char *p    = (unsigned char *)malloc(cap);
        size_t         len2 = strlen(second[k]);
        SESS           o;

        if (p == NULL) {
            CHECK(0, "malloc");
            return;
        }
        memset(p, '.', cap);
        memset(&o, 0, sizeof o);
        state_reset();
        port_reset();
        Rx_AppBuf = p;
        o.RxMax   = limits[k];
        srv_wait_req();
        srv_101();
        srv_frame(0, 0u, 2u, NULL, "abcdefgh", 8u);
        srv_frame(1, 0u, 0u, NULL, second[k], len2);
        (void)sess_open(&o);
        pump(40);
        if (k == 0) {
            EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(2,4294967295)", "rx_complete");
            CHECK(memcmp(p, "ijklmngh", 8u) == 0, "[no limit] buffer holds '%.8s'", (const char *)p);
        } else if (k == 1) {
            EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(2,4294967295)", "rx_complete");
            CHECK(memcmp(p, "abcdefghijklmn", 14u) == 0, "[limit 14] buffer holds '%.14s'",
                  (const char *)p);
        } else {
            EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(2,4294967295)",
                          "ws_err(235)");
            CHECK(memcmp(p, "abcdefgh", 8u) == 0, "[limit 14, 15 bytes] first fragment kept");
        }
        sess_end();
        Rx_AppBuf = NULL;
        free(p);
        if (T_Failed) {
            return;
        }
    }
}

/* 6. Ping inside a fragmented message; OnPong. */
static void t_ping_mid_message(void)
{
    int  chunk;
    SESS o;

    for (chunk = 0; chunk <= 1; chunk++) {
        memset(&o, 0, sizeof o);
        state_reset();
        port_reset();
        P.RxChunk = (size_t)chunk;
        srv_wait_req();
        srv_101();
        srv_frame(0, 0u, 1u, NULL, "abc", 3u);
        srv_frame(1, 0u, 9u, NULL, "ping-payload", 12u);
        srv_frame(1, 0u, 0u, NULL, "def", 3u);
        srv_wait_frames(1u);                      /* Our pong.                               */
        srv_frame(1, 0u, 10u, NULL, "srv-pong", 8u);
        (void)sess_open(&o);
        pump(40);
        EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(1,4294967295)", "rx_data(1)",
                      "rx_complete", "pong(srv-pong)");
        CHECK(Rx_Len == 6u && memcmp(Rx_Acc, "abcdef", 6u) == 0, "reassembled '%.*s'",
              (int)Rx_Len, (const char *)Rx_Acc);
        cap_decode();
        check_frames_wellformed(__LINE__);
        CHECK(F_N == 1 && !F_Partial, "chunk %d: client sent %d frames (partial %d), expected 1",
              chunk, F_N, F_Partial);
        if (F_N >= 1) {
            CHECK(F[0].Op == 10u && F[0].Fin && F[0].Len == 12u &&
                      memcmp(fpay(0), "ping-payload", 12u) == 0,
                  "pong frame: op %u fin %d len %lu", F[0].Op, F[0].Fin,
                  (unsigned long)F[0].Len);
        }
        sess_end();
        if (T_Failed) {
            return;
        }
    }
}

/* 7. Server-initiated close with two queued messages that cannot leave. */
static void t_server_close(void)
{
    SESS        o;
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;

    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    srv_gate(1u);
    srv_close_frame(1000u, "bye");
    srv_wait_frames(1u);                          /* Our Close.                              */
    srv_closed();
    if (!sess_open(&o)) {
        sess_end();
        return;
    }
    P.TxBlock = 1;
    ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"first",
                           5u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "queue M0: ret %u err %u", (unsigned)ok,
          (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                           (CPU_CHAR *)"second", 6u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "queue M1: ret %u err %u", (unsigned)ok,
          (unsigned)err);
    P.Gate = 1u;                                  /* The server's Close arrives.             */
    pump(5);
    P.TxBlock = 0;
    (void)pump_until(&Conn_Closed, 200);
    pump(3);
    EXPECT_EVENTS("connect(1)", "trans(1)", "open", "tx_done(M0,0)", "tx_done(M1,0)",
                  "ws_close(1000,bye)", "conn_close(0,1)");
    CHECK(TxDone[0] == 1u && TxDone[1] == 1u, "completions: M0 %u, M1 %u", TxDone[0], TxDone[1]);
    cap_decode();
    check_frames_wellformed(__LINE__);
    CHECK(F_N == 1 && !F_Partial, "client sent %d frames (partial %d), expected only its Close",
          F_N, F_Partial);
    if (F_N >= 1) {
        CHECK(F[0].Op == 8u && F[0].Fin && F[0].Len >= 2u && fpay(0)[0] == 0x03u &&
                  fpay(0)[1] == 0xE8u,
              "first client frame: op %u len %lu, expected Close 1000", F[0].Op,
              (unsigned long)F[0].Len);
    }
    CHECK(P.Closes == 1u, "Close called %u times", P.Closes);
    sess_end();
}

/* 8. Client-initiated close, the server never answers: close timeout. */
static void t_close_timeout(void)
{
    SESS        o;
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    CPU_CHAR    cbuf[125];
    CPU_INT16U  n;

    memset(&o, 0, sizeof o);
    o.CloseTimeout = 100u;
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();                                    /* Then silence.                           */
    if (!sess_open(&o)) {
        sess_end();
        return;
    }
    n = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"done", cbuf,
                                 (CPU_INT16U)sizeof cbuf, &err);
    CHECK(n == 6u && err == HTTPc_ERR_NONE, "FmtCloseMsg: %u, err %u", (unsigned)n,
          (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_CLOSE, cbuf, n,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "send Close: ret %u err %u", (unsigned)ok,
          (unsigned)err);
    pump(5);
    cap_decode();
    check_frames_wellformed(__LINE__);
    CHECK(F_N == 1 && F[0].Op == 8u && F[0].Fin && F[0].Len == 6u &&
              memcmp(fpay(0), "\x03\xE8" "done", 6u) == 0,
          "Close frame not sent as expected (%d frames)", F_N);
    /* Nothing more may be queued once closing. */
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"late",
                           4u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL, "send after Close accepted");
    CHECK_ERR(err, HTTPc_ERR_WEBSOCK_INVALID_TX_STATE);

    Now_ms += 99u;
    pump(5);
    CHECK(Conn_Closed == 0, "closed before the timeout");
    Now_ms += 2u;
    pump(5);
    EXPECT_EVENTS("connect(1)", "trans(1)", "open", "tx_done(M0,1)", "ws_err(236)",
                  "ws_close(1006,)", "conn_close(*,236)");
    CHECK(TxDone[1] == 0u, "refused message completed");
    CHECK(P.Closes == 1u, "Close called %u times", P.Closes);
    sess_end();
}

/* 13. Keep-alive: a ping after the idle interval; a pong keeps the connection, no pong
 * within the timeout fails it. */
static void t_keepalive(void)
{
    SESS o;

    memset(&o, 0, sizeof o);
    o.PingInterval = 1000u;
    o.PongTimeout = 300u;
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    srv_wait_frames(1u);                          /* Our first keep-alive ping.              */
    srv_frame(1, 0u, 10u, NULL, "", 0u);          /* The server's pong.                      */
    srv_wait_frames(2u);                          /* The second ping: then silence.          */
    if (!sess_open(&o)) {
        sess_end();
        return;
    }
    pump(5);
    cap_decode();
    CHECK(F_N == 0, "a ping before the interval (%d frames)", F_N);
    Now_ms += 1000u;
    pump(5);
    cap_decode();
    check_frames_wellformed(__LINE__);
    CHECK(F_N == 1 && F[0].Op == 9u && F[0].Fin && F[0].Len == 0u,
          "no keep-alive ping after 1000 ms idle (%d frames)", F_N);
    pump(5);                                      /* The pong arrives.                       */
    Now_ms += 400u;                               /* Past the pong timeout: answered, so OK.  */
    pump(5);
    CHECK(Conn_Closed == 0, "closed although the pong came");
    Now_ms += 700u;                               /* 1100 ms since the pong: next ping.       */
    pump(5);
    cap_decode();
    CHECK(F_N == 2 && F[1].Op == 9u, "no second ping (%d frames)", F_N);
    Now_ms += 299u;
    pump(5);
    CHECK(Conn_Closed == 0, "closed before the pong timeout");
    Now_ms += 2u;
    pump(5);
    EXPECT_EVENTS("connect(1)", "trans(1)", "open", "pong()", "ws_err(237)", "ws_close(1006,)",
                  "conn_close(*,237)");
    CHECK(P.Closes == 1u, "Close called %u times", P.Closes);
    sess_end();
}

/* 14. Request extras: a query-string table, a header table replacing the header hook (as
 * legacy); a forbidden header is refused before anything is sent. */
static CPU_BOOLEAN hdr_hook(HTTPc_CONN_OBJ *c, HTTPc_REQ_OBJ *r, HTTPc_HDR **p_hdr)
{
    static HTTPc_HDR auth;
    static const char val[] = "Bearer t0k3n";

    (void)c;
    (void)r;
    auth.HdrField = HTTP_HDR_FIELD_AUTHORIZATION;
    auth.ValPtr = (CPU_CHAR *)val;
    auth.ValLen = (CPU_INT16U)(sizeof val - 1u);
    *p_hdr = &auth;
    return DEF_YES;
}

static void t_request_extras(void)
{
    SESS            o;
    HTTPc_ERR       err;
    CPU_BOOLEAN     ok;
    char            v[128];
    static HTTPc_KEY_VAL kv[2];
    static HTTPc_HDR     hdr[2];
    HTTPc_PARAM_TBL tbl;

    memset(&o, 0, sizeof o);
    o.UpgradeBlocking = 1;
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    objs_setup(&o);
    if (!sess_connect(&o)) {
        return;
    }
    kv[0].KeyPtr = (CPU_CHAR *)"a";     kv[0].KeyLen = 1u; kv[0].ValPtr = (CPU_CHAR *)"1"; kv[0].ValLen = 1u;
    kv[1].KeyPtr = (CPU_CHAR *)"flag";  kv[1].KeyLen = 4u; kv[1].ValPtr = NULL;            kv[1].ValLen = 0u;
    tbl.TblPtr = kv;
    tbl.EntryNbr = 2u;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL, &tbl, &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    /* The header hook first: the table set next replaces it, as in legacy (each of
     * HTTPc_PARAM_TYPE_REQ_HDR_TBL and _HDR_HOOK clears the other). */
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_HDR_HOOK, FN(hdr_hook), &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    /* A forbidden header (Connection is the library's): refused, nothing sent. */
    hdr[0].HdrField = HTTP_HDR_FIELD_CONN;
    hdr[0].ValPtr = (CPU_CHAR *)"close";
    hdr[0].ValLen = 5u;
    tbl.TblPtr = hdr;
    tbl.EntryNbr = 1u;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_HDR_TBL, &tbl, &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    ok = sess_upgrade(&o, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_REQ_PARAM_HDR_UNAUTHORIZED,
          "forbidden header: ret %u err %u", (unsigned)ok, (unsigned)err);
    CHECK(P.CapLen == 0u, "%u bytes sent for a refused request", (unsigned)P.CapLen);
    /* Then an Origin and a subprotocol from the table; the hook's Authorization is gone. */
    hdr[0].HdrField = HTTP_HDR_FIELD_ORIGIN;
    hdr[0].ValPtr = (CPU_CHAR *)"http://device.local";
    hdr[0].ValLen = 19u;
    hdr[1].HdrField = HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL;
    hdr[1].ValPtr = (CPU_CHAR *)"chat";
    hdr[1].ValLen = 4u;
    tbl.EntryNbr = 2u;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_HDR_TBL, &tbl, &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    ok = sess_upgrade(&o, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "upgrade: ret %u err %u", (unsigned)ok,
          (unsigned)err);
    CHECK(P.CapLen >= 30u && memcmp(P.Cap, "GET /chat?a=1&flag HTTP/1.1\r\n", 29u) == 0,
          "request line: %.40s", (const char *)P.Cap);
    CHECK(req_header("Origin", v, sizeof v) == 1 && strcmp(v, "http://device.local") == 0,
          "Origin: '%s'", v);
    CHECK(req_header("Sec-WebSocket-Protocol", v, sizeof v) == 1 && strcmp(v, "chat") == 0,
          "Sec-WebSocket-Protocol: '%s'", v);
    CHECK(req_header("Authorization", v, sizeof v) == 0, "Authorization: '%s'", v);
    CHECK(Ws_Opened == 1, "OnOpen called %d times", Ws_Opened);
    sess_end();
}

/* 15. The server sends its Close and drops TCP at once, before our reply can leave: a normal
 * end (no OnErr), reported with the server's code. */
static void t_close_then_drop(void)
{
    SESS o;

    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    srv_gate(1u);
    srv_close_frame(1001u, "going");
    srv_closed();
    if (!sess_open(&o)) {
        sess_end();
        return;
    }
    P.TxBlock = 1;                                /* Our reply cannot leave.                 */
    P.Gate = 1u;
    (void)pump_until(&Conn_Closed, 200);
    pump(3);
    EXPECT_EVENTS("connect(1)", "trans(1)", "open", "ws_close(1001,going)", "conn_close(0,1)");
    CHECK(ev_count("ws_err(*)") == 0, "an error was reported for a normal close");
    CHECK(P.Closes == 1u, "Close called %u times", P.Closes);
    P.TxBlock = 0;
    sess_end();
}

/* 16. A careless OnMsgTxInit announcing more than the buffer given to HTTPc_WebSockSend: the
 * library sends the buffer's bytes and reads nothing past it (ASan would see it). */
static CPU_INT32U tx_init_too_long(HTTPc_CONN_OBJ *c, HTTPc_WEBSOCK_MSG_OBJ *m)
{
    (void)c;
    (void)m;
    return 255u;
}

static void t_tx_init_longer_than_buffer(void)
{
    SESS        o;
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    static const char two[2] = { 'o', 'k' };

    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    if (!sess_open(&o)) {
        sess_end();
        return;
    }
    HTTPc_WebSockMsgSetParam(&Msg[0], HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_INIT,
                             FN(tx_init_too_long), &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, (CPU_CHAR *)two, 2u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "send: ret %u err %u", (unsigned)ok,
          (unsigned)err);
    pump(5);
    cap_decode();
    check_frames_wellformed(__LINE__);
    CHECK(F_N == 1 && F[0].Op == 2u && F[0].Fin && F[0].Len == 2u && memcmp(fpay(0), "ok", 2u) == 0,
          "expected one 2-byte binary frame (%d frames, len %lu)", F_N,
          F_N > 0 ? (unsigned long)F[0].Len : 0ul);
    CHECK(TxDone[0] == 1u, "completions: %u", TxDone[0]);
    sess_end();
}

/* 9. Socket errors mid-message; objects reusable afterwards. */
static void t_socket_errors(void)
{
    static unsigned char big[10240];
    SESS        o;
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    int         i;
    size_t      k;

    for (k = 0u; k < sizeof big; k++) {
        big[k] = (unsigned char)(k * 7u);
    }

    /* a) Recv fails in the middle of a frame, three messages queued. */
    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    srv_bytes("\x82\x0A" "01234", 7u);            /* Half of a 10-byte binary frame.         */
    srv_gate(1u);
    srv_err();
    if (sess_open(&o)) {
        pump(3);
        P.TxBlock = 1;
        for (i = 0; i < 3; i++) {
            ok = HTTPc_WebSockSend(&Conn, &Msg[i], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                                   (CPU_CHAR *)"queued", 6u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
            CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "[rx] queue M%d: ret %u err %u", i,
                  (unsigned)ok, (unsigned)err);
        }
        pump(3);
        P.Gate = 1u;
        (void)pump_until(&Conn_Closed, 100);
        pump(3);
        EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(2,10)", "rx_data(2)",
                      "ws_err(105)", "ws_close(1006,)", "tx_done(M0,0)", "tx_done(M1,0)",
                      "tx_done(M2,0)", "conn_close(*,105)");
        CHECK(TxDone[0] == 1u && TxDone[1] == 1u && TxDone[2] == 1u, "[rx] completions %u %u %u",
              TxDone[0], TxDone[1], TxDone[2]);
        CHECK(P.Closes == 1u, "[rx] Close called %u times", P.Closes);
    }
    sess_end();

    /* b) Same objects (*Clr only): Send fails while a 10 kB message is going out. */
    memset(&o, 0, sizeof o);
    o.Reuse = 1;
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    if (sess_open(&o)) {
        P.TxFailAt   = (long)(P.CapLen + 3000u);
        P.TxFailCode = HTTPc_PORT_ERR;
        ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, (CPU_CHAR *)big,
                               (CPU_INT32U)sizeof big, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "[tx] queue M0: err %u", (unsigned)err);
        for (i = 1; i < 3; i++) {
            ok = HTTPc_WebSockSend(&Conn, &Msg[i], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                                   (CPU_CHAR *)"queued", 6u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
            CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "[tx] queue M%d: err %u", i,
                  (unsigned)err);
        }
        (void)pump_until(&Conn_Closed, 200);
        pump(3);
        EXPECT_EVENTS("connect(1)", "trans(1)", "open", "ws_err(103)", "ws_close(1006,)",
                      "tx_done(M0,0)", "tx_done(M1,0)", "tx_done(M2,0)", "conn_close(*,103)");
        CHECK(TxDone[0] == 1u && TxDone[1] == 1u && TxDone[2] == 1u, "[tx] completions %u %u %u",
              TxDone[0], TxDone[1], TxDone[2]);
        CHECK(P.CapLen == (size_t)P.TxFailAt, "[tx] %lu bytes captured, fail point %ld",
              (unsigned long)P.CapLen, P.TxFailAt);
        CHECK(P.Closes == 1u, "[tx] Close called %u times", P.Closes);
    }
    sess_end();

    /* c) Same objects again: a clean session with blocking calls. */
    memset(&o, 0, sizeof o);
    o.Reuse           = 1;
    o.OpenBlocking    = 1;
    o.UpgradeBlocking = 1;
    o.ConnectPolls    = 2u;                 /* Blocking open of an in-progress connect.   */
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    srv_wait_frames(1u);
    srv_frame(1, 0u, 1u, NULL, "world", 5u);
    srv_wait_frames(2u);
    srv_close_frame(1000u, "");
    srv_closed();
    if (sess_open(&o)) {
        CPU_CHAR   cbuf[8];
        CPU_INT16U n;

        ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                               (CPU_CHAR *)"hello", 5u, HTTPc_FLAG_NONE, &err);
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "[reuse] blocking send: ret %u err %u",
              (unsigned)ok, (unsigned)err);
        pump(5);
        n = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, NULL, cbuf,
                                     (CPU_INT16U)sizeof cbuf, &err);
        CHECK(n == 2u && err == HTTPc_ERR_NONE, "FmtCloseMsg(NULL reason): %u err %u",
              (unsigned)n, (unsigned)err);
        ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_CLOSE, cbuf, n,
                               HTTPc_FLAG_NONE, &err);
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "[reuse] blocking Close: ret %u err %u",
              (unsigned)ok, (unsigned)err);
        (void)pump_until(&Conn_Closed, 100);
        EXPECT_EVENTS("open", "tx_done(M0,1)", "rx_init(1,5)", "rx_data(1)", "rx_complete",
                      "tx_done(M1,1)", "ws_close(1000,)", "conn_close(*,1)");
        CHECK(Rx_Len == 5u && memcmp(Rx_Acc, "world", 5u) == 0, "[reuse] received '%.*s'",
              (int)Rx_Len, (const char *)Rx_Acc);
        CHECK(P.Closes == 1u, "[reuse] Close called %u times", P.Closes);
    }
    sess_end();
}

/* 10. Protocol violations by the server. */
typedef struct {
    const char *Name;
    unsigned    Code;        /* Close code the client must send (and report in OnClose).      */
    HTTPc_ERR   Err;         /* OnErr.                                                        */
    int         DataOk;      /* Part of the message may be delivered before the violation.    */
} VIOLATION;

static const VIOLATION Violations[] = {
    /* The five of the brief. */
    { "masked frame",            1002u, HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME,              0 },
    { "RSV1",                    1002u, HTTPc_ERR_WEBSOCK_RX_RSVD_BIT_1_SET,            0 },
    { "invalid UTF-8",           1007u, HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID,              0 },
    { "message too big",         1009u, HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG,               0 },
    { "close code 1005",         1002u, HTTPc_ERR_WEBSOCK_RX_CLOSE_CODE_INVALID,        0 },
    /* More of the same family. */
    { "1-byte close payload",    1002u, HTTPc_ERR_WEBSOCK_RX_CLOSE_CODE_INVALID,        0 },
    { "close reason not UTF-8",  1007u, HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID,              0 },
    { "126-byte ping",           1002u, HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_TOO_LONG,       0 },
    { "fragmented ping",         1002u, HTTPc_ERR_WEBSOCK_RX_CTRL_FRAME_FRAGMENTED,     0 },
    { "lone continuation",       1002u, HTTPc_ERR_WEBSOCK_RX_FRAG_FRAME_SEQUENCE_INVALID, 0 },
    { "text inside a fragmented message", 1002u,
                                        HTTPc_ERR_WEBSOCK_RX_FRAG_FRAME_SEQUENCE_INVALID, 1 },
    { "reserved opcode 3",       1002u, HTTPc_ERR_WEBSOCK_RX_INVALID_OPCODE,            0 },
    { "invalid UTF-8 across fragments", 1007u, HTTPc_ERR_WEBSOCK_RX_UTF8_INVALID,       1 },
    { "fragments add up too big", 1009u, HTTPc_ERR_WEBSOCK_RX_MSG_TOO_BIG,              1 },
};

static void violation_script(int c)
{
    static const unsigned char key[4] = { 0x11u, 0x22u, 0x33u, 0x44u };
    static unsigned char       big[200];

    memset(big, 'z', sizeof big);
    switch (c) {
    case 0:  srv_frame(1, 0u, 1u, key, "hi", 2u); break;
    case 1:  srv_frame(1, 4u, 1u, NULL, "hi", 2u); break;
    case 2:  srv_frame(1, 0u, 1u, NULL, "\xC3\x28", 2u); break;
    case 3:  srv_frame(1, 0u, 2u, NULL, big, 101u); break;                 /* Limit: 100.     */
    case 4:  srv_bytes("\x88\x02\x03\xED", 4u); break;                     /* Close 1005.     */
    case 5:  srv_bytes("\x88\x01\x03", 3u); break;
    case 6:  srv_bytes("\x88\x04\x03\xE8\xC3\x28", 6u); break;
    case 7:  srv_frame(1, 0u, 9u, NULL, big, 126u); break;
    case 8:  srv_frame(0, 0u, 9u, NULL, "x", 1u); break;
    case 9:  srv_frame(1, 0u, 0u, NULL, "x", 1u); break;
    case 10: srv_frame(0, 0u, 1u, NULL, "a", 1u); srv_frame(1, 0u, 1u, NULL, "b", 1u); break;
    case 11: srv_frame(1, 0u, 3u, NULL, "x", 1u); break;
    case 12: srv_frame(0, 0u, 1u, NULL, "ab\xC3", 3u); srv_frame(1, 0u, 0u, NULL, "\x28", 1u); break;
    default: srv_frame(0, 0u, 2u, NULL, big, 60u); srv_frame(1, 0u, 0u, NULL, big, 41u); break;
    }
}

static void t_violations(void)
{
    static unsigned char big[100];
    SESS o;
    int  c;
    int  n = (int)(sizeof Violations / sizeof Violations[0]);

    for (c = 0; c < n; c++) {
        const VIOLATION *v = &Violations[c];
        char p_err[32];
        char p_close[32];

        memset(&o, 0, sizeof o);
        o.RxMax = 100u;
        state_reset();
        port_reset();
        srv_wait_req();
        srv_101();
        violation_script(c);
        srv_wait_frames(1u);                      /* Our Close.                              */
        srv_closed();
        if (sess_open(&o)) {
            (void)pump_until(&Conn_Closed, 100);
            pump(3);
            (void)snprintf(p_err, sizeof p_err, "ws_err(%u)", (unsigned)v->Err);
            (void)snprintf(p_close, sizeof p_close, "ws_close(%u,*", v->Code);
            expect_events(__LINE__, 0,
                          (const char *const[]){ "open", p_err, p_close, "conn_close(*", NULL });
            CHECK(ev_count("ws_err(*") == 1, "[%s] %d OnErr calls", v->Name,
                  ev_count("ws_err(*"));
            CHECK(ev_count("rx_complete") == 0 && (v->DataOk || ev_count("rx_data(*") == 0),
                  "[%s] data delivered", v->Name);
            cap_decode();
            check_frames_wellformed(__LINE__);
            CHECK(F_N == 1 && F[0].Op == 8u && F[0].Len >= 2u &&
                      ((unsigned)fpay(0)[0] << 8 | fpay(0)[1]) == v->Code,
                  "[%s] client Close: %d frames, op %u, code %u, expected %u", v->Name, F_N,
                  F_N ? F[0].Op : 0u,
                  (F_N && F[0].Len >= 2u) ? ((unsigned)fpay(0)[0] << 8 | fpay(0)[1]) : 0u,
                  v->Code);
            CHECK(P.Closes == 1u, "[%s] Close called %u times", v->Name, P.Closes);
        }
        if (T_Failed == 1 && strstr(T_Msg, "events") != NULL) {
            size_t l = strlen(T_Msg);
            (void)snprintf(T_Msg + l, sizeof T_Msg - l, " [case: %s]", v->Name);
        }
        sess_end();
        if (T_Failed) {
            return;
        }
    }

    /* Control: a message of exactly the limit (over two fragments) is fine. */
    memset(big, 'y', sizeof big);
    memset(&o, 0, sizeof o);
    o.RxMax = 100u;
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    srv_frame(0, 0u, 2u, NULL, big, 60u);
    srv_frame(1, 0u, 0u, NULL, big, 40u);
    if (sess_open(&o)) {
        pump(10);
        EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(2,4294967295)", "rx_data(2)",
                      "rx_complete");
        CHECK(Rx_Len == 100u && memcmp(Rx_Acc, big, 100u) == 0, "[limit] received %lu bytes",
              (unsigned long)Rx_Len);
    }
    sess_end();
}

/* 11. Sending. */
static void t_sending(void)
{
    static const unsigned     pat[]   = { 1u, 2u, 3u, 4u, 5u, 6u, 7u };
    static const CPU_INT32U   sizes[] = { 0u, 125u, 126u, 65535u, 65536u };
    static const unsigned     len7[]  = { 0u, 125u, 126u, 126u, 127u };
    static const size_t       hdrs[]  = { 6u, 6u, 8u, 8u, 14u };
    static CPU_CHAR           data[65536];
    SESS        o;
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    size_t      k;
    int         i;

    for (k = 0u; k < sizeof data; k++) {
        data[k] = (CPU_CHAR)('a' + (k % 26u));
    }
    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    P.TxPat  = pat;
    P.TxPatN = sizeof pat / sizeof pat[0];
    srv_wait_req();
    srv_101();
    if (!sess_open(&o)) {
        sess_end();
        return;
    }

    /* One message of each size, blocking. */
    for (k = 0u; k < sizeof sizes / sizeof sizes[0]; k++) {
        ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, data, sizes[k],
                               HTTPc_FLAG_NONE, &err);
        CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "send %lu bytes: ret %u err %u",
              (unsigned long)sizes[k], (unsigned)ok, (unsigned)err);
    }
    CHECK(TxDone[0] == 5u, "M0 completed %u times for 5 blocking sends", TxDone[0]);
    cap_decode();
    check_frames_wellformed(__LINE__);
    CHECK(F_N == 5 && !F_Partial, "%d frames captured (partial %d), expected 5", F_N, F_Partial);
    for (i = 0; i < F_N && i < 5; i++) {
        CHECK(F[i].Op == 1u && F[i].Fin, "frame %d: op %u fin %d", i, F[i].Op, F[i].Fin);
        CHECK(F[i].Len == sizes[i] && F[i].Len7 == len7[i] && F[i].HdrLen == hdrs[i],
              "frame %d: len %lu (7-bit field %u, header %lu), expected %lu (%u, %lu)", i,
              (unsigned long)F[i].Len, F[i].Len7, (unsigned long)F[i].HdrLen,
              (unsigned long)sizes[i], len7[i], (unsigned long)hdrs[i]);
        CHECK(F[i].Len != sizes[i] || memcmp(fpay(i), data, F[i].Len) == 0,
              "frame %d: payload differs", i);
    }

    /* A fragmented message from OnMsgTxData with an undefined length. */
    ev_clear();
    HTTPc_WebSockMsgSetParam(&Msg[1], HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA,
                             FN(on_tx_data_frag), &err);
    CHECK_ERR(err, HTTPc_ERR_NONE);
    Frag_I = 0;
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, NULL,
                           HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "fragmented send: ret %u err %u", (unsigned)ok,
          (unsigned)err);
    {
        int done = 0;
        for (i = 0; i < 1000 && !done; i++) {
            (void)HTTPc_TaskHandler();
            done = TxDone[1] > 0u;
        }
    }
    EXPECT_EVENTS("tx_done(M1,1)");
    cap_decode();
    check_frames_wellformed(__LINE__);
    CHECK(F_N == 9 && !F_Partial, "%d frames after the fragmented send, expected 5 + 4", F_N);
    if (F_N == 9) {
        CHECK(F[5].Op == 1u && !F[5].Fin && F[5].Len == 3u && memcmp(fpay(5), "Hel", 3u) == 0,
              "fragment 1: op %u fin %d len %lu", F[5].Op, F[5].Fin, (unsigned long)F[5].Len);
        CHECK(F[6].Op == 0u && !F[6].Fin && F[6].Len == 4u && memcmp(fpay(6), "lo, ", 4u) == 0,
              "fragment 2: op %u fin %d len %lu", F[6].Op, F[6].Fin, (unsigned long)F[6].Len);
        CHECK(F[7].Op == 0u && !F[7].Fin && F[7].Len == 4u && memcmp(fpay(7), "frag", 4u) == 0,
              "fragment 3: op %u fin %d len %lu", F[7].Op, F[7].Fin, (unsigned long)F[7].Len);
        CHECK(F[8].Op == 0u && F[8].Fin && F[8].Len == 0u,
              "last fragment: op %u fin %d len %lu", F[8].Op, F[8].Fin, (unsigned long)F[8].Len);
    }

    /* A ping queued behind a large data message goes out first. */
    ev_clear();
    ok = HTTPc_WebSockSend(&Conn, &Msg[2], HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, data, 5000u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "queue big: err %u", (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, &Msg[3], HTTPc_WEBSOCK_MSG_TYPE_PING, (CPU_CHAR *)"p1", 2u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "queue ping: err %u", (unsigned)err);
    for (i = 0; i < 1000 && !(TxDone[2] && TxDone[3]); i++) {
        (void)HTTPc_TaskHandler();
    }
    EXPECT_EVENTS("tx_done(M3,1)", "tx_done(M2,1)");
    cap_decode();
    check_frames_wellformed(__LINE__);
    CHECK(F_N == 11 && !F_Partial, "%d frames after ping + big, expected 11", F_N);
    if (F_N == 11) {
        CHECK(F[9].Op == 9u && F[9].Len == 2u && memcmp(fpay(9), "p1", 2u) == 0,
              "frame after the queueing: op %u len %lu, expected the PING", F[9].Op,
              (unsigned long)F[9].Len);
        CHECK(F[10].Op == 2u && F[10].Fin && F[10].Len == 5000u &&
                  memcmp(fpay(10), data, 5000u) == 0,
              "big frame: op %u len %lu", F[10].Op, (unsigned long)F[10].Len);
    }
    sess_end();
}

/* 12. Hostile callers. */
static void t_hostile(void)
{
    static CPU_CHAR ping126[126];
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;
    CPU_INT16U  n;
    CPU_CHAR    reason[130];
    CPU_CHAR    buf[200];
    SESS        o;
    CPU_INT16U  port = 8080u;
    CPU_INT32U  v32  = 1u;
    HTTPc_WEBSOCK_MSG_OBJ garbage;

    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    srv_wait_req();
    srv_101();
    objs_setup(&o);

    /* A NULL connection object (HTTPc_ERR_NULL_PTR); NULL request, response, WebSocket
     * objects or path on this connection, not open, meet legacy's first checks first (the
     * connection's: legacy met the others only later; on an open one: tests/capi_api.rs). */
#define UPG(c, r, rs, w, p, want)                                                             \
    do {                                                                                      \
        err = 0u;                                                                             \
        ok  = HTTPc_WebSockUpgrade((c), (r), (rs), (w), (p), 5u, HTTPc_FLAG_WEBSOCK_NO_BLOCK,   \
                                  &err);                                                       \
        CHECK(ok == DEF_FAIL && err == (want),                                                \
              "WebSockUpgrade(%s): ret %u err %u", #c "," #r "," #rs "," #w "," #p,             \
              (unsigned)ok, (unsigned)err);                                                   \
    } while (0)
    UPG(NULL, &Req, &Resp, &Ws, Path, HTTPc_ERR_NULL_PTR);
    UPG(&Conn, NULL, &Resp, &Ws, Path, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
    UPG(&Conn, &Req, NULL, &Ws, Path, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
    UPG(&Conn, &Req, &Resp, NULL, Path, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
    UPG(&Conn, &Req, &Resp, &Ws, NULL, HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED);
#undef UPG
    ok = HTTPc_WebSockUpgrade(NULL, NULL, NULL, NULL, NULL, 0u, 0u, NULL);   /* NULL p_err.  */
    CHECK(ok == DEF_FAIL, "all-NULL upgrade returned DEF_OK");
    HTTPc_ConnClr(NULL, &err);                   CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_ReqClr(NULL, &err);                    CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_WebSockClr(NULL, &err);                CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_WebSockMsgClr(NULL, &err);             CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, NULL, &err);
    CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_ConnSetParam(NULL, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err);
    CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, NULL, &err);
    CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_WebSockMsgSetParam(NULL, HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, &v32, &err);
    CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_ReqSetParam(NULL, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, FN(on_trans), &err);
    CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    ok = HTTPc_ConnOpen(NULL, ConnBuf, CONN_BUF_LEN, Host, 5u, HTTPc_FLAG_CONN_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_NULL_PTR, "ConnOpen(NULL conn): err %u",
          (unsigned)err);
    ok = HTTPc_ConnOpen(&Conn, NULL, CONN_BUF_LEN, Host, 5u, HTTPc_FLAG_CONN_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_NULL_PTR, "ConnOpen(NULL buf): err %u",
          (unsigned)err);
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, CONN_BUF_LEN, NULL, 5u, HTTPc_FLAG_CONN_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_CONN_PARAM_HOSTNAME_INVALID,
          "ConnOpen(NULL host): err %u", (unsigned)err);
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, 255u, Host, 5u, HTTPc_FLAG_CONN_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_CFG_INVALID_BUF_LEN, "ConnOpen(255-byte buf): err %u",
          (unsigned)err);
    HTTPc_ConnClose(NULL, HTTPc_FLAG_NONE, &err);
    CHECK_ERR(err, HTTPc_ERR_NULL_PTR);
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    CHECK_ERR(err, HTTPc_ERR_CONN_IS_RELEASED);
    ok = HTTPc_WebSockSend(NULL, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"x", 1u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_NULL_PTR, "WebSockSend(NULL conn): err %u",
          (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, NULL, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"x", 1u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_NULL_PTR, "WebSockSend(NULL msg): err %u",
          (unsigned)err);
    n = HTTPc_WebSockFmtCloseMsg(1000u, (CPU_CHAR *)"x", NULL, 10u, &err);
    CHECK(n == 0u && err == HTTPc_ERR_NULL_PTR, "FmtCloseMsg(NULL buf): %u err %u",
          (unsigned)n, (unsigned)err);

    /* NULL p_err is tolerated everywhere. */
    HTTPc_ConnClr(NULL, NULL);
    HTTPc_ReqClr(NULL, NULL);
    HTTPc_WebSockClr(NULL, NULL);
    HTTPc_WebSockMsgClr(NULL, NULL);
    HTTPc_ConnSetParam(&Conn, 9999u, &port, NULL);
    HTTPc_ReqSetParam(&Req, 9999u, &port, NULL);
    HTTPc_WebSockSetParam(&Ws, 9999u, &v32, NULL);
    HTTPc_WebSockMsgSetParam(&Msg[0], 9999u, &v32, NULL);
    (void)HTTPc_ConnOpen(NULL, NULL, 0u, NULL, 0u, 0u, NULL);
    HTTPc_ConnClose(NULL, 0u, NULL);
    (void)HTTPc_WebSockSend(NULL, NULL, 0u, NULL, 0u, 0u, NULL);
    n = HTTPc_WebSockFmtCloseMsg(1000u, (CPU_CHAR *)"x", buf, 10u, NULL);
    CHECK(n == 3u, "FmtCloseMsg with NULL p_err: %u", (unsigned)n);
    (void)HTTPc_WebSockFmtCloseMsg(1000u, NULL, NULL, 0u, NULL);
    HTTPc_PortSet(NULL, NULL);
    HTTPc_Init(NULL, NULL, NULL, NULL);

    /* Init and PortSet are once only. */
    {
        HTTPc_CFG cfg = { 0u, 4u, 5000u, 30u, DEF_NO };
        HTTPc_PORT port_copy;
        memset(&port_copy, 0, sizeof port_copy);
        HTTPc_Init(&cfg, NULL, NULL, &err);
        CHECK_ERR(err, HTTPc_ERR_INIT);
        HTTPc_PortSet(&port_copy, &err);
        CHECK_ERR(err, HTTPc_ERR_INIT);
    }

    /* Parameter types that do not belong. */
    HTTPc_ConnSetParam(&Conn, 9999u, &port, &err);           CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_USER_DATA, &port, &err);
    CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, FN(on_open), &err);
    CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_ReqSetParam(&Req, 9999u, &port, &err);             CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_USER_DATA, &port, &err);
    CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_USER_DATA, &v32, &err);
    CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err);
    CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_WebSockSetParam(&Ws, 9999u, &v32, &err);           CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_WebSockMsgSetParam(&Msg[0], HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, FN(on_open), &err);
    CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);
    HTTPc_WebSockMsgSetParam(&Msg[0], 9999u, &v32, &err);    CHECK_ERR(err, HTTPc_ERR_PARAM_INVALID);

    /* HTTPc_WebSockFmtCloseMsg edge cases (canaries catch writes past buf_len). */
    memset(buf, 0x5A, sizeof buf);
    err = 0xDEADu;
    n = HTTPc_WebSockFmtCloseMsg(1000u, (CPU_CHAR *)"", buf, 0u, &err);
    CHECK(n == 0u && err == HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN,
          "FmtCloseMsg(buf_len 0): %u err %u", (unsigned)n, (unsigned)err);
    n = HTTPc_WebSockFmtCloseMsg(1000u, NULL, buf, 1u, &err);
    CHECK(n == 0u && err == HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN,
          "FmtCloseMsg(buf_len 1): %u err %u", (unsigned)n, (unsigned)err);
    CHECK((unsigned char)buf[0] == 0x5Au && (unsigned char)buf[1] == 0x5Au,
          "FmtCloseMsg wrote into a too-short buffer");
    memset(reason, 'r', sizeof reason);
    reason[123] = '\0';
    err = 0xDEADu;
    n = HTTPc_WebSockFmtCloseMsg(1001u, reason, buf, 125u, &err);
    CHECK(n == 125u && err == HTTPc_ERR_NONE, "FmtCloseMsg(123-byte reason): %u err %u",
          (unsigned)n, (unsigned)err);
    CHECK((unsigned char)buf[0] == 0x03u && (unsigned char)buf[1] == 0xE9u &&
              memcmp(&buf[2], reason, 123u) == 0 && (unsigned char)buf[125] == 0x5Au,
          "FmtCloseMsg(123-byte reason): wrong payload or overrun");
    n = HTTPc_WebSockFmtCloseMsg(1001u, reason, buf, 124u, &err);
    CHECK(n == 0u && err == HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN,
          "FmtCloseMsg(123-byte reason, buf 124): %u err %u", (unsigned)n, (unsigned)err);
    reason[123] = 'r';
    reason[124] = '\0';
    n = HTTPc_WebSockFmtCloseMsg(1000u, reason, buf, (CPU_INT16U)sizeof buf, &err);
    CHECK(n == 0u && err == HTTPc_ERR_WEBSOCK_INVALID_CTRL_FRAME_LEN,
          "FmtCloseMsg(124-byte reason): %u err %u", (unsigned)n, (unsigned)err);
    n = HTTPc_WebSockFmtCloseMsg(1005u, NULL, buf, (CPU_INT16U)sizeof buf, &err);
    CHECK(n == 0u && err == HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE,
          "FmtCloseMsg(1005): %u err %u", (unsigned)n, (unsigned)err);
    n = HTTPc_WebSockFmtCloseMsg(999u, NULL, buf, (CPU_INT16U)sizeof buf, &err);
    CHECK(n == 0u && err == HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE,
          "FmtCloseMsg(999): %u err %u", (unsigned)n, (unsigned)err);
    n = HTTPc_WebSockFmtCloseMsg(1000u, (CPU_CHAR *)"\xC3\x28", buf, (CPU_INT16U)sizeof buf,
                                 &err);
    CHECK(n == 0u && err == HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM,
          "FmtCloseMsg(bad UTF-8 reason): %u err %u", (unsigned)n, (unsigned)err);

    /* Upgrade before the connection is open. */
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, Path, 5u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED,
          "upgrade on a closed connection: err %u", (unsigned)err);

    /* Now open a WebSocket (objects already set up: just connect and upgrade). */
    if (!sess_connect(&o)) {
        sess_end();
        return;
    }
    (void)sess_upgrade(&o, &err);
    CHECK(Ws_Opened == 1, "OnOpen not called");

    HTTPc_ConnClr(&Conn, &err);                              CHECK_ERR(err, HTTPc_ERR_CONN_IS_USED);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err);
    CHECK_ERR(err, HTTPc_ERR_CONN_IS_USED);
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, CONN_BUF_LEN, Host, 5u, HTTPc_FLAG_CONN_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_CONN_IS_USED, "ConnOpen on an open conn: err %u",
          (unsigned)err);
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, Path, 5u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_CONN_ALREADY_WEBSOCKET,
          "second upgrade: err %u", (unsigned)err);

    /* A message in use. */
    P.TxBlock = 1;
    ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"busy",
                           4u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE, "queue M0: ret %u err %u", (unsigned)ok,
          (unsigned)err);
    pump(2);
    ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"again",
                           5u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_MSG_IS_USED, "reuse of a queued message: err %u",
          (unsigned)err);
    HTTPc_WebSockMsgClr(&Msg[0], &err);                      CHECK_ERR(err, HTTPc_ERR_WEBSOCK_MSG_IS_USED);
    HTTPc_WebSockMsgSetParam(&Msg[0], HTTPc_PARAM_TYPE_WEBSOCK_MSG_USER_DATA, &v32, &err);
    CHECK_ERR(err, HTTPc_ERR_WEBSOCK_MSG_IS_USED);
    CHECK(Msg[0].UserDataPtr == (void *)MsgName[0], "UserDataPtr of a busy message changed");

    /* Bad sends. */
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_CLOSE, (CPU_CHAR *)"\x03", 1u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE,
          "CLOSE with a 1-byte payload: ret %u err %u", (unsigned)ok, (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_CLOSE, (CPU_CHAR *)"\x03\xED", 2u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_INVALID_CLOSE_CODE,
          "CLOSE 1005: ret %u err %u", (unsigned)ok, (unsigned)err);
    memset(ping126, 'p', sizeof ping126);
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_PING, ping126, 126u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM,
          "126-byte PING: ret %u err %u", (unsigned)ok, (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_PONG, ping126, 126u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM,
          "126-byte PONG: ret %u err %u", (unsigned)ok, (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], 3u, (CPU_CHAR *)"x", 1u, HTTPc_FLAG_WEBSOCK_NO_BLOCK,
                           &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_INVALID_TX_PARAM,
          "message type 3: ret %u err %u", (unsigned)ok, (unsigned)err);
    ok = HTTPc_WebSockSend(&Conn, &Msg[1], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, NULL, 5u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_PARAM_ON_TX_CALLBACK_INVALID,
          "NULL data without OnMsgTxData: ret %u err %u", (unsigned)ok, (unsigned)err);
    HTTPc_WebSockMsgClr(&Msg[2], &err);                      CHECK_ERR(err, HTTPc_ERR_NONE);
    ok = HTTPc_WebSockSend(&Conn, &Msg[2], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"x", 1u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_PARAM_ON_TX_COMPLETE_CALLBACK_INVALID,
          "non-blocking without OnMsgTxComplete: ret %u err %u", (unsigned)ok, (unsigned)err);
    memset(&garbage, 0xA5, sizeof garbage);
    ok = HTTPc_WebSockSend(&Conn, &garbage, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"x", 1u,
                           HTTPc_FLAG_NONE, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_PARAM_INVALID, "never-cleared message: err %u",
          (unsigned)err);
    P.TxBlock = 0;
    pump(5);
    CHECK(TxDone[0] == 1u, "M0 completed %u times", TxDone[0]);
    CHECK(ev_count("tx_done(M0,1)") == 1, "M0 did not complete with DEF_OK");
    cap_decode();
    CHECK(F_N >= 1 && F[0].Op == 1u && F[0].Len == 4u && memcmp(fpay(0), "busy", 4u) == 0,
          "first client frame is not M0 'busy'");

    /* Close, then everything refuses politely. */
    ev_clear();
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);           CHECK_ERR(err, HTTPc_ERR_NONE);
    pump(3);
    EXPECT_EVENTS("ws_close(1006,)", "conn_close(4,1)");
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);           CHECK_ERR(err, HTTPc_ERR_CONN_IS_RELEASED);
    ok = HTTPc_WebSockSend(&Conn, &Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"x", 1u,
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    CHECK(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_INVALID_CONN, "send after close: err %u",
          (unsigned)err);
    CHECK(P.Closes == 1u, "Close called %u times", P.Closes);
    sess_end();
}

/* 18-21. Buffer mode (*p_data from OnMsgRxInit) at its bounds, into heap buffers of exactly the
 * application's size (an ASan build, HTTPC_WS_SANITIZE=address, catches a byte past them), each
 * case with the server's bytes whole and 1, 3 and 7 bytes per read. Legacy
 * (http-c_websock.c HTTPcWebSock_RX, HTTPcWebSock_GetPayload): OnMsgRxInit once per message, at
 * its first frame, *p_data NULL on entry, msg_len the frame's length when FIN else
 * HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED; each frame written from offset 0 (RxMsgLenRead reset per
 * frame), OnMsgRxData not called, OnMsgRxComplete at FIN. Ours, docs/MIGRATION.md: the same
 * without RX_MSG_LEN_MAX; with it, fragments appended up to it, 1009 at the header that would
 * pass it. */
typedef struct { int fin; unsigned op; const char *p; int len; char gen; } FR;
#define FEND { -1, 0u, NULL, 0, 0 }
#define NOBUF (-1)

typedef struct {
    const char *name;
    FR          fr[12];
    int         rxmax_set;
    CPU_INT32U  rxmax;
    int         nbuf;
    int         bufsz[4];       /* NOBUF: OnMsgRxInit leaves *p_data NULL.                    */
    const char *want[4];        /* Expected buffer contents (whole buffer; NULL: skip).       */
    const char *ev;             /* Expected events after "open" (glob).                       */
    const char *stream;         /* Expected OnMsgRxData bytes (NULL: none).                   */
} CASE;

static unsigned char Gen_Pat(char seed, int i) { return (unsigned char)(seed + (i % 23)); }

static void srv_fr(const FR *f)
{
    static unsigned char tmp[70000];
    int n = f->len;
    if (f->op == 0xFFu) {
        srv_closed();
        return;
    }
    if (f->gen) {
        int i;
        for (i = 0; i < n; i++) tmp[i] = Gen_Pat(f->gen, i);
        srv_frame(f->fin, 0u, f->op, NULL, tmp, (size_t)n);
    } else {
        if (n < 0) n = (int)strlen(f->p);
        srv_frame(f->fin, 0u, f->op, NULL, f->p, (size_t)n);
    }
}

static int Cases_Run;

static void run_case(const CASE *c, size_t chunk)
{
    unsigned char *bufs[4] = { NULL, NULL, NULL, NULL };
    SESS           o;
    int            i;
    char           d[1200];
    char           want_ev[1200];

    memset(&o, 0, sizeof o);
    state_reset();
    port_reset();
    P.RxChunk  = chunk;
    Plan_N      = c->nbuf;
    RxMax_Force = c->rxmax_set;
    o.RxMax    = c->rxmax;
    for (i = 0; i < c->nbuf; i++) {
        if (c->bufsz[i] == NOBUF) {
            Plan[i] = NULL;
        } else {
            bufs[i] = (unsigned char *)malloc((size_t)c->bufsz[i]);
            if (c->bufsz[i] > 0) memset(bufs[i], '.', (size_t)c->bufsz[i]);
            Plan[i] = bufs[i];
        }
    }
    srv_wait_req();
    srv_101();
    for (i = 0; c->fr[i].fin >= 0; i++) {
        srv_fr(&c->fr[i]);
    }
    (void)sess_open(&o);
    pump(200);
    ev_dump(d, sizeof d);
    (void)snprintf(want_ev, sizeof want_ev, "connect(1), trans(1), open%s%s",
                   c->ev[0] ? ", " : "", c->ev);
    CHECK(glob_match(want_ev, d), "[%s chunk %u] events:\n   want [%s]\n   got  [%s]", c->name,
          (unsigned)chunk, want_ev, d);
    for (i = 0; i < c->nbuf; i++) {
        if (bufs[i] != NULL && c->want[i] != NULL &&
            memcmp(bufs[i], c->want[i], (size_t)c->bufsz[i]) != 0) {
            char h[400]; int k; size_t u = 0;
            for (k = 0; k < c->bufsz[i] && u + 4 < sizeof h; k++) {
                unsigned ch = bufs[i][k];
                u += (size_t)snprintf(h + u, sizeof h - u, (ch >= 32 && ch < 127) ? "%c" : "\\x%02x", ch);
            }
            CHECK(0, "[%s chunk %u] buffer %d holds '%s'", c->name, (unsigned)chunk, i, h);
        }
    }
    if (c->stream != NULL) {
        CHECK(Rx_Len == strlen(c->stream) && memcmp(Rx_Acc, c->stream, Rx_Len) == 0,
              "[%s chunk %u] streamed '%.*s'", c->name, (unsigned)chunk, (int)Rx_Len, Rx_Acc);
    } else {
        CHECK(Rx_Len == 0u, "[%s chunk %u] streamed %u bytes", c->name, (unsigned)chunk, (unsigned)Rx_Len);
    }
    {
        unsigned want_code = strstr(c->ev, "ws_err(235)") ? 1009u : strstr(c->ev, "ws_err(234)") ? 1007u : 0u;
        if (want_code != 0u) {
            cap_decode();
            CHECK(F_N >= 1 && F[F_N - 1].Op == 8u && F[F_N - 1].Len >= 2u &&
                  (unsigned)((fpay(F_N - 1)[0] << 8) | fpay(F_N - 1)[1]) == want_code,
                  "[%s chunk %u] no Close %u sent", c->name, (unsigned)chunk, want_code);
        }
        if (strstr(c->name, "ping") != NULL && want_code == 0u) {
            int k, pongs = 0;
            cap_decode();
            for (k = 0; k < F_N; k++) pongs += (F[k].Op == 10u);
            CHECK(pongs == 1, "[%s chunk %u] %d pongs", c->name, (unsigned)chunk, pongs);
        }
    }
    if (getenv("RX_VERBOSE")) fprintf(stderr, "# %s chunk %u: [%s]\n", c->name, (unsigned)chunk, d);
    sess_end();
    for (i = 0; i < 4; i++) free(bufs[i]);
    Plan_N      = 0;
    RxMax_Force = 0;
    Cases_Run++;
}

#define NODEF "4294967295"
#define TOOBIG_END "ws_err(235)*"

static const CASE Cases[] = {
    /* --- single frames ------------------------------------------------------------------ */
    { "single = buffer (bin)", { {1,2u,"0123456789",-1,0}, FEND }, 0, 0u, 1, {10}, {"0123456789"},
      "rx_init(2,10), rx_complete", NULL },
    { "single = buffer (txt)", { {1,1u,"0123456789",-1,0}, FEND }, 0, 0u, 1, {10}, {"0123456789"},
      "rx_init(1,10), rx_complete", NULL },
    { "single = buffer = max", { {1,2u,"0123456789",-1,0}, FEND }, 1, 10u, 1, {10}, {"0123456789"},
      "rx_init(2,10), rx_complete", NULL },
    { "single = max+1 (1009)", { {1,2u,"0123456789A",-1,0}, FEND }, 1, 10u, 1, {10}, {".........."},
      TOOBIG_END, NULL },
    { "single, max < buffer, msg between", { {1,2u,"0123456789AB",-1,0}, FEND }, 1, 10u, 1, {14}, {".............."},
      TOOBIG_END, NULL },
    { "single, max > buffer, msg = buffer", { {1,2u,"0123456789",-1,0}, FEND }, 1, 100u, 1, {10}, {"0123456789"},
      "rx_init(2,10), rx_complete", NULL },
    { "single 300 (16-bit len) = buffer", { {1,2u,NULL,300,'A'}, FEND }, 0, 0u, 1, {300}, {NULL},
      "rx_init(2,300), rx_complete", NULL },
    { "single 3000 > conn buffer = buffer", { {1,2u,NULL,3000,'A'}, FEND }, 0, 0u, 1, {3000}, {NULL},
      "rx_init(2,3000), rx_complete", NULL },
    { "empty single, 0-byte buffer", { {1,2u,"",0,0}, FEND }, 0, 0u, 1, {0}, {NULL},
      "rx_init(2,0), rx_complete", NULL },
    { "empty single, max 0", { {1,2u,"",0,0}, FEND }, 1, 0u, 1, {0}, {NULL},
      "rx_init(2,0), rx_complete", NULL },
    { "1 byte, max 0 (1009)", { {1,2u,"x",1,0}, FEND }, 1, 0u, 1, {0}, {NULL},
      TOOBIG_END, NULL },
    { "empty txt single", { {1,1u,"",0,0}, FEND }, 0, 0u, 1, {0}, {NULL},
      "rx_init(1,0), rx_complete", NULL },
    /* --- fragmented, no max ------------------------------------------------------------- */
    { "frag 8+6, buf 8, no max", { {0,2u,"abcdefgh",-1,0}, {1,0u,"ijklmn",-1,0}, FEND }, 0, 0u, 1, {8},
      {"ijklmngh"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "frag 5+8+3, buf 8, no max", { {0,2u,"abcde",-1,0}, {0,0u,"fghijklm",-1,0}, {1,0u,"nop",-1,0}, FEND },
      0, 0u, 1, {8}, {"nopijklm"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "frag 8+6, max u32::MAX explicit", { {0,2u,"abcdefgh",-1,0}, {1,0u,"ijklmn",-1,0}, FEND }, 1, 0xFFFFFFFFu, 1, {8},
      {"ijklmngh"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "frag 3000+2000, buf 3000, no max", { {0,2u,NULL,3000,'a'}, {1,0u,NULL,2000,'K'}, FEND }, 0, 0u, 1, {3000},
      {NULL}, "rx_init(2," NODEF "), rx_complete", NULL },
    /* --- fragmented, with max ----------------------------------------------------------- */
    { "frag 8+6, max 14 = buf", { {0,2u,"abcdefgh",-1,0}, {1,0u,"ijklmn",-1,0}, FEND }, 1, 14u, 1, {14},
      {"abcdefghijklmn"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "frag 8+6, max 13 = buf (1009)", { {0,2u,"abcdefgh",-1,0}, {1,0u,"ijklmn",-1,0}, FEND }, 1, 13u, 1, {13},
      {"abcdefgh....."}, "rx_init(2," NODEF "), " TOOBIG_END, NULL },
    { "frag 8+6, max 20 = buf", { {0,2u,"abcdefgh",-1,0}, {1,0u,"ijklmn",-1,0}, FEND }, 1, 20u, 1, {20},
      {"abcdefghijklmn......"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "frag 8+6, max 10 < buf 14 (1009)", { {0,2u,"abcdefgh",-1,0}, {1,0u,"ijklmn",-1,0}, FEND }, 1, 10u, 1, {14},
      {"abcdefgh......"}, "rx_init(2," NODEF "), " TOOBIG_END, NULL },
    { "frag 9 first > max 8 (1009)", { {0,2u,"abcdefghi",-1,0}, {1,0u,"j",-1,0}, FEND }, 1, 8u, 1, {8},
      {"........"}, TOOBIG_END, NULL },
    { "frag 3000+2000, max 5000 = buf", { {0,2u,NULL,3000,'a'}, {1,0u,NULL,2000,'K'}, FEND }, 1, 5000u, 1, {5000},
      {NULL}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "frag 3000+2001, max 5000 (1009)", { {0,2u,NULL,3000,'a'}, {1,0u,NULL,2001,'K'}, FEND }, 1, 5000u, 1, {5000},
      {NULL}, "rx_init(2," NODEF "), " TOOBIG_END, NULL },
    /* --- control frames between fragments ------------------------------------------------ */
    { "ping between, buf 8, no max", { {0,2u,"abcdefgh",-1,0}, {1,9u,"P1",-1,0}, {1,0u,"ijklmn",-1,0}, FEND },
      0, 0u, 1, {8}, {"ijklmngh"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "pong+ping between, max 10 = buf", { {0,2u,"abcd",-1,0}, {1,10u,"pp",-1,0}, {0,0u,"efgh",-1,0},
      {1,9u,"q",-1,0}, {1,0u,"ij",-1,0}, FEND }, 1, 10u, 1, {10}, {"abcdefghij"},
      "rx_init(2," NODEF "), pong(pp), rx_complete", NULL },
    { "pong between, no max, buf 4", { {0,2u,"abcd",-1,0}, {1,10u,"pp",-1,0}, {1,0u,"ef",-1,0}, FEND },
      0, 0u, 1, {4}, {"efcd"}, "rx_init(2," NODEF "), pong(pp), rx_complete", NULL },
    { "close between fragments", { {0,2u,"abcd",-1,0}, {1,8u,"\x03\xe8",2,0}, {1,0xFFu,NULL,0,0}, FEND },
      0, 0u, 1, {4}, {"abcd"}, "rx_init(2," NODEF "), ws_close(1000,)*", NULL },
    /* --- buffer then NULL then buffer ------------------------------------------------- */
    { "buf, NULL, buf (single frames)", { {1,2u,"AAAA",-1,0}, {1,2u,"BBBB",-1,0}, {1,2u,"CC",-1,0}, FEND },
      0, 0u, 3, {4, NOBUF, 2}, {"AAAA", NULL, "CC"},
      "rx_init(2,4), rx_complete, rx_init(2,4), rx_data(2), rx_complete, rx_init(2,2), rx_complete", "BBBB" },
    { "frag buf, frag NULL, single buf", { {0,2u,"AAA",-1,0}, {1,0u,"aa",-1,0}, {0,1u,"BBB",-1,0}, {1,0u,"bb",-1,0},
      {1,2u,"CC",-1,0}, FEND }, 0, 0u, 3, {3, NOBUF, 2}, {"aaA", NULL, "CC"},
      "rx_init(2," NODEF "), rx_complete, rx_init(1," NODEF "), rx_data(1), rx_complete, rx_init(2,2), rx_complete", "BBBbb" },
    { "NULL after max-mode buffer", { {0,2u,"AAA",-1,0}, {1,0u,"aa",-1,0}, {0,2u,"BBB",-1,0}, {1,0u,"bb",-1,0}, FEND },
      1, 5u, 2, {5, NOBUF}, {"AAAaa", NULL},
      "rx_init(2," NODEF "), rx_complete, rx_init(2," NODEF "), rx_data(2), rx_complete", "BBBbb" },
    /* --- UTF-8 across fragments -------------------------------------------------------- */
    { "utf8 split, no max, buf 2", { {0,1u,"a\xC3",-1,0}, {1,0u,"\xA9" "b",-1,0}, FEND }, 0, 0u, 1, {2},
      {"\xA9" "b"}, "rx_init(1," NODEF "), rx_complete", NULL },
    { "utf8 split, max 4 = buf", { {0,1u,"a\xC3",-1,0}, {1,0u,"\xA9" "b",-1,0}, FEND }, 1, 4u, 1, {4},
      {"a\xC3\xA9" "b"}, "rx_init(1," NODEF "), rx_complete", NULL },
    { "4-byte char over 3 fragments, max 4", { {0,1u,"\xF0",-1,0}, {0,0u,"\x9F\x98",-1,0}, {1,0u,"\x80",-1,0}, FEND },
      1, 4u, 1, {4}, {"\xF0\x9F\x98\x80"}, "rx_init(1," NODEF "), rx_complete", NULL },
    { "4-byte char over 3 fragments, no max, buf 2", { {0,1u,"\xF0",-1,0}, {0,0u,"\x9F\x98",-1,0}, {1,0u,"\x80",-1,0}, FEND },
      0, 0u, 1, {2}, {"\x80\x98"}, "rx_init(1," NODEF "), rx_complete", NULL },
    { "invalid utf8 across fragments (1007)", { {0,1u,"a\xC3",-1,0}, {1,0u,"A",-1,0}, FEND }, 1, 3u, 1, {3},
      {"a\xC3."}, "rx_init(1," NODEF "), ws_err(234)*", NULL },
    { "utf8 truncated at FIN (1007)", { {1,1u,"a\xC3",-1,0}, FEND }, 0, 0u, 1, {2},
      {"a\xC3"}, "rx_init(1,2), ws_err(234)*", NULL },
    /* --- empty fragments ----------------------------------------------------------------- */
    { "empty first fragment, no max", { {0,2u,"",0,0}, {0,0u,"abc",-1,0}, {1,0u,"de",-1,0}, FEND }, 0, 0u, 1, {3},
      {"dec"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "empty middle+last fragments", { {0,2u,"abc",-1,0}, {0,0u,"",0,0}, {1,0u,"",0,0}, FEND }, 0, 0u, 1, {3},
      {"abc"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "all fragments empty, 0-byte buf", { {0,2u,"",0,0}, {0,0u,"",0,0}, {1,0u,"",0,0}, FEND }, 0, 0u, 1, {0},
      {NULL}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "max 3 = buf, then empty fragments", { {0,2u,"abc",-1,0}, {0,0u,"",0,0}, {1,0u,"",0,0}, FEND }, 1, 3u, 1, {3},
      {"abc"}, "rx_init(2," NODEF "), rx_complete", NULL },
    { "max 3 = buf, empty then 1 more (1009)", { {0,2u,"abc",-1,0}, {0,0u,"",0,0}, {1,0u,"d",-1,0}, FEND }, 1, 3u, 1, {3},
      {"abc"}, "rx_init(2," NODEF "), " TOOBIG_END, NULL },
    { "empty first fragment, max 0", { {0,2u,"",0,0}, {1,0u,"",0,0}, FEND }, 1, 0u, 1, {0},
      {NULL}, "rx_init(2," NODEF "), rx_complete", NULL },
};

static void t_cases(void)
{
    static const size_t chunks[] = { 0u, 1u, 3u, 7u };
    size_t k;
    size_t j;
    for (k = 0; k < sizeof Cases / sizeof Cases[0]; k++) {
        for (j = 0; j < sizeof chunks / sizeof chunks[0]; j++) {
            run_case(&Cases[k], chunks[j]);
        }
    }
}

static void t_gen_check(void)
{
    /* Large fragment content: per-fragment (3000+2000 into 3000) and appended (5000). */
    int i;
    unsigned char *b = (unsigned char *)malloc(3000);
    unsigned char *b5 = (unsigned char *)malloc(5000);
    CASE c = { "gen per-fragment", { {0,2u,NULL,3000,'a'}, {1,0u,NULL,2000,'K'}, FEND }, 0, 0u, 1, {3000},
               {NULL}, "rx_init(2," NODEF "), rx_complete", NULL };
    CASE c5 = { "gen appended", { {0,2u,NULL,3000,'a'}, {1,0u,NULL,2000,'K'}, FEND }, 1, 5000u, 1, {5000},
               {NULL}, "rx_init(2," NODEF "), rx_complete", NULL };
    for (i = 0; i < 3000; i++) b[i] = (i < 2000) ? Gen_Pat('K', i) : Gen_Pat('a', i);
    for (i = 0; i < 5000; i++) b5[i] = (i < 3000) ? Gen_Pat('a', i) : Gen_Pat('K', i - 3000);
    c.want[0] = (const char *)b;
    c5.want[0] = (const char *)b5;
    run_case(&c, 0u); run_case(&c, 1u); run_case(&c, 100u);
    run_case(&c5, 0u); run_case(&c5, 1u); run_case(&c5, 100u);
    free(b); free(b5);
}

/* A buffer-mode buffer that starts 8 bytes before the connection buffer (so runs into it). */
static void t_overlap(void)
{
    size_t chunks[] = { 0u, 3u };
    size_t j;
    for (j = 0; j < 2; j++) {
        SESS o;
        memset(&o, 0, sizeof o);
        state_reset();
        port_reset();
        P.RxChunk = chunks[j];
        memset(ConnMem.Pre, '.', sizeof ConnMem.Pre);
        Plan[0] = &ConnMem.Pre[56];
        Plan_N = 1; Init_N = 0;
        srv_wait_req();
        srv_101();
        srv_frame(1, 0u, 2u, NULL, "ABCDEFGHIJKLMNOPQRST", 20u);
        (void)sess_open(&o);
        pump(100);
        {
            char d[1200];
            ev_dump(d, sizeof d);
            EXPECT_EVENTS("connect(1)", "trans(1)", "open", "rx_init(2,20)", "ws_err(238)");
            (void)d;
        }
        CHECK(memcmp(&ConnMem.Pre[56], "........", 8u) == 0,
              "chunk %u: bytes written before the overlap was refused: '%.8s' (MIGRATION: 'before a byte is written')",
              (unsigned)chunks[j], &ConnMem.Pre[56]);
        sess_end();
        Plan_N = 0;
    }
}

/* Headers only: a single FIN frame of 2^32-1 bytes, and of 2^32 bytes, in both modes. */
static void t_huge_headers(void)
{
    static const unsigned char h1[] = { 0x82, 0x7F, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 'x', 'y' };
    static const unsigned char h2[] = { 0x82, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0, 'x', 'y' };
    static const unsigned char h3[] = { 0x02, 0x7F, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 'x', 'y' };
    const unsigned char *hs[] = { h1, h2, h3 };
    int k, m;
    for (k = 0; k < 3; k++) {
        for (m = 0; m < 2; m++) {
            SESS o;
            unsigned char *b = (unsigned char *)malloc(2);
            char d[1200];
            memset(&o, 0, sizeof o);
            state_reset();
            port_reset();
            Plan[0] = m ? b : NULL; Plan_N = 1; Init_N = 0;
            srv_wait_req();
            srv_101();
            srv_bytes(hs[k], sizeof h1);
            (void)sess_open(&o);
            pump(50);
            ev_dump(d, sizeof d);
            CHECK(glob_match(k < 2 ? "connect(1), trans(1), open, ws_err(235)"
                                   : (m ? "connect(1), trans(1), open, rx_init(2,4294967295)"
                                        : "connect(1), trans(1), open, rx_init(2,4294967295), rx_data(2)"),
                             d), "huge header %d (%s): [%s]", k, m ? "buffer" : "stream", d);
            sess_end();
            Plan_N = 0;
            free(b);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */

int main(void)
{
    static const HTTPc_CFG cfg = { 0u, 4u, 5000u, 30u, DEF_NO };
    HTTPc_PORT port;
    HTTPc_ERR  err = 0u;

    (void)signal(SIGALRM, on_alarm);
    setvbuf(stdout, NULL, _IOLBF, 0);

    memset(&port, 0, sizeof port);
    port.Ctx         = &P;
    port.Connect     = port_connect;
    port.ConnectPoll = port_connect_poll;
    port.Send        = port_send;
    port.Recv        = port_recv;
    port.Close       = port_close;
    port.Random      = port_random;
    port.TimeGet_ms  = port_time;
    port.Wait        = port_wait;      /* Blocking calls only: no TaskCreate/Lock/OsWait.     */
    port_reset();
    HTTPc_PortSet(&port, &err);
    if (err != HTTPc_ERR_NONE) {
        printf("not ok 0 - HTTPc_PortSet: err %u\n0 passed, 1 failed\n", (unsigned)err);
        return 1;
    }
    HTTPc_Init(&cfg, NULL, NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        printf("not ok 0 - HTTPc_Init: err %u\n0 passed, 1 failed\n", (unsigned)err);
        return 1;
    }

    begin(1, "upgrade success");                       t_upgrade_success();  end();
    begin(2, "refused upgrade");                       t_refused();          end();
    begin(3, "invalid handshake responses");           t_bad_handshake();    end();
    begin(4, "frame in the same read as the 101");     t_extra_bytes();      end();
    begin(5, "fragmented receive at every split");     t_fragmented_rx();    end();
    begin(6, "ping inside a fragmented message");      t_ping_mid_message(); end();
    begin(7, "server-initiated close");                t_server_close();     end();
    begin(8, "client close, server silent: timeout");  t_close_timeout();    end();
    begin(9, "socket errors mid-message, reuse");      t_socket_errors();    end();
    begin(10, "protocol violations by the server");    t_violations();       end();
    begin(11, "sending: lengths, fragments, control first"); t_sending();    end();
    begin(12, "hostile callers");                      t_hostile();          end();
    begin(13, "keep-alive ping, pong timeout");         t_keepalive();        end();
    begin(14, "query string, header table and hook");   t_request_extras();   end();
    begin(15, "server Close, then TCP dropped at once"); t_close_then_drop(); end();
    begin(16, "OnMsgTxInit longer than the buffer");    t_tx_init_longer_than_buffer(); end();
    begin(17, "buffer mode: fragments within the application's buffer"); t_buffer_mode_bounds(); end();
    begin(18, "buffer mode: bounds matrix");          t_cases();            end();
    begin(19, "buffer mode: large fragments");        t_gen_check();        end();
    begin(20, "buffer mode: 4 GiB headers");          t_huge_headers();     end();
    begin(21, "buffer mode: buffer running into the connection buffer"); t_overlap(); end();

    printf("%d passed, %d failed\n", T_Passed_Total, T_Failed_Total);
    return T_Failed_Total == 0 ? 0 : 1;
}
