// Ports (see obj/port.h).
#include "obj/port.h"

#include "kern/sched.h"
#include "kern/timer.h"
#include "mm/kheap.h"

// ---- queue (scheduler lock held) ----

static void enqueue_locked(struct port *p, struct port_packet *pp) {
    pp->next = 0;
    if (p->tail)
        p->tail->next = pp;
    else
        p->head = pp;
    p->tail = pp;
    if (pp->user) p->user_packets++;
    wait_queue_wake_one_locked(&p->waiters, ZX_OK);
}

// Unlink every queued packet for which match() holds onto *freed (a list
// through ->next), fixing the counts. Returns how many.
static unsigned remove_packets_locked(struct port *p, bool (*match)(struct port_packet *, const void *),
                                      const void *arg, struct port_packet **freed) {
    unsigned n = 0;
    struct port_packet **pp = &p->head, *last = 0;
    while (*pp) {
        struct port_packet *k = *pp;
        if (match(k, arg)) {
            *pp = k->next;
            if (k->user)
                p->user_packets--;
            else
                p->observers--;
            k->next = *freed;
            *freed = k;
            n++;
        } else {
            last = k;
            pp = &k->next;
        }
    }
    p->tail = last;
    return n;
}

static void armed_unlink_locked(struct port_observer *po) {
    *po->ppprev = po->pnext;
    if (po->pnext) po->pnext->ppprev = po->ppprev;
    po->pnext = 0;
    po->ppprev = 0;
}

// Take an armed observer off its object and its port, onto *reap (freed by
// signal_reap once the scheduler lock is dropped).
static void disarm_locked(struct port *p, struct port_observer *po, struct signal_observer **reap) {
    signal_observer_remove_locked(&po->ob);
    armed_unlink_locked(po);
    p->observers--;
    po->ob.next = *reap;
    *reap = &po->ob;
}

static struct port_observer *observer_of(struct port_packet *k) {
    return (struct port_observer *)((char *)k - __builtin_offsetof(struct port_observer, packet));
}

// Free packets unlinked by remove_packets_locked (no lock held).
static void free_packets(struct port_packet *k) {
    while (k) {
        struct port_packet *n = k->next;
        kfree(k->user ? (void *)k : (void *)observer_of(k));
        k = n;
    }
}

// ---- interrupt packets ----

bool port_queue_interrupt_locked(struct port *p, struct port_packet *pp, zx_time_t timestamp) {
    if (pp->queued) return false;
    pp->queued = true;
    pp->next = 0;
    pp->pkt.type = ZX_PKT_TYPE_INTERRUPT;
    pp->pkt.status = ZX_OK;
    pp->pkt.interrupt.timestamp = timestamp;
    if (p->itail)
        p->itail->next = pp;
    else
        p->ihead = pp;
    p->itail = pp;
    wait_queue_wake_one_locked(&p->waiters, ZX_OK);
    return true;
}

bool port_remove_interrupt_locked(struct port *p, struct port_packet *pp) {
    if (!pp->queued) return false;
    struct port_packet **q = &p->ihead, *last = 0;
    while (*q && *q != pp) {
        last = *q;
        q = &(*q)->next;
    }
    if (*q) *q = pp->next;
    if (p->itail == pp) p->itail = last;
    pp->next = 0;
    pp->queued = false;
    return true;
}

// ---- observers ----

static void observer_match(struct signal_observer *ob, zx_signals_t now, struct signal_observer **reap) {
    (void)reap;
    struct port_observer *po = (struct port_observer *)ob;
    struct port *p = po->port;
    armed_unlink_locked(po);
    zx_packet_signal_t *s = &po->packet.pkt.signal;
    s->observed = now;
    s->count = 1;  // Zircon: deprecated, always 1
    if (po->options & (ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_BOOT_TIMESTAMP)) s->timestamp = timer_now_ns();
    enqueue_locked(p, &po->packet);
}

// The handle it was added through is gone (signal.c has unlinked it).
static void observer_cancel(struct signal_observer *ob, zx_signals_t now, struct signal_observer **reap) {
    (void)now;
    struct port_observer *po = (struct port_observer *)ob;
    disarm_locked(po->port, po, reap);
}

struct port_observer *port_observer_alloc(void) { return kzalloc(sizeof(struct port_observer)); }

zx_status_t port_wait_async(struct port *p, struct object *o, const struct handle_table *t, zx_handle_t h,
                            uint64_t key, zx_signals_t signals, uint32_t options, struct port_observer *po) {
    po->ob.watched = signals;
    po->ob.edge = (options & ZX_WAIT_ASYNC_EDGE) != 0;
    po->ob.table = t;
    po->ob.handle = h;
    po->ob.on_match = observer_match;
    po->ob.on_cancel = observer_cancel;
    po->port = p;
    po->options = options;
    po->packet.user = false;
    po->packet.pkt.key = key;
    po->packet.pkt.type = ZX_PKT_TYPE_SIGNAL_ONE;
    po->packet.pkt.status = ZX_OK;
    po->packet.pkt.signal.trigger = signals;
    uint64_t f = sched_lock_irqsave();
    if (p->dead) {  // its last handle went while we were being called
        sched_unlock_irqrestore(f);
        return ZX_ERR_BAD_HANDLE;
    }
    if (p->observers >= PORT_MAX_OBSERVERS) {
        sched_unlock_irqrestore(f);
        return ZX_ERR_NO_MEMORY;
    }
    p->observers++;
    po->pnext = p->armed;
    po->ppprev = &p->armed;
    if (p->armed) p->armed->ppprev = &po->pnext;
    p->armed = po;
    signal_observer_add_locked(o, &po->ob);  // may fire at once (level): then it is queued
    sched_unlock_irqrestore(f);
    return ZX_OK;
}

