// Concurrency smoke test of obj/handle.c: args [iterations per thread, seed].
//
// In each of 40 rounds, several threads share one fresh table (starting
// empty, so they race to grow it through handle_add's drop-the-lock-to-
// allocate path, in some rounds with the heap failing) and a few shared
// objects. Each thread adds, replaces, takes and re-installs, and closes
// handles to its own objects (whose only reference is the handle) and to the
// shared ones, and looks up and duplicates values published by the other
// threads: a lookup must either fail with ZX_ERR_BAD_HANDLE or return a live
// object that stays valid until unref'd, however the owner races to close it
// (ASan would see a use after free); an own object's handle count must reach
// 0 exactly once (a duplicate racing the last close must not revive it).
// At the end of a round the table is empty; at the end, every object is
// destroyed exactly once and the heap is back where it started. The seed
// fixes each thread's choices, not the interleaving: races are caught
// probabilistically (e.g. taking handle_get's reference after dropping the
// lock was caught by every ASan run of 400000 iterations tried).
#include <inttypes.h>
#include <pthread.h>
#include <zircon/types.h>

#include "fake_kheap.h"
#include "fake_object.h"
#include "../harness.h"
#include "obj/handle.h"
#include "obj/object.h"

#define NTHREADS 4
#define PER_THREAD 48
#define NSHARED 6

static struct handle_table table;
static struct fake_obj *shared[NSHARED];
static zx_handle_t published[NTHREADS][PER_THREAD];  // atomics
static pthread_barrier_t start;
static long iterations;
static uint64_t seed0;
static long errors;

struct thread_state {
    int id;
    uint64_t rng;
    zx_handle_t mine[PER_THREAD];
    struct fake_obj *obj[PER_THREAD];  // NULL: a shared object
    long gets_ok, gets_bad, adds, closes, replaces, refused, takes, dups;
};

static void thread_error(const char *what, zx_status_t st, int id) {
    __atomic_fetch_add(&errors, 1, __ATOMIC_SEQ_CST);
    printf("    thread %d: %s: status %d\n", id, what, st);
}

static void slot_fill(struct thread_state *s, int i) {
    struct fake_obj *o;
    bool own = th_below(&s->rng, 2);
    if (own) {
        o = fake_new(ZX_OBJ_TYPE_EVENT, NULL);
        o->id = s->id;
        o->expect_single_zero = true;  // its handle count rises from 0 once and falls to 0 once
    } else {
        o = shared[th_below(&s->rng, NSHARED)];
    }
    zx_handle_t h = 0;
    zx_status_t st = handle_add(&table, fake_base(o), ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_DUPLICATE, &h);
    if (own && st != ZX_OK) o->expect_single_zero = false;  // never had a handle
    if (own) object_unref(fake_base(o));  // on success the handle keeps it; on failure it is gone
    if (st != ZX_OK) {
        if (st != ZX_ERR_NO_MEMORY) thread_error("add", st, s->id);
        s->refused++;
        s->mine[i] = 0;
        s->obj[i] = NULL;
        __atomic_store_n(&published[s->id][i], 0, __ATOMIC_SEQ_CST);
        return;
    }
    s->adds++;
    s->mine[i] = h;
    s->obj[i] = own ? o : NULL;
    __atomic_store_n(&published[s->id][i], h, __ATOMIC_SEQ_CST);
}

static void slot_close(struct thread_state *s, int i) {
    if (!s->mine[i]) return;
    __atomic_store_n(&published[s->id][i], 0, __ATOMIC_SEQ_CST);
    zx_status_t st = handle_close(&table, s->mine[i]);
    if (st != ZX_OK) thread_error("close", st, s->id);
    s->closes++;
    s->mine[i] = 0;
}

