/*
 * A server on a blocking socket; the peer is the system's `openssl s_client`
 * verifying localhost against the test CA.  s_client sends 1 MiB from its
 * stdin (a file) and writes what it receives to a file.  The server reads
 * exactly that many bytes, answers with 3 MiB, then shuts down both ways.
 * s_client -quiet ignores EOF on stdin and leaves when the server's
 * close_notify arrives, answering with its own.
 */
#include "common.h"

#define UP (1u * 1024 * 1024)
#define DOWN (3u * 1024 * 1024)

static const int read_sizes[] = {16384, 1, 5000, 65536, 333, 16385};
static const int write_sizes[] = {50000, 16384, 7, 16385, 4096, 131072};

int main(int argc, char **argv) {
    ct_init(argc, argv);
    unsigned char *up = ct_alloc_data(UP, 303), *down = ct_alloc_data(DOWN, 304);
    ct_report_sent("s_client sends", up, UP);
    ct_report_sent("server sends", down, DOWN);
    const char *in_path = ct_tmpfile("s_client.in"), *out_path = ct_tmpfile("s_client.out");
    ct_write_file(in_path, up, UP);

    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    printf("use_certificate_chain_file %d\n", SSL_CTX_use_certificate_chain_file(ctx, ct_cert("chain.pem")));
    printf("use_PrivateKey_file %d\n", SSL_CTX_use_PrivateKey_file(ctx, ct_cert("server.key"), SSL_FILETYPE_PEM));
    printf("check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    ct_print_errors();

    int port;
    int lfd = ct_tcp_listen(&port);
    char connect_arg[32];
    snprintf(connect_arg, sizeof connect_arg, "127.0.0.1:%d", port);
    char *args[] = {"openssl", "s_client", "-connect", connect_arg, "-CAfile", (char *)ct_cert("ca.pem"),
                    "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost",
                    "-quiet", "-nocommands", NULL};
    int in = open(in_path, O_RDONLY | O_CLOEXEC);
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0)
        ct_fatal("s_client files: %s", strerror(errno));
    pid_t pid = ct_spawn_openssl(args, in, out);
    close(in);
    close(out);
    int fd = ct_tcp_accept(lfd, 20);
    close(lfd);

    SSL *ssl = SSL_new(ctx);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, fd));
    int r = SSL_accept(ssl);
    if (ct_print_ssl_error("SSL_accept", ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    printf("SSL_is_server %d\n", SSL_is_server(ssl));
    ct_print_session("server", ssl);

    unsigned char *got = malloc(UP);
    size_t n = 0;
    for (int k = 0; r == 1 && n < UP; k++) {
        int len = read_sizes[k % (sizeof read_sizes / sizeof *read_sizes)];
        if ((size_t)len > UP - n)
            len = (int)(UP - n);
        int m = SSL_read(ssl, got + n, len);
        if (m <= 0) {
            ct_print_ssl_error("SSL_read", ssl, m);
            ct_print_errors();
            break;
        }
        n += m;
    }
    ct_report_buffer("server received", got, n, up, UP);

    size_t sent = 0;
    for (int k = 0; r == 1 && sent < DOWN; k++) {
        int len = write_sizes[k % (sizeof write_sizes / sizeof *write_sizes)];
        if ((size_t)len > DOWN - sent)
            len = (int)(DOWN - sent);
        int m = SSL_write(ssl, down + sent, len);
        if (m != len) {
            ct_print_ssl_error("SSL_write", ssl, m);
            ct_print_errors();
            break;
        }
        sent += m;
    }
    printf("SSL_write total %zu\n", sent);

    printf("SSL_shutdown ret=%d\n", SSL_shutdown(ssl));
    char byte;
    r = SSL_read(ssl, &byte, 1);
    ct_print_ssl_error("SSL_read after shutdown", ssl, r);
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    printf("SSL_shutdown again ret=%d\n", SSL_shutdown(ssl));
    ct_print_errors();
    close(fd);

    printf("s_client exit %d\n", ct_wait_child(pid, 20));
    ct_report_file("s_client received", out_path, down, DOWN);

    SSL_free(ssl);
    SSL_CTX_free(ctx);
    free(up);
    free(down);
    free(got);
    return 0;
}
