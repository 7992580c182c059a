// Host tests of mm/pt.c (Sv39 page tables) over a fake physical memory
// (fake_physmap.c) and a counting TLB (fake_tlb.c).
//
// Each case starts from an empty fake RAM and ends with pt_destroy, after
// which no frame may be in use and no freed table may have skipped its fence.
// Checked: leaf size choice (1G/2M/4K, PT_SMALL), exact translation with
// offsets, flags and raw PTE bits (V/A/D/G/U/R/W/X, pointers V only; Svpbmt
// memory types in bits 62..61 only when enabled, kept by splits);
// ALREADY_EXISTS / INVALID_ARGS / NOT_FOUND leave the tables byte-for-byte
// unchanged; splits of 1G and 2M leaves by unmap and protect; empty tables
// freed (pt->tables and the allocator's count back to 1); allocation failure
// injected at every step of maps and splits (NO_MEMORY, unchanged, no leak);
// which fences are issued; and a randomized run against a page-level model,
// in the lower half and in the top 4 GiB of the address space (there with
// Svpbmt on and NC/IO mixed in).
#include <stdlib.h>
#include <string.h>

#include "../harness.h"
#include "fake_physmap.h"
#include "fake_tlb.h"
#include "mm/physmap.h"
#include "mm/pt.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull
#define UPPER 0xffffffc000000000ull
#define TOP 0xffffffff00000000ull  // the top 4 GiB of the address space

#define RWXUG (PT_READ | PT_WRITE | PT_EXEC | PT_USER | PT_GLOBAL)

static struct pt P;

// ---- helpers --------------------------------------------------------------------

static void setup(uint16_t asid) {
    CHECK_EQ(pt_init(&P, &fake_allocator, asid), ZX_OK);
    fake_watch(&P);
}

static void teardown(void) {
    fake_watch(NULL);
    pt_destroy(&P);
    CHECK_EQ(P.tables, 0);
}

static zx_status_t tmap(uint64_t v, uint64_t p, uint64_t len, unsigned f) {
    fake_watch_note();
    return pt_map(&P, va(v), pa(p), len, f);
}
static zx_status_t tunmap(uint64_t v, uint64_t len) {
    fake_watch_note();
    return pt_unmap(&P, va(v), len);
}
static zx_status_t tprot(uint64_t v, uint64_t len, unsigned f) {
    fake_watch_note();
    return pt_protect(&P, va(v), len, f);
}

static uint64_t pte_addr(uint64_t e) { return ((e >> PTE_PPN_SHIFT) & ((1ull << 44) - 1)) << PAGE_SHIFT; }
static bool is_ptr(uint64_t e) { return (e & PTE_V) && !(e & (PTE_R | PTE_W | PTE_X)); }
static uint64_t *tbl(uint64_t p) { return physmap_va(pa(p)); }
static uint64_t lsize(int lvl) { return 1ull << (12 + 9 * lvl); }
static unsigned idx(uint64_t v, int lvl) { return (v >> (12 + 9 * lvl)) & 511; }

// The raw entry that maps v (a leaf) or the invalid entry where the walk stops.
static uint64_t raw_pte(uint64_t v, int *lvl_out) {
    uint64_t t = pa_val(P.root);
    for (int lvl = 2; lvl >= 0; lvl--) {
        uint64_t e = tbl(t)[idx(v, lvl)];
        if (!is_ptr(e) || lvl == 0) {
            if (lvl_out) *lvl_out = lvl;
            return e;
        }
        t = pte_addr(e);
    }
    return 0;
}

#define EXPECT_MAP(v, p, f, leaf) expect_map((v), (p), (f), (leaf), __LINE__)
static bool expect_map(uint64_t v, uint64_t p, unsigned f, uint64_t leaf, int line) {
    paddr_t got = pa(0);
    unsigned flags = ~0u;
    size_t l = 0;
    zx_status_t st = pt_lookup(&P, va(v), &got, &flags, &l);
    bool ok = st == ZX_OK && pa_val(got) == p && flags == f && l == leaf;
    if (!ok) {
        th_check(false, "lookup", __FILE__, line);
        printf("    (va %#llx: st %d pa %#llx flags %#x leaf %#zx; want pa %#llx flags %#x leaf %#llx)\n",
               (unsigned long long)v, st, (unsigned long long)pa_val(got), flags, l, (unsigned long long)p, f,
               (unsigned long long)leaf);
    }
    return ok;
}

#define EXPECT_UNMAPPED(v) expect_unmapped((v), __LINE__)
static bool expect_unmapped(uint64_t v, int line) {
    zx_status_t st = pt_lookup(&P, va(v), NULL, NULL, NULL);
    if (st != ZX_ERR_NOT_FOUND) {
        th_check(false, "lookup == NOT_FOUND", __FILE__, line);
        printf("    (va %#llx: %d)\n", (unsigned long long)v, st);
    }
    return st == ZX_ERR_NOT_FOUND;
}

// A byte-for-byte copy of every table reachable from the root, in walk order.
struct snap_table {
    uint64_t pa;
    uint64_t e[512];
};
struct snap {
    size_t n, cap;
    struct snap_table *t;
};

static void snap_walk(struct snap *s, uint64_t t, int lvl) {
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->t = realloc(s->t, s->cap * sizeof(*s->t));
        if (!s->t) abort();
    }
    struct snap_table *st = &s->t[s->n++];
    st->pa = t;
    memcpy(st->e, tbl(t), sizeof(st->e));
    if (lvl == 0) return;
    const uint64_t *e = tbl(t);
    for (unsigned i = 0; i < 512; i++)
        if (is_ptr(e[i])) snap_walk(s, pte_addr(e[i]), lvl - 1);
}

static void snap_take(struct snap *s) {
    s->n = 0;
    snap_walk(s, pa_val(P.root), 2);
}

static bool snap_eq(const struct snap *a, const struct snap *b) {
    return a->n == b->n && memcmp(a->t, b->t, a->n * sizeof(*a->t)) == 0;
}

static void snap_free(struct snap *s) {
    free(s->t);
    s->t = NULL;
    s->n = s->cap = 0;
}

// Structural invariants of the whole tree; returns the number of tables.
static uint64_t inv_walk(uint64_t t, int lvl, bool root) {
    const uint64_t *e = tbl(t);
    uint64_t n = 1, valid = 0;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t x = e[i];
        if (!(x & PTE_V)) continue;
        valid++;
        CHECK_EQ((x >> 54) & ~(PTE_PBMT_MASK >> 54), 0);  // reserved bits, N
        CHECK_EQ(x & 0x300, 0);  // RSW
        uint64_t pbmt = x & PTE_PBMT_MASK;
        CHECK(pbmt != PTE_PBMT_MASK && (pbmt == 0 || pt_svpbmt()));  // 3 is reserved
        if (is_ptr(x)) {
            CHECK(lvl > 0);
            CHECK_EQ(x >> 54, 0);      // no PBMT in pointers
            CHECK_EQ(x & 0x3ff, PTE_V);  // pointers: no U, G, A, D
            if (lvl > 0) n += inv_walk(pte_addr(x), lvl - 1, false);
        } else {
            CHECK_EQ(x & (PTE_V | PTE_A | PTE_D), PTE_V | PTE_A | PTE_D);
            CHECK(x & (PTE_R | PTE_X));
            CHECK(!((x & PTE_W) && !(x & PTE_R)));
            CHECK(!((x & PTE_W) && (x & PTE_X)));
            CHECK_EQ(pte_addr(x) & (lsize(lvl) - 1), 0);
        }
    }
    if (!root) CHECK(valid > 0);  // empty tables are freed
    return n;
}

static void check_invariants(void) {
    uint64_t n = inv_walk(pa_val(P.root), 2, true);
    CHECK_EQ(n, P.tables);
    CHECK_EQ(P.tables, fake_frames_in_use());
}

// Call fn for each leaf: its VA, raw entry and level.
typedef void (*leaf_fn)(uint64_t v, uint64_t e, int lvl, void *ctx);
static void leaves_walk(uint64_t t, int lvl, uint64_t base, leaf_fn fn, void *ctx) {
    const uint64_t *e = tbl(t);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t v = base + i * lsize(lvl);
        if (lvl == 2 && i >= 256) v |= 0xffffff8000000000ull;  // sign extension
        if (!(e[i] & PTE_V)) continue;
        if (is_ptr(e[i]) && lvl > 0)
            leaves_walk(pte_addr(e[i]), lvl - 1, v, fn, ctx);
        else
            fn(v, e[i], lvl, ctx);
    }
}
static void leaves(leaf_fn fn, void *ctx) { leaves_walk(pa_val(P.root), 2, 0, fn, ctx); }

// ---- cases --------------------------------------------------------------------

static void case_init_satp(void) {
    setup(0x1234);
    CHECK_EQ(P.tables, 1);
    CHECK_EQ(fake_frames_in_use(), 1);
    CHECK_EQ(P.asid, 0x1234);
    const uint64_t *root = tbl(pa_val(P.root));
    bool zero = true;
    for (unsigned i = 0; i < 512; i++) zero &= root[i] == 0;
    CHECK(zero);  // the fake allocator hands out garbage
    CHECK_EQ(pt_satp(&P), (8ull << 60) | (0x1234ull << 44) | (pa_val(P.root) >> 12));
    CHECK_EQ(pt_satp(&P) >> 60, 8);
    CHECK_EQ((pt_satp(&P) >> 44) & 0xffff, 0x1234);
    CHECK_EQ((pt_satp(&P) & ((1ull << 44) - 1)) << 12, pa_val(P.root));
    EXPECT_UNMAPPED(0);
    EXPECT_UNMAPPED(UPPER);

    struct pt q;
    CHECK_EQ(pt_init(&q, &fake_allocator, 0xffff), ZX_OK);
    CHECK_EQ(pt_satp(&q), (8ull << 60) | (0xffffull << 44) | (pa_val(q.root) >> 12));
    pt_destroy(&q);
    CHECK_EQ(fake_frames_in_use(), 1);
    fake_alloc_fail_nth(1);
    CHECK_EQ(pt_init(&q, &fake_allocator, 1), ZX_ERR_NO_MEMORY);
    CHECK_EQ(fake_frames_in_use(), 1);
    teardown();
}

