/*
 * lan9118.h: lwIP netif driver for the SMSC LAN9118 Ethernet controller (QEMU's MPS2 boards:
 * base 0x40200000, IRQ 13 on mps2-an385/an386), polled: lan9118_poll() moves every received
 * frame into lwIP; output writes the frame to the TX FIFO at once. The interrupt (RX status
 * FIFO level) is only used to wake the core from WFI.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_LAN9118_H
#define FW_LAN9118_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

#define LAN9118_BASE 0x40200000u
#define LAN9118_IRQ  13u

/* netif_add() init function: resets the chip, reads its MAC address, enables TX/RX. */
err_t lan9118_netif_init(struct netif *netif);
/* Hands every frame waiting in the RX FIFO to netif->input; returns how many. */
uint32_t lan9118_poll(struct netif *netif);
/* True when a received frame waits in the RX FIFO. */
int lan9118_rx_pending(void);

typedef struct {
    uint32_t rx_frames;
    uint32_t tx_frames;
    uint32_t rx_dropped; /* errors, oversize, or refused by lwIP */
    uint32_t rx_held;    /* polls that left frames in the FIFO for want of a pbuf */
    uint32_t tx_dropped;
} LAN9118_STATS;

extern LAN9118_STATS Lan9118Stats;

#endif
