/*
 * Trust stores the application fills itself: certificates added to
 * SSL_CTX_get_cert_store's store, a store handed over with
 * SSL_CTX_set_cert_store, an intermediate trusted with
 * X509_V_FLAG_PARTIAL_CHAIN set on the store, the system default paths
 * (which do not hold the test CA), and a client trusting nothing.
 */
#include "common.h"

#include <openssl/pem.h>

static void handshake(const char *label, SSL_CTX *cctx, const char *leaf) {
    printf("== %s (%s)\n", label, leaf);
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", strcmp(leaf, "inter_leaf") ? leaf : "inter_leaf_chain");
    snprintf(key, sizeof key, "%s.key", leaf);
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(sctx, ct_cert(cert));
    SSL_CTX_use_PrivateKey_file(sctx, ct_cert(key), SSL_FILETYPE_PEM);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    ct_pair_handshake(&p);
    printf("verify_result %ld\n", SSL_get_verify_result(p.client));
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    handshake("empty store", cctx, "server");

    X509_STORE *st = SSL_CTX_get_cert_store(cctx);
    printf("get_cert_store %s\n", st ? "yes" : "no");
    X509 *ca = ct_load_cert("ca.pem");
    printf("X509_STORE_add_cert %d\n", X509_STORE_add_cert(st, ca));
    handshake("CA added to the context's store", cctx, "server");
    handshake("CA added, leaf from another CA", cctx, "other_leaf");
    handshake("CA added, leaf under an intermediate", cctx, "inter_leaf");

    X509_STORE *mine = X509_STORE_new();
    X509 *other = ct_load_cert("other_ca.pem");
    X509_STORE_add_cert(mine, other);
    SSL_CTX_set_cert_store(cctx, mine);
    printf("set_cert_store took it %d\n", SSL_CTX_get_cert_store(cctx) == mine);
    handshake("replaced store", cctx, "other_leaf");
    handshake("replaced store", cctx, "server");

    X509_STORE *partial = X509_STORE_new();
    X509 *inter = ct_load_cert("inter.pem");
    X509_STORE_add_cert(partial, inter);
    SSL_CTX_set_cert_store(cctx, partial);
    handshake("intermediate only", cctx, "inter_leaf");
    X509_STORE_set_flags(partial, X509_V_FLAG_PARTIAL_CHAIN);
    handshake("intermediate only, partial chains", cctx, "inter_leaf");
    SSL_CTX_free(cctx);

    cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    printf("set_default_verify_paths %d\n", SSL_CTX_set_default_verify_paths(cctx));
    ct_print_errors();
    handshake("system default paths", cctx, "server");
    SSL_CTX_free(cctx);

    X509_free(ca);
    X509_free(other);
    X509_free(inter);
    return 0;
}
