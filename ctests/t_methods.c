/*
 * The fixed-version methods: TLSv1_2_method speaks TLS 1.2 alone on either
 * side, whatever the options and bounds; its version shows before the
 * handshake. A TLS 1.0 or 1.1 server never negotiates: at the default
 * security level OpenSSL finds no signature algorithm it may use there; a
 * TLS 1.0 or 1.1 client's ClientHello meets that refusal.
 */
#include "common.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

typedef void (*tweak_fn)(SSL_CTX *);

static void no_tls12(SSL_CTX *c) {
    SSL_CTX_set_options(c, SSL_OP_NO_TLSv1_2);
}
static void bounds_13(SSL_CTX *c) {
    printf("set_min %ld\n", SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION));
    printf("set_max %ld\n", SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION));
    printf("set_max bogus %ld\n", SSL_CTX_set_max_proto_version(c, 0x0999));
}
static void ssl_bounds(SSL *s) {
    printf("ssl set_min %ld get %ld\n", SSL_set_min_proto_version(s, TLS1_3_VERSION),
           SSL_get_min_proto_version(s));
    printf("ssl set_min 0 %ld get %ld\n", SSL_set_min_proto_version(s, 0),
           SSL_get_min_proto_version(s));
}

static void run(const char *title, const SSL_METHOD *cm, const SSL_METHOD *sm, tweak_fn tweak) {
    printf("== %s\n", title);
    SSL_CTX *sctx = SSL_CTX_new(sm);
    SSL_CTX_use_certificate_chain_file(sctx, ct_cert("server.pem"));
    SSL_CTX_use_PrivateKey_file(sctx, ct_cert("server.key"), SSL_FILETYPE_PEM);
    SSL_CTX *cctx = SSL_CTX_new(cm);
    if (tweak) {
        tweak(cctx);
        tweak(sctx);
    }
    printf("client min %ld max %ld\n", SSL_CTX_get_min_proto_version(cctx),
           SSL_CTX_get_max_proto_version(cctx));
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    if (tweak == bounds_13)
        ssl_bounds(p.client);
    printf("before: client %s %#x, server %s %#x\n", SSL_get_version(p.client),
           SSL_version(p.client), SSL_get_version(p.server), SSL_version(p.server));
    ct_pair_handshake(&p);
    printf("after: client %s, server %s\n", SSL_get_version(p.client), SSL_get_version(p.server));
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("TLSv1_2_method client", TLSv1_2_method(), TLS_method(), NULL);
    run("TLSv1_2_client_method client", TLSv1_2_client_method(), TLS_server_method(), NULL);
    run("TLSv1_2_server_method server", TLS_client_method(), TLSv1_2_server_method(), NULL);
    run("TLSv1_2_method both", TLSv1_2_method(), TLSv1_2_method(), NULL);
    run("TLSv1_2_method with SSL_OP_NO_TLSv1_2", TLSv1_2_method(), TLSv1_2_method(), no_tls12);
    run("TLSv1_2_method with a TLS 1.3 minimum", TLSv1_2_method(), TLSv1_2_method(), bounds_13);
    run("TLSv1_method client", TLSv1_method(), TLS_method(), NULL);
    run("TLSv1_1_client_method client", TLSv1_1_client_method(), TLS_server_method(), NULL);
    run("TLSv1_server_method server", TLS_client_method(), TLSv1_server_method(), NULL);
    run("TLSv1_1_server_method server", TLS_client_method(), TLSv1_1_server_method(), NULL);
    run("TLSv1_1_method server", TLS_method(), TLSv1_1_method(), NULL);
    return 0;
}
