/*
 * httpc_port_posix.c: example POSIX port for httpc-ws. See httpc_port_posix.h.
 *
 * Builds warning-free with -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror -pedantic (gcc, clang).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getrandom, TCP_KEEPIDLE, MSG_NOSIGNAL, clock_gettime under -std=c99 */
#endif

#include "httpc_port_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifdef MSG_NOSIGNAL
#define PORT_SEND_FLAGS MSG_NOSIGNAL
#else
#define PORT_SEND_FLAGS 0 /* SO_NOSIGPIPE is set on the socket instead (BSD, macOS). */
#endif

/* Wait entries polled from a stack array; more than this are polled from a heap array. */
#define PORT_WAIT_STACK_ENTRIES 16u

/* The largest byte count a port call can report (its result is a CPU_INT32S). */
#define PORT_IO_LEN_MAX 0x7FFFFFFFu

/* Random: bytes fetched from getrandom() at once and served from memory (a masking key is 4
 * bytes, a handshake key 16: one system call per 64 frames instead of one per frame). 256 is
 * the most getrandom() guarantees to return whole, without EINTR. */
#define PORT_RANDOM_POOL_LEN 256u

/* Wake and Wait share two counters: Wake sets WakePending and writes the pipe only when a Wait
 * may be sleeping in poll() (Waiters > 0). Both sides store, then load the other side's
 * counter, sequentially consistent (Dekker): either Wait sees the pending wake and does not
 * sleep, or Wake sees the waiter and writes the pipe. No wake is lost, and a Wake from the
 * engine's own thread (a hook sending, the engine queueing work for itself) costs no system
 * call. GCC and clang builtins (C99 has no atomics); another compiler gets the plain
 * self-pipe: every Wake writes. */
#if defined(__GNUC__) || defined(__clang__)
#define PORT_WAKE_LAZY 1
#define PORT_ATOMIC_LOAD(p)      __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define PORT_ATOMIC_STORE(p, v)  __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define PORT_ATOMIC_XCHG(p, v)   __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define PORT_ATOMIC_ADD(p, v)    ((void)__atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST))
#define PORT_ATOMIC_SUB(p, v)    ((void)__atomic_fetch_sub((p), (v), __ATOMIC_SEQ_CST))
#else
#define PORT_WAKE_LAZY 0
#endif

/* ------------------------------------------------------------------------------------------ */
/* Context shared by every callback (HTTPc_PORT.Ctx).                                          */
/* ------------------------------------------------------------------------------------------ */

struct port_posix_sock;

typedef struct port_posix_ctx {
    pthread_mutex_t Lock;    /* Recursive: callbacks run with it held and may call the API.   */
    pthread_cond_t  Cond;    /* OsWait / OsSignal; uses CLOCK_MONOTONIC.                      */
    int             WakeRd;  /* Self-pipe: Wake writes a byte, Wait polls and drains it.      */
    int             WakeWr;
    int             InitOk;
    int             WakePending;  /* Wake called since the last Wait looked (atomic).         */
    int             Waiters;      /* Threads inside Wait, about to poll() or in it (atomic).  */
    /* Random: a pool of getrandom() bytes, [RandomPos, PORT_RANDOM_POOL_LEN) not served yet.
     * Served bytes are wiped. Its own mutex: Random may be called from any thread. */
    pthread_mutex_t RandomLock;
    size_t          RandomPos;
    CPU_INT08U      RandomPool[PORT_RANDOM_POOL_LEN];
    /* Watch: the sockets the engine waits on, each with its wanted readiness. Watch and Close
     * change it under the library's lock (Lock); Wait builds its poll list under that lock too:
     * in the poll model an application loop may sleep in Wait while another thread's blocking
     * call runs the engine, which watches and closes sockets. (A socket closed while poll()
     * sleeps is not reported by that poll() on Linux, which holds its own reference: harmless,
     * the next pass no longer watches it.) */
    struct port_posix_sock *WatchHead;
    size_t                  WatchCnt;
} PORT_POSIX_CTX;

static PORT_POSIX_CTX PortPosix_Ctx = { .WakeRd = -1, .WakeWr = -1, .InitOk = 0,
                                        .RandomPos = PORT_RANDOM_POOL_LEN };
static pthread_once_t PortPosix_Once = PTHREAD_ONCE_INIT;

