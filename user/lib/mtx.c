// C11 mutexes, condition variables and call_once on futexes (<threads.h>).
//
// A mutex word (mtx_t.__state) is 0 when free, else the owner's thread
// handle (__zxrv_mutex_id, libzircon/startup.h; its two low bits are always
// 1, ZX_HANDLE_FIXED_BITS_MASK) with
// bit 0 cleared once a waiter may sleep on it ("contested"):
//   lock:    CAS 0 -> self; that is the whole uncontended path. Otherwise
//            clear bit 0 and zx_futex_wait on the word, naming the owner
//            (s | 1) as the futex's owner, as Fuchsia's libsync does. A
//            thread that slept takes the lock contested (self & ~1): others
//            may still sleep behind it.
//   unlock:  exchange with 0; if bit 0 was clear, wake one waiter and make
//            it the futex's owner (zx_futex_wake_single_owner).
// mtx_recursive counts re-locks by the owner in __count, which only the owner
// touches; the uncontended path does not look at the type.
//
// A condition variable is a sequence word bumped by every signal and
// broadcast. cnd_wait notes the word, unlocks, waits for the word to change
// and relocks contested. cnd_broadcast wakes one waiter and requeues the rest
// onto the mutex word: they then wake one at a time as the mutex is handed on
// (each relocks contested, so its unlock wakes the next).
#include <limits.h>
#include <stdatomic.h>
#include <threads.h>
#include <zircon/syscalls.h>

#include "../libzircon/startup.h"

#define CONTESTED_BIT 1

// Absolute monotonic deadline of a timespec (saturating).
zx_time_t __zxrv_timespec_deadline(const struct timespec *ts) {
    if (ts->tv_sec < 0) return 0;
    if (ts->tv_sec >= ZX_TIME_INFINITE / 1000000000ll) return ZX_TIME_INFINITE;
    zx_time_t t = (zx_time_t)ts->tv_sec * 1000000000ll;
    long ns = ts->tv_nsec < 0 ? 0 : ts->tv_nsec > 999999999 ? 999999999 : ts->tv_nsec;
    return t > ZX_TIME_INFINITE - ns ? ZX_TIME_INFINITE : t + ns;
}

int mtx_init(mtx_t *m, int type) {
    if (type & ~(mtx_recursive | mtx_timed)) return thrd_error;
    atomic_init(&m->__state, 0);
    m->__type = type;
    m->__count = 0;
    return thrd_success;
}

void mtx_destroy(mtx_t *m) { (void)m; }

// Take m, which is not free (or was not, a moment ago), sleeping until it
// is. It is taken contested: other threads may be asleep on it.
static int lock_wait(mtx_t *m, zx_handle_t self, zx_time_t deadline) {
    const int mine = (int)(self & ~(zx_handle_t)CONTESTED_BIT);
    int s = atomic_load_explicit(&m->__state, memory_order_relaxed);
    for (;;) {
        if (s == 0) {
            if (atomic_compare_exchange_weak_explicit(&m->__state, &s, mine, memory_order_acquire,
                                                      memory_order_relaxed))
                return thrd_success;
            continue;
        }
        if (s & CONTESTED_BIT) {
            if (!atomic_compare_exchange_weak_explicit(&m->__state, &s, s & ~CONTESTED_BIT, memory_order_relaxed,
                                                       memory_order_relaxed))
                continue;
            s &= ~CONTESTED_BIT;
        }
        zx_status_t st = zx_futex_wait(&m->__state, s, (zx_handle_t)(s | CONTESTED_BIT), deadline);
        if (st == ZX_ERR_BAD_HANDLE || st == ZX_ERR_WRONG_TYPE || st == ZX_ERR_INVALID_ARGS)
            // The word names a thread that is gone (it exited holding the
            // lock, or the handle was closed): wait without naming an owner.
            st = zx_futex_wait(&m->__state, s, ZX_HANDLE_INVALID, deadline);
        if (st == ZX_ERR_TIMED_OUT) return thrd_timedout;
        s = atomic_load_explicit(&m->__state, memory_order_relaxed);
    }
}

static int lock_slow(mtx_t *m, zx_handle_t self, zx_time_t deadline) {
    int s = atomic_load_explicit(&m->__state, memory_order_relaxed);
    if (s != 0 && (zx_handle_t)(s | CONTESTED_BIT) == self) {  // we hold it
        if (!(m->__type & mtx_recursive) || m->__count == UINT_MAX) return thrd_error;
        m->__count++;
        return thrd_success;
    }
    return lock_wait(m, self, deadline);
}

int mtx_lock(mtx_t *m) {
    const zx_handle_t self = __zxrv_mutex_id;
    int expected = 0;
    if (__builtin_expect(atomic_compare_exchange_strong_explicit(&m->__state, &expected, (int)self,
                                                                 memory_order_acquire, memory_order_relaxed),
                         1))
        return thrd_success;
    return lock_slow(m, self, ZX_TIME_INFINITE);
}

