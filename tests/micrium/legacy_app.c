/*
*********************************************************************************************************
*                               LEGACY APPLICATION, REAL MICRIUM LAYOUT
*
* Filename : legacy_app.c
*
*            A uC/HTTP-client WebSocket application laid out as a legacy Micrium project is: the
*            real uC/CPU, uC/LIB, uC/TCP-IP and uC/HTTP headers, the project's app_cfg.h and
*            cpu_cfg.h, Micrium's template http-c_cfg.h/.c (which declare and define HTTPc_Cfg and
*            HTTPc_TaskCfg), and httpc-ws's http-c.h/http-c_websock.h in place of the legacy ones.
*
*            tests/micrium/CMakeLists.txt compiles it once per include order (HTTPCWS_ORDER):
*
*                1  micrium_first   cpu.h, lib_def.h, lib_mem.h, http.h, http-c_cfg.h, then ours
*                2  ours_first      ours, then cpu.h, lib_def.h, lib_mem.h, http.h, http-c_cfg.h
*                3  interleaved     cpu.h, http-c.h, lib_def.h, http-c_cfg.h, http-c_websock.h,
*                                   http.h
*                4  cfg_first       http-c_cfg.h, http-c_websock.h, lib_mem.h, http-c.h, cpu.h
*                5  ours_only       http-c.h alone (the legacy http-c.h included the rest)
*
*            and order 1 again with HTTPc_WS_MICRIUM_INCLUDES=0 (http-c.h includes no Micrium
*            header and must yield to the ones already included), with gcc, clang and
*            arm-none-eabi-gcc, as C99, gnu11 and C++17, -Wall -Wextra -Werror. With
*            HTTPCWS_TEST_MAIN it also has a main() that initialises the library on the POSIX
*            port (the linked host test).
*
*            SPDX-License-Identifier: Apache-2.0
*********************************************************************************************************
*/

#include  <stddef.h>

#ifndef  HTTPCWS_ORDER
#define  HTTPCWS_ORDER  1
#endif

#if   (HTTPCWS_ORDER == 1)
#include  <cpu.h>
#include  <lib_def.h>
#include  <lib_mem.h>
#include  <Common/http.h>
#include  <http-c_cfg.h>
#include  "http-c.h"
#include  "http-c_websock.h"
#elif (HTTPCWS_ORDER == 2)
#include  "http-c.h"
#include  "http-c_websock.h"
#include  <cpu.h>
#include  <lib_def.h>
#include  <lib_mem.h>
#include  <Common/http.h>
#include  <http-c_cfg.h>
#elif (HTTPCWS_ORDER == 3)
#include  <cpu.h>
#include  "http-c.h"
#include  <lib_def.h>
#include  <http-c_cfg.h>
#include  "http-c_websock.h"
#include  <Common/http.h>
#elif (HTTPCWS_ORDER == 4)
#include  <http-c_cfg.h>
#include  "http-c_websock.h"
#include  <lib_mem.h>
#include  "http-c.h"
#include  <cpu.h>
#elif (HTTPCWS_ORDER == 5)
#include  "http-c.h"
#elif (HTTPCWS_ORDER == 6)                                      /* The legacy include path, as Micrium's examples.      */
#include  <cpu.h>
#include  <lib_def.h>
#include  <Client/Source/http-c.h>
#include  <Client/Source/http-c_websock.h>
#else
#error  "HTTPCWS_ORDER must be 1 to 6"
#endif

                                                                /* Legacy http-c.h's module switches, from http-c_cfg.h. */
