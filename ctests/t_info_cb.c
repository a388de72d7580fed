/*
 * The info callback (SSL_CTX_set_info_callback, SSL_set_info_callback and
 * their getters) through a handshake and a bidirectional shutdown, TLS 1.3
 * and 1.2; SSL_get_state and SSL_state_string(_long) before and after; the
 * alert strings for every alert number.  OpenSSL reports each state of its
 * machine and sslshim only the steps a caller can rely on, so what is
 * printed is: the handshake's start, its end, the first successful exit
 * with the state then, and every alert.
 */
#include "common.h"

typedef struct {
    int started, done, exited;
} seen_t;
static seen_t seen[2];
/* In a failing handshake only the alerts received are compared: which
 * alert a side sends is its own choice, and OpenSSL reports it as sent. */
static int read_alerts_only;
static const char *tag_of(const SSL *s) { return SSL_is_server((SSL *)s) ? "server" : "client"; }

static void cb(const SSL *s, int where, int ret) {
    seen_t *w = &seen[SSL_is_server((SSL *)s)];
    const char *who = tag_of(s);
    if (where & SSL_CB_HANDSHAKE_START) {
        if (!w->started++)
            printf("%s handshake start state=%s\n", who, SSL_state_string(s));
    } else if (where & SSL_CB_HANDSHAKE_DONE) {
        /* A TLS 1.3 server of OpenSSL's is still writing tickets then. */
        if (!w->done++ && !SSL_is_server((SSL *)s))
            printf("%s handshake done state=%s '%s'\n", who, SSL_state_string(s),
                   SSL_state_string_long(s));
        else if (w->done == 1)
            printf("%s handshake done\n", who);
    } else if (where & SSL_CB_ALERT) {
        if (read_alerts_only && !(where & SSL_CB_READ))
            return;
        printf("%s alert %s %s %s %s\n", who, (where & SSL_CB_READ) ? "read" : "write",
               SSL_alert_type_string_long(ret), SSL_alert_desc_string(ret),
               SSL_alert_desc_string_long(ret));
    } else if ((where & SSL_CB_EXIT) && ret == 1 && !w->exited++) {
        printf("%s exit %s ret=1 state=%d\n", who,
               (where & SSL_ST_ACCEPT) ? "accept" : "connect",
               SSL_get_state(s));
    } else if ((where & SSL_CB_LOOP) && !w->started) {
        printf("%s loop before start\n", who);
    }
}

static void other_cb(const SSL *s, int where, int ret) {
    (void)ret;
    if (where & SSL_CB_HANDSHAKE_DONE)
        printf("%s own callback: done\n", tag_of(s));
}

static void run(const char *name, int maxv, int per_ssl) {
    printf("== %s\n", name);
    memset(seen, 0, sizeof(seen));
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (maxv)
        SSL_CTX_set_max_proto_version(sctx, maxv);
    SSL_CTX_set_info_callback(cctx, cb);
    SSL_CTX_set_info_callback(sctx, cb);
    printf("ctx getter %s\n", SSL_CTX_get_info_callback(sctx) == cb ? "cb" : "other");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("ssl getter before %s\n", SSL_get_info_callback(p.server) ? "set" : "NULL");
    if (per_ssl) {
        SSL_set_info_callback(p.server, other_cb);
        printf("ssl getter after %s\n", SSL_get_info_callback(p.server) == other_cb ? "own" : "other");
    }
    printf("before: state=%d %s '%s'\n", SSL_get_state(p.client), SSL_state_string(p.client),
           SSL_state_string_long(p.client));
    if (ct_pair_handshake(&p)) {
        printf("after: state=%d %s '%s'\n", SSL_get_state(p.server), SSL_state_string(p.server),
               SSL_state_string_long(p.server));
        printf("client shutdown %d\n", SSL_shutdown(p.client));
        char buf[16];
        int r = SSL_read(p.server, buf, sizeof(buf));
        printf("server read %d error %d\n", r, SSL_get_error(p.server, r));
        printf("server shutdown %d\n", SSL_shutdown(p.server));
        printf("client shutdown %d\n", SSL_shutdown(p.client));
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("tls13", 0, 0);
    run("tls12", TLS1_2_VERSION, 0);
    run("server's own callback", 0, 1);

    printf("== a failing handshake\n");
    memset(seen, 0, sizeof(seen));
    read_alerts_only = 1;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, ct_cert("other_ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_info_callback(sctx, cb);
    SSL_CTX_set_info_callback(cctx, cb);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("handshake %s\n", ct_pair_handshake(&p) ? "ok" : "failed");
    printf("client state %s\n", SSL_state_string_long(p.client));
    ERR_clear_error();
    /* The server reads the client's alert. */
    int r = SSL_do_handshake(p.server);
    printf("server handshake again %d error %d\n", r, SSL_get_error(p.server, r));
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    read_alerts_only = 0;

    printf("== alert strings\n");
    for (int level = 0; level < 4; level++)
        printf("type %d: %s %s\n", level, SSL_alert_type_string(level << 8),
               SSL_alert_type_string_long(level << 8));
    for (int d = 0; d < 256; d++) {
        const char *l = SSL_alert_desc_string_long(d);
        if (strcmp(l, "unknown") != 0 || d == 255)
            printf("desc %d: %s %s\n", d, SSL_alert_desc_string(d), l);
    }
    return 0;
}