/* One connection: the socket, and the resolved addresses not tried yet. */
typedef struct port_posix_sock {
    int              Fd;           /* -1 when no socket is open.                              */
    struct addrinfo *AddrList;     /* Whole getaddrinfo() result (freed by Close).            */
    struct addrinfo *AddrNext;     /* Next address to try when the current connect fails.     */
    CPU_INT32U       AttemptMs;    /* Each address's share of the connect timeout (0: all).   */
    CPU_INT32U       AttemptStart; /* When the current address's connect started, ms.         */
    CPU_INT16U       InactivityS;  /* TCP_KEEPIDLE, s (0: leave the system default).          */
    CPU_BOOLEAN      KeepAlive;    /* SO_KEEPALIVE.                                           */
    CPU_INT08U       Want;         /* Watch: readiness wanted (0: not in the watch list).     */
    struct port_posix_sock *WatchPrev;
    struct port_posix_sock *WatchNext;
} PORT_POSIX_SOCK;

static int PortPosix_FdSetFlags(int fd)
{
    int flags;

    flags = fcntl(fd, F_GETFL, 0);
    if ((flags < 0) || (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)) {
        return -1;
    }
    flags = fcntl(fd, F_GETFD, 0);
    if ((flags < 0) || (fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)) {
        return -1;
    }
    return 0;
}

/* pthread_atfork child handler: drop the pool inherited from the parent. */
static void PortPosix_RandomForkChild(void)
{
    PORT_POSIX_CTX *p_ctx = &PortPosix_Ctx;

    memset(p_ctx->RandomPool, 0, sizeof(p_ctx->RandomPool));
    p_ctx->RandomPos = PORT_RANDOM_POOL_LEN;
}

static void PortPosix_CtxInit(void)
{
    PORT_POSIX_CTX      *p_ctx = &PortPosix_Ctx;
    pthread_mutexattr_t  mutex_attr;
    pthread_condattr_t   cond_attr;
    int                  fds[2];
    int                  mutex_ok = 0;

    if (pthread_mutexattr_init(&mutex_attr) != 0) {
        return;
    }
#if defined(_POSIX_THREAD_PRIO_INHERIT) && (_POSIX_THREAD_PRIO_INHERIT > 0)
    /* The engine holds the lock during Connect (name resolution included): a high-priority
     * caller waiting for it lends its priority (docs/PORTING.md). Best effort. */
    (void)pthread_mutexattr_setprotocol(&mutex_attr, PTHREAD_PRIO_INHERIT);
#endif
    if ((pthread_mutexattr_settype(&mutex_attr, PTHREAD_MUTEX_RECURSIVE) == 0) &&
        (pthread_mutex_init(&p_ctx->Lock, &mutex_attr) == 0)) {
        mutex_ok = 1;
    }
#if defined(_POSIX_THREAD_PRIO_INHERIT) && (_POSIX_THREAD_PRIO_INHERIT > 0)
    if (!mutex_ok) {
        /* A kernel without priority-inheritance futexes refuses that protocol (ENOTSUP): a
         * plain recursive mutex then. */
        (void)pthread_mutexattr_setprotocol(&mutex_attr, PTHREAD_PRIO_NONE);
        if (pthread_mutex_init(&p_ctx->Lock, &mutex_attr) == 0) {
            mutex_ok = 1;
        }
    }
#endif
    (void)pthread_mutexattr_destroy(&mutex_attr);
    if (!mutex_ok) {
        return;
    }

    if (pthread_condattr_init(&cond_attr) != 0) {
        return;
    }
    if ((pthread_condattr_setclock(&cond_attr, CLOCK_MONOTONIC) != 0) ||
        (pthread_cond_init(&p_ctx->Cond, &cond_attr) != 0)) {
        (void)pthread_condattr_destroy(&cond_attr);
        return;
    }
    (void)pthread_condattr_destroy(&cond_attr);

    if (pthread_mutex_init(&p_ctx->RandomLock, NULL) != 0) {
        return;
    }
    /* A forked child must not serve the bytes its parent serves too. */
    if (pthread_atfork(NULL, NULL, PortPosix_RandomForkChild) != 0) {
        return;
    }

    if (pipe(fds) != 0) {
        return;
    }
    if ((PortPosix_FdSetFlags(fds[0]) != 0) || (PortPosix_FdSetFlags(fds[1]) != 0)) {
        (void)close(fds[0]);
        (void)close(fds[1]);
        return;
    }
    p_ctx->WakeRd = fds[0];
    p_ctx->WakeWr = fds[1];
    p_ctx->InitOk = 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Sockets                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Socket options applied before connect(). */
static int PortPosix_SockCfg(int fd, const PORT_POSIX_SOCK *p_sock)
{
    int on = 1;
    int keep_alive = (p_sock->KeepAlive == DEF_YES) ? 1 : 0;

    if (PortPosix_FdSetFlags(fd) != 0) {
        return -1;
    }
    /* Nagle off: WebSocket frames are small and latency matters (the legacy code meant to do
     * the same, but set the option to false). */
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &keep_alive, sizeof(keep_alive)) != 0) {
        return -1;
    }
