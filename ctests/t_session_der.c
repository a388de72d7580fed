/* i2d_SSL_SESSION and d2i_SSL_SESSION within one process: the two-call
 * pattern (length, then the buffer), the pointer moved past the encoding,
 * the values carried over, a decoded session resuming, and garbage refused.
 * The encodings themselves differ between libraries and are not printed. */
#include <openssl/pem.h>

#include "common.h"

static void shutdown_both(ct_pair *p) {
    SSL_shutdown(p->client);
    SSL_shutdown(p->server);
    SSL_shutdown(p->client);
    ERR_clear_error();
}

static SSL_SESSION *connect_once(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer) {
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    if (offer)
        SSL_set_session(p.client, offer);
    SSL_SESSION *got = NULL;
    if (ct_pair_handshake(&p)) {
        char buf[8];
        SSL_write(p.server, "x", 1);
        SSL_read(p.client, buf, sizeof buf);
        printf("reused client %d server %d\n", SSL_session_reused(p.client), SSL_session_reused(p.server));
        got = SSL_get1_session(p.client);
    }
    shutdown_both(&p);
    ct_pair_free(&p);
    return got;
}

static void run(const char *title, long maxv) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_max_proto_version(cctx, maxv);
    SSL_SESSION *s = connect_once(cctx, sctx, NULL);
    int len = i2d_SSL_SESSION(s, NULL);
    printf("i2d length %s\n", len > 0 ? "positive" : "not positive");
    unsigned char *buf = OPENSSL_malloc(len), *p = buf;
    int len2 = i2d_SSL_SESSION(s, &p);
    printf("second call same length %d, pointer moved by it %d\n", len2 == len, p == buf + len);
    unsigned char *alloc = NULL;
    int len3 = i2d_SSL_SESSION(s, &alloc);
    printf("allocating call same length %d, buffer %s\n", len3 == len, alloc ? "set" : "NULL");
    OPENSSL_free(alloc);

    const unsigned char *q = buf;
    SSL_SESSION *back = d2i_SSL_SESSION(NULL, &q, len);
    printf("d2i %s, pointer moved by the length %d\n", back ? "session" : "NULL", q == buf + len);
    unsigned int a, b;
    const unsigned char *ida = SSL_SESSION_get_id(s, &a), *idb = SSL_SESSION_get_id(back, &b);
    printf("same id %d, version %#x, cipher %s, timeout same %d, resumable %d\n",
           a == b && memcmp(ida, idb, a) == 0, SSL_SESSION_get_protocol_version(back),
           SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(back)),
           SSL_SESSION_get_timeout(back) == SSL_SESSION_get_timeout(s), SSL_SESSION_is_resumable(back));
    SSL_SESSION *again = connect_once(cctx, sctx, back);

    /* d2i into an existing pointer replaces what it held. */
    SSL_SESSION *held = SSL_SESSION_new();
    q = buf;
    SSL_SESSION *r = d2i_SSL_SESSION(&held, &q, len);
    printf("d2i into a pointer: returned it %d\n", r == held);
    SSL_SESSION_free(held);

    /* The same through PEM, in a memory BIO. */
    BIO *mem = BIO_new(BIO_s_mem());
    printf("PEM write %d\n", PEM_write_bio_SSL_SESSION(mem, s));
    char *text;
    long tlen = BIO_get_mem_data(mem, &text);
    printf("PEM armour %d\n", tlen > 60 && strncmp(text, "-----BEGIN SSL SESSION PARAMETERS-----", 38) == 0);
    SSL_SESSION *fromPem = PEM_read_bio_SSL_SESSION(mem, NULL, NULL, NULL);
    printf("PEM read %s, resumable %d\n", fromPem ? "session" : "NULL",
           fromPem ? SSL_SESSION_is_resumable(fromPem) : -1);
    SSL_SESSION_free(fromPem);
    printf("PEM read from an empty BIO %s\n", PEM_read_bio_SSL_SESSION(mem, NULL, NULL, NULL) ? "session" : "NULL");
    ERR_clear_error();
    BIO_free(mem);

    unsigned char junk[64];
    memset(junk, 0x30, sizeof junk);
    q = junk;
    printf("garbage: %s\n", d2i_SSL_SESSION(NULL, &q, sizeof junk) ? "session" : "NULL");
    printf("garbage leaves errors %d\n", ERR_peek_error() != 0);
    ERR_clear_error();
    OPENSSL_free(buf);
    SSL_SESSION_free(again);
    SSL_SESSION_free(back);
    SSL_SESSION_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("TLS 1.3", 0);
    run("TLS 1.2", TLS1_2_VERSION);
    return 0;
}
