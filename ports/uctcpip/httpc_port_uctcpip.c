/*
*********************************************************************************************************
*                                            EXAMPLE CODE
*
*                            httpc-ws PORT FOR uC/TCP-IP (uC/OS-II, uC/OS-III)
*
* Filename : httpc_port_uctcpip.c
*
* Note(s)  : (1) See httpc_port_uctcpip.h.
*
*            (2) A handle is the address of this port's slot for the socket ID in
*                PortUcTcpIp_SockTbl[]: no allocation, no pool to size.
*
*            (3) Receiving uses NetSock_RxData(), never NetSock_RxDataFrom() with DEF_NULL address
*                arguments: that function checks and writes its address-length argument itself
*                (with NET_ERR_CFG_ARG_CHK_EXT_EN, the template's default, it returns
*                NET_ERR_FAULT_NULL_PTR still holding the stack's global lock; without it, it
*                writes to address 0). Sending uses NetSock_TxDataTo() with DEF_NULL: on a
*                connected stream socket its handler ignores the address, as NetSock_TxData()
*                passes it.
*
*            (4) uC/TCP-IP's NET_SOCK_NBR_SOCK is an unsigned sum (NET_SOCK_CFG_SOCK_NBR_UDP +
*                NET_SOCK_CFG_SOCK_NBR_TCP, both 'u' in net_cfg.h) while socket IDs are signed
*                (CPU_INT16S), and NET_SOCK_DESC_SET()/NET_SOCK_DESC_IS_SET() compare their socket
*                number with both 0 and that unsigned bound. So that the port builds with
*                -Wall -Wextra -Werror against the real headers, counts are cast to the signed
*                socket types, and the descriptor macros get PORT_UCTCPIP_DESC_NBR(sock_id): the
*                ID as a non-negative int (masking with 0x7FFF leaves a valid ID unchanged), which
*                neither -Wsign-compare nor -Wtype-limits flags.
*
*               SPDX-License-Identifier: Apache-2.0
*********************************************************************************************************
*/

/*
*********************************************************************************************************
*                                             INCLUDE FILES
*********************************************************************************************************
*/

#include  <cpu.h>
#include  <lib_def.h>
#include  <net.h>
#include  <net_err.h>
#include  <net_type.h>
#include  <net_sock.h>
#include  <net_app.h>
#include  <net_tcp.h>

#include  "httpc_port_uctcpip.h"


/*
*********************************************************************************************************
*                                            LOCAL DEFINES
*********************************************************************************************************
*/

#define  PORT_UCTCPIP_DESC_NBR(sock_id)         ((sock_id) & 0x7FFF)     /* See Note #4.                    */
#define  PORT_UCTCPIP_SOCK_NBR                  ((NET_SOCK_QTY)(NET_SOCK_NBR_SOCK))


/*
*********************************************************************************************************
*                                              DATA TYPES
*********************************************************************************************************
*/

typedef  CPU_BOOLEAN  (*HTTPc_PORT_UCTCPIP_RNG_FNCT)(CPU_INT08U  *p_buf,
                                                     CPU_INT32U   len);

typedef  struct  httpc_port_uctcpip_ctx {
    HTTPc_PORT_UCTCPIP_RNG_FNCT   RngFnct;                      /* Application's hardware RNG.                          */
    NET_SOCK_ID                   SelSockID;                    /* A socket of the NetSock_Sel() in progress, or NONE.  */
    CPU_BOOLEAN                   WakePending;                  /* Wake() seen: the next Wait() returns at once.        */
} HTTPc_PORT_UCTCPIP_CTX;


/*
*********************************************************************************************************
*                                           LOCAL VARIABLES
*********************************************************************************************************
*/

static  HTTPc_PORT_UCTCPIP_CTX  PortUcTcpIp_Ctx;
static  NET_SOCK_ID             PortUcTcpIp_SockTbl[NET_SOCK_NBR_SOCK];     /* See Note #2.                             */
static  CPU_BOOLEAN             PortUcTcpIp_TxStalled[NET_SOCK_NBR_SOCK];   /* See PortUcTcpIp_Send() Note #2.          */


/*
*********************************************************************************************************
*                                           LOCAL FUNCTIONS
*********************************************************************************************************
*/