#ifdef TCP_KEEPIDLE
    if ((keep_alive != 0) && (p_sock->InactivityS > 0u)) {
        /* Linux takes at most 32767 s (EINVAL beyond): a longer inactivity time gets that. */
        int idle_s = (p_sock->InactivityS > 32767u) ? 32767 : (int)p_sock->InactivityS;

        if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof(idle_s)) != 0) {
            return -1;
        }
    }
#endif
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
    if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on)) != 0) {
        return -1;
    }
#endif
    return 0;
}

static CPU_INT32U PortPosix_TimeGet_ms(void *p_ctx);

/* Start a non-blocking connect to the next address not tried yet. */
static CPU_INT32S PortPosix_SockConnectNext(PORT_POSIX_SOCK *p_sock)
{
    p_sock->AttemptStart = PortPosix_TimeGet_ms(NULL);
    while (p_sock->AddrNext != NULL) {
        struct addrinfo *p_ai = p_sock->AddrNext;
        int              fd;

        p_sock->AddrNext = p_ai->ai_next;

#ifdef SOCK_CLOEXEC
        /* Close-on-exec from the start: another thread's fork+exec cannot inherit it. */
        fd = socket(p_ai->ai_family, p_ai->ai_socktype | SOCK_CLOEXEC, p_ai->ai_protocol);
#else
        fd = socket(p_ai->ai_family, p_ai->ai_socktype, p_ai->ai_protocol);
#endif
        if (fd < 0) {
            continue;
        }
        if (PortPosix_SockCfg(fd, p_sock) != 0) {
            (void)close(fd);
            continue;
        }
        if (connect(fd, p_ai->ai_addr, p_ai->ai_addrlen) == 0) {
            p_sock->Fd = fd;
            return HTTPc_PORT_OK;
        }
        if ((errno == EINPROGRESS) || (errno == EINTR)) {  /* EINTR: it goes on in background. */
            p_sock->Fd = fd;
            return HTTPc_PORT_WOULD_BLOCK;
        }
        (void)close(fd);                                    /* Refused at once: next address.  */
    }
    return HTTPc_PORT_ERR;
}

static CPU_INT32S PortPosix_Connect(void                        *p_ctx,
                                    const CPU_CHAR              *p_host,
                                    CPU_INT16U                   port,
                                    CPU_INT32U                   timeout_ms,
                                    const HTTPc_PORT_SECURE_CFG *p_secure,
                                    CPU_INT16U                   inactivity_s,
                                    CPU_BOOLEAN                  keep_alive,
                                    void                       **p_handle)
{
    PORT_POSIX_SOCK *p_sock;
    struct addrinfo  hints;
    char             service[8];
    char             bare[INET6_ADDRSTRLEN + 1];        /* An IPv6 address without [ ].     */
    CPU_INT32S       rtn;

    (void)p_ctx;

    if (p_secure != NULL) {                     /* No TLS in this example port.                */
        return HTTPc_PORT_ERR;
    }
    if ((p_host == NULL) || (p_handle == NULL)) {
        return HTTPc_PORT_ERR;
    }

    p_sock = (PORT_POSIX_SOCK *)calloc(1u, sizeof(*p_sock));
    if (p_sock == NULL) {
        return HTTPc_PORT_ERR;
    }
    p_sock->Fd          = -1;
    p_sock->InactivityS = inactivity_s;
    p_sock->KeepAlive   = keep_alive;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family   = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags    = AI_NUMERICSERV;
    (void)snprintf(service, sizeof(service), "%u", (unsigned)port);
    if (p_host[0] == '[') {                     /* "[::1]": the address inside the brackets.   */
        size_t n = strcspn(p_host + 1, "]");
        if ((p_host[1 + n] != ']') || (p_host[2 + n] != '\0') || (n >= sizeof(bare))) {
            free(p_sock);
            return HTTPc_PORT_ERR;
        }
        memcpy(bare, p_host + 1, n);
        bare[n] = '\0';
        p_host = bare;
        hints.ai_flags |= AI_NUMERICHOST;
    }

    {
        CPU_INT32U resolve_start = PortPosix_TimeGet_ms(NULL);
        CPU_INT32U resolve_ms;

        if (getaddrinfo(p_host, service, &hints, &p_sock->AddrList) != 0) {
            free(p_sock);
            return HTTPc_PORT_ERR;
        }
        resolve_ms = PortPosix_TimeGet_ms(NULL) - resolve_start;
        /* What the name resolution left of the connect timeout. */
        timeout_ms = (resolve_ms < timeout_ms) ? (timeout_ms - resolve_ms) : 0u;
    }
    p_sock->AddrNext = p_sock->AddrList;
    {
        /* The library enforces timeout_ms for the whole connect; each address gets its share
         * of what the resolution left, so that one that silently drops the SYN (an unrouted
         * IPv6 address) leaves time for the next (an IPv4 one) instead of taking it all. */
        CPU_INT32U       nbr = 0u;
        struct addrinfo *p_ai;
        for (p_ai = p_sock->AddrList; p_ai != NULL; p_ai = p_ai->ai_next) {
            nbr++;
        }
        p_sock->AttemptMs = (nbr > 1u) ? (timeout_ms / nbr) : 0u;
        if ((nbr > 1u) && (p_sock->AttemptMs == 0u)) {
            p_sock->AttemptMs = 1u; /* (0 means "all of it") */
        }
    }

    rtn = PortPosix_SockConnectNext(p_sock);
    if (rtn == HTTPc_PORT_ERR) {
        freeaddrinfo(p_sock->AddrList);
        free(p_sock);
        return HTTPc_PORT_ERR;
    }
    *p_handle = p_sock;
    return rtn;
}

