// channel-call: a client asks a server thread to add numbers, over zx_channel_call (user/README.md).
#include <stdio.h>
#include <threads.h>
#include <zircon/syscalls.h>

struct request {
    zx_txid_t txid;  // zx_channel_call writes its transaction id here
    int32_t a, b;
};

struct reply {
    zx_txid_t txid;  // the server copies the request's id: that is how the reply finds its call
    int32_t sum;
};

static int server(void *arg) {
    zx_handle_t ch = (zx_handle_t)(uintptr_t)arg;
    for (;;) {
        zx_signals_t got;
        zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &got);
        struct request rq;
        uint32_t nb, nh;
        if (zx_channel_read(ch, 0, &rq, NULL, sizeof rq, 0, &nb, &nh) != ZX_OK) break;  // client gone
        struct reply rp = {rq.txid, rq.a + rq.b};
        zx_channel_write(ch, 0, &rp, sizeof rp, NULL, 0);
    }
    zx_handle_close(ch);
    return 0;
}

int main(void) {
    zx_handle_t client, srv;
    if (zx_channel_create(0, &client, &srv) != ZX_OK) return 1;
    thrd_t t;
    if (thrd_create(&t, server, (void *)(uintptr_t)srv) != thrd_success) return 1;
    int32_t total = 0;
    for (int32_t i = 1; i <= 100; i++) {
        struct request rq = {0, total, i};
        struct reply rp;
        zx_channel_call_args_t args = {.wr_bytes = &rq, .wr_num_bytes = sizeof rq,
                                       .rd_bytes = &rp, .rd_num_bytes = sizeof rp};
        uint32_t nb, nh;
        zx_status_t st = zx_channel_call(client, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
        if (st != ZX_OK || nb != sizeof rp) return 1;
        total = rp.sum;
    }
    zx_handle_close(client);  // the server sees PEER_CLOSED and returns
    thrd_join(t, NULL);
    printf("channel-call: 1 + 2 + ... + 100 = %d (want 5050)\n", (int)total);
    return total == 5050 ? 0 : 1;
}
