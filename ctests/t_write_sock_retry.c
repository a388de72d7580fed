/*
 * How SSL_write treats its retries on a real nonblocking TCP socket, against
 * `openssl s_server` (or `openssl s_client` when we are the server).
 *
 * - The first SSL_write of a connection runs the handshake itself
 *   (SSL_set_connect_state / SSL_set_accept_state, no SSL_connect), and is
 *   repeated with the same arguments until it completes.
 * - With a record left half-sent, a retry from another address (without
 *   SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER) or with fewer bytes than the call
 *   already committed must be refused; with that mode, retries from a fresh
 *   copy at another address each time must deliver every byte once.
 * - SSL_shutdown while a record is still half-sent.
 *
 * A half-sent record is made certain by stopping the peer (SIGSTOP) and
 * writing until the receiver's window is closed and our send buffer full
 * (see write_until_stuck): nothing moves until the peer is continued, so
 * what the library does next does not depend on timing.
 */
#define _GNU_SOURCE
#include "common.h"

#include <linux/sockios.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>

#define BIG (1u * 1024 * 1024)
#define SMALL_SNDBUF 4096
/* How long to wait for acknowledgements between attempts to fill the socket. */
#define SETTLE_MS 50

static int writable_within(int fd, int ms) {
    fd_set set;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    FD_ZERO(&set);
    FD_SET(fd, &set);
    int r;
    do
        r = select(fd + 1, NULL, &set, NULL, &tv);
    while (r < 0 && errno == EINTR);
    return r > 0;
}

/*
 * True when everything in our send queue is still unsent (nothing in flight
 * whose acknowledgement could free space), with *queued its size.
 */
static int all_unsent(int fd, int *queued) {
    int outq = 0, unsent = 0;
    if (ioctl(fd, SIOCOUTQ, &outq) != 0 || ioctl(fd, SIOCOUTQNSD, &unsent) != 0)
        ct_fatal("SIOCOUTQ: %s", strerror(errno));
    *queued = outq;
    return outq > 0 && outq == unsent;
}

/*
 * Repeats SSL_write(buf, len) until it wants to write while the socket cannot
 * take a byte and cannot free any either: the retry was refused by the
 * kernel, the send queue is the same size before and after it, and all of it
 * is unsent because the stopped peer's window is closed.  select() alone
 * cannot tell this apart from a buffer slightly short of its writability
 * threshold, into which a later write would still fit.  Returns the last
 * result.
 */
static int write_until_stuck(SSL *ssl, int fd, const void *buf, int len) {
    long tries = 0;
    int r;
    for (;;) {
        int before, after;
        int quiet_before = all_unsent(fd, &before);
        r = SSL_write(ssl, buf, len);
        tries++;
        if (r > 0 || SSL_get_error(ssl, r) != SSL_ERROR_WANT_WRITE)
            break;
        if (quiet_before && all_unsent(fd, &after) && after == before)
            break;
        writable_within(fd, SETTLE_MS);
    }
    ct_log("write_until_stuck: %ld calls", tries);
    return r;
}

/* Whether the peer's output is the start of data (and how long it is, to stderr). */
static void report_prefix(const char *who, const char *path, const unsigned char *data, size_t len) {
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    int same = f != NULL;
    unsigned char buf[65536];
    size_t k;
    while (f && (k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (n + k > len || memcmp(buf, data + n, k) != 0)
            same = 0;
        n += k;
    }
    if (f)
        fclose(f);
    ct_log("%s: %zu bytes", who, n);
    printf("%s a prefix of what was written: %s\n", who, same ? "yes" : "no");
}

/* A client whose handshake is over, on a nonblocking socket whose send
 * buffer is small enough to fill. */
static void client_open(ct_conn *c, const char *tag, long mode) {
    ct_conn_open(c, tag, SMALL_SNDBUF, 1, CT_SHOW_FD);
    if (mode)
        SSL_set_mode(c->ssl, mode);
    if (ct_connect(c->ssl, c->fd) != 1)
        ct_fatal("handshake failed");
}

/* Stops the peer and writes until a record is stuck half-sent. */
static void client_stuck(ct_conn *c, const unsigned char *data) {
    if (kill(c->srv.pid, SIGSTOP) != 0)
        ct_fatal("SIGSTOP: %s", strerror(errno));
    int r = write_until_stuck(c->ssl, c->fd, data, BIG);
    ct_print_outcome("SSL_write with the peer stopped", c->ssl, r);
}

/* Ends a session the library may have given up on: no close_notify exchange. */
static void client_abandon(ct_conn *c, const unsigned char *data) {
    kill(c->srv.pid, SIGCONT);
    close(c->fd);
    ct_log("s_server exit %d", ct_wait_child(c->srv.pid, 20));
    close(c->srv.stdin_fd);
    report_prefix("s_server received", c->srv.out_path, data, BIG);
    SSL_free(c->ssl);
    SSL_CTX_free(c->ctx);
}

/* After a refused retry: whether the connection still takes the original
 * call once the peer runs again. */
static void retry_original(ct_conn *c, const char *what, const unsigned char *data) {
    kill(c->srv.pid, SIGCONT);
    ct_print_outcome(what, c->ssl, ct_write_retry(c->ssl, c->fd, data, BIG, NULL));
    client_abandon(c, data);
}

static void implicit_handshake_client(const unsigned char *data) {
    printf("== client: the first SSL_write performs the handshake\n");
    ct_conn c;
    ct_conn_open(&c, "implicit_client.out", SMALL_SNDBUF, 1, CT_SHOW_FD);
    SSL_set_connect_state(c.ssl);
    printf("SSL_is_init_finished before %d\n", SSL_is_init_finished(c.ssl));
    ct_retries retries = {0, 0};
    int r = ct_write_retry(c.ssl, c.fd, data, BIG, &retries);
    ct_log("retries: %ld after WANT_READ, %ld after WANT_WRITE", retries.want_read, retries.want_write);
    ct_print_outcome("SSL_write", c.ssl, r);
    printf("SSL_is_init_finished after %d\n", SSL_is_init_finished(c.ssl));
    printf("SSL_get_verify_result %ld\n", SSL_get_verify_result(c.ssl));

    /* Nothing to send: SSL_write_ex succeeds, SSL_write reports 0. */
    size_t w = 99;
    r = SSL_write_ex(c.ssl, data, 0, &w);
    printf("SSL_write_ex of 0 bytes ret=%d written=%zu\n", r, w);
    ct_print_errors();
    ct_print_outcome("SSL_write of 0 bytes", c.ssl, SSL_write(c.ssl, data, 0));

    ct_exchange_close_notify(c.ssl, c.fd);
    ct_conn_close(&c, data, BIG);
}

static void implicit_handshake_server(const unsigned char *data) {
    printf("== server: the first SSL_write performs the handshake\n");
    SSL_CTX *ctx = ct_server_ctx();
    ct_s_client peer;
    ct_s_client_start(&peer, "implicit_server.out", NULL, SMALL_SNDBUF, 1);
    SSL *ssl = SSL_new(ctx);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, peer.fd));
    SSL_set_accept_state(ssl);
    ct_retries retries = {0, 0};
    int r = ct_write_retry(ssl, peer.fd, data, BIG, &retries);
    ct_log("retries: %ld after WANT_READ, %ld after WANT_WRITE", retries.want_read, retries.want_write);
    ct_print_outcome("SSL_write", ssl, r);
    printf("SSL_is_init_finished after %d\n", SSL_is_init_finished(ssl));
    ct_exchange_close_notify(ssl, peer.fd);
    ct_s_client_finish(&peer, data, BIG);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

