// System call dispatch: the generated table (sys/syscalls.def) and the
// argument checks its wrappers use.
#ifndef SYS_SYSCALL_H
#define SYS_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/trap.h"
#include "mm/aspace.h"
#include "sys/uptr.h"

struct syscall_desc {
    const char *name;
    uint32_t nargs;
    int64_t (*fn)(const uint64_t *args);
};

extern const struct syscall_desc syscall_table[];

// A pointer argument: NULL only if optional; else inside user space and
// aligned to `align` bytes.
static inline bool sys_uptr_ok(uint64_t addr, uint64_t align, bool optional) {
    if (addr == 0) return optional;
    return addr >= USER_ASPACE_BASE && addr < USER_ASPACE_TOP && (addr & (align - 1)) == 0;
}

// Route an ecall from U-mode: t0 = number, a0..a7 = arguments, a0 = result.
void syscall_dispatch(struct trap_frame *tf);
// Discard unlocked discardable VMOs if free memory is below the watermark.
// Call only with no lock held.
void reclaim_if_low(void);
#endif
