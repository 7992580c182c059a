// The kernel's page-frame allocator: one buddy allocator (mm/buddy.h) over
// the span of all RAM the device tree reports, fed with RAM minus every
// reservation (kernel image, DTB, /memreserve/, /reserved-memory, the 2 MiB
// below the kernel, the allocator's own metadata).
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "mm/addr.h"
#include "mm/buddy.h"
#include "mm/pt.h"
#include "platform/dt.h"

#define PAGE_ALLOC_MAX_RESERVED (DT_MAX_RESERVED + 8)

struct page_reservation {
    uint64_t base, size;
    const char *what;
};

// Every range the allocator keeps out, for the banner (valid after init).
extern struct page_reservation page_reserved[PAGE_ALLOC_MAX_RESERVED];
extern unsigned page_reserved_count;

// Build the allocator. `extra` are the kernel's own reservations. Runs on the
// boot page tables: it adds the direct-map gigapages it needs through
// boot/early.h. Panics if no RAM is usable.
void page_alloc_init(const struct dt_info *dt, const struct page_reservation *extra, unsigned n_extra);

zx_status_t page_alloc(unsigned order, paddr_t *out);
// `npages` physically contiguous order-0 pages, the first aligned to
// 2^align_order pages (buddy_alloc_contig); each is freed with page_free(p, 0)
// or page_release. They bypass the per-hart caches.
zx_status_t page_alloc_contig(uint64_t npages, unsigned align_order, paddr_t *out);
// Free a block; a double or foreign free is a kernel bug and panics.
void page_free(paddr_t p, unsigned order);

// Free pages, the per-hart caches' included (what leak checks compare).
uint64_t page_free_count(void);
// The same without locks, for the memory-pressure check on hot paths: the
// buddy's count read racily (a few pages in the hart caches are not counted).
uint64_t page_free_estimate(void);
// The per-hart caches of single pages: on from boot (kmain) once the hart
// slots are set up; drain gives this hart's cached pages back to the buddy.
void page_cache_enable(bool on);
void page_cache_drain(void);

// Pages shared copy-on-write between VMOs. A page from page_alloc(0) has one
// user; page_share adds one; page_release drops one and frees the page when
// it was the last (returns true then). page_users counts them. All three are
// atomic (no lock needed) and panic for an address that is not an allocated
// order-0 page; page_free of a page that still has other users panics.
void page_share(paddr_t p);
bool page_release(paddr_t p);
uint32_t page_users(paddr_t p);

// The allocator itself, for counters and self-tests.
struct buddy *page_buddy(void);

// Table frames for mm/pt.c, taken from and returned to this allocator.
extern const struct pt_allocator page_pt_allocator;
#endif
