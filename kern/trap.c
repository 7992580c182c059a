// Trap dispatch (see kern/trap.h and kern/trap.S).
//
// Interrupts: the supervisor timer (kernel timers due, the tick, then preemption) and the
// supervisor software interrupt (IPIs from other harts, kern/smp.h). Traps from
// U-mode: system calls go to sys/, page faults to the process's VMAR, any
// other exception kills the process with a report. Exceptions taken in the
// kernel resume at the hart's fault_fixup (probes, user copies: a user page
// not yet faulted in is mapped first) or end in panic_trap().
#include "kern/trap.h"

#include <stdbool.h>

#include "kern/hart.h"
#include "kern/lockdep.h"
#include "kern/smp.h"
#include "kern/panic.h"
#include "kern/riscv.h"
#include "kern/timer.h"
#include "mm/addr.h"
#include "mm/kaspace.h"
#include "mm/physmap.h"
#include "mm/tlb.h"
#include "kern/sched.h"
#include "kern/thread.h"
#include "obj/process.h"
#include "obj/vmar.h"
#include "platform/plic.h"
#include "sys/syscall.h"

extern char trap_entry[];

static const char *const exception_names[16] = {
    "instruction address misaligned",
    "instruction access fault",
    "illegal instruction",
    "breakpoint",
    "load address misaligned",
    "load access fault",
    "store/AMO address misaligned",
    "store/AMO access fault",
    "environment call from U-mode",
    "environment call from S-mode",
    "reserved (10)",
    "environment call from M-mode",
    "instruction page fault",
    "load page fault",
    "reserved (14)",
    "store/AMO page fault",
};

const char *trap_cause_name(uint64_t scause) {
    if (scause & SCAUSE_INTERRUPT) {
        switch (scause & ~SCAUSE_INTERRUPT) {
        case IRQ_S_SOFT: return "supervisor software interrupt";
        case IRQ_S_TIMER: return "supervisor timer interrupt";
        case IRQ_S_EXT: return "supervisor external interrupt";
        default: return "unknown interrupt";
        }
    }
    if (scause < 16) return exception_names[scause];
    if (scause == 18) return "software check";
    if (scause == 19) return "hardware error";
    return "unknown exception";
}

void trap_init_hart(void) {
    struct hart *h = this_hart();
    csr_write_sscratch((uint64_t)h);
    csr_write_stvec((uint64_t)trap_entry);  // direct mode
}

static bool fixup_allowed(uint64_t cause) {
    switch (cause) {
    case EXC_LOAD_MISALIGNED:
    case EXC_LOAD_ACCESS:
    case EXC_STORE_MISALIGNED:
    case EXC_STORE_ACCESS:
    case EXC_LOAD_PAGE_FAULT:
    case EXC_STORE_PAGE_FAULT:
    case EXC_ILLEGAL_INST:
        return true;
    default:
        return false;
    }
}

// A hart may cache an invalid entry and fault on a mapping that was just
// added (mm/pt.c does not fence invalid->valid changes). If the kernel table
// now allows the access, fence and retry once.
static bool kernel_fault_is_spurious(const struct trap_frame *tf) {
    unsigned need;
    switch (tf->scause) {
    case EXC_LOAD_PAGE_FAULT: need = PT_READ; break;
    case EXC_STORE_PAGE_FAULT: need = PT_READ | PT_WRITE; break;
    case EXC_INST_PAGE_FAULT: need = PT_EXEC; break;
    default: return false;
    }
    unsigned flags;
    if (tf->stval < PHYSMAP_BASE) return false;  // kernel half only
    if (spin_held_here(&kaspace_pt()->lock)) return false;  // fault inside mm/pt.c on this hart
    if (pt_lookup(kaspace_pt(), va(tf->stval), 0, &flags, 0) != ZX_OK || (flags & need) != need) return false;
    struct hart *h = this_hart();
    if (h->last_spurious_va == tf->stval) return false;  // already retried once: a real fault
    h->last_spurious_va = tf->stval;
    tlb_flush_local_page(va(tf->stval));
    return true;
}

// Leaving the kernel toward user mode: give up the hart if the slice is
// over, and die here if the thread was killed meanwhile.
static void user_trap_exit(void) {
    sched_preempt_if_needed();
    if (thread_current()->kill_pending) thread_exit();
}

static void user_exception(struct trap_frame *tf) {
    uint64_t cause = tf->scause;
    struct process *p = process_current();
    if (!p) panic_trap(tf, "user trap on a thread without a process");
    switch (cause) {
    case EXC_ECALL_U:
        syscall_dispatch(tf);
        return;
    case EXC_INST_PAGE_FAULT:
    case EXC_LOAD_PAGE_FAULT:
    case EXC_STORE_PAGE_FAULT:
        reclaim_if_low();
        if (vmar_fault(p->root_vmar, tf->stval, cause) == ZX_OK) return;
        process_fault_kill(tf, "page fault on an address it may not access");
        return;
    case EXC_ILLEGAL_INST:
        process_fault_kill(tf, "illegal instruction (floating point is off in user mode, so FP instructions count)");
        return;
    default:
        process_fault_kill(tf, trap_cause_name(cause));
        return;
    }
}

void trap_handle(struct trap_frame *tf) {
    uint64_t cause = tf->scause;
    struct hart *h = this_hart();

    if (cause & SCAUSE_INTERRUPT) {
        switch (cause & ~SCAUSE_INTERRUPT) {
        case IRQ_S_TIMER:
            if (timer_interrupt()) sched_tick();  // timers due ran first
            break;
        case IRQ_S_SOFT:
            smp_handle_ipi();
            break;
        case IRQ_S_EXT:
            plic_handle_irq();
            break;
        default:
            panic_trap(tf, "unexpected interrupt");
        }
        if (!(tf->sstatus & SSTATUS_SPP)) {
            user_trap_exit();
        } else if (tf->sstatus & SSTATUS_SPIE) {
            sched_preempt_if_needed();  // only the idle loop runs with interrupts on
        }
        return;
    }

    if (!(tf->sstatus & SSTATUS_SPP)) {
        user_exception(tf);
        user_trap_exit();
        return;
    }

    // A kernel fault on a user page inside a user copy: resolve it like the
    // process's own fault (demand paging) and retry the access. That takes
    // VMAR and VMO locks, so the copy must hold no spinlock (lockdep checks);
    // copies that run under a lock say usercopy_nofault and get the fault
    // reported instead (mm/usercopy.h).
    if (h->fault_fixup && tf->stval < USER_ASPACE_TOP && (tf->sstatus & SSTATUS_SUM) && process_current() &&
        !h->usercopy_nofault) {
        lockdep_assert_only(0, "resolving a user page fault inside a user copy");
        if (vmar_fault(process_current()->root_vmar, tf->stval, cause) == ZX_OK) return;
    }

    if (kernel_fault_is_spurious(tf)) return;
    if (h->fault_fixup && fixup_allowed(cause)) {
        h->fault_cause = cause;
        h->fault_tval = tf->stval;
        tf->sepc = h->fault_fixup;
        h->fault_fixup = 0;
        return;
    }
    bool sp_in_guard = tf->x[2] < h->kstack_lo && tf->x[2] >= h->kstack_lo - 2 * PAGE_SIZE;
    bool addr_in_guard = tf->stval < h->kstack_lo && tf->stval >= h->kstack_lo - PAGE_SIZE;
    if (h->kstack_lo && (sp_in_guard || addr_in_guard))
        panic_trap(tf, "kernel stack overflow (guard page hit)");
    panic_trap(tf, "unhandled exception in kernel mode");
}
