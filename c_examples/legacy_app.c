/*
*********************************************************************************************************
*                                            EXAMPLE CODE
*
*               This file is provided as an example on how to move a uC/HTTP-client WebSocket
*               application to httpc-ws.
*
*               The application part of this file is written exactly as an application of the
*               legacy Micrium uC/HTTP-client WebSocket API is written.  Moving it to httpc-ws
*               took two added lines, both marked "httpc-ws: added": the declaration and fill of
*               the platform port, and its registration with HTTPc_PortSet() before HTTPc_Init().
*
*               SPDX-License-Identifier: Apache-2.0
*********************************************************************************************************
*/

/*
*********************************************************************************************************
*
*                                               EXAMPLE
*
*                                HTTP CLIENT WEBSOCKET APPLICATION FILE
*
* Filename : legacy_app.c
*
* Usage    : legacy_app [host [port [path]]]          (default: 127.0.0.1 8765 /echo)
*
*            Connects to a WebSocket echo server, sends a text message and a binary message,
*            prints what comes back, then closes the WebSocket with 1000 "bye".
*            Exits with 0 when both echoes came back and the closing handshake completed.
*********************************************************************************************************
*/

/*
*********************************************************************************************************
*********************************************************************************************************
*                                           INCLUDE FILES
*********************************************************************************************************
*********************************************************************************************************
*/

#include  <stdio.h>
#include  <stdlib.h>
#include  <string.h>

#include  <http-c.h>
#include  <http-c_websock.h>


/*
*********************************************************************************************************
*********************************************************************************************************
*                                        HOST PLATFORM GLUE
*
* Note(s) : (1) On a target, the RTOS and the BSP provide what this section provides on a POSIX
*               host: the kernel delay (KAL_Dly() of uC/Common KAL), the trace output and the
*               platform port.  It is not part of the application.
*
*           (2) The flags below are written by the hooks, in the HTTPc task, and read by the
*               application task, as in any uC/HTTP-client application.  The full memory barrier
*               in KAL_Dly() orders those reads on a multi-core host.
*
*           (3) Built in a Micrium project's layout (docs/MICRIUM_BUILD.md), http-c.h brings
*               uC/Common's kal.h, which declares KAL_Dly() with external linkage: the host's
*               stands in for the KAL with that linkage there.
*********************************************************************************************************
*********************************************************************************************************
*/

#include  <time.h>                                              /* nanosleep(): build with -D_GNU_SOURCE under -std=c99. */

#include  "httpc_port_posix.h"

#define  APP_TRACE_INFO(x)                  printf x

#ifdef   KAL_MODULE_PRESENT                                     /* See Note #3.                                         */
#define  APP_HOST_KAL_LINKAGE
#else
#define  APP_HOST_KAL_LINKAGE               static
#endif

APP_HOST_KAL_LINKAGE  void  KAL_Dly (CPU_INT32U  dly_ms)
{
    struct  timespec  ts;


    ts.tv_sec  = (time_t)(dly_ms / 1000u);
    ts.tv_nsec = (long  )(dly_ms % 1000u) * 1000000L;
   (void)nanosleep(&ts, NULL);
    __sync_synchronize();                                       /* See Note #2.                                         */
}


/*
*********************************************************************************************************
*********************************************************************************************************
*                                            LOCAL DEFINES
*********************************************************************************************************
*********************************************************************************************************
*/

#define  APP_CFG_WEBSOCK_HOST_DFLT           "127.0.0.1"
#define  APP_CFG_WEBSOCK_PORT_DFLT                 8765u
#define  APP_CFG_WEBSOCK_PATH_DFLT              "/echo"

#define  APP_CFG_WEBSOCK_CONN_BUF_SIZE             1024u
#define  APP_CFG_WEBSOCK_RX_BUF_SIZE               1024u
#define  APP_CFG_WEBSOCK_TIMEOUT_MS               10000u
#define  APP_CFG_WEBSOCK_DLY_MS                      10u

#define  HTTPc_OS_CFG_TASK_PRIO                      20u
#define  HTTPc_OS_CFG_TASK_STK_SIZE                1024u


/*
*********************************************************************************************************
*********************************************************************************************************
*                              HTTP CLIENT SUITE CONFIGURATION OBJECTS
*
* Note(s) : (1) In a Micrium project's layout they come from the project's http-c_cfg.c (Micrium's
*               template defines them there), declared by the http-c_cfg.h that http-c.h includes.
*********************************************************************************************************
*********************************************************************************************************
*/

