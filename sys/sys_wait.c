// zx_object_wait_one and zx_object_wait_many (see sys/syscalls.def).
//
// The waiting thread puts one observer (obj/signal.h) per handle on the
// objects, on its own stack (or, past WAIT_STACK_ITEMS, in one heap block),
// and sleeps until one fires, one of the handles is closed, the deadline
// passes or the thread is killed. The observers are added with the caller's
// handle-table lock held, so a handle closed concurrently is either refused
// here (BAD_HANDLE) or cancels its observer (CANCELED): never missed.
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>

#include "kern/sched.h"
#include "kern/thread.h"
#include "mm/kheap.h"
#include "obj/process.h"
#include "obj/signal.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

#define WAIT_STACK_ITEMS 8

struct waiter {
    struct signal_observer ob;  // first: the callbacks cast back
    struct wait_state *ws;
    zx_signals_t seen;          // the object's signals when it fired or was canceled
};

struct wait_state {
    struct thread *t;
    bool woken;  // some observer fired or was canceled: do not sleep
};

static void waiter_fire(struct signal_observer *ob, zx_signals_t now, struct signal_observer **reap) {
    (void)reap;
    struct waiter *w = (struct waiter *)ob;
    w->seen = now;
    w->ws->woken = true;
    sched_wake_locked(w->ws->t, ZX_OK);
}

static void waiter_cancel(struct signal_observer *ob, zx_signals_t now, struct signal_observer **reap) {
    waiter_fire(ob, now | ZX_SIGNAL_HANDLE_CLOSED, reap);
}

// Wait on n items (handle and waitfor in; pending out: each object's signals
// when the wait ended, with ZX_SIGNAL_HANDLE_CLOSED for a closed handle).
// Returns ZX_OK, ZX_ERR_TIMED_OUT, ZX_ERR_CANCELED (a handle was closed, or
// the thread is being killed: *killed set), or a handle error (nothing waited).
static zx_status_t wait_items(zx_wait_item_t *items, struct waiter *ws_items, size_t n, zx_time_t deadline,
                              bool *killed, uint32_t blocked_state) {
    struct handle_table *ht = sys_handles();
    struct wait_state ws = {thread_current(), false};
    struct object *objs[ZX_WAIT_MANY_MAX_ITEMS];
    *killed = false;
    size_t added = 0;
    zx_status_t st = ZX_OK;
    uint64_t hf = handle_table_lock(ht);
    for (; added < n; added++) {
        st = sys_get_waitable_locked(ht, items[added].handle, ZX_RIGHT_WAIT, &objs[added]);
        if (st != ZX_OK) break;
        ws_items[added] = (struct waiter){.ob = {.watched = items[added].waitfor, .table = ht,
                                                 .handle = items[added].handle, .on_match = waiter_fire,
                                                 .on_cancel = waiter_cancel},
                                          .ws = &ws};
    }
    if (st == ZX_OK) {  // all or nothing: a bad handle fails the call before any wait
        uint64_t f = sched_lock_irqsave();
        for (size_t i = 0; i < added; i++) signal_observer_add_locked(objs[i], &ws_items[i].ob);
        sched_unlock_irqrestore(f);
    }
    handle_table_unlock(ht, hf);

    zx_status_t wst = ZX_OK;
    if (st == ZX_OK) {
        thread_obj_set_blocked(blocked_state);  // ZX_INFO_THREAD's state meanwhile
        uint64_t f = sched_lock_irqsave();
        if (ws.woken)
            sched_unlock_irqrestore(f);
        else
            wst = sched_block_locked(0, deadline, f);
        thread_obj_set_blocked(0);
    }
    bool closed = false;
    uint64_t f = sched_lock_irqsave();
    for (size_t i = 0; i < added; i++) {
        struct waiter *w = &ws_items[i];
        // Still armed: it did not fire, report the signals now. Fired or
        // canceled: it is unlinked and recorded what it saw.
        if (signal_observer_remove_locked(&w->ob)) w->seen = objs[i]->signals;
        if (w->seen & ZX_SIGNAL_HANDLE_CLOSED) closed = true;
        items[i].pending = w->seen;
    }
    sched_unlock_irqrestore(f);
    for (size_t i = 0; i < added; i++) object_unref(objs[i]);
    if (st != ZX_OK) return st;
    if (wst == ZX_ERR_CANCELED) {  // only a kill ends a sleep with CANCELED
        *killed = true;
        return wst;
    }
    if (closed) return ZX_ERR_CANCELED;
    return ws.woken ? ZX_OK : wst;
}

// zx_status_t zx_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
//                                zx_signals_t* observed)
zx_status_t sys_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline, uptr_t observed) {
    struct waiter w;
    zx_wait_item_t item = {handle, signals, 0};
    bool killed;
    zx_status_t st = wait_items(&item, &w, 1, deadline, &killed, ZX_THREAD_STATE_BLOCKED_WAIT_ONE);
    if (killed) return st;
    if (st != ZX_OK && st != ZX_ERR_TIMED_OUT && st != ZX_ERR_CANCELED) return st;
    if (!uptr_is_null(observed) && copy_to_user(observed, &item.pending, sizeof(item.pending)) != ZX_OK)
        return ZX_ERR_INVALID_ARGS;
    return st;
}

// zx_status_t zx_object_wait_many(zx_wait_item_t* items, size_t num_items, zx_time_t deadline)
zx_status_t sys_object_wait_many(uptr_t items, size_t num_items, zx_time_t deadline) {
    if (num_items > ZX_WAIT_MANY_MAX_ITEMS) return ZX_ERR_OUT_OF_RANGE;
    if (num_items == 0) {  // sleep until the deadline
        thread_obj_set_blocked(ZX_THREAD_STATE_BLOCKED_WAIT_MANY);
        uint64_t f = sched_lock_irqsave();
        zx_status_t st = sched_block_locked(0, deadline, f);
        thread_obj_set_blocked(0);
        return st == ZX_OK ? ZX_ERR_TIMED_OUT : st;
    }
    zx_wait_item_t in[ZX_WAIT_MANY_MAX_ITEMS];
    if (copy_from_user(in, items, num_items * sizeof(in[0])) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    struct waiter stack_items[WAIT_STACK_ITEMS];
    struct waiter *w = stack_items;
    if (num_items > WAIT_STACK_ITEMS && !(w = kzalloc(num_items * sizeof(*w)))) return ZX_ERR_NO_MEMORY;
    bool killed;
    zx_status_t st = wait_items(in, w, num_items, deadline, &killed, ZX_THREAD_STATE_BLOCKED_WAIT_MANY);
    if (w != stack_items) kfree(w);
    if (killed) return st;
    if (st != ZX_OK && st != ZX_ERR_TIMED_OUT && st != ZX_ERR_CANCELED) return st;
    if (copy_to_user(items, in, num_items * sizeof(in[0])) != ZX_OK) return ZX_ERR_INVALID_ARGS;
    return st;
}
