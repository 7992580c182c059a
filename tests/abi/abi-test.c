// abi-test: a program written against Fuchsia's public headers. It includes
// every public header of include/ (and <zircon/status.h>), uses the names
// Fuchsia code expects (compiler.h's macros, time.h's units and saturating
// helpers, limits.h, the newer types.h/object.h/resource.h names, the
// processargs start-up handles, the ticks and deadline calls), builds with
// -Wall -Wextra -Werror like every user program, and checks at run time what
// the kernel returns for them. The literal values are checked at compile time
// in abi-table.c, linked into this program. tests/abi/README.md says more.
//
//   abi-test                 run the cases (init.run=abi-test)
//   abi-test startup-child   the child side of startup_handles_by_pa_hnd
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/compiler.h>
#include <zircon/errors.h>
#include <zircon/limits.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/rights.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/definitions.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/policy.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>
#include <zircon/threads.h>
#include <zircon/time.h>
#include <zircon/types.h>
#include <zxrv/bootstrap.h>
#include <zxrv/devices.h>
#include <zxrv/kstats.h>
#include <zxrv/launch.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

static zx_handle_t root_rsrc;

// ---------------------------------------------------------------------------
// <zircon/compiler.h>

__BEGIN_CDECLS
__WARN_UNUSED_RESULT int abi_sum(int a, int b);
__NO_RETURN void abi_exit_now(int code);
__DEPRECATE int abi_deprecated(void);  // declared, never called
__LEAF_FN __CONST int abi_square(int x);
__PURE size_t abi_strlen(const char *s) __NONNULL((1));
__EXPORT int abi_exported;
__LOCAL int abi_local;
__WEAK int abi_weak = 5;
__END_CDECLS

int abi_sum(int a, int b) { return a + b; }
int abi_square(int x) { return x * x; }
size_t abi_strlen(const char *s) { return strlen(s); }
int abi_exported = 1;
int abi_local = 2;
void abi_exit_now(int code) { zx_process_exit(code); }
int abi_sum_alias(int a, int b) __ALIAS("abi_sum");
int abi_sum_weak_alias(int a, int b) __WEAK_ALIAS("abi_sum");

__SECTION(".data.abi_test") __ALWAYS_EMIT static int abi_in_section = 11;
static __THREAD int abi_tls = 13;
static __ALIGNED(64) char abi_aligned[8];

static __ALWAYS_INLINE inline int abi_twice(int x) { return 2 * x; }
static __NO_INLINE int abi_thrice(int x) { return 3 * x; }
static __MALLOC void *abi_alloc(size_t n) { return malloc(n); }

static __PRINTFLIKE(2, 3) int abi_format(char *buf, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, 32, fmt, ap);
    va_end(ap);
    return n;
}

static __SCANFLIKE(2, 3) int abi_scan(const char *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsscanf(s, fmt, ap);
    va_end(ap);
    return n;
}

static int abi_classify(unsigned v) {
    int r = 0;
    switch (v & 3u) {
    case 0: r += 1; __FALLTHROUGH;
    case 1: r += 10; break;
    case 2: r = 100; break;
    case 3: r = 1000; break;
    default: __UNREACHABLE;
    }
    return r;
}

