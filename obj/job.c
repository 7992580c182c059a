// Jobs (see obj/job.h).
#include "obj/job.h"

#include "kern/panic.h"
#include "mm/kheap.h"
#include "obj/process.h"
#include "obj/signal.h"

#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>

#include "kern/string.h"

static void job_finish_dead(struct job *j);

// Zircon's UpdateSignalsLocked: NO_PROCESSES, NO_JOBS and NO_CHILDREN
// follow the lists.
static void job_update_signals_locked(struct job *j) {
    zx_signals_t set = 0;
    if (!j->procs) set |= ZX_JOB_NO_PROCESSES;
    if (!j->children) set |= ZX_JOB_NO_JOBS;
    if (!j->procs && !j->children) set |= JOB_NO_CHILDREN;
    object_signal(&j->obj, ZX_JOB_NO_PROCESSES | ZX_JOB_NO_JOBS | JOB_NO_CHILDREN, set);
}

static bool job_ready_to_die_locked(struct job *j) {
    return j->state == JOB_KILLING && !j->children && !j->procs;
}

// Leave the parent's list (once); true if the parent is now ready to die.
static bool job_leave_parent(struct job *j) {
    struct job *parent = j->parent;
    if (!parent) return false;
    uint64_t f = spin_lock_irqsave(&parent->obj.lock);
    bool was_in = j->in_parent;
    if (was_in) {
        for (struct job **q = &parent->children; *q; q = &(*q)->sibling) {
            if (*q == j) {
                *q = j->sibling;
                break;
            }
        }
        j->in_parent = false;
        j->sibling = 0;
    }
    bool should_die = false;
    if (was_in) {
        job_update_signals_locked(parent);
        should_die = job_ready_to_die_locked(parent);
    }
    spin_unlock_irqrestore(&parent->obj.lock, f);
    return should_die;
}

