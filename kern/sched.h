// The scheduler: preemptive round robin on each hart.
//
// Each hart has a run queue (kern/hart.h); today only the boot hart runs.
// The timer tick preempts the running thread when its time slice is used up
// (SCHED_SLICE_TICKS) and wakes sleepers whose deadline passed.
//
// Locking: sched_lock (a spinlock, interrupts off) guards run queues, thread
// states and every wait queue. Lock order: any object lock may be held when
// taking sched_lock, never the reverse.
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdint.h>
#include <zircon/types.h>

#include "kern/thread.h"
#include "kern/wait.h"

#define SCHED_SLICE_TICKS 2

void sched_init_hart(void);  // the boot path becomes this hart's idle thread
__attribute__((noreturn)) void sched_run_idle(void);

void sched_yield(void);
void sched_start_thread(struct thread *t);  // NEW -> READY
void sched_tick(void);            // from the timer interrupt
void sched_preempt_if_needed(void);  // at trap exit

uint64_t sched_lock_irqsave(void);
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
// Wake a specific thread if it is blocked (for kills). Caller holds sched_lock.
void sched_interrupt_locked(struct thread *t);

uint64_t sched_context_switches(void);
#endif
