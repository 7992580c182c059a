// zx_event_create, zx_eventpair_create, zx_object_signal, zx_object_signal_peer
// (see sys/syscalls.def, obj/event.h). Checks in Zircon's order
// (kernel/lib/syscalls/object.cc, event.cc, eventpair.cc): the handle and its
// right first, then the bits.
#include "obj/event.h"
#include "obj/signal.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_status_t zx_event_create(uint32_t options, zx_handle_t* out)
zx_status_t sys_event_create(uint32_t options, uptr_t out) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    zx_status_t st = sys_check_policy(ZX_POL_NEW_EVENT);
    if (st != ZX_OK) return st;
    struct event *e;
    st = event_create(&e);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&e->obj, ZX_DEFAULT_EVENT_RIGHTS, out);
    object_unref(&e->obj);
    return st;
}

// zx_status_t zx_eventpair_create(uint32_t options, zx_handle_t* out0, zx_handle_t* out1)
zx_status_t sys_eventpair_create(uint32_t options, uptr_t out0, uptr_t out1) {
    if (options != 0) return ZX_ERR_NOT_SUPPORTED;  // sic: Zircon's eventpair.cc
    zx_status_t st = sys_check_policy(ZX_POL_NEW_EVENTPAIR);
    if (st != ZX_OK) return st;
    struct eventpair *a, *b;
    st = eventpair_create_pair(&a, &b);
    if (st != ZX_OK) return st;
    return sys_give_peer_pair(&a->obj, &b->obj, ZX_DEFAULT_EVENTPAIR_RIGHTS, out0, out1);
}

static bool signal_bits_allowed(struct object *o, uint32_t clear_mask, uint32_t set_mask) {
    zx_signals_t allowed = object_allowed_user_signals(o);
    return !((clear_mask | set_mask) & ~allowed);
}

// zx_status_t zx_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask)
zx_status_t sys_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, SYS_RIGHTS_object_signal_handle, &o, 0);
    if (st != ZX_OK) return st;
    if (signal_bits_allowed(o, clear_mask, set_mask))
        object_signal(o, clear_mask, set_mask);
    else
        st = ZX_ERR_INVALID_ARGS;
    object_unref(o);
    return st;
}

// zx_status_t zx_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask)
zx_status_t sys_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_NONE, SYS_RIGHTS_object_signal_peer_handle, &o, 0);
    if (st != ZX_OK) return st;
    zx_obj_type_t t = object_type(o);
    if (t != ZX_OBJ_TYPE_EVENTPAIR && t != ZX_OBJ_TYPE_CHANNEL)
        st = ZX_ERR_NOT_SUPPORTED;  // Dispatcher::user_signal_peer of an object without a peer
    else if (!signal_bits_allowed(o, clear_mask, set_mask))
        st = ZX_ERR_INVALID_ARGS;
    else
        st = object_signal_peer(o, clear_mask, set_mask);
    object_unref(o);
    return st;
}
