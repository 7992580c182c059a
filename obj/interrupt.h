// Interrupt objects (zx_interrupt_*), as Zircon's InterruptDispatcher with
// its two kinds: a PLIC source given by an IRQ resource (platform/plic.h),
// or a virtual interrupt that only zx_interrupt_trigger fires.
//
// States (Zircon's): IDLE -> TRIGGERED (fired, no port: zx_interrupt_wait
// returns it) -> NEEDACK (delivered, not yet acknowledged) -> IDLE, with
// WAITING while a thread is blocked in zx_interrupt_wait and DESTROYED after
// zx_interrupt_destroy or the last handle's close. Bound to a port (made
// with ZX_PORT_BIND_TO_INTERRUPT), a firing queues the object's one
// ZX_PKT_TYPE_INTERRUPT packet there and moves to NEEDACK; a firing during
// NEEDACK is remembered by its timestamp and delivered by the ack.
//
// A level-triggered source is masked at the PLIC from its claim until the
// driver acks (zx_interrupt_ack, or the implicit ack of the next
// zx_interrupt_wait); an edge-triggered one is unmasked at once. A source
// has at most one interrupt object; destroying the object (explicitly, by
// closing its last handle, or by its process's death) masks and frees the
// source for the next zx_interrupt_create.
//
// Virtual interrupts assert ZX_VIRTUAL_INTERRUPT_UNTRIGGERED while they are
// neither triggered nor waiting for an ack.
//
// Routing: the source goes to the hart that creates the object and moves
// to the hart of the thread that waits on it (zx_interrupt_wait) or binds
// it to a port, so the wakeup is local.
//
// Locking: state, port and packet are guarded by the scheduler lock, the
// lock of signals, ports and wait queues (obj/port.h), so a firing is one
// step: state change, packet queued, waiter woken.
#ifndef OBJ_INTERRUPT_H
#define OBJ_INTERRUPT_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/wait.h"
#include "obj/object.h"
#include "obj/port.h"

enum interrupt_state {
    INTERRUPT_IDLE,
    INTERRUPT_TRIGGERED,
    INTERRUPT_NEEDACK,
    INTERRUPT_WAITING,
    INTERRUPT_DESTROYED,
};

struct interrupt {
    struct object obj;
    uint32_t src;      // PLIC source; 0 for a virtual interrupt
    bool level;        // masked from claim until ack
    uint32_t registered;  // src has this object as its PLIC handler (1/0; a word for the atomic)
    enum interrupt_state state;
    zx_time_t timestamp;  // of the first firing not yet delivered, 0 if none
    struct port *port;    // bound port (a reference), or NULL
    struct port_packet packet;
    struct wait_queue waiters;  // the thread in zx_interrupt_wait
};

extern const struct object_ops interrupt_ops;

// A virtual interrupt (options: ZX_INTERRUPT_VIRTUAL, optionally
// ZX_INTERRUPT_TIMESTAMP_MONO; anything else ZX_ERR_INVALID_ARGS).
zx_status_t interrupt_create_virtual(uint32_t options, struct interrupt **out);
// An interrupt for PLIC source `src` (the caller has checked the IRQ
// resource). ZX_ERR_INVALID_ARGS for unknown options or a mode the PLIC
// cannot take, ZX_ERR_OUT_OF_RANGE for a source the PLIC lacks,
// ZX_ERR_ALREADY_BOUND if the source has an interrupt object already,
// ZX_ERR_NOT_SUPPORTED without a PLIC.
zx_status_t interrupt_create_physical(uint32_t src, uint32_t options, struct interrupt **out);

zx_status_t interrupt_bind(struct interrupt *irq, struct port *port, uint64_t key);
zx_status_t interrupt_unbind(struct interrupt *irq, struct port *port);
zx_status_t interrupt_wait(struct interrupt *irq, zx_time_t *out_timestamp);
zx_status_t interrupt_ack(struct interrupt *irq);
zx_status_t interrupt_destroy(struct interrupt *irq);
zx_status_t interrupt_trigger(struct interrupt *irq, zx_time_t timestamp);

#endif
