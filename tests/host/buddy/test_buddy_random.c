// Randomized model test of the buddy allocator.
//
// usage: buddy-random [OPS [SEED]]   (default 1000000 operations, fixed seed)
//
// A ~64 MiB span with an unaligned base and reserved holes is driven through
// OPS random allocations and frees (orders 0..BUDDY_MAX_ORDER, skewed toward
// small ones, with a fill target that moves so memory runs from half empty to
// exhausted). A bitmap model of the span shadows it: every allocation must be
// aligned, inside released RAM and overlap nothing held; every NO_MEMORY must
// be justified (no aligned free run of that order in the model); free page
// counts must match after every operation; buddy_check() and the exact free
// list shape (the unique maximal-block split of the model's free frames) are
// compared every CHECK_EVERY operations. Double and foreign frees are
// injected and must be refused without any change. At the end everything is
// freed and the free lists must equal those right after buddy_add_range().
// The first divergence ends the run with its operation number.
#include <stdarg.h>
#include <time.h>

#include "buddy_testlib.h"

#define CHECK_EVERY 10000
#define NORDERS (BUDDY_MAX_ORDER + 1)

// ---- the span ----
static const uint64_t SPAN_BASE = 0x80007000ull;  // pfn 0x80007: odd, not 4 MiB aligned
static const uint64_t SPAN_PAGES = 16384 + 123;   // ~64 MiB
// Reserved holes, in frames from the span base: firmware up to the 2 MiB
// boundary, kernel image, a reserved-memory node, a single stray page, a DTB.
static const uint64_t HOLES[][2] = {
    {0, 505}, {505, 505 + 0x43}, {8000, 8256}, {12345, 12346}, {16207, 16210},
};

static struct buddy B;
static uint64_t base_pfn, end_pfn, bm_base, nwords;

// ---- the model ----
static uint64_t *rel_bm, *alloc_bm;  // bit (pfn - bm_base): released, allocated
static int8_t *head_order;           // per span frame: order of the held block it heads, or -1
struct blk {
    uint64_t pfn;
    unsigned order;
};
static struct blk *live;
static size_t nlive;
static struct blk recent[64];  // recently freed blocks, for double frees
static unsigned nrecent;
static uint64_t model_free, model_total;

static uint64_t ops_done, n_alloc, n_free, n_nomem, n_double, n_foreign, n_skipped, n_checks;
static uint64_t seed, seed0;  // PRNG state, and the seed it started from

typedef unsigned long long ull;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...) {
    printf("buddy-random: FAILED at operation %llu (seed %#llx): ", (ull)ops_done, (ull)seed0);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    exit(1);
}

#define EXPECT(cond, ...)               \
    do {                                \
        if (!(cond)) fail(__VA_ARGS__); \
    } while (0)

// Bitmaps start at a 2^BUDDY_MAX_ORDER aligned frame, so an aligned block of
// order <= 6 lies in one word and a larger one is a run of whole words.
static uint64_t blk_bit(uint64_t pfn) { return pfn - bm_base; }

static uint64_t blk_mask(uint64_t pfn, unsigned order) {
    uint64_t n = (uint64_t)1 << order;
    return (n == 64 ? ~0ull : ((1ull << n) - 1)) << (blk_bit(pfn) & 63);
}

// Any / all bits of the block set in bm?
static bool blk_any(const uint64_t *bm, uint64_t pfn, unsigned order) {
    uint64_t w = blk_bit(pfn) >> 6;
    if (order <= 6) return (bm[w] & blk_mask(pfn, order)) != 0;
    for (uint64_t i = 0; i < (1ull << (order - 6)); i++)
        if (bm[w + i]) return true;
    return false;
}

static bool blk_all(const uint64_t *bm, uint64_t pfn, unsigned order) {
    uint64_t w = blk_bit(pfn) >> 6;
    if (order <= 6) return (bm[w] & blk_mask(pfn, order)) == blk_mask(pfn, order);
    for (uint64_t i = 0; i < (1ull << (order - 6)); i++)
        if (bm[w + i] != ~0ull) return false;
    return true;
}

static void blk_set(uint64_t *bm, uint64_t pfn, unsigned order, bool on) {
    uint64_t w = blk_bit(pfn) >> 6;
    if (order <= 6) {
        if (on)
            bm[w] |= blk_mask(pfn, order);
        else
            bm[w] &= ~blk_mask(pfn, order);
        return;
    }
    for (uint64_t i = 0; i < (1ull << (order - 6)); i++) bm[w + i] = on ? ~0ull : 0;
}

static bool bit(const uint64_t *bm, uint64_t pfn) {
    return (bm[blk_bit(pfn) >> 6] >> (blk_bit(pfn) & 63)) & 1;
}

