/*
*********************************************************************************************************
*                                            EXAMPLE CODE
*
*               This file is provided as an example of REST calls (HTTPc_ReqSend) with httpc-ws,
*               written as an application of the legacy Micrium uC/HTTP-client is written: a
*               persistent connection, a GET with a query string and a POST of a JSON body, the
*               response body streamed through the response-body hook.  Moving it from the
*               legacy client took the same two lines as any httpc-ws application, marked
*               "httpc-ws: added".  Plain requests are in the library's default build (a
*               WebSocket-only build, without the cargo feature http, answers
*               HTTPc_ERR_FEATURE_DIS).
*
*               SPDX-License-Identifier: Apache-2.0
*********************************************************************************************************
*/

/*
*********************************************************************************************************
*
*                                               EXAMPLE
*
*                                  HTTP CLIENT REST APPLICATION FILE
*
* Filename : rest_client.c
*
* Usage    : rest_client [host [port]]                (default: 127.0.0.1 8080)
*
*            Against tests/servers/http_server.py: GET /query?device=dev%201&fw  (the server
*            answers the query string it received), then POST /echo with a JSON body (the
*            server answers it back).  Prints each status and body.  Exits with 0 when both
*            answers are the expected ones.
*********************************************************************************************************
*/

#include  <stdio.h>
#include  <stdlib.h>
#include  <string.h>

#include  <http-c.h>

#include  "httpc_port_posix.h"                                  /* httpc-ws: added (the platform port).                 */


/*
*********************************************************************************************************
*                                          LOCAL DATA
*********************************************************************************************************
*/

#define  APP_BUF_LEN                       1024u

static  HTTPc_CONN_OBJ   App_Conn;
static  HTTPc_REQ_OBJ    App_Req;
static  HTTPc_RESP_OBJ   App_Resp;
static  CPU_CHAR         App_ConnBuf[APP_BUF_LEN];

static  CPU_CHAR         App_Body[APP_BUF_LEN];                 /* The last response body.                              */
static  CPU_INT32U       App_BodyLen;

static  const  CPU_CHAR  App_Json[] = "{\"temperature\":21.5,\"unit\":\"C\"}";

static  const  HTTPc_CFG      App_Cfg     = { 0u, 4u, 5000u, 30u, DEF_NO };
static  const  HTTP_TASK_CFG  App_TaskCfg = { 20u, 32768u, DEF_NULL };


/*
*********************************************************************************************************
*                                              HOOKS
*********************************************************************************************************
*/

                                                                /* Response body: kept for the application.             */
static  CPU_INT32U  App_RespBodyHook (HTTPc_CONN_OBJ     *p_conn,
                                      HTTPc_REQ_OBJ      *p_req,
                                      HTTP_CONTENT_TYPE   content_type,
                                      void               *p_data,
                                      CPU_INT16U          data_len,
                                      CPU_BOOLEAN         last_chunk)
{
   (void)p_conn;
   (void)p_req;
   (void)content_type;
   (void)last_chunk;
    if ((p_data != DEF_NULL) && (App_BodyLen + data_len < sizeof(App_Body))) {
        memcpy(&App_Body[App_BodyLen], p_data, data_len);
        App_BodyLen += data_len;
        App_Body[App_BodyLen] = '\0';
    }
    return (data_len);
}

                                                                /* Request body: the JSON document, from our memory.    */
static  CPU_BOOLEAN  App_ReqBodyHook (HTTPc_CONN_OBJ   *p_conn,
                                      HTTPc_REQ_OBJ    *p_req,
                                      void            **p_data,
                                      CPU_CHAR         *p_buf,
                                      CPU_INT16U        buf_len,
                                      CPU_INT16U       *p_data_len)
{
   (void)p_conn;
   (void)p_req;
   (void)p_buf;
   (void)buf_len;
   *p_data     = (void *)App_Json;
   *p_data_len = (CPU_INT16U)(sizeof(App_Json) - 1u);
    return (DEF_YES);
}

                                                                /* Required with persistent connections.                */
static  void  App_ConnCloseCallback (HTTPc_CONN_OBJ           *p_conn,
                                     HTTPc_CONN_CLOSE_STATUS   close_status,
                                     HTTPc_ERR                 err)
{
   (void)p_conn;
    printf("connection closed: status %u, err %u\n", (unsigned)close_status, (unsigned)err);
}


/*
*********************************************************************************************************
*                                               main()
*********************************************************************************************************
*/