static void case_map_4k(void) {
    setup(1);
    uint64_t v = 0x40001000, p = 0x87654000;
    CHECK_EQ(tmap(v, p, 3 * K4, PT_READ | PT_WRITE | PT_USER), ZX_OK);
    for (int i = 0; i < 3; i++) {
        EXPECT_MAP(v + i * K4, p + i * K4, PT_READ | PT_WRITE | PT_USER, K4);
        EXPECT_MAP(v + i * K4 + 0x123, p + i * K4 + 0x123, PT_READ | PT_WRITE | PT_USER, K4);
        EXPECT_MAP(v + i * K4 + 0xfff, p + i * K4 + 0xfff, PT_READ | PT_WRITE | PT_USER, K4);
    }
    EXPECT_UNMAPPED(v - K4);
    EXPECT_UNMAPPED(v + 3 * K4);
    CHECK_EQ(pt_lookup(&P, va(v), NULL, NULL, NULL), ZX_OK);
    CHECK_EQ(P.tables, 3);
    CHECK_EQ(fake_frames_in_use(), 3);

    // Raw entries: pointers carry V only; leaves V|A|D and the flags.
    const uint64_t *root = tbl(pa_val(P.root));
    CHECK_EQ(root[1] & 0x3ff, PTE_V);
    const uint64_t *l1 = tbl(pte_addr(root[1]));
    CHECK_EQ(l1[0] & 0x3ff, PTE_V);
    const uint64_t *l0 = tbl(pte_addr(l1[0]));
    CHECK_EQ(l0[0], 0);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(l0[1 + i], (((p + i * K4) >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
    CHECK_EQ(l0[4], 0);

    // Execute-only, global, read-only.
    CHECK_EQ(tmap(0x40100000, 0x90000000, K4, PT_EXEC), ZX_OK);
    EXPECT_MAP(0x40100000, 0x90000000, PT_EXEC, K4);
    CHECK_EQ(raw_pte(0x40100000, NULL) & 0x3ff, PTE_V | PTE_X | PTE_A | PTE_D);
    CHECK_EQ(tmap(0x40101000, 0x90001000, K4, PT_READ | PT_EXEC | PT_GLOBAL), ZX_OK);
    EXPECT_MAP(0x40101000, 0x90001000, PT_READ | PT_EXEC | PT_GLOBAL, K4);
    CHECK_EQ(raw_pte(0x40101000, NULL) & 0x3ff, PTE_V | PTE_R | PTE_X | PTE_G | PTE_A | PTE_D);
    CHECK_EQ(tmap(0x40102000, 0x90002000, K4, PT_READ), ZX_OK);
    CHECK_EQ(raw_pte(0x40102000, NULL) & 0x3ff, PTE_V | PTE_R | PTE_A | PTE_D);
    CHECK_EQ(P.tables, 3);  // all in the first 2M of GiB 1
    CHECK_EQ(fake_tlb_total(), 0);  // invalid -> valid needs no fence
    check_invariants();
    teardown();
}

static void case_map_2m(void) {
    setup(1);
    uint64_t v = 2 * G1 + 3 * M2, p = 0x100200000;
    unsigned f = PT_READ | PT_WRITE;
    CHECK_EQ(tmap(v, p, 2 * M2 + 2 * K4, f), ZX_OK);
    EXPECT_MAP(v, p, f, M2);
    EXPECT_MAP(v + 0x1ff123, p + 0x1ff123, f, M2);
    EXPECT_MAP(v + M2 + 0x5678, p + M2 + 0x5678, f, M2);
    EXPECT_MAP(v + 2 * M2, p + 2 * M2, f, K4);
    EXPECT_MAP(v + 2 * M2 + K4 + 0xabc, p + 2 * M2 + K4 + 0xabc, f, K4);
    EXPECT_UNMAPPED(v + 2 * M2 + 2 * K4);
    EXPECT_UNMAPPED(v - 1);
    int lvl;
    uint64_t e = raw_pte(v, &lvl);
    CHECK_EQ(lvl, 1);
    CHECK_EQ(e, ((p >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    CHECK_EQ(P.tables, 3);

    // VA 2M aligned, PA not: 4K leaves only.
    CHECK_EQ(tmap(3 * G1, 0x100001000, M2, PT_READ), ZX_OK);
    for (uint64_t o = 0; o < M2; o += K4) EXPECT_MAP(3 * G1 + o, 0x100001000 + o, PT_READ, K4);
    // PT_SMALL: 4K leaves although 2M would fit.
    CHECK_EQ(tmap(3 * G1 + M2, 0x100400000, M2, PT_READ | PT_SMALL), ZX_OK);
    EXPECT_MAP(3 * G1 + M2 + 0x1234, 0x100401234, PT_READ, K4);
    EXPECT_MAP(3 * G1 + 2 * M2 - 1, 0x100400000 + M2 - 1, PT_READ, K4);
    CHECK_EQ(P.tables, 6);

    // The very top of the address space: the range ends at 2^64.
    CHECK_EQ(tmap(0xffffffffffe00000ull, 0x800000000, M2, PT_READ | PT_GLOBAL), ZX_OK);
    EXPECT_MAP(0xffffffffffffffffull, 0x800000000 + M2 - 1, PT_READ | PT_GLOBAL, M2);
    e = raw_pte(0xffffffffffe00000ull, &lvl);
    CHECK_EQ(lvl, 1);
    CHECK(e & PTE_G);
    CHECK_EQ(tmap(0xffffffffffdff000ull, 0x900000000, K4, PT_READ), ZX_OK);
    EXPECT_MAP(0xffffffffffdff000ull, 0x900000000, PT_READ, K4);
    // Lower half's last page.
    CHECK_EQ(tmap(0x3ffffff000ull, 0x900001000, K4, PT_READ), ZX_OK);
    EXPECT_MAP(0x3fffffffffull, 0x900001fff, PT_READ, K4);
    CHECK_EQ(fake_tlb_total(), 0);
    check_invariants();
    teardown();
}

static void case_map_1g(void) {
    setup(1);
    uint64_t v = 3 * G1, p = 8 * G1;
    unsigned f = PT_READ | PT_EXEC | PT_USER;
    CHECK_EQ(tmap(v, p, G1 + M2 + K4, f), ZX_OK);
    EXPECT_MAP(v, p, f, G1);
    EXPECT_MAP(v + 0x12345678, p + 0x12345678, f, G1);
    EXPECT_MAP(v + G1 - 1, p + G1 - 1, f, G1);
    EXPECT_MAP(v + G1 + 0x1234, p + G1 + 0x1234, f, M2);
    EXPECT_MAP(v + G1 + M2 + 0x10, p + G1 + M2 + 0x10, f, K4);
    EXPECT_UNMAPPED(v + G1 + M2 + K4);
    int lvl;
    CHECK_EQ(raw_pte(v, &lvl), ((p >> 12) << 10) | PTE_V | PTE_R | PTE_X | PTE_U | PTE_A | PTE_D);
    CHECK_EQ(lvl, 2);
    CHECK_EQ(P.tables, 3);

    // The direct map of the kernel: two gigapages, root only.
    CHECK_EQ(tmap(UPPER, 0x80000000, 2 * G1, PT_READ | PT_WRITE | PT_GLOBAL), ZX_OK);
    EXPECT_MAP(UPPER + 0x40001234, 0xc0001234, PT_READ | PT_WRITE | PT_GLOBAL, G1);
    EXPECT_UNMAPPED(UPPER + 2 * G1);
    EXPECT_MAP(UPPER + 0x1234, 0x80001234, PT_READ | PT_WRITE | PT_GLOBAL, G1);
    CHECK_EQ(P.tables, 3);

    // VA 1G aligned, PA 2M aligned: 2M leaves.
    CHECK_EQ(tmap(5 * G1, 0x100200000, G1, PT_READ), ZX_OK);
    EXPECT_MAP(5 * G1, 0x100200000, PT_READ, M2);
    EXPECT_MAP(6 * G1 - 1, 0x100200000 + G1 - 1, PT_READ, M2);
    CHECK_EQ(P.tables, 4);
    // Highest physical addresses.
    CHECK_EQ(tmap(7 * G1, (1ull << 56) - G1, G1, PT_READ), ZX_OK);
    EXPECT_MAP(7 * G1 + 5, (1ull << 56) - G1 + 5, PT_READ, G1);
    CHECK_EQ(fake_tlb_total(), 0);
    check_invariants();
    teardown();
}

static void case_map_exists(void) {
    setup(1);
    uint64_t a = 0x40201000, b = 0x40400000, c = 2 * G1;
    CHECK_EQ(tmap(a, 0x5000000, K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(b, 0x6000000, M2, PT_READ), ZX_OK);
    CHECK_EQ(tmap(c, 0x140000000, G1, PT_READ), ZX_OK);
    struct snap s0 = {0}, s1 = {0};
    snap_take(&s0);
    uint64_t allocs = fake_alloc_calls(), used = fake_frames_in_use();
    struct {
        uint64_t v, p, len;
        unsigned f;
    } tries[] = {
        {a, 0x7000000, K4, PT_READ},                         // the same page
        {a, 0x5000000, K4, PT_READ},                         // identical mapping
        {0x40200000, 0x8000000, M2, PT_READ},                // a 2M leaf where a table is
        {0x40200000, 0x8000000, 2 * K4, PT_READ | PT_SMALL}, // overlaps a
        {b + 0x5000, 0x9000000, K4, PT_READ},                // inside a 2M leaf
        {b - K4, 0x9000000, 2 * K4, PT_READ},                // straddles its start
        {G1, 0x40000000, G1, PT_READ},                       // a 1G leaf over everything
        {c + 0x3000, 0x9000000, K4, PT_READ},                // inside a 1G leaf
        {c - M2, 0x80000000, 2 * M2, PT_READ},               // straddles its start
        {0x3ffff000, 0x9000000, a + K4 - 0x3ffff000, PT_READ}, // needs new tables, then collides
        {0x1000, 0x9000000, a + K4 - 0x1000, PT_READ},       // same, 1G-ish range
    };
    for (unsigned i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        CHECK_EQ(tmap(tries[i].v, tries[i].p, tries[i].len, tries[i].f), ZX_ERR_ALREADY_EXISTS);
        snap_take(&s1);
        CHECK(snap_eq(&s0, &s1));
        CHECK_EQ(fake_alloc_calls(), allocs);  // refused before allocating anything
        CHECK_EQ(fake_frames_in_use(), used);
    }
    EXPECT_MAP(a, 0x5000000, PT_READ, K4);
    // Adjacent ranges are fine.
    CHECK_EQ(tmap(a + K4, 0x7000000, K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(a - K4, 0x7001000, K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(b + M2, 0x7200000, M2, PT_READ), ZX_OK);
    EXPECT_MAP(b + M2, 0x7200000, PT_READ, M2);
    CHECK_EQ(tmap(c + G1, 0x180000000, G1, PT_READ), ZX_OK);
    EXPECT_MAP(c + G1, 0x180000000, PT_READ, G1);
    CHECK_EQ(fake_tlb_total(), 0);
    check_invariants();
    snap_free(&s0);
    snap_free(&s1);
    teardown();
}

static void case_invalid_args(void) {
    setup(1);
    CHECK_EQ(tmap(0x40000000, 0x80000000, 3 * K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(UPPER, 0x80000000, G1, PT_READ | PT_WRITE | PT_GLOBAL), ZX_OK);
    struct snap s0 = {0}, s1 = {0};
    snap_take(&s0);
    uint64_t allocs = fake_alloc_calls();
    fake_tlb_reset();
    const uint64_t X = 0x5000000;  // an unmapped, valid VA
    struct {
        uint64_t v, len;
    } bad_ranges[] = {
        {X + 1, K4},                                 // misaligned VA
        {X, 0x1800},                                 // misaligned length
        {X, 0},                                      // empty
        {0x0000004000000000ull, K4},                 // first non-canonical address
        {0x0000800000000000ull, K4},                 // deep in the hole
        {0x8000000000000000ull, K4},                 // non-canonical, upper bits
        {0xffffffbffffff000ull, K4},                 // last page of the hole
        {0x3ffffff000ull, 2 * K4},                   // lower half's end into the hole
        {0xffffffbffffff000ull, 2 * K4},             // hole into the upper half
        {0xfffffffffffff000ull, 2 * K4},             // wraps to 0
        {X, ~0xfffull},                              // huge
        {0, 0x0000004000001000ull},                  // the whole lower half and more
    };
    for (unsigned i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++) {
        uint64_t v = bad_ranges[i].v, len = bad_ranges[i].len;
        CHECK_EQ(tmap(v, 0x90000000, len, PT_READ), ZX_ERR_INVALID_ARGS);
        CHECK_EQ(tunmap(v, len), ZX_ERR_INVALID_ARGS);
        CHECK_EQ(tprot(v, len, PT_READ), ZX_ERR_INVALID_ARGS);
    }
    // Bad physical addresses.
    CHECK_EQ(tmap(X, 0x90000001, K4, PT_READ), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(tmap(X, 0x90000800, K4, PT_READ), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(tmap(X, 1ull << 56, K4, PT_READ), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(tmap(X, (1ull << 56) - K4, 2 * K4, PT_READ), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(tmap(X, 0xfffffffffffff000ull, 2 * K4, PT_READ), ZX_ERR_INVALID_ARGS);
    // Bad flags.
    unsigned bad_flags[] = {0,
                            PT_WRITE,
                            PT_WRITE | PT_EXEC,
                            PT_READ | PT_WRITE | PT_EXEC,
                            PT_USER,
                            PT_GLOBAL,
                            PT_SMALL,
                            PT_USER | PT_GLOBAL | PT_SMALL,
                            PT_WRITE | PT_USER,
                            PT_READ | 0x100u,
                            PT_READ | 0x80000000u,
                            PT_EXEC | 0x200u,
                            PT_READ | PT_NC | PT_IO};
    for (unsigned i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
        CHECK_EQ(tmap(X, 0x90000000, K4, bad_flags[i]), ZX_ERR_INVALID_ARGS);
        CHECK_EQ(tprot(0x40000000, K4, bad_flags[i]), ZX_ERR_INVALID_ARGS);
    }
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));
    CHECK_EQ(fake_alloc_calls(), allocs);
    CHECK_EQ(fake_tlb_total(), 0);
    // Lookups of non-canonical addresses find nothing.
    EXPECT_UNMAPPED(0x0000004000000000ull);
    EXPECT_UNMAPPED(0x8000000040000000ull);
    EXPECT_UNMAPPED(UPPER - K4);
    EXPECT_MAP(UPPER + 8, 0x80000008, PT_READ | PT_WRITE | PT_GLOBAL, G1);

    // Every valid flag combination is accepted, and PT_SMALL is not reported.
    unsigned good[] = {PT_READ,           PT_EXEC,           PT_READ | PT_EXEC, PT_READ | PT_WRITE,
                       PT_READ | PT_USER, PT_EXEC | PT_USER, RWXUG & ~PT_WRITE, PT_READ | PT_WRITE | PT_USER | PT_GLOBAL};
    for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        uint64_t v = X + i * K4;
        CHECK_EQ(tmap(v, 0x90000000 + i * K4, K4, good[i] | (i & 1 ? PT_SMALL : 0)), ZX_OK);
        EXPECT_MAP(v, 0x90000000 + i * K4, good[i], K4);
        CHECK_EQ(tprot(v, K4, good[(i + 1) % 8] | PT_SMALL), ZX_OK);
        EXPECT_MAP(v, 0x90000000 + i * K4, good[(i + 1) % 8], K4);
    }
    check_invariants();
    snap_free(&s0);
    snap_free(&s1);
    teardown();
}

static void case_unmap_full(void) {
    setup(1);
    CHECK_EQ(tmap(0x40001000, 0x81000000, 5 * K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(0x40400000, 0x82000000, 2 * M2, PT_READ | PT_WRITE), ZX_OK);
    CHECK_EQ(tmap(4 * G1, 4 * G1, G1 + K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(UPPER + 0x3000, 0x83000000, K4, PT_READ | PT_GLOBAL), ZX_OK);
    CHECK_EQ(P.tables, 7);
    // Unmapping holes changes nothing and allocates nothing.
    struct snap s0 = {0}, s1 = {0};
    snap_take(&s0);
    uint64_t allocs = fake_alloc_calls();
    fake_tlb_reset();
    CHECK_EQ(tunmap(0x40006000, 0x40400000 - 0x40006000), ZX_OK);
    CHECK_EQ(tunmap(0x100000000000ull & 0x3fffffffffull, G1), ZX_OK);
    CHECK_EQ(tunmap(0, G1), ZX_OK);
    CHECK_EQ(tunmap(TOP, 4 * G1), ZX_OK);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));
    CHECK_EQ(fake_alloc_calls(), allocs);
    CHECK_EQ(fake_tlb_total(), 0);

    // Exact unmaps.
    CHECK_EQ(tunmap(0x40001000, 5 * K4), ZX_OK);
    for (int i = 0; i < 5; i++) EXPECT_UNMAPPED(0x40001000 + i * K4);
    EXPECT_MAP(0x40400000, 0x82000000, PT_READ | PT_WRITE, M2);
    CHECK_EQ(P.tables, 6);
    CHECK_EQ(tunmap(0x40400000, 2 * M2), ZX_OK);
    EXPECT_UNMAPPED(0x40400000);
    EXPECT_UNMAPPED(0x40600000);
    CHECK_EQ(P.tables, 5);  // GiB 1's table is empty and gone
    CHECK_EQ(tunmap(4 * G1, G1 + K4), ZX_OK);
    EXPECT_UNMAPPED(4 * G1);
    EXPECT_UNMAPPED(5 * G1);
    CHECK_EQ(P.tables, 3);
    CHECK_EQ(tunmap(UPPER + 0x3000, K4), ZX_OK);
    CHECK_EQ(P.tables, 1);
    CHECK_EQ(fake_frames_in_use(), 1);
    const uint64_t *root = tbl(pa_val(P.root));
    bool zero = true;
    for (unsigned i = 0; i < 512; i++) zero &= root[i] == 0;
    CHECK(zero);

    // One unmap over several mappings and holes.
    CHECK_EQ(tmap(0x1000, 0x81000000, K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(0x40200000, 0x82000000, M2, PT_READ), ZX_OK);
    CHECK_EQ(tmap(2 * G1, 2 * G1, G1, PT_READ), ZX_OK);
    CHECK_EQ(tmap(3 * G1 + 0x7000, 0x81000000, 3 * K4, PT_READ), ZX_OK);
    CHECK_EQ(tunmap(0, 4 * G1), ZX_OK);
    CHECK_EQ(P.tables, 1);
    CHECK_EQ(fake_frames_in_use(), 1);
    snap_free(&s0);
    snap_free(&s1);
    teardown();
}

// Check every 4K page of [v, v+len): removed pages unmapped, the others
// translating to p + offset with flags f and the expected leaf size.
static void check_region(uint64_t v, uint64_t p, uint64_t len, unsigned f, const uint8_t *removed,
                         const uint8_t *leaf_is_4k) {
    unsigned bad = 0;
    for (uint64_t i = 0; i < len / K4 && bad < 5; i++) {
        uint64_t x = v + i * K4;
        paddr_t got;
        unsigned fl;
        size_t leaf;
        zx_status_t st = pt_lookup(&P, va(x + 0x7f8), &got, &fl, &leaf);
        bool ok;
        if (removed[i]) {
            ok = st == ZX_ERR_NOT_FOUND;
        } else {
            uint64_t want_leaf = leaf_is_4k[i >> 9] ? K4 : ((len == G1 && leaf_is_4k[512]) ? M2 : G1);
            ok = st == ZX_OK && pa_val(got) == p + i * K4 + 0x7f8 && fl == f && leaf == want_leaf;
        }
        if (!CHECK(ok)) {
            printf("    (page %#llx: st %d)\n", (unsigned long long)x, st);
            bad++;
        }
    }
}

static void case_unmap_split(void) {
    setup(3);
    // A 1G leaf: unmap one 4K page inside its second 2M block.
    uint64_t v = G1, p = 4 * G1;
    static uint8_t removed[G1 / K4];
    uint8_t small[513];  // [i]: 2M block i is made of 4K leaves; [512]: the 1G leaf was split
    memset(removed, 0, sizeof(removed));
    memset(small, 0, sizeof(small));
    CHECK_EQ(tmap(v, p, G1, PT_READ | PT_WRITE), ZX_OK);
    CHECK_EQ(P.tables, 1);
    fake_tlb_reset();
    CHECK_EQ(tunmap(v + M2 + 3 * K4, K4), ZX_OK);
    CHECK_EQ(P.tables, 3);
    CHECK_EQ(fake_frames_in_use(), 3);
    CHECK(fake_tlb_count(TLB_ASID) >= 1);  // a leaf became a table: rs1 = x0
    CHECK_EQ(fake_tlb_count(TLB_ALL), 0);
    removed[(M2 >> 12) + 3] = 1;
    small[1] = small[512] = 1;
    check_region(v, p, G1, PT_READ | PT_WRITE, removed, small);
    int lvl;
    raw_pte(v, &lvl);
    CHECK_EQ(lvl, 1);
    CHECK_EQ(raw_pte(v + 5 * M2, NULL), (((p + 5 * M2) >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);

    // A range from inside block 5 to inside block 6.
    uint64_t s = 5 * M2 + 5 * K4, e = 7 * M2 - 7 * K4;
    CHECK_EQ(tunmap(v + s, e - s), ZX_OK);
    for (uint64_t o = s; o < e; o += K4) removed[o >> 12] = 1;
    small[5] = small[6] = 1;
    CHECK_EQ(P.tables, 5);
    check_region(v, p, G1, PT_READ | PT_WRITE, removed, small);
    // A whole 2M block plus a page on each side.
    s = 9 * M2 - K4, e = 10 * M2 + K4;
    CHECK_EQ(tunmap(v + s, e - s), ZX_OK);
    for (uint64_t o = s; o < e; o += K4) removed[o >> 12] = 1;
    small[8] = small[10] = 1;
    CHECK_EQ(P.tables, 7);
    check_region(v, p, G1, PT_READ | PT_WRITE, removed, small);
    EXPECT_UNMAPPED(v + 9 * M2 + 0x1234);
    check_invariants();
    // Emptying a split 2M block frees its table.
    CHECK_EQ(tunmap(v + 6 * M2, 7 * M2 - 7 * K4 - 6 * M2), ZX_OK);
    CHECK_EQ(tunmap(v + 7 * M2 - 7 * K4, 7 * K4), ZX_OK);
    CHECK_EQ(P.tables, 6);
    CHECK_EQ(tunmap(v, G1), ZX_OK);
    CHECK_EQ(P.tables, 1);
    CHECK_EQ(fake_frames_in_use(), 1);

    // A 2M leaf: unmap the middle page.
    uint64_t v2 = 2 * G1 + M2, p2 = 0x300200000;
    CHECK_EQ(tmap(v2, p2, M2, PT_READ | PT_USER), ZX_OK);
    CHECK_EQ(P.tables, 2);
    CHECK_EQ(tunmap(v2 + 0x100000, K4), ZX_OK);
    CHECK_EQ(P.tables, 3);
    for (uint64_t o = 0; o < M2; o += K4) {
        if (o == 0x100000)
            EXPECT_UNMAPPED(v2 + o);
        else
            EXPECT_MAP(v2 + o + 8, p2 + o + 8, PT_READ | PT_USER, K4);
    }
    CHECK_EQ(tunmap(v2, M2), ZX_OK);
    CHECK_EQ(P.tables, 1);

    // Two 1G leaves, each partly covered: four tables.
    CHECK_EQ(tmap(4 * G1, 8 * G1, 2 * G1, PT_READ | PT_GLOBAL), ZX_OK);
    fake_tlb_reset();
    CHECK_EQ(tunmap(5 * G1 - K4, 2 * K4), ZX_OK);
    CHECK(fake_tlb_count(TLB_ALL) >= 1);  // global leaves
    CHECK_EQ(P.tables, 5);
    EXPECT_UNMAPPED(5 * G1 - K4);
    EXPECT_UNMAPPED(5 * G1);
    EXPECT_MAP(5 * G1 - 2 * K4, 9 * G1 - 2 * K4, PT_READ | PT_GLOBAL, K4);
    EXPECT_MAP(5 * G1 - M2 - 1, 9 * G1 - M2 - 1, PT_READ | PT_GLOBAL, M2);
    EXPECT_MAP(5 * G1 + K4, 9 * G1 + K4, PT_READ | PT_GLOBAL, K4);
    EXPECT_MAP(5 * G1 + M2, 9 * G1 + M2, PT_READ | PT_GLOBAL, M2);
    EXPECT_MAP(4 * G1, 8 * G1, PT_READ | PT_GLOBAL, M2);
    EXPECT_MAP(6 * G1 - 1, 10 * G1 - 1, PT_READ | PT_GLOBAL, M2);
    check_invariants();
    CHECK_EQ(tunmap(4 * G1, 2 * G1), ZX_OK);
    CHECK_EQ(P.tables, 1);
    teardown();
}

static void case_tables_freed(void) {
    setup(5);
    uint64_t pages[] = {0x1000, 0x3000, 0x201000, 0x40005000, UPPER + 0x3000};
    for (unsigned i = 0; i < 5; i++) CHECK_EQ(tmap(pages[i], 0x90000000 + i * K4, K4, PT_READ), ZX_OK);
    CHECK_EQ(P.tables, 8);
    fake_tlb_reset();
    CHECK_EQ(tunmap(pages[0], K4), ZX_OK);  // its table still holds pages[1]
    CHECK_EQ(P.tables, 8);
    CHECK_EQ(fake_tlb_count(TLB_PAGE), 1);
    CHECK_EQ(fake_tlb_count(TLB_ASID) + fake_tlb_count(TLB_ALL), 0);
    CHECK_EQ(tunmap(pages[1], K4), ZX_OK);
    CHECK_EQ(P.tables, 7);
    CHECK(fake_tlb_count(TLB_ASID) >= 1);  // a pointer was cleared
    CHECK_EQ(tunmap(pages[2], K4), ZX_OK);  // frees a level-0 and the level-1 table
    CHECK_EQ(P.tables, 5);
    CHECK_EQ(tunmap(pages[3], K4), ZX_OK);
    CHECK_EQ(P.tables, 3);
    CHECK_EQ(tunmap(pages[4], K4), ZX_OK);
    CHECK_EQ(P.tables, 1);
    CHECK_EQ(fake_frames_in_use(), 1);
    CHECK_EQ(fake_violations(), 0);

    // Many tables freed by one call (more than the module's batch).
    for (unsigned i = 0; i < 40; i++) CHECK_EQ(tmap(i * M2 + 0x5000, 0x90000000, K4, PT_READ), ZX_OK);
    // 17 = one full batch plus a table unlinked after the batch's fence.
    for (unsigned i = 0; i < 17; i++) CHECK_EQ(tmap(3 * G1 + i * M2, 0x90000000, K4, PT_READ | PT_GLOBAL), ZX_OK);
    CHECK_EQ(P.tables, 60);
    CHECK_EQ(tunmap(0, G1), ZX_OK);
    CHECK_EQ(P.tables, 19);
    fake_tlb_reset();
    CHECK_EQ(tunmap(3 * G1, G1), ZX_OK);
    CHECK_EQ(P.tables, 1);
    CHECK(fake_tlb_count(TLB_ALL) >= 2);  // fenced between batches, never ASID-only
    CHECK_EQ(fake_tlb_count(TLB_ASID) + fake_tlb_count(TLB_PAGE), 0);
    CHECK_EQ(fake_frames_in_use(), 1);
    CHECK_EQ(fake_violations(), 0);
    teardown();
}

static void case_protect(void) {
    setup(9);
    uint64_t v = 0x40200000, p = 0x100000000;
    CHECK_EQ(tmap(v, p, M2, PT_READ | PT_WRITE), ZX_OK);
    fake_tlb_reset();
    CHECK_EQ(tprot(v + 10 * K4, K4, PT_READ), ZX_OK);
    CHECK_EQ(P.tables, 3);
    for (uint64_t o = 0; o < M2; o += K4)
        EXPECT_MAP(v + o + 0x10, p + o + 0x10, o == 10 * K4 ? PT_READ : PT_READ | PT_WRITE, K4);
    CHECK_EQ(raw_pte(v + 10 * K4, NULL) & 0x3ff, PTE_V | PTE_R | PTE_A | PTE_D);
    CHECK(fake_tlb_count(TLB_ASID) >= 1);

    // A whole leaf: no split, one page fence.
    uint64_t v2 = 0x40400000, p2 = 0x100400000;
    CHECK_EQ(tmap(v2, p2, M2, PT_READ), ZX_OK);
    fake_tlb_reset();
    uint64_t t0 = P.tables;
    CHECK_EQ(tprot(v2, M2, PT_READ | PT_EXEC), ZX_OK);
    EXPECT_MAP(v2 + 0x12345, p2 + 0x12345, PT_READ | PT_EXEC, M2);
    CHECK_EQ(P.tables, t0);
    CHECK_EQ(fake_tlb_count(TLB_PAGE), 1);
    CHECK_EQ(fake_tlb_count(TLB_ASID) + fake_tlb_count(TLB_ALL), 0);
    CHECK(fake_tlb_logged() >= 1 && fake_tlb_call(0)->asid == 9 && fake_tlb_call(0)->va >= v2 &&
          fake_tlb_call(0)->va < v2 + M2);

    // Same flags again: nothing to do (no split, no fence); PT_SMALL ignored.
    struct snap s0 = {0}, s1 = {0};
    snap_take(&s0);
    uint64_t allocs = fake_alloc_calls();
    fake_tlb_reset();
    CHECK_EQ(tprot(v2 + K4, K4, PT_READ | PT_EXEC | PT_SMALL), ZX_OK);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));
    CHECK_EQ(fake_alloc_calls(), allocs);
    CHECK_EQ(fake_tlb_total(), 0);

    // Holes: NOT_FOUND and nothing changed, even where a split would come first.
    EXPECT_UNMAPPED(v2 + M2);
    struct {
        uint64_t v, len;
    } holes[] = {{v2, M2 + K4}, {v2 + K4, M2}, {v2 + M2 - K4, 2 * K4}, {v + 4 * K4, 4 * M2}, {0x1000, K4}, {UPPER, G1}};
    for (unsigned i = 0; i < 6; i++) {
        CHECK_EQ(tprot(holes[i].v, holes[i].len, PT_READ), ZX_ERR_NOT_FOUND);
        snap_take(&s1);
        CHECK(snap_eq(&s0, &s1));
        CHECK_EQ(fake_alloc_calls(), allocs);
    }
    CHECK_EQ(tmap(0x1000, 0x90000000, K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(0x3000, 0x90002000, K4, PT_READ), ZX_OK);
    snap_take(&s0);
    CHECK_EQ(tprot(0x1000, 3 * K4, PT_READ | PT_WRITE), ZX_ERR_NOT_FOUND);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));
    EXPECT_MAP(0x1000, 0x90000000, PT_READ, K4);

    // Split of a 1G leaf by protect.
    CHECK_EQ(tmap(2 * G1, 0x200000000, G1, PT_READ), ZX_OK);
    t0 = P.tables;
    CHECK_EQ(tprot(2 * G1 + 3 * M2 + K4, K4, PT_READ | PT_WRITE | PT_USER), ZX_OK);
    CHECK_EQ(P.tables, t0 + 2);
    EXPECT_MAP(2 * G1 + 3 * M2 + K4, 0x200000000 + 3 * M2 + K4, PT_READ | PT_WRITE | PT_USER, K4);
    EXPECT_MAP(2 * G1 + 3 * M2, 0x200000000 + 3 * M2, PT_READ, K4);
    EXPECT_MAP(2 * G1 + 3 * M2 + 2 * K4, 0x200000000 + 3 * M2 + 2 * K4, PT_READ, K4);
    EXPECT_MAP(2 * G1 + 4 * M2, 0x200000000 + 4 * M2, PT_READ, M2);
    EXPECT_MAP(3 * G1 - 1, 0x200000000 + G1 - 1, PT_READ, M2);
    // Protecting a whole split range back does not merge (leaf sizes stay).
    CHECK_EQ(tprot(2 * G1, G1, PT_READ | PT_EXEC), ZX_OK);
    EXPECT_MAP(2 * G1 + 3 * M2 + K4, 0x200000000 + 3 * M2 + K4, PT_READ | PT_EXEC, K4);
    EXPECT_MAP(2 * G1, 0x200000000, PT_READ | PT_EXEC, M2);

    // Global: fences must not be ASID-specific, on the way in and out.
    CHECK_EQ(tmap(UPPER, 0x90000000, K4, PT_READ | PT_GLOBAL), ZX_OK);
    fake_tlb_reset();
    CHECK_EQ(tprot(UPPER, K4, PT_READ | PT_WRITE | PT_GLOBAL), ZX_OK);
    CHECK_EQ(fake_tlb_count(TLB_ALL), 1);
    CHECK_EQ(fake_tlb_count(TLB_PAGE) + fake_tlb_count(TLB_ASID), 0);
    fake_tlb_reset();
    CHECK_EQ(tprot(UPPER, K4, PT_READ), ZX_OK);  // loses G
    CHECK_EQ(fake_tlb_count(TLB_ALL), 1);
    EXPECT_MAP(UPPER, 0x90000000, PT_READ, K4);
    CHECK_EQ(raw_pte(UPPER, NULL) & PTE_G, 0);

    CHECK_EQ(tprot(UPPER, K4, PT_WRITE | PT_EXEC | PT_READ), ZX_ERR_INVALID_ARGS);
    check_invariants();
    snap_free(&s0);
    snap_free(&s1);
    teardown();
}

// For n = 1, 2, ...: the nth allocation of op fails -> NO_MEMORY, tables
// byte-for-byte unchanged, no frame leaked; the first n that op does not
// reach succeeds. Returns the number of tables op allocated.
typedef zx_status_t (*op_fn)(const void *arg);
static uint64_t inject(op_fn op, const void *arg, uint64_t expect_tables) {
    struct snap s0 = {0}, s1 = {0};
    snap_take(&s0);
    uint64_t used = fake_frames_in_use(), tables = P.tables;
    uint64_t n;
    for (n = 1; n < 10000; n++) {
        uint64_t a0 = fake_alloc_calls();
        fake_alloc_fail_nth(n);
        fake_watch_note();
        zx_status_t st = op(arg);
        uint64_t calls = fake_alloc_calls() - a0;
        fake_alloc_fail_nth(0);
        if (st == ZX_OK) {
            CHECK_EQ(calls, n - 1);  // every allocation is used
            break;
        }
        CHECK_EQ(st, ZX_ERR_NO_MEMORY);
        CHECK_EQ(calls, n);
        snap_take(&s1);
        CHECK(snap_eq(&s0, &s1));
        CHECK_EQ(fake_frames_in_use(), used);
        CHECK_EQ(P.tables, tables);
    }
    CHECK_EQ(n - 1, expect_tables);
    CHECK_EQ(P.tables - tables, expect_tables);
    CHECK_EQ(fake_frames_in_use(), P.tables);
    snap_free(&s0);
    snap_free(&s1);
    return n - 1;
}

struct op_args {
    uint64_t v, p, len;
    unsigned f;
};
static zx_status_t op_map(const void *a) {
    const struct op_args *o = a;
    return pt_map(&P, va(o->v), pa(o->p), o->len, o->f);
}
static zx_status_t op_unmap(const void *a) {
    const struct op_args *o = a;
    return pt_unmap(&P, va(o->v), o->len);
}
static zx_status_t op_protect(const void *a) {
    const struct op_args *o = a;
    return pt_protect(&P, va(o->v), o->len, o->f);
}

static void case_fail_map(void) {
    setup(2);
    struct snap s0 = {0}, s1 = {0};
    // Empty table, two GiB boundaries crossed with 4K leaves: 4 tables.
    struct op_args a = {0x3ffff000, 0x90000000, 2 * K4, PT_READ | PT_SMALL};
    snap_take(&s0);
    inject(op_map, &a, 4);
    EXPECT_MAP(0x3ffff000, 0x90000000, PT_READ, K4);
    EXPECT_MAP(0x40000000, 0x90001000, PT_READ, K4);
    CHECK_EQ(tunmap(a.v, a.len), ZX_OK);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));

    // Some tables exist already; a 1G leaf in the middle: 2 tables.
    CHECK_EQ(tmap(0x80005000, 0x90000000, K4, PT_READ), ZX_OK);
    snap_take(&s0);
    struct op_args b = {0x3ffff000, 0x23ffff000, K4 + G1 + 2 * K4, PT_READ | PT_WRITE};
    inject(op_map, &b, 2);
    EXPECT_MAP(0x40000000 + 0x123456, 0x240000000 + 0x123456, PT_READ | PT_WRITE, G1);
    EXPECT_MAP(0x80001000, 0x280001000, PT_READ | PT_WRITE, K4);
    CHECK_EQ(tunmap(b.v, b.len), ZX_OK);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));

    // Upper half, global, 2M + 4K leaves across a GiB boundary: 4 tables.
    struct op_args c = {UPPER + G1 - M2 - K4, 0x9ffff000, 2 * K4 + M2, PT_READ | PT_GLOBAL};
    snap_take(&s0);
    inject(op_map, &c, 4);
    CHECK_EQ(tunmap(c.v, c.len), ZX_OK);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));

    // A larger PT_SMALL map: 3 level-1 pieces worth of level-0 tables.
    struct op_args d = {5 * G1 - 3 * M2, 0x90000000, 6 * M2, PT_READ | PT_SMALL};
    inject(op_map, &d, 2 + 6);
    check_invariants();
    snap_free(&s0);
    snap_free(&s1);
    teardown();
}

static void case_fail_split(void) {
    setup(2);
    // Unmap inside a 1G leaf, partial 2M blocks at both ends: 3 tables.
    CHECK_EQ(tmap(G1, 0x100000000, G1, PT_READ | PT_WRITE), ZX_OK);
    struct op_args a = {G1 + M2 + K4, 0, G1 - 2 * M2 - 2 * K4, 0};
    inject(op_unmap, &a, 3);
    EXPECT_MAP(G1 + M2, 0x100000000 + M2, PT_READ | PT_WRITE, K4);
    EXPECT_UNMAPPED(G1 + M2 + K4);
    EXPECT_UNMAPPED(2 * G1 - M2 - 2 * K4);
    EXPECT_MAP(2 * G1 - M2 - K4, 0x100000000 + G1 - M2 - K4, PT_READ | PT_WRITE, K4);
    EXPECT_MAP(G1, 0x100000000, PT_READ | PT_WRITE, M2);
    EXPECT_MAP(2 * G1 - 1, 0x100000000 + G1 - 1, PT_READ | PT_WRITE, M2);

    // Protect inside a 1G leaf: 3 tables.
    CHECK_EQ(tmap(3 * G1, 0x200000000, G1, PT_READ), ZX_OK);
    struct op_args b = {3 * G1 + K4, 0, G1 - 2 * K4, PT_READ | PT_WRITE};
    inject(op_protect, &b, 3);
    EXPECT_MAP(3 * G1, 0x200000000, PT_READ, K4);
    EXPECT_MAP(3 * G1 + K4, 0x200001000, PT_READ | PT_WRITE, K4);
    EXPECT_MAP(3 * G1 + M2, 0x200000000 + M2, PT_READ | PT_WRITE, M2);
    EXPECT_MAP(4 * G1 - K4, 0x200000000 + G1 - K4, PT_READ, K4);

    // Two 2M leaves in different level-1 entries, each partly covered: 2 tables.
    CHECK_EQ(tmap(5 * G1, 0x300000000, 2 * M2, PT_READ | PT_GLOBAL), ZX_OK);
    struct op_args c = {5 * G1 + M2 / 2, 0, M2, 0};
    inject(op_unmap, &c, 2);
    EXPECT_MAP(5 * G1, 0x300000000, PT_READ | PT_GLOBAL, K4);
    EXPECT_UNMAPPED(5 * G1 + M2 / 2);
    EXPECT_UNMAPPED(5 * G1 + M2);
    EXPECT_MAP(5 * G1 + M2 + M2 / 2, 0x300000000 + M2 + M2 / 2, PT_READ | PT_GLOBAL, K4);
    check_invariants();
    CHECK_EQ(fake_violations(), 0);
    teardown();
}

static void case_tlb(void) {
    setup(7);
    fake_tlb_reset();
    CHECK_EQ(tmap(0x1000, 0x90000000, 2 * K4, PT_READ), ZX_OK);
    CHECK_EQ(tmap(0x40000000, 0x80000000, G1, PT_READ), ZX_OK);
    CHECK_EQ(fake_tlb_total(), 0);  // map never fences
    CHECK_EQ(tunmap(0x1000, K4), ZX_OK);
    CHECK_EQ(fake_tlb_total(), 1);
    CHECK_EQ(fake_tlb_count(TLB_PAGE), 1);
    CHECK(fake_tlb_call(0)->asid == 7 && fake_tlb_call(0)->va == 0x1000);
    fake_tlb_reset();
    CHECK_EQ(tprot(0x2000, K4, PT_READ | PT_WRITE), ZX_OK);
    CHECK_EQ(fake_tlb_count(TLB_PAGE), 1);
    CHECK(fake_tlb_call(0)->asid == 7 && fake_tlb_call(0)->va == 0x2000);
    fake_tlb_reset();
    CHECK_EQ(tunmap(0x2000, K4), ZX_OK);  // frees two tables
    CHECK(fake_tlb_count(TLB_ASID) >= 1);
    CHECK_EQ(fake_tlb_count(TLB_ALL), 0);
    for (unsigned i = 0; i < fake_tlb_logged(); i++) CHECK_EQ(fake_tlb_call(i)->asid, 7);
    fake_tlb_reset();
    CHECK_EQ(tunmap(0x40000000, G1), ZX_OK);  // a whole gigapage: one page fence
    CHECK_EQ(fake_tlb_count(TLB_PAGE), 1);
    CHECK_EQ(fake_tlb_total(), 1);

    // Global leaves: tlb_flush_all.
    CHECK_EQ(tmap(0x3000, 0x90000000, K4, PT_READ | PT_GLOBAL), ZX_OK);
    CHECK_EQ(tmap(0x4000, 0x90000000, K4, PT_READ), ZX_OK);
    fake_tlb_reset();
    CHECK_EQ(tunmap(0x3000, K4), ZX_OK);
    CHECK_EQ(fake_tlb_count(TLB_ALL), 1);
    CHECK_EQ(fake_tlb_total(), 1);

    // Up to 16 leaves: page fences; more: one ASID fence.
    CHECK_EQ(tmap(0x100000, 0x90000000, 100 * K4, PT_READ | PT_SMALL), ZX_OK);
    fake_tlb_reset();
    CHECK_EQ(tunmap(0x100000, 16 * K4), ZX_OK);
    CHECK_EQ(fake_tlb_count(TLB_PAGE), 16);
    CHECK_EQ(fake_tlb_total(), 16);
    for (unsigned i = 0; i < 16; i++) CHECK_EQ(fake_tlb_call(i)->va, 0x100000 + i * K4);
    fake_tlb_reset();
    CHECK_EQ(tunmap(0x100000 + 16 * K4, 17 * K4), ZX_OK);
    CHECK_EQ(fake_tlb_count(TLB_ASID), 1);
    CHECK_EQ(fake_tlb_total(), 1);
    fake_tlb_reset();
    CHECK_EQ(tprot(0x100000 + 33 * K4, 67 * K4, PT_READ | PT_EXEC), ZX_OK);
    CHECK_EQ(fake_tlb_count(TLB_ASID), 1);
    CHECK_EQ(fake_tlb_total(), 1);

    // A 2M leaf: one fence at an address inside it.
    CHECK_EQ(tmap(0x80000000, 0x80000000, M2, PT_READ), ZX_OK);
    fake_tlb_reset();
    CHECK_EQ(tunmap(0x80000000, M2), ZX_OK);
    CHECK(fake_tlb_count(TLB_PAGE) == 1 || fake_tlb_count(TLB_ASID) >= 1);

    fake_tlb_reset();
    teardown();
    CHECK(fake_tlb_count(TLB_ASID) + fake_tlb_count(TLB_ALL) >= 1);  // destroy fences before freeing
    CHECK_EQ(fake_violations(), 0);
}

static void case_destroy(void) {
    setup(4);
    CHECK_EQ(tmap(0x1000, 0x90000000, 5 * M2, PT_READ | PT_SMALL), ZX_OK);
    CHECK_EQ(tmap(G1, 0x100000000, 3 * G1, PT_READ), ZX_OK);
    CHECK_EQ(tunmap(G1 + 5 * K4, K4), ZX_OK);
    CHECK_EQ(tmap(UPPER + 7 * G1, 0x80000000, M2 + K4, PT_READ | PT_WRITE), ZX_OK);
    CHECK(P.tables > 8);
    CHECK_EQ(P.tables, fake_frames_in_use());
    uint64_t frees = fake_free_calls(), tables = P.tables;
    fake_tlb_reset();
    teardown();
    CHECK_EQ(fake_frames_in_use(), 0);
    CHECK_EQ(fake_free_calls() - frees, tables);
    CHECK_EQ(fake_tlb_count(TLB_ASID), 1);

    // A table holding global leaves is fenced with tlb_flush_all.
    setup(4);
    CHECK_EQ(tmap(UPPER, 0x80000000, K4, PT_READ | PT_GLOBAL), ZX_OK);
    fake_tlb_reset();
    teardown();
    CHECK_EQ(fake_tlb_count(TLB_ALL), 1);
    CHECK_EQ(fake_frames_in_use(), 0);
}

// What mm/kaspace.c and kern/selftest.c do with the kernel table (ASID 0).
static void case_kernel_like(void) {
    setup(0);
    uint64_t kv = 0xffffffff80200000ull, kp = 0x80200000;
    CHECK_EQ(tmap(kv, kp, 0x5000, PT_READ | PT_EXEC | PT_SMALL | PT_GLOBAL), ZX_OK);
    CHECK_EQ(tmap(kv + 0x5000, kp + 0x5000, 0x3000, PT_READ | PT_SMALL | PT_GLOBAL), ZX_OK);
    CHECK_EQ(tmap(kv + 0x8000, kp + 0x8000, 0x20000, PT_READ | PT_WRITE | PT_SMALL | PT_GLOBAL), ZX_OK);
    CHECK_EQ(tmap(UPPER + 0x80000000, 0x80000000, 0x7fe00000, PT_READ | PT_WRITE | PT_GLOBAL), ZX_OK);
    EXPECT_MAP(UPPER + 0x80000000, 0x80000000, PT_READ | PT_WRITE | PT_GLOBAL, G1);
    EXPECT_MAP(UPPER + 0xc0000000, 0xc0000000, PT_READ | PT_WRITE | PT_GLOBAL, M2);
    EXPECT_MAP(kv + 0x1234, kp + 0x1234, PT_READ | PT_EXEC | PT_GLOBAL, K4);
    EXPECT_MAP(kv + 0x9000, kp + 0x9000, PT_READ | PT_WRITE | PT_GLOBAL, K4);
    CHECK_EQ(tmap(kv, 0x90000000, K4, PT_READ), ZX_ERR_ALREADY_EXISTS);
    // ioremap and a kernel stack with its guard.
    uint64_t mmio = 0xffffffe000000000ull, ks = 0xffffffe040000000ull;
    CHECK_EQ(tmap(mmio, 0x10000000, K4, PT_READ | PT_WRITE | PT_GLOBAL | PT_SMALL), ZX_OK);
    CHECK_EQ(tmap(ks + K4, 0x90000000, 4 * K4, PT_READ | PT_WRITE | PT_GLOBAL | PT_SMALL), ZX_OK);
    EXPECT_UNMAPPED(ks);
    // The self-test's alias pair.
    uint64_t a = ks + G1 - M2, b = a + 0x100000, frame = 0x91234000;
    CHECK_EQ(tmap(a, frame, K4, PT_READ | PT_WRITE | PT_GLOBAL), ZX_OK);
    CHECK_EQ(tmap(b, frame, K4, PT_READ | PT_WRITE | PT_GLOBAL), ZX_OK);
    EXPECT_MAP(b + 0x123, frame + 0x123, PT_READ | PT_WRITE | PT_GLOBAL, K4);
    uint64_t tables = P.tables;
    fake_tlb_reset();
    CHECK_EQ(tprot(b, K4, PT_READ | PT_GLOBAL), ZX_OK);
    CHECK_EQ(fake_tlb_count(TLB_ALL), 1);
    CHECK_EQ(tunmap(a, K4), ZX_OK);
    CHECK_EQ(tunmap(b, K4), ZX_OK);
    CHECK_EQ(P.tables, tables - 1);
    EXPECT_UNMAPPED(a);
    EXPECT_MAP(ks + K4, 0x90000000, PT_READ | PT_WRITE | PT_GLOBAL, K4);
    CHECK_EQ(fake_tlb_count(TLB_PAGE) + fake_tlb_count(TLB_ASID), 0);  // global: always flush_all
    check_invariants();
    teardown();
}

// ---- randomized test against a model ---------------------------------------------

#define WIN_PAGES (1ull << 20)  // a 4 GiB window
#define MAX_OP_PAGES ((G1 >> 12) + 1024)

struct mpage {
    uint64_t pa;
    uint8_t flags, mapped;
};
struct old {
    uint64_t pa, leaf;
    unsigned flags;
    bool mapped;
};

static uint64_t rng_state;
static uint64_t rnd(void) { return th_xorshift(&rng_state); }

static struct mpage *model;
static struct old *olds;
static uint64_t win;  // window base VA

struct cmp_ctx {
    uint64_t pages, bad;
};
static void cmp_leaf(uint64_t v, uint64_t e, int lvl, void *arg) {
    struct cmp_ctx *c = arg;
    uint64_t n = lsize(lvl) >> 12;
    if (v - win >= WIN_PAGES << 12) {
        c->bad++;
        return;
    }
    uint64_t first = (v - win) >> 12;
    unsigned f = (e & PTE_R ? PT_READ : 0) | (e & PTE_W ? PT_WRITE : 0) | (e & PTE_X ? PT_EXEC : 0) |
                 (e & PTE_U ? PT_USER : 0) | (e & PTE_G ? PT_GLOBAL : 0) |
                 ((e >> 61 & 3) == 1 ? PT_NC : 0) | ((e >> 61 & 3) == 2 ? PT_IO : 0);
    for (uint64_t i = 0; i < n; i++) {
        const struct mpage *m = &model[first + i];
        if (!m->mapped || m->pa != pte_addr(e) + (i << 12) || m->flags != f) c->bad++;
    }
    c->pages += n;
}

static bool covered(const struct old *o, uint64_t v) {
    uint64_t lb = v & ~(o->leaf - 1);
    for (unsigned i = 0; i < fake_tlb_logged(); i++) {
        const struct tlb_call *c = fake_tlb_call(i);
        if (c->kind == TLB_ALL) return true;
        if (o->flags & PT_GLOBAL) continue;
        if (c->kind == TLB_ASID && c->asid == P.asid) return true;
        if (c->kind == TLB_PAGE && c->asid == P.asid && c->va >= lb && c->va - lb < o->leaf) return true;
    }
    return false;
}

// types: Svpbmt on, and a third of the maps and protects ask for NC or IO.
static void random_run(uint64_t window, uint64_t seed, unsigned ops, bool types) {
    setup(0x55);
    pt_set_svpbmt(types);
    win = window;
    rng_state = seed;
    memset(model, 0, WIN_PAGES * sizeof(*model));
    struct snap s0 = {0}, s1 = {0};
    static const unsigned good[] = {PT_READ,           PT_READ | PT_WRITE, PT_EXEC,
                                    PT_READ | PT_EXEC, PT_READ | PT_USER,  PT_READ | PT_WRITE | PT_USER,
                                    PT_READ | PT_EXEC | PT_USER};
    unsigned n_ok = 0, n_exist = 0, n_nf = 0, n_nomem = 0, n_inval = 0, fails_before = th_case_failures;
    for (unsigned op = 0; op < ops && th_case_failures - fails_before < 10; op++) {
        // A range in pages.
        uint64_t r = rnd() % 40, start, n;
        if (r < 26) {
            start = rnd() % WIN_PAGES;
            n = 1 + rnd() % 48;
        } else if (r < 39) {
            start = (rnd() % (WIN_PAGES / 512)) * 512 + (rnd() % 3 == 0 ? rnd() % 512 : 0);
            n = (1 + rnd() % 3) * 512 + (rnd() % 2 ? rnd() % 512 : 0);
        } else {
            start = (rnd() % 4) * 262144 + (rnd() % 4 == 0 ? rnd() % 262144 : 0);
            n = 262144 + (rnd() % 3 == 0 ? rnd() % 1024 : 0);
        }
        if (start + n > WIN_PAGES) n = WIN_PAGES - start;
        uint64_t v = win + (start << 12), len = n << 12;
        int kind = (int)(rnd() % 10);  // 0..4 map, 5..7 unmap, 8..9 protect
        unsigned f = good[rnd() % 7] | (rnd() % 4 == 0 ? PT_GLOBAL : 0) | (rnd() % 5 == 0 ? PT_SMALL : 0);
        if (types) f |= (unsigned[]){0, 0, 0, 0, PT_NC, PT_IO}[rnd() % 6];
        bool invalid = rnd() % 40 == 0;
        if (invalid) f |= (rnd() % 2) ? PT_WRITE | PT_EXEC : 0x100u;
        uint64_t p = 0;
        switch (rnd() % 4) {
        case 0: p = (start << 12) + (rnd() % 64) * G1; break;
        case 1: p = (start << 12) + (rnd() % 4096) * M2; break;
        default: p = (rnd() % (1ull << 32)) << 12; break;
        }
        bool inject_nomem = rnd() % 10 == 0;

        // Expected result and the old state of the range.
        bool any_mapped = false, all_mapped = true;
        for (uint64_t i = 0; i < n; i++) {
            any_mapped |= model[start + i].mapped;
            all_mapped &= model[start + i].mapped;
            paddr_t gp;
            size_t leaf;
            struct old *o = &olds[i];
            o->mapped = pt_lookup(&P, va(v + (i << 12)), &gp, &o->flags, &leaf) == ZX_OK;
            o->pa = pa_val(gp);
            o->leaf = leaf;
        }
        zx_status_t want = ZX_OK;
        if (invalid && (kind <= 4 || kind >= 8))
            want = ZX_ERR_INVALID_ARGS;
        else if (kind <= 4 && any_mapped)
            want = ZX_ERR_ALREADY_EXISTS;
        else if (kind >= 8 && !all_mapped)
            want = ZX_ERR_NOT_FOUND;

        if (inject_nomem) snap_take(&s0);
        uint64_t tables0 = P.tables, allocs0 = fake_alloc_calls();
        fake_tlb_reset();
        if (inject_nomem) fake_alloc_fail_nth(1 + rnd() % 3);
        zx_status_t st = kind <= 4 ? tmap(v, p, len, f) : kind <= 7 ? tunmap(v, len) : tprot(v, len, f);
        fake_alloc_fail_nth(0);
        uint64_t allocs = fake_alloc_calls() - allocs0;

        if (st == ZX_ERR_NO_MEMORY && inject_nomem && want == ZX_OK) {
            n_nomem++;
            snap_take(&s1);
            CHECK(snap_eq(&s0, &s1));
        } else if (!CHECK_EQ(st, want)) {
            printf("    (op %u kind %d va %#llx len %#llx pa %#llx flags %#x)\n", op, kind, (unsigned long long)v,
                   (unsigned long long)len, (unsigned long long)p, f);
        }
        CHECK_EQ(P.tables, fake_frames_in_use());
        if (st == ZX_OK) {
            n_ok++;
            if (kind <= 4) CHECK_EQ(P.tables - tables0, allocs);  // exactly the tables needed
            for (uint64_t i = 0; i < n; i++) {
                struct mpage *m = &model[start + i];
                if (kind <= 4) {
                    m->mapped = 1;
                    m->pa = p + (i << 12);
                    m->flags = (uint8_t)(f & ~PT_SMALL);
                } else if (kind <= 7) {
                    m->mapped = 0;
                } else {
                    m->flags = (uint8_t)(f & ~PT_SMALL);
                }
            }
        } else if (st == ZX_ERR_ALREADY_EXISTS) {
            n_exist++;
        } else if (st == ZX_ERR_NOT_FOUND) {
            n_nf++;
        } else if (st == ZX_ERR_INVALID_ARGS) {
            n_inval++;
        }

        // Every page of the range against the model; leaf sizes of a fresh
        // map are the greedy choice; changed translations were fenced.
        uint64_t cur_leaf_end = 0, cur_leaf = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t x = v + (i << 12);
            const struct mpage *m = &model[start + i];
            paddr_t gp;
            unsigned gf;
            size_t leaf;
            zx_status_t ls = pt_lookup(&P, va(x + 0x10), &gp, &gf, &leaf);
            bool ok = m->mapped ? (ls == ZX_OK && pa_val(gp) == m->pa + 0x10 && gf == m->flags)
                                : ls == ZX_ERR_NOT_FOUND;
            if (ok && st == ZX_OK && kind <= 4) {
                if (x - v >= cur_leaf_end) {
                    uint64_t q = p + (x - v), rem = len - (x - v);
                    cur_leaf = K4;
                    if (!(f & PT_SMALL)) {
                        if ((x & (G1 - 1)) == 0 && (q & (G1 - 1)) == 0 && rem >= G1)
                            cur_leaf = G1;
                        else if ((x & (M2 - 1)) == 0 && (q & (M2 - 1)) == 0 && rem >= M2)
                            cur_leaf = M2;
                    }
                    cur_leaf_end = (x - v) + cur_leaf;
                }
                ok = leaf == cur_leaf;
            }
            const struct old *o = &olds[i];
            if (ok && o->mapped && (ls != ZX_OK || pa_val(gp) != o->pa + 0x10 || gf != o->flags))
                ok = covered(o, x);
            if (!CHECK(ok)) {
                printf("    (op %u kind %d st %d: page %#llx lookup %d pa %#llx flags %#x leaf %#zx, "
                       "model %d %#llx %#x)\n",
                       op, kind, st, (unsigned long long)x, ls, (unsigned long long)pa_val(gp), gf, leaf, m->mapped,
                       (unsigned long long)m->pa, m->flags);
                break;
            }
        }
        if (kind <= 4) CHECK_EQ(fake_tlb_total(), 0);
        if (kind > 4 && P.tables != tables0) CHECK(fake_tlb_count(TLB_ASID) + fake_tlb_count(TLB_ALL) >= 1);

        if (op % 64 == 63 || op == ops - 1) {
            check_invariants();
            struct cmp_ctx c = {0, 0};
            leaves(cmp_leaf, &c);
            uint64_t mapped = 0;
            for (uint64_t i = 0; i < WIN_PAGES; i++) mapped += model[i].mapped;
            CHECK_EQ(c.bad, 0);
            CHECK_EQ(c.pages, mapped);
        }
    }
    printf("    [%u ok, %u exists, %u not found, %u invalid, %u no memory]\n", n_ok, n_exist, n_nf, n_inval, n_nomem);
    CHECK(n_ok > ops / 3 && n_exist > 0 && n_nf > 0 && n_inval > 0 && n_nomem > 0);
    CHECK_EQ(tunmap(win, WIN_PAGES << 12), ZX_OK);
    CHECK_EQ(P.tables, 1);
    CHECK_EQ(fake_frames_in_use(), 1);
    CHECK_EQ(fake_violations(), 0);
    snap_free(&s0);
    snap_free(&s1);
    teardown();
}

// Svpbmt memory types: PT_NC / PT_IO set PBMT in leaves only while enabled,
// lookup reports them, splits keep them, protect replaces them.
static void case_memory_types(void) {
    setup(12);
    // Disabled (no Svpbmt): accepted, and the bits stay zero.
    CHECK(!pt_svpbmt());
    CHECK_EQ(tmap(0x40000000, 0x90000000, K4, PT_READ | PT_WRITE | PT_IO), ZX_OK);
    EXPECT_MAP(0x40000000, 0x90000000, PT_READ | PT_WRITE, K4);
    CHECK_EQ(raw_pte(0x40000000, NULL) >> 54, 0);
    CHECK_EQ(tunmap(0x40000000, K4), ZX_OK);

    pt_set_svpbmt(true);
    CHECK(pt_svpbmt());
    CHECK_EQ(tmap(0x40000000, 0x90000000, K4, PT_READ | PT_WRITE | PT_USER | PT_NC), ZX_OK);
    EXPECT_MAP(0x40000000 + 8, 0x90000000 + 8, PT_READ | PT_WRITE | PT_USER | PT_NC, K4);
    CHECK_EQ(raw_pte(0x40000000, NULL), (0x90000ull << 10) | PTE_PBMT_NC | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
    CHECK_EQ(tmap(0x40001000, 0x10000000, K4, PT_READ | PT_WRITE | PT_GLOBAL | PT_IO), ZX_OK);
    EXPECT_MAP(0x40001000, 0x10000000, PT_READ | PT_WRITE | PT_GLOBAL | PT_IO, K4);
    CHECK_EQ(raw_pte(0x40001000, NULL) & PTE_PBMT_MASK, PTE_PBMT_IO);
    CHECK_EQ(tmap(0x40002000, 0x90002000, K4, PT_READ), ZX_OK);  // PMA: 0
    CHECK_EQ(raw_pte(0x40002000, NULL) & PTE_PBMT_MASK, 0);
    CHECK_EQ(tmap(0x40003000, 0x90003000, K4, PT_READ | PT_NC | PT_IO), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(tprot(0x40002000, K4, PT_READ | PT_NC | PT_IO), ZX_ERR_INVALID_ARGS);

    // A 2M IO leaf split by unmap: the 4K leaves left keep IO.
    uint64_t v = 0x40200000, p = 0x20000000;
    CHECK_EQ(tmap(v, p, M2, PT_READ | PT_WRITE | PT_IO), ZX_OK);
    EXPECT_MAP(v, p, PT_READ | PT_WRITE | PT_IO, M2);
    CHECK_EQ(tunmap(v + 5 * K4, K4), ZX_OK);
    EXPECT_UNMAPPED(v + 5 * K4);
    for (uint64_t o = 0; o < M2; o += 37 * K4)
        if (o != 5 * K4) EXPECT_MAP(v + o, p + o, PT_READ | PT_WRITE | PT_IO, K4);
    // Protect replaces the type (IO -> NC, NC -> PMA); the same flags again change nothing.
    CHECK_EQ(tprot(v, 4 * K4, PT_READ | PT_NC), ZX_OK);
    EXPECT_MAP(v + 3 * K4, p + 3 * K4, PT_READ | PT_NC, K4);
    CHECK_EQ(raw_pte(v + 3 * K4, NULL) & PTE_PBMT_MASK, PTE_PBMT_NC);
    EXPECT_MAP(v + 4 * K4, p + 4 * K4, PT_READ | PT_WRITE | PT_IO, K4);
    fake_tlb_reset();
    CHECK_EQ(tprot(v, 4 * K4, PT_READ | PT_NC), ZX_OK);
    CHECK_EQ(fake_tlb_total(), 0);
    CHECK_EQ(tprot(v, K4, PT_READ), ZX_OK);
    EXPECT_MAP(v, p, PT_READ, K4);
    CHECK_EQ(raw_pte(v, NULL) & PTE_PBMT_MASK, 0);
    check_invariants();

    // The cache policy of a VMO picks the type of its user mappings.
    CHECK_EQ(pt_cache_policy_flags(ZX_CACHE_POLICY_CACHED), 0);
    CHECK_EQ(pt_cache_policy_flags(ZX_CACHE_POLICY_WRITE_COMBINING), PT_NC);
    CHECK_EQ(pt_cache_policy_flags(ZX_CACHE_POLICY_UNCACHED), PT_IO);
    CHECK_EQ(pt_cache_policy_flags(ZX_CACHE_POLICY_UNCACHED_DEVICE), PT_IO);
    // Switched off again: new maps and protects drop the type.
    pt_set_svpbmt(false);
    CHECK_EQ(tprot(v + 4 * K4, K4, PT_READ | PT_IO), ZX_OK);
    EXPECT_MAP(v + 4 * K4, p + 4 * K4, PT_READ, K4);
    CHECK_EQ(raw_pte(v + 4 * K4, NULL) & PTE_PBMT_MASK, 0);
    CHECK_EQ(tunmap(0x40000000, 2 * M2), ZX_OK);
    CHECK_EQ(P.tables, 1);
    teardown();
}

static void case_random_lower(void) { random_run(0, 0x9e3779b97f4a7c15ull, 4000, false); }
static void case_random_top(void) { random_run(TOP, 0x0123456789abcdefull, 4000, true); }

// ---- main --------------------------------------------------------------------

// Every case starts from an empty fake RAM and ends with Svpbmt off again
// and every frame given back.
static void reset_fakes(void) {
    fake_mem_reset();
    fake_tlb_reset();
}

static void check_fakes(void) {
    pt_set_svpbmt(false);
    CHECK_EQ(fake_frames_in_use(), 0);
    CHECK_EQ(fake_violations(), 0);
}

int main(void) {
    model = calloc(WIN_PAGES, sizeof(*model));
    olds = calloc(MAX_OP_PAGES, sizeof(*olds));
    if (!model || !olds) return 2;
    th_prefix = "pt";
    th_before_case = reset_fakes;
    th_after_case = check_fakes;
    th_run_case("init, satp", case_init_satp);
    th_run_case("map/lookup 4K", case_map_4k);
    th_run_case("map/lookup 2M", case_map_2m);
    th_run_case("map/lookup 1G", case_map_1g);
    th_run_case("map over a mapping: ALREADY_EXISTS", case_map_exists);
    th_run_case("invalid arguments", case_invalid_args);
    th_run_case("unmap whole mappings and holes", case_unmap_full);
    th_run_case("unmap splits 1G and 2M leaves", case_unmap_split);
    th_run_case("empty tables are freed", case_tables_freed);
    th_run_case("protect", case_protect);
    th_run_case("allocation failures during map", case_fail_map);
    th_run_case("allocation failures during splits", case_fail_split);
    th_run_case("TLB fences", case_tlb);
    th_run_case("destroy returns every frame", case_destroy);
    th_run_case("kernel-like use (ASID 0, global)", case_kernel_like);
    th_run_case("memory types (Svpbmt PBMT bits)", case_memory_types);
    th_run_case("random ops vs model, lower half", case_random_lower);
    th_run_case("random ops vs model, top 4 GiB, NC/IO", case_random_top);
    free(model);
    free(olds);
    return th_exit_status("pt-host");
}
