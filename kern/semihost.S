/* RISC-V semihosting trap sequence. The three instructions must be
 * uncompressed and in one page (aligned to 16 here), or QEMU does not
 * recognise them. a0 = operation, a1 = parameter block; result in a0. */
    .section .text
    .option push
    .option norvc
    .balign 16
    .globl semihost_call
semihost_call:
    slli    zero, zero, 0x1f
    ebreak
    srai    zero, zero, 7
    ret
    .option pop
