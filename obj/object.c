// Object header operations (see obj/object.h).
#include "obj/object.h"

#include "kern/string.h"

static uint64_t next_koid = 1024;
static uint64_t live_objects;

void object_init(struct object *o, const struct object_ops *ops) {
    o->ops = ops;
    o->refcount = 1;
    o->handle_count = 0;
    o->koid = __atomic_fetch_add(&next_koid, 1, __ATOMIC_RELAXED);
    spin_init(&o->lock, ops->type_name);
    memset(o->name, 0, sizeof(o->name));
    __atomic_fetch_add(&live_objects, 1, __ATOMIC_RELAXED);
}

void object_ref(struct object *o) { __atomic_fetch_add(&o->refcount, 1, __ATOMIC_RELAXED); }

bool object_try_ref(struct object *o) {
    uint32_t r = __atomic_load_n(&o->refcount, __ATOMIC_RELAXED);
    while (r != 0)
        if (__atomic_compare_exchange_n(&o->refcount, &r, r + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return true;
    return false;
}

void object_unref(struct object *o) {
    if (__atomic_sub_fetch(&o->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
        __atomic_fetch_sub(&live_objects, 1, __ATOMIC_RELAXED);
        o->ops->destroy(o);
    }
}

void object_handle_added(struct object *o) { __atomic_fetch_add(&o->handle_count, 1, __ATOMIC_RELAXED); }

void object_handle_removed(struct object *o) {
    if (__atomic_sub_fetch(&o->handle_count, 1, __ATOMIC_ACQ_REL) == 0 && o->ops->on_zero_handles)
        o->ops->on_zero_handles(o);
}

void object_get_name(struct object *o, char out[ZX_MAX_NAME_LEN]) {
    uint64_t f = spin_lock_irqsave(&o->lock);
    memcpy(out, o->name, ZX_MAX_NAME_LEN);
    spin_unlock_irqrestore(&o->lock, f);
    out[ZX_MAX_NAME_LEN - 1] = 0;
}

void object_set_name(struct object *o, const char *name, size_t len) {
    char tmp[ZX_MAX_NAME_LEN];
    size_t n = 0;
    while (n < len && n < ZX_MAX_NAME_LEN - 1 && name[n]) {
        tmp[n] = name[n];
        n++;
    }
    memset(tmp + n, 0, ZX_MAX_NAME_LEN - n);
    uint64_t f = spin_lock_irqsave(&o->lock);
    memcpy(o->name, tmp, ZX_MAX_NAME_LEN);
    spin_unlock_irqrestore(&o->lock, f);
}

uint64_t object_live_count(void) { return __atomic_load_n(&live_objects, __ATOMIC_RELAXED); }
