// smp-stress: several processes with several threads each, hammering the
// kernel at once so that every hart runs kernel code against the others.
//
//   smp-stress [ROUNDS]          the controller (run by init): starts
//                                WORKERS worker processes and a victim, kills
//                                the victim while its threads run, waits for
//                                the workers and prints the kernel's
//                                counters; returns the number of failures
//   smp-stress worker ID ROUNDS  THREADS threads doing, ROUNDS times each:
//       - VMO churn: create, write, read back, snapshot, write the parent,
//         check the snapshot kept the old contents, close;
//       - copy-on-write under snapshots: each thread owns a page of a VMO
//         mapped in the process; it snapshots the whole VMO, writes its page
//         through the mapping and checks the snapshot still has the old value
//         (a stale writable TLB entry on any hart would leak the write into
//         the snapshot);
//       - a mapper thread unmaps, remaps and re-protects one mapping while
//         the others copy through it with zx_vmo_read/zx_vmo_write (OK or
//         ZX_ERR_INVALID_ARGS, never a crash or a hang);
//       - handles: duplicate/close, and VMO handles sent through a channel
//         from one thread to another (every one arrives, and is closed);
//       - a futex mutex (mtx_t) around a shared counter: the final count is
//         exact.
//   smp-stress victim            threads that spin, counting in a VMO,
//                                until the controller kills the process
//
// init's leak check around the controller shows the kernel's counters
// (pages, objects, heap, futex waiters) back where they started.
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zxrv/kstats.h>
#include <zxrv/launch.h>
#include <zxrv/testutil.h>

#define WORKERS 3
#define THREADS 6  // per worker: 4 general, 1 mapper, 1 channel reader
#define GENERAL 4
#define VICTIM_THREADS 4
#define PG 4096u

static atomic_int failures;

