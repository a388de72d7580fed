#define _GNU_SOURCE
#include "common.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

const char *ct_certdir;

#define MAX_CHILDREN 8
#define MAX_TMPFILES 32

static volatile pid_t children[MAX_CHILDREN];
static char scratch_dir[PATH_MAX];
static char *tmpfiles[MAX_TMPFILES];
static int ntmpfiles;
static pid_t main_pid;

void ct_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void kill_children(void) {
    for (int i = 0; i < MAX_CHILDREN; i++) {
        pid_t p = children[i];
        if (p > 0) {
            kill(p, SIGKILL);
            waitpid(p, NULL, 0);
            children[i] = 0;
        }
    }
}

void ct_fatal(const char *fmt, ...) {
    va_list ap;
    fflush(stdout);
    fputs("FATAL: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static void on_alarm(int sig) {
    static const char msg[] = "FATAL: watchdog expired, killing peers\n";
    (void)sig;
    (void)!write(2, msg, sizeof msg - 1);
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    for (int i = 0; i < ntmpfiles; i++)
        unlink(tmpfiles[i]);
    if (scratch_dir[0])
        rmdir(scratch_dir);
    _exit(3);
}

static void remove_scratch(void) {
    for (int i = 0; i < ntmpfiles; i++) {
        unlink(tmpfiles[i]);
        free(tmpfiles[i]);
    }
    ntmpfiles = 0;
    if (scratch_dir[0])
        rmdir(scratch_dir);
    scratch_dir[0] = 0;
}

/*
 * The object that defines SSL_connect is the libssl in use whatever its file
 * is called; its first mapping in /proc/self/maps starts at its load base.
 */
static void report_libssl(void) {
    char found[PATH_MAX] = "";
    unsigned long base = 0;
    Dl_info info;
    void *sym = dlsym(RTLD_DEFAULT, "SSL_connect");
    if (sym && dladdr(sym, &info) && info.dli_fbase)
        base = (unsigned long)info.dli_fbase;

    FILE *f = fopen("/proc/self/maps", "r");
    char line[PATH_MAX + 256];
    char fallback[PATH_MAX] = "";
    while (f && fgets(line, sizeof line, f)) {
        unsigned long start;
        char *path = strchr(line, '/');
        if (!path || sscanf(line, "%lx-", &start) != 1)
            continue;
        path[strcspn(path, "\n")] = 0;
        if (base && start == base) {
            snprintf(found, sizeof found, "%s", path);
            break;
        }
        const char *slash = strrchr(path, '/');
        if (!fallback[0] && strncmp(slash + 1, "libssl.so", 9) == 0)
            snprintf(fallback, sizeof fallback, "%s", path);
    }
    if (f)
        fclose(f);
    fprintf(stderr, "libssl: %s\n", found[0] ? found : fallback[0] ? fallback : "none");
}

static void at_exit(void) {
    if (getpid() != main_pid)
        return;
    kill_children();
    remove_scratch();
    report_libssl();
}

void ct_init(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERTDIR\n", argv[0]);
        exit(2);
    }
    ct_certdir = argv[1];
    main_pid = getpid();
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm(CT_WATCHDOG_SECONDS);
    atexit(at_exit);

    const char *tmp = getenv("TMPDIR");
    snprintf(scratch_dir, sizeof scratch_dir, "%s/sslshim-ctest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch_dir)) {
        scratch_dir[0] = 0;
        ct_fatal("mkdtemp: %s", strerror(errno));
    }
}

static const char *keep(char *s) {
    if (!s)
        ct_fatal("out of memory");
    return s;
}

/* Certificate paths live until exit; a small ring keeps them reachable, so
 * that leak checkers report only what the library under test loses. */
const char *ct_cert(const char *name) {
    static char paths[16][PATH_MAX];
    static int next;
    char *p = paths[next++ % 16];
    if (snprintf(p, PATH_MAX, "%s/%s", ct_certdir, name) >= PATH_MAX)
        ct_fatal("certificate path too long");
    return p;
}

