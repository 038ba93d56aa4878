/*
 * test_port_script.c: tests of the scripted port itself (httpc_ws::port_script). Most checks
 * call the port's callbacks directly, as the engine would, to pin down each feature exactly;
 * the last ones drive the real engine. Exit code 0 when every check passed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <stdio.h>
#include <string.h>

#include <http-c.h>
#include "httpc_port_script.h"

static int Fails;
static int Checks;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        Checks++;                                                                             \
        if (!(cond)) {                                                                        \
            printf("  line %d: CHECK(%s) failed\n", __LINE__, #cond);                         \
            Fails++;                                                                          \
        }                                                                                     \
    } while (0)

#define CHECK_EQ(a, b)                                                                        \
    do {                                                                                      \
        long a_ = (long)(a);                                                                  \
        long b_ = (long)(b);                                                                  \
        Checks++;                                                                             \
        if (a_ != b_) {                                                                       \
            printf("  line %d: %s = %ld, expected %ld\n", __LINE__, #a, a_, b_);              \
            Fails++;                                                                          \
        }                                                                                     \
    } while (0)

static HTTPc_SCRIPT S;
static CPU_INT08U   Mem[200000];
static HTTPc_PORT   P;

static void fresh(void)
{
    CHECK(HTTPc_PortScript_Init(&S, Mem, (CPU_INT32U)sizeof Mem, 7u) == DEF_OK);
    HTTPc_PortScript_PortGet(&S, &P);
}

static void *connect_to(const char *host, CPU_INT32S expect)
{
    void      *h = NULL;
    CPU_INT32S r = P.Connect(P.Ctx, host, 80u, 1000u, NULL, 30u, DEF_NO, &h);

    CHECK_EQ(r, expect);
    return h;
}

/* Recv into a string; returns the result. */
static CPU_INT32S rx(void *h, CPU_INT32U len, char *out)
{
    CPU_INT32S r = P.Recv(P.Ctx, h, (CPU_INT08U *)out, len);

    out[r > 0 ? r : 0] = '\0';
    return r;
}

static CPU_INT32S tx(void *h, const char *data)
{
    return P.Send(P.Ctx, h, (const CPU_INT08U *)data, (CPU_INT32U)strlen(data));
}

/* ------------------------------------------------------------------------------------------ */