#define CHECK(cond, ...)                                             \
    do {                                                             \
        if (!(cond)) {                                               \
            atomic_fetch_add(&failures, 1);                          \
            printf("smp-stress: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            printf(__VA_ARGS__);                                     \
            printf("\n");                                            \
        }                                                            \
    } while (0)

// ---------------------------------------------------------------------------
// Worker process.

static int rounds;
static zx_handle_t shared_vmo;      // GENERAL pages, one per general thread
static volatile uint64_t *shared;   // its mapping (stable)
static zx_handle_t toggled_vmo;     // mapped, unmapped and re-protected by the mapper
static _Atomic uintptr_t toggled;   // where it is mapped now (or was last)
static atomic_bool stop_mapper;
static zx_handle_t chan[2];
static atomic_int handles_sent;
static mtx_t counter_lock;
static uint64_t counter;  // guarded by counter_lock

static void vmo_churn(int id, int r) {
    zx_handle_t v, snap;
    uint64_t val = ((uint64_t)id << 32) | (uint64_t)r, got = 0;
    zx_status_t st = zx_vmo_create(4 * PG, 0, &v);
    CHECK(st == ZX_OK, "vmo_create: %d", st);
    if (st != ZX_OK) return;
    CHECK(zx_vmo_write(v, &val, 2 * PG + 8, sizeof val) == ZX_OK, "write");
    CHECK(zx_vmo_read(v, &got, 2 * PG + 8, sizeof got) == ZX_OK && got == val, "read back %" PRIx64, got);
    st = zx_vmo_create_child(v, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PG, &snap);
    CHECK(st == ZX_OK, "snapshot: %d", st);
    if (st == ZX_OK) {
        uint64_t other = ~val;
        CHECK(zx_vmo_write(v, &other, 2 * PG + 8, sizeof other) == ZX_OK, "write parent");
        got = 0;
        CHECK(zx_vmo_read(snap, &got, 2 * PG + 8, sizeof got) == ZX_OK && got == val,
              "snapshot saw a later parent write: %" PRIx64, got);
        zx_handle_close(snap);
    }
    zx_handle_close(v);
}

static void cow_under_snapshot(int id, int r) {
    volatile uint64_t *mine = shared + (size_t)id * (PG / 8);
    uint64_t before = *mine;
    zx_handle_t snap;
    zx_status_t st = zx_vmo_create_child(shared_vmo, ZX_VMO_CHILD_SNAPSHOT, 0, GENERAL * PG, &snap);
    CHECK(st == ZX_OK, "snapshot of the shared VMO: %d", st);
    if (st != ZX_OK) return;
    *mine = before + 1;  // a copy-on-write fault (the page is shared now)
    uint64_t in_snap = 0;
    CHECK(zx_vmo_read(snap, &in_snap, (uint64_t)id * PG, sizeof in_snap) == ZX_OK, "read snapshot");
    CHECK(in_snap == before, "thread %d round %d: snapshot has %" PRIu64 ", want %" PRIu64 " (a write after the "
          "snapshot reached it)", id, r, in_snap, before);
    CHECK(*mine == before + 1, "own write lost");
    zx_handle_close(snap);
}

static void copy_through_toggled(void) {
    uintptr_t a = atomic_load(&toggled);
    char buf[64];
    memset(buf, 0x5a, sizeof buf);
    zx_status_t st = zx_vmo_write(shared_vmo, (const void *)a, GENERAL * PG - 64, 64);
    CHECK(st == ZX_OK || st == ZX_ERR_INVALID_ARGS, "vmo_write from the toggled mapping: %d", st);
    st = zx_vmo_read(toggled_vmo, (void *)a, 0, 64);  // the kernel writes into the mapping
    CHECK(st == ZX_OK || st == ZX_ERR_INVALID_ARGS, "vmo_read into the toggled mapping: %d", st);
}

static void handles_churn(void) {
    zx_handle_t v, d;
    if (zx_vmo_create(PG, 0, &v) != ZX_OK) {
        CHECK(0, "vmo_create");
        return;
    }
    CHECK(zx_handle_duplicate(v, ZX_RIGHT_SAME_RIGHTS, &d) == ZX_OK, "duplicate");
    zx_handle_close(d);
    zx_status_t st = zx_channel_write(chan[0], 0, "h", 1, &v, 1);  // moves v
    CHECK(st == ZX_OK, "channel_write: %d", st);
    if (st == ZX_OK) atomic_fetch_add(&handles_sent, 1);
}

static int general_thread(void *arg) {
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < rounds; r++) {
        vmo_churn(id, r);
        cow_under_snapshot(id, r);
        copy_through_toggled();
        handles_churn();
        for (int k = 0; k < 10; k++) {
            mtx_lock(&counter_lock);
            counter++;
            mtx_unlock(&counter_lock);
        }
    }
    return 0;
}

static int mapper_thread(void *arg) {
    (void)arg;
    const zx_vm_option_t rw = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE;
    for (unsigned i = 0; !atomic_load(&stop_mapper); i++) {
        uintptr_t a = atomic_load(&toggled);
        switch (i % 3) {
        case 0: CHECK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, a, PG) == ZX_OK, "protect RO"); break;
        case 1: CHECK(zx_vmar_protect(zx_vmar_root_self(), rw, a, PG) == ZX_OK, "protect RW"); break;
        case 2: {
            CHECK(zx_vmar_unmap(zx_vmar_root_self(), a, PG) == ZX_OK, "unmap");
            zx_vaddr_t n = 0;
            zx_status_t st = zx_vmar_map(zx_vmar_root_self(), rw, 0, toggled_vmo, 0, PG, &n);
            CHECK(st == ZX_OK, "remap: %d", st);
            if (st == ZX_OK) atomic_store(&toggled, n);
            break;
        }
        }
        thrd_yield();
    }
    return 0;
}

static int reader_thread(void *arg) {
    int want = *(int *)arg, got = 0;
    while (got < want) {
        zx_signals_t seen;
        zx_status_t st = zx_object_wait_one(chan[1], ZX_CHANNEL_READABLE, zx_deadline_after(ZX_SEC(20)), &seen);
        if (st != ZX_OK) {
            CHECK(0, "channel reader: %d after %d of %d handles", st, got, want);
            return 1;
        }
        char b;
        zx_handle_t h;
        uint32_t nb, nh;
        if (zx_channel_read(chan[1], 0, &b, &h, 1, 1, &nb, &nh) == ZX_OK) {
            CHECK(nh == 1, "a message without its handle");
            if (nh == 1) zx_handle_close(h);
            got++;
        }
    }
    return 0;
}

