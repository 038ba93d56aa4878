/*
 * The uC/TCP-IP port (ports/uctcpip) run on the host against the fake stack of net_fake.c: a
 * connection's whole life through the port's callbacks (Connect, ConnectPoll, Send with a full
 * socket, Recv of nothing, of data and of the peer's close, Close), checking after each call
 * that the stack's global lock was given back and the port's answer is the contract's
 * (docs/PORTING.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "httpc_port_uctcpip.h"
#include "net_fake.h"

static int failures;

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, what);                                  \
            failures++;                                                                            \
        }                                                                                          \
        if (NetFake.LockDepth != 0 || NetFake.LockFaults != 0) {                                   \
            printf("FAIL %s:%d: the stack's global lock was left held (%s)\n", __FILE__,           \
                   __LINE__, what);                                                                \
            failures++;                                                                            \
            NetFake.LockDepth = 0;                                                                 \
            NetFake.LockFaults = 0;                                                                \
        }                                                                                          \
    } while (0)

CPU_INT32U HTTPc_PortUcTcpIp_TimeGet_ms(void)
{
    return 0u;
}

static CPU_BOOLEAN trng(CPU_INT08U *p_buf, CPU_INT32U len)
{
    memset(p_buf, 0x5A, len); /* (the port passes it through; not a test of randomness) */
    return DEF_OK;
}

/* The port another task wakes while the engine's select pends. */
static HTTPc_PORT *WakePort;

static void wake_during_sel(void)
{
    WakePort->Wake(WakePort->Ctx);
}

