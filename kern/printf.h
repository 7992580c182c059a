// Kernel formatted output: %d %i %u %x %X %o %p %s %c %%, with the l, ll, z
// and h length modifiers, field width, '-', '0' and '#' flags and precision
// for strings. %p prints 0x followed by 16 hex digits.
#ifndef KERN_PRINTF_H
#define KERN_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*kfmt_out_fn)(void *ctx, char c);

// Format to `out`; returns the number of characters produced.
int kvformat(kfmt_out_fn out, void *ctx, const char *fmt, va_list ap);
// Format into buf[size] (always NUL terminated when size > 0); returns the
// length the full output would have had.
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
// Format to the console.
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
#endif