static  void  *PortUcTcpIp_HandleGet (NET_SOCK_ID  sock_id)
{
    if ((sock_id < 0) || (sock_id >= PORT_UCTCPIP_SOCK_NBR)) {
        return (DEF_NULL);
    }
    PortUcTcpIp_SockTbl[sock_id]   = sock_id;
    PortUcTcpIp_TxStalled[sock_id] = DEF_NO;

    return ((void *)&PortUcTcpIp_SockTbl[sock_id]);
}


static  NET_SOCK_ID  PortUcTcpIp_SockID (const  void  *handle)
{
    if (handle == DEF_NULL) {
        return (NET_SOCK_ID_NONE);
    }

    return (*(const NET_SOCK_ID *)handle);
}


/* Whether the stack says the socket can take data now (a zero-timeout NetSock_Sel(): a poll). */
static  CPU_BOOLEAN  PortUcTcpIp_TxRdy (NET_SOCK_ID  sock_id)
{
    NET_SOCK_DESC     desc_wr;
    NET_SOCK_TIMEOUT  timeout;
    NET_ERR           err_net;


    NET_SOCK_DESC_INIT(&desc_wr);
    NET_SOCK_DESC_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_wr);
    timeout.timeout_sec = 0;
    timeout.timeout_us  = 0;
   (void)NetSock_Sel((NET_SOCK_QTY)(sock_id + 1),
                      DEF_NULL,
                     &desc_wr,
                      DEF_NULL,
                     &timeout,
                     &err_net);
    if (err_net != NET_SOCK_ERR_NONE) {
        return (DEF_NO);
    }

    return (NET_SOCK_DESC_IS_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_wr) ? DEF_YES : DEF_NO);
}


static  void  PortUcTcpIp_SockClose (NET_SOCK_ID  sock_id)
{
    CPU_INT32U  retry;                                          /* Wider than the limit: a limit of 255 still ends.     */
    NET_ERR     err_net;


    for (retry = 0u; retry <= HTTPc_PORT_UCTCPIP_CFG_CLOSE_RETRY_MAX; retry++) {
       (void)NetSock_Close(sock_id, &err_net);
        switch (err_net) {
            case NET_INIT_ERR_NOT_COMPLETED:                    /* Transitory: the close MIGHT work on a retry.         */
            case NET_ERR_FAULT_LOCK_ACQUIRE:
                 break;

            default:                                            /* Closed, or already closed, or fatal: done.           */
                 return;
        }
    }
}


/*
*********************************************************************************************************
*                                          PortUcTcpIp_Connect()
*********************************************************************************************************
*/

