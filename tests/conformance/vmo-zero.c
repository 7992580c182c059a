// Conformance: Zircon's VmoZero family (zircon/system/utest/core/vmo/vmo-zero.cc, the
// newest version stored), ZX_VMO_OP_ZERO on committed and uncommitted pages, across page
// boundaries and in trees of snapshots; one case per Zircon case name whose feature this
// kernel has, written in C against our own headers.
//
// Memory accounting follows the newest Zircon definitions (vmo-helpers.h): where Zircon
// checks a VMO's attributed bytes (the page's share: "Page 0 shared 2 times") we check
// committed_scaled_bytes (PSS) to the same value, and RSS and USS as they follow from
// the definitions. Zircon polls after closing a VMO; nothing else holds ours, so we
// check at once. Zircon's case ZeroFreesAndAllocates is registered under the suite
// name "VmoZeroTestcase" (sic). Contiguous is not applicable (README.md).
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

#include "vmo-helpers.h"


#define SNAP ZX_VMO_CHILD_SNAPSHOT

static zx_status_t zero(zx_handle_t vmo, uint64_t off, uint64_t len) {
    return zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, off, len, NULL, 0);
}

static bool all_same(const volatile uint8_t *p, size_t len, uint8_t val) {
    for (size_t i = 0; i < len; i++)
        if (p[i] != val) return false;
    return true;
}

// Zircon's usual start: a 2-page parent with 1 written at offset 0, and a
// snapshot child of `child_len` bytes that shares that page.
static zx_status_t parent_and_child(zx_handle_t *parent, zx_handle_t *child, uint64_t child_len) {
    zx_status_t st = zx_vmo_create(2 * PAGE, 0, parent);
    if (st != ZX_OK) return st;
    uint32_t one = 1;
    st = zx_vmo_write(*parent, &one, 0, sizeof one);
    if (st == ZX_OK) st = zx_vmo_create_child(*parent, SNAP, 0, child_len, child);
    if (st != ZX_OK) zx_handle_close(*parent);
    return st;
}

// UnalignedSubPage: zeroing 91 bytes inside a page clears exactly those bytes.
TEST_CASE(UnalignedSubPage) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    volatile uint8_t *p = (volatile uint8_t *)map_rw(vmo, PAGE);
    EXPECT_TRUE(p != NULL);
    if (p) {
        memset((void *)p, 0xff, PAGE);
        EXPECT_OK(zero(vmo, 42, 91));
        EXPECT_TRUE(all_same(p, 42, 0xff));
        EXPECT_TRUE(all_same(p + 42, 91, 0));
        EXPECT_TRUE(all_same(p + 42 + 91, PAGE - 42 - 91, 0xff));
    }
    unmap(p, PAGE);
    zx_handle_close(vmo);
}

// UnalignedCommitted: zeroing [1/2 page, 3/2 page) of two committed pages.
TEST_CASE(UnalignedCommitted) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    volatile uint8_t *p = (volatile uint8_t *)map_rw(vmo, 2 * PAGE);
    EXPECT_TRUE(p != NULL);
    if (p) {
        memset((void *)p, 0xff, 2 * PAGE);
        EXPECT_OK(zero(vmo, PAGE / 2, PAGE));
        EXPECT_TRUE(all_same(p, PAGE / 2, 0xff));
        EXPECT_TRUE(all_same(p + PAGE / 2, PAGE, 0));
        EXPECT_TRUE(all_same(p + PAGE + PAGE / 2, PAGE / 2, 0xff));
    }
    unmap(p, 2 * PAGE);
    zx_handle_close(vmo);
}

// UnalignedUnCommitted: zeroing never-committed pages commits nothing.
TEST_CASE(UnalignedUnCommitted) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    EXPECT_MEM(vmo, 0, 0, 0);
    EXPECT_OK(zero(vmo, PAGE / 2, PAGE));
    EXPECT_MEM(vmo, 0, 0, 0);
    zx_handle_close(vmo);
}

