// Conformance: Zircon's PortTest and PortStressTest families
// (zircon/system/utest/core/port/ports.cc, misttech/mist-os @6a3a1cd), one case per
// Zircon case name, in C against our own headers; std::thread is C11 thrd_t and
// std::barrier a small mtx/cnd barrier. Adaptations are named above each case.
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/threads.h>
#include <zircon/syscalls/port.h>
#include <zircon/time.h>
#include <zxrv/test.h>

static zx_time_t after(zx_duration_t d) { return zx_deadline_after(d); }

// std::barrier(n).arrive_and_wait()
typedef struct {
    mtx_t m;
    cnd_t c;
    unsigned n, waiting, phase;
} barrier_t;

static void barrier_init(barrier_t *b, unsigned n) {
    mtx_init(&b->m, mtx_plain);
    cnd_init(&b->c);
    b->n = n;
    b->waiting = 0;
    b->phase = 0;
}

static void barrier_wait(barrier_t *b) {
    mtx_lock(&b->m);
    unsigned phase = b->phase;
    if (++b->waiting == b->n) {
        b->waiting = 0;
        b->phase++;
        cnd_broadcast(&b->c);
    } else {
        while (phase == b->phase) cnd_wait(&b->c, &b->m);
    }
    mtx_unlock(&b->m);
}

static void barrier_destroy(barrier_t *b) {
    cnd_destroy(&b->c);
    mtx_destroy(&b->m);
}

TEST_CASE(QueueNullPtrReturnsInvalidArgs) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0u, &port));
    EXPECT_STATUS(zx_port_queue(port, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(port));
}

TEST_CASE(QueueWaitVerifyUserPacket) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0u, &port));
    zx_port_packet_t in = {12ull, ZX_PKT_TYPE_USER + 5u, -3, {{{0}}}};  // the kernel overrides type
    for (int i = 0; i < 32; i++) in.user.c8[i] = (uint8_t)(i * 7 + 1);
    zx_port_packet_t out;
    memset(&out, 0, sizeof(out));
    ASSERT_OK(zx_port_queue(port, &in));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    EXPECT_EQ(out.key, 12u);
    EXPECT_EQ(out.type, ZX_PKT_TYPE_USER);
    EXPECT_EQ(out.status, -3);
    EXPECT_EQ(memcmp(&in.user, &out.user, sizeof(in.user)), 0);
    EXPECT_OK(zx_handle_close(port));
}

TEST_CASE(PortTimeout) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0u, &port));
    zx_port_packet_t packet;
    EXPECT_STATUS(zx_port_wait(port, after(ZX_NSEC(1)), &packet), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(port));
}

TEST_CASE(QueueAndClose) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0u, &port));
    const zx_port_packet_t pkt = {1ull, ZX_PKT_TYPE_USER, 0, {{{0}}}};
    EXPECT_OK(zx_port_queue(port, &pkt));
    EXPECT_OK(zx_handle_close(port));  // the queued packet goes with the port
}

TEST_CASE(AsyncWaitChannelTimedOut) {
    const uint64_t key = 6567;
    zx_handle_t port, ch[2];
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_channel_create(0u, &ch[0], &ch[1]));
    zx_port_packet_t out;
    ASSERT_OK(zx_object_wait_async(ch[1], port, key, ZX_CHANNEL_READABLE, 0));
    EXPECT_STATUS(zx_port_wait(port, after(ZX_USEC(200)), &out), ZX_ERR_TIMED_OUT);
    zx_handle_close(ch[0]);
    zx_handle_close(ch[1]);
    zx_handle_close(port);
}

// The MAY_DISCARD read of the original is a plain read of the 4 bytes here (the
// point is that reading clears READABLE and no second packet comes).
TEST_CASE(AsyncWaitChannel) {
    const uint64_t key = 6567;
    zx_handle_t port, ch[2];
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_channel_create(0u, &ch[0], &ch[1]));
    zx_port_packet_t out;
    ASSERT_OK(zx_object_wait_async(ch[1], port, key, ZX_CHANNEL_READABLE, 0));
    EXPECT_STATUS(zx_port_wait(port, after(ZX_USEC(200)), &out), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_channel_write(ch[0], 0u, "here", 4, NULL, 0u));
    EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
    EXPECT_EQ(out.key, key);
    EXPECT_EQ(out.type, ZX_PKT_TYPE_SIGNAL_ONE);
    EXPECT_EQ(out.signal.observed, ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE);
    EXPECT_EQ(out.signal.trigger, ZX_CHANNEL_READABLE);
    EXPECT_EQ(out.signal.count, 1u);
    char buf[4];
    uint32_t nb, nh;
    EXPECT_OK(zx_channel_read(ch[1], 0, buf, NULL, sizeof(buf), 0, &nb, &nh));
    zx_port_packet_t out1;
    EXPECT_STATUS(zx_port_wait(port, after(ZX_USEC(200)), &out1), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_object_wait_async(ch[1], port, key, ZX_CHANNEL_READABLE, 0));
    zx_handle_close(ch[0]);
    zx_handle_close(ch[1]);
    zx_handle_close(port);
}

// What matters is that no close order crashes or leaks (init's leak check follows).
TEST_CASE(AsyncWaitCloseOrder) {
    enum { ChannelB, ChannelA, Port };
    const int orders[6][3] = {{ChannelB, ChannelA, Port}, {ChannelB, Port, ChannelA}, {ChannelA, Port, ChannelB},
                              {ChannelA, ChannelB, Port}, {Port, ChannelA, ChannelB}, {Port, ChannelB, ChannelA}};
    for (int i = 0; i < 6; i++) {
        zx_handle_t h[3];
        EXPECT_OK(zx_port_create(0, &h[Port]));
        EXPECT_OK(zx_channel_create(0u, &h[ChannelA], &h[ChannelB]));
        EXPECT_OK(zx_object_wait_async(h[ChannelB], h[Port], 1122, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0));
        for (int j = 0; j < 3; j++) EXPECT_OK(zx_handle_close(h[orders[i][j]]));
    }
}

