// The kernel's direct map (see mm/physmap.h).
#include "mm/physmap.h"

void *physmap_va(paddr_t p) { return (void *)(PHYSMAP_BASE + pa_val(p)); }
