// Interrupt objects (see obj/interrupt.h). The state machine follows
// Zircon's InterruptDispatcher and VirtualInterruptDispatcher
// (kernel/object/interrupt_dispatcher.cc, virtual_interrupt_dispatcher.cc).
#include "obj/interrupt.h"

#include <zircon/syscalls/object.h>

#include "kern/hart.h"
#include "kern/sched.h"
#include "kern/timer.h"
#include "mm/kheap.h"
#include "obj/process.h"
#include "obj/signal.h"
#include "platform/plic.h"

// A virtual interrupt has no PLIC source (sources start at 1).
static bool is_virtual(const struct interrupt *irq) { return irq->src == 0; }

// Queue the packet on the bound port with the pending timestamp.
static bool send_packet_locked(struct interrupt *irq) {
    bool queued = port_queue_interrupt_locked(irq->port, &irq->packet, irq->timestamp);
    irq->timestamp = 0;
    return queued;
}

static void set_untriggered_locked(struct interrupt *irq, bool on, struct signal_observer **reap) {
    if (!is_virtual(irq)) return;
    object_signal_locked(&irq->obj, on ? 0 : ZX_VIRTUAL_INTERRUPT_UNTRIGGERED,
                         on ? ZX_VIRTUAL_INTERRUPT_UNTRIGGERED : 0, reap);
}

// A firing (the PLIC's claim or zx_interrupt_trigger): ZX_OK, or
// ZX_ERR_CANCELED once destroyed.
static zx_status_t fire_locked(struct interrupt *irq, zx_time_t ts) {
    if (!irq->timestamp) irq->timestamp = ts;  // the first firing not yet delivered
    if (irq->state == INTERRUPT_DESTROYED) return ZX_ERR_CANCELED;
    if (irq->state == INTERRUPT_NEEDACK && irq->port) return ZX_OK;  // delivered by the ack
    if (irq->port) {
        send_packet_locked(irq);
        irq->state = INTERRUPT_NEEDACK;
    } else {
        irq->state = INTERRUPT_TRIGGERED;
        wait_queue_wake_all_locked(&irq->waiters, ZX_OK);
    }
    return ZX_OK;
}

// The PLIC's handler (platform/plic.h), with plic_lock held.
static bool irq_fired(void *arg, uint32_t src, zx_time_t ts) {
    (void)src;
    struct interrupt *irq = arg;
    uint64_t f = sched_lock_irqsave();
    fire_locked(irq, ts);
    bool keep_masked = irq->level || irq->state == INTERRUPT_DESTROYED;
    sched_unlock_irqrestore(f);
    return keep_masked;
}

// Route the source to the calling hart, where its waiter runs.
static void route_here(struct interrupt *irq) {
    if (is_virtual(irq) || !irq->registered) return;
    unsigned me = this_hart()->index;
    if (plic_route_of(irq->src) != (int)me && plic_hart_has_context(me)) (void)plic_route(irq->src, me);
}

static void unregister(struct interrupt *irq) {
    if (__atomic_exchange_n(&irq->registered, 0u, __ATOMIC_ACQ_REL)) plic_unregister(irq->src);
}

// ---- the object ----

static zx_status_t destroy_common(struct interrupt *irq) {
    unregister(irq);  // masked, and its handler is not running
    struct signal_observer *reap = 0;
    zx_status_t st = ZX_OK;
    uint64_t f = sched_lock_irqsave();
    if (irq->port) {
        bool was_queued = port_remove_interrupt_locked(irq->port, &irq->packet);
        if (irq->state == INTERRUPT_NEEDACK && !was_queued) {
            st = ZX_ERR_NOT_FOUND;  // a packet was read and not acked (Zircon's check)
            irq->state = INTERRUPT_DESTROYED;
        } else if (irq->state == INTERRUPT_IDLE || irq->state == INTERRUPT_NEEDACK) {
            irq->state = INTERRUPT_DESTROYED;
        }
    } else {
        irq->state = INTERRUPT_DESTROYED;
        wait_queue_wake_all_locked(&irq->waiters, ZX_OK);  // they see DESTROYED: CANCELED
    }
    set_untriggered_locked(irq, true, &reap);
    sched_unlock_irqrestore(f);
    signal_reap(reap);
    return st;
}

static void interrupt_zero_handles(struct object *o) { (void)destroy_common((struct interrupt *)o); }

