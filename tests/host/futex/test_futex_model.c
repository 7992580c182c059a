// Model test of obj/futex.c: args [operations, seed].
//
// Worker threads (futex_testlib.h) wait on a few futex words; the test thread
// changes the words, wakes, requeues, advances the fake clock, kills and
// retires workers, and asks for owners, chosen at random. A model written
// from Zircon's rules (docs/reference/syscalls/futex_*.md and
// kernel_objects/futex.md) predicts every result: each call's status, which
// workers wake (FIFO: this kernel's wait queues are FIFO), with which status,
// each futex's owner, and the number of blocked waiters. After every
// operation, once all workers settled, the model and the context must agree,
// and the context's books must balance (futex_testlib.h's ctx_consistent).
#include "futex_testlib.h"

#define NKEYS 4
#define NSTART 8
#define MAXQ MAX_WORKERS

enum { IDLE, BLOCKED, DEAD };

static int words[NKEYS];
static uint64_t rng;

struct mworker {
    int state;
    int key;             // BLOCKED: the key it is accounted on
    zx_time_t deadline;  // BLOCKED
};
static struct mworker mw[MAX_WORKERS];
static int queue[NKEYS][MAXQ], qlen[NKEYS];
static int owner[NKEYS];  // worker index, -1: none
static long ops, mismatches, retired;
static long n_blocked, n_woken, n_moved, n_owned, n_cycles, n_timeouts;

static uintptr_t key_addr(int k) { return (uintptr_t)&words[k]; }

static void q_remove(int k, int w) {
    for (int i = 0; i < qlen[k]; i++) {
        if (queue[k][i] == w) {
            for (int j = i + 1; j < qlen[k]; j++) queue[k][j - 1] = queue[k][j];
            qlen[k]--;
            return;
        }
    }
    printf("    model: worker %d not in queue %d\n", w, k);
    abort();
}

// Would naming t as an owner close a cycle through `me` or key `target`?
static bool m_cycle(int t, int me, int target) {
    for (int steps = 0; t >= 0; steps++) {
        if (t == me || steps > 64) return true;
        if (mw[t].state != BLOCKED) return false;
        if (mw[t].key == target) return true;
        t = owner[mw[t].key];
    }
    return false;
}

static bool expect_result(int w, zx_status_t want, const char *what) {
    zx_status_t got = worker_result(&workers[w]);
    if (got != want) {
        printf("    op %ld: %s: worker %d returned %d, model says %d\n", ops, what, w, got, want);
        mismatches++;
        return false;
    }
    return true;
}

// Everything the model knows, compared with the context (all settled).
static void compare(const char *what) {
    int nblocked = 0;
    for (int i = 0; i < nworkers; i++) {
        if (!worker_settle(&workers[i])) mismatches++;
        bool b = fake_sched_is_blocked(&workers[i].u);
        if (b != (mw[i].state == BLOCKED)) {
            printf("    op %ld (%s): worker %d blocked %d, model %d\n", ops, what, i, b, mw[i].state);
            mismatches++;
        }
        nblocked += mw[i].state == BLOCKED;
    }
    for (int k = 0; k < NKEYS; k++) {
        zx_koid_t want = owner[k] < 0 ? ZX_KOID_INVALID : workers[owner[k]].u.koid;
        zx_koid_t got = owner_koid(&words[k]);
        if (got != want) {
            printf("    op %ld (%s): key %d owner %lu, model %lu\n", ops, what, k, (unsigned long)got,
                   (unsigned long)want);
            mismatches++;
        }
        // The queue order: the model's first waiter is the real queue's head.
        uint64_t f = spin_lock_irqsave(&ctx.lock);
        struct futex *x = NULL;
        for (uint32_t b = 0; b < FUTEX_BUCKETS && !x; b++)
            for (struct futex *y = ctx.buckets[b]; y; y = y->next)
                if (y->key == key_addr(k)) x = y;
        uint64_t sf = sched_lock_irqsave();
        int i = 0;
        bool same = true;
        for (struct thread *t = x ? x->wq.head : NULL; t; t = t->next, i++)
            same &= i < qlen[k] && (struct fake_uthread *)t->owner == &workers[queue[k][i]].u;
        same &= i == qlen[k];
        sched_unlock_irqrestore(sf);
        spin_unlock_irqrestore(&ctx.lock, f);
        if (!same) {
            printf("    op %ld (%s): key %d queue differs from the model\n", ops, what, k);
            mismatches++;
        }
    }
    if ((int)futex_waiters() != nblocked) {
        printf("    op %ld (%s): %lu waiters, model %d\n", ops, what, (unsigned long)futex_waiters(), nblocked);
        mismatches++;
    }
    if (!ctx_consistent()) mismatches++;
}

