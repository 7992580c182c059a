// Unit tests of obj/handle.c, built unchanged for the host over a fake heap
// (fake_kheap.c) and a fake object type (fake_object.c).
#include <zircon/types.h>

#include "fake_kheap.h"
#include "fake_object.h"
#include "../harness.h"
#include "obj/handle.h"
#include "obj/object.h"

#define SECRET_A 0x5eedf00du
#define SECRET_B 0xc0ffee11u
#define RIGHTS_RW (ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_DUPLICATE)

static bool fixed_bits_ok(zx_handle_t h) { return h != ZX_HANDLE_INVALID && (h & 3u) == 3u; }

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

// Every operation that takes a handle refuses h with BAD_HANDLE and changes
// nothing.
static void expect_bad(struct handle_table *t, zx_handle_t h) {
    uint32_t count = handle_table_count(t);
    struct object *sentinel = (struct object *)(uintptr_t)0x1000;
    struct object *o = sentinel;
    zx_rights_t r = 0xdeadu;
    zx_handle_t out = 0x77u;
    int fails = th_case_failures;
    CHECK_EQ(handle_get(t, h, ZX_OBJ_TYPE_NONE, 0, &o, &r), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(handle_get(t, h, ZX_OBJ_TYPE_VMO, ZX_RIGHT_WRITE, &o, &r), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(handle_remove(t, h, &o, &r), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(handle_close(t, h), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(handle_replace(t, h, ZX_RIGHT_READ, &out), ZX_ERR_BAD_HANDLE);
    CHECK(o == sentinel);
    CHECK_EQ(r, 0xdeadu);
    CHECK_EQ(out, 0x77u);
    CHECK_EQ(handle_table_count(t), count);
    if (th_case_failures != fails) printf("    (value 0x%08x)\n", h);
}

// h names obj with exactly `rights`.
static void expect_live(struct handle_table *t, zx_handle_t h, struct fake_obj *obj, zx_rights_t rights) {
    struct object *o = NULL;
    zx_rights_t r = 0;
    uint32_t refs = fake_refs(obj);
    CHECK_EQ(handle_get(t, h, ZX_OBJ_TYPE_NONE, rights, &o, &r), ZX_OK);
    CHECK(o == fake_base(obj));
    CHECK_EQ(r, rights);
    CHECK_EQ(fake_refs(obj), refs + 1);
    if (o) object_unref(o);
}

static void case_init_args(void) {
    struct handle_table t;
    long live = fake_kheap_live(), allocs = fake_kheap_allocs();
    CHECK_EQ(handle_table_init(&t, 0, SECRET_A), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(handle_table_init(&t, HANDLE_TABLE_MAX_SLOTS + 1, SECRET_A), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(handle_table_init(&t, UINT32_MAX, SECRET_A), ZX_ERR_INVALID_ARGS);
    REQUIRE(handle_table_init(&t, HANDLE_TABLE_MAX_SLOTS, SECRET_A) == ZX_OK);
    CHECK_EQ(handle_table_count(&t), 0);
    CHECK_EQ(t.cap, 0);
    CHECK_EQ(fake_kheap_allocs(), allocs);  // nothing allocated before the first add
    expect_bad(&t, 3);
    expect_bad(&t, 0xffffffffu);
    handle_table_destroy(&t);
    CHECK_EQ(fake_kheap_live(), live);
}

static void case_round_trip(void) {
    struct handle_table t;
    struct fake_rec rec;
    long live = fake_kheap_live();
    REQUIRE(handle_table_init(&t, 64, SECRET_A) == ZX_OK);
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, &rec);
    zx_handle_t h = 0;
    CHECK_EQ(handle_add(&t, fake_base(obj), RIGHTS_RW, &h), ZX_OK);
    CHECK(fixed_bits_ok(h));
    CHECK_EQ(fake_refs(obj), 2);
    CHECK_EQ(fake_handles(obj), 1);
    CHECK_EQ(handle_table_count(&t), 1);

    struct object *o = NULL;
    zx_rights_t r = 0;
    CHECK_EQ(handle_get(&t, h, ZX_OBJ_TYPE_NONE, 0, &o, &r), ZX_OK);
    CHECK(o == fake_base(obj));
    CHECK_EQ(r, RIGHTS_RW);
    CHECK_EQ(fake_refs(obj), 3);
    object_unref(o);
    o = NULL;
    CHECK_EQ(handle_get(&t, h, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_READ, &o, NULL), ZX_OK);  // out_rights may be NULL
    CHECK(o == fake_base(obj));
    object_unref(o);
    CHECK_EQ(fake_refs(obj), 2);
    CHECK_EQ(handle_table_count(&t), 1);

    CHECK_EQ(handle_close(&t, h), ZX_OK);
    CHECK_EQ(handle_table_count(&t), 0);
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 0);
    CHECK_EQ(rec.zero_calls, 1);
    CHECK_EQ(rec.destroyed, 0);
    expect_bad(&t, h);
    object_unref(fake_base(obj));
    CHECK_EQ(rec.destroyed, 1);
    CHECK_EQ(rec.zero_calls, 1);
    handle_table_destroy(&t);
    CHECK_EQ(fake_kheap_live(), live);
}

// Properties of the values of n handles added in a row to a table with `secret`.
static void check_values(uint32_t secret, uint32_t n) {
    struct handle_table t;
    REQUIRE(handle_table_init(&t, n, secret) == ZX_OK);
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_VMO, NULL);
    uint32_t *h = calloc(n, sizeof(*h)), *sorted = calloc(n, sizeof(*sorted)), *diffs = calloc(n, sizeof(*diffs));
    REQUIRE(h && sorted && diffs);
    int bad_bits = 0;
    for (uint32_t i = 0; i < n; i++) {
        CHECK_EQ(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &h[i]), ZX_OK);
        if (!fixed_bits_ok(h[i])) bad_bits++;
    }
    CHECK_EQ(bad_bits, 0);
    CHECK_EQ(fake_handles(obj), n);
    memcpy(sorted, h, n * sizeof(*h));
    qsort(sorted, n, sizeof(*sorted), cmp_u32);
    uint32_t dups = 0;
    for (uint32_t i = 1; i < n; i++) dups += sorted[i] == sorted[i - 1];
    CHECK_EQ(dups, 0);
    // Not sequential: no step of +-4 (the smallest step the fixed bits allow),
    // the steps are nearly all different, and go up about half the time.
    uint32_t small_steps = 0, ups = 0;
    for (uint32_t i = 1; i < n; i++) {
        uint32_t d = h[i] - h[i - 1];
        diffs[i - 1] = d;
        small_steps += d == 4u || d == (uint32_t)-4;
        ups += h[i] > h[i - 1];
    }
    qsort(diffs, n - 1, sizeof(*diffs), cmp_u32);
    uint32_t distinct = n > 1;
    for (uint32_t i = 1; i + 1 < n; i++) distinct += diffs[i] != diffs[i - 1];
    CHECK_EQ(small_steps, 0);
    CHECK(distinct > (n - 1) * 9 / 10);
    CHECK(ups > (n - 1) * 3 / 10 && ups < (n - 1) * 7 / 10);
    // Every value resolves to its own handle.
    int unresolved = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct object *o = NULL;
        if (handle_get(&t, h[i], ZX_OBJ_TYPE_VMO, ZX_RIGHT_READ, &o, NULL) != ZX_OK || o != fake_base(obj))
            unresolved++;
        if (o) object_unref(o);
    }
    CHECK_EQ(unresolved, 0);
    for (uint32_t i = 0; i < n; i++) CHECK_EQ(handle_close(&t, h[i]), ZX_OK);
    CHECK_EQ(handle_table_count(&t), 0);
    CHECK_EQ(fake_refs(obj), 1);
    object_unref(fake_base(obj));
    handle_table_destroy(&t);
    free(h);
    free(sorted);
    free(diffs);
}

static void case_value_properties(void) {
    long live = fake_kheap_live();
    check_values(SECRET_A, 10000);
    check_values(0, 10000);  // secret 0 is not special
    check_values(0xffffffffu, 10000);
    check_values(SECRET_B, HANDLE_TABLE_MAX_SLOTS);  // a full index space
    CHECK_EQ(fake_kheap_live(), live);

    // The secret matters: the same sequence of operations in two tables
    // gives different values.
    struct handle_table a, b;
    REQUIRE(handle_table_init(&a, 100, SECRET_A) == ZX_OK);
    REQUIRE(handle_table_init(&b, 100, SECRET_B) == ZX_OK);
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, NULL);
    int same = 0;
    for (int i = 0; i < 100; i++) {
        zx_handle_t ha = 0, hb = 0;
        CHECK_EQ(handle_add(&a, fake_base(obj), 0, &ha), ZX_OK);
        CHECK_EQ(handle_add(&b, fake_base(obj), 0, &hb), ZX_OK);
        same += ha == hb;
    }
    CHECK_EQ(same, 0);
    handle_table_destroy(&a);
    handle_table_destroy(&b);
    CHECK_EQ(fake_refs(obj), 1);
    object_unref(fake_base(obj));
    CHECK_EQ(fake_kheap_live(), live);
}

