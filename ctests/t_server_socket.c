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
    const char *in_path = ct_tmpfile("s_client.in");
    ct_write_file(in_path, up, UP);

    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    printf("use_certificate_chain_file %d\n", SSL_CTX_use_certificate_chain_file(ctx, ct_cert("chain.pem")));
    printf("use_PrivateKey_file %d\n", SSL_CTX_use_PrivateKey_file(ctx, ct_cert("server.key"), SSL_FILETYPE_PEM));
    printf("check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    ct_print_errors();

    ct_s_client peer;
    ct_s_client_start(&peer, "s_client.out", in_path, 0, 0);
    SSL *ssl = SSL_new(ctx);
    printf("SSL_set_fd %d\n", SSL_set_fd(ssl, peer.fd));
    int r = ct_accept(ssl, peer.fd);
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
            ct_print_outcome("SSL_read", ssl, m);
            break;
        }
        n += m;
    }
    ct_report_buffer("server received", got, n, up, UP);

    size_t sent = 0;
    if (r == 1)
        sent = ct_write_chunks(ssl, peer.fd, down, DOWN, write_sizes, sizeof write_sizes / sizeof *write_sizes);
    printf("SSL_write total %zu\n", sent);

    ct_close_session(ssl, peer.fd);
    ct_s_client_finish(&peer, down, DOWN);

    SSL_free(ssl);
    SSL_CTX_free(ctx);
    free(up);
    free(down);
    free(got);
    return 0;
}
