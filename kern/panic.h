// Fatal kernel errors: print what is known, then power off with a failure
// status (PANIC_EXIT_STATUS) so that CI sees the boot failed.
#ifndef KERN_PANIC_H
#define KERN_PANIC_H

#include <stdint.h>

#define PANIC_EXIT_STATUS 3

struct trap_frame;

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
// An exception the kernel cannot handle: cause, registers and backtrace.
__attribute__((noreturn)) void panic_trap(const struct trap_frame *tf, const char *why);
// Print a frame-pointer backtrace starting at (pc, fp).
void backtrace_print(uint64_t pc, uint64_t ra, uint64_t fp);

#define KASSERT(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)
#endif
