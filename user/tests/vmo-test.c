// vmo-test: VMOs from user space: create, sizes, read/write, rights,
// duplicate, mapping into our own address space. Zircon semantics
// (zircon-abi.md sections 6, 12, 13). Exit code = failed cases.
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>

TEST_CASE(create_rounds_size_up) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(1, 0, &vmo));
    uint64_t size = 0;
    EXPECT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 4096);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST_CASE(create_zero_size) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(0, 0, &vmo));
    uint64_t size = 1;
    EXPECT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST_CASE(create_bad_options) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    EXPECT_STATUS(zx_vmo_create(4096, 1u << 0, &vmo), ZX_ERR_INVALID_ARGS);  // bit 0 is unused
    EXPECT_STATUS(zx_vmo_create(4096, ZX_VMO_RESIZABLE | ZX_VMO_UNBOUNDED, &vmo), ZX_ERR_INVALID_ARGS);
}

TEST_CASE(read_write_roundtrip) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(3 * 4096, 0, &vmo));
    char in[100], out[100];
    for (unsigned i = 0; i < sizeof in; i++)
        in[i] = (char)(i * 7 + 1);
    EXPECT_OK(zx_vmo_write(vmo, in, 4096 - 50, sizeof in));  // across a page boundary
    memset(out, 0, sizeof out);
    EXPECT_OK(zx_vmo_read(vmo, out, 4096 - 50, sizeof out));
    EXPECT_EQ(memcmp(in, out, sizeof in), 0);
    // Fresh pages read as zero.
    EXPECT_OK(zx_vmo_read(vmo, out, 2 * 4096, sizeof out));
    char zero[100] = {0};
    EXPECT_EQ(memcmp(out, zero, sizeof out), 0);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST_CASE(read_write_out_of_range) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    char buf[16];
    EXPECT_STATUS(zx_vmo_read(vmo, buf, 4096 - 8, sizeof buf), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_write(vmo, buf, 4096, 1), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_read(vmo, buf, UINT64_MAX - 4, sizeof buf), ZX_ERR_OUT_OF_RANGE);
    EXPECT_OK(zx_vmo_read(vmo, buf, 4096, 0));
    EXPECT_OK(zx_handle_close(vmo));
}

TEST_CASE(default_rights) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof info);
    EXPECT_OK(zx_object_get_info(vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_VMO);
    EXPECT_EQ(info.rights, ZX_DEFAULT_VMO_RIGHTS);
    EXPECT_OK(zx_handle_close(vmo));
}

TEST_CASE(duplicate_shares_the_object) {
    zx_handle_t vmo, dup, ro;
    ASSERT_OK(zx_vmo_create(4096, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &dup));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_TRANSFER, &ro));
    uint32_t v = 0x12345678, w = 0;
    EXPECT_OK(zx_vmo_write(vmo, &v, 8, sizeof v));
    EXPECT_OK(zx_vmo_read(dup, &w, 8, sizeof w));
    EXPECT_EQ(w, 0x12345678);
    EXPECT_STATUS(zx_vmo_write(ro, &v, 0, sizeof v), ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_handle_close(vmo));
    EXPECT_OK(zx_vmo_read(dup, &w, 8, sizeof w));  // alive while a handle is
    EXPECT_STATUS(zx_vmo_read(vmo, &w, 8, sizeof w), ZX_ERR_BAD_HANDLE);
    EXPECT_OK(zx_handle_close(dup));
    EXPECT_OK(zx_handle_close(ro));
}

TEST_CASE(wrong_handle_type) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    char buf[4];
    EXPECT_STATUS(zx_vmo_read(a, buf, 0, sizeof buf), ZX_ERR_WRONG_TYPE);
    EXPECT_OK(zx_handle_close(a));
    EXPECT_OK(zx_handle_close(b));
}

TEST_CASE(map_and_touch) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(2 * 4096, 0, &vmo));
    uint64_t v = 0x1122334455667788ull;
    EXPECT_OK(zx_vmo_write(vmo, &v, 4096, sizeof v));
    zx_vaddr_t addr = 0;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          2 * 4096, &addr));
    EXPECT_TRUE(addr != 0 && addr % 4096 == 0);
    volatile uint64_t *p = (volatile uint64_t *)addr;
    EXPECT_EQ(p[4096 / 8], 0x1122334455667788ull);  // what zx_vmo_write put there
    p[1] = 77;                                       // and the other way round
    uint64_t w = 0;
    EXPECT_OK(zx_vmo_read(vmo, &w, 8, sizeof w));
    EXPECT_EQ(w, 77);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 2 * 4096));
    EXPECT_OK(zx_handle_close(vmo));
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
