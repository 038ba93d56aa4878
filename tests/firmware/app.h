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
} APP_ARGS;

/* The echo test sequence against tests/servers/echo_server.py; 0 when every check passed. */
int app_echo(const APP_ARGS *p_args);
/* One Autobahn|Testsuite session (the harness boots once per case); 0 when the session ran. */
int app_autobahn(const APP_ARGS *p_args);

#endif
