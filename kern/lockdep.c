// The lock-order checker (see kern/lockdep.h and kern/lockdep_graph.h).
//
// The graph is global, guarded by graph_lk, a raw flag that is not itself
// checked (it is a leaf taken with interrupts off, only here). The fast path
// (every edge from what this hart holds to the new class already known)
// reads the graph without the flag: edges are only ever added, and a stale
// read merely sends the caller to the slow path.
#include "kern/lockdep.h"

#include "kern/hart.h"
#include "kern/lockdep_graph.h"
#include "kern/panic.h"
#include "kern/printf.h"

#ifdef LOCKDEP
static struct lockdep_graph graph;
static uint32_t graph_lk;
bool lockdep_enabled;

void lockdep_init(bool on) { __atomic_store_n(&lockdep_enabled, on, __ATOMIC_RELEASE); }
bool lockdep_active(void) { return __atomic_load_n(&lockdep_enabled, __ATOMIC_ACQUIRE); }

static void graph_lock(void) {
    while (__atomic_exchange_n(&graph_lk, 1, __ATOMIC_ACQUIRE)) {
    }
}
static void graph_unlock(void) { __atomic_store_n(&graph_lk, 0, __ATOMIC_RELEASE); }

static unsigned class_of(struct spinlock *l) {
    uint16_t c = __atomic_load_n(&l->cls, __ATOMIC_RELAXED);
    if (c) return c - 1u;
    graph_lock();
    unsigned k = lockdep_graph_class(&graph, l->name);
    graph_unlock();
    if (k == LOCKDEP_MAX_CLASSES) {
        lockdep_init(false);
        panic("lockdep: more than %u lock classes (raise LOCKDEP_MAX_CLASSES)", LOCKDEP_MAX_CLASSES);
    }
    __atomic_store_n(&l->cls, (uint16_t)(k + 1), __ATOMIC_RELAXED);
    return k;
}

void lockdep_print_held(void) {
    struct lockdep_held *h = &this_hart()->held;
    kprintf("locks held by hart %u:", this_hart()->hartid);
    if (!h->depth) kprintf(" none");
    kprintf("\n");
    for (unsigned i = 0; i < h->depth; i++)
        kprintf("  %s (taken at %s)\n", graph.names[h->cls[i]], h->site[i]);
}

void lockdep_acquire_slow(struct spinlock *l, const char *site) {
    struct hart *hart = this_hart();
    struct lockdep_held *h = &hart->held;
    unsigned c = class_of(l);
    if (!lockdep_graph_known(&graph, h, c)) {
        struct lockdep_report r;
        graph_lock();
        bool ok = lockdep_graph_check(&graph, h, c, site, &r);
        graph_unlock();
        if (!ok) {
            lockdep_init(false);
            panic("lock order inversion: taking \"%s\" at %s while holding \"%s\" (taken at %s); "
                  "the opposite order was seen before: \"%s\" taken at %s, then \"%s\" at %s",
                  graph.names[r.taken], r.taken_site, graph.names[r.held], r.held_site, graph.names[r.taken],
                  r.prior.held_site, graph.names[r.via], r.prior.taken_site);
        }
    }
    if (!lockdep_held_push(h, c, site)) {
        lockdep_init(false);
        panic("lockdep: more than %u locks held at once (taking \"%s\" at %s)", LOCKDEP_MAX_HELD, l->name, site);
    }
}

void lockdep_release_slow(struct spinlock *l) {
    unsigned c = class_of(l);
    if (!lockdep_held_pop(&this_hart()->held, c)) {
        lockdep_init(false);
        panic("lockdep: releasing \"%s\", which this hart does not hold", l->name);
    }
}

void lockdep_dump(void) {
    graph_lock();
    kprintf("lockdep: %u lock classes; \"A -> B\": B was taken while A was held (first seen at)\n", graph.n_classes);
    for (unsigned a = 0; a < graph.n_classes; a++)
        for (unsigned b = 0; b < graph.n_classes; b++)
            if (graph.after[a] & (1ull << b))
                kprintf("lockdep:   %s -> %s (%s, then %s)\n", graph.names[a], graph.names[b],
                        graph.sites[a][b].held_site, graph.sites[a][b].taken_site);
    graph_unlock();
}

unsigned lockdep_depth(void) { return lockdep_active() ? this_hart()->held.depth : 0; }

void lockdep_assert_only(const struct spinlock *allowed, const char *what) {
    if (!lockdep_active()) return;
    struct lockdep_held *h = &this_hart()->held;
    unsigned want = allowed ? 1 : 0;
    if (h->depth == want && (!allowed || h->cls[0] == allowed->cls - 1u)) return;
    lockdep_init(false);
    lockdep_print_held();
    panic("%s with %u spinlock(s) held (allowed: %s)", what, h->depth, allowed ? allowed->name : "none");
}
#endif
