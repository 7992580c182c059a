// Helpers shared by the VMO family programs (vmo-clone2.c, vmo-zero.c,
// vmo-slice.c, vmo-signal.c, vmo-clone.c, vmo-core.c): page-tagged VMOs,
// reading and writing one uint32_t, the memory-accounting fields of
// zx_info_vmo_t, permutations and threads in the test's process. Our own C
// equivalents of what Zircon's vmo/helpers.h (and the C++ library) offer.
//
// Every check here reports the caller's file and line and counts its
// failures in vmo_check_failures, so that a loop over many permutations can
// stop after the first one that failed.
//
// Memory accounting (zx_info_vmo_t, zircon-abi.md §6), for a paged VMO:
//   committed_bytes = populated_bytes   RSS: every page the VMO can access,
//                                       a COW page shared with other VMOs
//                                       counted fully in each of them;
//   committed_private_bytes = populated_private_bytes
//                                       USS: pages only this VMO can access;
//   committed_scaled_bytes = populated_scaled_bytes
//                                       PSS: each page divided by the number of
//                                       VMOs that can access it, the remainder
//                                       in *_fractional_scaled_bytes (fixed
//                                       point, VMO_FRACTION_ONE is one byte).
// (No pager and no compression here, so populated_* equals committed_*.)
#ifndef ZXRV_CONFORMANCE_VMO_HELPERS_H_
#define ZXRV_CONFORMANCE_VMO_HELPERS_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define PAGE 4096ull

#ifndef ZX_TIME_INFINITE_PAST
#define ZX_TIME_INFINITE_PAST INT64_MIN
#endif

// One byte in the fixed point of *_fractional_scaled_bytes.
#define VMO_FRACTION_ONE 0x8000000000000000ull

static int vmo_check_failures;

static char vmo_expr_buf[192];

static inline bool vmo_count(bool ok) {
    if (!ok) vmo_check_failures++;
    return ok;
}

// Writes the uint32_t `val` at `off` (Zircon's VmoWrite).
static inline bool vmo_write32_at(zx_handle_t vmo, uint32_t val, uint64_t off, const char *name,
                                  const char *file, int line) {
    snprintf(vmo_expr_buf, sizeof vmo_expr_buf, "write %s@%#llx", name, (unsigned long long)off);
    return vmo_count(zxrv_test_check_status(zx_vmo_write(vmo, &val, off, sizeof val), ZX_OK,
                                            vmo_expr_buf, file, line));
}

// Reads the uint32_t at `off` and checks that it is `want` (Zircon's VmoCheck).
static inline bool vmo_check32_at(zx_handle_t vmo, uint32_t want, uint64_t off, const char *name,
                                  const char *file, int line) {
    uint32_t got = 0xdeadbeef;
    snprintf(vmo_expr_buf, sizeof vmo_expr_buf, "read %s@%#llx", name, (unsigned long long)off);
    if (!vmo_count(zxrv_test_check_status(zx_vmo_read(vmo, &got, off, sizeof got), ZX_OK, vmo_expr_buf,
                                          file, line)))
        return false;
    snprintf(vmo_expr_buf, sizeof vmo_expr_buf, "%s@%#llx", name, (unsigned long long)off);
    return vmo_count(zxrv_test_check_eq(got, want, true, vmo_expr_buf, file, line));
}

#define VMO_WRITE(vmo, val, off) vmo_write32_at((vmo), (val), (off), #vmo, __FILE__, __LINE__)
#define VMO_CHECK(vmo, val, off) vmo_check32_at((vmo), (val), (off), #vmo, __FILE__, __LINE__)

// A resizable VMO of `pages` pages, page i holding the uint32_t i + 1 at its
// start (Zircon's InitPageTaggedVmo).
static inline zx_status_t init_page_tagged(uint32_t pages, zx_handle_t *out) {
    zx_status_t st = zx_vmo_create(pages * PAGE, ZX_VMO_RESIZABLE, out);
    for (uint32_t i = 0; st == ZX_OK && i < pages; i++) {
        uint32_t v = i + 1;
        st = zx_vmo_write(*out, &v, i * PAGE, sizeof v);
    }
    return st;
}