static  CPU_INT32S  PortUcTcpIp_Connect (void                         *p_ctx,
                                         const  CPU_CHAR              *p_host,
                                         CPU_INT16U                    port,
                                         CPU_INT32U                    timeout_ms,
                                         const  HTTPc_PORT_SECURE_CFG *p_secure,
                                         CPU_INT16U                    inactivity_s,
                                         CPU_BOOLEAN                   keep_alive,
                                         void                        **p_handle)
{
    NET_SOCK_ID               sock_id;
    NET_SOCK_ADDR             sock_addr;
    NET_APP_SOCK_SECURE_CFG  *p_secure_cfg;
#ifdef  NET_SECURE_MODULE_EN
    NET_APP_SOCK_SECURE_CFG   secure_cfg;
#endif
    NET_CONN_ID               conn_id_tcp;
    NET_TCP_TIMEOUT_SEC       keep_idle_s;
    CPU_BOOLEAN               opt_bool;
    CPU_INT32S                rtn;
    void                     *handle;
    CPU_CHAR                  host_bare[48];                /* An IPv6 address given in brackets, without them.     */
    CPU_SIZE_T                i;
    NET_ERR                   err_net;


   (void)p_ctx;

    if ((p_host == DEF_NULL) || (p_handle == DEF_NULL)) {
        return (HTTPc_PORT_ERR);
    }
    if (p_host[0] == '[') {                                     /* "[::1]": the address inside the brackets.            */
        for (i = 0u; p_host[1u + i] != ']'; i++) {
            if ((p_host[1u + i] == '\0') || (i + 1u >= sizeof(host_bare))) {
                return (HTTPc_PORT_ERR);
            }
            host_bare[i] = p_host[1u + i];
        }
        host_bare[i] = '\0';
        p_host       = host_bare;
    }

    p_secure_cfg = DEF_NULL;
    if (p_secure != DEF_NULL) {
#ifdef  NET_SECURE_MODULE_EN                                    /* TLS by uC/TCP-IP's secure layer, as before.          */
        secure_cfg.CommonName    = (p_secure->CommonNamePtr != DEF_NULL) ? (CPU_CHAR *)p_secure->CommonNamePtr
                                                                         : (CPU_CHAR *)p_host;
        secure_cfg.TrustCallback =  p_secure->TrustCallback;
        secure_cfg.MutualAuthPtr =  DEF_NULL;
        p_secure_cfg             = &secure_cfg;
#else
        return (HTTPc_PORT_ERR);                                /* No TLS layer in this build.                          */
#endif
    }

                                                                /* ------- RESOLVE, OPEN AND CONNECT (AND TLS) -------- */
    sock_id = NET_SOCK_ID_NONE;
   (void)NetApp_ClientStreamOpenByHostname(&sock_id,
                                           (CPU_CHAR *)p_host,
                                            port,
                                           &sock_addr,
                                            p_secure_cfg,
                                            timeout_ms,
                                           &err_net);
    switch (err_net) {
        case NET_APP_ERR_NONE:
             rtn = HTTPc_PORT_OK;
             break;

        case NET_APP_ERR_CONN_IN_PROGRESS:                      /* Finished by PortUcTcpIp_ConnectPoll().               */
             rtn = HTTPc_PORT_WOULD_BLOCK;
             break;

        default:
             return (HTTPc_PORT_ERR);
    }

    handle = PortUcTcpIp_HandleGet(sock_id);
    if (handle == DEF_NULL) {
        goto exit_close;
    }
                                                                /* ------------------ NON-BLOCKING -------------------- */
   (void)NetSock_CfgBlock(sock_id, NET_SOCK_BLOCK_SEL_NO_BLOCK, &err_net);
    if (err_net != NET_SOCK_ERR_NONE) {
        goto exit_close;
    }
                                                                /* ----------- KEEP-IDLE (INACTIVITY TIMEOUT) --------- */
    if (inactivity_s > 0u) {
        keep_idle_s = (NET_TCP_TIMEOUT_SEC)inactivity_s;
       (void)NetSock_OptSet( sock_id,
                             NET_SOCK_PROTOCOL_TCP,
                             NET_SOCK_OPT_TCP_KEEP_IDLE,
                            &keep_idle_s,
                             sizeof(keep_idle_s),
                            &err_net);
        if (err_net != NET_SOCK_ERR_NONE) {
            goto exit_close;
        }
    }
                                                                /* -------------------- KEEP-ALIVE -------------------- */
    opt_bool = (keep_alive == DEF_YES) ? DEF_YES : DEF_NO;
   (void)NetSock_OptSet( sock_id,
                         NET_SOCK_PROTOCOL_SOCK,
                         NET_SOCK_OPT_SOCK_KEEP_ALIVE,
                        &opt_bool,
                         sizeof(opt_bool),
                        &err_net);
    if (err_net != NET_SOCK_ERR_NONE) {
        goto exit_close;
    }
                                                                /* ---------------- NO DELAY (NAGLE OFF) -------------- */
    opt_bool = DEF_DISABLED;                                    /* The option's value is the Nagle ENABLE flag          */
                                                                /* (NetSock_CfgTxNagleEnHandler()): off, as legacy.     */
   (void)NetSock_OptSet( sock_id,
                         NET_SOCK_PROTOCOL_TCP,
                         NET_SOCK_OPT_TCP_NO_DELAY,
                        &opt_bool,
                         sizeof(opt_bool),
                        &err_net);
    if (err_net != NET_SOCK_ERR_NONE) {
        goto exit_close;
    }
                                                                /* ------------- NO TIME-WAIT HOLD (MSL 0) ------------ */
    conn_id_tcp = NetSock_GetConnTransportID(sock_id, &err_net);
    if (err_net != NET_SOCK_ERR_NONE) {
        goto exit_close;
    }
   (void)NetTCP_ConnCfgMSL_Timeout((NET_TCP_CONN_ID)conn_id_tcp, 0u, &err_net);
    if (err_net != NET_TCP_ERR_NONE) {
        goto exit_close;
    }

   *p_handle = handle;

    return (rtn);


exit_close:
    PortUcTcpIp_SockClose(sock_id);

    return (HTTPc_PORT_ERR);
}


