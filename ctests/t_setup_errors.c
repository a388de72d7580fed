/*
 * Set-up failures and what each leaves on the error queue (every entry's
 * library and reason): missing, unreadable and malformed certificate, key
 * and CA files; a key that does not match its certificate, in both orders;
 * SSL_CTX_check_private_key without a certificate or key; a server with no
 * certificate at all, in a handshake with an in-process client.
 */
#include "common.h"

static void show(const char *what, long r) {
    printf("%s -> %ld\n", what, r);
    unsigned long e;
    int n = 0;
    while ((e = ERR_get_error()) != 0) {
        printf("  err lib=%d reason=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e));
        n++;
    }
    if (n == 0)
        printf("  err none\n");
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    const char *missing = ct_tmpfile("missing.pem");
    const char *garbage = ct_tmpfile("garbage.pem");
    ct_write_file(garbage, (const unsigned char *)"not a certificate\n", 18);
    const char *dir = ct_certdir; /* a directory where a file is expected */
    ERR_clear_error();

    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    show("use_certificate_file missing PEM",
         SSL_CTX_use_certificate_file(ctx, missing, SSL_FILETYPE_PEM));
    show("use_certificate_file missing ASN1",
         SSL_CTX_use_certificate_file(ctx, missing, SSL_FILETYPE_ASN1));
    show("use_certificate_file garbage PEM",
         SSL_CTX_use_certificate_file(ctx, garbage, SSL_FILETYPE_PEM));
    show("use_certificate_file PEM read as ASN1",
         SSL_CTX_use_certificate_file(ctx, ct_cert("server.pem"), SSL_FILETYPE_ASN1));
    show("use_certificate_file directory",
         SSL_CTX_use_certificate_file(ctx, dir, SSL_FILETYPE_PEM));
    show("use_certificate_chain_file missing", SSL_CTX_use_certificate_chain_file(ctx, missing));
    show("use_certificate_chain_file garbage", SSL_CTX_use_certificate_chain_file(ctx, garbage));
    show("use_PrivateKey_file missing", SSL_CTX_use_PrivateKey_file(ctx, missing, SSL_FILETYPE_PEM));
    show("use_PrivateKey_file garbage", SSL_CTX_use_PrivateKey_file(ctx, garbage, SSL_FILETYPE_PEM));
    show("use_PrivateKey_file certificate as key",
         SSL_CTX_use_PrivateKey_file(ctx, ct_cert("server.pem"), SSL_FILETYPE_PEM));
    show("check_private_key nothing", SSL_CTX_check_private_key(ctx));
    SSL_CTX_free(ctx);

    /* Certificate first, then a key of the same type that does not match. */
    ctx = SSL_CTX_new(TLS_server_method());
    show("use_certificate_file server.pem",
         SSL_CTX_use_certificate_file(ctx, ct_cert("server.pem"), SSL_FILETYPE_PEM));
    show("check_private_key cert only", SSL_CTX_check_private_key(ctx));
    show("use_PrivateKey_file ca.key (RSA, other)",
         SSL_CTX_use_PrivateKey_file(ctx, ct_cert("ca.key"), SSL_FILETYPE_PEM));
    show("check_private_key after mismatch", SSL_CTX_check_private_key(ctx));
    show("use_PrivateKey_file expired.key (EC)",
         SSL_CTX_use_PrivateKey_file(ctx, ct_cert("expired.key"), SSL_FILETYPE_PEM));
    show("check_private_key after type mismatch", SSL_CTX_check_private_key(ctx));
    show("use_PrivateKey_file server.key",
         SSL_CTX_use_PrivateKey_file(ctx, ct_cert("server.key"), SSL_FILETYPE_PEM));
    show("check_private_key matching", SSL_CTX_check_private_key(ctx));
    SSL_CTX_free(ctx);

    /* Key first, then a certificate that does not match it. */
    ctx = SSL_CTX_new(TLS_server_method());
    show("use_PrivateKey_file ca.key",
         SSL_CTX_use_PrivateKey_file(ctx, ct_cert("ca.key"), SSL_FILETYPE_PEM));
    show("check_private_key key only", SSL_CTX_check_private_key(ctx));
    show("use_certificate_file server.pem after other key",
         SSL_CTX_use_certificate_file(ctx, ct_cert("server.pem"), SSL_FILETYPE_PEM));
    show("check_private_key", SSL_CTX_check_private_key(ctx));
    SSL_CTX_free(ctx);

    /* CA files and directories. */
    ctx = SSL_CTX_new(TLS_client_method());
    show("load_verify_locations missing file", SSL_CTX_load_verify_locations(ctx, missing, NULL));
    show("load_verify_locations garbage file", SSL_CTX_load_verify_locations(ctx, garbage, NULL));
    show("load_verify_locations directory as file",
         SSL_CTX_load_verify_locations(ctx, dir, NULL));
    show("load_verify_locations missing dir", SSL_CTX_load_verify_locations(ctx, NULL, missing));
    show("load_verify_locations NULL NULL", SSL_CTX_load_verify_locations(ctx, NULL, NULL));
    show("load_verify_file missing", SSL_CTX_load_verify_file(ctx, missing));
    show("load_verify_file key file", SSL_CTX_load_verify_file(ctx, ct_cert("server.key")));
    show("load_verify_dir missing", SSL_CTX_load_verify_dir(ctx, missing));
    show("load_verify_locations good", SSL_CTX_load_verify_locations(ctx, ct_cert("ca.pem"), NULL));
    SSL_CTX_free(ctx);

    /* A server with no certificate. */
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    ct_pair_handshake(&p);
    ct_print_errors();
    ct_pair_free(&p);
    /* The same with a key but no certificate. */
    SSL_CTX_use_PrivateKey_file(sctx, ct_cert("server.key"), SSL_FILETYPE_PEM);
    ct_pair_new(&p, cctx, sctx, 64 * 1024);
    ct_pair_handshake(&p);
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    return 0;
}
