/*
 * SSL_waiting_for_async, SSL_get_all_async_fds, SSL_get_changed_async_fds
 * and SSL_renegotiate_pending on connections that never run an async job
 * (no SSL_MODE_ASYNC) and never renegotiate: before, during and after a
 * handshake, with the counts' initial values left or changed.
 */
#include "common.h"

static void show(const char *when, SSL *ssl) {
    OSSL_ASYNC_FD fds[4] = {-7, -7, -7, -7}, del[4] = {-7, -7, -7, -7};
    size_t n = 99, nadd = 98, ndel = 97;
    printf("%s waiting_for_async=%d\n", when, SSL_waiting_for_async(ssl));
    int r = SSL_get_all_async_fds(ssl, NULL, &n);
    printf("%s get_all_async_fds(NULL) ret=%d n=%zu\n", when, r, n);
    n = 4;
    r = SSL_get_all_async_fds(ssl, fds, &n);
    printf("%s get_all_async_fds ret=%d n=%zu fd0=%d\n", when, r, n, (int)fds[0]);
    r = SSL_get_changed_async_fds(ssl, fds, &nadd, del, &ndel);
    printf("%s get_changed_async_fds ret=%d add=%zu del=%zu fd0=%d del0=%d\n", when, r, nadd, ndel,
           (int)fds[0], (int)del[0]);
    printf("%s renegotiate_pending=%d\n", when, SSL_renegotiate_pending(ssl));
    ct_print_errors();
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    show("client before", p.client);
    show("server before", p.server);
    int r = SSL_do_handshake(p.client);
    printf("client first step ret=%d ssl_error=%d\n", r, SSL_get_error(p.client, r));
    show("client during", p.client);
    ct_pair_handshake(&p);
    show("client after", p.client);
    show("server after", p.server);
    printf("SSL_key_update %d\n", SSL_key_update(p.client, SSL_KEY_UPDATE_REQUESTED));
    show("client key update queued", p.client);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
