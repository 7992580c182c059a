// TLB shootdowns (kernel only; see mm/tlb.h).
//
// Who is fenced: for a user table, the harts in pt->harts (those that ran it
// since its ASID was last renewed, mm/aspace.c); for the kernel's table,
// every hart online. How: this hart with sfence.vma, the others with one
// SBI RFENCE call, which returns after they all fenced (the firmware
// interrupts them in M-mode, so it works while they run with interrupts
// off in the kernel). A hart still waiting for its flush after an ASID
// generation rollover may hold the table's entries under an older ASID, so
// it gets a fence for every ASID; so does everything of the kernel's table,
// whose leaves are global (a fence naming an ASID skips global entries).
//
// Ordering: callers changed the PTEs before calling (under the table lock);
// the fence below orders those stores before the reads of pt->harts and the
// ASID, which pair with the atomic_or and satp write of aspace_activate.
#include "mm/tlb.h"

#include "kern/hart.h"
#include "kern/sbi.h"
#include "kern/smp.h"
#include "mm/aspace.h"
#include "mm/pt.h"

#define ALL (~0ull)

static void local_fence(uint64_t start, uint64_t size, bool any_asid, uint16_t asid) {
    if (size == ALL) {
        if (any_asid)
            __asm__ volatile("sfence.vma zero, zero" ::: "memory");
        else
            __asm__ volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid) : "memory");
        return;
    }
    for (uint64_t a = start; a < start + size; a += PAGE_SIZE) {
        if (any_asid)
            __asm__ volatile("sfence.vma %0, zero" ::"r"(a) : "memory");
        else
            __asm__ volatile("sfence.vma %0, %1" ::"r"(a), "r"((uint64_t)asid) : "memory");
    }
}

// One RFENCE for the harts of `mask` (hart indices): hart ids within 64 of
// the lowest go in one call, the rest one by one.
static void remote_fence(uint64_t mask, uint64_t start, uint64_t size, bool any_asid, uint16_t asid) {
    uint64_t base = ~0ull;
    for (unsigned i = 0; i < hart_count; i++)
        if ((mask >> i) & 1 && harts[i].hartid < base) base = harts[i].hartid;
    uint64_t ids = 0;
    for (unsigned i = 0; i < hart_count; i++) {
        if (!((mask >> i) & 1)) continue;
        uint64_t id = harts[i].hartid;
        if (id - base < 64) {
            ids |= 1ull << (id - base);
        } else if (any_asid) {
            sbi_remote_sfence_vma(1, id, start, size);
        } else {
            sbi_remote_sfence_vma_asid(1, id, start, size, asid);
        }
    }
    if (!ids) return;
    if (any_asid)
        sbi_remote_sfence_vma(ids, base, start, size);
    else
        sbi_remote_sfence_vma_asid(ids, base, start, size, asid);
}

static void shoot(const struct pt *pt, uint64_t start, uint64_t size) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint64_t me = 1ull << this_hart()->index;
    uint64_t online = smp_online_mask();
    uint64_t targets = pt->kernel ? online : __atomic_load_n(&pt->harts, __ATOMIC_ACQUIRE) & online;
    uint16_t asid = __atomic_load_n(&pt->asid, __ATOMIC_ACQUIRE);
    uint64_t any = pt->kernel ? targets : targets & aspace_flush_pending();
    if (targets & me) local_fence(start, size, (any & me) != 0, asid);
    targets &= ~me;
    any &= ~me;
    if (any) remote_fence(any, start, size, true, 0);
    if (targets & ~any) remote_fence(targets & ~any, start, size, false, asid);
}

void tlb_flush_page(const struct pt *pt, vaddr_t v) { shoot(pt, va_val(v), PAGE_SIZE); }

void tlb_flush_pt(const struct pt *pt) { shoot(pt, 0, ALL); }

void tlb_flush_all(void) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint64_t others = smp_online_mask() & ~(1ull << this_hart()->index);
    local_fence(0, ALL, true, 0);
    if (others) remote_fence(others, 0, ALL, true, 0);
}

void tlb_flush_local_page(vaddr_t v) { local_fence(va_val(v), PAGE_SIZE, true, 0); }
