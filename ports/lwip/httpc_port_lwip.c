/*
 * httpc_port_lwip.c: see httpc_port_lwip.h.
 *
 * One slot per connection: the pcb, what lwIP told us (resolved, connected, peer closed, error),
 * and the received pbufs not yet read. lwIP calls back from inside the application's Poll
 * (NO_SYS), so the slots need no lock.
 *
 * Host names: an IPv4/IPv6 literal connects at once; anything else goes through
 * dns_gethostbyname() when lwIP has LWIP_DNS (answered at once from its cache or local host list,
 * or later through on_dns_found, the slot waiting in SLOT_RESOLVING). A DNS answer cannot be
 * cancelled, so the callback's argument carries the slot's generation: an answer for a connection
 * the library has closed meanwhile (connect timeout) finds a newer generation and is dropped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "httpc_port_lwip.h"

#include <stdint.h>

#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"

/* The raw API without locks: only lwIP's single-context mode makes that safe. With an OS
 * (NO_SYS 0) lwIP's own thread would run beside these calls (README.md). */
#if !NO_SYS
#error "httpc_port_lwip.c needs lwIP with NO_SYS 1 (it calls the raw API without LOCK_TCPIP_CORE)"
#endif

typedef enum {
    SLOT_FREE = 0,
    SLOT_RESOLVING, /* waiting for lwIP's DNS */
    SLOT_CONNECTING,
    SLOT_CONNECTED,
    SLOT_FAILED /* lwIP reported an error: the pcb is gone */
} SLOT_STATE;

typedef struct {
    SLOT_STATE state;
    struct tcp_pcb *pcb;
    struct pbuf *rx; /* received, not yet read */
    int peer_closed; /* FIN received */
    err_t err;       /* what on_err reported (SLOT_FAILED) */
    u8_t tx_full;    /* Send found no room with data in flight: not writable until an ACK */
    u8_t tx_backoff; /* ERR_MEM with nothing in flight: not writable until tx_retry_at */
    u32_t tx_retry_at;
    u8_t gen;        /* generation: bumped by every Connect (see on_dns_found) */
    u16_t remote_port;
    CPU_BOOLEAN keep_alive;
    CPU_INT16U inactivity_s;
} SLOT;

/* The DNS answer's tag holds a slot index in 8 bits (on_dns_found). */
#if HTTPC_PORT_LWIP_MAX_CONN > 256
#error "HTTPC_PORT_LWIP_MAX_CONN: at most 256"
#endif

/* How long a Send that found lwIP's heap taken by other connections (ERR_MEM, nothing of this
 * one in flight, so no ACK will announce room) waits before it is tried again. */
#define TX_RETRY_MS 2u

static SLOT Slots[HTTPC_PORT_LWIP_MAX_CONN];

static void slot_drop_rx(SLOT *s)
{
    if (s->rx != NULL) {
        pbuf_free(s->rx);
        s->rx = NULL;
    }
}

static void slot_detach(SLOT *s)
{
    tcp_arg(s->pcb, NULL);
    tcp_recv(s->pcb, NULL);
    tcp_sent(s->pcb, NULL);
    tcp_err(s->pcb, NULL);
    s->pcb = NULL;
}

/* ------------------------------------- lwIP callbacks ------------------------------------ */

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    SLOT *s = (SLOT *)arg;
    (void)pcb;
    if (s != NULL && err == ERR_OK) {
        s->state = SLOT_CONNECTED;
    }
    return ERR_OK;
}

/* Queue the data; the window reopens in port_recv() as the library reads it. */
static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    SLOT *s = (SLOT *)arg;
    (void)pcb;
    if (s == NULL) {
        if (p != NULL) {
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        s->peer_closed = 1;
        return ERR_OK;
    }
    if (err != ERR_OK) {
        pbuf_free(p);
        return ERR_OK;
    }
    if (p->tot_len <= HTTPC_PORT_LWIP_SMALL_SEG) {
        /* A peer that sends tiny segments would otherwise hold one pool buffer (a full frame's
         * worth) per segment until the library reads it, and starve the driver of buffers. */
        struct pbuf *q = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
        if (q != NULL) {
            pbuf_free(p);
            p = q;
        }
    }
    if (s->rx == NULL) {
        s->rx = p;
    } else {
        pbuf_cat(s->rx, p); /* tot_len stays below TCP_WND: nothing unread is acknowledged */
    }
    return ERR_OK;
}

