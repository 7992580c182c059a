// The receive side of the console UARTs, for the console driver (consoled):
// the kernel keeps transmitting on the same UART (zx_debug_write polls its
// transmit register), so this code touches only receive registers and the
// UART's interrupt enables, never the line settings or the transmitter.
//
//   ns16550a / ns16550 (QEMU virt): RBR at 0, IER at 1 (bit 0: received data
//     available), FCR at 2, LSR at 5 (bit 0: data ready); registers 1 <<
//     reg-shift apart, reg-io-width (1 or 4) bytes wide.
//   sifive,uart0 (HiFive boards, QEMU sifive_u): rxdata at 0x04 (bit 31:
//     empty; reading pops a byte), rxctrl at 0x0c (bit 0 rxen, bits 16..18
//     the watermark), ie at 0x10 (bit 1: rxwm, pending while the receive
//     FIFO holds more than the watermark).
// Both raise a level-triggered interrupt while received bytes wait, which
// reading them all clears.
#ifndef USER_DRIVERS_CONSOLE_UART_H_
#define USER_DRIVERS_CONSOLE_UART_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

struct console_uart {
    volatile uint8_t *regs;
    unsigned shift, width;
    bool ns16550;
};

// Checks the compatible string and register layout against the mapped
// window of `size` bytes: ZX_ERR_NOT_SUPPORTED if this is no UART we know.
zx_status_t console_uart_init(struct console_uart *u, const char *compat, volatile uint8_t *regs, size_t size,
                              unsigned shift, unsigned width);
// Turns the receiver on and its interrupt on or off (off: polled use).
void console_uart_rx_enable(struct console_uart *u, bool irq);
// One received byte, or -1 when none waits.
int console_uart_getc(struct console_uart *u);

#endif
