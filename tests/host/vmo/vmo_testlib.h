// Helpers shared by the VMO host tests: copy callbacks over a byte buffer
// that check the piece contract of obj/vmo.h, and a checker that walks a
// VMO's radix tree through the fake direct map and verifies its invariants.
#ifndef TESTS_HOST_VMO_VMO_TESTLIB_H
#define TESTS_HOST_VMO_VMO_TESTLIB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness.h"
#include "fake_mm.h"
#include "fake_signal.h"
#include "fake_vmar.h"
#include "obj/object.h"
#include "obj/vmo.h"

// The start of a case: fresh fake RAM of `ram_pages` pages, every fake's
// knobs and records reset, the live objects noted.
static uint64_t vmo_objects_at_start;

static inline void vmo_fresh(uint64_t ram_pages) {
    fake_ram_init(ram_pages);
    fake_kheap_fail_after(-1);
    fake_unmap_reset();
    fake_signal_reset();
    vmo_objects_at_start = object_live_count();
}

// The end of a case: every page, heap block and object came back, no fake saw
// a contract breach, no discardable VMO is left on the LRU.
static inline void vmo_all_returned(void) {
    CHECK_EQ(fake_pages_in_use(), 0);
    CHECK_EQ(fake_kheap_live(), 0);
    CHECK_EQ(object_live_count(), vmo_objects_at_start);
    CHECK_EQ(fake_unmap_violations(), 0);
    CHECK_EQ(fake_signal_violations(), 0);
    CHECK_EQ(vmo_discardable_unlocked_count(), 0);
}

// A copy context: the caller's buffer plus what the callbacks observed.
struct buf_ctx {
    uint8_t *buf;
    size_t len;            // buffer length (pieces must stay inside)
    long calls;            // callback calls so far
    long fail_at;          // > 0: the fail_at-th call fails (copies nothing)
    zx_status_t fail_status;
    size_t copied;         // bytes copied by successful calls
    long contract_errors;  // pieces that broke the contract of obj/vmo.h
};

static inline struct buf_ctx buf_ctx_make(void *buf, size_t len) {
    struct buf_ctx c;
    memset(&c, 0, sizeof(c));
    c.buf = buf;
    c.len = len;
    return c;
}

// Common checks: pieces are sequential, non-empty, inside the buffer and
// inside one page of VMO memory (fake RAM and the zero page are page aligned).
static inline zx_status_t buf_ctx_piece(struct buf_ctx *c, size_t buf_off, void *kva, size_t n) {
    c->calls++;
    bool ok = n > 0 && n <= PAGE_SIZE && buf_off == c->copied && buf_off <= c->len && n <= c->len - buf_off &&
              ((uintptr_t)kva & PAGE_MASK) + n <= PAGE_SIZE;
    if (!ok) {
        c->contract_errors++;
        printf("    bad piece: buf_off %zu n %zu kva %p (copied %zu, len %zu)\n", buf_off, n, kva, c->copied,
               c->len);
        return ZX_ERR_INTERNAL;
    }
    if (c->fail_at > 0 && c->calls == c->fail_at) return c->fail_status;
    return ZX_OK;
}

// For vmo_read: VMO memory -> buffer.
static inline zx_status_t copy_to_buf(void *ctx, size_t buf_off, void *kva, size_t n) {
    struct buf_ctx *c = ctx;
    zx_status_t st = buf_ctx_piece(c, buf_off, kva, n);
    if (st != ZX_OK) return st;
    memcpy(c->buf + buf_off, kva, n);
    c->copied += n;
    return ZX_OK;
}

// For vmo_write: buffer -> VMO memory.
static inline zx_status_t copy_from_buf(void *ctx, size_t buf_off, void *kva, size_t n) {
    struct buf_ctx *c = ctx;
    zx_status_t st = buf_ctx_piece(c, buf_off, kva, n);
    if (st != ZX_OK) return st;
    memcpy(kva, c->buf + buf_off, n);
    c->copied += n;
    return ZX_OK;
}

// A callback that must never run.
static long never_calls;
static inline zx_status_t copy_never(void *ctx, size_t buf_off, void *kva, size_t n) {
    (void)ctx, (void)buf_off, (void)kva, (void)n;
    never_calls++;
    return ZX_ERR_INTERNAL;
}

// Convenience wrappers; *copied (may be NULL) receives the bytes copied.
static inline zx_status_t vmo_write_buf(struct vmo *v, uint64_t off, const void *buf, size_t len) {
    struct buf_ctx c = buf_ctx_make((void *)(uintptr_t)buf, len);
    zx_status_t st = vmo_write(v, off, len, copy_from_buf, &c);
    if (c.contract_errors) return ZX_ERR_INTERNAL;
    if (st == ZX_OK && c.copied != len) return ZX_ERR_INTERNAL;
    return st;
}

