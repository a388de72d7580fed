/*
 * The mode family: SSL_CTX_set_mode/clear_mode/get_mode and the SSL_ forms,
 * their return values, the default, what an SSL takes from its SSL_CTX and
 * when, and writes under SSL_MODE_RELEASE_BUFFERS.  SSL_MODE_ASYNC is left
 * out on purpose: sslshim refuses it (docs/compat.md).
 */
#include "common.h"

static const long bits[] = {
    SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, SSL_MODE_AUTO_RETRY,
    SSL_MODE_NO_AUTO_CHAIN,        SSL_MODE_RELEASE_BUFFERS,            SSL_MODE_SEND_FALLBACK_SCSV,
};

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();

    printf("default SSL_CTX_get_mode %ld\n", SSL_CTX_get_mode(cctx));
    for (size_t i = 0; i < sizeof bits / sizeof *bits; i++)
        printf("SSL_CTX_set_mode(%#lx) %#lx\n", bits[i], SSL_CTX_set_mode(cctx, bits[i]));
    printf("SSL_CTX_get_mode %#lx\n", SSL_CTX_get_mode(cctx));
    printf("SSL_CTX_clear_mode(AUTO_RETRY|NO_AUTO_CHAIN) %#lx\n",
           SSL_CTX_clear_mode(cctx, SSL_MODE_AUTO_RETRY | SSL_MODE_NO_AUTO_CHAIN));
    printf("SSL_CTX_set_mode(0) %#lx\n", SSL_CTX_set_mode(cctx, 0));
    printf("SSL_CTX_clear_mode(0) %#lx\n", SSL_CTX_clear_mode(cctx, 0));

    SSL *ssl = SSL_new(cctx);
    printf("SSL_get_mode of a new SSL %#lx\n", SSL_get_mode(ssl));
    printf("SSL_CTX_clear_mode(all) %#lx\n", SSL_CTX_clear_mode(cctx, -1L));
    printf("SSL_get_mode after the context changed %#lx\n", SSL_get_mode(ssl));
    printf("SSL_clear_mode(PARTIAL) %#lx\n", SSL_clear_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE));
    printf("SSL_set_mode(AUTO_RETRY) %#lx\n", SSL_set_mode(ssl, SSL_MODE_AUTO_RETRY));
    printf("SSL_get_mode %#lx\n", SSL_get_mode(ssl));
    printf("SSL_clear %d, SSL_get_mode after it %#lx\n", SSL_clear(ssl), SSL_get_mode(ssl));
    SSL_free(ssl);
    ct_print_errors();

    /* Release-buffers mode changes nothing a caller sees on the write path. */
    SSL_CTX_set_mode(cctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_AUTO_RETRY);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 4096);
    ct_pair_handshake(&p);
    unsigned char *data = ct_alloc_data(200000, 8), *got = malloc(200000);
    size_t received = 0;
    int r, blocked = 0, err;
    while ((r = SSL_write(p.client, data, 200000)) <= 0 &&
           SSL_get_error(p.client, r) == SSL_ERROR_WANT_WRITE) {
        blocked++;
        received += ct_drain(p.server, got + received, 200000 - received, &err);
    }
    received += ct_drain(p.server, got + received, 200000 - received, &err);
    printf("release-buffers SSL_write %d after %d blocks\n", r, blocked);
    ct_report_buffer("server received", got, received, data, 200000);
    ct_pair_free(&p);
    free(data);
    free(got);

    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
