// Conformance: Zircon's Timer family (zircon/system/utest/core/timer/timer.cc), one case per
// Zircon case name, written in C against our own headers, then a few cases of our own (rights,
// wrong types, several timers, a waiter on another thread, closing an armed timer).
//
// Not ported: BootTimersElapseDuringSuspend (needs zx_system_suspend_enter, a next-vDSO call,
// the system resource and zx_object_wait_async; this kernel never suspends, and BOOT is the
// monotonic clock here), DISABLED_CoalesceTestEarly and DISABLED_CoalesceTestLate (disabled
// upstream as flaky; this kernel does not coalesce: a timer fires at its deadline, which is
// inside the window of every slack mode).
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

#define INVALID_CLOCK ((zx_clock_t)2)

// Zircon's CheckInfo, as a macro so that a failure names the caller's line.
#define CHECK_INFO(timer, opts, dl, sl)                                                         \
    do {                                                                                        \
        zx_info_timer_t info_;                                                                  \
        ASSERT_OK(zx_object_get_info((timer), ZX_INFO_TIMER, &info_, sizeof(info_), NULL, NULL)); \
        EXPECT_EQ(info_.options, (opts));                                                       \
        EXPECT_EQ(info_.deadline, (dl));                                                        \
        EXPECT_EQ(info_.slack, (sl));                                                           \
    } while (0)

TEST_CASE(DeadlineAfter) {
    const zx_time_t then = zx_clock_get_monotonic();
    // The day we manage to boot and run this test in less than 1uS we need to fix this.
    ASSERT_TRUE(then > 1000);

    const zx_time_t one_hour_later = zx_deadline_after(ZX_HOUR(1));
    EXPECT_TRUE(then < one_hour_later);

    const zx_duration_t too_big = INT64_MAX - 100;
    const zx_time_t clamped = zx_deadline_after(too_big);
    EXPECT_EQ(clamped, ZX_TIME_INFINITE);

    EXPECT_TRUE(0 < zx_deadline_after(10 * 365 * ZX_HOUR(24)));
    EXPECT_TRUE(zx_deadline_after(ZX_TIME_INFINITE_PAST) < 0);
}

TEST_CASE(SetNegativeDeadline) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    CHECK_INFO(timer, 0, 0, 0);
    zx_duration_t slack = 0;
    ASSERT_OK(zx_timer_set(timer, -1, slack));
    CHECK_INFO(timer, 0, 0, slack);
    zx_signals_t pending = 0;
    ASSERT_OK(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, ZX_TIME_INFINITE, &pending));
    ASSERT_EQ(pending, ZX_TIMER_SIGNALED);
    CHECK_INFO(timer, 0, 0, 0);
    zx_handle_close(timer);
}

TEST_CASE(SetNegativeDeadlineMax) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    zx_duration_t slack = 0;
    ASSERT_OK(zx_timer_set(timer, ZX_TIME_INFINITE_PAST, slack));
    CHECK_INFO(timer, 0, 0, slack);
    zx_signals_t pending = 0;
    ASSERT_OK(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, ZX_TIME_INFINITE, &pending));
    ASSERT_EQ(pending, ZX_TIMER_SIGNALED);
    CHECK_INFO(timer, 0, 0, 0);
    zx_handle_close(timer);
}

TEST_CASE(SetNegativeSlack) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    ASSERT_STATUS(zx_timer_set(timer, 0, -1), ZX_ERR_OUT_OF_RANGE);
    CHECK_INFO(timer, 0, 0, 0);
    zx_handle_close(timer);
}

TEST_CASE(AlreadyPassedDeadlineOnWaitOne) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    CHECK_INFO(timer, 0, 0, 0);

    zx_duration_t slack = 0;
    ASSERT_OK(zx_timer_set(timer, ZX_TIME_INFINITE_PAST, slack));
    CHECK_INFO(timer, 0, 0, slack);

    zx_signals_t pending = 0;
    ASSERT_OK(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, ZX_TIME_INFINITE_PAST, &pending));
    ASSERT_EQ(pending, ZX_TIMER_SIGNALED);
    CHECK_INFO(timer, 0, 0, 0);
    zx_handle_close(timer);
}

