/*
 * SSL_CONF: flags, the names a file and a command line give each command,
 * value types, prefixes, unknown and NULL commands with and without
 * SSL_CONF_FLAG_SHOW_ERRORS, and the commands sslshim carries out:
 * CipherString, Ciphersuites, MinProtocol, MaxProtocol, Protocol, Options,
 * VerifyMode, Groups/Curves, NumTickets, the switches, Certificate and
 * PrivateKey (with SSL_CONF_CTX_finish), ClientCAFile; SSL_CONF_cmd_argv.
 * Handshakes between contexts so configured show the settings took effect.
 */
#include "common.h"

static SSL_CONF_CTX *conf(SSL_CTX *ctx, unsigned flags) {
    SSL_CONF_CTX *c = SSL_CONF_CTX_new();
    printf("set_flags %#x\n", SSL_CONF_CTX_set_flags(c, flags));
    if (ctx)
        SSL_CONF_CTX_set_ssl_ctx(c, ctx);
    return c;
}

static int cmd(SSL_CONF_CTX *c, const char *name, const char *value) {
    int r = SSL_CONF_cmd(c, name, value);
    /* Scratch paths differ from run to run. */
    const char *shown = value && strrchr(value, '/') ? strrchr(value, '/') + 1 : value;
    printf("cmd %s=%s -> %d\n", name ? name : "(null)", shown ? shown : "(null)", r);
    ct_print_errors();
    return r;
}

static void handshake(const char *what, SSL_CTX *cctx, SSL_CTX *sctx) {
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    int ok = ct_pair_handshake(&p);
    printf("%s: %s", what, ok ? "ok" : "failed");
    if (ok)
        printf(" %s %s", SSL_get_version(p.client), SSL_CIPHER_get_name(SSL_get_current_cipher(p.client)));
    printf("\n");
    ERR_clear_error();
    ct_pair_free(&p);
}

static const char *names[] = {"CipherString", "cipherstring", "cipher", "-cipher", "Ciphersuites",
                              "MinProtocol", "-min_protocol", "Options", "Protocol", "VerifyMode",
                              "Groups", "Curves", "-groups", "-curves", "NumTickets", "-num_tickets",
                              "-no_ticket", "-serverpref", "-legacy_server_connect", "-comp",
                              "-strict", "Certificate", "-cert", "PrivateKey", "ClientCAFile",
                              "RequestCAFile", "SignatureAlgorithms", "RecordPadding", "Bogus",
                              "-bogus", "-", "", "ssl_CipherString", "SSL_cipherstring", NULL};

