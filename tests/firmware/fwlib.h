/*
 * fwlib.h: the few C library functions the test firmware needs, written here so that the
 * image links no C library (-nostdlib) but newlib's mem* functions (-lc, which the library's
 * code calls too): string helpers and a small printf on semihosting.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_FWLIB_H
#define FW_FWLIB_H

#include <stdarg.h>
#include <stdint.h>

uint32_t fw_strlen(const char *s);
int fw_strcmp(const char *a, const char *b);
int fw_strncmp(const char *a, const char *b, uint32_t n);
void fw_copy(void *dst, const void *src, uint32_t n);
void fw_fill(void *dst, uint8_t v, uint32_t n);
uint32_t fw_atou(const char *s);

/* printf subset: %s %c %d %u %x %lu %ld %lx %%, optional '-' and width, "%.*s". */
int fw_vsnprintf(char *buf, uint32_t size, const char *fmt, va_list ap);
int fw_snprintf(char *buf, uint32_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
