// Placement decisions (see kern/sched_place.h).
#include "kern/sched_place.h"

static bool idle(const struct sched_load *l) { return !l->busy && l->queued == 0; }

unsigned sched_place(const struct sched_load *loads, unsigned n, unsigned last, unsigned self) {
    unsigned best = SCHED_NONE, best_load = ~0u, best_rank = ~0u;
    for (unsigned i = 0; i < n; i++) {
        const struct sched_load *l = &loads[i];
        if (l->index == last && idle(l)) return last;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct sched_load *l = &loads[i];
        if (l->index == self && idle(l)) return self;
    }
    for (unsigned i = 0; i < n; i++)
        if (idle(&loads[i])) return loads[i].index;
    for (unsigned i = 0; i < n; i++) {
        const struct sched_load *l = &loads[i];
        unsigned load = l->queued + (l->busy ? 1u : 0u);
        unsigned rank = l->index == last ? 0u : l->index == self ? 1u : 2u;
        if (load < best_load || (load == best_load && rank < best_rank)) {
            best = l->index;
            best_load = load;
            best_rank = rank;
        }
    }
    return best;
}

unsigned sched_victim(const struct sched_load *loads, unsigned n, unsigned self) {
    unsigned best = SCHED_NONE, most = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct sched_load *l = &loads[i];
        if (l->index == self || l->queued == 0) continue;
        if (l->queued > most) {
            best = l->index;
            most = l->queued;
        }
    }
    return best;
}
