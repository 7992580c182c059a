// Unit cases of VMO children (vmo_create_child in obj/vmo_*.c): option and
// range errors, slices (shared pages both ways, slices of slices, physical
// slices, unmapping of slice mappings when the root's pages leave), snapshots
// (copy-on-write: isolation both ways, beyond the parent's size, of a slice,
// resizable; pages shared until written, attribution, unsharing for writes,
// zeroing and shrinking, the unmaps before a shared page is released), the
// children count and ZX_VMO_ZERO_CHILDREN (through the fake
// object_signal of fake_signal.c), destroy in any order, and NO_MEMORY at
// every allocation of a snapshot. Each case ends by checking that every page,
// heap block and object came back and that no fake saw a contract breach.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mm.h"
#include "fake_signal.h"
#include "fake_vmar.h"
#include "../harness.h"
#include "obj/object.h"
#include "obj/vmar.h"
#include "obj/vmo.h"
#include "vmo_testlib.h"

#define RAM_PAGES 4096u
#define PG PAGE_SIZE

static struct vmo *make(uint64_t size, uint32_t options) {
    struct vmo *v = NULL;
    if (vmo_create(size, size, options, &v) != ZX_OK) return NULL;
    return v;
}

static struct vmo *child(struct vmo *p, uint32_t options, uint64_t off, uint64_t size) {
    struct vmo *c = NULL;
    zx_status_t st = vmo_create_child(p, options, off, size, &c);
    if (st != ZX_OK) {
        printf("    vmo_create_child(%#x, %#llx, %#llx) failed: %d\n", options, (unsigned long long)off,
               (unsigned long long)size, st);
        return NULL;
    }
    return c;
}

static void put(struct vmo *v) { object_unref(&v->obj); }

static zx_status_t wr64(struct vmo *v, uint64_t off, uint64_t x) { return vmo_write_buf(v, off, &x, sizeof x); }

static uint64_t rd64(struct vmo *v, uint64_t off) {
    uint64_t x = 0xdeadbeef;
    if (vmo_read_buf(v, off, &x, sizeof x) != ZX_OK) return 0xbadbad;
    return x;
}

static bool zero_children(struct vmo *v) { return (v->obj.signals & ZX_VMO_ZERO_CHILDREN) != 0; }

static zx_status_t try_child(struct vmo *p, uint32_t options, uint64_t off, uint64_t size) {
    struct vmo *c = NULL;
    zx_status_t st = vmo_create_child(p, options, off, size, &c);
    if (st == ZX_OK) put(c);
    return st;
}

