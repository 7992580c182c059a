// Paged Virtual Memory Objects (see obj/vmo.h).
//
// The committed pages live in a radix tree indexed by page number. Every
// node is one page from page_alloc(0), reached through physmap_va(), holding
// VMO_RADIX_FANOUT uint64_t entries: physical addresses of child nodes, or in
// a leaf (level 0) of data pages; 0 is an empty entry. The tree is
// v->radix_height levels tall (the fewest that address v->size), the root at
// level radix_height - 1; page number pn uses index
// (pn >> (VMO_RADIX_BITS * level)) & (VMO_RADIX_FANOUT - 1) at each level.
//
// Invariants (host tests check them after every operation):
//   - no node is empty: a node exists only while one of its entries is set;
//     a commit that fails after building part of a path prunes it again
//     (tree_prune, which decommit will reuse after clearing leaf entries);
//   - committed_pages counts the data pages, node_pages the node pages;
//   - no page lies at or beyond `size`.
//
// Building blocks: tree_lookup / tree_commit / tree_share / tree_get_private
// / tree_prune / tree_detach work on one page number (tree_slot builds the
// path to a leaf entry), tree_next finds the next committed page (skipping
// empty subtrees, so sparse ranges of a VMO_MAX_SIZE VMO are cheap),
// free_subtree releases a whole subtree. Decommit, zero, shrinking set_size
// and discard go through free_pages_locked (detach a batch, unmap, release;
// see obj/vmo.h); pages replaced by private copies are retired the same way
// (retire_locked); a
// growing set_size raises radix_height by putting a new root above the old
// one (entry 0), a shrinking one collapses the root while only entry 0 can be
// set.
//
// Children (vmo_create_child):
//   - SLICE children own no pages: every read, write, get_page (faults),
//     commit, decommit and zero is checked against the slice's own size and
//     then done on slice_root (the first non-slice ancestor) at
//     slice_offset + off. The root lists its slices (v->slices) so that pages
//     leaving the root are unmapped from the slices' mappings as well
//     (unmap_slices, after the root's own vmar_unmap_vmo_pages and before the
//     page_free). Slices of physical VMOs are physical VMOs themselves.
//   - SNAPSHOT children (and AT_LEAST_ON_WRITE and SNAPSHOT_MODIFIED, which
//     mean the same without pager-backed VMOs) are copy-on-write by page
//     sharing: at creation every committed page of the parent's range is put
//     in the child's own tree as one more user of that page (page_share, a
//     count in the frame allocator), under the parent's busy section and
//     lock; then the range is unmapped from the parent's mappings (they may
//     have mapped it writable). A page with more than one user is never
//     written in place: a fault maps it read-only; a write (zx_vmo_write, a
//     write fault through vmo_unshare, zeroing part of it) first gives the
//     writer a private copy (tree_get_private), takes the old page out of
//     the writer's mappings and only then releases the writer's use of it
//     (retire_locked). A page is freed when its last user releases it
//     (page_release), so closing parent and children in any order frees
//     every page exactly once, and a VMO never keeps pages it cannot reach.
//     No VMO ever looks into another's tree: each has every page it can
//     see in its own tree, so no two VMO locks are ever held at once.
//     Attribution (ZX_INFO_VMO): committed_bytes counts every page in the
//     tree (RSS); private and scaled bytes come from the users counts.
//   - A child holds a reference on its parent until destroy, which first
//     drops the parent's num_children, then updates ZX_VMO_ZERO_CHILDREN,
//     then drops the reference. The signal follows num_children through
//     children_signal_update (children-signal lock, no VMO lock held), which
//     re-reads the count, so racing creates and destroys leave the signal
//     matching the final count. A mapping holds a reference on its VMO, so a
//     child still mapped is still alive and still counted.
//
// Locking: v->obj.lock (irqsave) guards the tree, the sizes and the counters
// in every public function that reads or changes them; page_alloc/page_free
// are called under it (lock order: vmo lock, then the buddy lock), except the
// frees of detached data pages, which come after the unmap with no lock. The
// size getters read with a relaxed atomic load instead, so they may be called
// under any lock (the fault path calls vmo_get_size under the VMAR lock).
// Operations that drop the VMO lock midway run in the busy section
// (op_begin/op_end); the discardable LRU has its own lock, taken after a VMO
// lock, never before one (reclaim takes it alone, then the VMO's).
#include "obj/vmo.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/addr.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "obj/object.h"
#include "obj/signal.h"
#include "obj/vmar.h"

#define RADIX_MASK ((uint64_t)VMO_RADIX_FANOUT - 1)

_Static_assert(VMO_RADIX_FANOUT * sizeof(uint64_t) == PAGE_SIZE, "a radix node is one page");
_Static_assert(VMO_MAX_PAGES == (1ull << (VMO_RADIX_BITS * VMO_RADIX_LEVELS)), "levels cover the maximum");
_Static_assert(sizeof(struct vmo) <= 256, "a VMO fits the kernel heap's 256-byte class");

// What a never-committed page reads as. Read-only: a copy callback only reads
// from it.
static const uint8_t zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void vmo_destroy(struct object *o);
static void lru_remove(struct vmo *v);
static void lru_append(struct vmo *v);

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
// Radix tree primitives. All are called with v->obj.lock held (or, in
// destroy, with no other reference left).

static inline uint64_t *node_entries(uint64_t node_pa) { return (uint64_t *)physmap_va(pa(node_pa)); }

static inline unsigned radix_index(uint64_t pn, unsigned level) {
    return (unsigned)((pn >> (VMO_RADIX_BITS * level)) & RADIX_MASK);
}

// The fewest levels that address `pages` page numbers (at least one).
static unsigned radix_height_for(uint64_t pages) {
    unsigned h = 1;
    while (h < VMO_RADIX_LEVELS && pages > (1ull << (VMO_RADIX_BITS * h))) h++;
    return h;
}

// One page from the allocator, zeroed through the direct map.
static zx_status_t zeroed_page_alloc(paddr_t *out) {
    zx_status_t st = page_alloc(0, out);
    if (st != ZX_OK) return st;
    memset(physmap_va(*out), 0, PAGE_SIZE);
    return ZX_OK;
}

static bool node_is_empty(uint64_t node_pa) {
    const uint64_t *e = node_entries(node_pa);
    for (unsigned i = 0; i < VMO_RADIX_FANOUT; i++)
        if (e[i]) return false;
    return true;
}