static void t_helpers(void)
{
    CPU_CHAR   acc[29];
    CPU_INT08U buf[70000];
    CPU_INT08U pay[70000];
    CPU_INT08U key[4] = { 1u, 2u, 3u, 4u };
    CPU_INT08U r1[16];
    CPU_INT08U r2[16];

    /* RFC 6455 section 1.3's example. */
    HTTPc_PortScript_AcceptKey("dGhlIHNhbXBsZSBub25jZQ==", 24u, acc);
    CHECK(strcmp(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0);

    memset(pay, 'p', sizeof pay);
    CHECK_EQ(HTTPc_PortScript_FrameFmt(buf, sizeof buf, 0x81u, NULL, pay, 0u), 2u);
    CHECK(buf[0] == 0x81u && buf[1] == 0u);
    CHECK_EQ(HTTPc_PortScript_FrameFmt(buf, sizeof buf, 0x82u, NULL, pay, 125u), 127u);
    CHECK(buf[1] == 125u);
    CHECK_EQ(HTTPc_PortScript_FrameFmt(buf, sizeof buf, 0x82u, NULL, pay, 126u), 130u);
    CHECK(buf[1] == 126u && buf[2] == 0u && buf[3] == 126u);
    CHECK_EQ(HTTPc_PortScript_FrameFmt(buf, sizeof buf, 0x82u, NULL, pay, 65535u), 65539u);
    CHECK_EQ(HTTPc_PortScript_FrameFmt(buf, sizeof buf, 0x82u, NULL, pay, 65536u), 65546u);
    CHECK(buf[1] == 127u && buf[7] == 1u && buf[8] == 0u && buf[9] == 0u);
    CHECK_EQ(HTTPc_PortScript_FrameFmt(buf, sizeof buf, 0x81u, key, "abcd", 4u), 10u);
    CHECK(buf[1] == 0x84u && buf[2] == 1u && buf[6] == ('a' ^ 1) && buf[9] == ('d' ^ 4));
    CHECK_EQ(HTTPc_PortScript_FrameFmt(buf, 9u, 0x81u, key, "abcd", 4u), 0u);  /* Too small. */

    /* Deterministic randomness. */
    fresh();
    CHECK(P.Random(P.Ctx, r1, 16u) == DEF_OK);
    fresh();
    CHECK(P.Random(P.Ctx, r2, 16u) == DEF_OK);
    CHECK(memcmp(r1, r2, 16u) == 0);
    CHECK(P.Random(P.Ctx, r2, 16u) == DEF_OK);
    CHECK(memcmp(r1, r2, 16u) != 0);
    CHECK(P.TaskCreate == NULL && P.Lock == NULL && P.Watch == NULL && P.Wait != NULL);
}

static void t_matching(void)
{
    HTTPc_SCRIPT_CONN     *a;
    HTTPc_SCRIPT_CONN     *any1;
    HTTPc_SCRIPT_CONN     *b;
    HTTPc_SCRIPT_CONN     *any2;
    HTTPc_SCRIPT_CONN_INFO info;
    void                  *h;

    fresh();
    a    = HTTPc_PortScript_ConnAdd(&S, "a.test", 0u);
    any1 = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    b    = HTTPc_PortScript_ConnAdd(&S, "b.test", 0u);
    any2 = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    CHECK(connect_to("b.test", HTTPc_PORT_OK) == (void *)b);
    CHECK(connect_to("x.test", HTTPc_PORT_OK) == (void *)any1);
    CHECK(connect_to("A.Test", HTTPc_PORT_OK) == (void *)a);     /* Case-insensitive.        */
    h = connect_to("a.test", HTTPc_PORT_OK);                      /* a is used: a wildcard.   */
    CHECK(h == (void *)any2);
    CHECK(HTTPc_PortScript_ErrGet(&S) == NULL);
    (void)connect_to("y.test", HTTPc_PORT_ERR);                   /* No script left.          */
    CHECK(HTTPc_PortScript_ErrGet(&S) != NULL &&
          strstr(HTTPc_PortScript_ErrGet(&S), "y.test") != NULL);
    HTTPc_PortScript_Info(any2, &info);
    CHECK(info.Used && strcmp(info.Host, "a.test") == 0 && info.Port == 80u && info.IsOpen);
    P.Close(P.Ctx, a);
    P.Close(P.Ctx, b);
    P.Close(P.Ctx, any1);
    P.Close(P.Ctx, any2);
    CHECK(HTTPc_PortScript_AllClosed(&S) == DEF_NO);              /* The unmatched Connect.   */
    CHECK_EQ(HTTPc_PortScript_ErrCount(&S), 1u);
    P.Close(P.Ctx, a);                                            /* Twice: an error.         */
    CHECK_EQ(HTTPc_PortScript_ErrCount(&S), 2u);
}

static void t_connect_outcomes(void)
{
    HTTPc_SCRIPT_CONN *c1;
    HTTPc_SCRIPT_CONN *c2;
    HTTPc_SCRIPT_CONN *c3;
    void              *h;
    int                i;

    fresh();
    c1 = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    c2 = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    c3 = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_ConnectOutcome(c1, HTTPc_PORT_OK, 3u);
    HTTPc_PortScript_ConnectOutcome(c2, HTTPc_PORT_ERR, 2u);
    HTTPc_PortScript_ConnectOutcome(c3, HTTPc_PORT_WOULD_BLOCK, 0u);
    h = connect_to("h", HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(P.ConnectPoll(P.Ctx, h), HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(P.ConnectPoll(P.Ctx, h), HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(P.ConnectPoll(P.Ctx, h), HTTPc_PORT_OK);
    P.Close(P.Ctx, h);
    h = connect_to("h", HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(P.ConnectPoll(P.Ctx, h), HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(P.ConnectPoll(P.Ctx, h), HTTPc_PORT_ERR);
    P.Close(P.Ctx, h);
    h = connect_to("h", HTTPc_PORT_WOULD_BLOCK);
    for (i = 0; i < 50; i++) {
        CHECK_EQ(P.ConnectPoll(P.Ctx, h), HTTPc_PORT_WOULD_BLOCK);
    }
    {
        HTTPc_PORT_WAIT_ENTRY e;
        CPU_INT32U            t0 = HTTPc_PortScript_Now(&S);
        e.Handle = h;
        e.Want   = HTTPc_PORT_WAIT_WR;
        P.Wait(P.Ctx, &e, 1u, 250u);                              /* Never ready: time passes. */
        CHECK_EQ(HTTPc_PortScript_Now(&S) - t0, 250u);
    }
    {
        char b[4];
        CHECK_EQ(rx(h, 3u, b), HTTPc_PORT_ERR);                   /* Recv while connecting.   */
        CHECK(HTTPc_PortScript_ErrGet(&S) != NULL);
    }
    P.Close(P.Ctx, h);
    CHECK(HTTPc_PortScript_AllClosed(&S) == DEF_YES);
}

static void t_rx_script(void)
{
    HTTPc_SCRIPT_CONN     *c;
    HTTPc_SCRIPT_CONN_INFO info;
    HTTPc_PORT_WAIT_ENTRY  e;
    void                  *h;
    char                   b[64];
    CPU_INT32U             t0;

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_Str(c, "abcdef");
    HTTPc_PortScript_Gate(c);
    HTTPc_PortScript_Str(c, "gh");
    HTTPc_PortScript_WaitMs(c, 100u);
    HTTPc_PortScript_Str(c, "ij");
    HTTPc_PortScript_Gate(c);
    HTTPc_PortScript_End(c, HTTPc_PORT_CLOSED);
    HTTPc_PortScript_Chunk(c, HTTPc_SCRIPT_RX, 4u);
    h        = connect_to("h", HTTPc_PORT_OK);
    e.Handle = h;
    e.Want   = HTTPc_PORT_WAIT_RD;

    CHECK_EQ(rx(h, 64u, b), 4);
    CHECK(strcmp(b, "abcd") == 0);
    CHECK_EQ(rx(h, 64u, b), 2);
    CHECK(strcmp(b, "ef") == 0);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_WOULD_BLOCK);              /* Gate 1 closed.           */
    HTTPc_PortScript_Release(c);
    t0 = HTTPc_PortScript_Now(&S);
    P.Wait(P.Ctx, &e, 1u, 5000u);                                 /* Ready: no time passes.   */
    CHECK_EQ(HTTPc_PortScript_Now(&S), t0);
    CHECK_EQ(rx(h, 64u, b), 2);
    CHECK(strcmp(b, "gh") == 0);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_WOULD_BLOCK);              /* WaitMs(100) started.     */
    HTTPc_PortScript_Advance(&S, 40u);
    P.Wait(P.Ctx, &e, 1u, 5000u);                                 /* Sleeps until it is due.  */
    CHECK_EQ(HTTPc_PortScript_Now(&S), t0 + 100u);
    CHECK_EQ(rx(h, 64u, b), 2);
    CHECK(strcmp(b, "ij") == 0);
    HTTPc_PortScript_Info(c, &info);
    CHECK(!info.ScriptDone);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_WOULD_BLOCK);              /* Gate 2 (not gate 1).     */
    HTTPc_PortScript_Release(c);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_CLOSED);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_CLOSED);                   /* Sticky.                  */
    HTTPc_PortScript_Info(c, &info);
    CHECK(info.ScriptDone && info.RxLen == 10u && info.RecvCalls == 9u);
    P.Close(P.Ctx, h);
    CHECK(HTTPc_PortScript_ErrGet(&S) == NULL);
}

static void t_rx_faults(void)
{
    HTTPc_SCRIPT_CONN    *c;
    HTTPc_PORT_WAIT_ENTRY e;
    void                 *h;
    char                  b[64];
    CPU_INT32U            t0;

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_Str(c, "HTTP/1.1 200 OK\r\n\r\nabcdef");
    HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_RX, HTTPc_SCRIPT_AT_HANDSHAKE, 2u, 2u);
    HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_RX, HTTPc_SCRIPT_AT_HANDSHAKE, 4u, HTTPc_SCRIPT_FOREVER);
    h        = connect_to("h", HTTPc_PORT_OK);
    e.Handle = h;
    e.Want   = HTTPc_PORT_WAIT_RD;
    CHECK_EQ(rx(h, 64u, b), 21);                                  /* Head + "ab": stops at +2. */
    CHECK(strcmp(b + 19, "ab") == 0);
    t0 = HTTPc_PortScript_Now(&S);
    P.Wait(P.Ctx, &e, 1u, 500u);                                  /* A finite storm: ready.    */
    CHECK_EQ(HTTPc_PortScript_Now(&S), t0);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(rx(h, 64u, b), 2);
    CHECK(strcmp(b, "cd") == 0);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_WOULD_BLOCK);              /* Stalled for good.         */
    P.Wait(P.Ctx, &e, 1u, 500u);
    CHECK_EQ(HTTPc_PortScript_Now(&S), t0 + 500u);
    P.Close(P.Ctx, h);

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_Str(c, "0123456789");
    HTTPc_PortScript_Fault(c, HTTPc_SCRIPT_RX, HTTPc_SCRIPT_AT_START, 3u, HTTPc_PORT_ERR);
    h = connect_to("h", HTTPc_PORT_OK);
    CHECK_EQ(rx(h, 64u, b), 3);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_ERR);
    CHECK_EQ(rx(h, 64u, b), HTTPc_PORT_ERR);
    P.Close(P.Ctx, h);
    CHECK(HTTPc_PortScript_ErrGet(&S) == NULL);
}

