/*
 * fwlib.c: see fwlib.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fwlib.h"
#include "semihost.h"

uint32_t fw_strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int fw_strncmp(const char *a, const char *b, uint32_t n)
{
    for (; n > 0u; n--, a++, b++) {
        if (*a != *b || *a == '\0') {
            return (int)(unsigned char)*a - (int)(unsigned char)*b;
        }
    }
    return 0;
}

int fw_strcmp(const char *a, const char *b)
{
    return fw_strncmp(a, b, 0xFFFFFFFFu);
}

void fw_copy(void *dst, const void *src, uint32_t n)
{
    volatile uint8_t *d = (volatile uint8_t *)dst; /* volatile: no call back into memcpy */
    const uint8_t *s = (const uint8_t *)src;
    while (n-- > 0u) {
        *d++ = *s++;
    }
}

void fw_fill(void *dst, uint8_t v, uint32_t n)
{
    volatile uint8_t *d = (volatile uint8_t *)dst;
    while (n-- > 0u) {
        *d++ = v;
    }
}

uint32_t fw_atou(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (uint32_t)(*s++ - '0');
    }
    return v;
}

typedef struct {
    char *buf;
    uint32_t size;
    uint32_t len;
} OUT;

static void out_c(OUT *o, char c)
{
    if (o->len + 1u < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void out_s(OUT *o, const char *s, uint32_t n, int width, int left)
{
    int pad = width > (int)n ? width - (int)n : 0;
    if (!left) {
        while (pad-- > 0) {
            out_c(o, ' ');
        }
    }
    while (n-- > 0u) {
        out_c(o, *s++);
    }
    if (left) {
        while (pad-- > 0) {
            out_c(o, ' ');
        }
    }
}

int fw_vsnprintf(char *buf, uint32_t size, const char *fmt, va_list ap)
{
    OUT o = {buf, size, 0};
    for (; *fmt != '\0'; fmt++) {
        int left = 0;
        int width = 0;
        int prec = -1;
        int is_long = 0;
        char tmp[12];
        uint32_t n = 0;
        uint32_t v;
        int neg = 0;
        unsigned base = 10;

        if (*fmt != '%') {
            out_c(&o, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == '-') {
            left = 1;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        if (fmt[0] == '.' && fmt[1] == '*') {
            prec = va_arg(ap, int);
            fmt += 2;
        }
        if (*fmt == 'l') {
            is_long = 1;
            fmt++;
        }
        (void)is_long; /* long is 32 bits here */
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            uint32_t len;
            if (s == 0) {
                s = "(null)";
            }
            len = fw_strlen(s);
            if (prec >= 0 && (uint32_t)prec < len) {
                len = (uint32_t)prec;
            }
            out_s(&o, s, len, width, left);
            continue;
        }
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            out_s(&o, tmp, 1, width, left);
            continue;
        case 'd': {
            int32_t sv = va_arg(ap, int32_t);
            neg = sv < 0;
            v = neg ? (uint32_t)(-(sv + 1)) + 1u : (uint32_t)sv;
            break;
        }
        case 'u':
            v = va_arg(ap, uint32_t);
            break;
        case 'x':
            v = va_arg(ap, uint32_t);
            base = 16;
            break;
        case '%':
            out_c(&o, '%');
            continue;
        default:
            out_c(&o, '%');
            out_c(&o, *fmt);
            if (*fmt == '\0') {
                fmt--;
            }
            continue;
        }
        do {
            tmp[sizeof tmp - 1u - n] = "0123456789abcdef"[v % base];
            n++;
            v /= base;
        } while (v != 0u);
        if (neg) {
            tmp[sizeof tmp - 1u - n] = '-';
            n++;
        }
        out_s(&o, &tmp[sizeof tmp - n], n, width, left);
    }
    if (size > 0u) {
        buf[o.len < size ? o.len : size - 1u] = '\0';
    }
    return (int)o.len;
}

int fw_snprintf(char *buf, uint32_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = fw_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void fw_printf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = fw_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 1) {
        n = (int)sizeof line - 1;
    }
    sh_write(line, (uint32_t)n);
}