// The data page of page number pn (its physical address), 0 if not committed.
static uint64_t tree_lookup(const struct vmo *v, uint64_t pn) {
    uint64_t e = pa_val(v->root);
    for (int level = (int)v->radix_height - 1; level >= 0 && e; level--)
        e = node_entries(e)[radix_index(pn, (unsigned)level)];
    return e;
}

// Free, bottom up, every node on pn's path that is empty, stopping at the
// first one that is not. Restores the no-empty-node invariant after a failed
// commit (and, later, after a leaf entry was cleared by decommit).
static void tree_prune(struct vmo *v, uint64_t pn) {
    uint64_t *holder[VMO_RADIX_LEVELS];  // holder[l]: the entry pointing to pn's node at level l
    uint64_t *slot = &v->root.v;
    int level = (int)v->radix_height - 1;
    for (; level >= 0 && *slot; level--) {
        holder[level] = slot;
        slot = &node_entries(*slot)[radix_index(pn, (unsigned)level)];
    }
    // Nodes exist at levels level+1 .. radix_height-1.
    for (int l = level + 1; l < (int)v->radix_height; l++) {
        uint64_t node = *holder[l];
        if (!node_is_empty(node)) break;
        *holder[l] = 0;
        page_free(pa(node), 0);
        v->node_pages--;
    }
}

// The leaf entry of page number pn, building the missing nodes of its path.
// On ZX_ERR_NO_MEMORY the tree is as it was (new nodes are pruned again).
static zx_status_t tree_slot(struct vmo *v, uint64_t pn, uint64_t **out) {
    uint64_t *slot = &v->root.v;
    for (int level = (int)v->radix_height - 1; level >= 0; level--) {
        if (!*slot) {
            paddr_t node;
            if (zeroed_page_alloc(&node) != ZX_OK) {
                tree_prune(v, pn);
                return ZX_ERR_NO_MEMORY;
            }
            *slot = pa_val(node);
            v->node_pages++;
        }
        slot = &node_entries(*slot)[radix_index(pn, (unsigned)level)];
    }
    *out = slot;
    return ZX_OK;
}

// The leaf entry of pn if its path exists (the entry may be 0), else NULL.
static uint64_t *tree_find_slot(struct vmo *v, uint64_t pn) {
    uint64_t *slot = &v->root.v;
    for (int level = (int)v->radix_height - 1; level >= 0; level--) {
        if (!*slot) return NULL;
        slot = &node_entries(*slot)[radix_index(pn, (unsigned)level)];
    }
    return slot;
}

// Commit page number pn: build the missing nodes of its path, then a zeroed
// data page. Returns the page (the existing one if pn is committed already).
// On ZX_ERR_NO_MEMORY the tree is as it was: new nodes are pruned again.
static zx_status_t tree_commit(struct vmo *v, uint64_t pn, paddr_t *out) {
    uint64_t *slot;
    zx_status_t st = tree_slot(v, pn, &slot);
    if (st != ZX_OK) return st;
    if (!*slot) {
        paddr_t page;
        st = zeroed_page_alloc(&page);
        if (st != ZX_OK) {
            tree_prune(v, pn);
            return st;
        }
        *slot = pa_val(page);
        v->committed_pages++;
    }
    *out = pa(*slot);
    return ZX_OK;
}

// Put `page`, a page another VMO holds, at the uncommitted pn as one more
// user of it (a snapshot sharing its parent's page). ZX_ERR_NO_MEMORY (for a
// node): nothing changed.
static zx_status_t tree_share(struct vmo *v, uint64_t pn, uint64_t page) {
    uint64_t *slot;
    zx_status_t st = tree_slot(v, pn, &slot);
    if (st != ZX_OK) return st;
    page_share(pa(page));
    *slot = page;
    v->committed_pages++;
    return ZX_OK;
}

// A page of pn that v alone uses, for writing: commits a zeroed page if pn is
// not committed; if its page is shared (copy-on-write) with another VMO,
// copies it into a new page that replaces it in the tree and returns the old
// one in *old (else *old = 0). The caller takes the old page out of v's
// mappings and then page_release()s it (it still holds v's use of it): until
// then v's mappings may still show the old contents, read-only.
static zx_status_t tree_get_private(struct vmo *v, uint64_t pn, paddr_t *out, uint64_t *old) {
    *old = 0;
    uint64_t *slot = tree_find_slot(v, pn);
    if (!slot || !*slot) return tree_commit(v, pn, out);
    bool cow = v->cow_clone || v->num_children;  // else nothing of v is shared
    if (cow && page_users(pa(*slot)) > 1) {
        paddr_t copy;
        zx_status_t st = page_alloc(0, &copy);
        if (st != ZX_OK) return st;
        memcpy(physmap_va(copy), physmap_va(pa(*slot)), PAGE_SIZE);
        *old = *slot;
        *slot = pa_val(copy);
    }
    *out = pa(*slot);
    return ZX_OK;
}

// Free the subtree rooted at `node` (at `level`): its nodes, and its data
// pages unless another VMO still uses them (page_release).
// The caller clears the entry that pointed to it. Recursion depth is at most
// VMO_RADIX_LEVELS.
static void free_subtree(struct vmo *v, uint64_t node, unsigned level) {
    uint64_t *e = node_entries(node);
    for (unsigned i = 0; i < VMO_RADIX_FANOUT; i++) {
        uint64_t c = e[i];
        if (!c) continue;
        e[i] = 0;
        if (level == 0) {
            page_release(pa(c));
            v->committed_pages--;
        } else {
            free_subtree(v, c, level - 1);
        }
    }
    page_free(pa(node), 0);
    v->node_pages--;
}

// The first committed page number in [pn, end) under `node` (at `level`,
// covering page numbers from `base`), or `end` if none. Empty subtrees are
// skipped whole.
static uint64_t subtree_next(uint64_t node, unsigned level, uint64_t base, uint64_t pn, uint64_t end) {
    const uint64_t *e = node_entries(node);
    uint64_t span = 1ull << (VMO_RADIX_BITS * level);  // page numbers under one entry
    uint64_t i = pn > base ? (pn - base) / span : 0;
    for (; i < VMO_RADIX_FANOUT; i++) {
        uint64_t child = base + i * span;
        if (child >= end) return end;
        if (!e[i]) continue;
        if (level == 0) return child;
        uint64_t r = subtree_next(e[i], level - 1, child, pn > child ? pn : child, end);
        if (r < end) return r;
    }
    return end;
}

static uint64_t tree_next(const struct vmo *v, uint64_t pn, uint64_t end) {
    if (pn >= end || !pa_val(v->root)) return end;
    return subtree_next(pa_val(v->root), v->radix_height - 1, 0, pn, end);
}