static void t_tx_faults(void)
{
    HTTPc_SCRIPT_CONN    *c;
    HTTPc_PORT_WAIT_ENTRY e;
    void                 *h;
    const CPU_INT08U     *sent;
    CPU_INT32U            n;
    CPU_INT32U            t0;

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_Fault(c, HTTPc_SCRIPT_TX, HTTPc_SCRIPT_AT_START, 5u, HTTPc_PORT_CLOSED);
    h = connect_to("h", HTTPc_PORT_OK);
    CHECK_EQ(tx(h, "0123456789"), 5);
    CHECK_EQ(tx(h, "56789"), HTTPc_PORT_CLOSED);
    CHECK_EQ(tx(h, "56789"), HTTPc_PORT_CLOSED);
    sent = HTTPc_PortScript_Sent(c, &n);
    CHECK(n == 5u && memcmp(sent, "01234", 5u) == 0);
    P.Close(P.Ctx, h);

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_Chunk(c, HTTPc_SCRIPT_TX, 2u);
    HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_TX, HTTPc_SCRIPT_AT_HANDSHAKE, 1u, 2u);
    HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_TX, HTTPc_SCRIPT_AT_HANDSHAKE, 3u, HTTPc_SCRIPT_FOREVER);
    h        = connect_to("h", HTTPc_PORT_OK);
    e.Handle = h;
    e.Want   = HTTPc_PORT_WAIT_WR;
    CHECK_EQ(tx(h, "GET / HTTP/1.1\r\n\r\nabcdef"), 2);
    while (HTTPc_PortScript_Sent(c, &n) != NULL && n < 18u) {
        if (tx(h, &"GET / HTTP/1.1\r\n\r\n"[n]) <= 0) {
            break;
        }
    }
    CHECK_EQ(n, 18u);                                             /* The head, in pairs.       */
    CHECK_EQ(tx(h, "abcdef"), 1);                                 /* Stops at head + 1.        */
    CHECK_EQ(tx(h, "bcdef"), HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(tx(h, "bcdef"), HTTPc_PORT_WOULD_BLOCK);
    CHECK_EQ(tx(h, "bcdef"), 2);
    t0 = HTTPc_PortScript_Now(&S);
    P.Wait(P.Ctx, &e, 1u, 300u);                                  /* Stalled: not writable.    */
    CHECK_EQ(HTTPc_PortScript_Now(&S), t0 + 300u);
    CHECK_EQ(tx(h, "def"), HTTPc_PORT_WOULD_BLOCK);
    P.Close(P.Ctx, h);

    /* A full capture is an error, never an overrun. */
    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 8u);
    h = connect_to("h", HTTPc_PORT_OK);
    CHECK_EQ(tx(h, "0123456789"), 8);
    CHECK(HTTPc_PortScript_ErrGet(&S) == NULL);
    CHECK_EQ(tx(h, "89"), HTTPc_PORT_ERR);
    CHECK(HTTPc_PortScript_ErrGet(&S) != NULL &&
          strstr(HTTPc_PortScript_ErrGet(&S), "capture full") != NULL);
    P.Close(P.Ctx, h);
}