static void *thread_main(void *arg) {
    struct thread_state *s = arg;
    for (int i = 0; i < PER_THREAD; i++) s->mine[i] = 0;
    pthread_barrier_wait(&start);
    // Everyone fills up at once: concurrent growth.
    for (int i = 0; i < PER_THREAD; i++) slot_fill(s, i);
    for (long n = 0; n < iterations; n++) {
        int i = (int)th_below(&s->rng, PER_THREAD);
        switch (th_below(&s->rng, 10)) {
        case 0:
        case 1:
            slot_close(s, i);
            slot_fill(s, i);
            break;
        case 2:
            if (s->mine[i]) {
                zx_handle_t nh = 0;
                zx_status_t st = handle_replace(&table, s->mine[i], ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE, &nh);
                if (st != ZX_OK) thread_error("replace", st, s->id);
                s->mine[i] = nh;
                __atomic_store_n(&published[s->id][i], nh, __ATOMIC_SEQ_CST);
                s->replaces++;
            }
            break;
        case 4: {
            // Take our handle for a "transfer" and install it again (or drop
            // it when the heap refuses): in flight it keeps counting.
            if (!s->mine[i]) break;
            __atomic_store_n(&published[s->id][i], 0, __ATOMIC_SEQ_CST);
            struct object *o = NULL;
            zx_rights_t r = 0;
            zx_status_t st = handle_take(&table, s->mine[i], &o, &r);
            if (st != ZX_OK) {
                thread_error("take", st, s->id);
                break;
            }
            zx_handle_t nh = 0;
            st = handle_install(&table, o, r, &nh);
            if (st == ZX_OK) {
                s->mine[i] = nh;
                __atomic_store_n(&published[s->id][i], nh, __ATOMIC_SEQ_CST);
            } else {
                if (st != ZX_ERR_NO_MEMORY) thread_error("install", st, s->id);
                object_handle_removed(o);
                object_unref(o);
                s->mine[i] = 0;
                s->closes++;  // it is gone
            }
            s->takes++;
            break;
        }
        case 5: {
            // Duplicate someone else's value, racing with its owner closing
            // it: the source is either live (then the object cannot have hit
            // zero handles) or refused. The copy replaces our slot i.
            int t = (int)th_below(&s->rng, NTHREADS);
            zx_handle_t v = __atomic_load_n(&published[t][th_below(&s->rng, PER_THREAD)], __ATOMIC_SEQ_CST);
            if (!v) break;
            zx_handle_t nh = 0;
            zx_status_t st = handle_duplicate(&table, v, ZX_RIGHT_SAME_RIGHTS, &nh);
            if (st == ZX_OK) {
                slot_close(s, i);
                s->mine[i] = nh;
                s->obj[i] = NULL;  // unknown here
                s->adds++;
                s->dups++;
                __atomic_store_n(&published[s->id][i], nh, __ATOMIC_SEQ_CST);
            } else if (st == ZX_ERR_BAD_HANDLE) {
                s->gets_bad++;
            } else if (st != ZX_ERR_NO_MEMORY) {
                thread_error("duplicate", st, s->id);
            }
            break;
        }
        case 3: {
            if (!s->mine[i]) break;
            struct object *o = NULL;
            zx_status_t st = handle_get(&table, s->mine[i], ZX_OBJ_TYPE_NONE, ZX_RIGHT_READ, &o, NULL);
            if (st != ZX_OK) thread_error("get own", st, s->id);
            if (o && s->obj[i] && o != fake_base(s->obj[i])) thread_error("get own: wrong object", 0, s->id);
            if (o) object_unref(o);
            break;
        }
        default: {
            // Someone else's value, racing with its owner.
            int t = (int)th_below(&s->rng, NTHREADS);
            zx_handle_t v = __atomic_load_n(&published[t][th_below(&s->rng, PER_THREAD)], __ATOMIC_SEQ_CST);
            if (!v) break;
            struct object *o = NULL;
            zx_status_t st = handle_get(&table, v, ZX_OBJ_TYPE_NONE, 0, &o, NULL);
            if (st == ZX_OK) {
                struct fake_obj *f = (struct fake_obj *)o;
                if (f->magic != FAKE_OBJ_MAGIC) thread_error("get other: dead object", 0, s->id);
                if (fake_refs(f) == 0) thread_error("get other: refcount 0", 0, s->id);
                object_unref(o);
                s->gets_ok++;
            } else if (st == ZX_ERR_BAD_HANDLE) {
                s->gets_bad++;
            } else {
                thread_error("get other", st, s->id);
            }
            break;
        }
        }
        // Now and then the heap refuses: a racing grow must fail cleanly.
        if (th_below(&s->rng, 5000) == 0) fake_kheap_fail_after((long)th_below(&s->rng, 3));
        if (th_below(&s->rng, 500) == 0) fake_kheap_fail_after(-1);
    }
    for (int i = 0; i < PER_THREAD; i++) slot_close(s, i);
    return NULL;
}

