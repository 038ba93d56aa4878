/*
 * bench_common.h: what the C clients of the benchmark share with the Rust ones (bench/src):
 * the command line, the payload, the clock and the RESULT line. Header-only.
 *
 *   CLIENT [client flags] ws://127.0.0.1:PORT/ [--size N] [--depth D] [--count N]
 *          [--warmup N] [--type text|binary]
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

typedef struct bench_args {
    char          Host[64];
    unsigned      Port;
    size_t        Size;
    unsigned      Depth;
    uint64_t      Count;
    uint64_t      Warmup;
    int           Text;
} BENCH_ARGS;

static void Bench_Fail(const char *p_fmt, ...)
{
    va_list args;

    fputs("bench: error: ", stderr);
    va_start(args, p_fmt);
    vfprintf(stderr, p_fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

/* Parses the common options; an argument it does not know is handed to p_other (which
 * returns how many arguments it took, 0 for unknown). */
static void Bench_ParseArgs(int argc, char **argv, BENCH_ARGS *p_a, int (*p_other)(int argc, char **argv, int i))
{
    int i;

    memset(p_a, 0, sizeof(*p_a));
    p_a->Size  = 64u;
    p_a->Depth = 1u;
    p_a->Count = 1000u;
    for (i = 1; i < argc; i++) {
        const char *p_arg = argv[i];
        const char *p_val = (i + 1 < argc) ? argv[i + 1] : NULL;

        if (strncmp(p_arg, "ws://", 5u) == 0) {
            const char *p_colon = strrchr(p_arg + 5, ':');
            size_t      len;

            if (p_colon == NULL) {
                Bench_Fail("%s: the URL needs a port", p_arg);
            }
            len = (size_t)(p_colon - (p_arg + 5));
            if (len >= sizeof(p_a->Host)) {
                Bench_Fail("host too long");
            }
            memcpy(p_a->Host, p_arg + 5, len);
            p_a->Host[len] = '\0';
            p_a->Port      = (unsigned)strtoul(p_colon + 1, NULL, 10);
            continue;
        }
        if ((strcmp(p_arg, "--size") == 0) && (p_val != NULL)) {
            p_a->Size = (size_t)strtoull(p_val, NULL, 10);
        } else if ((strcmp(p_arg, "--depth") == 0) && (p_val != NULL)) {
            p_a->Depth = (unsigned)strtoul(p_val, NULL, 10);
            if (p_a->Depth == 0u) {
                p_a->Depth = 1u;
            }
        } else if ((strcmp(p_arg, "--count") == 0) && (p_val != NULL)) {
            p_a->Count = (uint64_t)strtoull(p_val, NULL, 10);
        } else if ((strcmp(p_arg, "--warmup") == 0) && (p_val != NULL)) {
            p_a->Warmup = (uint64_t)strtoull(p_val, NULL, 10);
        } else if ((strcmp(p_arg, "--type") == 0) && (p_val != NULL)) {
            if (strcmp(p_val, "text") == 0) {
                p_a->Text = 1;
            } else if (strcmp(p_val, "binary") == 0) {
                p_a->Text = 0;
            } else {
                Bench_Fail("--type %s: text or binary", p_val);
            }
        } else {
            int took = (p_other != NULL) ? p_other(argc, argv, i) : 0;

            if (took == 0) {
                Bench_Fail("unknown option %s", p_arg);
            }
            i += took - 1;
            continue;
        }
        i++;
    }
    if (p_a->Port == 0u) {
        Bench_Fail("give the server as ws://HOST:PORT/");
    }
}

/* Printable ASCII: valid UTF-8 for text messages. */
static unsigned char *Bench_Payload(size_t size)
{
    unsigned char *p = (unsigned char *)malloc(size + 1u);
    size_t         i;

    if (p == NULL) {
        Bench_Fail("out of memory");
    }
    for (i = 0u; i < size; i++) {
        p[i] = (unsigned char)('a' + (i % 26u));
    }
    return p;
}

static double Bench_Now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ((double)ts.tv_nsec / 1e9);
}

/* The counting runs' window (as in bench/src/main.rs): under perf stat -D -1 --control
 * fifo:CTL,ACK the runner sets BENCH_PERF_CTL and BENCH_PERF_ACK; the counters are enabled
 * when the clock starts and disabled when it stops, each command acknowledged by perf. */
static void Bench_PerfCtl(const char *p_cmd)
{
    static int   ctl_fd = -1;
    static int   ack_fd = -1;
    const char  *p_ctl  = getenv("BENCH_PERF_CTL");
    const char  *p_ack  = getenv("BENCH_PERF_ACK");
    char         line[16];
    char         buf[16];
    int          n;

    if ((p_ctl == NULL) || (p_ack == NULL)) {
        return;
    }
    if (ctl_fd < 0) {
        ctl_fd = open(p_ctl, O_WRONLY);
        ack_fd = open(p_ack, O_RDONLY);
        if ((ctl_fd < 0) || (ack_fd < 0)) {
            Bench_Fail("cannot open the perf control FIFOs");
        }
    }
    n = snprintf(line, sizeof(line), "%s\n", p_cmd);
    if (write(ctl_fd, line, (size_t)n) != n) {
        Bench_Fail("perf control: write failed");
    }
    if (read(ack_fd, buf, sizeof(buf)) < 0) {
        Bench_Fail("perf control: no acknowledgement");
    }
}

/* The clock starts at the warmup-th echo (at once without warmup). */
typedef struct bench_clock {
    uint64_t Warmup;
    double   Start;
    int      Started;
} BENCH_CLOCK;

static void Bench_ClockInit(BENCH_CLOCK *p_c, uint64_t warmup)
{
    p_c->Warmup  = warmup;
    p_c->Started = (warmup == 0u);
    p_c->Start   = p_c->Started ? Bench_Now() : 0.0;
    if (p_c->Started) {
        Bench_PerfCtl("enable");
    }
}

static void Bench_ClockEchoed(BENCH_CLOCK *p_c, uint64_t received)
{
    if (!p_c->Started && (received == p_c->Warmup)) {
        Bench_PerfCtl("enable");
        p_c->Start   = Bench_Now();
        p_c->Started = 1;
    }
}

static void Bench_Report(const BENCH_CLOCK *p_c, uint64_t count)
{
    double secs = p_c->Started ? (Bench_Now() - p_c->Start) : 0.0;

    Bench_PerfCtl("disable");
    printf("RESULT msgs=%llu secs=%.6f\n", (unsigned long long)count, secs);
    fflush(stdout);
}

#endif /* BENCH_COMMON_H */
