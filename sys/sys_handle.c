// zx_handle_* (see sys/syscalls.def).
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_status_t zx_handle_close(zx_handle_t handle)
zx_status_t sys_handle_close(zx_handle_t handle) {
    if (handle == ZX_HANDLE_INVALID) return ZX_OK;
    return handle_close(sys_handles(), handle);
}

// zx_status_t zx_handle_close_many(const zx_handle_t* handles, size_t num_handles)
zx_status_t sys_handle_close_many(uptr_t handles, size_t num_handles) {
    if (num_handles > (1u << 20)) return ZX_ERR_OUT_OF_RANGE;
    zx_status_t result = ZX_OK;
    for (size_t i = 0; i < num_handles; i++) {
        zx_handle_t h;
        if (copy_from_user(&h, uptr_add(handles, i * sizeof(h)), sizeof(h)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
        if (h != ZX_HANDLE_INVALID && handle_close(sys_handles(), h) != ZX_OK) result = ZX_ERR_BAD_HANDLE;
    }
    return result;
}

// zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out)
zx_status_t sys_handle_duplicate(zx_handle_t handle, zx_rights_t rights, uptr_t out) {
    // handle_duplicate checks in Zircon's order: BAD_HANDLE, ACCESS_DENIED
    // (no ZX_RIGHT_DUPLICATE, SYS_RIGHTS_handle_duplicate_handle), INVALID_ARGS.
    zx_handle_t nh;
    zx_status_t st = handle_duplicate(sys_handles(), handle, rights, &nh);
    if (st != ZX_OK) return st;
    return sys_publish_handle(nh, out);
}

// zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out)
zx_status_t sys_handle_replace(zx_handle_t handle, zx_rights_t rights, uptr_t out) {
    struct object *o;
    zx_rights_t have;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, 0, &o, &have);
    if (st != ZX_OK) return st;
    object_unref(o);
    if (rights != ZX_RIGHT_SAME_RIGHTS && (rights & ~have)) {
        handle_close(sys_handles(), handle);  // replace consumes the handle even on failure
        return ZX_ERR_INVALID_ARGS;
    }
    zx_handle_t nh;
    st = handle_replace(sys_handles(), handle, rights == ZX_RIGHT_SAME_RIGHTS ? have : rights, &nh);
    if (st != ZX_OK) return st;
    return sys_publish_handle(nh, out);
}
