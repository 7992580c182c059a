// picolibc's locks (newlib's retargetable locking, <sys/lock.h>): Debian's
// picolibc 1.8 is built with _RETARGETABLE_LOCKING, and calls
//   __retarget_lock_acquire/release_recursive(&__lock___libc_recursive_mutex)
// around malloc, free, realloc, atexit, getenv/setenv, the time zone and
// arc4random; and __retarget_lock_init/acquire/release/close for the lock
// of each buffered FILE (fopen/fdopen, stdio-bufio). Its own libc.a defines
// them all as no-ops (libc_misc_lock.c.o); this file defines every one, and
// crt0 is linked whole, so that member is never pulled in.
//
// A struct __lock is a C11 mutex (user/lib/mtx.c, on futexes); the libc-wide
// one is recursive. A lock whose allocation failed is NULL and locks nothing
// (picolibc has no way to report the failure).
//
// stdout and stderr need no lock: they are unbuffered picolibc streams whose
// output goes through a per-thread line buffer (stdio.c).
#include <stdlib.h>
#include <sys/lock.h>
#include <threads.h>

struct __lock {
    mtx_t mtx;
};

struct __lock __lock___libc_recursive_mutex = {{0, mtx_recursive, 0}};

static void lock_new(_LOCK_T *lock, int type) {
    struct __lock *l = malloc(sizeof *l);
    if (l) mtx_init(&l->mtx, type);
    *lock = l;
}

void __retarget_lock_init(_LOCK_T *lock) { lock_new(lock, mtx_plain); }
void __retarget_lock_init_recursive(_LOCK_T *lock) { lock_new(lock, mtx_recursive); }

void __retarget_lock_close(_LOCK_T lock) {
    if (lock && lock != &__lock___libc_recursive_mutex) free(lock);
}
void __retarget_lock_close_recursive(_LOCK_T lock) { __retarget_lock_close(lock); }

void __retarget_lock_acquire(_LOCK_T lock) {
    if (lock) mtx_lock(&lock->mtx);
}
void __retarget_lock_acquire_recursive(_LOCK_T lock) { __retarget_lock_acquire(lock); }

// Nonzero if taken (newlib's convention).
int __retarget_lock_try_acquire(_LOCK_T lock) { return lock ? mtx_trylock(&lock->mtx) == thrd_success : 1; }
int __retarget_lock_try_acquire_recursive(_LOCK_T lock) { return __retarget_lock_try_acquire(lock); }

void __retarget_lock_release(_LOCK_T lock) {
    if (lock) mtx_unlock(&lock->mtx);
}
void __retarget_lock_release_recursive(_LOCK_T lock) { __retarget_lock_release(lock); }