// Take the data page of pn out of the tree (pruning emptied nodes) and return
// it (0 if pn was not committed). The caller frees it.
static uint64_t tree_detach(struct vmo *v, uint64_t pn) {
    uint64_t *slot = tree_find_slot(v, pn);
    uint64_t page = slot ? *slot : 0;
    if (!page) return 0;
    *slot = 0;
    v->committed_pages--;
    tree_prune(v, pn);
    return page;
}

// Raise the tree to h levels: each new root holds the old one in entry 0 (an
// empty tree only changes radix_height). ZX_ERR_NO_MEMORY: nothing changed.
static void tree_lower(struct vmo *v, unsigned h);
static zx_status_t tree_raise(struct vmo *v, unsigned h) {
    unsigned old = v->radix_height;
    while (v->radix_height < h) {
        if (pa_val(v->root)) {
            paddr_t node;
            zx_status_t st = zeroed_page_alloc(&node);
            if (st != ZX_OK) {
                tree_lower(v, old);
                return st;
            }
            node_entries(pa_val(node))[0] = pa_val(v->root);
            v->root = node;
            v->node_pages++;
        }
        v->radix_height++;
    }
    return ZX_OK;
}

// Lower the tree to h levels. Only entry 0 of each collapsed root may be set
// (nothing lies beyond what h levels address): it becomes the root.
static void tree_lower(struct vmo *v, unsigned h) {
    while (v->radix_height > h) {
        uint64_t r = pa_val(v->root);
        if (r) {
            v->root = pa(node_entries(r)[0]);
            page_free(pa(r), 0);
            v->node_pages--;
        }
        v->radix_height--;
    }
}

// ---------------------------------------------------------------------------
// The busy section and page removal.

// Enter v's busy section: returns with v->obj.lock held (flags returned) and
// op_busy set; waits (lock dropped) while another operation is in it.
static uint64_t op_begin(struct vmo *v) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    while (v->op_busy) {
        spin_unlock_irqrestore(&v->obj.lock, f);
        while (__atomic_load_n(&v->op_busy, __ATOMIC_RELAXED)) {
        }
        f = spin_lock_irqsave(&v->obj.lock);
    }
    __atomic_store_n(&v->op_busy, true, __ATOMIC_RELAXED);
    return f;
}

static void op_end(struct vmo *v, uint64_t f) {
    __atomic_store_n(&v->op_busy, false, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&v->obj.lock, f);
}

// Every pin of every VMO, on one list (pin_lock, a leaf taken under a VMO
// lock). A VMO with pin_count 0 and not contiguous never looks at it.
static struct spinlock pin_lock = SPINLOCK_INIT("vmo-pins");
static struct vmo_pin *pin_head;
static uint64_t pin_live;

// Is any page of v's page numbers [pn, end) pinned? v's lock held.
static bool pinned_locked(struct vmo *v, uint64_t pn, uint64_t end) {
    if (pn >= end) return false;
    if (v->contiguous) return true;
    if (!v->pin_count) return false;
    bool hit = false;
    uint64_t f = spin_lock_irqsave(&pin_lock);
    for (struct vmo_pin *p = pin_head; p && !hit; p = p->next)
        hit = p->owner == v && p->first < end && pn < p->end;
    spin_unlock_irqrestore(&pin_lock, f);
    return hit;
}

// Take bytes [off, off+len) of root v out of the mappings of every slice of v
// (translated to each slice's offsets). Called in v's busy section with no
// lock held. A slice is kept alive by a reference while its mappings are
// visited (one that is being destroyed has no mappings left); holding that
// reference keeps it on v->slices, so its slice_next is valid afterwards.
static void unmap_slices(struct vmo *v, uint64_t off, uint64_t len) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    struct vmo *s = v->slices;
    while (s && !object_try_ref(&s->obj)) s = s->slice_next;
    spin_unlock_irqrestore(&v->obj.lock, f);
    while (s) {
        uint64_t lo = off > s->slice_offset ? off : s->slice_offset;
        uint64_t send = s->slice_offset + s->size, end = off + len;
        uint64_t hi = end < send ? end : send;
        if (lo < hi) vmar_unmap_vmo_pages(s, lo - s->slice_offset, hi - lo);
        f = spin_lock_irqsave(&v->obj.lock);
        struct vmo *n = s->slice_next;
        while (n && !object_try_ref(&n->obj)) n = n->slice_next;
        spin_unlock_irqrestore(&v->obj.lock, f);
        object_unref(&s->obj);  // may destroy s, which takes v's lock to unlink it
        s = n;
    }
}

// Take page numbers [first, last] of v out of every mapping of v and of its
// slices. Busy section, no lock held.
static void unmap_everywhere(struct vmo *v, uint64_t first, uint64_t last) {
    vmar_unmap_vmo_pages(v, first << PAGE_SHIFT, (last - first + 1) << PAGE_SHIFT);
    unmap_slices(v, first << PAGE_SHIFT, (last - first + 1) << PAGE_SHIFT);
}

// Pages that left v's tree (detached, or replaced by a private copy) but may
// still be mapped: unmap_everywhere their range, then page_release them.
struct retire_batch {
    paddr_t page[VMO_FREE_BATCH];
    unsigned n;
    uint64_t first, last;  // page numbers they had in v
};

static void retire_add(struct retire_batch *r, uint64_t pn, uint64_t page) {
    if (r->n == 0 || pn < r->first) r->first = pn;
    if (r->n == 0 || pn > r->last) r->last = pn;
    r->page[r->n++] = pa(page);
}

// Drop the lock, unmap, release, retake the lock. Busy section, lock held
// (*f its flags). Returns the pages really freed (others still had users).
static uint64_t retire_locked(struct vmo *v, struct retire_batch *r, uint64_t *f) {
    uint64_t freed = 0;
    if (r->n == 0) return 0;
    spin_unlock_irqrestore(&v->obj.lock, *f);
    unmap_everywhere(v, r->first, r->last);
    for (unsigned i = 0; i < r->n; i++) freed += page_release(r->page[i]);
    r->n = 0;
    *f = spin_lock_irqsave(&v->obj.lock);
    return freed;
}

