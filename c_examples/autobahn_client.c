/*
 * autobahn_client: the Autobahn|Testsuite client driver, written against the public C API and
 * the POSIX port only (and, for wss://, the mbedTLS layer around it, when built with
 * AUTOBAHN_TLS: tests/tls/autobahn.sh).
 *
 *   autobahn_client [--blocking | --task-handler] [--cases A-B] ws://127.0.0.1:PORT AGENT
 *   autobahn_client --ca CA.pem [--cn NAME] [--no-watch] [...] wss://127.0.0.1:PORT AGENT
 *
 * Protocol: /getCaseCount, then /runCase?case=N&agent=AGENT for every case (each text and
 * binary message is echoed with its type until the connection closes), then
 * /updateReports?agent=AGENT.
 *
 * Echo streams (common/autobahn_echo.c, shared with the firmware): each received message is
 * sent back as a fragmented message fed from a 1 MiB ring, so a 16 MiB message never has to
 * fit in memory.
 *
 * --blocking      engine task (POSIX pthread hook); blocking ConnOpen/WebSockUpgrade.
 * --task-handler  no task: non-blocking calls, the main loop runs HTTPc_TaskHandler().
 * --ca, --cn      wss://: the PEM CA the server's certificate chains to, the name checked
 *                 (default localhost).
 * --no-watch      wss://: the inner port without Watch (the layer's entry-list Wait path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http-c.h"
#include "autobahn_echo.h"
#include "http-c_websock.h"
#include "httpc_port_posix.h"
#ifdef AUTOBAHN_TLS
#include "httpc_port_mbedtls.h"
#endif

#define CONN_BUF_LEN 65535u
#define RING_LEN (1u << 20)
#define CASE_TIMEOUT_MS 120000u

static CPU_INT08U Ring[RING_LEN];
static volatile int Failed; /* the connect or the upgrade failed */
static int TaskHandlerMode;
static CPU_CHAR ConnBuf[CONN_BUF_LEN];
static int Secure;                          /* wss:// */
static const char *CommonName = "localhost"; /* --cn */

static CPU_INT32U now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (CPU_INT32U)(ts.tv_sec * 1000u + (CPU_INT32U)(ts.tv_nsec / 1000000));
}

static void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static void on_ws_close(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE code, HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    (void)p_conn;
    (void)code;
    (void)p_reason;
}

static void on_connect(HTTPc_CONN_OBJ *p_conn, CPU_BOOLEAN ok)
{
    (void)p_conn;
    if (ok != DEF_OK) {
        Failed = 1;
        ab_echo_stats()->closed = 1;
    }
}

static void on_trans_complete(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_RESP_OBJ *p_resp, CPU_BOOLEAN ok)
{
    (void)p_conn;
    (void)p_req;
    if (ok != DEF_OK || p_resp->StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) {
        Failed = 1;
    }
}

static void on_trans_err(HTTPc_CONN_OBJ *p_conn, HTTPc_REQ_OBJ *p_req, HTTPc_ERR err)
{
    (void)p_conn;
    (void)p_req;
    (void)err;
    Failed = 1;
}

/* Closes the connection. HTTPc_ERR_CONN_SIGNAL_TIMEOUT: the engine task is held up and the
 * close still comes; the objects are reused by the next session only after its OnClose. */
static void close_session(HTTPc_CONN_OBJ *p_conn)
{
    HTTPc_ERR err;
    HTTPc_ConnClose(p_conn, HTTPc_FLAG_NONE, &err);
    while (err == HTTPc_ERR_CONN_SIGNAL_TIMEOUT && !ab_echo_stats()->closed) {
        sleep_ms(2);
    }
}

/* Waits until the connection closed (or the case timed out). */
static int wait_closed(HTTPc_CONN_OBJ *p_conn)
{
    CPU_INT32U start = now_ms();
    while (!ab_echo_stats()->closed) {
        if (now_ms() - start > CASE_TIMEOUT_MS) {
            close_session(p_conn);
            return -1;
        }
        if (TaskHandlerMode) {
            CPU_INT32U wait = HTTPc_TaskHandler();
            if (wait > 0u && !ab_echo_stats()->closed) {
                sleep_ms(wait > 2u ? 1 : 0);
            }
        } else {
            sleep_ms(2);
        }
    }
    return 0;
}

