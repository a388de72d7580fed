/*
 * Host-name checks on an in-process client: SSL_set1_host, SSL_add1_host
 * (names accumulate, one IP address at most), SSL_set_hostflags,
 * SSL_get0_peername before and after the handshake, SSL_set_verify_depth and
 * SSL_set_verify on the connection, with SSL_VERIFY_PEER.
 */
#include "common.h"

#include <openssl/x509v3.h>

static SSL_CTX *sctx_for(const char *leaf) {
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", leaf);
    snprintf(key, sizeof key, "%s.key", leaf);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, ct_cert(cert)) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, ct_cert(key), SSL_FILETYPE_PEM) != 1)
        ct_fatal("cannot load %s", leaf);
    return ctx;
}

static int cb_calls;
static int count_cb(int ok, X509_STORE_CTX *st) {
    (void)st;
    cb_calls++;
    return ok;
}

/* names: NULL-terminated list; "+" before a name adds it, else sets. */
static void attempt(const char *leaf, const char *const *names, unsigned flags) {
    printf("== %s flags=%u:", leaf, flags);
    for (const char *const *n = names; *n; n++)
        printf(" %s", *n);
    printf("\n");
    SSL_CTX *sctx = sctx_for(leaf);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    for (const char *const *n = names; *n; n++) {
        if (**n == '+')
            printf("add1_host(%s) %d\n", *n + 1, SSL_add1_host(p.client, *n + 1));
        else if (strcmp(*n, "NULL") == 0)
            printf("set1_host(NULL) %d\n", SSL_set1_host(p.client, NULL));
        else
            printf("set1_host(%s) %d\n", *n, SSL_set1_host(p.client, *n));
    }
    if (flags)
        SSL_set_hostflags(p.client, flags);
    const char *pn = SSL_get0_peername(p.client);
    printf("peername before %s\n", pn ? pn : "(null)");
    ct_pair_handshake(&p);
    long v = SSL_get_verify_result(p.client);
    printf("verify_result %ld\n", v);
    pn = SSL_get0_peername(p.client);
    printf("peername after %s\n", pn ? pn : "(null)");
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    const char *a[] = {"localhost", NULL};
    const char *b[] = {"other.example", "+localhost", NULL};
    const char *c[] = {"other.example", "+also.example", NULL};
    const char *d[] = {"LocalHost", NULL};
    const char *e[] = {"wrong.example", "NULL", NULL};
    const char *f[] = {"+127.0.0.1", "+127.0.0.2", NULL};
    const char *g[] = {"127.0.0.2", NULL};
    const char *h[] = {"::1", NULL};
    const char *i[] = {"+localhost", "+wrong.example", NULL};
    const char *j[] = {"", NULL};
    attempt("server", a, 0);
    attempt("server", b, 0);
    attempt("server", c, 0);
    attempt("server", d, 0);
    attempt("server", e, 0);
    attempt("server", f, 0);
    attempt("server", g, 0);
    attempt("server", h, 0);
    attempt("wronghost", i, 0);
    attempt("server", i, 0);
    attempt("server", j, 0);
    attempt("server", a, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    attempt("server", a, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);

    /* Per-connection depth and callback over the context's. */
    printf("== per-connection settings\n");
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(sctx, ct_cert("inter_leaf_chain.pem"));
    SSL_CTX_use_PrivateKey_file(sctx, ct_cert("inter_leaf.key"), SSL_FILETYPE_PEM);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, count_cb);
    SSL_CTX_set_verify_depth(cctx, 5);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    printf("ssl depth %d ctx depth %d\n", SSL_get_verify_depth(p.client),
           SSL_CTX_get_verify_depth(cctx));
    SSL_set_verify_depth(p.client, 0);
    printf("ssl depth %d ctx depth %d\n", SSL_get_verify_depth(p.client),
           SSL_CTX_get_verify_depth(cctx));
    printf("callback kept %d\n", SSL_get_verify_callback(p.client) == count_cb);
    SSL_set_verify(p.client, SSL_VERIFY_NONE, NULL);
    printf("callback after NULL %d mode %d\n", SSL_get_verify_callback(p.client) == count_cb,
           SSL_get_verify_mode(p.client));
    printf("ctx callback %d\n", SSL_CTX_get_verify_callback(cctx) == count_cb);
    cb_calls = 0;
    ct_pair_handshake(&p);
    printf("verify_result %ld cb_calls %d\n", SSL_get_verify_result(p.client), cb_calls);
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
