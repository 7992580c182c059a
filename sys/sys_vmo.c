// zx_vmo_* (see sys/syscalls.def; the seed page for zx_vmo_create).
#include "obj/vmo.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

static zx_status_t copy_out(void *ctx, size_t buf_off, void *kva, size_t n) {
    return copy_to_user(uptr_add(*(uptr_t *)ctx, buf_off), kva, n);
}

static zx_status_t copy_in(void *ctx, size_t buf_off, void *kva, size_t n) {
    return copy_from_user(kva, uptr_add(*(uptr_t *)ctx, buf_off), n);
}

// zx_status_t zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t* out)
zx_status_t sys_vmo_create(uint64_t size, uint32_t options, uptr_t out) {
    // Options beyond 0 (RESIZABLE, DISCARDABLE, UNBOUNDED) arrive with the
    // full seed semantics; until then they are refused, not ignored.
    zx_status_t pst = sys_check_policy(ZX_POL_NEW_VMO);
    if (pst != ZX_OK) return pst;
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    if (size > UINT64_MAX - PAGE_MASK) return ZX_ERR_OUT_OF_RANGE;
    uint64_t rounded = page_round_up(size);
    if (rounded > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    struct vmo *v;
    zx_status_t st = vmo_create(rounded, size, options, &v);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&v->obj, ZX_DEFAULT_VMO_RIGHTS, out);
    object_unref(&v->obj);
    return st;
}

// zx_status_t zx_vmo_read(zx_handle_t handle, void* buffer, uint64_t offset, size_t buffer_size)
zx_status_t sys_vmo_read(zx_handle_t handle, uptr_t buffer, uint64_t offset, size_t buffer_size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_read_handle, &o, 0);
    if (st != ZX_OK) return st;
    if (buffer_size && !user_range_ok(buffer.addr, buffer_size)) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = vmo_read((struct vmo *)o, offset, buffer_size, copy_out, &buffer);
    object_unref(o);
    return st;
}

// zx_status_t zx_vmo_write(zx_handle_t handle, const void* buffer, uint64_t offset, size_t buffer_size)
zx_status_t sys_vmo_write(zx_handle_t handle, uptr_t buffer, uint64_t offset, size_t buffer_size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_write_handle, &o, 0);
    if (st != ZX_OK) return st;
    if (buffer_size && !user_range_ok(buffer.addr, buffer_size)) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK) st = vmo_write((struct vmo *)o, offset, buffer_size, copy_in, &buffer);
    object_unref(o);
    return st;
}

// zx_status_t zx_vmo_get_size(zx_handle_t handle, uint64_t* size)
zx_status_t sys_vmo_get_size(zx_handle_t handle, uptr_t size) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, SYS_RIGHTS_vmo_get_size_handle, &o, 0);
    if (st != ZX_OK) return st;
    uint64_t s = vmo_get_size((struct vmo *)o);
    object_unref(o);
    return copy_to_user(size, &s, sizeof(s));
}

// zx_status_t zx_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex, zx_handle_t* out)
// vmex may be ZX_HANDLE_INVALID: the job policy ZX_POL_AMBIENT_MARK_VMO_EXEC
// (allowed by default, and no job here denies it yet) then stands in for it.
zx_status_t sys_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex, uptr_t out) {
    if (vmex != ZX_HANDLE_INVALID) {
        struct object *r;
        zx_status_t st = sys_get(vmex, ZX_OBJ_TYPE_RESOURCE, 0, &r, 0);
        if (st != ZX_OK) {
            handle_close(sys_handles(), handle);  // replace consumes the handle
            return st;
        }
        object_unref(r);
    }
    struct object *o;
    zx_rights_t have;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_VMO, 0, &o, &have);
    if (st != ZX_OK) {
        if (st != ZX_ERR_BAD_HANDLE) handle_close(sys_handles(), handle);  // consumed, as in Zircon
        return st;
    }
    object_unref(o);
    zx_handle_t nh;
    st = handle_replace(sys_handles(), handle, have | ZX_RIGHT_EXECUTE, &nh);
    if (st != ZX_OK) return st;
    st = copy_to_user(out, &nh, sizeof(nh));
    if (st != ZX_OK) handle_close(sys_handles(), nh);
    return st;
}
