// Kernel threads (see kern/thread.h).
//
// A thread's struct lives in its own page from the page allocator (so it is
// freed with the stack by the reaper, kern/sched.c); its stack comes from
// kstack_alloc (guard page below).
#include "kern/thread.h"

#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/sched.h"
#include "kern/string.h"
#include "mm/kaspace.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"

void thread_trampoline(void);
void sched_exit_locked(void);

void (*thread_exit_hook)(struct thread *t);

_Static_assert(sizeof(struct thread) <= PAGE_SIZE, "struct thread must fit its page");

zx_status_t thread_create(const char *name, void (*entry)(void *), void *arg, struct thread **out) {
    paddr_t page;
    zx_status_t st = page_alloc(0, &page);
    if (st != ZX_OK) return st;
    struct thread *t = physmap_va(page);
    memset(t, 0, sizeof(*t));
    st = kstack_alloc(&t->kstack_top, &t->kstack_lo);
    if (st != ZX_OK) {
        page_free(page, 0);
        return st;
    }
    str_copy(t->name, name, sizeof(t->name));
    t->state = THREAD_NEW;
    t->deadline = ZX_TIME_INFINITE;
    sched_thread_init(t);
    t->entry = entry;
    t->arg = arg;
    t->ctx.ra = (uint64_t)thread_trampoline;
    t->ctx.sp = t->kstack_top - TRAP_FRAME_SIZE;  // room for a user frame at the top
    t->utf = (struct trap_frame *)(t->kstack_top - TRAP_FRAME_SIZE);
    *out = t;
    return ZX_OK;
}

void thread_start(struct thread *t) { sched_start_thread(t); }

struct thread *thread_current(void) { return this_hart()->current; }

void thread_exit(void) {
    struct thread *t = thread_current();
    if (thread_exit_hook) thread_exit_hook(t);
    sched_lock_irqsave();
    sched_exit_locked();
    __builtin_unreachable();
}
