/*
 * httpc_port_script.c: the scripted in-memory port of httpc-ws (a test double; see
 * httpc_port_script.h). Plain C99, libc's string.h only, no heap, no I/O, deterministic.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>

#include "httpc_port_script.h"

/* ------------------------------------------------------------------------------------------ */
/* Internal constants                                                                         */
/* ------------------------------------------------------------------------------------------ */

enum {
    K_DATA = 1,        /* Bytes from the pool: Off, Len.                                         */
    K_ACCEPT,          /* 101 head (without the blank line) for request number Len.              */
    K_ECHO,            /* Echo of client frame number Len.                                       */
    K_WAIT_REQ,        /* Until the client sent Len request heads.                               */
    K_WAIT_FRAMES,     /* Until the client sent Len frames.                                      */
    K_WAIT_CLOSE,      /* Until the client sent a Close frame.                                   */
    K_WAIT_GATE,       /* Until Releases >= Len.                                                 */
    K_WAIT_MS,         /* Until Len ms after the step started.                                   */
    K_END              /* Recv returns Code from now on.                                         */
};

enum { RX_BLOCK = 0, RX_BYTE, RX_END };                  /* rx_settle results                */
enum { FA_NONE = 0, FA_STOP, FA_RESULT };                /* fault_at results                 */
enum { FP_NONE = 0, FP_STALL, FP_READY };                /* fault_peek results               */
enum { U_NONE = 0, U_REQ, U_FRAME };                     /* parse_next results               */

#define RUN_SPIN_MAX   100000u   /* Passes at one instant before Run moves the clock anyway.     */
#define WAIT_IDLE_MS   1000u     /* Wait(FOREVER) with nothing ready or due: clock step.         */

static const CPU_CHAR Accept_Head[] =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: ";

/* A decoded frame's position in the capture. */
typedef struct {
    CPU_INT32U Off;
    CPU_INT32U HdrLen;
    CPU_INT32U PayLen;
    CPU_INT08U B0;
    CPU_INT08U Masked;
    CPU_INT08U Key[4];
} RAW_FRAME;

/* ------------------------------------------------------------------------------------------ */
/* Small helpers: strings, numbers, errors                                                    */
/* ------------------------------------------------------------------------------------------ */

static CPU_CHAR lower(CPU_CHAR ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (CPU_CHAR)(ch - 'A' + 'a') : ch;
}

static int str_ieq(const CPU_CHAR *a, const CPU_CHAR *b)
{
    while (*a != '\0' && *b != '\0') {
        if (lower(*a) != lower(*b)) {
            return 0;
        }
        a++;
        b++;
    }
    return *a == *b;
}

/* Appends `src` to the NUL-terminated `dst` of capacity `cap`, truncating. */
static void str_cat(CPU_CHAR *dst, size_t cap, const CPU_CHAR *src)
{
    size_t n = strlen(dst);

    while (*src != '\0' && n + 1u < cap) {
        dst[n++] = *src++;
    }
    dst[n] = '\0';
}

/* Decimal digits of `v` into `buf` (>= 11 bytes), NUL-terminated; returns the length. */
static size_t u32_dec(CPU_INT32U v, CPU_CHAR *buf)
{
    CPU_CHAR tmp[10];
    size_t   n = 0u;
    size_t   i;

    do {
        tmp[n++] = (CPU_CHAR)('0' + (v % 10u));
        v /= 10u;
    } while (v != 0u);
    for (i = 0u; i < n; i++) {
        buf[i] = tmp[n - 1u - i];
    }
    buf[n] = '\0';
    return n;
}

/* Records an error: "<where>: <what>[ '<arg>'][ <num>]". Keeps the first message. */
static void err_rec(HTTPc_SCRIPT *s, const CPU_CHAR *where, const CPU_CHAR *what,
                    const CPU_CHAR *arg, int has_num, CPU_INT32U num)
{
    CPU_CHAR d[12];

    if (s == NULL) {
        return;
    }
    s->ErrN++;
    if (s->ErrN > 1u) {
        return;
    }
    s->Err[0] = '\0';
    str_cat(s->Err, sizeof s->Err, where);
    str_cat(s->Err, sizeof s->Err, ": ");
    str_cat(s->Err, sizeof s->Err, what);
    if (arg != NULL) {
        str_cat(s->Err, sizeof s->Err, " '");
        str_cat(s->Err, sizeof s->Err, arg);
        str_cat(s->Err, sizeof s->Err, "'");
    }
    if (has_num) {
        str_cat(s->Err, sizeof s->Err, " ");
        (void)u32_dec(num, d);
        str_cat(s->Err, sizeof s->Err, d);
    }
}

/* Matcher for the CRLFCRLF that ends an HTTP head; state 4 = matched. */
static CPU_INT08U crlf_next(CPU_INT08U st, CPU_INT08U b)
{
    static const CPU_INT08U pat[4] = { '\r', '\n', '\r', '\n' };

    if (st < 4u && b == pat[st]) {
        return (CPU_INT08U)(st + 1u);
    }
    return (b == '\r') ? 1u : 0u;
}

/* ------------------------------------------------------------------------------------------ */
/* SHA-1 and base64 (RFC 3174, RFC 4648), for Sec-WebSocket-Accept                           */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    CPU_INT32U H[5];
    CPU_INT08U Blk[64];
    CPU_INT32U BlkLen;
    CPU_INT32U TotLo;          /* Bytes hashed (modulo 2^32: keys are short).                 */
} SHA1_CTX;

static CPU_INT32U rol32(CPU_INT32U x, unsigned n)
{
    return (CPU_INT32U)((x << n) | (x >> (32u - n)));
}

static void sha1_block(SHA1_CTX *h)
{
    CPU_INT32U w[80];
    CPU_INT32U a, b, c, d, e, f, k, t;
    unsigned   i;

    for (i = 0u; i < 16u; i++) {
        w[i] = ((CPU_INT32U)h->Blk[4u * i] << 24) | ((CPU_INT32U)h->Blk[4u * i + 1u] << 16) |
               ((CPU_INT32U)h->Blk[4u * i + 2u] << 8) | (CPU_INT32U)h->Blk[4u * i + 3u];
    }
    for (i = 16u; i < 80u; i++) {
        w[i] = rol32(w[i - 3u] ^ w[i - 8u] ^ w[i - 14u] ^ w[i - 16u], 1u);
    }
    a = h->H[0];
    b = h->H[1];
    c = h->H[2];
    d = h->H[3];
    e = h->H[4];
    for (i = 0u; i < 80u; i++) {
        if (i < 20u) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (i < 40u) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (i < 60u) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        t = rol32(a, 5u) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol32(b, 30u);
        b = a;
        a = t;
    }
    h->H[0] += a;
    h->H[1] += b;
    h->H[2] += c;
    h->H[3] += d;
    h->H[4] += e;
    h->BlkLen = 0u;
}

static void sha1_init(SHA1_CTX *h)
{
    h->H[0]   = 0x67452301u;
    h->H[1]   = 0xEFCDAB89u;
    h->H[2]   = 0x98BADCFEu;
    h->H[3]   = 0x10325476u;
    h->H[4]   = 0xC3D2E1F0u;
    h->BlkLen = 0u;
    h->TotLo  = 0u;
}

static void sha1_update(SHA1_CTX *h, const CPU_INT08U *p, CPU_INT32U len)
{
    CPU_INT32U i;

    for (i = 0u; i < len; i++) {
        h->Blk[h->BlkLen++] = p[i];
        if (h->BlkLen == 64u) {
            sha1_block(h);
        }
    }
    h->TotLo += len;
}

static void sha1_final(SHA1_CTX *h, CPU_INT08U out[20])
{
    CPU_INT32U bits_hi = h->TotLo >> 29;
    CPU_INT32U bits_lo = h->TotLo << 3;
    unsigned   i;

    h->Blk[h->BlkLen++] = 0x80u;
    if (h->BlkLen > 56u) {
        while (h->BlkLen < 64u) {
            h->Blk[h->BlkLen++] = 0u;
        }
        sha1_block(h);
    }
    while (h->BlkLen < 56u) {
        h->Blk[h->BlkLen++] = 0u;
    }
    for (i = 0u; i < 4u; i++) {
        h->Blk[56u + i] = (CPU_INT08U)(bits_hi >> (24u - 8u * i));
        h->Blk[60u + i] = (CPU_INT08U)(bits_lo >> (24u - 8u * i));
    }
    sha1_block(h);
    for (i = 0u; i < 20u; i++) {
        out[i] = (CPU_INT08U)(h->H[i / 4u] >> (24u - 8u * (i % 4u)));
    }
}

