// A fake kernel object type for the obj/ host tests. Its destroy frees it
// (host free()) and everything it observes goes to a test-owned record, which
// outlives the object:
//   - how often on_zero_handles and destroy ran, in which order, and the
//     counts seen at that moment;
//   - whether a watched handle table's lock was held during a callback
//     (handle.c must call them with the table lock released).
// Optional hooks let a test re-enter the table from the callbacks.
#ifndef TESTS_HOST_OBJ_FAKE_OBJECT_H
#define TESTS_HOST_OBJ_FAKE_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "obj/handle.h"
#include "obj/object.h"

struct fake_obj;

struct fake_rec {
    int zero_calls;           // on_zero_handles calls
    int destroyed;            // destroy calls
    long zero_seq, destroy_seq;  // fake_seq value at the last call of each
    uint32_t handles_at_zero;    // handle_count seen in on_zero_handles
    uint32_t refs_at_zero;       // refcount seen in on_zero_handles
    int lock_held;               // callbacks that found `watch`'s lock held
};

struct fake_obj {
    struct object base;  // first member
    uint64_t magic;
    int id;
    struct fake_rec *rec;        // may be NULL
    struct handle_table *watch;  // may be NULL
    void (*on_zero_hook)(struct fake_obj *o);
    void (*destroy_hook)(struct fake_obj *o);
    void *arg;                   // for the hooks
    int zero_local;              // on_zero_handles calls (atomic)
    bool expect_single_zero;     // destroy counts a violation unless zero_local == 1
};

#define FAKE_OBJ_MAGIC 0x66616b656f626aull

// Totals over all fake objects (atomics).
struct fake_totals {
    long created, destroyed, zero_calls, lock_held;
    long zero_violations;  // expect_single_zero objects whose handle count hit 0 more than once (or never)
};
extern struct fake_totals fake_totals;
// A global event counter, bumped by every callback (orders them).
extern long fake_seq;

// A new object of `type` (ZX_OBJ_TYPE_EVENT, _VMO or _PORT) with refcount 1
// and no handles; rec (may be NULL) is zeroed and receives its observations.
struct fake_obj *fake_new(zx_obj_type_t type, struct fake_rec *rec);
static inline struct object *fake_base(struct fake_obj *o) { return &o->base; }
static inline uint32_t fake_refs(struct fake_obj *o) { return __atomic_load_n(&o->base.refcount, __ATOMIC_SEQ_CST); }
static inline uint32_t fake_handles(struct fake_obj *o) {
    return __atomic_load_n(&o->base.handle_count, __ATOMIC_SEQ_CST);
}
static inline bool fake_lock_held(struct handle_table *t) {
    return t && __atomic_load_n(&t->lock.locked, __ATOMIC_SEQ_CST) != 0;
}
#endif
