// Per-process handle tables.
//
// A handle value names a slot and a generation, never 0, with the two low
// bits set (ZX_HANDLE_FIXED_BITS_MASK), and scrambled with a per-table
// secret so values are not guessable or sequential:
//
//   value = ((gen << HANDLE_INDEX_BITS | index) << 2 | 0x3) ^ (secret & ~0x3)
//
// (the exact packing is obj/handle.c's business; only "nonzero, low bits
// 11, stale values refused" is promised). A slot's generation advances every
// time it is freed, so a closed value is not silently reused: using it gives
// ZX_ERR_BAD_HANDLE until the generation wraps.
//
// A handle holds one reference on its object (object_ref) and counts in its
// handle_count (object_handle_added/removed).
//
// Locking: t->lock guards the table. Lock order: handle table, then object.
#ifndef OBJ_HANDLE_H
#define OBJ_HANDLE_H

#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "obj/object.h"

struct handle_slot;

// Added by obj/handle.c's implementation (not in the original interface):
//   - the actual packing is a keyed 30-bit bijection, not the plain XOR
//     sketched above (see the top of obj/handle.c): the 30 bits above the
//     fixed bits are handle_mix(gen << HANDLE_INDEX_BITS | index, secret), so
//     handle values are never 0, always end in 0b11, and consecutive handles
//     are not sequential;
//   - HANDLE_INDEX_BITS / HANDLE_GEN_BITS / HANDLE_TABLE_MAX_SLOTS: the
//     largest `max` handle_table_init accepts;
//   - free_tail: freed slots are reused FIFO (taken at free_head, freed
//     slots appended at free_tail), so a stale value matches again only
//     after its slot went round 2^HANDLE_GEN_BITS times.
#define HANDLE_INDEX_BITS 18u
#define HANDLE_GEN_BITS 12u
#define HANDLE_TABLE_MAX_SLOTS (1u << HANDLE_INDEX_BITS)

struct handle_table {
    struct spinlock lock;
    struct handle_slot *slots;  // kzalloc'd array, grown on demand up to max
    uint32_t cap, max, count;
    uint32_t free_head;         // index of the first free slot, or UINT32_MAX
    uint32_t secret;
    uint32_t free_tail;         // index of the last free slot, or UINT32_MAX (added)
};

// Called (when set) each time a handle leaves a table, with no lock held
// and a reference on the object still held: close, replace, take (transfer)
// and handle_table_destroy. The kernel sets it to object_handle_gone
// (obj/signal.h), which cancels the waits made through that handle.
extern void (*handle_gone_hook)(struct object *o, const struct handle_table *t, zx_handle_t h);

// max: the most handles the table will hold. secret: per-table scrambling value.
// (Added:) allocates nothing (the slot array is grown by the first
// handle_add); ZX_ERR_INVALID_ARGS unless 1 <= max <= HANDLE_TABLE_MAX_SLOTS.
zx_status_t handle_table_init(struct handle_table *t, uint32_t max, uint32_t secret);
// Close every handle (dropping their references) and free the table's memory.
// (Added:) the references are dropped after t->lock is released, so destroy
// callbacks may use the table. Afterwards the table is dead: it holds no
// memory, every lookup gives ZX_ERR_BAD_HANDLE and handle_add gives
// ZX_ERR_NO_RESOURCES until handle_table_init is called again. Calling it
// twice is harmless.
void handle_table_destroy(struct handle_table *t);

// Add a handle to obj with `rights`. Takes a NEW reference on obj (the caller
// keeps its own). ZX_ERR_NO_RESOURCES when the table is full, ZX_ERR_NO_MEMORY.
// (Added:) ZX_ERR_INVALID_ARGS when obj is NULL. On any error nothing changed.
zx_status_t handle_add(struct handle_table *t, struct object *obj, zx_rights_t rights, zx_handle_t *out);

