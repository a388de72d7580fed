/*
 * One client context meeting many servers, each with a certificate of its
 * own, more than the context keeps decoded, then some of them again, and
 * two connections to one server at once: every connection verifies and
 * reports its own server's certificate (the verify callback's depth-0
 * certificate, SSL_get1_peer_certificate, the peer chain and the verified
 * chain), and a certificate taken from a connection outlives it and its
 * context. Then a server whose certificate has a malformed extension,
 * which libcrypto 3.0 finds invalid: each connection to it reports that
 * on its own, also the second through the same context.
 */
#include "common.h"
#include "hs_pki.h"

#define SERVERS 20

static long seen_serial;

static long serial_of(X509 *x) {
    return x ? ASN1_INTEGER_get(X509_get0_serialNumber(x)) : -1;
}

static int remember(int ok, X509_STORE_CTX *store) {
    if (X509_STORE_CTX_get_error_depth(store) == 0)
        seen_serial = serial_of(X509_STORE_CTX_get_current_cert(store));
    return ok;
}

/* Connects to server i; returns the client SSL, its handshake done. */
static ct_pair connect_to(SSL_CTX *cctx, SSL_CTX **sctx, int i) {
    ct_pair p;
    seen_serial = 0;
    ct_pair_new(&p, cctx, sctx[i], 17 * 1024);
    int hs = ct_pair_handshake(&p);
    X509 *peer = SSL_get1_peer_certificate(p.client);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(p.client);
    STACK_OF(X509) *verified = SSL_get0_verified_chain(p.client);
    printf("server %d: handshake %d verify %ld callback serial %#lx peer serial %#lx chain %d "
           "(first %#lx) verified %d (first %#lx)\n",
           i, hs, SSL_get_verify_result(p.client), (unsigned long)seen_serial,
           (unsigned long)serial_of(peer), chain ? sk_X509_num(chain) : -1,
           (unsigned long)(chain ? serial_of(sk_X509_value(chain, 0)) : -1),
           verified ? sk_X509_num(verified) : -1,
           (unsigned long)(verified ? serial_of(sk_X509_value(verified, 0)) : -1));
    X509_free(peer);
    return p;
}

static void invalid_twice(EVP_PKEY *key) {
    X509 *cert = hs_cert(key, "localhost", 0);
    /* A Netscape certificate type holding a NULL, not a BIT STRING:
     * libcrypto marks the certificate invalid, rustls ignores the
     * extension (not critical). */
    static const unsigned char not_bits[] = {0x05, 0x00};
    ASN1_OCTET_STRING *value = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(value, not_bits, sizeof not_bits);
    X509_EXTENSION *ext = X509_EXTENSION_create_by_NID(NULL, NID_netscape_cert_type, 0, value);
    if (!ext || !X509_add_ext(cert, ext, -1))
        ct_fatal("cannot add the malformed extension");
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(value);
    FILE *f = fopen(ct_cert("ca.key"), "r");
    EVP_PKEY *ca_key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!ca_key || !X509_sign(cert, ca_key, EVP_sha256()))
        ct_fatal("cannot sign the certificate with a malformed extension");
    EVP_PKEY_free(ca_key);
    SSL_CTX *sctx = hs_server_ctx_with(key, cert);
    X509_free(cert);
    for (int mode = 0; mode < 2; mode++) {
        SSL_CTX *cctx = ct_client_ctx(mode ? SSL_VERIFY_PEER : SSL_VERIFY_NONE);
        for (int i = 0; i < 2; i++) {
            ERR_clear_error();
            ct_pair p;
            ct_pair_new(&p, cctx, sctx, 17 * 1024);
            int hs = ct_pair_handshake(&p);
            printf("malformed extension, %s, connection %d: handshake %d verify %ld\n",
                   mode ? "SSL_VERIFY_PEER" : "SSL_VERIFY_NONE", i, hs,
                   SSL_get_verify_result(p.client));
            ct_print_errors_of("after it:");
            ct_pair_free(&p);
        }
        SSL_CTX_free(cctx);
    }
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    EVP_PKEY *key = hs_key("prime256v1");
    SSL_CTX *sctx[SERVERS];
    for (int i = 0; i < SERVERS; i++) {
        X509 *cert = hs_cert(key, "localhost", 0);
        sctx[i] = hs_server_ctx_with(key, cert);
        X509_free(cert);
    }
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, remember);
    for (int i = 0; i < SERVERS; i++) {
        ct_pair p = connect_to(cctx, sctx, i);
        ct_pair_free(&p);
    }
    /* The first servers again, now that later ones came between. */
    for (int i = 0; i < 3; i++) {
        ct_pair p = connect_to(cctx, sctx, i);
        ct_pair_free(&p);
    }
    /* Two connections to one server at once, and a certificate kept from
     * the first past both connections and the client context. */
    ct_pair a = connect_to(cctx, sctx, 5);
    ct_pair b = connect_to(cctx, sctx, 5);
    X509 *kept = SSL_get1_peer_certificate(a.client);
    ct_pair_free(&a);
    X509 *other = SSL_get1_peer_certificate(b.client);
    printf("both connections' certificates equal %d\n", kept && other && X509_cmp(kept, other) == 0);
    X509_free(other);
    ct_pair_free(&b);
    SSL_CTX_free(cctx);
    char cn[64];
    printf("kept certificate: serial %#lx CN %s\n", (unsigned long)serial_of(kept),
           hs_cn(kept, cn, sizeof cn));
    X509_free(kept);
    for (int i = 0; i < SERVERS; i++)
        SSL_CTX_free(sctx[i]);
    invalid_twice(key);
    EVP_PKEY_free(key);
    return 0;
}
