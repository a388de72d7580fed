/*
 * A client on a blocking socket to the system's `openssl s_server`: CA from
 * SSL_CTX_load_verify_locations, SSL_VERIFY_PEER, SNI and SSL_set1_host for
 * localhost.  3 MiB go up in chunks of uneven sizes, then a bidirectional
 * shutdown; what s_server received is compared by SHA-256.
 */
#include "common.h"

#define TOTAL (3u * 1024 * 1024)

/* Uneven sizes, so that writes and 16 KiB records never line up. */
static const int chunks[] = {16384, 1, 4096, 10000, 16385, 65536, 777, 100000, 16383};

int main(int argc, char **argv) {
    ct_init(argc, argv);
    unsigned char *data = ct_alloc_data(TOTAL, 101);
    ct_report_sent("client sent", data, TOTAL);

    ct_conn c;
    ct_conn_open(&c, "s_server.out", 0, 0, CT_SHOW_FD | CT_SHOW_HOST);
    int r = ct_connect(c.ssl, c.fd);
    ct_print_session("client", c.ssl);

    size_t sent = 0;
    if (r == 1)
        sent = ct_write_chunks(c.ssl, c.fd, data, TOTAL, chunks, sizeof chunks / sizeof *chunks);
    printf("SSL_write total %zu\n", sent);

    /* The first call sends close_notify; s_server answers with its own, which
     * the second call waits for. */
    r = SSL_shutdown(c.ssl);
    printf("SSL_shutdown 1 ret=%d\n", r);
    if (r == 0) {
        r = SSL_shutdown(c.ssl);
        printf("SSL_shutdown 2 ret=%d\n", r);
    }
    printf("SSL_get_shutdown %d\n", SSL_get_shutdown(c.ssl));
    ct_print_errors();
    ct_conn_close(&c, data, TOTAL);
    free(data);
    return 0;
}