int main(void)
{
    HTTPc_PORT port;
    void *h = NULL;
    CPU_INT08U buf[64];
    CPU_INT32S r;

    NetFake_Reset();
    HTTPc_PortUcTcpIp_Get(&port, trng);

    r = port.Connect(port.Ctx, (const CPU_CHAR *)"dev.example", 80u, 2000u, NULL, 30u, DEF_YES, &h);
    CHECK(r == HTTPc_PORT_OK || r == HTTPc_PORT_WOULD_BLOCK, "Connect");
    CHECK(h != NULL && NetFake.Connects == 1 && NetFake.NoBlock, "a non-blocking socket");
    CHECK(NetFake.NagleEn == DEF_DISABLED, "Nagle turned off (the option's value enables it)");
    if (r == HTTPc_PORT_WOULD_BLOCK) {
        r = port.ConnectPoll(port.Ctx, h);
        CHECK(r == HTTPc_PORT_OK, "ConnectPoll");
    }

    NetFake.TxRoom = 3u;
    r = port.Send(port.Ctx, h, (const CPU_INT08U *)"hello", 5u);
    CHECK(r == 3, "a partial send");
    r = port.Send(port.Ctx, h, (const CPU_INT08U *)"lo", 2u);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "a full socket would block");
    {
        /* A full window: the select waits for room (not the short retry of a buffer shortage). */
        HTTPc_PORT_WAIT_ENTRY want = {h, HTTPc_PORT_WAIT_WR};
        port.Wait(port.Ctx, &want, 1u, 50u);
        CHECK(NetFake.SelWr && NetFake.SelTimeoutMs == 50, "a full window is waited for with select");
    }
    NetFake.TxRoom = 100u;
    r = port.Send(port.Ctx, h, (const CPU_INT08U *)"lo", 2u);
    CHECK(r == 2 && NetFake.TxLen == 5u && memcmp(NetFake.Tx, "hello", 5u) == 0, "the rest");

    r = port.Recv(port.Ctx, h, buf, sizeof buf);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "nothing received yet");
    memcpy(NetFake.Rx, "world", 5u);
    NetFake.RxLen = 5u;
    r = port.Recv(port.Ctx, h, buf, 3u);
    CHECK(r == 3 && memcmp(buf, "wor", 3u) == 0, "a partial receive");
    r = port.Recv(port.Ctx, h, buf, sizeof buf);
    CHECK(r == 2 && memcmp(buf, "ld", 2u) == 0, "the rest received");
    NetFake.PeerClosed = 1;
    r = port.Recv(port.Ctx, h, buf, sizeof buf);
    CHECK(r == HTTPc_PORT_CLOSED, "the peer's close is the end of the stream");

    /* No network buffer free: the send fails with NET_ERR_TX while the select still says
     * writable (it checks the window only). Wait must not select the socket for writing (it
     * would return at once, again and again) but sleep a short retry time; a send that goes
     * through ends that. */
    NetFake.PeerClosed = 0;
    NetFake.NoBufs = 1;
    r = port.Send(port.Ctx, h, (const CPU_INT08U *)"x", 1u);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "no buffer: would block");
    {
        HTTPc_PORT_WAIT_ENTRY want = {h, HTTPc_PORT_WAIT_WR};
        port.Wait(port.Ctx, &want, 1u, 50u);
        CHECK(!NetFake.SelWr && NetFake.SelTimeoutMs >= 0 &&
              NetFake.SelTimeoutMs <= (long)HTTPc_PORT_UCTCPIP_CFG_TX_RETRY_MS,
              "a stalled send sleeps the retry time, not selected for writing");
        NetFake.NoBufs = 0;
        r = port.Send(port.Ctx, h, (const CPU_INT08U *)"x", 1u);
        CHECK(r == 1, "buffers back: sent");
        port.Wait(port.Ctx, &want, 1u, 50u);
        CHECK(NetFake.SelWr && NetFake.SelTimeoutMs == 50, "selected for writing again");
    }

    /* A reset: the stack closed the socket and answers NET_SOCK_ERR_INVALID_TYPE. */
    NetFake.ResetByPeer = 1;
    r = port.Recv(port.Ctx, h, buf, sizeof buf);
    CHECK(r == HTTPc_PORT_CLOSED, "a reset ends the stream (Recv)");
    r = port.Send(port.Ctx, h, (const CPU_INT08U *)"x", 1u);
    CHECK(r == HTTPc_PORT_CLOSED, "a reset ends the stream (Send)");
    NetFake.ResetByPeer = 0;

    /* A close that keeps finding the lock taken is retried CLOSE_RETRY_MAX times more, and
     * ends (this test builds the port with the limit at 255: the retry count's range). */
    NetFake.CloseLockFaults = 100000;
    port.Close(port.Ctx, h);
    CHECK(NetFake.Closes == (int)HTTPc_PORT_UCTCPIP_CFG_CLOSE_RETRY_MAX + 1,
          "Close gives up after the retries");
    NetFake.CloseLockFaults = 0;

    /* A connect still in progress is finished by ConnectPoll (the socket turns writable); an
     * IPv6 address in brackets reaches the stack without them; Wait returns on readable data;
     * Wake aborts the select of a Wait in progress or makes the next one return at once. */
    NetFake_Reset();
    NetFake.ConnectInProgress = 1;
    r = port.Connect(port.Ctx, (const CPU_CHAR *)"[2001:db8::1]", 80u, 2000u, NULL, 0u, DEF_NO, &h);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "a connect in progress");
    CHECK(strcmp(NetFake.Host, "2001:db8::1") == 0, "the address without its brackets");
    r = port.ConnectPoll(port.Ctx, h);
    CHECK(r == HTTPc_PORT_OK && NetFake.Sels == 1, "ConnectPoll: connected");
    {
        HTTPc_PORT_WAIT_ENTRY want = {h, HTTPc_PORT_WAIT_RD};
        memcpy(NetFake.Rx, "x", 1u);
        NetFake.RxLen = 1u;
        port.Wait(port.Ctx, &want, 1u, 50u);
        CHECK(NetFake.Sels == 2, "Wait selects");
        port.Wake(port.Ctx);
        port.Wait(port.Ctx, &want, 1u, 50u);
        CHECK(NetFake.Sels == 2, "after a Wake the next Wait returns at once");
        /* Another task's Wake while the select pends aborts it, holding the stack's lock (the
         * select frees what the abort walks under that lock when it ends). */
        WakePort = &port;
        NetFake.DuringSel = wake_during_sel;
        port.Wait(port.Ctx, &want, 1u, 50u);
        NetFake.DuringSel = NULL;
        CHECK(NetFake.Sels == 3 && NetFake.SelAborts == 1, "a Wake during the select aborts it");
        CHECK(NetFake.SelAbortsLocked == 1 && NetFake.LockDepth == 0,
              "the abort holds the stack's lock, and gives it back");
    }
    port.Close(port.Ctx, h);
    CHECK(NetFake.Closes == 1, "Close");
    r = port.Connect(port.Ctx, (const CPU_CHAR *)"[::1", 80u, 2000u, NULL, 0u, DEF_NO, &h);
    CHECK(r == HTTPc_PORT_ERR && NetFake.Connects == 1, "an unclosed bracket never reaches the stack");

    if (failures == 0) {
        printf("PASS: the uC/TCP-IP port on the fake stack\n");
    }
    return failures == 0 ? 0 : 1;
}
