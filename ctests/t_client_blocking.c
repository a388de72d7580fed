/*
 * A client on a blocking socket to the system's `openssl s_server`: CA from
 * SSL_CTX_load_verify_locations, SSL_VERIFY_PEER, SNI and SSL_set1_host for
 * localhost.  3 MiB go up in chunks of uneven sizes, then a bidirectional
 * shutdown; what s_server received is compared by SHA-256.
 */
#include "common.h"

#define TOTAL (3u * 1024 * 1024)

/* Uneven sizes, so that writes and 16 KiB records never line up. */
static const int chunks[] = {16384, 1, 4096, 10000, 16385, 65536, 777, 100000, 16383};

int main(int argc, char **argv) {
    ct_init(argc, argv);
    unsigned char *data = ct_alloc_data(TOTAL, 101);
    ct_report_sent("client sent", data, TOTAL);

    ct_server srv;
    ct_server_start(&srv, "s_server.out", 1);

    SSL_CTX *ctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL *ssl = SSL_new(ctx);
    int fd = ct_tcp_connect(srv.port, 0, 0);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, fd));
    printf("SSL_set1_host %d\n", SSL_set1_host(ssl, "localhost"));
    printf("SSL_set_tlsext_host_name %ld\n", SSL_set_tlsext_host_name(ssl, "localhost"));

    int r = SSL_connect(ssl);
    if (ct_print_ssl_error("SSL_connect", ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    ct_print_session("client", ssl);

    size_t sent = 0;
    for (int k = 0; r == 1 && sent < TOTAL; k++) {
        int len = chunks[k % (sizeof chunks / sizeof *chunks)];
        if ((size_t)len > TOTAL - sent)
            len = (int)(TOTAL - sent);
        int n = SSL_write(ssl, data + sent, len);
        if (n != len) {
            ct_print_ssl_error("SSL_write", ssl, n);
            ct_print_errors();
            break;
        }
        sent += n;
    }
    printf("SSL_write total %zu\n", sent);

    /* The first call sends close_notify; s_server answers with its own, which
     * the second call waits for. */
    r = SSL_shutdown(ssl);
    printf("SSL_shutdown 1 ret=%d\n", r);
    if (r == 0) {
        r = SSL_shutdown(ssl);
        printf("SSL_shutdown 2 ret=%d\n", r);
    }
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    ct_print_errors();
    close(fd);

    ct_server_finish(&srv);
    ct_report_file("s_server received", srv.out_path, data, TOTAL);

    SSL_free(ssl);
    SSL_CTX_free(ctx);
    free(data);
    return 0;
}
