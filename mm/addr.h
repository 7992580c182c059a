// Typed physical and virtual addresses, page-size constants.
//
// paddr_t and vaddr_t are one-field structs so that a physical address can
// never be dereferenced or mixed up with a virtual one by accident; convert
// only through pa()/pa_val() and va()/va_val().
#ifndef MM_ADDR_H
#define MM_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE ((uint64_t)1 << PAGE_SHIFT)
#define PAGE_MASK (PAGE_SIZE - 1)

typedef struct { uint64_t v; } paddr_t;
typedef struct { uint64_t v; } vaddr_t;

static inline paddr_t pa(uint64_t v) { return (paddr_t){v}; }
static inline uint64_t pa_val(paddr_t p) { return p.v; }
static inline paddr_t pa_add(paddr_t p, uint64_t off) { return (paddr_t){p.v + off}; }
static inline vaddr_t va(uint64_t v) { return (vaddr_t){v}; }
static inline uint64_t va_val(vaddr_t p) { return p.v; }
static inline vaddr_t va_add(vaddr_t p, uint64_t off) { return (vaddr_t){p.v + off}; }

static inline bool is_page_aligned(uint64_t x) { return (x & PAGE_MASK) == 0; }
static inline uint64_t page_round_down(uint64_t x) { return x & ~PAGE_MASK; }
// Caller checks for overflow (x > UINT64_MAX - PAGE_MASK) where x is untrusted.
static inline uint64_t page_round_up(uint64_t x) { return (x + PAGE_MASK) & ~PAGE_MASK; }

#endif
