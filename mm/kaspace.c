// The kernel address space (see mm/kaspace.h).
//
// Lock order: kaspace_lk, then the pt lock, then the buddy lock.
#include "mm/kaspace.h"

#include "boot/layout.h"
#include "kern/panic.h"
#include "kern/riscv.h"
#include "kern/spinlock.h"
#include "kern/trap.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "mm/tlb.h"

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

static struct pt kpt;
static unsigned asid_bits;
static struct spinlock kaspace_lk = SPINLOCK_INIT("kaspace");
static uint64_t mmio_next = MMIO_WINDOW_BASE;

struct pt *kaspace_pt(void) { return &kpt; }
unsigned kaspace_asid_bits(void) { return asid_bits; }

static void kmap(uint64_t v, uint64_t p, uint64_t len, unsigned flags, const char *what) {
    zx_status_t st = pt_map(&kpt, va(v), pa(p), len, flags | PT_GLOBAL);
    if (st != ZX_OK) panic("kaspace: mapping %s (%p -> %p, %lx) failed: %d", what, (void *)v, (void *)p, len, st);
}

static int covered_by_memory(const struct dt_info *dt, uint64_t base, uint64_t end) {
    for (unsigned i = 0; i < dt->n_memory; i++)
        if (base >= dt->memory[i].base && end <= dt->memory[i].base + dt->memory[i].size) return 1;
    return 0;
}

void kaspace_init(const struct dt_info *dt, uint64_t load_pa, uint64_t dtb_pa) {
    zx_status_t st = pt_init(&kpt, &page_pt_allocator, 0);
    if (st != ZX_OK) panic("kaspace: no memory for the root table");

    uint64_t start = (uint64_t)__kernel_start;
    uint64_t text = (uint64_t)__text_end - start;
    uint64_t ro = (uint64_t)__rodata_end - start;
    uint64_t all = (uint64_t)__kernel_end - start;
    kmap(start, load_pa, text, PT_READ | PT_EXEC | PT_SMALL, "kernel text");
    kmap(start + text, load_pa + text, ro - text, PT_READ | PT_SMALL, "kernel rodata");
    kmap(start + ro, load_pa + ro, all - ro, PT_READ | PT_WRITE | PT_SMALL, "kernel data/bss");

    for (unsigned i = 0; i < dt->n_memory; i++) {
        uint64_t b = page_round_up(dt->memory[i].base);
        uint64_t e = page_round_down(dt->memory[i].base + dt->memory[i].size);
        if (e > b && e <= PHYSMAP_SIZE) kmap(PHYSMAP_BASE + b, b, e - b, PT_READ | PT_WRITE, "direct map");
    }
    uint64_t db = page_round_down(dtb_pa), de = page_round_up(dtb_pa + dt->totalsize);
    if (!covered_by_memory(dt, db, de)) kmap(PHYSMAP_BASE + db, db, de - db, PT_READ, "DTB");

    asid_bits = kaspace_probe_asid_bits();
    tlb_flush_all();
}

