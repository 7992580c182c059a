// Processes and their threads (see obj/process.h).
#include "obj/process.h"

#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/sched.h"
#include "kern/timer.h"
#include "mm/kaspace.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "kern/string.h"
#include <zircon/syscalls/object.h>

#include "obj/signal.h"

#define PROCESS_MAX_HANDLES 4096

static void process_destroy(struct object *o) {
    struct process *p = (struct process *)o;
    // Only reachable once dead (a live process holds references to itself
    // through its threads) or never started.
    if (p->root_vmar) object_unref(&p->root_vmar->obj);
    object_unref(&p->job->obj);
    futex_ctx_destroy(&p->futex);
    kfree(p);
}

static void process_terminate(struct process *p);
void thread_obj_on_exit(struct thread_obj *t);

static void process_zero_handles(struct object *o) {
    struct process *p = (struct process *)o;
    // Nobody can start it any more: a process never started dies with its
    // last handle (its unstarted threads are retired by process_kill).
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    bool never_started = p->state == PROCESS_INITIAL;
    spin_unlock_irqrestore(&p->obj.lock, f);
    if (never_started) process_kill(p, ZX_TASK_RETCODE_SYSCALL_KILL);
}

const struct object_ops process_ops = {ZX_OBJ_TYPE_PROCESS, "process", process_destroy, process_zero_handles};

static void thread_obj_destroy(struct object *o) {
    struct thread_obj *t = (struct thread_obj *)o;
    object_unref(&t->proc->obj);
    kfree(t);
}

const struct object_ops thread_obj_ops = {ZX_OBJ_TYPE_THREAD, "thread", thread_obj_destroy, 0};

zx_status_t process_create(struct job *job, const char *name, size_t name_len, struct process **out) {
    struct process *p = kzalloc(sizeof(*p));
    if (!p) return ZX_ERR_NO_MEMORY;
    zx_status_t st = handle_table_init(&p->handles, PROCESS_MAX_HANDLES,
                                       (uint32_t)(csr_read_time() * 2654435761u) ^ (uint32_t)(uint64_t)p);
    if (st != ZX_OK) {
        kfree(p);
        return st;
    }
    st = vmar_create_root(&p->root_vmar);
    if (st != ZX_OK) {
        handle_table_destroy(&p->handles);
        kfree(p);
        return st;
    }
    object_init(&p->obj, &process_ops);
    object_set_name(&p->obj, name, name_len);
    futex_ctx_init(&p->futex);
    object_ref(&job->obj);
    p->job = job;
    st = job_add_process(job, p);
    if (st != ZX_OK) {
        p->state = PROCESS_DEAD;  // never listed: destroy needs no teardown
        vmar_destroy(p->root_vmar);
        handle_table_destroy(&p->handles);
        object_unref(&p->obj);
        return st;
    }
    *out = p;
    return ZX_OK;
}

// Tear a process down. Runs once, with no locks held, either on the last
// dying thread of the process or on whoever killed a never-started one.
static void process_terminate(struct process *p) {
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    if (p->state == PROCESS_DEAD) {
        spin_unlock_irqrestore(&p->obj.lock, f);
        return;
    }
    p->state = PROCESS_DEAD;
    spin_unlock_irqrestore(&p->obj.lock, f);
    object_ref(&p->obj);  // keep p alive while its own handles go
    struct thread *cur = thread_current();
    if (cur->aspace && cur->aspace == p->root_vmar->aspace) {
        cur->aspace = 0;
        aspace_activate(0);
    }
    vmar_destroy(p->root_vmar);
    handle_table_destroy(&p->handles);
    job_remove_process(p->job, p);
    object_signal(&p->obj, 0, ZX_PROCESS_TERMINATED);
    if (p->on_death) p->on_death(p);
    object_unref(&p->obj);
}

void process_kill(struct process *p, int64_t code) {
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    if (!p->exiting && p->state != PROCESS_DEAD) {
        p->exiting = true;
        p->return_code = code;
    }
    bool none_alive = p->live_threads == 0;
    uint64_t sf = sched_lock_irqsave();
    for (struct thread_obj *t = p->threads; t; t = t->next) {
        if (t->kt) {
            t->kt->kill_pending = true;
            sched_interrupt_locked(t->kt);
        }
    }
    sched_unlock_irqrestore(sf);
    spin_unlock_irqrestore(&p->obj.lock, f);
    if (none_alive) {
        process_terminate(p);
        return;
    }
    // Threads that never started will never run: retire them here.
    for (;;) {
        struct thread_obj *victim = 0;
        f = spin_lock_irqsave(&p->obj.lock);
        for (struct thread_obj *t = p->threads; t; t = t->next)
            if (t->state == UTHREAD_NEW && t->kt) victim = t;
        spin_unlock_irqrestore(&p->obj.lock, f);
        if (!victim) break;
        struct thread *kt = victim->kt;
        victim->kt = 0;
        kstack_free(kt->kstack_lo);
        page_free(pa((uint64_t)kt - PHYSMAP_BASE), 0);
        thread_obj_on_exit(victim);
    }
}

