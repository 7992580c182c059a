// Helpers every sys/ handler uses: handle lookup in the calling process
// and returning new handles through user out-pointers.
#ifndef SYS_SYS_UTIL_H
#define SYS_SYS_UTIL_H

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>
#include <zircon/types.h>

#include "mm/usercopy.h"
#include "obj/handle.h"
#include "obj/process.h"
#include "obj/signal.h"

static inline struct handle_table *sys_handles(void) { return &process_current()->handles; }

// Look up a handle of the calling process (see handle_get); the caller unrefs *out.
static inline zx_status_t sys_get(zx_handle_t h, zx_obj_type_t type, zx_rights_t rights, struct object **out,
                                  zx_rights_t *out_rights) {
    return handle_get(sys_handles(), h, type, rights, out, out_rights);
}

// The object of handle h for a wait (zx_object_wait_one/many/async), with
// t's lock held by the caller (handle_get_locked): the handle needs `rights`
// and the object must be waitable, else ZX_ERR_NOT_SUPPORTED. The caller
// unrefs *out; on failure it is untouched.
static inline zx_status_t sys_get_waitable_locked(struct handle_table *t, zx_handle_t h, zx_rights_t rights,
                                                  struct object **out) {
    struct object *o;
    zx_status_t st = handle_get_locked(t, h, ZX_OBJ_TYPE_NONE, rights, &o, 0);
    if (st != ZX_OK) return st;
    if (!object_is_waitable(o)) {
        object_unref(o);  // the handle still holds one: never the last
        return ZX_ERR_NOT_SUPPORTED;
    }
    *out = o;
    return ZX_OK;
}

// Write a new handle's value to `out`; if that fails, close the handle
// again and return ZX_ERR_INVALID_ARGS.
static inline zx_status_t sys_publish_handle(zx_handle_t h, uptr_t out) {
    zx_status_t st = copy_to_user(out, &h, sizeof(h));
    if (st != ZX_OK) handle_close(sys_handles(), h);
    return st;
}

// Add a handle to obj (taking a new reference) and write its value to `out`.
// If the write fails the handle is closed again and ZX_ERR_INVALID_ARGS returned.
static inline zx_status_t sys_give_handle(struct object *obj, zx_rights_t rights, uptr_t out) {
    zx_handle_t h;
    zx_status_t st = handle_add(sys_handles(), obj, rights, &h);
    if (st != ZX_OK) return st;
    return sys_publish_handle(h, out);
}

// sys_give_handle for two objects at once, both or neither: add a handle to
// each (taking new references), then write their values to out_a and out_b.
// If the second add fails the first handle is closed again; if a write fails
// both are closed and ZX_ERR_INVALID_ARGS returned.
static inline zx_status_t sys_give_handle_pair(struct object *a, zx_rights_t rights_a, uptr_t out_a,
                                               struct object *b, zx_rights_t rights_b, uptr_t out_b) {
    zx_handle_t ha, hb;
    zx_status_t st = handle_add(sys_handles(), a, rights_a, &ha);
    if (st != ZX_OK) return st;
    st = handle_add(sys_handles(), b, rights_b, &hb);
    if (st != ZX_OK) {
        handle_close(sys_handles(), ha);
        return st;
    }
    if (copy_to_user(out_a, &ha, sizeof(ha)) != ZX_OK || copy_to_user(out_b, &hb, sizeof(hb)) != ZX_OK) {
        handle_close(sys_handles(), hb);
        handle_close(sys_handles(), ha);
        return ZX_ERR_INVALID_ARGS;
    }
    return ZX_OK;
}

// Hand out the two sides of a new peered pair (channel, event pair), both
// with `rights`, and drop the caller's creation references. If that fails, a
// side that never had a handle has not run its close logic (which drops the
// peers' references on each other): run it by hand; on a side whose handle
// was made and closed again it does nothing more.
static inline zx_status_t sys_give_peer_pair(struct object *a, struct object *b, zx_rights_t rights, uptr_t out_a,
                                             uptr_t out_b) {
    zx_status_t st = sys_give_handle_pair(a, rights, out_a, b, rights, out_b);
    if (st != ZX_OK) {
        object_handle_added(a);
        object_handle_removed(a);
        object_handle_added(b);
        object_handle_removed(b);
    }
    object_unref(a);
    object_unref(b);
    return st;
}

// Take a handle out of the calling process's table for transfer: the object
// keeps counting it as a handle (in flight); *out_obj gets its reference.
static inline zx_status_t sys_take_handle(zx_handle_t h, struct object **out_obj, zx_rights_t *out_rights) {
    return handle_take(sys_handles(), h, out_obj, out_rights);
}

// Drop an in-flight handle taken with sys_take_handle.
static inline void sys_drop_taken(struct object *o) {
    object_handle_removed(o);
    object_unref(o);
}

// Install an in-flight handle into `t` (consumes it: on failure it is dropped).
static inline zx_status_t sys_install_taken(struct handle_table *t, struct object *o, zx_rights_t rights,
                                            zx_handle_t *out) {
    zx_status_t st = handle_install(t, o, rights, out);
    if (st != ZX_OK) sys_drop_taken(o);
    return st;
}
// Apply the calling process's job policy for `condition` (ZX_POL_NEW_*):
// ZX_OK if allowed; ZX_ERR_ACCESS_DENIED if denied (ZX_POL_ACTION_KILL also
// kills the process). Exceptions are not delivered yet: *_EXCEPTION actions
// act as their base action.
static inline zx_status_t sys_check_policy(uint32_t condition) {
    struct process *p = process_current();
    switch (job_policy_action(p->job, condition)) {
    case ZX_POL_ACTION_ALLOW:
    case ZX_POL_ACTION_ALLOW_EXCEPTION:
        return ZX_OK;
    case ZX_POL_ACTION_KILL:
        process_kill(p, ZX_TASK_RETCODE_POLICY_KILL);
        return ZX_ERR_ACCESS_DENIED;
    default:
        return ZX_ERR_ACCESS_DENIED;
    }
}
#endif
