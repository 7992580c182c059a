// Kernel threads: the schedulable unit. A user thread is a kernel thread
// with a user trap frame at the top of its kernel stack and an address space.
//
// Life cycle: NEW -> READY <-> RUNNING <-> BLOCKED -> DEAD. A DEAD thread's
// stack and struct are freed by the next thread to run on the hart (a thread
// cannot free the stack it runs on). kill_pending asks a thread to die at its
// next return toward user mode or when it would block.
#ifndef KERN_THREAD_H
#define KERN_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/trap.h"
#include "mm/addr.h"
#include "kern/timer_queue.h"
#include "kern/wait.h"

// Callee-saved state for switch_context (kern/context.S); offsets fixed there.
struct context {
    uint64_t ra, sp;
    uint64_t s[12];
};

enum thread_state { THREAD_NEW, THREAD_READY, THREAD_RUNNING, THREAD_BLOCKED, THREAD_DEAD };

struct aspace;

struct thread {
    struct context ctx;
    enum thread_state state;
    uint64_t kstack_top, kstack_lo;
    paddr_t kstack_frames;        // the stack's pages (order KSTACK_ORDER)
    uint64_t kstack_va;           // base of the stack's guard+stack window slot
    struct thread *next;          // run queue or wait queue link
    struct wait_queue *waiting_on;
    zx_time_t deadline;           // ZX_TIME_INFINITE when none
    struct ktimer deadline_timer; // set while BLOCKED with a deadline (kern/sched.c)
    zx_status_t wake_status;      // why the last block ended
    bool kill_pending;
    uint32_t hart;                // index of the hart it runs on, or last ran on
    struct aspace *aspace;        // NULL for kernel-only threads
    struct trap_frame *utf;       // user frame (top of kstack) for user threads
    void (*entry)(void *arg);     // kernel entry for new threads
    void *arg;
    void *owner;                  // the obj/ thread object, if any
    char name[32];
};

// Create a kernel thread that runs entry(arg) when first scheduled. It starts
// NEW; thread_start() makes it runnable.
zx_status_t thread_create(const char *name, void (*entry)(void *), void *arg, struct thread **out);
void thread_start(struct thread *t);
// End the current thread; never returns. on_exit hooks run first.
__attribute__((noreturn)) void thread_exit(void);
struct thread *thread_current(void);

// Set by obj/ to learn of thread deaths (runs on the dying thread, no locks held).
extern void (*thread_exit_hook)(struct thread *t);
#endif
