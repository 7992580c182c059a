// Conformance: Zircon's FutexTest family (zircon/system/utest/core/futex/futex.cc, misttech/mist-os
// @63051ec), in C against our own headers: 16 of its 17 cases, one per Zircon case name
// (ThreadSuspended needs zx_task_suspend, which this kernel does not have). Then six cases of
// FutexOwnershipTestCase (zircon/system/utest/futex-ownership/ownership.cc, vsrinivas/fuchsia @0a08bfb):
// GetOwner, Wake, RequeueWake, WakeZero, RequeueWakeZero, OwnerExit.
//
// Zircon's TestThread is `struct test_thread` here: a C11 thread (thrd_create_with_name) that
// records kAboutToWait, calls zx_futex_wait and records its status and kWaitReturned; Start
// waits until the thread's ZX_INFO_THREAD state is ZX_THREAD_STATE_BLOCKED_FUTEX, Shutdown waits
// for ZX_THREAD_TERMINATED and joins. Zircon's fit::defer cleanups run at the end of each case
// (wake everything, shut every thread down), also after a failed ASSERT. The test library is not
// thread-safe: helper threads only record, the main thread checks.
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/threads.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define USEC(n) ((zx_duration_t)(n) * 1000)
#define MSEC(n) ((zx_duration_t)(n) * 1000000)
#define SEC(n) ((zx_duration_t)(n) * 1000000000)

#define DEFAULT_TIMEOUT SEC(30)         // kDefaultTimeout
#define DEFAULT_POLL_INTERVAL USEC(100)  // kDefaultPollInterval
#define WAKE_ALL UINT32_MAX              // kThreadWakeAllCount
#define REQUEUE_ALL UINT32_MAX           // kThreadRequeueAllCount

enum { WAITING_TO_START = 100, ABOUT_TO_WAIT = 200, WAIT_RETURNED = 300 };

struct test_thread {
    _Atomic(zx_futex_t *) futex;
    _Atomic int state;
    _Atomic zx_status_t wait_result;
    zx_duration_t timeout;
    zx_handle_t handle;  // a duplicate of the thread's handle (thread_handle_)
    thrd_t thread;
};

static zx_thread_state_t thread_state(zx_handle_t thread) {
    zx_info_thread_t info;
    memset(&info, 0, sizeof(info));
    EXPECT_OK(zx_object_get_info(thread, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL));
    return info.state;
}

// WaitForKernelState: poll until `thread` is in `target` (at most kDefaultTimeout).
static void wait_for_kernel_state(zx_handle_t thread, zx_thread_state_t target) {
    zx_time_t deadline = zx_deadline_after(DEFAULT_TIMEOUT);
    zx_thread_state_t st = 0;
    while (zx_clock_get_monotonic() < deadline) {
        st = thread_state(thread);
        if (st == target) break;
        zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
    }
    EXPECT_EQ(st, target);
}

static int test_thread_run(void *arg) {
    struct test_thread *t = arg;
    atomic_store(&t->state, ABOUT_TO_WAIT);
    zx_futex_t *f = atomic_load(&t->futex);
    zx_time_t deadline = t->timeout == ZX_TIME_INFINITE ? ZX_TIME_INFINITE : zx_deadline_after(t->timeout);
    atomic_store(&t->wait_result, zx_futex_wait(f, atomic_load(f), ZX_HANDLE_INVALID, deadline));
    atomic_store(&t->state, WAIT_RETURNED);
    return 0;
}

// Poll `cond(t)` until true or kDefaultTimeout; ZX_OK or ZX_ERR_TIMED_OUT.
static zx_status_t wait_for_state(struct test_thread *t, int state) {
    zx_time_t deadline = zx_deadline_after(DEFAULT_TIMEOUT);
    while (zx_clock_get_monotonic() < deadline) {
        if (atomic_load(&t->state) == state) return ZX_OK;
        zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
    }
    return ZX_ERR_TIMED_OUT;
}

