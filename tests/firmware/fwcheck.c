/*
 * fwcheck.c: see fwcheck.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fwcheck.h"

#include <stdarg.h>

#include "fwlib.h"

static uint32_t Checks;
static uint32_t Failures;

void fw_check(int ok, const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    (void)fw_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    Checks++;
    if (!ok) {
        Failures++;
    }
    fw_printf("check %-66s %s\n", line, ok ? "ok" : "FAIL");
}

uint32_t fw_check_failures(void)
{
    return Failures;
}

int fw_check_result(void)
{
    if (Failures == 0u) {
        fw_printf("RESULT: PASS (%u checks)\n", (unsigned)Checks);
        return 0;
    }
    fw_printf("RESULT: FAIL (%u of %u checks failed)\n", (unsigned)Failures, (unsigned)Checks);
    return 1;
}