#ifndef  HTTPc_CFG_MODULE_PRESENT                               /* See Note #1.                                         */
const  HTTPc_CFG  HTTPc_Cfg = {
         1u,                                                    /* .TaskDly_ms (HTTPc Task delay in milliseconds)       */
         5u,                                                    /* .MsgQ_Size  (Message Task Queue size)                */
         2000u,                                                 /* .ConnConnectTimeout_ms   (Connect timeout in ms)     */
         30u,                                                   /* .ConnInactivityTimeout_s (Inactivity timeout in s)   */
         DEF_FALSE,                                             /* .ConnIsKeepAlive                                     */
};

const  HTTP_TASK_CFG  HTTPc_TaskCfg = {
        HTTPc_OS_CFG_TASK_PRIO,                                 /* HTTPc task priority.                                 */
        HTTPc_OS_CFG_TASK_STK_SIZE,                             /* HTTPc task stack size.                               */
        DEF_NULL,                                               /* HTTPc task stack pointer (DEF_NULL: allocated).      */
};
#endif


/*
*********************************************************************************************************
*********************************************************************************************************
*                                       LOCAL GLOBAL VARIABLES
*********************************************************************************************************
*********************************************************************************************************
*/

static  HTTPc_CONN_OBJ          App_WebSock_Conn;
static  HTTPc_REQ_OBJ           App_WebSock_Req;
static  HTTPc_RESP_OBJ          App_WebSock_Resp;
static  HTTPc_WEBSOCK_OBJ       App_WebSock_Obj;
static  HTTPc_WEBSOCK_MSG_OBJ   App_WebSock_MsgObj;

static  CPU_CHAR                App_WebSock_ConnBuf[APP_CFG_WEBSOCK_CONN_BUF_SIZE];
static  CPU_CHAR                App_WebSock_RxBuf[APP_CFG_WEBSOCK_RX_BUF_SIZE];
static  CPU_CHAR                App_WebSock_CloseBuf[HTTPc_WEBSOCK_MAX_CTRL_FRAME_LEN];

static  CPU_CHAR                App_WebSock_TxtData[] = "Hello from a uC/HTTP-client application";
static  CPU_CHAR                App_WebSock_BinData[] = { 0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, (CPU_CHAR)0xFE, (CPU_CHAR)0xFF };

static  volatile  CPU_BOOLEAN               App_WebSock_IsOpen;
static  volatile  CPU_BOOLEAN               App_WebSock_IsRxDone;
static  volatile  CPU_BOOLEAN               App_WebSock_IsClosed;
static  volatile  CPU_BOOLEAN               App_WebSock_IsConnClosed;
static  volatile  CPU_INT32U                App_WebSock_RxLen;
static  volatile  HTTPc_WEBSOCK_MSG_TYPE    App_WebSock_RxType;
static  volatile  HTTPc_WEBSOCK_CLOSE_CODE  App_WebSock_CloseCode;


/*
*********************************************************************************************************
*********************************************************************************************************
*                                       LOCAL FUNCTION PROTOTYPES
*********************************************************************************************************
*********************************************************************************************************
*/

static  CPU_BOOLEAN  App_WebSock_Init           (void);

static  CPU_BOOLEAN  App_WebSock_Connect        (CPU_CHAR                    *p_host,
                                                 NET_PORT_NBR                 port_nbr,
                                                 CPU_CHAR                    *p_path);

static  CPU_BOOLEAN  App_WebSock_Echo           (HTTPc_WEBSOCK_MSG_TYPE       msg_type,
                                                 CPU_CHAR                    *p_data,
                                                 CPU_INT32U                   data_len);

static  CPU_BOOLEAN  App_WebSock_Close          (void);

static  CPU_BOOLEAN  App_WebSock_WaitFlag       (volatile  CPU_BOOLEAN       *p_flag);

static  void         App_WebSock_OnConnClose    (HTTPc_CONN_OBJ              *p_conn,
                                                 HTTPc_CONN_CLOSE_STATUS      close_status,
                                                 HTTPc_ERR                    err);

static  void         App_WebSock_OnOpen         (HTTPc_CONN_OBJ              *p_conn);

static  void         App_WebSock_OnClose        (HTTPc_CONN_OBJ              *p_conn,
                                                 HTTPc_WEBSOCK_CLOSE_CODE     close_code,
                                                 HTTPc_WEBSOCK_CLOSE_REASON  *p_reason);

