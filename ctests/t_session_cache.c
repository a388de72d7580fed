/* The session cache calls: the callbacks set and read back, sessions added
 * and removed by hand with the remove callback told of each, flushing by
 * time and at SSL_CTX_free, the ticket callbacks accepted, matching IDs, and
 * SSL_copy_session_id. */
#include "common.h"

static int removes;
static void remove_cb(SSL_CTX *ctx, SSL_SESSION *s) {
    (void)ctx;
    unsigned int len;
    SSL_SESSION_get_id(s, &len);
    removes++;
    printf("remove callback: id len %u\n", len);
}
static SSL_SESSION *get_cb(SSL *s, const unsigned char *id, int len, int *copy) {
    (void)s; (void)id; (void)len; (void)copy;
    return NULL;
}
static int new_cb(SSL *s, SSL_SESSION *sess) {
    (void)s; (void)sess;
    return 0;
}
static int gen_cb(SSL *s, void *arg) {
    (void)s; (void)arg;
    return 1;
}
static SSL_TICKET_RETURN dec_cb(SSL *s, SSL_SESSION *ss, const unsigned char *kn, size_t knlen,
                                SSL_TICKET_STATUS st, void *arg) {
    (void)s; (void)ss; (void)kn; (void)knlen; (void)st; (void)arg;
    return SSL_TICKET_RETURN_USE;
}

static SSL_SESSION *with_id(char c, long time, long timeout) {
    SSL_SESSION *s = SSL_SESSION_new();
    unsigned char id[32];
    memset(id, c, sizeof id);
    SSL_SESSION_set1_id(s, id, sizeof id);
    SSL_SESSION_set_time(s, time);
    SSL_SESSION_set_timeout(s, timeout);
    return s;
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    printf("callbacks unset: new %d get %d remove %d\n", SSL_CTX_sess_get_new_cb(ctx) == NULL,
           SSL_CTX_sess_get_get_cb(ctx) == NULL, SSL_CTX_sess_get_remove_cb(ctx) == NULL);
    SSL_CTX_sess_set_new_cb(ctx, new_cb);
    SSL_CTX_sess_set_get_cb(ctx, get_cb);
    SSL_CTX_sess_set_remove_cb(ctx, remove_cb);
    printf("callbacks read back: new %d get %d remove %d\n", SSL_CTX_sess_get_new_cb(ctx) == new_cb,
           SSL_CTX_sess_get_get_cb(ctx) == get_cb, SSL_CTX_sess_get_remove_cb(ctx) == remove_cb);
    printf("ticket callbacks %d\n", SSL_CTX_set_session_ticket_cb(ctx, gen_cb, dec_cb, NULL));

    SSL_SESSION *a = with_id('a', 1000, 100), *b = with_id('b', 1000, 500);
    SSL_SESSION *a2 = with_id('a', 1000, 100);
    printf("add a %d\n", SSL_CTX_add_session(ctx, a));
    printf("add a again %d\n", SSL_CTX_add_session(ctx, a));
    printf("add b %d\n", SSL_CTX_add_session(ctx, b));
    printf("add another with a's id %d\n", SSL_CTX_add_session(ctx, a2));
    printf("removes %d\n", removes);
    printf("remove a (replaced) %d\n", SSL_CTX_remove_session(ctx, a));
    printf("remove a2 %d\n", SSL_CTX_remove_session(ctx, a2));
    printf("remove a2 again %d\n", SSL_CTX_remove_session(ctx, a2));
    printf("removes %d\n", removes);
    SSL_CTX_add_session(ctx, a2);
    SSL_CTX_flush_sessions(ctx, 1200);
    printf("after flushing at 1200: removes %d, remove b %d\n", removes, SSL_CTX_remove_session(ctx, b));
    printf("removes %d\n", removes);
    ct_print_errors();
    /* Freeing the context tells the remove callback of what it kept. */
    SSL_CTX_add_session(ctx, a2);
    SSL_CTX_add_session(ctx, b);
    int before = removes;
    SSL_CTX_free(ctx);
    printf("removes when the context is freed %d\n", removes - before);
    SSL_SESSION_free(a);
    SSL_SESSION_free(a2);
    SSL_SESSION_free(b);

    /* A connected client's session in its context's cache; another
     * connection takes it over with SSL_copy_session_id. */
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("handshake %d\n", ct_pair_handshake(&p));
    char buf[8];
    SSL_write(p.server, "x", 1);
    SSL_read(p.client, buf, sizeof buf);
    SSL_SESSION *cs = SSL_get1_session(p.client);
    unsigned int len;
    const unsigned char *id = SSL_SESSION_get_id(cs, &len);
    unsigned char other[32] = {0};
    SSL *fresh = SSL_new(cctx);
    printf("matching before adding %d\n", SSL_has_matching_session_id(p.client, id, len));
    printf("add %d\n", SSL_CTX_add_session(cctx, cs));
    printf("matching: connected %d, fresh SSL %d, other id %d, 33 bytes %d\n",
           SSL_has_matching_session_id(p.client, id, len), SSL_has_matching_session_id(fresh, id, len),
           SSL_has_matching_session_id(p.client, other, sizeof other),
           SSL_has_matching_session_id(p.client, id, 33));
    SSL_free(fresh);
    ct_pair p2;
    ct_pair_new(&p2, cctx, sctx, 17 * 1024);
    printf("copy_session_id %d\n", SSL_copy_session_id(p2.client, p.client));
    printf("handshake %d reused %d\n", ct_pair_handshake(&p2), SSL_session_reused(p2.client));
    ERR_clear_error();
    ct_pair_free(&p2);
    ct_pair_free(&p);
    SSL_SESSION_free(cs);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
