/*
 * The fake uC/TCP-IP of net_fake.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include <net.h>
#include <net_app.h>
#include <net_sock.h>
#include <net_tcp.h>

#include "net_fake.h"

NET_FAKE NetFake;

void NetFake_Reset(void)
{
    memset(&NetFake, 0, sizeof NetFake);
    NetFake.TxRoom = sizeof NetFake.Tx;
    NetFake.NagleEn = DEF_ENABLED; /* the stack's default (net_tcp.c) */
}

/* uC/CPU's critical section: one thread here, nothing to mask. */
CPU_SR CPU_SR_Save(void)
{
    return 0u;
}

void CPU_SR_Restore(CPU_SR cpu_sr)
{
    (void)cpu_sr;
}

void Mem_Clr(void *p_mem, CPU_SIZE_T size)
{
    memset(p_mem, 0, size);
}

void Mem_Copy(void *p_dest, const void *p_src, CPU_SIZE_T size)
{
    memcpy(p_dest, p_src, size);
}

/* Net_GlobalLockAcquire(): not reentrant; a caller that finds it held fails. */
static CPU_BOOLEAN lock(NET_ERR *p_err)
{
    if (NetFake.LockDepth != 0) {
        NetFake.LockFaults++;
        *p_err = NET_ERR_FAULT_LOCK_ACQUIRE;
        return DEF_NO;
    }
    NetFake.LockDepth++;
    return DEF_YES;
}

static void unlock(void)
{
    NetFake.LockDepth--;
}

NET_IP_ADDR_FAMILY NetApp_ClientStreamOpenByHostname(NET_SOCK_ID *p_sock_id, CPU_CHAR *p_host_server,
                                                     NET_PORT_NBR port_nbr, NET_SOCK_ADDR *p_sock_addr,
                                                     NET_APP_SOCK_SECURE_CFG *p_secure_cfg,
                                                     CPU_INT32U req_timeout_ms, NET_ERR *p_err)
{
    (void)port_nbr, (void)p_sock_addr, (void)p_secure_cfg, (void)req_timeout_ms;
    if (!lock(p_err)) {
        return NET_IP_ADDR_FAMILY_NONE;
    }
    NetFake.Connects++;
    (void)snprintf(NetFake.Host, sizeof NetFake.Host, "%s", (const char *)p_host_server);
    *p_sock_id = NET_FAKE_SOCK_ID;
    *p_err = NetFake.ConnectInProgress ? NET_APP_ERR_CONN_IN_PROGRESS : NET_APP_ERR_NONE;
    unlock();
    return NET_IP_ADDR_FAMILY_IPv4;
}

CPU_BOOLEAN NetSock_CfgBlock(NET_SOCK_ID sock_id, CPU_INT08U block, NET_ERR *p_err)
{
    (void)sock_id;
    if (!lock(p_err)) {
        return DEF_FAIL;
    }
    NetFake.NoBlock = (block == NET_SOCK_BLOCK_SEL_NO_BLOCK);
    *p_err = NET_SOCK_ERR_NONE;
    unlock();
    return DEF_OK;
}

NET_SOCK_RTN_CODE NetSock_OptSet(NET_SOCK_ID sock_id, NET_SOCK_PROTOCOL level, NET_SOCK_OPT_NAME opt_name,
                                 const void *popt_val, NET_SOCK_OPT_LEN opt_len, NET_ERR *p_err)
{
    (void)sock_id, (void)level;
    if (!lock(p_err)) {
        return -1;
    }
    /* net_sock.c passes the value to NetSock_CfgTxNagleEnHandler(): DEF_ENABLED turns Nagle on. */
    if (opt_name == NET_SOCK_OPT_TCP_NO_DELAY && opt_len == sizeof(CPU_BOOLEAN)) {
        NetFake.NagleEn = *(const CPU_BOOLEAN *)popt_val;
    }
    *p_err = NET_SOCK_ERR_NONE;
    unlock();
    return 0;
}

NET_CONN_ID NetSock_GetConnTransportID(NET_SOCK_ID sock_id, NET_ERR *p_err)
{
    (void)sock_id;
    if (!lock(p_err)) {
        return -1;
    }
    *p_err = NET_SOCK_ERR_NONE;
    unlock();
    return 7;
}