static  void         App_WebSock_OnErr          (HTTPc_CONN_OBJ              *p_conn,
                                                 HTTPc_ERR                    err);

static  void         App_WebSock_OnPong         (HTTPc_CONN_OBJ              *p_conn,
                                                 CPU_CHAR                    *p_data,
                                                 CPU_INT16U                   data_len);

static  void         App_WebSock_OnMsgRxInit    (HTTPc_CONN_OBJ              *p_conn,
                                                 HTTPc_WEBSOCK_MSG_TYPE       msg_type,
                                                 CPU_INT32U                   msg_len,
                                                 void                       **p_data);

static  CPU_INT32U   App_WebSock_OnMsgRxData    (HTTPc_CONN_OBJ              *p_conn,
                                                 HTTPc_WEBSOCK_MSG_TYPE       msg_type,
                                                 void                        *p_data,
                                                 CPU_INT16U                   data_len);

static  void         App_WebSock_OnMsgRxComplete(HTTPc_CONN_OBJ              *p_conn);


/*
*********************************************************************************************************
*                                                main()
*
* Description : Run the WebSocket example once.
*
* Argument(s) : argc        Number of arguments.
*
*               argv        [host [port [path]]].
*
* Return(s)   : 0, if both echoes came back and the WebSocket closed normally.
*               1, otherwise.
*
* Note(s)     : (1) On a target, this is the body of the application task (e.g. AppTaskStart()).
*********************************************************************************************************
*/

int  main (int  argc, char  **argv)
{
    CPU_CHAR      *p_host;
    CPU_CHAR      *p_path;
    NET_PORT_NBR   port_nbr;
    CPU_BOOLEAN    result;


    p_host   = (argc > 1) ?               argv[1]                : APP_CFG_WEBSOCK_HOST_DFLT;
    port_nbr = (argc > 2) ? (NET_PORT_NBR)atoi(argv[2])          : APP_CFG_WEBSOCK_PORT_DFLT;
    p_path   = (argc > 3) ?               argv[3]                : APP_CFG_WEBSOCK_PATH_DFLT;

    result = App_WebSock_Init();
    if (result != DEF_OK) {
        APP_TRACE_INFO(("WebSocket example: init failed.\n\r"));
        return (1);
    }

    result = App_WebSock_Connect(p_host, port_nbr, p_path);
    if (result != DEF_OK) {
        APP_TRACE_INFO(("WebSocket example: connection failed.\n\r"));
        return (1);
    }
                                                                /* ------------------ TEXT MESSAGE -------------------- */
    result = App_WebSock_Echo(HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME,
                              App_WebSock_TxtData,
                              sizeof(App_WebSock_TxtData) - 1u);
    if (result != DEF_OK) {
        APP_TRACE_INFO(("WebSocket example: text echo failed.\n\r"));
        return (1);
    }
                                                                /* ----------------- BINARY MESSAGE ------------------- */
    result = App_WebSock_Echo(HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME,
                              App_WebSock_BinData,
                              sizeof(App_WebSock_BinData));
    if (result != DEF_OK) {
        APP_TRACE_INFO(("WebSocket example: binary echo failed.\n\r"));
        return (1);
    }
                                                                /* --------------------- CLOSE ------------------------ */
    result = App_WebSock_Close();
    if (result != DEF_OK) {
        APP_TRACE_INFO(("WebSocket example: close failed.\n\r"));
        return (1);
    }

    APP_TRACE_INFO(("WebSocket example: done.\n\r"));

    return (0);
}


/*
*********************************************************************************************************
*                                          App_WebSock_Init()
*
* Description : Initialize the uC/HTTP-client stack and the WebSocket objects.
*
* Argument(s) : None.
*
* Return(s)   : DEF_OK,   if initialization was successful.
*               DEF_FAIL, otherwise.
*
* Note(s)     : None.
*********************************************************************************************************
*/

