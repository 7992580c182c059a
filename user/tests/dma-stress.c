// dma-stress: threads on every hart pin, unpin, quarantine and release
// ranges of shared VMOs through one BTI while others decommit, zero,
// commit, write, snapshot and resize those VMOs, all at once, for ROUNDS
// operations each:
//   - a 64-page VMO, a slice of it, a resizable VMO and a contiguous VMO;
//   - a table of PMT slots: a pin puts its PMT in a slot, and the PMT it
//     displaces is unpinned, or closed without unpin (quarantined);
//   - a release thread calls zx_bti_release_quarantine now and then;
//   - every worker also holds a pin of its own range and pins that range
//     again now and then: while the first pin lasts, the pages must not
//     have moved (same physical addresses), whatever the others do;
//   - every status seen is one Zircon allows for the race (OK, BAD_STATE
//     for decommits, snapshots and shrinks over pinned pages and pins
//     while the quarantine is not empty, NOT_SUPPORTED for a decommit while
//     a snapshot is alive, OUT_OF_RANGE for pins past a shrunk VMO);
//     anything else is a failure.
// Then a victim process (dma-stress victim) pins pages of a paged and a
// contiguous VMO, quarantines some PMTs, maps the VMOs, and is killed with
// all of it outstanding: the kernel's objects, heap and pages must be back
// where they were (checked here, twice, and by init's leak check).
//
//   dma-stress [ROUNDS]   default 2000
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/kstats.h>
#include <zxrv/launch.h>
#include <zxrv/testutil.h>

#define PAGE 4096ull
#define VPAGES 64
#define CPAGES 16
#define SLOTS 16
#define WORKERS 4

static zx_handle_t bti, iommu, vmo, slice, rvmo, contig;
static atomic_uint slots[SLOTS];
static atomic_bool running = true;
static atomic_int failures;
static atomic_ulong ops, pins, quarantined, releases, moved_checks;
static int rounds = 2000;

static void bad(const char *what, zx_status_t st) {
    atomic_fetch_add(&failures, 1);
    printf("dma-stress: %s: unexpected %d\n", what, st);
}

static void allow(const char *what, zx_status_t st, zx_status_t a, zx_status_t b) {
    if (st == ZX_OK || st == a || st == b) return;
    bad(what, st);
}

static uint32_t rnd(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static zx_status_t iommu_resource(zx_handle_t *out) {
    return zx_resource_create(zxrv_root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1, "iommu", 5,
                              out);
}

// An IOMMU and a BTI from an IOMMU resource (consumed).
static zx_status_t make_bti_from(zx_handle_t rsrc, zx_handle_t *io, zx_handle_t *b) {
    zx_iommu_desc_dummy_t desc = {0};
    zx_status_t st = zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof desc, io);
    zx_handle_close(rsrc);
    if (st == ZX_OK) st = zx_bti_create(*io, 0, 7, b);
    return st;
}

// Drop the PMT that was in a slot: unpin it, or (one time in 16) close
// it without unpinning, which quarantines it.
static void drop_pmt(zx_handle_t p, uint32_t *s) {
    if (p == ZX_HANDLE_INVALID) return;
    if (rnd(s) % 16 == 0) {
        allow("close pmt", zx_handle_close(p), ZX_OK, ZX_OK);
        atomic_fetch_add(&quarantined, 1);
        if (rnd(s) & 1) {  // the driver stops its device and releases at once
            allow("release_quarantine", zx_bti_release_quarantine(bti), ZX_OK, ZX_OK);
            atomic_fetch_add(&releases, 1);
        }
    } else {
        allow("unpin", zx_pmt_unpin(p), ZX_OK, ZX_OK);
    }
}

static void pin_into_slot(zx_handle_t target, uint64_t pages, uint32_t *s) {
    uint64_t n = 1 + rnd(s) % 8, first = rnd(s) % pages;
    if (first + n > pages) n = pages - first;
    zx_paddr_t addrs[8];
    zx_handle_t p;
    uint32_t perms = (rnd(s) & 1) ? ZX_BTI_PERM_READ : ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE;
    zx_status_t st = zx_bti_pin(bti, perms, target, first * PAGE, n * PAGE, addrs, n, &p);
    // BAD_STATE: the quarantine is not empty; OUT_OF_RANGE: the resizable VMO shrank.
    allow("pin", st, ZX_ERR_BAD_STATE, ZX_ERR_OUT_OF_RANGE);
    if (st != ZX_OK) return;
    atomic_fetch_add(&pins, 1);
    drop_pmt(atomic_exchange(&slots[rnd(s) % SLOTS], p), s);
}

