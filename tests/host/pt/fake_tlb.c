// Counting TLB (see fake_tlb.h); also tells the fake RAM about full fences.
#include "fake_tlb.h"

#include "fake_physmap.h"
#include "mm/pt.h"
#include "mm/tlb.h"

static struct tlb_call calls[FAKE_TLB_LOG];
static unsigned ncalls, logged, counts[4];

static void record(int kind, uint16_t asid, uint64_t v) {
    ncalls++;
    counts[kind]++;
    if (logged < FAKE_TLB_LOG) calls[logged++] = (struct tlb_call){kind, asid, v};
}

void tlb_flush_page(const struct pt *pt, vaddr_t v) { record(TLB_PAGE, pt->asid, va_val(v)); }

void tlb_flush_pt(const struct pt *pt) {
    record(TLB_ASID, pt->asid, 0);
    fake_watch_flushed(false, pt->asid);
}

void tlb_flush_all(void) {
    record(TLB_ALL, 0, 0);
    fake_watch_flushed(true, 0);
}

void fake_tlb_reset(void) {
    ncalls = logged = 0;
    for (unsigned i = 0; i < 4; i++) counts[i] = 0;
}
unsigned fake_tlb_count(int kind) { return counts[kind]; }
unsigned fake_tlb_total(void) { return ncalls; }
unsigned fake_tlb_logged(void) { return logged; }
const struct tlb_call *fake_tlb_call(unsigned i) { return &calls[i]; }
