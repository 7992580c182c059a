// Binary buddy allocator for physical page frames (interface: mm/buddy.h).
//
// frames[i] describes pfn base_pfn + i. A block of order k at pfn X is the
// 2^k frames [X, X + 2^k) with X a multiple of 2^k (physical alignment, not
// relative to base_pfn) and the whole block inside the span; its buddy is
// X ^ 2^k. The allocator never touches the frames themselves.
//
// Invariants (buddy_check() verifies all of them):
//  I1 Every frame is RESERVED, FREE or ALLOCATED. RESERVED frames are no
//     block's member: head == 0, next == prev == BUDDY_NONE.
//  I2 FREE and ALLOCATED frames are partitioned into blocks. A block's head
//     (its lowest frame) has head = 1 and the block's order; the other
//     frames have head = 0; all its frames have the head's state.
//  I3 Free list k holds exactly the FREE heads of order k, each once, doubly
//     linked by frame index (prev of the first is BUDDY_NONE). Every frame
//     that is not on a list has next == prev == BUDDY_NONE.
//  I4 free_blocks[k] is the length of list k, free_pages == sum of
//     free_blocks[k] << k, total_pages == number of non-RESERVED frames.
//  I6 share == 0 except on ALLOCATED heads of order 0 (pages shared
//     copy-on-write); buddy_free refuses a block whose head's share != 0.
//  I5 Coalescing is complete: no free block of order k < BUDDY_MAX_ORDER has
//     a free block of order k as its buddy. Hence the free lists are the
//     unique split of the free frames into maximal aligned blocks (capped at
//     BUDDY_MAX_ORDER), whatever the history of allocations and frees.
//
// Every public function except buddy_init() and buddy_meta_size() runs under
// b->lock (a leaf lock, interrupts off). Costs: alloc and free are
// O(BUDDY_MAX_ORDER + 2^order) (the per-frame state is written for every
// frame of the block); add_range and check are O(frames touched).
#include "mm/buddy.h"

#include <stdbool.h>

#include "kern/string.h"

#define BUDDY_ORDERS (BUDDY_MAX_ORDER + 1)

static inline uint64_t buddy_end_pfn(const struct buddy *b) { return b->base_pfn + b->npages; }

static inline uint64_t buddy_pages(unsigned order) { return (uint64_t)1 << order; }

// Is [pfn, pfn + 2^order) aligned and inside the span?
static bool buddy_block_fits(const struct buddy *b, uint64_t pfn, unsigned order) {
    if (pfn & (buddy_pages(order) - 1)) return false;
    return pfn >= b->base_pfn && pfn + buddy_pages(order) <= buddy_end_pfn(b);
}

static bool buddy_pfn_in_span(const struct buddy *b, uint64_t pfn) {
    return pfn >= b->base_pfn && pfn < buddy_end_pfn(b);
}

static void buddy_list_push(struct buddy *b, uint32_t i, unsigned order) {
    struct buddy_frame *f = &b->frames[i];
    f->prev = BUDDY_NONE;
    f->next = b->free_head[order];
    if (f->next != BUDDY_NONE) b->frames[f->next].prev = i;
    b->free_head[order] = i;
    b->free_blocks[order]++;
    b->free_pages += buddy_pages(order);
}

static void buddy_list_remove(struct buddy *b, uint32_t i, unsigned order) {
    struct buddy_frame *f = &b->frames[i];
    if (f->prev != BUDDY_NONE)
        b->frames[f->prev].next = f->next;
    else
        b->free_head[order] = f->next;
    if (f->next != BUDDY_NONE) b->frames[f->next].prev = f->prev;
    f->next = f->prev = BUDDY_NONE;
    b->free_blocks[order]--;
    b->free_pages -= buddy_pages(order);
}

// Set the state of every frame of the block at index i.
static void buddy_set_state(struct buddy *b, uint32_t i, unsigned order, uint8_t state) {
    struct buddy_frame *f = &b->frames[i];
    for (uint64_t n = buddy_pages(order); n; n--, f++) f->state = state;
}

// Index of the free block of order `order` that is the buddy of the block at
// index i, or BUDDY_NONE if that buddy is not a whole free block.
static uint32_t buddy_free_buddy(const struct buddy *b, uint32_t i, unsigned order) {
    uint64_t bp = (b->base_pfn + i) ^ buddy_pages(order);
    if (!buddy_pfn_in_span(b, bp)) return BUDDY_NONE;
    uint32_t bi = (uint32_t)(bp - b->base_pfn);
    const struct buddy_frame *g = &b->frames[bi];
    if (g->state != BUDDY_STATE_FREE || !g->head || g->order != order) return BUDDY_NONE;
    return bi;
}

