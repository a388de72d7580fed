/*
 * SSL_read, SSL_read_ex, SSL_peek, SSL_peek_ex, SSL_pending and
 * SSL_has_pending over a BIO pair, TLS 1.3 and 1.2: zero lengths, nothing
 * available, reads smaller and larger than a record, several records
 * waiting, peek then read, and what is pending after a partial read.
 */
#include "common.h"

static void st(SSL *ssl) {
    printf("  SSL_pending %d SSL_has_pending %d\n", SSL_pending(ssl), SSL_has_pending(ssl));
}

static void rd(const char *what, SSL *ssl, int len, int peek) {
    static char buf[40000];
    int r = peek ? SSL_peek(ssl, buf, len) : SSL_read(ssl, buf, len);
    ct_outcome(what, ssl, r);
    if (r > 0 && r <= 16) {
        printf("  data \"%.*s\"\n", r, buf);
    } else if (r > 0) {
        char hex[65];
        ct_sha256(buf, (size_t)r, hex);
        printf("  sha256 %s\n", hex);
    }
    st(ssl);
}

static void rd_ex(const char *what, SSL *ssl, size_t len, int peek) {
    char buf[64];
    size_t n = 77;
    int r = peek ? SSL_peek_ex(ssl, buf, len, &n) : SSL_read_ex(ssl, buf, len, &n);
    ct_outcome(what, ssl, r);
    printf("  readbytes %zu", n);
    if (r == 1 && n > 0)
        printf(" data \"%.*s\"", (int)n, buf);
    printf("\n");
    st(ssl);
}

static void cases(SSL_CTX *cctx, SSL_CTX *sctx) {
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    printf("== before the handshake\n");
    st(p.client);
    rd("client SSL_read 0 before handshake", p.client, 0, 0);
    ct_pair_free(&p);

    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    printf("== nothing available\n");
    rd("client SSL_read", p.client, 10, 0);
    rd("client SSL_read 0", p.client, 0, 0);
    rd("client SSL_peek", p.client, 10, 1);
    rd("client SSL_peek 0", p.client, 0, 1);
    rd_ex("client SSL_read_ex", p.client, 10, 0);
    rd_ex("client SSL_read_ex 0", p.client, 0, 0);
    rd_ex("client SSL_peek_ex", p.client, 10, 1);
    rd_ex("client SSL_peek_ex 0", p.client, 0, 1);

    printf("== one record, read in parts\n");
    SSL_write(p.server, "0123456789", 10);
    st(p.client);
    rd("client SSL_read 0 with a record waiting", p.client, 0, 0);
    rd_ex("client SSL_read_ex 0 with a record waiting", p.client, 0, 0);
    rd("client SSL_peek 3", p.client, 3, 1);
    rd("client SSL_peek 0", p.client, 0, 1);
    rd("client SSL_read 2", p.client, 2, 0);
    rd_ex("client SSL_peek_ex 5", p.client, 5, 1);
    rd_ex("client SSL_read_ex 3", p.client, 3, 0);
    rd("client SSL_read 0 mid-record", p.client, 0, 0);
    rd("client SSL_peek 100", p.client, 100, 1);
    rd("client SSL_read 100", p.client, 100, 0);
    rd("client SSL_read nothing left", p.client, 100, 0);

    printf("== several records waiting\n");
    SSL_write(p.server, "aaaa", 4);
    SSL_write(p.server, "bbbbbb", 6);
    SSL_write(p.server, "c", 1);
    st(p.client);
    rd("client SSL_peek 100", p.client, 100, 1);
    rd("client SSL_read 2", p.client, 2, 0);
    rd("client SSL_read 100", p.client, 100, 0);
    rd("client SSL_read 100", p.client, 100, 0);
    rd_ex("client SSL_read_ex 100", p.client, 100, 0);
    rd("client SSL_read 100", p.client, 100, 0);

    printf("== records larger than the reads\n");
    unsigned char *data = ct_alloc_data(20000, 4);
    printf("server SSL_write %d\n", SSL_write(p.server, data, 20000));
    rd("client SSL_read 1000", p.client, 1000, 0);
    rd("client SSL_peek 40000", p.client, 40000, 1);
    rd("client SSL_read 40000", p.client, 40000, 0);
    rd("client SSL_read 1", p.client, 1, 0);
    rd("client SSL_read 40000", p.client, 40000, 0);
    rd("client SSL_read 40000", p.client, 40000, 0);
    free(data);

    printf("== negative length\n");
    rd("client SSL_read -1", p.client, -1, 0);
    rd("client SSL_peek -1", p.client, -1, 1);
    ct_pair_free(&p);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    printf("==== TLS 1.3\n");
    cases(cctx, sctx);
    printf("==== TLS 1.2\n");
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    cases(cctx, sctx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
