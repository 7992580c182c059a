// Jobs: groups of processes and child jobs (Zircon's policy and kill
// boundaries). Today a job holds its parent and a name; policies come with
// the next issue.
#ifndef OBJ_JOB_H
#define OBJ_JOB_H

#include <zircon/types.h>

#include "obj/object.h"

struct job {
    struct object obj;
    struct job *parent;  // a reference; NULL for the root job
};

extern const struct object_ops job_ops;

// The root job (created at boot, never destroyed).
struct job *job_root(void);
zx_status_t job_create(struct job *parent, struct job **out);
#endif
