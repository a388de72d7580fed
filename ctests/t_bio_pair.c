/*
 * Client and server in one process over a BIO pair with 4 KiB buffers each
 * way, so that both sides keep running into WANT_READ/WANT_WRITE.  The call
 * order is fixed, which makes everything printed here a function of the
 * protocol alone: handshake, 1 MiB each way interleaved, a bidirectional
 * shutdown step by step, and what a write after shutdown reports.
 */
#include "common.h"

#define SIZE (1u * 1024 * 1024)
#define MAX_ROUNDS 1000000

static const int write_sizes[] = {16384, 1, 4000, 16385, 70000, 999, 8192};
static const int read_sizes[] = {5000, 16384, 3, 65536, 1024};

/* One direction of the transfer. An interrupted SSL_write is repeated with
 * exactly the same pointer and length. */
typedef struct {
    const char *name;
    SSL *from, *to;
    const unsigned char *data;
    unsigned char *got;
    size_t sent, received;
    int wlen; /* length of the write in flight, 0 if none */
    int wk, rk;
    int failed;
} flow;

static int fail(flow *f, const char *what, SSL *ssl, int r) {
    char label[64];
    snprintf(label, sizeof label, "%s %s", f->name, what);
    ct_print_ssl_error(label, ssl, r);
    ct_print_errors();
    f->failed = 1;
    return 0;
}

static int step_write(flow *f) {
    if (f->failed || f->sent == SIZE)
        return 0;
    if (f->wlen == 0) {
        f->wlen = write_sizes[f->wk++ % (sizeof write_sizes / sizeof *write_sizes)];
        if ((size_t)f->wlen > SIZE - f->sent)
            f->wlen = (int)(SIZE - f->sent);
    }
    int r = SSL_write(f->from, f->data + f->sent, f->wlen);
    if (r > 0) {
        if (r != f->wlen)
            return fail(f, "short SSL_write", f->from, r);
        f->sent += r;
        f->wlen = 0;
        return 1;
    }
    int e = SSL_get_error(f->from, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        return fail(f, "SSL_write", f->from, r);
    return 0;
}

static int step_read(flow *f) {
    if (f->failed || f->received == SIZE)
        return 0;
    int len = read_sizes[f->rk % (sizeof read_sizes / sizeof *read_sizes)];
    if ((size_t)len > SIZE - f->received)
        len = (int)(SIZE - f->received);
    int r = SSL_read(f->to, f->got + f->received, len);
    if (r > 0) {
        f->received += r;
        f->rk++;
        return 1;
    }
    int e = SSL_get_error(f->to, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        return fail(f, "SSL_read", f->to, r);
    return 0;
}

static void handshake(SSL *c, SSL *s) {
    int rc = 0, rs = 0;
    for (int i = 0; i < 1000 && (rc != 1 || rs != 1); i++) {
        if (rc != 1) {
            rc = SSL_do_handshake(c);
            int e = SSL_get_error(c, rc);
            if (rc != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                break;
        }
        if (rs != 1) {
            rs = SSL_do_handshake(s);
            int e = SSL_get_error(s, rs);
            if (rs != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                break;
        }
    }
    if (ct_print_ssl_error("client SSL_do_handshake", c, rc) != SSL_ERROR_NONE)
        ct_print_errors();
    if (ct_print_ssl_error("server SSL_do_handshake", s, rs) != SSL_ERROR_NONE)
        ct_print_errors();
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    ct_print_errors();

    BIO *cb, *sb;
    printf("BIO_new_bio_pair %d\n", BIO_new_bio_pair(&cb, 4096, &sb, 4096));
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    printf("client SSL_set1_host %d\n", SSL_set1_host(c, "localhost"));
    printf("client SSL_set_tlsext_host_name %ld\n", SSL_set_tlsext_host_name(c, "localhost"));
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    printf("SSL_is_server client=%d server=%d\n", SSL_is_server(c), SSL_is_server(s));

    handshake(c, s);
    ct_print_session("client", c);
    ct_print_session("server", s);

    unsigned char *cdata = ct_alloc_data(SIZE, 401), *sdata = ct_alloc_data(SIZE, 402);
    flow up = {.name = "client->server", .from = c, .to = s, .data = cdata, .got = malloc(SIZE)};
    flow down = {.name = "server->client", .from = s, .to = c, .data = sdata, .got = malloc(SIZE)};
    ct_report_sent("client sends", cdata, SIZE);
    ct_report_sent("server sends", sdata, SIZE);
    long idle = 0;
    for (long i = 0; i < MAX_ROUNDS && !up.failed && !down.failed; i++) {
        if (up.received == SIZE && down.received == SIZE)
            break;
        int progress = step_write(&up) + step_write(&down) + step_read(&up) + step_read(&down);
        if (!progress && ++idle > 1000) {
            printf("transfer stalled\n");
            break;
        }
        if (progress)
            idle = 0;
    }
    ct_report_buffer("server received", up.got, up.received, cdata, SIZE);
    ct_report_buffer("client received", down.got, down.received, sdata, SIZE);
    printf("SSL_pending client=%d server=%d\n", SSL_pending(c), SSL_pending(s));

    /* Shutdown in a fixed order: each return value follows from the protocol. */
    char byte;
    int r = SSL_shutdown(c);
    printf("client SSL_shutdown ret=%d get_shutdown=%d\n", r, SSL_get_shutdown(c));
    r = SSL_read(s, &byte, 1);
    ct_print_ssl_error("server SSL_read", s, r);
    printf("server get_shutdown=%d\n", SSL_get_shutdown(s));
    r = SSL_shutdown(s);
    printf("server SSL_shutdown ret=%d get_shutdown=%d\n", r, SSL_get_shutdown(s));
    r = SSL_read(c, &byte, 1);
    ct_print_ssl_error("client SSL_read", c, r);
    r = SSL_shutdown(c);
    printf("client SSL_shutdown ret=%d get_shutdown=%d\n", r, SSL_get_shutdown(c));
    ct_print_errors();

    r = SSL_write(c, "x", 1);
    ct_print_ssl_error("client SSL_write after shutdown", c, r);
    ct_print_errors();

    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    free(cdata);
    free(sdata);
    free(up.got);
    free(down.got);
    return 0;
}
