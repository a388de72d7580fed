/*
 * SSL_CTX_set_keylog_callback: the NSS key log lines each side reports (the
 * labels, which SSL they come with, the field lengths, and that client and
 * server log the same secrets), in TLS 1.3 and 1.2.
 */
#include "common.h"

#define MAXL 32
static char lines[2][MAXL][300];
static int nlines[2];
static SSL *client_ssl;

static void keylog_cb(const SSL *ssl, const char *line) {
    int side = ssl == client_ssl ? 0 : 1;
    if (nlines[side] < MAXL)
        snprintf(lines[side][nlines[side]++], sizeof(lines[0][0]), "%s", line);
}

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static void run(const char *title, int maxv, int cb_on_client, int cb_on_server) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (maxv)
        SSL_CTX_set_max_proto_version(cctx, maxv);
    if (cb_on_client)
        SSL_CTX_set_keylog_callback(cctx, keylog_cb);
    if (cb_on_server)
        SSL_CTX_set_keylog_callback(sctx, keylog_cb);
    printf("get callback client %d server %d\n", SSL_CTX_get_keylog_callback(cctx) == keylog_cb,
           SSL_CTX_get_keylog_callback(sctx) == keylog_cb);
    nlines[0] = nlines[1] = 0;
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    client_ssl = p.client;
    ct_pair_handshake(&p);
    for (int side = 0; side < 2; side++) {
        qsort(lines[side], nlines[side], sizeof(lines[0][0]), cmp);
        for (int i = 0; i < nlines[side]; i++) {
            char label[64];
            int a = 0, b = 0;
            const char *l = lines[side][i];
            const char *s1 = strchr(l, ' ');
            const char *s2 = s1 ? strchr(s1 + 1, ' ') : NULL;
            snprintf(label, sizeof(label), "%.*s", s1 ? (int)(s1 - l) : 0, l);
            if (s2) {
                a = (int)(s2 - s1 - 1);
                b = (int)strlen(s2 + 1);
            }
            printf("%s %s random=%d secret=%d\n", side ? "server" : "client", label, a, b);
        }
    }
    if (cb_on_client && cb_on_server) {
        int same = nlines[0] == nlines[1];
        for (int i = 0; same && i < nlines[0]; i++)
            same = strcmp(lines[0][i], lines[1][i]) == 0;
        printf("both sides logged the same secrets: %s\n", same ? "yes" : "no");
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("TLS 1.3 both", 0, 1, 1);
    run("TLS 1.2 both", TLS1_2_VERSION, 1, 1);
    run("TLS 1.3 client only", 0, 1, 0);
    run("none", 0, 0, 0);
    return 0;
}
