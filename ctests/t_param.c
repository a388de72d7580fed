/*
 * SSL_CTX_get0_param and SSL_get0_param: what an application sets on the
 * X509_VERIFY_PARAM itself (host, flags, depth, purpose) decides the
 * verification; an SSL starts from its context's parameters and keeps its
 * own. SSL_get0_verified_chain after success and failure. The context's
 * password callback and argument read back.
 */
#include "common.h"

#include <openssl/x509v3.h>

static SSL_CTX *server_ctx(const char *chain, const char *key) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, ct_cert(chain)) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, ct_cert(key), SSL_FILETYPE_PEM) != 1)
        ct_fatal("cannot load %s", chain);
    return ctx;
}

static void print_chain(const char *what, STACK_OF(X509) *sk) {
    if (sk == NULL) {
        printf("%s (null)\n", what);
        return;
    }
    printf("%s %d:", what, sk_X509_num(sk));
    for (int i = 0; i < sk_X509_num(sk); i++) {
        char buf[128];
        X509_NAME_oneline(X509_get_subject_name(sk_X509_value(sk, i)), buf, sizeof buf);
        printf(" [%s]", buf);
    }
    printf("\n");
}

typedef void (*setup_fn)(SSL_CTX *cctx, SSL *client);

/* One handshake of a verifying client with the server's chain; setup
 * adjusts the parameters after SSL_new. */
static void attempt(const char *title, const char *chain, const char *key, const char *ca,
                    setup_fn ctx_setup, setup_fn ssl_setup) {
    printf("== %s\n", title);
    SSL_CTX *sctx = server_ctx(chain, key);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, ct_cert(ca), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
    printf("ctx param %s\n", SSL_CTX_get0_param(cctx) ? "set" : "(null)");
    if (ctx_setup)
        ctx_setup(cctx, NULL);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    printf("ssl param %s, own %d\n", SSL_get0_param(p.client) ? "set" : "(null)",
           SSL_get0_param(p.client) != SSL_CTX_get0_param(cctx));
    print_chain("verified before", SSL_get0_verified_chain(p.client));
    if (ssl_setup)
        ssl_setup(cctx, p.client);
    ct_pair_handshake(&p);
    printf("verify_result %ld\n", SSL_get_verify_result(p.client));
    print_chain("verified", SSL_get0_verified_chain(p.client));
    print_chain("server verified", SSL_get0_verified_chain(p.server));
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void ctx_wrong_host(SSL_CTX *c, SSL *s) {
    (void)s;
    printf("set1_host %d\n", X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(c), "wrong.example", 0));
}
static void ssl_right_host(SSL_CTX *c, SSL *s) {
    (void)c;
    printf("set1_host %d\n", X509_VERIFY_PARAM_set1_host(SSL_get0_param(s), "localhost", 0));
}
static void ssl_wrong_ip(SSL_CTX *c, SSL *s) {
    (void)c;
    printf("set1_ip_asc %d\n", X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), "127.0.0.2"));
}
static void ssl_right_ip(SSL_CTX *c, SSL *s) {
    (void)c;
    printf("set1_ip_asc %d\n", X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), "127.0.0.1"));
}
static void ctx_partial_chain(SSL_CTX *c, SSL *s) {
    (void)s;
    printf("set_flags %d\n",
           X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(c), X509_V_FLAG_PARTIAL_CHAIN));
    printf("flags partial %d\n",
           (X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(c)) & X509_V_FLAG_PARTIAL_CHAIN) != 0);
}
static void ctx_depth0(SSL_CTX *c, SSL *s) {
    (void)s;
    X509_VERIFY_PARAM_set_depth(SSL_CTX_get0_param(c), 0);
    printf("ctx depth %d\n", SSL_CTX_get_verify_depth(c));
}
static void ssl_depth1(SSL_CTX *c, SSL *s) {
    (void)c;
    X509_VERIFY_PARAM_set_depth(SSL_get0_param(s), 1);
    printf("ssl depth %d\n", SSL_get_verify_depth(s));
}
static void ssl_client_purpose(SSL_CTX *c, SSL *s) {
    (void)c;
    printf("set_purpose %d\n", X509_VERIFY_PARAM_set_purpose(SSL_get0_param(s), X509_PURPOSE_SSL_CLIENT));
}

static int pw_cb(char *buf, int size, int rw, void *u) {
    (void)buf, (void)size, (void)rw, (void)u;
    return 0;
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    attempt("defaults", "server.pem", "server.key", "ca.pem", NULL, NULL);
    attempt("context host", "server.pem", "server.key", "ca.pem", ctx_wrong_host, NULL);
    attempt("connection host over the context's", "server.pem", "server.key", "ca.pem",
            ctx_wrong_host, ssl_right_host);
    attempt("connection ip wrong", "server.pem", "server.key", "ca.pem", NULL, ssl_wrong_ip);
    attempt("connection ip right", "server.pem", "server.key", "ca.pem", NULL, ssl_right_ip);
    attempt("untrusted", "inter_leaf_chain.pem", "inter_leaf.key", "other_ca.pem", NULL, NULL);
    attempt("intermediate as anchor", "inter_leaf_chain.pem", "inter_leaf.key", "inter.pem", NULL,
            NULL);
    attempt("intermediate as anchor, partial chain", "inter_leaf_chain.pem", "inter_leaf.key",
            "inter.pem", ctx_partial_chain, NULL);
    attempt("depth 0 on the context", "inter_leaf_chain.pem", "inter_leaf.key", "ca.pem", ctx_depth0,
            NULL);
    attempt("depth 1 on the connection", "inter_leaf_chain.pem", "inter_leaf.key", "ca.pem",
            ctx_depth0, ssl_depth1);
    attempt("client purpose", "server.pem", "server.key", "ca.pem", NULL, ssl_client_purpose);

    printf("== password callback\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    int data = 7;
    printf("default cb %d userdata %d\n", SSL_CTX_get_default_passwd_cb(ctx) == NULL,
           SSL_CTX_get_default_passwd_cb_userdata(ctx) == NULL);
    SSL_CTX_set_default_passwd_cb(ctx, pw_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &data);
    printf("cb %d userdata %d\n", SSL_CTX_get_default_passwd_cb(ctx) == pw_cb,
           SSL_CTX_get_default_passwd_cb_userdata(ctx) == &data);
    SSL_CTX_free(ctx);
    ct_print_errors();
    return 0;
}
