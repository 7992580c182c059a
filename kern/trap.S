/* Trap entry and exit.
 *
 * sscratch always holds this hart's `struct hart *` (kern/hart.h). Entry
 * swaps it into tp, spills t0, and picks a stack: from U-mode the hart's
 * kernel stack; from S-mode the current stack, unless that would run into
 * the guard page below it (a kernel stack overflow), in which case the hart's
 * emergency stack, so the overflow still ends in a readable panic.
 * The whole register frame (struct trap_frame) is saved, then trap_handle()
 * runs with interrupts off.
 */
#include "kern/hart.h"
#include "kern/riscv.h"
#include "kern/trap.h"

    .section .text
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw   tp, sscratch, tp
    sd      t0, HART_SCRATCH0(tp)
    sd      sp, HART_SAVED_SP(tp)
    csrr    t0, sstatus
    andi    t0, t0, SSTATUS_SPP
    bnez    t0, from_kernel
    ld      sp, HART_KSTACK_TOP(tp)
    addi    sp, sp, -TRAP_FRAME_SIZE
    j       save
from_kernel:
    addi    sp, sp, -TRAP_FRAME_SIZE
    ld      t0, HART_KSTACK_LO(tp)
    bgeu    sp, t0, save
    ld      sp, HART_EMERG_TOP(tp)        /* overflow: switch stacks */
    addi    sp, sp, -TRAP_FRAME_SIZE
save:
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
    ld      t0, HART_SCRATCH0(tp)
    sd      t0, 5*8(sp)
    ld      t0, HART_SAVED_SP(tp)
    sd      t0, 2*8(sp)
    csrr    t0, sscratch                  /* the interrupted tp */
    sd      t0, 4*8(sp)
    csrw    sscratch, tp                  /* sscratch = hart again */
    csrr    t0, sepc
    sd      t0, TF_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)
    csrr    t0, scause
    sd      t0, TF_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, TF_STVAL(sp)
    sd      zero, 0(sp)
    mv      s0, zero                      /* backtraces stop at the trap */
    mv      a0, sp
    call    trap_handle
    mv      a0, sp

    .globl trap_return
trap_return:                               /* a0 = frame */
    mv      sp, a0
    ld      t0, TF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, TF_SSTATUS(sp)
    csrw    sstatus, t0
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    ld      x2, 2*8(sp)
    sret

/* int64_t probe_read_u64(uint64_t addr, uint64_t *out): see kern/trap.h. */
    .globl probe_read_u64
probe_read_u64:
    lla     t0, 1f
    sd      t0, HART_FAULT_FIXUP(tp)
    ld      t1, 0(a0)
    sd      zero, HART_FAULT_FIXUP(tp)
    sd      t1, 0(a1)
    li      a0, 0
    ret
1:  sd      zero, HART_FAULT_FIXUP(tp)
    ld      a0, HART_FAULT_CAUSE(tp)
    neg     a0, a0
    ret

/* int64_t probe_write_stimecmp(uint64_t v): 0, or -scause if the write
 * trapped (no Sstc, or the firmware did not set menvcfg.STCE). */
    .globl probe_write_stimecmp
probe_write_stimecmp:
    lla     t0, 1f
    sd      t0, HART_FAULT_FIXUP(tp)
    csrw    0x14d, a0
    sd      zero, HART_FAULT_FIXUP(tp)
    li      a0, 0
    ret
1:  sd      zero, HART_FAULT_FIXUP(tp)
    ld      a0, HART_FAULT_CAUSE(tp)
    neg     a0, a0
    ret

/* int64_t probe_write_u64(uint64_t addr, uint64_t v): 0, or -scause. */
    .globl probe_write_u64
probe_write_u64:
    lla     t0, 1f
    sd      t0, HART_FAULT_FIXUP(tp)
    sd      a1, 0(a0)
    sd      zero, HART_FAULT_FIXUP(tp)
    li      a0, 0
    ret
1:  sd      zero, HART_FAULT_FIXUP(tp)
    ld      a0, HART_FAULT_CAUSE(tp)
    neg     a0, a0
    ret