/*
*********************************************************************************************************
*                                        PortUcTcpIp_ConnectPoll()
*********************************************************************************************************
*/

static  CPU_INT32S  PortUcTcpIp_ConnectPoll (void  *p_ctx,
                                             void  *handle)
{
    NET_SOCK_ID       sock_id;
    NET_SOCK_DESC     desc_wr;
    NET_SOCK_DESC     desc_err;
    NET_SOCK_TIMEOUT  timeout;
    NET_ERR           err_net;


   (void)p_ctx;

    sock_id = PortUcTcpIp_SockID(handle);
    if (sock_id == NET_SOCK_ID_NONE) {
        return (HTTPc_PORT_ERR);
    }

    NET_SOCK_DESC_INIT(&desc_wr);
    NET_SOCK_DESC_INIT(&desc_err);
    NET_SOCK_DESC_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_wr);
    NET_SOCK_DESC_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_err);
    timeout.timeout_sec = 0;                                    /* Zero timeout: a poll.                                */
    timeout.timeout_us  = 0;

   (void)NetSock_Sel((NET_SOCK_QTY)(sock_id + 1),
                      DEF_NULL,
                     &desc_wr,
                     &desc_err,
                     &timeout,
                     &err_net);
    switch (err_net) {
        case NET_SOCK_ERR_NONE:
             break;

        case NET_SOCK_ERR_TIMEOUT:
             return (HTTPc_PORT_WOULD_BLOCK);

        default:
             return (HTTPc_PORT_ERR);
    }

    if (NET_SOCK_DESC_IS_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_err)) {
        return (HTTPc_PORT_ERR);
    }
    if (NET_SOCK_DESC_IS_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_wr)) {
        return (HTTPc_PORT_OK);
    }

    return (HTTPc_PORT_WOULD_BLOCK);
}


/*
*********************************************************************************************************
*                                           PortUcTcpIp_Send()
*
* Note(s) : (1) Error mapping of the legacy HTTPcSock_ConnDataTx(), but for (3).
*
*            (2) NET_ERR_TX is a full window or transmit queue, or no network buffer free
*                (NET_TCP_ERR_NONE_AVAIL). In the first case NetSock_Sel() waits for room, as it
*                should. In the second it still reports the socket writable (it checks the window
*                only), and a Wait() on it would return at once, again and again, until the
*                stack's own task frees buffers, which a higher-priority engine task never lets
*                it do. So when a poll says writable after such a failure, the socket is marked
*                stalled: Wait() does not select it for writing but sleeps at most
*                HTTPc_PORT_UCTCPIP_CFG_TX_RETRY_MS, and the next send tries.
*
*            (3) A reset or a retransmission timeout closes the socket inside the stack, which
*                then answers every call on it with NET_SOCK_ERR_INVALID_TYPE (its type is
*                FAULT): the connection is gone, HTTPc_PORT_CLOSED (the legacy client reported a
*                fatal error).
*********************************************************************************************************
*/

static  CPU_INT32S  PortUcTcpIp_Send (void               *p_ctx,
                                      void               *handle,
                                      const  CPU_INT08U  *p_data,
                                      CPU_INT32U          len)
{
    NET_SOCK_ID        sock_id;
    CPU_INT16U         tx_len;
    NET_SOCK_RTN_CODE  rtn;
    NET_ERR            err_net;


   (void)p_ctx;

    sock_id = PortUcTcpIp_SockID(handle);
    if (sock_id == NET_SOCK_ID_NONE) {
        return (HTTPc_PORT_ERR);
    }
    tx_len = (len > DEF_INT_16U_MAX_VAL) ? (CPU_INT16U)DEF_INT_16U_MAX_VAL : (CPU_INT16U)len;

    rtn = NetSock_TxDataTo(         sock_id,
                           (void *) p_data,
                                    tx_len,
                                    NET_SOCK_FLAG_NO_BLOCK,
                                    DEF_NULL,                   /* See Note #3 (file header).                           */
                                    0u,
                                   &err_net);
    switch (err_net) {
        case NET_SOCK_ERR_NONE:                                 /* Data taken (maybe part), or none yet.                */
        case NET_INIT_ERR_NOT_COMPLETED:
        case NET_SOCK_ERR_PORT_NBR_NONE_AVAIL:
        case NET_CONN_ERR_NONE_AVAIL:
        case NET_ERR_FAULT_LOCK_ACQUIRE:
             if (rtn > 0) {
                 PortUcTcpIp_TxStalled[sock_id] = DEF_NO;
                 return ((CPU_INT32S)rtn);
             }
             return (HTTPc_PORT_WOULD_BLOCK);

        case NET_ERR_TX:                                        /* Transitory tx err (see Note #2).                     */
             PortUcTcpIp_TxStalled[sock_id] = PortUcTcpIp_TxRdy(sock_id);
             return (HTTPc_PORT_WOULD_BLOCK);

        case NET_SOCK_ERR_CLOSED:                               /* Conn closed by peer.                                 */
        case NET_SOCK_ERR_TX_Q_CLOSED:
        case NET_SOCK_ERR_INVALID_TYPE:                         /* Reset (see Note #3).                                 */
             return (HTTPc_PORT_CLOSED);

        default:                                                /* Fatal err.                                           */
             return (HTTPc_PORT_ERR);
    }
}


