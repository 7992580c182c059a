// Randomized model test of obj/vmo_*.c: thousands of reads, writes, page
// lookups, range ops (commit, decommit, zero) and bad calls on several live VMOs (one level, two levels, the
// maximum size) against plain byte arrays, with allocation failures and copy
// failures injected. The model also tracks which pages are committed, so the
// VMO's counters and tree (vmo_check) are compared exactly.
//
// Usage: vmo-random [operations [seed]]
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

// A page-aligned window of a VMO with its model.
struct window {
    uint64_t base, len;  // bytes, page aligned
    uint8_t *bytes;      // model contents
    uint8_t *committed;  // per page
};

struct tvmo {
    struct vmo *v;
    struct window win[6];
    unsigned nwin;
};

#define NVMO 3
static struct tvmo vmos[NVMO];
static uint64_t rng;
static long failures, recreated;

static void add_window(struct tvmo *t, uint64_t base, uint64_t pages) {
    struct window *w = &t->win[t->nwin++];
    w->base = base;
    w->len = pages * PAGE_SIZE;
    w->bytes = calloc(1, w->len);
    w->committed = calloc(pages, 1);
    if (!w->bytes || !w->committed) abort();
}

static uint64_t model_committed(const struct tvmo *t) {
    uint64_t n = 0;
    for (unsigned i = 0; i < t->nwin; i++)
        for (uint64_t p = 0; p < t->win[i].len / PAGE_SIZE; p++) n += t->win[i].committed[p];
    return n;
}

static void check_all(long op) {
    uint64_t used = 0;
    for (unsigned i = 0; i < NVMO; i++) {
        struct vmo *v = vmos[i].v;
        if (vmo_check(v, NULL)) FAIL("op %ld: vmo %u tree check", op, i);
        if (v->committed_pages != model_committed(&vmos[i]))
            FAIL("op %ld: vmo %u committed %" PRIu64 " model %" PRIu64, op, i, v->committed_pages,
                 model_committed(&vmos[i]));
        if (vmo_committed_bytes(v) != v->committed_pages * PAGE_SIZE) FAIL("op %ld: committed bytes", op);
        used += v->committed_pages + v->node_pages;
    }
    if (fake_pages_in_use() != used)
        FAIL("op %ld: fake pages in use %" PRIu64 ", VMOs hold %" PRIu64, op, fake_pages_in_use(), used);
}

// A random [off, off+len) inside window w (len may be 0).
static void pick_range(const struct window *w, uint64_t *off, uint64_t *len) {
    uint64_t r = th_below(&rng, 100);
    uint64_t l;
    if (r < 10) l = 0;
    else if (r < 50) l = 1 + th_below(&rng, 64);
    else if (r < 90) l = 1 + th_below(&rng, 3 * PAGE_SIZE);
    else l = th_below(&rng, w->len + 1);
    if (l > w->len) l = w->len;
    uint64_t o = th_below(&rng, w->len - l + 1);
    // Favour page edges.
    if (th_below(&rng, 4) == 0) {
        uint64_t edge = page_round_down(o) + (th_below(&rng, 2) ? 0 : PAGE_SIZE - 1 - th_below(&rng, 3));
        if (edge + l <= w->len) o = edge;
    }
    *off = o;
    *len = l;
}

static void mark_pieces(struct window *w, uint64_t off, uint64_t len, long pieces) {
    // The first `pieces` pieces of [off, off+len) (window relative) committed.
    uint64_t cur = off, end = off + len;
    for (long i = 0; i < pieces && cur < end; i++) {
        w->committed[cur / PAGE_SIZE] = 1;
        cur = page_round_down(cur) + PAGE_SIZE;
    }
}

