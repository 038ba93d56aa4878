/*
 * app_echo.c: the firmware's echo test sequence against the real Python echo server
 * (tests/servers/echo_server.py), through the legacy API in bare-metal poll mode:
 *
 *   HTTPc_PortSet, HTTPc_Init (no task), ConnOpen + WebSockUpgrade (blocking: they drive the
 *   engine), then messages, each checked byte by byte on its echo and on the wire (wiretap.c):
 *     text and binary, empty text and binary, 125 / 126 / 65535 / 65536 bytes (the three length
 *     encodings), a fragmented message (HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED + OnMsgTxData: one
 *     frame per call, an empty FIN frame at the end), a non-blocking send (OnMsgTxComplete),
 *     a ping answered by a pong,
 *   then a clean close (1000 "bye") awaited through the hooks.
 *
 *   path=/server-ping: the server pings ("hello") right after the upgrade: checks that the library
 *   answered with a masked pong carrying the same payload, then one echo and the close.
 *
 * Prints "check ... ok|FAIL" lines, then "RESULT: PASS (N checks)" or "RESULT: FAIL (K of N)".
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "http-c.h"

#include "app.h"
#include "board.h"
#include "fwcheck.h"
#include "fwlib.h"
#include "fwpump.h"
#include "netport.h"
#include "stackmeter.h"
#include "wiretap.h"

#define CONN_BUF_LEN     2048u  /* the connection's working buffer: 1/4 sends, 3/4 receives */
#define CLOSE_TIMEOUT_MS 300u   /* after the close handshake: the UART cannot see the TCP FIN */
#define SMALL_BUF_LEN    256u

static CPU_CHAR ConnBuf[CONN_BUF_LEN];
static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ Req;
static HTTPc_RESP_OBJ Resp;
static HTTPc_WEBSOCK_OBJ Ws;
static HTTPc_WEBSOCK_MSG_OBJ Msg;
static HTTPc_WEBSOCK_MSG_OBJ MsgNb;

typedef enum { PAT_BUF, PAT_TEXT, PAT_BIN } PAT;

static uint8_t pat_byte(PAT kind, uint32_t seed, const uint8_t *buf, uint32_t i)
{
    switch (kind) {
    case PAT_BUF: return buf[i];
    case PAT_TEXT: return (uint8_t)('a' + (i + seed) % 26u);
    default: return (uint8_t)(i * 7u + seed + (i >> 8) * 13u);
    }
}

/* State shared with the hooks (they run inside HTTPc_TaskHandler() or a blocking call). */
static struct {
    volatile int opened;
    volatile int conn_closed;
    volatile int ws_closed;
    volatile int rx_done;
    volatile int tx_done;
    HTTPc_CONN_CLOSE_STATUS close_status;
    HTTPc_ERR close_err;
    CPU_INT16U close_code;
    char close_reason[126];
    uint32_t errs;
    HTTPc_ERR last_err;
    uint8_t pong[125];
    uint32_t pong_len;
    uint32_t pongs;
    CPU_BOOLEAN tx_status;
    /* receive check */
    HTTPc_WEBSOCK_MSG_TYPE rx_type;
    CPU_INT32U rx_announced;
    uint32_t rx_len;
    uint32_t rx_bad_at; /* first mismatching offset + 1, 0 if none */
    uint32_t rx_msgs;
    PAT exp_kind;
    uint32_t exp_seed;
    const uint8_t *exp_buf;
    /* send generator (OnMsgTxData) */
    PAT tx_kind;
    uint32_t tx_seed;
    uint32_t tx_len;
    uint32_t tx_off;
    const char *const *frags;
    uint32_t nfrags;
    uint32_t frag_idx;
} S;

/* ----------------------------------------- hooks ----------------------------------------- */

static void on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    stackmeter_hook();
    S.close_status = status;
    S.close_err = err;
    S.conn_closed = 1;
}

