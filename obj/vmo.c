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
// Building blocks for what comes next: tree_lookup / tree_commit / tree_prune
// work on one page number, free_subtree on a whole subtree; decommit and
// shrinking set_size clear leaf entries (freeing the pages) and prune, and a
// growing set_size raises radix_height by putting a new root above the old
// one (entry 0). COW children will keep a parent pointer and consult it where
// tree_lookup finds nothing.
//
// Locking: v->obj.lock (irqsave) guards the tree, the sizes and the counters
// in every public function that reads or changes them; page_alloc/page_free
// are called under it (lock order: vmo lock, then the buddy lock). The size
// getters read with a relaxed atomic load instead, so they may be called
// under any lock (the fault path calls vmo_get_size under the VMAR lock).
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

#define RADIX_MASK ((uint64_t)VMO_RADIX_FANOUT - 1)

_Static_assert(VMO_RADIX_FANOUT * sizeof(uint64_t) == PAGE_SIZE, "a radix node is one page");
_Static_assert(VMO_MAX_PAGES == (1ull << (VMO_RADIX_BITS * VMO_RADIX_LEVELS)), "levels cover the maximum");

// What a never-committed page reads as. Read-only: a copy callback only reads
// from it.
static const uint8_t zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void vmo_destroy(struct object *o);

const struct object_ops vmo_ops = {
    .type = ZX_OBJ_TYPE_VMO,
    .type_name = "vmo",
    .destroy = vmo_destroy,
    .on_zero_handles = NULL,
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

// Commit page number pn: build the missing nodes of its path, then a zeroed
// data page. Returns the page (the existing one if pn is committed already).
// On ZX_ERR_NO_MEMORY the tree is as it was: new nodes are pruned again.
static zx_status_t tree_commit(struct vmo *v, uint64_t pn, paddr_t *out) {
    zx_status_t st;
    uint64_t *slot = &v->root.v;
    for (int level = (int)v->radix_height - 1; level >= 0; level--) {
        if (!*slot) {
            paddr_t node;
            st = zeroed_page_alloc(&node);
            if (st != ZX_OK) goto fail;
            *slot = pa_val(node);
            v->node_pages++;
        }
        slot = &node_entries(*slot)[radix_index(pn, (unsigned)level)];
    }
    if (!*slot) {
        paddr_t page;
        st = zeroed_page_alloc(&page);
        if (st != ZX_OK) goto fail;
        *slot = pa_val(page);
        v->committed_pages++;
    }
    *out = pa(*slot);
    return ZX_OK;
fail:
    tree_prune(v, pn);
    return st;
}

// The page of pn, committing it if needed.
static zx_status_t tree_get_or_commit(struct vmo *v, uint64_t pn, paddr_t *out) {
    uint64_t e = tree_lookup(v, pn);
    if (e) {
        *out = pa(e);
        return ZX_OK;
    }
    return tree_commit(v, pn, out);
}

// Free the subtree rooted at `node` (at `level`): its data pages and nodes.
// The caller clears the entry that pointed to it. Recursion depth is at most
// VMO_RADIX_LEVELS.
static void free_subtree(struct vmo *v, uint64_t node, unsigned level) {
    uint64_t *e = node_entries(node);
    for (unsigned i = 0; i < VMO_RADIX_FANOUT; i++) {
        uint64_t c = e[i];
        if (!c) continue;
        e[i] = 0;
        if (level == 0) {
            page_free(pa(c), 0);
            v->committed_pages--;
        } else {
            free_subtree(v, c, level - 1);
        }
    }
    page_free(pa(node), 0);
    v->node_pages--;
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
    *out = v;
    return ZX_OK;
}

// Called once by object_unref when the last reference goes: nothing else can
// reach the VMO, so no lock is taken.
static void vmo_destroy(struct object *o) {
    struct vmo *v = vmo_from_object(o);
    if (pa_val(v->root)) free_subtree(v, pa_val(v->root), v->radix_height - 1);
    v->root = pa(0);
    kfree(v);
}

// ---------------------------------------------------------------------------
// Reads, writes, faults.

// Zircon's InRange: [off, off+len) inside [0, size), without overflow.
static inline bool range_ok(uint64_t off, uint64_t len, uint64_t size) {
    return off <= size && len <= size - off;
}

zx_status_t vmo_read(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st = ZX_OK;
    if (!range_ok(off, len, v->size)) st = ZX_ERR_OUT_OF_RANGE;
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

zx_status_t vmo_write(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx) {
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st = ZX_OK;
    if (!range_ok(off, len, v->size)) st = ZX_ERR_OUT_OF_RANGE;
    for (size_t done = 0; st == ZX_OK && done < len;) {
        uint64_t cur = off + done;
        uint64_t in_page = cur & PAGE_MASK;
        size_t n = (size_t)(PAGE_SIZE - in_page);
        if (n > len - done) n = len - done;
        paddr_t page;
        st = tree_get_or_commit(v, cur >> PAGE_SHIFT, &page);
        if (st != ZX_OK) break;
        st = copy(ctx, done, (uint8_t *)physmap_va(page) + in_page, n);
        done += n;
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
    return st;
}

zx_status_t vmo_get_page(struct vmo *v, uint64_t off, bool commit, paddr_t *out) {
    if (!is_page_aligned(off)) return ZX_ERR_INVALID_ARGS;
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st;
    if (off >= v->size) {
        st = ZX_ERR_OUT_OF_RANGE;
    } else if (commit) {
        st = tree_get_or_commit(v, off >> PAGE_SHIFT, out);
    } else {
        uint64_t page = tree_lookup(v, off >> PAGE_SHIFT);
        st = page ? ZX_OK : ZX_ERR_NOT_FOUND;
        if (page) *out = pa(page);
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
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
