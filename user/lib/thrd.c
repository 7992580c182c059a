// C11 threads (<threads.h>, <zircon/threads.h>): creating, joining,
// detaching and ending them.
//
// Each thread gets one VMO, mapped read/write once and closed at once (the
// mapping keeps it), laid out as
//
//   [guard page: no access][stack, THRD_STACK_SIZE][TLS block][struct zxrv_thread]
//
// sp starts at the top of the stack, tp at the TLS block: a copy of the
// program's initial thread-local data (__tdata_image, user/user.ld), the
// rest zero. The thread descriptor (thrd_t) lives in the mapping too, so
// unmapping it frees everything the thread had. The first thread has a
// static descriptor and runs on the stack and TLS block crt0 gave it.
//
// Ending: a joinable thread stores its result and calls zx_thread_exit; the
// joiner waits for ZX_THREAD_TERMINATED (asserted once the thread is off its
// stack for good), then unmaps the block and closes the handle. A detached
// thread frees itself with zx_vmar_unmap_handle_close_thread_exit, which
// uses no stack. thrd_detach and thrd_exit race through one atomic state:
// whoever comes second does the freeing. When the last thread ends through
// thrd_exit, the program ends as if by exit(0) (C11 7.26.5.5).
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/threads.h>

#include "../crt/crt.h"
#include "../libzircon/startup.h"

#define PAGE 4096u
#define THRD_STACK_SIZE (256u * 1024u)  // Fuchsia's default
#define TLS_ALIGN 64u

enum { JOINABLE, DETACHED, EXITED };

struct zxrv_thread {
    zx_handle_t handle;  // owned by the thread until joined or detached
    atomic_int state;    // JOINABLE, DETACHED or EXITED
    int result;
    thrd_start_t func;
    void *arg;
    zx_vaddr_t map_base;  // 0 for the first thread
    size_t map_size;
};

extern char __tls_base[], __tdata_end[], __tls_end[], __tdata_image[];

static struct zxrv_thread first_thread;
static _Thread_local struct zxrv_thread *self __attribute__((tls_model("local-exec")));
static atomic_int live_threads = 1;

zx_time_t __zxrv_timespec_deadline(const struct timespec *ts);

thrd_t thrd_current(void) {
    struct zxrv_thread *t = self;
    if (!t) {  // the first thread (every other one sets `self` before user code runs)
        t = &first_thread;
        t->handle = zx_thread_self();
        self = t;
    }
    return t;
}

int(thrd_equal)(thrd_t a, thrd_t b) { return a == b; }

zx_handle_t thrd_get_zx_handle(thrd_t t) { return t->handle; }

void __zxrv_thread_entry(struct zxrv_thread *t, void *tls);
void __zxrv_thread_start(struct zxrv_thread *t);
// A new thread starts with pc, sp, a0 (its descriptor) and a1 (its TLS
// block) set and every other register zero: set gp (linker relaxation) and
// tp, leave fp and ra zero so backtraces end here.
__asm__(".globl __zxrv_thread_entry\n"
        ".type __zxrv_thread_entry, @function\n"
        "__zxrv_thread_entry:\n"
        ".option push\n.option norelax\n"
        "lla gp, __global_pointer$\n"
        ".option pop\n"
        "mv tp, a1\n"
        "tail __zxrv_thread_start\n"
        ".size __zxrv_thread_entry, . - __zxrv_thread_entry\n");

void __zxrv_thread_start(struct zxrv_thread *t) {
    self = t;
    __zxrv_thread_handle = t->handle;
    __zxrv_mutex_id = t->handle;
    thrd_exit(t->func(t->arg));
}

static size_t tls_block_size(void) {
    size_t n = (size_t)(__tls_end - __tls_base);
    return (n + TLS_ALIGN - 1) & ~(size_t)(TLS_ALIGN - 1);
}

static void thread_free(struct zxrv_thread *t) {
    zx_handle_t h = t->handle;
    zx_vaddr_t base = t->map_base;
    size_t size = t->map_size;
    zx_handle_close(h);
    zx_vmar_unmap(zx_vmar_root_self(), base, size);
}

