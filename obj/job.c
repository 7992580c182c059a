// Jobs (see obj/job.h).
#include "obj/job.h"

#include "kern/panic.h"
#include "mm/kheap.h"
#include "obj/process.h"

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kern/string.h"

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
        memcpy(j->pol_action, parent->pol_action, sizeof(j->pol_action));
        memcpy(j->pol_override, parent->pol_override, sizeof(j->pol_override));
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

static bool is_new_condition(uint32_t c) {
    return (c >= ZX_POL_NEW_VMO && c <= ZX_POL_NEW_PAGER) || c == ZX_POL_NEW_IOB || c == ZX_POL_NEW_SAMPLER;
}

// Apply one entry to the (scratch) tables; relative mode skips conflicts.
static zx_status_t apply_policy(uint8_t *act, uint8_t *ovr, uint32_t cond, uint32_t action, uint32_t override,
                                bool absolute) {
    if (act[cond] == action && ovr[cond] == override) return ZX_OK;
    if (ovr[cond] == ZX_POL_OVERRIDE_DENY) return absolute ? ZX_ERR_ALREADY_EXISTS : ZX_OK;
    act[cond] = (uint8_t)action;
    ovr[cond] = (uint8_t)override;
    return ZX_OK;
}

zx_status_t job_set_basic_policy(struct job *j, bool absolute, const uint32_t (*entries)[3], uint32_t count) {
    uint8_t act[JOB_POL_COUNT], ovr[JOB_POL_COUNT];
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    if (j->procs || j->children) {
        spin_unlock_irqrestore(&j->obj.lock, f);
        return ZX_ERR_BAD_STATE;
    }
    memcpy(act, j->pol_action, sizeof(act));
    memcpy(ovr, j->pol_override, sizeof(ovr));
    zx_status_t st = ZX_OK;
    for (uint32_t i = 0; i < count && st == ZX_OK; i++) {
        uint32_t cond = entries[i][0], action = entries[i][1], override = entries[i][2];
        if (cond >= JOB_POL_COUNT || action > ZX_POL_ACTION_KILL || override > ZX_POL_OVERRIDE_DENY) {
            st = ZX_ERR_INVALID_ARGS;
            break;
        }
        if (cond == ZX_POL_NEW_ANY) {
            for (uint32_t c = 0; c < JOB_POL_COUNT && st == ZX_OK; c++)
                if (is_new_condition(c)) st = apply_policy(act, ovr, c, action, override, absolute);
        }
        if (st == ZX_OK) st = apply_policy(act, ovr, cond, action, override, absolute);
    }
    if (st == ZX_OK) {
        memcpy(j->pol_action, act, sizeof(act));
        memcpy(j->pol_override, ovr, sizeof(ovr));
    }
    spin_unlock_irqrestore(&j->obj.lock, f);
    return st;
}

uint32_t job_policy_action(struct job *j, uint32_t condition) {
    if (condition >= JOB_POL_COUNT) return ZX_POL_ACTION_DENY;
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    uint32_t a = j->pol_action[condition];
    spin_unlock_irqrestore(&j->obj.lock, f);
    return a;
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
