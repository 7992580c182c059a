// Unit tests of the buddy allocator (mm/buddy.c, built unchanged for the host).
//
// Each case builds its own span with malloc'ed metadata. Physical addresses
// are just numbers here: the allocator never touches the frames.
#include "buddy_testlib.h"

#define MiB (1024ull * 1024)
#define RAM_BASE 0x80000000ull

#define CHECK_UNCHANGED(b, before)              \
    do {                                        \
        struct th_snap th_now = th_take(b);     \
        if (!th_snap_eq(&th_now, &(before))) {  \
            th_snap_print("before", &(before)); \
            th_snap_print("after", &th_now);    \
        }                                       \
        CHECK(th_snap_eq(&th_now, &(before)));  \
        CHECK(th_check_ok(b));                  \
    } while (0)

// buddy_free(addr, order) must fail with `want` and change nothing.
static bool refused(struct buddy *b, uint64_t addr, unsigned order, zx_status_t want) {
    struct th_snap before = th_take(b);
    zx_status_t st = buddy_free(b, pa(addr), order);
    struct th_snap after = th_take(b);
    bool ok = st == want && th_snap_eq(&before, &after) && th_check_ok(b);
    if (!ok)
        printf("    buddy_free(%#llx, %u) = %d (want %d)%s\n", (unsigned long long)addr, order, st, want,
               th_snap_eq(&before, &after) ? "" : ", state changed");
    return ok;
}

// buddy_add_range(start, end) must fail with `want` and change nothing.
static bool add_refused(struct buddy *b, uint64_t start, uint64_t end, zx_status_t want) {
    struct th_snap before = th_take(b);
    zx_status_t st = buddy_add_range(b, pa(start), pa(end));
    struct th_snap after = th_take(b);
    bool ok = st == want && th_snap_eq(&before, &after) && th_check_ok(b);
    if (!ok)
        printf("    buddy_add_range(%#llx, %#llx) = %d (want %d)%s\n", (unsigned long long)start,
               (unsigned long long)end, st, want, th_snap_eq(&before, &after) ? "" : ", state changed");
    return ok;
}

// Per-frame record of what the test holds, to catch overlapping blocks.
struct used {
    uint8_t *map;
    uint64_t base, npages;
};

static struct used used_new(const struct th_span *t) {
    struct used u = {calloc(t->npages ? t->npages : 1, 1), t->base, t->npages};
    if (!u.map) abort();
    return u;
}

// Record a block handed out; false if misaligned, outside, or overlapping.
static bool used_take(struct used *u, uint64_t addr, unsigned order) {
    uint64_t n = (uint64_t)1 << order;
    if (addr & ((PAGE_SIZE << order) - 1)) return false;
    if (addr < u->base || ((addr - u->base) >> PAGE_SHIFT) + n > u->npages) return false;
    uint64_t i = (addr - u->base) >> PAGE_SHIFT;
    for (uint64_t j = 0; j < n; j++)
        if (u->map[i + j]) return false;
    memset(u->map + i, 1, n);
    return true;
}

// Deterministic Fisher-Yates shuffle.
static void shuffle(uint64_t *a, size_t n, uint64_t seed) {
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)th_below(&seed, i);
        uint64_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

// ---------------------------------------------------------------------------

static void test_init_empty(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 1024);
    struct buddy *b = &t.b;
    struct th_snap zero;
    memset(&zero, 0, sizeof zero);
    struct th_snap s = th_take(b);
    CHECK(th_snap_eq(&s, &zero));
    CHECK(th_check_ok(b));
    CHECK(buddy_check(b, 0) == ZX_OK);
    paddr_t p = pa(0x1234);
    CHECK_EQ(buddy_alloc(b, 0, &p), ZX_ERR_NO_MEMORY);
    CHECK_EQ(pa_val(p), 0x1234);
    CHECK(refused(b, RAM_BASE, 0, ZX_ERR_INVALID_ARGS));  // reserved
    CHECK_EQ(buddy_free_blocks(b, BUDDY_MAX_ORDER + 1), 0);
    CHECK_EQ(buddy_meta_size(0), 0);
    CHECK(buddy_meta_size(1000) >= 1000 * sizeof(struct buddy_frame));
    th_span_fini(&t);

    // A zero-frame span: nothing to give, nothing accepted.
    th_span_init(&t, RAM_BASE, 0);
    CHECK(th_check_ok(&t.b));
    CHECK_EQ(buddy_alloc(&t.b, 0, &p), ZX_ERR_NO_MEMORY);
    CHECK(refused(&t.b, RAM_BASE, 0, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(&t.b, RAM_BASE, RAM_BASE + PAGE_SIZE, ZX_ERR_INVALID_ARGS));
    th_span_fini(&t);
}

// 128 MiB at a 4 MiB-aligned address coalesces into order-10 blocks only.
static void test_add_range_coalesces_fully(void) {
    static const uint64_t bases[] = {RAM_BASE, RAM_BASE + 4 * MiB, 0x400000, 0};
    for (unsigned n = 0; n < sizeof bases / sizeof bases[0]; n++) {
        struct th_span t;
        th_span_init(&t, bases[n], 128 * MiB / PAGE_SIZE);
        struct buddy *b = &t.b;
        CHECK_EQ(buddy_add_range(b, pa(t.base), pa(th_end(&t))), ZX_OK);
        CHECK_EQ(buddy_free_blocks(b, BUDDY_MAX_ORDER), 32);
        for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++) CHECK_EQ(buddy_free_blocks(b, k), 0);
        CHECK_EQ(buddy_free_pages(b), 32768);
        CHECK_EQ(b->total_pages, 32768);
        CHECK(th_check_ok(b));
        th_span_fini(&t);
    }
}