static bool model_frame_free(const void *ctx, uint64_t i) {
    (void)ctx;
    return bit(rel_bm, base_pfn + i) && !bit(alloc_bm, base_pfn + i);
}

// Does the model have an aligned run of 2^order free frames?
static bool model_has_free_block(unsigned order) {
    if (order >= 6) {
        uint64_t run = 1ull << (order - 6);
        for (uint64_t w = 0; w + run <= nwords; w += run) {
            uint64_t i = 0;
            while (i < run && (rel_bm[w + i] & ~alloc_bm[w + i]) == ~0ull) i++;
            if (i == run) return true;
        }
        return false;
    }
    uint64_t stride = 0;  // a bit at every multiple of 2^order
    for (unsigned j = 0; j < 64; j += 1u << order) stride |= 1ull << j;
    for (uint64_t w = 0; w < nwords; w++) {
        uint64_t f = rel_bm[w] & ~alloc_bm[w];
        for (unsigned s = 1; s < (1u << order); s <<= 1) f &= f >> s;
        if (f & stride) return true;
    }
    return false;
}

// What buddy_free(addr, order) must return, from the model alone.
static zx_status_t model_expect_free(uint64_t addr, unsigned order) {
    if (order > BUDDY_MAX_ORDER || (addr & PAGE_MASK)) return ZX_ERR_INVALID_ARGS;
    uint64_t pfn = addr >> PAGE_SHIFT, n = 1ull << order;
    if (pfn < base_pfn || pfn >= end_pfn || (pfn & (n - 1)) || pfn + n > end_pfn) return ZX_ERR_INVALID_ARGS;
    if (!bit(rel_bm, pfn)) return ZX_ERR_INVALID_ARGS;           // reserved
    if (!bit(alloc_bm, pfn)) return ZX_ERR_BAD_STATE;            // free: a double free
    if (head_order[pfn - base_pfn] == (int)order) return ZX_OK;  // a real block
    return ZX_ERR_INVALID_ARGS;                                  // interior or wrong order
}

static struct th_snap snap_now(void) { return th_take(&B); }

static void check_counts(void) {
    uint64_t fp = buddy_free_pages(&B);
    EXPECT(fp == model_free, "buddy_free_pages %llu, model %llu", (ull)fp, (ull)model_free);
    uint64_t sum = th_blocks_pages(&B);
    EXPECT(sum == fp, "per-order counts sum to %llu pages, free_pages %llu", (ull)sum, (ull)fp);
}

static void check_full(void) {
    const char *why = "";
    zx_status_t st = buddy_check(&B, &why);
    if (st != ZX_OK) {
        printf("buddy_check: %s\n", why);
        fail("buddy_check returned %d", st);
    }
    uint64_t want[NORDERS];
    th_canonical(base_pfn, end_pfn - base_pfn, model_frame_free, 0, want);
    for (unsigned k = 0; k < NORDERS; k++) {
        uint64_t got = buddy_free_blocks(&B, k);
        if (got != want[k]) printf("order %u: ", k);
        EXPECT(got == want[k], "free blocks %llu, expected from the model %llu", (ull)got, (ull)want[k]);
    }
    n_checks++;
}

// Orders skewed toward small ones (per mille): mean ~32 pages per block.
static unsigned pick_order(void) {
    static const unsigned weight[NORDERS] = {400, 200, 120, 80, 60, 40, 30, 25, 20, 15, 10};
    uint64_t r = th_below(&seed, 1000);
    unsigned k = 0;
    while (r >= weight[k]) r -= weight[k++];
    return k;
}

static void do_alloc(void) {
    unsigned o = pick_order();
    paddr_t p = pa(0xdead000);
    zx_status_t st = buddy_alloc(&B, o, &p);
    if (st == ZX_ERR_NO_MEMORY) {
        EXPECT(pa_val(p) == 0xdead000, "NO_MEMORY but *out written (%#llx)", (ull)pa_val(p));
        EXPECT(!model_has_free_block(o), "NO_MEMORY for order %u with a free aligned run", o);
        n_nomem++;
        return;
    }
    EXPECT(st == ZX_OK, "buddy_alloc(order %u) = %d", o, st);
    uint64_t a = pa_val(p), pfn = a >> PAGE_SHIFT;
    EXPECT((a & PAGE_MASK) == 0 && (pfn & ((1ull << o) - 1)) == 0, "block %#llx misaligned for order %u",
           (ull)a, o);
    EXPECT(pfn >= base_pfn && pfn + (1ull << o) <= end_pfn, "block %#llx order %u outside the span", (ull)a,
           o);
    EXPECT(blk_all(rel_bm, pfn, o), "block %#llx order %u covers reserved frames", (ull)a, o);
    EXPECT(!blk_any(alloc_bm, pfn, o), "block %#llx order %u overlaps a held block", (ull)a, o);
    blk_set(alloc_bm, pfn, o, true);
    head_order[pfn - base_pfn] = (int8_t)o;
    live[nlive++] = (struct blk){pfn, o};
    model_free -= 1ull << o;
    n_alloc++;
}

