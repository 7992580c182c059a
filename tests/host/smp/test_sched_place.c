// Placement and stealing (kern/sched_place.c) against the rules stated
// independently, on random loads.
#include "../harness.h"
#include "kern/sched_place.h"

static bool is_idle(const struct sched_load *l) { return !l->busy && l->queued == 0; }

static const struct sched_load *find(const struct sched_load *l, unsigned n, unsigned idx) {
    for (unsigned i = 0; i < n; i++)
        if (l[i].index == idx) return &l[i];
    return 0;
}

// The rules of kern/sched_place.h, written as a check of a given answer.
static bool place_ok(const struct sched_load *l, unsigned n, unsigned last, unsigned self, unsigned got) {
    const struct sched_load *g = find(l, n, got);
    if (!g) return n == 0 && got == SCHED_NONE;
    const struct sched_load *pl = find(l, n, last), *ps = find(l, n, self);
    if (pl && is_idle(pl)) return got == last;
    if (ps && is_idle(ps)) return got == self;
    bool any_idle = false;
    for (unsigned i = 0; i < n; i++) any_idle |= is_idle(&l[i]);
    if (any_idle) {  // the first idle one in the list
        for (unsigned i = 0; i < n; i++)
            if (is_idle(&l[i])) return got == l[i].index;
    }
    unsigned least = ~0u;
    for (unsigned i = 0; i < n; i++) {
        unsigned load = l[i].queued + l[i].busy;
        if (load < least) least = load;
    }
    if (g->queued + g->busy != least) return false;
    if (pl && pl->queued + pl->busy == least) return got == last;
    if (ps && ps->queued + ps->busy == least) return got == self;
    for (unsigned i = 0; i < n; i++)
        if (l[i].queued + l[i].busy == least) return got == l[i].index;
    return false;
}

static bool victim_ok(const struct sched_load *l, unsigned n, unsigned self, unsigned got) {
    unsigned most = 0, first = SCHED_NONE;
    for (unsigned i = 0; i < n; i++)
        if (l[i].index != self && l[i].queued > most) most = l[i].queued, first = l[i].index;
    return got == first;
}

static void examples(void) {
    struct sched_load l[4] = {{0, 0, true}, {1, 0, false}, {2, 3, true}, {3, 0, false}};
    CHECK_EQ(sched_place(l, 4, 3, 0), 3);   // last hart idle
    CHECK_EQ(sched_place(l, 4, 2, 0), 1);   // last busy: the first idle one
    CHECK_EQ(sched_place(l, 4, 2, 3), 3);   // ...unless the waker's own hart is idle
    CHECK_EQ(sched_victim(l, 4, 1), 2);
    CHECK_EQ(sched_victim(l, 4, 2), SCHED_NONE);
    struct sched_load busy[3] = {{0, 2, true}, {1, 1, true}, {2, 1, true}};
    CHECK_EQ(sched_place(busy, 3, 0, 0), 1);  // least loaded (2), lowest index
    CHECK_EQ(sched_place(busy, 3, 2, 0), 2);  // ...the last hart on a tie
    CHECK_EQ(sched_place(busy, 0, 0, 0), SCHED_NONE);
}

static void random_loads(void) {
    srand(11);
    for (int iter = 0; iter < 200000; iter++) {
        struct sched_load l[8];
        unsigned n = 1 + (unsigned)rand() % 8;
        for (unsigned i = 0; i < n; i++)
            l[i] = (struct sched_load){i * 2 + (unsigned)rand() % 2, (unsigned)rand() % 4, rand() % 3 != 0};
        unsigned last = (unsigned)rand() % 18, self = (unsigned)rand() % 18;
        unsigned p = sched_place(l, n, last, self);
        if (!CHECK(place_ok(l, n, last, self, p))) return;
        unsigned v = sched_victim(l, n, self);
        if (!CHECK(victim_ok(l, n, self, v))) return;
    }
}

// Placement spreads: waking k threads one after another (each placement
// updating the loads) onto n idle harts puts one per hart while k <= n.
static void spreads(void) {
    for (unsigned n = 1; n <= 8; n++) {
        struct sched_load l[8];
        for (unsigned i = 0; i < n; i++) l[i] = (struct sched_load){i, 0, false};
        for (unsigned k = 0; k < n; k++) {
            unsigned p = sched_place(l, n, 0, 0);
            if (!CHECK(p < n) || !CHECK_EQ(l[p].queued, 0)) return;
            l[p].queued++;
        }
        for (unsigned i = 0; i < n; i++) CHECK_EQ(l[i].queued, 1);
    }
}

int main(void) {
    th_prefix = "sched-place";
    RUN_CASE(examples);
    RUN_CASE(random_loads);
    RUN_CASE(spreads);
    return th_exit_status("sched-place");
}
