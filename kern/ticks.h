// The tick rate user space sees: zx_ticks_per_second() is the rate of the
// `time` CSR that zx_ticks_get() reads (rdtime), the device tree's
// timebase-frequency. Fuchsia's kernel writes it into the vDSO's constants
// when it sets up user space; here userboot records it before starting init
// and zx_ticks_per_second asks the kernel (sys/sys_misc.c).
#ifndef KERN_TICKS_H
#define KERN_TICKS_H

#include <stdint.h>

// Record the rate (called once, before any user thread runs; not locked).
void ticks_set_per_second(uint64_t hz);
// The recorded rate (0 before ticks_set_per_second).
uint64_t ticks_per_second(void);
#endif
