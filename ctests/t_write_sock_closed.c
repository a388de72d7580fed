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

#include <stdarg.h>
#include <signal.h>
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
    int r = SSL_write(ssl, buf, len);
    ct_print_ssl_error(what, ssl, r);
    ct_print_errors();
}

static void after_own_shutdown(void) {
    printf("== SSL_write after our own SSL_shutdown\n");
    unsigned char *hello = ct_alloc_data(HELLO_LEN, 501);
    unsigned char *more = ct_alloc_data(AFTER_A, 502);
    ct_report_sent("sent before shutdown", hello, HELLO_LEN);

    ct_server srv;
    ct_server_start(&srv, "own_shutdown.out", 1);
    SSL_CTX *ctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL *ssl = SSL_new(ctx);
    int fd = ct_tcp_connect(srv.port, 0, 0);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, fd));
    SSL_set1_host(ssl, "localhost");
    SSL_set_tlsext_host_name(ssl, "localhost");
    int r = SSL_connect(ssl);
    if (ct_print_ssl_error("SSL_connect", ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    printf("SSL_write before shutdown ret=%d\n", SSL_write(ssl, hello, HELLO_LEN));

    printf("SSL_shutdown ret=%d\n", SSL_shutdown(ssl));
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    write_report("SSL_write after SSL_shutdown", ssl, more, AFTER_A);
    write_ex_report("SSL_write_ex after SSL_shutdown", ssl, more, AFTER_A);
    /* A zero-length write is refused for the same reason, before its length is looked at. */
    write_ex_report("SSL_write_ex of 0 bytes after SSL_shutdown", ssl, more, 0);

    /* s_server answers our close_notify with its own. */
    char buf[256];
    int n = SSL_read(ssl, buf, sizeof buf);
    ct_print_ssl_error("SSL_read after shutdown", ssl, n);
    ct_print_errors();
    printf("SSL_shutdown again ret=%d\n", SSL_shutdown(ssl));
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    write_report("SSL_write after both close_notify", ssl, more, AFTER_A);
    write_ex_report("SSL_write_ex after both close_notify", ssl, more, AFTER_A);

    close(fd);
    ct_server_finish(&srv);
    ct_report_file("s_server received", srv.out_path, hello, HELLO_LEN);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    free(hello);
    free(more);
}

/* ---- case 2: the peer, in a forked child ---- */

static int report_fd = -1;

static void peer_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void peer_say(const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    (void)!write(report_fd, line, (size_t)n);
}

static void peer_errors(void) {
    unsigned long e;
    int n = 0;
    while ((e = ERR_get_error()) != 0) {
        peer_say("peer err lib=%d reason=%d", ERR_GET_LIB(e), ERR_GET_REASON(e));
        n++;
    }
    if (n == 0)
        peer_say("peer err none");
}

static void peer_ssl_error(const char *what, SSL *ssl, int ret) {
    int e = SSL_get_error(ssl, ret);
    peer_say("peer %s ret=%d ssl_error=%d (%s)", what, ret, e, ct_ssl_error_name(e));
}

/*
 * Server side of case 2: close_notify after the client's greeting, then read
 * everything until the client's close_notify, saving it to out_path.
 */
static void peer_main(int lfd, SSL_CTX *ctx, const char *out_path) {
    int fd = ct_tcp_accept(lfd, 20);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    int r = SSL_accept(ssl);
    peer_ssl_error("SSL_accept", ssl, r);
    if (r != 1) {
        peer_errors();
        _exit(1);
    }
    unsigned char buf[16384];
    size_t got = 0;
    while (got < HELLO_LEN) {
        int n = SSL_read(ssl, buf + got, (int)(HELLO_LEN - got));
        if (n <= 0) {
            peer_ssl_error("SSL_read of the greeting", ssl, n);
            peer_errors();
            _exit(1);
        }
        got += (size_t)n;
    }
    peer_say("peer greeting bytes=%zu", got);
    peer_say("peer SSL_shutdown ret=%d", SSL_shutdown(ssl));

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
    peer_say("peer read after its close_notify: bytes=%zu", total);
    peer_ssl_error("SSL_read at the end", ssl, n);
    peer_errors();
    peer_say("peer SSL_get_shutdown %d", SSL_get_shutdown(ssl));
    peer_say("peer SSL_shutdown again ret=%d", SSL_shutdown(ssl));
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
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        ct_fatal("fork: %s", strerror(errno));
    if (pid == 0) {
        /* The parent's watchdog does not cover this process; its own does. */
        signal(SIGALRM, SIG_DFL);
        alarm(CT_WATCHDOG_SECONDS);
        close(p[0]);
        report_fd = p[1];
        peer_main(lfd, sctx, out_path);
    }
    close(p[1]);
    close(lfd);

    SSL_CTX *ctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL *ssl = SSL_new(ctx);
    int fd = ct_tcp_connect(port, 0, 0);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, fd));
    SSL_set1_host(ssl, "localhost");
    SSL_set_tlsext_host_name(ssl, "localhost");
    int r = SSL_connect(ssl);
    if (ct_print_ssl_error("SSL_connect", ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    printf("SSL_write greeting ret=%d\n", SSL_write(ssl, hello, HELLO_LEN));

    char buf[256];
    int n = SSL_read(ssl, buf, sizeof buf);
    ct_print_ssl_error("SSL_read", ssl, n);
    ct_print_errors();
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));

    r = SSL_write(ssl, data, AFTER_A);
    ct_print_ssl_error("SSL_write after ZERO_RETURN", ssl, r);
    ct_print_errors();
    write_ex_report("SSL_write_ex after ZERO_RETURN", ssl, data + AFTER_A, AFTER_B);

    printf("SSL_shutdown ret=%d\n", SSL_shutdown(ssl));
    ct_print_errors();
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    close(fd);

    int st = -1;
    for (int waited = 0; waitpid(pid, &st, WNOHANG) != pid; waited += 10) {
        if (waited >= 20000) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            ct_log("peer still running after 20 s, killed");
            break;
        }
        usleep(10000);
    }
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
