/* The TLS layer (ports/mbedtls) around an in-memory inner port, with an mbedTLS server in the
 * same process: no sockets, every byte and every would-block decided here.
 *
 * Case: a Send blocks in the middle of a record (the inner socket takes 10 bytes), the server
 * then sends a HelloRequest, and the engine reads before it sends again. mbedTLS refuses the
 * renegotiation from mbedtls_ssl_read(), and its alert path flushes the pending record first;
 * the engine's retry must then be answered "taken", not encrypted into a second record. The
 * server must read the 100 bytes once, in the control run without a HelloRequest and in this
 * one.
 *
 * Needs mbedTLS 2.x's built-in test certificates (mbedtls/certs.h); with 3.x it reports
 * "skipped" (exit 77). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpc_port_mbedtls.h"
#include "mbedtls/version.h"

#if MBEDTLS_VERSION_MAJOR >= 3
int main(void)
{
    printf("skipped: mbedTLS %s has no built-in test certificates (mbedtls/certs.h)\n",
           MBEDTLS_VERSION_STRING);
    return 77;
}
#else

#include "mbedtls/certs.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/pk.h"

/* The two directions of the in-memory connection. */
typedef struct {
    unsigned char Buf[1 << 16];
    size_t Len;
    size_t Off;
} Pipe;

static Pipe ToServer;
static Pipe ToClient;
/* Bytes the inner socket still takes (-1: any). */
static long SendRoom = -1;
/* The inner Connect fails after making its handle; how often the inner Close ran. */
static int ConnectFails;
static int InnerCloses;
static unsigned Seed = 1u;

static unsigned char next_byte(void)
{
    Seed = Seed * 1103515245u + 12345u; /* test randomness only: keys of a throwaway session */
    return (unsigned char)(Seed >> 16);
}

static CPU_INT32S in_connect(void *ctx, const CPU_CHAR *host, CPU_INT16U port, CPU_INT32U timeout_ms,
                             const HTTPc_PORT_SECURE_CFG *secure, CPU_INT16U inactivity_s,
                             CPU_BOOLEAN keep_alive, void **p_handle)
{
    (void)ctx, (void)host, (void)port, (void)timeout_ms, (void)secure, (void)inactivity_s;
    (void)keep_alive;
    *p_handle = &ToServer;
    return ConnectFails ? HTTPc_PORT_ERR : HTTPc_PORT_OK;
}

static CPU_INT32S in_poll(void *ctx, void *handle)
{
    (void)ctx, (void)handle;
    return HTTPc_PORT_OK;
}

static CPU_INT32S in_send(void *ctx, void *handle, const CPU_INT08U *p_data, CPU_INT32U len)
{
    size_t n = len;
    (void)ctx, (void)handle;
    if (SendRoom == 0) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    if (SendRoom > 0 && (long)n > SendRoom) {
        n = (size_t)SendRoom;
    }
    if (SendRoom > 0) {
        SendRoom -= (long)n;
    }
    if (n > sizeof ToServer.Buf - ToServer.Len) {
        return HTTPc_PORT_ERR;
    }
    memcpy(ToServer.Buf + ToServer.Len, p_data, n);
    ToServer.Len += n;
    return (CPU_INT32S)n;
}

static CPU_INT32S in_recv(void *ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    size_t n = ToClient.Len - ToClient.Off;
    (void)ctx, (void)handle;
    if (n == 0) {
        return HTTPc_PORT_WOULD_BLOCK;
    }
    if (n > len) {
        n = len;
    }
    memcpy(p_buf, ToClient.Buf + ToClient.Off, n);
    ToClient.Off += n;
    return (CPU_INT32S)n;
}

static void in_close(void *ctx, void *handle)
{
    (void)ctx, (void)handle;
    InnerCloses++;
}

static CPU_BOOLEAN in_random(void *ctx, CPU_INT08U *p_buf, CPU_INT32U len)
{
    (void)ctx;
    while (len-- > 0u) {
        *p_buf++ = next_byte();
    }
    return DEF_OK;
}

static CPU_INT32U in_time(void *ctx)
{
    (void)ctx;
    return 0u;
}

static int srv_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    if (len > sizeof ToClient.Buf - ToClient.Len) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    memcpy(ToClient.Buf + ToClient.Len, buf, len);
    ToClient.Len += len;
    return (int)len;
}

