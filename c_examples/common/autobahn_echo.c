/*
 * autobahn_echo.c: see autobahn_echo.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "autobahn_echo.h"
#include "http-c_websock.h"

static struct {
    CPU_INT08U *ring;
    CPU_INT32U ring_len;
    CPU_INT32U head; /* next byte to send */
    CPU_INT32U tail; /* next byte to fill */
    CPU_INT32U used;
    int batch;
    int rx_open;         /* the message being received has not completed */
    int tx_busy;         /* an echo is being sent */
    int pending_type;    /* a received message waits for its echo to start (0: none) */
    int pending_rx_done; /* ... and it has already completed */
    int text_done;       /* the first text message is complete */
    HTTPc_WEBSOCK_MSG_OBJ msgs[2]; /* one echo in flight and one starting: they alternate */
    int next_msg;
    AB_ECHO_STATS stats;
} Echo;

static void start_echo(HTTPc_CONN_OBJ *p_conn);

void ab_echo_begin(CPU_INT08U *p_ring, CPU_INT32U ring_len, int batch)
{
    memset(&Echo, 0, sizeof Echo);
    Echo.ring = p_ring;
    Echo.ring_len = ring_len;
    Echo.batch = batch;
}

AB_ECHO_STATS *ab_echo_stats(void)
{
    return &Echo.stats;
}

/* ----- Send side: a fragmented message fed from the ring ----- */

static CPU_INT32U on_tx_data(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_CHAR *p_buf,
                             CPU_INT32U buf_len)
{
    CPU_INT32U n = 0u;
    (void)p_conn;
    (void)p_msg;
    if (Echo.batch && Echo.rx_open && Echo.used < buf_len && Echo.used < Echo.ring_len) {
        return HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED; /* a frame's worth, or the message's end */
    }
    while (n < buf_len && Echo.used > 0u) {
        CPU_INT32U chunk = Echo.ring_len - Echo.head;
        if (chunk > Echo.used) {
            chunk = Echo.used;
        }
        if (chunk > buf_len - n) {
            chunk = buf_len - n;
        }
        memcpy(p_buf + n, &Echo.ring[Echo.head], chunk);
        Echo.head = (Echo.head + chunk) % Echo.ring_len;
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
    if (Echo.pending_type != 0 && !Echo.stats.closed) {
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
    (void)HTTPc_WebSockSend(p_conn, p_msg, (HTTPc_WEBSOCK_MSG_TYPE)type, NULL, HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED,
                            HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    if (err != HTTPc_ERR_NONE) {
        Echo.tx_busy = 0; /* the connection is closing: nothing to echo into */
    }
}

/* ----- Receive side ----- */

static void on_rx_init(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, CPU_INT32U msg_len, void **p_data)
{
    (void)msg_len;
    (void)p_data; /* streaming: OnMsgRxData gets the payload */
    Echo.pending_type = (int)msg_type;
    Echo.pending_rx_done = 0;
    if (!Echo.tx_busy) {
        start_echo(p_conn);
    }
}

static CPU_INT32U on_rx_data(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE msg_type, void *p_data,
                             CPU_INT16U data_len)
{
    CPU_INT32U n = 0u;
    const CPU_INT08U *p = (const CPU_INT08U *)p_data;
    (void)p_conn;
    if (Echo.pending_type != 0) {
        return 0u; /* the previous echo still owns the ring: wait */
    }
    if (msg_type == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME && !Echo.text_done &&
        Echo.stats.text_len + data_len <= AB_ECHO_TEXT_MAX) {
        memcpy(Echo.stats.text + Echo.stats.text_len, p, data_len);
        Echo.stats.text_len += data_len;
    }
    while (n < data_len && Echo.used < Echo.ring_len) {
        CPU_INT32U chunk = Echo.ring_len - Echo.tail;
        if (chunk > Echo.ring_len - Echo.used) {
            chunk = Echo.ring_len - Echo.used;
        }
        if (chunk > data_len - n) {
            chunk = data_len - n;
        }
        memcpy(&Echo.ring[Echo.tail], p + n, chunk);
        Echo.tail = (Echo.tail + chunk) % Echo.ring_len;
        Echo.used += chunk;
        n += chunk;
    }
    return n;
}

static void on_rx_complete(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    if (Echo.stats.text_len > 0u) {
        Echo.text_done = 1;
        Echo.stats.text[Echo.stats.text_len] = '\0';
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
    Echo.stats.opened = 1;
}

void ab_echo_on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    (void)status;
    (void)err;
    Echo.stats.closed = 1;
}

void ab_echo_set_hooks(HTTPc_WEBSOCK_OBJ *p_ws)
{
    HTTPc_ERR err;
    HTTPc_WebSockSetParam(p_ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)&on_open, &err);
    HTTPc_WebSockSetParam(p_ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)&on_rx_init, &err);
    HTTPc_WebSockSetParam(p_ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, (void *)&on_rx_data, &err);
    HTTPc_WebSockSetParam(p_ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)&on_rx_complete, &err);
}
