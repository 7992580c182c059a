// Periodic timer, one per hart (see kern/timer.h).
//
// Each hart programs its own next tick: with Sstc it writes its own
// stimecmp, else it asks the firmware (SBI TIME). Sstc is used on a hart
// when every usable hart's riscv,isa lists it (timer_init's want_sstc) and a
// test write of stimecmp on that hart does not trap (the firmware must have
// set menvcfg.STCE); a hart whose probe traps falls back to SBI alone.
#include "kern/timer.h"

#include "kern/hart.h"
#include "kern/riscv.h"
#include "kern/sbi.h"

// kern/trap.S-style probe: write stimecmp, 0 on success or -scause.
int64_t probe_write_stimecmp(uint64_t v);

static uint64_t timebase_hz;
static uint64_t interval;
static unsigned tick_hz;
static bool want_sstc;

static void timer_program(uint64_t when) {
    if (this_hart()->timer_sstc)
        csr_write_stimecmp(when);
    else
        sbi_set_timer(when);
}

void timer_init_hart(void) {
    struct hart *h = this_hart();
    h->timer_sstc = want_sstc && probe_write_stimecmp(UINT64_MAX) == 0;
    timer_program(csr_read_time() + interval);
    csr_set_sie(SIE_STIE);
}

bool timer_init(uint64_t timebase, unsigned hz, bool sstc) {
    if (timebase == 0 || hz == 0 || hz > 10000 || timebase / hz == 0) return false;
    timebase_hz = timebase;
    tick_hz = hz;
    interval = timebase / hz;
    want_sstc = sstc;
    timer_init_hart();
    return true;
}

void timer_interrupt(void) {
    this_hart()->ticks++;
    timer_program(csr_read_time() + interval);
}

uint64_t timer_ticks(void) { return this_hart()->ticks; }
unsigned timer_hz(void) { return tick_hz; }
uint64_t timer_timebase_hz(void) { return timebase_hz; }
const char *timer_method(void) { return this_hart()->timer_sstc ? "sstc" : "sbi-time"; }

uint64_t timer_now_ns(void) {
    uint64_t t = csr_read_time();
    if (!timebase_hz) return 0;
    return (t / timebase_hz) * 1000000000ull + (t % timebase_hz) * 1000000000ull / timebase_hz;
}
