/*
 * startup.c: vector table and reset code of the test firmware (no C start-up files, no rdimon).
 *
 * Reset_Handler copies .data from its load address in flash to RAM, zeroes .bss, turns the FPU on
 * when the image is built for one (Cortex-M4F, -mfloat-abi=hard), then calls main() and hands its
 * return value to the host as the exit status (semihosting). Faults print where they happened and
 * exit with status 3.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>

#include "fwlib.h"
#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);

void Reset_Handler(void) __attribute__((noreturn));
void Default_Handler(void);
void HardFault_Handler(void) __attribute__((naked));

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void Irq0_Handler(void) WEAK_DEFAULT;
void Irq1_Handler(void) WEAK_DEFAULT;
void Irq2_Handler(void) WEAK_DEFAULT;
void Irq3_Handler(void) WEAK_DEFAULT;
void Irq4_Handler(void) WEAK_DEFAULT;
void Irq5_Handler(void) WEAK_DEFAULT;
void Irq6_Handler(void) WEAK_DEFAULT;
void Irq7_Handler(void) WEAK_DEFAULT;
void Irq13_Handler(void) WEAK_DEFAULT; /* LAN9118 Ethernet (eth/lan9118.c) */

typedef void (*VECTOR)(void);

__attribute__((section(".isr_vector"), used)) const VECTOR VectorTable[16 + 32] = {
    (VECTOR)(uintptr_t)__stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    HardFault_Handler, /* MemManage (v7-M) */
    HardFault_Handler, /* BusFault (v7-M) */
    HardFault_Handler, /* UsageFault (v7-M) */
    0, 0, 0, 0,
    SVC_Handler,
    0, 0,
    PendSV_Handler,
    SysTick_Handler,
    Irq0_Handler, Irq1_Handler, Irq2_Handler, Irq3_Handler,
    Irq4_Handler, Irq5_Handler, Irq6_Handler, Irq7_Handler,
    /* IRQ 8..31: Default_Handler, but 13 */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Irq13_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};

void Reset_Handler(void)
{
    uint32_t *src = __data_load;
    uint32_t *dst;

    for (dst = __data_start; dst < __data_end; dst++) {
        *dst = *src++;
    }
    for (dst = __bss_start; dst < __bss_end; dst++) {
        *dst = 0u;
    }
#if defined(__ARM_FP)
    /* CPACR: full access to CP10/CP11 (the FPU) before any floating-point instruction. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    /* FPCCR: no automatic FP context stacking (ASPEN and LSPEN clear). No handler here uses
     * the FPU, so there is nothing to preserve; with it on, the first VFP instruction of the
     * application (GCC copies 8-byte constants through d7) would make every later interrupt
     * frame the 104-byte extended one instead of 32 bytes, and the stack figures would count
     * an FP save area no handler needs. */
    *(volatile uint32_t *)0xE000EF34u &= ~(3u << 30);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    sh_exit(main());
}

void Default_Handler(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    fw_printf("FATAL: unexpected exception %u\n", (unsigned)ipsr);
    sh_exit(4);
}

void fault_report(const uint32_t *frame)
{
    fw_printf("FATAL: HardFault at pc=0x%x lr=0x%x\n", (unsigned)frame[6], (unsigned)frame[5]);
    sh_exit(3);
}

void HardFault_Handler(void)
{
    /* Only the main stack is used: the exception frame is at MSP. */
    __asm__ volatile("mrs r0, msp\n\t"
                     "ldr r1, =fault_report\n\t"
                     "bx r1\n\t"
                     ".ltorg");
}
