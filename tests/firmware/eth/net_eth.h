/*
 * net_eth.h: the Ethernet image's network stack: lwIP (NO_SYS) on the LAN9118, a static IPv4
 * address on QEMU's user-mode network (slirp: the guest is 10.0.2.15/24, the host's loopback is
 * reached at the gateway 10.0.2.2), driven by polling from the application loop.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_NET_ETH_H
#define FW_NET_ETH_H

#include <stdint.h>

/* lwip_init(), the netif up with its address; 0 on success. */
int net_eth_init(void);
/* Received frames into lwIP, then lwIP's timers. */
void net_eth_poll(void);
/* WFI until the next interrupt (a frame or the 1 ms tick), unless a frame already waits. */
void net_eth_idle(void);
/* True while a TCP connection still exists in lwIP (e.g. our FIN not yet acknowledged). */
int net_eth_busy(void);

#endif
