// The kernel page allocator (see mm/page_alloc.h).
//
// Per-hart page caches: single pages (the hot path: demand-zero faults,
// copy-on-write copies, page tables, VMO commits) come from and go back to a
// small stack of free pages owned by the hart, refilled from and drained to
// the buddy allocator PCACHE_BATCH pages at a time, so most calls take no
// lock at all. Kernel code runs with interrupts off and never blocks inside
// these functions, so a hart's cache is only ever touched by that hart.
// Cached pages are allocated as far as the buddy knows, with their `cached`
// mark set: a page freed twice, or freed while in a cache, panics as a
// double free would. Larger orders go straight to the buddy.
//
// Lock order: none of its own; the buddy lock is taken inside buddy_*.
#include "mm/page_alloc.h"

#include "boot/early.h"
#include "kern/hart.h"
#include "kern/panic.h"
#include "kern/string.h"
#include "mm/physmap.h"

struct page_reservation page_reserved[PAGE_ALLOC_MAX_RESERVED];
unsigned page_reserved_count;

static struct buddy kbuddy;

#define PCACHE_MAX 64
#define PCACHE_BATCH 32

struct pcache {
    uint32_t n;
    paddr_t pages[PCACHE_MAX];
};
static struct pcache pcaches[HART_MAX];
static bool pcache_on;  // off until the first hart's tp is set (kmain), and for the self-tests' exact counts

struct buddy *page_buddy(void) { return &kbuddy; }

static void reserve(uint64_t base, uint64_t size, const char *what) {
    if (size == 0) return;
    if (page_reserved_count == PAGE_ALLOC_MAX_RESERVED) panic("page_alloc: too many reserved ranges");
    uint64_t lo = page_round_down(base);
    uint64_t hi = base + size < base ? UINT64_MAX & ~PAGE_MASK : page_round_up(base + size);
    // Keep the table sorted by base (insertion sort: a few dozen entries).
    unsigned i = page_reserved_count++;
    while (i > 0 && page_reserved[i - 1].base > lo) {
        page_reserved[i] = page_reserved[i - 1];
        i--;
    }
    page_reserved[i] = (struct page_reservation){lo, hi - lo, what};
}

// Call fn for each page-aligned piece of [base, base+size) not covered by a reservation.
static void for_each_free_piece(uint64_t base, uint64_t size, void (*fn)(uint64_t, uint64_t, void *),
                                void *ctx) {
    uint64_t cur = page_round_up(base);
    uint64_t end = page_round_down(base + size);
    for (unsigned i = 0; i < page_reserved_count && cur < end; i++) {
        const struct page_reservation *r = &page_reserved[i];
        uint64_t rend = r->base + r->size;
        if (rend <= cur) continue;
        if (r->base >= end) break;
        if (r->base > cur) fn(cur, r->base, ctx);
        cur = rend;
    }
    if (cur < end) fn(cur, end, ctx);
}

struct meta_search {
    uint64_t need, found;
};

static void meta_fit(uint64_t lo, uint64_t hi, void *ctx) {
    struct meta_search *m = ctx;
    if (!m->found && hi - lo >= m->need) m->found = lo;
}

static void add_free(uint64_t lo, uint64_t hi, void *ctx) {
    (void)ctx;
    zx_status_t st = buddy_add_range(&kbuddy, pa(lo), pa(hi));
    if (st != ZX_OK) panic("page_alloc: buddy_add_range(%p, %p) = %d", (void *)lo, (void *)hi, st);
}

void page_alloc_init(const struct dt_info *dt, const struct page_reservation *extra, unsigned n_extra) {
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < dt->n_memory; i++) {
        const struct dt_range *m = &dt->memory[i];
        if (m->size == 0 || m->base + m->size < m->base) continue;
        if (m->base < lo) lo = m->base;
        if (m->base + m->size > hi) hi = m->base + m->size;
    }
    if (lo >= hi) panic("page_alloc: the device tree reports no memory");
    lo = page_round_down(lo);
    hi = page_round_up(hi);

    for (unsigned i = 0; i < n_extra; i++) reserve(extra[i].base, extra[i].size, extra[i].what);
    for (unsigned i = 0; i < dt->n_reserved; i++)
        reserve(dt->reserved[i].base, dt->reserved[i].size, dt->reserved[i].name);

    uint64_t npages = (hi - lo) >> PAGE_SHIFT;
    if (npages >= UINT32_MAX) panic("page_alloc: %lu pages of RAM is more than supported", npages);
    struct meta_search ms = {page_round_up(buddy_meta_size(npages)), 0};
    for (unsigned i = 0; i < dt->n_memory && !ms.found; i++)
        for_each_free_piece(dt->memory[i].base, dt->memory[i].size, meta_fit, &ms);
    if (!ms.found) panic("page_alloc: no room for %lu bytes of frame metadata", ms.need);
    // mm/pt.c zeroes new table frames through the direct map while the boot
    // table is still live: give it every gigapage of RAM (temporarily; the
    // final table maps RAM exactly).
    for (unsigned i = 0; i < dt->n_memory; i++) {
        const struct dt_range *m = &dt->memory[i];
        if (m->size == 0 || m->base + m->size < m->base || m->base + m->size > PHYSMAP_SIZE) continue;
        for (uint64_t p = m->base & ~((1ull << 30) - 1); p < m->base + m->size; p += 1ull << 30)
            early_physmap_add(p);
    }
    reserve(ms.found, ms.need, "frame metadata");

    buddy_init(&kbuddy, pa(lo), npages, physmap_va(pa(ms.found)));
    for (unsigned i = 0; i < dt->n_memory; i++)
        for_each_free_piece(dt->memory[i].base, dt->memory[i].size, add_free, 0);
}