static void job_destroy(struct object *o) {
    struct job *j = (struct job *)o;
    struct job *parent = j->parent;
    if (parent) {
        if (job_leave_parent(j)) job_finish_dead(parent);
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

// Zircon's kRootJobMaxHeight (kernel/object/job_dispatcher.cc, MO @72af4d9).
#define JOB_ROOT_MAX_HEIGHT 32

zx_status_t job_create(struct job *parent, struct job **out) {
    if (parent && parent->max_height == 0) return ZX_ERR_OUT_OF_RANGE;  // immutable: no lock
    struct job *j = kzalloc(sizeof(*j));
    if (!j) return ZX_ERR_NO_MEMORY;
    object_init(&j->obj, &job_ops);
    j->state = JOB_READY;
    j->max_height = parent ? parent->max_height - 1 : JOB_ROOT_MAX_HEIGHT;
    object_signal(&j->obj, 0, ZX_JOB_NO_PROCESSES | ZX_JOB_NO_JOBS | JOB_NO_CHILDREN);
    if (parent) {
        uint64_t f = spin_lock_irqsave(&parent->obj.lock);
        memcpy(j->pol_action, parent->pol_action, sizeof(j->pol_action));
        memcpy(j->pol_override, parent->pol_override, sizeof(j->pol_override));
        if (parent->state != JOB_READY) {
            spin_unlock_irqrestore(&parent->obj.lock, f);
            object_unref(&j->obj);  // destroy: no parent linked yet
            return ZX_ERR_BAD_STATE;
        }
        object_ref(&parent->obj);
        j->parent = parent;
        struct job **q = &parent->children;
        while (*q) q = &(*q)->sibling;
        *q = j;
        j->in_parent = true;
        job_update_signals_locked(parent);
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
    if (j->state != JOB_READY) {
        spin_unlock_irqrestore(&j->obj.lock, f);
        return ZX_ERR_BAD_STATE;
    }
    p->job_next = 0;
    struct process **q = &j->procs;
    while (*q) q = &(*q)->job_next;
    *q = p;
    job_update_signals_locked(j);
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
    job_update_signals_locked(j);
    bool should_die = job_ready_to_die_locked(j);
    spin_unlock_irqrestore(&j->obj.lock, f);
    if (should_die) job_finish_dead(j);
}

// The dead transition, bottom up (Zircon's FinishDeadTransitionUnlocked): a
// killed job whose last child left becomes DEAD, asserts ZX_JOB_TERMINATED
// and leaves its parent, which may be the next to die.
static void job_finish_dead(struct job *j) {
    while (j) {
        uint64_t f = spin_lock_irqsave(&j->obj.lock);
        bool dies = job_ready_to_die_locked(j);
        if (dies) {
            j->state = JOB_DEAD;
            object_signal(&j->obj, 0, ZX_JOB_TERMINATED);
        }
        spin_unlock_irqrestore(&j->obj.lock, f);
        if (!dies) return;
        j = job_leave_parent(j) ? j->parent : 0;
    }
}

void job_kill(struct job *j, int64_t code) {
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    if (j->state != JOB_READY) {
        spin_unlock_irqrestore(&j->obj.lock, f);
        return;
    }
    j->state = JOB_KILLING;
    j->return_code = code;
    bool should_die = job_ready_to_die_locked(j);
    spin_unlock_irqrestore(&j->obj.lock, f);
    if (should_die) {
        job_finish_dead(j);
        return;
    }
    // Child jobs first (depth first, as Zircon), then the processes. One
    // child at a time, each pinned by a reference while the lock is dropped;
    // a killed child stays listed until it dies, so skip those not READY.
    for (;;) {
        struct job *child = 0;
        f = spin_lock_irqsave(&j->obj.lock);
        for (struct job *c = j->children; c; c = c->sibling) {
            if (c->state == JOB_READY && object_try_ref(&c->obj)) {
                child = c;
                break;
            }
        }
        spin_unlock_irqrestore(&j->obj.lock, f);
        if (!child) break;
        job_kill(child, code);
        object_unref(&child->obj);
    }
    for (;;) {
        struct process *victim = 0;
        f = spin_lock_irqsave(&j->obj.lock);
        for (struct process *p = j->procs; p; p = p->job_next) {
            if (!p->exiting && p->state != PROCESS_DEAD && object_try_ref(&p->obj)) {
                victim = p;
                break;
            }
        }
        spin_unlock_irqrestore(&j->obj.lock, f);
        if (!victim) break;
        process_kill(victim, ZX_TASK_RETCODE_SYSCALL_KILL);
        object_unref(&victim->obj);
    }
}

// A process in the middle of zx_process_create (INITIAL, no handle yet) is
// not shown (Zircon's SimpleJobEnumerator hides it).
static bool job_process_visible(struct process *p) {
    return p->state != PROCESS_INITIAL || __atomic_load_n(&p->obj.handle_count, __ATOMIC_ACQUIRE) > 0;
}

struct job *job_lookup_job(struct job *j, zx_koid_t koid) {
    struct job *found = 0;
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    for (struct job *c = j->children; c; c = c->sibling) {
        if (c->obj.koid == koid) {
            if (object_try_ref(&c->obj)) found = c;
            break;
        }
    }
    spin_unlock_irqrestore(&j->obj.lock, f);
    return found;
}

struct process *job_lookup_process(struct job *j, zx_koid_t koid) {
    struct process *found = 0;
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    for (struct process *p = j->procs; p; p = p->job_next) {
        if (p->obj.koid == koid) {
            if (job_process_visible(p) && object_try_ref(&p->obj)) found = p;
            break;
        }
    }
    spin_unlock_irqrestore(&j->obj.lock, f);
    return found;
}

// Count (out NULL) or fill the children's koids; under j's lock.
static size_t job_collect_locked(struct job *j, bool jobs, zx_koid_t *out, size_t max) {
    size_t n = 0;
    if (jobs) {
        for (struct job *c = j->children; c; c = c->sibling) {
            if (__atomic_load_n(&c->obj.refcount, __ATOMIC_RELAXED) == 0) continue;  // being destroyed
            if (out && n < max) out[n] = c->obj.koid;
            n++;
        }
    } else {
        for (struct process *p = j->procs; p; p = p->job_next) {
            if (__atomic_load_n(&p->obj.refcount, __ATOMIC_RELAXED) == 0 || !job_process_visible(p)) continue;
            if (out && n < max) out[n] = p->obj.koid;
            n++;
        }
    }
    return n;
}

zx_status_t job_child_koids(struct job *j, bool jobs, zx_koid_t **out, size_t *count) {
    // Size the array with the lock dropped (the heap is not used under a
    // job's lock), then fill it; retry if children came meanwhile.
    uint64_t f = spin_lock_irqsave(&j->obj.lock);
    size_t n = job_collect_locked(j, jobs, 0, 0);
    spin_unlock_irqrestore(&j->obj.lock, f);
    for (;;) {
        if (n == 0) {
            *out = 0;
            *count = 0;
            return ZX_OK;
        }
        zx_koid_t *koids = kzalloc(n * sizeof(zx_koid_t));
        if (!koids) return ZX_ERR_NO_MEMORY;
        f = spin_lock_irqsave(&j->obj.lock);
        size_t now = job_collect_locked(j, jobs, koids, n);
        spin_unlock_irqrestore(&j->obj.lock, f);
        if (now <= n) {
            *out = koids;
            *count = now;
            return ZX_OK;
        }
        kfree(koids);
        n = now;
    }
}
