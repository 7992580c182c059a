// Unit cases of obj/vmo_*.c (the paged VMO core), built unchanged over the
// fakes of fake_mm.c. Each case starts from a fresh fake RAM and ends by
// checking that every page and heap block came back.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mm.h"
#include "../harness.h"
#include "obj/object.h"
#include "obj/vmo.h"
#include "vmo_testlib.h"

#define RAM_PAGES 4096u

static struct vmo *make(uint64_t size) {
    struct vmo *v = NULL;
    zx_status_t st = vmo_create(size, size, 0, &v);
    if (st != ZX_OK) {
        printf("    vmo_create(%#llx) failed: %d\n", (unsigned long long)size, st);
        return NULL;
    }
    return v;
}

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)((i * 131u + seed * 7u + (i >> 8)) ^ seed);
}

// ---------------------------------------------------------------------------

static void create_commits_nothing(void) {
    vmo_fresh(RAM_PAGES);
    static const uint64_t sizes[] = {0, PAGE_SIZE, 10 * PAGE_SIZE, 512 * PAGE_SIZE, 513 * PAGE_SIZE, VMO_MAX_SIZE};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct vmo *v = NULL;
        uint64_t content = sizes[i] ? sizes[i] - 5 : 0;
        REQUIRE(vmo_create(sizes[i], content, ZX_VMO_RESIZABLE, &v) == ZX_OK);
        CHECK_EQ(object_type(&v->obj), ZX_OBJ_TYPE_VMO);
        CHECK(v->obj.ops == &vmo_ops);
        CHECK_EQ(v->obj.refcount, 1);
        CHECK_EQ(v->obj.handle_count, 0);
        CHECK(v->obj.koid >= 1024);
        CHECK_EQ(vmo_get_size(v), sizes[i]);
        CHECK_EQ(vmo_get_content_size(v), content);
        CHECK_EQ(v->options, ZX_VMO_RESIZABLE);
        CHECK_EQ(v->cache_policy, ZX_CACHE_POLICY_CACHED);
        CHECK_EQ(v->committed_pages, 0);
        CHECK_EQ(v->node_pages, 0);
        CHECK_EQ(v->mappings, 0);
        CHECK_EQ(pa_val(v->root), 0);
        CHECK_EQ(vmo_committed_bytes(v), 0);
        CHECK_EQ(fake_pages_in_use(), 0);
        CHECK_EQ(fake_kheap_live(), 1);
        CHECK_EQ(object_live_count(), vmo_objects_at_start + 1);
        CHECK_EQ(vmo_check(v, NULL), 0);
        object_unref(&v->obj);
    }
    CHECK_EQ(fake_page_allocs(), 0);
    vmo_all_returned();
}

