/*
 * Minimal stand-in for uC/TCP-IP Source/net.h (V3.06), for compile-checking
 * ports/uctcpip/. Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  NET_MODULE_PRESENT
#define  NET_MODULE_PRESENT

#include  <cpu.h>
#include  "net_err.h"

void  Net_GlobalLockAcquire (void     *p_fcnt,
                             NET_ERR  *p_err);

void  Net_GlobalLockRelease (void);

#endif  /* NET_MODULE_PRESENT */
