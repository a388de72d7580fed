/*
 * TLS 1.3 early data limits: the defaults of a new context, what
 * SSL_CTX_set_max_early_data and SSL_CTX_set_recv_max_early_data keep, what a
 * new SSL takes from its context, and a connection's own values.
 */
#include "common.h"

static void show(const char *who, SSL_CTX *ctx, SSL *s) {
    if (ctx)
        printf("%s ctx max=%u recv_max=%u\n", who, SSL_CTX_get_max_early_data(ctx),
               SSL_CTX_get_recv_max_early_data(ctx));
    if (s)
        printf("%s ssl max=%u recv_max=%u\n", who, SSL_get_max_early_data(s),
               SSL_get_recv_max_early_data(s));
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    printf("== limits\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *before = SSL_new(ctx);
    show("new", ctx, before);
    printf("CTX_set_max %d\n", SSL_CTX_set_max_early_data(ctx, 4096));
    printf("CTX_set_recv_max %d\n", SSL_CTX_set_recv_max_early_data(ctx, 8192));
    show("set", ctx, before);
    SSL *after = SSL_new(ctx);
    show("later SSL", NULL, after);
    printf("set_max %d\n", SSL_set_max_early_data(after, 100));
    printf("set_recv_max %d\n", SSL_set_recv_max_early_data(after, 0xffffffffu));
    show("own", ctx, after);
    SSL_free(before);
    SSL_free(after);
    SSL_CTX_free(ctx);
    return 0;
}
