/*
 * idle_cpu.c: CPU the library burns while N WebSocket connections sit idle.
 *
 *     idle_cpu --url ws://127.0.0.1:PORT/PATH --conns N [--seconds S] [--poll] [--max-pct P]
 *
 * Opens N connections with the POSIX port (engine task by default; --poll: no task, this
 * program calls HTTPc_TaskHandler() and sleeps for what it returns, capped at 1 s), upgrades
 * each (blocking calls), then does nothing for S seconds (default 3) and measures the
 * process's user+sys CPU (getrusage) over that window. Prints one line:
 *     idle_cpu: mode=task conns=256 wall_ms=3000 cpu_ms=0 cpu_pct=0.00
 * and exits 1 when cpu_pct exceeds P (default 1.0) or a connection failed, 0 otherwise.
 * Closes every connection at the end.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "http-c.h"
#include "http-c_websock.h"
#include "httpc_port_posix.h"

#define IDLE_CONNS_MAX   1024u
#define IDLE_BUF_LEN     1024u

typedef struct idle_conn {
    HTTPc_CONN_OBJ    Conn;
    HTTPc_REQ_OBJ     Req;
    HTTPc_RESP_OBJ    Resp;
    HTTPc_WEBSOCK_OBJ Ws;
    CPU_CHAR          Buf[IDLE_BUF_LEN];
} IDLE_CONN;

static const HTTPc_CFG Idle_Cfg = { 0u, 1u, 5000u, 30u, DEF_FALSE };
static const HTTP_TASK_CFG Idle_TaskCfg = { 20u, 65536u, NULL };

static int Idle_Poll;

static void Idle_OnConnClose(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    (void)status;
    (void)err;
}

static double Idle_Now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static double Idle_CpuMs(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

static void Idle_SleepMs(unsigned long ms)
{
    struct timespec ts;

    ts.tv_sec  = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while ((nanosleep(&ts, &ts) != 0) && (errno == EINTR)) {
        ;
    }
}

/* Sleeps `ms` in task mode; in poll mode runs engine passes, sleeping as long as each allows. */
static void Idle_Run(double ms)
{
    double end = Idle_Now() + ms;

    while (Idle_Now() < end) {
        double        left = end - Idle_Now();
        unsigned long nap  = (left > 1000.0) ? 1000u : (unsigned long)left + 1u;

        if (Idle_Poll) {
            CPU_INT32U next = HTTPc_TaskHandler();

            if (next < nap) {
                nap = next;
            }
        }
        Idle_SleepMs(nap);
    }
}

int main(int argc, char **argv)
{
    const char *p_url   = NULL;
    unsigned    n       = 1u;
    double      seconds = 3.0;
    double      max_pct = 1.0;
    char        host[256];
    unsigned    port_nbr = 80u;
    const char *p_path;
    IDLE_CONN  *p_conns;
    HTTPc_PORT  port;
    HTTPc_ERR   err;
    unsigned    i;
    int         failed = 0;
    double      t0;
    double      c0;
    double      wall;
    double      cpu;
    double      pct;

    for (i = 1u; i < (unsigned)argc; i++) {
        if ((strcmp(argv[i], "--url") == 0) && (i + 1u < (unsigned)argc)) {
            p_url = argv[++i];
        } else if ((strcmp(argv[i], "--conns") == 0) && (i + 1u < (unsigned)argc)) {
            n = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if ((strcmp(argv[i], "--seconds") == 0) && (i + 1u < (unsigned)argc)) {
            seconds = strtod(argv[++i], NULL);
        } else if ((strcmp(argv[i], "--max-pct") == 0) && (i + 1u < (unsigned)argc)) {
            max_pct = strtod(argv[++i], NULL);
        } else if (strcmp(argv[i], "--poll") == 0) {
            Idle_Poll = 1;
        } else {
            fprintf(stderr, "usage: idle_cpu --url ws://127.0.0.1:PORT/PATH --conns N [--seconds S] [--poll] [--max-pct P]\n");
            return 2;
        }
    }
    if ((p_url == NULL) || (n == 0u) || (n > IDLE_CONNS_MAX) ||
        (sscanf(p_url, "ws://%255[^:/]:%u", host, &port_nbr) < 1)) {
        fprintf(stderr, "idle_cpu: bad arguments\n");
        return 2;
    }
    p_path = strchr(p_url + 5, '/');
    if (p_path == NULL) {
        p_path = "/";
    }

    HTTPc_PortPosix_Get(&port, Idle_Poll ? DEF_NO : DEF_YES);
    HTTPc_PortSet(&port, &err);
    if (err != HTTPc_ERR_NONE) {
        fprintf(stderr, "idle_cpu: HTTPc_PortSet: %u\n", (unsigned)err);
        return 1;
    }
    HTTPc_Init(&Idle_Cfg, &Idle_TaskCfg, DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        fprintf(stderr, "idle_cpu: HTTPc_Init: %u\n", (unsigned)err);
        return 1;
    }
    p_conns = (IDLE_CONN *)calloc(n, sizeof(*p_conns));
    if (p_conns == NULL) {
        return 1;
    }

    for (i = 0u; i < n; i++) {
        IDLE_CONN  *p     = &p_conns[i];
        CPU_INT16U  sport = (CPU_INT16U)port_nbr;

        HTTPc_ConnClr(&p->Conn, &err);
        HTTPc_ReqClr(&p->Req, &err);
        HTTPc_WebSockClr(&p->Ws, &err);
        HTTPc_ConnSetParam(&p->Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &sport, &err);
        HTTPc_ConnSetParam(&p->Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)Idle_OnConnClose, &err);
        if ((HTTPc_ConnOpen(&p->Conn, p->Buf, IDLE_BUF_LEN, host, (CPU_INT16U)strlen(host),
                            HTTPc_FLAG_NONE, &err) != DEF_OK) ||
            (HTTPc_WebSockUpgrade(&p->Conn, &p->Req, &p->Resp, &p->Ws, (CPU_CHAR *)p_path,
                                  (CPU_INT16U)strlen(p_path), HTTPc_FLAG_NONE, &err) != DEF_OK) ||
            (p->Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS)) {
            fprintf(stderr, "idle_cpu: connection %u failed: err %u\n", i, (unsigned)err);
            failed = 1;
            break;
        }
    }

    if (!failed) {
        Idle_Run(200.0);                     /* Let the upgrades settle. */
        t0 = Idle_Now();
        c0 = Idle_CpuMs();
        Idle_Run(seconds * 1000.0);
        wall = Idle_Now() - t0;
        cpu  = Idle_CpuMs() - c0;
        pct  = 100.0 * cpu / wall;
        printf("idle_cpu: mode=%s conns=%u wall_ms=%.0f cpu_ms=%.1f cpu_pct=%.2f\n",
               Idle_Poll ? "poll" : "task", n, wall, cpu, pct);
        if (pct > max_pct) {
            fprintf(stderr, "idle_cpu: %.2f %% CPU while idle, limit %.2f %%\n", pct, max_pct);
            failed = 1;
        }
    }
    for (i = 0u; i < n; i++) {
        HTTPc_ConnClose(&p_conns[i].Conn, HTTPc_FLAG_NONE, &err);
    }
    Idle_Run(200.0);
    free(p_conns);
    return failed;
}
