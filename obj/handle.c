// Per-process handle tables (see obj/handle.h).
//
// Representation. t->slots[0 .. cap) is one kzalloc'd array, grown on demand
// (double, at least HANDLE_MIN_CAP, at most max) by allocating a bigger
// array, copying and freeing the old one. A slot is live iff slot->obj is not
// NULL; a free slot keeps its generation and links to the next free slot.
//
// Handle values (32 bits):
//
//   payload = gen << HANDLE_INDEX_BITS | index          (30 bits: 12 + 18)
//   value   = handle_mix(payload, secret) << 2 | 0x3
//
// handle_mix is a bijection of the 30-bit payloads keyed by the table secret
// (xor, odd multiply, xorshift, odd multiply, xorshift, xor; every step is
// invertible mod 2^30), so consecutive slots give unrelated-looking values.
// Because the mixed payload is shifted above the fixed bits and ORed with
// 0x3, no index/generation/secret can give 0 or low bits other than 0b11.
// Decoding inverts the mix; a value names a live handle iff its low bits are
// 0b11, its index is < cap, that slot is live and its generation matches.
//
// Invariants (under t->lock):
//   - count == number of live slots; count <= cap <= max <= HANDLE_TABLE_MAX_SLOTS
//     (max == 0 only for a destroyed table, which then has cap == 0);
//   - every free slot of [0, cap) is on the free list exactly once, linked
//     from free_head through next_free to free_tail (HANDLE_NO_SLOT ends it;
//     free_head == HANDLE_NO_SLOT iff count == cap). Allocation takes the
//     head, freeing appends at the tail (FIFO), so a freed slot is reused as
//     late as possible;
//   - a slot's generation changes exactly when it is freed (mod 2^GEN_BITS);
//   - a live slot holds one reference on its object (object_ref) and counts
//     one in its handle_count (object_handle_added). handle_add and
//     handle_duplicate create both; handle_remove hands the reference over
//     and drops the count (object_handle_removed, outside the lock);
//     handle_take/handle_install move both out of/into the table as they are
//     (an in-flight handle); handle_replace moves both to the new slot.
//
// Locking and lock order: t->lock, then the object's atomics (object_ref and
// object_handle_added are plain atomics and may run under t->lock). Never
// called with t->lock held: kzalloc/kfree, object_unref and
// object_handle_removed (they may run destroy / on_zero_handles callbacks,
// which may take other locks or use this very table). No object lock is
// ever taken here.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/kheap.h"
#include "obj/handle.h"
#include "obj/object.h"

#define HANDLE_NO_SLOT UINT32_MAX
#define HANDLE_MIN_CAP 16u
#define HANDLE_PAYLOAD_BITS 30u
#define HANDLE_PAYLOAD_MASK ((1u << HANDLE_PAYLOAD_BITS) - 1u)
#define HANDLE_INDEX_MASK ((1u << HANDLE_INDEX_BITS) - 1u)
#define HANDLE_GEN_MASK ((1u << HANDLE_GEN_BITS) - 1u)

// Odd multipliers and their inverses mod 2^30, and the xorshift distance
// (>= 15, so x ^= x >> 15 is its own inverse on 30 bits).
#define HANDLE_MUL1 0x2c1b3c6du
#define HANDLE_MUL1_INV 0x24ea2d65u
#define HANDLE_MUL2 0x297a2d39u
#define HANDLE_MUL2_INV 0x0cf0b109u
#define HANDLE_XSHIFT 15u

_Static_assert(HANDLE_INDEX_BITS + HANDLE_GEN_BITS == HANDLE_PAYLOAD_BITS,
               "index and generation fill the 30 bits above ZX_HANDLE_FIXED_BITS_MASK");
_Static_assert(ZX_HANDLE_FIXED_BITS_MASK == 0x3u, "payload sits above two fixed bits");
_Static_assert(ZX_HANDLE_INVALID == 0u, "values are never 0 because the fixed bits are set");
_Static_assert(((HANDLE_MUL1 * HANDLE_MUL1_INV) & HANDLE_PAYLOAD_MASK) == 1u, "MUL1_INV inverts MUL1 mod 2^30");
_Static_assert(((HANDLE_MUL2 * HANDLE_MUL2_INV) & HANDLE_PAYLOAD_MASK) == 1u, "MUL2_INV inverts MUL2 mod 2^30");
_Static_assert(2u * HANDLE_XSHIFT >= HANDLE_PAYLOAD_BITS, "the xorshift must be self-inverse on 30 bits");
_Static_assert(HANDLE_TABLE_MAX_SLOTS - 1u < HANDLE_NO_SLOT, "HANDLE_NO_SLOT is never an index");
_Static_assert(HANDLE_MIN_CAP <= HANDLE_TABLE_MAX_SLOTS, "the first array fits the limit");

