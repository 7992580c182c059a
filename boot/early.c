// Early Sv39 tables (see boot/early.h).
//
// Everything here may run with the MMU off at the physical load address, so
// it only uses PC-relative addressing: no pointers stored in initialised
// data, no jump tables (built with -fno-jump-tables). Linker symbols read
// here are therefore physical addresses until the switch.
//
// Pages: text R-X, rodata R--, data/bss RW-; never W and X together. The
// identity gigapage is R-X only and exists for the few instructions between
// `csrw satp` and the jump to the higher half.
#include "boot/early.h"

#include "boot/layout.h"
#include "kern/riscv.h"
#include "mm/physmap.h"
#include "mm/pt.h"

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

#define PT_ENTRIES 512
#define GIGA (1ull << 30)
#define MEGA2 (1ull << 21)

static uint64_t boot_root[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t boot_l1[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t boot_l0[EARLY_L0_TABLES][PT_ENTRIES] __attribute__((aligned(4096)));

uint64_t kernel_load_pa;

static uint64_t pte_for(uint64_t pa, uint64_t bits) { return ((pa >> 12) << PTE_PPN_SHIFT) | bits | PTE_V; }
static unsigned vpn(uint64_t va, unsigned level) { return (va >> (12 + 9 * level)) & 0x1ff; }

uint64_t early_map(uint64_t load_pa, uint64_t dtb_pa) {
    uint64_t start = (uint64_t)__kernel_start;  // physical here
    uint64_t text_end = (uint64_t)__text_end - start;
    uint64_t ro_end = (uint64_t)__rodata_end - start;
    uint64_t size = (uint64_t)__kernel_end - start;

    if (size > EARLY_L0_TABLES * MEGA2) {
        for (;;) __asm__ volatile("wfi");  // image too large for the early map
    }
    kernel_load_pa = load_pa;

    boot_root[vpn(KERNEL_VBASE, 2)] = pte_for((uint64_t)boot_l1, 0);
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t v = KERNEL_VBASE + off;
        uint64_t *l0 = boot_l0[off / MEGA2];
        boot_l1[vpn(v, 1)] = pte_for((uint64_t)l0, 0);
        uint64_t bits = PTE_A | PTE_G;
        if (off < text_end)
            bits |= PTE_R | PTE_X;
        else if (off < ro_end)
            bits |= PTE_R;
        else
            bits |= PTE_R | PTE_W | PTE_D;
        l0[vpn(v, 0)] = pte_for(load_pa + off, bits);
    }

    // Identity R-X gigapage for the switch.
    boot_root[vpn(load_pa, 2)] = pte_for(load_pa & ~(GIGA - 1), PTE_R | PTE_X | PTE_A);
    // Direct map around the image and the DTB.
    uint64_t rw = PTE_R | PTE_W | PTE_A | PTE_D | PTE_G;
    boot_root[vpn(PHYSMAP_BASE + load_pa, 2)] = pte_for(load_pa & ~(GIGA - 1), rw);
    boot_root[vpn(PHYSMAP_BASE + dtb_pa, 2)] = pte_for(dtb_pa & ~(GIGA - 1), rw);
    uint64_t dtb_last = dtb_pa + 2 * MEGA2;  // the DTB is at most 2 MiB long
    boot_root[vpn(PHYSMAP_BASE + dtb_last, 2)] = pte_for(dtb_last & ~(GIGA - 1), rw);

    return SATP_MODE_SV39 | ((uint64_t)boot_root >> 12);
}

void early_physmap_add(uint64_t p) {
    boot_root[vpn(PHYSMAP_BASE + p, 2)] =
        pte_for(p & ~(GIGA - 1), PTE_R | PTE_W | PTE_A | PTE_D | PTE_G);
    sfence_vma_all();
}