static CPU_INT32S PortPosix_ConnectPoll(void *p_ctx, void *handle)
{
    PORT_POSIX_SOCK *p_sock = (PORT_POSIX_SOCK *)handle;
    struct pollfd    pfd;
    int              so_err;
    socklen_t        so_err_len;
    int              n;

    (void)p_ctx;

    if ((p_sock == NULL) || (p_sock->Fd < 0)) {
        return HTTPc_PORT_ERR;
    }

    pfd.fd      = p_sock->Fd;
    pfd.events  = POLLOUT;
    pfd.revents = 0;
    n = poll(&pfd, 1u, 0);
    if (n == 0) {
        if ((p_sock->AttemptMs != 0u) && (p_sock->AddrNext != NULL) &&
            (PortPosix_TimeGet_ms(NULL) - p_sock->AttemptStart >= p_sock->AttemptMs)) {
            (void)close(p_sock->Fd);                         /* Its share is spent: next one.  */
            p_sock->Fd = -1;
            return PortPosix_SockConnectNext(p_sock);
        }
        return HTTPc_PORT_WOULD_BLOCK;                       /* Still connecting.              */
    }
    if (n < 0) {
        return (errno == EINTR) ? HTTPc_PORT_WOULD_BLOCK : HTTPc_PORT_ERR;
    }

    so_err     = 0;
    so_err_len = (socklen_t)sizeof(so_err);
    if (getsockopt(p_sock->Fd, SOL_SOCKET, SO_ERROR, &so_err, &so_err_len) != 0) {
        so_err = errno;
    }
    if ((so_err == 0) && ((pfd.revents & POLLOUT) != 0)) {
        return HTTPc_PORT_OK;                                /* Connected.                     */
    }
    if ((so_err == EINPROGRESS) || (so_err == EALREADY)) {
        return HTTPc_PORT_WOULD_BLOCK;
    }

    (void)close(p_sock->Fd);                                 /* This address failed: next one. */
    p_sock->Fd = -1;
    return PortPosix_SockConnectNext(p_sock);
}

static CPU_INT32S PortPosix_Send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    PORT_POSIX_SOCK *p_sock = (PORT_POSIX_SOCK *)handle;
    size_t           n_max;
    ssize_t          n;

    (void)p_ctx;

    if ((p_sock == NULL) || (p_sock->Fd < 0)) {
        return HTTPc_PORT_ERR;
    }
    if (len == 0u) {
        return 0;
    }
    n_max = (len > PORT_IO_LEN_MAX) ? (size_t)PORT_IO_LEN_MAX : (size_t)len;

    n = send(p_sock->Fd, p_data, n_max, PORT_SEND_FLAGS);
    if (n >= 0) {
        return (CPU_INT32S)n;
    }
    switch (errno) {
        case EAGAIN:
#if defined(EWOULDBLOCK) && (EWOULDBLOCK != EAGAIN)
        case EWOULDBLOCK:
#endif
        case EINTR:
        case ENOBUFS:
            return HTTPc_PORT_WOULD_BLOCK;

        case EPIPE:
        case ECONNRESET:
            return HTTPc_PORT_CLOSED;

        default:
            return HTTPc_PORT_ERR;
    }
}