X509 *ct_load_cert(const char *name) {
    FILE *f = fopen(ct_cert(name), "r");
    if (!f)
        ct_fatal("open %s", name);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!x)
        ct_fatal("read %s", name);
    return x;
}

const char *ct_tmpfile(const char *name) {
    char *p;
    if (ntmpfiles == MAX_TMPFILES)
        ct_fatal("too many scratch files");
    if (asprintf(&p, "%s/%s", scratch_dir, name) < 0)
        p = NULL;
    keep(p);
    tmpfiles[ntmpfiles++] = p;
    return p;
}

void ct_fill(unsigned char *buf, size_t len, uint64_t seed) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    if (x == 0)
        x = 1;
    size_t i = 0;
    while (i < len) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        uint64_t v = x * 0x2545F4914F6CDD1Dull;
        for (int k = 0; k < 8 && i < len; k++, v >>= 8)
            buf[i++] = (unsigned char)v;
    }
}

unsigned char *ct_alloc_data(size_t len, uint64_t seed) {
    unsigned char *b = malloc(len ? len : 1);
    if (!b)
        ct_fatal("out of memory");
    ct_fill(b, len, seed);
    return b;
}

void ct_write_file(const char *path, const unsigned char *buf, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        ct_fatal("cannot write %s", path);
}

static void to_hex(const unsigned char *md, char hex[65]) {
    for (int i = 0; i < 32; i++)
        sprintf(hex + 2 * i, "%02x", md[i]);
    hex[64] = 0;
}

void ct_sha256(const void *buf, size_t len, char hex[65]) {
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        ct_fatal("EVP_Digest failed");
    to_hex(md, hex);
}

int ct_sha256_file(const char *path, char hex[65], size_t *len) {
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f)
        return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        ct_fatal("EVP_DigestInit failed");
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        *len += n;
    }
    int bad = ferror(f);
    fclose(f);
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    to_hex(md, hex);
    return bad ? -1 : 0;
}

void ct_report_sent(const char *who, const unsigned char *buf, size_t len) {
    char h[65];
    ct_sha256(buf, len, h);
    printf("%s bytes=%zu sha256=%s\n", who, len, h);
}

static void report(const char *who, size_t got_len, const char *got_hash,
                   const unsigned char *sent, size_t sent_len) {
    char want[65];
    ct_sha256(sent, sent_len, want);
    printf("%s bytes=%zu sha256=%s\n", who, got_len, got_hash);
    printf("%s hash match %s\n", who, got_len == sent_len && strcmp(want, got_hash) == 0 ? "yes" : "no");
}

void ct_report_buffer(const char *who, const unsigned char *got, size_t got_len,
                      const unsigned char *sent, size_t sent_len) {
    char h[65];
    ct_sha256(got, got_len, h);
    report(who, got_len, h, sent, sent_len);
}

void ct_report_file(const char *who, const char *path, const unsigned char *sent,
                    size_t sent_len) {
    char h[65];
    size_t len;
    if (ct_sha256_file(path, h, &len) != 0) {
        ct_log("cannot read %s", path);
        printf("%s output missing\n", who);
        printf("%s hash match no\n", who);
        return;
    }
    report(who, len, h, sent, sent_len);
}

/* ---- sockets ---- */

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int ct_free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        ct_fatal("free port: %s", strerror(errno));
    close(fd);
    return ntohs(a.sin_port);
}

int ct_tcp_listen(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        ct_fatal("listen: %s", strerror(errno));
    *port = ntohs(a.sin_port);
    ct_log("listening on 127.0.0.1:%d", *port);
    return fd;
}

static int wait_fd(int fd, int for_write, int timeout_s) {
    fd_set set;
    struct timeval tv = {timeout_s, 0};
    FD_ZERO(&set);
    FD_SET(fd, &set);
    int r;
    do
        r = select(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, NULL, &tv);
    while (r < 0 && errno == EINTR);
    return r;
}