// Releasing pieces separately, in any order, gives the same free lists as
// releasing them at once.
static void test_add_range_pieces_coalesce(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 2048);  // 8 MiB
    struct buddy *b = &t.b;
    // Pieces of odd sizes, released in a scrambled order.
    uint64_t cuts[] = {0, 1, 3, 7, 100, 511, 512, 513, 1023, 1500, 2047, 2048};
    unsigned ncuts = sizeof cuts / sizeof cuts[0];
    uint64_t order[16];
    for (unsigned i = 0; i + 1 < ncuts; i++) order[i] = i;
    shuffle(order, ncuts - 1, 42);
    for (unsigned i = 0; i + 1 < ncuts; i++) {
        uint64_t p = order[i];
        CHECK_EQ(buddy_add_range(b, pa(t.base + cuts[p] * PAGE_SIZE), pa(t.base + cuts[p + 1] * PAGE_SIZE)),
                 ZX_OK);
        CHECK(th_check_ok(b));
    }
    CHECK_EQ(buddy_free_blocks(b, BUDDY_MAX_ORDER), 2);
    CHECK_EQ(buddy_free_pages(b), 2048);
    for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++) CHECK_EQ(buddy_free_blocks(b, k), 0);
    th_span_fini(&t);
}

static void test_alloc_free_every_order(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 2048);  // 8 MiB: two order-10 blocks
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);

    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        paddr_t p;
        REQUIRE(buddy_alloc(b, o, &p) == ZX_OK);
        CHECK_EQ(pa_val(p) & ((PAGE_SIZE << o) - 1), 0);
        CHECK(pa_val(p) >= t.base && pa_val(p) + (PAGE_SIZE << o) <= th_end(&t));
        CHECK_EQ(buddy_free_pages(b), init.free_pages - (1ull << o));
        CHECK_EQ(th_blocks_pages(b), buddy_free_pages(b));
        CHECK(th_check_ok(b));
        CHECK_EQ(buddy_free(b, p, o), ZX_OK);
        CHECK_UNCHANGED(b, init);
    }

    // All orders at once (2047 of 2048 pages), freed in three different orders.
    static const unsigned free_orders[3][BUDDY_MAX_ORDER + 1] = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
        {10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
        {5, 0, 10, 3, 8, 1, 9, 2, 7, 4, 6},
    };
    for (unsigned r = 0; r < 3; r++) {
        struct used u = used_new(&t);
        paddr_t got[BUDDY_MAX_ORDER + 1];
        for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
            REQUIRE(buddy_alloc(b, o, &got[o]) == ZX_OK);
            CHECK(used_take(&u, pa_val(got[o]), o));
        }
        CHECK_EQ(buddy_free_pages(b), 1);
        CHECK(th_check_ok(b));
        for (unsigned i = 0; i <= BUDDY_MAX_ORDER; i++) {
            unsigned o = free_orders[r][i];
            CHECK_EQ(buddy_free(b, got[o], o), ZX_OK);
            CHECK(th_check_ok(b));
        }
        CHECK_UNCHANGED(b, init);
        free(u.map);
    }
    th_span_fini(&t);
}

// Fill a span with blocks of one order: all aligned, disjoint, inside, and
// exactly as many as fit; then free in a scrambled order back to the start.
static void fill_and_drain(uint64_t base, uint64_t npages, uint64_t seed) {
    struct th_span t;
    th_span_init(&t, base, npages);
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);
    uint64_t *blocks = malloc(npages * sizeof *blocks);
    REQUIRE(blocks);
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        struct used u = used_new(&t);
        // Expected count: aligned 2^o blocks fully inside the span.
        uint64_t size = 1ull << o, bp = base >> PAGE_SHIFT, ep = bp + npages;
        uint64_t first = (bp + size - 1) & ~(size - 1), want = ep >= first ? (ep - first) / size : 0;
        uint64_t n = 0;
        paddr_t p;
        zx_status_t st;
        while ((st = buddy_alloc(b, o, &p)) == ZX_OK) {
            if (!used_take(&u, pa_val(p), o)) {
                printf("    order %u: block %#llx misaligned, outside or overlapping\n", o,
                       (unsigned long long)pa_val(p));
                th_case_failures++;
                break;
            }
            blocks[n++] = pa_val(p);
        }
        CHECK_EQ(st, ZX_ERR_NO_MEMORY);
        CHECK_EQ(n, want);
        CHECK_EQ(buddy_free_pages(b), init.free_pages - n * size);
        CHECK(th_check_ok(b));
        shuffle(blocks, n, seed + o);
        for (uint64_t i = 0; i < n; i++) CHECK_EQ(buddy_free(b, pa(blocks[i]), o), ZX_OK);
        CHECK_UNCHANGED(b, init);
        free(u.map);
    }
    free(blocks);
    th_span_fini(&t);
}

