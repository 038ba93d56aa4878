/*
 * fp_main.c: the minimal firmware scripts/footprint.sh links twice, to measure what the library
 * adds to an image: once as is (FP_WITH_LIB=0) and once calling every HTTPc_* function
 * (FP_WITH_LIB=1). Everything else is the same in both: the start-up code, a port with stub
 * callbacks, and the storage of every object (an application allocates those, not the library),
 * all kept alive through a volatile sink, and the application's own calls of its C library's
 * memcpy, memmove, memset and memcmp (every firmware has them; newlib's, linked with -lc). The
 * difference of the two images is the library: its code, its tables, its own state (.data/.bss),
 * and what it pulls in (libgcc; the small __aeabi_mem* entry points of the C library that its
 * code calls). compiler_builtins' own mem* are made local in the archive (cmake/mem-symbols.txt)
 * and never linked.
 *
 * FP_WITH_CORE=1 instead links tests/firmware/footprint/core: one client session through the
 * Rust protocol core and handshake alone (no C API, no engine), a comparison point for other
 * no_std WebSocket libraries measured the same way.
 *
 * Not meant to run: the calls only have to be linked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <string.h>

#include "http-c.h"

volatile uintptr_t Sink;
volatile uint32_t Knob; /* unknown to the compiler: no call is folded away */

static CPU_INT32S st_connect(void *p_ctx, const CPU_CHAR *p_host, CPU_INT16U port, CPU_INT32U timeout_ms,
                             const HTTPc_PORT_SECURE_CFG *p_secure, CPU_INT16U inactivity_s, CPU_BOOLEAN keep_alive,
                             void **p_handle)
{
    Sink = (uintptr_t)p_ctx + (uintptr_t)p_host + port + timeout_ms + (uintptr_t)p_secure + inactivity_s + keep_alive;
    *p_handle = (void *)&Sink;
    return HTTPc_PORT_OK;
}

static CPU_INT32S st_send(void *p_ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    Sink = (uintptr_t)p_ctx + (uintptr_t)handle + (uintptr_t)p_data;
    return (CPU_INT32S)len;
}

static CPU_INT32S st_recv(void *p_ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    Sink = (uintptr_t)p_ctx + (uintptr_t)handle + (uintptr_t)p_buf + len;
    return HTTPc_PORT_WOULD_BLOCK;
}

static void st_close(void *p_ctx, void *handle)
{
    Sink = (uintptr_t)p_ctx + (uintptr_t)handle;
}

static CPU_BOOLEAN st_random(void *p_ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    Sink = (uintptr_t)p_ctx;
    while (len-- > 0u) {
        *p_buf++ = (CPU_INT08U)Knob;
    }
    return DEF_OK;
}

static CPU_INT32U st_time(void *p_ctx)
{
    Sink = (uintptr_t)p_ctx;
    return Knob;
}

static HTTPc_PORT Port;
static const HTTPc_CFG Cfg = {0u, 4u, 5000u, 30u, DEF_NO};
static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ Req;
static HTTPc_RESP_OBJ Resp;
static HTTPc_WEBSOCK_OBJ Ws;
static HTTPc_WEBSOCK_MSG_OBJ Msg;
static CPU_CHAR Buf[512];
static uint8_t MemA[64];
static uint8_t MemB[64];

#if FP_WITH_CORE
uint32_t fp_core_client(uint8_t *p_io, uint8_t *p_out, uint32_t rx_len, uint32_t seed, uint32_t now);
/* The probe's buffers are the application's, as a C application's would be: static. */
static uint8_t CoreIo[2048];
static uint8_t CoreOut[256];
#endif

int main(void)
{
    Port.Connect = st_connect;
    Port.Send = st_send;
    Port.Recv = st_recv;
    Port.Close = st_close;
    Port.Random = st_random;
    Port.TimeGet_ms = st_time;
    Sink = (uintptr_t)&Port + (uintptr_t)&Cfg + (uintptr_t)&Conn + (uintptr_t)&Req + (uintptr_t)&Resp +
           (uintptr_t)&Ws + (uintptr_t)&Msg + (uintptr_t)Buf;
    /* The application's own use of its C library (in both images: not counted as the library's). */
    memcpy(MemA, MemB, Knob & 63u);
    memmove(MemA + 1, MemA, Knob & 31u);
    memset(MemB, (int)Knob, Knob & 63u);
    Sink = (uintptr_t)memcmp(MemA, MemB, Knob & 63u);
#if FP_WITH_LIB
    {
        HTTPc_ERR err;
        HTTPc_PARAM_TYPE t = (HTTPc_PARAM_TYPE)Knob;
        void *p = (void *)Sink;
        HTTPc_FLAGS f = (HTTPc_FLAGS)Knob;

        HTTPc_PortSet(&Port, &err);
        HTTPc_Init(&Cfg, 0, 0, &err);
        HTTPc_ConnClr(&Conn, &err);
        HTTPc_ConnSetParam(&Conn, t, p, &err);
        HTTPc_ReqClr(&Req, &err);
        HTTPc_ReqSetParam(&Req, t, p, &err);
        HTTPc_WebSockClr(&Ws, &err);
        HTTPc_WebSockSetParam(&Ws, t, p, &err);
        HTTPc_WebSockMsgClr(&Msg, &err);
        HTTPc_WebSockMsgSetParam(&Msg, t, p, &err);
        Sink = HTTPc_ConnOpen(&Conn, Buf, (CPU_INT16U)sizeof Buf, (CPU_CHAR *)p, (CPU_INT16U)Knob, f, &err);
        Sink = HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)p, (CPU_INT16U)Knob, f, &err);
        Sink = HTTPc_WebSockSend(&Conn, &Msg, (HTTPc_WEBSOCK_MSG_TYPE)Knob, (CPU_CHAR *)p, Knob, f, &err);
        Sink = HTTPc_WebSockFmtCloseMsg((HTTPc_WEBSOCK_CLOSE_CODE)Knob, (CPU_CHAR *)p, Buf, (CPU_INT16U)Knob, &err);
        /* Plain requests and forms (features http, form: without them, FEATURE_DIS stubs). */
        Sink = HTTPc_ReqSend(&Conn, &Req, &Resp, (HTTP_METHOD)Knob, (CPU_CHAR *)p, (CPU_INT16U)Knob, f, &err);
        Sink = HTTPc_FormAppFmt(Buf, (CPU_INT16U)Knob, (HTTPc_FORM_TBL_FIELD *)p, (CPU_INT16U)Knob, &err);
        Sink = HTTPc_FormMultipartFmt(Buf, (CPU_INT16U)Knob, (HTTPc_FORM_TBL_FIELD *)p, (CPU_INT16U)Knob, &err);
        HTTPc_FormAddKeyVal((HTTPc_FORM_TBL_FIELD *)p, (HTTPc_KEY_VAL *)p, &err);
        HTTPc_FormAddKeyValExt((HTTPc_FORM_TBL_FIELD *)p, (HTTPc_KEY_VAL_EXT *)p, &err);
        HTTPc_FormAddFile((HTTPc_FORM_TBL_FIELD *)p, (HTTPc_MULTIPART_FILE *)p, &err);
        Sink = HTTPc_TaskHandler();
        HTTPc_ConnClose(&Conn, f, &err);
        HTTPc_Reset(&err);
        Sink = err;
    }
#endif
#if FP_WITH_CORE
    Sink = fp_core_client(CoreIo, CoreOut, Knob, Knob, Knob);
#endif
    return 0;
}
