// Resource objects: capabilities over ranges of privileged things (MMIO,
// ...). Today only the root resource exists, given to init; ranged MMIO
// resources built from the device tree's resource map come next.
#ifndef OBJ_RESOURCE_H
#define OBJ_RESOURCE_H

#include <stdint.h>
#include <zircon/types.h>

#include "obj/object.h"

struct resource {
    struct object obj;
    uint32_t kind;   // ZX_RSRC_KIND_*
    uint32_t flags;  // ZX_RSRC_FLAG_*
    uint64_t base, size;
};

extern const struct object_ops resource_ops;

// The root resource: covers everything. Created on first use, never destroyed.
struct resource *resource_root(void);
#endif
