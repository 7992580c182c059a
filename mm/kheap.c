// Kernel heap (see mm/kheap.h).
//
// Size classes 32..2048 bytes. A slab is one page: a header, then objects of
// one class; free objects are chained through their first word. Blocks over
// 2048 bytes get a buddy block of their own with the header in front.
//
// Invariants: a slab is on its class's partial list iff it has a free
// object; a slab with no live object is returned to the page allocator.
//
// Per-hart magazines: each hart keeps up to MAG_SIZE free objects of each
// class, so most kzalloc/kfree calls take no lock. An empty magazine is
// refilled, and a full one half drained, under kheap_lk in one go. Objects
// in a magazine count as free (the live counters are per hart, summed by
// kheap_stats) but keep their slab in use. A freed object's second word
// says where it went (MARK_MAG: a magazine, MARK_SLAB: its slab's free
// list), so a double free is confirmed by a search of just those places and
// panics as before. Only a hart touches its own magazines, with interrupts
// off (kernel code never blocks inside these functions).
// Locking: kheap_lk guards all lists and the global counters (a leaf apart
// from the buddy lock taken under it).
#include "mm/kheap.h"

#include "kern/hart.h"
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
static struct kheap_stats stats;  // live_* here count the objects handed out by the locked paths

#define MAG_SIZE 16
#define MARK_MAG 0x6d61676d61676d61ull   // "amgamgam": in a hart's magazine
#define MARK_SLAB 0x626c7362616c7362ull  // "bslabslb": on its slab's free list

struct magazine {
    uint32_t n;
    void *obj[MAG_SIZE];
};
struct hart_heap {
    struct magazine mag[NCLASSES];
    int64_t live_blocks, live_bytes;  // handed out minus taken back by this hart's magazines
};
static struct hart_heap hart_heaps[HART_MAX];

static uint64_t *mark_of(void *obj) { return (uint64_t *)obj + 1; }

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
        *mark_of((void *)o) = MARK_SLAB;
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

// One object of class c from the slabs (kheap_lk held); NULL if out of memory.
static void *slab_take_locked(unsigned c) {
    struct slab *s = partial[c];
    if (!s) {
        s = slab_new(c);
        if (!s) return 0;
        list_push(s);
    }
    void *obj = s->free;
    s->free = *(void **)obj;
    s->inuse++;
    if (!s->free) list_remove(s);
    return obj;
}

// Give obj back to its slab s (kheap_lk held). Returns the slab's page if
// the slab became empty: the caller frees it after dropping the lock.
static struct slab *slab_put_locked(struct slab *s, void *p) {
    if (*mark_of(p) == MARK_SLAB)
        for (void *q = s->free; q; q = *(void **)q)
            if (q == p) panic("kfree: double free of %p", p);
    bool was_full = s->free == 0;
    *(void **)p = s->free;
    *mark_of(p) = MARK_SLAB;
    s->free = p;
    s->inuse--;
    if (s->inuse == 0) {
        if (!was_full) list_remove(s);
        stats.slab_pages--;
        s->magic = 0;
        return s;
    }
    if (was_full) list_push(s);
    return 0;
}

size_t kheap_block_size(size_t size) {
    if (size == 0) size = 1;
    unsigned c = 0;
    while (c < NCLASSES && class_size(c) < size) c++;
    if (c < NCLASSES) return class_size(c);
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size + SLAB_HDR) order++;
    return PAGE_SIZE << order;
}

void *kzalloc(size_t size) {
    if (size == 0) size = 1;
    unsigned c = 0;
    while (c < NCLASSES && class_size(c) < size) c++;
    if (c == NCLASSES) return large_alloc(size);

    struct hart_heap *hh = &hart_heaps[this_hart()->index];
    struct magazine *m = &hh->mag[c];
    if (m->n == 0) {  // refill half the magazine under the lock
        uint64_t f = spin_lock_irqsave(&kheap_lk);
        while (m->n < MAG_SIZE / 2) {
            void *o = slab_take_locked(c);
            if (!o) break;
            *mark_of(o) = MARK_MAG;
            m->obj[m->n++] = o;
        }
        spin_unlock_irqrestore(&kheap_lk, f);
        if (m->n == 0) return 0;
    }
    void *obj = m->obj[--m->n];
    hh->live_blocks++;
    hh->live_bytes += (int64_t)class_size(c);
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
    if (*mark_of(p) == MARK_MAG)  // maybe in some hart's magazine already
        for (unsigned h = 0; h < HART_MAX; h++) {
            struct magazine *m = &hart_heaps[h].mag[s->cls];
            for (uint32_t i = 0; i < m->n; i++)
                if (m->obj[i] == p) panic("kfree: double free of %p", p);
        }

    struct hart_heap *hh = &hart_heaps[this_hart()->index];
    struct magazine *m = &hh->mag[s->cls];
    hh->live_blocks--;
    hh->live_bytes -= (int64_t)sz;
    if (m->n == MAG_SIZE) {  // drain half (and p's double-free check on its slab list) under the lock
        struct slab *empty[MAG_SIZE / 2 + 1];
        unsigned ne = 0;
        uint64_t f = spin_lock_irqsave(&kheap_lk);
        if (*mark_of(p) == MARK_SLAB)
            for (void *q = s->free; q; q = *(void **)q)
                if (q == p) panic("kfree: double free of %p", p);
        while (m->n > MAG_SIZE / 2) {
            void *o = m->obj[--m->n];
            struct slab *e = slab_put_locked((struct slab *)((uintptr_t)o & ~(uintptr_t)PAGE_MASK), o);
            if (e) empty[ne++] = e;
        }
        spin_unlock_irqrestore(&kheap_lk, f);
        for (unsigned i = 0; i < ne; i++) page_free(pa((uint64_t)empty[i] - PHYSMAP_BASE), 0);
    } else if (*mark_of(p) == MARK_SLAB) {
        // Possibly already back on its slab's list: check there.
        uint64_t f = spin_lock_irqsave(&kheap_lk);
        for (void *q = s->free; q; q = *(void **)q)
            if (q == p) panic("kfree: double free of %p", p);
        spin_unlock_irqrestore(&kheap_lk, f);
    }
    *mark_of(p) = MARK_MAG;
    m->obj[m->n++] = p;
}

void kheap_drain_hart(void) {
    struct hart_heap *hh = &hart_heaps[this_hart()->index];
    for (unsigned c = 0; c < NCLASSES; c++) {
        struct magazine *m = &hh->mag[c];
        while (m->n) {
            void *o = m->obj[--m->n];
            uint64_t f = spin_lock_irqsave(&kheap_lk);
            struct slab *e = slab_put_locked((struct slab *)((uintptr_t)o & ~(uintptr_t)PAGE_MASK), o);
            spin_unlock_irqrestore(&kheap_lk, f);
            if (e) page_free(pa((uint64_t)e - PHYSMAP_BASE), 0);
        }
    }
}

void kheap_stats(struct kheap_stats *out) {
    uint64_t f = spin_lock_irqsave(&kheap_lk);
    *out = stats;
    spin_unlock_irqrestore(&kheap_lk, f);
    for (unsigned h = 0; h < HART_MAX; h++) {
        out->live_blocks += (uint64_t)__atomic_load_n(&hart_heaps[h].live_blocks, __ATOMIC_RELAXED);
        out->live_bytes += (uint64_t)__atomic_load_n(&hart_heaps[h].live_bytes, __ATOMIC_RELAXED);
    }
}
