// Binary buddy allocator for physical page frames.
//
// One `struct buddy` manages the frames of one physical span
// [base, base + npages * PAGE_SIZE). Its per-frame metadata lives in a caller
// supplied array (buddy_meta_size() bytes), never inside the frames, so the
// allocator never touches the memory it hands out and runs unchanged on the
// host. Every frame starts reserved; buddy_add_range() releases usable RAM.
//
// Blocks of order k are 2^k pages, aligned to 2^k pages *in physical address*
// (not relative to base). Freed blocks coalesce with their buddy.
//
// Invariants: a frame is in exactly one state: RESERVED (never handed out),
// FREE (part of a free block, listed on free list `order` if it heads it),
// or ALLOCATED (part of an allocated block; its head records the order).
// free_pages == sum over orders of free_blocks[k] << k.
//
// Locking: b->lock guards everything; every public function takes it.
// Lock order: buddy lock is a leaf (no other lock is taken under it).
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "mm/addr.h"

#define BUDDY_MAX_ORDER 10u  // orders 0..10: 4 KiB .. 4 MiB
#define BUDDY_NONE UINT32_MAX

// struct buddy_frame.state
#define BUDDY_STATE_RESERVED 0u   // never released, or not RAM
#define BUDDY_STATE_FREE 1u       // part of a free block
#define BUDDY_STATE_ALLOCATED 2u  // part of an allocated block

struct buddy_frame {
    uint32_t next, prev;  // free-list links (frame indices), BUDDY_NONE at ends
    uint8_t order;        // block order, meaningful on a block's head frame
    uint8_t state;        // BUDDY_STATE_*
    uint8_t head;         // 1 if this frame heads a block
    uint8_t cached;       // an allocated order-0 page parked in a hart's page cache (mm/page_alloc.c)
    // Users beyond the first of an allocated order-0 page (pages shared
    // copy-on-write between VMOs, see page_share in mm/page_alloc.h); 0 on
    // every other frame. The buddy only checks it: freeing a frame whose
    // count is not 0 is refused. Updated with atomics, not under b->lock.
    uint32_t share;
};

struct buddy {
    struct spinlock lock;
    uint64_t base_pfn;  // first frame of the span
    uint64_t npages;    // frames in the span
    struct buddy_frame *frames;
    uint32_t free_head[BUDDY_MAX_ORDER + 1];
    uint64_t free_blocks[BUDDY_MAX_ORDER + 1];
    uint64_t free_pages;   // pages currently free
    uint64_t total_pages;  // pages ever released with buddy_add_range
};

// Bytes of metadata needed for a span of npages frames.
size_t buddy_meta_size(uint64_t npages);

// Set up an empty allocator for [base, base + npages pages); base page aligned,
// npages < 2^32. All frames start RESERVED. `meta` holds buddy_meta_size(npages) bytes.
void buddy_init(struct buddy *b, paddr_t base, uint64_t npages, void *meta);

// Release [start, end) (page aligned, inside the span, currently RESERVED) for
// allocation. ZX_ERR_INVALID_ARGS if misaligned or outside; ZX_ERR_BAD_STATE if
// any frame in it was already released. On error nothing changes; an empty
// range inside the span is accepted and changes nothing.
zx_status_t buddy_add_range(struct buddy *b, paddr_t start, paddr_t end);

// Allocate a block of 2^order pages. ZX_ERR_INVALID_ARGS if order > BUDDY_MAX_ORDER,
// ZX_ERR_NO_MEMORY if no block is free.
zx_status_t buddy_alloc(struct buddy *b, unsigned order, paddr_t *out);

// Allocate `npages` (1 .. 2^BUDDY_MAX_ORDER) physically contiguous pages
// whose first page is aligned to 2^align_order pages (align_order <=
// BUDDY_MAX_ORDER), handed out as npages separate order-0 blocks (each freed
// on its own with buddy_free(p, 0), each with its share counter): a block of
// the smallest order that holds npages and the alignment is split, and the
// pages past npages go back to the free lists at once.
// ZX_ERR_INVALID_ARGS for npages 0 or beyond the maximum order, or an
// alignment beyond it; ZX_ERR_NO_MEMORY if no such block is free.
zx_status_t buddy_alloc_contig(struct buddy *b, uint64_t npages, unsigned align_order, paddr_t *out);

// Free a block. ZX_ERR_INVALID_ARGS for an address outside the span, not the
// head of an allocated block, or freed with another order than it was allocated
// with (a foreign address); ZX_ERR_BAD_STATE for a block that is already free
// (double free: p, in the span and aligned to the order, is a free frame, even
// if its block has merged since). On error nothing changes.
zx_status_t buddy_free(struct buddy *b, paddr_t p, unsigned order);

// The share counter of the allocated order-0 page at p, or NULL when p is not
// the head of an allocated order-0 block in the span.
uint32_t *buddy_share_counter(struct buddy *b, paddr_t p);

// The `cached` byte of the allocated order-0 page at p (for the per-hart
// page caches of mm/page_alloc.c), or NULL as for buddy_share_counter.
uint8_t *buddy_cache_mark(struct buddy *b, paddr_t p);

uint64_t buddy_free_pages(struct buddy *b);
uint64_t buddy_free_blocks(struct buddy *b, unsigned order);

// Walk all metadata and free lists and check every invariant above.
// ZX_OK or ZX_ERR_INTERNAL (with *why, if why is not NULL, set to a static
// message). O(npages) under the lock with interrupts off: tests and debugging.
zx_status_t buddy_check(struct buddy *b, const char **why);

#endif
