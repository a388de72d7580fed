/* SSL_get_peer_tmp_key after TLS 1.3 handshakes on each group both ends
 * offer: the type and size of the peer's ephemeral key, on both ends; and
 * nothing before a handshake. */
#include "common.h"

static void show(const char *who, SSL *s) {
    EVP_PKEY *k = NULL;
    long r = SSL_get_peer_tmp_key(s, &k);
    printf("%s: %ld", who, r);
    if (k)
        printf(" type %s bits %d", OBJ_nid2sn(EVP_PKEY_get_base_id(k)), EVP_PKEY_get_bits(k));
    printf("\n");
    EVP_PKEY_free(k);
}

static void run(const char *groups) {
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set1_groups_list(cctx, groups);
    SSL_CTX_set1_groups_list(sctx, groups);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    show("before", p.client);
    printf("%s: handshake %d\n", groups, ct_pair_handshake(&p));
    show("client", p.client);
    show("server", p.server);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("X25519");
    run("P-256");
    run("P-384");
    run("X25519:P-256");
    return 0;
}
