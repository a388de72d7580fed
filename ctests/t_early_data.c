/*
 * TLS 1.3 early data: the limits (the defaults of a new context, what
 * SSL_CTX_set_max_early_data and SSL_CTX_set_recv_max_early_data keep, what a
 * new SSL takes from its context, a connection's own values); a server's
 * SSL_read_early_data when the client sends none, called until it reports
 * the end, then the handshake completing; SSL_write_early_data without a
 * session that allows it; SSL_get_early_data_status; and the allowance a
 * session from `openssl s_server -early_data` carries.
 */
#include "common.h"

static void show(const char *who, SSL_CTX *ctx, SSL *s) {
    if (ctx)
        printf("%s ctx max=%u recv_max=%u\n", who, SSL_CTX_get_max_early_data(ctx),
               SSL_CTX_get_recv_max_early_data(ctx));
    if (s)
        printf("%s ssl max=%u recv_max=%u\n", who, SSL_get_max_early_data(s),
               SSL_get_recv_max_early_data(s));
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    printf("== limits\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *before = SSL_new(ctx);
    show("new", ctx, before);
    printf("CTX_set_max %d\n", SSL_CTX_set_max_early_data(ctx, 4096));
    printf("CTX_set_recv_max %d\n", SSL_CTX_set_recv_max_early_data(ctx, 8192));
    show("set", ctx, before);
    SSL *after = SSL_new(ctx);
    show("later SSL", NULL, after);
    printf("set_max %d\n", SSL_set_max_early_data(after, 100));
    printf("set_recv_max %d\n", SSL_set_recv_max_early_data(after, 0xffffffffu));
    show("own", ctx, after);
    SSL_free(before);
    SSL_free(after);
    SSL_CTX_free(ctx);

    printf("== no early data sent\n");
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_max_early_data(sctx, 16384);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    size_t n = 99;
    unsigned char buf[100];
    int r = SSL_write_early_data(p.client, "hi", 2, &n);
    printf("client write_early_data %d n=%zu error %d\n", r, n, SSL_get_error(p.client, r));
    ct_print_errors();
    r = SSL_read_early_data(p.client, buf, sizeof buf, &n);
    printf("client read_early_data %d error %d\n", r, SSL_get_error(p.client, r));
    ct_print_errors();
    printf("status client %d server %d\n", SSL_get_early_data_status(p.client),
           SSL_get_early_data_status(p.server));
    for (int i = 0; i < 10; i++) {
        n = 99;
        r = SSL_read_early_data(p.server, buf, sizeof buf, &n);
        int e = SSL_get_error(p.server, r);
        printf("server read_early_data %d n=%zu error %d\n", r, n, r == 2 ? 0 : e);
        ct_print_errors();
        if (r == SSL_READ_EARLY_DATA_FINISH)
            break;
        r = SSL_do_handshake(p.client);
        printf("client handshake %d error %d\n", r, SSL_get_error(p.client, r));
        ct_print_errors();
    }
    n = 99;
    r = SSL_read_early_data(p.server, buf, sizeof buf, &n);
    printf("server read_early_data again %d n=%zu\n", r, n);
    ct_print_errors();
    printf("client handshake %d\n", SSL_do_handshake(p.client));
    printf("server handshake %d\n", SSL_do_handshake(p.server));
    ct_print_errors();
    printf("status client %d server %d\n", SSL_get_early_data_status(p.client),
           SSL_get_early_data_status(p.server));
    ct_pair_free(&p);
    SSL_CTX *late = ct_server_ctx();
    SSL *started = SSL_new(late);
    SSL_set_accept_state(started);
    ct_pair_new(&p, cctx, late, 17 * 1024);
    SSL_do_handshake(p.client);
    SSL_do_handshake(p.server);
    ERR_clear_error();
    r = SSL_read_early_data(p.server, buf, sizeof buf, &n);
    printf("read_early_data after the handshake started %d\n", r);
    ct_print_errors();
    ct_pair_free(&p);
    SSL_free(started);
    SSL_CTX_free(late);
    SSL_CTX_free(sctx);

    printf("== a session from a server that allows early data\n");
    int port;
    int lfd = ct_tcp_listen(&port);
    close(lfd);
    char accept_arg[32];
    snprintf(accept_arg, sizeof accept_arg, "127.0.0.1:%d", port);
    char *args[] = {"openssl", "s_server", "-quiet", "-naccept", "1", "-early_data", "-accept",
                    accept_arg, "-cert", (char *)ct_cert("server.pem"), "-key",
                    (char *)ct_cert("server.key"), NULL};
    int pipefd[2];
    if (pipe(pipefd) != 0)
        ct_fatal("pipe");
    pid_t pid = ct_spawn_openssl(args, pipefd[0], -1);
    close(pipefd[0]);
    ct_wait_listening(port, pid, 10000);
    int fd = ct_tcp_connect(port, 0, 0);
    SSL *c = ct_client_ssl(cctx, fd, "localhost", 0);
    ct_connect(c, fd);
    /* The tickets follow the handshake; a read with nothing else to come
     * would block, so the socket goes nonblocking first. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    for (int i = 0; i < 50; i++) {
        r = SSL_read(c, buf, sizeof buf);
        SSL_SESSION *sess = SSL_get1_session(c);
        unsigned m = SSL_SESSION_get_max_early_data(sess);
        SSL_SESSION_free(sess);
        if (m) {
            printf("session max_early_data %u\n", m);
            break;
        }
        usleep(20000);
    }
    ERR_clear_error();
    SSL_free(c);
    close(fd);
    close(pipefd[1]);
    ct_wait_child(pid, 20);
    SSL_CTX_free(cctx);
    return 0;
}
