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
    zxrv_console_regs_t r;
    int step;
    const char *call;
    zx_status_t st = zxrv_console_rsrc_map(rsrc, &r, &step, &call);
    if (st != ZX_OK) {
        printf("uartdrv: %s: %d\n", call, st);
        return 3 + step;
    }
    const char *compat = r.compat;
    unsigned shift = r.shift, width = r.width;
    volatile uint8_t *regs = r.regs;
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
    zx_vmar_unmap(zx_vmar_root_self(), r.map_addr, r.map_len);
    zx_handle_close(rsrc);
    return 0;
}