static int worker(void *arg) {
    uint32_t s = (uint32_t)(uintptr_t)arg * 2654435761u;
    // This worker's own pin: 4 pages of the big VMO that must stay put.
    uint64_t mine = ((uintptr_t)arg % 8) * 8;
    zx_paddr_t held[4], again[4];
    zx_handle_t held_pmt = ZX_HANDLE_INVALID;
    for (int r = 0; r < rounds; r++) {
        atomic_fetch_add(&ops, 1);
        if (held_pmt == ZX_HANDLE_INVALID) {
            zx_status_t st = zx_bti_pin(bti, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE, vmo, mine * PAGE, 4 * PAGE, held, 4,
                                        &held_pmt);
            allow("pin own range", st, ZX_ERR_BAD_STATE, ZX_ERR_BAD_STATE);
            if (st != ZX_OK) held_pmt = ZX_HANDLE_INVALID;
        }
        uint64_t off = (rnd(&s) % VPAGES) * PAGE, len = (1 + rnd(&s) % 8) * PAGE;
        if (off + len > VPAGES * PAGE) len = VPAGES * PAGE - off;
        zx_handle_t h;
        uint32_t v = r;
        switch (rnd(&s) % 12) {
        case 0: pin_into_slot(vmo, VPAGES, &s); break;
        case 1: pin_into_slot(slice, VPAGES / 2, &s); break;
        case 2: pin_into_slot(contig, CPAGES, &s); break;
        case 3: pin_into_slot(rvmo, VPAGES, &s); break;
        case 4: drop_pmt(atomic_exchange(&slots[rnd(&s) % SLOTS], ZX_HANDLE_INVALID), &s); break;
        case 5:  // pinned pages are never decommitted (NOT_SUPPORTED: a snapshot of it is alive)
            allow("decommit", zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, off, len, NULL, 0), ZX_ERR_BAD_STATE,
                  ZX_ERR_NOT_SUPPORTED);
            break;
        case 6: allow("zero", zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, off, len, NULL, 0), ZX_OK, ZX_OK); break;
        case 7:
            allow("commit", zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, off, len, NULL, 0), ZX_OK, ZX_OK);
            allow("write", zx_vmo_write(vmo, &v, off, sizeof v), ZX_OK, ZX_OK);
            break;
        case 8: {  // no snapshot over pinned pages
            zx_status_t st = zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, off, len, &h);
            allow("snapshot", st, ZX_ERR_BAD_STATE, ZX_ERR_BAD_STATE);
            if (st == ZX_OK) {
                allow("write snapshot", zx_vmo_write(h, &v, 0, sizeof v), ZX_OK, ZX_OK);
                zx_handle_close(h);
            }
            break;
        }
        case 9:  // no shrinking over pinned pages
            allow("set_size", zx_vmo_set_size(rvmo, (rnd(&s) % (VPAGES + 1)) * PAGE), ZX_ERR_BAD_STATE,
                  ZX_ERR_BAD_STATE);
            break;
        case 10: {  // a short-lived contiguous VMO, pinned, closed pinned or not
            zx_handle_t c, p;
            zx_paddr_t a;
            zx_status_t st = zx_vmo_create_contiguous(bti, 2 * PAGE, 0, &c);
            allow("create_contiguous", st, ZX_ERR_NO_MEMORY, ZX_ERR_NO_MEMORY);
            if (st != ZX_OK) break;
            st = zx_bti_pin(bti, ZX_BTI_PERM_READ | ZX_BTI_CONTIGUOUS, c, 0, 2 * PAGE, &a, 1, &p);
            allow("pin contiguous", st, ZX_ERR_BAD_STATE, ZX_ERR_BAD_STATE);
            zx_handle_close(c);
            if (st == ZX_OK) drop_pmt(p, &s);
            break;
        }
        case 11:  // the held range, pinned again, is where it was
            if (held_pmt != ZX_HANDLE_INVALID) {
                zx_handle_t p;
                zx_status_t st = zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, mine * PAGE, 4 * PAGE, again, 4, &p);
                allow("pin again", st, ZX_ERR_BAD_STATE, ZX_ERR_BAD_STATE);
                if (st == ZX_OK) {
                    if (memcmp(held, again, sizeof held)) bad("pinned pages moved", ZX_ERR_INTERNAL);
                    atomic_fetch_add(&moved_checks, 1);
                    zx_pmt_unpin(p);
                }
                if (rnd(&s) % 8 == 0) {
                    zx_pmt_unpin(held_pmt);
                    held_pmt = ZX_HANDLE_INVALID;
                }
            }
            break;
        }
    }
    if (held_pmt != ZX_HANDLE_INVALID) zx_pmt_unpin(held_pmt);
    return 0;
}

