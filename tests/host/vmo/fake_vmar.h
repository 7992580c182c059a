// Fake of obj/vmar.c's vmar_unmap_vmo_pages for the VMO host tests (obj/vmar.c
// itself needs page tables and address spaces): it records every call and
// checks the contract obj/vmo_*.c must keep when it calls it:
//   - the VMO lock is not held and the VMO is in its busy section (for a
//     slice: its slice root, whose pages are leaving);
//   - every page of the range is already out of the tree (checked page by
//     page for ranges up to 4096 pages, at both ends for longer ones), or
//     shared copy-on-write (a snapshot was just taken), or, in a VMO with a
//     copy-on-write parent or children, a private copy that just replaced a
//     shared page;
//   - the detached pages are not freed yet (the pages in use are recorded so
//     a test can compare).
// An optional hook runs inside each call (e.g. to read the VMO meanwhile).
#ifndef TESTS_HOST_VMO_FAKE_VMAR_H
#define TESTS_HOST_VMO_FAKE_VMAR_H

#include <stdbool.h>
#include <stdint.h>

#include "obj/vmo.h"

struct fake_unmap_call {
    struct vmo *vmo;
    uint64_t off, len;
    uint64_t pages_in_use;  // fake_pages_in_use() at the call
};

#define FAKE_UNMAP_LOG 1024

void fake_unmap_reset(void);
long fake_unmap_calls(void);                        // calls since the reset
const struct fake_unmap_call *fake_unmap_call(long i);  // the i-th (i < FAKE_UNMAP_LOG)
uint64_t fake_unmap_bytes(void);                    // sum of the lengths
long fake_unmap_violations(void);                   // contract breaches seen (each printed)
void fake_unmap_set_hook(void (*hook)(struct vmo *v, uint64_t off, uint64_t len));
#endif
