// Unit cases of pinning and contiguous VMOs (obj/vmo_pin.c and what the
// other VMO files refuse or do differently for pinned pages), over the fakes
// of fake_mm.c: a pin commits its range and makes it private, and while it
// lasts its pages never leave, move or get shared; contiguous VMOs are one
// run of pages, pinned for life.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/types.h>

#include "../harness.h"
#include "obj/object.h"
#include "obj/vmo.h"
#include "vmo_testlib.h"

#define RAM_PAGES 4096u
#define PG PAGE_SIZE

static struct vmo *make(uint64_t size, uint32_t options) {
    struct vmo *v = NULL;
    return vmo_create(size, size, options, &v) == ZX_OK ? v : NULL;
}

static zx_status_t fill(struct vmo *v, uint64_t off, size_t len, uint8_t b) {
    uint8_t *buf = malloc(len ? len : 1);
    memset(buf, b, len);
    zx_status_t st = vmo_write_buf(v, off, buf, len);
    free(buf);
    return st;
}

static bool reads_as(struct vmo *v, uint64_t off, size_t len, uint8_t b) {
    uint8_t *buf = malloc(len ? len : 1);
    zx_status_t st = vmo_read_buf(v, off, buf, len);
    bool ok = st == ZX_OK && all_bytes(buf, len, b);
    free(buf);
    return ok;
}

static paddr_t page_of(struct vmo *v, uint64_t off) {
    paddr_t p = pa(0);
    vmo_get_page(v, off, 0, &p, NULL);
    return p;
}

