/*
 * Refusals beyond the server-certificate cases of t_verify_results:
 *   - a server certificate whose extended key usage allows client use only;
 *   - client certificates the server must refuse: from another CA, expired,
 *     for server use only (and a good one as the control), with the
 *     server's SSL_get_verify_result and both sides' outcomes, TLS 1.3
 *     and 1.2;
 *   - TLS 1.0 and 1.1: the system's openssl offering only them to our
 *     server, and our client meeting a server that speaks only them.
 */
#include "common.h"

static SSL_CTX *ctx_with(const SSL_METHOD *m, const char *leaf) {
    char cert[64], key[64];
    SSL_CTX *ctx = SSL_CTX_new(m);
    if (!ctx)
        ct_fatal("SSL_CTX_new failed");
    if (leaf) {
        snprintf(cert, sizeof cert, "%s.pem", leaf);
        snprintf(key, sizeof key, "%s.key", leaf);
        if (SSL_CTX_use_certificate_file(ctx, ct_cert(cert), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, ct_cert(key), SSL_FILETYPE_PEM) != 1)
            ct_fatal("cannot load %s", leaf);
    }
    return ctx;
}

static void verdict(const char *who, SSL *ssl) {
    long v = SSL_get_verify_result(ssl);
    printf("%s verify_result %ld (%s)\n", who, v, X509_verify_cert_error_string(v));
    X509 *peer = SSL_get1_peer_certificate(ssl);
    printf("%s peer certificate %s\n", who, peer ? "yes" : "no");
    X509_free(peer);
}

/* After the handshake, the client reads: a TLS 1.3 client learns of the
 * server's refusal only from the alert that follows its Finished. */
static void client_reads(ct_pair *p) {
    char buf[16];
    SSL_write(p->server, "ok", 2);
    int r = SSL_read(p->client, buf, sizeof buf);
    ct_outcome("client SSL_read", p->client, r);
}

static void server_cert_case(const char *leaf, int mode) {
    printf("== server certificate %s, client mode %d\n", leaf, mode);
    SSL_CTX *sctx = ctx_with(TLS_server_method(), leaf);
    SSL_CTX *cctx = ctx_with(TLS_client_method(), NULL);
    SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, mode, NULL);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    SSL_set1_host(p.client, "localhost");
    ct_pair_handshake(&p);
    verdict("client", p.client);
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void client_cert_case(const char *leaf, int max_version, int mode) {
    printf("== client certificate %s, %s, server mode %d\n", leaf,
           max_version == TLS1_2_VERSION ? "TLS 1.2" : "TLS 1.3", mode);
    SSL_CTX *sctx = ctx_with(TLS_server_method(), "server");
    SSL_CTX_load_verify_locations(sctx, ct_cert("ca.pem"), NULL);
    SSL_CTX_set_verify(sctx, mode, NULL);
    SSL_CTX *cctx = ctx_with(TLS_client_method(), leaf);
    SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_max_proto_version(cctx, max_version);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    ct_pair_handshake(&p);
    verdict("server", p.server);
    ct_print_errors_of("server");
    client_reads(&p);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* The system's s_client offering only `flag` to our server. */
static void old_client_offer(const char *flag) {
    printf("== s_client %s against our server\n", flag);
    int port;
    int lfd = ct_tcp_listen(&port);
    char connect[32];
    snprintf(connect, sizeof connect, "127.0.0.1:%d", port);
    char *args[] = {"openssl", "s_client", "-connect", connect, (char *)flag,
                    "-cipher", "DEFAULT:@SECLEVEL=0", NULL};
    pid_t pid = ct_spawn_openssl(args, -1, -1);
    int fd = ct_tcp_accept(lfd, 20);
    SSL_CTX *sctx = ctx_with(TLS_server_method(), "server");
    SSL *s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    int r = SSL_accept(s);
    ct_outcome("server SSL_accept", s, r);
    SSL_free(s);
    close(fd);
    close(lfd);
    printf("s_client exit %s\n", ct_wait_child(pid, 20) == 0 ? "0" : "nonzero");
    SSL_CTX_free(sctx);
}

/* Our client meeting the system's s_server that speaks only `flag`. */
static void old_server(const char *flag) {
    printf("== our client against s_server %s\n", flag);
    int port = ct_free_port();
    char accept[32];
    snprintf(accept, sizeof accept, "127.0.0.1:%d", port);
    char *args[] = {"openssl", "s_server", "-accept", accept, "-naccept", "1",
                    "-cert", (char *)ct_cert("server.pem"), "-key", (char *)ct_cert("server.key"),
                    (char *)flag, "-cipher", "DEFAULT:@SECLEVEL=0", "-quiet", NULL};
    pid_t pid = ct_spawn_openssl(args, -1, -1);
    ct_wait_listening(port, pid, 10000);
    SSL_CTX *cctx = ctx_with(TLS_client_method(), NULL);
    SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    int fd = ct_tcp_connect(port, 0, 0);
    SSL *c = SSL_new(cctx);
    SSL_set_fd(c, fd);
    int r = SSL_connect(c);
    /* Both refuse, for different reasons (docs/compat.md): OpenSSL's client
     * offers TLS 1.0 and then rejects the server's legacy signature; ours
     * never offers it, and the server answers protocol_version. */
    printf("client SSL_connect refused %s\n", r == 1 ? "no" : "yes");
    ct_log("client SSL_connect ret=%d ssl_error=%d reason=%d", r, SSL_get_error(c, r),
           ERR_GET_REASON(ERR_peek_error()));
    ERR_clear_error();
    SSL_free(c);
    close(fd);
    ct_wait_child(pid, 20);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    server_cert_case("clientonly", SSL_VERIFY_PEER);
    server_cert_case("clientonly", SSL_VERIFY_NONE);
    server_cert_case("serveronly", SSL_VERIFY_PEER);
    static const char *leaves[] = {"clientonly", "other_leaf", "expired", "serveronly",
                                   "selfsigned"};
    static const int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION};
    for (size_t v = 0; v < 2; v++)
        for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
            client_cert_case(leaves[i], versions[v],
                             SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
            client_cert_case(leaves[i], versions[v], SSL_VERIFY_PEER);
        }
    old_client_offer("-tls1");
    old_client_offer("-tls1_1");
    old_server("-tls1");
    old_server("-tls1_1");
    return 0;
}
