// Physical VMOs (see obj/vmo.h; Zircon's VmObjectPhysical): a fixed range
// of physical memory (MMIO), no pages of their own. Their reads, writes and
// range operations are refused by obj/vmo_cow_pages.c; faults get
// phys_base + off.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/addr.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"
#include "obj/object.h"
#include "obj/vmo.h"
#include "obj/vmo_internal.h"

#include "mm/kheap.h"

zx_status_t vmo_create_physical(uint64_t paddr, uint64_t size, struct vmo **out) {
    if (size == 0 || !is_page_aligned(paddr) || !is_page_aligned(size)) return ZX_ERR_INVALID_ARGS;
    if (size - 1 > UINT64_MAX - paddr || size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
    struct vmo *v = kzalloc(sizeof(*v));
    if (!v) return ZX_ERR_NO_MEMORY;
    object_init(&v->obj, &vmo_ops);
    v->size = size;
    v->content_size = size;
    v->options = 0;
    v->cache_policy = ZX_CACHE_POLICY_UNCACHED;
    v->root = pa(0);
    v->radix_height = 1;
    v->physical = true;
    v->phys_base = pa(paddr);
    v->obj.signals |= ZX_VMO_ZERO_CHILDREN;
    *out = v;
    return ZX_OK;
}

bool vmo_is_physical(struct vmo *v) { return v->physical; }
