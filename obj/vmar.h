// Virtual Memory Address Regions: a process's root region and the VMO
// mappings in it. Pages are mapped lazily: the page-fault handler commits the
// VMO page (demand zero) and maps it with the mapping's permissions.
//
// Locking: vmar->obj.lock guards the mapping list; it is taken before the
// VMO lock and the page-table lock.
#ifndef OBJ_VMAR_H
#define OBJ_VMAR_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "mm/aspace.h"
#include "obj/object.h"
#include "obj/vmo.h"

struct vmar_mapping {
    struct vmar_mapping *next;  // sorted by base
    uint64_t base, len;
    struct vmo *vmo;            // a reference
    uint64_t vmo_offset;
    uint32_t perms;             // ZX_VM_PERM_*
};

struct vmar {
    struct object obj;
    struct aspace *aspace;      // owned; NULL once destroyed
    uint64_t base, size;
    struct vmar_mapping *maps;
    uint32_t nmaps;
};

extern const struct object_ops vmar_ops;

zx_status_t vmar_create_root(struct vmar **out);
// Map per zx_vmar_map (options already checked against handle rights).
zx_status_t vmar_map(struct vmar *v, uint32_t options, uint64_t vmar_offset, struct vmo *vmo,
                     uint64_t vmo_offset, uint64_t len, uint64_t *out_addr);
zx_status_t vmar_unmap(struct vmar *v, uint64_t addr, uint64_t len);
// Remove every mapping and free the address space (process death).
void vmar_destroy(struct vmar *v);
// Resolve a user page fault at `addr` (scause `cause`): ZX_OK if mapped now,
// ZX_ERR_NOT_FOUND / ZX_ERR_ACCESS_DENIED if the access is not allowed.
zx_status_t vmar_fault(struct vmar *v, uint64_t addr, uint64_t cause);
uint64_t vmar_fault_count(void);  // user page faults resolved so far
#endif
