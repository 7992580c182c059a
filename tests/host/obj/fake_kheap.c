// Fake kernel heap (see fake_kheap.h). Each block carries a small header so
// kfree can check it got a live kzalloc block and kheap_stats can sum sizes.
#include "fake_kheap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FAKE_MAGIC_LIVE 0x6b7a616c6c6f63ull  // "kzalloc"
#define FAKE_MAGIC_DEAD 0x646561646465616full

struct fake_hdr {
    uint64_t magic;
    uint64_t size;
};
_Static_assert(sizeof(struct fake_hdr) == 16, "keeps the 16-byte alignment kzalloc promises");

static long fail_after = -1;  // < 0: never
static long live_blocks, live_bytes, allocs, failures;

void fake_kheap_fail_after(long n) { __atomic_store_n(&fail_after, n, __ATOMIC_SEQ_CST); }
long fake_kheap_live(void) { return __atomic_load_n(&live_blocks, __ATOMIC_SEQ_CST); }
long fake_kheap_allocs(void) { return __atomic_load_n(&allocs, __ATOMIC_SEQ_CST); }
long fake_kheap_failures(void) { return __atomic_load_n(&failures, __ATOMIC_SEQ_CST); }

// Consume one allocation from the budget; false when this one must fail.
static int fake_budget_ok(void) {
    long cur = __atomic_load_n(&fail_after, __ATOMIC_SEQ_CST);
    for (;;) {
        if (cur < 0) return 1;
        if (cur == 0) return 0;
        if (__atomic_compare_exchange_n(&fail_after, &cur, cur - 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return 1;
    }
}

void *kzalloc(size_t size) {
    if (!fake_budget_ok()) {
        __atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST);
        return NULL;
    }
    struct fake_hdr *h = calloc(1, sizeof(*h) + size);
    if (!h) {
        fprintf(stderr, "fake kzalloc: host calloc(%zu) failed\n", size);
        abort();
    }
    h->magic = FAKE_MAGIC_LIVE;
    h->size = size;
    __atomic_fetch_add(&live_blocks, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&live_bytes, (long)size, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&allocs, 1, __ATOMIC_SEQ_CST);
    return h + 1;
}

void kfree(void *p) {
    if (!p) return;
    struct fake_hdr *h = (struct fake_hdr *)p - 1;
    if (h->magic != FAKE_MAGIC_LIVE) {
        fprintf(stderr, "fake kfree(%p): not a live kzalloc block\n", p);
        abort();
    }
    h->magic = FAKE_MAGIC_DEAD;
    __atomic_fetch_sub(&live_blocks, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_sub(&live_bytes, (long)h->size, __ATOMIC_SEQ_CST);
    free(h);
}

void kheap_stats(struct kheap_stats *out) {
    out->live_blocks = (uint64_t)fake_kheap_live();
    out->live_bytes = (uint64_t)__atomic_load_n(&live_bytes, __ATOMIC_SEQ_CST);
    out->slab_pages = 0;
}
