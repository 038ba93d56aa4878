/*
 * app_autobahn.c: one Autobahn|Testsuite session on the firmware (tests/firmware/autobahn.sh boots
 * QEMU once per case: /getCaseCount, /runCase?case=N&agent=A for each case, /updateReports).
 *
 * The echo is the host driver's (c_examples/common/autobahn_echo.c): every received message is
 * sent back with its type as a fragmented message fed from a ring, so a 16 MiB message streams
 * through ECHO_RING_LEN bytes of RAM. Batched: while a message is still arriving, frames wait for
 * a send buffer's worth (the UART delivers a byte at a time; a 6-byte header per byte would
 * multiply the traffic).
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
#include "autobahn_echo.h"
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

static CPU_INT08U EchoRing[ECHO_RING_LEN];

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
    ab_echo_begin(EchoRing, ECHO_RING_LEN, 1);
    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ReqClr(&Req, &err);
    HTTPc_WebSockClr(&Ws, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&ab_echo_on_conn_close, &err);
    ab_echo_set_hooks(&Ws);
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
    while (!ab_echo_stats()->closed) {
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
        if (next > 0u && !ab_echo_stats()->closed) {
            netport_idle();
        }
    }
    netport_finish();
    if (ab_echo_stats()->text_len > 0u) {
        fw_printf("AB-TEXT %s\n", ab_echo_stats()->text);
    }
    fw_printf("AB: session ended (%s) after %u ms, %u bytes out, %u in\n", why, (unsigned)(board_ms() - t0),
              (unsigned)netport_tx_count(), (unsigned)netport_rx_count());
    return 0;
}
