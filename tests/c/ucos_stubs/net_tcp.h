/*
 * Minimal stand-in for uC/TCP-IP Source/net_tcp.h (V3.06), for compile-checking
 * ports/uctcpip/. Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  NET_TCP_MODULE_PRESENT
#define  NET_TCP_MODULE_PRESENT

#include  <cpu.h>
#include  "net_type.h"
#include  "net_err.h"

typedef  CPU_INT16S  NET_TCP_CONN_ID;
typedef  CPU_INT16U  NET_TCP_TIMEOUT_SEC;

CPU_BOOLEAN  NetTCP_ConnCfgMSL_Timeout (NET_TCP_CONN_ID       conn_id_tcp,
                                        NET_TCP_TIMEOUT_SEC   msl_timeout_sec,
                                        NET_ERR              *p_err);

#endif  /* NET_TCP_MODULE_PRESENT */
