/* The TLS layer (ports/mbedtls) around an in-memory inner port, with an mbedTLS server in the
 * same process: no sockets, every byte and every would-block decided here.
 *
 * Cases:
 * - a Send blocks in the middle of a record (the inner socket takes 10 bytes), the server then
 *   sends a HelloRequest, and the engine reads before it sends again. mbedTLS refuses the
 *   renegotiation from mbedtls_ssl_read(), and its alert path flushes the pending record first;
 *   the engine's retry must then be answered "taken", not encrypted into a second record. The
 *   server must read the 100 bytes once, in the control run without a HelloRequest and in this
 *   one;
 * - an inner Connect that fails after making its handle gets that handle closed once;
 * - list mode (an inner port with Wait and no Watch): a session the engine no longer lists,
 *   with plaintext buffered inside mbedTLS, does not turn the engine's waits into zero timeouts
 *   (a busy loop while the application holds reading back);
 * - empty application-data records (two in a row make mbedtls_ssl_read() return 0) are not the
 *   end of the stream: the data after them arrives;
 * - a flood of warning alerts (records mbedTLS consumes in a loop of its own) is read at most
 *   HTTPC_PORT_TLS_RX_BUDGET bytes per call, so the engine's deadlines run between calls;
 * - a server that offers only TLS 1.0 is refused (the layer's minimum is TLS 1.2);
 * - a Close with part of a record still unsent flushes it and then sends close_notify;
 * - watch mode: after a read that went on beside a queued alert, the inner socket is watched
 *   for reading too, not only for the alert's way out.
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

/* Appends n bytes to a pipe: 0, or -1 when they do not fit. */
static int pipe_write(Pipe *p, const unsigned char *buf, size_t n)
{
    if (n > sizeof p->Buf - p->Len) {
        return -1;
    }
    memcpy(p->Buf + p->Len, buf, n);
    p->Len += n;
    return 0;
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
    return (pipe_write(&ToServer, p_data, n) == 0) ? (CPU_INT32S)n : HTTPc_PORT_ERR;
}

/* Takes up to len bytes from a pipe: how many (0: it is empty). */
static size_t pipe_read(Pipe *p, unsigned char *buf, size_t len)
{
    size_t n = p->Len - p->Off;
    if (n > len) {
        n = len;
    }
    memcpy(buf, p->Buf + p->Off, n);
    p->Off += n;
    return n;
}

