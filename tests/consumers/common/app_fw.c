/*
 * app_fw.c: the firmware consumer (tests/consumers): a minimal bare-metal image that links the
 * library and newlib the usual way (--specs=nano.specs, its own start-up code and linker script
 * fw.ld). It is linked, not run: check_mem.sh then reads its map file. The application brings its
 * own memset (and uses newlib's memcpy in the reset code); the library's mem* calls must go to
 * those, never to copies inside libhttpc_ws.a.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http-c.h"

extern uint32_t __stack_top[], __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
int main(void);
void Reset_Handler(void);

__attribute__((section(".isr_vector"), used)) void *const Vectors[2] = {__stack_top, (void *)Reset_Handler};

/* The application's own memset: a plain loop (built with -fno-builtin, so not a call of itself). */
void *memset(void *s, int c, size_t n)
{
    volatile unsigned char *p = (volatile unsigned char *)s;
    while (n-- > 0u) {
        *p++ = (unsigned char)c;
    }
    return s;
}

void Reset_Handler(void)
{
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    (void)main();
    for (;;) {
    }
}

static volatile uint32_t Tick;

static CPU_INT32S Connect(void *ctx, const CPU_CHAR *host, CPU_INT16U port, CPU_INT32U timeout_ms,
                          const HTTPc_PORT_SECURE_CFG *secure, CPU_INT16U inactivity_s, CPU_BOOLEAN keep_alive,
                          void **handle)
{
    (void)ctx, (void)host, (void)port, (void)timeout_ms, (void)secure, (void)inactivity_s, (void)keep_alive;
    *handle = (void *)&Tick;
    return HTTPc_PORT_WOULD_BLOCK;
}
static CPU_INT32S ConnectPoll(void *ctx, void *handle) { return (void)ctx, (void)handle, HTTPc_PORT_ERR; }
static CPU_INT32S Send(void *ctx, void *handle, const CPU_INT08U *data, CPU_INT32U len)
{
    return (void)ctx, (void)handle, (void)data, (CPU_INT32S)len;
}
static CPU_INT32S Recv(void *ctx, void *handle, CPU_INT08U *buf, CPU_INT32U len)
{
    return (void)ctx, (void)handle, (void)buf, (void)len, HTTPc_PORT_WOULD_BLOCK;
}
static void Close(void *ctx, void *handle) { (void)ctx, (void)handle; }
static CPU_BOOLEAN Random(void *ctx, CPU_INT08U *buf, CPU_INT32U len)
{
    (void)ctx;
    while (len-- > 0u) {
        *buf++ = (CPU_INT08U)Tick; /* a real board reads its TRNG here */
    }
    return DEF_OK;
}
static CPU_INT32U TimeGet_ms(void *ctx) { return (void)ctx, Tick; }

static const HTTPc_CFG Cfg = {0u, 4u, 5000u, 30u, DEF_NO};
static HTTPc_CONN_OBJ Conn;
static HTTPc_REQ_OBJ Req;
static HTTPc_RESP_OBJ Resp;
static HTTPc_WEBSOCK_OBJ Ws;
static HTTPc_WEBSOCK_MSG_OBJ Msg;
static CPU_CHAR Buf[512];

int main(void)
{
    HTTPc_PORT port = {0};
    HTTPc_ERR err;

    port.Connect = Connect;
    port.ConnectPoll = ConnectPoll;
    port.Send = Send;
    port.Recv = Recv;
    port.Close = Close;
    port.Random = Random;
    port.TimeGet_ms = TimeGet_ms;
    HTTPc_PortSet(&port, &err);
    HTTPc_Init(&Cfg, DEF_NULL, DEF_NULL, &err);
    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ReqClr(&Req, &err);
    HTTPc_WebSockClr(&Ws, &err);
    HTTPc_WebSockMsgClr(&Msg, &err);
    if (HTTPc_ConnOpen(&Conn, Buf, (CPU_INT16U)sizeof Buf, (CPU_CHAR *)"10.0.0.1", 8u, HTTPc_FLAG_NONE, &err) &&
        HTTPc_WebSockUpgrade(&Conn, &Req, &Resp, &Ws, (CPU_CHAR *)"/echo", 5u, HTTPc_FLAG_NONE, &err)) {
        (void)HTTPc_WebSockSend(&Conn, &Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME, (CPU_CHAR *)"hi", 2u,
                                HTTPc_FLAG_NONE, &err);
    }
    for (;;) {
        (void)HTTPc_TaskHandler();
        Tick++;
    }
}