TEST_CASE(Basic) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));

    zx_signals_t pending = 0;
    EXPECT_STATUS(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, 0, &pending), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(pending, 0u);

    for (int ix = 0; ix != 3; ++ix) {
        const zx_time_t deadline_timer = zx_deadline_after(ZX_MSEC(10));
        const zx_time_t deadline_wait = zx_deadline_after(ZX_SEC(1000));
        // Timer should fire faster than the wait timeout.
        ASSERT_OK(zx_timer_set(timer, deadline_timer, 0));

        EXPECT_OK(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, deadline_wait, &pending));
        EXPECT_EQ(pending, ZX_TIMER_SIGNALED);
        CHECK_INFO(timer, 0, 0, 0);
    }
    zx_handle_close(timer);
}

TEST_CASE(Restart) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));

    zx_signals_t pending = 0;
    // The timer deadline is set for one year in the future, and therefore should never race
    // with the wait_one call below.
    const zx_duration_t relative_deadline = ZX_SEC(60 * 60 * 24 * 365);
    for (int ix = 0; ix != 10; ++ix) {
        const zx_time_t deadline_timer = zx_deadline_after(relative_deadline);
        const zx_time_t deadline_wait = zx_deadline_after(ZX_MSEC(1));
        // Setting a timer already running is equivalent to a cancel + set.
        ASSERT_OK(zx_timer_set(timer, deadline_timer, 0));
        CHECK_INFO(timer, 0, deadline_timer, 0);

        EXPECT_STATUS(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, deadline_wait, &pending), ZX_ERR_TIMED_OUT);
        EXPECT_EQ(pending, 0u);
        CHECK_INFO(timer, 0, deadline_timer, 0);
    }
    zx_handle_close(timer);
}

TEST_CASE(InvalidCalls) {
    zx_handle_t timer = ZX_HANDLE_INVALID;
    ASSERT_STATUS(zx_timer_create(0, INVALID_CLOCK, &timer), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_timer_create(ZX_TIMER_SLACK_LATE + 1, INVALID_CLOCK, &timer), ZX_ERR_INVALID_ARGS);
}

TEST_CASE(EdgeCases) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    ASSERT_OK(zx_timer_set(timer, 0, 0));
    zx_handle_close(timer);
}

// furiously spin resetting the timer, trying to race with it going off to look for
// race conditions.
TEST_CASE(RestartRace) {
    const zx_duration_t kTestDuration = ZX_MSEC(5);
    const zx_time_t start = zx_clock_get_monotonic();

    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    while (zx_clock_get_monotonic() - start < kTestDuration) {
        ASSERT_OK(zx_timer_set(timer, zx_deadline_after(ZX_USEC(100)), 0));
    }

    EXPECT_OK(zx_timer_cancel(timer));
    zx_handle_close(timer);
}

// If the timer is already due at the moment it is started then the signal should be
// asserted immediately.  Likewise canceling the timer should immediately deassert
// the signal.
TEST_CASE(SignalsAssertedImmediately) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));

    for (int i = 0; i < 100; i++) {
        const zx_time_t now = zx_clock_get_monotonic();

        EXPECT_OK(zx_timer_set(timer, now, 0));

        zx_signals_t pending = 0;
        EXPECT_OK(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, 0, &pending));
        EXPECT_EQ(pending, ZX_TIMER_SIGNALED);

        EXPECT_OK(zx_timer_cancel(timer));

        EXPECT_STATUS(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, 0, &pending), ZX_ERR_TIMED_OUT);
        EXPECT_EQ(pending, 0u);
    }
    zx_handle_close(timer);
}

// Our own cases from here on.

