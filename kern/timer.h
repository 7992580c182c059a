// Time on every hart: the periodic scheduler tick and kernel timers.
//
// Each hart has one hardware deadline (SBI TIME set_timer, or the Sstc
// stimecmp CSR when every hart's `riscv,isa` lists sstc and the firmware
// lets S-mode write it), programmed for the earlier of its next tick and
// the earliest kernel timer on its queue. The tick drives time slices
// (kern/sched.c); timers do not depend on it: a timer fires at its
// deadline, whatever the tick rate.
//
// Kernel timers (struct ktimer, kern/timer_queue.h): a deadline and a
// callback. ktimer_set puts a timer on the queue of the hart that calls it;
// the callback runs on that hart, from its timer interrupt, with no lock
// held, once `timer_now_ns() >= deadline`. Whoever owns a timer serializes
// its own ktimer_set and ktimer_cancel calls (with its own lock); a cancel
// may run on any hart. A callback may already be on its way when
// ktimer_cancel returns false: the owner must tolerate that late call (or
// wait for it with ktimer_wait_idle before freeing the timer).
//
// Lock order: each hart's queue lock ("timer-queue") is a leaf, taken under
// the scheduler lock and under object locks, never held while a callback runs.
#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/timer_queue.h"

// Start the tick at `hz` (1..10000) on this hart; `timebase` is the DT
// timebase-frequency. Returns false if the arguments are unusable.
// want_sstc: every usable hart lists Sstc (each hart still probes it).
bool timer_init(uint64_t timebase, unsigned hz, bool want_sstc);
// Start the tick on a secondary hart with the boot hart's settings.
void timer_init_hart(void);
// The timer interrupt: run the callbacks that are due and program the next
// deadline. Returns true if a tick was due (the caller runs sched_tick).
bool timer_interrupt(void);
uint64_t timer_ticks(void);   // ticks on this hart since timer_init
uint64_t timer_timebase_hz(void);
unsigned timer_hz(void);
const char *timer_method(void);
uint64_t timer_now_ns(void);  // rdtime converted with the timebase
uint64_t timer_fired_count(void);  // kernel timer callbacks run, all harts together

// A timer that is not queued, with callback fn.
void ktimer_init(struct ktimer *t, ktimer_fn fn);
// Queue t (not queued now) on this hart to fire at `deadline` (monotonic
// ns; a deadline in the past fires at the next timer interrupt).
void ktimer_set(struct ktimer *t, zx_time_t deadline);
// Take t off its queue. True if it was queued: its callback will not run for
// this setting. False if it was not queued: never set, or already popped
// (its callback may be running on some hart right now).
bool ktimer_cancel(struct ktimer *t);
// Spin until no hart runs t's callback. t must not be queued. Call with no
// lock held that the callback takes.
void ktimer_wait_idle(const struct ktimer *t);
#endif
