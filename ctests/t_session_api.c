/* The SSL_SESSION getters and setters: a new session's values, each setter
 * with good and bad arguments, the values a handshake leaves on both ends
 * (TLS 1.3 and 1.2), duplicates, and application data through
 * SSL_SESSION_get_ex_new_index with its callbacks. IDs and times are random
 * or moving, so only their lengths and ranges are printed. */
#include <time.h>

#include "common.h"

static int frees;
static void free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp) {
    (void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
    if (ptr)
        frees++;
}
static int dups;
static int dup_cb(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx, long argl,
                  void *argp) {
    (void)to; (void)from; (void)from_d; (void)idx; (void)argl; (void)argp;
    dups++;
    return 1;
}

static void show(const char *who, SSL_SESSION *s) {
    unsigned int idlen = 99, ctxlen = 99;
    const unsigned char *id = SSL_SESSION_get_id(s, &idlen);
    const unsigned char *idctx = SSL_SESSION_get0_id_context(s, &ctxlen);
    long now = (long)time(NULL);
    long t = SSL_SESSION_get_time(s);
    const SSL_CIPHER *c = SSL_SESSION_get0_cipher(s);
    const char *host = SSL_SESSION_get0_hostname(s);
    const unsigned char *alpn = NULL;
    size_t alpnlen = 99;
    SSL_SESSION_get0_alpn_selected(s, &alpn, &alpnlen);
    X509 *peer = SSL_SESSION_get0_peer(s);
    printf("%s: id %s len %u, id_context len %u \"%.*s\"\n", who, id ? "set" : "NULL", idlen, ctxlen,
           (int)ctxlen, idctx ? (const char *)idctx : "");
    printf("%s: time %s, timeout %ld, version %#x, cipher %s\n", who,
           t == 0 ? "0" : (t <= now && t > now - 60 ? "now" : "other"), SSL_SESSION_get_timeout(s),
           SSL_SESSION_get_protocol_version(s), c ? SSL_CIPHER_get_name(c) : "NULL");
    printf("%s: hostname %s, alpn len %zu \"%.*s\", peer %s, resumable %d, has_ticket %d\n", who,
           host ? host : "NULL", alpnlen, (int)alpnlen, alpn ? (const char *)alpn : "",
           peer ? "set" : "NULL", SSL_SESSION_is_resumable(s), SSL_SESSION_has_ticket(s));
    if (peer) {
        char name[256];
        X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name);
        printf("%s: peer subject %s\n", who, name);
    }
    printf("%s: max_fragment_length %u compress_id %u\n", who,
           SSL_SESSION_get_max_fragment_length(s), SSL_SESSION_get_compress_id(s));
}