TEST_CASE(EventAsyncSignalWaitSingle) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    const uint32_t n = 7;
    for (uint32_t i = 0; i != n; ++i) ASSERT_OK(zx_object_wait_async(event, port, i, ZX_EVENT_SIGNALED, 0));
    EXPECT_OK(zx_object_signal(event, 0u, ZX_EVENT_SIGNALED));
    zx_port_packet_t out;
    uint64_t key_sum = 0;
    for (uint32_t i = 0; i != n - 2; ++i) {
        EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &out));
        key_sum += out.key;
        EXPECT_EQ(out.type, ZX_PKT_TYPE_SIGNAL_ONE);
        EXPECT_EQ(out.signal.count, 1u);
    }
    EXPECT_EQ(key_sum, 20u);  // packets come in the order the waits fired: newest wait first
    zx_handle_close(event);
    zx_handle_close(port);
}

TEST_CASE(AsyncWaitEventRepeat) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    zx_port_packet_t packet;
    uint64_t count[3] = {0, 0, 0};
    const uint64_t repeats = 24;
    for (uint64_t i = 0; i != repeats; ++i) {
        ASSERT_OK(zx_object_wait_async(event, port, 1122, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_2, 0));
        uint32_t ub = (i % 2) ? 0u : ZX_USER_SIGNAL_2;
        EXPECT_OK(zx_object_signal(event, 0u, ZX_EVENT_SIGNALED | ub));
        EXPECT_OK(zx_object_signal(event, ZX_EVENT_SIGNALED | ub, 0u));
        ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet));
        ASSERT_EQ(packet.type, ZX_PKT_TYPE_SIGNAL_ONE);
        ASSERT_EQ(packet.signal.count, 1u);
        count[0] += (packet.signal.observed & ZX_EVENT_SIGNALED) ? 1 : 0;
        count[1] += (packet.signal.observed & ZX_USER_SIGNAL_2) ? 1 : 0;
        count[2] += (packet.signal.observed & ~(ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_2)) ? 1 : 0;
    }
    EXPECT_EQ(count[0], repeats);
    EXPECT_EQ(count[1], repeats / 2);
    EXPECT_EQ(count[2], 0u);
    zx_handle_close(event);
    zx_handle_close(port);
}

// Zircon uses 16 Ki + 1 events, one more than its packet arena. A process holds at
// most 4096 handles here, so the same count of signal packets comes from 4 waits on
// each of 4097 - 1 events plus one: 16385 waits, all fired, all delivered.
TEST_CASE(AsyncWaitEventManyAllProcessed) {
    const uint64_t key = 6567;
    const size_t n_events = 4000, waits = 16 * 1024 + 1;  // leave room for the test's own handles
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0u, &port));
    zx_handle_t *event = calloc(n_events, sizeof(zx_handle_t));
    ASSERT_TRUE(event != NULL);
    size_t made = 0;
    for (; made < n_events; made++)
        if (zx_event_create(0u, &event[made]) != ZX_OK) break;
    EXPECT_EQ(made, n_events);
    size_t armed = 0;
    for (size_t i = 0; i < waits && made; i++) {
        if (zx_object_wait_async(event[i % made], port, key, ZX_EVENT_SIGNALED, 0) == ZX_OK) armed++;
    }
    EXPECT_EQ(armed, waits);
    for (size_t i = 0; i < made; i++) EXPECT_OK(zx_object_signal(event[i], 0u, ZX_EVENT_SIGNALED));
    size_t count = 0;
    zx_port_packet_t packet;
    zx_status_t st;
    bool all_ok = true;
    while ((st = zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet)) == ZX_OK) {
        all_ok = all_ok && packet.key == key && packet.type == ZX_PKT_TYPE_SIGNAL_ONE &&
                 packet.signal.observed == ZX_EVENT_SIGNALED && packet.signal.trigger == ZX_EVENT_SIGNALED &&
                 packet.signal.count == 1u;
        ++count;
    }
    EXPECT_TRUE(all_ok);
    EXPECT_STATUS(st, ZX_ERR_TIMED_OUT);
    EXPECT_EQ(count, waits);
    for (size_t i = 0; i < made; i++) zx_handle_close(event[i]);
    free(event);
    zx_handle_close(port);
}

TEST_CASE(AsyncWaitInvalidOption) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    EXPECT_STATUS(zx_object_wait_async(event, port, 0, ZX_EVENT_SIGNALED, 20), ZX_ERR_INVALID_ARGS);
    zx_handle_close(event);
    zx_handle_close(port);
}

TEST_CASE(ChannelAsyncWaitOnExistingStateIsNotified) {
    const uint64_t key = 65667;
    zx_handle_t ch[2], port;
    ASSERT_OK(zx_channel_create(0u, &ch[0], &ch[1]));
    for (int i = 0; i != 5; ++i) ASSERT_OK(zx_channel_write(ch[0], 0u, "123456", 6, NULL, 0u));
    zx_handle_close(ch[0]);
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_object_wait_async(ch[1], port, key, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, 0));
    zx_port_packet_t packet;
    EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet));
    EXPECT_EQ(packet.signal.count, 1u);
    EXPECT_EQ(packet.signal.trigger, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
    EXPECT_EQ(packet.signal.observed, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet), ZX_ERR_TIMED_OUT);
    zx_handle_close(ch[1]);
    zx_handle_close(port);
}

