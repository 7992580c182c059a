// Pinned Memory Tokens (zx_pmt_unpin; made by zx_bti_pin, obj/bti.h), as
// Zircon's PinnedMemoryTokenDispatcher: a PMT holds a pin (struct vmo_pin,
// obj/vmo.h) on a range of a VMO for a BTI. zx_pmt_unpin releases it; a PMT
// whose last handle goes without it is quarantined on its BTI (pages stay
// pinned) until zx_bti_release_quarantine.
//
// Locking: p->obj.lock guards `pinned` (an unpin and a quarantine release
// may race); no other lock is taken under it. The pin itself is undone with
// no lock held.
#ifndef OBJ_PMT_H
#define OBJ_PMT_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "obj/object.h"
#include "obj/vmo.h"

struct bti;

struct pmt {
    struct object obj;
    struct bti *bti;  // referenced until destroy
    struct vmo_pin pin;
    uint32_t perms;           // ZX_BTI_PERM_*
    bool pinned;              // the pin is held (until unpin or quarantine release)
    bool explicitly_unpinned; // zx_pmt_unpin was called
    bool on_bti;              // linked on bti->pmts (guarded by the BTI's lock)
    struct pmt *bti_prev, *bti_next;  // on bti->pmts (guarded by the BTI's lock)
    struct pmt *q_next;               // on bti->quarantine (guarded by the BTI's lock)
};

extern const struct object_ops pmt_ops;

// Allocate a PMT for b (referenced) with nothing pinned yet (obj/bti.c
// fills the pin and links it). ZX_ERR_NO_MEMORY.
zx_status_t pmt_alloc(struct bti *b, uint32_t perms, struct pmt **out);

// Release the pin if it is still held (zx_pmt_unpin with explicit = true;
// quarantine release and error paths with false). No lock held.
void pmt_unpin(struct pmt *p, bool explicit_unpin);

// Pages pinned (the PMT's size in pages).
static inline uint64_t pmt_pages(const struct pmt *p) { return p->pin.end - p->pin.first; }

// Fill out[0 .. n) with the device addresses zx_bti_pin returns, starting
// at address number idx: one per page (the stub IOMMU's minimum contiguity
// is a page, so ZX_BTI_COMPRESS gives the same), or for `contiguous` the
// first page's address alone (idx 0, n 1).
void pmt_encode_addrs(struct pmt *p, bool contiguous, uint64_t idx, uint64_t n, zx_paddr_t *out);
#endif
