// zx_resource_create and zx_vmo_create_physical (see sys/syscalls.def and
// the seed page for zx_vmo_create_physical; errors per zircon-abi.md §13).
#include <zircon/syscalls/resource.h>

#include "obj/resource.h"
#include "obj/vmo.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// The largest physical address an Sv39 hart can emit (56 bits).
#define PADDR_LIMIT (1ull << 56)

// zx_status_t zx_resource_create(zx_handle_t parent_rsrc, uint32_t options, uint64_t base, size_t size,
//                                const char* name, size_t name_size, zx_handle_t* resource_out)
zx_status_t sys_resource_create(zx_handle_t parent_rsrc, uint32_t options, uint64_t base, size_t size, uptr_t name,
                                size_t name_size, uptr_t resource_out) {
    if (base + size < base) return ZX_ERR_INVALID_ARGS;  // the newest Zircon checks this first
    struct object *o;
    zx_status_t st = sys_get(parent_rsrc, ZX_OBJ_TYPE_RESOURCE, SYS_RIGHTS_resource_create_parent_rsrc, &o, 0);
    if (st != ZX_OK) return st;
    char buf[ZX_MAX_NAME_LEN];
    size_t n = name_size < ZX_MAX_NAME_LEN - 1 ? name_size : ZX_MAX_NAME_LEN - 1;
    struct resource *r = 0;
    if (copy_from_user(buf, name, n) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = resource_create((struct resource *)o, options, base, size, buf, n, &r);
    object_unref(o);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&r->obj, ZX_DEFAULT_RESOURCE_RIGHTS, resource_out);
    object_unref(&r->obj);
    return st;
}

// zx_status_t zx_vmo_create_physical(zx_handle_t resource, zx_paddr_t paddr, size_t size, zx_handle_t* out)
zx_status_t sys_vmo_create_physical(zx_handle_t resource, zx_paddr_t paddr, size_t size, uptr_t out) {
    // "ZX_ERR_INVALID_ARGS ... paddr or size are not page-aligned" (and size 0).
    if (size == 0 || !is_page_aligned(paddr) || !is_page_aligned(size)) return ZX_ERR_INVALID_ARGS;
    // "ZX_ERR_OUT_OF_RANGE Requested size is too large."
    if (paddr + size < paddr || paddr + size > PADDR_LIMIT) return ZX_ERR_OUT_OF_RANGE;
    zx_status_t st = sys_check_policy(ZX_POL_NEW_VMO);
    if (st != ZX_OK) return st;
    struct object *o;
    // "ZX_ERR_WRONG_TYPE resource is not a handle to a Resource object."
    st = sys_get(resource, ZX_OBJ_TYPE_RESOURCE, 0, &o, 0);
    if (st != ZX_OK) return st;
    // "resource must have resource kind ZX_RSRC_KIND_MMIO" / "ZX_ERR_ACCESS_DENIED resource
    // does not grant access to the requested range of memory."
    st = resource_validate_mmio((struct resource *)o, paddr, size);
    object_unref(o);
    if (st != ZX_OK) return st;
    struct vmo *v;
    st = vmo_create_physical(paddr, size, &v);
    if (st != ZX_OK) return st;
    // Seed 001 lists ZX_RIGHT_EXECUTE among the default rights (zircon-abi.md §13).
    st = sys_give_handle(&v->obj, ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE, out);
    object_unref(&v->obj);
    return st;
}
