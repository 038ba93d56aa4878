/*
 * lan9118.c: see lan9118.h. Registers as in the LAN9118 data sheet (32-bit bus):
 *
 *   RX_DATA_FIFO 0x00, TX_DATA_FIFO 0x20, RX_STATUS_FIFO 0x40 (PEEK 0x44), TX_STATUS_FIFO 0x48,
 *   ID_REV 0x50, IRQ_CFG 0x54, INT_STS 0x58, INT_EN 0x5C, BYTE_TEST 0x64, RX_CFG 0x6C,
 *   TX_CFG 0x70, HW_CFG 0x74, RX_FIFO_INF 0x7C, TX_FIFO_INF 0x80, MAC_CSR_CMD 0xA4,
 *   MAC_CSR_DATA 0xA8; MAC registers (through MAC_CSR_*): MAC_CR 1, ADDRH 2, ADDRL 3.
 *
 * Frames are copied word by word between the FIFOs and a word-aligned frame buffer, and
 * between that buffer and pbuf chains (lwIP's pbufs may split a frame at any byte; the first
 * ETH_PAD_SIZE bytes of a pbuf frame are lwIP's alignment padding, not sent or received).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "lan9118.h"

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define REG(off) (*(volatile uint32_t *)(LAN9118_BASE + (off)))
#define RX_DATA_FIFO   REG(0x00u)
#define TX_DATA_FIFO   REG(0x20u)
#define RX_STATUS_FIFO REG(0x40u)
#define RX_STATUS_PEEK REG(0x44u)
#define TX_STATUS_FIFO REG(0x48u)
#define IRQ_CFG        REG(0x54u)
#define INT_STS        REG(0x58u)
#define INT_EN         REG(0x5Cu)
#define BYTE_TEST      REG(0x64u)
#define RX_CFG         REG(0x6Cu)
#define TX_CFG         REG(0x70u)
#define HW_CFG         REG(0x74u)
#define RX_FIFO_INF    REG(0x7Cu)
#define TX_FIFO_INF    REG(0x80u)
#define MAC_CSR_CMD    REG(0xA4u)
#define MAC_CSR_DATA   REG(0xA8u)

#define BYTE_TEST_MAGIC  0x87654321u
#define HW_CFG_SRST      0x1u
#define IRQ_CFG_EN_HIGH  0x111u     /* IRQ_EN, active high, push-pull */
#define INT_RSFL         0x8u       /* RX status FIFO level (any frame waiting) */
#define TX_CFG_TX_ON     0x2u
#define MAC_CSR_BUSY     0x80000000u
#define MAC_CSR_READ     0x40000000u
#define MAC_CR           1u
#define MAC_ADDRH        2u
#define MAC_ADDRL        3u
#define MAC_CR_FDPX      0x00100000u
#define MAC_CR_TXEN      0x8u
#define MAC_CR_RXEN      0x4u
#define RXS_ES           0x8000u    /* error summary */
#define TXA_FIRST_SEG    0x2000u
#define TXA_LAST_SEG     0x1000u

#define FRAME_MAX 1536u

LAN9118_STATS Lan9118Stats;

static uint32_t Frame[FRAME_MAX / 4u];

static uint32_t mac_read(uint32_t reg)
{
    MAC_CSR_CMD = MAC_CSR_BUSY | MAC_CSR_READ | reg;
    while ((MAC_CSR_CMD & MAC_CSR_BUSY) != 0u) {
    }
    return MAC_CSR_DATA;
}

static void mac_write(uint32_t reg, uint32_t val)
{
    MAC_CSR_DATA = val;
    MAC_CSR_CMD = MAC_CSR_BUSY | reg;
    while ((MAC_CSR_CMD & MAC_CSR_BUSY) != 0u) {
    }
}

/* Only wakes the core from WFI: acknowledge, lan9118_poll() reads the frames. */
void Irq13_Handler(void)
{
    INT_STS = INT_RSFL;
}

int lan9118_rx_pending(void)
{
    return ((RX_FIFO_INF >> 16) & 0xFFu) != 0u;
}

