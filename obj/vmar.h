// Virtual Memory Address Regions: a process's root region and the VMO
// mappings in it. Pages are mapped lazily: the page-fault handler commits the
// VMO page (demand zero) and maps it with the mapping's permissions.
//
// Locking: vmar->obj.lock guards the mapping list; it is taken before the
// VMO lock and the page-table lock. Each mapping is also linked on its VMO's
// map_list (see obj/vmo.h), so the VMO can unmap its pages.
#ifndef OBJ_VMAR_H
#define OBJ_VMAR_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "mm/aspace.h"
#include "obj/object.h"
#include "obj/vmo.h"

struct vmar;

struct vmar_mapping {
    struct vmar_mapping *next;  // sorted by base
    uint64_t base, len;
    struct vmo *vmo;            // a reference
    uint64_t vmo_offset;
    uint32_t perms;             // ZX_VM_PERM_*
    uint32_t max_perms;         // what zx_vmar_protect may grant (the VMO handle's rights at map time)
    // Back-link: the mapping is on vmo->map_list from vmar_map (or the split
    // in vmar_unmap) until it leaves its VMAR (vmar_unmap, vmar_destroy), all
    // under the VMAR lock then the VMO lock. vmo_next and unmap_pass are
    // guarded by the VMO lock; vmar (the owner, not a reference) never changes.
    struct vmar_mapping *vmo_next;
    struct vmar *vmar;
    uint64_t unmap_pass;
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
// Options: ZX_VM_PERM_*, ZX_VM_SPECIFIC, ZX_VM_REQUIRE_NON_RESIZABLE (a
// resizable VMO -> ZX_ERR_NOT_SUPPORTED), ZX_VM_ALLOW_FAULTS (required for a
// discardable VMO, else ZX_ERR_NOT_SUPPORTED), ZX_VM_MAP_RANGE (map the
// pages the VMO has now, committing none); any other bit -> INVALID_ARGS.
// max_perms: the ZX_VM_PERM_* the VMO handle's rights allow (zx_vmar_protect
// may grant no more).
zx_status_t vmar_map(struct vmar *v, uint32_t options, uint64_t vmar_offset, struct vmo *vmo,
                     uint64_t vmo_offset, uint64_t len, uint32_t max_perms, uint64_t *out_addr);
zx_status_t vmar_unmap(struct vmar *v, uint64_t addr, uint64_t len);
// zx_vmar_protect (the handle's rights checked by the caller): perms with a
// bit other than ZX_VM_PERM_*, or WRITE without READ, addr not page aligned,
// len 0, or the range (len rounded up to pages) not inside the VMAR ->
// ZX_ERR_INVALID_ARGS; WRITE with EXECUTE (this kernel's W^X) ->
// ZX_ERR_ACCESS_DENIED; a part of the range not mapped -> ZX_ERR_NOT_FOUND; a
// mapping whose max_perms lack a permission -> ZX_ERR_ACCESS_DENIED (nothing
// changes on any error). Mappings partly inside are split; the range's page
// table entries go, faults map it again with the new permissions.
zx_status_t vmar_protect(struct vmar *v, uint32_t perms, uint64_t addr, uint64_t len);
// Remove every mapping and free the address space (process death).
void vmar_destroy(struct vmar *v);
// The first page of [addr, addr + len) (not wrapping, not page 0) that an
// access needing `perms` (ZX_VM_PERM_*) would fault on for good: not mapped,
// mapped without those permissions, or beyond the mapped VMO's size; 0 if
// there is none. Commits and maps nothing.
uint64_t vmar_first_denied(struct vmar *v, uint64_t addr, uint64_t len, uint32_t perms);
// Resolve a user page fault at `addr` (scause `cause`): ZX_OK if mapped now,
// ZX_ERR_NOT_FOUND / ZX_ERR_ACCESS_DENIED if the access is not allowed.
zx_status_t vmar_fault(struct vmar *v, uint64_t addr, uint64_t cause);
uint64_t vmar_fault_count(void);
// Map the pages of a user buffer before a copy that runs under a VMO lock
// (an optimisation: that copy still copes with faults, see vmar.c).
void vmar_prefault(struct vmar *v, uint64_t addr, uint64_t len, bool write);  // user page faults resolved so far
// Remove from the page tables of every mapping of `vmo` the pages of VMO byte
// range [off, off+len) (the overlapping part of each mapping; rounded out to
// pages), keeping the mappings: later faults commit again (demand zero). Call
// with no VMO or VMAR lock held; it takes each VMAR's lock, then the VMO lock
// to walk vmo->map_list (the VMAR-before-VMO order of vmar_fault). Callers
// serialize calls per VMO (obj/vmo_cow_pages.c calls it inside its busy section).
void vmar_unmap_vmo_pages(struct vmo *vmo, uint64_t off, uint64_t len);
#endif
