/*
 * The generated headers in a C89/C90 translation unit (legacy Micrium projects are often built
 * -std=c89 -pedantic): compiled with -Werror, and run to check a few values through them.
 */
#include <stdio.h>

#include "http-c.h"
#include "http-c_websock.h"

int main(void)
{
    HTTPc_CONN_OBJ conn;
    HTTPc_WEBSOCK_MSG_OBJ msg;
    int bad = 0;

    if (HTTPc_ERR_NONE != 1) {
        (void)printf("HTTPc_ERR_NONE is %d, not 1\n", (int)HTTPc_ERR_NONE);
        bad = 1;
    }
    if (HTTPc_WEBSOCK_CLOSE_CODE_NORMAL != 1000) {
        (void)printf("HTTPc_WEBSOCK_CLOSE_CODE_NORMAL is not 1000\n");
        bad = 1;
    }
    if (sizeof(conn) == 0u || sizeof(msg) == 0u) {
        (void)printf("an object has no size\n");
        bad = 1;
    }
    if (!bad) {
        (void)printf("header_c89: http-c.h and http-c_websock.h compile and read as C89\n");
    }
    return bad;
}
