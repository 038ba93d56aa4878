/*
 * example_test.c: how to unit-test code that uses httpc-ws with the scripted port
 * (httpc_ws::port_script). Several cases run in ONE process: each builds a script, registers
 * the port, initialises the library, drives it, checks the hooks and what the client sent, and
 * ends with HTTPc_Reset() so that the next case starts from scratch.
 *
 * The application code is written as legacy Micrium code is: *Clr, *SetParam with the hooks
 * passed through `void *p_param`, non-blocking or blocking calls. (That cast of a function
 * pointer to `void *` is why this file is built without -pedantic.)
 *
 * Output: "ok N - name" or "not ok N - name" with the failed checks; exit code 0 when all pass.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <http-c.h>
#include "httpc_port_script.h"

/* ------------------------------------------------------------------------------------------ */
/* A minimal test framework                                                                   */
/* ------------------------------------------------------------------------------------------ */

static int Case_Failed;
static int Cases_Failed;

#define EXPECT(cond)                                                                          \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            printf("    line %d: EXPECT(%s) failed\n", __LINE__, #cond);                      \
            Case_Failed = 1;                                                                  \
        }                                                                                     \
    } while (0)

#define EXPECT_EQ(a, b)                                                                       \
    do {                                                                                      \
        unsigned long a_ = (unsigned long)(a);                                                \
        unsigned long b_ = (unsigned long)(b);                                                \
        if (a_ != b_) {                                                                       \
            printf("    line %d: %s = %lu, expected %lu\n", __LINE__, #a, a_, b_);            \
            Case_Failed = 1;                                                                  \
        }                                                                                     \
    } while (0)

/* ------------------------------------------------------------------------------------------ */
/* The application under test: one WebSocket connection, its objects and hooks. The hooks    */
/* record what happens in a log, in order; the test compares the log with what it expects.    */
/* ------------------------------------------------------------------------------------------ */

#define NMSG     3
#define LOG_MAX  32
#define LOG_LEN  64

typedef struct {
    HTTPc_CONN_OBJ        Conn;
    HTTPc_REQ_OBJ         Req;
    HTTPc_RESP_OBJ        Resp;
    HTTPc_WEBSOCK_OBJ     Ws;
    HTTPc_WEBSOCK_MSG_OBJ Msg[NMSG];
    CPU_CHAR              ConnBuf[1024];
    CPU_CHAR              Host[64];
    char                  Log[LOG_MAX][LOG_LEN];
    int                   LogN;
    char                  Rx[256];           /* The message being received.                  */
    size_t                RxLen;
    unsigned              TxDone[NMSG];      /* OnMsgTxComplete calls per message.           */
    int                   ConnClosed;
} APP;

static APP App;

static void app_log(APP *a, const char *fmt, ...)
{
    va_list ap;

    if (a->LogN >= LOG_MAX) {
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(a->Log[a->LogN++], LOG_LEN, fmt, ap);
    va_end(ap);
}

static APP *app_of(HTTPc_CONN_OBJ *p_conn)
{
    return (APP *)p_conn->UserDataPtr;
}

static void on_connect(HTTPc_CONN_OBJ *p_conn, CPU_BOOLEAN ok)
{
    app_log(app_of(p_conn), "connect(%u)", (unsigned)ok);
}

static void on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS st, HTTPc_ERR err)
{
    app_of(p_conn)->ConnClosed++;
    app_log(app_of(p_conn), "conn_close(%u,%u)", (unsigned)st, (unsigned)err);
}

static void on_trans_complete(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req,
                              HTTPc_RESP_OBJ *p_resp, CPU_BOOLEAN ok)
{
    (void)p_req;
    (void)p_resp;
    app_log(app_of(p_conn), "trans(%u)", (unsigned)ok);
}

static void on_trans_err(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_ERR err)
{
    (void)p_req;
    app_log(app_of(p_conn), "req_err(%u)", (unsigned)err);
}

static void on_open(HTTPc_CONN_OBJ *p_conn)
{
    app_log(app_of(p_conn), "open");
}

static void on_ws_close(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE code,
                        HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    int len = (p_reason != NULL && p_reason->DataPtr != NULL) ? (int)p_reason->Len : 0;

    app_log(app_of(p_conn), "ws_close(%u,%.*s)", (unsigned)code, len,
            len > 0 ? p_reason->DataPtr : "");
}

static void on_ws_err(HTTPc_CONN_OBJ *p_conn, HTTPc_ERR err)
{
    app_log(app_of(p_conn), "ws_err(%u)", (unsigned)err);
}

static void on_rx_init(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, CPU_INT32U len,
                       void **p_data)
{
    APP *a = app_of(p_conn);

    (void)p_data;                                /* Streaming mode: OnMsgRxData gets the data. */
    a->RxLen = 0u;
    app_log(a, "rx_init(%u,%lu)", (unsigned)type, (unsigned long)len);
}

static CPU_INT32U on_rx_data(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_TYPE type, void *p_data,
                             CPU_INT16U len)
{
    APP   *a = app_of(p_conn);
    size_t n = len;

    (void)type;
    if (n > sizeof a->Rx - 1u - a->RxLen) {
        n = sizeof a->Rx - 1u - a->RxLen;
    }
    memcpy(&a->Rx[a->RxLen], p_data, n);
    a->RxLen += n;
    a->Rx[a->RxLen] = '\0';
    return len;                                  /* All taken.                                */
}

static void on_rx_complete(HTTPc_CONN_OBJ *p_conn)
{
    APP *a = app_of(p_conn);

    app_log(a, "rx(%s)", a->Rx);
}

static void on_tx_complete(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_MSG_OBJ *p_msg, CPU_BOOLEAN ok)
{
    APP *a = app_of(p_conn);
    int  i;

    for (i = 0; i < NMSG; i++) {
        if (p_msg == &a->Msg[i]) {
            a->TxDone[i]++;
            app_log(a, "tx_done(%d,%u)", i, (unsigned)ok);
        }
    }
}

/* Clears the objects and registers every hook, legacy style. */
static void app_setup(APP *a, const char *host)
{
    HTTPc_ERR err;
    int       i;

    memset(a, 0, sizeof *a);
    (void)snprintf(a->Host, sizeof a->Host, "%s", host);
    a->Conn.UserDataPtr = a;                     /* The hooks find the application here.      */

    HTTPc_ConnClr(&a->Conn, &err);                                                   EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_ConnSetParam(&a->Conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, (void *)&on_connect, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_ConnSetParam(&a->Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&on_conn_close, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);

    HTTPc_ReqClr(&a->Req, &err);                                                     EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_ReqSetParam(&a->Req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, (void *)&on_trans_complete, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_ReqSetParam(&a->Req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, (void *)&on_trans_err, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);

    HTTPc_WebSockClr(&a->Ws, &err);                                                  EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_WebSockSetParam(&a->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)&on_open, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_WebSockSetParam(&a->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, (void *)&on_ws_close, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_WebSockSetParam(&a->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, (void *)&on_ws_err, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_WebSockSetParam(&a->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT, (void *)&on_rx_init, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_WebSockSetParam(&a->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, (void *)&on_rx_data, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_WebSockSetParam(&a->Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE, (void *)&on_rx_complete, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);

    for (i = 0; i < NMSG; i++) {
        HTTPc_WebSockMsgClr(&a->Msg[i], &err);                                       EXPECT_EQ(err, HTTPc_ERR_NONE);
        HTTPc_WebSockMsgSetParam(&a->Msg[i], HTTPc_PARAM_TYPE_WEBSOCK_MSG_ON_TX_COMPLETE,
                                 (void *)&on_tx_complete, &err);
        EXPECT_EQ(err, HTTPc_ERR_NONE);
    }
}

/* Expects the log to be exactly the given events, in order. */
static void expect_log(int line, const APP *a, const char *const *want)
{
    int n = 0;
    int i;
    int same;

    while (want[n] != NULL) {
        n++;
    }
    same = (a->LogN == n);
    for (i = 0; same && i < n; i++) {
        same = (strcmp(a->Log[i], want[i]) == 0);
    }
    if (!same) {
        printf("    line %d: hook log\n      got:     ", line);
        for (i = 0; i < a->LogN; i++) {
            printf("%s ", a->Log[i]);
        }
        printf("\n      expected:");
        for (i = 0; i < n; i++) {
            printf(" %s", want[i]);
        }
        printf("\n");
        Case_Failed = 1;
    }
}

#define EXPECT_LOG(a, ...) expect_log(__LINE__, (a), (const char *const[]){ __VA_ARGS__, NULL })

/* ------------------------------------------------------------------------------------------ */
/* Per-case set-up and tear-down                                                              */
/* ------------------------------------------------------------------------------------------ */

static HTTPc_SCRIPT S;                           /* The scripted world (the port's context).  */
static CPU_INT08U   Mem[64u * 1024u];            /* Its bytes: scripts and captures.          */

static const HTTPc_CFG Cfg = { 0u, 4u, 2000u, 30u, DEF_NO };

static void case_begin(void)
{
    Case_Failed = 0;
    (void)HTTPc_PortScript_Init(&S, Mem, (CPU_INT32U)sizeof Mem, 42u);
}

/* After the script is written: register the port, initialise the library. */
static void lib_start(void)
{
    HTTPc_PORT port;
    HTTPc_ERR  err;

    HTTPc_PortScript_PortGet(&S, &port);
    HTTPc_PortSet(&port, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    HTTPc_Init(&Cfg, NULL, NULL, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
}

static void case_end(int num, const char *name)
{
    HTTPc_ERR err;

    if (HTTPc_PortScript_ErrGet(&S) != NULL) {
        printf("    script error: %s\n", HTTPc_PortScript_ErrGet(&S));
        Case_Failed = 1;
    }
    EXPECT(HTTPc_PortScript_AllClosed(&S) == DEF_YES);   /* Every socket closed once.      */
    HTTPc_Reset(&err);                                   /* Back to before HTTPc_PortSet.  */
    if (err == HTTPc_ERR_CONN_IS_USED) {
        /* A failed case left its connection open: close it so the next case can start. */
        printf("    a connection was still open at the end of the case\n");
        Case_Failed = 1;
        HTTPc_ConnClose(&App.Conn, HTTPc_FLAG_NONE, &err);
        (void)HTTPc_PortScript_Run(&S, 10u);
        HTTPc_Reset(&err);
    }
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    printf("%s %d - %s\n", Case_Failed ? "not ok" : "ok", num, name);
    Cases_Failed += Case_Failed;
}

/* Non-blocking open and upgrade, driven by the engine in fake time. */
static void app_open(APP *a)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;

    ok = HTTPc_ConnOpen(&a->Conn, a->ConnBuf, (CPU_INT16U)sizeof a->ConnBuf, a->Host,
                        (CPU_INT16U)strlen(a->Host), HTTPc_FLAG_CONN_NO_BLOCK, &err);
    EXPECT(ok == DEF_FAIL && err == HTTPc_ERR_NONE);     /* Legacy: queued.                */
    (void)HTTPc_PortScript_Run(&S, 10u);
    ok = HTTPc_WebSockUpgrade(&a->Conn, &a->Req, &a->Resp, &a->Ws, (CPU_CHAR *)"/chat", 5u,
                              HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    EXPECT(ok == DEF_FAIL && err == HTTPc_ERR_NONE);
    (void)HTTPc_PortScript_Run(&S, 10u);
}

static void send_text(APP *a, int i, const char *text)
{
    HTTPc_ERR   err;
    CPU_BOOLEAN ok;

    ok = HTTPc_WebSockSend(&a->Conn, &a->Msg[i], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                           (CPU_CHAR *)text, (CPU_INT32U)strlen(text),
                           HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    EXPECT(ok == DEF_OK && err == HTTPc_ERR_NONE);
}

/* ------------------------------------------------------------------------------------------ */
/* The cases                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* 1. Echo round trip: connect in progress, upgrade, one message each way, a clean close. */
static void case_echo(void)
{
    HTTPc_SCRIPT_CONN     *c;
    HTTPc_SCRIPT_CONN_INFO info;
    HTTPc_SCRIPT_FRAME     f;
    HTTPc_ERR              err;
    CPU_CHAR               close_msg[8];
    CPU_INT16U             close_len;
    char                   v[64];
    char                   pay[16];

    case_begin();
    c = HTTPc_PortScript_ConnAdd(&S, "echo.test", 0u);
    HTTPc_PortScript_ConnectOutcome(c, HTTPc_PORT_OK, 3u);   /* In progress, OK at poll 3. */
    HTTPc_PortScript_Accept(c, NULL);            /* 101 for the client's key.                 */
    HTTPc_PortScript_Echo(c, 0u);                /* Echo the client's first frame,            */
    HTTPc_PortScript_Echo(c, 1u);                /* and its Close (the server's answer).      */
    HTTPc_PortScript_End(c, HTTPc_PORT_CLOSED);  /* Then the server closes TCP.               */
    lib_start();
    app_setup(&App, "echo.test");

    app_open(&App);
    EXPECT_LOG(&App, "connect(1)", "trans(1)", "open");
    EXPECT_EQ(App.Resp.StatusCode, HTTP_STATUS_SWITCHING_PROTOCOLS);

    /* The upgrade request, as the server saw it. */
    EXPECT_EQ(HTTPc_PortScript_RequestHeader(c, 0u, "Host", v, sizeof v), 1u);
    EXPECT(strcmp(v, "echo.test") == 0);
    EXPECT_EQ(HTTPc_PortScript_RequestHeader(c, 0u, "Sec-WebSocket-Version", v, sizeof v), 1u);
    EXPECT(strcmp(v, "13") == 0);
    EXPECT(strncmp(HTTPc_PortScript_Request(c, 0u, NULL), "GET /chat HTTP/1.1\r\n", 20u) == 0);

    App.LogN = 0;
    send_text(&App, 0, "hello");
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_LOG(&App, "tx_done(0,1)", "rx_init(1,5)", "rx(hello)");

    App.LogN = 0;
    close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"done",
                                         close_msg, (CPU_INT16U)sizeof close_msg, &err);
    EXPECT(close_len == 6u && err == HTTPc_ERR_NONE);
    (void)HTTPc_WebSockSend(&App.Conn, &App.Msg[1], HTTPc_WEBSOCK_MSG_TYPE_CLOSE, close_msg,
                            close_len, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_LOG(&App, "tx_done(1,1)", "ws_close(1000,done)",
               "conn_close(0,1)");                   /* STATUS_NONE, HTTPc_ERR_NONE: clean. */

    /* What the client sent: two masked final frames. */
    EXPECT_EQ(HTTPc_PortScript_ClientFrameCount(c), 2u);
    EXPECT(HTTPc_PortScript_ClientFrame(c, 0u, &f, pay, sizeof pay) == DEF_OK);
    EXPECT(f.Opcode == HTTPc_SCRIPT_OP_TEXT && f.Fin && f.Masked && f.Rsv == 0u);
    EXPECT(f.PayloadLen == 5u && memcmp(pay, "hello", 5u) == 0);
    EXPECT(HTTPc_PortScript_ClientFrame(c, 1u, &f, pay, sizeof pay) == DEF_OK);
    EXPECT(f.Opcode == HTTPc_SCRIPT_OP_CLOSE && f.Masked && f.CloseCode == 1000u);

    HTTPc_PortScript_Info(c, &info);
    EXPECT_EQ(info.ConnectPolls, 3u);
    EXPECT_EQ(info.Port, 80u);
    EXPECT_EQ(info.Closes, 1u);
    case_end(1, "echo round trip");
}

/* 2. The server sends a message, then closes; the client answers the Close. */
static void case_server_close(void)
{
    HTTPc_SCRIPT_CONN *c;
    HTTPc_SCRIPT_FRAME f;
    char               pay[32];

    case_begin();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);  /* Any host: scripts match in Connect order. */
    HTTPc_PortScript_Accept(c, NULL);
    HTTPc_PortScript_Text(c, "news");
    HTTPc_PortScript_Close(c, 1001u, "going away");
    HTTPc_PortScript_WaitClientClose(c);         /* Close TCP once the client answered.       */
    HTTPc_PortScript_End(c, HTTPc_PORT_CLOSED);
    lib_start();
    app_setup(&App, "news.test");

    app_open(&App);
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_LOG(&App, "connect(1)", "trans(1)", "open", "rx_init(1,4)", "rx(news)",
               "ws_close(1001,going away)", "conn_close(0,1)");
    EXPECT_EQ(HTTPc_PortScript_ClientFrameCount(c), 1u);
    EXPECT(HTTPc_PortScript_ClientFrame(c, 0u, &f, pay, sizeof pay) == DEF_OK);
    EXPECT(f.Opcode == HTTPc_SCRIPT_OP_CLOSE && f.CloseCode == 1001u);   /* Echoed code.   */
    case_end(2, "server closes");
}

/* 3. The socket fails in the middle of a frame from the server while three messages wait:
 *    OnErr, every message completes once with DEF_FAIL, OnClose(1006), the connection ends. */
static void case_rx_fault_mid_frame(void)
{
    HTTPc_SCRIPT_CONN *c;
    int                i;

    case_begin();
    c = HTTPc_PortScript_ConnAdd(&S, "fault.test", 0u);
    HTTPc_PortScript_Accept(c, NULL);
    HTTPc_PortScript_Gate(c);                    /* Hold the frame until the test says so.    */
    HTTPc_PortScript_Binary(c, "0123456789", 10u);
    /* Recv fails after the frame's 2 header bytes and 5 payload bytes. */
    HTTPc_PortScript_Fault(c, HTTPc_SCRIPT_RX, HTTPc_SCRIPT_AT_HANDSHAKE, 2u + 5u, HTTPc_PORT_ERR);
    /* The server reads nothing after the request: the messages stay queued. */
    HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_TX, HTTPc_SCRIPT_AT_HANDSHAKE, 0u, HTTPc_SCRIPT_FOREVER);
    lib_start();
    app_setup(&App, "fault.test");

    app_open(&App);
    EXPECT_LOG(&App, "connect(1)", "trans(1)", "open");
    App.LogN = 0;
    for (i = 0; i < NMSG; i++) {
        send_text(&App, i, "queued");
    }
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_EQ(App.LogN, 0);                      /* Nothing completes while stalled.          */

    HTTPc_PortScript_Release(c);
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_LOG(&App, "rx_init(2,10)", "ws_err(105)", "ws_close(1006,)", "tx_done(0,0)",
               "tx_done(1,0)", "tx_done(2,0)", "conn_close(0,105)");
    EXPECT(App.RxLen == 5u && memcmp(App.Rx, "01234", 5u) == 0);   /* Half a frame got in. */
    for (i = 0; i < NMSG; i++) {
        EXPECT_EQ(App.TxDone[i], 1u);            /* Exactly once each.                        */
    }
    case_end(3, "fault mid-frame (receiving)");
}

/* 4. Send fails in the middle of a 10 KB message: the same contract the other way round. */
static void case_tx_fault_mid_frame(void)
{
    static CPU_CHAR        big[10240];
    HTTPc_SCRIPT_CONN     *c;
    HTTPc_SCRIPT_CONN_INFO info;
    HTTPc_ERR              err;
    CPU_INT32U             req_len;
    int                    i;

    memset(big, 'x', sizeof big);
    case_begin();
    c = HTTPc_PortScript_ConnAdd(&S, "fault.test", 16384u);  /* Room to capture 10 KB.    */
    HTTPc_PortScript_Accept(c, NULL);
    HTTPc_PortScript_Chunk(c, HTTPc_SCRIPT_TX, 100u);        /* A slow reader,            */
    HTTPc_PortScript_Fault(c, HTTPc_SCRIPT_TX, HTTPc_SCRIPT_AT_HANDSHAKE, 3000u,
                           HTTPc_PORT_ERR);                  /* then a reset.             */
    lib_start();
    app_setup(&App, "fault.test");

    app_open(&App);
    App.LogN = 0;
    (void)HTTPc_WebSockSend(&App.Conn, &App.Msg[0], HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME, big,
                            (CPU_INT32U)sizeof big, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    send_text(&App, 1, "second");
    send_text(&App, 2, "third");
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_LOG(&App, "ws_err(103)", "ws_close(1006,)", "tx_done(0,0)", "tx_done(1,0)",
               "tx_done(2,0)", "conn_close(0,103)");
    for (i = 0; i < NMSG; i++) {
        EXPECT_EQ(App.TxDone[i], 1u);
    }
    HTTPc_PortScript_Info(c, &info);
    (void)HTTPc_PortScript_Request(c, 0u, &req_len);
    EXPECT_EQ(info.TxLen, req_len + 3000u);      /* The server got exactly 3000 frame bytes.  */
    EXPECT_EQ(HTTPc_PortScript_ClientFrameCount(c), 0u);      /* None of them whole.          */
    case_end(4, "fault mid-frame (sending)");
}

/* 5. The server refuses the upgrade (403), with blocking calls (the port's Wait lets fake time
 *    pass; nothing sleeps). The connection stays open for the application to close. */
static void case_refused(void)
{
    HTTPc_SCRIPT_CONN *c;
    HTTPc_ERR          err;
    CPU_BOOLEAN        ok;

    case_begin();
    c = HTTPc_PortScript_ConnAdd(&S, "auth.test", 0u);
    HTTPc_PortScript_Refuse(c, 403u, "Forbidden", "no access");
    lib_start();
    app_setup(&App, "auth.test");

    ok = HTTPc_ConnOpen(&App.Conn, App.ConnBuf, (CPU_INT16U)sizeof App.ConnBuf, App.Host,
                        (CPU_INT16U)strlen(App.Host), HTTPc_FLAG_NONE, &err);
    EXPECT(ok == DEF_OK && err == HTTPc_ERR_NONE);
    ok = HTTPc_WebSockUpgrade(&App.Conn, &App.Req, &App.Resp, &App.Ws, (CPU_CHAR *)"/chat", 5u,
                              HTTPc_FLAG_NONE, &err);
    EXPECT(ok == DEF_OK && err == HTTPc_ERR_NONE);          /* Legacy: a whole response.  */
    EXPECT_EQ(App.Resp.StatusCode, HTTP_STATUS_FORBIDDEN);  /* ... check the status.      */
    (void)HTTPc_PortScript_Run(&S, 10u);

    ok = HTTPc_WebSockSend(&App.Conn, &App.Msg[0], HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                           (CPU_CHAR *)"x", 1u, HTTPc_FLAG_WEBSOCK_NO_BLOCK, &err);
    EXPECT(ok == DEF_FAIL && err == HTTPc_ERR_WEBSOCK_INVALID_CONN);
    HTTPc_ConnClose(&App.Conn, HTTPc_FLAG_NONE, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_LOG(&App, "conn_close(4,1)");          /* STATUS_APP; no OnOpen, no transaction hook. */
    EXPECT_EQ(App.TxDone[0], 0u);
    case_end(5, "refused upgrade (403)");
}

/* 6. Connect outcomes: refused at once, then never completing (the connect timeout, in fake
 *    time); the next connect to the host takes the next script. */
static void case_connect_outcomes(void)
{
    HTTPc_SCRIPT_CONN     *refused;
    HTTPc_SCRIPT_CONN     *silent;
    HTTPc_SCRIPT_CONN_INFO info;
    HTTPc_ERR              err;
    CPU_INT16U             timeout_ms = 500u;
    CPU_INT32U             t0;

    case_begin();
    refused = HTTPc_PortScript_ConnAdd(&S, "down.test", 0u);
    HTTPc_PortScript_ConnectOutcome(refused, HTTPc_PORT_ERR, 0u);
    silent = HTTPc_PortScript_ConnAdd(&S, "down.test", 0u);
    HTTPc_PortScript_ConnectOutcome(silent, HTTPc_PORT_WOULD_BLOCK, 0u);
    lib_start();

    app_setup(&App, "down.test");
    (void)HTTPc_ConnOpen(&App.Conn, App.ConnBuf, (CPU_INT16U)sizeof App.ConnBuf, App.Host,
                         (CPU_INT16U)strlen(App.Host), HTTPc_FLAG_CONN_NO_BLOCK, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    (void)HTTPc_PortScript_Run(&S, 10u);
    EXPECT_LOG(&App, "connect(0)");              /* And never OnClose (legacy contract).      */

    app_setup(&App, "down.test");
    HTTPc_ConnSetParam(&App.Conn, HTTPc_PARAM_TYPE_CONNECT_TIMEOUT, &timeout_ms, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    t0 = HTTPc_PortScript_Now(&S);
    (void)HTTPc_ConnOpen(&App.Conn, App.ConnBuf, (CPU_INT16U)sizeof App.ConnBuf, App.Host,
                         (CPU_INT16U)strlen(App.Host), HTTPc_FLAG_CONN_NO_BLOCK, &err);
    EXPECT_EQ(err, HTTPc_ERR_NONE);
    (void)HTTPc_PortScript_Run(&S, 490u);
    EXPECT_EQ(App.LogN, 0);                      /* Still connecting.                         */
    (void)HTTPc_PortScript_Run(&S, 20u);
    EXPECT_LOG(&App, "connect(0)");
    EXPECT(HTTPc_PortScript_Now(&S) - t0 >= 500u);

    HTTPc_PortScript_Info(refused, &info);
    EXPECT(info.Used && info.Handles == 0u && info.Closes == 0u);
    HTTPc_PortScript_Info(silent, &info);
    EXPECT(info.Used && info.Handles == 1u && info.Closes == 1u);  /* The engine closed it. */
    EXPECT_EQ(info.ConnectTimeout_ms, 500u);
    case_end(6, "connect refused, connect timeout");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    case_echo();
    case_server_close();
    case_rx_fault_mid_frame();
    case_tx_fault_mid_frame();
    case_refused();
    case_connect_outcomes();
    printf("%s\n", Cases_Failed == 0 ? "all cases passed" : "some cases FAILED");
    return Cases_Failed == 0 ? 0 : 1;
}
