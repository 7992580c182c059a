// futex-test: the zx_futex_* calls (obj/futex.h), after Zircon's core tests
// futex.cc and futex-ownership.cc: values, deadlines, wake counts, requeue,
// ownership, bad pointers, killed waiters, and the two vDSO exit calls.
//
// Waiters are raw threads (zx_thread_create/zx_thread_start on stacks from
// one VMO, like tests/conformance/vmo-helpers.h), so that the kernel is tested
// without the C11 threads library built on it. They run no libc code that
// touches thread-local storage (their tp is 0): only system calls and
// atomics. Whether a waiter is blocked is read from the kernel's count of
// threads blocked in futexes (zxrv_kernel_stats_t.futex_waiters), so no case
// depends on sleeping "long enough". Exit code = failed cases.
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define MS 1000000ll
#define NSLOTS 8
#define STACK_SIZE (16 * 1024)

static zx_handle_t stack_vmo;
static zx_vaddr_t stacks;
static uint64_t base_waiters;  // futex waiters (all processes) when main started

// ---- raw threads ----

void thread_entry(uintptr_t fn, uintptr_t arg);
void thread_main(uintptr_t fn, uintptr_t arg);
__asm__(".globl thread_entry\n"
        "thread_entry:\n"
        ".option push\n.option norelax\n"
        "lla gp, __global_pointer$\n"
        ".option pop\n"
        "tail thread_main\n");

void thread_main(uintptr_t fn, uintptr_t arg) {
    ((void (*)(void *))fn)((void *)arg);
    zx_thread_exit();
}

// Starts fn(arg) on stack `slot`; the thread handle goes to *out.
static zx_status_t spawn(unsigned slot, void (*fn)(void *), void *arg, zx_handle_t *out) {
    if (slot >= NSLOTS) return ZX_ERR_OUT_OF_RANGE;
    zx_status_t st = zx_thread_create(zx_process_self(), "futex-test", 10, 0, out);
    if (st != ZX_OK) return st;
    st = zx_thread_start(*out, (zx_vaddr_t)thread_entry, stacks + (slot + 1) * STACK_SIZE, (uintptr_t)fn,
                         (uintptr_t)arg);
    if (st != ZX_OK) zx_handle_close(*out);
    return st;
}

// Waits (up to 10 s) for the thread to end, then closes its handle.
static zx_status_t join(zx_handle_t t) {
    zx_status_t st = zx_object_wait_one(t, ZX_THREAD_TERMINATED, zx_clock_get_monotonic() + 10000 * MS, NULL);
    if (st != ZX_OK) {
        zx_task_kill(t);
        zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL);
    }
    zx_handle_close(t);
    return st;
}

// Waits (up to 5 s) until exactly n threads of this test are blocked in futexes.
static bool blocked(uint64_t n) {
    zx_time_t end = zx_clock_get_monotonic() + 5000 * MS;
    while (zxrv_futex_waiters() != base_waiters + n) {
        if (zx_clock_get_monotonic() > end) return false;
        zx_nanosleep(zx_clock_get_monotonic() + MS);
    }
    return true;
}

// Stays at n for a while (nobody else wakes up).
static bool stays_blocked(uint64_t n) {
    for (int i = 0; i < 20; i++) {
        if (zxrv_futex_waiters() != base_waiters + n) return false;
        zx_nanosleep(zx_clock_get_monotonic() + 5 * MS);
    }
    return true;
}

// ---- waiters: a thread that calls zx_futex_wait once ----

// With `linger`, a woken waiter stays alive (sleeping, not in a futex) until
// `release` is set: an exited thread owns no futex, so the ownership checks
// need the woken thread alive.
struct waiter {
    zx_handle_t thread;
    zx_futex_t *futex;
    int expect;
    zx_handle_t owner;
    zx_time_t deadline;
    bool linger;
    atomic_int release;
    atomic_int done;
    atomic_int result;
};

static void waiter_fn(void *arg) {
    struct waiter *w = arg;
    zx_status_t st = zx_futex_wait(w->futex, w->expect, w->owner, w->deadline);
    atomic_store(&w->result, st);
    atomic_store(&w->done, 1);
    while (w->linger && !atomic_load(&w->release)) zx_nanosleep(zx_clock_get_monotonic() + MS);
}

static void release_all(struct waiter *w, int n) {
    for (int i = 0; i < n; i++) atomic_store(&w[i].release, 1);
}

// Waits (up to 5 s) until waiter w returned from zx_futex_wait.
static bool returned(struct waiter *w) {
    zx_time_t end = zx_clock_get_monotonic() + 5000 * MS;
    while (!atomic_load(&w->done)) {
        if (zx_clock_get_monotonic() > end) return false;
        zx_nanosleep(zx_clock_get_monotonic() + MS);
    }
    return true;
}

static zx_status_t start_waiter(struct waiter *w, unsigned slot, zx_futex_t *futex, int expect, zx_handle_t owner,
                                zx_time_t deadline) {
    w->futex = futex;
    w->expect = expect;
    w->owner = owner;
    w->deadline = deadline;
    atomic_store(&w->done, 0);
    atomic_store(&w->result, ZX_ERR_INTERNAL);
    return spawn(slot, waiter_fn, w, &w->thread);
}

