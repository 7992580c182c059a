// VMO objects (see obj/vmo.h; Zircon's VmObjectPaged): creation and
// destruction, children (zx_vmo_create_child), attribution (ZX_INFO_VMO),
// the cache policy.
//
// Children:
//   - SLICE children own no pages (obj/vmo_cow_pages.c sends their page
//     operations to slice_root); they are linked on their root's slices list.
//     Slices of physical VMOs are physical VMOs themselves.
//   - SNAPSHOT children (and AT_LEAST_ON_WRITE and SNAPSHOT_MODIFIED, which
//     mean the same without pager-backed VMOs): at creation every committed
//     page of the parent's range is put in the child's own tree as one more
//     user of that page (page_share, a count in the frame allocator), under
//     the parent's busy section and lock; then the range is unmapped from the
//     parent's mappings (they may have mapped it writable). Closing parent
//     and children in any order frees every page exactly once, and a VMO
//     never keeps pages it cannot reach. Attribution (ZX_INFO_VMO):
//     committed_bytes counts every page in the tree (RSS); private and scaled
//     bytes come from the users counts.
//   - A child holds a reference on its parent until destroy, which first
//     drops the parent's num_children, then updates ZX_VMO_ZERO_CHILDREN,
//     then drops the reference. The signal follows num_children through
//     vmo_children_signal_update (children-signal lock, no VMO lock held),
//     which re-reads the count, so racing creates and destroys leave the
//     signal matching the final count. A mapping holds a reference on its
//     VMO, so a child still mapped is still alive and still counted.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/addr.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "obj/object.h"
#include "obj/vmo.h"
#include "obj/vmo_internal.h"

#include "mm/kheap.h"
#include "obj/signal.h"
#include "obj/vmar.h"

_Static_assert(sizeof(struct vmo) <= 256, "a VMO fits the kernel heap's 256-byte class");

static void vmo_destroy(struct object *o);

static void vmo_on_zero_handles(struct object *o) {
    struct vmo *v = vmo_from_object(o);
    __atomic_store_n(&v->handles_gone, true, __ATOMIC_RELEASE);
    vmo_release_if_unreachable(v);
}

const struct object_ops vmo_ops = {
    .type = ZX_OBJ_TYPE_VMO,
    .type_name = "vmo",
    .destroy = vmo_destroy,
    .on_zero_handles = vmo_on_zero_handles,
};
// ---------------------------------------------------------------------------
// Object lifecycle.