// One slot, reused over and over: every generation gives a new value with the
// fixed bits, the previous value goes stale at once, and (a documented quirk)
// values repeat after 2^HANDLE_GEN_BITS reuses of the slot.
static void case_generation_cycle(void) {
    const uint32_t period = 1u << HANDLE_GEN_BITS;
    uint64_t seed = 0x6e6e;
    uint32_t *h = calloc(period + 16, sizeof(*h)), *sorted = calloc(period, sizeof(*sorted));
    REQUIRE(h && sorted);
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, NULL);
    for (int s = 0; s < 24; s++) {
        uint32_t secret = s == 0 ? 0 : s == 1 ? 0xffffffffu : (uint32_t)th_rand(&seed);
        struct handle_table t;
        REQUIRE(handle_table_init(&t, 1, secret) == ZX_OK);
        int bad_bits = 0, not_stale = 0, not_live = 0, wrong_repeat = 0;
        for (uint32_t i = 0; i < period + 16; i++) {
            if (handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &h[i]) != ZX_OK) {
                CHECK(!"add failed");
                break;
            }
            if (!fixed_bits_ok(h[i])) bad_bits++;
            struct object *o = NULL;
            if (handle_get(&t, h[i], ZX_OBJ_TYPE_NONE, 0, &o, NULL) != ZX_OK)
                not_live++;
            else
                object_unref(o);
            if (i > 0 && handle_get(&t, h[i - 1], ZX_OBJ_TYPE_NONE, 0, &o, NULL) != ZX_ERR_BAD_HANDLE) not_stale++;
            if (i >= period && h[i] != h[i - period]) wrong_repeat++;
            CHECK_EQ(handle_close(&t, h[i]), ZX_OK);
        }
        memcpy(sorted, h, period * sizeof(*h));
        qsort(sorted, period, sizeof(*sorted), cmp_u32);
        uint32_t dups = 0;
        for (uint32_t i = 1; i < period; i++) dups += sorted[i] == sorted[i - 1];
        CHECK_EQ(bad_bits, 0);
        CHECK_EQ(not_live, 0);
        CHECK_EQ(not_stale, 0);
        CHECK_EQ(dups, 0);
        CHECK_EQ(wrong_repeat, 0);
        handle_table_destroy(&t);
    }
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 0);
    object_unref(fake_base(obj));
    free(h);
    free(sorted);
}

// The encoding, restated from obj/handle.c (a pin: change both together).
// value = mix(gen << 18 | index, secret) << 2 | 3, mix a keyed bijection of
// 30-bit numbers.
#define REF_MASK30 0x3fffffffu
static uint32_t ref_mix(uint32_t x, uint32_t secret) {
    uint32_t k_in = secret & REF_MASK30;
    uint32_t k_out = ((secret >> 13) ^ (secret << 17) ^ (secret >> 30)) & REF_MASK30;
    x = (x ^ k_in) & REF_MASK30;
    x = (x * 0x2c1b3c6du) & REF_MASK30;
    x ^= x >> 15;
    x = (x * 0x297a2d39u) & REF_MASK30;
    x ^= x >> 15;
    return x ^ k_out;
}
static zx_handle_t ref_encode(uint32_t secret, uint32_t index, uint32_t gen) {
    return ref_mix(gen << HANDLE_INDEX_BITS | index, secret) << 2 | 3u;
}

// Values are exactly the documented encoding; values crafted with it for
// boundary cases (index == cap, last index, wrong generation, wrong secret)
// are refused.
static void case_encoding_pinned(void) {
    struct handle_table t;
    const uint32_t secret = SECRET_B;
    REQUIRE(handle_table_init(&t, 64, secret) == ZX_OK);
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, NULL);
    zx_handle_t h[16];
    // A fresh table hands out slots 0, 1, 2... in order, generation 0.
    for (uint32_t i = 0; i < 16; i++) {
        REQUIRE(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &h[i]) == ZX_OK);
        CHECK_EQ(h[i], ref_encode(secret, i, 0));
    }
    CHECK_EQ(t.cap, 16);
    expect_bad(&t, ref_encode(secret, 16, 0));  // index == cap
    expect_bad(&t, ref_encode(secret, 17, 0));
    expect_bad(&t, ref_encode(secret, HANDLE_TABLE_MAX_SLOTS - 1, 0));
    expect_bad(&t, ref_encode(secret, 15, 1));  // wrong generation
    expect_bad(&t, ref_encode(secret, 0, (1u << HANDLE_GEN_BITS) - 1));
    expect_bad(&t, ref_encode(secret ^ 0x40u, 0, 0));  // another table's secret
    expect_bad(&t, ref_encode(secret, 0, 0) & ~3u);
    // Freed slots go to the back of the free queue (FIFO), behind slots not
    // used yet; the array grows only when no slot is free.
    CHECK_EQ(handle_close(&t, h[3]), ZX_OK);
    CHECK_EQ(handle_close(&t, h[5]), ZX_OK);
    expect_bad(&t, ref_encode(secret, 3, 0));
    zx_handle_t x = 0;
    CHECK_EQ(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &x), ZX_OK);
    CHECK_EQ(x, ref_encode(secret, 3, 1));  // LIFO would give slot 5
    CHECK_EQ(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &x), ZX_OK);
    CHECK_EQ(x, ref_encode(secret, 5, 1));
    CHECK_EQ(t.cap, 16);
    CHECK_EQ(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &x), ZX_OK);
    CHECK_EQ(x, ref_encode(secret, 16, 0));  // grown to 32
    CHECK_EQ(t.cap, 32);
    CHECK_EQ(handle_close(&t, h[1]), ZX_OK);
    for (uint32_t i = 17; i < 32; i++) {  // the fresh slots come first...
        CHECK_EQ(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &x), ZX_OK);
        CHECK_EQ(x, ref_encode(secret, i, 0));
    }
    CHECK_EQ(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &x), ZX_OK);
    CHECK_EQ(x, ref_encode(secret, 1, 1));  // ...then the freed one
    CHECK_EQ(handle_add(&t, fake_base(obj), ZX_RIGHT_READ, &x), ZX_OK);
    CHECK_EQ(x, ref_encode(secret, 32, 0));  // grown to 64
    CHECK_EQ(t.cap, 64);
    expect_bad(&t, ref_encode(secret, 64, 0));
    expect_bad(&t, ref_encode(secret, 33, 0));  // in range, free
    // Replace takes the head of the free queue (slot 34 here), not the slot
    // it frees, unless that is the only free one.
    zx_handle_t nh = 0;
    CHECK_EQ(handle_replace(&t, h[0], ZX_RIGHT_READ, &nh), ZX_OK);
    CHECK_EQ(nh, ref_encode(secret, 33, 0));
    handle_table_destroy(&t);

    // Sampled over secrets, indexes and generations: the fixed bits always
    // hold (they are ORed in after the shift, so this is by construction).
    uint64_t seed = 0x9a9a;
    int bad_bits = 0;
    for (int s = 0; s < 2000; s++) {
        uint32_t sec = (uint32_t)th_rand(&seed);
        for (uint32_t k = 0; k < 64; k++) {
            zx_handle_t v = ref_encode(sec, (uint32_t)th_rand(&seed) & (HANDLE_TABLE_MAX_SLOTS - 1),
                                       (uint32_t)th_rand(&seed) & ((1u << HANDLE_GEN_BITS) - 1));
            bad_bits += !fixed_bits_ok(v);
        }
    }
    CHECK_EQ(bad_bits, 0);
    CHECK_EQ(fake_refs(obj), 1);
    object_unref(fake_base(obj));
}

