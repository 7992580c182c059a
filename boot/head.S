/* Kernel entry from the boot firmware (OpenSBI, or U-Boot's booti).
 *
 * The image begins with the 64-byte RISC-V Linux Image header so that U-Boot
 * `booti` and OpenSBI payload loaders accept it. Entry contract (SBI / Linux
 * boot protocol): S-mode, MMU off, a0 = hart id, a1 = physical address of the
 * DTB, image at a 2 MiB aligned physical address.
 *
 * Only one hart may run the kernel's boot path: the first to win
 * boot_lottery; any other hart that enters here parks in wfi forever (with
 * OpenSBI's HSM the other harts never enter at all). The kernel starts the
 * others itself, at secondary_entry (kern/smp.c).
 *
 * Early boot runs at the physical load address with everything addressed
 * PC-relatively, builds boot/early.c's page tables, turns on Sv39 and jumps to
 * the higher half, where kmain() runs.
 */
#include "boot/layout.h"
#include "kern/riscv.h"
#include "kern/hart.h"

    .section .text.head, "ax"
    .option push
    .option norvc                 /* the first instruction must be 4 bytes */
    .globl _start
_start:
    j       real_start            /* code0 */
    .word   0                     /* code1 */
    .dword  0x200000              /* text_offset: load 2 MiB above RAM base */
    .dword  __image_size          /* effective image size, bss included */
    .dword  0                     /* flags: bit 0 = 0, little endian */
    .word   2                     /* version 0.2 (major << 16 | minor) */
    .word   0                     /* res1 */
    .dword  0                     /* res2 */
    .ascii  "RISCV\0\0\0"         /* magic (deprecated) */
    .ascii  "RSC\x05"             /* magic2 */
    .word   0                     /* res3: PE/COFF header offset, none */
    .option pop

real_start:
    csrr    s3, instret           /* instructions retired before the kernel ran */
    csrw    sie, zero
    csrw    satp, zero
    mv      s0, a0                /* hart id */
    mv      s1, a1                /* DTB physical address */

    lla     t0, boot_lottery
    li      t1, 1
    amoswap.w.aq t1, t1, (t0)
    bnez    t1, park

    /* zero .bss (physical addresses: we run at the load address) */
    lla     t0, __bss_start
    lla     t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    lla     sp, boot_stack_top
    lla     s2, _start            /* physical load address */
    mv      a0, s2
    mv      a1, s1
    call    early_map             /* returns satp value in a0 */
    lla     t0, boot_satp
    sd      a0, 0(t0)             /* kept for the secondary harts */
    sfence.vma
    ld      t0, high_entry_addr   /* absolute (link-time) address of high_entry */
    csrw    satp, a0
    sfence.vma
    jr      t0

park:
    wfi
    j       park

/* Secondary harts, started by kern/smp.c through SBI HSM hart_start: a0 =
 * hart id, a1 = opaque = the (higher-half) address of its struct hart, MMU
 * off, at the physical address of this label. Switch to the boot page table
 * (it maps this code both here and in the higher half), jump up, switch to
 * the kernel's final table, take the hart's stack and continue in C. */
    .globl secondary_entry
secondary_entry:
    csrw    sie, zero
    lla     t0, boot_satp
    ld      t0, 0(t0)
    sfence.vma
    csrw    satp, t0
    sfence.vma
    ld      t0, secondary_high_addr
    jr      t0

secondary_high:
    la      t0, kernel_satp
    ld      t0, 0(t0)
    csrw    satp, t0
    sfence.vma
    mv      tp, a1
    ld      sp, HART_KSTACK_TOP(tp)
    mv      s0, zero
    mv      ra, zero
    mv      a0, a1
    call    smp_secondary_main
4:  wfi
    j       4b

high_entry:
    /* Now at the link address. Fresh stack pointer in the higher half. */
    lla     sp, boot_stack_top
    mv      a0, s0                /* hart id */
    mv      a1, s1                /* DTB pa */
    mv      a2, s2                /* load pa */
    mv      a3, s3                /* instret at entry */
    call    kmain
3:  wfi
    j       3b

    .section .rodata
    .balign 8
high_entry_addr:
    .dword  high_entry
secondary_high_addr:
    .dword  secondary_high

    .section .data
    .balign 4
boot_lottery:
    .word   0
    .balign 8
    .globl boot_satp, kernel_satp
boot_satp:                        /* satp of the early table (boot/early.c) */
    .dword  0
kernel_satp:                      /* satp of the final kernel table (mm/kaspace.c) */
    .dword  0

    .section .bss
    .balign 16
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip   BOOT_STACK_SIZE
boot_stack_top:
