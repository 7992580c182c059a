// threads-test: C11 threads (<threads.h>, <zircon/threads.h>, user/lib/thrd.c
// and mtx.c): create/join/detach/exit, thread-local storage, mutexes (plain,
// recursive, timed, contended, futex ownership), condition variables
// (signal, broadcast, timeouts), call_once, printf and malloc from several
// threads (picolibc's locks, user/crt/lock.c), the stack guard page, and
// that joined and detached threads give back everything. The checks of the
// test library are not thread-safe: threads record, the main thread checks.
// Exit code = failed cases.
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/lock.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/threads.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define MS 1000000ll

static struct timespec deadline_in(zx_duration_t ns) {
    zx_time_t t = zx_clock_get_monotonic() + ns;
    struct timespec ts = {t / 1000000000, t % 1000000000};
    return ts;
}

// Until n threads are blocked in futexes (5 s at most).
static bool futex_blocked(uint64_t n) {
    zx_time_t end = zx_clock_get_monotonic() + 5000 * MS;
    while (zxrv_futex_waiters() != n) {
        if (zx_clock_get_monotonic() > end) return false;
        zx_nanosleep(zx_clock_get_monotonic() + MS);
    }
    return true;
}

// ---- create, join, identity ----

struct ident {
    thrd_t current;
    zx_handle_t self, from_thrd;
};

static int report_ident(void *arg) {
    struct ident *id = arg;
    id->current = thrd_current();
    id->self = zx_thread_self();
    id->from_thrd = thrd_get_zx_handle(thrd_current());
    return 1234;
}

TEST_CASE(create_join_identity) {
    struct ident id;
    memset(&id, 0, sizeof id);
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, report_ident, &id), thrd_success);
    zx_handle_t h = thrd_get_zx_handle(t);
    zx_koid_t k = zxrv_koid_of(h);
    int res = 0;
    ASSERT_EQ(thrd_join(t, &res), thrd_success);
    EXPECT_EQ(res, 1234);
    EXPECT_TRUE(id.current == t);
    EXPECT_TRUE(!thrd_equal(t, thrd_current()));
    EXPECT_TRUE(thrd_equal(thrd_current(), thrd_current()));
    EXPECT_EQ(id.self, h);
    EXPECT_EQ(id.from_thrd, h);
    EXPECT_TRUE(k != 0 && k != zxrv_koid_of(zx_thread_self()));
    EXPECT_EQ(zx_thread_self(), thrd_get_zx_handle(thrd_current()));
    EXPECT_STATUS(zx_handle_close(h), ZX_ERR_BAD_HANDLE);  // join closed it
    EXPECT_EQ(thrd_join(thrd_current(), NULL), thrd_error);
}

static int exits_early(void *arg) {
    (void)arg;
    thrd_exit(77);
}

TEST_CASE(thrd_exit_value) {
    thrd_t t;
    ASSERT_EQ(thrd_create_with_name(&t, exits_early, NULL, "early-exit"), thrd_success);
    char name[ZX_MAX_NAME_LEN];
    EXPECT_OK(zx_object_get_property(thrd_get_zx_handle(t), ZX_PROP_NAME, name, sizeof name));
    EXPECT_EQ(strcmp(name, "early-exit"), 0);
    int res = 0;
    EXPECT_EQ(thrd_join(t, &res), thrd_success);
    EXPECT_EQ(res, 77);
}

// ---- thread-local storage ----

static thread_local int tl_init = 42;
static thread_local int tl_zero;

struct tls_seen {
    int init, zero, errno_before, errno_after;
    uintptr_t addr;
};

static int tls_thread(void *arg) {
    struct tls_seen *s = arg;
    s->init = tl_init;
    s->zero = tl_zero;
    s->addr = (uintptr_t)&tl_init;
    s->errno_before = errno;
    errno = 9999;
    tl_init = -1;
    s->errno_after = errno;
    return 0;
}