TEST_CASE(compiler_macros) {
    volatile int runtime = 42;
    EXPECT_TRUE(__ISCONSTANT(42));
    EXPECT_TRUE(!__ISCONSTANT(runtime));
    EXPECT_EQ(abi_sum(2, 3), 5);
    EXPECT_EQ(abi_sum_alias(4, 5), 9);
    EXPECT_EQ(abi_sum_weak_alias(6, 7), 13);
    EXPECT_EQ(abi_square(runtime), 1764);
    EXPECT_EQ(abi_strlen("fuchsia"), 7);
    EXPECT_EQ(abi_exported + abi_local + abi_weak, 8);
    EXPECT_EQ(abi_in_section, 11);
    EXPECT_EQ(abi_tls, 13);
    EXPECT_EQ((uintptr_t)abi_aligned % 64, 0);
    EXPECT_EQ(abi_twice(runtime) + abi_thrice(runtime), 210);
    void (*volatile exit_fn)(int) = abi_exit_now;  // __NO_RETURN: only its address is taken
    EXPECT_TRUE(exit_fn != NULL);
    char buf[32];
    EXPECT_EQ(abi_format(buf, "%d-%s", 7, "x"), 3);
    int scanned = 0;
    EXPECT_EQ(abi_scan("91", "%d", &scanned), 1);
    EXPECT_EQ(scanned, 91);
    EXPECT_EQ(abi_classify(0) + abi_classify(1) + abi_classify(2) + abi_classify(3), 1121);
    struct __PACKED { uint8_t c; uint32_t x; } packed;
    EXPECT_EQ(sizeof packed, 5);
    EXPECT_EQ(__offsetof(zx_info_handle_basic_t, reserved), 24);
    int64_t r;
    EXPECT_TRUE(add_overflow((int64_t)INT64_MAX, (int64_t)runtime, &r));
    EXPECT_TRUE(!sub_overflow((int64_t)runtime, (int64_t)2, &r) && r == 40);
    EXPECT_TRUE(mul_overflow((int64_t)INT64_MAX / 2, (int64_t)3, &r));
    EXPECT_TRUE(likely(runtime == 42) && !unlikely(runtime != 42));
    __UNUSED int unused_but_fine = 0;
    void *p = abi_alloc(16);
    EXPECT_TRUE(p != NULL);
    free(p);
    EXPECT_TRUE(__GET_FRAME(0) != NULL);
    EXPECT_TRUE(__GET_CALLER(0) != NULL);
    static __CONSTEXPR const int constexpr_in_c = 3;  // nothing in C
    EXPECT_EQ(constexpr_in_c, 3);
}

// ---------------------------------------------------------------------------
// <zircon/time.h>

TEST_CASE(time_units_and_types) {
    volatile int64_t n = 7;  // not a constant: the saturating functions run
    EXPECT_EQ(ZX_NSEC(n), 7);
    EXPECT_EQ(ZX_USEC(n), 7000);
    EXPECT_EQ(ZX_MSEC(n), 7000000);
    EXPECT_EQ(ZX_SEC(n), 7000000000ll);
    EXPECT_EQ(ZX_MIN(n), 420000000000ll);
    EXPECT_EQ(ZX_HOUR(n), 25200000000000ll);
    volatile int64_t big = INT64_MAX / 1000;
    EXPECT_EQ(ZX_SEC(big), ZX_TIME_INFINITE);
    EXPECT_EQ(ZX_HOUR(-big), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(ZX_USEC(big), big * 1000);
    zx_instant_mono_t im = 1;
    zx_instant_mono_ticks_t imt = 2;
    zx_duration_mono_t dm = 3;
    zx_duration_mono_ticks_t dmt = 4;
    zx_instant_boot_t ib = 5;
    zx_instant_boot_ticks_t ibt = 6;
    zx_duration_boot_t db = 7;
    zx_duration_boot_ticks_t dbt = 8;
    zx_time_t t = 9;
    zx_duration_t d = 10;
    zx_ticks_t k = 11;
    EXPECT_EQ(im + imt + dm + dmt + ib + ibt + db + dbt + t + d + k, 66);
    im = -1;
    EXPECT_TRUE(im < 0);  // all signed
}

TEST_CASE(time_helpers_saturate) {
    volatile zx_time_t inf = ZX_TIME_INFINITE, past = ZX_TIME_INFINITE_PAST, one = 1;
    EXPECT_EQ(zx_time_add_duration(100, 23), 123);
    EXPECT_EQ(zx_time_add_duration(inf - 1, 5), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_time_add_duration(past + 1, -5), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_time_sub_duration(100, 23), 77);
    EXPECT_EQ(zx_time_sub_duration(past + 1, 5), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_time_sub_duration(inf - 1, -5), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_time_sub_time(100, 123), -23);
    EXPECT_EQ(zx_time_sub_time(inf, -one), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_time_sub_time(past, one), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_duration_add_duration(inf, one), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_duration_add_duration(past, -one), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_duration_sub_duration(past, one), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_duration_sub_duration(inf, -one), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_duration_mul_int64(inf / 2, 3), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_duration_mul_int64(inf / 2, -3), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_duration_mul_int64(-5, -(inf / 2)), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_duration_mul_int64(-5, 6), -30);
    EXPECT_EQ(zx_nsec_from_duration(ZX_MSEC(2)), 2000000);
    EXPECT_EQ(zx_duration_from_nsec(5), 5);
    EXPECT_EQ(zx_duration_from_usec(5), 5000);
    EXPECT_EQ(zx_duration_from_msec(5), 5000000);
    EXPECT_EQ(zx_duration_from_sec(5), 5000000000ll);
    EXPECT_EQ(zx_duration_from_min(5), 300000000000ll);
    EXPECT_EQ(zx_duration_from_hour(5), 18000000000000ll);
    EXPECT_EQ(zx_duration_from_hour(inf / 1000), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_ticks_add_ticks(inf, one), ZX_TIME_INFINITE);
    EXPECT_EQ(zx_ticks_sub_ticks(past, one), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_ticks_mul_int64(inf, -2), ZX_TIME_INFINITE_PAST);
    EXPECT_EQ(zx_ticks_add_ticks(40, 2) + zx_ticks_sub_ticks(40, 2) + zx_ticks_mul_int64(4, 2), 88);
    struct timespec ts = zx_timespec_from_duration(ZX_SEC(3) + 7);
    EXPECT_EQ(ts.tv_sec, 3);
    EXPECT_EQ(ts.tv_nsec, 7);
    EXPECT_EQ(zx_duration_from_timespec(ts), 3000000007ll);
    ts = zx_timespec_from_time(ZX_MSEC(1500));
    EXPECT_EQ(ts.tv_sec, 1);
    EXPECT_EQ(ts.tv_nsec, 500000000);
    EXPECT_EQ(zx_time_from_timespec(ts), 1500000000ll);
}

// ---------------------------------------------------------------------------
// <zircon/limits.h>, <zircon/types.h>

static zx_info_handle_basic_t basic_of(zx_handle_t h) {
    zx_info_handle_basic_t b;
    memset(&b, 0xee, sizeof b);
    if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &b, sizeof b, NULL, NULL) != ZX_OK) memset(&b, 0, sizeof b);
    return b;
}