int ct_tcp_accept(int lfd, int timeout_s) {
    if (wait_fd(lfd, 0, timeout_s) <= 0)
        ct_fatal("no connection within %d s", timeout_s);
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        ct_fatal("accept: %s", strerror(errno));
    return fd;
}

int ct_tcp_connect(int port, int sndbuf, int nonblocking) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        ct_fatal("socket: %s", strerror(errno));
    if (sndbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) != 0)
        ct_fatal("SO_SNDBUF: %s", strerror(errno));
    struct sockaddr_in a = loopback(port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (!nonblocking || errno != EINPROGRESS)
        ct_fatal("connect to port %d: %s", port, strerror(errno));
    if (wait_fd(fd, 1, 10) <= 0)
        ct_fatal("connect to port %d timed out", port);
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
        ct_fatal("connect to port %d: %s", port, strerror(err));
    return fd;
}

/* ---- peers ---- */

static void track_child(pid_t pid) {
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == 0) {
            children[i] = pid;
            return;
        }
    kill(pid, SIGKILL);
    ct_fatal("too many peers");
}

static void untrack_child(pid_t pid) {
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] == pid)
            children[i] = 0;
}

static pid_t fork_flushed(void) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        ct_fatal("fork: %s", strerror(errno));
    return pid;
}

pid_t ct_fork(void) {
    pid_t pid = fork_flushed();
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(CT_WATCHDOG_SECONDS);
    }
    return pid;
}

pid_t ct_spawn_openssl(char *const args[], int in_fd, int out_fd) {
    pid_t pid = fork_flushed();
    if (pid == 0) {
        unsetenv("LD_PRELOAD");
        unsetenv("LD_LIBRARY_PATH");
        /* Ignored signals survive exec; the peer gets ordinary defaults. */
        signal(SIGPIPE, SIG_DFL);
        signal(SIGALRM, SIG_DFL);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (dup2(in_fd >= 0 ? in_fd : null, 0) < 0 || dup2(out_fd >= 0 ? out_fd : null, 1) < 0)
            _exit(126);
        execvp("openssl", args);
        _exit(127);
    }
    track_child(pid);
    ct_log("started openssl %s (pid %d)", args[1], (int)pid);
    return pid;
}

void ct_wait_listening(int port, pid_t pid, int timeout_ms) {
    char want[32];
    snprintf(want, sizeof want, "0100007F:%04X", port);
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        FILE *f = fopen("/proc/net/tcp", "r");
        char line[512];
        while (f && fgets(line, sizeof line, f)) {
            char local[64], remote[64];
            unsigned state;
            if (sscanf(line, " %*d: %63s %63s %x", local, remote, &state) == 3 &&
                state == 0x0A && strcmp(local, want) == 0) {
                fclose(f);
                return;
            }
        }
        if (f)
            fclose(f);
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            untrack_child(pid);
            ct_fatal("peer exited before listening (status 0x%x)", st);
        }
        usleep(10000);
    }
    ct_fatal("nothing listens on 127.0.0.1:%d after %d ms", port, timeout_ms);
}

/* 1 when pid ended by itself, 0 when it was killed after timeout_s, -1 when
 * waitpid failed; *st is the wait status where there is one. */
static int reap(pid_t pid, int timeout_s, int *st) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t r = waitpid(pid, st, WNOHANG);
        if (r == pid) {
            untrack_child(pid);
            return 1;
        }
        if (r < 0 && errno != EINTR) {
            untrack_child(pid);
            return -1;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= timeout_s) {
            ct_log("child %d still running after %d s, killing it", (int)pid, timeout_s);
            kill(pid, SIGKILL);
            r = waitpid(pid, st, 0);
            untrack_child(pid);
            return r == pid ? 0 : -1;
        }
        usleep(5000);
    }
}

