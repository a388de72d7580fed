/* SSL_CTX_set_tmp_dh / SSL_set_tmp_dh and the dh_auto switches: a NULL
 * parameter set and parameters below the security level are refused with
 * OpenSSL's reasons; anything else is accepted on both objects. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/dh.h>

#include "common.h"

/* Parameters whose size is all that matters to the security check. */
static DH *dh_of_bits(int bits) {
    DH *dh = DH_new();
    BIGNUM *p = BN_new(), *g = BN_new();
    BN_set_bit(p, bits - 1);
    BN_set_bit(p, 0);
    BN_set_word(g, 2);
    DH_set0_pqg(dh, p, NULL, g);
    return dh;
}

static void ctx_case(SSL_CTX *ctx, const char *what, DH *dh) {
    printf("ctx %s: %ld\n", what, SSL_CTX_set_tmp_dh(ctx, dh));
    ct_print_errors();
    DH_free(dh);
}

static void ssl_case(SSL *s, const char *what, DH *dh) {
    printf("ssl %s: %ld\n", what, SSL_set_tmp_dh(s, dh));
    ct_print_errors();
    DH_free(dh);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    ctx_case(ctx, "NULL", NULL);
    ctx_case(ctx, "ffdhe 2048", DH_get_2048_256());
    ctx_case(ctx, "512 bits", dh_of_bits(512));
    ctx_case(ctx, "1024 bits", dh_of_bits(1024));
    ctx_case(ctx, "3072 bits", dh_of_bits(3072));
    printf("ctx dh_auto on: %ld\n", SSL_CTX_set_dh_auto(ctx, 1));
    printf("ctx dh_auto off: %ld\n", SSL_CTX_set_dh_auto(ctx, 0));
    ct_print_errors();

    SSL *s = SSL_new(ctx);
    ssl_case(s, "NULL", NULL);
    ssl_case(s, "512 bits", dh_of_bits(512));
    ssl_case(s, "ffdhe 2048", DH_get_2048_256());
    printf("ssl dh_auto on: %ld\n", SSL_set_dh_auto(s, 1));
    ct_print_errors();
    /* The check follows the security level of the object it is set on. */
    SSL_set_security_level(s, 1);
    ssl_case(s, "1024 bits at level 1", dh_of_bits(1024));
    SSL_free(s);
    SSL_CTX_set_security_level(ctx, 0);
    ctx_case(ctx, "512 bits at level 0", dh_of_bits(512));
    ctx_case(ctx, "1024 bits at level 0", dh_of_bits(1024));
    SSL_CTX_set_security_level(ctx, 3);
    ctx_case(ctx, "ffdhe 2048 at level 3", DH_get_2048_256());
    ctx_case(ctx, "3072 bits at level 3", dh_of_bits(3072));
    SSL_CTX_free(ctx);

    /* The parameters do not get in the way of a handshake. */
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    DH *dh = DH_get_2048_256();
    printf("server ctx tmp_dh: %ld\n", SSL_CTX_set_tmp_dh(sctx, dh));
    DH_free(dh);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("handshake %d\n", ct_pair_handshake(&p));
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