TEST_CASE(page_limits) {
    EXPECT_EQ(ZX_PAGE_SIZE, zx_system_get_page_size());
    EXPECT_EQ((uintptr_t)1 << ZX_PAGE_SHIFT, ZX_PAGE_SIZE);
    EXPECT_EQ(ZX_PAGE_MASK, ZX_PAGE_SIZE - 1);
    zx_handle_t vmo;
    zx_vaddr_t addr = 0;
    ASSERT_OK(zx_vmo_create(3 * ZX_PAGE_SIZE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, 3 * ZX_PAGE_SIZE, &addr));
    EXPECT_EQ(addr & ZX_PAGE_MASK, 0);
    uint64_t size = 0;
    EXPECT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size >> ZX_PAGE_SHIFT, 3);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 3 * ZX_PAGE_SIZE));
    zx_handle_close(vmo);
}

TEST_CASE(koids_clocks_and_vmar_ops) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(ZX_PAGE_SIZE, 0, &vmo));
    zx_info_handle_basic_t b = basic_of(vmo);
    EXPECT_TRUE(b.koid >= ZX_KOID_FIRST);
    EXPECT_TRUE(b.koid != ZX_KOID_INVALID && b.koid != ZX_KOID_KERNEL);
    EXPECT_EQ(b.related_koid, ZX_KOID_INVALID);
    zx_handle_close(vmo);
    const zx_clock_t clocks[] = {ZX_CLOCK_MONOTONIC, ZX_CLOCK_BOOT};
    EXPECT_NE(clocks[0], clocks[1]);
    // Each VMAR op that has a VMO twin has its number ("keep in sync" in Fuchsia's types.h).
    const uint32_t twins[][2] = {{ZX_VMAR_OP_COMMIT, ZX_VMO_OP_COMMIT},       {ZX_VMAR_OP_DECOMMIT, ZX_VMO_OP_DECOMMIT},
                                 {ZX_VMAR_OP_ZERO, ZX_VMO_OP_ZERO},           {ZX_VMAR_OP_DONT_NEED, ZX_VMO_OP_DONT_NEED},
                                 {ZX_VMAR_OP_ALWAYS_NEED, ZX_VMO_OP_ALWAYS_NEED}, {ZX_VMAR_OP_PREFETCH, ZX_VMO_OP_PREFETCH}};
    for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++) EXPECT_EQ(twins[i][0], twins[i][1]);
    EXPECT_NE(ZX_VMAR_OP_MAP_RANGE, ZX_VMAR_OP_COMMIT);
}