#if (HTTPc_CFG_MODE_ASYNC_TASK_EN == DEF_ENABLED) != defined(HTTPc_TASK_MODULE_EN)
#error  "HTTPc_TASK_MODULE_EN does not follow HTTPc_CFG_MODE_ASYNC_TASK_EN"
#endif
#if ((HTTPc_CFG_MODE_ASYNC_TASK_EN == DEF_ENABLED) && (HTTPc_CFG_MODE_BLOCK_EN == DEF_ENABLED)) != defined(HTTPc_SIGNAL_TASK_MODULE_EN)
#error  "HTTPc_SIGNAL_TASK_MODULE_EN does not follow the http-c_cfg.h switches"
#endif
#if ((HTTPc_CFG_MODE_ASYNC_TASK_EN == DEF_ENABLED) && (HTTPc_CFG_WEBSOCKET_EN == DEF_ENABLED)) != defined(HTTPc_WEBSOCK_MODULE_EN)
#error  "HTTPc_WEBSOCK_MODULE_EN does not follow the http-c_cfg.h switches"
#endif
#if !defined(HTTPc_VERSION) || (HTTPc_VERSION != 30101u)
#error  "HTTPc_VERSION is not legacy's"
#endif
                                                                /* Legacy http-c_websock.h's guard: its declarations ... */
                                                                /* ... are all in http-c.h (legacy_websock_after.c).    */
#if !defined(HTTPc_WEBSOCK_MODULE_PRESENT)
#error  "HTTPc_WEBSOCK_MODULE_PRESENT (the legacy http-c_websock.h's guard) is not defined"
#endif

#include  <app_cfg.h>

#include  "micrium_check.h"
#include  "form_layout.h"


/*
*********************************************************************************************************
*                                        COMPILE-TIME CHECKS
*
* Note(s) : (1) The enum-valued fields of HTTPc_RESP_OBJ and HTTPc_HDR are 32-bit whatever the size
*               of Micrium's C enums (one byte with arm-none-eabi-gcc's default short enums): the
*               library (Rust, u32) and the application must agree on the layout.
*********************************************************************************************************
*/

HTTPCWS_ASSERT(sizeof(((HTTPc_RESP_OBJ *)0)->ProtocolVer) == 4u, resp_protocol_ver_is_32_bit);
HTTPCWS_ASSERT(sizeof(((HTTPc_RESP_OBJ *)0)->StatusCode)  == 4u, resp_status_code_is_32_bit);
HTTPCWS_ASSERT(sizeof(((HTTPc_RESP_OBJ *)0)->ContentType) == 4u, resp_content_type_is_32_bit);
HTTPCWS_ASSERT(offsetof(HTTPc_RESP_OBJ, StatusCode)       == 4u, resp_status_code_offset);
HTTPCWS_ASSERT(offsetof(HTTPc_RESP_OBJ, ReasonPhrasePtr)  == 8u, resp_reason_offset);
HTTPCWS_ASSERT(sizeof(((HTTPc_HDR *)0)->HdrField)         == 4u, hdr_field_is_32_bit);
HTTPCWS_ASSERT(offsetof(HTTPc_HDR, ValPtr) == sizeof(void *), hdr_val_ptr_offset);

HTTPCWS_ASSERT(sizeof(CPU_INT32U) == 4u, cpu_int32u_is_32_bit);
                                                                /* Legacy's second name of the response struct, and ... */
                                                                /* ... the lengths of the two handshake strings.        */
HTTPCWS_ASSERT(HTTPCWS_SAME(HTTPc_RESP, HTTPc_RESP_OBJ), resp_is_resp_obj);
HTTPCWS_ASSERT(HTTPc_WEBSOCK_GUID_STRING_LEN == sizeof(HTTPc_WEBSOCK_GUID_STRING), guid_string_len);
HTTPCWS_ASSERT(HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR_LEN == sizeof(HTTPc_WEBSOCK_PROTOCOL_VERSION_13_STR) - 1u,
               protocol_version_13_str_len);
                                                                /* Legacy's read-only Method_reserved (its examples ... */
                                                                /* ... switch on it in their body hooks).               */
HTTPCWS_ASSERT(sizeof(((HTTPc_REQ_OBJ *)0)->Method_reserved) == 4u, req_method_reserved_is_32_bit);

                                                                /* The form types: legacy's layout (form_layout.h, ... */
                                                                /* ... checked on Micrium's http-c.h by check_values.c). */
HTTPCWS_FORM_LAYOUT_CHECKS();
HTTPCWS_ASSERT(sizeof(((HTTPc_MULTIPART_FILE *)0)->ContentType) == 4u, multipart_file_content_type_is_32_bit);
HTTPCWS_ASSERT(HTTP_HDR_FIELD_ORIGIN == HTTP_HDR_FIELD_WEBSOCKET_EXTENSIONS + 1, origin_follows_last_field);


