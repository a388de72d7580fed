/*
 * A server verifying its client's certificate: SSL_get_verify_result with
 * OpenSSL's X509_V_* numbers (self-signed, unknown issuer, expired, wrong
 * purpose, chain too long), also when the handshake fails and when a verify
 * callback accepts everything; the callback's calls (preverify_ok, depth,
 * error, subject, the SSL found through SSL_get_ex_data_X509_STORE_CTX_idx);
 * SSL_VERIFY_FAIL_IF_NO_PEER_CERT and SSL_VERIFY_CLIENT_ONCE; SSL_set_verify
 * on one connection overriding its context; the peer certificate and chain
 * the server keeps; the error queue on both sides.  Peers: a client of the
 * library under test in-process, and the real `openssl s_client -cert`.
 * A CA directory is searched by subject hash: a CA file under another name
 * in it is not trusted.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hs_pki.h"

static SSL *expected_ssl;

static int print_cb(int ok, X509_STORE_CTX *st) {
    char buf[256];
    SSL *s = X509_STORE_CTX_get_ex_data(st, SSL_get_ex_data_X509_STORE_CTX_idx());
    printf("  cb preverify_ok=%d depth=%d error=%d subject=%s ssl=%s\n", ok,
           X509_STORE_CTX_get_error_depth(st), X509_STORE_CTX_get_error(st),
           hs_cn(X509_STORE_CTX_get_current_cert(st), buf, sizeof buf),
           !s ? "none" : s == expected_ssl ? "server" : "other");
    return ok;
}

static int accept_cb(int ok, X509_STORE_CTX *st) {
    printf("  accept-all cb preverify_ok=%d depth=%d error=%d\n", ok,
           X509_STORE_CTX_get_error_depth(st), X509_STORE_CTX_get_error(st));
    return 1;
}

typedef struct {
    const char *title;
    const char *cert, *chain, *key; /* files in the cert directory; NULL: none */
    int ctx_mode;
    int ssl_mode; /* -1: the context's */
    int cb;       /* 0 none, 1 printing, 2 accepting everything */
    int depth;    /* -1: default */
} vcase;

static X509 *good_cert;
static EVP_PKEY *good_key;

static SSL_CTX *server_ctx(const vcase *c) {
    SSL_CTX *sctx = ct_server_ctx();
    printf("server load_verify_locations %d\n",
           SSL_CTX_load_verify_locations(sctx, ct_cert("ca.pem"), NULL));
    SSL_CTX_set_verify(sctx, c->ctx_mode, c->cb == 1 ? print_cb : c->cb == 2 ? accept_cb : NULL);
    if (c->depth >= 0)
        SSL_CTX_set_verify_depth(sctx, c->depth);
    return sctx;
}

static void server_ssl_setup(const vcase *c, SSL *s) {
    expected_ssl = s;
    if (c->ssl_mode >= 0)
        SSL_set_verify(s, c->ssl_mode, NULL);
    printf("server verify mode ctx %d ssl %d\n", SSL_CTX_get_verify_mode(SSL_get_SSL_CTX(s)),
           SSL_get_verify_mode(s));
}

static void server_report(SSL *s) {
    char buf[256];
    X509 *peer = SSL_get1_peer_certificate(s);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(s);
    printf("server verify_result %ld peer %s chain %d", SSL_get_verify_result(s),
           hs_cn(peer, buf, sizeof buf), chain ? sk_X509_num(chain) : -1);
    for (int i = 0; chain && i < sk_X509_num(chain); i++)
        printf(" [%s]", hs_cn(sk_X509_value(chain, i), buf, sizeof buf));
    printf("\n");
    X509_free(peer);
}

