// The periodic tick: SBI TIME set_timer, or the Sstc stimecmp CSR when the
// hart's `riscv,isa` lists sstc and the firmware lets S-mode write it.
#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#include <stdbool.h>
#include <stdint.h>

// Start ticking at `hz` (1..10000) on this hart; `timebase` is the DT
// timebase-frequency. Returns false if the arguments are unusable.
bool timer_init(uint64_t timebase, unsigned hz, bool want_sstc);
void timer_interrupt(void);
uint64_t timer_ticks(void);   // ticks on this hart since timer_init
unsigned timer_hz(void);
const char *timer_method(void);
uint64_t timer_now_ns(void);  // rdtime converted with the timebase
#endif
