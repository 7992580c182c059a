// Object signals and observers (see obj/signal.h).
#include "obj/signal.h"

#include "kern/sched.h"
#include "mm/kheap.h"

bool object_is_waitable(const struct object *o) {
    switch (object_type(o)) {
    case ZX_OBJ_TYPE_PORT:
    case ZX_OBJ_TYPE_RESOURCE:
    case ZX_OBJ_TYPE_VMAR: return false;
    default: return true;
    }
}

static void unlink_locked(struct signal_observer *ob) {
    *ob->pprev = ob->next;
    if (ob->next) ob->next->pprev = ob->pprev;
    ob->next = 0;
    ob->pprev = 0;
    ob->obj = 0;
}

static bool fires(const struct signal_observer *ob, zx_signals_t old, zx_signals_t now) {
    return ob->edge ? (now & ~old & ob->watched) != 0 : (now & ob->watched) != 0;
}

void signal_reap(struct signal_observer *reap) {
    while (reap) {
        struct signal_observer *n = reap->next;
        kfree(reap);
        reap = n;
    }
}

void object_signal(struct object *o, zx_signals_t clear, zx_signals_t set) {
    struct signal_observer *reap = 0;
    uint64_t f = sched_lock_irqsave();
    object_signal_locked(o, clear, set, &reap);
    sched_unlock_irqrestore(f);
    signal_reap(reap);
}

void object_signal_locked(struct object *o, zx_signals_t clear, zx_signals_t set, struct signal_observer **reap) {
    zx_signals_t old = o->signals;
    zx_signals_t now = (old & ~clear) | set;
    o->signals = now;
    if (now != old) {
        struct signal_observer *ob = o->observers;
        while (ob) {
            struct signal_observer *next = ob->next;
            if (fires(ob, old, now)) {
                unlink_locked(ob);
                ob->on_match(ob, now, reap);
            }
            ob = next;
        }
    }
}

void signal_observer_add_locked(struct object *o, struct signal_observer *ob) {
    if (!ob->edge && (o->signals & ob->watched)) {
        ob->obj = 0;
        ob->next = 0;
        ob->pprev = 0;
        // The reap list of an immediate match is the caller's business: the
        // adders (wait_one/many, wait_async) never reap on a first match.
        ob->on_match(ob, o->signals, 0);
        return;
    }
    ob->obj = o;
    ob->next = o->observers;
    ob->pprev = &o->observers;
    if (o->observers) o->observers->pprev = &ob->next;
    o->observers = ob;
}

bool signal_observer_remove_locked(struct signal_observer *ob) {
    if (!ob->obj) return false;
    unlink_locked(ob);
    return true;
}

void object_handle_gone(struct object *o, const struct handle_table *t, zx_handle_t h) {
    // Unlocked peek: an observer added through h was linked before h left the
    // table (the adder holds the table lock while it adds, see
    // sys/sys_wait.c), and our caller removed h under that lock before
    // calling us, so the link is visible here.
    if (!__atomic_load_n(&o->observers, __ATOMIC_ACQUIRE)) return;
    struct signal_observer *reap = 0;
    uint64_t f = sched_lock_irqsave();
    struct signal_observer *ob = o->observers;
    while (ob) {
        struct signal_observer *next = ob->next;
        if (ob->table == t && ob->handle == h) {
            unlink_locked(ob);
            ob->on_cancel(ob, o->signals, &reap);
        }
        ob = next;
    }
    sched_unlock_irqrestore(f);
    signal_reap(reap);
}
