// Fake TLB for the host tests of mm/pt.c: counts and logs every flush.
#ifndef TESTS_HOST_PT_FAKE_TLB_H
#define TESTS_HOST_PT_FAKE_TLB_H

#include <stdint.h>

enum { TLB_PAGE = 1, TLB_ASID = 2, TLB_ALL = 3 };

struct tlb_call {
    int kind;
    uint16_t asid;  // TLB_PAGE, TLB_ASID
    uint64_t va;    // TLB_PAGE
};

#define FAKE_TLB_LOG 4096

void fake_tlb_reset(void);
unsigned fake_tlb_count(int kind);  // calls of one kind since the reset
unsigned fake_tlb_total(void);
// The log of the first FAKE_TLB_LOG calls since the reset.
unsigned fake_tlb_logged(void);
const struct tlb_call *fake_tlb_call(unsigned i);
#endif
