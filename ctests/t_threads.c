/*
 * One client SSL_CTX and one server SSL_CTX shared by 8 threads, each running
 * 500 connections through BIO pairs of random capacity, with random modes
 * (partial writes, moving buffers), protocol versions and write sizes, data
 * both ways at once. Every byte must arrive intact and in order; the watchdog
 * catches a deadlock. The random choices are seeded per thread, so the
 * totals printed are the same under any correct libssl.
 *
 * CT_THREADS_CONNS overrides the connections per thread (for slow runs under
 * valgrind).
 */
#include <pthread.h>

#include "common.h"

#define THREADS 8
#define MAX_DATA (48 * 1024)

static SSL_CTX *cctx, *sctx;
static int conns_per_thread = 500;

typedef struct {
    int id;
    uint64_t rng;  /* each connection's parameters */
    uint64_t step; /* sizes of its calls, which depend on how calls went */
    /* What the thread reports: totals, and the first failure seen. */
    size_t bytes_c2s, bytes_s2c;
    int handshakes;
    char failure[200];
} worker;

static uint64_t xorshift(uint64_t *x) {
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ULL;
}
static size_t below(worker *w, size_t n) { return (size_t)(xorshift(&w->rng) % n); }
static size_t step_below(worker *w, size_t n) { return (size_t)(xorshift(&w->step) % n); }

/* One direction of a connection: what to send, where the writer is, what
 * arrived. A retry after WANT_* repeats the same length (and, when the mode
 * allows it, comes from a fresh copy of the same bytes). */
typedef struct {
    SSL *from, *to;
    const unsigned char *data;
    size_t len, sent, got;
    unsigned char *recv;
    int pending; /* length of the write being retried, 0 if none */
    int moving;
    unsigned char copy[16384];
} stream;

static int fail(worker *w, const char *what, SSL *s, int ret) {
    if (!w->failure[0]) {
        unsigned long e = ERR_peek_error();
        snprintf(w->failure, sizeof w->failure, "%s ret=%d ssl_error=%d lib=%d reason=%d", what, ret,
                 SSL_get_error(s, ret), ERR_GET_LIB(e), ERR_GET_REASON(e));
    }
    ERR_clear_error();
    return -1;
}

/* One step of writing; 0 when blocked, 1 on progress, -1 on failure. */
static int write_step(worker *w, stream *st) {
    if (st->sent == st->len) return 0;
    int n = st->pending;
    if (!n) {
        size_t left = st->len - st->sent;
        n = (int)(1 + step_below(w, left < 16384 ? left : 16384));
    }
    const unsigned char *buf = st->data + st->sent;
    if (st->moving && st->pending) {
        memcpy(st->copy, buf, (size_t)n);
        buf = st->copy;
    }
    int r = SSL_write(st->from, buf, n);
    if (r > 0) {
        st->sent += (size_t)r;
        st->pending = 0;
        return 1;
    }
    int e = SSL_get_error(st->from, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        st->pending = n;
        return 0;
    }
    return fail(w, "SSL_write", st->from, r);
}

static int read_step(worker *w, stream *st) {
    if (st->got == st->len) return 0;
    size_t room = st->len - st->got;
    int n = (int)(1 + step_below(w, room < 20000 ? room : 20000));
    int r = SSL_read(st->to, st->recv + st->got, n);
    if (r > 0) {
        st->got += (size_t)r;
        return 1;
    }
    int e = SSL_get_error(st->to, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
    return fail(w, "SSL_read", st->to, r);
}

static int one_connection(worker *w, const unsigned char *data, unsigned char *rc, unsigned char *rs) {
    static const size_t caps[] = {256, 1000, 4096, 17000, 65536};
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, caps[below(w, 5)]);
    long modes = SSL_MODE_AUTO_RETRY;
    int partial = (int)below(w, 2), moving = (int)below(w, 2);
    if (partial) modes |= SSL_MODE_ENABLE_PARTIAL_WRITE;
    if (moving) modes |= SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
    SSL_set_mode(p.client, modes);
    SSL_set_mode(p.server, modes);
    if (below(w, 2)) SSL_set_max_proto_version(p.client, TLS1_2_VERSION);
    stream c2s = {p.client, p.server, data, below(w, MAX_DATA), 0, 0, rs, 0, moving, {0}};
    stream s2c = {p.server, p.client, data + 7, below(w, MAX_DATA), 0, 0, rc, 0, moving, {0}};
    w->step = xorshift(&w->rng) | 1;
    int rcode = 0;
    for (long spins = 0;; spins++) {
        int a = write_step(w, &c2s), b = write_step(w, &s2c);
        int c = read_step(w, &c2s), d = read_step(w, &s2c);
        if (a < 0 || b < 0 || c < 0 || d < 0) { rcode = -1; break; }
        if (c2s.got == c2s.len && s2c.got == s2c.len && c2s.sent == c2s.len && s2c.sent == s2c.len)
            break;
        if (!a && !b && !c && !d) {
            /* Nothing moved: a handshake message may wait for the other side. */
            int hc = SSL_do_handshake(p.client), hs = SSL_do_handshake(p.server);
            if (spins > 100000) {
                snprintf(w->failure, sizeof w->failure, "stalled: hc=%d hs=%d", hc, hs);
                rcode = -1;
                break;
            }
        }
    }
    if (!rcode) {
        if (memcmp(rs, c2s.data, c2s.len) || memcmp(rc, s2c.data, s2c.len)) {
            snprintf(w->failure, sizeof w->failure, "data corrupted");
            rcode = -1;
        }
        w->bytes_c2s += c2s.len;
        w->bytes_s2c += s2c.len;
        w->handshakes += SSL_is_init_finished(p.client) && SSL_is_init_finished(p.server);
    }
    ct_pair_free(&p);
    ERR_clear_error();
    return rcode;
}

static void *run(void *arg) {
    worker *w = arg;
    unsigned char *data = ct_alloc_data(MAX_DATA + 8, 1000 + (uint64_t)w->id);
    unsigned char *rc = malloc(MAX_DATA), *rs = malloc(MAX_DATA);
    for (int i = 0; i < conns_per_thread; i++)
        if (one_connection(w, data, rc, rs) < 0) break;
    free(data);
    free(rc);
    free(rs);
    return NULL;
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    const char *n = getenv("CT_THREADS_CONNS");
    if (n) conns_per_thread = atoi(n);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].id = i;
        w[i].rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
        if (pthread_create(&t[i], NULL, run, &w[i])) ct_fatal("pthread_create");
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        printf("thread %d: handshakes=%d bytes c2s=%zu s2c=%zu %s\n", i, w[i].handshakes,
               w[i].bytes_c2s, w[i].bytes_s2c, w[i].failure[0] ? w[i].failure : "intact");
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
