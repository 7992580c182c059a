// The lock-order checker (debug builds: meson option `lockdep`, on in
// tools/test).
//
// Every spin_lock is checked against the lock order seen so far, per lock
// class (kern/lockdep_graph.h): taking B while holding A, after B was once
// held while A was taken (directly or through other classes), panics with
// the sites of both acquisitions now and of the earlier opposite order.
// Each hart keeps the list of what it holds (struct hart), which also lets
// the kernel check that no spinlock is held where none may be: across a
// context switch (only the scheduler lock), and when a user page fault
// taken inside a user copy must be resolved (that takes VMAR and VMO locks,
// so the copy must not run under a lock that could be held in the other
// order). Without LOCKDEP these checks compile to nothing.
#ifndef KERN_LOCKDEP_H
#define KERN_LOCKDEP_H

#include <stdbool.h>

#include "kern/spinlock.h"

#ifdef LOCKDEP
// Boot argument lockdep=off turns the checks off at run time (benchmarks).
void lockdep_init(bool enabled);
bool lockdep_active(void);
// Spinlocks this hart holds now.
unsigned lockdep_depth(void);
// Panic unless this hart holds exactly `allowed` (may be NULL: nothing).
void lockdep_assert_only(const struct spinlock *allowed, const char *what);
// Print what this hart holds (for panics).
void lockdep_print_held(void);
// Print every order seen so far (boot argument lockdep.dump, at power-off).
void lockdep_dump(void);
#else
static inline void lockdep_dump(void) {}
static inline void lockdep_init(bool enabled) { (void)enabled; }
static inline bool lockdep_active(void) { return false; }
static inline unsigned lockdep_depth(void) { return 0; }
static inline void lockdep_assert_only(const struct spinlock *allowed, const char *what) {
    (void)allowed;
    (void)what;
}
static inline void lockdep_print_held(void) {}
#endif
#endif