/*
*********************************************************************************************************
*                                       LOCAL GLOBAL VARIABLES
*********************************************************************************************************
*/

static  HTTPc_CONN_OBJ          App_Conn;
static  HTTPc_REQ_OBJ           App_Req;
static  HTTPc_RESP_OBJ          App_Resp;
static  HTTPc_WEBSOCK_OBJ       App_WebSock;
static  HTTPc_WEBSOCK_MSG_OBJ   App_Msg;

static  CPU_CHAR                App_ConnBuf[APP_CFG_WEBSOCK_CONN_BUF_SIZE];
static  CPU_CHAR                App_RxBuf[APP_CFG_WEBSOCK_RX_BUF_SIZE];
static  CPU_CHAR                App_CloseBuf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];
static  CPU_CHAR                App_Host[]     = "127.0.0.1";
static  CPU_CHAR                App_Path[]     = "/chat";
static  CPU_CHAR                App_Protocol[] = "chat";
static  CPU_CHAR                App_Reason[]   = "bye";
static  CPU_CHAR                App_Txt[]      = "hello";

static  HTTPc_HDR               App_HdrTbl[] = {
    { HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL, App_Protocol, sizeof(App_Protocol) - 1u }
};

static  volatile  CPU_INT32U    App_RxLen;
static  volatile  CPU_BOOLEAN   App_IsOpen;


/*
*********************************************************************************************************
*                                               HOOKS
*
* Note(s) : (1) Written with the legacy signatures and Micrium's types (HTTP_HDR_FIELD from http.h
*               when it is included), registered through (void *), as legacy applications do.
*********************************************************************************************************
*/

static  void  App_OnConnClose (HTTPc_CONN_OBJ           *p_conn,
                               HTTPc_CONN_CLOSE_STATUS   close_status,
                               HTTPc_ERR                 err)
{
    (void)p_conn;
    (void)close_status;
    (void)err;
    App_IsOpen = DEF_NO;
}

static  void  App_OnHdrRx (HTTPc_CONN_OBJ  *p_conn,
                           HTTPc_REQ_OBJ   *p_req,
                           HTTP_HDR_FIELD   hdr_field,
                           CPU_CHAR        *p_hdr_val,
                           CPU_INT16U       val_len)
{
    (void)p_conn;
    (void)p_req;
    (void)p_hdr_val;
    (void)val_len;
    if (hdr_field == HTTP_HDR_FIELD_WEBSOCKET_PROTOCOL) {
        App_IsOpen = DEF_YES;
    }
}

static  void  App_OnOpen (HTTPc_CONN_OBJ  *p_conn)
{
    (void)p_conn;
    App_IsOpen = DEF_YES;
}

static  void  App_OnClose (HTTPc_CONN_OBJ              *p_conn,
                           HTTPc_WEBSOCK_CLOSE_CODE     close_code,
                           HTTPc_WEBSOCK_CLOSE_REASON  *p_reason)
{
    (void)p_conn;
    (void)p_reason;
    if (close_code != HTTPc_WEBSOCK_CLOSE_CODE_NORMAL) {
        App_IsOpen = DEF_NO;
    }
}

static  void  App_OnErr (HTTPc_CONN_OBJ  *p_conn,
                         HTTPc_ERR        err)
{
    (void)p_conn;
    (void)err;
}

static  void  App_OnMsgRxInit (HTTPc_CONN_OBJ           *p_conn,
                               HTTPc_WEBSOCK_MSG_TYPE    msg_type,
                               CPU_INT32U                msg_len,
                               void                    **p_data)
{
    (void)p_conn;
    (void)msg_type;
    (void)msg_len;
   *p_data   = (void *)App_RxBuf;
    App_RxLen = 0u;
}

static  CPU_INT32U  App_OnMsgRxData (HTTPc_CONN_OBJ          *p_conn,
                                     HTTPc_WEBSOCK_MSG_TYPE   msg_type,
                                     void                    *p_data,
                                     CPU_INT16U               data_len)
{
    (void)p_conn;
    (void)msg_type;
    (void)p_data;
    App_RxLen += data_len;
    return (data_len);
}

