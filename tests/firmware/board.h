/*
 * board.h: what the firmware example needs from the board: a byte UART attached to the network
 * (QEMU connects it to a TCP socket), a millisecond clock, an idle wait and some entropy.
 *
 * board_mps2.c implements it for QEMU's MPS2 boards (mps2-an385: Cortex-M3, mps2-an386:
 * Cortex-M4): CMSDK APB UART0 at 0x40004000 and the SysTick at 1 kHz.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stdint.h>

void board_init(void);
const char *board_name(void);
/* Milliseconds since board_init (SysTick, wraps after 49 days). */
uint32_t board_ms(void);
/* Core clock ticks (25 MHz) since board_init, for differences only (wraps after 171 s). Under
 * QEMU's -icount shift=0 (one instruction per virtual nanosecond) a tick is 40 instructions. */
uint32_t board_ticks(void);
#define BOARD_TICKS_PER_MS 25000u
/* UART: non-blocking byte moves. */
int board_uart_tx_ready(void);
void board_uart_put(uint8_t b);
int board_uart_rx_ready(void);
uint8_t board_uart_get(void);
/* Sleeps (WFI) until the next interrupt: a received byte or the next 1 ms tick. Returns at once
 * when a byte is already waiting. */
void board_idle(void);
/* A few bits that differ between boots (timer phase); NOT a random source. */
uint32_t board_jitter(void);

#endif
