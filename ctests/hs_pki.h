/*
 * Keys and certificates made in-process for the handshake tests, signed by
 * the test CA of the cert directory: a server or client certificate for any
 * key type, without fixtures on disk.  Included by ctests/t_hs_*.c only.
 */
#ifndef SSLSHIM_CTESTS_HS_PKI_H
#define SSLSHIM_CTESTS_HS_PKI_H

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common.h"

/* "RSA", "P-256", "P-384" or "ED25519". */
static __attribute__((unused)) EVP_PKEY *hs_key(const char *type) {
    EVP_PKEY *k = NULL;
    if (strcmp(type, "RSA") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    else if (strcmp(type, "ED25519") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    else
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", type);
    if (!k)
        ct_fatal("keygen %s failed", type);
    return k;
}

static __attribute__((unused)) void hs_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value) {
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, v3, nid, value);
    if (!e || !X509_add_ext(x, e, -1))
        ct_fatal("extension %d=%s failed", nid, value);
    X509_EXTENSION_free(e);
}

/* A certificate for key, CN and subjectAltName DNS:cn, issued by the test
 * CA; for a client (TLS client authentication) when client is set. */
static __attribute__((unused)) X509 *hs_cert(EVP_PKEY *key, const char *cn, int client) {
    static X509 *ca;
    static EVP_PKEY *ca_key;
    static long serial = 0x2000;
    if (!ca) {
        FILE *f = fopen(ct_cert("ca.pem"), "r");
        if (!f || !(ca = PEM_read_X509(f, NULL, NULL, NULL)))
            ct_fatal("cannot read ca.pem");
        fclose(f);
        f = fopen(ct_cert("ca.key"), "r");
        if (!f || !(ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL)))
            ct_fatal("cannot read ca.key");
        fclose(f);
    }
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(ca));
    X509_set_pubkey(x, key);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, ca, x, NULL, NULL, 0);
    char san[300];
    snprintf(san, sizeof(san), "DNS:%s", cn);
    hs_ext(x, &v3, NID_basic_constraints, "critical,CA:FALSE");
    hs_ext(x, &v3, NID_ext_key_usage, client ? "clientAuth" : "serverAuth");
    hs_ext(x, &v3, NID_subject_alt_name, san);
    hs_ext(x, &v3, NID_authority_key_identifier, "keyid");
    if (!X509_sign(x, ca_key, EVP_sha256()))
        ct_fatal("X509_sign failed");
    return x;
}

/* The CN of a certificate, or "(none)". */
static __attribute__((unused)) const char *hs_cn(X509 *x, char *buf, int len) {
    if (!x || X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, len) < 0)
        return "(none)";
    return buf;
}

/* A server context with its certificate and key given as objects. */
static __attribute__((unused)) SSL_CTX *hs_server_ctx_with(EVP_PKEY *key, X509 *cert) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    printf("server use_certificate %d\n", SSL_CTX_use_certificate(ctx, cert));
    printf("server use_PrivateKey %d\n", SSL_CTX_use_PrivateKey(ctx, key));
    printf("server check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    return ctx;
}

#endif
