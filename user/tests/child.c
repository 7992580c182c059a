// child: a helper program the process tests start.
//   child exit N     return N
//   child crash      store to an unmapped address (killed by the kernel)
//   child illegal    execute an illegal instruction
//   child spin       loop forever (for zx_task_kill)
//   child sleep      sleep forever in the kernel (for zx_task_kill)
//   child vmo        return the status of zx_vmo_create (for job policies)
//   child futex      wait in a futex forever (for zx_task_kill)
//   child exec       return the status of zx_vmo_replace_as_executable with
//                    vmex ZX_HANDLE_INVALID (ZX_POL_AMBIENT_MARK_VMO_EXEC)
//   child thrd-overflow  a C11 thread overflows its stack (killed at the guard page)
//   child thrd-exit  main calls thrd_exit; the last thread's thrd_exit runs
//                    exit(0), whose atexit handler returns 42
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>
#include <zircon/syscalls.h>

static volatile int limit = 1 << 30;  // far beyond any stack: the guard page stops it

static int recurse(int depth) {
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth == limit) return 0;
    return recurse(depth + 1) + frame[0];
}

static int overflow(void *arg) {
    (void)arg;
    return recurse(0);
}

static int sleep_then_return(void *arg) {
    (void)arg;
    zx_nanosleep(zx_clock_get_monotonic() + 20 * 1000 * 1000);
    return 0;
}

static void exit_42(void) { _exit(42); }

int main(int argc, char **argv) {
    if (argc >= 3 && !strcmp(argv[1], "exit")) return atoi(argv[2]);
    if (argc >= 2 && !strcmp(argv[1], "crash")) {
        volatile int *bad;
        __asm__ volatile("li %0, 0x10" : "=r"(bad));  // hide the constant from the compiler
        *bad = 1;
        return 100;
    }
    if (argc >= 2 && !strcmp(argv[1], "illegal")) {
        __asm__ volatile(".word 0");
        return 101;
    }
    if (argc >= 2 && !strcmp(argv[1], "spin")) {
        for (;;) __asm__ volatile("" ::: "memory");
    }
    if (argc >= 2 && !strcmp(argv[1], "vmo")) {
        zx_handle_t vmo;
        zx_status_t st = zx_vmo_create(4096, 0, &vmo);
        return st == ZX_OK ? 0 : -st;  // 0, or the error as a positive number
    }
    if (argc >= 2 && !strcmp(argv[1], "futex")) {
        static zx_futex_t f;
        zx_futex_wait(&f, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
        return 103;
    }
    if (argc >= 2 && !strcmp(argv[1], "exec")) {
        zx_handle_t vmo, x;
        if (zx_vmo_create(4096, 0, &vmo) != ZX_OK) return 104;
        zx_status_t st = zx_vmo_replace_as_executable(vmo, ZX_HANDLE_INVALID, &x);
        return st == ZX_OK ? 0 : -st;
    }
    if (argc >= 2 && !strcmp(argv[1], "thrd-overflow")) {
        thrd_t t;
        if (thrd_create(&t, overflow, NULL) != thrd_success) return 104;
        thrd_join(t, NULL);
        return 105;
    }
    if (argc >= 2 && !strcmp(argv[1], "thrd-exit")) {
        thrd_t t;
        atexit(exit_42);
        if (thrd_create(&t, sleep_then_return, NULL) != thrd_success) return 106;
        thrd_exit(3);
    }
    if (argc >= 2 && !strcmp(argv[1], "sleep")) {
        zx_nanosleep(ZX_TIME_INFINITE);
        return 102;
    }
    return 99;
}
