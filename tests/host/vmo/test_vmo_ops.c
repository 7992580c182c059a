// Unit cases of the second half of obj/vmo_*.c: resizing, content size, range
// ops (commit, decommit, zero), discardable VMOs and their LRU reclaim,
// physical VMOs, cache policy, info, UNBOUNDED-size VMOs. Built over the fakes
// of fake_mm.c and fake_vmar.c (which records and checks every
// vmar_unmap_vmo_pages call). Each case ends by checking that every page and
// heap block came back and that no unmap call broke its contract.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mm.h"
#include "fake_vmar.h"
#include "../harness.h"
#include "obj/object.h"
#include "obj/vmar.h"
#include "obj/vmo.h"
#include "vmo_testlib.h"

#define RAM_PAGES 4096u
#define PG PAGE_SIZE

static struct vmo *make_opt(uint64_t size, uint64_t content, uint32_t options) {
    struct vmo *v = NULL;
    zx_status_t st = vmo_create(size, content, options, &v);
    if (st != ZX_OK) {
        printf("    vmo_create(%#llx) failed: %d\n", (unsigned long long)size, st);
        return NULL;
    }
    return v;
}

static struct vmo *make_resizable(uint64_t size) { return make_opt(size, size, ZX_VMO_RESIZABLE); }

// Fill [off, off+len) with byte b.
static zx_status_t fill(struct vmo *v, uint64_t off, size_t len, uint8_t b) {
    uint8_t *buf = malloc(len ? len : 1);
    memset(buf, b, len);
    zx_status_t st = vmo_write_buf(v, off, buf, len);
    free(buf);
    return st;
}

// Do all bytes of [off, off+len) read as b?
static bool reads_as(struct vmo *v, uint64_t off, size_t len, uint8_t b) {
    uint8_t *buf = malloc(len ? len : 1);
    zx_status_t st = vmo_read_buf(v, off, buf, len);
    bool ok = st == ZX_OK && all_bytes(buf, len, b);
    free(buf);
    return ok;
}

static bool committed(struct vmo *v, uint64_t off) {
    paddr_t p;
    return vmo_get_page(v, off, 0, &p, NULL) == ZX_OK;
}

