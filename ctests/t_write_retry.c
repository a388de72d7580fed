/*
 * What a retry of an interrupted SSL_write may change, over a 4 KiB BIO pair:
 * the address of the buffer (with and without
 * SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), its length (shorter than what is
 * already committed to records, and shorter but still covering it), and what
 * the connection does after the failure.  Each case prints every call's
 * outcome, the error queue, and what the reader got.
 */
#include "common.h"

#define SIZE (256u * 1024)
#define CAP 4096

static SSL_CTX *cctx, *sctx;
static unsigned char *data, *moved;

typedef struct {
    ct_pair p;
    unsigned char *got;
    size_t received;
} conn;

static void open_conn(conn *c, long mode) {
    ct_pair_new(&c->p, cctx, sctx, CAP);
    ct_pair_handshake(&c->p);
    if (mode)
        printf("SSL_set_mode %ld\n", SSL_set_mode(c->p.client, mode));
    c->got = malloc(SIZE * 2);
    c->received = 0;
}

/* The server reads what the BIO pair holds. */
static void drain(conn *c) {
    int err;
    c->received += ct_drain(c->p.server, c->got + c->received, SIZE * 2 - c->received, &err);
}

static void close_conn(conn *c, size_t expected) {
    drain(c);
    ct_report_buffer("server received", c->got, c->received, data, expected);
    free(c->got);
    ct_pair_free(&c->p);
}

static int wr(conn *c, const char *what, const void *buf, int len) {
    int r = SSL_write(c->p.client, buf, len);
    ct_outcome(what, c->p.client, r);
    return r;
}

/* Starts a 256 KiB write that blocks with a record pending. */
static void start(conn *c) {
    wr(c, "first SSL_write", data, SIZE);
    drain(c);
}

static void moved_buffer(long mode) {
    printf("== retry from another address, mode %ld\n", mode);
    conn c;
    open_conn(&c, mode);
    start(&c);
    int r = wr(&c, "retry from a copy", moved, SIZE);
    drain(&c);
    if (r <= 0 && SSL_get_error(c.p.client, r) != SSL_ERROR_WANT_WRITE) {
        r = wr(&c, "retry from the original", data, SIZE);
        drain(&c);
        wr(&c, "a new write", data, 100);
    }
    /* A blocked write is finished by repeating it until it returns. */
    for (int i = 0; i < 1000 && r <= 0 && SSL_get_error(c.p.client, r) == SSL_ERROR_WANT_WRITE; i++) {
        r = SSL_write(c.p.client, moved, SIZE);
        drain(&c);
    }
    ct_outcome("last retry", c.p.client, r);
    close_conn(&c, r == (int)SIZE ? SIZE : 0);
}

static void shorter(int len) {
    printf("== retry with length %d\n", len);
    conn c;
    open_conn(&c, 0);
    start(&c);
    int r = wr(&c, "shorter retry", data, len);
    drain(&c);
    for (int i = 0; i < 1000 && r <= 0 && SSL_get_error(c.p.client, r) == SSL_ERROR_WANT_WRITE; i++) {
        r = SSL_write(c.p.client, data, len);
        drain(&c);
    }
    ct_outcome("last retry", c.p.client, r);
    wr(&c, "then the full length", data, SIZE);
    close_conn(&c, r > 0 ? (size_t)r : 0);
}

static void partial_moving(void) {
    printf("== partial writes, every retry from a fresh copy\n");
    conn c;
    open_conn(&c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    size_t sent = 0;
    long calls = 0, blocked = 0;
    unsigned char *copy = malloc(SIZE);
    while (sent < SIZE && calls < 100000) {
        memcpy(copy, data + sent, SIZE - sent);
        int r = SSL_write(c.p.client, (calls & 1) ? copy : data + sent, (int)(SIZE - sent));
        calls++;
        if (r > 0)
            sent += (size_t)r;
        else if (SSL_get_error(c.p.client, r) == SSL_ERROR_WANT_WRITE)
            blocked++;
        else {
            ct_outcome("SSL_write", c.p.client, r);
            break;
        }
        drain(&c);
    }
    printf("sent %zu in %ld calls, %ld blocked\n", sent, calls, blocked);
    free(copy);
    close_conn(&c, sent);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    data = ct_alloc_data(SIZE, 77);
    moved = malloc(SIZE);
    memcpy(moved, data, SIZE);

    moved_buffer(0);
    moved_buffer(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    shorter(1000);
    shorter(16383);
    shorter(16384);
    shorter(20000);
    shorter(0);
    partial_moving();

    free(data);
    free(moved);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