int mtx_timedlock(mtx_t *__restrict m, const struct timespec *__restrict deadline) {
    const zx_handle_t self = __zxrv_mutex_id;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&m->__state, &expected, (int)self, memory_order_acquire,
                                                memory_order_relaxed))
        return thrd_success;
    return lock_slow(m, self, __zxrv_timespec_deadline(deadline));
}

int mtx_trylock(mtx_t *m) {
    const zx_handle_t self = __zxrv_mutex_id;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&m->__state, &expected, (int)self, memory_order_acquire,
                                                memory_order_relaxed))
        return thrd_success;
    if ((zx_handle_t)(expected | CONTESTED_BIT) == self && (m->__type & mtx_recursive) && m->__count != UINT_MAX) {
        m->__count++;
        return thrd_success;
    }
    return thrd_busy;
}

int mtx_unlock(mtx_t *m) {
    if (m->__count) {  // a recursive re-lock: only the owner gets here
        m->__count--;
        return thrd_success;
    }
    int old = atomic_exchange_explicit(&m->__state, 0, memory_order_release);
    if (__builtin_expect(!(old & CONTESTED_BIT), 0) && old != 0) zx_futex_wake_single_owner(&m->__state);
    return thrd_success;
}

int cnd_init(cnd_t *c) {
    atomic_init(&c->__seq, 0);
    c->__mtx = NULL;
    return thrd_success;
}

void cnd_destroy(cnd_t *c) { (void)c; }

static int cnd_wait_deadline(cnd_t *c, mtx_t *m, zx_time_t deadline) {
    const zx_handle_t self = __zxrv_mutex_id;
    // Sequentially consistent, with cnd_broadcast's bump and load: a
    // broadcast that moves the word past `seq` sees this waiter's mutex.
    __atomic_store_n(&c->__mtx, m, __ATOMIC_SEQ_CST);
    int seq = atomic_load(&c->__seq);
    // A recursive mutex is released fully and taken back to the same depth.
    unsigned count = m->__count;
    m->__count = 0;
    mtx_unlock(m);
    zx_status_t st = zx_futex_wait(&c->__seq, seq, ZX_HANDLE_INVALID, deadline);
    // Woken, requeued onto the mutex and woken again, timed out, or the
    // sequence moved on before we slept: relock, contested (others may
    // sleep on the mutex after a broadcast).
    int r = lock_wait(m, self, ZX_TIME_INFINITE);
    m->__count = count;
    if (r != thrd_success) return thrd_error;
    return st == ZX_ERR_TIMED_OUT ? thrd_timedout : thrd_success;
}

int cnd_wait(cnd_t *c, mtx_t *m) { return cnd_wait_deadline(c, m, ZX_TIME_INFINITE); }

int cnd_timedwait(cnd_t *__restrict c, mtx_t *__restrict m, const struct timespec *__restrict deadline) {
    return cnd_wait_deadline(c, m, __zxrv_timespec_deadline(deadline));
}

int cnd_signal(cnd_t *c) {
    atomic_fetch_add(&c->__seq, 1);
    return zx_futex_wake(&c->__seq, 1) == ZX_OK ? thrd_success : thrd_error;
}

int cnd_broadcast(cnd_t *c) {
    atomic_fetch_add(&c->__seq, 1);
    mtx_t *m = __atomic_load_n(&c->__mtx, __ATOMIC_SEQ_CST);
    if (!m) return zx_futex_wake(&c->__seq, UINT32_MAX) == ZX_OK ? thrd_success : thrd_error;
    for (;;) {
        int seq = atomic_load_explicit(&c->__seq, memory_order_relaxed);
        zx_status_t st = zx_futex_requeue(&c->__seq, 1, seq, &m->__state, UINT32_MAX, ZX_HANDLE_INVALID);
        if (st == ZX_OK) return thrd_success;
        if (st != ZX_ERR_BAD_STATE) return thrd_error;
        // Another signal or broadcast moved the word on: go again with it.
    }
}

// once_flag: 0 never run, 1 running, 2 running with waiters, 3 done.
void call_once(once_flag *flag, void (*func)(void)) {
    zx_futex_t *f = (zx_futex_t *)flag;
    if (atomic_load_explicit(f, memory_order_acquire) == 3) return;
    int s = 0;
    if (atomic_compare_exchange_strong_explicit(f, &s, 1, memory_order_acquire, memory_order_acquire)) {
        func();
        if (atomic_exchange_explicit(f, 3, memory_order_release) == 2) zx_futex_wake(f, UINT32_MAX);
        return;
    }
    for (;;) {
        if (s == 3) return;
        if (s == 1 && !atomic_compare_exchange_strong_explicit(f, &s, 2, memory_order_acquire, memory_order_acquire))
            continue;
        zx_futex_wait(f, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
        s = atomic_load_explicit(f, memory_order_acquire);
    }
}