struct handle_slot {
    struct object *obj;  // NULL iff the slot is free
    union {
        zx_rights_t rights;  // live slot
        uint32_t next_free;  // free slot: next on the free list, or HANDLE_NO_SLOT
    };
    uint32_t gen;  // < 2^HANDLE_GEN_BITS
};

_Static_assert(HANDLE_TABLE_MAX_SLOTS <= SIZE_MAX / sizeof(struct handle_slot),
               "the largest slot array size fits size_t");

// ---- value encoding ----

// The two 30-bit keys derived from the secret (all 32 bits of it count).
static uint32_t handle_key_in(uint32_t secret) { return secret & HANDLE_PAYLOAD_MASK; }
static uint32_t handle_key_out(uint32_t secret) {
    return ((secret >> 13) ^ (secret << 17) ^ (secret >> 30)) & HANDLE_PAYLOAD_MASK;
}

// A keyed bijection of [0, 2^30).
static uint32_t handle_mix(uint32_t x, uint32_t secret) {
    x = (x ^ handle_key_in(secret)) & HANDLE_PAYLOAD_MASK;
    x = (x * HANDLE_MUL1) & HANDLE_PAYLOAD_MASK;
    x ^= x >> HANDLE_XSHIFT;
    x = (x * HANDLE_MUL2) & HANDLE_PAYLOAD_MASK;
    x ^= x >> HANDLE_XSHIFT;
    return x ^ handle_key_out(secret);
}

// The inverse of handle_mix for the same secret.
static uint32_t handle_unmix(uint32_t x, uint32_t secret) {
    x = (x ^ handle_key_out(secret)) & HANDLE_PAYLOAD_MASK;
    x ^= x >> HANDLE_XSHIFT;
    x = (x * HANDLE_MUL2_INV) & HANDLE_PAYLOAD_MASK;
    x ^= x >> HANDLE_XSHIFT;
    x = (x * HANDLE_MUL1_INV) & HANDLE_PAYLOAD_MASK;
    return x ^ handle_key_in(secret);
}

static zx_handle_t handle_encode(uint32_t secret, uint32_t index, uint32_t gen) {
    uint32_t payload = (gen & HANDLE_GEN_MASK) << HANDLE_INDEX_BITS | (index & HANDLE_INDEX_MASK);
    return (zx_handle_t)(handle_mix(payload, secret) << 2) | ZX_HANDLE_FIXED_BITS_MASK;
}

// The live slot that h names, or NULL. *out_index gets its index.
static struct handle_slot *handle_lookup_locked(struct handle_table *t, zx_handle_t h, uint32_t *out_index) {
    if ((h & ZX_HANDLE_FIXED_BITS_MASK) != ZX_HANDLE_FIXED_BITS_MASK) return NULL;
    uint32_t payload = handle_unmix(h >> 2, t->secret);
    uint32_t index = payload & HANDLE_INDEX_MASK;
    uint32_t gen = payload >> HANDLE_INDEX_BITS;
    if (index >= t->cap) return NULL;
    struct handle_slot *s = &t->slots[index];
    if (!s->obj || s->gen != gen) return NULL;
    *out_index = index;
    return s;
}

void (*handle_gone_hook)(struct object *o, const struct handle_table *t, zx_handle_t h);

// ---- free list ----

// Append a free slot to the tail of the free list.
static void handle_free_append_locked(struct handle_table *t, uint32_t index) {
    t->slots[index].next_free = HANDLE_NO_SLOT;
    if (t->free_tail == HANDLE_NO_SLOT)
        t->free_head = index;
    else
        t->slots[t->free_tail].next_free = index;
    t->free_tail = index;
}