static int srv_recv(void *ctx, unsigned char *buf, size_t len)
{
    size_t n = ToServer.Len - ToServer.Off;
    (void)ctx;
    if (n == 0) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (n > len) {
        n = len;
    }
    memcpy(buf, ToServer.Buf + ToServer.Off, n);
    ToServer.Off += n;
    return (int)n;
}

static int srv_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    while (len-- > 0u) {
        *out++ = next_byte();
    }
    return 0;
}

static CPU_BOOLEAN trust_test_ca(void *p_cert, NET_SOCK_SECURE_UNTRUSTED_REASON reason)
{
    (void)p_cert, (void)reason;
    return DEF_YES; /* the test CA's certificate is for "localhost"; the chain is what matters */
}

/* The layer around the in-memory inner port, trusting mbedTLS's test CA: 0 when it is set up. */
static int layer_init(HTTPc_PORT_TLS *p_tls, HTTPc_PORT_TLS_SESS *p_sess, HTTPc_PORT *p_outer)
{
    HTTPc_PORT inner;
    HTTPc_PORT_TLS_CFG cfg;

    memset(&inner, 0, sizeof inner);
    inner.Connect = in_connect;
    inner.ConnectPoll = in_poll;
    inner.Send = in_send;
    inner.Recv = in_recv;
    inner.Close = in_close;
    inner.Random = in_random;
    inner.TimeGet_ms = in_time;
    memset(&cfg, 0, sizeof cfg);
    cfg.InnerPortPtr = &inner; /* copied by Init */
    cfg.CaPtr = (const unsigned char *)mbedtls_test_cas_pem;
    cfg.CaLen = mbedtls_test_cas_pem_len;
    cfg.SessionsPtr = p_sess;
    cfg.NbrSessions = 1u;
    return HTTPc_PortTls_Init(p_tls, &cfg, p_outer);
}

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

