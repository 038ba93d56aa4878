/*
 * app_rest.c: the firmware's REST-then-WebSocket sequence against the real aiohttp server
 * (tests/servers/aio_server.py), as a legacy device does it: a few REST calls with
 * HTTPc_ReqSend, then a WebSocket on the same persistent connection. Bare-metal poll mode: the
 * blocking calls drive the engine themselves.
 *
 *   HTTPc_ConnOpen (persistent), then on that one connection:
 *     GET /count three times (the server counts the requests its side of the connection carried:
 *       1, 2, 3 proves they shared it), the Server header through the response-header hook;
 *     GET /count non-blocking (HTTPc_FLAG_REQ_NO_BLOCK: OnTransComplete);
 *     POST /echo, a body from the application's memory sized by Content-Length;
 *     POST /echo, a chunked body the body hook writes into the library's buffer in pieces;
 *     GET /stream/N, a chunked download larger than the connection buffer, every byte checked
 *       in the response-body hook;
 *     GET /count again (8: every request so far went over this one connection);
 *   then HTTPc_WebSockUpgrade to /ws on the same connection, a text and a binary echo, and a
 *   clean close (1000).
 *
 * Prints "check ... ok|FAIL" lines, then "RESULT: PASS (N checks)" or "RESULT: FAIL (K of N)".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h> /* memcmp: newlib's, like the library's mem* */

#include "http-c.h"

#include "app.h"
#include "board.h"
#include "fwcheck.h"
#include "fwlib.h"
#include "fwpump.h"
#include "netport.h"
#include "stackmeter.h"

#define CONN_BUF_LEN 1024u  /* smaller than the download: the body streams through it */
#define BODY_CAP     768u   /* what the body hook keeps of a response (the rest is checked) */
#define STREAM_LEN   20000u /* the chunked download */
#define CLOSE_TIMEOUT_MS 300u /* after the close handshake: the UART cannot see the TCP FIN */

static CPU_CHAR ConnBuf[CONN_BUF_LEN];
static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ Req;
static HTTPc_RESP_OBJ Resp;
static HTTPc_WEBSOCK_OBJ Ws;
static HTTPc_WEBSOCK_MSG_OBJ Msg;

/* State shared with the hooks (they run inside the blocking calls or HTTPc_TaskHandler()). */
static struct {
    /* response */
    uint8_t body[BODY_CAP];
    uint32_t body_len;   /* bytes kept in body */
    uint32_t body_total; /* every body byte */
    uint32_t body_bad_at; /* stream check: first byte that is not i % 251, + 1 */
    int body_last;       /* calls with last_chunk DEF_YES */
    int check_stream;
    char server[32];
    volatile int done;
    int done_ok;
    int errs;
    HTTPc_ERR last_err;
    /* request body */
    const uint8_t *tx;
    uint32_t tx_len;
    uint32_t tx_pos;
    uint32_t tx_piece;
    int tx_in_place; /* hand out pointers to tx instead of copying into the library's buffer */
    /* connection and WebSocket */
    volatile int conn_closed;
    HTTPc_CONN_CLOSE_STATUS close_status;
    volatile int opened;
    volatile int ws_closed;
    CPU_INT16U close_code;
    volatile int rx_done;
    uint8_t rx[512];
    uint32_t rx_len;
    HTTPc_WEBSOCK_MSG_TYPE rx_type;
} S;

/* ------------------------------------- request hooks ------------------------------------- */

static CPU_INT32U on_body_rx(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTP_CONTENT_TYPE type, void *p_data,
                             CPU_INT16U len, CPU_BOOLEAN last)
{
    const uint8_t *p = (const uint8_t *)p_data;
    uint32_t i;
    (void)p_conn;
    (void)p_req;
    (void)type;
    stackmeter_hook();
    if (p != 0) {
        for (i = 0; i < len; i++) {
            uint32_t at = S.body_total + i;
            if (S.check_stream && S.body_bad_at == 0u && p[i] != (uint8_t)(at % 251u)) {
                S.body_bad_at = at + 1u;
            }
            if (S.body_len < BODY_CAP) {
                S.body[S.body_len++] = p[i];
            }
        }
        S.body_total += len;
    }
    if (last == DEF_YES) {
        S.body_last++;
    }
    return len;
}

