// Contiguous VMOs and pinning (see obj/vmo.h; Zircon's
// VmObjectPaged::CreateContiguous and PinnedVmObject): the pages of a
// contiguous VMO are one physically contiguous run, committed at creation
// and pinned for the VMO's life; a pin (zx_bti_pin, obj/pmt.c) keeps a
// range's pages committed, private and in place until it is undone.
//
// Locking: every pin is on one global list (pin_lock, a leaf taken under a
// VMO lock); a VMO's pin_count (under its lock) says whether to look.
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

// lock). A VMO with pin_count 0 and not contiguous never looks at it.
static struct spinlock pin_lock = SPINLOCK_INIT("vmo-pins");
static struct vmo_pin *pin_head;
static uint64_t pin_live;

// Is any page of v's page numbers [pn, end) pinned? v's lock held.
bool vmo_pinned_locked(struct vmo *v, uint64_t pn, uint64_t end) {
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
        if (vmo_tree_slot(v, pn, &slot) != ZX_OK) break;
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
        if (!vmo_range_ok(off, len, v->size)) return ZX_ERR_OUT_OF_RANGE;
        owner = v->slice_root;
        off += v->slice_offset;
    }
    pin->vmo = v;
    pin->owner = owner;
    pin->first = off >> PAGE_SHIFT;
    if (owner->physical) {
        if (!vmo_range_ok(off, len, owner->size)) return ZX_ERR_OUT_OF_RANGE;
        pin->end = (off + len) >> PAGE_SHIFT;
        object_ref(&v->obj);
        pin_link(pin);
        return ZX_OK;
    }
    uint64_t f = vmo_op_begin(owner);
    uint64_t pn = 0, end = 0;
    zx_status_t st = vmo_page_range(owner, off, len, &pn, &end);
    if (st == ZX_OK && owner->discardable && owner->lock_count == 0) st = ZX_ERR_BAD_STATE;
    if (st == ZX_OK && owner->discarded) st = ZX_ERR_NOT_FOUND;
    // Commit, and make private what is shared copy-on-write: a pinned page
    // must never be replaced by a copy later.
    struct vmo_retire_batch r;  // only n needs a value (no zeroing of the array)
    r.n = 0;
    for (uint64_t p = pn; st == ZX_OK && p < end; p++) {
        paddr_t page;
        uint64_t old;
        st = vmo_tree_get_private(owner, p, &page, &old);
        if (st == ZX_OK && old) vmo_retire_add(&r, p, old);
        if (r.n == VMO_FREE_BATCH) vmo_retire_locked(owner, &r, &f);
    }
    vmo_retire_locked(owner, &r, &f);
    if (st == ZX_OK) {
        pin->end = end;
        owner->pin_count++;
        object_ref(&v->obj);
        pin_link(pin);
    }
    vmo_op_end(owner, f);
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
    for (uint64_t i = 0; i < n; i++) out[i] = pa(vmo_tree_lookup(owner, pin->first + idx + i));
    spin_unlock_irqrestore(&owner->obj.lock, f);
}
