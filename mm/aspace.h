// User address spaces: an Sv39 table whose upper half is the kernel's (the
// root entries are copied at creation; every kernel root entry exists before
// the first address space and never changes) and whose lower half
// [USER_ASPACE_BASE, USER_ASPACE_TOP) belongs to one process, plus an ASID
// (mm/asid.h generations) and the set of harts that may cache its entries
// (pt.harts, which TLB shootdowns target: mm/tlb.h).
#ifndef MM_ASPACE_H
#define MM_ASPACE_H

#include <stdint.h>
#include <zircon/types.h>

#include "mm/pt.h"

#define USER_ASPACE_BASE 0x0000000000001000ull
#define USER_ASPACE_TOP 0x0000004000000000ull  // end of the Sv39 lower half

struct aspace {
    struct pt pt;
    uint64_t asid_gen;  // generation of pt.asid; 0: none yet
};

// The ASID width to use (the hardware's, or less: boot argument asid.bits).
void aspace_init(unsigned asid_bits);
unsigned aspace_asid_bits(void);
uint64_t aspace_asid_rollovers(void);
// Harts that must flush everything before using a current-generation ASID.
uint64_t aspace_flush_pending(void);

zx_status_t aspace_create(struct aspace **out);
// Free the tables (user mappings must already be gone or are dropped here).
// Waits until no other hart runs in it (a dying thread's hart leaving it).
void aspace_destroy(struct aspace *as);
// Switch this hart to `as` (NULL: the kernel's own table).
void aspace_activate(struct aspace *as);
// IPI_TLB_FLUSH handler: renew the running space's ASID if needed and flush.
void aspace_flush_after_rollover(void);

static inline bool user_range_ok(uint64_t addr, uint64_t len) {
    return addr >= USER_ASPACE_BASE && addr < USER_ASPACE_TOP && len <= USER_ASPACE_TOP - addr;
}
#endif