TEST_CASE(CancelEventKey) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    const uint64_t keys[] = {128u, 13u, 7u, 13u};  // a repeated key
    for (int i = 0; i != 4; ++i) ASSERT_OK(zx_object_wait_async(event, port, keys[i], ZX_EVENT_SIGNALED, 0));
    EXPECT_OK(zx_port_cancel(port, event, 13u));  // before the signal: no packet for 13
    for (int i = 0; i != 2; ++i) {
        EXPECT_OK(zx_object_signal(event, 0u, ZX_EVENT_SIGNALED));
        EXPECT_OK(zx_object_signal(event, ZX_EVENT_SIGNALED, 0u));
    }
    zx_port_packet_t packet;
    int wait_count = 0;
    uint64_t key_sum = 0;
    while (zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet) == ZX_OK) {
        wait_count++;
        key_sum += packet.key;
        EXPECT_EQ(packet.signal.trigger, ZX_EVENT_SIGNALED);
        EXPECT_EQ(packet.signal.observed, ZX_EVENT_SIGNALED);
    }
    EXPECT_STATUS(zx_port_cancel(port, event, 128u), ZX_ERR_NOT_FOUND);  // already delivered
    EXPECT_EQ(wait_count, 2);
    EXPECT_EQ(key_sum, keys[0] + keys[2]);
    zx_handle_close(event);
    zx_handle_close(port);
}

TEST_CASE(CancelEventKeyAfter) {
    zx_handle_t port, ev[3];
    ASSERT_OK(zx_port_create(0u, &port));
    const uint64_t keys[] = {128u, 3u, 3u};
    for (int i = 0; i != 3; ++i) {
        ASSERT_OK(zx_event_create(0u, &ev[i]));
        ASSERT_OK(zx_object_wait_async(ev[i], port, keys[i], ZX_EVENT_SIGNALED, 0));
    }
    EXPECT_OK(zx_object_signal(ev[0], 0u, ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_object_signal(ev[1], 0u, ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_port_cancel(port, ev[1], 3u));  // a queued packet
    EXPECT_OK(zx_port_cancel(port, ev[2], 3u));  // a wait not yet fired
    EXPECT_OK(zx_object_signal(ev[2], 0u, ZX_EVENT_SIGNALED));
    zx_port_packet_t packet;
    int wait_count = 0;
    uint64_t key_sum = 0;
    while (zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet) == ZX_OK) {
        wait_count++;
        key_sum += packet.key;
        EXPECT_EQ(packet.signal.trigger, ZX_EVENT_SIGNALED);
        EXPECT_EQ(packet.signal.observed, ZX_EVENT_SIGNALED);
    }
    EXPECT_EQ(wait_count, 1);
    EXPECT_EQ(key_sum, keys[0]);
    for (int i = 0; i != 3; ++i) zx_handle_close(ev[i]);
    zx_handle_close(port);
}

TEST_CASE(CancelKeyInvalidOptions) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    EXPECT_STATUS(zx_port_cancel_key(port, 1, 0), ZX_ERR_INVALID_ARGS);
    zx_handle_close(port);
}

TEST_CASE(CancelKey) {
    zx_handle_t event, port;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_OK(zx_object_wait_async(event, port, 1, ZX_EVENT_SIGNALED, 0));
    ASSERT_OK(zx_object_wait_async(event, port, 2, ZX_EVENT_SIGNALED, 0));
    ASSERT_OK(zx_object_wait_async(event, port, 2, ZX_USER_SIGNAL_0, 0));
    EXPECT_OK(zx_port_cancel_key(port, 0, 1));
    ASSERT_OK(zx_object_signal(event, 0u, ZX_EVENT_SIGNALED));
    // Removes the queued packet of the SIGNALED wait and the pending USER_SIGNAL_0 wait.
    EXPECT_OK(zx_port_cancel_key(port, 0, 2));
    EXPECT_STATUS(zx_port_cancel_key(port, 0, 2), ZX_ERR_NOT_FOUND);
    zx_port_packet_t packet;
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_object_signal(event, 0u, ZX_USER_SIGNAL_0));
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &packet), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_port_cancel_key(port, 0, 3), ZX_ERR_NOT_FOUND);
    zx_handle_close(event);
    zx_handle_close(port);
}

// ---- PortStressTest.CancelKeyDuringMatchRace (500 iterations, as upstream) ----

static struct {
    zx_handle_t port, race_event, cancel_event;
    barrier_t ready, complete;
    uint64_t race_packets, cancel_not_found, canceled;
    zx_status_t bad;
} cr;

#define CR_ITERS 500
#define CR_RACE_KEY 0xf0f0f0f0ull
#define CR_CANCEL_KEY 1ull

static int cr_wait_thread(void *arg) {
    (void)arg;
    for (int i = 0; i < CR_ITERS; ++i) {
        zx_handle_t p;
        if (zx_port_create(0u, &p) != ZX_OK) cr.bad = ZX_ERR_INTERNAL;
        zx_handle_t old = cr.port;
        cr.port = p;
        if (old != ZX_HANDLE_INVALID) zx_handle_close(old);
        zx_object_signal(cr.race_event, ZX_EVENT_SIGNALED, 0u);
        zx_object_signal(cr.cancel_event, ZX_EVENT_SIGNALED, 0u);
        zx_object_wait_async(cr.race_event, p, CR_RACE_KEY, ZX_EVENT_SIGNALED, 0);
        zx_object_wait_async(cr.cancel_event, p, CR_CANCEL_KEY, ZX_EVENT_SIGNALED, 0);
        barrier_wait(&cr.ready);
        zx_port_packet_t packet;
        zx_status_t st = zx_port_wait(p, ZX_TIME_INFINITE, &packet);
        if (st != ZX_OK) cr.bad = st;
        if (packet.key == CR_RACE_KEY)
            ++cr.race_packets;
        else if (packet.key != CR_CANCEL_KEY)
            cr.bad = ZX_ERR_INTERNAL;
        barrier_wait(&cr.complete);
    }
    return 0;
}