// TestThread::Start.
static bool test_thread_start(struct test_thread *t, zx_futex_t *futex, zx_duration_t timeout) {
    atomic_store(&t->futex, futex);
    atomic_store(&t->state, WAITING_TO_START);
    atomic_store(&t->wait_result, ZX_ERR_INTERNAL);
    t->timeout = timeout;
    t->handle = ZX_HANDLE_INVALID;
    if (thrd_create_with_name(&t->thread, test_thread_run, t, "wakeup-test-thread") != thrd_success) {
        EXPECT_TRUE(!"thread creation failed");
        return false;
    }
    EXPECT_OK(zx_handle_duplicate(thrd_get_zx_handle(t->thread), ZX_RIGHT_SAME_RIGHTS, &t->handle));
    // Wait until the thread left kWaitingToStart: it should be kAboutToWait.
    zx_time_t deadline = zx_deadline_after(DEFAULT_TIMEOUT);
    while (atomic_load(&t->state) == WAITING_TO_START && zx_clock_get_monotonic() < deadline)
        zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
    EXPECT_EQ(atomic_load(&t->state), ABOUT_TO_WAIT);
    wait_for_kernel_state(t->handle, ZX_THREAD_STATE_BLOCKED_FUTEX);
    EXPECT_EQ(atomic_load(&t->state), ABOUT_TO_WAIT);
    return atomic_load(&t->state) == ABOUT_TO_WAIT;
}

// TestThread::Shutdown (idempotent).
static void test_thread_shutdown(struct test_thread *t) {
    if (t->handle == ZX_HANDLE_INVALID) return;
    EXPECT_OK(zx_object_wait_one(t->handle, ZX_THREAD_TERMINATED, zx_deadline_after(SEC(10)), NULL));
    EXPECT_EQ(thrd_join(t->thread, NULL), thrd_success);
    EXPECT_OK(zx_handle_close(t->handle));
    t->handle = ZX_HANDLE_INVALID;
}

static bool has_wait_returned(struct test_thread *t) { return atomic_load(&t->state) == WAIT_RETURNED; }

// TestThread::WaitUntilWoken.
static void wait_until_woken(struct test_thread *t) {
    EXPECT_OK(wait_for_state(t, WAIT_RETURNED));
    EXPECT_EQ(atomic_load(&t->state), WAIT_RETURNED);
}

// TestThread::CheckIsBlockedOnFutex.
static void check_blocked_on_futex(struct test_thread *t) {
    EXPECT_EQ(thread_state(t->handle), ZX_THREAD_STATE_BLOCKED_FUTEX);
}

// AssertWokeThreadCount: wait (forever) until `target` threads returned, then 300 ms more to see
// that no other one does.
static void assert_woke_thread_count(struct test_thread *threads, uint32_t total, uint32_t target) {
    uint32_t woken;
    do {
        woken = 0;
        for (uint32_t i = 0; i < total; i++) woken += has_wait_returned(&threads[i]);
    } while (woken < target);
    EXPECT_EQ(woken, target);
    zx_nanosleep(zx_deadline_after(MSEC(300)));
    woken = 0;
    for (uint32_t i = 0; i < total; i++) woken += has_wait_returned(&threads[i]);
    EXPECT_EQ(woken, target);
}