// Remove every committed page with page number in [pn, end): detach up to
// VMO_FREE_BATCH of them under the lock, drop it, take them out of every
// mapping, release them (freed unless another VMO still shares them), retake
// the lock; repeat. Called in the busy section with the lock held (*f its
// flags); returns with it held. Returns the pages freed: data pages whose
// last user this was, plus the radix nodes that emptied.
static uint64_t free_pages_locked(struct vmo *v, uint64_t pn, uint64_t end, uint64_t *f) {
    uint64_t freed = 0;
    struct retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    while (pn < end) {
        uint64_t nodes_before = v->node_pages;
        while (r.n < VMO_FREE_BATCH) {
            uint64_t p = tree_next(v, pn, end);
            if (p >= end) {
                pn = end;
                break;
            }
            retire_add(&r, p, tree_detach(v, p));
            pn = p + 1;
        }
        freed += nodes_before - v->node_pages;
        if (r.n == 0) break;
        freed += retire_locked(v, &r, f);
    }
    return freed;
}

// Make page number pn of v private (tree_get_private) if it is committed and
// shared, retiring the old page. Busy section, lock held, as
// free_pages_locked. ZX_ERR_NO_MEMORY: nothing changed.
static zx_status_t unshare_locked(struct vmo *v, uint64_t pn, uint64_t *f) {
    uint64_t page = tree_lookup(v, pn), old;
    if (!page || page_users(pa(page)) == 1) return ZX_OK;
    paddr_t p;
    zx_status_t st = tree_get_private(v, pn, &p, &old);
    if (st != ZX_OK) return st;
    struct retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    retire_add(&r, pn, old);
    retire_locked(v, &r, f);
    return ZX_OK;
}

// Make page numbers [pn, end) read as zero: free the committed pages, except
// pinned ones, which are zeroed in place (they never leave). Busy section,
// lock held, as free_pages_locked.
static void free_or_zero_locked(struct vmo *v, uint64_t pn, uint64_t end, uint64_t *f) {
    if (!pinned_locked(v, pn, end)) {
        free_pages_locked(v, pn, end, f);
        return;
    }
    for (uint64_t p = tree_next(v, pn, end); p < end; p = tree_next(v, p + 1, end)) {
        if (pinned_locked(v, p, p + 1))
            memset(physmap_va(pa(tree_lookup(v, p))), 0, PAGE_SIZE);
        else
            free_pages_locked(v, p, p + 1, f);
    }
}

// Zero bytes [a, b) of one page in place if it is committed (a < b, same
// page); a page shared with another VMO is first made private. Busy section,
// lock held. ZX_ERR_NO_MEMORY (for that copy): nothing changed.
static zx_status_t zero_in_page(struct vmo *v, uint64_t a, uint64_t b, uint64_t *f) {
    zx_status_t st = unshare_locked(v, a >> PAGE_SHIFT, f);
    if (st != ZX_OK) return st;
    uint64_t page = tree_lookup(v, a >> PAGE_SHIFT);
    if (page) memset((uint8_t *)physmap_va(pa(page)) + (a & PAGE_MASK), 0, (size_t)(b - a));
    return ZX_OK;
}

// Make bytes [start, end) (end <= size) read as zero: partial pages zeroed in
// place, whole pages freed. Busy section, lock held, as free_pages_locked.
// ZX_ERR_NO_MEMORY: a shared partial page could not be copied; the other
// partial page may have been zeroed already, no whole page was freed.
static zx_status_t zero_range_locked(struct vmo *v, uint64_t start, uint64_t end, uint64_t *f) {
    if (start >= end) return ZX_OK;
    zx_status_t st;
    if (start & PAGE_MASK) {
        uint64_t stop = page_round_up(start) < end ? page_round_up(start) : end;
        if ((st = zero_in_page(v, start, stop, f)) != ZX_OK) return st;
        start = stop;
    }
    if (start < end && (end & PAGE_MASK)) {
        uint64_t from = page_round_down(end) > start ? page_round_down(end) : start;
        if ((st = zero_in_page(v, from, end, f)) != ZX_OK) return st;
        end = from;
    }
    if (start < end) free_or_zero_locked(v, start >> PAGE_SHIFT, end >> PAGE_SHIFT, f);
    return ZX_OK;
}

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
    v->radix_height = radix_height_for(size >> PAGE_SHIFT);
    v->discardable = (options & ZX_VMO_DISCARDABLE) != 0;
    // "The ZX_VMO_ZERO_CHILDREN signal is active on a newly created VMO."
    // (Nobody else can see v yet, so no scheduler lock.)
    v->obj.signals |= ZX_VMO_ZERO_CHILDREN;
    if (v->discardable) lru_append(v);  // a new discardable VMO is unlocked
    *out = v;
    return ZX_OK;
}

zx_status_t vmo_create_physical(uint64_t paddr, uint64_t size, struct vmo **out) {
    if (size == 0 || !is_page_aligned(paddr) || !is_page_aligned(size)) return ZX_ERR_INVALID_ARGS;
    if (size - 1 > UINT64_MAX - paddr || size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    struct vmo *v = kzalloc(sizeof(*v));
    if (!v) return ZX_ERR_NO_MEMORY;
    object_init(&v->obj, &vmo_ops);
    v->size = size;
    v->content_size = size;
    v->options = 0;
    v->cache_policy = ZX_CACHE_POLICY_UNCACHED;
    v->root = pa(0);
    v->radix_height = 1;
    v->physical = true;
    v->phys_base = pa(paddr);
    v->obj.signals |= ZX_VMO_ZERO_CHILDREN;
    *out = v;
    return ZX_OK;
}

bool vmo_is_physical(struct vmo *v) { return v->physical; }

// ZX_VMO_ZERO_CHILDREN of v from its current num_children. Called with no
// VMO lock held after a change of num_children from or to zero; the
// children-signal lock orders the updates, and each re-reads the count, so the
// last one leaves the signal right whatever the interleaving.
static struct spinlock children_signal_lock = SPINLOCK_INIT("vmo-children");

static void children_signal_update(struct vmo *v) {
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
    uint64_t f = op_begin(v);
    // Without a handle, a mapping or a slice nobody can make one again: final.
    // Pinned pages stay until the pin goes (vmo_unpin calls this again).
    if (!v->slices && !v->map_list && !v->pin_count && !v->contiguous) free_pages_locked(v, 0, v->size >> PAGE_SHIFT, &f);
    op_end(v, f);
}

// Called once by object_unref when the last reference goes: nothing else can
// reach the VMO, so no lock is taken.
static void vmo_destroy(struct object *o) {
    struct vmo *v = vmo_from_object(o);
    if (v->discardable) lru_remove(v);
    if (v->slice_root) {
        slice_unlink(v);
        vmo_release_if_unreachable(v->slice_root);  // maybe its last way in
    }
    if (!v->physical && pa_val(v->root)) free_subtree(v, pa_val(v->root), v->radix_height - 1);
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
        if (last) children_signal_update(parent);
        object_unref(&parent->obj);
    }
}