/* The pcb was freed by lwIP (RST, or out of retries). */
static void on_err(void *arg, err_t err)
{
    SLOT *s = (SLOT *)arg;
    if (s != NULL) {
        s->pcb = NULL;
        s->state = SLOT_FAILED;
        s->err = err;
    }
}

/* Data was acknowledged: segments and heap came free, Send may find room again. */
static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    SLOT *s = (SLOT *)arg;
    (void)pcb, (void)len;
    if (s != NULL) {
        s->tx_full = 0u;
    }
    return ERR_OK;
}

/* Send found no room. With segments of this connection queued or unacknowledged an ACK will
 * come and clear tx_full. Without any (lwIP's heap taken by other connections) no ACK will:
 * the engine retries after TX_RETRY_MS rather than wait for one, or spin. */
static void slot_tx_blocked(SLOT *s)
{
    s->tx_full = (u8_t)(tcp_sndqueuelen(s->pcb) > 0u);
    if (s->tx_full == 0u) {
        s->tx_backoff = 1u;
        s->tx_retry_at = sys_now() + TX_RETRY_MS;
    }
}

/* A failed slot's I/O result: the peer's reset (or a close lwIP reported as an error) is the
 * end of the stream, as the other ports report it; anything else (out of retries, aborted) is
 * an error. */
static CPU_INT32S slot_failed(const SLOT *s)
{
    return (s->err == ERR_RST || s->err == ERR_CLSD) ? HTTPc_PORT_CLOSED : HTTPc_PORT_ERR;
}

/* --------------------------------------- the port ---------------------------------------- */

/* Creates the pcb and starts connecting to addr; the slot is then SLOT_CONNECTING. On failure
 * (no pcb, tcp_connect refused) nothing is left behind and the result is HTTPc_PORT_ERR. */
static CPU_INT32S slot_connect(SLOT *s, const ip_addr_t *addr)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IP_GET_TYPE(addr));

    if (pcb == NULL) {
        return HTTPc_PORT_ERR;
    }
    s->state = SLOT_CONNECTING;
    s->pcb = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_nagle_disable(pcb);
    /* (SOF_KEEPALIVE and keep_idle need no LWIP_TCP_KEEPALIVE: that option only adds the
     * probe interval and count, lwIP's defaults otherwise.) */
    if (s->keep_alive == DEF_YES) {
        ip_set_option(pcb, SOF_KEEPALIVE);
        if (s->inactivity_s > 0u) {
            pcb->keep_idle = (u32_t)s->inactivity_s * 1000u;
        }
    }
    if (tcp_connect(pcb, addr, s->remote_port, on_connected) != ERR_OK) {
        slot_detach(s);
        tcp_abort(pcb);
        return HTTPc_PORT_ERR;
    }
    return HTTPc_PORT_WOULD_BLOCK;
}

#if LWIP_DNS
/* The DNS answer (ipaddr NULL: not found). arg is the slot's index and generation. */
static void on_dns_found(const char *name, const ip_addr_t *ipaddr, void *arg)
{
    uintptr_t tag = (uintptr_t)arg;
    uintptr_t i = tag & 0xFFu;
    SLOT *s;

    (void)name;
    if (i >= HTTPC_PORT_LWIP_MAX_CONN) {
        return;
    }
    s = &Slots[i];
    if (s->state != SLOT_RESOLVING || s->gen != (u8_t)(tag >> 8)) {
        return; /* closed (and maybe reused) while the query was out */
    }
    if (ipaddr == NULL || slot_connect(s, ipaddr) != HTTPc_PORT_WOULD_BLOCK) {
        s->state = SLOT_FAILED;
    }
}
#endif