static CPU_BOOLEAN on_body_tx(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, void **p_data, CPU_CHAR *p_buf,
                              CPU_INT16U buf_len, CPU_INT16U *p_data_len)
{
    uint32_t n = S.tx_len - S.tx_pos;
    (void)p_conn;
    (void)p_req;
    stackmeter_hook();
    if (n > S.tx_piece) {
        n = S.tx_piece;
    }
    if (S.tx_in_place) {
        *p_data = (void *)(S.tx + S.tx_pos);
    } else {
        if (n > buf_len) {
            n = buf_len;
        }
        fw_copy(p_buf, S.tx + S.tx_pos, n);
    }
    S.tx_pos += n;
    *p_data_len = (CPU_INT16U)n;
    return S.tx_pos == S.tx_len ? DEF_YES : DEF_NO;
}

static void on_resp_hdr(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTP_HDR_FIELD field, CPU_CHAR *p_val,
                        CPU_INT16U len)
{
    (void)p_conn;
    (void)p_req;
    stackmeter_hook();
    if (field == HTTP_HDR_FIELD_SERVER && len < sizeof S.server) {
        fw_copy(S.server, p_val, len);
        S.server[len] = '\0';
    }
}

static void on_complete(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_RESP_OBJ *p_resp, CPU_BOOLEAN status)
{
    (void)p_conn;
    (void)p_req;
    (void)p_resp;
    stackmeter_hook();
    S.done++;
    if (status == DEF_OK) {
        S.done_ok++;
    }
}

static void on_req_err(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_ERR err)
{
    (void)p_conn;
    (void)p_req;
    stackmeter_hook();
    S.errs++;
    S.last_err = err;
}

static void on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    (void)err;
    stackmeter_hook();
    S.close_status = status;
    S.conn_closed = 1;
}

/* ----------------------------------- WebSocket hooks ------------------------------------ */

static void on_open(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    stackmeter_hook();
    S.opened = 1;
}

static void on_ws_close(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE code, HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    (void)p_conn;
    (void)p_reason;
    stackmeter_hook();
    S.close_code = (CPU_INT16U)code;
    S.ws_closed = 1;
}

static void on_rx_init(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, CPU_INT32U len, void **p_data)
{
    (void)p_conn;
    stackmeter_hook();
    S.rx_type = type;
    S.rx_len = len;
    /* Buffer mode when it fits; otherwise OnMsgRxData, which this sequence never needs. */
    *p_data = len <= sizeof S.rx ? (void *)S.rx : 0;
}

static void on_rx_complete(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    stackmeter_hook();
    S.rx_done = 1;
}

/* ---------------------------------------- helpers ---------------------------------------- */

/* A fresh request object with the response hooks, and fresh response state. */
static void req_reset(void)
{
    HTTPc_ERR err = HTTPc_ERR_NONE;
    HTTPc_ReqClr(&Req, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_RESP_BODY_HOOK, (void *)&on_body_rx, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_RESP_HDR_HOOK, (void *)&on_resp_hdr, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, (void *)&on_complete, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, (void *)&on_req_err, &err);
    S.body_len = 0;
    S.body_total = 0;
    S.body_bad_at = 0;
    S.body_last = 0;
    S.check_stream = 0;
    S.server[0] = '\0';
    S.done = S.done_ok = S.errs = 0;
    S.last_err = HTTPc_ERR_NONE;
}

static int body_is(const void *want, uint32_t len)
{
    return S.body_len == len && S.body_total == len && memcmp(S.body, want, len) == 0;
}

/* A blocking HTTPc_ReqSend; true when it succeeded with 200. A blocking call reports through its
 * return value only: no OnTransComplete, no OnErr (legacy calls them for NO_BLOCK requests). */
