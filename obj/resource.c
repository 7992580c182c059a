// Resources (see obj/resource.h).
#include "obj/resource.h"

#include <zircon/syscalls/resource.h>

#include "kern/panic.h"
#include "mm/kheap.h"

static void resource_destroy(struct object *o) { kfree(o); }

const struct object_ops resource_ops = {ZX_OBJ_TYPE_RESOURCE, "resource", resource_destroy, 0};

static struct resource *root;

struct resource *resource_root(void) {
    if (!root) {
        root = kzalloc(sizeof(*root));
        if (!root) panic("no memory for the root resource");
        object_init(&root->obj, &resource_ops);
        object_set_name(&root->obj, "root", 4);
        root->kind = ZX_RSRC_KIND_ROOT;
    }
    return root;
}
