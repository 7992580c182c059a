// Panic reporting (see kern/panic.h).
#include "kern/panic.h"

#include <stdarg.h>

#include "kern/console.h"
#include "kern/hart.h"
#include "kern/lockdep.h"
#include "kern/smp.h"
#include "kern/ksyms.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/shutdown.h"
#include "kern/trap.h"

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static int panicking;

static void print_sym(uint64_t addr) {
    uint64_t off;
    const char *name = ksym_lookup(addr, &off);
    if (name)
        kprintf("%p %s+0x%lx\n", (void *)addr, name, off);
    else
        kprintf("%p ?\n", (void *)addr);
}

void backtrace_print(uint64_t pc, uint64_t ra, uint64_t fp) {
    int n = 0;
    kprintf("backtrace:\n");
    if (pc) {
        kprintf("  #%d ", n++);
        print_sym(pc);
    }
    // RISC-V GCC frame: fp = caller's sp; [fp-8] = ra, [fp-16] = caller's fp.
    // A leaf function may not save ra: then, in the first frame only, [fp-8]
    // holds the caller's fp and the return address is still in ra.
    for (int depth = 0; fp && depth < 32; depth++) {
        uint64_t saved_ra, saved_fp;
        if ((fp & 7) || probe_read_u64(fp - 8, &saved_ra) || probe_read_u64(fp - 16, &saved_fp)) break;
        if (!ksym_lookup(saved_ra, 0)) {
            if (depth != 0 || !ra || !ksym_lookup(ra, 0)) break;
            saved_fp = saved_ra;
            saved_ra = ra;
        }
        kprintf("  #%d ", n++);
        print_sym(saved_ra);
        if (saved_fp <= fp) break;
        fp = saved_fp;
    }
}

static void panic_enter(void) {
    irq_disable();
    int me = (int)this_hart()->index + 1, first = 0;
    if (!__atomic_compare_exchange_n(&panicking, &first, me, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        // Panic inside panic on this hart: do not try to print anything
        // else. Another hart is already panicking: leave it the console.
        if (first == me) machine_exit(PANIC_EXIT_STATUS);
        for (;;) wfi();
    }
    lockdep_init(false);
    smp_stop_others();
    console_break_lock();
}

void panic(const char *fmt, ...) {
    panic_enter();
    va_list ap;
    va_start(ap, fmt);
    kprintf("\n*** KERNEL PANIC on hart %u: ", this_hart()->hartid);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    uint64_t ra;
    __asm__ volatile("mv %0, ra" : "=r"(ra));
    backtrace_print(0, ra, read_fp());
    kprintf("*** system halted (exit status %d)\n", PANIC_EXIT_STATUS);
    machine_exit(PANIC_EXIT_STATUS);
}

void trap_dump_frame(const struct trap_frame *tf) {
    kprintf("scause %p (%s)\nsepc   ", (void *)tf->scause, trap_cause_name(tf->scause));
    print_sym(tf->sepc);
    kprintf("stval  %p\nsstatus %p\n", (void *)tf->stval, (void *)tf->sstatus);
    for (int i = 1; i < 32; i++) {
        kprintf("%4s %p%s", reg_names[i], (void *)tf->x[i], (i % 4 == 3) ? "\n" : "  ");
    }
    kprintf("\n");
}

void panic_trap(const struct trap_frame *tf, const char *why) {
    panic_enter();
    kprintf("\n*** KERNEL PANIC on hart %u: %s\n", this_hart()->hartid, why);
    trap_dump_frame(tf);
    backtrace_print(tf->sepc, tf->x[1], tf->x[8]);
    kprintf("*** system halted (exit status %d)\n", PANIC_EXIT_STATUS);
    machine_exit(PANIC_EXIT_STATUS);
}
