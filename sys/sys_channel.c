// zx_channel_* (see sys/syscalls.def).
#include "mm/kheap.h"
#include "obj/channel.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_status_t zx_channel_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1)
zx_status_t sys_channel_create(uint32_t options, uptr_t out0, uptr_t out1) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    zx_status_t pst = sys_check_policy(ZX_POL_NEW_CHANNEL);
    if (pst != ZX_OK) return pst;
    struct channel *a, *b;
    zx_status_t st = channel_create_pair(&a, &b);
    if (st != ZX_OK) return st;
    return sys_give_peer_pair(&a->obj, &b->obj, ZX_DEFAULT_CHANNEL_RIGHTS, out0, out1);
}

// zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options, const void* bytes, uint32_t num_bytes,
//                              const zx_handle_t* handles, uint32_t num_handles)
zx_status_t sys_channel_write(zx_handle_t handle, uint32_t options, uptr_t bytes, uint32_t num_bytes,
                              uptr_t handles, uint32_t num_handles) {
    // The handles are consumed whatever happens, as in Zircon.
    zx_handle_t values[CHANNEL_MAX_MSG_HANDLES];
    uint32_t nh = num_handles <= CHANNEL_MAX_MSG_HANDLES ? num_handles : 0;
    if (copy_from_user(values, handles, nh * sizeof(zx_handle_t)) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    struct channel_msg *m = 0;
    struct object *co = 0;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_CHANNEL, SYS_RIGHTS_channel_write_handle, &co, 0);
    if (st == ZX_OK && options != 0) st = ZX_ERR_INVALID_ARGS;
    if (st == ZX_OK && (num_bytes > CHANNEL_MAX_MSG_BYTES || num_handles > CHANNEL_MAX_MSG_HANDLES))
        st = ZX_ERR_OUT_OF_RANGE;
    if (st == ZX_OK && !(m = channel_msg_alloc(num_bytes, nh))) st = ZX_ERR_NO_MEMORY;
    if (st == ZX_OK && copy_from_user(m->bytes, bytes, num_bytes) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    for (uint32_t i = 0; i < nh; i++) {
        struct object *o = 0;
        zx_rights_t r = 0;
        if (values[i] == handle) {  // a channel cannot be written into itself
            if (st == ZX_OK) st = ZX_ERR_NOT_SUPPORTED;
            continue;
        }
        zx_status_t hs = sys_take_handle(values[i], &o, &r);
        if (hs != ZX_OK) {
            if (st == ZX_OK) st = hs;
            continue;
        }
        if (!(r & ZX_RIGHT_TRANSFER) && st == ZX_OK) st = ZX_ERR_ACCESS_DENIED;
        if (m) {
            m->objs[i] = o;
            m->rights[i] = r;
        } else {
            sys_drop_taken(o);
        }
    }
    if (st == ZX_OK) st = channel_write((struct channel *)co, m);
    if (st != ZX_OK && m) channel_msg_free(m);
    if (co) object_unref(co);
    return st;
}

// zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void* bytes, zx_handle_t* handles,
//                             uint32_t num_bytes, uint32_t num_handles, uint32_t* actual_bytes,
//                             uint32_t* actual_handles)
zx_status_t sys_channel_read(zx_handle_t handle, uint32_t options, uptr_t bytes, uptr_t handles,
                             uint32_t num_bytes, uint32_t num_handles, uptr_t actual_bytes, uptr_t actual_handles) {
    struct object *co;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_CHANNEL, SYS_RIGHTS_channel_read_handle, &co, 0);
    if (st != ZX_OK) return st;
    if (options != 0) {
        object_unref(co);
        return ZX_ERR_INVALID_ARGS;
    }
    struct channel_msg *m = 0;
    uint32_t nb = 0, nh = 0;
    st = channel_read((struct channel *)co, num_bytes, num_handles, &m, &nb, &nh);
    object_unref(co);
    if (st == ZX_OK || st == ZX_ERR_BUFFER_TOO_SMALL) {
        if (!uptr_is_null(actual_bytes) && copy_to_user(actual_bytes, &nb, sizeof(nb)) != ZX_OK)
            st = st == ZX_OK ? ZX_ERR_INVALID_ARGS : st;
        if (!uptr_is_null(actual_handles) && copy_to_user(actual_handles, &nh, sizeof(nh)) != ZX_OK)
            st = st == ZX_OK ? ZX_ERR_INVALID_ARGS : st;
    }
    if (!m) return st;
    zx_handle_t values[CHANNEL_MAX_MSG_HANDLES];
    if (st == ZX_OK && copy_to_user(bytes, m->bytes, m->nbytes) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    uint32_t installed = 0;
    for (; st == ZX_OK && installed < m->nhandles; installed++) {
        st = sys_install_taken(sys_handles(), m->objs[installed], m->rights[installed], &values[installed]);
        m->objs[installed] = 0;
        if (st != ZX_OK) break;
    }
    if (st == ZX_OK && copy_to_user(handles, values, m->nhandles * sizeof(zx_handle_t)) != ZX_OK)
        st = ZX_ERR_INVALID_ARGS;
    if (st != ZX_OK)
        for (uint32_t i = 0; i < installed && i < m->nhandles; i++)
            if (!m->objs[i]) handle_close(sys_handles(), values[i]);
    channel_msg_free(m);  // closes any handles not installed
    return st;
}