static CPU_INT32S PortPosix_Recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    PORT_POSIX_SOCK *p_sock = (PORT_POSIX_SOCK *)handle;
    size_t           n_max;
    ssize_t          n;

    (void)p_ctx;

    if ((p_sock == NULL) || (p_sock->Fd < 0)) {
        return HTTPc_PORT_ERR;
    }
    if (len == 0u) {                                    /* recv() would return 0: not a close. */
        return HTTPc_PORT_WOULD_BLOCK;
    }
    n_max = (len > PORT_IO_LEN_MAX) ? (size_t)PORT_IO_LEN_MAX : (size_t)len;

    n = recv(p_sock->Fd, p_buf, n_max, 0);
    if (n > 0) {
        return (CPU_INT32S)n;
    }
    if (n == 0) {
        return HTTPc_PORT_CLOSED;                       /* Orderly end of stream.              */
    }
    switch (errno) {
        case EAGAIN:
#if defined(EWOULDBLOCK) && (EWOULDBLOCK != EAGAIN)
        case EWOULDBLOCK:
#endif
        case EINTR:
            return HTTPc_PORT_WOULD_BLOCK;

        case ECONNRESET:
            return HTTPc_PORT_CLOSED;

        default:
            return HTTPc_PORT_ERR;
    }
}

static void PortPosix_WatchUnlink(PORT_POSIX_CTX *p_port, PORT_POSIX_SOCK *p_sock)
{
    if (p_sock->WatchPrev != NULL) {
        p_sock->WatchPrev->WatchNext = p_sock->WatchNext;
    } else {
        p_port->WatchHead = p_sock->WatchNext;
    }
    if (p_sock->WatchNext != NULL) {
        p_sock->WatchNext->WatchPrev = p_sock->WatchPrev;
    }
    p_sock->WatchPrev = NULL;
    p_sock->WatchNext = NULL;
    p_port->WatchCnt--;
}

static void PortPosix_Close(void *p_ctx, void *handle)
{
    PORT_POSIX_SOCK *p_sock = (PORT_POSIX_SOCK *)handle;

    if (p_sock == NULL) {
        return;
    }
    if (p_sock->Want != 0u) {                /* Closed sockets are no longer watched.         */
        PortPosix_WatchUnlink((PORT_POSIX_CTX *)p_ctx, p_sock);
    }
    if (p_sock->Fd >= 0) {
        (void)close(p_sock->Fd);
    }
    if (p_sock->AddrList != NULL) {
        freeaddrinfo(p_sock->AddrList);
    }
    free(p_sock);
}

/* ------------------------------------------------------------------------------------------ */
/* Randomness and clock                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* Fill p_buf with len bytes straight from getrandom(). */
static CPU_BOOLEAN PortPosix_GetRandom(CPU_INT08U *p_buf, size_t len)
{
    while (len > 0u) {
        ssize_t n = getrandom(p_buf, len, 0u);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return DEF_FAIL;                             /* No fallback to a weaker source.    */
        }
        p_buf += n;
        len   -= (size_t)n;
    }
    return DEF_OK;
}

/* Served from a pool of PORT_RANDOM_POOL_LEN bytes that one getrandom() call fills; served
 * bytes are wiped from the pool. A request larger than the pool goes to getrandom() directly.
 * A failed refill fails the call (and leaves the pool empty): no weaker source. */
static CPU_BOOLEAN PortPosix_Random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    PORT_POSIX_CTX *p_port = (PORT_POSIX_CTX *)p_ctx;
    CPU_BOOLEAN     ok     = DEF_OK;

    if ((p_buf == NULL) && (len > 0u)) {
        return DEF_FAIL;
    }
    if (len >= PORT_RANDOM_POOL_LEN) {
        return PortPosix_GetRandom(p_buf, (size_t)len);
    }

    (void)pthread_mutex_lock(&p_port->RandomLock);
    while (len > 0u) {
        size_t avail = PORT_RANDOM_POOL_LEN - p_port->RandomPos;
        size_t n;

        if (avail == 0u) {
            if (PortPosix_GetRandom(p_port->RandomPool, sizeof(p_port->RandomPool)) != DEF_OK) {
                ok = DEF_FAIL;
                break;
            }
            p_port->RandomPos = 0u;
            avail             = PORT_RANDOM_POOL_LEN;
        }
        n = (len < avail) ? (size_t)len : avail;
        memcpy(p_buf, &p_port->RandomPool[p_port->RandomPos], n);
        memset(&p_port->RandomPool[p_port->RandomPos], 0, n);
        p_port->RandomPos += n;
        p_buf             += n;
        len               -= (CPU_INT32U)n;
    }
    (void)pthread_mutex_unlock(&p_port->RandomLock);
    return ok;
}