static void interrupt_free(struct object *o) {
    struct interrupt *irq = (struct interrupt *)o;
    unregister(irq);
    struct port *port = 0;
    uint64_t f = sched_lock_irqsave();
    if (irq->port) {
        port_remove_interrupt_locked(irq->port, &irq->packet);
        port = irq->port;
        irq->port = 0;
    }
    sched_unlock_irqrestore(f);
    if (port) object_unref(&port->obj);
    kfree(irq);
}

const struct object_ops interrupt_ops = {ZX_OBJ_TYPE_INTERRUPT, "interrupt", interrupt_free,
                                         interrupt_zero_handles};

static struct interrupt *alloc_interrupt(void) {
    struct interrupt *irq = kzalloc(sizeof(*irq));
    if (!irq) return 0;
    object_init(&irq->obj, &interrupt_ops);
    irq->state = INTERRUPT_IDLE;
    irq->packet.user = false;
    return irq;
}

zx_status_t interrupt_create_virtual(uint32_t options, struct interrupt **out) {
    if (!(options & ZX_INTERRUPT_VIRTUAL) || (options & ~(ZX_INTERRUPT_VIRTUAL | ZX_INTERRUPT_TIMESTAMP_MONO)))
        return ZX_ERR_INVALID_ARGS;
    struct interrupt *irq = alloc_interrupt();
    if (!irq) return ZX_ERR_NO_MEMORY;
    irq->obj.signals = ZX_VIRTUAL_INTERRUPT_UNTRIGGERED;  // untriggered from the start
    *out = irq;
    return ZX_OK;
}

zx_status_t interrupt_create_physical(uint32_t src, uint32_t options, struct interrupt **out) {
    if (options & ~(ZX_INTERRUPT_REMAP_IRQ | ZX_INTERRUPT_MODE_MASK | ZX_INTERRUPT_TIMESTAMP_MONO))
        return ZX_ERR_INVALID_ARGS;
    if (!plic_present()) return ZX_ERR_NOT_SUPPORTED;
    if (src < 1 || src > plic_sources()) return ZX_ERR_OUT_OF_RANGE;
    uint32_t mode = options & ZX_INTERRUPT_MODE_MASK;
    if (mode == ZX_INTERRUPT_MODE_DEFAULT) mode = plic_default_mode(src);
    // The PLIC's gateways take active-high requests, level or edge; it
    // cannot invert a line or see both edges.
    bool level;
    switch (mode) {
    case ZX_INTERRUPT_MODE_LEVEL_HIGH: level = true; break;
    case ZX_INTERRUPT_MODE_EDGE_HIGH: level = false; break;
    case ZX_INTERRUPT_MODE_EDGE_LOW:
    case ZX_INTERRUPT_MODE_LEVEL_LOW:
    case ZX_INTERRUPT_MODE_EDGE_BOTH: return ZX_ERR_NOT_SUPPORTED;
    default: return ZX_ERR_INVALID_ARGS;
    }
    struct interrupt *irq = alloc_interrupt();
    if (!irq) return ZX_ERR_NO_MEMORY;
    irq->src = src;
    irq->level = level;
    zx_status_t st = plic_register(src, irq_fired, irq, this_hart()->index);
    if (st != ZX_OK) {
        object_unref(&irq->obj);
        return st;
    }
    irq->registered = 1;
    plic_unmask(src);
    *out = irq;
    return ZX_OK;
}

zx_status_t interrupt_bind(struct interrupt *irq, struct port *port, uint64_t key) {
    object_ref(&port->obj);
    zx_status_t st = ZX_OK;
    uint64_t f = sched_lock_irqsave();
    if (irq->state == INTERRUPT_DESTROYED)
        st = ZX_ERR_CANCELED;
    else if (irq->state == INTERRUPT_WAITING)
        st = ZX_ERR_BAD_STATE;
    else if (irq->port)
        st = ZX_ERR_ALREADY_BOUND;
    if (st == ZX_OK) {
        irq->port = port;
        irq->packet.pkt.key = key;
        if (irq->state == INTERRUPT_TRIGGERED) {
            send_packet_locked(irq);
            irq->state = INTERRUPT_NEEDACK;
        }
    }
    sched_unlock_irqrestore(f);
    if (st != ZX_OK) {
        object_unref(&port->obj);
        return st;
    }
    route_here(irq);
    return ZX_OK;
}

