// bench-smp: what several harts cost each other.
//
//   bench-smp ops [THREADS]   under -icount (tools/run --icount): the
//       operations of bench.c's table run on THREADS threads at once (one
//       per hart), each counting its own hart's instructions with rdinstret;
//       prints the median over measurement windows of the per-hart,
//       per-operation count (a window in which the thread migrated is an
//       outlier, hence the median). Compare with bench's single-hart figures.
//   bench-smp speedup [THREADS]   without -icount, under multi-threaded
//       TCG: the same CPU-bound work on one thread, then on THREADS threads
//       at once (each doing that much); prints the elapsed guest time of
//       both (zx_clock_get_monotonic) and the speedup THREADS * t1 / tN.
// Figures are printed, never asserted (tools/test reports them).
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/kstats.h>
#include <zxrv/testutil.h>

#define MAX_THREADS 16
#define WINDOWS 21
#define PER_WINDOW 200

static inline uint64_t instret(void) {
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static int nthreads;
static atomic_int ready, go;

// Everyone starts together, so the operations really overlap.
static void start_line(void) {
    atomic_fetch_add(&ready, 1);
    while (!atomic_load(&go)) thrd_yield();
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

enum op { OP_VMO_CREATE, OP_HANDLE_DUP, OP_DEMAND_ZERO, OP_SNAPSHOT, OP_COUNT };
static const char *const op_names[OP_COUNT] = {
    "zx_vmo_create(4096) + zx_handle_close",
    "zx_handle_duplicate + zx_handle_close",
    "demand-zero page fault",
    "zx_vmo_create_child snapshot (1 committed page) + close",
};

struct job {
    enum op op;
    uint64_t median;  // instructions per operation on this thread's hart
};

static int run_op(void *arg) {
    struct job *j = arg;
    uint64_t w[WINDOWS];
    zx_handle_t vmo = ZX_HANDLE_INVALID, h;
    zx_vaddr_t addr = 0;
    const uint64_t map_len = (uint64_t)WINDOWS * PER_WINDOW * 4096;
    if (j->op == OP_HANDLE_DUP || j->op == OP_SNAPSHOT) {
        zx_vmo_create(4096, 0, &vmo);
        zx_vmo_write(vmo, "x", 0, 1);
    }
    if (j->op == OP_DEMAND_ZERO) {
        zx_vmo_create(map_len, 0, &vmo);
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, map_len, &addr);
    }
    start_line();
    for (int k = 0; k < WINDOWS; k++) {
        uint64_t t0 = instret();
        for (int i = 0; i < PER_WINDOW; i++) {
            switch (j->op) {
            case OP_VMO_CREATE:
                zx_vmo_create(4096, 0, &h);
                zx_handle_close(h);
                break;
            case OP_HANDLE_DUP:
                zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &h);
                zx_handle_close(h);
                break;
            case OP_DEMAND_ZERO:
                *(volatile char *)(addr + ((uint64_t)k * PER_WINDOW + (uint64_t)i) * 4096) = 1;
                break;
            case OP_SNAPSHOT:
                if (zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &h) == ZX_OK) zx_handle_close(h);
                break;
            default:
                break;
            }
        }
        w[k] = (instret() - t0) / PER_WINDOW;
    }
    qsort(w, WINDOWS, sizeof w[0], cmp_u64);
    j->median = w[WINDOWS / 2];
    if (addr) zx_vmar_unmap(zx_vmar_root_self(), addr, map_len);
    if (vmo != ZX_HANDLE_INVALID) zx_handle_close(vmo);
    return 0;
}

static int bench_ops(void) {
    for (int op = 0; op < OP_COUNT; op++) {
        struct job jobs[MAX_THREADS];
        thrd_t t[MAX_THREADS];
        int started = 0;
        atomic_store(&ready, 0);
        atomic_store(&go, 0);
        for (int i = 0; i < nthreads; i++) {
            jobs[i] = (struct job){(enum op)op, 0};
            if (thrd_create(&t[started], run_op, &jobs[i]) == thrd_success) started++;
        }
        while (atomic_load(&ready) < started) thrd_yield();
        atomic_store(&go, 1);
        uint64_t worst = 0, sum = 0;
        for (int i = 0; i < started; i++) {
            thrd_join(t[i], NULL);
            sum += jobs[i].median;
            if (jobs[i].median > worst) worst = jobs[i].median;
        }
        if (started != nthreads) {
            printf("bench-smp: only %d of %d threads started\n", started, nthreads);
            return 1;
        }
        zxrv_kernel_stats_t ks;
        unsigned harts = zxrv_kernel_stats(&ks) == ZX_OK ? (unsigned)ks.harts_online : 0;
        printf("bench: %d threads on %u harts at once: %s: %" PRIu64
               " instructions per thread (mean of medians; worst %" PRIu64 ")\n",
               nthreads, harts, op_names[op], sum / (uint64_t)started, worst);
    }
    return 0;
}

// CPU-bound work: an LCG, nothing the kernel is involved in.
#define WORK 300000000u
static int spin_work(void *arg) {
    uint64_t x = (uintptr_t)arg | 1;
    start_line();
    for (uint32_t i = 0; i < WORK; i++) x = x * 6364136223846793005ull + 1442695040888963407ull;
    *(volatile uint64_t *)arg = x;
    return 0;
}

static zx_duration_t timed_run(int n) {
    thrd_t t[MAX_THREADS];
    static uint64_t out[MAX_THREADS];
    int started = 0;
    atomic_store(&ready, 0);
    atomic_store(&go, 0);
    for (int i = 0; i < n; i++)
        if (thrd_create(&t[started], spin_work, &out[i]) == thrd_success) started++;
    while (atomic_load(&ready) < started) thrd_yield();
    zx_time_t t0 = zx_clock_get_monotonic();
    atomic_store(&go, 1);
    for (int i = 0; i < started; i++) thrd_join(t[i], NULL);
    return started == n ? zx_clock_get_monotonic() - t0 : -1;
}

static int bench_speedup(void) {
    zx_duration_t one = timed_run(1), many = timed_run(nthreads);
    if (one <= 0 || many <= 0) {
        printf("bench-smp: threads did not start\n");
        return 1;
    }
    uint64_t x100 = (uint64_t)nthreads * (uint64_t)one * 100 / (uint64_t)many;
    printf("bench: parallel speedup, %d CPU-bound threads on %d harts: 1 thread %" PRId64 " ms, %d threads %" PRId64
           " ms (each as much work): %" PRIu64 ".%02" PRIu64 "x\n",
           nthreads, nthreads, one / 1000000, nthreads, many / 1000000, x100 / 100, x100 % 100);
    return 0;
}

int main(int argc, char **argv) {
    nthreads = argc >= 3 ? atoi(argv[2]) : 4;
    if (nthreads < 1 || nthreads > MAX_THREADS) nthreads = 4;
    if (argc >= 2 && !strcmp(argv[1], "speedup")) return bench_speedup();
    if (argc >= 2 && !strcmp(argv[1], "ops")) return bench_ops();
    printf("usage: bench-smp ops|speedup [THREADS]\n");
    return 2;
}
