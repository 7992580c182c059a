// bench-wait: instructions retired (rdinstret, exact under tools/run --icount)
// per waiting operation, and kernel heap bytes per waiting object, measured
// as the change of the kernel's heap counter (zxrv_kernel_stats heap_bytes:
// the size-class blocks handed out, 32..2048 bytes, powers of two).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>
#include <zxrv/kstats.h>
#include <zxrv/launch.h>
#include <zxrv/testutil.h>

#define N 20000
#define K 256

static inline uint64_t instret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static uint64_t heap_bytes(void) {
    zxrv_kernel_stats_t ks;
    return zxrv_kernel_stats(&ks) == ZX_OK ? ks.heap_bytes : 0;
}

static void report_bytes(const char *what, uint64_t before, uint64_t after, unsigned count) {
    uint64_t per = (after - before) / count;
    printf("bench: kernel bytes per %s: %llu\n", what, (unsigned long long)per);
}

// bench-wait server: answer every request on the PA_USER0 channel with the
// same bytes (so the reply carries the request's transaction id) until the
// client closes its end.
static int call_server(void) {
    zx_handle_t ch = zx_take_startup_handle(PA_HND(PA_USER0, 0));
    uint8_t buf[64];
    for (;;) {
        zx_signals_t seen;
        if (zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, &seen) != ZX_OK)
            return 1;
        uint32_t nb, nh;
        zx_status_t st = zx_channel_read(ch, 0, buf, NULL, sizeof buf, 0, &nb, &nh);
        if (st == ZX_ERR_PEER_CLOSED) return 0;
        if (st != ZX_OK || zx_channel_write(ch, 0, buf, nb, NULL, 0) != ZX_OK) return 1;
    }
}

