// A deadline queue of kernel timers: the data structure behind each hart's
// timers (kern/ktimer.h), with no locks and no hardware, so the host tests
// (tests/host/timerq/) check it against a model.
//
// The queue is a doubly linked list sorted by deadline, earliest first;
// timers with equal deadlines stay in the order they were inserted (FIFO).
// Insertion walks the list (O(n): a hart holds few timers: one per blocked
// thread with a deadline and one per armed timer object armed there);
// removal and popping the head are O(1).
#ifndef KERN_TIMER_QUEUE_H
#define KERN_TIMER_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

struct ktimer;
typedef void (*ktimer_fn)(struct ktimer *t);

// A kernel timer. Fields are owned by kern/ktimer.c and this file; users
// only embed it and call ktimer_init/ktimer_set/ktimer_cancel.
struct ktimer {
    struct ktimer *prev, *next;  // queue links, valid while queued
    zx_time_t deadline;          // monotonic ns
    ktimer_fn fn;                // run once the deadline passed, no lock held
    uint32_t hart;               // index of the hart whose queue holds it (valid while queued)
    bool queued;                 // on a queue (guarded by that queue's lock)
};

struct timer_queue {
    struct ktimer *head, *tail;
    uint32_t len;
};

// Insert t (not queued) in deadline order, after any timer with the same
// deadline. Returns true if t became the head (the earliest deadline).
bool tq_insert(struct timer_queue *q, struct ktimer *t);
// Remove t from q if it is queued there; returns whether it was.
bool tq_remove(struct timer_queue *q, struct ktimer *t);
// Take the head if its deadline is <= now, else NULL.
struct ktimer *tq_pop_expired(struct timer_queue *q, zx_time_t now);
// The earliest deadline, or ZX_TIME_INFINITE if q is empty.
zx_time_t tq_next_deadline(const struct timer_queue *q);
#endif