TEST_CASE(thread_local_storage) {
    tl_init = 7;  // the main thread's copy only
    tl_zero = 8;
    errno = 33;
    struct tls_seen s;
    memset(&s, 0, sizeof s);
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, tls_thread, &s), thrd_success);
    ASSERT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_EQ(s.init, 42);  // the initial value, not the main thread's
    EXPECT_EQ(s.zero, 0);
    EXPECT_EQ(s.errno_before, 0);
    EXPECT_EQ(s.errno_after, 9999);
    EXPECT_TRUE(s.addr != (uintptr_t)&tl_init);
    EXPECT_EQ(errno, 33);
    EXPECT_EQ(tl_init, 7);
    tl_init = 42;
}

// ---- mutexes ----

#define COUNT_THREADS 4
#define COUNT_ROUNDS 20000
static mtx_t count_lock = MTX_INIT;
static long count;

static int incrementer(void *arg) {
    (void)arg;
    for (int i = 0; i < COUNT_ROUNDS; i++) {
        if (mtx_lock(&count_lock) != thrd_success) return 1;
        long v = count;
        if ((i & 255) == 0) thrd_yield();  // be preempted inside the lock now and then
        count = v + 1;
        mtx_unlock(&count_lock);
    }
    return 0;
}

TEST_CASE(mutex_counter_is_exact) {
    thrd_t t[COUNT_THREADS];
    count = 0;
    for (int i = 0; i < COUNT_THREADS; i++) ASSERT_EQ(thrd_create(&t[i], incrementer, NULL), thrd_success);
    for (int i = 0; i < COUNT_THREADS; i++) {
        int res = -1;
        EXPECT_EQ(thrd_join(t[i], &res), thrd_success);
        EXPECT_EQ(res, 0);
    }
    EXPECT_EQ(count, COUNT_THREADS * COUNT_ROUNDS);
    EXPECT_EQ(atomic_load(&count_lock.__state), 0);
    EXPECT_TRUE(futex_blocked(0));
}

struct holder {
    mtx_t *m;
    atomic_int phase;  // 1: holding, 2: release now, 3: released
    int trylock, timedlock;
};

static int hold_then_release(void *arg) {
    struct holder *h = arg;
    mtx_lock(h->m);
    atomic_store(&h->phase, 1);
    while (atomic_load(&h->phase) != 2) zx_nanosleep(zx_clock_get_monotonic() + MS);
    mtx_unlock(h->m);
    atomic_store(&h->phase, 3);
    return 0;
}

static int try_locks(void *arg) {
    struct holder *h = arg;
    h->trylock = mtx_trylock(h->m);
    struct timespec d = deadline_in(20 * MS);
    h->timedlock = mtx_timedlock(h->m, &d);
    return 0;
}

TEST_CASE(mutex_kinds_and_errors) {
    mtx_t m;
    EXPECT_EQ(mtx_init(&m, 4), thrd_error);
    EXPECT_EQ(mtx_init(&m, -1), thrd_error);
    // Plain: a second lock by the owner would never return.
    ASSERT_EQ(mtx_init(&m, mtx_plain), thrd_success);
    EXPECT_EQ(mtx_lock(&m), thrd_success);
    EXPECT_EQ(mtx_trylock(&m), thrd_busy);
    EXPECT_EQ(mtx_lock(&m), thrd_error);
    EXPECT_EQ(mtx_unlock(&m), thrd_success);
    EXPECT_EQ(mtx_trylock(&m), thrd_success);
    EXPECT_EQ(mtx_unlock(&m), thrd_success);
    mtx_destroy(&m);
    // Recursive.
    ASSERT_EQ(mtx_init(&m, mtx_recursive | mtx_timed), thrd_success);
    EXPECT_EQ(mtx_lock(&m), thrd_success);
    EXPECT_EQ(mtx_lock(&m), thrd_success);
    EXPECT_EQ(mtx_trylock(&m), thrd_success);
    struct timespec d = deadline_in(MS);
    EXPECT_EQ(mtx_timedlock(&m, &d), thrd_success);
    struct holder h = {&m, 0, -1, -1};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, try_locks, &h), thrd_success);
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_EQ(h.trylock, thrd_busy);
    EXPECT_EQ(h.timedlock, thrd_timedout);
    for (int i = 0; i < 4; i++) EXPECT_EQ(mtx_unlock(&m), thrd_success);
    EXPECT_EQ(atomic_load(&m.__state), 0);
    // Now free: another thread takes it at once.
    h.trylock = h.timedlock = -1;
    ASSERT_EQ(thrd_create(&t, try_locks, &h), thrd_success);
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_EQ(h.trylock, thrd_success);
    EXPECT_EQ(h.timedlock, thrd_success);  // recursive: the thread held it already
    mtx_destroy(&m);
}

