// uartdrv: a user-space driver for the console UART, the whole chain of the
// seed calls: device tree -> the kernel's MMIO resource map -> an MMIO
// resource (made by init from the root resource, tag PA_HND(ZXRV_PA_CONSOLE_MMIO, 0))
// -> zx_vmo_create_physical -> zx_vmar_map -> the device registers.
// It writes its message by polling the UART itself (ns16550a on QEMU virt,
// sifive,uart0 on HiFive boards / sifive_u), never through the kernel.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>
#include <zxrv/console_rsrc.h>

#define PAGE 4096ull

static void ns16550_putc(volatile uint8_t *regs, unsigned shift, unsigned width, char c) {
    volatile uint8_t *lsr = regs + (5u << shift), *thr = regs;
    for (;;) {
        uint32_t v = width == 4 ? *(volatile uint32_t *)lsr : *lsr;
        if (v & 0x20) break;
    }
    if (width == 4)
        *(volatile uint32_t *)thr = (uint8_t)c;
    else
        *thr = (uint8_t)c;
}

static void sifive_putc(volatile uint8_t *regs, char c) {
    volatile uint32_t *txdata = (volatile uint32_t *)regs;
    while (*txdata & 0x80000000u) {
    }
    *txdata = (uint8_t)c;
}

int main(int argc, char **argv) {
    const char *msg = argc > 1 ? argv[1] : "uartdrv: hello from user space, written straight to the UART registers";
    zx_handle_t rsrc = zx_take_startup_handle(PA_HND(ZXRV_PA_CONSOLE_MMIO, 0));
    if (rsrc == ZX_HANDLE_INVALID) {
        printf("uartdrv: no console MMIO resource from init\n");
        return 2;
    }
    zx_info_resource_t info;
    zx_status_t st = zx_object_get_info(rsrc, ZX_INFO_RESOURCE, &info, sizeof info, NULL, NULL);
    if (st != ZX_OK) {
        printf("uartdrv: ZX_INFO_RESOURCE: %d\n", st);
        return 3;
    }
    char compat[ZX_MAX_NAME_LEN];
    unsigned shift, width;
    zxrv_console_rsrc_parse(info.name, compat, &shift, &width);  // "COMPAT/REG_SHIFT/REG_IO_WIDTH"
    uint64_t page_base = info.base & ~(PAGE - 1);
    uint64_t len = (info.base + info.size - page_base + PAGE - 1) & ~(PAGE - 1);
    zx_handle_t vmo;
    st = zx_vmo_create_physical(rsrc, page_base, len, &vmo);
    if (st != ZX_OK) {
        printf("uartdrv: zx_vmo_create_physical(%#llx, %#llx): %d\n", (unsigned long long)page_base,
               (unsigned long long)len, st);
        return 4;
    }
    zx_vaddr_t addr;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, len, &addr);
    if (st != ZX_OK) {
        printf("uartdrv: zx_vmar_map: %d\n", st);
        return 5;
    }
    volatile uint8_t *regs = (volatile uint8_t *)(addr + (info.base - page_base));
    bool ns = !strcmp(compat, "ns16550a") || !strcmp(compat, "ns16550");
    if (!ns && strcmp(compat, "sifive,uart0") != 0) {
        printf("uartdrv: no driver for \"%s\"\n", compat);
        return 6;
    }
    for (const char *p = msg;; p++) {
        char c = *p ? *p : '\n';
        if (c == '\n') {
            if (ns) ns16550_putc(regs, shift, width, '\r'); else sifive_putc(regs, '\r');
        }
        if (ns) ns16550_putc(regs, shift, width, c); else sifive_putc(regs, c);
        if (!*p) break;
    }
    zx_vmar_unmap(zx_vmar_root_self(), addr, len);
    zx_handle_close(vmo);
    zx_handle_close(rsrc);
    return 0;
}
