/*
 * httpc_port_lwip.h: httpc-ws port (HTTPc_PORT) on lwIP's raw TCP API, for bare-metal firmware
 * (lwIP with NO_SYS=1; the library in poll mode, the application calling HTTPc_TaskHandler()).
 *
 * Fills an HTTPc_PORT with:
 *   - Connect: an IP address literal is used as is; a host name goes through lwIP's DNS
 *     (dns_gethostbyname(), when lwIP has LWIP_DNS: its cache, its local host list or a query);
 *     then tcp_connect(), non-blocking (ConnectPoll reports the outcome; the library's connect
 *     timeout covers the DNS query too); Nagle off (as TCP_NODELAY in the POSIX port),
 *     keep-alive from the connection's settings (SOF_KEEPALIVE, keep_idle; LWIP_TCP_KEEPALIVE
 *     only adds lwIP's per-connection probe interval and count);
 *   - Recv: received pbufs are queued per connection and copied out as the library asks; the
 *     receive window is reopened (tcp_recved) only for bytes the library consumed, so a slow
 *     reader throttles the server and nothing is dropped; end of stream after the queue drains;
 *     small segments are queued as copies so they do not pin the driver's pool buffers;
 *   - Send: tcp_write(TCP_WRITE_FLAG_COPY) of what fits in tcp_sndbuf() and the segment queue,
 *     then tcp_output(); 0 bytes of room is HTTPc_PORT_WOULD_BLOCK;
 *   - Close: tcp_close() (tcp_abort() if lwIP cannot take the close now);
 *   - TimeGet_ms: lwIP's sys_now();
 *   - Random: the application's function (a hardware RNG on a real board);
 *   - Wait: runs the application's Poll (driver input + sys_check_timeouts()) until a socket is
 *     ready as asked, sleeping in the application's Idle between rounds.
 *
 * Limitations: host names need LWIP_DNS (without it, literals only); no TLS (Connect fails for
 * p_secure != NULL; wrap altcp_tls for wss://); HTTPC_PORT_LWIP_MAX_CONN connections at once
 * (default 2). Every callback must run in lwIP's single context: never call it from an
 * interrupt. The lwipopts.h settings it needs: ports/lwip/README.md.
 *
 * CMake: httpc_ws::port_lwip (ports/lwip/CMakeLists.txt: HTTPC_WS_LWIP_TARGET or
 * HTTPC_WS_LWIP_INCLUDE_DIRS say where lwIP is).
 *
 * Usage:
 *     static const HTTPc_PORT_LWIP_CFG net = {my_rng_fill, my_netif_poll, my_wfi};
 *     HTTPc_PORT port;
 *     HTTPc_PortLwIP_Get(&port, &net);
 *     HTTPc_PortSet(&port, &err);
 *     HTTPc_Init(&cfg, DEF_NULL, DEF_NULL, &err);     (no task: poll mode)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HTTPC_PORT_LWIP_H
#define HTTPC_PORT_LWIP_H

#include "http-c.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HTTPC_PORT_LWIP_MAX_CONN
#define HTTPC_PORT_LWIP_MAX_CONN 2
#endif

/* Received segments up to this size are copied out of the driver's pbuf into one of their own
 * size (lwIP heap) while they wait to be read. */
#ifndef HTTPC_PORT_LWIP_SMALL_SEG
#define HTTPC_PORT_LWIP_SMALL_SEG 256u
#endif

typedef struct HTTPc_PORT_LWIP_CFG {
    /* Required: fill p_buf with len bytes of strong randomness; DEF_FAIL if none. */
    CPU_BOOLEAN (*Random)(CPU_INT08U *p_buf, CPU_INT32U len);
    /* Move received frames into lwIP and run sys_check_timeouts(); Wait calls it in a loop.
     * Needed for blocking calls (nothing else drives lwIP while one waits, NO_SYS=1); NULL only
     * when the application makes non-blocking calls alone and drives lwIP in its own loop. */
    void (*Poll)(void);
    /* Optional: sleep until the next interrupt (WFI); NULL: Wait spins. */
    void (*Idle)(void);
} HTTPc_PORT_LWIP_CFG;

/* Fills *p_port; p_cfg must stay valid while the port is in use. */
void HTTPc_PortLwIP_Get(HTTPc_PORT *p_port, const HTTPc_PORT_LWIP_CFG *p_cfg);

#ifdef __cplusplus
}
#endif

#endif /* HTTPC_PORT_LWIP_H */
