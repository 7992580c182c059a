// Boot arguments from /chosen/bootargs (QEMU -append, U-Boot extlinux `append`):
// space-separated words, each `flag` or `key=value`.
//
//   test            run the in-kernel self-tests, exit 0 if all pass
//   poweroff        power off (status 0) after the banner
//   semihosting     QEMU runs with -semihosting-config: exit through it
//   timer.hz=N      tick rate, 1..10000 (default 100)
//   panic=fault     deliberately fault in the kernel after the banner (tests the panic path)
//   panic=stack     deliberately overflow the kernel stack (tests the guard page)
#ifndef KERN_BOOTARGS_H
#define KERN_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void bootargs_set(const char *cmdline);
bool bootarg_flag(const char *name);
// Copy the value of key=value into buf (NUL terminated); false if absent.
bool bootarg_value(const char *key, char *buf, size_t size);
// Parse a decimal value; `def` if absent or malformed.
uint64_t bootarg_uint(const char *key, uint64_t def);
#endif