/*
*********************************************************************************************************
*                                           PortUcTcpIp_Recv()
*
* Note(s) : (1) Error mapping of the legacy HTTPcSock_ConnDataRx(), but for a reset
*                (PortUcTcpIp_Send() Note #3).
*********************************************************************************************************
*/

static  CPU_INT32S  PortUcTcpIp_Recv (void        *p_ctx,
                                      void        *handle,
                                      CPU_INT08U  *p_buf,
                                      CPU_INT32U   len)
{
    NET_SOCK_ID        sock_id;
    CPU_INT16U         rx_len;
    NET_SOCK_RTN_CODE  rtn;
    NET_ERR            err_net;


   (void)p_ctx;

    sock_id = PortUcTcpIp_SockID(handle);
    if (sock_id == NET_SOCK_ID_NONE) {
        return (HTTPc_PORT_ERR);
    }
    rx_len = (len > DEF_INT_16U_MAX_VAL) ? (CPU_INT16U)DEF_INT_16U_MAX_VAL : (CPU_INT16U)len;

    rtn = NetSock_RxData(         sock_id,                      /* See Note #3 (file header).                           */
                         (void *) p_buf,
                                  rx_len,
                                  NET_SOCK_FLAG_NO_BLOCK,
                                 &err_net);
    switch (err_net) {
        case NET_SOCK_ERR_NONE:                                 /* Data received.                                       */
        case NET_SOCK_ERR_INVALID_DATA_SIZE:
             return ((rtn > 0) ? (CPU_INT32S)rtn : HTTPc_PORT_WOULD_BLOCK);

        case NET_ERR_RX:                                        /* Transitory rx err(s).                                */
        case NET_INIT_ERR_NOT_COMPLETED:
        case NET_SOCK_ERR_RX_Q_EMPTY:
        case NET_ERR_FAULT_LOCK_ACQUIRE:
             return (HTTPc_PORT_WOULD_BLOCK);

        case NET_SOCK_ERR_CLOSED:                               /* Conn closed by peer.                                 */
        case NET_SOCK_ERR_RX_Q_CLOSED:
        case NET_SOCK_ERR_INVALID_TYPE:                         /* Reset (see PortUcTcpIp_Send() Note #3).              */
             return (HTTPc_PORT_CLOSED);

        default:                                                /* Fatal err.                                           */
             return (HTTPc_PORT_ERR);
    }
}


/*
*********************************************************************************************************
*                                           PortUcTcpIp_Close()
*********************************************************************************************************
*/

static  void  PortUcTcpIp_Close (void  *p_ctx,
                                 void  *handle)
{
    NET_SOCK_ID  sock_id;


   (void)p_ctx;

    sock_id = PortUcTcpIp_SockID(handle);
    if (sock_id == NET_SOCK_ID_NONE) {
        return;
    }
    PortUcTcpIp_SockClose(sock_id);
    PortUcTcpIp_SockTbl[sock_id] = NET_SOCK_ID_NONE;
}


/*
*********************************************************************************************************
*                                     PortUcTcpIp_Random(), _TimeGet_ms()
*********************************************************************************************************
*/

static  CPU_BOOLEAN  PortUcTcpIp_Random (void        *p_ctx,
                                         CPU_INT08U  *p_buf,
                                         CPU_INT32U   len)
{
    HTTPc_PORT_UCTCPIP_CTX  *p_port_ctx = (HTTPc_PORT_UCTCPIP_CTX *)p_ctx;


    if (p_port_ctx->RngFnct == DEF_NULL) {                      /* No weak fallback.                                    */
        return (DEF_FAIL);
    }

    return (p_port_ctx->RngFnct(p_buf, len));
}