// Take the head of the free list; HANDLE_NO_SLOT when there is none.
static uint32_t handle_free_take_locked(struct handle_table *t) {
    uint32_t index = t->free_head;
    if (index == HANDLE_NO_SLOT) return HANDLE_NO_SLOT;
    t->free_head = t->slots[index].next_free;
    if (t->free_head == HANDLE_NO_SLOT) t->free_tail = HANDLE_NO_SLOT;
    return index;
}

// Make a free slot (just taken off the free list) live; returns its value.
static zx_handle_t handle_slot_fill_locked(struct handle_table *t, uint32_t index, struct object *obj,
                                           zx_rights_t rights) {
    struct handle_slot *s = &t->slots[index];
    s->obj = obj;
    s->rights = rights;
    t->count++;
    return handle_encode(t->secret, index, s->gen);
}

// Free a live slot: its generation advances, so its old value goes stale.
static void handle_slot_release_locked(struct handle_table *t, uint32_t index) {
    struct handle_slot *s = &t->slots[index];
    s->obj = NULL;
    s->gen = (s->gen + 1u) & HANDLE_GEN_MASK;
    handle_free_append_locked(t, index);
    t->count--;
}

// ---- growth ----

static uint32_t handle_next_cap(uint32_t cap, uint32_t max) {
    uint64_t want = cap ? (uint64_t)cap * 2u : HANDLE_MIN_CAP;
    return want < max ? (uint32_t)want : max;
}

// Switch to `bigger` (new_cap > t->cap slots, zeroed): copy the slots, put
// the new ones on the free list. Returns the old array for the caller to
// kfree once t->lock is released.
static struct handle_slot *handle_install_locked(struct handle_table *t, struct handle_slot *bigger,
                                                 uint32_t new_cap) {
    struct handle_slot *old = t->slots;
    if (t->cap) memcpy(bigger, old, (size_t)t->cap * sizeof(*bigger));
    t->slots = bigger;
    uint32_t first_new = t->cap;
    t->cap = new_cap;
    for (uint32_t i = first_new; i < new_cap; i++) handle_free_append_locked(t, i);
    return old;
}

// ---- interface ----

zx_status_t handle_table_init(struct handle_table *t, uint32_t max, uint32_t secret) {
    if (max == 0 || max > HANDLE_TABLE_MAX_SLOTS) return ZX_ERR_INVALID_ARGS;
    spin_init(&t->lock, "handle_table");
    t->slots = NULL;
    t->cap = 0;
    t->max = max;
    t->count = 0;
    t->free_head = HANDLE_NO_SLOT;
    t->free_tail = HANDLE_NO_SLOT;
    t->secret = secret;
    return ZX_OK;
}

void handle_table_destroy(struct handle_table *t) {
    // Detach everything under the lock; with max 0 nothing can be added
    // back, so one pass empties the table for good.
    uint64_t f = spin_lock_irqsave(&t->lock);
    struct handle_slot *slots = t->slots;
    uint32_t cap = t->cap;
    t->slots = NULL;
    t->cap = 0;
    t->max = 0;
    t->count = 0;
    t->free_head = HANDLE_NO_SLOT;
    t->free_tail = HANDLE_NO_SLOT;
    spin_unlock_irqrestore(&t->lock, f);

    for (uint32_t i = 0; i < cap; i++) {
        struct object *obj = slots[i].obj;
        if (!obj) continue;
        slots[i].obj = NULL;
        if (handle_gone_hook) handle_gone_hook(obj, t, handle_encode(t->secret, i, slots[i].gen));
        object_handle_removed(obj);
        object_unref(obj);
    }
    kfree(slots);
}

// How handle_add_common gets the object and what the new handle costs it.
enum handle_add_mode {
    HANDLE_ADD_NEW,        // handle_add: a new reference and handle_count
    HANDLE_ADD_INSTALL,    // handle_install: the caller's in-flight handle moves in
    HANDLE_ADD_DUPLICATE,  // handle_duplicate: the object of a live handle, checked each time round
};

