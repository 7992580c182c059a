// Per-hart state.
//
// sscratch always holds the current hart's `struct hart *`, in user and
// kernel mode alike; in the kernel tp holds it too. The trap entry swaps tp
// and sscratch to find it, so the offsets below are shared with kern/trap.S
// (checked by _Static_assert).
//
// Every usable hart runs the kernel (kern/smp.c starts them through SBI
// HSM); each has its own slot here, its own kernel stacks (the boot/idle
// stack and the emergency stack, both with guard pages), timer, IPI mailbox,
// run queue, kernel timer queue and fault-fixup word. Slot 0 is the boot hart, whatever its
// hart id.
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

#include "kern/lockdep_graph.h"
#include "kern/spinlock.h"
#include "kern/timer_queue.h"

struct thread;
struct aspace;

// Requests in a hart's IPI mailbox (struct hart.ipi_pending), sent by
// smp_send_ipi (kern/smp.h) with an SBI IPI (a supervisor software
// interrupt on the target).
#define IPI_RESCHED 0x1u    // run the scheduler at the next chance (a thread running there is killed)
#define IPI_WAKEUP 0x2u     // leave wfi: work was placed on this idle hart
#define IPI_TLB_FLUSH 0x4u  // sfence.vma everything (after an ASID generation rollover)
#define IPI_STOP 0x8u       // another hart panicked: stop here

#define HART_STARTING 1u
#define HART_ONLINE 2u
#define HART_ABANDONED 3u

struct hart {
    uint64_t scratch0;     // trap entry spill slot
    uint64_t saved_sp;     // sp at trap entry
    uint64_t kstack_top;   // top of the current thread's kernel stack
    uint64_t kstack_lo;    // lowest usable byte; below it is the guard page
    uint64_t emerg_top;    // stack used when the kernel stack overflowed
    uint64_t fault_fixup;  // nonzero: resume here after a kernel fault (probes, user copies)
    uint64_t fault_cause;  // scause of the fault that took the fixup
    uint64_t fault_tval;   // stval of that fault
    uint32_t hartid;       // the hardware hart id (a0 at entry)
    uint32_t index;        // dense index (0 = boot hart)
    uint64_t ticks;        // scheduler ticks taken on this hart
    uint64_t last_spurious_va;  // kernel fault retried after a fence (kern/trap.c)
    bool usercopy_nofault;  // a user copy under a lock: report faults, never resolve them
    bool online;           // running the kernel (set once by the hart itself)
    uint32_t start_state;  // HART_STARTING/ONLINE/ABANDONED (kern/smp.c)
    bool timer_sstc;       // this hart programs stimecmp directly (else SBI TIME)
    uint8_t asid_bits;     // ASID width this hart implements (probed at start)
    // IPI mailbox: IPI_* bits set by other harts (atomically), taken by this
    // hart's software-interrupt handler.
    uint32_t ipi_pending;
    uint64_t ipis_received;
    // Scheduler state (kern/sched.c), guarded by the scheduler lock.
    struct thread *current;
    struct thread *idle;
    struct thread *rq_head, *rq_tail;  // READY threads, FIFO
    uint32_t rq_len;
    struct thread *dead;               // DEAD threads to free after switching away
    uint32_t slice_left;               // ticks left in the current thread's slice
    bool need_resched;
    // The address space in satp (NULL: the kernel's table). Written only by
    // this hart, in mm/aspace.c.
    struct aspace *active_as;
    // Locks this hart holds (kern/lockdep.c; empty without LOCKDEP).
    struct lockdep_held held;
    // Timers (kern/timer.c): the queue of kernel timers set on this hart and
    // its lock, the next scheduler tick and the deadline in the hardware (in
    // `time` units), the timer whose callback runs here now, and a count of
    // callbacks run. tick_next and timer_programmed change only on this hart.
    struct spinlock tq_lock;
    struct timer_queue tq;
    uint64_t tick_next;
    uint64_t timer_programmed;
    struct ktimer *timer_running;
    uint64_t timers_fired;
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
extern unsigned hart_count;  // slots used: harts[0 .. hart_count); smp_online_mask() says which run

static inline struct hart *this_hart(void) {
    struct hart *h;
    __asm__ volatile("mv %0, tp" : "=r"(h));
    return h;
}
#endif
#endif
