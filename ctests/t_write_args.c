/*
 * SSL_write and SSL_write_ex with the arguments the man page singles out:
 * num = 0 (before and after the handshake, with and without a buffer), a
 * negative num, a length above INT_MAX, and a write on an SSL whose role was
 * never set.  Every outcome is printed with SSL_get_error, SSL_want and the
 * error queue.
 */
#include "common.h"

#include <limits.h>
#include <sys/mman.h>

static SSL_CTX *cctx, *sctx;

static void w(const char *what, SSL *ssl, const void *buf, int num) {
    int r = SSL_write(ssl, buf, num);
    ct_outcome(what, ssl, r);
    printf("  SSL_want %d\n", SSL_want(ssl));
}

static void wx(const char *what, SSL *ssl, const void *buf, size_t num) {
    size_t written = 777;
    int r = SSL_write_ex(ssl, buf, num, &written);
    ct_outcome(what, ssl, r);
    printf("  written %zu SSL_want %d\n", written, SSL_want(ssl));
}

/* Whatever the server can read now, as a count. */
static void server_reads(ct_pair *p) {
    int err;
    size_t n = ct_drain(p->server, NULL, 0, &err);
    printf("server read %zu then %s\n", n, ct_ssl_error_name(err));
}

static void zero_lengths(void) {
    printf("== num = 0\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    w("SSL_write(0) before the handshake", p.client, "x", 0);
    wx("SSL_write_ex(0) before the handshake", p.client, "x", 0);
    ct_pair_free(&p);

    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    w("SSL_write(0)", p.client, "x", 0);
    w("SSL_write(NULL, 0)", p.client, NULL, 0);
    wx("SSL_write_ex(0)", p.client, "x", 0);
    wx("SSL_write_ex(NULL, 0)", p.client, NULL, 0);
    server_reads(&p);
    w("SSL_write(5) after them", p.client, "hello", 5);
    server_reads(&p);
    ct_pair_free(&p);
}

static void negative(void) {
    printf("== negative num\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    w("SSL_write(-1) before the handshake", p.client, "x", -1);
    ct_pair_handshake(&p);
    w("SSL_write(-1)", p.client, "x", -1);
    w("SSL_write(INT_MIN)", p.client, "x", INT_MIN);
    w("SSL_write(5) after them", p.client, "hello", 5);
    server_reads(&p);
    ct_pair_free(&p);
}

static void huge(void) {
    printf("== num above INT_MAX through SSL_write_ex\n");
    size_t len = (size_t)INT_MAX + 4097;
    /* Never touched beyond what goes into records: zero pages on demand. */
    void *big = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (big == MAP_FAILED)
        ct_fatal("mmap of %zu bytes failed", len);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    printf("SSL_set_mode %ld\n", SSL_set_mode(p.client, SSL_MODE_ENABLE_PARTIAL_WRITE));
    wx("partial SSL_write_ex(INT_MAX + 4097)", p.client, big, len);
    server_reads(&p);
    ct_pair_free(&p);

    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    wx("default SSL_write_ex(INT_MAX + 4097)", p.client, big, len);
    server_reads(&p);
    ct_pair_free(&p);
    munmap(big, len);
}

static void no_role(const char *name, const SSL_METHOD *m) {
    printf("== no role set, %s\n", name);
    SSL_CTX *ctx = SSL_CTX_new(m);
    SSL *ssl = SSL_new(ctx);
    BIO *a, *b;
    BIO_new_bio_pair(&a, 4096, &b, 4096);
    SSL_set_bio(ssl, a, a);
    printf("SSL_is_server %d\n", SSL_is_server(ssl));
    w("SSL_write", ssl, "hello", 5);
    wx("SSL_write_ex", ssl, "hello", 5);
    w("SSL_write(0)", ssl, "hello", 0);
    printf("peer sees %zu bytes\n", BIO_ctrl_pending(b));
    SSL_free(ssl);
    BIO_free(b);
    SSL_CTX_free(ctx);
}

static void no_bio(void) {
    printf("== no BIO set\n");
    SSL *ssl = SSL_new(cctx);
    SSL_set_connect_state(ssl);
    /* A second call is left out: OpenSSL then reports bad length, measured
     * against its own ClientHello stuck in its buffer (docs/compat.md). */
    w("SSL_write", ssl, "hello", 5);
    SSL_free(ssl);

    printf("== BIOs removed after the handshake\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    SSL_set_bio(p.client, NULL, NULL);
    w("SSL_write", p.client, "hello", 5);
    w("SSL_write again", p.client, "hello", 5);
    char buf[10];
    int r = SSL_read(p.client, buf, sizeof buf);
    ct_outcome("SSL_read", p.client, r);
    ct_pair_free(&p);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    zero_lengths();
    negative();
    huge();
    no_role("TLS_method", TLS_method());
    no_role("TLS_client_method", TLS_client_method());
    no_role("TLS_server_method", TLS_server_method());
    no_bio();
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
