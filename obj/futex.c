// Futexes (see obj/futex.h for the design, invariants and lock order).
//
// Invariants, under c->lock:
//   - a state is either in the pool (refs 0, no owner, empty queue) or in the
//     hash table under its key (refs > 0); nfree + nactive is the number of
//     states the live threads brought;
//   - a thread with t->blocked_on == f holds one of f's refs; every thread in
//     f's wait queue has blocked_on == f (a thread that timed out or was
//     killed has left the queue but keeps blocked_on until it cleans up);
//   - f->owner != NULL only while f's queue is not empty, and never names a
//     thread with dead set;
//   - following "thread -> futex it is blocked on -> that futex's owner"
//     never comes back to where it started.
#include "obj/futex.h"

#include "kern/sched.h"
#include "mm/kheap.h"
#include "mm/usercopy.h"

static uint64_t blocked_waiters;  // atomic: threads with blocked_on set, all processes

uint64_t futex_waiters(void) { return __atomic_load_n(&blocked_waiters, __ATOMIC_RELAXED); }

static inline uint32_t bucket_of(uintptr_t key) {
    return (uint32_t)(((uint64_t)(key >> 2) * 0x9e3779b97f4a7c15ull) >> (64 - FUTEX_BUCKET_BITS));
}

static inline bool futex_ptr_ok(uintptr_t uaddr) {
    return uaddr != 0 && (uaddr & (sizeof(zx_futex_t) - 1)) == 0;
}

void futex_ctx_init(struct futex_ctx *c) {
    spin_init(&c->lock, "futex");
    for (uint32_t i = 0; i < FUTEX_BUCKETS; i++) c->buckets[i] = 0;
    c->free = 0;
    c->nfree = 0;
    c->nactive = 0;
}

void futex_ctx_destroy(struct futex_ctx *c) {
    // Normally every state went back with its thread; whatever is left (a
    // thread that found the pool short, which the invariants rule out) goes
    // here, so the heap gets everything back in any case.
    uint64_t f = spin_lock_irqsave(&c->lock);
    struct futex *list = c->free;
    c->free = 0;
    c->nfree = 0;
    for (uint32_t i = 0; i < FUTEX_BUCKETS; i++) {
        while (c->buckets[i]) {
            struct futex *x = c->buckets[i];
            c->buckets[i] = x->next;
            x->next = list;
            list = x;
        }
    }
    c->nactive = 0;
    spin_unlock_irqrestore(&c->lock, f);
    while (list) {
        struct futex *x = list;
        list = x->next;
        kfree(x);
    }
}

zx_status_t futex_reserve_alloc(struct futex_reserve *r) {
    for (int i = 0; i < FUTEX_STATES_PER_THREAD; i++) {
        r->state[i] = kzalloc(sizeof(struct futex));
        if (!r->state[i]) {
            while (i-- > 0) kfree(r->state[i]);
            return ZX_ERR_NO_MEMORY;
        }
    }
    return ZX_OK;
}

void futex_reserve_free(struct futex_reserve *r) {
    for (int i = 0; i < FUTEX_STATES_PER_THREAD; i++) {
        kfree(r->state[i]);
        r->state[i] = 0;
    }
}

void futex_ctx_add_reserve(struct futex_ctx *c, struct futex_reserve *r) {
    uint64_t f = spin_lock_irqsave(&c->lock);
    for (int i = 0; i < FUTEX_STATES_PER_THREAD; i++) {
        r->state[i]->next = c->free;
        c->free = r->state[i];
        c->nfree++;
        r->state[i] = 0;
    }
    spin_unlock_irqrestore(&c->lock, f);
}

void futex_thread_init(struct futex_thread *t) {
    t->blocked_on = 0;
    t->dead = false;
}

static struct futex *find_locked(struct futex_ctx *c, uintptr_t key) {
    for (struct futex *x = c->buckets[bucket_of(key)]; x; x = x->next)
        if (x->key == key) return x;
    return 0;
}

