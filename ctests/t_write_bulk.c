/*
 * 1 MiB in one SSL_write (or SSL_write_ex), repeated with the same arguments
 * after every WANT_WRITE, over BIO pairs of several capacities, in default
 * and in partial-write mode, client to server and server to client.  The
 * reader drains everything between two calls, so the sequence of outcomes
 * follows from the record sizes alone: it is printed in full, runs of equal
 * outcomes collapsed ("WANT_WRITE x63").  Then the same over memory BIOs,
 * which never refuse a write: each call returns at once.
 */
#include "common.h"

#define SIZE (1u << 20)
#define MAX_CALLS 200000

/* Run-length encoding of a sequence of outcomes on one line. */
typedef struct {
    char last[32];
    long count;
} runs;

static void runs_flush(runs *r) {
    if (r->count == 1)
        printf(" %s", r->last);
    else if (r->count > 1)
        printf(" %s x%ld", r->last, r->count);
    r->count = 0;
}

static void runs_add(runs *r, const char *token) {
    if (r->count && strcmp(r->last, token) == 0) {
        r->count++;
        return;
    }
    runs_flush(r);
    snprintf(r->last, sizeof r->last, "%s", token);
    r->count = 1;
}

/* One write call; returns the count written, or -(SSL_get_error) on failure. */
static long write_once(SSL *w, const unsigned char *buf, size_t len, int ex) {
    if (ex) {
        size_t written = 12345;
        int r = SSL_write_ex(w, buf, len, &written);
        if (r == 1)
            return (long)written;
        if (r != 0)
            printf("SSL_write_ex returned %d\n", r);
        return -SSL_get_error(w, r);
    }
    int r = SSL_write(w, buf, (int)len);
    return r > 0 ? r : -SSL_get_error(w, r);
}

static void run_case(SSL_CTX *cctx, SSL_CTX *sctx, const unsigned char *data, size_t cap,
                     int partial, int ex, int s2c) {
    printf("case cap=%zu mode=%s api=%s dir=%s\n", cap, partial ? "partial" : "default",
           ex ? "SSL_write_ex" : "SSL_write", s2c ? "server->client" : "client->server");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, cap);
    if (!ct_pair_handshake(&p)) {
        ct_pair_free(&p);
        return;
    }
    SSL *w = s2c ? p.server : p.client, *rd = s2c ? p.client : p.server;
    if (partial)
        printf("SSL_set_mode %ld\n", SSL_set_mode(w, SSL_MODE_ENABLE_PARTIAL_WRITE));
    unsigned char *got = malloc(SIZE);
    size_t sent = 0, received = 0;
    int err = SSL_ERROR_WANT_READ;
    runs seq = {0};
    printf("outcomes:");
    for (long calls = 0; sent < SIZE && calls < MAX_CALLS; calls++) {
        long n = write_once(w, data + sent, SIZE - sent, ex);
        char token[32];
        if (n > 0) {
            snprintf(token, sizeof token, "%ld", n);
            sent += (size_t)n;
        } else {
            snprintf(token, sizeof token, "%s", ct_ssl_error_name((int)-n) + 10);
        }
        runs_add(&seq, token);
        if (n <= 0 && -n != SSL_ERROR_WANT_WRITE && -n != SSL_ERROR_WANT_READ) {
            runs_flush(&seq);
            printf("\n");
            ct_print_errors();
            break;
        }
        /* After a WANT_* outcome the queue must be empty. */
        if (n <= 0 && ERR_peek_error() != 0) {
            runs_flush(&seq);
            printf("\nerror queue not empty after %s:\n", token);
            ct_print_errors();
        }
        received += ct_drain(rd, got + received, SIZE - received, &err);
    }
    runs_flush(&seq);
    printf("\n");
    received += ct_drain(rd, got + received, SIZE - received, &err);
    printf("SSL_want after %d\n", SSL_want(w));
    ct_report_buffer("reader", got, received, data, SIZE);
    free(got);
    ct_pair_free(&p);
}

/* Memory BIOs carried across by hand: a write never has to wait for room. */
static void over_memory(SSL_CTX *cctx, SSL_CTX *sctx, const unsigned char *data, int partial,
                        int ex) {
    printf("case memory BIOs mode=%s api=%s\n", partial ? "partial" : "default",
           ex ? "SSL_write_ex" : "SSL_write");
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
    BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(c_in, -1);
    BIO_set_mem_eof_return(s_in, -1);
    SSL_set_bio(c, c_in, c_out);
    SSL_set_bio(s, s_in, s_out);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    if (partial)
        SSL_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE);
    char buf[16384];
    int n;
    for (int i = 0; i < 20 && !(SSL_is_init_finished(c) && SSL_is_init_finished(s)); i++) {
        SSL_do_handshake(c);
        while ((n = BIO_read(c_out, buf, sizeof buf)) > 0)
            BIO_write(s_in, buf, n);
        SSL_do_handshake(s);
        while ((n = BIO_read(s_out, buf, sizeof buf)) > 0)
            BIO_write(c_in, buf, n);
    }
    printf("handshake %s\n", SSL_is_init_finished(c) && SSL_is_init_finished(s) ? "ok" : "failed");
    size_t sent = 0;
    runs seq = {0};
    printf("outcomes:");
    for (int calls = 0; sent < SIZE && calls < 1000; calls++) {
        long w = write_once(c, data + sent, SIZE - sent, ex);
        char token[32];
        snprintf(token, sizeof token, "%ld", w);
        runs_add(&seq, token);
        if (w <= 0)
            break;
        sent += (size_t)w;
    }
    runs_flush(&seq);
    printf("\n");
    printf("client BIO holds records: %s\n", BIO_ctrl_pending(c_out) > 0 ? "yes" : "no");
    while ((n = BIO_read(c_out, buf, sizeof buf)) > 0)
        BIO_write(s_in, buf, n);
    unsigned char *got = malloc(SIZE);
    int err;
    size_t received = ct_drain(s, got, SIZE, &err);
    ct_report_buffer("reader", got, received, data, SIZE);
    free(got);
    SSL_free(c);
    SSL_free(s);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    unsigned char *data = ct_alloc_data(SIZE, 31);
    static const size_t caps[] = {1000, 4096, 16406, 65536};
    for (size_t c = 0; c < sizeof caps / sizeof *caps; c++)
        for (int partial = 0; partial < 2; partial++)
            for (int ex = 0; ex < 2; ex++)
                for (int s2c = 0; s2c < 2; s2c++)
                    run_case(cctx, sctx, data, caps[c], partial, ex, s2c);
    for (int partial = 0; partial < 2; partial++)
        for (int ex = 0; ex < 2; ex++)
            over_memory(cctx, sctx, data, partial, ex);
    free(data);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