// The duplicate checks, in Zircon's order, on the source slot.
static zx_status_t handle_dup_check_locked(struct handle_table *t, zx_handle_t src, zx_rights_t rights,
                                           struct object **out_obj, zx_rights_t *out_rights) {
    uint32_t index;
    struct handle_slot *s = handle_lookup_locked(t, src, &index);
    if (!s) return ZX_ERR_BAD_HANDLE;
    if (!(s->rights & ZX_RIGHT_DUPLICATE)) return ZX_ERR_ACCESS_DENIED;
    if (rights == ZX_RIGHT_SAME_RIGHTS)
        rights = s->rights;
    else if (rights & ~s->rights)
        return ZX_ERR_INVALID_ARGS;
    *out_obj = s->obj;
    *out_rights = rights;
    return ZX_OK;
}

// Add a handle (see enum handle_add_mode). The slot array is allocated with
// t->lock dropped; every time round the loop looks at the table afresh (a
// slot may have been freed, the spare may be too small now, a duplicate's
// source may be gone), so the handle is added in one critical section that
// also saw everything it depends on. On error no handle was added or
// removed and no count touched; single-threaded the table is untouched (with
// racing adders, an array this call installed may stay, its new slots free).
static zx_status_t handle_add_common(struct handle_table *t, enum handle_add_mode mode, struct object *obj,
                                     zx_rights_t rights, zx_handle_t src, zx_handle_t *out) {
    struct handle_slot *spare = NULL;
    uint32_t spare_cap = 0;
    zx_status_t st;
    for (;;) {
        uint64_t f = spin_lock_irqsave(&t->lock);
        struct object *o = obj;
        zx_rights_t r = rights;
        if (mode == HANDLE_ADD_DUPLICATE) {
            st = handle_dup_check_locked(t, src, rights, &o, &r);
            if (st != ZX_OK) {
                spin_unlock_irqrestore(&t->lock, f);
                break;
            }
        }
        uint32_t index = handle_free_take_locked(t);
        if (index != HANDLE_NO_SLOT) {
            if (mode != HANDLE_ADD_INSTALL) {
                object_ref(o);
                object_handle_added(o);
            }
            zx_handle_t h = handle_slot_fill_locked(t, index, o, r);
            spin_unlock_irqrestore(&t->lock, f);
            *out = h;
            st = ZX_OK;
            break;
        }
        if (t->cap >= t->max) {
            spin_unlock_irqrestore(&t->lock, f);
            st = ZX_ERR_NO_RESOURCES;
            break;
        }
        if (spare_cap > t->cap) {
            struct handle_slot *old = handle_install_locked(t, spare, spare_cap);
            spin_unlock_irqrestore(&t->lock, f);
            kfree(old);
            spare = NULL;
            spare_cap = 0;
            continue;
        }
        uint32_t want = handle_next_cap(t->cap, t->max);
        spin_unlock_irqrestore(&t->lock, f);
        kfree(spare);
        spare = kzalloc((size_t)want * sizeof(*spare));
        if (!spare) return ZX_ERR_NO_MEMORY;  // nothing was changed
        spare_cap = want;
    }
    kfree(spare);
    return st;
}

zx_status_t handle_add(struct handle_table *t, struct object *obj, zx_rights_t rights, zx_handle_t *out) {
    if (!obj) return ZX_ERR_INVALID_ARGS;
    return handle_add_common(t, HANDLE_ADD_NEW, obj, rights, ZX_HANDLE_INVALID, out);
}

zx_status_t handle_install(struct handle_table *t, struct object *obj, zx_rights_t rights, zx_handle_t *out) {
    if (!obj) return ZX_ERR_INVALID_ARGS;
    return handle_add_common(t, HANDLE_ADD_INSTALL, obj, rights, ZX_HANDLE_INVALID, out);
}

zx_status_t handle_duplicate(struct handle_table *t, zx_handle_t h, zx_rights_t rights, zx_handle_t *out) {
    return handle_add_common(t, HANDLE_ADD_DUPLICATE, NULL, rights, h, out);
}

uint64_t handle_table_lock(struct handle_table *t) { return spin_lock_irqsave(&t->lock); }
void handle_table_unlock(struct handle_table *t, uint64_t flags) { spin_unlock_irqrestore(&t->lock, flags); }

