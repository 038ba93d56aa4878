/*
 * Minimal stand-in for uC/TCP-IP Source/net_err.h (V3.06): the error codes the ports use,
 * with their uC/TCP-IP values. Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  NET_ERR_MODULE_PRESENT
#define  NET_ERR_MODULE_PRESENT

typedef  enum  net_err {
    NET_ERR_NONE                            =     1u,
    NET_ERR_FAULT_LOCK_ACQUIRE              =    20u,
    NET_ERR_FAULT_NULL_PTR                  =    23u,
    NET_ERR_RX                              =    50u,
    NET_ERR_TX                              =    60u,
    NET_INIT_ERR_NOT_COMPLETED              =   102u,
    NET_CONN_ERR_NONE_AVAIL                 =   710u,
    NET_CONN_ERR_NOT_USED                   =   711u,
    NET_CONN_ERR_INVALID_CONN               =   721u,
    NET_TCP_ERR_NONE                        = 19000u,
    NET_SOCK_ERR_NONE                       = 20000u,
    NET_SOCK_ERR_NONE_AVAIL                 = 20020u,
    NET_SOCK_ERR_CLOSED                     = 20022u,
    NET_SOCK_ERR_FAULT                      = 20023u,
    NET_SOCK_ERR_TIMEOUT                    = 20024u,
    NET_SOCK_ERR_INVALID_DATA_SIZE          = 20100u,
    NET_SOCK_ERR_INVALID_FAMILY             = 20120u,
    NET_SOCK_ERR_INVALID_TYPE               = 20122u,
    NET_SOCK_ERR_INVALID_STATE              = 20126u,
    NET_SOCK_ERR_PORT_NBR_NONE_AVAIL        = 20153u,
    NET_SOCK_ERR_CONN_CLOSE_IN_PROGRESS     = 20206u,
    NET_SOCK_ERR_CONN_FAIL                  = 20210u,
    NET_SOCK_ERR_CONN_SIGNAL_TIMEOUT        = 20222u,
    NET_SOCK_ERR_RX_Q_CLOSED                = 20400u,
    NET_SOCK_ERR_RX_Q_EMPTY                 = 20401u,
    NET_SOCK_ERR_TX_Q_CLOSED                = 20600u,
    NET_APP_ERR_NONE                        = 21000u,
    NET_APP_ERR_CONN_IN_PROGRESS            = 21041u
} NET_ERR;

#endif  /* NET_ERR_MODULE_PRESENT */
