// Helpers shared by the buddy allocator's host tests, over the common
// harness (../harness.h): snapshots of the free state, buddy_check, the
// canonical free-list shape of a set of free frames, and spans under test.
#ifndef TESTS_HOST_BUDDY_BUDDY_TESTLIB_H
#define TESTS_HOST_BUDDY_BUDDY_TESTLIB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness.h"
#include "mm/buddy.h"

// The allocator's observable free state.
struct th_snap {
    uint64_t free_pages;
    uint64_t blocks[BUDDY_MAX_ORDER + 1];
};

static inline struct th_snap th_take(struct buddy *b) {
    struct th_snap s;
    memset(&s, 0, sizeof s);
    s.free_pages = buddy_free_pages(b);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) s.blocks[k] = buddy_free_blocks(b, k);
    return s;
}

static inline bool th_snap_eq(const struct th_snap *a, const struct th_snap *b) {
    return memcmp(a, b, sizeof *a) == 0;
}

static inline void th_snap_print(const char *what, const struct th_snap *s) {
    printf("    %s: free_pages %llu, blocks", what, (unsigned long long)s->free_pages);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) printf(" %llu", (unsigned long long)s->blocks[k]);
    printf("\n");
}

// buddy_check() passes; prints its complaint otherwise.
static inline bool th_check_ok(struct buddy *b) {
    const char *why = "(unset)";
    if (buddy_check(b, &why) == ZX_OK) return true;
    printf("    buddy_check: %s\n", why);
    return false;
}

// Sum over orders of free_blocks[k] << k.
static inline uint64_t th_blocks_pages(struct buddy *b) {
    uint64_t n = 0;
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) n += buddy_free_blocks(b, k) << k;
    return n;
}

// The unique free-list shape of a set of free frames once coalescing is
// complete: greedy split into maximal aligned blocks of order <= MAX.
// is_free(ctx, i) tells whether frame base_pfn + i is free.
static inline void th_canonical(uint64_t base_pfn, uint64_t npages, bool (*is_free)(const void *, uint64_t),
                                const void *ctx, uint64_t out[BUDDY_MAX_ORDER + 1]) {
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) out[k] = 0;
    for (uint64_t i = 0; i < npages;) {
        if (!is_free(ctx, i)) {
            i++;
            continue;
        }
        unsigned k = 0;
        while (k < BUDDY_MAX_ORDER) {
            uint64_t size = (uint64_t)2 << k;
            if (((base_pfn + i) & (size - 1)) || i + size > npages) break;
            bool all = true;
            for (uint64_t j = i + (size >> 1); j < i + size && all; j++) all = is_free(ctx, j);
            if (!all) break;
            k++;
        }
        out[k]++;
        i += (uint64_t)1 << k;
    }
}

static inline bool th_bytes_free(const void *ctx, uint64_t i) { return ((const uint8_t *)ctx)[i] != 0; }

// A span under test with its own metadata (filled with garbage first, so
// buddy_init must initialise all of it).
struct th_span {
    struct buddy b;
    void *meta;
    uint64_t base, npages;
};

static inline void th_span_init(struct th_span *t, uint64_t base, uint64_t npages) {
    size_t sz = buddy_meta_size(npages);
    t->meta = malloc(sz ? sz : 1);
    if (!t->meta) abort();
    memset(t->meta, 0xa5, sz);
    t->base = base;
    t->npages = npages;
    buddy_init(&t->b, pa(base), npages, t->meta);
}

static inline void th_span_fini(struct th_span *t) {
    free(t->meta);
    t->meta = 0;
}

static inline uint64_t th_end(const struct th_span *t) { return t->base + t->npages * PAGE_SIZE; }

#endif
