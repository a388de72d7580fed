/*
 * ALPN on both sides: the client's list (SSL_CTX_set_alpn_protos and
 * SSL_set_alpn_protos, 0 on success), the server's select callback and its
 * return values, SSL_get0_alpn_selected on each end, TLS 1.2 and 1.3.
 */
#include "common.h"

static const unsigned char offer[] = "\x02h2\x08http/1.1";
static const unsigned char server_pref[] = "\x08http/1.1\x02h2";

static int cb_ret;
static int cb_calls;

static int select_cb(SSL *s, const unsigned char **out, unsigned char *outlen,
                     const unsigned char *in, unsigned int inlen, void *arg) {
    (void)s;
    cb_calls++;
    printf("  select_cb arg=%s inlen=%u in=", (const char *)arg, inlen);
    for (unsigned i = 0; i < inlen; i++)
        putchar(in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '.');
    putchar('\n');
    if (cb_ret != SSL_TLSEXT_ERR_OK)
        return cb_ret;
    int r = SSL_select_next_proto((unsigned char **)out, outlen, server_pref,
                                  sizeof(server_pref) - 1, in, inlen);
    printf("  select_next_proto %d -> %.*s\n", r, (int)*outlen, *out);
    return r == OPENSSL_NPN_NEGOTIATED ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
}

static void print_selected(const char *who, SSL *s) {
    const unsigned char *d = (const unsigned char *)"junk";
    unsigned int l = 99;
    SSL_get0_alpn_selected(s, &d, &l);
    printf("%s alpn %s len=%u '%.*s'\n", who, d ? "set" : "NULL", l, (int)l, d ? (const char *)d : "");
}

static void run(const char *name, int maxv, int client_offers, int per_ssl, int with_cb, int ret) {
    printf("== %s\n", name);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (maxv) {
        SSL_CTX_set_max_proto_version(cctx, maxv);
        SSL_CTX_set_max_proto_version(sctx, maxv);
    }
    /* A server's own list has no effect in OpenSSL: only its callback selects. */
    printf("server set_alpn_protos %d\n", SSL_CTX_set_alpn_protos(sctx, server_pref, sizeof(server_pref) - 1));
    if (client_offers && !per_ssl)
        printf("client ctx set_alpn_protos %d\n", SSL_CTX_set_alpn_protos(cctx, offer, sizeof(offer) - 1));
    if (with_cb)
        SSL_CTX_set_alpn_select_cb(sctx, select_cb, (void *)"cbarg");
    cb_ret = ret;
    cb_calls = 0;
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    if (client_offers && per_ssl)
        printf("client ssl set_alpn_protos %d\n", SSL_set_alpn_protos(p.client, offer, sizeof(offer) - 1));
    print_selected("before client", p.client);
    int ok = ct_pair_handshake(&p);
    printf("callback calls %d\n", cb_calls);
    if (ok) {
        print_selected("client", p.client);
        print_selected("server", p.server);
        printf("client version %s\n", SSL_get_version(p.client));
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);

    run("no callback", 0, 1, 0, 0, 0);
    run("callback selects tls13", 0, 1, 0, 1, SSL_TLSEXT_ERR_OK);
    run("callback selects tls12", TLS1_2_VERSION, 1, 0, 1, SSL_TLSEXT_ERR_OK);
    run("per-ssl list", 0, 1, 1, 1, SSL_TLSEXT_ERR_OK);
    run("callback noack", 0, 1, 0, 1, SSL_TLSEXT_ERR_NOACK);
    run("callback alert fatal", 0, 1, 0, 1, SSL_TLSEXT_ERR_ALERT_FATAL);
    run("callback alert fatal tls12", TLS1_2_VERSION, 1, 0, 1, SSL_TLSEXT_ERR_ALERT_FATAL);
    run("client offers nothing", 0, 0, 0, 1, SSL_TLSEXT_ERR_OK);

    printf("== argument checks\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    printf("set empty %d\n", SSL_CTX_set_alpn_protos(ctx, NULL, 0));
    printf("set zero-length name %d\n", SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x00", 1));
    ct_print_errors();
    printf("set truncated %d\n", SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x05h2", 3));
    ct_print_errors();
    SSL *s = SSL_new(ctx);
    printf("ssl set truncated %d\n", SSL_set_alpn_protos(s, (const unsigned char *)"\x05h2", 3));
    ct_print_errors();
    printf("ssl set empty %d\n", SSL_set_alpn_protos(s, NULL, 0));
    SSL_free(s);
    SSL_CTX_free(ctx);

    printf("== select_next_proto\n");
    unsigned char *out;
    unsigned char outlen;
    int r = SSL_select_next_proto(&out, &outlen, server_pref, sizeof(server_pref) - 1,
                                  (const unsigned char *)"\x03spd\x02h2", 7);
    printf("overlap %d %.*s\n", r, (int)outlen, out);
    r = SSL_select_next_proto(&out, &outlen, server_pref, sizeof(server_pref) - 1,
                              (const unsigned char *)"\x03spd\x03foo", 8);
    printf("no overlap %d %.*s\n", r, (int)outlen, out);
    return 0;
}
