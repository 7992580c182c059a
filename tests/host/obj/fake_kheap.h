// A fake kernel heap for the obj/ host tests: kzalloc/kfree (mm/kheap.h) on
// top of calloc/free, with a failure-injection knob and live counters.
// Counters are atomics so threaded tests can use it.
#ifndef TESTS_HOST_OBJ_FAKE_KHEAP_H
#define TESTS_HOST_OBJ_FAKE_KHEAP_H

#include "mm/kheap.h"

// n >= 0: let n more allocations succeed, then fail every one after;
// n < 0: never fail (the default).
void fake_kheap_fail_after(long n);
// Blocks allocated and not freed.
long fake_kheap_live(void);
// Successful allocations so far, and refused ones.
long fake_kheap_allocs(void);
long fake_kheap_failures(void);
#endif
