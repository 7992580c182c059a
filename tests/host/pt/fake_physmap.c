// Fake physical memory and table-frame allocator (see fake_physmap.h).
#include "fake_physmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/physmap.h"

static uint8_t *mem;
static uint8_t used[FAKE_FRAMES];
static uint8_t maybe_cached[FAKE_FRAMES];  // reachable since the last full fence
static uint64_t in_use, alloc_calls, free_calls, failures, fail_at, cursor, violations;
static const struct pt *watched;

static void die(const char *what, uint64_t p) {
    fprintf(stderr, "fake_physmap: %s: %#llx\n", what, (unsigned long long)p);
    abort();
}

static uint64_t frame_of(uint64_t p) {
    if (p < FAKE_PHYS_BASE || p - FAKE_PHYS_BASE >= FAKE_PHYS_SIZE) die("address outside the fake RAM", p);
    return (p - FAKE_PHYS_BASE) >> PAGE_SHIFT;
}

void *physmap_va(paddr_t p) {
    uint64_t x = pa_val(p);
    if (!used[frame_of(x)]) die("physmap_va of a frame that is not allocated", x);
    return mem + (x - FAKE_PHYS_BASE);
}

void fake_mem_reset(void) {
    if (!mem) {
        mem = aligned_alloc(PAGE_SIZE, FAKE_PHYS_SIZE);
        if (!mem) die("no memory for the fake RAM", FAKE_PHYS_SIZE);
    }
    memset(used, 0, sizeof(used));
    memset(maybe_cached, 0, sizeof(maybe_cached));
    in_use = alloc_calls = free_calls = failures = fail_at = cursor = violations = 0;
    watched = NULL;
}

uint64_t fake_frames_in_use(void) { return in_use; }
uint64_t fake_alloc_calls(void) { return alloc_calls; }
uint64_t fake_free_calls(void) { return free_calls; }
uint64_t fake_alloc_failures(void) { return failures; }
void fake_alloc_fail_nth(uint64_t n) { fail_at = n ? alloc_calls + n : 0; }
bool fake_frame_allocated(uint64_t p) {
    return p >= FAKE_PHYS_BASE && p - FAKE_PHYS_BASE < FAKE_PHYS_SIZE && used[frame_of(p)];
}
uint64_t fake_violations(void) { return violations; }

static zx_status_t fake_alloc(void *ctx, paddr_t *out) {
    (void)ctx;
    alloc_calls++;
    if (fail_at && alloc_calls == fail_at) {
        fail_at = 0;
        failures++;
        return ZX_ERR_NO_MEMORY;
    }
    for (uint64_t n = 0; n < FAKE_FRAMES; n++) {
        uint64_t f = (cursor + n) % FAKE_FRAMES;  // next fit: freed frames come back late
        if (used[f]) continue;
        used[f] = 1;
        in_use++;
        cursor = f + 1;
        memset(mem + (f << PAGE_SHIFT), 0xa5, PAGE_SIZE);  // garbage: pt.c must zero tables
        *out = pa(FAKE_PHYS_BASE + (f << PAGE_SHIFT));
        return ZX_OK;
    }
    return ZX_ERR_NO_MEMORY;
}

static void fake_free(void *ctx, paddr_t p) {
    (void)ctx;
    uint64_t x = pa_val(p), f = frame_of(x);
    free_calls++;
    if (x & PAGE_MASK) die("free of an unaligned frame", x);
    if (!used[f]) die("double free", x);
    if (watched && maybe_cached[f]) {
        violations++;
        fprintf(stderr, "fake_physmap: table frame %#llx freed without a fence since it was unlinked\n",
                (unsigned long long)x);
    }
    used[f] = 0;
    maybe_cached[f] = 0;
    in_use--;
    memset(mem + (f << PAGE_SHIFT), 0x5a, PAGE_SIZE);
}

const struct pt_allocator fake_allocator = {fake_alloc, fake_free, NULL};

static void mark_reachable(uint64_t t, int lvl) {
    uint64_t f = frame_of(t);
    maybe_cached[f] = 1;
    if (lvl == 0) return;
    const uint64_t *e = (const uint64_t *)(mem + (f << PAGE_SHIFT));
    for (unsigned i = 0; i < 512; i++)
        if ((e[i] & PTE_V) && !(e[i] & (PTE_R | PTE_W | PTE_X)))
            mark_reachable(((e[i] >> PTE_PPN_SHIFT) & ((1ull << 44) - 1)) << PAGE_SHIFT, lvl - 1);
}

void fake_watch(const struct pt *pt) {
    watched = pt;
    memset(maybe_cached, 0, sizeof(maybe_cached));
    if (pt) mark_reachable(pa_val(pt->root), 2);
}

void fake_watch_note(void) {
    if (watched) mark_reachable(pa_val(watched->root), 2);
}

void fake_watch_flushed(bool all, uint16_t asid) {
    if (!watched || !(all || asid == watched->asid)) return;
    memset(maybe_cached, 0, sizeof(maybe_cached));
    mark_reachable(pa_val(watched->root), 2);
}
