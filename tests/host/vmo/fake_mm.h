// Fakes of the kernel's memory services for the VMO host tests, so that
// obj/vmo_*.c (and obj/object.c) build unchanged with the machine's compiler:
//   - page_alloc/page_free (mm/page_alloc.h) over a heap buffer of N pages
//     posing as RAM at FAKE_PHYS_BASE: next-fit, any order (naturally
//     aligned blocks), a failure-injection knob, counters; a new block is
//     filled with garbage (0xa5) so the VMO must zero what it hands out, a
//     freed one with 0x5a. A double, unaligned, foreign or wrong-order free
//     aborts, as the kernel's page_free panics;
//   - page_share/page_release/page_users with a per-frame count; page_free
//     of a page that still has other users aborts;
//   - physmap_va (mm/physmap.h) for that buffer; it aborts on an address
//     outside the fake RAM or in a free frame (catches use after free);
//   - kzalloc/kfree/kheap_stats (mm/kheap.h) on calloc/free, with a live
//     counter and a failure knob; kfree of anything else aborts.
// Not thread safe (the VMO tests are single threaded).
#ifndef TESTS_HOST_VMO_FAKE_MM_H
#define TESTS_HOST_VMO_FAKE_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/addr.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"

#define FAKE_PHYS_BASE 0x80000000ull

// (Re)create the fake RAM with `npages` frames, all free, counters and knobs
// reset. Aborts if frames of the previous RAM are still allocated.
void fake_ram_init(uint64_t npages);
uint64_t fake_ram_pages(void);
// Frames allocated now (a block of order k counts 2^k).
uint64_t fake_pages_in_use(void);
uint64_t fake_page_allocs(void);    // successful page_alloc calls
uint64_t fake_page_frees(void);     // page_free calls
uint64_t fake_page_failures(void);  // page_alloc calls refused (knob or full)
// n >= 0: let n more page_alloc calls succeed, then refuse every one;
// n < 0: never refuse (the default).
void fake_page_fail_after(long n);
// Is p the first frame of an allocated block?
bool fake_page_allocated(paddr_t p);
// Index of the frame holding p, or -1 when p is outside the fake RAM.
long fake_frame_index(paddr_t p);

// Heap knobs, as tests/host/obj/fake_kheap.h.
void fake_kheap_fail_after(long n);
long fake_kheap_live(void);
#endif
