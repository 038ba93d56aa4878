/*
 * fwcheck.h: the firmware applications' checks: one "check <what> ok|FAIL" line each, counted,
 * and the "RESULT: PASS (N checks)" / "RESULT: FAIL (K of N checks failed)" line that run.sh
 * looks for at the end.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_FWCHECK_H
#define FW_FWCHECK_H

#include <stdint.h>

/* Records one check; `fmt` describes it (printf subset of fwlib.h). */
void fw_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Failed checks so far. */
uint32_t fw_check_failures(void);
/* Prints the RESULT line; 0 when every check passed, 1 otherwise. */
int fw_check_result(void);

#endif