// The active state for key, taken from the pool if the futex had none, with
// one more ref for the caller. NULL only if the pool is empty, which the
// pool's sizing rules out (see obj/futex.h).
static struct futex *activate_locked(struct futex_ctx *c, uintptr_t key) {
    struct futex *x = find_locked(c, key);
    if (!x) {
        x = c->free;
        if (!x) return 0;
        c->free = x->next;
        c->nfree--;
        x->key = key;
        x->owner = 0;
        x->wq.head = 0;
        x->refs = 0;
        uint32_t b = bucket_of(key);
        x->next = c->buckets[b];
        c->buckets[b] = x;
        c->nactive++;
    }
    x->refs++;
    return x;
}

// Drop n refs; the last one returns the state to the pool. Its queue is then
// empty: every waiter holds a ref.
static void put_locked(struct futex_ctx *c, struct futex *x, uint32_t n) {
    x->refs -= n;
    if (x->refs) return;
    for (struct futex **p = &c->buckets[bucket_of(x->key)]; *p; p = &(*p)->next) {
        if (*p == x) {
            *p = x->next;
            break;
        }
    }
    c->nactive--;
    x->owner = 0;
    x->next = c->free;
    c->free = x;
    c->nfree++;
}

static bool queue_empty_locked(struct futex *x) {
    uint64_t sf = sched_lock_irqsave();
    bool empty = x->wq.head == 0;
    sched_unlock_irqrestore(sf);
    return empty;
}

// Does the chain "thread -> the futex it is blocked on -> that futex's owner
// -> ..." starting at t reach thread `me` or futex `target`? Then making t an
// owner would close a cycle.
static bool chain_reaches(const struct futex_thread *t, const struct futex_thread *me, const struct futex *target) {
    for (uint32_t steps = 0; t; steps++) {
        if (t == me || steps >= FUTEX_CHAIN_MAX) return true;
        const struct futex *x = t->blocked_on;
        if (!x) return false;
        if (x == target) return true;
        t = x->owner;
    }
    return false;
}

// Wake up to `count` waiters of x (oldest first) with ZX_OK, taking over
// their bookkeeping (they return from futex_wait without touching it).
// Clears x's owner; with assign_owner, a single woken thread becomes the
// owner if waiters remain. Returns how many woke; their refs are still on x
// (the caller drops them with put_locked). *out_last gets the last one woken.
static uint32_t wake_locked(struct futex *x, uint32_t count, bool assign_owner, struct futex_thread **out_last) {
    x->owner = 0;
    x->wake_seq++;
    x->change_seq++;
    uint32_t woken = 0;
    struct futex_thread *last = 0;
    uint64_t sf = sched_lock_irqsave();
    while (woken < count) {
        struct thread *kt = wait_queue_wake_one_locked(&x->wq, ZX_OK);
        if (!kt) break;
        last = futex_thread_of(kt);
        last->blocked_on = 0;
        woken++;
    }
    if (assign_owner && woken == 1 && x->wq.head) x->owner = last;
    sched_unlock_irqrestore(sf);
    __atomic_fetch_sub(&blocked_waiters, woken, __ATOMIC_RELAXED);
    if (out_last) *out_last = last;
    return woken;
}

// The end of a wait: if no waker took over our bookkeeping (timeout, kill,
// or we never blocked), leave the futex we are accounted on, which a requeue
// may have changed. A futex left without waiters loses its owner.
static void wait_cleanup_locked(struct futex_ctx *c, struct futex_thread *me) {
    struct futex *x = me->blocked_on;
    if (!x) return;
    me->blocked_on = 0;
    __atomic_fetch_sub(&blocked_waiters, 1, __ATOMIC_RELAXED);
    if (queue_empty_locked(x)) x->owner = 0;
    put_locked(c, x, 1);
}