// zx_channel_call round trips (16 bytes each way) to a server process:
// instructions retired on the caller's hart and guest time per call.
static int bench_call(void) {
    zx_handle_t ch, srv_end;
    if (zx_channel_create(0, &ch, &srv_end) != ZX_OK) return 1;
    size_t len = 0;
    void *elf = zxrv_load_program("bench-wait", &len);
    if (!elf) {
        printf("bench-wait: no bench-wait in the boot archive\n");
        return 1;
    }
    const char *argv[] = {"bench-wait", "server"};
    uint32_t tag = PA_HND(PA_USER0, 0);
    zx_handle_t proc;
    zx_status_t st = zxrv_launch(zx_job_default(), "bench-wait-server", elf, len, 2, argv, &tag, &srv_end, 1, &proc);
    free(elf);
    if (st != ZX_OK) return 1;
    uint64_t req[2] = {0, 42}, rep[2];
    uint32_t nb, nh;
    zx_channel_call_args_t args = {.wr_bytes = req, .wr_num_bytes = sizeof req, .rd_bytes = rep,
                                   .rd_num_bytes = sizeof rep};
    if (zx_channel_call(ch, 0, ZX_TIME_INFINITE, &args, &nb, &nh) != ZX_OK) return 1;  // the server is up
    const int calls = 2000;
    zx_time_t g0 = zx_clock_get_monotonic();
    uint64_t t0 = instret();
    for (int i = 0; i < calls; i++)
        if (zx_channel_call(ch, 0, ZX_TIME_INFINITE, &args, &nb, &nh) != ZX_OK) return 1;
    uint64_t t1 = instret();
    zx_time_t g1 = zx_clock_get_monotonic();
    zxrv_kernel_stats_t ks;
    unsigned harts = zxrv_kernel_stats(&ks) == ZX_OK ? (unsigned)ks.harts_online : 0;
    printf("bench: zx_channel_call round trip to another process, %u hart%s: %llu instructions on the caller's hart, "
           "%llu ns guest time\n", harts, harts == 1 ? "" : "s", (unsigned long long)((t1 - t0) / calls),
           (unsigned long long)((g1 - g0) / calls));
    zx_handle_close(ch);  // the server sees PEER_CLOSED and exits
    zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL);
    zx_handle_close(proc);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "server")) return call_server();
    if (argc > 1 && !strcmp(argv[1], "call")) return bench_call();
    zx_handle_t port, ev, evs[8];
    if (zx_port_create(0, &port) != ZX_OK || zx_event_create(0, &ev) != ZX_OK) return 1;
    zx_port_packet_t pkt = {0}, out;

    uint64_t t0 = instret();
    for (int i = 0; i < N; i++) {
        zx_port_queue(port, &pkt);
        zx_port_wait(port, 0, &out);
    }
    uint64_t t1 = instret();
    printf("bench: zx_port_queue + zx_port_wait: %llu instructions\n", (unsigned long long)((t1 - t0) / N));

    t0 = instret();
    for (int i = 0; i < N; i++) {
        zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, 0);
        zx_object_signal(ev, 0, ZX_EVENT_SIGNALED);
        zx_port_wait(port, 0, &out);
        zx_object_signal(ev, ZX_EVENT_SIGNALED, 0);
    }
    t1 = instret();
    uint64_t t2 = instret();
    for (int i = 0; i < N; i++) zx_object_signal(ev, ZX_EVENT_SIGNALED, 0);
    uint64_t t3 = instret();
    printf("bench: zx_object_wait_async + zx_object_signal + zx_port_wait: %llu instructions\n",
           (unsigned long long)(((t1 - t0) - (t3 - t2)) / N));

    zx_wait_item_t items[8];
    for (int i = 0; i < 8; i++) {
        if (zx_event_create(0, &evs[i]) != ZX_OK) return 1;
        items[i] = (zx_wait_item_t){evs[i], ZX_EVENT_SIGNALED, 0};
    }
    zx_object_signal(evs[7], 0, ZX_EVENT_SIGNALED);
    t0 = instret();
    for (int i = 0; i < N; i++) zx_object_wait_many(items, 8, ZX_TIME_INFINITE);
    t1 = instret();
    printf("bench: zx_object_wait_many on 8 items (the last signalled): %llu instructions\n",
           (unsigned long long)((t1 - t0) / N));
    t0 = instret();
    for (int i = 0; i < N; i++) zx_object_wait_one(evs[7], ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, NULL);
    t1 = instret();
    printf("bench: zx_object_wait_one (signalled): %llu instructions\n", (unsigned long long)((t1 - t0) / N));

    // Kernel bytes per object: create K, read the heap counter before and after
    // (after growing the handle table to K more handles, so that it does not count).
    zx_handle_t hs[K];
    for (int i = 0; i < K; i++) zx_event_create(0, &hs[i]);
    for (int i = 0; i < K; i++) zx_handle_close(hs[i]);
    uint64_t b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_port_create(0, &hs[i]);
    uint64_t b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_handle_close(hs[i]);
    report_bytes("port", b0, b1, K);
    b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_port_queue(port, &pkt);
    b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_port_wait(port, 0, &out);
    report_bytes("queued user packet", b0, b1, K);
    zx_object_signal(ev, ZX_EVENT_SIGNALED, 0);
    b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_object_wait_async(ev, port, 2, ZX_EVENT_SIGNALED, 0);
    b1 = heap_bytes();
    report_bytes("pending wait_async (its signal packet included)", b0, b1, K);
    zx_port_cancel(port, ev, 2);
    b0 = heap_bytes();
    for (int i = 0; i < K; i++) zx_event_create(0, &hs[i]);
    b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_handle_close(hs[i]);
    report_bytes("event", b0, b1, K);
    b0 = heap_bytes();
    for (int i = 0; i < K / 2; i++) zx_eventpair_create(0, &hs[2 * i], &hs[2 * i + 1]);
    b1 = heap_bytes();
    for (int i = 0; i < K; i++) zx_handle_close(hs[i]);
    report_bytes("event pair side", b0, b1, K);

    for (int i = 0; i < 8; i++) zx_handle_close(evs[i]);
    zx_handle_close(ev);
    zx_handle_close(port);
    return bench_call();
}
