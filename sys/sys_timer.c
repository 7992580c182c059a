// zx_timer_create, zx_timer_set, zx_timer_cancel (see sys/syscalls.def,
// obj/timer.h). Checks in Zircon's order (kernel/lib/syscalls/timer.cc):
// create checks the clock, then the job policy, then the options; set checks
// the slack before the handle.
#include "obj/timer.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_status_t zx_timer_create(uint32_t options, zx_clock_t clock_id, zx_handle_t* out)
zx_status_t sys_timer_create(uint32_t options, zx_clock_t clock_id, uptr_t out) {
    if (clock_id != ZX_CLOCK_MONOTONIC && clock_id != ZX_CLOCK_BOOT) return ZX_ERR_INVALID_ARGS;
    zx_status_t st = sys_check_policy(ZX_POL_NEW_TIMER);
    if (st != ZX_OK) return st;
    struct timer_obj *t;
    st = timer_obj_create(options, clock_id, &t);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&t->obj, ZX_DEFAULT_TIMER_RIGHTS, out);
    object_unref(&t->obj);
    return st;
}

// zx_status_t zx_timer_set(zx_handle_t handle, zx_time_t deadline, zx_duration_t slack)
zx_status_t sys_timer_set(zx_handle_t handle, zx_time_t deadline, zx_duration_t slack) {
    if (slack < 0) return ZX_ERR_OUT_OF_RANGE;
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_TIMER, SYS_RIGHTS_timer_set_handle, &o, 0);
    if (st != ZX_OK) return st;
    st = timer_obj_set((struct timer_obj *)o, deadline, slack);
    object_unref(o);
    return st;
}

// zx_status_t zx_timer_cancel(zx_handle_t handle)
zx_status_t sys_timer_cancel(zx_handle_t handle) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_TIMER, SYS_RIGHTS_timer_cancel_handle, &o, 0);
    if (st != ZX_OK) return st;
    st = timer_obj_cancel((struct timer_obj *)o);
    object_unref(o);
    return st;
}
