/*
 * SSL_read and SSL_peek over memory BIOs fed one byte per call: each call
 * after each byte, with SSL_pending and SSL_has_pending, until the data of
 * two records is out.  Runs of identical outcomes are printed once with
 * their length.
 */
#include "common.h"

/* Moves everything from one memory BIO to another. */
static void move_all(BIO *from, BIO *to) {
    char buf[4096];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0)
        BIO_write(to, buf, n);
}

static char last[256];
static int repeats;

static void flush_line(void) {
    if (repeats)
        printf("%s x%d\n", last, repeats);
    repeats = 0;
    last[0] = 0;
}

static void note(const char *line) {
    if (strcmp(line, last) != 0) {
        flush_line();
        snprintf(last, sizeof last, "%s", line);
    }
    repeats++;
}

static void trickle(SSL_CTX *cctx, SSL_CTX *sctx, int peek) {
    printf("== %s, %s\n", SSL_CTX_get_max_proto_version(cctx) ? "TLS 1.2" : "TLS 1.3",
           peek ? "SSL_peek then SSL_read" : "SSL_read");
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
    BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
    SSL_set_bio(c, c_in, c_out);
    SSL_set_bio(s, s_in, s_out);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    int rc = 0, rs = 0;
    for (int i = 0; i < 20 && (rc != 1 || rs != 1); i++) {
        if (rc != 1)
            rc = SSL_do_handshake(c);
        move_all(c_out, s_in);
        if (rs != 1)
            rs = SSL_do_handshake(s);
        move_all(s_out, c_in);
    }
    printf("handshake client %d server %d\n", rc, rs);
    ERR_clear_error();
    /* Tickets first, so that only the two data records remain. */
    char buf[64];
    SSL_read(c, buf, sizeof buf);
    SSL_read(c, buf, sizeof buf);
    ERR_clear_error();
    SSL_write(s, "first", 5);
    SSL_write(s, "second!", 7);
    char wire[512];
    int len = BIO_read(s_out, wire, sizeof wire);
    printf("wire bytes %d\n", len);
    int got = 0;
    for (int i = 0; i < len && got < 12; i++) {
        BIO_write(c_in, wire + i, 1);
        for (int again = 1; again;) {
            again = 0;
            int r = peek ? SSL_peek(c, buf, sizeof buf) : SSL_read(c, buf, sizeof buf);
            int e = SSL_get_error(c, r);
            char line[200];
            snprintf(line, sizeof line, "%s ret=%d ssl_error=%d pending %d has_pending %d",
                     peek ? "SSL_peek" : "SSL_read", r, e, SSL_pending(c), SSL_has_pending(c));
            note(line);
            if (r > 0) {
                flush_line();
                printf("  data \"%.*s\"\n", r, buf);
                if (peek) {
                    r = SSL_read(c, buf, sizeof buf);
                    printf("SSL_read ret=%d pending %d has_pending %d\n", r, SSL_pending(c),
                           SSL_has_pending(c));
                }
                got += r;
                again = 1;
            } else {
                if (ERR_peek_error()) {
                    flush_line();
                    ct_print_errors();
                }
            }
        }
    }
    flush_line();
    SSL_free(c);
    SSL_free(s);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    trickle(cctx, sctx, 0);
    trickle(cctx, sctx, 1);
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    trickle(cctx, sctx, 0);
    trickle(cctx, sctx, 1);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
