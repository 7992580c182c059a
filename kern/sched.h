// The scheduler: preemptive round robin on each hart.
//
// Each hart has its own run queue (kern/hart.h). New and woken threads are
// placed on a hart (kern/sched_place.h: their last hart if idle, else an
// idle hart, else the least loaded), idle harts steal from the longest
// queue, and a hart that gets work while idle is woken by an IPI. Threads
// migrate freely between harts at every switch. Each hart's timer tick
// preempts its running thread when the time slice is used up
// (SCHED_SLICE_TICKS). A blocked thread's deadline is a kernel timer
// (kern/timer.h) on the hart it blocked on, cancelled by whoever wakes it.
//
// Locking: one scheduler lock (a spinlock, interrupts off) guards every run
// queue, thread states and every wait queue, as Zircon's global thread_lock
// did for most of its life: a wake, a block and a switch touch one lock,
// and every wait-queue operation is atomic with respect to the threads'
// states. It is held across the context switch and released by the thread
// switched to. Lock order: any other lock may be held when taking it
// (object, handle-table, futex locks), never the reverse; only the leaves
// (console, lockdep) and a hart's timer-queue lock may be taken under it.
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/thread.h"
#include "kern/wait.h"

#define SCHED_SLICE_TICKS 2

void sched_init_hart(void);  // the boot path becomes this hart's idle thread
__attribute__((noreturn)) void sched_run_idle(void);

void sched_yield(void);
void sched_start_thread(struct thread *t);  // NEW -> READY
void sched_thread_init(struct thread *t);   // at creation: the deadline timer
void sched_tick(void);            // from the timer interrupt
void sched_preempt_if_needed(void);  // at trap exit

uint64_t sched_lock_irqsave_at(const char *site);
#define sched_lock_irqsave() sched_lock_irqsave_at(SPIN_SITE)
void sched_unlock_irqrestore(uint64_t flags);

// Block the current thread on wq (may be NULL: sleep only) until woken or
// until `deadline` (monotonic ns; ZX_TIME_INFINITE for none). Called with
// sched_lock held (flags from sched_lock_irqsave); returns with it released.
// Returns the waker's status, ZX_ERR_TIMED_OUT, or ZX_ERR_CANCELED if the
// thread is being killed.
zx_status_t sched_block_locked(struct wait_queue *wq, zx_time_t deadline, uint64_t flags);
// Wake every thread on wq with `status`. Caller holds sched_lock.
void wait_queue_wake_all_locked(struct wait_queue *wq, zx_status_t status);
void wait_queue_wake_all(struct wait_queue *wq, zx_status_t status);
// Wake the longest waiter on wq (FIFO) with `status`; returns it, or NULL if
// the queue was empty. Caller holds sched_lock.
struct thread *wait_queue_wake_one_locked(struct wait_queue *wq, zx_status_t status);
// Move up to `count` waiters, oldest first, from `from` to the tail of `to`
// without waking them (their deadlines stay). Returns how many moved. Caller
// holds sched_lock.
uint32_t wait_queue_requeue_locked(struct wait_queue *from, struct wait_queue *to, uint32_t count);
// Wake t with `status` if it is BLOCKED (on any wait queue or none); else
// nothing. Caller holds sched_lock. For waits that are not a queue (a
// thread waiting on many objects is woken by whichever fires first).
void sched_wake_locked(struct thread *t, zx_status_t status);
// Interrupt a thread for a kill (caller set kill_pending): wake it with
// ZX_ERR_CANCELED if it is blocked, or send an IPI to the hart it runs on so
// that it stops on its way back to user mode. Caller holds sched_lock.
void sched_interrupt_locked(struct thread *t);

uint64_t sched_context_switches(void);
uint64_t sched_migrations(void);  // a thread ran on a hart other than its last one
#endif
