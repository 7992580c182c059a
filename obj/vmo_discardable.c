// Discardable VMOs (see obj/vmo.h; Zircon's DiscardableVmoTracker):
// ZX_VMO_OP_LOCK / TRY_LOCK / UNLOCK and the reclaim of unlocked ones under
// memory pressure. The discardable LRU has its own lock, taken after a VMO
// lock, never before one (reclaim takes it alone, then the VMO's). A VMO
// with pinned pages is never discarded.
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

void vmo_lru_remove(struct vmo *v) {
    uint64_t f = spin_lock_irqsave(&lru_lock);
    lru_remove_locked(v);
    spin_unlock_irqrestore(&lru_lock, f);
}

void vmo_lru_append(struct vmo *v) {
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
    uint64_t f = vmo_op_begin(v);
    zx_status_t st = ZX_OK;
    if (off != 0 || len != v->size) {
        st = ZX_ERR_OUT_OF_RANGE;
    } else if (v->lock_count == UINT32_MAX) {
        st = ZX_ERR_BAD_STATE;
    } else if (try_only && v->discarded) {
        st = ZX_ERR_UNAVAILABLE;
    } else {
        bool was = v->discarded;
        if (v->lock_count++ == 0) vmo_lru_remove(v);
        v->discarded = false;
        if (out) *out = (zx_vmo_lock_state_t){0, v->size, 0, was ? v->size : 0};
    }
    vmo_op_end(v, f);
    return st;
}

zx_status_t vmo_unlock(struct vmo *v, uint64_t off, uint64_t len) {
    if (!v->discardable) return ZX_ERR_NOT_SUPPORTED;
    uint64_t f = vmo_op_begin(v);
    zx_status_t st = ZX_OK;
    if (off != 0 || len != v->size)
        st = ZX_ERR_OUT_OF_RANGE;
    else if (v->lock_count == 0)
        st = ZX_ERR_BAD_STATE;
    else if (--v->lock_count == 0)
        vmo_lru_append(v);
    vmo_op_end(v, f);
    return st;
}

// Discard v if it is still unlocked and not discarded: pages freed.
static uint64_t vmo_discard(struct vmo *v) {
    uint64_t f = vmo_op_begin(v);
    uint64_t freed = 0;
    if (v->lock_count == 0 && !v->discarded && !v->pin_count) {
        v->discarded = true;
        vmo_lru_remove(v);
        freed = vmo_free_pages_locked(v, 0, v->size >> PAGE_SHIFT, &f);
    } else if (v->lock_count == 0 && !v->discarded) {
        vmo_lru_append(v);  // pinned since the scan: its pages stay, it stays reclaimable later
    }
    vmo_op_end(v, f);
    return freed;
}

uint64_t vmo_reclaim_discardable(uint64_t want_pages) {
    uint64_t freed = 0;
    while (freed < want_pages) {
        struct vmo *v = NULL;
        uint64_t f = spin_lock_irqsave(&lru_lock);
        for (struct vmo *c = lru_head; c; c = c->lru_next) {
            // A pinned VMO keeps its pages (unlocked after it was pinned): skip
            // it (a racy read; vmo_discard checks again under the VMO lock).
            if (__atomic_load_n(&c->pin_count, __ATOMIC_RELAXED)) continue;
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