// DecommitMiddle: zeroing across three committed pages frees the whole middle one.
TEST_CASE(DecommitMiddle) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(3 * PAGE, 0, &vmo));
    volatile uint8_t *p = (volatile uint8_t *)map_rw(vmo, 3 * PAGE);
    ASSERT_TRUE(p != NULL);
    memset((void *)p, 0xff, 3 * PAGE);
    EXPECT_MEM(vmo, 3 * PAGE, 3 * PAGE, 3 * PAGE);
    EXPECT_OK(zero(vmo, PAGE / 2, 2 * PAGE));
    EXPECT_MEM(vmo, 2 * PAGE, 2 * PAGE, 2 * PAGE);
    unmap(p, 3 * PAGE);
    zx_handle_close(vmo);
}

// ContentInParentAndChild: zeroing a page a snapshot forked makes it read zero, not
// the parent's data.
TEST_CASE(ContentInParentAndChild) {
    zx_handle_t parent, child;
    ASSERT_OK(parent_and_child(&parent, &child, 2 * PAGE));
    VMO_WRITE(child, 2, 0);
    EXPECT_OK(zero(child, 0, PAGE));
    VMO_CHECK(child, 0, 0);
    VMO_CHECK(parent, 1, 0);  // (not in Zircon's case)
    zx_handle_close(child);
    zx_handle_close(parent);
}

// EmptyCowChildren: a shared page zeroed in the child stays the parent's alone; zeroed
// in the parent too, it is gone.
TEST_CASE(EmptyCowChildren) {
    zx_handle_t parent, child;
    ASSERT_OK(parent_and_child(&parent, &child, 2 * PAGE));
    VMO_CHECK(child, 1, 0);
    EXPECT_MEM(parent, PAGE, 0, PAGE / 2);  // page 0 seen by both
    EXPECT_MEM(child, PAGE, 0, PAGE / 2);

    EXPECT_OK(zero(child, 0, PAGE));
    VMO_CHECK(child, 0, 0);
    EXPECT_MEM(parent, PAGE, PAGE, PAGE);
    EXPECT_MEM(child, 0, 0, 0);

    EXPECT_OK(zero(parent, 0, PAGE));
    VMO_CHECK(parent, 0, 0);
    EXPECT_MEM(parent, 0, 0, 0);
    EXPECT_MEM(child, 0, 0, 0);
    zx_handle_close(child);
    zx_handle_close(parent);
}

// MergeZeroChildren: a shared page zeroed in the parent becomes the child's; closing the
// child frees it (it does not come back to the parent).
TEST_CASE(MergeZeroChildren) {
    zx_handle_t parent, child;
    ASSERT_OK(parent_and_child(&parent, &child, PAGE));
    EXPECT_MEM(parent, PAGE, 0, PAGE / 2);
    EXPECT_MEM(child, PAGE, 0, PAGE / 2);

    EXPECT_OK(zero(parent, 0, PAGE));
    EXPECT_MEM(parent, 0, 0, 0);
    EXPECT_MEM(child, PAGE, PAGE, PAGE);
    VMO_CHECK(child, 1, 0);  // (not in Zircon's case)

    zx_handle_close(child);
    EXPECT_MEM(parent, 0, 0, 0);
    VMO_CHECK(parent, 0, 0);
    zx_handle_close(parent);
}

// AllocateAfterMerge: after the parent closes, a page the child had zeroed stays zero
// (the parent's old page does not show through), also after a write elsewhere in it.
TEST_CASE(AllocateAfterMerge) {
    zx_handle_t parent, child;
    ASSERT_OK(init_page_tagged(2, &parent));
    ASSERT_OK(zx_vmo_create_child(parent, SNAP, 0, 2 * PAGE, &child));
    VMO_CHECK(child, 1, 0);
    VMO_CHECK(child, 2, PAGE);
    EXPECT_MEM(parent, 2 * PAGE, 0, PAGE);  // 1/2 + 1/2
    EXPECT_MEM(child, 2 * PAGE, 0, PAGE);

    EXPECT_OK(zero(child, 0, PAGE));
    EXPECT_MEM(parent, 2 * PAGE, PAGE, 3 * PAGE / 2);  // 1 + 1/2
    EXPECT_MEM(child, PAGE, 0, PAGE / 2);              // 0 + 1/2

    zx_handle_close(parent);
    VMO_CHECK(child, 0, 0);
    VMO_CHECK(child, 2, PAGE);
    EXPECT_MEM(child, PAGE, PAGE, PAGE);

    VMO_WRITE(child, 1, 64);
    VMO_CHECK(child, 0, 0);
    EXPECT_MEM(child, 2 * PAGE, 2 * PAGE, 2 * PAGE);
    zx_handle_close(child);
}