static void types(unsigned flags, const char *prefix) {
    SSL_CONF_CTX *c = SSL_CONF_CTX_new();
    SSL_CONF_CTX_set_flags(c, flags);
    if (prefix)
        printf("set1_prefix %d\n", SSL_CONF_CTX_set1_prefix(c, prefix));
    printf("types flags=%#x prefix=%s:", flags, prefix ? prefix : "-");
    for (const char **n = names; *n; n++)
        printf(" %d", SSL_CONF_cmd_value_type(c, *n));
    printf("\n");
    SSL_CONF_CTX_free(c);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);

    printf("== flags and names\n");
    SSL_CONF_CTX *c = SSL_CONF_CTX_new();
    printf("set_flags %#x\n", SSL_CONF_CTX_set_flags(c, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER));
    printf("set_flags %#x\n", SSL_CONF_CTX_set_flags(c, SSL_CONF_FLAG_SHOW_ERRORS));
    printf("clear_flags %#x\n", SSL_CONF_CTX_clear_flags(c, SSL_CONF_FLAG_SERVER));
    SSL_CONF_CTX_free(c);
    SSL_CONF_CTX_free(NULL);
    types(0, NULL);
    types(SSL_CONF_FLAG_FILE, NULL);
    types(SSL_CONF_FLAG_CMDLINE, NULL);
    types(SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER | SSL_CONF_FLAG_CERTIFICATE, NULL);
    types(SSL_CONF_FLAG_CMDLINE | SSL_CONF_FLAG_CLIENT | SSL_CONF_FLAG_CERTIFICATE, NULL);
    types(SSL_CONF_FLAG_FILE, "ssl_");
    types(SSL_CONF_FLAG_CMDLINE, "ssl_");

    printf("== without a context\n");
    c = conf(NULL, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT);
    cmd(c, NULL, "x");
    cmd(c, "Bogus", "x");
    cmd(c, "CipherString", "HIGH");
    cmd(c, "CipherString", "NOTACIPHER");
    cmd(c, "MinProtocol", "TLSv1.2");
    cmd(c, "Options", "Bugs");
    SSL_CONF_CTX_set_flags(c, SSL_CONF_FLAG_SHOW_ERRORS);
    cmd(c, NULL, "x");
    cmd(c, "Bogus", "x");
    cmd(c, "CipherString", NULL);
    cmd(c, "MinProtocol", "TLSv1.2");
    printf("finish %d\n", SSL_CONF_CTX_finish(c));
    SSL_CONF_CTX_free(c);

    printf("== server context\n");
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    c = conf(sctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER | SSL_CONF_FLAG_CERTIFICATE |
                       SSL_CONF_FLAG_REQUIRE_PRIVATE | SSL_CONF_FLAG_SHOW_ERRORS);
    const char *both = ct_tmpfile("certkey.pem");
    {
        FILE *out = fopen(both, "w");
        const char *parts[] = {"server.pem", "server.key"};
        for (int i = 0; i < 2; i++) {
            FILE *in = fopen(ct_cert(parts[i]), "r");
            char buf[4096];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, in)) > 0)
                fwrite(buf, 1, n, out);
            fclose(in);
        }
        fclose(out);
    }
    cmd(c, "Certificate", both);
    printf("key before finish %s\n", SSL_CTX_get0_privatekey(sctx) ? "set" : "none");
    printf("finish %d\n", SSL_CONF_CTX_finish(c));
    printf("check_private_key %d\n", SSL_CTX_check_private_key(sctx));
    cmd(c, "Certificate", ct_tmpfile("missing.pem"));
    cmd(c, "MinProtocol", "TLSv1.9");
    cmd(c, "MinProtocol", "tlsv1.2");
    cmd(c, "MinProtocol", "TLSv1.2");
    cmd(c, "MaxProtocol", "None");
    printf("bounds %ld %ld\n", SSL_CTX_get_min_proto_version(sctx), SSL_CTX_get_max_proto_version(sctx));
    cmd(c, "CipherString", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256");
    cmd(c, "Ciphersuites", "TLS_CHACHA20_POLY1305_SHA256");
    cmd(c, "Options", "-SessionTicket, serverpreference,-Compression");
    printf("options %#llx\n", (unsigned long long)SSL_CTX_get_options(sctx));
    cmd(c, "Options", "Bugs,Nonsense");
    cmd(c, "Options", "Bugs,");
    printf("options %#llx\n", (unsigned long long)SSL_CTX_get_options(sctx));
    cmd(c, "Options", "-Bugs,SessionTicket");
    cmd(c, "Protocol", "-ALL,TLSv1.2,TLSv1.3");
    printf("options %#llx\n", (unsigned long long)SSL_CTX_get_options(sctx));
    cmd(c, "VerifyMode", "Peer");
    cmd(c, "VerifyMode", "Request");
    printf("verify_mode %d\n", SSL_CTX_get_verify_mode(sctx));
    cmd(c, "VerifyMode", "None");
    cmd(c, "NumTickets", "3");
    printf("num_tickets %zu\n", SSL_CTX_get_num_tickets(sctx));
    cmd(c, "NumTickets", "-1");
    cmd(c, "Groups", "P-384:X25519");
    cmd(c, "Groups", "P-384:bogus");
    cmd(c, "Groups", "");
    cmd(c, "ClientCAFile", ct_cert("ca.pem"));
    printf("CA list before finish %d\n", SSL_CTX_get0_CA_list(sctx) ? sk_X509_NAME_num(SSL_CTX_get0_CA_list(sctx)) : -1);
    printf("finish %d\n", SSL_CONF_CTX_finish(c));
    printf("CA list after finish %d\n", SSL_CTX_get0_CA_list(sctx) ? sk_X509_NAME_num(SSL_CTX_get0_CA_list(sctx)) : -1);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_NONE, NULL);
    SSL_CONF_CTX_free(c);

    printf("== SSL_CTX_set1_groups_list\n");
    const char *lists[] = {"X25519:P-256", "x25519:p-256", "prime256v1", "secp384r1:P-521", "X448",
                           "ffdhe2048", "bogus", "X25519:bogus", "", "P-256:", NULL};
    SSL_CTX *g = SSL_CTX_new(TLS_method());
    for (int i = 0; lists[i]; i++) {
        printf("groups '%s' -> %ld\n", lists[i], SSL_CTX_set1_groups_list(g, lists[i]));
        ct_print_errors();
    }
    printf("curves 'P-384' -> %ld\n", SSL_CTX_set1_curves_list(g, "P-384"));
    SSL_CTX_free(g);

    printf("== a refused cipher list\n");
    SSL_CTX *tmp = SSL_CTX_new(TLS_method());
    c = conf(tmp, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT | SSL_CONF_FLAG_SHOW_ERRORS);
    cmd(c, "CipherString", "NOTACIPHER");
    cmd(c, "Ciphersuites", "TLS_NOT_A_SUITE");
    SSL_CONF_CTX_free(c);
    SSL_CTX_free(tmp);

    printf("== switches\n");
    c = conf(sctx, SSL_CONF_FLAG_CMDLINE | SSL_CONF_FLAG_SERVER);
    cmd(c, "-no_ticket", NULL);
    cmd(c, "-comp", "ignored");
    cmd(c, "-legacy_server_connect", NULL);
    cmd(c, "-serverpref", NULL);
    printf("options %#llx\n", (unsigned long long)SSL_CTX_get_options(sctx));
    SSL_CONF_CTX_free(c);

    printf("== handshakes\n");
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    handshake("tls13 chacha, groups P-384:X25519", cctx, sctx);
    c = conf(cctx, SSL_CONF_FLAG_CMDLINE | SSL_CONF_FLAG_CLIENT);
    char *args[] = {"-max_protocol", "TLSv1.2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384",
                    "-no_ticket", "-bogus", "x", NULL};
    char **av = args;
    int ac = 7;
    while (ac > 0) {
        int r = SSL_CONF_cmd_argv(c, &ac, &av);
        printf("cmd_argv -> %d, %d left\n", r, ac);
        if (r <= 0)
            break;
    }
    ct_print_errors();
    handshake("tls12 aes256", cctx, sctx);
    cmd(c, "-groups", "P-256");
    handshake("client P-256 only, server P-384:X25519", cctx, sctx);
    cmd(c, "-curves", "P-384");
    handshake("client P-384", cctx, sctx);
    SSL_CONF_CTX_free(c);

    printf("== one connection\n");
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    c = conf(NULL, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT | SSL_CONF_FLAG_SHOW_ERRORS);
    SSL_CONF_CTX_set_ssl(c, p.client);
    cmd(c, "CipherString", "ECDHE-RSA-AES128-GCM-SHA256");
    cmd(c, "MaxProtocol", "TLSv1.2");
    cmd(c, "Options", "-MiddleboxCompat");
    cmd(c, "VerifyMode", "Peer");
    printf("finish %d\n", SSL_CONF_CTX_finish(c));
    printf("ssl max %ld options %#llx verify %d; context max %ld\n",
           SSL_get_max_proto_version(p.client), (unsigned long long)SSL_get_options(p.client),
           SSL_get_verify_mode(p.client), SSL_CTX_get_max_proto_version(cctx));
    int ok = ct_pair_handshake(&p);
    printf("one connection: %s", ok ? "ok" : "failed");
    if (ok)
        printf(" %s %s", SSL_get_version(p.client), SSL_CIPHER_get_name(SSL_get_current_cipher(p.client)));
    printf("\n");
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CONF_CTX_free(c);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
