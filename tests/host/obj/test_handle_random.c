// Randomized model test of obj/handle.c: args [operations, seed].
//
// Two tables (a roomy one and a 5-slot one whose slots go round the
// generation counter many times) share a pool of fake objects. A model keeps,
// per table, the live values with their (object, rights), and a ring of dead
// values; per object, its handle count, on_zero_handles calls and whether the
// test still holds its own reference. After every operation the result is
// compared with the model (add, close, remove, take/install, duplicate,
// replace, lookups of live, dead and garbage values); every ~1000 operations all of it is checked:
// every live value resolves to its object and rights, every dead value that
// is not live again is refused, and every object's refcount, handle_count and
// callbacks match. The heap fails allocations at random, so growth failures
// (NO_MEMORY, table unchanged) are mixed in; the big table's target size
// drifts past its max, so NO_RESOURCES is too; now and then a table is
// destroyed and re-initialised (new secret) so it grows, and fails to, again.
#include <inttypes.h>
#include <zircon/types.h>

#include "fake_kheap.h"
#include "fake_object.h"
#include "../harness.h"
#include "obj/handle.h"
#include "obj/object.h"

#define NOBJ 48
#define NTABLES 2
#define DEAD_RING 4096
#define RIGHTS_BITS 0xffu  // rights used: the 8 low ones

struct mobj {
    struct fake_obj *o;
    struct fake_rec rec;
    zx_obj_type_t type;
    int handles;        // live handles in all tables
    int zero_expected;  // times the handle count dropped to 0
    bool retired;       // the test dropped its own reference
    long generation;    // how many objects this pool entry has held
};

struct mhandle {
    zx_handle_t v;
    int obj;
    zx_rights_t rights;
};

struct mtable {
    struct handle_table t;
    uint32_t max;
    struct mhandle *live;
    uint32_t nlive;
    zx_handle_t dead[DEAD_RING];
    uint32_t ndead, dead_pos;
    long resurrected;  // new values that were in the dead ring (wrap, or a recycle's new secret)
};

static struct mobj objs[NOBJ];
static struct mtable tabs[NTABLES];
static uint64_t rng;
static long op_index;
static int failures;
static long stat_ok[16], stat_err[16];

#define FAIL(...)                                                       \
    do {                                                                \
        printf("    op %ld: ", op_index);                               \
        printf(__VA_ARGS__);                                            \
        printf(" (%s:%d)\n", __FILE__, __LINE__);                       \
        if (++failures > 20) {                                          \
            printf("obj-handle-random: too many failures, stopping\n"); \
            exit(1);                                                    \
        }                                                               \
    } while (0)

