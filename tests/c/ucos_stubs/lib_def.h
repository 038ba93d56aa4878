/*
 * Minimal stand-in for uC/LIB lib_def.h, for compile-checking ports/uctcpip/.
 * Declarations and constant macros only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  LIB_DEF_MODULE_PRESENT
#define  LIB_DEF_MODULE_PRESENT

#include  <cpu.h>

#define  DEF_NULL                           ((void *)0)

#define  DEF_FALSE                                   0u
#define  DEF_TRUE                                    1u
#define  DEF_NO                                      0u
#define  DEF_YES                                     1u
#define  DEF_DISABLED                                0u
#define  DEF_ENABLED                                 1u
#define  DEF_INACTIVE                                0u
#define  DEF_ACTIVE                                  1u
#define  DEF_INVALID                                 0u
#define  DEF_VALID                                   1u
#define  DEF_OFF                                     0u
#define  DEF_ON                                      1u
#define  DEF_CLR                                     0u
#define  DEF_SET                                     1u
#define  DEF_FAIL                                    0u
#define  DEF_OK                                      1u

#define  DEF_OCTET_NBR_BITS                          8u

#define  DEF_INT_08U_MAX_VAL                       255u
#define  DEF_INT_16U_MAX_VAL                     65535u
#define  DEF_INT_32U_MAX_VAL                4294967295u

#define  DEF_TIME_NBR_mS_PER_SEC                  1000u
#define  DEF_TIME_NBR_uS_PER_SEC               1000000u

#define  DEF_BIT(bit)                       (1u << (bit))
#define  DEF_BIT_SET(val, mask)             ((val) = ((val) | (mask)))
#define  DEF_BIT_CLR(val, mask)             ((val) = ((val) & ~(mask)))
#define  DEF_BIT_IS_SET(val, mask)          ((((val) & (mask)) == (mask)) ? DEF_YES : DEF_NO)

#define  DEF_MIN(a, b)                      (((a) < (b)) ? (a) : (b))
#define  DEF_MAX(a, b)                      (((a) > (b)) ? (a) : (b))

#endif  /* LIB_DEF_MODULE_PRESENT */
