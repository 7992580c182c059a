// Object signals and waiting on them (zx_object_wait_one).
//
// Signals and the waiter queue of every object are guarded by the scheduler
// lock, so setting a signal and blocking on it cannot race.
#ifndef OBJ_SIGNAL_H
#define OBJ_SIGNAL_H

#include <zircon/types.h>

#include "obj/object.h"

// Clear then set signal bits and wake the object's waiters if anything changed.
void object_signal(struct object *o, zx_signals_t clear, zx_signals_t set);
zx_signals_t object_signals(struct object *o);

// Block until any of `signals` is active or the deadline passes.
// ZX_OK (signals satisfied), ZX_ERR_TIMED_OUT, or ZX_ERR_CANCELED (the waiting
// thread is being killed). *observed gets the signals at wake-up.
zx_status_t object_wait_one(struct object *o, zx_signals_t signals, zx_time_t deadline, zx_signals_t *observed);
#endif