int ct_wait_child(pid_t pid, int timeout_s) {
    int st;
    if (reap(pid, timeout_s, &st) != 1)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int ct_wait_status(pid_t pid, int timeout_s) {
    int st;
    return reap(pid, timeout_s, &st) >= 0 ? st : -1;
}

void ct_server_start(ct_server *srv, const char *tag, int naccept) {
    char accept_arg[32], naccept_arg[16];
    int p[2];
    srv->port = ct_free_port();
    srv->out_path = ct_tmpfile(tag);
    snprintf(accept_arg, sizeof accept_arg, "127.0.0.1:%d", srv->port);
    snprintf(naccept_arg, sizeof naccept_arg, "%d", naccept);
    char *args[] = {"openssl", "s_server", "-accept", accept_arg, "-naccept", naccept_arg,
                    "-cert", (char *)ct_cert("server.pem"), "-key", (char *)ct_cert("server.key"),
                    "-quiet", NULL};
    int out = open(srv->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0 || pipe2(p, O_CLOEXEC) != 0)
        ct_fatal("s_server plumbing: %s", strerror(errno));
    srv->pid = ct_spawn_openssl(args, p[0], out);
    close(p[0]);
    close(out);
    srv->stdin_fd = p[1];
    ct_log("s_server on %s", accept_arg);
    ct_wait_listening(srv->port, srv->pid, 10000);
}

void ct_server_finish(ct_server *srv) {
    int st = ct_wait_child(srv->pid, 20);
    printf("s_server exit %d\n", st);
    close(srv->stdin_fd);
    srv->stdin_fd = -1;
}

void ct_server_wait_received(const ct_server *srv, size_t len) {
    struct stat st;
    for (int waited = 0; waited < 10000; waited += 5) {
        if (stat(srv->out_path, &st) == 0 && (size_t)st.st_size >= len)
            return;
        usleep(5000);
    }
    ct_fatal("%s did not reach %zu bytes", srv->out_path, len);
}

void ct_s_client_start(ct_s_client *cl, const char *tag, const char *in_path, int sndbuf,
                       int nonblocking) {
    int port;
    int lfd = ct_tcp_listen(&port);
    char connect_arg[32];
    snprintf(connect_arg, sizeof connect_arg, "127.0.0.1:%d", port);
    char *args[] = {"openssl", "s_client", "-connect", connect_arg, "-CAfile", (char *)ct_cert("ca.pem"),
                    "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost",
                    "-quiet", "-nocommands", NULL};
    cl->out_path = ct_tmpfile(tag);
    int in = in_path ? open(in_path, O_RDONLY | O_CLOEXEC) : -1;
    int out = open(cl->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if ((in_path && in < 0) || out < 0)
        ct_fatal("s_client files: %s", strerror(errno));
    cl->pid = ct_spawn_openssl(args, in, out);
    if (in >= 0)
        close(in);
    close(out);
    cl->fd = ct_tcp_accept(lfd, 20);
    close(lfd);
    if ((sndbuf > 0 && setsockopt(cl->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) != 0) ||
        (nonblocking && fcntl(cl->fd, F_SETFL, fcntl(cl->fd, F_GETFL) | O_NONBLOCK) != 0))
        ct_fatal("socket options: %s", strerror(errno));
}

void ct_s_client_finish(ct_s_client *cl, const unsigned char *sent, size_t sent_len) {
    close(cl->fd);
    cl->fd = -1;
    printf("s_client exit %d\n", ct_wait_child(cl->pid, 20));
    ct_report_file("s_client received", cl->out_path, sent, sent_len);
}

/* ---- errors ---- */

void ct_print_errors_of(const char *who) {
    const char *sep = who ? " " : "";
    unsigned long e;
    int n = 0;
    if (!who)
        who = "";
    while ((e = ERR_get_error()) != 0) {
        printf("%s%serr lib=%d reason=%d\n", who, sep, ERR_GET_LIB(e), ERR_GET_REASON(e));
        n++;
    }
    if (n == 0)
        printf("%s%serr none\n", who, sep);
}

void ct_print_errors(void) {
    ct_print_errors_of(NULL);
}

const char *ct_ssl_error_name(int e) {
    switch (e) {
    case SSL_ERROR_NONE: return "SSL_ERROR_NONE";
    case SSL_ERROR_SSL: return "SSL_ERROR_SSL";
    case SSL_ERROR_WANT_READ: return "SSL_ERROR_WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "SSL_ERROR_WANT_WRITE";
    case SSL_ERROR_WANT_X509_LOOKUP: return "SSL_ERROR_WANT_X509_LOOKUP";
    case SSL_ERROR_SYSCALL: return "SSL_ERROR_SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "SSL_ERROR_ZERO_RETURN";
    case SSL_ERROR_WANT_CONNECT: return "SSL_ERROR_WANT_CONNECT";
    case SSL_ERROR_WANT_ACCEPT: return "SSL_ERROR_WANT_ACCEPT";
    case SSL_ERROR_WANT_ASYNC: return "SSL_ERROR_WANT_ASYNC";
    case SSL_ERROR_WANT_ASYNC_JOB: return "SSL_ERROR_WANT_ASYNC_JOB";
    case SSL_ERROR_WANT_CLIENT_HELLO_CB: return "SSL_ERROR_WANT_CLIENT_HELLO_CB";
    case SSL_ERROR_WANT_RETRY_VERIFY: return "SSL_ERROR_WANT_RETRY_VERIFY";
    default: return "unknown";
    }
}

int ct_print_ssl_error(const char *what, SSL *ssl, int ret) {
    int e = SSL_get_error(ssl, ret);
    printf("%s ret=%d ssl_error=%d (%s)\n", what, ret, e, ct_ssl_error_name(e));
    return e;
}

int ct_print_outcome(const char *what, SSL *ssl, int ret) {
    int e = ct_print_ssl_error(what, ssl, ret);
    ct_print_errors();
    return e;
}

void ct_print_session(const char *who, SSL *ssl) {
    const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
    printf("%s version %s\n", who, SSL_get_version(ssl));
    printf("%s cipher %s\n", who, c ? SSL_CIPHER_get_name(c) : "(none)");
    printf("%s verify_result %ld\n", who, SSL_get_verify_result(ssl));
    X509 *peer = SSL_get1_peer_certificate(ssl);
    printf("%s peer certificate %s\n", who, peer ? "yes" : "no");
    X509_free(peer);
}

int ct_wait_io(SSL *ssl, int fd, int ret) {
    int e = SSL_get_error(ssl, ret);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        return 0;
    if (wait_fd(fd, e == SSL_ERROR_WANT_WRITE, 20) <= 0)
        ct_fatal("socket not ready within 20 s (%s)", ct_ssl_error_name(e));
    return 1;
}

int ct_write_retry(SSL *ssl, int fd, const void *buf, int len, ct_retries *count) {
    int r;
    while ((r = SSL_write(ssl, buf, len)) <= 0) {
        int e = SSL_get_error(ssl, r);
        if (count) {
            count->want_read += e == SSL_ERROR_WANT_READ;
            count->want_write += e == SSL_ERROR_WANT_WRITE;
        }
        if (!ct_wait_io(ssl, fd, r))
            break;
    }
    return r;
}

size_t ct_write_chunks(SSL *ssl, int fd, const unsigned char *data, size_t total, const int *sizes,
                       size_t nsizes) {
    ct_retries retries = {0, 0};
    size_t sent = 0;
    for (size_t k = 0; sent < total; k++) {
        int len = sizes[k % nsizes];
        if ((size_t)len > total - sent)
            len = (int)(total - sent);
        int n = ct_write_retry(ssl, fd, data + sent, len, &retries);
        if (n != len) {
            ct_print_outcome("SSL_write", ssl, n);
            break;
        }
        sent += n;
    }
    ct_log("SSL_write retries: %ld after WANT_WRITE, %ld after WANT_READ", retries.want_write,
           retries.want_read);
    return sent;
}

static int handshake(const char *what, int (*step)(SSL *), SSL *ssl, int fd) {
    int r;
    while ((r = step(ssl)) != 1 && ct_wait_io(ssl, fd, r))
        ;
    if (ct_print_ssl_error(what, ssl, r) != SSL_ERROR_NONE)
        ct_print_errors();
    return r;
}

int ct_connect(SSL *ssl, int fd) {
    return handshake("SSL_connect", SSL_connect, ssl, fd);
}

int ct_accept(SSL *ssl, int fd) {
    return handshake("SSL_accept", SSL_accept, ssl, fd);
}

int ct_exchange_close_notify(SSL *ssl, int fd) {
    int r;
    while ((r = SSL_shutdown(ssl)) < 0 && ct_wait_io(ssl, fd, r))
        ;
    printf("SSL_shutdown ret=%d\n", r);
    if (r < 0)
        ct_print_errors();
    char buf[256];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof buf)) <= 0 && ct_wait_io(ssl, fd, n))
        ;
    ct_print_ssl_error("SSL_read after shutdown", ssl, n);
    return r;
}