uint32_t AppOpenedAt_ms;

static void on_open(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    stackmeter_hook();
    AppOpenedAt_ms = board_ms();
    S.opened = 1;
}

static void on_ws_close(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE code, HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    uint32_t n = 0;
    (void)p_conn;
    stackmeter_hook();
    if (p_reason != 0 && p_reason->DataPtr != 0) {
        n = p_reason->Len < sizeof S.close_reason - 1u ? p_reason->Len : sizeof S.close_reason - 1u;
        fw_copy(S.close_reason, p_reason->DataPtr, n);
    }
    S.close_reason[n] = '\0';
    S.close_code = (CPU_INT16U)code;
    S.ws_closed = 1;
}

static void on_err(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    (void)p_conn;
    stackmeter_hook();
    S.errs++;
    S.last_err = err;
}

static void on_pong(HTTPc_CONN_OBJ *p_conn, CPU_CHAR *p_data, CPU_INT16U len)
{
    (void)p_conn;
    stackmeter_hook();
    S.pong_len = len < sizeof S.pong ? len : sizeof S.pong;
    fw_copy(S.pong, p_data, S.pong_len);
    S.pongs++;
}

static void on_rx_init(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, CPU_INT32U len, void **p_data)
{
    (void)p_conn;
    stackmeter_hook();
    *p_data = 0; /* streaming: the data comes to on_rx_data */
    S.rx_type = type;
    S.rx_announced = len;
    S.rx_len = 0;
    S.rx_bad_at = 0;
}

static CPU_INT32U on_rx_data(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, void *p_data, CPU_INT16U len)
{
    const uint8_t *p = (const uint8_t *)p_data;
    uint32_t i;
    (void)p_conn;
    (void)type;
    stackmeter_hook();
    for (i = 0; i < len; i++) {
        if (S.rx_bad_at == 0u && p[i] != pat_byte(S.exp_kind, S.exp_seed, S.exp_buf, S.rx_len + i)) {
            S.rx_bad_at = S.rx_len + i + 1u;
        }
    }
    S.rx_len += len;
    return len;
}

static void on_rx_complete(HTTPc_CONN_OBJ *p_conn)
{
    (void)p_conn;
    stackmeter_hook();
    S.rx_msgs++;
    S.rx_done = 1;
}

static CPU_INT32U on_tx_data(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_CHAR *p_buf, CPU_INT32U buf_len)
{
    uint32_t n;
    uint32_t i;
    (void)p_conn;
    (void)p_msg;
    stackmeter_hook();
    if (S.frags != 0) { /* fragmented: one frame per call, 0 ends the message */
        const char *f;
        if (S.frag_idx >= S.nfrags) {
            return 0u;
        }
        f = S.frags[S.frag_idx++];
        n = fw_strlen(f);
        if (n > buf_len) {
            n = buf_len;
        }
        fw_copy(p_buf, f, n);
        return n;
    }
    n = S.tx_len - S.tx_off;
    if (n > buf_len) {
        n = buf_len;
    }
    for (i = 0; i < n; i++) {
        p_buf[i] = (CPU_CHAR)pat_byte(S.tx_kind, S.tx_seed, 0, S.tx_off + i);
    }
    S.tx_off += n;
    return n;
}

static void on_tx_complete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN status)
{
    (void)p_conn;
    (void)p_msg;
    stackmeter_hook();
    S.tx_status = status;
    S.tx_done = 1;
}

/* --------------------------------------- messages --------------------------------------- */

static const TAP_FRAME *last_tx_frame(void)
{
    return TapTx.count > 0u ? wiretap_frame(&TapTx, TapTx.count - 1u) : 0;
}

static void expect(PAT kind, uint32_t seed, const uint8_t *buf)
{
    S.exp_kind = kind;
    S.exp_seed = seed;
    S.exp_buf = buf;
    S.rx_done = 0;
    S.rx_len = 0;
    S.rx_bad_at = 0;
}

