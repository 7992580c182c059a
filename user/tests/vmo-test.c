// vmo-test: VMOs from user space: create, sizes, read/write, rights,
// duplicate, mapping into our own address space, copy-on-write snapshots seen
// through mappings (faults on shared pages, stale mappings after a copy, a
// VMO written from or read into a mapping of itself). Zircon semantics
// (zircon-abi.md sections 6, 12, 13). Exit code = failed cases.
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

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

#define PG 4096u

static zx_vaddr_t map_rw(zx_handle_t vmo, size_t len) {
    zx_vaddr_t a = 0;
    if (zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, len, &a) != ZX_OK) return 0;
    return a;
}

static uint64_t rd(zx_handle_t vmo, uint64_t off) {
    uint64_t x = 0xbad;
    zx_vmo_read(vmo, &x, off, sizeof x);
    return x;
}

static zx_info_vmo_t info_of(zx_handle_t vmo) {
    zx_info_vmo_t i;
    memset(&i, 0, sizeof i);
    zx_object_get_info(vmo, ZX_INFO_VMO, &i, sizeof i, NULL, NULL);
    return i;
}

// Writes through mappings on either side after a snapshot: the writer gets its
// own page, the other side keeps the old contents, in every mapping of it.
TEST_CASE(cow_snapshot_through_mappings) {
    zx_handle_t p, c;
    ASSERT_OK(zx_vmo_create(2 * PG, 0, &p));
    volatile uint64_t *pm = (volatile uint64_t *)map_rw(p, 2 * PG);
    ASSERT_TRUE(pm != NULL);
    pm[0] = 1;  // writable before the snapshot
    pm[PG / 8] = 2;
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PG, &c));
    volatile uint64_t *c1 = (volatile uint64_t *)map_rw(c, 2 * PG);
    volatile uint64_t *c2 = (volatile uint64_t *)map_rw(c, 2 * PG);
    ASSERT_TRUE(c1 != NULL && c2 != NULL);
    EXPECT_EQ(c1[0], 1);           // read fault: the shared page, read-only
    EXPECT_EQ(c2[PG / 8], 2);
    pm[0] = 10;                     // the old writable mapping was taken away: a write fault copies
    EXPECT_EQ(c1[0], 1);
    EXPECT_EQ(rd(c, 0), 1);
    EXPECT_EQ(rd(p, 0), 10);
    EXPECT_EQ(c2[0], 1);
    c2[0] = 20;                     // c1 mapped the shared page: it must see the copy now
    EXPECT_EQ(c1[0], 20);
    EXPECT_EQ(pm[0], 10);
    c1[PG / 8] = 30;
    EXPECT_EQ(c2[PG / 8], 30);
    EXPECT_EQ(pm[PG / 8], 2);
    EXPECT_EQ(rd(p, PG), 2);
    // zx_vmo_write to a shared page while it is mapped on that side.
    zx_handle_t d;
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 2 * PG, &d));
    volatile uint64_t *dm = (volatile uint64_t *)map_rw(d, 2 * PG);
    ASSERT_TRUE(dm != NULL);
    EXPECT_EQ(dm[PG / 8], 2);
    uint64_t v = 40;
    EXPECT_OK(zx_vmo_write(d, &v, PG, sizeof v));
    EXPECT_EQ(dm[PG / 8], 40);
    EXPECT_EQ(pm[PG / 8], 2);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)dm, 2 * PG));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)c1, 2 * PG));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)c2, 2 * PG));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)pm, 2 * PG));
    zx_handle_close(d);
    zx_handle_close(c);
    zx_handle_close(p);
}

// zx_vmo_write from a mapping of the same VMO whose pages it shares, and
// zx_vmo_read into one: no deadlock, the right bytes (kernel bugs of this
// shape deadlocked before: the copy must not fault under the VMO's lock).
TEST_CASE(cow_read_write_with_own_mapping_as_buffer) {
    zx_handle_t p, c;
    ASSERT_OK(zx_vmo_create(4 * PG, 0, &p));
    for (uint64_t i = 0; i < 4; i++) {
        uint64_t x = 100 + i;
        ASSERT_OK(zx_vmo_write(p, &x, i * PG, sizeof x));
    }
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PG, &c));
    uint8_t *cm = (uint8_t *)map_rw(c, 4 * PG);
    ASSERT_TRUE(cm != NULL);
    EXPECT_EQ(*(volatile uint64_t *)(cm + 3 * PG), 103);  // mapped read-only, shared
    EXPECT_OK(zx_vmo_write(c, cm + 2 * PG, 0, 2 * PG));   // from pages 2-3 to 0-1: all shared
    EXPECT_EQ(rd(c, 0), 102);
    EXPECT_EQ(rd(c, PG), 103);
    EXPECT_EQ(rd(p, 0), 100);
    EXPECT_OK(zx_vmo_read(c, cm + 3 * PG, 0, PG));        // into a shared page of c
    EXPECT_EQ(rd(c, 3 * PG), 102);
    EXPECT_EQ(rd(p, 3 * PG), 103);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)cm, 4 * PG));
    zx_handle_close(c);
    zx_handle_close(p);
}

