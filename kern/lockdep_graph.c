// The lock-order graph (see kern/lockdep_graph.h).
#include "kern/lockdep_graph.h"

#include "kern/string.h"

unsigned lockdep_graph_class(struct lockdep_graph *g, const char *name) {
    if (!name) name = "(unnamed)";
    for (unsigned i = 0; i < g->n_classes; i++)
        if (g->names[i] == name || strcmp(g->names[i], name) == 0) return i;
    if (g->n_classes == LOCKDEP_MAX_CLASSES) return LOCKDEP_MAX_CLASSES;
    g->names[g->n_classes] = name;
    return g->n_classes++;
}

bool lockdep_graph_reaches(const struct lockdep_graph *g, unsigned from, unsigned to) {
    if (from == to) return true;
    uint64_t seen = 1ull << from, frontier = seen;
    while (frontier) {
        uint64_t next = 0;
        for (unsigned c = 0; c < g->n_classes; c++)
            if (frontier & (1ull << c)) next |= g->after[c];
        next &= ~seen;
        if (next & (1ull << to)) return true;
        seen |= next;
        frontier = next;
    }
    return false;
}

bool lockdep_graph_known(const struct lockdep_graph *g, const struct lockdep_held *held, unsigned cls) {
    for (unsigned i = 0; i < held->depth; i++)
        if (!(g->after[held->cls[i]] & (1ull << cls))) return false;
    return true;
}

bool lockdep_graph_check(struct lockdep_graph *g, const struct lockdep_held *held, unsigned cls,
                         const char *site, struct lockdep_report *r) {
    for (unsigned i = 0; i < held->depth; i++) {
        unsigned a = held->cls[i];
        if (g->after[a] & (1ull << cls)) continue;  // known edge: checked when it was added
        if (lockdep_graph_reaches(g, cls, a)) {
            // Name the first edge of a path cls -> ... -> a.
            unsigned via = cls;
            if (a != cls)
                for (unsigned c = 0; c < g->n_classes; c++)
                    if ((g->after[cls] & (1ull << c)) && lockdep_graph_reaches(g, c, a)) {
                        via = c;
                        break;
                    }
            r->held = a;
            r->taken = cls;
            r->via = via;
            r->held_site = held->site[i];
            r->taken_site = site;
            r->prior = a == cls ? (struct lockdep_edge_sites){held->site[i], site} : g->sites[cls][via];
            return false;
        }
    }
    for (unsigned i = 0; i < held->depth; i++) {
        unsigned a = held->cls[i];
        if (g->after[a] & (1ull << cls)) continue;
        g->sites[a][cls] = (struct lockdep_edge_sites){held->site[i], site};
        g->after[a] |= 1ull << cls;
    }
    return true;
}

bool lockdep_held_push(struct lockdep_held *h, unsigned cls, const char *site) {
    if (h->depth == LOCKDEP_MAX_HELD) return false;
    h->cls[h->depth] = (uint8_t)cls;
    h->site[h->depth] = site;
    h->depth++;
    return true;
}

bool lockdep_held_pop(struct lockdep_held *h, unsigned cls) {
    for (unsigned i = h->depth; i-- > 0;) {
        if (h->cls[i] != cls) continue;
        for (unsigned j = i; j + 1 < h->depth; j++) {
            h->cls[j] = h->cls[j + 1];
            h->site[j] = h->site[j + 1];
        }
        h->depth--;
        return true;
    }
    return false;
}