// Every option and both clocks are accepted; ZX_INFO_TIMER reports them, ZX_INFO_HANDLE_BASIC
// the type and default rights.
TEST_CASE(CreateOptionsAndClocks) {
    for (uint32_t opt = ZX_TIMER_SLACK_CENTER; opt <= ZX_TIMER_SLACK_LATE; opt++) {
        for (zx_clock_t clock = ZX_CLOCK_MONOTONIC; clock <= ZX_CLOCK_BOOT; clock++) {
            zx_handle_t timer;
            ASSERT_OK(zx_timer_create(opt, clock, &timer));
            zx_info_timer_t info;
            ASSERT_OK(zx_object_get_info(timer, ZX_INFO_TIMER, &info, sizeof(info), NULL, NULL));
            EXPECT_EQ(info.options, opt);
            EXPECT_EQ(info.clock_id, clock);
            zx_info_handle_basic_t basic;
            ASSERT_OK(zx_object_get_info(timer, ZX_INFO_HANDLE_BASIC, &basic, sizeof(basic), NULL, NULL));
            EXPECT_EQ(basic.type, ZX_OBJ_TYPE_TIMER);
            EXPECT_EQ(basic.rights, ZX_DEFAULT_TIMER_RIGHTS);
            zx_handle_close(timer);
        }
    }
    zx_handle_t timer;
    EXPECT_STATUS(zx_timer_create(ZX_TIMER_SLACK_LATE + 1, ZX_CLOCK_MONOTONIC, &timer), ZX_ERR_INVALID_ARGS);
}

// The slack is recorded while the timer is set, and cleared when it fires or is cancelled.
TEST_CASE(SlackRecorded) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(ZX_TIMER_SLACK_LATE, ZX_CLOCK_MONOTONIC, &timer));
    const zx_time_t deadline = zx_deadline_after(ZX_SEC(3600));
    ASSERT_OK(zx_timer_set(timer, deadline, ZX_MSEC(5)));
    CHECK_INFO(timer, ZX_TIMER_SLACK_LATE, deadline, ZX_MSEC(5));
    ASSERT_OK(zx_timer_cancel(timer));
    CHECK_INFO(timer, ZX_TIMER_SLACK_LATE, 0, 0);
    zx_handle_close(timer);
}

// set and cancel need WRITE; a handle of another type is WRONG_TYPE; a bad handle BAD_HANDLE.
TEST_CASE(RightsAndTypes) {
    zx_handle_t timer, ro, event;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    ASSERT_OK(zx_handle_duplicate(timer, ZX_DEFAULT_TIMER_RIGHTS & ~ZX_RIGHT_WRITE, &ro));
    EXPECT_STATUS(zx_timer_set(ro, zx_deadline_after(ZX_SEC(1)), 0), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_timer_cancel(ro), ZX_ERR_ACCESS_DENIED);
    // A negative slack is refused before the handle is looked at.
    EXPECT_STATUS(zx_timer_set(ro, 0, -1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_timer_set(ZX_HANDLE_INVALID, 0, -1), ZX_ERR_OUT_OF_RANGE);
    ASSERT_OK(zx_event_create(0, &event));
    EXPECT_STATUS(zx_timer_set(event, 0, 0), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_timer_cancel(event), ZX_ERR_WRONG_TYPE);
    zx_info_timer_t info;
    EXPECT_STATUS(zx_object_get_info(event, ZX_INFO_TIMER, &info, sizeof(info), NULL, NULL), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_timer_set(ZX_HANDLE_INVALID, 0, 0), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_timer_cancel(ZX_HANDLE_INVALID), ZX_ERR_BAD_HANDLE);
    // Timers are not user-signalable beyond the user signals.
    EXPECT_STATUS(zx_object_signal(timer, 0, ZX_TIMER_SIGNALED), ZX_ERR_INVALID_ARGS);
    zx_handle_close(ro);
    zx_handle_close(event);
    zx_handle_close(timer);
}

// Several timers set in reverse order fire in deadline order, each no earlier than its deadline.
TEST_CASE(ManyTimersFireInOrder) {
    enum { N = 8 };
    zx_handle_t timers[N];
    zx_time_t base = zx_deadline_after(ZX_MSEC(20));
    for (int i = N - 1; i >= 0; i--) {
        ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timers[i]));
        ASSERT_OK(zx_timer_set(timers[i], base + i * ZX_MSEC(5), 0));
    }
    for (int i = 0; i < N; i++) {
        zx_signals_t pending = 0;
        EXPECT_OK(zx_object_wait_one(timers[i], ZX_TIMER_SIGNALED, zx_deadline_after(ZX_SEC(100)), &pending));
        EXPECT_TRUE(zx_clock_get_monotonic() >= base + i * ZX_MSEC(5));
        EXPECT_EQ(pending, ZX_TIMER_SIGNALED);
    }
    for (int i = 0; i < N; i++) zx_handle_close(timers[i]);
}

