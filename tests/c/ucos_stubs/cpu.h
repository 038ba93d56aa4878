/*
 * Minimal stand-in for uC/CPU cpu.h (template port, 32-bit CPU), for compile-checking
 * ports/uctcpip/ without the Micrium sources. Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  CPU_MODULE_PRESENT
#define  CPU_MODULE_PRESENT

typedef  void                CPU_VOID;
typedef  char                CPU_CHAR;
typedef  unsigned  char      CPU_BOOLEAN;
typedef  unsigned  char      CPU_INT08U;
typedef    signed  char      CPU_INT08S;
typedef  unsigned  short     CPU_INT16U;
typedef    signed  short     CPU_INT16S;
typedef  unsigned  int       CPU_INT32U;
typedef    signed  int       CPU_INT32S;
typedef  unsigned  long  long  CPU_INT64U;
typedef    signed  long  long  CPU_INT64S;

typedef  CPU_INT32U          CPU_DATA;           /* CPU data word.                               */
typedef  CPU_INT32U          CPU_SIZE_T;         /* Defined by the port (cpu_def.h/cpu.h).       */
typedef  CPU_INT32U          CPU_SR;             /* Saved CPU status register.                   */

CPU_SR  CPU_SR_Save    (void);
void    CPU_SR_Restore (CPU_SR  cpu_sr);

#define  CPU_SR_ALLOC()             CPU_SR  cpu_sr = (CPU_SR)0
#define  CPU_CRITICAL_ENTER()       do { cpu_sr = CPU_SR_Save(); } while (0)
#define  CPU_CRITICAL_EXIT()        do { CPU_SR_Restore(cpu_sr); } while (0)

#endif  /* CPU_MODULE_PRESENT */