static void case_type_and_rights(void) {
    struct handle_table t;
    REQUIRE(handle_table_init(&t, 8, SECRET_A) == ZX_OK);
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, NULL);
    const zx_rights_t rights = ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE;
    zx_handle_t h = 0, h0 = 0;
    REQUIRE(handle_add(&t, fake_base(obj), rights, &h) == ZX_OK);
    REQUIRE(handle_add(&t, fake_base(obj), ZX_RIGHT_NONE, &h0) == ZX_OK);
    uint32_t refs = fake_refs(obj);

    struct {
        zx_handle_t h;
        zx_obj_type_t type;
        zx_rights_t required;
        zx_status_t want;
    } cases[] = {
        {h, ZX_OBJ_TYPE_VMO, 0, ZX_ERR_WRONG_TYPE},
        {h, ZX_OBJ_TYPE_VMO, ZX_RIGHT_WRITE, ZX_ERR_WRONG_TYPE},  // type before rights
        {h, ZX_OBJ_TYPE_PORT, ZX_RIGHT_READ, ZX_ERR_WRONG_TYPE},
        {h, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_WRITE, ZX_ERR_ACCESS_DENIED},
        {h, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_READ | ZX_RIGHT_WRITE, ZX_ERR_ACCESS_DENIED},  // all must be present
        {h, ZX_OBJ_TYPE_NONE, ZX_RIGHT_WRITE, ZX_ERR_ACCESS_DENIED},
        {h, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS, ZX_ERR_ACCESS_DENIED},
        {h, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE, ZX_OK},
        {h, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_READ, ZX_OK},
        {h, ZX_OBJ_TYPE_NONE, 0, ZX_OK},
        {h0, ZX_OBJ_TYPE_NONE, 0, ZX_OK},
        {h0, ZX_OBJ_TYPE_EVENT, 0, ZX_OK},
        {h0, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_READ, ZX_ERR_ACCESS_DENIED},
        {h0, ZX_OBJ_TYPE_VMO, ZX_RIGHT_READ, ZX_ERR_WRONG_TYPE},
        {h ^ 4u, ZX_OBJ_TYPE_VMO, ZX_RIGHT_WRITE, ZX_ERR_BAD_HANDLE},  // bad handle before type
        {h & ~3u, ZX_OBJ_TYPE_EVENT, 0, ZX_ERR_BAD_HANDLE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct object *sentinel = (struct object *)(uintptr_t)0x2000, *o = sentinel;
        zx_rights_t r = 0xabcu;
        zx_status_t st = handle_get(&t, cases[i].h, cases[i].type, cases[i].required, &o, &r);
        if (st != cases[i].want) printf("    case %zu: got %d, want %d\n", i, st, cases[i].want);
        CHECK_EQ(st, cases[i].want);
        if (st == ZX_OK) {
            CHECK(o == fake_base(obj));
            CHECK_EQ(r, cases[i].h == h ? rights : ZX_RIGHT_NONE);
            CHECK_EQ(fake_refs(obj), refs + 1);
            object_unref(o);
        } else {
            CHECK(o == sentinel);  // outputs untouched on error
            CHECK_EQ(r, 0xabcu);
        }
        CHECK_EQ(fake_refs(obj), refs);
    }
    handle_table_destroy(&t);
    CHECK_EQ(fake_refs(obj), 1);
    object_unref(fake_base(obj));
}

static void case_bad_values(void) {
    struct handle_table t, other;
    REQUIRE(handle_table_init(&t, 64, SECRET_A) == ZX_OK);
    REQUIRE(handle_table_init(&other, 64, SECRET_B) == ZX_OK);
    struct fake_rec rec;
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, &rec);
    zx_handle_t h = 0, ho = 0;
    REQUIRE(handle_add(&t, fake_base(obj), RIGHTS_RW, &h) == ZX_OK);
    REQUIRE(handle_add(&other, fake_base(obj), RIGHTS_RW, &ho) == ZX_OK);
    REQUIRE(h != ho);

    const zx_handle_t fixed[] = {0, 1, 2, 3, 7, 0xfffffffcu, 0xfffffffdu, 0xfffffffeu, 0xffffffffu,
                                 h & ~3u, h ^ 1u, h ^ 2u, h + 4u, h - 4u, ho};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) expect_bad(&t, fixed[i]);
    for (int bit = 2; bit < 32; bit++) expect_bad(&t, h ^ (1u << bit));

    // Garbage: with one live handle, nothing else may resolve.
    uint64_t seed = 0xbad;
    int resolved = 0;
    for (int i = 0; i < 200000; i++) {
        zx_handle_t v = (zx_handle_t)th_rand(&seed);
        if (i & 1) v |= 3u;  // half of them with the fixed bits right
        if (v == h) continue;
        struct object *o = NULL;
        if (handle_get(&t, v, ZX_OBJ_TYPE_NONE, 0, &o, NULL) != ZX_ERR_BAD_HANDLE) {
            resolved++;
            if (o) object_unref(o);
        }
    }
    CHECK_EQ(resolved, 0);
    CHECK_EQ(handle_close(&t, ZX_HANDLE_INVALID), ZX_ERR_BAD_HANDLE);  // the syscall layer maps this to ZX_OK

    // The live handle survived all of that.
    CHECK_EQ(fake_refs(obj), 3);
    CHECK_EQ(fake_handles(obj), 2);
    CHECK_EQ(rec.zero_calls, 0);
    expect_live(&t, h, obj, RIGHTS_RW);
    CHECK_EQ(handle_table_count(&t), 1);

    // A closed value is refused everywhere.
    CHECK_EQ(handle_close(&t, h), ZX_OK);
    expect_bad(&t, h);
    handle_table_destroy(&t);
    handle_table_destroy(&other);
    CHECK_EQ(rec.zero_calls, 1);
    CHECK_EQ(fake_refs(obj), 1);
    object_unref(fake_base(obj));
    CHECK_EQ(rec.destroyed, 1);
}

