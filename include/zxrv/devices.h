// The kernel's device list, read from the device tree at boot: every node
// with a memory-mapped `reg` (the MMIO resource map of the banner) together
// with its interrupts. zx_object_get_info on the root resource (INSPECT) with
// the private topic ZXRV_INFO_DEVICES fills an array of zxrv_device_info_t,
// in the map's order (sorted by base); `actual` and `avail` count entries.
// This is how a user-space driver finds its device: look for the compatible
// string, then make an MMIO resource for [base, base + size) and an IRQ
// resource for each source with zx_resource_create.
#ifndef ZXRV_DEVICES_H_
#define ZXRV_DEVICES_H_

#include <stdint.h>

#define ZXRV_INFO_DEVICES ((uint32_t)0x7a780002u)

#define ZXRV_DEVICE_MAX_IRQS 4u
#define ZXRV_DEVICE_PATH_LEN 96u
#define ZXRV_DEVICE_COMPAT_LEN 48u

// flags
#define ZXRV_DEVICE_INTC 0x1u  // an interrupt controller: never granted to user space

typedef struct zxrv_device_info {
    uint64_t base;  // CPU physical address of the first `reg` range (after `ranges`)
    uint64_t size;
    uint32_t flags;      // ZXRV_DEVICE_*
    uint32_t irq_count;  // how many of irqs[] are valid
    // Interrupt source numbers at the platform interrupt controller (the
    // PLIC), from `interrupts` (through `interrupt-parent`) or
    // `interrupts-extended`; the number zx_interrupt_create takes.
    uint32_t irqs[ZXRV_DEVICE_MAX_IRQS];
    // ZX_INTERRUPT_MODE_* of each source as the device tree gives it
    // (ZX_INTERRUPT_MODE_LEVEL_HIGH for the PLIC's one-cell specifiers).
    uint32_t irq_modes[ZXRV_DEVICE_MAX_IRQS];
    char path[ZXRV_DEVICE_PATH_LEN];          // "/soc/virtio_mmio@10008000"
    char compatible[ZXRV_DEVICE_COMPAT_LEN];  // first `compatible` string
} zxrv_device_info_t;

#endif
