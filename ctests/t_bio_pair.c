/* Client and server in one process over BIO pairs of 4 KiB: handshake,
 * 1 MiB each way with retries under WANT_READ/WANT_WRITE, bidirectional
 * shutdown, then what a write after shutdown reports. */
#include "common.h"

#define SIZE (1 << 20)

/* Moves data both ways until both sides have received everything. Each side
 * repeats an interrupted SSL_write with the same arguments. */
static int transfer(SSL *c, SSL *s, const unsigned char *cdata, const unsigned char *sdata,
                    unsigned char *cgot, unsigned char *sgot) {
    size_t csent = 0, ssent = 0, crecv = 0, srecv = 0;
    for (int i = 0; i < 200000 && (crecv < SIZE || srecv < SIZE); i++) {
        if (csent < SIZE) {
            int n = SSL_write(c, cdata + csent, (int)(SIZE - csent));
            if (n > 0)
                csent += n;
            else if (SSL_get_error(c, n) != SSL_ERROR_WANT_READ && SSL_get_error(c, n) != SSL_ERROR_WANT_WRITE)
                return 0;
        }
        if (ssent < SIZE) {
            int n = SSL_write(s, sdata + ssent, (int)(SIZE - ssent));
            if (n > 0)
                ssent += n;
            else if (SSL_get_error(s, n) != SSL_ERROR_WANT_READ && SSL_get_error(s, n) != SSL_ERROR_WANT_WRITE)
                return 0;
        }
        if (srecv < SIZE) {
            int n = SSL_read(s, sgot + srecv, (int)(SIZE - srecv));
            if (n > 0)
                srecv += n;
            else if (SSL_get_error(s, n) != SSL_ERROR_WANT_READ)
                return 0;
        }
        if (crecv < SIZE) {
            int n = SSL_read(c, cgot + crecv, (int)(SIZE - crecv));
            if (n > 0)
                crecv += n;
            else if (SSL_get_error(c, n) != SSL_ERROR_WANT_READ)
                return 0;
        }
    }
    return crecv == SIZE && srecv == SIZE;
}

int main(int argc, char **argv) {
    test_init(argc, argv);
    SSL_CTX *cctx = client_ctx(), *sctx = server_ctx();
    SSL *c, *s;
    make_pair(cctx, sctx, 4096, &c, &s);
    printf("is_server client=%d server=%d\n", SSL_is_server(c), SSL_is_server(s));
    printf("handshake %s\n", pair_handshake(c, s) ? "done" : "FAILED");
    printf("client: %s %s verify=%ld\n", SSL_get_version(c), SSL_CIPHER_get_name(SSL_get_current_cipher(c)),
           SSL_get_verify_result(c));
    printf("server: %s %s\n", SSL_get_version(s), SSL_CIPHER_get_name(SSL_get_current_cipher(s)));
    X509 *peer = SSL_get1_peer_certificate(c);
    printf("client sees a server certificate: %s\n", peer ? "yes" : "no");
    X509_free(peer);
    printf("server sees a client certificate: %s\n", SSL_get1_peer_certificate(s) ? "yes" : "no");

    unsigned char *cdata = make_data(SIZE, 1), *sdata = make_data(SIZE, 2);
    unsigned char *cgot = malloc(SIZE), *sgot = malloc(SIZE);
    int ok = transfer(c, s, cdata, sdata, cgot, sgot);
    printf("transfer %s; server got client's bytes: %s; client got server's bytes: %s\n", ok ? "complete" : "FAILED",
           memcmp(sgot, cdata, SIZE) == 0 ? "identical" : "DIFFERENT",
           memcmp(cgot, sdata, SIZE) == 0 ? "identical" : "DIFFERENT");
    printf("pending after transfer: client=%d server=%d\n", SSL_pending(c), SSL_pending(s));

    printf("client SSL_shutdown=%d shutdown flags=%d\n", SSL_shutdown(c), SSL_get_shutdown(c));
    char byte;
    int r = SSL_read(s, &byte, 1);
    printf("server SSL_read=%d SSL_get_error=%d flags=%d\n", r, SSL_get_error(s, r), SSL_get_shutdown(s));
    printf("server SSL_shutdown=%d flags=%d\n", SSL_shutdown(s), SSL_get_shutdown(s));
    printf("client SSL_shutdown=%d flags=%d\n", SSL_shutdown(c), SSL_get_shutdown(c));
    r = SSL_write(c, "x", 1);
    printf("client SSL_write after shutdown=%d SSL_get_error=%d\n", r, SSL_get_error(c, r));
    print_errors("client");
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    free(cdata), free(sdata), free(cgot), free(sgot);
    return 0;
}