static err_t lan9118_output(struct netif *netif, struct pbuf *p)
{
    uint32_t len = p->tot_len;
    uint32_t words;
    uint32_t i;

    (void)netif;
    len -= ETH_PAD_SIZE; /* lwIP's alignment padding in front of the frame */
    words = (len + 3u) / 4u;
    if (len > FRAME_MAX || (TX_FIFO_INF & 0xFFFFu) < len + 8u) {
        Lan9118Stats.tx_dropped++;
        return ERR_MEM;
    }
    (void)pbuf_copy_partial(p, Frame, (u16_t)len, ETH_PAD_SIZE);
    TX_DATA_FIFO = TXA_FIRST_SEG | TXA_LAST_SEG | len;
    TX_DATA_FIFO = (len << 16) | len; /* packet tag = length */
    for (i = 0; i < words; i++) {
        TX_DATA_FIFO = Frame[i];
    }
    /* Status entries pile up otherwise; nothing in them needs handling here. */
    while (((TX_FIFO_INF >> 16) & 0xFFu) != 0u) {
        (void)TX_STATUS_FIFO;
    }
    Lan9118Stats.tx_frames++;
    return ERR_OK;
}

uint32_t lan9118_poll(struct netif *netif)
{
    uint32_t n = 0;

    while (lan9118_rx_pending()) {
        uint32_t status = RX_STATUS_PEEK;
        uint32_t len = (status >> 16) & 0x3FFFu; /* frame + 4-byte FCS */
        uint32_t words = (len + 3u) / 4u;
        uint32_t i;
        int good = (status & RXS_ES) == 0u && len > 4u + 14u && words <= FRAME_MAX / 4u;
        struct pbuf *p = 0;

        if (good) {
            p = pbuf_alloc(PBUF_RAW, (u16_t)(len - 4u + ETH_PAD_SIZE), PBUF_POOL);
            if (p == 0) {
                /* The pool is busy with data the application has not read yet: leave this
                 * frame and the ones behind it in the chip's FIFO for a later poll. */
                Lan9118Stats.rx_held++;
                break;
            }
        }
        (void)RX_STATUS_FIFO;
        if (words > FRAME_MAX / 4u) {
            /* Cannot happen with 1518-byte frames; drain it word by word all the same. */
            for (i = 0; i < words; i++) {
                (void)RX_DATA_FIFO;
            }
            Lan9118Stats.rx_dropped++;
            continue;
        }
        for (i = 0; i < words; i++) {
            Frame[i] = RX_DATA_FIFO;
        }
        if (p == 0) {
            Lan9118Stats.rx_dropped++;
            continue;
        }
        (void)pbuf_take_at(p, Frame, (u16_t)(len - 4u), ETH_PAD_SIZE);
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
            Lan9118Stats.rx_dropped++;
            continue;
        }
        Lan9118Stats.rx_frames++;
        n++;
    }
    return n;
}

err_t lan9118_netif_init(struct netif *netif)
{
    uint32_t lo;
    uint32_t hi;

    if (BYTE_TEST != BYTE_TEST_MAGIC) {
        return ERR_IF; /* no LAN9118 at this address */
    }
    HW_CFG = HW_CFG_SRST;
    while ((HW_CFG & HW_CFG_SRST) != 0u) {
    }
    lo = mac_read(MAC_ADDRL);
    hi = mac_read(MAC_ADDRH);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->hwaddr[0] = (u8_t)lo;
    netif->hwaddr[1] = (u8_t)(lo >> 8);
    netif->hwaddr[2] = (u8_t)(lo >> 16);
    netif->hwaddr[3] = (u8_t)(lo >> 24);
    netif->hwaddr[4] = (u8_t)hi;
    netif->hwaddr[5] = (u8_t)(hi >> 8);
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = lan9118_output;

    RX_CFG = 0u;              /* no offset, no end padding */
    TX_CFG = TX_CFG_TX_ON;
    /* Perfect filtering on our address plus broadcast (ARP), full duplex. */
    mac_write(MAC_CR, MAC_CR_FDPX | MAC_CR_TXEN | MAC_CR_RXEN);
    INT_STS = 0xFFFFFFFFu;
    INT_EN = INT_RSFL;
    IRQ_CFG = IRQ_CFG_EN_HIGH;
    *(volatile uint32_t *)0xE000E100u = 1u << LAN9118_IRQ; /* NVIC_ISER0 */
    return ERR_OK;
}