static void do_free(void) {
    size_t i = (size_t)th_below(&seed, nlive);
    struct blk k = live[i];
    live[i] = live[--nlive];
    zx_status_t st = buddy_free(&B, pa(k.pfn << PAGE_SHIFT), k.order);
    EXPECT(st == ZX_OK, "buddy_free of a held block %#llx = %d", (ull)(k.pfn << PAGE_SHIFT), st);
    blk_set(alloc_bm, k.pfn, k.order, false);
    head_order[k.pfn - base_pfn] = -1;
    model_free += 1ull << k.order;
    recent[nrecent++ % 64] = k;
    n_free++;
}

// buddy_free(addr, order) that the model says must fail: check the error
// and that nothing changed. A free the model says is valid is skipped.
static void inject(uint64_t addr, unsigned order) {
    zx_status_t want = model_expect_free(addr, order);
    if (want == ZX_OK) {
        n_skipped++;
        return;
    }
    struct th_snap before = snap_now();
    zx_status_t st = buddy_free(&B, pa(addr), order);
    EXPECT(st == want, "injected free of %#llx (order %u) returned %d, expected %d", (ull)addr, order, st,
           want);
    struct th_snap after = snap_now();
    EXPECT(th_snap_eq(&before, &after), "refused free of %#llx (order %u) changed the state", (ull)addr,
           order);
    if (want == ZX_ERR_BAD_STATE)
        n_double++;
    else
        n_foreign++;
    if ((n_double + n_foreign) % 64 == 0) check_full();
}

static void inject_double(void) {
    if (!nrecent) return;
    struct blk k = recent[th_below(&seed, nrecent < 64 ? nrecent : 64)];
    inject(k.pfn << PAGE_SHIFT, k.order);
}

static void inject_foreign(void) {
    uint64_t span = (end_pfn - base_pfn) << PAGE_SHIFT;
    unsigned o = (unsigned)th_below(&seed, NORDERS + 2);
    switch (th_below(&seed, 5)) {
        case 0:  // anywhere around the span, page aligned
            inject(page_round_down(SPAN_BASE - 8 * 1024 * 1024 + th_below(&seed, span + 16 * 1024 * 1024)),
                   o);
            break;
        case 1:  // not page aligned
            inject((SPAN_BASE + th_below(&seed, span)) | (1 + th_below(&seed, PAGE_SIZE - 1)), o % NORDERS);
            break;
        case 2: {  // inside a held block (interior frame, with an order it may be aligned to)
            if (!nlive) return;
            struct blk k = live[th_below(&seed, nlive)];
            if (k.order == 0) return;
            uint64_t off = 1 + th_below(&seed, (1ull << k.order) - 1);
            inject((k.pfn + off) << PAGE_SHIFT, (unsigned)th_below(&seed, k.order + 1));
            break;
        }
        case 3: {  // a held block's head with another order
            if (!nlive) return;
            struct blk k = live[th_below(&seed, nlive)];
            inject(k.pfn << PAGE_SHIFT, (k.order + 1 + (unsigned)th_below(&seed, NORDERS - 1)) % NORDERS);
            break;
        }
        default: {  // a reserved hole
            const uint64_t *h = HOLES[th_below(&seed, sizeof HOLES / sizeof HOLES[0])];
            inject(SPAN_BASE + (h[0] + th_below(&seed, h[1] - h[0])) * PAGE_SIZE, o % 4);
            break;
        }
    }
}

