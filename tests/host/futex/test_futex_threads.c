// Real races on obj/futex.c: args [iterations per thread, seed].
//
// Host threads, each posing as a user thread of one process, use the futex
// calls as C11 mutexes and condition variables do (and as libzxrv's do):
//   - a three-state mutex (0 free, 1 locked, 2 locked with waiters) around a
//     shared counter, which must come out exact;
//   - a bounded queue with a mutex and two condition variables (a sequence
//     word each): consumers wait, producers signal one or broadcast, and a
//     broadcast requeues the waiters onto the mutex (zx_futex_requeue, the
//     thundering-herd fix); every item must be consumed exactly once.
// copy_from_user yields the CPU inside every read, so that other threads
// often run between a call's read and its second locked phase (the window
// obj/futex.h describes). A lost wakeup shows as a hang: the watchdog ends
// the test. At the end the context's books balance and nothing is left.
#include <signal.h>
#include <unistd.h>

#include "futex_testlib.h"

#define NT 4
static long iterations;
static uint64_t seed0;

struct host_thread {
    struct fake_uthread u;
    pthread_t pt;
    int id;
    uint64_t rng;
};
static struct host_thread threads[2 * NT];

static void mutex_lock(struct host_thread *t, int *m) {
    int c = 0;
    if (__atomic_compare_exchange_n(m, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    if (c != 2) c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        zx_status_t st = futex_wait(&ctx, &t->u.ft, (uintptr_t)m, 2, NULL, ZX_OK, ZX_TIME_INFINITE);
        if (st != ZX_OK && st != ZX_ERR_BAD_STATE) abort();
        c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
    }
}

// After a condition wait: others may sleep on the mutex (requeued), so take
// it in the contended state, and the unlock will wake one of them.
static void mutex_lock_contended(struct host_thread *t, int *m) {
    int c;
    while ((c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE)) != 0) {
        zx_status_t st = futex_wait(&ctx, &t->u.ft, (uintptr_t)m, 2, NULL, ZX_OK, ZX_TIME_INFINITE);
        if (st != ZX_OK && st != ZX_ERR_BAD_STATE) abort();
    }
}

static void mutex_unlock(int *m) {
    if (__atomic_exchange_n(m, 0, __ATOMIC_RELEASE) == 2) futex_wake(&ctx, (uintptr_t)m, 1, false, NULL);
}

static void cond_wait(struct host_thread *t, int *seq, int *m) {
    int s = __atomic_load_n(seq, __ATOMIC_RELAXED);
    mutex_unlock(m);
    zx_status_t st = futex_wait(&ctx, &t->u.ft, (uintptr_t)seq, s, NULL, ZX_OK, ZX_TIME_INFINITE);
    if (st != ZX_OK && st != ZX_ERR_BAD_STATE) abort();
    mutex_lock_contended(t, m);
}

static void cond_signal(int *seq) {
    __atomic_fetch_add(seq, 1, __ATOMIC_RELAXED);
    futex_wake(&ctx, (uintptr_t)seq, 1, false, NULL);
}

static void cond_broadcast(int *seq, int *m) {
    __atomic_fetch_add(seq, 1, __ATOMIC_RELAXED);
    for (;;) {
        int s = __atomic_load_n(seq, __ATOMIC_RELAXED);
        zx_status_t st = futex_requeue(&ctx, (uintptr_t)seq, 1, s, (uintptr_t)m, UINT32_MAX, NULL, ZX_OK, false);
        if (st != ZX_ERR_BAD_STATE) break;
    }
}

// ---- the counter ----

static int counter_lock;
static long counter;

static void *counter_main(void *arg) {
    struct host_thread *t = arg;
    fake_sched_set_current(&t->u);
    for (long i = 0; i < iterations; i++) {
        mutex_lock(t, &counter_lock);
        long v = counter;
        if (th_below(&t->rng, 8) == 0) sched_yield();
        counter = v + 1;
        mutex_unlock(&counter_lock);
    }
    return NULL;
}

// ---- the bounded queue ----

