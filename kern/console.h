// The kernel console: one output driver at a time, behind one lock.
//
// Boot starts on the SBI console (DBCN if the firmware has it, else the
// legacy putchar call). Once the device tree is read and the MMIO window is
// up, the driver for /chosen/stdout-path takes over (platform/uart_*.c).
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <stdint.h>

struct console_driver {
    const char *name;
    void (*putc)(void *ctx, char c);
    void *ctx;
};

void console_init_sbi(void);
void console_set_driver(const struct console_driver *drv);
const char *console_driver_name(void);

uint64_t console_lock(void);
void console_unlock(uint64_t flags);
void console_putc_locked(char c);  // turns "\n" into "\r\n"
void console_write(const char *s, uint64_t len);

// Panic path: stop taking the lock (another hart may hold it forever).
void console_break_lock(void);
#endif
