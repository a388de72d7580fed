/*
 * The implicit handshake: the first SSL_write of a client and of a server
 * drives the handshake and reports WANT_READ/WANT_WRITE until it completes,
 * over BIO pairs (large, and too small for a handshake flight) and over
 * memory BIOs shuttled by hand.  Both sides only ever call SSL_write; the
 * outcomes are printed call by call, runs of equal outcomes collapsed into
 * one line (how long a run is depends on the size of each implementation's
 * handshake messages, so it is not printed).
 */
#include "common.h"

static SSL_CTX *cctx, *sctx;

typedef struct {
    const char *name;
    SSL *ssl;
    const char *msg;
    int done;
    char last[40];
} writer;

static void note(writer *w, const char *token) {
    if (strcmp(w->last, token) == 0)
        return;
    printf("%s %s\n", w->name, token);
    snprintf(w->last, sizeof w->last, "%s", token);
}

/* One SSL_write attempt; the message is written once it goes through.
 * After that the side reads, as a program waiting for an answer would, so
 * that what the other side still has to send can get through. */
static void step(writer *w) {
    if (w->done) {
        char buf[64];
        int r = SSL_peek(w->ssl, buf, sizeof buf);
        note(w, r > 0 ? "peek: data" : ct_ssl_error_name(SSL_get_error(w->ssl, r)));
        return;
    }
    int len = (int)strlen(w->msg);
    int r = SSL_write(w->ssl, w->msg, len);
    char token[40];
    if (r > 0) {
        snprintf(token, sizeof token, "wrote %d, in_init %d", r, SSL_in_init(w->ssl));
        w->done = 1;
    } else {
        snprintf(token, sizeof token, "%s", ct_ssl_error_name(SSL_get_error(w->ssl, r)));
    }
    note(w, token);
    if (r <= 0 && ERR_peek_error()) {
        ct_print_errors();
        w->done = 1;
    }
}

/* Reads one side's messages to check what arrived. */
static void receive(SSL *ssl, const char *who) {
    char buf[256];
    int r = SSL_read(ssl, buf, sizeof buf - 1);
    if (r > 0) {
        buf[r] = 0;
        printf("%s read \"%s\"\n", who, buf);
    } else {
        ct_outcome("SSL_read", ssl, r);
    }
}

static void over_pair(size_t cap, int server_first) {
    printf("== BIO pair of %zu bytes, %s writes first\n", cap, server_first ? "server" : "client");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, cap);
    writer c = {"client", p.client, "from the client"}, s = {"server", p.server, "from the server"};
    printf("before: in_before %d/%d in_init %d/%d\n", SSL_in_before(p.client),
           SSL_in_before(p.server), SSL_in_init(p.client), SSL_in_init(p.server));
    for (int i = 0; i < 10000; i++) {
        step(server_first ? &s : &c);
        step(server_first ? &c : &s);
    }
    printf("after: in_before %d/%d in_init %d/%d\n", SSL_in_before(p.client),
           SSL_in_before(p.server), SSL_in_init(p.client), SSL_in_init(p.server));
    receive(p.server, "server");
    receive(p.client, "client");
    ct_pair_free(&p);
}

/* Memory BIOs: each side writes into its own BIO; the test carries the bytes
 * across after every call. */
static void move_bytes(BIO *from, BIO *to) {
    char buf[4096];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0)
        BIO_write(to, buf, n);
}

static void over_memory(void) {
    printf("== memory BIOs\n");
    SSL *cl = SSL_new(cctx), *sv = SSL_new(sctx);
    BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
    BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(c_in, -1);
    BIO_set_mem_eof_return(s_in, -1);
    SSL_set_bio(cl, c_in, c_out);
    SSL_set_bio(sv, s_in, s_out);
    SSL_set_connect_state(cl);
    SSL_set_accept_state(sv);
    writer c = {"client", cl, "hello from the client"}, s = {"server", sv, "hello from the server"};
    for (int i = 0; i < 1000 && !(c.done && s.done); i++) {
        step(&c);
        move_bytes(c_out, s_in);
        step(&s);
        move_bytes(s_out, c_in);
    }
    receive(sv, "server");
    receive(cl, "client");
    SSL_free(cl);
    SSL_free(sv);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    over_pair(65536, 0);
    over_pair(65536, 1);
    over_pair(64, 0);
    over_pair(64, 1);
    over_memory();
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
