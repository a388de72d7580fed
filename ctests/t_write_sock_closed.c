/*
 * SSL_write on a TCP connection after close_notify went one way or the other.
 *
 * 1. After our own SSL_shutdown (peer: `openssl s_server`): writing is
 *    refused before anything reaches the socket, both while the peer's
 *    close_notify is outstanding and after it arrived.  s_server must have
 *    received only what was written before the shutdown.
 *
 * 2. After the peer's close_notify (peer: a forked child on the same libssl,
 *    since no `openssl` command sends close_notify and then keeps reading):
 *    the peer calls SSL_shutdown once and goes on reading; our SSL_read
 *    reports the close_notify, then we write.  TLS 1.3 closes each direction
 *    on its own, so whether the data is written and whether the peer gets it
 *    is the behaviour under test.  The peer reports over a pipe and the
 *    report is printed once it has exited, which keeps the order of stdout
 *    independent of scheduling.
 */
#define _GNU_SOURCE
#include "common.h"

#include <sys/wait.h>

#define HELLO_LEN 100
#define AFTER_A 1000
#define AFTER_B 20000
/* SSL_write_ex must leave *written alone when it fails. */
#define UNTOUCHED ((size_t)0x5a5a)

static void write_ex_report(const char *what, SSL *ssl, const void *buf, size_t len) {
    size_t w = UNTOUCHED;
    int r = SSL_write_ex(ssl, buf, len, &w);
    int e = SSL_get_error(ssl, r);
    if (w == UNTOUCHED)
        printf("%s ret=%d written=untouched ssl_error=%d (%s)\n", what, r, e, ct_ssl_error_name(e));
    else
        printf("%s ret=%d written=%zu ssl_error=%d (%s)\n", what, r, w, e, ct_ssl_error_name(e));
    ct_print_errors();
}

static void write_report(const char *what, SSL *ssl, const void *buf, int len) {
    ct_print_outcome(what, ssl, SSL_write(ssl, buf, len));
}

static void after_own_shutdown(void) {
    printf("== SSL_write after our own SSL_shutdown\n");
    unsigned char *hello = ct_alloc_data(HELLO_LEN, 501);
    unsigned char *more = ct_alloc_data(AFTER_A, 502);
    ct_report_sent("sent before shutdown", hello, HELLO_LEN);

    ct_conn c;
    ct_conn_open(&c, "own_shutdown.out", 0, 0, CT_SHOW_FD);
    SSL *ssl = c.ssl;
    ct_connect(ssl, c.fd);
    printf("SSL_write before shutdown ret=%d\n", SSL_write(ssl, hello, HELLO_LEN));

    printf("SSL_shutdown ret=%d\n", SSL_shutdown(ssl));
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    write_report("SSL_write after SSL_shutdown", ssl, more, AFTER_A);
    write_ex_report("SSL_write_ex after SSL_shutdown", ssl, more, AFTER_A);
    /* A zero-length write is refused for the same reason, before its length is looked at. */
    write_ex_report("SSL_write_ex of 0 bytes after SSL_shutdown", ssl, more, 0);

    /* s_server answers our close_notify with its own. */
    char buf[256];
    ct_print_outcome("SSL_read after shutdown", ssl, SSL_read(ssl, buf, sizeof buf));
    printf("SSL_shutdown again ret=%d\n", SSL_shutdown(ssl));
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    write_report("SSL_write after both close_notify", ssl, more, AFTER_A);
    write_ex_report("SSL_write_ex after both close_notify", ssl, more, AFTER_A);

    ct_conn_close(&c, hello, HELLO_LEN);
    free(hello);
    free(more);
}

/* ---- case 2: the peer, in a forked child ---- */

/*
 * Server side of case 2: close_notify after the client's greeting, then read
 * everything until the client's close_notify, saving it to out_path.  Runs in
 * a child whose stdout is the report pipe, unbuffered so that _exit loses
 * nothing.
 */
