// Conformance: VMO children (zx_vmo_create_child) and ZX_VMO_ZERO_CHILDREN,
// the seed sentence "The ZX_VMO_ZERO_CHILDREN signal is active on a newly
// created VMO. It becomes inactive whenever a child of the VMO is created and
// becomes active again when all children have been destroyed and no mappings
// of those children into address spaces exist.", and checks of our own on
// zx_vmo_create_child (option errors, child rights, trees closed in any order,
// physical slices). Zircon's own cases for children have one equivalent each in
// vmo-clone2.c (VmoClone2TestCase), vmo-slice.c (VmoSliceTestCase),
// vmo-signal.c (VmoSignalTestCase), vmo-clone.c (VmoCloneTestCase) and
// vmo-zero.c (VmoZero); the cases that were here before those programs
// existed and duplicated one of them moved there.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>


static bool zero_children(zx_handle_t vmo) {
    zx_signals_t seen = 0;
    zx_status_t st = zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, 0, &seen);
    return st == ZX_OK && (seen & ZX_VMO_ZERO_CHILDREN);
}

static void wr(zx_handle_t vmo, uint64_t off, uint64_t v) { zx_vmo_write(vmo, &v, off, sizeof v); }

// "It becomes inactive whenever a child of the VMO is created and becomes
// active again when all children have been destroyed"
TEST_CASE(zero_children_follows_children) {
    zx_handle_t p, c1, c2;
    ASSERT_OK(zx_vmo_create(8192, 0, &p));
    EXPECT_TRUE(zero_children(p));
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 8192, &c1));
    EXPECT_TRUE(!zero_children(p));
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SLICE, 0, 4096, &c2));
    EXPECT_TRUE(!zero_children(p));
    EXPECT_TRUE(zero_children(c1));  // a child is itself a new VMO with no children
    zx_handle_close(c1);
    EXPECT_TRUE(!zero_children(p));
    zx_handle_close(c2);
    EXPECT_TRUE(zero_children(p));
    zx_handle_close(p);
}

// "... and no mappings of those children into address spaces exist."
TEST_CASE(zero_children_waits_for_child_mappings) {
    zx_handle_t p, c;
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmo_create(4096, 0, &p));
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &c));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, c, 0, 4096, &addr));
    zx_handle_close(c);  // the last handle: the mapping keeps the child
    EXPECT_TRUE(!zero_children(p));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 4096));
    EXPECT_TRUE(zero_children(p));
    zx_handle_close(p);
}

// A waiter blocked before the last child goes is woken (VmoSignal).
static volatile int waiter_result = 1;
static zx_handle_t waiter_vmo;

// A new thread starts with only pc, sp, a0 and a1 set: give it the global
// pointer (the linker relaxes global accesses to gp) before any C code runs.
void waiter(uintptr_t arg1, uintptr_t arg2);
void waiter_entry(uintptr_t arg1, uintptr_t arg2);
__asm__(".globl waiter_entry\n"
        "waiter_entry:\n"
        ".option push\n.option norelax\n"
        "lla gp, __global_pointer$\n"
        ".option pop\n"
        "tail waiter\n");

void waiter(uintptr_t arg1, uintptr_t arg2) {
    (void)arg1;
    (void)arg2;
    waiter_result = zx_object_wait_one(waiter_vmo, ZX_VMO_ZERO_CHILDREN, ZX_TIME_INFINITE, NULL);
    zx_thread_exit();
}

TEST_CASE(blocked_waiter_woken_when_last_child_closes) {
    zx_handle_t c, thread, stack;
    ASSERT_OK(zx_vmo_create(4096, 0, &waiter_vmo));
    ASSERT_OK(zx_vmo_create_child(waiter_vmo, ZX_VMO_CHILD_SLICE, 0, 4096, &c));
    ASSERT_OK(zx_vmo_create(16384, 0, &stack));
    zx_vaddr_t sp;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack, 0, 16384, &sp));
    ASSERT_OK(zx_thread_create(zx_process_self(), "waiter", 6, 0, &thread));
    ASSERT_OK(zx_thread_start(thread, (zx_vaddr_t)waiter_entry, sp + 16384, 0, 0));
    zx_nanosleep(zx_clock_get_monotonic() + 20 * 1000 * 1000);  // let it block
    EXPECT_EQ(waiter_result, 1);
    zx_handle_close(c);
    EXPECT_OK(zx_object_wait_one(thread, ZX_THREAD_TERMINATED, zx_clock_get_monotonic() + 1000000000ll, NULL));
    EXPECT_EQ(waiter_result, ZX_OK);
    zx_handle_close(thread);
    zx_vmar_unmap(zx_vmar_root_self(), sp, 16384);
    zx_handle_close(stack);
    zx_handle_close(waiter_vmo);
}

// Option and range errors of zx_vmo_create_child (a slice past the parent's end:
// VmoSliceTestCase NonSlice in vmo-slice.c).
TEST_CASE(errors) {
    zx_handle_t p, c, r;
    ASSERT_OK(zx_vmo_create(8192, 0, &p));
    EXPECT_STATUS(zx_vmo_create_child(p, 0, 0, 4096, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_SLICE, 0, 4096, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_child(p, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_RESIZABLE, 0, 4096, &c), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_NO_WRITE | ZX_VMO_CHILD_RESIZABLE, 0,
                                      4096, &c),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, UINT64_MAX - 4095, 8192, &c), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 8192, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_handle_duplicate(p, ZX_RIGHT_READ, &r));  // no DUPLICATE right
    EXPECT_STATUS(zx_vmo_create_child(r, ZX_VMO_CHILD_SNAPSHOT, 0, 8192, &c), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(r);
    EXPECT_TRUE(zero_children(p));
    zx_handle_close(p);
}