static int cr_signal_thread(void *arg) {
    (void)arg;
    for (int i = 0; i < CR_ITERS; ++i) {
        barrier_wait(&cr.ready);
        zx_object_signal(cr.race_event, 0u, ZX_EVENT_SIGNALED);
        zx_nanosleep(after(ZX_MSEC(1)));
        zx_object_signal(cr.cancel_event, 0u, ZX_EVENT_SIGNALED);
        barrier_wait(&cr.complete);
    }
    return 0;
}

static int cr_cancel_thread(void *arg) {
    (void)arg;
    for (int i = 0; i < CR_ITERS; ++i) {
        barrier_wait(&cr.ready);
        zx_status_t st = zx_port_cancel_key(cr.port, 0u, CR_RACE_KEY);
        if (st == ZX_OK)
            ++cr.canceled;
        else if (st == ZX_ERR_NOT_FOUND)
            ++cr.cancel_not_found;
        else
            cr.bad = st;
        barrier_wait(&cr.complete);
    }
    return 0;
}

TEST_CASE(CancelKeyDuringMatchRace) {
    memset(&cr, 0, sizeof(cr));
    ASSERT_OK(zx_event_create(0u, &cr.race_event));
    ASSERT_OK(zx_event_create(0u, &cr.cancel_event));
    barrier_init(&cr.ready, 3);
    barrier_init(&cr.complete, 3);
    thrd_t t[3];
    ASSERT_EQ(thrd_create(&t[0], cr_wait_thread, NULL), thrd_success);
    ASSERT_EQ(thrd_create(&t[1], cr_signal_thread, NULL), thrd_success);
    ASSERT_EQ(thrd_create(&t[2], cr_cancel_thread, NULL), thrd_success);
    for (int i = 0; i < 3; i++) thrd_join(t[i], NULL);
    EXPECT_OK(cr.bad);
    EXPECT_EQ(cr.race_packets, cr.cancel_not_found);
    EXPECT_EQ(cr.canceled + cr.cancel_not_found, CR_ITERS);
    zx_handle_close(cr.port);
    zx_handle_close(cr.race_event);
    zx_handle_close(cr.cancel_event);
    barrier_destroy(&cr.ready);
    barrier_destroy(&cr.complete);
}

// ---- PortStressTest.MatchHandleCloseRace (2000 iterations; upstream 20000) ----

static struct {
    zx_handle_t event;
    barrier_t ready, complete;
    zx_status_t bad;
} mh;
#define MH_ITERS 2000

static int mh_match_thread(void *arg) {
    (void)arg;
    for (int i = 0; i < MH_ITERS; ++i) {
        barrier_wait(&mh.ready);
        zx_status_t st = zx_object_signal(mh.event, 0u, ZX_EVENT_SIGNALED);
        if (st != ZX_OK) mh.bad = st;
        barrier_wait(&mh.complete);
    }
    return 0;
}

TEST_CASE(MatchHandleCloseRace) {
    memset(&mh, 0, sizeof(mh));
    ASSERT_OK(zx_event_create(0u, &mh.event));
    barrier_init(&mh.ready, 2);
    barrier_init(&mh.complete, 2);
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, mh_match_thread, NULL), thrd_success);
    for (int i = 0; i < MH_ITERS; ++i) {
        zx_handle_t port;
        EXPECT_OK(zx_port_create(0u, &port));
        EXPECT_OK(zx_object_signal(mh.event, ZX_EVENT_SIGNALED, 0u));
        EXPECT_OK(zx_object_wait_async(mh.event, port, 1, ZX_EVENT_SIGNALED, 0));
        barrier_wait(&mh.ready);
        zx_handle_close(port);
        barrier_wait(&mh.complete);
    }
    thrd_join(t, NULL);
    EXPECT_OK(mh.bad);
    zx_handle_close(mh.event);
    barrier_destroy(&mh.ready);
    barrier_destroy(&mh.complete);
}

// ---- PortTest.ThreadEvents ----

struct port_waiter {
    zx_handle_t port;
    zx_status_t status;
};

static int port_waiter(void *arg) {
    struct port_waiter *w = arg;
    zx_port_packet_t packet;
    w->status = zx_port_wait(w->port, ZX_TIME_INFINITE, &packet);
    return 0;
}

TEST_CASE(ThreadEvents) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    thrd_t t[3];
    struct port_waiter w[3];
    for (int i = 0; i != 3; ++i) {
        // Each thread takes one packet and exits (fxbug.dev/42105487).
        EXPECT_OK(zx_object_wait_async(event, port, 500u + i, ZX_EVENT_SIGNALED, 0));
        w[i] = (struct port_waiter){port, ZX_ERR_INTERNAL};
        ASSERT_EQ(thrd_create(&t[i], port_waiter, &w[i]), thrd_success);
    }
    EXPECT_OK(zx_object_signal(event, 0u, ZX_EVENT_SIGNALED));
    for (int i = 0; i != 3; ++i) {
        thrd_join(t[i], NULL);
        EXPECT_OK(w[i].status);
    }
    zx_handle_close(event);
    zx_handle_close(port);
}