static int worker(int id) {
    zx_vaddr_t a;
    CHECK(mtx_init(&counter_lock, mtx_plain) == thrd_success, "mtx_init");
    if (zx_vmo_create(GENERAL * PG, 0, &shared_vmo) != ZX_OK || zx_vmo_create(PG, 0, &toggled_vmo) != ZX_OK ||
        zx_channel_create(0, &chan[0], &chan[1]) != ZX_OK)
        return 100;
    const zx_vm_option_t rw = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE;
    if (zx_vmar_map(zx_vmar_root_self(), rw, 0, shared_vmo, 0, GENERAL * PG, &a) != ZX_OK) return 101;
    shared = (volatile uint64_t *)a;
    if (zx_vmar_map(zx_vmar_root_self(), rw, 0, toggled_vmo, 0, PG, &a) != ZX_OK) return 102;
    atomic_store(&toggled, a);

    thrd_t t[THREADS];
    int want = GENERAL * rounds;
    int started = 0;
    for (int i = 0; i < GENERAL; i++)
        if (thrd_create(&t[started], general_thread, (void *)(intptr_t)i) == thrd_success) started++;
    CHECK(started == GENERAL, "started %d general threads", started);
    thrd_t mapper, reader;
    bool have_mapper = thrd_create(&mapper, mapper_thread, NULL) == thrd_success;
    bool have_reader = thrd_create(&reader, reader_thread, &want) == thrd_success;
    CHECK(have_mapper && have_reader, "mapper/reader threads");
    for (int i = 0; i < started; i++) thrd_join(t[i], NULL);
    atomic_store(&stop_mapper, true);
    if (have_mapper) thrd_join(mapper, NULL);
    if (have_reader && started == GENERAL) thrd_join(reader, NULL);
    CHECK(counter == (uint64_t)started * (uint64_t)rounds * 10, "counter %" PRIu64 ", want %d", counter,
          started * rounds * 10);
    CHECK(atomic_load(&handles_sent) == started * rounds, "handles sent %d", atomic_load(&handles_sent));
    int f = atomic_load(&failures);
    printf("smp-stress: worker %d: %d threads x %d rounds, counter %" PRIu64 ", %d failures\n", id, started + 2,
           rounds, counter, f);
    return f;
}

// ---------------------------------------------------------------------------
// Victim process: spins on VICTIM_THREADS threads, each counting in its own
// word of the VMO it was given, until killed.

static volatile uint64_t *victim_counts;

static int victim_thread(void *arg) {
    volatile uint64_t *c = victim_counts + (intptr_t)arg;
    for (;;) (*c)++;
    return 0;
}

static int victim(void) {
    zx_handle_t vmo = zx_take_startup_handle(PA_HND(PA_USER0, 0));
    zx_vaddr_t a;
    if (vmo == ZX_HANDLE_INVALID ||
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, PG, &a) != ZX_OK)
        return 1;
    victim_counts = (volatile uint64_t *)a;
    for (intptr_t i = 1; i < VICTIM_THREADS; i++) {
        thrd_t t;
        if (thrd_create(&t, victim_thread, (void *)i) != thrd_success) return 2;
    }
    victim_thread((void *)0);
    return 3;
}

// ---------------------------------------------------------------------------
// Controller.

static zx_handle_t launch(void *elf, size_t len, int argc, const char **argv, zx_handle_t give) {
    zx_handle_t proc = ZX_HANDLE_INVALID;
    uint32_t tag = PA_HND(PA_USER0, 0);
    zx_status_t st = zxrv_launch(zx_job_default(), "smp-stress", elf, len, argc, argv, &tag, &give,
                                 give == ZX_HANDLE_INVALID ? 0 : 1, &proc);
    CHECK(st == ZX_OK, "launch %s: %d", argv[1], st);
    return proc;
}

