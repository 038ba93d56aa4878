/*
 * app.h: the firmware example's modes (selected by the semihosting command line, see main.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_APP_H
#define FW_APP_H

#include <stdint.h>

typedef struct {
    const char *mode;      /* "echo" (default) or "autobahn" */
    const char *path;      /* request path, "/echo" by default */
    const char *host;      /* Host header, "127.0.0.1" by default */
    uint32_t port;         /* Host header port, 80 by default */
    uint32_t timeout_s;    /* whole-run limit */
    const char *cn;        /* wss://: SECURE_COMMON_NAME (TLS image); NULL: ws:// */
    uint32_t size;         /* mode=perf: message size */
    uint32_t count;        /* mode=perf: echoes */
    uint32_t loop;         /* mode=perf: 1, the in-memory echo server (port_loop.c) */
} APP_ARGS;

/* board_ms() when app_echo's OnOpen ran (0: not yet). */
extern uint32_t AppOpenedAt_ms;

/* The echo test sequence against tests/servers/echo_server.py; 0 when every check passed. */
int app_echo(const APP_ARGS *p_args);
/* REST calls, then a WebSocket on the same connection, against tests/servers/aio_server.py; 0
 * when every check passed. */
int app_rest(const APP_ARGS *p_args);
/* Echoes of one size, the instructions each costs the library and the port (app_perf.c); 0
 * when every echo came back intact. */
int app_perf(const APP_ARGS *p_args);
/* One Autobahn|Testsuite session (the harness boots once per case); 0 when the session ran. */
int app_autobahn(const APP_ARGS *p_args);
/* TLS image: HTTPc_ConnOpen must be refused for the certificate (tls/app_refuse.c); 0 when it was,
 * for the expected reason. */
int app_refuse(const APP_ARGS *p_args);

#endif