static void moved_retry(const unsigned char *data) {
    printf("== retry from another address without ACCEPT_MOVING_WRITE_BUFFER\n");
    ct_conn c;
    client_open(&c, "moved.out", 0);
    client_stuck(&c, data);
    unsigned char *copy = malloc(BIG);
    memcpy(copy, data, BIG);
    ct_print_outcome("SSL_write retried from a copy", c.ssl, SSL_write(c.ssl, copy, BIG));
    retry_original(&c, "SSL_write retried from the original", data);
    free(copy);
}

static void shorter_retry(const unsigned char *data) {
    printf("== retry with fewer bytes than already committed\n");
    ct_conn c;
    client_open(&c, "shorter.out", 0);
    client_stuck(&c, data);
    ct_print_outcome("SSL_write retried with 1 byte", c.ssl, SSL_write(c.ssl, data, 1));
    retry_original(&c, "SSL_write retried in full", data);
}

static void moving_buffer(const unsigned char *data) {
    printf("== ACCEPT_MOVING_WRITE_BUFFER, every retry from a fresh copy\n");
    ct_conn c;
    client_open(&c, "moving.out", SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    client_stuck(&c, data);
    kill(c.srv.pid, SIGCONT);
    /* Two copies used in turn: each retry names a different address. */
    unsigned char *copies[2] = {malloc(BIG), malloc(BIG)};
    long retries = 0;
    int r;
    for (;;) {
        unsigned char *b = copies[retries % 2];
        memcpy(b, data, BIG);
        r = SSL_write(c.ssl, b, BIG);
        if (r > 0 || !ct_wait_io(c.ssl, c.fd, r))
            break;
        retries++;
    }
    ct_log("moving retries: %ld", retries);
    ct_print_outcome("SSL_write retried from copies", c.ssl, r);
    ct_exchange_close_notify(c.ssl, c.fd);
    ct_conn_close(&c, data, BIG);
    free(copies[0]);
    free(copies[1]);
}

static void shutdown_while_pending(const unsigned char *data) {
    printf("== SSL_shutdown while a record is half-sent\n");
    ct_conn c;
    client_open(&c, "pending_shutdown.out", 0);
    client_stuck(&c, data);
    ct_print_outcome("SSL_shutdown with the peer stopped", c.ssl, SSL_shutdown(c.ssl));
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(c.ssl));
    ct_print_outcome("SSL_shutdown again with the peer stopped", c.ssl, SSL_shutdown(c.ssl));
    kill(c.srv.pid, SIGCONT);
    int r;
    long retries = 0;
    while ((r = SSL_shutdown(c.ssl)) < 0 && ct_wait_io(c.ssl, c.fd, r))
        retries++;
    ct_log("SSL_shutdown retries: %ld", retries);
    ct_print_outcome("SSL_shutdown with the peer running", c.ssl, r);
    ct_print_outcome("SSL_write of the pending call", c.ssl, SSL_write(c.ssl, data, BIG));
    client_abandon(&c, data);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    unsigned char *data = ct_alloc_data(BIG, 701);
    ct_report_sent("sent", data, BIG);
    void (*cases[])(const unsigned char *) = {implicit_handshake_client, implicit_handshake_server, moved_retry,
                                              shorter_retry, moving_buffer, shutdown_while_pending};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        /* Each case gets the whole watchdog period to itself. */
        alarm(CT_WATCHDOG_SECONDS);
        cases[i](data);
        fflush(stdout);
    }
    free(data);
    return 0;
}