static CPU_INT32U PortPosix_TimeGet_ms(void *p_ctx)
{
    struct timespec ts;

    (void)p_ctx;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (CPU_INT32U)(((uint64_t)ts.tv_sec * 1000u) + ((uint64_t)ts.tv_nsec / 1000000u));
}

/* ------------------------------------------------------------------------------------------ */
/* Readiness wait and wake                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void PortPosix_WakeDrain(const PORT_POSIX_CTX *p_ctx)
{
    unsigned char buf[64];
    ssize_t       n;

    /* A short read emptied the pipe: no second read just to see EAGAIN. */
    do {
        n = read(p_ctx->WakeRd, buf, sizeof(buf));
    } while (n == (ssize_t)sizeof(buf));
}

/* Watch: the engine now waits for `want` on this socket (0: nothing). Wait then polls every
 * watched socket, so any number of connections sleep without being listed. */
static void PortPosix_Watch(void *p_ctx, void *handle, CPU_INT08U want)
{
    PORT_POSIX_CTX  *p_port = (PORT_POSIX_CTX *)p_ctx;
    PORT_POSIX_SOCK *p_sock = (PORT_POSIX_SOCK *)handle;

    if (p_sock == NULL) {
        return;
    }
    if ((want != 0u) && (p_sock->Want == 0u)) {
        p_sock->WatchPrev = NULL;
        p_sock->WatchNext = p_port->WatchHead;
        if (p_port->WatchHead != NULL) {
            p_port->WatchHead->WatchPrev = p_sock;
        }
        p_port->WatchHead = p_sock;
        p_port->WatchCnt++;
    } else if ((want == 0u) && (p_sock->Want != 0u)) {
        PortPosix_WatchUnlink(p_port, p_sock);
    }
    p_sock->Want = want;
}

static short PortPosix_PollEvents(CPU_INT08U want)
{
    short events = 0;

    if ((want & HTTPc_PORT_WAIT_RD) != 0u) {
        events |= POLLIN;
    }
    if ((want & HTTPc_PORT_WAIT_WR) != 0u) {
        events |= POLLOUT;
    }
    return events;
}

static void PortPosix_Wait(void                        *p_ctx,
                           const HTTPc_PORT_WAIT_ENTRY *p_entries,
                           CPU_INT16U                   nbr_entries,
                           CPU_INT32U                   timeout_ms)
{
    PORT_POSIX_CTX  *p_port = (PORT_POSIX_CTX *)p_ctx;
    struct pollfd    fds_stack[PORT_WAIT_STACK_ENTRIES + 1u];
    struct pollfd   *p_fds = fds_stack;
    PORT_POSIX_SOCK *p_watched;
    size_t           nbr_fds;
    size_t           i;
    nfds_t           nfds;
    int              tmo;

    if (timeout_ms == (CPU_INT32U)HTTPc_PORT_WAIT_FOREVER) {
        tmo = -1;
    } else if (timeout_ms > (CPU_INT32U)INT_MAX) {
        tmo = INT_MAX;
    } else {
        tmo = (int)timeout_ms;
    }

#if PORT_WAKE_LAZY
    /* Announce the sleep, then look for a wake that came before it (see PORT_WAKE_LAZY): a
     * Wake after this store writes the pipe, one before it left WakePending set, and the
     * engine has work now: no sleep, no system call (its next pass tries the sockets). */
    PORT_ATOMIC_ADD(&p_port->Waiters, 1);
    if (PORT_ATOMIC_XCHG(&p_port->WakePending, 0) != 0) {
        PORT_ATOMIC_SUB(&p_port->Waiters, 1);
        return;
    }
#endif

    if (p_entries == NULL) {
        nbr_entries = 0u;
    }
    (void)pthread_mutex_lock(&p_port->Lock); /* recursive: also when the caller holds it      */
    /* With Watch the engine lists nothing: the watched sockets are the list. */
    nbr_fds = (nbr_entries > 0u) ? (size_t)nbr_entries : p_port->WatchCnt;
    if (nbr_fds > PORT_WAIT_STACK_ENTRIES) {
        p_fds = (struct pollfd *)malloc((nbr_fds + 1u) * sizeof(*p_fds));
        if (p_fds == NULL) {                 /* Out of memory: wait on the wake pipe only, and */
            p_fds   = fds_stack;             /* briefly, so the engine polls its sockets.      */
            nbr_fds = 0u;
            if ((tmo < 0) || (tmo > 10)) {
                tmo = 10;
            }
        }
    }

    p_fds[0].fd      = p_port->WakeRd;
    p_fds[0].events  = POLLIN;
    p_fds[0].revents = 0;
    p_watched        = p_port->WatchHead;
    for (i = 0u; i < nbr_fds; i++) {
        const PORT_POSIX_SOCK *p_sock;
        short                  events;

        if (nbr_entries > 0u) {
            p_sock = (const PORT_POSIX_SOCK *)p_entries[i].Handle;
            events = PortPosix_PollEvents(p_entries[i].Want);
        } else {
            p_sock    = p_watched;
            events    = (p_sock != NULL) ? PortPosix_PollEvents(p_sock->Want) : 0;
            p_watched = (p_sock != NULL) ? p_sock->WatchNext : NULL;
        }
        /* A negative fd is ignored by poll(): no socket, or nothing wanted from it. */
        p_fds[i + 1u].fd      = ((p_sock != NULL) && (events != 0)) ? p_sock->Fd : -1;
        p_fds[i + 1u].events  = events;
        p_fds[i + 1u].revents = 0;
    }
    (void)pthread_mutex_unlock(&p_port->Lock);
    nfds = (nfds_t)nbr_fds + 1u;

#if PORT_WAKE_LAZY
    (void)poll(p_fds, nfds, tmo);            /* EINTR is a spurious return: fine.             */
    PORT_ATOMIC_SUB(&p_port->Waiters, 1);
    /* A Wake during the poll set WakePending too: consumed here, the engine's next pass sees
     * its work (published before the Wake). A pipe byte written after the drain below only
     * makes one later Wait return early. */
    (void)PORT_ATOMIC_XCHG(&p_port->WakePending, 0);
#else
    (void)poll(p_fds, nfds, tmo);            /* EINTR is a spurious return: fine.             */
#endif

    if ((p_fds[0].revents & POLLIN) != 0) {
        PortPosix_WakeDrain(p_port);         /* Consumed before the engine looks at its work. */
    }
    if (p_fds != fds_stack) {
        free(p_fds);
    }
}

