/*
 * netport.h: what the firmware's applications (app_echo.c, app_autobahn.c) need from the network
 * side of the image, so the same applications run over either transport:
 *
 *   port_uart.c   the board's UART, which QEMU attaches to one TCP connection (httpc_ws_firmware)
 *   eth/port_eth.c  the LAN9118 Ethernet controller and lwIP (httpc_ws_firmware_eth)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_NETPORT_H
#define FW_NETPORT_H

#include <stdint.h>

#include "http-c.h"

/* Optional observer of every byte that goes out / comes in (the firmware's wire checks). */
typedef void (*PORT_TAP_FNCT)(const uint8_t *p, uint32_t len);

/* Brings the transport up, fills *p_port (poll mode: no task, no lock) and seeds the random
 * source. */
void netport_get(HTTPc_PORT *p_port);
void netport_set_taps(PORT_TAP_FNCT tx, PORT_TAP_FNCT rx);
/* True once the library has closed the connection (the port's Close was called). */
int netport_closed(void);
/* Bytes moved so far. */
uint32_t netport_tx_count(void);
uint32_t netport_rx_count(void);
/* The application loop's sleep: until the transport has something or the next 1 ms tick. */
void netport_idle(void);
/* True when the transport sees the peer close TCP (the library then closes by itself); false for
 * the UART, where a session must end on the wire's closing handshake. */
int netport_sees_peer_close(void);
/* Before the image exits: lets the transport finish a closing connection (FIN and its ACK). */
void netport_finish(void);

#endif
