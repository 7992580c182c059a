// Shared by the obj/futex.c host tests: one futex context, worker pthreads
// that each pose as a user thread of the process and run one futex_wait at a
// time on command, and the context's invariants.
//
// A worker is "settled" when its call returned or it is blocked in the fake
// scheduler; the tests only look at the state when every worker is settled,
// so what they see does not depend on timing.
#ifndef TESTS_HOST_FUTEX_FUTEX_TESTLIB_H
#define TESTS_HOST_FUTEX_FUTEX_TESTLIB_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../harness.h"
#include "../obj/fake_kheap.h"
#include "fake_sched.h"
#include "obj/futex.h"

#define MAX_WORKERS 16

struct worker {
    struct fake_uthread u;
    pthread_t pt;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int cmd;  // 0 none, 1 wait (mu)
    bool quit;  // end the pthread once idle (mu)
    bool done;  // the last command finished (mu)
    // futex_wait's arguments and result
    uintptr_t addr;
    int expect;
    struct futex_thread *owner;
    zx_status_t owner_status;
    zx_time_t deadline;
    zx_status_t result;
    bool exited;  // futex_thread_exit ran (the driver's view)
};

static __attribute__((unused)) struct futex_ctx ctx;
// The test's own thread calls wake, requeue and get_owner: like every caller
// in the kernel it is a thread of the process, so it brings its states too.
static __attribute__((unused)) struct fake_uthread driver;
static __attribute__((unused)) struct worker workers[MAX_WORKERS];
static __attribute__((unused)) int nworkers;

static __attribute__((unused)) void *worker_main(void *arg) {
    struct worker *w = arg;
    fake_sched_set_current(&w->u);
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->cmd == 0 && !w->quit) pthread_cond_wait(&w->cv, &w->mu);
        if (w->cmd == 0) break;
        pthread_mutex_unlock(&w->mu);
        zx_status_t st = futex_wait(&ctx, &w->u.ft, w->addr, w->expect, w->owner, w->owner_status, w->deadline);
        pthread_mutex_lock(&w->mu);
        w->result = st;
        w->done = true;
        w->cmd = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static __attribute__((unused)) zx_koid_t next_koid = 1000;

// Ends the worker's pthread; a worker still in a call (a failed case) is
// killed out of it first, so that a broken case fails instead of hanging.
static __attribute__((unused)) void worker_quit(struct worker *w) {
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    bool busy = !w->done;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (busy) fake_sched_kill(&w->u);
    pthread_join(w->pt, NULL);
}

// A new thread of the process: brings its futex states (as thread_obj_create).
// When all slots are used, one of an exited thread is reused (nothing refers
// to an exited thread's futex_thread any more).
static __attribute__((unused)) struct worker *worker_new(void) {
    struct worker *w = NULL;
    if (nworkers < MAX_WORKERS) {
        w = &workers[nworkers++];
    } else {
        for (int i = 0; i < nworkers && !w; i++)
            if (workers[i].exited) w = &workers[i];
        if (!w) abort();
        worker_quit(w);
    }
    fake_uthread_init(&w->u, next_koid++);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->cmd = 0;
    w->quit = false;
    w->done = true;
    w->exited = false;
    struct futex_reserve r;
    if (futex_reserve_alloc(&r) != ZX_OK) abort();
    futex_ctx_add_reserve(&ctx, &r);
    if (pthread_create(&w->pt, NULL, worker_main, w)) abort();
    return w;
}