static void PortPosix_Wake(void *p_ctx)
{
    PORT_POSIX_CTX *p_port = (PORT_POSIX_CTX *)p_ctx;
    ssize_t         n;

#if PORT_WAKE_LAZY
    /* Remembered for the next Wait; the pipe is written only when a Wait may be sleeping
     * (never, then, from the engine's own thread outside Wait). */
    PORT_ATOMIC_STORE(&p_port->WakePending, 1);
    if (PORT_ATOMIC_LOAD(&p_port->Waiters) == 0) {
        return;
    }
#endif
    /* A full pipe (EAGAIN) already holds a pending wake: nothing is lost. */
    n = write(p_port->WakeWr, "w", 1u);
    (void)n;
}

/* ------------------------------------------------------------------------------------------ */
/* Engine task                                                                                */
/* ------------------------------------------------------------------------------------------ */

typedef struct port_posix_task_start {
    void (*Entry)(void *p_arg);
    void  *Arg;
} PORT_POSIX_TASK_START;

static void *PortPosix_TaskMain(void *p_start_arg)
{
    PORT_POSIX_TASK_START start = *(PORT_POSIX_TASK_START *)p_start_arg;

    free(p_start_arg);
    start.Entry(start.Arg);                  /* Runs forever.                                 */
    return NULL;
}

