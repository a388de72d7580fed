/*
 * SSL_write to a peer that has gone without close_notify.  The peer is
 * `openssl s_server`, killed at a point chosen so that what reaches our
 * socket is fixed:
 *
 * - gone after reading everything: once all we sent has come out of it (its
 *   output file has every byte, so its socket holds nothing unread) it is
 *   killed, and its kernel closes with a FIN.  We wait until the FIN is
 *   visible before writing again: the first small write after it is still
 *   accepted by our kernel, the peer's kernel answers it with a reset, and
 *   the write after that fails (EPIPE, as the connection was half-closed).
 *   Between writes we wait for the reset to show up (POLLERR/POLLHUP) so that
 *   no write races with it.
 * - reset: it is stopped before we write and killed once our data sits
 *   acknowledged and unread in its socket, so its kernel answers with a reset
 *   at once; we wait for it, and the very next write fails (ECONNRESET, then
 *   EPIPE).
 *
 * The test process ignores SIGPIPE (ct_init), so failures surface as return
 * values; then each sequence runs in a forked child with SIGPIPE at its
 * default disposition, where an EPIPE from write(2) inside the library
 * delivers the signal (ECONNRESET does not), and the parent reports how the
 * child ended.
 */
#define _GNU_SOURCE
#include "common.h"

#include <linux/sockios.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#define DATA_LEN 3000
#define CHUNK 100
#define MAX_WRITES 20

static const char *errno_name(int e) {
    static char other[32];
    switch (e) {
    case 0: return "0";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case EAGAIN: return "EAGAIN";
    case ENOTCONN: return "ENOTCONN";
    case EBADF: return "EBADF";
    case EINTR: return "EINTR";
    default:
        snprintf(other, sizeof other, "errno %d", e);
        return other;
    }
}

static const char *signal_name(int s) {
    static char other[32];
    switch (s) {
    case SIGPIPE: return "SIGPIPE";
    case SIGKILL: return "SIGKILL";
    case SIGALRM: return "SIGALRM";
    case SIGABRT: return "SIGABRT";
    case SIGSEGV: return "SIGSEGV";
    default:
        snprintf(other, sizeof other, "signal %d", s);
        return other;
    }
}

/* revents for fd once one of events (or POLLERR/POLLHUP) is set; 0 on timeout. */
static short wait_poll(int fd, short events, int timeout_ms) {
    struct pollfd p = {fd, events, 0};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    return r > 0 ? p.revents : 0;
}

static void failed_write(const char *what, SSL *ssl, int r, int err) {
    int e = SSL_get_error(ssl, r);
    printf("%s ret=%d ssl_error=%d (%s) errno=%s\n", what, r, e, ct_ssl_error_name(e), errno_name(err));
    ct_print_errors();
}

/* errno is cleared first, so that what it holds afterwards tells whether
 * the library went to the socket at all and what the socket said. */
static void write_with_errno(const char *what, SSL *ssl, const void *buf, int len) {
    errno = 0;
    int r = SSL_write(ssl, buf, len);
    failed_write(what, ssl, r, errno);
}

static void shutdown_with_errno(const char *what, SSL *ssl) {
    errno = 0;
    int r = SSL_shutdown(ssl);
    failed_write(what, ssl, r, errno);
}

/*
 * How the peer leaves: GRACEFUL once it has read everything (its kernel sends
 * a FIN, and a reset only in answer to our next record); ABORTIVE while it
 * still has our data unread (its kernel sends a reset at once).
 */
enum departure { GRACEFUL, ABORTIVE };

/* Waits until our socket has nothing left unacknowledged. */
static void wait_all_acked(int fd) {
    for (int waited = 0; waited < 10000; waited += 5) {
        int outq = 0;
        if (ioctl(fd, SIOCOUTQ, &outq) != 0)
            ct_fatal("SIOCOUTQ: %s", strerror(errno));
        if (outq == 0)
            return;
        usleep(5000);
    }
    ct_fatal("data still unacknowledged after 10 s");
}

