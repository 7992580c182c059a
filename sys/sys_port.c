// zx_port_* and zx_object_wait_async (see sys/syscalls.def, obj/port.h).
#include <zircon/syscalls/port.h>

#include "mm/kheap.h"
#include "obj/port.h"
#include "obj/signal.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_status_t zx_port_create(uint32_t options, zx_handle_t* out)
zx_status_t sys_port_create(uint32_t options, uptr_t out) {
    zx_status_t st = sys_check_policy(ZX_POL_NEW_PORT);
    if (st != ZX_OK) return st;
    struct port *p;
    st = port_create(options, &p);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&p->obj, ZX_DEFAULT_PORT_RIGHTS, out);
    object_unref(&p->obj);
    return st;
}

// zx_status_t zx_port_queue(zx_handle_t handle, const zx_port_packet_t* packet)
zx_status_t sys_port_queue(zx_handle_t handle, uptr_t packet) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_PORT, SYS_RIGHTS_port_queue_handle, &o, 0);
    if (st != ZX_OK) return st;
    zx_port_packet_t pkt;
    st = copy_from_user(&pkt, packet, sizeof(pkt));
    if (st == ZX_OK) st = port_queue_user((struct port *)o, &pkt);
    object_unref(o);
    return st;
}

// zx_status_t zx_port_wait(zx_handle_t handle, zx_time_t deadline, zx_port_packet_t* packet)
zx_status_t sys_port_wait(zx_handle_t handle, zx_time_t deadline, uptr_t packet) {
    struct object *o;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_PORT, SYS_RIGHTS_port_wait_handle, &o, 0);
    if (st != ZX_OK) return st;
    zx_port_packet_t pkt;
    thread_obj_set_blocked(ZX_THREAD_STATE_BLOCKED_PORT);
    st = port_wait((struct port *)o, deadline, &pkt);
    thread_obj_set_blocked(0);
    object_unref(o);
    if (st == ZX_OK && copy_to_user(packet, &pkt, sizeof(pkt)) != ZX_OK) st = ZX_ERR_INVALID_ARGS;
    return st;
}

// zx_status_t zx_object_wait_async(zx_handle_t handle, zx_handle_t port, uint64_t key, zx_signals_t signals,
//                                  uint32_t options)
zx_status_t sys_object_wait_async(zx_handle_t handle, zx_handle_t port, uint64_t key, zx_signals_t signals,
                                  uint32_t options) {
    // Zircon's order: options, then the port, then the waited handle.
    const uint32_t known = ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_EDGE | ZX_WAIT_ASYNC_BOOT_TIMESTAMP;
    if (options & ~known) return ZX_ERR_INVALID_ARGS;
    if ((options & ZX_WAIT_ASYNC_TIMESTAMP) && (options & ZX_WAIT_ASYNC_BOOT_TIMESTAMP)) return ZX_ERR_INVALID_ARGS;
    struct object *po;
    zx_status_t st = sys_get(port, ZX_OBJ_TYPE_PORT, SYS_RIGHTS_object_wait_async_port, &po, 0);
    if (st != ZX_OK) return st;
    struct port_observer *ob = port_observer_alloc();
    if (!ob) {
        object_unref(po);
        return ZX_ERR_NO_MEMORY;
    }
    // The waited handle is looked up and the observer added under the table
    // lock, so a concurrent close of it cancels the wait (obj/signal.h).
    struct handle_table *ht = sys_handles();
    struct object *o = 0;
    uint64_t hf = handle_table_lock(ht);
    st = sys_get_waitable_locked(ht, handle, SYS_RIGHTS_object_wait_async_handle, &o);
    if (st == ZX_OK) st = port_wait_async((struct port *)po, o, ht, handle, key, signals, options, ob);
    handle_table_unlock(ht, hf);
    if (st != ZX_OK) kfree(ob);
    if (o) object_unref(o);  // the handle keeps its own
    object_unref(po);
    return st;
}

// zx_status_t zx_port_cancel(zx_handle_t handle, zx_handle_t source, uint64_t key)
zx_status_t sys_port_cancel(zx_handle_t handle, zx_handle_t source, uint64_t key) {
    struct object *po;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_PORT, SYS_RIGHTS_port_cancel_handle, &po, 0);
    if (st != ZX_OK) return st;
    struct object *o;
    st = sys_get(source, ZX_OBJ_TYPE_NONE, SYS_RIGHTS_port_cancel_source, &o, 0);
    if (st == ZX_OK) {
        st = port_cancel((struct port *)po, o, sys_handles(), source, key);
        object_unref(o);
    }
    object_unref(po);
    return st;
}

// zx_status_t zx_port_cancel_key(zx_handle_t handle, uint32_t options, uint64_t key)
zx_status_t sys_port_cancel_key(zx_handle_t handle, uint32_t options, uint64_t key) {
    struct object *po;
    zx_status_t st = sys_get(handle, ZX_OBJ_TYPE_PORT, SYS_RIGHTS_port_cancel_key_handle, &po, 0);
    if (st != ZX_OK) return st;
    if (options != 0)
        st = ZX_ERR_INVALID_ARGS;
    else
        st = port_cancel_key((struct port *)po, key);
    object_unref(po);
    return st;
}