// Do the recorded unmap calls cover exactly the committed pages in `pages`
// (an array of page numbers, sorted)?  Each page must be inside some call.
static bool unmapped(const uint64_t *pages, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        bool in = false;
        for (long c = 0; c < fake_unmap_calls() && c < FAKE_UNMAP_LOG; c++) {
            const struct fake_unmap_call *k = fake_unmap_call(c);
            if (pages[i] * PG >= k->off && pages[i] * PG < k->off + k->len) in = true;
        }
        if (!in) {
            printf("    page %llu was not unmapped\n", (unsigned long long)pages[i]);
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// Resizing.

static void resize_needs_resizable(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(4 * PG, 4 * PG, 0);
    REQUIRE(v);
    CHECK_EQ(vmo_set_size(v, 8 * PG), ZX_ERR_UNAVAILABLE);
    CHECK_EQ(vmo_set_size(v, PG), ZX_ERR_UNAVAILABLE);
    CHECK_EQ(vmo_get_size(v), 4 * PG);
    object_unref(&v->obj);
    v = make_opt(4 * PG, 4 * PG, ZX_VMO_DISCARDABLE);
    REQUIRE(v);
    CHECK_EQ(vmo_set_size(v, 8 * PG), ZX_ERR_UNAVAILABLE);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void resize_range_errors(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_resizable(PG);
    REQUIRE(v);
    CHECK_EQ(vmo_set_size(v, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_set_size(v, UINT64_MAX - PG + 2), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_set_size(v, VMO_MAX_SIZE + 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_get_size(v), PG);
    CHECK_EQ(vmo_get_content_size(v), PG);
    CHECK_EQ(vmo_set_size(v, VMO_MAX_SIZE), ZX_OK);
    CHECK_EQ(vmo_get_size(v), VMO_MAX_SIZE);
    CHECK_EQ(v->radix_height, VMO_RADIX_LEVELS);
    CHECK_EQ(vmo_set_size(v, VMO_MAX_SIZE - 1), ZX_OK);  // rounds up to the maximum
    CHECK_EQ(vmo_get_size(v), VMO_MAX_SIZE);
    CHECK_EQ(vmo_get_content_size(v), VMO_MAX_SIZE - 1);
    CHECK_EQ(vmo_set_size(v, 0), ZX_OK);
    CHECK_EQ(vmo_get_size(v), 0);
    CHECK_EQ(v->radix_height, 1);
    CHECK_EQ(vmo_check(v, NULL), 0);
    CHECK_EQ(fake_page_allocs(), 0);  // an empty tree changes height for free
    object_unref(&v->obj);
    vmo_all_returned();
}

static void resize_shrink_frees_and_unmaps(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_resizable(20 * PG);
    REQUIRE(v);
    REQUIRE(fill(v, 0, 20 * PG, 0xab) == ZX_OK);
    CHECK_EQ(v->committed_pages, 20);
    uint64_t cs = 5 * PG + 100;
    CHECK_EQ(vmo_set_size(v, cs), ZX_OK);
    CHECK_EQ(vmo_get_size(v), 6 * PG);
    CHECK_EQ(vmo_get_content_size(v), cs);
    CHECK_EQ(v->committed_pages, 6);
    CHECK_EQ(vmo_check(v, NULL), 0);
    CHECK(reads_as(v, 0, cs, 0xab));
    CHECK(reads_as(v, cs, 6 * PG - cs, 0));  // the tail is zeroed
    uint8_t b;
    CHECK_EQ(vmo_read_buf(v, 6 * PG, &b, 1), ZX_ERR_OUT_OF_RANGE);
    paddr_t p;
    CHECK_EQ(vmo_get_page(v, 6 * PG, VMO_PAGE_COMMIT, &p, NULL), ZX_ERR_OUT_OF_RANGE);
    uint64_t gone[14];
    for (unsigned i = 0; i < 14; i++) gone[i] = 6 + i;
    CHECK(unmapped(gone, 14));
    CHECK_EQ(fake_unmap_bytes(), 14 * PG);  // pages 6..19 and nothing else
    // Growing again: the new pages read as zero, nothing is committed.
    CHECK_EQ(vmo_set_size(v, 20 * PG), ZX_OK);
    CHECK_EQ(v->committed_pages, 6);
    CHECK(reads_as(v, 0, cs, 0xab));
    CHECK(reads_as(v, cs, 20 * PG - cs, 0));
    CHECK_EQ(vmo_check(v, NULL), 0);
    // Same page count, smaller content size: the tail in place.
    CHECK_EQ(vmo_set_size(v, 19 * PG + 1), ZX_OK);
    CHECK_EQ(vmo_get_size(v), 20 * PG);
    CHECK_EQ(vmo_get_content_size(v), 19 * PG + 1);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void resize_tail_in_place_without_commit(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_resizable(4 * PG);
    REQUIRE(v);
    // Uncommitted tail: nothing gets committed by the zeroing.
    CHECK_EQ(vmo_set_size(v, 2 * PG + 7), ZX_OK);
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(fake_page_allocs(), 0);
    REQUIRE(fill(v, 0, 3 * PG, 0x11) == ZX_OK);
    CHECK_EQ(vmo_set_size(v, 2 * PG + 7), ZX_OK);  // same size again: zeroes the tail written since
    CHECK(reads_as(v, 0, 2 * PG + 7, 0x11));
    CHECK(reads_as(v, 2 * PG + 7, PG - 7, 0));
    CHECK_EQ(fake_unmap_calls(), 0);  // no page left the VMO
    object_unref(&v->obj);
    vmo_all_returned();
}

static void resize_grows_and_lowers_tree(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_resizable(PG);
    REQUIRE(v);
    REQUIRE(fill(v, 0, PG, 0x21) == ZX_OK);
    CHECK_EQ(v->radix_height, 1);
    CHECK_EQ(vmo_set_size(v, 513 * PG), ZX_OK);
    CHECK_EQ(v->radix_height, 2);
    CHECK_EQ(v->node_pages, 2);
    CHECK_EQ(vmo_check(v, NULL), 0);
    CHECK(reads_as(v, 0, PG, 0x21));
    REQUIRE(fill(v, 512 * PG, PG, 0x22) == ZX_OK);
    uint64_t big = (512ull * 512 + 1) * PG;
    CHECK_EQ(vmo_set_size(v, big), ZX_OK);
    CHECK_EQ(v->radix_height, 3);
    CHECK_EQ(vmo_check(v, NULL), 0);
    REQUIRE(fill(v, big - PG, PG, 0x23) == ZX_OK);
    CHECK(reads_as(v, 0, PG, 0x21));
    CHECK(reads_as(v, 512 * PG, PG, 0x22));
    CHECK(reads_as(v, big - PG, PG, 0x23));
    CHECK_EQ(vmo_check(v, NULL), 0);
    // Back to 513 pages: the far page goes, the tree drops a level.
    CHECK_EQ(vmo_set_size(v, 513 * PG), ZX_OK);
    CHECK_EQ(v->radix_height, 2);
    CHECK_EQ(v->committed_pages, 2);
    CHECK_EQ(vmo_check(v, NULL), 0);
    CHECK(reads_as(v, 512 * PG, PG, 0x22));
    // One page: a single leaf again.
    CHECK_EQ(vmo_set_size(v, PG), ZX_OK);
    CHECK_EQ(v->radix_height, 1);
    CHECK_EQ(v->node_pages, 1);
    CHECK_EQ(v->committed_pages, 1);
    CHECK_EQ(vmo_check(v, NULL), 0);
    CHECK(reads_as(v, 0, PG, 0x21));
    // Only page 0 kept: lowering from 3 levels with something in entry 0.
    CHECK_EQ(vmo_set_size(v, big), ZX_OK);
    CHECK_EQ(vmo_set_size(v, 2 * PG), ZX_OK);
    CHECK_EQ(v->radix_height, 1);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void resize_grow_no_memory_changes_nothing(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_resizable(PG);
    REQUIRE(v);
    REQUIRE(fill(v, 0, PG, 0x31) == ZX_OK);
    uint64_t in_use = fake_pages_in_use();
    for (long k = 0; k < 2; k++) {  // 1 -> 3 levels needs two new roots: fail at each
        fake_page_fail_after(k);
        CHECK_EQ(vmo_set_size(v, VMO_MAX_SIZE), ZX_ERR_NO_MEMORY);
        fake_page_fail_after(-1);
        CHECK_EQ(vmo_get_size(v), PG);
        CHECK_EQ(vmo_get_content_size(v), PG);
        CHECK_EQ(v->radix_height, 1);
        CHECK_EQ(fake_pages_in_use(), in_use);
        CHECK_EQ(vmo_check(v, NULL), 0);
        CHECK(reads_as(v, 0, PG, 0x31));
    }
    CHECK_EQ(vmo_set_size(v, VMO_MAX_SIZE), ZX_OK);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

// ---------------------------------------------------------------------------
// Content size.

static void content_size_checked(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(4 * PG, 4 * PG, 0);
    REQUIRE(v);
    REQUIRE(fill(v, 0, 4 * PG, 0xff) == ZX_OK);
    // Beyond the size: recorded (as Zircon), the size and the bytes unchanged.
    CHECK_EQ(vmo_set_content_size_checked(v, 4 * PG + 1), ZX_OK);
    CHECK_EQ(vmo_get_content_size(v), 4 * PG + 1);
    CHECK_EQ(vmo_get_size(v), 4 * PG);
    CHECK(reads_as(v, 0, 4 * PG, 0xff));
    CHECK_EQ(vmo_set_content_size_checked(v, PG + 10), ZX_OK);
    CHECK_EQ(vmo_get_content_size(v), PG + 10);
    CHECK_EQ(vmo_get_size(v), 4 * PG);
    CHECK(reads_as(v, 0, PG + 10, 0xff));
    CHECK(reads_as(v, PG + 10, 3 * PG - 10, 0));
    CHECK_EQ(v->committed_pages, 2);  // pages 2 and 3 decommitted, page 1 zeroed in place
    uint64_t gone[2] = {2, 3};
    CHECK(unmapped(gone, 2));
    CHECK_EQ(vmo_check(v, NULL), 0);
    // Growing the content size zeroes [cs, size) too, so bytes written beyond
    // the content size do not survive (Zircon's SetContentSize).
    REQUIRE(fill(v, 3 * PG, PG, 0x77) == ZX_OK);
    CHECK_EQ(vmo_set_content_size_checked(v, 2 * PG), ZX_OK);
    CHECK(reads_as(v, 2 * PG, 2 * PG, 0));
    CHECK_EQ(vmo_set_content_size_checked(v, 4 * PG), ZX_OK);  // nothing to zero
    CHECK_EQ(vmo_set_content_size_checked(v, 0), ZX_OK);
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

// ---------------------------------------------------------------------------
// Range ops.

static void commit_range(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(10 * PG, 10 * PG, 0);
    REQUIRE(v);
    CHECK_EQ(vmo_commit(v, 0, 10 * PG + 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_commit(v, 10 * PG + 1, 0), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_commit(v, PG, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_commit(v, UINT64_MAX, 2), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_commit(v, 10 * PG, 0), ZX_OK);
    CHECK_EQ(vmo_commit(v, 3, 0), ZX_OK);
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(vmo_commit(v, 100, 3 * PG + 1), ZX_OK);  // pages 0..3
    CHECK_EQ(v->committed_pages, 4);
    for (unsigned i = 0; i < 10; i++) CHECK_EQ(committed(v, i * PG), i < 4);
    CHECK(reads_as(v, 0, 10 * PG, 0));  // committed pages are zeroed
    CHECK_EQ(vmo_commit(v, 0, 10 * PG), ZX_OK);
    CHECK_EQ(v->committed_pages, 10);
    CHECK_EQ(vmo_commit(v, 0, 10 * PG), ZX_OK);  // idempotent
    CHECK_EQ(v->committed_pages, 10);
    CHECK_EQ(vmo_check(v, NULL), 0);
    CHECK_EQ(fake_unmap_calls(), 0);
    object_unref(&v->obj);
    // NO_MEMORY: what was committed stays, the tree stays sound.
    v = make_opt(10 * PG, 10 * PG, 0);
    REQUIRE(v);
    fake_page_fail_after(3);  // the leaf node and two pages
    CHECK_EQ(vmo_commit(v, 0, 10 * PG), ZX_ERR_NO_MEMORY);
    fake_page_fail_after(-1);
    CHECK_EQ(v->committed_pages, 2);
    CHECK_EQ(vmo_check(v, NULL), 0);
    fake_page_fail_after(0);
    CHECK_EQ(vmo_commit(v, 5 * PG, PG), ZX_ERR_NO_MEMORY);
    fake_page_fail_after(-1);
    CHECK_EQ(v->committed_pages, 2);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void decommit_range(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(10 * PG, 10 * PG, 0);
    REQUIRE(v);
    REQUIRE(fill(v, 0, 10 * PG, 0x44) == ZX_OK);
    CHECK_EQ(vmo_decommit(v, 0, 10 * PG + 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_decommit(v, 11 * PG, 0), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_decommit(v, 5, UINT64_MAX - 2), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_decommit(v, 4 * PG, 0), ZX_OK);
    CHECK_EQ(vmo_decommit(v, 4 * PG + 5, 0), ZX_OK);  // len 0: nothing, not even the alignment check
    CHECK_EQ(v->committed_pages, 10);
    CHECK_EQ(fake_unmap_calls(), 0);
    // Not whole pages: refused, not rounded (as Zircon); nothing changes.
    CHECK_EQ(vmo_decommit(v, PG + 1, 2 * PG - 2), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_decommit(v, PG, 2 * PG - 2), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_decommit(v, PG + 1, 2 * PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(v->committed_pages, 10);
    CHECK_EQ(fake_unmap_calls(), 0);
    CHECK_EQ(vmo_decommit(v, PG, 2 * PG), ZX_OK);
    CHECK_EQ(v->committed_pages, 8);
    CHECK(!committed(v, PG) && !committed(v, 2 * PG));
    CHECK(reads_as(v, 0, PG, 0x44));
    CHECK(reads_as(v, PG, 2 * PG, 0));
    CHECK(reads_as(v, 3 * PG, 7 * PG, 0x44));
    REQUIRE(fake_unmap_calls() == 1);
    CHECK_EQ(fake_unmap_call(0)->off, PG);
    CHECK_EQ(fake_unmap_call(0)->len, 2 * PG);
    // The pages were still allocated while they were being unmapped.
    CHECK(fake_unmap_call(0)->pages_in_use >= fake_pages_in_use() + 2);
    CHECK_EQ(vmo_check(v, NULL), 0);
    // Decommitting uncommitted pages: nothing to unmap.
    CHECK_EQ(vmo_decommit(v, PG, 2 * PG), ZX_OK);
    CHECK_EQ(fake_unmap_calls(), 1);
    // The rest: the whole VMO, tree and all.
    CHECK_EQ(vmo_decommit(v, 0, 10 * PG), ZX_OK);
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(v->node_pages, 0);
    CHECK_EQ(fake_pages_in_use(), 0);
    CHECK_EQ(vmo_check(v, NULL), 0);
    // Faults (get_page with commit) commit demand-zero pages again.
    paddr_t p;
    CHECK_EQ(vmo_get_page(v, 3 * PG, VMO_PAGE_COMMIT, &p, NULL), ZX_OK);
    CHECK(reads_as(v, 3 * PG, PG, 0));
    object_unref(&v->obj);
    vmo_all_returned();
}

static void decommit_in_batches(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(1024 * PG, 1024 * PG, 0);
    REQUIRE(v);
    // 200 pages, every fifth page of the first 1000.
    for (unsigned i = 0; i < 200; i++) REQUIRE(fill(v, i * 5 * PG + 7, 1, (uint8_t)i) == ZX_OK);
    CHECK_EQ(v->committed_pages, 200);
    CHECK_EQ(vmo_decommit(v, 0, 1024 * PG), ZX_OK);
    CHECK_EQ(fake_unmap_calls(), (200 + VMO_FREE_BATCH - 1) / VMO_FREE_BATCH);
    uint64_t gone[200];
    for (unsigned i = 0; i < 200; i++) gone[i] = i * 5;
    CHECK(unmapped(gone, 200));
    // Each call covers its batch only: first to last page of the batch.
    CHECK_EQ(fake_unmap_call(0)->off, 0);
    CHECK_EQ(fake_unmap_call(0)->len, ((VMO_FREE_BATCH - 1) * 5 + 1) * PG);
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(v->node_pages, 0);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void zero_range(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(6 * PG, 6 * PG, 0);
    REQUIRE(v);
    REQUIRE(fill(v, 0, 4 * PG, 0xab) == ZX_OK);
    CHECK_EQ(vmo_zero(v, 0, 6 * PG + 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_zero(v, 7 * PG, 0), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_zero(v, 1, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_zero(v, 6 * PG, 0), ZX_OK);
    // [100, 3PG+50): page 0 from 100 in place, pages 1-2 decommitted, page 3 [0,50) in place.
    CHECK_EQ(vmo_zero(v, 100, 3 * PG - 50), ZX_OK);
    CHECK(reads_as(v, 0, 100, 0xab));
    CHECK(reads_as(v, 100, 3 * PG - 50, 0));
    CHECK(reads_as(v, 3 * PG + 50, PG - 50, 0xab));
    CHECK_EQ(v->committed_pages, 2);
    CHECK(committed(v, 0) && committed(v, 3 * PG));
    uint64_t gone[2] = {1, 2};
    CHECK(unmapped(gone, 2));
    CHECK_EQ(fake_unmap_bytes(), 2 * PG);
    // Inside one page.
    CHECK_EQ(vmo_zero(v, 3 * PG + 60, 10), ZX_OK);
    CHECK(reads_as(v, 3 * PG + 50, 10, 0xab));
    CHECK(reads_as(v, 3 * PG + 60, 10, 0));
    CHECK(reads_as(v, 3 * PG + 70, PG - 70, 0xab));
    // Uncommitted pages: nothing gets committed.
    uint64_t allocs = fake_page_allocs();
    CHECK_EQ(vmo_zero(v, 4 * PG + 1, 2 * PG - 2), ZX_OK);
    CHECK_EQ(fake_page_allocs(), allocs);
    // Whole-page zero of page 3.
    CHECK_EQ(vmo_zero(v, 3 * PG, PG), ZX_OK);
    CHECK_EQ(v->committed_pages, 1);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void unbounded_at_max_size(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(VMO_MAX_SIZE, 12345, ZX_VMO_UNBOUNDED);
    REQUIRE(v);
    CHECK_EQ(vmo_get_size(v), VMO_MAX_SIZE);
    CHECK_EQ(vmo_get_content_size(v), 12345);
    const uint64_t end = VMO_MAX_SIZE;
    CHECK_EQ(vmo_commit(v, end - PG, PG), ZX_OK);
    CHECK_EQ(vmo_commit(v, end - 1, 1), ZX_OK);
    CHECK_EQ(vmo_commit(v, end - PG, PG + 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_commit(v, end, 0), ZX_OK);
    CHECK_EQ(vmo_commit(v, end - 3 * PG - 5, 10), ZX_OK);  // straddles two pages
    CHECK_EQ(v->committed_pages, 3);
    REQUIRE(fill(v, end - 10, 10, 0x5c) == ZX_OK);
    CHECK(reads_as(v, end - 10, 10, 0x5c));
    REQUIRE(fill(v, 0, PG, 0x5d) == ZX_OK);
    CHECK_EQ(vmo_check(v, NULL), 0);
    // Zero the far end in place and whole.
    CHECK_EQ(vmo_zero(v, end - 5, 5), ZX_OK);
    CHECK(reads_as(v, end - 10, 5, 0x5c));
    CHECK(reads_as(v, end - 5, 5, 0));
    // Decommit of the whole VMO skips the empty subtrees.
    CHECK_EQ(vmo_decommit(v, PG, end - PG), ZX_OK);
    CHECK_EQ(v->committed_pages, 1);
    CHECK_EQ(vmo_check(v, NULL), 0);
    CHECK_EQ(vmo_commit(v, end - PG, PG), ZX_OK);
    // Content size to 10: zeroes everything after.
    CHECK_EQ(vmo_set_content_size_checked(v, 10), ZX_OK);
    CHECK_EQ(v->committed_pages, 1);
    CHECK(reads_as(v, 0, 10, 0x5d));
    CHECK(reads_as(v, 10, PG - 10, 0));
    CHECK_EQ(vmo_zero(v, 0, end), ZX_OK);
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(v->node_pages, 0);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

// ---------------------------------------------------------------------------
// Discardable VMOs.

static void lock_errors(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *plain = make_opt(2 * PG, 2 * PG, 0);
    REQUIRE(plain);
    zx_vmo_lock_state_t ls;
    CHECK_EQ(vmo_lock(plain, 0, 2 * PG, false, &ls), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_lock(plain, 0, 2 * PG, true, NULL), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_unlock(plain, 0, 2 * PG), ZX_ERR_NOT_SUPPORTED);
    object_unref(&plain->obj);
    struct vmo *v = make_opt(2 * PG, 2 * PG, ZX_VMO_DISCARDABLE);
    REQUIRE(v);
    CHECK_EQ(vmo_discardable_unlocked_count(), 1);  // a new one is unlocked
    CHECK_EQ(vmo_unlock(v, 0, 2 * PG), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_lock(v, PG, PG, false, &ls), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_lock(v, 0, PG, false, &ls), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_lock(v, 0, 3 * PG, false, &ls), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_lock(v, 0, 2 * PG - 1, true, NULL), ZX_ERR_OUT_OF_RANGE);
    memset(&ls, 0xee, sizeof(ls));
    CHECK_EQ(vmo_lock(v, 0, 2 * PG, false, &ls), ZX_OK);
    CHECK_EQ(ls.offset, 0);
    CHECK_EQ(ls.size, 2 * PG);
    CHECK_EQ(ls.discarded_offset, 0);
    CHECK_EQ(ls.discarded_size, 0);
    CHECK_EQ(v->lock_count, 1);
    CHECK_EQ(vmo_discardable_unlocked_count(), 0);
    CHECK_EQ(vmo_lock(v, 0, 2 * PG, true, NULL), ZX_OK);  // nests
    CHECK_EQ(v->lock_count, 2);
    CHECK_EQ(vmo_unlock(v, 0, PG), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_unlock(v, 0, 2 * PG), ZX_OK);
    CHECK_EQ(vmo_discardable_unlocked_count(), 0);  // still locked once
    CHECK_EQ(vmo_unlock(v, 0, 2 * PG), ZX_OK);
    CHECK_EQ(vmo_discardable_unlocked_count(), 1);
    CHECK_EQ(vmo_unlock(v, 0, 2 * PG), ZX_ERR_BAD_STATE);
    CHECK_EQ(v->lock_count, 0);
    struct vmo_info info;
    vmo_get_info(v, &info);
    CHECK_EQ(info.flags, VMO_INFO_TYPE_PAGED | VMO_INFO_DISCARDABLE);
    object_unref(&v->obj);  // destroy takes it off the LRU
    CHECK_EQ(vmo_discardable_unlocked_count(), 0);
    vmo_all_returned();
}

static struct vmo *discardable_with(uint64_t pages, uint8_t b) {
    struct vmo *v = make_opt(pages * PG, pages * PG, ZX_VMO_DISCARDABLE);
    if (!v) return NULL;
    if (vmo_lock(v, 0, pages * PG, false, NULL) != ZX_OK || fill(v, 0, pages * PG, b) != ZX_OK) {
        printf("    could not set up a discardable VMO\n");
        object_unref(&v->obj);
        return NULL;
    }
    return v;
}

static void reclaim_in_lru_order(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *a = discardable_with(3, 0xa1), *b = discardable_with(5, 0xb1), *c = discardable_with(2, 0xc1);
    struct vmo *locked = discardable_with(4, 0xd1);
    REQUIRE(a && b && c && locked);
    CHECK_EQ(vmo_discardable_unlocked_count(), 0);
    CHECK_EQ(vmo_reclaim_discardable(100), 0);  // all locked
    // Unlock order b, a, c: b is the least recently unlocked.
    CHECK_EQ(vmo_unlock(b, 0, 5 * PG), ZX_OK);
    CHECK_EQ(vmo_unlock(a, 0, 3 * PG), ZX_OK);
    CHECK_EQ(vmo_unlock(c, 0, 2 * PG), ZX_OK);
    CHECK_EQ(vmo_discardable_unlocked_count(), 3);
    uint64_t before = fake_pages_in_use();
    CHECK_EQ(vmo_reclaim_discardable(1), 6);  // b: 5 pages and its leaf node
    CHECK_EQ(fake_pages_in_use(), before - 6);
    CHECK(b->discarded);
    CHECK_EQ(b->committed_pages, 0);
    CHECK_EQ(b->node_pages, 0);
    CHECK(!a->discarded && !c->discarded);
    CHECK_EQ(vmo_discardable_unlocked_count(), 2);
    uint64_t gone[5] = {0, 1, 2, 3, 4};
    CHECK(unmapped(gone, 5));
    CHECK_EQ(fake_unmap_call(0)->vmo, b);
    // A discarded, unlocked VMO cannot be used until locked again.
    uint8_t byte = 0;
    paddr_t p;
    CHECK_EQ(vmo_read_buf(b, 0, &byte, 1), ZX_ERR_NOT_FOUND);
    CHECK_EQ(vmo_write_buf(b, 0, &byte, 1), ZX_ERR_NOT_FOUND);
    CHECK_EQ(vmo_get_page(b, 0, VMO_PAGE_COMMIT, &p, NULL), ZX_ERR_NOT_FOUND);
    CHECK_EQ(vmo_commit(b, 0, PG), ZX_ERR_NOT_FOUND);
    CHECK_EQ(b->committed_pages, 0);
    struct vmo_info info;
    vmo_get_info(b, &info);
    CHECK(info.discarded);
    CHECK_EQ(info.committed_bytes, 0);
    // TRY_LOCK refuses, LOCK reports the discard and the contents are zero.
    CHECK_EQ(vmo_lock(b, 0, 5 * PG, true, NULL), ZX_ERR_UNAVAILABLE);
    CHECK_EQ(b->lock_count, 0);
    zx_vmo_lock_state_t ls;
    CHECK_EQ(vmo_lock(b, 0, 5 * PG, false, &ls), ZX_OK);
    CHECK_EQ(ls.offset, 0);
    CHECK_EQ(ls.size, 5 * PG);
    CHECK_EQ(ls.discarded_offset, 0);
    CHECK_EQ(ls.discarded_size, 5 * PG);
    CHECK(!b->discarded);
    CHECK(reads_as(b, 0, 5 * PG, 0));
    CHECK_EQ(vmo_lock(b, 0, 5 * PG, false, &ls), ZX_OK);  // nested: no longer discarded
    CHECK_EQ(ls.discarded_size, 0);
    CHECK(reads_as(a, 0, 3 * PG, 0xa1));
    CHECK(reads_as(c, 0, 2 * PG, 0xc1));
    // Everything reclaimable: a then c; b and `locked` are locked.
    fake_unmap_reset();
    CHECK_EQ(vmo_reclaim_discardable(UINT64_MAX), 4 + 3);
    CHECK(a->discarded && c->discarded);
    CHECK(!locked->discarded && !b->discarded);
    REQUIRE(fake_unmap_calls() == 2);
    CHECK(fake_unmap_call(0)->vmo == a && fake_unmap_call(1)->vmo == c);
    CHECK(reads_as(locked, 0, 4 * PG, 0xd1));
    CHECK_EQ(vmo_discardable_unlocked_count(), 0);
    CHECK_EQ(vmo_reclaim_discardable(1), 0);
    // A relocked and unlocked discarded VMO is reclaimable again (empty now).
    CHECK_EQ(vmo_lock(a, 0, 3 * PG, true, NULL), ZX_ERR_UNAVAILABLE);
    CHECK_EQ(vmo_lock(a, 0, 3 * PG, false, NULL), ZX_OK);
    CHECK_EQ(vmo_unlock(a, 0, 3 * PG), ZX_OK);
    CHECK_EQ(vmo_discardable_unlocked_count(), 1);
    CHECK_EQ(vmo_reclaim_discardable(1), 0);  // no pages, but discarded
    CHECK(a->discarded);
    CHECK_EQ(vmo_discardable_unlocked_count(), 0);
    object_unref(&a->obj);
    object_unref(&b->obj);
    object_unref(&c->obj);
    object_unref(&locked->obj);
    vmo_all_returned();
}

// The hook of reclaim_skips_dying: a VMO whose refcount is zero but which is
// still on the LRU (its destroy is running elsewhere) must be skipped.
static void reclaim_skips_dying(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *a = discardable_with(2, 0x1), *b = discardable_with(2, 0x2);
    REQUIRE(a && b);
    CHECK_EQ(vmo_unlock(a, 0, 2 * PG), ZX_OK);
    CHECK_EQ(vmo_unlock(b, 0, 2 * PG), ZX_OK);
    a->obj.refcount = 0;  // pretend a is being destroyed
    CHECK_EQ(vmo_reclaim_discardable(1), 3);
    CHECK(!a->discarded && b->discarded);
    a->obj.refcount = 1;
    object_unref(&a->obj);
    object_unref(&b->obj);
    vmo_all_returned();
}

// Another operation on the VMO from inside the unmap step (with the VMO lock
// dropped): reads must work and see the pages as gone.
static struct vmo *hook_vmo;
static long hook_reads_ok;
static void read_during_unmap(struct vmo *v, uint64_t off, uint64_t len) {
    if (v != hook_vmo) return;
    uint8_t b = 1;
    if (vmo_read_buf(v, off, &b, 1) == ZX_OK && b == 0) hook_reads_ok++;
}

static void ops_during_unmap(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(8 * PG, 8 * PG, 0);
    REQUIRE(v);
    REQUIRE(fill(v, 0, 8 * PG, 0x99) == ZX_OK);
    hook_vmo = v;
    hook_reads_ok = 0;
    fake_unmap_set_hook(read_during_unmap);
    CHECK_EQ(vmo_decommit(v, 2 * PG, 3 * PG), ZX_OK);
    CHECK_EQ(hook_reads_ok, 1);
    fake_unmap_set_hook(NULL);
    object_unref(&v->obj);
    vmo_all_returned();
}

// ---------------------------------------------------------------------------
// Physical VMOs, cache policy, info.

static void physical_vmo(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = NULL;
    CHECK_EQ(vmo_create_physical(0x10000000, 0, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create_physical(0x10000001, PG, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create_physical(0x10000000, PG + 1, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create_physical(UINT64_MAX - PG + 1, 2 * PG, &v), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_create_physical(0, VMO_MAX_SIZE + PG, &v), ZX_ERR_OUT_OF_RANGE);
    fake_kheap_fail_after(0);
    CHECK_EQ(vmo_create_physical(0x10000000, PG, &v), ZX_ERR_NO_MEMORY);
    fake_kheap_fail_after(-1);
    CHECK_EQ(fake_kheap_live(), 0);
    CHECK_EQ(vmo_create_physical(UINT64_MAX - PG + 1, PG, &v), ZX_OK);  // the last page
    object_unref(&v->obj);
    REQUIRE(vmo_create_physical(0x10000000, 4 * PG, &v) == ZX_OK);
    CHECK(vmo_is_physical(v));
    CHECK_EQ(object_type(&v->obj), ZX_OBJ_TYPE_VMO);
    CHECK_EQ(vmo_get_size(v), 4 * PG);
    CHECK_EQ(vmo_get_content_size(v), 4 * PG);
    CHECK_EQ(vmo_get_cache_policy(v), ZX_CACHE_POLICY_UNCACHED);
    paddr_t p;
    CHECK_EQ(vmo_get_page(v, 0, 0, &p, NULL), ZX_OK);
    CHECK_EQ(pa_val(p), 0x10000000);
    CHECK_EQ(vmo_get_page(v, 3 * PG, VMO_PAGE_COMMIT, &p, NULL), ZX_OK);
    CHECK_EQ(pa_val(p), 0x10000000 + 3 * PG);
    CHECK_EQ(vmo_get_page(v, 4 * PG, VMO_PAGE_COMMIT, &p, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_get_page(v, 5, VMO_PAGE_COMMIT, &p, NULL), ZX_ERR_INVALID_ARGS);
    uint8_t b = 0;
    CHECK_EQ(vmo_read_buf(v, 0, &b, 1), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_write_buf(v, 0, &b, 1), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_commit(v, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_decommit(v, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_zero(v, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_set_size(v, 8 * PG), ZX_ERR_UNAVAILABLE);
    CHECK_EQ(vmo_lock(v, 0, 4 * PG, false, NULL), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_unlock(v, 0, 4 * PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_set_content_size_checked(v, 5 * PG), ZX_OK);
    CHECK_EQ(vmo_get_content_size(v), 5 * PG);
    CHECK_EQ(vmo_set_content_size_checked(v, 100), ZX_OK);
    CHECK_EQ(vmo_get_content_size(v), 100);
    CHECK_EQ(vmo_committed_bytes(v), 0);
    struct vmo_info info;
    vmo_get_info(v, &info);
    CHECK_EQ(info.flags, 0);  // ZX_INFO_VMO_TYPE_PHYSICAL, not resizable
    CHECK_EQ(info.committed_bytes, 0);
    CHECK_EQ(info.cache_policy, ZX_CACHE_POLICY_UNCACHED);
    CHECK_EQ(info.size_bytes, 4 * PG);
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_CACHED), ZX_OK);
    CHECK_EQ(vmo_get_cache_policy(v), ZX_CACHE_POLICY_CACHED);
    CHECK_EQ(fake_page_allocs(), 0);
    CHECK_EQ(fake_kheap_live(), 1);
    object_unref(&v->obj);
    CHECK_EQ(fake_page_frees(), 0);
    vmo_all_returned();
}

static void cache_policy(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(4 * PG, 4 * PG, 0);
    REQUIRE(v);
    CHECK_EQ(vmo_get_cache_policy(v), ZX_CACHE_POLICY_CACHED);
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_MASK + 1), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_set_cache_policy(v, 0xffffffffu), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_WRITE_COMBINING), ZX_OK);
    CHECK_EQ(vmo_get_cache_policy(v), ZX_CACHE_POLICY_WRITE_COMBINING);
    REQUIRE(fill(v, PG, 1, 1) == ZX_OK);
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_get_cache_policy(v), ZX_CACHE_POLICY_WRITE_COMBINING);
    CHECK_EQ(vmo_decommit(v, 0, 4 * PG), ZX_OK);
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED), ZX_OK);
    // A mapping (linked as obj/vmar.c would).
    struct vmar_mapping m;
    memset(&m, 0, sizeof(m));
    m.vmo = v;
    m.len = PG;
    v->map_list = &m;
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_CACHED), ZX_ERR_BAD_STATE);
    v->map_list = NULL;
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED_DEVICE), ZX_OK);
    struct vmo_info info;
    vmo_get_info(v, &info);
    CHECK_EQ(info.cache_policy, ZX_CACHE_POLICY_UNCACHED_DEVICE);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void info_fields(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make_opt(600 * PG, 600 * PG - 3, ZX_VMO_RESIZABLE);
    REQUIRE(v);
    REQUIRE(fill(v, 0, 1, 1) == ZX_OK);
    REQUIRE(fill(v, 599 * PG, 1, 1) == ZX_OK);
    struct vmo_info info;
    vmo_get_info(v, &info);
    CHECK_EQ(info.flags, VMO_INFO_TYPE_PAGED | VMO_INFO_RESIZABLE);
    CHECK_EQ(info.size_bytes, 600 * PG);
    CHECK_EQ(info.content_size, 600 * PG - 3);
    CHECK_EQ(info.committed_bytes, 2 * PG);
    CHECK_EQ(info.metadata_bytes, 3 * PG);  // root and two leaves
    CHECK_EQ(info.cache_policy, ZX_CACHE_POLICY_CACHED);
    CHECK_EQ(info.num_mappings, 0);
    CHECK_EQ(info.lock_count, 0);
    CHECK(!info.discarded);
    object_unref(&v->obj);
    vmo_all_returned();
}

int main(void) {
    RUN_CASE(resize_needs_resizable);
    RUN_CASE(resize_range_errors);
    RUN_CASE(resize_shrink_frees_and_unmaps);
    RUN_CASE(resize_tail_in_place_without_commit);
    RUN_CASE(resize_grows_and_lowers_tree);
    RUN_CASE(resize_grow_no_memory_changes_nothing);
    RUN_CASE(content_size_checked);
    RUN_CASE(commit_range);
    RUN_CASE(decommit_range);
    RUN_CASE(decommit_in_batches);
    RUN_CASE(zero_range);
    RUN_CASE(unbounded_at_max_size);
    RUN_CASE(lock_errors);
    RUN_CASE(reclaim_in_lru_order);
    RUN_CASE(reclaim_skips_dying);
    RUN_CASE(ops_during_unmap);
    RUN_CASE(physical_vmo);
    RUN_CASE(cache_policy);
    RUN_CASE(info_fields);
    return th_exit_status("vmo-ops");
}
