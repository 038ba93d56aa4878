/*
 * legacy_websock_after.c: httpc-ws's http-c.h, then the LEGACY <Client/Source/http-c_websock.h>
 * (a file that names the WebSocket header by its legacy path while the uC-HTTP root comes first
 * on the include path). Everything the legacy header declares is in http-c.h, which defines
 * its guard (HTTPc_WEBSOCK_MODULE_PRESENT): the legacy header is skipped, as the legacy
 * http-c.h is, instead of redefining HTTPc_WEBSOCK_CLOSE_REASON and the hook typedefs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "http-c.h"
#include <Client/Source/http-c_websock.h>

static void on_close(HTTPc_CONN_OBJ *p_conn, HTTPc_WEBSOCK_CLOSE_CODE close_code,
                     HTTPc_WEBSOCK_CLOSE_REASON *p_reason)
{
    (void)p_conn;
    (void)close_code;
    (void)p_reason;
}

HTTPc_WEBSOCK_ON_CLOSE httpcws_on_close = on_close;