/* The client side by hand: request, masked frames; the server's Accept and Echo. */
static void t_decode_accept_echo(void)
{
    static const char req[] =
        "GET /x HTTP/1.1\r\nHost: h\r\nSec-WebSocket-Key:   dGhlIHNhbXBsZSBub25jZQ==  \r\n"
        "X-Twice: 1\r\nx-twice: 2\r\n\r\n";
    static const CPU_INT08U key[4] = { 0x37u, 0xFAu, 0x21u, 0x3Du };
    HTTPc_SCRIPT_CONN *c;
    HTTPc_SCRIPT_FRAME f;
    CPU_INT08U         frame[400];
    CPU_INT08U         big[300];
    char               b[512];
    char               v[64];
    void              *h;
    CPU_INT32U         n;
    CPU_INT32S         r;

    memset(big, 'B', sizeof big);
    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_Accept(c, "X-Extra: yes\r\n");
    HTTPc_PortScript_WaitFrames(c, 1u);
    HTTPc_PortScript_Echo(c, 0u);
    HTTPc_PortScript_Echo(c, 1u);
    HTTPc_PortScript_WaitClientClose(c);
    HTTPc_PortScript_Str(c, "!");
    h = connect_to("h", HTTPc_PORT_OK);

    CHECK_EQ(rx(h, 512u, b), HTTPc_PORT_WOULD_BLOCK);             /* Accept waits for it.      */
    CHECK_EQ(tx(h, "GET /x HTTP/1.1\r\n"), 17);
    CHECK_EQ(rx(h, 512u, b), HTTPc_PORT_WOULD_BLOCK);
    CHECK(HTTPc_PortScript_Request(c, 0u, &n) == NULL && n == 0u);
    CHECK_EQ(tx(h, req + 17), (CPU_INT32S)strlen(req) - 17);
    CHECK(HTTPc_PortScript_Request(c, 0u, &n) != NULL && n == strlen(req));
    CHECK_EQ(HTTPc_PortScript_RequestHeader(c, 0u, "sec-websocket-key", v, sizeof v), 1u);
    CHECK(strcmp(v, "dGhlIHNhbXBsZSBub25jZQ==") == 0);            /* Trimmed.                  */
    CHECK_EQ(HTTPc_PortScript_RequestHeader(c, 0u, "X-TWICE", v, 2u), 2u);
    CHECK(strcmp(v, "1") == 0);
    CHECK_EQ(HTTPc_PortScript_RequestHeader(c, 0u, "Missing", v, sizeof v), 0u);
    r = rx(h, 512u, b);
    CHECK(r > 0 && strcmp(b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                             "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nX-Extra: yes\r\n\r\n") == 0);
    CHECK_EQ(rx(h, 512u, b), HTTPc_PORT_WOULD_BLOCK);             /* WaitFrames(1).            */

    /* A masked text frame, sent one byte at a time; then a 300-byte binary and a Close. */
    n = HTTPc_PortScript_FrameFmt(frame, sizeof frame, 0x81u, key, "hi!", 3u);
    {
        CPU_INT32U i;
        for (i = 0u; i < n; i++) {
            CHECK_EQ(P.Send(P.Ctx, h, &frame[i], 1u), 1);
            CHECK_EQ(HTTPc_PortScript_ClientFrameCount(c), (i + 1u == n) ? 1u : 0u);
        }
    }
    r = rx(h, 512u, b);
    CHECK(r == 5 && (CPU_INT08U)b[0] == 0x81u && b[1] == 3 && memcmp(&b[2], "hi!", 3u) == 0);
    n = HTTPc_PortScript_FrameFmt(frame, sizeof frame, 0x02u, key, big, 300u);   /* FIN 0. */
    CHECK_EQ(P.Send(P.Ctx, h, frame, n), (CPU_INT32S)n);
    r = rx(h, 512u, b);                                           /* The echo, unmasked.       */
    CHECK(r == 304 && (CPU_INT08U)b[0] == 0x02u && b[1] == 126 && (CPU_INT08U)b[3] == 44u &&
          memcmp(&b[4], big, 300u) == 0);
    CHECK_EQ(rx(h, 512u, b), HTTPc_PORT_WOULD_BLOCK);             /* Until the client's Close. */
    n = HTTPc_PortScript_FrameFmt(frame, sizeof frame, 0x88u, key, "\x03\xE9" "bye", 5u);
    CHECK_EQ(P.Send(P.Ctx, h, frame, n), (CPU_INT32S)n);
    CHECK_EQ(rx(h, 512u, b), 1);
    CHECK(strcmp(b, "!") == 0);

    CHECK_EQ(HTTPc_PortScript_ClientFrameCount(c), 3u);
    CHECK(HTTPc_PortScript_ClientFrame(c, 0u, &f, b, sizeof b) == DEF_OK);
    CHECK(f.Opcode == 1u && f.Fin && f.Masked && f.PayloadLen == 3u && f.CopiedLen == 3u &&
          memcmp(b, "hi!", 3u) == 0 && memcmp(f.MaskKey, key, 4u) == 0 && f.CloseCode == 0u);
    CHECK(HTTPc_PortScript_ClientFrame(c, 1u, &f, b, 10u) == DEF_OK);    /* Truncated copy.  */
    CHECK(f.Opcode == 2u && !f.Fin && f.PayloadLen == 300u && f.CopiedLen == 10u);
    CHECK(HTTPc_PortScript_ClientFrame(c, 2u, &f, NULL, 0u) == DEF_OK);
    CHECK(f.Opcode == 8u && f.CloseCode == 1001u && f.PayloadLen == 5u);
    CHECK(HTTPc_PortScript_ClientFrame(c, 3u, &f, NULL, 0u) == DEF_FAIL);
    P.Close(P.Ctx, h);
    CHECK(HTTPc_PortScript_ErrGet(&S) == NULL);
}

