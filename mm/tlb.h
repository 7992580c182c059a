// TLB maintenance seam. The kernel implementation (mm/tlb_riscv.c) issues
// sfence.vma; host tests link a fake that counts calls. Only mm/pt.c calls
// these: callers of pt_map/pt_unmap/pt_protect never fence by themselves.
#ifndef MM_TLB_H
#define MM_TLB_H

#include <stdint.h>
#include "mm/addr.h"

void tlb_flush_page(uint16_t asid, vaddr_t v);  // one page, one address space
void tlb_flush_asid(uint16_t asid);            // every non-global entry of asid
void tlb_flush_all(void);                      // everything, global entries too
#endif
