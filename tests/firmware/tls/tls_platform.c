/*
 * tls_platform.c: mbedTLS's platform hooks in the TLS test firmware (mbedtls_config_fw.h names
 * them) and the wall clock.
 *
 * The wall clock: mbedTLS checks certificate dates (MBEDTLS_HAVE_TIME_DATE) against
 * mbedtls_time(), which is fw_time() here (mbedtls_platform_set_time, MBEDTLS_PLATFORM_TIME_ALT):
 * the UTC time set once by fw_tls_clock_set() (the `now=` boot argument; on a board: SNTP, a GNSS
 * fix, or a battery-backed RTC) plus the seconds the SysTick counted since. Until it is set it
 * reads 0 (1970-01-01): every certificate is then "not yet valid" (MBEDTLS_X509_BADCERT_FUTURE),
 * so an unset clock refuses connections instead of skipping the date check. Calendar conversion
 * (mbedtls_platform_gmtime_r, MBEDTLS_PLATFORM_GMTIME_R_ALT) is done here, without the C
 * library's time functions (newlib's gmtime would want its reentrancy structure).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fw_tls.h"

#include <stdarg.h>
#include <time.h>

#include "board.h"
#include "fwlib.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "semihost.h"

static uint32_t WallBase_s; /* UTC seconds at WallBase_ms */
static uint32_t WallBase_ms;
static int WallSet;

void fw_tls_clock_set(uint32_t epoch_s)
{
    WallBase_s = epoch_s;
    WallBase_ms = board_ms();
    WallSet = 1;
}

int fw_tls_clock_is_set(void)
{
    return WallSet;
}

static mbedtls_time_t fw_time(mbedtls_time_t *p_t)
{
    mbedtls_time_t now = 0;
    if (WallSet) {
        now = (mbedtls_time_t)WallBase_s + (mbedtls_time_t)((board_ms() - WallBase_ms) / 1000u);
    }
    if (p_t != NULL) {
        *p_t = now;
    }
    return now;
}

void fw_tls_platform_init(void)
{
    (void)mbedtls_platform_set_time(fw_time);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithms, in 32-bit
 * arithmetic: the clock covers 1970..2106, as a uint32_t of seconds does). */
static long days_from_civil(long y, int m, int d)
{
    long era;
    long yoe;
    long doy;
    y -= (m <= 2);
    era = y / 400; /* y >= 1969 here */
    yoe = y - era * 400;
    doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097L + yoe * 365L + yoe / 4 - yoe / 100 + doy - 719468L;
}

struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    uint32_t t = (*tt < 0) ? 0u : (*tt > (mbedtls_time_t)0xFFFFFFFFu) ? 0xFFFFFFFFu : (uint32_t)*tt;
    long days = (long)(t / 86400u);
    uint32_t secs = t % 86400u;
    long z = days + 719468L;
    long era = z / 146097L;
    long doe = z - era * 146097L;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    long y = yoe + era * 400 + (m <= 2);

    tm_buf->tm_hour = (int)(secs / 3600u);
    tm_buf->tm_min = (int)(secs % 3600u / 60u);
    tm_buf->tm_sec = (int)(secs % 60u);
    tm_buf->tm_wday = (int)((days + 4) % 7); /* 1970-01-01 was a Thursday */
    tm_buf->tm_year = (int)(y - 1900);
    tm_buf->tm_mon = m - 1;
    tm_buf->tm_mday = d;
    tm_buf->tm_yday = (int)(days - days_from_civil(y, 1, 1));
    tm_buf->tm_isdst = 0;
    return tm_buf;
}

/* mbedtls_snprintf: only the X.509 "info" helpers use it (not linked unless called). The
 * firmware's formatter knows %s %c %d %u %x with a width. */
int fw_tls_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = fw_vsnprintf(buf, (uint32_t)size, fmt, ap);
    va_end(ap);
    return n;
}

/* mbedtls_exit: the arena allocator found its headers corrupted. */
void fw_tls_exit(int status)
{
    fw_printf("mbedTLS: fatal: exit(%d) (arena allocator: corrupted heap?)\n", status);
    sh_exit(5);
}
