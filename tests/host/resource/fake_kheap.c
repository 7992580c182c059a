// Fake kernel heap for the resource host tests: kzalloc/kfree (mm/kheap.h)
// on calloc/free with a live-block counter and a failure-injection knob.
#include <stdio.h>
#include <stdlib.h>

#include "mm/kheap.h"

long fake_kheap_live_blocks;
long fake_kheap_fail_after = -1;  // >= 0: that many more succeed, then all fail

void *kzalloc(size_t size) {
    if (fake_kheap_fail_after == 0) return NULL;
    if (fake_kheap_fail_after > 0) fake_kheap_fail_after--;
    void *p = calloc(1, size);
    if (!p) {
        fprintf(stderr, "fake kzalloc: host calloc(%zu) failed\n", size);
        abort();
    }
    fake_kheap_live_blocks++;
    return p;
}

void kfree(void *p) {
    if (!p) return;
    fake_kheap_live_blocks--;
    free(p);
}

void kheap_stats(struct kheap_stats *out) {
    out->live_blocks = (unsigned long)fake_kheap_live_blocks;
    out->live_bytes = 0;
    out->slab_pages = 0;
}
