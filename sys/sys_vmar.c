// zx_vmar_* (see sys/syscalls.def).
#include "obj/vmar.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

static zx_rights_t rights_for_perms(uint32_t options) {
    zx_rights_t r = 0;
    if (options & ZX_VM_PERM_READ) r |= ZX_RIGHT_READ;
    if (options & ZX_VM_PERM_WRITE) r |= ZX_RIGHT_WRITE;
    if (options & ZX_VM_PERM_EXECUTE) r |= ZX_RIGHT_EXECUTE;
    return r;
}

// zx_status_t zx_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset,
//                         zx_handle_t vmo, uint64_t vmo_offset, size_t len, zx_vaddr_t* mapped_addr)
zx_status_t sys_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset, zx_handle_t vmo,
                         uint64_t vmo_offset, size_t len, uptr_t mapped_addr) {
    struct object *vo, *mo;
    zx_rights_t vr, mr;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMAR, 0, &vo, &vr);
    if (st != ZX_OK) return st;
    st = sys_get(vmo, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmar_map_vmo, &mo, &mr);
    if (st != ZX_OK) {
        object_unref(vo);
        return st;
    }
    // Zircon's order (vmar_map_common): the MAP right (sys_get above); a
    // protection that cannot be expressed (WRITE without READ) and CAN_MAP_*
    // (not for mappings): INVALID_ARGS; then the rights the permissions need:
    // ACCESS_DENIED. vmar_map checks the other options after these.
    zx_rights_t need = rights_for_perms(options);
    if ((options & ZX_VM_PERM_WRITE) && !(options & ZX_VM_PERM_READ))
        st = ZX_ERR_INVALID_ARGS;
    else if (options & (ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE))
        st = ZX_ERR_INVALID_ARGS;
    else if ((vr & need) != need || (mr & need) != need)
        st = ZX_ERR_ACCESS_DENIED;
    uint64_t addr = 0;
    uint32_t max_perms = ((mr & ZX_RIGHT_READ) ? ZX_VM_PERM_READ : 0) | ((mr & ZX_RIGHT_WRITE) ? ZX_VM_PERM_WRITE : 0) |
                         ((mr & ZX_RIGHT_EXECUTE) ? ZX_VM_PERM_EXECUTE : 0);
    if (st == ZX_OK)
        st = vmar_map((struct vmar *)vo, options, vmar_offset, (struct vmo *)mo, vmo_offset, len, max_perms, &addr);
    if (st == ZX_OK && copy_to_user(mapped_addr, &addr, sizeof(addr)) != ZX_OK) {
        vmar_unmap((struct vmar *)vo, addr, len);
        st = ZX_ERR_INVALID_ARGS;
    }
    object_unref(mo);
    object_unref(vo);
    return st;
}

// zx_status_t zx_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len)
zx_status_t sys_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMAR, SYS_RIGHTS_vmar_unmap_handle, &o, 0);
    if (st != ZX_OK) return st;
    st = vmar_unmap((struct vmar *)o, addr, len);
    object_unref(o);
    return st;
}

// zx_status_t zx_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr, size_t len)
zx_status_t sys_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr, size_t len) {
    // Zircon's order: the rights the new permissions need, then the options.
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMAR, rights_for_perms(options), &o, 0);
    if (st != ZX_OK) return st;
    st = vmar_protect((struct vmar *)o, options, addr, len);
    object_unref(o);
    return st;
}
