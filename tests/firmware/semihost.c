/*
 * semihost.c: see semihost.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "semihost.h"

#define SYS_OPEN          0x01
#define SYS_CLOSE         0x02
#define SYS_WRITE         0x05
#define SYS_READ          0x06
#define SYS_FLEN          0x0C
#define SYS_CLOCK         0x10
#define SYS_TIME          0x11
#define SYS_GET_CMDLINE   0x15
#define SYS_EXIT          0x18
#define SYS_EXIT_EXTENDED 0x20

#define ADP_Stopped_ApplicationExit 0x20026u
#define ADP_Stopped_RunTimeErrorUnknown 0x20023u

static int sh_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static int StdoutHandle = -1;

void sh_write(const char *p, uint32_t len)
{
    if (StdoutHandle < 0) {
        static const char tt[] = ":tt";
        uint32_t blk[3] = {(uint32_t)tt, 4u /* "w" */, 3u};
        StdoutHandle = sh_call(SYS_OPEN, blk);
    }
    while (len > 0u) {
        uint32_t blk[3] = {(uint32_t)StdoutHandle, (uint32_t)p, len};
        int left = sh_call(SYS_WRITE, blk); /* bytes NOT written */
        if (left < 0 || (uint32_t)left >= len) {
            return;
        }
        p += len - (uint32_t)left;
        len = (uint32_t)left;
    }
}

int sh_cmdline(char *buf, uint32_t size)
{
    uint32_t blk[2] = {(uint32_t)buf, size};
    if (size == 0u) {
        return -1;
    }
    buf[0] = '\0';
    if (sh_call(SYS_GET_CMDLINE, blk) != 0) {
        return -1;
    }
    buf[blk[1] < size ? blk[1] : size - 1u] = '\0';
    return 0;
}

int sh_read_file(const char *path, void *buf, uint32_t size)
{
    uint32_t n = 0;
    uint32_t len;
    int h;
    int flen;
    int r;

    for (len = 0; path[len] != '\0'; len++) {
    }
    {
        uint32_t blk[3] = {(uint32_t)path, 1u /* "rb" */, len};
        h = sh_call(SYS_OPEN, blk);
    }
    if (h < 0) {
        return -1;
    }
    {
        uint32_t blk[1] = {(uint32_t)h};
        flen = sh_call(SYS_FLEN, blk);
    }
    if (flen >= 0 && (uint32_t)flen <= size) {
        uint32_t blk[3] = {(uint32_t)h, (uint32_t)buf, (uint32_t)flen};
        r = sh_call(SYS_READ, blk); /* bytes NOT read */
        if (r >= 0 && r <= flen) {
            n = (uint32_t)(flen - r);
        }
    }
    {
        uint32_t blk[1] = {(uint32_t)h};
        (void)sh_call(SYS_CLOSE, blk);
    }
    return (flen >= 0 && (uint32_t)flen <= size && n == (uint32_t)flen) ? (int)n : -1;
}

uint32_t sh_clock_cs(void)
{
    return (uint32_t)sh_call(SYS_CLOCK, 0);
}

uint32_t sh_time(void)
{
    return (uint32_t)sh_call(SYS_TIME, 0);
}

void sh_exit(int code)
{
    uint32_t blk[2] = {ADP_Stopped_ApplicationExit, (uint32_t)code};
    (void)sh_call(SYS_EXIT_EXTENDED, blk);
    /* Without the extension: only success or failure can be told apart. */
    (void)sh_call(SYS_EXIT, (const void *)(code == 0 ? ADP_Stopped_ApplicationExit
                                                      : ADP_Stopped_RunTimeErrorUnknown));
    for (;;) {
    }
}