static void t_limits(void)
{
    static CPU_INT08U small[64];
    HTTPc_SCRIPT_CONN *c;
    int                i;
    CPU_BOOLEAN        ok = DEF_OK;

    fresh();
    for (i = 0; i < (int)HTTPc_SCRIPT_CONN_MAX; i++) {
        CHECK(HTTPc_PortScript_ConnAdd(&S, NULL, 16u) != NULL);
    }
    CHECK(HTTPc_PortScript_ConnAdd(&S, NULL, 16u) == NULL);
    CHECK(strstr(HTTPc_PortScript_ErrGet(&S), "too many connection scripts") != NULL);

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 16u);
    for (i = 0; i < (int)HTTPc_SCRIPT_STEP_MAX; i++) {
        ok = (CPU_BOOLEAN)(ok && HTTPc_PortScript_Gate(c));
    }
    CHECK(ok == DEF_OK && HTTPc_PortScript_ErrGet(&S) == NULL);
    CHECK(HTTPc_PortScript_Gate(c) == DEF_FAIL);
    CHECK(strstr(HTTPc_PortScript_ErrGet(&S), "too many script steps") != NULL);

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 16u);
    for (i = 0; i < (int)HTTPc_SCRIPT_FAULT_MAX; i++) {
        CHECK(HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_RX, HTTPc_SCRIPT_AT_START, 0u, 1u) == DEF_OK);
    }
    CHECK(HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_RX, HTTPc_SCRIPT_AT_START, 0u, 1u) == DEF_FAIL);
    CHECK(HTTPc_PortScript_Fault(c, 9u, HTTPc_SCRIPT_AT_START, 0u, HTTPc_PORT_ERR) == DEF_FAIL);

    /* The pool: 64 bytes, 16 for a capture, 48 for the script. */
    CHECK(HTTPc_PortScript_Init(&S, small, (CPU_INT32U)sizeof small, 1u) == DEF_OK);
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 16u);
    CHECK(c != NULL);
    CHECK(HTTPc_PortScript_Data(c, small, 40u) == DEF_OK);
    CHECK(HTTPc_PortScript_Text(c, "0123456789") == DEF_FAIL);    /* 12 > 8 left.              */
    CHECK(strstr(HTTPc_PortScript_ErrGet(&S), "pool full") != NULL);
    CHECK(HTTPc_PortScript_Data(c, small, 8u) == DEF_OK);         /* Exactly full.             */
    CHECK(HTTPc_PortScript_ConnAdd(&S, NULL, 1u) == NULL);

    /* Misuse. */
    fresh();
    CHECK(HTTPc_PortScript_ConnAdd(&S, "0123456789012345678901234567890123456789012345678901234567890123", 0u) == NULL);
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    CHECK(HTTPc_PortScript_End(c, HTTPc_PORT_WOULD_BLOCK) == DEF_FAIL);
    CHECK(HTTPc_PortScript_Refuse(c, 42u, "x", NULL) == DEF_FAIL);
    CHECK(HTTPc_PortScript_ConnectOutcome(c, 5, 0u) == DEF_FAIL);
    CHECK(HTTPc_PortScript_Text(NULL, "x") == DEF_FAIL);
    CHECK(HTTPc_PortScript_Echo(NULL, 0u) == DEF_FAIL);
    CHECK(HTTPc_PortScript_Info(NULL, NULL) == DEF_FAIL);
    CHECK(HTTPc_PortScript_Init(NULL, NULL, 0u, 0u) == DEF_FAIL);
    {
        char b[4];
        CHECK_EQ(rx(&S, 3u, b), HTTPc_PORT_ERR);                  /* Not a handle.             */
        CHECK(strstr(HTTPc_PortScript_ErrGet(&S), "host name longer") != NULL);
        CHECK(HTTPc_PortScript_ErrCount(&S) == 5u);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* With the engine                                                                            */
/* ------------------------------------------------------------------------------------------ */

static HTTPc_CONN_OBJ    Conn;
static HTTPc_REQ_OBJ     Req;
static HTTPc_RESP_OBJ    Resp;
static HTTPc_WEBSOCK_OBJ Ws;
static CPU_CHAR          Buf[512];
static int               Opened;
static int               Closed;
static HTTPc_ERR         WsErr;
static CPU_INT16U        WsCode;
static char              Got[64];
static size_t            GotLen;

static void on_close(HTTPc_CONN_OBJ *p, HTTPc_CONN_CLOSE_STATUS st, HTTPc_ERR e)
{
    (void)p; (void)st; (void)e;
    Closed++;
}
static void on_open(HTTPc_CONN_OBJ *p) { (void)p; Opened++; }
static void on_err(HTTPc_CONN_OBJ *p, HTTPc_ERR e) { (void)p; WsErr = e; }
static void on_ws_close(HTTPc_CONN_OBJ *p, HTTPc_WEBSOCK_CLOSE_CODE code,
                        HTTPc_WEBSOCK_CLOSE_REASON *r)
{
    (void)p; (void)r;
    WsCode = code;
}
static CPU_INT32U on_rx(HTTPc_CONN_OBJ *p, HTTPc_WEBSOCK_MSG_TYPE t, void *d, CPU_INT16U len)
{
    (void)p; (void)t;
    if (GotLen + len < sizeof Got) {
        memcpy(&Got[GotLen], d, len);
        GotLen += len;
    }
    return len;
}

static void engine_start(void)
{
    static const HTTPc_CFG cfg = { 0u, 2u, 1000u, 30u, DEF_NO };
    HTTPc_ERR err;

    HTTPc_PortSet(&P, &err);
    CHECK_EQ(err, HTTPc_ERR_NONE);
    HTTPc_Init(&cfg, NULL, NULL, &err);
    CHECK_EQ(err, HTTPc_ERR_NONE);
    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&on_close, &err);
    HTTPc_ReqClr(&Req, &err);
    HTTPc_WebSockClr(&Ws, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN, (void *)&on_open, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR, (void *)&on_err, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, (void *)&on_ws_close, &err);
    HTTPc_WebSockSetParam(&Ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA, (void *)&on_rx, &err);
    CHECK_EQ(err, HTTPc_ERR_NONE);
    Opened = Closed = 0;
    WsErr  = 0u;
    WsCode = 0u;
    GotLen = 0u;
}

