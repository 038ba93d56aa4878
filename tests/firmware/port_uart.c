/*
 * port_uart.c: the httpc-ws port (HTTPc_PORT) of the UART firmware image, and its netport.h side.
 * The "socket" is the board's UART, which QEMU attaches to one TCP connection made when the
 * machine starts; so Connect just says OK (once per boot) and Close ends the boot's connection
 * for good.
 *
 * Send/Recv move bytes between the library and the UART without blocking. Wait (optional in
 * poll mode; the blocking API calls use it between engine passes) sleeps in WFI until a byte
 * arrives or the next millisecond tick. TimeGet_ms is the SysTick count.
 *
 * ============================================================================================
 *  RANDOM SOURCE: TEST ONLY. QEMU's MPS2 boards have no TRNG, so Random here is a xorshift128
 *  generator seeded from the host clock (semihosting SYS_TIME/SYS_CLOCK) and the SysTick phase.
 *  It is predictable. RFC 6455 needs unpredictable masking keys and handshake nonces: on a real
 *  board, Random MUST read the hardware RNG (e.g. the STM32 RNG, the nRF RNG, a secure element).
 * ============================================================================================
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "netport.h"

#include "board.h"
#include "fwlib.h"
#include "semihost.h"

static struct {
    int used;     /* Connect was called: one connection per boot */
    int closed;   /* Close was called */
    uint32_t tx;
    uint32_t rx;
    uint32_t rng[4];
    PORT_TAP_FNCT tap_tx;
    PORT_TAP_FNCT tap_rx;
} Uart;

/* The handle Connect gives out; only its address matters. */
static int UartHandle;

static uint32_t xorshift128(void)
{
    uint32_t t = Uart.rng[3];
    uint32_t s = Uart.rng[0];
    Uart.rng[3] = Uart.rng[2];
    Uart.rng[2] = Uart.rng[1];
    Uart.rng[1] = s;
    t ^= t << 11;
    t ^= t >> 8;
    Uart.rng[0] = t ^ s ^ (s >> 19);
    return Uart.rng[0];
}

static uint32_t splitmix32(uint32_t *x)
{
    uint32_t z = (*x += 0x9E3779B9u);
    z = (z ^ (z >> 16)) * 0x85EBCA6Bu;
    z = (z ^ (z >> 13)) * 0xC2B2AE35u;
    return z ^ (z >> 16);
}

static CPU_INT32S port_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port, CPU_INT32U timeout_ms,
                               const HTTPc_PORT_SECURE_CFG *p_secure, CPU_INT16U inactivity_s,
                               CPU_BOOLEAN keep_alive, void **p_handle)
{
    (void)p_ctx;
    (void)p_host;
    (void)port;
    (void)timeout_ms;
    (void)inactivity_s;
    (void)keep_alive;
    if (p_secure != 0 || Uart.used) {
        return HTTPc_PORT_ERR; /* no TLS here; QEMU made the one connection of this boot */
    }
    Uart.used = 1;
    *p_handle = &UartHandle;
    return HTTPc_PORT_OK;
}

static CPU_INT32S port_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    CPU_INT32U n = 0;
    (void)p_ctx;
    (void)handle;
    if (Uart.closed) {
        return HTTPc_PORT_ERR;
    }
    while (n < len && board_uart_tx_ready()) {
        board_uart_put(p_data[n]);
        n++;
    }
    if (n == 0u) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    Uart.tx += n;
    if (Uart.tap_tx != 0) {
        Uart.tap_tx(p_data, n);
    }
    return (CPU_INT32S)n;
}

static CPU_INT32S port_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    CPU_INT32U n = 0;
    (void)p_ctx;
    (void)handle;
    if (Uart.closed) {
        return HTTPc_PORT_ERR;
    }
    /* The UART holds one byte; QEMU refills it from the socket some tens of microseconds after
     * DATA was read (waiting here for more does not speed that up). Take what is there now. */
    while (n < len && board_uart_rx_ready()) {
        p_buf[n] = board_uart_get();
        n++;
    }
    if (n == 0u) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    Uart.rx += n;
    if (Uart.tap_rx != 0) {
        Uart.tap_rx(p_buf, n);
    }
    return (CPU_INT32S)n;
}

static void port_close(void *p_ctx, void *handle)
{
    (void)p_ctx;
    (void)handle;
    /* A UART cannot hang up: the TCP connection ends when QEMU exits. */
    Uart.closed = 1;
}

static CPU_BOOLEAN port_random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    (void)p_ctx;
    while (len > 0u) {
        uint32_t r = xorshift128();
        uint32_t k;
        for (k = 0; k < 4u && len > 0u; k++, len--) {
            *p_buf++ = (CPU_INT08U)(r >> (8u * k));
        }
    }
    return DEF_OK;
}

static CPU_INT32U port_time_ms(void *p_ctx)
{
    (void)p_ctx;
    return board_ms();
}

/* Sleeps until a wanted readiness holds or timeout_ms passed. The UART can always take a byte
 * soon, so a write wait returns at once. */
static void port_wait(void *p_ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr_entries,
                      CPU_INT32U timeout_ms)
{
    CPU_INT32U start = board_ms();
    CPU_INT16U i;
    (void)p_ctx;
    for (;;) {
        for (i = 0; i < nbr_entries; i++) {
            if ((p_entries[i].Want & HTTPc_PORT_WAIT_WR) != 0u ||
                ((p_entries[i].Want & HTTPc_PORT_WAIT_RD) != 0u && board_uart_rx_ready())) {
                return;
            }
        }
        if (board_ms() - start >= timeout_ms) {
            return;
        }
        board_idle();
    }
}

void netport_get(HTTPc_PORT *p_port)
{
    uint32_t seed = sh_time() ^ (sh_clock_cs() * 2654435761u) ^ board_jitter();
    uint32_t i;

    for (i = 0; i < 4u; i++) {
        Uart.rng[i] = splitmix32(&seed) | (i == 0u ? 1u : 0u); /* never all zero */
    }
    fw_fill(p_port, 0, sizeof *p_port); /* the optional members stay NULL */
    p_port->Connect = port_connect;
    p_port->Send = port_send;
    p_port->Recv = port_recv;
    p_port->Close = port_close;
    p_port->Random = port_random;
    p_port->TimeGet_ms = port_time_ms;
    p_port->Wait = port_wait;
}

void netport_set_taps(PORT_TAP_FNCT tx, PORT_TAP_FNCT rx)
{
    Uart.tap_tx = tx;
    Uart.tap_rx = rx;
}

int netport_closed(void)
{
    return Uart.closed;
}

uint32_t netport_tx_count(void)
{
    return Uart.tx;
}

uint32_t netport_rx_count(void)
{
    return Uart.rx;
}

void netport_idle(void)
{
    board_idle();
}

int netport_sees_peer_close(void)
{
    return 0; /* the UART carries bytes only: no FIN */
}

void netport_finish(void)
{
    /* Nothing to flush: bytes left through the UART synchronously. */
}
