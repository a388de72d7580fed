/*
 * SSL_write and SSL_write_ex pushing 1 MiB over a real TCP connection, as a
 * TLS client (peer: `openssl s_server`) and as a TLS server (peer:
 * `openssl s_client`), on a blocking socket and on a nonblocking one with a
 * small SO_SNDBUF, in the default mode and with SSL_MODE_ENABLE_PARTIAL_WRITE.
 *
 * On the nonblocking socket the peer is stopped (SIGSTOP) once the handshake
 * is over and continued at the first SSL_ERROR_WANT_WRITE: 1 MiB is far more
 * than the kernel buffers of a loopback connection hold, so every run must
 * meet WANT_WRITE, while how often it recurs after that depends on
 * scheduling and is only logged.  Interrupted calls are repeated with the
 * same arguments once select() reports the socket ready.
 *
 * What each call returned is summarised by properties that do not depend on
 * timing: in the default mode every call reports its full length; with
 * partial writes every call reports between 1 and its length, and anything
 * short of the full length is a whole number of 16 KiB records.  On a
 * blocking socket partial writes are exactly one record (or the whole length
 * if shorter), since nothing ever interrupts them.
 */
#include "common.h"

#include <signal.h>

#define TOTAL (1u * 1024 * 1024)
#define SMALL_SNDBUF 4096
#define RECORD 16384
/* SSL_write_ex must leave *written alone when it fails. */
#define UNTOUCHED ((size_t)0x5a5a)

/* Sizes straddling record boundaries, and some far larger than a record. */
static const size_t chunks[] = {16384, 1, 4096, 10000, 16385, 65536, 777, 100000, 16383, 262144};

struct wcase {
    int server;
    int nonblocking;
    int partial;
    int ex;
};

struct outcome {
    size_t total;
    long calls;
    size_t largest;
    long want_write, want_read;
    int failed;
    int full_length;  /* default mode: every call reported len */
    int in_range;     /* every call reported 1..len */
    int whole_records;/* anything short of len was a multiple of RECORD */
    int one_record;   /* every call reported min(len, RECORD) */
    int stopped_want_write;
};

/* One call, with the result normalised to "bytes written, or <= 0". */
static int write_once(SSL *ssl, const unsigned char *buf, size_t len, int ex, size_t *done) {
    if (ex) {
        size_t w = UNTOUCHED;
        int r = SSL_write_ex(ssl, buf, len, &w);
        if (r == 1)
            *done = w;
        else if (w != UNTOUCHED)
            printf("SSL_write_ex failed but set *written=%zu\n", w);
        return r;
    }
    int r = SSL_write(ssl, buf, (int)len);
    if (r > 0)
        *done = (size_t)r;
    return r;
}

static void write_all(SSL *ssl, int fd, const unsigned char *data, const struct wcase *c,
                      pid_t peer, struct outcome *o) {
    memset(o, 0, sizeof *o);
    o->full_length = o->in_range = o->whole_records = o->one_record = 1;
    int peer_stopped = 0;
    if (c->nonblocking) {
        if (kill(peer, SIGSTOP) != 0)
            ct_fatal("SIGSTOP peer: %s", strerror(errno));
        peer_stopped = 1;
    }
    for (int k = 0; o->total < TOTAL; k++) {
        size_t len = chunks[k % (sizeof chunks / sizeof *chunks)];
        if (len > TOTAL - o->total)
            len = TOTAL - o->total;
        size_t done = 0;
        int r;
        while ((r = write_once(ssl, data + o->total, len, c->ex, &done)) <= 0) {
            int e = SSL_get_error(ssl, r);
            o->want_write += e == SSL_ERROR_WANT_WRITE;
            o->want_read += e == SSL_ERROR_WANT_READ;
            if (e == SSL_ERROR_WANT_WRITE && peer_stopped) {
                o->stopped_want_write = 1;
                kill(peer, SIGCONT);
                peer_stopped = 0;
            }
            if (!ct_wait_io(ssl, fd, r))
                break;
        }
        if (r <= 0) {
            ct_print_outcome(c->ex ? "SSL_write_ex" : "SSL_write", ssl, r);
            o->failed = 1;
            break;
        }
        o->calls++;
        if (done > o->largest)
            o->largest = done;
        if (done != len)
            o->full_length = 0;
        if (done < 1 || done > len)
            o->in_range = 0;
        if (done != len && done % RECORD != 0)
            o->whole_records = 0;
        if (done != (len < RECORD ? len : RECORD))
            o->one_record = 0;
        if (done > len)
            break;
        o->total += done;
    }
    /* The peer must run again whatever happened, or the session cannot end. */
    if (peer_stopped)
        kill(peer, SIGCONT);
}

