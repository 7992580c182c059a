// Conformance: Zircon's VmoSignalTestCase family (zircon/system/utest/core/vmo/vmo-signal.cc),
// the signals of a VMO handle; one case per Zircon case name, written in C against our own
// headers. The old ZX_VMO_CHILD_COPY_ON_WRITE of that file is ZX_VMO_CHILD_SNAPSHOT (the same
// bit, renamed). zx_deadline_after(2) is now + 2 ns.
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>

#include "vmo-helpers.h"


static zx_time_t deadline_after(zx_time_t ns) { return zx_clock_get_monotonic() + ns; }

// SignalSanity: a new VMO has exactly ZX_VMO_ZERO_CHILDREN asserted; waiting for
// ZX_USER_SIGNAL_0 times out. (Zircon then raises ZX_USER_SIGNAL_0 with zx_object_signal
// and waits for it; there is no zx_object_signal here, so that half is not checked.)
TEST_CASE(SignalSanity) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_NE(vmo, ZX_HANDLE_INVALID);
    zx_signals_t out = 0;
    EXPECT_STATUS(zx_object_wait_one(vmo, ZX_USER_SIGNAL_0, deadline_after(2), &out), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(out, ZX_VMO_ZERO_CHILDREN);
    EXPECT_OK(zx_handle_close(vmo));
}

// ChildSignalClone: the signal through a chain of two snapshots, ten times over; a
// grandchild keeps the parent's signal cleared after the child closed.
TEST_CASE(ChildSignalClone) {
    zx_handle_t vmo, clone, clone2;
    ASSERT_OK(zx_vmo_create(2 * 4096, 0, &vmo));
    for (int i = 0; i < 10; i++) {
        ASSERT_OK(has_no_children(vmo));
        ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &clone));
        EXPECT_OK(has_no_children(clone));
        EXPECT_OK(has_children(vmo));
        ASSERT_OK(zx_vmo_create_child(clone, ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &clone2));
        EXPECT_OK(has_no_children(clone2));
        EXPECT_OK(has_children(clone));
        EXPECT_OK(has_children(vmo));
        EXPECT_OK(zx_handle_close(clone));
        EXPECT_OK(has_children(vmo));
        EXPECT_OK(has_no_children(clone2));
        EXPECT_OK(zx_handle_close(clone2));
    }
    EXPECT_OK(zx_handle_close(vmo));
}

// ChildSignalMap: a mapped snapshot keeps the parent's signal cleared after its handle
// is closed, ten times over (the unmap then lets the next round see no children).
TEST_CASE(ChildSignalMap) {
    zx_handle_t vmo, clone;
    ASSERT_OK(zx_vmo_create(2 * 4096, 0, &vmo));
    for (int i = 0; i < 10; i++) {
        ASSERT_OK(has_no_children(vmo));
        ASSERT_OK(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &clone));
        zx_vaddr_t addr = 0;
        ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, clone, 0, 4096, &addr));
        EXPECT_OK(has_children(vmo));
        EXPECT_OK(zx_handle_close(clone));
        EXPECT_OK(has_children(vmo));
        EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 4096));
    }
    EXPECT_OK(zx_handle_close(vmo));
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
