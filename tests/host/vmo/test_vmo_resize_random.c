// Randomized model test of resizing: one ZX_VMO_RESIZABLE VMO against a byte
// array, with writes, reads, set_size (unaligned sizes; across the 1- and
// 2-level tree heights, now and then up to a 3-level size and back), content
// size changes, commit, decommit and zero, with allocation failures injected.
// The model tracks the committed pages, so counters, the tree (vmo_check),
// the pages in use and the unmap contract (fake_vmar.c) are compared exactly.
//
// Usage: vmo-resize-random [operations [seed]]
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mm.h"
#include "fake_vmar.h"
#include "../harness.h"
#include "obj/object.h"
#include "obj/vmo.h"
#include "vmo_testlib.h"

#define MAXP 1100ull  // modelled pages (> 512: two tree levels)
#define PG PAGE_SIZE

static uint8_t model[MAXP * PG];
static uint8_t com[MAXP];
static uint64_t msize, mcs;  // model size (may exceed MAXP pages) and content size
static struct vmo *v;
static uint64_t rng;
static long failures;

static uint64_t mpages(void) { return msize / PG < MAXP ? msize / PG : MAXP; }  // modelled pages in the size

static void forget_page(uint64_t p) {
    if (p >= MAXP) return;
    com[p] = 0;
    memset(model + p * PG, 0, PG);
}

static void zero_model(uint64_t a, uint64_t b) {  // bytes [a, b), clipped to the model
    if (a >= MAXP * PG) return;
    if (b > MAXP * PG) b = MAXP * PG;
    if (a < b) memset(model + a, 0, b - a);
}

static void check(long op) {
    if (vmo_check(v, NULL)) FAIL("op %ld: tree check", op);
    uint64_t n = 0;
    for (uint64_t p = 0; p < MAXP; p++) n += com[p];
    if (v->committed_pages != n) FAIL("op %ld: committed %" PRIu64 " model %" PRIu64, op, v->committed_pages, n);
    if (fake_pages_in_use() != v->committed_pages + v->node_pages) FAIL("op %ld: pages in use", op);
    if (vmo_get_size(v) != msize || vmo_get_content_size(v) != mcs) FAIL("op %ld: sizes", op);
    if (fake_unmap_violations()) FAIL("op %ld: unmap contract", op);
}

static void pick(uint64_t *off, uint64_t *len) {
    uint64_t lim = mpages() * PG;
    uint64_t l = th_below(&rng, 4) == 0 ? th_below(&rng, lim + 1) : th_below(&rng, 3 * PG);
    if (l > lim) l = lim;
    *off = th_below(&rng, lim - l + 1);
    *len = l;
}

static void op_write(long op) {
    uint64_t off, len;
    pick(&off, &len);
    uint8_t *d = malloc(len + 1);
    for (uint64_t i = 0; i < len; i++) d[i] = (uint8_t)(th_rand(&rng) | 1);
    zx_status_t st = vmo_write_buf(v, off, d, len);
    if (st != ZX_OK) FAIL("op %ld: write %d", op, st);
    memcpy(model + off, d, len);
    for (uint64_t p = off / PG; len && p <= (off + len - 1) / PG; p++) com[p] = 1;
    free(d);
}

static void op_read(long op) {
    uint64_t off, len;
    pick(&off, &len);
    uint8_t *d = malloc(len + 1);
    if (vmo_read_buf(v, off, d, len) != ZX_OK || memcmp(d, model + off, len))
        FAIL("op %ld: read [%#" PRIx64 ", +%#" PRIx64 ") differs", op, off, len);
    free(d);
}

static void op_set_size(long op) {
    uint64_t s;
    uint64_t r = th_below(&rng, 100);
    if (r < 3) s = (512ull * 512 + 1 + th_below(&rng, 1000)) * PG - th_below(&rng, PG);  // three levels
    else if (r < 6) s = 0;
    else s = th_below(&rng, MAXP * PG + 1);
    bool fail = th_below(&rng, 10) == 0;
    if (fail) fake_page_fail_after((long)th_below(&rng, 2));
    zx_status_t st = vmo_set_size(v, s);
    fake_page_fail_after(-1);
    if (st == ZX_ERR_NO_MEMORY && fail) return;  // nothing changed (check() verifies)
    if (st != ZX_OK) {
        FAIL("op %ld: set_size(%#" PRIx64 ") %d", op, s, st);
        return;
    }
    uint64_t rounded = page_round_up(s);
    for (uint64_t p = rounded / PG; p < MAXP; p++) forget_page(p);
    zero_model(s, rounded);
    msize = rounded;
    mcs = s;
}

