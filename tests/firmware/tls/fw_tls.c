/*
 * fw_tls.c: see fw_tls.h. ports/mbedtls around the lwIP port, the way a firmware would set it up
 * (static layer state, one session slot, a static arena for mbedTLS, the CA), plus the test
 * image's instruments:
 *
 *   - handshake timing: the inner (lwIP) Connect call, its completion, the wrapped ConnectPoll
 *     that reports the TLS handshake done, and app_echo's OnOpen (board_ms(), the 1 kHz SysTick;
 *     in QEMU that is host time, see tests/firmware/README.md);
 *   - bytes on the wire below TLS, during the handshake and in all;
 *   - the arena: mbedtls_calloc/mbedtls_free are wrapped at link time (-Wl,--wrap) to follow the
 *     highest arena address ever handed out (= the arena size this run needed with this
 *     allocator), the peak of live bytes, the number of allocations and failures;
 *   - the stack: painted at start-up, the lowest overwritten word at the report.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fw_tls.h"

#include <stddef.h>

#include "app.h"
#include "board.h"
#include "fwlib.h"
#include "httpc_port_mbedtls.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_internal.h" /* MBEDTLS_SSL_IN/OUT_BUFFER_LEN, for the report */
#include "semihost.h"
#include "stackmeter.h"

#define CA_BUF_LEN     2048u  /* PEM of the test CA (one P-256 certificate: ~0.6 KB) */
#define STACK_PAINT    0xC5C5C5C5u
#define ALLOC_SLOTS    192u

/* ---- storage: what an application provides ------------------------------------------------- */
static HTTPc_PORT_TLS Tls;
static HTTPc_PORT_TLS_SESS Sess[1];
static unsigned char Arena[FW_TLS_ARENA_SIZE] __attribute__((aligned(8)));
static unsigned char CaBuf[CA_BUF_LEN];

/* ---- arguments ------------------------------------------------------------------------------ */
static const char *CaPath;
static uint32_t ArenaLen = FW_TLS_ARENA_SIZE;
static uint32_t VerifyWant;
static int FailAlloc;

static uint32_t parse_hex(const char *s)
{
    uint32_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
    }
    for (; *s != '\0'; s++) {
        char c = *s;
        uint32_t d;
        if (c >= '0' && c <= '9') {
            d = (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (uint32_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            d = (uint32_t)(c - 'A' + 10);
        } else {
            break;
        }
        v = v * 16u + d;
    }
    return v;
}

int fw_tls_arg(const char *word)
{
    if (fw_strncmp(word, "ca=", 3) == 0) {
        CaPath = word + 3;
    } else if (fw_strncmp(word, "now=", 4) == 0) {
        fw_tls_clock_set(fw_atou(word + 4));
    } else if (fw_strncmp(word, "arena=", 6) == 0) {
        ArenaLen = fw_atou(word + 6);
        if (ArenaLen > FW_TLS_ARENA_SIZE) {
            ArenaLen = FW_TLS_ARENA_SIZE;
        }
    } else if (fw_strncmp(word, "verify=", 7) == 0) {
        VerifyWant = parse_hex(word + 7);
    } else if (fw_strcmp(word, "fail=alloc") == 0) {
        FailAlloc = 1;
    } else if (fw_strcmp(word, "fail=cert") == 0) {
        FailAlloc = 0;
    } else {
        return 0;
    }
    return 1;
}

/* ---- the arena's instruments (link-time wrappers) ------------------------------------------ */
static struct {
    uint32_t high;      /* highest arena offset handed out (end of a block) */
    uint32_t live;      /* bytes asked for and not freed */
    uint32_t live_peak;
    uint32_t blocks;    /* live allocations */
    uint32_t blocks_peak;
    uint32_t allocs;
    uint32_t failed;
    uint32_t untracked; /* more live blocks than ALLOC_SLOTS: live figures are low */
    uint32_t live_init; /* live after HTTPc_PortTls_Init (the parsed CA) */
    void *ptr[ALLOC_SLOTS];
    uint32_t len[ALLOC_SLOTS];
} A;

void *__real_mbedtls_calloc(size_t n, size_t size);
void __real_mbedtls_free(void *p);
void *__wrap_mbedtls_calloc(size_t n, size_t size);
void __wrap_mbedtls_free(void *p);

void *__wrap_mbedtls_calloc(size_t n, size_t size)
{
    void *p = __real_mbedtls_calloc(n, size);
    uint32_t len = (uint32_t)(n * size);
    uint32_t i;

    A.allocs++;
    if (p == NULL) {
        A.failed++;
        return p;
    }
    if ((unsigned char *)p >= Arena && (unsigned char *)p < Arena + sizeof Arena) {
        uint32_t end = (uint32_t)((unsigned char *)p - Arena) + ((len + 3u) & ~3u);
        if (end > A.high) {
            A.high = end;
        }
    }
    A.live += len;
    A.blocks++;
    if (A.live > A.live_peak) {
        A.live_peak = A.live;
    }
    if (A.blocks > A.blocks_peak) {
        A.blocks_peak = A.blocks;
    }
    for (i = 0; i < ALLOC_SLOTS; i++) {
        if (A.ptr[i] == NULL) {
            A.ptr[i] = p;
            A.len[i] = len;
            return p;
        }
    }
    A.untracked++;
    return p;
}

void __wrap_mbedtls_free(void *p)
{
    uint32_t i;
    if (p != NULL) {
        for (i = 0; i < ALLOC_SLOTS; i++) {
            if (A.ptr[i] == p) {
                A.ptr[i] = NULL;
                A.live -= A.len[i];
                break;
            }
        }
        A.blocks--;
    }
    __real_mbedtls_free(p);
}

/* ---- the stack ------------------------------------------------------------------------------ */
extern uint32_t __stack_bottom;
extern uint32_t __stack_top;

static void stack_paint(void)
{
    uint32_t sp;
    uint32_t *w;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (w = &__stack_bottom; (uint32_t)w < sp - 64u; w++) {
        *w = STACK_PAINT;
    }
}

static uint32_t stack_peak(void)
{
    const uint32_t *w = &__stack_bottom;
    while (w < &__stack_top && *w == STACK_PAINT) {
        w++;
    }
    return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)w);
}