// Stale values once their slot is reused: the new handle works, the old value
// fails. max 4 forces reuse of exactly the freed slots.
static void case_stale_after_reuse(void) {
    struct handle_table t;
    REQUIRE(handle_table_init(&t, 4, SECRET_A) == ZX_OK);
    struct fake_obj *o[6];
    zx_handle_t h[6] = {0};
    for (int i = 0; i < 6; i++) o[i] = fake_new(i & 1 ? ZX_OBJ_TYPE_VMO : ZX_OBJ_TYPE_EVENT, NULL);
    for (int i = 0; i < 4; i++) REQUIRE(handle_add(&t, fake_base(o[i]), (zx_rights_t)1u << i, &h[i]) == ZX_OK);
    CHECK_EQ(handle_add(&t, fake_base(o[4]), 0, &h[4]), ZX_ERR_NO_RESOURCES);
    CHECK_EQ(handle_close(&t, h[0]), ZX_OK);
    CHECK_EQ(handle_close(&t, h[1]), ZX_OK);
    REQUIRE(handle_add(&t, fake_base(o[4]), ZX_RIGHT_WAIT, &h[4]) == ZX_OK);
    REQUIRE(handle_add(&t, fake_base(o[5]), ZX_RIGHT_SIGNAL, &h[5]) == ZX_OK);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < i; j++) CHECK(h[i] != h[j]);
    expect_bad(&t, h[0]);
    expect_bad(&t, h[1]);
    expect_live(&t, h[2], o[2], ZX_RIGHT_READ);
    expect_live(&t, h[3], o[3], ZX_RIGHT_WRITE);
    expect_live(&t, h[4], o[4], ZX_RIGHT_WAIT);
    expect_live(&t, h[5], o[5], ZX_RIGHT_SIGNAL);
    CHECK_EQ(handle_table_count(&t), 4);
    // Closing the old values again did not disturb the new handles.
    CHECK_EQ(fake_handles(o[4]), 1);
    CHECK_EQ(fake_handles(o[5]), 1);
    handle_table_destroy(&t);
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(fake_refs(o[i]), 1);
        CHECK_EQ(fake_handles(o[i]), 0);
        object_unref(fake_base(o[i]));
    }
}

static void case_refcounts(void) {
    struct handle_table t, t2;
    REQUIRE(handle_table_init(&t, 16, SECRET_A) == ZX_OK);
    REQUIRE(handle_table_init(&t2, 16, SECRET_B) == ZX_OK);
    uint64_t live_objs = object_live_count();

    // Two handles and an outstanding handle_get reference.
    struct fake_rec ra;
    struct fake_obj *a = fake_new(ZX_OBJ_TYPE_EVENT, &ra);
    a->watch = &t;
    zx_handle_t a1 = 0, a2 = 0;
    REQUIRE(handle_add(&t, fake_base(a), RIGHTS_RW, &a1) == ZX_OK);
    REQUIRE(handle_add(&t, fake_base(a), ZX_RIGHT_READ, &a2) == ZX_OK);
    CHECK_EQ(fake_refs(a), 3);
    CHECK_EQ(fake_handles(a), 2);
    object_unref(fake_base(a));  // the creator's reference
    CHECK_EQ(fake_refs(a), 2);
    CHECK_EQ(handle_close(&t, a1), ZX_OK);
    CHECK_EQ(fake_handles(a), 1);
    CHECK_EQ(ra.zero_calls, 0);
    struct object *got = NULL;
    CHECK_EQ(handle_get(&t, a2, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_READ, &got, NULL), ZX_OK);
    CHECK_EQ(handle_close(&t, a2), ZX_OK);
    CHECK_EQ(ra.zero_calls, 1);
    CHECK_EQ(ra.handles_at_zero, 0);
    CHECK_EQ(ra.refs_at_zero, 2);  // on_zero_handles runs before the handle's reference goes
    CHECK_EQ(ra.destroyed, 0);     // the handle_get reference keeps it
    CHECK_EQ(object_live_count(), live_objs + 1);
    object_unref(got);
    CHECK_EQ(ra.destroyed, 1);
    CHECK_EQ(ra.zero_calls, 1);
    CHECK(ra.zero_seq < ra.destroy_seq);
    CHECK_EQ(ra.lock_held, 0);
    CHECK_EQ(object_live_count(), live_objs);

    // The last handle and the last reference go together.
    struct fake_rec rb;
    struct fake_obj *b = fake_new(ZX_OBJ_TYPE_VMO, &rb);
    b->watch = &t;
    zx_handle_t b1 = 0;
    REQUIRE(handle_add(&t, fake_base(b), ZX_RIGHT_READ, &b1) == ZX_OK);
    object_unref(fake_base(b));
    CHECK_EQ(rb.destroyed, 0);
    CHECK_EQ(handle_close(&t, b1), ZX_OK);
    CHECK_EQ(rb.zero_calls, 1);
    CHECK_EQ(rb.refs_at_zero, 1);
    CHECK_EQ(rb.destroyed, 1);
    CHECK(rb.zero_seq < rb.destroy_seq);
    CHECK_EQ(rb.lock_held, 0);

    // Handles gone, references remain: on_zero_handles but no destroy.
    struct fake_rec rc;
    struct fake_obj *c = fake_new(ZX_OBJ_TYPE_PORT, &rc);
    c->watch = &t;
    zx_handle_t c1 = 0;
    REQUIRE(handle_add(&t, fake_base(c), ZX_RIGHT_READ, &c1) == ZX_OK);
    CHECK_EQ(handle_close(&t, c1), ZX_OK);
    CHECK_EQ(rc.zero_calls, 1);
    CHECK_EQ(rc.destroyed, 0);
    CHECK_EQ(fake_refs(c), 1);

    // handle_remove passes the handle's reference on; moving it to another
    // table (as a channel transfer would) makes a new handle.
    c->watch = NULL;
    REQUIRE(handle_add(&t, fake_base(c), RIGHTS_RW, &c1) == ZX_OK);
    CHECK_EQ(fake_refs(c), 2);
    struct object *removed = NULL;
    zx_rights_t rr = 0;
    CHECK_EQ(handle_remove(&t, c1, &removed, &rr), ZX_OK);
    CHECK(removed == fake_base(c));
    CHECK_EQ(rr, RIGHTS_RW);
    CHECK_EQ(fake_refs(c), 2);  // creator + the reference handed over
    CHECK_EQ(fake_handles(c), 0);
    CHECK_EQ(rc.zero_calls, 2);  // once per time the handle count drops to zero
    expect_bad(&t, c1);
    zx_handle_t c2 = 0;
    REQUIRE(handle_add(&t2, removed, rr, &c2) == ZX_OK);
    object_unref(removed);  // handle_add took its own
    CHECK_EQ(fake_refs(c), 2);
    CHECK_EQ(fake_handles(c), 1);
    expect_live(&t2, c2, c, RIGHTS_RW);
    object_unref(fake_base(c));  // the creator's
    CHECK_EQ(rc.destroyed, 0);
    CHECK_EQ(handle_close(&t2, c2), ZX_OK);
    CHECK_EQ(rc.zero_calls, 3);
    CHECK_EQ(rc.destroyed, 1);

    CHECK_EQ(object_live_count(), live_objs);
    handle_table_destroy(&t);
    handle_table_destroy(&t2);
}

