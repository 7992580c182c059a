// Timer objects (see obj/timer.h).
//
// Invariants (under obj.lock): deadline != 0 iff the timer is set; each
// setting of kt holds one reference on the object, dropped by the
// successful ktimer_cancel that undoes it or by its callback; while
// cancel_pending, kt is not queued and its callback will run once more, and
// no new setting of kt is made until it has.
#include "obj/timer.h"

#include "kern/string.h"
#include "kern/timer.h"
#include "mm/kheap.h"
#include "obj/signal.h"

static void timer_destroy(struct object *o) { kfree(o); }

// Undo the current setting, if any, and deassert the signal. Returns whether
// the timer was set. obj.lock held.
static bool cancel_locked(struct timer_obj *t) {
    object_signal(&t->obj, ZX_TIMER_SIGNALED, 0);
    if (!t->deadline) return false;
    t->deadline = 0;
    t->slack = 0;
    if (t->cancel_pending) return true;
    if (ktimer_cancel(&t->kt))
        object_unref(&t->obj);  // the setting's reference; the caller holds another
    else
        t->cancel_pending = true;  // popped on some hart: its callback cleans up
    return true;
}

// kt fired (on the hart that set it, no lock held).
static void timer_fired(struct ktimer *kt) {
    struct timer_obj *t = (struct timer_obj *)((char *)kt - __builtin_offsetof(struct timer_obj, kt));
    uint64_t f = spin_lock_irqsave(&t->obj.lock);
    if (t->cancel_pending) {
        // A cancelled setting's last call: set the newest deadline, if any,
        // keeping the reference for it.
        t->cancel_pending = false;
        if (t->deadline) {
            ktimer_set(&t->kt, t->deadline);
            spin_unlock_irqrestore(&t->obj.lock, f);
            return;
        }
    } else {
        t->deadline = 0;
        t->slack = 0;
        object_signal(&t->obj, 0, ZX_TIMER_SIGNALED);
    }
    spin_unlock_irqrestore(&t->obj.lock, f);
    object_unref(&t->obj);  // may destroy t
}

// The last handle went: cancel, so the setting's reference goes too.
static void timer_zero_handles(struct object *o) {
    struct timer_obj *t = (struct timer_obj *)o;
    uint64_t f = spin_lock_irqsave(&t->obj.lock);
    cancel_locked(t);
    spin_unlock_irqrestore(&t->obj.lock, f);
}

const struct object_ops timer_ops = {ZX_OBJ_TYPE_TIMER, "timer", timer_destroy, timer_zero_handles};

zx_status_t timer_obj_create(uint32_t options, zx_clock_t clock_id, struct timer_obj **out) {
    if (options > ZX_TIMER_SLACK_LATE) return ZX_ERR_INVALID_ARGS;
    if (clock_id != ZX_CLOCK_MONOTONIC && clock_id != ZX_CLOCK_BOOT) return ZX_ERR_INVALID_ARGS;
    struct timer_obj *t = kzalloc(sizeof(*t));
    if (!t) return ZX_ERR_NO_MEMORY;
    object_init(&t->obj, &timer_ops);
    ktimer_init(&t->kt, timer_fired);
    t->options = options;
    t->clock_id = clock_id;
    *out = t;
    return ZX_OK;
}

zx_status_t timer_obj_set(struct timer_obj *t, zx_time_t deadline, zx_duration_t slack) {
    uint64_t f = spin_lock_irqsave(&t->obj.lock);
    cancel_locked(t);
    // MONOTONIC and BOOT are one clock here: nothing suspends.
    if (deadline <= (zx_time_t)timer_now_ns()) {  // 0 and negative deadlines included
        object_signal(&t->obj, 0, ZX_TIMER_SIGNALED);
        spin_unlock_irqrestore(&t->obj.lock, f);
        return ZX_OK;
    }
    t->deadline = deadline;
    t->slack = slack;
    if (!t->cancel_pending) {  // else the pending callback sets it
        object_ref(&t->obj);
        ktimer_set(&t->kt, deadline);
    }
    spin_unlock_irqrestore(&t->obj.lock, f);
    return ZX_OK;
}

zx_status_t timer_obj_cancel(struct timer_obj *t) {
    uint64_t f = spin_lock_irqsave(&t->obj.lock);
    cancel_locked(t);
    spin_unlock_irqrestore(&t->obj.lock, f);
    return ZX_OK;
}

void timer_obj_get_info(struct timer_obj *t, zx_info_timer_t *out) {
    memset(out, 0, sizeof(*out));
    uint64_t f = spin_lock_irqsave(&t->obj.lock);
    out->options = t->options;
    out->clock_id = t->clock_id;
    out->deadline = t->deadline;
    out->slack = t->slack;
    spin_unlock_irqrestore(&t->obj.lock, f);
}
