// port-stress: threads on every hart queue, wait, cancel and close ports and
// the objects waited on, all at once, for ROUNDS operations each:
//   - a pool of ports that a closer thread keeps replacing (create a new
//     port, publish it, close the old one), so wait_async, queue, wait and
//     cancel often hit a port whose last handle is going or gone;
//   - a pool of events and channel pairs that workers create, wait on
//     (wait_async on a random port, wait_one, wait_many) and signal or close
//     while other threads wait on them, so observers fire, are canceled by a
//     close, or are dropped with their port;
//   - drainer threads take packets from the ports with short deadlines;
//   - every status seen is one Zircon allows for the race (OK, BAD_HANDLE,
//     WRONG_TYPE when a handle value was reused, TIMED_OUT, NOT_FOUND,
//     CANCELED, SHOULD_WAIT, PEER_CLOSED); anything else is a failure.
// Then a victim process (port-stress victim) arms waits of every kind — port
// waits on its own objects and on a channel shared with us, threads blocked
// in zx_port_wait, zx_object_wait_many and zx_object_wait_one — and is
// killed while they sleep; its waits must all go with it.
// At the end everything is closed; init's leak check around the program
// shows the kernel's counters (pages, heap, objects) back at the start.
//
//   port-stress [ROUNDS]   default 3000
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zxrv/kstats.h>
#include <zxrv/launch.h>
#include <zxrv/testutil.h>

#define PORTS 4
#define OBJS 16
#define WORKERS 4
#define DRAINERS 2

static atomic_uint ports[PORTS];
static atomic_uint objs[OBJS];  // events, or channel endpoints (a pair in 2i, 2i+1)
static atomic_bool running = true;
static atomic_int failures;
static atomic_ulong packets, fired_waits, canceled_waits, ops;
static int rounds = 3000;

static void bad(const char *what, zx_status_t st) {
    atomic_fetch_add(&failures, 1);
    printf("port-stress: %s: unexpected %d\n", what, st);
}

static void allow(const char *what, zx_status_t st, zx_status_t a, zx_status_t b, zx_status_t c, zx_status_t d) {
    if (st == ZX_OK || st == ZX_ERR_BAD_HANDLE || st == ZX_ERR_WRONG_TYPE || st == a || st == b || st == c || st == d)
        return;
    bad(what, st);
}

