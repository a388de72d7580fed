/*
 * Throughput figures for whichever libssl.so.3 the loader maps: the same
 * binary runs under the system OpenSSL and under sslshim (bench/run.sh).
 *
 *   bench CERTDIR [FIGURE...]     CERTDIR holds cert.pem and key.pem
 *
 * Output, one item a line on stdout:
 *   libssl PATH        each distinct libssl.so* file in /proc/self/maps
 *   FIGURE VALUE       one line per figure
 * Anything else goes to stderr. Any failure prints the call, its return,
 * SSL_get_error and the error queue, and exits 1.
 *
 * Environment: BENCH_SECONDS, the timed length of each figure (default 1).
 *
 * A figure is a function in the table at the end of this file; each gets the
 * two contexts and a time budget and returns its value.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#define SUITE "TLS_AES_256_GCM_SHA384"
/* About eight full records each way: the client writes several per turn,
 * so the figure is the libraries' cost, not the loop's. Here 64 to 256 KiB
 * gave both libraries the same figures within the noise. */
#define PAIR_BUF (128 * 1024)
#define BULK_WRITE 16384
#define SMALL_WRITE 64
#define READ_BUF (64 * 1024)
/* Payload period. Sent data is pattern[offset % PATTERN]; the buffer holds
 * two periods so any span up to PATTERN bytes is contiguous. */
#define PATTERN (256 * 1024)
/* Untimed run before each figure, for caches, page faults and CPU clocks. */
#define WARMUP_FRACTION 0.2
/* Loop passes without progress before a transfer counts as stuck. */
#define STALL_LIMIT 1000
/* Connected pairs held at once for the heap figures: enough that one
 * pair's share is not lost in the allocator's rounding. */
#ifndef HEAP_PAIRS
#define HEAP_PAIRS 100
#endif
/* The many-connection figure: one thread per core, each round-robin over
 * its own pairs; the contexts are shared by all. */
#define THREADS 2
#define THREAD_PAIRS 8

static unsigned char *pattern;

typedef struct {
    SSL_CTX *client;
    SSL_CTX *server;
} contexts;

typedef struct {
    SSL *client;
    SSL *server;
} pair;

__attribute__((noreturn))
static void die(const char *call, const SSL *ssl, int ret) {
    fprintf(stderr, "bench: %s failed: ret=%d", call, ret);
    if (ssl)
        fprintf(stderr, " SSL_get_error=%d", SSL_get_error(ssl, ret));
    fprintf(stderr, "\nerror queue:\n");
    ERR_print_errors_fp(stderr);
    exit(1);
}

