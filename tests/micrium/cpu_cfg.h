/*
 * cpu_cfg.h: the uC/CPU configuration header of a legacy project (every uC/CPU port includes
 * <cpu_cfg.h>). Written for the tests in this directory, not taken from Micrium: it sets what
 * the POSIX, ARMv6-M and ARMv7-M GNU ports and cpu_core.h read.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  CPU_CFG_MODULE_PRESENT
#define  CPU_CFG_MODULE_PRESENT

#define  CPU_CFG_NAME_EN                        DEF_DISABLED    /* No CPU host name.                                    */
#define  CPU_CFG_NAME_SIZE                                16u

#define  CPU_CFG_TS_32_EN                       DEF_DISABLED    /* No CPU timestamps.                                   */
#define  CPU_CFG_TS_64_EN                       DEF_DISABLED
#define  CPU_CFG_TS_TMR_SIZE                    CPU_WORD_SIZE_32

#define  CPU_CFG_CACHE_MGMT_EN                  DEF_DISABLED

                                                                /* ARMv7-M port: NVIC priority bits of the MCU, and ... */
#define  CPU_CFG_NVIC_PRIO_BITS                            4u
#define  CPU_CFG_KA_IPL_BOUNDARY                           4u   /* ... the kernel-aware interrupt priority boundary.    */

#endif  /* CPU_CFG_MODULE_PRESENT */