static void engine_end(void)
{
    HTTPc_ERR err;

    if (Closed == 0) {
        HTTPc_ConnClose(&Conn, HTTPc_FLAG_NONE, &err);
        (void)HTTPc_PortScript_Run(&S, 10u);
    }
    HTTPc_Reset(&err);
    CHECK_EQ(err, HTTPc_ERR_NONE);
    CHECK(HTTPc_PortScript_AllClosed(&S) == DEF_YES);
}

/* A 401, then the retried upgrade on the same connection gets the 101 for its new key. */
static void t_engine_retry(void)
{
    HTTPc_SCRIPT_CONN *c;
    HTTPc_ERR          err;
    CPU_BOOLEAN        ok;
    char               k1[32];
    char               k2[32];

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, "h.test", 0u);
    HTTPc_PortScript_Refuse(c, 401u, "Unauthorized", "log in first");
    HTTPc_PortScript_Accept(c, NULL);
    HTTPc_PortScript_Chunk(c, HTTPc_SCRIPT_RX, 3u);
    engine_start();
    ok = HTTPc_ConnOpen(&Conn, Buf, (CPU_INT16U)sizeof Buf, (CPU_CHAR *)"h.test", 6u,
                        HTTPc_FLAG_NONE, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE);
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)"/", 1u, HTTPc_FLAG_NONE, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE && Resp.StatusCode == HTTP_STATUS_UNAUTHORIZED);
    ok = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)"/", 1u, HTTPc_FLAG_NONE, &err);
    CHECK(ok == DEF_OK && err == HTTPc_ERR_NONE &&
          Resp.StatusCode == HTTP_STATUS_SWITCHING_PROTOCOLS);
    (void)HTTPc_PortScript_Run(&S, 5u);
    CHECK_EQ(Opened, 1);
    CHECK_EQ(HTTPc_PortScript_RequestHeader(c, 0u, "Sec-WebSocket-Key", k1, sizeof k1), 1u);
    CHECK_EQ(HTTPc_PortScript_RequestHeader(c, 1u, "Sec-WebSocket-Key", k2, sizeof k2), 1u);
    CHECK(strcmp(k1, k2) != 0);
    engine_end();
    CHECK(HTTPc_PortScript_ErrGet(&S) == NULL);
}

