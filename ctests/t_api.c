/* Calls a caller makes before or around a connection, and what OpenSSL
 * answers: roles from the methods, calls in the wrong state, modes, file and
 * key errors with their reasons, the texts of the reasons. */
#include "common.h"

/* The queued reasons with their texts: which text a reason maps to is part of
 * what callers see (ERR_error_string, ERR_print_errors). */
static void print_errors(const char *label) {
    unsigned long e;
    int n = 0;
    while ((e = ERR_get_error()) != 0) {
        const char *text = ERR_reason_error_string(e);
        printf("%s: err lib=%d reason=%d \"%s\"\n", label, ERR_GET_LIB(e), ERR_GET_REASON(e), text ? text : "");
        n++;
    }
    if (n == 0)
        printf("%s: err none\n", label);
}

static void fresh_calls(const char *name, const SSL_METHOD *m) {
    SSL_CTX *ctx = SSL_CTX_new(m);
    SSL *s = SSL_new(ctx);
    BIO *b1, *b2;
    BIO_new_bio_pair(&b1, 4096, &b2, 4096);
    SSL_set_bio(s, b1, b1);
    printf("%s: is_server=%d version=%s\n", name, SSL_is_server(s), SSL_get_version(s));
    int r = SSL_write(s, "x", 1);
    printf("%s: SSL_write=%d SSL_get_error=%d\n", name, r, SSL_get_error(s, r));
    print_errors(name);
    char buf[4];
    r = SSL_read(s, buf, sizeof buf);
    printf("%s: SSL_read=%d SSL_get_error=%d\n", name, r, SSL_get_error(s, r));
    print_errors(name);
    r = SSL_do_handshake(s);
    printf("%s: SSL_do_handshake=%d SSL_get_error=%d\n", name, r, SSL_get_error(s, r));
    print_errors(name);
    r = SSL_shutdown(s);
    printf("%s: SSL_shutdown=%d SSL_get_error=%d\n", name, r, SSL_get_error(s, r));
    print_errors(name);
    /* A client with a role and nobody answering: the handshake waits. */
    SSL_set_connect_state(s);
    r = SSL_do_handshake(s);
    printf("%s: as client SSL_do_handshake=%d SSL_get_error=%d want=%d\n", name, r, SSL_get_error(s, r), SSL_want(s));
    print_errors(name);
    r = SSL_shutdown(s);
    printf("%s: SSL_shutdown during handshake=%d\n", name, r);
    print_errors(name);
    SSL_free(s);
    BIO_free(b2);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    fresh_calls("TLS_method", TLS_method());
    fresh_calls("TLS_client_method", TLS_client_method());
    fresh_calls("TLS_server_method", TLS_server_method());

    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    printf("default mode=%ld\n", SSL_CTX_get_mode(ctx));
    printf("set_mode(PARTIAL)=%ld\n", SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE));
    printf("set_mode(MOVING)=%ld\n", SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER));
    printf("clear_mode(PARTIAL)=%ld\n", SSL_CTX_clear_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE));
    SSL *s = SSL_new(ctx);
    printf("SSL inherits mode=%ld; SSL_set_mode(PARTIAL)=%ld; ctx mode=%ld\n", SSL_get_mode(s),
           SSL_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE), SSL_CTX_get_mode(ctx));
    printf("rbio=%s wbio=%s fd=%d\n", SSL_get_rbio(s) ? "set" : "NULL", SSL_get_wbio(s) ? "set" : "NULL", SSL_get_fd(s));
    int fds[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
    printf("SSL_set_fd=%d get_fd ok=%d rfd ok=%d wfd ok=%d same bio=%d\n", SSL_set_fd(s, fds[0]),
           SSL_get_fd(s) == fds[0], SSL_get_rfd(s) == fds[0], SSL_get_wfd(s) == fds[0],
           SSL_get_rbio(s) == SSL_get_wbio(s));
    printf("SSL_set_wfd=%d rfd ok=%d wfd ok=%d\n", SSL_set_wfd(s, fds[1]), SSL_get_rfd(s) == fds[0],
           SSL_get_wfd(s) == fds[1]);
    printf("verify_result before handshake=%ld\n", SSL_get_verify_result(s));
    SSL_free(s);
    close(fds[0]);
    close(fds[1]);

    printf("use_certificate_file(missing)=%d\n", SSL_CTX_use_certificate_file(ctx, "/nonexistent.pem", SSL_FILETYPE_PEM));
    print_errors("missing certificate");
    printf("use_PrivateKey_file(missing)=%d\n", SSL_CTX_use_PrivateKey_file(ctx, "/nonexistent.key", SSL_FILETYPE_PEM));
    print_errors("missing key");
    printf("check_private_key(no certificate)=%d\n", SSL_CTX_check_private_key(ctx));
    print_errors("no certificate");
    printf("use_certificate_file=%d\n", SSL_CTX_use_certificate_file(ctx, ct_cert("server.pem"), SSL_FILETYPE_PEM));
    printf("check_private_key(no key)=%d\n", SSL_CTX_check_private_key(ctx));
    print_errors("no key");
    printf("use_PrivateKey_file(CA's key)=%d\n", SSL_CTX_use_PrivateKey_file(ctx, ct_cert("ca.key"), SSL_FILETYPE_PEM));
    print_errors("wrong key");
    printf("use_PrivateKey_file=%d check_private_key=%d\n",
           SSL_CTX_use_PrivateKey_file(ctx, ct_cert("server.key"), SSL_FILETYPE_PEM), SSL_CTX_check_private_key(ctx));
    printf("load_verify_locations(NULL, NULL)=%d\n", SSL_CTX_load_verify_locations(ctx, NULL, NULL));
    print_errors("no locations");
    printf("load_verify_locations(missing)=%d\n", SSL_CTX_load_verify_locations(ctx, "/nonexistent-ca.pem", NULL));
    print_errors("missing CA");
    printf("load_verify_locations(ca)=%d\n", SSL_CTX_load_verify_locations(ctx, ct_cert("ca.pem"), NULL));
    printf("load_verify_locations(dir)=%d\n", SSL_CTX_load_verify_locations(ctx, NULL, ct_certdir));
    printf("set_default_verify_paths=%d\n", SSL_CTX_set_default_verify_paths(ctx));
    printf("SSL_new(NULL)=%s\n", SSL_new(NULL) ? "object" : "NULL");
    print_errors("SSL_new(NULL)");
    SSL_CTX_free(ctx);

    static const int reasons[] = {SSL_R_BAD_WRITE_RETRY, SSL_R_BAD_LENGTH, SSL_R_PROTOCOL_IS_SHUTDOWN,
                                  SSL_R_UNINITIALIZED, SSL_R_CERTIFICATE_VERIFY_FAILED,
                                  SSL_R_UNEXPECTED_EOF_WHILE_READING, SSL_R_TLSV1_ALERT_UNKNOWN_CA};
    for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++)
        printf("reason %d: %s\n", reasons[i], ERR_error_string(ERR_PACK(ERR_LIB_SSL, 0, reasons[i]), NULL));
    for (int alert = 0; alert < 256; alert++)
        if (strcmp(SSL_alert_desc_string_long(alert << 8 | alert), "unknown") != 0)
            printf("alert %d: %s\n", alert, SSL_alert_desc_string_long(alert));
    return 0;
}
