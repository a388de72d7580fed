#define _GNU_SOURCE
/*
 * SNI and ALPN against the system's openssl: s_client (with -servername and
 * -alpn) against a server of the library under test whose servername
 * callback switches to another certificate and whose ALPN callback selects;
 * and a client of the library under test against s_server -servername
 * -cert2 -alpn.
 */
#include "hs_pki.h"

static SSL_CTX *other_ctx;
static const unsigned char server_pref[] = "\x08http/1.1\x02h2";

static int sni_cb(SSL *s, int *al, void *arg) {
    (void)al;
    (void)arg;
    const char *n = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    printf("  sni_cb name=%s\n", n ? n : "(null)");
    if (n && strcmp(n, "other.test") == 0)
        SSL_set_SSL_CTX(s, other_ctx);
    return SSL_TLSEXT_ERR_OK;
}

static int alpn_cb(SSL *s, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg) {
    (void)s;
    (void)arg;
    int r = SSL_select_next_proto((unsigned char **)out, outlen, server_pref,
                                  sizeof(server_pref) - 1, in, inlen);
    printf("  alpn_cb inlen=%u result=%d\n", inlen, r);
    return r == OPENSSL_NPN_NEGOTIATED ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
}

/* Prints the lines of s_client's report that do not vary between runs, each
 * once (how many tickets it reports on depends on timing). */
static void report(const char *path) {
    FILE *f = fopen(path, "r");
    char line[512], seen[16][512];
    int nseen = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (!strstr(line, "ALPN") && !strstr(line, "Verify return code") && !strstr(line, "subject="))
            continue;
        const char *t = line + strspn(line, " \t");
        int dup = 0;
        for (int i = 0; i < nseen && !dup; i++)
            dup = strcmp(seen[i], t) == 0;
        if (dup || nseen == 16)
            continue;
        snprintf(seen[nseen++], sizeof seen[0], "%s", t);
        printf("s_client: %s", t);
    }
    if (f)
        fclose(f);
}

static void against_s_client(SSL_CTX *ctx, const char *name, const char *alpn, const char *maxv) {
    printf("== s_client servername=%s alpn=%s %s\n", name ? name : "-", alpn ? alpn : "-",
           maxv ? maxv : "");
    int port;
    int lfd = ct_tcp_listen(&port);
    char connect_arg[32];
    snprintf(connect_arg, sizeof connect_arg, "127.0.0.1:%d", port);
    char *args[20];
    int n = 0;
    args[n++] = "openssl";
    args[n++] = "s_client";
    args[n++] = "-connect";
    args[n++] = connect_arg;
    args[n++] = "-CAfile";
    args[n++] = (char *)ct_cert("ca.pem");
    args[n++] = "-ign_eof";
    args[n++] = "-nocommands";
    if (name) {
        args[n++] = "-servername";
        args[n++] = (char *)name;
    } else {
        args[n++] = "-noservername";
    }
    if (alpn) {
        args[n++] = "-alpn";
        args[n++] = (char *)alpn;
    }
    if (maxv)
        args[n++] = (char *)maxv;
    args[n] = NULL;
    const char *out_path = ct_tmpfile("s_client.out");
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    pid_t pid = ct_spawn_openssl(args, -1, out);
    close(out);
    int fd = ct_tcp_accept(lfd, 20);
    close(lfd);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    int r = SSL_accept(ssl);
    if (ct_print_ssl_error("SSL_accept", ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    const char *sn = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const unsigned char *sel;
    unsigned int len;
    SSL_get0_alpn_selected(ssl, &sel, &len);
    printf("server servername %s alpn '%.*s' version %s ctx %s\n", sn ? sn : "(null)", (int)len,
           sel ? (const char *)sel : "", SSL_get_version(ssl),
           SSL_get_SSL_CTX(ssl) == other_ctx ? "other" : "first");
    printf("SSL_write %d\n", SSL_write(ssl, "hello\n", 6));
    SSL_shutdown(ssl);
    ERR_clear_error();
    close(fd);
    printf("s_client exit %d\n", ct_wait_child(pid, 20));
    report(out_path);
    SSL_free(ssl);
}

static void against_s_server(const char *sni, const char *maxv) {
    printf("== s_server, client servername=%s %s\n", sni ? sni : "-", maxv ? maxv : "");
    const char *kpath = ct_tmpfile("other.key"), *cpath = ct_tmpfile("other.pem");
    int port = ct_free_port();
    char accept_arg[32];
    snprintf(accept_arg, sizeof accept_arg, "127.0.0.1:%d", port);
    char *args[] = {"openssl", "s_server", "-accept", accept_arg, "-naccept", "1",
                    "-cert", (char *)ct_cert("server.pem"), "-key", (char *)ct_cert("server.key"),
                    "-cert2", (char *)cpath, "-key2", (char *)kpath,
                    "-servername", "other.test", "-alpn", "http/1.1", "-quiet", NULL};
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        ct_fatal("pipe: %s", strerror(errno));
    pid_t pid = ct_spawn_openssl(args, p[0], -1);
    close(p[0]);
    ct_wait_listening(port, pid, 10000);

    SSL_CTX *ctx = ct_client_ctx(SSL_VERIFY_PEER);
    if (maxv)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    printf("set_alpn_protos %d\n",
           SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x02h2\x08http/1.1", 12));
    int fd = ct_tcp_connect(port, 0, 0);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (sni) {
        SSL_set_tlsext_host_name(ssl, sni);
        SSL_set1_host(ssl, sni);
    }
    int r = SSL_connect(ssl);
    if (ct_print_ssl_error("SSL_connect", ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    const unsigned char *sel;
    unsigned int len;
    SSL_get0_alpn_selected(ssl, &sel, &len);
    char buf[256];
    X509 *peer = SSL_get1_peer_certificate(ssl);
    printf("client alpn '%.*s' peer CN %s verify %ld version %s\n", (int)len,
           sel ? (const char *)sel : "", hs_cn(peer, buf, sizeof buf), SSL_get_verify_result(ssl),
           SSL_get_version(ssl));
    X509_free(peer);
    SSL_shutdown(ssl);
    ERR_clear_error();
    close(fd);
    close(p[1]);
    printf("s_server exit %d\n", ct_wait_child(pid, 20));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    EVP_PKEY *k = hs_key("P-256");
    X509 *x = hs_cert(k, "other.test", 0);
    FILE *f = fopen(ct_tmpfile("other.key"), "w");
    PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    f = fopen(ct_tmpfile("other.pem"), "w");
    PEM_write_X509(f, x);
    fclose(f);
    other_ctx = hs_server_ctx_with(k, x);

    SSL_CTX *ctx = ct_server_ctx();
    SSL_CTX_set_tlsext_servername_callback(ctx, sni_cb);
    SSL_CTX_set_alpn_select_cb(ctx, alpn_cb, NULL);
    SSL_CTX_set_alpn_select_cb(other_ctx, alpn_cb, NULL);
    against_s_client(ctx, "other.test", "h2,http/1.1", NULL);
    against_s_client(ctx, "localhost", "h2", "-tls1_2");
    against_s_client(ctx, NULL, "spdy/1", NULL);
    against_s_client(ctx, "localhost", NULL, NULL);

    against_s_server("other.test", NULL);
    against_s_server("localhost", NULL);
    against_s_server("other.test", "-tls1_2");

    SSL_CTX_free(ctx);
    SSL_CTX_free(other_ctx);
    X509_free(x);
    EVP_PKEY_free(k);
    return 0;
}