TEST_CASE(timedlock_times_out_then_succeeds) {
    mtx_t m = MTX_INIT;
    struct holder h = {&m, 0, -1, -1};
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, hold_then_release, &h), thrd_success);
    while (atomic_load(&h.phase) != 1) zx_nanosleep(zx_clock_get_monotonic() + MS);
    zx_time_t before = zx_clock_get_monotonic();
    struct timespec d = deadline_in(30 * MS);
    EXPECT_EQ(mtx_timedlock(&m, &d), thrd_timedout);
    EXPECT_TRUE(zx_clock_get_monotonic() >= before + 30 * MS);
    EXPECT_EQ(mtx_trylock(&m), thrd_busy);
    atomic_store(&h.phase, 2);
    d = deadline_in(5000 * MS);
    EXPECT_EQ(mtx_timedlock(&m, &d), thrd_success);
    EXPECT_EQ(mtx_unlock(&m), thrd_success);
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
}

// A thread blocked on a held mutex names the holder as the futex's owner.
static int lock_once(void *arg) {
    mtx_t *m = arg;
    mtx_lock(m);
    mtx_unlock(m);
    return 0;
}

TEST_CASE(mutex_futex_names_the_holder) {
    mtx_t m = MTX_INIT;
    uint64_t base = zxrv_futex_waiters();
    ASSERT_EQ(mtx_lock(&m), thrd_success);
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, lock_once, &m), thrd_success);
    ASSERT_TRUE(futex_blocked(base + 1));
    zx_koid_t owner = 0;
    EXPECT_OK(zx_futex_get_owner(&m.__state, &owner));
    EXPECT_EQ(owner, zxrv_koid_of(zx_thread_self()));
    EXPECT_EQ(atomic_load(&m.__state) & 1, 0);  // marked contested
    EXPECT_EQ(mtx_unlock(&m), thrd_success);
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_EQ(atomic_load(&m.__state), 0);
}

// ---- condition variables ----

#define QCAP 3
#define ITEMS 2000
static mtx_t q_lock = MTX_INIT;
static cnd_t q_nonempty = CND_INIT, q_nonfull = CND_INIT;
static long q_items[QCAP], q_sum;
static int q_head, q_len, q_taken;

static int producer(void *arg) {
    long base = (long)(uintptr_t)arg;
    for (long i = 0; i < ITEMS; i++) {
        mtx_lock(&q_lock);
        while (q_len == QCAP) cnd_wait(&q_nonfull, &q_lock);
        q_items[(q_head + q_len++) % QCAP] = base + i;
        if (i % 3 == 0)
            cnd_broadcast(&q_nonempty);
        else
            cnd_signal(&q_nonempty);
        mtx_unlock(&q_lock);
    }
    return 0;
}

static int consumer(void *arg) {
    (void)arg;
    for (;;) {
        mtx_lock(&q_lock);
        while (q_len == 0 && q_taken < 2 * ITEMS) cnd_wait(&q_nonempty, &q_lock);
        if (q_taken == 2 * ITEMS) {
            cnd_broadcast(&q_nonempty);  // let the other consumers see the end
            mtx_unlock(&q_lock);
            return 0;
        }
        q_sum += q_items[q_head];
        q_head = (q_head + 1) % QCAP;
        q_len--;
        q_taken++;
        if (q_taken % 5 == 0)
            cnd_broadcast(&q_nonfull);
        else
            cnd_signal(&q_nonfull);
        if (q_taken == 2 * ITEMS) cnd_broadcast(&q_nonempty);
        mtx_unlock(&q_lock);
    }
}

