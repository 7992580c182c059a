// Benchmark of the buddy allocator: nanoseconds per alloc+free pair.
//
// usage: buddy-bench [PAIRS]   (default 1000000 per measurement)
//
// A 256 MiB span, fully released. "idle": only the block being measured is
// held, so an order-0 allocation splits an order-10 block all the way down
// and the free merges it all the way up (the worst case for the split and
// merge chains). "busy": ~40% of the memory is held in small scattered
// blocks first, so small requests are mostly met from short split chains.
// Times are printed, never checked.
#include <time.h>

#include "buddy_testlib.h"

#define SPAN_BASE 0x80000000ull
#define SPAN_PAGES (256ull * 1024 * 1024 / PAGE_SIZE)

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void must(zx_status_t st, const char *what) {
    if (st != ZX_OK) {
        printf("buddy-bench: %s failed: %d\n", what, st);
        exit(1);
    }
}

static double ns_per_pair(struct buddy *b, unsigned order, uint64_t pairs) {
    paddr_t p;
    for (unsigned i = 0; i < 10000; i++) {  // warm up
        must(buddy_alloc(b, order, &p), "alloc");
        must(buddy_free(b, p, order), "free");
    }
    double t0 = now_ns();
    for (uint64_t i = 0; i < pairs; i++) {
        must(buddy_alloc(b, order, &p), "alloc");
        must(buddy_free(b, p, order), "free");
    }
    return (now_ns() - t0) / (double)pairs;
}

int main(int argc, char **argv) {
    uint64_t pairs = argc > 1 ? strtoull(argv[1], 0, 0) : 1000000;
    if (!pairs) pairs = 1;
    void *meta = malloc(buddy_meta_size(SPAN_PAGES));
    if (!meta) abort();
    struct buddy b;
    buddy_init(&b, pa(SPAN_BASE), SPAN_PAGES, meta);
    must(buddy_add_range(&b, pa(SPAN_BASE), pa(SPAN_BASE + SPAN_PAGES * PAGE_SIZE)), "add_range");

    static const unsigned orders[] = {0, 9};
    for (unsigned i = 0; i < 2; i++)
        printf("buddy-bench: order %u: %.1f ns per alloc+free pair\n", orders[i],
               ns_per_pair(&b, orders[i], pairs));

    // Hold ~40% of the memory in scattered blocks of order 0..3: take 3/4 of
    // it (the last quarter stays in large blocks), then give back a random half.
    uint64_t seed = 12345, n = 0;
    paddr_t *held = malloc(SPAN_PAGES * sizeof *held);
    unsigned *held_order = malloc(SPAN_PAGES * sizeof *held_order);
    if (!held || !held_order) abort();
    while (buddy_free_pages(&b) > SPAN_PAGES / 4) {
        held_order[n] = (unsigned)th_below(&seed, 4);
        must(buddy_alloc(&b, held_order[n], &held[n]), "fill");
        n++;
    }
    for (uint64_t i = 0; i < n; i++) {  // free every other one: holes everywhere
        if (th_below(&seed, 2)) continue;
        must(buddy_free(&b, held[i], held_order[i]), "free");
    }
    uint64_t used = 100 - buddy_free_pages(&b) * 100 / SPAN_PAGES;
    for (unsigned i = 0; i < 2; i++)
        printf("buddy-bench: order %u (busy, %llu%% held): %.1f ns per alloc+free pair\n", orders[i],
               (unsigned long long)used, ns_per_pair(&b, orders[i], pairs));
    const char *why = "";
    if (buddy_check(&b, &why) != ZX_OK) {
        printf("buddy-bench: buddy_check: %s\n", why);
        return 1;
    }
    free(held);
    free(held_order);
    free(meta);
    return 0;
}
