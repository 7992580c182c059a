// The tick rate for user space (see kern/ticks.h). Written once before user
// mode starts, read-only afterwards: no lock.
#include "kern/ticks.h"

static uint64_t per_second;

void ticks_set_per_second(uint64_t hz) { per_second = hz; }

uint64_t ticks_per_second(void) { return per_second; }
