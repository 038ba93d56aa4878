/* Includes the client headers by their legacy path only, as Micrium's own examples do: with the
 * include directories in the documented order they are httpc-ws's (the legacy header would
 * compile too, and its objects would not match the library's: nothing at link time tells). */
#include <Client/Source/http-c.h>
#include <Client/Source/http-c_websock.h>

#include <stdio.h>

#ifndef HTTPc_PORT_WAIT_RD
#error "<Client/Source/http-c.h> is not httpc-ws's: the uC-HTTP root came first on the include path"
#endif

int main(void)
{
    HTTPc_CONN_OBJ conn;
    HTTPc_ERR err = HTTPc_ERR_NONE;

    /* Before HTTPc_Init, as httpc-ws answers it (legacy's would clear the object). */
    HTTPc_ConnClr(&conn, &err);
    printf("sizeof(HTTPc_CONN_OBJ) %u, HTTPc_ConnClr before HTTPc_Init: %d\n",
           (unsigned)sizeof conn, (int)err);
    return err == HTTPc_ERR_INIT_NOT_COMPLETED ? 0 : 1;
}
