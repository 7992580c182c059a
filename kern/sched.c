// Preemptive round-robin scheduler on every hart (see kern/sched.h).
//
// Invariants (under sched_lock): a READY thread is on exactly one hart's run
// queue; a BLOCKED thread is on the wait queue it names (if any), and its
// deadline timer (a kernel timer, kern/timer.h) is set iff it has a
// deadline; hart->current is RUNNING on that hart and t->hart names it; the
// idle threads are never on a run queue. The
// lock is held across switch_context and released by the thread switched
// to, so a thread's context is completely saved before any other hart can
// see it READY (and run or steal it).
//
// Placement (sched_place, also run by the host tests): a woken or new
// thread goes to the hart it last ran on if that hart is idle; else to an
// idle hart; else to the least loaded hart (queue length, +1 for a busy
// hart), the last one on ties. An idle hart with an empty queue steals the
// oldest thread of the longest queue (sched_victim) every time it looks for
// work: when an IPI or its own tick wakes it from wfi.
//
// Deadlines: a thread that blocks with a deadline sets its deadline timer
// on the hart it blocks on (scheduler lock -> that hart's timer-queue lock);
// whoever wakes it first cancels the timer, from any hart. The timer's
// callback takes the scheduler lock and wakes the thread with TIMED_OUT
// only if it is still BLOCKED and its *current* deadline has passed, so a
// late callback (popped just before a cancel, its thread since woken and
// maybe blocked again) does nothing wrong. A dead thread is freed only once
// no hart runs its timer's callback (reap_dead, ktimer_wait_idle).
#include "kern/sched.h"

#include "kern/hart.h"
#include "kern/lockdep.h"
#include "kern/panic.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/sched_place.h"
#include "kern/smp.h"
#include "kern/spinlock.h"
#include "kern/timer.h"
#include "mm/aspace.h"
#include "mm/kaspace.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"

void switch_context(struct context *old, struct context *new);

static struct spinlock sched_lk = SPINLOCK_INIT("sched");
static uint64_t context_switches;
static uint64_t migrations;
static struct thread idle_threads[HART_MAX];

uint64_t sched_lock_irqsave_at(const char *site) { return spin_lock_irqsave_at(&sched_lk, site); }
void sched_unlock_irqrestore(uint64_t flags) { spin_unlock_irqrestore(&sched_lk, flags); }
uint64_t sched_context_switches(void) { return __atomic_load_n(&context_switches, __ATOMIC_RELAXED); }
uint64_t sched_migrations(void) { return __atomic_load_n(&migrations, __ATOMIC_RELAXED); }

static void rq_push(struct hart *h, struct thread *t) {
    t->state = THREAD_READY;
    t->next = 0;
    if (h->rq_tail)
        h->rq_tail->next = t;
    else
        h->rq_head = t;
    h->rq_tail = t;
    h->rq_len++;
}

static struct thread *rq_pop(struct hart *h) {
    struct thread *t = h->rq_head;
    if (t) {
        h->rq_head = t->next;
        if (!h->rq_head) h->rq_tail = 0;
        t->next = 0;
        h->rq_len--;
    }
    return t;
}

static bool hart_idle(const struct hart *h) { return h->current == h->idle && h->rq_len == 0; }

// The load of every online hart, for sched_place/sched_victim.
static unsigned gather_loads(struct sched_load *loads) {
    uint64_t online = smp_online_mask();
    unsigned n = 0;
    for (unsigned i = 0; i < hart_count; i++) {
        if (!(online & (1ull << i))) continue;
        loads[n].index = i;
        loads[n].queued = harts[i].rq_len;
        loads[n].busy = harts[i].current != harts[i].idle;
        n++;
    }
    return n;
}

// Put a READY-to-be thread on the run queue of the hart that placement
// picks, and poke that hart if it is not this one and has nothing to run.
static void make_ready_locked(struct thread *t) {
    struct sched_load loads[HART_MAX];
    unsigned n = gather_loads(loads);
    unsigned target = sched_place(loads, n, t->hart, this_hart()->index);
    struct hart *h = &harts[target];
    bool was_idle = hart_idle(h);
    rq_push(h, t);
    if (h != this_hart()) {
        if (was_idle) smp_send_ipi(target, IPI_WAKEUP);  // out of wfi: its idle loop finds the thread
    } else if (h->current == h->idle) {
        h->need_resched = true;
    }
}

