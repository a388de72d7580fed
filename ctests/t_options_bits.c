/*
 * SSL_CTX_set_options and friends: the defaults of a new SSL_CTX per method,
 * the values the setters return, every bit kept, what an SSL inherits at
 * SSL_new and that the two are independent afterwards.  Then the bits that
 * change a handshake: SSL_OP_NO_TLSv1_3 / SSL_OP_NO_TLSv1_2 on either side
 * and on the SSL alone, and SSL_OP_CIPHER_SERVER_PREFERENCE.
 */
#include "common.h"

static void bits(const char *what, uint64_t v) {
    printf("%s 0x%016llx\n", what, (unsigned long long)v);
}

static void defaults(void) {
    printf("== defaults\n");
    SSL_CTX *a = SSL_CTX_new(TLS_method());
    SSL_CTX *c = SSL_CTX_new(TLS_client_method());
    SSL_CTX *s = SSL_CTX_new(TLS_server_method());
    bits("TLS_method", SSL_CTX_get_options(a));
    bits("TLS_client_method", SSL_CTX_get_options(c));
    bits("TLS_server_method", SSL_CTX_get_options(s));
    SSL *ssl = SSL_new(a);
    bits("SSL_new", SSL_get_options(ssl));
    SSL_free(ssl);
    SSL_CTX_free(a);
    SSL_CTX_free(c);
    SSL_CTX_free(s);
}

static void setters(void) {
    printf("== setters\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    uint64_t base = SSL_CTX_get_options(ctx);
    bits("set NO_TICKET", SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET));
    bits("set 0", SSL_CTX_set_options(ctx, 0));
    bits("set ALL", SSL_CTX_set_options(ctx, SSL_OP_ALL));
    bits("clear NO_TICKET", SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET));
    bits("clear 0", SSL_CTX_clear_options(ctx, 0));
    bits("set bit 63", SSL_CTX_set_options(ctx, (uint64_t)1 << 63));
    bits("set all", SSL_CTX_set_options(ctx, ~(uint64_t)0));
    bits("get", SSL_CTX_get_options(ctx));
    bits("clear all but base", SSL_CTX_clear_options(ctx, ~base));
    SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_3 | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL *ssl = SSL_new(ctx);
    bits("SSL inherits", SSL_get_options(ssl));
    bits("SSL set IGNORE_UNEXPECTED_EOF", SSL_set_options(ssl, SSL_OP_IGNORE_UNEXPECTED_EOF));
    bits("SSL clear NO_TLSv1_3", SSL_clear_options(ssl, SSL_OP_NO_TLSv1_3));
    bits("SSL set all", SSL_set_options(ssl, ~(uint64_t)0));
    bits("SSL clear all", SSL_clear_options(ssl, ~(uint64_t)0));
    bits("ctx unchanged", SSL_CTX_get_options(ctx));
    SSL_CTX_clear_options(ctx, ~(uint64_t)0);
    bits("ctx cleared", SSL_CTX_get_options(ctx));
    bits("SSL unchanged", SSL_get_options(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

static void handshake(const char *what, uint64_t cctx_op, uint64_t sctx_op, uint64_t cssl_op,
                      uint64_t sssl_op) {
    printf("== %s\n", what);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_options(cctx, cctx_op);
    SSL_CTX_set_options(sctx, sctx_op);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    SSL_set_options(p.client, cssl_op);
    SSL_set_options(p.server, sssl_op);
    if (ct_pair_handshake(&p))
        printf("version %s\n", SSL_get_version(p.client));
    else
        ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void preference(int server_pref) {
    printf("== cipher preference, server's %s\n", server_pref ? "first" : "not first");
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_ciphersuites(cctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384");
    SSL_CTX_set_ciphersuites(sctx, "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256");
    if (server_pref)
        SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    if (ct_pair_handshake(&p))
        printf("cipher %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(p.client)));
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    defaults();
    setters();
    handshake("no options", 0, 0, 0, 0);
    handshake("client ctx NO_TLSv1_3", SSL_OP_NO_TLSv1_3, 0, 0, 0);
    handshake("server ctx NO_TLSv1_3", 0, SSL_OP_NO_TLSv1_3, 0, 0);
    handshake("client SSL NO_TLSv1_3", 0, 0, SSL_OP_NO_TLSv1_3, 0);
    handshake("server SSL NO_TLSv1_3", 0, 0, 0, SSL_OP_NO_TLSv1_3);
    /* NO_TLSv1_2 alone leaves OpenSSL TLS 1.0 and 1.1, which its default
     * security level cannot sign for; with the older ones off too it means
     * TLS 1.3 only. */
    uint64_t only13 = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1_2;
    handshake("client ctx TLS 1.3 only", only13, 0, 0, 0);
    handshake("server SSL TLS 1.3 only", 0, 0, 0, only13);
    handshake("NO_TICKET both", SSL_OP_NO_TICKET, SSL_OP_NO_TICKET, 0, 0);
    preference(0);
    preference(1);
    return 0;
}
