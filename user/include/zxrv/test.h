// A tiny test library for user programs (user/lib/test.c).
//
//   #include <zxrv/test.h>
//   TEST_CASE(vmo_roundtrip) {
//       zx_handle_t vmo;
//       ASSERT_OK(zx_vmo_create(4096, 0, &vmo));   // ASSERT_*: stop this case on failure
//       EXPECT_EQ(value, 42);                      // EXPECT_*: record and go on
//       EXPECT_STATUS(zx_handle_close(vmo), ZX_OK);
//   }
//   int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
//
// Output, one line each:
//   [ RUN ] vmo_roundtrip
//   [  OK  ] vmo_roundtrip                                    (no check failed)
//   [ FAIL ] vmo_roundtrip: vmo-test.c:12: value: got 41 (0x29), want 42 (0x2a)
//   3 passed, 1 failed                                        (last line)
// zxrv_test_main returns the number of failed cases, so the process's return
// code (and, run through init.run=, QEMU's exit status) is the failure count.
// With arguments, only the named cases run (an unknown name counts as failed).
//
// Cases run in source order (cases from several files: by file name, then
// line). Not thread-safe: checks must run on the thread that called
// zxrv_test_main.
#ifndef ZXRV_TEST_H_
#define ZXRV_TEST_H_

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

typedef struct zxrv_test {
    const char *name;
    void (*fn)(void);
    const char *file;  // for running cases in source order
    int line;
} zxrv_test_t;

// Defines and registers a case (an entry in section zxrv_tests, collected by
// user/user.ld). `name` must be a C identifier, unique in the program.
#define TEST_CASE(name)                                                          \
    static void zxrv_test_fn_##name(void);                                       \
    static const zxrv_test_t zxrv_test_entry_##name                              \
        __attribute__((used, section("zxrv_tests"), aligned(8))) = {             \
            #name, zxrv_test_fn_##name, __FILE__, __LINE__};                     \
    static void zxrv_test_fn_##name(void)

int zxrv_test_main(int argc, char **argv);

// The checks behind the macros; each returns whether it passed.
bool zxrv_test_check_eq(int64_t got, int64_t want, bool want_equal, const char *expr,
                        const char *file, int line);
bool zxrv_test_check_status(zx_status_t got, zx_status_t want, const char *expr, const char *file,
                            int line);
bool zxrv_test_check_true(bool cond, const char *expr, const char *file, int line);

// Values are compared as int64_t (pointers: cast to uintptr_t first).
#define EXPECT_EQ(a, b) \
    ((void)zxrv_test_check_eq((int64_t)(a), (int64_t)(b), true, #a, __FILE__, __LINE__))
#define EXPECT_NE(a, b) \
    ((void)zxrv_test_check_eq((int64_t)(a), (int64_t)(b), false, #a, __FILE__, __LINE__))
#define EXPECT_TRUE(c) ((void)zxrv_test_check_true((c), #c, __FILE__, __LINE__))
#define EXPECT_STATUS(expr, want) \
    ((void)zxrv_test_check_status((expr), (want), #expr, __FILE__, __LINE__))
#define EXPECT_OK(expr) EXPECT_STATUS(expr, ZX_OK)

#define ASSERT_EQ(a, b)                                                                     \
    do {                                                                                    \
        if (!zxrv_test_check_eq((int64_t)(a), (int64_t)(b), true, #a, __FILE__, __LINE__)) \
            return;                                                                         \
    } while (0)
#define ASSERT_TRUE(c)                                              \
    do {                                                            \
        if (!zxrv_test_check_true((c), #c, __FILE__, __LINE__))     \
            return;                                                 \
    } while (0)
#define ASSERT_STATUS(expr, want)                                                  \
    do {                                                                           \
        if (!zxrv_test_check_status((expr), (want), #expr, __FILE__, __LINE__))    \
            return;                                                                \
    } while (0)
#define ASSERT_OK(expr) ASSERT_STATUS(expr, ZX_OK)

#endif
