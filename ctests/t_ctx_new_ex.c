/* SSL_CTX_new_ex in the default library context: no query, an empty one,
 * queries the default provider satisfies (stunnel's "provider!=fips") and
 * ones nothing satisfies; the contexts it makes work. */
#include "common.h"

int main(int argc, char **argv) {
    ct_init(argc, argv);
    const char *queries[] = {NULL, "", "provider!=fips", "provider=default", "?fips=yes",
                             "fips=yes", "provider=nonesuch"};
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        SSL_CTX *ctx = SSL_CTX_new_ex(NULL, queries[i], TLS_method());
        printf("query %s: %s\n", queries[i] ? queries[i] : "NULL", ctx ? "context" : "NULL");
        ct_print_errors();
        SSL_CTX_free(ctx);
    }
    SSL_CTX *ctx = SSL_CTX_new_ex(OSSL_LIB_CTX_get0_global_default(), NULL, TLS_method());
    printf("global default context: %s\n", ctx ? "context" : "NULL");
    SSL_CTX_free(ctx);
    printf("NULL method: %s\n", SSL_CTX_new_ex(NULL, NULL, NULL) ? "context" : "NULL");
    ct_print_errors();

    /* A server and a client made this way, as stunnel makes them. */
    SSL_CTX *sctx = SSL_CTX_new_ex(NULL, "provider!=fips", TLS_server_method());
    SSL_CTX *cctx = SSL_CTX_new_ex(NULL, "provider!=fips", TLS_client_method());
    printf("server cert %d key %d\n",
           SSL_CTX_use_certificate_chain_file(sctx, ct_cert("server.pem")),
           SSL_CTX_use_PrivateKey_file(sctx, ct_cert("server.key"), SSL_FILETYPE_PEM));
    printf("client CA %d\n", SSL_CTX_load_verify_locations(cctx, ct_cert("ca.pem"), NULL));
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    SSL_set1_host(p.client, "localhost");
    printf("handshake %d verify %ld\n", ct_pair_handshake(&p), SSL_get_verify_result(p.client));
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
