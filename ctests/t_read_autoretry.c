/*
 * SSL_MODE_AUTO_RETRY and records that carry no application data.  With the
 * mode cleared, a read that processed a TLS 1.3 NewSessionTicket or KeyUpdate
 * returns -1 and asks to read again, even on a blocking socket, with the read
 * BIO's retry flags set; with it set (the default) the read goes on to the
 * data.  Peers: `openssl s_server` (two tickets after the handshake, then a
 * line from its stdin) and, in process over a BIO pair, a server sending a
 * KeyUpdate, or the tickets of a handshake nobody drained, before data.
 */
#include "common.h"

static void flags(SSL *ssl) {
    BIO *rb = SSL_get_rbio(ssl);
    printf("  SSL_want %d rbio retry %d read %d SSL_pending %d SSL_has_pending %d\n", SSL_want(ssl),
           BIO_should_retry(rb) ? 1 : 0, BIO_should_read(rb) ? 1 : 0, SSL_pending(ssl),
           SSL_has_pending(ssl));
}

/* One read; returns its result. */
static int rd(const char *what, SSL *ssl, int peek) {
    char buf[64];
    int r = peek ? SSL_peek(ssl, buf, sizeof buf) : SSL_read(ssl, buf, sizeof buf);
    ct_outcome(what, ssl, r);
    if (r > 0)
        printf("  data \"%.*s\"\n", r, buf);
    flags(ssl);
    return r;
}

/* SSL_read_ex of 0 bytes; returns its result. */
static int rd0(const char *what, SSL *ssl) {
    char buf[1];
    size_t n = 77;
    int r = SSL_read_ex(ssl, buf, 0, &n);
    ct_outcome(what, ssl, r);
    printf("  readbytes %zu\n", n);
    flags(ssl);
    return r;
}

/* Reads until data arrives, at most n calls. */
static void rd_until_data(const char *what, SSL *ssl, int peek, int n) {
    for (int i = 0; i < n; i++)
        if (rd(what, ssl, peek) > 0)
            return;
}

static void socket_case(int auto_retry, int peek) {
    printf("== s_server, blocking socket, AUTO_RETRY %s, %s\n", auto_retry ? "set" : "cleared",
           peek ? "SSL_peek" : "SSL_read");
    ct_conn c;
    ct_conn_open(&c, "autoretry", 0, 0, 0);
    if (!auto_retry)
        printf("SSL_clear_mode %ld\n", SSL_clear_mode(c.ssl, SSL_MODE_AUTO_RETRY));
    ct_connect(c.ssl, c.fd);
    printf("SSL_get_mode %ld\n", SSL_get_mode(c.ssl));
    /* The line follows the tickets on the wire whenever it is written. */
    if (write(c.srv.stdin_fd, "hello\n", 6) != 6)
        ct_fatal("write to s_server failed");
    rd_until_data(peek ? "client SSL_peek" : "client SSL_read", c.ssl, peek, 5);
    if (peek)
        rd("client SSL_read", c.ssl, 0);
    ct_close_session(c.ssl, c.fd);
    ct_conn_close(&c, NULL, 0);
}

/* The handshake without draining what follows it. */
static void handshake_only(ct_pair *p) {
    int rc = 0, rs = 0;
    for (int i = 0; i < 100 && (rc != 1 || rs != 1); i++) {
        if (rc != 1)
            rc = SSL_do_handshake(p->client);
        if (rs != 1)
            rs = SSL_do_handshake(p->server);
    }
    printf("handshake client %d server %d\n", rc, rs);
    ERR_clear_error();
}

static void pair_tickets(SSL_CTX *cctx, SSL_CTX *sctx, int auto_retry, int peek) {
    printf("== pair, tickets undrained, AUTO_RETRY %s, %s\n", auto_retry ? "set" : "cleared",
           peek ? "SSL_peek" : "SSL_read");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    if (!auto_retry)
        SSL_clear_mode(p.client, SSL_MODE_AUTO_RETRY);
    handshake_only(&p);
    printf("server SSL_write %d\n", SSL_write(p.server, "data", 4));
    rd_until_data(peek ? "client SSL_peek" : "client SSL_read", p.client, peek, 5);
    rd("client SSL_read", p.client, 0);
    rd("client SSL_read nothing left", p.client, 0);
    ct_pair_free(&p);
}

static void pair_tickets_zero(SSL_CTX *cctx, SSL_CTX *sctx) {
    printf("== pair, tickets undrained, AUTO_RETRY cleared, reads of 0 bytes\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    SSL_clear_mode(p.client, SSL_MODE_AUTO_RETRY);
    handshake_only(&p);
    printf("server SSL_write %d\n", SSL_write(p.server, "data", 4));
    for (int i = 0; i < 4; i++)
        rd0("client SSL_read_ex 0", p.client);
    rd_until_data("client SSL_read", p.client, 0, 5);
    ct_pair_free(&p);
}

static void pair_key_update(SSL_CTX *cctx, SSL_CTX *sctx, int auto_retry, int type) {
    printf("== pair, KeyUpdate %s, AUTO_RETRY %s\n",
           type == SSL_KEY_UPDATE_REQUESTED ? "requested" : "not requested",
           auto_retry ? "set" : "cleared");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    if (!auto_retry) {
        SSL_clear_mode(p.client, SSL_MODE_AUTO_RETRY);
        SSL_clear_mode(p.server, SSL_MODE_AUTO_RETRY);
    }
    printf("server SSL_key_update %d\n", SSL_key_update(p.server, type));
    printf("server SSL_do_handshake %d\n", SSL_do_handshake(p.server));
    printf("server SSL_write %d\n", SSL_write(p.server, "after", 5));
    rd_until_data("client SSL_read", p.client, 0, 5);
    printf("client SSL_write %d\n", SSL_write(p.client, "reply", 5));
    rd_until_data("server SSL_read", p.server, 0, 5);
    rd("server SSL_read nothing left", p.server, 0);
    ct_pair_free(&p);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    for (int peek = 0; peek < 2; peek++)
        for (int ar = 1; ar >= 0; ar--)
            socket_case(ar, peek);

    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    for (int peek = 0; peek < 2; peek++)
        for (int ar = 1; ar >= 0; ar--)
            pair_tickets(cctx, sctx, ar, peek);
    pair_tickets_zero(cctx, sctx);
    for (int ar = 1; ar >= 0; ar--) {
        pair_key_update(cctx, sctx, ar, SSL_KEY_UPDATE_NOT_REQUESTED);
        pair_key_update(cctx, sctx, ar, SSL_KEY_UPDATE_REQUESTED);
    }

    printf("==== TLS 1.2: nothing but data after the handshake\n");
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    pair_tickets(cctx, sctx, 0, 0);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
