// Conformance: Zircon's ObjectWaitManyTest family (zircon/system/utest/core/object-wait/
// wait-test.cc, the newest version read: the one with TransientSignalsNotReturned and
// WaitOnZeroThings), one case per Zircon case name, plus cases of our own for what
// the reference pages of zx_object_wait_many / zx_object_wait_one state about a handle
// closed during the wait (ZX_ERR_CANCELED, ZX_SIGNAL_HANDLE_CLOSED in pending).
//
// The threaded cases poll ZX_INFO_THREAD until the main thread is
// ZX_THREAD_STATE_BLOCKED_WAIT_MANY (or _WAIT_ONE) before acting, as upstream's WaitForState.
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>
#include <zircon/time.h>
#include <zxrv/test.h>

static zx_handle_t make_event(void) {
    zx_handle_t ev = ZX_HANDLE_INVALID;
    zx_event_create(0u, &ev);
    return ev;
}

static zx_handle_t main_thread;

// WaitForState(main thread, BLOCKED_WAIT_MANY or BLOCKED_WAIT_ONE), polling every 1 ms.
static void settle(void) {
    for (;;) {
        zx_info_thread_t info;
        if (zx_object_get_info(main_thread, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL) != ZX_OK) return;
        if (info.state == ZX_THREAD_STATE_BLOCKED_WAIT_MANY || info.state == ZX_THREAD_STATE_BLOCKED_WAIT_ONE) return;
        zx_nanosleep(zx_deadline_after(ZX_MSEC(1)));
    }
}

TEST_CASE(TooManyObjects) {
    zx_wait_item_t items[ZX_WAIT_MANY_MAX_ITEMS + 1];
    for (size_t i = 0; i < ZX_WAIT_MANY_MAX_ITEMS + 1; i++)
        items[i] = (zx_wait_item_t){.handle = make_event(), .waitfor = ZX_EVENT_SIGNALED, .pending = 0u};
    EXPECT_STATUS(zx_object_wait_many(items, ZX_WAIT_MANY_MAX_ITEMS + 1, ZX_TIME_INFINITE), ZX_ERR_OUT_OF_RANGE);
    for (size_t i = 0; i < ZX_WAIT_MANY_MAX_ITEMS + 1; i++) EXPECT_OK(zx_handle_close(items[i].handle));
}

TEST_CASE(InvalidHandle) {
    zx_wait_item_t items[3];
    for (int i = 0; i < 3; i++)
        items[i] = (zx_wait_item_t){.handle = make_event(), .waitfor = ZX_EVENT_SIGNALED, .pending = 0u};
    ASSERT_OK(zx_handle_close(items[1].handle));
    EXPECT_STATUS(zx_object_wait_many(items, 3, ZX_TIME_INFINITE), ZX_ERR_BAD_HANDLE);
    items[1].handle = make_event();
    for (int i = 0; i < 3; i++) EXPECT_OK(zx_handle_close(items[i].handle));
}

TEST_CASE(WaitForEventsSignaled) {
    zx_wait_item_t items[8];
    for (int i = 0; i < 8; i++)
        items[i] = (zx_wait_item_t){.handle = make_event(), .waitfor = ZX_EVENT_SIGNALED, .pending = 0u};
    const zx_signals_t to_signal[8] = {0u, 0u, ZX_EVENT_SIGNALED, 0u, 0u, ZX_EVENT_SIGNALED, 0u, 0u};
    for (int i = 0; i < 8; i++)
        if (to_signal[i]) ASSERT_OK(zx_object_signal(items[i].handle, 0u, to_signal[i]));
    ASSERT_OK(zx_object_wait_many(items, 8, ZX_TIME_INFINITE));
    for (int i = 0; i < 8; i++) {
        EXPECT_EQ(items[i].pending, to_signal[i]);
        EXPECT_OK(zx_handle_close(items[i].handle));
    }
}

static zx_wait_item_t then_items[8];
static const zx_signals_t then_signal[8] = {0u, ZX_EVENT_SIGNALED, 0u, 0u, 0u, 0u, ZX_EVENT_SIGNALED, 0u};