__attribute__((noreturn, format(printf, 1, 2)))
static void die_msg(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nerror queue:\n");
    ERR_print_errors_fp(stderr);
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A WANT_READ or WANT_WRITE is the BIO pair being full or empty, the only
 * reason an in-memory transfer may pause; anything else is a failure. */
static int blocked(const SSL *ssl, int ret) {
    int e = SSL_get_error(ssl, ret);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

/* The run script compares this with the library it meant to load; more than
 * one line means two libssl copies in the process, which it rejects too. */
static void report_libssl(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        die_msg("cannot open /proc/self/maps: %s", strerror(errno));
    char line[PATH_MAX + 256], seen[4][PATH_MAX];
    int nseen = 0;
    while (fgets(line, sizeof line, f)) {
        char *path = strchr(line, '/');
        if (!path)
            continue;
        path[strcspn(path, "\n")] = 0;
        const char *base = strrchr(path, '/') + 1;
        if (strncmp(base, "libssl.so", 9) != 0)
            continue;
        int dup = 0;
        for (int i = 0; i < nseen; i++)
            dup |= strcmp(seen[i], path) == 0;
        if (!dup && nseen < 4) {
            snprintf(seen[nseen++], PATH_MAX, "%s", path);
            printf("libssl %s\n", path);
        }
    }
    fclose(f);
    if (nseen == 0)
        printf("libssl none\n");
}

static SSL_CTX *make_ctx(const SSL_METHOD *method) {
    SSL_CTX *ctx = SSL_CTX_new(method);
    if (!ctx)
        die("SSL_CTX_new", NULL, 0);
    int r;
    if ((r = SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION)) != 1)
        die("SSL_CTX_set_min_proto_version", NULL, r);
    if ((r = SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) != 1)
        die("SSL_CTX_set_max_proto_version", NULL, r);
    if ((r = SSL_CTX_set_ciphersuites(ctx, SUITE)) != 1)
        die("SSL_CTX_set_ciphersuites", NULL, r);
    return ctx;
}

static contexts make_contexts(const char *certdir) {
    char cert[PATH_MAX], key[PATH_MAX];
    snprintf(cert, sizeof cert, "%s/cert.pem", certdir);
    snprintf(key, sizeof key, "%s/key.pem", certdir);
    contexts c = {make_ctx(TLS_client_method()), make_ctx(TLS_server_method())};
    /* Verification is not what is measured; the handshake still runs whole. */
    SSL_CTX_set_verify(c.client, SSL_VERIFY_NONE, NULL);
    int r;
    if ((r = SSL_CTX_use_certificate_chain_file(c.server, cert)) != 1)
        die("SSL_CTX_use_certificate_chain_file", NULL, r);
    if ((r = SSL_CTX_use_PrivateKey_file(c.server, key, SSL_FILETYPE_PEM)) != 1)
        die("SSL_CTX_use_PrivateKey_file", NULL, r);
    if ((r = SSL_CTX_check_private_key(c.server)) != 1)
        die("SSL_CTX_check_private_key", NULL, r);
    return c;
}

static void check_session(const char *side, const SSL *ssl) {
    const char *version = SSL_get_version(ssl);
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    const char *name = cipher ? SSL_CIPHER_get_name(cipher) : NULL;
    /* A comparison is only fair when both libraries ran the same suite. */
    if (!version || strcmp(version, "TLSv1.3") != 0)
        die_msg("%s negotiated %s, wanted TLSv1.3", side, version ? version : "(null)");
    if (!name || strcmp(name, SUITE) != 0)
        die_msg("%s negotiated %s, wanted " SUITE, side, name ? name : "(null)");
}

/* A client and a server joined by a BIO pair, handshake complete, and the
 * server's session tickets consumed by the client so that nothing from the
 * handshake is left to be processed inside a timed loop. */
static pair connect_pair(const contexts *ctx) {
    pair p = {SSL_new(ctx->client), SSL_new(ctx->server)};
    if (!p.client)
        die("SSL_new (client)", NULL, 0);
    if (!p.server)
        die("SSL_new (server)", NULL, 0);
    BIO *cb, *sb;
    int r;
    if ((r = BIO_new_bio_pair(&cb, PAIR_BUF, &sb, PAIR_BUF)) != 1)
        die("BIO_new_bio_pair", NULL, r);
    SSL_set_bio(p.client, cb, cb);
    SSL_set_bio(p.server, sb, sb);
    SSL_set_connect_state(p.client);
    SSL_set_accept_state(p.server);

    int rc = 0, rs = 0, idle = 0;
    while (rc != 1 || rs != 1) {
        int progress = 0;
        if (rc != 1) {
            rc = SSL_do_handshake(p.client);
            if (rc != 1 && !blocked(p.client, rc))
                die("SSL_do_handshake (client)", p.client, rc);
            progress |= rc == 1;
        }
        if (rs != 1) {
            rs = SSL_do_handshake(p.server);
            if (rs != 1 && !blocked(p.server, rs))
                die("SSL_do_handshake (server)", p.server, rs);
            progress |= rs == 1;
        }
        if (!progress && ++idle > STALL_LIMIT)
            die("SSL_do_handshake (stalled)", p.client, rc);
    }
    unsigned char byte;
    r = SSL_read(p.client, &byte, 1);
    if (r > 0)
        die_msg("client SSL_read returned %d before any data was sent", r);
    if (SSL_get_error(p.client, r) != SSL_ERROR_WANT_READ)
        die("SSL_read (client, tickets)", p.client, r);
    check_session("client", p.client);
    check_session("server", p.server);
    return p;
}

static void free_pair(pair *p) {
    SSL_free(p->client);
    SSL_free(p->server);
}

/* The server's side of every transfer: reads until the pair is empty and
 * compares each byte with what the client sent at that offset. */
static size_t drain(SSL *server, unsigned char *buf, uint64_t *received) {
    size_t got = 0;
    for (;;) {
        int r = SSL_read(server, buf, READ_BUF);
        if (r <= 0) {
            if (!blocked(server, r))
                die("SSL_read (server)", server, r);
            return got;
        }
        if (memcmp(buf, pattern + *received % PATTERN, r) != 0)
            die_msg("server received wrong bytes at offset %llu", (unsigned long long)*received);
        *received += r;
        got += r;
    }
}

/*
 * Client writes of `chunk` bytes for `seconds`, the server draining the pair
 * whenever the client cannot go on. In `lockstep` the server reads after each
 * write; otherwise the client writes until the pair is full. A write that
 * returned WANT_WRITE is repeated with the same arguments, as SSL_write(3)
 * requires, even after time is up. Returns bytes delivered per second.
 */
static double transfer(pair *p, int chunk, int lockstep, double seconds) {
    static unsigned char buf[READ_BUF];
    uint64_t sent = 0, received = 0;
    int in_flight = 0, idle = 0, r = 0;
    double start = now(), end = start + seconds, t = start;
    for (;;) {
        int progress = 0;
        while (in_flight || (t = now()) < end) {
            r = SSL_write(p->client, pattern + sent % PATTERN, chunk);
            if (r <= 0) {
                if (!blocked(p->client, r))
                    die("SSL_write (client)", p->client, r);
                in_flight = 1;
                break;
            }
            if (r != chunk)
                die("SSL_write (client, short)", p->client, r);
            in_flight = 0;
            sent += r;
            progress = 1;
            if (lockstep)
                break;
        }
        size_t got = drain(p->server, buf, &received);
        /* Each small write must be a record of its own that the peer can
         * read at once; a library that held it back to coalesce writes would
         * be measuring something else. */
        if (lockstep && !in_flight && progress && got != (size_t)chunk) {
            die_msg("server read %zu bytes after a %d-byte SSL_write", got, chunk);
        }
        progress |= got > 0;
        if (!in_flight && t >= end && received == sent)
            break;
        if (progress)
            idle = 0;
        else if (++idle > STALL_LIMIT) {
            fprintf(stderr, "bench: transfer stalled: sent %llu, received %llu\n",
                    (unsigned long long)sent, (unsigned long long)received);
            die("SSL_write/SSL_read (stalled)", p->client, r);
        }
    }
    return received / (now() - start);
}

static double timed(pair *p, int chunk, int lockstep, double seconds) {
    transfer(p, chunk, lockstep, seconds * WARMUP_FRACTION);
    return transfer(p, chunk, lockstep, seconds);
}

/* MiB/s of application data, 16 KiB writes, the pair filled each turn. */
static double fig_bulk(const contexts *ctx, double seconds) {
    pair p = connect_pair(ctx);
    double v = timed(&p, BULK_WRITE, 0, seconds) / (1024.0 * 1024.0);
    free_pair(&p);
    return v;
}

/* 64-byte writes per second, each read by the server before the next: the
 * per-record cost, with one record in flight at a time. */
static double fig_small(const contexts *ctx, double seconds) {
    pair p = connect_pair(ctx);
    double v = timed(&p, SMALL_WRITE, 1, seconds) / SMALL_WRITE;
    free_pair(&p);
    return v;
}

/* Full handshakes per second: fresh SSL objects each time, the contexts
 * shared, the server's tickets read by the client as in connect_pair. */
static double fig_handshakes(const contexts *ctx, double seconds) {
    double end = now() + seconds * WARMUP_FRACTION;
    do {
        pair p = connect_pair(ctx);
        free_pair(&p);
    } while (now() < end);
    long n = 0;
    double start = now();
    end = start + seconds;
    do {
        pair p = connect_pair(ctx);
        free_pair(&p);
        n++;
    } while (now() < end);
    return n / (now() - start);
}

/* Bytes the allocator has handed out: its arenas plus the blocks it
 * mapped on their own (the BIO pairs' buffers are large enough for that). */
static double heap_in_use(void) {
    struct mallinfo2 m = mallinfo2();
    return (double)m.uordblks + (double)m.hblkhd;
}

static struct {
    int done;
    double pair_kib;
    double after_free_pct;
} heap;

/*
 * HEAP_PAIRS connected, idle client+server pairs held at once. What BIO
 * pairs alone take, measured the same way, is subtracted, so the figure is
 * the libraries' own: SSL objects, their buffers and keys. One pair made and
 * freed first keeps what a context builds once (configurations, caches) out
 * of the per-pair figure. After every pair is freed the heap must be back
 * where it started; the second figure is that end as a percentage of it.
 */
static void measure_heap(const contexts *ctx) {
    if (heap.done)
        return;
    static pair pairs[HEAP_PAIRS];
    static BIO *bios[2 * HEAP_PAIRS];
    pair warm = connect_pair(ctx);
    free_pair(&warm);

    double start = heap_in_use();
    for (int i = 0; i < HEAP_PAIRS; i++)
        if (BIO_new_bio_pair(&bios[2 * i], PAIR_BUF, &bios[2 * i + 1], PAIR_BUF) != 1)
            die("BIO_new_bio_pair", NULL, 0);
    double bio_pairs = heap_in_use() - start;
    for (int i = 0; i < 2 * HEAP_PAIRS; i++)
        BIO_free(bios[i]);

    double base = heap_in_use();
    for (int i = 0; i < HEAP_PAIRS; i++)
        pairs[i] = connect_pair(ctx);
    double connected = heap_in_use() - base;
    for (int i = 0; i < HEAP_PAIRS; i++)
        free_pair(&pairs[i]);
    double end = heap_in_use();

    heap.pair_kib = (connected - bio_pairs) / HEAP_PAIRS / 1024.0;
    heap.after_free_pct = 100.0 * end / start;
    heap.done = 1;
}

/* KiB of heap per connected idle client+server pair. */
static double fig_heap_pair(const contexts *ctx, double seconds) {
    (void)seconds;
    measure_heap(ctx);
    return heap.pair_kib;
}

/* The heap after the pairs above were freed, in % of the heap before. */
static double fig_heap_after(const contexts *ctx, double seconds) {
    (void)seconds;
    measure_heap(ctx);
    return heap.after_free_pct;
}

typedef struct {
    pair p;
    uint64_t sent, received;
    int in_flight;
} stream;

/* One turn of a bulk stream: the client writes 16 KiB records until the
 * pair is full (a blocked write is repeated with the same arguments next
 * turn), then the server reads all there is. Once time is up (`more` = 0)
 * only a blocked write is finished. Returns the bytes read. */
static size_t bulk_turn(stream *s, unsigned char *buf, int more) {
    while (more || s->in_flight) {
        int r = SSL_write(s->p.client, pattern + s->sent % PATTERN, BULK_WRITE);
        if (r <= 0) {
            if (!blocked(s->p.client, r))
                die("SSL_write (client)", s->p.client, r);
            s->in_flight = 1;
            break;
        }
        if (r != BULK_WRITE)
            die("SSL_write (client, short)", s->p.client, r);
        s->in_flight = 0;
        s->sent += r;
    }
    return drain(s->p.server, buf, &s->received);
}

typedef struct {
    const contexts *ctx;
    double seconds;
    pthread_barrier_t *ready;
    uint64_t bytes;
    double elapsed;
} worker;

/* Runs `seconds` of turns over the streams; returns the bytes read. A
 * write still in flight at the end is finished, as SSL_write(3) requires. */
static uint64_t turns(stream *s, int n, unsigned char *buf, double seconds) {
    uint64_t got = 0;
    double end = now() + seconds;
    int idle = 0;
    for (;;) {
        int busy = 0;
        size_t progress = 0;
        for (int i = 0; i < n; i++) {
            if (now() >= end && !s[i].in_flight && s[i].received == s[i].sent)
                continue;
            busy = 1;
            size_t r = bulk_turn(&s[i], buf, now() < end);
            got += r;
            progress += r;
        }
        if (!busy)
            return got;
        if (progress)
            idle = 0;
        else if (++idle > STALL_LIMIT)
            die_msg("bulk streams stalled");
    }
}

static void *worker_main(void *arg) {
    worker *w = arg;
    stream s[THREAD_PAIRS];
    unsigned char *buf = malloc(READ_BUF);
    if (!buf)
        die_msg("out of memory");
    for (int i = 0; i < THREAD_PAIRS; i++)
        s[i] = (stream){connect_pair(w->ctx), 0, 0, 0};
    turns(s, THREAD_PAIRS, buf, w->seconds * WARMUP_FRACTION);
    pthread_barrier_wait(w->ready);
    double start = now();
    w->bytes = turns(s, THREAD_PAIRS, buf, w->seconds);
    w->elapsed = now() - start;
    for (int i = 0; i < THREAD_PAIRS; i++)
        free_pair(&s[i].p);
    free(buf);
    return NULL;
}

/* MiB/s over THREADS threads at once, each with THREAD_PAIRS bulk streams
 * sharing the two contexts: the libraries' cost with both cores busy. */
static double fig_threads(const contexts *ctx, double seconds) {
    pthread_t t[THREADS];
    worker w[THREADS];
    pthread_barrier_t ready;
    pthread_barrier_init(&ready, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){ctx, seconds, &ready, 0, 0};
        if (pthread_create(&t[i], NULL, worker_main, &w[i]) != 0)
            die_msg("pthread_create failed");
    }
    double bytes = 0, elapsed = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        bytes += w[i].bytes;
        if (w[i].elapsed > elapsed)
            elapsed = w[i].elapsed;
    }
    pthread_barrier_destroy(&ready);
    return bytes / elapsed / (1024.0 * 1024.0);
}