// Put the block at index i (all frames already FREE, none a head, unlisted)
// on the free lists, merging it with its free buddies as far as possible.
static void buddy_release_block(struct buddy *b, uint32_t i, unsigned order) {
    b->frames[i].head = 0;
    for (; order < BUDDY_MAX_ORDER; order++) {
        uint32_t bi = buddy_free_buddy(b, i, order);
        if (bi == BUDDY_NONE) break;
        buddy_list_remove(b, bi, order);
        b->frames[bi].head = 0;
        if (bi < i) i = bi;
    }
    b->frames[i].head = 1;
    b->frames[i].order = (uint8_t)order;
    buddy_list_push(b, i, order);
}

// Largest order of a block starting at pfn that ends at or before end.
static unsigned buddy_fit_order(uint64_t pfn, uint64_t end) {
    unsigned k = 0;
    while (k < BUDDY_MAX_ORDER && !(pfn & buddy_pages(k))) k++;  // no ctz: no libgcc
    while (pfn + buddy_pages(k) > end) k--;
    return k;
}

size_t buddy_meta_size(uint64_t npages) { return (size_t)npages * sizeof(struct buddy_frame); }

void buddy_init(struct buddy *b, paddr_t base, uint64_t npages, void *meta) {
    spin_init(&b->lock, "buddy");
    if (npages > UINT32_MAX) npages = UINT32_MAX;  // contract: npages < 2^32
    b->base_pfn = pa_val(base) >> PAGE_SHIFT;
    b->npages = npages;
    b->frames = meta;
    for (unsigned k = 0; k < BUDDY_ORDERS; k++) {
        b->free_head[k] = BUDDY_NONE;
        b->free_blocks[k] = 0;
    }
    b->free_pages = 0;
    b->total_pages = 0;
    for (uint64_t i = 0; i < npages; i++)
        b->frames[i] = (struct buddy_frame){BUDDY_NONE, BUDDY_NONE, 0, BUDDY_STATE_RESERVED, 0, 0, 0};
}

// [s, e) in pfns, already validated to lie in the span: all frames RESERVED?
static bool buddy_range_reserved(const struct buddy *b, uint64_t s, uint64_t e) {
    for (uint64_t p = s; p < e; p++)
        if (b->frames[p - b->base_pfn].state != BUDDY_STATE_RESERVED) return false;
    return true;
}

// An empty range (start == end) inside the span is accepted and changes nothing.
zx_status_t buddy_add_range(struct buddy *b, paddr_t start, paddr_t end) {
    uint64_t s = pa_val(start) >> PAGE_SHIFT, e = pa_val(end) >> PAGE_SHIFT;
    if (!is_page_aligned(pa_val(start)) || !is_page_aligned(pa_val(end)) || s > e) return ZX_ERR_INVALID_ARGS;
    uint64_t flags = spin_lock_irqsave(&b->lock);
    zx_status_t st = ZX_OK;
    if (s < b->base_pfn || e > buddy_end_pfn(b)) {
        st = ZX_ERR_INVALID_ARGS;
    } else if (!buddy_range_reserved(b, s, e)) {
        st = ZX_ERR_BAD_STATE;
    } else {
        for (uint64_t p = s; p < e; p++) b->frames[p - b->base_pfn].state = BUDDY_STATE_FREE;
        b->total_pages += e - s;
        for (uint64_t p = s; p < e;) {
            unsigned k = buddy_fit_order(p, e);
            buddy_release_block(b, (uint32_t)(p - b->base_pfn), k);
            p += buddy_pages(k);
        }
    }
    spin_unlock_irqrestore(&b->lock, flags);
    return st;
}

zx_status_t buddy_alloc(struct buddy *b, unsigned order, paddr_t *out) {
    if (order > BUDDY_MAX_ORDER) return ZX_ERR_INVALID_ARGS;
    uint64_t flags = spin_lock_irqsave(&b->lock);
    unsigned k = order;
    while (k <= BUDDY_MAX_ORDER && b->free_head[k] == BUDDY_NONE) k++;
    if (k > BUDDY_MAX_ORDER) {
        spin_unlock_irqrestore(&b->lock, flags);
        return ZX_ERR_NO_MEMORY;
    }
    uint32_t i = b->free_head[k];
    buddy_list_remove(b, i, k);
    while (k > order) {  // split: the upper half goes back on list k - 1
        k--;
        uint32_t j = i + (uint32_t)buddy_pages(k);
        b->frames[j].head = 1;
        b->frames[j].order = (uint8_t)k;
        buddy_list_push(b, j, k);
    }
    buddy_set_state(b, i, order, BUDDY_STATE_ALLOCATED);
    b->frames[i].order = (uint8_t)order;
    *out = pa((b->base_pfn + i) << PAGE_SHIFT);
    spin_unlock_irqrestore(&b->lock, flags);
    return ZX_OK;
}