// AllocateAfterMergeMultipleChildren: the same with two children and pages shared by
// three VMOs; closing one child leaves the others' views (zeroed or forked) intact.
// (Called AllocateAfterMergeHiddenChild in older versions of vmo-zero.cc.)
TEST_CASE(AllocateAfterMergeMultipleChildren) {
    zx_handle_t parent, child1, child2;
    ASSERT_OK(init_page_tagged(3, &parent));
    ASSERT_OK(zx_vmo_create_child(parent, SNAP, 0, 3 * PAGE, &child1));
    EXPECT_MEM(parent, 3 * PAGE, 0, 3 * PAGE / 2);
    EXPECT_MEM(child1, 3 * PAGE, 0, 3 * PAGE / 2);

    EXPECT_OK(zero(parent, 0, PAGE));  // page 0 is now child1's alone
    EXPECT_MEM(parent, 2 * PAGE, 0, PAGE);
    EXPECT_MEM(child1, 3 * PAGE, PAGE, 2 * PAGE);

    ASSERT_OK(zx_vmo_create_child(parent, SNAP, 0, 3 * PAGE, &child2));  // pages 1, 2 seen by three
    EXPECT_MEM(parent, 2 * PAGE, 0, 2 * PAGE / 3);
    EXPECT_MEM(child1, 3 * PAGE, PAGE, 5 * PAGE / 3);
    EXPECT_MEM(child2, 2 * PAGE, 0, 2 * PAGE / 3);

    EXPECT_OK(zero(child1, PAGE, PAGE));  // page 1 now seen by parent and child2
    EXPECT_MEM(parent, 2 * PAGE, 0, 5 * PAGE / 6);  // 1/2 + 1/3
    EXPECT_MEM(child1, 2 * PAGE, PAGE, 4 * PAGE / 3);  // 1 + 1/3
    EXPECT_MEM(child2, 2 * PAGE, 0, 5 * PAGE / 6);
    VMO_CHECK(parent, 0, 0);
    VMO_CHECK(parent, 2, PAGE);
    VMO_CHECK(parent, 3, 2 * PAGE);
    VMO_CHECK(child1, 1, 0);
    VMO_CHECK(child1, 0, PAGE);
    VMO_CHECK(child1, 3, 2 * PAGE);
    VMO_CHECK(child2, 0, 0);
    VMO_CHECK(child2, 2, PAGE);
    VMO_CHECK(child2, 3, 2 * PAGE);

    zx_handle_close(child1);
    VMO_CHECK(parent, 0, 0);
    VMO_CHECK(parent, 2, PAGE);
    VMO_CHECK(parent, 3, 2 * PAGE);
    VMO_CHECK(child2, 0, 0);
    VMO_CHECK(child2, 2, PAGE);
    VMO_CHECK(child2, 3, 2 * PAGE);
    EXPECT_MEM(parent, 2 * PAGE, 0, PAGE);
    EXPECT_MEM(child2, 2 * PAGE, 0, PAGE);

    VMO_WRITE(parent, 1, 64);  // a fresh page: child1's old page 0 must not show
    VMO_CHECK(parent, 0, 0);
    EXPECT_MEM(parent, 3 * PAGE, PAGE, 2 * PAGE);
    EXPECT_MEM(child2, 2 * PAGE, 0, PAGE);

    VMO_WRITE(child2, 5, PAGE + 64);  // forks page 1 from the right page
    VMO_CHECK(child2, 2, PAGE);
    VMO_CHECK(parent, 0, PAGE + 64);
    VMO_CHECK(parent, 2, PAGE);
    EXPECT_MEM(parent, 3 * PAGE, 2 * PAGE, 5 * PAGE / 2);
    EXPECT_MEM(child2, 2 * PAGE, PAGE, 3 * PAGE / 2);
    zx_handle_close(child2);
    zx_handle_close(parent);
}

