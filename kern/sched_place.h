// Where a runnable thread goes, and whom an idle hart robs: the scheduler's
// placement decisions as pure functions of the harts' loads, so the host
// tests (tests/host/sched/) check them against a model.
#ifndef KERN_SCHED_PLACE_H
#define KERN_SCHED_PLACE_H

#include <stdbool.h>

#define SCHED_NONE (~0u)

struct sched_load {
    unsigned index;   // hart index
    unsigned queued;  // READY threads on its run queue
    bool busy;        // running something other than its idle thread
};

// The hart for a thread that becomes runnable: `last` (the hart it last ran
// on) if that hart is idle (not busy, nothing queued); else the idle hart
// with the lowest index, preferring `self` (the hart doing the wake) ; else
// the hart with the least load (queued + busy), `last` on ties, then
// `self`, then the lowest index. `last` or `self` may name no listed hart.
unsigned sched_place(const struct sched_load *loads, unsigned n, unsigned last, unsigned self);
// The hart an idle hart `self` should take a thread from: the one with the
// longest queue among those with at least one queued thread (the lowest
// index on ties), never self. SCHED_NONE if there is none.
unsigned sched_victim(const struct sched_load *loads, unsigned n, unsigned self);
#endif