static void case_replace(void) {
    struct handle_table t;
    long live = fake_kheap_live();
    REQUIRE(handle_table_init(&t, 16, SECRET_A) == ZX_OK);
    struct fake_rec rec;
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, &rec);
    zx_handle_t h = 0, nh = 0;
    REQUIRE(handle_add(&t, fake_base(obj), RIGHTS_RW, &h) == ZX_OK);
    object_unref(fake_base(obj));  // only the handle keeps it now
    CHECK_EQ(handle_replace(&t, h, ZX_RIGHT_READ, &nh), ZX_OK);
    CHECK(fixed_bits_ok(nh));
    CHECK(nh != h);
    expect_bad(&t, h);
    expect_live(&t, nh, obj, ZX_RIGHT_READ);
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 1);
    CHECK_EQ(rec.zero_calls, 0);
    CHECK_EQ(rec.destroyed, 0);
    CHECK_EQ(handle_table_count(&t), 1);
    // Replacing with the same rights still makes a new value.
    zx_handle_t nh2 = 0;
    CHECK_EQ(handle_replace(&t, nh, ZX_RIGHT_READ, &nh2), ZX_OK);
    CHECK(nh2 != nh && nh2 != h);
    expect_bad(&t, nh);
    expect_live(&t, nh2, obj, ZX_RIGHT_READ);
    CHECK_EQ(handle_close(&t, nh2), ZX_OK);
    CHECK_EQ(rec.zero_calls, 1);
    CHECK_EQ(rec.destroyed, 1);
    handle_table_destroy(&t);

    // A full table, the heap refusing everything: replace still works (it
    // reuses the slot it frees) and allocates nothing. max 1 reuses the very
    // same slot.
    for (uint32_t max = 1; max <= 3; max++) {
        REQUIRE(handle_table_init(&t, max, SECRET_B + max) == ZX_OK);
        struct fake_obj *o[3];
        zx_handle_t hv[3] = {0};
        for (uint32_t i = 0; i < max; i++) {
            o[i] = fake_new(ZX_OBJ_TYPE_VMO, NULL);
            REQUIRE(handle_add(&t, fake_base(o[i]), RIGHTS_RW, &hv[i]) == ZX_OK);
        }
        long allocs = fake_kheap_allocs();
        fake_kheap_fail_after(0);
        for (int round = 0; round < 5; round++) {
            for (uint32_t i = 0; i < max; i++) {
                zx_handle_t n = 0;
                zx_rights_t nr = round & 1 ? ZX_RIGHT_READ : RIGHTS_RW;
                CHECK_EQ(handle_replace(&t, hv[i], nr, &n), ZX_OK);
                expect_bad(&t, hv[i]);
                expect_live(&t, n, o[i], nr);
                hv[i] = n;
            }
            CHECK_EQ(handle_table_count(&t), max);
        }
        fake_kheap_fail_after(-1);
        CHECK_EQ(fake_kheap_allocs(), allocs);
        for (uint32_t i = 0; i < max; i++) {
            CHECK_EQ(fake_refs(o[i]), 2);
            CHECK_EQ(fake_handles(o[i]), 1);
        }
        handle_table_destroy(&t);
        for (uint32_t i = 0; i < max; i++) object_unref(fake_base(o[i]));
    }
    CHECK_EQ(fake_kheap_live(), live);
}

