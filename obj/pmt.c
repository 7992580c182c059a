// Pinned Memory Tokens (see obj/pmt.h).
#include "obj/pmt.h"

#include "kern/spinlock.h"
#include "mm/kheap.h"
#include "obj/bti.h"

static void pmt_destroy(struct object *o) {
    struct pmt *p = (struct pmt *)o;
    // Linked on the BTI only once pinned for good (bti_pin); a PMT is
    // destroyed only after its pin is gone (unpin, quarantine release, or
    // an error path of bti_pin, which unpins first).
    if (p->on_bti) bti_remove_pmt(p->bti, p);
    object_unref(&p->bti->obj);
    kfree(p);
}

// The last handle went: without zx_pmt_unpin the pages stay pinned in the
// BTI's quarantine (or are unpinned now if the BTI itself is closing).
static void pmt_on_zero_handles(struct object *o) {
    struct pmt *p = (struct pmt *)o;
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    bool quarantine = p->pinned && !p->explicitly_unpinned;
    spin_unlock_irqrestore(&p->obj.lock, f);
    if (quarantine && !bti_quarantine(p->bti, p)) pmt_unpin(p, false);
}

const struct object_ops pmt_ops = {ZX_OBJ_TYPE_PMT, "pmt", pmt_destroy, pmt_on_zero_handles};

zx_status_t pmt_alloc(struct bti *b, uint32_t perms, struct pmt **out) {
    struct pmt *p = kzalloc(sizeof(*p));
    if (!p) return ZX_ERR_NO_MEMORY;
    object_init(&p->obj, &pmt_ops);
    object_ref(&b->obj);
    p->bti = b;
    p->perms = perms;
    *out = p;
    return ZX_OK;
}

void pmt_unpin(struct pmt *p, bool explicit_unpin) {
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    bool was = p->pinned;
    p->pinned = false;
    if (explicit_unpin) p->explicitly_unpinned = true;
    spin_unlock_irqrestore(&p->obj.lock, f);
    if (was) vmo_unpin(&p->pin);
}

void pmt_encode_addrs(struct pmt *p, bool contiguous, uint64_t idx, uint64_t n, zx_paddr_t *out) {
    if (contiguous) {
        paddr_t a;
        vmo_pin_addrs(&p->pin, 0, 1, &a);
        out[0] = pa_val(a);
        return;
    }
    _Static_assert(sizeof(paddr_t) == sizeof(zx_paddr_t), "one address each");
    vmo_pin_addrs(&p->pin, idx, n, (paddr_t *)out);
}
