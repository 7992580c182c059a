// Kernel symbol table for backtraces.
//
// The kernel is linked twice (meson.build): pass 1 with an empty table, then
// tools/gen-ksyms.py turns pass 1's text symbols into ksyms.c, which pass 2
// links into .ksyms. .ksyms lies after .text and the kernel is built with
// -mno-relax, so the text addresses recorded from pass 1 are final.
#ifndef KERN_KSYMS_H
#define KERN_KSYMS_H

#include <stdint.h>

extern const uint32_t ksyms_count;
extern const uint64_t ksyms_addr[];      // sorted ascending
extern const uint32_t ksyms_name_off[];  // offsets into ksyms_names
extern const char ksyms_names[];

// Name of the function containing addr and the offset into it; NULL if
// addr is outside the kernel text.
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
#endif
