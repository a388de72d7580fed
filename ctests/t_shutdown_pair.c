/*
 * SSL_shutdown sequences over a BIO pair, for TLS 1.2 and TLS 1.3: the
 * bidirectional close (0 then 1), a second call before the peer answered
 * (WANT_READ), application data arriving before the peer's close_notify,
 * shutdown after the peer's close_notify (read or not yet read), reads after
 * either side closed, SSL_set_shutdown and the quiet forms.
 */
#include "common.h"

static SSL_CTX *cctx, *sctx;

static void rd(const char *what, SSL *ssl, int len) {
    char buf[64];
    int r = SSL_read(ssl, buf, len);
    ct_outcome(what, ssl, r);
    if (r > 0)
        printf("  data \"%.*s\"\n", r, buf);
    printf("  SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
}

static void sd(const char *what, SSL *ssl) {
    int r = SSL_shutdown(ssl);
    ct_outcome(what, ssl, r);
    /* A ClientHello's size is the implementation's own: only records after
     * the handshake are counted. */
    size_t out = BIO_ctrl_wpending(SSL_get_wbio(ssl));
    if (SSL_is_init_finished(ssl))
        printf("  SSL_get_shutdown %d SSL_want %d pending_out %zu\n", SSL_get_shutdown(ssl),
               SSL_want(ssl), out);
    else
        printf("  SSL_get_shutdown %d SSL_want %d pending_out %s\n", SSL_get_shutdown(ssl),
               SSL_want(ssl), out ? "some" : "none");
}

static void wr(const char *what, SSL *ssl, const char *s) {
    int r = SSL_write(ssl, s, (int)strlen(s));
    ct_outcome(what, ssl, r);
}

static SSL_CTX *cctx12;

static int start(ct_pair *p, int version) {
    ct_pair_new(p, version == TLS1_2_VERSION ? cctx12 : cctx, sctx, 65536);
    return ct_pair_handshake(p);
}

static void bidirectional(int v) {
    printf("== bidirectional close\n");
    ct_pair p;
    start(&p, v);
    sd("client SSL_shutdown", p.client);
    sd("client SSL_shutdown again", p.client);
    rd("server SSL_read", p.server, 64);
    rd("server SSL_read again", p.server, 64);
    sd("server SSL_shutdown", p.server);
    sd("server SSL_shutdown again", p.server);
    sd("client SSL_shutdown third", p.client);
    sd("client SSL_shutdown fourth", p.client);
    rd("client SSL_read after both", p.client, 64);
    wr("client SSL_write after both", p.client, "x");
    ct_pair_free(&p);
}

static void data_before_close_notify(int v) {
    printf("== application data before the peer's close_notify\n");
    ct_pair p;
    start(&p, v);
    sd("client SSL_shutdown", p.client);
    wr("server SSL_write", p.server, "late data");
    wr("server SSL_write 2", p.server, "more");
    sd("client SSL_shutdown with data queued", p.client);
    sd("client SSL_shutdown again", p.client);
    rd("server SSL_read", p.server, 64);
    sd("server SSL_shutdown", p.server);
    sd("client SSL_shutdown after close_notify", p.client);
    ct_pair_free(&p);
}

static void read_after_own_shutdown(int v) {
    printf("== reading after our own close_notify\n");
    ct_pair p;
    start(&p, v);
    sd("client SSL_shutdown", p.client);
    wr("server SSL_write", p.server, "hello");
    rd("client SSL_read", p.client, 64);
    rd("client SSL_read nothing", p.client, 64);
    rd("server SSL_read", p.server, 64);
    wr("server SSL_write after close_notify read", p.server, "x");
    sd("server SSL_shutdown", p.server);
    rd("client SSL_read", p.client, 64);
    sd("client SSL_shutdown", p.client);
    ct_pair_free(&p);
}

static void peer_closed_first(int v) {
    printf("== the peer's close_notify not yet read\n");
    ct_pair p;
    start(&p, v);
    wr("server SSL_write", p.server, "abc");
    sd("server SSL_shutdown", p.server);
    sd("client SSL_shutdown", p.client);
    sd("client SSL_shutdown again", p.client);
    rd("client SSL_read", p.client, 64);
    sd("server SSL_shutdown again", p.server);
    ct_pair_free(&p);

    printf("== the peer's close_notify read with data before it\n");
    start(&p, v);
    wr("server SSL_write", p.server, "abc");
    sd("server SSL_shutdown", p.server);
    rd("client SSL_read 2", p.client, 2);
    rd("client SSL_read 2", p.client, 2);
    rd("client SSL_read 2", p.client, 2);
    rd("client SSL_read again", p.client, 2);
    char c;
    int r = SSL_peek(p.client, &c, 1);
    ct_outcome("client SSL_peek", p.client, r);
    size_t n = 99;
    r = SSL_read_ex(p.client, &c, 1, &n);
    ct_outcome("client SSL_read_ex", p.client, r);
    printf("  readbytes %zu\n", n);
    wr("client SSL_write", p.client, "reply");
    rd("server SSL_read", p.server, 64);
    sd("client SSL_shutdown", p.client);
    rd("server SSL_read", p.server, 64);
    sd("server SSL_shutdown", p.server);
    ct_pair_free(&p);
}

static void set_shutdown(int v) {
    printf("== SSL_set_shutdown\n");
    ct_pair p;
    start(&p, v);
    SSL_set_shutdown(p.client, SSL_SENT_SHUTDOWN);
    printf("client SSL_get_shutdown %d\n", SSL_get_shutdown(p.client));
    sd("client SSL_shutdown", p.client);
    rd("server SSL_read", p.server, 64);
    SSL_set_shutdown(p.client, SSL_RECEIVED_SHUTDOWN);
    rd("client SSL_read with RECEIVED set", p.client, 64);
    wr("client SSL_write with RECEIVED set", p.client, "x");
    sd("client SSL_shutdown", p.client);
    rd("server SSL_read", p.server, 64);
    SSL_set_shutdown(p.client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    sd("client SSL_shutdown both set", p.client);
    SSL_set_shutdown(p.client, 0);
    printf("client SSL_get_shutdown %d\n", SSL_get_shutdown(p.client));
    ct_pair_free(&p);
}

static void quiet(int v) {
    printf("== quiet shutdown\n");
    SSL_CTX *c = v == TLS1_2_VERSION ? cctx12 : cctx;
    printf("ctx get_quiet_shutdown %d\n", SSL_CTX_get_quiet_shutdown(c));
    SSL_CTX_set_quiet_shutdown(c, 1);
    printf("ctx get_quiet_shutdown %d\n", SSL_CTX_get_quiet_shutdown(c));
    ct_pair p;
    start(&p, v);
    SSL_CTX_set_quiet_shutdown(c, 0);
    printf("client get_quiet_shutdown %d\n", SSL_get_quiet_shutdown(p.client));
    printf("server get_quiet_shutdown %d\n", SSL_get_quiet_shutdown(p.server));
    sd("client SSL_shutdown quiet", p.client);
    rd("server SSL_read", p.server, 64);
    SSL_set_quiet_shutdown(p.server, 5);
    printf("server get_quiet_shutdown %d\n", SSL_get_quiet_shutdown(p.server));
    sd("server SSL_shutdown quiet", p.server);
    rd("client SSL_read", p.client, 64);
    SSL_set_quiet_shutdown(p.server, 0);
    printf("server get_quiet_shutdown %d\n", SSL_get_quiet_shutdown(p.server));
    ct_pair_free(&p);
}

static void before_handshake(void) {
    printf("== before and during the handshake\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 65536);
    sd("client SSL_shutdown before", p.client);
    int r = SSL_do_handshake(p.client);
    ct_outcome("client SSL_do_handshake", p.client, r);
    sd("client SSL_shutdown in init", p.client);
    ct_pair_free(&p);

    SSL *s = SSL_new(cctx);
    sd("no role SSL_shutdown", s);
    SSL_free(s);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    cctx12 = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_max_proto_version(cctx12, TLS1_2_VERSION);
    int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION};
    for (int i = 0; i < 2; i++) {
        printf("==== %s\n", versions[i] == TLS1_3_VERSION ? "TLS 1.3" : "TLS 1.2");
        bidirectional(versions[i]);
        data_before_close_notify(versions[i]);
        read_after_own_shutdown(versions[i]);
        peer_closed_first(versions[i]);
        set_shutdown(versions[i]);
        quiet(versions[i]);
    }
    before_handshake();
    SSL_CTX_free(cctx);
    SSL_CTX_free(cctx12);
    SSL_CTX_free(sctx);
    return 0;
}
