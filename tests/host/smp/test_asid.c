// ASID generations (mm/asid.c) against a model, and a simulation of the
// harts' flush protocol of mm/aspace.c.
#include "../harness.h"
#include "mm/asid.h"

// Within one generation every ASID is handed out once, 1..max in order;
// the next request starts a new generation at 1.
static void unique_then_rollover(void) {
    for (unsigned bits = 1; bits <= 16; bits++) {
        struct asid_space s;
        asid_space_init(&s, bits);
        uint32_t max = (1u << bits) - 1;
        CHECK_EQ(s.max, max);
        int rounds = bits > 10 ? 2 : 3;
        for (int round = 0; round < rounds; round++) {
            for (uint32_t i = 1; i <= max; i++) {
                uint64_t g;
                bool rolled;
                uint16_t a = asid_assign(&s, &g, &rolled);
                if (!CHECK_EQ(a, i) || !CHECK_EQ(rolled, round > 0 && i == 1) || !CHECK_EQ(g, 1 + round)) return;
                CHECK(asid_current(&s, g));
                if (round > 0) CHECK(!asid_current(&s, g - 1));
            }
            CHECK_EQ(s.rollovers, (uint64_t)round);
        }
    }
}

static void no_asids(void) {
    struct asid_space s;
    asid_space_init(&s, 0);
    for (int i = 0; i < 1000; i++) {
        uint64_t g;
        bool rolled;
        CHECK_EQ(asid_assign(&s, &g, &rolled), 0);
        CHECK(!rolled);
        CHECK(asid_current(&s, g));
        CHECK(asid_current(&s, 12345));  // always current: every switch flushes
    }
    asid_space_init(&s, 40);  // wider than 16 is capped
    CHECK_EQ(s.bits, 16);
}

// The protocol of mm/aspace.c on simulated harts: each hart has a TLB (the
// set of (space, asid) pairs it may hold entries for), a running space and
// a flush-pending bit. Random activations and rollovers; the invariant: no
// hart ever holds entries of two different spaces under one ASID, and a
// shootdown of a space (asid fence to harts without pending, all-ASID fence
// to pending ones, only to harts in the space's mask) removes every entry of
// that space from every TLB.
#define NH 4
#define NS 12
#define TLBMAX 64
struct sim_space { uint64_t gen; uint16_t asid; uint64_t harts; };
struct sim_hart { int running; uint16_t satp_asid; int n; struct { int space; uint16_t asid; } tlb[TLBMAX]; };

static struct asid_space S;
static struct sim_space sp[NS];
static struct sim_hart hh[NH];
static uint64_t pending;

static void tlb_add(int h, int space, uint16_t asid) {
    struct sim_hart *x = &hh[h];
    for (int i = 0; i < x->n; i++)
        if (x->tlb[i].space == space && x->tlb[i].asid == asid) return;
    if (x->n < TLBMAX) x->tlb[x->n].space = space, x->tlb[x->n].asid = asid, x->n++;
}
static void tlb_flush_all(int h) { hh[h].n = 0; }
static void tlb_flush_asid(int h, uint16_t asid) {
    struct sim_hart *x = &hh[h];
    for (int i = 0; i < x->n;)
        if (x->tlb[i].asid == asid) x->tlb[i] = x->tlb[--x->n]; else i++;
}

static void activate(int h, int s) {
    uint64_t me = 1ull << h;
    if (s >= 0) {
        if (sp[s].gen != S.generation) {  // renew_locked
            uint64_t g;
            bool rolled;
            uint16_t a = asid_assign(&S, &g, &rolled);
            if (rolled) pending |= (1ull << NH) - 1;
            sp[s].harts &= pending;
            sp[s].asid = a;
            sp[s].gen = g;
        }
        sp[s].harts |= me;
        hh[h].satp_asid = sp[s].asid;  // csrw satp
    }
    if (pending & me) {
        tlb_flush_all(h);
        pending &= ~me;
    }
    hh[h].running = s;
}

static void run_a_while(int h) {  // the running space fills entries under the ASID in satp
    if (hh[h].running >= 0) tlb_add(h, hh[h].running, hh[h].satp_asid);
}

static void shootdown(int s) {
    for (int h = 0; h < NH; h++) {
        if (!(sp[s].harts & (1ull << h))) continue;
        if (pending & (1ull << h)) tlb_flush_all(h); else tlb_flush_asid(h, sp[s].asid);
    }
    for (int h = 0; h < NH; h++)
        for (int i = 0; i < hh[h].n; i++)
            if (!CHECK(hh[h].tlb[i].space != s)) return;
}

static void ipi_flush(int h) { activate(h, hh[h].running); }  // aspace_flush_after_rollover

static void invariant(void) {
    for (int h = 0; h < NH; h++)
        for (int i = 0; i < hh[h].n; i++)
            for (int j = i + 1; j < hh[h].n; j++)
                if (hh[h].tlb[i].asid == hh[h].tlb[j].asid && !CHECK(hh[h].tlb[i].space == hh[h].tlb[j].space))
                    return;
    // A hart runs its space under the space's current ASID unless it is pending.
    for (int h = 0; h < NH; h++) {
        int s = hh[h].running;
        if (s >= 0 && !(pending & (1ull << h))) CHECK(sp[s].harts & (1ull << h));
    }
}

static void random_protocol(void) {
    srand(7);
    for (unsigned bits = 1; bits <= 4; bits++) {
        asid_space_init(&S, bits);
        for (int s = 0; s < NS; s++) sp[s] = (struct sim_space){0, 0, 0};
        for (int h = 0; h < NH; h++) hh[h].running = -1, hh[h].n = 0;
        pending = 0;
        for (int step = 0; step < 20000; step++) {
            int h = rand() % NH;
            switch (rand() % 5) {
            case 0: activate(h, rand() % (NS + 1) - 1); break;
            case 1: run_a_while(h); break;
            case 2: shootdown(rand() % NS); break;
            case 3: if (pending & (1ull << h)) ipi_flush(h); break;
            case 4: {  // a space destroyed (fenced everywhere) and a new one in its slot
                int s = rand() % NS;
                bool busy = false;
                for (int k = 0; k < NH; k++) busy |= hh[k].running == s;
                if (busy) break;
                shootdown(s);
                sp[s] = (struct sim_space){0, 0, 0};
                break;
            }
            }
            invariant();
            if (th_case_failures) return;
        }
        CHECK(S.rollovers > 10);
    }
}

int main(void) {
    th_prefix = "asid";
    RUN_CASE(unique_then_rollover);
    RUN_CASE(no_asids);
    RUN_CASE(random_protocol);
    return th_exit_status("asid");
}
