/*
 * The outcome of server-certificate verification on an in-process client,
 * for each way a certificate can fail: SSL_get_verify_result's X509_V_ERR_*
 * number, the handshake's outcome and error queue on both sides, and the
 * verify callback's calls (preverify_ok, depth, error, subject of the
 * current certificate) with a callback that agrees and one that overrides.
 * Every case runs under SSL_VERIFY_NONE and SSL_VERIFY_PEER.
 */
#include "common.h"

static int cb_mode; /* 0: return preverify_ok, 1: accept everything */

static int verify_cb(int ok, X509_STORE_CTX *st) {
    X509 *cur = X509_STORE_CTX_get_current_cert(st);
    char cn[128] = "(none)";
    if (cur)
        X509_NAME_get_text_by_NID(X509_get_subject_name(cur), NID_commonName, cn, sizeof cn);
    SSL *ssl = X509_STORE_CTX_get_ex_data(st, SSL_get_ex_data_X509_STORE_CTX_idx());
    printf("  cb preverify=%d depth=%d error=%d cn=%s ssl=%s\n", ok,
           X509_STORE_CTX_get_error_depth(st), X509_STORE_CTX_get_error(st), cn,
           ssl ? "yes" : "no");
    return cb_mode ? 1 : ok;
}

static SSL_CTX *server_ctx(const char *leaf) {
    char cert[64], key[64];
    snprintf(cert, sizeof cert, "%s.pem", leaf);
    snprintf(key, sizeof key, "%s.key", leaf);
    if (strcmp(leaf, "inter_leaf") == 0)
        snprintf(cert, sizeof cert, "inter_leaf_chain.pem");
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, ct_cert(cert)) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, ct_cert(key), SSL_FILETYPE_PEM) != 1)
        ct_fatal("cannot load %s", leaf);
    return ctx;
}

static void attempt(const char *leaf, const char *host, int mode, int cb, int depth) {
    printf("== %s host=%s mode=%d cb=%d depth=%d\n", leaf, host ? host : "-", mode, cb, depth);
    SSL_CTX *sctx = server_ctx(leaf);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL);
    cb_mode = cb == 2;
    SSL_CTX_set_verify(cctx, mode, cb ? verify_cb : NULL);
    if (depth >= 0)
        SSL_CTX_set_verify_depth(cctx, depth);
    printf("ctx verify_depth %d\n", SSL_CTX_get_verify_depth(cctx));
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    if (host)
        SSL_set1_host(p.client, host);
    ct_pair_handshake(&p);
    long v = SSL_get_verify_result(p.client);
    printf("verify_result %ld (%s)\n", v, X509_verify_cert_error_string(v));
    X509 *peer = SSL_get1_peer_certificate(p.client);
    printf("peer certificate %s\n", peer ? "yes" : "no");
    X509_free(peer);
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    static const struct {
        const char *leaf, *host;
        int depth;
    } cases[] = {
        {"server", "localhost", -1},  {"other_leaf", NULL, -1}, {"selfsigned", NULL, -1},
        {"expired", NULL, -1},        {"notyet", NULL, -1},     {"wronghost", "localhost", -1},
        {"server", "127.0.0.1", -1},  {"server", "other.example", -1},
        {"inter_leaf", NULL, -1},     {"inter_leaf", NULL, 0},  {"inter_leaf", NULL, 1},
        {"inter_leaf", NULL, 2},      {"server", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        attempt(cases[i].leaf, cases[i].host, SSL_VERIFY_NONE, 0, cases[i].depth);
        attempt(cases[i].leaf, cases[i].host, SSL_VERIFY_PEER, 0, cases[i].depth);
        attempt(cases[i].leaf, cases[i].host, SSL_VERIFY_NONE, 1, cases[i].depth);
        attempt(cases[i].leaf, cases[i].host, SSL_VERIFY_PEER, 1, cases[i].depth);
        attempt(cases[i].leaf, cases[i].host, SSL_VERIFY_PEER, 2, cases[i].depth);
    }
    return 0;
}
