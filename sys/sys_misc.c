// Time, sleep and the debug console (see sys/syscalls.def).
#include "kern/console.h"
#include "kern/sched.h"
#include "kern/ticks.h"
#include "kern/timer.h"
#include "sys/syscall_decls.h"
#include "sys/sys_util.h"

// zx_time_t zx_clock_get_monotonic(void)
zx_time_t sys_clock_get_monotonic(void) { return (zx_time_t)timer_now_ns(); }

// zx_ticks_t zx_ticks_per_second(void)
zx_ticks_t sys_ticks_per_second(void) { return (zx_ticks_t)ticks_per_second(); }

// zx_status_t zx_nanosleep(zx_time_t deadline)
zx_status_t sys_nanosleep(zx_time_t deadline) {
    thread_obj_set_blocked(ZX_THREAD_STATE_BLOCKED_SLEEPING);
    uint64_t f = sched_lock_irqsave();
    zx_status_t st = sched_block_locked(0, deadline, f);
    thread_obj_set_blocked(0);
    return st == ZX_ERR_TIMED_OUT ? ZX_OK : st;
}

// zx_status_t zx_debug_write(const char* buffer, size_t buffer_size)
zx_status_t sys_debug_write(uptr_t buffer, size_t buffer_size) {
    char chunk[256];
    for (size_t done = 0; done < buffer_size;) {
        size_t n = buffer_size - done < sizeof(chunk) ? buffer_size - done : sizeof(chunk);
        if (copy_from_user(chunk, uptr_add(buffer, done), n) != ZX_OK) return ZX_ERR_INVALID_ARGS;
        console_write(chunk, n);
        done += n;
    }
    return ZX_OK;
}