static void test_alignment_fill_aligned(void) { fill_and_drain(RAM_BASE, 4096, 1); }
static void test_alignment_fill_unaligned(void) { fill_and_drain(RAM_BASE + 0x123000, 4096 + 333, 2); }

static void test_exhaustion(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 256);  // 1 MiB: largest block is order 8
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);
    CHECK_EQ(init.blocks[8], 1);
    paddr_t p = pa(0x77000), q;
    CHECK_EQ(buddy_alloc(b, 9, &p), ZX_ERR_NO_MEMORY);
    CHECK_EQ(buddy_alloc(b, 10, &p), ZX_ERR_NO_MEMORY);
    CHECK_EQ(pa_val(p), 0x77000);
    CHECK_UNCHANGED(b, init);

    paddr_t pages[256];
    for (unsigned i = 0; i < 256; i++) REQUIRE(buddy_alloc(b, 0, &pages[i]) == ZX_OK);
    CHECK_EQ(buddy_free_pages(b), 0);
    struct th_snap full = th_take(b);
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        p = pa(0x77000);
        CHECK_EQ(buddy_alloc(b, o, &p), ZX_ERR_NO_MEMORY);
        CHECK_EQ(pa_val(p), 0x77000);
    }
    CHECK_UNCHANGED(b, full);

    // One page back: order 0 succeeds (with that page), order 1 does not.
    CHECK_EQ(buddy_free(b, pages[77], 0), ZX_OK);
    CHECK_EQ(buddy_alloc(b, 1, &p), ZX_ERR_NO_MEMORY);
    CHECK_EQ(buddy_alloc(b, 0, &q), ZX_OK);
    CHECK_EQ(pa_val(q), pa_val(pages[77]));
    // Two buddies back: order 1 succeeds.
    uint64_t a = pa_val(pages[40]), a_buddy = a ^ PAGE_SIZE;
    CHECK_EQ(buddy_free(b, pa(a), 0), ZX_OK);
    for (unsigned i = 0; i < 256; i++)
        if (pa_val(pages[i]) == a_buddy) CHECK_EQ(buddy_free(b, pages[i], 0), ZX_OK);
    CHECK_EQ(buddy_free_blocks(b, 1), 1);
    CHECK_EQ(buddy_alloc(b, 1, &p), ZX_OK);
    CHECK_EQ(pa_val(p), a & ~(2 * PAGE_SIZE - 1));
    CHECK_EQ(buddy_free(b, p, 1), ZX_OK);
    for (unsigned i = 0; i < 256; i++)
        if (pa_val(pages[i]) != a && pa_val(pages[i]) != a_buddy) CHECK_EQ(buddy_free(b, pages[i], 0), ZX_OK);
    CHECK_UNCHANGED(b, init);
    th_span_fini(&t);
}

static void test_bad_order(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 2048);
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);
    static const unsigned bad[] = {BUDDY_MAX_ORDER + 1, BUDDY_MAX_ORDER + 2, 31, 32, 63, 64, 255, 256, ~0u};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        paddr_t p = pa(0x5000);
        CHECK_EQ(buddy_alloc(b, bad[i], &p), ZX_ERR_INVALID_ARGS);
        CHECK_EQ(pa_val(p), 0x5000);
        CHECK(refused(b, t.base, bad[i], ZX_ERR_INVALID_ARGS));
        CHECK_EQ(buddy_free_blocks(b, bad[i]), 0);
    }
    CHECK_UNCHANGED(b, init);
    // An allocated block freed with an out-of-range order: refused, still allocated.
    paddr_t p;
    REQUIRE(buddy_alloc(b, BUDDY_MAX_ORDER, &p) == ZX_OK);
    CHECK(refused(b, pa_val(p), BUDDY_MAX_ORDER + 1, ZX_ERR_INVALID_ARGS));
    CHECK_EQ(buddy_free(b, p, BUDDY_MAX_ORDER), ZX_OK);
    CHECK_UNCHANGED(b, init);
    th_span_fini(&t);
}