TEST_CASE(Timestamp) {
    zx_handle_t port, event[2];
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event[0]));
    ASSERT_OK(zx_event_create(0u, &event[1]));
    ASSERT_OK(zx_object_wait_async(event[0], port, 1, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_TIMESTAMP));
    ASSERT_OK(zx_object_wait_async(event[1], port, 2, ZX_EVENT_SIGNALED, 0u));
    zx_time_t before = zx_clock_get_monotonic();
    ASSERT_OK(zx_object_signal(event[0], 0u, ZX_EVENT_SIGNALED));
    zx_time_t later = zx_clock_get_monotonic();
    ASSERT_OK(zx_object_signal(event[1], 0u, ZX_EVENT_SIGNALED));
    zx_port_packet_t packet[2];
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &packet[0]));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &packet[1]));
    ASSERT_EQ(packet[0].signal.trigger, ZX_EVENT_SIGNALED);
    ASSERT_EQ(packet[1].signal.trigger, ZX_EVENT_SIGNALED);
    EXPECT_TRUE(before <= (zx_time_t)packet[0].signal.timestamp);
    EXPECT_TRUE(later >= (zx_time_t)packet[0].signal.timestamp);
    EXPECT_EQ(0u, packet[1].signal.timestamp);
    // The same with the roles swapped.
    ASSERT_OK(zx_object_signal(event[0], ZX_EVENT_SIGNALED, 0u));
    ASSERT_OK(zx_object_signal(event[1], ZX_EVENT_SIGNALED, 0u));
    ASSERT_OK(zx_object_wait_async(event[1], port, 1, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_TIMESTAMP));
    ASSERT_OK(zx_object_wait_async(event[0], port, 2, ZX_EVENT_SIGNALED, 0u));
    ASSERT_OK(zx_object_signal(event[0], 0u, ZX_EVENT_SIGNALED));
    before = zx_clock_get_monotonic();
    ASSERT_OK(zx_object_signal(event[1], 0u, ZX_EVENT_SIGNALED));
    later = zx_clock_get_monotonic();
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &packet[0]));
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &packet[1]));
    EXPECT_TRUE(before <= (zx_time_t)packet[1].signal.timestamp);
    EXPECT_TRUE(later >= (zx_time_t)packet[1].signal.timestamp);
    EXPECT_EQ(0u, packet[0].signal.timestamp);
    zx_handle_close(event[0]);
    zx_handle_close(event[1]);
    zx_handle_close(port);
}

// The signalling thread polls ZX_INFO_THREAD until the main thread is BLOCKED_PORT.
static zx_handle_t edge_main_thread;

static int edge_signal_thread(void *arg) {
    zx_info_thread_t info;
    do {
        zx_nanosleep(after(ZX_USEC(600)));
        if (zx_object_get_info(edge_main_thread, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL) != ZX_OK) break;
    } while (info.state != ZX_THREAD_STATE_BLOCKED_PORT);
    zx_object_signal(*(zx_handle_t *)arg, 0u, ZX_EVENT_SIGNALED);
    return 0;
}

TEST_CASE(EdgeTriggerDetected) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    ASSERT_OK(zx_object_wait_async(event, port, 2u, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_EDGE));
    edge_main_thread = zx_thread_self();
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, edge_signal_thread, &event), thrd_success);
    zx_port_packet_t packet;
    EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &packet));
    EXPECT_OK(packet.status);
    EXPECT_EQ(ZX_PKT_TYPE_SIGNAL_ONE, packet.type);
    EXPECT_EQ(ZX_EVENT_SIGNALED, packet.signal.observed);
    EXPECT_EQ(2u, packet.key);
    thrd_join(t, NULL);
    zx_handle_close(event);
    zx_handle_close(port);
}

TEST_CASE(EdgeTriggerCancel) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    ASSERT_OK(zx_object_wait_async(event, port, 42u, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_EDGE));
    ASSERT_OK(zx_object_wait_async(event, port, 999u, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_EDGE));
    ASSERT_OK(zx_object_wait_async(event, port, 2020u, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_EDGE));
    EXPECT_OK(zx_port_cancel(port, event, 999u));
    ASSERT_OK(zx_object_signal(event, 0u, ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_port_cancel(port, event, 2020u));
    zx_port_packet_t packet;
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &packet));
    EXPECT_OK(packet.status);
    EXPECT_EQ(ZX_PKT_TYPE_SIGNAL_ONE, packet.type);
    EXPECT_EQ(ZX_EVENT_SIGNALED, packet.signal.observed);
    EXPECT_EQ(42u, packet.key);
    EXPECT_STATUS(zx_port_wait(port, after(ZX_USEC(600)), &packet), ZX_ERR_TIMED_OUT);
    zx_handle_close(event);
    zx_handle_close(port);
}

TEST_CASE(EdgeTriggerTimeout) {
    zx_handle_t port, event;
    ASSERT_OK(zx_port_create(0u, &port));
    ASSERT_OK(zx_event_create(0u, &event));
    ASSERT_OK(zx_object_signal(event, 0u, ZX_EVENT_SIGNALED));  // before the wait: no packet
    ASSERT_OK(zx_object_wait_async(event, port, 1, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_EDGE));
    zx_port_packet_t packet;
    EXPECT_STATUS(zx_port_wait(port, after(ZX_USEC(600)), &packet), ZX_ERR_TIMED_OUT);
    zx_handle_close(event);
    zx_handle_close(port);
}

// ---- PortTest.CloseQueueRace ----

static struct {
    zx_handle_t port;
    atomic_ulong count;
    zx_status_t bad;
} cq;

