// Bus Transaction Initiators (see obj/bti.h).
#include "obj/bti.h"

#include <zircon/types.h>

#include "kern/spinlock.h"
#include "mm/kheap.h"
#include "obj/pmt.h"
#include "obj/vmo.h"

static void bti_destroy(struct object *o) {
    struct bti *b = (struct bti *)o;
    // Every PMT holds a reference on its BTI: none is left.
    object_unref(&b->iommu->obj);
    kfree(b);
}

// The last handle: no new pins; the quarantine is released (Zircon leaks it:
// see obj/bti.h).
static void bti_on_zero_handles(struct object *o) {
    struct bti *b = (struct bti *)o;
    uint64_t f = spin_lock_irqsave(&b->obj.lock);
    b->zero_handles = true;
    spin_unlock_irqrestore(&b->obj.lock, f);
    bti_release_quarantine(b);
}

const struct object_ops bti_ops = {ZX_OBJ_TYPE_BTI, "bti", bti_destroy, bti_on_zero_handles};

zx_status_t bti_create(struct iommu *iommu, uint64_t bti_id, struct bti **out) {
    struct bti *b = kzalloc(sizeof(*b));
    if (!b) return ZX_ERR_NO_MEMORY;
    object_init(&b->obj, &bti_ops);
    object_ref(&iommu->obj);
    b->iommu = iommu;
    b->bti_id = bti_id;
    *out = b;
    return ZX_OK;
}

zx_status_t bti_pin(struct bti *b, struct vmo *v, uint64_t offset, uint64_t size, uint32_t perms,
                    struct pmt **out) {
    if (size == 0) return ZX_ERR_INVALID_ARGS;
    struct pmt *p;
    zx_status_t st = pmt_alloc(b, perms, &p);
    if (st != ZX_OK) return st;
    st = vmo_pin(v, offset, size, &p->pin);
    if (st != ZX_OK) {
        object_unref(&p->obj);  // nothing pinned, not on the BTI's list
        return st;
    }
    p->pinned = true;
    uint64_t f = spin_lock_irqsave(&b->obj.lock);
    // No new pins while pages are quarantined or once the BTI is closing.
    if (b->zero_handles || b->quarantine) {
        st = ZX_ERR_BAD_STATE;
    } else if (perms == 0) {
        st = ZX_ERR_INVALID_ARGS;
    } else {
        p->bti_prev = NULL;
        p->bti_next = b->pmts;
        if (b->pmts) b->pmts->bti_prev = p;
        b->pmts = p;
        b->pmo_count++;
        p->on_bti = true;
    }
    spin_unlock_irqrestore(&b->obj.lock, f);
    if (st != ZX_OK) {
        pmt_unpin(p, false);
        object_unref(&p->obj);
        return st;
    }
    *out = p;
    return ZX_OK;
}

bool bti_quarantine(struct bti *b, struct pmt *p) {
    uint64_t f = spin_lock_irqsave(&b->obj.lock);
    bool q = !b->zero_handles;
    if (q) {
        object_ref(&p->obj);
        p->q_next = b->quarantine;
        b->quarantine = p;
        b->quarantine_count++;
    }
    spin_unlock_irqrestore(&b->obj.lock, f);
    return q;
}

void bti_release_quarantine(struct bti *b) {
    uint64_t f = spin_lock_irqsave(&b->obj.lock);
    struct pmt *list = b->quarantine;
    b->quarantine = NULL;
    b->quarantine_count = 0;
    spin_unlock_irqrestore(&b->obj.lock, f);
    while (list) {
        struct pmt *p = list;
        list = p->q_next;
        p->q_next = NULL;
        pmt_unpin(p, false);
        object_unref(&p->obj);  // the quarantine's reference: may destroy it
    }
}

void bti_remove_pmt(struct bti *b, struct pmt *p) {
    uint64_t f = spin_lock_irqsave(&b->obj.lock);
    if (p->bti_prev) p->bti_prev->bti_next = p->bti_next;
    else b->pmts = p->bti_next;
    if (p->bti_next) p->bti_next->bti_prev = p->bti_prev;
    p->bti_prev = p->bti_next = NULL;
    p->on_bti = false;
    b->pmo_count--;
    spin_unlock_irqrestore(&b->obj.lock, f);
}

void bti_get_info(struct bti *b, zx_info_bti_t *out) {
    uint64_t f = spin_lock_irqsave(&b->obj.lock);
    out->minimum_contiguity = IOMMU_STUB_MIN_CONTIGUITY;
    out->aspace_size = IOMMU_STUB_ASPACE_SIZE;
    out->pmo_count = b->pmo_count;
    out->quarantine_count = b->quarantine_count;
    spin_unlock_irqrestore(&b->obj.lock, f);
}