static void test_double_free(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 2048);
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);

    // Every order: free, then free again once the block has merged back.
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        paddr_t p;
        REQUIRE(buddy_alloc(b, o, &p) == ZX_OK);
        CHECK_EQ(buddy_free(b, p, o), ZX_OK);
        CHECK(refused(b, pa_val(p), o, ZX_ERR_BAD_STATE));
        CHECK_UNCHANGED(b, init);
    }

    // A freed block whose buddy is still allocated (it stays a free head of
    // its own order): fill with order-3 blocks, free one, free it again.
    uint64_t n = 0, blocks[256];
    paddr_t p;
    while (buddy_alloc(b, 3, &p) == ZX_OK) blocks[n++] = pa_val(p);
    CHECK_EQ(n, 256);
    CHECK_EQ(buddy_free(b, pa(blocks[17]), 3), ZX_OK);
    CHECK_EQ(buddy_free_blocks(b, 3), 1);
    CHECK(refused(b, blocks[17], 3, ZX_ERR_BAD_STATE));
    // Its buddy freed too: the two merge, and both are double frees after.
    uint64_t bud = blocks[17] ^ (PAGE_SIZE << 3);
    CHECK_EQ(buddy_free(b, pa(bud), 3), ZX_OK);
    CHECK_EQ(buddy_free_blocks(b, 3), 0);
    CHECK_EQ(buddy_free_blocks(b, 4), 1);
    CHECK(refused(b, blocks[17], 3, ZX_ERR_BAD_STATE));
    CHECK(refused(b, bud, 3, ZX_ERR_BAD_STATE));
    // An order-0 free of a page inside that free block: also already free.
    CHECK(refused(b, blocks[17] + PAGE_SIZE, 0, ZX_ERR_BAD_STATE));
    for (uint64_t i = 0; i < n; i++)
        if (blocks[i] != blocks[17] && blocks[i] != bud) CHECK_EQ(buddy_free(b, pa(blocks[i]), 3), ZX_OK);
    CHECK_UNCHANGED(b, init);
    // With everything free, any aligned in-span frame is a double free.
    CHECK(refused(b, blocks[17], 3, ZX_ERR_BAD_STATE));
    CHECK(refused(b, t.base, BUDDY_MAX_ORDER, ZX_ERR_BAD_STATE));
    CHECK(refused(b, th_end(&t) - PAGE_SIZE, 0, ZX_ERR_BAD_STATE));
    th_span_fini(&t);
}

// Frees of addresses the allocator never handed out (with that order).
static void test_foreign_free(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 2048);  // 8 MiB with a 1 MiB hole at 3 MiB
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(t.base + 3 * MiB)) == ZX_OK);
    REQUIRE(buddy_add_range(b, pa(t.base + 4 * MiB), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);

    paddr_t big, mid, odd = pa(0);
    REQUIRE(buddy_alloc(b, 5, &big) == ZX_OK);
    REQUIRE(buddy_alloc(b, 4, &mid) == ZX_OK);
    paddr_t pages[8];
    unsigned npages = 0;
    for (; npages < 8; npages++) {
        REQUIRE(buddy_alloc(b, 0, &pages[npages]) == ZX_OK);
        if ((pa_val(pages[npages]) >> PAGE_SHIFT) & 1) odd = pages[npages];
    }
    REQUIRE(pa_val(odd) != 0);
    uint64_t B = pa_val(big), M = pa_val(mid), O = pa_val(odd);
    struct th_snap held = th_take(b);

    // Outside the span.
    CHECK(refused(b, t.base - PAGE_SIZE, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, t.base - (PAGE_SIZE << 10), 10, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, th_end(&t), 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, th_end(&t) + 64 * MiB, 3, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, 0, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, 0x1000, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, UINT64_MAX & ~PAGE_MASK, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, UINT64_MAX & ~((PAGE_SIZE << 10) - 1), 10, ZX_ERR_INVALID_ARGS));
    // Reserved frames (the hole), with several orders.
    CHECK(refused(b, t.base + 3 * MiB, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, t.base + 3 * MiB, 8, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, t.base + 3 * MiB + 512 * 1024, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, t.base + 4 * MiB - PAGE_SIZE, 0, ZX_ERR_INVALID_ARGS));
    // Not page aligned.
    CHECK(refused(b, B + 1, 5, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, B + 0x800, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, O + PAGE_SIZE - 1, 0, ZX_ERR_INVALID_ARGS));
    // Frames in the middle of an allocated block, with orders they are aligned to.
    CHECK(refused(b, B + PAGE_SIZE, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, B + 8 * PAGE_SIZE, 3, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, B + 16 * PAGE_SIZE, 4, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, B + 31 * PAGE_SIZE, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, M + 8 * PAGE_SIZE, 3, ZX_ERR_INVALID_ARGS));
    // Block heads freed with the wrong order.
    CHECK(refused(b, B, 0, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, B, 4, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, M, 5, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, M, 3, ZX_ERR_INVALID_ARGS));
    // An order-0 page freed as order 1 (misaligned if odd, wrong order if even).
    for (unsigned i = 0; i < npages; i++) CHECK(refused(b, pa_val(pages[i]), 1, ZX_ERR_INVALID_ARGS));
    // Address not aligned to the order (a page-aligned, odd frame, order 1..10).
    for (unsigned o = 1; o <= BUDDY_MAX_ORDER; o++) CHECK(refused(b, O, o, ZX_ERR_INVALID_ARGS));
    CHECK(refused(b, B + (PAGE_SIZE << 4), 5, ZX_ERR_INVALID_ARGS));
    CHECK_UNCHANGED(b, held);

    CHECK_EQ(buddy_free(b, big, 5), ZX_OK);
    CHECK_EQ(buddy_free(b, mid, 4), ZX_OK);
    for (unsigned i = 0; i < npages; i++) CHECK_EQ(buddy_free(b, pages[i], 0), ZX_OK);
    CHECK_UNCHANGED(b, init);
    th_span_fini(&t);

    // A block that would stick out of the span's end (1000 frames: the
    // aligned order-5 block at frame 992 ends at 1024).
    th_span_init(&t, RAM_BASE, 1000);
    REQUIRE(buddy_add_range(&t.b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    CHECK(refused(&t.b, t.base + 992 * PAGE_SIZE, 5, ZX_ERR_INVALID_ARGS));
    CHECK(refused(&t.b, t.base, 10, ZX_ERR_INVALID_ARGS));
    CHECK(refused(&t.b, t.base + 992 * PAGE_SIZE, 3, ZX_ERR_BAD_STATE));  // a free block
    th_span_fini(&t);
}

// RAM minus firmware, kernel image, metadata and DTB.
static void test_holes(void) {
    const uint64_t npages = 128 * MiB / PAGE_SIZE;
    struct th_span t;
    th_span_init(&t, RAM_BASE, npages);
    struct buddy *b = &t.b;
    uint64_t meta_end = 0x80243000ull + page_round_up(buddy_meta_size(npages));
    // Free pieces between firmware [base, +2M), kernel [+2M, 0x80243000),
    // metadata [0x80243000, meta_end), DTB [0x87ff0000, 0x87ff3000), and a
    // reserved-memory node [0x84000000, 0x84100000).
    uint64_t pieces[][2] = {
        {meta_end, 0x84000000ull},
        {0x84100000ull, 0x87ff0000ull},
        {0x87ff3000ull, RAM_BASE + 128 * MiB},
    };
    uint8_t *released = calloc(npages, 1);
    REQUIRE(released);
    uint64_t want_pages = 0;
    for (int i = 2; i >= 0; i--) {  // out of order on purpose
        CHECK_EQ(buddy_add_range(b, pa(pieces[i][0]), pa(pieces[i][1])), ZX_OK);
        memset(released + ((pieces[i][0] - t.base) >> PAGE_SHIFT), 1,
               (pieces[i][1] - pieces[i][0]) >> PAGE_SHIFT);
        want_pages += (pieces[i][1] - pieces[i][0]) >> PAGE_SHIFT;
    }
    CHECK_EQ(buddy_free_pages(b), want_pages);
    CHECK_EQ(b->total_pages, want_pages);
    uint64_t want[BUDDY_MAX_ORDER + 1];
    th_canonical(t.base >> PAGE_SHIFT, npages, th_bytes_free, released, want);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) CHECK_EQ(buddy_free_blocks(b, k), want[k]);
    CHECK(th_check_ok(b));
    struct th_snap init = th_take(b);

    // Take every page: none from a hole, none twice.
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o += 5) {
        struct used u = used_new(&t);
        uint64_t *got = malloc(npages * sizeof *got), n = 0;
        REQUIRE(got);
        paddr_t p;
        uint64_t pages = 0;
        while (buddy_alloc(b, o, &p) == ZX_OK) {
            uint64_t i = (pa_val(p) - t.base) >> PAGE_SHIFT;
            CHECK(used_take(&u, pa_val(p), o));
            for (uint64_t j = 0; j < (1ull << o); j++) CHECK(released[i + j]);
            got[n++] = pa_val(p);
            pages += 1ull << o;
        }
        // Order 0 takes everything; larger orders take every free block of at least that order.
        uint64_t want_n = 0;
        for (unsigned k = o; k <= BUDDY_MAX_ORDER; k++) want_n += want[k] << (k - o);
        CHECK_EQ(n, want_n);
        CHECK(th_check_ok(b));
        shuffle(got, n, 7 + o);
        for (uint64_t i = 0; i < n; i++) CHECK_EQ(buddy_free(b, pa(got[i]), o), ZX_OK);
        CHECK_UNCHANGED(b, init);
        free(got);
        free(u.map);
    }
    free(released);
    th_span_fini(&t);
}

