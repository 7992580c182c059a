// Randomized model test of copy-on-write snapshots: a family of VMOs (a root,
// snapshots of snapshots at random offsets and sizes, some resizable, now and
// then a slice) against one byte array per VMO. Writes (through vmo_write and
// through the fault path: vmo_get_page with VMO_PAGE_WRITE, vmo_unshare, then
// a store through the direct map), reads, zeroing, resizing and closing in any
// order, with allocation failures injected. After every operation each VMO
// must read exactly as its model (a snapshot sees its parent as it was when it
// was made, and only its own writes after), and no page may be written while
// another VMO still uses it. At the end every page has been freed exactly
// once (fake_mm aborts on a double free or a free of a page still shared).
//
// Usage: vmo-cow-random [operations [seed]]
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

#define PG PAGE_SIZE
#define MAXV 12      // live VMOs at most
#define MAXPAGES 24  // pages per VMO at most

struct tv {
    struct vmo *v;
    int slice_of;  // a slice: its bytes are those of vs[slice_of] at slice_off; else -1
    uint64_t slice_off;
    uint8_t *bytes;       // the model (slices: NULL, see bytes_of)
    uint64_t size;
};

static struct tv vs[MAXV];
static int nv;
static uint64_t rng;
static long failures;
static long made[3], peak;  // snapshots, slices, write faults that copied; most VMOs alive

static uint8_t *bytes_of(struct tv *t) { return t->slice_of >= 0 ? vs[t->slice_of].bytes + t->slice_off : t->bytes; }

static bool used_by_slice(int i) {
    for (int j = 0; j < nv; j++)
        if (vs[j].slice_of == i) return true;
    return false;
}

static void check_all(long op) {
    static uint8_t buf[MAXPAGES * PG];
    for (int i = 0; i < nv; i++) {
        struct tv *t = &vs[i];
        if (vmo_read_buf(t->v, 0, buf, t->size) != ZX_OK) {
            FAIL("op %ld: read of vmo %d failed", op, i);
            continue;
        }
        if (memcmp(buf, bytes_of(t), t->size) != 0) FAIL("op %ld: vmo %d differs from its model", op, i);
        if (t->slice_of < 0 && vmo_check(t->v, NULL)) FAIL("op %ld: vmo %d tree", op, i);
    }
    if (fake_unmap_violations()) FAIL("op %ld: unmap contract", op);
}

static void add(struct vmo *v, int slice_of, uint64_t slice_off, uint64_t size) {
    struct tv *t = &vs[nv++];
    *t = (struct tv){v, slice_of, slice_off, NULL, size};
    if (slice_of < 0) t->bytes = calloc(1, MAXPAGES * PG);
}

static void op_snapshot(long op) {
    struct tv *p = &vs[th_below(&rng, (uint64_t)nv)];
    uint64_t off = th_below(&rng, p->size / PG + 2) * PG;  // may start beyond the parent
    uint64_t len = (1 + th_below(&rng, MAXPAGES / 2)) * PG;
    uint32_t opts = ZX_VMO_CHILD_SNAPSHOT | (th_below(&rng, 2) ? ZX_VMO_CHILD_RESIZABLE : 0);
    bool fail = th_below(&rng, 6) == 0;
    if (fail) fake_page_fail_after((long)th_below(&rng, 2));
    struct vmo *c = NULL;
    zx_status_t st = vmo_create_child(p->v, opts, off, len, &c);
    fake_page_fail_after(-1);
    if (st == ZX_ERR_NO_MEMORY && fail) return;
    if (st != ZX_OK) {
        FAIL("op %ld: snapshot: %d", op, st);
        return;
    }
    add(c, -1, 0, len);
    made[0]++;
    struct tv *t = &vs[nv - 1];
    if (off < p->size) memcpy(t->bytes, bytes_of(p) + off, (p->size - off < len ? p->size - off : len));
}

static void op_slice(long op) {
    int pi = (int)th_below(&rng, (uint64_t)nv);
    struct tv *p = &vs[pi];
    if (p->slice_of >= 0 || (p->v->options & ZX_VMO_RESIZABLE) || p->size < PG) return;
    uint64_t off = th_below(&rng, p->size / PG) * PG;
    uint64_t len = (1 + th_below(&rng, (p->size - off) / PG)) * PG;
    struct vmo *c = NULL;
    if (vmo_create_child(p->v, ZX_VMO_CHILD_SLICE, off, len, &c) != ZX_OK) {
        FAIL("op %ld: slice", op);
        return;
    }
    add(c, pi, off, len);
    made[1]++;
}

static void op_write(long op) {
    struct tv *t = &vs[th_below(&rng, (uint64_t)nv)];
    if (t->size == 0) return;
    uint64_t off = th_below(&rng, t->size), len = 1 + th_below(&rng, t->size - off);
    if (len > 3 * PG) len = 3 * PG;
    uint8_t data[3 * PG];
    for (uint64_t i = 0; i < len; i++) data[i] = (uint8_t)(th_rand(&rng) | 1);
    bool fail = th_below(&rng, 8) == 0;
    if (fail) fake_page_fail_after(0);
    // As zx_vmo_write: unshare first, then the copy.
    zx_status_t st = vmo_unshare(t->v, off, len);
    if (st == ZX_OK) st = vmo_write_buf(t->v, off, data, len);
    fake_page_fail_after(-1);
    if (st == ZX_ERR_NO_MEMORY && fail) {
        // Some pages may have been made private: contents unchanged, but
        // learn the bytes from the VMO (a partial write is allowed).
        vmo_read_buf(t->v, 0, bytes_of(t), t->size);
        return;
    }
    if (st != ZX_OK) {
        FAIL("op %ld: write: %d", op, st);
        return;
    }
    memcpy(bytes_of(t) + off, data, len);
}

