/*
 * app_perf.c: what one echo costs the MCU. After the upgrade, `count` messages of `size` bytes
 * (binary, one in flight) go to the echo server and come back, in bare-metal poll mode:
 * HTTPc_WebSockSend with HTTPc_FLAG_WEBSOCK_NO_BLOCK, then HTTPc_TaskHandler() until
 * OnMsgRxComplete (buffer mode: OnMsgRxInit hands a buffer of the message's length). Every
 * echo is checked byte by byte.
 *
 * The core clock ticks (25 MHz SysTick) spent inside the library's calls are summed, and
 * separately those spent inside the port's Send and Recv (the network stack under it: lwIP and
 * the Ethernet driver, or the UART): the library's own share is the difference. Idle time (WFI
 * while the host answers) is in neither, and neither are the HTTPc_TaskHandler() passes in which
 * no byte moved (a tick woke the loop before the echo was there: how many depends on the host's
 * timing, so they are counted apart). Under QEMU's -icount shift=0 a tick is 40 instructions,
 * so the report is in instructions. With loop=1 the peer is an echo server in memory
 * (port_loop.c): no network, no interrupt, no idle pass, the same count on every run; the
 * server's work (inside Send/Recv) is not the library's and is left out as above.
 *
 * Report:
 *
 *   PERF size=64 count=2000 library=N port=M instructions per echo
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "http-c.h"

#include "app.h"
#include "board.h"
#include "fwlib.h"
#include "netport.h"
#include "port_loop.h"

#define CONN_BUF_LEN 2048u
#define MAX_SIZE     1024u

static CPU_CHAR ConnBuf[CONN_BUF_LEN];
static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ Req;
static HTTPc_RESP_OBJ Resp;
static HTTPc_WEBSOCK_OBJ Ws;
static HTTPc_WEBSOCK_MSG_OBJ Msg;
static uint8_t TxBuf[MAX_SIZE];
static uint8_t RxBuf[MAX_SIZE];

static volatile int Opened;
static volatile int RxDone;
static uint32_t RxLen;
static uint32_t Errors;
static uint32_t PortTicks; /* inside the port's Send/Recv */
static int Moved;          /* the port moved bytes since this was cleared */
static uint32_t Calls[3];  /* Send, Recv, HTTPc_TaskHandler() calls during the echoes */

static HTTPc_PORT_SEND InnerSend;
static HTTPc_PORT_RECV InnerRecv;

static CPU_INT32S timed_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    uint32_t t0 = board_ticks();
    CPU_INT32S r = InnerSend(p_ctx, handle, p_data, len);
    PortTicks += board_ticks() - t0;
    Calls[0]++;
    Moved |= r > 0;
    return r;
}

static CPU_INT32S timed_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    uint32_t t0 = board_ticks();
    CPU_INT32S r = InnerRecv(p_ctx, handle, p_buf, len);
    PortTicks += board_ticks() - t0;
    Calls[1]++;
    Moved |= r > 0;
    return r;
}

static void on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    (void)status;
    (void)err;
}

static void on_tx_complete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN ok)
{
    (void)p_conn;
    (void)p_msg;
    if (ok != DEF_OK) {
        Errors++;
    }
}

static void on_open(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    Opened = 1;
}

static void on_err(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    (void)p_conn;
    (void)err;
    Errors++;
}

static void on_rx_init(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, CPU_INT32U len, void **p_data)
{
    (void)p_conn;
    (void)type;
    RxLen = len;
    *p_data = len <= sizeof RxBuf ? (void *)RxBuf : 0;
}

static void on_rx_complete(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    RxDone = 1;
}

static uint32_t IdlePasses;
static uint32_t IdleTicks;

/* Runs the engine until *p_flag is set (false after timeout_ms); the ticks spent in the
 * HTTPc_TaskHandler() passes that moved bytes are added to *p_ticks (with the port's share of
 * them in PortTicks), the others counted apart. */
static int pump(volatile int *p_flag, uint32_t timeout_ms, uint32_t *p_ticks)
{
    uint32_t start = board_ms();
    while (!*p_flag) {
        uint32_t t0;
        uint32_t port0 = PortTicks;
        CPU_INT32U next;
        if (board_ms() - start >= timeout_ms) {
            return 0;
        }
        Moved = 0;
        t0 = board_ticks();
        next = HTTPc_TaskHandler();
        Calls[2]++;
        if (Moved || *p_flag) {
            *p_ticks += board_ticks() - t0;
        } else {
            IdlePasses++;
            IdleTicks += board_ticks() - t0;
            PortTicks = port0;
        }
        if (next > 0u && !*p_flag) {
            netport_idle();
        }
    }
    return 1;
}

