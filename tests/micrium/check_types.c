/*
 * check_types.c: every Micrium type that http-c.h defines a fallback for is the same type as
 * the real Micrium header's, on the architecture and with the uC/CPU port this is compiled for
 * (POSIX host, ARMv6-M, ARMv7-M).
 *
 * Both definitions have to live in one translation unit, so Micrium's names are renamed while
 * its headers are read (MICRIUM_CPU_INT32U, ...), its include guards are then dropped, and
 * http-c.h is included with HTTPc_WS_MICRIUM_INCLUDES=0: it then defines all of its fallbacks,
 * under the plain names. A fallback that differed from Micrium's (CPU_INT32U as `unsigned long`
 * where the ARM port says `unsigned int`, an HTTP_* enum as a 4-byte integer where enums are
 * short) fails the static assertions below.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <stddef.h>

#include "micrium_check.h"

/* ---- Read the real headers under other names ---- */
#define CPU_CHAR                          MICRIUM_CPU_CHAR
#define CPU_BOOLEAN                       MICRIUM_CPU_BOOLEAN
#define CPU_INT08U                        MICRIUM_CPU_INT08U
#define CPU_INT16U                        MICRIUM_CPU_INT16U
#define CPU_INT32U                        MICRIUM_CPU_INT32U
#define CPU_INT16S                        MICRIUM_CPU_INT16S
#define CPU_INT32S                        MICRIUM_CPU_INT32S
#define MEM_SEG                           MICRIUM_MEM_SEG
#define mem_seg                           micrium_mem_seg
#define NET_PORT_NBR                      MICRIUM_NET_PORT_NBR
#define NET_SOCK_SECURE_UNTRUSTED_REASON  MICRIUM_NET_SOCK_SECURE_UNTRUSTED_REASON
#define NET_SOCK_SECURE_TRUST_FNCT        MICRIUM_NET_SOCK_SECURE_TRUST_FNCT
#define HTTP_TASK_CFG                     MICRIUM_HTTP_TASK_CFG
#define http_task_cfg                     micrium_http_task_cfg
#define HTTP_METHOD                       MICRIUM_HTTP_METHOD
#define HTTP_STATUS_CODE                  MICRIUM_HTTP_STATUS_CODE
#define HTTP_HDR_FIELD                    MICRIUM_HTTP_HDR_FIELD
#define HTTP_PROTOCOL_VER                 MICRIUM_HTTP_PROTOCOL_VER
#define HTTP_CONTENT_TYPE                 MICRIUM_HTTP_CONTENT_TYPE
#define HTTPc_CFG                         MICRIUM_HTTPc_CFG
#define httpc_cfg                         micrium_httpc_cfg

#include <cpu.h>
#include <lib_def.h>
#include <lib_mem.h>
#include <Source/net_sock.h>
#include <Common/http.h>
#include <Client/Source/http-c_type.h>

#undef CPU_CHAR
#undef CPU_BOOLEAN
#undef CPU_INT08U
#undef CPU_INT16U
#undef CPU_INT32U
#undef CPU_INT16S
#undef CPU_INT32S
#undef MEM_SEG
#undef mem_seg
#undef NET_PORT_NBR
#undef NET_SOCK_SECURE_UNTRUSTED_REASON
#undef NET_SOCK_SECURE_TRUST_FNCT
#undef HTTP_TASK_CFG
#undef http_task_cfg
#undef HTTP_METHOD
#undef HTTP_STATUS_CODE
#undef HTTP_HDR_FIELD
#undef HTTP_PROTOCOL_VER
#undef HTTP_CONTENT_TYPE
#undef HTTPc_CFG
#undef httpc_cfg

/* ---- Then http-c.h, as if no Micrium header had been included ---- */
#undef CPU_MODULE_PRESENT
#undef LIB_DEF_MODULE_PRESENT
#undef LIB_MEM_MODULE_PRESENT
#undef NET_TYPE_MODULE_PRESENT
#undef NET_SOCK_MODULE_PRESENT
#undef HTTP_MODULE_PRESENT
#undef HTTPc_TYPE_MODULE_PRESENT
#define HTTPc_WS_MICRIUM_INCLUDES 0
#include "http-c.h"

/* ---- uC/CPU base types: the port's exact types ---- */
HTTPCWS_ASSERT(HTTPCWS_SAME(CPU_CHAR, MICRIUM_CPU_CHAR), cpu_char);
HTTPCWS_ASSERT(HTTPCWS_SAME(CPU_BOOLEAN, MICRIUM_CPU_BOOLEAN), cpu_boolean);
HTTPCWS_ASSERT(HTTPCWS_SAME(CPU_INT08U, MICRIUM_CPU_INT08U), cpu_int08u);
HTTPCWS_ASSERT(HTTPCWS_SAME(CPU_INT16U, MICRIUM_CPU_INT16U), cpu_int16u);
HTTPCWS_ASSERT(HTTPCWS_SAME(CPU_INT32U, MICRIUM_CPU_INT32U), cpu_int32u);
HTTPCWS_ASSERT(HTTPCWS_SAME(CPU_INT16S, MICRIUM_CPU_INT16S), cpu_int16s);
HTTPCWS_ASSERT(HTTPCWS_SAME(CPU_INT32S, MICRIUM_CPU_INT32S), cpu_int32s);

