/*
 * SSL_set_read_ahead/SSL_get_read_ahead (the value as given, inherited from
 * the context, through SSL_ctrl too) and what it changes: a reader with read
 * ahead takes every record its BIO holds. SSL_verify_client_post_handshake
 * refused as OpenSSL refuses it: before a TLS 1.3 handshake, on a client,
 * and on a server whose client did not offer post-handshake authentication.
 * The message callback's argument is accepted.
 */
#include "common.h"

static SSL_CTX *server_ctx(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, ct_cert("server.pem")) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, ct_cert("server.key"), SSL_FILETYPE_PEM) != 1)
        ct_fatal("cannot load the server certificate");
    return ctx;
}

static void values(void) {
    printf("== read ahead values\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);
    printf("default %d\n", SSL_get_read_ahead(s));
    SSL_set_read_ahead(s, 5);
    printf("after 5: %d\n", SSL_get_read_ahead(s));
    printf("ctrl set 7 returns %ld\n", SSL_ctrl(s, SSL_CTRL_SET_READ_AHEAD, 7, NULL));
    printf("ctrl get %ld\n", SSL_ctrl(s, SSL_CTRL_GET_READ_AHEAD, 0, NULL));
    SSL_CTX_set_read_ahead(ctx, 3);
    SSL *s2 = SSL_new(ctx);
    printf("inherited %d, first still %d\n", SSL_get_read_ahead(s2), SSL_get_read_ahead(s));
    printf("msg callback arg %ld\n", SSL_set_msg_callback_arg(s, NULL));
    SSL_set_msg_callback(s, NULL);
    SSL_free(s2);
    SSL_free(s);
    SSL_CTX_free(ctx);
    ct_print_errors();
}

static void effect(int ahead) {
    printf("== two records, read ahead %d\n", ahead);
    SSL_CTX *sctx = server_ctx();
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    SSL_set_read_ahead(p.server, ahead);
    ct_pair_handshake(&p);
    printf("write %d\n", SSL_write(p.client, "first", 5));
    printf("write %d\n", SSL_write(p.client, "second", 6));
    /* How the 11 bytes are split among the reads differs: with read ahead
     * sslshim may return both records at once, OpenSSL one at a time. */
    char buf[64];
    int got = SSL_read(p.server, buf, sizeof buf);
    printf("first read > 0: %d\n", got > 0);
    printf("bio left %s\n", BIO_ctrl_pending(SSL_get_rbio(p.server)) ? "some" : "none");
    while (got > 0 && got < 11) {
        int r = SSL_read(p.server, buf + got, sizeof buf - got);
        if (r <= 0)
            break;
        got += r;
    }
    printf("read %d: %.*s\n", got, got > 0 ? got : 0, buf);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    ct_print_errors();
}

static void pha(int max_version) {
    printf("== post-handshake auth, max %#x\n", max_version);
    SSL_CTX *sctx = server_ctx();
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(cctx, max_version);
    SSL_CTX_set_post_handshake_auth(cctx, 0);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    SSL_set_post_handshake_auth(p.client, 0);
    printf("server before %d\n", SSL_verify_client_post_handshake(p.server));
    ct_print_errors();
    ct_pair_handshake(&p);
    printf("client %d\n", SSL_verify_client_post_handshake(p.client));
    ct_print_errors();
    printf("server %d\n", SSL_verify_client_post_handshake(p.server));
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    values();
    effect(0);
    effect(1);
    pha(TLS1_3_VERSION);
    pha(TLS1_2_VERSION);
    return 0;
}