TEST_CASE(vmo_lock_state) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * ZX_PAGE_SIZE, ZX_VMO_DISCARDABLE, &vmo));
    zx_vmo_lock_state_t ls;
    memset(&ls, 0xaa, sizeof ls);
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_LOCK, 0, 2 * ZX_PAGE_SIZE, &ls, sizeof ls));
    EXPECT_EQ(ls.offset, 0);
    EXPECT_EQ(ls.size, 2 * ZX_PAGE_SIZE);
    EXPECT_EQ(ls.discarded_offset, 0);
    EXPECT_EQ(ls.discarded_size, 0);
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_UNLOCK, 0, 2 * ZX_PAGE_SIZE, NULL, 0));
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_TRY_LOCK, 0, 2 * ZX_PAGE_SIZE, NULL, 0));
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_UNLOCK, 0, 2 * ZX_PAGE_SIZE, NULL, 0));
    zx_handle_close(vmo);
}

// ---------------------------------------------------------------------------
// <zircon/syscalls/object.h>

TEST_CASE(handle_basic_reserved_is_zero) {
    zx_handle_t vmo, ch0, ch1;
    ASSERT_OK(zx_vmo_create(ZX_PAGE_SIZE, 0, &vmo));
    ASSERT_OK(zx_channel_create(0, &ch0, &ch1));
    const zx_handle_t hs[] = {vmo, ch0, zx_vmar_root_self(), zx_process_self(), zx_thread_self(), zx_job_default(),
                              root_rsrc};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        zx_info_handle_basic_t b = basic_of(hs[i]);
        EXPECT_NE(b.koid, ZX_KOID_INVALID);
        EXPECT_EQ(b.reserved, 0);
        EXPECT_EQ(b.padding1[0] | b.padding1[1] | b.padding1[2] | b.padding1[3], 0);
    }
    zx_handle_close(ch1);
    zx_handle_close(ch0);
    zx_handle_close(vmo);
}

TEST_CASE(info_process_on_self) {
    zx_info_process_t info;
    memset(&info, 0xaa, sizeof info);
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL));
    zx_info_process_flags_t flags = info.flags;
    EXPECT_EQ(flags, ZX_INFO_PROCESS_FLAG_STARTED);
    EXPECT_EQ(flags & (ZX_INFO_PROCESS_FLAG_EXITED | ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED), 0);
    EXPECT_TRUE(info.start_time > 0 && info.start_time <= zx_clock_get_monotonic());
    EXPECT_EQ(info.padding1[0] | info.padding1[1] | info.padding1[2] | info.padding1[3], 0);
    zx_info_process_v1_t v1;
    memset(&v1, 0xaa, sizeof v1);
    size_t actual = 0;
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_V1, &v1, sizeof v1, &actual, NULL));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(v1.started, true);
    EXPECT_EQ(v1.exited, false);
    EXPECT_EQ(v1.debugger_attached, false);
}

// Each ZX_INFO_VMO version writes exactly its struct: a prefix of the newest.
TEST_CASE(info_vmo_versions) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(5 * ZX_PAGE_SIZE, 0, &vmo));
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_NAME, "abi", 3));
    zx_info_vmo_t full;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &full, sizeof full, NULL, NULL));
    const struct {
        uint32_t topic;
        size_t size;
    } versions[] = {{ZX_INFO_VMO_V1, sizeof(zx_info_vmo_v1_t)},
                    {ZX_INFO_VMO_V2, sizeof(zx_info_vmo_v2_t)},
                    {ZX_INFO_VMO_V3, sizeof(zx_info_vmo_v3_t)},
                    {ZX_INFO_VMO, sizeof(zx_info_vmo_t)}};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        uint8_t buf[sizeof(zx_info_vmo_t) + 8];
        memset(buf, 0xaa, sizeof buf);
        size_t actual = 0, avail = 0;
        EXPECT_STATUS(zx_object_get_info(vmo, versions[i].topic, buf, versions[i].size - 1, &actual, &avail),
                      ZX_ERR_BUFFER_TOO_SMALL);
        EXPECT_EQ(actual, 0);
        EXPECT_EQ(avail, 1);
        ASSERT_OK(zx_object_get_info(vmo, versions[i].topic, buf, sizeof buf, &actual, NULL));
        EXPECT_EQ(actual, 1);
        EXPECT_EQ(buf[versions[i].size], 0xaa);  // nothing written past the version's struct
        zx_info_vmo_v1_t v1;
        memcpy(&v1, buf, sizeof v1);
        EXPECT_EQ(v1.koid, full.koid);
        EXPECT_EQ(v1.size_bytes, 5 * ZX_PAGE_SIZE);
        EXPECT_EQ(strcmp(v1.name, "abi"), 0);
        if (versions[i].size >= sizeof(zx_info_vmo_v3_t)) {
            zx_info_vmo_v3_t v3;
            memcpy(&v3, buf, sizeof v3);
            EXPECT_EQ(v3.populated_bytes, full.populated_bytes);
        }
        if (versions[i].size >= sizeof(zx_info_vmo_v2_t)) {
            zx_info_vmo_v2_t v2;
            memcpy(&v2, buf, sizeof v2);
            EXPECT_EQ(v2.metadata_bytes, full.metadata_bytes);
        }
    }
    zx_handle_close(vmo);
}

