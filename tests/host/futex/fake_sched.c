// Fake scheduler, user copies and seams for obj/futex.c (see fake_sched.h).
#include "fake_sched.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/usercopy.h"

static pthread_mutex_t sched_mu = PTHREAD_MUTEX_INITIALIZER;
static __thread struct fake_uthread *current;
static zx_time_t now;                   // fake clock (sched_mu)
static struct fake_uthread *sleepers[256];  // blocked threads with a deadline (sched_mu)
static int nsleepers;

void fake_uthread_init(struct fake_uthread *u, zx_koid_t koid) {
    memset(u, 0, sizeof *u);
    u->kt.state = THREAD_RUNNING;
    u->kt.deadline = ZX_TIME_INFINITE;
    u->kt.owner = u;
    futex_thread_init(&u->ft);
    u->koid = koid;
    pthread_cond_init(&u->cv, NULL);
}

void fake_sched_set_current(struct fake_uthread *u) { current = u; }

struct futex_thread *futex_thread_of(struct thread *kt) { return &((struct fake_uthread *)kt->owner)->ft; }

zx_koid_t futex_thread_koid(const struct futex_thread *t) {
    const struct fake_uthread *u =
        (const struct fake_uthread *)((const char *)t - __builtin_offsetof(struct fake_uthread, ft));
    return u->koid;
}

uint64_t sched_lock_irqsave_at(const char *site) {
    (void)site;
    pthread_mutex_lock(&sched_mu);
    return 0;
}

void sched_unlock_irqrestore(uint64_t flags) {
    (void)flags;
    pthread_mutex_unlock(&sched_mu);
}

