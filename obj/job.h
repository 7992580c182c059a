// Jobs: groups of processes and child jobs (Zircon's policy and kill
// boundaries). A job references its parent; the parent knows its children
// (jobs and processes) through weak lists that each child leaves when it is
// destroyed (jobs) or terminates (processes). Killing a job kills every
// process and job under it and refuses new children. Policies come with the
// next issue.
//
// Locking: job->obj.lock guards the child lists and `killed`. Lock order:
// a job's lock before any process lock; never two jobs' locks at once.
#ifndef OBJ_JOB_H
#define OBJ_JOB_H

#include <stdbool.h>
#include <zircon/types.h>

#include "obj/object.h"

struct process;

#define JOB_POL_COUNT 18  // ZX_POL_* conditions known to this kernel (the newer header's ZX_POL_MAX)

struct job {
    struct object obj;
    struct job *parent;  // a reference; NULL for the root job
    struct job *children, *sibling;  // weak: child jobs
    struct process *procs;           // weak: live processes (process.job_next)
    bool killed;
    // Basic policy: action and override per condition (ZX_POL_*), inherited
    // from the parent at creation.
    uint8_t pol_action[JOB_POL_COUNT];
    uint8_t pol_override[JOB_POL_COUNT];
};

extern const struct object_ops job_ops;

// The root job (created at boot, never destroyed).
struct job *job_root(void);
zx_status_t job_create(struct job *parent, struct job **out);
// Kill every process and job under j (recursively); later children are refused.
void job_kill(struct job *j);
// Process bookkeeping (obj/process.c): ZX_ERR_BAD_STATE if the job was killed.
zx_status_t job_add_process(struct job *j, struct process *p);
void job_remove_process(struct job *j, struct process *p);

// zx_job_set_policy with a BASIC topic: `entries` are (condition, action,
// override) triples already copied in; `absolute` is ZX_JOB_POL_ABSOLUTE.
// ZX_ERR_BAD_STATE if the job has children, ZX_ERR_INVALID_ARGS for a bad
// condition/action/override, ZX_ERR_ALREADY_EXISTS (absolute only) when an
// entry conflicts with a policy that cannot be changed.
zx_status_t job_set_basic_policy(struct job *j, bool absolute, const uint32_t (*entries)[3], uint32_t count);
// The action for `condition` (ZX_POL_ACTION_*) in job j.
uint32_t job_policy_action(struct job *j, uint32_t condition);
#endif
