// Trap dispatch (see kern/trap.h and kern/trap.S).
//
// Interrupts: the supervisor timer. Exceptions taken in the kernel either
// resume at the hart's fault_fixup (probes, and later the user-copy helpers)
// or end in panic_trap(). Traps from U-mode arrive here too once user mode
// exists; until then they are a kernel bug.
#include "kern/trap.h"

#include <stdbool.h>

#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/riscv.h"
#include "kern/timer.h"
#include "mm/addr.h"

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

void trap_handle(struct trap_frame *tf) {
    uint64_t cause = tf->scause;
    struct hart *h = this_hart();

    if (cause & SCAUSE_INTERRUPT) {
        if ((cause & ~SCAUSE_INTERRUPT) == IRQ_S_TIMER) {
            timer_interrupt();
            return;
        }
        panic_trap(tf, "unexpected interrupt");
    }

    if (!(tf->sstatus & SSTATUS_SPP)) panic_trap(tf, "trap from user mode, but user mode is not running");

    if (h->fault_fixup && fixup_allowed(cause)) {
        h->fault_cause = cause;
        h->fault_tval = tf->stval;
        tf->sepc = h->fault_fixup;
        h->fault_fixup = 0;
        return;
    }
    if (h->kstack_lo && tf->x[2] < h->kstack_lo && tf->x[2] >= h->kstack_lo - 2 * PAGE_SIZE)
        panic_trap(tf, "kernel stack overflow (guard page hit)");
    panic_trap(tf, "unhandled exception in kernel mode");
}