static inline zx_info_vmo_t vmo_info(zx_handle_t vmo) {
    zx_info_vmo_t info;
    memset(&info, 0xff, sizeof info);
    zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof info, NULL, NULL);
    return info;
}

static inline uint64_t vmo_num_children(zx_handle_t vmo) { return vmo_info(vmo).num_children; }

// Checks RSS, USS and PSS (whole bytes) of `vmo`, committed and populated.
static inline bool vmo_expect_mem(zx_handle_t vmo, uint64_t rss, uint64_t uss, uint64_t pss,
                                  const char *name, const char *file, int line) {
    zx_info_vmo_t i;
    snprintf(vmo_expr_buf, sizeof vmo_expr_buf, "get_info(%s)", name);
    if (!vmo_count(zxrv_test_check_status(zx_object_get_info(vmo, ZX_INFO_VMO, &i, sizeof i, NULL, NULL),
                                          ZX_OK, vmo_expr_buf, file, line)))
        return false;
    snprintf(vmo_expr_buf, sizeof vmo_expr_buf, "%s committed (RSS, USS, PSS) (%llu, %llu, %llu) == (%llu, %llu, %llu)",
             name, (unsigned long long)i.committed_bytes, (unsigned long long)i.committed_private_bytes,
             (unsigned long long)i.committed_scaled_bytes, (unsigned long long)rss, (unsigned long long)uss,
             (unsigned long long)pss);
    bool ok = zxrv_test_check_true(
        i.committed_bytes == rss && i.committed_private_bytes == uss && i.committed_scaled_bytes == pss, vmo_expr_buf,
        file, line);
    snprintf(vmo_expr_buf, sizeof vmo_expr_buf, "%s populated_* == committed_*", name);
    ok &= zxrv_test_check_true(i.populated_bytes == i.committed_bytes &&
                                   i.populated_private_bytes == i.committed_private_bytes &&
                                   i.populated_scaled_bytes == i.committed_scaled_bytes &&
                                   i.populated_fractional_scaled_bytes == i.committed_fractional_scaled_bytes,
                               vmo_expr_buf, file, line);
    return vmo_count(ok);
}

// Checks the fractional part of PSS, committed and populated.
static inline bool vmo_expect_frac(zx_handle_t vmo, uint64_t frac, const char *name, const char *file,
                                   int line) {
    zx_info_vmo_t i = vmo_info(vmo);
    snprintf(vmo_expr_buf, sizeof vmo_expr_buf,
             "%s committed/populated_fractional_scaled_bytes (%#llx, %#llx) == %#llx", name, (unsigned long long)i.committed_fractional_scaled_bytes,
             (unsigned long long)i.populated_fractional_scaled_bytes, (unsigned long long)frac);
    bool ok = zxrv_test_check_true(
        i.committed_fractional_scaled_bytes == frac && i.populated_fractional_scaled_bytes == frac, vmo_expr_buf,
        file, line);
    return vmo_count(ok);
}

#define EXPECT_MEM(vmo, rss, uss, pss) vmo_expect_mem((vmo), (rss), (uss), (pss), #vmo, __FILE__, __LINE__)
#define EXPECT_FRAC(vmo, frac) vmo_expect_frac((vmo), (frac), #vmo, __FILE__, __LINE__)

// Calls fn(perm, ctx) for every permutation of 0..n-1 (n <= 8), in
// lexicographic order; stops after the first permutation during which a
// helper check failed (one failing order is enough to show the problem).
static inline void vmo_permutations(unsigned n, void (*fn)(const unsigned *perm, void *ctx), void *ctx) {
    unsigned perm[8];
    for (unsigned i = 0; i < n; i++) perm[i] = i;
    for (;;) {
        int before = vmo_check_failures;
        fn(perm, ctx);
        if (vmo_check_failures != before) return;
        // Next permutation: the longest non-increasing suffix, swap, reverse.
        int k = (int)n - 2;
        while (k >= 0 && perm[k] >= perm[k + 1]) k--;
        if (k < 0) return;
        int l = (int)n - 1;
        while (perm[l] <= perm[k]) l--;
        unsigned t = perm[k];
        perm[k] = perm[l];
        perm[l] = t;
        for (unsigned a = (unsigned)k + 1, b = n - 1; a < b; a++, b--) {
            t = perm[a];
            perm[a] = perm[b];
            perm[b] = t;
        }
    }
}