// A snapshot shares pages instead of copying them; closing in any order
// gives every page back; an unreachable parent gives its pages back at once.
TEST_CASE(cow_snapshot_costs_no_pages) {
    const uint64_t n = 64;
    zxrv_kernel_stats_t k0, k1, k2;
    zx_handle_t p, c;
    ASSERT_OK(zxrv_kernel_stats(&k0));
    ASSERT_OK(zx_vmo_create(n * PG, 0, &p));
    ASSERT_OK(zx_vmo_op_range(p, ZX_VMO_OP_COMMIT, 0, n * PG, NULL, 0));
    ASSERT_OK(zxrv_kernel_stats(&k1));
    ASSERT_OK(zx_vmo_create_child(p, ZX_VMO_CHILD_SNAPSHOT, 0, n * PG, &c));
    ASSERT_OK(zxrv_kernel_stats(&k2));
    EXPECT_TRUE(k1.free_pages - k2.free_pages <= 2);  // the child's radix node (+ a slab page)
    zx_info_vmo_t ip = info_of(p), ic = info_of(c);
    EXPECT_EQ(ic.committed_bytes, n * PG);            // RSS: every page it can reach
    EXPECT_EQ(ic.committed_private_bytes, 0);         // USS
    EXPECT_EQ(ic.committed_scaled_bytes, n * PG / 2); // PSS
    EXPECT_EQ(ip.committed_scaled_bytes, n * PG / 2);
    EXPECT_TRUE(ic.flags & ZX_INFO_VMO_IS_COW_CLONE);
    uint64_t x = 5;
    ASSERT_OK(zx_vmo_write(c, &x, 0, sizeof x));
    ic = info_of(c);
    EXPECT_EQ(ic.committed_private_bytes, PG);
    EXPECT_EQ(ic.committed_scaled_bytes, PG + (n - 1) * PG / 2);
    zx_handle_close(p);  // the child keeps its view; the parent's own page goes
    EXPECT_EQ(rd(c, PG), 0);
    EXPECT_EQ(rd(c, 0), 5);
    ic = info_of(c);
    EXPECT_EQ(ic.committed_private_bytes, n * PG);
    zx_handle_close(c);
    ASSERT_OK(zxrv_kernel_stats(&k2));
    EXPECT_EQ(k2.free_pages, k0.free_pages);
}

// zx_vmar_protect: errors in Zircon's order, splitting a mapping, the new
// permissions taking effect (a read-only page becomes writable and back), a
// protection beyond the VMO handle's rights refused.
TEST_CASE(vmar_protect) {
    zx_handle_t vmo, ro;
    ASSERT_OK(zx_vmo_create(4 * PG, 0, &vmo));
    zx_vaddr_t a = 0;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, 4 * PG, &a));
    volatile uint64_t *p = (volatile uint64_t *)a;
    EXPECT_EQ(p[0], 0);  // mapped read-only now
    EXPECT_OK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, a + PG, 2 * PG));
    p[PG / 8] = 7;       // the middle two pages are writable
    p[2 * PG / 8] = 8;
    EXPECT_EQ(rd(vmo, PG), 7);
    EXPECT_EQ(rd(vmo, 2 * PG), 8);
    EXPECT_OK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, a, 4 * PG));  // spans the three pieces
    EXPECT_EQ(p[PG / 8], 7);
    EXPECT_OK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, a, 4 * PG));
    p[3 * PG / 8] = 9;
    EXPECT_EQ(rd(vmo, 3 * PG), 9);
    // Errors.
    EXPECT_STATUS(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_WRITE, a, PG), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_SPECIFIC, a, PG), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, a + 1, PG), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, a, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, a, 5 * PG), ZX_ERR_NOT_FOUND);
    EXPECT_STATUS(zx_vmar_protect(ZX_HANDLE_INVALID, ZX_VM_PERM_READ, a, PG), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_vmar_protect(vmo, ZX_VM_PERM_READ, a, PG), ZX_ERR_WRONG_TYPE);
    // Not beyond what the VMO handle allowed at map time.
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_MAP | ZX_RIGHT_READ, &ro));
    zx_vaddr_t b = 0;
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ro, 0, PG, &b));
    EXPECT_STATUS(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, b, PG),
                  ZX_ERR_ACCESS_DENIED);
    EXPECT_OK(zx_vmar_protect(zx_vmar_root_self(), 0, b, PG));  // no access at all is allowed
    EXPECT_OK(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, b, PG));
    EXPECT_EQ(*(volatile uint64_t *)b, 0);
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), b, PG));
    EXPECT_OK(zx_vmar_unmap(zx_vmar_root_self(), a, 4 * PG));
    zx_handle_close(ro);
    zx_handle_close(vmo);
}

int main(int argc, char **argv) {
    return zxrv_test_main(argc, argv);
}