static  CPU_INT32U  PortUcTcpIp_TimeGet_ms (void  *p_ctx)
{
   (void)p_ctx;

    return (HTTPc_PortUcTcpIp_TimeGet_ms());
}


/*
*********************************************************************************************************
*                                     PortUcTcpIp_Wait(), _Wake()
*
* Note(s) : (1) NetSock_Sel() with no socket and a timeout is a plain delay (Net_TimeDly()); with
*               no socket it cannot be aborted, hence the cap on every timeout.
*********************************************************************************************************
*/

static  void  PortUcTcpIp_Wait (void                                *p_ctx,
                                const  HTTPc_PORT_WAIT_ENTRY        *p_entries,
                                CPU_INT16U                           nbr_entries,
                                CPU_INT32U                           timeout_ms)
{
    HTTPc_PORT_UCTCPIP_CTX  *p_port_ctx = (HTTPc_PORT_UCTCPIP_CTX *)p_ctx;
    NET_SOCK_DESC            desc_rd;
    NET_SOCK_DESC            desc_wr;
    NET_SOCK_DESC            desc_err;
    NET_SOCK_TIMEOUT         timeout;
    NET_SOCK_QTY             sock_nbr_max;
    NET_SOCK_ID              sock_id;
    NET_SOCK_ID              sock_id_first;
    CPU_INT16U               ix;
    NET_ERR                  err_net;
    CPU_SR_ALLOC();


    if (timeout_ms > HTTPc_PORT_UCTCPIP_CFG_WAIT_MAX_MS) {      /* Includes HTTPc_PORT_WAIT_FOREVER (see Note #1).      */
        timeout_ms = HTTPc_PORT_UCTCPIP_CFG_WAIT_MAX_MS;
    }

    NET_SOCK_DESC_INIT(&desc_rd);
    NET_SOCK_DESC_INIT(&desc_wr);
    NET_SOCK_DESC_INIT(&desc_err);
    sock_nbr_max  = 0;
    sock_id_first = NET_SOCK_ID_NONE;

    for (ix = 0u; (p_entries != DEF_NULL) && (ix < nbr_entries); ix++) {
        sock_id = PortUcTcpIp_SockID(p_entries[ix].Handle);
        if ((sock_id == NET_SOCK_ID_NONE) || (p_entries[ix].Want == 0u)) {
            continue;
        }
        if ((p_entries[ix].Want & HTTPc_PORT_WAIT_RD) != 0u) {
            NET_SOCK_DESC_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_rd);
        }
        if ((p_entries[ix].Want & HTTPc_PORT_WAIT_WR) != 0u) {
            if (PortUcTcpIp_TxStalled[sock_id] == DEF_YES) {    /* Not selected: retried after a short sleep ...        */
                if (timeout_ms > HTTPc_PORT_UCTCPIP_CFG_TX_RETRY_MS) {
                    timeout_ms = HTTPc_PORT_UCTCPIP_CFG_TX_RETRY_MS;
                }                                               /* ... (see PortUcTcpIp_Send() Note #2).                */
            } else {
                NET_SOCK_DESC_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_wr);
            }
        }
        NET_SOCK_DESC_SET(PORT_UCTCPIP_DESC_NBR(sock_id), &desc_err);
        if (sock_id_first == NET_SOCK_ID_NONE) {
            sock_id_first = sock_id;
        }
        if (sock_nbr_max <= sock_id) {
            sock_nbr_max = (NET_SOCK_QTY)(sock_id + 1);
        }
    }

    timeout.timeout_sec = (CPU_INT32S)(timeout_ms / DEF_TIME_NBR_mS_PER_SEC);
    timeout.timeout_us  = (CPU_INT32S)((timeout_ms % DEF_TIME_NBR_mS_PER_SEC) * (DEF_TIME_NBR_uS_PER_SEC / DEF_TIME_NBR_mS_PER_SEC));

    CPU_CRITICAL_ENTER();
    if (p_port_ctx->WakePending == DEF_YES) {                   /* Woken before we slept: return now.                   */
        p_port_ctx->WakePending = DEF_NO;
        CPU_CRITICAL_EXIT();
        return;
    }
    p_port_ctx->SelSockID = sock_id_first;                      /* What Wake() aborts.                                  */
    CPU_CRITICAL_EXIT();

   (void)NetSock_Sel( sock_nbr_max,                             /* Timeout, abort and errors all just end the wait.     */
                     &desc_rd,
                     &desc_wr,
                     &desc_err,
                     &timeout,
                     &err_net);

    CPU_CRITICAL_ENTER();
    p_port_ctx->SelSockID = NET_SOCK_ID_NONE;
    CPU_CRITICAL_EXIT();
}


