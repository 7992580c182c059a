// zx_iommu_create, zx_bti_create, zx_bti_pin, zx_bti_release_quarantine,
// zx_pmt_unpin (see sys/syscalls.def; zircon-abi.md §15.8; Zircon's
// lib/syscalls/driver.cc). zx_vmo_create_contiguous is in sys/sys_vmo.c.
// There is no IOMMU: the stub IOMMU, and device addresses are physical.
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/resource.h>

#include "mm/kheap.h"
#include "obj/bti.h"
#include "obj/iommu.h"
#include "obj/pmt.h"
#include "obj/resource.h"
#include "obj/vmo.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_bti_pin returns at most as many addresses as fit in 64 pages (Zircon's
// kMaxAddrs); they are copied out through an on-stack chunk.
#define BTI_MAX_ADDRS (PAGE_SIZE * 64 / sizeof(zx_paddr_t))
#define ADDR_CHUNK 32u

// zx_status_t zx_iommu_create(zx_handle_t resource, uint32_t type, const void* desc,
//                             size_t desc_size, zx_handle_t* out)
// The resource: a SYSTEM resource covering ZX_RSRC_SYSTEM_IOMMU_BASE, or the
// root resource (validate_resource_kind_base); then the descriptor's size,
// the copy, the type (obj/iommu.h).
zx_status_t sys_iommu_create(zx_handle_t resource, uint32_t type, uptr_t desc, size_t desc_size, uptr_t out) {
    struct object *r;
    zx_status_t st = sys_get(resource, ZX_OBJ_TYPE_RESOURCE, 0, &r, 0);
    if (st != ZX_OK) return st;
    st = resource_validate_ranged((struct resource *)r, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1);
    object_unref(r);
    if (st != ZX_OK) return st;
    if (desc_size > ZX_IOMMU_MAX_DESC_LEN) return ZX_ERR_INVALID_ARGS;
    // The descriptor is copied in whole before its type is looked at (as Zircon).
    uint8_t *buf = desc_size ? kzalloc(desc_size) : NULL;
    if (desc_size && !buf) return ZX_ERR_NO_MEMORY;
    if (desc_size && copy_from_user(buf, desc, desc_size) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    kfree(buf);
    if (st != ZX_OK) return st;
    struct iommu *m;
    st = iommu_create(type, desc_size, &m);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&m->obj, ZX_DEFAULT_IOMMU_RIGHTS, out);
    object_unref(&m->obj);
    return st;
}

// zx_status_t zx_bti_create(zx_handle_t iommu, uint32_t options, uint64_t bti_id, zx_handle_t* out)
// Options first, then the IOMMU handle (no right needed, as Zircon).
zx_status_t sys_bti_create(zx_handle_t iommu, uint32_t options, uint64_t bti_id, uptr_t out) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    struct object *o;
    zx_status_t st = sys_get(iommu, ZX_OBJ_TYPE_IOMMU, ZX_RIGHT_NONE, &o, 0);
    if (st != ZX_OK) return st;
    struct bti *b;
    st = bti_create((struct iommu *)o, bti_id, &b);
    object_unref(o);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&b->obj, ZX_DEFAULT_BTI_RIGHTS, out);
    object_unref(&b->obj);
    return st;
}

// Copy the PMT's addresses out: `num_addrs` of them, checked against what
// the options ask for (Zircon's EncodeAddrs: one per page, or with
// ZX_BTI_COMPRESS one per minimum-contiguity chunk, a page here; with
// ZX_BTI_CONTIGUOUS exactly one, of a contiguous VMO).
static zx_status_t encode_addrs(struct pmt *p, bool compress, bool contiguous, uptr_t addrs, size_t num_addrs) {
    uint64_t pages = pmt_pages(p);
    if (contiguous) {
        if (num_addrs != 1) return ZX_ERR_INVALID_ARGS;
    } else if (num_addrs != pages) {
        return ZX_ERR_INVALID_ARGS;  // compressed: chunks of one page each, as many
    }
    (void)compress;
    zx_paddr_t chunk[ADDR_CHUNK];
    for (uint64_t i = 0; i < num_addrs; i += ADDR_CHUNK) {
        uint64_t n = num_addrs - i < ADDR_CHUNK ? num_addrs - i : ADDR_CHUNK;
        pmt_encode_addrs(p, contiguous, i, n, chunk);
        if (copy_to_user(uptr_add(addrs, i * sizeof(zx_paddr_t)), chunk, n * sizeof(zx_paddr_t)) != ZX_OK)
            return ZX_ERR_INVALID_ARGS;
    }
    return ZX_OK;
}

