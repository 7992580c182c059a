// Fake page allocator, direct map and heap (see fake_mm.h).
#include "fake_mm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FREE_FRAME 0x00
#define TAIL_FRAME 0xfe  // inside a block, not its first frame
// The first frame of a block stores 1 + order.

static uint8_t *ram;
static uint8_t *state;
static uint32_t *shares;  // users beyond the first of an allocated order-0 page
static uint64_t nframes, cursor, in_use, allocs, frees, failures;
static long fail_after = -1;

static void die(const char *what, uint64_t x) {
    fprintf(stderr, "fake_mm: %s: %#llx\n", what, (unsigned long long)x);
    abort();
}

void fake_ram_init(uint64_t npages) {
    if (in_use) die("fake_ram_init with frames still allocated", in_use);
    free(ram);
    free(state);
    free(shares);
    shares = calloc(npages, sizeof(*shares));
    ram = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
    state = calloc(npages, 1);
    if (!ram || !state || !shares) die("no host memory for the fake RAM", npages);
    memset(ram, 0x5a, npages * PAGE_SIZE);
    nframes = npages;
    cursor = in_use = allocs = frees = failures = 0;
    fail_after = -1;
}

uint64_t fake_ram_pages(void) { return nframes; }
uint64_t fake_pages_in_use(void) { return in_use; }
uint64_t fake_page_allocs(void) { return allocs; }
uint64_t fake_page_frees(void) { return frees; }
uint64_t fake_page_failures(void) { return failures; }
void fake_page_fail_after(long n) { fail_after = n; }

long fake_frame_index(paddr_t p) {
    uint64_t x = pa_val(p);
    if (x < FAKE_PHYS_BASE || x - FAKE_PHYS_BASE >= nframes * PAGE_SIZE) return -1;
    return (long)((x - FAKE_PHYS_BASE) >> PAGE_SHIFT);
}

bool fake_page_allocated(paddr_t p) {
    long f = fake_frame_index(p);
    return f >= 0 && (pa_val(p) & PAGE_MASK) == 0 && state[f] != FREE_FRAME && state[f] != TAIL_FRAME;
}

zx_status_t page_alloc(unsigned order, paddr_t *out) {
    if (order > 20) die("page_alloc: absurd order", order);
    if (fail_after == 0) {
        failures++;
        return ZX_ERR_NO_MEMORY;
    }
    uint64_t n = 1ull << order;
    for (uint64_t i = 0; i < nframes; i++) {
        uint64_t f = ((cursor + i) % nframes) & ~(n - 1);  // next fit, naturally aligned
        if (f + n > nframes) continue;
        uint64_t k = 0;
        while (k < n && state[f + k] == FREE_FRAME) k++;
        if (k < n) continue;
        state[f] = (uint8_t)(1 + order);
        for (k = 1; k < n; k++) state[f + k] = TAIL_FRAME;
        memset(ram + f * PAGE_SIZE, 0xa5, n * PAGE_SIZE);  // garbage: callers must zero
        in_use += n;
        allocs++;
        cursor = f + n;
        if (fail_after > 0) fail_after--;
        *out = pa(FAKE_PHYS_BASE + f * PAGE_SIZE);
        return ZX_OK;
    }
    failures++;
    return ZX_ERR_NO_MEMORY;
}

// A run of npages single pages, the first aligned to 2^align_order pages.
zx_status_t page_alloc_contig(uint64_t npages, unsigned align_order, paddr_t *out) {
    if (npages == 0 || align_order > 20) die("page_alloc_contig: absurd request", npages);
    if (fail_after == 0) {
        failures++;
        return ZX_ERR_NO_MEMORY;
    }
    uint64_t a = 1ull << align_order;
    for (uint64_t f = 0; f + npages <= nframes; f += a) {
        uint64_t k = 0;
        while (k < npages && state[f + k] == FREE_FRAME) k++;
        if (k < npages) continue;
        for (k = 0; k < npages; k++) state[f + k] = 1;
        memset(ram + f * PAGE_SIZE, 0xa5, npages * PAGE_SIZE);
        in_use += npages;
        allocs += npages;
        if (fail_after > 0) fail_after--;
        *out = pa(FAKE_PHYS_BASE + f * PAGE_SIZE);
        return ZX_OK;
    }
    failures++;
    return ZX_ERR_NO_MEMORY;
}