// ---------------------------------------------------------------------------
// Reads, writes, faults.

// Zircon's InRange: [off, off+len) inside [0, size), without overflow.
static inline bool range_ok(uint64_t off, uint64_t len, uint64_t size) {
    return off <= size && len <= size - off;
}

// [off, off+len) inside the size, rounded out to page numbers [*pn, *end).
static zx_status_t page_range(const struct vmo *v, uint64_t off, uint64_t len, uint64_t *pn, uint64_t *end) {
    if (!range_ok(off, len, v->size)) return ZX_ERR_OUT_OF_RANGE;
    *pn = off >> PAGE_SHIFT;
    *end = len ? page_round_up(off + len) >> PAGE_SHIFT : *pn;  // off + len <= size <= VMO_MAX_SIZE
    return ZX_OK;
}

// Slices (of paged VMOs): the range is checked against the slice's size
// (immutable), then the operation runs on slice_root at slice_offset + off.
#define SLICE_DELEGATE(v, off, len, call)                                         \
    do {                                                                          \
        if ((v)->slice_root) {                                                    \
            if (!range_ok((off), (len), (v)->size)) return ZX_ERR_OUT_OF_RANGE;   \
            struct vmo *root_ = (v)->slice_root;                                  \
            uint64_t roff_ = (v)->slice_offset + (off);                           \
            return call;                                                          \
        }                                                                         \
    } while (0)

zx_status_t vmo_read(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_read(root_, roff_, len, copy, ctx));
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st = ZX_OK;
    if (!range_ok(off, len, v->size))
        st = ZX_ERR_OUT_OF_RANGE;
    else if (v->discarded)
        st = ZX_ERR_NOT_FOUND;
    for (size_t done = 0; st == ZX_OK && done < len;) {
        uint64_t cur = off + done;
        uint64_t in_page = cur & PAGE_MASK;
        size_t n = (size_t)(PAGE_SIZE - in_page);
        if (n > len - done) n = len - done;
        uint64_t page = tree_lookup(v, cur >> PAGE_SHIFT);
        void *src = page ? (uint8_t *)physmap_va(pa(page)) + in_page
                         : (void *)(uintptr_t)(zero_page + in_page);
        st = copy(ctx, done, src, n);
        done += n;
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
    return st;
}

// Pages of v that are shared copy-on-write get a private copy before they
// are written (tree_get_private); the old ones are retired (unmapped, then
// released) in batches. zx_vmo_write calls vmo_unshare on the range before it
// faults the caller's buffer in, so that retiring here (which unmaps) never
// takes away a buffer page the copy still needs; only a snapshot racing in
// between (another hart) leaves shared pages for this loop.
zx_status_t vmo_write(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_write(root_, roff_, len, copy, ctx));
    uint64_t f = op_begin(v);
    zx_status_t st = ZX_OK;
    if (!range_ok(off, len, v->size))
        st = ZX_ERR_OUT_OF_RANGE;
    else if (v->discarded)
        st = ZX_ERR_NOT_FOUND;
    struct retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    for (size_t done = 0; st == ZX_OK && done < len;) {
        uint64_t cur = off + done;
        uint64_t in_page = cur & PAGE_MASK;
        size_t n = (size_t)(PAGE_SIZE - in_page);
        if (n > len - done) n = len - done;
        paddr_t page;
        uint64_t old;
        st = tree_get_private(v, cur >> PAGE_SHIFT, &page, &old);
        if (st != ZX_OK) break;
        if (old) retire_add(&r, cur >> PAGE_SHIFT, old);
        st = copy(ctx, done, (uint8_t *)physmap_va(page) + in_page, n);
        done += n;
        if (r.n == VMO_FREE_BATCH) retire_locked(v, &r, &f);
    }
    retire_locked(v, &r, &f);
    op_end(v, f);
    return st;
}

zx_status_t vmo_unshare(struct vmo *v, uint64_t off, uint64_t len) {
    if (v->physical) return ZX_OK;
    SLICE_DELEGATE(v, off, len, vmo_unshare(root_, roff_, len));
    // Pages are shared only between a snapshot and its parent (or ancestors):
    // a VMO that is neither has nothing to do (a racing snapshot on another
    // hart leaves shared pages that vmo_write still handles).
    if (!v->cow_clone && !__atomic_load_n(&v->num_children, __ATOMIC_ACQUIRE) &&
        !__atomic_load_n(&v->snapshot_pending, __ATOMIC_ACQUIRE))
        return range_ok(off, len, vmo_get_size(v)) ? ZX_OK : ZX_ERR_OUT_OF_RANGE;
    uint64_t f = op_begin(v);
    uint64_t pn = 0, end = 0;
    zx_status_t st = page_range(v, off, len, &pn, &end);
    struct retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    while (st == ZX_OK && pn < end && !v->discarded) {
        pn = tree_next(v, pn, end);
        if (pn >= end) break;
        paddr_t page;
        uint64_t old;
        st = tree_get_private(v, pn, &page, &old);
        if (st == ZX_OK && old) retire_add(&r, pn, old);
        if (r.n == VMO_FREE_BATCH) retire_locked(v, &r, &f);
        pn++;
    }
    retire_locked(v, &r, &f);
    op_end(v, f);
    return st;
}

