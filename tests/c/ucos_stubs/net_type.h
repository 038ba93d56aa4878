/*
 * Minimal stand-in for uC/TCP-IP Source/net_type.h (V3.06), for compile-checking
 * ports/uctcpip/. Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  NET_TYPE_MODULE_PRESENT
#define  NET_TYPE_MODULE_PRESENT

#include  <cpu.h>

typedef  CPU_INT16U  NET_PORT_NBR;
typedef  CPU_INT16S  NET_CONN_ID;

typedef  enum  net_ip_addr_family {
    NET_IP_ADDR_FAMILY_UNKNOWN,
    NET_IP_ADDR_FAMILY_NONE,
    NET_IP_ADDR_FAMILY_IPv4,
    NET_IP_ADDR_FAMILY_IPv6
} NET_IP_ADDR_FAMILY;

#endif  /* NET_TYPE_MODULE_PRESENT */