/* Our client up to its failing write; returns only if SIGPIPE did not end it. */
static void write_until_failure(ct_server *srv, const unsigned char *data, enum departure how) {
    SSL_CTX *ctx = ct_client_ctx(SSL_VERIFY_PEER);
    int fd = ct_tcp_connect(srv->port, 0, 0);
    SSL *ssl = ct_client_ssl(ctx, fd, "localhost", CT_SHOW_FD);
    if (ct_connect(ssl, fd) != 1)
        return;
    if (how == ABORTIVE && kill(srv->pid, SIGSTOP) != 0)
        ct_fatal("stop s_server: %s", strerror(errno));
    printf("SSL_write ret=%d\n", SSL_write(ssl, data, DATA_LEN));

    if (how == GRACEFUL)
        ct_server_wait_received(srv, DATA_LEN);
    else
        wait_all_acked(fd);
    if (kill(srv->pid, SIGKILL) != 0)
        ct_fatal("kill s_server: %s", strerror(errno));
    if (how == GRACEFUL) {
        /* Our socket already has unread records (session tickets), so POLLIN
         * says nothing; POLLRDHUP is the FIN itself. */
        printf("peer's FIN seen %s\n", (wait_poll(fd, POLLRDHUP, 10000) & POLLRDHUP) ? "yes" : "no");
    } else {
        printf("peer's reset seen %s\n", (wait_poll(fd, 0, 10000) & (POLLERR | POLLHUP)) ? "yes" : "no");
    }

    int accepted = 0;
    for (int i = 0; i < MAX_WRITES; i++) {
        const unsigned char *chunk = data + (size_t)i * CHUNK;
        errno = 0;
        int r = SSL_write(ssl, chunk, CHUNK);
        int err = errno;
        if (r > 0) {
            accepted++;
            if (accepted == 1)
                printf("first SSL_write after the close ret=%d\n", r);
            else
                ct_log("SSL_write %d after the close ret=%d", accepted, r);
            /* Our record draws a reset; wait for it rather than race it. */
            short ev = wait_poll(fd, 0, 2000);
            ct_log("after write %d: revents 0x%x", accepted, ev);
            continue;
        }
        printf("writes accepted after the close: %d\n", accepted);
        failed_write("SSL_write after the reset", ssl, r, err);
        /* The record stays pending; repeating the call retries it. */
        write_with_errno("SSL_write repeated", ssl, chunk, CHUNK);
        /* The failed record is still pending ahead of any close_notify. */
        for (int k = 1; k <= 2; k++) {
            char what[64];
            snprintf(what, sizeof what, "SSL_shutdown #%d after the failure", k);
            shutdown_with_errno(what, ssl);
            printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
        }
        break;
    }
    close(fd);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

static void sigpipe_ignored(const unsigned char *data, enum departure how) {
    printf("== peer %s, SIGPIPE ignored\n", how == GRACEFUL ? "gone after reading everything" : "reset");
    struct sigaction sa;
    sigaction(SIGPIPE, NULL, &sa);
    printf("SIGPIPE ignored in the test process: %s\n", sa.sa_handler == SIG_IGN ? "yes" : "no");
    ct_server srv;
    ct_server_start(&srv, how == GRACEFUL ? "ignored.out" : "ignored_reset.out", 1);
    write_until_failure(&srv, data, how);
    ct_server_finish(&srv);
    if (how == GRACEFUL)
        ct_report_file("s_server received", srv.out_path, data, DATA_LEN);
}

static void sigpipe_default(const unsigned char *data, enum departure how) {
    printf("== peer %s, SIGPIPE at its default disposition (forked child)\n",
           how == GRACEFUL ? "gone after reading everything" : "reset");
    ct_server srv;
    ct_server_start(&srv, how == GRACEFUL ? "default.out" : "default_reset.out", 1);
    pid_t pid = ct_fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        /* Whatever is printed must be out before a signal can end us. */
        setvbuf(stdout, NULL, _IONBF, 0);
        write_until_failure(&srv, data, how);
        printf("child survived the failing write\n");
        _exit(0);
    }
    int st = ct_wait_status(pid, 30);
    if (WIFSIGNALED(st))
        printf("child killed by signal %s\n", signal_name(WTERMSIG(st)));
    else
        printf("child exited %d\n", WEXITSTATUS(st));
    ct_server_finish(&srv);
    if (how == GRACEFUL)
        ct_report_file("s_server received", srv.out_path, data, DATA_LEN);
}

/* A client that has written everything, once s_server has read it all. */
static void connect_and_deliver(ct_conn *c, const char *tag, const unsigned char *data) {
    ct_conn_open(c, tag, 0, 0, CT_SHOW_FD);
    ct_connect(c->ssl, c->fd);
    printf("SSL_write ret=%d\n", SSL_write(c->ssl, data, DATA_LEN));
    ct_server_wait_received(&c->srv, DATA_LEN);
}

/*
 * The peer's disappearance noticed by SSL_read first: an EOF without
 * close_notify is fatal to the connection, and a write afterwards must fail
 * without touching the socket.
 */
static void eof_read_first(const unsigned char *data) {
    printf("== peer gone, SSL_read sees the EOF before SSL_write\n");
    ct_conn c;
    connect_and_deliver(&c, "eof_first.out", data);
    if (kill(c.srv.pid, SIGKILL) != 0)
        ct_fatal("kill s_server: %s", strerror(errno));

    char buf[256];
    ct_print_outcome("SSL_read", c.ssl, SSL_read(c.ssl, buf, sizeof buf));
    write_with_errno("SSL_write after the EOF", c.ssl, data, CHUNK);
    size_t w = 7;
    errno = 0;
    int r = SSL_write_ex(c.ssl, data, CHUNK, &w);
    int err = errno;
    printf("SSL_write_ex written=%zu\n", w);
    failed_write("SSL_write_ex after the EOF", c.ssl, r, err);
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(c.ssl));
    ct_conn_close(&c, data, DATA_LEN);
}

/* The descriptor closed under an established connection. */
static void fd_closed(const unsigned char *data) {
    printf("== the socket closed under the SSL\n");
    ct_conn c;
    connect_and_deliver(&c, "fd_closed.out", data);
    /* Nothing may open a descriptor between here and the writes, or the
     * number would be reused. */
    close(c.fd);
    c.fd = -1;
    for (int k = 1; k <= 2; k++) {
        char what[64];
        snprintf(what, sizeof what, "SSL_write #%d on the closed descriptor", k);
        write_with_errno(what, c.ssl, data, CHUNK);
    }
    shutdown_with_errno("SSL_shutdown on the closed descriptor", c.ssl);
    ct_conn_close(&c, data, DATA_LEN);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    unsigned char *data = ct_alloc_data(DATA_LEN, 601);
    ct_report_sent("sent", data, DATA_LEN);
    sigpipe_ignored(data, GRACEFUL);
    sigpipe_default(data, GRACEFUL);
    sigpipe_ignored(data, ABORTIVE);
    sigpipe_default(data, ABORTIVE);
    eof_read_first(data);
    fd_closed(data);
    free(data);
    return 0;
}
