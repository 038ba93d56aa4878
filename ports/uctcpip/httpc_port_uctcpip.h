/*
*********************************************************************************************************
*                                            EXAMPLE CODE
*
*                            httpc-ws PORT FOR uC/TCP-IP (uC/OS-II, uC/OS-III)
*
* Filename : httpc_port_uctcpip.h
*
* Purpose  : For applications moving from the Micrium uC/HTTP-client to httpc-ws while keeping
*            uC/TCP-IP.  The port makes the same network calls as the legacy HTTP client:
*
*                Connect       NetApp_ClientStreamOpenByHostname(), then NetSock_CfgBlock(NO_BLOCK),
*                              NetSock_OptSet() (TCP keep-idle, keep-alive, no-delay) and
*                              NetTCP_ConnCfgMSL_Timeout(0).
*                ConnectPoll   NetSock_Sel() on the write set, zero timeout.
*                Send / Recv   NetSock_TxDataTo() / NetSock_RxData() with NET_SOCK_FLAG_NO_BLOCK
*                              and the legacy error mapping.
*                Close         NetSock_Close(), retried on transient errors.
*                Wait / Wake   NetSock_Sel() / NetSock_SelAbort().
*
*            and takes two things from the application:
*
*                Random        a HARDWARE random number generator (TRNG) read function, given to
*                              HTTPc_PortUcTcpIp_Get().  There is deliberately no fallback to
*                              NetUtil_RandomRangeGet(): it is a linear congruential generator,
*                              and WebSocket masking keys must be unpredictable.
*                TimeGet_ms    HTTPc_PortUcTcpIp_TimeGet_ms(), a millisecond tick the application
*                              (BSP) defines, e.g. from OSTimeGet() or KAL_TickGet().
*
* Note(s)  : (1) Include path: uC/CPU (and its port), uC/LIB, uC/Common (KAL), the uC/TCP-IP root
*                and its 'Source' directory, the project's cpu_cfg.h, lib_cfg.h and net_cfg.h, and
*                the httpc-ws 'include' directory (docs/MICRIUM_BUILD.md).  The port builds with
*                -Wall -Wextra -Werror -pedantic against the real Micrium headers (tests/c:
*                ucos_port_compile_micrium_*).
*
*            (2) TLS: when NET_SECURE_MODULE_EN is defined (uC/TCP-IP built with a TLS layer),
*                a secure connection passes the common name and trust callback to
*                NetApp_ClientStreamOpenByHostname(), as the legacy client did.  Without it, a
*                secure connection fails (HTTPc_PORT_ERR).
*
*            (3) No engine task, no lock: TaskCreate, Lock/Unlock and OsWait/OsSignal are left
*                NULL.  Call HTTPc_TaskHandler() from one application task, sleeping for the
*                time it returns but never longer than a poll interval of your choice (say
*                10 ms) while a connection is open: this port has no Watch, so your task
*                cannot wait on the sockets, and HTTPc_PORT_WAIT_FOREVER only means no timer
*                runs.  Make every HTTPc_* call from that same task;
*                blocking calls then drive the engine themselves.  For an engine task, fill
*                TaskCreate, Lock/Unlock (a recursive mutex) and OsWait/OsSignal yourself after
*                HTTPc_PortUcTcpIp_Get().
*
*            (4) Wake may miss a NetSock_Sel() that is about to start: a select waits at most
*                HTTPc_PORT_UCTCPIP_CFG_WAIT_MAX_MS, which bounds the delay such a miss causes.
*                A Wake during a select aborts it (NetSock_SelAbort()) holding the network lock
*                (Net_GlobalLockAcquire()): the select frees what the abort walks under it.
*
*            (5) Connect BLOCKS, as the legacy client did: NetApp_ClientStreamOpenByHostname()
*                resolves the name and connects in blocking mode, for up to the connect timeout
*                per resolved address (plus the DNS time), and meanwhile the engine serves no
*                other connection (no pings, pongs or hooks).  Keep the connect timeout
*                (HTTPc_PARAM_TYPE_CONNECT_TIMEOUT) short where several connections run at
*                once, prefer a numeric address, and with DNSc in asynchronous mode expect the
*                first connect to a name not yet cached to fail (DNSc answers "pending"); the
*                application's retry then finds it cached.
*
*               SPDX-License-Identifier: Apache-2.0
*********************************************************************************************************
*/

#ifndef  HTTPC_PORT_UCTCPIP_H
#define  HTTPC_PORT_UCTCPIP_H

#include  <cpu.h>
#include  <lib_def.h>
#include  <net_sock.h>

#include  "http-c.h"


/*
*********************************************************************************************************
*                                            CONFIGURATION
*********************************************************************************************************
*/

#ifndef  HTTPc_PORT_UCTCPIP_CFG_WAIT_MAX_MS
#define  HTTPc_PORT_UCTCPIP_CFG_WAIT_MAX_MS               100u  /* Longest NetSock_Sel() (see Note #4).                 */
#endif

#ifndef  HTTPc_PORT_UCTCPIP_CFG_TX_RETRY_MS
#define  HTTPc_PORT_UCTCPIP_CFG_TX_RETRY_MS                 2u  /* Sleep before a send retry when the stack had no      */
#endif                                                          /* network buffer (httpc_port_uctcpip.c, Send Note #2). */

#ifndef  HTTPc_PORT_UCTCPIP_CFG_CLOSE_RETRY_MAX
#define  HTTPc_PORT_UCTCPIP_CFG_CLOSE_RETRY_MAX            10u  /* NetSock_Close() retries on transient errors.         */
#endif


/*
*********************************************************************************************************
*                                          FUNCTION PROTOTYPES
*********************************************************************************************************
*/

#ifdef __cplusplus
extern "C" {
#endif

/*
* Fill *p_port.  rng must fill p_buf with len bytes from a hardware RNG and return DEF_OK, or
* DEF_FAIL when it cannot.  With rng == DEF_NULL, Random is left NULL and HTTPc_PortSet()
* rejects the port (HTTPc_ERR_INIT_PORT_INVALID).
*/
void        HTTPc_PortUcTcpIp_Get        (HTTPc_PORT   *p_port,
                                          CPU_BOOLEAN (*rng)(CPU_INT08U  *p_buf,
                                                             CPU_INT32U   len));

/*
* Provided by the APPLICATION: a monotonic millisecond counter (wrapping at 2^32 is fine).
*/
CPU_INT32U  HTTPc_PortUcTcpIp_TimeGet_ms (void);

#ifdef __cplusplus
}
#endif

#endif  /* HTTPC_PORT_UCTCPIP_H */