static  void  App_OnMsgRxComplete (HTTPc_CONN_OBJ  *p_conn)
{
    (void)p_conn;
}


/*
*********************************************************************************************************
*                                         App_WebSockStart()
*
* Description : Initialise the client with the template's configuration objects, open a connection,
*               upgrade it and send one message, as a legacy application does.
*
* Return(s)   : DEF_OK, if every step succeeded; DEF_FAIL, otherwise.
*********************************************************************************************************
*/

CPU_BOOLEAN  App_WebSockStart (void);

CPU_BOOLEAN  App_WebSockStart (void)
{
    const  struct  http_task_cfg  *p_task_cfg;                  /* Micrium's struct tags, in every include order.       */
    const  struct  httpc_cfg      *p_cfg;
    HTTPc_PARAM_TBL                tbl;
    NET_PORT_NBR                   port_nbr;
    CPU_BOOLEAN                    persistent;
    CPU_BOOLEAN                    result;
    CPU_INT16U                     close_len;
    HTTPc_ERR                      err;


    p_task_cfg = &HTTPc_TaskCfg;
    p_cfg      = &HTTPc_Cfg;
    HTTPc_Init(p_cfg, p_task_cfg, (MEM_SEG *)DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_ConnClr(&App_Conn, &err);
    HTTPc_ReqClr(&App_Req, &err);
    HTTPc_WebSockClr(&App_WebSock, &err);
    HTTPc_WebSockMsgClr(&App_Msg, &err);

    port_nbr   = HTTP_DFLT_PORT_NBR;
    persistent = DEF_YES;
    HTTPc_ConnSetParam(&App_Conn, HTTPc_PARAM_TYPE_SERVER_PORT,        &port_nbr,                 &err);
    HTTPc_ConnSetParam(&App_Conn, HTTPc_PARAM_TYPE_PERSISTENT,         &persistent,               &err);
    HTTPc_ConnSetParam(&App_Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&App_OnConnClose, &err);

    tbl.TblPtr   = (void *)App_HdrTbl;
    tbl.EntryNbr = (CPU_INT16U)(sizeof(App_HdrTbl) / sizeof(App_HdrTbl[0]));
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_REQ_HDR_TBL,  &tbl,                  &err);
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_RESP_HDR_HOOK, (void *)&App_OnHdrRx, &err);

    HTTPc_WebSockSetParam(&App_WebSock, HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN,           (void *)&App_OnOpen,          &err);
    HTTPc_WebSockSetParam(&App_WebSock, HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE,          (void *)&App_OnClose,         &err);
    HTTPc_WebSockSetParam(&App_WebSock, HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR,            (void *)&App_OnErr,           &err);
    HTTPc_WebSockSetParam(&App_WebSock, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT,    (void *)&App_OnMsgRxInit,     &err);
    HTTPc_WebSockSetParam(&App_WebSock, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,    (void *)&App_OnMsgRxData,     &err);
    HTTPc_WebSockSetParam(&App_WebSock, HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE,(void *)&App_OnMsgRxComplete, &err);

    result = HTTPc_ConnOpen(&App_Conn, App_ConnBuf, APP_CFG_WEBSOCK_CONN_BUF_SIZE,
                             App_Host, (CPU_INT16U)(sizeof(App_Host) - 1u), HTTPc_FLAG_NONE, &err);
    if ((result != DEF_OK) || (err != HTTPc_ERR_NONE)) {
        return (DEF_FAIL);
    }

    result = HTTPc_WebSockUpgrade(&App_Conn, &App_Req, &App_Resp, &App_WebSock,
                                   App_Path, (CPU_INT16U)(sizeof(App_Path) - 1u), HTTPc_FLAG_NONE, &err);
    if ((result              != DEF_OK)                          ||
        (App_Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS) ||
        (App_Resp.ProtocolVer != HTTP_PROTOCOL_VER_1_1)) {
        return (DEF_FAIL);
    }

    result = HTTPc_WebSockSend(&App_Conn, &App_Msg, HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                                App_Txt, (CPU_INT32U)(sizeof(App_Txt) - 1u), HTTPc_FLAG_NONE, &err);
    if (result != DEF_OK) {
        return (DEF_FAIL);
    }

    close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL, App_Reason,
                                         App_CloseBuf, (CPU_INT16U)sizeof(App_CloseBuf), &err);
    result    = HTTPc_WebSockSend(&App_Conn, &App_Msg, HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                                   App_CloseBuf, close_len, HTTPc_FLAG_NONE, &err);

    return (result);
}