unsigned kaspace_probe_asid_bits(void) {
    // Write all ones into satp's ASID field, read back what sticks (the
    // implemented bits are the low ones), then restore: the kernel table runs
    // as ASID 0 and its mappings are global.
    uint64_t satp = pt_satp(&kpt);
    csr_write_satp(satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
    uint64_t got = (csr_read_satp() >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
    csr_write_satp(satp);
    unsigned bits = 0;
    for (; got & 1; got >>= 1) bits++;
    return bits;
}

bool kaspace_enable_svpbmt(void) {
    // The probe page: the root table's frame, read-only and NC, at the last
    // page of the MMIO window (ioremap starts at the first and never gets
    // there in practice; the spurious-fault retry remembers this VA).
    uint64_t v = MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE - PAGE_SIZE, x;
    uint64_t f = spin_lock_irqsave(&kaspace_lk);
    pt_set_svpbmt(true);
    bool ok = mmio_next <= v &&
              pt_map(&kpt, va(v), kpt.root, PAGE_SIZE, PT_READ | PT_GLOBAL | PT_SMALL | PT_NC) == ZX_OK;
    if (ok) {
        ok = probe_read_u64(v, &x) == 0;
        pt_unmap(&kpt, va(v), PAGE_SIZE);
    }
    if (!ok) pt_set_svpbmt(false);
    spin_unlock_irqrestore(&kaspace_lk, f);
    return ok;
}

void *ioremap(uint64_t base, uint64_t size) {
    if (size == 0 || base + size < base) return 0;
    uint64_t pb = page_round_down(base), pe = page_round_up(base + size);
    uint64_t f = spin_lock_irqsave(&kaspace_lk);
    uint64_t v = mmio_next;
    if (pe - pb > MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE - v) {
        spin_unlock_irqrestore(&kaspace_lk, f);
        return 0;
    }
    zx_status_t st = pt_map(&kpt, va(v), pa(pb), pe - pb, PT_READ | PT_WRITE | PT_GLOBAL | PT_SMALL | PT_IO);
    if (st == ZX_OK) mmio_next = v + (pe - pb);
    spin_unlock_irqrestore(&kaspace_lk, f);
    return st == ZX_OK ? (void *)(v + (base - pb)) : 0;
}

// Kernel stack slots: KSTACK_PAGES + 1 pages each (the first one is the
// unmapped guard), tracked by a bitmap so freed slots are reused.
#define KSTACK_SLOT_SIZE ((KSTACK_PAGES + 1) * PAGE_SIZE)
#define KSTACK_SLOTS ((KSTACK_WINDOW_SIZE - 0x200000) / KSTACK_SLOT_SIZE)  // top 2 MiB: self-test mappings
static uint64_t kstack_used[(KSTACK_SLOTS + 63) / 64];
static uint64_t kstack_live;

_Static_assert((KSTACK_PAGES & (KSTACK_PAGES - 1)) == 0, "KSTACK_PAGES must be a power of two");
#define KSTACK_ORDER ((unsigned)__builtin_ctz(KSTACK_PAGES))

zx_status_t kstack_alloc(uint64_t *out_top, uint64_t *out_lo) {
    paddr_t frames;
    zx_status_t st = page_alloc(KSTACK_ORDER, &frames);
    if (st != ZX_OK) return st;
    uint64_t f = spin_lock_irqsave(&kaspace_lk);
    uint64_t slot = KSTACK_SLOTS;
    for (uint64_t w = 0; w < (KSTACK_SLOTS + 63) / 64 && slot == KSTACK_SLOTS; w++) {
        if (kstack_used[w] == UINT64_MAX) continue;
        for (unsigned b = 0; b < 64; b++) {
            if (!(kstack_used[w] & (1ull << b)) && w * 64 + b < KSTACK_SLOTS) {
                slot = w * 64 + b;
                break;
            }
        }
    }
    if (slot == KSTACK_SLOTS) {
        spin_unlock_irqrestore(&kaspace_lk, f);
        page_free(frames, KSTACK_ORDER);
        return ZX_ERR_NO_RESOURCES;
    }
    uint64_t lo = KSTACK_WINDOW_BASE + slot * KSTACK_SLOT_SIZE + PAGE_SIZE;  // guard page below
    st = pt_map(&kpt, va(lo), frames, KSTACK_PAGES * PAGE_SIZE, PT_READ | PT_WRITE | PT_GLOBAL | PT_SMALL);
    if (st == ZX_OK) {
        kstack_used[slot / 64] |= 1ull << (slot % 64);
        kstack_live++;
    }
    spin_unlock_irqrestore(&kaspace_lk, f);
    if (st != ZX_OK) {
        page_free(frames, KSTACK_ORDER);
        return st;
    }
    *out_lo = lo;
    *out_top = lo + KSTACK_PAGES * PAGE_SIZE;
    return ZX_OK;
}

void kstack_free(uint64_t lo) {
    uint64_t slot = (lo - PAGE_SIZE - KSTACK_WINDOW_BASE) / KSTACK_SLOT_SIZE;
    paddr_t frames;
    if (lo < KSTACK_WINDOW_BASE + PAGE_SIZE || slot >= KSTACK_SLOTS ||
        lo != KSTACK_WINDOW_BASE + slot * KSTACK_SLOT_SIZE + PAGE_SIZE)
        panic("kstack_free: %p is not a kernel stack", (void *)lo);
    uint64_t f = spin_lock_irqsave(&kaspace_lk);
    if (!(kstack_used[slot / 64] & (1ull << (slot % 64))) || pt_lookup(&kpt, va(lo), &frames, 0, 0) != ZX_OK)
        panic("kstack_free: stack %p is not allocated", (void *)lo);
    if (pt_unmap(&kpt, va(lo), KSTACK_PAGES * PAGE_SIZE) != ZX_OK) panic("kstack_free: unmap failed");
    kstack_used[slot / 64] &= ~(1ull << (slot % 64));
    kstack_live--;
    spin_unlock_irqrestore(&kaspace_lk, f);
    page_free(frames, KSTACK_ORDER);
}
