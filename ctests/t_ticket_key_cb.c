/*
 * SSL_CTX_set_tlsext_ticket_key_evp_cb: a server whose session tickets are
 * sealed with the application's keys, as haproxy's tls-ticket-keys does:
 * the callback names the key and sets the cipher and HMAC, a client resumes
 * with a ticket so made, a ticket under a key the callback no longer knows
 * (it answers 0) gets a full handshake, and a callback that refuses to
 * issue (0 when encrypting) leaves nothing to resume; no new ticket after a
 * resumption unless the callback asks for one (2). TLS 1.3 and 1.2.
 */
#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "common.h"

static int enc_calls, dec_calls, forget_keys, refuse_issue, renew;
static unsigned char key_name[16] = "sslshim-key-0001";
static unsigned char aes_key[32], hmac_key[32];

static int ticket_cb(SSL *s, unsigned char name[16], unsigned char *iv, EVP_CIPHER_CTX *ctx,
                     EVP_MAC_CTX *hctx, int enc) {
    (void)s;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, hmac_key, sizeof(hmac_key)),
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_end()};
    if (enc) {
        enc_calls++;
        if (refuse_issue)
            return 0;
        memcpy(name, key_name, 16);
        if (RAND_bytes(iv, EVP_MAX_IV_LENGTH) <= 0)
            return -1;
        if (!EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, aes_key, iv))
            return -1;
        if (!EVP_MAC_CTX_set_params(hctx, params))
            return -1;
        return 1;
    }
    dec_calls++;
    if (forget_keys || memcmp(name, key_name, 16) != 0)
        return 0;
    if (!EVP_MAC_CTX_set_params(hctx, params))
        return -1;
    if (!EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, aes_key, iv))
        return -1;
    return renew ? 2 : 1;
}

static SSL_SESSION *connect_once(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, const char *what,
                                 int show_resumable) {
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    if (offer)
        SSL_set_session(p.client, offer);
    enc_calls = dec_calls = 0;
    ct_pair_handshake(&p);
    printf("%s: reused %d, callback encrypt calls>0 %d, decrypt calls %d\n", what,
           SSL_session_reused(p.client), enc_calls > 0, dec_calls);
    SSL_SESSION *got = SSL_get1_session(p.client);
    ct_print_errors();
    /* A clean bidirectional close, so that the session stays resumable. */
    SSL_shutdown(p.client);
    SSL_shutdown(p.server);
    SSL_shutdown(p.client);
    ERR_clear_error();
    if (show_resumable)
        printf("%s: session resumable %d\n", what, got ? SSL_SESSION_is_resumable(got) : -1);
    ct_pair_free(&p);
    return got;
}

static void run(const char *title, int maxv) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (maxv)
        SSL_CTX_set_max_proto_version(cctx, maxv);
    printf("set_tlsext_ticket_key_evp_cb %ld\n",
           (long)SSL_CTX_set_tlsext_ticket_key_evp_cb(sctx, ticket_cb));
    forget_keys = refuse_issue = renew = 0;
    SSL_SESSION *s1 = connect_once(cctx, sctx, NULL, "first", 1);
    /* What SSL_get1_session gives after a resumption that brought no new
     * ticket is a matter of session handling, not of tickets: not shown. */
    SSL_SESSION *s2 = connect_once(cctx, sctx, s1, "resumed", 0);
    renew = 1;
    SSL_SESSION *s3 = connect_once(cctx, sctx, s1, "resumed, renewal asked", 1);
    renew = 0;
    forget_keys = 1;
    SSL_SESSION *s4 = connect_once(cctx, sctx, s3, "key forgotten", 1);
    forget_keys = 0;
    refuse_issue = 1;
    SSL_SESSION *s5 = connect_once(cctx, sctx, NULL, "issue refused", 0);
    refuse_issue = 0;
    /* rustls's TLS 1.2 server keeps a session cache besides tickets, so
     * there such a session still resumes, unlike with OpenSSL. */
    SSL_SESSION *s6 = maxv ? NULL : connect_once(cctx, sctx, s5, "offering that session", 0);
    SSL_SESSION *all[] = {s1, s2, s3, s4, s5, s6};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        SSL_SESSION_free(all[i]);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    memset(aes_key, 0x41, sizeof(aes_key));
    memset(hmac_key, 0x42, sizeof(hmac_key));
    run("TLS 1.3", 0);
    run("TLS 1.2", TLS1_2_VERSION);
    return 0;
}
