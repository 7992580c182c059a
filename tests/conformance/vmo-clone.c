// Conformance: Zircon's VmoCloneTestCase family (zircon/system/utest/core/vmo/vmo-clone.cc),
// one case per Zircon case name, written in C against our own headers.
//
// The old clone API: the first six cases come from the version of vmo-clone.cc written for
// ZX_VMO_CHILD_COPY_ON_WRITE (the first copy-on-write child option of zx_vmo_create_child,
// bit 0). That bit is ZX_VMO_CHILD_SNAPSHOT today (zircon-abi.md §6), and newer versions of
// the file use ZX_VMO_CHILD_SNAPSHOT for the same cases, so every COPY_ON_WRITE child here
// is a ZX_VMO_CHILD_SNAPSHOT child. The last three cases (ImmutableClone,
// NotImmutableMissingSnapshot, NotImmutableMissingNoWrite) come from the newer version.
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zxrv/test.h>

#include "vmo-helpers.h"


#define COPY_ON_WRITE ZX_VMO_CHILD_SNAPSHOT  // the old name of the bit

static zx_rights_t rights_of(zx_handle_t h) {
    zx_info_handle_basic_t info;
    if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) != ZX_OK) return 0;
    return info.rights;
}

// SizeAlign: a clone of any size from 0 to 4 pages - 1 of a zero-sized VMO has its size
// rounded up to a page.
TEST_CASE(SizeAlign) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(0, 0, &vmo));
    for (uint64_t s = 0; s < 4 * PAGE; s++) {
        zx_handle_t clone;
        zx_status_t st = zx_vmo_create_child(vmo, COPY_ON_WRITE, 0, s, &clone);
        EXPECT_OK(st);
        if (st != ZX_OK) break;
        uint64_t size = 0x99999999;
        EXPECT_OK(zx_vmo_get_size(clone, &size));
        EXPECT_EQ(size, (s + PAGE - 1) & ~(PAGE - 1));
        EXPECT_OK(zx_handle_close(clone));
        if (size != ((s + PAGE - 1) & ~(PAGE - 1))) break;  // one wrong size is enough
    }
    EXPECT_OK(zx_handle_close(vmo));
}

// NameProperty: a clone takes its parent's name, also when made from a handle without
// the property rights.
TEST_CASE(NameProperty) {
    zx_handle_t vmo, clone[2] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID};
    char name[ZX_MAX_NAME_LEN];
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    EXPECT_OK(zx_object_set_property(vmo, ZX_PROP_NAME, "test1", 5));
    EXPECT_OK(zx_vmo_create_child(vmo, COPY_ON_WRITE, 0, 4 * PAGE, &clone[0]));
    EXPECT_NE(clone[0], ZX_HANDLE_INVALID);
    memset(name, 0, sizeof name);
    EXPECT_OK(zx_object_get_property(clone[0], ZX_PROP_NAME, name, ZX_MAX_NAME_LEN));
    EXPECT_EQ(strcmp(name, "test1"), 0);

    EXPECT_OK(zx_handle_replace(vmo, ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHTS_PROPERTY, &vmo));
    EXPECT_OK(zx_vmo_create_child(vmo, COPY_ON_WRITE, 0, 4 * PAGE, &clone[1]));
    EXPECT_NE(clone[1], ZX_HANDLE_INVALID);
    // Zircon reads clone[0] again here; the name of clone[1] is what the case is about,
    // so both are read.
    memset(name, 0, sizeof name);
    EXPECT_OK(zx_object_get_property(clone[0], ZX_PROP_NAME, name, ZX_MAX_NAME_LEN));
    EXPECT_EQ(strcmp(name, "test1"), 0);
    memset(name, 0, sizeof name);
    EXPECT_OK(zx_object_get_property(clone[1], ZX_PROP_NAME, name, ZX_MAX_NAME_LEN));
    EXPECT_EQ(strcmp(name, "test1"), 0);

    EXPECT_OK(zx_handle_close(vmo));
    for (int i = 0; i < 2; i++) EXPECT_OK(zx_handle_close(clone[i]));
}

// Decommit: decommit is NOT_SUPPORTED on a clone and on a VMO that has a clone; once the
// clone is closed the parent can decommit.
TEST_CASE(Decommit) {
    zx_handle_t vmo, clone = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    EXPECT_OK(zx_vmo_create_child(vmo, COPY_ON_WRITE, 0, 4 * PAGE, &clone));
    EXPECT_NE(clone, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmo_op_range(clone, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(zx_handle_close(clone));
    EXPECT_OK(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0));
    EXPECT_OK(zx_handle_close(vmo));
}

// Commit: through mappings, a parent write after the clone is not seen by the clone,
// committing the clone's page does not bring it in, and a clone write stays in the clone.
TEST_CASE(Commit) {
    zx_handle_t vmo, clone;
    const uint64_t size = 4 * PAGE;
    ASSERT_OK(zx_vmo_create(size, 0, &vmo));
    volatile uint32_t *p = map_rw(vmo, size);
    EXPECT_TRUE(p != NULL);
    ASSERT_OK(zx_vmo_create_child(vmo, COPY_ON_WRITE, 0, size, &clone));
    volatile uint32_t *cp = map_rw(clone, size);
    EXPECT_TRUE(cp != NULL);
    if (p && cp) {
        memset((void *)p, 0x99, PAGE);
        EXPECT_EQ(p[0], 0x99999999);
        EXPECT_EQ(cp[0], 0);
        EXPECT_OK(zx_vmo_op_range(clone, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0));
        EXPECT_EQ(cp[0], 0);
        EXPECT_EQ(p[0], 0x99999999);
        cp[0] = 0x44444444;
        EXPECT_EQ(cp[0], 0x44444444);
        EXPECT_EQ(p[0], 0x99999999);
    }
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_OK(zx_handle_close(clone));
    if (p) EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)p, size));
    if (cp) EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)cp, size));
}

