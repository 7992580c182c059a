// Timer objects (zx_timer_create, zx_timer_set, zx_timer_cancel), as
// Zircon's TimerDispatcher: a one-shot deadline that asserts
// ZX_TIMER_SIGNALED when it passes; setting it again or cancelling it
// deasserts the signal.
//
// Each timer object embeds a kernel timer (kern/timer.h) set on the hart
// that called zx_timer_set. While that kernel timer is set (or its callback
// is on its way) it holds a reference on the object, so the object outlives
// any callback; when the last handle goes (on_zero_handles) the timer is
// cancelled so nothing keeps the object alive. A cancel that comes too late
// (the callback was already popped on another hart) leaves cancel_pending:
// the callback then does nothing but re-arm the newest deadline, if any.
//
// Slack: the deadline is kept exactly (the timer fires at `deadline`, which
// is inside the window of every slack mode); the slack and mode are recorded
// and reported (ZX_INFO_TIMER) but nothing is coalesced, and the job policy
// ZX_JOB_POL_TIMER_SLACK is not implemented (zx_job_set_policy refuses it),
// so the effective slack is the one asked for.
//
// Locking: the object's lock ("timer") guards deadline, slack and
// cancel_pending. Lock order: timer -> scheduler (object_signal), timer ->
// timer-queue (setting and cancelling the kernel timer).
#ifndef OBJ_TIMER_H
#define OBJ_TIMER_H

#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "kern/timer_queue.h"
#include "obj/object.h"

struct timer_obj {
    struct object obj;
    struct ktimer kt;
    uint32_t options;        // ZX_TIMER_SLACK_*
    zx_clock_t clock_id;     // ZX_CLOCK_MONOTONIC or ZX_CLOCK_BOOT (the same clock here)
    zx_time_t deadline;      // 0: not set
    zx_duration_t slack;     // 0 when not set
    bool cancel_pending;     // kt's callback is on its way for a setting that was cancelled
};

extern const struct object_ops timer_ops;

// A new timer object. INVALID_ARGS for options other than ZX_TIMER_SLACK_*
// or a clock other than MONOTONIC and BOOT (the caller checks the clock first,
// as Zircon's sys_timer_create does).
zx_status_t timer_obj_create(uint32_t options, zx_clock_t clock_id, struct timer_obj **out);
// Set (or reset) the deadline: deasserts ZX_TIMER_SIGNALED, and asserts it
// now if `deadline` is 0 or already passed. `slack` >= 0 (checked by the caller).
zx_status_t timer_obj_set(struct timer_obj *t, zx_time_t deadline, zx_duration_t slack);
// Cancel the deadline, if any, and deassert ZX_TIMER_SIGNALED.
zx_status_t timer_obj_cancel(struct timer_obj *t);
void timer_obj_get_info(struct timer_obj *t, zx_info_timer_t *out);
#endif