TEST_CASE(condvar_bounded_queue) {
    thrd_t p[2], c[3];
    q_head = q_len = q_taken = 0;
    q_sum = 0;
    for (int i = 0; i < 3; i++) ASSERT_EQ(thrd_create(&c[i], consumer, NULL), thrd_success);
    for (int i = 0; i < 2; i++) ASSERT_EQ(thrd_create(&p[i], producer, (void *)(uintptr_t)(i * 1000000)), thrd_success);
    for (int i = 0; i < 2; i++) EXPECT_EQ(thrd_join(p[i], NULL), thrd_success);
    for (int i = 0; i < 3; i++) EXPECT_EQ(thrd_join(c[i], NULL), thrd_success);
    long want = 0;
    for (long i = 0; i < ITEMS; i++) want += i + (1000000 + i);
    EXPECT_EQ(q_taken, 2 * ITEMS);
    EXPECT_EQ(q_sum, want);
    EXPECT_EQ(atomic_load(&q_lock.__state), 0);
}

static mtx_t gate_lock = MTX_INIT;
static cnd_t gate = CND_INIT;
static bool gate_open;
static atomic_int through;

static int wait_gate(void *arg) {
    (void)arg;
    mtx_lock(&gate_lock);
    while (!gate_open) cnd_wait(&gate, &gate_lock);
    mtx_unlock(&gate_lock);
    atomic_fetch_add(&through, 1);
    return 0;
}

TEST_CASE(broadcast_wakes_everyone) {
    enum { N = 6 };
    thrd_t t[N];
    uint64_t base = zxrv_futex_waiters();
    gate_open = false;
    atomic_store(&through, 0);
    for (int i = 0; i < N; i++) ASSERT_EQ(thrd_create(&t[i], wait_gate, NULL), thrd_success);
    ASSERT_TRUE(futex_blocked(base + N));
    EXPECT_EQ(atomic_load(&through), 0);
    mtx_lock(&gate_lock);
    gate_open = true;
    EXPECT_EQ(cnd_broadcast(&gate), thrd_success);
    mtx_unlock(&gate_lock);
    for (int i = 0; i < N; i++) EXPECT_EQ(thrd_join(t[i], NULL), thrd_success);
    EXPECT_EQ(atomic_load(&through), N);
    EXPECT_TRUE(futex_blocked(base));
}

TEST_CASE(cnd_timedwait_times_out_holding_the_mutex) {
    mtx_t m = MTX_INIT;
    cnd_t c;
    ASSERT_EQ(cnd_init(&c), thrd_success);
    mtx_lock(&m);
    zx_time_t before = zx_clock_get_monotonic();
    struct timespec d = deadline_in(25 * MS);
    EXPECT_EQ(cnd_timedwait(&c, &m, &d), thrd_timedout);
    EXPECT_TRUE(zx_clock_get_monotonic() >= before + 25 * MS);
    EXPECT_TRUE((zx_handle_t)(atomic_load(&m.__state) | 1) == zx_thread_self());  // held again
    d = deadline_in(-5 * MS);  // already past
    EXPECT_EQ(cnd_timedwait(&c, &m, &d), thrd_timedout);
    EXPECT_EQ(mtx_unlock(&m), thrd_success);
    EXPECT_EQ(cnd_signal(&c), thrd_success);  // nobody waits: fine
    EXPECT_EQ(cnd_broadcast(&c), thrd_success);
    cnd_destroy(&c);
}

// ---- call_once ----

