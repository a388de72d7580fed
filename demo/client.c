/* A TLS client as any OpenSSL 3 program writes it: verify the server, send a
 * file's worth of bytes, close cleanly. It knows nothing of sslshim.
 *
 *   client HOST PORT CAFILE BYTES blocking|nonblocking
 *
 * Prints what it did and the SHA-256 of what it sent. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what) {
    fprintf(stderr, "client: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    return 1;
}

/* Waits until the socket is ready for what OpenSSL asked for. */
static int wait_for(SSL *ssl, int fd, int ret) {
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ: FD_SET(fd, &r); break;
    case SSL_ERROR_WANT_WRITE: FD_SET(fd, &w); break;
    default: return 0;
    }
    struct timeval tv = {30, 0};
    return select(fd + 1, &r, &w, NULL, &tv) > 0;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: client HOST PORT CAFILE BYTES blocking|nonblocking\n");
        return 2;
    }
    const char *host = argv[1], *port = argv[2], *cafile = argv[3];
    size_t total = strtoul(argv[4], NULL, 10);
    int nonblocking = strcmp(argv[5], "nonblocking") == 0;

    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1)
        return fail("loading the CA");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(host, port, &hints, &ai) != 0)
        return fail("resolving");
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (nonblocking) {
        int small = 4096; /* a small send buffer makes SSL_write wait often */
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)
        return fail("connect");
    freeaddrinfo(ai);
    if (nonblocking)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set1_host(ssl, host);
    SSL_set_tlsext_host_name(ssl, host);

    int ret;
    while ((ret = SSL_connect(ssl)) != 1)
        if (!wait_for(ssl, fd, ret))
            return fail("handshake");
    printf("  handshake: %s %s, certificate for %s verified (result %ld)\n", SSL_get_version(ssl),
           SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)), host, SSL_get_verify_result(ssl));

    unsigned char *buf = malloc(total);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < total; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf[i] = (unsigned char)x;
    }
    size_t sent = 0, retries = 0;
    while (sent < total) {
        int chunk = total - sent > 65536 ? 65536 : (int)(total - sent);
        /* After WANT_READ/WANT_WRITE the same call is repeated, as SSL_write(3) requires. */
        ret = SSL_write(ssl, buf + sent, chunk);
        if (ret > 0) {
            sent += ret;
        } else if (wait_for(ssl, fd, ret)) {
            retries++;
        } else {
            return fail("SSL_write");
        }
    }
    while ((ret = SSL_shutdown(ssl)) != 1) {
        if (ret == 0)
            continue; /* ours is sent; now wait for the server's close_notify */
        if (!wait_for(ssl, fd, ret))
            break;
    }
    unsigned char md[32];
    unsigned int mdlen;
    EVP_Digest(buf, total, md, &mdlen, EVP_sha256(), NULL);
    printf("  sent %zu bytes (%s socket%s), sha256 ", sent, nonblocking ? "nonblocking" : "blocking",
           nonblocking ? (retries ? ", SSL_write retried after WANT_WRITE" : "") : "");
    for (unsigned i = 0; i < mdlen; i++)
        printf("%02x", md[i]);
    printf("\n");
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    free(buf);
    return 0;
}