void ct_close_session(SSL *ssl, int fd) {
    ct_exchange_close_notify(ssl, fd);
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(ssl));
    printf("SSL_shutdown again ret=%d\n", SSL_shutdown(ssl));
    ct_print_errors();
}

SSL_CTX *ct_client_ctx(int verify_mode) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        ct_fatal("SSL_CTX_new(TLS_client_method) failed");
    printf("client load_verify_locations %d\n",
           SSL_CTX_load_verify_locations(ctx, ct_cert("ca.pem"), NULL));
    SSL_CTX_set_verify(ctx, verify_mode, NULL);
    return ctx;
}

SSL_CTX *ct_server_ctx(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        ct_fatal("SSL_CTX_new(TLS_server_method) failed");
    printf("server use_certificate_file %d\n",
           SSL_CTX_use_certificate_file(ctx, ct_cert("server.pem"), SSL_FILETYPE_PEM));
    printf("server use_PrivateKey_file %d\n",
           SSL_CTX_use_PrivateKey_file(ctx, ct_cert("server.key"), SSL_FILETYPE_PEM));
    printf("server check_private_key %d\n", SSL_CTX_check_private_key(ctx));
    return ctx;
}

SSL *ct_client_ssl(SSL_CTX *ctx, int fd, const char *host, int show) {
    SSL *ssl = SSL_new(ctx);
    if (!ssl)
        ct_fatal("SSL_new failed");
    int r = SSL_set_fd(ssl, fd);
    if (show & CT_SHOW_FD)
        printf("SSL_set_fd %d\n", r);
    r = SSL_set1_host(ssl, host);
    if (show & CT_SHOW_HOST)
        printf("SSL_set1_host %d\n", r);
    long sni = SSL_set_tlsext_host_name(ssl, "localhost");
    if (show & CT_SHOW_HOST)
        printf("SSL_set_tlsext_host_name %ld\n", sni);
    return ssl;
}