// Base not aligned to 4 MiB (nor to 8 KiB): blocks are aligned in physical
// address, and the span's ragged ends make small blocks.
// pfns 0x80123 .. 0x81123 split as 0x80123:0 0x80124:2 0x80128:3 0x80130:4
// 0x80140:6 0x80180:7 0x80200:9, 3 x 10 in 0x80400..0x81000, 0x81000:8
// 0x81100:5 0x81120:1 0x81122:0.
static void test_unaligned_base(void) {
    struct th_span t;
    th_span_init(&t, 0x80123000ull, 4096);
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    static const uint64_t want[BUDDY_MAX_ORDER + 1] = {2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3};
    uint8_t all[4096];
    memset(all, 1, sizeof all);
    uint64_t canon[BUDDY_MAX_ORDER + 1];
    th_canonical(t.base >> PAGE_SHIFT, 4096, th_bytes_free, all, canon);
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        CHECK_EQ(buddy_free_blocks(b, k), want[k]);
        CHECK_EQ(canon[k], want[k]);
    }
    CHECK(th_check_ok(b));
    struct th_snap init = th_take(b);

    paddr_t p, q[3];
    CHECK_EQ(buddy_alloc(b, 9, &p), ZX_OK);
    CHECK_EQ(pa_val(p), 0x80200000ull);  // the only order-9 block
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(buddy_alloc(b, 10, &q[i]), ZX_OK);
        CHECK_EQ(pa_val(q[i]) & (4 * MiB - 1), 0);
    }
    paddr_t r;
    CHECK_EQ(buddy_alloc(b, 10, &r), ZX_ERR_NO_MEMORY);
    CHECK_EQ(buddy_alloc(b, 9, &r), ZX_ERR_NO_MEMORY);  // the rest is smaller blocks
    CHECK_EQ(buddy_alloc(b, 8, &r), ZX_OK);
    CHECK_EQ(pa_val(r), 0x81000000ull);
    CHECK_EQ(buddy_alloc(b, 0, &r), ZX_OK);  // one of the two order-0 ends
    CHECK(pa_val(r) == 0x80123000ull || pa_val(r) == 0x81122000ull);
    CHECK(th_check_ok(b));
    CHECK_EQ(buddy_free(b, r, 0), ZX_OK);
    CHECK_EQ(buddy_free(b, pa(0x81000000ull), 8), ZX_OK);
    for (unsigned i = 0; i < 3; i++) CHECK_EQ(buddy_free(b, q[i], 10), ZX_OK);
    CHECK_EQ(buddy_free(b, p, 9), ZX_OK);
    CHECK_UNCHANGED(b, init);
    th_span_fini(&t);

    // Frame 0 and a span ending right at a 4 MiB boundary from an odd frame.
    th_span_init(&t, 0, 1025);
    CHECK_EQ(buddy_add_range(&t.b, pa(0), pa(th_end(&t))), ZX_OK);
    CHECK_EQ(buddy_free_blocks(&t.b, 10), 1);
    CHECK_EQ(buddy_free_blocks(&t.b, 0), 1);
    CHECK(th_check_ok(&t.b));
    th_span_fini(&t);
    th_span_init(&t, 0x3ff000, 1025);  // pfn 0x3ff .. 0x800
    CHECK_EQ(buddy_add_range(&t.b, pa(t.base), pa(th_end(&t))), ZX_OK);
    CHECK_EQ(buddy_free_blocks(&t.b, 10), 1);
    CHECK_EQ(buddy_free_blocks(&t.b, 0), 1);
    CHECK(th_check_ok(&t.b));
    th_span_fini(&t);
}