TEST_CASE(WaitValueMismatch) {
    zx_futex_t futex_value = 123;
    EXPECT_STATUS(zx_futex_wait(&futex_value, 124, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_BAD_STATE);
}

TEST_CASE(WaitTimeout) {
    zx_futex_t futex_value = 123;
    EXPECT_STATUS(zx_futex_wait(&futex_value, 123, ZX_HANDLE_INVALID, 0), ZX_ERR_TIMED_OUT);
}

// WaitTimeoutElapsed: the deadline is respected, five times over.
TEST_CASE(WaitTimeoutElapsed) {
    zx_futex_t futex_value = 0;
    for (int i = 0; i < 5; ++i) {
        zx_time_t deadline = zx_deadline_after(MSEC(100));
        ASSERT_STATUS(zx_futex_wait(&futex_value, 0, ZX_HANDLE_INVALID, deadline), ZX_ERR_TIMED_OUT);
        EXPECT_TRUE(zx_clock_get_monotonic() >= deadline);
    }
}

TEST_CASE(WaitBadAddress) {
    EXPECT_STATUS(zx_futex_wait(NULL, 123, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
}

// Wakeup: wake a single thread.
TEST_CASE(Wakeup) {
    zx_futex_t futex = 1;
    struct test_thread thread = {0};
    if (test_thread_start(&thread, &futex, ZX_TIME_INFINITE)) {
        EXPECT_OK(zx_futex_wake(&futex, WAKE_ALL));
        wait_until_woken(&thread);
        EXPECT_OK(atomic_load(&thread.wait_result));
    }
    EXPECT_OK(zx_futex_wake(&futex, WAKE_ALL));
    test_thread_shutdown(&thread);
}

// WakeupLimit: zx_futex_wake heeds its count.
TEST_CASE(WakeupLimit) {
    zx_futex_t futex = 1;
    struct test_thread threads[4];
    memset(threads, 0, sizeof(threads));
    bool ok = true;
    for (int i = 0; i < 4 && ok; i++) ok = test_thread_start(&threads[i], &futex, ZX_TIME_INFINITE);
    if (ok) {
        EXPECT_OK(zx_futex_wake(&futex, 2));
        assert_woke_thread_count(threads, 4, 2);
        EXPECT_OK(zx_futex_wake(&futex, WAKE_ALL));
        assert_woke_thread_count(threads, 4, 4);
        for (int i = 0; i < 4; i++) EXPECT_OK(atomic_load(&threads[i].wait_result));
    }
    zx_futex_wake(&futex, WAKE_ALL);
    for (int i = 0; i < 4; i++) test_thread_shutdown(&threads[i]);
}

// WakeupAddress: a wake on one address does not wake waiters of another.
TEST_CASE(WakeupAddress) {
    zx_futex_t futexes[3] = {1, 1, 1};
    struct test_thread threads[2];
    memset(threads, 0, sizeof(threads));
    if (test_thread_start(&threads[0], &futexes[0], ZX_TIME_INFINITE) &&
        test_thread_start(&threads[1], &futexes[1], ZX_TIME_INFINITE)) {
        EXPECT_OK(zx_futex_wake(&futexes[2], WAKE_ALL));
        check_blocked_on_futex(&threads[0]);
        check_blocked_on_futex(&threads[1]);
        EXPECT_OK(zx_futex_wake(&futexes[0], WAKE_ALL));
        wait_until_woken(&threads[0]);
        check_blocked_on_futex(&threads[1]);
        EXPECT_OK(zx_futex_wake(&futexes[1], WAKE_ALL));
        wait_until_woken(&threads[1]);
        for (int i = 0; i < 2; i++) EXPECT_OK(atomic_load(&threads[i].wait_result));
    }
    zx_futex_wake(&futexes[0], WAKE_ALL);
    zx_futex_wake(&futexes[1], WAKE_ALL);
    for (int i = 0; i < 2; i++) test_thread_shutdown(&threads[i]);
}

TEST_CASE(RequeueValueMismatch) {
    zx_futex_t futex_value1 = 100, futex_value2 = 200;
    EXPECT_STATUS(zx_futex_requeue(&futex_value1, 1, 101, &futex_value2, 1, ZX_HANDLE_INVALID), ZX_ERR_BAD_STATE);
}

TEST_CASE(RequeueSameAddr) {
    zx_futex_t futex_value = 100;
    EXPECT_STATUS(zx_futex_requeue(&futex_value, 1, 100, &futex_value, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
}

// Requeue: wake 3 of 6 waiters and move 2 to another futex.
TEST_CASE(Requeue) {
    zx_futex_t futex_value1 = 100, futex_value2 = 200;
    struct test_thread threads[6];
    memset(threads, 0, sizeof(threads));
    bool ok = true;
    for (int i = 0; i < 6 && ok; i++) ok = test_thread_start(&threads[i], &futex_value1, ZX_TIME_INFINITE);
    if (ok) {
        EXPECT_OK(zx_futex_requeue(&futex_value1, 3, 100, &futex_value2, 2, ZX_HANDLE_INVALID));
        assert_woke_thread_count(threads, 6, 3);
        EXPECT_OK(zx_futex_wake(&futex_value2, WAKE_ALL));
        assert_woke_thread_count(threads, 6, 5);
        EXPECT_OK(zx_futex_wake(&futex_value1, 1));
        assert_woke_thread_count(threads, 6, 6);
    }
    zx_futex_wake(&futex_value1, WAKE_ALL);
    zx_futex_wake(&futex_value2, WAKE_ALL);
    for (int i = 0; i < 6; i++) test_thread_shutdown(&threads[i]);
}

// RequeueUnqueuedOnTimeout: a requeued waiter that times out leaves the new futex's queue.
TEST_CASE(RequeueUnqueuedOnTimeout) {
    zx_futex_t futex_value1 = 100, futex_value2 = 200;
    struct test_thread threads[2];
    memset(threads, 0, sizeof(threads));
    if (test_thread_start(&threads[0], &futex_value1, MSEC(1500))) {
        EXPECT_OK(zx_futex_requeue(&futex_value1, 0, 100, &futex_value2, WAKE_ALL, ZX_HANDLE_INVALID));
        if (test_thread_start(&threads[1], &futex_value2, ZX_TIME_INFINITE)) {
            wait_until_woken(&threads[0]);
            EXPECT_STATUS(atomic_load(&threads[0].wait_result), ZX_ERR_TIMED_OUT);
            check_blocked_on_futex(&threads[1]);
            EXPECT_OK(zx_futex_wake(&futex_value2, 1));
            wait_until_woken(&threads[1]);
        }
    }
    zx_futex_wake(&futex_value1, WAKE_ALL);
    zx_futex_wake(&futex_value2, WAKE_ALL);
    for (int i = 0; i < 2; i++) test_thread_shutdown(&threads[i]);
}

// MisalignedFutextAddr (sic): misaligned futex pointers are INVALID_ARGS.
TEST_CASE(MisalignedFutextAddr) {
    struct {
        uint8_t misalign;
        zx_futex_t futex[2];
    } __attribute__((packed, aligned(_Alignof(zx_futex_t)))) buffer;
    // &buffer.futex[0] and [1], taken through char pointers (C warns about packed members).
    zx_futex_t *const futex = (zx_futex_t *)((char *)&buffer + offsetof(__typeof__(buffer), futex));
    zx_futex_t *const futex_2 = futex + 1;
    EXPECT_TRUE(_Alignof(zx_futex_t) > 1);
    EXPECT_NE((uintptr_t)futex % _Alignof(zx_futex_t), 0);
    EXPECT_NE((uintptr_t)futex_2 % _Alignof(zx_futex_t), 0);
    memset(&buffer, 0, sizeof(buffer));
    EXPECT_STATUS(zx_futex_wait(futex, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wake(futex, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(futex, 1, 0, futex_2, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
}

// Zircon's Event class: a one-shot flag on a futex.
struct futex_event {
    zx_futex_t signaled;
};

static void futex_event_wait(struct futex_event *e) {
    if (atomic_load(&e->signaled) == 0) zx_futex_wait(&e->signaled, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

static void futex_event_signal(struct futex_event *e) {
    if (atomic_load(&e->signaled) == 0) {
        atomic_store(&e->signaled, 1);
        zx_futex_wake(&e->signaled, WAKE_ALL);
    }
}

// WaitUntilThreadBlockedOnFutex.
static void wait_until_blocked_on_futex(thrd_t thread) {
    zx_handle_t h = thrd_get_zx_handle(thread);
    EXPECT_NE(h, ZX_HANDLE_INVALID);
    zx_info_thread_t info;
    memset(&info, 0, sizeof(info));
    zx_status_t get_info_res = ZX_ERR_INTERNAL, wait_res = ZX_ERR_TIMED_OUT;
    zx_time_t deadline = zx_deadline_after(DEFAULT_TIMEOUT);
    while (zx_clock_get_monotonic() < deadline) {
        get_info_res = zx_object_get_info(h, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL);
        if (get_info_res != ZX_OK || info.state == ZX_THREAD_STATE_BLOCKED_FUTEX) {
            wait_res = ZX_OK;
            break;
        }
        zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
    }
    EXPECT_OK(get_info_res);
    EXPECT_OK(wait_res);
    EXPECT_EQ(info.state, ZX_THREAD_STATE_BLOCKED_FUTEX);
}

static int event_waiter(void *arg) {
    futex_event_wait(arg);
    return 0;
}

// EventSignaling: three threads blocked on one futex event all wake when it is signalled.
TEST_CASE(EventSignaling) {
    struct futex_event event = {0};
    thrd_t t1, t2, t3;
    ASSERT_EQ(thrd_create_with_name(&t1, event_waiter, &event, "thread 1"), thrd_success);
    ASSERT_EQ(thrd_create_with_name(&t2, event_waiter, &event, "thread 2"), thrd_success);
    ASSERT_EQ(thrd_create_with_name(&t3, event_waiter, &event, "thread 3"), thrd_success);
    wait_until_blocked_on_futex(t1);
    wait_until_blocked_on_futex(t2);
    wait_until_blocked_on_futex(t3);
    futex_event_signal(&event);
    EXPECT_EQ(thrd_join(t1, NULL), thrd_success);
    EXPECT_EQ(thrd_join(t2, NULL), thrd_success);
    EXPECT_EQ(thrd_join(t3, NULL), thrd_success);
}

static int spin_until_ready(void *arg) {
    atomic_bool *ready = arg;
    while (!atomic_load(ready)) {
    }
    return 0;
}

// WaitExitRace: zx_futex_wait naming as new owner a thread that is exiting at the same time, on a
// futex in a decommitted page (faulted in by the wait), 100 times: no use after free.
TEST_CASE(WaitExitRace) {
    for (int i = 0; i < 100; ++i) {
        atomic_bool ready = false;
        const size_t size = zx_system_get_page_size();
        zx_handle_t vmo;
        ASSERT_OK(zx_vmo_create(size, 0, &vmo));
        zx_vaddr_t addr = 0;
        EXPECT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, size, &addr));
        EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, size, NULL, 0));
        zx_futex_t *v = (zx_futex_t *)addr;
        thrd_t t2;
        if (thrd_create(&t2, spin_until_ready, &ready) != thrd_success) {
            EXPECT_TRUE(!"thread creation failed");
        } else {
            const zx_time_t deadline = zx_deadline_after(USEC(100));
            const zx_handle_t new_futex_owner = thrd_get_zx_handle(t2);
            atomic_store(&ready, true);
            zx_futex_wait(v, 0, new_futex_owner, deadline);
            EXPECT_EQ(thrd_join(t2, NULL), thrd_success);
        }
        EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, size));
        EXPECT_OK(zx_handle_close(vmo));
    }
}

// WakeCountZeroHelper: one thread blocked on `futex`, to give the calls an active futex.
struct wake_count_zero_helper {
    zx_futex_t futex;
    zx_futex_t other_futex;
    thrd_t waiter;
};

static int helper_waiter(void *arg) {
    struct wake_count_zero_helper *h = arg;
    zx_futex_wait(&h->futex, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    return 0;
}

static bool helper_start(struct wake_count_zero_helper *h) {
    atomic_store(&h->futex, 0);
    atomic_store(&h->other_futex, 0);
    if (thrd_create(&h->waiter, helper_waiter, h) != thrd_success) return false;
    wait_until_blocked_on_futex(h->waiter);
    return true;
}

static void helper_stop(struct wake_count_zero_helper *h) {
    zx_futex_wake(&h->futex, WAKE_ALL);
    zx_futex_wake(&h->other_futex, WAKE_ALL);
    EXPECT_EQ(thrd_join(h->waiter, NULL), thrd_success);
}

// WakeWithWakeCountZero: waking zero waiters of an active futex is fine.
TEST_CASE(WakeWithWakeCountZero) {
    struct wake_count_zero_helper helper;
    ASSERT_TRUE(helper_start(&helper));
    EXPECT_OK(zx_futex_wake(&helper.futex, 0));
    helper_stop(&helper);
}

// RequeueWithWakeCountZero: requeueing with a wake count of zero is fine.
TEST_CASE(RequeueWithWakeCountZero) {
    struct wake_count_zero_helper helper;
    ASSERT_TRUE(helper_start(&helper));
    EXPECT_OK(zx_futex_requeue(&helper.futex, 0, 0, &helper.other_futex, REQUEUE_ALL, ZX_HANDLE_INVALID));
    helper_stop(&helper);
}

// ---- FutexOwnershipTestCase ----
// Zircon's utils.h Thread: runs its function, then records WAITING_TO_STOP and blocks until
// Stop() (so a woken thread that owns a futex is still alive when the owner is checked).

enum { OT_IDLE, OT_RUNNING, OT_WAITING_TO_STOP };

struct own_thread {
    thrd_t thread;
    zx_handle_t handle;  // a duplicate, for ZX_INFO_THREAD and as a futex owner
    zx_koid_t koid;
    _Atomic int state;
    _Atomic zx_status_t res;
    zx_futex_t stop;
    // The function: zx_futex_wait(futex, value, owner, ZX_TIME_INFINITE); nothing if futex is NULL.
    zx_futex_t *futex;
    zx_futex_t value;
    zx_handle_t owner;
};

static int own_thread_main(void *arg) {
    struct own_thread *t = arg;
    if (t->futex) atomic_store(&t->res, zx_futex_wait(t->futex, t->value, t->owner, ZX_TIME_INFINITE));
    atomic_store(&t->state, OT_WAITING_TO_STOP);
    while (atomic_load(&t->stop) == 0) zx_futex_wait(&t->stop, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    return 0;
}

static bool own_thread_start(struct own_thread *t, zx_futex_t *futex, zx_futex_t value, zx_handle_t owner) {
    t->futex = futex;
    t->value = value;
    t->owner = owner;
    atomic_store(&t->stop, 0);
    atomic_store(&t->res, ZX_ERR_INTERNAL);
    atomic_store(&t->state, OT_RUNNING);
    if (thrd_create(&t->thread, own_thread_main, t) != thrd_success) {
        atomic_store(&t->state, OT_IDLE);
        return false;
    }
    EXPECT_OK(zx_handle_duplicate(thrd_get_zx_handle(t->thread), ZX_RIGHT_SAME_RIGHTS, &t->handle));
    t->koid = zxrv_koid_of(t->handle);
    return true;
}

static void own_thread_stop(struct own_thread *t) {
    if (atomic_load(&t->state) == OT_IDLE) return;
    atomic_store(&t->stop, 1);
    zx_futex_wake(&t->stop, WAKE_ALL);
    EXPECT_EQ(thrd_join(t->thread, NULL), thrd_success);
    EXPECT_OK(zx_handle_close(t->handle));
    t->handle = ZX_HANDLE_INVALID;
    atomic_store(&t->state, OT_IDLE);
}

static zx_thread_state_t run_state(struct own_thread *t) {
    zx_info_thread_t info;
    memset(&info, 0, sizeof(info));
    if (zx_object_get_info(t->handle, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL) != ZX_OK) return 0xffff;
    return info.state;
}

// Wake through zx_futex_wake or, for the Requeue* cases, zx_futex_requeue with nothing to requeue.
static zx_status_t op_wake(bool requeue, zx_futex_t *f, uint32_t count) {
    zx_futex_t requeue_futex = 0;
    if (!requeue) return zx_futex_wake(f, count);
    return zx_futex_requeue(f, count, 0, &requeue_futex, 0, ZX_HANDLE_INVALID);
}

static zx_status_t op_wake_single_owner(bool requeue, zx_futex_t *f) {
    zx_futex_t requeue_futex = 0;
    if (!requeue) return zx_futex_wake_single_owner(f);
    return zx_futex_requeue_single_owner(f, 0, &requeue_futex, 0, ZX_HANDLE_INVALID);
}

static zx_koid_t owner_of(zx_futex_t *f) {
    zx_koid_t koid = 12345;
    EXPECT_OK(zx_futex_get_owner(f, &koid));
    return koid;
}

TEST_CASE(GetOwner) {
    zx_futex_t the_futex = 0;
    zx_koid_t koid = ~ZX_KOID_INVALID;
    EXPECT_OK(zx_futex_get_owner(&the_futex, &koid));
    EXPECT_EQ(koid, ZX_KOID_INVALID);
    EXPECT_STATUS(zx_futex_get_owner(&the_futex, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner((zx_futex_t *)((uintptr_t)&the_futex + 1), &koid), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(NULL, &koid), ZX_ERR_INVALID_ARGS);
}

// WakeOwnershipTest: 8 waiters name the test thread as owner; pass 0 wakes them one by one
// with a plain wake (no owner after each), pass 1 with the single-owner wake (the woken thread
// owns the futex, no one after the last). The requeue flavour first checks that a value
// mismatch changes nothing.
static void wake_ownership_test(bool requeue) {
    zx_futex_t the_futex = 0;
    zx_handle_t test_thread_handle = zx_thread_self();
    zx_koid_t test_thread_koid = zxrv_koid_of(test_thread_handle);
    struct own_thread waiters[8];
    bool woken[8];
    memset(waiters, 0, sizeof(waiters));
    for (uint32_t pass = 0; pass < 2; ++pass) {
        bool ok = true;
        for (int i = 0; i < 8 && ok; i++) {
            woken[i] = false;
            ok = own_thread_start(&waiters[i], &the_futex, 0, test_thread_handle);
        }
        EXPECT_TRUE(ok);
        // Wait until all are blocked in the futex.
        zx_time_t deadline = zx_deadline_after(SEC(10));
        bool all_blocked = false;
        while (ok && !all_blocked && zx_clock_get_monotonic() < deadline) {
            all_blocked = true;
            for (int i = 0; i < 8; i++) all_blocked &= run_state(&waiters[i]) == ZX_THREAD_STATE_BLOCKED_FUTEX;
            if (!all_blocked) zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
        }
        EXPECT_TRUE(all_blocked);
        if (!ok || !all_blocked) break;
        EXPECT_EQ(owner_of(&the_futex), test_thread_koid);
        if (requeue) {
            zx_futex_t requeue_futex = 1;
            zx_status_t res = pass == 0 ? zx_futex_requeue(&the_futex, 1, 1, &requeue_futex, 0, ZX_HANDLE_INVALID)
                                        : zx_futex_requeue_single_owner(&the_futex, 1, &requeue_futex, 0,
                                                                        ZX_HANDLE_INVALID);
            EXPECT_STATUS(res, ZX_ERR_BAD_STATE);
            EXPECT_EQ(owner_of(&the_futex), test_thread_koid);
            for (int i = 0; i < 8; i++) EXPECT_EQ(run_state(&waiters[i]), ZX_THREAD_STATE_BLOCKED_FUTEX);
        }
        for (uint32_t i = 0; i < 8; ++i) {
            EXPECT_OK(pass == 0 ? op_wake(requeue, &the_futex, 1) : op_wake_single_owner(requeue, &the_futex));
            int found = -1;
            deadline = zx_deadline_after(SEC(10));
            while (found < 0 && zx_clock_get_monotonic() < deadline) {
                for (int w = 0; w < 8 && found < 0; w++)
                    if (!woken[w] && atomic_load(&waiters[w].state) == OT_WAITING_TO_STOP) found = w;
                if (found < 0) zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
            }
            EXPECT_TRUE(found >= 0);
            if (found < 0) break;
            woken[found] = true;
            EXPECT_OK(atomic_load(&waiters[found].res));
            zx_koid_t expected = (pass == 0 || i + 1 == 8) ? ZX_KOID_INVALID : waiters[found].koid;
            EXPECT_EQ(owner_of(&the_futex), expected);
            own_thread_stop(&waiters[found]);
        }
    }
    zx_futex_wake(&the_futex, WAKE_ALL);
    for (int i = 0; i < 8; i++) own_thread_stop(&waiters[i]);
}

TEST_CASE(Wake) { wake_ownership_test(false); }

TEST_CASE(RequeueWake) { wake_ownership_test(true); }

// WakeZeroOwnershipTest: a wake of zero threads wakes no one but clears the owner.
static void wake_zero_ownership_test(bool requeue) {
    zx_futex_t the_futex = 0;
    zx_handle_t test_thread_handle = zx_thread_self();
    zx_koid_t test_thread_koid = zxrv_koid_of(test_thread_handle);
    struct own_thread thread1;
    memset(&thread1, 0, sizeof(thread1));
    if (own_thread_start(&thread1, &the_futex, 0, test_thread_handle)) {
        zx_time_t deadline = zx_deadline_after(SEC(1));
        while (run_state(&thread1) != ZX_THREAD_STATE_BLOCKED_FUTEX && zx_clock_get_monotonic() < deadline)
            zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
        EXPECT_EQ(run_state(&thread1), ZX_THREAD_STATE_BLOCKED_FUTEX);
        EXPECT_EQ(owner_of(&the_futex), test_thread_koid);
        EXPECT_STATUS(atomic_load(&thread1.res), ZX_ERR_INTERNAL);  // still waiting
        EXPECT_OK(op_wake(requeue, &the_futex, 0));
        // Still blocked 100 ms later.
        deadline = zx_deadline_after(MSEC(100));
        bool left = false;
        while (!left && zx_clock_get_monotonic() < deadline) {
            left = run_state(&thread1) != ZX_THREAD_STATE_BLOCKED_FUTEX;
            zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
        }
        EXPECT_TRUE(!left);
        EXPECT_EQ(owner_of(&the_futex), ZX_KOID_INVALID);
        EXPECT_OK(zx_futex_wake(&the_futex, WAKE_ALL));
        deadline = zx_deadline_after(SEC(10));
        while (atomic_load(&thread1.state) != OT_WAITING_TO_STOP && zx_clock_get_monotonic() < deadline)
            zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
        EXPECT_OK(atomic_load(&thread1.res));
    }
    zx_futex_wake(&the_futex, WAKE_ALL);
    own_thread_stop(&thread1);
}

TEST_CASE(WakeZero) { wake_zero_ownership_test(false); }

TEST_CASE(RequeueWakeZero) { wake_zero_ownership_test(true); }

// OwnerExit: a futex owned by a thread that exits loses its owner.
TEST_CASE(OwnerExit) {
    zx_futex_t the_futex = 0;
    struct own_thread the_owner, the_waiter;
    memset(&the_owner, 0, sizeof(the_owner));
    memset(&the_waiter, 0, sizeof(the_waiter));
    if (own_thread_start(&the_owner, NULL, 0, ZX_HANDLE_INVALID) &&
        own_thread_start(&the_waiter, &the_futex, 0, the_owner.handle)) {
        zx_time_t deadline = zx_deadline_after(SEC(1));
        while (run_state(&the_waiter) != ZX_THREAD_STATE_BLOCKED_FUTEX && zx_clock_get_monotonic() < deadline)
            zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
        EXPECT_EQ(run_state(&the_waiter), ZX_THREAD_STATE_BLOCKED_FUTEX);
        EXPECT_EQ(owner_of(&the_futex), the_owner.koid);
        own_thread_stop(&the_owner);
        deadline = zx_deadline_after(SEC(10));
        while (owner_of(&the_futex) != ZX_KOID_INVALID && zx_clock_get_monotonic() < deadline)
            zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
        EXPECT_EQ(owner_of(&the_futex), ZX_KOID_INVALID);
        EXPECT_OK(zx_futex_wake(&the_futex, WAKE_ALL));
        deadline = zx_deadline_after(SEC(10));
        while (atomic_load(&the_waiter.state) != OT_WAITING_TO_STOP && zx_clock_get_monotonic() < deadline)
            zx_nanosleep(zx_deadline_after(DEFAULT_POLL_INTERVAL));
        EXPECT_OK(atomic_load(&the_waiter.res));
    }
    zx_futex_wake(&the_futex, WAKE_ALL);
    own_thread_stop(&the_owner);
    own_thread_stop(&the_waiter);
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