/* ---- timing and bytes below TLS ------------------------------------------------------------- */
static HTTPc_PORT Lwip; /* the lwIP port as it came */
static struct {
    uint32_t t_connect; /* the inner Connect call (TCP SYN) */
    uint32_t t_tcp;     /* TCP established */
    uint32_t t_tls;     /* handshake done and the certificate accepted */
    uint32_t hs_out, hs_in;   /* bytes below TLS until then */
    uint32_t out, in;         /* in all */
    int done;
    const char *suite;
    const char *version;
    uint32_t max_out_payload;
    uint32_t connects;
    uint32_t hs_ticks;        /* 25 MHz SysTick ticks spent inside the handshake steps */
    uint32_t hs_steps;
    uint32_t hs_step_max;     /* the longest step: how long the application loop was held */
} T;

/* 25 MHz ticks since boot (differences only). */
static uint32_t now_ticks(void)
{
    return board_ticks();
}

static CPU_INT32S in_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port, CPU_INT32U timeout_ms,
                             const struct HTTPc_PORT_SECURE_CFG *p_secure, CPU_INT16U inactivity_s,
                             CPU_BOOLEAN keep_alive, void **p_handle)
{
    CPU_INT32S r;
    T.t_connect = board_ms();
    T.t_tcp = 0;
    T.t_tls = 0;
    T.done = 0;
    T.hs_ticks = 0;
    T.hs_steps = 0;
    T.hs_step_max = 0;
    T.connects++;
    r = Lwip.Connect(p_ctx, p_host, port, timeout_ms, p_secure, inactivity_s, keep_alive, p_handle);
    if (r == HTTPc_PORT_OK) {
        T.t_tcp = board_ms();
    }
    return r;
}

static CPU_INT32S in_connect_poll(void *p_ctx, void *handle)
{
    CPU_INT32S r = Lwip.ConnectPoll(p_ctx, handle);
    if (r == HTTPc_PORT_OK && T.t_tcp == 0u) {
        T.t_tcp = board_ms();
    }
    return r;
}

static CPU_INT32S in_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    CPU_INT32S n = Lwip.Send(p_ctx, handle, p_data, len);
    if (n > 0) {
        T.out += (uint32_t)n;
        if (!T.done) {
            T.hs_out += (uint32_t)n;
        }
    }
    return n;
}

static CPU_INT32S in_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    CPU_INT32S n = Lwip.Recv(p_ctx, handle, p_buf, len);
    if (n > 0) {
        T.in += (uint32_t)n;
        if (!T.done) {
            T.hs_in += (uint32_t)n;
        }
    }
    return n;
}

static HTTPc_PORT_CONNECT_POLL TlsConnectPoll;