static void test_add_range_errors(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 1024);  // 4 MiB
    struct buddy *b = &t.b;
    uint64_t B = t.base, E = th_end(&t);
    CHECK(add_refused(b, B + 1, E, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, B, E - 1, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, B + 0x800, B + 0x1800, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, B + 2 * PAGE_SIZE, B + PAGE_SIZE, ZX_ERR_INVALID_ARGS));  // start > end
    CHECK(add_refused(b, B - PAGE_SIZE, E, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, B, E + PAGE_SIZE, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, B - 4 * MiB, B - 2 * MiB, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, E, E + MiB, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, 0, UINT64_MAX & ~PAGE_MASK, ZX_ERR_INVALID_ARGS));
    CHECK(add_refused(b, B, UINT64_MAX & ~PAGE_MASK, ZX_ERR_INVALID_ARGS));
    CHECK_EQ(buddy_free_pages(b), 0);
    CHECK_EQ(b->total_pages, 0);

    // Empty ranges inside the span are accepted and change nothing.
    struct th_snap s0 = th_take(b);
    CHECK_EQ(buddy_add_range(b, pa(B + MiB), pa(B + MiB)), ZX_OK);
    CHECK_UNCHANGED(b, s0);

    CHECK_EQ(buddy_add_range(b, pa(B + MiB), pa(B + 2 * MiB)), ZX_OK);
    CHECK_EQ(buddy_free_blocks(b, 8), 1);
    CHECK(add_refused(b, B + MiB, B + 2 * MiB, ZX_ERR_BAD_STATE));            // again
    CHECK(add_refused(b, B + MiB + MiB / 2, B + 3 * MiB, ZX_ERR_BAD_STATE));  // overlaps the end
    CHECK(add_refused(b, B, B + MiB + PAGE_SIZE, ZX_ERR_BAD_STATE));          // overlaps the start
    CHECK(add_refused(b, B, E, ZX_ERR_BAD_STATE));                            // contains it
    CHECK(add_refused(b, B + MiB + PAGE_SIZE, B + MiB + 2 * PAGE_SIZE, ZX_ERR_BAD_STATE));  // inside
    CHECK_EQ(b->total_pages, 256);

    // Release next to an allocated block: merges with what is free only.
    paddr_t p;
    REQUIRE(buddy_alloc(b, 0, &p) == ZX_OK);
    CHECK(add_refused(b, pa_val(p), pa_val(p) + PAGE_SIZE, ZX_ERR_BAD_STATE));  // allocated frame
    CHECK_EQ(buddy_add_range(b, pa(B + 2 * MiB), pa(E)), ZX_OK);
    CHECK_EQ(buddy_add_range(b, pa(B), pa(B + MiB)), ZX_OK);
    CHECK(th_check_ok(b));
    CHECK_EQ(buddy_free_pages(b), 1023);
    CHECK_EQ(buddy_free_blocks(b, 10), 0);
    CHECK_EQ(buddy_free(b, p, 0), ZX_OK);
    CHECK_EQ(buddy_free_blocks(b, 10), 1);
    CHECK_EQ(buddy_free_pages(b), 1024);
    CHECK_EQ(b->total_pages, 1024);
    CHECK(th_check_ok(b));
    th_span_fini(&t);
}