static void check_echo(const char *what, HTTPc_WEBSOCK_MSG_TYPE type, uint32_t len, uint32_t timeout_ms)
{
    int got = fw_pump(&S.rx_done, timeout_ms);
    fw_check(got, "%s: echo received", what);
    if (got) {
        fw_check(S.rx_type == type && S.rx_len == len && S.rx_bad_at == 0u,
              "%s: echo type %u len %u%s", what, (unsigned)S.rx_type, (unsigned)S.rx_len,
              S.rx_bad_at != 0u ? " (content differs)" : "");
    }
}

/* Sends `len` bytes (from `buf`, or generated by OnMsgTxData when buf is NULL), blocking. */
static void send_blocking(const char *what, HTTPc_WEBSOCK_MSG_TYPE type, const uint8_t *buf, PAT kind,
                          uint32_t seed, uint32_t len)
{
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;

    S.tx_kind = kind;
    S.tx_seed = seed;
    S.tx_len = len;
    S.tx_off = 0;
    S.frags = 0;
    HTTPc_WebSockMsgClr(&Msg, &err);
    if (buf == 0) {
        SM_MEASURE(SM_MSGSETPARAM,
                   HTTPc_WebSockMsgSetParam(&Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA, (void *)&on_tx_data, &err));
    }
    expect(buf != 0 ? PAT_BUF : kind, seed, buf);
    SM_MEASURE(SM_SEND_BLOCKING,
               ok = HTTPc_WebSockSend(&Conn, &Msg, type, (CPU_CHAR *)buf, len, HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "%s: HTTPc_WebSockSend (err %u)", what, (unsigned)err);
}

static void test_message(const char *what, HTTPc_WEBSOCK_MSG_TYPE type, const uint8_t *buf, PAT kind, uint32_t len,
                         unsigned expect_enc)
{
    const TAP_FRAME *f;
    uint32_t seed = len & 0xFFu;

    send_blocking(what, type, buf, kind, seed, len);
    f = last_tx_frame();
    fw_check(f != 0 && f->opcode == type && f->fin && f->masked && f->len == len && f->enc == expect_enc,
          "%s: on the wire: one masked FIN frame, %u-bit length", what, expect_enc);
    /* ~20 KB/s through QEMU's one-byte UART: allow time for the echo. */
    check_echo(what, type, len, 10000u + len / 4u);
}

static void test_fragmented(void)
{
    static const char *const frags[] = {"frag-", "ment-", "ed"};
    static const uint8_t whole[] = "frag-ment-ed";
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    uint32_t first = TapTx.count;
    uint32_t k;
    int frames_ok = 1;

    HTTPc_WebSockMsgClr(&Msg, &err);
    HTTPc_WebSockMsgSetParam(&Msg, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_DATA, (void *)&on_tx_data, &err);
    S.frags = frags;
    S.nfrags = 3;
    S.frag_idx = 0;
    expect(PAT_BUF, 0, whole);
    SM_MEASURE(SM_SEND_BLOCKING,
               ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 0,
                                      HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED, HTTPc_FLAG_NONE, &err));
    S.frags = 0;
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "fragmented: HTTPc_WebSockSend (err %u)", (unsigned)err);
    fw_check(TapTx.count - first == 4u, "fragmented: %u frames on the wire (3 + empty FIN)",
          (unsigned)(TapTx.count - first));
    for (k = 0; k < 4u; k++) {
        const TAP_FRAME *f = wiretap_frame(&TapTx, first + k);
        static const uint8_t op[4] = {1, 0, 0, 0};
        static const uint8_t len[4] = {5, 5, 2, 0};
        if (f == 0 || f->opcode != op[k] || f->fin != (k == 3u) || f->len != len[k] || !f->masked) {
            frames_ok = 0;
        }
    }
    fw_check(frames_ok, "fragmented: text,cont,cont,cont+FIN of 5,5,2,0 bytes, masked");
    check_echo("fragmented", HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 12u, 10000u);
}

