// Console multiplexing (see kern/console.h).
// Lock order: the console lock is a leaf.
#include "kern/console.h"

#include <stdbool.h>

#include "kern/sbi.h"
#include "kern/spinlock.h"

static struct spinlock console_lk = SPINLOCK_INIT("console");
static const struct console_driver *console_drv;
static bool lock_broken;

static void sbi_legacy_out(void *ctx, char c) { sbi_legacy_putchar(c); }
static void sbi_dbcn_out(void *ctx, char c) { sbi_dbcn_write_byte((uint8_t)c); }

static const struct console_driver sbi_legacy_console = {"sbi-legacy", sbi_legacy_out, 0};
static const struct console_driver sbi_dbcn_console = {"sbi-dbcn", sbi_dbcn_out, 0};

void console_init_sbi(void) {
    console_drv = sbi_probe(SBI_EXT_DBCN) ? &sbi_dbcn_console : &sbi_legacy_console;
}

void console_set_driver(const struct console_driver *drv) {
    uint64_t f = console_lock();
    console_drv = drv;
    console_unlock(f);
}

const char *console_driver_name(void) { return console_drv ? console_drv->name : "none"; }

uint64_t console_lock(void) {
    if (lock_broken) return 0;
    return spin_lock_irqsave(&console_lk);
}

void console_unlock(uint64_t flags) {
    if (lock_broken) return;
    spin_unlock_irqrestore(&console_lk, flags);
}

void console_putc_locked(char c) {
    const struct console_driver *d = console_drv;
    if (!d) return;
    if (c == '\n') d->putc(d->ctx, '\r');
    d->putc(d->ctx, c);
}

void console_write(const char *s, uint64_t len) {
    uint64_t f = console_lock();
    for (uint64_t i = 0; i < len; i++) console_putc_locked(s[i]);
    console_unlock(f);
}

void console_break_lock(void) { lock_broken = true; }
