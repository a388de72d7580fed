/*
 * The peer's certificate is one object for the life of the connection, as
 * OpenSSL keeps it: SSL_get1_peer_certificate returns the same X509 each
 * time, and it is the certificate the verify callback saw at depth 0; the
 * chain SSL_get_peer_cert_chain returns stays the same stack. On a
 * client, with and without a verify callback, on TLS 1.3 and 1.2; on a
 * server that verified its client.
 */
#include "common.h"

static X509 *seen_leaf;

static int remember_leaf(int ok, X509_STORE_CTX *store) {
    if (X509_STORE_CTX_get_error_depth(store) == 0)
        seen_leaf = X509_STORE_CTX_get_current_cert(store);
    return ok;
}

static void report(const char *who, SSL *ssl, int with_cb) {
    X509 *a = SSL_get1_peer_certificate(ssl);
    X509 *b = SSL_get1_peer_certificate(ssl);
    printf("%s peer %s, same object twice %d", who, a ? "present" : "absent", a && a == b);
    if (with_cb)
        printf(", the one verified %d", a && a == seen_leaf);
    printf("\n");
    X509_free(a);
    X509_free(b);
    /* The chain is the SSL's own, kept: one held from an earlier call stays
     * valid, the same stack with the same certificates. */
    STACK_OF(X509) *c1 = SSL_get_peer_cert_chain(ssl);
    int n1 = c1 ? sk_X509_num(c1) : -1;
    X509 *first1 = n1 > 0 ? sk_X509_value(c1, 0) : NULL;
    STACK_OF(X509) *c2 = SSL_get_peer_cert_chain(ssl);
    printf("%s chain %d certificates, same stack twice %d, same first certificate %d\n", who,
           n1, c1 && c1 == c2, first1 && c2 && sk_X509_num(c2) > 0 && sk_X509_value(c2, 0) == first1);
}

static void run(int maxv, int with_cb, int client_cert) {
    printf("== %s, verify callback %s, client certificate %s\n", maxv ? "TLS 1.2" : "default",
           with_cb ? "yes" : "no", client_cert ? "yes" : "no");
    seen_leaf = NULL;
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (with_cb)
        SSL_CTX_set_verify(client_cert ? sctx : cctx, SSL_VERIFY_PEER, remember_leaf);
    if (client_cert) {
        SSL_CTX_load_verify_locations(sctx, ct_cert("ca.pem"), NULL);
        if (!with_cb)
            SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
        printf("client use_certificate_file %d\n",
               SSL_CTX_use_certificate_file(cctx, ct_cert("clientonly.pem"), SSL_FILETYPE_PEM));
        printf("client use_PrivateKey_file %d\n",
               SSL_CTX_use_PrivateKey_file(cctx, ct_cert("clientonly.key"), SSL_FILETYPE_PEM));
    }
    if (maxv)
        SSL_CTX_set_max_proto_version(cctx, maxv);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    if (ct_pair_handshake(&p)) {
        printf("version %s\n", SSL_get_version(p.client));
        if (client_cert)
            report("server", p.server, with_cb);
        else
            report("client", p.client, with_cb);
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    for (int v = 0; v < 2; v++)
        for (int cb = 0; cb < 2; cb++)
            run(v ? TLS1_2_VERSION : 0, cb, 0);
    run(0, 1, 1);
    run(0, 0, 1);
    return 0;
}