static void test_nonblocking(void)
{
    static const uint8_t text[] = "sent without blocking";
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;

    HTTPc_WebSockMsgClr(&MsgNb, &err);
    HTTPc_WebSockMsgSetParam(&MsgNb, HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE, (void *)&on_tx_complete, &err);
    S.tx_done = 0;
    expect(PAT_BUF, 0, text);
    SM_MEASURE(SM_SEND_NOBLOCK,
               ok = HTTPc_WebSockSend(&Conn, &MsgNb, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)text,
                                      sizeof text - 1u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "non-blocking: HTTPc_WebSockSend queued (err %u)", (unsigned)err);
    fw_check(fw_pump(&S.tx_done, 5000u) && S.tx_status == DEF_OK, "non-blocking: OnMsgTxComplete(DEF_OK)");
    check_echo("non-blocking", HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, sizeof text - 1u, 10000u);
}

static volatile int PongSeen;

static void test_ping(void)
{
    static const char payload[] = "are you there?";
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    uint32_t before = S.pongs;
    uint32_t t0 = board_ms();

    HTTPc_WebSockMsgClr(&Msg, &err);
    SM_MEASURE(SM_SEND_BLOCKING,
               ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_PING, (CPU_CHAR *)payload,
                                      sizeof payload - 1u, HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "ping: HTTPc_WebSockSend(PING) (err %u)", (unsigned)err);
    PongSeen = 0;
    while (S.pongs == before && board_ms() - t0 < 5000u) {
        (void)fw_pump(&PongSeen, 1u);
    }
    fw_check(S.pongs > before && S.pong_len == sizeof payload - 1u &&
              fw_strncmp((const char *)S.pong, payload, sizeof payload - 1u) == 0,
          "ping: OnPong with the same payload");
}

/* The server pings "hello" right after the upgrade (/server-ping): was it answered? */
static void test_server_ping(void)
{
    uint32_t t0 = board_ms();
    while ((TapRx.per_opcode[0x9] == 0u || TapTx.per_opcode[0xA] == 0u) && board_ms() - t0 < 5000u) {
        (void)fw_pump(&PongSeen, 1u);
    }
    fw_check(TapRx.per_opcode[0x9] == 1u && TapRx.last_ping_len == 5u &&
              fw_strncmp((const char *)TapRx.last_ping, "hello", 5) == 0,
          "server ping: a ping \"hello\" arrived");
    fw_check(TapTx.per_opcode[0xA] == 1u && TapTx.last_pong_len == 5u &&
              fw_strncmp((const char *)TapTx.last_pong, "hello", 5) == 0,
          "server ping: the library answered with pong \"hello\"");
    {
        const TAP_FRAME *f = 0;
        uint32_t k;
        for (k = 0; k < TapTx.count; k++) {
            const TAP_FRAME *g = wiretap_frame(&TapTx, k);
            if (g != 0 && g->opcode == 0xA) {
                f = g;
            }
        }
        fw_check(f != 0 && f->masked && f->fin, "server ping: the pong is masked, FIN");
    }
}

/* ---------------------------------------- sequence ---------------------------------------- */

