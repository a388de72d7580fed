/* A client over a real socket to the system's `openssl s_server`: CA from
 * SSL_CTX_load_verify_locations(ctx, file, NULL), SNI and SSL_set1_host for
 * localhost, 3 MiB written; once blocking, once nonblocking with a 4 KiB
 * send buffer under select(), retrying SSL_write with the same arguments. The
 * server's output is compared with what was sent. */
#include "common.h"

#define SIZE (3 << 20)

static void run(int nonblocking, const unsigned char *data) {
    const char *mode = nonblocking ? "nonblocking" : "blocking";
    char port[16], out[64];
    snprintf(port, sizeof port, "%d", free_port());
    snprintf(out, sizeof out, "s_server.%s.%d.out", mode, (int)getpid());
    char *args[] = {"openssl", "s_server", "-quiet", "-naccept", "1", "-accept", port,
                    "-cert", (char *)cert_path("server.pem"), "-key", (char *)cert_path("server.key"), NULL};
    int server_stdin = -1;
    pid_t pid = spawn_openssl(args, NULL, out, &server_stdin);
    int fd = connect_retry(atoi(port), nonblocking ? 4096 : 0);
    if (fd < 0) {
        printf("%s: cannot connect\n", mode);
        return;
    }
    if (nonblocking)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    printf("%s: load_verify_locations=%d\n", mode, SSL_CTX_load_verify_locations(ctx, cert_path("ca.pem"), NULL));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL *ssl = SSL_new(ctx);
    printf("%s: set_fd=%d set1_host=%d sni=%ld\n", mode, SSL_set_fd(ssl, fd), SSL_set1_host(ssl, "localhost"),
           SSL_set_tlsext_host_name(ssl, "localhost"));
    int r;
    while ((r = SSL_connect(ssl)) != 1)
        if (!wait_io(ssl, fd, r))
            break;
    printf("%s: SSL_connect=%d version=%s cipher=%s verify=%ld\n", mode, r, SSL_get_version(ssl),
           SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)), SSL_get_verify_result(ssl));
    X509 *peer = SSL_get1_peer_certificate(ssl);
    printf("%s: peer certificate %s\n", mode, peer ? "present" : "absent");
    X509_free(peer);

    size_t sent = 0;
    int failed = 0;
    /* Chunks of odd sizes, so records and writes do not line up. */
    static const int sizes[] = {16384, 1, 70000, 4095, 100000};
    for (int k = 0; sent < SIZE && !failed; k++) {
        int len = sizes[k % 5];
        if (len > (int)(SIZE - sent))
            len = (int)(SIZE - sent);
        for (;;) {
            r = SSL_write(ssl, data + sent, len);
            if (r > 0) {
                sent += r;
                break;
            }
            if (!wait_io(ssl, fd, r)) {
                printf("%s: SSL_write=%d SSL_get_error=%d\n", mode, r, SSL_get_error(ssl, r));
                failed = 1;
                break;
            }
        }
    }
    printf("%s: wrote %zu bytes\n", mode, sent);
    /* Sending close_notify may itself wait on a full send buffer; retried
     * like any nonblocking call, it settles at 0 (ours sent, theirs not yet). */
    while ((r = SSL_shutdown(ssl)) < 0)
        if (!wait_io(ssl, fd, r))
            break;
    printf("%s: first SSL_shutdown=%d\n", mode, r);
    /* Wait for the server's close_notify (or its end) so that nothing is cut. */
    for (int i = 0; i < 100 && r != 1; i++) {
        r = SSL_shutdown(ssl);
        if (r < 0 && !wait_io(ssl, fd, r))
            break;
    }
    ERR_clear_error();
    close(fd);
    close(server_stdin);
    wait_child(pid, 20);
    print_delivery("s_server", out, data, SIZE);
    unlink(out);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv) {
    test_init(argc, argv);
    unsigned char *data = make_data(SIZE, 7);
    run(0, data);
    run(1, data);
    free(data);
    return 0;
}
