// User pointers as the kernel sees them: a distinct type that cannot be
// dereferenced, only passed to mm/usercopy.h.
#ifndef SYS_UPTR_H
#define SYS_UPTR_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint64_t addr;
} uptr_t;

static inline bool uptr_is_null(uptr_t p) { return p.addr == 0; }
static inline uptr_t uptr_add(uptr_t p, uint64_t off) { return (uptr_t){p.addr + off}; }
#endif
