// Receive side of the console UARTs (see uart.h).
#include "uart.h"

#include <string.h>

#define NS_RBR 0
#define NS_IER 1
#define NS_FCR 2
#define NS_LSR 5
#define NS_IER_RDI 0x01u
#define NS_FCR_ENABLE 0x01u  // FIFOs on, receive trigger level 1 byte
#define NS_LSR_DR 0x01u

#define SIFIVE_RXDATA 0x04
#define SIFIVE_RXCTRL 0x0c
#define SIFIVE_IE 0x10
#define SIFIVE_RXDATA_EMPTY (1u << 31)
#define SIFIVE_RXCTRL_RXEN 0x1u
#define SIFIVE_RXCTRL_CNT_MASK (0x7u << 16)
#define SIFIVE_IE_RXWM 0x2u

static uint32_t ns_read(struct console_uart *u, unsigned reg) {
    volatile uint8_t *p = u->regs + ((uintptr_t)reg << u->shift);
    return u->width == 4 ? *(volatile uint32_t *)p : *p;
}

static void ns_write(struct console_uart *u, unsigned reg, uint32_t v) {
    volatile uint8_t *p = u->regs + ((uintptr_t)reg << u->shift);
    if (u->width == 4)
        *(volatile uint32_t *)p = v;
    else
        *p = (uint8_t)v;
}

static volatile uint32_t *sifive_reg(struct console_uart *u, unsigned off) {
    return (volatile uint32_t *)(u->regs + off);
}

zx_status_t console_uart_init(struct console_uart *u, const char *compat, volatile uint8_t *regs, size_t size,
                              unsigned shift, unsigned width) {
    memset(u, 0, sizeof *u);
    u->regs = regs;
    if (!strcmp(compat, "ns16550a") || !strcmp(compat, "ns16550")) {
        if (shift > 4 || (width != 1 && width != 4) || ((size_t)NS_LSR << shift) + width > size)
            return ZX_ERR_NOT_SUPPORTED;
        u->ns16550 = true;
        u->shift = shift;
        u->width = width;
        return ZX_OK;
    }
    if (!strcmp(compat, "sifive,uart0")) {
        if (size < SIFIVE_IE + 4) return ZX_ERR_NOT_SUPPORTED;
        return ZX_OK;
    }
    return ZX_ERR_NOT_SUPPORTED;
}

void console_uart_rx_enable(struct console_uart *u, bool irq) {
    if (u->ns16550) {
        // The transmit interrupt stays off: the kernel polls the transmitter.
        ns_write(u, NS_FCR, NS_FCR_ENABLE);
        ns_write(u, NS_IER, irq ? NS_IER_RDI : 0);
    } else {
        uint32_t ctrl = *sifive_reg(u, SIFIVE_RXCTRL);
        *sifive_reg(u, SIFIVE_RXCTRL) = (ctrl & ~SIFIVE_RXCTRL_CNT_MASK) | SIFIVE_RXCTRL_RXEN;  // watermark 0
        *sifive_reg(u, SIFIVE_IE) = irq ? SIFIVE_IE_RXWM : 0;
    }
}

int console_uart_getc(struct console_uart *u) {
    if (u->ns16550) {
        if (!(ns_read(u, NS_LSR) & NS_LSR_DR)) return -1;
        return (int)(ns_read(u, NS_RBR) & 0xff);
    }
    uint32_t v = *sifive_reg(u, SIFIVE_RXDATA);
    if (v & SIFIVE_RXDATA_EMPTY) return -1;
    return (int)(v & 0xff);
}
