// Fakes for the host tests of obj/futex.c:
//   - the scheduler's wait queues (kern/sched.h) over pthreads: the
//     scheduler lock is a mutex, a blocked thread waits on its own condition
//     variable, time is a fake clock the test advances;
//   - copy_from_user (mm/usercopy.h) over host memory: a user address is a
//     host pointer; reads of addresses marked bad fail, and a hook may run
//     right after a read (with no lock held, on the reading thread), so a
//     test can put another operation between a futex call's read and its
//     second locked phase;
//   - the seams futex_thread_of and futex_thread_koid, over fake_uthread.
// The kernel heap fake is tests/host/obj/fake_kheap.c.
#ifndef TESTS_HOST_FUTEX_FAKE_SCHED_H
#define TESTS_HOST_FUTEX_FAKE_SCHED_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

// kern/sched.h's sched_yield (void) is not the host's (int): rename it here.
#define sched_yield kern_sched_yield
#include "kern/sched.h"
#undef sched_yield
#include "obj/futex.h"

// A user thread as obj/futex.c sees it: its kernel thread (in wait queues)
// and its futex bookkeeping.
struct fake_uthread {
    struct thread kt;  // kt.owner points back here
    struct futex_thread ft;
    zx_koid_t koid;
    pthread_cond_t cv;  // signalled when kt leaves BLOCKED
};

void fake_uthread_init(struct fake_uthread *u, zx_koid_t koid);
// The calling pthread is `u` (for sched_block_locked).
void fake_sched_set_current(struct fake_uthread *u);

// Scheduler state, read under the fake scheduler lock.
bool fake_sched_is_blocked(struct fake_uthread *u);
// Waits (up to 5 s of real time) until u is blocked; false if it is not.
bool fake_sched_wait_blocked(struct fake_uthread *u);
// Ask u to die: it leaves any wait with ZX_ERR_CANCELED (sched_interrupt_locked).
void fake_sched_kill(struct fake_uthread *u);
// Advance the fake clock; waiters whose deadline passed wake with ZX_ERR_TIMED_OUT.
void fake_sched_advance(zx_time_t ns);
zx_time_t fake_sched_now(void);

// copy_from_user: addresses in [bad_lo, bad_hi) fail with ZX_ERR_INVALID_ARGS.
void fake_user_set_bad(uintptr_t lo, uintptr_t hi);
// Called (once: it is cleared before running) right after the next read of
// `addr`, with no lock held, on the reading thread. NULL hook: none.
void fake_user_set_read_hook(uintptr_t addr, void (*hook)(void *), void *arg);
// Reads so far (every call of copy_from_user).
long fake_user_reads(void);
// Widen the window between a futex call's locked phases: each read yields
// the CPU `n` times (for the concurrency tests).
void fake_user_set_read_yields(int n);
#endif
