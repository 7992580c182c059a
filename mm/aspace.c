// User address spaces (see mm/aspace.h).
//
// ASIDs: 1 .. 2^bits - 1 from a bitmap (0 is the kernel's). With no ASID
// support every address space runs as ASID 0 and a switch flushes the TLB.
// Locking: asid_lk guards the bitmap (a leaf).
#include "mm/aspace.h"

#include "kern/panic.h"
#include "kern/riscv.h"
#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/kaspace.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "mm/tlb.h"

#define ASID_MAX 65536
static uint64_t asid_used[ASID_MAX / 64];
static struct spinlock asid_lk = SPINLOCK_INIT("asid");

static uint16_t asid_alloc(void) {
    unsigned bits = kaspace_asid_bits();
    if (bits == 0) return 0;
    uint32_t limit = 1u << (bits > 16 ? 16 : bits);
    uint64_t f = spin_lock_irqsave(&asid_lk);
    for (uint32_t a = 1; a < limit; a++) {
        if (!(asid_used[a / 64] & (1ull << (a % 64)))) {
            asid_used[a / 64] |= 1ull << (a % 64);
            spin_unlock_irqrestore(&asid_lk, f);
            return (uint16_t)a;
        }
    }
    spin_unlock_irqrestore(&asid_lk, f);
    return 0;  // out of ASIDs: share 0 and flush on switch
}

static void asid_free(uint16_t a) {
    if (a == 0) return;
    uint64_t f = spin_lock_irqsave(&asid_lk);
    asid_used[a / 64] &= ~(1ull << (a % 64));
    spin_unlock_irqrestore(&asid_lk, f);
}

zx_status_t aspace_create(struct aspace **out) {
    struct aspace *as = kzalloc(sizeof(*as));
    if (!as) return ZX_ERR_NO_MEMORY;
    uint16_t asid = asid_alloc();
    zx_status_t st = pt_init(&as->pt, &page_pt_allocator, asid);
    if (st != ZX_OK) {
        asid_free(asid);
        kfree(as);
        return st;
    }
    // Share the kernel half: copy root entries 256..511.
    uint64_t *mine = physmap_va(as->pt.root);
    const uint64_t *kern = physmap_va(kaspace_pt()->root);
    memcpy(mine + 256, kern + 256, 256 * sizeof(uint64_t));
    *out = as;
    return ZX_OK;
}

void aspace_destroy(struct aspace *as) {
    // The upper half's tables are the kernel's: detach them before pt_destroy.
    uint64_t *mine = physmap_va(as->pt.root);
    memset(mine + 256, 0, 256 * sizeof(uint64_t));
    uint16_t asid = as->pt.asid;
    pt_destroy(&as->pt);
    tlb_flush_asid(asid);
    asid_free(asid);
    kfree(as);
}

void aspace_activate(struct aspace *as) {
    struct pt *pt = as ? &as->pt : kaspace_pt();
    csr_write_satp(pt_satp(pt));
    if (pt->asid == 0 && as) tlb_flush_asid(0);
}
