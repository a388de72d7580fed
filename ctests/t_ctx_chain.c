/*
 * SSL_CTX_set1_chain / SSL_CTX_set0_chain (SSL_CTRL_CHAIN): the chain a
 * server sends after its certificate, as the client receives it, and that
 * it takes the place of the extra chain certificates.
 */
#include "common.h"

static void handshake(const char *title, SSL_CTX *sctx) {
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    if (ct_pair_handshake(&p)) {
        STACK_OF(X509) *chain = SSL_get_peer_cert_chain(p.client);
        printf("%s: client got %d certificates", title, chain ? sk_X509_num(chain) : -1);
        for (int i = 0; chain && i < sk_X509_num(chain); i++) {
            char cn[64] = "";
            X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(chain, i)),
                                      NID_commonName, cn, sizeof(cn));
            printf(" [%s]", cn);
        }
        printf("\n");
    }
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *sctx = ct_server_ctx();
    handshake("no chain", sctx);

    X509 *ca = ct_load_cert("ca.pem");
    STACK_OF(X509) *sk = sk_X509_new_null();
    sk_X509_push(sk, ca);
    printf("set1_chain %ld\n", SSL_CTX_set1_chain(sctx, sk));
    sk_X509_pop_free(sk, X509_free); /* set1 took references of its own */
    handshake("set1_chain CA", sctx);

    sk = sk_X509_new_null();
    printf("set1_chain empty %ld\n", SSL_CTX_set1_chain(sctx, sk));
    sk_X509_free(sk);
    handshake("set1_chain empty", sctx);

    printf("add_extra_chain_cert %ld\n", SSL_CTX_add_extra_chain_cert(sctx, ct_load_cert("ca.pem")));
    handshake("extra chain only", sctx);

    sk = sk_X509_new_null();
    sk_X509_push(sk, ct_load_cert("server.pem"));
    printf("set0_chain %ld\n", SSL_CTX_set0_chain(sctx, sk)); /* the stack is the context's now */
    handshake("set0_chain over extra", sctx);

    printf("set0_chain NULL %ld\n", SSL_CTX_set0_chain(sctx, NULL));
    handshake("set0_chain NULL", sctx);
    SSL_CTX_free(sctx);
    return 0;
}