// A thread object is done: unlink it, signal, and if it was the process's
// last thread, terminate the process. Drops the kernel thread's reference.
void thread_obj_on_exit(struct thread_obj *t) {
    struct process *p = t->proc;
    futex_thread_exit(&p->futex, &t->futex);  // drops its ownerships, takes its states back
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    t->state = UTHREAD_DEAD;
    t->kt = 0;
    for (struct thread_obj **q = &p->threads; *q; q = &(*q)->next) {
        if (*q == t) {
            *q = t->next;
            break;
        }
    }
    bool last = --p->live_threads == 0;
    if (last && !p->exiting) {
        p->exiting = true;  // the last thread left without zx_process_exit
    }
    spin_unlock_irqrestore(&p->obj.lock, f);
    object_signal(&t->obj, ZX_THREAD_RUNNING, ZX_THREAD_TERMINATED);
    if (last) process_terminate(p);
    object_unref(&t->obj);
}

static void kthread_exit_hook(struct thread *kt) {
    struct thread_obj *t = kt->owner;
    if (t) {
        kt->owner = 0;
        thread_obj_on_exit(t);
    }
    if (kt->aspace) {
        kt->aspace = 0;
        aspace_activate(0);
    }
}

void trap_return(struct trap_frame *tf);

static void uthread_entry(void *arg) {
    struct thread_obj *t = arg;
    struct thread *kt = thread_current();
    struct trap_frame *tf = kt->utf;
    memset(tf, 0, sizeof(*tf));
    tf->sepc = t->entry;
    tf->x[2] = t->stack;
    tf->x[10] = t->arg1;
    tf->x[11] = t->arg2;
    // U-mode, interrupts on after sret, FP off (FP instructions trap).
    tf->sstatus = (csr_read_sstatus() & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM | SSTATUS_FS)) | SSTATUS_SPIE;
    if (kt->kill_pending) thread_exit();
    trap_return(tf);
}

zx_status_t thread_obj_create(struct process *p, const char *name, size_t name_len, struct thread_obj **out) {
    struct thread_obj *t = kzalloc(sizeof(*t));
    if (!t) return ZX_ERR_NO_MEMORY;
    // The futex states this thread brings to its process (obj/futex.h).
    struct futex_reserve reserve;
    zx_status_t st = futex_reserve_alloc(&reserve);
    if (st != ZX_OK) {
        kfree(t);
        return st;
    }
    char kname[32];
    size_t n = name_len < sizeof(kname) - 1 ? name_len : sizeof(kname) - 1;
    memcpy(kname, name, n);
    kname[n] = 0;
    st = thread_create(kname, uthread_entry, t, &t->kt);
    if (st != ZX_OK) {
        futex_reserve_free(&reserve);
        kfree(t);
        return st;
    }
    futex_thread_init(&t->futex);
    object_init(&t->obj, &thread_obj_ops);
    object_set_name(&t->obj, name, name_len);
    t->kt->owner = t;
    t->kt->aspace = p->root_vmar->aspace;
    t->state = UTHREAD_NEW;
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    if (p->state == PROCESS_DEAD || p->exiting) {
        spin_unlock_irqrestore(&p->obj.lock, f);
        futex_reserve_free(&reserve);
        kstack_free(t->kt->kstack_lo);
        page_free(pa((uint64_t)t->kt - PHYSMAP_BASE), 0);
        t->kt = 0;
        t->proc = p;
        object_ref(&p->obj);
        object_unref(&t->obj);
        return ZX_ERR_BAD_STATE;
    }
    object_ref(&p->obj);
    t->proc = p;
    struct thread_obj **q = &p->threads;
    while (*q) q = &(*q)->next;
    *q = t;
    p->live_threads++;
    futex_ctx_add_reserve(&p->futex, &reserve);  // futex lock inside the process lock
    object_ref(&t->obj);  // the kernel thread's reference, dropped at its exit
    spin_unlock_irqrestore(&p->obj.lock, f);
    thread_exit_hook = kthread_exit_hook;
    *out = t;
    return ZX_OK;
}

