/*
 * SSL_CTX_set_client_hello_cb and the SSL_client_hello_* accessors: a
 * crafted ClientHello (fixed bytes, extensions in an unusual order, GREASE
 * and unknown types among them) fed to a server through a memory BIO; what
 * the callback sees, which extensions OpenSSL reports (known types only, in
 * the order received), the callback's three answers (success, error with and
 * without an alert chosen, retry), the accessors outside the callback and
 * inside the servername and ALPN callbacks, and a real handshake in which
 * the callback moves the connection to the context holding the certificate.
 */
#include "common.h"

static unsigned char hello[2048];
static size_t hello_len;

static void put8(unsigned v) { hello[hello_len++] = (unsigned char)v; }
static void put16(unsigned v) { put8(v >> 8); put8(v & 0xff); }
static void putn(const void *p, size_t n) { memcpy(hello + hello_len, p, n); hello_len += n; }
/* Opens a length field of w bytes; close_len fills it in. */
static size_t open_len(int w) { size_t at = hello_len; hello_len += w; return at; }
static void close_len(size_t at, int w) {
    size_t n = hello_len - at - w;
    for (int i = w - 1; i >= 0; i--, n >>= 8)
        hello[at + i] = (unsigned char)(n & 0xff);
}
static void ext(unsigned type, const void *data, size_t n) {
    put16(type);
    put16((unsigned)n);
    putn(data, n);
}