zx_status_t handle_get_locked(struct handle_table *t, zx_handle_t h, zx_obj_type_t type, zx_rights_t required,
                              struct object **out_obj, zx_rights_t *out_rights) {
    uint32_t index;
    struct handle_slot *s = handle_lookup_locked(t, h, &index);
    if (!s) return ZX_ERR_BAD_HANDLE;
    struct object *obj = s->obj;
    zx_rights_t rights = s->rights;
    if (type != ZX_OBJ_TYPE_NONE && object_type(obj) != type) return ZX_ERR_WRONG_TYPE;
    if ((rights & required) != required) return ZX_ERR_ACCESS_DENIED;
    // Taken under the lock: the handle's own reference keeps obj alive until
    // we hold ours.
    object_ref(obj);
    *out_obj = obj;
    if (out_rights) *out_rights = rights;
    return ZX_OK;
}

zx_status_t handle_get(struct handle_table *t, zx_handle_t h, zx_obj_type_t type, zx_rights_t required,
                       struct object **out_obj, zx_rights_t *out_rights) {
    uint64_t f = spin_lock_irqsave(&t->lock);
    zx_status_t st = handle_get_locked(t, h, type, required, out_obj, out_rights);
    spin_unlock_irqrestore(&t->lock, f);
    return st;
}

// Free h's slot and hand its reference and handle_count unit to the caller
// (handle_remove gives the unit back; handle_take keeps it in flight).
static zx_status_t handle_detach(struct handle_table *t, zx_handle_t h, struct object **out_obj,
                                 zx_rights_t *out_rights) {
    uint32_t index;
    uint64_t f = spin_lock_irqsave(&t->lock);
    struct handle_slot *s = handle_lookup_locked(t, h, &index);
    if (!s) {
        spin_unlock_irqrestore(&t->lock, f);
        return ZX_ERR_BAD_HANDLE;
    }
    *out_obj = s->obj;
    if (out_rights) *out_rights = s->rights;
    handle_slot_release_locked(t, index);
    spin_unlock_irqrestore(&t->lock, f);
    if (handle_gone_hook) handle_gone_hook(*out_obj, t, h);
    return ZX_OK;
}

zx_status_t handle_remove(struct handle_table *t, zx_handle_t h, struct object **out_obj,
                          zx_rights_t *out_rights) {
    zx_status_t st = handle_detach(t, h, out_obj, out_rights);
    // The handle's reference passes to the caller; on_zero_handles may run.
    if (st == ZX_OK) object_handle_removed(*out_obj);
    return st;
}

zx_status_t handle_take(struct handle_table *t, zx_handle_t h, struct object **out_obj, zx_rights_t *out_rights) {
    // The reference and the handle_count unit both pass to the caller: the
    // handle is in flight, so on_zero_handles does not run.
    return handle_detach(t, h, out_obj, out_rights);
}

zx_status_t handle_close(struct handle_table *t, zx_handle_t h) {
    struct object *obj;
    zx_status_t st = handle_remove(t, h, &obj, NULL);
    if (st != ZX_OK) return st;
    object_unref(obj);
    return ZX_OK;
}

zx_status_t handle_replace(struct handle_table *t, zx_handle_t h, zx_rights_t new_rights, zx_handle_t *out) {
    uint32_t index;
    uint64_t f = spin_lock_irqsave(&t->lock);
    struct handle_slot *s = handle_lookup_locked(t, h, &index);
    if (!s) {
        spin_unlock_irqrestore(&t->lock, f);
        return ZX_ERR_BAD_HANDLE;
    }
    struct object *obj = s->obj;
    handle_slot_release_locked(t, index);
    // Cannot fail: releasing put `index` on the free list, so the list is not
    // empty and no growth (no allocation) is needed. It returns the head,
    // which is `index` itself only when no other slot was free. The handle's
    // reference and its place in obj->handle_count move to the new handle
    // as they are: no object_ref/unref, no handle_added/removed.
    uint32_t new_index = handle_free_take_locked(t);
    zx_handle_t nh = handle_slot_fill_locked(t, new_index, obj, new_rights);
    // The new handle keeps the old one's reference, so obj lives on while
    // the waits made through the old value are canceled.
    spin_unlock_irqrestore(&t->lock, f);
    if (handle_gone_hook) handle_gone_hook(obj, t, h);
    *out = nh;
    return ZX_OK;
}

uint32_t handle_table_count(struct handle_table *t) {
    uint64_t f = spin_lock_irqsave(&t->lock);
    uint32_t n = t->count;
    spin_unlock_irqrestore(&t->lock, f);
    return n;
}
