/* int64_t usercopy_asm(void *dst, const void *src, size_t n)
 * Copy with sstatus.SUM set; 0, or -scause if a fault was not resolved
 * (kern/trap.c resumes at the fixup). Word copies when both are aligned. */
#include "kern/hart.h"
#include "kern/riscv.h"

    .section .text
    .globl usercopy_asm
usercopy_asm:
    lla     t0, 9f
    sd      t0, HART_FAULT_FIXUP(tp)
    li      t1, SSTATUS_SUM
    csrs    sstatus, t1
    or      t3, a0, a1
    andi    t3, t3, 7
    bnez    t3, 2f
1:  li      t3, 8
    bltu    a2, t3, 2f
    ld      t2, 0(a1)
    sd      t2, 0(a0)
    addi    a0, a0, 8
    addi    a1, a1, 8
    addi    a2, a2, -8
    j       1b
2:  beqz    a2, 3f
    lbu     t2, 0(a1)
    sb      t2, 0(a0)
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    a2, a2, -1
    j       2b
3:  li      t1, SSTATUS_SUM
    csrc    sstatus, t1
    sd      zero, HART_FAULT_FIXUP(tp)
    li      a0, 0
    ret
9:  li      t1, SSTATUS_SUM
    csrc    sstatus, t1
    sd      zero, HART_FAULT_FIXUP(tp)
    ld      a0, HART_FAULT_CAUSE(tp)
    neg     a0, a0
    ret