zx_status_t buddy_alloc_contig(struct buddy *b, uint64_t npages, unsigned align_order, paddr_t *out) {
    if (npages == 0 || npages > buddy_pages(BUDDY_MAX_ORDER) || align_order > BUDDY_MAX_ORDER)
        return ZX_ERR_INVALID_ARGS;
    unsigned order = align_order;
    while (buddy_pages(order) < npages) order++;
    paddr_t p;
    zx_status_t st = buddy_alloc(b, order, &p);
    if (st != ZX_OK) return st;
    uint64_t flags = spin_lock_irqsave(&b->lock);
    uint32_t i = (uint32_t)((pa_val(p) >> PAGE_SHIFT) - b->base_pfn);
    // Every page of the block becomes an allocated order-0 block of its own.
    for (uint64_t j = 0; j < buddy_pages(order); j++) {
        b->frames[i + j].head = 1;
        b->frames[i + j].order = 0;
    }
    // The tail goes back, page by page (buddy_release_block merges them).
    for (uint64_t j = npages; j < buddy_pages(order); j++) {
        b->frames[i + j].state = BUDDY_STATE_FREE;
        buddy_release_block(b, (uint32_t)(i + j), 0);
    }
    spin_unlock_irqrestore(&b->lock, flags);
    *out = p;
    return ZX_OK;
}

// May the block at p of `order` be freed? On ZX_OK *idx is its head's index.
static zx_status_t buddy_free_ok(const struct buddy *b, paddr_t p, unsigned order, uint32_t *idx) {
    uint64_t pfn = pa_val(p) >> PAGE_SHIFT;
    if (order > BUDDY_MAX_ORDER || !is_page_aligned(pa_val(p)) || !buddy_block_fits(b, pfn, order))
        return ZX_ERR_INVALID_ARGS;
    *idx = (uint32_t)(pfn - b->base_pfn);
    const struct buddy_frame *f = &b->frames[*idx];
    if (f->state == BUDDY_STATE_FREE) return ZX_ERR_BAD_STATE;  // freed already (maybe merged since)
    if (f->state != BUDDY_STATE_ALLOCATED || !f->head || f->order != order) return ZX_ERR_INVALID_ARGS;
    if (__atomic_load_n(&f->share, __ATOMIC_RELAXED) != 0) return ZX_ERR_BAD_STATE;  // still shared
    return ZX_OK;
}

zx_status_t buddy_free(struct buddy *b, paddr_t p, unsigned order) {
    uint64_t flags = spin_lock_irqsave(&b->lock);
    uint32_t i = 0;
    zx_status_t st = buddy_free_ok(b, p, order, &i);
    if (st == ZX_OK) {
        buddy_set_state(b, i, order, BUDDY_STATE_FREE);
        buddy_release_block(b, i, order);
    }
    spin_unlock_irqrestore(&b->lock, flags);
    return st;
}

uint32_t *buddy_share_counter(struct buddy *b, paddr_t p) {
    uint64_t pfn = pa_val(p) >> PAGE_SHIFT;
    if (!is_page_aligned(pa_val(p)) || !buddy_pfn_in_span(b, pfn)) return NULL;
    struct buddy_frame *f = &b->frames[pfn - b->base_pfn];
    // state/head/order of an allocated block do not change until it is freed
    if (f->state != BUDDY_STATE_ALLOCATED || !f->head || f->order != 0) return NULL;
    return &f->share;
}

uint8_t *buddy_cache_mark(struct buddy *b, paddr_t p) {
    uint32_t *share = buddy_share_counter(b, p);
    return share ? &b->frames[(pa_val(p) >> PAGE_SHIFT) - b->base_pfn].cached : NULL;
}

uint64_t buddy_free_pages(struct buddy *b) {
    uint64_t flags = spin_lock_irqsave(&b->lock);
    uint64_t n = b->free_pages;
    spin_unlock_irqrestore(&b->lock, flags);
    return n;
}

uint64_t buddy_free_blocks(struct buddy *b, unsigned order) {
    if (order > BUDDY_MAX_ORDER) return 0;
    uint64_t flags = spin_lock_irqsave(&b->lock);
    uint64_t n = b->free_blocks[order];
    spin_unlock_irqrestore(&b->lock, flags);
    return n;
}

