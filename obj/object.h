// The common kernel object header: type, koid, reference counts, name.
//
// Every kernel object (VMO, process, job, resource...) embeds `struct object`
// as its first member and is reached through it. Two counts are kept apart,
// as in Zircon:
//   - refcount: every reference, handles and internal pointers alike; the
//     object is destroyed (ops->destroy) exactly when it drops to zero;
//   - handle_count: handles only; ops->on_zero_handles (optional) runs when
//     the last handle goes, while references may remain.
// koids are unique for the kernel's lifetime (a 64-bit counter, never reused,
// starting at 1024 as Zircon's first user-visible koids do).
//
// Locking: the counts are atomics. o->lock guards the name and whatever the
// object type adds (signals live in obj/signal.h). Lock order: an object's
// lock is taken after any handle-table lock and never two objects' locks at
// once unless a type documents a parent -> child order.
//
// This file builds on the host too (tests/host/obj/), so it uses only
// atomics, kern/spinlock.h and kern/string.h.
#ifndef OBJ_OBJECT_H
#define OBJ_OBJECT_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"

struct object;
struct signal_observer;

struct object_ops {
    zx_obj_type_t type;
    const char *type_name;
    // Free the object's memory and release what it holds. Called once, with
    // no lock held, when refcount reaches zero.
    void (*destroy)(struct object *o);
    // Optional: the last handle was closed (references may remain).
    void (*on_zero_handles)(struct object *o);
};

struct object {
    const struct object_ops *ops;
    uint32_t refcount;
    uint32_t handle_count;
    zx_koid_t koid;
    struct spinlock lock;
    char name[ZX_MAX_NAME_LEN];
    // Signal state and its observers (obj/signal.h): guarded by the
    // scheduler lock, so a waiter cannot miss a signal.
    zx_signals_t signals;
    struct signal_observer *observers;
};

// Initialise a new object with refcount 1 and no handles; assigns a koid.
void object_init(struct object *o, const struct object_ops *ops);
void object_ref(struct object *o);
// A reference unless the refcount already reached zero (destroy is running
// or about to): for lists that hold no references of their own.
bool object_try_ref(struct object *o);
// Drop a reference; destroys the object when it was the last.
void object_unref(struct object *o);

// Handle accounting, called only by obj/handle.c.
void object_handle_added(struct object *o);
void object_handle_removed(struct object *o);

static inline zx_obj_type_t object_type(const struct object *o) { return o->ops->type; }

// Copy the name out (always NUL terminated, ZX_MAX_NAME_LEN bytes).
void object_get_name(struct object *o, char out[ZX_MAX_NAME_LEN]);
// Set the name from `len` bytes (truncated to ZX_MAX_NAME_LEN - 1, stops at a NUL).
void object_set_name(struct object *o, const char *name, size_t len);

// Objects alive now (created and not yet destroyed), for leak checks.
uint64_t object_live_count(void);
#endif