/* ---- uC/TCP-IP ---- */
HTTPCWS_ASSERT(HTTPCWS_SAME(NET_PORT_NBR, MICRIUM_NET_PORT_NBR), net_port_nbr);
HTTPCWS_ASSERT(HTTPCWS_SAME_ENUM(MICRIUM_NET_SOCK_SECURE_UNTRUSTED_REASON,
                                 NET_SOCK_SECURE_UNTRUSTED_REASON), net_sock_secure_untrusted_reason);
#if !defined(__cplusplus)
/* In C the trust callback types are compatible (an enum parameter and its compatible integer
 * type); in C++ an enum is a distinct type, so only the parameter's underlying type is checked. */
HTTPCWS_ASSERT(HTTPCWS_SAME(NET_SOCK_SECURE_TRUST_FNCT, MICRIUM_NET_SOCK_SECURE_TRUST_FNCT),
               net_sock_secure_trust_fnct);
#endif

/* ---- uC/HTTP http.h: the C enums, as the integer type this compiler gives each ---- */
HTTPCWS_ASSERT(HTTPCWS_SAME_ENUM(MICRIUM_HTTP_METHOD, HTTP_METHOD), http_method);
HTTPCWS_ASSERT(HTTPCWS_SAME_ENUM(MICRIUM_HTTP_STATUS_CODE, HTTP_STATUS_CODE), http_status_code);
HTTPCWS_ASSERT(HTTPCWS_SAME_ENUM(MICRIUM_HTTP_HDR_FIELD, HTTP_HDR_FIELD), http_hdr_field);
HTTPCWS_ASSERT(HTTPCWS_SAME_ENUM(MICRIUM_HTTP_PROTOCOL_VER, HTTP_PROTOCOL_VER), http_protocol_ver);
HTTPCWS_ASSERT(HTTPCWS_SAME_ENUM(MICRIUM_HTTP_CONTENT_TYPE, HTTP_CONTENT_TYPE), http_content_type);

/* ---- HTTP_TASK_CFG (http.h) and HTTPc_CFG (http-c_type.h): same members, types, offsets ---- */
#if defined(__cplusplus)
#define HTTPCWS_MEMBER_TYPE(type, member)  decltype(((type *)0)->member)
#else
#define HTTPCWS_MEMBER_TYPE(type, member)  __typeof__(((type *)0)->member)
#endif
#define HTTPCWS_SAME_MEMBER(ours, theirs, member)                                                 \
    HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPCWS_MEMBER_TYPE(ours, member),                               \
                                HTTPCWS_MEMBER_TYPE(theirs, member)) &&                           \
                   (offsetof(ours, member) == offsetof(theirs, member)),                           \
                   ours##_##member)

HTTPCWS_SAME_MEMBER(HTTP_TASK_CFG, MICRIUM_HTTP_TASK_CFG, Prio);
HTTPCWS_SAME_MEMBER(HTTP_TASK_CFG, MICRIUM_HTTP_TASK_CFG, StkSizeBytes);
HTTPCWS_SAME_MEMBER(HTTP_TASK_CFG, MICRIUM_HTTP_TASK_CFG, StkPtr);
HTTPCWS_ASSERT(sizeof(HTTP_TASK_CFG) == sizeof(MICRIUM_HTTP_TASK_CFG), http_task_cfg_size);

HTTPCWS_SAME_MEMBER(HTTPc_CFG, MICRIUM_HTTPc_CFG, TaskDly_ms);
HTTPCWS_SAME_MEMBER(HTTPc_CFG, MICRIUM_HTTPc_CFG, MsgQ_Size);
HTTPCWS_SAME_MEMBER(HTTPc_CFG, MICRIUM_HTTPc_CFG, ConnConnectTimeout_ms);
HTTPCWS_SAME_MEMBER(HTTPc_CFG, MICRIUM_HTTPc_CFG, ConnInactivityTimeout_s);
HTTPCWS_SAME_MEMBER(HTTPc_CFG, MICRIUM_HTTPc_CFG, ConnIsKeepAlive);
HTTPCWS_ASSERT(sizeof(HTTPc_CFG) == sizeof(MICRIUM_HTTPc_CFG), httpc_cfg_size);

/* ---- MEM_SEG: an incomplete struct here, only its pointer crosses the API ---- */
HTTPCWS_ASSERT(sizeof(MEM_SEG *) == sizeof(MICRIUM_MEM_SEG *), mem_seg_ptr);

/* ---- The HTTPc_* enum types: legacy's are C enums (they promote to int); ours are CPU_INT32U,
 * unsigned int on every port, never newlib's `long` uint32_t: a legacy application's
 * printf("%i", err) passes -Wformat -Werror on Cortex-M as it did. ---- */
HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPc_ERR, unsigned int), httpc_err_is_unsigned_int);
HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPc_PARAM_TYPE, unsigned int), httpc_param_type_is_unsigned_int);
HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPc_FORM_FIELD_TYPE, unsigned int), httpc_form_field_type_is_unsigned_int);
HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPc_WEBSOCK_MSG_TYPE, unsigned int), httpc_websock_msg_type_is_unsigned_int);
HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPc_CONN_STATE, unsigned int), httpc_conn_state_is_unsigned_int);
HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPc_CONN_CLOSE_STATUS, unsigned int), httpc_conn_close_status_is_unsigned_int);
