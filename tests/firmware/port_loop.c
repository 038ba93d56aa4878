/*
 * port_loop.c: the loopback port (see port_loop.h). Its server answers the upgrade with the
 * accept value of the key the library sends when every random byte is 0x5A (this port's Random:
 * deterministic on purpose, for measurements only; a product port reads a hardware RNG), then
 * unmasks every client frame and sends it back unmasked, a Close included.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "port_loop.h"

#include "board.h"
#include "fwlib.h"

#define LOOP_BUF 2200u /* one frame of up to 2 KB each way, with its header */

/* base64(16 x 0x5A) and its Sec-WebSocket-Accept (RFC 6455 section 4.2.2). */
static const char Key[] = "Sec-WebSocket-Key: WlpaWlpaWlpaWlpaWlpaWg==";
static const char Resp101[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: 1nwQI3IBoftOh+fG2YorpTWcrHs=\r\n\r\n";

static struct {
    uint8_t in[LOOP_BUF]; /* client bytes not parsed yet */
    uint32_t in_len;
    uint8_t out[LOOP_BUF]; /* server bytes the client has not received yet */
    uint32_t out_pos;
    uint32_t out_len;
    int upgraded;
    uint32_t echoed;
    uint32_t errors;
} L;

static int contains(const uint8_t *p, uint32_t n, const char *s)
{
    uint32_t m = fw_strlen(s);
    uint32_t i;
    for (i = 0; i + m <= n; i++) {
        if (fw_strncmp((const char *)p + i, s, m) == 0) {
            return 1;
        }
    }
    return 0;
}

static void out_put(const void *p, uint32_t n)
{
    if (L.out_len + n > sizeof L.out) {
        L.errors++;
        return;
    }
    fw_copy(L.out + L.out_len, p, n);
    L.out_len += n;
}

/* Consumes what is complete in `in`: the request head, then whole frames. */
static void serve(void)
{
    for (;;) {
        uint32_t used = 0;
        if (!L.upgraded) {
            uint32_t i;
            for (i = 0; i + 4u <= L.in_len; i++) {
                if (fw_strncmp((const char *)L.in + i, "\r\n\r\n", 4) == 0) {
                    used = i + 4u;
                    break;
                }
            }
            if (used == 0u) {
                return;
            }
            if (!contains(L.in, used, Key)) {
                L.errors++;
            }
            out_put(Resp101, sizeof Resp101 - 1u);
            L.upgraded = 1;
        } else {
            uint32_t hl = 2u;
            uint32_t len;
            uint8_t hdr[4];
            uint32_t k;
            if (L.in_len < 2u) {
                return;
            }
            len = L.in[1] & 0x7Fu;
            if (len == 126u) {
                hl = 4u;
                if (L.in_len < hl) {
                    return;
                }
                len = ((uint32_t)L.in[2] << 8) | L.in[3];
            } else if (len == 127u) {
                L.errors++; /* larger than this server's buffers */
                L.in_len = 0;
                return;
            }
            if ((L.in[1] & 0x80u) == 0u) {
                L.errors++; /* client frames must be masked */
            }
            if (L.in_len < hl + 4u + len) {
                return;
            }
            used = hl + 4u + len;
            hdr[0] = L.in[0];
            if (len < 126u) {
                hdr[1] = (uint8_t)len;
                out_put(hdr, 2u);
            } else {
                hdr[1] = 126u;
                hdr[2] = (uint8_t)(len >> 8);
                hdr[3] = (uint8_t)len;
                out_put(hdr, 4u);
            }
            for (k = 0; k < len; k++) {
                L.in[hl + 4u + k] ^= L.in[hl + (k & 3u)];
            }
            out_put(L.in + hl + 4u, len);
            L.echoed++;
        }
        fw_copy(L.in, L.in + used, L.in_len - used);
        L.in_len -= used;
    }
}

static CPU_INT32S loop_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port, CPU_INT32U timeout_ms,
                               const struct HTTPc_PORT_SECURE_CFG *p_secure, CPU_INT16U inactivity_s,
                               CPU_BOOLEAN keep_alive, void **p_handle)
{
    (void)p_ctx;
    (void)p_host;
    (void)port;
    (void)timeout_ms;
    (void)p_secure;
    (void)inactivity_s;
    (void)keep_alive;
    fw_fill(&L, 0, sizeof L);
    *p_handle = &L;
    return HTTPc_PORT_OK;
}

static CPU_INT32S loop_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    uint32_t n = sizeof L.in - L.in_len;
    (void)p_ctx;
    (void)handle;
    if (n == 0u || L.out_len - L.out_pos > 0u) {
        /* The echo waits to be received: back-pressure, as a real peer would apply. */
        return HTTPc_PORT_WOULD_BLOCK;
    }
    n = len < n ? len : n;
    fw_copy(L.in + L.in_len, p_data, n);
    L.in_len += n;
    L.out_pos = 0;
    L.out_len = 0;
    serve();
    return (CPU_INT32S)n;
}

static CPU_INT32S loop_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    uint32_t n = L.out_len - L.out_pos;
    (void)p_ctx;
    (void)handle;
    if (n == 0u) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    n = len < n ? len : n;
    fw_copy(p_buf, L.out + L.out_pos, n);
    L.out_pos += n;
    return (CPU_INT32S)n;
}

static void loop_close(void *p_ctx, void *handle)
{
    (void)p_ctx;
    (void)handle;
}

static CPU_BOOLEAN loop_random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    (void)p_ctx;
    fw_fill(p_buf, 0x5Au, len);
    return DEF_OK;
}

static CPU_INT32U loop_time_ms(void *p_ctx)
{
    (void)p_ctx;
    return board_ms();
}

/* Always ready: the server answers inside Send. */
static void loop_wait(void *p_ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr_entries,
                      CPU_INT32U timeout_ms)
{
    (void)p_ctx;
    (void)p_entries;
    (void)nbr_entries;
    (void)timeout_ms;
}

void port_loop_get(HTTPc_PORT *p_port)
{
    fw_fill(p_port, 0, sizeof *p_port);
    p_port->Connect = loop_connect;
    p_port->Send = loop_send;
    p_port->Recv = loop_recv;
    p_port->Close = loop_close;
    p_port->Random = loop_random;
    p_port->TimeGet_ms = loop_time_ms;
    p_port->Wait = loop_wait;
}

uint32_t port_loop_echoed(void)
{
    return L.echoed;
}

uint32_t port_loop_errors(void)
{
    return L.errors;
}