static inline zx_status_t vmo_read_buf(struct vmo *v, uint64_t off, void *buf, size_t len) {
    struct buf_ctx c = buf_ctx_make(buf, len);
    zx_status_t st = vmo_read(v, off, len, copy_to_buf, &c);
    if (c.contract_errors) return ZX_ERR_INTERNAL;
    if (st == ZX_OK && c.copied != len) return ZX_ERR_INTERNAL;
    return st;
}

static inline bool all_bytes(const uint8_t *p, size_t n, uint8_t b) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != b) return false;
    return true;
}

// What a tree walk found.
struct tree_stats {
    uint64_t nodes, pages;
    uint64_t problems;
};

static void tree_walk(struct vmo *v, uint64_t node, int level, uint64_t base_pn, uint8_t *seen,
                      struct tree_stats *s) {
    long f = fake_frame_index(pa(node));
    if (f < 0 || !fake_page_allocated(pa(node))) {
        printf("    tree: node %#llx is not an allocated fake page\n", (unsigned long long)node);
        s->problems++;
        return;
    }
    if (seen[f]++) {
        printf("    tree: page %#llx referenced twice\n", (unsigned long long)node);
        s->problems++;
        return;
    }
    s->nodes++;
    const uint64_t *e = physmap_va(pa(node));
    uint64_t span = 1ull << (VMO_RADIX_BITS * level);  // pages under one entry
    unsigned set = 0;
    for (unsigned i = 0; i < VMO_RADIX_FANOUT; i++) {
        if (!e[i]) continue;
        set++;
        uint64_t pn = base_pn + i * span;
        if (pn >= v->size / PAGE_SIZE) {
            printf("    tree: entry for page %llu beyond the size\n", (unsigned long long)pn);
            s->problems++;
        }
        if (level > 0) {
            tree_walk(v, e[i], level - 1, pn, seen, s);
            continue;
        }
        long d = fake_frame_index(pa(e[i]));
        if (d < 0 || !fake_page_allocated(pa(e[i]))) {
            printf("    tree: data page %#llx is not an allocated fake page\n", (unsigned long long)e[i]);
            s->problems++;
        } else if (seen[d]++) {
            printf("    tree: page %#llx referenced twice\n", (unsigned long long)e[i]);
            s->problems++;
        } else {
            s->pages++;
        }
    }
    if (!set) {
        printf("    tree: empty node %#llx at level %d\n", (unsigned long long)node, level);
        s->problems++;
    }
}

// Walk v's tree: every node and page allocated and referenced once, no empty
// node, nothing beyond the size, counters exact, height minimal for the size.
// Returns the number of problems (each printed).
static inline uint64_t vmo_check(struct vmo *v, struct tree_stats *out) {
    struct tree_stats s = {0, 0, 0};
    uint8_t *seen = calloc(fake_ram_pages() ? fake_ram_pages() : 1, 1);
    if (!seen) abort();
    if (v->radix_height < 1 || v->radix_height > VMO_RADIX_LEVELS) {
        printf("    tree: radix_height %u\n", v->radix_height);
        s.problems++;
    } else {
        uint64_t pages = v->size / PAGE_SIZE;
        unsigned h = v->radix_height;
        bool minimal = pages <= (1ull << (VMO_RADIX_BITS * h)) &&
                       (h == 1 || pages > (1ull << (VMO_RADIX_BITS * (h - 1))));
        if (!minimal) {
            printf("    tree: radix_height %u for %llu pages\n", h, (unsigned long long)pages);
            s.problems++;
        }
        if (pa_val(v->root)) tree_walk(v, pa_val(v->root), (int)h - 1, 0, seen, &s);
    }
    free(seen);
    if (s.nodes != v->node_pages || s.pages != v->committed_pages) {
        printf("    tree: walk found %llu nodes %llu pages, counters say %llu and %llu\n",
               (unsigned long long)s.nodes, (unsigned long long)s.pages, (unsigned long long)v->node_pages,
               (unsigned long long)v->committed_pages);
        s.problems++;
    }
    if (out) *out = s;
    return s.problems;
}
// The model tests' failure report: printed and counted in `failures`, a
// long the including file defines (its exit status follows it).
#define FAIL(...)                         \
    do {                                  \
        printf("    FAIL: " __VA_ARGS__); \
        printf("\n");                     \
        failures++;                       \
    } while (0)

#endif