static void setup(void) {
    void *meta = malloc(buddy_meta_size(SPAN_PAGES));
    if (!meta) abort();
    memset(meta, 0x5a, buddy_meta_size(SPAN_PAGES));
    buddy_init(&B, pa(SPAN_BASE), SPAN_PAGES, meta);
    base_pfn = SPAN_BASE >> PAGE_SHIFT;
    end_pfn = base_pfn + SPAN_PAGES;
    bm_base = base_pfn & ~((1ull << BUDDY_MAX_ORDER) - 1);
    nwords = ((end_pfn - bm_base + 1023) & ~1023ull) / 64;
    rel_bm = calloc(nwords, 8);
    alloc_bm = calloc(nwords, 8);
    head_order = malloc(SPAN_PAGES);
    live = malloc(SPAN_PAGES * sizeof *live);
    if (!rel_bm || !alloc_bm || !head_order || !live) abort();
    memset(head_order, -1, SPAN_PAGES);

    // Release the gaps between the holes, in a scrambled order.
    uint64_t gaps[8][2], ngaps = 0, cur = 0;
    for (unsigned i = 0; i < sizeof HOLES / sizeof HOLES[0]; i++) {
        if (HOLES[i][0] > cur) {
            gaps[ngaps][0] = cur;
            gaps[ngaps++][1] = HOLES[i][0];
        }
        cur = HOLES[i][1];
    }
    if (cur < SPAN_PAGES) {
        gaps[ngaps][0] = cur;
        gaps[ngaps++][1] = SPAN_PAGES;
    }
    static const unsigned scramble[] = {2, 0, 3, 1, 4, 5, 6, 7};
    for (unsigned j = 0; j < ngaps; j++) {
        unsigned g = scramble[j] < ngaps ? scramble[j] : j;
        uint64_t s = gaps[g][0], e = gaps[g][1];
        zx_status_t st = buddy_add_range(&B, pa(SPAN_BASE + s * PAGE_SIZE), pa(SPAN_BASE + e * PAGE_SIZE));
        EXPECT(st == ZX_OK, "buddy_add_range of gap %u = %d", g, st);
        for (uint64_t i = s; i < e; i++)
            rel_bm[blk_bit(base_pfn + i) >> 6] |= 1ull << (blk_bit(base_pfn + i) & 63);
        model_free += e - s;
    }
    model_total = model_free;
}

int main(int argc, char **argv) {
    uint64_t nops = argc > 1 ? strtoull(argv[1], 0, 0) : 1000000;
    seed = seed0 = argc > 2 ? strtoull(argv[2], 0, 0) : 0x5eedb0dd1e5ull;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    setup();
    check_counts();
    check_full();
    struct th_snap init = snap_now();
    printf("buddy-random: %llu operations, seed %#llx, span %#llx + %llu frames, %llu released\n",
           (unsigned long long)nops, (unsigned long long)seed0, (unsigned long long)SPAN_BASE,
           (unsigned long long)SPAN_PAGES, (unsigned long long)model_total);

    static const unsigned targets[] = {30, 60, 85, 95, 100};  // percent of released frames held
    unsigned target = 60;
    uint64_t peak = 0;
    for (ops_done = 0; ops_done < nops; ops_done++) {
        if (ops_done % 20000 == 0) target = targets[th_below(&seed, sizeof targets / sizeof targets[0])];
        uint64_t held = model_total - model_free;
        if (held > peak) peak = held;
        bool want_more = held * 100 < (uint64_t)target * model_total;
        if (nlive == 0 || th_below(&seed, 100) < (want_more ? 65u : 35u))
            do_alloc();
        else
            do_free();
        check_counts();
        uint64_t r = th_below(&seed, 1024);
        if (r < 4)
            inject_double();
        else if (r < 8)
            inject_foreign();
        else if (r == 8) {  // an invalid order must not change anything
            paddr_t p = pa(0);
            unsigned bad = BUDDY_MAX_ORDER + 1 + (unsigned)th_below(&seed, 100);
            EXPECT(buddy_alloc(&B, bad, &p) == ZX_ERR_INVALID_ARGS && pa_val(p) == 0,
                   "buddy_alloc(order %u) not refused", bad);
        }
        if ((ops_done + 1) % CHECK_EVERY == 0) check_full();
    }

    // Give everything back in a random order: the initial free lists again.
    while (nlive) do_free();
    check_counts();
    check_full();
    struct th_snap end = snap_now();
    if (!th_snap_eq(&init, &end)) {
        th_snap_print("initial", &init);
        th_snap_print("final", &end);
        fail("free lists differ from the initial state");
    }
    EXPECT(model_free == model_total, "model leak: %llu of %llu free", (ull)model_free, (ull)model_total);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("buddy-random: %llu allocs, %llu frees, %llu NO_MEMORY, peak %llu%% held\n",
           (unsigned long long)n_alloc, (unsigned long long)n_free, (unsigned long long)n_nomem,
           (unsigned long long)(peak * 100 / model_total));
    printf(
        "buddy-random: %llu double frees and %llu foreign frees refused (%llu valid picks skipped), "
        "%llu full checks, %.2f s\n",
        (unsigned long long)n_double, (unsigned long long)n_foreign, (unsigned long long)n_skipped,
        (unsigned long long)n_checks, secs);
    EXPECT(n_alloc + n_nomem + n_free >= nops, "only %llu of %llu operations ran",
           (ull)(n_alloc + n_nomem + n_free), (ull)nops);
    EXPECT(nops < 100000 || (n_double > 100 && n_foreign > 100 && n_nomem > 100),
           "too few injections or exhaustions (%llu double, %llu foreign, %llu NO_MEMORY)", (ull)n_double,
           (ull)n_foreign, (ull)n_nomem);
    printf("buddy-random: ok\n");
    return 0;
}