/* Runs one WebSocket session on `path`; returns 0 when it opened. */
static int run_session(const char *host, CPU_INT16U port, char *path)
{
    static HTTPc_CONN_OBJ conn;
    static HTTPc_REQ_OBJ req;
    static HTTPc_RESP_OBJ resp;
    static HTTPc_WEBSOCK_OBJ ws;
    HTTPc_ERR err;
    CPU_BOOLEAN ok;
    HTTPc_FLAGS conn_flags = TaskHandlerMode ? HTTPc_FLAG_CONN_NO_BLOCK : HTTPc_FLAG_NONE;
    HTTPc_FLAGS ws_flags = TaskHandlerMode ? HTTPc_FLAG_WEBSOCK_NO_BLOCK : HTTPc_FLAG_NONE;
    CPU_INT32U close_timeout = 2000u;

    ab_echo_begin(Ring, RING_LEN, 0);
    Failed = 0;
    HTTPc_ConnClr(&conn, &err);
    HTTPc_ReqClr(&req, &err);
    HTTPc_WebSockClr(&ws, &err);
    HTTPc_ConnSetParam(&conn, HTTPc_PARAM_TYPE_SERVER_PORT, &port, &err);
    if (Secure) {
        HTTPc_ConnSetParam(&conn, HTTPc_PARAM_TYPE_SECURE_COMMON_NAME, (void *)CommonName, &err);
    }
    HTTPc_ConnSetParam(&conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&ab_echo_on_conn_close, &err);
    HTTPc_ConnSetParam(&conn, HTTPc_PARAM_TYPE_CONN_CONNECT_CALLBACK, (void *)&on_connect, &err);
    HTTPc_ReqSetParam(&req, HTTPc_PARAM_TYPE_TRANS_COMPLETE_CALLBACK, (void *)&on_trans_complete, &err);
    HTTPc_ReqSetParam(&req, HTTPc_PARAM_TYPE_TRANS_ERR_CALLBACK, (void *)&on_trans_err, &err);
    ab_echo_set_hooks(&ws);
    HTTPc_WebSockSetParam(&ws, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE, (void *)&on_ws_close, &err);
    HTTPc_WebSockSetParam(&ws, HTTPc_PARAM_TYPE_WEBSOCK_CLOSE_TIMEOUT_MS, &close_timeout, &err);

    ok = HTTPc_ConnOpen(&conn, ConnBuf, CONN_BUF_LEN, (CPU_CHAR *)host, (CPU_INT16U)strlen(host), conn_flags, &err);
    if (err != HTTPc_ERR_NONE || (!TaskHandlerMode && ok != DEF_OK)) {
        fprintf(stderr, "ConnOpen failed: %u\n", (unsigned)err);
        return -1;
    }
    if (TaskHandlerMode) {
        CPU_INT32U start = now_ms();
        /* Wait for the connect, then upgrade (both driven by the task handler). */
        while (!Failed && now_ms() - start < 10000u) {
            (void)HTTPc_TaskHandler();
            HTTPc_WebSockUpgrade(&conn, &req, &resp, &ws, path, (CPU_INT16U)strlen(path), ws_flags, &err);
            if (err == HTTPc_ERR_NONE) {
                break;
            }
            if (err != HTTPc_ERR_WEBSOCK_CONN_IS_NOT_CONNECTED) {
                fprintf(stderr, "WebSockUpgrade failed: %u\n", (unsigned)err);
                return -1;
            }
            sleep_ms(1);
        }
    } else {
        ok = HTTPc_WebSockUpgrade(&conn, &req, &resp, &ws, path, (CPU_INT16U)strlen(path), ws_flags, &err);
        if (ok != DEF_OK || err != HTTPc_ERR_NONE || resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) {
            fprintf(stderr, "WebSockUpgrade failed: %u (status index %u)\n", (unsigned)err, (unsigned)resp.StatusCode);
            close_session(&conn);
            return -1;
        }
    }
    return wait_closed(&conn);
}

#ifdef AUTOBAHN_TLS
/* wss://: wraps *p_port in the mbedTLS layer trusting the PEM CA(s) of ca_path. 0 on success. */
static int wrap_tls(HTTPc_PORT *p_port, const char *ca_path, int no_watch)
{
    static HTTPc_PORT_TLS tls;
    static HTTPc_PORT_TLS_SESS sessions[2];
    static unsigned char ca[65536];
    HTTPc_PORT inner = *p_port;
    HTTPc_PORT_TLS_CFG tcfg;
    FILE *f = (ca_path != NULL) ? fopen(ca_path, "rb") : NULL;
    size_t n;
    int ret;

    if (f == NULL) {
        fprintf(stderr, "--ca FILE (PEM) required and readable\n");
        return -1;
    }
    n = fread(ca, 1u, sizeof ca - 1u, f);
    fclose(f);
    if (n == 0u || n == sizeof ca - 1u) {
        fprintf(stderr, "--ca %s: empty or too large\n", ca_path);
        return -1;
    }
    ca[n] = '\0'; /* PEM: the terminating NUL is counted */
    if (no_watch) {
        inner.Watch = NULL;
    }
    memset(&tcfg, 0, sizeof tcfg);
    tcfg.InnerPortPtr = &inner;
    tcfg.CaPtr = ca;
    tcfg.CaLen = n + 1u;
    tcfg.SessionsPtr = sessions;
    tcfg.NbrSessions = 2u;
    ret = HTTPc_PortTls_Init(&tls, &tcfg, p_port);
    if (ret != 0) {
        fprintf(stderr, "HTTPc_PortTls_Init: -0x%04x\n", (unsigned)-ret);
        return -1;
    }
    return 0;
}
#endif