static CPU_INT32S port_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port, CPU_INT32U timeout_ms,
                               const HTTPc_PORT_SECURE_CFG *p_secure, CPU_INT16U inactivity_s,
                               CPU_BOOLEAN keep_alive, void **p_handle)
{
    ip_addr_t addr;
    SLOT *s = NULL;
    CPU_INT32S rc;
    unsigned i;
    char bare[48]; /* an IPv6 address given in brackets, without them */

    (void)p_ctx;
    (void)timeout_ms; /* enforced by the library, which then calls Close */
    if (p_host[0] == '[') {
        for (i = 0; p_host[1 + i] != ']'; i++) {
            if (p_host[1 + i] == '\0' || i + 1u >= sizeof bare) {
                return HTTPc_PORT_ERR;
            }
            bare[i] = (char)p_host[1 + i];
        }
        bare[i] = '\0';
        p_host = (const CPU_CHAR *)bare;
    }
    if (p_secure != NULL) {
        return HTTPc_PORT_ERR; /* no TLS in this port */
    }
    for (i = 0; i < HTTPC_PORT_LWIP_MAX_CONN; i++) {
        if (Slots[i].state == SLOT_FREE) {
            s = &Slots[i];
            break;
        }
    }
    if (s == NULL) {
        return HTTPc_PORT_ERR;
    }
    s->gen++;
    s->pcb = NULL;
    s->rx = NULL;
    s->peer_closed = 0;
    s->err = ERR_OK;
    s->tx_full = 0u;
    s->tx_backoff = 0u;
    s->remote_port = port;
    s->keep_alive = keep_alive;
    s->inactivity_s = inactivity_s;
    if (ipaddr_aton((const char *)p_host, &addr)) {
        rc = slot_connect(s, &addr); /* a literal: no DNS */
    } else {
#if LWIP_DNS
        err_t err;
        s->state = SLOT_RESOLVING;
        err = dns_gethostbyname((const char *)p_host, &addr, on_dns_found,
                                (void *)(((uintptr_t)s->gen << 8) | (uintptr_t)i));
        if (err == ERR_OK) {
            rc = slot_connect(s, &addr); /* cached, or lwIP's local host list */
        } else if (err == ERR_INPROGRESS) {
            rc = HTTPc_PORT_WOULD_BLOCK; /* on_dns_found connects; ConnectPoll waits */
        } else {
            rc = HTTPc_PORT_ERR; /* no DNS server, name too long, ... */
        }
#else
        rc = HTTPc_PORT_ERR; /* lwIP built without LWIP_DNS: literals only */
#endif
    }
    if (rc == HTTPc_PORT_ERR) {
        s->state = SLOT_FREE;
        return HTTPc_PORT_ERR;
    }
    *p_handle = s;
    return HTTPc_PORT_WOULD_BLOCK;
}

static CPU_INT32S port_connect_poll(void *p_ctx, void *handle)
{
    SLOT *s = (SLOT *)handle;
    (void)p_ctx;
    switch (s->state) {
    case SLOT_CONNECTED: return HTTPc_PORT_OK;
    case SLOT_RESOLVING:
    case SLOT_CONNECTING: return HTTPc_PORT_WOULD_BLOCK;
    default: return HTTPc_PORT_ERR;
    }
}

static CPU_INT32S port_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    SLOT *s = (SLOT *)handle;
    u32_t room;
    err_t err;

    (void)p_ctx;
    if (s->state != SLOT_CONNECTED) {
        return s->state == SLOT_FAILED ? slot_failed(s) : HTTPc_PORT_ERR;
    }
    room = tcp_sndbuf(s->pcb);
    if (tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN - 1u) {
        room = 0; /* out of segments: wait for ACKs */
    }
    if (len < room) {
        room = len;
    }
    if (room == 0u) {
        slot_tx_blocked(s);
        (void)tcp_output(s->pcb);
        return HTTPc_PORT_WOULD_BLOCK;
    }
    err = tcp_write(s->pcb, p_data, (u16_t)room, TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM) {
        slot_tx_blocked(s);
        (void)tcp_output(s->pcb);
        return HTTPc_PORT_WOULD_BLOCK; /* lwIP's heap is busy with unacknowledged data */
    }
    if (err != ERR_OK) {
        return HTTPc_PORT_ERR;
    }
    s->tx_backoff = 0u;
    (void)tcp_output(s->pcb);
    return (CPU_INT32S)room;
}

