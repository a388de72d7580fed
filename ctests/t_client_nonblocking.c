/*
 * Like t_client_blocking, on a nonblocking socket whose send buffer is made
 * small before connecting, so that SSL_write keeps running into
 * SSL_ERROR_WANT_WRITE.  Every interrupted call is repeated with the same
 * arguments once select() says the socket is ready.  How often that happens
 * depends on scheduling, so only the final outcome of each call is printed.
 */
#include "common.h"

#define TOTAL (3u * 1024 * 1024)

static const int chunks[] = {16384, 1, 4096, 10000, 16385, 65536, 777, 100000, 16383};

int main(int argc, char **argv) {
    ct_init(argc, argv);
    unsigned char *data = ct_alloc_data(TOTAL, 202);
    ct_report_sent("client sent", data, TOTAL);

    ct_conn c;
    ct_conn_open(&c, "s_server.out", 4096, 1, CT_SHOW_FD | CT_SHOW_HOST);
    int r = ct_connect(c.ssl, c.fd);
    ct_print_session("client", c.ssl);

    size_t sent = 0;
    if (r == 1)
        sent = ct_write_chunks(c.ssl, c.fd, data, TOTAL, chunks, sizeof chunks / sizeof *chunks);
    printf("SSL_write total %zu\n", sent);

    /* On this socket both sending our close_notify and reading s_server's
     * may have to wait. */
    ct_close_session(c.ssl, c.fd);
    ct_conn_close(&c, data, TOTAL);
    free(data);
    return 0;
}
