// Processes: a handle table, a root VMAR (address space) and threads.
//
// States: INITIAL (created, no thread started) -> RUNNING -> DEAD. A process
// dies when its last thread exits (zx_process_exit, zx_task_kill or a fatal
// fault kill every thread first); then its mappings and handles are
// released, ZX_PROCESS_TERMINATED is asserted and the return code is fixed.
// A process that was never started dies when its last handle closes or when
// it is killed.
//
// Locking: p->obj.lock guards state, the thread list and the codes. Lock
// order: process lock, then the futex context lock (p->futex, obj/futex.h),
// then the scheduler lock.
#ifndef OBJ_PROCESS_H
#define OBJ_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/thread.h"
#include "obj/futex.h"
#include "obj/handle.h"
#include "obj/job.h"
#include "obj/object.h"
#include "obj/vmar.h"

enum process_state { PROCESS_INITIAL, PROCESS_RUNNING, PROCESS_DEAD };

struct thread_obj;

struct process {
    struct object obj;
    struct job *job;              // a reference
    struct handle_table handles;
    struct vmar *root_vmar;       // a reference
    enum process_state state;
    bool exiting;                 // return code fixed, threads being killed
    int64_t return_code;
    zx_time_t start_time;
    uint32_t live_threads;        // thread objects not yet dead
    struct thread_obj *threads;   // list through thread_obj.next, oldest first
    void (*on_death)(struct process *p);  // the kernel's hook for init
    struct process *job_next;     // the job's process list (obj/job.c)
    struct futex_ctx futex;       // the process's futexes (obj/futex.h)
};

// The zx thread object wrapping a kernel thread.
enum uthread_state { UTHREAD_NEW, UTHREAD_RUNNING, UTHREAD_DEAD };

struct thread_obj {
    struct object obj;
    struct process *proc;  // a reference
    struct thread *kt;     // NULL once dead
    enum uthread_state state;
    struct thread_obj *next;
    uint64_t entry, stack, arg1, arg2;
    struct futex_thread futex;  // futex bookkeeping (guarded by proc->futex.lock)
    // What the thread waits in, as a ZX_THREAD_STATE_BLOCKED_* value, while
    // inside a blocking call (0 otherwise); written only by the thread
    // itself (thread_obj_set_blocked), read by ZX_INFO_THREAD. Zircon's
    // ThreadDispatcher::AutoBlocked.
    uint32_t blocked_reason;
};

extern const struct object_ops process_ops;
extern const struct object_ops thread_obj_ops;

zx_status_t process_create(struct job *job, const char *name, size_t name_len, struct process **out);
zx_status_t thread_obj_create(struct process *p, const char *name, size_t name_len, struct thread_obj **out);
// Start a NEW thread at entry with sp = stack, a0 = arg1, a1 = arg2.
zx_status_t thread_obj_start(struct thread_obj *t, uint64_t entry, uint64_t stack, uint64_t arg1,
                             uint64_t arg2, bool first);
// Fix the return code (first caller wins) and kill every thread.
void process_kill(struct process *p, int64_t code);
// Mark the calling thread as blocked in `reason` (a ZX_THREAD_STATE_BLOCKED_*
// value) for ZX_INFO_THREAD, or not blocked (0). Around a blocking call.
void thread_obj_set_blocked(uint32_t reason);
// ZX_INFO_THREAD's state: NEW, RUNNING, BLOCKED_* (while in a blocking
// call), DYING (killed, not yet gone) or DEAD.
uint32_t thread_obj_state(struct thread_obj *t);
// A thread of p by koid (a new reference), or NULL.
struct thread_obj *process_lookup_thread(struct process *p, zx_koid_t koid);
// The koids of p's threads, oldest first, as a new kzalloc'd array (NULL
// when there are none; the caller kfrees it) of *count entries.
zx_status_t process_thread_koids(struct process *p, zx_koid_t **out, size_t *count);
// The process of the running thread (NULL for kernel threads).
struct process *process_current(void);
// Print the standard report for a fatal user fault and kill the process.
void process_fault_kill(struct trap_frame *tf, const char *why);
#endif