static once_flag once = ONCE_FLAG_INIT;
static atomic_int once_runs;
static void run_once(void) {
    atomic_fetch_add(&once_runs, 1);
    zx_nanosleep(zx_clock_get_monotonic() + 10 * MS);  // others arrive meanwhile
}
static int call_it(void *arg) {
    (void)arg;
    call_once(&once, run_once);
    return atomic_load(&once_runs);
}

TEST_CASE(call_once_runs_once) {
    thrd_t t[4];
    for (int i = 0; i < 4; i++) ASSERT_EQ(thrd_create(&t[i], call_it, NULL), thrd_success);
    call_once(&once, run_once);
    for (int i = 0; i < 4; i++) {
        int res = 0;
        EXPECT_EQ(thrd_join(t[i], &res), thrd_success);
        EXPECT_EQ(res, 1);  // returned only after it ran
    }
    EXPECT_EQ(atomic_load(&once_runs), 1);
}

// ---- printf and malloc from several threads ----

#define CHURN_ROUNDS 9000

static int churn(void *arg) {
    int id = (int)(uintptr_t)arg;
    uint64_t rng = 0x9e3779b97f4a7c15ull * (uint64_t)(id + 1);
    void *blocks[16] = {0};
    size_t sizes[16] = {0};
    for (int i = 0; i < CHURN_ROUNDS; i++) {
        if (i % 100 == 50) thrd_yield();  // interleave the threads
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        int k = (int)((rng >> 33) % 16);
        if (blocks[k]) {
            for (size_t j = 0; j < sizes[k]; j++)
                if (((unsigned char *)blocks[k])[j] != (unsigned char)(id * 16 + k)) return 1;  // corrupted
            free(blocks[k]);
            blocks[k] = NULL;
        } else {
            sizes[k] = 1 + (size_t)((rng >> 40) % 700);
            blocks[k] = malloc(sizes[k]);
            if (!blocks[k]) return 2;
            memset(blocks[k], id * 16 + k, sizes[k]);
        }
        if (i % (CHURN_ROUNDS / 3) == CHURN_ROUNDS / 3 - 1)
            printf("threads-test: thread %d is at round %d of %d, all its blocks intact\n", id, i + 1, CHURN_ROUNDS);
    }
    for (int k = 0; k < 16; k++) free(blocks[k]);
    return 0;
}

TEST_CASE(printf_and_malloc_from_several_threads) {
    thrd_t t[4];
    for (int i = 0; i < 4; i++) ASSERT_EQ(thrd_create(&t[i], churn, (void *)(uintptr_t)i), thrd_success);
    int rc = churn((void *)(uintptr_t)4);
    EXPECT_EQ(rc, 0);
    for (int i = 0; i < 4; i++) {
        int res = -1;
        EXPECT_EQ(thrd_join(t[i], &res), thrd_success);
        EXPECT_EQ(res, 0);
    }
}

// malloc takes picolibc's libc lock (user/crt/lock.c): while this thread
// holds it, another thread's malloc sleeps on its futex.
static atomic_int malloced;
static int malloc_once(void *arg) {
    (void)arg;
    void *p = malloc(100);
    atomic_store(&malloced, p != NULL);
    free(p);
    return 0;
}

TEST_CASE(malloc_takes_the_libc_lock) {
    uint64_t base = zxrv_futex_waiters();
    atomic_store(&malloced, 0);
    __LIBC_LOCK();
    __LIBC_LOCK();  // recursive
    thrd_t t;
    int st = thrd_create(&t, malloc_once, NULL);
    bool blocked = st == thrd_success && futex_blocked(base + 1);
    zx_nanosleep(zx_clock_get_monotonic() + 10 * MS);
    int early = atomic_load(&malloced);
    __LIBC_UNLOCK();
    zx_nanosleep(zx_clock_get_monotonic() + 10 * MS);
    int still = atomic_load(&malloced);
    __LIBC_UNLOCK();
    ASSERT_EQ(st, thrd_success);
    EXPECT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_TRUE(blocked);
    EXPECT_EQ(early, 0);
    EXPECT_EQ(still, 0);  // held once more: still waiting
    EXPECT_EQ(atomic_load(&malloced), 1);
}

