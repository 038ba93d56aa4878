/*
 * app_autobahn.c: one Autobahn|Testsuite session on the firmware (tests/firmware/autobahn.sh boots
 * QEMU once per case: /getCaseCount, /runCase?case=N&agent=A for each case, /updateReports).
 *
 * The echo logic is c_examples/autobahn_client.c's: every received message is sent back with
 * its type as a fragmented message (HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED) fed by OnMsgTxData from
 * a small ring that OnMsgRxData fills, so a 16 MiB message streams through ECHO_RING_LEN bytes of
 * RAM. A full ring makes OnMsgRxData take nothing (backpressure) until OnMsgTxData drains it.
 *
 * The session ends when the library closes the connection (over Ethernet: after the server's TCP
 * FIN; netport_finish() then lets our FIN out), or, since the UART cannot see the server's FIN,
 * as soon as the wire shows the closing handshake complete (our Close sent and the server's
 * received), or after IDLE_LIMIT_MS without a byte in either direction.
 * The first text message is printed as "AB-TEXT <text>" (the case count of /getCaseCount).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "http-c.h"

#include "app.h"
#include "board.h"
#include "fwlib.h"
#include "netport.h"
#include "wiretap.h"

#define CONN_BUF_LEN   2048u
#define ECHO_RING_LEN  4096u
#define IDLE_LIMIT_MS  10000u

static CPU_CHAR ConnBuf[CONN_BUF_LEN];
static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ Req;
static HTTPc_RESP_OBJ Resp;
static HTTPc_WEBSOCK_OBJ Ws;

static struct {
    CPU_INT08U ring[ECHO_RING_LEN];
    CPU_INT32U head; /* next byte to send */
    CPU_INT32U tail; /* next byte to fill */
    CPU_INT32U used;
    int rx_open;         /* the message being received has not completed */
    int tx_busy;         /* an echo is being sent */
    int pending_type;    /* a received message waits for its echo to start (0: none) */
    int pending_rx_done; /* ... and it has already completed */
    HTTPc_WEBSOCK_MSG_OBJ msgs[2];
    int next_msg;
    volatile int closed;
    volatile int opened;
    char text[64];
    CPU_INT32U text_len;
    int text_done;
} Echo;

static void start_echo(HTTPc_CONN_OBJ *p_conn);

static CPU_INT32U on_tx_data(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_CHAR *p_buf, CPU_INT32U buf_len)
{
    CPU_INT32U n = 0;
    (void)p_conn;
    (void)p_msg;
    if (Echo.rx_open && Echo.used < buf_len) {
        /* The UART delivers a byte at a time: wait for a frame's worth instead of sending a
         * 6-byte header per byte. The rest goes out when the message is complete. */
        return HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;
    }
    while (n < buf_len && Echo.used > 0u) {
        CPU_INT32U chunk = ECHO_RING_LEN - Echo.head;
        if (chunk > Echo.used) {
            chunk = Echo.used;
        }
        if (chunk > buf_len - n) {
            chunk = buf_len - n;
        }
        fw_copy(p_buf + n, &Echo.ring[Echo.head], chunk);
        Echo.head = (Echo.head + chunk) % ECHO_RING_LEN;
        Echo.used -= chunk;
        n += chunk;
    }
    if (n > 0u) {
        return n;
    }
    return Echo.rx_open ? HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED /* nothing yet */ : 0u /* the end */;
}

static void on_tx_complete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN status)
{
    (void)p_msg;
    (void)status;
    Echo.tx_busy = 0;
    if (Echo.pending_type != 0 && !Echo.closed) {
        start_echo(p_conn);
    }
}

static void start_echo(HTTPc_CONN_OBJ *p_conn)
{
    HTTPc_WEBSOCK_MSG_OBJ *p_msg = &Echo.msgs[Echo.next_msg];
    HTTPc_ERR err;
    int type = Echo.pending_type;

    Echo.next_msg ^= 1;
    Echo.pending_type = 0;
    Echo.rx_open = !Echo.pending_rx_done;
    Echo.tx_busy = 1;
    HTTPc_WebSockMsgClr(p_msg, &err);
    HTTPc_WebSockMsgSetParam(p_msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA, (void *)&on_tx_data, &err);
    HTTPc_WebSockMsgSetParam(p_msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, (void *)&on_tx_complete, &err);
    (void)HTTPc_WebSockSend(p_conn, p_msg, (HTTPc_WEBSOCK_MSG_TYPE)type, 0, HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED,
                            HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo.tx_busy = 0; /* the connection is closing: nothing to echo into */
    }
}

static void on_rx_init(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, CPU_INT32U msg_len, void **p_data)
{
    (void)msg_len;
    (void)p_data; /* streaming */
    Echo.pending_type = (int)msg_type;
    Echo.pending_rx_done = 0;
    if (!Echo.tx_busy) {
        start_echo(p_conn);
    }
}

