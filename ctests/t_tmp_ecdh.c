/* SSL_CTX_set_tmp_ecdh: the key's curve becomes the only group the context
 * offers and accepts; a NULL key and one without parameters are refused. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "common.h"

static long set_curve(SSL_CTX *ctx, int nid) {
    EC_KEY *k = EC_KEY_new_by_curve_name(nid);
    long r = SSL_CTX_set_tmp_ecdh(ctx, k);
    EC_KEY_free(k);
    return r;
}

static void handshake(const char *title, int server_nid, const char *client_groups) {
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    printf("%s: server tmp_ecdh %ld", title, set_curve(sctx, server_nid));
    if (client_groups)
        printf(", client groups %ld", SSL_CTX_set1_groups_list(cctx, client_groups));
    printf("\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("%s: handshake %d\n", title, ct_pair_handshake(&p));
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    printf("NULL: %ld\n", SSL_CTX_set_tmp_ecdh(ctx, NULL));
    ct_print_errors();
    EC_KEY *bare = EC_KEY_new();
    printf("no parameters: %ld\n", SSL_CTX_set_tmp_ecdh(ctx, bare));
    ct_print_errors();
    EC_KEY_free(bare);
    printf("P-256: %ld\n", set_curve(ctx, NID_X9_62_prime256v1));
    printf("P-384: %ld\n", set_curve(ctx, NID_secp384r1));
    printf("brainpoolP256r1: %ld\n", set_curve(ctx, NID_brainpoolP256r1));
    ct_print_errors();
    SSL_CTX_free(ctx);

    handshake("P-384 server, default client", NID_secp384r1, NULL);
    handshake("P-256 server, default client", NID_X9_62_prime256v1, NULL);
    handshake("P-256 server, X25519:P-256 client", NID_X9_62_prime256v1, "X25519:P-256");
    return 0;
}
