/*
 * stackmeter.c: see stackmeter.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "stackmeter.h"

#include "fwlib.h"

#define PAINT 0xC5A5C5A5u

extern uint32_t __stack_bottom[];

int StackMeterOn;

static const char *const Names[SM_COUNT] = {
    "HTTPc_PortSet", "HTTPc_Init", "HTTPc_ConnClr", "HTTPc_ConnSetParam",
    "HTTPc_ConnOpen (blocking)", "HTTPc_ReqClr", "HTTPc_ReqSetParam", "HTTPc_WebSockClr",
    "HTTPc_WebSockSetParam", "HTTPc_WebSockMsgClr", "HTTPc_WebSockMsgSetParam",
    "HTTPc_WebSockUpgrade (blocking)", "HTTPc_WebSockSend (blocking)",
    "HTTPc_WebSockSend (no-block)", "HTTPc_WebSockFmtCloseMsg", "HTTPc_ConnClose",
    "HTTPc_TaskHandler (one pass)", "HTTPc_ReqSend (blocking)",
};

static uint32_t MaxDepth[SM_COUNT];
static uint32_t Calls[SM_COUNT];
static uint32_t CurBase;
static uint32_t MaxHookDepth; /* library frames between the API caller and a hook */
static uint32_t PaintLow;

void sm_paint(uint32_t base)
{
    uint32_t lo = base - SM_WINDOW;
    volatile uint32_t *p;
    uint32_t here = sm_sp() - 16u; /* below this function's own frame */

    if (lo < (uint32_t)__stack_bottom) {
        lo = (uint32_t)__stack_bottom;
    }
    lo &= ~3u;
    __asm__ volatile("cpsid i" ::: "memory");
    for (p = (volatile uint32_t *)lo; (uint32_t)p < here; p++) {
        *p = PAINT;
    }
    __asm__ volatile("cpsie i" ::: "memory");
    PaintLow = lo;
    CurBase = base;
}

void sm_record(int slot, uint32_t base)
{
    const volatile uint32_t *p = (const volatile uint32_t *)PaintLow;
    uint32_t depth;

    while ((uint32_t)p < base && *p == PAINT) {
        p++;
    }
    depth = base - (uint32_t)p;
    if (depth > MaxDepth[slot]) {
        MaxDepth[slot] = depth;
    }
    Calls[slot]++;
    CurBase = 0;
}

void stackmeter_hook(void)
{
    uint32_t sp = sm_sp();
    if (CurBase != 0u && CurBase > sp && CurBase - sp > MaxHookDepth) {
        MaxHookDepth = CurBase - sp;
    }
}

uint32_t stackmeter_max(int slot)
{
    uint32_t m = 0;
    int i;
    if (slot >= 0) {
        return MaxDepth[slot];
    }
    for (i = 0; i < SM_COUNT; i++) {
        if (MaxDepth[i] > m) {
            m = MaxDepth[i];
        }
    }
    return m;
}

void stackmeter_report(void)
{
    int i;
    fw_printf("STACK: deepest stack use per call, bytes below the caller (painting, %u-byte window)\n",
              (unsigned)SM_WINDOW);
    for (i = 0; i < SM_COUNT; i++) {
        if (Calls[i] > 0u) {
            fw_printf("STACK %-34s %5u  (%u calls)\n", Names[i], (unsigned)MaxDepth[i], (unsigned)Calls[i]);
        }
    }
    fw_printf("STACK %-34s %5u\n", "deepest SP at a hook's entry", (unsigned)MaxHookDepth);
}