static CPU_INT32U on_rx_data(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, void *p_data, CPU_INT16U data_len)
{
    CPU_INT32U n = 0;
    const CPU_INT08U *p = (const CPU_INT08U *)p_data;
    (void)p_conn;
    if (Echo.pending_type != 0) {
        return 0u; /* the previous echo still owns the ring: wait */
    }
    if (msg_type == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME && !Echo.text_done &&
        Echo.text_len + data_len < sizeof Echo.text) {
        fw_copy(Echo.text + Echo.text_len, p, data_len);
        Echo.text_len += data_len;
    }
    while (n < data_len && Echo.used < ECHO_RING_LEN) {
        CPU_INT32U chunk = ECHO_RING_LEN - Echo.tail;
        if (chunk > ECHO_RING_LEN - Echo.used) {
            chunk = ECHO_RING_LEN - Echo.used;
        }
        if (chunk > data_len - n) {
            chunk = data_len - n;
        }
        fw_copy(&Echo.ring[Echo.tail], p + n, chunk);
        Echo.tail = (Echo.tail + chunk) % ECHO_RING_LEN;
        Echo.used += chunk;
        n += chunk;
    }
    return n;
}

static void on_rx_complete(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    if (Echo.text_len > 0u) {
        Echo.text_done = 1;
    }
    if (Echo.pending_type != 0) {
        Echo.pending_rx_done = 1;
    } else {
        Echo.rx_open = 0;
    }
}

static void on_open(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    Echo.opened = 1;
}

static void on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    (void)status;
    (void)err;
    Echo.closed = 1;
}

int app_autobahn(const APP_ARGS *p_args)
{
    static const HTTPc_CFG cfg = {0u, 4u, 5000u, 30u, DEF_NO};
    HTTPc_PORT port;
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    CPU_INT16U server_port = (CPU_INT16U)p_args->port;
    CPU_INT32U close_timeout = 2000u;
    uint32_t t0 = board_ms();
    uint32_t last_activity = t0;
    uint32_t last_bytes = 0;
    const char *why = "the library closed the connection";

    netport_get(&port);
    netport_set_taps(wiretap_tx, wiretap_rx);
    HTTPc_PortSet(&port, &err);
    HTTPc_Init(&cfg, 0, 0, &err);
    if (err != HTTPc_ERR_NONE) {
        fw_printf("AB: HTTPc_Init failed: %u\n", (unsigned)err);
        return 1;
    }
    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ReqClr(&Req, &err);
    HTTPc_WebSockClr(&Ws, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&on_conn_close, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)&on_open, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)&on_rx_init, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, (void *)&on_rx_data, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)&on_rx_complete, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, &close_timeout, &err);

    ok = HTTPc_ConnOpen(&Conn, ConnBuf, (CPU_INT16U)CONN_BUF_LEN, (CPU_CHAR *)p_args->host,
                        (CPU_INT16U)fw_strlen(p_args->host), HTTPc_FLAG_NONE, &err);
    if (ok != DEF_OK || err != HTTPc_ERR_NONE) {
        fw_printf("AB: HTTPc_ConnOpen failed: %u\n", (unsigned)err);
        return 1;
    }
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)p_args->path, (CPU_INT16U)fw_strlen(p_args->path),
                              HTTPc_FLAG_NONE, &err);
    if (ok != DEF_OK || err != HTTPc_ERR_NONE || Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) {
        fw_printf("AB: HTTPc_WebSockUpgrade failed: %u (status index %u)\n", (unsigned)err, (unsigned)Resp.StatusCode);
        return 1;
    }
    while (!Echo.closed) {
        CPU_INT32U next = HTTPc_TaskHandler();
        uint32_t now = board_ms();
        uint32_t bytes = netport_tx_count() + netport_rx_count();
        if (!netport_sees_peer_close() && TapTx.per_opcode[0x8] > 0u && TapRx.per_opcode[0x8] > 0u) {
            /* Both Close frames are on the wire: the server drops TCP now, which the UART cannot
             * see. Our Close left through the UART synchronously: ending the boot is safe. */
            why = "closing handshake complete";
            break;
        }
        if (bytes != last_bytes) {
            last_bytes = bytes;
            last_activity = now;
        } else if (now - last_activity >= IDLE_LIMIT_MS) {
            why = "idle limit";
            break;
        }
        if (now - t0 >= p_args->timeout_s * 1000u) {
            why = "time limit";
            break;
        }
        if (next > 0u && !Echo.closed) {
            netport_idle();
        }
    }
    netport_finish();
    if (Echo.text_len > 0u) {
        Echo.text[Echo.text_len] = '\0';
        fw_printf("AB-TEXT %s\n", Echo.text);
    }
    fw_printf("AB: session ended (%s) after %u ms, %u bytes out, %u in\n", why, (unsigned)(board_ms() - t0),
              (unsigned)netport_tx_count(), (unsigned)netport_rx_count());
    return 0;
}
