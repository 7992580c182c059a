// Fake object type (see fake_object.h).
#include "fake_object.h"

#include <stdio.h>
#include <stdlib.h>

struct fake_totals fake_totals;
long fake_seq;

static void fake_check_lock(struct fake_obj *o) {
    if (!fake_lock_held(o->watch)) return;
    __atomic_fetch_add(&fake_totals.lock_held, 1, __ATOMIC_SEQ_CST);
    if (o->rec) o->rec->lock_held++;
}

static void fake_on_zero_handles(struct object *base) {
    struct fake_obj *o = (struct fake_obj *)base;
    if (o->magic != FAKE_OBJ_MAGIC) {
        fprintf(stderr, "fake on_zero_handles: bad object %p\n", (void *)o);
        abort();
    }
    long seq = __atomic_add_fetch(&fake_seq, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&fake_totals.zero_calls, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&o->zero_local, 1, __ATOMIC_SEQ_CST);
    fake_check_lock(o);
    if (o->rec) {
        o->rec->zero_calls++;
        o->rec->zero_seq = seq;
        o->rec->handles_at_zero = fake_handles(o);
        o->rec->refs_at_zero = fake_refs(o);
    }
    // Re-entering the table with its lock held would deadlock: skip then.
    if (o->on_zero_hook && !fake_lock_held(o->watch)) o->on_zero_hook(o);
}

static void fake_destroy(struct object *base) {
    struct fake_obj *o = (struct fake_obj *)base;
    if (o->magic != FAKE_OBJ_MAGIC) {
        fprintf(stderr, "fake destroy: bad object %p\n", (void *)o);
        abort();
    }
    long seq = __atomic_add_fetch(&fake_seq, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&fake_totals.destroyed, 1, __ATOMIC_SEQ_CST);
    if (o->expect_single_zero && __atomic_load_n(&o->zero_local, __ATOMIC_SEQ_CST) != 1)
        __atomic_fetch_add(&fake_totals.zero_violations, 1, __ATOMIC_SEQ_CST);
    fake_check_lock(o);
    if (o->rec) {
        o->rec->destroyed++;
        o->rec->destroy_seq = seq;
    }
    if (o->destroy_hook && !fake_lock_held(o->watch)) o->destroy_hook(o);
    o->magic = 0;
    free(o);
}

static const struct object_ops fake_ops_event = {
    .type = ZX_OBJ_TYPE_EVENT, .type_name = "fake-event", .destroy = fake_destroy,
    .on_zero_handles = fake_on_zero_handles};
static const struct object_ops fake_ops_vmo = {
    .type = ZX_OBJ_TYPE_VMO, .type_name = "fake-vmo", .destroy = fake_destroy,
    .on_zero_handles = fake_on_zero_handles};
static const struct object_ops fake_ops_port = {
    .type = ZX_OBJ_TYPE_PORT, .type_name = "fake-port", .destroy = fake_destroy,
    .on_zero_handles = fake_on_zero_handles};

struct fake_obj *fake_new(zx_obj_type_t type, struct fake_rec *rec) {
    const struct object_ops *ops;
    switch (type) {
    case ZX_OBJ_TYPE_EVENT: ops = &fake_ops_event; break;
    case ZX_OBJ_TYPE_VMO: ops = &fake_ops_vmo; break;
    case ZX_OBJ_TYPE_PORT: ops = &fake_ops_port; break;
    default:
        fprintf(stderr, "fake_new: unsupported type %u\n", type);
        abort();
    }
    struct fake_obj *o = calloc(1, sizeof(*o));
    if (!o) abort();
    object_init(&o->base, ops);
    o->magic = FAKE_OBJ_MAGIC;
    o->rec = rec;
    if (rec) *rec = (struct fake_rec){0};
    __atomic_fetch_add(&fake_totals.created, 1, __ATOMIC_SEQ_CST);
    return o;
}
