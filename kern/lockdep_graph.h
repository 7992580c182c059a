// The lock-order graph behind the lock-order checker (kern/lockdep.c).
//
// Pure logic, no locks and no harts, so that the host tests
// (tests/host/lockdep/) run it against a model. A lock class is a small
// number (one per lock name). An edge A -> B means "a lock of class B was
// taken while one of class A was held"; the first time each edge is seen its
// two acquisition sites are kept. Taking B while holding A is an inversion
// when A is already reachable from B (B -> ... -> A), including B == A
// (a class nested in itself). Edges are only added, never removed.
#ifndef KERN_LOCKDEP_GRAPH_H
#define KERN_LOCKDEP_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#define LOCKDEP_MAX_CLASSES 64
#define LOCKDEP_MAX_HELD 16

struct lockdep_edge_sites {
    const char *held_site;  // where the A lock was taken
    const char *taken_site; // where B was then taken
};

struct lockdep_graph {
    unsigned n_classes;
    const char *names[LOCKDEP_MAX_CLASSES];
    uint64_t after[LOCKDEP_MAX_CLASSES];  // bit B set in after[A]: edge A -> B
    struct lockdep_edge_sites sites[LOCKDEP_MAX_CLASSES][LOCKDEP_MAX_CLASSES];
};

// What one hart holds, in acquisition order.
struct lockdep_held {
    unsigned depth;
    uint8_t cls[LOCKDEP_MAX_HELD];
    const char *site[LOCKDEP_MAX_HELD];
};

// An inversion found by lockdep_graph_check: taking class `taken` at
// `taken_site` while holding `held` (taken at `held_site`), against the
// earlier path from `taken` to `held` whose first edge is taken -> `via`
// (sites of that edge in `prior`).
struct lockdep_report {
    unsigned held, taken, via;
    const char *held_site, *taken_site;
    struct lockdep_edge_sites prior;
};

// The class of `name` (compared by content), added if new. Returns
// LOCKDEP_MAX_CLASSES when the table is full.
unsigned lockdep_graph_class(struct lockdep_graph *g, const char *name);
// Would taking class `cls` at `site` with `held` held create a cycle? If so
// fill *r and return false (nothing recorded). Otherwise record the new
// edges and return true.
bool lockdep_graph_check(struct lockdep_graph *g, const struct lockdep_held *held, unsigned cls,
                         const char *site, struct lockdep_report *r);
// True if every edge from the held classes to `cls` is already known (the
// fast path: no cycle can be new).
bool lockdep_graph_known(const struct lockdep_graph *g, const struct lockdep_held *held, unsigned cls);
// Is `to` reachable from `from` (through one or more edges, or equal)?
bool lockdep_graph_reaches(const struct lockdep_graph *g, unsigned from, unsigned to);

// Push and remove entries of a hart's held list. push returns false when the
// list is full; pop removes the most recent entry of class cls (false if
// there is none).
bool lockdep_held_push(struct lockdep_held *h, unsigned cls, const char *site);
bool lockdep_held_pop(struct lockdep_held *h, unsigned cls);
#endif
