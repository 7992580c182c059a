// NS16550A transmit-only console driver (the firmware has set the line up).
#include <stdint.h>

#include "platform/uart.h"

#define NS16550_THR 0
#define NS16550_LSR 5
#define NS16550_LSR_THRE 0x20

struct ns16550 {
    volatile uint8_t *base;
    uint32_t shift, width;
};

static struct ns16550 ns16550_dev;

static uint32_t ns16550_read(struct ns16550 *u, unsigned reg) {
    volatile uint8_t *p = u->base + ((uintptr_t)reg << u->shift);
    return u->width == 4 ? *(volatile uint32_t *)p : *p;
}

static void ns16550_write(struct ns16550 *u, unsigned reg, uint32_t v) {
    volatile uint8_t *p = u->base + ((uintptr_t)reg << u->shift);
    if (u->width == 4)
        *(volatile uint32_t *)p = v;
    else
        *p = (uint8_t)v;
}

static void ns16550_putc(void *ctx, char c) {
    struct ns16550 *u = ctx;
    while (!(ns16550_read(u, NS16550_LSR) & NS16550_LSR_THRE)) {
    }
    ns16550_write(u, NS16550_THR, (uint8_t)c);
}

zx_status_t ns16550_attach(const struct dt_console *dc, volatile void *regs, struct console_driver *out) {
    if (dc->reg_shift > 4 || (dc->reg_io_width != 1 && dc->reg_io_width != 4)) return ZX_ERR_NOT_SUPPORTED;
    if (((uint64_t)NS16550_LSR << dc->reg_shift) >= dc->size) return ZX_ERR_NOT_SUPPORTED;
    ns16550_dev = (struct ns16550){(volatile uint8_t *)regs, dc->reg_shift, dc->reg_io_width};
    *out = (struct console_driver){"ns16550a", ns16550_putc, &ns16550_dev};
    return ZX_OK;
}