// Rights: a clone made through a READ|DUPLICATE handle gets READ, DUPLICATE, WRITE and the
// property rights, and a name of its own.
TEST_CASE(Rights) {
    static const char old_name[] = "original";
    static const char new_name[] = "clone";
    const zx_rights_t old_rights = ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE;
    const zx_rights_t new_rights = old_rights | ZX_RIGHT_WRITE | ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY;
    zx_handle_t vmo, reduced, clone;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    EXPECT_OK(zx_object_set_property(vmo, ZX_PROP_NAME, old_name, sizeof old_name));
    EXPECT_EQ(rights_of(vmo) & old_rights, old_rights);
    ASSERT_OK(zx_handle_duplicate(vmo, old_rights, &reduced));
    EXPECT_EQ(rights_of(reduced), old_rights);
    zx_status_t st = zx_vmo_create_child(reduced, COPY_ON_WRITE, 0, PAGE, &clone);
    EXPECT_OK(st);
    EXPECT_OK(zx_handle_close(reduced));
    if (st == ZX_OK) {
        EXPECT_OK(zx_object_set_property(clone, ZX_PROP_NAME, new_name, sizeof new_name));
        char name[ZX_MAX_NAME_LEN] = "bad";
        EXPECT_OK(zx_object_get_property(vmo, ZX_PROP_NAME, name, sizeof name));
        EXPECT_EQ(strcmp(name, old_name), 0);
        strcpy(name, "bad");
        EXPECT_OK(zx_object_get_property(clone, ZX_PROP_NAME, name, sizeof name));
        EXPECT_EQ(strcmp(name, new_name), 0);
    }
    EXPECT_OK(zx_handle_close(vmo));
    if (st == ZX_OK) {
        EXPECT_EQ(rights_of(clone), new_rights);
        EXPECT_OK(zx_handle_close(clone));
    }
}

// NoResize: a clone that is not resizable cannot be resized (UNAVAILABLE) and can be
// mapped with ZX_VM_REQUIRE_NON_RESIZABLE.
TEST_CASE(NoResize) {
    const uint64_t len = 4 * PAGE;
    zx_handle_t parent = ZX_HANDLE_INVALID, vmo = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_vmo_create(len, 0, &parent));
    EXPECT_OK(zx_vmo_create_child(parent, COPY_ON_WRITE, 0, len, &vmo));
    EXPECT_NE(vmo, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_vmo_set_size(vmo, len + PAGE), ZX_ERR_UNAVAILABLE);
    EXPECT_STATUS(zx_vmo_set_size(vmo, len - PAGE), ZX_ERR_UNAVAILABLE);
    uint64_t size = 0;
    EXPECT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, len);
    zx_vaddr_t ptr = 0;
    zx_status_t st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_REQUIRE_NON_RESIZABLE,
                                 0, vmo, 0, len, &ptr);
    EXPECT_OK(st);
    if (st == ZX_OK) {
        EXPECT_NE(ptr, 0);
        EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), ptr, len));
    }
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_OK(zx_handle_close(parent));
}

// A child made with `child_options` of a VMO made with `parent_options` has
// ZX_INFO_VMO_IMMUTABLE set exactly when `immutable`.
static void immutable_clone_test(uint32_t parent_options, uint32_t child_options, bool immutable) {
    const uint64_t len = 4 * PAGE;
    zx_handle_t parent, vmo;
    ASSERT_OK(zx_vmo_create(len, parent_options, &parent));
    zx_status_t st = zx_vmo_create_child(parent, child_options, 0, len, &vmo);
    EXPECT_OK(st);
    if (st == ZX_OK) {
        zx_info_vmo_t info;
        EXPECT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof info, NULL, NULL));
        EXPECT_EQ((info.flags & ZX_INFO_VMO_IMMUTABLE) != 0, immutable);
        EXPECT_OK(zx_handle_close(vmo));
    }
    EXPECT_OK(zx_handle_close(parent));
}

// ImmutableClone: a NO_WRITE snapshot is immutable.
TEST_CASE(ImmutableClone) { immutable_clone_test(0, ZX_VMO_CHILD_NO_WRITE | ZX_VMO_CHILD_SNAPSHOT, true); }

// NotImmutableMissingSnapshot: a NO_WRITE slice is not (the parent can still change it).
TEST_CASE(NotImmutableMissingSnapshot) {
    immutable_clone_test(0, ZX_VMO_CHILD_NO_WRITE | ZX_VMO_CHILD_SLICE, false);
}

// NotImmutableMissingNoWrite: a writable snapshot is not.
TEST_CASE(NotImmutableMissingNoWrite) { immutable_clone_test(0, ZX_VMO_CHILD_SNAPSHOT, false); }

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