static __attribute__((unused)) void worker_wait_cmd(struct worker *w, uintptr_t addr, int expect, struct futex_thread *owner,
                            zx_status_t owner_status, zx_time_t deadline) {
    pthread_mutex_lock(&w->mu);
    if (!w->done) abort();  // one call at a time
    w->addr = addr;
    w->expect = expect;
    w->owner = owner;
    w->owner_status = owner_status;
    w->deadline = deadline;
    w->done = false;
    w->result = 12345;
    w->cmd = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static __attribute__((unused)) bool worker_done(struct worker *w) {
    pthread_mutex_lock(&w->mu);
    bool d = w->done;
    pthread_mutex_unlock(&w->mu);
    return d;
}

// Until the worker's call returned or it blocked (5 s of real time at most).
static __attribute__((unused)) bool worker_settle(struct worker *w) {
    for (int i = 0; i < 500000; i++) {
        if (worker_done(w) || fake_sched_is_blocked(&w->u)) return true;
        struct timespec ts = {0, 10000};
        nanosleep(&ts, NULL);
    }
    printf("    worker %ld never settled\n", (long)(w - workers));
    return false;
}

// Until the call returned; its status, or 99999 if it did not return in 5 s.
static __attribute__((unused)) zx_status_t worker_result(struct worker *w) {
    for (int i = 0; i < 500000; i++) {
        pthread_mutex_lock(&w->mu);
        if (w->done) {
            zx_status_t st = w->result;
            pthread_mutex_unlock(&w->mu);
            return st;
        }
        pthread_mutex_unlock(&w->mu);
        struct timespec ts = {0, 10000};
        nanosleep(&ts, NULL);
    }
    return 99999;
}

// The thread exits (as thread_obj_on_exit): it must not be in a call.
static __attribute__((unused)) void worker_exit(struct worker *w) {
    futex_thread_exit(&ctx, &w->u.ft);
    w->exited = true;
}

static __attribute__((unused)) void workers_stop(void) {
    for (int i = 0; i < nworkers; i++) {
        struct worker *w = &workers[i];
        worker_quit(w);
        if (!w->exited) worker_exit(w);
    }
    nworkers = 0;
}

static __attribute__((unused)) uint32_t ctx_nfree(void) {
    uint64_t f = spin_lock_irqsave(&ctx.lock);
    uint32_t n = ctx.nfree;
    spin_unlock_irqrestore(&ctx.lock, f);
    return n;
}

static __attribute__((unused)) uint32_t ctx_nactive(void) {
    uint64_t f = spin_lock_irqsave(&ctx.lock);
    uint32_t n = ctx.nactive;
    spin_unlock_irqrestore(&ctx.lock, f);
    return n;
}

// The context's books, checked when every worker is settled: the states of
// the live workers are all there (free + active), an active futex has
// exactly as many refs as threads accounted on it, and every thread in its
// queue is accounted on it; no owner without waiters, no dead owner.
static __attribute__((unused)) bool ctx_consistent(void) {
    bool ok = true;
    int live = 1;  // the driver
    for (int i = 0; i < nworkers; i++) live += !workers[i].exited;
    uint64_t f = spin_lock_irqsave(&ctx.lock);
    uint32_t free_count = 0;
    for (struct futex *x = ctx.free; x; x = x->next) free_count++;
    ok &= CHECK_EQ(free_count, ctx.nfree);
    uint32_t active = 0;
    for (uint32_t b = 0; b < FUTEX_BUCKETS; b++) {
        for (struct futex *x = ctx.buckets[b]; x; x = x->next) {
            active++;
            uint32_t accounted = 0;
            for (int i = 0; i < nworkers; i++) accounted += workers[i].u.ft.blocked_on == x;
            ok &= CHECK_EQ(x->refs, accounted);
            ok &= CHECK(x->refs > 0);
            uint64_t sf = sched_lock_irqsave();
            for (struct thread *t = x->wq.head; t; t = t->next) ok &= CHECK(futex_thread_of(t)->blocked_on == x);
            bool empty = x->wq.head == NULL;
            sched_unlock_irqrestore(sf);
            if (x->owner) {
                ok &= CHECK(!empty);
                ok &= CHECK(!x->owner->dead);
            }
        }
    }
    ok &= CHECK_EQ(active, ctx.nactive);
    ok &= CHECK_EQ(ctx.nfree + ctx.nactive, (uint32_t)(FUTEX_STATES_PER_THREAD * live));
    spin_unlock_irqrestore(&ctx.lock, f);
    ok &= CHECK_EQ(fake_kheap_live(), (long)(FUTEX_STATES_PER_THREAD * live));
    return ok;
}

static __attribute__((unused)) void ctx_setup(void) {
    futex_ctx_init(&ctx);
    nworkers = 0;
    fake_uthread_init(&driver, 999);
    struct futex_reserve r;
    if (futex_reserve_alloc(&r) != ZX_OK) abort();
    futex_ctx_add_reserve(&ctx, &r);
}

static __attribute__((unused)) void ctx_teardown(void) {
    workers_stop();
    futex_thread_exit(&ctx, &driver.ft);
    futex_ctx_destroy(&ctx);
    CHECK_EQ(fake_kheap_live(), 0);
}

static __attribute__((unused)) zx_koid_t owner_koid(volatile int *addr) {
    zx_koid_t k = 777;
    if (futex_get_owner(&ctx, (uintptr_t)addr, &k) != ZX_OK) return 888;
    return k;
}
#endif