static void peer_main(int lfd, SSL_CTX *ctx, const char *out_path) {
    int fd = ct_tcp_accept(lfd, 20);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    int r = SSL_accept(ssl);
    ct_print_ssl_error("peer SSL_accept", ssl, r);
    if (r != 1) {
        ct_print_errors_of("peer");
        _exit(1);
    }
    unsigned char buf[16384];
    size_t got = 0;
    while (got < HELLO_LEN) {
        int n = SSL_read(ssl, buf + got, (int)(HELLO_LEN - got));
        if (n <= 0) {
            ct_print_ssl_error("peer SSL_read of the greeting", ssl, n);
            ct_print_errors_of("peer");
            _exit(1);
        }
        got += (size_t)n;
    }
    printf("peer greeting bytes=%zu\n", got);
    printf("peer SSL_shutdown ret=%d\n", SSL_shutdown(ssl));

    FILE *out = fopen(out_path, "wb");
    if (!out)
        _exit(1);
    size_t total = 0;
    int n;
    while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, out);
        total += (size_t)n;
    }
    fclose(out);
    printf("peer read after its close_notify: bytes=%zu\n", total);
    ct_print_ssl_error("peer SSL_read at the end", ssl, n);
    ct_print_errors_of("peer");
    printf("peer SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    printf("peer SSL_shutdown again ret=%d\n", SSL_shutdown(ssl));
    SSL_free(ssl);
    close(fd);
    _exit(0);
}

static void after_peer_close_notify(void) {
    printf("== SSL_write after the peer's close_notify\n");
    unsigned char *hello = ct_alloc_data(HELLO_LEN, 511);
    unsigned char *data = ct_alloc_data(AFTER_A + AFTER_B, 512);
    ct_report_sent("sent after the peer's close_notify", data, AFTER_A + AFTER_B);

    int port;
    int lfd = ct_tcp_listen(&port);
    SSL_CTX *sctx = ct_server_ctx();
    const char *out_path = ct_tmpfile("peer.out");
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        ct_fatal("pipe: %s", strerror(errno));
    pid_t pid = ct_fork();
    if (pid == 0) {
        close(p[0]);
        if (dup2(p[1], STDOUT_FILENO) < 0)
            _exit(1);
        setvbuf(stdout, NULL, _IONBF, 0);
        peer_main(lfd, sctx, out_path);
    }
    close(p[1]);
    close(lfd);

    SSL_CTX *ctx = ct_client_ctx(SSL_VERIFY_PEER);
    int fd = ct_tcp_connect(port, 0, 0);
    SSL *ssl = ct_client_ssl(ctx, fd, "localhost", CT_SHOW_FD);
    ct_connect(ssl, fd);
    printf("SSL_write greeting ret=%d\n", SSL_write(ssl, hello, HELLO_LEN));

    char buf[256];
    ct_print_outcome("SSL_read", ssl, SSL_read(ssl, buf, sizeof buf));
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));

    write_report("SSL_write after ZERO_RETURN", ssl, data, AFTER_A);
    write_ex_report("SSL_write_ex after ZERO_RETURN", ssl, data + AFTER_A, AFTER_B);

    printf("SSL_shutdown ret=%d\n", SSL_shutdown(ssl));
    ct_print_errors();
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    close(fd);

    int st = ct_wait_status(pid, 20);
    if (WIFEXITED(st))
        printf("peer exit %d\n", WEXITSTATUS(st));
    else
        printf("peer killed by signal %d\n", WTERMSIG(st));
    char report[4096];
    ssize_t k;
    while ((k = read(p[0], report, sizeof report)) > 0)
        fwrite(report, 1, (size_t)k, stdout);
    close(p[0]);
    ct_report_file("peer received after its close_notify", out_path, data, AFTER_A + AFTER_B);

    SSL_free(ssl);
    SSL_CTX_free(ctx);
    SSL_CTX_free(sctx);
    free(hello);
    free(data);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    after_own_shutdown();
    after_peer_close_notify();
    return 0;
}
