// The kernel heap: small objects from per-size-class slabs, large ones
// straight from the page allocator. Every block is zeroed on allocation.
//
// Memory comes through the direct map, so kheap pointers are kernel virtual
// addresses of RAM. Counters (bytes and blocks live) let tests prove that an
// operation left nothing behind.
#ifndef MM_KHEAP_H
#define MM_KHEAP_H

#include <stddef.h>
#include <stdint.h>

// Returns zeroed memory aligned to 16 bytes (to a page for sizes over 2 KiB
// minus the header), or NULL when memory is exhausted.
void *kzalloc(size_t size);
// The bytes kzalloc(size) takes from the heap (its size class, or the pages).
size_t kheap_block_size(size_t size);
// Free a block from kzalloc (NULL is ignored). Freeing anything else panics.
void kfree(void *p);

struct kheap_stats {
    uint64_t live_blocks;  // blocks allocated and not freed
    uint64_t live_bytes;   // their requested sizes
    uint64_t slab_pages;   // pages held by slabs (free objects included)
};
void kheap_stats(struct kheap_stats *out);
// Give this hart's cached free objects (its magazines) back to their slabs,
// freeing slabs left empty: for exact counts in self-tests.
void kheap_drain_hart(void);
#endif
