// badptr-test: every system call that takes a pointer, given bad ones:
// NULL (where not optional), a kernel address, an unmapped user address, a
// range straddling the end of user space, and a misaligned out-pointer.
// Each must fail with ZX_ERR_INVALID_ARGS (never crash the kernel or the
// process), and nothing may leak.
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/devices.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define KERNEL_ADDR ((void *)0xffffffff80200000ull)
#define UNMAPPED ((void *)0x3000000000ull)
#define NEAR_TOP ((void *)(0x4000000000ull - 4))  // 4 bytes before the end of user space
#define PAST_TOP ((void *)0x4000000000ull)

static void *const bad_ptrs[] = {KERNEL_ADDR, UNMAPPED, PAST_TOP};
#define NBAD (sizeof bad_ptrs / sizeof bad_ptrs[0])

static uint8_t aligned_buf[64] __attribute__((aligned(16)));

TEST_CASE(out_handle_pointers) {
    zx_handle_t a, b;
    for (unsigned i = 0; i < NBAD; i++) {
        EXPECT_STATUS(zx_vmo_create(4096, 0, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_channel_create(0, (zx_handle_t *)bad_ptrs[i], &b), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_channel_create(0, &a, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_job_create(zx_job_default(), 0, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_process_create(zx_job_default(), "p", 1, 0, (zx_handle_t *)bad_ptrs[i], &b),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_process_create(zx_job_default(), "p", 1, 0, &a, (zx_handle_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_thread_create(zx_process_self(), "t", 1, 0, (zx_handle_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
    }
    EXPECT_STATUS(zx_vmo_create(4096, 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create(4096, 0, (zx_handle_t *)(aligned_buf + 1)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create(4096, 0, (zx_handle_t *)NEAR_TOP + 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_create(0, NULL, &b), ZX_ERR_INVALID_ARGS);
}

TEST_CASE(duplicate_and_replace) {
    zx_handle_t vmo, dup;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    for (unsigned i = 0; i < NBAD; i++)
        EXPECT_STATUS(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, (zx_handle_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, (zx_handle_t *)(aligned_buf + 2)),
                  ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup));
    EXPECT_STATUS(zx_handle_replace(dup, ZX_RIGHT_SAME_RIGHTS, (zx_handle_t *)UNMAPPED), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_STATUS(zx_handle_close_many((zx_handle_t *)KERNEL_ADDR, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_close_many((zx_handle_t *)UNMAPPED, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_close_many((zx_handle_t *)(aligned_buf + 1), 1), ZX_ERR_INVALID_ARGS);
}

TEST_CASE(vmo_buffers) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(8192, 0, &vmo));
    for (unsigned i = 0; i < NBAD; i++) {
        EXPECT_STATUS(zx_vmo_read(vmo, bad_ptrs[i], 0, 16), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_vmo_write(vmo, bad_ptrs[i], 0, 16), ZX_ERR_INVALID_ARGS);
    }
    EXPECT_STATUS(zx_vmo_read(vmo, NULL, 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_write(vmo, NULL, 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_read(vmo, NEAR_TOP, 0, 16), ZX_ERR_INVALID_ARGS);  // straddles the end
    EXPECT_OK(zx_vmo_read(vmo, aligned_buf + 3, 0, 5));                    // misaligned buffers are fine
    uint64_t size;
    EXPECT_STATUS(zx_vmo_get_size(vmo, (uint64_t *)UNMAPPED), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_get_size(vmo, (uint64_t *)(aligned_buf + 4)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_get_size(vmo, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_vmo_get_size(vmo, &size));
    // Half of a buffer mapped: the copy fails partway and reports INVALID_ARGS.
    zx_handle_t m;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmo_create(4096, 0, &m));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, m, 0, 8192, &addr));
    EXPECT_STATUS(zx_vmo_read(vmo, (void *)(addr + 4096 - 8), 0, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 8192));
    zx_handle_close(m);
    zx_handle_close(vmo);
}

TEST_CASE(object_calls) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    for (unsigned i = 0; i < NBAD; i++) {
        EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_HANDLE_BASIC, bad_ptrs[i], sizeof(zx_info_handle_basic_t),
                                         NULL, NULL),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_NAME, bad_ptrs[i], ZX_MAX_NAME_LEN), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_object_set_property(vmo, ZX_PROP_NAME, bad_ptrs[i], 8), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, 0, (zx_signals_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_debug_write(bad_ptrs[i], 8), ZX_ERR_INVALID_ARGS);
    }
    zx_info_handle_basic_t info;
    EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info, (size_t *)(aligned_buf + 1),
                                     NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL,
                                     (size_t *)UNMAPPED),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_NAME, NULL, ZX_MAX_NAME_LEN), ZX_ERR_INVALID_ARGS);
    zx_handle_close(vmo);
}

TEST_CASE(channel_calls) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    for (unsigned i = 0; i < NBAD; i++) {
        EXPECT_STATUS(zx_channel_write(a, 0, bad_ptrs[i], 8, NULL, 0), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_channel_write(a, 0, NULL, 0, (zx_handle_t *)bad_ptrs[i], 1), ZX_ERR_INVALID_ARGS);
    }
    ASSERT_OK(zx_channel_write(a, 0, "hello", 5, NULL, 0));
    uint32_t nb, nh;
    EXPECT_STATUS(zx_channel_read(b, 0, UNMAPPED, NULL, 5, 0, &nb, &nh), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_channel_write(a, 0, "hello", 5, NULL, 0));
    EXPECT_STATUS(zx_channel_read(b, 0, aligned_buf, NULL, 64, 0, (uint32_t *)KERNEL_ADDR, &nh),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_channel_read(b, 0, aligned_buf, NULL, 64, 0, (uint32_t *)(aligned_buf + 1), &nh),
                  ZX_ERR_INVALID_ARGS);
    zx_handle_close(a);
    zx_handle_close(b);
}

// Waiting, ports, timers, events: every pointer, every bad kind, nothing leaked
// (a handle the call would have made is closed again when its out-pointer fails).
TEST_CASE(wait_port_timer_event_calls) {
    zx_handle_t port, ev, h;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_event_create(0, &ev));
    zx_port_packet_t pkt;
    memset(&pkt, 0, sizeof pkt);
    for (unsigned i = 0; i < NBAD; i++) {
        EXPECT_STATUS(zx_port_create(0, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_timer_create(0, ZX_CLOCK_MONOTONIC, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_event_create(0, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_eventpair_create(0, &h, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_port_queue(port, (const zx_port_packet_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        // With a packet queued: a pointer outside user space is refused before
        // anything is taken; an unmapped one fails the copy out after the packet
        // was taken (as in Zircon).
        ASSERT_OK(zx_port_queue(port, &pkt));
        EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, (zx_port_packet_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_object_wait_many((zx_wait_item_t *)bad_ptrs[i], 2, ZX_TIME_INFINITE_PAST),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE_PAST, (zx_signals_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_object_get_child(zx_job_default(), zxrv_koid_of(zx_process_self()), ZX_RIGHT_SAME_RIGHTS,
                                          (zx_handle_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
    }
    EXPECT_STATUS(zx_port_queue(port, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_wait_many(NULL, 1, ZX_TIME_INFINITE_PAST), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_object_wait_many((zx_wait_item_t *)(aligned_buf + 2), 1, ZX_TIME_INFINITE_PAST),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_create(0, (zx_handle_t *)(aligned_buf + 1)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_port_queue(port, (const zx_port_packet_t *)(aligned_buf + 4)), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &pkt));  // the kernel-address and past-the-top rounds
    EXPECT_OK(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &pkt));
    EXPECT_STATUS(zx_port_wait(port, ZX_TIME_INFINITE_PAST, &pkt), ZX_ERR_TIMED_OUT);
    zx_handle_close(ev);
    zx_handle_close(port);
}

// Interrupts and the device list: bad out-pointers leak no interrupt object
// and leave no source bound; zx_interrupt_wait's timestamp pointer is checked
// before the wait (outside user space, misaligned) or fails the copy after it
// (unmapped), as in Zircon.
TEST_CASE(interrupt_calls) {
    zx_handle_t root = zxrv_root_resource(), irq;
    zxrv_device_info_t devs[4];
    for (unsigned i = 0; i < NBAD; i++) {
        EXPECT_STATUS(zx_interrupt_create(root, 0, ZX_INTERRUPT_VIRTUAL, (zx_handle_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_interrupt_create(root, 5, 0, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_object_get_info(root, ZXRV_INFO_DEVICES, bad_ptrs[i], sizeof devs, NULL, NULL),
                      ZX_ERR_INVALID_ARGS);
    }
    ASSERT_OK(zx_interrupt_create(root, 5, 0, &irq));  // the failed creates left source 5 free
    EXPECT_OK(zx_handle_close(irq));
    EXPECT_STATUS(zx_interrupt_create(root, 0, ZX_INTERRUPT_VIRTUAL, (zx_handle_t *)(aligned_buf + 2)),
                  ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_interrupt_create(root, 0, ZX_INTERRUPT_VIRTUAL, &irq));
    ASSERT_OK(zx_interrupt_trigger(irq, 0, 77));
    EXPECT_STATUS(zx_interrupt_wait(irq, (zx_time_t *)KERNEL_ADDR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_interrupt_wait(irq, (zx_time_t *)PAST_TOP), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_interrupt_wait(irq, (zx_time_t *)(aligned_buf + 4)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_interrupt_wait(irq, (zx_time_t *)UNMAPPED), ZX_ERR_INVALID_ARGS);  // taken, then the copy
    ASSERT_OK(zx_interrupt_trigger(irq, 0, 78));
    zx_time_t ts = 0;
    EXPECT_OK(zx_interrupt_wait(irq, &ts));
    EXPECT_EQ(ts, 78);
    EXPECT_OK(zx_handle_close(irq));
    size_t actual = 0, avail = 0;
    EXPECT_OK(zx_object_get_info(root, ZXRV_INFO_DEVICES, devs, sizeof devs, &actual, &avail));
    EXPECT_TRUE(actual == 4 && avail >= actual);
}

TEST_CASE(task_and_vmar_calls) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    for (unsigned i = 0; i < NBAD; i++) {
        EXPECT_STATUS(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, 4096, (zx_vaddr_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_process_create(zx_job_default(), bad_ptrs[i], 4, 0, &vmo, &vmo), ZX_ERR_INVALID_ARGS);
    }
    EXPECT_STATUS(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, 4096, (zx_vaddr_t *)(aligned_buf + 4)),
                  ZX_ERR_INVALID_ARGS);
    zx_handle_close(vmo);
}

// Futexes: a futex word the call reads (wait, the first word of a requeue)
// must be readable; one it only uses as a key (wake, get_owner, the requeue
// target) may be any aligned user address, mapped or not, as in Zircon
// ("passing in an unallocated address ... is not an error"), but never a
// kernel address or beyond user space.
TEST_CASE(futex_pointers) {
    zx_futex_t f = 0, g = 0;
    zx_koid_t koid;
    for (unsigned i = 0; i < NBAD; i++) {
        zx_futex_t *p = (zx_futex_t *)bad_ptrs[i];
        EXPECT_STATUS(zx_futex_wait(p, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_futex_requeue(p, 1, 0, &g, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_futex_requeue_single_owner(p, 0, &g, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_futex_get_owner(&f, (zx_koid_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        zx_status_t key_only = p == UNMAPPED ? ZX_OK : ZX_ERR_INVALID_ARGS;
        EXPECT_STATUS(zx_futex_wake(p, 1), key_only);
        EXPECT_STATUS(zx_futex_wake_single_owner(p), key_only);
        EXPECT_STATUS(zx_futex_get_owner(p, &koid), key_only);
        EXPECT_STATUS(zx_futex_requeue(&f, 1, 0, p, 1, ZX_HANDLE_INVALID), key_only);
    }
    EXPECT_STATUS(zx_futex_wait(NEAR_TOP, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&f, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&f, (zx_koid_t *)(aligned_buf + 4)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait((zx_futex_t *)(aligned_buf + 2), 0, ZX_HANDLE_INVALID, 0), ZX_ERR_INVALID_ARGS);
}

// The DMA calls: zx_iommu_create's descriptor and out-pointer,
// zx_bti_create's, zx_vmo_create_contiguous's, zx_bti_pin's address array
// (also one that runs past the end of user space: the pin is made, the copy
// fails, and it is undone, never quarantined) and PMT out-pointer; then the
// BTI has no PMT and the kernel's pages, objects and heap are as before.
TEST_CASE(dma_calls) {
    zxrv_kernel_stats_t a, b;
    zx_handle_t rsrc, iommu, bti, vmo, pmt;
    ASSERT_OK(zx_resource_create(zxrv_root_resource(), ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_IOMMU_BASE, 1, "i", 1,
                                 &rsrc));
    zx_iommu_desc_dummy_t desc = {0};
    ASSERT_OK(zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof desc, &iommu));
    ASSERT_OK(zx_bti_create(iommu, 0, 1, &bti));
    ASSERT_OK(zx_vmo_create(4 * 4096, 0, &vmo));
    ASSERT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 4 * 4096, NULL, 0));  // pins commit: done first
    ASSERT_OK(zxrv_kernel_stats(&a));
    zx_paddr_t addrs[4];
    for (unsigned i = 0; i < NBAD; i++) {
        zx_handle_t h;
        EXPECT_STATUS(zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, bad_ptrs[i], sizeof desc, &h), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, &desc, sizeof desc, (zx_handle_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_bti_create(iommu, 0, 2, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_vmo_create_contiguous(bti, 4096, 0, (zx_handle_t *)bad_ptrs[i]), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, 4 * 4096, (zx_paddr_t *)bad_ptrs[i], 4, &pmt),
                      ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, 4 * 4096, addrs, 4, (zx_handle_t *)bad_ptrs[i]),
                      ZX_ERR_INVALID_ARGS);
    }
    EXPECT_STATUS(zx_iommu_create(rsrc, ZX_IOMMU_TYPE_DUMMY, NULL, sizeof desc, &iommu), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_bti_create(iommu, 0, 2, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_bti_create(iommu, 0, 2, (zx_handle_t *)(aligned_buf + 1)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_contiguous(bti, 4096, 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, 4 * 4096, NULL, 4, &pmt), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, 4 * 4096, addrs, 4, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, 4 * 4096, (zx_paddr_t *)(aligned_buf + 4), 4, &pmt),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, 4 * 4096, addrs, 4, (zx_handle_t *)(aligned_buf + 2)),
                  ZX_ERR_INVALID_ARGS);
    // 32 bytes of addresses from 8 bytes before the end of user space.
    EXPECT_STATUS(zx_bti_pin(bti, ZX_BTI_PERM_READ, vmo, 0, 4 * 4096, (zx_paddr_t *)((char *)PAST_TOP - 8), 4, &pmt),
                  ZX_ERR_INVALID_ARGS);
    zx_info_bti_t info;
    EXPECT_OK(zx_object_get_info(bti, ZX_INFO_BTI, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.pmo_count, 0);
    EXPECT_EQ(info.quarantine_count, 0);
    EXPECT_STATUS(zx_object_get_info(bti, ZX_INFO_BTI, UNMAPPED, sizeof info, NULL, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zxrv_kernel_stats(&b));
    EXPECT_EQ(b.live_objects, a.live_objects);
    EXPECT_EQ(b.heap_blocks, a.heap_blocks);
    EXPECT_EQ(b.free_pages, a.free_pages);
    zx_handle_close(vmo);
    zx_handle_close(bti);
    zx_handle_close(iommu);
    zx_handle_close(rsrc);
}

TEST_CASE(nothing_leaked) {
    zxrv_kernel_stats_t a, b;
    ASSERT_OK(zxrv_kernel_stats(&a));
    zx_handle_t h;
    for (int i = 0; i < 50; i++) {
        EXPECT_STATUS(zx_vmo_create(4096, 0, (zx_handle_t *)UNMAPPED), ZX_ERR_INVALID_ARGS);
        EXPECT_STATUS(zx_channel_create(0, &h, (zx_handle_t *)UNMAPPED), ZX_ERR_INVALID_ARGS);
    }
    ASSERT_OK(zxrv_kernel_stats(&b));
    EXPECT_EQ(b.live_objects, a.live_objects);
    EXPECT_EQ(b.heap_blocks, a.heap_blocks);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