zx_status_t vmo_create(uint64_t size, uint64_t content_size, uint32_t options, struct vmo **out) {
    if (!is_page_aligned(size) || content_size > size) return ZX_ERR_INVALID_ARGS;
    if (size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    struct vmo *v = kzalloc(sizeof(*v));
    if (!v) return ZX_ERR_NO_MEMORY;
    object_init(&v->obj, &vmo_ops);
    v->size = size;
    v->content_size = content_size;
    v->options = options;
    v->cache_policy = ZX_CACHE_POLICY_CACHED;
    v->root = pa(0);
    v->committed_pages = 0;
    v->node_pages = 0;
    v->mappings = 0;
    v->radix_height = vmo_radix_height_for(size >> PAGE_SHIFT);
    v->discardable = (options & ZX_VMO_DISCARDABLE) != 0;
    // "The ZX_VMO_ZERO_CHILDREN signal is active on a newly created VMO."
    // (Nobody else can see v yet, so no scheduler lock.)
    v->obj.signals |= ZX_VMO_ZERO_CHILDREN;
    if (v->discardable) vmo_lru_append(v);  // a new discardable VMO is unlocked
    *out = v;
    return ZX_OK;
}

// ZX_VMO_ZERO_CHILDREN of v from its current num_children. Called with no
// VMO lock held after a change of num_children from or to zero; the
// children-signal lock orders the updates, and each re-reads the count, so the
// last one leaves the signal right whatever the interleaving.
static struct spinlock children_signal_lock = SPINLOCK_INIT("vmo-children");

void vmo_children_signal_update(struct vmo *v) {
    uint64_t f = spin_lock_irqsave(&children_signal_lock);
    bool none = __atomic_load_n(&v->num_children, __ATOMIC_ACQUIRE) == 0;
    object_signal(&v->obj, none ? 0 : ZX_VMO_ZERO_CHILDREN, none ? ZX_VMO_ZERO_CHILDREN : 0);
    spin_unlock_irqrestore(&children_signal_lock, f);
}

static void slice_link(struct vmo *s) {
    struct vmo *r = s->slice_root;
    uint64_t f = spin_lock_irqsave(&r->obj.lock);
    s->slice_prev = NULL;
    s->slice_next = r->slices;
    if (r->slices) r->slices->slice_prev = s;
    r->slices = s;
    spin_unlock_irqrestore(&r->obj.lock, f);
}

static void slice_unlink(struct vmo *s) {
    struct vmo *r = s->slice_root;
    uint64_t f = spin_lock_irqsave(&r->obj.lock);
    if (s->slice_prev) s->slice_prev->slice_next = s->slice_next;
    else r->slices = s->slice_next;
    if (s->slice_next) s->slice_next->slice_prev = s->slice_prev;
    s->slice_prev = s->slice_next = NULL;
    spin_unlock_irqrestore(&r->obj.lock, f);
}

void vmo_release_if_unreachable(struct vmo *v) {
    if (v->physical || v->slice_root || !__atomic_load_n(&v->handles_gone, __ATOMIC_ACQUIRE)) return;
    // Only children keep a VMO alive past its handles and mappings; without
    // any, destroy comes next anyway.
    if (!__atomic_load_n(&v->num_children, __ATOMIC_ACQUIRE)) return;
    if (__atomic_load_n(&v->obj.handle_count, __ATOMIC_ACQUIRE) ||
        __atomic_load_n(&v->mappings, __ATOMIC_ACQUIRE))
        return;
    uint64_t f = vmo_op_begin(v);
    // Without a handle, a mapping or a slice nobody can make one again: final.
    // Pinned pages stay until the pin goes (vmo_unpin calls this again).
    if (!v->slices && !v->map_list && !v->pin_count && !v->contiguous) vmo_free_pages_locked(v, 0, v->size >> PAGE_SHIFT, &f);
    vmo_op_end(v, f);
}

// Called once by object_unref when the last reference goes: nothing else can
// reach the VMO, so no lock is taken.
static void vmo_destroy(struct object *o) {
    struct vmo *v = vmo_from_object(o);
    if (v->discardable) vmo_lru_remove(v);
    if (v->slice_root) {
        slice_unlink(v);
        vmo_release_if_unreachable(v->slice_root);  // maybe its last way in
    }
    if (!v->physical && pa_val(v->root)) vmo_tree_free_subtree(v, pa_val(v->root), v->radix_height - 1);
    v->root = pa(0);
    struct vmo *parent = v->parent;
    bool cow = v->cow_clone;
    kfree(v);
    if (parent && cow) {
        struct vmo *src = parent->slice_root ? parent->slice_root : parent;
        __atomic_fetch_sub(&src->cow_children, 1, __ATOMIC_RELAXED);
    }
    if (parent) {
        // The count first, then the signal, then the reference.
        uint64_t f = spin_lock_irqsave(&parent->obj.lock);
        bool last = --parent->num_children == 0;
        spin_unlock_irqrestore(&parent->obj.lock, f);
        if (last) vmo_children_signal_update(parent);
        object_unref(&parent->obj);
    }
}

// ---------------------------------------------------------------------------
// Cache policy and info.

zx_status_t vmo_set_cache_policy(struct vmo *v, uint32_t policy) {
    if (policy > ZX_CACHE_POLICY_MASK) return ZX_ERR_INVALID_ARGS;
    uint64_t f = vmo_op_begin(v);
    zx_status_t st = ZX_OK;
    // A contiguous VMO always has its pages: they may go from cached to
    // another policy (as Zircon's UncachedContiguous), never back; and never
    // while pinned.
    bool pages_block = v->committed_pages && !(v->contiguous && v->cache_policy == ZX_CACHE_POLICY_CACHED &&
                                               policy != ZX_CACHE_POLICY_CACHED);
    if (pages_block || v->pin_count || v->map_list || __atomic_load_n(&v->mappings, __ATOMIC_RELAXED) ||
        v->parent || v->num_children)
        st = ZX_ERR_BAD_STATE;
    else
        v->cache_policy = policy;
    vmo_op_end(v, f);
    return st;
}

uint32_t vmo_get_cache_policy(struct vmo *v) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    uint32_t p = v->cache_policy;
    spin_unlock_irqrestore(&v->obj.lock, f);
    return p;
}