static  void  PortUcTcpIp_Wake (void  *p_ctx)
{
    HTTPc_PORT_UCTCPIP_CTX  *p_port_ctx = (HTTPc_PORT_UCTCPIP_CTX *)p_ctx;
    NET_SOCK_ID              sock_id;
    NET_ERR                  err_net;
    CPU_SR_ALLOC();


    CPU_CRITICAL_ENTER();
    sock_id                 = p_port_ctx->SelSockID;
    p_port_ctx->WakePending = DEF_YES;                          /* Also covers a Wait() about to start.                 */
    CPU_CRITICAL_EXIT();

    if (sock_id != NET_SOCK_ID_NONE) {
                                                                /* Under the network lock: NetSock_SelAbort() walks the */
                                                                /* select's objects without it, and a select that ends  */
                                                                /* meanwhile frees them (and deletes its semaphore)     */
                                                                /* under it. Held here, the abort sees them whole or    */
                                                                /* not at all (the stack's Sel releases it to pend).    */
        Net_GlobalLockAcquire(DEF_NULL, &err_net);
        if (err_net == NET_ERR_NONE) {
            NetSock_SelAbort(sock_id, &err_net);                /* NONE / NONE_AVAIL: fine; others: the wait times out. */
            Net_GlobalLockRelease();
        }
       (void)err_net;
    }
}


/*
*********************************************************************************************************
*                                        HTTPc_PortUcTcpIp_Get()
*
* Description : Fill a port structure with the uC/TCP-IP implementation.
*
* Argument(s) : p_port      Port structure to fill (then give it to HTTPc_PortSet()).
*
*               rng         Hardware RNG read function (see httpc_port_uctcpip.h).
*
* Return(s)   : None.
*********************************************************************************************************
*/

void  HTTPc_PortUcTcpIp_Get (HTTPc_PORT   *p_port,
                             CPU_BOOLEAN (*rng)(CPU_INT08U  *p_buf,
                                                CPU_INT32U   len))
{
    NET_SOCK_QTY  ix;


    if (p_port == DEF_NULL) {
        return;
    }

    PortUcTcpIp_Ctx.RngFnct     = rng;
    PortUcTcpIp_Ctx.SelSockID   = NET_SOCK_ID_NONE;
    PortUcTcpIp_Ctx.WakePending = DEF_NO;
    for (ix = 0; ix < PORT_UCTCPIP_SOCK_NBR; ix++) {
        PortUcTcpIp_SockTbl[ix] = NET_SOCK_ID_NONE;
    }

    p_port->Ctx         = (void *)&PortUcTcpIp_Ctx;
    p_port->Connect     = PortUcTcpIp_Connect;
    p_port->ConnectPoll = PortUcTcpIp_ConnectPoll;
    p_port->Send        = PortUcTcpIp_Send;
    p_port->Recv        = PortUcTcpIp_Recv;
    p_port->Close       = PortUcTcpIp_Close;
    if (rng != DEF_NULL) {
        p_port->Random  = PortUcTcpIp_Random;
    } else {
        p_port->Random  = DEF_NULL;                             /* HTTPc_PortSet() rejects the port.                    */
    }
    p_port->TimeGet_ms  = PortUcTcpIp_TimeGet_ms;
    p_port->Wait        = PortUcTcpIp_Wait;
    p_port->Wake        = PortUcTcpIp_Wake;
    p_port->TaskCreate  = DEF_NULL;                             /* See httpc_port_uctcpip.h Note #3.                    */
    p_port->Lock        = DEF_NULL;
    p_port->Unlock      = DEF_NULL;
    p_port->OsWait      = DEF_NULL;
    p_port->OsSignal    = DEF_NULL;
    p_port->Watch       = DEF_NULL;                             /* Wait lists the sockets (see PORTING.md).            */
}
