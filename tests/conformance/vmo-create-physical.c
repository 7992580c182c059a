// Conformance: zx_vmo_create_physical, seed ../../../shared/seeds/001 (the
// newer page), one case per sentence that states a behaviour or an error,
// the sentence quoted above its case; error mapping per zircon-abi.md §13.
// Uses the root resource and the console UART's MMIO resource that init
// passes on (the UART is a device every supported board has).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/resource.h>
#include <zxrv/bootstrap.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

static zx_handle_t root, uart;
static zx_info_resource_t uart_info;
static uint64_t uart_page;

// "zx_vmo_create_physical() creates a new virtual memory object (VMO), which
// represents the size bytes of physical memory beginning at physical address paddr."
TEST_CASE(maps_the_device) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create_physical(uart, uart_page, 4096, &vmo));
    zx_vaddr_t addr;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 4096, &addr));
    volatile uint8_t *regs = (volatile uint8_t *)(addr + (uart_info.base - uart_page));
    if (!strncmp(uart_info.name, "ns16550", 7)) {
        EXPECT_TRUE(regs[5] & 0x20);  // LSR: the transmitter is ready
    } else {
        EXPECT_EQ(((volatile uint32_t *)regs)[2] & 1, 1);  // sifive,uart0 txctrl.txen (set by firmware)
    }
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), addr, 4096));
    zx_info_vmo_t info;
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_VMO, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(ZX_INFO_VMO_TYPE(info.flags), ZX_INFO_VMO_TYPE_PHYSICAL);
    EXPECT_EQ(info.cache_policy, ZX_CACHE_POLICY_UNCACHED);  // zircon-abi.md §13
    EXPECT_EQ(info.committed_bytes, 0);
    zx_handle_close(vmo);
}

// "The content size of the VMO will be initialized to the given (unrounded) size."
// "Use zx_object_get_property() with ZX_PROP_VMO_CONTENT_SIZE to read the content size of the VMO."
// "Use zx_object_set_property() with ZX_PROP_VMO_CONTENT_SIZE to set the content size
// of the VMO without actually resizing the VMO."
TEST_CASE(content_size) {
    zx_handle_t vmo;
    uint64_t cs = 0, size = 0;
    ASSERT_OK(zx_vmo_create_physical(uart, uart_page, 4096, &vmo));
    ASSERT_OK(zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof cs));
    EXPECT_EQ(cs, 4096);
    cs = 10;
    EXPECT_OK(zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof cs));
    cs = 0;
    ASSERT_OK(zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &cs, sizeof cs));
    EXPECT_EQ(cs, 10);
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 4096);
    zx_handle_close(vmo);
}

// "One handle is returned on success, representing an object with the requested size."
TEST_CASE(one_handle_requested_size) {
    zx_handle_t vmo;
    uint64_t size = 0;
    ASSERT_OK(zx_vmo_create_physical(uart, uart_page, 4096, &vmo));
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    EXPECT_EQ(size, 4096);
    zx_handle_close(vmo);
}

