/*
 * SSL_OP_NO_TLSv1_2 without TLS 1.3 disabled.  OpenSSL keeps the lowest
 * contiguous range of enabled versions, so the bit alone leaves TLS 1.0 and
 * 1.1, not 1.3; with a minimum of TLS 1.2 it leaves TLS 1.3.  Each case shows
 * the first end of an in-process pair to fail, or both ends' versions (the
 * options on the context and on the SSL), then a client against `openssl
 * s_server`.  rustls has no TLS 1.0 or 1.1: where OpenSSL offers only
 * those, sslshim sends the ClientHello OpenSSL sends, and the handshake fails
 * at the peer alike (no suitable signature algorithm, at its default
 * security level).
 */
#include "common.h"

static void side(const char *who, SSL *ssl, int r) {
    char what[64];
    snprintf(what, sizeof what, "%s SSL_do_handshake", who);
    ct_outcome(what, ssl, r);
    if (r == 1)
        printf("  version %s\n", SSL_get_version(ssl));
}

static void pair(const char *what, uint64_t cop, uint64_t sop, int cmin, int smin, int on_ssl) {
    printf("== pair: %s%s\n", what, on_ssl ? " (on the SSL)" : "");
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (!on_ssl) {
        SSL_CTX_set_options(cctx, cop);
        SSL_CTX_set_options(sctx, sop);
    }
    if (cmin)
        SSL_CTX_set_min_proto_version(cctx, cmin);
    if (smin)
        SSL_CTX_set_min_proto_version(sctx, smin);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    if (on_ssl) {
        SSL_set_options(p.client, cop);
        SSL_set_options(p.server, sop);
    }
    /* Each side's outcome is printed as soon as it fails, since both share
     * the thread's error queue.  How the other side learns of it depends on
     * an alert that sslshim cannot always send. */
    int rc = -1, rs = -1, failed = 0;
    for (int i = 0; i < 20 && !failed && (rc != 1 || rs != 1); i++) {
        SSL *ssl = i % 2 ? p.server : p.client;
        int *r = i % 2 ? &rs : &rc;
        if (*r == 1)
            continue;
        *r = SSL_do_handshake(ssl);
        int e = SSL_get_error(ssl, *r);
        if (*r != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            side(i % 2 ? "server" : "client", ssl, *r);
            failed++;
        }
    }
    if (!failed) {
    side("client", p.client, rc);
    side("server", p.server, rs);
    }
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void socket_client(const char *what, uint64_t op) {
    printf("== s_server: client %s\n", what);
    ct_conn c;
    ct_conn_open(&c, "versions", 0, 0, 0);
    SSL_set_options(c.ssl, op);
    if (ct_connect(c.ssl, c.fd) == 1) {
        printf("version %s\n", SSL_get_version(c.ssl));
        ct_close_session(c.ssl, c.fd);
    }
    ct_conn_close(&c, NULL, 0);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    uint64_t no12 = SSL_OP_NO_TLSv1_2;
    uint64_t old = SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1;
    for (int on_ssl = 0; on_ssl < 2; on_ssl++)
        pair("server NO_TLSv1_2", 0, no12, 0, 0, on_ssl);
    pair("client NO_TLSv1_2, min TLS 1.2", no12, 0, TLS1_2_VERSION, 0, 0);
    pair("server NO_TLSv1_2, min TLS 1.2", 0, no12, 0, TLS1_2_VERSION, 0);
    pair("both NO_TLSv1_2, min TLS 1.2", no12, no12, TLS1_2_VERSION, TLS1_2_VERSION, 0);
    pair("client NO_TLSv1_2 | NO_TLSv1_1 | NO_TLSv1", no12 | old, 0, 0, 0, 0);
    pair("client NO_TLSv1_2 | NO_TLSv1_1 | NO_TLSv1", no12 | old, 0, 0, 0, 1);
    pair("client no version left", SSL_OP_NO_TLSv1_3 | no12 | old, 0, 0, 0, 0);
    pair("server no version left", 0, SSL_OP_NO_TLSv1_3 | no12 | old, 0, 0, 0);
    socket_client("NO_TLSv1_2 | NO_TLSv1_1 | NO_TLSv1", no12 | old);

    for (int on_ssl = 0; on_ssl < 2; on_ssl++) {
        pair("client NO_TLSv1_2", no12, 0, 0, 0, on_ssl);
        pair("both NO_TLSv1_2", no12, no12, 0, 0, on_ssl);
    }
    pair("client NO_TLSv1_2 | NO_TLSv1_1", no12 | SSL_OP_NO_TLSv1_1, 0, 0, 0, 0);
    socket_client("NO_TLSv1_2", no12);
    return 0;
}