static CPU_INT32S in_recv(void *ctx, void *handle, CPU_INT08U *p_buf, CPU_INT32U len)
{
    size_t n = pipe_read(&ToClient, p_buf, len);
    (void)ctx, (void)handle;
    return (n == 0) ? HTTPc_PORT_WOULD_BLOCK : (CPU_INT32S)n;
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
    return (pipe_write(&ToClient, buf, len) == 0) ? (int)len : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

static int srv_recv(void *ctx, unsigned char *buf, size_t len)
{
    size_t n = pipe_read(&ToServer, buf, len);
    (void)ctx;
    return (n == 0) ? MBEDTLS_ERR_SSL_WANT_READ : (int)n;
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

/* The timeout of the inner port's last Wait (list mode only). */
static CPU_INT32U InnerTimeout;

static void in_wait(void *ctx, const HTTPc_PORT_WAIT_ENTRY *p_entries, CPU_INT16U nbr,
                    CPU_INT32U timeout_ms)
{
    (void)ctx, (void)p_entries, (void)nbr;
    InnerTimeout = timeout_ms;
}

/* The readiness the inner port's Watch was last asked for (watch mode, see layer_init). */
static int InnerWatchMode;
static CPU_INT08U InnerWatched;

static void in_watch(void *ctx, void *handle, CPU_INT08U want)
{
    (void)ctx, (void)handle;
    InnerWatched = want;
}

/* The layer around the in-memory inner port, trusting mbedTLS's test CA: 0 when it is set up.
 * `list_mode`: the inner port has Wait and no Watch (as the lwIP and µC/TCP-IP ports). */
static int layer_init(HTTPc_PORT_TLS *p_tls, HTTPc_PORT_TLS_SESS *p_sess, HTTPc_PORT *p_outer,
                      int list_mode)
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
    if (list_mode) {
        inner.Wait = in_wait;
    } else if (InnerWatchMode) {
        inner.Wait = in_wait;
        inner.Watch = in_watch;
    }
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

/* One client session through the layer and the in-process server. */
static struct {
    HTTPc_PORT_TLS Tls;
    HTTPc_PORT_TLS_SESS Sess[1];
    HTTPc_PORT Outer;
    mbedtls_ssl_config SrvConf;
    mbedtls_ssl_context Srv;
    mbedtls_x509_crt SrvCrt;
    mbedtls_pk_context SrvKey;
    mbedtls_ctr_drbg_context SrvDrbg;
    void *Handle;
    int Open; /* the client handle is not closed yet */
} P;

/* Sets the layer and the server up and runs the handshake: 0 when it completed, 1 when the
 * client refused it (the layer's error in P.Tls.LastErr), -1 on a failed check. `tls10_only`:
 * the server offers only TLS 1.0 with a CBC suite. */
static int peer_open(int list_mode, int tls10_only)
{
    static int tls10_suites[2] = {MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, 0};
    HTTPc_PORT_SECURE_CFG secure;
    CPU_INT32S r;
    int ret = -1;
    int i;

    memset(&ToServer, 0, sizeof ToServer);
    memset(&ToClient, 0, sizeof ToClient);
    SendRoom = -1;
    P.Open = 0;
    CHECK(layer_init(&P.Tls, P.Sess, &P.Outer, list_mode) == 0, "HTTPc_PortTls_Init");

    mbedtls_ssl_config_init(&P.SrvConf);
    mbedtls_ssl_init(&P.Srv);
    mbedtls_x509_crt_init(&P.SrvCrt);
    mbedtls_pk_init(&P.SrvKey);
    mbedtls_ctr_drbg_init(&P.SrvDrbg);
    CHECK(mbedtls_ctr_drbg_seed(&P.SrvDrbg, srv_entropy, NULL, NULL, 0) == 0, "drbg");
    CHECK(mbedtls_x509_crt_parse(&P.SrvCrt, (const unsigned char *)mbedtls_test_srv_crt,
                                 mbedtls_test_srv_crt_len) == 0, "server certificate");
    CHECK(mbedtls_pk_parse_key(&P.SrvKey, (const unsigned char *)mbedtls_test_srv_key,
                               mbedtls_test_srv_key_len, NULL, 0) == 0, "server key");
    mbedtls_ssl_config_defaults(&P.SrvConf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&P.SrvConf, mbedtls_ctr_drbg_random, &P.SrvDrbg);
    CHECK(mbedtls_ssl_conf_own_cert(&P.SrvConf, &P.SrvCrt, &P.SrvKey) == 0, "own cert");
    mbedtls_ssl_conf_renegotiation(&P.SrvConf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    if (tls10_only) {
        mbedtls_ssl_conf_min_version(&P.SrvConf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     MBEDTLS_SSL_MINOR_VERSION_1);
        mbedtls_ssl_conf_max_version(&P.SrvConf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     MBEDTLS_SSL_MINOR_VERSION_1);
        mbedtls_ssl_conf_ciphersuites(&P.SrvConf, tls10_suites);
    }
    CHECK(mbedtls_ssl_setup(&P.Srv, &P.SrvConf) == 0, "server setup");
    mbedtls_ssl_set_bio(&P.Srv, NULL, srv_send, srv_recv, NULL);

    memset(&secure, 0, sizeof secure);
    secure.CommonNamePtr = (const CPU_CHAR *)"localhost";
    secure.TrustCallback = trust_test_ca;
    r = P.Outer.Connect(P.Outer.Ctx, (const CPU_CHAR *)"localhost", 443u, 1000u, &secure, 0u,
                        DEF_NO, &P.Handle);
    CHECK(r == HTTPc_PORT_OK || r == HTTPc_PORT_WOULD_BLOCK, "Connect: %d", (int)r);
    P.Open = 1;
    for (i = 0; i < 100; i++) {
        ret = mbedtls_ssl_handshake(&P.Srv);
        r = P.Outer.ConnectPoll(P.Outer.Ctx, P.Handle);
        if (r == HTTPc_PORT_ERR) {
            return 1;
        }
        if (r == HTTPc_PORT_OK && ret == 0) {
            return 0;
        }
    }
    CHECK(0, "no handshake after %d steps (server %d)", i, ret);
}

/* Closes what peer_open set up. */
static void peer_close(void)
{
    if (P.Open) {
        P.Outer.Close(P.Outer.Ctx, P.Handle);
        P.Open = 0;
    }
    HTTPc_PortTls_Free(&P.Tls);
    mbedtls_ssl_free(&P.Srv);
    mbedtls_ssl_config_free(&P.SrvConf);
    mbedtls_x509_crt_free(&P.SrvCrt);
    mbedtls_pk_free(&P.SrvKey);
    mbedtls_ctr_drbg_free(&P.SrvDrbg);
}

/* Application bytes the server reads until it would block; *p_end: its last result. */
static int server_reads(int *p_end)
{
    unsigned char buf[4096];
    int total = 0;
    int ret;

    for (;;) {
        ret = mbedtls_ssl_read(&P.Srv, buf, sizeof buf);
        if (ret <= 0) {
            break;
        }
        total += ret;
    }
    if (p_end != NULL) {
        *p_end = ret;
    }
    return total;
}

/* Returns the application bytes the server read, -1 on a failed check. */
static int record_once(int hello_request)
{
    unsigned char data[100];
    unsigned char buf[4096];
    CPU_INT32S r;
    int total;

    CHECK(peer_open(0, 0) == 0, "handshake: LastErr %d", P.Tls.LastErr);
    memset(data, 'A', sizeof data);
    SendRoom = 10; /* the socket takes 10 bytes of the record, then would block */
    r = P.Outer.Send(P.Outer.Ctx, P.Handle, data, sizeof data);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "first Send: %d", (int)r);
    if (hello_request) {
        CHECK(mbedtls_ssl_renegotiate(&P.Srv) == 0, "server HelloRequest");
    }
    SendRoom = -1; /* writable again; the engine reads first */
    r = P.Outer.Recv(P.Outer.Ctx, P.Handle, buf, sizeof buf);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "Recv: %d", (int)r);
    r = P.Outer.Send(P.Outer.Ctx, P.Handle, data, sizeof data); /* the engine's retry, same bytes */
    CHECK(r == (CPU_INT32S)sizeof data, "retried Send: %d", (int)r);
    total = server_reads(NULL);
    peer_close();
    return total;
}

/* An inner Connect that fails after making a handle: the layer closes that handle once, as
 * the engine closes one a failed Connect produced. Returns 0 when it does. */
static int failed_inner_connect(void)
{
    HTTPc_PORT_SECURE_CFG secure;
    void *handle = NULL;
    CPU_INT32S r;

    CHECK(layer_init(&P.Tls, P.Sess, &P.Outer, 0) == 0, "HTTPc_PortTls_Init");
    memset(&secure, 0, sizeof secure);
    secure.CommonNamePtr = (const CPU_CHAR *)"localhost";
    ConnectFails = 1;
    InnerCloses = 0;
    r = P.Outer.Connect(P.Outer.Ctx, (const CPU_CHAR *)"localhost", 443u, 1000u, &secure, 0u,
                        DEF_NO, &handle);
    ConnectFails = 0;
    HTTPc_PortTls_Free(&P.Tls);
    CHECK(r == HTTPc_PORT_ERR && InnerCloses == 1,
          "an inner handle a failed Connect made was not closed once (%d closes)", InnerCloses);
    return 0;
}

/* List mode: plaintext stays inside mbedTLS while the application holds reading back, so the
 * engine stops listing the socket and waits on its timer alone: that wait must keep its
 * timeout. While the socket is listed for reading, the buffered plaintext makes it 0. */
static int list_mode_forgets_unlisted(void)
{
    unsigned char big[4000];
    unsigned char buf[100];
    HTTPc_PORT_WAIT_ENTRY e;
    CPU_INT32S r;

    CHECK(peer_open(1, 0) == 0, "handshake: LastErr %d", P.Tls.LastErr);
    memset(big, 'x', sizeof big);
    CHECK(mbedtls_ssl_write(&P.Srv, big, sizeof big) == (int)sizeof big, "server write");
    r = P.Outer.Recv(P.Outer.Ctx, P.Handle, buf, sizeof buf);
    CHECK(r == (CPU_INT32S)sizeof buf, "Recv: %d", (int)r);
    CHECK(mbedtls_ssl_get_bytes_avail(&P.Sess[0].Ssl) > 0u, "no plaintext left inside mbedTLS");
    e.Handle = P.Handle;
    e.Want = HTTPc_PORT_WAIT_RD;
    P.Outer.Wait(P.Outer.Ctx, &e, 1u, 50u);
    CHECK(InnerTimeout == 0u, "listed for reading with plaintext buffered: timeout %u, not 0",
          (unsigned)InnerTimeout);
    P.Outer.Wait(P.Outer.Ctx, NULL, 0u, 5u);
    CHECK(InnerTimeout == 5u, "not listed: timeout %u, not the engine's 5 ms (a busy loop)",
          (unsigned)InnerTimeout);
    peer_close();
    return 0;
}

/* Two empty application-data records, then 10 bytes: the 10 bytes arrive, nothing fails. */
static int empty_records_are_not_the_end(void)
{
    unsigned char ten[10] = "0123456789";
    unsigned char buf[64];
    CPU_INT32S r;
    int got = 0;
    int i;

    CHECK(peer_open(0, 0) == 0, "handshake: LastErr %d", P.Tls.LastErr);
    CHECK(mbedtls_ssl_write(&P.Srv, ten, 0u) == 0 && mbedtls_ssl_write(&P.Srv, ten, 0u) == 0,
          "server: empty records");
    CHECK(mbedtls_ssl_write(&P.Srv, ten, sizeof ten) == (int)sizeof ten, "server write");
    for (i = 0; i < 4 && got < (int)sizeof ten; i++) {
        r = P.Outer.Recv(P.Outer.Ctx, P.Handle, buf, sizeof buf);
        CHECK(r > 0 || r == HTTPc_PORT_WOULD_BLOCK, "Recv %d: %d (LastErr -0x%x)", i, (int)r,
              (unsigned)-P.Tls.LastErr);
        got += (r > 0) ? (int)r : 0;
    }
    CHECK(got == (int)sizeof ten, "read %d bytes, not 10", got);
    peer_close();
    return 0;
}

/* More than the budget of warning alerts (records mbedTLS consumes in a loop of its own), then
 * 10 bytes: one Recv stops at the budget (would-block, back to the engine and its deadlines)
 * instead of reading every alert, and the 10 bytes arrive on the calls after it. */
static int alert_flood_is_read_in_budgeted_calls(void)
{
    unsigned char ten[10] = "0123456789";
    unsigned char buf[64];
    size_t start;
    CPU_INT32S r;
    int got = 0;
    int calls = 0;

    CHECK(peer_open(0, 0) == 0, "handshake: LastErr %d", P.Tls.LastErr);
    start = ToClient.Off;
    while (ToClient.Len - start < HTTPC_PORT_TLS_RX_BUDGET + 8192u) {
        CHECK(mbedtls_ssl_send_alert_message(&P.Srv, MBEDTLS_SSL_ALERT_LEVEL_WARNING,
                                             MBEDTLS_SSL_ALERT_MSG_USER_CANCELED) == 0,
              "server: alert");
    }
    CHECK(mbedtls_ssl_write(&P.Srv, ten, sizeof ten) == (int)sizeof ten, "server write");
    r = P.Outer.Recv(P.Outer.Ctx, P.Handle, buf, sizeof buf);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "first Recv: %d (LastErr -0x%x), not would-block", (int)r,
          (unsigned)-P.Tls.LastErr);
    CHECK(ToClient.Off - start <= HTTPC_PORT_TLS_RX_BUDGET,
          "the first Recv took %u bytes, over its budget of %u", (unsigned)(ToClient.Off - start),
          (unsigned)HTTPC_PORT_TLS_RX_BUDGET);
    for (calls = 0; calls < 8 && got < (int)sizeof ten; calls++) {
        r = P.Outer.Recv(P.Outer.Ctx, P.Handle, buf, sizeof buf);
        CHECK(r > 0 || r == HTTPc_PORT_WOULD_BLOCK, "Recv %d: %d (LastErr -0x%x)", calls, (int)r,
              (unsigned)-P.Tls.LastErr);
        got += (r > 0) ? (int)r : 0;
    }
    CHECK(got == (int)sizeof ten && memcmp(buf, ten, sizeof ten) == 0, "read %d bytes, not 10",
          got);
    peer_close();
    return 0;
}