static void create_rejects_bad_sizes(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = NULL;
    CHECK_EQ(vmo_create(1, 1, 0, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create(PAGE_SIZE + 1, PAGE_SIZE + 1, 0, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create(PAGE_SIZE, PAGE_SIZE + 1, 0, &v), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_create(VMO_MAX_SIZE + PAGE_SIZE, 0, 0, &v), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_create(UINT64_MAX & ~PAGE_MASK, 0, 0, &v), ZX_ERR_OUT_OF_RANGE);
    CHECK(v == NULL);
    vmo_all_returned();
}

static void create_no_memory_leaves_nothing(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = NULL;
    fake_kheap_fail_after(0);
    CHECK_EQ(vmo_create(PAGE_SIZE, PAGE_SIZE, 0, &v), ZX_ERR_NO_MEMORY);
    fake_kheap_fail_after(-1);
    CHECK(v == NULL);
    vmo_all_returned();
}

static void content_size_roundtrip(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = NULL;
    REQUIRE(vmo_create(2 * PAGE_SIZE, PAGE_SIZE + 1, 0, &v) == ZX_OK);
    CHECK_EQ(vmo_get_content_size(v), PAGE_SIZE + 1);
    vmo_set_content_size(v, 7);
    CHECK_EQ(vmo_get_content_size(v), 7);
    CHECK_EQ(vmo_get_size(v), 2 * PAGE_SIZE);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void write_read_straddling(void) {
    vmo_fresh(RAM_PAGES);
    const uint64_t size = 16 * PAGE_SIZE;
    struct vmo *v = make(size);
    REQUIRE(v);
    uint8_t *model = calloc(1, size), *buf = malloc(size);
    REQUIRE(model && buf);
    struct {
        uint64_t off, len;
    } w[] = {
        {PAGE_SIZE - 3, 10},                  // straddles pages 0/1
        {2 * PAGE_SIZE - 1, PAGE_SIZE + 2},   // 1..3
        {4 * PAGE_SIZE, PAGE_SIZE},           // exactly page 4
        {6 * PAGE_SIZE + 17, 3 * PAGE_SIZE},  // 6..9
        {size - 1, 1},                        // the last byte
        {11 * PAGE_SIZE + 100, 1},            // a single byte mid page
    };
    for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        fill_pattern(buf, w[i].len, i + 1);
        CHECK_EQ(vmo_write_buf(v, w[i].off, buf, w[i].len), ZX_OK);
        memcpy(model + w[i].off, buf, w[i].len);
        CHECK_EQ(vmo_check(v, NULL), 0);
    }
    // Pages 0,1,2,3,4,6,7,8,9,11,15.
    CHECK_EQ(v->committed_pages, 11);
    CHECK_EQ(v->node_pages, 1);
    CHECK_EQ(vmo_committed_bytes(v), 11 * PAGE_SIZE);
    CHECK_EQ(fake_pages_in_use(), 12);
    // Whole-VMO read, then reads at every straddling window.
    memset(buf, 0xee, size);
    CHECK_EQ(vmo_read_buf(v, 0, buf, size), ZX_OK);
    CHECK(memcmp(buf, model, size) == 0);
    for (uint64_t off = 0; off < size; off += PAGE_SIZE / 2 - 7) {
        uint64_t len = off + 3 * PAGE_SIZE / 2 <= size ? 3 * PAGE_SIZE / 2 : size - off;
        memset(buf, 0xee, len);
        CHECK_EQ(vmo_read_buf(v, off, buf, len), ZX_OK);
        CHECK(memcmp(buf, model + off, len) == 0);
    }
    CHECK_EQ(v->committed_pages, 11);  // reads commit nothing
    // Overwrite within committed pages: no new pages.
    fill_pattern(buf, 2 * PAGE_SIZE, 99);
    CHECK_EQ(vmo_write_buf(v, PAGE_SIZE + 5, buf, 2 * PAGE_SIZE), ZX_OK);
    memcpy(model + PAGE_SIZE + 5, buf, 2 * PAGE_SIZE);
    CHECK_EQ(v->committed_pages, 11);
    CHECK_EQ(vmo_read_buf(v, 0, buf, size), ZX_OK);
    CHECK(memcmp(buf, model, size) == 0);
    free(model);
    free(buf);
    object_unref(&v->obj);
    vmo_all_returned();
}

// Pages handed out by the fake are full of 0xa5: a partly written page must
// still read as zeros around the write.
static void fresh_pages_are_zeroed(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make(4 * PAGE_SIZE);
    REQUIRE(v);
    uint8_t b = 0x42, page[PAGE_SIZE];
    CHECK_EQ(vmo_write_buf(v, PAGE_SIZE + 1000, &b, 1), ZX_OK);
    memset(page, 0xee, sizeof(page));
    CHECK_EQ(vmo_read_buf(v, PAGE_SIZE, page, PAGE_SIZE), ZX_OK);
    CHECK(all_bytes(page, 1000, 0));
    CHECK_EQ(page[1000], 0x42);
    CHECK(all_bytes(page + 1001, PAGE_SIZE - 1001, 0));
    paddr_t p;
    CHECK_EQ(vmo_get_page(v, 3 * PAGE_SIZE, VMO_PAGE_COMMIT, &p, NULL), ZX_OK);
    CHECK(all_bytes(physmap_va(p), PAGE_SIZE, 0));
    object_unref(&v->obj);
    vmo_all_returned();
}

static void untouched_reads_zero_commit_nothing(void) {
    vmo_fresh(RAM_PAGES);
    const uint64_t size = 64 * PAGE_SIZE;
    struct vmo *v = make(size);
    REQUIRE(v);
    uint8_t *buf = malloc(size);
    REQUIRE(buf);
    memset(buf, 0xff, size);
    struct buf_ctx c = buf_ctx_make(buf, size);
    CHECK_EQ(vmo_read(v, 0, size, copy_to_buf, &c), ZX_OK);
    CHECK_EQ(c.calls, 64);  // one piece per page
    CHECK_EQ(c.contract_errors, 0);
    CHECK(all_bytes(buf, size, 0));
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(v->node_pages, 0);
    CHECK_EQ(fake_page_allocs(), 0);
    // Unaligned reads of untouched memory.
    memset(buf, 0xff, size);
    CHECK_EQ(vmo_read_buf(v, 3 * PAGE_SIZE - 1, buf, 2 * PAGE_SIZE + 2), ZX_OK);
    CHECK(all_bytes(buf, 2 * PAGE_SIZE + 2, 0));
    // One page written: the rest still zero and still not committed.
    uint8_t ones[PAGE_SIZE];
    memset(ones, 1, sizeof(ones));
    CHECK_EQ(vmo_write_buf(v, 10 * PAGE_SIZE, ones, PAGE_SIZE), ZX_OK);
    memset(buf, 0xff, size);
    CHECK_EQ(vmo_read_buf(v, 0, buf, size), ZX_OK);
    CHECK(all_bytes(buf, 10 * PAGE_SIZE, 0));
    CHECK(all_bytes(buf + 10 * PAGE_SIZE, PAGE_SIZE, 1));
    CHECK(all_bytes(buf + 11 * PAGE_SIZE, size - 11 * PAGE_SIZE, 0));
    CHECK_EQ(v->committed_pages, 1);
    CHECK_EQ(v->node_pages, 1);
    CHECK_EQ(fake_page_allocs(), 2);
    // A reader that scribbles on what it is given must not be able to turn
    // zero reads into garbage for the next reader: the zero page is
    // read-only memory, so we only check it still reads as zero.
    CHECK_EQ(vmo_read_buf(v, 20 * PAGE_SIZE, buf, PAGE_SIZE), ZX_OK);
    CHECK(all_bytes(buf, PAGE_SIZE, 0));
    free(buf);
    object_unref(&v->obj);
    vmo_all_returned();
}

static void range_checks(void) {
    vmo_fresh(RAM_PAGES);
    const uint64_t size = 4 * PAGE_SIZE;
    struct vmo *v = make(size);
    REQUIRE(v);
    uint8_t buf[16] = {0};
    struct {
        uint64_t off;
        uint64_t len;
        zx_status_t want;
    } cases[] = {
        {0, 0, ZX_OK},
        {size, 0, ZX_OK},  // empty range at the end: fine
        {size - 1, 0, ZX_OK},
        {size + 1, 0, ZX_ERR_OUT_OF_RANGE},  // off beyond the size, even with len 0
        {UINT64_MAX, 0, ZX_ERR_OUT_OF_RANGE},
        {size, 1, ZX_ERR_OUT_OF_RANGE},
        {size - 1, 2, ZX_ERR_OUT_OF_RANGE},
        {0, size + 1, ZX_ERR_OUT_OF_RANGE},
        {UINT64_MAX, 1, ZX_ERR_OUT_OF_RANGE},
        {1, UINT64_MAX, ZX_ERR_OUT_OF_RANGE},               // off + len wraps to 0
        {PAGE_SIZE, UINT64_MAX - PAGE_SIZE + 2, ZX_ERR_OUT_OF_RANGE},  // wraps to 1
        {UINT64_MAX - 1, 2, ZX_ERR_OUT_OF_RANGE},           // wraps to 0
        {UINT64_MAX & ~PAGE_MASK, PAGE_SIZE, ZX_ERR_OUT_OF_RANGE},
        {VMO_MAX_SIZE, 1, ZX_ERR_OUT_OF_RANGE},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        never_calls = 0;
        zx_status_t r = vmo_read(v, cases[i].off, (size_t)cases[i].len, copy_never, buf);
        zx_status_t w = vmo_write(v, cases[i].off, (size_t)cases[i].len, copy_never, buf);
        if (r != cases[i].want || w != cases[i].want)
            printf("    case %u: off %#llx len %#llx: read %d write %d want %d\n", i,
                   (unsigned long long)cases[i].off, (unsigned long long)cases[i].len, r, w, cases[i].want);
        CHECK_EQ(r, cases[i].want);
        CHECK_EQ(w, cases[i].want);
        CHECK_EQ(never_calls, 0);
    }
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(v->node_pages, 0);
    CHECK_EQ(fake_page_allocs(), 0);
    // The whole VMO is in range; the last byte too.
    CHECK_EQ(vmo_write_buf(v, size - 1, buf, 1), ZX_OK);
    uint8_t *all = calloc(1, size);
    REQUIRE(all);
    CHECK_EQ(vmo_read_buf(v, 0, all, size), ZX_OK);
    free(all);
    object_unref(&v->obj);

    // A zero-sized VMO: only (0, 0) is in range.
    v = make(0);
    REQUIRE(v);
    CHECK_EQ(vmo_read(v, 0, 0, copy_never, NULL), ZX_OK);
    CHECK_EQ(vmo_write(v, 0, 0, copy_never, NULL), ZX_OK);
    CHECK_EQ(vmo_read(v, 0, 1, copy_never, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_write(v, 0, 1, copy_never, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_read(v, 1, 0, copy_never, NULL), ZX_ERR_OUT_OF_RANGE);
    paddr_t p;
    CHECK_EQ(vmo_get_page(v, 0, VMO_PAGE_COMMIT, &p, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(never_calls, 0);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

// The tree height follows the size; one write of the last page costs exactly
// `height` node pages.
static void height_by_size(void) {
    vmo_fresh(RAM_PAGES);
    struct {
        uint64_t pages;
        unsigned height;
    } cases[] = {
        {1, 1},
        {512, 1},
        {513, 2},
        {512 * 512, 2},
        {512 * 512 + 1, 3},
        {VMO_MAX_PAGES, 3},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vmo *v = make(cases[i].pages * PAGE_SIZE);
        REQUIRE(v);
        CHECK_EQ(v->radix_height, cases[i].height);
        uint8_t b = (uint8_t)i;
        CHECK_EQ(vmo_write_buf(v, cases[i].pages * PAGE_SIZE - 1, &b, 1), ZX_OK);
        CHECK_EQ(v->committed_pages, 1);
        CHECK_EQ(v->node_pages, cases[i].height);
        CHECK_EQ(fake_pages_in_use(), 1 + cases[i].height);
        CHECK_EQ(vmo_check(v, NULL), 0);
        object_unref(&v->obj);
        CHECK_EQ(fake_pages_in_use(), 0);
    }
    vmo_all_returned();
}

static void huge_sparse(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *v = make(VMO_MAX_SIZE);
    REQUIRE(v);
    CHECK_EQ(v->radix_height, VMO_RADIX_LEVELS);
    struct {
        uint64_t off, len;
        uint64_t pages, nodes;  // totals after the write
    } w[] = {
        {VMO_MAX_SIZE - 1, 1, 1, 3},                       // last byte: root, mid, leaf
        {VMO_MAX_SIZE - PAGE_SIZE - 1, 2, 2, 3},           // last two pages: same leaf
        {0, 1, 3, 5},                                      // page 0: new mid + leaf
        {512 * PAGE_SIZE - 1, 2, 5, 6},                    // pages 511|512: 2 MiB boundary, new leaf
        {(512ull * 512) * PAGE_SIZE - 1, 2, 7, 9},         // 1 GiB boundary: new leaf; new mid + leaf
        {(1ull << 35) + 3 * PAGE_SIZE + 5, 3 * PAGE_SIZE, 11, 11},  // 32 GiB: mid + leaf, 4 pages
    };
    uint8_t buf[4 * PAGE_SIZE], back[4 * PAGE_SIZE];
    for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        fill_pattern(buf, w[i].len, 40 + i);
        CHECK_EQ(vmo_write_buf(v, w[i].off, buf, w[i].len), ZX_OK);
        CHECK_EQ(v->committed_pages, w[i].pages);
        CHECK_EQ(v->node_pages, w[i].nodes);
        CHECK_EQ(fake_pages_in_use(), w[i].pages + w[i].nodes);
        CHECK_EQ(vmo_check(v, NULL), 0);
    }
    for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++) {  // the writes do not overlap
        fill_pattern(buf, w[i].len, 40 + i);
        memset(back, 0xee, sizeof(back));
        CHECK_EQ(vmo_read_buf(v, w[i].off, back, w[i].len), ZX_OK);
        CHECK(memcmp(back, buf, w[i].len) == 0);
    }
    // Around the writes: zeros.
    CHECK_EQ(vmo_read_buf(v, VMO_MAX_SIZE - 2 * PAGE_SIZE, back, PAGE_SIZE - 1), ZX_OK);
    CHECK(all_bytes(back, PAGE_SIZE - 1, 0));
    CHECK_EQ(vmo_read_buf(v, 1, back, sizeof(back)), ZX_OK);  // after the byte at 0
    CHECK(all_bytes(back, sizeof(back), 0));
    // A 64 MiB read across untouched space commits nothing.
    uint8_t *big = malloc(64u << 20);
    REQUIRE(big);
    memset(big, 0xff, 64u << 20);
    CHECK_EQ(vmo_read_buf(v, 100ull << 30, big, 64u << 20), ZX_OK);
    CHECK(all_bytes(big, 64u << 20, 0));
    free(big);
    CHECK_EQ(v->committed_pages, 11);
    CHECK_EQ(v->node_pages, 11);
    uint64_t frees_before = fake_page_frees();
    object_unref(&v->obj);
    CHECK_EQ(fake_page_frees() - frees_before, 22);
    vmo_all_returned();
}

static void get_page(void) {
    vmo_fresh(RAM_PAGES);
    const uint64_t size = 8 * PAGE_SIZE;
    struct vmo *v = make(size);
    REQUIRE(v);
    paddr_t p = pa(0x1234), q;
    CHECK_EQ(vmo_get_page(v, 2 * PAGE_SIZE, 0, &p, NULL), ZX_ERR_NOT_FOUND);
    CHECK_EQ(pa_val(p), 0x1234);  // untouched on failure
    CHECK_EQ(v->committed_pages, 0);
    CHECK_EQ(fake_page_allocs(), 0);
    CHECK_EQ(vmo_get_page(v, 2 * PAGE_SIZE, VMO_PAGE_COMMIT, &p, NULL), ZX_OK);
    CHECK(fake_page_allocated(p));
    CHECK(all_bytes(physmap_va(p), PAGE_SIZE, 0));
    CHECK_EQ(v->committed_pages, 1);
    CHECK_EQ(v->node_pages, 1);
    CHECK_EQ(vmo_get_page(v, 2 * PAGE_SIZE, VMO_PAGE_COMMIT, &q, NULL), ZX_OK);
    CHECK_EQ(pa_val(q), pa_val(p));
    CHECK_EQ(vmo_get_page(v, 2 * PAGE_SIZE, 0, &q, NULL), ZX_OK);
    CHECK_EQ(pa_val(q), pa_val(p));
    CHECK_EQ(v->committed_pages, 1);
    // What is written shows through the page, and the reverse.
    uint8_t msg[] = "hello, page";
    CHECK_EQ(vmo_write_buf(v, 2 * PAGE_SIZE + 100, msg, sizeof(msg)), ZX_OK);
    CHECK(memcmp((uint8_t *)physmap_va(p) + 100, msg, sizeof(msg)) == 0);
    ((uint8_t *)physmap_va(p))[7] = 0x77;
    uint8_t b = 0;
    CHECK_EQ(vmo_read_buf(v, 2 * PAGE_SIZE + 7, &b, 1), ZX_OK);
    CHECK_EQ(b, 0x77);
    // A page written first is found without commit.
    CHECK_EQ(vmo_write_buf(v, 5 * PAGE_SIZE + 9, msg, 1), ZX_OK);
    CHECK_EQ(vmo_get_page(v, 5 * PAGE_SIZE, 0, &q, NULL), ZX_OK);
    CHECK_EQ(((uint8_t *)physmap_va(q))[9], msg[0]);
    // Bad offsets.
    CHECK_EQ(vmo_get_page(v, 1, VMO_PAGE_COMMIT, &q, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_get_page(v, PAGE_SIZE + 8, 0, &q, NULL), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(vmo_get_page(v, size, VMO_PAGE_COMMIT, &q, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_get_page(v, size, 0, &q, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(vmo_get_page(v, UINT64_MAX & ~PAGE_MASK, VMO_PAGE_COMMIT, &q, NULL), ZX_ERR_OUT_OF_RANGE);
    CHECK_EQ(v->committed_pages, 2);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    vmo_all_returned();
}

// A failed commit in get_page leaves no half-built path behind, whichever
// allocation fails.
static void get_page_no_memory(void) {
    vmo_fresh(RAM_PAGES);
    for (unsigned k = 0; k <= VMO_RADIX_LEVELS; k++) {
        struct vmo *v = make(VMO_MAX_SIZE);
        REQUIRE(v);
        paddr_t p;
        fake_page_fail_after((long)k);
        CHECK_EQ(vmo_get_page(v, VMO_MAX_SIZE - PAGE_SIZE, VMO_PAGE_COMMIT, &p, NULL), ZX_ERR_NO_MEMORY);
        fake_page_fail_after(-1);
        CHECK_EQ(v->committed_pages, 0);
        CHECK_EQ(v->node_pages, 0);
        CHECK_EQ(pa_val(v->root), 0);
        CHECK_EQ(fake_pages_in_use(), 0);
        // With one page committed elsewhere, only the new part is undone.
        CHECK_EQ(vmo_get_page(v, 0, VMO_PAGE_COMMIT, &p, NULL), ZX_OK);
        CHECK_EQ(v->node_pages, 3);
        fake_page_fail_after((long)k);
        zx_status_t st = vmo_get_page(v, (512ull * 512 - 1) * PAGE_SIZE, VMO_PAGE_COMMIT, &p, NULL);  // shares root + mid
        fake_page_fail_after(-1);
        if (k < 2) {
            CHECK_EQ(st, ZX_ERR_NO_MEMORY);
            CHECK_EQ(v->committed_pages, 1);
            CHECK_EQ(v->node_pages, 3);
        } else {  // needs a leaf and a page only
            CHECK_EQ(st, ZX_OK);
            CHECK_EQ(v->committed_pages, 2);
            CHECK_EQ(v->node_pages, 4);
        }
        CHECK_EQ(vmo_check(v, NULL), 0);
        CHECK_EQ(fake_pages_in_use(), v->committed_pages + v->node_pages);
        object_unref(&v->obj);
    }
    vmo_all_returned();
}

// A write whose allocations fail after k successes, for every k: NO_MEMORY,
// the bytes before the failing page written, everything else zero, the tree
// free of empty nodes, nothing leaked; the same write then succeeds.
static void write_no_memory(void) {
    vmo_fresh(RAM_PAGES);
    const uint64_t size = 2048 * PAGE_SIZE;  // two levels
    const uint64_t off = 509 * PAGE_SIZE + 100, len = 8 * PAGE_SIZE - 200;  // pages 509..516
    // Allocation order: mid(root), leaf0, p509, p510, p511, leaf1, p512..p516.
    static const char seq[] = "NNPPPNPPPPP";
    const unsigned nallocs = sizeof(seq) - 1;
    uint8_t *data = malloc(len), *back = malloc(size);
    REQUIRE(data && back);
    fill_pattern(data, len, 7);
    for (unsigned k = 0; k <= nallocs; k++) {
        struct vmo *v = make(size);
        REQUIRE(v);
        struct buf_ctx c = buf_ctx_make(data, len);
        fake_page_fail_after((long)k);
        zx_status_t st = vmo_write(v, off, len, copy_from_buf, &c);
        fake_page_fail_after(-1);
        CHECK_EQ(c.contract_errors, 0);
        uint64_t pages = 0;
        for (unsigned i = 0; i < k && i < nallocs; i++) pages += seq[i] == 'P';
        uint64_t nodes = pages == 0 ? 0 : pages <= 3 ? 2 : 3;
        uint64_t copied = pages == 0 ? 0 : (509 + pages) * PAGE_SIZE - off;
        if (copied > len) copied = len;
        CHECK_EQ(st, k == nallocs ? ZX_OK : ZX_ERR_NO_MEMORY);
        CHECK_EQ(c.copied, copied);
        CHECK_EQ(v->committed_pages, pages);
        CHECK_EQ(v->node_pages, nodes);
        CHECK_EQ(fake_pages_in_use(), pages + nodes);
        CHECK_EQ(vmo_check(v, NULL), 0);
        // What was written stays; the rest reads as zero.
        memset(back, 0xee, size);
        CHECK_EQ(vmo_read_buf(v, 0, back, size), ZX_OK);
        CHECK(all_bytes(back, off, 0));
        CHECK(memcmp(back + off, data, copied) == 0);
        CHECK(all_bytes(back + off + copied, size - off - copied, 0));
        // Retrying with memory succeeds and completes the data.
        CHECK_EQ(vmo_write_buf(v, off, data, len), ZX_OK);
        CHECK_EQ(v->committed_pages, 8);
        CHECK_EQ(v->node_pages, 3);
        CHECK_EQ(vmo_read_buf(v, off, back, len), ZX_OK);
        CHECK(memcmp(back, data, len) == 0);
        CHECK_EQ(vmo_check(v, NULL), 0);
        object_unref(&v->obj);
        CHECK_EQ(fake_pages_in_use(), 0);
    }
    free(data);
    free(back);
    vmo_all_returned();
}

// Real exhaustion (no knob): the fake RAM runs out mid-write.
static void write_exhausts_ram(void) {
    vmo_fresh(64);
    const uint64_t size = 256 * PAGE_SIZE;
    struct vmo *v = make(size);
    REQUIRE(v);
    uint8_t *data = malloc(size), *back = malloc(size);
    REQUIRE(data && back);
    fill_pattern(data, size, 3);
    struct buf_ctx c = buf_ctx_make(data, size);
    CHECK_EQ(vmo_write(v, 0, size, copy_from_buf, &c), ZX_ERR_NO_MEMORY);
    CHECK_EQ(c.copied, 63 * PAGE_SIZE);
    CHECK_EQ(v->committed_pages, 63);
    CHECK_EQ(v->node_pages, 1);
    CHECK_EQ(fake_pages_in_use(), 64);
    CHECK_EQ(vmo_read_buf(v, 0, back, size), ZX_OK);
    CHECK(memcmp(back, data, 63 * PAGE_SIZE) == 0);
    CHECK(all_bytes(back + 63 * PAGE_SIZE, size - 63 * PAGE_SIZE, 0));
    paddr_t p;
    CHECK_EQ(vmo_get_page(v, 100 * PAGE_SIZE, VMO_PAGE_COMMIT, &p, NULL), ZX_ERR_NO_MEMORY);
    CHECK_EQ(vmo_check(v, NULL), 0);
    object_unref(&v->obj);
    free(data);
    free(back);
    vmo_all_returned();
}

// A copy failure stops the operation with the callback's own status.
static void copy_failure_stops(void) {
    vmo_fresh(RAM_PAGES);
    const uint64_t size = 8 * PAGE_SIZE;
    struct vmo *v = make(size);
    REQUIRE(v);
    static const zx_status_t codes[] = {ZX_ERR_INVALID_ARGS, ZX_ERR_BAD_STATE};
    uint8_t *data = malloc(size), *back = malloc(size);
    REQUIRE(data && back);
    fill_pattern(data, size, 5);
    // Pieces: half of page 0, pages 1 and 2, half of page 3; the 3rd fails.
    const uint64_t off = PAGE_SIZE / 2, len = 3 * PAGE_SIZE;
    for (unsigned i = 0; i < 2; i++) {
        struct buf_ctx c = buf_ctx_make(data, len);
        c.fail_at = 3;
        c.fail_status = codes[i];
        CHECK_EQ(vmo_write(v, off, len, copy_from_buf, &c), codes[i]);
        CHECK_EQ(c.calls, 3);  // nothing after the failure
        CHECK_EQ(c.copied, PAGE_SIZE / 2 + PAGE_SIZE);
        CHECK_EQ(v->committed_pages, 3);  // page 2 was committed before its copy failed
        CHECK_EQ(vmo_check(v, NULL), 0);
    }
    CHECK_EQ(vmo_read_buf(v, 0, back, size), ZX_OK);
    CHECK(all_bytes(back, off, 0));
    CHECK(memcmp(back + off, data, PAGE_SIZE / 2 + PAGE_SIZE) == 0);
    CHECK(all_bytes(back + 2 * PAGE_SIZE, size - 2 * PAGE_SIZE, 0));
    for (unsigned i = 0; i < 2; i++) {
        struct buf_ctx c = buf_ctx_make(back, len);
        c.fail_at = 2;
        c.fail_status = codes[i];
        CHECK_EQ(vmo_read(v, off, len, copy_to_buf, &c), codes[i]);
        CHECK_EQ(c.calls, 2);
        CHECK_EQ(c.copied, PAGE_SIZE / 2);
    }
    CHECK_EQ(v->committed_pages, 3);
    object_unref(&v->obj);
    free(data);
    free(back);
    vmo_all_returned();
}

static void destroy_returns_everything(void) {
    vmo_fresh(RAM_PAGES);
    struct vmo *vs[5];
    static const uint64_t sizes[] = {PAGE_SIZE, 100 * PAGE_SIZE, 1000 * PAGE_SIZE, 300000 * PAGE_SIZE, VMO_MAX_SIZE};
    uint8_t data[3 * PAGE_SIZE];
    fill_pattern(data, sizeof(data), 11);
    for (unsigned i = 0; i < 5; i++) {
        vs[i] = make(sizes[i]);
        REQUIRE(vs[i]);
        uint64_t n = sizes[i] < sizeof(data) ? sizes[i] : sizeof(data);
        CHECK_EQ(vmo_write_buf(vs[i], 0, data, n), ZX_OK);
        CHECK_EQ(vmo_write_buf(vs[i], sizes[i] - n, data, n), ZX_OK);
        CHECK_EQ(vmo_write_buf(vs[i], sizes[i] / 2, data, n / 2), ZX_OK);
    }
    CHECK(fake_pages_in_use() > 0);
    CHECK_EQ(fake_kheap_live(), 5);
    uint64_t used = 0;
    for (unsigned i = 0; i < 5; i++) used += vs[i]->committed_pages + vs[i]->node_pages;
    CHECK_EQ(fake_pages_in_use(), used);
    for (unsigned i = 0; i < 5; i++) {
        uint64_t before = fake_pages_in_use(), mine = vs[i]->committed_pages + vs[i]->node_pages;
        object_unref(&vs[i]->obj);
        CHECK_EQ(fake_pages_in_use(), before - mine);
        CHECK_EQ(fake_kheap_live(), 4 - (long)i);
    }
    vmo_all_returned();
}

// object_unref to zero calls vmo_ops.destroy exactly once (the VMO is given
// a copy of vmo_ops whose destroy counts and forwards).
static int destroy_calls;
static uint64_t pages_at_destroy;
static void counting_destroy(struct object *o) {
    destroy_calls++;
    pages_at_destroy = vmo_from_object(o)->committed_pages;
    vmo_ops.destroy(o);
}

static void refcount_destroys_once(void) {
    vmo_fresh(RAM_PAGES);
    struct object_ops counting = vmo_ops;
    counting.destroy = counting_destroy;
    CHECK(vmo_ops.destroy != NULL);
    CHECK(vmo_ops.on_zero_handles != NULL);  // gives back the pages of an unreachable parent
    CHECK_EQ(vmo_ops.type, ZX_OBJ_TYPE_VMO);
    struct vmo *v = make(32 * PAGE_SIZE);
    REQUIRE(v);
    v->obj.ops = &counting;
    uint8_t data[5 * PAGE_SIZE];
    fill_pattern(data, sizeof(data), 1);
    CHECK_EQ(vmo_write_buf(v, 3, data, sizeof(data)), ZX_OK);
    destroy_calls = 0;
    object_ref(&v->obj);
    object_ref(&v->obj);
    CHECK_EQ(v->obj.refcount, 3);
    object_unref(&v->obj);
    object_unref(&v->obj);
    CHECK_EQ(destroy_calls, 0);
    CHECK_EQ(v->obj.refcount, 1);
    CHECK_EQ(fake_kheap_live(), 1);
    CHECK_EQ(fake_pages_in_use(), 7);
    object_unref(&v->obj);
    CHECK_EQ(destroy_calls, 1);
    CHECK_EQ(pages_at_destroy, 6);
    vmo_all_returned();
}

int main(void) {
    RUN_CASE(create_commits_nothing);
    RUN_CASE(create_rejects_bad_sizes);
    RUN_CASE(create_no_memory_leaves_nothing);
    RUN_CASE(content_size_roundtrip);
    RUN_CASE(write_read_straddling);
    RUN_CASE(fresh_pages_are_zeroed);
    RUN_CASE(untouched_reads_zero_commit_nothing);
    RUN_CASE(range_checks);
    RUN_CASE(height_by_size);
    RUN_CASE(huge_sparse);
    RUN_CASE(get_page);
    RUN_CASE(get_page_no_memory);
    RUN_CASE(write_no_memory);
    RUN_CASE(write_exhausts_ram);
    RUN_CASE(copy_failure_stops);
    RUN_CASE(destroy_returns_everything);
    RUN_CASE(refcount_destroys_once);
    return th_exit_status("vmo-unit");
}
