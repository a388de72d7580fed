/*
 * SSL_get_error when the BIO carries both retry directions: an application
 * BIO (as haproxy's) whose read and write methods set their retry flag
 * without clearing the other. A write that blocks after a read that blocked
 * must still say SSL_ERROR_WANT_WRITE, and a read that blocks after a
 * blocked write SSL_ERROR_WANT_READ: OpenSSL trusts the flag of the
 * direction the call was waiting for first.
 */
#include "common.h"

static BIO_METHOD *sticky_method;

static int sticky_write(BIO *h, const char *buf, int n) {
    int r = BIO_write(BIO_next(h), buf, n);
    if (r <= 0 && BIO_should_retry(BIO_next(h)))
        BIO_set_flags(h, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
    return r;
}

static int sticky_read(BIO *h, char *buf, int n) {
    int r = BIO_read(BIO_next(h), buf, n);
    if (r <= 0 && BIO_should_retry(BIO_next(h)))
        BIO_set_flags(h, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
    return r;
}

static long sticky_ctrl(BIO *h, int cmd, long num, void *ptr) {
    return BIO_ctrl(BIO_next(h), cmd, num, ptr);
}

static int sticky_create(BIO *h) {
    BIO_set_init(h, 1);
    return 1;
}

static void flags(const char *who, BIO *b) {
    printf("%s flags: read %d write %d retry %d\n", who, BIO_should_read(b) != 0,
           BIO_should_write(b) != 0, BIO_should_retry(b) != 0);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    sticky_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_FILTER, "sticky");
    BIO_meth_set_write(sticky_method, sticky_write);
    BIO_meth_set_read(sticky_method, sticky_read);
    BIO_meth_set_ctrl(sticky_method, sticky_ctrl);
    BIO_meth_set_create(sticky_method, sticky_create);

    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    BIO *a, *b;
    BIO_new_bio_pair(&a, 32 * 1024, &b, 32 * 1024);
    BIO *sticky = BIO_new(sticky_method);
    BIO_push(sticky, a);
    SSL *client = SSL_new(cctx), *server = SSL_new(sctx);
    BIO_up_ref(sticky);
    SSL_set_bio(client, sticky, sticky);
    SSL_set_bio(server, b, b);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    int cr = 0, sr = 0;
    for (int i = 0; i < 20 && (cr != 1 || sr != 1); i++) {
        if (cr != 1)
            cr = SSL_do_handshake(client);
        if (sr != 1)
            sr = SSL_do_handshake(server);
    }
    printf("handshake client %d server %d\n", cr, sr);
    ct_print_errors();
    char buf[256];
    while (SSL_read(server, buf, sizeof(buf)) > 0)
        ;
    ERR_clear_error();

    int r = SSL_read(client, buf, sizeof(buf));
    printf("client read on nothing ret=%d ssl_error=%d\n", r, SSL_get_error(client, r));
    flags("after the read", sticky);

    static unsigned char data[16384];
    int writes = 0;
    do {
        r = SSL_write(client, data, sizeof(data));
        writes++;
    } while (r > 0 && writes < 100);
    printf("client write blocked ret=%d ssl_error=%d\n", r, SSL_get_error(client, r));
    flags("after the write", sticky);

    r = SSL_read(client, buf, sizeof(buf));
    printf("client read again ret=%d ssl_error=%d\n", r, SSL_get_error(client, r));
    flags("after the second read", sticky);

    size_t got = 0;
    while ((r = SSL_read(server, buf, sizeof(buf))) > 0)
        got += (size_t)r;
    BIO_clear_flags(sticky, BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
    r = SSL_write(client, data, sizeof(data));
    printf("client write retried ret=%d\n", r);
    while ((r = SSL_read(server, buf, sizeof(buf))) > 0)
        got += (size_t)r;
    printf("server received %zu of %zu\n", got, (size_t)writes * sizeof(data));
    ct_print_errors();
    SSL_free(client);
    SSL_free(server);
    BIO_free_all(sticky); /* the filter and the pair half beneath it */
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    BIO_meth_free(sticky_method);
    return 0;
}