// EXECUTE and WRITE on children of an executable handle, as Zircon's
// sys_vmo_create_child: each snapshot kind (SNAPSHOT, AT_LEAST_ON_WRITE,
// SNAPSHOT_MODIFIED) trades EXECUTE for WRITE; with NO_WRITE it only loses
// WRITE and keeps EXECUTE; a slice keeps both.
TEST_CASE(child_rights_execute) {
    zx_handle_t p, c;
    ASSERT_OK(zx_vmo_create(4096, 0, &p));
    ASSERT_OK(zx_vmo_replace_as_executable(p, ZX_HANDLE_INVALID, &p));
    const uint32_t snapshots[] = {ZX_VMO_CHILD_SNAPSHOT, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
                                  ZX_VMO_CHILD_SNAPSHOT_MODIFIED};
    const zx_rights_t wx = ZX_RIGHT_WRITE | ZX_RIGHT_EXECUTE;
    zx_info_handle_basic_t info;
    for (unsigned i = 0; i < 3; i++) {
        ASSERT_OK(zx_vmo_create_child(p, snapshots[i], 0, 4096, &c));
        ASSERT_OK(zx_object_get_info(c, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
        EXPECT_EQ(info.rights & wx, ZX_RIGHT_WRITE);
        zx_handle_close(c);
        ASSERT_OK(zx_vmo_create_child(p, snapshots[i] | ZX_VMO_CHILD_NO_WRITE, 0, 4096, &c));
        ASSERT_OK(zx_object_get_info(c, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
        EXPECT_EQ(info.rights & wx, ZX_RIGHT_EXECUTE);
        zx_handle_close(c);
    }
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SLICE, 0, 4096, &c));
    ASSERT_OK(zx_object_get_info(c, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.rights & wx, wx);
    zx_handle_close(c);
    zx_handle_close(p);
}

// Rights (zircon-abi.md §12) and "Children of a non-resizable VMO can be resized."
TEST_CASE(child_rights_and_resizable_child) {
    zx_handle_t p, c, nw;
    ASSERT_OK(zx_vmo_create(8192, 0, &p));
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0, 8192, &c));
    zx_info_handle_basic_t info;
    ASSERT_OK(zx_object_get_info(c, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
    EXPECT_TRUE(info.rights & ZX_RIGHT_RESIZE);
    EXPECT_TRUE(info.rights & ZX_RIGHT_WRITE);
    EXPECT_EQ(info.rights & ZX_RIGHT_EXECUTE, 0);
    EXPECT_OK(zx_vmo_set_size(c, 5 * 4096));
    EXPECT_STATUS(zx_vmo_set_size(p, 5 * 4096), ZX_ERR_UNAVAILABLE);
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_NO_WRITE, 0, 4096, &nw));
    ASSERT_OK(zx_object_get_info(nw, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.rights & ZX_RIGHT_WRITE, 0);
    uint64_t v = 1;
    EXPECT_STATUS(zx_vmo_write(nw, &v, 0, 8), ZX_ERR_ACCESS_DENIED);
    zx_info_vmo_t vi;
    ASSERT_OK(zx_object_get_info(c, ZX_INFO_VMO, &vi, sizeof vi, NULL, NULL));
    zx_info_handle_basic_t pb;
    ASSERT_OK(zx_object_get_info(p, ZX_INFO_HANDLE_BASIC, &pb, sizeof pb, NULL, NULL));
    EXPECT_EQ(vi.parent_koid, pb.koid);
    EXPECT_TRUE(vi.flags & ZX_INFO_VMO_IS_COW_CLONE);
    zx_handle_close(nw);
    zx_handle_close(c);
    zx_handle_close(p);
}

// A tree of snapshots and slices closed in any order frees every page exactly once.
TEST_CASE(many_children_any_order) {
    zx_handle_t p, kids[16];
    ASSERT_OK(zx_vmo_create(4 * 4096, 0, &p));
    for (int i = 0; i < 4; i++) wr(p, i * 4096, i + 1);
    for (int i = 0; i < 16; i++)
        ASSERT_OK(zx_vmo_create_child(i % 2 ? kids[i - 1] : p, i % 3 ? ZX_VMO_CHILD_SNAPSHOT : ZX_VMO_CHILD_SLICE, 0,
                                      4 * 4096, &kids[i]));
    zx_handle_close(p);
    for (int i = 15; i >= 0; i -= 2) zx_handle_close(kids[i]);
    for (int i = 0; i < 16; i += 2) zx_handle_close(kids[i]);
}

// A physical parent can be sliced (no snapshot: VmoClone2TestCase NoPhysical in vmo-clone2.c).
TEST_CASE(physical_slice) {
    zx_handle_t root = zxrv_root_resource(), phys, c;
    ASSERT_OK(zx_vmo_create_physical(root, 0x10000000, 4096, &phys));  // the UART page on virt and sifive_u
    EXPECT_OK(zx_vmo_create_child(phys, ZX_VMO_CHILD_SLICE, 0, 4096, &c));
    zx_handle_close(c);
    zx_handle_close(phys);
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
