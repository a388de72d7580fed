/*
 * A reader meeting tampered records.  Client and server of the library under
 * test are joined by memory BIOs and the test carries the bytes between
 * them, so it can change what the server reads: a flipped bit in the body or
 * in the tag, another content type, a wrong length (longer than what follows,
 * and past each of the limits on a record's size), another version, a record
 * cut short by EOF, a replayed record, two records swapped, plain garbage.
 * Then the first bytes a fresh server reads: an HTTP request, a proxy
 * CONNECT, an SSH banner, an oversized handshake record.  Each case prints
 * the server's SSL_read (or SSL_accept) outcome with the error queue, a
 * second SSL_read and SSL_get_shutdown.
 * TLS 1.3 and TLS 1.2.
 */
#include "common.h"

typedef struct {
    SSL *c, *s;
    BIO *c_in, *c_out, *s_in, *s_out;
} tpair;

static BIO *mem(void) {
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        ct_fatal("BIO_new(BIO_s_mem) failed");
    BIO_set_mem_eof_return(b, -1);
    return b;
}

/* Moves everything pending from one side's output to the other's input. */
static size_t carry(BIO *from, BIO *to) {
    unsigned char buf[4096];
    size_t total = 0;
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0) {
        BIO_write(to, buf, n);
        total += (size_t)n;
    }
    return total;
}

static void tp_new(tpair *p, SSL_CTX *cctx, SSL_CTX *sctx) {
    p->c = SSL_new(cctx);
    p->s = SSL_new(sctx);
    if (!p->c || !p->s)
        ct_fatal("SSL_new failed");
    p->c_in = mem();
    p->c_out = mem();
    p->s_in = mem();
    p->s_out = mem();
    SSL_set_bio(p->c, p->c_in, p->c_out);
    SSL_set_bio(p->s, p->s_in, p->s_out);
    SSL_set_connect_state(p->c);
    SSL_set_accept_state(p->s);
}

/* Runs the handshake to its end and lets both sides read what follows it
 * (tickets), so that every buffer is empty. */
static void tp_handshake(tpair *p) {
    int rc = 0, rs = 0;
    char sink[64];
    for (int i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
        if (rc != 1)
            rc = SSL_do_handshake(p->c);
        carry(p->c_out, p->s_in);
        if (rs != 1)
            rs = SSL_do_handshake(p->s);
        carry(p->s_out, p->c_in);
    }
    if (rc != 1 || rs != 1)
        ct_fatal("handshake did not complete");
    for (int i = 0; i < 3; i++) {
        SSL_read(p->c, sink, sizeof sink);
        SSL_read(p->s, sink, sizeof sink);
        carry(p->c_out, p->s_in);
        carry(p->s_out, p->c_in);
    }
    ERR_clear_error();
}

static void tp_free(tpair *p) {
    SSL_free(p->c);
    SSL_free(p->s);
}

/* One application-data record from the client, taken off its BIO. */
static size_t client_record(tpair *p, unsigned char *rec, size_t cap, int len) {
    unsigned char msg[200];
    ct_fill(msg, sizeof msg, 7);
    if (SSL_write(p->c, msg, len) != len)
        ct_fatal("client SSL_write failed");
    size_t n = (size_t)BIO_read(p->c_out, rec, (int)cap);
    if (n < 5 || (size_t)((rec[3] << 8 | rec[4]) + 5) != n)
        ct_fatal("not exactly one record: %zu bytes", n);
    return n;
}

/* What the server observes once it has been given what the test put in. */
static void server_reads(tpair *p, const char *what) {
    char buf[300];
    int r = SSL_read(p->s, buf, sizeof buf);
    ct_outcome(what, p->s, r);
    if (r > 0)
        printf("  read %d bytes\n", r);
    r = SSL_read(p->s, buf, sizeof buf);
    ct_outcome("  SSL_read again", p->s, r);
    printf("  SSL_get_shutdown %d\n", SSL_get_shutdown(p->s));
    /* Whether an alert went out is only logged: see docs/compat.md. */
    ct_log("  server sent %zu bytes", (size_t)BIO_ctrl_pending(p->s_out));
}

