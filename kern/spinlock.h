// Spinlocks (test-and-test-and-set on an atomic word).
//
// spin_lock_irqsave() disables supervisor interrupts on the local hart for
// the critical section, so a lock taken from both thread and interrupt
// context never deadlocks. The same header builds on the host (no
// interrupts there), so mm/ and platform/ code can be unit tested.
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <stdint.h>

struct spinlock {
    uint32_t locked;
    const char *name;
};

#define SPINLOCK_INIT(n) {0, (n)}

static inline void spin_init(struct spinlock *l, const char *name) {
    l->locked = 0;
    l->name = name;
}

static inline void spin_lock(struct spinlock *l) {
    for (;;) {
        if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) return;
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
        }
    }
}

static inline void spin_unlock(struct spinlock *l) {
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#if defined(__riscv) && !defined(ZX_HOST_TEST)
#define SSTATUS_SIE_BIT 0x2ul
static inline uint64_t spin_lock_irqsave(struct spinlock *l) {
    uint64_t s;
    __asm__ volatile("csrrc %0, sstatus, %1" : "=r"(s) : "r"(SSTATUS_SIE_BIT) : "memory");
    spin_lock(l);
    return s & SSTATUS_SIE_BIT;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags) {
    spin_unlock(l);
    if (flags) __asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE_BIT) : "memory");
}
#else
static inline uint64_t spin_lock_irqsave(struct spinlock *l) {
    spin_lock(l);
    return 0;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags) {
    (void)flags;
    spin_unlock(l);
}
#endif

#endif