// ---- the object ----

static void port_release(struct port *p) {
    struct port_packet *freed = 0;
    struct signal_observer *reap = 0;
    uint64_t f = sched_lock_irqsave();
    p->dead = true;
    while (p->armed) disarm_locked(p, p->armed, &reap);
    struct port_packet *k = p->head;
    p->head = p->tail = 0;
    p->user_packets = 0;
    p->observers = 0;
    while (k) {
        struct port_packet *n = k->next;
        k->next = freed;
        freed = k;
        k = n;
    }
    // Threads in zx_port_wait keep waiting (until their deadline), as in
    // Zircon: they hold references, and nothing can be queued any more.
    sched_unlock_irqrestore(f);
    signal_reap(reap);
    free_packets(freed);
}

static void port_zero_handles(struct object *o) { port_release((struct port *)o); }

static void port_destroy(struct object *o) {
    port_release((struct port *)o);  // nothing left when its handles were closed
    kfree(o);
}

const struct object_ops port_ops = {ZX_OBJ_TYPE_PORT, "port", port_destroy, port_zero_handles};

zx_status_t port_create(uint32_t options, struct port **out) {
    if (options != 0 && options != ZX_PORT_BIND_TO_INTERRUPT) return ZX_ERR_INVALID_ARGS;
    struct port *p = kzalloc(sizeof(*p));
    if (!p) return ZX_ERR_NO_MEMORY;
    object_init(&p->obj, &port_ops);
    p->options = options;
    *out = p;
    return ZX_OK;
}

zx_status_t port_queue_user(struct port *p, const zx_port_packet_t *pkt) {
    struct port_packet *k = kzalloc(sizeof(*k));
    if (!k) return ZX_ERR_NO_MEMORY;
    k->pkt = *pkt;
    k->pkt.type = ZX_PKT_TYPE_USER;
    k->user = true;
    zx_status_t st = ZX_OK;
    uint64_t f = sched_lock_irqsave();
    if (p->dead)
        st = ZX_ERR_BAD_HANDLE;
    else if (p->user_packets > PORT_MAX_USER_PACKETS)
        st = ZX_ERR_SHOULD_WAIT;
    else
        enqueue_locked(p, k);
    sched_unlock_irqrestore(f);
    if (st != ZX_OK) kfree(k);
    return st;
}

zx_status_t port_wait(struct port *p, zx_time_t deadline, zx_port_packet_t *out) {
    for (;;) {
        uint64_t f = sched_lock_irqsave();
        struct port_packet *i = p->ihead;
        if (i) {  // interrupt packets first; the interrupt object owns them
            p->ihead = i->next;
            if (!p->ihead) p->itail = 0;
            i->next = 0;
            i->queued = false;
            *out = i->pkt;
            sched_unlock_irqrestore(f);
            return ZX_OK;
        }
        struct port_packet *k = p->head;
        if (k) {
            p->head = k->next;
            if (!p->head) p->tail = 0;
            if (k->user)
                p->user_packets--;
            else
                p->observers--;
            *out = k->pkt;
            sched_unlock_irqrestore(f);
            k->next = 0;
            free_packets(k);
            return ZX_OK;
        }
        zx_status_t st = sched_block_locked(&p->waiters, deadline, f);
        if (st != ZX_OK) return st;
    }
}

struct cancel_match {
    const struct handle_table *t;  // NULL: any packet with the key
    zx_handle_t h;
    uint64_t key;
};

static bool packet_matches(struct port_packet *k, const void *arg) {
    const struct cancel_match *m = arg;
    if (k->pkt.key != m->key) return false;
    if (!m->t) return true;
    if (k->user) return false;
    const struct signal_observer *ob = &observer_of(k)->ob;  // the wait_async handle
    return ob->table == m->t && ob->handle == m->h;
}

// The common end of the two cancels: drop the matching queued packets too,
// unlock, free what was removed; NOT_FOUND if nothing matched at all.
static zx_status_t finish_cancel_locked(struct port *p, const struct cancel_match *m, struct signal_observer *reap,
                                        unsigned n, uint64_t f) {
    struct port_packet *freed = 0;
    n += remove_packets_locked(p, packet_matches, m, &freed);
    sched_unlock_irqrestore(f);
    signal_reap(reap);
    free_packets(freed);
    return n ? ZX_OK : ZX_ERR_NOT_FOUND;
}

zx_status_t port_cancel(struct port *p, struct object *o, const struct handle_table *t, zx_handle_t h,
                        uint64_t key) {
    struct cancel_match m = {t, h, key};
    struct signal_observer *reap = 0;
    unsigned n = 0;
    uint64_t f = sched_lock_irqsave();
    for (struct signal_observer *ob = o->observers, *next; ob; ob = next) {
        next = ob->next;
        if (ob->on_match != observer_match) continue;
        struct port_observer *po = (struct port_observer *)ob;
        if (po->port != p || po->packet.pkt.key != key || ob->table != t || ob->handle != h) continue;
        disarm_locked(p, po, &reap);
        n++;
    }
    return finish_cancel_locked(p, &m, reap, n, f);
}

zx_status_t port_cancel_key(struct port *p, uint64_t key) {
    struct cancel_match m = {0, 0, key};
    struct signal_observer *reap = 0;
    unsigned n = 0;
    uint64_t f = sched_lock_irqsave();
    for (struct port_observer *po = p->armed, *next; po; po = next) {
        next = po->pnext;
        if (po->packet.pkt.key != key) continue;
        disarm_locked(p, po, &reap);
        n++;
    }
    return finish_cancel_locked(p, &m, reap, n, f);
}
