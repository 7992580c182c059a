// Per-hart state.
//
// sscratch always holds the current hart's `struct hart *`, in user and
// kernel mode alike; in the kernel tp holds it too. The trap entry swaps tp
// and sscratch to find it, so the offsets below are shared with kern/trap.S
// (checked by _Static_assert).
//
// Only the boot hart runs today; the others stay parked in OpenSBI (HSM
// stopped). Each hart gets its own slot, stacks and fault-fixup word, so
// bringing up SMP adds harts without changing this layout.
#ifndef KERN_HART_H
#define KERN_HART_H

#define HART_SCRATCH0 0
#define HART_SAVED_SP 8
#define HART_KSTACK_TOP 16
#define HART_KSTACK_LO 24
#define HART_EMERG_TOP 32
#define HART_FAULT_FIXUP 40
#define HART_FAULT_CAUSE 48
#define HART_FAULT_TVAL 56

#define HART_MAX 32

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct thread;

struct hart {
    uint64_t scratch0;     // trap entry spill slot
    uint64_t saved_sp;     // sp at trap entry
    uint64_t kstack_top;   // top of this hart's kernel stack
    uint64_t kstack_lo;    // lowest usable byte; below it is the guard page
    uint64_t emerg_top;    // stack used when the kernel stack overflowed
    uint64_t fault_fixup;  // nonzero: resume here after a kernel fault (probes, user copies)
    uint64_t fault_cause;  // scause of the fault that took the fixup
    uint64_t fault_tval;   // stval of that fault
    uint32_t hartid;       // the hardware hart id (a0 at entry)
    uint32_t index;        // dense index (0 = boot hart)
    uint64_t ticks;        // timer interrupts taken on this hart
    uint64_t last_spurious_va;  // kernel fault retried after a fence (kern/trap.c)
    // Scheduler state (kern/sched.c), guarded by sched_lock.
    struct thread *current;
    struct thread *idle;
    struct thread *rq_head, *rq_tail;  // READY threads, FIFO
    struct thread *dead;               // DEAD threads to free after switching away
    uint32_t slice_left;               // ticks left in the current thread's slice
    bool need_resched;
};

_Static_assert(offsetof(struct hart, scratch0) == HART_SCRATCH0, "trap.S offsets");
_Static_assert(offsetof(struct hart, saved_sp) == HART_SAVED_SP, "trap.S offsets");
_Static_assert(offsetof(struct hart, kstack_top) == HART_KSTACK_TOP, "trap.S offsets");
_Static_assert(offsetof(struct hart, kstack_lo) == HART_KSTACK_LO, "trap.S offsets");
_Static_assert(offsetof(struct hart, emerg_top) == HART_EMERG_TOP, "trap.S offsets");
_Static_assert(offsetof(struct hart, fault_fixup) == HART_FAULT_FIXUP, "trap.S offsets");
_Static_assert(offsetof(struct hart, fault_cause) == HART_FAULT_CAUSE, "trap.S offsets");
_Static_assert(offsetof(struct hart, fault_tval) == HART_FAULT_TVAL, "trap.S offsets");

extern struct hart harts[HART_MAX];

static inline struct hart *this_hart(void) {
    struct hart *h;
    __asm__ volatile("mv %0, tp" : "=r"(h));
    return h;
}
#endif
#endif
