// The kernel address space: the final kernel page table, the MMIO window
// and guarded kernel stacks (layout in boot/layout.h).
#ifndef MM_KASPACE_H
#define MM_KASPACE_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "mm/pt.h"
#include "platform/dt.h"

// Build the final table (image with per-section permissions, direct map of
// all RAM and of the DTB), detect ASID support, and switch to it.
void kaspace_init(const struct dt_info *dt, uint64_t load_pa, uint64_t dtb_pa);

struct pt *kaspace_pt(void);
unsigned kaspace_asid_bits(void);  // the boot hart's
// This hart's ASID width (a hart on the kernel's table): every hart probes
// its own at start, and the kernel uses the narrowest (kern/smp.c).
unsigned kaspace_probe_asid_bits(void);

// Turn on Svpbmt memory types (pt_set_svpbmt) if a read through an NC
// mapping works: the DT may list Svpbmt while the firmware left
// menvcfg.PBMTE clear, and then any PBMT bit faults. Call once, after
// kaspace_init and before the first ioremap, only if every hart has Svpbmt
// (board_all_harts_svpbmt). Returns whether it is on.
bool kaspace_enable_svpbmt(void);

// Map `size` bytes of device registers at physical `base` (page granular;
// memory type IO when Svpbmt is on, else uncached by the platform's PMAs)
// into the MMIO window. Returns the virtual address of `base`, or 0 if the
// window is full or the range is bad.
void *ioremap(uint64_t base, uint64_t size);

// A kernel stack of KSTACK_PAGES pages with an unmapped guard page below it.
zx_status_t kstack_alloc(uint64_t *out_top, uint64_t *out_lo);
// Unmap and free the stack whose lowest byte is `lo`.
void kstack_free(uint64_t lo);
#endif
