/*
 * The cipher lists as stacks: SSL_CTX_get_ciphers and SSL_get_ciphers after
 * SSL_CTX_set_cipher_list and SSL_set_cipher_list (the connection's copy is
 * its own), SSL_CIPHER_description, SSL_get_client_ciphers on both sides,
 * and the suite a connection's own list makes the server choose. The
 * security level: its default, set and get on both objects, @SECLEVEL in a
 * cipher list, and its effect on verification (a SHA-1 signed certificate
 * is refused at level 2 and accepted at level 0).
 */
#include "common.h"

/* Only suites that both libraries have, so the lists can be compared. */
#define OURS "ECDHE+AESGCM:ECDHE+CHACHA20"

static void print_stack(const char *what, STACK_OF(SSL_CIPHER) *sk) {
    if (sk == NULL) {
        printf("%s (null)\n", what);
        return;
    }
    printf("%s %d:", what, sk_SSL_CIPHER_num(sk));
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++)
        printf(" %s", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    printf("\n");
}

static void descriptions(STACK_OF(SSL_CIPHER) *sk) {
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
        char buf[128];
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        printf("%s", SSL_CIPHER_description(c, buf, sizeof buf));
        char *own = SSL_CIPHER_description(c, NULL, 0);
        printf("own buffer same %d\n", own && strcmp(own, buf) == 0);
        OPENSSL_free(own);
    }
    char small[64];
    printf("small buffer %s\n",
           SSL_CIPHER_description(sk_SSL_CIPHER_value(sk, 0), small, sizeof small) ? "text"
                                                                                  : "(null)");
}

static SSL_CTX *server_ctx(const char *cert, const char *key) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    /* OpenSSL refuses to load a SHA-1 signed certificate at level 2. */
    SSL_CTX_set_security_level(ctx, 0);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        ct_fatal("cannot load %s", cert);
    return ctx;
}

