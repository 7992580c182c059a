// IOMMU objects (see obj/iommu.h).
#include "obj/iommu.h"

#include <zircon/syscalls/iommu.h>

#include "mm/addr.h"
#include "mm/kheap.h"

_Static_assert(IOMMU_STUB_MIN_CONTIGUITY == PAGE_SIZE, "the stub IOMMU maps page by page");

static void iommu_destroy(struct object *o) { kfree(o); }

const struct object_ops iommu_ops = {ZX_OBJ_TYPE_IOMMU, "iommu", iommu_destroy, 0};

zx_status_t iommu_create(uint32_t type, size_t desc_size, struct iommu **out) {
    if (type != ZX_IOMMU_TYPE_DUMMY) return ZX_ERR_NOT_SUPPORTED;
    if (desc_size != sizeof(zx_iommu_desc_dummy_t)) return ZX_ERR_INVALID_ARGS;
    struct iommu *m = kzalloc(sizeof(*m));
    if (!m) return ZX_ERR_NO_MEMORY;
    object_init(&m->obj, &iommu_ops);
    m->type = type;
    *out = m;
    return ZX_OK;
}
