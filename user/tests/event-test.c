// event-test: events and event pairs (zx_event_create, zx_eventpair_create),
// zx_object_signal and zx_object_signal_peer with Zircon's rules: the rights
// each call needs, the bits user space may touch (ZX_USER_SIGNAL_ALL, plus
// *_SIGNALED on events and event pairs), ZX_EVENTPAIR_PEER_CLOSED, peer
// signalling on channels, and waiters in other threads (on other harts when
// there are several). Checks run on the main thread only: threads record.
// Exit code = failed cases.
#include <stdatomic.h>
#include <string.h>
#include <threads.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

#define MS 1000000ll

static zx_info_handle_basic_t basic_of(zx_handle_t h) {
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof info);
    zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
    return info;
}

// The signals now (a wait that times out at once reports them).
static zx_signals_t signals_of(zx_handle_t h) {
    zx_signals_t seen = 0;
    zx_object_wait_one(h, 0, 0, &seen);
    return seen;
}

TEST_CASE(event_create_rules) {
    zx_handle_t e = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_event_create(1, &e), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_event_create(0x80000000u, &e), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_event_create(0, &e));
    zx_info_handle_basic_t info = basic_of(e);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_EVENT);
    EXPECT_EQ(info.rights, ZX_DEFAULT_EVENT_RIGHTS);
    EXPECT_EQ(info.rights, 0xd003u);
    EXPECT_EQ(info.related_koid, ZX_KOID_INVALID);
    zx_signals_t seen = 123;
    EXPECT_STATUS(zx_object_wait_one(e, ZX_EVENT_SIGNALED, 0, &seen), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(seen, 0);
    EXPECT_OK(zx_handle_close(e));
}

TEST_CASE(event_signal_and_clear) {
    zx_handle_t e;
    ASSERT_OK(zx_event_create(0, &e));
    EXPECT_OK(zx_object_signal(e, 0, ZX_EVENT_SIGNALED));
    zx_signals_t seen = 0;
    EXPECT_OK(zx_object_wait_one(e, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &seen));
    EXPECT_EQ(seen, ZX_EVENT_SIGNALED);
    EXPECT_OK(zx_object_signal(e, 0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7));
    EXPECT_EQ(signals_of(e), ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7);
    // Clear first, then set.
    EXPECT_OK(zx_object_signal(e, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_3));
    EXPECT_EQ(signals_of(e), ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_3 | ZX_USER_SIGNAL_7);
    EXPECT_OK(zx_object_signal(e, ZX_USER_SIGNAL_ALL | ZX_EVENT_SIGNALED, 0));
    EXPECT_EQ(signals_of(e), 0);
    EXPECT_STATUS(zx_object_wait_one(e, ZX_USER_SIGNAL_ALL, zx_deadline_after(MS), &seen), ZX_ERR_TIMED_OUT);
    EXPECT_OK(zx_handle_close(e));
}