void ct_conn_open(ct_conn *c, const char *tag, int sndbuf, int nonblocking, int show) {
    ct_server_start(&c->srv, tag, 1);
    c->ctx = ct_client_ctx(SSL_VERIFY_PEER);
    c->fd = ct_tcp_connect(c->srv.port, sndbuf, nonblocking);
    c->ssl = ct_client_ssl(c->ctx, c->fd, "localhost", show);
}

void ct_conn_close(ct_conn *c, const unsigned char *sent, size_t sent_len) {
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    ct_server_finish(&c->srv);
    ct_report_file("s_server received", c->srv.out_path, sent, sent_len);
    SSL_free(c->ssl);
    SSL_CTX_free(c->ctx);
    c->ssl = NULL;
    c->ctx = NULL;
}

/* ---- in-process pairs ---- */

void ct_pair_new(ct_pair *p, SSL_CTX *cctx, SSL_CTX *sctx, size_t cap) {
    BIO *cb, *sb;
    if (BIO_new_bio_pair(&cb, cap, &sb, cap) != 1)
        ct_fatal("BIO_new_bio_pair(%zu) failed", cap);
    p->client = SSL_new(cctx);
    p->server = SSL_new(sctx);
    if (!p->client || !p->server)
        ct_fatal("SSL_new failed");
    SSL_set_bio(p->client, cb, cb);
    SSL_set_bio(p->server, sb, sb);
    SSL_set_connect_state(p->client);
    SSL_set_accept_state(p->server);
}