// ---- detaching, and giving everything back ----

static atomic_int detached_done;
static int finish_soon(void *arg) {
    zx_nanosleep(zx_clock_get_monotonic() + (zx_duration_t)(uintptr_t)arg);
    atomic_fetch_add(&detached_done, 1);
    return 0;
}

// Waits until the kernel's objects and pages are back to `want` (threads
// that are ending may still hold theirs for a moment).
static bool back_to(const zxrv_kernel_stats_t *want) {
    zx_time_t end = zx_clock_get_monotonic() + 5000 * MS;
    for (;;) {
        zxrv_kernel_stats_t now;
        if (zxrv_kernel_stats(&now) != ZX_OK) return false;
        if (now.live_objects == want->live_objects && now.free_pages + now.slab_pages >= want->free_pages + want->slab_pages)
            return true;
        if (zx_clock_get_monotonic() > end) {
            printf("threads-test: objects %lu (want %lu), free+slab pages %lu (want %lu)\n",
                   (unsigned long)now.live_objects, (unsigned long)want->live_objects,
                   (unsigned long)(now.free_pages + now.slab_pages),
                   (unsigned long)(want->free_pages + want->slab_pages));
            return false;
        }
        zx_nanosleep(zx_clock_get_monotonic() + MS);
    }
}

TEST_CASE(join_and_detach_give_everything_back) {
    zxrv_kernel_stats_t before;
    ASSERT_OK(zxrv_kernel_stats(&before));
    thrd_t t[8];
    atomic_store(&detached_done, 0);
    for (int i = 0; i < 8; i++)
        ASSERT_EQ(thrd_create(&t[i], finish_soon, (void *)(uintptr_t)((i % 2) ? 0 : 20 * MS)), thrd_success);
    // Detach half while running or already ended, join the others.
    for (int i = 0; i < 8; i += 2) EXPECT_EQ(thrd_detach(t[i]), thrd_success);
    zx_nanosleep(zx_clock_get_monotonic() + 5 * MS);
    for (int i = 1; i < 8; i += 2) EXPECT_EQ(thrd_join(t[i], NULL), thrd_success);
    while (atomic_load(&detached_done) != 8) zx_nanosleep(zx_clock_get_monotonic() + MS);
    // Detach after it ended.
    thrd_t late;
    ASSERT_EQ(thrd_create(&late, finish_soon, (void *)0), thrd_success);
    while (atomic_load(&detached_done) != 9) zx_nanosleep(zx_clock_get_monotonic() + MS);
    zx_nanosleep(zx_clock_get_monotonic() + 5 * MS);
    EXPECT_EQ(thrd_detach(late), thrd_success);
    EXPECT_TRUE(back_to(&before));
}

// ---- a child process: the stack guard, and the last thread's thrd_exit ----

static int64_t run_child(const char *mode) {
    size_t len = 0;
    void *elf = zxrv_load_program("child", &len);
    if (!elf) return INT64_MIN;
    zx_handle_t proc;
    const char *argv[] = {"child", mode};
    zx_status_t st = zxrv_launch(zx_job_default(), "child", elf, len, 2, argv, NULL, NULL, 0, &proc);
    free(elf);
    if (st != ZX_OK) return INT64_MIN;
    int64_t rc = zxrv_wait_exit(proc);
    zx_handle_close(proc);
    return rc;
}

TEST_CASE(stack_overflow_hits_the_guard_page) {
    EXPECT_EQ(run_child("thrd-overflow"), ZX_TASK_RETCODE_EXCEPTION_KILL);
}

TEST_CASE(last_thread_exit_ends_the_program_by_exit) {
    // The child's main thread calls thrd_exit; the last thread's thrd_exit
    // calls exit(0), whose atexit handler ends the process with 42.
    EXPECT_EQ(run_child("thrd-exit"), 42);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