static int wait_for_timer(void *arg) {
    zx_handle_t timer = *(zx_handle_t *)arg;
    return zx_object_wait_one(timer, ZX_TIMER_SIGNALED, zx_deadline_after(ZX_SEC(100)), NULL);
}

// A thread blocked on the timer (maybe on another hart) is woken when it fires.
TEST_CASE(WakesWaiterOnAnotherThread) {
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    thrd_t thr;
    ASSERT_EQ(thrd_create(&thr, wait_for_timer, &timer), thrd_success);
    ASSERT_OK(zx_nanosleep(zx_deadline_after(ZX_MSEC(5))));
    const zx_time_t deadline = zx_deadline_after(ZX_MSEC(10));
    ASSERT_OK(zx_timer_set(timer, deadline, 0));
    int ret = -1;
    ASSERT_EQ(thrd_join(thr, &ret), thrd_success);
    EXPECT_EQ(ret, ZX_OK);
    EXPECT_TRUE(zx_clock_get_monotonic() >= deadline);
    zx_handle_close(timer);
}

// Closing the last handle of a set timer cancels it: nothing is left behind (init's leak
// check after this program counts the objects and heap blocks).
TEST_CASE(CloseWhileSet) {
    for (int i = 0; i < 50; i++) {
        zx_handle_t timer;
        ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
        // Alternate far and imminent deadlines, so some closes race with the firing.
        ASSERT_OK(zx_timer_set(timer, zx_deadline_after(i % 2 ? ZX_SEC(3600) : ZX_USEC(i * 20)), 0));
        ASSERT_OK(zx_handle_close(timer));
    }
}

// zx_nanosleep and a wait_one deadline still end on time with many timers set (the same
// per-hart queue).
TEST_CASE(SleepAmongTimers) {
    enum { N = 16 };
    zx_handle_t timers[N];
    for (int i = 0; i < N; i++) {
        ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timers[i]));
        ASSERT_OK(zx_timer_set(timers[i], zx_deadline_after(ZX_SEC(3600) + i), 0));
    }
    const zx_time_t deadline = zx_deadline_after(ZX_MSEC(3));
    EXPECT_OK(zx_nanosleep(deadline));
    EXPECT_TRUE(zx_clock_get_monotonic() >= deadline);
    zx_handle_t event;
    ASSERT_OK(zx_event_create(0, &event));
    const zx_time_t d2 = zx_deadline_after(ZX_MSEC(3));
    EXPECT_STATUS(zx_object_wait_one(event, ZX_EVENT_SIGNALED, d2, NULL), ZX_ERR_TIMED_OUT);
    EXPECT_TRUE(zx_clock_get_monotonic() >= d2);
    zx_handle_close(event);
    for (int i = 0; i < N; i++) zx_handle_close(timers[i]);
}

static int cmp_dur(const void *a, const void *b) {
    zx_duration_t x = *(const zx_duration_t *)a, y = *(const zx_duration_t *)b;
    return x < y ? -1 : x > y;
}

// Timers fire at their deadline, not at the next scheduler tick. The median lateness of 21
// one-millisecond timers is printed and must stay under 100 ms. The median, not a count of late
// ones: a loaded host delays some wake-ups by whole milliseconds, never most of them by 100 ms.
// At the default timer.hz=100 a tick-driven timer would pass too (5 ms median); tools/test also
// runs this family with timer.hz=1 (conformance-timer-hz1), where a tick-driven timer would be
// about 500 ms late.
TEST_CASE(FiresBetweenTicks) {
    enum { N = 21 };
    zx_duration_t late[N];
    zx_handle_t timer;
    ASSERT_OK(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    for (int i = 0; i < N; i++) {
        const zx_time_t deadline = zx_deadline_after(ZX_MSEC(1));
        ASSERT_OK(zx_timer_set(timer, deadline, 0));
        ASSERT_OK(zx_object_wait_one(timer, ZX_TIMER_SIGNALED, ZX_TIME_INFINITE, NULL));
        late[i] = zx_clock_get_monotonic() - deadline;
        EXPECT_TRUE(late[i] >= 0);
    }
    qsort(late, N, sizeof(late[0]), cmp_dur);
    printf("timer: 1 ms timers fire %lld us late (median of %d)\n", (long long)(late[N / 2] / 1000), N);
    EXPECT_TRUE(late[N / 2] < ZX_MSEC(100));
    zx_handle_close(timer);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
