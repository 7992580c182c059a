// Page operations of VMOs (see obj/vmo.h; Zircon's VmCowPages): the busy
// section, reads, writes and faults, commit / decommit / zero, resizing, and
// how pages leave a VMO.
//
// Decommit, zero, shrinking set_size and discard go through
// vmo_free_pages_locked (detach a batch, unmap, release; see obj/vmo.h);
// pages replaced by private copies are retired the same way
// (vmo_retire_locked).
//
// Children: SLICE children own no pages: every read, write, get_page
// (faults), commit, decommit and zero is checked against the slice's own
// size and then done on slice_root at slice_offset + off (SLICE_DELEGATE).
// The root lists its slices (v->slices) so that pages leaving the root are
// unmapped from the slices' mappings as well (unmap_slices, after the root's
// own vmar_unmap_vmo_pages and before the page_free).
// SNAPSHOT children are copy-on-write by page sharing (obj/vmo_paged.c makes
// them): a page with more than one user is never written in place: a fault
// maps it read-only; a write (zx_vmo_write, a write fault through
// vmo_unshare, zeroing part of it) first gives the writer a private copy
// (vmo_tree_get_private), takes the old page out of the writer's mappings
// and only then releases the writer's use of it (vmo_retire_locked). A page
// is freed when its last user releases it (page_release). No VMO ever looks
// into another's tree, so no two VMO locks are ever held at once.
//
// Pinned pages (obj/vmo_pin.c) are private and never leave: decommit and a
// shrinking resize over them are refused, zeroing zeroes them in place.
//
// Locking: v->obj.lock (irqsave) guards the tree, the sizes and the counters
// in every public function that reads or changes them; page_alloc/page_free
// are called under it (lock order: vmo lock, then the buddy lock), except the
// frees of detached data pages, which come after the unmap with no lock. The
// size getters read with a relaxed atomic load instead, so they may be called
// under any lock (the fault path calls vmo_get_size under the VMAR lock).
// Operations that drop the VMO lock midway run in the busy section
// (vmo_op_begin / vmo_op_end).
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

#include "obj/vmar.h"

// What a never-committed page reads as. Read-only: a copy callback only reads
// from it.
static const uint8_t zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

// ---------------------------------------------------------------------------
// The busy section and page removal.