static CPU_INT32S out_connect_poll(void *p_ctx, void *handle)
{
    CPU_INT32S r;
    uint32_t t0 = now_ticks();
    r = TlsConnectPoll(p_ctx, handle);
    if (!T.done) { /* the layer steps the handshake here: CPU time, not waiting */
        uint32_t d = now_ticks() - t0;
        T.hs_ticks += d;
        T.hs_steps++;
        if (d > T.hs_step_max) {
            T.hs_step_max = d;
        }
    }
    if (r == HTTPc_PORT_OK && !T.done) {
        const HTTPc_PORT_TLS_SESS *s = (const HTTPc_PORT_TLS_SESS *)handle;
        int max;
        T.t_tls = board_ms();
        T.done = 1;
        if (s->Secure != 0u) {
            T.suite = mbedtls_ssl_get_ciphersuite(&s->Ssl);
            T.version = mbedtls_ssl_get_version(&s->Ssl);
            max = mbedtls_ssl_get_max_out_record_payload(&s->Ssl);
            T.max_out_payload = max > 0 ? (uint32_t)max : 0u;
        }
    }
    return r;
}

/* ---- set-up --------------------------------------------------------------------------------- */
static unsigned char mfl_code(void)
{
    switch (FW_TLS_CONTENT_LEN) {
    case 512: return MBEDTLS_SSL_MAX_FRAG_LEN_512;
    case 1024: return MBEDTLS_SSL_MAX_FRAG_LEN_1024;
    case 2048: return MBEDTLS_SSL_MAX_FRAG_LEN_2048;
    case 4096: return MBEDTLS_SSL_MAX_FRAG_LEN_4096;
    default: return MBEDTLS_SSL_MAX_FRAG_LEN_NONE; /* 16384: what every server sends anyway */
    }
}

static void print_err(const char *what, int err)
{
    fw_printf("%s%s0x%x\n", what, err < 0 ? "-" : "", (unsigned)(err < 0 ? -err : err));
}

void fw_tls_wrap(HTTPc_PORT *p_port)
{
    HTTPc_PORT inner;
    HTTPc_PORT_TLS_CFG cfg;
    int ret;

    stack_paint();
    fw_tls_platform_init();
    fw_fill(&cfg, 0, sizeof cfg);

    Lwip = *p_port;
    inner = *p_port;
    inner.Connect = in_connect;
    inner.ConnectPoll = in_connect_poll;
    inner.Send = in_send;
    inner.Recv = in_recv;

    if (CaPath != NULL) {
        int n = sh_read_file(CaPath, CaBuf, sizeof CaBuf - 1u);
        if (n <= 0) {
            fw_printf("TLS: cannot read the CA file %s (at most %u bytes)\n", CaPath, (unsigned)(sizeof CaBuf - 1u));
            sh_exit(2);
        }
        CaBuf[n] = '\0'; /* PEM: the terminating NUL is part of the length mbedTLS wants */
        cfg.CaPtr = CaBuf;
        cfg.CaLen = (size_t)n + 1u;
    }
    cfg.InnerPortPtr = &inner;
    cfg.SessionsPtr = Sess;
    cfg.NbrSessions = (CPU_INT16U)(sizeof Sess / sizeof Sess[0]);
    cfg.ArenaPtr = Arena;
    cfg.ArenaLen = ArenaLen;
    cfg.MaxFragLenCode = mfl_code();
    ret = HTTPc_PortTls_Init(&Tls, &cfg, p_port);
    if (ret != 0) {
        print_err("TLS: HTTPc_PortTls_Init failed: ", ret);
        sh_exit(1);
    }
    A.live_init = A.live;
    TlsConnectPoll = p_port->ConnectPoll;
    p_port->ConnectPoll = out_connect_poll;
    fw_printf("TLS: layer up: records %u B (max_fragment_length code %u; record buffers in %u + out %u B), "
              "arena %u of %u B, CA %s, wall clock %s; after Init the arena's high-water mark is %u B (CA parsed)\n",
              (unsigned)FW_TLS_CONTENT_LEN, (unsigned)cfg.MaxFragLenCode, (unsigned)MBEDTLS_SSL_IN_BUFFER_LEN,
              (unsigned)MBEDTLS_SSL_OUT_BUFFER_LEN, (unsigned)ArenaLen,
              (unsigned)sizeof Arena, CaPath != NULL ? CaPath : "(none: nothing trusted)",
              fw_tls_clock_is_set() ? "set" : "NOT set (1970)", (unsigned)A.high);
}

/* ---- report --------------------------------------------------------------------------------- */
int fw_tls_last_err(void)
{
    return Tls.LastErr;
}

uint32_t fw_tls_last_verify_flags(void)
{
    return (uint32_t)Tls.LastVerifyFlags;
}

uint32_t fw_tls_verify_want(void)
{
    return VerifyWant;
}

int fw_tls_expect_alloc_failure(void)
{
    return FailAlloc;
}

uint32_t fw_tls_alloc_failures(void)
{
    return A.failed;
}

