// Each hart's timer: the periodic scheduler tick and a deadline queue of
// kernel timers, sharing one hardware deadline (see kern/timer.h).
//
// Each hart programs its own deadline: with Sstc it writes its own
// stimecmp, else it asks the firmware (SBI TIME). Sstc is used on a hart
// when every usable hart's riscv,isa lists it (timer_init's want_sstc) and a
// test write of stimecmp on that hart does not trap (the firmware must have
// set menvcfg.STCE); a hart whose probe traps falls back to SBI alone.
//
// Invariants: a queued ktimer is on the queue of hart t->hart, and only
// under that hart's tq_lock do its links, `queued` and that hart's queue
// change. The hardware deadline of a hart is at or before min(next tick,
// earliest queued deadline) (a cancel leaves it early: the interrupt then
// finds nothing due and programs the next one). `timer_running` names the
// ktimer whose callback this hart runs right now (set under tq_lock when it
// is popped, cleared after the callback), so ktimer_wait_idle can wait for
// it without the callback ever touching the ktimer after it returned.
//
// Lock order: tq_lock ("timer-queue", one per hart, never two at once) is a
// leaf: taken under the scheduler lock (a thread's deadline) and under a
// timer object's lock (obj/timer.c); callbacks run with no lock held.
#include "kern/timer.h"

#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/riscv.h"
#include "kern/sbi.h"
#include "kern/smp.h"

// kern/trap.S-style probe: write stimecmp, 0 on success or -scause.
int64_t probe_write_stimecmp(uint64_t v);

#define NS_PER_S 1000000000ull

static uint64_t timebase_hz;
static uint64_t interval;
static unsigned tick_hz;
static bool want_sstc;

static void timer_program(uint64_t when) {
    if (this_hart()->timer_sstc)
        csr_write_stimecmp(when);
    else
        sbi_set_timer(when);
}

// Monotonic ns to the first `time` value at or after it (0 for the past).
// Split at whole seconds so that nothing overflows for a timebase below
// 18 GHz.
static uint64_t ns_to_ticks(zx_time_t ns) {
    if (ns <= 0) return 0;
    uint64_t s = (uint64_t)ns / NS_PER_S, r = (uint64_t)ns % NS_PER_S;
    if (s > UINT64_MAX / timebase_hz - 1) return UINT64_MAX;
    return s * timebase_hz + (r * timebase_hz + NS_PER_S - 1) / NS_PER_S;
}

// Program this hart's hardware for min(next tick, earliest timer). tq_lock held.
static void program_locked(struct hart *h) {
    uint64_t when = h->tick_next;
    zx_time_t first = tq_next_deadline(&h->tq);
    if (first != ZX_TIME_INFINITE) {
        uint64_t t = ns_to_ticks(first);
        if (t < when) when = t;
    }
    h->timer_programmed = when;
    timer_program(when);
}

void timer_init_hart(void) {
    struct hart *h = this_hart();
    spin_init(&h->tq_lock, "timer-queue");
    h->timer_sstc = want_sstc && probe_write_stimecmp(UINT64_MAX) == 0;
    h->tick_next = csr_read_time() + interval;
    uint64_t f = spin_lock_irqsave(&h->tq_lock);
    program_locked(h);
    spin_unlock_irqrestore(&h->tq_lock, f);
    csr_set_sie(SIE_STIE);
}

bool timer_init(uint64_t timebase, unsigned hz, bool sstc) {
    if (timebase == 0 || hz == 0 || hz > 10000 || timebase / hz == 0) return false;
    timebase_hz = timebase;
    tick_hz = hz;
    interval = timebase / hz;
    want_sstc = sstc;
    timer_init_hart();
    return true;
}

bool timer_interrupt(void) {
    struct hart *h = this_hart();
    bool tick = false;
    uint64_t now = csr_read_time();
    if (now >= h->tick_next) {
        h->ticks++;
        tick = true;
        h->tick_next = now + interval;
    }
    // Run what is due, one callback at a time, with no lock held.
    for (;;) {
        uint64_t f = spin_lock_irqsave(&h->tq_lock);
        struct ktimer *t = tq_pop_expired(&h->tq, (zx_time_t)timer_now_ns());
        if (!t) {
            program_locked(h);
            spin_unlock_irqrestore(&h->tq_lock, f);
            break;
        }
        __atomic_store_n(&h->timer_running, t, __ATOMIC_RELAXED);
        h->timers_fired++;
        ktimer_fn fn = t->fn;
        spin_unlock_irqrestore(&h->tq_lock, f);
        fn(t);  // may free t (or set it again)
        __atomic_store_n(&h->timer_running, (struct ktimer *)0, __ATOMIC_RELEASE);
    }
    return tick;
}

void ktimer_init(struct ktimer *t, ktimer_fn fn) {
    t->prev = t->next = 0;
    t->deadline = ZX_TIME_INFINITE;
    t->fn = fn;
    t->hart = 0;
    t->queued = false;
}

void ktimer_set(struct ktimer *t, zx_time_t deadline) {
    struct hart *h = this_hart();
    uint64_t f = spin_lock_irqsave(&h->tq_lock);
    if (t->queued) panic("ktimer_set: timer already queued (on hart %u)", t->hart);
    t->deadline = deadline;
    t->hart = h->index;
    if (tq_insert(&h->tq, t)) {
        uint64_t when = ns_to_ticks(deadline);
        if (when < h->timer_programmed) {
            h->timer_programmed = when;
            timer_program(when);
        }
    }
    spin_unlock_irqrestore(&h->tq_lock, f);
}

bool ktimer_cancel(struct ktimer *t) {
    // t->hart only changes when the timer is set, which its owner serializes
    // with this call; a callback in flight never changes it.
    struct hart *h = &harts[__atomic_load_n(&t->hart, __ATOMIC_RELAXED)];
    uint64_t f = spin_lock_irqsave(&h->tq_lock);
    bool removed = t->queued && tq_remove(&h->tq, t);
    spin_unlock_irqrestore(&h->tq_lock, f);
    return removed;
}

void ktimer_wait_idle(const struct ktimer *t) {
    for (unsigned i = 0; i < hart_count; i++)
        while (__atomic_load_n(&harts[i].timer_running, __ATOMIC_ACQUIRE) == t) {
        }
}

uint64_t timer_ticks(void) { return this_hart()->ticks; }
unsigned timer_hz(void) { return tick_hz; }
uint64_t timer_timebase_hz(void) { return timebase_hz; }
const char *timer_method(void) { return this_hart()->timer_sstc ? "sstc" : "sbi-time"; }

uint64_t timer_fired_count(void) {
    uint64_t n = 0;
    for (unsigned i = 0; i < hart_count; i++) n += __atomic_load_n(&harts[i].timers_fired, __ATOMIC_RELAXED);
    return n;
}

uint64_t timer_now_ns(void) {
    uint64_t t = csr_read_time();
    if (!timebase_hz) return 0;
    return (t / timebase_hz) * NS_PER_S + (t % timebase_hz) * NS_PER_S / timebase_hz;
}
