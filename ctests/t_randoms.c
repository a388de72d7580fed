/*
 * SSL_get_client_random and SSL_get_server_random: their sizes, zeros
 * before the hellos, the same two randoms on both ends once they crossed,
 * what the key log reports as the client random, partial copies, in TLS 1.3
 * (also after a HelloRetryRequest, whose fixed random is not the server's)
 * and TLS 1.2, also when a ClientHello callback stops the server at the
 * ClientHello (where it sees the client random already).
 */
#include "common.h"

static char keylog_random[2][65];
static SSL *client_ssl;

static void keylog_cb(const SSL *ssl, const char *line) {
    const char *sp = strchr(line, ' ');
    if (sp && strlen(sp + 1) >= 64)
        snprintf(keylog_random[ssl == client_ssl ? 0 : 1], 65, "%.64s", sp + 1);
}

static int is_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void tohex(const unsigned char *p, size_t n, char *out) {
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

static void state(const char *who, SSL *ssl, unsigned char cr[32], unsigned char sr[32]) {
    memset(cr, 0xee, 32);
    memset(sr, 0xee, 32);
    size_t a = SSL_get_client_random(ssl, cr, 32), b = SSL_get_server_random(ssl, sr, 32);
    printf("%s client_random %zu zero=%d server_random %zu zero=%d\n", who, a, is_zero(cr, 32), b,
           is_zero(sr, 32));
}

static int hello_cb(SSL *ssl, int *al, void *arg) {
    (void)al;
    (void)arg;
    unsigned char cr[32], sr[32];
    memset(cr, 0xee, 32);
    size_t n = SSL_get_client_random(ssl, cr, 32);
    SSL_get_server_random(ssl, sr, 32);
    const unsigned char *from_hello = NULL;
    SSL_client_hello_get0_random(ssl, &from_hello);
    printf("in the ClientHello callback: client_random %zu zero=%d same as the hello's %d\n", n,
           is_zero(cr, 32), from_hello && memcmp(from_hello, cr, 32) == 0);
    return SSL_CLIENT_HELLO_SUCCESS;
}

static void run(const char *title, int maxv, int with_cb, const char *server_groups) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (maxv)
        SSL_CTX_set_max_proto_version(cctx, maxv);
    SSL_CTX_set_keylog_callback(cctx, keylog_cb);
    SSL_CTX_set_keylog_callback(sctx, keylog_cb);
    if (with_cb)
        SSL_CTX_set_client_hello_cb(sctx, hello_cb, NULL);
    /* A server that wants a group the client sent no share for answers
     * with a HelloRetryRequest, whose random is not the server random. */
    if (server_groups)
        printf("server groups %d\n", (int)SSL_CTX_set1_groups_list(sctx, server_groups));
    memset(keylog_random, 0, sizeof(keylog_random));
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    client_ssl = p.client;
    unsigned char ccr[32], csr[32], scr[32], ssr[32];
    printf("sizes %zu %zu\n", SSL_get_client_random(p.client, NULL, 0),
           SSL_get_server_random(p.client, NULL, 0));
    state("client before", p.client, ccr, csr);
    state("server before", p.server, scr, ssr);
    int r = SSL_do_handshake(p.client);
    printf("client first step ret=%d\n", r);
    state("client after its ClientHello", p.client, ccr, csr);
    ct_pair_handshake(&p);
    state("client", p.client, ccr, csr);
    state("server", p.server, scr, ssr);
    printf("same client random on both ends: %d\n", memcmp(ccr, scr, 32) == 0);
    printf("same server random on both ends: %d\n", memcmp(csr, ssr, 32) == 0);
    printf("client and server randoms differ: %d\n", memcmp(ccr, csr, 32) != 0);
    static const unsigned char hrr[32] = {
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
    printf("server random is the HelloRetryRequest's: %d\n", memcmp(csr, hrr, 32) == 0);
    char hex[65];
    tohex(ccr, 32, hex);
    printf("key log client random matches: client %d server %d\n",
           strcmp(hex, keylog_random[0]) == 0, strcmp(hex, keylog_random[1]) == 0);
    unsigned char part[40];
    memset(part, 0xee, sizeof(part));
    size_t n = SSL_get_server_random(p.client, part, 5);
    printf("5-byte copy %zu, matches %d, byte after untouched %d\n", n, memcmp(part, csr, 5) == 0,
           part[5] == 0xee);
    memset(part, 0xee, sizeof(part));
    n = SSL_get_client_random(p.server, part, sizeof(part));
    printf("40-byte buffer %zu, matches %d, byte after untouched %d\n", n,
           memcmp(part, ccr, 32) == 0, part[32] == 0xee);
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("TLS 1.3", 0, 0, NULL);
    run("TLS 1.2", TLS1_2_VERSION, 0, NULL);
    run("TLS 1.3 with a ClientHello callback", 0, 1, NULL);
    run("TLS 1.2 with a ClientHello callback", TLS1_2_VERSION, 1, NULL);
    run("TLS 1.3 after a HelloRetryRequest", 0, 0, "P-384");
    return 0;
}
