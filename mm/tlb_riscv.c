// sfence.vma wrappers (kernel only; see mm/tlb.h).
// SMP note: these fence the local hart only. Remote shootdowns through SBI
// RFENCE come with SMP bring-up.
#include "mm/tlb.h"

void tlb_flush_page(uint16_t asid, vaddr_t v) {
    __asm__ volatile("sfence.vma %0, %1" ::"r"(va_val(v)), "r"((uint64_t)asid) : "memory");
}

void tlb_flush_asid(uint16_t asid) {
    __asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid) : "memory");
}

void tlb_flush_all(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