void vmo_for_each_page(struct vmo *v, uint64_t off, uint64_t len, vmo_page_fn fn, void *ctx) {
    if (!is_page_aligned(off)) return;
    if (v->slice_root) {
        if (off >= v->size) return;
        if (len > v->size - off) len = v->size - off;
        vmo_for_each_page(v->slice_root, v->slice_offset + off, len, fn, ctx);
        return;
    }
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    uint64_t end = off < v->size ? (len < v->size - off ? off + len : v->size) : off;
    if (v->physical) {
        for (uint64_t o = off; o < end; o += PAGE_SIZE) fn(ctx, o - off, pa_add(v->phys_base, o), true);
    } else if (!v->discarded) {
        uint64_t last = page_round_up(end) >> PAGE_SHIFT;
        for (uint64_t pn = tree_next(v, off >> PAGE_SHIFT, last); pn < last; pn = tree_next(v, pn + 1, last)) {
            paddr_t page = pa(tree_lookup(v, pn));
            fn(ctx, (pn << PAGE_SHIFT) - off, page, page_users(page) == 1 && !v->snapshot_pending);
        }
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
}

zx_status_t vmo_get_page(struct vmo *v, uint64_t off, unsigned flags, paddr_t *out, bool *writable) {
    if (!is_page_aligned(off)) return ZX_ERR_INVALID_ARGS;
    if (v->slice_root) {
        if (off >= v->size) return ZX_ERR_OUT_OF_RANGE;
        return vmo_get_page(v->slice_root, v->slice_offset + off, flags, out, writable);
    }
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st;
    bool w = true;
    if (off >= v->size) {
        st = ZX_ERR_OUT_OF_RANGE;
    } else if (v->physical) {
        *out = pa_add(v->phys_base, off);
        st = ZX_OK;
    } else if (v->discarded) {
        st = ZX_ERR_NOT_FOUND;
    } else {
        uint64_t page = tree_lookup(v, off >> PAGE_SHIFT);
        if (v->snapshot_pending) {
            // Being snapshotted: read-only for now; a write waits (the
            // caller's vmo_unshare enters the busy section after it).
            w = false;
            if (flags & VMO_PAGE_WRITE)
                st = ZX_ERR_SHOULD_WAIT;
            else if (page)
                *out = pa(page), st = ZX_OK;
            else
                st = (flags & VMO_PAGE_COMMIT) ? tree_commit(v, off >> PAGE_SHIFT, out) : ZX_ERR_NOT_FOUND;
        } else if (page) {
            *out = pa(page);
            w = page_users(pa(page)) == 1;
            st = (flags & VMO_PAGE_WRITE) && !w ? ZX_ERR_SHOULD_WAIT : ZX_OK;
        } else {
            st = (flags & VMO_PAGE_COMMIT) ? tree_commit(v, off >> PAGE_SHIFT, out) : ZX_ERR_NOT_FOUND;
        }
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
    if (writable) *writable = w;
    return st;
}

// ---------------------------------------------------------------------------
// Sizes and counters.

uint64_t vmo_committed_bytes(struct vmo *v) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    uint64_t bytes = v->committed_pages * PAGE_SIZE;
    spin_unlock_irqrestore(&v->obj.lock, f);
    return bytes;
}

uint64_t vmo_get_size(struct vmo *v) { return __atomic_load_n(&v->size, __ATOMIC_RELAXED); }

uint64_t vmo_get_content_size(struct vmo *v) { return __atomic_load_n(&v->content_size, __ATOMIC_RELAXED); }

void vmo_set_content_size(struct vmo *v, uint64_t content_size) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    __atomic_store_n(&v->content_size, content_size, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&v->obj.lock, f);
}

zx_status_t vmo_set_content_size_checked(struct vmo *v, uint64_t cs) {
    if (v->slice_root) {
        // The bytes [cs, size) of the slice are the root's: zero them there.
        zx_status_t st = cs < v->size ? vmo_zero(v->slice_root, v->slice_offset + cs, v->size - cs) : ZX_OK;
        if (st == ZX_OK) __atomic_store_n(&v->content_size, cs, __ATOMIC_RELAXED);
        return st;
    }
    uint64_t f = op_begin(v);
    zx_status_t st = ZX_OK;
    // Beyond the size: only recorded (as Zircon; nothing to zero).
    if (cs < v->size && !v->physical) st = zero_range_locked(v, cs, v->size, &f);
    if (st == ZX_OK) __atomic_store_n(&v->content_size, cs, __ATOMIC_RELAXED);
    op_end(v, f);
    return st;
}

zx_status_t vmo_set_size(struct vmo *v, uint64_t size) {
    if (v->physical || !(v->options & ZX_VMO_RESIZABLE)) return ZX_ERR_UNAVAILABLE;
    if (size > UINT64_MAX - PAGE_MASK) return ZX_ERR_OUT_OF_RANGE;
    uint64_t rounded = page_round_up(size);
    if (rounded > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    if (v->root_offset > UINT64_MAX - rounded) return ZX_ERR_INVALID_ARGS;  // as creation
    unsigned h = radix_height_for(rounded >> PAGE_SHIFT);
    uint64_t f = op_begin(v);
    uint64_t old = v->size;
    zx_status_t st = ZX_OK;
    // Shrinking over pinned pages: refused, nothing changes (as Zircon).
    if (rounded < old && pinned_locked(v, rounded >> PAGE_SHIFT, old >> PAGE_SHIFT)) st = ZX_ERR_BAD_STATE;
    // The page that will hold the zeroed tail [size, rounded) must be v's
    // own before anything changes (a copy may fail).
    if (st == ZX_OK && (size & PAGE_MASK) && size < old) st = unshare_locked(v, size >> PAGE_SHIFT, &f);
    if (st == ZX_OK && h > v->radix_height) st = tree_raise(v, h);
    if (st == ZX_OK) {
        // The new size first: nothing commits beyond it while the pages
        // beyond are removed (with the lock dropped now and then).
        __atomic_store_n(&v->size, rounded, __ATOMIC_RELAXED);
        __atomic_store_n(&v->content_size, size, __ATOMIC_RELAXED);
        if (rounded < old) free_pages_locked(v, rounded >> PAGE_SHIFT, old >> PAGE_SHIFT, &f);
        if (h < v->radix_height) tree_lower(v, h);
        if (size < rounded) (void)zero_in_page(v, size, rounded, &f);  // private already: cannot fail
    }
    op_end(v, f);
    return st;
}

zx_status_t vmo_commit(struct vmo *v, uint64_t off, uint64_t len) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_commit(root_, roff_, len));
    uint64_t f = op_begin(v);
    uint64_t pn, end;
    zx_status_t st = page_range(v, off, len, &pn, &end);
    if (st == ZX_OK && len && v->discarded) st = ZX_ERR_NOT_FOUND;
    for (; st == ZX_OK && pn < end; pn++) {
        paddr_t page;
        st = tree_commit(v, pn, &page);
    }
    op_end(v, f);
    return st;
}

zx_status_t vmo_decommit(struct vmo *v, uint64_t off, uint64_t len) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    // Zircon's order (VmCowPages::DecommitRangeLocked): range, length 0,
    // slices to their root, then no copy-on-write relation, then alignment.
    if (!range_ok(off, len, vmo_get_size(v))) return ZX_ERR_OUT_OF_RANGE;
    if (len == 0) return ZX_OK;
    SLICE_DELEGATE(v, off, len, vmo_decommit(root_, roff_, len));
    if (v->cow_clone || __atomic_load_n(&v->cow_children, __ATOMIC_RELAXED)) return ZX_ERR_NOT_SUPPORTED;
    if (!is_page_aligned(off) || !is_page_aligned(len)) return ZX_ERR_INVALID_ARGS;
    uint64_t f = op_begin(v);
    uint64_t pn, end;
    zx_status_t st = page_range(v, off, len, &pn, &end);
    // Pinned pages never leave (Zircon: ZX_ERR_BAD_STATE, nothing decommitted).
    if (st == ZX_OK && pinned_locked(v, pn, end)) st = ZX_ERR_BAD_STATE;
    if (st == ZX_OK) free_pages_locked(v, pn, end, &f);
    op_end(v, f);
    return st;
}

