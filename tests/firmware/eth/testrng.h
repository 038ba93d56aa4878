/*
 * testrng.h: the Ethernet image's random source. TEST ONLY: a xorshift128 generator seeded from
 * the host clock (semihosting SYS_TIME/SYS_CLOCK) and the SysTick phase, because QEMU's MPS2
 * boards have no TRNG. It is predictable. RFC 6455 masking keys and handshake nonces must not be:
 * on a real board, the port's Random (and LWIP_RAND) MUST read the hardware RNG (STM32 RNG, nRF
 * RNG, a secure element, ...).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_TESTRNG_H
#define FW_TESTRNG_H

#include <stdint.h>

void testrng_seed(void);
uint32_t testrng_u32(void);
void testrng_fill(uint8_t *p, uint32_t len);

#endif
