/*
 * CA name lists: SSL_load_client_CA_file, SSL_add_file_cert_subjects_to_stack,
 * SSL_add_dir_cert_subjects_to_stack, SSL_dup_CA_list, the context's and a
 * connection's list (set, get, add), with their failures and the reasons
 * queued; and the names a server requesting a certificate sends, as the
 * system's `openssl s_client` prints them.
 */
#include <sys/stat.h>

#include "common.h"

static void print_names(const char *who, const STACK_OF(X509_NAME) *l) {
    if (!l) {
        printf("%s: NULL\n", who);
        return;
    }
    printf("%s: %d names\n", who, sk_X509_NAME_num(l));
    for (int i = 0; i < sk_X509_NAME_num(l); i++) {
        char buf[256];
        X509_NAME_oneline(sk_X509_NAME_value(l, i), buf, sizeof buf);
        printf("  %s\n", buf);
    }
}

/* print_names for a list the caller owns, which is then freed. */
static void print_owned(const char *who, STACK_OF(X509_NAME) *l) {
    print_names(who, l);
    sk_X509_NAME_pop_free(l, X509_NAME_free);
}

static const char *concat(const char *tag, const char *const *names) {
    const char *path = ct_tmpfile(tag);
    FILE *out = fopen(path, "w");
    for (; *names; names++) {
        FILE *in = fopen(ct_cert(*names), "r");
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, out);
        fclose(in);
    }
    fclose(out);
    return path;
}

/* Our server asks for a certificate naming the context's list; s_client
 * prints the names it was sent. */
static void request(const char *name, STACK_OF(X509_NAME) *list, int per_ssl, int maxv) {
    printf("== CertificateRequest: %s\n", name);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_load_verify_locations(sctx, ct_cert("ca.pem"), NULL);
    if (maxv)
        SSL_CTX_set_max_proto_version(sctx, maxv);
    if (list && !per_ssl)
        SSL_CTX_set_client_CA_list(sctx, list);
    if (list && per_ssl == 2)
        SSL_CTX_set0_CA_list(sctx, list);
    int port;
    int lfd = ct_tcp_listen(&port);
    char connect_arg[32];
    snprintf(connect_arg, sizeof connect_arg, "127.0.0.1:%d", port);
    const char *out_path = ct_tmpfile("s_client.out");
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    char *args[] = {"openssl", "s_client", "-connect", connect_arg, "-CAfile",
                    (char *)ct_cert("ca.pem"), NULL};
    pid_t pid = ct_spawn_openssl(args, -1, out);
    close(out);
    int fd = ct_tcp_accept(lfd, 10);
    close(lfd);
    SSL *ssl = SSL_new(sctx);
    if (list && per_ssl == 1)
        SSL_set_client_CA_list(ssl, list);
    SSL_set_fd(ssl, fd);
    ct_accept(ssl, fd);
    char buf[64];
    SSL_read(ssl, buf, sizeof buf);
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
    ct_wait_child(pid, 20);
    FILE *f = fopen(out_path, "r");
    char line[512];
    int in = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Acceptable client certificate CA names", 38) == 0 ||
            strncmp(line, "No client certificate CA names sent", 35) == 0) {
            fputs(line, stdout);
            in = line[0] == 'A';
        } else if (in && (strncmp(line, "CN = ", 5) == 0 || strncmp(line, "C = ", 4) == 0 || line[0] == '/')) {
            fputs(line, stdout);
        } else {
            in = 0;
        }
    }
    if (f)
        fclose(f);
    SSL_CTX_free(sctx);
}