static void pair_case(const vcase *c, int maxv) {
    printf("== pair %s%s\n", c->title, maxv ? " (TLS 1.2)" : "");
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = server_ctx(c);
    if (c->cert && strcmp(c->cert, "good") == 0) {
        printf("client use_certificate %d\n", SSL_CTX_use_certificate(cctx, good_cert));
        printf("client use_PrivateKey %d\n", SSL_CTX_use_PrivateKey(cctx, good_key));
    } else if (c->cert) {
        printf("client use_certificate_chain_file %d\n",
               SSL_CTX_use_certificate_chain_file(cctx, ct_cert(c->chain ? c->chain : c->cert)));
        printf("client use_PrivateKey_file %d\n",
               SSL_CTX_use_PrivateKey_file(cctx, ct_cert(c->key), SSL_FILETYPE_PEM));
    }
    if (maxv) {
        SSL_CTX_set_max_proto_version(cctx, maxv);
        SSL_CTX_set_max_proto_version(sctx, maxv);
    }
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    server_ssl_setup(c, p.server);
    if (!ct_pair_handshake(&p)) {
        /* A TLS 1.3 client is done before the server reads its certificate:
         * the server's alert reaches it at its next read. */
        char b[16];
        int r = SSL_read(p.client, b, sizeof b);
        int mode = c->ssl_mode >= 0 ? c->ssl_mode : c->ctx_mode;
        if (maxv && !c->cert && (mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT)) {
            /* The alert of a TLS 1.2 server refusing a missing certificate:
             * handshake_failure in OpenSSL, certificate_required in sslshim
             * (docs/compat.md). */
            ct_log("client SSL_read after failure: alert not compared\n");
            ERR_clear_error();
        } else {
            ct_outcome("client SSL_read after failure", p.client, r);
            printf("client SSL_get_shutdown %d\n", SSL_get_shutdown(p.client));
        }
    }
    server_report(p.server);
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void s_client_case(const vcase *c) {
    if (c->cert && strcmp(c->cert, "good") == 0)
        return; /* in memory only */
    printf("== s_client %s\n", c->title);
    SSL_CTX *sctx = server_ctx(c);
    int port;
    int lfd = ct_tcp_listen(&port);
    char connect_arg[32];
    snprintf(connect_arg, sizeof connect_arg, "127.0.0.1:%d", port);
    char *args[16] = {"openssl", "s_client", "-connect", connect_arg, "-CAfile",
                      (char *)ct_cert("ca.pem"), "-quiet", "-nocommands"};
    int n = 8;
    char cert[512], key[512], chain[512];
    if (c->cert) {
        snprintf(cert, sizeof cert, "%s", ct_cert(c->cert));
        snprintf(key, sizeof key, "%s", ct_cert(c->key));
        args[n++] = "-cert";
        args[n++] = cert;
        args[n++] = "-key";
        args[n++] = key;
        if (c->chain) {
            snprintf(chain, sizeof chain, "%s", ct_cert(c->chain));
            args[n++] = "-cert_chain";
            args[n++] = chain;
        }
    }
    args[n] = NULL;
    pid_t pid = ct_spawn_openssl(args, -1, -1);
    int fd = ct_tcp_accept(lfd, 20);
    close(lfd);
    SSL *s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    server_ssl_setup(c, s);
    int r = ct_accept(s, fd);
    server_report(s);
    if (r == 1)
        SSL_shutdown(s);
    ERR_clear_error();
    close(fd);
    ct_log("s_client exit %d\n", ct_wait_child(pid, 20));
    SSL_free(s);
    SSL_CTX_free(sctx);
}

static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[4096];
    size_t n;
    if (!in || !out)
        ct_fatal("copy %s to %s failed", from, to);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

/* The test CA under its hash name, the other CA under a plain name. */
static const char *make_ca_dir(void) {
    static char dir[512];
    snprintf(dir, sizeof dir, "%s", ct_tmpfile("verify_server_cadir"));
    mkdir(dir, 0700);
    X509 *ca = ct_load_cert("ca.pem");
    char path[600];
    snprintf(path, sizeof path, "%s/%08lx.0", dir, X509_subject_name_hash(ca));
    copy_file(ct_cert("ca.pem"), path);
    snprintf(path, sizeof path, "%s/other_ca.pem", dir);
    copy_file(ct_cert("other_ca.pem"), path);
    X509_free(ca);
    return dir;
}

static void dir_case(const char *title, const char *dir, const char *cert, const char *key) {
    printf("== pair CA directory, %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    printf("server load_verify_dir %d\n", SSL_CTX_load_verify_dir(sctx, dir));
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, print_cb);
    if (cert) {
        printf("client use_certificate_chain_file %d\n",
               SSL_CTX_use_certificate_chain_file(cctx, ct_cert(cert)));
        printf("client use_PrivateKey_file %d\n",
               SSL_CTX_use_PrivateKey_file(cctx, ct_cert(key), SSL_FILETYPE_PEM));
    } else {
        printf("client use_certificate %d\n", SSL_CTX_use_certificate(cctx, good_cert));
        printf("client use_PrivateKey %d\n", SSL_CTX_use_PrivateKey(cctx, good_key));
    }
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    expected_ssl = p.server;
    ct_pair_handshake(&p);
    server_report(p.server);
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    good_key = hs_key("P-256");
    good_cert = hs_cert(good_key, "test client", 1);
    const int P = SSL_VERIFY_PEER, F = SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    const vcase cases[] = {
        {"none, PEER", NULL, NULL, NULL, P, -1, 0, -1},
        {"none, PEER|FAIL", NULL, NULL, NULL, P | F, -1, 0, -1},
        {"none, PEER|FAIL, callback", NULL, NULL, NULL, P | F, -1, 1, -1},
        {"good", "good", NULL, NULL, P, -1, 0, -1},
        {"good, callback", "good", NULL, NULL, P, -1, 1, -1},
        {"chain, callback", "inter_leaf.pem", "inter_leaf_chain.pem", "inter_leaf.key", P | F,
         -1, 1, -1},
        {"chain, depth 0, callback", "inter_leaf.pem", "inter_leaf_chain.pem", "inter_leaf.key",
         P, -1, 1, 0},
        {"chain, depth 1", "inter_leaf.pem", "inter_leaf_chain.pem", "inter_leaf.key", P, -1, 0,
         1},
        {"self-signed", "selfsigned.pem", NULL, "selfsigned.key", P, -1, 0, -1},
        {"self-signed, callback", "selfsigned.pem", NULL, "selfsigned.key", P, -1, 1, -1},
        {"self-signed, accept-all", "selfsigned.pem", NULL, "selfsigned.key", P, -1, 2, -1},
        {"unknown issuer", "other_leaf.pem", NULL, "other_leaf.key", P | F, -1, 0, -1},
        {"unknown issuer, callback", "other_leaf.pem", NULL, "other_leaf.key", P, -1, 1, -1},
        {"expired", "expired.pem", NULL, "expired.key", P, -1, 0, -1},
        {"expired, accept-all", "expired.pem", NULL, "expired.key", P, -1, 2, -1},
        {"server purpose only", "server.pem", NULL, "server.key", P, -1, 1, -1},
        {"ssl PEER|FAIL over ctx NONE, none", NULL, NULL, NULL, 0, P | F, 0, -1},
        {"ssl PEER over ctx NONE, callback", "selfsigned.pem", NULL, "selfsigned.key", 0, P, 1,
         -1},
        {"ssl NONE over ctx PEER|FAIL, none", NULL, NULL, NULL, P | F, 0, 0, -1},
        {"ssl NONE over ctx PEER, good", "good", NULL, NULL, P, 0, 1, -1},
        {"CLIENT_ONCE, good", "good", NULL, NULL, P | F | SSL_VERIFY_CLIENT_ONCE, -1, 1, -1},
        {"CLIENT_ONCE, none", NULL, NULL, NULL, P | F | SSL_VERIFY_CLIENT_ONCE, -1, 0, -1},
    };
    const size_t ncases = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < ncases; i++)
        pair_case(&cases[i], 0);
    for (size_t i = 0; i < ncases; i++)
        pair_case(&cases[i], TLS1_2_VERSION);
    for (size_t i = 0; i < ncases; i++)
        s_client_case(&cases[i]);
    const char *dir = make_ca_dir();
    dir_case("test CA by hash", dir, NULL, NULL);
    dir_case("other CA not by hash", dir, "other_leaf.pem", "other_leaf.key");
    X509_free(good_cert);
    EVP_PKEY_free(good_key);
    return 0;
}