static  CPU_BOOLEAN  App_WebSock_Init (void)
{
    HTTPc_ERR  err;
    HTTPc_PORT  port;  HTTPc_PortPosix_Get(&port, DEF_YES);     /* httpc-ws: added */


    HTTPc_PortSet(&port, &err);  if (err != HTTPc_ERR_NONE) { return (DEF_FAIL); }    /* httpc-ws: added */
                                                                /* ------------- INITIALIZE CLIENT SUITE -------------- */
    HTTPc_Init(&HTTPc_Cfg, &HTTPc_TaskCfg, DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }
                                                                /* ---------------- INIT OBJECTS ---------------------- */
    HTTPc_ConnClr(&App_WebSock_Conn, &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_ReqClr(&App_WebSock_Req, &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockClr(&App_WebSock_Obj, &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockMsgClr(&App_WebSock_MsgObj, &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    return (DEF_OK);
}


/*
*********************************************************************************************************
*                                        App_WebSock_Connect()
*
* Description : Open the connection and upgrade it to a WebSocket.
*
* Argument(s) : p_host      Server host name or address.
*
*               port_nbr    Server port.
*
*               p_path      Resource path of the WebSocket.
*
* Return(s)   : DEF_OK,   if the WebSocket is open.
*               DEF_FAIL, otherwise.
*
* Note(s)     : (1) A blocking upgrade returns DEF_OK for any complete HTTP response: the status
*                   code MUST be checked.
*
*               (2) The upgrade can return before the OnOpen hook ran.
*********************************************************************************************************
*/

static  CPU_BOOLEAN  App_WebSock_Connect (CPU_CHAR      *p_host,
                                          NET_PORT_NBR   port_nbr,
                                          CPU_CHAR      *p_path)
{
    CPU_BOOLEAN  persistent;
    CPU_BOOLEAN  result;
    HTTPc_ERR    err;

                                                                /* ---------------- SET CONN PARAMETERS --------------- */
    persistent = DEF_YES;
    HTTPc_ConnSetParam(&App_WebSock_Conn,
                        HTTPc_PARAM_TYPE_PERSISTENT,
                       &persistent,
                       &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_ConnSetParam(&App_WebSock_Conn,
                        HTTPc_PARAM_TYPE_SERVER_PORT,
                       &port_nbr,
                       &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_ConnSetParam(&App_WebSock_Conn,
                        HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK,
               (void *)&App_WebSock_OnConnClose,
                       &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }
                                                                /* ---------------- SET WEBSOCKET HOOKS --------------- */
    HTTPc_WebSockSetParam(&App_WebSock_Obj,
                           HTTPc_PARAM_TYPE_WEBSOCK_ON_OPEN,
                  (void *)&App_WebSock_OnOpen,
                          &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockSetParam(&App_WebSock_Obj,
                           HTTPc_PARAM_TYPE_WEBSOCK_ON_CLOSE,
                  (void *)&App_WebSock_OnClose,
                          &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockSetParam(&App_WebSock_Obj,
                           HTTPc_PARAM_TYPE_WEBSOCK_ON_ERR,
                  (void *)&App_WebSock_OnErr,
                          &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockSetParam(&App_WebSock_Obj,
                           HTTPc_PARAM_TYPE_WEBSOCK_ON_PONG,
                  (void *)&App_WebSock_OnPong,
                          &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockSetParam(&App_WebSock_Obj,
                           HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_INIT,
                  (void *)&App_WebSock_OnMsgRxInit,
                          &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockSetParam(&App_WebSock_Obj,
                           HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_DATA,
                  (void *)&App_WebSock_OnMsgRxData,
                          &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }

    HTTPc_WebSockSetParam(&App_WebSock_Obj,
                           HTTPc_PARAM_TYPE_WEBSOCK_ON_MSG_RX_COMPLETE,
                  (void *)&App_WebSock_OnMsgRxComplete,
                          &err);
    if (err != HTTPc_ERR_NONE) {
        return (DEF_FAIL);
    }
                                                                /* ----------------- OPEN CONNECTION ------------------ */
    result = HTTPc_ConnOpen(&App_WebSock_Conn,
                             App_WebSock_ConnBuf,
                             APP_CFG_WEBSOCK_CONN_BUF_SIZE,
                             p_host,
                             strlen(p_host),
                             HTTPc_FLAG_NONE,
                            &err);
    if (err != HTTPc_ERR_NONE) {
        APP_TRACE_INFO(("Connection to server failed: err %u.\n\r", (unsigned int)err));
        return (DEF_FAIL);
    }
    if (result != DEF_OK) {
        APP_TRACE_INFO(("Connection to server failed.\n\r"));
        return (DEF_FAIL);
    }
    APP_TRACE_INFO(("Connection to server succeeded.\n\r"));

                                                                /* ---------------- UPGRADE TO WEBSOCKET -------------- */
    result = HTTPc_WebSockUpgrade(&App_WebSock_Conn,
                                  &App_WebSock_Req,
                                  &App_WebSock_Resp,
                                  &App_WebSock_Obj,
                                   p_path,
                                   strlen(p_path),
                                   HTTPc_FLAG_NONE,
                                  &err);
    if (err != HTTPc_ERR_NONE) {
        APP_TRACE_INFO(("WebSocket upgrade failed: err %u.\n\r", (unsigned int)err));
        return (DEF_FAIL);
    }
    if ((result           != DEF_OK) ||
        (App_WebSock_Resp.StatusCode != HTTP_STATUS_SWITCHING_PROTOCOLS)) {   /* See Note #1.                 */
        APP_TRACE_INFO(("WebSocket upgrade refused by the server.\n\r"));
        return (DEF_FAIL);
    }

    result = App_WebSock_WaitFlag(&App_WebSock_IsOpen);        /* See Note #2.                                         */
    if (result != DEF_OK) {
        return (DEF_FAIL);
    }
    APP_TRACE_INFO(("WebSocket open.\n\r"));

    return (DEF_OK);
}


/*
*********************************************************************************************************
*                                          App_WebSock_Echo()
*
* Description : Send one message and wait for its echo.
*
* Argument(s) : msg_type    HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME or HTTPc_WEBSOCK_MSG_TYPE_BIN_FRAME.
*
*               p_data      Message payload.
*
*               data_len    Payload length.
*
* Return(s)   : DEF_OK,   if the same message came back.
*               DEF_FAIL, otherwise.
*
* Note(s)     : None.
*********************************************************************************************************
*/

static  CPU_BOOLEAN  App_WebSock_Echo (HTTPc_WEBSOCK_MSG_TYPE   msg_type,
                                       CPU_CHAR                *p_data,
                                       CPU_INT32U               data_len)
{
    CPU_BOOLEAN  result;
    CPU_INT32U   ix;
    HTTPc_ERR    err;


    App_WebSock_IsRxDone = DEF_NO;
    App_WebSock_RxLen    = 0u;
                                                                /* ------------------- SEND MESSAGE ------------------- */
    result = HTTPc_WebSockSend(&App_WebSock_Conn,
                               &App_WebSock_MsgObj,
                                msg_type,
                                p_data,
                                data_len,
                                HTTPc_FLAG_NONE,
                               &err);
    if (err != HTTPc_ERR_NONE) {
        APP_TRACE_INFO(("WebSocket send failed: err %u.\n\r", (unsigned int)err));
        return (DEF_FAIL);
    }
    if (result != DEF_OK) {
        return (DEF_FAIL);
    }
    APP_TRACE_INFO(("Sent %s message, %u bytes.\n\r",
                    (msg_type == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME) ? "text" : "binary",
                    (unsigned int)data_len));

                                                                /* ------------------- WAIT FOR ECHO ------------------ */
    result = App_WebSock_WaitFlag(&App_WebSock_IsRxDone);
    if (result != DEF_OK) {
        APP_TRACE_INFO(("No echo received.\n\r"));
        return (DEF_FAIL);
    }

    if (App_WebSock_RxType == HTTPc_WEBSOCK_MSG_TYPE_TXT_FRAME) {
        APP_TRACE_INFO(("Received text message, %u bytes: %.*s\n\r",
                        (unsigned int)App_WebSock_RxLen,
                        (int)App_WebSock_RxLen,
                        App_WebSock_RxBuf));
    } else {
        APP_TRACE_INFO(("Received binary message, %u bytes:", (unsigned int)App_WebSock_RxLen));
        for (ix = 0u; ix < App_WebSock_RxLen; ix++) {
            APP_TRACE_INFO((" %02X", (unsigned int)(CPU_INT08U)App_WebSock_RxBuf[ix]));
        }
        APP_TRACE_INFO(("\n\r"));
    }

    if ((App_WebSock_RxType != msg_type) ||
        (App_WebSock_RxLen  != data_len) ||
        (memcmp(App_WebSock_RxBuf, p_data, data_len) != 0)) {
        APP_TRACE_INFO(("Echo differs from the message sent.\n\r"));
        return (DEF_FAIL);
    }

    return (DEF_OK);
}


/*
*********************************************************************************************************
*                                          App_WebSock_Close()
*
* Description : Close the WebSocket with 1000 "bye" and wait for the closing handshake.
*
* Argument(s) : None.
*
* Return(s)   : DEF_OK,   if the WebSocket and the connection closed normally.
*               DEF_FAIL, otherwise.
*
* Note(s)     : None.
*********************************************************************************************************
*/

static  CPU_BOOLEAN  App_WebSock_Close (void)
{
    CPU_INT16U   close_len;
    CPU_BOOLEAN  result;
    HTTPc_ERR    err;

                                                                /* ------------------ FMT CLOSE MSG ------------------- */
    err       = HTTPc_ERR_NONE;
    close_len = HTTPc_WebSockFmtCloseMsg(HTTPc_WEBSOCK_CLOSE_CODE_NORMAL,
                                         "bye",
                                         App_WebSock_CloseBuf,
                                         sizeof(App_WebSock_CloseBuf),
                                        &err);
    if ((err != HTTPc_ERR_NONE) || (close_len == 0u)) {
        return (DEF_FAIL);
    }
                                                                /* ------------------ SEND CLOSE MSG ------------------ */
    result = HTTPc_WebSockSend(&App_WebSock_Conn,
                               &App_WebSock_MsgObj,
                                HTTPc_WEBSOCK_MSG_TYPE_CLOSE,
                                App_WebSock_CloseBuf,
                                close_len,
                                HTTPc_FLAG_NONE,
                               &err);
    if (err != HTTPc_ERR_NONE) {
        APP_TRACE_INFO(("WebSocket close failed: err %u.\n\r", (unsigned int)err));
        return (DEF_FAIL);
    }
    if (result != DEF_OK) {
        return (DEF_FAIL);
    }
                                                                /* ---------------- WAIT FOR HANDSHAKE ---------------- */
    result = App_WebSock_WaitFlag(&App_WebSock_IsConnClosed);
    if (result != DEF_OK) {
        APP_TRACE_INFO(("Connection not closed.\n\r"));
        return (DEF_FAIL);
    }
    if ((App_WebSock_IsClosed  != DEF_YES) ||
        (App_WebSock_CloseCode != HTTPc_WEBSOCK_CLOSE_CODE_NORMAL)) {
        return (DEF_FAIL);
    }

    return (DEF_OK);
}


/*
*********************************************************************************************************
*                                        App_WebSock_WaitFlag()
*
* Description : Wait until a hook sets a flag.
*
* Argument(s) : p_flag      Flag to wait for.
*
* Return(s)   : DEF_OK,   if the flag was set within APP_CFG_WEBSOCK_TIMEOUT_MS.
*               DEF_FAIL, otherwise.
*
* Note(s)     : None.
*********************************************************************************************************
*/

static  CPU_BOOLEAN  App_WebSock_WaitFlag (volatile  CPU_BOOLEAN  *p_flag)
{
    CPU_INT32U  waited_ms;


    waited_ms = 0u;
    while (*p_flag != DEF_YES) {
        if (waited_ms >= APP_CFG_WEBSOCK_TIMEOUT_MS) {
            return (DEF_FAIL);
        }
        KAL_Dly(APP_CFG_WEBSOCK_DLY_MS);
        waited_ms += APP_CFG_WEBSOCK_DLY_MS;
    }

    return (DEF_OK);
}


/*
*********************************************************************************************************
*********************************************************************************************************
*                                           HOOK FUNCTIONS
*
* Note(s) : (1) The hooks run in the HTTPc task context.
*********************************************************************************************************
*********************************************************************************************************
*/

/*
*********************************************************************************************************
*                                      App_WebSock_OnConnClose()
*
* Description : Connection closed (mandatory connection callback).
*********************************************************************************************************
*/

static  void  App_WebSock_OnConnClose (HTTPc_CONN_OBJ           *p_conn,
                                       HTTPc_CONN_CLOSE_STATUS   close_status,
                                       HTTPc_ERR                 err)
{
   (void)p_conn;

    APP_TRACE_INFO(("Connection closed: status %u, err %u.\n\r",
                    (unsigned int)close_status,
                    (unsigned int)err));

    App_WebSock_IsConnClosed = DEF_YES;
}


/*
*********************************************************************************************************
*                                        App_WebSock_OnOpen()
*
* Description : WebSocket opened.
*********************************************************************************************************
*/

static  void  App_WebSock_OnOpen (HTTPc_CONN_OBJ  *p_conn)
{
   (void)p_conn;

    App_WebSock_IsOpen = DEF_YES;
}


/*
*********************************************************************************************************
*                                        App_WebSock_OnClose()
*
* Description : WebSocket closed.
*********************************************************************************************************
*/

static  void  App_WebSock_OnClose (HTTPc_CONN_OBJ              *p_conn,
                                   HTTPc_WEBSOCK_CLOSE_CODE     close_code,
                                   HTTPc_WEBSOCK_CLOSE_REASON  *p_reason)
{
    CPU_BOOLEAN  has_reason;


   (void)p_conn;
                                                                /* No reason: DataPtr is NULL (no code, or none).       */
    has_reason = ((p_reason != DEF_NULL) && (p_reason->DataPtr != DEF_NULL)) ? DEF_YES : DEF_NO;
    APP_TRACE_INFO(("WebSocket closed: code %u, reason \"%.*s\".\n\r",
                    (unsigned int)close_code,
                    (has_reason == DEF_YES) ? (int)p_reason->Len : 0,
                    (has_reason == DEF_YES) ?      p_reason->DataPtr : ""));

    App_WebSock_CloseCode = close_code;
    App_WebSock_IsClosed  = DEF_YES;
}


/*
*********************************************************************************************************
*                                         App_WebSock_OnErr()
*
* Description : WebSocket error.
*********************************************************************************************************
*/

static  void  App_WebSock_OnErr (HTTPc_CONN_OBJ  *p_conn,
                                 HTTPc_ERR        err)
{
   (void)p_conn;

    APP_TRACE_INFO(("WebSocket error: %u.\n\r", (unsigned int)err));
}


/*
*********************************************************************************************************
*                                        App_WebSock_OnPong()
*
* Description : Pong received.
*********************************************************************************************************
*/

static  void  App_WebSock_OnPong (HTTPc_CONN_OBJ  *p_conn,
                                  CPU_CHAR        *p_data,
                                  CPU_INT16U       data_len)
{
   (void)p_conn;
   (void)p_data;

    APP_TRACE_INFO(("Pong received, %u bytes.\n\r", (unsigned int)data_len));
}


/*
*********************************************************************************************************
*                                      App_WebSock_OnMsgRxInit()
*
* Description : A message starts.
*
* Note(s)     : (1) A single-frame message that fits is received straight into App_WebSock_RxBuf
*                   (buffer mode: OnMsgRxData is not called). Other messages come through
*                   App_WebSock_OnMsgRxData().
*********************************************************************************************************
*/

static  void  App_WebSock_OnMsgRxInit (HTTPc_CONN_OBJ           *p_conn,
                                       HTTPc_WEBSOCK_MSG_TYPE    msg_type,
                                       CPU_INT32U                msg_len,
                                       void                    **p_data)
{
   (void)p_conn;

    App_WebSock_RxType = msg_type;
    App_WebSock_RxLen  = 0u;

    if ((msg_len != HTTPc_WEBSOCK_TX_MSG_LEN_NOT_DEFINED) &&
        (msg_len <= sizeof(App_WebSock_RxBuf))) {             /* See Note #1.                                         */
       *p_data            = (void *)App_WebSock_RxBuf;
        App_WebSock_RxLen = msg_len;
    } else {
       *p_data            = DEF_NULL;
    }
}


/*
*********************************************************************************************************
*                                      App_WebSock_OnMsgRxData()
*
* Description : A chunk of the current message (streaming mode).
*********************************************************************************************************
*/

static  CPU_INT32U  App_WebSock_OnMsgRxData (HTTPc_CONN_OBJ          *p_conn,
                                             HTTPc_WEBSOCK_MSG_TYPE   msg_type,
                                             void                    *p_data,
                                             CPU_INT16U               data_len)
{
    CPU_INT32U  len;


   (void)p_conn;
   (void)msg_type;

    len = sizeof(App_WebSock_RxBuf) - App_WebSock_RxLen;
    if (len > data_len) {
        len = data_len;
    }
    memcpy(&App_WebSock_RxBuf[App_WebSock_RxLen], p_data, len);
    App_WebSock_RxLen += len;

    return (data_len);
}


/*
*********************************************************************************************************
*                                    App_WebSock_OnMsgRxComplete()
*
* Description : The current message is complete.
*********************************************************************************************************
*/

static  void  App_WebSock_OnMsgRxComplete (HTTPc_CONN_OBJ  *p_conn)
{
   (void)p_conn;

    App_WebSock_IsRxDone = DEF_YES;
}
