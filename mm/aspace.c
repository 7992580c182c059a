// User address spaces (see mm/aspace.h).
//
// ASIDs come from mm/asid.h's generations, assigned when an address space is
// first activated and renewed at its first activation in a newer generation.
// pt.harts holds the harts that may cache the table's entries: a hart sets
// its bit (before writing satp) each time it activates the table; the set is
// cut back when the ASID is renewed, to the harts that have not flushed since
// the rollover (only they may hold entries under the old ASID). Without ASIDs
// a hart drops its own bit when it switches away, since it flushes at every
// switch.
//
// flush_pending: harts that must flush their whole TLB before running under
// an ASID of the current generation (set for all at a rollover, which also
// asks them by IPI to flush at once; each hart clears its own bit after it
// flushed, in aspace_activate or from the IPI handler).
//
// Locking: asid_lk guards the generation, the next ASID and every
// (asid_gen, asid) change; taken only on the slow path of aspace_activate.
// It is a leaf apart from sending IPIs.
#include "mm/aspace.h"

#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/riscv.h"
#include "kern/smp.h"
#include "kern/spinlock.h"
#include "kern/string.h"
#include "kern/timer.h"
#include "mm/asid.h"
#include "mm/kaspace.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "mm/tlb.h"

static struct asid_space asids;
static struct spinlock asid_lk = SPINLOCK_INIT("asid");
static uint64_t flush_pending;

void aspace_init(unsigned bits) { asid_space_init(&asids, bits); }
unsigned aspace_asid_bits(void) { return asids.bits; }
uint64_t aspace_asid_rollovers(void) { return __atomic_load_n(&asids.rollovers, __ATOMIC_RELAXED); }
uint64_t aspace_flush_pending(void) { return __atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE); }

zx_status_t aspace_create(struct aspace **out) {
    struct aspace *as = kzalloc(sizeof(*as));
    if (!as) return ZX_ERR_NO_MEMORY;
    zx_status_t st = pt_init(&as->pt, &page_pt_allocator, 0);
    if (st != ZX_OK) {
        kfree(as);
        return st;
    }
    as->asid_gen = 0;  // no ASID until first activated
    // Share the kernel half: copy root entries 256..511.
    uint64_t *mine = physmap_va(as->pt.root);
    const uint64_t *kern = physmap_va(kaspace_pt()->root);
    memcpy(mine + 256, kern + 256, 256 * sizeof(uint64_t));
    *out = as;
    return ZX_OK;
}

// Wait (bounded) until no other hart has `as` in satp: a hart whose last
// thread of the process is exiting may still be on its way out of it.
static void wait_inactive(struct aspace *as) {
    uint64_t t0 = csr_read_time(), limit = timer_timebase_hz() * 30;  // a hang diagnostic, not a deadline
    for (unsigned i = 0; i < hart_count; i++) {
        while (__atomic_load_n(&harts[i].active_as, __ATOMIC_ACQUIRE) == as) {
            if (limit && csr_read_time() - t0 > limit)
                panic("aspace_destroy: hart %u still runs the address space being destroyed", harts[i].hartid);
        }
    }
}

void aspace_destroy(struct aspace *as) {
    if (this_hart()->active_as == as) aspace_activate(0);
    wait_inactive(as);
    // The upper half's tables are the kernel's: detach them before pt_destroy
    // (which fences every hart in as->pt.harts before freeing the tables).
    uint64_t *mine = physmap_va(as->pt.root);
    memset(mine + 256, 0, 256 * sizeof(uint64_t));
    pt_destroy(&as->pt);
    kfree(as);
}

// A fresh ASID for `as` (asid_lk held).
static void renew_locked(struct aspace *as) {
    uint64_t gen;
    bool rolled;
    uint16_t a = asid_assign(&asids, &gen, &rolled);
    if (rolled) {
        uint64_t all = smp_online_mask();
        __atomic_fetch_or(&flush_pending, all, __ATOMIC_SEQ_CST);
        smp_send_ipi_mask(all & ~(1ull << this_hart()->index), IPI_TLB_FLUSH);
    }
    uint64_t keep = __atomic_load_n(&as->pt.harts, __ATOMIC_ACQUIRE) & aspace_flush_pending();
    __atomic_store_n(&as->pt.harts, keep, __ATOMIC_RELEASE);
    __atomic_store_n(&as->pt.asid, a, __ATOMIC_RELEASE);
    __atomic_store_n(&as->asid_gen, gen, __ATOMIC_RELEASE);
}

void aspace_activate(struct aspace *as) {
    struct hart *h = this_hart();
    uint64_t me = 1ull << h->index;
    struct aspace *prev = h->active_as;
    if (!as) {
        csr_write_satp(pt_satp(kaspace_pt()));
    } else {
        uint64_t gen = __atomic_load_n(&as->asid_gen, __ATOMIC_ACQUIRE);
        if (gen != __atomic_load_n(&asids.generation, __ATOMIC_ACQUIRE)) {
            uint64_t f = spin_lock_irqsave(&asid_lk);
            if (as->asid_gen != asids.generation) renew_locked(as);
            spin_unlock_irqrestore(&asid_lk, f);
        }
        __atomic_fetch_or(&as->pt.harts, me, __ATOMIC_SEQ_CST);
        csr_write_satp(pt_satp(&as->pt));
        if (asids.max == 0) __asm__ volatile("sfence.vma zero, zero" ::: "memory");  // every space is ASID 0
    }
    if (__atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE) & me) {
        __asm__ volatile("sfence.vma zero, zero" ::: "memory");
        __atomic_fetch_and(&flush_pending, ~me, __ATOMIC_SEQ_CST);
    }
    if (prev && prev != as && asids.max == 0) __atomic_fetch_and(&prev->pt.harts, ~me, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->active_as, as, __ATOMIC_RELEASE);
}

void aspace_flush_after_rollover(void) {
    // Re-activating renews the running space's ASID first if it is from an
    // older generation, then flushes (flush_pending) and clears our bit.
    aspace_activate(this_hart()->active_as);
}
