/* TLS compression: the method list starts empty, adding zlib changes nothing
 * (OpenSSL 3.0 without zlib), the list can be replaced and set to NULL, and
 * connections, before and after a handshake, have no current method. */
#include <openssl/comp.h>

#include "common.h"

int main(int argc, char **argv) {
    ct_init(argc, argv);
    STACK_OF(SSL_COMP) *first = SSL_COMP_get_compression_methods();
    printf("list %s, %d methods\n", first ? "set" : "NULL", first ? sk_SSL_COMP_num(first) : -1);
    printf("same list again %d\n", SSL_COMP_get_compression_methods() == first);
    COMP_METHOD *zlib = COMP_zlib();
    printf("COMP_zlib %s name %s\n", zlib ? "set" : "NULL",
           zlib ? SSL_COMP_get_name(zlib) : "-");
    printf("add zlib as 1: %d\n", SSL_COMP_add_compression_method(1, zlib));
    printf("add zlib as 0xe0: %d\n", SSL_COMP_add_compression_method(0xe0, zlib));
    printf("add NULL as 200: %d\n", SSL_COMP_add_compression_method(200, NULL));
    ct_print_errors();
    printf("after adding, %d methods\n", sk_SSL_COMP_num(SSL_COMP_get_compression_methods()));

    /* stunnel's way of turning compression off: a list of its own. */
    STACK_OF(SSL_COMP) *none = sk_SSL_COMP_new_null();
    STACK_OF(SSL_COMP) *old = SSL_COMP_set0_compression_methods(none);
    printf("set0 returns the first list %d\n", old == first);
    printf("get returns ours %d\n", SSL_COMP_get_compression_methods() == none);
    old = SSL_COMP_set0_compression_methods(NULL);
    printf("set0 NULL returns ours %d\n", old == none);
    printf("list now %s\n", SSL_COMP_get_compression_methods() ? "set" : "NULL");
    sk_SSL_COMP_free(none);
    sk_SSL_COMP_free(first);
    ct_print_errors();

    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    printf("before: compression %p expansion %p\n", (void *)SSL_get_current_compression(p.client),
           (void *)SSL_get_current_expansion(p.client));
    SSL_clear_options(p.client, SSL_OP_NO_COMPRESSION);
    SSL_clear_options(p.server, SSL_OP_NO_COMPRESSION);
    printf("handshake %d\n", ct_pair_handshake(&p));
    printf("client: compression %p expansion %p\n", (void *)SSL_get_current_compression(p.client),
           (void *)SSL_get_current_expansion(p.client));
    printf("server: compression %p expansion %p\n", (void *)SSL_get_current_compression(p.server),
           (void *)SSL_get_current_expansion(p.server));
    ct_print_errors();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
