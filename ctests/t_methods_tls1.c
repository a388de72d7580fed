/*
 * A client of TLSv1_method or TLSv1_1_method against the system's s_server:
 * its ClientHello offers that version, the server at its default security
 * level finds no signature algorithm it may use there and sends an alert,
 * which the client reports as OpenSSL's does, with the peer's shutdown
 * marked.
 */
#include "common.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void one(const SSL_METHOD *m, const char *tag) {
    printf("== %s\n", tag);
    ct_server srv;
    ct_server_start(&srv, tag, 1);
    SSL_CTX *ctx = SSL_CTX_new(m);
    int fd = ct_tcp_connect(srv.port, 0, 0);
    SSL *s = SSL_new(ctx);
    SSL_set_fd(s, fd);
    SSL_set_tlsext_host_name(s, "localhost");
    int r = SSL_connect(s);
    ct_print_outcome("SSL_connect", s, r);
    printf("version %s shutdown %d\n", SSL_get_version(s), SSL_get_shutdown(s));
    r = SSL_connect(s);
    ct_print_outcome("SSL_connect again", s, r);
    close(fd);
    ct_server_finish(&srv);
    SSL_free(s);
    SSL_CTX_free(ctx);
}
int main(int argc, char **argv) {
    ct_init(argc, argv);
    one(TLSv1_client_method(), "tls1");
    one(TLSv1_1_method(), "tls1_1");
    return 0;
}