static int send_req(const char *what, HTTP_METHOD method, const char *path)
{
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    SM_MEASURE(SM_REQSEND, ok = HTTPc_ReqSend(&Conn, &Req, &Resp, method, (CPU_CHAR *)path,
                                              (CPU_INT16U)fw_strlen(path), HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE && Resp.StatusCode == HTTP_STATUS_OK && S.done == 0 && S.errs == 0,
          "%s: 200 (err %u status %u, callbacks %d/%d)", what, (unsigned)err, (unsigned)Resp.StatusCode, S.done,
          S.errs);
    return ok == DEF_OK;
}

/* GET /count: the server answers with how many requests (of any route) this TCP connection has
 * carried, n when every request so far shared it. */
static void count_is(uint32_t n)
{
    char want[12];
    char what[32];
    uint32_t len = (uint32_t)fw_snprintf(want, sizeof want, "%u", (unsigned)n);
    (void)fw_snprintf(what, sizeof what, "GET /count (request %u)", (unsigned)n);
    req_reset();
    if (send_req(what, HTTP_METHOD_GET, "/count")) {
        fw_check(body_is(want, len) && S.body_last == 1, "%s: body \"%.*s\", the request's number on this connection",
              what, (int)S.body_len, (const char *)S.body);
    }
}

/* -------------------------------------- the sequence -------------------------------------- */

static void rest_calls(void)
{
    static const uint8_t json[] = "{\"device\":\"cortex-m\",\"fw\":\"1.2.3\",\"uptime\":42}";
    static uint8_t chunked[700];
    HTTPc_ERR err = HTTPc_ERR_NONE;
    HTTP_CONTENT_TYPE ctype;
    CPU_INT32U len;
    CPU_BOOLEAN yes = DEF_YES;
    uint32_t i;

    count_is(1u);
    fw_check(fw_strncmp(S.server, "Python", 6) == 0, "the Server header through the header hook (\"%s\")", S.server);
    count_is(2u);
    count_is(3u);

    /* Non-blocking: HTTPc_ReqSend returns at once, OnTransComplete reports the end. */
    req_reset();
    {
        CPU_BOOLEAN ok;
        SM_MEASURE(SM_REQSEND, ok = HTTPc_ReqSend(&Conn, &Req, &Resp, HTTP_METHOD_GET, (CPU_CHAR *)"/count", 6u,
                                                  HTTPc_FLAG_REQ_NO_BLOCK, &err));
        /* As legacy: DEF_FAIL (nothing completed yet) with HTTPc_ERR_NONE (queued). */
        fw_check(ok == DEF_FAIL && err == HTTPc_ERR_NONE, "GET /count, HTTPc_FLAG_REQ_NO_BLOCK: queued (err %u)",
              (unsigned)err);
        fw_check(fw_pump(&S.done, 10000u) && S.done == 1 && S.done_ok == 1 && S.errs == 0 &&
                  Resp.StatusCode == HTTP_STATUS_OK && body_is("4", 1u),
              "... OnTransComplete(DEF_OK), body \"%.*s\" (request 4)", (int)S.body_len, (const char *)S.body);
    }

    /* A body from the application's memory, sized by Content-Length. */
    req_reset();
    ctype = HTTP_CONTENT_TYPE_JSON;
    len = sizeof json - 1u;
    S.tx = json;
    S.tx_len = len;
    S.tx_pos = 0;
    S.tx_piece = len;
    S.tx_in_place = 1;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &len, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)&on_body_tx, &err);
    fw_check(err == HTTPc_ERR_NONE, "body parameters set (err %u)", (unsigned)err);
    if (send_req("POST /echo, Content-Length", HTTP_METHOD_POST, "/echo")) {
        fw_check(body_is(json, len) && Resp.ContentLen == len, "POST /echo: the JSON came back (%u bytes, ContentLen %u)",
              (unsigned)S.body_total, (unsigned)Resp.ContentLen);
    }

    /* A chunked body, written by the hook into the library's buffer, 100 bytes per call. */
    for (i = 0; i < sizeof chunked; i++) {
        chunked[i] = (uint8_t)(i * 31u + 7u);
    }
    req_reset();
    ctype = HTTP_CONTENT_TYPE_OCTET_STREAM;
    S.tx = chunked;
    S.tx_len = sizeof chunked;
    S.tx_pos = 0;
    S.tx_piece = 100u;
    S.tx_in_place = 0;
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &ctype, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_CHUNK, &yes, &err);
    HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)&on_body_tx, &err);
    fw_check(err == HTTPc_ERR_NONE, "chunked body parameters set (err %u)", (unsigned)err);
    if (send_req("POST /echo, chunked", HTTP_METHOD_POST, "/echo")) {
        fw_check(body_is(chunked, sizeof chunked), "POST /echo chunked: the 700 bytes came back (%u)",
              (unsigned)S.body_total);
    }

    /* A chunked download 20x the connection buffer, checked byte by byte as it streams. */
    req_reset();
    S.check_stream = 1;
    if (send_req("GET /stream/20000, chunked", HTTP_METHOD_GET, "/stream/20000")) {
        fw_check(S.body_total == STREAM_LEN && S.body_bad_at == 0u && S.body_last == 1,
              "GET /stream: %u of %u bytes, first bad %u, last-chunk calls %d", (unsigned)S.body_total,
              (unsigned)STREAM_LEN, (unsigned)S.body_bad_at, S.body_last);
    }
    count_is(8u);
    fw_check(!S.conn_closed, "the connection is still open after the REST calls");
}

