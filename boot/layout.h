// The kernel's virtual memory layout (Sv39, upper half only).
//
//   0xffffffc000000000  +128 GiB  direct map of physical memory (mm/physmap.h)
//   0xffffffe000000000  +1 GiB    MMIO window: device registers mapped by ioremap
//   0xffffffe040000000  +1 GiB    kernel stacks, each below an unmapped guard page
//   0xffffffff80200000            the kernel image (text, rodata, data, bss)
//
// The lower half (below 0x0000004000000000) belongs to user address spaces.
// The physical load address of the image is whatever the boot loader chose
// (2 MiB aligned, as the Linux Image protocol requires): early boot maps
// KERNEL_VBASE to it.
#ifndef BOOT_LAYOUT_H
#define BOOT_LAYOUT_H

#define KERNEL_VBASE 0xffffffff80200000
#define MMIO_WINDOW_BASE 0xffffffe000000000
#define MMIO_WINDOW_SIZE 0x0000000040000000
#define KSTACK_WINDOW_BASE 0xffffffe040000000
#define KSTACK_WINDOW_SIZE 0x0000000040000000
#define KSTACK_PAGES 4  // 16 KiB per kernel stack, plus one guard page below

#define BOOT_STACK_SIZE 16384
#define EARLY_L0_TABLES 8  // early map covers a kernel image of up to 16 MiB

#endif