static CPU_BOOLEAN PortPosix_TaskCreate(void                *p_ctx,
                                        void               (*entry)(void *p_arg),
                                        void                *p_arg,
                                        const HTTP_TASK_CFG *p_task_cfg)
{
    PORT_POSIX_TASK_START *p_start;
    pthread_attr_t         attr;
    pthread_t              thread;
    sigset_t               all_sigs;
    sigset_t               old_sigs;
    size_t                 stk_size;
    int                    rc;

    (void)p_ctx;

    if (entry == NULL) {
        return DEF_FAIL;
    }
    p_start = (PORT_POSIX_TASK_START *)malloc(sizeof(*p_start));
    if (p_start == NULL) {
        return DEF_FAIL;
    }
    p_start->Entry = entry;
    p_start->Arg   = p_arg;

    if (pthread_attr_init(&attr) != 0) {
        free(p_start);
        return DEF_FAIL;
    }
    rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Prio and StkPtr are ignored; StkSizeBytes raises the stack size when it is meaningful. */
    if ((rc == 0) && (p_task_cfg != NULL) && (p_task_cfg->StkSizeBytes >= (CPU_INT32U)PTHREAD_STACK_MIN)) {
        if ((pthread_attr_getstacksize(&attr, &stk_size) == 0) &&
            (stk_size < (size_t)p_task_cfg->StkSizeBytes)) {
            rc = pthread_attr_setstacksize(&attr, (size_t)p_task_cfg->StkSizeBytes);
        }
    }
    if (rc == 0) {
        /* The engine thread starts with every asynchronous signal blocked, so that signals such
         * as SIGINT go to the application's threads. Faults stay deliverable (blocked, their
         * behaviour is undefined, and crash handlers and sanitizers would be bypassed). */
        (void)sigfillset(&all_sigs);
        (void)sigdelset(&all_sigs, SIGSEGV);
        (void)sigdelset(&all_sigs, SIGBUS);
        (void)sigdelset(&all_sigs, SIGFPE);
        (void)sigdelset(&all_sigs, SIGILL);
        (void)sigdelset(&all_sigs, SIGABRT);
        (void)sigdelset(&all_sigs, SIGTRAP);
        (void)pthread_sigmask(SIG_SETMASK, &all_sigs, &old_sigs);
        rc = pthread_create(&thread, &attr, PortPosix_TaskMain, p_start);
        (void)pthread_sigmask(SIG_SETMASK, &old_sigs, NULL);
    }
    (void)pthread_attr_destroy(&attr);

    if (rc != 0) {
        free(p_start);
        return DEF_FAIL;
    }
    return DEF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Lock and blocking-call wait                                                                */
/* ------------------------------------------------------------------------------------------ */

static void PortPosix_Lock(void *p_ctx)
{
    (void)pthread_mutex_lock(&((PORT_POSIX_CTX *)p_ctx)->Lock);
}

static void PortPosix_Unlock(void *p_ctx)
{
    (void)pthread_mutex_unlock(&((PORT_POSIX_CTX *)p_ctx)->Lock);
}

/*
 * Called with the recursive lock held exactly once (library guarantee): pthread_cond_*wait()
 * then releases it completely while sleeping and takes it back before returning. (With a
 * recursive mutex held more than once the implicit unlock would not release it; POSIX advises
 * against that case, which the library never creates.)
 */
static void PortPosix_OsWait(void *p_ctx, CPU_INT32U timeout_ms)
{
    PORT_POSIX_CTX  *p_port = (PORT_POSIX_CTX *)p_ctx;
    struct timespec  deadline;

    if (timeout_ms == (CPU_INT32U)HTTPc_PORT_WAIT_FOREVER) {
        (void)pthread_cond_wait(&p_port->Cond, &p_port->Lock);
        return;
    }
    (void)clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec  += (time_t)(timeout_ms / 1000u);
    deadline.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec  += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    (void)pthread_cond_timedwait(&p_port->Cond, &p_port->Lock, &deadline);
}

static void PortPosix_OsSignal(void *p_ctx)
{
    (void)pthread_cond_broadcast(&((PORT_POSIX_CTX *)p_ctx)->Cond);
}

/* ------------------------------------------------------------------------------------------ */
/* Public                                                                                     */
/* ------------------------------------------------------------------------------------------ */

void HTTPc_PortPosix_Get(HTTPc_PORT *p_port, CPU_BOOLEAN with_task)
{
    if (p_port == NULL) {
        return;
    }
    memset(p_port, 0, sizeof(*p_port));

    (void)pthread_once(&PortPosix_Once, PortPosix_CtxInit);
    if (!PortPosix_Ctx.InitOk) {
        return;                                  /* All NULL: HTTPc_PortSet() rejects it.      */
    }

    p_port->Ctx         = &PortPosix_Ctx;
    p_port->Connect     = PortPosix_Connect;
    p_port->ConnectPoll = PortPosix_ConnectPoll;
    p_port->Send        = PortPosix_Send;
    p_port->Recv        = PortPosix_Recv;
    p_port->Close       = PortPosix_Close;
    p_port->Random      = PortPosix_Random;
    p_port->TimeGet_ms  = PortPosix_TimeGet_ms;
    p_port->Wait        = PortPosix_Wait;
    p_port->Wake        = PortPosix_Wake;
    p_port->TaskCreate  = (with_task == DEF_NO) ? NULL : PortPosix_TaskCreate;
    p_port->Lock        = PortPosix_Lock;
    p_port->Unlock      = PortPosix_Unlock;
    p_port->OsWait      = PortPosix_OsWait;
    p_port->OsSignal    = PortPosix_OsSignal;
    p_port->Watch       = PortPosix_Watch;
}