TEST_CASE(thread_states) {
    const zx_thread_state_t basic[] = {ZX_THREAD_STATE_NEW,     ZX_THREAD_STATE_RUNNING, ZX_THREAD_STATE_SUSPENDED,
                                       ZX_THREAD_STATE_BLOCKED, ZX_THREAD_STATE_DYING,   ZX_THREAD_STATE_DEAD};
    const zx_thread_state_t blocked[] = {
        ZX_THREAD_STATE_BLOCKED_EXCEPTION, ZX_THREAD_STATE_BLOCKED_SLEEPING,  ZX_THREAD_STATE_BLOCKED_FUTEX,
        ZX_THREAD_STATE_BLOCKED_PORT,      ZX_THREAD_STATE_BLOCKED_CHANNEL,   ZX_THREAD_STATE_BLOCKED_WAIT_ONE,
        ZX_THREAD_STATE_BLOCKED_WAIT_MANY, ZX_THREAD_STATE_BLOCKED_INTERRUPT, ZX_THREAD_STATE_BLOCKED_PAGER};
    for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++) {
        EXPECT_EQ(ZX_THREAD_STATE_BASIC(basic[i]), basic[i]);
        for (size_t j = 0; j < i; j++) EXPECT_NE(basic[i], basic[j]);
    }
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++) {
        EXPECT_EQ(ZX_THREAD_STATE_BASIC(blocked[i]), ZX_THREAD_STATE_BLOCKED);
        for (size_t j = 0; j < i; j++) EXPECT_NE(blocked[i], blocked[j]);
    }
}

// ---------------------------------------------------------------------------
// <zircon/rights.h>, <zircon/syscalls/resource.h>

TEST_CASE(resource_rights_and_system_bases) {
    // 0x800b: TRANSFER | DUPLICATE | WRITE | INSPECT, ZX_DEFAULT_RESOURCE_RIGHTS in
    // Fuchsia's rights.h (misttech/mist-os). The literal, not the macro.
    EXPECT_EQ(basic_of(root_rsrc).rights, 0x800b);
    const zx_rsrc_system_base_t bases[] = {
        ZX_RSRC_SYSTEM_HYPERVISOR_BASE, ZX_RSRC_SYSTEM_VMEX_BASE,        ZX_RSRC_SYSTEM_DEBUG_BASE,
        ZX_RSRC_SYSTEM_INFO_BASE,       ZX_RSRC_SYSTEM_CPU_BASE,         ZX_RSRC_SYSTEM_POWER_BASE,
        ZX_RSRC_SYSTEM_MEXEC_BASE,      ZX_RSRC_SYSTEM_ENERGY_INFO_BASE, ZX_RSRC_SYSTEM_IOMMU_BASE,
        ZX_RSRC_SYSTEM_FRAMEBUFFER_BASE, ZX_RSRC_SYSTEM_PROFILE_BASE,    ZX_RSRC_SYSTEM_MSI_BASE,
        ZX_RSRC_SYSTEM_DEBUGLOG_BASE,   ZX_RSRC_SYSTEM_STALL_BASE};
    EXPECT_EQ(sizeof bases / sizeof bases[0], ZX_RSRC_SYSTEM_COUNT);
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        zx_handle_t r;
        ASSERT_OK(zx_resource_create(root_rsrc, ZX_RSRC_KIND_SYSTEM, bases[i], 1, "sys", 3, &r));
        zx_info_resource_t info;
        ASSERT_OK(zx_object_get_info(r, ZX_INFO_RESOURCE, &info, sizeof info, NULL, NULL));
        EXPECT_EQ(info.kind, ZX_RSRC_KIND_SYSTEM);
        EXPECT_EQ(info.base, i);
        EXPECT_EQ(info.size, 1);
        EXPECT_EQ(basic_of(r).rights, 0x800b);
        zx_handle_close(r);
    }
    zx_handle_t r;
    EXPECT_STATUS(zx_resource_create(root_rsrc, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_COUNT, 1, NULL, 0, &r),
                  ZX_ERR_NOT_FOUND);
    // What zx_vmo_replace_as_executable takes: the VMEX resource.
    zx_handle_t vmex, vmo, x;
    ASSERT_OK(zx_resource_create(root_rsrc, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_VMEX_BASE, 1, NULL, 0, &vmex));
    ASSERT_OK(zx_vmo_create(ZX_PAGE_SIZE, 0, &vmo));
    ASSERT_OK(zx_vmo_replace_as_executable(vmo, vmex, &x));
    EXPECT_TRUE(basic_of(x).rights & ZX_RIGHT_EXECUTE);
    zx_handle_close(x);
    zx_handle_close(vmex);
}

