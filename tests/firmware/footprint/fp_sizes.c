/*
 * fp_sizes.c: sizeof of every public object and structure on the 32-bit target, read by
 * scripts/footprint.sh from the assembly (arm-none-eabi-gcc -S): each fp_sizeof_NAME is a .word.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "http-c.h"

#define SIZE(T) const unsigned fp_sizeof_##T = sizeof(T)

SIZE(HTTPc_CONN_OBJ);
SIZE(HTTPc_REQ_OBJ);
SIZE(HTTPc_RESP_OBJ);
SIZE(HTTPc_WEBSOCK_OBJ);
SIZE(HTTPc_WEBSOCK_MSG_OBJ);
SIZE(HTTPc_PORT);
SIZE(HTTPc_CFG);
SIZE(HTTP_TASK_CFG);
SIZE(HTTPc_HDR);
SIZE(HTTPc_PARAM_TBL);
SIZE(HTTPc_WEBSOCK_CLOSE_REASON);
SIZE(HTTPc_PORT_WAIT_ENTRY);