static void case_duplicate(void) {
    struct handle_table t;
    long live = fake_kheap_live();
    REQUIRE(handle_table_init(&t, 3, SECRET_A) == ZX_OK);
    struct fake_rec rec;
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_VMO, &rec);
    const zx_rights_t src_rights = ZX_RIGHT_DUPLICATE | ZX_RIGHT_READ | ZX_RIGHT_WRITE;
    zx_handle_t h = 0, nodup = 0, d = 0, x = 0x99u;
    REQUIRE(handle_add(&t, fake_base(obj), src_rights, &h) == ZX_OK);
    REQUIRE(handle_add(&t, fake_base(obj), ZX_RIGHT_READ | ZX_RIGHT_WRITE, &nodup) == ZX_OK);

    // Errors in Zircon's order; nothing changes.
    CHECK_EQ(handle_duplicate(&t, h ^ 4u, ZX_RIGHT_EXECUTE, &x), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(handle_duplicate(&t, 0, ZX_RIGHT_SAME_RIGHTS, &x), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(handle_duplicate(&t, nodup, ZX_RIGHT_EXECUTE, &x), ZX_ERR_ACCESS_DENIED);  // before the rights check
    CHECK_EQ(handle_duplicate(&t, nodup, ZX_RIGHT_SAME_RIGHTS, &x), ZX_ERR_ACCESS_DENIED);
    CHECK_EQ(handle_duplicate(&t, h, ZX_RIGHT_EXECUTE, &x), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(handle_duplicate(&t, h, ZX_RIGHT_READ | ZX_RIGHT_SIGNAL, &x), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(x, 0x99u);
    CHECK_EQ(fake_refs(obj), 3);
    CHECK_EQ(fake_handles(obj), 2);
    CHECK_EQ(handle_table_count(&t), 2);

    // Subset and SAME_RIGHTS.
    CHECK_EQ(handle_duplicate(&t, h, ZX_RIGHT_READ, &d), ZX_OK);
    CHECK(fixed_bits_ok(d) && d != h && d != nodup);
    expect_live(&t, d, obj, ZX_RIGHT_READ);
    expect_live(&t, h, obj, src_rights);  // the source is untouched
    CHECK_EQ(fake_refs(obj), 4);
    CHECK_EQ(fake_handles(obj), 3);
    // Table full (max 3): NO_RESOURCES, after the rights checks.
    CHECK_EQ(handle_duplicate(&t, h, ZX_RIGHT_SAME_RIGHTS, &x), ZX_ERR_NO_RESOURCES);
    CHECK_EQ(handle_duplicate(&t, h, ZX_RIGHT_EXECUTE, &x), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(handle_close(&t, d), ZX_OK);
    CHECK_EQ(handle_duplicate(&t, h, ZX_RIGHT_SAME_RIGHTS, &d), ZX_OK);
    expect_live(&t, d, obj, src_rights);
    CHECK_EQ(handle_duplicate(&t, h, 0, &x), ZX_ERR_NO_RESOURCES);
    handle_table_destroy(&t);
    CHECK_EQ(rec.zero_calls, 1);

    // Growth failure: NO_MEMORY, nothing changed; then it grows.
    REQUIRE(handle_table_init(&t, 100, SECRET_B) == ZX_OK);
    zx_handle_t hv[16];
    REQUIRE(handle_add(&t, fake_base(obj), src_rights, &hv[0]) == ZX_OK);
    for (int i = 1; i < 16; i++) REQUIRE(handle_duplicate(&t, hv[0], ZX_RIGHT_SAME_RIGHTS, &hv[i]) == ZX_OK);
    CHECK_EQ(t.cap, 16);
    fake_kheap_fail_after(0);
    CHECK_EQ(handle_duplicate(&t, hv[0], ZX_RIGHT_SAME_RIGHTS, &x), ZX_ERR_NO_MEMORY);
    fake_kheap_fail_after(-1);
    CHECK_EQ(t.cap, 16);
    CHECK_EQ(fake_handles(obj), 16);
    CHECK_EQ(fake_refs(obj), 17);
    CHECK_EQ(handle_duplicate(&t, hv[15], ZX_RIGHT_DUPLICATE, &x), ZX_OK);
    CHECK_EQ(t.cap, 32);
    for (int i = 0; i < 16; i++) expect_live(&t, hv[i], obj, src_rights);
    expect_live(&t, x, obj, ZX_RIGHT_DUPLICATE);
    handle_table_destroy(&t);
    CHECK_EQ(rec.zero_calls, 2);
    CHECK_EQ(fake_refs(obj), 1);
    object_unref(fake_base(obj));
    CHECK_EQ(rec.destroyed, 1);
    CHECK_EQ(fake_kheap_live(), live);
}

// handle_take / handle_install: the in-flight handle keeps counting, so
// on_zero_handles runs only when it is finally dropped or closed.
static void case_take_install(void) {
    struct handle_table t, t2;
    long live = fake_kheap_live();
    REQUIRE(handle_table_init(&t, 4, SECRET_A) == ZX_OK);
    REQUIRE(handle_table_init(&t2, 1, SECRET_B) == ZX_OK);
    struct fake_rec rec;
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, &rec);
    obj->watch = &t;
    zx_handle_t h = 0, h2 = 0, x = 0x99u;
    REQUIRE(handle_add(&t, fake_base(obj), RIGHTS_RW, &h) == ZX_OK);
    object_unref(fake_base(obj));  // only the handle keeps it

    struct object *o = NULL;
    zx_rights_t r = 0;
    CHECK_EQ(handle_take(&t, h ^ 8u, &o, &r), ZX_ERR_BAD_HANDLE);
    CHECK_EQ(handle_take(&t, h, &o, &r), ZX_OK);
    CHECK(o == fake_base(obj));
    CHECK_EQ(r, RIGHTS_RW);
    CHECK_EQ(fake_refs(obj), 1);     // the in-flight reference
    CHECK_EQ(fake_handles(obj), 1);  // still counted
    CHECK_EQ(rec.zero_calls, 0);
    CHECK_EQ(handle_table_count(&t), 0);
    expect_bad(&t, h);
    CHECK_EQ(handle_take(&t, h, &o, &r), ZX_ERR_BAD_HANDLE);

    // Install into another table: the counts move in unchanged.
    CHECK_EQ(handle_install(&t2, o, ZX_RIGHT_READ, &h2), ZX_OK);
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 1);
    expect_live(&t2, h2, obj, ZX_RIGHT_READ);
    // Round trip again, and a failed install (t2 full, the heap refusing for
    // t): nothing changes and the caller still owns the handle.
    CHECK_EQ(handle_take(&t2, h2, &o, NULL), ZX_OK);
    struct fake_obj *other = fake_new(ZX_OBJ_TYPE_PORT, NULL);
    zx_handle_t ho = 0;
    REQUIRE(handle_add(&t2, fake_base(other), 0, &ho) == ZX_OK);
    CHECK_EQ(handle_install(&t2, o, ZX_RIGHT_READ, &x), ZX_ERR_NO_RESOURCES);
    CHECK_EQ(handle_install(&t2, NULL, ZX_RIGHT_READ, &x), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(x, 0x99u);
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 1);
    CHECK_EQ(rec.zero_calls, 0);
    // A table that must grow first, with the heap refusing: NO_MEMORY.
    struct handle_table t3;
    REQUIRE(handle_table_init(&t3, 8, SECRET_A ^ 1u) == ZX_OK);
    fake_kheap_fail_after(0);
    CHECK_EQ(handle_install(&t3, o, ZX_RIGHT_READ, &x), ZX_ERR_NO_MEMORY);
    fake_kheap_fail_after(-1);
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 1);
    CHECK_EQ(handle_install(&t, o, ZX_RIGHT_WRITE, &h), ZX_OK);
    expect_live(&t, h, obj, ZX_RIGHT_WRITE);
    CHECK_EQ(rec.zero_calls, 0);

    // Dropping an in-flight handle: on_zero_handles, then destroy.
    CHECK_EQ(handle_take(&t, h, &o, NULL), ZX_OK);
    CHECK_EQ(rec.zero_calls, 0);
    object_handle_removed(o);
    CHECK_EQ(rec.zero_calls, 1);
    CHECK_EQ(rec.destroyed, 0);
    object_unref(o);
    CHECK_EQ(rec.destroyed, 1);
    CHECK_EQ(rec.lock_held, 0);
    handle_table_destroy(&t);
    handle_table_destroy(&t2);
    handle_table_destroy(&t3);
    object_unref(fake_base(other));
    CHECK_EQ(fake_kheap_live(), live);
}

// handles[0..n) of one object all resolve.
static int count_unresolved(struct handle_table *t, const zx_handle_t *hv, uint32_t n, struct fake_obj *obj) {
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct object *o = NULL;
        zx_rights_t r = 0;
        if (handle_get(t, hv[i], ZX_OBJ_TYPE_NONE, 0, &o, &r) != ZX_OK || o != fake_base(obj) || r != i)
            bad++;
        if (o) object_unref(o);
    }
    return bad;
}