// Enter v's busy section: returns with v->obj.lock held (flags returned) and
// op_busy set; waits (lock dropped) while another operation is in it.
uint64_t vmo_op_begin(struct vmo *v) {
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

void vmo_op_end(struct vmo *v, uint64_t f) {
    __atomic_store_n(&v->op_busy, false, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&v->obj.lock, f);
}

// Every pin of every VMO, on one list (pin_lock, a leaf taken under a VMO
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
void vmo_unmap_everywhere(struct vmo *v, uint64_t first, uint64_t last) {
    vmar_unmap_vmo_pages(v, first << PAGE_SHIFT, (last - first + 1) << PAGE_SHIFT);
    unmap_slices(v, first << PAGE_SHIFT, (last - first + 1) << PAGE_SHIFT);
}

void vmo_retire_add(struct vmo_retire_batch *r, uint64_t pn, uint64_t page) {
    if (r->n == 0 || pn < r->first) r->first = pn;
    if (r->n == 0 || pn > r->last) r->last = pn;
    r->page[r->n++] = pa(page);
}

// Drop the lock, unmap, release, retake the lock. Busy section, lock held
// (*f its flags). Returns the pages really freed (others still had users).
uint64_t vmo_retire_locked(struct vmo *v, struct vmo_retire_batch *r, uint64_t *f) {
    uint64_t freed = 0;
    if (r->n == 0) return 0;
    spin_unlock_irqrestore(&v->obj.lock, *f);
    vmo_unmap_everywhere(v, r->first, r->last);
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
uint64_t vmo_free_pages_locked(struct vmo *v, uint64_t pn, uint64_t end, uint64_t *f) {
    uint64_t freed = 0;
    struct vmo_retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    while (pn < end) {
        uint64_t nodes_before = v->node_pages;
        while (r.n < VMO_FREE_BATCH) {
            uint64_t p = vmo_tree_next(v, pn, end);
            if (p >= end) {
                pn = end;
                break;
            }
            vmo_retire_add(&r, p, vmo_tree_detach(v, p));
            pn = p + 1;
        }
        freed += nodes_before - v->node_pages;
        if (r.n == 0) break;
        freed += vmo_retire_locked(v, &r, f);
    }
    return freed;
}

// Make page number pn of v private (vmo_tree_get_private) if it is committed and
// shared, retiring the old page. Busy section, lock held, as
// vmo_free_pages_locked. ZX_ERR_NO_MEMORY: nothing changed.
zx_status_t vmo_unshare_locked(struct vmo *v, uint64_t pn, uint64_t *f) {
    uint64_t page = vmo_tree_lookup(v, pn), old;
    if (!page || page_users(pa(page)) == 1) return ZX_OK;
    paddr_t p;
    zx_status_t st = vmo_tree_get_private(v, pn, &p, &old);
    if (st != ZX_OK) return st;
    struct vmo_retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    vmo_retire_add(&r, pn, old);
    vmo_retire_locked(v, &r, f);
    return ZX_OK;
}

// Make page numbers [pn, end) read as zero: free the committed pages, except
// pinned ones, which are zeroed in place (they never leave). Busy section,
// lock held, as vmo_free_pages_locked.
void vmo_free_or_zero_locked(struct vmo *v, uint64_t pn, uint64_t end, uint64_t *f) {
    if (!vmo_pinned_locked(v, pn, end)) {
        vmo_free_pages_locked(v, pn, end, f);
        return;
    }
    for (uint64_t p = vmo_tree_next(v, pn, end); p < end; p = vmo_tree_next(v, p + 1, end)) {
        if (vmo_pinned_locked(v, p, p + 1))
            memset(physmap_va(pa(vmo_tree_lookup(v, p))), 0, PAGE_SIZE);
        else
            vmo_free_pages_locked(v, p, p + 1, f);
    }
}

// Zero bytes [a, b) of one page in place if it is committed (a < b, same
// page); a page shared with another VMO is first made private. Busy section,
// lock held. ZX_ERR_NO_MEMORY (for that copy): nothing changed.
zx_status_t vmo_zero_in_page(struct vmo *v, uint64_t a, uint64_t b, uint64_t *f) {
    zx_status_t st = vmo_unshare_locked(v, a >> PAGE_SHIFT, f);
    if (st != ZX_OK) return st;
    uint64_t page = vmo_tree_lookup(v, a >> PAGE_SHIFT);
    if (page) memset((uint8_t *)physmap_va(pa(page)) + (a & PAGE_MASK), 0, (size_t)(b - a));
    return ZX_OK;
}

// Make bytes [start, end) (end <= size) read as zero: partial pages zeroed in
// place, whole pages freed. Busy section, lock held, as vmo_free_pages_locked.
// ZX_ERR_NO_MEMORY: a shared partial page could not be copied; the other
// partial page may have been zeroed already, no whole page was freed.
zx_status_t vmo_zero_range_locked(struct vmo *v, uint64_t start, uint64_t end, uint64_t *f) {
    if (start >= end) return ZX_OK;
    zx_status_t st;
    if (start & PAGE_MASK) {
        uint64_t stop = page_round_up(start) < end ? page_round_up(start) : end;
        if ((st = vmo_zero_in_page(v, start, stop, f)) != ZX_OK) return st;
        start = stop;
    }
    if (start < end && (end & PAGE_MASK)) {
        uint64_t from = page_round_down(end) > start ? page_round_down(end) : start;
        if ((st = vmo_zero_in_page(v, from, end, f)) != ZX_OK) return st;
        end = from;
    }
    if (start < end) vmo_free_or_zero_locked(v, start >> PAGE_SHIFT, end >> PAGE_SHIFT, f);
    return ZX_OK;
}

zx_status_t vmo_read(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_read(root_, roff_, len, copy, ctx));
    uint64_t f = spin_lock_irqsave(&v->obj.lock);
    zx_status_t st = ZX_OK;
    if (!vmo_range_ok(off, len, v->size))
        st = ZX_ERR_OUT_OF_RANGE;
    else if (v->discarded)
        st = ZX_ERR_NOT_FOUND;
    for (size_t done = 0; st == ZX_OK && done < len;) {
        uint64_t cur = off + done;
        uint64_t in_page = cur & PAGE_MASK;
        size_t n = (size_t)(PAGE_SIZE - in_page);
        if (n > len - done) n = len - done;
        uint64_t page = vmo_tree_lookup(v, cur >> PAGE_SHIFT);
        void *src = page ? (uint8_t *)physmap_va(pa(page)) + in_page
                         : (void *)(uintptr_t)(zero_page + in_page);
        st = copy(ctx, done, src, n);
        done += n;
    }
    spin_unlock_irqrestore(&v->obj.lock, f);
    return st;
}

// Pages of v that are shared copy-on-write get a private copy before they
// are written (vmo_tree_get_private); the old ones are retired (unmapped, then
// released) in batches. zx_vmo_write calls vmo_unshare on the range before it
// faults the caller's buffer in, so that retiring here (which unmaps) never
// takes away a buffer page the copy still needs; only a snapshot racing in
// between (another hart) leaves shared pages for this loop.
zx_status_t vmo_write(struct vmo *v, uint64_t off, size_t len, vmo_copy_fn copy, void *ctx) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_write(root_, roff_, len, copy, ctx));
    uint64_t f = vmo_op_begin(v);
    zx_status_t st = ZX_OK;
    if (!vmo_range_ok(off, len, v->size))
        st = ZX_ERR_OUT_OF_RANGE;
    else if (v->discarded)
        st = ZX_ERR_NOT_FOUND;
    struct vmo_retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    for (size_t done = 0; st == ZX_OK && done < len;) {
        uint64_t cur = off + done;
        uint64_t in_page = cur & PAGE_MASK;
        size_t n = (size_t)(PAGE_SIZE - in_page);
        if (n > len - done) n = len - done;
        paddr_t page;
        uint64_t old;
        st = vmo_tree_get_private(v, cur >> PAGE_SHIFT, &page, &old);
        if (st != ZX_OK) break;
        if (old) vmo_retire_add(&r, cur >> PAGE_SHIFT, old);
        st = copy(ctx, done, (uint8_t *)physmap_va(page) + in_page, n);
        done += n;
        if (r.n == VMO_FREE_BATCH) vmo_retire_locked(v, &r, &f);
    }
    vmo_retire_locked(v, &r, &f);
    vmo_op_end(v, f);
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
        return vmo_range_ok(off, len, vmo_get_size(v)) ? ZX_OK : ZX_ERR_OUT_OF_RANGE;
    uint64_t f = vmo_op_begin(v);
    uint64_t pn = 0, end = 0;
    zx_status_t st = vmo_page_range(v, off, len, &pn, &end);
    struct vmo_retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    while (st == ZX_OK && pn < end && !v->discarded) {
        pn = vmo_tree_next(v, pn, end);
        if (pn >= end) break;
        paddr_t page;
        uint64_t old;
        st = vmo_tree_get_private(v, pn, &page, &old);
        if (st == ZX_OK && old) vmo_retire_add(&r, pn, old);
        if (r.n == VMO_FREE_BATCH) vmo_retire_locked(v, &r, &f);
        pn++;
    }
    vmo_retire_locked(v, &r, &f);
    vmo_op_end(v, f);
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
        for (uint64_t pn = vmo_tree_next(v, off >> PAGE_SHIFT, last); pn < last; pn = vmo_tree_next(v, pn + 1, last)) {
            paddr_t page = pa(vmo_tree_lookup(v, pn));
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
        uint64_t page = vmo_tree_lookup(v, off >> PAGE_SHIFT);
        if (v->snapshot_pending) {
            // Being snapshotted: read-only for now; a write waits (the
            // caller's vmo_unshare enters the busy section after it).
            w = false;
            if (flags & VMO_PAGE_WRITE)
                st = ZX_ERR_SHOULD_WAIT;
            else if (page)
                *out = pa(page), st = ZX_OK;
            else
                st = (flags & VMO_PAGE_COMMIT) ? vmo_tree_commit(v, off >> PAGE_SHIFT, out) : ZX_ERR_NOT_FOUND;
        } else if (page) {
            *out = pa(page);
            w = page_users(pa(page)) == 1;
            st = (flags & VMO_PAGE_WRITE) && !w ? ZX_ERR_SHOULD_WAIT : ZX_OK;
        } else {
            st = (flags & VMO_PAGE_COMMIT) ? vmo_tree_commit(v, off >> PAGE_SHIFT, out) : ZX_ERR_NOT_FOUND;
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
    uint64_t f = vmo_op_begin(v);
    zx_status_t st = ZX_OK;
    // Beyond the size: only recorded (as Zircon; nothing to zero).
    if (cs < v->size && !v->physical) st = vmo_zero_range_locked(v, cs, v->size, &f);
    if (st == ZX_OK) __atomic_store_n(&v->content_size, cs, __ATOMIC_RELAXED);
    vmo_op_end(v, f);
    return st;
}

zx_status_t vmo_set_size(struct vmo *v, uint64_t size) {
    if (v->physical || !(v->options & ZX_VMO_RESIZABLE)) return ZX_ERR_UNAVAILABLE;
    if (size > UINT64_MAX - PAGE_MASK) return ZX_ERR_OUT_OF_RANGE;
    uint64_t rounded = page_round_up(size);
    if (rounded > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    if (v->root_offset > UINT64_MAX - rounded) return ZX_ERR_INVALID_ARGS;  // as creation
    unsigned h = vmo_radix_height_for(rounded >> PAGE_SHIFT);
    uint64_t f = vmo_op_begin(v);
    uint64_t old = v->size;
    zx_status_t st = ZX_OK;
    // Shrinking over pinned pages: refused, nothing changes (as Zircon).
    if (rounded < old && vmo_pinned_locked(v, rounded >> PAGE_SHIFT, old >> PAGE_SHIFT)) st = ZX_ERR_BAD_STATE;
    // The page that will hold the zeroed tail [size, rounded) must be v's
    // own before anything changes (a copy may fail).
    if (st == ZX_OK && (size & PAGE_MASK) && size < old) st = vmo_unshare_locked(v, size >> PAGE_SHIFT, &f);
    if (st == ZX_OK && h > v->radix_height) st = vmo_tree_raise(v, h);
    if (st == ZX_OK) {
        // The new size first: nothing commits beyond it while the pages
        // beyond are removed (with the lock dropped now and then).
        __atomic_store_n(&v->size, rounded, __ATOMIC_RELAXED);
        __atomic_store_n(&v->content_size, size, __ATOMIC_RELAXED);
        if (rounded < old) vmo_free_pages_locked(v, rounded >> PAGE_SHIFT, old >> PAGE_SHIFT, &f);
        if (h < v->radix_height) vmo_tree_lower(v, h);
        if (size < rounded) (void)vmo_zero_in_page(v, size, rounded, &f);  // private already: cannot fail
    }
    vmo_op_end(v, f);
    return st;
}

zx_status_t vmo_commit(struct vmo *v, uint64_t off, uint64_t len) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_commit(root_, roff_, len));
    uint64_t f = vmo_op_begin(v);
    uint64_t pn, end;
    zx_status_t st = vmo_page_range(v, off, len, &pn, &end);
    if (st == ZX_OK && len && v->discarded) st = ZX_ERR_NOT_FOUND;
    for (; st == ZX_OK && pn < end; pn++) {
        paddr_t page;
        st = vmo_tree_commit(v, pn, &page);
    }
    vmo_op_end(v, f);
    return st;
}