static int pick_worker(int state) {
    int cand[MAX_WORKERS], n = 0;
    for (int i = 0; i < nworkers; i++)
        if (mw[i].state == state) cand[n++] = i;
    return n ? cand[th_below(&rng, (uint64_t)n)] : -1;
}

// A named owner: none, or any worker (idle, blocked, dead, the caller).
static int pick_owner(void) {
    if (th_below(&rng, 3) == 0) return -1;
    return (int)th_below(&rng, (uint64_t)nworkers);
}

static struct futex_thread *ft_of(int w) { return w < 0 ? NULL : &workers[w].u.ft; }

static void op_wait(void) {
    int w = pick_worker(IDLE);
    if (w < 0) return;
    int k = (int)th_below(&rng, NKEYS);
    int expect = th_below(&rng, 4) ? words[k] : words[k] + 1;
    int o = pick_owner();
    zx_status_t ost = ZX_OK;
    if (th_below(&rng, 10) == 0) {
        ost = th_below(&rng, 2) ? ZX_ERR_BAD_HANDLE : ZX_ERR_WRONG_TYPE;
        o = -1;
    }
    uint64_t r = th_below(&rng, 10);
    zx_time_t now = fake_sched_now();
    zx_time_t deadline = r < 7 ? ZX_TIME_INFINITE : r < 8 ? now : now + 1 + (zx_time_t)th_below(&rng, 100);

    zx_status_t want = ZX_OK;
    bool blocks = false;
    if (words[k] != expect) {
        want = ZX_ERR_BAD_STATE;
    } else if (ost != ZX_OK) {
        want = ost;
    } else if (o >= 0 && (o == w || (mw[o].state == BLOCKED && mw[o].key == k))) {
        want = ZX_ERR_INVALID_ARGS;
    } else {
        int newo = (o >= 0 && mw[o].state != DEAD && !m_cycle(o, w, k)) ? o : -1;
        n_cycles += o >= 0 && mw[o].state != DEAD && newo < 0;
        n_owned += newo >= 0;
        owner[k] = newo;
        if (deadline != ZX_TIME_INFINITE && deadline <= now) {
            want = ZX_ERR_TIMED_OUT;
            if (qlen[k] == 0) owner[k] = -1;
        } else {
            blocks = true;
            n_blocked++;
            queue[k][qlen[k]++] = w;
            mw[w].state = BLOCKED;
            mw[w].key = k;
            mw[w].deadline = deadline;
        }
    }
    worker_wait_cmd(&workers[w], key_addr(k), expect, ft_of(o), ost, deadline);
    if (!worker_settle(&workers[w])) mismatches++;
    if (!blocks) expect_result(w, want, "wait");
}

// The model's wake of up to n waiters of k; the woken are listed in out[].
static int m_wake(int k, uint32_t n, bool single, int *out) {
    owner[k] = -1;
    int woken = 0;
    while ((uint32_t)woken < n && qlen[k] > 0) {
        int w = queue[k][0];
        q_remove(k, w);
        mw[w].state = IDLE;
        out[woken++] = w;
    }
    n_woken += woken;
    if (single && woken == 1 && qlen[k] > 0) owner[k] = out[0];
    return woken;
}

static uint32_t pick_count(void) {
    uint64_t r = th_below(&rng, 8);
    return r == 0 ? UINT32_MAX : (uint32_t)r - 1;
}

