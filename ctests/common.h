/* Shared by the differential tests. Everything a test prints on stdout is
 * what a caller observes (return values, SSL_get_error codes, error-queue
 * reasons, byte counts, hashes) and must be the same under the system libssl
 * and under sslshim; diagnostics go to stderr. Peers are the system's openssl
 * binary, started with LD_PRELOAD and LD_LIBRARY_PATH removed so that they
 * never run on the library under test. */
#ifndef CTESTS_COMMON_H
#define CTESTS_COMMON_H

#define _GNU_SOURCE
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *certs; /* directory made by ctests/certs.sh */

static __attribute__((unused)) const char *cert_path(const char *name) {
    static char buf[4][512];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 512, "%s/%s", certs, name);
    return p;
}

/* Names the libssl.so.3 this process mapped, so the runner can tell which
 * library a run really used. */
static __attribute__((unused)) void report_libssl(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        char *p = strchr(line, '/');
        if (p && strstr(p, "libssl.so.3")) {
            fprintf(stderr, "libssl: %s", p);
            break;
        }
    }
    if (f)
        fclose(f);
}

static __attribute__((unused)) void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "test timed out\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(3);
}

static __attribute__((unused)) void test_init(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERTDIR\n", argv[0]);
        exit(2);
    }
    certs = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm(60);
    atexit(report_libssl);
}

/* Prints and empties the error queue: one line per entry. */
static __attribute__((unused)) void print_errors(const char *label) {
    unsigned long e;
    int n = 0;
    while ((e = ERR_get_error()) != 0) {
        printf("%s: err lib=%d reason=%d \"%s\"\n", label, ERR_GET_LIB(e), ERR_GET_REASON(e),
               ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "");
        n++;
    }
    if (n == 0)
        printf("%s: error queue empty\n", label);
}

/* Deterministic bytes: xorshift from a seed. */
static __attribute__((unused)) unsigned char *make_data(size_t n, uint32_t seed) {
    unsigned char *b = malloc(n ? n : 1);
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        b[i] = (unsigned char)x;
    }
    return b;
}

static __attribute__((unused)) void sha256_hex(const void *data, size_t n, char out[65]) {
    unsigned char md[32];
    unsigned int len;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

static __attribute__((unused)) unsigned char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    *n = 0;
    if (!f)
        return malloc(1);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    unsigned char *b = malloc(len > 0 ? len : 1);
    *n = fread(b, 1, len > 0 ? len : 0, f);
    fclose(f);
    return b;
}

/* Says whether `path` holds exactly `n` bytes of `data`. */
static __attribute__((unused)) void print_delivery(const char *who, const char *path, const unsigned char *data, size_t n) {
    size_t got;
    unsigned char *b = read_file(path, &got);
    char h1[65], h2[65];
    sha256_hex(data, n, h1);
    sha256_hex(b, got, h2);
    printf("%s received %zu of %zu bytes, sha256 %s\n", who, got, n, strcmp(h1, h2) == 0 ? "match" : "MISMATCH");
    free(b);
}

static __attribute__((unused)) int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

/* Starts the system's openssl with `args`; its stdin is a pipe returned in
 * *stdin_fd (kept open so that it neither exits nor sends early), its stdout
 * goes to `out_path`, or its stdin comes from `in_path` when given. */
static __attribute__((unused)) pid_t spawn_openssl(char *const args[], const char *in_path, const char *out_path, int *stdin_fd) {
    int p[2] = {-1, -1};
    if (!in_path && pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        unsetenv("LD_PRELOAD");
        unsetenv("LD_LIBRARY_PATH");
        int in = in_path ? open(in_path, O_RDONLY) : p[0];
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_WRONLY);
        dup2(in, 0);
        dup2(out, 1);
        dup2(null, 2);
        if (p[1] >= 0)
            close(p[1]);
        execvp("openssl", args);
        _exit(127);
    }
    if (p[0] >= 0)
        close(p[0]);
    if (stdin_fd)
        *stdin_fd = p[1];
    return pid;
}

/* Connects to 127.0.0.1:port, retrying while the server starts. The first
 * successful connection is the test's own: a probe would use up -naccept. */
static __attribute__((unused)) int connect_retry(int port, int sndbuf) {
    for (int i = 0; i < 200; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (sndbuf > 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
            return fd;
        close(fd);
        usleep(25000);
    }
    return -1;
}

static __attribute__((unused)) int wait_child(pid_t pid, int seconds) {
    for (int i = 0; i < seconds * 20; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
        usleep(50000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* Waits on fd for what the last call on ssl asked for; 0 for anything else. */
static __attribute__((unused)) int wait_io(SSL *ssl, int fd, int ret) {
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    int e = SSL_get_error(ssl, ret);
    if (e == SSL_ERROR_WANT_READ)
        FD_SET(fd, &r);
    else if (e == SSL_ERROR_WANT_WRITE)
        FD_SET(fd, &w);
    else
        return 0;
    struct timeval tv = {20, 0};
    return select(fd + 1, &r, &w, NULL, &tv) > 0;
}

/* An in-memory pair of connected SSL objects over BIO pairs of `bufsize`. */
static __attribute__((unused)) SSL_CTX *server_ctx(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_path("server.pem")) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, cert_path("server.key"), SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "server certificate\n");
        exit(1);
    }
    return ctx;
}

static __attribute__((unused)) SSL_CTX *client_ctx(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, cert_path("ca.pem"), NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static __attribute__((unused)) void make_pair(SSL_CTX *cctx, SSL_CTX *sctx, size_t bufsize, SSL **c, SSL **s) {
    BIO *b1, *b2;
    BIO_new_bio_pair(&b1, bufsize, &b2, bufsize);
    *c = SSL_new(cctx);
    *s = SSL_new(sctx);
    SSL_set_bio(*c, b1, b1);
    SSL_set_bio(*s, b2, b2);
    SSL_set1_host(*c, "localhost");
    SSL_set_tlsext_host_name(*c, "localhost");
    SSL_set_connect_state(*c);
    SSL_set_accept_state(*s);
}

/* One handshake step; 0 once the handshake failed for good. */
static __attribute__((unused)) int handshake_step(SSL *ssl, int *done) {
    if (*done)
        return 1;
    int r = SSL_do_handshake(ssl);
    if (r == 1)
        *done = 1;
    return r == 1 || SSL_get_error(ssl, r) == SSL_ERROR_WANT_READ || SSL_get_error(ssl, r) == SSL_ERROR_WANT_WRITE;
}

/* Runs both handshakes to completion, alternating; 1 on success. */
static __attribute__((unused)) int pair_handshake(SSL *c, SSL *s) {
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 1000 && !(cdone && sdone); i++)
        if (!handshake_step(c, &cdone) || !handshake_step(s, &sdone))
            return 0;
    return cdone && sdone;
}

#endif
