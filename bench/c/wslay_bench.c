/*
 * wslay_bench.c: the wslay client of the benchmark (scripts/bench.sh), Debian's libwslay-dev,
 * through its event API as its own examples use it: a non-blocking socket, poll(), and
 * wslay_event_recv / wslay_event_send when wslay wants to read / write. The next message is
 * queued (wslay_event_queue_msg, which copies it) from on_msg_recv_callback, and sent before
 * the loop polls again. Masking keys come from a 256-byte getrandom() pool (as in the POSIX
 * port of httpc-ws). wslay has no opening handshake: it is done by hand on the blocking socket
 * (status 101 checked), before wslay takes over. wslay checks UTF-8 in text messages itself.
 *
 *   wslay_bench ws://127.0.0.1:PORT/ [common options]
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <wslay/wslay.h>

#include "bench_common.h"

static BENCH_ARGS     A;
static int            Fd = -1;
static unsigned char *Payload;
static uint8_t        Opcode;
static uint64_t       Sent;
static uint64_t       Received;
static uint64_t       Total;
static int            Closed;
static BENCH_CLOCK    Clock;

static unsigned char  Pool[256];
static size_t         PoolPos = sizeof(Pool);

static ssize_t Bench_RecvCb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    ssize_t n;

    (void)flags;
    (void)user;
    do {
        n = recv(Fd, buf, len, 0);
    } while ((n < 0) && (errno == EINTR));
    if (n < 0) {
        wslay_event_set_error(ctx, ((errno == EAGAIN) || (errno == EWOULDBLOCK)) ? WSLAY_ERR_WOULDBLOCK
                                                                                 : WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    if (n == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static ssize_t Bench_SendCb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *user)
{
    ssize_t n;
    int     sflags = MSG_NOSIGNAL;

    (void)user;
#ifdef MSG_MORE
    if ((flags & WSLAY_MSG_MORE) != 0) {
        sflags |= MSG_MORE;                  /* As wslay's examples do.                       */
    }
#else
    (void)flags;
#endif
    do {
        n = send(Fd, data, len, sflags);
    } while ((n < 0) && (errno == EINTR));
    if (n < 0) {
        wslay_event_set_error(ctx, ((errno == EAGAIN) || (errno == EWOULDBLOCK)) ? WSLAY_ERR_WOULDBLOCK
                                                                                 : WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return n;
}

static int Bench_GenMaskCb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    (void)ctx;
    (void)user;
    while (len > 0u) {
        size_t n;

        if (PoolPos == sizeof(Pool)) {
            if (getrandom(Pool, sizeof(Pool), 0u) != (ssize_t)sizeof(Pool)) {
                return -1;
            }
            PoolPos = 0u;
        }
        n = sizeof(Pool) - PoolPos;
        n = (len < n) ? len : n;
        memcpy(buf, &Pool[PoolPos], n);
        PoolPos += n;
        buf     += n;
        len     -= n;
    }
    return 0;
}

static void Bench_Queue(wslay_event_context_ptr ctx)
{
    struct wslay_event_msg msg;

    msg.opcode     = Opcode;
    msg.msg        = Payload;
    msg.msg_length = A.Size;
    if (wslay_event_queue_msg(ctx, &msg) != 0) {
        Bench_Fail("wslay_event_queue_msg failed");
    }
    Sent++;
}

static void Bench_OnMsgCb(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    (void)user;
    if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
        Closed = 1;
        return;
    }
    if (arg->opcode != Opcode) {
        return;                              /* Ping (answered by wslay), pong.               */
    }
    if (arg->msg_length != A.Size) {
        Bench_Fail("echo of %zu bytes, sent %zu", arg->msg_length, A.Size);
    }
    Received++;
    Bench_ClockEchoed(&Clock, Received);
    if (Sent < Total) {
        Bench_Queue(ctx);
    }
}