/* A TLS 1.3 ClientHello in one record. */
static void build_hello(void) {
    hello_len = 0;
    put8(22); put16(0x0301);
    size_t rec = open_len(2);
    put8(1);
    size_t hs = open_len(3);
    put16(0x0303);
    for (int i = 0; i < 32; i++) put8(i);
    put8(32);
    for (int i = 0; i < 32; i++) put8(0xa0 + i);
    static const unsigned char suites[] = {0x0a, 0x0a, 0x13, 0x02, 0x13, 0x01, 0x13, 0x03,
                                           0xc0, 0x2f, 0xc0, 0x2b, 0x00, 0xff};
    put16(sizeof(suites));
    putn(suites, sizeof(suites));
    put8(1); put8(0);
    size_t exts = open_len(2);
    ext(0x0a0a, "", 0);
    static const unsigned char sni[] = {0, 12, 0, 0, 9, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't'};
    ext(0, sni, sizeof(sni));
    static const unsigned char groups[] = {0, 4, 0, 0x1d, 0, 0x17};
    ext(10, groups, sizeof(groups));
    ext(0x1234, "xyz", 3);
    static const unsigned char formats[] = {1, 0};
    ext(11, formats, sizeof(formats));
    static const unsigned char sigalgs[] = {0, 8, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x08, 0x07};
    ext(13, sigalgs, sizeof(sigalgs));
    static const unsigned char alpn[] = {0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    ext(16, alpn, sizeof(alpn));
    ext(23, "", 0);
    ext(35, "", 0);
    static const unsigned char versions[] = {4, 0x03, 0x04, 0x03, 0x03};
    ext(43, versions, sizeof(versions));
    static const unsigned char kex_modes[] = {1, 1};
    ext(45, kex_modes, sizeof(kex_modes));
    unsigned char share[2 + 4 + 32];
    share[0] = 0; share[1] = 36; share[2] = 0; share[3] = 0x1d; share[4] = 0; share[5] = 32;
    for (int i = 0; i < 32; i++) share[6 + i] = (unsigned char)(9 + 7 * i);
    ext(51, share, sizeof(share));
    ext(0xff01, "\0", 1);
    ext(0x5a5a, "\1", 1);
    static const unsigned char pad[8] = {0};
    ext(21, pad, sizeof(pad));
    close_len(exts, 2);
    close_len(hs, 3);
    close_len(rec, 2);
}

/* The same ClientHello cut into two records, the cut inside the extensions. */
static void split_hello(void) {
    unsigned char msg[2048];
    size_t n = hello_len - 5, cut = n - 40;
    memcpy(msg, hello + 5, n);
    hello_len = 0;
    put8(22); put16(0x0301); put16((unsigned)cut); putn(msg, cut);
    put8(22); put16(0x0301); put16((unsigned)(n - cut)); putn(msg + cut, n - cut);
}

static void hex(const char *what, const unsigned char *p, size_t n) {
    printf("%s %zu:", what, n);
    for (size_t i = 0; i < n && p; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static const unsigned ext_types[] = {0, 5, 10, 11, 13, 16, 21, 23, 35, 43, 45, 51, 0xff01,
                                     0x0a0a, 0x1234, 0x5a5a, 41, 42};

static void accessors(const char *where, SSL *ssl) {
    const unsigned char *p = NULL;
    printf("[%s] isv2=%d legacy_version=%#x\n", where, SSL_client_hello_isv2(ssl),
           SSL_client_hello_get0_legacy_version(ssl));
    size_t n = SSL_client_hello_get0_random(ssl, &p);
    hex("  random", n ? p : NULL, n);
    p = NULL;
    n = SSL_client_hello_get0_session_id(ssl, &p);
    hex("  session_id", n ? p : NULL, n);
    p = NULL;
    n = SSL_client_hello_get0_ciphers(ssl, &p);
    hex("  ciphers", n ? p : NULL, n);
    p = NULL;
    n = SSL_client_hello_get0_compression_methods(ssl, &p);
    hex("  compression", n ? p : NULL, n);
    printf("  random(NULL)=%zu ciphers(NULL)=%zu\n", SSL_client_hello_get0_random(ssl, NULL),
           SSL_client_hello_get0_ciphers(ssl, NULL));
    int *present = NULL;
    size_t npresent = 99;
    int r = SSL_client_hello_get1_extensions_present(ssl, &present, &npresent);
    printf("  extensions_present ret=%d n=%zu:", r, r ? npresent : 0);
    for (size_t i = 0; r && i < npresent; i++)
        printf(" %d", present[i]);
    printf("\n");
    OPENSSL_free(present);
    printf("  extensions_present(NULL out)=%d\n",
           SSL_client_hello_get1_extensions_present(ssl, NULL, &npresent));
    for (size_t i = 0; i < sizeof(ext_types) / sizeof(ext_types[0]); i++) {
        const unsigned char *d = NULL;
        size_t dl = 0;
        r = SSL_client_hello_get0_ext(ssl, ext_types[i], &d, &dl);
        printf("  ext %#x ret=%d", ext_types[i], r);
        if (r)
            hex("", d, dl);
        else
            printf("\n");
    }
    printf("  ext 0 with NULL outputs ret=%d\n", SSL_client_hello_get0_ext(ssl, 0, NULL, NULL));
    ct_print_errors();
}

/* What the callback does: its return value and the alert it sets (-1: none). */
static int cb_ret, cb_alert, cb_calls, cb_retries;
static SSL_CTX *switch_to;

static int hello_cb(SSL *ssl, int *al, void *arg) {
    cb_calls++;
    printf("client hello cb #%d arg=%s\n", cb_calls, (const char *)arg);
    if (cb_calls == 1 && strcmp(arg, "crafted") == 0)
        accessors("client hello cb", ssl);
    else
        printf("legacy_version=%#x random=%zu\n", SSL_client_hello_get0_legacy_version(ssl),
               SSL_client_hello_get0_random(ssl, NULL));
    if (cb_retries > 0) {
        cb_retries--;
        return SSL_CLIENT_HELLO_RETRY;
    }
    if (switch_to)
        printf("SSL_set_SSL_CTX moved %d\n", SSL_set_SSL_CTX(ssl, switch_to) == switch_to);
    if (cb_alert >= 0)
        *al = cb_alert;
    return cb_ret;
}

static int servername_cb(SSL *ssl, int *al, void *arg) {
    (void)al;
    (void)arg;
    const unsigned char *d = NULL;
    size_t dl = 0;
    int r = SSL_client_hello_get0_ext(ssl, 0, &d, &dl);
    /* OpenSSL hands out what its parsing left of the data by now (nothing
     * for server_name), sslshim the whole: only presence is compared. */
    printf("servername cb: get0_ext(server_name) ret=%d legacy_version=%#x\n", r,
           SSL_client_hello_get0_legacy_version(ssl));
    return SSL_TLSEXT_ERR_OK;
}

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg) {
    (void)out; (void)outlen; (void)in; (void)inlen; (void)arg;
    printf("alpn cb: get0_ext(alpn) ret=%d legacy_version=%#x\n",
           SSL_client_hello_get0_ext(ssl, 16, NULL, NULL), SSL_client_hello_get0_legacy_version(ssl));
    return SSL_TLSEXT_ERR_NOACK;
}

/* The crafted ClientHello against a server whose callback answers as told. */
static void crafted(const char *title, int ret, int alert, int retries) {
    printf("== %s\n", title);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_client_hello_cb(sctx, hello_cb, "crafted");
    SSL_CTX_set_tlsext_servername_callback(sctx, servername_cb);
    SSL_CTX_set_alpn_select_cb(sctx, alpn_cb, NULL);
    SSL *ssl = SSL_new(sctx);
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_accept_state(ssl);
    accessors("before", ssl);
    cb_ret = ret;
    cb_alert = alert;
    cb_calls = 0;
    cb_retries = retries;
    BIO_write(in, hello, (int)hello_len);
    for (int i = 0; i <= retries; i++) {
        int r = SSL_do_handshake(ssl);
        printf("SSL_do_handshake ret=%d ssl_error=%d want=%d\n", r, SSL_get_error(ssl, r),
               SSL_want(ssl));
        ct_print_errors();
    }
    unsigned char *sent = NULL;
    long n = BIO_get_mem_data(out, &sent);
    if (n == 7 && sent[0] == 21)
        printf("sent alert level=%d description=%d\n", sent[5], sent[6]);
    else
        printf("sent %s\n", n > 7 && sent[0] == 22 && sent[5] == 2 ? "a ServerHello" : "something else");
    printf("callback calls %d\n", cb_calls);
    accessors("after", ssl);
    SSL_free(ssl);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    build_hello();
    crafted("success", SSL_CLIENT_HELLO_SUCCESS, -1, 0);
    crafted("error without an alert chosen", SSL_CLIENT_HELLO_ERROR, -1, 0);
    crafted("error with unrecognized_name", SSL_CLIENT_HELLO_ERROR, SSL_AD_UNRECOGNIZED_NAME, 0);
    crafted("another return value", 2, SSL_AD_ACCESS_DENIED, 0);
    crafted("retry twice, then success", SSL_CLIENT_HELLO_SUCCESS, -1, 2);
    split_hello();
    crafted("the ClientHello in two records", SSL_CLIENT_HELLO_SUCCESS, -1, 0);

    printf("== handshake: the callback moves the SSL to the context with the certificate\n");
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *bare = SSL_CTX_new(TLS_server_method());
    switch_to = ct_server_ctx();
    SSL_CTX_set_client_hello_cb(bare, hello_cb, "bare");
    cb_ret = SSL_CLIENT_HELLO_SUCCESS;
    cb_alert = -1;
    cb_calls = 0;
    cb_retries = 1;
    ct_pair p;
    ct_pair_new(&p, cctx, bare, 17 * 1024);
    int r;
    for (int i = 0; i < 8; i++) {
        int c = SSL_do_handshake(p.client);
        r = SSL_do_handshake(p.server);
        printf("round %d: server ret=%d ssl_error=%d\n", i, r, SSL_get_error(p.server, r));
        if (c == 1 && r == 1)
            break;
    }
    ct_print_errors();
    printf("callback calls %d, server's context is the one with the certificate: %d\n", cb_calls,
           SSL_get_SSL_CTX(p.server) == switch_to);
    ct_print_session("client", p.client);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(bare);
    SSL_CTX_free(switch_to);
    return 0;
}
