// Futexes: Zircon's zx_futex_* calls (docs/reference/kernel_objects/futex.md).
//
// A futex is not a handle object. It is a wait queue that exists in the
// kernel only while someone uses it, keyed by the user virtual address of an
// aligned int in the process (Zircon keys by address per process too: two
// processes mapping the same VMO have different futexes). The kernel never
// writes the int; it reads it once per wait or requeue to compare it with the
// caller's expected value.
//
// State:
//   - struct futex_ctx, one per process (in struct process): a hash table of
//     the active futexes, and a pool of free futex states. Every thread of
//     the process brings FUTEX_STATES_PER_THREAD states to the pool when it
//     is created (futex_reserve_alloc may fail: zx_thread_create gives
//     ZX_ERR_NO_MEMORY) and takes as many back when it exits. A thread uses
//     at most two states at a time (a requeue holds its two futexes), and a
//     futex state stays active only while some thread uses it, so the pool
//     never runs dry: the wait path allocates nothing.
//   - struct futex, an active futex: its key, its wait queue, its owner and
//     `refs`, the number of threads that hold it active: blocked waiters,
//     waiters between their two locked phases (see below), and operations in
//     progress. When refs drops to 0 the state goes back to the pool.
//   - struct futex_thread, one per thread (in struct thread_obj, like
//     Zircon's per-thread blocking_futex_id): the futex the thread is blocked
//     on (which a requeue updates), and whether the thread has exited (an
//     exited thread may not own a futex).
//
// Reading the user value without holding a lock. A user copy can take a page
// fault, resolved in the trap handler through the VMAR, VMO, page-table and
// allocator locks, which may in turn need other harts (TLB shootdown); no
// spinlock of this file is held across one. Zircon reads the value under the
// futex lock, so that the compare and the enqueue are atomic with respect to
// wakes. Here every futex counts the operations that change it, and a wait
// or requeue runs in two locked phases around the read:
//   1. lock; activate the futex (refs++); note its counter; unlock;
//   2. read the value (the caller's memory, which may fault);
//   3. lock; if the counter moved, a wake (for a wait: wake_seq) or any
//      change to the waiters (for a requeue: change_seq) happened during the
//      read: go back to 2; else act (block, or wake and move) and unlock.
// The read in the last round is the linearization point: no wake can fall
// between it and the enqueue (no lost wakeups), and no wake is spent on a
// thread that then fails its compare (no spurious wakeups). A round repeats
// only because another thread completed an operation on the same futex.
//
// Ownership follows Zircon: a wait sets the futex's owner to the thread it
// names (or none); zx_futex_wake and zx_futex_requeue clear the woken
// futex's owner; the single_owner variants make the woken thread the owner
// while waiters remain; a requeue sets the target's owner; a futex without
// waiters has no owner; an owner that exits or was asked to die is dropped;
// an owner that would close a cycle of "blocked on futex owned by thread"
// edges is replaced by none (Zircon's rule for priority inheritance chains;
// there is no priority inheritance here, so owners are bookkeeping only).
//
// Locking: c->lock (a spinlock) guards everything in the context: the hash
// table and pool, every field of every futex but its wait queue, and the
// futex_thread of every thread of the process. A futex's wait queue is
// guarded by the scheduler lock. Lock order: process lock -> futex context
// lock -> scheduler lock. Nothing else is taken under c->lock: no user copy,
// no heap call, no handle table, no object lock.
//
// This file builds on the host (tests/host/futex/) over fakes of the
// scheduler's wait queues, copy_from_user and the kernel heap.
#ifndef OBJ_FUTEX_H
#define OBJ_FUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kern/spinlock.h"
#include "kern/wait.h"

#define FUTEX_BUCKET_BITS 5
#define FUTEX_BUCKETS (1u << FUTEX_BUCKET_BITS)
#define FUTEX_STATES_PER_THREAD 2
// Longest owner chain followed when looking for a cycle (Zircon asserts the
// same bound on its priority-inheritance chains). Longer counts as a cycle.
#define FUTEX_CHAIN_MAX 2048

struct thread;
struct futex_thread;

struct futex {
    uintptr_t key;               // the user address
    struct futex *next;          // hash chain, or the pool's free list
    struct wait_queue wq;        // blocked waiters (scheduler lock)
    struct futex_thread *owner;  // NULL: no owner; never a thread that exited
    uint32_t refs;               // threads holding this state active
    uint32_t wake_seq;           // +1 for every wake or requeue out of this futex
    uint32_t change_seq;         // +1 for those and every block on or requeue into it
};