static int then_thread(void *arg) {
    (void)arg;
    settle();
    for (int i = 0; i < 8; i++)
        if (then_signal[i]) zx_object_signal(then_items[i].handle, 0u, then_signal[i]);
    return 0;
}

TEST_CASE(WaitForEventsThenSignal) {
    for (int i = 0; i < 8; i++)
        then_items[i] = (zx_wait_item_t){.handle = make_event(), .waitfor = ZX_EVENT_SIGNALED, .pending = 0u};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, then_thread, NULL), thrd_success);
    EXPECT_OK(zx_object_wait_many(then_items, 8, ZX_TIME_INFINITE));
    thrd_join(t, NULL);
    int signal_count = 0;
    for (int i = 0; i < 8; i++) {
        signal_count += then_items[i].pending == ZX_EVENT_SIGNALED ? 1 : 0;
        EXPECT_OK(zx_handle_close(then_items[i].handle));
    }
    EXPECT_TRUE(signal_count > 0);  // at least the one that ended the wait
}

static zx_wait_item_t tr_items[3];

static int transient_thread(void *arg) {
    (void)arg;
    settle();
    zx_object_signal(tr_items[0].handle, 0u, ZX_USER_SIGNAL_1);
    zx_object_signal(tr_items[0].handle, ZX_USER_SIGNAL_1, 0u);
    zx_object_signal(tr_items[2].handle, 0u, ZX_USER_SIGNAL_1);
    zx_object_signal(tr_items[2].handle, ZX_USER_SIGNAL_1, 0u);
    zx_object_signal(tr_items[1].handle, 0u, ZX_USER_SIGNAL_1);
    zx_object_signal(tr_items[0].handle, 0u, ZX_USER_SIGNAL_0);
    return 0;
}

TEST_CASE(TransientSignalsNotReturned) {
    for (int i = 0; i < 3; i++)
        tr_items[i] = (zx_wait_item_t){.handle = make_event(), .waitfor = ZX_USER_SIGNAL_0, .pending = 0u};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, transient_thread, NULL), thrd_success);
    EXPECT_OK(zx_object_wait_many(tr_items, 3, ZX_TIME_INFINITE));
    thrd_join(t, NULL);
    // The transient USER_SIGNAL_1 on 0 and 2 is not reported; the asserted, unwatched
    // USER_SIGNAL_1 on 1 is, and so is the watched USER_SIGNAL_0 on 0.
    EXPECT_EQ(tr_items[0].pending, ZX_USER_SIGNAL_0);
    EXPECT_EQ(tr_items[1].pending, ZX_USER_SIGNAL_1);
    EXPECT_EQ(tr_items[2].pending, 0);
    for (int i = 0; i < 3; i++) EXPECT_OK(zx_handle_close(tr_items[i].handle));
}

TEST_CASE(WaitOnZeroThings) {
    zx_time_t before = zx_clock_get_monotonic();
    zx_status_t st = zx_object_wait_many(NULL, 0, before + ZX_MSEC(100));
    zx_time_t after = zx_clock_get_monotonic();
    EXPECT_STATUS(st, ZX_ERR_TIMED_OUT);
    EXPECT_TRUE(after - before > ZX_MSEC(10));
}

// ---- our own: the reference pages' sentences not covered above ----

// "ZX_ERR_TIMED_OUT: The specified deadline passed before any of the specified signals
// are observed": pending still reports each object's current signals.
TEST_CASE(TimedOutReportsPending) {
    zx_wait_item_t items[2] = {{make_event(), ZX_EVENT_SIGNALED, 0}, {make_event(), ZX_EVENT_SIGNALED, 0}};
    ASSERT_OK(zx_object_signal(items[1].handle, 0u, ZX_USER_SIGNAL_3));
    EXPECT_STATUS(zx_object_wait_many(items, 2, zx_deadline_after(ZX_MSEC(1))), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(items[0].pending, 0u);
    EXPECT_EQ(items[1].pending, ZX_USER_SIGNAL_3);
    zx_handle_close(items[0].handle);
    zx_handle_close(items[1].handle);
}

// "ZX_ERR_CANCELED: One or more of the provided handles was invalidated (e.g., closed)
// during the wait"; its pending gets ZX_SIGNAL_HANDLE_CLOSED.
static zx_handle_t to_close;

static int close_thread(void *arg) {
    (void)arg;
    settle();
    zx_handle_close(to_close);
    return 0;
}

TEST_CASE(HandleClosedDuringWaitManyIsCanceled) {
    zx_wait_item_t items[3] = {{make_event(), ZX_EVENT_SIGNALED, 0},
                               {make_event(), ZX_EVENT_SIGNALED, 0},
                               {make_event(), ZX_EVENT_SIGNALED, 0}};
    to_close = items[1].handle;
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, close_thread, NULL), thrd_success);
    EXPECT_STATUS(zx_object_wait_many(items, 3, ZX_TIME_INFINITE), ZX_ERR_CANCELED);
    thrd_join(t, NULL);
    EXPECT_TRUE((items[1].pending & ZX_SIGNAL_HANDLE_CLOSED) != 0);
    EXPECT_EQ(items[0].pending, 0u);
    zx_handle_close(items[0].handle);
    zx_handle_close(items[2].handle);
}

