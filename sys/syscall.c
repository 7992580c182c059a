// System call dispatch (see sys/syscall.h). The table itself is generated
// from sys/syscalls.def into the build directory (sys_table.c).
#include "sys/syscall.h"

#include "mm/page_alloc.h"
#include "obj/vmo.h"
#include "sys/syscall_decls.h"

// Memory pressure: below this many free pages the kernel discards unlocked
// discardable VMOs (least recently unlocked first). Checked where no lock is
// held: at every system call and user page fault.
static uint64_t low_watermark(void) {
    uint64_t total = page_buddy()->total_pages;
    return total / 32 > 256 ? total / 32 : 256;
}

void reclaim_if_low(void) {
    uint64_t free = page_free_estimate(), low = low_watermark();
    if (free < low) vmo_reclaim_discardable(2 * low - free);
}

void syscall_dispatch(struct trap_frame *tf) {
    uint64_t num = tf->x[5];  // t0
    reclaim_if_low();
    tf->sepc += 4;            // ecall is never compressed
    if (num >= ZXRV_SYS_COUNT) {
        tf->x[10] = (uint64_t)(int64_t)ZX_ERR_BAD_SYSCALL;
        return;
    }
    uint64_t args[8] = {tf->x[10], tf->x[11], tf->x[12], tf->x[13], tf->x[14], tf->x[15], tf->x[16], tf->x[17]};
    tf->x[10] = (uint64_t)syscall_table[num].fn(args);
}
