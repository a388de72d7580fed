/*
 * Certificate verification against the system's `openssl s_server`, one
 * server per attempt:
 *   - SSL_VERIFY_PEER with SSL_set1_host("wrong.example"): the handshake
 *     fails; SSL_get_error, the error queue and the verify result say why;
 *   - SSL_VERIFY_NONE with the same wrong host: the handshake completes and
 *     the failure is only recorded in SSL_get_verify_result; data still flows;
 *   - SSL_VERIFY_PEER trusting a CA file that does not hold the issuer;
 *   - SSL_VERIFY_PEER with the right host, as the control.
 */
#include "common.h"

#define PAYLOAD (64u * 1024)

static void attempt(const char *label, int verify_mode, const char *host, const char *ca_file,
                    uint64_t seed) {
    printf("== %s\n", label);
    unsigned char *data = ct_alloc_data(PAYLOAD, seed);
    ct_server srv;
    char out_name[32];
    snprintf(out_name, sizeof out_name, "s_server.%d.out", (int)seed);
    ct_server_start(&srv, out_name, 1);

    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    printf("load_verify_locations %d\n", SSL_CTX_load_verify_locations(ctx, ct_cert(ca_file), NULL));
    SSL_CTX_set_verify(ctx, verify_mode, NULL);
    int fd = ct_tcp_connect(srv.port, 0, 0);
    SSL *ssl = ct_client_ssl(ctx, fd, host, CT_SHOW_HOST);

    int r = SSL_connect(ssl);
    ct_print_outcome("SSL_connect", ssl, r);
    printf("verify_result %ld (%s)\n", SSL_get_verify_result(ssl),
           X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
    X509 *peer = SSL_get1_peer_certificate(ssl);
    printf("peer certificate %s\n", peer ? "yes" : "no");
    X509_free(peer);

    size_t expect = 0;
    if (r == 1) {
        printf("version %s\n", SSL_get_version(ssl));
        r = SSL_write(ssl, data, PAYLOAD);
        printf("SSL_write ret=%d\n", r);
        expect = PAYLOAD;
        r = SSL_shutdown(ssl);
        printf("SSL_shutdown 1 ret=%d\n", r);
        if (r == 0)
            printf("SSL_shutdown 2 ret=%d\n", SSL_shutdown(ssl));
        ct_print_errors();
    }
    close(fd);
    ct_server_finish(&srv);
    ct_report_file("s_server received", srv.out_path, data, expect);

    SSL_free(ssl);
    SSL_CTX_free(ctx);
    free(data);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    attempt("wrong host, SSL_VERIFY_PEER", SSL_VERIFY_PEER, "wrong.example", "ca.pem", 1);
    attempt("wrong host, SSL_VERIFY_NONE", SSL_VERIFY_NONE, "wrong.example", "ca.pem", 2);
    attempt("untrusted issuer, SSL_VERIFY_PEER", SSL_VERIFY_PEER, "localhost", "server.pem", 3);
    attempt("right host, SSL_VERIFY_PEER", SSL_VERIFY_PEER, "localhost", "ca.pem", 4);
    return 0;
}