int app_echo(const APP_ARGS *p_args)
{
    static const HTTPc_CFG cfg = {
        0u,     /* TaskDly_ms: no task */
        4u,     /* MsgQ_Size */
        5000u,  /* ConnConnectTimeout_ms */
        30u,    /* ConnInactivityTimeout_s */
        DEF_NO, /* ConnIsKeepAlive */
    };
    static uint8_t small[SMALL_BUF_LEN];
    static CPU_CHAR ua[] = "httpc-ws-firmware";
    static HTTPc_HDR hdrs[1];
    static HTTPc_PARAM_TBL hdr_tbl;
    HTTPc_PORT port;
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    CPU_INT16U server_port = (CPU_INT16U)p_args->port;
    CPU_INT32U close_timeout = CLOSE_TIMEOUT_MS;
    CPU_CHAR close_buf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    CPU_INT16U close_len = 0;
    int server_ping = fw_strcmp(p_args->path, "/server-ping") == 0;
    uint32_t t_start = board_ms();
    uint32_t t_open;
    uint32_t i;

    fw_pump_deadline(board_ms() + p_args->timeout_s * 1000u);
    for (i = 0; i < SMALL_BUF_LEN; i++) {
        small[i] = (uint8_t)i;
    }

    netport_get(&port);
    netport_set_taps(wiretap_tx, wiretap_rx);
    SM_MEASURE(SM_PORTSET, HTTPc_PortSet(&port, &err));
    fw_check(err == HTTPc_ERR_NONE, "HTTPc_PortSet (err %u)", (unsigned)err);
    SM_MEASURE(SM_INIT, HTTPc_Init(&cfg, 0, 0, &err)); /* no task configuration: poll mode */
    fw_check(err == HTTPc_ERR_NONE, "HTTPc_Init without a task (err %u)", (unsigned)err);

    SM_MEASURE(SM_CONNCLR, HTTPc_ConnClr(&Conn, &err));
    SM_MEASURE(SM_REQCLR, HTTPc_ReqClr(&Req, &err));
    SM_MEASURE(SM_WSCLR, HTTPc_WebSockClr(&Ws, &err));
    SM_MEASURE(SM_MSGCLR, HTTPc_WebSockMsgClr(&Msg, &err));
    fw_check(err == HTTPc_ERR_NONE, "object clears (err %u)", (unsigned)err);

    SM_MEASURE(SM_CONNSETPARAM, HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err));
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&on_conn_close, &err);
    if (p_args->cn != 0) { /* wss:// (the TLS image): the name the certificate must carry */
        HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SECURE_COMMON_NAME, (void *)p_args->cn, &err);
    }
    hdrs[0].HdrField = HTTP_HDR_FIELD_USER_AGENT;
    hdrs[0].ValPtr = ua;
    hdrs[0].ValLen = (CPU_INT16U)(sizeof ua - 1u);
    hdr_tbl.TblPtr = hdrs;
    hdr_tbl.EntryNbr = 1u;
    SM_MEASURE(SM_REQSETPARAM, HTTPc_ReqSetParam(&Req, HTTPc_PARAM_TYPE_REQ_HDR_TBL, &hdr_tbl, &err));
    SM_MEASURE(SM_WSSETPARAM, HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)&on_open, &err));
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, (void *)&on_ws_close, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, (void *)&on_err, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG, (void *)&on_pong, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)&on_rx_init, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, (void *)&on_rx_data, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)&on_rx_complete, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, &close_timeout, &err);
    fw_check(err == HTTPc_ERR_NONE, "parameters and hooks set (err %u)", (unsigned)err);

    t_open = board_ms();
    SM_MEASURE(SM_CONNOPEN, ok = HTTPc_ConnOpen(&Conn, ConnBuf, (CPU_INT16U)CONN_BUF_LEN, (CPU_CHAR *)p_args->host,
                                               (CPU_INT16U)fw_strlen(p_args->host), HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "HTTPc_ConnOpen, blocking without a task (err %u)", (unsigned)err);
    if (ok != DEF_OK) {
        goto done;
    }
    SM_MEASURE(SM_UPGRADE, ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)p_args->path,
                                                    (CPU_INT16U)fw_strlen(p_args->path), HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE && Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS,
          "HTTPc_WebSockUpgrade %s: 101 (err %u)", p_args->path, (unsigned)err);
    if (ok != DEF_OK || Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) {
        goto done;
    }
    fw_check(fw_pump(&S.opened, 5000u), "OnOpen called");
    fw_printf("upgraded after %u ms (%u ms from HTTPc_ConnOpen to OnOpen)\n", (unsigned)(board_ms() - t_start),
              (unsigned)(AppOpenedAt_ms - t_open));

    if (server_ping) {
        test_server_ping();
        test_message("text after the ping", HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (const uint8_t *)"still here", PAT_BUF,
                     10u, 7u);
    } else {
        static const uint8_t hello[] = "Hello from a Cortex-M";
        test_message("text", HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, hello, PAT_BUF, sizeof hello - 1u, 7u);
        test_message("binary 256", HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, small, PAT_BUF, 256u, 16u);
        test_message("empty text", HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, small, PAT_BUF, 0u, 7u);
        test_message("empty binary", HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, 0, PAT_BIN, 0u, 7u);
        test_message("binary 125", HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, small, PAT_BUF, 125u, 7u);
        test_message("binary 126", HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, small, PAT_BUF, 126u, 16u);
        test_message("text 126 (OnMsgTxData)", HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 0, PAT_TEXT, 126u, 16u);
        test_message("binary 65535 (OnMsgTxData)", HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, 0, PAT_BIN, 65535u, 16u);
        test_message("text 65536 (OnMsgTxData)", HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, 0, PAT_TEXT, 65536u, 64u);
        test_fragmented();
        test_nonblocking();
        test_ping();
    }

    /* Clean close: 1000 "bye", then wait for the hooks. */
    SM_MEASURE(SM_FMTCLOSE, close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"bye",
                                                                close_buf, (CPU_INT16U)sizeof close_buf, &err));
    fw_check(close_len == 5u && err == HTTPc_ERR_NONE, "HTTPc_WebSockFmtCloseMsg(1000, \"bye\") = %u", (unsigned)close_len);
    HTTPc_WebSockMsgClr(&Msg, &err);
    SM_MEASURE(SM_SEND_BLOCKING, ok = HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE, close_buf,
                                                       close_len, HTTPc_FLAG_NONE, &err));
    fw_check(ok == DEF_OK && err == HTTPc_ERR_NONE, "HTTPc_WebSockSend(CLOSE) (err %u)", (unsigned)err);
    fw_check(fw_pump(&S.conn_closed, 5000u), "connection OnClose called");
    fw_check(S.ws_closed && S.close_code == HTTPc_WEBSOCK_CLOSE_CODE_NORMAL,
          "WebSocket OnClose: code %u reason \"%s\"", (unsigned)S.close_code, S.close_reason);
    fw_check(S.close_status == HTTPc_CONN_CLOSE_STATUS_NONE && S.close_err == HTTPc_ERR_NONE,
          "clean WebSocket close: connection status NONE, no error, as legacy (status %u err %u)", (unsigned)S.close_status,
          (unsigned)S.close_err);
    fw_check(TapTx.per_opcode[0x8] == 1u && TapRx.per_opcode[0x8] == 1u && TapRx.last_close_len >= 2u &&
              TapRx.last_close[0] == 0x03u && TapRx.last_close[1] == 0xE8u,
          "close handshake on the wire: one Close each way, server's code 1000");
    fw_check(S.errs == 0u, "no OnErr (%u, last err %u)", (unsigned)S.errs, (unsigned)S.last_err);
    fw_check(TapTx.errors == 0u && TapRx.errors == 0u, "well-formed frames both ways");
    fw_check(netport_closed(), "the port's Close was called");
    /* On a released connection: only measured (it reports HTTPc_ERR_CONN_IS_RELEASED or so). */
    SM_MEASURE(SM_CONNCLOSE, HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err));

done:
    netport_finish();
    fw_printf("moved %u bytes out, %u in, %u ms\n", (unsigned)netport_tx_count(), (unsigned)netport_rx_count(),
              (unsigned)(board_ms() - t_start));
    if (StackMeterOn) {
        stackmeter_report();
    }
    return fw_check_result();
}
