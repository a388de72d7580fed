/*
 * Writes around close_notify over a BIO pair: after our own SSL_shutdown,
 * after the peer's close_notify has been read, and with a write still
 * pending when SSL_shutdown is called.  Prints each outcome with the error
 * queue, the shutdown flags, and what the peer gets.
 */
#include "common.h"

static SSL_CTX *cctx, *sctx;

static void w(const char *what, SSL *ssl, const void *buf, int num) {
    int r = SSL_write(ssl, buf, num);
    ct_outcome(what, ssl, r);
    printf("  SSL_get_shutdown %d SSL_want %d\n", SSL_get_shutdown(ssl), SSL_want(ssl));
}

static void peer_reads(SSL *peer, const char *who) {
    char buf[64];
    int r = SSL_read(peer, buf, sizeof buf);
    char label[64];
    snprintf(label, sizeof label, "%s SSL_read", who);
    ct_outcome(label, peer, r);
}

static void after_own_shutdown(void) {
    printf("== after our own SSL_shutdown\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    int r = SSL_shutdown(p.client);
    printf("client SSL_shutdown %d\n", r);
    w("client SSL_write", p.client, "late", 4);
    w("client SSL_write(0)", p.client, "late", 0);
    size_t n = 0;
    int ex = SSL_write_ex(p.client, "late", 4, &n);
    ct_outcome("client SSL_write_ex", p.client, ex);
    peer_reads(p.server, "server");
    ct_pair_free(&p);
}

static void after_peer_close(void) {
    printf("== after the peer's close_notify\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    printf("server SSL_shutdown %d\n", SSL_shutdown(p.server));
    peer_reads(p.client, "client");
    printf("client SSL_get_shutdown %d\n", SSL_get_shutdown(p.client));
    w("client SSL_write", p.client, "still talking", 13);
    peer_reads(p.server, "server");
    printf("client SSL_shutdown %d\n", SSL_shutdown(p.client));
    w("client SSL_write after both", p.client, "x", 1);
    ct_pair_free(&p);
}

static void shutdown_with_write_pending(void) {
    printf("== SSL_shutdown with a write pending\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 4096);
    ct_pair_handshake(&p);
    unsigned char *data = ct_alloc_data(100000, 9);
    w("client SSL_write", p.client, data, 100000);
    int r = SSL_shutdown(p.client);
    ct_outcome("client SSL_shutdown", p.client, r);
    w("client SSL_write retry", p.client, data, 100000);
    int err;
    size_t n = ct_drain(p.server, NULL, 0, &err);
    printf("server read %zu then %s\n", n, ct_ssl_error_name(err));
    ct_pair_free(&p);
    free(data);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    after_own_shutdown();
    after_peer_close();
    shutdown_with_write_pending();
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
