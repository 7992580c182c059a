// Object signals (see obj/signal.h).
#include "obj/signal.h"

#include "kern/sched.h"

void object_signal(struct object *o, zx_signals_t clear, zx_signals_t set) {
    uint64_t f = sched_lock_irqsave();
    zx_signals_t old = o->signals;
    o->signals = (old & ~clear) | set;
    if (o->signals != old) wait_queue_wake_all_locked(&o->waiters, ZX_OK);
    sched_unlock_irqrestore(f);
}

zx_signals_t object_signals(struct object *o) {
    uint64_t f = sched_lock_irqsave();
    zx_signals_t s = o->signals;
    sched_unlock_irqrestore(f);
    return s;
}

zx_status_t object_wait_one(struct object *o, zx_signals_t signals, zx_time_t deadline, zx_signals_t *observed) {
    for (;;) {
        uint64_t f = sched_lock_irqsave();
        zx_signals_t now = o->signals;
        if (now & signals) {
            sched_unlock_irqrestore(f);
            if (observed) *observed = now;
            return ZX_OK;
        }
        zx_status_t st = sched_block_locked(&o->waiters, deadline, f);
        if (st != ZX_OK) {
            if (observed) *observed = object_signals(o);
            return st;
        }
    }
}
