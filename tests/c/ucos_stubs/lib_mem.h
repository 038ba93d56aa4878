/*
 * Minimal stand-in for uC/LIB lib_mem.h, for compile-checking ports/uctcpip/.
 * Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  LIB_MEM_MODULE_PRESENT
#define  LIB_MEM_MODULE_PRESENT

#include  <cpu.h>
#include  <lib_def.h>

typedef  struct  mem_seg  MEM_SEG;

void  Mem_Clr  (void        *p_mem,
                CPU_SIZE_T   size);

void  Mem_Copy (void        *p_dest,
                const void  *p_src,
                CPU_SIZE_T   size);

#endif  /* LIB_MEM_MODULE_PRESENT */
