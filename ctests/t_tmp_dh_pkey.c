/* SSL_CTX_set0_tmp_dh_pkey / SSL_set0_tmp_dh_pkey: parameters below the
 * security level (and none at all) are refused with OpenSSL's reason and
 * stay the caller's; accepted ones become the object's (the caller's
 * reference is taken over), and do not get in the way of a handshake. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/dh.h>

#include "common.h"

/* Parameters whose size is all that matters to the security check. */
static EVP_PKEY *dh_pkey_of_bits(int bits) {
    DH *dh = DH_new();
    BIGNUM *p = BN_new(), *g = BN_new();
    BN_set_bit(p, bits - 1);
    BN_set_bit(p, 0);
    BN_set_word(g, 2);
    DH_set0_pqg(dh, p, NULL, g);
    EVP_PKEY *k = EVP_PKEY_new();
    EVP_PKEY_assign_DH(k, dh);
    return k;
}

static EVP_PKEY *ffdhe2048(void) {
    EVP_PKEY *k = EVP_PKEY_new();
    EVP_PKEY_assign_DH(k, DH_get_2048_256());
    return k;
}

/* Refused keys are still the caller's: freeing them must be fine. */
static void ctx_case(SSL_CTX *ctx, const char *what, EVP_PKEY *k) {
    int r = SSL_CTX_set0_tmp_dh_pkey(ctx, k);
    printf("ctx %s: %d\n", what, r);
    ct_print_errors();
    if (!r)
        EVP_PKEY_free(k);
}

static void ssl_case(SSL *s, const char *what, EVP_PKEY *k) {
    int r = SSL_set0_tmp_dh_pkey(s, k);
    printf("ssl %s: %d\n", what, r);
    ct_print_errors();
    if (!r)
        EVP_PKEY_free(k);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    ctx_case(ctx, "512 bits", dh_pkey_of_bits(512));
    ctx_case(ctx, "1024 bits", dh_pkey_of_bits(1024));
    ctx_case(ctx, "ffdhe 2048", ffdhe2048());
    ctx_case(ctx, "3072 bits", dh_pkey_of_bits(3072));
    SSL *s = SSL_new(ctx);
    ssl_case(s, "512 bits", dh_pkey_of_bits(512));
    ssl_case(s, "ffdhe 2048", ffdhe2048());
    SSL_free(s);
    SSL_CTX_free(ctx);

    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    printf("server ctx set0_tmp_dh_pkey: %d\n", SSL_CTX_set0_tmp_dh_pkey(sctx, ffdhe2048()));
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("handshake %d\n", ct_pair_handshake(&p));
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