enum change {
    AS_SENT,
    FLIP_BODY,
    FLIP_LAST,
    TYPE_HANDSHAKE,
    TYPE_ALERT,
    TYPE_CCS,
    TYPE_UNKNOWN,
    VERSION_TLS10,
    VERSION_SSL2ISH,
    LENGTH_PLUS_ONE,
    LENGTH_MINUS_ONE,
};
static const char *change_names[] = {
    "as sent", "flipped bit in the body", "flipped bit in the last byte",
    "type handshake (22)", "type alert (21)", "type change_cipher_spec (20)",
    "type 99", "version 3.1", "version 0x0102", "length + 1, one more byte",
    "length - 1, one byte left over",
};

static void change_case(SSL_CTX *cctx, SSL_CTX *sctx, enum change c) {
    tpair p;
    unsigned char rec[512];
    tp_new(&p, cctx, sctx);
    tp_handshake(&p);
    size_t n = client_record(&p, rec, sizeof rec, 100);
    unsigned len = (unsigned)(rec[3] << 8 | rec[4]);
    switch (c) {
    case AS_SENT: break;
    case FLIP_BODY: rec[5 + 20] ^= 0x10; break;
    case FLIP_LAST: rec[n - 1] ^= 0x01; break;
    case TYPE_HANDSHAKE: rec[0] = 22; break;
    case TYPE_ALERT: rec[0] = 21; break;
    case TYPE_CCS: rec[0] = 20; break;
    case TYPE_UNKNOWN: rec[0] = 99; break;
    case VERSION_TLS10: rec[2] = 1; break;
    case VERSION_SSL2ISH: rec[1] = 1; rec[2] = 2; break;
    case LENGTH_PLUS_ONE:
        len++;
        rec[n++] = 0x5a;
        break;
    case LENGTH_MINUS_ONE: len--; break;
    }
    rec[3] = (unsigned char)(len >> 8);
    rec[4] = (unsigned char)len;
    BIO_write(p.s_in, rec, (int)n);
    char what[100];
    snprintf(what, sizeof what, "[%s] server SSL_read", change_names[c]);
    server_reads(&p, what);
    tp_free(&p);
}

/* A header claiming len bytes, followed by len bytes of noise (or none). */
static void length_case(SSL_CTX *cctx, SSL_CTX *sctx, unsigned len, int body) {
    tpair p;
    tp_new(&p, cctx, sctx);
    tp_handshake(&p);
    unsigned char hdr[5] = {23, 3, 3, (unsigned char)(len >> 8), (unsigned char)len};
    BIO_write(p.s_in, hdr, 5);
    if (body) {
        unsigned char *noise = ct_alloc_data(len, 11);
        BIO_write(p.s_in, noise, (int)len);
        free(noise);
    }
    char what[100];
    snprintf(what, sizeof what, "[length %u%s] server SSL_read", len,
             body ? "" : ", body not sent");
    server_reads(&p, what);
    tp_free(&p);
}

static void eof_case(SSL_CTX *cctx, SSL_CTX *sctx, size_t keep) {
    tpair p;
    unsigned char rec[512];
    tp_new(&p, cctx, sctx);
    tp_handshake(&p);
    client_record(&p, rec, sizeof rec, 100);
    BIO_write(p.s_in, rec, (int)keep);
    BIO_set_mem_eof_return(p.s_in, 0);
    char what[100];
    snprintf(what, sizeof what, "[first %zu bytes, then EOF] server SSL_read", keep);
    server_reads(&p, what);
    tp_free(&p);
}

static void replay_case(SSL_CTX *cctx, SSL_CTX *sctx, int swap) {
    tpair p;
    unsigned char a[512], b[512];
    tp_new(&p, cctx, sctx);
    tp_handshake(&p);
    size_t na = client_record(&p, a, sizeof a, 100);
    size_t nb = client_record(&p, b, sizeof b, 50);
    if (swap) {
        BIO_write(p.s_in, b, (int)nb);
        BIO_write(p.s_in, a, (int)na);
    } else {
        BIO_write(p.s_in, a, (int)na);
        BIO_write(p.s_in, a, (int)na);
    }
    char buf[300];
    int r = SSL_read(p.s, buf, sizeof buf);
    ct_outcome(swap ? "[two records swapped] server SSL_read" : "[record replayed] server SSL_read",
               p.s, r);
    if (r > 0)
        printf("  read %d bytes\n", r);
    server_reads(&p, "  then server SSL_read");
    tp_free(&p);
}

