/* A server over a real socket; the peer is the system's `openssl s_client`,
 * verifying localhost against the test CA. It sends 1 MiB from its stdin; the
 * server reads exactly that, answers with 3 MiB and closes. Both directions
 * are compared byte for byte. */
#include "common.h"

#define UP (1 << 20)
#define DOWN (3 << 20)

int main(int argc, char **argv) {
    test_init(argc, argv);
    unsigned char *up = make_data(UP, 11), *down = make_data(DOWN, 12);
    char in[64], out[64], port[16];
    snprintf(in, sizeof in, "s_client.%d.in", (int)getpid());
    snprintf(out, sizeof out, "s_client.%d.out", (int)getpid());
    FILE *f = fopen(in, "wb");
    fwrite(up, 1, UP, f);
    fclose(f);

    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    printf("use_certificate_chain_file=%d\n", SSL_CTX_use_certificate_chain_file(ctx, cert_path("chain.pem")));
    printf("use_PrivateKey_file=%d\n", SSL_CTX_use_PrivateKey_file(ctx, cert_path("server.key"), SSL_FILETYPE_PEM));
    printf("check_private_key=%d\n", SSL_CTX_check_private_key(ctx));

    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    bind(lfd, (struct sockaddr *)&a, sizeof a);
    listen(lfd, 1);
    getsockname(lfd, (struct sockaddr *)&a, &alen);
    snprintf(port, sizeof port, "127.0.0.1:%d", ntohs(a.sin_port));
    char *args[] = {"openssl", "s_client", "-connect", port, "-CAfile", (char *)cert_path("ca.pem"),
                    "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost",
                    "-quiet", "-nocommands", NULL};
    pid_t pid = spawn_openssl(args, in, out, NULL);
    int fd = accept(lfd, NULL, NULL);

    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    int r = SSL_accept(ssl);
    printf("SSL_accept=%d is_server=%d version=%s cipher=%s\n", r, SSL_is_server(ssl), SSL_get_version(ssl),
           SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    printf("client certificate %s\n", SSL_get1_peer_certificate(ssl) ? "present" : "absent");

    unsigned char *got = malloc(UP);
    size_t n = 0;
    while (n < UP) {
        r = SSL_read(ssl, got + n, (int)(UP - n > 10000 ? 10000 : UP - n));
        if (r <= 0) {
            printf("SSL_read=%d SSL_get_error=%d\n", r, SSL_get_error(ssl, r));
            break;
        }
        n += r;
    }
    printf("server received %zu of %d bytes, sha256 %s\n", n, UP, n == UP && !memcmp(got, up, UP) ? "match" : "MISMATCH");
    size_t sent = 0;
    while (sent < DOWN) {
        r = SSL_write(ssl, down + sent, (int)(DOWN - sent > 50000 ? 50000 : DOWN - sent));
        if (r <= 0) {
            printf("SSL_write=%d SSL_get_error=%d\n", r, SSL_get_error(ssl, r));
            break;
        }
        sent += r;
    }
    printf("server wrote %zu bytes\n", sent);
    printf("first SSL_shutdown=%d\n", SSL_shutdown(ssl));
    /* s_client answers close_notify and exits; wait for that before closing. */
    char byte;
    while (SSL_read(ssl, &byte, 1) > 0)
        ;
    ERR_clear_error();
    wait_child(pid, 20);
    close(fd);
    close(lfd);
    print_delivery("s_client", out, down, DOWN);
    unlink(in);
    unlink(out);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    free(up), free(down), free(got);
    return 0;
}
