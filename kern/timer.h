// The periodic tick, on every hart: SBI TIME set_timer, or the Sstc
// stimecmp CSR when every hart's `riscv,isa` lists sstc and the firmware
// lets S-mode write it.
#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#include <stdbool.h>
#include <stdint.h>

// Start ticking at `hz` (1..10000) on this hart; `timebase` is the DT
// timebase-frequency. Returns false if the arguments are unusable.
// want_sstc: every usable hart lists Sstc (each hart still probes it).
bool timer_init(uint64_t timebase, unsigned hz, bool want_sstc);
// Start ticking on a secondary hart with the boot hart's settings.
void timer_init_hart(void);
void timer_interrupt(void);
uint64_t timer_ticks(void);   // ticks on this hart since timer_init
uint64_t timer_timebase_hz(void);
unsigned timer_hz(void);
const char *timer_method(void);
uint64_t timer_now_ns(void);  // rdtime converted with the timebase
#endif