/* A client's view: the names of the server's CertificateRequest. */
static void client_view(const char *name, const char *file, int request, int maxv) {
    printf("== client sees: %s\n", name);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    if (request)
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
    if (file)
        SSL_CTX_set_client_CA_list(sctx, SSL_load_client_CA_file(file));
    if (maxv)
        SSL_CTX_set_max_proto_version(sctx, maxv);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    print_names("client before", SSL_get_client_CA_list(p.client));
    int ok = ct_pair_handshake(&p);
    printf("handshake %s\n", ok ? "ok" : "failed");
    print_names("client get_client_CA_list", SSL_get_client_CA_list(p.client));
    print_names("client get0_peer_CA_list", SSL_get0_peer_CA_list(p.client));
    print_names("server get0_peer_CA_list", SSL_get0_peer_CA_list(p.server));
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    const char *three_names[] = {"ca.pem", "other_ca.pem", "ca.pem", "inter.pem", NULL};
    const char *three = concat("three.pem", three_names);
    const char *dir = ct_tmpfile("cadir");
    mkdir(dir, 0700);
    const char *in_dir[] = {"other_ca.pem", NULL};
    char p[512];
    snprintf(p, sizeof p, "%s/a.pem", dir);
    rename(concat("a.pem", in_dir), p);
    const char *in_dir2[] = {"ca.pem", "other_ca.pem", NULL};
    snprintf(p, sizeof p, "%s/b.pem", dir);
    rename(concat("b.pem", in_dir2), p);
    snprintf(p, sizeof p, "%s/sub", dir);
    mkdir(p, 0700);

    printf("== files\n");
    STACK_OF(X509_NAME) *l = SSL_load_client_CA_file(three);
    print_names("load_client_CA_file", l);
    ct_print_errors();
    print_owned("load missing", SSL_load_client_CA_file(ct_tmpfile("missing")));
    ct_print_errors();
    print_owned("load not PEM", SSL_load_client_CA_file(argv[0]));
    ct_print_errors();
    print_owned("load NULL", SSL_load_client_CA_file(NULL));
    ct_print_errors();
    print_owned("load_ex", SSL_load_client_CA_file_ex(three, NULL, NULL));
    ct_print_errors();

    STACK_OF(X509_NAME) *st = sk_X509_NAME_new_null();
    int r = SSL_add_file_cert_subjects_to_stack(st, ct_cert("inter.pem"));
    printf("add_file %d\n", r);
    r = SSL_add_file_cert_subjects_to_stack(st, three);
    printf("add_file %d\n", r);
    print_names("after add_file", st);
    r = SSL_add_file_cert_subjects_to_stack(st, ct_tmpfile("missing"));
    printf("add_file missing %d\n", r);
    ct_print_errors();
    r = SSL_add_dir_cert_subjects_to_stack(st, dir);
    printf("add_dir %d\n", r);
    ct_print_errors();
    print_names("after add_dir", st);
    r = SSL_add_dir_cert_subjects_to_stack(st, ct_tmpfile("missing"));
    printf("add_dir missing %d\n", r);
    ct_print_errors();
    STACK_OF(X509_NAME) *d = SSL_dup_CA_list(st);
    printf("dup is a copy %d\n", d != st);
    print_names("dup", d);
    print_owned("dup NULL", SSL_dup_CA_list(NULL));
    sk_X509_NAME_pop_free(d, X509_NAME_free);
    sk_X509_NAME_pop_free(st, X509_NAME_free);

    printf("== context and connection\n");
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    STACK_OF(X509_NAME) *cl = SSL_CTX_get_client_CA_list(ctx);
    print_names("new context", cl);
    SSL *s = SSL_new(ctx);
    printf("ssl shares the context's %d\n", SSL_get_client_CA_list(s) == cl);
    X509 *x = ct_load_cert("other_ca.pem");
    printf("CTX_add_client_CA %d\n", SSL_CTX_add_client_CA(ctx, x));
    printf("CTX_add_client_CA again %d\n", SSL_CTX_add_client_CA(ctx, x));
    printf("CTX_add_client_CA NULL %d\n", SSL_CTX_add_client_CA(ctx, NULL));
    ct_print_errors();
    print_names("context", SSL_CTX_get_client_CA_list(ctx));
    SSL_CTX_set_client_CA_list(ctx, l);
    printf("set takes the stack %d\n", SSL_CTX_get_client_CA_list(ctx) == l);
    printf("ssl follows %d\n", SSL_get_client_CA_list(s) == l);
    printf("add_client_CA %d\n", SSL_add_client_CA(s, x));
    print_names("ssl's own", SSL_get_client_CA_list(s));
    printf("context unchanged %d\n", SSL_get_client_CA_list(s) != l);
    SSL_set_client_CA_list(s, NULL);
    printf("ssl after set NULL follows %d\n", SSL_get_client_CA_list(s) == l);
    SSL *c = SSL_new(ctx);
    SSL_set_connect_state(c);
    print_names("client before handshake", SSL_get_client_CA_list(c));
    SSL_free(c);
    SSL_free(s);
    X509_free(x);
    SSL_CTX_set_client_CA_list(ctx, NULL);
    print_names("context set NULL", SSL_CTX_get_client_CA_list(ctx));
    SSL_CTX_free(ctx);

    client_view("no request", ct_cert("ca.pem"), 0, 0);
    client_view("request with names", ct_cert("ca.pem"), 1, 0);
    client_view("request with names, tls12", ct_cert("ca.pem"), 1, TLS1_2_VERSION);
    client_view("request without names", NULL, 1, 0);
    client_view("request without names, tls12", NULL, 1, TLS1_2_VERSION);

    request("none", NULL, 0, 0);
    request("context list tls13", SSL_load_client_CA_file(three), 0, 0);
    request("context list tls12", SSL_load_client_CA_file(three), 0, TLS1_2_VERSION);
    request("the connection's own list", SSL_load_client_CA_file(ct_cert("other_ca.pem")), 1, 0);
    request("the connection's own list, tls12", SSL_load_client_CA_file(ct_cert("inter.pem")), 1,
            TLS1_2_VERSION);
    request("set0_CA_list when the client CA list is empty", SSL_load_client_CA_file(three), 2, 0);
    return 0;
}
