/*
 * The transport ending without close_notify, for TLS 1.2 and 1.3, with and
 * without SSL_OP_IGNORE_UNEXPECTED_EOF: SSL_read, SSL_read_ex, SSL_peek,
 * SSL_peek_ex, a second read, SSL_shutdown, a handshake cut short, and data
 * before the end.  In process the end is BIO_shutdown_wr on the peer's half
 * of the pair; over a socket the `openssl s_server` peer is killed.
 */
#include "common.h"

#include <signal.h>

static SSL_CTX *sctx;

static void show(const char *what, SSL *ssl, int r) {
    ct_outcome(what, ssl, r);
    printf("  SSL_get_shutdown %d SSL_pending %d SSL_has_pending %d\n", SSL_get_shutdown(ssl),
           SSL_pending(ssl), SSL_has_pending(ssl));
}

static void rd(const char *what, SSL *ssl, int len) {
    char buf[64];
    int r = SSL_read(ssl, buf, len);
    show(what, ssl, r);
    if (r > 0)
        printf("  data \"%.*s\"\n", r, buf);
}

static void rd_ex(const char *what, SSL *ssl, int peek) {
    char buf[64];
    size_t n = 77;
    int r = peek ? SSL_peek_ex(ssl, buf, sizeof buf, &n) : SSL_read_ex(ssl, buf, sizeof buf, &n);
    show(what, ssl, r);
    printf("  readbytes %zu\n", n);
}

static SSL_CTX *client_ctx(int version, int ignore_eof) {
    SSL_CTX *c = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_max_proto_version(c, version);
    if (ignore_eof)
        SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
    return c;
}

static void eof_after_handshake(SSL_CTX *cctx) {
    printf("== EOF after the handshake\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    rd("client SSL_read nothing yet", p.client, 64);
    BIO_shutdown_wr(SSL_get_wbio(p.server));
    rd("client SSL_read", p.client, 64);
    rd("client SSL_read again", p.client, 64);
    rd_ex("client SSL_read_ex", p.client, 0);
    int r = SSL_write(p.client, "x", 1);
    show("client SSL_write", p.client, r);
    r = SSL_shutdown(p.client);
    show("client SSL_shutdown", p.client, r);
    ct_pair_free(&p);
}

static void eof_peek(SSL_CTX *cctx) {
    printf("== EOF seen by SSL_peek\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    SSL_write(p.server, "abc", 3);
    BIO_shutdown_wr(SSL_get_wbio(p.server));
    char c[2];
    int r = SSL_peek(p.client, c, 2);
    show("client SSL_peek 2", p.client, r);
    rd("client SSL_read 2", p.client, 2);
    rd("client SSL_read 2", p.client, 2);
    r = SSL_peek(p.client, c, 2);
    show("client SSL_peek at EOF", p.client, r);
    rd_ex("client SSL_peek_ex", p.client, 1);
    rd("client SSL_read", p.client, 2);
    ct_pair_free(&p);
}

static void eof_ex_first(SSL_CTX *cctx) {
    printf("== EOF seen by SSL_read_ex first\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    BIO_shutdown_wr(SSL_get_wbio(p.server));
    rd_ex("client SSL_read_ex", p.client, 0);
    rd_ex("client SSL_peek_ex", p.client, 1);
    ct_pair_free(&p);
}

static void eof_in_shutdown(SSL_CTX *cctx) {
    printf("== EOF while SSL_shutdown waits for close_notify\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    ct_pair_handshake(&p);
    int r = SSL_shutdown(p.client);
    show("client SSL_shutdown", p.client, r);
    BIO_shutdown_wr(SSL_get_wbio(p.server));
    r = SSL_shutdown(p.client);
    show("client SSL_shutdown at EOF", p.client, r);
    r = SSL_shutdown(p.client);
    show("client SSL_shutdown again", p.client, r);
    rd("client SSL_read", p.client, 64);
    ct_pair_free(&p);
}

static void eof_in_handshake(SSL_CTX *cctx) {
    printf("== EOF during the handshake\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    int r = SSL_do_handshake(p.client);
    show("client SSL_do_handshake", p.client, r);
    BIO_shutdown_wr(SSL_get_wbio(p.server));
    r = SSL_do_handshake(p.client);
    show("client SSL_do_handshake at EOF", p.client, r);
    r = SSL_do_handshake(p.client);
    show("client SSL_do_handshake again", p.client, r);
    ct_pair_free(&p);

    printf("== EOF before the first read's handshake\n");
    ct_pair_new(&p, cctx, sctx, 65536);
    BIO_shutdown_wr(SSL_get_wbio(p.server));
    rd("client SSL_read", p.client, 64);
    char c;
    r = SSL_peek(p.client, &c, 1);
    show("client SSL_peek", p.client, r);
    ct_pair_free(&p);

    printf("== server sees EOF instead of a ClientHello\n");
    ct_pair_new(&p, cctx, sctx, 65536);
    BIO_shutdown_wr(SSL_get_wbio(p.client));
    r = SSL_accept(p.server);
    show("server SSL_accept", p.server, r);
    ct_pair_free(&p);
}

/* A real peer that disappears: s_server is killed after the handshake. */
static void killed_peer(int version) {
    printf("== s_server killed after the handshake\n");
    ct_server srv;
    ct_server_start(&srv, "eof", 1);
    int fd = ct_tcp_connect(srv.port, 0, 0);
    SSL_CTX *c = client_ctx(version, 0);
    SSL *ssl = SSL_new(c);
    SSL_set_fd(ssl, fd);
    int r = SSL_connect(ssl);
    show("client SSL_connect", ssl, r);
    if (write(srv.stdin_fd, "hi\n", 3) != 3)
        ct_fatal("write to s_server's stdin");
    char buf[64];
    r = SSL_read(ssl, buf, sizeof buf);
    show("client SSL_read", ssl, r);
    if (r > 0)
        printf("  data \"%.*s\"\n", r, buf);
    kill(srv.pid, SIGKILL);
    ct_log("s_server status %d", ct_wait_child(srv.pid, 10));
    rd("client SSL_read after kill", ssl, 64);
    rd("client SSL_read again", ssl, 64);
    SSL_free(ssl);
    SSL_CTX_free(c);
    close(fd);
    close(srv.stdin_fd);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    sctx = ct_server_ctx();
    int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION};
    for (int i = 0; i < 2; i++) {
        for (int ignore = 0; ignore < 2; ignore++) {
            printf("==== %s%s\n", versions[i] == TLS1_3_VERSION ? "TLS 1.3" : "TLS 1.2",
                   ignore ? " SSL_OP_IGNORE_UNEXPECTED_EOF" : "");
            SSL_CTX *c = client_ctx(versions[i], ignore);
            eof_after_handshake(c);
            eof_peek(c);
            eof_ex_first(c);
            eof_in_shutdown(c);
            eof_in_handshake(c);
            SSL_CTX_free(c);
        }
        killed_peer(versions[i]);
    }
    SSL_CTX_free(sctx);
    return 0;
}
