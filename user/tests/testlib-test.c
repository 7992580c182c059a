// testlib-test: the test library's own failure path. Three cases fail on
// purpose (their "[ FAIL ]" lines are expected in the output); the program
// returns 0 only if zxrv_test_main counted exactly those three, an ASSERT
// stopped its case, and the passing cases ran in source order.
#include <stdio.h>
#include <zircon/syscalls.h>
#include <zxrv/test.h>

static int order[4], ran;
static int after_assert;

TEST_CASE(passes_first) {
    order[ran++] = 1;
    EXPECT_EQ(1 + 1, 2);
    EXPECT_OK(ZX_OK);
}

TEST_CASE(expected_failure_eq) {
    order[ran++] = 2;
    EXPECT_EQ(6 * 7, 41);
}

TEST_CASE(expected_failure_status) {
    order[ran++] = 3;
    EXPECT_STATUS(zx_handle_close((zx_handle_t)0x7ffffff3u), ZX_OK);
}

TEST_CASE(expected_failure_assert_stops) {
    order[ran++] = 4;
    ASSERT_TRUE(0 > 1);
    after_assert = 1;
}

int main(int argc, char **argv) {
    int failed = zxrv_test_main(argc, argv);
    int ok = failed == 3 && ran == 4 && !after_assert && order[0] == 1 && order[1] == 2 &&
             order[2] == 3 && order[3] == 4;
    printf("testlib-test: %s (3 expected failures, %d counted)\n", ok ? "ok" : "WRONG", failed);
    return ok ? 0 : 1;
}