static void op_write(struct tvmo *t, struct window *w, long op) {
    uint64_t off, len;
    pick_range(w, &off, &len);
    uint8_t *data = malloc(len ? len : 1);
    if (!data) abort();
    for (uint64_t i = 0; i < len; i++) data[i] = (uint8_t)th_rand(&rng);
    struct buf_ctx c = buf_ctx_make(data, len);
    uint64_t r = th_below(&rng, 100);
    bool alloc_fail = r < 6, copy_fail = r >= 6 && r < 11;
    if (alloc_fail) fake_page_fail_after((long)th_below(&rng, 5));
    if (copy_fail) {
        c.fail_at = 1 + (long)th_below(&rng, 4);
        c.fail_status = th_below(&rng, 2) ? ZX_ERR_INVALID_ARGS : ZX_ERR_IO;
    }
    zx_status_t st = vmo_write(t->v, w->base + off, len, copy_from_buf, &c);
    fake_page_fail_after(-1);
    if (c.contract_errors) FAIL("op %ld: write pieces broke the contract", op);
    memcpy(w->bytes + off, data, c.copied);
    if (st == ZX_OK) {
        if (c.copied != len) FAIL("op %ld: write OK but copied %zu of %" PRIu64, op, c.copied, len);
        mark_pieces(w, off, len, c.calls);
    } else if (st == ZX_ERR_NO_MEMORY) {
        if (!alloc_fail) FAIL("op %ld: unexpected NO_MEMORY", op);
        if (copy_fail && c.calls >= c.fail_at) FAIL("op %ld: NO_MEMORY after a copy failure", op);
        mark_pieces(w, off, len, c.calls);  // the pages whose pieces were copied
    } else if (copy_fail && st == c.fail_status && c.calls == c.fail_at) {
        mark_pieces(w, off, len, c.calls);  // the failing piece's page was committed first
    } else {
        FAIL("op %ld: write status %d (calls %ld, fail_at %ld)", op, st, c.calls, c.fail_at);
    }
    free(data);
}

static void op_read(struct tvmo *t, struct window *w, long op) {
    uint64_t off, len;
    pick_range(w, &off, &len);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) abort();
    memset(buf, 0xee, len);
    struct buf_ctx c = buf_ctx_make(buf, len);
    bool copy_fail = th_below(&rng, 100) < 4;
    if (copy_fail) {
        c.fail_at = 1 + (long)th_below(&rng, 3);
        c.fail_status = ZX_ERR_INVALID_ARGS;
    }
    uint64_t allocs = fake_page_allocs();
    zx_status_t st = vmo_read(t->v, w->base + off, len, copy_to_buf, &c);
    if (c.contract_errors) FAIL("op %ld: read pieces broke the contract", op);
    if (fake_page_allocs() != allocs) FAIL("op %ld: a read allocated pages", op);
    bool fail_expected = copy_fail && (uint64_t)c.fail_at <= (len ? (page_round_up(w->base + off + len) - page_round_down(w->base + off)) / PAGE_SIZE : 0);
    if (fail_expected ? st != ZX_ERR_INVALID_ARGS : st != ZX_OK)
        FAIL("op %ld: read status %d (fail_at %ld, calls %ld)", op, st, c.fail_at, c.calls);
    if (memcmp(buf, w->bytes + off, c.copied) != 0)
        FAIL("op %ld: read of [%#" PRIx64 ", +%" PRIu64 ") differs from the model", op, w->base + off, len);
    free(buf);
}

static void op_get_page(struct tvmo *t, struct window *w, long op) {
    uint64_t pn = th_below(&rng, w->len / PAGE_SIZE);
    bool commit = th_below(&rng, 2);
    bool alloc_fail = commit && th_below(&rng, 10) == 0;
    if (alloc_fail) fake_page_fail_after((long)th_below(&rng, 3));
    paddr_t p = pa(0);
    zx_status_t st = vmo_get_page(t->v, w->base + pn * PAGE_SIZE, commit ? VMO_PAGE_COMMIT : 0, &p, NULL);
    fake_page_fail_after(-1);
    if (w->committed[pn]) {
        if (st != ZX_OK) FAIL("op %ld: get_page of a committed page: %d", op, st);
        else if (memcmp(physmap_va(p), w->bytes + pn * PAGE_SIZE, PAGE_SIZE) != 0)
            FAIL("op %ld: get_page content differs", op);
    } else if (!commit) {
        if (st != ZX_ERR_NOT_FOUND) FAIL("op %ld: get_page without commit: %d", op, st);
    } else if (st == ZX_OK) {
        if (!all_bytes(physmap_va(p), PAGE_SIZE, 0)) FAIL("op %ld: committed page not zero", op);
        w->committed[pn] = 1;
    } else if (!(alloc_fail && st == ZX_ERR_NO_MEMORY)) {
        FAIL("op %ld: get_page commit: %d", op, st);
    }
}

