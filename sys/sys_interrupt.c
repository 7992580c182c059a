// zx_interrupt_create, _bind, _wait, _ack, _destroy, _trigger (see
// sys/syscalls.def, obj/interrupt.h). Checks in Zircon's order
// (kernel/lib/syscalls/driver.cc, zircon-abi.md §15.7): create validates the
// IRQ resource unless the interrupt is virtual; bind checks its options
// before the handles and wants a port made with ZX_PORT_BIND_TO_INTERRUPT
// (else ZX_ERR_WRONG_TYPE, as Zircon's code); destroy checks no rights.
#include <zircon/syscalls/resource.h>

#include "obj/interrupt.h"
#include "obj/port.h"
#include "obj/resource.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// Zircon's validate_resource_irq: a resource handle (WRONG_TYPE otherwise)
// that may grant IRQ number src_num.
static zx_status_t validate_resource_irq(zx_handle_t h, uint32_t src_num) {
    struct object *r;
    zx_status_t st = sys_get(h, ZX_OBJ_TYPE_RESOURCE, 0, &r, 0);
    if (st != ZX_OK) return st;
    st = resource_validate_ranged((struct resource *)r, ZX_RSRC_KIND_IRQ, src_num, 1);
    object_unref(r);
    return st;
}

// zx_status_t zx_interrupt_create(zx_handle_t src_obj, uint32_t src_num, uint32_t options,
//                                 zx_handle_t* out_handle)
zx_status_t sys_interrupt_create(zx_handle_t src_obj, uint32_t src_num, uint32_t options, uptr_t out_handle) {
    zx_status_t st;
    if (!(options & ZX_INTERRUPT_VIRTUAL) && (st = validate_resource_irq(src_obj, src_num)) != ZX_OK) return st;
    struct interrupt *irq;
    st = (options & ZX_INTERRUPT_VIRTUAL) ? interrupt_create_virtual(options, &irq)
                                          : interrupt_create_physical(src_num, options, &irq);
    if (st != ZX_OK) return st;
    st = sys_give_handle(&irq->obj, ZX_DEFAULT_INTERRUPT_RIGHTS, out_handle);
    object_unref(&irq->obj);
    return st;
}

static zx_status_t get_interrupt(zx_handle_t h, zx_rights_t rights, struct interrupt **out) {
    return sys_get(h, ZX_OBJ_TYPE_INTERRUPT, rights, (struct object **)out, 0);
}

// zx_status_t zx_interrupt_bind(zx_handle_t handle, zx_handle_t port_handle, uint64_t key, uint32_t options)
zx_status_t sys_interrupt_bind(zx_handle_t handle, zx_handle_t port_handle, uint64_t key, uint32_t options) {
    if (options != ZX_INTERRUPT_BIND && options != ZX_INTERRUPT_UNBIND) return ZX_ERR_INVALID_ARGS;
    struct interrupt *irq;
    zx_status_t st = get_interrupt(handle, SYS_RIGHTS_interrupt_bind_handle, &irq);
    if (st != ZX_OK) return st;
    struct object *po;
    st = sys_get(port_handle, ZX_OBJ_TYPE_PORT, SYS_RIGHTS_interrupt_bind_port_handle, &po, 0);
    if (st == ZX_OK) {
        struct port *port = (struct port *)po;
        if (!port_can_bind_interrupt(port))
            st = ZX_ERR_WRONG_TYPE;
        else
            st = options == ZX_INTERRUPT_BIND ? interrupt_bind(irq, port, key) : interrupt_unbind(irq, port);
        object_unref(po);
    }
    object_unref(&irq->obj);
    return st;
}

// zx_status_t zx_interrupt_wait(zx_handle_t handle, zx_time_t* out_timestamp)
zx_status_t sys_interrupt_wait(zx_handle_t handle, uptr_t out_timestamp) {
    struct interrupt *irq;
    zx_status_t st = get_interrupt(handle, SYS_RIGHTS_interrupt_wait_handle, &irq);
    if (st != ZX_OK) return st;
    zx_time_t ts = 0;
    st = interrupt_wait(irq, &ts);
    object_unref(&irq->obj);
    if (st == ZX_OK && !uptr_is_null(out_timestamp) && copy_to_user(out_timestamp, &ts, sizeof(ts)) != ZX_OK)
        st = ZX_ERR_INVALID_ARGS;
    return st;
}

// zx_status_t zx_interrupt_destroy(zx_handle_t handle)
zx_status_t sys_interrupt_destroy(zx_handle_t handle) {
    struct interrupt *irq;
    zx_status_t st = get_interrupt(handle, 0, &irq);  // no rights checked (Zircon's code)
    if (st != ZX_OK) return st;
    st = interrupt_destroy(irq);
    object_unref(&irq->obj);
    return st;
}

// zx_status_t zx_interrupt_ack(zx_handle_t handle)
zx_status_t sys_interrupt_ack(zx_handle_t handle) {
    struct interrupt *irq;
    zx_status_t st = get_interrupt(handle, SYS_RIGHTS_interrupt_ack_handle, &irq);
    if (st != ZX_OK) return st;
    st = interrupt_ack(irq);
    object_unref(&irq->obj);
    return st;
}

// zx_status_t zx_interrupt_trigger(zx_handle_t handle, uint32_t options, zx_time_t timestamp)
zx_status_t sys_interrupt_trigger(zx_handle_t handle, uint32_t options, zx_time_t timestamp) {
    if (options != 0) return ZX_ERR_INVALID_ARGS;
    struct interrupt *irq;
    zx_status_t st = get_interrupt(handle, SYS_RIGHTS_interrupt_trigger_handle, &irq);
    if (st != ZX_OK) return st;
    st = interrupt_trigger(irq, timestamp);
    object_unref(&irq->obj);
    return st;
}