// Look up a handle. type: required object type, or ZX_OBJ_TYPE_NONE for any.
// required: rights the handle must have. On success *out_obj gets a new
// reference (the caller unrefs it) and *out_rights (may be NULL) the rights.
// Errors, in this order: ZX_ERR_BAD_HANDLE (not a live handle of this table),
// ZX_ERR_WRONG_TYPE, ZX_ERR_ACCESS_DENIED.
zx_status_t handle_get(struct handle_table *t, zx_handle_t h, zx_obj_type_t type, zx_rights_t required,
                       struct object **out_obj, zx_rights_t *out_rights);

// handle_get with the table lock held by the caller (handle_table_lock),
// for callers that must act while the handle is certain to stay in the
// table (zx_object_wait_*: an observer is added before a close can cancel).
uint64_t handle_table_lock(struct handle_table *t);
void handle_table_unlock(struct handle_table *t, uint64_t flags);
zx_status_t handle_get_locked(struct handle_table *t, zx_handle_t h, zx_obj_type_t type, zx_rights_t required,
                              struct object **out_obj, zx_rights_t *out_rights);

// Remove a handle; its reference passes to the caller through *out_obj
// (which must eventually be unref'd or handed to handle_add's caller logic).
// ZX_ERR_BAD_HANDLE if not live.
zx_status_t handle_remove(struct handle_table *t, zx_handle_t h, struct object **out_obj,
                          zx_rights_t *out_rights);

// Close: remove and drop the reference. ZX_ERR_BAD_HANDLE if not live.
zx_status_t handle_close(struct handle_table *t, zx_handle_t h);

// Replace atomically: remove h and add a handle to the same object with
// new_rights (which the caller already checked). On failure to add (table
// memory), h is still removed, as Zircon does.
// (Added:) in this implementation the add cannot fail: the slot just freed is
// available, so the only error is ZX_ERR_BAD_HANDLE (and then nothing
// changed). The object reference and handle_count move to the new handle
// unchanged (on_zero_handles does not run).
zx_status_t handle_replace(struct handle_table *t, zx_handle_t h, zx_rights_t new_rights, zx_handle_t *out);

uint32_t handle_table_count(struct handle_table *t);

// ---- Added: atomic forms of get+add and get+remove ----
// Built from handle_get + handle_add/handle_remove in separate critical
// sections, these would let a racing close of the source drop handle_count
// to 0 (running on_zero_handles, e.g. a channel's peer-closed) and then
// bring it back to 1. Here the source is checked and the change made under
// one hold of t->lock.

// zx_handle_duplicate: a new handle to h's object. rights is
// ZX_RIGHT_SAME_RIGHTS or a subset of h's rights. Errors, in this order (as
// Zircon): ZX_ERR_BAD_HANDLE; ZX_ERR_ACCESS_DENIED (h lacks
// ZX_RIGHT_DUPLICATE); ZX_ERR_INVALID_ARGS (rights not a subset); then
// ZX_ERR_NO_RESOURCES / ZX_ERR_NO_MEMORY. On error nothing changed.
zx_status_t handle_duplicate(struct handle_table *t, zx_handle_t h, zx_rights_t rights, zx_handle_t *out);

// Take h out of the table for a transfer (channel write): like handle_remove,
// but the handle stays counted in obj->handle_count ("in flight"), so
// on_zero_handles does not run. The caller owns the reference AND that count
// and must end with exactly one of: handle_install (into any table), or
// object_handle_removed(obj) then object_unref(obj) (dropping it).
// ZX_ERR_BAD_HANDLE if not live. Calls no callback.
zx_status_t handle_take(struct handle_table *t, zx_handle_t h, struct object **out_obj, zx_rights_t *out_rights);

// Install an in-flight handle (from handle_take) into t. On success the
// caller's reference and handle_count unit move into the table (no
// object_ref, no object_handle_added). On error (ZX_ERR_NO_RESOURCES,
// ZX_ERR_NO_MEMORY, ZX_ERR_INVALID_ARGS for a NULL obj) nothing changed and
// the caller still owns the in-flight handle.
zx_status_t handle_install(struct handle_table *t, struct object *obj, zx_rights_t rights, zx_handle_t *out);
#endif
