// The parts of the VMO implementation shared between its files (not a
// public interface: only obj/vmo_*.c include it). The VMO is split as
// Zircon splits its own:
//   obj/vmo_page_list.c   the radix tree of committed pages (VmPageList)
//   obj/vmo_cow_pages.c   page operations: the busy section, reads, writes,
//                         faults, commit/decommit/zero, resizing, and pages
//                         leaving a VMO (VmCowPages)
//   obj/vmo_paged.c       the object: creation, destruction, children,
//                         attribution, cache policy (VmObjectPaged)
//   obj/vmo_physical.c    physical VMOs (VmObjectPhysical)
//   obj/vmo_discardable.c discardable VMOs and their LRU (DiscardableVmoTracker)
//   obj/vmo_pin.c         contiguous VMOs and pinning (zx_bti_pin)
// The locking rules are those of obj/vmo.h; each function says which locks
// it expects.
#ifndef OBJ_VMO_INTERNAL_H
#define OBJ_VMO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "mm/addr.h"
#include "obj/vmo.h"

// ---- obj/vmo_page_list.c: the radix tree. All with v->obj.lock held (or,
// in destroy, with no other reference left); see that file.

// The fewest levels that address `pages` page numbers (at least one).
unsigned vmo_radix_height_for(uint64_t pages);
// One page from the allocator, zeroed through the direct map.
zx_status_t vmo_zeroed_page_alloc(paddr_t *out);
// The data page of page number pn (its physical address), 0 if not committed.
uint64_t vmo_tree_lookup(const struct vmo *v, uint64_t pn);
// Free the empty nodes on pn's path, bottom up (after a failed commit or a
// cleared leaf entry).
void vmo_tree_prune(struct vmo *v, uint64_t pn);
// The leaf entry of pn, building the missing nodes of its path
// (ZX_ERR_NO_MEMORY: the tree is as it was).
zx_status_t vmo_tree_slot(struct vmo *v, uint64_t pn, uint64_t **out);
// The leaf entry of pn if its path exists (the entry may be 0), else NULL.
uint64_t *vmo_tree_find_slot(struct vmo *v, uint64_t pn);
// Commit pn (a zeroed page) unless it is; the page in *out.
zx_status_t vmo_tree_commit(struct vmo *v, uint64_t pn, paddr_t *out);
// Put `page`, another VMO's, at the uncommitted pn as one more user of it.
zx_status_t vmo_tree_share(struct vmo *v, uint64_t pn, uint64_t page);
// A page of pn only v uses, for writing: commits, or replaces a page shared
// copy-on-write by a copy (the old one in *old, for the caller to retire).
zx_status_t vmo_tree_get_private(struct vmo *v, uint64_t pn, paddr_t *out, uint64_t *old);
// Free a whole subtree: nodes, and data pages whose last user this was.
void vmo_tree_free_subtree(struct vmo *v, uint64_t node, unsigned level);
// The first committed page number in [pn, end), or end.
uint64_t vmo_tree_next(const struct vmo *v, uint64_t pn, uint64_t end);
// Take pn's page out of the tree (pruning emptied nodes) and return it.
uint64_t vmo_tree_detach(struct vmo *v, uint64_t pn);
// Grow / shrink the tree to h levels.
zx_status_t vmo_tree_raise(struct vmo *v, unsigned h);
void vmo_tree_lower(struct vmo *v, unsigned h);

// ---- obj/vmo_cow_pages.c: the busy section and pages leaving a VMO.

// Enter v's busy section: returns with v->obj.lock held (its flags
// returned) and op_busy set; waits while another operation is in it.
uint64_t vmo_op_begin(struct vmo *v);
void vmo_op_end(struct vmo *v, uint64_t f);

// Pages that left v's tree (detached, or replaced by a private copy) but may
// still be mapped: vmo_unmap_everywhere their range, then page_release them.
struct vmo_retire_batch {
    paddr_t page[VMO_FREE_BATCH];
    unsigned n;
    uint64_t first, last;  // page numbers they had in v
};
void vmo_retire_add(struct vmo_retire_batch *r, uint64_t pn, uint64_t page);
// Drop the lock, unmap, release, retake the lock (busy section, lock held,
// *f its flags). Returns the pages really freed.
uint64_t vmo_retire_locked(struct vmo *v, struct vmo_retire_batch *r, uint64_t *f);
// Take page numbers [first, last] of v out of every mapping of v and of its
// slices. Busy section, no lock held.
void vmo_unmap_everywhere(struct vmo *v, uint64_t first, uint64_t last);
// Remove every committed page of [pn, end) (detach a batch, unmap, release;
// busy section, lock held). Returns the pages freed (data and nodes).
uint64_t vmo_free_pages_locked(struct vmo *v, uint64_t pn, uint64_t end, uint64_t *f);
// Make pn private if it is committed and shared (busy section, lock held).
zx_status_t vmo_unshare_locked(struct vmo *v, uint64_t pn, uint64_t *f);
// [pn, end) reads as zero: pages freed, pinned ones zeroed in place.
void vmo_free_or_zero_locked(struct vmo *v, uint64_t pn, uint64_t end, uint64_t *f);
// Zero bytes [a, b) of one committed page in place (made private first).
zx_status_t vmo_zero_in_page(struct vmo *v, uint64_t a, uint64_t b, uint64_t *f);
// Bytes [start, end) read as zero: partial pages zeroed, whole ones freed.
zx_status_t vmo_zero_range_locked(struct vmo *v, uint64_t start, uint64_t end, uint64_t *f);

// Zircon's InRange: [off, off+len) inside [0, size), without overflow.
static inline bool vmo_range_ok(uint64_t off, uint64_t len, uint64_t size) {
    return off <= size && len <= size - off;
}

// [off, off+len) inside the size, rounded out to page numbers [*pn, *end).
static inline zx_status_t vmo_page_range(const struct vmo *v, uint64_t off, uint64_t len, uint64_t *pn,
                                         uint64_t *end) {
    if (!vmo_range_ok(off, len, v->size)) return ZX_ERR_OUT_OF_RANGE;
    *pn = off >> PAGE_SHIFT;
    *end = len ? page_round_up(off + len) >> PAGE_SHIFT : *pn;  // off + len <= size <= VMO_MAX_SIZE
    return ZX_OK;
}

// Slices (of paged VMOs): the range is checked against the slice's size
// (immutable), then the operation runs on slice_root at slice_offset + off.
#define SLICE_DELEGATE(v, off, len, call)                                           \
    do {                                                                            \
        if ((v)->slice_root) {                                                      \
            if (!vmo_range_ok((off), (len), (v)->size)) return ZX_ERR_OUT_OF_RANGE; \
            struct vmo *root_ = (v)->slice_root;                                    \
            uint64_t roff_ = (v)->slice_offset + (off);                             \
            return call;                                                            \
        }                                                                           \
    } while (0)

// ---- obj/vmo_pin.c.

// Is any page of v's page numbers [pn, end) pinned (or v contiguous)? v's
// lock held.
bool vmo_pinned_locked(struct vmo *v, uint64_t pn, uint64_t end);

// ---- obj/vmo_paged.c.

// ZX_VMO_ZERO_CHILDREN of v from its num_children; no VMO lock held.
void vmo_children_signal_update(struct vmo *v);

// ---- obj/vmo_discardable.c: the LRU of unlocked discardable VMOs.
void vmo_lru_remove(struct vmo *v);
void vmo_lru_append(struct vmo *v);
#endif