CPU_BOOLEAN NetTCP_ConnCfgMSL_Timeout(NET_TCP_CONN_ID conn_id_tcp, NET_TCP_TIMEOUT_SEC msl_timeout_sec,
                                      NET_ERR *p_err)
{
    (void)conn_id_tcp, (void)msl_timeout_sec;
    if (!lock(p_err)) {
        return DEF_FAIL;
    }
    *p_err = NET_TCP_ERR_NONE;
    unlock();
    return DEF_OK;
}

NET_SOCK_RTN_CODE NetSock_TxDataTo(NET_SOCK_ID sock_id, void *p_data, CPU_INT16U data_len,
                                   NET_SOCK_API_FLAGS flags, NET_SOCK_ADDR *paddr_remote,
                                   NET_SOCK_ADDR_LEN addr_len, NET_ERR *p_err)
{
    size_t n = data_len;
    (void)sock_id, (void)flags, (void)paddr_remote, (void)addr_len; /* unused on a stream socket */
    if (!lock(p_err)) {
        return -1;
    }
    if (NetFake.ResetByPeer) {
        *p_err = NET_SOCK_ERR_INVALID_TYPE;
        unlock();
        return -1;
    }
    if (NetFake.NoBufs || NetFake.TxRoom == 0u) {
        *p_err = NET_ERR_TX; /* net_sock.c: NET_TCP_ERR_NONE_AVAIL and a full window alike */
        unlock();
        return -1;
    }
    if (n > NetFake.TxRoom) {
        n = NetFake.TxRoom;
    }
    memcpy(NetFake.Tx + NetFake.TxLen, p_data, n);
    NetFake.TxLen += n;
    NetFake.TxRoom -= n;
    *p_err = NET_SOCK_ERR_NONE;
    unlock();
    return (NET_SOCK_RTN_CODE)n;
}

/* The socket's receive, with the answers of the real one for an empty or closed queue. */
static NET_SOCK_RTN_CODE rx(void *pdata_buf, CPU_INT16U data_buf_len, NET_ERR *p_err)
{
    size_t n = NetFake.RxLen - NetFake.RxOff;
    if (NetFake.ResetByPeer) {
        *p_err = NET_SOCK_ERR_INVALID_TYPE;
        return -1;
    }
    if (n == 0u) {
        *p_err = NetFake.PeerClosed ? NET_SOCK_ERR_RX_Q_CLOSED : NET_SOCK_ERR_RX_Q_EMPTY;
        return NetFake.PeerClosed ? 0 : -1;
    }
    if (n > data_buf_len) {
        n = data_buf_len;
    }
    memcpy(pdata_buf, NetFake.Rx + NetFake.RxOff, n);
    NetFake.RxOff += n;
    *p_err = NET_SOCK_ERR_NONE;
    return (NET_SOCK_RTN_CODE)n;
}

NET_SOCK_RTN_CODE NetSock_RxData(NET_SOCK_ID sock_id, void *pdata_buf, CPU_INT16U data_buf_len,
                                 NET_SOCK_API_FLAGS flags, NET_ERR *p_err)
{
    NET_SOCK_RTN_CODE r;
    (void)sock_id, (void)flags;
    if (!lock(p_err)) {
        return -1;
    }
    r = rx(pdata_buf, data_buf_len, p_err);
    unlock();
    return r;
}

/* As the real one (net_sock.c, NET_ERR_CFG_ARG_CHK_EXT_EN, the template's default): its own
 * argument checks run with the lock taken, and a NULL address length returns without giving it
 * back. */