// A store through a mapping: the fault path's calls, then a store through
// the direct map into the page it got.
static void op_fault_write(long op) {
    struct tv *t = &vs[th_below(&rng, (uint64_t)nv)];
    if (t->size == 0) return;
    uint64_t off = th_below(&rng, t->size / PG) * PG, in = th_below(&rng, PG);
    paddr_t p;
    bool w;
    zx_status_t st = vmo_get_page(t->v, off, VMO_PAGE_COMMIT | VMO_PAGE_WRITE, &p, &w);
    if (st == ZX_ERR_SHOULD_WAIT) {
        made[2]++;
        if (vmo_unshare(t->v, off, PG) != ZX_OK) FAIL("op %ld: unshare", op);
        st = vmo_get_page(t->v, off, VMO_PAGE_COMMIT | VMO_PAGE_WRITE, &p, &w);
    }
    if (st != ZX_OK || !w) {
        FAIL("op %ld: write fault: %d writable %d", op, st, w);
        return;
    }
    if (page_users(p) != 1) FAIL("op %ld: a writable page has %u users", op, page_users(p));
    uint8_t x = (uint8_t)(th_rand(&rng) | 1);
    ((uint8_t *)physmap_va(p))[in] = x;
    bytes_of(t)[off + in] = x;
}

static void op_zero(long op) {
    struct tv *t = &vs[th_below(&rng, (uint64_t)nv)];
    if (t->size == 0) return;
    uint64_t off = th_below(&rng, t->size), len = th_below(&rng, t->size - off + 1);
    bool fail = th_below(&rng, 8) == 0;
    if (fail) fake_page_fail_after(0);
    zx_status_t st = vmo_zero(t->v, off, len);
    fake_page_fail_after(-1);
    if (st == ZX_ERR_NO_MEMORY && fail) {
        vmo_read_buf(t->v, 0, bytes_of(t), t->size);
        return;
    }
    if (st != ZX_OK) FAIL("op %ld: zero: %d", op, st);
    else memset(bytes_of(t) + off, 0, len);
}

static void op_resize(long op) {
    int i = (int)th_below(&rng, (uint64_t)nv);
    struct tv *t = &vs[i];
    if (!(t->v->options & ZX_VMO_RESIZABLE) || used_by_slice(i)) return;
    uint64_t size = th_below(&rng, MAXPAGES * PG + 1);
    zx_status_t st = vmo_set_size(t->v, size);
    if (st == ZX_ERR_NO_MEMORY) return;
    if (st != ZX_OK) {
        FAIL("op %ld: set_size: %d", op, st);
        return;
    }
    uint64_t rounded = page_round_up(size);
    if (rounded > t->size) memset(t->bytes + t->size, 0, rounded - t->size);
    memset(t->bytes + size, 0, rounded - size);
    t->size = rounded;
}

// Close vs[i] (not the target of a live slice: the model keeps it simple).
static bool close_one(int i) {
    if (used_by_slice(i)) return false;
    object_unref(&vs[i].v->obj);
    free(vs[i].bytes);
    for (int j = i; j < nv - 1; j++) vs[j] = vs[j + 1];
    nv--;
    for (int j = 0; j < nv; j++)
        if (vs[j].slice_of > i) vs[j].slice_of--;
    return true;
}

int main(int argc, char **argv) {
    long ops = argc > 1 ? strtol(argv[1], NULL, 0) : 20000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0xc0ffee;
    printf("vmo-cow-random: %ld operations, seed %#" PRIx64 "\n", ops, rng);
    fake_ram_init(8192);
    fake_unmap_reset();
    uint64_t objects = object_live_count();
    for (long op = 0; op < ops; op++) {
        if (nv == 0) {
            struct vmo *v = NULL;
            uint64_t size = (1 + th_below(&rng, MAXPAGES)) * PG;
            if (vmo_create(size, size, th_below(&rng, 2) ? ZX_VMO_RESIZABLE : 0, &v) != ZX_OK) {
                FAIL("op %ld: create", op);
                break;
            }
            add(v, -1, 0, size);
        }
        uint64_t k = th_below(&rng, 16);
        if (k < 2 && nv < MAXV) op_snapshot(op);
        else if (k == 2 && nv < MAXV) op_slice(op);
        else if (k < 7) op_write(op);
        else if (k < 9) op_fault_write(op);
        else if (k < 11) op_zero(op);
        else if (k < 12) op_resize(op);
        else if (k < 13) close_one((int)th_below(&rng, (uint64_t)nv));
        check_all(op);
        if (nv > peak) peak = nv;
        if (failures > 10) break;
    }
    while (nv)  // in any order the slices allow
        for (int i = (int)th_below(&rng, (uint64_t)nv); !close_one(i); i = (i + 1) % nv) {
        }
    if (fake_pages_in_use() != 0) FAIL("end: %" PRIu64 " pages still in use", fake_pages_in_use());
    if (object_live_count() != objects) FAIL("end: objects leaked");
    if (fake_kheap_live() != 0) FAIL("end: heap blocks leaked");
    printf("vmo-cow-random: %ld snapshots, %ld slices, %ld copy-on-write faults, %ld VMOs at most: %s\n", made[0],
           made[1], made[2], peak, failures ? "FAILED" : "ok");
    return failures != 0;
}
