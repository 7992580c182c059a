// Symbol lookup over the generated table (see kern/ksyms.h).
#include "kern/ksyms.h"

extern char __text_start[], __text_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset) {
    if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || ksyms_count == 0) return 0;
    uint32_t lo = 0, hi = ksyms_count;  // find the last entry with ksyms_addr <= addr
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ksyms_addr[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_addr[lo] > addr) return 0;
    if (offset) *offset = addr - ksyms_addr[lo];
    return &ksyms_names[ksyms_name_off[lo]];
}
