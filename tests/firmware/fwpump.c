/*
 * fwpump.c: see fwpump.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fwpump.h"

#include "http-c.h"

#include "board.h"
#include "netport.h"
#include "stackmeter.h"

static uint32_t Deadline;

void fw_pump_deadline(uint32_t at_ms)
{
    Deadline = at_ms;
}

int fw_pump(volatile int *p_flag, uint32_t timeout_ms)
{
    uint32_t t0 = board_ms();
    while (!*p_flag) {
        CPU_INT32U next;
        if (board_ms() - t0 >= timeout_ms || (int32_t)(board_ms() - Deadline) >= 0) {
            return 0;
        }
        SM_MEASURE(SM_TASKHANDLER, next = HTTPc_TaskHandler());
        if (next > 0u && !*p_flag) {
            netport_idle(); /* until data arrives or the next 1 ms tick */
        }
    }
    return 1;
}
