/*
 * testrng.c: see testrng.h (TEST ONLY, not a cryptographic generator).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "testrng.h"

#include "board.h"
#include "semihost.h"

static uint32_t State[4];

static uint32_t splitmix32(uint32_t *x)
{
    uint32_t z = (*x += 0x9E3779B9u);
    z = (z ^ (z >> 16)) * 0x85EBCA6Bu;
    z = (z ^ (z >> 13)) * 0xC2B2AE35u;
    return z ^ (z >> 16);
}

void testrng_seed(void)
{
    uint32_t seed = sh_time() ^ (sh_clock_cs() * 2654435761u) ^ board_jitter();
    uint32_t i;

    for (i = 0; i < 4u; i++) {
        State[i] = splitmix32(&seed) | (i == 0u ? 1u : 0u); /* never all zero */
    }
}

uint32_t testrng_u32(void)
{
    uint32_t t = State[3];
    uint32_t s = State[0];
    State[3] = State[2];
    State[2] = State[1];
    State[1] = s;
    t ^= t << 11;
    t ^= t >> 8;
    State[0] = t ^ s ^ (s >> 19);
    return State[0];
}

void testrng_fill(uint8_t *p, uint32_t len)
{
    while (len > 0u) {
        uint32_t r = testrng_u32();
        uint32_t k;
        for (k = 0; k < 4u && len > 0u; k++, len--) {
            *p++ = (uint8_t)(r >> (8u * k));
        }
    }
}