// A pin commits its range; the addresses are the pages'; decommit and a
// shrinking resize over it are BAD_STATE and change nothing; zeroing zeroes
// it in place; after the unpin all of it works again.
static void pin_blocks_page_removal(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make(8 * PG, ZX_VMO_RESIZABLE);
    REQUIRE(v);
    struct vmo_pin pin;
    CHECK_EQ(vmo_pin(v, 2 * PG, 3 * PG, &pin), ZX_OK);
    CHECK_EQ(v->committed_pages, 3);
    CHECK_EQ(v->pin_count, 1);
    CHECK_EQ(vmo_pin_live_count(), 1);
    paddr_t a[3];
    vmo_pin_addrs(&pin, 0, 3, a);
    for (int i = 0; i < 3; i++) CHECK_EQ(pa_val(a[i]), pa_val(page_of(v, (2 + i) * PG)));
    REQUIRE(fill(v, 0, 8 * PG, 0x5a) == ZX_OK);
    CHECK_EQ(vmo_decommit(v, 0, 8 * PG), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_decommit(v, 4 * PG, PG), ZX_ERR_BAD_STATE);
    CHECK_EQ(v->committed_pages, 8);
    CHECK_EQ(vmo_decommit(v, 5 * PG, 3 * PG), ZX_OK);  // beside the pin: fine
    CHECK_EQ(v->committed_pages, 5);
    CHECK_EQ(vmo_set_size(v, 3 * PG), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_get_size(v), 8 * PG);
    CHECK_EQ(vmo_set_size(v, 5 * PG), ZX_OK);  // the pin ends at 5 pages
    // Zero over the pin: pinned pages zeroed in place, the others freed.
    CHECK_EQ(vmo_zero(v, 0, 5 * PG), ZX_OK);
    CHECK(reads_as(v, 0, 5 * PG, 0));
    CHECK_EQ(v->committed_pages, 3);
    for (int i = 0; i < 3; i++) CHECK_EQ(pa_val(a[i]), pa_val(page_of(v, (2 + i) * PG)));
    vmo_unpin(&pin);
    CHECK_EQ(v->pin_count, 0);
    CHECK_EQ(vmo_pin_live_count(), 0);
    CHECK_EQ(vmo_decommit(v, 0, 5 * PG), ZX_OK);
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

// Pinning a page shared copy-on-write gives the pinner its own copy; a
// snapshot over pinned pages is BAD_STATE; beside them it works.
static void pin_unshares_and_blocks_snapshots(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make(4 * PG, 0), *c = NULL, *c2 = NULL;
    REQUIRE(v);
    REQUIRE(fill(v, 0, 4 * PG, 0x11) == ZX_OK);
    REQUIRE(vmo_create_child(v, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PG, &c) == ZX_OK);
    paddr_t shared = page_of(c, 0);
    CHECK_EQ(pa_val(shared), pa_val(page_of(v, 0)));
    struct vmo_pin pin;
    CHECK_EQ(vmo_pin(c, 0, PG, &pin), ZX_OK);
    CHECK(pa_val(page_of(c, 0)) != pa_val(page_of(v, 0)));
    CHECK(reads_as(c, 0, PG, 0x11));
    CHECK(reads_as(v, 0, PG, 0x11));
    CHECK_EQ(vmo_create_child(c, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PG, &c2), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_create_child(c, ZX_VMO_CHILD_SNAPSHOT, PG, 2 * PG, &c2), ZX_OK);
    if (c2) object_unref(&c2->obj);
    vmo_unpin(&pin);
    object_unref(&c->obj);
    object_unref(&v->obj);
    vmo_all_returned();
}

// Pins of a slice land on its root (range checked against the slice);
// out-of-range pins are OUT_OF_RANGE and leave nothing; a discardable VMO
// must be locked; a physical VMO's pin gives its physical addresses.
static void pin_ranges_slices_discardable_physical(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make(6 * PG, 0), *s = NULL;
    REQUIRE(v);
    REQUIRE(vmo_create_child(v, ZX_VMO_CHILD_SLICE, PG, 4 * PG, &s) == ZX_OK);
    struct vmo_pin pin;
    CHECK_EQ(vmo_pin(s, 0, 5 * PG, &pin), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_pin(s, 4 * PG, PG, &pin), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_pin(v, 6 * PG, PG, &pin), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_pin_live_count(), 0);
    CHECK_EQ(vmo_pin(s, PG, 2 * PG, &pin), ZX_OK);
    CHECK(pin.owner == v);
    CHECK_EQ(pin.first, 2);
    CHECK_EQ(v->pin_count, 1);
    CHECK_EQ(vmo_decommit(v, 2 * PG, PG), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_decommit(v, 4 * PG, PG), ZX_OK);
    vmo_unpin(&pin);
    object_unref(&s->obj);
    object_unref(&v->obj);

    struct vmo *d = make(2 * PG, ZX_VMO_DISCARDABLE);
    REQUIRE(d);
    CHECK_EQ(vmo_pin(d, 0, PG, &pin), ZX_ERR_BAD_STATE);
    REQUIRE(vmo_lock(d, 0, 2 * PG, false, NULL) == ZX_OK);
    CHECK_EQ(vmo_pin(d, 0, PG, &pin), ZX_OK);
    REQUIRE(vmo_unlock(d, 0, 2 * PG) == ZX_OK);
    CHECK_EQ(vmo_reclaim_discardable(100), 0);  // pinned: not discarded
    CHECK_EQ(d->committed_pages, 1);
    vmo_unpin(&pin);
    CHECK(vmo_reclaim_discardable(100) > 0);
    object_unref(&d->obj);

    struct vmo *p = NULL;
    REQUIRE(vmo_create_physical(0x10000000, 4 * PG, &p) == ZX_OK);
    CHECK_EQ(vmo_pin(p, PG, 2 * PG, &pin), ZX_OK);
    paddr_t a[2];
    vmo_pin_addrs(&pin, 0, 2, a);
    CHECK_EQ(pa_val(a[0]), 0x10000000 + PG);
    CHECK_EQ(pa_val(a[1]), 0x10000000 + 2 * PG);
    vmo_unpin(&pin);
    object_unref(&p->obj);
    vmo_all_returned();
}

// Contiguous VMOs: one run, aligned, committed and zeroed; decommit BAD_STATE,
// zero in place, no snapshot (INVALID_ARGS), slices contiguous; a failure
// leaves nothing; too big is NO_MEMORY.
static void contiguous_vmo(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = NULL, *s = NULL, *c = NULL;
    CHECK_EQ(vmo_create_contiguous(0, PAGE_SHIFT, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create_contiguous(PG, PAGE_SHIFT - 1, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create_contiguous(2048 * PG, PAGE_SHIFT, &v), ZX_ERR_NO_MEMORY);  // above one buddy block
    CHECK_EQ(vmo_create_contiguous(PG, PAGE_SHIFT + 11, &v), ZX_ERR_NO_MEMORY);    // alignment above 4 MiB
    REQUIRE(vmo_create_contiguous(5 * PG, PAGE_SHIFT + 3, &v) == ZX_OK);
    CHECK(vmo_is_contiguous(v));
    CHECK_EQ(v->committed_pages, 5);
    paddr_t first = page_of(v, 0);
    CHECK_EQ(pa_val(first) & (8 * PG - 1), 0);
    for (int i = 1; i < 5; i++) CHECK_EQ(pa_val(page_of(v, i * PG)), pa_val(first) + i * PG);
    CHECK(reads_as(v, 0, 5 * PG, 0));
    REQUIRE(fill(v, 0, 5 * PG, 0x77) == ZX_OK);
    CHECK_EQ(vmo_decommit(v, 0, PG), ZX_ERR_BAD_STATE);
    CHECK_EQ(vmo_zero(v, 0, 2 * PG), ZX_OK);
    CHECK(reads_as(v, 0, 2 * PG, 0));
    CHECK(reads_as(v, 2 * PG, 3 * PG, 0x77));
    CHECK_EQ(v->committed_pages, 5);
    CHECK_EQ(pa_val(page_of(v, 0)), pa_val(first));
    CHECK_EQ(vmo_create_child(v, ZX_VMO_CHILD_SNAPSHOT, 0, PG, &c), ZX_ERR_INVALID_ARGS);
    REQUIRE(vmo_create_child(v, ZX_VMO_CHILD_SLICE, PG, 2 * PG, &s) == ZX_OK);
    CHECK(vmo_is_contiguous(s));
    struct vmo_info info;
    vmo_get_info(s, &info);
    CHECK(info.flags & VMO_INFO_CONTIGUOUS);
    // Cached -> uncached with pages committed: allowed; back: refused.
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED), ZX_ERR_BAD_STATE);  // it has a child
    object_unref(&s->obj);
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_UNCACHED), ZX_OK);
    CHECK_EQ(vmo_set_cache_policy(v, ZX_CACHE_POLICY_CACHED), ZX_ERR_BAD_STATE);
    object_unref(&v->obj);
    // No memory for the tree's node: nothing left behind.
    fake_page_fail_after(1);
    CHECK_EQ(vmo_create_contiguous(3 * PG, PAGE_SHIFT, &v), ZX_ERR_NO_MEMORY);
    fake_page_fail_after(-1);
    vmo_all_returned();
}

int main(void) {
    th_prefix = "vmo-pin";
    RUN_CASE(pin_blocks_page_removal);
    RUN_CASE(pin_unshares_and_blocks_snapshots);
    RUN_CASE(pin_ranges_slices_discardable_physical);
    RUN_CASE(contiguous_vmo);
    return th_exit_status("vmo-pin");
}
