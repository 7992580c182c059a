// Spinlocks (test-and-test-and-set on an atomic word).
//
// spin_lock_irqsave() disables supervisor interrupts on the local hart for
// the critical section, so a lock taken from both thread and interrupt
// context never deadlocks; the kernel runs with interrupts off anyway
// (kern/trap.c), so on the kernel's own paths this only matters in the idle
// loop. Every lock records the hart that holds it (spin_held_here), which
// is how the fault handler tells "this hart is inside mm/pt.c" from "another
// hart is".
//
// Lock order checking (kern/lockdep.h): in kernels built with LOCKDEP (the
// meson option `lockdep`, on by default and in tools/test), every
// acquisition is checked against the order seen so far, per lock class (the
// lock's name: all VMO locks are one class "vmo"), and an inversion panics
// with both acquisition sites. The lock order itself is written in
// README.md ("Locks") and at the top of each file.
//
// The same header builds on the host (no interrupts, no harts there), so
// mm/, platform/ and obj/ code can be unit tested.
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    uint32_t locked;
    uint16_t cls;      // lockdep class + 1 (0: not looked up yet)
    uintptr_t owner;   // the holding hart's struct hart address (tp); 0 when free
    const char *name;
};

#define SPINLOCK_INIT(n) {0, 0, 0, (n)}

static inline void spin_init(struct spinlock *l, const char *name) {
    l->locked = 0;
    l->owner = 0;
    l->cls = 0;
    l->name = name;
}

#if defined(__riscv) && !defined(ZX_HOST_TEST)
#define SPIN_KERNEL 1
static inline uintptr_t spin_hart_tag(void) {  // this hart's struct hart (kern/hart.h)
    uintptr_t t;
    __asm__ volatile("mv %0, tp" : "=r"(t));
    return t;
}
#else
static inline uintptr_t spin_hart_tag(void) { return 1; }
#endif

#if defined(SPIN_KERNEL) && defined(LOCKDEP)
extern bool lockdep_enabled;
void lockdep_acquire_slow(struct spinlock *l, const char *site);
void lockdep_release_slow(struct spinlock *l);
static inline void lockdep_acquire(struct spinlock *l, const char *site) {
    if (__builtin_expect(lockdep_enabled, 0)) lockdep_acquire_slow(l, site);
}
static inline void lockdep_release(struct spinlock *l) {
    if (__builtin_expect(lockdep_enabled, 0)) lockdep_release_slow(l);
}
#else
static inline void lockdep_acquire(struct spinlock *l, const char *site) {
    (void)l;
    (void)site;
}
static inline void lockdep_release(struct spinlock *l) { (void)l; }
#endif

#define SPIN_STR2(x) #x
#define SPIN_STR(x) SPIN_STR2(x)
#define SPIN_SITE __FILE__ ":" SPIN_STR(__LINE__)

static inline void spin_lock_at(struct spinlock *l, const char *site) {
    lockdep_acquire(l, site);
    for (;;) {
        if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) break;
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
        }
    }
    l->owner = spin_hart_tag();
}

static inline void spin_unlock(struct spinlock *l) {
    lockdep_release(l);
    l->owner = 0;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

// True if this hart holds l (another hart's hold reads false).
static inline bool spin_held_here(const struct spinlock *l) {
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) && l->owner == spin_hart_tag();
}

#define spin_lock(l) spin_lock_at((l), SPIN_SITE)

#ifdef SPIN_KERNEL
#define SSTATUS_SIE_BIT 0x2ul
static inline uint64_t spin_lock_irqsave_at(struct spinlock *l, const char *site) {
    uint64_t s;
    __asm__ volatile("csrrc %0, sstatus, %1" : "=r"(s) : "r"(SSTATUS_SIE_BIT) : "memory");
    spin_lock_at(l, site);
    return s & SSTATUS_SIE_BIT;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags) {
    spin_unlock(l);
    if (flags) __asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE_BIT) : "memory");
}
#else
static inline uint64_t spin_lock_irqsave_at(struct spinlock *l, const char *site) {
    spin_lock_at(l, site);
    return 0;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags) {
    (void)flags;
    spin_unlock(l);
}
#endif

#define spin_lock_irqsave(l) spin_lock_irqsave_at((l), SPIN_SITE)

#endif