static void websocket_after(void)
{
    static const uint8_t text[] = "after REST, on the same connection";
    static uint8_t bin[300];
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    CPU_CHAR close_buf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    CPU_INT16U close_len;
    CPU_INT32U close_timeout = CLOSE_TIMEOUT_MS;
    uint32_t i;

    HTTPc_WebSockClr(&Ws, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)&on_open, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, (void *)&on_ws_close, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)&on_rx_init, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)&on_rx_complete, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, &close_timeout, &err);
    req_reset();
    SM_MEASURE(SM_UPGRADE, ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)"/ws", 3u,
                                                    HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE && Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS,
          "HTTPc_WebSockUpgrade /ws on the REST connection: 101 (err %u status %u)", (unsigned)err,
          (unsigned)Resp.StatusCode);
    if (ok != DEF_OK) {
        return;
    }
    fw_check(fw_pump(&S.opened, 5000u), "OnOpen called");

    S.rx_done = 0;
    HTTPc_WebSockMsgClr(&Msg, &err);
    SM_MEASURE(SM_SEND_BLOCKING, ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                                                       (CPU_CHAR *)text, sizeof text - 1u, HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && fw_pump(&S.rx_done, 10000u) && S.rx_type == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME &&
              S.rx_len == sizeof text - 1u && memcmp(S.rx, text, sizeof text - 1u) == 0,
          "text echo (err %u, %u bytes)", (unsigned)err, (unsigned)S.rx_len);

    for (i = 0; i < sizeof bin; i++) {
        bin[i] = (uint8_t)(255u - i);
    }
    S.rx_done = 0;
    HTTPc_WebSockMsgClr(&Msg, &err);
    ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, (CPU_CHAR *)bin, sizeof bin,
                           HTTPc_FLAG_NONE, &err);
    fw_check(ok == DEF_OK && fw_pump(&S.rx_done, 10000u) && S.rx_type == HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME &&
              S.rx_len == sizeof bin && memcmp(S.rx, bin, sizeof bin) == 0,
          "binary echo, 300 bytes (err %u, %u bytes)", (unsigned)err, (unsigned)S.rx_len);

    close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"bye", close_buf,
                                         (CPU_INT16U)sizeof close_buf, &err);
    HTTPc_WebSockMsgClr(&Msg, &err);
    ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, close_buf, close_len, HTTPc_FLAG_NONE, &err);
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "HTTPc_WebSockSend(CLOSE 1000) (err %u)", (unsigned)err);
    fw_check(fw_pump(&S.conn_closed, 5000u) && S.ws_closed && S.close_code == HTTPc_WEBSOCK_CLOSE_CODE_NORMAL,
          "closed: WebSocket OnClose %u, connection OnClose status %u", (unsigned)S.close_code,
          (unsigned)S.close_status);
}

int app_rest(const APP_ARGS *p_args)
{
    static const HTTPc_CFG cfg = {
        0u,     /* TaskDly_ms: no task */
        4u,     /* MsgQ_Size */
        5000u,  /* ConnConnectTimeout_ms */
        30u,    /* ConnInactivityTimeout_s */
        DEF_NO, /* ConnIsKeepAlive */
    };
    HTTPc_PORT port;
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    CPU_BOOLEAN yes = DEF_YES;
    CPU_INT16U server_port = (CPU_INT16U)p_args->port;
    uint32_t t_start = board_ms();

    fw_pump_deadline(board_ms() + p_args->timeout_s * 1000u);
    netport_get(&port);
    HTTPc_PortSet(&port, &err);
    HTTPc_Init(&cfg, 0, 0, &err);
    fw_check(err == HTTPc_ERR_NONE, "HTTPc_PortSet, HTTPc_Init without a task (err %u)", (unsigned)err);

    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_PERSISTENT, &yes, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&on_conn_close, &err);
    fw_check(err == HTTPc_ERR_NONE, "persistent connection parameters (err %u)", (unsigned)err);
    SM_MEASURE(SM_CONNOPEN, ok = HTTPc_ConnOpen(&Conn, ConnBuf, (CPU_INT16U)CONN_BUF_LEN, (CPU_CHAR *)p_args->host,
                                               (CPU_INT16U)fw_strlen(p_args->host), HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "HTTPc_ConnOpen (err %u)", (unsigned)err);
    if (ok == DEF_OK) {
        rest_calls();
        websocket_after();
    }

    netport_finish();
    fw_printf("moved %u bytes out, %u in, %u ms\n", (unsigned)netport_tx_count(), (unsigned)netport_rx_count(),
              (unsigned)(board_ms() - t_start));
    if (StackMeterOn) {
        stackmeter_report();
    }
    return fw_check_result();
}