// The futex word's value against `current`, read with no lock held (the
// read may fault and be resolved, obj/futex.h): INVALID_ARGS if unreadable,
// BAD_STATE if it differs, else owner_status (the owner's lookup result,
// which Zircon reports only when the value matched).
static zx_status_t read_and_compare(uintptr_t uaddr, zx_futex_t current, zx_status_t owner_status) {
    zx_futex_t value;
    if (copy_from_user(&value, (uptr_t){uaddr}, sizeof value) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    return value != current ? ZX_ERR_BAD_STATE : owner_status;
}

zx_status_t futex_wait(struct futex_ctx *c, struct futex_thread *me, uintptr_t uaddr, zx_futex_t current,
                       struct futex_thread *new_owner, zx_status_t owner_status, zx_time_t deadline) {
    if (!futex_ptr_ok(uaddr)) return ZX_ERR_INVALID_ARGS;
    uint64_t f = spin_lock_irqsave(&c->lock);
    struct futex *x = activate_locked(c, uaddr);
    if (!x) {
        spin_unlock_irqrestore(&c->lock, f);
        return ZX_ERR_NO_RESOURCES;
    }
    zx_status_t st;
    for (;;) {
        uint32_t seq = x->wake_seq;
        spin_unlock_irqrestore(&c->lock, f);
        st = read_and_compare(uaddr, current, owner_status);
        f = spin_lock_irqsave(&c->lock);
        if (st != ZX_OK) break;
        if (x->wake_seq != seq) continue;  // a wake fell between the snapshot and now: read again
        struct futex_thread *owner = new_owner;
        if (owner) {
            if (owner == me || owner->blocked_on == x) {
                st = ZX_ERR_INVALID_ARGS;
                break;
            }
            if (owner->dead || chain_reaches(owner, me, x)) owner = 0;
        }
        // Committed: we block with our ref on x. Ownership changes even if
        // the block ends at once (deadline passed, being killed); then the
        // cleanup drops it again unless other waiters remain (as Zircon).
        x->owner = owner;
        x->change_seq++;
        me->blocked_on = x;
        __atomic_fetch_add(&blocked_waiters, 1, __ATOMIC_RELAXED);
        (void)sched_lock_irqsave();  // interrupts are already off: f restores them
        spin_unlock(&c->lock);
        st = sched_block_locked(&x->wq, deadline, f);
        f = spin_lock_irqsave(&c->lock);
        wait_cleanup_locked(c, me);
        spin_unlock_irqrestore(&c->lock, f);
        return st;
    }
    put_locked(c, x, 1);
    spin_unlock_irqrestore(&c->lock, f);
    return st;
}

zx_status_t futex_wake(struct futex_ctx *c, uintptr_t uaddr, uint32_t count, bool single_owner,
                       uint32_t *out_woken) {
    if (!futex_ptr_ok(uaddr)) return ZX_ERR_INVALID_ARGS;
    uint32_t woken = 0;
    uint64_t f = spin_lock_irqsave(&c->lock);
    struct futex *x = find_locked(c, uaddr);
    if (x) {  // else nobody waits: nothing to do, and no owner to clear
        woken = wake_locked(x, count, single_owner, 0);
        put_locked(c, x, woken);
    }
    spin_unlock_irqrestore(&c->lock, f);
    if (out_woken) *out_woken = woken;
    return ZX_OK;
}

zx_status_t futex_requeue(struct futex_ctx *c, uintptr_t uaddr, uint32_t wake_count, zx_futex_t current,
                          uintptr_t requeue_uaddr, uint32_t requeue_count, struct futex_thread *new_owner,
                          zx_status_t owner_status, bool single_owner) {
    if (!futex_ptr_ok(uaddr) || !futex_ptr_ok(requeue_uaddr) || uaddr == requeue_uaddr)
        return ZX_ERR_INVALID_ARGS;
    uint64_t f = spin_lock_irqsave(&c->lock);
    struct futex *x = activate_locked(c, uaddr);
    struct futex *to = x ? activate_locked(c, requeue_uaddr) : 0;
    if (!to) {
        if (x) put_locked(c, x, 1);
        spin_unlock_irqrestore(&c->lock, f);
        return ZX_ERR_NO_RESOURCES;
    }
    zx_status_t st;
    for (;;) {
        uint32_t seq = x->change_seq;
        spin_unlock_irqrestore(&c->lock, f);
        st = read_and_compare(uaddr, current, owner_status);
        f = spin_lock_irqsave(&c->lock);
        if (st != ZX_OK) break;
        if (x->change_seq != seq) continue;  // x's waiters changed during the read: read again
        if (new_owner && (new_owner->blocked_on == x || new_owner->blocked_on == to)) {
            st = ZX_ERR_INVALID_ARGS;
            break;
        }
        struct futex_thread *woken_thread;
        uint32_t woken = wake_locked(x, wake_count, false, &woken_thread);
        // Move the next requeue_count waiters; each now waits on `to`, and
        // its ref moves with it. Then, for the single_owner form, the woken
        // thread owns x if waiters are left on x (Zircon wakes after moving).
        // One at a time: the head of a FIFO wait queue is the one that
        // wait_queue_requeue_locked moves next (kern/sched.h).
        uint32_t moved = 0;
        uint64_t sf = sched_lock_irqsave();
        while (moved < requeue_count && x->wq.head) {
            struct futex_thread *t = futex_thread_of(x->wq.head);
            if (wait_queue_requeue_locked(&x->wq, &to->wq, 1) != 1) break;
            t->blocked_on = to;
            moved++;
        }
        bool to_has_waiters = to->wq.head != 0;
        if (single_owner && woken == 1 && x->wq.head) x->owner = woken_thread;
        sched_unlock_irqrestore(sf);
        x->refs -= moved;
        to->refs += moved;
        x->wake_seq++;
        x->change_seq++;
        to->change_seq++;
        put_locked(c, x, woken);
        // The target's owner: the named thread while the target has waiters
        // and no cycle forms (evaluated on the queues as they are now).
        struct futex_thread *owner = new_owner;
        if (owner && (owner->dead || !to_has_waiters || chain_reaches(owner, 0, to))) owner = 0;
        to->owner = to_has_waiters ? owner : 0;
        st = ZX_OK;
        break;
    }
    put_locked(c, to, 1);
    put_locked(c, x, 1);
    spin_unlock_irqrestore(&c->lock, f);
    return st;
}

zx_status_t futex_get_owner(struct futex_ctx *c, uintptr_t uaddr, zx_koid_t *out_koid) {
    if (!futex_ptr_ok(uaddr)) return ZX_ERR_INVALID_ARGS;
    uint64_t f = spin_lock_irqsave(&c->lock);
    struct futex *x = find_locked(c, uaddr);
    zx_koid_t koid = x && x->owner ? futex_thread_koid(x->owner) : ZX_KOID_INVALID;
    spin_unlock_irqrestore(&c->lock, f);
    *out_koid = koid;
    return ZX_OK;
}

void futex_thread_exit(struct futex_ctx *c, struct futex_thread *t) {
    struct futex_reserve r = {{0}};
    uint64_t f = spin_lock_irqsave(&c->lock);
    t->dead = true;
    wait_cleanup_locked(c, t);  // nothing to do: an exiting thread is in no futex call
    for (uint32_t i = 0; i < FUTEX_BUCKETS; i++)
        for (struct futex *x = c->buckets[i]; x; x = x->next)
            if (x->owner == t) x->owner = 0;
    for (int i = 0; i < FUTEX_STATES_PER_THREAD && c->free; i++) {
        r.state[i] = c->free;
        c->free = r.state[i]->next;
        c->nfree--;
    }
    spin_unlock_irqrestore(&c->lock, f);
    futex_reserve_free(&r);
}