static int cq_queue_loop(void *arg) {
    (void)arg;
    const zx_port_packet_t pkt = {1ull, ZX_PKT_TYPE_USER, 0, {{{0}}}};
    uint64_t enqueued = 0;
    for (;;) {
        zx_status_t st = zx_port_queue(cq.port, &pkt);
        if (st != ZX_OK) {
            if (st != ZX_ERR_BAD_HANDLE) cq.bad = st;
            break;
        }
        enqueued++;
        bool closed = false;
        while (enqueued >= 1024) {
            zx_port_packet_t rd;
            st = zx_port_wait(cq.port, ZX_TIME_INFINITE_PAST, &rd);
            if (st == ZX_ERR_TIMED_OUT) continue;  // raced with the close dropping the packets
            if (st == ZX_ERR_BAD_HANDLE) {
                closed = true;
                break;
            }
            if (st != ZX_OK) cq.bad = st;
            enqueued--;
        }
        if (closed) break;
        atomic_fetch_add(&cq.count, 1);
    }
    return 0;
}

TEST_CASE(CloseQueueRace) {
    memset(&cq, 0, sizeof(cq));
    ASSERT_OK(zx_port_create(0, &cq.port));
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, cq_queue_loop, NULL), thrd_success);
    while (atomic_load(&cq.count) == 0) {
    }
    zx_handle_close(cq.port);  // out from under it: it must see ZX_ERR_BAD_HANDLE
    thrd_join(t, NULL);
    EXPECT_OK(cq.bad);
}

// ---- PortStressTest.WaitSignalCancel (2000 rounds; upstream 20000) ----

static struct {
    zx_handle_t port, event;
    atomic_bool keep_running;
    zx_status_t waiter_status;
} ws;

static int ws_waiter(void *arg) {
    (void)arg;
    for (int n = 2000; --n;) {
        ws.waiter_status = zx_object_wait_async(ws.event, ws.port, 919u, ZX_EVENT_SIGNALED, 0);
        if (ws.waiter_status != ZX_OK) break;
        zx_signals_t observed;
        ws.waiter_status = zx_object_wait_one(ws.event, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed);
        if (ws.waiter_status != ZX_OK) break;
        ws.waiter_status = zx_port_cancel(ws.port, ws.event, 919u);
        if (ws.waiter_status != ZX_OK) break;
    }
    return 0;
}

static int ws_signaler(void *arg) {
    (void)arg;
    static const uint32_t sleeps[] = {0, 10, 2, 0, 15, 0};
    uint64_t count = 0;
    while (atomic_load(&ws.keep_running)) {
        if (zx_object_signal(ws.event, 0u, ZX_EVENT_SIGNALED) != ZX_OK) return 0;
        uint32_t d = sleeps[count++ % 6];
        if (d > 0) zx_nanosleep(after(ZX_NSEC(d)));
        if (zx_object_signal(ws.event, ZX_EVENT_SIGNALED, 0u) != ZX_OK) return 0;
    }
    return 0;
}

TEST_CASE(WaitSignalCancel) {
    ASSERT_OK(zx_port_create(0u, &ws.port));
    ASSERT_OK(zx_event_create(0u, &ws.event));
    ws.waiter_status = ZX_ERR_INTERNAL;
    atomic_store(&ws.keep_running, true);
    thrd_t w, s;
    ASSERT_EQ(thrd_create(&w, ws_waiter, NULL), thrd_success);
    ASSERT_EQ(thrd_create(&s, ws_signaler, NULL), thrd_success);
    thrd_join(w, NULL);
    atomic_store(&ws.keep_running, false);
    thrd_join(s, NULL);
    EXPECT_OK(ws.waiter_status);
    zx_handle_close(ws.event);
    zx_handle_close(ws.port);
}

// ---- PortStressTest.SignalCloseWait (100 ms, 4 signalers, 4 drainers) ----

static struct {
    zx_handle_t port;
    atomic_bool keep_running;
} sc;

static int sc_drainer(void *arg) {
    zx_status_t *ret = arg;
    for (;;) {
        zx_port_packet_t packet;
        zx_status_t st = zx_port_wait(sc.port, ZX_TIME_INFINITE, &packet);
        if (st != ZX_OK) {
            *ret = st;
            return 0;
        }
        if (packet.type == ZX_PKT_TYPE_USER) {
            *ret = ZX_OK;
            return 0;
        }
    }
}

static int sc_signaler(void *arg) {
    zx_status_t *ret = arg;
    zx_handle_t event = ZX_HANDLE_INVALID;
    unsigned seed = (unsigned)(uintptr_t)arg;
    zx_status_t st;
    while (atomic_load(&sc.keep_running)) {
        if (event == ZX_HANDLE_INVALID) {
            if ((st = zx_event_create(0u, &event)) != ZX_OK) goto out;
            if ((st = zx_object_wait_async(event, sc.port, 0, ZX_EVENT_SIGNALED, 0)) != ZX_OK) goto out;
        }
        seed = seed * 1103515245u + 12345u;
        switch ((seed >> 16) % 3) {
        case 0: zx_nanosleep(after(ZX_MSEC(1))); break;
        case 1:
            if ((st = zx_object_signal(event, 0u, ZX_EVENT_SIGNALED)) != ZX_OK) goto out;
            break;
        default:
            if ((st = zx_object_signal(event, 0u, ZX_EVENT_SIGNALED)) != ZX_OK) goto out;
            zx_handle_close(event);
            event = ZX_HANDLE_INVALID;
        }
    }
    st = ZX_OK;
out:
    if (event != ZX_HANDLE_INVALID) zx_handle_close(event);
    *ret = st;
    return 0;
}

