/*
 * The smaller handshake settings and descriptions: SSL_CIPHER NIDs,
 * SSL_CIPHER_find, SSL_version, the session ID context, session timeout and
 * TLS 1.3 ticket count (resumption with none), NPN getters without NPN.
 */
#include "hs_pki.h"

static void describe(const char *who, SSL *s) {
    const SSL_CIPHER *c = SSL_get_current_cipher(s);
    printf("%s %s version=%#x cipher_nid=%d digest_nid=%d kx_nid=%d auth_nid=%d aead=%d\n", who,
           SSL_CIPHER_get_name(c), SSL_version(s), SSL_CIPHER_get_cipher_nid(c),
           SSL_CIPHER_get_digest_nid(c), SSL_CIPHER_get_kx_nid(c), SSL_CIPHER_get_auth_nid(c),
           SSL_CIPHER_is_aead(c));
    const unsigned char *d = (const unsigned char *)"x";
    unsigned int l = 9;
    SSL_get0_next_proto_negotiated(s, &d, &l);
    printf("%s npn %s %u\n", who, d ? "set" : "NULL", l);
}

static int npn_select(SSL *s, unsigned char **out, unsigned char *outlen, const unsigned char *in,
                      unsigned int inlen, void *arg) {
    (void)s, (void)out, (void)outlen, (void)in, (void)inlen, (void)arg;
    return SSL_TLSEXT_ERR_NOACK;
}

static void run(const char *title, int maxv, const char *list, int ecdsa, int tickets,
                int resume) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx;
    EVP_PKEY *k = NULL;
    X509 *x = NULL;
    if (ecdsa) {
        k = hs_key("P-256");
        x = hs_cert(k, "localhost", 0);
        sctx = hs_server_ctx_with(k, x);
    } else {
        sctx = ct_server_ctx();
    }
    SSL_CTX_set_next_proto_select_cb(cctx, npn_select, NULL);
    if (maxv)
        SSL_CTX_set_max_proto_version(cctx, maxv);
    if (list)
        SSL_CTX_set_cipher_list(cctx, list);
    if (tickets >= 0)
        printf("set_num_tickets %d\n", SSL_CTX_set_num_tickets(sctx, tickets));
    printf("num_tickets %zu\n", SSL_CTX_get_num_tickets(sctx));
    SSL_SESSION *sess = NULL;
    for (int round = 0; round < (resume ? 2 : 1); round++) {
        ct_pair p;
        ct_pair_new(&p, cctx, sctx, 17 * 1024);
        if (round == 0)
            printf("version before %#x\n", SSL_version(p.client));
        if (sess)
            SSL_set_session(p.client, sess);
        if (ct_pair_handshake(&p)) {
            describe("client", p.client);
            describe("server", p.server);
            printf("reused %d\n", SSL_session_reused(p.client));
        }
        SSL_SESSION_free(sess);
        sess = SSL_get1_session(p.client);
        if (sess)
            printf("resumable %d\n", SSL_SESSION_is_resumable(sess));
        ERR_clear_error();
        SSL_shutdown(p.client);
        SSL_shutdown(p.server);
        ct_pair_free(&p);
    }
    SSL_SESSION_free(sess);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    X509_free(x);
    EVP_PKEY_free(k);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("tls13 default", 0, NULL, 0, -1, 0);
    run("tls12 rsa aes128", TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256", 0, -1, 0);
    run("tls12 ecdsa chacha", TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305", 1, -1, 0);
    run("tls13 one ticket", 0, NULL, 0, 1, 1);
    run("tls13 no tickets", 0, NULL, 0, 0, 1);

    printf("== settings\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    printf("timeout default %ld\n", SSL_CTX_get_timeout(ctx));
    printf("set_timeout returns %ld\n", SSL_CTX_set_timeout(ctx, 1000));
    printf("timeout now %ld\n", SSL_CTX_get_timeout(ctx));
    unsigned char sid[40] = {0};
    printf("sid ctx 32 %d\n", SSL_CTX_set_session_id_context(ctx, sid, 32));
    ct_print_errors();
    printf("sid ctx 33 %d\n", SSL_CTX_set_session_id_context(ctx, sid, 33));
    ct_print_errors();
    SSL *s = SSL_new(ctx);
    const SSL_CIPHER *c = SSL_CIPHER_find(s, (const unsigned char *)"\x13\x01");
    printf("find 1301 %s\n", c ? SSL_CIPHER_get_name(c) : "NULL");
    c = SSL_CIPHER_find(s, (const unsigned char *)"\xc0\x2f");
    printf("find c02f %s\n", c ? SSL_CIPHER_get_name(c) : "NULL");
    c = SSL_CIPHER_find(s, (const unsigned char *)"\xff\xfe");
    printf("find fffe %s\n", c ? SSL_CIPHER_get_name(c) : "NULL");
    SSL_free(s);
    SSL_CTX_free(ctx);
    return 0;
}