static void option_errors(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(4 * PG, 0);
    REQUIRE(p);
    const uint32_t S = ZX_VMO_CHILD_SNAPSHOT, W = ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, L = ZX_VMO_CHILD_SLICE,
                   R = ZX_VMO_CHILD_RESIZABLE, N = ZX_VMO_CHILD_NO_WRITE;
    CHECK_EQ(try_child(p, 0, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, R, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, N, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, S | L, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, S | W, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, W | L, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, S | W | L, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, L | R, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, S | N | R, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, W | N | R, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, ZX_VMO_CHILD_REFERENCE, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(try_child(p, ZX_VMO_CHILD_SNAPSHOT_MODIFIED | S, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, ZX_VMO_CHILD_SNAPSHOT_MODIFIED | L, 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, S | ZX_VMO_CHILD_REFERENCE, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(try_child(p, S | (1u << 1), 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, S | (1u << 8), 0, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, L | (1u << 31), 0, PG), ZX_ERR_INVALID_ARGS);
    // The accepted combinations.
    CHECK_EQ(try_child(p, S, 0, PG), ZX_OK);
    CHECK_EQ(try_child(p, W, 0, PG), ZX_OK);
    CHECK_EQ(try_child(p, L, 0, PG), ZX_OK);
    CHECK_EQ(try_child(p, ZX_VMO_CHILD_SNAPSHOT_MODIFIED, 0, PG), ZX_OK);  // = SNAPSHOT without a pager
    CHECK_EQ(try_child(p, S | R, 0, PG), ZX_OK);
    CHECK_EQ(try_child(p, W | R, 0, PG), ZX_OK);
    CHECK_EQ(try_child(p, S | N, 0, PG), ZX_OK);
    CHECK_EQ(try_child(p, L | N, 0, PG), ZX_OK);
    CHECK_EQ(p->num_children, 0);
    CHECK(zero_children(p));
    put(p);
    vmo_all_returned();
}

static void range_errors(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(4 * PG, 0);
    struct vmo *rz = make(4 * PG, ZX_VMO_RESIZABLE);
    struct vmo *ph = NULL;
    REQUIRE(p && rz && vmo_create_physical(0x10000000, 4 * PG, &ph) == ZX_OK);
    const uint32_t S = ZX_VMO_CHILD_SNAPSHOT, L = ZX_VMO_CHILD_SLICE;
    // Overflow and size limits, every kind.
    CHECK_EQ(try_child(p, S, PG, UINT64_MAX), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(try_child(p, L, PG, UINT64_MAX - PG + 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(try_child(p, S, 0, UINT64_MAX - 10), ZX_ERR_OUT_OF_RANGE);  // rounding overflows
    CHECK_EQ(try_child(p, S, 0, VMO_MAX_SIZE + 1), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(try_child(p, L, 0, VMO_MAX_SIZE + 1), ZX_ERR_OUT_OF_RANGE);
    // Slices: alignment, inside the parent, not of a resizable VMO.
    CHECK_EQ(try_child(p, L, 1, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, L, 0, 4 * PG + 1), ZX_ERR_INVALID_ARGS);  // not inside: Zircon's INVALID_ARGS
    CHECK_EQ(try_child(p, L, 3 * PG, PG + 1), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, L, 5 * PG, 0), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, L, UINT64_MAX - PG + 1, PG), ZX_ERR_INVALID_ARGS);  // overflows
    CHECK_EQ(try_child(p, L, 3 * PG, PG), ZX_OK);
    CHECK_EQ(try_child(p, L, 4 * PG, 0), ZX_OK);
    CHECK_EQ(try_child(rz, L, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(try_child(ph, L, 0, 5 * PG), ZX_ERR_INVALID_ARGS);
    // Snapshots: alignment, may extend beyond the parent, not physical.
    CHECK_EQ(try_child(p, S, 1, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, PG + 8, PG), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(p, S, 2 * PG, 100 * PG), ZX_OK);
    CHECK_EQ(try_child(p, S, 100 * PG, PG), ZX_OK);
    CHECK_EQ(try_child(rz, S, 0, PG), ZX_OK);
    CHECK_EQ(try_child(ph, S, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(try_child(ph, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, PG), ZX_ERR_NOT_SUPPORTED);
    // Sizes: rounded up, content size unrounded.
    struct vmo *c = child(p, S, 0, PG + 1);
    REQUIRE(c);
    CHECK_EQ(vmo_get_size(c), 2 * PG);
    CHECK_EQ(vmo_get_content_size(c), PG + 1);
    put(c);
    c = child(p, L, PG, 10);
    REQUIRE(c);
    CHECK_EQ(vmo_get_size(c), PG);
    CHECK_EQ(vmo_get_content_size(c), 10);
    put(c);
    put(p);
    put(rz);
    put(ph);
    vmo_all_returned();
}

static void discardable_parent(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *d = make(2 * PG, ZX_VMO_DISCARDABLE);
    REQUIRE(d);
    CHECK_EQ(try_child(d, ZX_VMO_CHILD_SNAPSHOT, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(try_child(d, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(try_child(d, ZX_VMO_CHILD_SNAPSHOT_MODIFIED, 0, PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(try_child(d, ZX_VMO_CHILD_SLICE, 0, PG), ZX_ERR_NOT_SUPPORTED);  // no kind at all (as Zircon)
    put(d);
    vmo_all_returned();
}

static void slice_shares_both_ways(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(8 * PG, 0);
    REQUIRE(p);
    CHECK_EQ(wr64(p, 2 * PG + 8, 0x1111), ZX_OK);
    struct vmo *s = child(p, ZX_VMO_CHILD_SLICE, 2 * PG, 4 * PG);
    REQUIRE(s);
    CHECK(s->slice && !s->cow_clone && s->slice_root == p);
    CHECK_EQ(rd64(s, 8), 0x1111);
    CHECK_EQ(wr64(s, PG + 16, 0x2222), ZX_OK);
    CHECK_EQ(rd64(p, 3 * PG + 16), 0x2222);
    CHECK_EQ(wr64(p, 5 * PG, 0x3333), ZX_OK);
    CHECK_EQ(rd64(s, 3 * PG), 0x3333);
    CHECK_EQ(s->committed_pages, 0);  // a slice owns no pages
    // Bounds are the slice's.
    uint64_t x;
    CHECK_EQ(vmo_read_buf(s, 4 * PG - 4, &x, 8), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_write_buf(s, 4 * PG, &x, 8), ZX_ERR_OUT_OF_RANGE);
    // get_page: the parent's page; commit through the slice commits the parent.
    paddr_t a, b;
    CHECK_EQ(vmo_get_page(s, PG, 0, &a, NULL), ZX_OK);
    CHECK_EQ(vmo_get_page(p, 3 * PG, 0, &b, NULL), ZX_OK);
    CHECK_EQ(pa_val(a), pa_val(b));
    CHECK_EQ(vmo_get_page(s, 2 * PG, 0, &a, NULL), ZX_ERR_NOT_FOUND);
    CHECK_EQ(vmo_get_page(s, 4 * PG, VMO_PAGE_COMMIT, &a, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_get_page(s, 8, VMO_PAGE_COMMIT, &a, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_get_page(s, 2 * PG, VMO_PAGE_COMMIT, &a, NULL), ZX_OK);
    CHECK_EQ(vmo_get_page(p, 4 * PG, 0, &b, NULL), ZX_OK);
    CHECK_EQ(pa_val(a), pa_val(b));
    CHECK_EQ(vmo_commit(s, 0, 4 * PG), ZX_OK);
    CHECK_EQ(p->committed_pages, 4);
    CHECK_EQ(vmo_commit(s, 0, 4 * PG + 1), ZX_ERR_OUT_OF_RANGE);
    // zero and decommit through the slice act on the parent's pages.
    CHECK_EQ(vmo_zero(s, 8, 8), ZX_OK);
    CHECK_EQ(rd64(p, 2 * PG + 8), 0);
    CHECK_EQ(vmo_decommit(s, PG, PG), ZX_OK);
    CHECK_EQ(rd64(p, 3 * PG + 16), 0);
    CHECK_EQ(p->committed_pages, 3);
    CHECK_EQ(vmo_decommit(s, 0, 5 * PG), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_set_size(s, PG), ZX_ERR_UNAVAILABLE);
    CHECK_EQ(vmo_check(p, NULL), 0);
    put(s);
    CHECK_EQ(p->committed_pages, 3);  // the slice took nothing with it
    put(p);
    vmo_all_returned();
}

static void slice_of_slice_flattens(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(16 * PG, 0);
    REQUIRE(p);
    struct vmo *s1 = child(p, ZX_VMO_CHILD_SLICE, 4 * PG, 8 * PG);
    REQUIRE(s1);
    struct vmo *s2 = child(s1, ZX_VMO_CHILD_SLICE, 2 * PG, 4 * PG);
    REQUIRE(s2);
    CHECK(s2->slice_root == p);
    CHECK_EQ(s2->slice_offset, 6 * PG);
    CHECK(s2->parent == s1);
    CHECK_EQ(s1->num_children, 1);
    CHECK_EQ(p->num_children, 1);
    CHECK_EQ(wr64(s2, PG, 0xabc), ZX_OK);
    CHECK_EQ(rd64(s1, 3 * PG), 0xabc);
    CHECK_EQ(rd64(p, 7 * PG), 0xabc);
    CHECK_EQ(wr64(p, 9 * PG + 8, 0xdef), ZX_OK);
    CHECK_EQ(rd64(s2, 3 * PG + 8), 0xdef);
    CHECK_EQ(try_child(s2, ZX_VMO_CHILD_SLICE, 0, 5 * PG), ZX_ERR_INVALID_ARGS);
    struct vmo_info vi;
    vmo_get_info(s2, &vi);
    CHECK_EQ(vi.parent_koid, s1->obj.koid);
    CHECK_EQ(vi.flags & VMO_INFO_IS_COW_CLONE, 0);
    // Drop in the "wrong" order: the middle slice stays alive through s2.
    put(s1);
    CHECK_EQ(rd64(s2, PG), 0xabc);
    CHECK_EQ(p->num_children, 1);
    put(s2);
    CHECK_EQ(p->num_children, 0);
    CHECK(zero_children(p));
    put(p);
    vmo_all_returned();
}

// Pages leaving the root are unmapped from the slices' mappings first (the
// fake vmar_unmap_vmo_pages records the slice, with the slice's offsets).
static void root_decommit_unmaps_slices(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(8 * PG, 0);
    REQUIRE(p);
    struct vmo *s1 = child(p, ZX_VMO_CHILD_SLICE, 2 * PG, 4 * PG);
    struct vmo *s2 = child(p, ZX_VMO_CHILD_SLICE, 6 * PG, 2 * PG);
    REQUIRE(s1 && s2);
    struct vmo *s3 = child(s1, ZX_VMO_CHILD_SLICE, PG, PG);  // root offset 3 pages
    REQUIRE(s3);
    CHECK_EQ(vmo_commit(p, 0, 8 * PG), ZX_OK);
    fake_unmap_reset();
    CHECK_EQ(vmo_decommit(p, 3 * PG, 2 * PG), ZX_OK);  // pages 3, 4
    bool seen_p = false, seen_s1 = false, seen_s2 = false, seen_s3 = false;
    for (long i = 0; i < fake_unmap_calls(); i++) {
        const struct fake_unmap_call *c = fake_unmap_call(i);
        if (c->vmo == p) seen_p = c->off == 3 * PG && c->len == 2 * PG;
        if (c->vmo == s1) seen_s1 = c->off == PG && c->len == 2 * PG;
        if (c->vmo == s2) seen_s2 = true;
        if (c->vmo == s3) seen_s3 = c->off == 0 && c->len == PG;
    }
    CHECK(seen_p && seen_s1 && !seen_s2 && seen_s3);
    CHECK_EQ(fake_unmap_violations(), 0);
    // Through a slice too: the root and the other slices are unmapped.
    fake_unmap_reset();
    CHECK_EQ(vmo_decommit(s2, 0, 2 * PG), ZX_OK);
    seen_p = seen_s2 = false;
    for (long i = 0; i < fake_unmap_calls(); i++) {
        const struct fake_unmap_call *c = fake_unmap_call(i);
        if (c->vmo == p) seen_p = c->off == 6 * PG && c->len == 2 * PG;
        if (c->vmo == s2) seen_s2 = c->off == 0 && c->len == 2 * PG;
    }
    CHECK(seen_p && seen_s2);
    CHECK_EQ(p->committed_pages, 4);
    put(s3);
    put(s2);
    put(p);  // parent first: s1 keeps it
    CHECK_EQ(rd64(s1, 0), 0);
    put(s1);
    vmo_all_returned();
}

static void physical_slice(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *ph = NULL;
    REQUIRE(vmo_create_physical(0x10000000, 8 * PG, &ph) == ZX_OK);
    CHECK(zero_children(ph));
    struct vmo *s = child(ph, ZX_VMO_CHILD_SLICE, 2 * PG, 3 * PG);
    REQUIRE(s);
    CHECK(vmo_is_physical(s));
    CHECK(!zero_children(ph));
    paddr_t a;
    CHECK_EQ(vmo_get_page(s, PG, 0, &a, NULL), ZX_OK);
    CHECK_EQ(pa_val(a), 0x10000000 + 3 * PG);
    CHECK_EQ(vmo_get_page(s, 3 * PG, VMO_PAGE_COMMIT, &a, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_get_cache_policy(s), ZX_CACHE_POLICY_UNCACHED);
    uint64_t x;
    CHECK_EQ(vmo_read_buf(s, 0, &x, 8), ZX_ERR_NOT_SUPPORTED);
    struct vmo *ss = child(s, ZX_VMO_CHILD_SLICE, PG, PG);
    REQUIRE(ss);
    CHECK_EQ(vmo_get_page(ss, 0, 0, &a, NULL), ZX_OK);
    CHECK_EQ(pa_val(a), 0x10000000 + 3 * PG);
    CHECK_EQ(try_child(s, ZX_VMO_CHILD_SNAPSHOT, 0, PG), ZX_ERR_NOT_SUPPORTED);
    // Cache policy cannot change on a VMO with children or on a child.
    CHECK_EQ(vmo_set_cache_policy(ph, ZX_CACHE_POLICY_CACHED), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_set_cache_policy(s, ZX_CACHE_POLICY_CACHED), ZX_ERR_BAD_STATE);
    put(ss);
    put(s);
    CHECK(zero_children(ph));
    CHECK_EQ(vmo_set_cache_policy(ph, ZX_CACHE_POLICY_CACHED), ZX_OK);
    put(ph);
    vmo_all_returned();
}

// A snapshot takes its source's pages out of every mapping before it shares
// them (another hart could otherwise still write a shared page through a
// stale writable mapping): during that unmap the pages still have one user,
// faults get them read-only and a write fault must wait.
static unsigned pending_checks;
static void check_pending_hook(struct vmo *v, uint64_t off, uint64_t len) {
    paddr_t pg;
    bool w = true;
    if (!v->snapshot_pending) return;
    pending_checks++;
    CHECK_EQ(vmo_get_page(v, off, VMO_PAGE_COMMIT, &pg, &w), ZX_OK);
    CHECK(!w);
    CHECK_EQ(page_users(pg), 1);  // not shared yet
    CHECK_EQ(vmo_get_page(v, off, VMO_PAGE_COMMIT | VMO_PAGE_WRITE, &pg, &w), ZX_ERR_SHOULD_WAIT);
    (void)len;
}

static void snapshot_unmaps_before_sharing(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(4 * PG, 0);
    REQUIRE(p);
    CHECK_EQ(wr64(p, PG, 7), ZX_OK);
    pending_checks = 0;
    fake_unmap_set_hook(check_pending_hook);
    struct vmo *c = child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PG);
    fake_unmap_set_hook(0);
    REQUIRE(c);
    CHECK(pending_checks >= 1);
    CHECK(!p->snapshot_pending);
    paddr_t pg;
    bool w = true;
    CHECK_EQ(vmo_get_page(p, PG, 0, &pg, &w), ZX_OK);
    CHECK(!w);  // shared now
    CHECK_EQ(page_users(pg), 2);
    object_unref(&c->obj);
    object_unref(&p->obj);
    vmo_all_returned();
}

static void snapshot_isolation(void) {
    const uint32_t kinds[2] = {ZX_VMO_CHILD_SNAPSHOT, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE};
    for (int k = 0; k < 2; k++) {
        vmo_fresh(RAM_PAGES);
        struct vmo *p = make(8 * PG, 0);
        REQUIRE(p);
        CHECK_EQ(wr64(p, 0, 1), ZX_OK);
        CHECK_EQ(wr64(p, 3 * PG + 24, 2), ZX_OK);
        CHECK_EQ(wr64(p, 7 * PG, 3), ZX_OK);
        struct vmo *c = child(p, kinds[k], 0, 8 * PG);
        REQUIRE(c);
        CHECK(c->cow_clone && !c->slice);
        CHECK_EQ(c->committed_pages, 3);
        CHECK_EQ(rd64(c, 0), 1);
        CHECK_EQ(rd64(c, 3 * PG + 24), 2);
        CHECK_EQ(rd64(c, 7 * PG), 3);
        CHECK_EQ(rd64(c, 5 * PG), 0);
        // Parent writes after the snapshot are not seen by the child...
        CHECK_EQ(wr64(p, 0, 10), ZX_OK);
        CHECK_EQ(wr64(p, 5 * PG, 11), ZX_OK);
        CHECK_EQ(rd64(c, 0), 1);
        CHECK_EQ(rd64(c, 5 * PG), 0);
        // ...and child writes are not seen by the parent.
        CHECK_EQ(wr64(c, 3 * PG + 24, 20), ZX_OK);
        CHECK_EQ(wr64(c, 6 * PG, 21), ZX_OK);
        CHECK_EQ(rd64(p, 3 * PG + 24), 2);
        CHECK_EQ(rd64(p, 6 * PG), 0);
        CHECK_EQ(rd64(c, 3 * PG + 24), 20);
        // Zeroing a page in the parent leaves the child's copy; decommit is
        // refused on both sides while they share (as Zircon).
        CHECK_EQ(vmo_decommit(p, 7 * PG, PG), ZX_ERR_NOT_SUPPORTED);
        CHECK_EQ(vmo_decommit(c, 7 * PG, PG), ZX_ERR_NOT_SUPPORTED);
        CHECK_EQ(vmo_zero(p, 7 * PG, PG), ZX_OK);
        CHECK_EQ(rd64(c, 7 * PG), 3);
        paddr_t a, b;
        CHECK_EQ(vmo_get_page(p, 0, 0, &a, NULL), ZX_OK);
        CHECK_EQ(vmo_get_page(c, 0, 0, &b, NULL), ZX_OK);
        CHECK(pa_val(a) != pa_val(b));
        struct vmo_info vi;
        vmo_get_info(c, &vi);
        CHECK(vi.flags & VMO_INFO_IS_COW_CLONE);
        CHECK_EQ(vi.flags & VMO_INFO_RESIZABLE, 0);
        CHECK_EQ(vi.parent_koid, p->obj.koid);
        CHECK_EQ(vi.num_children, 0);
        vmo_get_info(p, &vi);
        CHECK_EQ(vi.parent_koid, 0);
        CHECK_EQ(vi.num_children, 1);
        CHECK_EQ(vi.flags & VMO_INFO_IS_COW_CLONE, 0);
        CHECK_EQ(vmo_check(c, NULL), 0);
        CHECK_EQ(vmo_check(p, NULL), 0);
        CHECK_EQ(vmo_set_size(c, PG), ZX_ERR_UNAVAILABLE);
        put(p);  // parent first: the child keeps it alive
        CHECK_EQ(rd64(c, 6 * PG), 21);
        put(c);
        vmo_all_returned();
    }
}

static void snapshot_offsets_and_beyond(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(4 * PG, 0);
    REQUIRE(p);
    for (uint64_t i = 0; i < 4; i++) CHECK_EQ(wr64(p, i * PG, 100 + i), ZX_OK);
    // Offset 2 pages, 5 pages long: 2 inside the parent, 3 beyond.
    struct vmo *c = child(p, ZX_VMO_CHILD_SNAPSHOT, 2 * PG, 5 * PG);
    REQUIRE(c);
    CHECK_EQ(vmo_get_size(c), 5 * PG);
    CHECK_EQ(c->committed_pages, 2);
    CHECK_EQ(rd64(c, 0), 102);
    CHECK_EQ(rd64(c, PG), 103);
    uint8_t buf[3 * PG];
    CHECK_EQ(vmo_read_buf(c, 2 * PG, buf, sizeof buf), ZX_OK);
    CHECK(all_bytes(buf, sizeof buf, 0));
    CHECK_EQ(wr64(c, 4 * PG, 5), ZX_OK);
    CHECK_EQ(rd64(c, 4 * PG), 5);
    // Entirely beyond the parent: all zero, nothing committed.
    struct vmo *far = child(p, ZX_VMO_CHILD_SNAPSHOT, 64 * PG, 2 * PG);
    REQUIRE(far);
    CHECK_EQ(far->committed_pages, 0);
    CHECK_EQ(rd64(far, PG), 0);
    // A snapshot of a snapshot, and of a slice (the slice's view).
    struct vmo *cc = child(c, ZX_VMO_CHILD_SNAPSHOT, PG, 4 * PG);
    REQUIRE(cc);
    CHECK_EQ(rd64(cc, 0), 103);
    CHECK_EQ(rd64(cc, 3 * PG), 5);
    struct vmo *sl = child(p, ZX_VMO_CHILD_SLICE, PG, 2 * PG);
    REQUIRE(sl);
    struct vmo *ss = child(sl, ZX_VMO_CHILD_SNAPSHOT, PG, 3 * PG);  // root pages 2, then beyond the slice
    REQUIRE(ss);
    CHECK_EQ(ss->committed_pages, 1);
    CHECK_EQ(rd64(ss, 0), 102);
    CHECK_EQ(rd64(ss, PG), 0);  // root page 3 is beyond the slice: zero
    CHECK_EQ(wr64(ss, 0, 9), ZX_OK);
    CHECK_EQ(rd64(p, 2 * PG), 102);
    CHECK_EQ(p->num_children, 3);
    CHECK_EQ(sl->num_children, 1);
    CHECK_EQ(c->num_children, 1);
    put(p);
    put(c);
    put(sl);
    put(far);
    put(cc);
    put(ss);
    vmo_all_returned();
}

static void resizable_snapshot(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(2 * PG, 0);
    REQUIRE(p);
    CHECK_EQ(wr64(p, PG, 42), ZX_OK);
    struct vmo *c = child(p, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0, 2 * PG);
    REQUIRE(c);
    struct vmo_info vi;
    vmo_get_info(c, &vi);
    CHECK(vi.flags & VMO_INFO_RESIZABLE);
    CHECK_EQ(vmo_set_size(p, PG), ZX_ERR_UNAVAILABLE);
    CHECK_EQ(vmo_set_size(c, 1000 * PG + 5), ZX_OK);
    CHECK_EQ(vmo_get_size(c), 1001 * PG);
    CHECK_EQ(vmo_get_content_size(c), 1000 * PG + 5);
    CHECK_EQ(rd64(c, PG), 42);
    CHECK_EQ(wr64(c, 900 * PG, 7), ZX_OK);
    CHECK_EQ(vmo_set_size(c, PG), ZX_OK);
    CHECK_EQ(c->committed_pages, 0);
    CHECK_EQ(vmo_check(c, NULL), 0);
    CHECK_EQ(rd64(p, PG), 42);
    // A resizable child cannot be sliced.
    CHECK_EQ(try_child(c, ZX_VMO_CHILD_SLICE, 0, PG), ZX_ERR_NOT_SUPPORTED);
    put(c);
    put(p);
    vmo_all_returned();
}

// The count and ZX_VMO_ZERO_CHILDREN: asserted at creation, one clear on the
// first child, one set when the last goes, whatever the order; object_signal
// never runs under the VMO lock.
static void zero_children_signal(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(4 * PG, 0);
    REQUIRE(p);
    CHECK(zero_children(p));
    CHECK_EQ(fake_signal_calls(), 0);
    struct vmo *c1 = child(p, ZX_VMO_CHILD_SNAPSHOT, 0, PG);
    REQUIRE(c1);
    CHECK(!zero_children(p));
    CHECK(zero_children(c1));
    CHECK_EQ(fake_signal_calls(), 1);
    CHECK(fake_signal_call(0)->o == &p->obj && fake_signal_call(0)->clear == ZX_VMO_ZERO_CHILDREN &&
          fake_signal_call(0)->set == 0);
    struct vmo *c2 = child(p, ZX_VMO_CHILD_SLICE, 0, PG);
    struct vmo *c3 = child(p, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, PG, PG);
    REQUIRE(c2 && c3);
    CHECK_EQ(p->num_children, 3);
    CHECK_EQ(fake_signal_calls(), 1);  // no transition, no call
    struct vmo *g = child(c2, ZX_VMO_CHILD_SLICE, 0, PG);  // a grandchild
    REQUIRE(g);
    CHECK(!zero_children(c2));
    CHECK_EQ(p->num_children, 3);
    CHECK_EQ(fake_signal_calls(), 2);
    put(c2);  // g keeps c2 (and its count in p)
    CHECK_EQ(p->num_children, 3);
    put(c1);
    CHECK_EQ(p->num_children, 2);
    CHECK(!zero_children(p));
    // A "mapping" reference keeps c3 alive after its handle is gone.
    object_ref(&c3->obj);
    put(c3);
    CHECK_EQ(p->num_children, 2);
    put(g);  // c2 goes with it
    CHECK_EQ(p->num_children, 1);
    CHECK(!zero_children(p));
    long before = fake_signal_calls();
    put(c3);  // the mapping goes
    CHECK_EQ(p->num_children, 0);
    CHECK(zero_children(p));
    CHECK_EQ(fake_signal_calls(), before + 1);
    // Again, after the count went back to zero.
    struct vmo *c4 = child(p, ZX_VMO_CHILD_SLICE, 0, 4 * PG);
    REQUIRE(c4);
    CHECK(!zero_children(p));
    put(p);  // parent reference first
    CHECK_EQ(object_live_count(), vmo_objects_at_start + 2);
    put(c4);
    vmo_all_returned();
    // The physical constructor asserts it too.
    struct vmo *ph = NULL;
    REQUIRE(vmo_create_physical(0x10000000, PG, &ph) == ZX_OK);
    CHECK(zero_children(ph));
    put(ph);
}

// NO_MEMORY at every page allocation and at the heap allocation of a
// snapshot: nothing is left behind, the parent is unchanged.
static void snapshot_no_memory(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(1024 * PG, 0);
    REQUIRE(p);
    for (uint64_t i = 0; i < 1024; i += 37) CHECK_EQ(wr64(p, i * PG, i + 1), ZX_OK);
    uint64_t pages = fake_pages_in_use(), committed = p->committed_pages;
    long heap = fake_kheap_live();
    uint64_t objs = object_live_count();
    long n;
    for (n = 0;; n++) {
        fake_page_fail_after(n);
        struct vmo *c = NULL;
        zx_status_t st = vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 1024 * PG, &c);
        fake_page_fail_after(-1);
        if (st == ZX_OK) {
            CHECK_EQ(c->committed_pages, committed);
            for (uint64_t i = 0; i < 1024; i += 37) CHECK_EQ(rd64(c, i * PG), i + 1);
            put(c);
            break;
        }
        CHECK_EQ(st, ZX_ERR_NO_MEMORY);
        CHECK_EQ(fake_pages_in_use(), pages);
        CHECK_EQ(fake_kheap_live(), heap);
        CHECK_EQ(object_live_count(), objs);
        CHECK_EQ(p->num_children, 0);
        CHECK(zero_children(p));
        if (n > 200) break;
    }
    CHECK(n >= 2);  // the child's radix nodes (root and a leaf at least): the data pages are shared
    CHECK_EQ(fake_signal_calls(), 2);  // only the successful one (clear, set)
    fake_kheap_fail_after(0);
    CHECK_EQ(try_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, PG), ZX_ERR_NO_MEMORY);
    CHECK_EQ(try_child(p, ZX_VMO_CHILD_SLICE, 0, PG), ZX_ERR_NO_MEMORY);
    fake_kheap_fail_after(-1);
    CHECK_EQ(p->num_children, 0);
    for (uint64_t i = 0; i < 1024; i += 37) CHECK_EQ(rd64(p, i * PG), i + 1);
    CHECK_EQ(vmo_check(p, NULL), 0);
    put(p);
    vmo_all_returned();
}

// Many children, freed in a shuffled order: every page freed exactly once
// (the fake allocator aborts on a double free) and the count exact.
static paddr_t page_of(struct vmo *v, uint64_t off) {
    paddr_t p = pa(0);
    if (vmo_get_page(v, off, 0, &p, NULL) != ZX_OK) return pa(0);
    return p;
}

// Pages are shared until written, by either side; each write costs one page;
// the last user frees a page, whatever the order of closing.
static void cow_shares_until_written(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(4 * PG, 0);
    REQUIRE(p);
    for (uint64_t i = 0; i < 4; i++) CHECK_EQ(wr64(p, i * PG, 100 + i), ZX_OK);
    uint64_t used = fake_pages_in_use();
    struct vmo *c = child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PG);
    REQUIRE(c);
    CHECK_EQ(fake_pages_in_use(), used + 1);  // only the child's radix node
    for (uint64_t i = 0; i < 4; i++) {
        CHECK_EQ(pa_val(page_of(c, i * PG)), pa_val(page_of(p, i * PG)));
        CHECK_EQ(page_users(page_of(p, i * PG)), 2);
    }
    // The parent's mappings of the range were taken away (they may have been
    // writable): one unmap of the four pages.
    CHECK_EQ(fake_unmap_calls(), 1);
    CHECK(fake_unmap_call(0)->vmo == p && fake_unmap_call(0)->off == 0 && fake_unmap_call(0)->len == 4 * PG);
    // A child write copies one page; the old one stays the parent's.
    paddr_t old = page_of(p, PG);
    long calls = fake_unmap_calls();
    CHECK_EQ(wr64(c, PG + 8, 7), ZX_OK);
    CHECK_EQ(fake_pages_in_use(), used + 2);
    CHECK(pa_val(page_of(c, PG)) != pa_val(old));
    CHECK_EQ(pa_val(page_of(p, PG)), pa_val(old));
    CHECK_EQ(page_users(old), 1);
    CHECK_EQ(rd64(c, PG), 101);  // the rest of the page was copied
    CHECK_EQ(rd64(c, PG + 8), 7);
    CHECK_EQ(rd64(p, PG + 8), 0);
    // The child's mappings of the page lost the old page before its release.
    CHECK_EQ(fake_unmap_calls(), calls + 1);
    CHECK(fake_unmap_call(calls)->vmo == c && fake_unmap_call(calls)->off == PG);
    CHECK_EQ(fake_unmap_call(calls)->pages_in_use, used + 2);
    // A parent write copies too; a second write to the same page does not.
    CHECK_EQ(wr64(p, 2 * PG, 9), ZX_OK);
    CHECK_EQ(wr64(p, 2 * PG + 8, 10), ZX_OK);
    CHECK_EQ(fake_pages_in_use(), used + 3);
    CHECK_EQ(rd64(c, 2 * PG), 102);
    // Writing a page only one side has left (users 1) copies nothing.
    CHECK_EQ(wr64(c, 2 * PG, 11), ZX_OK);
    CHECK_EQ(fake_pages_in_use(), used + 3);
    CHECK_EQ(rd64(p, 2 * PG), 9);
    // Closing the parent keeps the child's view; nothing leaks or is freed
    // twice. The child's reference keeps the parent object, but not its
    // pages: unreachable (no handle, mapping or slice), it gives them back.
    put(p);
    vmo_ops.on_zero_handles(&p->obj);  // as the kernel when its last handle is closed
    CHECK_EQ(p->committed_pages, 0);
    CHECK_EQ(fake_pages_in_use(), 4 + 1);  // the child's four pages and its node
    CHECK_EQ(rd64(c, 0), 100);
    CHECK_EQ(rd64(c, PG + 8), 7);
    CHECK_EQ(rd64(c, 2 * PG), 11);
    CHECK_EQ(rd64(c, 3 * PG), 103);
    CHECK_EQ(page_users(page_of(c, 3 * PG)), 1);
    CHECK_EQ(vmo_check(c, NULL), 0);
    put(c);
    vmo_all_returned();
}

// Faults: a shared page is mapped read-only; a write fault is sent to
// vmo_unshare first (SHOULD_WAIT), after which the page is the VMO's own.
static void cow_fault_paths(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(2 * PG, 0);
    REQUIRE(p);
    CHECK_EQ(wr64(p, 0, 1), ZX_OK);
    struct vmo *c = child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PG);
    REQUIRE(c);
    paddr_t a, b;
    bool w = true;
    CHECK_EQ(vmo_get_page(c, 0, VMO_PAGE_COMMIT, &a, &w), ZX_OK);
    CHECK(!w);
    CHECK_EQ(vmo_get_page(p, 0, VMO_PAGE_COMMIT, &b, &w), ZX_OK);
    CHECK(!w && pa_val(a) == pa_val(b));
    CHECK_EQ(vmo_get_page(c, 0, VMO_PAGE_COMMIT | VMO_PAGE_WRITE, &a, &w), ZX_ERR_SHOULD_WAIT);
    CHECK_EQ(vmo_unshare(c, 0, PG), ZX_OK);
    CHECK_EQ(vmo_get_page(c, 0, VMO_PAGE_COMMIT | VMO_PAGE_WRITE, &a, &w), ZX_OK);
    CHECK(w && pa_val(a) != pa_val(b));
    CHECK_EQ(vmo_get_page(p, 0, VMO_PAGE_WRITE, &b, &w), ZX_OK);  // no longer shared
    CHECK(w);
    // An uncommitted page commits privately (writable).
    CHECK_EQ(vmo_get_page(c, PG, VMO_PAGE_COMMIT, &a, &w), ZX_OK);
    CHECK(w);
    CHECK_EQ(vmo_unshare(c, 0, 3 * PG), ZX_ERR_OUT_OF_RANGE);
    // No memory for the copy: nothing changes.
    struct vmo *d = child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PG);
    REQUIRE(d);
    fake_page_fail_after(0);
    CHECK_EQ(vmo_unshare(d, 0, PG), ZX_ERR_NO_MEMORY);
    CHECK_EQ(wr64(d, 0, 5), ZX_ERR_NO_MEMORY);
    fake_page_fail_after(-1);
    CHECK_EQ(page_users(page_of(d, 0)), 2);
    CHECK_EQ(rd64(d, 0), 1);
    put(d);
    put(c);
    put(p);
    vmo_all_returned();
}

// Zeroing part of a shared page, shrinking onto one, the content size and
// decommit only ever change the side that does them.
static void cow_zero_resize_decommit(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(4 * PG, ZX_VMO_RESIZABLE);
    REQUIRE(p);
    for (uint64_t i = 0; i < 4; i++) CHECK_EQ(wr64(p, i * PG + 64, 0x55 + i), ZX_OK);
    struct vmo *c = child(p, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0, 4 * PG);
    REQUIRE(c);
    CHECK_EQ(vmo_zero(c, 60, 16), ZX_OK);  // part of page 0
    CHECK_EQ(rd64(c, 64), 0);
    CHECK_EQ(rd64(p, 64), 0x55);
    CHECK_EQ(vmo_set_size(p, PG + 32), ZX_OK);  // the tail of page 1 zeroed in the parent only
    CHECK_EQ(rd64(p, PG + 64), 0);
    CHECK_EQ(rd64(c, PG + 64), 0x56);
    CHECK_EQ(rd64(c, 3 * PG + 64), 0x58);
    CHECK_EQ(vmo_set_content_size_checked(c, 2 * PG + 8), ZX_OK);
    CHECK_EQ(rd64(c, 2 * PG + 64), 0);
    CHECK_EQ(vmo_decommit(c, 0, 2 * PG), ZX_ERR_NOT_SUPPORTED);
    CHECK_EQ(vmo_zero(c, 0, 2 * PG), ZX_OK);  // drops the child's uses
    CHECK_EQ(rd64(c, PG + 64), 0);
    CHECK_EQ(rd64(p, 64), 0x55);
    CHECK_EQ(page_users(page_of(p, 0)), 1);
    put(p);
    put(c);
    vmo_all_returned();
}

// Attribution (ZX_INFO_VMO): RSS counts every page used, USS the private
// ones, PSS divides each page by its users (fraction in 2^-63 bytes).
static void cow_attribution(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(2 * PG, 0);
    REQUIRE(p);
    CHECK_EQ(wr64(p, 0, 1), ZX_OK);
    CHECK_EQ(wr64(p, PG, 2), ZX_OK);
    struct vmo *c = child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PG);
    REQUIRE(c);
    struct vmo_info ip, ic;
    vmo_get_info(p, &ip);
    vmo_get_info(c, &ic);
    CHECK_EQ(ip.committed_bytes, 2 * PG);
    CHECK_EQ(ic.committed_bytes, 2 * PG);
    CHECK_EQ(ip.private_bytes, 0);
    CHECK_EQ(ip.scaled_bytes, PG);
    CHECK_EQ(ic.scaled_bytes, PG);
    CHECK_EQ(ip.scaled_frac, 0);
    CHECK_EQ(wr64(p, 0, 3), ZX_OK);  // a forked page each
    vmo_get_info(p, &ip);
    vmo_get_info(c, &ic);
    CHECK_EQ(ip.private_bytes, PG);
    CHECK_EQ(ic.private_bytes, PG);
    CHECK_EQ(ip.scaled_bytes, 3 * PG / 2);
    CHECK_EQ(ic.scaled_bytes, 3 * PG / 2);
    // Three users: 4096 / 3 = 1365 bytes and a third of a byte.
    struct vmo *g = child(c, ZX_VMO_CHILD_SNAPSHOT, PG, PG);
    REQUIRE(g);
    vmo_get_info(g, &ic);
    CHECK_EQ(ic.committed_bytes, PG);
    CHECK_EQ(ic.private_bytes, 0);
    CHECK_EQ(ic.scaled_bytes, PG / 3);
    CHECK_EQ(ic.scaled_frac, 0x2aaaaaaaaaaaaaaaull);  // floor(2^63 / 3)
    put(g);
    put(p);
    put(c);
    vmo_all_returned();
}

// Children inherit the name; NO_WRITE snapshots are immutable; offsets along
// a chain of children must not overflow when added up (Zircon's
// root_parent_offset), at creation and at resize.
static void names_immutability_chain_offsets(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *p = make(0, 0);
    REQUIRE(p);
    object_set_name(&p->obj, "parent", 6);
    struct vmo *c1 = child(p, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_NO_WRITE, 0xffffffffffff8000ull, 0);
    REQUIRE(c1);
    char name[ZX_MAX_NAME_LEN];
    object_get_name(&c1->obj, name);
    CHECK(strcmp(name, "parent") == 0);
    struct vmo_info vi;
    vmo_get_info(c1, &vi);
    CHECK(vi.flags & VMO_INFO_IMMUTABLE);
    vmo_get_info(p, &vi);
    CHECK(!(vi.flags & VMO_INFO_IMMUTABLE));
    CHECK_EQ(try_child(c1, ZX_VMO_CHILD_SNAPSHOT, 0x8000, 0), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(try_child(c1, ZX_VMO_CHILD_SNAPSHOT, 0x4000, 0x3000), ZX_OK);  // ends at 2^64 - 0x1000
    CHECK_EQ(try_child(c1, ZX_VMO_CHILD_SNAPSHOT, 0x4000, 0x3001), ZX_ERR_INVALID_ARGS);
    struct vmo *c2 = child(c1, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0x4000, 0);
    REQUIRE(c2);
    CHECK_EQ(vmo_set_size(c2, 0x3000), ZX_OK);
    CHECK_EQ(vmo_set_size(c2, 0x8000), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_get_size(c2), 0x3000);
    struct vmo *a = child(p, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE | ZX_VMO_CHILD_NO_WRITE, 0, 0);
    REQUIRE(a);
    vmo_get_info(a, &vi);
    CHECK(!(vi.flags & VMO_INFO_IMMUTABLE));  // only SNAPSHOT itself promises it
    put(a);
    put(c2);
    put(c1);
    put(p);
    vmo_all_returned();
}

static void destroy_any_order(void) {
    uint64_t seed = 0xc41d;
    for (int round = 0; round < 20; round++) {
        vmo_fresh(RAM_PAGES);
        struct vmo *all[24];
        int n = 0;
        all[n++] = make(16 * PG, 0);
        REQUIRE(all[0]);
        for (uint64_t i = 0; i < 16; i += 3) CHECK_EQ(wr64(all[0], i * PG, i), ZX_OK);
        while (n < 24) {
            struct vmo *par = all[th_below(&seed, (uint64_t)n)];
            uint64_t psz = vmo_get_size(par) / PG;
            uint32_t kind = th_below(&seed, 2) ? ZX_VMO_CHILD_SLICE : ZX_VMO_CHILD_SNAPSHOT;
            if (par->options & ZX_VMO_RESIZABLE) kind = ZX_VMO_CHILD_SNAPSHOT;
            uint64_t off = th_below(&seed, psz + 1), len = th_below(&seed, psz - off + 1);
            if (kind == ZX_VMO_CHILD_SNAPSHOT && th_below(&seed, 2)) kind |= ZX_VMO_CHILD_RESIZABLE;
            struct vmo *c = child(par, kind, off * PG, len * PG);
            REQUIRE(c);
            if (len) CHECK_EQ(wr64(c, 0, 0x77), ZX_OK);
            all[n++] = c;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int)th_below(&seed, (uint64_t)i + 1);
            struct vmo *t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        for (int i = 0; i < n; i++) put(all[i]);
        vmo_all_returned();
    }
}

int main(void) {
    th_prefix = "vmo-child";
    RUN_CASE(option_errors);
    RUN_CASE(range_errors);
    RUN_CASE(discardable_parent);
    RUN_CASE(slice_shares_both_ways);
    RUN_CASE(slice_of_slice_flattens);
    RUN_CASE(root_decommit_unmaps_slices);
    RUN_CASE(physical_slice);
    RUN_CASE(snapshot_unmaps_before_sharing);
    RUN_CASE(snapshot_isolation);
    RUN_CASE(snapshot_offsets_and_beyond);
    RUN_CASE(resizable_snapshot);
    RUN_CASE(zero_children_signal);
    RUN_CASE(snapshot_no_memory);
    RUN_CASE(cow_shares_until_written);
    RUN_CASE(cow_fault_paths);
    RUN_CASE(cow_zero_resize_decommit);
    RUN_CASE(cow_attribution);
    RUN_CASE(names_immutability_chain_offsets);
    RUN_CASE(destroy_any_order);
    return th_exit_status("vmo-child");
}
