// Memory and string helpers. In the kernel they come from kern/string.c; the
// host tests get the same standard functions from the C library, so code in
// mm/ and platform/ includes this header and builds unchanged on both.
#ifndef KERN_STRING_H
#define KERN_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

// Copy the NUL-terminated src into dst[size], truncating; dst is always NUL
// terminated when size > 0. Returns strlen(src) (like BSD strlcpy).
static inline size_t str_copy(char *dst, const char *src, size_t size) {
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = 0;
    }
    return n;
}

#endif