static int releaser(void *arg) {
    (void)arg;
    while (atomic_load(&running)) {
        allow("release_quarantine", zx_bti_release_quarantine(bti), ZX_OK, ZX_OK);
        atomic_fetch_add(&releases, 1);
        zx_nanosleep(zx_deadline_after(ZX_USEC(200)));
    }
    return 0;
}

// ---- the victim: pins, quarantined PMTs and mappings outstanding, then killed ----

static int victim_spinner(void *arg) {
    volatile uint32_t *p = arg;
    for (;;) p[0]++;
    return 0;
}

static int victim(void) {
    zx_handle_t ch = zx_take_startup_handle(PA_HND(PA_USER0, 0));
    zx_handle_t io, b, v, c, p;
    if (make_bti_from(zx_take_startup_handle(PA_HND(PA_USER1, 0)), &io, &b) != ZX_OK) return 1;
    if (zx_vmo_create(32 * PAGE, 0, &v) != ZX_OK || zx_vmo_create_contiguous(b, 8 * PAGE, 0, &c) != ZX_OK) return 1;
    zx_paddr_t a[8];
    for (int i = 0; i < 4; i++)  // held pins
        if (zx_bti_pin(b, ZX_BTI_PERM_READ | ZX_BTI_PERM_WRITE, v, i * 8 * PAGE, 8 * PAGE, a, 8, &p) != ZX_OK) return 1;
    if (zx_bti_pin(b, ZX_BTI_PERM_READ, c, 0, 8 * PAGE, a, 8, &p) != ZX_OK) return 1;
    zx_handle_t q;
    if (zx_bti_pin(b, ZX_BTI_PERM_READ, c, 0, 4 * PAGE, a, 4, &q) != ZX_OK) return 1;
    zx_handle_close(q);  // quarantined
    zx_vaddr_t m1, m2;
    if (zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, v, 0, 32 * PAGE, &m1) != ZX_OK ||
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, c, 0, 8 * PAGE, &m2) != ZX_OK)
        return 1;
    thrd_t t;
    thrd_create(&t, victim_spinner, (void *)m1);
    thrd_create(&t, victim_spinner, (void *)m2);
    zx_channel_write(ch, 0, "ready", 5, NULL, 0);
    for (;;) zx_nanosleep(ZX_TIME_INFINITE);
}

// Pages free or held ready by the kernel heap's slabs: what init's leak
// check counts too (a slab page kept for reuse is no leak).
static uint64_t pages_of(const zxrv_kernel_stats_t *s) { return s->free_pages + s->slab_pages; }

