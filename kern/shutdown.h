// Powering the machine off with a status that QEMU passes to its caller.
//
// Paths, in order of preference:
//  1. RISC-V semihosting SYS_EXIT, only when the boot argument `semihosting`
//     says QEMU was started with -semihosting-config (otherwise the ebreak
//     would just trap); works on virt and sifive_u.
//  2. The "sifive,test0" device named by the DT (QEMU virt): 0x5555 = pass,
//     (code << 16) | 0x3333 = fail with `code`.
//  3. SBI SRST system reset (a board without either; OpenSBI 1.1 drops the
//     failure status there).
#ifndef KERN_SHUTDOWN_H
#define KERN_SHUTDOWN_H

#include <stdbool.h>
#include <stdint.h>

void shutdown_set_semihosting(bool on);
void shutdown_set_test_device(volatile uint32_t *regs);
const char *shutdown_method(void);
__attribute__((noreturn)) void machine_exit(int status);

// kern/semihost.S: the RISC-V semihosting call (a0 = op, a1 = parameter block).
uint64_t semihost_call(uint64_t op, uint64_t arg);
#endif