static int retryable(SSL *ssl, int ret) {
    int e = SSL_get_error(ssl, ret);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

int ct_pair_handshake(ct_pair *p) {
    int rc = 0, rs = 0;
    for (int i = 0; i < 10000 && (rc != 1 || rs != 1); i++) {
        if (rc != 1 && (rc = SSL_do_handshake(p->client)) != 1 && !retryable(p->client, rc))
            break;
        if (rs != 1 && (rs = SSL_do_handshake(p->server)) != 1 && !retryable(p->server, rs))
            break;
    }
    int ok = rc == 1 && rs == 1;
    if (rc != 1)
        ct_outcome("pair client SSL_do_handshake", p->client, rc);
    if (rs != 1)
        ct_outcome("pair server SSL_do_handshake", p->server, rs);
    /* What follows the handshake (tickets) is protocol-specific in size; it
     * is consumed here so that the cases start from empty BIOs. */
    int err = SSL_ERROR_WANT_READ;
    for (int i = 0; ok && err == SSL_ERROR_WANT_READ && i < 100; i++) {
        ct_drain(p->client, NULL, 0, &err);
        if (err == SSL_ERROR_WANT_READ)
            ct_drain(p->server, NULL, 0, &err);
        if (BIO_ctrl_pending(SSL_get_rbio(p->client)) == 0 &&
            BIO_ctrl_pending(SSL_get_rbio(p->server)) == 0)
            break;
    }
    printf("pair handshake %s\n", ok && err == SSL_ERROR_WANT_READ ? "ok" : "failed");
    return ok && err == SSL_ERROR_WANT_READ;
}

void ct_pair_free(ct_pair *p) {
    SSL_free(p->client);
    SSL_free(p->server);
    p->client = p->server = NULL;
}

size_t ct_drain(SSL *reader, unsigned char *dst, size_t cap, int *last_err) {
    static unsigned char scratch[16384];
    size_t got = 0;
    while (!dst || got < cap) {
        unsigned char *to = dst ? dst + got : scratch;
        size_t want = dst ? cap - got : sizeof scratch;
        int r = SSL_read(reader, to, want > INT_MAX ? INT_MAX : (int)want);
        if (r > 0) {
            got += (size_t)r;
            continue;
        }
        int e = SSL_get_error(reader, r);
        if (e != SSL_ERROR_WANT_READ)
            ct_outcome("ct_drain SSL_read", reader, r);
        *last_err = e;
        return got;
    }
    *last_err = SSL_ERROR_NONE;
    return got;
}

void ct_outcome(const char *what, SSL *ssl, int ret) {
    int e = SSL_get_error(ssl, ret);
    printf("%s ret=%d ssl_error=%s\n", what, ret, ct_ssl_error_name(e));
    unsigned long q;
    while ((q = ERR_get_error()) != 0)
        printf("  err lib=%d reason=%d %s\n", ERR_GET_LIB(q), ERR_GET_REASON(q),
               ERR_reason_error_string(q) ? ERR_reason_error_string(q) : "(no text)");
}
