// ASID generations (see mm/asid.h).
#include "mm/asid.h"

void asid_space_init(struct asid_space *s, unsigned bits) {
    if (bits > 16) bits = 16;
    s->bits = bits;
    s->max = bits ? (1u << bits) - 1 : 0;
    s->generation = 1;
    s->next = 1;
    s->rollovers = 0;
}

uint16_t asid_assign(struct asid_space *s, uint64_t *out_gen, bool *rolled) {
    *rolled = false;
    if (s->max == 0) {
        *out_gen = s->generation;
        return 0;
    }
    if (s->next > s->max) {
        s->generation++;
        s->next = 1;
        s->rollovers++;
        *rolled = true;
    }
    *out_gen = s->generation;
    return (uint16_t)s->next++;
}