static void setters(void) {
    printf("== a new session\n");
    SSL_SESSION *s = SSL_SESSION_new();
    show("new", s);
    unsigned char id[40];
    memset(id, 'i', sizeof id);
    printf("set1_id 32: %d\n", SSL_SESSION_set1_id(s, id, 32));
    printf("set1_id 33: %d\n", SSL_SESSION_set1_id(s, id, 33));
    ct_print_errors();
    unsigned int len = 0;
    const unsigned char *got = SSL_SESSION_get_id(s, &len);
    printf("id len %u same %d\n", len, got && memcmp(got, id, len) == 0);
    printf("set1_id 0: %d\n", SSL_SESSION_set1_id(s, id, 0));
    SSL_SESSION_get_id(s, &len);
    printf("id len %u\n", len);
    printf("set1_id_context 7: %d\n", SSL_SESSION_set1_id_context(s, (const unsigned char *)"stunnel", 7));
    printf("set1_id_context 33: %d\n", SSL_SESSION_set1_id_context(s, id, 33));
    ct_print_errors();
    long r = SSL_SESSION_set_time(s, 1000);
    printf("set_time 1000: %ld, get %ld\n", r, SSL_SESSION_get_time(s));
    r = SSL_SESSION_set_timeout(s, 60);
    printf("set_timeout 60: %ld, get %ld\n", r, SSL_SESSION_get_timeout(s));
    r = SSL_SESSION_set_timeout(s, 0);
    printf("set_timeout 0: %ld, get %ld\n", r, SSL_SESSION_get_timeout(s));
    r = SSL_SESSION_set_protocol_version(s, TLS1_2_VERSION);
    printf("set_protocol_version 1.2: %ld, get %#x\n", r, SSL_SESSION_get_protocol_version(s));
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *ssl = SSL_new(ctx);
    const SSL_CIPHER *c = SSL_CIPHER_find(ssl, (const unsigned char *)"\x13\x01");
    printf("cipher found %s\n", c ? SSL_CIPHER_get_name(c) : "NULL");
    printf("set_cipher: %d\n", SSL_SESSION_set_cipher(s, c));
    printf("set1_hostname: %d\n", SSL_SESSION_set1_hostname(s, "example.org"));
    printf("set1_alpn_selected: %d\n", SSL_SESSION_set1_alpn_selected(s, (const unsigned char *)"h2", 2));
    unsigned char mk[48];
    memset(mk, 'm', sizeof mk);
    printf("set1_master_key 48: %d\n", SSL_SESSION_set1_master_key(s, mk, 48));
    unsigned char out[300];
    printf("get_master_key size %zu\n", SSL_SESSION_get_master_key(s, NULL, 0));
    size_t n = SSL_SESSION_get_master_key(s, out, sizeof out);
    printf("get_master_key %zu same %d\n", n, n == 48 && memcmp(out, mk, 48) == 0);
    printf("get_master_key into 10: %zu\n", SSL_SESSION_get_master_key(s, out, 10));
    printf("set1_master_key 300: %d\n", SSL_SESSION_set1_master_key(s, out, 300));
    ct_print_errors();
    show("after setters", s);
    printf("set1_hostname NULL: %d\n", SSL_SESSION_set1_hostname(s, NULL));
    printf("set1_alpn_selected NULL: %d\n", SSL_SESSION_set1_alpn_selected(s, NULL, 0));
    void *data = NULL;
    size_t dlen = 99;
    int ok = SSL_SESSION_get0_ticket_appdata(s, &data, &dlen);
    printf("ticket_appdata none: %d len %zu\n", ok, dlen);
    printf("set1_ticket_appdata: %d\n", SSL_SESSION_set1_ticket_appdata(s, "appdata", 7));
    ok = SSL_SESSION_get0_ticket_appdata(s, &data, &dlen);
    printf("ticket_appdata: %d len %zu \"%.*s\"\n", ok, dlen, (int)dlen, (const char *)data);
    ct_print_errors();

    SSL_SESSION *d = SSL_SESSION_dup(s);
    show("dup", d);
    SSL_SESSION_get_id(d, &len);
    ok = SSL_SESSION_get0_ticket_appdata(d, &data, &dlen);
    printf("dup id len %u ticket_appdata %d len %zu\n", len, ok, dlen);
    SSL_SESSION_set_timeout(d, 5);
    printf("dup is its own: original timeout %ld\n", SSL_SESSION_get_timeout(s));
    SSL_SESSION_free(d);
    SSL_SESSION_free(s);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

static void ex_data(void) {
    printf("== ex_data\n");
    int plain = SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    int counted = SSL_SESSION_get_ex_new_index(0, NULL, NULL, dup_cb, free_cb);
    printf("indices %s\n", plain >= 0 && counted > plain ? "ok" : "bad");
    SSL_SESSION *s = SSL_SESSION_new();
    printf("get unset %p\n", SSL_SESSION_get_ex_data(s, plain));
    int ok = SSL_SESSION_set_ex_data(s, plain, (void *)"one");
    printf("set %d", ok);
    printf(" %d\n", SSL_SESSION_set_ex_data(s, counted, (void *)"two"));
    printf("get %s %s\n", (char *)SSL_SESSION_get_ex_data(s, plain),
           (char *)SSL_SESSION_get_ex_data(s, counted));
    ok = SSL_SESSION_set_ex_data(s, plain, NULL);
    printf("set to NULL %d get %p\n", ok, SSL_SESSION_get_ex_data(s, plain));
    SSL_SESSION *d = SSL_SESSION_dup(s);
    printf("dup callbacks %d, dup keeps %s\n", dups, (char *)SSL_SESSION_get_ex_data(d, counted));
    SSL_SESSION_free(d);
    printf("frees after freeing the dup %d\n", frees);
    SSL_SESSION_up_ref(s);
    SSL_SESSION_free(s);
    printf("frees with a reference left %d\n", frees);
    SSL_SESSION_free(s);
    printf("frees at the end %d\n", frees);
    ct_print_errors();
}

static void handshake(const char *title, long maxv) {
    printf("== %s\n", title);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    SSL_CTX_set_max_proto_version(cctx, maxv);
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"svc", 3);
    SSL_CTX_set_timeout(sctx, 600);
    SSL_CTX_set_timeout(cctx, 500);
    static const unsigned char h2[] = "\x02h2";
    SSL_CTX_set_alpn_protos(cctx, h2, 3);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 17 * 1024);
    SSL_set_tlsext_host_name(p.client, "localhost");
    printf("handshake %d\n", ct_pair_handshake(&p));
    /* The client reads what the server sent after the handshake (tickets). */
    char buf[8];
    SSL_write(p.server, "x", 1);
    SSL_read(p.client, buf, sizeof buf);
    ERR_clear_error();
    SSL_SESSION *cs = SSL_get1_session(p.client);
    SSL_SESSION *ss = SSL_get1_session(p.server);
    show("client", cs);
    show("server", ss);
    SSL_SESSION *d = SSL_SESSION_dup(cs);
    printf("client dup resumable %d\n", SSL_SESSION_is_resumable(d));
    SSL_SESSION_free(d);
    SSL_SESSION_free(cs);
    SSL_SESSION_free(ss);
    ct_pair_free(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    setters();
    ex_data();
    handshake("TLS 1.3", 0);
    handshake("TLS 1.2", TLS1_2_VERSION);
    return 0;
}
