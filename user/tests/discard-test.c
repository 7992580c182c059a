// discard-test: discardable VMOs are really reclaimed under memory pressure
// (the zx_vmo_create page: "ZX_VMO_DISCARDABLE to create a VMO that the
// kernel can discard pages from under memory pressure"). Fill most of RAM
// with discardable VMOs, keep two locked, unlock the rest, then allocate
// more than is left: the kernel must discard unlocked ones (oldest unlock
// first), report it on the next lock, and keep every locked one intact.
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>
#include <zxrv/testutil.h>

#define CHUNK (2ull << 20)
#define MAX_VMOS 1024

static zx_handle_t d[MAX_VMOS];

TEST_CASE(reclaim_under_pressure) {
    zxrv_kernel_stats_t ks;
    ASSERT_OK(zxrv_kernel_stats(&ks));
    uint64_t total = ks.total_pages * 4096;
    unsigned n = 0;
    zx_vmo_lock_state_t ls;
    // Fill until less than a third of RAM is free.
    while (n < MAX_VMOS) {
        ASSERT_OK(zxrv_kernel_stats(&ks));
        if (ks.free_pages * 4096 < total / 3) break;
        ASSERT_OK(zx_vmo_create(CHUNK, ZX_VMO_DISCARDABLE, &d[n]));
        ASSERT_OK(zx_vmo_op_range(d[n], ZX_VMO_OP_LOCK, 0, CHUNK, &ls, sizeof ls));
        ASSERT_OK(zx_vmo_op_range(d[n], ZX_VMO_OP_COMMIT, 0, CHUNK, NULL, 0));
        n++;
    }
    ASSERT_TRUE(n > 4);
    // Two stay locked, with data we check later; the rest are unlocked.
    uint64_t pattern[2] = {0x1111222233334444ull, 0x5555666677778888ull};
    for (unsigned i = 0; i < 2; i++) ASSERT_OK(zx_vmo_write(d[i], &pattern[i], CHUNK - 8, 8));
    for (unsigned i = 2; i < n; i++) ASSERT_OK(zx_vmo_op_range(d[i], ZX_VMO_OP_UNLOCK, 0, CHUNK, NULL, 0));
    zxrv_kernel_stats_t before;
    ASSERT_OK(zxrv_kernel_stats(&before));

    // Now want half of RAM more, a megabyte at a time.
    zx_handle_t big;
    uint64_t want = (total / 2) & ~((1ull << 20) - 1);
    ASSERT_OK(zx_vmo_create(want, 0, &big));
    for (uint64_t off = 0; off < want; off += 1ull << 20)
        ASSERT_OK(zx_vmo_op_range(big, ZX_VMO_OP_COMMIT, off, 1ull << 20, NULL, 0));

    // Some unlocked VMOs were discarded: TRY_LOCK says so; LOCK succeeds and reports it.
    unsigned discarded = 0;
    bool kept_one = false;
    for (unsigned i = 2; i < n; i++) {
        zx_status_t st = zx_vmo_op_range(d[i], ZX_VMO_OP_TRY_LOCK, 0, CHUNK, NULL, 0);
        if (st == ZX_ERR_UNAVAILABLE) {
            discarded++;
            // Least recently unlocked first: the discarded ones are the oldest unlocks.
            EXPECT_TRUE(!kept_one);
            memset(&ls, 0, sizeof ls);
            EXPECT_OK(zx_vmo_op_range(d[i], ZX_VMO_OP_LOCK, 0, CHUNK, &ls, sizeof ls));
            EXPECT_EQ(ls.discarded_size, CHUNK);
            uint64_t v = 1;
            EXPECT_OK(zx_vmo_read(d[i], &v, 0, 8));
            EXPECT_EQ(v, 0);  // discarded contents read as zero
        } else {
            EXPECT_OK(st);
            kept_one = true;
        }
    }
    printf("discard-test: %u of %u unlocked VMOs discarded\n", discarded, n - 2);
    EXPECT_TRUE(discarded > 0);
    // Nothing locked was lost.
    for (unsigned i = 0; i < 2; i++) {
        uint64_t v = 0;
        EXPECT_OK(zx_vmo_read(d[i], &v, CHUNK - 8, 8));
        EXPECT_EQ(v, pattern[i]);
    }
    zx_handle_close(big);
    for (unsigned i = 0; i < n; i++) zx_handle_close(d[i]);
}

TEST_CASE(zz_memory_comes_back) {
    zxrv_kernel_stats_t ks;
    ASSERT_OK(zxrv_kernel_stats(&ks));
    EXPECT_TRUE(ks.free_pages * 4096 > ks.total_pages * 4096 / 2);
}

int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