TEST_CASE(SignalCloseWait) {
    ASSERT_OK(zx_port_create(0u, &sc.port));
    atomic_store(&sc.keep_running, true);
    thrd_t sig[4], drn[4];
    zx_status_t sig_st[4], drn_st[4];
    for (int i = 0; i < 4; i++) {
        sig_st[i] = drn_st[i] = ZX_ERR_INTERNAL;
        ASSERT_EQ(thrd_create(&sig[i], sc_signaler, &sig_st[i]), thrd_success);
    }
    for (int i = 0; i < 4; i++) ASSERT_EQ(thrd_create(&drn[i], sc_drainer, &drn_st[i]), thrd_success);
    zx_nanosleep(after(ZX_MSEC(100)));
    atomic_store(&sc.keep_running, false);
    for (int i = 0; i < 4; i++) {
        zx_port_packet_t pkt;
        memset(&pkt, 0, sizeof(pkt));
        pkt.type = ZX_PKT_TYPE_USER;
        zx_status_t st;
        do {
            st = zx_port_queue(sc.port, &pkt);
        } while (st == ZX_ERR_SHOULD_WAIT);
        EXPECT_OK(st);
    }
    for (int i = 0; i < 4; i++) {
        thrd_join(drn[i], NULL);
        EXPECT_OK(drn_st[i]);
    }
    for (int i = 0; i < 4; i++) {
        thrd_join(sig[i], NULL);
        EXPECT_OK(sig_st[i]);
    }
    zx_handle_close(sc.port);
}

// ---- PortStressTest.CloseWaitRace (100 ms, 4 waiters, 1 port creator) ----

static struct {
    atomic_ulong ready;
    atomic_bool keep_running;
    atomic_uint port;
} cw;

static int cw_wait_async_loop(void *arg) {
    zx_status_t *ret = arg;
    zx_handle_t event;
    if ((*ret = zx_event_create(0, &event)) != ZX_OK) return 0;
    atomic_fetch_add(&cw.ready, 1);
    while (atomic_load(&cw.ready) < 5) {
    }
    uint64_t n = 0;
    while (atomic_load(&cw.keep_running)) {
        // OK if we won the race with the close; BAD_HANDLE if not; WRONG_TYPE if the
        // port's handle value was reused for one of the other threads' events.
        zx_status_t st = zx_object_wait_async(event, atomic_load(&cw.port), 0, ZX_EVENT_SIGNALED, 0);
        if (st != ZX_OK && st != ZX_ERR_BAD_HANDLE && st != ZX_ERR_WRONG_TYPE) {
            *ret = st;
            zx_handle_close(event);
            return 0;
        }
        if (++n >= 100) {
            zx_handle_close(event);
            if ((*ret = zx_event_create(0, &event)) != ZX_OK) return 0;
            n = 0;
        }
    }
    zx_handle_close(event);
    *ret = ZX_OK;
    return 0;
}

static int cw_create_port_loop(void *arg) {
    zx_status_t *ret = arg;
    atomic_fetch_add(&cw.ready, 1);
    while (atomic_load(&cw.ready) < 5) {
    }
    while (atomic_load(&cw.keep_running)) {
        zx_handle_t p;
        if ((*ret = zx_port_create(0, &p)) != ZX_OK) return 0;
        atomic_store(&cw.port, p);
        zx_nanosleep(after(ZX_MSEC(1)));
        zx_status_t st = zx_handle_close(p);
        atomic_store(&cw.port, ZX_HANDLE_INVALID);
        if (st != ZX_OK) {
            *ret = st;
            return 0;
        }
    }
    *ret = ZX_OK;
    return 0;
}

TEST_CASE(CloseWaitRace) {
    atomic_store(&cw.ready, 0);
    atomic_store(&cw.keep_running, true);
    atomic_store(&cw.port, ZX_HANDLE_INVALID);
    thrd_t w[4], c;
    zx_status_t w_st[4], c_st = ZX_ERR_INTERNAL;
    for (int i = 0; i < 4; i++) {
        w_st[i] = ZX_ERR_INTERNAL;
        ASSERT_EQ(thrd_create(&w[i], cw_wait_async_loop, &w_st[i]), thrd_success);
    }
    ASSERT_EQ(thrd_create(&c, cw_create_port_loop, &c_st), thrd_success);
    zx_nanosleep(after(ZX_MSEC(100)));
    atomic_store(&cw.keep_running, false);
    for (int i = 0; i < 4; i++) {
        thrd_join(w[i], NULL);
        EXPECT_OK(w_st[i]);
    }
    thrd_join(c, NULL);
    EXPECT_OK(c_st);
}

// ---- our own: the reference pages' sentences no Zircon case above checks ----

// zx_port_create: options other than 0 and ZX_PORT_BIND_TO_INTERRUPT are INVALID_ARGS;
// a port's handle has ZX_DEFAULT_PORT_RIGHTS (no WAIT: a port cannot be waited on).
TEST_CASE(CreateOptionsAndRights) {
    zx_handle_t port;
    EXPECT_STATUS(zx_port_create(2, &port), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port));
    zx_info_handle_basic_t info;
    ASSERT_OK(zx_object_get_info(port, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.rights, ZX_DEFAULT_PORT_RIGHTS);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_PORT);
    zx_signals_t seen;
    EXPECT_STATUS(zx_object_wait_one(port, 1, ZX_TIME_INFINITE_PAST, &seen), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(port));
}