static void op_wake(void) {
    int k = (int)th_below(&rng, NKEYS);
    bool single = th_below(&rng, 3) == 0;
    uint32_t n = single ? 1 : pick_count();
    int out[MAX_WORKERS];
    int want = m_wake(k, n, single, out);
    uint32_t got = 0;
    zx_status_t st = futex_wake(&ctx, key_addr(k), n, single, &got);
    if (st != ZX_OK || (int)got != want) {
        printf("    op %ld: wake(%d, %u): %d woke %u, model %d\n", ops, k, n, st, got, want);
        mismatches++;
    }
    for (int i = 0; i < want; i++) expect_result(out[i], ZX_OK, "woken");
}

static void op_requeue(void) {
    int k = (int)th_below(&rng, NKEYS);
    int k2 = (int)th_below(&rng, NKEYS - 1);
    if (k2 >= k) k2++;
    bool single = th_below(&rng, 3) == 0;
    uint32_t n = single ? 1 : pick_count(), m = pick_count();
    int expect = th_below(&rng, 5) ? words[k] : words[k] - 1;
    int o = pick_owner();
    zx_status_t ost = ZX_OK;
    if (th_below(&rng, 12) == 0) {
        ost = ZX_ERR_BAD_HANDLE;
        o = -1;
    }
    zx_status_t want = ZX_OK;
    int out[MAX_WORKERS], woken = 0;
    if (words[k] != expect) {
        want = ZX_ERR_BAD_STATE;
    } else if (ost != ZX_OK) {
        want = ost;
    } else if (o >= 0 && mw[o].state == BLOCKED && (mw[o].key == k || mw[o].key == k2)) {
        want = ZX_ERR_INVALID_ARGS;
    } else {
        // Zircon: take the threads to wake, move the next ones, then wake
        // (the woken one owns k only if waiters remain after the move).
        woken = m_wake(k, n, false, out);
        for (uint32_t i = 0; i < m && qlen[k] > 0; i++) {
            int w = queue[k][0];
            q_remove(k, w);
            queue[k2][qlen[k2]++] = w;
            mw[w].key = k2;
            n_moved++;
        }
        if (single && woken == 1 && qlen[k] > 0) owner[k] = out[0];
        bool ok = o >= 0 && mw[o].state != DEAD && qlen[k2] > 0 && !m_cycle(o, -1, k2);
        n_cycles += o >= 0 && mw[o].state != DEAD && qlen[k2] > 0 && !ok;
        n_owned += ok;
        owner[k2] = ok ? o : -1;
    }
    zx_status_t st = futex_requeue(&ctx, key_addr(k), n, expect, key_addr(k2), m, ft_of(o), ost, single);
    if (getenv("FUTEX_MODEL_TRACE"))
        printf("    op %ld: requeue %d->%d n=%u m=%u owner %d (state %d key %d) single %d: %d; q2 len %d owner2 %d\n", ops,
               k, k2, n, m, o, o >= 0 ? mw[o].state : -1, o >= 0 ? mw[o].key : -1, single, st, qlen[k2], owner[k2]);
    if (st != want) {
        printf("    op %ld: requeue(%d -> %d, %u, %u, owner %d): %d, model %d\n", ops, k, k2, n, m, o, st, want);
        mismatches++;
    }
    for (int i = 0; i < woken; i++) expect_result(out[i], ZX_OK, "woken by requeue");
}

// A waiter leaves its queue by itself (timeout or kill); its futex keeps its
// owner only while waiters remain.
static void m_leave(int w) {
    int k = mw[w].key;
    q_remove(k, w);
    mw[w].state = IDLE;
    if (qlen[k] == 0) owner[k] = -1;
}