// I3/I4 from the lists' side: each list is well linked, bounded, and holds
// only FREE heads of its order; counts and free_pages agree.
static const char *buddy_check_lists(const struct buddy *b) {
    uint64_t pages = 0;
    for (unsigned k = 0; k < BUDDY_ORDERS; k++) {
        uint64_t n = 0, limit = b->npages >> k;  // disjoint blocks of 2^k frames
        uint32_t prev = BUDDY_NONE;
        for (uint32_t i = b->free_head[k]; i != BUDDY_NONE; prev = i, i = b->frames[i].next) {
            if (i >= b->npages) return "free list: frame index outside the span";
            if (++n > limit) return "free list: longer than possible (cycle?)";
            const struct buddy_frame *f = &b->frames[i];
            if (f->prev != prev) return "free list: prev link inconsistent";
            if (f->state != BUDDY_STATE_FREE) return "free list: entry not FREE";
            if (!f->head) return "free list: entry not a block head";
            if (f->order != k) return "free list: entry has another order";
            if (!buddy_block_fits(b, b->base_pfn + i, k))
                return "free list: block misaligned or outside span";
        }
        if (n != b->free_blocks[k]) return "free_blocks differs from the list length";
        pages += n << k;
    }
    if (pages != b->free_pages) return "free_pages differs from the free lists";
    return 0;
}

// I2 for the block at index i (a head): members agree with it, are unlinked.
static const char *buddy_check_block(const struct buddy *b, uint32_t i) {
    const struct buddy_frame *f = &b->frames[i];
    if (f->order > BUDDY_MAX_ORDER) return "block: order too large";
    if (!buddy_block_fits(b, b->base_pfn + i, f->order)) return "block: misaligned or outside span";
    if (f->state == BUDDY_STATE_ALLOCATED && (f->next != BUDDY_NONE || f->prev != BUDDY_NONE))
        return "block: allocated head is linked";
    for (uint64_t j = 1; j < buddy_pages(f->order); j++) {
        const struct buddy_frame *g = &f[j];
        if (g->state != f->state) return "block: members in another state than the head";
        if (g->head) return "block: a head inside another block";
        if (g->next != BUDDY_NONE || g->prev != BUDDY_NONE) return "block: member frame is linked";
        if (g->share) return "block: member frame has a share count";
    }
    if (f->share && (f->state != BUDDY_STATE_ALLOCATED || f->order != 0))
        return "block: share count on a free or larger block";
    if (f->state == BUDDY_STATE_FREE && f->order < BUDDY_MAX_ORDER &&
        buddy_free_buddy(b, i, f->order) != BUDDY_NONE)
        return "coalescing incomplete: a free block's buddy is free";
    return 0;
}

// I1, I2, I5 and the rest of I3/I4 from the frames' side.
static const char *buddy_check_frames(const struct buddy *b) {
    uint64_t heads[BUDDY_ORDERS] = {0}, released = 0;
    for (uint64_t i = 0; i < b->npages;) {
        const struct buddy_frame *f = &b->frames[i];
        if (f->state == BUDDY_STATE_RESERVED) {
            if (f->head) return "frame: reserved frame is a head";
            if (f->next != BUDDY_NONE || f->prev != BUDDY_NONE) return "frame: reserved frame is linked";
            if (f->share) return "frame: reserved frame has a share count";
            i++;
            continue;
        }
        if (f->state != BUDDY_STATE_FREE && f->state != BUDDY_STATE_ALLOCATED) return "frame: bad state";
        if (!f->head) return "frame: free or allocated frame outside any block";
        const char *why = buddy_check_block(b, (uint32_t)i);
        if (why) return why;
        if (f->state == BUDDY_STATE_FREE) heads[f->order]++;
        released += buddy_pages(f->order);
        i += buddy_pages(f->order);
    }
    for (unsigned k = 0; k < BUDDY_ORDERS; k++)
        if (heads[k] != b->free_blocks[k]) return "free block missing from its free list";
    if (released != b->total_pages) return "total_pages differs from the released frames";
    return 0;
}

zx_status_t buddy_check(struct buddy *b, const char **why) {
    uint64_t flags = spin_lock_irqsave(&b->lock);
    const char *msg = 0;
    if (b->npages > UINT32_MAX || (b->npages && !b->frames)) msg = "span: bad npages or metadata";
    if (!msg) msg = buddy_check_lists(b);
    if (!msg) msg = buddy_check_frames(b);
    spin_unlock_irqrestore(&b->lock, flags);
    if (!msg) return ZX_OK;
    if (why) *why = msg;
    return ZX_ERR_INTERNAL;
}