// WriteCowParent: the parent forks the shared page; the child zeroes its (old) copy,
// which frees it; after the parent closes the child still reads zeros.
TEST_CASE(WriteCowParent) {
    zx_handle_t parent, child;
    ASSERT_OK(parent_and_child(&parent, &child, 2 * PAGE));
    EXPECT_MEM(parent, PAGE, 0, PAGE / 2);
    EXPECT_MEM(child, PAGE, 0, PAGE / 2);

    VMO_CHECK(parent, 1, 0);
    VMO_WRITE(parent, 2, 0);
    EXPECT_MEM(parent, PAGE, PAGE, PAGE);
    EXPECT_MEM(child, PAGE, PAGE, PAGE);

    VMO_CHECK(child, 1, 0);
    EXPECT_OK(zero(child, 0, PAGE));
    VMO_CHECK(child, 0, 0);
    VMO_CHECK(parent, 2, 0);
    EXPECT_MEM(parent, PAGE, PAGE, PAGE);
    EXPECT_MEM(child, 0, 0, 0);

    zx_handle_close(parent);
    VMO_CHECK(child, 0, 0);
    EXPECT_MEM(child, 0, 0, 0);
    VMO_WRITE(child, 1, 64);
    VMO_CHECK(child, 0, 0);
    EXPECT_MEM(child, PAGE, PAGE, PAGE);
    zx_handle_close(child);
}

// ChildZeroThenWrite: a child zeroes a shared page and then writes it: a new page.
TEST_CASE(ChildZeroThenWrite) {
    zx_handle_t parent, child;
    ASSERT_OK(parent_and_child(&parent, &child, 2 * PAGE));
    EXPECT_MEM(parent, PAGE, 0, PAGE / 2);
    EXPECT_MEM(child, PAGE, 0, PAGE / 2);

    EXPECT_OK(zero(child, 0, PAGE));
    EXPECT_MEM(parent, PAGE, PAGE, PAGE);
    EXPECT_MEM(child, 0, 0, 0);

    VMO_WRITE(child, 1, 0);
    EXPECT_MEM(parent, PAGE, PAGE, PAGE);
    EXPECT_MEM(child, PAGE, PAGE, PAGE);

    zx_handle_close(parent);
    EXPECT_MEM(child, PAGE, PAGE, PAGE);
    VMO_CHECK(child, 1, 0);  // (not in Zircon's case)
    zx_handle_close(child);
}

// Nested: a page seen by a parent and two children (a third each); zeroed in the parent,
// it is the two children's (a half each).
TEST_CASE(Nested) {
    zx_handle_t parent, child1, child2;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &parent));
    VMO_WRITE(parent, 1, 0);
    ASSERT_OK(zx_vmo_create_child(parent, SNAP, 0, PAGE, &child1));
    ASSERT_OK(zx_vmo_create_child(parent, SNAP, 0, PAGE, &child2));
    EXPECT_MEM(parent, PAGE, 0, PAGE / 3);
    EXPECT_MEM(child1, PAGE, 0, PAGE / 3);
    EXPECT_MEM(child2, PAGE, 0, PAGE / 3);

    EXPECT_OK(zero(parent, 0, PAGE));
    EXPECT_MEM(parent, 0, 0, 0);
    EXPECT_MEM(child1, PAGE, 0, PAGE / 2);
    EXPECT_MEM(child2, PAGE, 0, PAGE / 2);
    VMO_CHECK(parent, 0, 0);  // (not in Zircon's case)
    VMO_CHECK(child1, 1, 0);
    VMO_CHECK(child2, 1, 0);
    zx_handle_close(child2);
    zx_handle_close(child1);
    zx_handle_close(parent);
}

// ZeroLengths: zeroing zero bytes succeeds, also at the end of the VMO.
TEST_CASE(ZeroLengths) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_OK(zero(vmo, 0, 0));
    EXPECT_OK(zero(vmo, 10, 0));
    EXPECT_OK(zero(vmo, PAGE, 0));
    zx_handle_close(vmo);
}