/* One session; returns the application bytes the server read, -1 on a failed check. */
static int run(int hello_request)
{
    static HTTPc_PORT_TLS tls;
    static HTTPc_PORT_TLS_SESS sessions[1];
    HTTPc_PORT outer;
    HTTPc_PORT_SECURE_CFG secure;
    mbedtls_ssl_config srv_conf;
    mbedtls_ssl_context srv;
    mbedtls_x509_crt srv_crt;
    mbedtls_pk_context srv_key;
    mbedtls_ctr_drbg_context srv_drbg;
    void *handle = NULL;
    unsigned char data[100];
    unsigned char buf[4096];
    CPU_INT32S r = HTTPc_PORT_WOULD_BLOCK;
    int total = 0;
    int ret;
    int i;

    memset(&ToServer, 0, sizeof ToServer);
    memset(&ToClient, 0, sizeof ToClient);
    SendRoom = -1;
    CHECK(layer_init(&tls, sessions, &outer) == 0, "HTTPc_PortTls_Init");

    mbedtls_ssl_config_init(&srv_conf);
    mbedtls_ssl_init(&srv);
    mbedtls_x509_crt_init(&srv_crt);
    mbedtls_pk_init(&srv_key);
    mbedtls_ctr_drbg_init(&srv_drbg);
    CHECK(mbedtls_ctr_drbg_seed(&srv_drbg, srv_entropy, NULL, NULL, 0) == 0, "drbg");
    CHECK(mbedtls_x509_crt_parse(&srv_crt, (const unsigned char *)mbedtls_test_srv_crt,
                                 mbedtls_test_srv_crt_len) == 0, "server certificate");
    CHECK(mbedtls_pk_parse_key(&srv_key, (const unsigned char *)mbedtls_test_srv_key,
                               mbedtls_test_srv_key_len, NULL, 0) == 0, "server key");
    mbedtls_ssl_config_defaults(&srv_conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&srv_conf, mbedtls_ctr_drbg_random, &srv_drbg);
    CHECK(mbedtls_ssl_conf_own_cert(&srv_conf, &srv_crt, &srv_key) == 0, "own cert");
    mbedtls_ssl_conf_renegotiation(&srv_conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    CHECK(mbedtls_ssl_setup(&srv, &srv_conf) == 0, "server setup");
    mbedtls_ssl_set_bio(&srv, NULL, srv_send, srv_recv, NULL);

    memset(&secure, 0, sizeof secure);
    secure.CommonNamePtr = (const CPU_CHAR *)"localhost";
    secure.TrustCallback = trust_test_ca;
    r = outer.Connect(outer.Ctx, (const CPU_CHAR *)"localhost", 443u, 1000u, &secure, 0u, DEF_NO,
                      &handle);
    CHECK(r == HTTPc_PORT_OK || r == HTTPc_PORT_WOULD_BLOCK, "Connect: %d", (int)r);
    for (i = 0; i < 100; i++) {
        ret = mbedtls_ssl_handshake(&srv);
        r = outer.ConnectPoll(outer.Ctx, handle);
        CHECK(r != HTTPc_PORT_ERR, "handshake: LastErr %d", tls.LastErr);
        if (r == HTTPc_PORT_OK && ret == 0) {
            break;
        }
    }
    CHECK(r == HTTPc_PORT_OK, "no handshake after %d steps", i);

    memset(data, 'A', sizeof data);
    SendRoom = 10; /* the socket takes 10 bytes of the record, then would block */
    r = outer.Send(outer.Ctx, handle, data, sizeof data);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "first Send: %d", (int)r);
    if (hello_request) {
        CHECK(mbedtls_ssl_renegotiate(&srv) == 0, "server HelloRequest");
    }
    SendRoom = -1; /* writable again; the engine reads first */
    r = outer.Recv(outer.Ctx, handle, buf, sizeof buf);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "Recv: %d", (int)r);
    r = outer.Send(outer.Ctx, handle, data, sizeof data); /* the engine's retry, same bytes */
    CHECK(r == (CPU_INT32S)sizeof data, "retried Send: %d", (int)r);
    for (;;) {
        ret = mbedtls_ssl_read(&srv, buf, sizeof buf);
        if (ret <= 0) {
            break;
        }
        total += ret;
    }
    outer.Close(outer.Ctx, handle);
    HTTPc_PortTls_Free(&tls);
    mbedtls_ssl_free(&srv);
    mbedtls_ssl_config_free(&srv_conf);
    mbedtls_x509_crt_free(&srv_crt);
    mbedtls_pk_free(&srv_key);
    mbedtls_ctr_drbg_free(&srv_drbg);
    return total;
}

/* An inner Connect that fails after making a handle: the layer closes that handle once, as
 * the engine closes one a failed Connect produced. Returns 0 when it does. */
static int failed_inner_connect(void)
{
    static HTTPc_PORT_TLS tls;
    static HTTPc_PORT_TLS_SESS sessions[1];
    HTTPc_PORT outer;
    HTTPc_PORT_SECURE_CFG secure;
    void *handle = NULL;
    CPU_INT32S r;

    if (layer_init(&tls, sessions, &outer) != 0) {
        return -1;
    }
    memset(&secure, 0, sizeof secure);
    secure.CommonNamePtr = (const CPU_CHAR *)"localhost";
    ConnectFails = 1;
    InnerCloses = 0;
    r = outer.Connect(outer.Ctx, (const CPU_CHAR *)"localhost", 443u, 1000u, &secure, 0u, DEF_NO,
                      &handle);
    ConnectFails = 0;
    HTTPc_PortTls_Free(&tls);
    return (r == HTTPc_PORT_ERR && InnerCloses == 1) ? 0 : -1;
}

int main(void)
{
    int control = run(0);
    int renegotiated = run(1);

    if (failed_inner_connect() != 0) {
        printf("FAIL an inner handle a failed Connect made was not closed once (%d closes)\n",
               InnerCloses);
        failures++;
    }
    if (control != 100) {
        printf("FAIL control run: the server read %d bytes, not 100\n", control);
        failures++;
    }
    if (renegotiated != 100) {
        printf("FAIL HelloRequest run: the server read %d bytes, not 100 (a record sent twice?)\n",
               renegotiated);
        failures++;
    }
    if (failures == 0) {
        printf("PASS: a record blocked mid-send leaves once, with and without a HelloRequest; a "
               "failed inner Connect's handle is closed\n");
    }
    return failures == 0 ? 0 : 1;
}
#endif
