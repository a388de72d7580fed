/*
 * Like t_client_blocking, on a nonblocking socket whose send buffer is made
 * small before connecting, so that SSL_write keeps running into
 * SSL_ERROR_WANT_WRITE.  Every interrupted call is repeated with the same
 * arguments once select() says the socket is ready.  How often that happens
 * depends on scheduling, so only the final outcome of each call is printed.
 */
#include "common.h"

#define TOTAL (3u * 1024 * 1024)

static const int chunks[] = {16384, 1, 4096, 10000, 16385, 65536, 777, 100000, 16383};

int main(int argc, char **argv) {
    ct_init(argc, argv);
    unsigned char *data = ct_alloc_data(TOTAL, 202);
    ct_report_sent("client sent", data, TOTAL);

    ct_server srv;
    ct_server_start(&srv, "s_server.out", 1);

    SSL_CTX *ctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL *ssl = SSL_new(ctx);
    int fd = ct_tcp_connect(srv.port, 4096, 1);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, fd));
    printf("SSL_set1_host %d\n", SSL_set1_host(ssl, "localhost"));
    printf("SSL_set_tlsext_host_name %ld\n", SSL_set_tlsext_host_name(ssl, "localhost"));

    int r;
    while ((r = SSL_connect(ssl)) != 1 && ct_wait_io(ssl, fd, r))
        ;
    if (ct_print_ssl_error("SSL_connect", ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    ct_print_session("client", ssl);

    size_t sent = 0;
    long want_write = 0, want_read = 0;
    for (int k = 0; r == 1 && sent < TOTAL; k++) {
        int len = chunks[k % (sizeof chunks / sizeof *chunks)];
        if ((size_t)len > TOTAL - sent)
            len = (int)(TOTAL - sent);
        int n;
        while ((n = SSL_write(ssl, data + sent, len)) <= 0) {
            int e = SSL_get_error(ssl, n);
            want_write += e == SSL_ERROR_WANT_WRITE;
            want_read += e == SSL_ERROR_WANT_READ;
            if (!ct_wait_io(ssl, fd, n))
                break;
        }
        if (n != len) {
            ct_print_ssl_error("SSL_write", ssl, n);
            ct_print_errors();
            break;
        }
        sent += n;
    }
    printf("SSL_write total %zu\n", sent);
    ct_log("SSL_write retries: %ld after WANT_WRITE, %ld after WANT_READ", want_write, want_read);

    /* Sending close_notify may itself wait for room in the send buffer. */
    while ((r = SSL_shutdown(ssl)) < 0 && ct_wait_io(ssl, fd, r))
        ;
    printf("SSL_shutdown ret=%d\n", r);
    /* Then read until s_server's close_notify. */
    char buf[256];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof buf)) <= 0 && ct_wait_io(ssl, fd, n))
        ;
    ct_print_ssl_error("SSL_read after shutdown", ssl, n);
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    r = SSL_shutdown(ssl);
    printf("SSL_shutdown again ret=%d\n", r);
    ct_print_errors();
    close(fd);

    ct_server_finish(&srv);
    ct_report_file("s_server received", srv.out_path, data, TOTAL);

    SSL_free(ssl);
    SSL_CTX_free(ctx);
    free(data);
    return 0;
}
