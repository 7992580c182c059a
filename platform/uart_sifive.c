// SiFive UART0 transmit-only console driver.
#include <stdint.h>

#include "platform/uart.h"

#define SIFIVE_UART_TXDATA 0x00
#define SIFIVE_UART_TXCTRL 0x08
#define SIFIVE_UART_TXFULL (1u << 31)
#define SIFIVE_UART_TXEN 0x1u

static volatile uint32_t *sifive_uart_regs;

static void sifive_uart_putc(void *ctx, char c) {
    volatile uint32_t *r = ctx;
    while (r[SIFIVE_UART_TXDATA / 4] & SIFIVE_UART_TXFULL) {
    }
    r[SIFIVE_UART_TXDATA / 4] = (uint8_t)c;
}

zx_status_t sifive_uart_attach(const struct dt_console *dc, volatile void *regs, struct console_driver *out) {
    if (dc->size < 0x1c) return ZX_ERR_NOT_SUPPORTED;
    sifive_uart_regs = regs;
    sifive_uart_regs[SIFIVE_UART_TXCTRL / 4] |= SIFIVE_UART_TXEN;
    *out = (struct console_driver){"sifive,uart0", sifive_uart_putc, (void *)sifive_uart_regs};
    return ZX_OK;
}