static void run_victim(void *elf, size_t len, bool check_pages) {
    zxrv_kernel_stats_t before, after;
    // Settle first: threads that exited earlier (ours, a previous victim's)
    // are reaped a moment later; wait until two readings 20 ms apart agree.
    if (zxrv_kernel_stats(&before) != ZX_OK) bad("stats", ZX_ERR_INTERNAL);
    for (int i = 0; i < 50; i++) {
        zx_nanosleep(zx_deadline_after(ZX_MSEC(20)));
        if (zxrv_kernel_stats(&after) != ZX_OK) bad("stats", ZX_ERR_INTERNAL);
        bool same = pages_of(&after) == pages_of(&before) && after.live_objects == before.live_objects &&
                    after.heap_blocks == before.heap_blocks;
        before = after;
        if (same) break;
    }
    zx_handle_t ch, handles[2], proc;
    if (zx_channel_create(0, &ch, &handles[0]) != ZX_OK || iommu_resource(&handles[1]) != ZX_OK) {
        bad("channel", ZX_ERR_INTERNAL);
        return;
    }
    const char *argv[] = {"dma-stress", "victim"};
    uint32_t tags[2] = {PA_HND(PA_USER0, 0), PA_HND(PA_USER1, 0)};
    zx_status_t st = zxrv_launch(zx_job_default(), "dma-stress-victim", elf, len, 2, argv, tags, handles, 2, &proc);
    if (st != ZX_OK) {
        bad("launch victim", st);
        zx_handle_close(ch);
        return;
    }
    zx_signals_t seen = 0;
    st = zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, zx_deadline_after(ZX_SEC(30)), &seen);
    if (st != ZX_OK || !(seen & ZX_CHANNEL_READABLE)) bad("victim ready", st);
    zx_nanosleep(zx_deadline_after(ZX_MSEC(20)));  // its threads run on other harts
    if ((st = zx_task_kill(proc)) != ZX_OK) bad("task_kill", st);
    if ((st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, zx_deadline_after(ZX_SEC(30)), NULL)) != ZX_OK)
        bad("victim terminated", st);
    zx_handle_close(proc);
    zx_handle_close(ch);
    // A dead process's last thread is reaped a moment after TERMINATED is
    // asserted (its kernel stack goes once no hart runs on it): poll up to a
    // second for the counters to come back, as Zircon's tests poll.
    for (int i = 0; i < 100; i++) {
        if (zxrv_kernel_stats(&after) != ZX_OK) bad("stats", ZX_ERR_INTERNAL);
        if (after.live_objects == before.live_objects && after.heap_blocks == before.heap_blocks &&
            (!check_pages || pages_of(&after) >= pages_of(&before)))
            break;
        zx_nanosleep(zx_deadline_after(ZX_MSEC(10)));
    }
    printf("dma-stress: victim killed with 5 pins, a quarantined PMT and 2 mappings: objects %lu -> %lu, heap "
           "blocks %lu -> %lu, free and slab pages %lu -> %lu\n", (unsigned long)before.live_objects,
           (unsigned long)after.live_objects, (unsigned long)before.heap_blocks, (unsigned long)after.heap_blocks,
           (unsigned long)pages_of(&before), (unsigned long)pages_of(&after));
    if (after.live_objects != before.live_objects) bad("victim left objects", ZX_ERR_INTERNAL);
    if (after.heap_blocks != before.heap_blocks) bad("victim left heap blocks", ZX_ERR_INTERNAL);
    // Fewer pages than before is a leak; more is an earlier exit's stack reaped meanwhile
    // (init's exact check after the program covers every page).
    if (check_pages && pages_of(&after) < pages_of(&before)) bad("victim left pages", ZX_ERR_INTERNAL);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "victim")) return victim();
    if (argc > 1) rounds = atoi(argv[1]);
    zx_handle_t rsrc;
    if (iommu_resource(&rsrc) != ZX_OK || make_bti_from(rsrc, &iommu, &bti) != ZX_OK) return 1;
    if (zx_vmo_create(VPAGES * PAGE, 0, &vmo) != ZX_OK ||
        zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, VPAGES / 4 * PAGE, VPAGES / 2 * PAGE, &slice) != ZX_OK ||
        zx_vmo_create(VPAGES * PAGE, ZX_VMO_RESIZABLE, &rvmo) != ZX_OK ||
        zx_vmo_create_contiguous(bti, CPAGES * PAGE, 0, &contig) != ZX_OK)
        return 1;
    thrd_t w[WORKERS], rel;
    for (int i = 0; i < WORKERS; i++) thrd_create(&w[i], worker, (void *)(uintptr_t)(i + 1));
    thrd_create(&rel, releaser, NULL);
    for (int i = 0; i < WORKERS; i++) thrd_join(w[i], NULL);
    atomic_store(&running, false);
    thrd_join(rel, NULL);
    for (int i = 0; i < SLOTS; i++) {
        zx_handle_t p = atomic_exchange(&slots[i], ZX_HANDLE_INVALID);
        if (p != ZX_HANDLE_INVALID) zx_pmt_unpin(p);
    }
    zx_bti_release_quarantine(bti);
    zx_info_bti_t info;
    if (zx_object_get_info(bti, ZX_INFO_BTI, &info, sizeof info, NULL, NULL) != ZX_OK || info.pmo_count ||
        info.quarantine_count)
        bad("BTI not empty at the end", ZX_ERR_BAD_STATE);
    zx_handle_close(contig);
    zx_handle_close(rvmo);
    zx_handle_close(slice);
    zx_handle_close(vmo);
    // Closed with a quarantine: released with the BTI (zxrv; Zircon leaks it).
    zx_handle_t p, v;
    zx_paddr_t a;
    if (zx_vmo_create(PAGE, 0, &v) == ZX_OK && zx_bti_pin(bti, ZX_BTI_PERM_READ, v, 0, PAGE, &a, 1, &p) == ZX_OK)
        zx_handle_close(p);
    zx_handle_close(v);
    zx_handle_close(bti);
    zx_handle_close(iommu);
    size_t len = 0;
    void *elf = zxrv_load_program("dma-stress", &len);
    if (!elf) return 1;
    run_victim(elf, len, false);  // the first one also grows our own heap (launch buffers)
    run_victim(elf, len, true);
    free(elf);
    zxrv_kernel_stats_t ks;
    unsigned harts = zxrv_kernel_stats(&ks) == ZX_OK ? (unsigned)ks.harts_online : 0;
    printf("dma-stress: %u harts, %lu operations, %lu pins, %lu PMTs quarantined, %lu releases, %lu checks that "
           "pinned pages stayed put, %d failures\n", harts, atomic_load(&ops), atomic_load(&pins),
           atomic_load(&quarantined), atomic_load(&releases), atomic_load(&moved_checks), atomic_load(&failures));
    return atomic_load(&failures) ? 1 : 0;
}