static const struct {
    const char *name;
    double (*run)(const contexts *, double);
} figures[] = {
    {"bulk_mib_s", fig_bulk},
    {"small_writes_s", fig_small},
    {"handshakes_s", fig_handshakes},
    {"heap_pair_kib", fig_heap_pair},
    {"heap_after_free_pct", fig_heap_after},
    {"threads_mib_s", fig_threads},
};
#define NFIGURES (sizeof figures / sizeof *figures)

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERTDIR [FIGURE...]\n", argv[0]);
        return 2;
    }
    for (int a = 2; a < argc; a++) {
        int known = 0;
        for (size_t i = 0; i < NFIGURES; i++)
            known |= strcmp(argv[a], figures[i].name) == 0;
        if (!known)
            die_msg("no figure named %s", argv[a]);
    }
    const char *env = getenv("BENCH_SECONDS");
    double seconds = env ? strtod(env, NULL) : 1.0;
    if (!(seconds > 0))
        die_msg("BENCH_SECONDS=%s is not a positive number", env);

    if (OPENSSL_init_ssl(0, NULL) != 1)
        die("OPENSSL_init_ssl", NULL, 0);
    report_libssl();

    pattern = malloc(2 * PATTERN);
    if (!pattern)
        die_msg("out of memory");
    /* Not constant, so a library that dropped or repeated a record could not
     * still match by accident. */
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < PATTERN; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        pattern[i] = pattern[i + PATTERN] = (unsigned char)x;
    }

    contexts ctx = make_contexts(argv[1]);
    for (size_t i = 0; i < NFIGURES; i++) {
        int wanted = argc == 2;
        for (int a = 2; a < argc; a++)
            wanted |= strcmp(argv[a], figures[i].name) == 0;
        if (!wanted)
            continue;
        double v = figures[i].run(&ctx, seconds);
        printf("%s %.1f\n", figures[i].name, v);
        fflush(stdout);
    }
    SSL_CTX_free(ctx.client);
    SSL_CTX_free(ctx.server);
    free(pattern);
    return 0;
}
