/* The new-session callback on a server: once per TLS 1.3 ticket sent, each
 * session with an ID of its own; once for a TLS 1.2 session kept by ID
 * (SSL_OP_NO_TICKET); never for TLS 1.2 sessions kept in tickets, with the
 * cache off, or with no tickets to send. */
#include "common.h"

static int calls;

static int new_cb(SSL *s, SSL_SESSION *sess) {
    unsigned int len;
    SSL_SESSION_get_id(sess, &len);
    calls++;
    printf("new_cb server=%d id len %u resumable %d version %#x\n", SSL_is_server(s), len,
           SSL_SESSION_is_resumable(sess), SSL_SESSION_get_protocol_version(sess));
    return 0;
}

static void run(long maxv, long mode, int tickets, int no_ticket) {
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_max_proto_version(cctx, maxv);
    SSL_CTX_sess_set_new_cb(sctx, new_cb);
    SSL_CTX_set_session_cache_mode(sctx, mode);
    if (tickets >= 0)
        SSL_CTX_set_num_tickets(sctx, tickets);
    if (no_ticket)
        SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    calls = 0;
    printf("-- max %lx mode %ld tickets %d no_ticket %d\n", maxv, mode, tickets, no_ticket);
    ct_pair_handshake(&p);
    printf("after handshake: %d\n", calls);
    char buf[8];
    SSL_write(p.server, "x", 1);
    SSL_read(p.client, buf, sizeof buf);
    printf("after data: %d\n", calls);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static int gens;

static int gen_id(SSL *s, unsigned char *id, unsigned int *len) {
    (void)s;
    gens++;
    printf("generator: room for %u\n", *len);
    memset(id, 0xab, 16);
    *len = 16;
    return 1;
}

/* SSL_CTX_set_generate_session_id: the generator makes each ID the server's
 * sessions get, and the connection's session ends with the last one. */
static void generated(long maxv, int no_ticket) {
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_max_proto_version(cctx, maxv);
    if (no_ticket)
        SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    printf("-- generator, max %lx no_ticket %d: set %d\n", maxv, no_ticket,
           SSL_CTX_set_generate_session_id(sctx, gen_id));
    SSL_CTX_sess_set_new_cb(sctx, new_cb);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    gens = 0;
    ct_pair_handshake(&p);
    SSL_SESSION *ss = SSL_get1_session(p.server);
    unsigned int len;
    const unsigned char *id = SSL_SESSION_get_id(ss, &len);
    printf("generator calls %d, server session id len %u first %02x\n", gens, len, len ? id[0] : 0);
    SSL_SESSION_free(ss);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run(0, SSL_SESS_CACHE_SERVER, -1, 0);
    run(TLS1_2_VERSION, SSL_SESS_CACHE_SERVER, -1, 0);
    run(TLS1_2_VERSION, SSL_SESS_CACHE_SERVER, -1, 1);
    run(0, SSL_SESS_CACHE_OFF, -1, 0);
    run(0, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE, 1, 0);
    run(0, SSL_SESS_CACHE_SERVER, 0, 0);
    generated(0, 0);
    generated(TLS1_2_VERSION, 0);
    generated(TLS1_2_VERSION, 1);
    return 0;
}
