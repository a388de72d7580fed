/*
 * Partial writes (SSL_MODE_ENABLE_PARTIAL_WRITE) on a blocking TCP socket
 * with a smaller record size: SSL_set_max_send_fragment(1000), once alone and
 * once with SSL_set_split_send_fragment(600).  OpenSSL 3.0 cuts application
 * data at the split size whenever one is set, pipelining or not, so that is
 * the record size of the second run.  On a blocking socket nothing
 * interrupts a record, so every call must report exactly one record (or its
 * whole length if shorter); the peer is `openssl s_server` and must get
 * every byte.
 */
#include "common.h"

#define TOTAL (256u * 1024)

static const size_t chunks[] = {1000, 1, 999, 1001, 4096, 65536, 2500, 16384};

static void run(const char *tag, long max_fragment, long split_fragment, uint64_t seed) {
    printf("== max_send_fragment %ld, split_send_fragment %ld\n", max_fragment, split_fragment);
    unsigned char *data = ct_alloc_data(TOTAL, seed);
    ct_report_sent("sent", data, TOTAL);
    ct_conn c;
    ct_conn_open(&c, tag, 0, 0, CT_SHOW_FD);
    SSL *ssl = c.ssl;
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE);
    printf("SSL_set_max_send_fragment %ld\n", SSL_set_max_send_fragment(ssl, max_fragment));
    if (split_fragment)
        printf("SSL_set_split_send_fragment %ld\n", SSL_set_split_send_fragment(ssl, split_fragment));
    int r = ct_connect(ssl, c.fd);

    size_t record = (size_t)(split_fragment ? split_fragment : max_fragment);
    size_t sent = 0;
    long calls = 0;
    int exact = 1;
    for (int k = 0; r == 1 && sent < TOTAL; k++) {
        size_t len = chunks[k % (sizeof chunks / sizeof *chunks)];
        if (len > TOTAL - sent)
            len = TOTAL - sent;
        /* Alternate the two entry points; they must agree. */
        size_t done = 0;
        int n;
        if (k % 2) {
            n = SSL_write_ex(ssl, data + sent, len, &done);
        } else {
            n = SSL_write(ssl, data + sent, (int)len);
            done = n > 0 ? (size_t)n : 0;
        }
        if (n <= 0) {
            ct_print_outcome(k % 2 ? "SSL_write_ex" : "SSL_write", ssl, n);
            break;
        }
        calls++;
        if (done != (len < record ? len : record)) {
            if (exact)
                printf("first count off one record: len=%zu got=%zu\n", len, done);
            exact = 0;
        }
        if (done > len)
            break;
        sent += done;
    }
    printf("write total=%zu calls=%ld each one %zu-byte record: %s\n", sent, calls, record,
           exact ? "yes" : "no");
    ct_exchange_close_notify(ssl, c.fd);
    ct_conn_close(&c, data, TOTAL);
    free(data);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    run("max.out", 1000, 0, 801);
    run("split.out", 1000, 600, 802);
    return 0;
}