// ZeroFreesAndAllocates: one zero operation that both frees a page and has to fork one
// (two levels of snapshots).
TEST_CASE(ZeroFreesAndAllocates) {
    zx_handle_t parent, intermediate, child;
    ASSERT_OK(zx_vmo_create(3 * PAGE, 0, &parent));
    VMO_WRITE(parent, 1, PAGE);
    ASSERT_OK(zx_vmo_create_child(parent, SNAP, 0, 3 * PAGE, &intermediate));
    ASSERT_OK(zx_vmo_create_child(intermediate, SNAP, 0, 3 * PAGE, &child));
    VMO_WRITE(child, 1, 0);
    EXPECT_OK(zero(child, 0, 2 * PAGE));
    VMO_CHECK(child, 0, 0);  // (not in Zircon's case)
    VMO_CHECK(child, 0, PAGE);
    VMO_CHECK(intermediate, 1, PAGE);
    zx_handle_close(child);
    zx_handle_close(intermediate);
    zx_handle_close(parent);
}

// ResizeOverHiddenMarkers: a zeroed page that a sibling still sees stays zero for the
// sibling after the VMO that zeroed it shrinks past it; writing there gives a fresh page.
TEST_CASE(ResizeOverHiddenMarkers) {
    zx_handle_t vmo, intermediate, sibling;
    ASSERT_OK(zx_vmo_create(4 * PAGE, ZX_VMO_RESIZABLE, &vmo));
    VMO_WRITE(vmo, 1, 2 * PAGE);
    ASSERT_OK(zx_vmo_create_child(vmo, SNAP, 0, 4 * PAGE, &intermediate));
    ASSERT_OK(zero(vmo, 2 * PAGE, PAGE));
    ASSERT_OK(zx_vmo_create_child(vmo, SNAP, 2 * PAGE, PAGE, &sibling));
    VMO_CHECK(sibling, 0, 0);
    EXPECT_OK(zx_vmo_set_size(vmo, PAGE));
    VMO_CHECK(sibling, 0, 0);
    VMO_WRITE(sibling, 1, 0);
    VMO_CHECK(intermediate, 1, 2 * PAGE);  // (not in Zircon's case)
    zx_handle_close(sibling);
    zx_handle_close(intermediate);
    zx_handle_close(vmo);
}

// Contiguous: zeroing a page of a contiguous VMO zeroes it in place: both
// pages stay committed, at the same physical address.
TEST_CASE(Contiguous) {
    zx_handle_t iommu, bti, vmo, pmt;
    ASSERT_OK(vmo_make_bti("VmoZero Contiguous", &iommu, &bti));
    ASSERT_OK(zx_vmo_create_contiguous(bti, PAGE * 2, 0, &vmo));
    EXPECT_EQ(vmo_info(vmo).committed_bytes, PAGE * 2);
    zx_paddr_t phys_addr = 0, phys_addr2 = 0;
    EXPECT_OK(zx_bti_pin(bti, ZX_BTI_PERM_WRITE | ZX_BTI_CONTIGUOUS, vmo, 0, PAGE * 2, &phys_addr, 1, &pmt));
    zx_pmt_unpin(pmt);
    volatile uint32_t *ptr = map_rw(vmo, PAGE * 2);
    ASSERT_TRUE(ptr != NULL);
    for (uint64_t i = 0; i < PAGE * 2 / 4; i++) ptr[i] = 0xffffffffu;
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0));
    EXPECT_EQ(vmo_info(vmo).committed_bytes, PAGE * 2);
    bool zero = true, ff = true;
    for (uint64_t i = 0; i < PAGE / 4; i++) zero = zero && ptr[i] == 0;
    for (uint64_t i = PAGE / 4; i < PAGE * 2 / 4; i++) ff = ff && ptr[i] == 0xffffffffu;
    EXPECT_TRUE(zero);
    EXPECT_TRUE(ff);
    EXPECT_OK(zx_bti_pin(bti, ZX_BTI_PERM_WRITE | ZX_BTI_CONTIGUOUS, vmo, 0, PAGE * 2, &phys_addr2, 1, &pmt));
    zx_pmt_unpin(pmt);
    EXPECT_EQ(phys_addr, phys_addr2);
    unmap(ptr, PAGE * 2);
    zx_handle_close(vmo);
    VMO_CLOSE_BTI(iommu, bti);
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