static void wait_queue_remove(struct wait_queue *wq, struct thread *t) {
    for (struct thread **p = &wq->head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = 0;
}

// Make a BLOCKED thread READY with `status`. sched_lock held.
static void wake_locked(struct thread *t, zx_status_t status) {
    if (t->state != THREAD_BLOCKED) return;
    if (t->waiting_on) wait_queue_remove(t->waiting_on, t);
    t->waiting_on = 0;
    if (t->deadline != ZX_TIME_INFINITE) ktimer_cancel(&t->deadline_timer);  // a late callback checks the state
    t->wake_status = status;
    make_ready_locked(t);
}

// Free the threads that died on this hart, once it has switched away from
// them. Only this hart touches its dead list (interrupts off), so no lock is
// needed, and none is held: freeing a stack unmaps it (kernel page table,
// TLB shootdown on every hart), which must not run under the scheduler lock.
static void reap_dead(void) {
    struct hart *h = this_hart();
    while (h->dead) {
        struct thread *t = h->dead;
        h->dead = t->next;
        ktimer_wait_idle(&t->deadline_timer);  // a late deadline callback may still look at t
        kstack_free(t->kstack_lo);
        page_free(pa((uint64_t)t - PHYSMAP_BASE), 0);
    }
}

// An idle hart takes the oldest thread of the longest other queue.
static struct thread *steal_locked(struct hart *me) {
    struct sched_load loads[HART_MAX];
    unsigned n = gather_loads(loads);
    unsigned v = sched_victim(loads, n, me->index);
    if (v == SCHED_NONE) return 0;
    struct thread *t = rq_pop(&harts[v]);
    if (t) __atomic_fetch_add(&migrations, 1, __ATOMIC_RELAXED);
    return t;
}

static bool has_victim_locked(const struct hart *me) {
    struct sched_load loads[HART_MAX];
    unsigned n = gather_loads(loads);
    return sched_victim(loads, n, me->index) != SCHED_NONE;
}

// Switch away from the current thread, whose state the caller has set.
static void schedule_locked(void) {
    struct hart *h = this_hart();
    struct thread *prev = h->current;
    lockdep_assert_only(&sched_lk, "context switch");
    if (prev->state == THREAD_RUNNING) {
        if (prev != h->idle) rq_push(h, prev);
        else prev->state = THREAD_READY;
    }
    struct thread *next = rq_pop(h);
    if (!next) next = steal_locked(h);
    if (!next) next = h->idle;
    h->need_resched = false;
    h->slice_left = SCHED_SLICE_TICKS;
    next->state = THREAD_RUNNING;
    if (next != h->idle && next->hart != h->index) __atomic_fetch_add(&migrations, 1, __ATOMIC_RELAXED);
    next->hart = h->index;
    if (next == prev) return;
    h->current = next;
    h->kstack_top = next->kstack_top;
    h->kstack_lo = next->kstack_lo;
    if (next->aspace != h->active_as) aspace_activate(next->aspace);
    __atomic_fetch_add(&context_switches, 1, __ATOMIC_RELAXED);
    switch_context(&prev->ctx, &next->ctx);
    // Running as prev again, maybe on another hart. Whoever called us reaps
    // (reap_dead) after dropping the lock.
}

void thread_first_run(void) {
    struct thread *t = this_hart()->current;
    spin_unlock(&sched_lk);  // interrupts stay off: kernel code runs with them off
    reap_dead();
    t->entry(t->arg);
    thread_exit();
}

void sched_init_hart(void) {
    struct hart *h = this_hart();
    struct thread *idle = &idle_threads[h->index];
    idle->state = THREAD_RUNNING;
    idle->kstack_top = h->kstack_top;
    idle->kstack_lo = h->kstack_lo;
    idle->deadline = ZX_TIME_INFINITE;
    idle->hart = h->index;
    ksnprintf(idle->name, sizeof(idle->name), "idle%u", h->index);
    h->idle = idle;
    h->current = idle;
    h->slice_left = SCHED_SLICE_TICKS;
}

void sched_run_idle(void) {
    for (;;) {
        uint64_t f = sched_lock_irqsave();
        struct hart *h = this_hart();
        if (h->rq_head || h->need_resched || has_victim_locked(h)) {
            h->current->state = THREAD_RUNNING;
            schedule_locked();
            sched_unlock_irqrestore(f);
            reap_dead();
            continue;
        }
        sched_unlock_irqrestore(f);
        reap_dead();
        // Interrupts stay off across wfi (it wakes for any pending enabled
        // interrupt regardless), so an IPI sent after the check above cannot
        // be taken and lost before we sleep; then take it.
        wfi();
        irq_enable();
        irq_disable();
    }
}

void sched_start_thread(struct thread *t) {
    uint64_t f = sched_lock_irqsave();
    if (t->state == THREAD_NEW) {
        t->hart = this_hart()->index;
        make_ready_locked(t);
    }
    sched_unlock_irqrestore(f);
}

void sched_yield(void) {
    uint64_t f = sched_lock_irqsave();
    schedule_locked();
    sched_unlock_irqrestore(f);
    reap_dead();
}

void sched_tick(void) {
    uint64_t f = sched_lock_irqsave();
    struct hart *h = this_hart();
    if (h->slice_left) h->slice_left--;
    if (h->rq_head && (h->slice_left == 0 || h->current == h->idle)) h->need_resched = true;
    sched_unlock_irqrestore(f);
}

// A blocked thread's deadline timer fired (on the hart it blocked on, no lock held).
static void deadline_fired(struct ktimer *kt) {
    struct thread *t = (struct thread *)((char *)kt - __builtin_offsetof(struct thread, deadline_timer));
    uint64_t f = sched_lock_irqsave();
    if (t->state == THREAD_BLOCKED && t->deadline != ZX_TIME_INFINITE &&
        t->deadline <= (zx_time_t)timer_now_ns())
        wake_locked(t, ZX_ERR_TIMED_OUT);
    sched_unlock_irqrestore(f);
}

void sched_thread_init(struct thread *t) { ktimer_init(&t->deadline_timer, deadline_fired); }

void sched_preempt_if_needed(void) {
    struct hart *h = this_hart();
    if (h->need_resched) sched_yield();
}

zx_status_t sched_block_locked(struct wait_queue *wq, zx_time_t deadline, uint64_t flags) {
    struct hart *h = this_hart();
    struct thread *t = h->current;
    if (t->kill_pending) {
        sched_unlock_irqrestore(flags);
        return ZX_ERR_CANCELED;
    }
    if (deadline != ZX_TIME_INFINITE && deadline <= (zx_time_t)timer_now_ns()) {
        sched_unlock_irqrestore(flags);
        return ZX_ERR_TIMED_OUT;
    }
    t->state = THREAD_BLOCKED;
    t->waiting_on = wq;
    t->wake_status = ZX_OK;
    if (wq) {  // FIFO: the longest waiter is woken first
        struct thread **pp = &wq->head;
        while (*pp) pp = &(*pp)->next;
        t->next = 0;
        *pp = t;
    }
    t->deadline = deadline;
    if (deadline != ZX_TIME_INFINITE) ktimer_set(&t->deadline_timer, deadline);
    schedule_locked();
    zx_status_t st = t->wake_status;
    t->deadline = ZX_TIME_INFINITE;
    sched_unlock_irqrestore(flags);
    reap_dead();
    return st;
}

void wait_queue_wake_all_locked(struct wait_queue *wq, zx_status_t status) {
    while (wq->head) wake_locked(wq->head, status);
}

struct thread *wait_queue_wake_one_locked(struct wait_queue *wq, zx_status_t status) {
    struct thread *t = wq->head;
    if (t) wake_locked(t, status);
    return t;
}

uint32_t wait_queue_requeue_locked(struct wait_queue *from, struct wait_queue *to, uint32_t count) {
    uint32_t moved = 0;
    struct thread **tail = &to->head;
    while (*tail) tail = &(*tail)->next;
    while (moved < count && from->head) {
        struct thread *t = from->head;
        from->head = t->next;
        t->next = 0;
        t->waiting_on = to;
        *tail = t;
        tail = &t->next;
        moved++;
    }
    return moved;
}

void wait_queue_wake_all(struct wait_queue *wq, zx_status_t status) {
    uint64_t f = sched_lock_irqsave();
    wait_queue_wake_all_locked(wq, status);
    sched_unlock_irqrestore(f);
}

void sched_interrupt_locked(struct thread *t) {
    if (t->state == THREAD_BLOCKED) {
        wake_locked(t, ZX_ERR_CANCELED);
    } else if (t->state == THREAD_RUNNING && t->hart != this_hart()->index) {
        // Running on another hart: interrupt it so it notices kill_pending
        // on its way back to user mode (it may be in user mode right now).
        smp_send_ipi(t->hart, IPI_RESCHED);
    }
}

// Called by thread_exit with sched_lock held: never returns.
void sched_exit_locked(void) {
    struct hart *h = this_hart();
    struct thread *t = h->current;
    t->state = THREAD_DEAD;
    t->next = h->dead;
    h->dead = t;
    schedule_locked();
    panic("a dead thread was scheduled");
}

void sched_wake_locked(struct thread *t, zx_status_t status) { wake_locked(t, status); }
