/*
 * Shared by the differential tests (compiled together with common.c).
 *
 * Output contract: stdout carries only what a caller observes and what is
 * deterministic given the protocol (return values, SSL_get_error codes,
 * error-queue lib/reason pairs, byte counts, hashes), so that runs under two
 * libssl implementations can be compared byte for byte.  Progress, peer logs,
 * ports and timings go to stderr.
 *
 * Peers are the system's `openssl` binary, started with LD_PRELOAD and
 * LD_LIBRARY_PATH removed from their environment so that they never run on
 * the library under test.
 */
#ifndef SSLSHIM_CTESTS_COMMON_H
#define SSLSHIM_CTESTS_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define CT_WATCHDOG_SECONDS 60

/* Directory holding ca.pem, server.pem, ... (argv[1], absolute or relative). */
extern const char *ct_certdir;

/*
 * Must be called first: takes argv[1] as the cert directory, arms the
 * watchdog, ignores SIGPIPE (a vanished peer must surface as an SSL error
 * rather than kill the test) and registers the exit hook that reports on
 * stderr which libssl the process mapped ("libssl: /path").
 */
void ct_init(int argc, char **argv);

/* Diagnostics on stderr.  ct_fatal kills the peers and exits with 2. */
void ct_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ct_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Path of a file in the cert directory; the string lives until exit. */
const char *ct_cert(const char *name);
/* Path of a file in this process's scratch directory, removed at exit. */
const char *ct_tmpfile(const char *name);

/* Deterministic pseudo-random bytes (xorshift64*), the same on every run. */
void ct_fill(unsigned char *buf, size_t len, uint64_t seed);
unsigned char *ct_alloc_data(size_t len, uint64_t seed);
void ct_write_file(const char *path, const unsigned char *buf, size_t len);

/* SHA-256 via libcrypto EVP, as lowercase hex. */
void ct_sha256(const void *buf, size_t len, char hex[65]);
/* 0 on success; *len receives the file size. */
int ct_sha256_file(const char *path, char hex[65], size_t *len);

/*
 * Prints "<who> bytes=N sha256=HEX" for what was delivered and
 * "<who> hash match yes|no" against what was sent.
 */
void ct_report_buffer(const char *who, const unsigned char *got, size_t got_len,
                      const unsigned char *sent, size_t sent_len);
void ct_report_file(const char *who, const char *path, const unsigned char *sent,
                    size_t sent_len);
/* Prints "<who> bytes=N sha256=HEX" for data about to be sent. */
void ct_report_sent(const char *who, const unsigned char *buf, size_t len);

/* Loopback TCP; every socket is close-on-exec so peers never inherit one. */
int ct_free_port(void);
int ct_tcp_listen(int *port);
int ct_tcp_accept(int lfd, int timeout_s);
/* Connects to 127.0.0.1:port.  sndbuf > 0 sets SO_SNDBUF before connecting;
 * nonblocking leaves the socket O_NONBLOCK (the connect is still completed). */
int ct_tcp_connect(int port, int sndbuf, int nonblocking);

/*
 * Runs the system `openssl` with args (args[0] is "openssl").  in_fd and
 * out_fd become the child's stdin and stdout (-1: /dev/null); stderr is
 * inherited so that the peer's complaints land in the test's diagnostics.
 */
pid_t ct_spawn_openssl(char *const args[], int in_fd, int out_fd);
/*
 * Starts `openssl s_server -quiet -naccept N` on 127.0.0.1 with the test
 * certificate; what it receives lands raw in out_path.  Its stdin is a pipe
 * kept open until ct_server_finish, since s_server treats EOF on stdin as the
 * end of the session.  Returns once the server listens.
 */
typedef struct {
    pid_t pid;
    int port;
    int stdin_fd;
    const char *out_path;
} ct_server;
void ct_server_start(ct_server *srv, const char *tag, int naccept);
/* Waits (bounded) for s_server to exit, prints "s_server exit N", closes its
 * stdin. */
void ct_server_finish(ct_server *srv);

/* Waits (bounded) until something listens on 127.0.0.1:port, without
 * connecting: a probe connection would use up one of s_server's -naccept. */
void ct_wait_listening(int port, pid_t pid, int timeout_ms);
/* Bounded wait.  Returns the exit status, 128+signal, or -1 after a timeout
 * (the child is then killed). */
int ct_wait_child(pid_t pid, int timeout_s);

/* Drains the error queue: one "err lib=L reason=R" line per entry, or
 * "err none". */
void ct_print_errors(void);
/* Prints "<what> ret=R ssl_error=E (NAME)" and returns E. */
int ct_print_ssl_error(const char *what, SSL *ssl, int ret);
const char *ct_ssl_error_name(int e);

/* Prints version, cipher, verify result and peer-certificate presence. */
void ct_print_session(const char *who, SSL *ssl);

/*
 * After a call on ssl returned ret: if SSL_get_error asks for WANT_READ or
 * WANT_WRITE, waits for fd with select() and returns 1 (retry the same call
 * with the same arguments); otherwise returns 0.
 */
int ct_wait_io(SSL *ssl, int fd, int ret);

/* Client and server contexts with the test PKI. */
SSL_CTX *ct_client_ctx(int verify_mode);
SSL_CTX *ct_server_ctx(void);

/*
 * A client and a server of the library under test in one process, joined by
 * a BIO pair whose buffers hold cap bytes each way.  Roles are set with
 * SSL_set_connect_state/SSL_set_accept_state; nothing is sent yet.
 */
typedef struct {
    SSL *client, *server;
} ct_pair;
void ct_pair_new(ct_pair *p, SSL_CTX *cctx, SSL_CTX *sctx, size_t cap);
/*
 * Completes the handshake on both sides, then lets each side read what the
 * other sent after it (session tickets), so that both directions of the pair
 * start empty.  Prints one line per side; returns 1 when both succeeded.
 */
int ct_pair_handshake(ct_pair *p);
void ct_pair_free(ct_pair *p);
/*
 * Reads with SSL_read into dst until cap bytes are there or the reader would
 * block; returns the bytes read.  dst NULL discards everything readable.
 * *last_err is the SSL_get_error of the last call (NONE when cap was
 * reached); any outcome but WANT_READ is also printed with the error queue.
 */
size_t ct_drain(SSL *reader, unsigned char *dst, size_t cap, int *last_err);

/*
 * Prints the outcome of one call: "<what> ret=R ssl_error=NAME", then the
 * error queue (drained), one line per entry.
 */
void ct_outcome(const char *what, SSL *ssl, int ret);

#endif
