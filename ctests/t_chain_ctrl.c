/*
 * A server certificate's own chain through SSL_CTX_ctrl: SSL_CTX_set0_chain,
 * SSL_CTX_set1_chain, SSL_CTX_add0_chain_cert, SSL_CTX_get0_chain_certs and
 * SSL_CTX_clear_chain_certs (as nginx sets its chain).  A leaf issued by an
 * intermediate verifies at a client trusting only the root exactly when the
 * chain is sent.
 */
#include "common.h"

static void run(const char *name, int how) {
    printf("== %s\n", name);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    X509 *leaf = ct_load_cert("inter_leaf.pem");
    printf("use_certificate %d\n", SSL_CTX_use_certificate(sctx, leaf));
    X509_free(leaf);
    printf("use_PrivateKey_file %d\n",
           SSL_CTX_use_PrivateKey_file(sctx, ct_cert("inter_leaf.key"), SSL_FILETYPE_PEM));
    STACK_OF(X509) *got = (STACK_OF(X509) *)1;
    long r = SSL_CTX_get0_chain_certs(sctx, &got);
    printf("get0_chain_certs before %ld %s\n", r, got ? "stack" : "NULL");
    STACK_OF(X509) *chain = sk_X509_new_null();
    sk_X509_push(chain, ct_load_cert("inter.pem"));
    switch (how) {
    case 0:
        sk_X509_pop_free(chain, X509_free);
        break;
    case 1:
        printf("set0_chain %ld\n", SSL_CTX_set0_chain(sctx, chain));
        break;
    case 2:
        printf("set1_chain %ld\n", SSL_CTX_set1_chain(sctx, chain));
        sk_X509_pop_free(chain, X509_free);
        break;
    case 3: {
        X509 *x = sk_X509_pop(chain);
        sk_X509_free(chain);
        printf("add0_chain_cert %ld\n", SSL_CTX_add0_chain_cert(sctx, x));
        break;
    }
    case 4:
        printf("set0_chain %ld\n", SSL_CTX_set0_chain(sctx, chain));
        printf("clear_chain_certs %ld\n", SSL_CTX_clear_chain_certs(sctx));
        break;
    }
    got = NULL;
    r = SSL_CTX_get0_chain_certs(sctx, &got);
    printf("get0_chain_certs %ld count %d\n", r, got ? sk_X509_num(got) : -1);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    SSL_set1_host(p.client, "localhost");
    printf("handshake %s verify %ld\n", ct_pair_handshake(&p) ? "ok" : "failed",
           SSL_get_verify_result(p.client));
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("no chain", 0);
    run("set0_chain", 1);
    run("set1_chain", 2);
    run("add0_chain_cert", 3);
    run("cleared", 4);
    return 0;
}