static void garbage_case(SSL_CTX *cctx, SSL_CTX *sctx, uint64_t seed) {
    tpair p;
    unsigned char junk[300];
    tp_new(&p, cctx, sctx);
    tp_handshake(&p);
    ct_fill(junk, sizeof junk, seed);
    BIO_write(p.s_in, junk, sizeof junk);
    char what[100];
    snprintf(what, sizeof what, "[300 bytes of garbage, seed %llu] server SSL_read",
             (unsigned long long)seed);
    server_reads(&p, what);
    tp_free(&p);
}

/* The first bytes a fresh server reads are not a TLS ClientHello. */
static void first_bytes(SSL_CTX *sctx, const char *name, const unsigned char *bytes, size_t n) {
    SSL *s = SSL_new(sctx);
    BIO *in = mem(), *out = mem();
    SSL_set_bio(s, in, out);
    BIO_write(in, bytes, (int)n);
    int r = SSL_accept(s);
    char what[100];
    snprintf(what, sizeof what, "[first bytes: %s] server SSL_accept", name);
    ct_outcome(what, s, r);
    ct_log("  server sent %zu bytes", (size_t)BIO_ctrl_pending(out));
    SSL_free(s);
}

/* An empty handshake record before the ClientHello is passed over. */
static void empty_then_hello(SSL_CTX *cctx, SSL_CTX *sctx) {
    tpair p;
    tp_new(&p, cctx, sctx);
    unsigned char empty_hs[] = {22, 3, 1, 0, 0};
    BIO_write(p.s_in, empty_hs, sizeof empty_hs);
    tp_handshake(&p);
    printf("[empty handshake record, then the handshake] completes\n");
    tp_free(&p);
}

static void first_record_cases(SSL_CTX *sctx) {
    static const char *texts[][2] = {
        {"GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"POST", "POST / HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"HEAD", "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"PUT", "PUT / HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"CONNECT", "CONNECT x:443 HTTP/1.1\r\n\r\n"},
        {"SSH banner", "SSH-2.0-OpenSSH_9.2\r\n"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        first_bytes(sctx, texts[i][0], (const unsigned char *)texts[i][1], strlen(texts[i][1]));
    unsigned char big[] = {22, 3, 1, 0x48, 0x01};
    first_bytes(sctx, "handshake record of 18433 bytes", big, sizeof big);
    unsigned char app[] = {23, 3, 1, 0, 5, 1, 2, 3, 4, 5};
    first_bytes(sctx, "application data record", app, sizeof app);
    unsigned char alert[] = {21, 3, 1, 0, 2, 2, 40};
    first_bytes(sctx, "fatal alert", alert, sizeof alert);
    unsigned char empty_hs[] = {22, 3, 1, 0, 0};
    first_bytes(sctx, "empty handshake record", empty_hs, sizeof empty_hs);
}

static void run(SSL_CTX *cctx, SSL_CTX *sctx) {
    for (int c = AS_SENT; c <= LENGTH_MINUS_ONE; c++)
        change_case(cctx, sctx, (enum change)c);
    static const unsigned lens[] = {0, 1, 16, 17, 23, 24, 16640, 16641, 16657, 16658, 16704,
                                    16705, 16706, 16707, 16708, 17000, 18432, 18433};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        length_case(cctx, sctx, lens[i], 1);
        length_case(cctx, sctx, lens[i], 0);
    }
    eof_case(cctx, sctx, 3);
    eof_case(cctx, sctx, 5);
    eof_case(cctx, sctx, 60);
    replay_case(cctx, sctx, 0);
    replay_case(cctx, sctx, 1);
    for (uint64_t seed = 1; seed <= 4; seed++)
        garbage_case(cctx, sctx, seed);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    SSL_CTX *cctx = ct_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = ct_server_ctx();
    printf("== TLS 1.3\n");
    run(cctx, sctx);
    first_record_cases(sctx);
    empty_then_hello(cctx, sctx);
    printf("== TLS 1.2\n");
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    run(cctx, sctx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
