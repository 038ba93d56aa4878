/*
 * test_micrium_compat.c: proves that http-c.h compiles next to the Micrium headers it replaces
 * the definitions of, without redefinition errors, when those headers come first.
 *
 * Minimal stand-ins of uC/CPU cpu.h, uC/LIB lib_def.h and lib_mem.h, uC/TCP-IP net_type.h and
 * net_sock.h, and the shared uC/HTTP http.h are defined below BEFORE including our header: each
 * sets the real include-guard macro and defines (a subset of) what the real header defines.
 * Some stand-ins deliberately spell a value differently from http-c.h (DEF_TRUE is `(1u)`,
 * CPU_INT32U is `unsigned int`, the HTTP enums are real C enums), so if http-c.h failed to
 * yield, compiling with -Werror (C99: duplicate typedef; any: macro redefinition) fails.
 *
 * Build variants (all must compile and exit 0):
 *   (none)                  every stand-in, the usual uC/TCP-IP application
 *   -DCOMPAT_NO_NET         no uC/TCP-IP headers (an application that dropped uC/TCP-IP)
 *   -DCOMPAT_NO_HTTP        no shared http.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <stdio.h>

/* ---- uC/CPU cpu.h stand-in ---- */
#define CPU_MODULE_PRESENT
typedef char CPU_CHAR;
typedef unsigned char CPU_BOOLEAN;
typedef unsigned char CPU_INT08U;
typedef signed char CPU_INT08S;
typedef unsigned short CPU_INT16U;
typedef signed short CPU_INT16S;
typedef unsigned int CPU_INT32U;
typedef signed int CPU_INT32S;
typedef CPU_INT32U CPU_ADDR;
typedef CPU_ADDR CPU_SIZE_T;

/* ---- uC/LIB lib_def.h stand-in (DEF_INT_08U_MAX_VAL deliberately left out) ---- */
#define LIB_DEF_MODULE_PRESENT
#define LIB_VERSION 13901u
#define DEF_NULL 0
#define DEF_FALSE 0u
#define DEF_TRUE (1u) /* spelled differently from http-c.h on purpose */
#define DEF_NO 0u
#define DEF_YES 1u
#define DEF_DISABLED 0u
#define DEF_ENABLED 1u
#define DEF_FAIL 0u
#define DEF_OK 1u
#define DEF_INT_16U_MAX_VAL 65535u
#define DEF_INT_32U_MAX_VAL 4294967295u

/* ---- uC/LIB lib_mem.h stand-in ---- */
#define LIB_MEM_MODULE_PRESENT
typedef struct mem_seg MEM_SEG;
struct mem_seg {
    CPU_ADDR AddrBase;
    CPU_ADDR AddrEnd;
    CPU_ADDR AddrNext;
    MEM_SEG *NextPtr;
    CPU_SIZE_T PaddingAlign;
};

#ifndef COMPAT_NO_NET
/* ---- uC/TCP-IP net_type.h stand-in ---- */
#define NET_TYPE_MODULE_PRESENT
typedef CPU_INT16U NET_PORT_NBR;

/* ---- uC/TCP-IP net_sock.h stand-in ---- */
#define NET_SOCK_MODULE_PRESENT
typedef enum net_sock_secure_untrusted_reason {
    NET_SOCK_SECURE_UNTRUSTED_BY_CA,
    NET_SOCK_SECURE_EXPIRE_DATE,
    NET_SOCK_SECURE_INVALID_DATE,
    NET_SOCK_SECURE_SELF_SIGNED,
    NET_SOCK_SECURE_UNKNOWN
} NET_SOCK_SECURE_UNTRUSTED_REASON;
typedef CPU_BOOLEAN (*NET_SOCK_SECURE_TRUST_FNCT)(void *, NET_SOCK_SECURE_UNTRUSTED_REASON);
#endif

#ifndef COMPAT_NO_HTTP
/* ---- uC/HTTP Common/http.h stand-in (enum typedefs, subset of the members) ---- */
#define HTTP_MODULE_PRESENT
#define HTTP_DFLT_PORT_NBR 80
#define HTTP_DFLT_PORT_NBR_SECURE 443
typedef struct http_task_cfg {
    CPU_INT32U Prio;
    CPU_INT32U StkSizeBytes;
    void *StkPtr;
} HTTP_TASK_CFG;
typedef enum http_method {
    HTTP_METHOD_GET,
    HTTP_METHOD_POST
} HTTP_METHOD;
typedef enum http_status_code {
    HTTP_STATUS_CONTINUE,
    HTTP_STATUS_SWITCHING_PROTOCOLS
} HTTP_STATUS_CODE;
typedef enum http_hdr_field {
    HTTP_HDR_FIELD_UNKNOWN,
    HTTP_HDR_FIELD_CONTENT_TYPE
} HTTP_HDR_FIELD;
typedef enum http_protocol_ver {
    HTTP_PROTOCOL_VER_0_9,
    HTTP_PROTOCOL_VER_1_0,
    HTTP_PROTOCOL_VER_1_1,
    HTTP_PROTOCOL_VER_UNKNOWN
} HTTP_PROTOCOL_VER;
typedef enum http_content_type {
    HTTP_CONTENT_TYPE_UNKNOWN,
    HTTP_CONTENT_TYPE_NONE
} HTTP_CONTENT_TYPE;
#endif

#include "http-c.h"
#include "http-c_websock.h"

/* The lib_def.h group is keyed on LIB_DEF_MODULE_PRESENT as a whole. */
#ifdef DEF_INT_08U_MAX_VAL
#error "http-c.h defined DEF_INT_08U_MAX_VAL although lib_def.h was included"
#endif

static CPU_BOOLEAN trust_all(void *p_cert, NET_SOCK_SECURE_UNTRUSTED_REASON reason) {
    (void)p_cert;
    return (reason == NET_SOCK_SECURE_SELF_SIGNED) ? DEF_YES : DEF_NO;
}

int main(void) {
    int failed = 0;
    NET_SOCK_SECURE_TRUST_FNCT trust = trust_all;
    CPU_INT32U len = HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED;
    HTTPc_ERR err = HTTPc_ERR_NONE;
    HTTPc_FLAGS flags = HTTPc_FLAG_WEBSOCK_NO_BLOCK;
    HTTPc_WEBSOCK_CLOSE_CODE code = HTTPc_WEBSOCK_CLOSE_CODE_NORMAL;
    HTTP_STATUS_CODE status = HTTP_STATUS_SWITCHING_PROTOCOLS;
    MEM_SEG seg;
    MEM_SEG *p_seg = &seg; /* the stand-in's complete type, not ours */
    NET_PORT_NBR port = HTTP_DFLT_PORT_NBR_SECURE;

    seg.AddrBase = 0u;
    if (p_seg->AddrBase != 0u) failed++;
    if (trust((void *)0, NET_SOCK_SECURE_SELF_SIGNED) != DEF_TRUE) failed++;
    if (len != DEF_INT_32U_MAX_VAL) failed++;
    if (err != 1u) failed++;
    if (flags != 0x01u) failed++;
    if (code != 1000u) failed++;
    if (status != 1) failed++;
    if (port != 443u) failed++;
    if (HTTPc_ERR_WEBSOCK_RX_BUF_OVERFLOW != 238) failed++;

    printf("micrium compat: %s\n", failed == 0 ? "ok" : "FAILED");
    return failed == 0 ? 0 : 1;
}