NET_SOCK_RTN_CODE NetSock_RxDataFrom(NET_SOCK_ID sock_id, void *pdata_buf, CPU_INT16U data_buf_len,
                                     NET_SOCK_API_FLAGS flags, NET_SOCK_ADDR *paddr_remote,
                                     NET_SOCK_ADDR_LEN *paddr_len, void *pip_opts_buf,
                                     CPU_INT08U ip_opts_buf_len, CPU_INT08U *pip_opts_len,
                                     NET_ERR *p_err)
{
    NET_SOCK_RTN_CODE r;
    (void)sock_id, (void)flags, (void)pip_opts_buf, (void)ip_opts_buf_len, (void)pip_opts_len;
    if (!lock(p_err)) {
        return -1;
    }
    if (paddr_len == NULL) {
        *p_err = NET_ERR_FAULT_NULL_PTR;
        return -1; /* the lock stays held */
    }
    *paddr_len = 0u;
    if (paddr_remote == NULL) {
        *p_err = NET_ERR_FAULT_NULL_PTR;
        unlock();
        return -1;
    }
    r = rx(pdata_buf, data_buf_len, p_err);
    unlock();
    return r;
}

NET_SOCK_RTN_CODE NetSock_Close(NET_SOCK_ID sock_id, NET_ERR *p_err)
{
    (void)sock_id;
    if (!lock(p_err)) {
        return -1;
    }
    NetFake.Closes++;
    if (NetFake.CloseLockFaults > 0) {
        NetFake.CloseLockFaults--;
        *p_err = NET_ERR_FAULT_LOCK_ACQUIRE;
        unlock();
        return -1;
    }
    *p_err = NET_SOCK_ERR_NONE;
    unlock();
    return 0;
}

/* Readable when data or the peer's close waits, writable while the socket takes bytes. */
NET_SOCK_RTN_CODE NetSock_Sel(NET_SOCK_QTY sock_nbr_max, NET_SOCK_DESC *psock_desc_rd,
                              NET_SOCK_DESC *psock_desc_wr, NET_SOCK_DESC *psock_desc_err,
                              NET_SOCK_TIMEOUT *ptimeout, NET_ERR *p_err)
{
    int rd = (NetFake.RxLen > NetFake.RxOff) || NetFake.PeerClosed;
    int wr = NetFake.TxRoom > 0u; /* the window: buffers are not checked (NetTCP_ConnIsRdyTx) */
    int n = 0;
    (void)sock_nbr_max;
    if (!lock(p_err)) {
        return -1;
    }
    NetFake.Sels++;
    NetFake.SelTimeoutMs = (ptimeout == NULL) ? -1
                         : (long)ptimeout->timeout_sec * 1000L + (long)ptimeout->timeout_us / 1000L;
    NetFake.SelWr = psock_desc_wr != NULL && NET_SOCK_DESC_IS_SET(NET_FAKE_SOCK_ID, psock_desc_wr);
    if (psock_desc_rd != NULL && !(rd && NET_SOCK_DESC_IS_SET(NET_FAKE_SOCK_ID, psock_desc_rd))) {
        NET_SOCK_DESC_INIT(psock_desc_rd);
    } else if (psock_desc_rd != NULL) {
        n++;
    }
    if (psock_desc_wr != NULL && !(wr && NET_SOCK_DESC_IS_SET(NET_FAKE_SOCK_ID, psock_desc_wr))) {
        NET_SOCK_DESC_INIT(psock_desc_wr);
    } else if (psock_desc_wr != NULL) {
        n++;
    }
    if (psock_desc_err != NULL) {
        NET_SOCK_DESC_INIT(psock_desc_err);
    }
    if (NetFake.DuringSel != NULL) {
        /* The stack releases its lock while it pends: another task runs. */
        unlock();
        NetFake.DuringSel();
        if (!lock(p_err)) {
            return -1;
        }
    }
    *p_err = (n > 0) ? NET_SOCK_ERR_NONE : NET_SOCK_ERR_TIMEOUT;
    unlock();
    return n;
}

/* Like the stack's, it does not take the global lock itself: its caller must hold it. */
void NetSock_SelAbort(NET_SOCK_ID sock_id, NET_ERR *p_err)
{
    (void)sock_id;
    NetFake.SelAborts++;
    NetFake.SelAbortsLocked += (NetFake.LockDepth > 0);
    *p_err = NET_SOCK_ERR_NONE;
}

void Net_GlobalLockAcquire(void *p_fcnt, NET_ERR *p_err)
{
    (void)p_fcnt;
    if (lock(p_err)) {
        *p_err = NET_ERR_NONE;
    }
}

void Net_GlobalLockRelease(void)
{
    unlock();
}
