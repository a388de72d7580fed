/*
 * SNI on both sides: SSL_set_tlsext_host_name and SSL_get_servername on the
 * client; on the server SSL_get_servername, the servername callback with its
 * argument and each return value, and SSL_set_SSL_CTX in the callback to
 * serve another certificate.
 */
#include "hs_pki.h"

static SSL_CTX *other_ctx;
static int cb_ret;
static int cb_al;
static int cb_switch;
static int cb_calls;

static int sni_cb(SSL *s, int *al, void *arg) {
    cb_calls++;
    const char *n = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    printf("  sni_cb arg=%s al=%d name=%s type=%d\n", (const char *)arg, *al, n ? n : "(null)",
           SSL_get_servername_type(s));
    if (cb_switch && n && strcmp(n, "other.test") == 0) {
        SSL_CTX *r = SSL_set_SSL_CTX(s, other_ctx);
        printf("  set_SSL_CTX %s\n", r == other_ctx ? "other" : "?");
    }
    if (cb_al)
        *al = cb_al;
    return cb_ret;
}

static void names(const char *who, SSL *s) {
    const char *n = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    printf("%s servername %s type %d\n", who, n ? n : "(null)", SSL_get_servername_type(s));
}

static void run(const char *title, int maxv, const char *host, int with_cb, int ret, int al,
                int sw) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (maxv) {
        SSL_CTX_set_max_proto_version(cctx, maxv);
        SSL_CTX_set_max_proto_version(sctx, maxv);
    }
    if (with_cb) {
        printf("set callback %ld\n", SSL_CTX_set_tlsext_servername_callback(sctx, sni_cb));
        printf("set arg %ld\n", SSL_CTX_set_tlsext_servername_arg(sctx, (void *)"cbarg"));
    }
    cb_ret = ret;
    cb_al = al;
    cb_switch = sw;
    cb_calls = 0;
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    if (host) {
        printf("client set_tlsext_host_name %ld\n", SSL_set_tlsext_host_name(p.client, host));
        SSL_set1_host(p.client, host);
    }
    names("before client", p.client);
    names("before server", p.server);
    int ok = ct_pair_handshake(&p);
    printf("callback calls %d\n", cb_calls);
    if (ok) {
        names("client", p.client);
        names("server", p.server);
        char buf[256];
        X509 *peer = SSL_get1_peer_certificate(p.client);
        printf("client sees CN %s verify %ld\n", hs_cn(peer, buf, sizeof(buf)),
               SSL_get_verify_result(p.client));
        X509_free(peer);
        printf("server ctx %s\n", SSL_get_SSL_CTX(p.server) == other_ctx ? "other" : "first");
        printf("server certificate CN %s\n", hs_cn(SSL_get_certificate(p.server), buf, sizeof(buf)));
        /* Data flows after the switch. */
        int w = SSL_write(p.client, "ping", 4);
        char rb[8];
        int r = SSL_read(p.server, rb, sizeof(rb));
        printf("write %d read %d\n", w, r);
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);

    EVP_PKEY *k = hs_key("P-256");
    X509 *x = hs_cert(k, "other.test", 0);
    other_ctx = hs_server_ctx_with(k, x);

    run("client name, no callback", 0, "localhost", 0, 0, 0, 0);
    run("no name, no callback", 0, NULL, 0, 0, 0, 0);
    run("callback ok", 0, "localhost", 1, SSL_TLSEXT_ERR_OK, 0, 0);
    run("callback ok tls12", TLS1_2_VERSION, "localhost", 1, SSL_TLSEXT_ERR_OK, 0, 0);
    run("callback without a name", 0, NULL, 1, SSL_TLSEXT_ERR_OK, 0, 0);
    run("callback noack", 0, "localhost", 1, SSL_TLSEXT_ERR_NOACK, 0, 0);
    run("callback fatal", 0, "localhost", 1, SSL_TLSEXT_ERR_ALERT_FATAL, 0, 0);
    run("callback fatal with alert", 0, "localhost", 1, SSL_TLSEXT_ERR_ALERT_FATAL,
        SSL_AD_HANDSHAKE_FAILURE, 0);
    run("callback fatal tls12", TLS1_2_VERSION, "localhost", 1, SSL_TLSEXT_ERR_ALERT_FATAL, 0, 0);
    run("switch context", 0, "other.test", 1, SSL_TLSEXT_ERR_OK, 0, 1);
    run("switch context tls12", TLS1_2_VERSION, "other.test", 1, SSL_TLSEXT_ERR_OK, 0, 1);
    run("no switch for localhost", 0, "localhost", 1, SSL_TLSEXT_ERR_OK, 0, 1);

    printf("== arguments\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(ctx);
    char longname[300];
    memset(longname, 'a', 256);
    longname[256] = 0;
    printf("too long %ld\n", SSL_set_tlsext_host_name(s, longname));
    ct_print_errors();
    longname[255] = 0;
    printf("255 %ld\n", SSL_set_tlsext_host_name(s, longname));
    ct_print_errors();
    printf("set %ld\n", SSL_set_tlsext_host_name(s, "example.com"));
    names("set", s);
    printf("clear %ld\n", SSL_set_tlsext_host_name(s, NULL));
    names("cleared", s);
    printf("get type 1 %s\n", SSL_get_servername(s, 1) ? "name" : "NULL");
    printf("set_SSL_CTX same %d\n", SSL_set_SSL_CTX(s, ctx) == ctx);
    SSL_free(s);
    SSL_CTX_free(ctx);

    SSL_CTX_free(other_ctx);
    X509_free(x);
    EVP_PKEY_free(k);
    return 0;
}
