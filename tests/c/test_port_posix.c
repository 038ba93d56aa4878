/* The POSIX port's Connect/ConnectPoll against real loopback listeners (no library, no
 * servers): IPv4 and IPv6 literals, an IPv6 address given in brackets as the library writes it
 * in Host, malformed brackets, a refused address, and the port's contract that ConnectPoll
 * ends in OK or ERR. Cases that need IPv6 loopback say "skipped" when the host has none. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpc_port_posix.h"

static int failures;

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, what);                                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* A listening socket on the loopback of `family`; its port in *p_port, -1 when unavailable. */
static int listen_on(int family, CPU_INT16U *p_port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = socket(family, SOCK_STREAM, 0);

    if (fd < 0) {
        return -1;
    }
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *p_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                      : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

/* The keep-alive settings of the next connect_to(). */
static CPU_BOOLEAN KeepAlive = DEF_NO;
static CPU_INT16U InactivityS = 0u;

/* Connect, then ConnectPoll every millisecond for up to 2 s: OK or ERR (never neither). */
static CPU_INT32S connect_to(const HTTPc_PORT *p, const char *host, CPU_INT16U port, void **p_h)
{
    CPU_INT32S r;
    int i;

    *p_h = NULL;
    r = p->Connect(p->Ctx, (const CPU_CHAR *)host, port, 2000u, NULL, InactivityS, KeepAlive, p_h);
    for (i = 0; r == HTTPc_PORT_WOULD_BLOCK && i < 2000; i++) {
        struct timespec ms = {0, 1000000L};
        nanosleep(&ms, NULL);
        r = p->ConnectPoll(p->Ctx, *p_h);
    }
    return r;
}

/* Connects to host:port and checks the outcome (OK or ERR); a handle Connect produced is
 * closed once, whatever came of it. */
static void expect(const HTTPc_PORT *p, const char *host, CPU_INT16U port, CPU_INT32S want)
{
    void *h;
    CPU_INT32S r = connect_to(p, host, port, &h);
    char what[96];

    (void)snprintf(what, sizeof what, "%s %s:%u",
                   want == HTTPc_PORT_OK ? "connect to" : "no connection to", host, (unsigned)port);
    CHECK(r == want, what);
    if (h != NULL) {
        p->Close(p->Ctx, h);
    }
}

int main(void)
{
    HTTPc_PORT port;
    CPU_INT16U port4 = 0u, port6 = 0u, closed_port = 0u;
    int fd4, fd6, gone;

    HTTPc_PortPosix_Get(&port, DEF_NO);
    fd4 = listen_on(AF_INET, &port4);
    CHECK(fd4 >= 0, "an IPv4 loopback listener");
    if (fd4 >= 0) {
        expect(&port, "127.0.0.1", port4, HTTPc_PORT_OK);
        expect(&port, "localhost", port4, HTTPc_PORT_OK); /* ::1 first on some hosts: refused, next */
        /* Keep-alive with every legal inactivity time: Linux's TCP_KEEPIDLE stops at 32767 s,
         * longer ones are clamped, not a failed connect. */
        KeepAlive = DEF_YES;
        InactivityS = 30u;
        expect(&port, "127.0.0.1", port4, HTTPc_PORT_OK);
        InactivityS = 65535u;
        expect(&port, "127.0.0.1", port4, HTTPc_PORT_OK);
        KeepAlive = DEF_NO;
        InactivityS = 0u;
    }
    /* A port nobody listens on: refused, the connect ends in ERR. */
    gone = listen_on(AF_INET, &closed_port);
    if (gone >= 0) {
        close(gone);
        expect(&port, "127.0.0.1", closed_port, HTTPc_PORT_ERR);
    }
    /* Malformed brackets never reach the resolver. */
    expect(&port, "[::1", port4, HTTPc_PORT_ERR);
    expect(&port, "[0123456789abcdef0123456789abcdef0123456789abcdef0123]", port4,
           HTTPc_PORT_ERR);

    fd6 = listen_on(AF_INET6, &port6);
    if (fd6 < 0) {
        printf("skipped: no IPv6 loopback here (the bare and bracketed IPv6 cases)\n");
    } else {
        expect(&port, "::1", port6, HTTPc_PORT_OK);
        expect(&port, "[::1]", port6, HTTPc_PORT_OK); /* as the library writes it in Host */
        close(fd6);
    }
    if (fd4 >= 0) {
        close(fd4);
    }
    if (failures == 0) {
        printf("PASS: POSIX port connects\n");
    }
    return failures == 0 ? 0 : 1;
}