// ---------------------------------------------------------------------------
// <zircon/syscalls.h>: ticks and deadlines

// The kernel's conversion of the time CSR to nanoseconds.
static zx_time_t ticks_to_ns(zx_ticks_t k, zx_ticks_t per_second) {
    return (k / per_second) * 1000000000ll + (k % per_second) * 1000000000ll / per_second;
}

TEST_CASE(ticks_match_the_monotonic_clock) {
    zx_ticks_t per_second = zx_ticks_per_second();
    ASSERT_TRUE(per_second > 0);
    EXPECT_EQ(zx_ticks_per_second(), per_second);  // constant
    // zx_clock_get_monotonic() reads the same counter in the kernel: taken
    // between two zx_ticks_get(), it lies between their conversions. A wrong
    // rate (or a different counter) puts it outside.
    for (int i = 0; i < 5; i++) {
        zx_instant_mono_ticks_t k0 = zx_ticks_get();
        zx_instant_mono_t now = zx_clock_get_monotonic();
        zx_instant_mono_ticks_t k1 = _zx_ticks_get();
        EXPECT_TRUE(k0 <= k1);
        EXPECT_TRUE(ticks_to_ns(k0, per_second) <= now);
        EXPECT_TRUE(now <= ticks_to_ns(k1, per_second));
    }
    zx_instant_mono_ticks_t k0 = zx_ticks_get();
    EXPECT_OK(zx_nanosleep(zx_deadline_after(ZX_MSEC(20))));
    zx_duration_mono_ticks_t elapsed = zx_ticks_get() - k0;
    EXPECT_TRUE(elapsed >= per_second / 50);  // at least 20 ms of ticks
}

TEST_CASE(deadline_after) {
    zx_instant_mono_t before = zx_clock_get_monotonic();
    zx_instant_mono_t d = zx_deadline_after(ZX_MSEC(5));
    zx_instant_mono_t after = zx_clock_get_monotonic();
    EXPECT_TRUE(d >= before + ZX_MSEC(5) && d <= after + ZX_MSEC(5));
    EXPECT_EQ(zx_deadline_after(ZX_TIME_INFINITE), ZX_TIME_INFINITE);
    EXPECT_EQ(_zx_deadline_after(ZX_TIME_INFINITE - 1), ZX_TIME_INFINITE);
    d = zx_deadline_after(-ZX_SEC(1));
    EXPECT_TRUE(d <= zx_clock_get_monotonic() - ZX_SEC(1));
}

// ---------------------------------------------------------------------------
// <zircon/processargs.h>, <zircon/process.h>

// <zircon/threads.h>: the handle of a C11 thread, the main thread's included.
static int thread_handle_probe(void *arg) {
    *(zx_handle_t *)arg = zx_thread_self();
    return 0;
}

TEST_CASE(thrd_get_zx_handle_names_the_thread) {
    EXPECT_EQ(thrd_get_zx_handle(thrd_current()), zx_thread_self());
    zx_handle_t seen = ZX_HANDLE_INVALID;
    thrd_t t;
    ASSERT_EQ(thrd_create(&t, thread_handle_probe, &seen), thrd_success);
    zx_handle_t h = thrd_get_zx_handle(t);
    EXPECT_TRUE(h != ZX_HANDLE_INVALID);
    ASSERT_EQ(thrd_join(t, NULL), thrd_success);
    EXPECT_EQ(seen, h);
}