static void base64(const CPU_INT08U *p, CPU_INT32U len, CPU_CHAR *out)
{
    static const CPU_CHAR tbl[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    CPU_INT32U i;
    size_t     o = 0u;

    for (i = 0u; i + 2u < len; i += 3u) {
        CPU_INT32U v = ((CPU_INT32U)p[i] << 16) | ((CPU_INT32U)p[i + 1u] << 8) | p[i + 2u];
        out[o++] = tbl[(v >> 18) & 63u];
        out[o++] = tbl[(v >> 12) & 63u];
        out[o++] = tbl[(v >> 6) & 63u];
        out[o++] = tbl[v & 63u];
    }
    if (len - i == 1u) {
        CPU_INT32U v = (CPU_INT32U)p[i] << 16;
        out[o++] = tbl[(v >> 18) & 63u];
        out[o++] = tbl[(v >> 12) & 63u];
        out[o++] = '=';
        out[o++] = '=';
    } else if (len - i == 2u) {
        CPU_INT32U v = ((CPU_INT32U)p[i] << 16) | ((CPU_INT32U)p[i + 1u] << 8);
        out[o++] = tbl[(v >> 18) & 63u];
        out[o++] = tbl[(v >> 12) & 63u];
        out[o++] = tbl[(v >> 6) & 63u];
        out[o++] = '=';
    }
    out[o] = '\0';
}

void HTTPc_PortScript_AcceptKey(const CPU_CHAR *p_key, CPU_INT32U key_len, CPU_CHAR *p_out)
{
    static const CPU_CHAR guid[] = HTTPc_WEBSOCK_GUID_STRING;
    SHA1_CTX   h;
    CPU_INT08U dig[20];

    if (p_out == NULL) {
        return;
    }
    sha1_init(&h);
    if (p_key != NULL) {
        sha1_update(&h, (const CPU_INT08U *)p_key, key_len);
    }
    sha1_update(&h, (const CPU_INT08U *)guid, (CPU_INT32U)(sizeof guid - 1u));
    sha1_final(&h, dig);
    base64(dig, 20u, p_out);
}

/* ------------------------------------------------------------------------------------------ */
/* Frames                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Header of a frame: returns its length (<= 14). */
static CPU_INT32U frame_hdr(CPU_INT08U *h, CPU_INT08U b0, const CPU_INT08U *key,
                            CPU_INT32U len)
{
    CPU_INT32U n    = 0u;
    CPU_INT08U mbit = (key != NULL) ? 0x80u : 0u;
    unsigned   i;

    h[n++] = b0;
    if (len <= 125u) {
        h[n++] = (CPU_INT08U)(mbit | len);
    } else if (len <= 0xFFFFu) {
        h[n++] = (CPU_INT08U)(mbit | 126u);
        h[n++] = (CPU_INT08U)(len >> 8);
        h[n++] = (CPU_INT08U)len;
    } else {
        h[n++] = (CPU_INT08U)(mbit | 127u);
        for (i = 0u; i < 4u; i++) {
            h[n++] = 0u;                              /* A CPU_INT32U length: top half 0.   */
        }
        for (i = 0u; i < 4u; i++) {
            h[n++] = (CPU_INT08U)(len >> (24u - 8u * i));
        }
    }
    if (key != NULL) {
        for (i = 0u; i < 4u; i++) {
            h[n++] = key[i];
        }
    }
    return n;
}

static void frame_body(CPU_INT08U *dst, const CPU_INT08U *key, const void *p_payload,
                       CPU_INT32U len)
{
    const CPU_INT08U *p = (const CPU_INT08U *)p_payload;
    CPU_INT32U        i;

    if (len == 0u) {
        return;
    }
    if (key == NULL) {
        memcpy(dst, p, len);
        return;
    }
    for (i = 0u; i < len; i++) {
        dst[i] = (CPU_INT08U)(p[i] ^ key[i % 4u]);
    }
}

CPU_INT32U HTTPc_PortScript_FrameFmt(CPU_INT08U *p_buf, CPU_INT32U buf_len,
                                     CPU_INT08U first_byte, const CPU_INT08U *p_mask_key,
                                     const void *p_payload, CPU_INT32U payload_len)
{
    CPU_INT08U hdr[HTTPc_SCRIPT_FRAME_HDR_MAX];
    CPU_INT32U h;

    if (p_buf == NULL || (p_payload == NULL && payload_len > 0u)) {
        return 0u;
    }
    h = frame_hdr(hdr, first_byte, p_mask_key, payload_len);
    if (payload_len > buf_len || buf_len - payload_len < h) {
        return 0u;
    }
    memcpy(p_buf, hdr, h);
    frame_body(p_buf + h, p_mask_key, p_payload, payload_len);
    return h + payload_len;
}

/*
 * Decodes what the client sent, one unit at a time: a request head (the stream starts with
 * one; a later one starts with 'G', which no valid client frame does: 0x47 would be RSV1 and
 * the reserved opcode 7), else a frame. Returns U_NONE when the next unit is incomplete.
 */
static int parse_next(const CPU_INT08U *cap, CPU_INT32U len, HTTPc_SCRIPT_PARSE *ps,
                      RAW_FRAME *f, CPU_INT32U *p_head_off)
{
    for (;;) {
        if (ps->InHead) {
            while (ps->ScanOff < len) {
                ps->Crlf = crlf_next(ps->Crlf, cap[ps->ScanOff++]);
                if (ps->Crlf == 4u) {
                    if (p_head_off != NULL) {
                        *p_head_off = ps->Off;
                    }
                    ps->Off    = ps->ScanOff;
                    ps->InHead = DEF_NO;
                    ps->Crlf   = 0u;
                    ps->Requests++;
                    return U_REQ;
                }
            }
            return U_NONE;
        }
        if (ps->Off >= len) {
            return U_NONE;
        }
        if (cap[ps->Off] == (CPU_INT08U)'G') {
            ps->InHead  = DEF_YES;
            ps->ScanOff = ps->Off;
            ps->Crlf    = 0u;
            continue;
        }
        {
            CPU_INT32U         avail = len - ps->Off;
            const CPU_INT08U  *b     = &cap[ps->Off];
            CPU_INT32U         h     = 2u;
            unsigned long long plen;
            unsigned           i;

            if (avail < 2u) {
                return U_NONE;
            }
            plen = b[1] & 0x7Fu;
            if (plen == 126u) {
                if (avail < 4u) {
                    return U_NONE;
                }
                plen = ((CPU_INT32U)b[2] << 8) | b[3];
                h    = 4u;
            } else if (plen == 127u) {
                if (avail < 10u) {
                    return U_NONE;
                }
                plen = 0u;
                for (i = 0u; i < 8u; i++) {
                    plen = (plen << 8) | b[2u + i];
                }
                h = 10u;
            }
            f->Masked = (CPU_INT08U)((b[1] & 0x80u) != 0u);
            if (f->Masked) {
                if (avail < h + 4u) {
                    return U_NONE;
                }
                for (i = 0u; i < 4u; i++) {
                    f->Key[i] = b[h + i];
                }
                h += 4u;
            } else {
                for (i = 0u; i < 4u; i++) {
                    f->Key[i] = 0u;
                }
            }
            if (plen > (unsigned long long)(avail - h)) {
                return U_NONE;
            }
            f->Off    = ps->Off;
            f->HdrLen = h;
            f->PayLen = (CPU_INT32U)plen;
            f->B0     = b[0];
            ps->Off  += h + f->PayLen;
            ps->Frames++;
            if ((b[0] & 0x0Fu) == HTTPc_SCRIPT_OP_CLOSE) {
                ps->ClientClose = DEF_YES;
            }
            return U_FRAME;
        }
    }
}

static void parse_init(HTTPc_SCRIPT_PARSE *ps)
{
    memset(ps, 0, sizeof *ps);
    ps->InHead = DEF_YES;
}

/* Finds client frame `idx` (0-based). */
static int frame_find(const HTTPc_SCRIPT_CONN *c, CPU_INT32U idx, RAW_FRAME *f)
{
    HTTPc_SCRIPT_PARSE ps;
    int                u;

    parse_init(&ps);
    while ((u = parse_next(c->Cap, c->CapLen, &ps, f, NULL)) != U_NONE) {
        if (u == U_FRAME && ps.Frames == idx + 1u) {
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Set-up                                                                                     */
/* ------------------------------------------------------------------------------------------ */

CPU_BOOLEAN HTTPc_PortScript_Init(HTTPc_SCRIPT *p_s, void *p_mem, CPU_INT32U mem_len,
                                  CPU_INT32U seed)
{
    if (p_s == NULL) {
        return DEF_FAIL;
    }
    memset(p_s, 0, sizeof *p_s);
    p_s->Pool     = (CPU_INT08U *)p_mem;
    p_s->PoolLen  = (p_mem != NULL) ? mem_len : 0u;
    p_s->PoolTail = p_s->PoolLen;
    p_s->Rng      = seed ^ 0x9E3779B9u;
    if (p_s->Rng == 0u) {
        p_s->Rng = 0x6D2B79F5u;
    }
    return DEF_OK;
}

HTTPc_SCRIPT_CONN *HTTPc_PortScript_ConnAdd(HTTPc_SCRIPT *p_s, const CPU_CHAR *p_host,
                                            CPU_INT32U cap_len)
{
    static const CPU_CHAR fn[] = "HTTPc_PortScript_ConnAdd";
    HTTPc_SCRIPT_CONN *c;

    if (p_s == NULL) {
        return NULL;
    }
    if (p_s->ConnN >= HTTPc_SCRIPT_CONN_MAX) {
        err_rec(p_s, fn, "too many connection scripts, max", NULL, 1, HTTPc_SCRIPT_CONN_MAX);
        return NULL;
    }
    if (p_host != NULL && strlen(p_host) > HTTPc_SCRIPT_HOST_LEN_MAX) {
        err_rec(p_s, fn, "host name longer than HTTPc_SCRIPT_HOST_LEN_MAX", p_host, 1,
                HTTPc_SCRIPT_HOST_LEN_MAX);
        return NULL;
    }
    if (cap_len == 0u) {
        cap_len = HTTPc_SCRIPT_CAP_DFLT;
    }
    if (p_s->PoolTail - p_s->PoolHead < cap_len) {
        err_rec(p_s, fn, "pool too small for the capture; bytes free:", NULL, 1,
                p_s->PoolTail - p_s->PoolHead);
        return NULL;
    }
    c = &p_s->Conns[p_s->ConnN];
    memset(c, 0, sizeof *c);
    c->Script = p_s;
    c->Idx    = (CPU_INT08U)p_s->ConnN;
    if (p_host != NULL) {
        (void)strcpy(c->Match, p_host);
    } else {
        c->MatchAny = DEF_YES;
    }
    p_s->PoolTail -= cap_len;
    c->Cap          = &p_s->Pool[p_s->PoolTail];
    c->CapMax       = cap_len;
    c->ConnectResult = HTTPc_PORT_OK;
    c->Step         = 0u;
    parse_init(&c->Parse);
    p_s->ConnN++;
    return c;
}

CPU_BOOLEAN HTTPc_PortScript_ConnectOutcome(HTTPc_SCRIPT_CONN *p_c, CPU_INT32S result,
                                            CPU_INT32U polls)
{
    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (result != HTTPc_PORT_OK && result != HTTPc_PORT_ERR && result != HTTPc_PORT_WOULD_BLOCK) {
        err_rec(p_c->Script, "HTTPc_PortScript_ConnectOutcome",
                "result must be HTTPc_PORT_OK, _ERR or _WOULD_BLOCK, not", NULL, 1,
                (CPU_INT32U)result);
        return DEF_FAIL;
    }
    p_c->ConnectResult  = result;
    p_c->ConnectPollsWb = polls;
    return DEF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Building the script                                                                        */
/* ------------------------------------------------------------------------------------------ */

static HTTPc_SCRIPT_STEP *step_add(HTTPc_SCRIPT_CONN *c, CPU_INT08U kind, const CPU_CHAR *fn)
{
    HTTPc_SCRIPT      *s = c->Script;
    HTTPc_SCRIPT_STEP *st;

    if (s->StepN >= HTTPc_SCRIPT_STEP_MAX) {
        err_rec(s, fn, "too many script steps, max", NULL, 1, HTTPc_SCRIPT_STEP_MAX);
        return NULL;
    }
    st = &s->Steps[s->StepN++];
    memset(st, 0, sizeof *st);
    st->Kind = kind;
    st->Conn = c->Idx;
    return st;
}

/* Room for `len` more scripted bytes of `c`, at the end of its last data step (a new step if
 * needed). Returns where to write them, or NULL (error recorded). */
static CPU_INT08U *pool_take(HTTPc_SCRIPT_CONN *c, CPU_INT32U len, const CPU_CHAR *fn)
{
    HTTPc_SCRIPT      *s = c->Script;
    HTTPc_SCRIPT_STEP *st;
    CPU_INT08U        *p;

    if (s->PoolTail - s->PoolHead < len) {
        err_rec(s, fn, "pool full (a bigger Init buffer, or smaller captures); bytes free:", NULL,
                1, s->PoolTail - s->PoolHead);
        return NULL;
    }
    st = (s->StepN > 0u) ? &s->Steps[s->StepN - 1u] : NULL;
    if (st == NULL || st->Kind != K_DATA || st->Conn != c->Idx ||
        st->Off + st->Len != s->PoolHead) {
        st = step_add(c, K_DATA, fn);
        if (st == NULL) {
            return NULL;
        }
        st->Off = s->PoolHead;
    }
    p            = &s->Pool[s->PoolHead];
    s->PoolHead += len;
    st->Len     += len;
    return p;
}

CPU_BOOLEAN HTTPc_PortScript_Data(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len)
{
    CPU_INT08U *p;

    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (len == 0u) {
        return DEF_OK;
    }
    if (p_data == NULL) {
        err_rec(p_c->Script, "HTTPc_PortScript_Data", "NULL data", NULL, 0, 0u);
        return DEF_FAIL;
    }
    p = pool_take(p_c, len, "HTTPc_PortScript_Data");
    if (p == NULL) {
        return DEF_FAIL;
    }
    memcpy(p, p_data, len);
    return DEF_OK;
}

CPU_BOOLEAN HTTPc_PortScript_Str(HTTPc_SCRIPT_CONN *p_c, const CPU_CHAR *p_str)
{
    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (p_str == NULL) {
        err_rec(p_c->Script, "HTTPc_PortScript_Str", "NULL string", NULL, 0, 0u);
        return DEF_FAIL;
    }
    return HTTPc_PortScript_Data(p_c, p_str, (CPU_INT32U)strlen(p_str));
}

CPU_BOOLEAN HTTPc_PortScript_Accept(HTTPc_SCRIPT_CONN *p_c, const CPU_CHAR *p_extra_hdrs)
{
    HTTPc_SCRIPT_STEP *st;

    if (p_c == NULL) {
        return DEF_FAIL;
    }
    st = step_add(p_c, K_ACCEPT, "HTTPc_PortScript_Accept");
    if (st == NULL) {
        return DEF_FAIL;
    }
    st->Len = ++p_c->Answers;
    if (p_extra_hdrs != NULL && !HTTPc_PortScript_Str(p_c, p_extra_hdrs)) {
        return DEF_FAIL;
    }
    return HTTPc_PortScript_Str(p_c, "\r\n");
}

CPU_BOOLEAN HTTPc_PortScript_Refuse(HTTPc_SCRIPT_CONN *p_c, CPU_INT16U status,
                                    const CPU_CHAR *p_reason, const CPU_CHAR *p_body)
{
    static const CPU_CHAR fn[] = "HTTPc_PortScript_Refuse";
    HTTPc_SCRIPT_STEP *st;
    CPU_CHAR           num[12];
    CPU_CHAR           clen[12];
    CPU_INT32U         body_len;
    CPU_INT32U         total;
    CPU_INT08U        *p;
    size_t             n;

    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (status < 100u || status > 999u) {
        err_rec(p_c->Script, fn, "status must have 3 digits, not", NULL, 1, status);
        return DEF_FAIL;
    }
    if (p_reason == NULL) {
        p_reason = "";
    }
    if (p_body == NULL) {
        p_body = "";
    }
    body_len = (CPU_INT32U)strlen(p_body);
    (void)u32_dec(status, num);
    (void)u32_dec(body_len, clen);
    total = (CPU_INT32U)(9u + 3u + 1u + strlen(p_reason) + 2u + 16u + strlen(clen) + 4u) + body_len;
    st = step_add(p_c, K_WAIT_REQ, fn);
    if (st == NULL) {
        return DEF_FAIL;
    }
    st->Len = ++p_c->Answers;
    p = pool_take(p_c, total, fn);
    if (p == NULL) {
        return DEF_FAIL;
    }
    n = 0u;
    memcpy(p + n, "HTTP/1.1 ", 9u);              n += 9u;
    memcpy(p + n, num, 3u);                      n += 3u;
    p[n++] = ' ';
    memcpy(p + n, p_reason, strlen(p_reason));   n += strlen(p_reason);
    memcpy(p + n, "\r\nContent-Length: ", 18u);  n += 18u;
    memcpy(p + n, clen, strlen(clen));           n += strlen(clen);
    memcpy(p + n, "\r\n\r\n", 4u);               n += 4u;
    if (body_len > 0u) {
        memcpy(p + n, p_body, body_len);
    }
    return DEF_OK;
}

CPU_BOOLEAN HTTPc_PortScript_Frame(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U first_byte,
                                   const CPU_INT08U *p_mask_key, const void *p_payload,
                                   CPU_INT32U len)
{
    static const CPU_CHAR fn[] = "HTTPc_PortScript_Frame";
    CPU_INT08U  hdr[HTTPc_SCRIPT_FRAME_HDR_MAX];
    CPU_INT32U  h;
    CPU_INT08U *p;

    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (p_payload == NULL && len > 0u) {
        err_rec(p_c->Script, fn, "NULL payload", NULL, 0, 0u);
        return DEF_FAIL;
    }
    h = frame_hdr(hdr, first_byte, p_mask_key, len);
    if (len > 0xFFFFFFFFu - h) {
        err_rec(p_c->Script, fn, "frame too long", NULL, 0, 0u);
        return DEF_FAIL;
    }
    p = pool_take(p_c, h + len, fn);
    if (p == NULL) {
        return DEF_FAIL;
    }
    memcpy(p, hdr, h);
    frame_body(p + h, p_mask_key, p_payload, len);
    return DEF_OK;
}

CPU_BOOLEAN HTTPc_PortScript_Text(HTTPc_SCRIPT_CONN *p_c, const CPU_CHAR *p_text)
{
    if (p_c != NULL && p_text == NULL) {
        err_rec(p_c->Script, "HTTPc_PortScript_Text", "NULL text", NULL, 0, 0u);
        return DEF_FAIL;
    }
    return HTTPc_PortScript_Frame(p_c, HTTPc_SCRIPT_FIN | HTTPc_SCRIPT_OP_TEXT, NULL, p_text,
                                  (p_text != NULL) ? (CPU_INT32U)strlen(p_text) : 0u);
}

CPU_BOOLEAN HTTPc_PortScript_Binary(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len)
{
    return HTTPc_PortScript_Frame(p_c, HTTPc_SCRIPT_FIN | HTTPc_SCRIPT_OP_BINARY, NULL, p_data,
                                  len);
}

CPU_BOOLEAN HTTPc_PortScript_Ping(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len)
{
    return HTTPc_PortScript_Frame(p_c, HTTPc_SCRIPT_FIN | HTTPc_SCRIPT_OP_PING, NULL, p_data,
                                  len);
}

CPU_BOOLEAN HTTPc_PortScript_Pong(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len)
{
    return HTTPc_PortScript_Frame(p_c, HTTPc_SCRIPT_FIN | HTTPc_SCRIPT_OP_PONG, NULL, p_data,
                                  len);
}

CPU_BOOLEAN HTTPc_PortScript_Close(HTTPc_SCRIPT_CONN *p_c, CPU_INT16U code,
                                   const CPU_CHAR *p_reason)
{
    CPU_INT08U pl[2u + 123u];
    CPU_INT32U n = 0u;
    size_t     rl;

    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (code != 0u) {
        pl[n++] = (CPU_INT08U)(code >> 8);
        pl[n++] = (CPU_INT08U)code;
    }
    if (p_reason != NULL) {
        rl = strlen(p_reason);
        if (rl > 123u) {
            err_rec(p_c->Script, "HTTPc_PortScript_Close", "reason longer than 123 bytes", NULL,
                    0, 0u);
            return DEF_FAIL;
        }
        memcpy(&pl[n], p_reason, rl);
        n += (CPU_INT32U)rl;
    }
    return HTTPc_PortScript_Frame(p_c, HTTPc_SCRIPT_FIN | HTTPc_SCRIPT_OP_CLOSE, NULL, pl, n);
}

static CPU_BOOLEAN step_simple(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U kind, CPU_INT32U n,
                               const CPU_CHAR *fn)
{
    HTTPc_SCRIPT_STEP *st;

    if (p_c == NULL) {
        return DEF_FAIL;
    }
    st = step_add(p_c, kind, fn);
    if (st == NULL) {
        return DEF_FAIL;
    }
    st->Len = n;
    return DEF_OK;
}

CPU_BOOLEAN HTTPc_PortScript_Echo(HTTPc_SCRIPT_CONN *p_c, CPU_INT32U frame_idx)
{
    return step_simple(p_c, K_ECHO, frame_idx, "HTTPc_PortScript_Echo");
}

CPU_BOOLEAN HTTPc_PortScript_WaitRequest(HTTPc_SCRIPT_CONN *p_c)
{
    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (!step_simple(p_c, K_WAIT_REQ, p_c->ReqWaits + 1u, "HTTPc_PortScript_WaitRequest")) {
        return DEF_FAIL;
    }
    p_c->ReqWaits++;
    return DEF_OK;
}

CPU_BOOLEAN HTTPc_PortScript_WaitFrames(HTTPc_SCRIPT_CONN *p_c, CPU_INT32U n)
{
    return step_simple(p_c, K_WAIT_FRAMES, n, "HTTPc_PortScript_WaitFrames");
}

CPU_BOOLEAN HTTPc_PortScript_WaitClientClose(HTTPc_SCRIPT_CONN *p_c)
{
    return step_simple(p_c, K_WAIT_CLOSE, 0u, "HTTPc_PortScript_WaitClientClose");
}

CPU_BOOLEAN HTTPc_PortScript_Gate(HTTPc_SCRIPT_CONN *p_c)
{
    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (!step_simple(p_c, K_WAIT_GATE, p_c->Gates + 1u, "HTTPc_PortScript_Gate")) {
        return DEF_FAIL;
    }
    p_c->Gates++;
    return DEF_OK;
}

void HTTPc_PortScript_Release(HTTPc_SCRIPT_CONN *p_c)
{
    if (p_c != NULL) {
        p_c->Releases++;
    }
}

CPU_BOOLEAN HTTPc_PortScript_WaitMs(HTTPc_SCRIPT_CONN *p_c, CPU_INT32U ms)
{
    return step_simple(p_c, K_WAIT_MS, ms, "HTTPc_PortScript_WaitMs");
}

CPU_BOOLEAN HTTPc_PortScript_End(HTTPc_SCRIPT_CONN *p_c, CPU_INT32S result)
{
    HTTPc_SCRIPT_STEP *st;

    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (result != HTTPc_PORT_CLOSED && result != HTTPc_PORT_ERR) {
        err_rec(p_c->Script, "HTTPc_PortScript_End",
                "result must be HTTPc_PORT_CLOSED or HTTPc_PORT_ERR", NULL, 0, 0u);
        return DEF_FAIL;
    }
    st = step_add(p_c, K_END, "HTTPc_PortScript_End");
    if (st == NULL) {
        return DEF_FAIL;
    }
    st->Code = result;
    return DEF_OK;
}

static CPU_BOOLEAN fault_add(HTTPc_SCRIPT_CONN *c, CPU_INT08U dir, CPU_INT08U anchor,
                             CPU_INT32U off, CPU_INT32S result, CPU_INT32U left,
                             const CPU_CHAR *fn)
{
    HTTPc_SCRIPT       *s = c->Script;
    HTTPc_SCRIPT_FAULT *f;

    if (dir != HTTPc_SCRIPT_RX && dir != HTTPc_SCRIPT_TX) {
        err_rec(s, fn, "dir must be HTTPc_SCRIPT_RX or HTTPc_SCRIPT_TX, not", NULL, 1, dir);
        return DEF_FAIL;
    }
    if (anchor != HTTPc_SCRIPT_AT_START && anchor != HTTPc_SCRIPT_AT_HANDSHAKE) {
        err_rec(s, fn, "anchor must be HTTPc_SCRIPT_AT_START or _AT_HANDSHAKE, not", NULL, 1,
                anchor);
        return DEF_FAIL;
    }
    if (s->FaultN >= HTTPc_SCRIPT_FAULT_MAX) {
        err_rec(s, fn, "too many faults, max", NULL, 1, HTTPc_SCRIPT_FAULT_MAX);
        return DEF_FAIL;
    }
    f = &s->Faults[s->FaultN++];
    memset(f, 0, sizeof *f);
    f->Conn   = c->Idx;
    f->Dir    = dir;
    f->Anchor = anchor;
    f->Off    = off;
    f->Result = result;
    f->Left   = left;
    f->Done   = (result == HTTPc_PORT_WOULD_BLOCK && left == 0u) ? DEF_YES : DEF_NO;
    return DEF_OK;
}

CPU_BOOLEAN HTTPc_PortScript_Fault(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U dir, CPU_INT08U anchor,
                                   CPU_INT32U offset, CPU_INT32S result)
{
    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (result != HTTPc_PORT_CLOSED && result != HTTPc_PORT_ERR) {
        err_rec(p_c->Script, "HTTPc_PortScript_Fault",
                "result must be HTTPc_PORT_CLOSED or HTTPc_PORT_ERR", NULL, 0, 0u);
        return DEF_FAIL;
    }
    return fault_add(p_c, dir, anchor, offset, result, 0u, "HTTPc_PortScript_Fault");
}

CPU_BOOLEAN HTTPc_PortScript_Storm(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U dir, CPU_INT08U anchor,
                                   CPU_INT32U offset, CPU_INT32U calls)
{
    if (p_c == NULL) {
        return DEF_FAIL;
    }
    return fault_add(p_c, dir, anchor, offset, HTTPc_PORT_WOULD_BLOCK, calls,
                     "HTTPc_PortScript_Storm");
}

CPU_BOOLEAN HTTPc_PortScript_Chunk(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U dir, CPU_INT32U max_bytes)
{
    if (p_c == NULL) {
        return DEF_FAIL;
    }
    if (dir == HTTPc_SCRIPT_RX) {
        p_c->RxChunk = max_bytes;
    } else if (dir == HTTPc_SCRIPT_TX) {
        p_c->TxChunk = max_bytes;
    } else {
        err_rec(p_c->Script, "HTTPc_PortScript_Chunk",
                "dir must be HTTPc_SCRIPT_RX or HTTPc_SCRIPT_TX, not", NULL, 1, dir);
        return DEF_FAIL;
    }
    return DEF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Running the script                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* The offset a fault fires at, if known yet. */
static int fault_resolve(const HTTPc_SCRIPT_CONN *c, const HTTPc_SCRIPT_FAULT *f,
                         CPU_INT32U *p_at)
{
    CPU_BOOLEAN known;
    CPU_INT32U  base;

    if (f->Anchor == HTTPc_SCRIPT_AT_START) {
        *p_at = f->Off;
        return 1;
    }
    known = (f->Dir == HTTPc_SCRIPT_RX) ? c->RxHsKnown : c->TxHsKnown;
    base  = (f->Dir == HTTPc_SCRIPT_RX) ? c->RxHsEnd : c->TxHsEnd;
    if (!known || f->Off > 0xFFFFFFFFu - base) {
        return 0;
    }
    *p_at = base + f->Off;
    return 1;
}

/*
 * Is there a fault at stream offset `pos`? At the start of a call it takes effect
 * (FA_RESULT, *p_res: the call's result; a storm counts the call); in the middle of one the
 * call just stops before `pos` (FA_STOP).
 */
static int fault_at(HTTPc_SCRIPT_CONN *c, CPU_INT08U dir, CPU_INT32U pos, int call_start,
                    CPU_INT32S *p_res)
{
    HTTPc_SCRIPT *s = c->Script;
    CPU_INT32U    i;
    CPU_INT32U    at;

    for (i = 0u; i < s->FaultN; i++) {
        HTTPc_SCRIPT_FAULT *f = &s->Faults[i];
        if (f->Conn != c->Idx || f->Dir != dir || f->Done || !fault_resolve(c, f, &at) ||
            pos < at) {
            continue;
        }
        if (!call_start) {
            return FA_STOP;
        }
        *p_res = f->Result;
        if (f->Result == HTTPc_PORT_WOULD_BLOCK) {
            if (f->Left != HTTPc_SCRIPT_FOREVER) {
                f->Left--;
                if (f->Left == 0u) {
                    f->Done = DEF_YES;
                }
                s->Progress++;                      /* A storm call was used up.              */
            }
        } else {
            f->Done = DEF_YES;
        }
        return FA_RESULT;
    }
    return FA_NONE;
}

/* What a call at `pos` would meet, without side effects. */
static int fault_peek(const HTTPc_SCRIPT_CONN *c, CPU_INT08U dir, CPU_INT32U pos)
{
    const HTTPc_SCRIPT *s = c->Script;
    CPU_INT32U          i;
    CPU_INT32U          at;

    for (i = 0u; i < s->FaultN; i++) {
        const HTTPc_SCRIPT_FAULT *f = &s->Faults[i];
        if (f->Conn != c->Idx || f->Dir != dir || f->Done || !fault_resolve(c, f, &at) ||
            pos < at) {
            continue;
        }
        return (f->Result == HTTPc_PORT_WOULD_BLOCK && f->Left == HTTPc_SCRIPT_FOREVER) ?
               FP_STALL : FP_READY;
    }
    return FP_NONE;
}

/* Generates the 101 head for request number `n` (1-based). */
static void gen_accept(HTTPc_SCRIPT_CONN *c, CPU_INT32U n)
{
    CPU_CHAR   key[64];
    CPU_CHAR   acc[29];
    CPU_INT32U cnt;
    size_t     hl = sizeof Accept_Head - 1u;

    cnt = HTTPc_PortScript_RequestHeader(c, n - 1u, "Sec-WebSocket-Key", key, sizeof key);
    if (cnt == 0u) {
        err_rec(c->Script, "Accept", "the request has no Sec-WebSocket-Key; request", NULL, 1,
                n);
        key[0] = '\0';
    }
    HTTPc_PortScript_AcceptKey(key, (CPU_INT32U)strlen(key), acc);
    memcpy(c->Gen, Accept_Head, hl);
    memcpy(&c->Gen[hl], acc, 28u);
    c->Gen[hl + 28u] = '\r';
    c->Gen[hl + 29u] = '\n';
    c->GenLen        = (CPU_INT32U)(hl + 30u);
}

static void gen_echo(HTTPc_SCRIPT_CONN *c, const RAW_FRAME *f)
{
    unsigned i;

    c->GenLen     = frame_hdr(c->Gen, f->B0, NULL, f->PayLen);
    c->EchoPayOff = f->Off + f->HdrLen;
    c->EchoPayLen = f->PayLen;
    c->EchoMasked = (CPU_BOOLEAN)(f->Masked != 0u);
    for (i = 0u; i < 4u; i++) {
        c->EchoKey[i] = f->Key[i];
    }
}

/* The connection's current step (its first at index >= c->Step), or NULL. */
static HTTPc_SCRIPT_STEP *step_cur(HTTPc_SCRIPT_CONN *c)
{
    HTTPc_SCRIPT *s = c->Script;
    CPU_INT32U    i;

    for (i = c->Step; i < s->StepN; i++) {
        if (s->Steps[i].Conn == c->Idx) {
            if (i != c->Step) {
                c->Step        = i;
                c->StepStarted = DEF_NO;
            }
            return &s->Steps[i];
        }
    }
    if (c->Step != s->StepN) {
        c->Step        = s->StepN;
        c->StepStarted = DEF_NO;
    }
    return NULL;
}

/*
 * Moves past finished data and satisfied waits. RX_BYTE: a byte is ready (rx_take);
 * RX_BLOCK: waiting, or the script ran out; RX_END: the stream ended with *p_code.
 */
static int rx_settle(HTTPc_SCRIPT_CONN *c, CPU_INT32S *p_code)
{
    HTTPc_SCRIPT *s = c->Script;

    for (;;) {
        HTTPc_SCRIPT_STEP *st = step_cur(c);
        int                next = 0;

        if (st == NULL) {
            return RX_BLOCK;
        }
        if (!c->StepStarted) {
            c->StepStarted = DEF_YES;
            c->StepT0      = s->Now;
            c->StepOff     = 0u;
            c->GenReady    = DEF_NO;
        }
        switch (st->Kind) {
        case K_DATA:
            next = (c->StepOff >= st->Len);
            break;
        case K_ACCEPT:
            if (!c->GenReady) {
                if (c->Parse.Requests < st->Len) {
                    return RX_BLOCK;
                }
                gen_accept(c, st->Len);
                c->EchoPayLen = 0u;
                c->GenReady   = DEF_YES;
            }
            next = (c->StepOff >= c->GenLen);
            break;
        case K_ECHO:
            if (!c->GenReady) {
                RAW_FRAME f;
                if (c->Parse.Frames <= st->Len || !frame_find(c, st->Len, &f)) {
                    return RX_BLOCK;
                }
                gen_echo(c, &f);
                c->GenReady = DEF_YES;
            }
            next = (c->StepOff >= c->GenLen + c->EchoPayLen);
            break;
        case K_WAIT_REQ:
            next = (c->Parse.Requests >= st->Len);
            break;
        case K_WAIT_FRAMES:
            next = (c->Parse.Frames >= st->Len);
            break;
        case K_WAIT_CLOSE:
            next = (c->Parse.ClientClose != DEF_NO);
            break;
        case K_WAIT_GATE:
            next = (c->Releases >= st->Len);
            break;
        case K_WAIT_MS:
            next = (s->Now - c->StepT0 >= st->Len);
            break;
        case K_END:
        default:
            *p_code = st->Code;
            return RX_END;
        }
        if (!next) {
            return (st->Kind == K_DATA || st->Kind == K_ACCEPT || st->Kind == K_ECHO) ?
                   RX_BYTE : RX_BLOCK;
        }
        c->Step++;
        c->StepStarted = DEF_NO;
    }
}

/* Takes the next byte of the current step (rx_settle said RX_BYTE). */
static CPU_INT08U rx_take(HTTPc_SCRIPT_CONN *c)
{
    const HTTPc_SCRIPT_STEP *st = &c->Script->Steps[c->Step];
    CPU_INT32U               i  = c->StepOff++;

    if (st->Kind == K_DATA) {
        return c->Script->Pool[st->Off + i];
    }
    if (i < c->GenLen) {
        return c->Gen[i];
    }
    i -= c->GenLen;
    return (CPU_INT08U)(c->Cap[c->EchoPayOff + i] ^ (c->EchoMasked ? c->EchoKey[i % 4u] : 0u));
}

/* When the current step is a timed wait: ms until it is due (0: due now). */
static int rx_due(HTTPc_SCRIPT_CONN *c, CPU_INT32U *p_ms)
{
    CPU_INT32S         code;
    HTTPc_SCRIPT_STEP *st;
    CPU_INT32U         el;

    if (!c->Open || !c->Connected || c->RxEnd != 0 || rx_settle(c, &code) != RX_BLOCK) {
        return 0;
    }
    st = step_cur(c);
    if (st == NULL || st->Kind != K_WAIT_MS) {
        return 0;
    }
    el    = c->Script->Now - c->StepT0;
    *p_ms = (el >= st->Len) ? 0u : st->Len - el;
    return 1;
}

/* The nearest timed wait of any open connection. */
static int script_due(HTTPc_SCRIPT *s, CPU_INT32U *p_ms)
{
    CPU_INT32U i;
    CPU_INT32U ms;
    int        any = 0;

    for (i = 0u; i < s->ConnN; i++) {
        if (rx_due(&s->Conns[i], &ms) && (!any || ms < *p_ms)) {
            *p_ms = ms;
            any   = 1;
        }
    }
    return any;
}

static int rx_ready(HTTPc_SCRIPT_CONN *c)
{
    CPU_INT32S code;
    int        fp;

    if (!c->Open || !c->Connected) {
        return 0;
    }
    if (c->RxEnd != 0) {
        return 1;
    }
    fp = fault_peek(c, HTTPc_SCRIPT_RX, c->RxLen);
    if (fp != FP_NONE) {
        return fp == FP_READY;
    }
    return rx_settle(c, &code) != RX_BLOCK;
}

static int tx_ready(HTTPc_SCRIPT_CONN *c)
{
    if (!c->Open) {
        return 0;
    }
    if (!c->Connected) {
        return c->ConnectResult != HTTPc_PORT_WOULD_BLOCK;
    }
    if (c->TxEnd != 0) {
        return 1;
    }
    return fault_peek(c, HTTPc_SCRIPT_TX, c->CapLen) != FP_STALL;
}

/* ------------------------------------------------------------------------------------------ */
/* The port callbacks                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* The connection behind `handle`, checked: open, and connected when `need_conn`. */
static HTTPc_SCRIPT_CONN *handle_get(HTTPc_SCRIPT *s, void *handle, const CPU_CHAR *who,
                                     int need_conn)
{
    CPU_INT32U i;

    for (i = 0u; i < s->ConnN; i++) {
        HTTPc_SCRIPT_CONN *c = &s->Conns[i];
        if (handle == (void *)c && c->Handles > 0u) {
            if (!c->Open) {
                err_rec(s, who, "called with a closed handle", NULL, 0, 0u);
                return NULL;
            }
            if (need_conn && !c->Connected) {
                err_rec(s, who, "called before the connect completed", NULL, 0, 0u);
                return NULL;
            }
            return c;
        }
    }
    err_rec(s, who, "called with an unknown handle", NULL, 0, 0u);
    return NULL;
}

static CPU_INT32S port_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port,
                               CPU_INT32U timeout_ms, const HTTPc_PORT_SECURE_CFG *p_secure,
                               CPU_INT16U inactivity_s, CPU_BOOLEAN keep_alive, void **p_handle)
{
    HTTPc_SCRIPT      *s = (HTTPc_SCRIPT *)p_ctx;
    HTTPc_SCRIPT_CONN *c = NULL;
    CPU_INT32U         i;

    (void)inactivity_s;
    (void)keep_alive;
    s->Progress++;
    if (p_host == NULL || p_handle == NULL) {
        err_rec(s, "Connect", "NULL host or handle pointer", NULL, 0, 0u);
        return HTTPc_PORT_ERR;
    }
    for (i = 0u; i < s->ConnN && c == NULL; i++) {
        if (!s->Conns[i].Used && !s->Conns[i].MatchAny && str_ieq(s->Conns[i].Match, p_host)) {
            c = &s->Conns[i];
        }
    }
    for (i = 0u; i < s->ConnN && c == NULL; i++) {
        if (!s->Conns[i].Used && s->Conns[i].MatchAny) {
            c = &s->Conns[i];
        }
    }
    if (c == NULL) {
        s->Unmatched++;
        err_rec(s, "Connect", "no connection script left for host", p_host, 0, 0u);
        return HTTPc_PORT_ERR;
    }
    c->Used = DEF_YES;
    c->Host[0] = '\0';
    str_cat(c->Host, sizeof c->Host, p_host);
    c->Port              = port;
    c->Secure            = (CPU_BOOLEAN)(p_secure != NULL);
    c->ConnectTimeout_ms = timeout_ms;
    if (c->ConnectPollsWb == 0u && c->ConnectResult == HTTPc_PORT_ERR) {
        return HTTPc_PORT_ERR;                          /* Refused: no handle.                 */
    }
    c->Handles++;
    c->Open   = DEF_YES;
    *p_handle = (void *)c;
    if (c->ConnectPollsWb == 0u && c->ConnectResult == HTTPc_PORT_OK) {
        c->Connected = DEF_YES;
        return HTTPc_PORT_OK;
    }
    c->ConnectPollsLeft = c->ConnectPollsWb;
    return HTTPc_PORT_WOULD_BLOCK;
}

static CPU_INT32S port_connect_poll(void *p_ctx, void *handle)
{
    HTTPc_SCRIPT      *s = (HTTPc_SCRIPT *)p_ctx;
    HTTPc_SCRIPT_CONN *c = handle_get(s, handle, "ConnectPoll", 0);

    if (c == NULL) {
        return HTTPc_PORT_ERR;
    }
    c->ConnectPollCalls++;
    if (c->Connected) {
        return HTTPc_PORT_OK;
    }
    if (c->ConnectResult == HTTPc_PORT_WOULD_BLOCK) {
        return HTTPc_PORT_WOULD_BLOCK;                  /* Never: no progress.                */
    }
    s->Progress++;
    if (c->ConnectPollsLeft > 1u) {
        c->ConnectPollsLeft--;
        return HTTPc_PORT_WOULD_BLOCK;
    }
    c->ConnectPollsLeft = 0u;
    if (c->ConnectResult == HTTPc_PORT_OK) {
        c->Connected = DEF_YES;
        return HTTPc_PORT_OK;
    }
    return HTTPc_PORT_ERR;
}

static CPU_INT32S port_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    HTTPc_SCRIPT      *s = (HTTPc_SCRIPT *)p_ctx;
    HTTPc_SCRIPT_CONN *c = handle_get(s, handle, "Send", 1);
    CPU_INT32U         want;
    CPU_INT32U         n = 0u;
    CPU_INT32S         res;
    CPU_INT32S         code;
    RAW_FRAME          f;
    int                fa;

    if (c == NULL) {
        return HTTPc_PORT_ERR;
    }
    c->SendCalls++;
    if (len == 0u || p_data == NULL) {
        err_rec(s, "Send", "called with no data (len 0 or NULL)", NULL, 0, 0u);
        return HTTPc_PORT_WOULD_BLOCK;
    }
    if (c->TxEnd != 0) {
        return c->TxEnd;
    }
    want = (c->TxChunk != 0u && len > c->TxChunk) ? c->TxChunk : len;
    while (n < want) {
        fa = fault_at(c, HTTPc_SCRIPT_TX, c->CapLen, n == 0u, &res);
        if (fa == FA_STOP) {
            break;
        }
        if (fa == FA_RESULT) {
            if (res != HTTPc_PORT_WOULD_BLOCK) {
                c->TxEnd = res;
                s->Progress++;
            }
            return res;
        }
        if (c->CapLen >= c->CapMax) {
            if (n > 0u) {
                break;
            }
            err_rec(s, "Send", "capture full (raise ConnAdd's cap_len); bytes captured:", NULL, 1,
                    c->CapLen);
            c->TxEnd = HTTPc_PORT_ERR;
            return HTTPc_PORT_ERR;
        }
        c->Cap[c->CapLen++] = p_data[n++];
        if (!c->TxHsKnown) {
            c->TxCrlf = crlf_next(c->TxCrlf, c->Cap[c->CapLen - 1u]);
            if (c->TxCrlf == 4u) {
                c->TxHsKnown = DEF_YES;
                c->TxHsEnd   = c->CapLen;
            }
        }
    }
    while (parse_next(c->Cap, c->CapLen, &c->Parse, &f, NULL) != U_NONE) {
        /* Count request heads and frames, note the client's Close. */
    }
    (void)rx_settle(c, &code);                      /* Start waits that are now satisfied.     */
    if (n == 0u) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    s->Progress++;
    return (CPU_INT32S)n;
}

static CPU_INT32S port_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    HTTPc_SCRIPT      *s = (HTTPc_SCRIPT *)p_ctx;
    HTTPc_SCRIPT_CONN *c = handle_get(s, handle, "Recv", 1);
    CPU_INT32U         want;
    CPU_INT32U         got = 0u;
    CPU_INT32S         res;
    CPU_INT32S         code;
    int                fa;
    int                k;

    if (c == NULL) {
        return HTTPc_PORT_ERR;
    }
    c->RecvCalls++;
    if (len == 0u || p_buf == NULL) {
        err_rec(s, "Recv", "called with no room (len 0 or NULL)", NULL, 0, 0u);
        return HTTPc_PORT_WOULD_BLOCK;
    }
    if (c->RxEnd != 0) {
        return c->RxEnd;
    }
    want = (c->RxChunk != 0u && len > c->RxChunk) ? c->RxChunk : len;
    while (got < want) {
        fa = fault_at(c, HTTPc_SCRIPT_RX, c->RxLen, got == 0u, &res);
        if (fa == FA_STOP) {
            break;
        }
        if (fa == FA_RESULT) {
            if (res != HTTPc_PORT_WOULD_BLOCK) {
                c->RxEnd = res;
                s->Progress++;
            }
            return res;
        }
        k = rx_settle(c, &code);
        if (k == RX_BLOCK) {
            break;
        }
        if (k == RX_END) {
            if (got > 0u) {
                break;
            }
            c->RxEnd = code;
            s->Progress++;
            return code;
        }
        p_buf[got++] = rx_take(c);
        c->RxLen++;
        if (!c->RxHsKnown) {
            c->RxCrlf = crlf_next(c->RxCrlf, p_buf[got - 1u]);
            if (c->RxCrlf == 4u) {
                c->RxHsKnown = DEF_YES;
                c->RxHsEnd   = c->RxLen;
            }
        }
    }
    (void)rx_settle(c, &code);                      /* The next step starts now.               */
    if (got == 0u) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    s->Progress++;
    return (CPU_INT32S)got;
}

static void port_close(void *p_ctx, void *handle)
{
    HTTPc_SCRIPT      *s = (HTTPc_SCRIPT *)p_ctx;
    HTTPc_SCRIPT_CONN *c = handle_get(s, handle, "Close", 0);

    s->Progress++;
    if (c != NULL) {
        c->Closes++;
        c->Open = DEF_NO;
    }
}

/* xorshift32: deterministic, NOT cryptographic (a test double's masks and keys). */
static CPU_BOOLEAN port_random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    HTTPc_SCRIPT *s = (HTTPc_SCRIPT *)p_ctx;
    CPU_INT32U    i;
    CPU_INT32U    x = s->Rng;

    if (p_buf == NULL && len > 0u) {
        return DEF_FAIL;
    }
    for (i = 0u; i < len; i++) {
        if (i % 4u == 0u) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
        }
        p_buf[i] = (CPU_INT08U)(x >> (8u * (i % 4u)));
    }
    s->Rng = x;
    return DEF_OK;
}

static CPU_INT32U port_time(void *p_ctx)
{
    return ((const HTTPc_SCRIPT *)p_ctx)->Now;
}

/* Blocking calls sleep here: return at once when a socket is ready, else let fake time pass
 * (the timeout, or less when a WaitMs step falls due first). */
static void port_wait(void *p_ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr,
                      CPU_INT32U timeout_ms)
{
    HTTPc_SCRIPT *s = (HTTPc_SCRIPT *)p_ctx;
    CPU_INT32U    step;
    CPU_INT32U    due;
    CPU_INT16U    i;
    CPU_INT32U    k;

    for (i = 0u; i < nbr && p_entries != NULL; i++) {
        for (k = 0u; k < s->ConnN; k++) {
            HTTPc_SCRIPT_CONN *c = &s->Conns[k];
            if (p_entries[i].Handle != (void *)c) {
                continue;
            }
            if (((p_entries[i].Want & HTTPc_PORT_WAIT_RD) != 0u && rx_ready(c)) ||
                ((p_entries[i].Want & HTTPc_PORT_WAIT_WR) != 0u && tx_ready(c))) {
                return;
            }
        }
    }
    step = (timeout_ms == HTTPc_PORT_WAIT_FOREVER) ? WAIT_IDLE_MS : timeout_ms;
    if (script_due(s, &due) && due < step) {
        step = due;
    }
    s->Now += (step == 0u) ? 1u : step;
}

void HTTPc_PortScript_PortGet(HTTPc_SCRIPT *p_s, HTTPc_PORT *p_port)
{
    if (p_port == NULL) {
        return;
    }
    memset(p_port, 0, sizeof *p_port);
    p_port->Ctx         = p_s;
    p_port->Connect     = port_connect;
    p_port->ConnectPoll = port_connect_poll;
    p_port->Send        = port_send;
    p_port->Recv        = port_recv;
    p_port->Close       = port_close;
    p_port->Random      = port_random;
    p_port->TimeGet_ms  = port_time;
    p_port->Wait        = port_wait;
}

/* ------------------------------------------------------------------------------------------ */
/* Time and driving                                                                           */
/* ------------------------------------------------------------------------------------------ */

CPU_INT32U HTTPc_PortScript_Now(const HTTPc_SCRIPT *p_s)
{
    return (p_s != NULL) ? p_s->Now : 0u;
}

void HTTPc_PortScript_Advance(HTTPc_SCRIPT *p_s, CPU_INT32U ms)
{
    if (p_s != NULL) {
        p_s->Now += ms;
    }
}

void HTTPc_PortScript_Pump(HTTPc_SCRIPT *p_s, CPU_INT32U passes)
{
    CPU_INT32U i;

    (void)p_s;
    for (i = 0u; i < passes; i++) {
        (void)HTTPc_TaskHandler();
    }
}

CPU_INT32U HTTPc_PortScript_Run(HTTPc_SCRIPT *p_s, CPU_INT32U ms)
{
    CPU_INT32U left   = ms;
    CPU_INT32U passes = 0u;
    CPU_INT32U spin   = 0u;
    CPU_INT32U sleep;
    CPU_INT32U before;
    CPU_INT32U step;
    CPU_INT32U due;

    if (p_s == NULL) {
        return 0u;
    }
    for (;;) {
        before = p_s->Progress;
        sleep  = HTTPc_TaskHandler();
        passes++;
        if (p_s->Progress != before && spin < RUN_SPIN_MAX) {
            spin++;
            continue;                                   /* Something moved: again, same time. */
        }
        spin = 0u;
        if (left == 0u) {
            return passes;
        }
        step = (sleep == 0u) ? 1u : sleep;
        if (script_due(p_s, &due) && due < step) {
            step = (due == 0u) ? 1u : due;
        }
        if (step > left) {
            step = left;
        }
        p_s->Now += step;
        left     -= step;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* What happened                                                                              */
/* ------------------------------------------------------------------------------------------ */

const CPU_CHAR *HTTPc_PortScript_ErrGet(const HTTPc_SCRIPT *p_s)
{
    return (p_s != NULL && p_s->ErrN > 0u) ? p_s->Err : NULL;
}

CPU_INT32U HTTPc_PortScript_ErrCount(const HTTPc_SCRIPT *p_s)
{
    return (p_s != NULL) ? p_s->ErrN : 0u;
}

CPU_BOOLEAN HTTPc_PortScript_AllClosed(const HTTPc_SCRIPT *p_s)
{
    CPU_INT32U i;

    if (p_s == NULL || p_s->Unmatched > 0u) {
        return DEF_NO;
    }
    for (i = 0u; i < p_s->ConnN; i++) {
        if (p_s->Conns[i].Handles != p_s->Conns[i].Closes) {
            return DEF_NO;
        }
    }
    return DEF_YES;
}

CPU_BOOLEAN HTTPc_PortScript_Info(HTTPc_SCRIPT_CONN *p_c, HTTPc_SCRIPT_CONN_INFO *p_info)
{
    CPU_INT32S code = 0;
    int        k;

    if (p_c == NULL || p_info == NULL) {
        return DEF_FAIL;
    }
    memset(p_info, 0, sizeof *p_info);
    p_info->Used              = p_c->Used;
    p_info->Host              = p_c->Host;
    p_info->Port              = p_c->Port;
    p_info->Secure            = p_c->Secure;
    p_info->ConnectTimeout_ms = p_c->ConnectTimeout_ms;
    p_info->Handles           = p_c->Handles;
    p_info->ConnectPolls      = p_c->ConnectPollCalls;
    p_info->Closes            = p_c->Closes;
    p_info->IsOpen            = p_c->Open;
    p_info->SendCalls         = p_c->SendCalls;
    p_info->RecvCalls         = p_c->RecvCalls;
    p_info->TxLen             = p_c->CapLen;
    p_info->RxLen             = p_c->RxLen;
    p_info->Requests          = p_c->Parse.Requests;
    p_info->Frames            = p_c->Parse.Frames;
    p_info->ClientClosed      = p_c->Parse.ClientClose;
    k = rx_settle(p_c, &code);
    p_info->ScriptDone = (CPU_BOOLEAN)((k == RX_BLOCK && step_cur(p_c) == NULL) ||
                                       (k == RX_END && p_c->RxEnd != 0));
    return DEF_OK;
}

const CPU_INT08U *HTTPc_PortScript_Sent(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U *p_len)
{
    if (p_len != NULL) {
        *p_len = (p_c != NULL) ? p_c->CapLen : 0u;
    }
    return (p_c != NULL) ? p_c->Cap : NULL;
}

const CPU_CHAR *HTTPc_PortScript_Request(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U idx,
                                         CPU_INT32U *p_len)
{
    HTTPc_SCRIPT_PARSE ps;
    RAW_FRAME          f;
    CPU_INT32U         head = 0u;
    int                u;

    if (p_len != NULL) {
        *p_len = 0u;
    }
    if (p_c == NULL) {
        return NULL;
    }
    parse_init(&ps);
    while ((u = parse_next(p_c->Cap, p_c->CapLen, &ps, &f, &head)) != U_NONE) {
        if (u == U_REQ && ps.Requests == idx + 1u) {
            if (p_len != NULL) {
                *p_len = ps.Off - head;
            }
            return (const CPU_CHAR *)&p_c->Cap[head];
        }
    }
    return NULL;
}

CPU_INT32U HTTPc_PortScript_RequestHeader(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U idx,
                                          const CPU_CHAR *p_name, CPU_CHAR *p_val,
                                          CPU_INT32U val_len)
{
    const CPU_CHAR *r;
    CPU_INT32U      len;
    CPU_INT32U      pos = 0u;
    CPU_INT32U      cnt = 0u;
    size_t          nl;

    if (p_val != NULL && val_len > 0u) {
        p_val[0] = '\0';
    }
    r = HTTPc_PortScript_Request(p_c, idx, &len);
    if (r == NULL || p_name == NULL) {
        return 0u;
    }
    nl = strlen(p_name);
    while (pos + 1u < len && !(r[pos] == '\r' && r[pos + 1u] == '\n')) {
        pos++;                                          /* Skip the request line.              */
    }
    pos += 2u;
    while (pos + 2u < len) {
        CPU_INT32U eol = pos;
        CPU_INT32U i;
        int        same = 1;

        while (eol + 1u < len && !(r[eol] == '\r' && r[eol + 1u] == '\n')) {
            eol++;
        }
        if (eol - pos > nl && r[pos + nl] == ':') {
            for (i = 0u; i < nl && same; i++) {
                same = (lower(r[pos + i]) == lower(p_name[i]));
            }
            if (same) {
                if (cnt == 0u && p_val != NULL && val_len > 0u) {
                    CPU_INT32U v = pos + (CPU_INT32U)nl + 1u;
                    CPU_INT32U e = eol;
                    CPU_INT32U k;
                    while (v < e && (r[v] == ' ' || r[v] == '\t')) {
                        v++;
                    }
                    while (e > v && (r[e - 1u] == ' ' || r[e - 1u] == '\t')) {
                        e--;
                    }
                    k = e - v;
                    if (k >= val_len) {
                        k = val_len - 1u;
                    }
                    memcpy(p_val, &r[v], k);
                    p_val[k] = '\0';
                }
                cnt++;
            }
        }
        pos = eol + 2u;
    }
    return cnt;
}

CPU_INT32U HTTPc_PortScript_ClientFrameCount(const HTTPc_SCRIPT_CONN *p_c)
{
    return (p_c != NULL) ? p_c->Parse.Frames : 0u;
}

CPU_BOOLEAN HTTPc_PortScript_ClientFrame(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U idx,
                                         HTTPc_SCRIPT_FRAME *p_frame, void *p_buf,
                                         CPU_INT32U buf_len)
{
    RAW_FRAME   f;
    CPU_INT32U  n;
    CPU_INT32U  i;
    CPU_INT08U *out = (CPU_INT08U *)p_buf;
    const CPU_INT08U *pay;

    if (p_c == NULL || p_frame == NULL || !frame_find(p_c, idx, &f)) {
        return DEF_FAIL;
    }
    memset(p_frame, 0, sizeof *p_frame);
    p_frame->Opcode     = (CPU_INT08U)(f.B0 & 0x0Fu);
    p_frame->Fin        = (CPU_BOOLEAN)((f.B0 & 0x80u) != 0u);
    p_frame->Rsv        = (CPU_INT08U)((f.B0 >> 4) & 7u);
    p_frame->Masked     = (CPU_BOOLEAN)(f.Masked != 0u);
    p_frame->PayloadLen = f.PayLen;
    for (i = 0u; i < 4u; i++) {
        p_frame->MaskKey[i] = f.Key[i];
    }
    pay = &p_c->Cap[f.Off + f.HdrLen];
    if (p_frame->Opcode == HTTPc_SCRIPT_OP_CLOSE) {
        if (f.PayLen >= 2u) {
            p_frame->CloseCode = (CPU_INT16U)(((CPU_INT32U)(pay[0] ^ f.Key[0]) << 8) |
                                              (CPU_INT32U)(pay[1] ^ f.Key[1]));
        } else {
            p_frame->CloseCode = 1005u;
        }
    }
    n = (out == NULL) ? 0u : ((f.PayLen < buf_len) ? f.PayLen : buf_len);
    for (i = 0u; i < n; i++) {
        out[i] = (CPU_INT08U)(pay[i] ^ f.Key[i % 4u]);
    }
    p_frame->CopiedLen = n;
    return DEF_OK;
}
