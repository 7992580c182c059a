// <threads.h>: C11 threads for zxrv programs (libzxrv, user/lib/thrd.c and
// user/lib/mtx.c), with Fuchsia's values (its musl <threads.h>):
// thrd_success is 0, mtx_plain 0. This header is found before picolibc's
// own <threads.h>, which needs a <machine/_threads.h> that Debian's picolibc
// does not ship. See user/README.md ("Threads").
//
// Mutexes and condition variables are built on futexes (zx_futex_*). An
// uncontended mtx_lock/mtx_unlock makes no system call. A mutex word holds
// its owner's thread handle, so contended waits name the owner of the futex
// (as Fuchsia's libsync does).
//
// Deadlines (mtx_timedlock, cnd_timedwait) are absolute times on the
// monotonic clock (zx_clock_get_monotonic(), in a struct timespec): zxrv has
// no UTC clock.
#ifndef ZXRV_THREADS_H_
#define ZXRV_THREADS_H_

#include <time.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zxrv_thread *thrd_t;
typedef int (*thrd_start_t)(void *);

// mtx_t and cnd_t: zero-initialized is the same as mtx_init(m, mtx_plain)
// and cnd_init (MTX_INIT / CND_INIT). Fields are private.
typedef struct {
    zx_futex_t __state;  // 0 free; else the owner's thread handle, bit 0 clear while waiters may sleep
    int __type;          // mtx_plain / mtx_recursive / mtx_timed bits
    unsigned __count;    // mtx_recursive: times locked beyond the first
} mtx_t;

typedef struct {
    zx_futex_t __seq;  // bumped by every signal and broadcast
    mtx_t *__mtx;      // the mutex its waiters use (broadcast requeues onto it)
} cnd_t;

typedef int once_flag;

#define MTX_INIT {0, 0, 0}
#define CND_INIT {0, 0}
#define ONCE_FLAG_INIT 0

#ifndef thread_local
#define thread_local _Thread_local
#endif

enum {
    thrd_success = 0,
    thrd_busy = 1,
    thrd_error = 2,
    thrd_nomem = 3,
    thrd_timedout = 4,
};

// Bits: initialize with e.g. (mtx_plain | mtx_recursive).
enum {
    mtx_plain = 0,
    mtx_recursive = 1,
    mtx_timed = 2,
};

int thrd_create(thrd_t *thr, thrd_start_t func, void *arg);
// |name| is truncated to ZX_MAX_NAME_LEN - 1 bytes (Fuchsia's extension).
int thrd_create_with_name(thrd_t *thr, thrd_start_t func, void *arg, const char *name);
_Noreturn void thrd_exit(int res);
int thrd_detach(thrd_t thr);
int thrd_join(thrd_t thr, int *res);
// Relative duration; 0, or -2 for a bad duration (never interrupted: -1 is not returned).
int thrd_sleep(const struct timespec *duration, struct timespec *remaining);
void thrd_yield(void);
thrd_t thrd_current(void);
int thrd_equal(thrd_t a, thrd_t b);
#ifndef __cplusplus
#define thrd_equal(A, B) ((A) == (B))
#endif

void call_once(once_flag *flag, void (*func)(void));

int mtx_init(mtx_t *mtx, int type);
void mtx_destroy(mtx_t *mtx);
int mtx_lock(mtx_t *mtx);
int mtx_timedlock(mtx_t *__restrict mtx, const struct timespec *__restrict deadline);
int mtx_trylock(mtx_t *mtx);
int mtx_unlock(mtx_t *mtx);

int cnd_init(cnd_t *cond);
void cnd_destroy(cnd_t *cond);
int cnd_broadcast(cnd_t *cond);
int cnd_signal(cnd_t *cond);
int cnd_timedwait(cnd_t *__restrict cond, mtx_t *__restrict mtx, const struct timespec *__restrict deadline);
int cnd_wait(cnd_t *cond, mtx_t *mtx);

#ifdef __cplusplus
}
#endif

#endif  // ZXRV_THREADS_H_