zx_status_t thread_obj_start(struct thread_obj *t, uint64_t entry, uint64_t stack, uint64_t arg1,
                             uint64_t arg2, bool first) {
    struct process *p = t->proc;
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    zx_status_t st = ZX_OK;
    if (t->state != UTHREAD_NEW || !t->kt)
        st = ZX_ERR_BAD_STATE;
    else if (first && p->state != PROCESS_INITIAL)
        st = ZX_ERR_BAD_STATE;
    else if (!first && p->state != PROCESS_RUNNING)
        st = ZX_ERR_BAD_STATE;
    else if (p->exiting)
        st = ZX_ERR_BAD_STATE;
    if (st == ZX_OK) {
        t->entry = entry;
        t->stack = stack;
        t->arg1 = arg1;
        t->arg2 = arg2;
        t->state = UTHREAD_RUNNING;
        if (first) {
            p->state = PROCESS_RUNNING;
            p->start_time = (zx_time_t)timer_now_ns();
        }
    }
    struct thread *kt = t->kt;
    spin_unlock_irqrestore(&p->obj.lock, f);
    if (st != ZX_OK) return st;
    object_signal(&t->obj, 0, ZX_THREAD_RUNNING);
    thread_start(kt);
    return ZX_OK;
}

void thread_obj_set_blocked(uint32_t reason) {
    struct thread_obj *t = thread_current()->owner;
    if (t) __atomic_store_n(&t->blocked_reason, reason, __ATOMIC_RELEASE);
}

uint32_t thread_obj_state(struct thread_obj *t) {
    struct process *p = t->proc;
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    uint32_t st;
    if (t->state == UTHREAD_NEW) {
        st = ZX_THREAD_STATE_NEW;
    } else if (t->state == UTHREAD_DEAD || !t->kt) {
        st = ZX_THREAD_STATE_DEAD;
    } else {
        uint64_t sf = sched_lock_irqsave();
        bool dying = t->kt->kill_pending;
        sched_unlock_irqrestore(sf);
        uint32_t reason = __atomic_load_n(&t->blocked_reason, __ATOMIC_ACQUIRE);
        st = dying ? ZX_THREAD_STATE_DYING : reason ? reason : ZX_THREAD_STATE_RUNNING;
    }
    spin_unlock_irqrestore(&p->obj.lock, f);
    return st;
}

struct thread_obj *process_lookup_thread(struct process *p, zx_koid_t koid) {
    struct thread_obj *found = 0;
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    for (struct thread_obj *t = p->threads; t; t = t->next) {
        if (t->obj.koid == koid) {
            if (object_try_ref(&t->obj)) found = t;
            break;
        }
    }
    spin_unlock_irqrestore(&p->obj.lock, f);
    return found;
}

zx_status_t process_thread_koids(struct process *p, zx_koid_t **out, size_t *count) {
    // Size the array with the lock dropped, fill it, retry if threads came.
    size_t n = 0;
    uint64_t f = spin_lock_irqsave(&p->obj.lock);
    for (struct thread_obj *t = p->threads; t; t = t->next) n++;
    spin_unlock_irqrestore(&p->obj.lock, f);
    for (;;) {
        if (n == 0) {
            *out = 0;
            *count = 0;
            return ZX_OK;
        }
        zx_koid_t *koids = kzalloc(n * sizeof(zx_koid_t));
        if (!koids) return ZX_ERR_NO_MEMORY;
        size_t now = 0;
        f = spin_lock_irqsave(&p->obj.lock);
        for (struct thread_obj *t = p->threads; t; t = t->next, now++)
            if (now < n) koids[now] = t->obj.koid;
        spin_unlock_irqrestore(&p->obj.lock, f);
        if (now <= n) {
            *out = koids;
            *count = now;
            return ZX_OK;
        }
        kfree(koids);
        n = now;
    }
}

struct process *process_current(void) {
    struct thread *kt = thread_current();
    struct thread_obj *t = kt->owner;
    return t ? t->proc : 0;
}

void process_fault_kill(struct trap_frame *tf, const char *why) {
    struct process *p = process_current();
    char name[ZX_MAX_NAME_LEN];
    object_get_name(&p->obj, name);
    kprintf("\nzxrv: process \"%s\" (koid %lu) killed: %s\n", name, p->obj.koid, why);
    kprintf("  scause %p (%s)\n  sepc   %p\n  stval  %p\n", (void *)tf->scause, trap_cause_name(tf->scause),
            (void *)tf->sepc, (void *)tf->stval);
    process_kill(p, ZX_TASK_RETCODE_EXCEPTION_KILL);
}

// The seams of obj/futex.c: a thread in a futex's wait queue is a user
// thread (its kernel thread's owner is its thread object).
struct futex_thread *futex_thread_of(struct thread *kt) { return &((struct thread_obj *)kt->owner)->futex; }

zx_koid_t futex_thread_koid(const struct futex_thread *ft) {
    const struct thread_obj *t =
        (const struct thread_obj *)((const char *)ft - __builtin_offsetof(struct thread_obj, futex));
    return t->obj.koid;
}
