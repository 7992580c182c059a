// Conformance: Zircon's object-wait family (zircon/system/utest/core/object-wait/wait-test.cc,
// vsrinivas/fuchsia @9da8328), in C against our own headers, one case per Zircon case name.
//
// ObjectWaitOneTest (6): WaitForEventSignaled, WaitForEventTimeout, EmptySignalSet,
// WaitForEventTimeoutPreSignalClear, WaitForEventThenSignal, TransientSignalsNotReturned. The
// last two run Zircon's std::thread as a C11 thread that polls the main thread's
// ZX_INFO_THREAD state until it is ZX_THREAD_STATE_BLOCKED_WAIT_ONE, then signals.
//
// ObjectWaitManyTest (TooManyObjects, InvalidHandle, WaitForEventsSignaled,
// WaitForEventsThenSignal, TransientSignalsNotReturned, WaitOnZeroThings) is the program
// object-wait-many.c: both families have a TransientSignalsNotReturned.
//
// The test library is not thread-safe: a helper thread only records its statuses, the main
// thread checks them after thrd_join (Zircon's ASSERTs in the lambdas).
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

#define MSEC(n) ((zx_duration_t)(n) * 1000000)

// kPollingInterval.
#define POLLING_INTERVAL MSEC(1)

// WaitForState: poll, possibly forever, until `thread` is in `state`.
static zx_status_t wait_for_state(zx_handle_t thread, zx_thread_state_t state) {
    for (;;) {
        zx_info_thread_t info;
        zx_status_t st = zx_object_get_info(thread, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL);
        if (st != ZX_OK) return st;
        if (info.state == state) return ZX_OK;
        zx_nanosleep(zx_deadline_after(POLLING_INTERVAL));
    }
}

// MakeEvent.
static zx_handle_t make_event(void) {
    zx_handle_t ev = ZX_HANDLE_INVALID;
    zx_event_create(0, &ev);
    return ev;
}

// What a helper thread gets and records.
struct signaller {
    zx_handle_t main_thread;    // zx::thread::self() of the main thread
    zx_thread_state_t wait_state;
    zx_handle_t ev;
    zx_status_t wait_status;    // WaitForState's
    zx_status_t signal_status[3];
};

// ---- ObjectWaitOneTest ----

// WaitForEventSignaled: an event signalled first satisfies the wait at once.
TEST_CASE(WaitForEventSignaled) {
    zx_handle_t ev = make_event();
    EXPECT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed));
    EXPECT_EQ(observed, ZX_EVENT_SIGNALED);
    EXPECT_OK(zx_handle_close(ev));
}

// WaitForEventTimeout: nothing signalled, the wait times out and observes nothing.
TEST_CASE(WaitForEventTimeout) {
    zx_handle_t ev = make_event();
    zx_signals_t observed = 1;
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, zx_deadline_after(MSEC(1)), &observed),
                  ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, 0);
    EXPECT_OK(zx_handle_close(ev));
}

// EmptySignalSet: waiting for no signal at all times out.
TEST_CASE(EmptySignalSet) {
    zx_handle_t ev = make_event();
    zx_signals_t observed = 1;
    EXPECT_STATUS(zx_object_wait_one(ev, 0, zx_deadline_after(MSEC(1)), &observed), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, 0);
    EXPECT_OK(zx_handle_close(ev));
}

// WaitForEventTimeoutPreSignalClear: a signal set and cleared before the wait is not seen.
TEST_CASE(WaitForEventTimeoutPreSignalClear) {
    zx_handle_t ev = make_event();
    EXPECT_OK(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
    EXPECT_OK(zx_object_signal(ev, ZX_EVENT_SIGNALED, 0));
    zx_signals_t observed = 1;
    EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, zx_deadline_after(MSEC(1)), &observed),
                  ZX_ERR_TIMED_OUT);
    EXPECT_EQ(observed, 0);
    EXPECT_OK(zx_handle_close(ev));
}

static int signal_when_blocked(void *arg) {
    struct signaller *s = arg;
    s->wait_status = wait_for_state(s->main_thread, s->wait_state);
    s->signal_status[0] = zx_object_signal(s->ev, 0, ZX_EVENT_SIGNALED);
    return 0;
}

// WaitForEventThenSignal: a thread signals once the main thread is blocked in the wait.
TEST_CASE(WaitForEventThenSignal) {
    struct signaller s = {zx_thread_self(), ZX_THREAD_STATE_BLOCKED_WAIT_ONE, make_event(), ZX_ERR_INTERNAL, {0}};
    thrd_t thread;
    ASSERT_EQ(thrd_create(&thread, signal_when_blocked, &s), thrd_success);
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(s.ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed));
    EXPECT_EQ(observed, ZX_EVENT_SIGNALED);
    EXPECT_EQ(thrd_join(thread, NULL), thrd_success);
    EXPECT_OK(s.wait_status);
    EXPECT_OK(s.signal_status[0]);
    EXPECT_OK(zx_handle_close(s.ev));
}

static int transient_then_signal(void *arg) {
    struct signaller *s = arg;
    s->wait_status = wait_for_state(s->main_thread, s->wait_state);
    s->signal_status[0] = zx_object_signal(s->ev, 0, ZX_USER_SIGNAL_0);
    s->signal_status[1] = zx_object_signal(s->ev, ZX_USER_SIGNAL_0, 0);
    s->signal_status[2] = zx_object_signal(s->ev, 0, ZX_USER_SIGNAL_1);
    return 0;
}

// TransientSignalsNotReturned: USER_SIGNAL_0 raised and cleared while the main thread waits for
// USER_SIGNAL_1 is not among the observed signals.
TEST_CASE(TransientSignalsNotReturned) {
    struct signaller s = {zx_thread_self(), ZX_THREAD_STATE_BLOCKED_WAIT_ONE, make_event(), ZX_ERR_INTERNAL, {0}};
    thrd_t thread;
    ASSERT_EQ(thrd_create(&thread, transient_then_signal, &s), thrd_success);
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(s.ev, ZX_USER_SIGNAL_1, ZX_TIME_INFINITE, &observed));
    EXPECT_EQ(observed, ZX_USER_SIGNAL_1);
    EXPECT_EQ(thrd_join(thread, NULL), thrd_success);
    EXPECT_OK(s.wait_status);
    for (int i = 0; i < 3; i++) EXPECT_OK(s.signal_status[i]);
    EXPECT_OK(zx_handle_close(s.ev));
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