// One round: a fresh table, the threads race to fill and use it, then empty it.
static int run_round(int round, struct thread_state *st, struct fake_rec *shared_rec) {
    int bad = 0;
    if (handle_table_init(&table, 4096, 0x1badcafeu ^ (uint32_t)round) != ZX_OK) return 1;
    // Some rounds start with a heap that refuses after a few blocks, so
    // racing growth meets NO_MEMORY (the threads turn the heap back on).
    uint64_t r = seed0 + (uint64_t)round;
    fake_kheap_fail_after(round % 3 == 0 ? (long)th_below(&r, 3) : -1);
    pthread_barrier_init(&start, NULL, NTHREADS);
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        st[i].id = i;
        st[i].rng = seed0 + (uint64_t)round * 0x9e3779b9u + (uint64_t)i * 0x1000193u;
        if (pthread_create(&th[i], NULL, thread_main, &st[i]) != 0) return 1;
    }
    for (int i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
    fake_kheap_fail_after(-1);
    pthread_barrier_destroy(&start);
    if (handle_table_count(&table) != 0) {
        printf("    round %d: table not empty: %u\n", round, handle_table_count(&table));
        bad++;
    }
    for (int i = 0; i < NSHARED; i++) {
        if (fake_refs(shared[i]) != 1 || fake_handles(shared[i]) != 0) {
            printf("    round %d: shared %d: refs %u handles %u\n", round, i, fake_refs(shared[i]),
                   fake_handles(shared[i]));
            bad++;
        }
        if (shared_rec[i].destroyed) bad++;
    }
    handle_table_destroy(&table);
    return bad;
}

int main(int argc, char **argv) {
    iterations = argc > 1 ? strtol(argv[1], NULL, 0) : 200000;
    seed0 = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x7eed;
    const int rounds = 40;
    printf("obj-handle-threads: %d rounds of %d threads x %ld iterations, seed 0x%" PRIx64 "\n", rounds, NTHREADS,
           iterations / rounds, seed0);
    long heap0 = fake_kheap_live();
    uint64_t objs0 = object_live_count();
    struct fake_rec shared_rec[NSHARED];
    for (int i = 0; i < NSHARED; i++) shared[i] = fake_new(ZX_OBJ_TYPE_VMO, &shared_rec[i]);
    static struct thread_state st[NTHREADS];
    long total_iterations = iterations;
    iterations = total_iterations / rounds;
    int bad = 0;
    for (int round = 0; round < rounds; round++) bad += run_round(round, st, shared_rec);

    long adds = 0, closes = 0, replaces = 0, ok = 0, stale = 0, refused = 0, takes = 0, dups = 0;
    for (int i = 0; i < NTHREADS; i++) {
        takes += st[i].takes;
        dups += st[i].dups;
        adds += st[i].adds;
        closes += st[i].closes;
        replaces += st[i].replaces;
        ok += st[i].gets_ok;
        stale += st[i].gets_bad;
        refused += st[i].refused;
    }
    printf("obj-handle-threads: %ld adds (%ld refused: NO_MEMORY; %ld of them duplicates), %ld closes, %ld replaces, "
           "%ld take/install, %ld cross gets ok, %ld stale gets/duplicates\n",
           adds, refused, dups, closes, replaces, takes, ok, stale);
    if (fake_totals.zero_violations) {
        printf("    %ld objects saw their handle count reach 0 more than once\n", fake_totals.zero_violations);
        bad++;
    }
    if (adds != closes) {
        printf("    adds %ld != closes %ld\n", adds, closes);
        bad++;
    }
    if (!refused) {
        printf("    no add was refused: racing growth never met NO_MEMORY\n");
        bad++;
    }
    for (int i = 0; i < NSHARED; i++) {
        object_unref(fake_base(shared[i]));
        if (shared_rec[i].destroyed != 1) bad++;
    }
    if (fake_kheap_live() != heap0 || object_live_count() != objs0 || fake_totals.created != fake_totals.destroyed) {
        printf("    leak: heap %ld -> %ld, objects %" PRIu64 " -> %" PRIu64 ", created %ld destroyed %ld\n", heap0,
               fake_kheap_live(), objs0, object_live_count(), fake_totals.created, fake_totals.destroyed);
        bad++;
    }
    bad += (int)errors;
    printf("obj-handle-threads: %s\n", bad ? "FAILED" : "ok");
    return bad ? 1 : 0;
}
