// TLB maintenance seam. The kernel implementation (mm/tlb_riscv.c) fences
// the local hart with sfence.vma and every other hart that may cache the
// table's entries (pt->harts) through SBI RFENCE, and returns once all of
// them have fenced; host tests link a fake that counts calls. Only mm/pt.c
// and mm/aspace.c call these (plus the local retries below): callers of
// pt_map/pt_unmap/pt_protect never fence by themselves.
#ifndef MM_TLB_H
#define MM_TLB_H

#include <stdint.h>
#include "mm/addr.h"

struct pt;

void tlb_flush_page(const struct pt *pt, vaddr_t v);  // one page of pt
void tlb_flush_pt(const struct pt *pt);               // every entry of pt (non-global ones; all for the kernel's)
void tlb_flush_all(void);                             // everything, global entries too, on every hart

// This hart only, every ASID: a retry after a fault that a stale entry of
// this hart caused.
void tlb_flush_local_page(vaddr_t v);
#endif