// "The following rights will be set on the handle by default: ZX_RIGHT_DUPLICATE,
// ZX_RIGHT_TRANSFER, ZX_RIGHT_READ, ZX_RIGHT_WRITE, ZX_RIGHT_EXECUTE, ZX_RIGHT_MAP,
// ZX_RIGHT_GET_PROPERTY, ZX_RIGHT_SET_PROPERTY"
TEST_CASE(default_rights) {
    zx_handle_t vmo;
    zx_info_handle_basic_t info;
    ASSERT_OK(zx_vmo_create_physical(uart, uart_page, 4096, &vmo));
    ASSERT_OK(zx_object_get_info(vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
    const zx_rights_t listed = ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_READ | ZX_RIGHT_WRITE |
                               ZX_RIGHT_EXECUTE | ZX_RIGHT_MAP | ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY;
    EXPECT_EQ(info.rights & listed, listed);
    EXPECT_EQ(info.rights, ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE);  // zircon-abi.md §13
    zx_handle_close(vmo);
}

// "The ZX_VMO_ZERO_CHILDREN signal is active on a newly created VMO."
TEST_CASE(zero_children_active_when_new) {
    zx_handle_t vmo;
    zx_signals_t seen = 0;
    ASSERT_OK(zx_vmo_create_physical(uart, uart_page, 4096, &vmo));
    EXPECT_OK(zx_object_wait_one(vmo, ZX_VMO_ZERO_CHILDREN, 0, &seen));
    EXPECT_TRUE(seen & ZX_VMO_ZERO_CHILDREN);
    zx_handle_close(vmo);
}

// "The VMOs created by this syscall are not usable with zx_vmo_read() and zx_vmo_write()."
TEST_CASE(no_read_write) {
    zx_handle_t vmo;
    uint8_t b[8] = {0};
    ASSERT_OK(zx_vmo_create_physical(uart, uart_page, 4096, &vmo));
    EXPECT_STATUS(zx_vmo_read(vmo, b, 0, sizeof b), ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(zx_vmo_write(vmo, b, 0, sizeof b), ZX_ERR_NOT_SUPPORTED);
    zx_handle_close(vmo);
}

// "resource must have resource kind ZX_RSRC_KIND_MMIO." (the root resource
// stands for every kind; an MMIO child works)
TEST_CASE(mmio_resource_kind) {
    zx_info_resource_t info;
    ASSERT_OK(zx_object_get_info(uart, ZX_INFO_RESOURCE, &info, sizeof info, NULL, NULL));
    EXPECT_EQ(info.kind, ZX_RSRC_KIND_MMIO);
    zx_handle_t vmo;
    EXPECT_OK(zx_vmo_create_physical(root, uart_page, 4096, &vmo));
    zx_handle_close(vmo);
}

// "ZER_ERR_WRONG_TYPE resource is not a handle to a Resource object."
TEST_CASE(error_wrong_type) {
    zx_handle_t not_rsrc, vmo;
    ASSERT_OK(zx_vmo_create(4096, 0, &not_rsrc));
    EXPECT_STATUS(zx_vmo_create_physical(not_rsrc, uart_page, 4096, &vmo), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_vmo_create_physical(zx_job_default(), uart_page, 4096, &vmo), ZX_ERR_WRONG_TYPE);
    zx_handle_close(not_rsrc);
    EXPECT_STATUS(zx_vmo_create_physical(not_rsrc, uart_page, 4096, &vmo), ZX_ERR_BAD_HANDLE);
    // A resource of another kind (zircon-abi.md §13: WRONG_TYPE, as Zircon's code).
    zx_handle_t sys;
    ASSERT_OK(zx_resource_create(root, ZX_RSRC_KIND_SYSTEM, ZX_RSRC_SYSTEM_VMEX_BASE, 1, NULL, 0, &sys));
    EXPECT_STATUS(zx_vmo_create_physical(sys, uart_page, 4096, &vmo), ZX_ERR_WRONG_TYPE);
    zx_handle_close(sys);
}

// "ZER_ERR_ACCESS_DENIED resource does not grant access to the requested range of memory."
TEST_CASE(error_access_denied) {
    zx_handle_t vmo;
    // Outside the UART's resource.
    EXPECT_STATUS(zx_vmo_create_physical(uart, uart_page + 0x100000, 4096, &vmo), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_create_physical(uart, uart_page, 0x200000, &vmo), ZX_ERR_ACCESS_DENIED);
    // RAM (the kernel, firmware) through the root resource.
    EXPECT_STATUS(zx_vmo_create_physical(root, 0x80000000ull, 4096, &vmo), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_vmo_create_physical(root, 0x80200000ull, 4096, &vmo), ZX_ERR_ACCESS_DENIED);
    // The interrupt controller (PLIC at 0xc000000 on virt and sifive_u).
    EXPECT_STATUS(zx_vmo_create_physical(root, 0xc000000ull, 4096, &vmo), ZX_ERR_ACCESS_DENIED);
    // Unmapped address space.
    EXPECT_STATUS(zx_vmo_create_physical(root, 0x7000000000ull, 4096, &vmo), ZX_ERR_ACCESS_DENIED);
}

// "ZX_ERR_INVALID_ARGS out is an invalid pointer or NULL, or paddr or size are not page-aligned."
TEST_CASE(error_invalid_args) {
    zx_handle_t vmo;
    EXPECT_STATUS(zx_vmo_create_physical(uart, uart_page, 4096, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_physical(uart, uart_page, 4096, (zx_handle_t *)0x3000000000ull), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_physical(uart, uart_page + 1, 4096, &vmo), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_physical(uart, uart_page, 100, &vmo), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmo_create_physical(uart, uart_page, 0, &vmo), ZX_ERR_INVALID_ARGS);
}

// "ZX_ERR_OUT_OF_RANGE Requested size is too large."
TEST_CASE(error_out_of_range) {
    zx_handle_t vmo;
    EXPECT_STATUS(zx_vmo_create_physical(root, uart_page, UINT64_MAX & ~4095ull, &vmo), ZX_ERR_OUT_OF_RANGE);
    EXPECT_STATUS(zx_vmo_create_physical(root, 1ull << 56, 4096, &vmo), ZX_ERR_OUT_OF_RANGE);
}

int main(int argc, char **argv) {
    root = zxrv_root_resource();
    uart = zx_take_startup_handle(PA_HND(ZXRV_PA_CONSOLE_MMIO, 0));
    if (root == ZX_HANDLE_INVALID || uart == ZX_HANDLE_INVALID ||
        zx_object_get_info(uart, ZX_INFO_RESOURCE, &uart_info, sizeof uart_info, NULL, NULL) != ZX_OK) {
        printf("vmo-create-physical: needs the root and console resources from init\n");
        return 1;
    }
    uart_page = uart_info.base & ~4095ull;
    return zxrv_test_main(argc, argv);
}