int thrd_create_with_name(thrd_t *thr, thrd_start_t func, void *arg, const char *name) {
    thrd_current();  // the first thread's descriptor exists before any other thread
    const size_t tls_off = PAGE + THRD_STACK_SIZE;
    const size_t desc_off = tls_off + tls_block_size();
    const size_t size = (desc_off + sizeof(struct zxrv_thread) + PAGE - 1) & ~(size_t)(PAGE - 1);
    zx_handle_t vmo;
    zx_status_t st = zx_vmo_create(size, 0, &vmo);
    if (st != ZX_OK) return st == ZX_ERR_NO_MEMORY ? thrd_nomem : thrd_error;
    zx_vaddr_t base = 0;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, size, &base);
    zx_handle_close(vmo);
    if (st != ZX_OK) return st == ZX_ERR_NO_MEMORY ? thrd_nomem : thrd_error;
    st = zx_vmar_protect(zx_vmar_root_self(), 0, base, PAGE);  // the guard page
    if (st != ZX_OK) {
        zx_vmar_unmap(zx_vmar_root_self(), base, size);
        return st == ZX_ERR_NO_MEMORY ? thrd_nomem : thrd_error;
    }
    void *tls = (void *)(base + tls_off);
    memcpy(tls, __tdata_image, (size_t)(__tdata_end - __tls_base));
    struct zxrv_thread *t = (struct zxrv_thread *)(base + desc_off);
    t->func = func;
    t->arg = arg;
    t->map_base = base;
    t->map_size = size;
    atomic_init(&t->state, JOINABLE);
    if (!name) name = "thrd_t";
    size_t len = strnlen(name, ZX_MAX_NAME_LEN - 1);
    st = zx_thread_create(zx_process_self(), name, len, 0, &t->handle);
    if (st != ZX_OK) {
        zx_vmar_unmap(zx_vmar_root_self(), base, size);
        return st == ZX_ERR_NO_MEMORY ? thrd_nomem : thrd_error;
    }
    atomic_fetch_add(&live_threads, 1);
    st = zx_thread_start(t->handle, (zx_vaddr_t)__zxrv_thread_entry, base + tls_off, (uintptr_t)t, (uintptr_t)tls);
    if (st != ZX_OK) {
        atomic_fetch_sub(&live_threads, 1);
        thread_free(t);
        return st == ZX_ERR_NO_MEMORY ? thrd_nomem : thrd_error;
    }
    *thr = t;
    return thrd_success;
}

int thrd_create(thrd_t *thr, thrd_start_t func, void *arg) { return thrd_create_with_name(thr, func, arg, NULL); }

_Noreturn void thrd_exit(int res) {
    struct zxrv_thread *t = thrd_current();
    __zxrv_stdio_flush();
    if (atomic_fetch_sub(&live_threads, 1) == 1) exit(0);  // the last thread
    t->result = res;
    int s = JOINABLE;
    if (t == &first_thread ||
        atomic_compare_exchange_strong_explicit(&t->state, &s, EXITED, memory_order_acq_rel, memory_order_acquire))
        zx_thread_exit();  // the joiner frees (the first thread has nothing to free)
    // Detached: free the block this thread runs on, close its handle, end.
    zx_vmar_unmap_handle_close_thread_exit(zx_vmar_root_self(), t->map_base, t->map_size, t->handle);
    zx_thread_exit();  // only if the unmap failed
}

int thrd_join(thrd_t t, int *res) {
    // (Joining a detached thread is undefined: its block may be gone.)
    if (t == thrd_current()) return thrd_error;
    if (zx_object_wait_one(t->handle, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL) != ZX_OK) return thrd_error;
    if (res) *res = t->result;
    if (t != &first_thread) thread_free(t);
    return thrd_success;
}

int thrd_detach(thrd_t t) {
    if (t == &first_thread) return thrd_error;
    int s = JOINABLE;
    if (atomic_compare_exchange_strong_explicit(&t->state, &s, DETACHED, memory_order_acq_rel,
                                                memory_order_acquire))
        return thrd_success;  // it frees itself when it ends
    if (s != EXITED) return thrd_error;
    // It already ended (or is ending): free it once it is off its stack.
    if (zx_object_wait_one(t->handle, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL) != ZX_OK) return thrd_error;
    thread_free(t);
    return thrd_success;
}

int thrd_sleep(const struct timespec *duration, struct timespec *remaining) {
    if (duration->tv_sec < 0 || duration->tv_nsec < 0 || duration->tv_nsec > 999999999) return -2;
    zx_time_t now = zx_clock_get_monotonic();
    zx_time_t d = __zxrv_timespec_deadline(duration);
    zx_time_t deadline = d > ZX_TIME_INFINITE - now ? ZX_TIME_INFINITE : now + d;
    zx_nanosleep(deadline);
    if (remaining) remaining->tv_sec = remaining->tv_nsec = 0;
    return 0;
}

void thrd_yield(void) { zx_thread_legacy_yield(0); }