static void op_advance(void) {
    zx_time_t dt = (zx_time_t)th_below(&rng, 60);
    zx_time_t now = fake_sched_now() + dt;
    int out[MAX_WORKERS], n = 0;
    // All expired waiters leave their queues at once; then each cleans up.
    for (int i = 0; i < nworkers; i++)
        if (mw[i].state == BLOCKED && mw[i].deadline <= now) out[n++] = i;
    for (int i = 0; i < n; i++) {
        int k = mw[out[i]].key;
        q_remove(k, out[i]);
        mw[out[i]].state = IDLE;
    }
    fake_sched_advance(dt);
    for (int i = 0; i < n; i++) expect_result(out[i], ZX_ERR_TIMED_OUT, "timed out");
    n_timeouts += n;
    // A futex left without waiters loses its owner (a futex with waiters had
    // no timeout change its owner).
    for (int k = 0; k < NKEYS; k++)
        if (qlen[k] == 0) owner[k] = -1;
}

// The thread exits; a new one takes its place (maybe in the slot of one that
// exited earlier: a dead thread stays nameable as an owner until then).
static void retire(int w) {
    worker_exit(&workers[w]);
    mw[w].state = DEAD;
    for (int k = 0; k < NKEYS; k++)
        if (owner[k] == w) owner[k] = -1;
    struct worker *n = worker_new();
    mw[n - workers].state = IDLE;
    retired++;
}

static void op_kill(void) {
    int w = pick_worker(BLOCKED);
    if (w < 0) return;
    m_leave(w);
    fake_sched_kill(&workers[w].u);
    expect_result(w, ZX_ERR_CANCELED, "killed");
    retire(w);  // a killed thread exits
}

static void op_exit(void) {
    int w = pick_worker(IDLE);
    if (w >= 0) retire(w);
}

static void op_store(void) {
    int k = (int)th_below(&rng, NKEYS);
    __atomic_store_n(&words[k], (int)th_below(&rng, 3), __ATOMIC_SEQ_CST);
}

static void op_get_owner_bad(void) {
    zx_koid_t koid;
    if (futex_get_owner(&ctx, key_addr(0) + 1 + th_below(&rng, 3), &koid) != ZX_ERR_INVALID_ARGS) mismatches++;
}

static long total_ops;

static void model_run(void) {
    for (int i = 0; i < NSTART; i++) worker_new();
    for (int k = 0; k < NKEYS; k++) {
        words[k] = 0;
        qlen[k] = 0;
        owner[k] = -1;
    }
    static const char *names[] = {"wait", "wake", "requeue", "advance", "kill", "exit", "store", "bad"};
    for (ops = 0; ops < total_ops && mismatches == 0; ops++) {
        uint64_t r = th_below(&rng, 100);
        int which = r < 40 ? 0 : r < 58 ? 1 : r < 72 ? 2 : r < 80 ? 3 : r < 83 ? 4 : r < 85 ? 5 : r < 98 ? 6 : 7;
        switch (which) {
        case 0: op_wait(); break;
        case 1: op_wake(); break;
        case 2: op_requeue(); break;
        case 3: op_advance(); break;
        case 4: op_kill(); break;
        case 5: op_exit(); break;
        case 6: op_store(); break;
        default: op_get_owner_bad(); break;
        }
        compare(names[which]);
    }
    CHECK_EQ(mismatches, 0);
    // Wake everyone and end.
    for (int k = 0; k < NKEYS; k++) {
        int out[MAX_WORKERS];
        int n = m_wake(k, UINT32_MAX, false, out);
        futex_wake(&ctx, key_addr(k), UINT32_MAX, false, NULL);
        for (int i = 0; i < n; i++) expect_result(out[i], ZX_OK, "final wake");
    }
    compare("final");
    CHECK_EQ(ctx_nactive(), 0);
    printf("    %ld operations: %ld blocked, %ld woken, %ld requeued, %ld timed out, %ld exited or killed;"
           " owners: %ld set, %ld refused as cycles\n",
           ops, n_blocked, n_woken, n_moved, n_timeouts, retired, n_owned, n_cycles);
}

int main(int argc, char **argv) {
    total_ops = argc > 1 ? strtol(argv[1], NULL, 0) : 20000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0xf00d;
    th_prefix = "futex-model";
    ctx_setup();
    RUN_CASE(model_run);
    ctx_teardown();
    return th_exit_status("test_futex_model");
}