struct futex_thread {
    struct futex *blocked_on;  // set while the thread waits in (or is leaving) a futex
    bool dead;                 // exited or never to run: may not own a futex
};

struct futex_ctx {
    struct spinlock lock;
    struct futex *buckets[FUTEX_BUCKETS];
    struct futex *free;  // the pool
    uint32_t nfree;      // states in the pool
    uint32_t nactive;    // states in the hash table
};

// The states a new thread brings (allocated before any lock is taken).
struct futex_reserve {
    struct futex *state[FUTEX_STATES_PER_THREAD];
};

void futex_ctx_init(struct futex_ctx *c);
// Free the pool. The process is dead: no thread uses a futex any more.
void futex_ctx_destroy(struct futex_ctx *c);

// ZX_OK or ZX_ERR_NO_MEMORY (then nothing is held).
zx_status_t futex_reserve_alloc(struct futex_reserve *r);
void futex_reserve_free(struct futex_reserve *r);
// Give a new thread's states to the pool (consumes r). Takes c->lock.
void futex_ctx_add_reserve(struct futex_ctx *c, struct futex_reserve *r);

void futex_thread_init(struct futex_thread *t);
// Thread t will never run again (it exited, or dies without having started):
// it no longer owns any futex, may never own one again, and its states leave
// the pool. Call with no lock held; t is not in a futex call.
void futex_thread_exit(struct futex_ctx *c, struct futex_thread *t);

// The calls. `uaddr` is the user address (already checked to lie in the user
// half by the syscall layer); these check it is non-zero and 4-byte aligned.
// `new_owner` is the thread the caller named (NULL for ZX_HANDLE_INVALID, or
// for a thread that is dead or dying), `owner_status` the result of looking it
// up, reported only once the value compared equal (Zircon's order: a stale
// value gives ZX_ERR_BAD_STATE even with a bad handle). The caller keeps
// new_owner's thread object alive for the duration of the call.
//
// zx_futex_wait: ZX_OK (woken), ZX_ERR_INVALID_ARGS (bad pointer, the value
// unreadable, new_owner is the caller or waits on this futex),
// ZX_ERR_BAD_STATE, owner_status, ZX_ERR_TIMED_OUT, ZX_ERR_CANCELED (the
// thread is being killed; it leaves the futex's books first).
zx_status_t futex_wait(struct futex_ctx *c, struct futex_thread *me, uintptr_t uaddr, zx_futex_t current,
                       struct futex_thread *new_owner, zx_status_t owner_status, zx_time_t deadline);
// zx_futex_wake / zx_futex_wake_single_owner (count 1, single_owner true).
// ZX_OK or ZX_ERR_INVALID_ARGS (bad pointer). *out_woken (may be NULL) gets
// how many threads were woken.
zx_status_t futex_wake(struct futex_ctx *c, uintptr_t uaddr, uint32_t count, bool single_owner,
                       uint32_t *out_woken);
// zx_futex_requeue / zx_futex_requeue_single_owner (wake_count 1,
// single_owner true). Errors: ZX_ERR_INVALID_ARGS (a bad pointer, the same
// futex twice, the value unreadable, new_owner waits on either futex),
// ZX_ERR_BAD_STATE, owner_status. On error nothing changed.
zx_status_t futex_requeue(struct futex_ctx *c, uintptr_t uaddr, uint32_t wake_count, zx_futex_t current,
                          uintptr_t requeue_uaddr, uint32_t requeue_count, struct futex_thread *new_owner,
                          zx_status_t owner_status, bool single_owner);
// zx_futex_get_owner: *out_koid gets the owner's koid or ZX_KOID_INVALID.
zx_status_t futex_get_owner(struct futex_ctx *c, uintptr_t uaddr, zx_koid_t *out_koid);

// Threads blocked in (or on their way out of) a futex wait, all processes.
uint64_t futex_waiters(void);

// Provided by obj/process.c (and by the host tests' fakes): the futex_thread
// of the kernel thread woken from a futex's wait queue, and the koid of the
// thread a futex_thread belongs to.
struct futex_thread *futex_thread_of(struct thread *kt);
zx_koid_t futex_thread_koid(const struct futex_thread *t);
#endif