/* A server that offers only TLS 1.0 is refused during the handshake. */
static int tls10_refused(void)
{
    int r = peer_open(0, 1);

    peer_close();
    CHECK(r == 1, "a TLS 1.0-only server was %s", r == 0 ? "accepted" : "not reached");
    return 0;
}

/* A Close while part of a record is still unsent: the server reads the whole record, then the
 * close_notify. */
static int close_notify_after_pending(void)
{
    unsigned char data[100];
    CPU_INT32S r;
    int end = 0;
    int total;

    CHECK(peer_open(0, 0) == 0, "handshake: LastErr %d", P.Tls.LastErr);
    memset(data, 'B', sizeof data);
    SendRoom = 10;
    r = P.Outer.Send(P.Outer.Ctx, P.Handle, data, sizeof data);
    CHECK(r == HTTPc_PORT_WOULD_BLOCK, "Send: %d", (int)r);
    SendRoom = -1;
    P.Outer.Close(P.Outer.Ctx, P.Handle);
    P.Open = 0;
    total = server_reads(&end);
    peer_close();
    CHECK(total == (int)sizeof data, "the server read %d bytes, not 100", total);
    CHECK(end == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, "then %d (-0x%x), not close_notify", end,
          (unsigned)-end);
    return 0;
}

/* Watch mode: the answer to a server's HelloRequest (a no_renegotiation alert) waits, the inner
 * socket full; the server's data that follows is read all the same. The engine then waits for
 * more to read: the inner socket is watched for reading as well as for the alert's way out, or
 * a server that waits for our reading before it reads (the alert) would stall us both. */