// A read/write mapping of the first `len` bytes of `vmo` (Zircon's Mapping).
static inline volatile uint32_t *map_rw(zx_handle_t vmo, uint64_t len) {
    zx_vaddr_t addr = 0;
    if (zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, len, &addr) != ZX_OK)
        return NULL;
    return (volatile uint32_t *)addr;
}

static inline void unmap(volatile void *p, uint64_t len) {
    if (p) zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)p, len);
}

// ZX_VMO_ZERO_CHILDREN is asserted (waiting up to a second for it).
static inline zx_status_t has_no_children(zx_handle_t vmo) {
    zx_signals_t s = 0;
    zx_status_t st = zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, zx_clock_get_monotonic() + 1000000000ll, &s);
    return st == ZX_OK && !(s & ZX_VMO_ZERO_CHILDREN) ? ZX_ERR_BAD_STATE : st;
}

// ZX_VMO_ZERO_CHILDREN is not asserted: a wait that does not block times out
// and reports the signal clear.
static inline zx_status_t has_children(zx_handle_t vmo) {
    zx_signals_t s = 0;
    zx_status_t st = zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, ZX_TIME_INFINITE_PAST, &s);
    if (st == ZX_ERR_TIMED_OUT) return (s & ZX_VMO_ZERO_CHILDREN) ? ZX_ERR_BAD_STATE : ZX_OK;
    return st == ZX_OK ? ZX_ERR_BAD_STATE : st;
}

// Threads in the test's own process, for Zircon's cases that use
// std::thread. A new thread starts with only pc, sp, a0 and a1 set:
// vmo_thread_entry gives it the global pointer first (the linker relaxes
// global accesses to gp), then vmo_thread_main runs fn(arg) and ends the
// thread. The test library's checks are not thread-safe: a thread only
// records what it saw, the main thread checks it after vmo_threads_join.
#define VMO_THREADS_MAX 4
#define VMO_THREAD_STACK (16 * 1024)

struct vmo_threads {
    zx_handle_t stack_vmo;
    zx_vaddr_t stacks;  // VMO_THREADS_MAX stacks, one after the other
    zx_handle_t thread[VMO_THREADS_MAX];
    unsigned n;
};

void vmo_thread_main(uintptr_t fn, uintptr_t arg);
void vmo_thread_entry(uintptr_t fn, uintptr_t arg);
__asm__(".globl vmo_thread_entry\n"
        "vmo_thread_entry:\n"
        ".option push\n.option norelax\n"
        "lla gp, __global_pointer$\n"
        ".option pop\n"
        "tail vmo_thread_main\n");

void vmo_thread_main(uintptr_t fn, uintptr_t arg) {
    ((void (*)(void *))fn)((void *)arg);
    zx_thread_exit();
}

// Give up the hart for a moment (Zircon's sched_yield in a spin-wait).
static inline void vmo_yield(void) { zx_nanosleep(zx_clock_get_monotonic() + 10 * 1000); }

// Maps the stacks; no thread yet.
static inline zx_status_t vmo_threads_init(struct vmo_threads *t) {
    memset(t, 0, sizeof *t);
    const uint64_t len = VMO_THREADS_MAX * VMO_THREAD_STACK;
    zx_status_t st = zx_vmo_create(len, 0, &t->stack_vmo);
    if (st != ZX_OK) return st;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, t->stack_vmo, 0, len, &t->stacks);
    if (st != ZX_OK) zx_handle_close(t->stack_vmo);
    return st;
}

// Starts fn(arg) on the next stack.
static inline zx_status_t vmo_thread_start(struct vmo_threads *t, void (*fn)(void *), void *arg) {
    if (t->n == VMO_THREADS_MAX) return ZX_ERR_NO_RESOURCES;
    zx_handle_t th;
    zx_status_t st = zx_thread_create(zx_process_self(), "vmo-test", 8, 0, &th);
    if (st != ZX_OK) return st;
    zx_vaddr_t top = t->stacks + (t->n + 1) * VMO_THREAD_STACK;
    st = zx_thread_start(th, (zx_vaddr_t)vmo_thread_entry, top, (uintptr_t)fn, (uintptr_t)arg);
    if (st != ZX_OK) {
        zx_handle_close(th);
        return st;
    }
    t->thread[t->n++] = th;
    return ZX_OK;
}

