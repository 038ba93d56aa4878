/*
 * arch/cc.h: lwIP's platform glue for the firmware image: the compiler's <stdint.h> types,
 * packed protocol structures, diagnostics and assertions through the firmware's semihosting printf (an lwIP assertion ends
 * the boot with exit status 5), randomness from the image's test generator (testrng.h), no
 * <ctype.h> (the image links no C library).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_LWIP_ARCH_CC_H
#define FW_LWIP_ARCH_CC_H

#include <stdint.h>

#define LWIP_NO_CTYPE_H 1
/* lwIP's protocol headers are wire layouts: never let the compiler pad or assume alignment. */
#define PACK_STRUCT_STRUCT __attribute__((packed))

void fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_lwip_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
uint32_t testrng_u32(void);

#define LWIP_PLATFORM_DIAG(x) do { fw_printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) fw_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() testrng_u32()

#endif
