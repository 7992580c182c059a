// handle-test: handles and rights (zx_handle_*, zx_object_get_info
// ZX_INFO_HANDLE_BASIC, ZX_PROP_NAME).
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>

TEST_CASE(values_are_nonzero_with_fixed_bits) {
    zx_handle_t h[16];
    for (int i = 0; i < 16; i++) {
        ASSERT_OK(zx_vmo_create(4096, 0, &h[i]));
        EXPECT_NE(h[i], ZX_HANDLE_INVALID);
        EXPECT_EQ(h[i] & ZX_HANDLE_FIXED_BITS_MASK, ZX_HANDLE_FIXED_BITS_MASK);
    }
    for (int i = 0; i < 16; i++) EXPECT_OK(zx_handle_close(h[i]));
}

TEST_CASE(duplicate_with_more_rights_fails) {
    zx_handle_t vmo, ro, dup;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE, &ro));
    EXPECT_STATUS(zx_handle_duplicate(ro, ZX_RIGHT_READ | ZX_RIGHT_WRITE, &dup), ZX_ERR_INVALID_ARGS);
    EXPECT_OK(zx_handle_duplicate(ro, ZX_RIGHT_SAME_RIGHTS, &dup));
    zx_info_handle_basic_t info;
    ASSERT_OK(zx_object_get_info(dup, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.rights, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE);
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_OK(zx_handle_close(ro));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST_CASE(duplicate_needs_the_duplicate_right) {
    zx_handle_t vmo, nodup, dup;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &nodup));
    EXPECT_STATUS(zx_handle_duplicate(nodup, ZX_RIGHT_SAME_RIGHTS, &dup), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(nodup));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST_CASE(use_after_close_is_bad_handle) {
    zx_handle_t vmo;
    uint64_t size;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_STATUS(zx_vmo_get_size(vmo, &size), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_handle_close(vmo), ZX_ERR_BAD_HANDLE);
    // A new handle does not silently reuse the closed value.
    zx_handle_t again;
    ASSERT_OK(zx_vmo_create(4096, 0, &again));
    EXPECT_NE(again, vmo);
    EXPECT_STATUS(zx_vmo_get_size(vmo, &size), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(again));
}

TEST_CASE(replace_invalidates_the_old_value) {
    zx_handle_t vmo, ro;
    uint64_t size;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    ASSERT_OK(zx_handle_replace(vmo, ZX_RIGHT_READ, &ro));
    EXPECT_STATUS(zx_vmo_get_size(vmo, &size), ZX_ERR_BAD_HANDLE);
    char b = 1;
    EXPECT_OK(zx_vmo_read(ro, &b, 0, 1));
    EXPECT_STATUS(zx_vmo_write(ro, &b, 0, 1), ZX_ERR_ACCESS_DENIED);
    // Asking for more rights fails and still consumes the handle.
    zx_handle_t more;
    EXPECT_STATUS(zx_handle_replace(ro, ZX_RIGHT_READ | ZX_RIGHT_WRITE, &more), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_handle_close(ro), ZX_ERR_BAD_HANDLE);
}

TEST_CASE(wrong_type_and_missing_rights) {
    zx_handle_t ch0, ch1, vmo;
    ASSERT_OK(zx_channel_create(0, &ch0, &ch1));
    uint64_t size;
    EXPECT_STATUS(zx_vmo_get_size(ch0, &size), ZX_ERR_WRONG_TYPE);
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    zx_handle_t ro;
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &ro));
    char b = 0;
    EXPECT_STATUS(zx_vmo_write(ro, &b, 0, 1), ZX_ERR_ACCESS_DENIED);
    zx_info_handle_basic_t info;
    EXPECT_STATUS(zx_object_get_info(ro, ZX_INFO_VMO, &info, sizeof info, NULL, NULL), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ro);
    zx_handle_close(vmo);
    zx_handle_close(ch0);
    zx_handle_close(ch1);
}

TEST_CASE(close_many) {
    zx_handle_t h[4];
    for (int i = 0; i < 3; i++) ASSERT_OK(zx_vmo_create(4096, 0, &h[i]));
    h[3] = ZX_HANDLE_INVALID;
    EXPECT_OK(zx_handle_close_many(h, 4));
    uint64_t size;
    for (int i = 0; i < 3; i++) EXPECT_STATUS(zx_vmo_get_size(h[i], &size), ZX_ERR_BAD_HANDLE);
}

TEST_CASE(handle_basic_info) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    zx_info_handle_basic_t info;
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info, &actual, &avail));
    EXPECT_EQ(actual, 1);
    EXPECT_EQ(avail, 1);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_VMO);
    EXPECT_EQ(info.rights, ZX_DEFAULT_VMO_RIGHTS);
    EXPECT_NE(info.koid, 0);
    EXPECT_STATUS(zx_object_get_info(vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info - 1, &actual, &avail),
                  ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(actual, 0);
    EXPECT_EQ(avail, 1);
    zx_info_handle_basic_t pinfo;
    ASSERT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_HANDLE_BASIC, &pinfo, sizeof pinfo, NULL, NULL));
    EXPECT_EQ(pinfo.type, ZX_OBJ_TYPE_PROCESS);
    EXPECT_NE(pinfo.related_koid, 0);  // its job
    zx_handle_close(vmo);
}

TEST_CASE(name_property) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    char name[ZX_MAX_NAME_LEN];
    ASSERT_OK(zx_object_set_property(vmo, ZX_PROP_NAME, "a-vmo-with-a-name-longer-than-31-bytes", 38));
    ASSERT_OK(zx_object_get_property(vmo, ZX_PROP_NAME, name, sizeof name));
    EXPECT_EQ(strlen(name), ZX_MAX_NAME_LEN - 1);
    EXPECT_EQ(memcmp(name, "a-vmo-with-a-name-longer-than-3", 31), 0);
    EXPECT_STATUS(zx_object_get_property(vmo, ZX_PROP_NAME, name, 8), ZX_ERR_BUFFER_TOO_SMALL);
    zx_handle_t ro;
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &ro));
    EXPECT_STATUS(zx_object_set_property(ro, ZX_PROP_NAME, "x", 1), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_object_get_property(ro, ZX_PROP_NAME, name, sizeof name), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ro);
    zx_handle_close(vmo);
}

TEST_CASE(bad_syscall_number) {
    // A number past the table: ZX_ERR_BAD_SYSCALL, not a crash.
    register long a0 __asm__("a0") = 0;
    register long t0 __asm__("t0") = 100000;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(t0) : "memory");
    EXPECT_EQ(a0, ZX_ERR_BAD_SYSCALL);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
