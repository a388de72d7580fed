/*
 * Client certificates: requested, required, verified; absent, from the test
 * CA and from an unknown issuer; SSL_get1_peer_certificate and
 * SSL_get_peer_cert_chain on each side (a server's chain excludes the leaf,
 * a client's includes it), in TLS 1.3 and 1.2.
 */
#include "hs_pki.h"

static EVP_PKEY *ckey;
static X509 *ccert;
static EVP_PKEY *rogue_key;
static X509 *rogue_cert;

/* A self-signed client certificate: an issuer the server does not know. */
static X509 *self_signed(EVP_PKEY *k) {
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 77);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"rogue client", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, k);
    X509_sign(x, k, EVP_sha256());
    return x;
}

static void side(const char *who, SSL *s) {
    char buf[256];
    X509 *peer = SSL_get1_peer_certificate(s);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(s);
    printf("%s peer CN %s chain %d", who, hs_cn(peer, buf, sizeof(buf)),
           chain ? sk_X509_num(chain) : -1);
    for (int i = 0; chain && i < sk_X509_num(chain); i++)
        printf(" [%s]", hs_cn(sk_X509_value(chain, i), buf, sizeof(buf)));
    printf(" verify %ld\n", SSL_get_verify_result(s));
    X509_free(peer);
}

static void run(const char *title, int maxv, int server_mode, X509 *cert, EVP_PKEY *key,
                int chain_file) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (chain_file)
        printf("server use_certificate_chain_file %d\n",
               SSL_CTX_use_certificate_chain_file(sctx, ct_cert("chain.pem")));
    else
        printf("server use_certificate_file %d\n",
               SSL_CTX_use_certificate_file(sctx, ct_cert("server.pem"), SSL_FILETYPE_PEM));
    printf("server use_PrivateKey_file %d\n",
           SSL_CTX_use_PrivateKey_file(sctx, ct_cert("server.key"), SSL_FILETYPE_PEM));
    printf("server load_verify_locations %d\n",
           SSL_CTX_load_verify_locations(sctx, ct_cert("ca.pem"), NULL));
    SSL_CTX_set_verify(sctx, server_mode, NULL);
    printf("server verify mode %d\n", SSL_CTX_get_verify_mode(sctx));
    if (cert) {
        printf("client use_certificate %d\n", SSL_CTX_use_certificate(cctx, cert));
        printf("client use_PrivateKey %d\n", SSL_CTX_use_PrivateKey(cctx, key));
    }
    if (maxv) {
        SSL_CTX_set_max_proto_version(cctx, maxv);
        SSL_CTX_set_max_proto_version(sctx, maxv);
    }
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    int ok = ct_pair_handshake(&p);
    if (ok) {
        side("client", p.client);
        side("server", p.server);
        printf("version %s\n", SSL_get_version(p.client));
    } else {
        /* After a rejected client certificate the server records why. */
        printf("server verify %ld\n", SSL_get_verify_result(p.server));
    }
    ERR_clear_error();
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    ckey = hs_key("P-256");
    ccert = hs_cert(ckey, "test client", 1);
    rogue_key = hs_key("P-256");
    rogue_cert = self_signed(rogue_key);

    int req = SSL_VERIFY_PEER;
    int must = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    for (int v = 0; v < 2; v++) {
        int maxv = v ? TLS1_2_VERSION : 0;
        printf("#### %s\n", v ? "TLS 1.2" : "default");
        run("not requested, client has none", maxv, SSL_VERIFY_NONE, NULL, NULL, 0);
        run("not requested, client has one", maxv, SSL_VERIFY_NONE, ccert, ckey, 0);
        run("requested, client has none", maxv, req, NULL, NULL, 0);
        run("requested, client has one", maxv, req, ccert, ckey, 0);
        run("required, client has none", maxv, must, NULL, NULL, 0);
        run("required, client has one", maxv, must, ccert, ckey, 0);
        run("required, client once", maxv, must | SSL_VERIFY_CLIENT_ONCE, ccert, ckey, 0);
        run("requested, unknown issuer", maxv, req, rogue_cert, rogue_key, 0);
        run("server chain file", maxv, req, ccert, ckey, 1);
    }
    X509_free(ccert);
    EVP_PKEY_free(ckey);
    X509_free(rogue_cert);
    EVP_PKEY_free(rogue_key);
    return 0;
}
