/*
 * Certificates and keys given as X509/EVP_PKEY objects
 * (SSL_CTX_use_certificate, SSL_CTX_use_PrivateKey) for RSA, ECDSA P-256
 * and P-384 and Ed25519, on a server and on a client, in TLS 1.3 and 1.2;
 * a key that does not match its certificate.
 */
#include "hs_pki.h"

static const char *types[] = {"RSA", "P-256", "P-384", "ED25519"};
static EVP_PKEY *keys[4];
static X509 *server_certs[4];
static X509 *client_certs[4];

static void run(int si, int ci, int maxv) {
    printf("== server %s client %s %s\n", types[si], ci < 0 ? "none" : types[ci],
           maxv ? "TLS 1.2" : "default");
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = hs_server_ctx_with(keys[si], server_certs[si]);
    printf("get_certificate same %d get_privatekey same %d\n",
           SSL_CTX_get0_certificate(sctx) == server_certs[si],
           SSL_CTX_get0_privatekey(sctx) == keys[si]);
    if (ci >= 0) {
        SSL_CTX_load_verify_locations(sctx, ct_cert("ca.pem"), NULL);
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        printf("client use_certificate %d\n", SSL_CTX_use_certificate(cctx, client_certs[ci]));
        printf("client use_PrivateKey %d\n", SSL_CTX_use_PrivateKey(cctx, keys[ci]));
    }
    if (maxv)
        SSL_CTX_set_max_proto_version(cctx, maxv);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    if (ct_pair_handshake(&p)) {
        const SSL_CIPHER *c = SSL_get_current_cipher(p.client);
        printf("version %s cipher %s\n", SSL_get_version(p.client), SSL_CIPHER_get_name(c));
        printf("client verify %ld server verify %ld\n", SSL_get_verify_result(p.client),
               SSL_get_verify_result(p.server));
        X509 *peer = SSL_get1_peer_certificate(p.client);
        EVP_PKEY *pk = peer ? X509_get0_pubkey(peer) : NULL;
        printf("server key seen by client: %s %d bits\n", pk ? EVP_PKEY_get0_type_name(pk) : "-",
               pk ? EVP_PKEY_get_bits(pk) : 0);
        X509_free(peer);
        peer = SSL_get1_peer_certificate(p.server);
        pk = peer ? X509_get0_pubkey(peer) : NULL;
        printf("client key seen by server: %s\n", pk ? EVP_PKEY_get0_type_name(pk) : "-");
        X509_free(peer);
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    for (int i = 0; i < 4; i++) {
        keys[i] = hs_key(types[i]);
        server_certs[i] = hs_cert(keys[i], "localhost", 0);
        client_certs[i] = hs_cert(keys[i], "client", 1);
    }
    for (int v = 0; v < 2; v++)
        for (int i = 0; i < 4; i++)
            run(i, i, v ? TLS1_2_VERSION : 0);
    run(0, -1, 0);
    run(3, 1, 0);

    printf("== mismatch (same key type)\n");
    EVP_PKEY *k2 = hs_key("P-256");
    X509 *c2 = hs_cert(k2, "localhost", 0);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    printf("check_private_key empty %d\n", SSL_CTX_check_private_key(ctx));
    ct_print_errors();
    printf("use_certificate %d\n", SSL_CTX_use_certificate(ctx, server_certs[1]));
    printf("check_private_key no key %d\n", SSL_CTX_check_private_key(ctx));
    ct_print_errors();
    printf("use_PrivateKey wrong %d\n", SSL_CTX_use_PrivateKey(ctx, k2));
    ct_print_errors();
    printf("check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    ct_print_errors();
    printf("use_PrivateKey right %d\n", SSL_CTX_use_PrivateKey(ctx, keys[1]));
    printf("check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    printf("use_certificate other %d\n", SSL_CTX_use_certificate(ctx, c2));
    ct_print_errors();
    printf("check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    ct_print_errors();
    printf("get0_privatekey %s\n", SSL_CTX_get0_privatekey(ctx) ? "set" : "NULL");
    printf("use_PrivateKey now %d\n", SSL_CTX_use_PrivateKey(ctx, k2));
    printf("check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    printf("use_certificate NULL %d\n", SSL_CTX_use_certificate(ctx, NULL));
    ct_print_errors();
    printf("use_PrivateKey NULL %d\n", SSL_CTX_use_PrivateKey(ctx, NULL));
    ct_print_errors();
    X509_free(c2);
    EVP_PKEY_free(k2);
    SSL_CTX_free(ctx);

    for (int i = 0; i < 4; i++) {
        EVP_PKEY_free(keys[i]);
        X509_free(server_certs[i]);
        X509_free(client_certs[i]);
    }
    return 0;
}
