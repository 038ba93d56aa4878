/*
 * mem_check.c: the application's own memset, for httpc_ws_mem_check.elf (tests/firmware): a
 * firmware that brings its own mem* function must get it, in every call, including the library's.
 * The image links footprint/fp_main.c (every HTTPc_* function, and the application's memcpy,
 * memmove, memset and memcmp calls) with newlib the usual way (--specs=nano.specs);
 * check_mem.sh then reads the map file: memset must be this one (the library's fills reach it
 * through src/capi/aeabi_mem.rs, not newlib's __aeabi_memset), memcpy and __aeabi_memcpy newlib's,
 * and no mem* symbol may come from libhttpc_ws.a.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <string.h>

/* A plain loop (built with -fno-tree-loop-distribute-patterns, so it does not call itself). */
void *memset(void *s, int c, size_t n)
{
    unsigned char *p = (unsigned char *)s;
    while (n-- > 0u) {
        *p++ = (unsigned char)c;
    }
    return s;
}
