/*
 * Minimal stand-in for uC/TCP-IP Source/net_app.h (V3.06), for compile-checking
 * ports/uctcpip/. Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  NET_APP_MODULE_PRESENT
#define  NET_APP_MODULE_PRESENT

#include  <cpu.h>
#include  "net_sock.h"
#include  "net_type.h"
#include  "net_err.h"

typedef  struct  net_app_sock_secure_mutual_cfg {
    NET_SOCK_SECURE_CERT_KEY_FMT  Fmt;
    CPU_CHAR                     *CertPtr;
    CPU_INT32U                    CertSize;
    CPU_BOOLEAN                   CertChained;
    CPU_CHAR                     *KeyPtr;
    CPU_INT32U                    KeySize;
} NET_APP_SOCK_SECURE_MUTUAL_CFG;

typedef  struct  net_app_sock_secure_cfg {
    CPU_CHAR                        *CommonName;
    NET_SOCK_SECURE_TRUST_FNCT       TrustCallback;
    NET_APP_SOCK_SECURE_MUTUAL_CFG  *MutualAuthPtr;
} NET_APP_SOCK_SECURE_CFG;

NET_IP_ADDR_FAMILY  NetApp_ClientStreamOpenByHostname (NET_SOCK_ID              *p_sock_id,
                                                       CPU_CHAR                 *p_host_server,
                                                       NET_PORT_NBR              port_nbr,
                                                       NET_SOCK_ADDR            *p_sock_addr,
                                                       NET_APP_SOCK_SECURE_CFG  *p_secure_cfg,
                                                       CPU_INT32U                req_timeout_ms,
                                                       NET_ERR                  *p_err);

#endif  /* NET_APP_MODULE_PRESENT */