static uint32_t rnd(uint32_t *s) {
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

// Replace object slot i with a fresh event (or channel pair for odd pairs), closing the old.
static void refresh(uint32_t i) {
    zx_handle_t h = ZX_HANDLE_INVALID, h2 = ZX_HANDLE_INVALID;
    if ((i / 2) % 2 == 0) {
        if (zx_event_create(0, &h) != ZX_OK) return bad("event_create", ZX_ERR_INTERNAL);
        zx_handle_close(atomic_exchange(&objs[i], h));
    } else {
        uint32_t base = i & ~1u;
        if (zx_channel_create(0, &h, &h2) != ZX_OK) return bad("channel_create", ZX_ERR_INTERNAL);
        zx_handle_close(atomic_exchange(&objs[base], h));
        zx_handle_close(atomic_exchange(&objs[base + 1], h2));
    }
}

static int worker(void *arg) {
    uint32_t seed = (uint32_t)(uintptr_t)arg * 7919u + 1;
    for (int n = 0; n < rounds; n++) {
        atomic_fetch_add(&ops, 1);
        zx_handle_t port = atomic_load(&ports[rnd(&seed) % PORTS]);
        uint32_t oi = rnd(&seed) % OBJS;
        zx_handle_t o = atomic_load(&objs[oi]);
        zx_status_t st;
        switch (rnd(&seed) % 10) {
        case 0:
        case 1:  // wait for a signal through a port
            st = zx_object_wait_async(o, port, oi, ZX_USER_SIGNAL_0 | ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
                                      rnd(&seed) % 2 ? ZX_WAIT_ASYNC_EDGE : ZX_WAIT_ASYNC_TIMESTAMP);
            allow("wait_async", st, ZX_ERR_ACCESS_DENIED, ZX_ERR_NO_MEMORY, ZX_OK, ZX_OK);
            break;
        case 2:  // signal it (an event's user signal, or a message on a channel)
            if ((oi / 2) % 2 == 0) {
                st = zx_object_signal(o, ZX_USER_SIGNAL_0, rnd(&seed) % 2 ? ZX_USER_SIGNAL_0 : 0);
                allow("signal", st, ZX_OK, ZX_OK, ZX_OK, ZX_OK);
            } else {
                st = zx_channel_write(o, 0, "x", 1, NULL, 0);
                allow("channel_write", st, ZX_ERR_PEER_CLOSED, ZX_ERR_SHOULD_WAIT, ZX_ERR_ACCESS_DENIED, ZX_OK);
                char c;
                uint32_t nb, nh;
                st = zx_channel_read(atomic_load(&objs[oi ^ 1]), 0, &c, NULL, 1, 0, &nb, &nh);
                allow("channel_read", st, ZX_ERR_SHOULD_WAIT, ZX_ERR_PEER_CLOSED, ZX_ERR_ACCESS_DENIED,
                      ZX_ERR_BUFFER_TOO_SMALL);
            }
            break;
        case 3:  // close and replace the object under everybody's waits
            refresh(oi);
            break;
        case 4: {  // queue a user packet
            zx_port_packet_t pkt = {.key = 1000u + oi, .type = ZX_PKT_TYPE_USER};
            st = zx_port_queue(port, &pkt);
            allow("port_queue", st, ZX_ERR_SHOULD_WAIT, ZX_ERR_NO_MEMORY, ZX_OK, ZX_OK);
            break;
        }
        case 5:  // cancel the waits of one handle, or of one key
            st = rnd(&seed) % 2 ? zx_port_cancel(port, o, oi) : zx_port_cancel_key(port, 0, oi);
            if (st == ZX_OK) atomic_fetch_add(&canceled_waits, 1);
            allow("port_cancel", st, ZX_ERR_NOT_FOUND, ZX_ERR_ACCESS_DENIED, ZX_OK, ZX_OK);
            break;
        case 6: {  // wait on it directly, briefly
            zx_signals_t seen;
            st = zx_object_wait_one(o, ZX_USER_SIGNAL_0 | ZX_CHANNEL_READABLE, zx_deadline_after(ZX_USEC(200)), &seen);
            allow("wait_one", st, ZX_ERR_TIMED_OUT, ZX_ERR_CANCELED, ZX_ERR_ACCESS_DENIED, ZX_OK);
            break;
        }
        case 7: {  // wait on several, briefly
            zx_wait_item_t items[4];
            for (int k = 0; k < 4; k++)
                items[k] = (zx_wait_item_t){atomic_load(&objs[rnd(&seed) % OBJS]),
                                            ZX_USER_SIGNAL_0 | ZX_CHANNEL_READABLE, 0};
            st = zx_object_wait_many(items, 4, zx_deadline_after(ZX_USEC(200)));
            allow("wait_many", st, ZX_ERR_TIMED_OUT, ZX_ERR_CANCELED, ZX_ERR_ACCESS_DENIED, ZX_OK);
            break;
        }
        default: {  // take a packet
            zx_port_packet_t pkt;
            st = zx_port_wait(port, zx_deadline_after(ZX_USEC(100)), &pkt);
            if (st == ZX_OK) atomic_fetch_add(&packets, 1);
            if (st == ZX_OK && pkt.type == ZX_PKT_TYPE_SIGNAL_ONE) atomic_fetch_add(&fired_waits, 1);
            allow("port_wait", st, ZX_ERR_TIMED_OUT, ZX_OK, ZX_OK, ZX_OK);
        }
        }
    }
    return 0;
}

// Keep replacing ports: new one published, old one closed (with whatever
// waits, packets and waiters it had).
static int closer(void *arg) {
    uint32_t seed = 99;
    (void)arg;
    while (atomic_load(&running)) {
        zx_handle_t p;
        if (zx_port_create(0, &p) != ZX_OK) {
            bad("port_create", ZX_ERR_INTERNAL);
            break;
        }
        zx_handle_close(atomic_exchange(&ports[rnd(&seed) % PORTS], p));
        zx_nanosleep(zx_deadline_after(ZX_USEC(300)));
    }
    return 0;
}

static int drainer(void *arg) {
    uint32_t seed = (uint32_t)(uintptr_t)arg;
    while (atomic_load(&running)) {
        zx_port_packet_t pkt;
        zx_status_t st = zx_port_wait(atomic_load(&ports[rnd(&seed) % PORTS]), zx_deadline_after(ZX_USEC(500)), &pkt);
        if (st == ZX_OK) atomic_fetch_add(&packets, 1);
        if (st == ZX_OK && pkt.type == ZX_PKT_TYPE_SIGNAL_ONE) atomic_fetch_add(&fired_waits, 1);
        allow("drainer port_wait", st, ZX_ERR_TIMED_OUT, ZX_OK, ZX_OK, ZX_OK);
    }
    return 0;
}

// ---- the victim: everything armed, then killed ----

static zx_handle_t v_port, v_events[8], v_ch;

static int v_port_waiter(void *arg) {
    (void)arg;
    zx_port_packet_t pkt;
    for (;;) zx_port_wait(v_port, ZX_TIME_INFINITE, &pkt);
    return 0;
}

static int v_many_waiter(void *arg) {
    (void)arg;
    zx_wait_item_t items[8];
    for (int i = 0; i < 8; i++) items[i] = (zx_wait_item_t){v_events[i], ZX_USER_SIGNAL_5, 0};
    for (;;) zx_object_wait_many(items, 8, ZX_TIME_INFINITE);
    return 0;
}

static int v_one_waiter(void *arg) {
    (void)arg;
    for (;;) zx_object_wait_one(v_events[0], ZX_USER_SIGNAL_5, ZX_TIME_INFINITE, NULL);
    return 0;
}

static int victim(void) {
    v_ch = zx_take_startup_handle(PA_HND(PA_USER0, 0));
    if (zx_port_create(0, &v_port) != ZX_OK) return 1;
    for (int i = 0; i < 8; i++) {
        if (zx_event_create(0, &v_events[i]) != ZX_OK) return 1;
        for (int k = 0; k < 16; k++) zx_object_wait_async(v_events[i], v_port, k, ZX_USER_SIGNAL_5, 0);
    }
    zx_object_wait_async(v_ch, v_port, 99, ZX_USER_SIGNAL_5, ZX_WAIT_ASYNC_EDGE);
    zx_port_packet_t pkt = {.key = 1, .type = ZX_PKT_TYPE_USER};
    for (int i = 0; i < 100; i++) zx_port_queue(v_port, &pkt);  // queued, never read
    zx_object_signal(v_events[7], 0, ZX_USER_SIGNAL_5);          // 16 signal packets queued too
    thrd_t t;
    thrd_create(&t, v_port_waiter, NULL);  // takes the queued packets, then sleeps
    thrd_create(&t, v_many_waiter, NULL);  // returns at once for event 7 ... and loops: keeps a hart busy
    thrd_create(&t, v_one_waiter, NULL);
    zx_channel_write(v_ch, 0, "ready", 5, NULL, 0);
    for (;;) zx_nanosleep(ZX_TIME_INFINITE);
}

static int run_victim(void) {
    zx_handle_t ch, theirs;
    if (zx_channel_create(0, &ch, &theirs) != ZX_OK) return 1;
    size_t len = 0;
    void *elf = zxrv_load_program("port-stress", &len);
    if (!elf) return 1;
    const char *argv[] = {"port-stress", "victim"};
    uint32_t tag = PA_HND(PA_USER0, 0);
    zx_handle_t proc;
    zx_status_t st = zxrv_launch(zx_job_default(), "port-stress-victim", elf, len, 2, argv, &tag, &theirs, 1, &proc);
    free(elf);
    if (st != ZX_OK) return 1;
    // Our own wait on the channel the victim also waits on.
    zx_handle_t port;
    zx_port_create(0, &port);
    zx_object_wait_async(ch, port, 1, ZX_CHANNEL_PEER_CLOSED, 0);
    zx_signals_t seen;
    st = zx_object_wait_one(ch, ZX_CHANNEL_READABLE, zx_deadline_after(ZX_SEC(30)), &seen);
    if (st != ZX_OK) bad("victim ready", st);
    zx_nanosleep(zx_deadline_after(ZX_MSEC(20)));  // let its threads block
    if ((st = zx_task_kill(proc)) != ZX_OK) bad("task_kill", st);
    if ((st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(ZX_SEC(30)), NULL)) != ZX_OK)
        bad("victim terminated", st);
    zx_port_packet_t pkt;  // the victim's end went with it: our wait fired
    if ((st = zx_port_wait(port, zx_deadline_after(ZX_SEC(30)), &pkt)) != ZX_OK || pkt.key != 1) bad("peer closed", st);
    zx_handle_close(port);
    zx_handle_close(ch);
    zx_handle_close(proc);
    printf("port-stress: victim killed in its waits (port waits armed, packets queued, threads in port_wait, wait_many, wait_one)\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "victim")) return victim();
    if (argc > 1) rounds = atoi(argv[1]);
    for (int i = 0; i < PORTS; i++) {
        zx_handle_t p;
        if (zx_port_create(0, &p) != ZX_OK) return 1;
        atomic_store(&ports[i], p);
    }
    for (uint32_t i = 0; i < OBJS; i += 2) refresh(i);
    thrd_t w[WORKERS], d[DRAINERS], c;
    for (int i = 0; i < WORKERS; i++) thrd_create(&w[i], worker, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < DRAINERS; i++) thrd_create(&d[i], drainer, (void *)(uintptr_t)(i + 17));
    thrd_create(&c, closer, NULL);
    for (int i = 0; i < WORKERS; i++) thrd_join(w[i], NULL);
    atomic_store(&running, false);
    for (int i = 0; i < DRAINERS; i++) thrd_join(d[i], NULL);
    thrd_join(c, NULL);
    for (int i = 0; i < PORTS; i++) zx_handle_close(atomic_load(&ports[i]));
    for (int i = 0; i < OBJS; i++) zx_handle_close(atomic_load(&objs[i]));
    if (run_victim() != 0) bad("victim", ZX_ERR_INTERNAL);
    zxrv_kernel_stats_t ks;
    unsigned harts = zxrv_kernel_stats(&ks) == ZX_OK ? (unsigned)ks.harts_online : 0;
    printf("port-stress: %u harts, %lu operations, %lu packets taken (%lu from fired waits), %lu cancels, "
           "%d failures\n", harts, atomic_load(&ops), atomic_load(&packets), atomic_load(&fired_waits),
           atomic_load(&canceled_waits), atomic_load(&failures));
    return atomic_load(&failures) ? 1 : 0;
}
