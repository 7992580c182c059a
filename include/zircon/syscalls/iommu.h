// IOMMU descriptors for zx_iommu_create (Fuchsia's <zircon/syscalls/iommu.h>,
// misttech/fuchsia @77ea9f9: the same names, values and layouts). zxrv has
// no IOMMU: only ZX_IOMMU_TYPE_DUMMY (the stub) is implemented, and device
// addresses are physical addresses.
#ifndef SYSROOT_ZIRCON_SYSCALLS_IOMMU_H_
#define SYSROOT_ZIRCON_SYSCALLS_IOMMU_H_

#include <stdbool.h>
#include <stdint.h>
#include <zircon/compiler.h>

__BEGIN_CDECLS

#define ZX_IOMMU_MAX_DESC_LEN 4096

// Values for the |type| argument of the zx_iommu_create() syscall.
#define ZX_IOMMU_TYPE_STUB 0
#define ZX_IOMMU_TYPE_INTEL 1
#define ZX_IOMMU_TYPE_ARM_SMMU 2

// Data structures for creating a stub IOMMU instance
typedef struct zx_iommu_desc_stub {
  uint8_t reserved;
} zx_iommu_desc_stub_t;

// The deprecated names of the stub, still what Zircon's core tests use.
#define ZX_IOMMU_TYPE_DUMMY ZX_IOMMU_TYPE_STUB
typedef zx_iommu_desc_stub_t zx_iommu_desc_dummy_t;

// Intel IOMMU scopes: a single PCI endpoint device, or a PCI-PCI bridge and
// everything below it.
#define ZX_IOMMU_INTEL_SCOPE_ENDPOINT 0
#define ZX_IOMMU_INTEL_SCOPE_BRIDGE 1

typedef struct zx_iommu_desc_intel_scope {
  uint8_t type;
  uint8_t start_bus;
  uint8_t num_hops;
  uint8_t dev_func[5];
} zx_iommu_desc_intel_scope_t;

typedef struct zx_iommu_desc_intel_reserved_memory {
  uint64_t base_addr;
  uint64_t len;
  uint8_t scope_bytes;
  uint8_t _reserved[7];
} zx_iommu_desc_intel_reserved_memory_t;

typedef struct zx_iommu_desc_intel {
  uint64_t register_base;
  uint16_t pci_segment;
  bool whole_segment;
  uint8_t scope_bytes;
  uint16_t reserved_memory_bytes;
  uint8_t _reserved[2];
} zx_iommu_desc_intel_t;

typedef struct zx_iommu_desc_arm_smmu {
  uint64_t register_base;
} zx_iommu_desc_arm_smmu_t;

__END_CDECLS

#endif  // SYSROOT_ZIRCON_SYSCALLS_IOMMU_H_