zx_status_t interrupt_unbind(struct interrupt *irq, struct port *port) {
    struct port *old = 0;
    zx_status_t st = ZX_OK;
    uint64_t f = sched_lock_irqsave();
    if (irq->port != port) {
        st = ZX_ERR_NOT_FOUND;
    } else if (irq->state == INTERRUPT_DESTROYED) {
        st = ZX_ERR_CANCELED;
    } else {
        port_remove_interrupt_locked(port, &irq->packet);
        irq->packet.pkt.key = 0;
        old = irq->port;
        irq->port = 0;
    }
    sched_unlock_irqrestore(f);
    if (old) object_unref(&old->obj);
    return st;
}

zx_status_t interrupt_wait(struct interrupt *irq, zx_time_t *out_timestamp) {
    route_here(irq);
    for (;;) {
        struct signal_observer *reap = 0;
        uint64_t f = sched_lock_irqsave();
        if (irq->port) {
            sched_unlock_irqrestore(f);
            return ZX_ERR_BAD_STATE;
        }
        switch (irq->state) {
        case INTERRUPT_DESTROYED:
            sched_unlock_irqrestore(f);
            return ZX_ERR_CANCELED;
        case INTERRUPT_TRIGGERED:
            irq->state = INTERRUPT_NEEDACK;
            *out_timestamp = irq->timestamp;
            irq->timestamp = 0;
            sched_unlock_irqrestore(f);
            return ZX_OK;
        case INTERRUPT_NEEDACK:  // the implicit ack
            if (irq->level && irq->registered) plic_unmask(irq->src);
            break;
        case INTERRUPT_IDLE: break;
        default:  // another thread is waiting
            sched_unlock_irqrestore(f);
            return ZX_ERR_BAD_STATE;
        }
        irq->state = INTERRUPT_WAITING;
        set_untriggered_locked(irq, true, &reap);
        thread_obj_set_blocked(ZX_THREAD_STATE_BLOCKED_INTERRUPT);
        zx_status_t st = sched_block_locked(&irq->waiters, ZX_TIME_INFINITE, f);
        thread_obj_set_blocked(0);
        signal_reap(reap);  // what the UNTRIGGERED signal's observers left, freed unlocked
        if (st != ZX_OK) {  // the thread is being killed
            f = sched_lock_irqsave();
            if (irq->state == INTERRUPT_WAITING) irq->state = INTERRUPT_IDLE;
            sched_unlock_irqrestore(f);
            return st;
        }
    }
}

zx_status_t interrupt_ack(struct interrupt *irq) {
    struct signal_observer *reap = 0;
    zx_status_t st = ZX_OK;
    uint64_t f = sched_lock_irqsave();
    if (!irq->port) {
        st = ZX_ERR_BAD_STATE;
    } else if (irq->state == INTERRUPT_DESTROYED) {
        st = ZX_ERR_CANCELED;
    } else if (irq->state == INTERRUPT_NEEDACK) {
        bool retriggered = false;
        if (irq->timestamp) {  // it fired again meanwhile: deliver that now
            if (!send_packet_locked(irq))
                st = ZX_ERR_BAD_STATE;  // the last packet is still unread
            else
                retriggered = true;
        } else {
            irq->state = INTERRUPT_IDLE;
        }
        if (st == ZX_OK && irq->level && irq->registered) plic_unmask(irq->src);
        if (st == ZX_OK) {
            // Acked: UNTRIGGERED is asserted; retriggered at once, it strobes
            // (observers of the edge fire) and ends clear, as in Zircon.
            set_untriggered_locked(irq, true, &reap);
            if (retriggered) set_untriggered_locked(irq, false, &reap);
        }
    }
    sched_unlock_irqrestore(f);
    signal_reap(reap);
    return st;
}

zx_status_t interrupt_destroy(struct interrupt *irq) { return destroy_common(irq); }

zx_status_t interrupt_trigger(struct interrupt *irq, zx_time_t timestamp) {
    if (!is_virtual(irq)) return ZX_ERR_BAD_STATE;
    struct signal_observer *reap = 0;
    uint64_t f = sched_lock_irqsave();
    zx_status_t st = fire_locked(irq, timestamp);
    if (st == ZX_OK) set_untriggered_locked(irq, false, &reap);
    sched_unlock_irqrestore(f);
    signal_reap(reap);
    return st;
}