TEST_CASE(process_self_aliases) {
    EXPECT_EQ(_zx_process_self(), zx_process_self());
    EXPECT_EQ(_zx_thread_self(), zx_thread_self());
    EXPECT_EQ(_zx_vmar_root_self(), zx_vmar_root_self());
    EXPECT_EQ(_zx_job_default(), zx_job_default());
    EXPECT_EQ(basic_of(_zx_process_self()).type, ZX_OBJ_TYPE_PROCESS);
    EXPECT_EQ(basic_of(_zx_thread_self()).type, ZX_OBJ_TYPE_THREAD);
    EXPECT_EQ(basic_of(_zx_vmar_root_self()).type, ZX_OBJ_TYPE_VMAR);
    EXPECT_EQ(basic_of(_zx_job_default()).type, ZX_OBJ_TYPE_JOB);
    // Kept by the runtime, not in the start-up set.
    const uint32_t core[] = {PA_PROC_SELF, PA_THREAD_SELF, PA_JOB_DEFAULT, PA_VMAR_ROOT};
    for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
        EXPECT_EQ(zx_take_startup_handle(PA_HND(core[i], 0)), ZX_HANDLE_INVALID);
}

// A child gets a VMO as PA_HND(PA_USER0, 0) and another as PA_HND(PA_USER1, 7),
// and takes them with those numbers, as on Fuchsia.
TEST_CASE(startup_handles_by_pa_hnd) {
    size_t len = 0;
    void *elf = zxrv_load_program("abi-test", &len);
    ASSERT_TRUE(elf != NULL);
    zx_handle_t hs[2];
    ASSERT_OK(zx_vmo_create(ZX_PAGE_SIZE, 0, &hs[0]));
    ASSERT_OK(zx_vmo_create(2 * ZX_PAGE_SIZE, 0, &hs[1]));
    const uint32_t tags[2] = {PA_HND(PA_USER0, 0), PA_HND(PA_USER1, 7)};
    const char *argv[] = {"abi-test", "startup-child"};
    zx_handle_t proc = ZX_HANDLE_INVALID;
    ASSERT_OK(zxrv_launch(zx_job_default(), "abi-child", elf, len, 2, argv, tags, hs, 2, &proc));
    free(elf);
    EXPECT_EQ(zxrv_wait_exit(proc), 0);
    zx_handle_close(proc);
}

// The child side: 0 if every check holds, else the number of the first that failed.
static int startup_child(void) {
    uint64_t size = 0;
    if (zx_take_startup_handle(PA_HND(PA_USER1, 0)) != ZX_HANDLE_INVALID) return 1;  // argument matters
    if (zx_take_startup_handle(PA_HND(PA_USER0, 7)) != ZX_HANDLE_INVALID) return 2;
    zx_handle_t user1 = zx_take_startup_handle(PA_HND(PA_USER1, 7));
    if (zx_vmo_get_size(user1, &size) != ZX_OK || size != 2 * ZX_PAGE_SIZE) return 3;
    zx_handle_t user0 = zx_take_startup_handle(PA_HND(PA_USER0, 0));
    if (zx_vmo_get_size(user0, &size) != ZX_OK || size != ZX_PAGE_SIZE) return 4;
    if (zx_take_startup_handle(PA_HND(PA_USER0, 0)) != ZX_HANDLE_INVALID) return 5;  // once
    if (PA_HND_TYPE(PA_HND(PA_USER1, 7)) != PA_USER1 || PA_HND_ARG(PA_HND(PA_USER1, 7)) != 7) return 6;
    if (basic_of(zx_process_self()).type != ZX_OBJ_TYPE_PROCESS) return 7;
    if (zx_job_default() != ZX_HANDLE_INVALID) return 8;  // zxrv_launch gives none unless asked
    if (zx_handle_close(user0) != ZX_OK || zx_handle_close(user1) != ZX_OK) return 9;
    return 0;
}

// ---------------------------------------------------------------------------

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "startup-child") == 0) return startup_child();
    root_rsrc = zxrv_root_resource();  // PA_HND(PA_RESOURCE, 0), from init
    if (root_rsrc == ZX_HANDLE_INVALID) {
        printf("abi-test: no root resource (PA_HND(PA_RESOURCE, 0)): %s\n",
               zx_status_get_string(ZX_ERR_NOT_FOUND));
        return 1;
    }
    return zxrv_test_main(argc, argv);
}
