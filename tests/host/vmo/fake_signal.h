// Fake of obj/signal.c's object_signal for the VMO host tests (obj/signal.c
// needs the scheduler): it applies clear-then-set to o->signals as the kernel
// does, records every call, and counts a violation when it is called with the
// object's lock held (obj/vmo_*.c must call it with no VMO lock held).
#ifndef TESTS_HOST_VMO_FAKE_SIGNAL_H
#define TESTS_HOST_VMO_FAKE_SIGNAL_H

#include <zircon/types.h>

#include "obj/object.h"

struct fake_signal_call {
    struct object *o;
    zx_signals_t clear, set;
    zx_signals_t after;  // o->signals after the call
};

#define FAKE_SIGNAL_LOG 1024

void fake_signal_reset(void);
long fake_signal_calls(void);
const struct fake_signal_call *fake_signal_call(long i);  // i < FAKE_SIGNAL_LOG
long fake_signal_violations(void);
#endif