static void lists(void) {
    printf("== lists\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    printf("set_cipher_list %d\n", SSL_CTX_set_cipher_list(ctx, OURS));
    print_stack("ctx", SSL_CTX_get_ciphers(ctx));
    printf("same pointer %d\n", SSL_CTX_get_ciphers(ctx) == SSL_CTX_get_ciphers(ctx));
    descriptions(SSL_CTX_get_ciphers(ctx));
    SSL *s = SSL_new(ctx);
    print_stack("ssl", SSL_get_ciphers(s));
    printf("ssl set_cipher_list %d\n", SSL_set_cipher_list(s, "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"));
    print_stack("ssl", SSL_get_ciphers(s));
    print_stack("ctx", SSL_CTX_get_ciphers(ctx));
    printf("ssl set_cipher_list bogus %d\n", SSL_set_cipher_list(s, "NOT-A-CIPHER"));
    ct_print_errors();
    print_stack("ssl", SSL_get_ciphers(s));
    printf("ctx set_cipher_list %d\n", SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM"));
    print_stack("ssl after ctx change", SSL_get_ciphers(s));
    SSL *s2 = SSL_new(ctx);
    print_stack("new ssl", SSL_get_ciphers(s2));
    print_stack("client ciphers of an unconnected ssl", SSL_get_client_ciphers(s2));
    SSL_free(s2);
    SSL_free(s);
    SSL_CTX_free(ctx);
    ct_print_errors();
    printf("NULL: %d %d %d\n", SSL_CTX_get_ciphers(NULL) == NULL, SSL_get_ciphers(NULL) == NULL,
           SSL_get_client_ciphers(NULL) == NULL);
    ct_print_errors();
}

static void negotiated(void) {
    printf("== negotiated\n");
    SSL_CTX *sctx = server_ctx(ct_cert("server.pem"), ct_cert("server.key"));
    SSL_CTX_set_cipher_list(sctx, OURS);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_cipher_list(cctx, OURS);
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    printf("server set_cipher_list %d\n", SSL_set_cipher_list(p.server, "ECDHE-RSA-AES128-GCM-SHA256"));
    SSL_set_options(p.server, SSL_OP_CIPHER_SERVER_PREFERENCE);
    print_stack("client ciphers before", SSL_get_client_ciphers(p.server));
    ct_pair_handshake(&p);
    printf("cipher %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(p.client)));
    print_stack("client ciphers", SSL_get_client_ciphers(p.server));
    print_stack("client ciphers on the client", SSL_get_client_ciphers(p.client));
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    ct_print_errors();
}

static void levels(void) {
    printf("== security level\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    printf("default %d\n", SSL_CTX_get_security_level(ctx));
    SSL *s = SSL_new(ctx);
    SSL_CTX_set_security_level(ctx, 4);
    printf("ctx %d ssl %d\n", SSL_CTX_get_security_level(ctx), SSL_get_security_level(s));
    SSL_set_security_level(s, -3);
    printf("ctx %d ssl %d\n", SSL_CTX_get_security_level(ctx), SSL_get_security_level(s));
    SSL_free(s);
    s = SSL_new(ctx);
    printf("new ssl %d\n", SSL_get_security_level(s));
    printf("set_cipher_list %d\n", SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM@SECLEVEL=1"));
    printf("ctx %d\n", SSL_CTX_get_security_level(ctx));
    printf("set_cipher_list %d\n", SSL_CTX_set_cipher_list(ctx, "@SECLEVEL=3:" OURS));
    printf("ctx %d\n", SSL_CTX_get_security_level(ctx));
    printf("ssl set_cipher_list %d\n", SSL_set_cipher_list(s, OURS ":@SECLEVEL=0"));
    printf("ctx %d ssl %d\n", SSL_CTX_get_security_level(ctx), SSL_get_security_level(s));
    SSL_free(s);
    SSL_CTX_free(ctx);
    ct_print_errors();
}

/* A leaf with the server's key, signed by the test CA with SHA-1. */
static const char *sha1_leaf(void) {
    const char *csr = ct_tmpfile("sha1.csr"), *pem = ct_tmpfile("sha1.pem");
    /* Extensions make it a version 3 certificate, the only kind rustls takes. */
    const char *ext = ct_tmpfile("sha1.ext");
    const char *text = "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost\n";
    ct_write_file(ext, (const unsigned char *)text, strlen(text));
    char *req[] = {"openssl", "req", "-new", "-key", (char *)ct_cert("server.key"),
                   "-subj", "/CN=localhost", "-out", (char *)csr, NULL};
    char *sign[] = {"openssl", "x509", "-req", "-sha1", "-in", (char *)csr,
                    "-CA", (char *)ct_cert("ca.pem"), "-CAkey", (char *)ct_cert("ca.key"),
                    "-set_serial", "77", "-days", "30", "-extfile", (char *)ext,
                    "-out", (char *)pem, NULL};
    if (ct_wait_child(ct_spawn_openssl(req, -1, -1), 30) != 0 ||
        ct_wait_child(ct_spawn_openssl(sign, -1, -1), 30) != 0)
        ct_fatal("cannot make the SHA-1 certificate");
    return pem;
}

static void weak_signature(const char *leaf, int ctx_level, int ssl_level) {
    printf("== SHA-1 leaf, context level %d, connection level %d\n", ctx_level, ssl_level);
    SSL_CTX *sctx = server_ctx(leaf, ct_cert("server.key"));
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
    if (ctx_level >= 0)
        SSL_CTX_set_security_level(cctx, ctx_level);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    if (ssl_level >= 0)
        SSL_set_security_level(p.client, ssl_level);
    ct_pair_handshake(&p);
    printf("verify_result %ld\n", SSL_get_verify_result(p.client));
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    ct_print_errors();
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    lists();
    negotiated();
    levels();
    const char *leaf = sha1_leaf();
    weak_signature(leaf, -1, -1);
    weak_signature(leaf, 0, -1);
    weak_signature(leaf, 2, 0);
    weak_signature(leaf, 0, 2);
    return 0;
}
