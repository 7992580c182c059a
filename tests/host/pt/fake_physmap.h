// Fake physical memory for the host tests of mm/pt.c.
//
// FAKE_PHYS_SIZE bytes of heap stand for RAM at FAKE_PHYS_BASE. physmap_va()
// aborts on any address outside it and on frames that are not currently
// allocated (so a table touched after it was freed is caught at once).
// fake_allocator hands out its frames (filled with garbage, so pt.c must zero
// them), counts them, and can fail the Nth allocation.
//
// The "watch" checks the TLB rule for freed tables: a table frame that was
// reachable from the watched pt since the last full fence (tlb_flush_asid of
// its ASID or tlb_flush_all) must not be returned to the allocator before
// the next one. Tests call fake_watch_note() before each pt call.
#ifndef TESTS_HOST_PT_FAKE_PHYSMAP_H
#define TESTS_HOST_PT_FAKE_PHYSMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/addr.h"
#include "mm/pt.h"

#define FAKE_PHYS_BASE 0x80000000ull
#define FAKE_PHYS_SIZE (64ull << 20)
#define FAKE_FRAMES (FAKE_PHYS_SIZE >> PAGE_SHIFT)

extern const struct pt_allocator fake_allocator;

// Forget every frame and counter (the test checks for leaks before).
void fake_mem_reset(void);
uint64_t fake_frames_in_use(void);
uint64_t fake_alloc_calls(void);  // every call, failed ones included
uint64_t fake_free_calls(void);
uint64_t fake_alloc_failures(void);  // injected failures so far
// Make the nth allocation from now fail (once); 0 disarms.
void fake_alloc_fail_nth(uint64_t n);
bool fake_frame_allocated(uint64_t p);

void fake_watch(const struct pt *pt);  // NULL: stop watching
void fake_watch_note(void);
void fake_watch_flushed(bool all, uint16_t asid);  // called by the fake TLB
uint64_t fake_violations(void);  // frames freed against the rule above
#endif
