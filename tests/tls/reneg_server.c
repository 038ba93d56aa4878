/*
 * reneg_server: a TLS WebSocket peer built on mbedTLS's server side, for the one case Python's
 * ssl cannot produce: a server that asks for renegotiation (HelloRequest) in the middle of a
 * WebSocket session. The client (renegotiation disabled) answers with a no_renegotiation warning
 * alert from inside a Recv: the layer's "Recv wants WRITE" path.
 *
 *   reneg_server CERT.pem KEY.pem PORT_FILE
 *
 * Listens on 127.0.0.1 (kernel-chosen port, written to PORT_FILE), one connection at a time,
 * forever. Per connection: handshake, WebSocket upgrade, HelloRequest, text frame "hi", Close
 * 1000, then it reads until the client's Close, sends close_notify and closes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mbedtls/base64.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pk.h"
#include "mbedtls/sha1.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

static int write_all(mbedtls_ssl_context *ssl, const unsigned char *p, size_t n)
{
  while (n > 0) {
    int r = mbedtls_ssl_write(ssl, p, n);
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static void session(mbedtls_ssl_context *ssl)
{
  static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char req[4096], cat[128], sha[20], acc[64], buf[4096];
  size_t have = 0, olen;
  char resp[256];
  const char *k, *e;
  int r;
  static const unsigned char hi[] = {0x81, 0x02, 'h', 'i'};
  static const unsigned char bye[] = {0x88, 0x02, 0x03, 0xE8};

  while ((r = mbedtls_ssl_handshake(ssl)) != 0) {
    if (r != MBEDTLS_ERR_SSL_WANT_READ && r != MBEDTLS_ERR_SSL_WANT_WRITE) return;
  }
  while (have < sizeof req - 1) {
    r = mbedtls_ssl_read(ssl, req + have, sizeof req - 1 - have);
    if (r <= 0) return;
    have += (size_t)r;
    req[have] = 0;
    if (strstr((char *)req, "\r\n\r\n") != NULL) break;
  }
  k = strstr((char *)req, "Sec-WebSocket-Key:");
  if (k == NULL) k = strstr((char *)req, "sec-websocket-key:");
  if (k == NULL) return;
  k += 18;
  while (*k == ' ') k++;
  e = strstr(k, "\r\n");
  if (e == NULL || (size_t)(e - k) + sizeof guid > sizeof cat) return;
  memcpy(cat, k, (size_t)(e - k));
  memcpy(cat + (e - k), guid, sizeof guid - 1);
  mbedtls_sha1_ret(cat, (size_t)(e - k) + sizeof guid - 1, sha);
  mbedtls_base64_encode(acc, sizeof acc, &olen, sha, sizeof sha);
  snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Accept: %.*s\r\n\r\n", (int)olen, acc);
  if (write_all(ssl, (const unsigned char *)resp, strlen(resp)) != 0) return;
  r = mbedtls_ssl_renegotiate(ssl); /* server side: sends HelloRequest */
  fprintf(stderr, "reneg_server: HelloRequest sent (%d)\n", r);
  if (write_all(ssl, hi, sizeof hi) != 0 || write_all(ssl, bye, sizeof bye) != 0) return;
  /* Until the client's Close (opcode 8 in a first frame byte) or the end. */
  for (;;) {
    r = mbedtls_ssl_read(ssl, buf, sizeof buf);
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (r <= 0) {
      fprintf(stderr, "reneg_server: read ended (-0x%04x)\n", (unsigned)-r);
      break;
    }
    if ((buf[0] & 0x0F) == 0x08) {
      fprintf(stderr, "reneg_server: client Close received\n");
      break;
    }
  }
  (void)mbedtls_ssl_close_notify(ssl);
}

int main(int argc, char **argv)
{
  mbedtls_net_context listen_fd, client_fd;
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_config conf;
  mbedtls_x509_crt cert;
  mbedtls_pk_context key;
  struct sockaddr_in sa;
  socklen_t sl = sizeof sa;
  FILE *f;
  char tmp[512];

  if (argc != 4) {
    fprintf(stderr, "usage: reneg_server CERT KEY PORT_FILE\n");
    return 2;
  }
  mbedtls_net_init(&listen_fd);
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  mbedtls_ssl_config_init(&conf);
  mbedtls_x509_crt_init(&cert);
  mbedtls_pk_init(&key);
  if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) != 0 ||
      mbedtls_x509_crt_parse_file(&cert, argv[1]) != 0 || mbedtls_pk_parse_keyfile(&key, argv[2], NULL) != 0 ||
      mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0 ||
      mbedtls_ssl_conf_own_cert(&conf, &cert, &key) != 0) {
    fprintf(stderr, "reneg_server: setup failed\n");
    return 1;
  }
  mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
  mbedtls_ssl_conf_renegotiation(&conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
  if (mbedtls_net_bind(&listen_fd, "127.0.0.1", "0", MBEDTLS_NET_PROTO_TCP) != 0 ||
      getsockname(listen_fd.fd, (struct sockaddr *)&sa, &sl) != 0) {
    fprintf(stderr, "reneg_server: bind failed\n");
    return 1;
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[3]);
  f = fopen(tmp, "w");
  if (f == NULL) return 1;
  fprintf(f, "%u", (unsigned)ntohs(sa.sin_port));
  fclose(f);
  rename(tmp, argv[3]);
  for (;;) {
    mbedtls_ssl_context ssl;
    mbedtls_net_init(&client_fd);
    if (mbedtls_net_accept(&listen_fd, &client_fd, NULL, 0, NULL) != 0) continue;
    mbedtls_ssl_init(&ssl);
    if (mbedtls_ssl_setup(&ssl, &conf) == 0) {
      mbedtls_ssl_set_bio(&ssl, &client_fd, mbedtls_net_send, mbedtls_net_recv, NULL);
      session(&ssl);
    }
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&client_fd);
  }
}