static uint8_t *cache_mark(paddr_t p, const char *who) {
    uint8_t *m = buddy_cache_mark(&kbuddy, p);
    if (!m) panic("%s: %p is not an allocated page", who, (void *)pa_val(p));
    return m;
}

static void buddy_free_checked(paddr_t p, unsigned order);

zx_status_t page_alloc(unsigned order, paddr_t *out) {
    if (order != 0 || !pcache_on) return buddy_alloc(&kbuddy, order, out);
    struct pcache *c = &pcaches[this_hart()->index];
    if (c->n == 0) {
        while (c->n < PCACHE_BATCH && buddy_alloc(&kbuddy, 0, &c->pages[c->n]) == ZX_OK) {
            *cache_mark(c->pages[c->n], "page_alloc") = 1;
            c->n++;
        }
        if (c->n == 0) return ZX_ERR_NO_MEMORY;
    }
    paddr_t p = c->pages[--c->n];
    *cache_mark(p, "page_alloc") = 0;
    *out = p;
    return ZX_OK;
}

zx_status_t page_alloc_contig(uint64_t npages, unsigned align_order, paddr_t *out) {
    return buddy_alloc_contig(&kbuddy, npages, align_order, out);
}

void page_free(paddr_t p, unsigned order) {
    if (order != 0 || !pcache_on) {
        buddy_free_checked(p, order);
        return;
    }
    uint32_t *share = buddy_share_counter(&kbuddy, p);
    uint8_t *mark = buddy_cache_mark(&kbuddy, p);
    if (mark && *mark) panic("page_free: double free of %p (order 0, already in a page cache)", (void *)pa_val(p));
    if (!share || !mark || __atomic_load_n(share, __ATOMIC_ACQUIRE)) {
        buddy_free_checked(p, order);  // not an allocated single page, or shared: panics with the reason
        return;
    }
    struct pcache *c = &pcaches[this_hart()->index];
    if (c->n == PCACHE_MAX) {
        while (c->n > PCACHE_MAX - PCACHE_BATCH) {
            paddr_t q = c->pages[--c->n];
            *cache_mark(q, "page_free") = 0;
            buddy_free_checked(q, 0);
        }
    }
    *mark = 1;
    c->pages[c->n++] = p;
}

void page_cache_enable(bool on) {
    if (!on) page_cache_drain();
    pcache_on = on;
}

void page_cache_drain(void) {
    struct pcache *c = &pcaches[this_hart()->index];
    while (c->n) {
        paddr_t q = c->pages[--c->n];
        *cache_mark(q, "page_cache_drain") = 0;
        buddy_free_checked(q, 0);
    }
}

uint64_t page_free_count(void) {
    uint64_t n = buddy_free_pages(&kbuddy);
    for (unsigned i = 0; i < hart_count; i++) n += __atomic_load_n(&pcaches[i].n, __ATOMIC_RELAXED);
    return n;
}

uint64_t page_free_estimate(void) { return __atomic_load_n(&kbuddy.free_pages, __ATOMIC_RELAXED); }

static void buddy_free_checked(paddr_t p, unsigned order) {
    zx_status_t st = buddy_free(&kbuddy, p, order);
    if (st == ZX_ERR_BAD_STATE)
        panic("page_free: double free of %p (order %u), or freed while shared", (void *)pa_val(p), order);
    if (st != ZX_OK) panic("page_free: foreign address %p (order %u): %d", (void *)pa_val(p), order, st);
}

static uint32_t *share_counter(paddr_t p, const char *who) {
    uint32_t *c = buddy_share_counter(&kbuddy, p);
    if (!c) panic("%s: %p is not an allocated page", who, (void *)pa_val(p));
    return c;
}

void page_share(paddr_t p) { __atomic_fetch_add(share_counter(p, "page_share"), 1, __ATOMIC_RELAXED); }

bool page_release(paddr_t p) {
    uint32_t *c = share_counter(p, "page_release");
    uint32_t s = __atomic_load_n(c, __ATOMIC_ACQUIRE);
    for (;;) {
        if (s == 0) {  // the last user
            page_free(p, 0);
            return true;
        }
        if (__atomic_compare_exchange_n(c, &s, s - 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) return false;
    }
}

uint32_t page_users(paddr_t p) { return __atomic_load_n(share_counter(p, "page_users"), __ATOMIC_ACQUIRE) + 1; }

static zx_status_t pt_frame_alloc(void *ctx, paddr_t *out) {
    (void)ctx;
    return page_alloc(0, out);
}

static void pt_frame_free(void *ctx, paddr_t p) {
    (void)ctx;
    page_free(p, 0);
}

const struct pt_allocator page_pt_allocator = {pt_frame_alloc, pt_frame_free, 0};