int app_perf(const APP_ARGS *p_args)
{
    static const HTTPc_CFG cfg = {0u, 4u, 5000u, 30u, DEF_NO};
    HTTPc_PORT port;
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_INT16U server_port = (CPU_INT16U)p_args->port;
    uint32_t size = p_args->size;
    uint32_t count = p_args->count;
    uint32_t lib_ticks = 0;
    uint32_t port_ticks;
    uint32_t i;
    uint32_t bad = 0;
    uint32_t ignored = 0;

    if (size == 0u || size > MAX_SIZE || count == 0u) {
        fw_printf("perf: size=1..%u count>0\n", (unsigned)MAX_SIZE);
        return 2;
    }
    if (p_args->loop) {
        port_loop_get(&port);
    } else {
        netport_get(&port);
    }
    InnerSend = port.Send;
    InnerRecv = port.Recv;
    port.Send = timed_send;
    port.Recv = timed_recv;
    HTTPc_PortSet(&port, &err);
    HTTPc_Init(&cfg, 0, 0, &err);
    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ReqClr(&Req, &err);
    HTTPc_WebSockClr(&Ws, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&on_conn_close, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)&on_open, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, (void *)&on_err, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)&on_rx_init, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)&on_rx_complete, &err);
    if (HTTPc_ConnOpen(&Conn, ConnBuf, (CPU_INT16U)CONN_BUF_LEN, (CPU_CHAR *)p_args->host,
                       (CPU_INT16U)fw_strlen(p_args->host), HTTPc_FLAG_NONE, &err) != DEF_OK ||
        HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)p_args->path, (CPU_INT16U)fw_strlen(p_args->path),
                             HTTPc_FLAG_NONE, &err) != DEF_OK ||
        !pump(&Opened, 5000u, &ignored)) {
        fw_printf("perf: the connection or the upgrade failed (err %u)\n", (unsigned)err);
        return 1;
    }
    for (i = 0; i < size; i++) {
        TxBuf[i] = (uint8_t)(i * 13u + 5u);
    }

    PortTicks = 0;
    IdlePasses = 0;
    IdleTicks = 0;
    Calls[0] = Calls[1] = Calls[2] = 0;
    for (i = 0; i < count; i++) {
        uint32_t t0;
        uint32_t k;
        CPU_BOOLEAN ok;
        TxBuf[0] = (uint8_t)i; /* each echo differs */
        RxDone = 0;
        HTTPc_WebSockMsgClr(&Msg, &err);
        HTTPc_WebSockMsgSetParam(&Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, (void *)&on_tx_complete, &err);
        t0 = board_ticks();
        ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, (CPU_CHAR *)TxBuf, size,
                               HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
        lib_ticks += board_ticks() - t0;
        if (ok != DEF_OK || !pump(&RxDone, 10000u, &lib_ticks)) {
            fw_printf("perf: echo %u failed (err %u)\n", (unsigned)i, (unsigned)err);
            return 1;
        }
        for (k = 0; k < size && RxLen == size; k++) {
            if (RxBuf[k] != TxBuf[k]) {
                break;
            }
        }
        if (RxLen != size || k != size) {
            bad++;
        }
    }
    port_ticks = PortTicks;
    fw_printf("perf: %u echoes of %u bytes, %u wrong, %u errors; ticks in library calls %u, of which in the "
              "port's Send/Recv %u; %u passes moved nothing (%u ticks, %u instructions each)\n",
              (unsigned)count, (unsigned)size, (unsigned)bad, (unsigned)Errors, (unsigned)lib_ticks,
              (unsigned)port_ticks, (unsigned)IdlePasses, (unsigned)IdleTicks,
              IdlePasses != 0u ? (unsigned)((uint64_t)IdleTicks * 40u / IdlePasses) : 0u);
    fw_printf("perf: per 100 echoes: %u sends, %u receives, %u HTTPc_TaskHandler() passes\n",
              (unsigned)(Calls[0] * 100u / count), (unsigned)(Calls[1] * 100u / count),
              (unsigned)(Calls[2] * 100u / count));
    /* 40 instructions per tick under -icount shift=0. */
    fw_printf("PERF size=%u count=%u library=%u port=%u instructions per echo\n", (unsigned)size, (unsigned)count,
              (unsigned)((uint64_t)(lib_ticks - port_ticks) * 40u / count),
              (unsigned)((uint64_t)port_ticks * 40u / count));
    HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
    if (p_args->loop) {
        fw_printf("perf: the loopback server echoed %u frames, saw %u errors\n", (unsigned)port_loop_echoed(),
                  (unsigned)port_loop_errors());
        Errors += port_loop_errors();
    } else {
        netport_finish();
    }
    if (bad != 0u || Errors != 0u) {
        fw_printf("RESULT: FAIL\n");
        return 1;
    }
    fw_printf("RESULT: PASS (%u echoes)\n", (unsigned)count);
    return 0;
}