int main(int argc, char **argv)
{
    HTTPc_PORT port_if;
    const char *ca = NULL;
    int no_watch = 0;
    static const HTTPc_CFG cfg = {1u, 5u, 2000u, 30u, DEF_NO};
    static const HTTP_TASK_CFG task_cfg = {20u, 16384u, NULL};
    HTTPc_ERR err;
    const char *url;
    const char *agent;
    char host[64];
    unsigned port_nbr = 0;
    char path[256];
    long count;
    long first = 1;
    long last = -1;
    long i;
    int a;

    for (a = 1; a < argc - 2; a++) {
        if (strcmp(argv[a], "--task-handler") == 0) {
            TaskHandlerMode = 1;
        } else if (strcmp(argv[a], "--blocking") == 0) {
            TaskHandlerMode = 0;
        } else if (strcmp(argv[a], "--ca") == 0 && a + 1 < argc - 2) {
            ca = argv[++a];
        } else if (strcmp(argv[a], "--cn") == 0 && a + 1 < argc - 2) {
            CommonName = argv[++a];
        } else if (strcmp(argv[a], "--no-watch") == 0) {
            no_watch = 1;
        } else if (strcmp(argv[a], "--cases") == 0 && a + 1 < argc - 2) {
            if (sscanf(argv[++a], "%ld-%ld", &first, &last) != 2) {
                fprintf(stderr, "--cases A-B\n");
                return 2;
            }
        } else {
            fprintf(stderr, "unknown option %s\n", argv[a]);
            return 2;
        }
    }
    if (argc < 3) {
        fprintf(stderr, "usage: %s [--blocking|--task-handler] [--cases A-B] [--ca CA.pem [--cn NAME] [--no-watch]] ws[s]://HOST:PORT AGENT\n", argv[0]);
        return 2;
    }
    url = argv[argc - 2];
    agent = argv[argc - 1];
    Secure = strncmp(url, "wss://", 6u) == 0;
    if (sscanf(url + (Secure ? 6 : 5), "%63[^:/]:%u", host, &port_nbr) != 2 ||
        strncmp(url, Secure ? "wss://" : "ws://", Secure ? 6u : 5u) != 0 || port_nbr == 0u || port_nbr > 65535u) {
        fprintf(stderr, "bad URL %s (want ws://HOST:PORT or wss://HOST:PORT)\n", url);
        return 2;
    }

    HTTPc_PortPosix_Get(&port_if, TaskHandlerMode ? DEF_NO : DEF_YES);
    if (Secure) {
#ifdef AUTOBAHN_TLS
        if (wrap_tls(&port_if, ca, no_watch) != 0) {
            return 2;
        }
#else
        fprintf(stderr, "wss:// needs a build with the mbedTLS layer (AUTOBAHN_TLS)\n");
        return 2;
#endif
    }
    (void)ca;
    (void)no_watch;
    HTTPc_PortSet(&port_if, &err);
    if (err != HTTPc_ERR_NONE) {
        fprintf(stderr, "HTTPc_PortSet: %u\n", (unsigned)err);
        return 1;
    }
    HTTPc_Init(&cfg, &task_cfg, NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        fprintf(stderr, "HTTPc_Init: %u\n", (unsigned)err);
        return 1;
    }

    snprintf(path, sizeof path, "/getCaseCount");
    if (run_session(host, (CPU_INT16U)port_nbr, path) != 0 || ab_echo_stats()->text_len == 0u) {
        fprintf(stderr, "could not read the case count\n");
        return 1;
    }
    count = strtol(ab_echo_stats()->text, NULL, 10);
    if (last < 0 || last > count) {
        last = count;
    }
    printf("%s: %ld cases (running %ld-%ld)\n", agent, count, first, last);
    for (i = first; i <= last; i++) {
        snprintf(path, sizeof path, "/runCase?case=%ld&agent=%s", i, agent);
        if (run_session(host, (CPU_INT16U)port_nbr, path) != 0) {
            fprintf(stderr, "case %ld: session failed\n", i);
        }
    }
    snprintf(path, sizeof path, "/updateReports?agent=%s", agent);
    if (run_session(host, (CPU_INT16U)port_nbr, path) != 0) {
        fprintf(stderr, "could not update the reports\n");
        return 1;
    }
    printf("%s: done\n", agent);
    return 0;
}
