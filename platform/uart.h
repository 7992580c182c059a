// Console UART drivers. Each takes the already-mapped register window and
// fills a console driver; ZX_ERR_NOT_SUPPORTED if the DT node's parameters
// are outside what the driver handles.
#ifndef PLATFORM_UART_H
#define PLATFORM_UART_H

#include <zircon/types.h>

#include "kern/console.h"
#include "platform/dt.h"

// "ns16550a" / "ns16550" (QEMU virt): THR at 0, LSR at 5, registers spaced
// 1 << reg-shift apart, accessed reg-io-width (1 or 4) bytes wide.
zx_status_t ns16550_attach(const struct dt_console *dc, volatile void *regs, struct console_driver *out);
// "sifive,uart0" (HiFive boards, QEMU sifive_u): txdata at 0x0 (bit 31 = full), txctrl at 0x8.
zx_status_t sifive_uart_attach(const struct dt_console *dc, volatile void *regs, struct console_driver *out);
#endif
