// Early page tables: built by boot/head.S before the MMU is on.
#ifndef BOOT_EARLY_H
#define BOOT_EARLY_H

#include <stdint.h>

// Runs at the physical load address (MMU off, PC-relative addressing only).
// Builds the boot root table: the image at KERNEL_VBASE with per-section
// permissions, an identity R-X gigapage around the load address for the
// switch, and direct-map (physmap) gigapages around the image and the DTB.
// Returns the satp value that enables it.
uint64_t early_map(uint64_t load_pa, uint64_t dtb_pa);

// After the switch: add the direct-map gigapage holding `pa` to the boot
// table (used while the boot allocator finds room for its metadata).
void early_physmap_add(uint64_t pa);

// Physical load address of the image, recorded by early_map.
extern uint64_t kernel_load_pa;
#endif
