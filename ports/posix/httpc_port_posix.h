/*
 * httpc_port_posix.h: example POSIX port for httpc-ws (Linux; any POSIX system with poll(),
 * pthreads, CLOCK_MONOTONIC and getrandom()).
 *
 * Fills an HTTPc_PORT with:
 *   - plain TCP sockets: getaddrinfo(), non-blocking connect() finished by ConnectPoll
 *     (trying every resolved address in turn), TCP_NODELAY on, SO_KEEPALIVE and TCP_KEEPIDLE
 *     from the connection settings, send(MSG_NOSIGNAL), recv();
 *   - Random from getrandom() (the kernel CSPRNG), served from a 256-byte pool that one
 *     getrandom() call fills (a failed call fails Random: no weaker source); TimeGet_ms from
 *     CLOCK_MONOTONIC;
 *   - Wait with poll() over the sockets plus a self-pipe, and Watch, so the engine sleeps
 *     with any number of connections (poll() over every watched socket). Wake is remembered
 *     in memory and writes the pipe only when a thread may be sleeping in Wait, so a Wake
 *     from the engine's own thread costs no system call;
 *   - optionally an engine task: a detached pthread;
 *   - a recursive pthread mutex for Lock/Unlock, and a pthread condition variable
 *     (CLOCK_MONOTONIC) for OsWait/OsSignal.
 *
 * Limitations of this example port:
 *   - NO TLS. Connect fails (HTTPc_PORT_ERR) for a secure connection (p_secure != NULL), so
 *     wss:// needs a port whose Connect/Send/Recv/Close wrap a TLS library.
 *   - Name resolution (getaddrinfo) blocks the engine for as long as the resolver takes; the
 *     connect itself is non-blocking and its timeout is enforced by the library.
 *   - HTTP_TASK_CFG.Prio and .StkPtr are ignored; .StkSizeBytes is used as a minimum stack
 *     size when it is at least PTHREAD_STACK_MIN (the legacy default, 1024, is smaller, so the
 *     system default stack is kept).
 *
 * Usage:
 *     HTTPc_PORT  port;
 *     HTTPc_ERR   err;
 *     HTTPc_PortPosix_Get(&port, DEF_YES);     (DEF_NO: no engine task, the application calls
 *     HTTPc_PortSet(&port, &err);                HTTPc_TaskHandler() from its own loop)
 *     HTTPc_Init(&cfg, &task_cfg, DEF_NULL, &err);
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef HTTPC_PORT_POSIX_H
#define HTTPC_PORT_POSIX_H

#include "http-c.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Fill every member of *p_port with the POSIX implementation. with_task == DEF_NO leaves
 * TaskCreate NULL (no engine task: the application drives HTTPc_TaskHandler()).
 *
 * All calls share one process-wide context (lock, condition variable, wake pipe), created on
 * the first call. If creating it fails (out of file descriptors, for example), every member is
 * set to NULL, so HTTPc_PortSet() rejects the port instead of running on a broken one.
 */
void HTTPc_PortPosix_Get(HTTPc_PORT *p_port, CPU_BOOLEAN with_task);

#ifdef __cplusplus
}
#endif

#endif /* HTTPC_PORT_POSIX_H */