// Waits until every thread started has ended (ZX_OK), or until `timeout_ns`
// has passed (ZX_ERR_TIMED_OUT); then closes the threads and unmaps the
// stacks (a thread still running is killed first).
static inline zx_status_t vmo_threads_join(struct vmo_threads *t, int64_t timeout_ns) {
    zx_status_t result = ZX_OK;
    const zx_time_t deadline = zx_clock_get_monotonic() + timeout_ns;
    for (unsigned i = 0; i < t->n; i++) {
        zx_status_t st = zx_object_wait_one(t->thread[i], ZX_THREAD_TERMINATED, deadline, NULL);
        if (st != ZX_OK) {
            result = st;
            zx_task_kill(t->thread[i]);
            zx_object_wait_one(t->thread[i], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL);
        }
        zx_handle_close(t->thread[i]);
    }
    t->n = 0;
    zx_vmar_unmap(zx_vmar_root_self(), t->stacks, VMO_THREADS_MAX * VMO_THREAD_STACK);
    zx_handle_close(t->stack_vmo);
    return result;
}

// A BTI over the stub IOMMU, named `name` (Zircon's CreateNamedBti), the
// IOMMU made from a SYSTEM resource with base ZX_RSRC_SYSTEM_IOMMU_BASE cut
// from the root resource (maybe_standalone::GetSystemResourceWithBase).
static inline zx_status_t vmo_make_bti(const char *name, zx_handle_t *iommu, zx_handle_t *bti) {
    zx_handle_t rsrc;
    zx_status_t st = zx_resource_create(zxrv_root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1,
                                        "iommu", 5, &rsrc);
    if (st != ZX_OK) return st;
    zx_iommu_desc_dummy_t desc = {0};
    st = zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof desc, iommu);
    zx_handle_close(rsrc);
    if (st != ZX_OK) return st;
    st = zx_bti_create(*iommu, 0, 0xdeadbeef, bti);
    if (st == ZX_OK) st = zx_object_set_property(*bti, ZX_PROP_NAME, name, strlen(name));
    if (st != ZX_OK) zx_handle_close(*iommu);
    return st;
}

// Zircon's CreateDeferredBtiCheck, at the end of a case: the BTI has no PMT
// left, quarantined or not; then both handles are closed.
static inline void vmo_close_bti_at(zx_handle_t iommu, zx_handle_t bti, const char *file, int line) {
    zx_info_bti_t info;
    memset(&info, 0xff, sizeof info);
    vmo_count(zxrv_test_check_status(zx_object_get_info(bti, ZX_INFO_BTI, &info, sizeof info, NULL, NULL), ZX_OK,
                                     "ZX_INFO_BTI", file, line));
    vmo_count(zxrv_test_check_eq((int64_t)info.pmo_count, 0, true, "bti pmo_count", file, line));
    vmo_count(zxrv_test_check_eq((int64_t)info.quarantine_count, 0, true, "bti quarantine_count", file, line));
    zx_handle_close(bti);
    zx_handle_close(iommu);
}
#define VMO_CLOSE_BTI(iommu, bti) vmo_close_bti_at((iommu), (bti), __FILE__, __LINE__)

// Zircon's CheckContigState<N>: the first n pages of vmo, pinned, have
// consecutive physical addresses (n at most 64).
static inline bool vmo_check_contig_at(zx_handle_t bti, zx_handle_t vmo, unsigned n, const char *file, int line) {
    zx_paddr_t addrs[64];
    zx_handle_t pmt;
    zx_status_t st = zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, n * PAGE, addrs, n, &pmt);
    if (!vmo_count(zxrv_test_check_status(st, ZX_OK, "pin failed", file, line))) return false;
    zx_pmt_unpin(pmt);
    for (unsigned i = 0; i + 1 < n; i++)
        if (!vmo_count(zxrv_test_check_eq((int64_t)(addrs[i] + PAGE), (int64_t)addrs[i + 1], true,
                                          "contiguous addresses", file, line)))
            return false;
    return true;
}
#define CHECK_CONTIG_STATE(bti, vmo, n) vmo_check_contig_at((bti), (vmo), (n), __FILE__, __LINE__)

#endif