#define QCAP 4
static int q_lock, q_not_empty, q_not_full;
static long q_items[QCAP];
static int q_head, q_len;
static long produced_sum, consumed_sum, consumed_count;

static void *producer_main(void *arg) {
    struct host_thread *t = arg;
    fake_sched_set_current(&t->u);
    for (long i = 0; i < iterations; i++) {
        long item = t->id * 1000000007L + i;
        mutex_lock(t, &q_lock);
        while (q_len == QCAP) cond_wait(t, &q_not_full, &q_lock);
        q_items[(q_head + q_len) % QCAP] = item;
        q_len++;
        produced_sum += item;
        if (th_below(&t->rng, 4) == 0)
            cond_broadcast(&q_not_empty, &q_lock);
        else
            cond_signal(&q_not_empty);
        mutex_unlock(&q_lock);
    }
    return NULL;
}

static void *consumer_main(void *arg) {
    struct host_thread *t = arg;
    fake_sched_set_current(&t->u);
    for (long i = 0; i < iterations; i++) {
        mutex_lock(t, &q_lock);
        while (q_len == 0) cond_wait(t, &q_not_empty, &q_lock);
        long item = q_items[q_head];
        q_head = (q_head + 1) % QCAP;
        q_len--;
        consumed_sum += item;
        consumed_count++;
        if (th_below(&t->rng, 4) == 0)
            cond_broadcast(&q_not_full, &q_lock);
        else
            cond_signal(&q_not_full);
        mutex_unlock(&q_lock);
    }
    return NULL;
}

static void start(int n, void *(*fn)(void *), int first) {
    for (int i = 0; i < n; i++) {
        struct host_thread *t = &threads[first + i];
        fake_uthread_init(&t->u, 2000 + (zx_koid_t)(first + i));
        t->id = first + i;
        t->rng = seed0 * 31 + (uint64_t)(first + i);
        struct futex_reserve r;
        if (futex_reserve_alloc(&r) != ZX_OK) abort();
        futex_ctx_add_reserve(&ctx, &r);
        if (pthread_create(&t->pt, NULL, fn, t)) abort();
    }
}

static void finish(int n) {
    for (int i = 0; i < n; i++) {
        pthread_join(threads[i].pt, NULL);
        futex_thread_exit(&ctx, &threads[i].u.ft);
    }
}

static bool empty_books(void) {
    bool ok = CHECK_EQ(ctx_nactive(), 0);
    ok &= CHECK_EQ(futex_waiters(), 0);
    // every thread took its states back; the driver's are left
    ok &= CHECK_EQ(ctx_nfree(), FUTEX_STATES_PER_THREAD);
    ok &= CHECK_EQ(fake_kheap_live(), FUTEX_STATES_PER_THREAD);
    return ok;
}

static void counter_race(void) {
    ctx_setup();
    counter = 0;
    start(NT, counter_main, 0);
    finish(NT);
    CHECK_EQ(counter, NT * iterations);
    CHECK_EQ(counter_lock, 0);
    empty_books();
    ctx_teardown();
}

static void queue_race(void) {
    ctx_setup();
    q_head = q_len = 0;
    produced_sum = consumed_sum = consumed_count = 0;
    start(NT, producer_main, 0);
    start(NT, consumer_main, NT);
    finish(2 * NT);
    CHECK_EQ(consumed_count, NT * iterations);
    CHECK_EQ(consumed_sum, produced_sum);
    CHECK_EQ(q_len, 0);
    CHECK_EQ(q_lock, 0);
    empty_books();
    ctx_teardown();
}

int main(int argc, char **argv) {
    iterations = argc > 1 ? strtol(argv[1], NULL, 0) : 20000;
    seed0 = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x7eed;
    th_prefix = "futex-threads";
    alarm(240);  // a lost wakeup hangs: SIGALRM ends the test as a failure
    fake_user_set_read_yields(1);
    RUN_CASE(counter_race);
    RUN_CASE(queue_race);
    return th_exit_status("test_futex_threads");
}
