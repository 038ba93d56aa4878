/*
 * main.c: the httpc-ws firmware example: the library in bare-metal poll mode (no OS, no engine
 * task: the application calls HTTPc_TaskHandler() and the blocking calls drive the engine
 * themselves), its port on the board's UART (which QEMU connects to a TCP server on 127.0.0.1),
 * results through semihosting, and the exit status to the host.
 *
 * Arguments come from the semihosting command line (QEMU: -semihosting-config
 * enable=on,target=native,arg=fw,arg=mode=echo,arg=path=/echo,...), as KEY=VALUE words after the
 * program name:
 *
 *   mode=echo        (default) the echo test sequence (app_echo.c); with path=/server-ping it
 *                    checks the pong that answers the server's ping
 *   mode=rest        REST calls (HTTPc_ReqSend) then a WebSocket on the same persistent
 *                    connection, against tests/servers/aio_server.py (app_rest.c; not in the
 *                    TLS image)
 *   mode=perf        echoes of size=N bytes (default 64), count=N of them (default 1000): the
 *                    instructions each costs (app_perf.c; run under QEMU -icount shift=0);
 *                    loop=1: against an echo server in memory (port_loop.c), exactly
 *   mode=autobahn    one Autobahn|Testsuite session on `path` (app_autobahn.c; not in the TLS
 *                    image)
 *   mode=refuse      TLS image: the connection must be refused (tls/app_refuse.c)
 *   path=/PATH       request path (default /echo); '&' and '?' are fine
 *   host=NAME        Host header (default 127.0.0.1)      port=N  its port (default 80)
 *   timeout=S        give up after S seconds (default 120)
 *   stack=1          measure the stack depth of every library call (painting) and print it
 *   cn=NAME          wss://: the name the server's certificate must carry (TLS image)
 *   ca=, now=, arena=, verify=  TLS image only: see tls/fw_tls.h
 *
 * Exit status: 0 pass, 1 a check failed, 2 bad arguments, 3 fault, 4 unexpected exception.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "app.h"
#include "board.h"
#include "fwlib.h"
#include "semihost.h"
#include "stackmeter.h"
#if defined(FW_TLS)
#include "tls/fw_tls.h"
#endif

static char CmdLine[512];

int main(void)
{
    APP_ARGS args = {"echo", "/echo", "127.0.0.1", 80u, 120u, 0, 64u, 1000u, 0u};
    char *p = CmdLine;
    int first = 1;
    int rc;

    board_init();
    if (sh_cmdline(CmdLine, sizeof CmdLine) != 0) {
        CmdLine[0] = '\0';
    }
    while (*p != '\0') {
        char *word = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
        if (*p == ' ') {
            *p++ = '\0';
        }
        if (first) { /* argv[0] */
            first = 0;
            if (fw_strncmp(word, "mode=", 5) != 0) {
                continue;
            }
        }
        if (fw_strncmp(word, "mode=", 5) == 0) {
            args.mode = word + 5;
        } else if (fw_strncmp(word, "path=", 5) == 0) {
            args.path = word + 5;
        } else if (fw_strncmp(word, "host=", 5) == 0) {
            args.host = word + 5;
        } else if (fw_strncmp(word, "port=", 5) == 0) {
            args.port = fw_atou(word + 5);
        } else if (fw_strncmp(word, "timeout=", 8) == 0) {
            args.timeout_s = fw_atou(word + 8);
        } else if (fw_strcmp(word, "stack=1") == 0) {
            StackMeterOn = 1;
        } else if (fw_strncmp(word, "size=", 5) == 0) {
            args.size = fw_atou(word + 5);
        } else if (fw_strncmp(word, "count=", 6) == 0) {
            args.count = fw_atou(word + 6);
        } else if (fw_strcmp(word, "loop=1") == 0) {
            args.loop = 1u;
        } else if (fw_strncmp(word, "cn=", 3) == 0) {
            args.cn = word + 3;
#if defined(FW_TLS)
        } else if (fw_tls_arg(word)) {
#endif
        } else if (word[0] != '\0') {
            fw_printf("firmware: unknown argument '%s'\n", word);
            return 2;
        }
    }

    fw_printf("httpc-ws firmware on %s: mode %s, path %s\n", board_name(), args.mode, args.path);
    if (fw_strcmp(args.mode, "echo") == 0) {
        rc = app_echo(&args);
#if defined(FW_TLS)
    } else if (fw_strcmp(args.mode, "refuse") == 0) {
        rc = app_refuse(&args);
#else
    } else if (fw_strcmp(args.mode, "rest") == 0) {
        rc = app_rest(&args);
    } else if (fw_strcmp(args.mode, "perf") == 0) {
        rc = app_perf(&args);
    } else if (fw_strcmp(args.mode, "autobahn") == 0) {
        rc = app_autobahn(&args);
#endif
    } else {
        fw_printf("firmware: unknown mode '%s'\n", args.mode);
        rc = 2;
    }
    return rc;
}
