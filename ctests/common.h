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
/* The PEM certificate of that name in the cert directory; fatal if absent. */
X509 *ct_load_cert(const char *name);
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
/*
 * Waits (bounded) until out_path holds len bytes: s_server has read them off
 * its socket, so none of them is still queued between us and it.
 */
void ct_server_wait_received(const ct_server *srv, size_t len);

/*
 * `openssl s_client` as the peer of a server under test: it connects to a
 * socket of ours, verifies localhost against the test CA (any verification
 * error ends it) and sends SNI.  With -quiet it ignores EOF on its stdin and
 * leaves only when our close_notify arrives.  Its stdin is in_path (NULL:
 * /dev/null); what it receives lands raw in a scratch file named tag.
 * Returns once its connection is accepted; fd is our end, with sndbuf and
 * nonblocking meaning what they do for ct_tcp_connect, applied once the
 * connection is accepted.
 */
typedef struct {
    pid_t pid;
    int fd;
    const char *out_path;
} ct_s_client;
void ct_s_client_start(ct_s_client *cl, const char *tag, const char *in_path, int sndbuf,
                       int nonblocking);
/* Closes fd (the peer may be waiting for EOF), waits (bounded) for s_client,
 * prints "s_client exit N", then reports out_path against sent as
 * "s_client received" (ct_report_file). */
void ct_s_client_finish(ct_s_client *cl, const unsigned char *sent, size_t sent_len);

/* Waits (bounded) until something listens on 127.0.0.1:port, without
 * connecting: a probe connection would use up one of s_server's -naccept. */
void ct_wait_listening(int port, pid_t pid, int timeout_ms);
/* Bounded wait.  Returns the exit status, 128+signal, or -1 after a timeout
 * (the child is then killed). */
int ct_wait_child(pid_t pid, int timeout_s);
/* Bounded wait returning the raw wait status; after a timeout the child is
 * killed, and the status says so (SIGKILL).  -1 if waitpid fails. */
int ct_wait_status(pid_t pid, int timeout_s);
/*
 * fork() with stdio flushed first, so that nothing buffered is written twice.
 * The child gets a watchdog of its own (the parent's alarm does not carry
 * over) with SIGALRM at its default, so a hung child dies by itself; it
 * should end with _exit.
 */
pid_t ct_fork(void);

/* Drains the error queue: one "err lib=L reason=R" line per entry, or
 * "err none". */
void ct_print_errors(void);
/* The same with every line prefixed by "<who> ", for a second party whose
 * report shares the test's stdout. */
void ct_print_errors_of(const char *who);
/* Prints "<what> ret=R ssl_error=E (NAME)" and returns E. */
int ct_print_ssl_error(const char *what, SSL *ssl, int ret);
/* ct_print_ssl_error, then the error queue as ct_print_errors, so that the
 * queue is empty for the next call; returns E. */
int ct_print_outcome(const char *what, SSL *ssl, int ret);
const char *ct_ssl_error_name(int e);

/* Prints version, cipher, verify result and peer-certificate presence. */
void ct_print_session(const char *who, SSL *ssl);

/*
 * After a call on ssl returned ret: if SSL_get_error asks for WANT_READ or
 * WANT_WRITE, waits for fd with select() and returns 1 (retry the same call
 * with the same arguments); otherwise returns 0.
 */
int ct_wait_io(SSL *ssl, int fd, int ret);

/* WANT_READ/WANT_WRITE counts; they depend on scheduling, so they are only
 * logged. */
typedef struct {
    long want_read, want_write;
} ct_retries;
/*
 * SSL_write(buf, len), repeated with the same arguments while ct_wait_io
 * allows (a blocking fd never asks); returns the last result.  count, when
 * not NULL, accumulates the retries.
 */
int ct_write_retry(SSL *ssl, int fd, const void *buf, int len, ct_retries *count);
/*
 * Writes total bytes of data in calls of sizes[0], sizes[1], ... (cycling,
 * the last cut short), each as ct_write_retry.  A call that does not write
 * its whole length is printed as ct_print_outcome("SSL_write") and ends the
 * loop.  Returns the bytes written; the retries go to stderr.
 */
size_t ct_write_chunks(SSL *ssl, int fd, const unsigned char *data, size_t total, const int *sizes,
                       size_t nsizes);

/*
 * The handshake as SSL_connect / SSL_accept, repeated while ct_wait_io
 * allows, so that one call serves blocking and nonblocking sockets.  Prints
 * "SSL_connect ret=R ssl_error=E (NAME)" (or SSL_accept) and, when it
 * failed, the error queue.  Returns the call's last result.
 */
int ct_connect(SSL *ssl, int fd);
int ct_accept(SSL *ssl, int fd);

/*
 * Sends our close_notify and reads until the peer's, each call repeated
 * while ct_wait_io allows.  Prints "SSL_shutdown ret=R" (with the error
 * queue when it failed, so that it cannot leak into a later report) and
 * "SSL_read after shutdown ret=R ssl_error=E (NAME)".  Returns SSL_shutdown's
 * result.
 */
int ct_exchange_close_notify(SSL *ssl, int fd);
/* ct_exchange_close_notify, then "SSL_get_shutdown N", a second SSL_shutdown
 * ("SSL_shutdown again ret=R", the state once both close_notify are through)
 * and the error queue. */
void ct_close_session(SSL *ssl, int fd);

/* Client and server contexts with the test PKI. */
SSL_CTX *ct_client_ctx(int verify_mode);
SSL_CTX *ct_server_ctx(void);

/* Which setup results ct_client_ssl prints: CT_SHOW_FD "SSL_set_fd N",
 * CT_SHOW_HOST "SSL_set1_host N" and "SSL_set_tlsext_host_name N". */
#define CT_SHOW_FD 1
#define CT_SHOW_HOST 2
/*
 * A new SSL of ctx on the connected socket fd, to verify the server's name
 * against host (SSL_set1_host) and to send SNI for localhost, the name in
 * the test certificate.  Nothing is sent yet, so modes may still be set
 * before the handshake.  The SSL does not own fd.
 */
SSL *ct_client_ssl(SSL_CTX *ctx, int fd, const char *host, int show);

/*
 * A client of the library under test and its own s_server: ct_server_start
 * (tag, one accept), ct_client_ctx(SSL_VERIFY_PEER), ct_tcp_connect(sndbuf,
 * nonblocking) and ct_client_ssl for localhost.  Nothing is sent yet.
 */
typedef struct {
    ct_server srv;
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
} ct_conn;
void ct_conn_open(ct_conn *c, const char *tag, int sndbuf, int nonblocking, int show);
/*
 * Closes fd (unless the test set it to -1), waits for s_server
 * (ct_server_finish), reports what it received against sent as "s_server
 * received" (ct_report_file) and frees the SSL and its context.
 */
void ct_conn_close(ct_conn *c, const unsigned char *sent, size_t sent_len);

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
