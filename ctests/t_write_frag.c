/*
 * SSL_CTX_set_max_send_fragment/SSL_set_max_send_fragment: accepted values
 * and their bounds, and records of that size on the wire: partial writes
 * return one fragment at a time, a default-mode write still returns the whole
 * count, and the reader gets one fragment per SSL_read.
 */
#include "common.h"

static SSL_CTX *cctx, *sctx;

static void bounds(void) {
    printf("== bounds\n");
    static const long values[] = {0, 1, 511, 512, 513, 4096, 16384, 16385, 65536, -1};
    SSL *ssl = SSL_new(cctx);
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        printf("SSL_CTX_set_max_send_fragment(%ld) %ld\n", values[i],
               SSL_CTX_set_max_send_fragment(cctx, values[i]));
        printf("SSL_set_max_send_fragment(%ld) %ld\n", values[i],
               SSL_set_max_send_fragment(ssl, values[i]));
        ct_print_errors();
    }
    SSL_free(ssl);
    SSL_CTX_set_max_send_fragment(cctx, 16384);
}

/* Reads until nothing is left, printing the size of each SSL_read. */
static void read_sizes(SSL *r) {
    unsigned char buf[20000];
    int n, k = 0;
    printf("reads:");
    while ((n = SSL_read(r, buf, sizeof buf)) > 0) {
        if (k++ < 12)
            printf(" %d", n);
    }
    printf(" ... %d reads\n", k);
    ct_outcome("last read", r, n);
}

static void writes(long frag, long mode, int ctx_level) {
    printf("== fragment %ld, mode %ld, set on the %s\n", frag, mode, ctx_level ? "SSL_CTX" : "SSL");
    if (ctx_level)
        SSL_CTX_set_max_send_fragment(cctx, frag);
    ct_pair p;
    ct_pair_new(&p, cctx, sctx, 1 << 20);
    if (!ctx_level)
        printf("SSL_set_max_send_fragment %ld\n", SSL_set_max_send_fragment(p.client, frag));
    ct_pair_handshake(&p);
    SSL_set_mode(p.client, mode);
    unsigned char *data = ct_alloc_data(100000, frag);
    size_t sent = 0;
    printf("writes:");
    for (int i = 0; sent < 100000 && i < 1000; i++) {
        int r = SSL_write(p.client, data + sent, (int)(100000 - sent));
        if (r <= 0) {
            printf("\n");
            ct_outcome("SSL_write", p.client, r);
            break;
        }
        if (i < 12)
            printf(" %d", r);
        sent += (size_t)r;
    }
    printf(" ... total %zu\n", sent);
    read_sizes(p.server);
    ct_pair_free(&p);
    free(data);
    SSL_CTX_set_max_send_fragment(cctx, 16384);
}

int main(int argc, char **argv) {
    ct_init(argc, argv);
    cctx = ct_client_ctx(SSL_VERIFY_PEER);
    sctx = ct_server_ctx();
    bounds();
    writes(512, SSL_MODE_ENABLE_PARTIAL_WRITE, 0);
    writes(512, 0, 0);
    writes(1000, SSL_MODE_ENABLE_PARTIAL_WRITE, 1);
    writes(16384, SSL_MODE_ENABLE_PARTIAL_WRITE, 0);
    /* The split fragment is what brings records back up. */
    printf("SSL_CTX_set_split_send_fragment(0) %ld\n", SSL_CTX_set_split_send_fragment(cctx, 0));
    printf("SSL_CTX_set_split_send_fragment(16385) %ld\n",
           SSL_CTX_set_split_send_fragment(cctx, 16385));
    printf("SSL_CTX_set_split_send_fragment(4000) %ld\n",
           SSL_CTX_set_split_send_fragment(cctx, 4000));
    writes(16384, SSL_MODE_ENABLE_PARTIAL_WRITE, 0);
    printf("SSL_CTX_set_max_pipelines(0) %ld\n", SSL_CTX_set_max_pipelines(cctx, 0));
    printf("SSL_CTX_set_max_pipelines(1) %ld\n", SSL_CTX_set_max_pipelines(cctx, 1));
    printf("SSL_CTX_set_max_pipelines(33) %ld\n", SSL_CTX_set_max_pipelines(cctx, 33));
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
