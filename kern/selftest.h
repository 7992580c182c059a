// In-kernel self-tests, run with the boot argument `test`.
#ifndef KERN_SELFTEST_H
#define KERN_SELFTEST_H

#include "platform/dt.h"

// Run every self-test, print one line per case and a summary; returns the
// number of failed cases.
int selftest_run(const struct dt_info *dt);

// The PLIC with the console UART's interrupt (kern/selftest_plic.c).
bool selftest_plic(const struct dt_info *dt);

// panic=fault: an unhandled kernel page fault; panic=stack: overflow the
// kernel stack into its guard page; panic=assert: a failed KASSERT.
__attribute__((noreturn)) void selftest_provoke_panic(const char *what);
#endif