static void report(const struct wcase *c, const struct outcome *o) {
    printf("write total=%zu failed=%s\n", o->total, o->failed ? "yes" : "no");
    if (c->nonblocking)
        printf("WANT_WRITE while the peer was stopped: %s\n", o->stopped_want_write ? "yes" : "no");
    if (!c->partial) {
        /* Every call either completes or fails, so the count is fixed too. */
        printf("every call reported its full length: %s (calls=%ld)\n", o->full_length ? "yes" : "no",
               o->calls);
    } else {
        printf("every call reported 1..len: %s\n", o->in_range ? "yes" : "no");
        printf("short counts are whole records: %s\n", o->whole_records ? "yes" : "no");
        if (!c->nonblocking)
            printf("every call reported one record: %s (calls=%ld)\n", o->one_record ? "yes" : "no",
                   o->calls);
    }
    ct_log("calls=%ld, largest count %zu, retries: %ld after WANT_WRITE, %ld after WANT_READ", o->calls,
           o->largest, o->want_write, o->want_read);
}

static void set_mode(SSL *ssl, const struct wcase *c) {
    if (c->partial)
        SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE);
    printf("partial write mode %s\n", (SSL_get_mode(ssl) & SSL_MODE_ENABLE_PARTIAL_WRITE) ? "on" : "off");
}

static void as_client(const struct wcase *c, const unsigned char *data, const char *tag) {
    ct_conn conn;
    ct_conn_open(&conn, tag, c->nonblocking ? SMALL_SNDBUF : 0, c->nonblocking, CT_SHOW_FD);
    set_mode(conn.ssl, c);
    if (ct_connect(conn.ssl, conn.fd) == 1) {
        struct outcome o;
        write_all(conn.ssl, conn.fd, data, c, conn.srv.pid, &o);
        report(c, &o);
        ct_close_session(conn.ssl, conn.fd);
    }
    ct_conn_close(&conn, data, TOTAL);
}

static void as_server(const struct wcase *c, const unsigned char *data, const char *tag) {
    SSL_CTX *ctx = ct_server_ctx();
    ct_s_client peer;
    ct_s_client_start(&peer, tag, NULL, c->nonblocking ? SMALL_SNDBUF : 0, c->nonblocking);
    SSL *ssl = SSL_new(ctx);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, peer.fd));
    set_mode(ssl, c);
    if (ct_accept(ssl, peer.fd) == 1) {
        struct outcome o;
        write_all(ssl, peer.fd, data, c, peer.pid, &o);
        report(c, &o);
        ct_close_session(ssl, peer.fd);
    }
    ct_s_client_finish(&peer, data, TOTAL);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    int n = 0;
    for (int server = 0; server <= 1; server++)
        for (int nonblocking = 0; nonblocking <= 1; nonblocking++)
            for (int partial = 0; partial <= 1; partial++)
                for (int ex = 0; ex <= 1; ex++, n++) {
                    struct wcase c = {server, nonblocking, partial, ex};
                    char tag[64];
                    snprintf(tag, sizeof tag, "case%d.out", n);
                    printf("== %s, %s socket, %s mode, %s\n", server ? "server" : "client",
                           nonblocking ? "nonblocking" : "blocking", partial ? "partial-write" : "default",
                           ex ? "SSL_write_ex" : "SSL_write");
                    ct_log("== case %d", n);
                    /* Each case gets the whole watchdog period to itself. */
                    alarm(CT_WATCHDOG_SECONDS);
                    unsigned char *data = ct_alloc_data(TOTAL, 1000 + n);
                    ct_report_sent("sent", data, TOTAL);
                    if (server)
                        as_server(&c, data, tag);
                    else
                        as_client(&c, data, tag);
                    free(data);
                    fflush(stdout);
                }
    return 0;
}