int  main (int  argc, char  *argv[])
{
    HTTPc_PORT         port;                                    /* httpc-ws: added (the platform port).                 */
    HTTPc_ERR          err;
    CPU_BOOLEAN        ok;
    CPU_BOOLEAN        persistent = DEF_YES;
    NET_PORT_NBR       srv_port;
    HTTP_CONTENT_TYPE  content_type;
    CPU_INT32U         content_len;
    HTTPc_KEY_VAL      query[2];
    HTTPc_PARAM_TBL    tbl;
    CPU_CHAR          *p_host;
    int                rc = 0;


    p_host   = (argc > 1) ? argv[1] : "127.0.0.1";
    srv_port = (NET_PORT_NBR)((argc > 2) ? atoi(argv[2]) : 8080);

    HTTPc_PortPosix_Get(&port, DEF_YES);                        /* httpc-ws: added (the platform port).                 */
    HTTPc_PortSet(&port, &err);
    HTTPc_Init(&App_Cfg, &App_TaskCfg, DEF_NULL, &err);
    if (err != HTTPc_ERR_NONE) {
        printf("HTTPc_Init: err %u\n", (unsigned)err);
        return (1);
    }

    HTTPc_ConnClr(&App_Conn, &err);
    HTTPc_ConnSetParam(&App_Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &srv_port, &err);
    HTTPc_ConnSetParam(&App_Conn, HTTPc_PARAM_TYPE_PERSISTENT, &persistent, &err);
    HTTPc_ConnSetParam(&App_Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)App_ConnCloseCallback, &err);
    ok = HTTPc_ConnOpen(&App_Conn, App_ConnBuf, APP_BUF_LEN, p_host, (CPU_INT16U)strlen(p_host),
                        HTTPc_FLAG_NONE, &err);
    if (ok != DEF_OK) {
        printf("HTTPc_ConnOpen: err %u\n", (unsigned)err);
        return (1);
    }

                                                                /* ---------- GET WITH A QUERY STRING ---------- */
    HTTPc_ReqClr(&App_Req, &err);
    query[0].KeyPtr = "device";
    query[0].KeyLen = 6u;
    query[0].ValPtr = "dev 1";                                  /* Percent-encoded on the wire: dev%201.                 */
    query[0].ValLen = 5u;
    query[1].KeyPtr = "fw";
    query[1].KeyLen = 2u;
    query[1].ValPtr = DEF_NULL;                                 /* A key alone.                                         */
    query[1].ValLen = 0u;
    tbl.TblPtr   = query;
    tbl.EntryNbr = 2u;
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_REQ_QUERY_STR_TBL, &tbl, &err);
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_RESP_BODY_HOOK, (void *)App_RespBodyHook, &err);
    App_BodyLen = 0u;
    ok = HTTPc_ReqSend(&App_Conn, &App_Req, &App_Resp, HTTP_METHOD_GET, "/query", 6u, HTTPc_FLAG_NONE, &err);
    if (err == HTTPc_ERR_FEATURE_DIS) {
        printf("this library was built without plain requests (cargo feature http)\n");
        return (0);
    }
    printf("GET /query: ok %u, err %u, status index %u, body \"%s\"\n",
           (unsigned)ok, (unsigned)err, (unsigned)App_Resp.StatusCode, App_Body);
    if ((ok != DEF_OK) || (strcmp(App_Body, "device=dev%201&fw") != 0)) {
        rc = 1;
    }

                                                                /* ---------------- POST JSON ----------------- */
    HTTPc_ReqClr(&App_Req, &err);
    content_type = HTTP_CONTENT_TYPE_JSON;
    content_len  = sizeof(App_Json) - 1u;
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_TYPE, &content_type, &err);
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_REQ_BODY_CONTENT_LEN, &content_len, &err);
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_REQ_BODY_HOOK, (void *)App_ReqBodyHook, &err);
    HTTPc_ReqSetParam(&App_Req, HTTPc_PARAM_TYPE_RESP_BODY_HOOK, (void *)App_RespBodyHook, &err);
    App_BodyLen = 0u;
    ok = HTTPc_ReqSend(&App_Conn, &App_Req, &App_Resp, HTTP_METHOD_POST, "/echo", 5u, HTTPc_FLAG_NONE, &err);
    printf("POST /echo: ok %u, err %u, status index %u, body %s\n",
           (unsigned)ok, (unsigned)err, (unsigned)App_Resp.StatusCode, App_Body);
    if ((ok != DEF_OK) || (strcmp(App_Body, App_Json) != 0)) {
        rc = 1;
    }

    HTTPc_ConnClose(&App_Conn, HTTPc_FLAG_NONE, &err);
    return (rc);
}
