// Jobs (see obj/job.h).
#include "obj/job.h"

#include "kern/panic.h"
#include "mm/kheap.h"

static void job_destroy(struct object *o) {
    struct job *j = (struct job *)o;
    if (j->parent) object_unref(&j->parent->obj);
    kfree(j);
}

const struct object_ops job_ops = {ZX_OBJ_TYPE_JOB, "job", job_destroy, 0};

static struct job *root;

struct job *job_root(void) {
    if (!root) {
        if (job_create(0, &root) != ZX_OK) panic("no memory for the root job");
        object_set_name(&root->obj, "root", 4);
    }
    return root;
}

zx_status_t job_create(struct job *parent, struct job **out) {
    struct job *j = kzalloc(sizeof(*j));
    if (!j) return ZX_ERR_NO_MEMORY;
    object_init(&j->obj, &job_ops);
    if (parent) {
        object_ref(&parent->obj);
        j->parent = parent;
    }
    *out = j;
    return ZX_OK;
}
