/*
 * net_eth.c: see net_eth.h. Also lwIP's platform hooks for NO_SYS: sys_now() (the SysTick
 * milliseconds) and the assertion handler of arch/cc.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "net_eth.h"

#include "board.h"
#include "fwlib.h"
#include "lan9118.h"
#include "semihost.h"

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

static struct netif Netif;

u32_t sys_now(void)
{
    return board_ms();
}

void fw_lwip_assert(const char *msg, const char *file, int line)
{
    fw_printf("FATAL: lwIP assertion \"%s\" at %s:%d\n", msg, file, line);
    sh_exit(5);
    for (;;) {
    }
}

int net_eth_init(void)
{
    ip4_addr_t ip;
    ip4_addr_t mask;
    ip4_addr_t gw;

    lwip_init();
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    if (netif_add(&Netif, &ip, &mask, &gw, 0, lan9118_netif_init, ethernet_input) == 0) {
        return -1;
    }
    netif_set_default(&Netif);
    netif_set_up(&Netif);
    netif_set_link_up(&Netif);
    return 0;
}

void net_eth_poll(void)
{
    (void)lan9118_poll(&Netif);
    sys_check_timeouts();
}

void net_eth_idle(void)
{
    /* Masked between the check and WFI: a frame arriving in between leaves its interrupt
     * pending, and a pending interrupt ends WFI. */
    __asm__ volatile("cpsid i" ::: "memory");
    if (!lan9118_rx_pending()) {
        __asm__ volatile("wfi" ::: "memory");
    }
    __asm__ volatile("cpsie i" ::: "memory");
}

int net_eth_busy(void)
{
    return tcp_active_pcbs != 0;
}
