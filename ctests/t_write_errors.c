/*
 * SSL_get_error after an SSL_write whose BIO refuses in each way a BIO can:
 * retry reading, retry writing, retry "special" for a connect or an accept
 * in progress, and a plain failure with errno set.  The refusing BIO is a
 * filter in front of one end of a BIO pair, so the handshake runs normally
 * and the refusal comes exactly where the test puts it.  Also prints errno,
 * SSL_want, SSL_want_read/SSL_want_write and the error queue, and checks
 * that a retry after the BIO recovers delivers every byte once.
 */
#include "common.h"

enum gate_mode { OPEN, RETRY_READ, RETRY_WRITE, RETRY_CONNECT, RETRY_ACCEPT, FAIL_ERRNO };
static const char *mode_names[] = {"open", "retry read", "retry write",
                                   "retry special connect", "retry special accept",
                                   "fail with errno ECONNRESET"};
static enum gate_mode gate = OPEN;
static size_t gate_budget; /* bytes let through before refusing */

static int gate_write(BIO *b, const char *buf, int len) {
    BIO_clear_retry_flags(b);
    if (gate != OPEN && gate_budget == 0) {
        switch (gate) {
        case RETRY_READ: BIO_set_retry_read(b); break;
        case RETRY_WRITE: BIO_set_retry_write(b); break;
        case RETRY_CONNECT: BIO_set_retry_special(b); BIO_set_retry_reason(b, BIO_RR_CONNECT); break;
        case RETRY_ACCEPT: BIO_set_retry_special(b); BIO_set_retry_reason(b, BIO_RR_ACCEPT); break;
        default: errno = ECONNRESET; break;
        }
        return -1;
    }
    if (gate != OPEN && (size_t)len > gate_budget)
        len = (int)gate_budget;
    int n = BIO_write(BIO_next(b), buf, len);
    if (n > 0 && gate != OPEN)
        gate_budget -= (size_t)n;
    if (n <= 0)
        BIO_copy_next_retry(b);
    return n;
}

static int gate_read(BIO *b, char *buf, int len) {
    BIO_clear_retry_flags(b);
    int n = BIO_read(BIO_next(b), buf, len);
    if (n <= 0)
        BIO_copy_next_retry(b);
    return n;
}

static long gate_ctrl(BIO *b, int cmd, long num, void *ptr) {
    return BIO_next(b) ? BIO_ctrl(BIO_next(b), cmd, num, ptr) : 0;
}

static int gate_create(BIO *b) {
    BIO_set_init(b, 1);
    return 1;
}

static BIO_METHOD *gate_method(void) {
    static BIO_METHOD *m;
    if (!m) {
        m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_FILTER, "gate");
        BIO_meth_set_write(m, gate_write);
        BIO_meth_set_read(m, gate_read);
        BIO_meth_set_ctrl(m, gate_ctrl);
        BIO_meth_set_create(m, gate_create);
    }
    return m;
}

static SSL_CTX *cctx, *sctx;

static void one(enum gate_mode mode, size_t budget, int before_handshake) {
    printf("== %s after %zu bytes, %s the handshake\n", mode_names[mode], budget,
           before_handshake ? "before" : "after");
    BIO *cb, *sb;
    BIO_new_bio_pair(&cb, 1 << 20, &sb, 1 << 20);
    BIO *g = BIO_new(gate_method());
    BIO_push(g, cb);
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    SSL_set_bio(c, g, g);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    ct_pair p = {c, s};
    gate = OPEN;
    if (!before_handshake)
        ct_pair_handshake(&p);

    unsigned char *data = ct_alloc_data(100000, 3);
    gate = mode;
    gate_budget = budget;
    errno = 0;
    int r = SSL_write(c, data, 100000);
    int saved = errno;
    ct_outcome("SSL_write", c, r);
    printf("  errno %s, SSL_want %d, want_read %d, want_write %d\n",
           saved == ECONNRESET ? "ECONNRESET" : saved == 0 ? "0" : "other", SSL_want(c),
           SSL_want_read(c), SSL_want_write(c));

    /* The BIO recovers; the same call is repeated until it completes. */
    gate = OPEN;
    size_t got = 0;
    int err = SSL_ERROR_NONE;
    for (int i = 0; i < 100 && r <= 0; i++) {
        int e = SSL_get_error(c, r);
        if (e == SSL_ERROR_SSL || e == SSL_ERROR_SYSCALL)
            break;
        r = SSL_write(c, data, 100000);
        if (before_handshake) {
            int rs = SSL_do_handshake(s);
            (void)rs;
        }
        got += ct_drain(s, NULL, 0, &err);
    }
    got += ct_drain(s, NULL, 0, &err);
    ct_outcome("after recovery SSL_write", c, r);
    printf("  server read %zu\n", got);
    SSL_free(c);
    SSL_free(s);
    free(data);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    for (int m = RETRY_READ; m <= FAIL_ERRNO; m++) {
        one(m, 0, 0);
        one(m, 20000, 0);
        one(m, 0, 1);
    }
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