static int read_kept_watched_beside_queued_output(void)
{
    unsigned char data[50];
    unsigned char buf[4096];
    CPU_INT32S r = HTTPc_PORT_WOULD_BLOCK;
    int i;

    InnerWatchMode = 1;
    CHECK(peer_open(0, 0) == 0, "handshake: LastErr %d", P.Tls.LastErr);
    SendRoom = 0;
    CHECK(mbedtls_ssl_renegotiate(&P.Srv) == 0, "the server's HelloRequest");
    memset(data, 'D', sizeof data);
    CHECK(mbedtls_ssl_write(&P.Srv, data, sizeof data) == (int)sizeof data, "the server's data");
    for (i = 0; i < 4 && r <= 0; i++) {
        r = P.Outer.Recv(P.Outer.Ctx, P.Handle, buf, sizeof buf);
    }
    CHECK(r == (CPU_INT32S)sizeof data, "Recv: %d", (int)r);
    CHECK(P.Sess[0].Ssl.out_left != 0u, "the alert was meant to wait (out_left 0)");
    InnerWatched = 0u;
    P.Outer.Watch(P.Outer.Ctx, P.Handle, HTTPc_PORT_WAIT_RD);
    CHECK(InnerWatched == (HTTPc_PORT_WAIT_RD | HTTPc_PORT_WAIT_WR),
          "the engine waits to read; the inner socket is watched for 0x%x, not RD|WR",
          (unsigned)InnerWatched);
    SendRoom = -1;
    peer_close();
    InnerWatchMode = 0;
    return 0;
}

int main(void)
{
    int control = record_once(0);
    int renegotiated = record_once(1);

    if (control != 100) {
        printf("FAIL control run: the server read %d bytes, not 100\n", control);
        failures++;
    }
    if (renegotiated != 100) {
        printf("FAIL HelloRequest run: the server read %d bytes, not 100 (a record sent twice?)\n",
               renegotiated);
        failures++;
    }
    (void)failed_inner_connect();
    (void)list_mode_forgets_unlisted();
    (void)empty_records_are_not_the_end();
    (void)alert_flood_is_read_in_budgeted_calls();
    (void)tls10_refused();
    (void)close_notify_after_pending();
    (void)read_kept_watched_beside_queued_output();
    if (failures == 0) {
        printf("PASS: a record blocked mid-send leaves once, with and without a HelloRequest; a "
               "failed inner Connect's handle is closed; list mode keeps the engine's timeout; "
               "empty records are not an end; an alert flood is read in budgeted calls; TLS 1.0 "
               "is refused; close_notify follows a pending record; reading stays watched beside a queued alert\n");
    }
    return failures == 0 ? 0 : 1;
}
#endif
