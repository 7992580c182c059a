// Periodic timer (see kern/timer.h).
#include "kern/timer.h"

#include "kern/hart.h"
#include "kern/riscv.h"
#include "kern/sbi.h"

// kern/trap.S-style probe: write stimecmp, 0 on success or -scause.
int64_t probe_write_stimecmp(uint64_t v);

static uint64_t timebase_hz;
static uint64_t interval;
static unsigned tick_hz;
static bool use_sstc;

static void timer_program(uint64_t when) {
    if (use_sstc)
        csr_write_stimecmp(when);
    else
        sbi_set_timer(when);
}

bool timer_init(uint64_t timebase, unsigned hz, bool want_sstc) {
    if (timebase == 0 || hz == 0 || hz > 10000 || timebase / hz == 0) return false;
    timebase_hz = timebase;
    tick_hz = hz;
    interval = timebase / hz;
    use_sstc = want_sstc && probe_write_stimecmp(UINT64_MAX) == 0;
    timer_program(csr_read_time() + interval);
    csr_set_sie(SIE_STIE);
    return true;
}

void timer_interrupt(void) {
    this_hart()->ticks++;
    timer_program(csr_read_time() + interval);
}

uint64_t timer_ticks(void) { return this_hart()->ticks; }
unsigned timer_hz(void) { return tick_hz; }
const char *timer_method(void) { return use_sstc ? "sstc" : "sbi-time"; }

uint64_t timer_now_ns(void) {
    uint64_t t = csr_read_time();
    if (!timebase_hz) return 0;
    return (t / timebase_hz) * 1000000000ull + (t % timebase_hz) * 1000000000ull / timebase_hz;
}
