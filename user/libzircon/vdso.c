// The `vdso` system calls of sys/syscalls.def: answered in user space,
// without entering the kernel (tools/gen-syscalls.py generates no stub for
// them). Each has its _zx_ alias, as the generated stubs do.
#include <zircon/syscalls.h>
#include <zircon/time.h>

uint32_t zx_system_get_page_size(void) {
    return 4096u;
}

// The `time` CSR: the kernel lets user mode read it (scounteren.TM), and it
// counts at zx_ticks_per_second(), the device tree's timebase-frequency.
zx_instant_mono_ticks_t zx_ticks_get(void) {
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return (zx_instant_mono_ticks_t)t;
}

zx_instant_mono_t zx_deadline_after(zx_duration_mono_t nanoseconds) {
    return zx_time_add_duration(zx_clock_get_monotonic(), nanoseconds);
}

uint32_t _zx_system_get_page_size(void) __attribute__((alias("zx_system_get_page_size")));
zx_instant_mono_ticks_t _zx_ticks_get(void) __attribute__((alias("zx_ticks_get")));
zx_instant_mono_t _zx_deadline_after(zx_duration_mono_t nanoseconds) __attribute__((alias("zx_deadline_after")));