static void kill_victim(void *elf, size_t len) {
    zx_handle_t vmo, dup;
    zx_vaddr_t a;
    if (zx_vmo_create(PG, 0, &vmo) != ZX_OK || zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup) != ZX_OK ||
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, PG, &a) != ZX_OK) {
        CHECK(0, "victim setup");
        return;
    }
    volatile uint64_t *c = (volatile uint64_t *)a;
    const char *argv[] = {"smp-stress", "victim"};
    zx_handle_t p = launch(elf, len, 2, argv, dup);
    if (p == ZX_HANDLE_INVALID) return;
    // Wait (bounded) until every victim thread has counted: they all run.
    zx_time_t give_up = zx_deadline_after(ZX_SEC(30));
    for (;;) {
        bool all = true;
        for (int i = 0; i < VICTIM_THREADS; i++) all = all && c[i] != 0;
        if (all || zx_clock_get_monotonic() > give_up) break;
        zx_nanosleep(zx_deadline_after(ZX_MSEC(1)));
    }
    for (int i = 0; i < VICTIM_THREADS; i++) CHECK(c[i] != 0, "victim thread %d never ran", i);
    CHECK(zx_task_kill(p) == ZX_OK, "kill");
    zx_status_t st = zx_object_wait_one(p, ZX_PROCESS_TERMINATED, zx_deadline_after(ZX_SEC(30)), NULL);
    CHECK(st == ZX_OK, "the killed victim did not terminate: %d", st);
    // No thread of a dead process runs user code: the counts stand still.
    uint64_t snap[VICTIM_THREADS];
    for (int i = 0; i < VICTIM_THREADS; i++) snap[i] = c[i];
    zx_nanosleep(zx_deadline_after(ZX_MSEC(20)));
    for (int i = 0; i < VICTIM_THREADS; i++)
        CHECK(c[i] == snap[i], "victim thread %d still ran after its process died", i);
    zx_handle_close(p);
    zx_vmar_unmap(zx_vmar_root_self(), a, PG);
    zx_handle_close(vmo);
}

static int controller(int n_rounds) {
    size_t len;
    void *elf = zxrv_load_program("smp-stress", &len);
    if (!elf) {
        printf("smp-stress: cannot read myself from the boot archive\n");
        return 1;
    }
    zxrv_kernel_stats_t k0, k1;
    bool stats = zxrv_kernel_stats(&k0) == ZX_OK;
    char rbuf[16];
    snprintf(rbuf, sizeof rbuf, "%d", n_rounds);
    zx_handle_t w[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        char id[8];
        snprintf(id, sizeof id, "%d", i);
        const char *argv[] = {"smp-stress", "worker", id, rbuf};
        w[i] = launch(elf, len, 4, argv, ZX_HANDLE_INVALID);
    }
    kill_victim(elf, len);
    for (int i = 0; i < WORKERS; i++) {
        if (w[i] == ZX_HANDLE_INVALID) continue;
        int64_t rc = zxrv_wait_exit(w[i]);
        CHECK(rc == 0, "worker %d returned %" PRId64, i, rc);
        zx_handle_close(w[i]);
    }
    free(elf);
    if (stats && zxrv_kernel_stats(&k1) == ZX_OK)
        printf("smp-stress: %" PRIu64 " harts, %" PRIu64 " context switches, %" PRIu64 " migrations, %" PRIu64
               " IPIs, %" PRIu64 " ASID rollovers, %" PRIu64 " page faults\n",
               k1.harts_online, k1.context_switches - k0.context_switches, k1.migrations - k0.migrations,
               k1.ipis - k0.ipis, k1.asid_rollovers - k0.asid_rollovers, k1.page_faults - k0.page_faults);
    int f = atomic_load(&failures);
    printf("smp-stress: %d processes, %d failures\n", WORKERS + 1, f);
    return f;
}

int main(int argc, char **argv) {
    if (argc >= 4 && !strcmp(argv[1], "worker")) {
        rounds = atoi(argv[3]);
        return worker(atoi(argv[2]));
    }
    if (argc >= 2 && !strcmp(argv[1], "victim")) return victim();
    return controller(argc >= 2 ? atoi(argv[1]) : 40);
}