zx_status_t vmo_zero(struct vmo *v, uint64_t off, uint64_t len) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_zero(root_, roff_, len));
    uint64_t f = op_begin(v);
    zx_status_t st = range_ok(off, len, v->size) ? ZX_OK : ZX_ERR_OUT_OF_RANGE;
    if (st == ZX_OK) st = zero_range_locked(v, off, off + len, &f);
    op_end(v, f);
    return st;
}

// ---------------------------------------------------------------------------
// Discardable VMOs. The LRU (lru_lock) holds the unlocked, not discarded
// ones, least recently unlocked at the head; it holds no references (destroy
// takes a VMO off it; reclaim only takes VMOs whose refcount is not zero).

static struct spinlock lru_lock = SPINLOCK_INIT("vmo-lru");
static struct vmo *lru_head, *lru_tail;
static uint64_t lru_count;

static void lru_remove_locked(struct vmo *v) {
    if (!v->on_lru) return;
    if (v->lru_prev) v->lru_prev->lru_next = v->lru_next;
    else lru_head = v->lru_next;
    if (v->lru_next) v->lru_next->lru_prev = v->lru_prev;
    else lru_tail = v->lru_prev;
    v->lru_prev = v->lru_next = NULL;
    v->on_lru = false;
    lru_count--;
}

static void lru_remove(struct vmo *v) {
    uint64_t f = spin_lock_irqsave(&lru_lock);
    lru_remove_locked(v);
    spin_unlock_irqrestore(&lru_lock, f);
}

static void lru_append(struct vmo *v) {
    uint64_t f = spin_lock_irqsave(&lru_lock);
    lru_remove_locked(v);
    v->lru_prev = lru_tail;
    v->lru_next = NULL;
    if (lru_tail) lru_tail->lru_next = v;
    else lru_head = v;
    lru_tail = v;
    v->on_lru = true;
    lru_count++;
    spin_unlock_irqrestore(&lru_lock, f);
}

uint64_t vmo_discardable_unlocked_count(void) {
    uint64_t f = spin_lock_irqsave(&lru_lock);
    uint64_t n = lru_count;
    spin_unlock_irqrestore(&lru_lock, f);
    return n;
}

zx_status_t vmo_lock(struct vmo *v, uint64_t off, uint64_t len, bool try_only, zx_vmo_lock_state_t *out) {
    if (!v->discardable) return ZX_ERR_NOT_SUPPORTED;
    uint64_t f = op_begin(v);
    zx_status_t st = ZX_OK;
    if (off != 0 || len != v->size) {
        st = ZX_ERR_OUT_OF_RANGE;
    } else if (v->lock_count == UINT32_MAX) {
        st = ZX_ERR_BAD_STATE;
    } else if (try_only && v->discarded) {
        st = ZX_ERR_UNAVAILABLE;
    } else {
        bool was = v->discarded;
        if (v->lock_count++ == 0) lru_remove(v);
        v->discarded = false;
        if (out) *out = (zx_vmo_lock_state_t){0, v->size, 0, was ? v->size : 0};
    }
    op_end(v, f);
    return st;
}

zx_status_t vmo_unlock(struct vmo *v, uint64_t off, uint64_t len) {
    if (!v->discardable) return ZX_ERR_NOT_SUPPORTED;
    uint64_t f = op_begin(v);
    zx_status_t st = ZX_OK;
    if (off != 0 || len != v->size)
        st = ZX_ERR_OUT_OF_RANGE;
    else if (v->lock_count == 0)
        st = ZX_ERR_BAD_STATE;
    else if (--v->lock_count == 0)
        lru_append(v);
    op_end(v, f);
    return st;
}

// Discard v if it is still unlocked and not discarded: pages freed.
static uint64_t vmo_discard(struct vmo *v) {
    uint64_t f = op_begin(v);
    uint64_t freed = 0;
    if (v->lock_count == 0 && !v->discarded && !v->pin_count) {  // pinned pages stay
        v->discarded = true;
        lru_remove(v);
        freed = free_pages_locked(v, 0, v->size >> PAGE_SHIFT, &f);
    }
    op_end(v, f);
    return freed;
}

uint64_t vmo_reclaim_discardable(uint64_t want_pages) {
    uint64_t freed = 0;
    while (freed < want_pages) {
        struct vmo *v = NULL;
        uint64_t f = spin_lock_irqsave(&lru_lock);
        for (struct vmo *c = lru_head; c; c = c->lru_next) {
            if (object_try_ref(&c->obj)) {  // refcount 0: destroy is taking it off
                v = c;
                lru_remove_locked(v);
                break;
            }
        }
        spin_unlock_irqrestore(&lru_lock, f);
        if (!v) break;
        freed += vmo_discard(v);
        object_unref(&v->obj);
    }
    return freed;
}

// ---------------------------------------------------------------------------
// Cache policy and info.