zx_status_t vmo_decommit(struct vmo *v, uint64_t off, uint64_t len) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    // Zircon's order (VmCowPages::DecommitRangeLocked): range, length 0,
    // slices to their root, then no copy-on-write relation, then alignment.
    if (!vmo_range_ok(off, len, vmo_get_size(v))) return ZX_ERR_OUT_OF_RANGE;
    if (len == 0) return ZX_OK;
    SLICE_DELEGATE(v, off, len, vmo_decommit(root_, roff_, len));
    if (v->cow_clone || __atomic_load_n(&v->cow_children, __ATOMIC_RELAXED)) return ZX_ERR_NOT_SUPPORTED;
    if (!is_page_aligned(off) || !is_page_aligned(len)) return ZX_ERR_INVALID_ARGS;
    uint64_t f = vmo_op_begin(v);
    uint64_t pn, end;
    zx_status_t st = vmo_page_range(v, off, len, &pn, &end);
    // Pinned pages never leave (Zircon: ZX_ERR_BAD_STATE, nothing decommitted).
    if (st == ZX_OK && vmo_pinned_locked(v, pn, end)) st = ZX_ERR_BAD_STATE;
    if (st == ZX_OK) vmo_free_pages_locked(v, pn, end, &f);
    vmo_op_end(v, f);
    return st;
}

zx_status_t vmo_zero(struct vmo *v, uint64_t off, uint64_t len) {
    if (v->physical) return ZX_ERR_NOT_SUPPORTED;
    SLICE_DELEGATE(v, off, len, vmo_zero(root_, roff_, len));
    uint64_t f = vmo_op_begin(v);
    zx_status_t st = vmo_range_ok(off, len, v->size) ? ZX_OK : ZX_ERR_OUT_OF_RANGE;
    if (st == ZX_OK) st = vmo_zero_range_locked(v, off, off + len, &f);
    vmo_op_end(v, f);
    return st;
}
