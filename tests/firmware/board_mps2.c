/*
 * board_mps2.c: QEMU MPS2 (AN385 Cortex-M3, AN386 Cortex-M4) support for the firmware example.
 *
 * UART0: CMSDK APB UART at 0x40004000 (QEMU: -serial chardev:ID, the board's first UART). Its
 * registers: DATA +0x00, STATE +0x04 (bit0 TX full, bit1 RX full), CTRL +0x08 (bit0 TX enable,
 * bit1 RX enable, bit3 RX interrupt enable), INTSTATUS +0x0C (write 1 to clear; bit1 RX),
 * BAUDDIV +0x10 (>= 16). It holds ONE received byte: QEMU hands it the next byte of the TCP
 * stream once the firmware has read DATA, so each byte costs a round trip through QEMU's main
 * loop (about 50 us here; see README.md). Its RX interrupt is IRQ 0 on both boards; it only wakes
 * the core from WFI (bytes are read by polling).
 *
 * Clock: the SysTick on the 25 MHz core clock, reloaded every millisecond.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "board.h"

#define UART0_BASE   0x40004000u
#define UART_DATA    (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE   (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL    (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_INTSTAT (*(volatile uint32_t *)(UART0_BASE + 0x0Cu))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))

#define UART_STATE_TXFULL 0x1u
#define UART_STATE_RXFULL 0x2u
#define UART_CTRL_TXEN    0x1u
#define UART_CTRL_RXEN    0x2u
#define UART_CTRL_RXINTEN 0x8u
#define UART_INT_RX       0x2u

#define SYST_CSR  (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR  (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR  (*(volatile uint32_t *)0xE000E018u)
#define NVIC_ISER (*(volatile uint32_t *)0xE000E100u)

#define CORE_CLOCK_HZ 25000000u
#define UART0_RX_IRQ  0u

static volatile uint32_t Ticks;

void SysTick_Handler(void)
{
    Ticks++;
}

/* UART0 RX: only acknowledge; the byte stays in DATA for board_uart_get(). */
void Irq0_Handler(void)
{
    UART_INTSTAT = UART_INT_RX;
}

void board_init(void)
{
    UART_BAUDDIV = 16u;
    UART_CTRL = UART_CTRL_TXEN | UART_CTRL_RXEN | UART_CTRL_RXINTEN;
    NVIC_ISER = 1u << UART0_RX_IRQ;

    SYST_RVR = CORE_CLOCK_HZ / 1000u - 1u;
    SYST_CVR = 0u;
    SYST_CSR = 0x7u; /* core clock, interrupt, enable */
}

const char *board_name(void)
{
#if defined(__ARM_ARCH_7EM__)
    return "mps2-an386 (Cortex-M4)";
#elif defined(__ARM_ARCH_7M__)
    return "mps2-an385 (Cortex-M3)";
#else
    return "mps2-an385 (ARMv6-M code on its Cortex-M3)";
#endif
}

uint32_t board_ms(void)
{
    return Ticks;
}

uint32_t board_ticks(void)
{
    uint32_t ms;
    uint32_t cvr;
    do { /* the millisecond and the counter from the same period */
        ms = Ticks;
        cvr = SYST_CVR;
    } while (ms != Ticks);
    return ms * (CORE_CLOCK_HZ / 1000u) + (CORE_CLOCK_HZ / 1000u - 1u - cvr);
}

int board_uart_tx_ready(void)
{
    return (UART_STATE & UART_STATE_TXFULL) == 0u;
}

void board_uart_put(uint8_t b)
{
    UART_DATA = b;
}

int board_uart_rx_ready(void)
{
    return (UART_STATE & UART_STATE_RXFULL) != 0u;
}

uint8_t board_uart_get(void)
{
    return (uint8_t)UART_DATA;
}

void board_idle(void)
{
    /* Interrupts masked between the check and WFI: a byte arriving in between leaves its
     * interrupt pending, and a pending interrupt ends WFI. */
    __asm__ volatile("cpsid i" ::: "memory");
    if (!board_uart_rx_ready()) {
        __asm__ volatile("wfi" ::: "memory");
    }
    __asm__ volatile("cpsie i" ::: "memory");
}

uint32_t board_jitter(void)
{
    return SYST_CVR ^ (Ticks << 16);
}
