/*
 * app_refuse.c: mode=refuse of the TLS image. The server's certificate must be refused on the
 * MCU: a blocking HTTPc_ConnOpen with the name cn= fails with HTTPc_ERR_CONN_SOCK_CONNECT, the
 * layer's last error is MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, its verification flags hold those
 * of verify=HEX (MBEDTLS_X509_BADCERT_CN_MISMATCH 0x04 for a wrong name, _NOT_TRUSTED 0x08 for an
 * unknown CA, _EXPIRED 0x01, _FUTURE 0x200 without a wall clock), and not one byte of HTTP went
 * out. No trust callback is set, so nothing may accept the certificate.
 *
 * With fail=alloc (and a small arena=), the connection must fail the same way because mbedTLS
 * ran out of arena instead. Either way every arena byte the attempt took must be back afterwards.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "http-c.h"

#include "app.h"
#include "board.h"
#include "fwcheck.h"
#include "fwlib.h"
#include "netport.h"
#include "tls/fw_tls.h"

#define CONN_BUF_LEN 1024u
#define ERR_X509_CERT_VERIFY_FAILED (-0x2700) /* MBEDTLS_ERR_X509_CERT_VERIFY_FAILED */

static CPU_CHAR ConnBuf[CONN_BUF_LEN];
static HTTPc_CONN_OBJ Conn;

/* Mandatory for HTTPc_ConnOpen; nothing to do here. */
static void on_conn_close(HTTPc_CONN_OBJ *p_conn, HTTPc_CONN_CLOSE_STATUS status, HTTPc_ERR err)
{
    (void)p_conn;
    (void)status;
    (void)err;
}

int app_refuse(const APP_ARGS *p_args)
{
    static const HTTPc_CFG cfg = {0u, 4u, 10000u, 30u, DEF_NO};
    HTTPc_PORT port;
    HTTPc_ERR err = HTTPc_ERR_NONE;
    CPU_BOOLEAN ok;
    CPU_INT16U server_port = (CPU_INT16U)p_args->port;
    uint32_t want = fw_tls_verify_want();
    uint32_t flags;
    uint32_t t0;
    int last;

    netport_get(&port);
    HTTPc_PortSet(&port, &err);
    fw_check(err == HTTPc_ERR_NONE, "HTTPc_PortSet");
    HTTPc_Init(&cfg, 0, 0, &err);
    fw_check(err == HTTPc_ERR_NONE, "HTTPc_Init without a task");
    HTTPc_ConnClr(&Conn, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SERVER_PORT, &server_port, &err);
    HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_CONN_CLOSE_CALLBACK, (void *)&on_conn_close, &err);
    if (p_args->cn != 0) {
        HTTPc_ConnSetParam(&Conn, HTTPc_PARAM_TYPE_SECURE_COMMON_NAME, (void *)p_args->cn, &err);
    }
    fw_check(err == HTTPc_ERR_NONE && p_args->cn != 0, "wss:// parameters set (cn= given)");

    t0 = board_ms();
    ok = HTTPc_ConnOpen(&Conn, ConnBuf, (CPU_INT16U)CONN_BUF_LEN, (CPU_CHAR *)p_args->host,
                        (CPU_INT16U)fw_strlen(p_args->host), HTTPc_FLAG_NONE, &err);
    fw_printf("HTTPc_ConnOpen returned %u, err %u, after %u ms\n", (unsigned)ok, (unsigned)err,
              (unsigned)(board_ms() - t0));
    last = fw_tls_last_err();
    flags = fw_tls_last_verify_flags();
    fw_printf("layer: last error %s0x%x, verification flags 0x%x (wanted among them: 0x%x)\n", last < 0 ? "-" : "",
              (unsigned)(last < 0 ? -last : last), (unsigned)flags, (unsigned)want);
    fw_check(ok == DEF_FAIL && err == HTTPc_ERR_CONN_SOCK_CONNECT, "HTTPc_ConnOpen refused: HTTPc_ERR_CONN_SOCK_CONNECT");
    if (fw_tls_expect_alloc_failure()) {
        fw_check(fw_tls_alloc_failures() > 0u && last != 0, "because the arena ran out (an mbedTLS allocation failed)");
    } else {
        fw_check(last == ERR_X509_CERT_VERIFY_FAILED, "because of the certificate (MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)");
        fw_check(want != 0u && (flags & want) == want, "for the expected reason (verify= flags present)");
    }
    fw_check(netport_tx_count() == 0u && netport_rx_count() == 0u, "no plaintext byte went either way");
    fw_check(fw_tls_arena_back_to_init(), "every arena byte of the attempt given back");

    netport_finish();
    return fw_check_result();
}
