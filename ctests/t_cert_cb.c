/*
 * The certificate callback (SSL_CTX_set_cert_cb, SSL_set_cert_cb) and a
 * connection's own certificate (SSL_use_certificate, SSL_use_PrivateKey,
 * their _file forms, SSL_use_certificate_chain_file, SSL_set0_chain): a
 * server whose context has no certificate, or the wrong one, presents what
 * the callback or the application installed on the SSL, and the client's
 * verification shows which one it got. A callback that fails ends the
 * handshake.
 */
#include "common.h"

static int calls;
static int mode;

static X509 *load_cert(const char *name) {
    FILE *f = fopen(ct_cert(name), "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    return x;
}

static EVP_PKEY *load_key(const char *name) {
    FILE *f = fopen(ct_cert(name), "r");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    return k;
}

static int cert_cb(SSL *s, void *arg) {
    calls++;
    const char *sni = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    printf("  cert_cb arg=%s sni=%s has cert=%d\n", (const char *)arg, sni ? sni : "(none)",
           SSL_get_certificate(s) != NULL);
    switch (mode) {
    case 0: {
        X509 *x = load_cert("server.pem");
        EVP_PKEY *k = load_key("server.key");
        printf("  use_certificate %d\n", SSL_use_certificate(s, x));
        printf("  use_PrivateKey %d\n", SSL_use_PrivateKey(s, k));
        X509_free(x);
        EVP_PKEY_free(k);
        return 1;
    }
    case 1:
        printf("  use_certificate_chain_file %d\n",
               SSL_use_certificate_chain_file(s, ct_cert("inter_leaf_chain.pem")));
        printf("  use_PrivateKey_file %d\n",
               SSL_use_PrivateKey_file(s, ct_cert("inter_leaf.key"), SSL_FILETYPE_PEM));
        return 1;
    case 2: {
        X509 *x = load_cert("inter_leaf.pem");
        printf("  use_certificate %d\n", SSL_use_certificate(s, x));
        X509_free(x);
        STACK_OF(X509) *chain = sk_X509_new_null();
        sk_X509_push(chain, load_cert("inter.pem"));
        printf("  set0_chain %ld\n", SSL_set0_chain(s, chain));
        printf("  use_PrivateKey_file %d\n",
               SSL_use_PrivateKey_file(s, ct_cert("inter_leaf.key"), SSL_FILETYPE_PEM));
        return 1;
    }
    case 3:
        return 0;
    default:
        return 1;
    }
}

static void run(const char *name, int m, const char *ctx_cert, const char *ctx_key, int per_ssl,
                int maxv) {
    printf("== %s\n", name);
    calls = 0;
    mode = m;
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (maxv)
        SSL_CTX_set_max_proto_version(sctx, maxv);
    if (ctx_cert) {
        printf("ctx use_certificate_file %d\n",
               SSL_CTX_use_certificate_file(sctx, ct_cert(ctx_cert), SSL_FILETYPE_PEM));
        printf("ctx use_PrivateKey_file %d\n",
               SSL_CTX_use_PrivateKey_file(sctx, ct_cert(ctx_key), SSL_FILETYPE_PEM));
    }
    if (!per_ssl)
        SSL_CTX_set_cert_cb(sctx, cert_cb, (void *)"ctx");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    SSL_set1_host(p.client, "localhost");
    SSL_set_tlsext_host_name(p.client, "localhost");
    if (per_ssl == 1)
        SSL_set_cert_cb(p.server, cert_cb, (void *)"ssl");
    if (per_ssl == 2) {
        printf("ssl use_certificate_chain_file %d\n",
               SSL_use_certificate_chain_file(p.server, ct_cert("inter_leaf_chain.pem")));
        printf("ssl use_PrivateKey_file %d\n",
               SSL_use_PrivateKey_file(p.server, ct_cert("inter_leaf.key"), SSL_FILETYPE_PEM));
        printf("ssl certificate is its own %d\n",
               SSL_get_certificate(p.server) != SSL_CTX_get0_certificate(sctx));
    }
    int ok = ct_pair_handshake(&p);
    printf("callback calls %d, handshake %s, client verify %ld\n", calls, ok ? "ok" : "failed",
           SSL_get_verify_result(p.client));
    if (ok) {
        X509 *peer = SSL_get1_peer_certificate(p.client);
        char buf[256];
        X509_NAME_oneline(X509_get_issuer_name(peer), buf, sizeof buf);
        printf("server certificate issued by %s\n", buf);
        X509_free(peer);
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("callback installs the certificate, context has none", 0, NULL, NULL, 0, 0);
    run("callback installs the certificate, tls12", 0, NULL, NULL, 0, TLS1_2_VERSION);
    run("callback replaces the context's certificate", 2, "other_leaf.pem", "other_leaf.key", 0, 0);
    run("callback loads a chain file", 1, NULL, NULL, 0, 0);
    run("callback sets a chain", 2, "server.pem", "server.key", 0, 0);
    run("callback of the SSL", 0, NULL, NULL, 1, 0);
    run("callback leaves the context's", 4, "server.pem", "server.key", 0, 0);
    run("callback fails", 3, "server.pem", "server.key", 0, 0);
    run("SSL's own certificate without a callback", 9, "other_leaf.pem", "other_leaf.key", 2, 0);

    printf("== a client's own certificate\n");
    for (int own = 0; own < 2; own++) {
        SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
        SSL_CTX *sctx = ct_server_ctx();
        SSL_CTX_load_verify_locations(sctx, ct_cert("ca.pem"), NULL);
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        ct_pair p;
        ct_pair_new(&p, cctx, sctx, 17 * 1024);
        if (own) {
            X509 *cx = load_cert("clientonly.pem");
            EVP_PKEY *ck = load_key("clientonly.key");
            printf("client use_certificate %d use_PrivateKey %d\n", SSL_use_certificate(p.client, cx),
                   SSL_use_PrivateKey(p.client, ck));
            X509_free(cx);
            EVP_PKEY_free(ck);
        }
        int ok = ct_pair_handshake(&p);
        X509 *peer = ok ? SSL_get1_peer_certificate(p.server) : NULL;
        printf("own=%d handshake %s, server got a certificate %d\n", own, ok ? "ok" : "failed",
               peer != NULL);
        X509_free(peer);
        ERR_clear_error();
        ct_pair_free(&p);
        SSL_CTX_free(cctx);
        SSL_CTX_free(sctx);
    }

    printf("== mismatched key\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *s = SSL_new(ctx);
    X509 *x = load_cert("inter_leaf.pem");
    EVP_PKEY *k = load_key("other_leaf.key");
    printf("use_certificate %d\n", SSL_use_certificate(s, x));
    printf("use_PrivateKey of another certificate %d\n", SSL_use_PrivateKey(s, k));
    ct_print_errors();
    EVP_PKEY *rsa = load_key("server.key");
    printf("use_PrivateKey of another type %d\n", SSL_use_PrivateKey(s, rsa));
    ct_print_errors();
    EVP_PKEY_free(rsa);
    printf("use_certificate NULL %d\n", SSL_use_certificate(s, NULL));
    ct_print_errors();
    printf("use_certificate_file missing %d\n",
           SSL_use_certificate_file(s, ct_cert("missing.pem"), SSL_FILETYPE_PEM));
    ct_print_errors();
    X509_free(x);
    EVP_PKEY_free(k);
    SSL_free(s);
    SSL_CTX_free(ctx);
    return 0;
}