// floor(r * 2^63 / u) for r < u: the fraction r/u of a byte in the 2^-63
// fixed point of zx_info_vmo_t's *_fractional_scaled_bytes (long division,
// no 128-bit arithmetic).
static uint64_t frac63(uint64_t r, uint64_t u) {
    uint64_t q = 0;
    for (int i = 0; i < 63; i++) {
        r <<= 1;
        q <<= 1;
        if (r >= u) {
            r -= u;
            q |= 1;
        }
    }
    return q;
}

// The private bytes (pages only v uses) and the scaled bytes (each page
// divided by the number of VMOs that use it) of v's pages. Lock held.
static void attribution_locked(struct vmo *v, struct vmo_info *out) {
    const uint64_t one = 1ull << 63;
    uint64_t priv = 0, scaled = 0, frac = 0, end = v->size >> PAGE_SHIFT;
    for (uint64_t pn = vmo_tree_next(v, 0, end); pn < end; pn = vmo_tree_next(v, pn + 1, end)) {
        uint64_t u = page_users(pa(vmo_tree_lookup(v, pn)));
        if (u == 1) {
            priv += PAGE_SIZE;
            scaled += PAGE_SIZE;
            continue;
        }
        scaled += PAGE_SIZE / u;
        frac += frac63(PAGE_SIZE % u, u);
        if (frac >= one) {
            frac -= one;
            scaled++;
        }
    }
    out->private_bytes = priv;
    out->scaled_bytes = scaled;
    out->scaled_frac = frac;
}

void vmo_get_info(struct vmo *v, struct vmo_info *out) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    out->size_bytes = v->size;
    out->content_size = v->content_size;
    out->committed_bytes = v->committed_pages * PAGE_SIZE;
    attribution_locked(v, out);
    out->metadata_bytes = v->node_pages * PAGE_SIZE;
    out->flags = (v->physical ? 0 : VMO_INFO_TYPE_PAGED) | ((v->options & ZX_VMO_RESIZABLE) ? VMO_INFO_RESIZABLE : 0) |
                 (v->discardable ? VMO_INFO_DISCARDABLE : 0) | (v->cow_clone ? VMO_INFO_IS_COW_CLONE : 0) |
                 (v->immutable ? VMO_INFO_IMMUTABLE : 0) | (vmo_is_contiguous(v) ? VMO_INFO_CONTIGUOUS : 0);
    out->parent_koid = v->parent ? v->parent->obj.koid : 0;
    out->num_children = v->num_children;
    out->cache_policy = v->cache_policy;
    out->num_mappings = __atomic_load_n(&v->mappings, __ATOMIC_RELAXED);
    out->lock_count = v->lock_count;
    out->discarded = v->discarded;
    spin_unlock_irqrestore(&v->obj.lock, f);
}

// ---------------------------------------------------------------------------
// Children (zx_vmo_create_child; see obj/vmo.h and the top of this file).

#define CHILD_KINDS                                                                                 \
    (ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE | ZX_VMO_CHILD_SNAPSHOT_MODIFIED | \
     ZX_VMO_CHILD_SLICE)
