// The radix tree of a paged VMO's committed pages (see obj/vmo.h; Zircon's
// VmPageList).
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
//     (vmo_tree_prune, which decommit reuses after clearing leaf entries);
//   - committed_pages counts the data pages, node_pages the node pages;
//   - no page lies at or beyond `size`.
//
// Building blocks: vmo_tree_lookup / _commit / _share / _get_private /
// _prune / _detach work on one page number (vmo_tree_slot builds the path to
// a leaf entry), vmo_tree_next finds the next committed page (skipping empty
// subtrees, so sparse ranges of a VMO_MAX_SIZE VMO are cheap),
// vmo_tree_free_subtree releases a whole subtree. A growing set_size raises
// radix_height by putting a new root above the old one (entry 0), a
// shrinking one collapses the root while only entry 0 can be set.
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

#define RADIX_MASK ((uint64_t)VMO_RADIX_FANOUT - 1)

_Static_assert(VMO_RADIX_FANOUT * sizeof(uint64_t) == PAGE_SIZE, "a radix node is one page");
_Static_assert(VMO_MAX_PAGES == (1ull << (VMO_RADIX_BITS * VMO_RADIX_LEVELS)), "levels cover the maximum");

// ---------------------------------------------------------------------------
// Radix tree primitives. All are called with v->obj.lock held (or, in
// destroy, with no other reference left).

static inline uint64_t *node_entries(uint64_t node_pa) { return (uint64_t *)physmap_va(pa(node_pa)); }

static inline unsigned radix_index(uint64_t pn, unsigned level) {
    return (unsigned)((pn >> (VMO_RADIX_BITS * level)) & RADIX_MASK);
}

// The fewest levels that address `pages` page numbers (at least one).
unsigned vmo_radix_height_for(uint64_t pages) {
    unsigned h = 1;
    while (h < VMO_RADIX_LEVELS && pages > (1ull << (VMO_RADIX_BITS * h))) h++;
    return h;
}

// One page from the allocator, zeroed through the direct map.
zx_status_t vmo_zeroed_page_alloc(paddr_t *out) {
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
uint64_t vmo_tree_lookup(const struct vmo *v, uint64_t pn) {
    uint64_t e = pa_val(v->root);
    for (int level = (int)v->radix_height - 1; level >= 0 && e; level--)
        e = node_entries(e)[radix_index(pn, (unsigned)level)];
    return e;
}

// Free, bottom up, every node on pn's path that is empty, stopping at the
// first one that is not. Restores the no-empty-node invariant after a failed
// commit (and, later, after a leaf entry was cleared by decommit).
void vmo_tree_prune(struct vmo *v, uint64_t pn) {
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
zx_status_t vmo_tree_slot(struct vmo *v, uint64_t pn, uint64_t **out) {
    uint64_t *slot = &v->root.v;
    for (int level = (int)v->radix_height - 1; level >= 0; level--) {
        if (!*slot) {
            paddr_t node;
            if (vmo_zeroed_page_alloc(&node) != ZX_OK) {
                vmo_tree_prune(v, pn);
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
uint64_t *vmo_tree_find_slot(struct vmo *v, uint64_t pn) {
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
zx_status_t vmo_tree_commit(struct vmo *v, uint64_t pn, paddr_t *out) {
    uint64_t *slot;
    zx_status_t st = vmo_tree_slot(v, pn, &slot);
    if (st != ZX_OK) return st;
    if (!*slot) {
        paddr_t page;
        st = vmo_zeroed_page_alloc(&page);
        if (st != ZX_OK) {
            vmo_tree_prune(v, pn);
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
zx_status_t vmo_tree_share(struct vmo *v, uint64_t pn, uint64_t page) {
    uint64_t *slot;
    zx_status_t st = vmo_tree_slot(v, pn, &slot);
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
zx_status_t vmo_tree_get_private(struct vmo *v, uint64_t pn, paddr_t *out, uint64_t *old) {
    *old = 0;
    uint64_t *slot = vmo_tree_find_slot(v, pn);
    if (!slot || !*slot) return vmo_tree_commit(v, pn, out);
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
void vmo_tree_free_subtree(struct vmo *v, uint64_t node, unsigned level) {
    uint64_t *e = node_entries(node);
    for (unsigned i = 0; i < VMO_RADIX_FANOUT; i++) {
        uint64_t c = e[i];
        if (!c) continue;
        e[i] = 0;
        if (level == 0) {
            page_release(pa(c));
            v->committed_pages--;
        } else {
            vmo_tree_free_subtree(v, c, level - 1);
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

uint64_t vmo_tree_next(const struct vmo *v, uint64_t pn, uint64_t end) {
    if (pn >= end || !pa_val(v->root)) return end;
    return subtree_next(pa_val(v->root), v->radix_height - 1, 0, pn, end);
}

// Take the data page of pn out of the tree (pruning emptied nodes) and return
// it (0 if pn was not committed). The caller frees it.
uint64_t vmo_tree_detach(struct vmo *v, uint64_t pn) {
    uint64_t *slot = vmo_tree_find_slot(v, pn);
    uint64_t page = slot ? *slot : 0;
    if (!page) return 0;
    *slot = 0;
    v->committed_pages--;
    vmo_tree_prune(v, pn);
    return page;
}

// Raise the tree to h levels: each new root holds the old one in entry 0 (an
// empty tree only changes radix_height). ZX_ERR_NO_MEMORY: nothing changed.
zx_status_t vmo_tree_raise(struct vmo *v, unsigned h) {
    unsigned old = v->radix_height;
    while (v->radix_height < h) {
        if (pa_val(v->root)) {
            paddr_t node;
            zx_status_t st = vmo_zeroed_page_alloc(&node);
            if (st != ZX_OK) {
                vmo_tree_lower(v, old);
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
void vmo_tree_lower(struct vmo *v, unsigned h) {
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
