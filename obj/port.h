// Ports (zx_port_*), as Zircon's PortDispatcher: a queue of packets that
// threads take with zx_port_wait.
//
// Two kinds of packet:
//   - user packets (zx_port_queue): one heap block each, at most
//     PORT_MAX_USER_PACKETS + 1 queued per port (Zircon's check: past 4096
//     the queue call gives ZX_ERR_SHOULD_WAIT);
//   - signal packets (zx_object_wait_async): each lives inside the observer
//     that produced it, allocated by the wait_async call, so queueing it
//     never allocates and never fails. Zircon raises a policy exception when
//     a port has too many observers; here zx_object_wait_async refuses with
//     ZX_ERR_NO_MEMORY once the port has PORT_MAX_OBSERVERS observers armed
//     or queued, which bounds the kernel memory one port can pin.
// Closing the last handle of the port frees its queued packets and disarms
// and frees its observers. Closing a handle that a wait_async was made
// through disarms that wait (obj/signal.h); a packet already queued stays.
//
// Locking: a port's queue, observers and waiters are guarded by the
// scheduler lock, the lock under which signals change and observers fire
// (obj/signal.h): a signal packet is queued and a port waiter woken in the
// same step as the signal change. Nothing is allocated or freed under it.
#ifndef OBJ_PORT_H
#define OBJ_PORT_H

#include <stdbool.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

#include "kern/wait.h"
#include "obj/object.h"
#include "obj/signal.h"

#define PORT_MAX_USER_PACKETS 4096u  // Zircon's kMaxAllocatedPacketCountPerPort
#define PORT_MAX_OBSERVERS 32768u    // ours (see above)

struct handle_table;

struct port_packet {
    struct port_packet *next;
    zx_port_packet_t pkt;
    bool user;  // a heap block of its own; else inside a port_observer, whose
                // ob.table/ob.handle name the wait_async handle (zx_port_cancel),
                // or inside an interrupt object (on the port's interrupt queue)
    bool queued;  // interrupt packets: on port->ihead's list now
};

struct port_observer {
    struct signal_observer ob;  // first: freed through it (signal_reap)
    struct port *port;
    struct port_observer *pnext, **ppprev;  // on port->armed while armed
    uint32_t options;
    struct port_packet packet;
};

struct port {
    struct object obj;
    uint32_t options;
    bool dead;                 // the last handle is gone
    struct port_packet *head, *tail;
    // Interrupt packets (ZX_PKT_TYPE_INTERRUPT), served before the others
    // as in Zircon: one per bound interrupt object, which owns it.
    struct port_packet *ihead, *itail;
    uint32_t user_packets;     // queued user packets
    uint32_t observers;        // armed or queued observers
    struct port_observer *armed;
    struct wait_queue waiters;
};

extern const struct object_ops port_ops;

zx_status_t port_create(uint32_t options, struct port **out);
// Queue a user packet (type forced to ZX_PKT_TYPE_USER).
zx_status_t port_queue_user(struct port *p, const zx_port_packet_t *pkt);
// Take the oldest packet, waiting until `deadline`.
zx_status_t port_wait(struct port *p, zx_time_t deadline, zx_port_packet_t *out);
// zx_object_wait_async: watch `signals` of `o` (reached through handle h of
// table t; the caller holds t's lock, so h cannot go away meanwhile).
zx_status_t port_wait_async(struct port *p, struct object *o, const struct handle_table *t, zx_handle_t h,
                            uint64_t key, zx_signals_t signals, uint32_t options, struct port_observer *ob);
struct port_observer *port_observer_alloc(void);
// zx_port_cancel: waits through (t, h) on o with `key`, armed or queued.
zx_status_t port_cancel(struct port *p, struct object *o, const struct handle_table *t, zx_handle_t h,
                        uint64_t key);
// zx_port_cancel_key: every wait and packet of the port with `key`.
zx_status_t port_cancel_key(struct port *p, uint64_t key);

// Interrupt packets (obj/interrupt.c), scheduler lock held. Queue `pp` (an
// interrupt object's own packet) with `timestamp`; false if it is queued
// already. Remove it; true if it was queued.
bool port_queue_interrupt_locked(struct port *p, struct port_packet *pp, zx_time_t timestamp);
bool port_remove_interrupt_locked(struct port *p, struct port_packet *pp);
static inline bool port_can_bind_interrupt(const struct port *p) {
    return (p->options & ZX_PORT_BIND_TO_INTERRUPT) != 0;
}
#endif