void page_free(paddr_t p, unsigned order) {
    uint64_t x = pa_val(p);
    long f = fake_frame_index(p);
    if (f < 0) die("page_free of a foreign address", x);
    if (x & PAGE_MASK) die("page_free of an unaligned address", x);
    if (state[f] == FREE_FRAME) die("page_free: double free", x);
    if (state[f] == TAIL_FRAME) die("page_free inside a block", x);
    if (state[f] != 1 + order) die("page_free with the wrong order", x);
    if (shares[f]) die("page_free of a page that still has other users", x);
    uint64_t n = 1ull << order;
    memset(state + f, FREE_FRAME, n);
    memset(ram + (uint64_t)f * PAGE_SIZE, 0x5a, n * PAGE_SIZE);
    in_use -= n;
    frees++;
}

static long shared_frame(paddr_t p, const char *who) {
    if (!fake_page_allocated(p) || state[fake_frame_index(p)] != 1) die(who, pa_val(p));
    return fake_frame_index(p);
}

void page_share(paddr_t p) { shares[shared_frame(p, "page_share of a page not allocated")]++; }

bool page_release(paddr_t p) {
    long f = shared_frame(p, "page_release of a page not allocated");
    if (shares[f] == 0) {
        page_free(p, 0);
        return true;
    }
    shares[f]--;
    return false;
}

uint32_t page_users(paddr_t p) { return shares[shared_frame(p, "page_users of a page not allocated")] + 1; }

void *physmap_va(paddr_t p) {
    uint64_t x = pa_val(p);
    long f = fake_frame_index(p);
    if (f < 0) die("physmap_va outside the fake RAM", x);
    if (state[f] == FREE_FRAME) die("physmap_va of a free frame", x);
    return ram + (x - FAKE_PHYS_BASE);
}

// --- heap -------------------------------------------------------------------

#define HEAP_MAGIC_LIVE 0x6b7a616c6c6f63ull
#define HEAP_MAGIC_DEAD 0x646561646465616full

struct heap_hdr {
    uint64_t magic;
    uint64_t size;
};
_Static_assert(sizeof(struct heap_hdr) == 16, "keeps kzalloc's 16-byte alignment");

static long heap_fail_after = -1;
static long heap_live, heap_live_bytes;

void fake_kheap_fail_after(long n) { heap_fail_after = n; }
long fake_kheap_live(void) { return heap_live; }

void *kzalloc(size_t size) {
    if (heap_fail_after == 0) return NULL;
    if (heap_fail_after > 0) heap_fail_after--;
    struct heap_hdr *h = calloc(1, sizeof(*h) + size);
    if (!h) die("host calloc failed", size);
    h->magic = HEAP_MAGIC_LIVE;
    h->size = size;
    heap_live++;
    heap_live_bytes += (long)size;
    return h + 1;
}

void kfree(void *p) {
    if (!p) return;
    struct heap_hdr *h = (struct heap_hdr *)p - 1;
    if (h->magic != HEAP_MAGIC_LIVE) die("kfree of something not a live kzalloc block", (uint64_t)(uintptr_t)p);
    h->magic = HEAP_MAGIC_DEAD;
    heap_live--;
    heap_live_bytes -= (long)h->size;
    free(h);
}

void kheap_stats(struct kheap_stats *out) {
    out->live_blocks = (uint64_t)heap_live;
    out->live_bytes = (uint64_t)heap_live_bytes;
    out->slab_pages = 0;
}
