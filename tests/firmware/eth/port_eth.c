/*
 * port_eth.c: the netport.h side of the Ethernet image: the library's port is the reusable lwIP
 * port (ports/lwip/httpc_port_lwip.c) over net_eth.c; this file wraps its Send, Recv
 * and Close to count bytes and feed the wire taps (wiretap.c), as port_uart.c does on the UART.
 *
 * Random is the TEST-ONLY generator of testrng.h: a real board must use its hardware RNG.
 *
 * In the TLS image (FW_TLS), the lwIP port is wrapped by ports/mbedtls first (tls/fw_tls.c), so
 * the counters and the wire taps here see the plaintext WebSocket stream above TLS.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "netport.h"

#include "board.h"
#include "fwlib.h"
#include "httpc_port_lwip.h"
#include "lan9118.h"
#include "net_eth.h"
#include "semihost.h"
#include "testrng.h"
#if defined(FW_TLS)
#include "tls/fw_tls.h"
#endif

#define FINISH_LIMIT_MS 2000u

static struct {
    HTTPc_PORT_SEND send;
    HTTPc_PORT_RECV recv;
    HTTPc_PORT_CLOSE close;
    int closed;
    uint32_t tx;
    uint32_t rx;
    PORT_TAP_FNCT tap_tx;
    PORT_TAP_FNCT tap_rx;
} Eth;

static CPU_BOOLEAN rng_fill(CPU_INT08U *p_buf, CPU_INT32U len)
{
    testrng_fill(p_buf, len);
    return DEF_OK;
}

static const HTTPc_PORT_LWIP_CFG NetCfg = {rng_fill, net_eth_poll, net_eth_idle};

static CPU_INT32S eth_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    CPU_INT32S n = Eth.send(p_ctx, handle, p_data, len);
    if (n > 0) {
        Eth.tx += (uint32_t)n;
        if (Eth.tap_tx != 0) {
            Eth.tap_tx(p_data, (uint32_t)n);
        }
    }
    return n;
}

static CPU_INT32S eth_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    CPU_INT32S n;
    /* The engine reads when it runs: bring in what arrived since the last pass first. */
    net_eth_poll();
    n = Eth.recv(p_ctx, handle, p_buf, len);
    if (n > 0) {
        Eth.rx += (uint32_t)n;
        if (Eth.tap_rx != 0) {
            Eth.tap_rx(p_buf, (uint32_t)n);
        }
    }
    return n;
}

static void eth_close(void *p_ctx, void *handle)
{
    Eth.close(p_ctx, handle);
    Eth.closed = 1;
}

void netport_get(HTTPc_PORT *p_port)
{
    testrng_seed();
    if (net_eth_init() != 0) {
        fw_printf("ETH: no LAN9118 found (QEMU needs -nic user,model=lan9118)\n");
        sh_exit(1);
    }
    HTTPc_PortLwIP_Get(p_port, &NetCfg);
#if defined(FW_TLS)
    fw_tls_wrap(p_port); /* *p_port becomes the TLS layer around the lwIP port */
#endif
    Eth.send = p_port->Send;
    Eth.recv = p_port->Recv;
    Eth.close = p_port->Close;
    p_port->Send = eth_send;
    p_port->Recv = eth_recv;
    p_port->Close = eth_close;
}

void netport_set_taps(PORT_TAP_FNCT tx, PORT_TAP_FNCT rx)
{
    Eth.tap_tx = tx;
    Eth.tap_rx = rx;
}

int netport_closed(void)
{
    return Eth.closed;
}

uint32_t netport_tx_count(void)
{
    return Eth.tx;
}

uint32_t netport_rx_count(void)
{
    return Eth.rx;
}

void netport_idle(void)
{
    net_eth_poll();
    net_eth_idle();
}

int netport_sees_peer_close(void)
{
    return 1;
}

void netport_finish(void)
{
    uint32_t t0 = board_ms();
    while (net_eth_busy() && board_ms() - t0 < FINISH_LIMIT_MS) {
        net_eth_poll();
        net_eth_idle();
    }
    fw_printf("ETH: %u frames in, %u out, %u dropped in, %u dropped out, %u held in the FIFO%s\n",
              (unsigned)Lan9118Stats.rx_frames, (unsigned)Lan9118Stats.tx_frames, (unsigned)Lan9118Stats.rx_dropped,
              (unsigned)Lan9118Stats.tx_dropped, (unsigned)Lan9118Stats.rx_held,
              net_eth_busy() ? ", a connection still closing" : "");
#if defined(FW_TLS)
    fw_tls_report();
#endif
}