zx_status_t vmo_set_cache_policy(struct vmo *v, uint32_t policy) {
    if (policy > ZX_CACHE_POLICY_MASK) return ZX_ERR_INVALID_ARGS;
    uint64_t f = op_begin(v);
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
    op_end(v, f);
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
    for (uint64_t pn = tree_next(v, 0, end); pn < end; pn = tree_next(v, pn + 1, end)) {
        uint64_t u = page_users(pa(tree_lookup(v, pn)));
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
    for (uint64_t p = tree_next(src, spn, spn + n); p < spn + n; p = tree_next(src, p + 1, spn + n)) {
        zx_status_t st = tree_share(c, p - spn, tree_lookup(src, p));
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
        if (!range_ok(offset, rounded, vmo_get_size(parent))) return ZX_ERR_INVALID_ARGS;
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
        uint64_t f = op_begin(src);
        // The part of the child inside the parent (now): the rest reads as zero.
        uint64_t psize = parent->slice_root ? parent->size : src->size;
        uint64_t inside = offset < psize ? psize - offset : 0;
        if (inside > rounded) inside = rounded;
        uint64_t spn = (src_off + offset) >> PAGE_SHIFT, n = inside >> PAGE_SHIFT;
        uint64_t first = tree_next(src, spn, spn + n), last = spn + n - 1;  // (the range's end: no second walk)
        // Pinned pages are never shared (a write would move them): Zircon
        // refuses the snapshot with ZX_ERR_BAD_STATE (PinBeforeCreateFailure).
        if (pinned_locked(src, spn, spn + n)) {
            op_end(src, f);
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
            unmap_everywhere(src, first, last);
            f = spin_lock_irqsave(&src->obj.lock);
        }
        // Pages committed meanwhile (read faults) are shared too: they were
        // only ever mapped read-only.
        st = snapshot_share_locked(src, spn, n, c, &first, &last);
        src->snapshot_pending = false;
        op_end(src, f);
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
    if (first) children_signal_update(parent);
    *out = c;
    return ZX_OK;
}

// ---------------------------------------------------------------------------
// Contiguous VMOs and pinning (zx_vmo_create_contiguous, zx_bti_pin).

zx_status_t vmo_create_contiguous(uint64_t size, unsigned align_log2, struct vmo **out) {
    if (size == 0 || !is_page_aligned(size) || align_log2 < PAGE_SHIFT) return ZX_ERR_INVALID_ARGS;
    uint64_t npages = size >> PAGE_SHIFT;
    // One buddy block holds the run: beyond its largest order, no memory.
    if (npages > (1ull << BUDDY_MAX_ORDER) || align_log2 - PAGE_SHIFT > BUDDY_MAX_ORDER) return ZX_ERR_NO_MEMORY;
    struct vmo *v;
    zx_status_t st = vmo_create(size, size, 0, &v);
    if (st != ZX_OK) return st;
    paddr_t run;
    st = page_alloc_contig(npages, align_log2 - PAGE_SHIFT, &run);
    if (st != ZX_OK) {
        object_unref(&v->obj);
        return st;
    }
    // The pages go into the tree one by one; a node that cannot be had
    // leaves the rest of the run to be freed here, the tree's to destroy.
    uint64_t pn = 0;
    for (; pn < npages; pn++) {
        uint64_t *slot;
        if (tree_slot(v, pn, &slot) != ZX_OK) break;
        paddr_t page = pa_add(run, pn << PAGE_SHIFT);
        memset(physmap_va(page), 0, PAGE_SIZE);
        *slot = pa_val(page);
        v->committed_pages++;
    }
    if (pn < npages) {
        for (uint64_t i = pn; i < npages; i++) page_free(pa_add(run, i << PAGE_SHIFT), 0);
        object_unref(&v->obj);
        return ZX_ERR_NO_MEMORY;
    }
    v->contiguous = true;
    *out = v;
    return ZX_OK;
}

bool vmo_is_contiguous(struct vmo *v) {
    return v->slice_root ? v->slice_root->contiguous : v->contiguous;
}

uint64_t vmo_pin_live_count(void) {
    uint64_t f = spin_lock_irqsave(&pin_lock);
    uint64_t n = pin_live;
    spin_unlock_irqrestore(&pin_lock, f);
    return n;
}

static void pin_link(struct vmo_pin *pin) {
    uint64_t f = spin_lock_irqsave(&pin_lock);
    pin->prev = NULL;
    pin->next = pin_head;
    if (pin_head) pin_head->prev = pin;
    pin_head = pin;
    pin_live++;
    spin_unlock_irqrestore(&pin_lock, f);
}

static void pin_unlink(struct vmo_pin *pin) {
    uint64_t f = spin_lock_irqsave(&pin_lock);
    if (pin->prev) pin->prev->next = pin->next;
    else pin_head = pin->next;
    if (pin->next) pin->next->prev = pin->prev;
    pin->prev = pin->next = NULL;
    pin_live--;
    spin_unlock_irqrestore(&pin_lock, f);
}

zx_status_t vmo_pin(struct vmo *v, uint64_t off, uint64_t len, struct vmo_pin *pin) {
    struct vmo *owner = v;
    if (v->slice_root) {
        if (!range_ok(off, len, v->size)) return ZX_ERR_OUT_OF_RANGE;
        owner = v->slice_root;
        off += v->slice_offset;
    }
    pin->vmo = v;
    pin->owner = owner;
    pin->first = off >> PAGE_SHIFT;
    if (owner->physical) {
        if (!range_ok(off, len, owner->size)) return ZX_ERR_OUT_OF_RANGE;
        pin->end = (off + len) >> PAGE_SHIFT;
        object_ref(&v->obj);
        pin_link(pin);
        return ZX_OK;
    }
    uint64_t f = op_begin(owner);
    uint64_t pn = 0, end = 0;
    zx_status_t st = page_range(owner, off, len, &pn, &end);
    if (st == ZX_OK && owner->discardable && owner->lock_count == 0) st = ZX_ERR_BAD_STATE;
    if (st == ZX_OK && owner->discarded) st = ZX_ERR_NOT_FOUND;
    // Commit, and make private what is shared copy-on-write: a pinned page
    // must never be replaced by a copy later.
    struct retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    for (uint64_t p = pn; st == ZX_OK && p < end; p++) {
        paddr_t page;
        uint64_t old;
        st = tree_get_private(owner, p, &page, &old);
        if (st == ZX_OK && old) retire_add(&r, p, old);
        if (r.n == VMO_FREE_BATCH) retire_locked(owner, &r, &f);
    }
    retire_locked(owner, &r, &f);
    if (st == ZX_OK) {
        pin->end = end;
        owner->pin_count++;
        object_ref(&v->obj);
        pin_link(pin);
    }
    op_end(owner, f);
    return st;
}

void vmo_unpin(struct vmo_pin *pin) {
    struct vmo *owner = pin->owner, *v = pin->vmo;
    uint64_t f = spin_lock_irqsave(&owner->obj.lock);
    pin_unlink(pin);
    if (!owner->physical) owner->pin_count--;
    spin_unlock_irqrestore(&owner->obj.lock, f);
    vmo_release_if_unreachable(owner);  // pages kept only for the pin go now
    object_unref(&v->obj);
}

void vmo_pin_addrs(const struct vmo_pin *pin, uint64_t idx, uint64_t n, paddr_t *out) {
    struct vmo *owner = pin->owner;
    if (owner->physical) {
        for (uint64_t i = 0; i < n; i++) out[i] = pa_add(owner->phys_base, (pin->first + idx + i) << PAGE_SHIFT);
        return;
    }
    uint64_t f = spin_lock_irqsave(&owner->obj.lock);
    for (uint64_t i = 0; i < n; i++) out[i] = pa(tree_lookup(owner, pin->first + idx + i));
    spin_unlock_irqrestore(&owner->obj.lock, f);
}