static void case_growth_no_memory(void) {
    struct handle_table t;
    long live = fake_kheap_live();
    struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, NULL);
    zx_handle_t hv[100], x = 0;

    // The very first array.
    REQUIRE(handle_table_init(&t, 100, SECRET_A) == ZX_OK);
    fake_kheap_fail_after(0);
    CHECK_EQ(handle_add(&t, fake_base(obj), 0, &x), ZX_ERR_NO_MEMORY);
    fake_kheap_fail_after(-1);
    CHECK_EQ(t.cap, 0);
    CHECK(t.slots == NULL);
    CHECK_EQ(handle_table_count(&t), 0);
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 0);
    CHECK_EQ(fake_kheap_live(), live);

    // Every growth step: 16, 32, 64, then 100 (max, not a power of two).
    uint32_t n = 0;
    const uint32_t caps[] = {16, 32, 64, 100};
    for (size_t step = 0; step < 4; step++) {
        fake_kheap_fail_after(0);
        struct handle_slot *slots = t.slots;
        uint32_t cap = t.cap;
        CHECK_EQ(handle_add(&t, fake_base(obj), n, &x), ZX_ERR_NO_MEMORY);
        fake_kheap_fail_after(-1);
        CHECK(t.slots == slots);
        CHECK_EQ(t.cap, cap);
        CHECK_EQ(handle_table_count(&t), n);
        CHECK_EQ(fake_refs(obj), 1 + n);
        CHECK_EQ(fake_handles(obj), n);
        CHECK_EQ(fake_kheap_live(), live + (n ? 1 : 0));
        CHECK_EQ(count_unresolved(&t, hv, n, obj), 0);
        // Now let it grow, and fill the new space.
        for (; n < caps[step]; n++) {
            if (handle_add(&t, fake_base(obj), n, &hv[n]) != ZX_OK) {
                CHECK(!"add failed");
                break;
            }
        }
        CHECK_EQ(t.cap, caps[step]);
        CHECK_EQ(fake_kheap_live(), live + 1);  // the old array was freed
        CHECK_EQ(count_unresolved(&t, hv, n, obj), 0);
    }
    // Full: NO_RESOURCES, without even trying to allocate.
    long allocs = fake_kheap_allocs(), failures = fake_kheap_failures();
    CHECK_EQ(handle_add(&t, fake_base(obj), 0, &x), ZX_ERR_NO_RESOURCES);
    fake_kheap_fail_after(0);
    CHECK_EQ(handle_add(&t, fake_base(obj), 0, &x), ZX_ERR_NO_RESOURCES);
    fake_kheap_fail_after(-1);
    CHECK_EQ(fake_kheap_allocs(), allocs);
    CHECK_EQ(fake_kheap_failures(), failures);
    CHECK_EQ(fake_refs(obj), 101);
    // A freed slot is used without growing, even with the heap refusing.
    CHECK_EQ(handle_close(&t, hv[7]), ZX_OK);
    fake_kheap_fail_after(0);
    CHECK_EQ(handle_add(&t, fake_base(obj), 7, &hv[7]), ZX_OK);
    fake_kheap_fail_after(-1);
    CHECK_EQ(count_unresolved(&t, hv, 100, obj), 0);
    handle_table_destroy(&t);
    CHECK_EQ(fake_refs(obj), 1);
    CHECK_EQ(fake_handles(obj), 0);
    object_unref(fake_base(obj));
    CHECK_EQ(fake_kheap_live(), live);
}

static void case_full_table(void) {
    const uint32_t maxes[] = {1, 2, 16, 17, 37};
    for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
        uint32_t max = maxes[m];
        struct handle_table t;
        REQUIRE(handle_table_init(&t, max, SECRET_B) == ZX_OK);
        struct fake_obj *obj = fake_new(ZX_OBJ_TYPE_EVENT, NULL);
        zx_handle_t hv[37] = {0}, x = 0;
        for (uint32_t i = 0; i < max; i++) CHECK_EQ(handle_add(&t, fake_base(obj), i, &hv[i]), ZX_OK);
        CHECK_EQ(t.cap, max);
        CHECK_EQ(handle_add(&t, fake_base(obj), 0, &x), ZX_ERR_NO_RESOURCES);
        CHECK_EQ(fake_refs(obj), 1 + max);
        CHECK_EQ(fake_handles(obj), max);
        CHECK_EQ(handle_table_count(&t), max);
        CHECK_EQ(handle_close(&t, hv[max / 2]), ZX_OK);
        CHECK_EQ(handle_add(&t, fake_base(obj), max / 2, &hv[max / 2]), ZX_OK);
        CHECK_EQ(handle_add(&t, fake_base(obj), 0, &x), ZX_ERR_NO_RESOURCES);
        CHECK_EQ(count_unresolved(&t, hv, max, obj), 0);
        handle_table_destroy(&t);
        CHECK_EQ(fake_refs(obj), 1);
        object_unref(fake_base(obj));
    }
}

static void case_add_null(void) {
    struct handle_table t;
    REQUIRE(handle_table_init(&t, 4, SECRET_A) == ZX_OK);
    zx_handle_t x = 0x55u;
    CHECK_EQ(handle_add(&t, NULL, ZX_RIGHT_READ, &x), ZX_ERR_INVALID_ARGS);
    CHECK_EQ(x, 0x55u);
    CHECK_EQ(handle_table_count(&t), 0);
    handle_table_destroy(&t);
}

static void case_destroy_drops_everything(void) {
    struct handle_table t;
    long live = fake_kheap_live();
    uint64_t live_objs = object_live_count();
    long destroyed0 = fake_totals.destroyed;
    REQUIRE(handle_table_init(&t, 1000, SECRET_A) == ZX_OK);
    enum { NOBJ = 50 };
    static struct fake_rec recs[NOBJ];
    static const zx_obj_type_t types[] = {ZX_OBJ_TYPE_EVENT, ZX_OBJ_TYPE_VMO, ZX_OBJ_TYPE_PORT};
    zx_handle_t first[NOBJ] = {0};
    for (int i = 0; i < NOBJ; i++) {
        struct fake_obj *o = fake_new(types[i % 3], &recs[i]);
        o->watch = &t;
        for (int k = 0; k < 1 + i % 5; k++) {
            zx_handle_t h = 0;
            CHECK_EQ(handle_add(&t, fake_base(o), ZX_RIGHT_READ, &h), ZX_OK);
            if (k == 0) first[i] = h;
        }
        object_unref(fake_base(o));  // only the handles keep it
    }
    struct fake_rec kept_rec;
    struct fake_obj *kept = fake_new(ZX_OBJ_TYPE_VMO, &kept_rec);
    zx_handle_t kh = 0;
    CHECK_EQ(handle_add(&t, fake_base(kept), ZX_RIGHT_READ, &kh), ZX_OK);
    CHECK_EQ(object_live_count(), live_objs + NOBJ + 1);
    CHECK_EQ(fake_kheap_live(), live + 1);

    handle_table_destroy(&t);
    CHECK_EQ(fake_totals.destroyed - destroyed0, NOBJ);
    for (int i = 0; i < NOBJ; i++) {
        CHECK_EQ(recs[i].zero_calls, 1);
        CHECK_EQ(recs[i].destroyed, 1);
        CHECK_EQ(recs[i].lock_held, 0);
        CHECK(recs[i].zero_seq < recs[i].destroy_seq);
    }
    CHECK_EQ(kept_rec.zero_calls, 1);
    CHECK_EQ(kept_rec.destroyed, 0);
    CHECK_EQ(fake_refs(kept), 1);
    CHECK_EQ(fake_handles(kept), 0);
    CHECK_EQ(fake_kheap_live(), live);
    CHECK_EQ(object_live_count(), live_objs + 1);

    // Dead: nothing resolves, nothing can be added, destroy again is harmless.
    CHECK_EQ(handle_table_count(&t), 0);
    expect_bad(&t, kh);
    expect_bad(&t, first[0]);
    zx_handle_t x = 0;
    CHECK_EQ(handle_add(&t, fake_base(kept), ZX_RIGHT_READ, &x), ZX_ERR_NO_RESOURCES);
    CHECK_EQ(fake_refs(kept), 1);
    handle_table_destroy(&t);
    CHECK_EQ(fake_kheap_live(), live);

    // Init makes it usable again.
    REQUIRE(handle_table_init(&t, 8, SECRET_B) == ZX_OK);
    CHECK_EQ(handle_add(&t, fake_base(kept), ZX_RIGHT_READ, &x), ZX_OK);
    expect_live(&t, x, kept, ZX_RIGHT_READ);
    handle_table_destroy(&t);
    CHECK_EQ(kept_rec.zero_calls, 2);
    object_unref(fake_base(kept));
    CHECK_EQ(kept_rec.destroyed, 1);
    CHECK_EQ(fake_kheap_live(), live);
    CHECK_EQ(object_live_count(), live_objs);
}

