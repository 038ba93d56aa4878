/*
 * port_uart.h: the httpc-ws port (HTTPc_PORT) of the firmware example. The "socket" is the board's
 * UART, which QEMU attaches to one TCP connection made when the machine starts; so Connect just
 * says OK (once per boot) and Close ends the boot's connection for good.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_PORT_UART_H
#define FW_PORT_UART_H

#include <stdint.h>

#include "http-c.h"

/* Optional observer of every byte that goes out / comes in (the firmware's wire checks). */
typedef void (*PORT_TAP_FNCT)(const uint8_t *p, uint32_t len);

/* Fills *p_port (poll mode: no task, no lock) and seeds the random source. */
void port_uart_get(HTTPc_PORT *p_port);
void port_uart_set_taps(PORT_TAP_FNCT tx, PORT_TAP_FNCT rx);
/* True once the library has closed the connection (the port's Close was called). */
int port_uart_closed(void);
/* Bytes moved so far. */
uint32_t port_uart_tx_count(void);
uint32_t port_uart_rx_count(void);

#endif
