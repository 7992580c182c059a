// Kernel heap (see mm/kheap.h).
//
// Size classes 32..2048 bytes. A slab is one page: a header, then objects of
// one class; free objects are chained through their first word. Blocks over
// 2048 bytes get a buddy block of their own with the header in front.
//
// Invariants: a slab is on its class's partial list iff it has a free
// object; a slab with no live object is returned to the page allocator.
// Locking: kheap_lk guards all lists and counters (a leaf apart from the
// buddy lock taken under it). SMP: per-hart magazines can be put in front of
// the lists without changing the interface.
#include "mm/kheap.h"

#include "kern/panic.h"
#include "kern/spinlock.h"
#include "kern/string.h"
#include "mm/page_alloc.h"
#include "mm/physmap.h"

#define KHEAP_MAGIC 0x6b68656170u  // "kheap"
#define NCLASSES 7
#define MIN_SHIFT 5  // 32 bytes
#define LARGE_CLASS 0xffu

struct slab {
    uint64_t magic;
    struct slab *next, *prev;  // partial list links
    void *free;                // free objects
    uint32_t inuse, capacity;
    uint8_t cls;               // size class, or LARGE_CLASS
    uint8_t order;             // large blocks: buddy order
    uint64_t size;             // large blocks: requested size
};

#define SLAB_HDR 64
_Static_assert(sizeof(struct slab) <= SLAB_HDR, "slab header must fit its reserved space");

static struct spinlock kheap_lk = SPINLOCK_INIT("kheap");
static struct slab *partial[NCLASSES];
static struct kheap_stats stats;

static size_t class_size(unsigned c) { return (size_t)1 << (c + MIN_SHIFT); }

static void list_remove(struct slab *s) {
    if (s->prev)
        s->prev->next = s->next;
    else
        partial[s->cls] = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = 0;
}

static void list_push(struct slab *s) {
    s->prev = 0;
    s->next = partial[s->cls];
    if (s->next) s->next->prev = s;
    partial[s->cls] = s;
}

static struct slab *slab_new(unsigned c) {
    paddr_t p;
    if (page_alloc(0, &p) != ZX_OK) return 0;
    struct slab *s = physmap_va(p);
    memset(s, 0, SLAB_HDR);
    s->magic = KHEAP_MAGIC;
    s->cls = (uint8_t)c;
    size_t sz = class_size(c);
    uintptr_t first = (uintptr_t)s + (sz > SLAB_HDR ? sz : SLAB_HDR);
    void **link = &s->free;
    for (uintptr_t o = first; o + sz <= (uintptr_t)s + PAGE_SIZE; o += sz) {
        *link = (void *)o;
        link = (void **)o;
        s->capacity++;
    }
    *link = 0;
    stats.slab_pages++;
    return s;
}

static void *large_alloc(size_t size) {
    if (size > (PAGE_SIZE << BUDDY_MAX_ORDER) - SLAB_HDR) return 0;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size + SLAB_HDR) order++;
    paddr_t p;
    if (page_alloc(order, &p) != ZX_OK) return 0;
    struct slab *s = physmap_va(p);
    memset(s, 0, PAGE_SIZE << order);
    s->magic = KHEAP_MAGIC;
    s->cls = LARGE_CLASS;
    s->order = (uint8_t)order;
    s->size = size;
    uint64_t f = spin_lock_irqsave(&kheap_lk);
    stats.live_blocks++;
    stats.live_bytes += size;
    spin_unlock_irqrestore(&kheap_lk, f);
    return (uint8_t *)s + SLAB_HDR;
}

void *kzalloc(size_t size) {
    if (size == 0) size = 1;
    unsigned c = 0;
    while (c < NCLASSES && class_size(c) < size) c++;
    if (c == NCLASSES) return large_alloc(size);

    uint64_t f = spin_lock_irqsave(&kheap_lk);
    struct slab *s = partial[c];
    if (!s) {
        s = slab_new(c);
        if (!s) {
            spin_unlock_irqrestore(&kheap_lk, f);
            return 0;
        }
        list_push(s);
    }
    void *obj = s->free;
    s->free = *(void **)obj;
    s->inuse++;
    if (!s->free) list_remove(s);
    stats.live_blocks++;
    stats.live_bytes += class_size(c);
    spin_unlock_irqrestore(&kheap_lk, f);
    memset(obj, 0, class_size(c));
    return obj;
}

void kfree(void *p) {
    if (!p) return;
    uintptr_t a = (uintptr_t)p;
    struct slab *s = (struct slab *)(a & ~(uintptr_t)PAGE_MASK);
    if (a == (uintptr_t)s + SLAB_HDR && s->magic == KHEAP_MAGIC && s->cls == LARGE_CLASS) {
        uint64_t f = spin_lock_irqsave(&kheap_lk);
        stats.live_blocks--;
        stats.live_bytes -= s->size;
        spin_unlock_irqrestore(&kheap_lk, f);
        s->magic = 0;
        page_free(pa((uint64_t)s - PHYSMAP_BASE), s->order);
        return;
    }
    if (s->magic != KHEAP_MAGIC || s->cls >= NCLASSES) panic("kfree: %p is not a heap block", p);
    size_t sz = class_size(s->cls);
    uintptr_t first = (uintptr_t)s + (sz > SLAB_HDR ? sz : SLAB_HDR);
    if (a < first || (a - first) % sz) panic("kfree: %p is not the start of a block", p);

    uint64_t f = spin_lock_irqsave(&kheap_lk);
    for (void *q = s->free; q; q = *(void **)q)
        if (q == p) panic("kfree: double free of %p", p);
    bool was_full = s->free == 0;
    *(void **)p = s->free;
    s->free = p;
    s->inuse--;
    stats.live_blocks--;
    stats.live_bytes -= sz;
    if (s->inuse == 0) {
        if (!was_full) list_remove(s);
        stats.slab_pages--;
        s->magic = 0;
        spin_unlock_irqrestore(&kheap_lk, f);
        page_free(pa((uint64_t)s - PHYSMAP_BASE), 0);
        return;
    }
    if (was_full) list_push(s);
    spin_unlock_irqrestore(&kheap_lk, f);
}

void kheap_stats(struct kheap_stats *out) {
    uint64_t f = spin_lock_irqsave(&kheap_lk);
    *out = stats;
    spin_unlock_irqrestore(&kheap_lk, f);
}
