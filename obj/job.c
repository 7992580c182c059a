// Jobs (see obj/job.h).
#include "obj/job.h"

#include "kern/panic.h"
#include "mm/kheap.h"
#include "obj/process.h"

#include <zircon/syscalls/object.h>

static void job_destroy(struct object *o) {
    struct job *j = (struct job *)o;
    struct job *parent = j->parent;
    if (parent) {
        uint64_t f = spin_lock_irqsave(&parent->obj.lock);
        for (struct job **q = &parent->children; *q; q = &(*q)->sibling) {
            if (*q == j) {
                *q = j->sibling;
                break;
            }
        }
        spin_unlock_irqrestore(&parent->obj.lock, f);
        object_unref(&parent->obj);
    }
    kfree(j);
}

const struct object_ops job_ops = {ZX_OBJ_TYPE_JOB, "job", job_destroy, 0};

static struct job *root;

struct job *job_root(void) {
    if (!root) {
        if (job_create(0, &root) != ZX_OK) panic("no memory for the root job");
        object_set_name(&root->obj, "root", 4);
    }
    return root;
}

zx_status_t job_create(struct job *parent, struct job **out) {
    struct job *j = kzalloc(sizeof(*j));
    if (!j) return ZX_ERR_NO_MEMORY;
    object_init(&j->obj, &job_ops);
    if (parent) {
        uint64_t f = spin_lock_irqsave(&parent->obj.lock);
        if (parent->killed) {
            spin_unlock_irqrestore(&parent->obj.lock, f);
            object_unref(&j->obj);  // destroy: no parent linked yet
            return ZX_ERR_BAD_STATE;
        }
        object_ref(&parent->obj);
        j->parent = parent;
        j->sibling = parent->children;
        parent->children = j;
        spin_unlock_irqrestore(&parent->obj.lock, f);
    }
    *out = j;
    return ZX_OK;
}

zx_status_t job_add_process(struct job *j, struct process *p) {
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    if (j->killed) {
        spin_unlock_irqrestore(&j->obj.lock, f);
        return ZX_ERR_BAD_STATE;
    }
    p->job_next = j->procs;
    j->procs = p;
    spin_unlock_irqrestore(&j->obj.lock, f);
    return ZX_OK;
}

void job_remove_process(struct job *j, struct process *p) {
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    for (struct process **q = &j->procs; *q; q = &(*q)->job_next) {
        if (*q == p) {
            *q = p->job_next;
            break;
        }
    }
    p->job_next = 0;
    spin_unlock_irqrestore(&j->obj.lock, f);
}

void job_kill(struct job *j) {
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    j->killed = true;
    spin_unlock_irqrestore(&j->obj.lock, f);
    // One child at a time, each pinned by a reference while the lock is dropped;
    // a killed process leaves the list when it terminates, so skip dying ones.
    for (;;) {
        struct process *victim = 0;
        f = spin_lock_irqsave(&j->obj.lock);
        for (struct process *p = j->procs; p; p = p->job_next) {
            if (!p->exiting && p->state != PROCESS_DEAD) {
                victim = p;
                object_ref(&p->obj);
                break;
            }
        }
        spin_unlock_irqrestore(&j->obj.lock, f);
        if (!victim) break;
        process_kill(victim, ZX_TASK_RETCODE_SYSCALL_KILL);
        object_unref(&victim->obj);
    }
    for (;;) {
        struct job *child = 0;
        f = spin_lock_irqsave(&j->obj.lock);
        for (struct job *c = j->children; c; c = c->sibling) {
            if (!c->killed && __atomic_load_n(&c->obj.refcount, __ATOMIC_RELAXED) > 0) {
                child = c;
                object_ref(&c->obj);
                break;
            }
        }
        spin_unlock_irqrestore(&j->obj.lock, f);
        if (!child) break;
        job_kill(child);
        object_unref(&child->obj);
    }
}
