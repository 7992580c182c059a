// IOMMU objects (zx_iommu_create), as Zircon's IommuDispatcher with its
// "stub" (formerly "dummy") IOMMU: these machines have no IOMMU, so the only
// type is ZX_IOMMU_TYPE_DUMMY, and device addresses are physical addresses.
// An IOMMU object only exists so that BTIs can be made from it (obj/bti.h).
//
// Locking: nothing changes after creation; no lock of its own is needed.
#ifndef OBJ_IOMMU_H
#define OBJ_IOMMU_H

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include "obj/object.h"

struct iommu {
    struct object obj;
    uint32_t type;  // ZX_IOMMU_TYPE_*
};

extern const struct object_ops iommu_ops;

// Zircon's IommuDispatcher::Create for a descriptor already copied in:
// a type other than ZX_IOMMU_TYPE_DUMMY -> ZX_ERR_NOT_SUPPORTED (there is no
// Intel or ARM SMMU here); the stub's descriptor must be exactly
// sizeof(zx_iommu_desc_dummy_t) bytes (else ZX_ERR_INVALID_ARGS, as
// DummyIommu::Create); ZX_ERR_NO_MEMORY.
zx_status_t iommu_create(uint32_t type, size_t desc_size, struct iommu **out);

// The stub IOMMU's facts (DummyIommu): every BTI id is valid, the minimum
// contiguity is a page, the address space is all of it.
#define IOMMU_STUB_MIN_CONTIGUITY 4096u
#define IOMMU_STUB_ASPACE_SIZE UINT64_MAX
#endif