int fw_tls_arena_back_to_init(void)
{
    return A.untracked == 0u && A.live == A.live_init;
}

void fw_tls_report(void)
{
    if (T.connects == 0u) {
        fw_printf("TLS: no connection was made\n");
    } else if (T.done) {
        fw_printf("TLS: handshake: %s %s, records out <= %u B; TCP connected %u ms after the connect call, "
                  "TLS done at %u ms, WebSocket open at %u ms; %u B out / %u B in below TLS until then\n",
                  T.version != NULL ? T.version : "?", T.suite != NULL ? T.suite : "?", (unsigned)T.max_out_payload,
                  (unsigned)(T.t_tcp - T.t_connect), (unsigned)(T.t_tls - T.t_connect),
                  AppOpenedAt_ms != 0u ? (unsigned)(AppOpenedAt_ms - T.t_connect) : 0u, (unsigned)T.hs_out,
                  (unsigned)T.hs_in);
        fw_printf("TLS-METRIC handshake_ms=%u tcp_ms=%u ws_open_ms=%u hs_bytes_out=%u hs_bytes_in=%u\n",
                  (unsigned)(T.t_tls - T.t_connect), (unsigned)(T.t_tcp - T.t_connect),
                  AppOpenedAt_ms != 0u ? (unsigned)(AppOpenedAt_ms - T.t_connect) : 0u, (unsigned)T.hs_out,
                  (unsigned)T.hs_in);
    } else {
        fw_printf("TLS: the handshake did not complete (TCP connected: %s)\n", T.t_tcp != 0u ? "yes" : "no");
    }
    if (T.connects != 0u) {
        fw_printf("TLS: handshake CPU time: %u us in %u steps, the longest %u us (25 MHz SysTick ticks: %u, %u; "
                  "with QEMU -icount shift=0 one tick is 40 instructions)\n",
                  (unsigned)(T.hs_ticks / 25u), (unsigned)T.hs_steps, (unsigned)(T.hs_step_max / 25u),
                  (unsigned)T.hs_ticks, (unsigned)T.hs_step_max);
        fw_printf("TLS-METRIC hs_cpu_ticks=%u hs_steps=%u hs_step_max_ticks=%u\n", (unsigned)T.hs_ticks,
                  (unsigned)T.hs_steps, (unsigned)T.hs_step_max);
    }
    fw_printf("TLS: %u B out / %u B in below TLS in all\n", (unsigned)T.out, (unsigned)T.in);
    print_err("TLS: last mbedTLS error ", Tls.LastErr);
    fw_printf("TLS: last verification flags 0x%x\n", (unsigned)Tls.LastVerifyFlags);
    fw_printf("TLS: arena: high-water mark %u B of %u B given, peak live %u B in %u blocks, %u allocations, "
              "%u failed%s\n",
              (unsigned)A.high, (unsigned)ArenaLen, (unsigned)A.live_peak, (unsigned)A.blocks_peak,
              (unsigned)A.allocs, (unsigned)A.failed, A.untracked != 0u ? " (live figures low: untracked blocks)" : "");
    fw_printf("TLS: arena: %u B live now, %u B after Init (the parsed CA)%s\n", (unsigned)A.live,
              (unsigned)A.live_init, A.live == A.live_init ? ": the connection gave back all it took" : "");
    fw_printf("TLS: stack: peak %u B of %u B%s\n", (unsigned)stack_peak(),
              (unsigned)((uintptr_t)&__stack_top - (uintptr_t)&__stack_bottom),
              StackMeterOn ? " (not meaningful with stack=1: the stack meter paints too)" : "");
    fw_printf("TLS-METRIC in_buffer=%u out_buffer=%u sizeof_layer=%u sizeof_session=%u\n",
              (unsigned)MBEDTLS_SSL_IN_BUFFER_LEN, (unsigned)MBEDTLS_SSL_OUT_BUFFER_LEN, (unsigned)sizeof Tls,
              (unsigned)sizeof Sess[0]);
    fw_printf("TLS-METRIC arena_high=%u arena_given=%u arena_live_peak=%u allocs=%u alloc_failed=%u stack_peak=%u "
              "stack_size=%u bytes_out=%u bytes_in=%u arena_live_end=%u arena_live_init=%u\n",
              (unsigned)A.high, (unsigned)ArenaLen, (unsigned)A.live_peak, (unsigned)A.allocs, (unsigned)A.failed,
              (unsigned)stack_peak(), (unsigned)((uintptr_t)&__stack_top - (uintptr_t)&__stack_bottom),
              (unsigned)T.out, (unsigned)T.in, (unsigned)A.live, (unsigned)A.live_init);
}