// Everything as single pages, freed in a scrambled order: back to one block.
static void test_coalesce_scrambled(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE + 4 * MiB, 1024);
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);
    uint64_t got[1024];
    for (unsigned i = 0; i < 1024; i++) {
        paddr_t p;
        REQUIRE(buddy_alloc(b, 0, &p) == ZX_OK);
        got[i] = pa_val(p);
    }
    shuffle(got, 1024, 99);
    uint8_t freed[1024] = {0};
    for (unsigned i = 0; i < 1024; i++) {
        CHECK_EQ(buddy_free(b, pa(got[i]), 0), ZX_OK);
        freed[(got[i] - t.base) >> PAGE_SHIFT] = 1;
        if (i % 64 == 0 || i > 1000) {
            uint64_t want[BUDDY_MAX_ORDER + 1];
            th_canonical(t.base >> PAGE_SHIFT, 1024, th_bytes_free, freed, want);
            for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) CHECK_EQ(buddy_free_blocks(b, k), want[k]);
            CHECK(th_check_ok(b));
        }
    }
    CHECK_UNCHANGED(b, init);
    th_span_fini(&t);
}

// buddy_check() itself: each corruption of a valid state is reported.
static struct th_span ck;
static struct buddy ck_saved;
static struct buddy_frame *ck_saved_frames;

static void ck_save(void) {
    ck_saved = ck.b;
    memcpy(ck_saved_frames, ck.b.frames, buddy_meta_size(ck.npages));
}

static void ck_restore(void) {
    ck.b = ck_saved;
    memcpy(ck.b.frames, ck_saved_frames, buddy_meta_size(ck.npages));
}

static bool ck_detects(const char *what, const char *want_substr) {
    const char *why = 0;
    zx_status_t st = buddy_check(&ck.b, &why);
    bool ok = st == ZX_ERR_INTERNAL && why && (!want_substr || strstr(why, want_substr));
    printf("    %-36s -> %s\n", what, why ? why : "(not detected)");
    ck_restore();
    return ok;
}

static uint32_t ck_idx(uint64_t addr) { return (uint32_t)((addr - ck.base) >> PAGE_SHIFT); }

static void test_check_detects_corruption(void) {
    th_span_init(&ck, RAM_BASE, 1024);
    ck_saved_frames = malloc(buddy_meta_size(1024));
    REQUIRE(ck_saved_frames);
    struct buddy *b = &ck.b;
    // Three order-6 blocks (frames 0, 128 and 896) so a list has several entries.
    REQUIRE(buddy_add_range(b, pa(ck.base), pa(ck.base + 64 * PAGE_SIZE)) == ZX_OK);
    REQUIRE(buddy_add_range(b, pa(ck.base + 128 * PAGE_SIZE), pa(ck.base + 192 * PAGE_SIZE)) == ZX_OK);
    REQUIRE(buddy_add_range(b, pa(ck.base + 256 * PAGE_SIZE), pa(ck.base + 1000 * PAGE_SIZE)) == ZX_OK);
    paddr_t a0, a3, a5;
    REQUIRE(buddy_alloc(b, 0, &a0) == ZX_OK);
    REQUIRE(buddy_alloc(b, 3, &a3) == ZX_OK);
    REQUIRE(buddy_alloc(b, 5, &a5) == ZX_OK);
    REQUIRE(th_check_ok(b));
    ck_save();
    struct buddy_frame *f = b->frames;
    // A free block of order >= 1 with a neighbour on its list.
    unsigned k = 1;
    while (k <= BUDDY_MAX_ORDER && (b->free_head[k] == BUDDY_NONE || f[b->free_head[k]].next == BUDDY_NONE))
        k++;
    REQUIRE(k <= BUDDY_MAX_ORDER);
    uint32_t h = b->free_head[k], h2 = f[h].next;

    b->free_blocks[0]++;
    CHECK(ck_detects("free_blocks off by one", 0));
    b->free_pages--;
    CHECK(ck_detects("free_pages off by one", 0));
    b->total_pages++;
    CHECK(ck_detects("total_pages off by one", "total_pages"));
    f[h].state = BUDDY_STATE_ALLOCATED;
    CHECK(ck_detects("listed head marked allocated", 0));
    f[h + 1].head = 1;
    CHECK(ck_detects("head inside a free block", 0));
    f[h + 1].state = BUDDY_STATE_ALLOCATED;
    CHECK(ck_detects("allocated frame in a free block", 0));
    f[ck_idx(pa_val(a5)) + 3].state = BUDDY_STATE_FREE;
    CHECK(ck_detects("free frame in an allocated block", 0));
    f[ck_idx(pa_val(a5))].order = 4;
    CHECK(ck_detects("allocated head with another order", 0));
    f[ck_idx(pa_val(a0))].head = 0;
    CHECK(ck_detects("allocated frame without a head", 0));
    f[1010].state = 7;
    CHECK(ck_detects("bad state value", 0));
    f[1010].head = 1;
    CHECK(ck_detects("reserved head", 0));
    f[1010].next = 3;
    CHECK(ck_detects("reserved frame linked", 0));
    f[h2].prev = BUDDY_NONE;
    CHECK(ck_detects("prev link broken", "prev"));
    f[h2].next = h;
    CHECK(ck_detects("cycle in a free list", 0));
    f[h].next = h;
    CHECK(ck_detects("self loop in a free list", 0));
    f[h].next = 5000;
    CHECK(ck_detects("link outside the span", 0));
    b->free_head[k] = h2;
    f[h2].prev = BUDDY_NONE;
    b->free_blocks[k]--;
    b->free_pages -= 1ull << k;
    CHECK(ck_detects("free block missing from its list", 0));
    f[h].order = (uint8_t)(k - 1);
    CHECK(ck_detects("listed head with another order", 0));
    f[ck_idx(pa_val(a3))].order = 11;
    CHECK(ck_detects("order out of range", 0));
    CHECK(th_check_ok(b));  // restored

    // Two free buddies that should have merged, all else consistent.
    struct th_span t2;
    th_span_init(&t2, RAM_BASE, 2);
    struct buddy_frame *g = t2.b.frames;
    g[0] = (struct buddy_frame){1, BUDDY_NONE, 0, BUDDY_STATE_FREE, 1, 0, 0};
    g[1] = (struct buddy_frame){BUDDY_NONE, 0, 0, BUDDY_STATE_FREE, 1, 0, 0};
    t2.b.free_head[0] = 0;
    t2.b.free_blocks[0] = 2;
    t2.b.free_pages = 2;
    t2.b.total_pages = 2;
    const char *why = 0;
    CHECK_EQ(buddy_check(&t2.b, &why), ZX_ERR_INTERNAL);
    CHECK(why && strstr(why, "coalesc"));
    printf("    %-36s -> %s\n", "unmerged free buddies", why ? why : "(not detected)");
    CHECK_EQ(buddy_check(&t2.b, 0), ZX_ERR_INTERNAL);  // why may be NULL
    th_span_fini(&t2);
    free(ck_saved_frames);
    th_span_fini(&ck);
}