TEST_CASE(HandleClosedDuringWaitOneIsCanceled) {
    zx_handle_t ev = make_event();
    to_close = ev;
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, close_thread, NULL), thrd_success);
    zx_signals_t observed = 0;
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed), ZX_ERR_CANCELED);
    thrd_join(t, NULL);
    EXPECT_TRUE((observed & ZX_SIGNAL_HANDLE_CLOSED) != 0);
}

// Rights and kinds: every handle needs ZX_RIGHT_WAIT (ACCESS_DENIED); objects that
// cannot be waited on (a port's handles have no WAIT right, a VMAR's neither) fail
// before anything is waited; the items pointer is checked.
TEST_CASE(ItemErrors) {
    zx_handle_t ev = make_event(), nowait;
    ASSERT_OK(zx_handle_duplicate(ev, ZX_RIGHT_TRANSFER | ZX_RIGHT_SIGNAL, &nowait));
    zx_wait_item_t items[2] = {{ev, ZX_EVENT_SIGNALED, 0}, {nowait, ZX_EVENT_SIGNALED, 0}};
    EXPECT_STATUS(zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST), ZX_ERR_ACCESS_DENIED);
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    items[1].handle = port;
    EXPECT_STATUS(zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_wait_many((zx_wait_item_t *)8, 1, ZX_TIME_INFINITE_PAST), ZX_ERR_INVALID_ARGS);
    items[1].handle = ev;  // the same handle twice is fine
    EXPECT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));
    EXPECT_EQ(items[0].pending, ZX_EVENT_SIGNALED);
    EXPECT_EQ(items[1].pending, ZX_EVENT_SIGNALED);
    zx_handle_close(port);
    zx_handle_close(nowait);
    zx_handle_close(ev);
}

// All 64 items, the last one signalled by another thread.
static zx_handle_t last_event;

static int last_thread(void *arg) {
    (void)arg;
    settle();
    zx_object_signal(last_event, 0u, ZX_USER_SIGNAL_7);
    return 0;
}

TEST_CASE(SixtyFourItems) {
    zx_wait_item_t items[ZX_WAIT_MANY_MAX_ITEMS];
    for (size_t i = 0; i < ZX_WAIT_MANY_MAX_ITEMS; i++)
        items[i] = (zx_wait_item_t){.handle = make_event(), .waitfor = ZX_USER_SIGNAL_7, .pending = 0u};
    last_event = items[ZX_WAIT_MANY_MAX_ITEMS - 1].handle;
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, last_thread, NULL), thrd_success);
    EXPECT_OK(zx_object_wait_many(items, ZX_WAIT_MANY_MAX_ITEMS, ZX_TIME_INFINITE));
    thrd_join(t, NULL);
    EXPECT_EQ(items[ZX_WAIT_MANY_MAX_ITEMS - 1].pending, ZX_USER_SIGNAL_7);
    EXPECT_EQ(items[0].pending, 0u);
    for (size_t i = 0; i < ZX_WAIT_MANY_MAX_ITEMS; i++) EXPECT_OK(zx_handle_close(items[i].handle));
}

int main(int argc, char **argv) {
    main_thread = zx_thread_self();
    return zxrv_test_main(argc, argv);
}
