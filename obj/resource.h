// Resource objects: capabilities over ranges of privileged things.
//
// The root resource (kind ZX_RSRC_KIND_ROOT, base 0, size 0 = "everything")
// is handed to init. From it (or from a "ranged root": an MMIO resource with
// base 0 and size 0) zx_resource_create carves ranged MMIO resources, and an
// MMIO resource can be sliced further into smaller MMIO resources. SYSTEM
// resources cover numbers of <zircon/syscalls/resource.h>'s
// ZX_RSRC_SYSTEM_*_BASE list (a VMEX resource is [VMEX_BASE, VMEX_BASE + 1)). What the
// root may grant is decided by the root filter, built from the device tree's
// MMIO resource map (platform/dt.h): only device ranges that are not
// interrupt controllers; never RAM, the kernel, firmware, reserved memory,
// the PLIC/CLINT/... or unmapped address space.
//
// Semantics follow Zircon (zircon-abi.md §12 zx_resource_create and
// validate_ranged_resource, §13 for zx_vmo_create_physical); the exact error
// choices are listed at each function below and at the top of resource.c.
//
// This file and resource.c build on the host too (tests/host/resource/).
#ifndef OBJ_RESOURCE_H
#define OBJ_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "obj/object.h"

// Physical address width of Sv39 harts: 56 bits. Nothing at or beyond
// 2^RESOURCE_PADDR_BITS is ever granted.
#define RESOURCE_PADDR_BITS 56
#define RESOURCE_PADDR_LIMIT ((uint64_t)1 << RESOURCE_PADDR_BITS)

struct dt_info;

struct resource {
    struct object obj;
    uint32_t kind;   // ZX_RSRC_KIND_*
    uint32_t flags;  // ZX_RSRC_FLAG_*
    uint64_t base, size;
    // The resource this one was created from (a reference is held; released
    // when this one is destroyed). NULL for the root resource and for
    // resources built directly by the kernel.
    struct resource *parent;
    // Membership of the live ranged-resource list (resource.c, under its
    // lock), used for the exclusivity checks. Immutable base/size/flags/kind
    // once listed.
    struct resource *list_prev, *list_next;
    bool listed;
};

extern const struct object_ops resource_ops;

// The root resource: covers everything. Statically allocated, created on
// first use, never destroyed.
struct resource *resource_root(void);

// Record the device tree's MMIO resource map (base/size/flags of each entry
// are copied, and the /memory and reserved ranges as an extra deny list; `dt`
// may be freed afterwards) for the root filter. May be
// called again to replace the map; NULL clears it (the filter then refuses
// everything). Call before user mode starts: the map itself is not locked.
void resource_init_from_dt(const struct dt_info *dt);

// The root filter: true only if [base, base + size) lies entirely inside the
// union of the MMIO map entries that are not interrupt controllers
// (DT_MMIO_INTC), each widened to page boundaries (so a 0x100-byte UART can be
// mapped through its page), below 2^RESOURCE_PADDR_BITS, and touches no
// interrupt controller entry, /memory range or reserved range (exact, not
// widened). Adjacent entries form one contiguous allowed range. size 0 and
// base + size overflow give false.
bool resource_root_allows(uint64_t base, uint64_t size);

// zx_resource_create after the syscall layer's work (WRITE right on the
// parent handle, copying the name into kernel memory). `name` may be NULL
// when name_len is 0; at most ZX_MAX_NAME_LEN - 1 bytes are kept (stops at a
// NUL). On success *out holds the new resource (refcount 1, which the caller
// owns) and the child holds a reference on `parent`. Errors, in order:
//   base + size overflows                                  ZX_ERR_INVALID_ARGS
//   kind >= COUNT, kind == ROOT (3), unknown flag bits     ZX_ERR_INVALID_ARGS
//   validate_ranged_resource(parent, kind, base, size)
//     fails for any reason                                 ZX_ERR_ACCESS_DENIED
//   parent not root/ranged root and EXCLUSIVE on the
//     parent or in the request                             ZX_ERR_INVALID_ARGS
//   kind is valid but neither MMIO, IRQ nor SYSTEM (IOPORT/SMC) ZX_ERR_NOT_SUPPORTED
//   IRQ range not inside the PLIC's sources [1, ndev]         ZX_ERR_NOT_FOUND
//   size == 0 (Zircon's region allocator)                  ZX_ERR_INVALID_ARGS
//   SYSTEM range not inside [0, ZX_RSRC_SYSTEM_COUNT)      ZX_ERR_NOT_FOUND
//   shared request intersects a live EXCLUSIVE resource    ZX_ERR_NOT_FOUND
//   EXCLUSIVE request intersects any live MMIO resource    ZX_ERR_NOT_FOUND
//   out of memory                                          ZX_ERR_NO_MEMORY
// NULL parent or out: ZX_ERR_INVALID_ARGS.
zx_status_t resource_create(struct resource *parent, uint32_t options, uint64_t base, uint64_t size,
                            const char *name, size_t name_len, struct resource **out);

// Validation for zx_vmo_create_physical (zircon-abi.md §13). The caller has
// already refused size 0 and unaligned paddr/size. Errors, in order:
//   r NULL                                                   ZX_ERR_INVALID_ARGS
//   r's kind neither ROOT nor MMIO                           ZX_ERR_WRONG_TYPE
//   paddr + size overflows or exceeds 2^RESOURCE_PADDR_BITS  ZX_ERR_OUT_OF_RANGE
//   r is ROOT or a ranged root (MMIO, base 0, size 0) and
//     the root filter refuses the range                      ZX_ERR_ACCESS_DENIED
//   MMIO: not wholly inside r's range widened to pages       ZX_ERR_ACCESS_DENIED
//   MMIO: the root filter refuses the range                  ZX_ERR_ACCESS_DENIED
zx_status_t resource_validate_mmio(struct resource *r, uint64_t paddr, uint64_t size);

// Zircon's validate_ranged_resource for a resource already looked up: may r
// grant [base, base + size) of `kind`? The root resource and a ranged root
// of that kind may (MMIO ranges only where the root filter allows:
// ZX_ERR_ACCESS_DENIED otherwise); another kind is ZX_ERR_WRONG_TYPE; a range
// not inside r's (MMIO widened to pages) is ZX_ERR_OUT_OF_RANGE.
zx_status_t resource_validate_ranged(struct resource *r, uint32_t kind, uint64_t base, uint64_t size);

// ZX_INFO_RESOURCE: kind, flags, base, size and name (zeroed first).
void resource_info(struct resource *r, zx_info_resource_t *out);
#endif
