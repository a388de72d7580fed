/*
 * Protocol versions (min/max set and get, values OpenSSL refuses, TLS 1.2
 * and 1.3 negotiated, no common version) and cipher strings
 * (SSL_CTX_set_cipher_list, SSL_CTX_set_ciphersuites) with the negotiated
 * suite as the SSL_CIPHER getters describe it.
 */
#include "hs_pki.h"

static EVP_PKEY *eckey;
static X509 *eccert;

static void cipher(const char *who, const SSL_CIPHER *c) {
    int alg = -1;
    if (!c) {
        printf("%s cipher (none)\n", who);
        return;
    }
    int bits = SSL_CIPHER_get_bits(c, &alg);
    printf("%s cipher %s std=%s version=%s bits=%d/%d id=%08lx\n", who, SSL_CIPHER_get_name(c),
           SSL_CIPHER_standard_name(c), SSL_CIPHER_get_version(c), bits, alg,
           (unsigned long)SSL_CIPHER_get_id(c));
}

static void run(const char *title, int cmin, int cmax, int smin, int smax, const char *clist,
                const char *csuites, const char *slist, int ecdsa) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ecdsa ? hs_server_ctx_with(eckey, eccert) : ct_server_ctx();
    if (cmin)
        printf("client min %ld\n", SSL_CTX_set_min_proto_version(cctx, cmin));
    if (cmax)
        printf("client max %ld\n", SSL_CTX_set_max_proto_version(cctx, cmax));
    if (smin)
        printf("server min %ld\n", SSL_CTX_set_min_proto_version(sctx, smin));
    if (smax)
        printf("server max %ld\n", SSL_CTX_set_max_proto_version(sctx, smax));
    if (clist)
        printf("client cipher_list %d\n", SSL_CTX_set_cipher_list(cctx, clist));
    if (csuites)
        printf("client ciphersuites %d\n", SSL_CTX_set_ciphersuites(cctx, csuites));
    if (slist)
        printf("server cipher_list %d\n", SSL_CTX_set_cipher_list(sctx, slist));
    ct_print_errors();
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("before version %s\n", SSL_get_version(p.client));
    cipher("before", SSL_get_current_cipher(p.client));
    if (ct_pair_handshake(&p)) {
        printf("client version %s server version %s\n", SSL_get_version(p.client),
               SSL_get_version(p.server));
        cipher("client", SSL_get_current_cipher(p.client));
        cipher("server", SSL_get_current_cipher(p.server));
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void setters(void) {
    printf("== setters\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    printf("get min %ld max %ld\n", SSL_CTX_get_min_proto_version(ctx),
           SSL_CTX_get_max_proto_version(ctx));
    int vs[] = {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION, 0,
                0x0305, DTLS1_2_VERSION, DTLS1_VERSION, 0x0200};
    for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
        long a = SSL_CTX_set_min_proto_version(ctx, vs[i]);
        long ga = SSL_CTX_get_min_proto_version(ctx);
        long b = SSL_CTX_set_max_proto_version(ctx, vs[i]);
        long gb = SSL_CTX_get_max_proto_version(ctx);
        printf("version %#x: set min %ld -> %#lx, set max %ld -> %#lx\n", vs[i], a, ga, b, gb);
        ct_print_errors();
        SSL_CTX_set_min_proto_version(ctx, 0);
        SSL_CTX_set_max_proto_version(ctx, 0);
    }
    const char *lists[] = {"ALL", "DEFAULT", "HIGH:!aNULL", "ECDHE-RSA-AES128-GCM-SHA256",
                           "RC4-MD5", "bogus", "", "ECDHE-RSA-AES256-GCM-SHA384:bogus",
                           "!ALL", "ECDHE+AESGCM", "HIGH:!aNULL:!SSLv2:!DH:!kDHEPSK",
                           "ECDHE:!DH:!PSK:!SHA1:!eNULL"};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        printf("cipher_list '%s' %d\n", lists[i], SSL_CTX_set_cipher_list(ctx, lists[i]));
        ct_print_errors();
    }
    const char *suites[] = {"TLS_AES_128_GCM_SHA256",
                            "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
                            "",
                            "bogus",
                            "TLS_AES_128_GCM_SHA256:bogus",
                            "ECDHE-RSA-AES128-GCM-SHA256"};
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        printf("ciphersuites '%s' %d\n", suites[i], SSL_CTX_set_ciphersuites(ctx, suites[i]));
        ct_print_errors();
    }
    printf("null cipher name %s\n", SSL_CIPHER_get_name(NULL));
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    eckey = hs_key("P-256");
    eccert = hs_cert(eckey, "localhost", 0);
    setters();

    run("defaults", 0, 0, 0, 0, NULL, NULL, NULL, 0);
    run("client max 1.2", 0, TLS1_2_VERSION, 0, 0, NULL, NULL, NULL, 0);
    run("server max 1.2", 0, 0, 0, TLS1_2_VERSION, NULL, NULL, NULL, 0);
    run("client min 1.3, server max 1.2", TLS1_3_VERSION, 0, 0, TLS1_2_VERSION, NULL, NULL, NULL, 0);
    run("client max 1.2, server min 1.3", 0, TLS1_2_VERSION, TLS1_3_VERSION, 0, NULL, NULL, NULL, 0);
    run("client min 1.0", TLS1_VERSION, 0, 0, 0, NULL, NULL, NULL, 0);
    run("server max 1.1", 0, 0, 0, TLS1_1_VERSION, NULL, NULL, NULL, 0);
    /* A client limited to TLS 1.1 or older differs: see docs/compat.md. */
    run("tls13 aes128", 0, 0, 0, 0, NULL, "TLS_AES_128_GCM_SHA256", NULL, 0);
    run("tls13 chacha", 0, 0, 0, 0, NULL, "TLS_CHACHA20_POLY1305_SHA256", NULL, 0);
    run("tls13 aes256", 0, 0, 0, 0, NULL, "TLS_AES_256_GCM_SHA384", NULL, 0);
    const char *rsa12[] = {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                           "ECDHE-RSA-CHACHA20-POLY1305"};
    for (int i = 0; i < 3; i++)
        run(rsa12[i], 0, TLS1_2_VERSION, 0, 0, rsa12[i], NULL, NULL, 0);
    const char *ec12[] = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                          "ECDHE-ECDSA-CHACHA20-POLY1305"};
    for (int i = 0; i < 3; i++)
        run(ec12[i], 0, TLS1_2_VERSION, 0, 0, ec12[i], NULL, NULL, 1);
    run("tls12 ecdsa only vs rsa server", 0, TLS1_2_VERSION, 0, 0, "ECDHE-ECDSA-AES128-GCM-SHA256",
        NULL, NULL, 0);
    /* stunnel's default list on both ends: "!DH" leaves the ECDHE suites. */
    run("stunnel's default cipher list", 0, TLS1_2_VERSION, 0, 0, "HIGH:!aNULL:!SSLv2:!DH:!kDHEPSK",
        NULL, "HIGH:!aNULL:!SSLv2:!DH:!kDHEPSK", 0);
    run("tls12 server restricts", 0, TLS1_2_VERSION, 0, 0, NULL, NULL,
        "ECDHE-RSA-CHACHA20-POLY1305", 0);
    run("tls13 disabled by empty suites", 0, 0, 0, 0, NULL, "", NULL, 0);
    X509_free(eccert);
    EVP_PKEY_free(eckey);
    return 0;
}