// Rights: queue needs WRITE, wait needs READ, wait_async needs WAIT on the object and
// WRITE on the port, cancel needs WRITE on the port and WAIT on the source.
TEST_CASE(RightsAreChecked) {
    zx_handle_t port, ro, wo, ev, ev_nowait;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_handle_duplicate(port, ZX_RIGHT_READ, &ro));
    ASSERT_OK(zx_handle_duplicate(port, ZX_RIGHT_WRITE, &wo));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SIGNAL, &ev_nowait));
    const zx_port_packet_t pkt = {7, ZX_PKT_TYPE_USER, 0, {{{0}}}};
    zx_port_packet_t out;
    EXPECT_STATUS(zx_port_queue(ro, &pkt), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_port_queue(wo, &pkt));
    EXPECT_STATUS(zx_port_wait(wo, ZX_TIME_INFINITE_PAST, &out), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_port_wait(ro, ZX_TIME_INFINITE_PAST, &out));
    EXPECT_STATUS(zx_object_wait_async(ev, ro, 1, ZX_EVENT_SIGNALED, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_wait_async(ev_nowait, wo, 1, ZX_EVENT_SIGNALED, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_wait_async(ev, ev, 1, ZX_EVENT_SIGNALED, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_object_wait_async(zx_vmar_root_self(), port, 1, 1, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_wait_async(ev, wo, 1, ZX_EVENT_SIGNALED, 0));
    EXPECT_STATUS(zx_port_cancel(ro, ev, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_port_cancel(wo, ev_nowait, 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_port_cancel(wo, ev, 1));
    EXPECT_STATUS(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_BOOT_TIMESTAMP),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, NULL), ZX_ERR_INVALID_ARGS);
    zx_handle_t h[] = {port, ro, wo, ev, ev_nowait};
    for (int i = 0; i < 5; i++) EXPECT_OK(zx_handle_close(h[i]));
}

// Zircon's per-port bound: past 4096 queued user packets, zx_port_queue gives
// ZX_ERR_SHOULD_WAIT (its check is "more than 4096 already queued"); taking one
// makes room again. Signal packets do not count.
TEST_CASE(UserPacketLimit) {
    zx_handle_t port, ev;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    const zx_port_packet_t pkt = {7, ZX_PKT_TYPE_USER, 0, {{{0}}}};
    int queued = 0;
    while (queued < 5000 && zx_port_queue(port, &pkt) == ZX_OK) queued++;
    EXPECT_EQ(queued, 4097);
    EXPECT_STATUS(zx_port_queue(port, &pkt), ZX_ERR_SHOULD_WAIT);
    EXPECT_OK(zx_object_wait_async(ev, port, 9, ZX_EVENT_SIGNALED, 0));
    EXPECT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));  // its packet is queued all the same
    zx_port_packet_t out;
    EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out));
    EXPECT_OK(zx_port_queue(port, &pkt));
    int taken = 0, signals = 0;
    while (zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out) == ZX_OK) {
        taken++;
        signals += out.type == ZX_PKT_TYPE_SIGNAL_ONE;
    }
    EXPECT_EQ(taken, 4098);
    EXPECT_EQ(signals, 1);
    zx_handle_close(ev);
    zx_handle_close(port);
}

// Closing the handle a wait was made through disarms the wait: no packet, even when
// the object is then signalled through another handle. A packet already queued stays.
TEST_CASE(ClosingTheWaitedHandleDisarms) {
    zx_handle_t port, ev, dup;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(zx_object_wait_async(ev, port, 1, ZX_EVENT_SIGNALED, 0));
    ASSERT_OK(zx_object_wait_async(dup, port, 2, ZX_USER_SIGNAL_0, 0));
    ASSERT_OK(zx_object_signal(dup, 0, ZX_USER_SIGNAL_0));  // key 2 fires and is queued
    EXPECT_OK(zx_handle_close(ev));
    ASSERT_OK(zx_object_signal(dup, 0, ZX_EVENT_SIGNALED));  // key 1 was disarmed
    zx_port_packet_t out;
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out));
    EXPECT_EQ(out.key, 2u);
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &out), ZX_ERR_TIMED_OUT);
    zx_handle_close(dup);
    zx_handle_close(port);
}

// wait_async works on every object that has signals: a VMO's ZERO_CHILDREN, an event
// pair's PEER_CLOSED, a channel's PEER_CLOSED, a thread's TERMINATED, a timer's SIGNALED.
static int short_thread(void *arg) {
    (void)arg;
    return 0;
}

TEST_CASE(WaitAsyncOnEveryKind) {
    zx_handle_t port, vmo, child, ep[2], ch[2];
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &child));
    ASSERT_OK(zx_object_wait_async(vmo, port, 1, ZX_VMO_ZERO_CHILDREN, 0));
    ASSERT_OK(zx_eventpair_create(0, &ep[0], &ep[1]));
    ASSERT_OK(zx_object_wait_async(ep[0], port, 2, ZX_EVENTPAIR_PEER_CLOSED, 0));
    ASSERT_OK(zx_channel_create(0, &ch[0], &ch[1]));
    ASSERT_OK(zx_object_wait_async(ch[0], port, 3, ZX_CHANNEL_PEER_CLOSED, 0));
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, short_thread, NULL), thrd_success);
    zx_handle_t th;
    ASSERT_OK(zx_handle_duplicate(thrd_get_zx_handle(t), ZX_RIGHT_SAME_RIGHTS, &th));
    ASSERT_OK(zx_object_wait_async(th, port, 4, ZX_THREAD_TERMINATED, 0));
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    ASSERT_OK(zx_object_wait_async(timer, port, 5, ZX_TIMER_SIGNALED, 0));
    ASSERT_OK(zx_timer_set(timer, zx_deadline_after(ZX_MSEC(1)), 0));
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    zx_handle_close(child);
    zx_handle_close(ep[1]);
    zx_handle_close(ch[1]);
    zx_port_packet_t out;
    unsigned seen = 0;
    for (int i = 0; i < 5; i++) {
        ASSERT_OK(zx_port_wait(port, zx_deadline_after(ZX_SEC(5)), &out));
        EXPECT_EQ(out.type, ZX_PKT_TYPE_SIGNAL_ONE);
        seen |= 1u << out.key;
    }
    EXPECT_EQ(seen, 0x3eu);
    zx_handle_t h[] = {port, vmo, ep[0], ch[0], th, timer};
    for (int i = 0; i < 6; i++) EXPECT_OK(zx_handle_close(h[i]));
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
