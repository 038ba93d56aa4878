/*
 * fwpump.h: the firmware applications' loop in bare-metal poll mode: HTTPc_TaskHandler() (its
 * stack measured, see stackmeter.h), sleeping in the transport between passes, until a flag a
 * hook sets is set.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_FWPUMP_H
#define FW_FWPUMP_H

#include <stdint.h>

/* board_ms() at which the whole run gives up: every later fw_pump returns 0 at once. */
void fw_pump_deadline(uint32_t at_ms);
/* Runs the engine until *p_flag is set (1), or timeout_ms or the run's deadline pass (0). */
int fw_pump(volatile int *p_flag, uint32_t timeout_ms);

#endif