TEST_CASE(event_disallowed_bits) {
    zx_handle_t e;
    ASSERT_OK(zx_event_create(0, &e));
    EXPECT_OK(zx_object_signal(e, 0, ZX_USER_SIGNAL_1));
    // Any bit below 24 other than ZX_EVENT_SIGNALED, in set or in clear.
    EXPECT_STATUS(zx_object_signal(e, 0, 1u << 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(e, 0, ZX_EVENTPAIR_PEER_CLOSED), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(e, 0, ZX_SIGNAL_HANDLE_CLOSED), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(e, 1u << 4, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(e, 0, ZX_EVENT_SIGNALED | (1u << 23)), ZX_ERR_INVALID_ARGS);
    // A failed call changes nothing.
    EXPECT_STATUS(zx_object_signal(e, ZX_USER_SIGNAL_1, ZX_EVENT_SIGNALED | 1u), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_of(e), ZX_USER_SIGNAL_1);
    // An event has no peer, and its handles no SIGNAL_PEER right.
    EXPECT_STATUS(zx_object_signal_peer(e, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(e));
    EXPECT_STATUS(zx_object_signal(e, 0, ZX_EVENT_SIGNALED), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_object_signal_peer(e, 0, ZX_EVENT_SIGNALED), ZX_ERR_BAD_HANDLE);
}

TEST_CASE(event_rights) {
    zx_handle_t e, nosignal, nowait;
    ASSERT_OK(zx_event_create(0, &e));
    ASSERT_OK(zx_handle_duplicate(e, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_SIGNAL, &nosignal));
    ASSERT_OK(zx_handle_duplicate(e, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_WAIT, &nowait));
    EXPECT_STATUS(zx_object_signal(nosignal, 0, ZX_EVENT_SIGNALED), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_signal(nosignal, 0, 1u), ZX_ERR_ACCESS_DENIED);  // rights before bits
    EXPECT_EQ(signals_of(e), 0);
    // Signalling needs no WAIT; waiting needs it.
    EXPECT_OK(zx_object_signal(nowait, 0, ZX_EVENT_SIGNALED));
    EXPECT_STATUS(zx_object_wait_one(nowait, ZX_EVENT_SIGNALED, 0, NULL), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_wait_one(nosignal, ZX_EVENT_SIGNALED, 0, NULL));
    EXPECT_OK(zx_handle_close(nosignal));
    EXPECT_OK(zx_handle_close(nowait));
    EXPECT_OK(zx_handle_close(e));
}

TEST_CASE(eventpair_create_rules) {
    zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_eventpair_create(1, &a, &b), ZX_ERR_NOT_SUPPORTED);
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    zx_info_handle_basic_t ia = basic_of(a), ib = basic_of(b);
    EXPECT_EQ(ia.type, ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_EQ(ib.type, ZX_OBJ_TYPE_EVENTPAIR);
    EXPECT_EQ(ia.rights, ZX_DEFAULT_EVENTPAIR_RIGHTS);
    EXPECT_EQ(ia.rights, 0xf003u);
    EXPECT_EQ(ib.rights, 0xf003u);
    EXPECT_NE(ia.koid, ib.koid);
    // Each side's related koid is its peer's, also once the peer is gone.
    EXPECT_EQ(ia.related_koid, ib.koid);
    EXPECT_EQ(ib.related_koid, ia.koid);
    EXPECT_EQ(signals_of(a), 0);
    EXPECT_EQ(signals_of(b), 0);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_EQ(basic_of(b).related_koid, ia.koid);
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(eventpair_signal_self_and_peer) {
    zx_handle_t a, b;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    EXPECT_OK(zx_object_signal(a, 0, ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_2));
    EXPECT_EQ(signals_of(a), ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_2);
    EXPECT_EQ(signals_of(b), 0);
    EXPECT_OK(zx_object_signal_peer(a, 0, ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_5));
    EXPECT_EQ(signals_of(b), ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_5);
    EXPECT_EQ(signals_of(a), ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_2);
    EXPECT_OK(zx_object_signal_peer(b, ZX_EVENTPAIR_SIGNALED, 0));
    EXPECT_EQ(signals_of(a), ZX_USER_SIGNAL_2);
    // PEER_CLOSED is the kernel's to set, on self or peer, set or clear.
    EXPECT_STATUS(zx_object_signal(a, 0, ZX_EVENTPAIR_PEER_CLOSED), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal_peer(a, 0, ZX_EVENTPAIR_PEER_CLOSED), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal_peer(a, ZX_EVENTPAIR_PEER_CLOSED, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal_peer(a, 0, 1u << 1), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_of(b), ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_5);  // unchanged
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(eventpair_peer_closed) {
    zx_handle_t a, b, a2;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    ASSERT_OK(zx_handle_duplicate(a, ZX_RIGHT_SAME_RIGHTS, &a2));
    EXPECT_OK(zx_object_signal(b, 0, ZX_USER_SIGNAL_4));
    // Closing one of two handles of a side is not closing the side.
    EXPECT_OK(zx_handle_close(a));
    EXPECT_EQ(signals_of(b), ZX_USER_SIGNAL_4);
    EXPECT_OK(zx_object_signal_peer(b, 0, ZX_USER_SIGNAL_0));
    EXPECT_EQ(signals_of(a2), ZX_USER_SIGNAL_0);
    EXPECT_OK(zx_handle_close(a2));
    zx_signals_t seen = 0;
    EXPECT_OK(zx_object_wait_one(b, ZX_EVENTPAIR_PEER_CLOSED, 0, &seen));
    EXPECT_EQ(seen, ZX_EVENTPAIR_PEER_CLOSED | ZX_USER_SIGNAL_4);
    EXPECT_STATUS(zx_object_signal_peer(b, 0, ZX_USER_SIGNAL_0), ZX_ERR_PEER_CLOSED);
    // Bad bits are reported before a missing peer, as in Zircon.
    EXPECT_STATUS(zx_object_signal_peer(b, 0, 1u), ZX_ERR_INVALID_ARGS);
    // The surviving side still signals itself; PEER_CLOSED stays.
    EXPECT_OK(zx_object_signal(b, ZX_USER_SIGNAL_4, ZX_EVENTPAIR_SIGNALED));
    EXPECT_EQ(signals_of(b), ZX_EVENTPAIR_PEER_CLOSED | ZX_EVENTPAIR_SIGNALED);
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(eventpair_rights) {
    zx_handle_t a, b, nopeer, noself;
    ASSERT_OK(zx_eventpair_create(0, &a, &b));
    ASSERT_OK(zx_handle_duplicate(a, ZX_DEFAULT_EVENTPAIR_RIGHTS & ~ZX_RIGHT_SIGNAL_PEER, &nopeer));
    ASSERT_OK(zx_handle_duplicate(a, ZX_DEFAULT_EVENTPAIR_RIGHTS & ~ZX_RIGHT_SIGNAL, &noself));
    EXPECT_STATUS(zx_object_signal_peer(nopeer, 0, ZX_EVENTPAIR_SIGNALED), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_signal(nopeer, 0, ZX_USER_SIGNAL_0));
    EXPECT_STATUS(zx_object_signal(noself, 0, ZX_EVENTPAIR_SIGNALED), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_signal_peer(noself, 0, ZX_USER_SIGNAL_1));
    EXPECT_EQ(signals_of(a), ZX_USER_SIGNAL_0);
    EXPECT_EQ(signals_of(b), ZX_USER_SIGNAL_1);
    EXPECT_OK(zx_handle_close(nopeer));
    EXPECT_OK(zx_handle_close(noself));
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(channel_signal_peer) {
    zx_handle_t a, b, ro;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    EXPECT_EQ(basic_of(a).related_koid, basic_of(b).koid);
    EXPECT_EQ(basic_of(b).related_koid, basic_of(a).koid);
    EXPECT_OK(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_6));
    EXPECT_EQ(signals_of(b), ZX_CHANNEL_WRITABLE | ZX_USER_SIGNAL_6);
    EXPECT_EQ(signals_of(a), ZX_CHANNEL_WRITABLE);
    EXPECT_OK(zx_object_signal(a, 0, ZX_USER_SIGNAL_1));
    EXPECT_EQ(signals_of(a), ZX_CHANNEL_WRITABLE | ZX_USER_SIGNAL_1);
    // Only user signals on channels: not theirs, nor *_SIGNALED.
    EXPECT_STATUS(zx_object_signal_peer(a, 0, ZX_CHANNEL_READABLE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal_peer(a, ZX_CHANNEL_WRITABLE, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(a, 0, ZX_EVENT_SIGNALED), ZX_ERR_INVALID_ARGS);
    // Channel handles cannot be duplicated: reduce the rights by replacing.
    ASSERT_OK(zx_handle_replace(a, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_SIGNAL_PEER, &ro));
    EXPECT_STATUS(zx_object_signal_peer(ro, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_object_signal(ro, ZX_USER_SIGNAL_1, 0));
    EXPECT_OK(zx_object_signal_peer(b, ZX_USER_SIGNAL_6, ZX_USER_SIGNAL_2));
    EXPECT_EQ(signals_of(ro), ZX_CHANNEL_WRITABLE | ZX_USER_SIGNAL_2);
    EXPECT_OK(zx_handle_close(ro));
    EXPECT_EQ(signals_of(b), ZX_CHANNEL_PEER_CLOSED | ZX_USER_SIGNAL_6);
    EXPECT_STATUS(zx_object_signal_peer(b, 0, ZX_USER_SIGNAL_0), ZX_ERR_PEER_CLOSED);
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(other_objects_take_user_signals) {
    zx_handle_t vmo, nosig;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    zx_signals_t base = signals_of(vmo);
    EXPECT_OK(zx_object_signal(vmo, 0, ZX_USER_SIGNAL_3));
    EXPECT_EQ(signals_of(vmo), base | ZX_USER_SIGNAL_3);
    EXPECT_STATUS(zx_object_signal(vmo, 0, ZX_VMO_ZERO_CHILDREN), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(vmo, ZX_VMO_ZERO_CHILDREN, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_signal(vmo, 0, ZX_EVENT_SIGNALED), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(signals_of(vmo), base | ZX_USER_SIGNAL_3);
    // No peer: the VMO's handles lack SIGNAL_PEER, which is checked first.
    EXPECT_STATUS(zx_object_signal_peer(vmo, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_SIGNAL, &nosig));
    EXPECT_STATUS(zx_object_signal(nosig, ZX_USER_SIGNAL_3, 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(nosig));
    EXPECT_OK(zx_object_signal(vmo, ZX_USER_SIGNAL_3, 0));
    EXPECT_EQ(signals_of(vmo), base);
    EXPECT_OK(zx_handle_close(vmo));
}

// A thread that waits on one handle and records what it saw.
struct waiter {
    zx_handle_t h;
    zx_signals_t want;
    zx_status_t status;
    zx_signals_t seen;
    atomic_int started;
};

static int waiter_main(void *arg) {
    struct waiter *w = arg;
    atomic_store(&w->started, 1);
    w->status = zx_object_wait_one(w->h, w->want, ZX_TIME_INFINITE, &w->seen);
    return 0;
}

static void wait_started(struct waiter *w) {
    while (!atomic_load(&w->started)) zx_nanosleep(zx_deadline_after(MS / 10));
    zx_nanosleep(zx_deadline_after(5 * MS));  // most likely blocked by now
}

TEST_CASE(wait_in_thread_event) {
    struct waiter w = {0};
    ASSERT_OK(zx_event_create(0, &w.h));
    w.want = ZX_EVENT_SIGNALED;
    w.status = -1;
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, waiter_main, &w), thrd_success);
    wait_started(&w);
    EXPECT_OK(zx_object_signal(w.h, 0, ZX_USER_SIGNAL_0));  // not what it waits for
    EXPECT_OK(zx_object_signal(w.h, 0, ZX_EVENT_SIGNALED));
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_OK(w.status);
    EXPECT_EQ(w.seen, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0);
    EXPECT_OK(zx_handle_close(w.h));
}

TEST_CASE(wait_in_thread_peer_signal_and_close) {
    zx_handle_t a;
    struct waiter w = {0}, w2 = {0};
    ASSERT_OK(zx_eventpair_create(0, &a, &w.h));
    w.want = ZX_USER_SIGNAL_7;
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, waiter_main, &w), thrd_success);
    wait_started(&w);
    EXPECT_OK(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_7));
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_OK(w.status);
    EXPECT_EQ(w.seen, ZX_USER_SIGNAL_7);
    w2.h = w.h;
    w2.want = ZX_EVENTPAIR_PEER_CLOSED;
    ASSERT_EQ(thrd_create(&t, waiter_main, &w2), thrd_success);
    wait_started(&w2);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_OK(w2.status);
    EXPECT_EQ(w2.seen, ZX_EVENTPAIR_PEER_CLOSED | ZX_USER_SIGNAL_7);
    EXPECT_OK(zx_handle_close(w.h));
}

// Ping-pong over an event pair: each side waits for SIGNALED, clears it and
// signals its peer. With several harts the two threads run on different ones.
#define ROUNDS 300

struct pong {
    zx_handle_t h;
    int rounds;
    zx_status_t status;
};

static int pong_main(void *arg) {
    struct pong *p = arg;
    p->status = ZX_OK;
    for (int i = 0; i < ROUNDS && p->status == ZX_OK; i++) {
        zx_status_t st = zx_object_wait_one(p->h, ZX_EVENTPAIR_SIGNALED, zx_deadline_after(10000 * MS), NULL);
        if (st == ZX_OK) st = zx_object_signal(p->h, ZX_EVENTPAIR_SIGNALED, 0);
        if (st == ZX_OK) st = zx_object_signal_peer(p->h, 0, ZX_EVENTPAIR_SIGNALED);
        if (st == ZX_OK) p->rounds++;
        p->status = st;
    }
    return 0;
}

TEST_CASE(ping_pong_across_threads) {
    zx_handle_t a;
    struct pong p = {0};
    ASSERT_OK(zx_eventpair_create(0, &a, &p.h));
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, pong_main, &p), thrd_success);
    zx_status_t st = ZX_OK;
    int rounds = 0;
    for (int i = 0; i < ROUNDS && st == ZX_OK; i++) {
        st = zx_object_signal_peer(a, 0, ZX_EVENTPAIR_SIGNALED);
        if (st == ZX_OK) st = zx_object_wait_one(a, ZX_EVENTPAIR_SIGNALED, zx_deadline_after(10000 * MS), NULL);
        if (st == ZX_OK) st = zx_object_signal(a, ZX_EVENTPAIR_SIGNALED, 0);
        if (st == ZX_OK) rounds++;
    }
    EXPECT_OK(st);
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_OK(p.status);
    EXPECT_EQ(rounds, ROUNDS);
    EXPECT_EQ(p.rounds, ROUNDS);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(p.h));
}

// Many threads wait on one event; one signal wakes them all.
#define WAITERS 4

TEST_CASE(one_signal_wakes_all_waiters) {
    zx_handle_t e;
    ASSERT_OK(zx_event_create(0, &e));
    struct waiter w[WAITERS];
    thrd_t t[WAITERS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < WAITERS; i++) {
        w[i].h = e;
        w[i].want = ZX_USER_SIGNAL_2;
        w[i].status = -1;
        ASSERT_EQ(thrd_create(&t[i], waiter_main, &w[i]), thrd_success);
    }
    for (int i = 0; i < WAITERS; i++) wait_started(&w[i]);
    EXPECT_OK(zx_object_signal(e, 0, ZX_USER_SIGNAL_2));
    for (int i = 0; i < WAITERS; i++) {
        EXPECT_EQ(thrd_join(t[i], NULL), thrd_success);
        EXPECT_OK(w[i].status);
        EXPECT_EQ(w[i].seen, ZX_USER_SIGNAL_2);
    }
    EXPECT_OK(zx_handle_close(e));
}

TEST_CASE(create_bad_out_pointers) {
    EXPECT_STATUS(zx_event_create(0, NULL), ZX_ERR_INVALID_ARGS);
    zx_handle_t a;
    EXPECT_STATUS(zx_eventpair_create(0, &a, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_eventpair_create(0, NULL, &a), ZX_ERR_INVALID_ARGS);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