// vmo_commit / vmo_decommit / vmo_zero on a random range of window w.
static void op_range(struct tvmo *t, struct window *w, long op) {
    uint64_t off, len;
    pick_range(w, &off, &len);
    uint64_t first = off / PAGE_SIZE, end = len ? page_round_up(off + len) / PAGE_SIZE : first;
    switch (th_below(&rng, 3)) {
    case 0: {
        bool alloc_fail = th_below(&rng, 8) == 0;
        if (alloc_fail) fake_page_fail_after((long)th_below(&rng, 4));
        zx_status_t st = vmo_commit(t->v, w->base + off, len);
        fake_page_fail_after(-1);
        if (st == ZX_OK) {
            for (uint64_t p = first; p < end; p++) w->committed[p] = 1;
        } else if (alloc_fail && st == ZX_ERR_NO_MEMORY) {
            // Some prefix committed: learn which from the VMO, check it is a prefix.
            bool gap = false;
            for (uint64_t p = first; p < end; p++) {
                paddr_t pg;
                bool c = vmo_get_page(t->v, w->base + p * PAGE_SIZE, 0, &pg, NULL) == ZX_OK;
                if (c && gap && !w->committed[p]) FAIL("op %ld: commit failure left a hole", op);
                if (!c) gap = true;
                if (c && !w->committed[p]) {
                    if (!all_bytes(physmap_va(pg), PAGE_SIZE, 0)) FAIL("op %ld: committed page not zero", op);
                    w->committed[p] = 1;
                }
            }
        } else {
            FAIL("op %ld: commit status %d", op, st);
        }
        break;
    }
    case 1: {
        // Whole pages (half the time rounded out to them); else INVALID_ARGS, nothing changes.
        if (th_below(&rng, 2)) {
            off = first * PAGE_SIZE;
            len = (end - first) * PAGE_SIZE;
        }
        bool whole = (off & PAGE_MASK) == 0 && (len & PAGE_MASK) == 0;
        zx_status_t want = len == 0 || whole ? ZX_OK : ZX_ERR_INVALID_ARGS;
        if (vmo_decommit(t->v, w->base + off, len) != want) FAIL("op %ld: decommit status", op);
        for (uint64_t p = first; want == ZX_OK && p < end; p++) {
            w->committed[p] = 0;
            memset(w->bytes + p * PAGE_SIZE, 0, PAGE_SIZE);
        }
        break;
    }
    default: {
        uint64_t allocs = fake_page_allocs();
        if (vmo_zero(t->v, w->base + off, len) != ZX_OK) FAIL("op %ld: zero failed", op);
        if (fake_page_allocs() != allocs) FAIL("op %ld: zero allocated pages", op);
        memset(w->bytes + off, 0, len);
        for (uint64_t p = first; p < end; p++) {  // whole pages covered are decommitted
            uint64_t a = p * PAGE_SIZE, b = a + PAGE_SIZE;
            if (off <= a && off + len >= b) w->committed[p] = 0;
        }
        break;
    }
    }
    if (fake_unmap_violations()) FAIL("op %ld: vmar_unmap_vmo_pages contract broken", op);
}

// Destroy the VMO and create it again, empty: keeps pages being committed
// (so the failure paths stay exercised) and tests destroy on varied trees.
static void op_recreate(struct tvmo *t, long op) {
    if (vmo_check(t->v, NULL)) FAIL("op %ld: tree check before destroy", op);
    uint64_t size = t->v->size, before = fake_pages_in_use(), mine = t->v->committed_pages + t->v->node_pages;
    long heap = fake_kheap_live();
    object_unref(&t->v->obj);
    if (fake_pages_in_use() != before - mine || fake_kheap_live() != heap - 1)
        FAIL("op %ld: destroy returned %" PRIu64 " of %" PRIu64 " pages", op, before - fake_pages_in_use(), mine);
    if (vmo_create(size, size, 0, &t->v) != ZX_OK) {
        printf("vmo_create failed\n");
        exit(1);
    }
    for (unsigned i = 0; i < t->nwin; i++) {
        memset(t->win[i].bytes, 0, t->win[i].len);
        memset(t->win[i].committed, 0, t->win[i].len / PAGE_SIZE);
    }
    recreated++;
}

static void op_bad(struct tvmo *t, long op) {
    uint64_t size = t->v->size;
    uint64_t off, len;
    switch (th_below(&rng, 4)) {
    case 0: off = size + 1 + th_below(&rng, 1ull << 40); len = th_below(&rng, 3); break;
    case 1: off = th_below(&rng, size + 1); len = size - off + 1 + th_below(&rng, PAGE_SIZE); break;
    case 2: off = UINT64_MAX - th_below(&rng, 2 * PAGE_SIZE); len = th_below(&rng, 4 * PAGE_SIZE); break;
    default: off = th_below(&rng, size + 1); len = UINT64_MAX - th_below(&rng, off + 1); break;
    }
    if (off <= size && len <= size - off) return;  // in range after all
    never_calls = 0;
    if (vmo_read(t->v, off, (size_t)len, copy_never, NULL) != ZX_ERR_OUT_OF_RANGE ||
        vmo_write(t->v, off, (size_t)len, copy_never, NULL) != ZX_ERR_OUT_OF_RANGE || never_calls)
        FAIL("op %ld: range [%#" PRIx64 ", +%#" PRIx64 ") of size %#" PRIx64 " accepted", op, off, len, size);
    uint64_t allocs = fake_page_allocs(), committed_before = t->v->committed_pages;
    if (vmo_commit(t->v, off, len) != ZX_ERR_OUT_OF_RANGE || vmo_decommit(t->v, off, len) != ZX_ERR_OUT_OF_RANGE ||
        vmo_zero(t->v, off, len) != ZX_ERR_OUT_OF_RANGE || fake_page_allocs() != allocs ||
        t->v->committed_pages != committed_before)
        FAIL("op %ld: range op on [%#" PRIx64 ", +%#" PRIx64 ") of size %#" PRIx64 " accepted", op, off, len, size);
    paddr_t p;
    uint64_t poff = page_round_down(off);
    if (poff >= size && vmo_get_page(t->v, poff, VMO_PAGE_COMMIT, &p, NULL) != ZX_ERR_OUT_OF_RANGE)
        FAIL("op %ld: get_page beyond the size accepted", op);
}