// buddy_alloc_contig: npages order-0 pages in one aligned run, each freed on
// its own (any order); the tail past npages is free at once; errors.
static void test_alloc_contig(void) {
    struct th_span t;
    th_span_init(&t, RAM_BASE, 2048);
    struct buddy *b = &t.b;
    REQUIRE(buddy_add_range(b, pa(t.base), pa(th_end(&t))) == ZX_OK);
    struct th_snap init = th_take(b);
    paddr_t p;
    CHECK_EQ(buddy_alloc_contig(b, 0, 0, &p), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(buddy_alloc_contig(b, 1025, 0, &p), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(buddy_alloc_contig(b, 1, BUDDY_MAX_ORDER + 1, &p), ZX_ERR_INVALID_ARGS);
    static const uint64_t sizes[] = {1, 3, 5, 100, 513, 1024};
    static const unsigned aligns[] = {0, 0, 4, 0, 0, 10};
    for (unsigned c = 0; c < 6; c++) {
        uint64_t n = sizes[c];
        REQUIRE(buddy_alloc_contig(b, n, aligns[c], &p) == ZX_OK);
        CHECK_EQ(pa_val(p) & ((PAGE_SIZE << aligns[c]) - 1), 0);
        CHECK_EQ(buddy_free_pages(b), init.free_pages - n);
        CHECK(th_check_ok(b));
        // Every page is its own order-0 block with a share counter.
        for (uint64_t i = 0; i < n; i++) CHECK(buddy_share_counter(b, pa(pa_val(p) + i * PAGE_SIZE)) != NULL);
        // Freed from the middle outwards.
        for (uint64_t i = 0; i < n; i++) {
            uint64_t k = (i + n / 2) % n;
            CHECK_EQ(buddy_free(b, pa(pa_val(p) + k * PAGE_SIZE), 0), ZX_OK);
        }
        CHECK(th_check_ok(b));
        CHECK_UNCHANGED(b, init);
    }
    // Exhaustion: two order-10 blocks, a third run does not fit.
    paddr_t a, c;
    REQUIRE(buddy_alloc_contig(b, 1000, 0, &a) == ZX_OK);
    REQUIRE(buddy_alloc_contig(b, 600, 0, &c) == ZX_OK);
    CHECK_EQ(buddy_alloc_contig(b, 600, 0, &p), ZX_ERR_NO_MEMORY);
    for (uint64_t i = 0; i < 1000; i++) CHECK_EQ(buddy_free(b, pa(pa_val(a) + i * PAGE_SIZE), 0), ZX_OK);
    for (uint64_t i = 0; i < 600; i++) CHECK_EQ(buddy_free(b, pa(pa_val(c) + i * PAGE_SIZE), 0), ZX_OK);
    CHECK_UNCHANGED(b, init);
    th_span_fini(&t);
}

int main(void) {
    th_prefix = "buddy";
    RUN_CASE(test_init_empty);
    RUN_CASE(test_add_range_coalesces_fully);
    RUN_CASE(test_add_range_pieces_coalesce);
    RUN_CASE(test_add_range_errors);
    RUN_CASE(test_alloc_free_every_order);
    RUN_CASE(test_alignment_fill_aligned);
    RUN_CASE(test_alignment_fill_unaligned);
    RUN_CASE(test_exhaustion);
    RUN_CASE(test_bad_order);
    RUN_CASE(test_double_free);
    RUN_CASE(test_foreign_free);
    RUN_CASE(test_holes);
    RUN_CASE(test_unaligned_base);
    RUN_CASE(test_coalesce_scrambled);
    RUN_CASE(test_check_detects_corruption);
    RUN_CASE(test_alloc_contig);
    return th_exit_status("buddy-unit");
}
