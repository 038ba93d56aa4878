/*
 * lwipopts.h: lwIP configuration of the Ethernet firmware image: bare metal (NO_SYS=1, raw API
 * only, one execution context: everything runs from the application loop, no lwIP call from an
 * interrupt), IPv4 + ARP + ICMP + TCP, static address, no DHCP. DNS (and the UDP it needs) is on
 * so that the lwIP port's dns_gethostbyname path runs: a local host list names the echo server
 * (echo.httpc-ws.test, 10.0.2.2; ctest firmware_eth_echo_dns); no DNS server is configured.
 *
 * Sizing, for throughput in QEMU with a reasonable RAM:
 *   - TCP_WND 4 x MSS: QEMU's LAN9118 model drops a frame when its RX FIFO (10.5 KB, six
 *     full-size frames) is full, and a dropped segment costs slirp's retransmission timeout.
 *     Four data segments in flight plus our ACKs' replies stay within the FIFO.
 *   - TCP_SND_BUF 8 x MSS: enough to keep the server's receive window busy while the echo of a
 *     large message streams out.
 *   - PBUF_POOL: received frames wait in pool pbufs until the library reads them (the port only
 *     opens the window for bytes it consumed), so the pool covers a window plus out-of-order
 *     segments.
 *   - MEM_SIZE: the heap for TCP_WRITE_FLAG_COPY segments (the send buffer) and ARP/ICMP.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_LWIPOPTS_H
#define FW_LWIPOPTS_H

#define NO_SYS                      1
#define SYS_LIGHTWEIGHT_PROT        0
#define LWIP_SOCKET                 0
#define LWIP_NETCONN                0
#define LWIP_NETIF_API              0

#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_RAW                    0
#define LWIP_UDP                    1
#define LWIP_DHCP                   0
#define LWIP_AUTOIP                 0
#define LWIP_IGMP                   0
#define LWIP_DNS                    1
#define DNS_TABLE_SIZE              1
#define DNS_MAX_NAME_LENGTH         64
#define DNS_MAX_SERVERS             1
#define DNS_LOCAL_HOSTLIST          1
#define DNS_LOCAL_HOSTLIST_INIT     {DNS_LOCAL_HOSTLIST_ELEM("echo.httpc-ws.test", IPADDR4_INIT_BYTES(10, 0, 2, 2))}
#define MEMP_NUM_UDP_PCB            1
#define LWIP_TCP                    1
#define IP_REASSEMBLY               0
#define IP_FRAG                     0

#define MEM_ALIGNMENT               4
/* Two bytes before the 14-byte Ethernet header put the IP and TCP headers on 4-byte boundaries
 * (a Cortex-M0 faults on unaligned word access; see also PACK_STRUCT_STRUCT in arch/cc.h). */
#define ETH_PAD_SIZE                2
#define MEM_SIZE                    (16 * 1024)
#define MEMP_NUM_PBUF               8
#define MEMP_NUM_TCP_PCB            2
#define MEMP_NUM_TCP_PCB_LISTEN     1
#define MEMP_NUM_ARP_QUEUE          4
#define ARP_TABLE_SIZE              4

#define TCP_MSS                     1460
#define TCP_WND                     (4 * TCP_MSS)
#define TCP_SND_BUF                 (8 * TCP_MSS)
#define TCP_SND_QUEUELEN            (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG            TCP_SND_QUEUELEN
#define TCP_QUEUE_OOSEQ             1
#define PBUF_POOL_SIZE              10
#define LWIP_TCP_KEEPALIVE          1
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* The 32-bit checksum loop: the C default of lwIP works 16 bits at a time. */
#define LWIP_CHKSUM_ALGORITHM       3

#define LWIP_NETIF_LINK_CALLBACK    0
#define LWIP_NETIF_STATUS_CALLBACK  0
#define LWIP_STATS                  0

#endif
