// ASID allocation with generations (the scheme of Linux's arm64 and riscv
// ports, simplified).
//
// ASIDs 1 .. max are handed out in order within a generation; 0 is the
// kernel's. An address space keeps (generation, asid) and its ASID is valid
// while its generation is the current one. When the ASIDs run out, the
// generation advances and numbering starts again at 1: every hart must then
// flush its whole TLB before it runs an address space under an ASID of the
// new generation (mm/aspace.c keeps that "flush pending" set per hart).
// No ASID is ever freed inside a generation, so nothing can be reused while
// a TLB may still hold it. With no ASID bits (asid_bits 0) every address
// space runs as ASID 0 and each switch flushes.
//
// Pure logic without locks: the caller serialises (mm/aspace.c holds its
// ASID lock); the host tests (tests/host/asid/) run it against a model.
#ifndef MM_ASID_H
#define MM_ASID_H

#include <stdbool.h>
#include <stdint.h>

struct asid_space {
    unsigned bits;        // implemented ASID bits (0..16)
    uint32_t max;         // highest ASID: 2^bits - 1 (0 without ASIDs)
    uint64_t generation;  // current generation, from 1
    uint32_t next;        // next ASID to hand out in this generation
    uint64_t rollovers;   // generations started after the first
};

void asid_space_init(struct asid_space *s, unsigned bits);
// Is (gen, asid) still valid?
static inline bool asid_current(const struct asid_space *s, uint64_t gen) {
    return s->max == 0 || gen == s->generation;
}
// A new ASID in the current generation, starting a new generation first if
// none is left; *rolled says whether that happened (then every hart must
// flush before using the result). Without ASIDs: 0, never rolls.
uint16_t asid_assign(struct asid_space *s, uint64_t *out_gen, bool *rolled);
#endif
