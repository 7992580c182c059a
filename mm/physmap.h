// The kernel's direct map of physical memory.
//
// In the kernel every byte of RAM (and the early DTB) is visible at
// PHYSMAP_BASE + pa. Host tests link a fake that maps a heap buffer instead,
// so mm/ code must reach physical memory only through physmap_va().
#ifndef MM_PHYSMAP_H
#define MM_PHYSMAP_H

#include "mm/addr.h"

// Start of the Sv39 upper half: 256 GiB reserved for the direct map.
#define PHYSMAP_BASE 0xffffffc000000000ull
#define PHYSMAP_SIZE 0x0000002000000000ull  // 128 GiB

void *physmap_va(paddr_t p);
#endif