// zx_status_t zx_bti_pin(zx_handle_t handle, uint32_t options, zx_handle_t vmo, uint64_t offset,
//                        uint64_t size, zx_paddr_t* addrs, size_t num_addrs, zx_handle_t* pmt)
// Zircon's order: the BTI needs MAP; offset and size page aligned and
// num_addrs at most 64 pages of addresses (INVALID_ARGS); the VMO needs MAP;
// PERM_READ and PERM_EXECUTE need READ on the VMO, PERM_WRITE needs WRITE
// (ACCESS_DENIED); COMPRESS with CONTIGUOUS, CONTIGUOUS on a VMO that is
// not contiguous, or an unknown bit (INVALID_ARGS); then the pin
// (bti_pin); then the addresses (a wrong count: INVALID_ARGS); then the
// handle. Whatever fails after the pin unpins it: nothing is quarantined.
zx_status_t sys_bti_pin(zx_handle_t handle, uint32_t options, zx_handle_t vmo, uint64_t offset, uint64_t size,
                        uptr_t addrs, size_t num_addrs, uptr_t pmt) {
    struct object *bo;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_BTI, SYS_RIGHTS_bti_pin_handle, &bo, 0);
    if (st != ZX_OK) return st;
    struct object *vo = NULL;
    zx_rights_t vr = 0;
    if (!is_page_aligned(offset) || !is_page_aligned(size) || num_addrs > BTI_MAX_ADDRS) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = sys_get(vmo, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_bti_pin_vmo, &vo, &vr);
    uint32_t perms = 0;
    bool compress = false, contiguous = false;
    if (st == ZX_OK) {
        uint32_t o = options;
        if (o & ZX_BTI_PERM_READ) {
            if (!(vr & ZX_RIGHT_READ)) st = ZX_ERR_ACCESS_DENIED;
            perms |= ZX_BTI_PERM_READ;
            o &= ~ZX_BTI_PERM_READ;
        }
        if (st == ZX_OK && (o & ZX_BTI_PERM_WRITE)) {
            if (!(vr & ZX_RIGHT_WRITE)) st = ZX_ERR_ACCESS_DENIED;
            perms |= ZX_BTI_PERM_WRITE;
            o &= ~ZX_BTI_PERM_WRITE;
        }
        if (st == ZX_OK && (o & ZX_BTI_PERM_EXECUTE)) {
            // READ, not EXECUTE: the device executes, not the CPU (as Zircon).
            if (!(vr & ZX_RIGHT_READ)) st = ZX_ERR_ACCESS_DENIED;
            perms |= ZX_BTI_PERM_EXECUTE;
            o &= ~ZX_BTI_PERM_EXECUTE;
        }
        if (st == ZX_OK && !((o & ZX_BTI_COMPRESS) && (o & ZX_BTI_CONTIGUOUS))) {
            if (o & ZX_BTI_COMPRESS) {
                compress = true;
                o &= ~ZX_BTI_COMPRESS;
            }
            if ((o & ZX_BTI_CONTIGUOUS) && vmo_is_contiguous((struct vmo *)vo)) {
                contiguous = true;
                o &= ~ZX_BTI_CONTIGUOUS;
            }
        }
        if (st == ZX_OK && o) st = ZX_ERR_INVALID_ARGS;
    }
    struct pmt *p = NULL;
    if (st == ZX_OK) st = bti_pin((struct bti *)bo, (struct vmo *)vo, offset, size, perms, &p);
    if (vo) object_unref(vo);
    object_unref(bo);
    if (st != ZX_OK) return st;
    st = encode_addrs(p, compress, contiguous, addrs, num_addrs);
    zx_handle_t h = ZX_HANDLE_INVALID;
    if (st == ZX_OK) st = handle_add(sys_handles(), &p->obj, ZX_DEFAULT_PMT_RIGHTS, &h);
    if (st == ZX_OK && copy_to_user(pmt, &h, sizeof(h)) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    if (st != ZX_OK) {
        pmt_unpin(p, true);  // never reached user space: unpinned, not quarantined
        if (h != ZX_HANDLE_INVALID) handle_close(sys_handles(), h);
    }
    object_unref(&p->obj);
    return st;
}

// zx_status_t zx_bti_release_quarantine(zx_handle_t handle)
zx_status_t sys_bti_release_quarantine(zx_handle_t handle) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_BTI, SYS_RIGHTS_bti_release_quarantine_handle, &o, 0);
    if (st != ZX_OK) return st;
    bti_release_quarantine((struct bti *)o);
    object_unref(o);
    return ZX_OK;
}

// zx_status_t zx_pmt_unpin(zx_handle_t handle)
// The handle is always consumed (Zircon removes it first): not a PMT is
// ZX_ERR_WRONG_TYPE, and that handle is closed all the same. No right is
// needed. The handle stays counted while the pin is released, so the close
// that follows does not quarantine it.
zx_status_t sys_pmt_unpin(zx_handle_t handle) {
    struct object *o;
    zx_status_t st = sys_take_handle(handle, &o, 0);
    if (st != ZX_OK) return st;
    if (object_type(o) != ZX_OBJ_TYPE_PMT) {
        sys_drop_taken(o);
        return ZX_ERR_WRONG_TYPE;
    }
    pmt_unpin((struct pmt *)o, true);
    sys_drop_taken(o);
    return ZX_OK;
}