#define CHILD_KNOWN (CHILD_KINDS | ZX_VMO_CHILD_RESIZABLE | ZX_VMO_CHILD_NO_WRITE | ZX_VMO_CHILD_REFERENCE)

// Share the committed pages of src's page numbers [spn, spn + n) with the
// fresh (unpublished) child c at page numbers [0, n): one more user each.
// In src's busy section with its lock held. *first/*last: the src page
// numbers shared (*first > *last if none). ZX_ERR_NO_MEMORY (for a node of
// c's tree): the caller destroys c, which gives the pages back.
static zx_status_t snapshot_share_locked(struct vmo *src, uint64_t spn, uint64_t n, struct vmo *c, uint64_t *first,
                                         uint64_t *last) {
    *first = 1;
    *last = 0;
    for (uint64_t p = vmo_tree_next(src, spn, spn + n); p < spn + n; p = vmo_tree_next(src, p + 1, spn + n)) {
        zx_status_t st = vmo_tree_share(c, p - spn, vmo_tree_lookup(src, p));
        if (st != ZX_OK) return st;
        if (*first > *last) *first = p;
        *last = p;
    }
    return ZX_OK;
}

zx_status_t vmo_create_child(struct vmo *parent, uint32_t options, uint64_t offset, uint64_t size,
                             struct vmo **out) {
    if (options & ~CHILD_KNOWN) return ZX_ERR_INVALID_ARGS;
    if (options & ZX_VMO_CHILD_REFERENCE) return ZX_ERR_NOT_SUPPORTED;
    uint32_t kind = options & CHILD_KINDS;
    if (kind == 0 || (kind & (kind - 1))) return ZX_ERR_INVALID_ARGS;  // none, or two of them
    bool resizable = (options & ZX_VMO_CHILD_RESIZABLE) != 0;
    if (resizable && (kind == ZX_VMO_CHILD_SLICE || (options & ZX_VMO_CHILD_NO_WRITE)))
        return ZX_ERR_INVALID_ARGS;
    if (size > UINT64_MAX - PAGE_MASK) return ZX_ERR_OUT_OF_RANGE;
    uint64_t rounded = page_round_up(size);
    if (rounded > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;

    // Where the parent's pages live: its slice root for a paged slice.
    struct vmo *src = parent->slice_root ? parent->slice_root : parent;
    uint64_t src_off = parent->slice_root ? parent->slice_offset : 0;
    struct vmo *c;
    zx_status_t st;

    // Children of discardable VMOs: none, of any kind (as Zircon).
    if (src->discardable) return ZX_ERR_NOT_SUPPORTED;

    if (kind == ZX_VMO_CHILD_SLICE) {
        // Zircon's order: aligned, wholly inside the parent (INVALID_ARGS),
        // and only then not resizable (so the parent's size is fixed).
        if (!is_page_aligned(offset)) return ZX_ERR_INVALID_ARGS;
        if (!vmo_range_ok(offset, rounded, vmo_get_size(parent))) return ZX_ERR_INVALID_ARGS;
        if (parent->options & ZX_VMO_RESIZABLE) return ZX_ERR_NOT_SUPPORTED;
        if (parent->physical) {
            st = vmo_create_physical(pa_val(parent->phys_base) + offset, PAGE_SIZE, &c);
            if (st != ZX_OK) return st;
            c->size = rounded;  // may be 0, which vmo_create_physical refuses
            c->content_size = size;
            c->cache_policy = vmo_get_cache_policy(parent);
        } else {
            st = vmo_create(rounded, size, 0, &c);
            if (st != ZX_OK) return st;
            c->slice_root = src;
            c->slice_offset = src_off + offset;
            c->cache_policy = vmo_get_cache_policy(src);
            slice_link(c);
        }
        c->slice = true;
        c->root_offset = parent->root_offset + offset;  // inside the parent: no overflow
    } else {
        if (offset > UINT64_MAX - size) return ZX_ERR_OUT_OF_RANGE;
        if (parent->physical) return ZX_ERR_NOT_SUPPORTED;
        // No copy-on-write child of a contiguous VMO (Zircon's ForbidContiguousVmo).
        if (src->contiguous) return ZX_ERR_INVALID_ARGS;
        // Snapshots share cached pages only (Zircon: BAD_STATE otherwise).
        if (vmo_get_cache_policy(src) != ZX_CACHE_POLICY_CACHED) return ZX_ERR_BAD_STATE;
        if (!is_page_aligned(offset)) return ZX_ERR_INVALID_ARGS;
        // Offsets projected onto the first VMO of the chain must not overflow.
        uint64_t root_off = parent->root_offset;
        if (offset > UINT64_MAX - root_off || root_off + offset > UINT64_MAX - rounded) return ZX_ERR_INVALID_ARGS;
        st = vmo_create(rounded, size, resizable ? ZX_VMO_RESIZABLE : 0, &c);
        if (st != ZX_OK) return st;
        c->cow_clone = true;
        c->root_offset = root_off + offset;
        // "Immutable" only when no write can ever reach it (as Zircon: NO_WRITE
        // with SNAPSHOT itself; AT_LEAST_ON_WRITE may share with its parent).
        c->immutable = (options & ZX_VMO_CHILD_NO_WRITE) && kind == ZX_VMO_CHILD_SNAPSHOT;
        uint64_t f = vmo_op_begin(src);
        // The part of the child inside the parent (now): the rest reads as zero.
        uint64_t psize = parent->slice_root ? parent->size : src->size;
        uint64_t inside = offset < psize ? psize - offset : 0;
        if (inside > rounded) inside = rounded;
        uint64_t spn = (src_off + offset) >> PAGE_SHIFT, n = inside >> PAGE_SHIFT;
        uint64_t first = vmo_tree_next(src, spn, spn + n), last = spn + n - 1;  // (the range's end: no second walk)
        // Pinned pages are never shared (a write would move them): Zircon
        // refuses the snapshot with ZX_ERR_BAD_STATE (PinBeforeCreateFailure).
        if (vmo_pinned_locked(src, spn, spn + n)) {
            vmo_op_end(src, f);
            object_unref(&c->obj);
            return ZX_ERR_BAD_STATE;
        }
        if (first < spn + n) {
            // The pages to share may be mapped writable in src's mappings (and
            // its slices'): take them out first, while faults hand src's
            // pages out read-only and writes wait (snapshot_pending); later
            // faults map shared pages read-only until one side writes and
            // gets its own copy.
            src->snapshot_pending = true;
            spin_unlock_irqrestore(&src->obj.lock, f);
            vmo_unmap_everywhere(src, first, last);
            f = spin_lock_irqsave(&src->obj.lock);
        }
        // Pages committed meanwhile (read faults) are shared too: they were
        // only ever mapped read-only.
        st = snapshot_share_locked(src, spn, n, c, &first, &last);
        src->snapshot_pending = false;
        vmo_op_end(src, f);
        if (st != ZX_OK) {
            object_unref(&c->obj);  // no parent yet: gives the pages back and frees itself
            return st;
        }
    }

    char name[ZX_MAX_NAME_LEN];
    object_get_name(&parent->obj, name);
    object_set_name(&c->obj, name, sizeof name);  // children inherit the name (as Zircon)
    if (c->cow_clone) __atomic_fetch_add(&src->cow_children, 1, __ATOMIC_RELAXED);
    object_ref(&parent->obj);
    c->parent = parent;
    uint64_t f = spin_lock_irqsave(&parent->obj.lock);
    bool first = parent->num_children++ == 0;
    spin_unlock_irqrestore(&parent->obj.lock, f);
    if (first) vmo_children_signal_update(parent);
    *out = c;
    return ZX_OK;
}
