/*
 * The texts of the SSL library's reasons, as ERR_error_string_n,
 * ERR_reason_error_string and ERR_lib_error_string print them: every reason
 * number OpenSSL 3.0 knows (and the gaps between them) after the library has
 * been initialised, then the full lines of errors raised by real calls.
 */
#include "common.h"

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char line[256];
    int named = 0;
    for (int r = 1; r < 1200; r++) {
        unsigned long e = ERR_PACK(ERR_LIB_SSL, 0, r);
        const char *text = ERR_reason_error_string(e);
        if (!text)
            continue;
        named++;
        ERR_error_string_n(e, line, sizeof line);
        printf("%s\n", line);
    }
    printf("%d reasons named\n", named);
    printf("lib %s\n", ERR_lib_error_string(ERR_PACK(ERR_LIB_SSL, 0, 0)));

    /* Raised by calls: a write with no role, a negative length, after shutdown. */
    SSL *ssl = SSL_new(ctx);
    SSL_write(ssl, "x", 1);
    SSL_write(ssl, "x", -1);
    SSL_set_connect_state(ssl);
    SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN);
    SSL_write(ssl, "x", 1);
    unsigned long e;
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, line, sizeof line);
        printf("raised %s\n", line);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return 0;
}
