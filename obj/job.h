// Jobs: groups of processes and child jobs (Zircon's policy and kill
// boundaries). A job references its parent; the parent knows its children
// (jobs and processes) through weak lists, in creation order, that each child
// leaves when it is destroyed or dies (jobs) or terminates (processes).
//
// States, as Zircon's JobDispatcher: READY -> KILLING (zx_task_kill: every
// process and job under it is killed, new children are refused) -> DEAD
// once it has no children left; then ZX_JOB_TERMINATED is asserted and the
// job leaves its parent's list, which may let the parent die in turn.
// Signals: ZX_JOB_NO_PROCESSES, ZX_JOB_NO_JOBS and the kernel-internal
// JOB_NO_CHILDREN follow the lists (all three on a new job).
//
// Locking: job->obj.lock guards the child lists, state and return code.
// Lock order: a job's lock before any process lock (and before the
// scheduler lock, taken by the signal updates); never two jobs' locks at once.
#ifndef OBJ_JOB_H
#define OBJ_JOB_H

#include <stdbool.h>
#include <zircon/types.h>

#include "obj/object.h"

struct process;

// Zircon's kernel-only signal (kernel/object/include/object/job_dispatcher.h,
// MO @72af4d9; not in <zircon/types.h>): a job with no child jobs and no
// processes. __ZX_OBJECT_SIGNAL_6.
#define JOB_NO_CHILDREN ((zx_signals_t)1u << 6)

enum job_state { JOB_READY, JOB_KILLING, JOB_DEAD };

#define JOB_POL_COUNT 18  // ZX_POL_* conditions known to this kernel (the newer header's ZX_POL_MAX)

struct job {
    struct object obj;
    struct job *parent;  // a reference; NULL for the root job
    struct job *children, *sibling;  // weak: child jobs, oldest first
    struct process *procs;           // weak: live processes (process.job_next), oldest first
    bool in_parent;                  // on the parent's children list
    enum job_state state;
    uint32_t max_height;             // 32 for the root (kRootJobMaxHeight), one less per level
    int64_t return_code;             // valid once state != JOB_READY
    // Basic policy: action and override per condition (ZX_POL_*), inherited
    // from the parent at creation.
    uint8_t pol_action[JOB_POL_COUNT];
    uint8_t pol_override[JOB_POL_COUNT];
};

extern const struct object_ops job_ops;

// The root job (created at boot, never destroyed).
struct job *job_root(void);
// ZX_ERR_OUT_OF_RANGE when the parent is at max_height 0 (Zircon's limit of
// 32 levels below the root), ZX_ERR_BAD_STATE when it was killed.
zx_status_t job_create(struct job *parent, struct job **out);
// Kill every process and job under j (recursively) with `code`; later
// children are refused. A job already killed is left alone.
void job_kill(struct job *j, int64_t code);
// Process bookkeeping (obj/process.c): ZX_ERR_BAD_STATE if the job was killed.
zx_status_t job_add_process(struct job *j, struct process *p);
void job_remove_process(struct job *j, struct process *p);

// zx_job_set_policy with a BASIC topic: `entries` are (condition, action,
// override) triples already copied in; `absolute` is ZX_JOB_POL_ABSOLUTE.
// ZX_ERR_BAD_STATE if the job has children, ZX_ERR_INVALID_ARGS for a bad
// condition/action/override, ZX_ERR_ALREADY_EXISTS (absolute only) when an
// entry conflicts with a policy that cannot be changed.
zx_status_t job_set_basic_policy(struct job *j, bool absolute, const uint32_t (*entries)[3], uint32_t count);
// Child lookup by koid for zx_object_get_child: a new reference, or NULL.
// Processes still being created (INITIAL with no handle yet) are not found.
struct job *job_lookup_job(struct job *j, zx_koid_t koid);
struct process *job_lookup_process(struct job *j, zx_koid_t koid);
// The koids of the child jobs (jobs true) or processes, oldest first, as a
// new kzalloc'd array (NULL when there are none; the caller kfrees it) of
// *count entries. Processes still being created are left out, as Zircon's
// SimpleJobEnumerator does. ZX_ERR_NO_MEMORY only.
zx_status_t job_child_koids(struct job *j, bool jobs, zx_koid_t **out, size_t *count);

// The action for `condition` (ZX_POL_ACTION_*) in job j.
uint32_t job_policy_action(struct job *j, uint32_t condition);
#endif