/*
*********************************************************************************************************
*                                               main()
*
* Description : Host test (HTTPCWS_TEST_MAIN): register the POSIX port with an engine task, then check
*               that HTTPc_Init() reads Micrium's HTTPc_Cfg and HTTPc_TaskCfg as laid out by the real
*               http-c_type.h and http.h (an out-of-range field must be seen and refused).
*
* Return(s)   : 0 on success, 1 otherwise.
*********************************************************************************************************
*/

#ifdef  HTTPCWS_TEST_MAIN
#include  <stdio.h>
#include  "httpc_port_posix.h"

int  main (void)
{
    HTTPc_PORT  port;
    HTTPc_CFG   cfg;
    HTTPc_ERR   err;
    int         failed;


    failed = 0;
    HTTPc_PortPosix_Get(&port, DEF_YES);
    HTTPc_PortSet(&port, &err);
    if (err != HTTPc_ERR_NONE) {
        printf("HTTPc_PortSet: err %u\n", (unsigned)err);
        return (1);
    }

    cfg            = HTTPc_Cfg;
    cfg.TaskDly_ms = 21u;                                       /* Last field before MsgQ_Size: read at the right place? */
    HTTPc_Init(&cfg, &HTTPc_TaskCfg, (MEM_SEG *)DEF_NULL, &err);
    if (err != HTTPc_ERR_CFG_TASK_DLY_INVALID) {
        printf("HTTPc_Init(TaskDly_ms = 21): err %u, expected HTTPc_ERR_CFG_TASK_DLY_INVALID\n", (unsigned)err);
        failed++;
    }

    cfg            = HTTPc_Cfg;                                 /* Legacy's order: the task cfg before its delay.       */
    cfg.TaskDly_ms = 21u;
    HTTPc_Init(&cfg, (HTTP_TASK_CFG *)DEF_NULL, (MEM_SEG *)DEF_NULL, &err);
    if (err != HTTPc_ERR_CFG_TASK_PTR_NULL) {
        printf("HTTPc_Init(NULL task cfg, TaskDly_ms = 21): err %u, expected HTTPc_ERR_CFG_TASK_PTR_NULL\n", (unsigned)err);
        failed++;
    }

    cfg           = HTTPc_Cfg;
    cfg.MsgQ_Size = 0u;
    HTTPc_Init(&cfg, &HTTPc_TaskCfg, (MEM_SEG *)DEF_NULL, &err);
    if (err != HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID) {
        printf("HTTPc_Init(MsgQ_Size = 0): err %u, expected HTTPc_ERR_CFG_MSG_Q_SIZE_INVALID\n", (unsigned)err);
        failed++;
    }

    HTTPc_Init(&HTTPc_Cfg, &HTTPc_TaskCfg, (MEM_SEG *)DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        printf("HTTPc_Init(HTTPc_Cfg, HTTPc_TaskCfg): err %u\n", (unsigned)err);
        failed++;
    }
    HTTPc_Init((HTTPc_CFG *)DEF_NULL, (HTTP_TASK_CFG *)DEF_NULL, (MEM_SEG *)DEF_NULL, &err);
    if (err != HTTPc_ERR_INIT) {                                /* Done already: checked first, as legacy.              */
        printf("second HTTPc_Init(NULL, NULL): err %u, expected HTTPc_ERR_INIT\n", (unsigned)err);
        failed++;
    }

    HTTPc_ConnClr(&App_Conn, &err);
    if (err != HTTPc_ERR_NONE) {
        printf("HTTPc_ConnClr: err %u\n", (unsigned)err);
        failed++;
    }

    printf("legacy application on the real Micrium layout: %s\n", (failed == 0) ? "ok" : "FAILED");
    return ((failed == 0) ? 0 : 1);
}
#endif