int main(int argc, char **argv) {
    long ops = argc > 1 ? strtol(argv[1], NULL, 0) : 100000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eedull;
    printf("vmo-random: %ld operations, seed %#" PRIx64 "\n", ops, rng);
    fake_ram_init(2048);
    fake_unmap_reset();
    uint64_t objects = object_live_count();

    static const uint64_t sizes[NVMO] = {37 * PAGE_SIZE, 1500 * PAGE_SIZE, VMO_MAX_SIZE};
    for (unsigned i = 0; i < NVMO; i++) {
        if (vmo_create(sizes[i], sizes[i], 0, &vmos[i].v) != ZX_OK) {
            printf("vmo_create failed\n");
            return 1;
        }
    }
    add_window(&vmos[0], 0, 37);                        // all of it
    add_window(&vmos[1], 0, 24);                        // first leaf
    add_window(&vmos[1], 500 * PAGE_SIZE, 30);          // leaf boundary 511|512
    add_window(&vmos[1], 1476 * PAGE_SIZE, 24);         // the end
    add_window(&vmos[2], 0, 16);
    add_window(&vmos[2], 500 * PAGE_SIZE, 24);          // 2 MiB boundary
    add_window(&vmos[2], (262144 - 12) * PAGE_SIZE, 24);  // 1 GiB boundary (root entries 0|1)
    add_window(&vmos[2], (1ull << 35) - 8 * PAGE_SIZE, 16);  // 32 GiB
    add_window(&vmos[2], VMO_MAX_SIZE - 20 * PAGE_SIZE, 20);  // the end

    for (long op = 0; op < ops && failures < 20; op++) {
        struct tvmo *t = &vmos[th_below(&rng, NVMO)];
        struct window *w = &t->win[th_below(&rng, t->nwin)];
        uint64_t r = th_below(&rng, 100);
        if (r < 42) op_write(t, w, op);
        else if (r < 72) op_read(t, w, op);
        else if (r < 80) op_range(t, w, op);
        else if (r < 92) op_get_page(t, w, op);
        else if (r < 99) op_bad(t, op);
        else if (th_below(&rng, 4) == 0) op_recreate(t, op);
        if (op % 64 == 0) check_all(op);
    }
    check_all(ops);

    // Final comparison of every window, then destroy.
    for (unsigned i = 0; i < NVMO; i++) {
        for (unsigned j = 0; j < vmos[i].nwin; j++) {
            struct window *w = &vmos[i].win[j];
            uint8_t *buf = malloc(w->len);
            if (!buf) abort();
            if (vmo_read_buf(vmos[i].v, w->base, buf, w->len) != ZX_OK || memcmp(buf, w->bytes, w->len) != 0)
                FAIL("final: vmo %u window %u differs", i, j);
            free(buf);
            free(w->bytes);
            free(w->committed);
        }
        printf("vmo-random: vmo %u: %" PRIu64 " pages committed, %" PRIu64 " node pages\n", i,
               vmos[i].v->committed_pages, vmos[i].v->node_pages);
        object_unref(&vmos[i].v->obj);
    }
    if (fake_pages_in_use() != 0) FAIL("final: %" PRIu64 " pages still in use", fake_pages_in_use());
    if (fake_kheap_live() != 0) FAIL("final: %ld heap blocks live", fake_kheap_live());
    if (object_live_count() != objects) FAIL("final: objects alive");
    printf("vmo-random: %ld VMOs recreated, %" PRIu64 " page allocations, %" PRIu64 " refused; %s\n", recreated,
           fake_page_allocs(), fake_page_failures(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
