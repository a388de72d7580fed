/* A client that asks to verify the wrong host name: with SSL_VERIFY_PEER the
 * handshake fails with OpenSSL's reasons; with SSL_VERIFY_NONE it completes
 * and the error is recorded. Also a CA that is not the server's. */
#include "common.h"

static void attempt(const char *label, int verify_mode, const char *host, const char *ca) {
    char port[16];
    snprintf(port, sizeof port, "%d", free_port());
    char *args[] = {"openssl", "s_server", "-quiet", "-naccept", "1", "-accept", port,
                    "-cert", (char *)cert_path("server.pem"), "-key", (char *)cert_path("server.key"), NULL};
    int server_stdin = -1;
    pid_t pid = spawn_openssl(args, NULL, "/dev/null", &server_stdin);
    int fd = connect_retry(atoi(port), 0);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, ca, NULL);
    SSL_CTX_set_verify(ctx, verify_mode, NULL);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set1_host(ssl, host);
    SSL_set_tlsext_host_name(ssl, "localhost");
    int r = SSL_connect(ssl);
    printf("%s: SSL_connect=%d SSL_get_error=%d verify_result=%ld\n", label, r, SSL_get_error(ssl, r),
           SSL_get_verify_result(ssl));
    print_errors(label);
    if (r == 1) {
        r = SSL_write(ssl, "hello", 5);
        printf("%s: SSL_write=%d\n", label, r);
        SSL_shutdown(ssl);
    }
    ERR_clear_error();
    close(fd);
    close(server_stdin);
    wait_child(pid, 20);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv) {
    test_init(argc, argv);
    attempt("wrong host, VERIFY_PEER", SSL_VERIFY_PEER, "wrong.example", cert_path("ca.pem"));
    attempt("wrong host, VERIFY_NONE", SSL_VERIFY_NONE, "wrong.example", cert_path("ca.pem"));
    attempt("untrusted CA, VERIFY_PEER", SSL_VERIFY_PEER, "localhost", cert_path("server.pem"));
    attempt("right host, VERIFY_PEER", SSL_VERIFY_PEER, "localhost", cert_path("ca.pem"));
    return 0;
}
