// Fake object_signal (see fake_signal.h).
#include "fake_signal.h"

#include <stdio.h>

#include "obj/signal.h"

static struct fake_signal_call log_[FAKE_SIGNAL_LOG];
static long calls, violations;

void fake_signal_reset(void) { calls = violations = 0; }
long fake_signal_calls(void) { return calls; }
const struct fake_signal_call *fake_signal_call(long i) { return &log_[i]; }
long fake_signal_violations(void) { return violations; }

void object_signal(struct object *o, zx_signals_t clear, zx_signals_t set) {
    if (__atomic_load_n(&o->lock.locked, __ATOMIC_RELAXED)) {
        printf("    fake object_signal(%p): called with the object's lock held\n", (void *)o);
        violations++;
    }
    o->signals = (o->signals & ~clear) | set;
    if (calls < FAKE_SIGNAL_LOG) log_[calls] = (struct fake_signal_call){o, clear, set, o->signals};
    calls++;
}