static CPU_INT32S port_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    SLOT *s = (SLOT *)handle;
    u16_t n;

    (void)p_ctx;
    if (s->rx == NULL) {
        if (s->state == SLOT_FAILED) {
            return slot_failed(s);
        }
        if (s->peer_closed) {
            return HTTPc_PORT_CLOSED;
        }
        return s->state == SLOT_CONNECTED ? HTTPc_PORT_WOULD_BLOCK : HTTPc_PORT_ERR;
    }
    if (len > 0xFFFFu) {
        len = 0xFFFFu;
    }
    n = pbuf_copy_partial(s->rx, p_buf, (u16_t)len, 0);
    s->rx = pbuf_free_header(s->rx, n); /* frees the pbufs read to the end */
    if (s->pcb != NULL && n > 0u) {
        tcp_recved(s->pcb, n);
    }
    return (CPU_INT32S)n;
}

static void port_close(void *p_ctx, void *handle)
{
    SLOT *s = (SLOT *)handle;
    (void)p_ctx;
    slot_drop_rx(s);
    if (s->pcb != NULL) {
        struct tcp_pcb *pcb = s->pcb;
        slot_detach(s);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb); /* out of memory for the FIN: reset instead of leaking the pcb */
        }
    }
    s->state = SLOT_FREE;
}

static const HTTPc_PORT_LWIP_CFG *Cfg;

static CPU_BOOLEAN port_random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    (void)p_ctx;
    return Cfg->Random(p_buf, len); /* (installed only when the configuration has it) */
}

static CPU_INT32U port_time_ms(void *p_ctx)
{
    (void)p_ctx;
    return (CPU_INT32U)sys_now();
}

static int entry_ready(const HTTPc_PORT_WAIT_ENTRY *e)
{
    const SLOT *s = (const SLOT *)e->Handle;
    if (s == NULL || s->state == SLOT_FAILED) {
        return 1;
    }
    if ((e->Want & HTTPc_PORT_WAIT_RD) != 0u && (s->rx != NULL || s->peer_closed)) {
        return 1;
    }
    /* Writable as Send sees it: room in the buffer and a segment free, no ERR_MEM or full queue
     * since the last ACK, and an ERR_MEM's back-off over (else a blocking call would spin on
     * Send and Wait). */
    if ((e->Want & HTTPc_PORT_WAIT_WR) != 0u &&
        (s->state != SLOT_RESOLVING && s->state != SLOT_CONNECTING &&
         (s->pcb == NULL ||
          (s->tx_full == 0u && tcp_sndbuf(s->pcb) > 0u &&
           tcp_sndqueuelen(s->pcb) < TCP_SND_QUEUELEN - 1u &&
           (s->tx_backoff == 0u || (s32_t)(sys_now() - s->tx_retry_at) >= 0))))) {
        return 1;
    }
    return 0;
}

static void port_wait(void *p_ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr_entries,
                      CPU_INT32U timeout_ms)
{
    u32_t start = sys_now();
    CPU_INT16U i;
    (void)p_ctx;
    for (;;) {
        if (Cfg != NULL && Cfg->Poll != NULL) {
            Cfg->Poll();
        }
        for (i = 0; i < nbr_entries; i++) {
            if (entry_ready(&p_entries[i])) {
                return;
            }
        }
        if (timeout_ms != HTTPc_PORT_WAIT_FOREVER && sys_now() - start >= timeout_ms) {
            return;
        }
        if (Cfg != NULL && Cfg->Idle != NULL) {
            Cfg->Idle();
        }
    }
}

void HTTPc_PortLwIP_Get(HTTPc_PORT *p_port, const HTTPc_PORT_LWIP_CFG *p_cfg)
{
    static const HTTPc_PORT zero;
    Cfg = p_cfg;
    *p_port = zero; /* the optional members stay NULL */
    p_port->Connect = port_connect;
    p_port->ConnectPoll = port_connect_poll;
    p_port->Send = port_send;
    p_port->Recv = port_recv;
    p_port->Close = port_close;
    /* No random source: HTTPc_PortSet refuses the port (HTTPc_ERR_INIT_PORT_INVALID). */
    p_port->Random = (p_cfg != NULL && p_cfg->Random != NULL) ? port_random : NULL;
    p_port->TimeGet_ms = port_time_ms;
    p_port->Wait = port_wait;
}