static void queue_remove(struct wait_queue *wq, struct thread *t) {
    for (struct thread **p = &wq->head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
}

static void sleepers_remove(struct fake_uthread *u) {
    for (int i = 0; i < nsleepers; i++) {
        if (sleepers[i] == u) {
            sleepers[i] = sleepers[--nsleepers];
            return;
        }
    }
}

// Make a blocked thread runnable with `status` (sched_mu held).
static void wake_locked(struct thread *t, zx_status_t status) {
    if (t->state != THREAD_BLOCKED) return;
    if (t->waiting_on) queue_remove(t->waiting_on, t);
    t->waiting_on = NULL;
    struct fake_uthread *u = t->owner;
    sleepers_remove(u);
    t->wake_status = status;
    t->state = THREAD_RUNNING;
    pthread_cond_signal(&u->cv);
}

zx_status_t sched_block_locked(struct wait_queue *wq, zx_time_t deadline, uint64_t flags) {
    (void)flags;
    struct fake_uthread *u = current;
    if (!u) {
        fprintf(stderr, "fake sched_block_locked: no current thread\n");
        abort();
    }
    struct thread *t = &u->kt;
    if (t->kill_pending) {
        pthread_mutex_unlock(&sched_mu);
        return ZX_ERR_CANCELED;
    }
    if (deadline != ZX_TIME_INFINITE && deadline <= now) {
        pthread_mutex_unlock(&sched_mu);
        return ZX_ERR_TIMED_OUT;
    }
    t->state = THREAD_BLOCKED;
    t->waiting_on = wq;
    t->wake_status = ZX_OK;
    t->deadline = deadline;
    if (wq) {
        struct thread **pp = &wq->head;
        while (*pp) pp = &(*pp)->next;
        t->next = NULL;
        *pp = t;
    }
    if (deadline != ZX_TIME_INFINITE) {
        if (nsleepers == (int)(sizeof sleepers / sizeof sleepers[0])) abort();
        sleepers[nsleepers++] = u;
    }
    while (t->state == THREAD_BLOCKED) pthread_cond_wait(&u->cv, &sched_mu);
    zx_status_t st = t->wake_status;
    t->deadline = ZX_TIME_INFINITE;
    pthread_mutex_unlock(&sched_mu);
    return st;
}

void wait_queue_wake_all_locked(struct wait_queue *wq, zx_status_t status) {
    while (wq->head) wake_locked(wq->head, status);
}

void wait_queue_wake_all(struct wait_queue *wq, zx_status_t status) {
    pthread_mutex_lock(&sched_mu);
    wait_queue_wake_all_locked(wq, status);
    pthread_mutex_unlock(&sched_mu);
}

struct thread *wait_queue_wake_one_locked(struct wait_queue *wq, zx_status_t status) {
    struct thread *t = wq->head;
    if (t) wake_locked(t, status);
    return t;
}

uint32_t wait_queue_requeue_locked(struct wait_queue *from, struct wait_queue *to, uint32_t count) {
    uint32_t moved = 0;
    struct thread **tail = &to->head;
    while (*tail) tail = &(*tail)->next;
    while (moved < count && from->head) {
        struct thread *t = from->head;
        from->head = t->next;
        t->next = NULL;
        t->waiting_on = to;
        *tail = t;
        tail = &t->next;
        moved++;
    }
    return moved;
}

void sched_interrupt_locked(struct thread *t) { wake_locked(t, ZX_ERR_CANCELED); }

bool fake_sched_is_blocked(struct fake_uthread *u) {
    pthread_mutex_lock(&sched_mu);
    bool b = u->kt.state == THREAD_BLOCKED;
    pthread_mutex_unlock(&sched_mu);
    return b;
}

bool fake_sched_wait_blocked(struct fake_uthread *u) {
    for (int i = 0; i < 500000; i++) {
        if (fake_sched_is_blocked(u)) return true;
        struct timespec ts = {0, 10000};
        nanosleep(&ts, NULL);
    }
    return false;
}

void fake_sched_kill(struct fake_uthread *u) {
    pthread_mutex_lock(&sched_mu);
    u->kt.kill_pending = true;
    sched_interrupt_locked(&u->kt);
    pthread_mutex_unlock(&sched_mu);
}

void fake_sched_advance(zx_time_t ns) {
    pthread_mutex_lock(&sched_mu);
    now += ns;
    for (int i = 0; i < nsleepers;) {
        struct fake_uthread *u = sleepers[i];
        if (u->kt.deadline <= now)
            wake_locked(&u->kt, ZX_ERR_TIMED_OUT);  // removes it from sleepers[]
        else
            i++;
    }
    pthread_mutex_unlock(&sched_mu);
}

zx_time_t fake_sched_now(void) {
    pthread_mutex_lock(&sched_mu);
    zx_time_t t = now;
    pthread_mutex_unlock(&sched_mu);
    return t;
}

// ---- user copies ----

static uintptr_t bad_lo, bad_hi;
static uintptr_t hook_addr;
static void (*hook_fn)(void *);
static void *hook_arg;
static long reads;
static int read_yields;

void fake_user_set_bad(uintptr_t lo, uintptr_t hi) {
    bad_lo = lo;
    bad_hi = hi;
}

void fake_user_set_read_hook(uintptr_t addr, void (*hook)(void *), void *arg) {
    hook_arg = arg;
    hook_addr = addr;
    __atomic_store_n(&hook_fn, hook, __ATOMIC_SEQ_CST);
}

long fake_user_reads(void) { return __atomic_load_n(&reads, __ATOMIC_SEQ_CST); }

void fake_user_set_read_yields(int n) { __atomic_store_n(&read_yields, n, __ATOMIC_SEQ_CST); }

zx_status_t copy_from_user(void *dst, uptr_t src, size_t n) {
    __atomic_fetch_add(&reads, 1, __ATOMIC_SEQ_CST);
    if (n && src.addr < bad_hi && src.addr + n > bad_lo) return ZX_ERR_INVALID_ARGS;
    for (int i = __atomic_load_n(&read_yields, __ATOMIC_RELAXED); i > 0; i--) sched_yield();
    if (n == 4) {  // a futex word: one atomic load, as racing user code would see it
        uint32_t v = __atomic_load_n((const uint32_t *)src.addr, __ATOMIC_SEQ_CST);
        memcpy(dst, &v, 4);
    } else {
        memcpy(dst, (const void *)src.addr, n);
    }
    // After the read: the caller acts on what it read, while the hook changes things.
    void (*hook)(void *) = __atomic_load_n(&hook_fn, __ATOMIC_SEQ_CST);
    if (hook && src.addr == hook_addr &&
        __atomic_compare_exchange_n(&hook_fn, &hook, NULL, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        hook(hook_arg);
    return ZX_OK;
}

zx_status_t copy_to_user(uptr_t dst, const void *src, size_t n) {
    memcpy((void *)dst.addr, src, n);
    return ZX_OK;
}
