/*
 * app_host.c: the host consumer (tests/consumers): the library and its POSIX port linked the way
 * a user links them, then started in poll mode; no network. Prints "consumer OK" and exits 0.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "http-c.h"
#include "httpc_port_posix.h"

static const HTTPc_CFG Cfg = {0u, 4u, 5000u, 30u, DEF_NO};

int main(void)
{
    HTTPc_PORT port;
    HTTPc_ERR err;
    CPU_CHAR close_buf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
    CPU_INT16U len;

    HTTPc_PortPosix_Get(&port, DEF_NO);
    HTTPc_PortSet(&port, &err);
    if (err != HTTPc_ERR_NONE) {
        fprintf(stderr, "HTTPc_PortSet: err %u\n", (unsigned)err);
        return 1;
    }
    HTTPc_Init(&Cfg, DEF_NULL, DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        fprintf(stderr, "HTTPc_Init: err %u\n", (unsigned)err);
        return 1;
    }
    len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, (CPU_CHAR *)"bye", close_buf,
                                   (CPU_INT16U)sizeof close_buf, &err);
    if (err != HTTPc_ERR_NONE || len != 5u) {
        fprintf(stderr, "HTTPc_WebSockFmtCloseMsg: err %u len %u\n", (unsigned)err, (unsigned)len);
        return 1;
    }
    printf("consumer OK\n");
    return 0;
}
