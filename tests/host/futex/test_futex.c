// Unit cases of obj/futex.c on the host (fakes: fake_sched.c, fake_kheap.c).
// Besides the calls' results, each case checks the context's books
// (futex_testlib.h) and that the heap gets everything back. The window cases
// run another operation between a call's read of the user value and its
// second locked phase (fake_user_set_read_hook): a wake there must neither
// be lost nor wasted.
#include "futex_testlib.h"

static const zx_time_t INF = ZX_TIME_INFINITE;

// A call from the test's own thread on behalf of worker w, which is idle:
// only for calls that cannot block.
static zx_status_t direct_wait(struct worker *w, uintptr_t a, int expect, struct futex_thread *owner,
                               zx_status_t owner_status, zx_time_t deadline) {
    fake_sched_set_current(&w->u);
    zx_status_t st = futex_wait(&ctx, &w->u.ft, a, expect, owner, owner_status, deadline);
    fake_sched_set_current(NULL);
    return st;
}

static void before(void) {
    fake_user_set_bad(0, 0);
    fake_user_set_read_hook(0, NULL, NULL);
    ctx_setup();
}

static void after(void) { ctx_teardown(); }

static void bad_arguments(void) {
    struct worker *w = worker_new();
    int word = 5, other = 6;
    uintptr_t a = (uintptr_t)&word;
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, 0, 5, NULL, ZX_OK, INF), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a + 1, 5, NULL, ZX_OK, INF), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a + 2, 5, NULL, ZX_OK, INF), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a, 4, NULL, ZX_OK, INF), ZX_ERR_BAD_STATE);
    // The owner's status comes after the value check.
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a, 4, NULL, ZX_ERR_BAD_HANDLE, INF), ZX_ERR_BAD_STATE);
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a, 5, NULL, ZX_ERR_BAD_HANDLE, INF), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a, 5, NULL, ZX_ERR_WRONG_TYPE, INF), ZX_ERR_WRONG_TYPE);
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a, 5, &w->u.ft, ZX_OK, INF), ZX_ERR_INVALID_ARGS);  // itself
    fake_user_set_bad(a, a + 4);
    CHECK_EQ(futex_wait(&ctx, &w->u.ft, a, 5, NULL, ZX_OK, INF), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_requeue(&ctx, a, 1, 5, (uintptr_t)&other, 1, NULL, ZX_OK, false), ZX_ERR_INVALID_ARGS);
    fake_user_set_bad(0, 0);
    CHECK_EQ(futex_wake(&ctx, 0, 1, false, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_wake(&ctx, a + 1, 1, true, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_requeue(&ctx, a, 1, 5, a, 1, NULL, ZX_OK, false), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_requeue(&ctx, a, 1, 5, a + 3, 1, NULL, ZX_OK, false), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_requeue(&ctx, 0, 1, 5, a, 1, NULL, ZX_OK, false), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_requeue(&ctx, a, 1, 4, (uintptr_t)&other, 1, NULL, ZX_OK, false), ZX_ERR_BAD_STATE);
    CHECK_EQ(futex_requeue(&ctx, a, 1, 4, (uintptr_t)&other, 1, NULL, ZX_ERR_BAD_HANDLE, false), ZX_ERR_BAD_STATE);
    CHECK_EQ(futex_requeue(&ctx, a, 1, 5, (uintptr_t)&other, 1, NULL, ZX_ERR_BAD_HANDLE, false), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(futex_requeue(&ctx, a, 1, 5, (uintptr_t)&other, 1, NULL, ZX_OK, false), ZX_OK);
    zx_koid_t k;
    CHECK_EQ(futex_get_owner(&ctx, a + 2, &k), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_get_owner(&ctx, a, &k), ZX_OK);
    CHECK_EQ(k, ZX_KOID_INVALID);
    CHECK_EQ(ctx_nactive(), 0);
    ctx_consistent();
}

static void deadlines(void) {
    struct worker *w = worker_new();
    int word = 0;
    uintptr_t a = (uintptr_t)&word;
    CHECK_EQ(direct_wait(w, a, 0, NULL, ZX_OK, fake_sched_now()), ZX_ERR_TIMED_OUT);
    CHECK_EQ(direct_wait(w, a, 0, NULL, ZX_OK, INT64_MIN), ZX_ERR_TIMED_OUT);
    CHECK_EQ(ctx_nactive(), 0);
    worker_wait_cmd(w, a, 0, NULL, ZX_OK, fake_sched_now() + 100);
    REQUIRE(worker_settle(w));
    CHECK(fake_sched_is_blocked(&w->u));
    fake_sched_advance(99);
    CHECK(fake_sched_is_blocked(&w->u));
    fake_sched_advance(1);
    CHECK_EQ(worker_result(w), ZX_ERR_TIMED_OUT);
    CHECK_EQ(ctx_nactive(), 0);
    CHECK_EQ(futex_waiters(), 0);
    ctx_consistent();
}

static void wake_counts_fifo(void) {
    struct worker *w[5];
    int word = 1;
    uintptr_t a = (uintptr_t)&word;
    for (int i = 0; i < 5; i++) {
        w[i] = worker_new();
        worker_wait_cmd(w[i], a, 1, NULL, ZX_OK, INF);
        REQUIRE(worker_settle(w[i]));
        REQUIRE(fake_sched_is_blocked(&w[i]->u));
    }
    CHECK_EQ(futex_waiters(), 5);
    CHECK_EQ(ctx_nactive(), 1);
    ctx_consistent();
    uint32_t woken = 99;
    CHECK_EQ(futex_wake(&ctx, a, 0, false, &woken), ZX_OK);
    CHECK_EQ(woken, 0);
    CHECK_EQ(futex_wake(&ctx, a, 2, false, &woken), ZX_OK);
    CHECK_EQ(woken, 2);
    CHECK_EQ(worker_result(w[0]), ZX_OK);
    CHECK_EQ(worker_result(w[1]), ZX_OK);
    for (int i = 2; i < 5; i++) CHECK(fake_sched_is_blocked(&w[i]->u));
    ctx_consistent();
    CHECK_EQ(futex_wake(&ctx, a, UINT32_MAX, false, &woken), ZX_OK);
    CHECK_EQ(woken, 3);
    for (int i = 2; i < 5; i++) CHECK_EQ(worker_result(w[i]), ZX_OK);
    CHECK_EQ(futex_wake(&ctx, a, UINT32_MAX, false, &woken), ZX_OK);
    CHECK_EQ(woken, 0);
    CHECK_EQ(ctx_nactive(), 0);
    CHECK_EQ(futex_waiters(), 0);
    ctx_consistent();
}

// A wake between the waiter's read and its second phase, after the value
// changed: the waiter reads again and returns ZX_ERR_BAD_STATE (without the
// re-check it would block with nobody left to wake it).
static int *hook_word;
static void change_and_wake(void *arg) {
    (void)arg;
    __atomic_store_n(hook_word, 1, __ATOMIC_SEQ_CST);
    uint32_t woken = 99;
    futex_wake(&ctx, (uintptr_t)hook_word, 1, false, &woken);
    CHECK_EQ(woken, 0);  // the waiter is not in the queue yet
}

static void window_wake_after_change_is_not_lost(void) {
    struct worker *w = worker_new();
    int word = 0;
    hook_word = &word;
    long reads = fake_user_reads();
    fake_user_set_read_hook((uintptr_t)&word, change_and_wake, NULL);
    worker_wait_cmd(w, (uintptr_t)&word, 0, NULL, ZX_OK, INF);
    CHECK_EQ(worker_result(w), ZX_ERR_BAD_STATE);
    CHECK_EQ(fake_user_reads() - reads, 2);
    CHECK_EQ(ctx_nactive(), 0);
    ctx_consistent();
}

// A wake in the window that does not change the value: the read is redone,
// still matches, and the waiter blocks (no spurious wakeup); the next wake
// wakes it.
static void wake_only(void *arg) {
    (void)arg;
    futex_wake(&ctx, (uintptr_t)hook_word, UINT32_MAX, false, NULL);
}

static void window_wake_without_change_is_not_spurious(void) {
    struct worker *w = worker_new();
    int word = 0;
    hook_word = &word;
    long reads = fake_user_reads();
    fake_user_set_read_hook((uintptr_t)&word, wake_only, NULL);
    worker_wait_cmd(w, (uintptr_t)&word, 0, NULL, ZX_OK, INF);
    REQUIRE(worker_settle(w));
    CHECK(fake_sched_is_blocked(&w->u));
    CHECK_EQ(fake_user_reads() - reads, 2);
    uint32_t woken = 0;
    CHECK_EQ(futex_wake(&ctx, (uintptr_t)&word, 1, false, &woken), ZX_OK);
    CHECK_EQ(woken, 1);
    CHECK_EQ(worker_result(w), ZX_OK);
    ctx_consistent();
}

// A requeue whose futex gets a new waiter (after a value change) between its
// read and its second phase reads again: here it then sees the new value and
// fails, leaving the new waiter where it is.
static struct worker *hook_new_waiter;
static void change_and_enqueue(void *arg) {
    (void)arg;
    __atomic_store_n(hook_word, 1, __ATOMIC_SEQ_CST);
    worker_wait_cmd(hook_new_waiter, (uintptr_t)hook_word, 1, NULL, ZX_OK, INF);
    CHECK(worker_settle(hook_new_waiter));
    CHECK(fake_sched_is_blocked(&hook_new_waiter->u));
}

static void window_requeue_sees_new_waiters(void) {
    struct worker *old = worker_new();
    hook_new_waiter = worker_new();
    int word = 0, target = 0;
    hook_word = &word;
    worker_wait_cmd(old, (uintptr_t)&word, 0, NULL, ZX_OK, INF);
    REQUIRE(worker_settle(old));
    fake_user_set_read_hook((uintptr_t)&word, change_and_enqueue, NULL);
    CHECK_EQ(futex_requeue(&ctx, (uintptr_t)&word, 0, 0, (uintptr_t)&target, UINT32_MAX, NULL, ZX_OK, false),
             ZX_ERR_BAD_STATE);
    uint32_t woken = 0;
    CHECK_EQ(futex_wake(&ctx, (uintptr_t)&target, UINT32_MAX, false, &woken), ZX_OK);
    CHECK_EQ(woken, 0);  // nothing moved
    CHECK_EQ(futex_wake(&ctx, (uintptr_t)&word, UINT32_MAX, false, &woken), ZX_OK);
    CHECK_EQ(woken, 2);
    CHECK_EQ(worker_result(old), ZX_OK);
    CHECK_EQ(worker_result(hook_new_waiter), ZX_OK);
    ctx_consistent();
}

// Requeue moves waiters and their refs; a moved waiter that times out or is
// killed leaves the futex it was moved to.
static void requeue_then_timeout_and_kill(void) {
    struct worker *w[4];
    int f1 = 7, f2 = 8;
    for (int i = 0; i < 4; i++) {
        w[i] = worker_new();
        worker_wait_cmd(w[i], (uintptr_t)&f1, 7, NULL, ZX_OK, i == 1 ? fake_sched_now() + 50 : INF);
        REQUIRE(worker_settle(w[i]));
    }
    // Naming a waiter of f1 as f2's owner is refused; then move two, naming none.
    CHECK_EQ(futex_requeue(&ctx, (uintptr_t)&f1, 1, 7, (uintptr_t)&f2, 2, &w[3]->u.ft, ZX_OK, false),
             ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_requeue(&ctx, (uintptr_t)&f1, 1, 7, (uintptr_t)&f2, 2, NULL, ZX_OK, false), ZX_OK);
    CHECK_EQ(worker_result(w[0]), ZX_OK);
    CHECK_EQ(ctx_nactive(), 2);
    CHECK_EQ(owner_koid(&f2), ZX_KOID_INVALID);
    ctx_consistent();
    fake_sched_advance(50);
    CHECK_EQ(worker_result(w[1]), ZX_ERR_TIMED_OUT);
    ctx_consistent();
    fake_sched_kill(&w[2]->u);
    CHECK_EQ(worker_result(w[2]), ZX_ERR_CANCELED);
    CHECK_EQ(ctx_nactive(), 1);  // f2 is empty and gone
    ctx_consistent();
    CHECK_EQ(futex_wake(&ctx, (uintptr_t)&f1, 1, false, NULL), ZX_OK);
    CHECK_EQ(worker_result(w[3]), ZX_OK);
    CHECK_EQ(ctx_nactive(), 0);
    CHECK_EQ(futex_waiters(), 0);
    ctx_consistent();
}

static void ownership(void) {
    struct worker *a = worker_new(), *b = worker_new(), *c = worker_new(), *d = worker_new();
    int f = 0, g = 0;
    // a waits naming d: d owns f.
    worker_wait_cmd(a, (uintptr_t)&f, 0, &d->u.ft, ZX_OK, INF);
    REQUIRE(worker_settle(a));
    CHECK_EQ(owner_koid(&f), d->u.koid);
    // b waits naming a (a waits on f): INVALID_ARGS, nothing changes.
    CHECK_EQ(futex_wait(&ctx, &b->u.ft, (uintptr_t)&f, 0, &a->u.ft, ZX_OK, INF), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(owner_koid(&f), d->u.koid);
    // b waits on g naming a: chain g -> a -> f -> d: accepted.
    worker_wait_cmd(b, (uintptr_t)&g, 0, &a->u.ft, ZX_OK, INF);
    REQUIRE(worker_settle(b));
    CHECK_EQ(owner_koid(&g), a->u.koid);
    // c waits on f naming b: f -> b -> g -> a -> f is a cycle: no owner.
    worker_wait_cmd(c, (uintptr_t)&f, 0, &b->u.ft, ZX_OK, INF);
    REQUIRE(worker_settle(c));
    CHECK_EQ(owner_koid(&f), ZX_KOID_INVALID);
    // wake_single_owner: a wakes and owns f (c still waits).
    CHECK_EQ(futex_wake(&ctx, (uintptr_t)&f, 1, true, NULL), ZX_OK);
    CHECK_EQ(worker_result(a), ZX_OK);
    CHECK_EQ(owner_koid(&f), a->u.koid);
    CHECK_EQ(owner_koid(&g), a->u.koid);
    ctx_consistent();
    // a exits: it owns nothing any more, and cannot be named.
    worker_exit(a);
    CHECK_EQ(owner_koid(&f), ZX_KOID_INVALID);
    CHECK_EQ(owner_koid(&g), ZX_KOID_INVALID);
    int spare = 0;
    CHECK_EQ(futex_requeue(&ctx, (uintptr_t)&spare, 0, 0, (uintptr_t)&f, 0, &a->u.ft, ZX_OK, false), ZX_OK);
    CHECK_EQ(owner_koid(&f), ZX_KOID_INVALID);
    CHECK_EQ(futex_requeue(&ctx, (uintptr_t)&spare, 0, 0, (uintptr_t)&f, 0, &d->u.ft, ZX_OK, false), ZX_OK);
    CHECK_EQ(owner_koid(&f), d->u.koid);
    // A requeue naming a waiter of either futex: INVALID_ARGS, nothing changes.
    CHECK_EQ(futex_requeue(&ctx, (uintptr_t)&g, 0, 0, (uintptr_t)&f, 1, &c->u.ft, ZX_OK, false), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(futex_requeue(&ctx, (uintptr_t)&g, 0, 0, (uintptr_t)&f, 1, &b->u.ft, ZX_OK, false), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(owner_koid(&f), d->u.koid);
    // A wait that times out at once still sets the owner (here: none) while
    // waiters remain.
    CHECK_EQ(direct_wait(d, (uintptr_t)&f, 0, NULL, ZX_OK, fake_sched_now()), ZX_ERR_TIMED_OUT);
    CHECK_EQ(owner_koid(&f), ZX_KOID_INVALID);
    ctx_consistent();
    CHECK_EQ(futex_wake(&ctx, (uintptr_t)&f, UINT32_MAX, false, NULL), ZX_OK);
    CHECK_EQ(futex_wake(&ctx, (uintptr_t)&g, UINT32_MAX, false, NULL), ZX_OK);
    CHECK_EQ(worker_result(b), ZX_OK);
    CHECK_EQ(worker_result(c), ZX_OK);
    ctx_consistent();
}

static void no_memory_for_a_thread(void) {
    for (long n = 0; n < FUTEX_STATES_PER_THREAD; n++) {
        struct futex_reserve r;
        fake_kheap_fail_after(n);
        CHECK_EQ(futex_reserve_alloc(&r), ZX_ERR_NO_MEMORY);
        fake_kheap_fail_after(-1);
        CHECK_EQ(fake_kheap_live(), FUTEX_STATES_PER_THREAD);  // the driver's
    }
}

int main(void) {
    th_prefix = "futex";
    th_before_case = before;
    th_after_case = after;
    RUN_CASE(bad_arguments);
    RUN_CASE(deadlines);
    RUN_CASE(wake_counts_fifo);
    RUN_CASE(window_wake_after_change_is_not_lost);
    RUN_CASE(window_wake_without_change_is_not_spurious);
    RUN_CASE(window_requeue_sees_new_waiters);
    RUN_CASE(requeue_then_timeout_and_kill);
    RUN_CASE(ownership);
    RUN_CASE(no_memory_for_a_thread);
    return th_exit_status("test_futex");
}