static int count_done(struct waiter *w, int n) {
    int d = 0;
    for (int i = 0; i < n; i++) d += atomic_load(&w[i].done);
    return d;
}

// Starts n waiters on `futex` (value `expect`, owner `owner`), blocked when it returns.
static bool start_blocked(struct waiter *w, int n, zx_futex_t *futex, int expect, zx_handle_t owner) {
    for (int i = 0; i < n; i++) {
        if (start_waiter(&w[i], (unsigned)i, futex, expect, owner, ZX_TIME_INFINITE) != ZX_OK) return false;
        if (!blocked((uint64_t)i + 1)) return false;  // one at a time: queue order = slot order
    }
    return true;
}

static void join_all(struct waiter *w, int n) {
    for (int i = 0; i < n; i++)
        if (w[i].thread) {
            join(w[i].thread);
            w[i].thread = 0;
        }
}

static zx_koid_t owner_of(const zx_futex_t *f) {
    zx_koid_t k = 12345;
    if (zx_futex_get_owner(f, &k) != ZX_OK) return 54321;
    return k;
}

// ---- values and deadlines ----

TEST_CASE(wait_value_mismatch) {
    zx_futex_t f = 123;
    EXPECT_STATUS(zx_futex_wait(&f, 124, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_futex_wait(&f, -123, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_BAD_STATE);
    EXPECT_EQ(zxrv_futex_waiters(), base_waiters);
}

TEST_CASE(wait_deadline_in_the_past) {
    zx_futex_t f = 123;
    EXPECT_STATUS(zx_futex_wait(&f, 123, ZX_HANDLE_INVALID, 0), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_futex_wait(&f, 123, ZX_HANDLE_INVALID, INT64_MIN), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_futex_wait(&f, 123, ZX_HANDLE_INVALID, zx_clock_get_monotonic() - MS), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
}

TEST_CASE(wait_timeout_elapses) {
    zx_futex_t f = 0;
    for (int i = 0; i < 3; i++) {
        zx_time_t deadline = zx_clock_get_monotonic() + 20 * MS;
        EXPECT_STATUS(zx_futex_wait(&f, 0, ZX_HANDLE_INVALID, deadline), ZX_ERR_TIMED_OUT);
        EXPECT_TRUE(zx_clock_get_monotonic() >= deadline);
    }
    EXPECT_EQ(zxrv_futex_waiters(), base_waiters);
}

// ---- pointers ----

TEST_CASE(bad_and_misaligned_pointers) {
    _Alignas(8) zx_futex_t pair[2] = {0, 0};
    zx_futex_t *odd = (zx_futex_t *)((uintptr_t)&pair[0] + 1), *odd2 = (zx_futex_t *)((uintptr_t)&pair[0] + 2);
    zx_futex_t *kernel = (zx_futex_t *)0xffffffc000000000ull;
    zx_koid_t koid;
    EXPECT_STATUS(zx_futex_wait(NULL, 0, ZX_HANDLE_INVALID, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait(odd, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait(odd2, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait(kernel, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wake(NULL, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wake(odd, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wake_single_owner(odd2), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wake_single_owner(NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(odd, 1, 0, &pair[1], 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&pair[0], 1, 0, odd, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(NULL, 1, 0, &pair[1], 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&pair[0], 1, 0, NULL, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&pair[0], 1, 0, &pair[0], 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue_single_owner(&pair[0], 0, &pair[0], 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue_single_owner(&pair[0], 0, odd2, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&pair[0], 1, 0, kernel, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(odd, &koid), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(NULL, &koid), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&pair[0], NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&pair[0], (zx_koid_t *)0xffffffc000000000ull), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&pair[0], (zx_koid_t *)zx_futex_get_owner), ZX_ERR_INVALID_ARGS);  // read-only text
    EXPECT_EQ(zxrv_futex_waiters(), base_waiters);
}

TEST_CASE(unmapped_and_unreadable_futex) {
    zx_handle_t vmo;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmo_create(2 * 4096, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 2 * 4096, &addr));
    zx_futex_t *f = (zx_futex_t *)addr, *g = (zx_futex_t *)(addr + 4096);
    // Never touched: the kernel's read faults the zero page in.
    EXPECT_STATUS(zx_futex_wait(f, 1, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_futex_wait(f, 0, ZX_HANDLE_INVALID, 0), ZX_ERR_TIMED_OUT);
    // A page the process may not read: INVALID_ARGS, and no kill.
    ASSERT_OK(zx_vmar_protect(zx_vmar_root_self(), 0, addr + 4096, 4096));
    EXPECT_STATUS(zx_futex_wait(g, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(g, 1, 0, f, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_futex_requeue(f, 1, 0, g, 1, ZX_HANDLE_INVALID));  // only the wake futex is read
    ASSERT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * 4096));
    EXPECT_STATUS(zx_futex_wait(f, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    // Waking or asking for the owner reads nothing: an unmapped address is fine.
    EXPECT_OK(zx_futex_wake(f, 1));
    EXPECT_OK(zx_futex_wake_single_owner(f));
    EXPECT_EQ(owner_of(f), ZX_KOID_INVALID);
    zx_handle_close(vmo);
    EXPECT_EQ(zxrv_futex_waiters(), base_waiters);
}

// ---- waking ----

TEST_CASE(wake_one) {
    zx_futex_t f = 1;
    struct waiter w[1];
    memset(w, 0, sizeof w);
    ASSERT_TRUE(start_blocked(w, 1, &f, 1, ZX_HANDLE_INVALID));
    EXPECT_EQ(atomic_load(&w[0].done), 0);
    EXPECT_OK(zx_futex_wake(&f, UINT32_MAX));
    EXPECT_OK(join(w[0].thread));
    w[0].thread = 0;
    EXPECT_EQ(atomic_load(&w[0].result), ZX_OK);
    EXPECT_TRUE(blocked(0));
}

TEST_CASE(wake_count_is_heeded) {
    zx_futex_t f = 1;
    struct waiter w[4];
    memset(w, 0, sizeof w);
    ASSERT_TRUE(start_blocked(w, 4, &f, 1, ZX_HANDLE_INVALID));
    EXPECT_OK(zx_futex_wake(&f, 2));
    EXPECT_TRUE(blocked(2));
    EXPECT_TRUE(stays_blocked(2));
    // FIFO: the two oldest woke.
    for (int i = 0; i < 2; i++) {
        EXPECT_OK(join(w[i].thread));
        w[i].thread = 0;
        EXPECT_EQ(atomic_load(&w[i].result), ZX_OK);
    }
    EXPECT_EQ(count_done(w, 4), 2);
    EXPECT_OK(zx_futex_wake(&f, 0));  // wakes nobody
    EXPECT_TRUE(stays_blocked(2));
    EXPECT_OK(zx_futex_wake(&f, UINT32_MAX));
    EXPECT_TRUE(blocked(0));
    join_all(w, 4);
    EXPECT_EQ(count_done(w, 4), 4);
    for (int i = 0; i < 4; i++) EXPECT_EQ(atomic_load(&w[i].result), ZX_OK);
}

TEST_CASE(wake_heeds_the_address) {
    zx_futex_t f[3] = {1, 1, 1};
    struct waiter w[2];
    memset(w, 0, sizeof w);
    ASSERT_OK(start_waiter(&w[0], 0, &f[0], 1, ZX_HANDLE_INVALID, ZX_TIME_INFINITE));
    ASSERT_TRUE(blocked(1));
    ASSERT_OK(start_waiter(&w[1], 1, &f[1], 1, ZX_HANDLE_INVALID, ZX_TIME_INFINITE));
    ASSERT_TRUE(blocked(2));
    EXPECT_OK(zx_futex_wake(&f[2], UINT32_MAX));
    EXPECT_TRUE(stays_blocked(2));
    EXPECT_OK(zx_futex_wake(&f[0], UINT32_MAX));
    EXPECT_OK(join(w[0].thread));
    w[0].thread = 0;
    EXPECT_EQ(atomic_load(&w[1].done), 0);
    EXPECT_TRUE(blocked(1));
    EXPECT_OK(zx_futex_wake(&f[1], 1));
    join_all(w, 2);
    EXPECT_EQ(atomic_load(&w[0].result), ZX_OK);
    EXPECT_EQ(atomic_load(&w[1].result), ZX_OK);
}

// ---- requeue ----

TEST_CASE(requeue_wakes_and_moves) {
    zx_futex_t f1 = 100, f2 = 200;
    struct waiter w[6];
    memset(w, 0, sizeof w);
    ASSERT_TRUE(start_blocked(w, 6, &f1, 100, ZX_HANDLE_INVALID));
    EXPECT_STATUS(zx_futex_requeue(&f1, 3, 101, &f2, 2, ZX_HANDLE_INVALID), ZX_ERR_BAD_STATE);
    EXPECT_TRUE(stays_blocked(6));
    EXPECT_OK(zx_futex_requeue(&f1, 3, 100, &f2, 2, ZX_HANDLE_INVALID));
    EXPECT_TRUE(blocked(3));
    for (int i = 0; i < 3; i++) EXPECT_OK(join(w[i].thread)), w[i].thread = 0;
    EXPECT_EQ(count_done(w, 6), 3);
    // Two moved to f2 (slots 3 and 4), slot 5 stayed on f1.
    EXPECT_OK(zx_futex_wake(&f2, UINT32_MAX));
    EXPECT_TRUE(blocked(1));
    for (int i = 3; i < 5; i++) EXPECT_OK(join(w[i].thread)), w[i].thread = 0;
    EXPECT_EQ(atomic_load(&w[5].done), 0);
    EXPECT_OK(zx_futex_wake(&f1, 1));
    join_all(w, 6);
    for (int i = 0; i < 6; i++) EXPECT_EQ(atomic_load(&w[i].result), ZX_OK);
}

TEST_CASE(requeue_zero_counts) {
    zx_futex_t f1 = 0, f2 = 0;
    struct waiter w[1];
    memset(w, 0, sizeof w);
    ASSERT_TRUE(start_blocked(w, 1, &f1, 0, ZX_HANDLE_INVALID));
    EXPECT_OK(zx_futex_wake(&f1, 0));
    EXPECT_OK(zx_futex_requeue(&f1, 0, 0, &f2, UINT32_MAX, ZX_HANDLE_INVALID));
    EXPECT_TRUE(stays_blocked(1));
    EXPECT_OK(zx_futex_wake(&f1, UINT32_MAX));  // it moved: nobody here
    EXPECT_TRUE(stays_blocked(1));
    EXPECT_OK(zx_futex_wake(&f2, UINT32_MAX));
    join_all(w, 1);
    EXPECT_EQ(atomic_load(&w[0].result), ZX_OK);
}

// A waiter that times out after being requeued leaves the queue it was moved to.
TEST_CASE(requeued_waiter_times_out_from_the_new_queue) {
    zx_futex_t f1 = 100, f2 = 200;
    struct waiter w[2];
    memset(w, 0, sizeof w);
    ASSERT_OK(start_waiter(&w[0], 0, &f1, 100, ZX_HANDLE_INVALID, zx_clock_get_monotonic() + 300 * MS));
    ASSERT_TRUE(blocked(1));
    EXPECT_OK(zx_futex_requeue(&f1, 0, 100, &f2, UINT32_MAX, ZX_HANDLE_INVALID));
    ASSERT_OK(start_waiter(&w[1], 1, &f2, 200, ZX_HANDLE_INVALID, ZX_TIME_INFINITE));
    EXPECT_OK(join(w[0].thread));
    w[0].thread = 0;
    EXPECT_EQ(atomic_load(&w[0].result), ZX_ERR_TIMED_OUT);
    EXPECT_TRUE(blocked(1));
    EXPECT_OK(zx_futex_wake(&f2, 1));  // only the second one is left on f2
    EXPECT_OK(join(w[1].thread));
    w[1].thread = 0;
    EXPECT_EQ(atomic_load(&w[1].result), ZX_OK);
    EXPECT_TRUE(blocked(0));
}

// ---- ownership ----

static void park(void *arg) {
    zx_futex_t *f = arg;
    while (atomic_load(f) == 0) zx_futex_wait(f, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

TEST_CASE(wait_sets_the_owner) {
    zx_futex_t f = 0;
    const zx_koid_t me = zxrv_koid_of(zx_thread_self());
    ASSERT_TRUE(me != 0);
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    struct waiter w[3];
    memset(w, 0, sizeof w);
    ASSERT_TRUE(start_blocked(w, 1, &f, 0, zx_thread_self()));
    EXPECT_EQ(owner_of(&f), me);

    // Failed waits change nothing: a stale value (even with a bad handle:
    // BAD_STATE is checked first), the waiter itself as owner, a thread that
    // already waits here, a non-thread, a bad handle, a thread of another
    // process, a thread not started.
    EXPECT_STATUS(zx_futex_wait(&f, 1, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_futex_wait(&f, 1, zx_thread_self() & ~ZX_HANDLE_FIXED_BITS_MASK, ZX_TIME_INFINITE),
                  ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_futex_wait(&f, 0, zx_thread_self(), ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait(&f, 0, w[0].thread, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_STATUS(zx_futex_wait(&f, 0, vmo, ZX_TIME_INFINITE), ZX_ERR_WRONG_TYPE);
    zx_handle_close(vmo);
    EXPECT_STATUS(zx_futex_wait(&f, 0, (zx_handle_t)~ZX_HANDLE_FIXED_BITS_MASK, ZX_TIME_INFINITE),
                  ZX_ERR_BAD_HANDLE);
    zx_handle_t proc, vmar, foreign, unstarted;
    ASSERT_OK(zx_process_create(zx_job_default(), "other", 5, 0, &proc, &vmar));
    ASSERT_OK(zx_thread_create(proc, "foreign", 7, 0, &foreign));
    EXPECT_STATUS(zx_futex_wait(&f, 0, foreign, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    zx_futex_t other = 0;
    EXPECT_STATUS(zx_futex_requeue(&f, 0, 0, &other, 0, foreign), ZX_ERR_INVALID_ARGS);
    zx_handle_close(foreign);
    zx_handle_close(vmar);
    zx_handle_close(proc);
    ASSERT_OK(zx_thread_create(zx_process_self(), "unstarted", 9, 0, &unstarted));
    EXPECT_STATUS(zx_futex_wait(&f, 0, unstarted, zx_clock_get_monotonic() + MS), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&other, 0, 0, &f, 1, unstarted), ZX_ERR_INVALID_ARGS);
    zx_handle_close(unstarted);
    EXPECT_EQ(owner_of(&f), me);
    EXPECT_TRUE(stays_blocked(1));

    // A waiter that names another thread and times out: the owner changes
    // and stays (a waiter remains).
    zx_futex_t parked = 0;
    zx_handle_t third;
    ASSERT_OK(spawn(7, park, &parked, &third));
    ASSERT_TRUE(blocked(2));
    EXPECT_STATUS(zx_futex_wait(&f, 0, third, zx_clock_get_monotonic() + 20 * MS), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(owner_of(&f), zxrv_koid_of(third));
    // An expired deadline still assigns the owner.
    ASSERT_OK(start_waiter(&w[1], 1, &f, 0, zx_thread_self(), 0));
    EXPECT_OK(join(w[1].thread));
    w[1].thread = 0;
    EXPECT_EQ(atomic_load(&w[1].result), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(owner_of(&f), me);

    // A successful wait without an owner clears it.
    ASSERT_OK(start_waiter(&w[2], 2, &f, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE));
    ASSERT_TRUE(blocked(3));
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);

    // The owner's exit releases the futex: `third` becomes the owner, then ends.
    ASSERT_OK(start_waiter(&w[1], 1, &f, 0, third, ZX_TIME_INFINITE));
    ASSERT_TRUE(blocked(4));
    EXPECT_EQ(owner_of(&f), zxrv_koid_of(third));
    atomic_store(&parked, 1);
    EXPECT_OK(zx_futex_wake(&parked, 1));
    EXPECT_OK(zx_object_wait_one(third, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL));
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    // A dead thread names no owner: the wait goes ahead as with ZX_HANDLE_INVALID.
    EXPECT_OK(zx_futex_requeue(&other, 0, 0, &f, 0, zx_thread_self()));
    EXPECT_EQ(owner_of(&f), me);
    EXPECT_STATUS(zx_futex_wait(&f, 0, third, zx_clock_get_monotonic() + MS), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    EXPECT_OK(zx_futex_requeue(&other, 0, 0, &f, 0, zx_thread_self()));
    EXPECT_OK(zx_futex_requeue(&other, 0, 0, &f, 0, third));
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    zx_handle_close(third);

    EXPECT_OK(zx_futex_wake(&f, UINT32_MAX));
    join_all(w, 3);
    EXPECT_EQ(atomic_load(&w[0].result), ZX_OK);
    EXPECT_EQ(atomic_load(&w[1].result), ZX_OK);
    EXPECT_EQ(atomic_load(&w[2].result), ZX_OK);
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    EXPECT_TRUE(blocked(0));
}

// zx_futex_wake clears the owner; zx_futex_wake_single_owner hands it to the
// woken thread while waiters remain (and the requeue forms do the same for
// the wake futex).
static void wake_ownership(bool use_requeue) {
    zx_futex_t f = 0, spare = 0;
    const zx_koid_t me = zxrv_koid_of(zx_thread_self());
    for (int pass = 0; pass < 2; pass++) {
        struct waiter w[4];
        zx_koid_t koid[4];
        memset(w, 0, sizeof w);
        for (int i = 0; i < 4; i++) w[i].linger = true;
        ASSERT_TRUE(start_blocked(w, 4, &f, 0, zx_thread_self()));
        for (int i = 0; i < 4; i++) koid[i] = zxrv_koid_of(w[i].thread);
        EXPECT_EQ(owner_of(&f), me);
        if (use_requeue) {
            EXPECT_STATUS(pass ? zx_futex_requeue_single_owner(&f, 1, &spare, 0, ZX_HANDLE_INVALID)
                               : zx_futex_requeue(&f, 1, 1, &spare, 0, ZX_HANDLE_INVALID),
                          ZX_ERR_BAD_STATE);
            EXPECT_EQ(owner_of(&f), me);
            EXPECT_TRUE(stays_blocked(4));
        }
        for (int i = 0; i < 4; i++) {
            zx_status_t st;
            if (pass == 0)
                st = use_requeue ? zx_futex_requeue(&f, 1, 0, &spare, 0, ZX_HANDLE_INVALID) : zx_futex_wake(&f, 1);
            else
                st = use_requeue ? zx_futex_requeue_single_owner(&f, 0, &spare, 0, ZX_HANDLE_INVALID)
                                 : zx_futex_wake_single_owner(&f);
            EXPECT_OK(st);
            EXPECT_TRUE(returned(&w[i]));  // FIFO: slot i is the one woken
            EXPECT_EQ(atomic_load(&w[i].result), ZX_OK);
            // Pass 0: no owner. Pass 1: the woken thread, until no waiter is left.
            EXPECT_EQ(owner_of(&f), (pass == 0 || i == 3) ? ZX_KOID_INVALID : koid[i]);
            EXPECT_EQ(owner_of(&spare), ZX_KOID_INVALID);
            atomic_store(&w[i].release, 1);
            EXPECT_OK(join(w[i].thread));
            w[i].thread = 0;
        }
        EXPECT_TRUE(blocked(0));
    }
}

TEST_CASE(wake_ownership_plain) { wake_ownership(false); }
TEST_CASE(wake_ownership_requeue) { wake_ownership(true); }

TEST_CASE(wake_single_owner_names_the_woken_thread) {
    zx_futex_t f = 0;
    struct waiter w[2];
    memset(w, 0, sizeof w);
    w[0].linger = w[1].linger = true;
    ASSERT_TRUE(start_blocked(w, 2, &f, 0, ZX_HANDLE_INVALID));
    zx_koid_t first = zxrv_koid_of(w[0].thread);
    EXPECT_OK(zx_futex_wake_single_owner(&f));
    EXPECT_TRUE(blocked(1));
    EXPECT_EQ(owner_of(&f), first);
    EXPECT_OK(zx_futex_wake(&f, 0));  // zero woken: the owner still goes
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    EXPECT_OK(zx_futex_wake_single_owner(&f));
    EXPECT_TRUE(returned(&w[1]));
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);  // no waiter left: no owner
    release_all(w, 2);
    join_all(w, 2);
    EXPECT_TRUE(blocked(0));
}

TEST_CASE(requeue_ownership) {
    zx_futex_t wake_f = 0, requeue_f = 1;
    const zx_koid_t me = zxrv_koid_of(zx_thread_self());
    struct waiter w[6];
    memset(w, 0, sizeof w);
    for (int i = 0; i < 6; i++) w[i].linger = true;
    ASSERT_TRUE(start_blocked(w, 6, &wake_f, 0, zx_thread_self()));
    EXPECT_EQ(owner_of(&wake_f), me);
    EXPECT_EQ(owner_of(&requeue_f), ZX_KOID_INVALID);
    // Wake one (it owns wake_f), move one (slot 1) to requeue_f, owned by us.
    EXPECT_OK(zx_futex_requeue_single_owner(&wake_f, 0, &requeue_f, 1, zx_thread_self()));
    EXPECT_TRUE(returned(&w[0]));
    EXPECT_EQ(atomic_load(&w[0].result), ZX_OK);
    EXPECT_TRUE(blocked(5));
    zx_koid_t woken = owner_of(&wake_f);
    EXPECT_EQ(woken, zxrv_koid_of(w[0].thread));
    EXPECT_EQ(owner_of(&requeue_f), me);

    // Failures change nothing.
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_STATUS(zx_futex_requeue(&wake_f, 1, 0, &requeue_f, 1, (zx_handle_t)~ZX_HANDLE_FIXED_BITS_MASK),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_futex_requeue(&wake_f, 1, 0, &requeue_f, 1, vmo), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_futex_requeue(&wake_f, 1, 1, &requeue_f, 1, (zx_handle_t)~ZX_HANDLE_FIXED_BITS_MASK),
                  ZX_ERR_BAD_STATE);
    zx_handle_close(vmo);
    for (int i = 1; i < 6; i++)  // a waiter of either futex may not own the target
        EXPECT_STATUS(zx_futex_requeue(&wake_f, 1, 0, &requeue_f, 1, w[i].thread), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(owner_of(&wake_f), woken);
    EXPECT_EQ(owner_of(&requeue_f), me);
    EXPECT_TRUE(stays_blocked(5));

    // Wake the one on requeue_f: it loses its owner with its last waiter.
    EXPECT_OK(zx_futex_wake(&requeue_f, UINT32_MAX));
    EXPECT_TRUE(returned(&w[1]));
    EXPECT_EQ(owner_of(&requeue_f), ZX_KOID_INVALID);
    EXPECT_EQ(owner_of(&wake_f), woken);
    // The owner's exit releases wake_f.
    atomic_store(&w[0].release, 1);
    EXPECT_OK(join(w[0].thread));
    w[0].thread = 0;
    EXPECT_EQ(owner_of(&wake_f), ZX_KOID_INVALID);
    EXPECT_OK(zx_futex_requeue(&requeue_f, 0, 1, &wake_f, 0, zx_thread_self()));
    EXPECT_EQ(owner_of(&wake_f), me);

    // Move two (slots 2 and 3), naming a thread as the target's owner; the
    // plain requeue clears wake_f's owner.
    zx_futex_t parked = 0;
    zx_handle_t keeper;
    ASSERT_OK(spawn(7, park, &parked, &keeper));
    ASSERT_TRUE(blocked(5));
    EXPECT_OK(zx_futex_requeue(&wake_f, 0, 0, &requeue_f, 2, keeper));
    EXPECT_EQ(owner_of(&wake_f), ZX_KOID_INVALID);
    EXPECT_EQ(owner_of(&requeue_f), zxrv_koid_of(keeper));
    EXPECT_OK(zx_futex_wake(&requeue_f, UINT32_MAX));
    EXPECT_TRUE(returned(&w[2]));
    EXPECT_TRUE(returned(&w[3]));
    EXPECT_TRUE(blocked(3));  // slots 4 and 5, and keeper
    EXPECT_EQ(owner_of(&requeue_f), ZX_KOID_INVALID);
    // Naming an owner for an empty target leaves it without one.
    EXPECT_OK(zx_futex_requeue(&wake_f, 0, 0, &requeue_f, 0, zx_thread_self()));
    EXPECT_EQ(owner_of(&requeue_f), ZX_KOID_INVALID);
    // Move the rest, owned by us.
    EXPECT_OK(zx_futex_requeue(&wake_f, 0, 0, &requeue_f, UINT32_MAX, zx_thread_self()));
    EXPECT_EQ(owner_of(&requeue_f), me);
    EXPECT_OK(zx_futex_wake(&requeue_f, UINT32_MAX));
    release_all(w, 6);
    join_all(w, 6);
    for (int i = 0; i < 6; i++) EXPECT_EQ(atomic_load(&w[i].result), ZX_OK);
    atomic_store(&parked, 1);
    EXPECT_OK(zx_futex_wake(&parked, 1));
    EXPECT_OK(join(keeper));
    EXPECT_TRUE(blocked(0));
}

// An owner that would close a cycle ("blocked on a futex owned by a thread
// blocked on ...") is replaced by no owner.
TEST_CASE(owner_cycles_are_refused) {
    zx_futex_t a = 0, b = 0;
    struct waiter w[2];
    memset(w, 0, sizeof w);
    // w0 waits on a, owned by us.
    ASSERT_TRUE(start_blocked(w, 1, &a, 0, zx_thread_self()));
    EXPECT_EQ(owner_of(&a), zxrv_koid_of(zx_thread_self()));
    // w1 waits on b naming w0: chain b -> w0 -> a -> us: fine.
    ASSERT_OK(start_waiter(&w[1], 1, &b, 0, w[0].thread, ZX_TIME_INFINITE));
    ASSERT_TRUE(blocked(2));
    EXPECT_EQ(owner_of(&b), zxrv_koid_of(w[0].thread));
    // We wait on b... no: we would wait forever. Instead, requeue w0's futex
    // owner to w1: a -> w1 -> b -> w0 -> a is a cycle: no owner.
    zx_futex_t spare = 0;
    EXPECT_OK(zx_futex_requeue(&spare, 0, 0, &a, 0, w[1].thread));
    EXPECT_EQ(owner_of(&a), ZX_KOID_INVALID);
    EXPECT_EQ(owner_of(&b), zxrv_koid_of(w[0].thread));
    EXPECT_OK(zx_futex_wake(&a, UINT32_MAX));
    EXPECT_OK(zx_futex_wake(&b, UINT32_MAX));
    join_all(w, 2);
    EXPECT_TRUE(blocked(0));
}

// ---- killed waiters ----

TEST_CASE(killed_waiter_leaves_the_futex) {
    zx_futex_t f = 0;
    struct waiter w[3];
    memset(w, 0, sizeof w);
    ASSERT_TRUE(start_blocked(w, 3, &f, 0, zx_thread_self()));
    EXPECT_OK(zx_task_kill(w[0].thread));
    EXPECT_OK(zx_object_wait_one(w[0].thread, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL));
    EXPECT_TRUE(blocked(2));
    EXPECT_EQ(atomic_load(&w[0].done), 0);  // it never returned to user mode
    EXPECT_EQ(owner_of(&f), zxrv_koid_of(zx_thread_self()));  // waiters remain
    // The queue is intact: one wake wakes exactly the next one.
    EXPECT_OK(zx_futex_wake(&f, 1));
    EXPECT_OK(join(w[1].thread));
    w[1].thread = 0;
    EXPECT_EQ(atomic_load(&w[1].result), ZX_OK);
    EXPECT_TRUE(blocked(1));
    // Move the last one to g, then kill it: it leaves g, which loses its owner.
    zx_futex_t g = 0;
    EXPECT_OK(zx_futex_requeue(&f, 0, 0, &g, 1, zx_thread_self()));
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    EXPECT_EQ(owner_of(&g), zxrv_koid_of(zx_thread_self()));
    EXPECT_OK(zx_task_kill(w[2].thread));
    EXPECT_OK(zx_object_wait_one(w[2].thread, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL));
    EXPECT_TRUE(blocked(0));
    EXPECT_EQ(owner_of(&g), ZX_KOID_INVALID);
    EXPECT_OK(zx_futex_wake(&f, UINT32_MAX));
    join_all(w, 3);
}

// A process that dies with threads blocked in futexes: init's leak check
// after this program and the waiter count show nothing is left.
TEST_CASE(process_killed_while_waiting) {
    size_t len = 0;
    void *elf = zxrv_load_program("child", &len);
    ASSERT_TRUE(elf != NULL);
    zx_handle_t proc;
    const char *argv[] = {"child", "futex"};
    zx_status_t st = zxrv_launch(zx_job_default(), "child", elf, len, 2, argv, NULL, NULL, 0, &proc);
    free(elf);
    ASSERT_OK(st);
    ASSERT_TRUE(blocked(1));  // the child's thread
    EXPECT_OK(zx_task_kill(proc));
    EXPECT_EQ(zxrv_wait_exit(proc), ZX_TASK_RETCODE_SYSCALL_KILL);
    zx_handle_close(proc);
    EXPECT_TRUE(blocked(0));
}

// ---- the vDSO exit calls ----

struct exiter {
    zx_futex_t flag;
    zx_handle_t self;
    zx_vaddr_t map;
    size_t map_len;
};

static void exit_by_futex(void *arg) {
    struct exiter *e = arg;
    zx_futex_wake_handle_close_thread_exit(&e->flag, 1, 7, e->self);
}

static void exit_by_unmap(void *arg) {
    struct exiter *e = arg;
    // A bad range first: the call returns the error.
    zx_status_t st = zx_vmar_unmap_handle_close_thread_exit(zx_vmar_root_self(), e->map + 1, e->map_len, e->self);
    atomic_store(&e->flag, st);
    zx_vmar_unmap_handle_close_thread_exit(zx_vmar_root_self(), e->map, e->map_len, e->self);
}

TEST_CASE(futex_wake_handle_close_thread_exit) {
    struct exiter e = {0, 0, 0, 0};
    zx_handle_t t, dup;
    ASSERT_OK(zx_thread_create(zx_process_self(), "exiter", 6, 0, &t));
    ASSERT_OK(zx_handle_duplicate(t, ZX_RIGHT_SAME_RIGHTS, &dup));
    e.self = t;
    ASSERT_OK(zx_thread_start(t, (zx_vaddr_t)thread_entry, stacks + STACK_SIZE, (uintptr_t)exit_by_futex,
                              (uintptr_t)&e));
    while (atomic_load(&e.flag) == 0) zx_futex_wait(&e.flag, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    EXPECT_EQ(atomic_load(&e.flag), 7);
    EXPECT_OK(zx_object_wait_one(dup, ZX_THREAD_TERMINATED, zx_clock_get_monotonic() + 5000 * MS, NULL));
    EXPECT_STATUS(zx_handle_close(t), ZX_ERR_BAD_HANDLE);  // the thread closed it
    zx_handle_close(dup);
    EXPECT_TRUE(blocked(0));
}

TEST_CASE(vmar_unmap_handle_close_thread_exit) {
    // The thread runs on a stack of its own mapping, which the call unmaps.
    zx_handle_t vmo, t, dup;
    struct exiter e = {ZX_ERR_INTERNAL, 0, 0, 4 * 4096};
    ASSERT_OK(zx_vmo_create(e.map_len, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, e.map_len, &e.map));
    zx_handle_close(vmo);
    ASSERT_OK(zx_thread_create(zx_process_self(), "unmapper", 8, 0, &t));
    ASSERT_OK(zx_handle_duplicate(t, ZX_RIGHT_SAME_RIGHTS, &dup));
    e.self = t;
    ASSERT_OK(zx_thread_start(t, (zx_vaddr_t)thread_entry, e.map + e.map_len, (uintptr_t)exit_by_unmap,
                              (uintptr_t)&e));
    EXPECT_OK(zx_object_wait_one(dup, ZX_THREAD_TERMINATED, zx_clock_get_monotonic() + 5000 * MS, NULL));
    EXPECT_EQ(atomic_load(&e.flag), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_close(t), ZX_ERR_BAD_HANDLE);
    // The range is free again: mapping it there succeeds.
    ASSERT_OK(zx_vmo_create(e.map_len, 0, &vmo));
    zx_vaddr_t again = 0;
    EXPECT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_SPECIFIC, e.map - ZXRV_USER_BASE, vmo, 0, e.map_len,
                          &again));
    EXPECT_EQ(again, e.map);
    if (again) zx_vmar_unmap(zx_vmar_root_self(), again, e.map_len);
    zx_handle_close(vmo);
    zx_handle_close(dup);
}

TEST_CASE(thread_legacy_yield) {
    EXPECT_OK(zx_thread_legacy_yield(0));
    EXPECT_STATUS(zx_thread_legacy_yield(1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_legacy_yield(0x80000000u), ZX_ERR_INVALID_ARGS);
}

// ---- a mutex built on the calls, under contention ----

static zx_futex_t lock_word;  // 0 free, 1 locked, 2 locked with waiters
static long counter;

static void lock(void) {
    int c = 0;
    if (atomic_compare_exchange_strong(&lock_word, &c, 1)) return;
    if (c != 2) c = atomic_exchange(&lock_word, 2);
    while (c != 0) {
        zx_futex_wait(&lock_word, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
        c = atomic_exchange(&lock_word, 2);
    }
}

static void unlock(void) {
    if (atomic_exchange(&lock_word, 0) == 2) zx_futex_wake(&lock_word, 1);
}

#define ROUNDS 3000

static void incrementer(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        lock();
        long v = counter;
        if ((i & 63) == 0) zx_thread_legacy_yield(0);  // be preempted inside the lock now and then
        counter = v + 1;
        unlock();
    }
}

TEST_CASE(mutex_under_contention) {
    zx_handle_t t[4];
    counter = 0;
    for (unsigned i = 0; i < 4; i++) ASSERT_OK(spawn(i, incrementer, NULL, &t[i]));
    for (unsigned i = 0; i < 4; i++) EXPECT_OK(join(t[i]));
    EXPECT_EQ(counter, 4 * ROUNDS);
    EXPECT_EQ(atomic_load(&lock_word), 0);
    EXPECT_TRUE(blocked(0));
}

int main(int argc, char **argv) {
    base_waiters = zxrv_futex_waiters();
    if (base_waiters == UINT64_MAX) {
        printf("futex-test: no kernel stats (root resource missing)\n");
        return 1;
    }
    const uint64_t len = (NSLOTS + 1) * STACK_SIZE;
    if (zx_vmo_create(len, 0, &stack_vmo) != ZX_OK ||
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack_vmo, 0, len, &stacks) != ZX_OK)
        return 1;
    int failed = zxrv_test_main(argc, argv);
    zx_vmar_unmap(zx_vmar_root_self(), stacks, len);
    zx_handle_close(stack_vmo);
    return failed;
}