static void Bench_Connect(void)
{
    struct addrinfo  hints;
    struct addrinfo *p_ai;
    char             service[8];
    char             req[512];
    char             resp[8192];
    size_t           got = 0u;
    int              on  = 1;
    int              n;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family   = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    (void)snprintf(service, sizeof(service), "%u", A.Port);
    if (getaddrinfo(A.Host, service, &hints, &p_ai) != 0) {
        Bench_Fail("cannot resolve %s", A.Host);
    }
    Fd = socket(p_ai->ai_family, p_ai->ai_socktype, p_ai->ai_protocol);
    if ((Fd < 0) || (connect(Fd, p_ai->ai_addr, p_ai->ai_addrlen) != 0)) {
        Bench_Fail("connect %s:%u: %s", A.Host, A.Port, strerror(errno));
    }
    freeaddrinfo(p_ai);
    (void)setsockopt(Fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));

    n = snprintf(req, sizeof(req),
                 "GET / HTTP/1.1\r\nHost: %s:%u\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                 A.Host, A.Port);
    if (send(Fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
        Bench_Fail("handshake: send failed");
    }
    /* Byte by byte, so nothing after the response is consumed. */
    while ((got < 4u) || (memcmp(&resp[got - 4u], "\r\n\r\n", 4u) != 0)) {
        if ((got == sizeof(resp) - 1u) || (recv(Fd, &resp[got], 1u, 0) != 1)) {
            Bench_Fail("handshake: no complete response");
        }
        got++;
    }
    resp[got] = '\0';
    if (strncmp(resp, "HTTP/1.1 101", 12u) != 0) {
        Bench_Fail("handshake refused: %s", resp);
    }
    if (fcntl(Fd, F_SETFL, fcntl(Fd, F_GETFL, 0) | O_NONBLOCK) != 0) {
        Bench_Fail("O_NONBLOCK: %s", strerror(errno));
    }
}

int main(int argc, char **argv)
{
    struct wslay_event_callbacks cbs;
    wslay_event_context_ptr      ctx;
    uint64_t                     first;

    Bench_ParseArgs(argc, argv, &A, NULL);
    Opcode  = A.Text ? WSLAY_TEXT_FRAME : WSLAY_BINARY_FRAME;
    Payload = Bench_Payload(A.Size);
    Total   = A.Warmup + A.Count;

    Bench_Connect();
    memset(&cbs, 0, sizeof(cbs));
    cbs.recv_callback        = Bench_RecvCb;
    cbs.send_callback        = Bench_SendCb;
    cbs.genmask_callback     = Bench_GenMaskCb;
    cbs.on_msg_recv_callback = Bench_OnMsgCb;
    if (wslay_event_context_client_init(&ctx, &cbs, NULL) != 0) {
        Bench_Fail("wslay_event_context_client_init failed");
    }

    Bench_ClockInit(&Clock, A.Warmup);
    for (first = 0u; (first < A.Depth) && (first < Total); first++) {
        Bench_Queue(ctx);
    }
    while ((Received < Total) && !Closed) {
        struct pollfd pfd;

        if (wslay_event_want_write(ctx) && (wslay_event_send(ctx) != 0)) {
            Bench_Fail("wslay_event_send failed");
        }
        pfd.fd      = Fd;
        pfd.events  = (short)((wslay_event_want_read(ctx) ? POLLIN : 0) | (wslay_event_want_write(ctx) ? POLLOUT : 0));
        pfd.revents = 0;
        if (pfd.events == 0) {
            Bench_Fail("wslay wants neither to read nor to write");
        }
        if ((poll(&pfd, 1u, -1) < 0) && (errno != EINTR)) {
            Bench_Fail("poll: %s", strerror(errno));
        }
        if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            if (wslay_event_recv(ctx) != 0) {
                Bench_Fail("wslay_event_recv failed");
            }
        }
    }
    if (Received < Total) {
        Bench_Fail("the server closed after %llu of %llu echoes", (unsigned long long)Received,
                   (unsigned long long)Total);
    }
    Bench_Report(&Clock, A.Count);

    /* Close 1000, then run until the server's Close came back (or the socket ended). */
    (void)wslay_event_queue_close(ctx, 1000u, NULL, 0u);
    while (!Closed && (wslay_event_want_read(ctx) || wslay_event_want_write(ctx))) {
        struct pollfd pfd;

        if (wslay_event_want_write(ctx) && (wslay_event_send(ctx) != 0)) {
            break;
        }
        pfd.fd      = Fd;
        pfd.events  = (short)((wslay_event_want_read(ctx) ? POLLIN : 0) | (wslay_event_want_write(ctx) ? POLLOUT : 0));
        pfd.revents = 0;
        if ((pfd.events == 0) || (poll(&pfd, 1u, 5000) <= 0)) {
            break;
        }
        if (wslay_event_recv(ctx) != 0) {
            break;
        }
    }
    wslay_event_context_free(ctx);
    (void)close(Fd);
    return 0;
}