static void op_content(long op) {
    uint64_t cs = th_below(&rng, 3) == 0 ? msize : th_below(&rng, msize + 1);
    if (th_below(&rng, 10) == 0) {
        // Beyond the size: recorded, nothing else changes (as Zircon).
        cs = msize + 1 + th_below(&rng, PG);
        if (vmo_set_content_size_checked(v, cs) != ZX_OK) FAIL("op %ld: content size beyond the size", op);
        if (vmo_get_size(v) != msize) FAIL("op %ld: content size beyond the size resized", op);
        mcs = cs;
        return;
    }
    if (vmo_set_content_size_checked(v, cs) != ZX_OK) FAIL("op %ld: set content size", op);
    mcs = cs;
    zero_model(cs, msize);
    for (uint64_t p = page_round_up(cs) / PG; p < mpages(); p++) forget_page(p);
}

static void op_range(long op) {
    uint64_t off, len;
    pick(&off, &len);
    uint64_t first = off / PG, end = len ? page_round_up(off + len) / PG : first;
    switch (th_below(&rng, 3)) {
    case 0:
        if (vmo_commit(v, off, len) != ZX_OK) FAIL("op %ld: commit", op);
        for (uint64_t p = first; p < end; p++) com[p] = 1;
        break;
    case 1: {
        // Whole pages (half the time rounded out to them); else INVALID_ARGS, nothing changes.
        if (th_below(&rng, 2)) {
            off = first * PG;
            len = (end - first) * PG;
        }
        bool whole = off % PG == 0 && len % PG == 0;
        zx_status_t want = len == 0 || whole ? ZX_OK : ZX_ERR_INVALID_ARGS;
        if (vmo_decommit(v, off, len) != want) FAIL("op %ld: decommit", op);
        for (uint64_t p = first; want == ZX_OK && p < end; p++) forget_page(p);
        break;
    }
    default:
        if (vmo_zero(v, off, len) != ZX_OK) FAIL("op %ld: zero", op);
        zero_model(off, off + len);
        for (uint64_t p = first; p < end; p++)
            if (off <= p * PG && off + len >= (p + 1) * PG) com[p] = 0;
        break;
    }
}

int main(int argc, char **argv) {
    long ops = argc > 1 ? strtol(argv[1], NULL, 0) : 50000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eedull;
    printf("vmo-resize-random: %ld operations, seed %#" PRIx64 "\n", ops, rng);
    fake_ram_init(2048);
    fake_unmap_reset();
    uint64_t objects = object_live_count();
    msize = 40 * PG;
    mcs = msize - 3;
    if (vmo_create(msize, mcs, ZX_VMO_RESIZABLE, &v) != ZX_OK) return 1;
    for (long op = 0; op < ops && failures < 20; op++) {
        uint64_t r = th_below(&rng, 100);
        if (r < 35) op_write(op);
        else if (r < 60) op_read(op);
        else if (r < 72) op_set_size(op);
        else if (r < 80) op_content(op);
        else op_range(op);
        if (op % 16 == 0) check(op);
    }
    check(ops);
    uint8_t *d = malloc(mpages() * PG + 1);
    if (vmo_read_buf(v, 0, d, mpages() * PG) != ZX_OK || memcmp(d, model, mpages() * PG))
        FAIL("final read differs");
    free(d);
    object_unref(&v->obj);
    if (fake_pages_in_use() || fake_kheap_live() || object_live_count() != objects) FAIL("final: leaks");
    printf("vmo-resize-random: %" PRIu64 " page allocations, %" PRIu64 " refused, %ld unmap calls; %s\n",
           fake_page_allocs(), fake_page_failures(), fake_unmap_calls(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