/* Negative test: a masked frame from the server fails the connection with 1002; a ping is
 * answered first; reads come one byte at a time through a storm. */
static void t_engine_violation(void)
{
    static const CPU_INT08U key[4] = { 9u, 8u, 7u, 6u };
    HTTPc_SCRIPT_CONN *c;
    HTTPc_SCRIPT_FRAME f;
    CPU_INT08U         pl[8];
    char               pay[8];
    HTTPc_ERR          err;

    fresh();
    c = HTTPc_PortScript_ConnAdd(&S, NULL, 0u);
    HTTPc_PortScript_Accept(c, NULL);
    HTTPc_PortScript_Text(c, "hey");
    HTTPc_PortScript_Ping(c, "p1", 2u);
    HTTPc_PortScript_WaitFrames(c, 1u);                           /* Our pong.                 */
    HTTPc_PortScript_Frame(c, HTTPc_SCRIPT_FIN | HTTPc_SCRIPT_OP_TEXT, key, "bad", 3u);
    HTTPc_PortScript_WaitClientClose(c);
    HTTPc_PortScript_End(c, HTTPc_PORT_CLOSED);
    HTTPc_PortScript_Chunk(c, HTTPc_SCRIPT_RX, 1u);
    HTTPc_PortScript_Storm(c, HTTPc_SCRIPT_RX, HTTPc_SCRIPT_AT_HANDSHAKE, 1u, 5u);
    engine_start();
    (void)HTTPc_ConnOpen(&Conn, Buf, (CPU_INT16U)sizeof Buf, (CPU_CHAR *)"v.test", 6u,
                         HTTPc_FLAG_NONE, &err);
    CHECK_EQ(err, HTTPc_ERR_NONE);
    (void)HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)"/", 1u, HTTPc_FLAG_NONE,
                               &err);
    CHECK_EQ(err, HTTPc_ERR_NONE);
    (void)HTTPc_PortScript_Run(&S, 100u);
    CHECK_EQ(Opened, 1);
    CHECK(GotLen == 3u && memcmp(Got, "hey", 3u) == 0);
    CHECK_EQ(WsErr, HTTPc_ERR_WEBSOCK_RX_MASKED_FRAME);
    CHECK_EQ(WsCode, 1002u);
    CHECK_EQ(Closed, 1);
    CHECK_EQ(HTTPc_PortScript_ClientFrameCount(c), 2u);
    CHECK(HTTPc_PortScript_ClientFrame(c, 0u, &f, pay, sizeof pay) == DEF_OK);
    CHECK(f.Opcode == HTTPc_SCRIPT_OP_PONG && f.PayloadLen == 2u && memcmp(pay, "p1", 2u) == 0);
    CHECK(HTTPc_PortScript_ClientFrame(c, 1u, &f, pl, sizeof pl) == DEF_OK);
    CHECK(f.Opcode == HTTPc_SCRIPT_OP_CLOSE && f.CloseCode == 1002u);
    engine_end();
    CHECK(HTTPc_PortScript_ErrGet(&S) == NULL);
}

int main(void)
{
    t_helpers();
    t_matching();
    t_connect_outcomes();
    t_rx_script();
    t_rx_faults();
    t_tx_faults();
    t_decode_accept_echo();
    t_limits();
    t_engine_retry();
    t_engine_violation();
    printf("%d checks, %d failed\n", Checks, Fails);
    return Fails == 0 ? 0 : 1;
}
