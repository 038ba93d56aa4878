/*
 * port_loop.h: a port whose peer is an echo server in memory (port_loop.c). No network, no
 * interrupts, no waiting: every echo costs the same instructions on every run, so what the
 * library itself costs per message can be measured exactly (app_perf.c, loop=1).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_PORT_LOOP_H
#define FW_PORT_LOOP_H

#include <stdint.h>

#include "http-c.h"

/* Fills *p_port with the loopback port (poll mode: no task, no lock). */
void port_loop_get(HTTPc_PORT *p_port);
/* Frames the server echoed, and protocol errors it saw (a malformed or unmasked client frame,
 * an unexpected handshake key). */
uint32_t port_loop_echoed(void);
uint32_t port_loop_errors(void);

#endif