#define EXPECT_EQ(a, b)                                                                                    \
    do {                                                                                                   \
        long long ea = (long long)(a), eb = (long long)(b);                                                \
        if (ea != eb) FAIL("%s == %s: %lld != %lld", #a, #b, ea, eb);                                      \
    } while (0)

static const zx_obj_type_t types[] = {ZX_OBJ_TYPE_EVENT, ZX_OBJ_TYPE_VMO, ZX_OBJ_TYPE_PORT};

static void obj_fresh(int i) {
    struct mobj *m = &objs[i];
    m->type = types[th_below(&rng, 3)];
    m->o = fake_new(m->type, &m->rec);
    m->o->id = i;
    m->handles = 0;
    m->zero_expected = 0;
    m->retired = false;
    m->generation++;
}

// Called when a retired object's last handle went: it must be gone now.
static void obj_check_gone_and_replace(int i) {
    struct mobj *m = &objs[i];
    EXPECT_EQ(m->rec.destroyed, 1);
    EXPECT_EQ(m->rec.zero_calls, m->zero_expected);
    EXPECT_EQ(m->rec.lock_held, 0);
    obj_fresh(i);
}

static void obj_handle_gone(int i) {
    struct mobj *m = &objs[i];
    m->handles--;
    if (m->handles == 0) {
        m->zero_expected++;
        if (m->retired) obj_check_gone_and_replace(i);
    }
}

static void obj_check(int i) {
    struct mobj *m = &objs[i];
    EXPECT_EQ(fake_refs(m->o), (m->retired ? 0 : 1) + m->handles);
    EXPECT_EQ(fake_handles(m->o), m->handles);
    EXPECT_EQ(m->rec.zero_calls, m->zero_expected);
    EXPECT_EQ(m->rec.destroyed, 0);
    EXPECT_EQ(m->rec.lock_held, 0);
}

static int find_live(struct mtable *mt, zx_handle_t v) {
    for (uint32_t i = 0; i < mt->nlive; i++)
        if (mt->live[i].v == v) return (int)i;
    return -1;
}

static bool in_dead_ring(struct mtable *mt, zx_handle_t v) {
    for (uint32_t i = 0; i < mt->ndead; i++)
        if (mt->dead[i] == v) return true;
    return false;
}

static void dead_push(struct mtable *mt, zx_handle_t v) {
    mt->dead[mt->dead_pos] = v;
    mt->dead_pos = (mt->dead_pos + 1) % DEAD_RING;
    if (mt->ndead < DEAD_RING) mt->ndead++;
}

static void live_drop(struct mtable *mt, uint32_t i) { mt->live[i] = mt->live[--mt->nlive]; }

// What handle_get must answer for value v.
static void check_get(struct mtable *mt, zx_handle_t v, zx_obj_type_t type, zx_rights_t required) {
    int li = find_live(mt, v);
    struct object *sentinel = (struct object *)(uintptr_t)0x3000, *o = sentinel;
    zx_rights_t r = 0xf00du;
    zx_status_t st = handle_get(&mt->t, v, type, required, &o, &r);
    zx_status_t want;
    if (li < 0)
        want = ZX_ERR_BAD_HANDLE;
    else if (type != ZX_OBJ_TYPE_NONE && type != objs[mt->live[li].obj].type)
        want = ZX_ERR_WRONG_TYPE;
    else if ((mt->live[li].rights & required) != required)
        want = ZX_ERR_ACCESS_DENIED;
    else
        want = ZX_OK;
    if (st != want) FAIL("get 0x%08x type %u required 0x%x: %d, want %d", v, type, required, st, want);
    if (st == ZX_OK) {
        if (li >= 0) {
            struct mobj *m = &objs[mt->live[li].obj];
            if (o != fake_base(m->o)) FAIL("get 0x%08x: wrong object", v);
            EXPECT_EQ(r, mt->live[li].rights);
            EXPECT_EQ(fake_refs(m->o), (m->retired ? 0 : 1) + m->handles + 1);
        }
        if (o && o != sentinel) object_unref(o);
    } else if (o != sentinel || r != 0xf00du) {
        FAIL("get 0x%08x failed but wrote its outputs", v);
    }
}

static void op_add(struct mtable *mt, bool inject) {
    int i = (int)th_below(&rng, NOBJ);
    struct mobj *m = &objs[i];
    zx_rights_t rights = (zx_rights_t)th_rand(&rng) & RIGHTS_BITS;
    uint32_t cap = mt->t.cap;
    struct handle_slot *slots = mt->t.slots;
    long heap = fake_kheap_live();
    if (inject) fake_kheap_fail_after(0);
    zx_handle_t v = 0;
    zx_status_t st = handle_add(&mt->t, fake_base(m->o), rights, &v);
    fake_kheap_fail_after(-1);
    zx_status_t want = mt->nlive == mt->max ? ZX_ERR_NO_RESOURCES
                       : (mt->nlive == cap && inject) ? ZX_ERR_NO_MEMORY
                                                      : ZX_OK;
    if (st != want) FAIL("add: %d, want %d (live %u cap %u max %u)", st, want, mt->nlive, cap, mt->max);
    if (st != ZX_OK) {
        stat_err[st == ZX_ERR_NO_MEMORY ? 0 : 1]++;
        // Unchanged.
        EXPECT_EQ(mt->t.cap, cap);
        if (mt->t.slots != slots) FAIL("failed add moved the slots");
        EXPECT_EQ(fake_kheap_live(), heap);
        EXPECT_EQ(handle_table_count(&mt->t), mt->nlive);
        obj_check(i);
        return;
    }
    stat_ok[0]++;
    if (v == 0 || (v & 3u) != 3u) FAIL("add gave 0x%08x", v);
    if (find_live(mt, v) >= 0) FAIL("add gave 0x%08x, already live", v);
    if (in_dead_ring(mt, v)) mt->resurrected++;
    mt->live[mt->nlive++] = (struct mhandle){v, i, rights};
    m->handles++;
    obj_check(i);
}

static void op_close(struct mtable *mt) {
    if (!mt->nlive) return;
    uint32_t li = (uint32_t)th_below(&rng, mt->nlive);
    struct mhandle h = mt->live[li];
    EXPECT_EQ(handle_close(&mt->t, h.v), ZX_OK);
    stat_ok[1]++;
    live_drop(mt, li);
    dead_push(mt, h.v);
    obj_handle_gone(h.obj);
    if (find_live(mt, h.v) < 0) EXPECT_EQ(handle_close(&mt->t, h.v), ZX_ERR_BAD_HANDLE);
}

// Remove; then either drop the reference or move the handle to the other table.
static void op_remove(struct mtable *mt, struct mtable *other) {
    if (!mt->nlive) return;
    uint32_t li = (uint32_t)th_below(&rng, mt->nlive);
    struct mhandle h = mt->live[li];
    struct object *o = NULL;
    zx_rights_t r = 0;
    EXPECT_EQ(handle_remove(&mt->t, h.v, &o, &r), ZX_OK);
    stat_ok[2]++;
    if (o != fake_base(objs[h.obj].o)) FAIL("remove: wrong object");
    EXPECT_EQ(r, h.rights);
    live_drop(mt, li);
    dead_push(mt, h.v);
    struct mobj *m = &objs[h.obj];
    m->handles--;
    if (m->handles == 0) m->zero_expected++;
    // The caller's reference keeps the object alive here, retired or not.
    EXPECT_EQ(fake_refs(m->o), (m->retired ? 0 : 1) + m->handles + 1);
    EXPECT_EQ(m->rec.zero_calls, m->zero_expected);
    if (th_below(&rng, 2) && other->nlive < other->max && other->nlive < other->t.cap) {
        zx_handle_t v = 0;
        EXPECT_EQ(handle_add(&other->t, o, r, &v), ZX_OK);
        if (find_live(other, v) >= 0) FAIL("transfer gave a live value");
        if (in_dead_ring(other, v)) other->resurrected++;
        other->live[other->nlive++] = (struct mhandle){v, h.obj, r};
        m->handles++;
        object_unref(o);
        obj_check(h.obj);
    } else {
        object_unref(o);
        if (m->handles == 0 && m->retired)
            obj_check_gone_and_replace(h.obj);
        else
            obj_check(h.obj);
    }
}

// Take for transfer; then install into either table (with the heap perhaps
// refusing) or drop it. In flight, the handle still counts.
static void op_take(struct mtable *mt, struct mtable *other) {
    if (!mt->nlive) return;
    uint32_t li = (uint32_t)th_below(&rng, mt->nlive);
    struct mhandle h = mt->live[li];
    struct mobj *m = &objs[h.obj];
    struct object *o = NULL;
    zx_rights_t r = 0;
    EXPECT_EQ(handle_take(&mt->t, h.v, &o, &r), ZX_OK);
    stat_ok[9]++;
    if (o != fake_base(m->o)) FAIL("take: wrong object");
    EXPECT_EQ(r, h.rights);
    live_drop(mt, li);
    dead_push(mt, h.v);
    obj_check(h.obj);  // nothing changed for the object
    struct mtable *dst = th_below(&rng, 2) ? other : mt;
    if (th_below(&rng, 4)) {
        bool inject = th_below(&rng, 100) < 15;
        uint32_t cap = dst->t.cap;
        if (inject) fake_kheap_fail_after(0);
        zx_handle_t v = 0;
        zx_status_t st = handle_install(&dst->t, o, r, &v);
        fake_kheap_fail_after(-1);
        zx_status_t want = dst->nlive == dst->max ? ZX_ERR_NO_RESOURCES
                           : (dst->nlive == cap && inject) ? ZX_ERR_NO_MEMORY
                                                           : ZX_OK;
        if (st != want) FAIL("install: %d, want %d", st, want);
        if (st == ZX_OK) {
            if (find_live(dst, v) >= 0) FAIL("install gave a live value");
            if (in_dead_ring(dst, v)) dst->resurrected++;
            dst->live[dst->nlive++] = (struct mhandle){v, h.obj, r};
            obj_check(h.obj);
            return;
        }
        obj_check(h.obj);  // still in flight
    }
    // Drop the in-flight handle.
    object_handle_removed(o);
    m->handles--;
    if (m->handles == 0) m->zero_expected++;
    EXPECT_EQ(m->rec.zero_calls, m->zero_expected);
    object_unref(o);
    if (m->handles == 0 && m->retired)
        obj_check_gone_and_replace(h.obj);
    else
        obj_check(h.obj);
}

static void op_duplicate(struct mtable *mt) {
    if (!mt->nlive) return;
    struct mhandle h = mt->live[th_below(&rng, mt->nlive)];
    zx_rights_t req;
    switch (th_below(&rng, 3)) {
    case 0: req = ZX_RIGHT_SAME_RIGHTS; break;
    case 1: req = h.rights & (zx_rights_t)th_rand(&rng); break;
    default: req = (zx_rights_t)th_rand(&rng) & RIGHTS_BITS; break;
    }
    bool inject = th_below(&rng, 100) < 15;
    uint32_t cap = mt->t.cap;
    if (inject) fake_kheap_fail_after(0);
    zx_handle_t v = 0;
    zx_status_t st = handle_duplicate(&mt->t, h.v, req, &v);
    fake_kheap_fail_after(-1);
    zx_status_t want = !(h.rights & ZX_RIGHT_DUPLICATE)                       ? ZX_ERR_ACCESS_DENIED
                       : (req != ZX_RIGHT_SAME_RIGHTS && (req & ~h.rights)) ? ZX_ERR_INVALID_ARGS
                       : mt->nlive == mt->max                               ? ZX_ERR_NO_RESOURCES
                       : (mt->nlive == cap && inject)                       ? ZX_ERR_NO_MEMORY
                                                                            : ZX_OK;
    if (st != want) FAIL("duplicate 0x%08x (rights 0x%x) as 0x%x: %d, want %d", h.v, h.rights, req, st, want);
    if (st != ZX_OK) {
        stat_err[2]++;
        obj_check(h.obj);
        return;
    }
    stat_ok[10]++;
    if (find_live(mt, v) >= 0) FAIL("duplicate gave a live value");
    if (in_dead_ring(mt, v)) mt->resurrected++;
    zx_rights_t nr = req == ZX_RIGHT_SAME_RIGHTS ? h.rights : req;
    mt->live[mt->nlive++] = (struct mhandle){v, h.obj, nr};
    objs[h.obj].handles++;
    obj_check(h.obj);
}

static void op_replace(struct mtable *mt) {
    if (!mt->nlive) return;
    uint32_t li = (uint32_t)th_below(&rng, mt->nlive);
    struct mhandle *h = &mt->live[li];
    zx_rights_t nr = th_below(&rng, 2) ? h->rights & (zx_rights_t)th_rand(&rng) : (zx_rights_t)th_rand(&rng) & RIGHTS_BITS;
    zx_handle_t old = h->v, nv = 0;
    // Never allocates: the heap refusing everything changes nothing.
    fake_kheap_fail_after(0);
    EXPECT_EQ(handle_replace(&mt->t, old, nr, &nv), ZX_OK);
    fake_kheap_fail_after(-1);
    stat_ok[3]++;
    if (nv == old || nv == 0 || (nv & 3u) != 3u) FAIL("replace gave 0x%08x for 0x%08x", nv, old);
    if (find_live(mt, nv) >= 0) FAIL("replace gave a live value");
    if (in_dead_ring(mt, nv)) mt->resurrected++;
    h->v = nv;
    h->rights = nr;
    dead_push(mt, old);
    obj_check(h->obj);
    struct object *o = NULL;
    if (find_live(mt, old) < 0) EXPECT_EQ(handle_get(&mt->t, old, ZX_OBJ_TYPE_NONE, 0, &o, NULL), ZX_ERR_BAD_HANDLE);
}

static void op_get_live(struct mtable *mt) {
    if (!mt->nlive) return;
    struct mhandle *h = &mt->live[th_below(&rng, mt->nlive)];
    zx_obj_type_t type = th_below(&rng, 2) ? ZX_OBJ_TYPE_NONE : types[th_below(&rng, 3)];
    zx_rights_t req;
    switch (th_below(&rng, 3)) {
    case 0: req = 0; break;
    case 1: req = h->rights & (zx_rights_t)th_rand(&rng); break;
    default: req = (zx_rights_t)th_rand(&rng) & RIGHTS_BITS; break;
    }
    stat_ok[4]++;
    check_get(mt, h->v, type, req);
}

static void op_get_dead(struct mtable *mt) {
    if (!mt->ndead) return;
    zx_handle_t v = mt->dead[th_below(&rng, mt->ndead)];
    stat_ok[5]++;
    check_get(mt, v, ZX_OBJ_TYPE_NONE, 0);
    if (find_live(mt, v) < 0) {
        struct object *o = NULL;
        zx_handle_t nv = 0;
        EXPECT_EQ(handle_remove(&mt->t, v, &o, NULL), ZX_ERR_BAD_HANDLE);
        EXPECT_EQ(handle_replace(&mt->t, v, 0, &nv), ZX_ERR_BAD_HANDLE);
    }
}

static void op_garbage(struct mtable *mt) {
    zx_handle_t v = (zx_handle_t)th_rand(&rng);
    switch (th_below(&rng, 4)) {
    case 0: break;
    case 1: v |= 3u; break;
    case 2:  // a live value with one bit flipped
        if (mt->nlive) v = mt->live[th_below(&rng, mt->nlive)].v ^ (1u << th_below(&rng, 32));
        break;
    default:  // a live value with its fixed bits broken
        if (mt->nlive) v = mt->live[th_below(&rng, mt->nlive)].v & ~(zx_handle_t)(1u + th_below(&rng, 3));
        break;
    }
    stat_ok[6]++;
    check_get(mt, v, ZX_OBJ_TYPE_NONE, 0);
}

static void op_retire(void) {
    int i = (int)th_below(&rng, NOBJ);
    struct mobj *m = &objs[i];
    if (m->retired) return;
    m->retired = true;
    stat_ok[7]++;
    object_unref(fake_base(m->o));
    if (m->handles == 0)
        obj_check_gone_and_replace(i);
    else
        obj_check(i);
}

// Destroy the table and start a new one (new secret, empty, growing again).
// The dead ring is kept: under the new secret its values must still be
// refused unless they happen to name a new live handle, which the model knows.
static void op_recycle(struct mtable *mt) {
    handle_table_destroy(&mt->t);
    EXPECT_EQ(handle_table_count(&mt->t), 0);
    for (uint32_t i = 0; i < mt->nlive; i++) {
        dead_push(mt, mt->live[i].v);
        obj_handle_gone(mt->live[i].obj);
    }
    mt->nlive = 0;
    EXPECT_EQ(handle_table_init(&mt->t, mt->max, (uint32_t)th_rand(&rng)), ZX_OK);
    stat_ok[8]++;
}

static void full_check(void) {
    for (int k = 0; k < NTABLES; k++) {
        struct mtable *mt = &tabs[k];
        EXPECT_EQ(handle_table_count(&mt->t), mt->nlive);
        if (mt->t.cap > mt->max) FAIL("cap %u > max %u", mt->t.cap, mt->max);
        for (uint32_t i = 0; i < mt->nlive; i++) check_get(mt, mt->live[i].v, objs[mt->live[i].obj].type, mt->live[i].rights);
        for (uint32_t i = 0; i < mt->ndead; i++) check_get(mt, mt->dead[i], ZX_OBJ_TYPE_NONE, 0);
    }
    for (int i = 0; i < NOBJ; i++) obj_check(i);
}

int main(int argc, char **argv) {
    long ops = argc > 1 ? strtol(argv[1], NULL, 0) : 100000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed;
    printf("obj-handle-random: %ld operations, seed 0x%" PRIx64 "\n", ops, rng);
    long heap0 = fake_kheap_live();
    uint64_t objs0 = object_live_count();

    const uint32_t maxes[NTABLES] = {600, 5};
    for (int k = 0; k < NTABLES; k++) {
        tabs[k].max = maxes[k];
        tabs[k].live = calloc(maxes[k], sizeof(struct mhandle));
        if (!tabs[k].live || handle_table_init(&tabs[k].t, maxes[k], (uint32_t)th_rand(&rng)) != ZX_OK) {
            printf("setup failed\n");
            return 1;
        }
    }
    for (int i = 0; i < NOBJ; i++) obj_fresh(i);

    // The big table's target size drifts: small, medium, past max, shrinking.
    const uint32_t targets[] = {8, 150, 700, 40, 400, 2, 650};
    for (op_index = 0; op_index < ops; op_index++) {
        uint32_t target = targets[(op_index / 7000) % (sizeof(targets) / sizeof(targets[0]))];
        if (op_index % 7000 == 6999) op_recycle(&tabs[op_index % 14000 == 13999]);
        int k = th_below(&rng, 4) ? 0 : 1;
        struct mtable *mt = &tabs[k];
        if (k == 1) target = 4;
        uint64_t r = th_below(&rng, 100);
        if (r < 40) {
            bool grow = mt->nlive < target ? th_below(&rng, 10) < 8 : th_below(&rng, 10) < 2;
            if (grow)
                op_add(mt, th_below(&rng, 100) < 15);
            else
                op_close(mt);
        } else if (r < 44) {
            op_remove(mt, &tabs[1 - k]);
        } else if (r < 48) {
            op_take(mt, &tabs[1 - k]);
        } else if (r < 53) {
            op_duplicate(mt);
        } else if (r < 60) {
            op_replace(mt);
        } else if (r < 78) {
            op_get_live(mt);
        } else if (r < 89) {
            op_get_dead(mt);
        } else if (r < 98) {
            op_garbage(mt);
        } else {
            op_retire();
        }
        if (op_index % 997 == 0) full_check();
    }
    full_check();
    printf("obj-handle-random: add ok %ld / NO_MEMORY %ld / NO_RESOURCES %ld, close %ld, remove %ld, replace %ld, "
           "get %ld, dead %ld, garbage %ld, retire %ld, table recycles %ld, take %ld, duplicate ok %ld / refused %ld\n",
           stat_ok[0], stat_err[0], stat_err[1], stat_ok[1], stat_ok[2], stat_ok[3], stat_ok[4], stat_ok[5], stat_ok[6],
           stat_ok[7], stat_ok[8], stat_ok[9], stat_ok[10], stat_err[2]);
    for (int k = 0; k < NTABLES; k++)
        printf("obj-handle-random: table %d (max %u): %u live at the end, cap %u, %ld new values had been seen dead "
               "before (a generation wrap, or chance after a recycle changed the secret)\n",
               k, tabs[k].max, tabs[k].nlive, tabs[k].t.cap, tabs[k].resurrected);
    if (!stat_err[0]) FAIL("no add met NO_MEMORY: growth failure not exercised");
    if (!stat_err[1]) FAIL("no add met NO_RESOURCES: a full table not exercised");

    // Destroy both tables: every handle goes, then the test's own references.
    int zero_at_end[NOBJ];
    for (int i = 0; i < NOBJ; i++) zero_at_end[i] = objs[i].zero_expected + (objs[i].handles > 0);
    for (int k = 0; k < NTABLES; k++) {
        for (uint32_t i = 0; i < tabs[k].nlive; i++) objs[tabs[k].live[i].obj].handles--;
        handle_table_destroy(&tabs[k].t);
        tabs[k].nlive = 0;
        free(tabs[k].live);
    }
    for (int i = 0; i < NOBJ; i++) {
        struct mobj *m = &objs[i];
        EXPECT_EQ(m->handles, 0);
        EXPECT_EQ(m->rec.zero_calls, zero_at_end[i]);
        if (m->retired) {  // its last handle went with the tables: freed
            EXPECT_EQ(m->rec.destroyed, 1);
        } else {
            EXPECT_EQ(fake_handles(m->o), 0);
            EXPECT_EQ(fake_refs(m->o), 1);
            EXPECT_EQ(m->rec.destroyed, 0);
            object_unref(fake_base(m->o));
            EXPECT_EQ(m->rec.destroyed, 1);
        }
    }
    EXPECT_EQ(fake_kheap_live(), heap0);
    EXPECT_EQ(object_live_count(), objs0);
    EXPECT_EQ(fake_totals.created, fake_totals.destroyed);
    EXPECT_EQ(fake_totals.lock_held, 0);
    printf("obj-handle-random: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