// ---- callbacks that re-enter the table (they would deadlock, or be
// counted in lock_held, if handle.c called them under t->lock) ----

struct reenter {
    struct handle_table *t;
    zx_handle_t close_me;        // closed from on_zero_handles
    struct fake_obj *add_me;     // added from destroy
    zx_handle_t added;           // its new handle
    zx_status_t close_st, add_st, get_st;
    int calls;
};

static void reenter_on_zero(struct fake_obj *o) {
    struct reenter *r = o->arg;
    r->calls++;
    (void)handle_table_count(r->t);
    r->close_st = handle_close(r->t, r->close_me);
}

static void reenter_destroy(struct fake_obj *o) {
    struct reenter *r = o->arg;
    r->calls++;
    struct object *got = NULL;
    r->get_st = handle_get(r->t, r->close_me, ZX_OBJ_TYPE_NONE, 0, &got, NULL);
    if (got) object_unref(got);
    r->add_st = handle_add(r->t, fake_base(r->add_me), ZX_RIGHT_READ, &r->added);
}

static void case_callbacks_reenter(void) {
    struct handle_table t;
    long live = fake_kheap_live();
    REQUIRE(handle_table_init(&t, 32, SECRET_A) == ZX_OK);

    // close(a) -> on_zero(a) closes b -> destroy(a) looks b up (now stale) and adds c.
    struct fake_rec ra, rb, rc;
    struct fake_obj *a = fake_new(ZX_OBJ_TYPE_EVENT, &ra), *b = fake_new(ZX_OBJ_TYPE_VMO, &rb),
                    *c = fake_new(ZX_OBJ_TYPE_PORT, &rc);
    a->watch = b->watch = c->watch = &t;
    struct reenter r = {.t = &t, .add_me = c};
    a->arg = &r;
    a->on_zero_hook = reenter_on_zero;
    a->destroy_hook = reenter_destroy;
    zx_handle_t ha = 0;
    REQUIRE(handle_add(&t, fake_base(a), ZX_RIGHT_READ, &ha) == ZX_OK);
    REQUIRE(handle_add(&t, fake_base(b), ZX_RIGHT_READ, &r.close_me) == ZX_OK);
    object_unref(fake_base(a));
    object_unref(fake_base(b));
    CHECK_EQ(handle_close(&t, ha), ZX_OK);
    CHECK_EQ(r.calls, 2);
    CHECK_EQ(r.close_st, ZX_OK);
    CHECK_EQ(r.get_st, ZX_ERR_BAD_HANDLE);
    CHECK_EQ(r.add_st, ZX_OK);
    CHECK_EQ(ra.destroyed, 1);
    CHECK_EQ(rb.destroyed, 1);
    CHECK_EQ(ra.lock_held + rb.lock_held + rc.lock_held, 0);
    CHECK_EQ(handle_table_count(&t), 1);
    expect_live(&t, r.added, c, ZX_RIGHT_READ);

    // handle_remove runs on_zero_handles without the lock too.
    struct fake_rec rd, re;
    struct fake_obj *d = fake_new(ZX_OBJ_TYPE_EVENT, &rd), *e = fake_new(ZX_OBJ_TYPE_EVENT, &re);
    d->watch = e->watch = &t;
    struct reenter r2 = {.t = &t, .add_me = c};
    d->arg = &r2;
    d->on_zero_hook = reenter_on_zero;
    zx_handle_t hd = 0;
    REQUIRE(handle_add(&t, fake_base(d), ZX_RIGHT_READ, &hd) == ZX_OK);
    REQUIRE(handle_add(&t, fake_base(e), ZX_RIGHT_READ, &r2.close_me) == ZX_OK);
    object_unref(fake_base(e));
    struct object *got = NULL;
    CHECK_EQ(handle_remove(&t, hd, &got, NULL), ZX_OK);
    CHECK_EQ(r2.calls, 1);
    CHECK_EQ(r2.close_st, ZX_OK);
    CHECK_EQ(re.destroyed, 1);
    CHECK_EQ(rd.lock_held + re.lock_held, 0);
    object_unref(got);
    CHECK_EQ(rd.destroyed, 0);  // the creator's reference
    object_unref(fake_base(d));
    CHECK_EQ(rd.destroyed, 1);

    // Destroy: the callbacks find the table empty and dead.
    struct fake_rec rf;
    struct fake_obj *f = fake_new(ZX_OBJ_TYPE_VMO, &rf);
    f->watch = &t;
    struct reenter r3 = {.t = &t, .add_me = c};
    f->arg = &r3;
    f->on_zero_hook = reenter_on_zero;
    f->destroy_hook = reenter_destroy;
    zx_handle_t hf = 0;
    REQUIRE(handle_add(&t, fake_base(f), ZX_RIGHT_READ, &hf) == ZX_OK);
    r3.close_me = r.added;  // c's handle
    object_unref(fake_base(f));
    handle_table_destroy(&t);
    CHECK_EQ(r3.calls, 2);
    CHECK_EQ(r3.close_st, ZX_ERR_BAD_HANDLE);
    CHECK_EQ(r3.get_st, ZX_ERR_BAD_HANDLE);
    CHECK_EQ(r3.add_st, ZX_ERR_NO_RESOURCES);
    CHECK_EQ(rf.destroyed, 1);
    CHECK_EQ(rf.lock_held + rc.lock_held, 0);
    CHECK_EQ(fake_refs(c), 1);
    CHECK_EQ(fake_handles(c), 0);
    object_unref(fake_base(c));
    CHECK_EQ(rc.destroyed, 1);
    CHECK_EQ(fake_kheap_live(), live);
}

int main(void) {
    th_prefix = "obj-handle";
    long live0 = fake_kheap_live();
    uint64_t objs0 = object_live_count();
    RUN_CASE(case_init_args);
    RUN_CASE(case_round_trip);
    RUN_CASE(case_value_properties);
    RUN_CASE(case_generation_cycle);
    RUN_CASE(case_encoding_pinned);
    RUN_CASE(case_type_and_rights);
    RUN_CASE(case_bad_values);
    RUN_CASE(case_stale_after_reuse);
    RUN_CASE(case_refcounts);
    RUN_CASE(case_replace);
    RUN_CASE(case_duplicate);
    RUN_CASE(case_take_install);
    RUN_CASE(case_growth_no_memory);
    RUN_CASE(case_full_table);
    RUN_CASE(case_add_null);
    RUN_CASE(case_destroy_drops_everything);
    RUN_CASE(case_callbacks_reenter);
    // Nothing leaked across all cases, and no callback ever ran under a table lock.
    if (fake_kheap_live() != live0 || object_live_count() != objs0 || fake_totals.lock_held != 0 ||
        fake_totals.created != fake_totals.destroyed) {
        printf("obj-handle: leak check FAILED: heap %ld -> %ld, objects %llu -> %llu, created %ld destroyed %ld, "
               "lock held in %ld callbacks\n",
               live0, fake_kheap_live(), (unsigned long long)objs0, (unsigned long long)object_live_count(),
               fake_totals.created, fake_totals.destroyed, fake_totals.lock_held);
        th_failed_cases++;
    }
    return th_exit_status("obj-handle-unit");
}
