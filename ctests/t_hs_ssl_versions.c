/*
 * Version bounds set on one SSL (SSL_set_min_proto_version and
 * SSL_set_max_proto_version): accepted values, what SSL_get_* returns, that
 * the SSL starts from its context's bounds and keeps its own afterwards, and
 * the version each side's bounds lead to.
 */
#include "common.h"

static SSL_CTX *cctx, *sctx;

static void bounds(void) {
    printf("== values\n");
    static const long vals[] = {0, SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
                                TLS1_3_VERSION, DTLS1_2_VERSION, 0x0305, 0x0200, -1};
    SSL *ssl = SSL_new(cctx);
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        int a = SSL_set_min_proto_version(ssl, vals[i]);
        long ga = SSL_get_min_proto_version(ssl);
        int b = SSL_set_max_proto_version(ssl, vals[i]);
        long gb = SSL_get_max_proto_version(ssl);
        printf("%#lx: set_min %d get_min %#lx set_max %d get_max %#lx\n", vals[i], a, ga, b, gb);
    }
    ct_print_errors();
    SSL_free(ssl);

    SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION);
    ssl = SSL_new(cctx);
    printf("new SSL min %#lx max %#lx\n", SSL_get_min_proto_version(ssl),
           SSL_get_max_proto_version(ssl));
    SSL_CTX_set_min_proto_version(cctx, 0);
    printf("after the context changed: min %#lx\n", SSL_get_min_proto_version(ssl));
    SSL_free(ssl);
}

static void negotiate(const char *what, long cmin, long cmax, long smin, long smax) {
    printf("== %s\n", what);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    SSL_set_min_proto_version(p.client, cmin);
    SSL_set_max_proto_version(p.client, cmax);
    SSL_set_min_proto_version(p.server, smin);
    SSL_set_max_proto_version(p.server, smax);
    if (ct_pair_handshake(&p))
        printf("client %s server %s\n", SSL_get_version(p.client), SSL_get_version(p.server));
    ct_print_errors();
    ct_pair_free(&p);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    bounds();
    negotiate("defaults", 0, 0, 0, 0);
    negotiate("client at most TLS 1.2", 0, TLS1_2_VERSION, 0, 0);
    negotiate("server at most TLS 1.2", 0, 0, 0, TLS1_2_VERSION);
    negotiate("client at least TLS 1.3, server at most TLS 1.2", TLS1_3_VERSION, 0, 0,
              TLS1_2_VERSION);
    negotiate("defaults again on the same contexts", 0, 0, 0, 0);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
