// Bus Transaction Initiators (zx_bti_create, zx_bti_pin,
// zx_bti_release_quarantine, ZX_INFO_BTI), as Zircon's
// BusTransactionInitiatorDispatcher over the stub IOMMU (obj/iommu.h): a
// BTI names a device's view of memory. There is no IOMMU on these machines,
// so a pinned page's device address is its physical address.
//
// A BTI lists every PMT pinned through it (pmo_count) until the PMT is
// destroyed. A PMT whose last handle goes without zx_pmt_unpin (closed, or
// its process died) is quarantined: the BTI takes a reference on it and its
// pages stay pinned, because the device may still be writing to them, until
// zx_bti_release_quarantine. While the quarantine is not empty, or once the
// BTI's last handle is gone, zx_bti_pin fails with ZX_ERR_BAD_STATE (as
// Zircon). Zircon leaks the quarantine of a BTI whose last handle closes
// (deliberately: nothing tells it the device stopped); zxrv releases it
// then, and unpins at once a PMT closed after its BTI, so that a dead
// driver leaves nothing behind (init's leak check): without an IOMMU a
// device could reach those pages anyway.
//
// Locking: bti->obj.lock guards the PMT list, the quarantine and the counts.
// It is a leaf: nothing is pinned or unpinned, no PMT is freed, under it.
#ifndef OBJ_BTI_H
#define OBJ_BTI_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "obj/iommu.h"
#include "obj/object.h"

struct pmt;
struct vmo;

struct bti {
    struct object obj;
    struct iommu *iommu;  // referenced
    uint64_t bti_id;
    struct pmt *pmts;        // every live PMT of this BTI (pmt->bti_prev/next)
    uint64_t pmo_count;
    struct pmt *quarantine;  // quarantined PMTs, each referenced (pmt->q_next)
    uint64_t quarantine_count;
    bool zero_handles;
};

extern const struct object_ops bti_ops;

// zx_bti_create after the syscall's checks: any bti_id (the stub IOMMU takes
// every id). ZX_ERR_NO_MEMORY.
zx_status_t bti_create(struct iommu *iommu, uint64_t bti_id, struct bti **out);

// Pin [offset, offset + size) of v (page aligned: the caller checked) for
// the device, `perms` being ZX_BTI_PERM_* bits (the caller checked them
// against the VMO handle's rights). In Zircon's order: size 0 ->
// ZX_ERR_INVALID_ARGS; the pin itself (vmo_pin: commits and unshares;
// ZX_ERR_OUT_OF_RANGE, ZX_ERR_BAD_STATE, ZX_ERR_NOT_FOUND, ZX_ERR_NO_MEMORY);
// then a BTI with quarantined PMTs or without handles -> ZX_ERR_BAD_STATE;
// then no permission at all -> ZX_ERR_INVALID_ARGS (the stub IOMMU's Map
// refuses it). Every failure after the pin undoes it. *out: a new PMT (one
// reference).
zx_status_t bti_pin(struct bti *b, struct vmo *v, uint64_t offset, uint64_t size, uint32_t perms,
                    struct pmt **out);

// zx_bti_release_quarantine: unpin and drop every quarantined PMT.
void bti_release_quarantine(struct bti *b);

// ZX_INFO_BTI.
void bti_get_info(struct bti *b, zx_info_bti_t *out);

// For obj/pmt.c: a PMT's last handle went without zx_pmt_unpin. Quarantine
// it (true), or, the BTI having no handle left, refuse (false: the caller
// unpins it at once).
bool bti_quarantine(struct bti *b, struct pmt *p);
// For obj/pmt.c: a PMT is being destroyed: off the BTI's list.
void bti_remove_pmt(struct bti *b, struct pmt *p);
#endif
