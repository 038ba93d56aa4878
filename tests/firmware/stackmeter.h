/*
 * stackmeter.h: stack depth of library calls, measured by painting (test equipment of the firmware
 * example). Before a call the free stack below the caller is filled with a pattern (interrupts
 * masked while painting); after it, the lowest overwritten word gives the depth the call reached,
 * counted from the caller's stack pointer. The depth includes what runs on the same stack during
 * the call: the application's hooks (see stackmeter_hook) and the port callbacks, and an interrupt
 * frame if SysTick or the UART interrupt fired at the deepest point (32 bytes, 104 with FP state).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_STACKMETER_H
#define FW_STACKMETER_H

#include <stdint.h>

enum {
    SM_PORTSET, SM_INIT, SM_CONNCLR, SM_CONNSETPARAM, SM_CONNOPEN, SM_REQCLR, SM_REQSETPARAM,
    SM_WSCLR, SM_WSSETPARAM, SM_MSGCLR, SM_MSGSETPARAM, SM_UPGRADE, SM_SEND_BLOCKING,
    SM_SEND_NOBLOCK, SM_FMTCLOSE, SM_CONNCLOSE, SM_TASKHANDLER, SM_REQSEND, SM_COUNT
};

/* How far below the caller the paint reaches (the measurable depth). */
#define SM_WINDOW 4096u

extern int StackMeterOn;

static inline __attribute__((always_inline)) uint32_t sm_sp(void)
{
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

void sm_paint(uint32_t base);
void sm_record(int slot, uint32_t base);
/* Call first thing in each hook: records how deep the library was when it called the hook. */
void stackmeter_hook(void);
void stackmeter_report(void);
/* Deepest depth over all slots, and of one slot. */
uint32_t stackmeter_max(int slot);

#define SM_MEASURE(slot, call)                                                                     \
    do {                                                                                           \
        if (StackMeterOn) {                                                                        \
            uint32_t sm_base_ = sm_sp();                                                           \
            sm_paint(sm_base_);                                                                    \
            call;                                                                                  \
            sm_record((slot), sm_base_);                                                           \
        } else {                                                                                   \
            call;                                                                                  \
        }                                                                                          \
    } while (0)

#endif
